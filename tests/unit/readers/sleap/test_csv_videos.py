"""The video of sleap-io's CSV exports of labels with several videos (sleap_io/io/csv.py ``write_labels``).

sleap-io writes a video column for labels of several videos (sleap_io/codecs/dataframe.py ``include_video``),
even when ``video=`` keeps the rows of one: ``video_path`` (``video_id="path"``: the path; ``"name"``: the file
name) or ``video_idx`` (``"index"``: the index in the labels' videos). Its "sleap" layout drops ``video_path``
but keeps ``video_idx`` (``_transform_to_sleap_format``). The metadata beside the CSV (``save_metadata=True``)
lists every video of the labels.
"""

from __future__ import annotations

import datetime

import numpy as np
import pytest

from tests.fixtures.sleap import labels_on_videos

sio = pytest.importorskip("sleap_io")

#: Two videos of other frame rates, so that the video a CSV is read as is told by its rate too.
RATES = [12.5, 25.0]


def _poses_of(labels, video):
    return np.stack([labels.find(video, i)[0].instances[0].numpy() for i in range(3)])


@pytest.mark.parametrize("metadata", [True, False])
def test_sleap_layout_rows_of_several_videos_by_index_are_refused(tmp_path, metadata):
    # video_id="index": the "sleap" layout keeps a video_idx column, 0 and 1 here; the rows were read as one video.
    from poseconv.errors import InvalidSourceFileError
    from poseconv.readers.sleap import read_sleap_csv

    path = tmp_path / "both.csv"
    sio.save_csv(labels_on_videos(tmp_path, RATES), str(path), format="sleap", video_id="index", save_metadata=metadata)
    assert path.read_text().splitlines()[0].endswith(",video_idx")
    with pytest.raises(InvalidSourceFileError, match=r"both.csv: holds the rows of 2 videos \('0', '1'\)"):
        read_sleap_csv(path)


@pytest.mark.parametrize(
    ("layout", "video_id"), [("sleap", "index"), ("instances", "path"), ("instances", "name"), ("instances", "index")]
)
def test_one_video_of_several_with_metadata_is_the_video_its_rows_name(tmp_path, layout, video_id):
    # save_csv(labels, path, video=1, save_metadata=True): the metadata lists both videos, the rows name the
    # second; it was refused, advising the export that had been done.
    from poseconv.readers.sleap import read_sleap_csv

    labels = labels_on_videos(tmp_path, RATES)
    (tmp_path / "vid1.mp4").write_bytes(b"")
    path = tmp_path / "second.csv"
    sio.save_csv(labels, str(path), format=layout, video=1, video_id=video_id, save_metadata=True)
    pose = read_sleap_csv(path)
    (video,) = pose.videos.values()
    assert video.key == "vid1" and video.fps == 25.0 and video.path == (tmp_path / "vid1.mp4").resolve()
    assert pose.timing["vid1"].rate == 25.0
    (skeleton,) = pose.skeletons.values()
    assert skeleton.nodes == ("head", "thorax", "tail") and skeleton.edges == ((0, 1), (1, 2))
    (track,) = pose.tracks
    assert track.n_frames == 5  # the length the metadata records of the video, as the .slp reads it
    np.testing.assert_array_equal(np.asarray(track.positions)[:3], _poses_of(labels, labels.videos[1]))
    np.testing.assert_array_equal(np.asarray(track.instance_scores), [0.5] * 3 + [np.nan] * 2)


def test_rows_naming_no_video_of_several_in_the_metadata_are_refused_with_an_export_that_works(tmp_path):
    from poseconv.errors import InvalidSourceFileError
    from poseconv.readers.sleap import read_sleap_csv

    labels = labels_on_videos(tmp_path, RATES)
    path = tmp_path / "second.csv"
    # The default video_id="path": the "sleap" layout drops the video_path column, so nothing names the video.
    sio.save_csv(labels, str(path), format="sleap", video=1, save_metadata=True)
    with pytest.raises(InvalidSourceFileError, match=r"second.json\) lists 2 videos") as caught:
        read_sleap_csv(path)
    message = str(caught.value)
    assert "no column saying which of them" in message and "video_id='index'" in message
    # The export it advises reads.
    sio.save_csv(labels, str(path), format="sleap", video=1, video_id="index", save_metadata=True)
    assert read_sleap_csv(path).videos["vid1"].fps == 25.0


def test_rows_naming_a_video_the_metadata_does_not_list_are_refused(tmp_path):
    from poseconv.errors import InvalidSourceFileError
    from poseconv.readers.sleap import read_sleap_csv

    labels = labels_on_videos(tmp_path, RATES)
    path = tmp_path / "second.csv"
    sio.save_csv(labels, str(path), format="instances", video=1, save_metadata=True)
    path.write_text(path.read_text().replace(str(tmp_path / "vid1.mp4"), "elsewhere.mp4"))
    with pytest.raises(InvalidSourceFileError, match="video_path column names 'elsewhere.mp4', which is none of"):
        read_sleap_csv(path)


def test_one_video_by_index_without_metadata_reads_without_a_warning(tmp_path, recwarn):
    from poseconv.readers.sleap import read_sleap_csv

    labels = labels_on_videos(tmp_path, RATES)
    path = tmp_path / "second.csv"
    sio.save_csv(labels, str(path), format="sleap", video=1, video_id="index")
    pose = read_sleap_csv(path)
    assert not [w for w in recwarn if "goes back" in str(w.message)]
    # Without the metadata the nodes are in the CSV's (alphabetical) order.
    assert pose.skeletons["Skeleton"].nodes == ("head", "tail", "thorax")
    expected = _poses_of(labels, labels.videos[1])[:, [0, 2, 1]]
    np.testing.assert_array_equal(np.asarray(pose.tracks[0].positions), expected)


def test_one_video_of_several_reaches_the_nwb_and_its_export(tmp_path):
    # The values, skeleton and linked video in the NWB file, and back out as a SLEAP analysis file.
    import pynwb

    from poseconv import SLEAPCSVPoseInterface, read_nwb, write_sleap_analysis

    labels = labels_on_videos(tmp_path, RATES)
    (tmp_path / "vid1.mp4").write_bytes(b"")
    path = tmp_path / "second.csv"
    sio.save_csv(labels, str(path), format="sleap", video=1, video_id="index", save_metadata=True)
    interface = SLEAPCSVPoseInterface(file_path=path)
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    interface.run_conversion(nwbfile_path=tmp_path / "out.nwb", metadata=metadata, overwrite=True)
    expected = _poses_of(labels, labels.videos[1])
    with pynwb.NWBHDF5IO(tmp_path / "out.nwb", "r") as io:
        nwb = io.read()
        pose = nwb.processing["behavior"]["PoseEstimation"]
        assert list(pose.skeleton.nodes[:]) == ["head", "thorax", "tail"]
        np.testing.assert_array_equal(pose.skeleton.edges[:], [[0, 1], [1, 2]])
        for k, node in enumerate(("head", "thorax", "tail")):
            series = pose.pose_estimation_series[node]
            np.testing.assert_array_equal(series.data[:3], expected[:, k])
            assert series.data.shape[0] == 5  # the video's recorded length
            assert series.rate == 25.0
        assert list(nwb.acquisition) == ["Video vid1"]
        assert nwb.acquisition["Video vid1"].external_file[0] == "vid1.mp4"
    write_sleap_analysis(read_nwb(tmp_path / "out.nwb")[0], tmp_path / "back.h5")
    back = sio.load_analysis_h5(str(tmp_path / "back.h5"))
    assert back.skeletons[0].node_names == ["head", "thorax", "tail"] and back.skeletons[0].edge_inds == [
        (0, 1),
        (1, 2),
    ]
    assert back.videos[0].filename == str(tmp_path / "vid1.mp4")
    np.testing.assert_array_equal(np.stack([lf.instances[0].numpy() for lf in back.labeled_frames]), expected)
