"""Video paths stored relative to the NWB file, and the conversion options that ask for it."""

from __future__ import annotations

import os
import shutil
import warnings
from datetime import UTC, datetime

import numpy as np
import pytest
from pynwb import NWBHDF5IO
from pynwb.image import ImageSeries
from pynwb.testing.mock.file import mock_NWBFile

from poseconv import DeepLabCutPoseInterface, PoseNWBConverter
from poseconv.errors import InvalidOptionError
from poseconv.interfaces import PoseConverterPipe
from poseconv.interfaces.external_files import relative_external_files
from tests.fixtures.deeplabcut import MULTI_ANIMAL_DIR, MULTI_ANIMAL_H5, write_dlc_file
from tests.fixtures.paths import needs_shared_data


def _video(name: str, path: str) -> ImageSeries:
    return ImageSeries(name=name, external_file=[path], format="external", timestamps=[0.0, 0.1], starting_frame=[0])


def test_paths_relative_to_the_working_folder_are_rebased_on_the_file_s_folder(tmp_path, monkeypatch):
    """neuroconv's ExternalVideoInterface stores paths as given: one relative to the working folder was kept."""
    work, out = tmp_path / "work", tmp_path / "out"
    (work / "videos").mkdir(parents=True)
    out.mkdir()
    for name in ("cam1.mp4", "both.mp4"):
        (work / "videos" / name).touch()
    (out / "videos").mkdir()
    (out / "videos" / "both.mp4").touch()
    monkeypatch.chdir(work)
    nwbfile = mock_NWBFile()
    given = {
        "cwd": "videos/cam1.mp4",
        "absolute": str(work / "videos" / "cam1.mp4"),
        # Found from the file's folder already (poseconv's own paths are written so): kept.
        "from_file": "videos/both.mp4",
        "missing": "videos/nowhere.mp4",
        "url": "https://example.org/cam1.mp4",
    }
    for name, path in given.items():
        nwbfile.add_acquisition(_video(name, path))
    relative_external_files(nwbfile, out)
    stored = {name: nwbfile.acquisition[name].external_file[0] for name in given}
    assert stored == {
        "cwd": os.path.join("..", "work", "videos", "cam1.mp4"),
        "absolute": os.path.join("..", "work", "videos", "cam1.mp4"),
        "from_file": "videos/both.mp4",
        "missing": "videos/nowhere.mp4",
        "url": "https://example.org/cam1.mp4",
    }


def test_a_video_linked_from_outside_the_dandiset_the_file_is_written_into_is_warned(tmp_path):
    """`dandi upload` sends only the Dandiset folder: a video linked from outside it points nowhere on DANDI."""
    from poseconv.errors import PoseconvWarning

    dandiset, elsewhere = tmp_path / "000123", tmp_path / "raw"
    (dandiset / "sub-m1" / "videos").mkdir(parents=True)
    (dandiset / "dandiset.yaml").write_text("identifier: DANDI:000123\n")
    elsewhere.mkdir()
    (elsewhere / "cam1.mp4").touch()
    (dandiset / "sub-m1" / "videos" / "cam2.mp4").touch()
    nwbfile = mock_NWBFile()
    nwbfile.add_acquisition(_video("outside", str(elsewhere / "cam1.mp4")))
    nwbfile.add_acquisition(_video("inside", str(dandiset / "sub-m1" / "videos" / "cam2.mp4")))
    with pytest.warns(PoseconvWarning) as caught:
        relative_external_files(nwbfile, dandiset / "sub-m1")
    [warned] = [str(w.message) for w in caught]
    assert "'outside'" in warned and f"{elsewhere / 'cam1.mp4'}" in warned and f"Dandiset {dandiset}" in warned
    assert "dandi organize --update-external-file-paths" in warned
    # Outside any Dandiset (no dandiset.yaml above the file) the same links are nothing to say.
    (dandiset / "dandiset.yaml").unlink()
    nwbfile = mock_NWBFile()
    nwbfile.add_acquisition(_video("outside", str(elsewhere / "cam1.mp4")))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        relative_external_files(nwbfile, dandiset / "sub-m1")


@needs_shared_data
@pytest.mark.parametrize("append", [False, True], ids=["write", "append"])
def test_a_video_interface_given_a_relative_path_links_the_video_from_the_file(tmp_path, monkeypatch, append):
    from neuroconv.datainterfaces import ExternalVideoInterface

    data = tmp_path / "data"
    (data / "videos").mkdir(parents=True)
    shutil.copy(MULTI_ANIMAL_DIR / "m3v1mp4short.mp4", data / "videos")
    shutil.copy(MULTI_ANIMAL_H5, data / "videos")
    monkeypatch.chdir(data)

    class Converter(PoseNWBConverter):
        data_interface_classes = dict(Video=ExternalVideoInterface, Pose=DeepLabCutPoseInterface)

    converter = Converter(
        source_data=dict(
            Video=dict(file_paths=["videos/m3v1mp4short.mp4"]), Pose=dict(file_path=f"videos/{MULTI_ANIMAL_H5.name}")
        )
    )
    metadata = converter.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    path = tmp_path / "out" / "session.nwb"
    path.parent.mkdir()
    if append:
        # An existing file (ephys written earlier): neuroconv appends without its _write_nwbfile.
        with NWBHDF5IO(path, "w") as io:
            io.write(mock_NWBFile(session_start_time=datetime(2024, 1, 1, tzinfo=UTC)))
    converter.run_conversion(nwbfile_path=path, metadata=metadata, append_on_disk_nwbfile=append)
    with NWBHDF5IO(path, "r") as io:
        video = io.read().processing["behavior"]["PoseEstimation_individual1"].source_video
        stored = video.external_file[0]
    assert stored == os.path.join("..", "data", "videos", "m3v1mp4short.mp4")
    assert (path.parent / stored).resolve() == (data / "videos" / "m3v1mp4short.mp4").resolve()


def test_conversion_options_that_are_not_dicts_are_refused_by_name(tmp_path):
    """{'Pose': True} failed with "TypeError: 'bool' object is not iterable"."""
    positions = {"nose": np.zeros((3, 2))}
    interface = DeepLabCutPoseInterface(
        file_path=write_dlc_file(tmp_path / "aDLC_resnet50_tJan1shuffle1_1.h5", positions), sampling_frequency=30.0
    )
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    converter = PoseConverterPipe({"Pose": interface})
    with pytest.raises(InvalidOptionError, match=r"conversion_options\['Pose'\] must be a dict .*, got True"):
        converter.run_conversion(nwbfile_path=tmp_path / "a.nwb", metadata=metadata, conversion_options={"Pose": True})
    with pytest.raises(InvalidOptionError, match=r"conversion_options must be a dict of options by interface name"):
        converter.run_conversion(nwbfile_path=tmp_path / "a.nwb", metadata=metadata, conversion_options=True)
    assert not (tmp_path / "a.nwb").exists()
    converter.run_conversion(nwbfile_path=tmp_path / "a.nwb", metadata=metadata, conversion_options={"Pose": None})
    assert (tmp_path / "a.nwb").exists()
