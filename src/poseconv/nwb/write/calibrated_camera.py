"""The cameras of a multi-camera rig in the NWB file, looked up by ``Pose.CalibratedCameras`` key.

Each is an ndx-pose ``CalibratedCamera`` (a plain ``Device`` without intrinsics, refused when the metadata gives
it extrinsics, an image size or a unit that such a Device cannot hold).

ndx-pose has no field for the length unit of a translation or the calibration image size; both go into the
camera's description in a fixed sentence that :func:`poseconv.nwb.read.multicamera.read_multicamera` parses back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ...errors import MetadataError
from ...metadata.unknown import WITH_INTRINSICS, uncalibrated_said
from ...model.multicamera import CameraCalibration
from ..layout import CAMERA_SIZE_PATTERN, CAMERA_SIZE_SENTENCE, CAMERA_UNIT_PATTERN, CAMERA_UNIT_SENTENCE
from .devices import lookup, refuse_another_device

__all__ = ["get_or_add_camera"]

_CALIBRATION = ("intrinsic_matrix", "rotation_matrix", "translation_vector", "distortion_coefficients")


def _entry(pose_metadata: Mapping[str, Any], key: str, calibration: CameraCalibration | None) -> Any:
    """Return ``Pose.CalibratedCameras[key]`` validated, the calibration fields it leaves out from ``calibration``."""
    from pydantic import ValidationError

    from ...metadata.models import CalibratedCameraMetadata

    raw = lookup(pose_metadata.get("CalibratedCameras", {}), key, "camera_metadata_key")
    try:
        entry = CalibratedCameraMetadata.model_validate(dict(raw))
    except ValidationError as err:
        raise MetadataError(f"metadata['Pose']['CalibratedCameras']['{key}'] is invalid:\n{err}") from None
    if calibration is None:
        return entry
    missing = {
        field: np.asarray(getattr(calibration, field)).tolist()
        for field in _CALIBRATION + ("image_size",)
        if getattr(entry, field) is None and getattr(calibration, field) is not None
    }
    return entry.model_copy(update=missing)


def _refuse_lost_calibration(pose_metadata: Mapping[str, Any], key: str, calibration: CameraCalibration | None) -> None:
    """Refuse a camera without intrinsics whose entry gives values its Device cannot hold (but the pose files').

    poseconv's pipeline says so while composing the metadata (:mod:`poseconv.metadata.unknown`); this says it for
    a writer called without it (neuroconv's own NWBConverter), where the values were left out without a word.
    """
    raw = lookup(pose_metadata.get("CalibratedCameras", {}), key, "camera_metadata_key")
    given = []
    for field in WITH_INTRINSICS:
        value, theirs = raw.get(field), getattr(calibration, field, None)
        if value is None or (field == "unit" and value in ("n.a.", theirs)):
            continue
        if field == "unit" or theirs is None or np.shape(value) != np.shape(theirs) or not np.allclose(value, theirs):
            given.append(field)
    if given:
        raise MetadataError(f"metadata['Pose']['CalibratedCameras']['{key}'] {uncalibrated_said(given)}")


def _description(entry: Any) -> str:
    """Return the description the camera is written with: the entry's, with the unit and image size sentences."""
    description = entry.description or f"Camera '{entry.name}' of a multi-camera rig."
    if entry.intrinsic_matrix is not None:
        if CAMERA_UNIT_PATTERN.search(description) is None:
            description = _with_sentence(description, CAMERA_UNIT_SENTENCE.format(unit=entry.unit))
        if entry.image_size is not None and CAMERA_SIZE_PATTERN.search(description) is None:
            width, height = entry.image_size
            description = _with_sentence(description, CAMERA_SIZE_SENTENCE.format(width=width, height=height))
    return description


def _refuse_another_camera(nwbfile: Any, existing: Any, entry: Any, key: str) -> None:
    """Refuse a device of the entry's name that is not this camera: of another kind, other fields or calibration."""
    where = f"metadata['Pose']['CalibratedCameras']['{key}']"
    # The rule of every camera (devices.refuse_another_device): an ephys probe's device, or another camera's
    # description or serial number, is not this camera. The description compared is the one written (with the
    # unit sentence), which is the existing camera's when it is the same camera of an earlier conversion.
    fields = {"description": _description(entry) if entry.description else None, "serial_number": entry.serial_number}
    refuse_another_device(nwbfile, existing, {field: value for field, value in fields.items() if value}, where)
    # Reusing a camera is right for the same rig (several pose files of it) and wrong for another one,
    # or for the same cameras calibrated again (another position: the second would be linked to the first).
    differs = [
        field
        for field in _CALIBRATION
        if getattr(entry, field) is not None
        and (
            getattr(existing, field, None) is None
            or not np.array_equal(np.asarray(getattr(existing, field), "float64"), np.asarray(getattr(entry, field)))
        )
    ]
    if differs:
        raise MetadataError(
            f"The file already has a device named '{entry.name}' without this calibration ({', '.join(differs)} "
            f"differ); give the camera another name in {where} (or a metadata_key to the interface)."
        )


def get_or_add_camera(
    nwbfile: Any, pose_metadata: Mapping[str, Any], key: str, calibration: CameraCalibration | None
) -> Any:
    """Return the camera of ``Pose.CalibratedCameras[key]``, adding it to the file first if new.

    Parameters
    ----------
    nwbfile : pynwb.NWBFile
        The file written.
    pose_metadata : Mapping
        ``metadata["Pose"]``.
    key : str
        The camera's key in ``Pose.CalibratedCameras``.
    calibration : CameraCalibration or None
        The pose files' calibration of the camera: the calibration fields the metadata leaves out.

    Returns
    -------
    pynwb.device.Device
        The ``CalibratedCamera`` (a plain ``Device`` without intrinsics), the file's own when it is this camera.

    Raises
    ------
    MetadataError
        If the entry is invalid, or the file has a device of its name that is not this camera.
    """
    from ndx_pose import CalibratedCamera
    from pynwb.device import Device

    entry = _entry(pose_metadata, key, calibration)
    if entry.name in nwbfile.devices:
        existing = nwbfile.devices[entry.name]
        _refuse_another_camera(nwbfile, existing, entry, key)
        return existing
    kwargs: dict[str, Any] = {"name": entry.name, "description": _description(entry)}
    if entry.serial_number:
        kwargs["serial_number"] = entry.serial_number
    if entry.intrinsic_matrix is None:
        _refuse_lost_calibration(pose_metadata, key, calibration)
        camera = Device(**kwargs)
    else:
        for field in _CALIBRATION:
            value = getattr(entry, field)
            if value is not None:
                kwargs[field] = np.asarray(value, dtype="float64")
        camera = CalibratedCamera(**kwargs)
    nwbfile.add_device(camera)
    return camera


def _with_sentence(text: str, sentence: str) -> str:
    """Return ``text`` and poseconv's ``sentence`` after it, the user's text ended as a sentence ("cam back." ...)."""
    text = text.rstrip()
    return f"{text}{'' if text.endswith(('.', '!', '?')) else '.'} {sentence}"
