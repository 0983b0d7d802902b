"""SLEAP files as the installed sleap-io writes them: features newer SLEAP files carry.

Each file is built in ``tmp_path`` with sleap-io's own writer and read back with sleap-io to
compare values.
"""

from __future__ import annotations

import datetime

import numpy as np
import pytest

from tests.fixtures.sleap import labels_on_videos

sio = pytest.importorskip("sleap_io")

# A virtual crop (SLP format 2.3): the labels are in the crop's coordinates, the video recorded is the whole file.
CROP = [100, 50, 400, 250]


def _cropped_video_labels(path):
    skeleton = sio.Skeleton(["head", "tail"])
    video = sio.Video(
        filename=str(path.parent / "vid.mp4"),
        backend_metadata={"shape": [3, 200, 300, 1], "source_shape": [3, 320, 560, 1], "crop": CROP, "fps": 10.0},
        open_backend=False,
    )
    frames = [
        sio.LabeledFrame(
            video,
            i,
            [sio.PredictedInstance.from_numpy(np.array([[1.0 + i, 2.0], [3.0, 4.5]]), skeleton=skeleton, score=0.9)],
        )
        for i in range(3)
    ]
    sio.save_slp(sio.Labels(frames, skeletons=[skeleton], videos=[video]), str(path))
    return sio.load_slp(str(path), open_videos=False)


def test_poses_on_a_cropped_video_say_where_the_crop_is(tmp_path):
    import pynwb

    from poseconv import SLEAPPoseInterface

    path = tmp_path / "cropped.slp"
    labels = _cropped_video_labels(path)
    assert labels.videos[0].backend_metadata["crop"] == CROP
    interface = SLEAPPoseInterface(file_path=path)
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    interface.run_conversion(nwbfile_path=tmp_path / "out.nwb", metadata=metadata, overwrite=True)
    with pynwb.NWBHDF5IO(tmp_path / "out.nwb", "r") as io:
        pose = io.read().processing["behavior"]["PoseEstimation"]
        where = "(0, 0) here is the video's pixel (100, 50); add (100, 50) to place them on the video."
        assert "crop of this video (x 100 to 400, y 50 to 250" in pose.description and where in pose.description
        for k, node in enumerate(("head", "tail")):
            series = pose.pose_estimation_series[node]
            assert series.reference_frame.endswith(where)
            # The values stay as SLEAP wrote them (in the crop), as sleap-io reads them.
            expected = np.stack([lf.instances[0].numpy()[k] for lf in labels.labeled_frames])
            np.testing.assert_array_equal(series.data[:], expected)


def test_a_cropped_video_keeps_the_whole_frame_size(tmp_path):
    # sleap-io records the crop's shape as "shape" and the file's as "source_shape": the crop's size was written
    # as the ImageSeries.dimension of the whole video linked.
    from poseconv.readers.sleap import read_sleap

    path = tmp_path / "cropped.slp"
    labels = _cropped_video_labels(path)
    assert labels.videos[0].backend_metadata["shape"][1:3] == (200, 300)
    (video,) = read_sleap(path).videos.values()
    assert video.frame_size == (320, 560)
    assert video.n_frames == 3


def test_poses_on_a_whole_video_say_nothing_of_a_crop(tmp_path):
    from poseconv.metadata.defaults import default_pose_metadata
    from poseconv.readers.sleap import read_sleap

    path = tmp_path / "whole.slp"
    skeleton = sio.Skeleton(["head"])
    video = sio.Video(
        filename=str(tmp_path / "vid.mp4"), backend_metadata={"shape": [1, 20, 30, 1]}, open_backend=False
    )
    frame = sio.LabeledFrame(video, 0, [sio.Instance.from_numpy(np.array([[1.0, 2.0]]), skeleton=skeleton)])
    sio.save_slp(sio.Labels([frame], skeletons=[skeleton], videos=[video]), str(path))
    (container,) = default_pose_metadata(read_sleap(path))["Pose"]["PoseEstimations"].values()
    assert "crop" not in container["description"]
    assert "crop" not in container["PoseEstimationSeries"]["head"]["reference_frame"]


def test_labels_on_a_cropped_video_say_where_the_crop_is(tmp_path):
    # The training metadata said nothing of the crop the poses' metadata names (the labels were as offset).
    from poseconv.metadata.training import default_training_metadata
    from poseconv.readers.sleap.labels import read_sleap_labels

    path = tmp_path / "cropped.slp"
    labels = _cropped_video_labels(path)
    labels.labeled_frames[0].instances = [
        sio.Instance.from_numpy(labels.labeled_frames[0].instances[0].numpy(), skeleton=labels.skeletons[0])
    ]
    sio.save_slp(labels, str(path))
    metadata = default_training_metadata(read_sleap_labels(path), video_paths_known={"vid"})
    where = "(0, 0) here is the video's pixel (100, 50); add (100, 50) to place them on the video."
    description = metadata["Pose"]["PoseTraining"]["description"]
    assert "The labels of 'vid' are in the coordinates of a crop of this video (x 100 to 400" in description
    assert where in description
    video = metadata["Behavior"]["ExternalVideos"]["video_vid"]["description"]
    assert "The labels are in the coordinates of a crop" in video and "as SLEAP recorded it" in video


def _proofread_labels(path):
    """Predictions of tracks A and B on 3 frames; in frame 1 a user corrected A's prediction."""
    skeleton = sio.Skeleton(["head", "thorax", "tail"])
    video = sio.Video(filename=str(path.parent / "vid.mp4"), open_backend=False)
    tracks = [sio.Track("A"), sio.Track("B")]
    rng = np.random.default_rng(0)
    frames = []
    for i in range(3):
        predictions = [
            sio.PredictedInstance.from_numpy(
                rng.uniform(0, 100, (3, 2)), skeleton=skeleton, point_scores=rng.uniform(size=3), score=0.5, track=t
            )
            for t in tracks
        ]
        user = []
        if i == 1:
            user = [
                sio.Instance.from_numpy(
                    rng.uniform(0, 100, (3, 2)), skeleton=skeleton, track=tracks[0], from_predicted=predictions[0]
                )
            ]
        frames.append(sio.LabeledFrame(video, i, [*user, *predictions]))
    labels = sio.Labels(frames, skeletons=[skeleton], videos=[video], tracks=tracks)
    sio.save_slp(labels, str(path))
    return labels


def test_sleap_io_csv_of_a_proofread_file_keeps_the_user_instance_as_the_slp_does(tmp_path):
    from poseconv.readers.sleap import read_sleap, read_sleap_csv

    labels = _proofread_labels(tmp_path / "proofread.slp")
    # sleap-io's CSV writer keeps every instance: frame 1 holds track A twice, the user row without scores.
    sio.save_csv(labels, str(tmp_path / "proofread.csv"), format="sleap")
    from_csv = read_sleap_csv(tmp_path / "proofread.csv")
    from_slp = read_sleap(tmp_path / "proofread.slp")
    nodes_csv = list(from_csv.skeletons["Skeleton"].nodes)
    order = [nodes_csv.index(node) for node in ("head", "thorax", "tail")]  # sleap-io's CSV sorts the nodes
    assert [t.name for t in from_csv.tracks] == ["A", "B"]
    for track in from_csv.tracks:
        expected = next(t for t in from_slp.tracks if t.name == track.name)
        np.testing.assert_array_equal(np.asarray(track.positions)[:, order], np.asarray(expected.positions))
        np.testing.assert_array_equal(np.asarray(track.confidence)[:, order], np.asarray(expected.confidence))
        np.testing.assert_array_equal(track.user_labeled, [False, track.name == "A", False])
    replaced = from_csv.tracks[0].replaced_predictions
    expected = from_slp.tracks[0].replaced_predictions
    np.testing.assert_array_equal(np.asarray(replaced.positions)[:, order], np.asarray(expected.positions))
    np.testing.assert_array_equal(replaced.instance_scores, np.asarray(expected.instance_scores))
    assert from_csv.tracks[1].replaced_predictions is None


def test_untracked_rows_of_a_sleap_csv_come_back_without_a_track(tmp_path):
    import pynwb

    from poseconv.exporters.sleap import write_slp
    from poseconv.interfaces import SLEAPCSVPoseInterface
    from poseconv.nwb.read.pose import read_nwb

    path = tmp_path / "mixed.csv"
    path.write_text(
        "track,frame_idx,instance.score,a.x,a.y,a.score\nt,0,0.9,1,2,0.8\n,0,0.7,3,4,0.6\nt,2,0.9,5,6,0.8\n"
    )
    interface = SLEAPCSVPoseInterface(path, sampling_frequency=30.0)
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    interface.run_conversion(nwbfile_path=tmp_path / "out.nwb", metadata=metadata, overwrite=True)
    with pynwb.NWBHDF5IO(tmp_path / "out.nwb", "r") as io:
        order = io.read().processing["behavior"]["TrackOrder"].to_dataframe()
    assert order["track"].tolist() == ["t", ""]
    [pose] = read_nwb(tmp_path / "out.nwb")
    assert [pose.identity(track) for track in pose.tracks] == ["t", None]
    write_slp(pose, tmp_path / "back.slp")
    frame = sio.load_slp(str(tmp_path / "back.slp"), open_videos=False).labeled_frames[0]
    assert sorted((inst.track.name if inst.track else "") for inst in frame.instances) == ["", "t"]


def test_untracked_instances_with_identities_are_split_by_identity(tmp_path):
    from poseconv.metadata.defaults import default_pose_metadata
    from poseconv.readers.sleap import read_sleap

    # A re-identification model names each instance's animal with an Identity, not a Track (SLP format 2.5).
    skeleton = sio.Skeleton(["head", "tail"])
    video = sio.Video(filename=str(tmp_path / "vid.mp4"), open_backend=False)
    identities = [sio.Identity("mouseA"), sio.Identity("mouseB")]
    rng = np.random.default_rng(0)
    frames = []
    for i in range(3):
        instances = []
        for identity in identities[:: 1 if i % 2 else -1]:  # the order in the frame changes; the identity does not
            instance = sio.PredictedInstance.from_numpy(rng.uniform(0, 99, (2, 2)), skeleton=skeleton, score=0.5)
            instance.identity = identity
            instances.append(instance)
        frames.append(sio.LabeledFrame(video, i, instances))
    reid = sio.Labels(frames, skeletons=[skeleton], videos=[video], identities=identities)
    sio.save_slp(reid, str(tmp_path / "reid.slp"))
    labels = sio.load_slp(str(tmp_path / "reid.slp"), open_videos=False)
    assert all(inst.track is None and inst.identity is not None for lf in labels for inst in lf)

    pose = read_sleap(tmp_path / "reid.slp")
    assert [track.name for track in pose.tracks] == ["mouseA", "mouseB"]
    for track in pose.tracks:
        expected = [next(inst for inst in lf if inst.identity.name == track.name).numpy() for lf in labels]
        np.testing.assert_array_equal(np.asarray(track.positions), np.stack(expected))
    descriptions = [c["description"] for c in default_pose_metadata(pose)["Pose"]["PoseEstimations"].values()]
    assert all("no track but an identity" in description for description in descriptions)

    # A user's correction of such a prediction carries no identity of its own: it is the same animal
    # (before, it went to an "untracked" animal and the prediction stayed mouseA's pose in that frame).
    predicted = labels.labeled_frames[1].instances[0]
    corrected = sio.Instance.from_numpy(predicted.numpy() + 1, skeleton=predicted.skeleton, from_predicted=predicted)
    labels.labeled_frames[1].instances.append(corrected)
    sio.save_slp(labels, str(tmp_path / "corrected.slp"))
    pose = read_sleap(tmp_path / "corrected.slp")
    assert [track.name for track in pose.tracks] == ["mouseA", "mouseB"]
    track = next(t for t in pose.tracks if t.name == predicted.identity.name)
    np.testing.assert_array_equal(np.asarray(track.positions)[1], predicted.numpy() + 1)


def test_a_sleap_csv_track_named_like_a_missing_value_keeps_its_name(tmp_path):
    # pandas reads "None", "NA", "nan" as missing: such an animal went to the untracked container.
    from poseconv.readers.sleap import read_sleap_csv

    path = tmp_path / "names.csv"
    rows = "".join(f"{name},0,0.9,{i},2,0.8\n" for i, name in enumerate(["None", "NA", "nan", "", "null"]))
    path.write_text("track,frame_idx,instance.score,a.x,a.y,a.score\n" + rows)
    pose = read_sleap_csv(path)
    assert sorted(track.name for track in pose.tracks) == sorted(["None", "NA", "nan", "null", "untracked"])
    assert {track.name: track.positions[0, 0, 0] for track in pose.tracks}["nan"] == 2.0


def test_sleap_io_csv_metadata_gives_the_video_frame_rate_and_skeleton(tmp_path):
    from poseconv.readers.sleap import read_sleap_csv

    labels = labels_on_videos(tmp_path, [12.5])
    (tmp_path / "vid0.mp4").write_bytes(b"")  # the video beside the CSV, as the metadata records it
    sio.save_csv(labels, str(tmp_path / "preds.csv"), format="sleap", save_metadata=True)
    assert (tmp_path / "preds.json").is_file()
    pose = read_sleap_csv(tmp_path / "preds.csv")
    (skeleton,) = pose.skeletons.values()
    assert skeleton.name == "fly" and skeleton.nodes == ("head", "thorax", "tail")  # not the CSV's sorted columns
    assert skeleton.edges == ((0, 1), (1, 2))
    (video,) = pose.videos.values()
    assert video.key == "vid0" and video.path == (tmp_path / "vid0.mp4").resolve() and video.fps == 12.5
    assert pose.timing["vid0"].rate == 12.5
    (track,) = pose.tracks
    assert track.n_frames == 5  # the length the metadata records of the video, as the .slp reads it
    np.testing.assert_array_equal(np.asarray(track.positions)[:3], np.stack([lf[0].numpy() for lf in labels]))


def test_sleap_io_csv_of_several_videos_is_refused_not_merged(tmp_path):
    from poseconv.errors import InvalidSourceFileError
    from poseconv.readers.sleap import read_sleap_csv

    labels = labels_on_videos(tmp_path, [12.5, 12.5])
    sio.save_csv(labels, str(tmp_path / "both.csv"), format="sleap", save_metadata=True)
    with pytest.raises(InvalidSourceFileError, match=r"both.csv: its metadata \(both.json\) lists 2 videos"):
        read_sleap_csv(tmp_path / "both.csv")
    # Without its metadata, the file shows it only where one track meets itself in a frame.
    (tmp_path / "both.json").unlink()
    with pytest.raises(InvalidSourceFileError, match="export one video per file"):
        read_sleap_csv(tmp_path / "both.csv")


def test_sleap_io_instances_csv_reads_as_the_slp_with_tracking_scores(tmp_path):
    from poseconv.catalog import detect_format
    from poseconv.readers.sleap import read_sleap

    labels = _proofread_labels(tmp_path / "proofread.slp")
    sio.save_csv(labels, str(tmp_path / "instances.csv"), format="instances")
    fmt = detect_format(tmp_path / "instances.csv")
    assert fmt.name == "SLEAP CSV"
    from_csv, from_slp = fmt.read(tmp_path / "instances.csv"), read_sleap(tmp_path / "proofread.slp")
    for track, expected in zip(from_csv.tracks, from_slp.tracks, strict=True):
        assert track.name == expected.name
        for field in ("positions", "confidence", "instance_scores", "tracking_scores", "user_labeled"):
            np.testing.assert_array_equal(np.asarray(getattr(track, field)), np.asarray(getattr(expected, field)))
    np.testing.assert_array_equal(
        np.asarray(from_csv.tracks[0].replaced_predictions.tracking_scores),
        np.asarray(from_slp.tracks[0].replaced_predictions.tracking_scores),
    )


@pytest.mark.parametrize(("layout", "per"), [("points", "point"), ("frames", "frame")])
def test_sleap_io_csv_layouts_of_other_shapes_are_refused_with_how_to_export(tmp_path, layout, per):
    from poseconv.catalog import detect_format
    from poseconv.errors import InvalidSourceFileError

    sio.save_csv(_proofread_labels(tmp_path / "p.slp"), str(tmp_path / "p.csv"), format=layout)
    with pytest.raises(InvalidSourceFileError, match=rf"'{layout}' layout \(one row per {per}\).*format='sleap'"):
        detect_format(tmp_path / "p.csv").read(tmp_path / "p.csv")


def test_sleap_io_instances_csv_of_several_videos_is_refused(tmp_path):
    from poseconv.errors import InvalidSourceFileError
    from poseconv.readers.sleap import read_sleap_csv

    sio.save_csv(labels_on_videos(tmp_path, [12.5, 12.5]), str(tmp_path / "both.csv"), format="instances")
    with pytest.raises(InvalidSourceFileError, match="holds the rows of 2 videos"):
        read_sleap_csv(tmp_path / "both.csv")


def _annotated_labels(path, *, user: bool):
    # Poses with sleap-io's other annotations beside them: bounding boxes, centroids and an event.
    skeleton = sio.Skeleton(["nose", "tail"])
    video = sio.Video(filename="vid.mp4", backend_metadata={"shape": [4, 100, 100, 1], "fps": 30.0}, open_backend=False)
    track = sio.Track("mouse")
    species = sio.Category("mouse")
    frames = []
    for i in range(4):
        points = np.array([[1.0 + i, 2.0], [3.0, 4.5]])
        instance = (
            sio.Instance.from_numpy(points, skeleton=skeleton, track=track)
            if user
            else sio.PredictedInstance.from_numpy(points, skeleton=skeleton, score=0.9, track=track)
        )
        instance.category = species
        box = sio.PredictedBoundingBox(0.0, 0.0, 10.0 + i, 10.0, track=track, score=0.8)
        centroid = sio.PredictedCentroid(5.0, 5.0 + i, track=track, score=0.7)
        frames.append(
            sio.LabeledFrame(video=video, frame_idx=i, instances=[instance], bboxes=[box], centroids=[centroid])
        )
    groom = sio.EventType(name="groom")
    event = sio.PredictedEvent(type=groom, video=video, start_frame=1, end_frame=3, subject=track, score=0.6)
    labels = sio.Labels(
        frames, videos=[video], skeletons=[skeleton], tracks=[track], event_types=[groom], events=[event]
    )
    sio.save_slp(labels, str(path))
    return np.stack([frame.instances[0].numpy() for frame in labels.labeled_frames])


def test_annotations_ndx_pose_has_no_place_for_are_said_to_be_left_out(tmp_path):
    from poseconv import read_sleap, read_sleap_labels
    from poseconv.errors import PoseconvWarning

    said = (
        r"also holds 4 bounding box\(es\), 4 centroid\(s\), 1 event\(s\) and 4 category label\(s\) of "
        r"detections.*not in the NWB file"
    )
    expected = _annotated_labels(tmp_path / "poses.slp", user=False)
    with pytest.warns(PoseconvWarning, match=said):
        pose = read_sleap(tmp_path / "poses.slp")
    np.testing.assert_array_equal(np.asarray(pose.tracks[0].positions[:]), expected)
    expected = _annotated_labels(tmp_path / "labels.slp", user=True)
    with pytest.warns(PoseconvWarning, match=said):
        training = read_sleap_labels(tmp_path / "labels.slp")
    np.testing.assert_array_equal(np.stack([frame.instances[0].points for frame in training.frames]), expected)


def test_predictions_of_sleap_nn_name_it_and_its_models(tmp_path):
    # SLEAP 1.5 and later infer with sleap-nn, whose provenance (build_inference_provenance) records its own
    # version, the model type and the checkpoints' paths instead of SLEAP's sleap_version.
    from poseconv import read_sleap
    from poseconv.metadata.defaults import default_pose_metadata

    skeleton = sio.Skeleton(["nose", "tail"])
    video = sio.Video(filename="vid.mp4", backend_metadata={"shape": [2, 10, 10, 1], "fps": 30.0}, open_backend=False)
    frames = [
        sio.LabeledFrame(video, i, [sio.PredictedInstance.from_numpy(np.ones((2, 2)), skeleton=skeleton, score=0.9)])
        for i in range(2)
    ]
    labels = sio.Labels(frames, videos=[video], skeletons=[skeleton])
    labels.provenance = {
        "sleap_nn_version": "0.1.2",
        "model_paths": ["models/centroid_250101/best.ckpt", "models/centered_instance_250101/"],
        "model_type": "top_down",
    }
    sio.save_slp(labels, str(tmp_path / "nn.slp"))
    pose = read_sleap(tmp_path / "nn.slp")
    assert pose.scorer == "centroid_250101, centered_instance_250101"
    assert pose.source_software_version is None
    (container,) = default_pose_metadata(pose)["Pose"]["PoseEstimations"].values()
    assert "Predicted by sleap-nn 0.1.2 (top_down model)." in container["description"]
