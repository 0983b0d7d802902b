"""Validate one NWB file: nwbinspector with the DANDI configuration, then poseconv's pose checks."""

from __future__ import annotations

import warnings
from pathlib import Path

from ..errors import InvalidSourceFileError
from .pose_checks import check_pose_file
from .report import FileReport, Problem

__all__ = ["require_nwb", "validate_nwb"]

# poseconv's external-video check says the same with the path it looked for; nwbinspector's is left out.
_COVERED_CHECKS = frozenset({"check_image_series_external_file_valid"})


def require_nwb(path: Path) -> None:
    """Raise a clear error unless ``path`` is an NWB (HDF5) file."""
    import h5py

    if not path.exists():
        raise InvalidSourceFileError(f"{path}: not found; give the path of an NWB file.")
    if path.is_dir():
        raise InvalidSourceFileError(f"{path}: is a folder; give the path of an NWB (HDF5) file.")
    if not h5py.is_hdf5(path):
        raise InvalidSourceFileError(f"{path}: is not an HDF5 file, so not an NWB file poseconv validates.")
    with h5py.File(path, "r") as handle:
        if "nwb_version" not in handle.attrs:
            raise InvalidSourceFileError(f"{path}: is an HDF5 file but not an NWB file (it has no nwb_version).")


def _inspector_problems(path: Path) -> list[Problem]:
    from nwbinspector import inspect_nwbfile, load_config

    problems = []
    with warnings.catch_warnings():
        # Reading an NWB file warns about cached namespaces and the like; the messages are the findings.
        warnings.simplefilter("ignore")
        messages = list(inspect_nwbfile(nwbfile_path=path, config=load_config("dandi")))
    for message in messages:
        if message is None or message.check_function_name in _COVERED_CHECKS:
            continue
        check, text = message.check_function_name or "nwbinspector", message.message
        if message.importance.name == "ERROR":
            # A failed read or check: nwbinspector names the failure where the check goes and puts
            # the traceback in the message; keep its first sentence and the exception's last line.
            last = [line for line in text.splitlines() if line.strip()][-1:] or [""]
            check, text = "nwbinspector", f"{check.split('. ')[0]}: {last[0].strip()}"
        problems.append(
            Problem(
                importance=message.importance.name,
                check=check,
                message=text,
                location=message.location or "",
                object_type=message.object_type or "",
                object_name=message.object_name or "",
            )
        )
    return problems


def validate_nwb(path: str | Path, *, inspector: bool = True) -> FileReport:
    """Validate an NWB file as DANDI does, and check its pose data.

    Parameters
    ----------
    path : str or pathlib.Path
        An NWB (HDF5) file.
    inspector : bool, default: True
        Run nwbinspector with its DANDI configuration (importance levels as ``dandi validate``
        gives them); False runs poseconv's pose checks only.

    Returns
    -------
    FileReport
        The problems found.

    Raises
    ------
    InvalidSourceFileError
        When the file is missing or not an NWB file.
    """
    path = Path(path)
    require_nwb(path)
    problems = _inspector_problems(path) if inspector else []
    problems += check_pose_file(path)
    return FileReport(path=path, problems=problems)
