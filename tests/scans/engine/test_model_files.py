"""Model files are judged by the globals their pickles import, read from the opcodes and never loaded."""

import collections
import io
import os
import pickle
import struct
import subprocess
import sys
import tarfile
import types
import zipfile
import zlib

import pytest

from scans.engine.findings import Category, Severity
from scans.engine.model_files import is_model_file, scan_model_file

PROTOCOLS = range(pickle.HIGHEST_PROTOCOL + 1)


class _System:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


class _Eval:
    def __reduce__(self):
        return (eval, ("__import__('os').getcwd()",))


class _Popen:
    def __reduce__(self):
        return (subprocess.Popen, (["echo", "pwned"],))


class _Nested:
    def __reduce__(self):
        return (pickle.loads, (pickle.dumps({"inner": 1}),))


class _Tensor:
    """Pickles as torch writes a tensor, `torch._utils._rebuild_tensor_v2(...)`, with no torch installed."""

    def __reduce__(self):
        return (sys.modules["torch._utils"]._rebuild_tensor_v2, (0, (2, 2), (2, 1), False, collections.OrderedDict()))


@pytest.fixture(autouse=True)
def fake_torch(monkeypatch):
    # pickle writes a global by reference only if it can import it back: a stand-in module suffices.
    module = types.ModuleType("torch._utils")

    def _rebuild_tensor_v2(*args):
        raise AssertionError("never called: the scanner does not load pickles")

    _rebuild_tensor_v2.__module__ = "torch._utils"
    _rebuild_tensor_v2.__qualname__ = "_rebuild_tensor_v2"
    module._rebuild_tensor_v2 = _rebuild_tensor_v2
    monkeypatch.setitem(sys.modules, "torch", types.ModuleType("torch"))
    monkeypatch.setitem(sys.modules, "torch._utils", module)


def benign_model() -> dict:
    return {
        "weights": [[0.1, 0.2], [0.3, 0.4]],
        "state": collections.OrderedDict(layer1=[1.0, 2.0], layer2=bytearray(b"\x00\x01")),
        "classes": frozenset({"cat", "dog"}),
        "window": slice(0, 2),
        "tensor": _Tensor(),
        "counts": collections.Counter(a=2),
    }


def imports(findings) -> set[tuple[str, str]]:
    return {(finding.rule_id, finding.snippet.split(" ", 1)[0]) for finding in findings}


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_benign_model_has_no_finding_at_any_protocol(protocol):
    assert scan_model_file("model.pkl", pickle.dumps(benign_model(), protocol=protocol)) == []


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_reduce_to_os_system_is_critical_at_any_protocol(protocol):
    findings = scan_model_file("model.pkl", pickle.dumps({"model": benign_model(), "x": _System()}, protocol=protocol))
    assert imports(findings) == {("model.dangerous-import", f"{os.system.__module__}.system")}
    (finding,) = findings
    assert finding.severity is Severity.CRITICAL
    assert finding.category is Category.MODEL_FILE
    assert "calls" in finding.description


@pytest.mark.parametrize(
    ("payload", "qualified"),
    [(_Eval(), {"builtins.eval"}), (_Popen(), {"subprocess.Popen"}), (_Nested(), {"_pickle.loads", "pickle.loads"})],
)
@pytest.mark.parametrize("protocol", [0, 2, 4])
def test_eval_popen_and_nested_pickles_are_critical(payload, qualified, protocol):
    # Protocols 0-2 write Python 2 names (__builtin__, commands); findings name what Python 3 imports.
    findings = scan_model_file("model.pkl", pickle.dumps([payload], protocol=protocol))
    assert {name for rule, name in imports(findings) if rule == "model.dangerous-import"} & qualified


def test_strings_reached_through_the_memo_still_name_the_global():
    # STACK_GLOBAL takes its module and name from the stack; a crafted pickle can fetch them from the memo.
    crafted = (
        b"\x80\x04\x8c\x02os\x94\x8c\x06system\x94"  # push "os", memoize 0; push "system", memoize 1
        b"h\x00h\x01\x93"  # BINGET 0, BINGET 1, STACK_GLOBAL
        b"\x8c\x02id\x85R."  # ("id",) then REDUCE, STOP
    )
    assert imports(scan_model_file("evil.pkl", crafted)) == {("model.dangerous-import", "os.system")}


def test_an_unknown_class_is_medium_and_named():
    crafted = b"\x80\x02cmy_project.models\nNet\nq\x00)\x81q\x01."
    (finding,) = scan_model_file("net.pt", crafted)
    assert (finding.rule_id, finding.severity) == ("model.unknown-import", Severity.MEDIUM)
    assert "my_project.models.Net" in finding.snippet


@pytest.mark.parametrize("cut", [1, 5, 20])
def test_a_truncated_pickle_is_reported_not_raised(cut):
    data = pickle.dumps(benign_model(), protocol=4)
    findings = scan_model_file("model.pkl", data[:-cut])
    assert [finding.rule_id for finding in findings] == ["model.unparseable"]


def test_garbage_and_empty_files_are_unparseable():
    assert [f.rule_id for f in scan_model_file("model.pkl", b"\xff\xfe not a pickle")] == ["model.unparseable"]
    assert scan_model_file("model.pkl", b"") == []


def test_a_dangerous_global_before_the_damage_is_still_reported():
    data = pickle.dumps([_System(), list(range(50))], protocol=2)
    rules = {finding.rule_id for finding in scan_model_file("model.pkl", data[:-10])}
    assert rules == {"model.dangerous-import", "model.unparseable"}


def torch_zip(pickled: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("archive/data.pkl", pickled)
        archive.writestr("archive/data/0", b"\x00" * 16)
        archive.writestr("archive/version", b"3\n")
    return buffer.getvalue()


def test_a_torch_zip_archive_is_walked_member_by_member():
    assert scan_model_file("model.pt", torch_zip(pickle.dumps(benign_model(), protocol=2))) == []
    findings = scan_model_file("model.pt", torch_zip(pickle.dumps(_System(), protocol=2)))
    assert [f.rule_id for f in findings] == ["model.dangerous-import"]
    assert findings[0].extra["member"] == "archive/data.pkl"


def test_concatenated_pickles_are_each_walked():
    # Legacy torch.save and joblib write several pickles in a row, then raw bytes.
    data = pickle.dumps(1, protocol=2) + pickle.dumps(_Eval(), protocol=2) + b"\x01\x02raw storage bytes"
    assert imports(scan_model_file("legacy.pth", data)) == {("model.dangerous-import", "builtins.eval")}


def test_a_legacy_torch_tar_is_walked():
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, value in (("sys_info", {"little_endian": True}), ("pickle", _Popen())):
            data = pickle.dumps(value, protocol=2)
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    assert imports(scan_model_file("old.pt", buffer.getvalue())) == {("model.dangerous-import", "subprocess.Popen")}


def npy(descr: str, body: bytes) -> bytes:
    header = repr({"descr": descr, "fortran_order": False, "shape": (1,)}).encode("latin-1")
    header += b" " * (-(10 + len(header) + 1) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + body


def test_an_object_npy_carries_a_pickle_that_is_walked():
    assert imports(scan_model_file("array.npy", npy("|O", pickle.dumps([_System()], protocol=3)))) == {
        ("model.dangerous-import", f"{os.system.__module__}.system")
    }
    assert scan_model_file("array.npy", npy("|O", pickle.dumps([[1, 2]], protocol=3))) == []


def test_a_numeric_npy_holds_no_pickle():
    assert scan_model_file("array.npy", npy("<f8", b"\x80\x02cos\nsystem\n")) == []


def test_a_zlib_compressed_joblib_file_is_inflated_and_walked():
    data = zlib.compress(pickle.dumps(_System(), protocol=4))
    assert [f.rule_id for f in scan_model_file("model.joblib", data)] == ["model.dangerous-import"]


def test_an_lz4_joblib_file_is_reported_as_not_inspectable():
    (finding,) = scan_model_file("model.joblib", b"\x04\x22\x4d\x18" + b"\x00" * 32)
    assert (finding.rule_id, finding.severity) == ("model.not-inspectable", Severity.INFO)


def test_model_files_are_recognised_by_name_and_bytes():
    assert is_model_file("m.pkl", b"anything")
    assert is_model_file("pytorch_model.bin", b"PK\x03\x04....")
    assert is_model_file("pytorch_model.bin", b"\x80\x02}q\x00.")
    assert not is_model_file("firmware.bin", b"\x7fELF\x02\x01")
    assert is_model_file("a.npy", b"\x93NUMPY\x01\x00")
    assert not is_model_file("a.npy", b"text")
    assert not is_model_file("model.py", b"\x80\x02")
    assert not is_model_file("distutils-precedence.pth", b"import os; var = 'SETUPTOOLS_USE_DISTUTILS'")
    assert is_model_file("resnet.pth", b"PK\x03\x04")


def test_a_python2_npy_header_is_read():
    header = b"{'descr': '|O', 'fortran_order': False, 'shape': (2L,), }".ljust(69) + b"\n"
    data = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + pickle.dumps([_System()], protocol=2)
    assert [f.rule_id for f in scan_model_file("old.npy", data)] == ["model.dangerous-import"]


def test_the_pickle_is_never_loaded(tmp_path):
    marker = tmp_path / "ran"

    class Toucher:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    findings = scan_model_file("model.pkl", pickle.dumps(Toucher()))
    assert ("model.dangerous-import", "io.open") in imports(findings)
    assert not marker.exists()


@pytest.mark.parametrize(
    ("module", "name", "rule"),
    [
        ("sklearn.linear_model._logistic", "LogisticRegression", None),
        ("scipy.sparse._csr", "csr_matrix", "model.unknown-import"),  # a lower-case name: not a class by convention
        ("scipy.sparse._coo", "CooMatrix", None),
        ("sklearn.datasets", "fetch_openml", "model.unknown-import"),  # a function that downloads
        ("scipy.io", "Loadmat", "model.unknown-import"),  # outside scipy.sparse
    ],
)
def test_ml_library_classes_are_allowed_but_not_their_functions(module, name, rule):
    crafted = f"c{module}\n{name}\n)R.".encode()
    assert [f.rule_id for f in scan_model_file("est.pkl", crafted)] == ([rule] if rule else [])
