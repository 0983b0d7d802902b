"""Where SLEAP predictions that a user instance replaced go: a ``PoseEstimation`` beside the track's.

In SLEAP, a user who corrects a prediction makes a user ``Instance`` (its ``from_predicted`` the
prediction) and the frame keeps both. poseconv's pose model holds one pose per animal and frame, the
user instance, as SLEAP's analysis export does; the prediction it replaced is kept as the track's
:attr:`~poseconv.model.PoseTrack.replaced_predictions`. ndx-pose's ``PoseEstimation`` holds one pose
series per node, so a second set of poses of the same animal needs a second container. It is written
beside the container of the track (or, for a camera view of a ``MultiCameraPoseEstimation``, beside
that container), in the same form:

* named ``<container>_replaced_predictions`` (``<container>_<view>_replaced_predictions`` for a view;
  :func:`~poseconv.nwb.layout.replaced_predictions_name`), which is how readers pair the two;
* the same skeleton, camera (``device``), ``source_video``, series names, source software, version
  and scorer as the track's container, and the same frame times (a link to the same timestamps, or
  the same rate), NaN in every frame without a replaced prediction;
* described as "SLEAP predictions of '<track>' that a user instance replaced in the same frame; the
  user instance is in '<container>'" (:func:`~poseconv.nwb.layout.replaced_predictions_description`);
* its instance and tracking scores as ``<name>_instance_score`` and ``<name>_tracking_score``, and
  its identities as ``<name>_identity`` and ``<name>_identity_score`` where it has them
  (:mod:`poseconv.nwb.write.scores`); no ``_user_labeled`` (every one is a prediction).

A track without replaced predictions adds nothing, so files without them keep their layout.
(sleap-io's NWB writer keeps the predictions in ``PoseEstimation`` and the user instances as
training labels in ``PoseTraining``; here the user instance is the track's pose, and the
prediction it corrected stays beside it.)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...errors import MetadataError
from ...model import PoseTrack
from ..layout import given_fields, replaced_predictions_description, replaced_predictions_name
from .scores import write_instance_series

__all__ = ["write_replaced_predictions"]


def write_replaced_predictions(
    behavior: Any,
    track: PoseTrack,
    *,
    like: Any,
    owner: str,
    user_container: str | None = None,
    entry: Mapping[str, Any],
    series: list[Any],
    timing: Mapping[str, Any],
) -> Any:
    """Add the ``PoseEstimation`` of ``track``'s replaced predictions beside ``like``, its container; return it.

    Parameters
    ----------
    behavior : pynwb.base.ProcessingModule
        The module to add it to.
    track : PoseTrack
        The track whose ``replaced_predictions`` are written.
    like : ndx_pose.PoseEstimation
        The container (or camera view) of the track: its skeleton, camera and video are linked.
    owner : str
        The name the new container is named after (the container's, or ``<container>_<view>``).
    user_container : str, optional
        How the description names where the user instances are (default ``owner``; ``<container>/<view>``).
    entry : mapping
        The metadata entry of ``like``: its source software, version and scorer are copied.
    series : list of ndx_pose.PoseEstimationSeries
        The replaced predictions' series, built as the track's are.
    timing : mapping
        ``n_frames``, ``times`` and ``timing_source`` of the track's series, for the score series.

    Raises
    ------
    MetadataError
        When the module already holds an object of the new container's name.
    """
    from ndx_pose import PoseEstimation

    name = replaced_predictions_name(owner)
    if name in behavior.data_interfaces:
        raise MetadataError(
            f"The file already holds '{name}' in processing['behavior']; give the container '{owner}' another "
            "name in metadata['Pose']."
        )
    fields = {**entry, "description": replaced_predictions_description(track.name, user_container or owner)}
    container = PoseEstimation(
        **given_fields(
            fields,
            name=name,
            pose_estimation_series=series,
            skeleton=like.skeleton,
            device=like.device,
            source_video=like.source_video,
        )
    )
    behavior.add(container)
    write_instance_series(behavior, track.replaced_predictions, pose_estimation_name=name, **timing)
    return container
