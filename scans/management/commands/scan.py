"""`python manage.py scan`: the `bastion-scan` command line, flags and exit codes unchanged."""

from django.core.management.base import BaseCommand

from scans.engine.cli import main


class Command(BaseCommand):
    help = "Scan files, git history or staged changes (the same flags as bastion-scan; see docs/SCANNING.md)."

    def run_from_argv(self, argv: list[str]) -> None:
        # argv is [manage.py, "scan", ...]: the rest goes to the engine's own parser untouched.
        raise SystemExit(main(argv[2:]))

    def add_arguments(self, parser) -> None:  # noqa: ANN001 -- Django's CommandParser
        parser.add_argument("args", nargs="*")

    def handle(self, *args: str, **options: object) -> None:
        # From call_command("scan", ...), the positional words are the command line.
        code = main(list(args))
        if code:
            raise SystemExit(code)
