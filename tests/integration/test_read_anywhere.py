"""NWB Zarr stores from every entry point, and inspect / export / plot / validate on a store and on a URL.

Each entry point that writes (``poseconv convert -o X.nwb.zarr``, a spec with ``backend: zarr`` run
by ``poseconv run``, an interface's and a converter's ``run_conversion(backend="zarr")``) writes the
real multi-animal DeepLabCut file; pynwb's Zarr reader (hdmf-zarr's ``NWBZarrIO``) and
``poseconv.read_nwb`` read every value of the store back, equal to the HDF5 file ``convert`` writes.
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest
import yaml

from poseconv import DeepLabCutPoseInterface, PoseNWBConverter, read_nwb
from tests.fixtures.deeplabcut import MULTI_ANIMAL_DIR, MULTI_ANIMAL_H5
from tests.fixtures.nwb import user_metadata
from tests.fixtures.paths import needs_shared_data
from tests.integration.test_cli import START, assert_one_line_error, poseconv

pytestmark = needs_shared_data

ENTRY_POINTS = ("convert", "run", "interface", "converter")
VIDEO = "m3v1mp4short.mp4"


def _session(session_id: str) -> dict:
    return {"session_id": session_id, "session_start_time": START, "pose": [{"file_path": str(MULTI_ANIMAL_H5)}]}


def _write(entry: str, folder):
    """Write MULTI_ANIMAL_H5 to a Zarr store in ``folder`` through ``entry``; return the store."""
    store = folder / f"{entry}.nwb.zarr"
    if entry == "convert":
        poseconv("convert", MULTI_ANIMAL_H5, "-o", store, "--session-start-time", START)
    elif entry == "run":
        spec = {
            "output_folder": ".",
            "backend": "zarr",
            "sessions": [
                {"session_id": "run", "session_start_time": START, "pose": [{"file_path": str(MULTI_ANIMAL_H5)}]}
            ],
        }
        (folder / "spec.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
        poseconv("run", folder / "spec.yaml")
    elif entry == "interface":
        interface = DeepLabCutPoseInterface(file_path=MULTI_ANIMAL_H5)
        interface.run_conversion(nwbfile_path=store, metadata=user_metadata(interface), backend="zarr")
    else:

        class Converter(PoseNWBConverter):
            data_interface_classes = {"Pose": DeepLabCutPoseInterface}

        converter = Converter(source_data={"Pose": {"file_path": str(MULTI_ANIMAL_H5)}})
        converter.run_conversion(nwbfile_path=store, metadata=user_metadata(converter), backend="zarr")
    return store


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """The HDF5 file ``convert`` writes, and a Zarr store per entry point, in a folder beside the video."""
    folder = tmp_path_factory.mktemp("zarr")
    # The video beside the outputs: external_file is stored relative to the store's folder.
    shutil.copy(MULTI_ANIMAL_DIR / VIDEO, folder / VIDEO)
    reference = folder / "reference.nwb"
    poseconv("convert", MULTI_ANIMAL_H5, "-o", reference, "--session-start-time", START)
    return reference, {entry: _write(entry, folder) for entry in ENTRY_POINTS}


def _pynwb_values(path) -> dict:
    """Every PoseEstimationSeries of a store as pynwb's Zarr reader gives it: (data, confidence, rate, start)."""
    import ndx_pose  # noqa: F401 - registers the types NWBZarrIO builds
    from hdmf_zarr import NWBZarrIO

    with NWBZarrIO(str(path), mode="r") as io:
        nwbfile = io.read()
        return {
            (container.name, name): (series.data[:], series.confidence[:], series.rate, series.starting_time)
            for container in nwbfile.processing["behavior"].data_interfaces.values()
            if type(container).__name__ == "PoseEstimation"
            for name, series in container.pose_estimation_series.items()
        }


def _assert_same_poses(actual: list, expected: list) -> None:
    assert len(actual) == len(expected)
    for got, want in zip(actual, expected, strict=True):
        assert got.skeletons == want.skeletons and got.timing == want.timing
        assert got.videos == want.videos and got.source_software == want.source_software
        for track, wanted in zip(got.tracks, want.tracks, strict=True):
            assert (track.name, track.video, track.skeleton) == (wanted.name, wanted.video, wanted.skeleton)
            np.testing.assert_array_equal(track.positions, wanted.positions)
            np.testing.assert_array_equal(track.confidence, wanted.confidence)


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_every_entry_point_writes_a_store_pynwb_and_poseconv_read_value_for_value(written, entry):
    reference, stores = written
    store = stores[entry]
    assert store.is_dir() and (store / ".zmetadata").is_file()
    assert not [p for p in store.parent.iterdir() if ".partial" in p.name]
    expected = read_nwb(reference)
    _assert_same_poses(read_nwb(store), expected)
    # pynwb reads the same values, container by container and node by node.
    values = _pynwb_values(store)
    assert len(values) == sum(len(t.positions[0]) for p in expected for t in p.tracks)
    for pose in expected:
        for track in pose.tracks:
            container = pose.notes["nwb_containers"][f"{track.video}/{track.name}"].rsplit("/", 1)[-1]
            for j, node in enumerate(pose.skeletons[track.skeleton].nodes):
                data, confidence, rate, start = values[(container, node)]
                np.testing.assert_array_equal(data, track.positions[:, j, :])
                np.testing.assert_array_equal(confidence, track.confidence[:, j])
                assert rate == pose.timing[track.video].rate and start == pose.timing[track.video].starting_time


def test_inspect_export_plot_and_validate_read_a_store(written, tmp_path):
    reference, stores = written
    store = stores["convert"]
    document = json.loads(poseconv("inspect", store, "--json").stdout)
    assert document["session"]["session_start_time"].startswith("2024-05-01T10:30:00")
    assert sorted(t["name"] for p in document["poses"] for t in p["tracks"]) == [
        "individual1",
        "individual2",
        "individual3",
        "single",
    ]
    out = tmp_path / "back.h5"
    poseconv("export", store, "--to", "dlc", out)
    pd.testing.assert_frame_equal(pd.read_hdf(out), pd.read_hdf(MULTI_ANIMAL_H5), check_exact=True)
    poseconv("plot", store, "-o", tmp_path / "summary.png")
    assert (tmp_path / "summary.png").stat().st_size > 0
    # The video is found through the store's source_video link, relative to the store's folder.
    result = poseconv(
        "plot", store, "--container", "PoseEstimation_individual1", "--frame", "3", "-o", tmp_path / "f.png"
    )
    assert VIDEO in result.stderr
    result = poseconv("validate", store, "--json", check_rc=None)
    report = json.loads(result.stdout)[0]
    assert report["file"] == str(store)
    assert not [p for p in report["problems"] if p["check"].startswith("poseconv:")]
    # nwbinspector reads the store as it reads the HDF5 file.
    from_hdf5 = json.loads(poseconv("validate", reference, "--json", check_rc=None).stdout)[0]
    assert sorted(p["check"] for p in report["problems"]) == sorted(p["check"] for p in from_hdf5["problems"])


@pytest.mark.parametrize("kind", ["hdf5", "zarr"])
def test_inspect_export_plot_and_validate_read_a_url(written, range_server, tmp_path, kind):
    reference, stores = written
    if kind == "hdf5":
        shutil.copy(reference, range_server.root / "session.nwb")
        url = range_server.url("session.nwb", redirect=True)
    else:
        shutil.copytree(stores["convert"], range_server.root / "session.nwb.zarr")
        url = range_server.url("session.nwb.zarr")
    document = json.loads(poseconv("inspect", url, "--json").stdout)
    assert document["file"] == url and len(document["poses"][0]["tracks"]) == 4
    # The URL is kept whole as the poses' source (a Path would make 'http://' 'http:/').
    assert {pose["source_file"] for pose in document["poses"]} == {url}
    (pose, *_) = read_nwb(url)
    assert pose.source_file == url and pose.source_name == ("session.nwb" if kind == "hdf5" else "session.nwb.zarr")
    out = tmp_path / "back.h5"
    poseconv("export", url, "--to", "dlc", out)
    pd.testing.assert_frame_equal(pd.read_hdf(out), pd.read_hdf(MULTI_ANIMAL_H5), check_exact=True)
    poseconv("plot", url, "-o", tmp_path / "summary.png")
    # The video is relative to the file on the server: the .slp names it as recorded, and says so (before, silently).
    exported = poseconv("export", url, "--to", "slp", tmp_path / "back.slp")
    assert f"', relative to the NWB file at {url}, which is not on this computer" in exported.stderr
    # The video is relative to the file on the server: --video-path gives it.
    args = ("plot", url, "--container", "PoseEstimation_individual1", "--frame", "3", "-o", tmp_path / "f.png")
    assert_one_line_error(poseconv(*args, check_rc=None), "is read from a URL", "--video-path")
    poseconv(*args, "--video-path", MULTI_ANIMAL_DIR / VIDEO)
    report = json.loads(poseconv("validate", url, "--json", check_rc=None).stdout)[0]
    assert report["file"] == url
    # nwbinspector ran on the streamed file: the reference file has no Subject; the URL's name is no file name.
    checks = {p["check"] for p in report["problems"]}
    assert "check_subject_exists" in checks and "check_file_extension" not in checks
    assert not [p for p in report["problems"] if p["importance"] == "ERROR"]


def test_overwrite_replaces_a_store_and_a_failed_write_leaves_the_old_one(tmp_path):
    store = tmp_path / "x.nwb.zarr"
    poseconv("convert", MULTI_ANIMAL_H5, "-o", store, "--session-start-time", START)
    assert_one_line_error(
        poseconv("convert", MULTI_ANIMAL_H5, "-o", store, "--session-start-time", START, check_rc=None),
        "already exists",
        "--overwrite",
    )
    before = read_nwb(store)
    # A conversion that fails while writing (no session start time anywhere) leaves the store as it was.
    interface = DeepLabCutPoseInterface(file_path=MULTI_ANIMAL_H5)
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = "not a date"
    with pytest.raises(Exception):  # noqa: B017, PT011 - whichever error the bad metadata raises
        interface.run_conversion(nwbfile_path=store, metadata=metadata, backend="zarr", overwrite=True)
    _assert_same_poses(read_nwb(store), before)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.nwb.zarr"]
    poseconv("convert", MULTI_ANIMAL_H5, "-o", store, "--session-start-time", START, "--overwrite", "--stub")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.nwb.zarr"]
    _assert_same_poses(read_nwb(store), before)


def test_the_backend_and_the_output_name_go_together(tmp_path):
    assert_one_line_error(
        poseconv("convert", MULTI_ANIMAL_H5, "-o", tmp_path / "x.nwb", "--backend", "zarr", check_rc=None),
        "name it .nwb.zarr",
    )
    assert_one_line_error(
        poseconv("convert", MULTI_ANIMAL_H5, "-o", tmp_path / "x.nwb", "--backend", "exdir", check_rc=None),
        "--backend='exdir': give one of hdf5, zarr",
    )
    spec = {
        "backend": "zarr",
        "sessions": [
            {
                "session_id": "s",
                "nwbfile_name": "s.nwb",
                "session_start_time": START,
                "pose": [{"file_path": str(MULTI_ANIMAL_H5)}],
            }
        ],
    }
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    result = poseconv("run", tmp_path / "spec.yaml", "--check", check_rc=None)
    assert result.returncode == 1 and "nwbfile_name (line" in result.stderr and "name it .nwb.zarr" in result.stderr


def test_training_labels_and_multi_camera_poses_read_back_from_a_store(tmp_path):
    from poseconv import read_multicamera, read_training
    from tests.fixtures.sleap_session_groups import session_file
    from tests.fixtures.training import MONTBLANC_PROJECT

    # A two-camera session: the Zarr store is read as the HDF5 file is whatever the number of cameras (the 8-camera
    # min_session.slp written to a store is checked value by value in test_neuroconv_mixins_sessions_and_training).
    cameras = session_file(tmp_path / "two_cameras.slp", tracks=["a", "b"])
    for suffix in (".nwb", ".nwb.zarr"):
        labels, session = tmp_path / f"labels{suffix}", tmp_path / f"session{suffix}"
        poseconv("convert", MONTBLANC_PROJECT, "--source", "dlc-labels", "-o", labels, "--session-start-time", START)
        poseconv("convert", cameras, "--fps", "30", "-o", session, "--session-start-time", START)
    stored, expected = read_training(tmp_path / "labels.nwb.zarr"), read_training(tmp_path / "labels.nwb")
    assert stored.skeletons == expected.skeletons and stored.individuals == expected.individuals
    assert [(f.video, f.frame_index, f.image) for f in stored.frames] == [
        (f.video, f.frame_index, f.image) for f in expected.frames
    ]
    for got, want in zip(stored.frames, expected.frames, strict=True):
        for a, b in zip(got.instances, want.instances, strict=True):
            assert a.individual == b.individual
            np.testing.assert_array_equal(a.points, b.points)
    document = json.loads(poseconv("inspect", tmp_path / "labels.nwb.zarr", "--json").stdout)
    assert [t["n_frames"] for t in document["training"]] == [len(expected.frames)]
    # pynwb cannot read the store (hdmf-zarr#323, as the README says): validate said so with an internal error
    # and a builder dump of kilobytes; now poseconv's checks run and nwbinspector's failure is one ERROR line.
    result = poseconv("validate", tmp_path / "labels.nwb.zarr", "--json", check_rc=None)
    assert result.returncode == 1 and not result.stderr, result.stderr
    (problem,) = json.loads(result.stdout)[0]["problems"]
    assert problem["importance"] == "ERROR" and "nwbinspector could not read the file" in problem["message"]
    assert "hdmf-zarr#323" in problem["message"] and "\n" not in problem["message"] and len(problem["message"]) < 500
    (stored,), (expected,) = read_multicamera(tmp_path / "session.nwb.zarr"), read_multicamera(tmp_path / "session.nwb")
    assert sorted(stored.views) == sorted(expected.views)
    for camera, view in expected.views.items():
        for a, b in zip(stored.views[camera].tracks, view.tracks, strict=True):
            np.testing.assert_array_equal(a.positions, b.positions)


def test_a_slp_exported_elsewhere_names_the_video_where_the_nwb_file_does(written, tmp_path):
    # NWB stores the video relative to the NWB file; a .slp written in another folder gave that relative path,
    # which from the .slp's folder named nothing when the video was not here.
    import os

    import h5py
    import sleap_io as sio

    reference, _ = written
    moved = tmp_path / "nwb" / "session.nwb"
    moved.parent.mkdir()
    shutil.copy(reference, moved)
    out = tmp_path / "elsewhere" / "deeper" / "back.slp"
    out.parent.mkdir(parents=True)
    poseconv("export", moved, "--to", "slp", out)
    with h5py.File(moved, "r") as handle:
        recorded = handle["acquisition/Video m3v1mp4short/external_file"][0].decode()
    expected = os.path.normpath(moved.parent / recorded)
    assert not os.path.isabs(recorded) and expected != os.path.normpath(out.parent / recorded)
    assert sio.load_slp(str(out), open_videos=False).videos[0].filename == expected


@needs_shared_data
def test_a_slp_exported_names_a_video_the_converting_machine_lacked_as_the_tool_recorded_it(tmp_path):
    # clip.predictions.slp records 'tests/data/tracks/clip.mp4', relative to where SLEAP ran. Converted where that
    # video is not, the NWB file links nothing and names the path in its description; the export put the NWB
    # file's folder in front, a path nobody recorded (only a linked ImageSeries' file is relative to the NWB file).
    import sleap_io as sio

    from tests.fixtures.sleap import SLP_CLIP_PREDICTIONS

    source = tmp_path / "in" / SLP_CLIP_PREDICTIONS.name
    source.parent.mkdir()
    shutil.copy(SLP_CLIP_PREDICTIONS, source)
    recorded = sio.load_slp(str(source), open_videos=False).videos[0].filename
    nwb = tmp_path / "out" / "clip.nwb"
    nwb.parent.mkdir()
    poseconv("convert", source, "-o", nwb, "--fps", "25", "--session-start-time", START)
    poseconv("export", nwb, "--to", "slp", tmp_path / "back.slp")
    assert recorded == "tests/data/tracks/clip.mp4"
    assert sio.load_slp(str(tmp_path / "back.slp"), open_videos=False).videos[0].filename == recorded


def test_validate_reads_the_timestamps_of_a_store(tmp_path):
    # A store whose series store timestamps (linked to the first series') stopped validate with an internal
    # error: the check of timestamps shared between series took the HDF5 object id, which zarr arrays lack.
    times = tmp_path / "times.txt"
    np.savetxt(times, np.arange(31) / 30.0 + np.where(np.arange(31) >= 10, 0.013, 0.0))
    store = tmp_path / "t.nwb.zarr"
    poseconv("convert", MULTI_ANIMAL_H5, "-o", store, "--timestamps", times, "--session-start-time", START)
    result = poseconv("validate", store, "--json", "--pose-only", check_rc=None)
    assert result.returncode in (0, 1) and "internal error" not in result.stderr, result.stderr
    report = json.loads(result.stdout)[0]
    assert not [p for p in report["problems"] if p["check"].startswith("poseconv:")]
