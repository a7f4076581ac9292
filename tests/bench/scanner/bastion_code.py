"""Bastion's dangerous-code analyzer over every .py file of a tree, one process: `python -m ... ROOT`.

Prints one `path<TAB>line<TAB>rule` per finding, the path relative to ROOT, as bandit's run is read.
"""

import sys
from pathlib import Path

from scans.engine.code import scan_code


def main(root: Path) -> None:
    out = []
    for path in sorted(root.rglob("*.py")):
        relative = str(path.relative_to(root))
        text = path.read_bytes().decode("utf-8", "replace")
        out += [f"{relative}\t{finding.line}\t{finding.rule_id}" for finding in scan_code(relative, text)]
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
