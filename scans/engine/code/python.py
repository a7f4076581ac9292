"""Dangerous Python: one `ast.parse` and one walk per file, every rule dispatched by node type.

The walk is an explicit depth-first stack in source order that also carries the enclosing
function, so rules that follow a value through assignments (SQL strings, LLM data flow) see each
assignment before the calls below it, and no rule walks the tree on its own.
"""

import ast
import re

from scans.engine.code import python_checks as checks
from scans.engine.code.python_checks import is_settings_path, is_test_path
from scans.engine.code.python_llm import LlmFlow, mentions_llm
from scans.engine.code.python_names import Aliases, bind_import, last_name, qualname
from scans.engine.code.python_scope import Scope
from scans.engine.code.rules import code_finding
from scans.engine.findings import Finding

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Source that would blow the parser's or the unparser's stack is skipped, never raised.
_UNPARSABLE = (SyntaxError, ValueError, RecursionError, MemoryError)


def _node_classes(base: type) -> set[type]:
    found = set()
    for subclass in base.__subclasses__():
        found |= {subclass, *_node_classes(subclass)}
    return found


# The walk goes into every node but names, constants, contexts and operators: no rule starts at
# them and they hold nothing else, and they are most of a tree. A set lookup on the class also
# stands in for `isinstance(child, ast.AST)`, which strings in `Global.names` would otherwise need.
_LEAVES = {ast.Name, ast.Constant}
for _base in (ast.expr_context, ast.operator, ast.unaryop, ast.boolop, ast.cmpop):
    _LEAVES |= {_base, *_node_classes(_base)}
_WALKED = frozenset(_node_classes(ast.AST) - _LEAVES)


class PythonAnalyzer:
    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.aliases: Aliases = {}
        self.findings: list[Finding] = []
        self._seen: set[tuple[str, int, int]] = set()
        self._lines: list[str] | None = None
        self.llm = LlmFlow(self) if mentions_llm(text) else None
        self._handlers = {
            ast.Call: self._call,
            ast.Assign: self._assign,
            ast.AugAssign: self._assign,
            ast.AnnAssign: self._assign,
            ast.Assert: self._assert,
            ast.Import: self._import,
            ast.ImportFrom: self._import,
            ast.FunctionDef: self._function,
            ast.AsyncFunctionDef: self._function,
        }
        if self.llm is not None:
            self._handlers.update(self.llm.handlers())

    def qualname(self, node: ast.expr) -> str | None:
        return qualname(node, self.aliases)

    def run(self, tree: ast.Module) -> list[Finding]:
        module = Scope(None, None)
        stack: list[tuple[ast.AST, Scope]] = [(tree, module)]
        handlers = self._handlers
        while stack:
            node, scope = stack.pop()
            handler = handlers.get(node.__class__)
            if handler is not None:
                try:  # noqa: SIM105 - cheaper than entering a context manager for every call node
                    scope = handler(node, scope) or scope
                except RecursionError:
                    pass  # one absurdly nested expression; the rest of the file is still checked
            children = []
            for field in node._fields:
                value = getattr(node, field, None)
                if value.__class__ is list:
                    children += [(item, scope) for item in value if item.__class__ in _WALKED]
                elif value.__class__ in _WALKED:
                    children.append((value, scope))
            children.reverse()
            stack.extend(children)
        if self.llm is not None:
            self.llm.finish()
        return self.findings

    def report(self, rule_id: str, node: ast.expr | ast.stmt) -> None:
        key = (rule_id, node.lineno, node.col_offset)
        if key in self._seen:
            return
        self._seen.add(key)
        if self._lines is None:
            self._lines = _LINE_BREAK.split(self.text)
        line = self._lines[node.lineno - 1] if node.lineno <= len(self._lines) else ""
        # col_offset counts UTF-8 bytes; a finding's column counts characters.
        column = len(line.encode("utf-8", "surrogatepass")[: node.col_offset].decode("utf-8", "ignore")) + 1
        self.findings.append(
            code_finding(
                rule_id, path=self.path, source_line=line, line=node.lineno, column=column, value=_normalised(node)
            )
        )

    def _call(self, node: ast.Call, scope: Scope) -> None:
        name = self.qualname(node.func)
        if name is not None:
            check = checks.BY_QUALNAME.get(name)
            if check is not None:
                check(self, node, scope)
            last = name.rpartition(".")[2]
        else:
            last = last_name(node.func)
        check = checks.BY_LAST_NAME.get(last)
        if check is not None:
            check(self, node, scope)
        for given in node.keywords:
            check = checks.BY_KEYWORD.get(given.arg)
            if check is not None:
                check(self, node, given.value, name or "")
        if self.llm is not None:
            self.llm.call(node, scope, name or "", last)

    def _assign(self, node: ast.Assign | ast.AugAssign | ast.AnnAssign, scope: Scope) -> None:
        checks.check_assignment(self, node, scope)
        if self.llm is not None:
            self.llm.assign(node, scope)

    def _assert(self, node: ast.Assert, scope: Scope) -> None:
        checks.check_assert(self, node)

    def _import(self, node: ast.Import | ast.ImportFrom, scope: Scope) -> None:
        bind_import(node, self.aliases)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope) -> Scope:
        inner = Scope(scope, node)
        if self.llm is not None:
            self.llm.enter_function(node, inner)
        return inner


def _normalised(node: ast.AST) -> str:
    try:
        return ast.unparse(node)
    except (RecursionError, ValueError):
        return ast.dump(node)[:2000]


# Parsing is most of the cost, so a file is parsed only when it holds what some rule's match cannot
# do without: a module name with the function the rule is about, a callee followed by "(", a
# keyword followed by "=". The second part, words or a pattern, is searched only once the first
# substring is known to be there.
_LOADS = ("load", "Unpickler", "read_pickle", "decode", "DbfilenameShelf")
_TRIGGERS: tuple[tuple[str, re.Pattern[str] | tuple[str, ...] | None], ...] = (
    *((word, _LOADS) for word in ("pickle", "Pickle", "dill", "marshal", "yaml", "torch", "joblib")),
    ("shelve", None),
    ("eval", re.compile(r"(?<![\w.])eval\s*\(")),
    ("exec", re.compile(r"(?<![\w.])exec\s*\(")),
    ("builtins", ("eval", "exec")),
    ("system", re.compile(r"system\s*\(")),
    *((word, None) for word in ("popen", "getoutput", "getstatusoutput", "subprocess_shell")),
    ("shell", re.compile(r"shell\s*=")),
    ("execute", re.compile(r"execute(?:many|script)?\s*\(")),
    ("raw", re.compile(r"(?<![\w])raw\s*\(")),
    ("RawSQL", None),
    ("extra", re.compile(r"(?<![\w])extra\s*\(")),
    ("sqlalchemy", None),
    ("verify", re.compile(r"verify(?:_ssl)?\s*=")),
    *((word, None) for word in ("CERT_NONE", "check_hostname", "_create_unverified_context", "_create_stdlib_context")),
    *((word, None) for word in ("md5", "MD5", "sha1", "mktemp", "tempnam", "tmpnam", "jwt", "trust_remote_code")),
    ("SHA", re.compile(r"SHA\b")),
    *((word, None) for word in ("0.0.0.0", "'::'", '"::"')),  # noqa: S104 - words searched for
)
# An access check names the user or a permission in the assert itself, or opens a bracket to wrap.
_ACCESS_ASSERT = re.compile(
    r"assert\b[^\n]*(?:user|permission|role|admin|authoriz|owner|privilege|is_staff|has_perm)|assert\s*\(\s*$",
    re.MULTILINE,
)


def may_have_findings(path: str, text: str) -> bool:
    """False only when no rule could match: the file then need not be parsed at all."""
    for word, confirm in _TRIGGERS:
        if word not in text:
            continue
        if confirm is None:
            return True
        if type(confirm) is tuple:
            if any(part in text for part in confirm):
                return True
        elif confirm.search(text):
            return True
    if "DEBUG" in text and is_settings_path(path):
        return True
    if "assert" in text and not is_test_path(path) and _ACCESS_ASSERT.search(text):
        return True
    return mentions_llm(text)


def scan_python(path: str, text: str) -> list[Finding]:
    """Dangerous calls in Python source; a file that does not parse has no findings."""
    if not may_have_findings(path, text):
        return []
    try:
        tree = ast.parse(text, filename=path)
    except _UNPARSABLE:
        return []
    try:
        return PythonAnalyzer(path, text).run(tree)
    except RecursionError:
        return []
