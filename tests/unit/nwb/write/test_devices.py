"""Cameras as metadata describes them (:mod:`poseconv.nwb.write.devices`)."""

from __future__ import annotations

import warnings

import pytest
from pynwb import NWBHDF5IO
from pynwb.testing.mock.file import mock_NWBFile

from poseconv.errors import MetadataError
from poseconv.nwb.write.devices import get_or_add_device


def _written(tmp_path, devices: dict, models: dict | None = None):
    nwbfile = mock_NWBFile()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no deprecated Device field, which warns every reader of the file
        for key in devices:
            get_or_add_device(nwbfile, {"Devices": devices, "DeviceModels": models or {}}, key)
    path = tmp_path / "cam.nwb"
    with NWBHDF5IO(path, "w") as io:
        io.write(nwbfile)
    return path


def test_a_make_given_on_the_camera_is_written_as_its_device_model(tmp_path):
    # manufacturer is in the Devices schema of every form (neuroconv's), and was dropped without a word.
    top = {"name": "top", "description": "Top camera.", "serial_number": "SN1", "manufacturer": "Basler"}
    top |= {"model_number": "acA1300", "type": "Device", "device_model_metadata_key": ""}
    side = {"name": "side", "manufacturer": "FLIR", "model_name": "Blackfly S"}
    path = _written(tmp_path, {"top": top, "side": side})
    with NWBHDF5IO(path, "r") as io, warnings.catch_warnings():
        warnings.simplefilter("error")
        devices = io.read().devices
        model = devices["top"].model
        assert (devices["top"].description, devices["top"].serial_number) == ("Top camera.", "SN1")
        assert (model.name, model.manufacturer, model.model_number) == ("Basler acA1300", "Basler", "acA1300")
        assert (devices["side"].model.name, devices["side"].model.manufacturer) == ("Blackfly S", "FLIR")


def test_a_device_model_entry_without_a_make_is_written_as_neuroconv_writes_it(tmp_path):
    # pynwb requires a DeviceModel's manufacturer: a model entry without one was a TypeError from pynwb.
    devices = {"cam": {"name": "top", "device_model_metadata_key": "m"}}
    path = _written(tmp_path, devices, {"m": {"name": "ace", "model_number": "acA1300"}})
    with NWBHDF5IO(path, "r") as io:
        model = io.read().devices["top"].model
        assert (model.name, model.manufacturer, model.model_number) == ("ace", "unknown", "acA1300")


@pytest.mark.parametrize(
    ("entry", "said"),
    [
        ({"manufactuer": "Basler"}, "'manufactuer' (did you mean 'manufacturer'?) is not a field of a camera Device"),
        ({"type": "OpticalFiber"}, "type 'OpticalFiber': cameras are Device"),
        ({"manufacturer": "Basler", "device_model_metadata_key": "m"}, "gives another manufacturer than its model"),
    ],
)
def test_a_field_no_camera_has_is_an_error_naming_it(entry, said):
    # The Devices schema is open to any field (neuroconv's), so a typo passed every form and check.
    metadata = {
        "Devices": {"cam": {"name": "top", **entry}},
        "DeviceModels": {"m": {"name": "ace", "manufacturer": "FLIR"}},
    }
    with pytest.raises(MetadataError, match=r"metadata\['Devices'\]\['cam'\]") as raised:
        get_or_add_device(mock_NWBFile(), metadata, "cam")
    assert said in str(raised.value)


def test_two_makes_under_one_model_name_are_an_error_not_one_camera_s_make_for_both():
    # The second camera reused the first one's DeviceModel: written as FLIR, though given as Basler.
    devices = {
        "a": {"name": "top", "manufacturer": "FLIR", "model_name": "USB3 camera"},
        "b": {"name": "side", "manufacturer": "Basler", "model_name": "USB3 camera"},
        "c": {"name": "back", "manufacturer": "FLIR", "model_name": "USB3 camera"},
    }
    nwbfile = mock_NWBFile()
    get_or_add_device(nwbfile, {"Devices": devices}, "a")
    assert get_or_add_device(nwbfile, {"Devices": devices}, "c").model is nwbfile.devices["top"].model
    with pytest.raises(MetadataError, match="Two camera models are named 'USB3 camera' with different manufacturer"):
        get_or_add_device(nwbfile, {"Devices": devices}, "b")


def test_a_make_given_on_the_camera_and_its_model_alike_is_written_once(tmp_path):
    # A form shows both; at first both were refused, whatever they said (they converted before, the device's dropped).
    devices = {"cam": {"name": "top", "manufacturer": "Basler", "device_model_metadata_key": "m"}}
    path = _written(tmp_path, devices, {"m": {"name": "ace", "model_number": "acA1300"}})
    with NWBHDF5IO(path, "r") as io:
        model = io.read().devices["top"].model
        assert (model.name, model.manufacturer, model.model_number) == ("ace", "Basler", "acA1300")


def test_a_camera_named_like_another_interface_s_device_is_an_error_naming_both():
    # A camera renamed to the ephys interface's device: merged into it without a word, its description lost
    # and the video and poses linking the electrodes' device.
    from pynwb.testing.mock.ecephys import mock_ElectrodeGroup

    nwbfile = mock_NWBFile()
    probe = mock_ElectrodeGroup(nwbfile=nwbfile).device
    devices = {"cam": {"name": probe.name, "description": "Top camera, 30 fps"}}
    said = rf"metadata\['Devices'\]\['cam'\] names the camera '{probe.name}'.*ElectrodeGroup.*another name"
    with pytest.raises(MetadataError, match=said):
        get_or_add_device(nwbfile, {"Devices": devices}, "cam")
    # A camera of the name whose fields are not the entry's is another camera, not this one.
    devices = {"a": {"name": "top", "description": "Top camera."}, "b": {"name": "top", "description": "Side."}}
    get_or_add_device(nwbfile, {"Devices": devices}, "a")
    with pytest.raises(MetadataError, match=r"\['b'\].*another camera: its description 'Top camera.', not 'Side.'"):
        get_or_add_device(nwbfile, {"Devices": devices}, "b")


def test_one_camera_of_several_entries_alike_is_one_device(tmp_path):
    top = {"name": "top", "description": "Top camera.", "manufacturer": "Basler"}
    devices = {
        "a": top,
        "b": dict(top),
        "c": {"name": "top", "description": "Camera that recorded the behavior video 'x'."},
    }
    nwbfile = mock_NWBFile()
    found = {get_or_add_device(nwbfile, {"Devices": devices}, key) for key in devices}
    assert len(found) == 1 and list(nwbfile.devices) == ["top"]
