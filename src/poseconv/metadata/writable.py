"""What the writer would stop on, naming no field, or would write wrong: said with the metadata, at the field.

The metadata schema checks each value alone; these checks read an entry with what it names (a skeleton's
key, a camera's fields, a series' default unit), as the writer does. Every entry point composes the
metadata (:func:`~poseconv.metadata.compose.compose_metadata`) before writing, so each says them alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .cameras import camera_problems
from .checks import deprecated_field_problems, series_name_problems
from .problems import MetadataProblem
from .series_units import pixel_unit_problems
from .shared_keys import CONTAINER_BLOCKS
from .unknown import reference_problems

__all__ = ["container_entry_problems", "writer_problems"]


def container_entry_problems(per_input: Mapping[str, Mapping[str, Any]]) -> list[MetadataProblem]:
    """Report what a pose input's container entry gives that cannot be written.

    ndx-pose's deprecated fields (poseconv would not write them), and two series of one name
    (hdmf would refuse the second only while writing, without naming the metadata).
    """
    problems = []
    for name, metadata in per_input.items():
        for block in CONTAINER_BLOCKS:
            for key, entry in ((metadata.get("Pose") or {}).get(block) or {}).items():
                if not isinstance(entry, Mapping):
                    continue
                deprecated = deprecated_field_problems(entry) if block == "PoseEstimations" else []
                found = [((field_name,), message) for field_name, message in deprecated]
                found += [
                    (("PoseEstimationSeries", series, "name"), message)
                    for series, message in series_name_problems(entry)
                ]
                for where, message in found:
                    problems.append(
                        MetadataProblem(("Pose", block, key, *where), message, name if len(per_input) > 1 else None)
                    )
    return problems


def writer_problems(
    shared: Mapping[str, Any],
    per_input: Mapping[str, Mapping[str, Any]],
    defaults: Mapping[str, Mapping[str, Any]],
    user: Mapping[str, Any],
    per_input_user: Mapping[str, Mapping[str, Any]],
) -> list[MetadataProblem]:
    """Return what the composed metadata gives that the writer would refuse while writing, or write wrong.

    Parameters
    ----------
    shared : mapping
        The file's composed metadata.
    per_input : mapping of str to mapping
        Each pose input's composed metadata.
    defaults : mapping of str to mapping
        Each pose input's defaults.
    user, per_input_user : mapping
        The user's metadata of the file and of single inputs.

    Returns
    -------
    list of MetadataProblem
        Deprecated fields and series of one name, misspelt keys (``device_metadata_key: camera1``), pixels
        labelled another unit, fields no camera has.
    """
    return (
        container_entry_problems(per_input)
        # A misspelt device_metadata_key or skeleton_metadata_key: the writer would stop on it, naming no field.
        + reference_problems(shared, per_input, user, per_input_user)
        + pixel_unit_problems(per_input, defaults, per_input_user)
        + camera_problems(per_input, user, per_input_user)
    )
