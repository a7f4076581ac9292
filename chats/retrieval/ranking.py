"""Hybrid ranking: a dense ranking (cosine over the embedder's vectors) and a lexical one (BM25),
fused by reciprocal rank. RRF won over a min-max blend of the two scores on the labelled set
(tests/bench/retrieval), and it needs no calibration between a cosine and a BM25 score."""

from dataclasses import dataclass

import numpy as np

# How deep each ranking is read before fusing, and RRF's damping constant (Cormack et al. use 60).
CANDIDATES = 100
RRF_K = 60


@dataclass(frozen=True)
class Ranked:
    """A row of an index, its fused score, and the two scores it was fused from."""

    row: int
    score: float
    dense: float
    lexical: float


def _top(scores: np.ndarray, depth: int) -> np.ndarray:
    depth = min(depth, len(scores))
    if depth == 0:
        return np.zeros(0, dtype=np.int64)
    top = np.argpartition(-scores, depth - 1)[:depth]
    return top[np.argsort(-scores[top], kind="stable")]


def fuse_rrf(dense: np.ndarray, lexical: np.ndarray, *, limit: int) -> list[Ranked]:
    fused: dict[int, float] = {}
    for scores in (dense, lexical):
        for rank, row in enumerate(_top(scores, CANDIDATES)):
            if scores[row] > 0:
                fused[int(row)] = fused.get(int(row), 0.0) + 1.0 / (RRF_K + rank + 1)
    best = sorted(fused.items(), key=lambda item: -item[1])[:limit]
    return [Ranked(row, score, float(dense[row]), float(lexical[row])) for row, score in best]


def fuse_blend(dense: np.ndarray, lexical: np.ndarray, *, limit: int, weight: float = 0.5) -> list[Ranked]:
    """The alternative measured beside RRF: min-max normalised scores mixed with `weight` on the dense side."""
    rows = np.union1d(_top(dense, CANDIDATES), _top(lexical, CANDIDATES))
    if len(rows) == 0:
        return []

    def scaled(scores: np.ndarray) -> np.ndarray:
        low, high = scores.min(), scores.max()
        return (scores - low) / (high - low) if high > low else np.zeros_like(scores)

    mixed = weight * scaled(dense[rows]) + (1 - weight) * scaled(lexical[rows])
    order = np.argsort(-mixed, kind="stable")[:limit]
    return [Ranked(int(rows[i]), float(mixed[i]), float(dense[rows[i]]), float(lexical[rows[i]])) for i in order]


def dense_only(dense: np.ndarray, lexical: np.ndarray, *, limit: int) -> list[Ranked]:
    return [Ranked(int(row), float(dense[row]), float(dense[row]), float(lexical[row])) for row in _top(dense, limit)]


def lexical_only(dense: np.ndarray, lexical: np.ndarray, *, limit: int) -> list[Ranked]:
    top = [row for row in _top(lexical, limit) if lexical[row] > 0]
    return [Ranked(int(row), float(lexical[row]), float(dense[row]), float(lexical[row])) for row in top]
