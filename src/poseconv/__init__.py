"""poseconv: pose-estimation output (DeepLabCut, SLEAP, LightningPose) to NWB with ndx-pose.

Importing the package is cheap: the names below load their modules on first use.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("poseconv")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0+unknown"

_LAZY = {
    "DeepLabCutPoseInterface": "poseconv.interfaces.deeplabcut",
    "PoseNWBConverter": "poseconv.interfaces.converter",
    "SLEAPPoseInterface": "poseconv.interfaces.sleap",
    "LightningPosePoseInterface": "poseconv.interfaces.lightningpose",
    "LightningPoseTrainingDataInterface": "poseconv.interfaces.lightningpose",
    "DeepLabCut3DPoseInterface": "poseconv.interfaces.multicamera",
    "SLEAPSessionPoseInterface": "poseconv.interfaces.multicamera",
    "read_deeplabcut_3d": "poseconv.readers.deeplabcut_3d",
    "read_sleap_session": "poseconv.readers.sleap_session",
    "read_multicamera": "poseconv.nwb.multicamera",
    "write_multicamera_pose_estimation": "poseconv.nwb.multicamera",
    "CameraCalibration": "poseconv.model_3d",
    "MultiCameraPoseData": "poseconv.model_3d",
    "get_pose_backend_configuration": "poseconv.nwb.storage",
    "PoseData": "poseconv.model",
    "PoseTrack": "poseconv.model",
    "Skeleton": "poseconv.model",
    "FrameTiming": "poseconv.model",
    "ExtraCoords": "poseconv.model",
    "VideoInfo": "poseconv.model",
    "read_pose": "poseconv.readers.registry",
    "infer_source_software": "poseconv.readers.registry",
    "supported_formats": "poseconv.readers.registry",
    "read_deeplabcut": "poseconv.readers.deeplabcut",
    "read_sleap": "poseconv.readers.sleap",
    "read_lightning_pose": "poseconv.readers.lightningpose",
    "read_lightning_pose_labels": "poseconv.readers.lightningpose",
    "write_pose_estimation": "poseconv.nwb.writer",
    "read_nwb": "poseconv.nwb.reader",
    "open_nwb": "poseconv.nwb.reader",
    "TrainingData": "poseconv.training",
    "read_deeplabcut_labels": "poseconv.readers.deeplabcut_training",
    "read_sleap_labels": "poseconv.readers.sleap_training",
    "write_pose_training": "poseconv.nwb.training",
    "read_training": "poseconv.nwb.training",
    "DeepLabCutTrainingDataInterface": "poseconv.interfaces.training",
    "SLEAPTrainingDataInterface": "poseconv.interfaces.training",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'poseconv' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
