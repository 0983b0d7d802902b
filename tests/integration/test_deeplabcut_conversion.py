"""DeepLabCut → NWB end to end, as a user runs it, read back and compared value by value."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pynwb import NWBHDF5IO

from poseconv import DeepLabCutPoseInterface, PoseNWBConverter
from poseconv.errors import InvalidOptionError, MetadataError, PoseconvError, PoseconvWarning
from tests.fixtures.cli import one_session_spec
from tests.fixtures.deeplabcut import (
    DLC,
    MULTI_ANIMAL_CSV,
    MULTI_ANIMAL_H5,
    RATS_H5,
    SINGLE_ANIMAL_CSV,
    SINGLE_ANIMAL_H5,
    THREE_D_H5,
    table_alone,
)
from tests.fixtures.movement import plural_dims
from tests.fixtures.nwb import assert_inspector_clean, pose_estimations, user_metadata


def source_table(path: Path) -> pd.DataFrame:
    if path.suffix == ".csv":
        header = 4 if "individuals" in path.read_text().splitlines()[1] else 3
        return pd.read_csv(path, header=list(range(header)), index_col=0)
    return pd.read_hdf(path)


def assert_nwb_matches_source(nwbfile_path: Path, source: Path, interface) -> None:
    """Every value of the source table is in the NWB file, in its frame, NaN stays NaN."""
    table = source_table(source)
    multi = table.columns.nlevels == 4
    keys = interface.get_metadata()["Pose"]["PoseEstimations"]
    with NWBHDF5IO(nwbfile_path, "r") as io:
        nwbfile = io.read()
        behavior = nwbfile.processing["behavior"]
        individuals = list(dict.fromkeys(table.columns.get_level_values("individuals"))) if multi else [None]
        containers = list(pose_estimations(behavior))
        assert len(containers) == len(individuals)
        for individual in individuals:
            container_name = next(
                entry["name"] for key, entry in keys.items() if individual is None or key.endswith(f"_{individual}")
            )
            container = behavior[container_name]
            assert container.source_software == "DeepLabCut"
            assert container.scorer == table.columns.get_level_values("scorer")[0]
            sub = table if individual is None else table.xs(individual, axis=1, level="individuals")
            parts = list(dict.fromkeys(sub.columns.get_level_values("bodyparts")))
            assert list(container.skeleton.nodes[:]) == parts
            assert sorted(container.pose_estimation_series) == sorted(parts)
            for part in parts:
                series = container.pose_estimation_series[part]
                coords = [c for c in ("x", "y", "z") if (table.columns.get_level_values("coords") == c).any()]
                expected = sub.xs(part, axis=1, level="bodyparts")
                data = series.data[:]
                # float32 where every value is exact (the comparisons below are in float64).
                assert data.dtype in (np.float32, np.float64)
                n_rows = len(table.index)
                for d, axis in enumerate(coords):
                    column = expected.xs(axis, axis=1, level="coords").iloc[:, 0].to_numpy()
                    np.testing.assert_array_equal(data[table.index.to_numpy(), d], column)
                assert data.shape == (int(table.index[-1]) + 1, len(coords))
                if "likelihood" in expected.columns.get_level_values("coords"):
                    column = expected.xs("likelihood", axis=1, level="coords").iloc[:, 0].to_numpy()
                    np.testing.assert_array_equal(series.confidence[:][table.index.to_numpy()], column)
                    assert "likelihood" in series.confidence_definition.lower()
                else:
                    assert series.confidence is None
                assert len(series.get_timestamps()) == data.shape[0] >= n_rows


# pynwb's schema validation (inside nwbinspector) runs once per kind of file: one animal, several
# animals with unique body parts, 3D. A CSV gives the file its .h5 twin gives, and the rats are
# several animals again: nwbinspector's checks alone run on those.
@pytest.mark.parametrize(
    ("source", "schema_validation"),
    [
        (SINGLE_ANIMAL_H5, True),
        (SINGLE_ANIMAL_CSV, False),
        (MULTI_ANIMAL_H5, True),
        (MULTI_ANIMAL_CSV, False),
        (RATS_H5, False),
        (THREE_D_H5, True),
    ],
    ids=["single-h5", "single-csv", "multi-h5", "multi-csv", "rats-h5", "3d-h5"],
)
def test_convert_read_back_every_value(tmp_path, source, schema_validation):
    source = table_alone(source, tmp_path) if source == THREE_D_H5 else source
    interface = DeepLabCutPoseInterface(file_path=source, sampling_frequency=30.0)
    nwbfile_path = tmp_path / "session.nwb"
    interface.run_conversion(nwbfile_path=nwbfile_path, metadata=user_metadata(interface), overwrite=True)
    assert_nwb_matches_source(nwbfile_path, source, interface)
    assert_inspector_clean(nwbfile_path, schema_validation=schema_validation)


def test_nwb_objects_follow_ndx_pose_04(tmp_path):
    interface = DeepLabCutPoseInterface(file_path=MULTI_ANIMAL_H5)
    nwbfile_path = tmp_path / "multi.nwb"
    # Said when the times are used (times the user gives next replace them without a word).
    with pytest.warns(PoseconvWarning, match="the pose files give 29.9807 fps"):
        interface.run_conversion(nwbfile_path=nwbfile_path, metadata=user_metadata(interface))
    with NWBHDF5IO(nwbfile_path, "r") as io:
        nwbfile = io.read()
        behavior = nwbfile.processing["behavior"]
        skeletons = behavior["Skeletons"].skeletons
        assert set(skeletons) == {"Skeleton", "SkeletonUniqueBodyparts"}
        np.testing.assert_array_equal(skeletons["Skeleton"].edges[:], [[0, 1], [1, 2], [0, 2]])
        assert skeletons["Skeleton"].edges.dtype.kind == "u"
        video = nwbfile.acquisition["Video m3v1mp4short"]
        assert video.format == "external"
        # Stored relative to the NWB file, and it resolves to the real video.
        external = video.external_file[0]
        assert not Path(external).is_absolute()
        assert (nwbfile_path.parent / external).resolve().samefile(MULTI_ANIMAL_H5.parent / "m3v1mp4short.mp4")
        containers = [
            behavior[f"PoseEstimation_{name}"] for name in ("individual1", "individual2", "individual3", "single")
        ]
        for container in containers:
            assert container.device.name == "Video m3v1mp4short Camera Device"
            assert container.source_video is video
            series = list(container.pose_estimation_series.values())
            # Constant frame rate read from the video container (trusted over the _meta.pickle's fps).
            assert series[0].rate == pytest.approx(1_000_000 / 33_333)
            assert series[0].timestamps is None
            assert series[0].unit == "pixels"
            assert "top-left" in series[0].reference_frame
            assert series[0].comments == (
                "Frame times: constant frame rate read from the video container m3v1mp4short.mp4. "
                "Values are stored as float32 where exact (every value of a dataset round-trips "
                "float64->float32->float64 unchanged); otherwise as float64."
            )
        assert video.rate == series[0].rate and video.num_samples == 31
        np.testing.assert_array_equal(video.dimension[:], [640, 480])
        assert containers[-1].skeleton.name == "SkeletonUniqueBodyparts"
        # Every dataset that holds values is chunked and compressed.
        for series in containers[0].pose_estimation_series.values():
            for dataset in (series.data, series.confidence):
                assert dataset.compression == "gzip" and dataset.chunks is not None


def test_timestamps_stored_once_and_linked(tmp_path):
    interface = DeepLabCutPoseInterface(file_path=MULTI_ANIMAL_H5)
    irregular = np.cumsum(np.linspace(0.03, 0.04, 31))
    interface.set_aligned_timestamps(irregular)
    nwbfile_path = tmp_path / "irregular.nwb"
    interface.run_conversion(nwbfile_path=nwbfile_path, metadata=user_metadata(interface))
    import h5py

    with h5py.File(nwbfile_path, "r") as handle:
        behavior = handle["processing/behavior"]
        stored, linked = [], []
        for name in behavior:
            if not name.startswith("PoseEstimation"):
                continue
            for series in behavior[name].values():
                if isinstance(behavior[name].get(series.name.split("/")[-1], getlink=True), h5py.SoftLink):
                    continue  # the source_video link
                if isinstance(series, h5py.Group) and "timestamps" in series:
                    link = series.get("timestamps", getlink=True)
                    (linked if isinstance(link, h5py.SoftLink) else stored).append(series.name)
                    np.testing.assert_array_equal(series["timestamps"][:], irregular)
        # Every pose series links to the frame times of the video, stored once in acquisition.
        assert stored == []
        assert len(linked) == 3 * 3 + 2
        video_times = handle["acquisition/Video m3v1mp4short/timestamps"]
        np.testing.assert_array_equal(video_times[:], irregular)


def test_frame_times_in_order_of_trust(tmp_path):
    import shutil

    # 1. the video container (found next to the predictions)
    interface = DeepLabCutPoseInterface(file_path=SINGLE_ANIMAL_H5)
    timing = interface.pose.timing["m3v1mp4"]
    assert timing.rate == pytest.approx(1_000_000 / 33_333) and "video container m3v1mp4.mp4" in timing.source
    # 2. the pose files' fps when the video is not next to them
    for path in (SINGLE_ANIMAL_H5, SINGLE_ANIMAL_H5.with_name(SINGLE_ANIMAL_H5.stem + "_meta.pickle")):
        shutil.copy(path, tmp_path / path.name)
    interface = DeepLabCutPoseInterface(file_path=tmp_path / SINGLE_ANIMAL_H5.name)
    assert "_meta.pickle" in interface.pose.timing["m3v1mp4"].source
    # 3. the user's sampling frequency when nothing else is known
    interface = DeepLabCutPoseInterface(file_path=SINGLE_ANIMAL_CSV, sampling_frequency=25.0)
    assert interface.pose.timing[interface.pose.tracks[0].video].source == "sampling_frequency given by the user"
    # 0. timestamps the user sets win over everything
    interface.set_aligned_timestamps(np.linspace(0, 1, 100))
    np.testing.assert_array_equal(interface.get_timestamps(), np.linspace(0, 1, 100))
    np.testing.assert_allclose(interface.get_original_timestamps(), np.arange(100) / 25.0)


def test_more_poses_than_video_frames_is_an_error():
    short_video = SINGLE_ANIMAL_H5.parents[4] / "deeplabcut/TEST-Alex-2019-11-04/videos/reachingvideo1short.avi"
    with pytest.raises(InvalidOptionError, match="has only 12; is it the video these poses were estimated on"):
        DeepLabCutPoseInterface(file_path=MULTI_ANIMAL_H5, video_file_path=short_video)


def test_align_by_interpolation(tmp_path):
    interface = DeepLabCutPoseInterface(file_path=SINGLE_ANIMAL_H5)
    original = interface.get_timestamps()
    # The camera clock runs 1 % fast and starts 10 s into the session.
    interface.align_by_interpolation(
        unaligned_timestamps=np.array([0.0, 100.0]), aligned_timestamps=np.array([10.0, 109.0])
    )
    np.testing.assert_allclose(interface.get_timestamps(), 10.0 + original * 0.99)


def test_choose_individuals(tmp_path):
    interface = DeepLabCutPoseInterface(file_path=MULTI_ANIMAL_H5, individuals=["individual2", "single"])
    assert list(interface.get_metadata()["Pose"]["PoseEstimations"]) == [
        "PoseEstimation_individual2",
        "PoseEstimation_single",
    ]
    nwbfile_path = tmp_path / "subset.nwb"
    interface.run_conversion(nwbfile_path=nwbfile_path, metadata=user_metadata(interface))
    with NWBHDF5IO(nwbfile_path, "r") as io:
        names = set(io.read().processing["behavior"].data_interfaces)
    # With the table recording the order of the individuals (HDF5 lists the containers by name).
    assert names == {"PoseEstimation_individual2", "PoseEstimation_single", "Skeletons", "TrackOrder"}


def test_unknown_individual_lists_the_available_ones():
    with pytest.raises(InvalidOptionError, match=r"\['mouse9'\] not found .*individual1"):
        DeepLabCutPoseInterface(file_path=MULTI_ANIMAL_H5, individuals=["mouse9"])


def test_edited_metadata_reaches_the_file(tmp_path):
    interface = DeepLabCutPoseInterface(file_path=SINGLE_ANIMAL_H5)
    metadata = user_metadata(interface)
    entry = metadata["Pose"]["PoseEstimations"]["PoseEstimation"]
    entry["name"] = "PoseEstimationTopCamera"
    entry["description"] = "Top camera, DLC model v2."
    entry["PoseEstimationSeries"]["snout"]["name"] = "Snout"
    metadata["Pose"]["Skeletons"]["Skeleton"]["edges"] = [[0, 1], [0, 2], [0, 3]]
    nwbfile_path = tmp_path / "edited.nwb"
    interface.run_conversion(nwbfile_path=nwbfile_path, metadata=metadata)
    with NWBHDF5IO(nwbfile_path, "r") as io:
        container = io.read().processing["behavior"]["PoseEstimationTopCamera"]
        assert container.description == "Top camera, DLC model v2."
        assert "Snout" in container.pose_estimation_series
        np.testing.assert_array_equal(container.skeleton.edges[:], [[0, 1], [0, 2], [0, 3]])


def test_no_frame_rate_anywhere_asks_for_one(tmp_path):
    interface = DeepLabCutPoseInterface(file_path=SINGLE_ANIMAL_CSV)
    with pytest.raises(MetadataError, match="sampling_frequency"):
        interface.run_conversion(nwbfile_path=tmp_path / "x.nwb", metadata=user_metadata(interface))
    assert not any(tmp_path.iterdir()), "a failed conversion must leave nothing behind"


def test_existing_file_is_not_overwritten_without_overwrite(tmp_path):
    interface = DeepLabCutPoseInterface(file_path=SINGLE_ANIMAL_H5)
    nwbfile_path = tmp_path / "x.nwb"
    nwbfile_path.write_bytes(b"precious")
    with pytest.raises(PoseconvError, match=r"already exists; pass overwrite=True \(--overwrite\) to replace it"):
        interface.run_conversion(nwbfile_path=nwbfile_path, metadata=user_metadata(interface))
    assert nwbfile_path.read_bytes() == b"precious"


def test_failure_while_writing_leaves_no_partial_file_and_keeps_old_one(tmp_path, monkeypatch):
    import poseconv.nwb.write.video

    def camera_fails(*args, **kwargs):
        # A misspelt key no longer gets this far: the metadata check refuses it before anything is written.
        raise MetadataError("the camera failed while writing")

    monkeypatch.setattr(poseconv.nwb.write.video, "get_or_add_device", camera_fails)
    interface = DeepLabCutPoseInterface(file_path=SINGLE_ANIMAL_H5)
    nwbfile_path = tmp_path / "x.nwb"
    nwbfile_path.write_bytes(b"old")
    metadata = user_metadata(interface)
    with pytest.raises(MetadataError, match="the camera failed while writing"):
        interface.run_conversion(nwbfile_path=nwbfile_path, metadata=metadata, overwrite=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.nwb"]
    assert nwbfile_path.read_bytes() == b"old"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda m: m["Pose"]["PoseEstimations"]["PoseEstimation"].update(name=5),
            r"\['name'\]: 5 is not of type",
        ),
        (
            lambda m: m["Pose"]["PoseEstimations"]["PoseEstimation"].update(colour="red"),
            r"\['colour'\]: unknown field; expected one of: name, ",
        ),
        (lambda m: m["Pose"]["Skeletons"]["Skeleton"].update(edges=[[0, 1, 2]]), r"\['edges'\]\[0\]"),
        (lambda m: m["Subject"].update(sex="male"), r"metadata\['Subject'\]\['sex'\]"),
    ],
    ids=["wrong-type", "unknown-key", "bad-edge", "bad-sex"],
)
def test_validate_metadata_names_the_field(edit, message):
    interface = DeepLabCutPoseInterface(file_path=SINGLE_ANIMAL_H5)
    metadata = user_metadata(interface)
    edit(metadata)
    with pytest.raises(MetadataError, match=message):
        interface.validate_metadata(metadata)


def test_stub_test_writes_first_frames(tmp_path):
    interface = DeepLabCutPoseInterface(file_path=SINGLE_ANIMAL_H5)
    nwbfile_path = tmp_path / "stub.nwb"
    interface.run_conversion(nwbfile_path=nwbfile_path, metadata=user_metadata(interface), stub_test=True)
    with NWBHDF5IO(nwbfile_path, "r") as io:
        series = io.read().processing["behavior"]["PoseEstimation"].pose_estimation_series["snout"]
        assert series.data.shape == (100, 2)
        np.testing.assert_array_equal(series.data[:], interface.pose.tracks[0].positions[:100, 0])


def test_with_a_recording_in_one_converter_aligned(tmp_path):
    """Pose next to an ephys recording, in one file, the pose started 2.5 s after the recording."""
    from neuroconv.tools.testing.mock_interfaces import MockRecordingInterface

    class Converter(PoseNWBConverter):
        data_interface_classes = dict(Recording=MockRecordingInterface, Pose=DeepLabCutPoseInterface)

    converter = Converter(
        source_data=dict(
            Recording=dict(num_channels=4, durations=[3.0], sampling_frequency=1000.0),
            Pose=dict(file_path=str(MULTI_ANIMAL_H5)),
        )
    )
    converter.data_interface_objects["Pose"].set_aligned_starting_time(2.5)
    metadata = converter.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 5, 1, tzinfo=UTC)
    nwbfile_path = tmp_path / "combined.nwb"
    converter.run_conversion(nwbfile_path=nwbfile_path, metadata=metadata)
    with NWBHDF5IO(nwbfile_path, "r") as io:
        nwbfile = io.read()
        assert "ElectricalSeries" in nwbfile.acquisition
        recording_times = nwbfile.acquisition["ElectricalSeries"].get_timestamps()
        assert recording_times[0] == 0.0
        container = nwbfile.processing["behavior"]["PoseEstimation_individual1"]
        times = container.pose_estimation_series["bodypart1"].get_timestamps()
        np.testing.assert_allclose(times, 2.5 + np.arange(31) / (1_000_000 / 33_333), rtol=0, atol=1e-12)
        video = nwbfile.acquisition["Video m3v1mp4short"]
        assert not Path(video.external_file[0]).is_absolute()
        confidence = container.pose_estimation_series["bodypart1"].confidence
        assert confidence.compression == "gzip"


@pytest.mark.parametrize("irregular", [False, True], ids=["rate", "timestamps"])
def test_movement_reads_every_individual_back(tmp_path, irregular):
    """movement's own NWB loader (an independent reader) gets the same values, per individual."""
    from movement.io import load_poses

    interface = DeepLabCutPoseInterface(file_path=MULTI_ANIMAL_CSV)
    if irregular:
        interface.set_aligned_timestamps(np.cumsum(np.linspace(0.03, 0.04, 31)))
    nwbfile_path = tmp_path / "multi.nwb"
    interface.run_conversion(nwbfile_path=nwbfile_path, metadata=user_metadata(interface))
    for track in interface.pose.tracks:
        dataset = plural_dims(
            load_poses.from_nwb_file(nwbfile_path, pose_estimation_key=f"PoseEstimation_{track.name}")
        )
        nodes = list(interface.pose.skeletons[track.skeleton].nodes)
        assert list(dataset.keypoints.values) == nodes
        # movement: position (time, space, keypoints, individuals)
        np.testing.assert_array_equal(dataset.position.values[:, :, :, 0], np.transpose(track.positions, (0, 2, 1)))
        np.testing.assert_array_equal(dataset.confidence.values[:, :, 0], track.confidence)


@pytest.mark.parametrize("entry", ["convert", "run"])
def test_deeplabcut_live_gui_poses_keep_their_frame_times_from_the_cli_and_a_spec(tmp_path, entry):
    from tests.fixtures.cli import poseconv_in_process
    from tests.fixtures.deeplabcut import write_live_gui_file

    source = tmp_path / "session1_DLC.hdf5"
    frame = write_live_gui_file(source)
    out = tmp_path / "session1.nwb"
    start = "2024-01-01T00:00:00+00:00"
    if entry == "convert":
        result = poseconv_in_process("convert", source, "-o", out, "--session-start-time", start)
    else:
        pose = f"{{interface: dlc, file_path: {source}}}"
        spec = one_session_spec(tmp_path, pose, session_id="session1", start=f"'{start}'", output_folder=tmp_path)
        result = poseconv_in_process("run", spec, "--jobs", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    frame_time = frame[("frame_time", "")].to_numpy()
    with NWBHDF5IO(out, "r") as io:
        container = io.read().processing["behavior"]["PoseEstimation"]
        assert container.source_software == "DeepLabCut-live"
        for node in ("nose", "tail"):
            series = container.pose_estimation_series[node]
            np.testing.assert_array_equal(series.timestamps[:], frame_time - frame_time[0])
            np.testing.assert_array_equal(series.data[:], frame[node][["x", "y"]].to_numpy())
            np.testing.assert_array_equal(series.confidence[:], frame[node]["likelihood"].to_numpy())


def test_of_two_videos_named_alike_the_recorded_one_is_linked_else_a_warning_names_both(tmp_path):
    # A lab keeps the raw .avi DeepLabCut analysed and an .mp4 made from it; the .mp4 was linked (and its
    # frame rate used) because .mp4 came first in the suffixes looked for, though config.yaml names the .avi.
    import shutil
    import warnings

    videos = tmp_path / "project" / "videos"
    videos.mkdir(parents=True)
    source = DLC / "TEST-Alex-2019-11-04/videos"
    stem = "reachingvideo1short"
    for name in (
        f"{stem}DLC_resnet50_TESTNov4shuffle1_10.h5",
        f"{stem}DLC_resnet50_TESTNov4shuffle1_10includingmetadata.pickle",
    ):
        shutil.copy(source / name, videos / name)
    shutil.copy(source / f"{stem}.avi", videos / f"{stem}.avi")
    shutil.copy(DLC / "TEST-Alex-2019-08-16/videos/brief.mp4", videos / f"{stem}.mp4")
    config = tmp_path / "project" / "config.yaml"
    recorded = f"C:\\lab\\videos\\{stem}.avi"
    config.write_text(f"bodyparts: [bodypart1, bodypart2, bodypart3, objectA]\nvideo_sets:\n  {recorded}: {{}}\n")
    predictions = videos / f"{stem}DLC_resnet50_TESTNov4shuffle1_10.h5"

    def linked(**options):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            interface = DeepLabCutPoseInterface(file_path=predictions, **options)
        said = [str(w.message) for w in caught if "are all videos of this name" in str(w.message)]
        return interface.pose.videos[stem].path.name, said

    assert linked() == (f"{stem}.avi", [])
    config.unlink()
    name, said = linked()
    assert name == f"{stem}.mp4" and len(said) == 1, said
    assert f"{stem}.mp4" in said[0] and f"{stem}.avi" in said[0] and "video_file_path= (--video)" in said[0]
    assert linked(video_file_path=videos / f"{stem}.avi") == (f"{stem}.avi", [])
