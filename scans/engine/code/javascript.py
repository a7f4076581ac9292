"""Dangerous JavaScript and TypeScript: eval-like calls, shell commands, and HTML written into the DOM.

Rules match on tokens, so text inside comments, strings and regular expressions never matches. A
value made only of literals is never flagged; a value that carries a model's output (OpenAI
`choices[…].message.content`, streamed `delta`s, Anthropic `content[0].text`, LangChain results)
into the DOM is `js.llm-output-html` instead of the generic rule.
"""

import bisect
import re

from scans.engine.code.js_lexer import Token, tokenize
from scans.engine.code.rules import code_finding
from scans.engine.findings import Finding

JAVASCRIPT_EXTENSIONS = (".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs")
_LITERAL_NAMES = frozenset({"true", "false", "null", "undefined"})
_SANITIZERS = frozenset({"DOMPurify", "sanitize", "sanitizeHtml", "escapeHtml", "escape", "encodeURIComponent"})
_CLOSERS = frozenset({")", "]", "}"})
_CONTINUES = frozenset({".", "?.", "(", "[", "+", "-", "*", "/", "%", "?", ":", "&&", "||", "??", "=>", "`"})
_CHILD_PROCESS = frozenset({"child_process", "node:child_process"})
_EXEC_NAMES = frozenset({"exec", "execSync"})
_LLM_CALLS = frozenset({"generateText", "streamText", "generateObject", "streamObject"})
_LLM_RECEIVER_WORDS = ("llm", "model", "chat", "chain", "agent", "openai", "anthropic")
_CLIENT_RESOURCES = frozenset({"completions", "messages", "responses"})
_MODEL_OUTPUT_MARKERS = ("choices", "output_text", "delta", "content[0]", "completions", "messages.create")
_MODEL_OUTPUT_MARKERS += ("generateText", "streamText", "generateObject", "streamObject", "invoke(", "stream(")
_DECLARATIONS = frozenset({"const", "let", "var"})


class _JavaScript:
    def __init__(self, path: str, text: str) -> None:
        self.path, self.text = path, text
        self.tokens = tokenize(text)
        self.findings: list[Finding] = []
        self.tainted: set[str] = set()
        self._line_starts: list[int] | None = None
        self.aliases, self.exec_functions = _child_process_bindings(self.tokens)
        # Following assignments costs a scan per assignment; only files that can hold model output pay it.
        self.follows_model_output = any(marker in text for marker in _MODEL_OUTPUT_MARKERS)

    # -- expressions -------------------------------------------------------------------------------

    def expression_end(self, start: int) -> int:
        """Index after the expression at `start`: up to a `;`, `,` or closing bracket at its depth,
        or a line break that the expression cannot continue across."""
        tokens, depth, i = self.tokens, 0, start
        while i < len(tokens):
            token = tokens[i]
            value = token.value if token.kind == "punct" else ""
            if depth == 0 and (value in (";", ",") or value in _CLOSERS):
                return i
            if value in ("(", "[", "{"):
                depth += 1
            elif value in _CLOSERS:
                depth -= 1
            elif depth == 0 and i > start and self._breaks_between(tokens[i - 1], token):
                return i
            i += 1
        return i

    def _breaks_between(self, before: Token, after: Token) -> bool:
        if "\n" not in self.text[before.end : after.start]:
            return False
        return not (before.kind == "punct" and before.value in _CONTINUES) and not (
            after.kind == "punct" and after.value in _CONTINUES
        )

    def arguments(self, open_paren: int) -> list[tuple[int, int]]:
        """(start, end) token spans of the call arguments after the `(` at `open_paren`."""
        spans, i = [], open_paren + 1
        while i < len(self.tokens) and self.tokens[i].value != ")":
            end = self.expression_end(i)
            if end == i:
                break
            spans.append((i, end))
            i = end + 1 if end < len(self.tokens) and self.tokens[end].value == "," else end
        return spans

    def is_literal(self, start: int, end: int) -> bool:
        if start >= end:
            return True
        for token in self.tokens[start:end]:
            if token.kind == "template" and token.fields:
                return False
            if token.kind == "name" and token.value not in _LITERAL_NAMES:
                return False
            if token.kind == "punct" and token.value not in ("+", "(", ")"):
                return False
        return True

    def is_sanitized(self, start: int, end: int) -> bool:
        return any(t.kind == "name" and t.value in _SANITIZERS for t in self.tokens[start:end])

    def carries_model_output(self, tokens: list[Token]) -> bool:
        for i, token in enumerate(tokens):
            if token.kind == "template":
                if any(self.carries_model_output(tokenize(field)) for field in token.fields):
                    return True
                continue
            if token.kind != "name":
                continue
            value = token.value
            after = [t.value for t in tokens[i + 1 : i + 6]]
            if value in self.tainted or value in _LLM_CALLS or value in ("choices", "output_text"):
                return True
            if value == "delta" and after[:2] in ([".", "content"], [".", "text"]):
                return True
            if value == "content" and after == ["[", "0", "]", ".", "text"] and i and tokens[i - 1].value == ".":
                return True  # Anthropic: message.content[0].text
            if value in ("create", "stream") and i >= 2 and tokens[i - 2].value in _CLIENT_RESOURCES:
                return True
            if value in ("invoke", "stream") and i >= 2 and tokens[i - 1].value == ".":
                receiver = tokens[i - 2].value.lower()
                if any(word in receiver for word in _LLM_RECEIVER_WORDS):
                    return True
        return False

    # -- rules -------------------------------------------------------------------------------------

    def run(self) -> list[Finding]:
        tokens = self.tokens
        for i, token in enumerate(tokens):
            if token.kind != "name":
                continue
            value = token.value
            previous = tokens[i - 1].value if i and tokens[i - 1].kind == "punct" else ""
            following = tokens[i + 1].value if i + 1 < len(tokens) and tokens[i + 1].kind == "punct" else ""
            if self.follows_model_output:
                if value in _DECLARATIONS or following in ("=", "+="):
                    self._track_assignment(i)
                elif value == "of" and i >= 1:
                    self._track_loop(i)
            if previous in (".", "?."):
                self._member(i, value, following)
            elif following == "(":
                self._call(i, value)
            elif value == "__html" and following == ":":
                self._html_sink(i, i + 2, self.expression_end(i + 2), "js.dangerously-set-inner-html")
        return self.findings

    def _member(self, i: int, value: str, following: str) -> None:
        tokens = self.tokens
        if value in ("innerHTML", "outerHTML") and following in ("=", "+="):
            self._html_sink(i, i + 2, self.expression_end(i + 2), "js.inner-html")
        elif following != "(":
            return
        elif value == "insertAdjacentHTML":
            spans = self.arguments(i + 1)
            if len(spans) >= 2:
                self._html_sink(i, *spans[1], "js.inner-html")
        elif value in ("write", "writeln") and tokens[i - 2].value == "document":
            spans = self.arguments(i + 1)
            if spans:
                self._html_sink(i - 2, spans[0][0], spans[-1][1], "js.document-write")
        elif value in _EXEC_NAMES and self._is_child_process(i - 2):
            self._exec(i - 2, i + 1)
        elif value == "eval" and tokens[i - 2].value in ("window", "globalThis", "self"):
            self._dynamic_code(i - 2, i + 1, "js.eval")

    def _call(self, i: int, value: str) -> None:
        if value == "eval":
            self._dynamic_code(i, i + 1, "js.eval")
        elif value == "Function":
            self._dynamic_code(i - 1 if i and self.tokens[i - 1].value == "new" else i, i + 1, "js.new-function")
        elif value in self.exec_functions:
            self._exec(i, i + 1)
        elif self.follows_model_output and len(value) > 3 and value.startswith("set") and value[3].isupper():
            # React state: setHtml(modelOutput) makes `html` carry it.
            spans = self.arguments(i + 1)
            if spans and self.carries_model_output(self.tokens[spans[0][0] : spans[0][1]]):
                self.tainted.add(value[3].lower() + value[4:])

    def _is_child_process(self, receiver: int) -> bool:
        if receiver < 0:
            return False
        token = self.tokens[receiver]
        if token.value in self.aliases:
            return True
        # require("child_process").exec(...)
        return token.value == ")" and receiver >= 1 and self.tokens[receiver - 1].value.strip("'\"`") in _CHILD_PROCESS

    def _dynamic_code(self, at: int, open_paren: int, rule_id: str) -> None:
        spans = self.arguments(open_paren)
        if any(not self.is_literal(start, end) for start, end in spans):
            self.report(rule_id, at, spans[-1][1])

    def _exec(self, at: int, open_paren: int) -> None:
        spans = self.arguments(open_paren)
        if spans and not self.is_literal(*spans[0]):
            self.report("js.child-process-exec", at, spans[0][1])

    def _html_sink(self, at: int, start: int, end: int, rule_id: str) -> None:
        if self.is_literal(start, end) or self.is_sanitized(start, end):
            return
        if self.carries_model_output(self.tokens[start:end]):
            rule_id = "js.llm-output-html"
        self.report(rule_id, at, end)

    # -- taint -------------------------------------------------------------------------------------

    def _track_assignment(self, i: int) -> None:
        """`const x = <model output>`, `x = …`, `const { content } = …`, `setHtml(…)` taint their names."""
        tokens, names, j = self.tokens, [], i
        if tokens[i].value in _DECLARATIONS:
            j = i + 1
            if j < len(tokens) and tokens[j].value in ("{", "["):
                close = self.expression_end(j + 1)
                names = [t.value for t in tokens[j + 1 : close] if t.kind == "name"]
                j = close + 1
            elif j < len(tokens) and tokens[j].kind == "name":
                names = [tokens[j].value]
                j += 1
            while j < len(tokens) and tokens[j].value != "=" and j - i < 24:  # skip a TypeScript annotation
                j += 1
        else:
            names = [tokens[i].value]
            j = i + 1
        if j >= len(tokens) or tokens[j].value not in ("=", "+="):
            return
        end = self.expression_end(j + 1)
        if self.carries_model_output(tokens[j + 1 : end]):
            self.tainted.update(names)

    def _track_loop(self, i: int) -> None:
        """`for await (const chunk of stream)` gives each chunk the stream's taint."""
        end = self.expression_end(i + 1)
        if self.tokens[i - 1].kind == "name" and self.carries_model_output(self.tokens[i + 1 : end]):
            self.tainted.add(self.tokens[i - 1].value)

    # -- reporting ---------------------------------------------------------------------------------

    def report(self, rule_id: str, at: int, end: int) -> None:
        start = self.tokens[at].start
        stop = self.tokens[min(end, len(self.tokens)) - 1].end if end > at else self.tokens[at].end
        if self._line_starts is None:
            self._line_starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", self.text)]
        line = bisect.bisect_right(self._line_starts, start)
        line_start = self._line_starts[line - 1]
        line_end = self._line_starts[line] if line < len(self._line_starts) else len(self.text)
        self.findings.append(
            code_finding(
                rule_id,
                path=self.path,
                source_line=self.text[line_start:line_end].rstrip("\r\n"),
                line=line,
                column=start - line_start + 1,
                value=" ".join(self.text[start:stop].split()),
            )
        )


def _child_process_bindings(tokens: list[Token]) -> tuple[set[str], set[str]]:
    """Names bound to the child_process module and to its exec functions, from require or import."""
    aliases: set[str] = set()
    functions: set[str] = set()
    for i, token in enumerate(tokens):
        if token.kind not in ("string", "template") or token.value.strip("'\"`") not in _CHILD_PROCESS:
            continue
        # Walk back to the start of the statement: `const … = require(` or `import … from`.
        j = i - 1
        while j >= 0 and tokens[j].value not in ("const", "let", "var", "import", ";"):
            j -= 1
        head = tokens[j + 1 : i]
        values = [t.value for t in head]
        if "{" in values:
            close = values.index("}") if "}" in values else len(values)
            inner = values[values.index("{") + 1 : close]
            for k, name in enumerate(inner):
                if name in _EXEC_NAMES:
                    renamed = k + 2 < len(inner) and inner[k + 1] in (":", "as")
                    functions.add(inner[k + 2] if renamed else name)
        if values[:2] == ["*", "as"] and len(values) > 2:
            aliases.add(values[2])  # import * as cp from "child_process"
        elif head and head[0].kind == "name" and values[0] != "{":
            aliases.add(values[0])  # const cp = require(…), import cp from …, import cp, { exec } from …
    return aliases, functions


# Every rule needs one of these words in the file (exec only counts once child_process is
# imported), so a file without any is not tokenized at all.
_TRIGGERS = ("eval", "Function", "child_process", "innerHTML", "outerHTML", "insertAdjacentHTML", "__html")


def scan_javascript(path: str, text: str) -> list[Finding]:
    """Dangerous calls in JavaScript or TypeScript source (JSX included)."""
    if not any(word in text for word in _TRIGGERS) and not ("document" in text and "write" in text):
        return []
    try:
        return _JavaScript(path, text).run()
    except RecursionError:
        return []
