"""Which ``.slp`` layouts the array reader reads: the datasets and fields it knows, and the skeleton sizes.

:func:`layout_obstacle` says why a file's datasets are not the layout of :mod:`.slp_index`
(unknown datasets, recording sessions, tables without the fields read); such a file is read
from sleap-io's objects (:mod:`.slp_objects`). :func:`warn_other_annotations` says what a ``.slp``
holds beside its poses that is not converted (sleap-io's other annotations, negative frames).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

__all__ = [
    "LEGACY_USER_SHIFT",
    "layout_obstacle",
    "negative_frames",
    "other_annotations",
    "skeleton_sizes",
    "warn_other_annotations",
]

#: What SLEAP adds to the user points of a file before format 1.1 when it reads them (pixel corners then,
#: pixel centres since: slp_objects.LEGACY_SHIFT_NOTE); both reading paths subtract it, once.
LEGACY_USER_SHIFT = 0.5

# Top-level datasets/groups of a .slp that the array path accounts for (videoN: embedded images).
_KNOWN_KEYS = {
    "frames",
    "instances",
    "metadata",
    "points",
    "pred_points",
    "suggestions_json",
    "tracks_json",
    "videos_json",
    "sessions_json",
    "provenance_json",
}

# sleap-io's annotations beside the poses (groups or tables of newer .slp files), which ndx-pose has no
# place for: named so that leaving them out is said, never silent.
_ANNOTATIONS = {
    "bboxes": "bounding box(es)",
    "centroids": "centroid(s)",
    "masks": "segmentation mask(s)",
    "label_images": "label image(s)",
    "rois": "region(s) of interest",
    "events": "event(s)",
    # Instances' categories (species, classes; SLP 2.7): the catalog alone is not counted, its links are.
    "categories/links": "category label(s) of detections",
    # Appearance vectors of detections (re-identification, SLP 2.5; categories, 2.7), counted by their rows.
    "embeddings/vectors": "re-identification appearance embedding(s)",
    "embeddings/category_vectors": "category appearance embedding(s)",
}

# Fields the array path reads, by table.
_FIELDS = {
    "frames": ("video", "frame_idx", "instance_id_start", "instance_id_end"),
    "instances": ("instance_id", "instance_type", "track", "skeleton", "point_id_start", "point_id_end", "score"),
    "points": ("x", "y", "visible"),
    "pred_points": ("x", "y", "visible", "score"),
}


def table_fields(dataset: Any) -> tuple[str, ...]:
    """Return the field names of a SLEAP table: its compound dtype's, or those a flat matrix records.

    sleap-io.js (h5wasm, which writes no compound types) stores ``frames``, ``instances`` and the point tables as
    2-D matrices with the names of their columns in a JSON ``field_names`` attribute; sleap-io reads both
    (``sleap_io.io.utils.read_hdf5_dataset``).

    Parameters
    ----------
    dataset : h5py.Dataset
        The table.

    Returns
    -------
    tuple of str
        Its fields; empty when it has neither.
    """
    names = dataset.dtype.names
    if names:
        return tuple(names)
    raw = dataset.attrs.get("field_names") if dataset.ndim == 2 else None
    if raw is None:
        return ()
    try:
        names = json.loads(raw.decode() if isinstance(raw, bytes) else str(raw))
    except ValueError:
        return ()
    return tuple(str(name) for name in names) if isinstance(names, list) else ()


def table_columns(dataset: Any, names: list[str]) -> dict[str, Any]:
    """Read the columns ``names`` of a SLEAP table, compound or flat (see :func:`table_fields`).

    Raises
    ------
    KeyError
        When the table has no such column.
    """
    if dataset.dtype.names:
        values = dataset.fields(names)[:]
        return {name: values[name] for name in names}
    fields = table_fields(dataset)
    missing = [name for name in names if name not in fields]
    if missing:
        raise KeyError(f"no column(s) {missing} in {dataset.name}")
    matrix = dataset[:]
    return {name: matrix[:, fields.index(name)] for name in names}


def layout_obstacle(handle: Any) -> str | None:
    """Why the file's datasets are not the layout the array path reads, or None when they are."""
    import h5py

    unknown = sorted(key for key in handle if key not in _KNOWN_KEYS and not re.fullmatch(r"video\d+", key))
    if unknown:
        return f"datasets the array path does not know: {unknown}"
    if "sessions_json" in handle and len(handle["sessions_json"]):
        return "recording sessions (camera and instance groups are sleap-io objects)"
    for table, needed in _FIELDS.items():
        dataset = handle.get(table)
        fields = (dataset.dtype.names or ()) if isinstance(dataset, h5py.Dataset) else ()
        if not set(needed) <= set(fields):
            return f"no '{table}' table with the fields {list(needed)}"
    return None


def skeleton_sizes(handle: Any) -> list[int] | None:
    """Return the number of nodes of each skeleton, from the metadata JSON, in file order."""
    raw = handle["metadata"].attrs.get("json")
    if raw is None:
        return None
    metadata = json.loads(raw.decode() if isinstance(raw, bytes) else raw)
    skeletons = metadata.get("skeletons")
    if not isinstance(skeletons, list):
        return None
    return [len(skeleton.get("nodes", [])) for skeleton in skeletons]


def other_annotations(handle: Any) -> dict[str, int]:
    """Return how many of each of sleap-io's non-pose annotations the file holds (only those it has).

    Parameters
    ----------
    handle : h5py.File
        The open ``.slp``.

    Returns
    -------
    dict
        What they are (``"bounding box(es)"``, ``"event(s)"``, ...) -> how many.
    """
    import h5py

    counts: dict[str, int] = {}
    for key, what in _ANNOTATIONS.items():
        item = handle.get(key)
        if isinstance(item, h5py.Group):
            # A group of columns, one row per annotation: any column's length.
            item = next((column for column in item.values() if isinstance(column, h5py.Dataset) and column.shape), None)
        if isinstance(item, h5py.Dataset) and item.shape and item.shape[0]:
            counts[what] = int(item.shape[0])
    return counts


def warn_other_annotations(path: Path, header: dict[str, Any], *, training: bool = False) -> None:
    """Warn that the ``.slp``'s bounding boxes, centroids, masks, ROIs, events or negative frames are not converted.

    Newer ``.slp`` files (sleap-io) may hold them beside the poses; ndx-pose has no place for them.
    Frames a user marked as holding no animal (negative frames) have none in a pose series: the
    training data keeps them, so ``training=True`` (the labels read as training data) leaves them unsaid.
    """
    import warnings

    from ...errors import PoseconvWarning

    counts = header.get("other_annotations") or {}
    if counts:
        items = [f"{count} {what}" for what, count in counts.items()]
        listed = ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else items[0]
        warnings.warn(
            f"{path}: also holds {listed}, which ndx-pose has no place for: they are not in the NWB file "
            "(the poses are). sleap-io reads them from the .slp (sleap_io.load_slp).",
            PoseconvWarning,
            stacklevel=3,
        )
    negatives = header.get("negative_frames") or 0
    if negatives and not training:
        frames = "1 frame" if negatives == 1 else f"{negatives} frames"
        warnings.warn(
            f"{path}: also holds {frames} a user marked as holding no animal (negative frames), which a pose "
            "series has no place for: they are not in the pose estimation (the poses are). The training data "
            "keeps them, when the labels are converted with the poses (--training; include_training_data=True "
            "in Python).",
            PoseconvWarning,
            stacklevel=3,
        )


def negative_frames(handle: Any) -> int:
    """Return how many frames the ``.slp`` marks as holding no animal (sleap-io's ``negative_frames`` table)."""
    import h5py

    table = handle.get("negative_frames")
    return int(table.shape[0]) if isinstance(table, h5py.Dataset) and table.shape else 0
