"""Load DeepLabCut metadata pickles without executing anything from the file.

A pickle is a program: ``pickle.load`` on a crafted file runs arbitrary code.
DeepLabCut's ``_meta.pickle`` and ``includingmetadata.pickle`` files only hold
dicts, lists, numbers, strings and a few numpy arrays, plus two harmless
classes (``easydict.EasyDict`` in DLC 2.0/2.1 and ruamel's ``ScalarFloat``).
This loader resolves exactly those names to inert local stand-ins and refuses
every other global, so no callable named by the file is ever invoked except
numpy's array reconstruction.
"""

from __future__ import annotations

import io
import pickle
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InvalidSourceFileError

__all__ = ["load_metadata_pickle"]


class _AttributeDict(dict):
    """Stand-in for ``easydict.EasyDict``: a plain dict that ignores pickled attribute state."""

    def __setstate__(self, state: Any) -> None:
        # EasyDict pickles its items twice (as dict items and as attributes); the items suffice.
        pass


class _PlainFloat(float):
    """Stand-in for ruamel's ``ScalarFloat``; formatting hints in its state are dropped."""

    def __setstate__(self, state: Any) -> None:
        pass


def _numpy_reconstruct() -> Any:
    # The private home of `_reconstruct` moved in numpy 2; both spellings occur in old pickles.
    try:
        from numpy._core.multiarray import _reconstruct
    except ImportError:  # pragma: no cover - numpy < 2
        from numpy.core.multiarray import _reconstruct
    return _reconstruct


def _numpy_scalar() -> Any:
    try:
        from numpy._core.multiarray import scalar
    except ImportError:  # pragma: no cover - numpy < 2
        from numpy.core.multiarray import scalar
    return scalar


_ALLOWED: dict[tuple[str, str], Any] = {
    ("easydict", "EasyDict"): _AttributeDict,
    ("ruamel.yaml.scalarfloat", "ScalarFloat"): _PlainFloat,
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    ("builtins", "set"): set,
    ("builtins", "frozenset"): frozenset,
    ("collections", "OrderedDict"): dict,
}
_NUMPY_RECONSTRUCT = {
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
}
_NUMPY_SCALAR = {("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar")}


class _RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        key = (module, name)
        if key in _ALLOWED:
            return _ALLOWED[key]
        if key in _NUMPY_RECONSTRUCT:
            return _numpy_reconstruct()
        if key in _NUMPY_SCALAR:
            return _numpy_scalar()
        raise pickle.UnpicklingError(f"refusing to load global '{module}.{name}'")


def _to_plain(value: Any) -> Any:
    if isinstance(value, dict):
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
