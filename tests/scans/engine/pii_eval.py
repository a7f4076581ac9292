"""Precision, recall and F1 per PII type on labelled items, matching spans by overlap.

A prediction is right when it overlaps a labelled span of the same type; a labelled span is found
when some prediction of its type overlaps it. Only the types asked for are scored: the corpus
also labels AGE, TITLE or ZIP_CODE, which Bastion does not look for, and counting them would only
lower every tool's recall alike. The benchmark compares tools on shared types.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

Predict = Callable[[str], Iterable[tuple[str, int, int]]]


@dataclass
class Score:
    predicted: int = 0
    correct: int = 0
    labelled: int = 0
    found: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.labelled if self.labelled else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def _overlaps(span: tuple[str, int, int], others: list[tuple[str, int, int]]) -> bool:
    kind, start, end = span
    return any(kind == other[0] and start < other[2] and other[1] < end for other in others)


def evaluate(items: list[dict[str, Any]], predict: Predict, types: Iterable[str]) -> dict[str, Score]:
    """Scores per type, plus "overall" (micro-averaged over the types given)."""
    wanted = set(types)
    scores = {name: Score() for name in wanted}
    for item in items:
        gold = [(e["type"], e["start"], e["end"]) for e in item["entities"] if e["type"] in wanted]
        predicted = [span for span in predict(item["text"]) if span[0] in wanted]
        for span in predicted:
            scores[span[0]].predicted += 1
            scores[span[0]].correct += _overlaps(span, gold)
        for span in gold:
            scores[span[0]].labelled += 1
            scores[span[0]].found += _overlaps(span, predicted)
    overall = Score()
    for score in scores.values():
        overall.predicted += score.predicted
        overall.correct += score.correct
        overall.labelled += score.labelled
        overall.found += score.found
    scores["overall"] = overall
    return scores


def bastion_predict(text: str) -> list[tuple[str, int, int]]:
    from scans.engine.pii import detect_pii

    return [(entity.pii_type, entity.start, entity.end) for entity in detect_pii(text).entities]
