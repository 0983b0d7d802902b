"""Reading a pose file for ``inspect`` and ``plot`` with ``--option KEY=VALUE``, as ``convert`` reads it.

An interface argument that no flag gives (a Lightning Pose session's ``view_names``, a SLEAP
file's ``video_indices`` or ``predicted_only``) may be needed to read a file at all, or changes
the poses: with ``--option``, ``inspect`` and ``plot`` show the poses ``convert`` writes with it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._common import is_nwb, reading

if TYPE_CHECKING:
    from ..model.pose import PoseData

__all__ = ["interface_with_options", "reading_with_options"]


@contextmanager
def reading_with_options(
    file: Path | str,
    *,
    source: str | None,
    options: Mapping[str, str],
    command: str,
    containers: list[str] | None = None,
) -> Iterator[list[PoseData]]:
    """Like :func:`~poseconv.cli._common.reading`, a pose file read by its interface given ``--option`` arguments.

    With options, the poses are those ``convert`` writes with the same options: the interface is built
    as convert builds it (:func:`~poseconv.cli._sources.make_interface`), so a bad KEY or VALUE is
    refused in convert's words. An NWB file is read as written: an option for it is refused.

    Parameters
    ----------
    file : pathlib.Path or str
        The input (a URL is an NWB file).
    source : str, optional
        ``--source``.
    options : Mapping
        ``--option`` KEY -> VALUE as typed; none: the file is read as :func:`reading` reads it.
    command : str
        The command reading it (``inspect``, ``plot``), for a folder's advice.
    containers : list of str, optional
        An NWB file's containers (``plot --container``).

    Yields
    ------
    list of PoseData
        The poses: each camera's, then the 3D poses, for a session.

    Raises
    ------
    InvalidOptionError
        For an option given with an NWB file, or one the interface does not take.
    LabelsNotPosesError
        When the input holds training labels (read them with :func:`interface_with_options`).
    """
    if not options:
        with reading(file, source=source, containers=containers, command=command) as poses:
            yield poses
        return
    from ..errors import InvalidOptionError
    from ..model.location import recorded_location

    if is_nwb(file):
        raise InvalidOptionError(
            f"{recorded_location(file)}: --option gives an argument of a pose file's interface, as convert reads "
            "the file; an NWB file is read as it was written: leave --option out."
        )
    yield _interface_poses(Path(file), source, options, command)


def _interface_poses(path: Path, source: str | None, options: Mapping[str, str], command: str) -> list[PoseData]:
    """Return the poses of ``path`` read by its interface with the ``--option`` arguments."""
    from ..catalog import get_format
    from ._common import read_any, session_poses
    from ._sources import detect_source

    fmt = get_format(detect_source(path, source, command=command))
    if fmt.kind == "labels":
        # Refused as without options, before any reading: labels are no poses over time.
        read_any(path, source=fmt.name, command=command)
    interface = interface_with_options(path, fmt.name, options)
    if fmt.kind != "session":
        return [interface.pose]
    return session_poses(interface.session)


def interface_with_options(path: Path, source: str | None, options: Mapping[str, str]) -> Any:
    """Build the interface of ``path`` as convert does with ``options``.

    inspect and plot take none of convert's input flags (plot's --video draws over the video): what those
    flags give convert (``untracked``, ``sampling_frequency``, ``tracks``) is an ``--option`` here.
    """
    from ._sources import make_interface

    return make_interface(path, source=source, source_options=options, flagless=True)
