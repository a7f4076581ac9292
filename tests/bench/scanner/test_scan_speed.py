"""Secrets, speed: one process per tool over the same large tree, alternating, medians of the rounds.

The tree is the standard library and this venv's packages (text files only), with every corpus secret
planted at a recorded file and line, so each tool's recall at scale is measured in the same runs.
"""

import os
import shutil
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import kingfisher

from scans.engine.secrets import SecretScanner
from tests.bench.scanner import tools
from tests.bench.scanner.report import area, percent, row
from tests.bench.scanner.tree import Planted, Tree

# The machine is shared: the tools are run this many times, one after the other, and medians reported,
# as long as the rounds take less than ROUNDS_BUDGET seconds in all.
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
ROUNDS_BUDGET = 300
# detect-secrets scans 0.04 to 0.1 MB/s here: it gets every 200th file of the tree plus the planted ones.
SUBSET_STEP = 200
MB = 1e6


def _subset(tree: Tree, target: Path) -> tuple[int, int, list[Planted]]:
    files = sorted(path.relative_to(tree.root) for path in tree.root.rglob("*") if path.is_file())
    chosen = {str(path) for path in files[::SUBSET_STEP]} | {planted.path for planted in tree.planted}
    for relative in chosen:
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(tree.root / relative, target / relative)
    return len(chosen), sum((target / relative).stat().st_size for relative in chosen), tree.planted


def _recall(planted: list[Planted], run: tools.Run) -> str:
    return percent(sum(1 for item in planted if item.found_by(run.reported)), len(planted))


def test_scan_secrets_speed_on_a_large_tree_against_gitleaks_kingfisher_and_detect_secrets(
    large_tree, kingfisher_cache, tmp_path
):
    root = large_tree.root
    scanned: dict[str, int] = {}

    def bastion(path: Path) -> tools.Run:
        run, stats = tools.bastion_secrets(path)
        scanned.update(stats)
        return run

    runners: dict[str, Callable[[Path], tools.Run]] = {
        "Bastion": bastion,
        "gitleaks": tools.gitleaks,
        "Kingfisher --jobs 1": lambda path: tools.kingfisher_scan(path, jobs=1, cache_dir=kingfisher_cache),
        "Kingfisher, default (--jobs 2)": lambda path: tools.kingfisher_scan(
            path, jobs=None, cache_dir=kingfisher_cache
        ),
    }
    runners["Kingfisher --jobs 1"](root)  # compiles Kingfisher's rule cache, as any second run of it finds
    runs: dict[str, list[tools.Run]] = {name: [] for name in runners}
    started = time.perf_counter()
    for done in range(ROUNDS):
        # A loaded machine can slow a round several times over: stop while the rounds fit the budget.
        if done and (time.perf_counter() - started) / done * (done + 1) > ROUNDS_BUDGET:
            break
        for name, run in runners.items():
            runs[name].append(run(root))
    rounds = len(runs["Bastion"])

    subset = tmp_path / "subset"
    subset_files, subset_size, planted = _subset(large_tree, subset)
    in_tree = dict(scanned)
    detect_secrets, bastion_on_subset = tools.detect_secrets(subset), bastion(subset)

    wall = {name: statistics.median(run.wall for run in each) for name, each in runs.items()}
    rate = {name: large_tree.size / MB / seconds for name, seconds in wall.items()}
    subset_rate = {
        "Bastion": subset_size / MB / bastion_on_subset.wall,
        "detect": subset_size / MB / detect_secrets.wall,
    }
    figures = area(
        "Secrets, speed",
        [*list(runners)[1:], f"detect-secrets {tools.version('detect-secrets')}"],
        f"Input: the Python standard library and this venv's site-packages, text files only (no __pycache__, "
        f"no file with a NUL byte in its first 8 KiB): {large_tree.files} files, {large_tree.size / MB:.1f} MB "
        f"(MB = 10^6 bytes), the {len(planted)} corpus secrets planted in as many .py files, one each, before "
        "the file's middle line. Wall clock of one process per tool, secrets only, the tools one after the other, "
        f"{rounds} round(s) (up to {ROUNDS} while they fit in {ROUNDS_BUDGET} s); medians reported. Bastion: "
        "the command line's `Scanner` without the code analyzers (tests/bench/scanner/bastion_secrets.py), engine "
        f"`{SecretScanner().engine}`; it read {in_tree['files']} files, {in_tree['bytes'] / MB:.1f} MB, and skipped "
        f"{in_tree['skipped']}. "
        f"{tools.gitleaks_version()}: `gitleaks dir`. Kingfisher {kingfisher.__version__}: `kingfisher scan "
        "--no-validate --no-dedup`, its compiled rule cache warm. A planted secret is found when the tool reports "
        "its file at one of its lines. detect-secrets (`--cores 1`) is too slow for the whole tree: it scans a "
        f"subset (every {SUBSET_STEP}th file plus the planted ones: {subset_files} files, {subset_size / MB:.1f} MB); "
        "throughputs are compared, and Bastion is also timed on the subset, where its start-up (interpreter, "
        "rule compilation) weighs on a few megabytes.",
    )
    names = list(runners)
    kingfisher_one = rate["Kingfisher --jobs 1"]
    row(
        figures,
        f"MB/s, whole tree, median of {rounds}",
        [f"{rate[name]:.1f}" for name in names] + ["—"],
        ">= gitleaks', >= half of Kingfisher's (--jobs 1)",
        rate["Bastion"] >= rate["gitleaks"] and rate["Bastion"] >= kingfisher_one / 2,
    )
    row(figures, "files/s, whole tree", [f"{large_tree.files / wall[name]:.0f}" for name in names] + ["—"])
    row(
        figures,
        "wall s, each round",
        [", ".join(f"{run.wall:.1f}" for run in runs[name]) for name in names] + ["—"],
    )
    row(
        figures,
        "CPU s (user + system), median",
        [f"{statistics.median(run.cpu for run in runs[name]):.1f}" for name in names] + ["—"],
    )
    row(
        figures,
        "MB per CPU second (less sensitive to the machine's load)",
        [f"{large_tree.size / MB / statistics.median(run.cpu for run in runs[name]):.1f}" for name in names] + ["—"],
    )
    row(
        figures,
        "planted secrets found at their file and line, whole tree",
        [_recall(planted, runs[name][0]) for name in names] + ["—"],
    )
    row(
        figures,
        "MB/s against detect-secrets (Bastion: whole tree; detect-secrets: subset, one run)",
        [f"{rate['Bastion']:.1f}", "", "", "", f"{subset_rate['detect']:.2f}"],
        ">= 30× detect-secrets'",
        rate["Bastion"] >= 30 * subset_rate["detect"],
    )
    row(
        figures,
        "MB/s on the subset, one run, start-up included",
        [f"{subset_rate['Bastion']:.1f}", "", "", "", f"{subset_rate['detect']:.2f}"],
    )
    row(
        figures,
        "files/s on the subset",
        [f"{subset_files / bastion_on_subset.wall:.0f}", "", "", "", f"{subset_files / detect_secrets.wall:.1f}"],
    )
    row(
        figures,
        "planted secrets found, subset",
        [_recall(planted, bastion_on_subset), "", "", "", _recall(planted, detect_secrets)],
    )

    # What Bastion finds in a line alone it must find planted in a real file: scale must not lose findings.
    scanner = SecretScanner()
    alone = [item for item in planted if scanner.scan(item.path, item.text)]
    assert [item.path for item in alone if not item.found_by(runs["Bastion"][0].reported)] == []
