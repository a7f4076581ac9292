"""The labelled scanner corpus (tests/data/scanner-corpus), split once and for all.

Each item goes to the `dev` or the `holdout` split by a hash of its own JSON line, so the split never
changes when items are added. Rules were written looking only at `dev`; quality on `holdout` is what
docs/PERFORMANCE.md reports as the honest figure.
"""

import hashlib
import json
from pathlib import Path
from typing import Any, Literal

CORPUS = Path(__file__).resolve().parent.parent / "data" / "scanner-corpus"
Split = Literal["dev", "holdout", "all"]


def split_of(raw_line: str) -> Literal["dev", "holdout"]:
    return "holdout" if hashlib.sha256(raw_line.strip().encode()).digest()[0] % 2 else "dev"


def load(name: str, split: Split = "all") -> list[dict[str, Any]]:
    """Items of `name` (secrets, prompts or pii) in the split asked for."""
    lines = (CORPUS / f"{name}.jsonl").read_text(encoding="utf-8").split("\n")
    return [json.loads(line) for line in lines if line.strip() and split in ("all", split_of(line))]
