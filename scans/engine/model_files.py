"""AI model files: what a pickle would import and call, read from its opcodes, never by loading it.

Unpickling runs code: a `GLOBAL os.system` followed by `REDUCE` calls `os.system` with whatever
the file says. So the pickles inside `.pkl`/`.joblib` files, PyTorch archives and object `.npy`
arrays are walked with `pickletools.genops`, which only decodes opcodes, and each imported global
is judged against a list of dangerous callables and an allow-list of the classes a model needs.
"""

import ast
import bz2
import io
import lzma
import os
import pickletools
import re
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, BinaryIO

from scans.engine.findings import Category, Confidence, Finding, Severity, fingerprint
from scans.engine.model_policy import Verdict, canonical, judge

PICKLE_SUFFIXES = frozenset({".pkl", ".pickle", ".joblib", ".pt", ".ckpt"})
# `.bin` is what many unrelated tools write and `.pth` is also Python's path-configuration file, so
# they count only when their bytes look like a model.
SNIFFED_SUFFIXES = frozenset({".bin", ".pth"})
NUMPY_SUFFIXES = frozenset({".npy", ".npz"})
MODEL_SUFFIXES = PICKLE_SUFFIXES | SNIFFED_SUFFIXES | NUMPY_SUFFIXES

ZIP_MAGIC = b"PK\x03\x04"
NPY_MAGIC = b"\x93NUMPY"
# Decompressed or extracted content is capped so a small bomb cannot exhaust memory.
MAX_INFLATED_BYTES = 512 * 1024 * 1024
_COMPRESSED = {
    b"\x1f\x8b": ("gzip", lambda: zlib.decompressobj(31)),
    b"\x78\x01": ("zlib", zlib.decompressobj),
    b"\x78\x5e": ("zlib", zlib.decompressobj),
    b"\x78\x9c": ("zlib", zlib.decompressobj),
    b"\x78\xda": ("zlib", zlib.decompressobj),
    b"BZh": ("bz2", bz2.BZ2Decompressor),
    b"\xfd7zXZ": ("xz", lzma.LZMADecompressor),
}
# joblib can also write these; the standard library cannot read them.
_PY2_LONG = re.compile(r"(\d)L\b")
_UNREADABLE = {b"\x04\x22\x4d\x18": "lz4", b"ZF": "joblib's legacy zlib"}
_REMEDIATION = (
    "Do not load this file with pickle, torch.load or joblib.load unless you trust who made it. "
    "Prefer safetensors or ONNX for weights; with PyTorch use torch.load(..., weights_only=True)."
)


def is_model_file(path: str, head: bytes) -> bool:
    """True when the name and the first bytes say this is a pickle-based model file."""
    suffix = os.path.splitext(path)[1].lower()
    if suffix in PICKLE_SUFFIXES:
        return True
    if suffix in NUMPY_SUFFIXES:
        return head.startswith((NPY_MAGIC, ZIP_MAGIC))
    if suffix in SNIFFED_SUFFIXES:
        return head.startswith(ZIP_MAGIC) or _starts_like_pickle(head) or _is_tar(head)
    return False


def scan_model_file(path: str, data: bytes | BinaryIO) -> list[Finding]:
    """One finding per dangerous or unknown global, per pickle in the file; never raises on bad input."""
    stream = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    report = _Report(path)
    head = stream.read(512)
    stream.seek(0)
    try:
        if head.startswith(ZIP_MAGIC):
            _scan_zip(stream, report)
        elif head.startswith(NPY_MAGIC):
            _scan_npy(stream, "", report)
        elif _is_tar(head):
            _scan_tar(stream, report)
        else:
            _scan_pickles(_inflated(stream, head, report), "", report)
    except Exception as error:  # zipfile, tarfile and the codecs raise many kinds on hostile bytes
        report.unparseable("", f"the container could not be read ({type(error).__name__})")
    return report.findings


@dataclass
class _Report:
    path: str
    findings: list[Finding] = field(default_factory=list)
    _seen: set[tuple[str, str]] = field(default_factory=set)

    def add(
        self,
        rule_id: str,
        severity: Severity,
        confidence: Confidence,
        *,
        member: str,
        what: str,
        title: str,
        description: str,
        offset: int = 0,
    ) -> None:
        if (member, rule_id + what) in self._seen:
            return
        self._seen.add((member, rule_id + what))
        where = f"{member} @ byte {offset}" if member else f"byte {offset}"
        self.findings.append(
            Finding(
                rule_id=rule_id,
                category=Category.MODEL_FILE,
                severity=severity,
                confidence=confidence,
                title=title,
                description=description,
                remediation=_REMEDIATION,
                path=self.path,
                line=1,
                column=1,
                snippet=f"{what} ({where})",
                fingerprint=fingerprint(rule_id=rule_id, value=f"{member}\0{what}", path=self.path),
                extra={"member": member, "offset": offset} if member else {"offset": offset},
            )
        )

    def unparseable(self, member: str, why: str, offset: int = 0) -> None:
        self.add(
            "model.unparseable",
            Severity.MEDIUM,
            Confidence.MEDIUM,
            member=member,
            what="unparseable pickle",
            title="Model file that cannot be inspected",
            description=f"The pickle data is malformed or truncated: {why}. Whatever it holds was not checked, "
            "and a loader may still run the opcodes before the damage.",
            offset=offset,
        )

    def not_inspectable(self, member: str, why: str) -> None:
        self.add(
            "model.not-inspectable",
            Severity.INFO,
            Confidence.HIGH,
            member=member,
            what=why,
            title="Model file not inspected",
            description=f"This model file is {why}; it was not inspected.",
        )


def _scan_zip(stream: BinaryIO, report: _Report) -> None:
    with zipfile.ZipFile(stream) as archive:
        for info in archive.infolist():
            name = info.filename
            suffix = PurePosixPath(name).suffix.lower()
            if suffix not in (".pkl", ".npy") or info.is_dir():
                continue
            if info.file_size > MAX_INFLATED_BYTES:
                report.not_inspectable(name, f"a member larger than {MAX_INFLATED_BYTES >> 20} MiB")
                continue
            with archive.open(info) as member:
                content = io.BytesIO(member.read())
            if suffix == ".npy":
                _scan_npy(content, name, report)
            else:
                _scan_pickles(content, name, report)


def _scan_tar(stream: BinaryIO, report: _Report) -> None:
    # PyTorch's format before 1.6: a tar of `sys_info`, `pickle`, `storages` and `tensors`, each pickled.
    with tarfile.open(fileobj=stream, mode="r:") as archive:
        for info in archive.getmembers():
            if not info.isfile() or info.size > MAX_INFLATED_BYTES:
                continue
            content = archive.extractfile(info)
            if content is not None:
                _scan_pickles(io.BytesIO(content.read()), info.name, report)


def _scan_npy(stream: BinaryIO, member: str, report: _Report) -> None:
    """An `.npy` array carries a pickle only when its dtype holds Python objects ('O')."""
    magic = stream.read(8)
    if len(magic) < 8 or not magic.startswith(NPY_MAGIC):
        report.unparseable(member, "not a NumPy array file")
        return
    width = 2 if magic[6] == 1 else 4
    header_length = int.from_bytes(stream.read(width), "little")
    try:
        # Headers written by Python 2 spell integers `2L`; NumPy reads them, so this does too.
        text = _PY2_LONG.sub(r"\1", stream.read(header_length).decode("latin-1"))
        header = ast.literal_eval(text)
        descr = header["descr"]
    except (ValueError, SyntaxError, KeyError, TypeError, MemoryError, RecursionError):
        report.unparseable(member, "the NumPy header is malformed")
        return
    if _holds_objects(descr):
        _scan_pickles(stream, member, report)


def _holds_objects(descr: Any) -> bool:
    if isinstance(descr, str):
        return descr.lstrip("|<>=").startswith("O")
    if isinstance(descr, list | tuple):
        return any(_holds_objects(part) for part in descr)
    return False


def _inflated(stream: BinaryIO, head: bytes, report: _Report) -> BinaryIO:
    """joblib often compresses the whole file; the standard library's codecs are undone here."""
    for magic, (name, decompressor) in _COMPRESSED.items():
        if head.startswith(magic):
            inflater = decompressor()
            data = inflater.decompress(stream.read(), MAX_INFLATED_BYTES)
            if len(data) >= MAX_INFLATED_BYTES:
                report.not_inspectable("", f"{name}-compressed to more than {MAX_INFLATED_BYTES >> 20} MiB")
                return io.BytesIO(b"")
            return io.BytesIO(data)
    for magic, name in _UNREADABLE.items():
        if head.startswith(magic):
            report.not_inspectable("", f"{name}-compressed")
            return io.BytesIO(b"")
    return stream


def _scan_pickles(stream: BinaryIO, member: str, report: _Report) -> None:
    """Every pickle in a row: joblib and legacy PyTorch write several, then raw array bytes."""
    first = True
    while True:
        start = stream.tell()
        head = stream.read(2)
        stream.seek(start)
        if not head or (not first and not _starts_like_pickle(head)):
            return
        complete = _walk(stream, member, report, report_damage=first)
        if not complete:
            return
        first = False


def _walk(stream: BinaryIO, member: str, report: _Report, *, report_damage: bool) -> bool:
    """Judge one pickle's globals; False when it could not be read to its STOP."""
    machine = _StackMachine()
    # Each global once, at its first offset, and whether a REDUCE or the like later calls it.
    imported: dict[tuple[str, str], list] = {}
    complete = True
    try:
        for opcode, arg, position in pickletools.genops(stream):
            for module, name, called in machine.step(opcode, arg):
                seen = imported.setdefault((module, name), [position or 0, False])
                seen[1] = seen[1] or called
    except Exception as error:  # genops raises many kinds of error on hostile bytes: all mean "malformed"
        complete = False
        if report_damage:
            report.unparseable(member, _damage(error), stream.tell())
    for (module, name), (offset, called) in imported.items():
        _judge(module, name, called, member, offset, report)
    return complete


def _damage(error: Exception) -> str:
    text = str(error).split("\n", 1)[0][:120]
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


# What each verdict on an imported global reports; a safe global reports nothing.
_IMPORT_FINDINGS = {
    Verdict.DANGEROUS: (
        "model.dangerous-import",
        Severity.CRITICAL,
        Confidence.HIGH,
        "Model file runs dangerous code when loaded",
        "which can run commands, read or write files, open connections or execute code on the machine that loads it.",
    ),
    Verdict.UNKNOWN: (
        "model.unknown-import",
        Severity.MEDIUM,
        Confidence.MEDIUM,
        "Model file imports an unexpected global",
        "which is not one of the classes a model file needs. Check what it is before loading the file.",
    ),
}


def _judge(module: str, name: str, called: bool, member: str, offset: int, report: _Report) -> None:
    module, name = canonical(module, name)
    verdict = judge(module, name)
    qualified = f"{module}.{name}"
    action = "imports and calls" if called else "imports"
    if verdict in _IMPORT_FINDINGS:
        rule_id, severity, confidence, title, consequence = _IMPORT_FINDINGS[verdict]
        report.add(
            rule_id,
            severity,
            confidence,
            member=member,
            what=qualified,
            offset=offset,
            title=title,
            description=f"Loading this pickle {action} {qualified}, {consequence}",
        )


class _Mark:
    """Where MARK put its marker on the stack."""


@dataclass(frozen=True)
class _Global:
    module: str
    name: str


_STRINGS = {"SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "UNICODE", "STRING", "BINSTRING", "SHORT_BINSTRING"}
_GETS = {"GET", "BINGET", "LONG_BINGET"}
_PUTS = {"PUT", "BINPUT", "LONG_BINPUT"}
_CALLS = {"REDUCE", "NEWOBJ", "NEWOBJ_EX", "OBJ"}


class _StackMachine:
    """Just enough of the unpickler's stack to know the strings STACK_GLOBAL takes and what REDUCE calls.

    Every opcode's stack effect comes from pickletools' own table, so only the opcodes whose values
    matter here (strings, memo reads and writes, globals) need special handling.
    """

    def __init__(self) -> None:
        self.stack: list[Any] = []
        self.memo: dict[Any, Any] = {}

    def step(self, opcode: pickletools.OpcodeInfo, arg: Any) -> Iterator[tuple[str, str, bool]]:
        name = opcode.name
        if name in ("GLOBAL", "INST"):
            module, _, attribute = str(arg).partition(" ")
            yield module, attribute, name == "INST"
            self._apply(opcode, _Global(module, attribute))
            return
        if name == "STACK_GLOBAL":
            attribute, module = self._peek(0), self._peek(1)
            found = _Global(str(module), str(attribute))
            if isinstance(module, str) and isinstance(attribute, str):
                yield module, attribute, False
            else:
                yield "<unresolved>", "<computed by the pickle>", False
            self._apply(opcode, found)
            return
        if name in _CALLS:
            callee = self._callee(name)
            if isinstance(callee, _Global):
                yield callee.module, callee.name, True
        if name.startswith("EXT"):
            yield "copyreg.extension", str(arg), False
        if name in _PUTS:
            self.memo[arg] = self._peek(0)
            return
        if name == "MEMOIZE":
            self.memo[len(self.memo)] = self._peek(0)
            return
        value = self.memo.get(arg) if name in _GETS else arg if name in _STRINGS else None
        if name == "DUP":
            value = self._peek(0)
        self._apply(opcode, value)

    def _callee(self, name: str) -> Any:
        if name == "OBJ":
            # OBJ takes a mark, the class, then its arguments.
            for index in range(len(self.stack) - 1, -1, -1):
                if isinstance(self.stack[index], _Mark):
                    return self.stack[index + 1] if index + 1 < len(self.stack) else None
            return None
        return self._peek(2 if name == "NEWOBJ_EX" else 1)

    def _peek(self, depth: int) -> Any:
        return self.stack[-1 - depth] if len(self.stack) > depth else None

    def _apply(self, opcode: pickletools.OpcodeInfo, pushed: Any) -> None:
        before = opcode.stack_before
        if pickletools.markobject in before:
            # What follows the mark is popped with it; what precedes it (APPENDS' list) is popped next.
            while self.stack and not isinstance(self.stack.pop(), _Mark):
                pass
            before = before[: before.index(pickletools.markobject)]
        for _ in before:
            if self.stack:
                self.stack.pop()
        for item in opcode.stack_after:
            self.stack.append(_Mark() if item is pickletools.markobject else pushed)


def _starts_like_pickle(head: bytes) -> bool:
    # Protocols 2 to 5 open with PROTO; older ones are sniffed by suffix only.
    return len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5


def _is_tar(head: bytes) -> bool:
    return len(head) >= 262 and head[257:262] == b"ustar"
