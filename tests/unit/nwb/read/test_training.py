"""ndx-pose PoseTraining -> TrainingData: other tools' files, in-memory files and errors."""

from __future__ import annotations

import numpy as np
import pytest
from pynwb import NWBHDF5IO
from pynwb.testing.mock.file import mock_NWBFile

from poseconv.errors import InvalidOptionError, InvalidSourceFileError
from poseconv.nwb.read.training import read_training
from poseconv.nwb.write.training import write_pose_training
from tests.fixtures.nwb import SOURCE_FRAME_POINTS, write_source_frame_training
from tests.fixtures.paths import SHARED_DATA
from tests.fixtures.remote_failures import with_damaged_header
from tests.unit.nwb.write.test_training import tracked_training

SLEAP_IO_ANNOTATIONS = SHARED_DATA / "sleap-io.js/tests/data/nwb/minimal.annotations.nwb"


def test_reads_sleap_io_annotations():
    training = read_training(SLEAP_IO_ANNOTATIONS)
    assert [f.frame_index for f in training.frames] == [0, 5]
    assert training.skeletons["skeleton_0"].nodes == ("a", "b", "c")
    # sleap-io names instances instance_<i> and keeps no tracks: untracked.
    assert all(i.individual is None for f in training.frames for i in f.instances)
    second = training.frames[0].instances[1]
    np.testing.assert_array_equal(second.visible, [True, True, False])
    # Keyed by the video's stem, as the pose reader keys it (DeepLabCut's labeled-data/<stem>), not by
    # sleap-io's ImageSeries name 'video_0'.
    assert training.videos["minimal_annot_src"].original_path == "/tmp/minimal_annot_src.mp4"


def test_video_keys_fall_back_to_the_image_series_name():
    from poseconv.nwb.read.training import _RawVideo, _video_keys

    def video(name, *files):
        return _RawVideo(name=name, external_file=files, dimension=(), rate=None, num_samples=None)

    keys = _video_keys(
        [
            video("video_0", "/a/cam1/session.mp4"),
            video("video_1", "/a/cam2/session.mp4"),
            video("video_2", "c:\\data\\top.avi"),
            video("images", "img0.png", "img1.png"),
            video("stored"),
        ]
    )
    # Two files of one stem would be taken for one video: their series' names keep them apart.
    assert keys == {
        "video_0": "video_0",
        "video_1": "video_1",
        "video_2": "top",
        "images": "images",
        "stored": "stored",
    }


def test_read_errors(tmp_path):
    nwbfile = mock_NWBFile()
    path = tmp_path / "empty.nwb"
    with NWBHDF5IO(path, "w") as io:
        io.write(nwbfile)
    with pytest.raises(InvalidSourceFileError, match="empty.nwb: holds no PoseTraining"):
        read_training(path)
    with pytest.raises(InvalidSourceFileError, match="not found"):
        read_training(tmp_path / "missing.nwb")
    training = tracked_training()
    nwbfile = mock_NWBFile()
    write_pose_training(nwbfile, training, metadata={})
    write_pose_training(nwbfile, training, metadata={"Pose": {"PoseTraining": {"name": "Other"}}})
    with pytest.raises(InvalidOptionError, match="several PoseTraining"):
        read_training(nwbfile)
    with pytest.raises(InvalidOptionError, match="no PoseTraining named 'x'"):
        read_training(nwbfile, name="x")
    assert read_training(nwbfile, name="Other").frames[0].frame_index == 1029
    # None or a list went to the in-memory branch: hdmf's "HDF5IO.write: None is not allowed for 'container'".
    for wrong, got in ((None, "got None"), ([path], "got list")):
        with pytest.raises(InvalidOptionError, match=rf"read_training: nwbfile must be a path .*NWBFile\), {got}"):
            read_training(wrong)


def test_frames_labeled_on_images_stored_in_the_file_are_named_by_them(tmp_path):
    # ndx-pose's source_frame: each TrainingFrame links an Image of the file, and there is no video.
    from poseconv.exporters.deeplabcut_training import to_deeplabcut_labels

    points = SOURCE_FRAME_POINTS
    path = write_source_frame_training(tmp_path / "source_frame.nwb")
    training = read_training(path)
    assert [(f.video, f.image, f.frame_index) for f in training.frames] == [
        ("labeled_images", "img000.png", None),
        ("labeled_images", "img001.png", None),
    ]
    assert list(training.videos) == ["labeled_images"]
    # DeepLabCut's rows: labeled-data/<video>/<image>, as it keeps labeled images.
    table = to_deeplabcut_labels(training, video="labeled_images")
    assert list(table.index) == [("labeled-data", "labeled_images", f"img{k:03d}.png") for k in range(2)]
    np.testing.assert_array_equal(table.to_numpy(), np.stack([p.reshape(-1) for p in points]))


@pytest.mark.parametrize("damaged", ["PoseTraining/training_frames/*", "PoseTraining/training_frames", "PoseTraining"])
def test_a_damaged_part_of_a_training_file_at_a_url_is_damage_not_absence(tmp_path, range_server, damaged):
    # From a URL (not walked first, as a file on disk is) a frame whose header is damaged was left out (4 frames of 5),
    # damaged training_frames read as no frame, a damaged PoseTraining as "holds no PoseTraining".
    import h5py

    nwbfile = mock_NWBFile()
    write_pose_training(nwbfile, tracked_training(), metadata={})
    path = tmp_path / "t.nwb"
    # Version-2 object headers (as poseconv writes them), which carry a checksum.
    with h5py.File(path, "w", libver="latest") as handle, NWBHDF5IO(file=handle, mode="w") as io:
        io.write(nwbfile)
    with h5py.File(path, "r") as handle:
        module = handle["processing/behavior"]
        name = damaged.replace("*", sorted(module["PoseTraining/training_frames"])[0])
    (range_server.root / "t.nwb").write_bytes(with_damaged_header(path, f"processing/behavior/{name}"))
    url = range_server.url("t.nwb")
    with pytest.raises(InvalidSourceFileError, match=r"part of the file cannot be read .*damaged") as caught:
        read_training(url)
    assert str(caught.value).startswith(f"{url}: ")
