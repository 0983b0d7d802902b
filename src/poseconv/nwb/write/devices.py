"""Cameras (and their models) in the NWB file, looked up by metadata key."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...errors import MetadataError

__all__ = ["get_or_add_device", "lookup"]


def lookup(registry: Mapping[str, Any], key: str, where: str) -> Any:
    """Return ``registry[key]`` or raise MetadataError listing the defined keys."""
    if key not in registry:
        raise MetadataError(f"{where} '{key}' is not defined; defined keys: {sorted(registry)}.")
    return registry[key]


def get_or_add_device(nwbfile: Any, metadata: Mapping[str, Any], key: str) -> Any:
    """Return the device of ``metadata["Devices"][key]``, adding it (and its model) to the file if new."""
    from pynwb.device import Device

    entry = lookup(metadata.get("Devices", {}), key, "metadata['Devices'] key")
    name = entry["name"]
    if name in nwbfile.devices:
        return nwbfile.devices[name]
    kwargs = {k: v for k, v in entry.items() if k in ("name", "description", "serial_number") and v is not None}
    model_key = entry.get("device_model_metadata_key")
    if model_key is not None:
        from pynwb.device import DeviceModel

        model_entry = lookup(metadata.get("DeviceModels", {}), model_key, "metadata['DeviceModels'] key")
        if model_entry["name"] in nwbfile.device_models:
            kwargs["model"] = nwbfile.device_models[model_entry["name"]]
        else:
            allowed = ("name", "description", "manufacturer", "model_number")
            model = DeviceModel(**{k: v for k, v in model_entry.items() if k in allowed and v is not None})
            nwbfile.add_device_model(model)
            kwargs["model"] = model
    device = Device(**kwargs)
    nwbfile.add_device(device)
    return device
