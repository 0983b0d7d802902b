"""The Subject checks of poseconv's pipeline, for a pose interface added by another converter (NWB GUIDE's).

:class:`~poseconv.interfaces.converter.PoseNWBConverter` (and every entry point built on it: an
interface's ``run_conversion``, ``poseconv convert``, ``poseconv run``) warns of the ``Subject``
values DANDI refuses and refuses a date of birth after the session start while it validates the
metadata, before anything is added. neuroconv's own ``NWBConverter`` (NWB GUIDE's) validates with
neuroconv's schema only, which takes them: the pose interfaces' ``add_to_nwbfile`` then says them, in
the same words, once per NWB file (:func:`check_subject_once`).
"""

from __future__ import annotations

import inspect
import warnings
import weakref
from collections.abc import Mapping
from typing import Any

from ..errors import MetadataError, PoseconvWarning
from ..metadata.checks import date_of_birth_problem, normalize_date_of_birth, subject_warnings
from ..metadata.problems import MetadataProblem
from .mixin import user_stacklevel

__all__ = ["added_by_poseconv", "check_subject_once"]

# The NWB files whose Subject a pose interface checked: the other pose interfaces of the same conversion
# (several inputs of one NWBConverter add to one file) say nothing again.
_CHECKED: weakref.WeakSet = weakref.WeakSet()


def added_by_poseconv(interface: Any) -> bool:
    """Whether ``interface`` is being added to a file by poseconv's own code, which checked the metadata first.

    The first caller outside the interface's own methods (``add_to_nwbfile`` and what it calls, a subclass's
    override too) is poseconv's pipeline (:class:`PoseNWBConverter`, a spec's check) or another caller:
    neuroconv's ``NWBConverter``, a user's script.
    """
    frame = inspect.currentframe()
    while frame is not None and (
        frame.f_code.co_name == "added_by_poseconv" or frame.f_locals.get("self") is interface
    ):
        frame = frame.f_back
    return frame is not None and frame.f_globals.get("__name__", "").partition(".")[0] == "poseconv"


def check_subject_once(nwbfile: Any, metadata: Mapping[str, Any] | None, source_name: str) -> None:
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
    # pynwb writes any text; the file is valid NWB, but cannot be published on DANDI as it is.
    _warn_each(subject_warnings(subject), user_stacklevel())
    # A date without a zone takes the session start's, as the pipeline reads it (so it can be compared).
    normalize_date_of_birth(subject, start)
    problem = date_of_birth_problem(subject.get("date_of_birth"), start)
    if problem is not None:
        said = MetadataProblem(("Subject", "date_of_birth"), problem)
        raise MetadataError(f"Invalid metadata for {source_name}:\n  {said}")
    _CHECKED.add(nwbfile)


def _warn_each(messages: list[str], stacklevel: int) -> None:
    """Warn each of ``messages``; ``stacklevel`` is :func:`user_stacklevel`'s in the caller, which counts this frame."""
    for message in messages:
        warnings.warn(message, PoseconvWarning, stacklevel=stacklevel)
