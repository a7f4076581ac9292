"""The compiled Hyperscan database is cached, and a damaged cache file only costs a compile."""

import threading
from concurrent.futures import ThreadPoolExecutor

from scans.engine.secrets import SecretScanner, load_rules

LINE = "GITHUB_TOKEN=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\n"


def test_the_database_is_cached_and_a_damaged_cache_is_recompiled(tmp_path, monkeypatch):
    monkeypatch.setenv("BASTION_CACHE_DIR", str(tmp_path))
    rules = load_rules()
    first = SecretScanner(rules, engine="hyperscan").scan(".env", LINE)
    [cached] = tmp_path.glob("*.hsdb")
    assert SecretScanner(rules, engine="hyperscan").scan(".env", LINE) == first
    cached.write_bytes(cached.read_bytes()[:1000])
    assert SecretScanner(rules, engine="hyperscan").scan(".env", LINE) == first
    assert [f.rule_id for f in first] == ["github.pat-classic"]


def test_an_unwritable_cache_only_costs_a_compile(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("BASTION_CACHE_DIR", str(blocked / "cache"))
    assert [f.rule_id for f in SecretScanner(engine="hyperscan").scan(".env", LINE)] == ["github.pat-classic"]


def test_one_scanner_scans_from_several_threads_at_once():
    # Web servers and workers' threads share the loaded scanner; Hyperscan's scratch space is one
    # scan's working memory, so a shared one fails a scan that overlaps another (ScratchInUseError).
    scanner = SecretScanner(engine="hyperscan")
    blob = ("token = 'not a secret at all'\n" * 4_000) + LINE
    barrier = threading.Barrier(8)

    def scan() -> list[str]:
        barrier.wait()
        return [f.rule_id for _ in range(3) for f in scanner.scan(".env", blob)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: scan(), range(8)))

    assert results == [["github.pat-classic"] * 3] * 8
