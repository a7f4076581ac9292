"""Uploaded archives are hostile input: opened here, and only here, one member at a time.

Nothing is extracted to a path the archive names. Each regular file is copied into an anonymous
spooled file while its decompressed bytes are counted against the limit (sizes in headers are never
believed), and handed to the scanner under its checked name. Links, devices, absolute names and
names that climb out with `..` refuse the whole archive; archives inside it are not opened.
"""

import bz2
import gzip
import lzma
import re
import stat
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from scans.exceptions import (
    ArchiveBomb,
    ArchiveRefused,
    ArchiveTooDeep,
    ArchiveTooLarge,
    ArchiveTooManyFiles,
    ArchiveUnsafeMember,
    ArchiveUnsafePath,
)

CHUNK_BYTES = 64 * 1024
# A member stays in memory up to this size; a larger one spills to an anonymous temporary file.
SPOOL_BYTES = 1024 * 1024
NESTED_SUFFIXES = (".zip", ".jar", ".war", ".whl", ".tar", ".tgz", ".gz", ".bz2", ".xz", ".zst", ".7z", ".rar")
_COMPRESSED = ((b"\x1f\x8b", gzip.GzipFile), (b"BZh", bz2.BZ2File), (b"\xfd7zXZ\x00", lzma.LZMAFile))
_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class ArchiveLimits:
    max_bytes: int
    max_unpacked_bytes: int
    max_files: int
    max_depth: int


@dataclass(frozen=True)
class Member:
    """A regular file of the archive. `content` is None when the caller only checks the archive."""

    name: str
    size: int
    content: BinaryIO | None


@dataclass(frozen=True)
class Unopened:
    """A member left unread, with the reason (an archive inside the archive)."""

    name: str
    reason: str


class _Counted:
    """Decompressed bytes as they are read, refused past the limit whatever the headers claim."""

    def __init__(self, limits: ArchiveLimits) -> None:
        self.limits = limits
        self.total = 0

    def add(self, count: int) -> None:
        self.total += count
        if self.total > self.limits.max_unpacked_bytes:
            raise ArchiveBomb(f"The archive unpacks to more than {self.limits.max_unpacked_bytes} bytes.")


class _CountingReader:
    """A file object over a decompressing stream that counts every byte tar reads, headers included."""

    def __init__(self, raw: BinaryIO, counted: _Counted) -> None:
        self.raw = raw
        self.counted = counted

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.counted.add(len(data))
        return data


def archive_members(stream: BinaryIO, limits: ArchiveLimits, *, keep: bool = True) -> Iterator[Member | Unopened]:
    """Every file of a zip or (compressed) tar archive, or an ArchiveRefused subclass at the first
    reason to refuse it. With `keep=False` the contents are counted and dropped."""
    size = stream.seek(0, 2)
    stream.seek(0)
    if size > limits.max_bytes:
        raise ArchiveTooLarge(f"The archive is larger than the {limits.max_bytes}-byte limit.")
    head = stream.read(8)
    stream.seek(0)
    try:
        if head.startswith(b"PK"):
            yield from _zip_members(stream, limits, keep)
        else:
            yield from _tar_members(stream, head, limits, keep)
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError, RuntimeError, ValueError, lzma.LZMAError):
        # Corrupt, truncated or encrypted: the library's message could quote a member's name.
        raise ArchiveRefused() from None


def _zip_members(stream: BinaryIO, limits: ArchiveLimits, keep: bool) -> Iterator[Member | Unopened]:
    with zipfile.ZipFile(stream) as archive:
        infos = archive.infolist()
        files = [info for info in infos if not info.is_dir()]
        _count_check(len(files), limits)
        counted = _Counted(limits)
        for info in infos:
            name = _name_check(info.filename, limits)
            mode = info.external_attr >> 16
            if info.create_system == 3 and stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
                raise ArchiveUnsafeMember()  # a symlink or device stored by a Unix zip tool
            if info.is_dir():
                continue
            if name.lower().endswith(NESTED_SUFFIXES):
                yield Unopened(name, "archive inside the archive (not opened)")
                continue
            with archive.open(info) as member:
                yield from _copied(name, member, counted, keep)


def _tar_members(stream: BinaryIO, head: bytes, limits: ArchiveLimits, keep: bool) -> Iterator[Member | Unopened]:
    raw: BinaryIO = stream
    for magic, opener in _COMPRESSED:
        if head.startswith(magic):
            raw = opener(fileobj=stream) if opener is gzip.GzipFile else opener(stream)
            break
    counted = _Counted(limits)
    files = 0
    # Stream mode reads the members in order and never seeks to an offset a header gives.
    with tarfile.open(fileobj=_CountingReader(raw, counted), mode="r|") as archive:
        for info in archive:
            name = _name_check(info.name, limits)
            if info.isdir():
                continue
            if not info.isreg():
                raise ArchiveUnsafeMember()
            files += 1
            _count_check(files, limits)
            if name.lower().endswith(NESTED_SUFFIXES):
                yield Unopened(name, "archive inside the archive (not opened)")
                continue
            member = archive.extractfile(info)
            if member is not None:
                # The reader below already counts these bytes; copying must not count them twice.
                yield from _copied(name, member, None, keep)


def _copied(name: str, member: BinaryIO, counted: _Counted | None, keep: bool) -> Iterator[Member]:
    # Closed in the finally below, once the caller has scanned the member.
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) if keep else None  # noqa: SIM115
    size = 0
    try:
        while chunk := member.read(CHUNK_BYTES):
            size += len(chunk)
            if counted is not None:
                counted.add(len(chunk))
            if spool is not None:
                spool.write(chunk)
        if spool is not None:
            spool.seek(0)
        yield Member(name, size, spool)
    finally:
        if spool is not None:
            spool.close()


def _name_check(given: str, limits: ArchiveLimits) -> str:
    name = given.replace("\\", "/")
    if name.startswith("/") or _DRIVE.match(name) or _CONTROL.search(name):
        raise ArchiveUnsafePath()
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if ".." in parts or not parts:
        raise ArchiveUnsafePath()
    if len(parts) > limits.max_depth:
        raise ArchiveTooDeep(f"The archive nests folders deeper than {limits.max_depth} levels.")
    return "/".join(parts)


def _count_check(files: int, limits: ArchiveLimits) -> None:
    if files > limits.max_files:
        raise ArchiveTooManyFiles(f"The archive holds more than {limits.max_files} files.")
