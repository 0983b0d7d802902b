"""The spec's words for what the Python API and the command line say in a warning.

The interfaces and the converter warn in the words of their callers: ``metadata['Pose']['PoseEstimations']``
for the metadata dictionary, ``individuals= (--individuals)`` for an argument and its command-line flag. A
spec's user sets neither: the session's report points at the place in the spec instead
(``sessions[0].pose[0].metadata.Pose.PoseEstimations``, the pose file's ``source_data``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

# metadata['Pose']['PoseEstimations'], as the converter names a metadata block.
_METADATA_PATH = re.compile(r"metadata((?:\['[^'\]]*'\])+)")
_KEY = re.compile(r"\['([^'\]]*)'\]")
# individuals= (--individuals), as the interfaces name an argument and the flag that gives it.
_ARGUMENT = re.compile(r"\b([a-z_]+)= \(--[a-z-]+\)")

# A pose file's own fields in a spec (docs/batch.md); other interface arguments go in its source_data.
_POSE_FIELDS = frozenset({"file_path", "video_file_path", "sampling_frequency", "starting_time"})


def argument_in_spec(name: str) -> str:
    """Return where a spec gives the interface argument ``name`` of a pose file.

    Parameters
    ----------
    name : str
        The interface's argument (``video_file_path``, ``individuals``, ``config_file_path``).

    Returns
    -------
    str
        The pose file's field, or its ``source_data`` entry; the animals to keep are SLEAP's ``tracks``.
    """
    if name in _POSE_FIELDS:
        return f"the pose file's {name}"
    if name == "individuals":
        return "the pose file's source_data: {individuals: [...]} (SLEAP's tracks)"
    return f"the pose file's source_data: {{{name}: ...}}"


def in_spec_words(text: str, locate: Callable[[tuple[str, ...]], str]) -> str:
    """Return ``text`` with the Python API's metadata paths and arguments said as a spec gives them.

    Parameters
    ----------
    text : str
        A warning of an interface or the converter.
    locate : callable
        Takes a metadata path (``("Pose", "PoseEstimations")``) and returns its place in the spec.

    Returns
    -------
    str
        The same warning, naming places in the spec.
    """
    text = _METADATA_PATH.sub(lambda found: locate(tuple(_KEY.findall(found.group(1)))), text)
    return _ARGUMENT.sub(lambda found: argument_in_spec(found.group(1)), text)
