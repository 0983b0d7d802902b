"""The session's own ``NWBFile`` fields that pose inputs give: its description and its experimenters.

A pose reader notes the project its file came from when the project names it (a DeepLabCut
``config.yaml``'s ``Task`` and ``scorer``, ``notes["project_identity"]``): neuroconv's DeepLabCutInterface takes them
as the session description and the experimenter, and so do poseconv's interfaces
(:func:`project_session_fields`). A conversion of several inputs describes the session by all of them and
names every input's experimenters (:func:`gather_session_fields`), unless the user gave those fields.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["gather_session_fields", "project_session_fields"]

#: The session description neuroconv's interfaces give when they know none (get_default_nwbfile_metadata).
_NEUROCONV_PLACEHOLDER = "no description"


def project_session_fields(notes: Iterable[Mapping[str, Any]], description: str) -> dict[str, Any]:
    """Return the ``NWBFile`` fields of a pose input: ``description`` and the experimenters its projects name.

    Parameters
    ----------
    notes : iterable of mapping
        The readers' notes of the input's pose files (a session has one per camera); their ``"project_identity"``
        entry, where the project named them, holds its ``task`` and ``experimenter``.
    description : str
        What the input holds ("Pose estimation with DeepLabCut (animal0)."); the projects' tasks follow it.

    Returns
    -------
    dict
        ``session_description``, and ``experimenter`` (a list) when a project names one.
    """
    projects = [note.get("project_identity") or {} for note in notes]
    tasks = list(dict.fromkeys(project["task"] for project in projects if project.get("task")))
    experimenters = list(dict.fromkeys(project["experimenter"] for project in projects if project.get("experimenter")))
    fields: dict[str, Any] = {"session_description": _with_tasks(description, tasks)}
    if experimenters:
        fields["experimenter"] = experimenters
    return fields


# The tasks a description ends with (:func:`_with_tasks`); said once when several inputs describe the session.
_TASKS = re.compile(r" Tasks?: (?P<tasks>.+)\.$", re.DOTALL)


def _with_tasks(description: str, tasks: list[str]) -> str:
    """Return ``description`` ending with the projects' tasks ("... Task: reach."); as given without any."""
    if not tasks:
        return description
    return f"{description} {'Task' if len(tasks) == 1 else 'Tasks'}: {', '.join(tasks)}."


def _joined(descriptions: list[str]) -> str:
    """Return the descriptions of several inputs as one, their projects' tasks said once, at the end."""
    texts, tasks = [], []
    for description in descriptions:
        found = _TASKS.search(description)
        texts.append(description[: found.start()] if found else description)
        tasks += found["tasks"].split(", ") if found else []
    return _with_tasks(" ".join(dict.fromkeys(texts)), list(dict.fromkeys(tasks)))


def _experimenters(metadata: Mapping[str, Any]) -> list[Any]:
    """Return the experimenters ``metadata`` names (neuroconv's interfaces give a list; a form may give one)."""
    value = (metadata.get("NWBFile") or {}).get("experimenter")
    return list(value) if isinstance(value, list | tuple) else [value] if isinstance(value, str) and value else []


def gather_session_fields(shared: dict[str, Any], user: Mapping[str, Any], inputs: Iterable[Mapping[str, Any]]) -> None:
    """Describe a session of several inputs by all of them and name all their experimenters (in place).

    Each input describes the session by what it holds ("Pose estimation with DeepLabCut", "Training
    data ...", a neuroconv DeepLabCutInterface's project task) and names its own experimenters; merged, the last
    one alone would speak for a file that holds them all. neuroconv's NWBConverter appends the experimenters of
    its interfaces too, in their order. What the user gave is kept as given.

    Parameters
    ----------
    shared : dict
        The merged metadata of the file, changed in place.
    user : mapping
        The user's metadata.
    inputs : iterable of mapping
        Every input's metadata, in the converter's order (poseconv's and other interfaces').
    """
    inputs = list(inputs)
    given = user.get("NWBFile") or {}
    if not given.get("session_description"):
        described = [(metadata.get("NWBFile") or {}).get("session_description") for metadata in inputs]
        # neuroconv's placeholder of an interface that describes nothing.
        distinct = list(dict.fromkeys(text for text in described if text and text != _NEUROCONV_PLACEHOLDER))
        if len(distinct) > 1:
            shared.setdefault("NWBFile", {})["session_description"] = _joined(distinct)
    if "experimenter" not in given:
        named = list(dict.fromkeys(name for metadata in inputs for name in _experimenters(metadata)))
        if len(named) > 1:
            shared.setdefault("NWBFile", {})["experimenter"] = named
