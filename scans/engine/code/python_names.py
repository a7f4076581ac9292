"""What a Python expression names once imports are resolved, and whether it is a plain literal.

Calls are matched by qualified name (`import pickle as p; p.loads(x)` is `pickle.loads`), so an
unrelated `cache.load()` never looks like `pickle.load()`.
"""

import ast

Aliases = dict[str, str]


def bind_import(node: ast.Import | ast.ImportFrom, aliases: Aliases) -> None:
    """Record the names an import statement binds, as the dotted names they stand for."""
    if type(node) is ast.Import:
        for alias in node.names:
            if alias.asname:
                aliases[alias.asname] = alias.name
            else:
                top = alias.name.partition(".")[0]
                aliases[top] = top
        return
    module = ("." * node.level) + (node.module or "")
    for alias in node.names:
        if alias.name != "*":
            aliases[alias.asname or alias.name] = f"{module}.{alias.name}" if module else alias.name


def qualname(node: ast.expr, aliases: Aliases) -> str | None:
    """`a.b.c` with `a` resolved through the imports; a call in the chain shows as `f()`.

    A name that was never imported stands for itself, so builtins (`eval`) and unimported module
    names still resolve; anything else (a subscript, a literal) has no name.
    """
    parts: list[str] = []
    while True:
        kind = type(node)
        if kind is ast.Attribute:
            parts.append(node.attr)
            node = node.value
        elif kind is ast.Call:
            parts.append("()")
            node = node.func
        else:
            break
    if type(node) is not ast.Name:
        return None
    parts.append(aliases.get(node.id, node.id))
    parts.reverse()
    return ".".join(parts).replace(".()", "()")


def last_name(node: ast.expr) -> str:
    """The final identifier of a callee: `run` for `subprocess.run` and for `run`."""
    kind = type(node)
    if kind is ast.Attribute:
        return node.attr
    if kind is ast.Name:
        return node.id
    return ""


def is_literal(node: ast.expr | None) -> bool:
    """A value fixed in the source: constants, f-strings without fields, and sums/containers of those."""
    if node is None:
        return True
    kind = type(node)
    if kind is ast.Constant:
        return True
    if kind is ast.JoinedStr:
        return all(type(value) is ast.Constant for value in node.values)
    if kind is ast.BinOp:
        return is_literal(node.left) and is_literal(node.right)
    if kind in (ast.List, ast.Tuple, ast.Set):
        return all(is_literal(element) for element in node.elts)
    return False


def is_true(node: ast.expr | None) -> bool:
    return type(node) is ast.Constant and node.value is True


def is_false(node: ast.expr | None) -> bool:
    return type(node) is ast.Constant and node.value is False


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    for given in call.keywords:
        if given.arg == name:
            return given.value
    return None


def argument(call: ast.Call, position: int, name: str) -> ast.expr | None:
    """The argument passed at `position` or as `name=`."""
    if len(call.args) > position and type(call.args[position]) is not ast.Starred:
        return call.args[position]
    return keyword(call, name)


def names_in(node: ast.AST) -> list[str]:
    """Identifiers, attribute names and short string keys (`form['password']`) in an expression, lower-cased."""
    found = []
    for sub in ast.walk(node):
        kind = type(sub)
        if kind is ast.Name:
            found.append(sub.id.lower())
        elif kind is ast.Attribute:
            found.append(sub.attr.lower())
        elif kind is ast.Constant and isinstance(sub.value, str) and len(sub.value) < 40:
            found.append(sub.value.lower())
    return found
