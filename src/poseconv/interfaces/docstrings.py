"""The parameters several interfaces share, written once: descriptions, the schema of their values.

neuroconv builds an interface's source schema (what NWB GUIDE shows as a form) from the signature of
its ``__init__`` and the numpydoc ``Parameters`` of its docstring, so each interface keeps both. A
description worded the same for several interfaces is written here; the docstring names it by a
line holding only ``{name}``, which :func:`fill_parameters` replaces when the class is defined.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import WithJsonSchema

from ..docstrings import docstring_filler

__all__ = ["SHARED_PARAMETERS", "FrameRateArg", "IndexArg", "IndicesArg", "NamesArg", "fill_parameters"]

# The bounds of these values are given to the source schema only (a form refuses them at the field): the
# interface refuses such a value in its own words, naming the file and the ones there are, not pydantic's.
#: A frame rate in Hz: positive (timing.user_rate refuses another).
FrameRateArg = Annotated[float, WithJsonSchema({"type": "number", "exclusiveMinimum": 0})]
#: An index into a file's list (of recording sessions): 0-based, so never negative.
IndexArg = Annotated[int, WithJsonSchema({"type": "integer", "minimum": 0})]
#: Indices into a file's list (of videos): at least one, none negative.
IndicesArg = Annotated[
    list[int], WithJsonSchema({"type": "array", "items": {"type": "integer", "minimum": 0}, "minItems": 1})
]
#: Names chosen from a file's (individuals, tracks, views): at least one; an empty list would choose nothing.
NamesArg = Annotated[list[str], WithJsonSchema({"type": "array", "items": {"type": "string"}, "minItems": 1})]

#: numpydoc entries (``name : type`` and the indented description) by placeholder name.
SHARED_PARAMETERS: dict[str, str] = {
    "verbose": "verbose : bool, default: False\n    Print progress.",
    "video_file_path_analysed": (
        "video_file_path : FilePath, optional\n    The analysed video (frame times, frame count and size)."
    ),
    "sampling_frequency_lightning_pose": (
        "sampling_frequency : float, optional\n"
        "    Frame rate in Hz, used when no video gives the frame times (Lightning Pose records none)."
    ),
    "tracks": (
        "tracks : list of str, optional\n"
        '    Write only these tracks (names from the file; "untracked" holds instances without a track).'
    ),
    "untracked_instances": (
        'untracked : {"error", "by_order"}, default: "error"\n'
        "    When a frame holds several instances without a track: raise an error, or write the k-th\n"
        '    one of each frame to "untracked_<k>" (such a container does not follow one animal).'
    ),
    "metadata_key_of_file": (
        "metadata_key : str, optional\n"
        "    Suffix for this file's metadata keys and default object names, needed when several pose files\n"
        '    (e.g. one per camera) go into one NWB file: "top" gives "PoseEstimation_top", "Skeleton_top".'
    ),
    "metadata_key_of_session": (
        "metadata_key : str, optional\n"
        "    Suffix for this session's metadata keys and default object names (containers, cameras,\n"
        '    skeletons), needed when several sessions go into one NWB file: "rig2" gives\n'
        '    "MultiCameraPoseEstimation_rig2", and each camera\'s name ends in "_rig2" ("top_rig2").'
    ),
}

#: Replace each ``{name}`` line of a docstring by :data:`SHARED_PARAMETERS` ``[name]`` (see
#: :func:`poseconv.docstrings.docstring_filler`); put it below ``@validate_call``.
fill_parameters = docstring_filler(SHARED_PARAMETERS)
