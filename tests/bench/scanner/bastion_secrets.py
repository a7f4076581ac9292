"""Bastion's scanner over a tree, secrets only, one process, for the speed figures: `python -m ... ROOT`.

The command line's own walk and reading (`Scanner.scan_paths`: .gitignore, binaries and the size
limit skipped) without the code analyzers, since the peers look for secrets alone. Prints one
`path<TAB>line` per finding, paths relative to ROOT, then one JSON line of what was scanned.
"""

import json
import os
import sys

from scans.engine.scanner import Scanner


def main(root: str) -> None:
    os.chdir(root)
    result = Scanner(analyzers=()).scan_paths(["."])
    out = [f"{os.path.normpath(finding.path)}\t{finding.line}" for finding in result.findings]
    stats = {"files": result.files_scanned, "bytes": result.bytes_scanned, "skipped": len(result.skipped)}
    sys.stdout.write("\n".join([*out, json.dumps(stats)]) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
