"""MultiCameraPoseEstimation read-back (the round trips are in tests/unit/nwb/write/test_multicamera.py)."""

from __future__ import annotations

from pynwb import NWBHDF5IO
from pynwb.testing.mock.file import mock_NWBFile

from poseconv.nwb.read.multicamera import read_multicamera


def test_file_without_multicamera_containers_reads_as_empty(tmp_path):
    path = tmp_path / "empty.nwb"
    with NWBHDF5IO(path, "w") as io:
        io.write(mock_NWBFile())
    assert read_multicamera(path) == []
    # A list of paths went to the in-memory branch: hdmf's "HDF5IO.write: incorrect type for 'container'".
    import pytest

    from poseconv.errors import InvalidOptionError

    with pytest.raises(
        InvalidOptionError, match=r"read_multicamera: nwbfile must be a path .*or a pynwb.NWBFile.*got list"
    ):
        read_multicamera([path])
    assert read_multicamera(mock_NWBFile()) == []


def _multicamera_file(tmp_path, rates, frames=4):
    import h5py
    import numpy as np
    from ndx_pose import MultiCameraPoseEstimation, PoseEstimation, PoseEstimationSeries, Skeleton, Skeletons

    nwbfile = mock_NWBFile()
    skeleton = Skeleton(name="s", nodes=["a", "b"])
    series = [
        PoseEstimationSeries(
            name=n, data=np.ones((frames, 3)), unit="mm", reference_frame="r", rate=30.0, starting_time=0.0
        )
        for n in skeleton.nodes
    ]
    module = nwbfile.create_processing_module("behavior", "b")
    module.add(Skeletons(skeletons=[skeleton]))
    camera = nwbfile.create_device(name="camera1", description="c")
    view = PoseEstimation(name="PoseEstimation_camera1", device=camera, skeleton=skeleton)
    module.add(
        MultiCameraPoseEstimation(name="M", pose_estimation_series=series, pose_estimations=[view], skeleton=skeleton)
    )
    path = tmp_path / "m.nwb"
    with NWBHDF5IO(path, "w") as io:
        io.write(nwbfile)
    with h5py.File(path, "r+") as handle:
        for node, rate in zip(skeleton.nodes, rates, strict=True):
            handle[f"processing/behavior/M/{node}/starting_time"].attrs["rate"] = rate
    return path


def test_a_rate_of_zero_reads_as_frame_numbers_with_a_warning(tmp_path):
    import pytest

    from poseconv.errors import PoseconvWarning

    with pytest.warns(PoseconvWarning, match="stores a frame rate of 0.0"):
        [session] = read_multicamera(_multicamera_file(tmp_path, [0.0, 0.0]))
    assert session.timing.rate == 1.0 and "rate of 0.0" in session.timing.source


def test_series_of_other_lengths_are_refused_naming_the_file(tmp_path):
    import h5py
    import pytest

    from poseconv.errors import InvalidSourceFileError

    path = _multicamera_file(tmp_path, [30.0, 30.0])
    with h5py.File(path, "r+") as handle:
        del handle["processing/behavior/M/b/data"]
        handle["processing/behavior/M/b/data"] = [[0.0, 0.0, 0.0]]
    with pytest.raises(InvalidSourceFileError, match=r"m.nwb: /processing/behavior/M/b holds \(1, 3\)"):
        read_multicamera(path)


def test_a_read_failure_at_a_url_names_the_url_once(tmp_path, flaky_server, monkeypatch):
    # "error: URL: URL: the server answered HTTP 500": the session reader put the URL before a message that
    # already began with it. Every read after the file is opened is failed in turn.
    import shutil

    import pytest

    from poseconv.errors import InvalidSourceFileError
    from poseconv.nwb.read.multicamera import read_sessions
    from poseconv.nwb.read.store import open_store

    monkeypatch.setattr("poseconv.nwb.read.http_retry.FIRST_WAIT", 0.0)
    # Series of many frames: their data is read after the file is opened, in reads of their own.
    shutil.copy(_multicamera_file(tmp_path, [30.0, 30.0], frames=50_000), flaky_server.root / "m.nwb")
    url = flaky_server.url("m.nwb")
    with open_store(url) as root:
        opened = flaky_server.gets
        read_sessions(root, url)
        reads = flaky_server.gets - opened
    said = []
    for failing in range(1, reads + 1):
        flaky_server.fail_from, flaky_server.gets = None, 0
        with open_store(url) as root:
            flaky_server.fail_from = (flaky_server.gets + failing, 500)
            with pytest.raises(InvalidSourceFileError, match="HTTP 500") as caught:
                read_sessions(root, url)
        said.append(str(caught.value))
    assert said and all(message.count(url) == 1 for message in said), said
