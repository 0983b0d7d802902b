"""neuroconv's pose-interface argument names, and what poseconv takes for each.

A user coming from neuroconv's ``DeepLabCutInterface``, ``SLEAPInterface`` or ``LightningPoseInterface``
passes their arguments (``subject_name=``, ``frames_per_second=``, ``reference_frame=`` ...). poseconv names
these differently, or takes them elsewhere; pydantic's "Unexpected keyword argument" and jsonschema's
"Additional properties are not allowed" say neither. This table is the one place that says it: the
interfaces' constructors and ``run_conversion``, a spec's ``source_data`` and ``--option`` read it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import NamedTuple

__all__ = [
    "NEUROCONV_ARGUMENTS",
    "NEUROCONV_CONVERSION_OPTIONS",
    "neuroconv_name_message",
    "refuse_neuroconv_arguments",
]


class NeuroconvName(NamedTuple):
    """A neuroconv argument poseconv takes otherwise."""

    #: The neuroconv interface that takes the argument.
    interface: str
    #: poseconv's argument of the same meaning (None: poseconv takes it elsewhere, said by ``advice``).
    argument: str | None
    #: What to give instead, when the argument alone does not say it.
    advice: str = ""


_SERIES = "metadata['Pose']['PoseEstimations'][key]['PoseEstimationSeries'][node]"

#: neuroconv's constructor arguments (its behavior/deeplabcut, sleap and lightningpose interfaces).
NEUROCONV_ARGUMENTS: dict[str, NeuroconvName] = {
    "subject_name": NeuroconvName(
        "DeepLabCutInterface", "individuals", "a list of the file's individuals, e.g. individuals=['ind1']"
    ),
    "pose_estimation_metadata_key": NeuroconvName(
        "DeepLabCutInterface", "metadata_key", "the key of the poses' entries in get_metadata()"
    ),
    "frames_per_second": NeuroconvName("SLEAPInterface", "sampling_frequency", "the frame rate in Hz"),
    "track_name": NeuroconvName("SLEAPInterface", "tracks", "a list of track names, e.g. tracks=['track_0']"),
    "video_name": NeuroconvName(
        "SLEAPInterface",
        None,
        "poseconv names the video in metadata['Behavior']['ExternalVideos'][key]['name'] (see get_metadata()); "
        "to write the video yourself, use neuroconv's ExternalVideoInterface beside the poses",
    ),
    "original_video_file_path": NeuroconvName(
        "LightningPoseInterface", "video_file_path", "the video the poses were estimated on"
    ),
    "labeled_video_file_path": NeuroconvName(
        "LightningPoseInterface",
        None,
        "add the labeled video with neuroconv's ExternalVideoInterface beside the poses and link it by "
        "metadata['Pose']['PoseEstimations'][key]['labeled_video_metadata_key'] (its Behavior.ExternalVideos key)",
    ),
}

#: neuroconv's ``add_to_nwbfile`` (conversion) options that poseconv takes in the metadata.
NEUROCONV_CONVERSION_OPTIONS: dict[str, NeuroconvName] = {
    "reference_frame": NeuroconvName(
        "LightningPoseInterface", None, f"poseconv takes it per series: {_SERIES}['reference_frame']"
    ),
    "confidence_definition": NeuroconvName(
        "LightningPoseInterface", None, f"poseconv takes it per series: {_SERIES}['confidence_definition']"
    ),
}


def neuroconv_name_message(
    key: str, accepted: Collection[str], *, option: bool = False, given_by: Mapping[str, str] | None = None
) -> str | None:
    """Return what poseconv takes for neuroconv's argument ``key``; None when ``key`` is not one or is accepted.

    Parameters
    ----------
    key : str
        The argument given.
    accepted : collection of str
        The arguments the poseconv interface (or its ``run_conversion``) takes: a name it takes is its own.
    option : bool, default: False
        Whether ``key`` was given as a conversion option (``run_conversion``), not to the constructor.
    given_by : mapping of str to str, optional
        The command-line flag that gives each argument (``sampling_frequency``: ``--fps``), said instead.

    Returns
    -------
    str or None
        E.g. "'frames_per_second' is neuroconv's SLEAPInterface argument; poseconv's is sampling_frequency=
        (the frame rate in Hz)".
    """
    table = NEUROCONV_CONVERSION_OPTIONS if option else NEUROCONV_ARGUMENTS
    found = table.get(key)
    if found is None or key in accepted:
        return None
    kind = "conversion option" if option else "argument"
    said = f"{key!r} is neuroconv's {found.interface} {kind}"
    if found.argument is not None and found.argument in (given_by or {}):
        return f"{said}; poseconv takes it ({found.argument}) by {given_by[found.argument]}"
    if found.argument is not None:
        said += f"; poseconv's is {found.argument}="
        return said + (f" ({found.advice})" if found.advice else "")
    return f"{said}; {found.advice}"


def refuse_neuroconv_arguments(cls: type, kwargs: Collection[str]) -> None:
    """Refuse neuroconv's constructor arguments given to a poseconv interface, saying poseconv's name for each.

    Called before pydantic checks the arguments, whose "Unexpected keyword argument" names no alternative.

    Raises
    ------
    InvalidOptionError
        Naming the interface, each neuroconv argument and what poseconv takes for it.
    """
    if not NEUROCONV_ARGUMENTS.keys() & set(kwargs):
        return
    import inspect

    from ..errors import InvalidOptionError

    accepted = inspect.signature(cls.__init__).parameters
    lines = [message for key in kwargs if (message := neuroconv_name_message(key, accepted)) is not None]
    if lines:
        raise InvalidOptionError(f"{cls.__name__}: " + "\n".join(lines) + ".")
