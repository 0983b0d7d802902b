"""The order of the tracks, kept in a table beside the containers."""

from __future__ import annotations

from pynwb.testing.mock.file import mock_NWBFile

from poseconv.metadata.defaults import default_pose_metadata
from poseconv.nwb.layout import TRACK_ORDER_TABLE
from poseconv.nwb.write.pose_estimation import write_pose_estimation
from poseconv.nwb.write.track_order import record_track_order
from poseconv.testing.mock import mock_pose_data


def test_rows_follow_the_tracks_of_the_file():
    pose = mock_pose_data(n_individuals=3)
    pose.tracks.reverse()  # the file's order: animal2, animal1, animal0
    nwbfile = mock_NWBFile()
    write_pose_estimation(nwbfile, pose, metadata=default_pose_metadata(pose))
    table = nwbfile.processing["behavior"][TRACK_ORDER_TABLE]
    assert list(table["track"][:]) == ["animal2", "animal1", "animal0"]
    assert list(table["pose_estimation"][:]) == [f"PoseEstimation_animal{i}" for i in (2, 1, 0)]


def test_one_container_has_no_order_to_keep_and_later_ones_append():
    behavior = mock_NWBFile().create_processing_module(name="behavior", description="x")
    assert record_track_order(behavior, [("A", "a")]) is None
    record_track_order(behavior, [("B", "b"), ("C", "c")])
    table = record_track_order(behavior, [("D", "d")])
    assert list(table["pose_estimation"][:]) == ["B", "C", "D"]


def _written(behavior, name):
    """Add an empty PoseEstimation named ``name``, as a writer does before recording the order."""
    from ndx_pose import PoseEstimation

    behavior.add(PoseEstimation(name=name, description="x"))


def test_each_pose_file_gets_a_number_and_one_container_beside_another_files_is_recorded():
    behavior = mock_NWBFile().create_processing_module(name="behavior", description="x")
    for name in ("A", "B"):
        _written(behavior, name)
    record_track_order(behavior, [("A", "a"), ("B", "b")])
    _written(behavior, "C")
    table = record_track_order(behavior, [("C", "a")])
    assert list(table["input"][:]) == [0, 0, 1]
    # The first file's one container, alone in the module, has no order to keep.
    alone = mock_NWBFile().create_processing_module(name="behavior", description="x")
    _written(alone, "A")
    assert record_track_order(alone, [("A", "a")]) is None
    # A second file's one container beside it is recorded: readers tell the files apart. The first file's
    # container names no track in its name or description (another tool's): it is left out of the table.
    _written(alone, "B")
    assert list(record_track_order(alone, [("B", "b")])["pose_estimation"][:]) == ["B"]


def _poses_of(behavior, track, scorer, *, name=None, video=None):
    """Add a one-track PoseEstimation as poseconv describes it (named after its track), of ``video`` if given."""
    from ndx_pose import PoseEstimation

    description = f"Poses of '{track}' estimated with DeepLabCut (scorer {scorer}) on video 'cam', read from x.h5."
    name = name or f"PoseEstimation_{track}"
    fields = {"source_video": video} if video is not None else {}
    behavior.add(
        PoseEstimation(name=name, description=description, scorer=scorer, source_software="DeepLabCut", **fields)
    )
    return name


def _video(nwbfile, name):
    from pynwb.image import ImageSeries

    video = ImageSeries(
        name=name, external_file=[f"{name}.mp4"], format="external", rate=30.0, starting_frame=[0], num_samples=10
    )
    nwbfile.add_acquisition(video)
    return video


def test_the_containers_written_before_a_table_are_listed_first_one_number_per_file():
    nwbfile = mock_NWBFile()
    behavior = nwbfile.create_processing_module(name="behavior", description="x")
    top, side = _video(nwbfile, "top"), _video(nwbfile, "side")
    # Two one-container files alone on their videos (no table), a third beside the first.
    first = _poses_of(behavior, "mouse", "s1", video=top)
    assert record_track_order(behavior, [(first, "mouse")]) is None
    _poses_of(behavior, "mouse", "s1", name="PoseEstimation_mouse_replaced_predictions", video=top)
    second = _poses_of(behavior, "rat", "s2", name="PoseEstimation_a_rat", video=side)
    assert record_track_order(behavior, [(second, "rat")]) is None
    third = _poses_of(behavior, "individual", "s3", video=top)
    table = record_track_order(behavior, [(third, "individual")])
    # In the order written, the description's track, one number per file; replaced predictions go with theirs.
    assert list(table["pose_estimation"][:]) == [first, second, third]
    assert list(table["track"][:]) == ["mouse", "rat", "individual"]
    assert list(table["input"][:]) == [0, 1, 2]


def test_an_append_beside_the_files_container_lists_it_first(tmp_path):
    from pynwb import NWBHDF5IO

    nwbfile = mock_NWBFile()
    behavior = nwbfile.create_processing_module(name="behavior", description="x")
    _poses_of(behavior, "b", "s1", name="PoseEstimation_2")
    _poses_of(behavior, "a", "s1", name="PoseEstimation_10")
    with NWBHDF5IO(tmp_path / "f.nwb", "w") as io:
        io.write(nwbfile)
    with NWBHDF5IO(tmp_path / "f.nwb", "a") as io:
        behavior = io.read().processing["behavior"]
        added = _poses_of(behavior, "a", "s2", name="PoseEstimation_20")
        table = record_track_order(behavior, [(added, "a")])
        # The file's containers as readers gave them (natural order of names), one file: same scorer.
        assert list(table["pose_estimation"][:]) == ["PoseEstimation_2", "PoseEstimation_10", added]
        assert list(table["input"][:]) == [0, 0, 1]


def test_an_append_numbers_its_file_after_those_of_the_tables_it_finds(tmp_path):
    from hdmf.common import DynamicTable
    from pynwb import NWBHDF5IO

    nwbfile = mock_NWBFile()
    behavior = nwbfile.create_processing_module(name="behavior", description="x")
    # A table written before the input column: one file.
    old = DynamicTable(name=TRACK_ORDER_TABLE, description="x")
    old.add_column(name="pose_estimation", description="x")
    old.add_row(pose_estimation="A")
    behavior.add(old)
    with NWBHDF5IO(tmp_path / "f.nwb", "w") as io:
        io.write(nwbfile)
    with NWBHDF5IO(tmp_path / "f.nwb", "a") as io:
        behavior = io.read().processing["behavior"]
        first = record_track_order(behavior, [("B", "b"), ("C", "c")])
        assert first.name == f"{TRACK_ORDER_TABLE}_2"
        assert list(first["input"][:]) == [1, 1]
        io.write(first.get_ancestor("NWBFile"))
    with NWBHDF5IO(tmp_path / "f.nwb", "a") as io:
        behavior = io.read().processing["behavior"]
        assert list(record_track_order(behavior, [("D", "d"), ("E", "e")])["input"][:]) == [2, 2]
