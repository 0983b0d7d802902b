"""What a DeepLabCut ``_full.pickle`` or model-zoo ``.json`` holds beside the poses, which no pose series can hold.

DeepLabCut's multi-animal video analysis writes every prediction of every frame to the ``_full.pickle``
before assembly and tracking (DeepLabCut 3's ``pose_estimation_pytorch/apis/videos.py``
``_generate_output_data``; DeepLabCut 2's ``predict_multianimal``)::

    {"metadata": {..., "nframes": n},
     "frame0000": {"coordinates": ([one (k, 2) array per bodypart],), "confidence": [...], "costs": ...,
                   "bboxes": (m, 4), "bbox_scores": (m,),          # top-down models' detector
                   "identity": [one (k, n_individuals) array per bodypart]},  # identity head
     ...}

The poses are those of the ``.h5`` / ``.csv``. Two things are not: the boxes a top-down model's detector
found (x0, y0, width, height and a score; DeepLabCut pads them to the number of animals with -1) and the
identity head's score of each keypoint prediction for each animal (-1 rows for the unique bodyparts).
ndx-pose has no place for either: README's rule is that what a pose series cannot hold is said rather than
dropped quietly, so they are counted, warned about and named in the containers' descriptions.

The model zoo's video inference (DeepLabCut 3's ``pose_estimation_pytorch/modelzoo/inference.py``) writes no
``_full.pickle``: it dumps its predictions, one mapping per frame, to ``<video>_<scorer><suffix>.json`` beside the
``.h5`` (``<suffix>``: ``_before_adapt``, as ``video_inference_superanimal`` names it, ``_after_adapt`` after video
adaptation, or none)::

    [{"bodyparts": [[[x, y, score], ...], ...], "bboxes": [[x0, y0, w, h], ...], "bbox_scores": [...]}, ...]

Its detector boxes are said as the ``_full.pickle``'s are.

DeepLabCut 3's ``analyze_videos(use_shelve=True)`` writes a ``shelve`` database under the ``_full.pickle``'s name
(gdbm: a file of that name; ``dbm.dumb``: ``_full.pickle.dat``/``.dir``/``.bak``; ndbm: ``_full.pickle.db``). Its
values are pickles ``shelve`` would load unchecked, so it is never opened: only its header tells it is one, and a
top-down model's boxes are then said from its scorer, as for a pickle too big to read. A side file of another
layout, damaged, or one the safe loader refuses is not the conversion's business: nothing is said of it.
"""

from __future__ import annotations

import dbm
import json
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import InvalidSourceFileError, PoseconvWarning
from ..safety.input_checks import UNREADABLE_FILE_ERRORS
from ..safety.safe_pickle import load_metadata_pickle
from .model_info import names_detector
from .table import find_side_file

__all__ = ["FullPickleContent", "count_full_pickle", "find_full_pickle", "find_model_zoo_json", "full_pickle_note"]

#: DeepLabCut's pad value for the boxes and identity scores of predictions a frame does not have.
_PAD = -1.0
#: Largest ``_full.pickle`` (or model-zoo ``.json``) read to count what it holds. DeepLabCut writes one beside
#: every multi-animal analysis, with every raw prediction of every frame: hundreds of MB for an hour of video,
#: about a second per 13 MB to load and its size again in memory (the safe loader copies it), for a warning. A
#: larger one is not read; a top-down model's boxes are then said from its scorer (``..._detector_<n>_snapshot_<m>``,
#: ``superanimal_<dataset>_<pose model>_<detector>``).
READ_LIMIT = 16 * 2**20
#: Files a ``shelve`` database made under the ``_full.pickle``'s name is kept in when not that name itself:
#: ``dbm.dumb``'s data file and ndbm's (Berkeley DB's).
_SHELVE_FILES = (".dat", ".db")
# SQLite's header: Python 3.13's dbm (and so shelve) makes SQLite databases first, which 3.11's whichdb does not know.
_SQLITE_HEADER = b"SQLite format 3\x00"


@dataclass(frozen=True)
class FullPickleContent:
    """What a ``_full.pickle`` holds that the predictions table does not, counted.

    Attributes
    ----------
    boxes : int
        Detector bounding boxes (padding left out).
    box_frames : int
        Frames with at least one box.
    identity_scores : int
        Keypoint predictions with identity scores (padding and unique bodyparts left out).
    identity_frames : int
        Frames with at least one of them.
    individuals : int
        Animals each prediction is scored for (0 when none).
    """

    boxes: int = 0
    box_frames: int = 0
    identity_scores: int = 0
    identity_frames: int = 0
    individuals: int = 0


def find_full_pickle(file_path: str | Path, scorer: str) -> Path | None:
    """Find the ``_full.pickle`` of a predictions file, named as :func:`.predictions.find_metadata_file` names.

    Parameters
    ----------
    file_path : str or pathlib.Path
        The predictions file (``<video><scorer>.h5``, ``..._el.h5``, ``..._el_filtered.csv``, ...).
    scorer : str
        Its scorer, which ends the common prefix of DeepLabCut's file names.

    Returns
    -------
    pathlib.Path or None
        The file, when one exists; for a ``shelve`` database of ``dbm.dumb`` or ndbm, its data file
        (``_full.pickle.dat``, ``_full.pickle.db``).
    """
    return find_side_file(file_path, scorer, ("_full.pickle", *(f"_full.pickle{e}" for e in _SHELVE_FILES)))


def _is_shelve(side: Path) -> bool:
    """Return True when ``side`` is (the data file of) a ``shelve`` database, read from its header alone."""
    if side.suffix in _SHELVE_FILES:
        return True
    try:
        with side.open("rb") as stream:
            header = stream.read(len(_SQLITE_HEADER))
    except OSError:
        return False
    # whichdb reads the magic number of gdbm's and the names of dbm.dumb's and ndbm's files, never a value.
    return header == _SQLITE_HEADER or bool(dbm.whichdb(str(side)))


def _shown_name(side: Path) -> str:
    """Return the name DeepLabCut gave a side file: a ``shelve`` database's, not its data file's."""
    return side.stem if side.suffix in _SHELVE_FILES else side.name


def find_model_zoo_json(file_path: str | Path, scorer: str) -> Path | None:
    """Find the ``.json`` the model zoo's video inference wrote beside a predictions file (see the module's notes).

    Parameters
    ----------
    file_path : str or pathlib.Path
        The predictions file (``<video>_<scorer>.h5``).
    scorer : str
        Its scorer.

    Returns
    -------
    pathlib.Path or None
        The file, when one exists.
    """
    return find_side_file(file_path, scorer, (".json", "_before_adapt.json", "_after_adapt.json"))


def _rows(value: Any, width: int | None) -> tuple[int, int]:
    """Return the rows of ``value`` that are not DeepLabCut's padding, and its width; (0, 0) for another layout."""
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return 0, 0
    if array.ndim != 2 or (width is not None and array.shape[1] != width) or array.shape[1] == 0:
        return 0, 0
    return int(np.count_nonzero(~np.all(array == _PAD, axis=1))), int(array.shape[1])


def _identity_rows(value: Any) -> tuple[int, int]:
    """Return the identity-scored predictions of one frame (its per-bodypart arrays) and the animals scored."""
    if not isinstance(value, (list, tuple)):
        return 0, 0
    total, individuals = 0, 0
    for per_bodypart in value:
        rows, width = _rows(per_bodypart, None)
        total += rows
        individuals = max(individuals, width if rows else 0)
    return total, individuals


def _frames(content: Any) -> list[dict]:
    """Return the per-frame mappings of a ``_full.pickle`` (``frame<n>`` keys) or a model-zoo ``.json`` (a list)."""
    if isinstance(content, dict):
        return [
            frame
            for key, frame in content.items()
            if isinstance(key, str) and key.startswith("frame") and isinstance(frame, dict)
        ]
    if isinstance(content, list):
        return [frame for frame in content if isinstance(frame, dict)]
    return []


def count_full_pickle(content: Any) -> FullPickleContent:
    """Count the boxes and identity scores of a loaded ``_full.pickle`` or model-zoo ``.json``; zeros for others.

    Parameters
    ----------
    content : object
        The file's content as loaded.

    Returns
    -------
    FullPickleContent
        The counts (all zero for DeepLabCut 2's files without identity, or a layout not DeepLabCut's).
    """
    boxes = box_frames = scores = score_frames = individuals = 0
    for frame in _frames(content):
        frame_boxes = _rows(frame["bboxes"], 4)[0] if "bboxes" in frame else 0
        boxes += frame_boxes
        box_frames += frame_boxes > 0
        frame_scores, scored = _identity_rows(frame.get("identity"))
        scores += frame_scores
        score_frames += frame_scores > 0
        individuals = max(individuals, scored)
    return FullPickleContent(boxes, box_frames, scores, score_frames, individuals)


def _items(counts: FullPickleContent) -> list[str]:
    """Say what ``counts`` counts, one phrase per kind."""
    items = []
    if counts.boxes:
        items.append(
            f"{counts.boxes} detector bounding boxes (x0, y0, width, height and a score each, in "
            f"{counts.box_frames} frames)"
        )
    if counts.identity_scores:
        items.append(
            f"the identity head's scores of {counts.identity_scores} keypoint predictions (one for each of "
            f"{counts.individuals} animals, in {counts.identity_frames} frames)"
        )
    return items


_UNCOUNTED_BOXES = "the detector bounding boxes of this top-down model (x0, y0, width, height and a score each)"


def _kept_aside(side: Path, scorer: str) -> list[str]:
    """Say what the side file ``side`` holds that no pose series can, one phrase per kind; [] when nothing or unread.

    The pickle is read with the safe loader of DeepLabCut's metadata pickles (never ``pickle.load``); a ``shelve``
    database (``use_shelve``) is not opened, and a top-down model's boxes are said from its scorer.
    """
    try:
        if (side.suffix != ".json" and _is_shelve(side)) or side.stat().st_size > READ_LIMIT:
            return [_UNCOUNTED_BOXES] if names_detector(scorer) else []
        if side.suffix == ".json":
            content = json.loads(side.read_text(encoding="utf-8"))
        else:
            content = load_metadata_pickle(side)
    except (InvalidSourceFileError, ValueError, RecursionError, *UNREADABLE_FILE_ERRORS):
        # A side file the predictions do not need: damaged, a shelve database or refused, it is not converted.
        return []
    return _items(count_full_pickle(content))


def full_pickle_note(file_path: Path, scorer: str, *, stacklevel: int = 2) -> str | None:
    """Warn of what the predictions' ``_full.pickle`` and model-zoo ``.json`` hold; return the descriptions' sentence.

    Parameters
    ----------
    file_path : pathlib.Path
        The predictions file.
    scorer : str
        Its scorer.
    stacklevel : int, default: 2
        ``warnings.warn``'s, counted from the caller.

    Returns
    -------
    str or None
        The sentence for the containers' descriptions; None when there is no such file, it cannot be read,
        or it holds neither boxes nor identity scores.
    """
    notes = []
    for side in (find_full_pickle(file_path, scorer), find_model_zoo_json(file_path, scorer)):
        items = _kept_aside(side, scorer) if side is not None else []
        if not items:
            continue
        listed, name = " and ".join(items), _shown_name(side)
        warnings.warn(
            f"{listed[0].upper()}{listed[1:]} in {name} are not written: ndx-pose has no place for them "
            "(the poses are written; DeepLabCut keeps them in that file).",
            PoseconvWarning,
            stacklevel=stacklevel + 1,
        )
        notes.append(f"DeepLabCut's {name} also holds {listed}, which are not in this NWB file.")
    return " ".join(notes) or None
