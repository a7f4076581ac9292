"""Where a queued scan's input waits for the worker: one private file per scan, named by its id.

The input may hold the very secrets the scan reports, so the file is readable by this user only, is
never logged or answered, and is deleted once the scan has finished, however it finished.
"""

import os
import shutil
from pathlib import Path
from typing import BinaryIO
from uuid import UUID

from django.conf import settings


def _path(scan_id: UUID | str) -> Path:
    return Path(settings.SCAN_INPUT_DIR) / str(UUID(str(scan_id)))


def scan_input_save(*, scan_id: UUID | str, content: BinaryIO | bytes) -> None:
    directory = Path(settings.SCAN_INPUT_DIR)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    # O_EXCL: a scan's input is written once; 0600 from the first byte, not chmod after.
    descriptor = os.open(_path(scan_id), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        if isinstance(content, bytes):
            handle.write(content)
        else:
            content.seek(0)
            shutil.copyfileobj(content, handle)


def scan_input_open(*, scan_id: UUID | str) -> BinaryIO:
    """The stored input; FileNotFoundError when it is gone (the scan already finished)."""
    return open(_path(scan_id), "rb")  # noqa: SIM115 -- the caller closes it


def scan_input_delete(*, scan_id: UUID | str) -> None:
    _path(scan_id).unlink(missing_ok=True)
