"""What the scan-service benchmarks submit, built in the run from a seed: no network, no fixture files.

Python modules of a given length with made-up credentials planted between their classes, zip archives
of mostly text files (logs, JSON, Markdown, CSV, some Python) with a credential in some of them, and
the prompts and texts of the corpus's dev split.
"""

import random
import string
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from tests.scans.conftest import PLANTED
from tests.scans.corpus import load

HEADER = '''"""Accounts, invoices and their stores: generated for the scan benchmarks."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from app.db import ConnectionPool

logger = logging.getLogger(__name__)
'''

# One class, 24 lines: a store that reads through a pool, as most service code does.
BLOCK = '''

class {name}Store:
    """Reads {name} records through the shared connection pool and caches the recent ones."""

    table = "{table}"

    def __init__(self, pool: ConnectionPool, *, timeout: float = {timeout}) -> None:
        self.pool = pool
        self.timeout = timeout
        self.cache: dict[int, dict[str, Any]] = {{}}

    def get(self, record_id: int) -> dict[str, Any] | None:
        if record_id in self.cache:
            return self.cache[record_id]
        with self.pool.connection(timeout=self.timeout) as conn:
            row = conn.execute("SELECT * FROM {table} WHERE id = %s", (record_id,)).fetchone()
        if row is None:
            logger.info("no {table} row with id %s", record_id)
            return None
        self.cache[record_id] = dict(row)
        return self.cache[record_id]

    def recent(self, days: int = {days}) -> list[dict[str, Any]]:
        since = datetime.now(tz=timezone.utc) - timedelta(days=days)
        with self.pool.connection(timeout=self.timeout) as conn:
            return [dict(row) for row in conn.execute("SELECT * FROM {table} WHERE created_at > %s", (since,))]
'''
BLOCK_LINES = BLOCK.count("\n")
NOUNS = ("account", "invoice", "payment", "customer", "order", "ticket", "session", "report", "device", "plan")


def _token(rng: random.Random, alphabet: str, length: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


def planted_secrets(rng: random.Random) -> list[str]:
    """Five credentials as a developer leaves them in code; made up, so none is live."""
    upper, alnum = string.ascii_uppercase + string.digits, string.ascii_letters + string.digits
    return [
        f'GITHUB_TOKEN = "{PLANTED}"',  # a checksum that holds, as GitHub's tokens carry
        f'STRIPE_SECRET_KEY = "sk_live_{_token(rng, alnum, 24)}"',
        f'AWS_ACCESS_KEY_ID = "AKIA{_token(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)}"',
        f'SLACK_WEBHOOK = "https://hooks.slack.com/services/T{_token(rng, upper, 8)}/B{_token(rng, upper, 8)}/'
        f'{_token(rng, alnum, 24)}"',
        f'DATABASE_URL = "postgres://billing:{_token(rng, alnum, 16)}@db.internal.example.com:5432/billing"',
    ]


@dataclass(frozen=True)
class Source:
    text: str
    secrets: int  # how many credentials were planted


def python_source(lines: int, *, seed: int = 0, planted: bool = True) -> Source:
    """A module of exactly `lines` lines that parses: classes, the credentials (when `planted`) spread
    evenly between them, and one-line constants filling what is left."""
    rng = random.Random(seed)
    secrets = planted_secrets(rng) if planted else []
    blocks = max(0, (lines - HEADER.count("\n") - len(secrets)) // BLOCK_LINES)
    # After which class each credential goes: the middle of each of len(secrets) equal stretches.
    after = {blocks * (2 * k + 1) // (2 * len(secrets)): secret for k, secret in enumerate(secrets)}
    parts = [HEADER]
    for index in range(blocks):
        noun = NOUNS[index % len(NOUNS)]
        timeout, days = rng.randint(2, 30), rng.randint(1, 90)
        parts.append(BLOCK.format(name=f"{noun.title()}{index}", table=f"{noun}s_{index}", timeout=timeout, days=days))
        if index in after:
            parts.append(after[index] + "\n")
    text = "".join(parts)
    filler = lines - text.count("\n")
    text += "".join(f"RETRY_DELAY_{index} = {rng.randint(1, 500)}\n" for index in range(filler))
    return Source(text, len(after))


def _log(rng: random.Random, size: int) -> str:
    lines, total = [], 0
    while total < size:
        line = (
            f"2026-11-{rng.randint(1, 30):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:"
            f"{rng.randint(0, 59):02d}Z INFO request_id={rng.randbytes(8).hex()} user={rng.choice(NOUNS)}"
            f"{rng.randint(1, 9999)} path=/api/v1/{rng.choice(NOUNS)}s/{rng.randint(1, 99999)} "
            f"status={rng.choice((200, 200, 201, 204, 404, 500))} ms={rng.randint(1, 900)}\n"
        )
        lines.append(line)
        total += len(line)
    return "".join(lines)


def _json(rng: random.Random, size: int) -> str:
    rows, total = [], 0
    while total < size:
        row = (
            f'  {{"id": "{rng.randbytes(16).hex()}", "kind": "{rng.choice(NOUNS)}", "amount": '
            f'{rng.randint(1, 10**6) / 100}, "note": "{" ".join(rng.choices(NOUNS, k=6))}"}}'
        )
        rows.append(row)
        total += len(row) + 2
    return "[\n" + ",\n".join(rows) + "\n]\n"


def _markdown(rng: random.Random, size: int) -> str:
    words = [*NOUNS, "the", "a", "is", "to", "and", "when", "with", "each", "then", "its"]
    paragraphs, total = [], 0
    while total < size:
        paragraph = " ".join(rng.choices(words, k=60)).capitalize() + f" (see #{rng.randint(1, 9999)}).\n\n"
        paragraphs.append(paragraph)
        total += len(paragraph)
    return f"# Notes {rng.randint(1, 999)}\n\n" + "".join(paragraphs)


def _csv(rng: random.Random, size: int) -> str:
    rows, total = ["id,customer,amount,currency,reference\n"], 0
    while total < size:
        customer = f"{rng.choice(NOUNS)}{rng.randint(1, 999)}"
        row = f"{rng.randint(1, 10**9)},{customer},{rng.randint(1, 10**5)},EUR,{rng.randbytes(6).hex()}\n"
        rows.append(row)
        total += len(row)
    return "".join(rows)


def _python(rng: random.Random, size: int) -> str:
    return python_source(max(40, size // 40), seed=rng.randint(0, 10**9), planted=False).text


# Mostly text, some Python: what a project's upload holds besides its code.
KINDS: tuple[tuple[str, Callable[[random.Random, int], str]], ...] = (
    (".log", _log),
    (".json", _json),
    (".md", _markdown),
    (".csv", _csv),
    (".log", _log),
    (".py", _python),
)


@dataclass(frozen=True)
class Archive:
    size: int  # bytes of the zip
    unpacked: int  # bytes of its members
    files: int
    secrets: int  # members with a planted credential


def text_archive(target: BinaryIO, *, size: int, file_bytes: int = 32_000, seed: int = 0) -> Archive:
    """A deflated zip of at least `size` bytes; every 50th member holds one credential line."""
    rng = random.Random(seed)
    secrets = planted_secrets(rng)
    files = unpacked = planted = 0
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        while target.tell() < size:
            suffix, make = KINDS[files % len(KINDS)]
            text = make(rng, rng.randint(file_bytes // 2, file_bytes * 3 // 2))
            if files % 50 == 0:
                lines = text.split("\n")
                lines.insert(len(lines) // 2, secrets[planted % len(secrets)])
                text = "\n".join(lines)
                planted += 1
            data = text.encode()
            archive.writestr(f"project/{NOUNS[files % len(NOUNS)]}/file-{files:05d}{suffix}", data)
            files += 1
            unpacked += len(data)
    return Archive(target.tell(), unpacked, files, planted)


def archive_file(path: Path, *, size: int, seed: int = 0) -> Archive:
    with path.open("wb") as target:
        return text_archive(target, size=size, seed=seed)


def prompts(count: int) -> list[str]:
    return [item["text"] for item in load("prompts", "dev")[:count]]


def pii_texts(count: int) -> list[str]:
    return [item["text"] for item in load("pii", "dev")[:count]]
