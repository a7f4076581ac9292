"""The scanner reads each file once and runs the analyzers registered for its suffix after the secrets."""

from scans.engine.analyzers import TextAnalyzer
from scans.engine.findings import Category, Confidence, Finding, Severity
from scans.engine.scanner import Scanner
from tests.scans.engine.conftest import PLANTED


def flag_todo(path: str, text: str) -> list[Finding]:
    return [
        Finding(
            rule_id="test.todo",
            category=Category.CODE,
            severity=Severity.LOW,
            confidence=Confidence.HIGH,
            title="TODO",
            description="d",
            remediation="r",
            path=path,
            line=number,
            column=1,
            snippet=line,
            fingerprint=f"{path}:{number}",
        )  # fmt: skip
        for number, line in enumerate(text.splitlines(), 1)
        if "TODO" in line
    ]


def test_a_registered_analyzer_runs_on_its_suffixes_only(planted_tree):
    (planted_tree / "src" / "notes.py").write_text("# TODO: remove the token\n")
    (planted_tree / "notes.md").write_text("TODO: not Python\n")
    scanner = Scanner(engine="re", analyzers=[TextAnalyzer("todo", frozenset({".py"}), flag_todo)])
    result = scanner.scan_paths(["project"])
    assert [(f.rule_id, f.path) for f in result.findings] == [
        ("test.todo", "project/src/notes.py"),
        ("github.pat-classic", "project/src/settings.py"),
    ]


def test_findings_are_sorted_and_counted(planted_tree):
    (planted_tree / "a.env").write_text(f"TOKEN={PLANTED}\n")
    result = Scanner(engine="re").scan_paths(["project"])
    assert [f.path for f in result.findings] == ["project/a.env", "project/src/settings.py"]
    assert result.files_scanned == 3
    assert result.bytes_scanned == sum(p.stat().st_size for p in planted_tree.rglob("*") if p.is_file())
    assert result.engine == "re"


def test_scan_file_on_a_binary_finds_nothing_and_on_a_model_file_reads_its_pickle():
    scanner = Scanner(engine="re")
    assert scanner.scan_file("logo.png", b"\x89PNG\0\0" + PLANTED.encode()) == []
    assert [f.rule_id for f in scanner.scan_file("m.pkl", b"cos\nsystem\n(S'id'\ntR.")] == ["model.dangerous-import"]
