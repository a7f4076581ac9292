"""The labelled retrieval set (tests/data/retrieval) and its measures, shared by the suite's recall
floor and the benchmark's comparison of options."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from chats.retrieval.chunking import chunk_text

DATA = Path(__file__).resolve().parents[1] / "data" / "retrieval"


@dataclass(frozen=True)
class Question:
    question: str
    document: str
    answer: str


def questions() -> list[Question]:
    return [Question(**entry) for entry in json.loads((DATA / "questions.json").read_text())]


def documents() -> dict[str, str]:
    """The labelled documents, and Bastion's own docs as they stood when the set was made (distractors:
    about 15,000 words on nearby subjects, keys, secrets and alerts among them, that answer no question)."""
    folders = ("documents", "distractors")
    return {path.name: path.read_text() for folder in folders for path in sorted((DATA / folder).glob("*.md"))}


def chunks() -> list[tuple[str, str]]:
    """(document name, chunk text) for every chunk of every document, in order."""
    return [(name, text) for name, content in documents().items() for text in chunk_text(content)]


def is_answer(question: Question, document: str, text: str) -> bool:
    return document == question.document and question.answer in text


@dataclass(frozen=True)
class Quality:
    recall_at_5: float
    mrr: float


def quality(rank: Callable[[str], list[tuple[str, str]]]) -> Quality:
    """Recall@5 and MRR (over the first 10) of `rank`, which answers (document, text) pairs best first."""
    found = reciprocal = 0.0
    asked = questions()
    for question in asked:
        ranked = rank(question.question)[:10]
        hits = [n for n, (document, text) in enumerate(ranked, start=1) if is_answer(question, document, text)]
        found += bool(hits) and hits[0] <= 5
        reciprocal += 1 / hits[0] if hits else 0.0
    return Quality(found / len(asked), reciprocal / len(asked))
