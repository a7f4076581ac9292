"""What the Python checks see of the analysis: the scope they run in and where they report.

The checks and the LLM data flow live in their own modules and are called by the analyzer; they
depend on this small face of it, not on the analyzer itself, so no module imports its caller.
"""

import ast
from typing import Protocol

from scans.engine.code.python_names import Aliases


class Analysis(Protocol):
    path: str
    aliases: Aliases

    def qualname(self, node: ast.expr) -> str | None: ...

    def report(self, rule_id: str, node: ast.expr | ast.stmt) -> None: ...


class Scope:
    """A module or a function body: what its names were last assigned, for the flow-following rules."""

    __slots__ = ("built_sql", "defs", "function", "is_tool", "parent", "taint")

    def __init__(self, parent: "Scope | None", function: ast.AST | None) -> None:
        self.parent = parent
        self.function = function
        # Names holding a query built from values; True when a driver placeholder is left in it.
        self.built_sql: dict[str, bool] = {}
        self.taint: dict[str, int] = {}
        self.defs: dict[str, ast.expr] = {}
        self.is_tool = False

    def taint_of(self, name: str) -> int:
        """What reaches `name` here; a closure sees its enclosing functions' names."""
        scope: Scope | None = self
        while scope is not None:
            if name in scope.taint:
                return scope.taint[name]
            scope = scope.parent
        return 0

    def definition(self, name: str) -> ast.expr | None:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.defs:
                return scope.defs[name]
            scope = scope.parent
        return None
