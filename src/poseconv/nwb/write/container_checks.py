"""What :func:`~.pose_estimation.write_pose_estimation` refuses before it writes a container.

Metadata of none of the poses' containers or of containers they do not have, a container name the file
holds already, a deprecated field given, and a track's container named as another track's replaced
predictions (:mod:`.replaced_predictions`), by which readers would pair the two.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...errors import MetadataError
from ...metadata.checks import deprecated_field_problems
from ...model import PoseData, PoseTrack
from ..layout import REPLACED_PREDICTIONS_SUFFIX, replaced_predictions_name

__all__ = ["SHARED_KEYS_HINT", "check_container_keys", "check_entry", "check_replaced_names"]


def check_container_keys(pose: PoseData, containers: Mapping[str, Any], tracks: Mapping[str, PoseTrack]) -> None:
    """Refuse metadata that lists none of the poses' containers, containers the poses do not have, or names that clash.

    A track's container named as another's replaced predictions is refused here too (:func:`check_replaced_names`),
    before anything is written.
    """
    unknown = [key for key in containers if key not in tracks]
    if not containers:
        # Called directly with metadata of none of them, it wrote nothing and left an empty behavior module.
        raise MetadataError(
            f"metadata['Pose']['PoseEstimations'] lists no container of {pose.source_name}, so nothing would be "
            f"written; its containers are {sorted(tracks)}: start from an interface's get_metadata() (or "
            "poseconv.metadata.defaults.default_pose_metadata(pose))."
        )
    if unknown:
        raise MetadataError(
            f"metadata['Pose']['PoseEstimations'] has entries {unknown} that match no individual/track of "
            f"{pose.source_name}; its containers are {sorted(tracks)}."
        )
    check_replaced_names(pose, containers, tracks)


# Two interfaces of one converter whose metadata have the same keys: neuroconv merges the entries.
SHARED_KEYS_HINT = (
    "Two inputs with the same keys (two cameras' 'PoseEstimation' and 'Skeleton' in a neuroconv NWBConverter, "
    "which merges their metadata) are told apart by giving each interface its own metadata_key=..., or by "
    "converting them with PoseNWBConverter."
)


def check_entry(behavior: Any, key: str, entry: Mapping[str, Any]) -> None:
    """Refuse a container entry the file cannot take: a name it holds, a deprecated field given."""
    for field_name, message in deprecated_field_problems(entry)[:1]:
        raise MetadataError(f"metadata['Pose']['PoseEstimations']['{key}']['{field_name}'] {message}")
    if entry["name"] in behavior.data_interfaces:
        raise MetadataError(
            f"The file already holds '{entry['name']}' in processing['behavior']; give the container "
            f"'{key}' another name in metadata['Pose']['PoseEstimations']. {SHARED_KEYS_HINT}"
        )


def check_replaced_names(
    pose: PoseData, containers: Mapping[str, Mapping[str, Any]], tracks: Mapping[str, PoseTrack]
) -> None:
    """Refuse a track's container named as the replaced predictions of another's.

    A track named ``A_replaced_predictions`` beside a track ``A`` whose user instances replaced predictions
    has the name (``PoseEstimation_A_replaced_predictions``) those predictions take, by which readers pair
    them with ``A``'s container: one of the two must be named otherwise.

    Parameters
    ----------
    pose : PoseData
        The poses (named in the message).
    containers : mapping
        The ``metadata["Pose"]["PoseEstimations"]`` entries written, by key.
    tracks : mapping
        The track of each key.

    Raises
    ------
    MetadataError
        Naming the file, both tracks, and the entry to rename.
    """
    key_of = {entry["name"]: key for key, entry in containers.items()}
    for key, entry in containers.items():
        track = tracks[key]
        name = replaced_predictions_name(entry["name"])
        if track.replaced_predictions is None or name not in key_of:
            continue
        other = tracks[key_of[name]]
        raise MetadataError(
            f"{pose.source_name}: the predictions a user instance replaced in track {track.name!r} are written as "
            f"'{name}' (its container '{entry['name']}' + '{REPLACED_PREDICTIONS_SUFFIX}', the name by which "
            f"readers pair them with it), which is the name of the container of track {other.name!r}. Give that "
            f"container another name: metadata['Pose']['PoseEstimations']['{key_of[name]}']['name'] (poseconv "
            "metadata writes the metadata to edit for --metadata), or rename the track in SLEAP."
        )
