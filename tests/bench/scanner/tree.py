"""The large tree for the speed figures: real code (the standard library and this venv's packages), with
the corpus's secret lines planted at recorded places so recall is measured at scale too."""

import shutil
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

# Text files only: every tool compared skips or mangles binaries differently, so the bytes all of them
# scan are the same only when there are none. NUL in the first 8 KiB is how git decides.
BINARY_PROBE = 8192
SOURCES = {
    "stdlib": Path(sysconfig.get_paths()["stdlib"]),
    "packages": Path(sysconfig.get_paths()["purelib"]),
}


@dataclass(frozen=True)
class Planted:
    path: str  # relative to the tree's root
    line: int  # 1-based line of the secret's first line
    lines: int  # how many lines the secret spans (a PEM block spans several)
    kind: str
    text: str = field(repr=False)  # a secret: never shown in a report or a failed assertion

    def found_by(self, reported: set[tuple[str, int]]) -> bool:
        return any((self.path, line) in reported for line in range(self.line, self.line + self.lines))


@dataclass(frozen=True)
class Tree:
    root: Path
    files: int
    size: int  # bytes
    planted: list[Planted]


def _is_text(path: Path) -> bool:
    with path.open("rb") as handle:
        return b"\0" not in handle.read(BINARY_PROBE)


def _copy(source: Path, target: Path) -> None:
    # The venv's own packages (site-packages) are a second source, not part of the standard library copy.
    skipped = {"__pycache__", "site-packages"}
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if skipped.intersection(relative.parts) or path.is_symlink() or not path.is_file() or not _is_text(path):
            continue
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)


def _plant(root: Path, secrets: list[dict]) -> list[Planted]:
    """Each secret goes into its own .py file, spread evenly over the sorted list, before the file's middle line."""
    candidates = sorted(root.rglob("*.py"))
    planted = []
    for index, item in enumerate(secrets):
        path = candidates[index * len(candidates) // len(secrets)]
        lines = path.read_bytes().split(b"\n")
        at = len(lines) // 2
        text = item["line"].encode()
        lines[at:at] = text.split(b"\n")
        path.write_bytes(b"\n".join(lines))
        planted.append(Planted(str(path.relative_to(root)), at + 1, text.count(b"\n") + 1, item["kind"], item["line"]))
    return planted


def build_tree(root: Path, secrets: list[dict]) -> Tree:
    for name, source in SOURCES.items():
        _copy(source, root / name)
    planted = _plant(root, secrets)
    files = [path for path in root.rglob("*") if path.is_file()]
    return Tree(root, len(files), sum(path.stat().st_size for path in files), planted)
