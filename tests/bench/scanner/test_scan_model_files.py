"""Model files: Bastion's opcode walk and picklescan, file by file, on pickles built in the run."""

from picklescan.scanner import scan_file_path

from scans.engine.model_files import scan_model_file
from tests.bench.scanner import tools
from tests.bench.scanner.pickles import build_model_files
from tests.bench.scanner.report import area, percent, row


def _verdict(flagged: bool) -> str:
    return "malicious" if flagged else "benign"


def test_scan_model_files_verdicts_against_picklescan(tmp_path):
    files = build_model_files(tmp_path)
    with tools.no_network():
        ours = {file.name: bool(scan_model_file(file.name, (tmp_path / file.name).read_bytes())) for file in files}
        theirs = {file.name: scan_file_path(str(tmp_path / file.name)).infected_files > 0 for file in files}
    malicious = [file for file in files if file.malicious]
    benign = [file for file in files if not file.malicious]
    figures = area(
        "Model files",
        [f"picklescan {tools.version('picklescan')}"],
        f"Input: {len(files)} files built with `pickle` in the run (tests/bench/scanner/pickles.py): {len(benign)} "
        f"benign, {len(malicious)} whose `__reduce__` would call os.system, eval, exec, subprocess, runpy or "
        "webbrowser on load, across protocols 0–5, a nested pickle, torch-style zip archives (archive/data.pkl) "
        "and .npy object arrays. Malicious for Bastion: `scan_model_file` reports anything; for picklescan: "
        "`scan_file_path` counts an infected file.",
        in_process=True,
    )
    row(
        figures,
        "malicious files flagged",
        [
            percent(sum(ours[f.name] for f in malicious), len(malicious)),
            percent(sum(theirs[f.name] for f in malicious), len(malicious)),
        ],
        "all",
        all(ours[f.name] for f in malicious),
    )
    row(
        figures,
        "benign files flagged",
        [
            percent(sum(ours[f.name] for f in benign), len(benign)),
            percent(sum(theirs[f.name] for f in benign), len(benign)),
        ],
        "none",
        not any(ours[f.name] for f in benign),
    )
    same = sum(ours[f.name] == theirs[f.name] for f in files)
    row(figures, "same verdict as picklescan", [percent(same, len(files)), ""], "all", same == len(files))
    for file in files:
        expected = _verdict(file.malicious)
        row(
            figures,
            f"`{file.name}`: {file.what}",
            [_verdict(ours[file.name]), _verdict(theirs[file.name])],
            expected,
            _verdict(ours[file.name]) == expected == _verdict(theirs[file.name]),
        )
    # picklescan agreeing with the labels is what makes the set a fair test; a disagreement is the set's bug.
    assert {f.name: theirs[f.name] for f in files} == {f.name: f.malicious for f in files}
