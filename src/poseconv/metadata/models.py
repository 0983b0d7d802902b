"""Pydantic models of the pose metadata: the single source of its JSON Schema.

The layout follows neuroconv's dict-based metadata, so poseconv metadata
merges with that of any neuroconv interface in an ``NWBConverter``::

    metadata["Pose"]["Skeletons"][key]          -> SkeletonMetadata
    metadata["Pose"]["PoseEstimations"][key]    -> PoseEstimationMetadata
    metadata["Pose"]["PoseTraining"]            -> PoseTrainingMetadata
    metadata["Devices"][key]                    -> DeviceMetadata
    metadata["Behavior"]["ExternalVideos"][key] -> ExternalVideoMetadata
    metadata["Pose"]["CalibratedCameras"][key]  -> CalibratedCameraMetadata
    metadata["Pose"]["MultiCameraPoseEstimations"][key] -> MultiCameraPoseEstimationMetadata

Entries are addressed by keys (handles, not names in the file); entries point
at each other with ``*_metadata_key`` fields.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, FiniteFloat, WithJsonSchema

from .fields import mapping, optional
from .names import DEPRECATED_POSE_ESTIMATION_FIELDS

__all__ = [
    "BehaviorMetadata",
    "CalibratedCameraMetadata",
    "CameraViewMetadata",
    "MultiCameraPoseEstimationMetadata",
    "DeviceMetadata",
    "ExternalVideoMetadata",
    "PoseBlockMetadata",
    "PoseEstimationMetadata",
    "PoseEstimationSeriesMetadata",
    "PoseTrainingMetadata",
    "SkeletonMetadata",
]

# pynwb's rule for names (no '/' or ':'), and neither '.' nor '..': HDF5 and Zarr take them for the group itself
# and its parent. Without look-ahead, which the regular expressions of pydantic's validators do not have.
_NAME_PATTERN = r"^[^/:.][^/:]*$|^\.[^/:.][^/:]*$|^\.\.[^/:]+$"
NwbName = Annotated[str, Field(min_length=1, pattern=_NAME_PATTERN)]
# The name of an entry the interfaces' defaults name: the model checks it as composed with them, the schema takes
# it empty (or blank) too, as a form's cleared name is taken as not given (empty_fields.drop_empty_text): the default's.
# The name's rule comes first in the pattern: schema_messages reads the characters it refuses from there.
DefaultedName = Annotated[NwbName, WithJsonSchema({"type": "string", "pattern": rf"{_NAME_PATTERN}|^\s*$"})]
NodeIndex = Annotated[int, Field(ge=0)]
Edge = Annotated[
    list[NodeIndex],
    Field(min_length=2, max_length=2, title="Edge", description="Indices of the two nodes an edge joins."),
]


def _published(*filled: str, **extra: Any) -> Callable[[dict[str, Any]], None]:
    """Return a ``json_schema_extra`` that leaves ``filled`` out of an entry's ``required`` and adds ``extra``.

    The fields the interfaces' defaults fill (an entry's name, a skeleton's nodes) are required of an entry
    once composed with them, which the models check; the published schema checks the user's metadata, where
    ``{}`` keeps an entry's defaults (docs/metadata.md), so it must not require them.
    """

    def edit(schema: dict[str, Any]) -> None:
        required = [field for field in schema.get("required", ()) if field not in filled]
        if required:
            schema["required"] = required
        else:
            schema.pop("required", None)
        schema.update(extra)

    return edit


def _entry_config(*filled: str, **extra: Any) -> ConfigDict:
    """Return the configuration of a metadata entry whose ``filled`` fields come from the defaults."""
    return ConfigDict(extra="forbid", json_schema_extra=_published(*filled, **extra))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PoseEstimationSeriesMetadata(_Model):
    """One body part's series."""

    model_config = _entry_config("name")

    name: DefaultedName = Field(title="Series name", description="Name of the PoseEstimationSeries in the file.")
    description: str | None = optional("Description", "What this body part series holds.")
    unit: str | None = optional(
        "Unit", "Unit of the coordinates: 'pixels' for image coordinates, a length unit for 3D."
    )
    reference_frame: str | None = optional("Reference frame", "Where (0, 0) is and which way the axes point.")
    confidence_definition: str | None = optional(
        "Confidence definition", "How the confidence values were computed and what they mean."
    )


# Fields that mean the same in several entries: one title and description each.
SerialNumber = Annotated[str | None, Field(title="Serial number", description="Serial number.")]
CameraKey = Annotated[
    str | None, Field(title="Camera key", description="Key of the camera in Devices that recorded the video.")
]
SourceVideoKey = Annotated[
    str | None,
    Field(
        title="Source video key", description="Key of the video in Behavior.ExternalVideos the poses were estimated on."
    ),
]
ToolVersion = Annotated[
    str | None, Field(title="Source software version", description="Version of the pose estimation tool.")
]
SeriesByBodyPart = Annotated[
    dict[str, PoseEstimationSeriesMetadata],
    mapping("Series", "One entry per body part, keyed by the body part name in the pose file."),
]


class SkeletonMetadata(_Model):
    """Nodes and edges of a skeleton."""

    model_config = _entry_config("name", "nodes")

    name: DefaultedName = Field(title="Skeleton name", description="Name of the Skeleton in the file.")
    nodes: list[str] = Field(
        min_length=1,
        title="Nodes",
        description="Body part names, in the order edges index them; must match the pose file.",
    )
    edges: list[Edge] = Field(
        default_factory=list,
        title="Edges",
        description="Pairs of node indices (0-based) that are connected.",
    )
    subject: str | None = optional(
        "Subject", "subject_id of the animal this skeleton belongs to; linked when it is the file's Subject."
    )


class PoseEstimationMetadata(_Model):
    """One PoseEstimation container: one animal seen by one camera."""

    # neuroconv's own pose interfaces' entries of this block give ndx-pose's deprecated fields: the
    # schema lets them by (any value, no form field) so that those entries validate beside poseconv's.
    model_config = _entry_config("name", patternProperties={f"^({'|'.join(DEPRECATED_POSE_ESTIMATION_FIELDS)})$": {}})

    name: DefaultedName = Field(title="Container name", description="Name of the PoseEstimation in the file.")
    description: str | None = optional("Description", "How the poses were estimated and what they show.")
    source_software: str | None = optional("Source software", "Pose estimation tool, e.g. DeepLabCut or SLEAP.")
    source_software_version: ToolVersion = None
    scorer: str | None = optional("Scorer", "Name of the model / scorer.")
    skeleton_metadata_key: str | None = optional(
        "Skeleton key", "Key of the skeleton in Pose.Skeletons that these body parts follow."
    )
    device_metadata_key: CameraKey = None
    source_video_metadata_key: SourceVideoKey = None
    labeled_video_metadata_key: str | None = optional(
        "Labeled video key",
        "Key of a video in Behavior.ExternalVideos with the poses drawn on it, linked as labeled_video; "
        "another interface of the conversion (neuroconv's ExternalVideoInterface) adds its ImageSeries.",
    )
    PoseEstimationSeries: SeriesByBodyPart


class DeviceMetadata(_Model):
    """A camera (or other device)."""

    name: NwbName = Field(title="Device name", description="Name of the Device in the file.")
    description: str | None = optional("Description", "What the device is.")
    serial_number: SerialNumber = None
    device_model_metadata_key: str | None = optional("Device model key", "Key of the model in DeviceModels.")


class ExternalVideoMetadata(_Model):
    """A behavior video kept outside the NWB file."""

    # Its name stays required: a video the user adds (a labeled video, named by key) has no default name.
    name: NwbName = Field(title="Video name", description="Name of the external ImageSeries in acquisition.")
    description: str | None = optional("Description", "What the video shows.")
    unit: str | None = optional("Unit", "Unit of the ImageSeries ('Frames').")
    device_metadata_key: CameraKey = None


LengthUnit = Literal["meters", "centimeters", "millimeters", "micrometers", "n.a."]
MatrixRow = Annotated[
    list[FiniteFloat],
    Field(min_length=3, max_length=3, title="Row", description="One row of a 3 x 3 matrix."),
]
Matrix3x3 = Annotated[list[MatrixRow], Field(min_length=3, max_length=3)]


class CalibratedCameraMetadata(_Model):
    """A camera of a multi-camera rig with its calibration (ndx-pose CalibratedCamera).

    Extrinsics follow OpenCV: a world point X (in the frame of the 3D poses) is
    ``rotation_matrix @ X + translation_vector`` in the camera's frame.
    """

    model_config = _entry_config("name")

    name: DefaultedName = Field(title="Camera name", description="Name of the camera Device in the file.")
    description: str | None = optional(
        "Description",
        "What the camera is and where its calibration came from. With an intrinsic matrix, the unit and "
        "image size are written as sentences at its end (ndx-pose has no field for them), after a period.",
    )
    serial_number: SerialNumber = None
    intrinsic_matrix: Matrix3x3 | None = optional(
        "Intrinsic matrix",
        "3 x 3 camera matrix K (focal lengths, principal point) in pixels; without it the camera is "
        "written as a plain Device.",
    )
    rotation_matrix: Matrix3x3 | None = optional(
        "Rotation matrix",
        "3 x 3 rotation R from the world (3D pose) frame to the camera frame.",
    )
    translation_vector: list[FiniteFloat] | None = optional(
        "Translation vector",
        "Translation t (x, y, z) from the world frame to the camera frame, in 'unit'; taken from the "
        "pose files when not given.",
        min_length=3,
        max_length=3,
    )
    distortion_coefficients: list[FiniteFloat] | None = optional(
        "Distortion coefficients",
        "Lens distortion in OpenCV order: k1, k2, p1, p2[, k3[, ...]]; taken from the pose files when not given.",
        min_length=1,
    )
    unit: LengthUnit = Field(
        default="n.a.",
        title="Length unit",
        description="Unit of the translation vector and of the world frame; 'n.a.' when the calibration does not "
        "record one (e.g. DeepLabCut's checkerboard squares). Written as a sentence of the description (ndx-pose "
        "has no field for it).",
    )
    image_size: list[Annotated[int, Field(gt=0)]] | None = optional(
        "Image size",
        "Width and height in pixels of the images the camera was calibrated on; taken from the pose "
        "files when not given. Written as a sentence of the description (ndx-pose has no field for it).",
        min_length=2,
        max_length=2,
    )


class CameraViewMetadata(_Model):
    """The 2D poses of one animal seen by one camera of a multi-camera rig (a PoseEstimation)."""

    model_config = _entry_config("name", "camera_metadata_key")

    name: DefaultedName = Field(
        title="Container name", description="Name of the PoseEstimation inside its MultiCameraPoseEstimation."
    )
    description: str | None = optional("Description", "What this camera view holds.")
    camera_metadata_key: str = Field(
        title="Camera key", description="Key of the camera in Pose.CalibratedCameras that recorded this view."
    )
    source_video_metadata_key: SourceVideoKey = None
    source_software: str | None = optional("Source software", "Pose estimation tool of the 2D poses.")
    source_software_version: ToolVersion = None
    scorer: str | None = optional("Scorer", "Name of the 2D model / scorer.")
    PoseEstimationSeries: SeriesByBodyPart


class MultiCameraPoseEstimationMetadata(_Model):
    """One MultiCameraPoseEstimation: the 3D poses of one animal and its 2D view per camera."""

    model_config = _entry_config("name")

    name: DefaultedName = Field(
        title="Container name", description="Name of the MultiCameraPoseEstimation in the file."
    )
    description: str | None = optional("Description", "How the 3D poses were estimated and what they show.")
    source_software: str | None = optional("Source software", "Tool that triangulated the 3D poses.")
    source_software_version: str | None = optional("Source software version", "Version of that tool.")
    scorer: str | None = optional("Scorer", "Name of the 3D model / scorer.")
    skeleton_metadata_key: str | None = optional(
        "Skeleton key", "Key of the skeleton in Pose.Skeletons shared by the 3D poses and every camera view."
    )
    PoseEstimationSeries: dict[str, PoseEstimationSeriesMetadata] = mapping(
        "3D series", "One entry per body part of the 3D poses, keyed by the body part name."
    )
    CameraViews: dict[str, CameraViewMetadata] = mapping(
        "Camera views",
        "One PoseEstimation per camera, keyed by the camera's name in the pose files; each names its "
        "camera in Pose.CalibratedCameras with camera_metadata_key.",
    )


class PoseTrainingMetadata(_Model):
    """The PoseTraining container: the frames a human labeled to train the pose estimator."""

    name: DefaultedName = Field(
        default="PoseTraining",
        title="Container name",
        description="Name of the PoseTraining container in processing['behavior'].",
    )
    description: str | None = optional(
        "Description",
        "How the training frames were chosen and labeled; stored as the description of the table that "
        "lists where each training frame came from (ndx-pose's PoseTraining has no description).",
    )
    annotator: str | None = optional(
        "Annotator",
        "Who labeled the frames, written on every training frame; by default the labeler the label files "
        "name (the DeepLabCut scorer).",
    )


class PoseBlockMetadata(_Model):
    """The Pose block of the metadata: skeletons, PoseEstimation containers and training data."""

    Skeletons: dict[str, SkeletonMetadata] = mapping("Skeletons", "Skeletons by key.")
    PoseEstimations: dict[str, PoseEstimationMetadata] = mapping(
        "Pose estimations", "PoseEstimation containers by key; one per animal and video."
    )
    PoseTraining: PoseTrainingMetadata | None = optional(
        "Training data", "The human-labeled training frames (PoseTraining), when the conversion includes them."
    )
    CalibratedCameras: dict[str, CalibratedCameraMetadata] = mapping(
        "Calibrated cameras", "Cameras of a multi-camera rig with their calibration, by key."
    )
    MultiCameraPoseEstimations: dict[str, MultiCameraPoseEstimationMetadata] = mapping(
        "Multi-camera pose estimations",
        "MultiCameraPoseEstimation containers by key; one per animal: 3D poses and one 2D view per camera.",
    )


class BehaviorMetadata(BaseModel):
    """The Behavior block: external videos; other interfaces may add their own sections."""

    model_config = ConfigDict(extra="allow")

    ExternalVideos: dict[str, ExternalVideoMetadata] = mapping("External videos", "Behavior videos by key.")
