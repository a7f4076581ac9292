"""Bastion's secret scanner over a tree, one process, for the speed figures: `python -m ... ROOT`.

Prints one `path<TAB>line` per finding, the path relative to ROOT. Stands in for the command line's
secrets-only run; it reads every file's bytes and skips binaries as the tree builder does.
"""

import sys
from pathlib import Path

from scans.engine.secrets import SecretScanner
from tests.bench.scanner.tree import BINARY_PROBE


def main(root: Path) -> None:
    scanner = SecretScanner()
    out = []
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if b"\0" in data[:BINARY_PROBE]:
            continue
        relative = str(path.relative_to(root))
        out += [f"{relative}\t{finding.line}" for finding in scanner.scan_bytes(relative, data)]
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
