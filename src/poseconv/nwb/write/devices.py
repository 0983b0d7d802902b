"""Cameras (and their models) in the NWB file, looked up by metadata key."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ...errors import MetadataError
from ...metadata.cameras import DEVICE_FIELDS, MAKE_FIELDS, camera_field_problems

__all__ = ["get_or_add_device", "lookup", "refuse_another_device"]


def lookup(registry: Mapping[str, Any], key: str, where: str) -> Any:
    """Return ``registry[key]`` or raise MetadataError listing the defined keys."""
    if key not in registry:
        raise MetadataError(f"{where} '{key}' is not defined; defined keys: {sorted(registry)}.")
    return registry[key]


_MODEL_FIELDS = ("name", "description", "manufacturer", "model_number")


def _given(entry: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: entry[name] for name in names if entry.get(name) not in (None, "")}


def _check_fields(entry: Mapping[str, Any], key: str) -> None:
    """Refuse a field no camera Device has (the metadata check says it first, at its line; this is the last guard).

    The schema of ``Devices`` is neuroconv's, open to any field: a misspelt ``manufactuer`` would be dropped.
    """
    problems = camera_field_problems(entry)
    if problems:
        raise MetadataError(f"metadata['Devices']['{key}']: " + " ".join(message for _, message in problems))


def _model(nwbfile: Any, fields: dict[str, Any]) -> Any:
    """Return the file's DeviceModel named ``fields["name"]``, adding it if new (its make "unknown" if not given).

    pynwb keeps a device's make on a DeviceModel (``Device.manufacturer`` is deprecated: every reader of such a
    file is warned); ``manufacturer`` is required there, and neuroconv writes "unknown" when none is given.
    """
    from pynwb.device import DeviceModel

    fields = {"manufacturer": "unknown", **fields}
    existing = nwbfile.device_models.get(fields["name"])
    if existing is not None:
        differs = [k for k, v in fields.items() if k != "description" and getattr(existing, k, None) != v]
        if differs:
            # One name, two makes: the second camera would be written as the first one's make.
            raise MetadataError(
                f"Two camera models are named {fields['name']!r} with different {', '.join(differs)}; give them "
                "different model names (model_name, or DeviceModels entries)."
            )
        return existing
    model = DeviceModel(**fields)
    nwbfile.add_device_model(model)
    return model


def _with_make(model: dict[str, Any], make: dict[str, Any], key: str, model_key: str) -> dict[str, Any]:
    """Return a DeviceModels entry with the make its device also gives (a form shows both); refuse a different one."""
    given = {("name" if field == "model_name" else field): value for field, value in make.items()}
    differs = [field for field, value in given.items() if field in model and model[field] != value]
    if differs:
        raise MetadataError(
            f"metadata['Devices']['{key}'] gives another {', '.join(differs)} than its model "
            f"metadata['DeviceModels']['{model_key}']; give the make once, in the model."
        )
    return {**given, **model}


#: The descriptions the defaults give a camera: poseconv's (``defaults.camera_device_entry``, which may say the
#: video's folder; a multi-camera rig's metadata and writer) and neuroconv's ``ExternalVideoInterface``'s; an entry
#: with one of them describes no camera.
_DEFAULT_DESCRIPTIONS = re.compile(
    r"^(Camera that recorded the behavior video '.*'|Video camera used for recording"
    r"|Camera '.*' of (the|a) multi-camera rig)\.$"
)
#: The devices that are cameras: a video's or a single camera's Device, a multi-camera rig's CalibratedCamera.
_CAMERA_TYPES = ("Device", "CalibratedCamera")
#: What links a camera besides the poses (ndx-pose's types): its video.
_CAMERA_LINKS = ("ImageSeries",)


def _other_kind(nwbfile: Any, device: Any) -> str | None:
    """Return what makes ``device`` a device of another kind than a camera (what links it), or None."""
    if getattr(device, "neurodata_type", None) not in _CAMERA_TYPES:
        return f"a {type(device).__name__}"
    for linked in nwbfile.objects.values():
        if getattr(linked, "device", None) is not device:
            continue
        if getattr(linked, "neurodata_type", None) in _CAMERA_LINKS or getattr(linked, "namespace", None) == "ndx-pose":
            continue
        return f"the device of the {type(linked).__name__} '{linked.name}'"
    return None


def _made(device: Any) -> dict[str, Any]:
    """Return the description, serial number and make of ``device`` as a camera entry gives them."""
    model = getattr(device, "model", None)
    fields = {"description": device.description, "serial_number": device.serial_number}
    if model is not None:
        return {
            **fields,
            "manufacturer": model.manufacturer,
            "model_number": model.model_number,
            "model_name": model.name,
        }
    return {**fields, "manufacturer": device.manufacturer, "model_number": device.model_number, "model_name": None}


def _entry_given(metadata: Mapping[str, Any], key: str) -> dict[str, Any]:
    """Return the description, serial number and make ``metadata["Devices"][key]`` (and its model) give."""
    entry = metadata["Devices"][key]
    given = _given(entry, ("description", "serial_number") + MAKE_FIELDS)
    model_key = entry.get("device_model_metadata_key")
    if model_key not in (None, ""):
        model = (metadata.get("DeviceModels") or {}).get(model_key) or {}
        make = _given(model, ("name", "manufacturer", "model_number"))  # its description is the model's
        given |= {("model_name" if field == "name" else field): value for field, value in make.items()}
    return given


def refuse_another_device(nwbfile: Any, device: Any, given: Mapping[str, Any], where: str) -> None:
    """Refuse a camera entry named like a device of the file that is not that camera.

    The name is a device's identity in the file: a camera named like another interface's device (an ephys
    probe's) or like another camera was merged into it, its own description and make lost, and the poses and
    the video said that device filmed them. A default description describes no camera of its own. One rule
    for every writer of a camera (``get_or_add_device``'s ``Devices`` entries, the multi-camera writer's
    ``Pose.CalibratedCameras``).

    Parameters
    ----------
    nwbfile : pynwb.NWBFile
        The file ``device`` is in.
    device : pynwb.device.Device
        The file's device of the entry's name.
    given : Mapping
        The fields the entry gives, as ``description``, ``serial_number`` and the make (``manufacturer``,
        ``model_number``, ``model_name``); a camera type without a make leaves those out.
    where : str
        The entry, as the message names it (``metadata['Devices']['cam']``).

    Raises
    ------
    MetadataError
        If ``device`` is no camera (another type, or linked by something other than a video or the poses), or
        its fields are not the ones ``given``.
    """
    given = dict(given)
    if _DEFAULT_DESCRIPTIONS.match(str(given.get("description", ""))):
        given.pop("description")
    made = _made(device)
    differs = [f"{field} {made[field]!r}, not {value!r}" for field, value in given.items() if made[field] != value]
    kind = _other_kind(nwbfile, device)
    if kind is None and not differs:
        return
    what = kind if kind is not None else "another camera: its " + ", its ".join(differs)
    raise MetadataError(
        f"{where} names the camera {device.name!r}, the name of a device already in the file, "
        f"{what}: one name is one device, which the video and the poses would link, and the camera's own fields "
        f"would be lost. Give the camera another name ({where}['name'])"
        + (", or the fields of the device already there to share it." if kind is None else ".")
    )


def get_or_add_device(nwbfile: Any, metadata: Mapping[str, Any], key: str) -> Any:
    """Return the device of ``metadata["Devices"][key]``, adding it (and its model) to the file if new.

    A make given on the device itself (``manufacturer``, ``model_number``, ``model_name``, as neuroconv's
    schema offers them) becomes its DeviceModel, named ``model_name`` or after the make and number.
    """
    from pynwb.device import Device

    entry = lookup(metadata.get("Devices", {}), key, "metadata['Devices'] key")
    name = entry["name"]
    if name in nwbfile.devices:
        # One camera shared by several entries, or already in the file appended to (poseconv's earlier
        # conversion, neuroconv's video interface): the same device, unless it is another one of the name.
        refuse_another_device(
            nwbfile, nwbfile.devices[name], _entry_given(metadata, key), f"metadata['Devices']['{key}']"
        )
        return nwbfile.devices[name]
    _check_fields(entry, key)
    kwargs = _given(entry, DEVICE_FIELDS)
    model_key = entry.get("device_model_metadata_key")
    make = _given(entry, MAKE_FIELDS)
    if model_key not in (None, ""):
        model_entry = lookup(metadata.get("DeviceModels", {}), model_key, "metadata['DeviceModels'] key")
        kwargs["model"] = _model(nwbfile, _with_make(_given(model_entry, _MODEL_FIELDS), make, key, model_key))
    elif make:
        named = make.pop("model_name", None)
        label = " ".join(str(make[k]) for k in ("manufacturer", "model_number") if k in make)
        kwargs["model"] = _model(nwbfile, {"name": named or label or f"{name} model", **make})
    device = Device(**kwargs)
    nwbfile.add_device(device)
    return device
