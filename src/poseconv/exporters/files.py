"""The checks every exporter makes of the file it is asked to write, before reading anything."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..errors import InvalidOptionError

__all__ = ["export_path"]


def export_path(
    file_path: str | Path,
    *,
    overwrite: bool,
    suffixes: Sequence[str] = (),
    kind: str = "",
    flag: str = "overwrite=True (--overwrite)",
) -> Path:
    """Return ``file_path`` as a Path once it is known the exporter may write it.

    Parameters
    ----------
    file_path : str or pathlib.Path
        The output file.
    overwrite : bool
        Whether an existing file may be replaced.
    suffixes : sequence of str, optional
        The suffixes (lower case) the format's files end in; any when empty.
    kind : str, optional
        The format's files, for the message (``"a SLEAP file"``).
    flag : str, default: "overwrite=True (--overwrite)"
        How the user allows replacing a file, for the message.

    Returns
    -------
    pathlib.Path
        The output file.

    Raises
    ------
    InvalidOptionError
        When the suffix is not one of ``suffixes``, or the file exists and ``overwrite`` is False.
    """
    path = Path(file_path)
    if suffixes and path.suffix.lower() not in suffixes:
        raise InvalidOptionError(f"{path}: {kind} ends in {' or '.join(suffixes)}, got {path.suffix!r}.")
    if path.exists() and not overwrite:
        raise InvalidOptionError(f"{path}: already exists; pass {flag} to replace it.")
    return path
