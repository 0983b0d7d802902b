"""What poseconv writes beside a ``PoseEstimation`` (extra coords, SLEAP instance values): the name check they share."""

from __future__ import annotations

from typing import Any

from ...errors import MetadataError

__all__ = ["check_name_beside"]


def check_name_beside(behavior: Any, name: str, pose_estimation_name: str) -> None:
    """Refuse to write ``name`` beside the ``PoseEstimation`` ``pose_estimation_name`` when ``behavior`` holds it.

    Parameters
    ----------
    behavior : pynwb.base.ProcessingModule
        The module holding the ``PoseEstimation``.
    name : str
        Name of the object to add beside it.
    pose_estimation_name : str
        Name of the ``PoseEstimation``; the message says to rename it.

    Raises
    ------
    MetadataError
        When the module already holds an object named ``name``.
    """
    if name in behavior.data_interfaces:
        raise MetadataError(
            f"The file already holds '{name}' in processing['behavior']; give the PoseEstimation "
            f"'{pose_estimation_name}' another name in metadata['Pose']['PoseEstimations']."
        )
