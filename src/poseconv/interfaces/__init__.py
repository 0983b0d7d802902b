"""neuroconv interfaces; the only part of poseconv that imports neuroconv."""

from .converter import PoseNWBConverter
from .deeplabcut import DeepLabCutPoseInterface
from .multicamera import DeepLabCut3DPoseInterface, SLEAPSessionPoseInterface
from .sleap import SLEAPPoseInterface

__all__ = [
    "DeepLabCut3DPoseInterface",
    "DeepLabCutPoseInterface",
    "PoseNWBConverter",
    "SLEAPPoseInterface",
    "SLEAPSessionPoseInterface",
]
