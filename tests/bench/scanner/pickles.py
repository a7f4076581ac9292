"""Benign and malicious model files, built with `pickle` itself; nothing here is ever unpickled.

Malicious files carry a `__reduce__` that would call a dangerous function on load. The torch-style
archive imitates what `torch.save` writes (archive/data.pkl naming torch's rebuild functions, storages
by persistent id) without torch, through stand-in modules registered only while pickling.
"""

import collections
import io
import os
import pickle
import runpy
import subprocess
import sys
import types
import webbrowser
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy

COMMAND = "echo bastion-bench"


@dataclass(frozen=True)
class ModelFile:
    name: str
    malicious: bool
    what: str


class _Call:
    """Pickles as a call to `function(*arguments)`: what every malicious model file does on load."""

    def __init__(self, function: Callable, *arguments: object) -> None:
        self.function, self.arguments = function, arguments

    def __reduce__(self) -> tuple:
        return self.function, self.arguments


def _weights() -> dict:
    return collections.OrderedDict(
        [("layer.weight", [[0.5, -0.25], [0.125, 1.0]]), ("layer.bias", (0.0, 0.1)), ("name", "tiny"), ("steps", 3)]
    )


MALICIOUS_CALLS: dict[str, Callable[[], _Call]] = {
    "os.system": lambda: _Call(os.system, COMMAND),
    "builtins.eval": lambda: _Call(eval, "__import__('os').getcwd()"),
    "builtins.exec": lambda: _Call(exec, "import os"),
    "subprocess.Popen": lambda: _Call(subprocess.Popen, [COMMAND]),
    "subprocess.check_output": lambda: _Call(subprocess.check_output, ["echo", "bench"]),
    "runpy.run_path": lambda: _Call(runpy.run_path, "/tmp/bench-payload.py"),
    "webbrowser.open": lambda: _Call(webbrowser.open, "http://127.0.0.1:9/"),
}


@contextmanager
def _torch_stand_ins() -> Iterator[types.SimpleNamespace]:
    """`torch`, `torch._utils` and a storage class as modules pickle can name, for the archive's globals."""
    torch, utils = types.ModuleType("torch"), types.ModuleType("torch._utils")

    def _rebuild_tensor_v2(*arguments: object) -> None: ...

    storage = type("FloatStorage", (), {"__module__": "torch"})
    _rebuild_tensor_v2.__module__, _rebuild_tensor_v2.__qualname__ = "torch._utils", "_rebuild_tensor_v2"
    torch.FloatStorage, torch._utils, utils._rebuild_tensor_v2 = storage, utils, _rebuild_tensor_v2
    saved = {name: sys.modules.get(name) for name in ("torch", "torch._utils")}
    sys.modules.update({"torch": torch, "torch._utils": utils})
    try:
        yield types.SimpleNamespace(rebuild=_rebuild_tensor_v2, storage=storage)
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name)
            else:
                sys.modules[name] = module


class _Tensor:
    def __init__(self, torch: types.SimpleNamespace, key: str, size: tuple[int, ...]) -> None:
        self.torch, self.key, self.size = torch, key, size

    def __reduce__(self) -> tuple:
        stride = (self.size[1], 1) if len(self.size) == 2 else (1,)
        return self.torch.rebuild, (
            _Storage(self.torch, self.key),
            0,
            self.size,
            stride,
            False,
            collections.OrderedDict(),
        )


class _Storage:
    def __init__(self, torch: types.SimpleNamespace, key: str) -> None:
        self.torch, self.key = torch, key


class _TorchPickler(pickle.Pickler):
    def persistent_id(self, obj: object) -> tuple | None:
        # torch.save names each storage by a tuple; its data lives in archive/data/<key>.
        if isinstance(obj, _Storage):
            return ("storage", obj.torch.storage, obj.key, "cpu", 4)
        return None


def _torch_archive(path: Path, payload: object | None) -> None:
    with _torch_stand_ins() as torch:
        state = collections.OrderedDict(
            [("fc.weight", _Tensor(torch, "0", (2, 2))), ("fc.bias", _Tensor(torch, "1", (2,)))]
        )
        if payload is not None:
            state["extra"] = payload
        buffer = io.BytesIO()
        _TorchPickler(buffer, protocol=2).dump(state)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", buffer.getvalue())
        archive.writestr("archive/version", "3\n")
        archive.writestr("archive/data/0", numpy.zeros(4, dtype="<f4").tobytes())
        archive.writestr("archive/data/1", numpy.zeros(2, dtype="<f4").tobytes())


def _npy(path: Path, values: list) -> None:
    array = numpy.empty(len(values), dtype=object)
    array[:] = values
    numpy.save(path, array, allow_pickle=True)


def build_model_files(folder: Path) -> list[ModelFile]:
    files: list[ModelFile] = []

    def dump(name: str, value: object, protocol: int, *, malicious: bool, what: str) -> None:
        (folder / name).write_bytes(pickle.dumps(value, protocol=protocol))
        files.append(ModelFile(name, malicious, what))

    for protocol in range(6):
        dump(
            f"benign-weights-p{protocol}.pkl",
            _weights(),
            protocol,
            malicious=False,
            what=f"an OrderedDict of weights, protocol {protocol}",
        )
        dump(
            f"os-system-p{protocol}.pkl",
            MALICIOUS_CALLS["os.system"](),
            protocol,
            malicious=True,
            what=f"__reduce__ to os.system, protocol {protocol}",
        )
    for index, (target, call) in enumerate(MALICIOUS_CALLS.items()):
        if target != "os.system":
            protocol = index % 6
            dump(
                f"{target.replace('.', '-')}-p{protocol}.pkl",
                call(),
                protocol,
                malicious=True,
                what=f"__reduce__ to {target}, protocol {protocol}",
            )
    dump(
        "benign-numpy-array.pkl",
        {"weights": numpy.arange(6, dtype="f4").reshape(2, 3)},
        4,
        malicious=False,
        what="a dict holding a numpy array, protocol 4",
    )
    dump(
        "benign-model.joblib",
        {"coef": [0.1, 0.2], "classes": ("a", "b")},
        3,
        malicious=False,
        what="a joblib-named pickle of plain values",
    )
    dump(
        "eval-model.joblib",
        [_weights(), MALICIOUS_CALLS["builtins.eval"]()],
        3,
        malicious=True,
        what="eval hidden inside a list, joblib-named",
    )
    inner = pickle.dumps(MALICIOUS_CALLS["os.system"](), protocol=2)
    dump(
        "nested-pickle.pkl",
        _Call(pickle.loads, inner),
        4,
        malicious=True,
        what="pickle.loads of a pickle that calls os.system",
    )

    _torch_archive(folder / "benign-torch.pt", None)
    files.append(ModelFile("benign-torch.pt", False, "torch-style zip, archive/data.pkl with two tensors"))
    _torch_archive(folder / "malicious-torch.pt", MALICIOUS_CALLS["os.system"]())
    files.append(ModelFile("malicious-torch.pt", True, "torch-style zip whose data.pkl also calls os.system"))
    _torch_archive(folder / "malicious-torch.bin", MALICIOUS_CALLS["builtins.exec"]())
    files.append(ModelFile("malicious-torch.bin", True, "torch-style zip named .bin, data.pkl calls exec"))

    numpy.save(folder / "benign-floats.npy", numpy.ones((3, 3), dtype="f8"))
    files.append(ModelFile("benign-floats.npy", False, ".npy of floats (no pickle inside)"))
    _npy(folder / "benign-objects.npy", ["label", 3, (1, 2)])
    files.append(ModelFile("benign-objects.npy", False, ".npy object array of plain values"))
    _npy(folder / "malicious-objects.npy", ["label", MALICIOUS_CALLS["subprocess.Popen"]()])
    files.append(ModelFile("malicious-objects.npy", True, ".npy object array holding a call to subprocess.Popen"))
    return files
