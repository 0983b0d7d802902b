"""neuroconv interfaces; the only part of poseconv that imports neuroconv."""

from .converter import PoseNWBConverter
from .deeplabcut import DeepLabCutPoseInterface
from .multicamera import DeepLabCut3DPoseInterface, SLEAPSessionPoseInterface
from .sleap import SLEAPPoseInterface
from .training import DeepLabCutTrainingDataInterface, SLEAPTrainingDataInterface

__all__ = [
    "DeepLabCut3DPoseInterface",
    "DeepLabCutPoseInterface",
    "DeepLabCutTrainingDataInterface",
    "PoseNWBConverter",
    "SLEAPPoseInterface",
    "SLEAPSessionPoseInterface",
    "SLEAPTrainingDataInterface",
]
