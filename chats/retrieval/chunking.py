"""Cutting a document into chunks retrieval ranks: Markdown sections, then paragraphs packed up to a
size, with an overlap where a paragraph has to be split. Each chunk repeats its section's heading,
since a paragraph often only says what it is about there."""

import re
from collections.abc import Iterator

# About 250 of the embedder's tokens: long enough to answer a question, short enough to cite.
CHUNK_WORDS = 180
OVERLAP_WORDS = 30
_HEADING = re.compile(r"^#{1,6}\s+\S")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def _sections(text: str) -> Iterator[tuple[str, str]]:
    heading, lines = "", []
    for line in text.splitlines():
        if _HEADING.match(line):
            if any(part.strip() for part in lines):
                yield heading, "\n".join(lines)
            heading, lines = line.strip(), []
        else:
            lines.append(line)
    if any(part.strip() for part in lines) or heading:
        yield heading, "\n".join(lines)


def _windows(words: list[str]) -> Iterator[list[str]]:
    step = CHUNK_WORDS - OVERLAP_WORDS
    for start in range(0, max(len(words) - OVERLAP_WORDS, 1), step):
        yield words[start : start + CHUNK_WORDS]


def _section_chunks(body: str) -> Iterator[str]:
    packed: list[str] = []
    for paragraph in _PARAGRAPH_BREAK.split(body):
        words = paragraph.split()
        if packed and len(packed) + len(words) > CHUNK_WORDS:
            yield " ".join(packed)
            packed = []
        if len(words) > CHUNK_WORDS:
            yield from (" ".join(window) for window in _windows(words))
        else:
            packed.extend(words)
    if packed:
        yield " ".join(packed)


def chunk_text(text: str) -> list[str]:
    """The chunks of a text, in order; none for a text with no words. A heading alone is a chunk."""
    chunks: list[str] = []
    for heading, body in _sections(text):
        pieces = list(_section_chunks(body)) or [""]
        chunks.extend(f"{heading}\n{piece}".strip() for piece in pieces)
    return [chunk for chunk in chunks if chunk]
