"""The ndx-pose writer on mock pose data: structure, timing, links and errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from ndx_pose import PoseEstimation
from pynwb.testing.mock.file import mock_NWBFile, mock_Subject

from poseconv.errors import MetadataError, PoseconvWarning
from poseconv.metadata.defaults import default_pose_metadata
from poseconv.model import FrameTiming
from poseconv.nwb.write.pose_estimation import write_pose_estimation
from poseconv.testing.mock import mock_pose_data


def test_one_container_per_individual_with_every_value():
    pose = mock_pose_data(n_individuals=2, n_nodes=3, n_frames=5, missing_frames=[1])
    nwbfile = mock_NWBFile()
    written = write_pose_estimation(nwbfile, pose, metadata=default_pose_metadata(pose))
    assert [c.name for c in written] == ["PoseEstimation_animal0", "PoseEstimation_animal1"]
    for container, track in zip(written, pose.tracks, strict=True):
        assert isinstance(container, PoseEstimation)
        assert container.skeleton.name == "Skeleton"
        for j, node in enumerate(("node0", "node1", "node2")):
            series = container.pose_estimation_series[node]
            np.testing.assert_array_equal(series.data, track.positions[:, j])
            np.testing.assert_array_equal(series.confidence, track.confidence[:, j])
            assert series.rate == 30.0 and series.starting_time == 0.0
    assert np.isnan(written[0].pose_estimation_series["node0"].data[1]).all()
    # Both containers share one skeleton object.
    assert written[0].skeleton is written[1].skeleton


def test_3d_data_is_frames_by_3():
    pose = mock_pose_data(n_dims=3, with_confidence=False)
    written = write_pose_estimation(mock_NWBFile(), pose, metadata=default_pose_metadata(pose))
    series = written[0].pose_estimation_series["node1"]
    assert series.data.shape == (10, 3)
    assert series.confidence is None
    np.testing.assert_array_equal(series.data[:, 2], 0 + 1)


def test_irregular_timestamps_are_linked_not_copied():
    pose = mock_pose_data(n_frames=4, n_individuals=2)
    pose = pose.with_timing("video", FrameTiming(timestamps=[0.0, 0.1, 0.25, 0.3], source="test"))
    written = write_pose_estimation(mock_NWBFile(), pose, metadata=default_pose_metadata(pose))
    first = written[0].pose_estimation_series["node0"]
    np.testing.assert_array_equal(first.timestamps, [0.0, 0.1, 0.25, 0.3])
    for container in written:
        for series in container.pose_estimation_series.values():
            if series is not first:
                assert series.timestamp_link is not None or series.timestamps is first.timestamps


def test_regular_timestamps_become_a_rate():
    pose = mock_pose_data(n_frames=4)
    pose = pose.with_timing("video", FrameTiming(timestamps=10 + np.arange(4) / 50, source="test"))
    series = write_pose_estimation(mock_NWBFile(), pose, metadata=default_pose_metadata(pose))[0]
    series = series.pose_estimation_series["node0"]
    assert series.rate == pytest.approx(50.0) and series.starting_time == 10.0


def test_skeleton_linked_to_subject_for_a_single_animal():
    pose = mock_pose_data()
    nwbfile = mock_NWBFile(subject=mock_Subject())
    written = write_pose_estimation(nwbfile, pose, metadata=default_pose_metadata(pose))
    assert written[0].skeleton.subject is nwbfile.subject


def test_a_single_animal_s_skeleton_naming_another_subject_is_said_with_both_ids():
    # Written linked to no subject without a word: the single-animal default would have linked the Subject.
    pose = mock_pose_data()
    nwbfile = mock_NWBFile(subject=mock_Subject(subject_id="mouse-42"))
    metadata = default_pose_metadata(pose)
    (entry,) = metadata["Pose"]["Skeletons"].values()
    entry["subject"] = "mouse-24"
    with pytest.warns(PoseconvWarning, match=r"names subject 'mouse-24', but the file's Subject is 'mouse-42'"):
        written = write_pose_estimation(nwbfile, pose, metadata=metadata)
    assert written[0].skeleton.subject is None


@pytest.mark.parametrize("subject", ["mouse-42", "", None])
def test_a_single_animal_s_skeleton_naming_its_subject_or_none_is_linked_without_a_word(subject):
    pose = mock_pose_data()
    nwbfile = mock_NWBFile(subject=mock_Subject(subject_id="mouse-42"))
    metadata = default_pose_metadata(pose)
    (entry,) = metadata["Pose"]["Skeletons"].values()
    entry["subject"] = subject  # "": a form's field left empty
    with warnings.catch_warnings():
        warnings.simplefilter("error", PoseconvWarning)
        written = write_pose_estimation(nwbfile, pose, metadata=metadata)
    assert written[0].skeleton.subject is nwbfile.subject


def test_a_skeleton_of_several_animals_may_name_another_animal_than_the_file_s_subject():
    # NWB has one Subject a file: in a file of several animals the skeleton may be another animal's.
    pose = mock_pose_data(n_individuals=2)
    nwbfile = mock_NWBFile(subject=mock_Subject(subject_id="mouse-42"))
    metadata = default_pose_metadata(pose)
    (entry,) = metadata["Pose"]["Skeletons"].values()
    entry["subject"] = "mouse-7"
    with warnings.catch_warnings():
        warnings.simplefilter("error", PoseconvWarning)
        written = write_pose_estimation(nwbfile, pose, metadata=metadata)
    assert all(container.skeleton.subject is None for container in written)


def test_unknown_container_key_lists_the_real_ones():
    pose = mock_pose_data(n_individuals=2)
    metadata = default_pose_metadata(pose)
    metadata["Pose"]["PoseEstimations"]["PoseEstimation_ghost"] = {"name": "Ghost"}
    with pytest.raises(MetadataError, match=r"\['PoseEstimation_ghost'\] that match no individual"):
        write_pose_estimation(mock_NWBFile(), pose, metadata=metadata)


@pytest.mark.parametrize("metadata", [{}, {"Pose": {}}, {"Pose": {"PoseEstimations": {}}}])
def test_metadata_of_no_container_is_refused_and_writes_nothing(metadata):
    # Called directly with metadata of none of its containers, the writer returned [] without a word and left an
    # empty behavior module in the file.
    nwbfile, pose = mock_NWBFile(), mock_pose_data()
    with pytest.raises(MetadataError, match=r"lists no container of .*get_metadata\(\)"):
        write_pose_estimation(nwbfile, pose, metadata=metadata)
    assert "behavior" not in nwbfile.processing


def test_renamed_nodes_are_refused():
    pose = mock_pose_data()
    metadata = default_pose_metadata(pose)
    metadata["Pose"]["Skeletons"]["Skeleton"]["nodes"] = ["a", "b", "c"]
    with pytest.raises(MetadataError, match="nodes cannot be renamed"):
        write_pose_estimation(mock_NWBFile(), pose, metadata=metadata)


def test_existing_skeleton_with_other_nodes_is_refused():
    nwbfile = mock_NWBFile()
    first = mock_pose_data(n_nodes=3)
    write_pose_estimation(nwbfile, first, metadata=default_pose_metadata(first))
    second = mock_pose_data(n_nodes=2, video="other")
    metadata = default_pose_metadata(second)
    metadata["Pose"]["PoseEstimations"]["PoseEstimation"]["name"] = "PoseEstimationOther"
    with pytest.raises(MetadataError, match="already has a skeleton named 'Skeleton'"):
        write_pose_estimation(nwbfile, second, metadata=metadata)


def test_existing_skeleton_with_other_edges_is_refused_and_with_the_same_ones_linked():
    # Before, a skeleton of the same name and nodes was linked whatever its edges (SLEAP's default names, such as
    # Skeleton-0, recur across projects): the poses written got the file's edges, theirs lost without a word.
    nwbfile = mock_NWBFile()
    first = mock_pose_data(n_nodes=3)
    metadata = default_pose_metadata(first)
    metadata["Pose"]["Skeletons"]["Skeleton"]["edges"] = [[0, 1]]
    write_pose_estimation(nwbfile, first, metadata=metadata)
    second = mock_pose_data(n_nodes=3, video="other")
    metadata = default_pose_metadata(second)
    metadata["Pose"]["PoseEstimations"]["PoseEstimation"]["name"] = "PoseEstimationOther"
    metadata["Pose"]["Skeletons"]["Skeleton"]["edges"] = [[1, 2]]
    with pytest.raises(MetadataError, match=r"named 'Skeleton' with edges \[\[0, 1\]\], not \[\[1, 2\]\]"):
        write_pose_estimation(nwbfile, second, metadata=metadata)
    metadata["Pose"]["Skeletons"]["Skeleton"]["edges"] = [[0, 1]]
    (container,) = write_pose_estimation(nwbfile, second, metadata=metadata)
    assert container.skeleton is nwbfile.processing["behavior"]["Skeletons"].skeletons["Skeleton"]


def test_missing_frame_rate_is_a_clear_error():
    pose = mock_pose_data(rate=None)
    with pytest.raises(MetadataError, match="No frame times are known"):
        write_pose_estimation(mock_NWBFile(), pose, metadata=default_pose_metadata(pose))


def test_max_frames_writes_a_stub():
    pose = mock_pose_data(n_frames=50)
    written = write_pose_estimation(mock_NWBFile(), pose, metadata=default_pose_metadata(pose), max_frames=7)
    assert written[0].pose_estimation_series["node0"].data.shape == (7, 2)


@pytest.mark.parametrize(("n_frames", "n_dims", "warns"), [(1, 2, True), (2, 3, True), (2, 2, False), (3, 3, False)])
def test_fewer_frames_than_coordinates_says_what_the_inspector_will_report(n_frames, n_dims, warns):
    pose = mock_pose_data(n_frames=n_frames, n_dims=n_dims)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        written = write_pose_estimation(mock_NWBFile(), pose, metadata=default_pose_metadata(pose))
    said = [w for w in caught if issubclass(w.category, PoseconvWarning) and "check_data_orientation" in str(w.message)]
    assert bool(said) is warns
    # Written time first all the same.
    assert written[0].pose_estimation_series["node0"].data.shape == (n_frames, n_dims)


@pytest.mark.parametrize(
    ("times", "rate"),
    [
        (np.arange(4860) / 30, 30.0),  # 1 / the median step was 30.000000000001705
        (np.arange(1_000_000) / 30, 30.0),  # 30.000000000436557, times read back 0.5 us off
        (86_400 + np.arange(4860) / 30, 30.0),  # a session clock near a day: 29.999999993888
        (5 + np.arange(3000) * 1001 / 30000, 30000 / 1001),  # NTSC 29.97
        (np.arange(1000) / 30.1, 30.1),  # no simple rate: the mean one
    ],
)
def test_regular_times_are_written_with_the_rate_that_reproduces_them(times, rate):
    from poseconv.nwb.write.pose_estimation import series_timing

    written = series_timing(FrameTiming(timestamps=times, source="test"), len(times))
    assert written["rate"] == pytest.approx(rate, rel=1e-12) and written["starting_time"] == times[0]
    if rate != 30.1:
        assert written["rate"] == rate
    np.testing.assert_allclose(times[0] + np.arange(len(times)) / written["rate"], times, rtol=0, atol=1e-9 / rate)


def test_times_that_drift_off_any_one_rate_stay_timestamps():
    from poseconv.nwb.write.pose_estimation import series_timing

    times = np.arange(1000) / 30 + np.linspace(0, 1e-6, 1000) ** 2 * 1e3  # steps regular to 1e-9, times drift
    assert "timestamps" in series_timing(FrameTiming(timestamps=times, source="test"), len(times))
