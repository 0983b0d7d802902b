"""Names poseconv gives the NWB objects it adds beside ndx-pose's, shared by the writers and the readers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = [
    "track_order_table_names",
    "new_table",
    "CAMERA_ORDER_COLUMNS",
    "CAMERA_SIZE_PATTERN",
    "CAMERA_SIZE_SENTENCE",
    "CAMERA_UNIT_PATTERN",
    "CAMERA_UNIT_SENTENCE",
    "EXTRA_COORDS_SUFFIX",
    "HEADER_COLUMN",
    "HEADER_DESCRIPTION",
    "IDENTITY_NAMES_PREFIX",
    "INDIVIDUALS_TABLE_COLUMNS",
    "INDIVIDUALS_TABLE_SUFFIX",
    "IDENTITY_COLUMNS",
    "INSTANCE_ORDER_COLUMN",
    "INSTANCE_ORDER_DESCRIPTION",
    "INSTANCE_SERIES",
    "REPLACED_PREDICTIONS_SUFFIX",
    "SKELETON_NAMES_COLUMNS",
    "SKELETON_NAMES_TABLE",
    "SKELETON_SYMMETRIES_COLUMNS",
    "SKELETON_SYMMETRIES_TABLE",
    "TRACK_ORDER_COLUMNS",
    "TRACK_ORDER_TABLE",
    "SOURCES_TABLE_COLUMNS",
    "SOURCES_TABLE_SUFFIX",
    "VISIBILITY_FLAGS_COLUMN",
    "VISIBILITY_FLAGS_DESCRIPTION",
    "SOURCE_FIELDS",
    "camera_order_name",
    "extra_coords_name",
    "instance_group_score_name",
    "default_instance_order",
    "given_fields",
    "individuals_table_name",
    "instance_series_name",
    "natural_key",
    "replaced_predictions_description",
    "replaced_predictions_name",
    "sources_table_name",
]

EXTRA_COORDS_SUFFIX = "ExtraCoords"
SOURCES_TABLE_SUFFIX = "Sources"


def extra_coords_name(pose_estimation_name: str) -> str:
    """Return the name of the ``BehavioralTimeSeries`` holding the extra coords of a ``PoseEstimation``."""
    return f"{pose_estimation_name}{EXTRA_COORDS_SUFFIX}"


def view_extra_coords_owner(container_name: str, view_name: str) -> str:
    """Return the name the extra coords and instance series of a view of a ``MultiCameraPoseEstimation`` go under.

    A view's ``PoseEstimation`` name is unique only within its container, so the container's name prefixes it;
    :func:`extra_coords_name` and :func:`instance_series_name` of the result name what is written beside it.
    """
    return f"{container_name}_{view_name}"


# The per-frame values of a track ndx-pose has no field for (SLEAP's), each a TimeSeries beside the
# PoseEstimation named "<PoseEstimation name>_<suffix>": PoseTrack attribute -> suffix.
INSTANCE_SERIES = {
    "instance_scores": "instance_score",
    "tracking_scores": "tracking_score",
    "user_labeled": "user_labeled",
    "identities": "identity",
    "identity_scores": "identity_score",
}
#: The ``comments`` of a ``<PoseEstimation name>_identity`` series end with this and the identity names, as a JSON
#: list: value ``i`` of the series is the identity of index ``i`` in it (-1: none).
IDENTITY_NAMES_PREFIX = "Identity names by index (JSON): "


def instance_series_name(pose_estimation_name: str, attribute: str) -> str:
    """Return the name of the ``TimeSeries`` holding a per-frame value (a :data:`INSTANCE_SERIES` key) of a track."""
    return f"{pose_estimation_name}_{INSTANCE_SERIES[attribute]}"


#: The columns of a container's camera-order table (:func:`camera_order_name`) and their descriptions.
CAMERA_ORDER_COLUMNS = {
    "pose_estimation": "Name of the camera view (PoseEstimation) in the MultiCameraPoseEstimation.",
    "camera": "Name of the view's camera (its device).",
}


def camera_order_name(container_name: str) -> str:
    """Return the name of the table of a ``MultiCameraPoseEstimation``'s camera order, beside the container."""
    return f"{container_name}_camera_order"


def instance_group_score_name(container_name: str) -> str:
    """Return the name of the ``TimeSeries`` of a SLEAP session's ``InstanceGroup.score`` beside its container."""
    return f"{container_name}_instance_group_score"


# SLEAP predictions a user instance replaced in the same frame: a PoseEstimation beside the one holding
# the user instances, named "<that container's name>_replaced_predictions" (how a reader finds the pair).
REPLACED_PREDICTIONS_SUFFIX = "_replaced_predictions"


def replaced_predictions_name(pose_estimation_name: str) -> str:
    """Return the name of the ``PoseEstimation`` of the predictions replaced in ``pose_estimation_name``'s frames."""
    return f"{pose_estimation_name}{REPLACED_PREDICTIONS_SUFFIX}"


def replaced_predictions_description(track: str, pose_estimation_name: str) -> str:
    """Return the description of the ``PoseEstimation`` of the predictions a user instance replaced."""
    return (
        f"SLEAP predictions of '{track}' that a user instance replaced in the same frame: the frames where a user "
        f"instance of '{track}' (in '{pose_estimation_name}') is the track's pose. In SLEAP a user instance corrected "
        "from a prediction is saved beside it in the frame (the user instance's from_predicted); poseconv pairs a "
        "user instance with the prediction of its own track, which is the one it was corrected from unless the user "
        "gave the correction another track (an identity swap fixed in SLEAP, which the conversion warned of). These "
        "are those predictions, with their point, instance and tracking scores. NaN in every other frame."
    )


# HDF5 lists groups by name ("track 10" before "track 2"): the table of this name in the processing
# module lists the PoseEstimation containers in the order of the tracks in their source file.
TRACK_ORDER_TABLE = "TrackOrder"  # one of metadata.names.MODULE_OBJECT_NAMES
TRACK_ORDER_COLUMNS = {
    "pose_estimation": "Name of the PoseEstimation container in this processing module.",
    "track": (
        "The individual/track it holds, as the pose file names it (one track may be several containers, one "
        "per skeleton); empty for instances the file gives no track."
    ),
    "input": (
        "Which pose file the container was written from, numbered from 0 in the order the files were written to "
        "this processing module: the containers of one number are one file's tracks."
    ),
}


# NWB names cannot hold "/" (poseconv also replaces ":" and "\\"), and a name another object took gets a suffix
# ("sk_1_2"). Where the NWB name of a skeleton or an individual is not the pose file's, the file's is kept here.
SKELETON_NAMES_TABLE = "SkeletonNames"  # one of metadata.names.MODULE_OBJECT_NAMES
SKELETON_NAMES_COLUMNS = {
    "skeleton": "Name of the Skeleton in this processing module's Skeletons.",
    "source_name": "The skeleton's name as the pose or label file names it, where its NWB name differs.",
}
# ndx-pose's Skeleton holds nodes and edges only: the pairs of mirror-image nodes of a skeleton (SLEAP's
# symmetries) are kept in the table of this name in the processing module (poseconv.nwb.write.symmetries).
SKELETON_SYMMETRIES_TABLE = "SkeletonSymmetries"  # one of metadata.names.MODULE_OBJECT_NAMES
SKELETON_SYMMETRIES_COLUMNS = {
    "skeleton": "Name of the Skeleton in this processing module's Skeletons.",
    "node_a": "One node of the pair, as the skeleton names it.",
    "node_b": "The node that is its mirror image.",
}
INDIVIDUALS_TABLE_SUFFIX = "Individuals"
INDIVIDUALS_TABLE_COLUMNS = {
    "individual": (
        "The individual (track) as the label file names it; row i is the individual of the SkeletonInstances "
        "whose id is i, whatever their names (NWB names cannot hold '/', and repeats get a suffix)."
    ),
}


def individuals_table_name(pose_training_name: str) -> str:
    """Return the name of the table of the individuals' names, beside a ``PoseTraining`` that needs one."""
    return f"{pose_training_name}{INDIVIDUALS_TABLE_SUFFIX}"


def sources_table_name(pose_training_name: str) -> str:
    """Return the name of the table of where each training frame came from, beside its ``PoseTraining``."""
    return f"{pose_training_name}{SOURCES_TABLE_SUFFIX}"


# ndx-pose has no field for a camera's length unit or calibration image size: both are written into
# the camera's description in these sentences, and read back from it.
CAMERA_UNIT_SENTENCE = "Length unit of the translation vector: '{unit}'."
CAMERA_SIZE_SENTENCE = "Calibration image size: {width} x {height} pixels."
CAMERA_UNIT_PATTERN = re.compile(r"Length unit of the translation vector: '(?P<unit>[^']+)'\.")
CAMERA_SIZE_PATTERN = re.compile(r"Calibration image size: (?P<width>\d+) x (?P<height>\d+) pixels\.")
# The container fields copied from a metadata entry when given.
SOURCE_FIELDS = ("description", "source_software", "source_software_version", "scorer")


def given_fields(entry: Mapping[str, Any], **objects: Any) -> dict[str, Any]:
    """Return ``objects`` without the None ones, plus the :data:`SOURCE_FIELDS` ``entry`` gives."""
    kwargs = {name: value for name, value in objects.items() if value is not None}
    kwargs.update({field: entry[field] for field in SOURCE_FIELDS if entry.get(field)})
    return kwargs


# The columns of the sources table beside a PoseTraining, with their descriptions.
SOURCES_TABLE_COLUMNS = {
    "training_frame": "Name of the TrainingFrame in the PoseTraining container.",
    "video": "Key of the video the frame was taken from (the name of its folder or file, without extension).",
    "frame_index": "Index (0-based) of the frame in that video; -1 when the labeling tool does not record it.",
    "image": "The image file the labeler saw, exactly as the labeling tool recorded it; empty for video frames.",
    "label_file": "The file the labels were read from.",
    "source_software": "The labeling tool.",
    "original_video": "The video path the labeling tool recorded (on the labeling machine); empty when none.",
    "row_labels": (
        "DeepLabCut only: how the label file labels its rows, 'column' (one column of image paths) or "
        "'multiindex' (three index columns: labeled-data, video, image)."
    ),
    "value_dtype": "DeepLabCut only: the dtype of the label file's value columns (float64, float32, int64).",
}
#: The column of the sources table holding a CSV label file's header when it is not DeepLabCut's (when any is not).
HEADER_COLUMN = "header"
HEADER_DESCRIPTION = (
    "CSV labels only: the first cell of each header row, comma-separated, where the label file's header is not "
    "DeepLabCut's scorer/bodyparts/coords: 'bodyparts,coords' without a scorer row (Lightning Pose's "
    "header_rows [0, 1]), empty cells for levels without names (',,'). Empty for DeepLabCut's header."
)
#: The ragged column of the sources table holding label files' own visibility flags, when any has them.
VISIBILITY_FLAGS_COLUMN = "visibility_flags"
VISIBILITY_FLAGS_DESCRIPTION = (
    "Lightning Pose only: the label file's visible flag of each node of the frame's instances, instance by "
    "instance (0 not labeled, 1 occluded, 2 visible, as COCO; -1 for an empty cell); node_visibility is "
    "flag == 2. Empty for frames whose file has no visible column."
)
#: The ragged columns of the sources table holding the SLEAP identity of each instance of a frame (in the label
#: file's order), which ndx-pose's SkeletonInstance has no field for; written by
#: poseconv.nwb.write.training, read back by poseconv.nwb.read.training.
IDENTITY_COLUMNS = {
    "identity": (
        "SLEAP only: the name of the Identity (sleap-io re-identification: the known animal, which may differ from "
        "the track) of each of the frame's instances, in the label file's order; empty where an instance has none."
    ),
    "identity_score": (
        "SLEAP only: the score of each of the frame's instances' identity assignment, in the label file's order; "
        "NaN where there is none (an identity a user assigned)."
    ),
}

#: The ragged column of the sources table naming each frame's instances in the label file's order, when any
#: frame lists them otherwise than :func:`default_instance_order` (SLEAP keeps a frame's instances as labeled).
INSTANCE_ORDER_COLUMN = "instance_order"
INSTANCE_ORDER_DESCRIPTION = (
    "The names of the frame's SkeletonInstances in the order the label file lists them, where that is not by id "
    "then name. Empty for frames in that order."
)


def natural_key(name: str) -> tuple[Any, ...]:
    """Return the sort key of ``name`` in natural order: ``track 2`` before ``track 10`` (digit runs as numbers)."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", name) if part)


def default_instance_order(instances: Sequence[tuple[str, int | None]]) -> list[str]:
    """Return the names of a frame's ``(name, id)`` instances in the order readers give without an order column.

    By ``id`` (the individual's index), then by name in natural order (``instance_2`` before ``instance_10``);
    instances without an id last.
    """
    ordered = sorted(instances, key=lambda i: (i[1] is None, -1 if i[1] is None else i[1], natural_key(i[0])))
    return [name for name, _id in ordered]


def new_table(name: str, description: str, columns: Mapping[str, str]) -> Any:
    """Return an empty ``DynamicTable`` of text columns (``columns``: name -> description), for rows to be added.

    The tables poseconv writes beside the poses (track order, camera order, symmetries, skeleton names) are made
    so; a table read from a file being appended to has fixed-size datasets and is not added to.
    """
    from hdmf.common import DynamicTable

    table = DynamicTable(name=name, description=description)
    for column, said in columns.items():
        table.add_column(name=column, description=said)
    return table


def track_order_table_names(names: Iterable[str]) -> list[str]:
    """Return the track-order tables' names among ``names``: ``TrackOrder``, then those appends added (``_2``, ...)."""
    return sorted((name for name in names if re.fullmatch(rf"{TRACK_ORDER_TABLE}(_\d+)?", name)), key=natural_key)
