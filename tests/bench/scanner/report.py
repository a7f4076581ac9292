"""The scanner's tables in docs/PERFORMANCE.md: one per area, Bastion next to its peers from the same run."""

from collections.abc import Sequence

from tests.bench.conftest import Table, table
from tests.bench.scanner.tools import offline_note

IN_PROCESS = "Measured in this process, with every network connection refused meanwhile."


def area(section: str, peers: Sequence[str], *notes: str, in_process: bool = False) -> Table:
    figures = table("scanner", section, ("figure", "Bastion", *peers, "target", "met"))
    network = IN_PROCESS if in_process else offline_note()
    figures.notes[:] = [" ".join([*notes, network])]
    return figures


def row(figures: Table, figure: str, values: Sequence[str], target: str = "", met: bool | None = None) -> None:
    """`values`: Bastion's figure, then each peer's in the table's order."""
    assert len(values) == len(figures.columns) - 3, figure
    figures.rows.append((figure, *values, target, {True: "yes", False: "**no**", None: ""}[met]))


def percent(part: int, whole: int) -> str:
    return f"{part / whole:.1%} ({part}/{whole})" if whole else "n/a (0)"


def ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0
