"""Load DeepLabCut metadata pickles without executing anything from the file.

A pickle is a program: ``pickle.load`` on a crafted file runs arbitrary code.
DeepLabCut's ``_meta.pickle`` and ``includingmetadata.pickle`` files only hold
dicts, lists, numbers, strings and a few numpy arrays, plus a few harmless
classes (``easydict.EasyDict`` in DLC 2.0/2.1, ruamel's ``ScalarFloat``, and in
DLC 3.0.1 ``pathlib`` paths and DeepLabCut's own config enums). This loader
resolves exactly those names to inert local stand-ins (any ``deeplabcut.*`` name
to one that keeps values, never importing DeepLabCut) and refuses every other
global, so no callable named by the file is ever invoked except numpy's array
reconstruction (``_reconstruct``, ``scalar`` and, for pickle protocol 5, ``_frombuffer``) and
stand-ins for the latin-1 ``_codecs.encode`` and empty ``bytes()`` that protocols 0-2 write
for bytes (pandas' PyTables attributes hold them for ``numpy.str_`` column labels).
"""

from __future__ import annotations

import importlib
import io
import pickle
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import numpy as np

from ...errors import InvalidSourceFileError
from .file_versions import per_file_version
from .input_checks import UNREADABLE_FILE_ERRORS
from .isolation import HDF5_STRUCTURE, is_out_of_memory, probe, walk_hdf5

__all__ = [
    "PANDAS_CHECK",
    "check_hdf5_attribute_pickles",
    "import_pandas_check",
    "load_metadata_pickle",
    "open_pandas_store",
    "pandas_store_keys",
    "probe_hdf5",
]

#: The check :func:`open_pandas_store` runs in a child, as :func:`~.isolation.probe` names it.
PANDAS_CHECK = "it with pandas"


class _AttributeDict(dict):
    """Stand-in for ``easydict.EasyDict``: a plain dict that ignores pickled attribute state."""

    def __setstate__(self, state: Any) -> None:
        # EasyDict pickles its items twice (as dict items and as attributes); the items suffice.
        pass


class _PlainFloat(float):
    """Stand-in for ruamel's ``ScalarFloat``; formatting hints in its state are dropped."""

    def __setstate__(self, state: Any) -> None:
        pass


class _DeepLabCutObject(dict):
    """Stand-in for an object of DeepLabCut's own classes; their code is never imported or run.

    DeepLabCut 3.0.1 pickles its PyTorch config with its string enums (``NetType``, ``MethodType``,
    ...): a member pickles as its class called with its value, which the stand-in returns. Any other
    object keeps its pickled state as a dict.
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        if len(args) == 1 and not kwargs and isinstance(args[0], (str, int, float)):
            return args[0]
        return super().__new__(cls)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def __setstate__(self, state: Any) -> None:
        if isinstance(state, dict):
            self.update(state)


def _posix_path_text(*parts: Any) -> str:
    """Stand-in for ``pathlib`` paths (DeepLabCut 3.0.1 pickles its project paths): the path as text."""
    return str(PurePosixPath(*(str(part) for part in parts)))


def _windows_path_text(*parts: Any) -> str:
    """Stand-in for ``pathlib``'s Windows paths: the path as text."""
    return str(PureWindowsPath(*(str(part) for part in parts)))


# numpy's array rebuilders a pickle may name, by the submodule of numpy's private core that holds them:
# `_reconstruct` and `scalar` (every protocol), and `_frombuffer`, which rebuilds a contiguous array from
# its bytes, dtype, shape and order under pickle protocol 5 (Python 3.8+'s HIGHEST_PROTOCOL, as DeepLabCut's
# triangulate saves its 3D metadata). That core moved from numpy.core to numpy._core in numpy 2; both
# spellings occur in pickles.
_NUMPY_REBUILDERS = {("multiarray", "_reconstruct"), ("multiarray", "scalar"), ("numeric", "_frombuffer")}


def _numpy_rebuilder(module: str, name: str) -> Any | None:
    """Return the numpy rebuilder ``module.name`` names (either spelling of numpy's core); None for any other."""
    for core in ("numpy._core.", "numpy.core."):
        submodule = module.removeprefix(core)
        if submodule != module and (submodule, name) in _NUMPY_REBUILDERS:
            break
    else:
        return None
    try:
        return getattr(importlib.import_module(f"numpy._core.{submodule}"), name)
    except ImportError:  # pragma: no cover - numpy < 2
        return getattr(importlib.import_module(f"numpy.core.{submodule}"), name)


def _latin1_bytes(text: Any, encoding: Any) -> bytes:
    """Stand-in for ``_codecs.encode``, as pickle protocols 0-2 rebuild bytes: ``encode(text, 'latin1')``.

    Python's ``pickle._Pickler.save_bytes`` writes a bytes object under protocol < 3 as that call, so
    PyTables' protocol-0 attribute pickles hold it for every numpy string scalar (``numpy.str_`` column
    labels, ``scalar(dtype, bytes)``). Only a str with the literal ``'latin1'`` is taken: the built-in
    latin-1 codec turns each character into one byte and runs nothing else (no codec registry lookup,
    which a third-party codec could hook), and the result is no larger than the text in the pickle.
    """
    if not isinstance(text, str) or encoding != "latin1":
        raise pickle.UnpicklingError(f"refusing to load global '_codecs.encode' with encoding {encoding!r}")
    return text.encode("latin-1")


def _empty_bytes(*args: Any) -> bytes:
    """Stand-in for ``bytes``, which ``save_bytes`` calls with no argument for ``b''`` under protocol < 3.

    Only the empty call is taken: ``bytes(n)`` would allocate n bytes the file asks for.
    """
    if args:
        raise pickle.UnpicklingError("refusing to load global 'bytes' called with arguments")
    return b""


_ALLOWED: dict[tuple[str, str], Any] = {
    # Bytes under pickle protocols 0-2 (numpy string scalars in PyTables' protocol-0 attributes).
    ("_codecs", "encode"): _latin1_bytes,
    **{(module, "bytes"): _empty_bytes for module in ("builtins", "__builtin__")},
    ("easydict", "EasyDict"): _AttributeDict,
    ("ruamel.yaml.scalarfloat", "ScalarFloat"): _PlainFloat,
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    ("builtins", "set"): set,
    ("builtins", "frozenset"): frozenset,
    ("collections", "OrderedDict"): dict,
    **{
        (module, name): _windows_path_text if "Windows" in name else _posix_path_text
        for module in ("pathlib", "pathlib._local")
        for name in ("Path", "PosixPath", "WindowsPath", "PurePath", "PurePosixPath", "PureWindowsPath")
    },
}


class _RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        key = (module, name)
        if key in _ALLOWED:
            return _ALLOWED[key]
        rebuilder = _numpy_rebuilder(module, name)
        if rebuilder is not None:
            return rebuilder
        if module == "deeplabcut" or module.startswith("deeplabcut."):
            return _DeepLabCutObject
        raise pickle.UnpicklingError(f"refusing to load global '{module}.{name}'")


def _to_plain(value: Any) -> Any:
    if isinstance(value, dict):  # _AttributeDict and _DeepLabCutObject too
        return {key: _to_plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_to_plain(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_to_plain(item) for item in value)
    if isinstance(value, _PlainFloat):
        return float(value)
    return value


def load_metadata_pickle(path: str | Path) -> dict[str, Any]:
    """Read a DeepLabCut metadata pickle safely.

    Parameters
    ----------
    path : str or pathlib.Path
        The ``_meta.pickle`` / ``includingmetadata.pickle`` file.

    Returns
    -------
    dict
        Its content as plain Python objects.

    Raises
    ------
    InvalidSourceFileError
        When the file names anything beyond the allowed stand-ins, or is not a pickle.
    """
    path = Path(path)
    try:
        content = _RestrictedUnpickler(io.BytesIO(path.read_bytes())).load()
    except pickle.UnpicklingError as err:
        raise InvalidSourceFileError(
            f"{path}: not loaded because it is not a plain DeepLabCut metadata pickle ({err}). "
            "poseconv never runs code from input files; remove or rename this file to convert without it."
        ) from err
    except Exception as err:
        raise InvalidSourceFileError(f"{path}: cannot be read as a DeepLabCut metadata pickle ({err}).") from err
    if not isinstance(content, dict):
        raise InvalidSourceFileError(
            f"{path}: expected a dictionary in the DeepLabCut metadata pickle, found {type(content).__name__}."
        )
    return _to_plain(content)


def _maybe_pickled(value: Any) -> bool:
    # PyTables' own test (tables.attributeset): a bytes scalar ending in "." is unpickled on read.
    return isinstance(value, (bytes, np.bytes_)) and len(value) > 0 and value.endswith(b".") and value not in (b"0.",)


def check_hdf5_attribute_pickles(path: str | Path) -> None:
    """Refuse an HDF5 file whose attributes hold pickles that would run code when pandas reads it.

    pandas stores the column layout of an ``.h5`` frame in pickled attributes, and PyTables
    unpickles every such attribute with ``pickle.loads`` when the file is opened: a crafted
    DeepLabCut ``.h5`` runs code in any tool that reads it with pandas. This walks every
    attribute with h5py (which never unpickles) and loads each pickle with the restricted
    unpickler first; pandas may open the file only when all of them build plain values.

    Parameters
    ----------
    path : str or pathlib.Path
        The HDF5 file.

    Raises
    ------
    InvalidSourceFileError
        When an attribute pickle names a global beyond plain values, or cannot be read.
    """
    path = Path(path)

    def check(value: Any) -> None:
        # Arrays too: PyTables may hand a one-element string array back as a scalar.
        for item in np.asarray(value).ravel() if isinstance(value, np.ndarray) else (value,):
            if _maybe_pickled(item):
                _RestrictedUnpickler(io.BytesIO(bytes(item))).load()

    try:
        walk_hdf5(path, check)
    except pickle.UnpicklingError as err:
        raise InvalidSourceFileError(
            f"{path}: not read because an attribute holds a pickle that does more than store plain values "
            f"({err}). pandas would run it on opening the file; poseconv never runs code from input files."
        ) from err
    except Exception as err:
        raise InvalidSourceFileError(f"{path}: cannot be read as HDF5; the file is damaged ({err}).") from err


def _check_pandas_file(path: Path) -> None:
    """Check what must hold before pandas opens ``path``: safe attribute pickles, then PyTables' own open."""
    import pandas as pd

    check_hdf5_attribute_pickles(path)
    try:
        with pd.HDFStore(path, mode="r") as store:
            for key in store:
                store.get_storer(key)
    except UNREADABLE_FILE_ERRORS as err:
        if is_out_of_memory(err):
            raise
        # Other refusals of PyTables (not a pandas file, an unknown layout) are the reader's to word
        # when it opens the file itself; only crashes and runaway allocations must stay in the child.


@contextmanager
def open_pandas_store(path: str | Path) -> Iterator[Any]:
    """Open ``path`` with ``pandas.HDFStore`` (read-only), once it is known to be safe to.

    Safe means: every attribute pickle builds plain values
    (:func:`check_hdf5_attribute_pickles`) and PyTables can open the file without
    crashing the process.

    Raises
    ------
    InvalidSourceFileError
        When the file holds a pickle that would run code, or crashes PyTables.
    """
    import pandas as pd
    import tables  # noqa: F401 - imported before the fork, so the child does not import it again

    # Crashes, runaway allocations and hangs of HDF5 happen in a forked child, not here. The check
    # walks every object header and attribute, so it stands for the structure check too.
    probe(Path(path), _check_pandas_file, what=PANDAS_CHECK, covers=(HDF5_STRUCTURE,))
    with pd.HDFStore(path, mode="r") as store:
        yield store


def import_pandas_check() -> None:
    """Import pandas and PyTables, so that :func:`probe_hdf5` runs the check pandas readers need.

    A process that detects ``.h5`` files for others to read (the planning process of a batch, for
    the files its workers have not taken) imports them first, as the workers do: each file is then
    forked for once, and the reader's check is trusted where the file is read.
    """
    import pandas  # noqa: F401
    import tables  # noqa: F401


def probe_hdf5(path: Path) -> None:
    """Check an HDF5 file's structure in a child (:func:`~.isolation.probe`) before this process reads its headers.

    When pandas and PyTables are imported already, the child (which inherits them) runs the
    check :func:`open_pandas_store` needs instead, which includes the structure check: a
    ``.h5`` that is detected and then read is forked for once. A file that passes the
    structure check only is still accepted here; opening it with pandas then fails as before.

    Raises
    ------
    InvalidSourceFileError
        When the structure check fails.
    """
    if "pandas" in sys.modules and "tables" in sys.modules:
        try:
            probe(path, _check_pandas_file, what=PANDAS_CHECK, covers=(HDF5_STRUCTURE,))
            return
        except InvalidSourceFileError:
            pass  # pandas cannot open it; whether it is HDF5 that h5py can read is the structure check's
    probe(path, walk_hdf5, what=HDF5_STRUCTURE)


@per_file_version
def pandas_store_keys(path: Path) -> tuple[str, ...]:
    """Return the keys of the frames a pandas ``.h5`` holds, in pandas' order; asked once per version of a file.

    Raises
    ------
    InvalidSourceFileError
        As :func:`open_pandas_store`.
    """
    with open_pandas_store(path) as store:
        return tuple(store.keys())
