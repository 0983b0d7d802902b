"""Video paths of a conversion stored relative to the NWB file, and the conversion options that ask for it.

poseconv's interfaces store their videos' paths relative to the NWB file's folder when
``external_files_relative_to`` is given; other interfaces' ``ImageSeries`` (neuroconv's
``ExternalVideoInterface``) store paths as given, and the poses link to those series: the file is only
portable once their paths are relative to it too (as DANDI expects).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..errors import InvalidOptionError, PoseconvWarning
from ..model.location import dandiset_link_problem, is_url, where_linked

__all__ = ["options_with_relative_paths", "relative_external_files"]


def _relative_to_folder(path: str, folder: Path) -> str:
    """Return ``path`` (absolute, or relative to the working folder) relative to ``folder``; others as given.

    A relative path that names a file from ``folder`` already (poseconv's own, relative to the NWB file) is
    kept; one that names a file only from the working folder is how users give paths to neuroconv's
    ``ExternalVideoInterface`` (``file_paths=["videos/cam1.mp4"]``), which stores them as given: from the
    NWB file's folder that link points nowhere. A path found in neither is kept as given.
    """
    if is_url(path):
        return path
    given = Path(path)
    if not given.is_absolute() and ((folder / given).exists() or not given.exists()):
        return path
    return os.path.relpath(where_linked(given), folder)


def relative_external_files(nwbfile: Any, folder: Path) -> None:
    """Store the external video paths of every ``ImageSeries`` added to ``nwbfile`` relative to ``folder``.

    Parameters
    ----------
    nwbfile : pynwb.NWBFile
        The in-memory file, before it is written; series read from a file are left as they are.
    folder : pathlib.Path
        The NWB file's folder, resolved.
    """
    from pynwb.image import ImageSeries

    for obj in nwbfile.all_children():
        if isinstance(obj, ImageSeries) and obj.external_file is not None and obj.container_source is None:
            paths = [str(p) for p in obj.external_file]
            relative = [_relative_to_folder(p, folder) for p in paths]
            if relative != paths:
                # pynwb fields are write-once; this object is still in memory only, not yet written.
                obj.fields["external_file"] = relative
            for path in relative:
                outside = dandiset_link_problem(path, folder)
                if outside:
                    warnings.warn(f"ImageSeries '{obj.name}': {outside}", PoseconvWarning, stacklevel=2)


def options_with_relative_paths(
    conversion_options: Mapping[str, Any] | None, pose_names: Iterable[str], folder: Path
) -> dict[str, dict[str, Any]]:
    """Return the conversion options with ``external_files_relative_to=folder`` for each pose interface.

    Parameters
    ----------
    conversion_options : mapping, optional
        ``add_to_nwbfile`` options by interface name, as the user gave them.
    pose_names : iterable of str
        The names of poseconv's interfaces in the converter.
    folder : pathlib.Path
        The NWB file's folder, resolved.

    Raises
    ------
    InvalidOptionError
        When the options, or one interface's, are not a mapping (``{"Pose": True}``).
    """
    if conversion_options is not None and not isinstance(conversion_options, Mapping):
        raise InvalidOptionError(
            f"conversion_options must be a dict of options by interface name, e.g. {{'Pose': {{'stub_test': True}}}}, "
            f"got {conversion_options!r}."
        )
    options = {}
    for name, value in (conversion_options or {}).items():
        if value is not None and not isinstance(value, Mapping):
            raise InvalidOptionError(
                f"conversion_options[{name!r}] must be a dict of options of that interface's add_to_nwbfile, e.g. "
                f"{{'stub_test': True}}, got {value!r}."
            )
        options[name] = dict(value or {})
    for name in pose_names:
        options.setdefault(name, {}).setdefault("external_files_relative_to", folder)
    return options
