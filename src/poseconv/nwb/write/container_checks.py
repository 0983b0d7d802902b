"""What :func:`~.pose_estimation.write_pose_estimation` refuses before it writes a container.

Metadata of none of the poses' containers or of containers they do not have, a container name the file
holds already, a deprecated field given, and a track's container named as what is written beside another
track's (its replaced predictions, :mod:`.replaced_predictions`; its instance series and extra coords), by which
readers would pair the two.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...errors import MetadataError
from ...metadata.checks import deprecated_field_problems
from ...metadata.container_names import names_beside
from ...model import PoseData, PoseTrack

__all__ = ["SHARED_KEYS_HINT", "check_container_keys", "check_entry", "check_names_beside"]


def check_container_keys(pose: PoseData, containers: Mapping[str, Any], tracks: Mapping[str, PoseTrack]) -> None:
    """Refuse metadata that lists none of the poses' containers, containers the poses do not have, or names that clash.

    A track's container named as what is written beside another's (its replaced predictions, instance series, extra
    coords) is refused here too (:func:`check_names_beside`), before anything is written.
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
    check_names_beside(pose, containers, tracks)


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


def check_names_beside(
    pose: PoseData, containers: Mapping[str, Mapping[str, Any]], tracks: Mapping[str, PoseTrack]
) -> None:
    """Refuse a track's container named as what is written beside another's.

    poseconv writes a track's replaced predictions, instance series and extra coords beside its container, under
    names made from the container's (:func:`~poseconv.metadata.container_names.names_beside`), by which readers
    pair them with it: metadata naming the container of track ``A_replaced_predictions``
    ``PoseEstimation_A_replaced_predictions`` beside a track ``A`` whose user instances replaced predictions
    gives two objects one name. The default names never do (:func:`~poseconv.metadata.container_names.container_names`);
    a user's metadata (or one written before they did) may.

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
        for name, what in names_beside(entry["name"], track).items():
            if name not in key_of:
                continue
            raise MetadataError(
                f"{pose.source_name}: beside the container '{entry['name']}' of track {track.name!r} go its {what} "
                f"as '{name}' (the name by which readers pair them with it), which is the name of the container of "
                f"track {tracks[key_of[name]].name!r}. Give that container another name: "
                f"metadata['Pose']['PoseEstimations']['{key_of[name]}']['name'] (the metadata poseconv makes, "
                "'poseconv metadata', names no container so)."
            )
