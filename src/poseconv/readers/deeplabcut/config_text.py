"""The text of a YAML config DeepLabCut wrote: UTF-8, or the code page of a Western European Windows.

DeepLabCut writes its configs with ``open(path, "w")`` and no encoding (``auxiliaryfunctions.write_config``
for the project's ``config.yaml``, ``write_config_3d`` for a 3D project's, ``core.config.write_config`` for
the PyTorch engine's ``pytorch_config.yaml``): on Linux and macOS that is UTF-8, on Windows the system's code
page, Windows-1252 in Western Europe and the Americas, where a user ``Jürgen`` in ``project_path`` or a
bodypart ``Schwanzspitze-ü`` is the byte 0xFC, which is not UTF-8. Such a file is read as Windows-1252,
with a warning, since another code page (Cyrillic, Greek, ...) decodes to other letters; bytes Windows-1252
leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) keep the UTF-8 error.
"""

from __future__ import annotations

import codecs
import warnings
from pathlib import Path

from ...errors import PoseconvWarning

__all__ = ["WINDOWS_CODE_PAGE", "read_config_text"]

#: The code page DeepLabCut writes its configs in on a Western European Windows.
WINDOWS_CODE_PAGE = "cp1252"


def read_config_text(path: Path, what: str, *, stacklevel: int = 2) -> str:
    """Return the text of a config: UTF-8, else Windows-1252 with a warning naming the file.

    Parameters
    ----------
    path : pathlib.Path
        The config file.
    what : str
        What it is, for the warning ("DeepLabCut config.yaml").
    stacklevel : int, default: 2
        Passed to :func:`warnings.warn`, counted from this function's caller.

    Returns
    -------
    str
        The file's text (a UTF-8 byte order mark kept, as ``open(encoding="utf-8")`` keeps it; a file with
        UTF-16's byte order mark read as UTF-16).

    Raises
    ------
    OSError
        When the file cannot be read.
    UnicodeDecodeError
        UTF-8's, when the bytes are neither UTF-8 nor Windows-1252.
    """
    data = path.read_bytes()
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return data.decode("utf-32")  # before UTF-16's: UTF-32's little-endian mark starts with UTF-16's
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # An editor's "Unicode" (Notepad before 2019): its byte order mark says so, not Windows-1252.
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        first_bad = err.start
        try:
            text = data.decode(WINDOWS_CODE_PAGE)
        except UnicodeDecodeError:
            # Neither: UTF-8's error names the first byte at fault, as for any file that is not text.
            raise err from None
    warnings.warn(
        f"{path}: this {what} is not UTF-8 (byte 0x{data[first_bad]:02X} at position {first_bad}); read as "
        "Windows-1252, the code page a Western European Windows writes text in (DeepLabCut writes its configs so "
        "there). Check the names with non-ASCII letters it gives (bodyparts, individuals, paths) in the output, "
        "or re-save the file as UTF-8.",
        PoseconvWarning,
        stacklevel=stacklevel + 1,
    )
    return text
