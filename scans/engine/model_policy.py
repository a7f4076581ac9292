"""Which globals a model pickle may import: dangerous callables, the safe classes of ML libraries, the rest.

The allow-list holds what `torch.save`, NumPy, joblib and scikit-learn actually write and what only
rebuilds data (tensors, arrays, dtypes, containers). Anything else is "unknown": not proof of
malice, but a model should not need it, so it is reported for a person to check.
"""

import _compat_pickle  # the unpickler's own table of Python 2 names, applied the same way here
from enum import Enum


class Verdict(Enum):
    SAFE = "safe"
    UNKNOWN = "unknown"
    DANGEROUS = "dangerous"


# Whole modules whose every member can run commands, reach the network or the file system, or run
# code: the shells and process APIs, importers, interpreters, and the loaders of nested pickles.
_DANGEROUS_MODULES = frozenset(
    {
        "os", "posix", "nt", "subprocess", "commands", "pty", "runpy", "webbrowser", "socket", "shutil",
        "importlib", "sys", "code", "codeop", "marshal", "ctypes", "multiprocessing", "asyncio", "pdb", "bdb",
        "timeit", "trace", "cProfile", "profile", "pydoc", "urllib", "urllib2", "http", "httplib", "requests",
        "httpx", "aiohttp", "ftplib", "smtplib", "telnetlib", "paramiko", "shelve", "dill", "cloudpickle",
        "tempfile", "glob", "zipimport", "pkgutil", "platform", "signal", "threading", "_thread", "operator",
        "io", "_io", "_posixsubprocess", "posixpath", "ntpath",
    }
)  # fmt: skip
# `operator` is here for attrgetter/methodcaller, which chain attribute access into any call.
_DANGEROUS_NAMES = frozenset(
    {
        ("builtins", name)
        for name in (
            "eval", "exec", "execfile", "compile", "__import__", "getattr", "setattr", "delattr", "open",
            "file", "input", "breakpoint", "globals", "locals", "vars", "apply", "help", "exit", "quit",
        )
    }
    | {("pickle", name) for name in ("loads", "load", "Unpickler", "_loads", "_load")}
    | {("_pickle", name) for name in ("loads", "load", "Unpickler")}
    | {("torch", "load"), ("torch.serialization", "load"), ("numpy", "load"), ("joblib", "load")}
    | {("yaml", "load"), ("yaml", "unsafe_load"), ("yaml", "full_load"), ("numpy.testing._private.utils", "runstring")}
    | {("torch.hub", "load"), ("torch.hub", "load_state_dict_from_url"), ("torch.jit", "load")}
    | {("functools", "partial"), ("functools", "reduce"), ("types", "FunctionType"), ("types", "CodeType")}
)  # fmt: skip

_SAFE_NAMES = frozenset(
    {("collections", name) for name in ("OrderedDict", "defaultdict", "deque", "Counter")}
    | {("builtins", name) for name in (
        "set", "frozenset", "bytearray", "bytes", "slice", "complex", "range", "list", "dict", "tuple",
        "int", "float", "bool", "str", "object",
    )}
    # Protocol 2 writes bytes as `_codecs.encode(text, "latin1")`; protocols 0 and 1 rebuild objects
    # through copyreg. Both only construct data.
    | {("_codecs", "encode"), ("copyreg", "_reconstructor")}
    | {("torch._utils", name) for name in (
        "_rebuild_tensor", "_rebuild_tensor_v2", "_rebuild_tensor_v3", "_rebuild_parameter",
        "_rebuild_parameter_with_state", "_rebuild_qtensor", "_rebuild_sparse_tensor", "_rebuild_nested_tensor",
        "_rebuild_device_tensor_from_numpy", "_rebuild_meta_tensor_no_storage", "_rebuild_wrapper_subclass",
    )}
    | {("torch._tensor", "_rebuild_from_type"), ("torch._tensor", "_rebuild_from_type_v2")}
    | {("torch", name) for name in (
        "Size", "device", "dtype", "layout", "memory_format", "strided", "sparse_coo", "contiguous_format",
        "channels_last", "preserve_format", "float16", "float32", "float64", "bfloat16", "complex64",
        "complex128", "int8", "int16", "int32", "int64", "uint8", "bool", "FloatStorage", "DoubleStorage",
        "HalfStorage", "BFloat16Storage", "LongStorage", "IntStorage", "ShortStorage", "CharStorage",
        "ByteStorage", "BoolStorage", "ComplexFloatStorage", "ComplexDoubleStorage", "QInt8Storage",
        "QUInt8Storage", "QInt32Storage", "QUInt4x2Storage", "QUInt2x4Storage", "UntypedStorage",
    )}
    | {("torch.storage", "TypedStorage"), ("torch.storage", "UntypedStorage"), ("torch.nn.parameter", "Parameter")}
    | {(module, name) for module in ("numpy.core.multiarray", "numpy._core.multiarray") for name in (
        "_reconstruct", "scalar",
    )}
    | {("numpy.core.numeric", "_frombuffer"), ("numpy._core.numeric", "_frombuffer"), ("numpy", "ndarray")}
    | {("numpy", "dtype"), ("numpy.ma.core", "_mareconstruct"), ("joblib.numpy_pickle", "NumpyArrayWrapper")}
)  # fmt: skip
# Module classes of a whole pickled `nn.Module` (torch.save(model)) only restore their state.
_SAFE_PREFIXES = ("torch.nn.modules.",)
# scikit-learn, XGBoost and LightGBM models pickle their estimator classes, and SciPy's sparse
# matrices travel inside them. These packages also hold functions that read files or the network
# (sklearn.datasets.fetch_*), so only CamelCase names, the classes, are allowed from them:
# constructing an estimator or a matrix only stores its parameters.
_CLASS_ONLY_PACKAGES = ("sklearn", "xgboost", "lightgbm", "scipy.sparse")


def canonical(module: str, name: str) -> tuple[str, str]:
    """The name the unpickler really imports: protocols 0-2 write Python 2 names (`__builtin__.eval`)."""
    if (module, name) in _compat_pickle.NAME_MAPPING:
        return _compat_pickle.NAME_MAPPING[(module, name)]
    return _compat_pickle.IMPORT_MAPPING.get(module, module), name


def judge(module: str, name: str) -> Verdict:
    """The verdict on `module.name` (already canonical) as a pickle's GLOBAL or STACK_GLOBAL would import it."""
    root = module.split(".", 1)[0]
    if root in _DANGEROUS_MODULES or (module, name) in _DANGEROUS_NAMES:
        return Verdict.DANGEROUS
    if (module, name) in _SAFE_NAMES or module.startswith(_SAFE_PREFIXES) and name[:1].isupper():
        return Verdict.SAFE
    in_package = any(module == package or module.startswith(package + ".") for package in _CLASS_ONLY_PACKAGES)
    if in_package and name[:1].isupper() and "." not in name:
        return Verdict.SAFE
    return Verdict.UNKNOWN
