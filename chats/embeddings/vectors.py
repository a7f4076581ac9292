"""How a vector is kept in a database row: float16 bytes, half of float32's size for a cosine that
moves in the fourth decimal. Plain PostgreSQL and SQLite both store them (docs/RAG.md: pgvector)."""

import numpy as np

STORED = np.float16


def vector_pack(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=STORED).tobytes()


def vectors_unpack(rows: list[bytes], dimensions: int) -> np.ndarray:
    """float32 (len(rows), dimensions); a row of another width (an embedder since changed) reads as zeros,
    which no query matches, until its owner is embedded again."""
    matrix = np.zeros((len(rows), dimensions), dtype=np.float32)
    width = dimensions * np.dtype(STORED).itemsize
    for index, row in enumerate(rows):
        if len(row) == width:
            matrix[index] = np.frombuffer(row, dtype=STORED)
    return matrix
