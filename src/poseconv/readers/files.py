"""Checks run on every input file before any parser touches it."""

from __future__ import annotations

from pathlib import Path

import h5py

from ..errors import InvalidSourceFileError

__all__ = ["check_input_file", "is_hdf5"]


def check_input_file(file_path: str | Path, *, suffixes: set[str], what: str) -> Path:
    """Return ``file_path`` as a Path after checking it exists, is a file and has a known suffix.

    Parameters
    ----------
    file_path : str or pathlib.Path
        The input.
    suffixes : set of str
        Accepted suffixes (lower case, with the dot).
    what : str
        What the file should be, for messages ("DeepLabCut predictions").

    Returns
    -------
    pathlib.Path
        The path.

    Raises
    ------
    InvalidSourceFileError
        When the file is missing, a directory, unreadable or has the wrong suffix.
    """
    path = Path(file_path)
    if not path.exists():
        raise InvalidSourceFileError(f"{path}: file not found. Check the path of the {what} file.")
    if path.is_dir():
        raise InvalidSourceFileError(f"{path}: is a directory; give the {what} file inside it.")
    if path.suffix.lower() not in suffixes:
        raise InvalidSourceFileError(
            f"{path}: expected a {what} file ending in {sorted(suffixes)}, got {path.suffix!r}."
        )
    try:
        with path.open("rb") as handle:
            handle.read(1)
    except OSError as err:
        raise InvalidSourceFileError(f"{path}: cannot be read ({err.strerror}).") from err
    return path


def is_hdf5(path: Path) -> bool:
    """Return True when ``path`` is an HDF5 file; never raises."""
    try:
        return bool(h5py.is_hdf5(path))
    except Exception:
        return False
