"""The Subject checks of poseconv's pipeline, for a pose interface added by another converter (NWB GUIDE's).

:class:`~poseconv.interfaces.converter.PoseNWBConverter` (and every entry point built on it: an
interface's ``run_conversion``, ``poseconv convert``, ``poseconv run``) warns of the ``Subject``
values DANDI refuses and refuses a date of birth after the session start while it validates the
metadata, before anything is added. neuroconv's own ``NWBConverter`` (NWB GUIDE's) validates with
neuroconv's schema only, which takes them: the pose interfaces' ``add_to_nwbfile`` then says them, in
the same words, once per NWB file (:func:`check_subject_once`). poseconv's pipeline marks the file it checked
(:func:`mark_checked`), so that they are not said twice there; :func:`warn_subject_values` is its warning, which
leaves out the values its error refuses.
"""

from __future__ import annotations

import warnings
import weakref
from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import MetadataError, PoseconvWarning
from ..metadata.checks import (
    date_of_birth_problem,
    normalize_date_of_birth,
    subject_warnings_by_field,
)
from ..metadata.problems import MetadataProblem

__all__ = ["check_subject_once", "mark_checked", "warn_subject_values"]

# The NWB files whose Subject a pose interface checked: the other pose interfaces of the same conversion
# (several inputs of one NWBConverter add to one file) say nothing again.
_CHECKED: weakref.WeakSet = weakref.WeakSet()


def mark_checked(nwbfile: Any) -> None:
    """Record that poseconv's pipeline checked the Subject ``nwbfile`` is made with before adding the interfaces.

    :class:`~poseconv.interfaces.converter.PoseNWBConverter` (``validate_metadata``, which every entry point
    built on it calls first) and a spec's check said its problems: the pose interfaces say nothing again.
    """
    _CHECKED.add(nwbfile)


def warn_subject_values(subject: Any, refused: Iterable[tuple[Any, ...]], stacklevel: int) -> None:
    """Warn each value of ``subject`` DANDI refuses, but those the metadata's problems (``refused``) name already.

    Parameters
    ----------
    subject : dict or None
        The composed ``metadata['Subject']``.
    refused : iterable of tuple
        The paths of the metadata's problems (``("Subject", "species")``): an error says those.
    stacklevel : int
        The caller's ``stacklevel`` for the user's line.
    """
    said = {path[1] for path in refused if len(path) > 1 and path[0] == "Subject"}
    for field, message in subject_warnings_by_field(subject):
        if field not in said:
            # pynwb writes any text; the file is valid NWB, but cannot be published on DANDI as it is.
            warnings.warn(message, PoseconvWarning, stacklevel=stacklevel + 1)


def check_subject_once(nwbfile: Any, metadata: Mapping[str, Any] | None, source_name: str, stacklevel: int) -> None:
    """Say what PoseNWBConverter says of ``metadata['Subject']`` before writing, once per ``nwbfile``.

    Each value DANDI refuses (an age not in ISO 8601, a species with a strain, a subject_id with '/',
    another species' sex, a weight without its unit) is a warning; a date of birth that is not one, or
    is after the session start, is refused. A file read from disk (appending) already holds its Subject:
    nothing is said.

    Parameters
    ----------
    nwbfile : pynwb.NWBFile
        The file the interface adds to.
    metadata : mapping, optional
        The metadata ``add_to_nwbfile`` was given (neuroconv's ``NWBConverter`` gives the file's).
    source_name : str
        The interface's input, for the refusal.
    stacklevel : int
        :func:`~poseconv.interfaces.mixin.user_stacklevel` in the caller: the warnings name the user's line.

    Raises
    ------
    MetadataError
        When the date of birth is not a date or is after the session start, in PoseNWBConverter's words.
    """
    if nwbfile in _CHECKED or not isinstance(metadata, Mapping) or not isinstance(metadata.get("Subject"), Mapping):
        return
    get_read_io = getattr(nwbfile, "get_read_io", None)
    if callable(get_read_io) and get_read_io() is not None:
        return
    subject = dict(metadata["Subject"])
    start = (metadata.get("NWBFile") or {}).get("session_start_time")
    warn_subject_values(subject, (), stacklevel)  # its own frame it counts itself
    # A date without a zone takes the session start's, as the pipeline reads it (so it can be compared).
    normalize_date_of_birth(subject, start)
    problem = date_of_birth_problem(subject.get("date_of_birth"), start)
    if problem is not None:
        said = MetadataProblem(("Subject", "date_of_birth"), problem)
        raise MetadataError(f"Invalid metadata for {source_name}:\n  {said}")
    _CHECKED.add(nwbfile)
