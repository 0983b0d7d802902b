"""``poseconv validate``: nwbinspector's DANDI checks plus poseconv's own checks of the pose data.

* :mod:`.report`: :class:`Problem` and :class:`FileReport` (summary line, JSON, pass or fail);
* :mod:`.pose_checks`: skeleton edges, confidence range, timestamps, external videos;
* :mod:`.run`: :func:`validate_nwb`, both together on one file.
"""

from .pose_checks import check_pose_file, says_unit_interval
from .report import FAIL_ON_LEVELS, IMPORTANCE_ORDER, FileReport, Problem
from .run import validate_nwb

__all__ = [
    "FAIL_ON_LEVELS",
    "IMPORTANCE_ORDER",
    "FileReport",
    "Problem",
    "check_pose_file",
    "says_unit_interval",
    "validate_nwb",
]
