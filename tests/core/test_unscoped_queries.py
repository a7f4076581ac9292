"""Tenant reads start from a scope: the actor, an organization through the door, or a secret held.

Reading across organizations is `dangerously_unscoped()`, and only operators' and background code
may say it: admin, management commands, tasks (a `tasks.py` or a `tasks/` package), and the demo
data the `demo` command asks each app for.
"""

import ast
import inspect
from pathlib import Path

import pytest
from django.apps import apps

from core.tenancy import ScopedQuerySet

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_FOLDERS = {".venv", "node_modules", "tests", "migrations", "static", "staticfiles"}
ESCAPE_HATCH = "dangerously_unscoped"
# Writes of a new row name its organization themselves; the service authorized it first.
WRITES = {"create", "bulk_create"}


def _may_go_unscoped(path: Path) -> bool:
    relative = path.relative_to(ROOT).as_posix()
    return (
        path.name in {"admin.py", "tasks.py", "demo.py"}
        or path.parent.name == "tasks"  # an app whose tasks are a package, one module per concern
        or "/management/commands/" in f"/{relative}"
        or relative == "core/tenancy.py"  # where it is defined
    )


def _sources() -> list[Path]:
    return [path for path in ROOT.rglob("*.py") if not SKIPPED_FOLDERS.intersection(path.relative_to(ROOT).parts[:-1])]


def _tenant_models() -> set[str]:
    return {
        model.__name__
        for model in apps.get_models()
        if isinstance(model._default_manager.get_queryset(), ScopedQuerySet)
    }


def _scoped_methods() -> set[str]:
    """Every reading method the tenant querysets define on top of Django's, the escape hatch aside."""
    methods: set[str] = set()
    pending = [ScopedQuerySet]
    while pending:
        klass = pending.pop()
        pending += klass.__subclasses__()
        methods |= {name for name, value in vars(klass).items() if inspect.isfunction(value)}
    return {name for name in methods if not name.startswith("_")} - {ESCAPE_HATCH}


def _violations(source: str, path: Path, models: set[str], allowed: set[str]) -> list[str]:
    """`<TenantModel>.objects.<method>` calls that start from no scope, as "file:line: Model.objects.method"."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Attribute) or not isinstance(node.value, ast.Attribute):
            continue
        manager = node.value
        if manager.attr != "objects" or not isinstance(manager.value, ast.Name) or manager.value.id not in models:
            continue
        if node.attr in allowed or (node.attr == ESCAPE_HATCH and _may_go_unscoped(path)):
            continue
        found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {manager.value.id}.objects.{node.attr}")
    return found


def test_the_escape_hatch_appears_only_in_admin_commands_tasks_and_demo_data():
    offenders = [
        str(path.relative_to(ROOT))
        for path in _sources()
        if ESCAPE_HATCH in path.read_text() and not _may_go_unscoped(path)
    ]
    assert offenders == []


def test_every_tenant_read_starts_from_a_scope():
    models, allowed = _tenant_models(), _scoped_methods() | WRITES
    offenders = [line for path in _sources() for line in _violations(path.read_text(), path, models, allowed)]
    assert offenders == []


def test_the_tenant_models_are_the_organizations_and_what_they_own():
    assert _tenant_models() >= {"Organization", "Membership", "Invitation", "ApiKey", "Project", "AuditEvent"}


@pytest.mark.parametrize(
    ("where", "line", "refused"),
    [
        ("projects/services.py", "Project.objects.filter(pk=1)", True),
        ("projects/services.py", "Project.objects.all()", True),
        ("projects/services.py", "Project.objects.dangerously_unscoped()", True),
        ("projects/services.py", "Project.objects.visible_to(user).filter(pk=1)", False),
        ("projects/services.py", "Project.objects.in_organization(organization)", False),
        ("projects/tasks.py", "Project.objects.dangerously_unscoped().filter(pk=1)", False),
        ("projects/management/commands/prune.py", "Project.objects.dangerously_unscoped()", False),
    ],
)
def test_the_check_tells_a_scoped_read_from_an_unscoped_one(where, line, refused):
    violations = _violations(line, ROOT / where, _tenant_models(), _scoped_methods() | WRITES)
    assert bool(violations) is refused
