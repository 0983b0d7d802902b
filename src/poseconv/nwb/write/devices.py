"""Cameras (and their models) in the NWB file, looked up by metadata key."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...errors import MetadataError
from ...metadata.cameras import DEVICE_FIELDS, MAKE_FIELDS, camera_field_problems

__all__ = ["get_or_add_device", "lookup"]


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


def get_or_add_device(nwbfile: Any, metadata: Mapping[str, Any], key: str) -> Any:
    """Return the device of ``metadata["Devices"][key]``, adding it (and its model) to the file if new.

    A make given on the device itself (``manufacturer``, ``model_number``, ``model_name``, as neuroconv's
    schema offers them) becomes its DeviceModel, named ``model_name`` or after the make and number.
    """
    from pynwb.device import Device

    entry = lookup(metadata.get("Devices", {}), key, "metadata['Devices'] key")
    name = entry["name"]
    if name in nwbfile.devices:
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
