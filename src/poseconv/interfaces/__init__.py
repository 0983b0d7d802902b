"""neuroconv interfaces; the only part of poseconv that imports neuroconv."""

from .converter import PoseConverterPipe, PoseNWBConverter
from .deeplabcut import DeepLabCutPoseInterface
from .lightningpose import (
    LightningPoseMultiViewInterface,
    LightningPosePoseInterface,
    LightningPoseTrainingDataInterface,
)
from .multicamera import DeepLabCut3DPoseInterface, SLEAPSessionPoseInterface
from .sleap import SLEAPCSVPoseInterface, SLEAPPoseInterface
from .training import DeepLabCutTrainingDataInterface, SLEAPTrainingDataInterface

__all__ = [
    "DeepLabCut3DPoseInterface",
    "DeepLabCutPoseInterface",
    "DeepLabCutTrainingDataInterface",
    "LightningPoseMultiViewInterface",
    "LightningPosePoseInterface",
    "LightningPoseTrainingDataInterface",
    "PoseConverterPipe",
    "PoseNWBConverter",
    "SLEAPCSVPoseInterface",
    "SLEAPPoseInterface",
    "SLEAPSessionPoseInterface",
    "SLEAPTrainingDataInterface",
]
