"""LLM data flow (OWASP LLM01/LLM05): user input into prompts, model output into sinks, agents with shells.

A small intra-function taint analysis: each name maps to a bit set of what reached it (user
input, user input mixed into instruction text, model output), propagated through assignments,
formatting, concatenation, containers, attributes, subscripts and calls on tainted values. It runs
only on modules that mention an LLM client, so ordinary code pays nothing for it.

Kept simple on purpose: a prompt template filled through named variables
(`PromptTemplate(...).format(question=q)`) keeps the input apart from the instructions and is not
flagged; text built with f-strings, `%`, `+` or `"...".format()` around user input is.
"""

import ast

from scans.engine.code.credentials import credential_tokens
from scans.engine.code.python_checks import SHELL_ALWAYS, SUBPROCESS_WITH_SHELL
from scans.engine.code.python_names import argument, is_literal, is_true, keyword, last_name
from scans.engine.code.python_scope import Analysis, Scope

USER, MIXED, MODEL = 1, 2, 4
_INPUT = USER | MIXED

_MARKERS = (
    "openai",
    "anthropic",
    "litellm",
    "langchain",
    "llama_index",
    "llm",
    "LLM",
    "ChatCompletion",
    "completions.create",
    "messages.create",
    "@tool",
    "function_tool",
    "mcp",
)
_CLIENT_SUFFIXES = (
    ".completions.create",
    ".completions.parse",
    ".responses.create",
    ".messages.create",
    ".messages.stream",
    "ChatCompletion.create",
    "ChatCompletion.acreate",
    "Completion.create",
    "Completion.acreate",
)
_CLIENT_FUNCTIONS = frozenset(
    {"litellm.completion", "litellm.acompletion", "litellm.text_completion", "ollama.chat", "ollama.generate"}
)
_CHAIN_METHODS = frozenset(
    {
        *("invoke", "ainvoke", "predict", "apredict", "run", "arun", "stream", "astream", "batch"),
        *("complete", "acomplete", "query", "aquery", "chat", "achat", "generate", "agenerate"),
    }
)
_LLM_RECEIVER_WORDS = ("llm", "chat", "model", "chain", "agent", "engine", "openai", "anthropic", "claude", "gpt")
_REQUEST_NAMES = frozenset({"request", "req"})
_REQUEST_FIELDS = frozenset(
    {
        *("GET", "POST", "data", "json", "args", "form", "body", "values", "query_params", "files"),
        *("cookies", "headers", "get_json", "path_params", "query_string", "text", "content"),
    }
)
_INPUT_PARAMETER_WORDS = ("user_input", "prompt", "query", "message", "question", "user_text", "user_msg")
_SECRET_NAME_WORDS = ("password", "passwd", "api_key", "apikey", "secret", "private_key", "credential")
_SYSTEM_ROLES = frozenset({"system", "developer"})
_SHELL_TOOLS = frozenset({"ShellTool", "PythonREPLTool", "PythonAstREPLTool", "BashProcess", "PythonREPL"})
_SHELL_TOOL_NAMES = frozenset({"terminal", "python_repl", "shell", "bash"})
_TOOL_DECORATORS = frozenset({"tool", "function_tool", "kernel_function"})
_CODE_RUNNERS = SHELL_ALWAYS | SUBPROCESS_WITH_SHELL | {"eval", "exec", "builtins.eval", "builtins.exec"}
_FIRST_ARGUMENT_SINKS = _CODE_RUNNERS | {"asyncio.create_subprocess_exec", "open", "io.open", "pathlib.Path", "Path"}
_SQL_SINKS = frozenset({"execute", "executemany", "executescript", "raw"})
_HTML_SINKS = frozenset(
    {"mark_safe", "format_html", "Markup", "SafeString", "HttpResponse", "HTMLResponse", "render_template_string"}
)


def mentions_llm(text: str) -> bool:
    return any(marker in text for marker in _MARKERS)


def _is_secret_name(name: str) -> bool:
    lowered = name.lower()
    if any(word in lowered for word in _SECRET_NAME_WORDS):
        return True
    return "token" in lowered and "tokens" not in lowered  # `api_token`, not `max_tokens`


class LlmFlow:
    def __init__(self, analyzer: Analysis) -> None:
        self.an = analyzer
        self._shell_in_function: dict[str, ast.Call] = {}
        self._registered_tools: set[str] = set()
        self._model_returning: set[str] = set()

    def handlers(self) -> dict[type, object]:
        return {
            ast.For: self._for,
            ast.AsyncFor: self._for,
            ast.With: self._with,
            ast.AsyncWith: self._with,
            ast.Dict: self._dict,
            ast.Tuple: self._tuple,
            ast.Return: self._return,
        }

    def taint(self, node: ast.expr | None, scope: Scope) -> int:
        """The bit set of what reaches `node`: USER, MIXED (user input inside instruction text), MODEL."""
        kind = type(node)
        if kind is ast.Name:
            return scope.taint_of(node.id)
        if kind is ast.Constant or node is None:
            return 0
        if kind is ast.JoinedStr:
            found, has_text = 0, False
            for part in node.values:
                if type(part) is ast.FormattedValue:
                    found |= self.taint(part.value, scope)
                else:
                    has_text = True
            return found | MIXED if has_text and found & _INPUT else found
        if kind is ast.BinOp:
            found = self.taint(node.left, scope) | self.taint(node.right, scope)
            texts = _is_text(node.left) or _is_text(node.right)
            return found | MIXED if texts and found & _INPUT and type(node.op) in (ast.Add, ast.Mod) else found
        if kind is ast.Call:
            return self._call_taint(node, scope)
        if kind is ast.Attribute:
            base = node.value
            if type(base) is ast.Name:
                imported = self.an.aliases.get(base.id, base.id)
                is_request = base.id in _REQUEST_NAMES or imported.endswith(".request")  # flask's, under any name
                if (is_request and node.attr in _REQUEST_FIELDS) or (node.attr == "argv" and imported == "sys"):
                    return USER
            if type(base) is ast.Attribute and base.attr == "request" and node.attr in _REQUEST_FIELDS:
                return USER
            return self.taint(base, scope)
        if kind in (ast.Subscript, ast.Await, ast.Starred, ast.FormattedValue):
            return self.taint(node.value, scope)
        if kind in (ast.List, ast.Tuple, ast.Set):
            return self._union(node.elts, scope)
        if kind is ast.Dict:
            return self._union(node.values, scope) | self._union([k for k in node.keys if k is not None], scope)
        if kind is ast.BoolOp:
            return self._union(node.values, scope)
        if kind is ast.IfExp:
            return self.taint(node.body, scope) | self.taint(node.orelse, scope)
        if kind in (ast.ListComp, ast.GeneratorExp, ast.SetComp):
            return self.taint(node.elt, scope) | self._union([gen.iter for gen in node.generators], scope)
        return 0

    def _union(self, nodes: list[ast.expr], scope: Scope) -> int:
        found = 0
        for node in nodes:
            found |= self.taint(node, scope)
        return found

    def _call_taint(self, call: ast.Call, scope: Scope) -> int:
        name = self.an.qualname(call.func) or ""
        if self.is_llm_call(call, name) or name in self._model_returning:
            return MODEL
        if name == "input":
            return USER
        func = call.func
        found = self._union(call.args, scope) | self._union([kw.value for kw in call.keywords], scope)
        if type(func) is ast.Attribute:
            found |= self.taint(func, scope)
            # "...{}".format(user): instruction text around the input, unlike a template's named slots.
            if func.attr == "format" and _is_text(func.value) and found & _INPUT:
                found |= MIXED
        return found

    def is_llm_call(self, call: ast.Call, name: str) -> bool:
        if name.endswith(_CLIENT_SUFFIXES) or name in _CLIENT_FUNCTIONS:
            return True
        func = call.func
        if type(func) is not ast.Attribute or func.attr not in _CHAIN_METHODS:
            return False
        receiver = (self.an.qualname(func.value) or "").lower()
        return any(word in receiver for word in _LLM_RECEIVER_WORDS)

    def enter_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope) -> None:
        arguments = node.args
        for parameter in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs):
            lowered = parameter.arg.lower()
            if "system" not in lowered and any(word in lowered for word in _INPUT_PARAMETER_WORDS):
                scope.taint[parameter.arg] = USER
        for decorator in node.decorator_list:
            target = decorator.func if type(decorator) is ast.Call else decorator
            if last_name(target) in _TOOL_DECORATORS:
                scope.is_tool = True

    def assign(self, node: ast.Assign | ast.AugAssign | ast.AnnAssign, scope: Scope) -> None:
        value = node.value
        if value is None:
            return
        found = self.taint(value, scope)
        targets = node.targets if type(node) is ast.Assign else [node.target]
        for target in targets:
            names = target.elts if type(target) in (ast.Tuple, ast.List) else [target]
            for named in names:
                if type(named) is not ast.Name:
                    continue
                name = named.id
                if type(node) is ast.AugAssign:
                    scope.taint[name] = scope.taint.get(name, 0) | found
                else:
                    scope.taint[name] = found
                    scope.defs[name] = value
                lowered = name.lower()
                if "system" in lowered and any(word in lowered for word in ("prompt", "message", "instruction")):
                    self._secret_in_system(value, scope, depth=0)

    def _for(self, node: ast.For | ast.AsyncFor, scope: Scope) -> None:
        found = self.taint(node.iter, scope)
        if found:
            for named in ast.walk(node.target):
                if type(named) is ast.Name:
                    scope.taint[named.id] = found

    def _with(self, node: ast.With | ast.AsyncWith, scope: Scope) -> None:
        for item in node.items:
            if type(item.optional_vars) is ast.Name:
                scope.taint[item.optional_vars.id] = self.taint(item.context_expr, scope)

    def _return(self, node: ast.Return, scope: Scope) -> None:
        function = scope.function
        if function is not None and node.value is not None and self.taint(node.value, scope) & MODEL:
            self._model_returning.add(function.name)

    def _dict(self, node: ast.Dict, scope: Scope) -> None:
        role = content = None
        for key, value in zip(node.keys, node.values, strict=True):
            if type(key) is ast.Constant:
                if key.value == "role":
                    role = value
                elif key.value == "content":
                    content = value
        if content is not None and type(role) is ast.Constant and role.value in _SYSTEM_ROLES:
            self._system_content(content, scope)

    def _tuple(self, node: ast.Tuple, scope: Scope) -> None:
        elts = node.elts
        if len(elts) == 2 and type(elts[0]) is ast.Constant and elts[0].value in _SYSTEM_ROLES:
            self._system_content(elts[1], scope)

    def _system_content(self, content: ast.expr, scope: Scope) -> None:
        if self.taint(content, scope) & _INPUT:
            self.an.report("llm.prompt-injection-flow", content)
        self._secret_in_system(content, scope, depth=0)

    def _secret_in_system(self, node: ast.expr, scope: Scope, depth: int) -> None:
        kind = type(node)
        if kind is ast.Constant:
            if isinstance(node.value, str) and credential_tokens(node.value):
                self.an.report("llm.secret-in-system-prompt", node)
        elif kind is ast.JoinedStr:
            for part in node.values:
                if type(part) is ast.FormattedValue:
                    if _is_secret_name(last_name(part.value)):
                        self.an.report("llm.secret-in-system-prompt", node)
                        return
                else:
                    self._secret_in_system(part, scope, depth)
        elif kind is ast.BinOp:
            self._secret_in_system(node.left, scope, depth)
            self._secret_in_system(node.right, scope, depth)
        elif kind is ast.Call and type(node.func) is ast.Attribute and node.func.attr == "format":
            named = [last_name(arg) for arg in node.args] + [kw.arg or "" for kw in node.keywords]
            if any(_is_secret_name(name) for name in named):
                self.an.report("llm.secret-in-system-prompt", node)
            self._secret_in_system(node.func.value, scope, depth)
        elif kind is ast.Name and depth < 3:
            defined = scope.definition(node.id)
            if defined is not None:
                self._secret_in_system(defined, scope, depth + 1)

    def call(self, call: ast.Call, scope: Scope, name: str, last: str) -> None:
        if self.is_llm_call(call, name):
            self._prompt_arguments(call, scope)
        elif last == "SystemMessage":
            content = argument(call, 0, "content")
            if content is not None:
                self._system_content(content, scope)
        self._model_output_sink(call, scope, name, last)
        self._agent_tools(call, scope, name, last)

    def _prompt_arguments(self, call: ast.Call, scope: Scope) -> None:
        for given in call.keywords:
            if given.arg in ("system", "instructions", "system_prompt"):
                self._system_content(given.value, scope)
            elif given.arg in ("prompt", "input", "query", "question"):
                self._single_prompt(given.value, scope)
        if call.args and type(call.func) is ast.Attribute and call.func.attr in _CHAIN_METHODS:
            self._single_prompt(call.args[0], scope)

    def _single_prompt(self, value: ast.expr, scope: Scope) -> None:
        # A list of messages keeps each role apart; the roles were checked where the messages were built.
        shape = scope.definition(value.id) if type(value) is ast.Name else value
        if type(shape) in (ast.List, ast.Tuple, ast.ListComp):
            return
        if self.taint(value, scope) & MIXED:
            self.an.report("llm.prompt-injection-flow", value)

    def _model_output_sink(self, call: ast.Call, scope: Scope, name: str, last: str) -> None:
        if name in _FIRST_ARGUMENT_SINKS or last in _SQL_SINKS:
            reached = self.taint(argument(call, 0, "args"), scope) if call.args or call.keywords else 0
        elif last in _HTML_SINKS:
            reached = self._union(call.args, scope) | self._union([kw.value for kw in call.keywords], scope)
        else:
            return
        if reached & MODEL:
            self.an.report("llm.output-to-sink", call)

    def _agent_tools(self, call: ast.Call, scope: Scope, name: str, last: str) -> None:
        dangerous_code = is_true(keyword(call, "allow_dangerous_code"))
        if last in _SHELL_TOOLS or dangerous_code or (last == "load_tools" and _names_shell_tool(call)):
            self.an.report("llm.agent-shell-tool", call)
        if name in _CODE_RUNNERS and not is_literal(argument(call, 0, "args")):
            if scope.is_tool:
                self.an.report("llm.agent-shell-tool", call)
            elif scope.function is not None:
                self._shell_in_function.setdefault(scope.function.name, call)
        for given in call.keywords:
            if given.arg in ("tools", "functions") and type(given.value) in (ast.List, ast.Tuple):
                self._registered_tools.update(e.id for e in given.value.elts if type(e) is ast.Name)
        if last in ("Tool", "from_function", "from_defaults", "tool", "StructuredTool"):
            function = argument(call, 0, "func") or keyword(call, "fn") or keyword(call, "function")
            if type(function) is ast.Name:
                self._registered_tools.add(function.id)

    def finish(self) -> None:
        """Functions handed to an agent as tools after they were defined: known only at the end."""
        for name in sorted(self._registered_tools):
            if name in self._shell_in_function:
                self.an.report("llm.agent-shell-tool", self._shell_in_function[name])


def _names_shell_tool(call: ast.Call) -> bool:
    listed = call.args[0] if call.args else keyword(call, "tool_names")
    elements = listed.elts if type(listed) in (ast.List, ast.Tuple) else []
    return any(type(e) is ast.Constant and e.value in _SHELL_TOOL_NAMES for e in elements)


def _is_text(node: ast.expr) -> bool:
    return (type(node) is ast.Constant and isinstance(node.value, str)) or type(node) is ast.JoinedStr
