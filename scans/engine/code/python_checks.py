"""The classic Python rules: each a small check registered under the callee or keyword it reacts to.

The analyzer looks a call up once by qualified name, once by its last name and once per keyword,
so adding a rule never adds a pass over the tree.
"""

import ast
import re
from collections.abc import Callable

from scans.engine.code.python_names import argument, is_false, is_literal, is_true, keyword, names_in
from scans.engine.code.python_scope import Analysis, Scope

CallCheck = Callable[[Analysis, ast.Call, Scope], None]
KeywordCheck = Callable[[Analysis, ast.Call, ast.expr, str], None]

_PICKLE_MODULES = ("pickle", "cPickle", "_pickle", "dill", "cloudpickle")
PICKLE_CALLS = frozenset(
    [f"{module}.{name}" for module in _PICKLE_MODULES for name in ("load", "loads", "Unpickler")]
    + ["shelve.open", "shelve.DbfilenameShelf", "pandas.read_pickle", "jsonpickle.decode"]
)
SHELL_ALWAYS = frozenset(
    {
        "os.system",
        "os.popen",
        "os.popen2",
        "os.popen3",
        "os.popen4",
        "commands.getoutput",
        "commands.getstatusoutput",
        "subprocess.getoutput",
        "subprocess.getstatusoutput",
        "asyncio.create_subprocess_shell",
    }
)
SUBPROCESS_WITH_SHELL = frozenset(
    f"subprocess.{name}" for name in ("call", "run", "Popen", "check_call", "check_output")
)
_SAFE_YAML_LOADERS = ("SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader")
_WEAK_HASHES = frozenset({"hashlib.md5", "hashlib.sha1", "Crypto.Hash.MD5.new", "Crypto.Hash.SHA.new"})
_PASSWORD_WORDS = ("passw", "pwd", "passphrase")
_HTTP_CALLS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "request", "send", "stream", "Client", "AsyncClient"}
)
_ALL_INTERFACES = frozenset({"0.0.0.0", "::"})  # noqa: S104 - the values this rule looks for
_ACCESS_ATTRS = frozenset(
    {
        "is_authenticated",
        "is_admin",
        "is_staff",
        "is_superuser",
        "has_perm",
        "has_perms",
        "has_permission",
        "is_owner",
    }
)
# Parts of an identifier split at "_": `is_owner`, `user_roles`, `admin` — not `ownerDocument`.
_ACCESS_WORDS = frozenset(
    {"permission", "permissions", "perm", "perms", "role", "roles", "admin", "owner", "authorized", "privilege"}
)


def _is_password_name(name: str) -> bool:
    return any(word in name for word in _PASSWORD_WORDS)


def _check_pickle(an: Analysis, call: ast.Call, scope: Scope) -> None:
    an.report("python.pickle-load", call)


def _check_marshal(an: Analysis, call: ast.Call, scope: Scope) -> None:
    an.report("python.marshal-load", call)


def _check_yaml_load(an: Analysis, call: ast.Call, scope: Scope) -> None:
    loader = argument(call, 1, "Loader")
    name = (an.qualname(loader) or "") if loader is not None else ""
    if not name.endswith(_SAFE_YAML_LOADERS):
        an.report("python.yaml-load", call)


def _check_yaml_unsafe(an: Analysis, call: ast.Call, scope: Scope) -> None:
    an.report("python.yaml-load", call)


def _check_torch_load(an: Analysis, call: ast.Call, scope: Scope) -> None:
    if not is_true(keyword(call, "weights_only")):
        an.report("python.torch-load", call)


def _check_joblib(an: Analysis, call: ast.Call, scope: Scope) -> None:
    an.report("python.joblib-load", call)


def _check_numpy_load(an: Analysis, call: ast.Call, scope: Scope) -> None:
    if is_true(keyword(call, "allow_pickle")):
        an.report("python.numpy-load-pickle", call)


def _check_eval(an: Analysis, call: ast.Call, scope: Scope) -> None:
    # Evaluating a string fixed in the source runs nothing an attacker chose.
    if call.args and not is_literal(call.args[0]):
        an.report("python.eval-exec", call)


def _check_shell_always(an: Analysis, call: ast.Call, scope: Scope) -> None:
    if not is_literal(argument(call, 0, "cmd")):
        an.report("python.shell-injection", call)


def _check_subprocess(an: Analysis, call: ast.Call, scope: Scope) -> None:
    shell = keyword(call, "shell")
    truthy = type(shell) is ast.Constant and bool(shell.value)
    if truthy and not is_literal(argument(call, 0, "args")):
        an.report("python.shell-injection", call)


def _check_tempfile(an: Analysis, call: ast.Call, scope: Scope) -> None:
    an.report("python.tempfile-mktemp", call)


def _check_unverified_context(an: Analysis, call: ast.Call, scope: Scope) -> None:
    an.report("python.tls-verify-disabled", call)


def _is_weak_hash(an: Analysis, call: ast.Call) -> bool:
    if is_false(keyword(call, "usedforsecurity")):
        return False
    name = an.qualname(call.func)
    if name in _WEAK_HASHES:
        return True
    algorithm = argument(call, 0, "name") if name == "hashlib.new" else None
    return type(algorithm) is ast.Constant and str(algorithm.value).lower() in ("md5", "sha1")


def _check_weak_hash(an: Analysis, call: ast.Call, scope: Scope) -> None:
    hashed = call.args[1:] if an.qualname(call.func) == "hashlib.new" else call.args
    if _is_weak_hash(an, call) and any(_is_password_name(n) for arg in hashed for n in names_in(arg)):
        an.report("python.weak-password-hash", call)


def _check_jwt_decode(an: Analysis, call: ast.Call, scope: Scope) -> None:
    options = keyword(call, "options")
    unverified = is_false(keyword(call, "verify"))
    if type(options) is ast.Dict:
        unverified |= any(
            type(key) is ast.Constant and key.value == "verify_signature" and is_false(value)
            for key, value in zip(options.keys, options.values, strict=True)
        )
    algorithms = keyword(call, "algorithms")
    if type(algorithms) in (ast.List, ast.Tuple, ast.Set):
        unverified |= any(type(alg) is ast.Constant and str(alg.value).lower() == "none" for alg in algorithms.elts)
    if unverified:
        an.report("python.jwt-no-verify", call)


def _check_sql(an: Analysis, call: ast.Call, scope: Scope) -> None:
    query = argument(call, 0, "sql")
    if query is None or not is_built_string(query, scope):
        return
    bound = len(call.args) > 1 or keyword(call, "params") is not None
    # Values bound as parameters with a placeholder left in the text: what was interpolated is at
    # most an identifier such as a table name, the accepted way to vary those.
    if not (bound and _keeps_placeholder(query, scope)):
        an.report("python.sql-injection", call)


def _check_sql_extra(an: Analysis, call: ast.Call, scope: Scope) -> None:
    bound = keyword(call, "params") is not None or keyword(call, "select_params") is not None
    for name in ("where", "select", "tables", "order_by"):
        given = keyword(call, name)
        parts = given.elts if type(given) in (ast.List, ast.Tuple) else given.values if type(given) is ast.Dict else ()
        if any(is_built_string(part, scope) and not (bound and _keeps_placeholder(part, scope)) for part in parts):
            an.report("python.sql-injection", call)
            return


# After `%` formatting only a doubled `%%s` is left for the driver; otherwise `%s`, `%(name)s`.
_PLACEHOLDER_AFTER_PERCENT = re.compile(r"%%s|%%\(\w+\)s|\?|(?<![:\w]):[A-Za-z_]\w*|\$\d")
_PLACEHOLDER = re.compile(r"%s|%\(\w+\)s|\?|(?<![:\w]):[A-Za-z_]\w*|\$\d")


def _keeps_placeholder(node: ast.expr, scope: Scope) -> bool:
    """Whether the literal text of a built query still holds a driver placeholder."""
    if type(node) is ast.Name:
        return scope.built_sql.get(node.id, False)
    pattern = _PLACEHOLDER_AFTER_PERCENT if type(node) is ast.BinOp and type(node.op) is ast.Mod else _PLACEHOLDER
    texts = [sub.value for sub in ast.walk(node) if type(sub) is ast.Constant and isinstance(sub.value, str)]
    return any(pattern.search(text) for text in texts)


def _check_bind(an: Analysis, call: ast.Call, scope: Scope) -> None:
    candidates = [call.args[0]] if call.args else []
    candidates += [kw.value for kw in call.keywords if kw.arg in ("host", "address", "bind", "listen", "interface")]
    for value in candidates:
        if type(value) is ast.Tuple and value.elts:
            value = value.elts[0]
        if type(value) is ast.Constant and value.value in _ALL_INTERFACES:
            an.report("python.bind-all-interfaces", call)
            return


def _keyword_verify(an: Analysis, call: ast.Call, value: ast.expr, name: str) -> None:
    if not is_false(value) or name.startswith(("jwt.", "jose.")):
        return
    root = name.partition(".")[0]
    if root in ("requests", "httpx", "aiohttp") or name.rpartition(".")[2] in _HTTP_CALLS:
        an.report("python.tls-verify-disabled", call)


def _keyword_false_disables_tls(an: Analysis, call: ast.Call, value: ast.expr, name: str) -> None:
    if is_false(value):
        an.report("python.tls-verify-disabled", call)


def _keyword_cert_none(an: Analysis, call: ast.Call, value: ast.expr, name: str) -> None:
    if (an.qualname(value) or "") == "ssl.CERT_NONE":
        an.report("python.tls-verify-disabled", call)


def _keyword_trust_remote_code(an: Analysis, call: ast.Call, value: ast.expr, name: str) -> None:
    if is_true(value):
        an.report("python.trust-remote-code", call)


def is_built_string(node: ast.expr, scope: Scope) -> bool:
    """A string assembled at run time from values: `%`, `+`, `.format` or an f-string with fields."""
    kind = type(node)
    if kind is ast.JoinedStr:
        return any(type(value) is ast.FormattedValue for value in node.values)
    if kind is ast.BinOp:
        if type(node.op) is ast.Mod:  # whatever the template, what matters is what fills it
            return not is_literal(node.right)
        if type(node.op) is ast.Add and not is_literal(node):
            return _is_text(node.left) or _is_text(node.right) or is_built_string(node.left, scope)
        return False
    if kind is ast.Call and type(node.func) is ast.Attribute and node.func.attr in ("format", "replace"):
        return _is_text(node.func.value) and not all(is_literal(arg) for arg in node.args) or bool(node.keywords)
    if kind is ast.Name:
        return node.id in scope.built_sql
    return False


def _is_text(node: ast.expr) -> bool:
    return (type(node) is ast.Constant and isinstance(node.value, str)) or type(node) is ast.JoinedStr


def check_assignment(an: Analysis, node: ast.Assign | ast.AugAssign | ast.AnnAssign, scope: Scope) -> None:
    value = node.value
    if value is None:
        return
    targets = node.targets if type(node) is ast.Assign else [node.target]
    for target in targets:
        kind = type(target)
        if kind is ast.Name:
            _assign_name(an, node, target.id, value, scope)
        elif kind is ast.Attribute:
            _assign_attribute(an, node, target.attr, value)


def _assign_name(an: Analysis, node: ast.stmt, name: str, value: ast.expr, scope: Scope) -> None:
    if is_built_string(value, scope):
        kept = _keeps_placeholder(value, scope)
        scope.built_sql[name] = kept or (type(node) is ast.AugAssign and scope.built_sql.get(name, False))
    elif type(node) is not ast.AugAssign:
        scope.built_sql.pop(name, None)
    if name == "DEBUG" and is_true(value) and scope.parent is None and is_settings_path(an.path):
        an.report("python.django-debug", node)
    if _is_password_name(name.lower()):
        hashed = value
        while type(hashed) is ast.Call and type(hashed.func) is ast.Attribute and not _is_weak_hash(an, hashed):
            hashed = hashed.func.value  # md5(x).hexdigest() -> md5(x)
        if type(hashed) is ast.Call and _is_weak_hash(an, hashed):
            an.report("python.weak-password-hash", hashed)


def _assign_attribute(an: Analysis, node: ast.stmt, attr: str, value: ast.expr) -> None:
    name = an.qualname(value) or ""
    if (
        (attr == "verify_mode" and name == "ssl.CERT_NONE")
        or (attr in ("check_hostname", "verify") and is_false(value))
        or (attr == "_create_default_https_context" and name == "ssl._create_unverified_context")
    ):
        an.report("python.tls-verify-disabled", node)


def is_settings_path(path: str) -> bool:
    lowered = path.replace("\\", "/").lower()
    return "settings" in lowered or "config" in lowered


def is_test_path(path: str) -> bool:
    lowered = "/" + path.replace("\\", "/").lower()
    name = lowered.rpartition("/")[2]
    in_tests = "/tests/" in lowered or "/test/" in lowered
    return in_tests or name.startswith("test_") or name.endswith("_test.py") or name in ("tests.py", "conftest.py")


def check_assert(an: Analysis, node: ast.Assert) -> None:
    # Tests assert on permissions by design; elsewhere `python -O` strips the check.
    if is_test_path(an.path):
        return
    for sub in ast.walk(node.test):
        kind = type(sub)
        if kind is ast.Attribute and sub.attr in _ACCESS_ATTRS:
            break
        if kind in (ast.Name, ast.Attribute):
            word = sub.id if kind is ast.Name else sub.attr
            if not _ACCESS_WORDS.isdisjoint(word.lower().split("_")):
                break
        if kind is ast.Compare and _compares_user(sub):
            break
    else:
        return
    an.report("python.assert-access-check", node)


def _identifier_parts(node: ast.AST) -> set[str]:
    parts: set[str] = set()
    for sub in ast.walk(node):
        if type(sub) is ast.Name:
            parts.update(sub.id.lower().split("_"))
        elif type(sub) is ast.Attribute:
            parts.update(sub.attr.lower().split("_"))
    return parts


def _compares_user(node: ast.Compare) -> bool:
    """`obj.user == request.user`, `user.id in allowed`: an ownership test, unlike `user is not None`."""
    operands = [node.left, *node.comparators]
    if any(type(op) is ast.Constant and op.value is None for op in operands):
        return False
    return any("user" in _identifier_parts(operand) for operand in operands)


BY_QUALNAME: dict[str, CallCheck] = {
    **dict.fromkeys(PICKLE_CALLS, _check_pickle),
    **dict.fromkeys(("marshal.load", "marshal.loads"), _check_marshal),
    **dict.fromkeys(("yaml.load", "yaml.load_all"), _check_yaml_load),
    **dict.fromkeys(
        ("yaml.unsafe_load", "yaml.unsafe_load_all", "yaml.full_load", "yaml.full_load_all"), _check_yaml_unsafe
    ),
    "torch.load": _check_torch_load,
    **dict.fromkeys(("joblib.load", "sklearn.externals.joblib.load"), _check_joblib),
    **dict.fromkeys(("numpy.load",), _check_numpy_load),
    **dict.fromkeys(("eval", "exec", "builtins.eval", "builtins.exec"), _check_eval),
    **dict.fromkeys(SHELL_ALWAYS, _check_shell_always),
    **dict.fromkeys(SUBPROCESS_WITH_SHELL, _check_subprocess),
    **dict.fromkeys(("tempfile.mktemp", "os.tempnam", "os.tmpnam"), _check_tempfile),
    **dict.fromkeys(("ssl._create_unverified_context", "ssl._create_stdlib_context"), _check_unverified_context),
    **dict.fromkeys((*_WEAK_HASHES, "hashlib.new"), _check_weak_hash),
    **dict.fromkeys(("jwt.decode", "jose.jwt.decode", "jwt.api_jwt.decode"), _check_jwt_decode),
    **dict.fromkeys(("sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text"), _check_sql),
}
BY_LAST_NAME: dict[str, CallCheck] = {
    **dict.fromkeys(("execute", "executemany", "executescript", "raw", "RawSQL"), _check_sql),
    "extra": _check_sql_extra,
    **dict.fromkeys(
        (
            "run",
            "bind",
            "listen",
            "serve",
            "create_server",
            "start_server",
            "run_simple",
            "make_server",
            "HTTPServer",
            "ThreadingHTTPServer",
            "TCPServer",
            "ThreadingTCPServer",
            "UDPServer",
            "WSGIServer",
        ),
        _check_bind,
    ),
}
BY_KEYWORD: dict[str | None, KeywordCheck] = {
    "verify": _keyword_verify,
    "verify_ssl": _keyword_false_disables_tls,
    "check_hostname": _keyword_false_disables_tls,
    "cert_reqs": _keyword_cert_none,
    "verify_mode": _keyword_cert_none,
    "trust_remote_code": _keyword_trust_remote_code,
}
