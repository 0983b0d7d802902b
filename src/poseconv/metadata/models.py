"""Pydantic models of the pose metadata: the single source of its JSON Schema.

The layout follows neuroconv's dict-based metadata, so poseconv metadata
merges with that of any neuroconv interface in an ``NWBConverter``::

    metadata["Pose"]["Skeletons"][key]          -> SkeletonMetadata
    metadata["Pose"]["PoseEstimations"][key]    -> PoseEstimationMetadata
    metadata["Devices"][key]                    -> DeviceMetadata
    metadata["Behavior"]["ExternalVideos"][key] -> ExternalVideoMetadata

Entries are addressed by keys (handles, not names in the file); entries point
at each other with ``*_metadata_key`` fields.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "BehaviorMetadata",
    "DeviceMetadata",
    "ExternalVideoMetadata",
    "PoseBlockMetadata",
    "PoseEstimationMetadata",
    "PoseEstimationSeriesMetadata",
    "SkeletonMetadata",
]

NwbName = Annotated[str, Field(min_length=1, pattern=r"^[^/:]+$")]
NodeIndex = Annotated[int, Field(ge=0)]
Edge = Annotated[
    list[NodeIndex],
    Field(min_length=2, max_length=2, title="Edge", description="Indices of the two nodes an edge joins."),
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PoseEstimationSeriesMetadata(_Model):
    """One body part's series."""

    name: NwbName = Field(title="Series name", description="Name of the PoseEstimationSeries in the file.")
    description: str | None = Field(default=None, title="Description", description="What this body part series holds.")
    unit: str | None = Field(
        default=None,
        title="Unit",
        description="Unit of the coordinates: 'pixels' for image coordinates, a length unit for 3D.",
    )
    reference_frame: str | None = Field(
        default=None,
        title="Reference frame",
        description="Where (0, 0) is and which way the axes point.",
    )
    confidence_definition: str | None = Field(
        default=None,
        title="Confidence definition",
        description="How the confidence values were computed and what they mean.",
    )


class SkeletonMetadata(_Model):
    """Nodes and edges of a skeleton."""

    name: NwbName = Field(title="Skeleton name", description="Name of the Skeleton in the file.")
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
    subject: str | None = Field(
        default=None,
        title="Subject",
        description="subject_id of the animal this skeleton belongs to; linked when it is the file's Subject.",
    )


class PoseEstimationMetadata(_Model):
    """One PoseEstimation container: one animal seen by one camera."""

    name: NwbName = Field(title="Container name", description="Name of the PoseEstimation in the file.")
    description: str | None = Field(
        default=None, title="Description", description="How the poses were estimated and what they show."
    )
    source_software: str | None = Field(
        default=None, title="Source software", description="Pose estimation tool, e.g. DeepLabCut or SLEAP."
    )
    source_software_version: str | None = Field(
        default=None, title="Source software version", description="Version of the pose estimation tool."
    )
    scorer: str | None = Field(default=None, title="Scorer", description="Name of the model / scorer.")
    skeleton_metadata_key: str | None = Field(
        default=None,
        title="Skeleton key",
        description="Key of the skeleton in Pose.Skeletons that these body parts follow.",
    )
    device_metadata_key: str | None = Field(
        default=None, title="Camera key", description="Key of the camera in Devices that recorded the video."
    )
    source_video_metadata_key: str | None = Field(
        default=None,
        title="Source video key",
        description="Key of the video in Behavior.ExternalVideos the poses were estimated on.",
    )
    labeled_video_metadata_key: str | None = Field(
        default=None,
        title="Labeled video key",
        description="Key of a video in Behavior.ExternalVideos with the poses drawn on it.",
    )
    PoseEstimationSeries: dict[str, PoseEstimationSeriesMetadata] = Field(
        default_factory=dict,
        title="Series",
        description="One entry per body part, keyed by the body part name in the pose file.",
    )


class DeviceMetadata(_Model):
    """A camera (or other device)."""

    name: NwbName = Field(title="Device name", description="Name of the Device in the file.")
    description: str | None = Field(default=None, title="Description", description="What the device is.")
    serial_number: str | None = Field(default=None, title="Serial number", description="Serial number.")
    device_model_metadata_key: str | None = Field(
        default=None, title="Device model key", description="Key of the model in DeviceModels."
    )


class ExternalVideoMetadata(_Model):
    """A behavior video kept outside the NWB file."""

    name: NwbName = Field(title="Video name", description="Name of the external ImageSeries in acquisition.")
    description: str | None = Field(default=None, title="Description", description="What the video shows.")
    unit: str | None = Field(default=None, title="Unit", description="Unit of the ImageSeries ('Frames').")
    device_metadata_key: str | None = Field(
        default=None, title="Camera key", description="Key of the camera in Devices that recorded the video."
    )


class PoseBlockMetadata(_Model):
    """The Pose block of the metadata: skeletons and PoseEstimation containers."""

    Skeletons: dict[str, SkeletonMetadata] = Field(
        default_factory=dict, title="Skeletons", description="Skeletons by key."
    )
    PoseEstimations: dict[str, PoseEstimationMetadata] = Field(
        default_factory=dict,
        title="Pose estimations",
        description="PoseEstimation containers by key; one per animal and video.",
    )


class BehaviorMetadata(BaseModel):
    """The Behavior block: external videos; other interfaces may add their own sections."""

    model_config = ConfigDict(extra="allow")

    ExternalVideos: dict[str, ExternalVideoMetadata] = Field(
        default_factory=dict, title="External videos", description="Behavior videos by key."
    )
