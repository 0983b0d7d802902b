"""The pose model every reader produces and every writer consumes.

- :mod:`.pose`: :class:`PoseData` (one camera's tracks, skeletons, videos and frame times).
- :mod:`.multicamera`: :class:`MultiCameraPoseData` (a session: per-camera 2D views, 3D points, calibration).
- :mod:`.training`: :class:`TrainingData` (labeled frames and their label files).
- :mod:`.frames`: frame tables and lazy arrays that keep values in the source file until written.
"""

from .multicamera import CameraCalibration, MultiCameraPoseData
from .names import require_names
from .pose import ExtraCoords, FrameTiming, PoseData, PoseTrack, Skeleton, VideoInfo
from .training import LabeledFrame, LabeledInstance, LabelFile, TrainingData

__all__ = [
    "CameraCalibration",
    "ExtraCoords",
    "FrameTiming",
    "LabelFile",
    "LabeledFrame",
    "LabeledInstance",
    "MultiCameraPoseData",
    "PoseData",
    "PoseTrack",
    "Skeleton",
    "TrainingData",
    "VideoInfo",
    "require_names",
]
