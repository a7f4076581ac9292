"""Scans: what a worker accepts as an archive or a repository, where queued input waits, and its time limits."""

import os

from .env import BASE_DIR

MIB = 1024 * 1024


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


# Queued input (a large snippet, an uploaded archive) waits here, one private file per scan, until
# the worker has scanned it; it is deleted then. Give every worker the same directory.
SCAN_INPUT_DIR = os.environ.get("SCAN_INPUT_DIR", str(BASE_DIR / "var" / "scan-inputs"))
# Snippets up to this size complete within the request; larger ones go to a worker.
SCAN_INLINE_MAX_BYTES = _int("SCAN_INLINE_MAX_BYTES", 16 * 1024)

# Archives (zip, tar, tar.gz) uploaded to scans/code.
SCAN_ARCHIVE_MAX_BYTES = _int("SCAN_ARCHIVE_MAX_BYTES", 50 * MIB)
SCAN_ARCHIVE_MAX_UNPACKED_BYTES = _int("SCAN_ARCHIVE_MAX_UNPACKED_BYTES", 500 * MIB)
SCAN_ARCHIVE_MAX_FILES = _int("SCAN_ARCHIVE_MAX_FILES", 10_000)
SCAN_ARCHIVE_MAX_DEPTH = _int("SCAN_ARCHIVE_MAX_DEPTH", 20)
# Multipart bodies on config/api/paths.API_UPLOAD_PATHS: the largest archive plus room for the
# form's other fields; every other API body keeps API_MAX_BODY_BYTES.
API_UPLOAD_MAX_BYTES = SCAN_ARCHIVE_MAX_BYTES + 64 * 1024

# Repository scans: a shallow clone of one ref, stopped past this size or time.
SCAN_REPO_MAX_BYTES = _int("SCAN_REPO_MAX_BYTES", 200 * MIB)
SCAN_REPO_CLONE_TIMEOUT = _int("SCAN_REPO_CLONE_TIMEOUT", 120)

# The scan task: a soft limit fails the scan cleanly, the hard one stops the worker's child.
SCAN_TASK_SOFT_TIME_LIMIT = _int("SCAN_TASK_SOFT_TIME_LIMIT", 600)
SCAN_TASK_TIME_LIMIT = _int("SCAN_TASK_TIME_LIMIT", 660)
SCAN_TASK_MAX_RETRIES = _int("SCAN_TASK_MAX_RETRIES", 3)
# A scan taken up this many times without finishing (it keeps killing its worker) is failed.
SCAN_MAX_ATTEMPTS = _int("SCAN_MAX_ATTEMPTS", SCAN_TASK_MAX_RETRIES + 2)
# The sweeper (beat, every SCAN_SWEEP_SECONDS) sends a scan to the queue again when it has been
# queued this long, or running past the hard time limit by a minute: no worker has it any more.
SCAN_SWEEP_SECONDS = _int("SCAN_SWEEP_SECONDS", 300)
SCAN_STALE_QUEUED_SECONDS = _int("SCAN_STALE_QUEUED_SECONDS", 3600)
