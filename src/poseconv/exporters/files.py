"""The checks every exporter makes before writing: the file it is asked to write, and the video it exports."""

from __future__ import annotations

import contextlib
import os
import shutil
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InvalidOptionError, PoseconvWarning
from ..full_disk import is_disk_full, no_room
from ..model.frames import missing_points
from ..output import (
    OutputError,
    atomic_output,
    check_not_a_folder,
    check_writable,
    dangling_link,
    disk_full,
    partial_path,
)
from ..signals import signals_raise
from .docstrings import fill_export_docs

if TYPE_CHECKING:
    from ..model import PoseData, PoseTrack

__all__ = [
    "warn_not_pixels",
    "all_or_none",
    "check_not_the_source",
    "export_path",
    "is_multi_animal",
    "missing_nodes",
    "new_folders",
    "planar_nodes",
    "video_tracks",
    "write_pandas_table",
]


# The track name poseconv's DeepLabCut and Lightning Pose readers give the animal of a single-animal file.
_SINGLE_ANIMAL_TRACK = "individual"


def is_multi_animal(pose: PoseData, tracks: list[PoseTrack]) -> bool:
    """Return whether ``tracks`` are animals a file named, not the one animal of a single-animal file.

    What the reader recorded decides (``notes["multi_animal"]``); otherwise one track named
    ``individual`` is the one animal of a single-animal DeepLabCut or Lightning Pose file.
    """
    recorded = pose.notes.get("multi_animal")
    if isinstance(recorded, bool):
        return recorded
    return not (len(tracks) == 1 and tracks[0].name == _SINGLE_ANIMAL_TRACK)


def warn_not_pixels(pose: PoseData, kind: str, *, stacklevel: int = 3) -> None:
    """Warn that 2D poses in another unit than pixels go into ``kind``, a file of pixels of the video.

    convert refuses such poses from the pose files; another tool's NWB file may hold them (cm of an
    arena). They are written as they are, and a pose tool reads them as pixels.
    """
    from ..metadata.series_units import is_pixel_unit

    if pose.n_dims == 2 and pose.unit is not None and not is_pixel_unit(pose.unit):
        warnings.warn(
            f"{pose.source_name}: its 2D poses are in {pose.unit!r}, not pixels; {kind} holds positions in pixels "
            "of the video, so a pose tool will read these values (written as they are) as pixels. To keep their "
            "unit, export --to movement (exporters.movement); else convert them to the video's pixels first.",
            PoseconvWarning,
            stacklevel=stacklevel,
        )


def planar_nodes(pose: PoseData, track: PoseTrack) -> list[int]:
    """Return the indices of the nodes of a 3D ``track`` that were stored as x and y only (their z is NaN).

    The NWB reader records them (``notes["planar_nodes"]``): ndx-pose 0.1 files may mix 2D and 3D
    series in one container.
    """
    if track.positions.shape[2] != 3:
        return []
    named = set(pose.notes.get("planar_nodes", {}).get(track.name, ()))
    return [j for j, node in enumerate(pose.skeletons[track.skeleton].nodes) if node in named]


def missing_nodes(positions: np.ndarray, confidence: np.ndarray | None, planar: Sequence[int] = ()) -> np.ndarray:
    """Return ``(frames, nodes)``, True where a node has no position (:func:`~poseconv.model.frames.missing_points`).

    The ``planar`` nodes (:func:`planar_nodes`) are missing only where x or y is: they have no z.
    """
    gone = missing_points(positions, confidence)
    if len(planar):
        columns = list(planar)
        gone[:, columns] = missing_points(
            positions[:, columns, :2], None if confidence is None else confidence[:, columns]
        )
    return gone


def export_path(
    file_path: str | Path,
    *,
    overwrite: bool,
    suffixes: Sequence[str] = (),
    kind: str = "",
    flag: str = "overwrite=True (--overwrite)",
    creates_folder: bool = False,
    source: str | Path | None = None,
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
    creates_folder : bool, default: False
        The exporter creates the file's folder when it is missing (a labeled-data tree).
    source : str or pathlib.Path, optional
        The file the poses are exported from (:func:`check_not_the_source`).

    Returns
    -------
    pathlib.Path
        The output file.

    Raises
    ------
    InvalidOptionError
        When the suffix is not one of ``suffixes``, the file is ``source``, or it exists and ``overwrite``
        is False.
    OutputError
        When the file cannot be written there (its folder is missing or read-only, a folder is at the path).
    """
    path = Path(file_path)
    if source is not None:
        check_not_the_source(path, source)
    # A folder is never replaced, --overwrite or not: said before its suffix or its existence.
    check_not_a_folder(path)
    if suffixes and path.suffix.lower() not in suffixes:
        raise InvalidOptionError(f"{path}: {kind} ends in {' or '.join(suffixes)}, got {path.suffix!r}.")
    if path.exists() and not overwrite:
        raise InvalidOptionError(f"{path}: already exists; pass {flag} to replace it.")
    # The same checks as a conversion's output: a missing or read-only folder, a folder at the path.
    check_writable(path, creates_folder=creates_folder)
    return path


def check_not_the_source(path: str | Path, source: str | Path) -> None:
    """Refuse to export to ``path`` when it is ``source``, the file the poses are exported from.

    The export would replace its own input, ``--overwrite`` or not (a conversion's output cannot be
    one of its inputs either). The same file under another name (``./x.h5``, a link) is ``source`` too.

    Raises
    ------
    InvalidOptionError
        Naming both, and what to do.
    """
    from ..model.location import is_url

    if is_url(source) or is_url(path):
        return
    path, source = Path(path), Path(source)
    try:
        same = path.samefile(source)
    except OSError:  # one of them does not exist (yet): the same path, spelt another way, is the same file
        # os.path.realpath, not Path.resolve: a link that loops raises RuntimeError there (Python 3.11), and is
        # said as such where the input or output is checked.
        same = os.path.realpath(path.expanduser()) == os.path.realpath(source.expanduser())
    if same:
        raise InvalidOptionError(
            f"{path}: is the file being exported ({source}); the export would replace it, --overwrite or not. "
            "Give another output file."
        )


@fill_export_docs
def video_tracks(pose: PoseData, video: str | None, *, why_one: str = "") -> tuple[str, list[PoseTrack]]:
    """Return the video an exporter of one video's poses writes, and its tracks.

    Parameters
    ----------
    pose : PoseData
        The poses.
    {one_video}
    why_one : str, optional
        Why the format holds one video, for the message (``"a DeepLabCut table holds one video"``).

    Returns
    -------
    tuple of (str, list of PoseTrack)
        The video key and its tracks, in order.

    Raises
    ------
    InvalidOptionError
        When ``pose`` has no tracks, holds several videos and none is chosen, or has no video ``video``.
    """
    videos = list(dict.fromkeys(track.video for track in pose.tracks))
    if not videos:
        raise InvalidOptionError(f"{pose.source_name}: holds no tracks to export.")
    if video is None:
        if len(videos) > 1:
            reason = f"{why_one}, so " if why_one else ""
            raise InvalidOptionError(
                f"{pose.source_name}: holds poses of several videos {videos}; {reason}choose one with video=..."
            )
        video = videos[0]
    if video not in videos:
        raise InvalidOptionError(f"{pose.source_name}: no video {video!r}; videos: {videos}.")
    return video, [track for track in pose.tracks if track.video == video]


def write_pandas_table(table: Any, path: Path, *, key: str, h5_format: str = "table") -> None:
    """Write a DeepLabCut-layout table to ``path`` (``.csv`` or pandas ``.h5``), whole or not at all.

    The table is written under a temporary name and renamed when complete (:func:`~poseconv.output.atomic_output`).
    PyTables' table format keeps the column header in one HDF5 attribute, which holds 64 KiB: a header of
    thousands of columns (hundreds of tracks) does not fit, so such a table is written in pandas' fixed
    format, which ``pandas.read_hdf`` (and so DeepLabCut) reads the same way.

    Parameters
    ----------
    table : pandas.DataFrame
        The table.
    path : pathlib.Path
        The output file; its suffix chooses the format.
    key : str
        The HDF5 key of an ``.h5``.
    h5_format : {"table", "fixed"}, default: "table"
        pandas' storer for an ``.h5``, as DeepLabCut writes this kind of table.
    """
    with atomic_output(path) as partial:
        if path.suffix.lower() == ".csv":
            table.to_csv(partial)
            return
        from tables.exceptions import HDF5ExtError

        try:
            # Without PyTables' index of the row numbers (index=False): PyTables builds it in a temporary file
            # beside the output, which a Ctrl-C left there (pytables-XXXX.tmp, and an UnclosedFileWarning).
            # pandas.read_hdf (and so DeepLabCut) reads the same table, row index and all; a where= query
            # (which DeepLabCut does not make) scans the rows instead.
            table.to_hdf(partial, key=key, format=h5_format, mode="w", index=False)
        except HDF5ExtError as err:
            # Only the header attribute (pandas' "non_index_axes") has a fixed-format way round; a full
            # disk or any other HDF5 error is the user's to see.
            if is_disk_full(err):
                raise disk_full(path) from err
            if h5_format == "fixed" or "non_index_axes" not in str(err):
                raise
            warnings.warn(
                f"{path}: the column header ({table.shape[1]} columns) is too large for PyTables' table format; "
                "written in pandas' fixed format, which pandas.read_hdf (and DeepLabCut) reads the same way.",
                PoseconvWarning,
                stacklevel=3,
            )
            table.to_hdf(partial, key=key, format="fixed", mode="w")
        _check_written(table, partial, path, key)


def _check_written(table: Any, partial: Path, path: Path, key: str) -> None:
    """Stamp the table for older pandas and read it back whole.

    PyTables reports no error when the disk fills up or a file size limit is reached: it leaves a file
    with holes, which only reading it back tells (done when the file may have any).
    """
    import pandas as pd
    from tables.exceptions import HDF5ExtError, NodeError

    try:
        _stamp_pandas_version(partial, key)
        if not _has_holes(partial):
            return
        back = pd.read_hdf(partial, key=key)
        whole = back is not None and back.shape == table.shape
        whole = whole and np.array_equal(back.to_numpy(), table.to_numpy(), equal_nan=True)
    except (HDF5ExtError, NodeError, OSError, ValueError, KeyError) as err:
        # A table whose node was never written (the disk filled up first) has no node: NoSuchNodeError.
        if is_disk_full(err) or no_room(partial):
            raise disk_full(path) from err
        raise OutputError(f"{path}: {_NOT_WHOLE}.") from err
    if not whole:
        raise disk_full(path) if no_room(partial) else OutputError(f"{path}: {_NOT_WHOLE}.")


_NOT_WHOLE = (
    "not written, the table does not read back as written: the disk or your quota may be full, or a file "
    "size limit (ulimit -f) reached; nothing of it is left. Free some space or write it elsewhere"
)


def _has_holes(path: Path) -> bool:
    """Whether the file may lack bytes it claims: fewer blocks on disk than its size (a write refused for room).

    A file system that compresses shows fewer blocks too, and unknown counts (Windows) count as holes: the
    table is then read back to tell; a file with every byte on disk needs no read.
    """
    status = path.stat()
    blocks = getattr(status, "st_blocks", None)
    return blocks is None or blocks * 512 < status.st_size


# What pandas before 3 write on every stored table, and need to read it back (DeepLabCut 3 pins
# pandas < 3): pandas 3 writes none, and pandas 1 and 2 then fail on the file's attribute.
_PANDAS_VERSION_ATTRIBUTE = "0.15.2"


def _stamp_pandas_version(path: Path, key: str) -> None:
    """Give the stored table the ``pandas_version`` attribute earlier pandas versions need (in place)."""
    import tables

    with tables.open_file(str(path), mode="a") as handle:
        node = handle.get_node("/" + key.strip("/"))
        if "pandas_version" not in node._v_attrs._f_list("user"):
            node._v_attrs.pandas_version = _PANDAS_VERSION_ATTRIBUTE


@contextlib.contextmanager
def new_folders(folders: list[Path]) -> Iterator[None]:
    """Create ``folders`` for the block; remove those it created (with the files in them) when the block fails.

    A failed export (a full disk) leaves no empty folders (an empty ``labeled-data/<video>/``, which
    DeepLabCut would take for a video with no labels). Folders that existed are left as they were.
    """
    for folder in folders:  # else mkdir's bare "File exists" names neither the link nor its target
        if (dangling := dangling_link(folder)) is not None:
            raise OutputError(f"{folder}: {dangling}")
    created = list(dict.fromkeys(_outermost_missing(folder) for folder in folders))
    try:
        for folder in folders:
            folder.mkdir(parents=True, exist_ok=True)
        yield
    except BaseException:
        for folder in created:
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
        raise


def _outermost_missing(folder: Path) -> Path | None:
    """Return the outermost of ``folder`` and its parents that does not exist; None when ``folder`` exists."""
    missing = None
    for candidate in (folder.absolute(), *folder.absolute().parents):
        if candidate.exists():
            break
        missing = candidate
    return missing


@contextlib.contextmanager
def all_or_none(paths: Sequence[Path]) -> Iterator[list[Path]]:
    """Write several files as one output: when the block fails or is interrupted, none is left as it wrote it.

    Each file is written whole or not at all (:func:`~poseconv.output.atomic_output`); this makes the files
    of one export (one per video or animal) go together: after a Ctrl-C, a signal or an error midway, the
    files this block created are removed and the files it replaced are put back as they were, so the folder
    holds what it held before (as the command line's message says). A file that is replaced is kept aside
    until the block ends: as a hard link (no copy), or a copy where the file system has no hard links.

    Parameters
    ----------
    paths : sequence of pathlib.Path
        The files the block may write.

    Yields
    ------
    list of pathlib.Path
        The caller appends each file once it is written: only those are removed or put back.
    """
    written: list[Path] = []
    kept: dict[Path, Path] = {}
    with signals_raise():  # a SIGTERM or SIGHUP between two files cleans up too
        try:
            for path in dict.fromkeys(Path(p) for p in paths):
                if path.is_file():
                    kept[path] = _keep_aside(path)
            yield written
        except BaseException:
            for path in written:
                with contextlib.suppress(OSError):
                    if path in kept:
                        os.replace(kept.pop(path), path)
                    else:
                        path.unlink(missing_ok=True)
            raise
        finally:
            for aside in kept.values():
                with contextlib.suppress(OSError):
                    aside.unlink(missing_ok=True)


def _keep_aside(path: Path) -> Path:
    """Return a hidden second name of ``path`` (a hard link, else a copy) that outlives its replacement."""
    aside = partial_path(path)  # a name a later run removes if this process cannot
    try:
        os.link(path, aside)
    except OSError:
        shutil.copy2(path, aside)
    return aside
