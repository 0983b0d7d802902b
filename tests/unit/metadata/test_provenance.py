"""poseconv's line in neuroconv's provenance record (``general/source_script``)."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from poseconv import __version__
from poseconv.metadata.provenance import with_poseconv_provenance

_RECORD = (
    "NeuroConv provenance record\nneuroconv_version: 0.10.2\nexecution_environment: script\n"
    "neuroconv_provenance_format: 1"
)


def _blocks(record: str, file_name: str = "neuroconv") -> dict:
    return {"NWBFile": {"source_script": record, "source_script_file_name": file_name}, "Subject": {"sex": "F"}}


def test_the_record_names_poseconvs_version_and_command_from_the_command_line(monkeypatch):
    monkeypatch.setattr(sys, "argv", ["/venv/bin/poseconv", "-q", "convert", "/data/a.slp", "-o", "a.nwb"])
    blocks = _blocks(_RECORD)
    got = with_poseconv_provenance(blocks)
    lines = got["NWBFile"]["source_script"].split("\n")
    # poseconv's keys before the line naming the record's format; never the arguments (paths, signed URLs).
    assert lines[-3] == f"poseconv_version: {__version__}"
    assert lines[-2] == "poseconv_command: poseconv convert"
    assert lines[-1] == "neuroconv_provenance_format: 1"
    assert "a.slp" not in got["NWBFile"]["source_script"]
    assert got["NWBFile"]["source_script_file_name"] == "poseconv"
    assert got["Subject"] == {"sex": "F"}
    assert blocks["NWBFile"]["source_script"] == _RECORD  # the caller's blocks are left as they were


def test_from_python_the_users_script_stays_named(monkeypatch):
    monkeypatch.setattr(sys, "argv", ["convert_sessions.py"])
    got = with_poseconv_provenance(_blocks(_RECORD, "convert_sessions.py"))
    assert f"poseconv_version: {__version__}" in got["NWBFile"]["source_script"]
    assert "poseconv_command" not in got["NWBFile"]["source_script"]
    assert got["NWBFile"]["source_script_file_name"] == "convert_sessions.py"


@pytest.mark.parametrize("record", ["my own script, run by hand", None])
def test_a_source_script_the_user_gave_is_kept(record):
    blocks = {"NWBFile": {"source_script": record}} if record else {"NWBFile": {}}
    assert with_poseconv_provenance(blocks) == blocks


def test_a_file_written_by_an_interface_names_poseconv(tmp_path):
    import datetime as dt

    import h5py

    from poseconv import DeepLabCutPoseInterface
    from tests.fixtures.deeplabcut import write_dlc_file

    source = write_dlc_file(tmp_path / "vDLC_resnet50_testJan1shuffle1_100.h5", {"a": np.array([[1.0, 2.0]] * 3)})
    interface = DeepLabCutPoseInterface(file_path=source, sampling_frequency=30.0)
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    interface.run_conversion(nwbfile_path=tmp_path / "v.nwb", metadata=metadata)
    with h5py.File(tmp_path / "v.nwb", "r") as handle:
        record = handle["general/source_script"][()].decode()
    assert record.startswith("NeuroConv provenance record")
    assert f"\nposeconv_version: {__version__}\n" in record


def test_python_m_poseconv_from_a_checkout_is_poseconvs_command_line(monkeypatch):
    # neuroconv took src/poseconv/__main__.py for the user's script: file_name '__main__.py'.
    monkeypatch.setattr(sys, "argv", ["/work/src/poseconv/__main__.py", "run", "spec.yaml"])
    got = with_poseconv_provenance(_blocks(_RECORD, "__main__.py"))
    assert "poseconv_command: poseconv run" in got["NWBFile"]["source_script"]
    assert got["NWBFile"]["source_script_file_name"] == "poseconv"
