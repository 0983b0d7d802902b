"""Checks run on every input file before any parser touches it, and the guard around every reader.

:func:`check_input_file` runs first (exists, readable, known suffix, HDF5 structure probed in a
child); :func:`check_frame_count` refuses time bases no recording has; :func:`reads_source` turns a
reader's unforeseen failure on a damaged file into an error that names the file.
"""

from __future__ import annotations

import csv
import functools
import inspect
import itertools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import h5py

from ...errors import InvalidOptionError, InvalidSourceFileError, PoseconvError
from ...model.location import empty_file, input_not_here, require_content

__all__ = [
    "MAX_FRAMES",
    "UNREADABLE_FILE_ERRORS",
    "check_frame_count",
    "check_input_file",
    "rows_without_frame_numbers",
    "dataset_shapes",
    "frame_count_plausible",
    "is_hdf5",
    "not_a_file_to_read",
    "reads_source",
    "require_path",
    "require_path_or_nwbfile",
]

_Reader = TypeVar("_Reader", bound=Callable[..., Any])

# No video has more frames (eight months at 100 fps); larger frame numbers come from a damaged file.
MAX_FRAMES = 2**31 - 1
# Stubbed and filtered files skip frames, but not this many: above this length a time base
# more than _MAX_SPARSITY times longer than the rows is refused instead of written as NaN (and,
# for SLEAP, held as dense arrays: a damaged video length could otherwise exhaust memory).
_SPARSE_FRAMES = 10_000_000
_MAX_SPARSITY = 100
#: What h5py, PyTables, pandas and the csv module raise on a damaged or foreign file (PyTables'
#: ``HDF5ExtError`` is a ``RuntimeError``, its ``NoSuchNodeError`` an ``AttributeError``; our own
#: refusals are ``ValueError``). Sniffers answer "no" on these; anything else is a bug and propagates.
UNREADABLE_FILE_ERRORS: tuple[type[Exception], ...] = (
    OSError,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    RuntimeError,
)


# Bytes of a CSV's first line looked at for its separator.
_FIRST_LINE_BYTES = 1 << 16


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
        When the file is missing, a directory, unreadable or has the wrong suffix, or when its HDF5
        structure crashes, hangs or exhausts a forked child (see :mod:`poseconv.readers.safety.isolation`).
    """
    path = Path(file_path)
    require_content(path)
    if not path.exists():
        raise InvalidSourceFileError(f"{path}: file not found. Check the path of the {what} file.")
    if path.is_dir():
        raise InvalidSourceFileError(f"{path}: is a directory; give the {what} file inside it.")
    # Placeholders were refused above (require_content): the rest of not_a_file_to_read's checks.
    problem = _not_a_regular_file(path)
    if problem is not None:
        raise InvalidSourceFileError(f"{path}: {problem}")
    if path.suffix.lower() not in suffixes:
        raise InvalidSourceFileError(
            f"{path}: expected a {what} file ending in {sorted(suffixes)}, got {path.suffix!r}."
        )
    try:
        with path.open("rb") as handle:
            first_line = handle.readline(_FIRST_LINE_BYTES)
    except OSError as err:
        raise InvalidSourceFileError(f"{path}: cannot be read ({err.strerror}).") from err
    for magic, kind in _ARCHIVE_MAGIC.items():
        if first_line.startswith(magic):
            # Its bytes would otherwise go into a message about separators or formats.
            raise InvalidSourceFileError(
                f"{path}: is a {kind} archive, though named {path.suffix}; unpack it and convert the file inside."
            )
    if path.suffix.lower() == ".csv":
        # Before the zero check: UTF-16 text is half NUL bytes, and is no file cut short.
        _check_wide_text(path)
        _check_zero_tail(path)
        _check_separator(path, first_line)
        _check_trailing_cells(path)
    if is_hdf5(path):
        from .isolation import HDF5_STRUCTURE, probe, walk_hdf5

        # A damaged header can make HDF5 allocate without bound or crash: look at it in a child first.
        probe(path, walk_hdf5, what=HDF5_STRUCTURE)
    return path


# The first bytes of the archives a pose file is sent in (gzip, zip, xz, 7-Zip).
_ARCHIVE_MAGIC = {
    b"\x1f\x8b": "gzip",
    b"PK\x03\x04": "zip",
    b"\xfd7zXZ\x00": "xz",
    b"7z\xbc\xaf\x27\x1c": "7-Zip",
}


def not_a_file_to_read(path: Path) -> str | None:
    """Return why ``path`` is no file to read, or None: not downloaded or a URL, missing, a folder, a device, empty.

    An empty file is what an interrupted copy or export leaves; no reader would say more than
    that the content is not its format.
    """
    if (absent := input_not_here(path)) is not None:
        return absent
    return _not_a_regular_file(path)


def _not_a_regular_file(path: Path) -> str | None:
    """Return why ``path`` is no file to read, its content aside: missing, a folder, a device or pipe, empty."""
    if not path.exists():
        return "file not found."
    if path.is_dir():
        return "is a directory, not a pose file."
    if not path.is_file():
        return "is not a regular file (a device, pipe or socket), so not a pose file."
    return empty_file(path)


# Byte-order marks of the wide Unicode encodings, the four-byte ones first (UTF-32-LE's starts as UTF-16-LE's).
_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)
# Bytes of a text file's start looked at for UTF-16 without a byte-order mark.
_HEAD_BYTES = 512


def _wide_encoding(head: bytes) -> str | None:
    """Return "UTF-16" or "UTF-32" when ``head``, a text file's first bytes, is in that encoding, else None.

    Told by the byte-order mark, or without one by a NUL byte beside each letter: a table's header is
    ASCII, which UTF-16 writes as the letter and a zero byte.
    """
    for bom, name in _WIDE_BOMS:
        if head.startswith(bom):
            return name
    even, odd = head[0::2], head[1::2]
    # Letters in one half, zeros in the other; a file that is zeros throughout is one a crash emptied.
    for zeros, letters in ((even, odd), (odd, even)):
        if len(head) >= 8 and zeros.count(0) >= 0.9 * len(zeros) and letters.count(0) <= 0.1 * len(letters):
            return "UTF-16"
    return None


def _check_wide_text(path: Path) -> None:
    """Refuse a text table saved as UTF-16 or UTF-32: Excel's "Unicode Text", Windows PowerShell 5's default."""
    with path.open("rb") as handle:
        head = handle.read(_HEAD_BYTES)
    encoding = _wide_encoding(head)
    if encoding is None:
        return
    raise InvalidSourceFileError(
        f"{path}: is {encoding} text, not the UTF-8 the pose tools write: Excel's 'Unicode Text' and Windows "
        "PowerShell 5 (Out-File, Export-Csv, '>') save files so. Convert the tool's original file, or save this "
        "one as UTF-8 CSV (Excel: 'CSV UTF-8 (Comma delimited)'; PowerShell: -Encoding utf8)."
    )


# How much of a text file's end is looked at for NUL bytes.
_TAIL_BYTES = 1 << 16


def _check_zero_tail(path: Path) -> None:
    """Refuse a text table with NUL bytes at its end: a crash or power loss while writing leaves them, no tool.

    The file system kept the file's size but not its last data, so it reads as zeros; read as text, they
    would go into messages about frame numbers or values.
    """
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.seek(max(0, size - _TAIL_BYTES))
        tail = handle.read()
    if b"\x00" not in tail:
        return
    start = max(0, size - _TAIL_BYTES) + tail.index(b"\x00")
    raise InvalidSourceFileError(
        f"{path}: ends in zeros (NUL bytes, from byte {start:,} of {size:,}), which no tool writes in a text "
        "table: what a crash or power loss while the file was written leaves. The rows there are lost; export "
        "the file again from the tool (or copy it again from where it is whole)."
    )


def _check_trailing_cells(path: Path) -> None:
    """Refuse a CSV whose lines end in empty cells its header has not: a trailing comma no pose tool writes.

    A spreadsheet program leaves one on every line (the header rows then end in empty cells); a script
    writing rows one by one, on the data rows only (the first of them then has more cells than the header).
    """
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
        rows = [row for row in itertools.islice(csv.reader(handle), 6) if row]
    if not rows or len(rows[0]) < 2:
        return
    if all(not row[-1].strip() for row in rows[:3]) and all(len(row) >= 2 for row in rows[:3]):
        where = "its lines end"
        empty = min(_trailing_empty(row) for row in rows[:3])
    else:
        # The first row longer than the header row: the first data row, when only those end in a comma.
        longer = next((row for row in rows if len(row) > len(rows[0])), None)
        extra = len(longer) - len(rows[0]) if longer is not None else 0
        if not extra or _trailing_empty(longer) < extra:
            return
        where, empty = "its data rows (not its header rows) end", extra
    raise InvalidSourceFileError(
        f"{path}: {where} in {empty} empty cell(s) (a trailing comma), which no pose tool writes: a "
        "spreadsheet program or a script saved it again. Convert the tool's original file, or remove the "
        "trailing comma(s)."
    )


def _trailing_empty(row: list[str]) -> int:
    """Return how many empty cells end a CSV row."""
    return len(row) - len(list(itertools.dropwhile(lambda cell: not cell.strip(), reversed(row))))


def _check_separator(path: Path, first_line: bytes) -> None:
    """Refuse a CSV whose cells are separated by semicolons or tabs: a spreadsheet program saved it again."""
    if b"," in first_line:
        return
    for separator, name, how in _SEPARATORS:
        if separator in first_line:
            raise InvalidSourceFileError(
                f"{path}: its cells are separated by {name}, not commas: a spreadsheet program saved it again "
                f"({how}). The pose tools write comma-separated files: convert the tool's original file, or save "
                "this one as CSV with commas between cells and points in numbers."
            )


# The separators a spreadsheet program saves a table with other than commas, and when it does.
_SEPARATORS = (
    (b";", "semicolons", "with a European locale, Excel separates cells by semicolons and writes decimal commas"),
    (b"\t", "tabs", "as tab-delimited text, Excel's 'Text (Tab delimited)'"),
)


def dataset_shapes(path: str | Path, names: tuple[str, ...]) -> dict[str, tuple[int, ...]] | None:
    """Return the shapes of the datasets ``names`` that an HDF5 file holds at its root; never raises.

    None when the file is not HDF5 or cannot be read; a name that is absent or not a dataset is left
    out. Sniffers use it to tell HDF5 layouts apart without reading any values.
    """
    try:
        if not is_hdf5(Path(path)):
            return None
        with h5py.File(path, "r") as handle:
            found = {name: handle.get(name) for name in names}
            return {name: tuple(item.shape) for name, item in found.items() if isinstance(item, h5py.Dataset)}
    except UNREADABLE_FILE_ERRORS:
        # A sniffer's helper: a file h5py cannot read is "unknown".
        return None


def is_hdf5(path: Path) -> bool:
    """Return True when ``path`` is an HDF5 file; never raises."""
    try:
        return bool(h5py.is_hdf5(path))
    except (OSError, ValueError, TypeError):
        # Unreadable, or a name h5py cannot encode: not an HDF5 file we can open.
        return False


def frame_count_plausible(n_frames: int, n_rows: int) -> bool:
    """Return whether ``n_rows`` poses can span ``n_frames`` frames (see :func:`check_frame_count`)."""
    return n_frames <= MAX_FRAMES and (n_frames <= _SPARSE_FRAMES or n_frames <= _MAX_SPARSITY * max(n_rows, 1))


def rows_without_frame_numbers(frames: Any, one_row: Callable[[int], str]) -> str | None:
    """Say which rows of a table have no frame number (NaN, as pandas reads an empty cell); None when all have one.

    Parameters
    ----------
    frames : numpy.ndarray
        The frame numbers as floats, one a row.
    one_row : callable
        Words a row (0-based) without a frame number among rows with one, in the reader's terms.

    Returns
    -------
    str or None
        Empty rows at the end (a spreadsheet leaves them) are counted and to be deleted; otherwise the first.
    """
    import numpy as np

    missing = np.flatnonzero(np.isnan(frames))
    if not len(missing):
        return None
    if np.array_equal(missing, np.arange(len(frames) - len(missing), len(frames))):
        return (
            f"its last {len(missing)} row(s) have no frame number (empty rows a spreadsheet leaves at the end?); "
            "delete them"
        )
    return one_row(int(missing[0]))


def check_frame_count(path: Path, n_frames: int, n_rows: int, *, what: str = "frame numbers", hint: str = "") -> None:
    """Refuse a time base that no real recording has.

    Parameters
    ----------
    path : pathlib.Path
        The file, for the message.
    n_frames : int
        Frames the poses would span (last frame number + 1, or a video's frame count).
    n_rows : int
        Poses (rows, labeled frames) the file really holds.
    what : str
        Where ``n_frames`` comes from, for the message.
    hint : str
        What else the file may be and how to convert it, appended to the message.

    Raises
    ------
    InvalidSourceFileError
        When ``n_frames`` exceeds :data:`MAX_FRAMES`, or is over ten million and a hundred
        times ``n_rows``: no real recording is that sparse, and the NaN would take hours to
        write (and, for SLEAP, memory to hold).
    """
    if not frame_count_plausible(n_frames, n_rows):
        raise InvalidSourceFileError(
            f"{path}: {what} reach frame {n_frames - 1:,} but the file holds only {n_rows:,} poses; "
            "the file is damaged or its frame numbers are not frames of a video. Re-export it from the "
            f"tool that wrote it.{hint}"
        )


def require_path(value: Any, name: str = "file_path", *, also: str = "") -> None:
    """Refuse an argument that is not a path, before it reaches a library that would call it a damaged file.

    Parameters
    ----------
    value : object
        The argument given.
    name : str, default: "file_path"
        The argument's name, for the message.
    also : str, default: ""
        What else the argument may be (", or a pynwb.NWBFile"), for the message.

    Raises
    ------
    InvalidOptionError
        When ``value`` is not a str or ``os.PathLike`` (None, a list of paths, ...).
    """
    if isinstance(value, (str, os.PathLike)):
        return
    hint = "; read one file per call" if isinstance(value, (list, tuple, set)) else ""
    got = "None" if value is None else f"{type(value).__name__} {value!r:.200}"
    raise InvalidOptionError(f"{name} must be a path (str or pathlib.Path{also}), got {got}{hint}.")


def require_path_or_nwbfile(value: Any, name: str) -> bool:
    """Return whether ``value`` is a path (True) or a ``pynwb.NWBFile`` (False); refuse anything else.

    For readers of NWB files that take either; anything else failed inside hdmf ("HDF5IO.write: None is
    not allowed for 'container'").

    Raises
    ------
    InvalidOptionError
        When ``value`` is neither, as :func:`require_path` words it.
    """
    if isinstance(value, (str, os.PathLike)):
        return True  # without importing pynwb (1 s), which a path read with h5py does not need
    from pynwb import NWBFile

    if isinstance(value, NWBFile):
        return False
    require_path(value, name, also=", or a pynwb.NWBFile")
    return True


def reads_source(what: str) -> Callable[[_Reader], _Reader]:
    """Make a reader fail on a damaged file with :class:`InvalidSourceFileError` naming the file.

    Readers check what they know can go wrong and word those errors themselves. A file can
    be damaged in ways no check foresees (a flipped bit in an HDF5 header, a truncated
    table), and the library reading it then raises its own ``KeyError`` or ``OSError`` from
    deep inside; this turns any such error into one that names the file and says what to
    do, chained to the original for a bug report.

    Parameters
    ----------
    what : str
        What the file should be, for the message ("SLEAP file").

    Returns
    -------
    callable
        A decorator for functions whose first argument is the file path.
    """

    def decorator(function: _Reader) -> _Reader:
        signature = inspect.signature(function)

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            # Binding first: a wrong call is the caller's TypeError, not a damaged file.
            bound = signature.bind(*args, **kwargs)
            name, path = next(iter(bound.arguments.items()))
            # None or a list of paths fails in the library with a TypeError, which would be called damage.
            require_path(path, f"{function.__name__}: {name}")
            try:
                return function(*args, **kwargs)
            except PoseconvError:
                raise
            except MemoryError as err:
                raise InvalidSourceFileError(
                    f"{path}: reading it as a {what} ran out of memory. Either the file is damaged (sizes or "
                    "indices that claim far more data than it holds) or it needs more memory than this machine "
                    "has."
                ) from err
            except Exception as err:
                raise InvalidSourceFileError(
                    f"{path}: cannot be read as a {what} ({type(err).__name__}: {err}). The file is damaged, "
                    "truncated, or written by a version of the tool that poseconv does not know; if the tool "
                    "itself still opens it, please report this with the file."
                ) from err

        return wrapper  # type: ignore[return-value]

    return decorator
