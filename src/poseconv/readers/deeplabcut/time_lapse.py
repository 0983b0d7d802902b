"""DeepLabCut's time-lapse analysis (``analyze_time_lapse_frames``): predictions on the images of a folder.

DeepLabCut writes its predictions into the folder of the images it analysed, one row an image, and
records no frame rate:

* DeepLabCut 2 (TensorFlow, ``predict_videos.analyze_time_lapse_frames``) writes ``<folder><scorer>.h5``
  (and ``.csv``), each row labelled by the image's file name, in the sorted order of the folder.
* DeepLabCut 3 (PyTorch, ``compat.analyze_time_lapse_frames``) runs ``analyze_images(images=folder,
  output_dir=folder)``, which writes ``image_predictions_<scorer>.h5`` (key ``predictions``; and
  ``.csv``), each row labelled by the image's path (``str(path)``) in the order ``Path.iterdir`` lists
  them (``analyze_images.parse_images_and_image_folders``), not sorted. ``analyze_images`` writes the
  same file for images given otherwise, into the first image's folder unless ``output_dir`` says
  elsewhere: it is read the same way when every image is in one folder, the file's or, by its absolute
  path, another (linked when its images are on this machine, named in the description when not).

poseconv reads the images as the frames of an image-sequence video, the folder, in the natural order of
their names (digit runs compared as numbers: ``img2`` before ``img10``, as acquisition scripts number
images without zero padding; zero-padded names keep DeepLabCut 2's sorted order), each row's values on
its image's frame; the images are linked when every one is here (as SLEAP's image sequences are); the
times come from the user (``--fps``, ``--timestamps``).
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from ...model import VideoInfo
from ...model.frame_tables import ArrayTable
from .variants import IMAGE_SUFFIXES

__all__ = ["image_order", "in_image_order", "time_lapse_images", "time_lapse_video"]

# DeepLabCut 3's analyze_images names its output after the scorer (analyze_images.py, analyze_images).
_IMAGE_PREDICTIONS = "image_predictions_"


def _images_folder(written: str, path: Path) -> tuple[str, Path | None] | None:
    """Return the name and, when here, the local folder of the images a DeepLabCut 3 file names by path.

    ``written`` is their folder as DeepLabCut was given it: absolute, or relative to where it ran. The
    file's own folder when it is that folder, or one of its name holding the images (a copy moved with
    them); else an absolute folder elsewhere (``analyze_images(output_dir=...)``), linked when its images
    are on this machine. A relative folder of another name is not known: None.
    """
    here = path.absolute().parent
    name = PureWindowsPath(written).name if "\\" in written else PurePosixPath(written).name
    absolute = PurePosixPath(written).is_absolute() or PureWindowsPath(written).is_absolute()
    elsewhere = Path(written) if absolute and "\\" not in written else None
    if elsewhere is not None and elsewhere.is_dir() and elsewhere.resolve() != here.resolve():
        return name, elsewhere
    if name == here.name or (elsewhere is not None and elsewhere.resolve() == here.resolve()):
        return name, here
    if not absolute:
        return None
    # Elsewhere and not on this machine: still that folder's images, named in the description.
    return name or "images", None


def _time_lapse(index: Any, path: Path | None) -> tuple[list[str], str | None, Path | None] | None:
    """Return the image names of a time lapse's rows, its folder's name and the local folder; else None."""
    if not len(index) or not isinstance(index[0], str):
        return None  # frame numbers: not looked at row by row
    labels = [label for label in index if isinstance(label, str)]
    if len(labels) != len(index) or not all(label.lower().endswith(IMAGE_SUFFIXES) for label in labels):
        return None
    split = [re.split(r"[\\/]", label) for label in labels]
    if all(len(parts) == 1 for parts in split):
        here = path.absolute().parent if path is not None else None
        return labels, here.name if here is not None else None, here
    if path is None or not path.name.startswith(_IMAGE_PREDICTIONS):
        return None
    names = [parts[-1] for parts in split]
    folders = {label[: len(label) - len(name)].rstrip("\\/") for label, name in zip(labels, names, strict=True)}
    if len(folders) != 1 or len(set(names)) != len(names) or not (folder := folders.pop()):
        return None
    found = _images_folder(folder, path)
    return None if found is None else (names, *found)


def time_lapse_images(index: Any, path: Path | None = None) -> list[str] | None:
    """Return the image file name of each row of a time-lapse analysis, in row order; None for other rows.

    DeepLabCut 2 labels each row by the bare name of the image; DeepLabCut 3 (``path``, named
    ``image_predictions_<scorer>``) by its path: the images of one folder, the file's or, written with
    ``output_dir``, another given by its absolute path. Machine labels and evaluation results name
    images by other paths (``labeled-data/<video>/img.png``).

    Parameters
    ----------
    index : sequence
        The table's row labels.
    path : pathlib.Path, optional
        The predictions file; without it, only bare names are images of its folder.
    """
    lapse = _time_lapse(index, path)
    return None if lapse is None else lapse[0]


def image_order(names: list[str]) -> list[int]:
    """Return the positions of ``names`` in natural order: digit runs compared as numbers.

    Each digit run is padded with zeros to the longest run before the names are compared as text, so
    ``img2`` comes before ``img10`` and names zero-padded alike keep their sorted order (which is what
    DeepLabCut 2 writes); names equal as numbers (``img01``, ``img1``) follow in text order.
    """
    width = max((len(run) for name in names for run in re.findall(r"\d+", name)), default=0)

    def key(k: int) -> tuple[str, str]:
        return re.sub(r"\d+", lambda run: run.group().zfill(width), names[k]), names[k]

    return sorted(range(len(names)), key=key)


def in_image_order(table: Any, path: Path) -> Any:
    """Return a time-lapse ``table`` (a FrameTable) with its rows in the natural order of their image names.

    DeepLabCut 3 writes the rows in ``iterdir`` order and DeepLabCut 2 in text order (``img10`` before
    ``img2``); the frames of the folder are its images in the order they were numbered
    (:func:`image_order`). Other tables, and those already in order, are returned as they are.
    """
    images = time_lapse_images(table.index, path)
    if images is None:
        return table
    order = image_order(images)
    if order == list(range(len(images))):
        return table
    ordered = ArrayTable(table.read_frames(0, table.n_frames)[order])
    ordered.columns = table.columns
    ordered.index = [table.index[k] for k in order]
    ordered.positional_levels = getattr(table, "positional_levels", False)
    ordered.clock_columns = getattr(table, "clock_columns", None) or {}
    return ordered


def time_lapse_video(path: Path, index: Any) -> tuple[VideoInfo, dict[str, Any]] | None:
    """Return the image-sequence video of a time-lapse analysis and its notes; None for other predictions.

    Parameters
    ----------
    path : pathlib.Path
        The predictions, in the folder of the images.
    index : sequence
        The table's row labels, in the order of the images' names (:func:`in_image_order`).

    Returns
    -------
    (VideoInfo, dict) or None
        The folder as a video of ``len(index)`` frames, and the notes naming its images (read back, and
        said in the description when they are not all here).
    """
    lapse = _time_lapse(index, path)
    if lapse is None:
        return None
    images, key, folder = lapse
    found = tuple(folder / name for name in images) if folder is not None else ()
    video = VideoInfo(
        key=key or "images",
        original_path=images[0] if folder is not None else str(index[0]),
        n_frames=len(images),
        image_files=found if found and all(image.is_file() for image in found) else None,
    )
    return video, {"videos": {video.key: {"image_files": images}}}
