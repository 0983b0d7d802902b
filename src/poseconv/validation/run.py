"""Validate one NWB file: nwbinspector with the DANDI configuration, then poseconv's pose checks."""

from __future__ import annotations

import warnings
from pathlib import Path

from ..errors import InvalidSourceFileError
from .pose_checks import check_pose_file
from .report import FileReport, Problem

__all__ = ["require_nwb", "unreadable_reason", "validate_nwb"]

# poseconv's external-video check says the same with the path it looked for; nwbinspector's is left out.
_COVERED_CHECKS = frozenset({"check_image_series_external_file_valid"})


def require_nwb(path: Path | str) -> None:
    """Raise a clear error unless ``path`` is an NWB file: HDF5, an NWB Zarr store, or the URL of either."""
    from ..nwb.read.store import open_store

    # The opener says what a path is not (missing, not downloaded, a folder that is no Zarr store, not HDF5).
    with open_store(path) as handle:
        if "nwb_version" not in handle.attrs:
            raise InvalidSourceFileError(
                f"{path}: is an HDF5 file or Zarr store but not an NWB file (it has no nwb_version)."
            )


def _inspector_messages(path: Path | str) -> list:
    """Return nwbinspector's messages with the DANDI configuration.

    A local HDF5 file goes through ``inspect_nwbfile`` (with pynwb's schema validation). A Zarr
    store or a URL is opened by poseconv's opener and read by pynwb from there (``NWBZarrIO``, or
    ``NWBHDF5IO`` over the streamed file), then inspected as an object: nwbinspector's own reader
    does not open Zarr stores with this hdmf-zarr, and streams s3:// URLs only with s3fs.
    """
    from nwbinspector import inspect_nwbfile, inspect_nwbfile_object, load_config

    from ..nwb.read.store import is_url, open_store

    if not is_url(path) and Path(path).is_file():
        return list(inspect_nwbfile(nwbfile_path=path, config=load_config("dandi")))
    from pynwb import NWBHDF5IO

    from ..nwb.read.remote import http_url
    from ..nwb.read.zarr_groups import ZarrGroup

    with open_store(path) as root:
        if isinstance(root, ZarrGroup) and is_url(path):
            import ndx_pose  # noqa: F401 - the types of the pose data, known without the cached specs
            from hdmf_zarr import NWBZarrIO

            # hdmf-zarr finds a store's cached specs by listing its folders, which HTTP cannot do.
            io = NWBZarrIO(http_url(path), mode="r", load_namespaces=False)
        elif isinstance(root, ZarrGroup):
            from hdmf_zarr import NWBZarrIO

            io = NWBZarrIO(str(path), mode="r", load_namespaces=True)
        else:
            io = NWBHDF5IO(file=root, mode="r", load_namespaces=True)
        with io:
            try:
                nwbfile = io.read()
            except InvalidSourceFileError:
                raise  # The URL failed (poseconv's reader said how), not pynwb.
            except Exception as err:  # noqa: BLE001 - as nwbinspector's inspect_nwbfile does for a file pynwb cannot read
                return [_unreadable_message(root, err)]
            # A URL's last part is no file name (DANDI's are blobs/<id> or .../download/): its extension says nothing.
            ignore = ["check_file_extension"] if is_url(path) else None
            return list(inspect_nwbfile_object(nwbfile, config=load_config("dandi"), ignore=ignore))


def unreadable_reason(root: object, err: Exception, *, training: str) -> str:
    """Say in one line why pynwb could not read the file ``root``, without hdmf's dump of builders.

    The last line of a ``ConstructError`` is a dump of every builder of the failed object (kilobytes). A Zarr
    store holding a ``PoseTraining`` is one pynwb cannot read, whoever wrote it (poseconv too), said as such.

    Parameters
    ----------
    root : object
        The file or store as :func:`poseconv.nwb.read.store.open_store` opened it, or the path of a local store
        (an append's), opened here.
    err : Exception
        What pynwb (hdmf-zarr) raised reading it.
    training : str
        What to do about a Zarr store holding a ``PoseTraining``, said after why it cannot be read.

    Returns
    -------
    str
        The reason, one line, without a final period.
    """
    from ..nwb.read.store import open_store, visit_groups
    from ..nwb.read.zarr_groups import ZarrGroup

    if isinstance(root, Path):
        try:
            with open_store(root) as opened:
                return unreadable_reason(opened, err, training=training)
        except Exception:  # noqa: BLE001 - a store poseconv's opener refuses too: pynwb's failure is said
            root = None
    if isinstance(root, ZarrGroup) and visit_groups(root, "PoseTraining"):
        return (
            "the Zarr store holds a PoseTraining, which pynwb (hdmf-zarr) cannot open: Zarr keeps attributes as "
            f"JSON, where ndx-pose's unsigned SkeletonInstance.id comes back signed (hdmf-zarr#323). {training}"
        )
    first = (str(err).strip().splitlines() or [""])[0]
    return f"pynwb failed with {type(err).__name__}: {first[:200]}{'...' if len(first) > 200 else ''}"


def _unreadable_message(root: object, err: Exception) -> object:
    """Say in one line that pynwb could not read the file, so nwbinspector inspected nothing, and why.

    nwbinspector's ``inspect_nwbfile`` yields an ERROR message holding the traceback for a file pynwb cannot
    read (nwbinspector/_nwb_inspection.py); the last line of a ``ConstructError``'s is a dump of every
    builder of the failed object (kilobytes), so the reason is said here instead.
    """
    from nwbinspector import Importance, InspectorMessage

    advice = "poseconv's checks ran; write training data to an HDF5 .nwb file for DANDI and other tools"
    reason = unreadable_reason(root, err, training=advice)
    # _inspector_problems words an ERROR as "<check's first sentence>: <message's last line>".
    return InspectorMessage(
        message=reason, importance=Importance.ERROR, check_function_name="nwbinspector could not read the file"
    )


def _inspector_problems(path: Path | str) -> list[Problem]:
    problems = []
    with warnings.catch_warnings():
        # Reading an NWB file warns about cached namespaces and the like; the messages are the findings.
        warnings.simplefilter("ignore")
        messages = _inspector_messages(path)
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
        An NWB file (HDF5 or Zarr store), or the ``http(s)://`` / ``s3://`` URL of one.
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
    from ..nwb.read.store import nwb_location
    from ..readers.safety.input_checks import require_path

    require_path(path, "path")
    path = nwb_location(path)
    require_nwb(path)
    problems = _inspector_problems(path) if inspector else []
    problems += check_pose_file(path)
    return FileReport(path=path, problems=problems)
