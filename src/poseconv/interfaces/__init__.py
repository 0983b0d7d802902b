"""neuroconv interfaces; the only part of poseconv that imports neuroconv."""

from .converter import PoseNWBConverter
from .deeplabcut import DeepLabCutPoseInterface
from .sleap import SLEAPPoseInterface

__all__ = ["DeepLabCutPoseInterface", "PoseNWBConverter", "SLEAPPoseInterface"]
