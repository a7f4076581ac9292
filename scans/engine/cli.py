"""`bastion-scan`: the scanning engine on the command line, for people, CI and pre-commit.

Exit codes: 0 when no finding reaches --fail-on, 1 when one does, 2 when the input is unusable
(a path that cannot be read, a bad rules file, a corrupt baseline, a bad flag). Errors are one
line on stderr, never a traceback. Needs no database and no Django settings.
"""

import argparse
import os
import re
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TextIO

from scans.engine.baseline import BaselineError, baseline_load, baseline_write
from scans.engine.files import DEFAULT_MAX_FILE_BYTES
from scans.engine.findings import Severity
from scans.engine.git import GitError, scan_history, scan_staged
from scans.engine.report import Report
from scans.engine.report.as_json import render_json
from scans.engine.report.as_sarif import render_sarif
from scans.engine.report.as_text import render_text
from scans.engine.scanner import Scanner, ScanResult
from scans.engine.secrets import BUILTIN_RULES, RuleError, load_rules

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
FAIL_ON = ("critical", "high", "medium", "low")
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?\s*$", re.IGNORECASE)


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit code 2."""


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    options = _parser().parse_args(arguments)
    try:
        return _run(options, arguments)
    except (UsageError, RuleError, BaselineError, GitError) as error:
        _say(str(error))
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


def _run(options: argparse.Namespace, arguments: list[str]) -> int:
    if options.update_baseline and not options.baseline:
        raise UsageError("--update-baseline needs --baseline FILE to write to")
    if options.git and options.staged:
        raise UsageError("--git and --staged scan different things; pick one")
    paths = [Path(path) for path in options.paths or ["."]]
    for path in paths:
        if not os.access(path, os.R_OK):
            why = "does not exist" if not os.path.lexists(path) else "cannot be read (permission denied)"
            raise UsageError(f"{path} {why}")
    custom = [Path(file) for file in options.rules]
    rules = load_rules(sorted(BUILTIN_RULES.glob("*.toml")) + custom)
    baseline = baseline_load(Path(options.baseline)) if options.baseline and not options.update_baseline else None
    try:
        scanner = Scanner(rules, engine=options.engine, max_file_bytes=options.max_file_size)
    except RuntimeError as error:  # the hyperscan engine was asked for where the package is missing
        raise UsageError(str(error)) from None
    started_at = datetime.now(UTC)
    progress = _ProgressBar(sys.stderr) if not options.no_progress and sys.stderr.isatty() else None
    result = _scan(scanner, options, paths, progress)
    if progress is not None:
        progress.clear()
    suppressed = 0
    if options.update_baseline:
        written = baseline_write(Path(options.baseline), result.findings)
        _say(f"wrote {written} fingerprints to {options.baseline}")
        suppressed, result.findings = len(result.findings), []
    elif baseline is not None:
        result.findings, suppressed = baseline.new_findings(result.findings)
    report = Report(result, started_at, version(), ["bastion-scan", *arguments], suppressed)
    _write(report, options)
    for path, message in result.errors:
        _say(f"{path}: {message}")
    threshold = Severity(options.fail_on).rank
    return EXIT_FINDINGS if any(f.severity.rank >= threshold for f in result.findings) else EXIT_CLEAN


def _scan(
    scanner: Scanner, options: argparse.Namespace, paths: list[Path], progress: "_ProgressBar | None"
) -> ScanResult:
    if options.staged:
        return scan_staged(scanner, paths[0], exclude=options.exclude, progress=progress)
    if not options.git:
        return scanner.scan_paths(paths, exclude=options.exclude, progress=progress)
    merged = ScanResult(engine=scanner.engine)
    for path in paths:
        one = scan_history(scanner, path, exclude=options.exclude, progress=progress)
        merged.findings += one.findings
        merged.skipped += one.skipped
        merged.errors += one.errors
        merged.files_scanned += one.files_scanned
        merged.bytes_scanned += one.bytes_scanned
        merged.duration_s += one.duration_s
    return merged


def _write(report: Report, options: argparse.Namespace) -> None:
    if options.format == "json":
        text = render_json(report)
    elif options.format == "sarif":
        text = render_sarif(report)
    else:
        colour = options.output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
        text = render_text(report, colour=colour)
    if options.output is None:
        sys.stdout.reconfigure(errors="backslashreplace")
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        Path(options.output).write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"{options.output} cannot be written ({error.strerror or error})") from None


class _ProgressBar:
    """Files and MB/s on one stderr line, redrawn at most ten times a second (only on a terminal)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.started = time.perf_counter()
        self.drawn = 0.0

    def __call__(self, files: int, scanned: int) -> None:
        now = time.perf_counter()
        if now - self.drawn < 0.1:
            return
        self.drawn = now
        rate = scanned / 1e6 / max(now - self.started, 1e-6)
        self.stream.write(f"\r\033[Kscanning: {files} files, {scanned / 1e6:.1f} MB, {rate:.1f} MB/s")
        self.stream.flush()

    def clear(self) -> None:
        self.stream.write("\r\033[K")
        self.stream.flush()


def _say(message: str) -> None:
    sys.stderr.write(f"bastion-scan: {message}\n")


def version() -> str:
    try:
        return metadata.version("bastion")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def _size(text: str) -> int:
    match = _SIZE.match(text)
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size (examples: 5MiB, 500k, 1048576)")
    number, unit = float(match.group(1)), match.group(2).lower()
    return int(number * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit])


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bastion-scan",
        description="Scan files, git history or staged changes for secrets, dangerous code and unsafe model files.",
        epilog="Exit codes: 0 no finding at or above --fail-on; 1 findings at or above it; 2 unusable input.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: .)")
    parser.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    parser.add_argument("--output", metavar="FILE", help="write the report here instead of standard output")
    parser.add_argument("--fail-on", choices=FAIL_ON, default="high", help="lowest severity that fails (default: high)")
    parser.add_argument("--baseline", metavar="FILE", help="ignore the findings this baseline already lists")
    parser.add_argument("--update-baseline", action="store_true", help="write every current finding to --baseline")
    parser.add_argument("--rules", action="append", default=[], metavar="FILE", help="custom rules (repeatable)")
    parser.add_argument("--exclude", action="append", default=[], metavar="GLOB", help="gitignore-style (repeatable)")
    parser.add_argument("--git", action="store_true", help="scan every blob in the history of the repository")
    parser.add_argument("--staged", action="store_true", help="scan the staged versions of changed files")
    parser.add_argument(
        "--max-file-size", type=_size, default=DEFAULT_MAX_FILE_BYTES, metavar="SIZE", help="default: 5MiB"
    )
    parser.add_argument("--engine", choices=("auto", "hyperscan", "re"), default="auto")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar, even on a terminal")
    parser.add_argument("--version", action="version", version=f"bastion-scan {version()}")
    return parser


if __name__ == "__main__":
    sys.exit(main())
