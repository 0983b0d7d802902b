"""The columns and rows of a SLEAP analysis CSV as sleap-io writes and reads them: names kept whole, by position."""

from __future__ import annotations

import numpy as np
import pytest

from poseconv.catalog import detect_format
from poseconv.errors import InvalidSourceFileError
from poseconv.readers.sleap import read_sleap_csv
from poseconv.readers.sleap.csv import is_sleap_csv_file

sio = pytest.importorskip("sleap_io")


def _labels(nodes, tracks=("m1",), *, n_frames=3, skeleton_name="skel"):
    """Predictions of every track in every frame: x of node k is 10 * k + frame, its score (k + 1) / 10."""
    skeleton = sio.Skeleton([sio.Node(n) for n in nodes], name=skeleton_name)
    for a, b in zip(nodes, nodes[1:], strict=False):
        skeleton.add_edge(a, b)
    video = sio.Video(filename="/elsewhere/cam.mp4", open_backend=False)
    tracks = [sio.Track(name=name) for name in tracks]
    frames = []
    for frame in range(n_frames):
        points = [np.array([[10.0 * k + frame, 1.0 + t] for k in range(len(nodes))]) for t in range(len(tracks))]
        instances = [
            sio.PredictedInstance.from_numpy(
                points[t],
                skeleton=skeleton,
                point_scores=np.arange(1, len(nodes) + 1) / 10,
                score=0.25 * (frame + 1),
                track=track,
            )
            for t, track in enumerate(tracks)
        ]
        frames.append(sio.LabeledFrame(video=video, frame_idx=frame, instances=instances))
    return sio.Labels(frames, videos=[video], skeletons=[skeleton], tracks=tracks)


def test_a_node_whose_name_starts_with_a_space_keeps_its_name_values_and_skeleton(tmp_path):
    # Before, the header's cells were stripped: ' paw' became 'paw', whose columns the table lacks, so its
    # values were all NaN, and the metadata's skeleton (name, order, edges) no longer matched, without a word.
    nodes = ["head", " paw", "tail"]
    path = tmp_path / "preds.csv"
    sio.save_csv(_labels(nodes, skeleton_name="mouse"), str(path), save_metadata=True)
    pose = read_sleap_csv(path)
    skeleton = pose.skeletons["mouse"]
    assert list(skeleton.nodes) == nodes and skeleton.edges == ((0, 1), (1, 2))
    np.testing.assert_array_equal(pose.tracks[0].positions[:, 1, 0], [10, 11, 12])
    assert [n.name for n in sio.load_csv(str(path)).skeletons[0].nodes] == nodes


def test_a_node_column_the_file_lacks_is_an_error_not_nan(tmp_path):
    path = tmp_path / "preds.csv"
    sio.save_csv(_labels(["head", "tail"]), str(path))
    cells = [line.split(",") for line in path.read_text().splitlines()]
    assert cells[0][3] == "head.score"  # sleap-io's order: each node's columns alphabetical
    # A hand edit that dropped head's point scores; tail's are there.
    path.write_text("".join(",".join(row[:3] + row[4:]) + "\n" for row in cells))
    with pytest.raises(InvalidSourceFileError, match=r"preds.csv: has no column 'head.score'"):
        read_sleap_csv(path)


def test_a_node_named_instance_keeps_its_point_scores_apart_from_the_instance_score(tmp_path):
    # Its point scores' column is named instance.score, as the instance score is: pandas renamed the second
    # instance.score.1, which nothing read, and the node got the instance score as its confidence.
    path = tmp_path / "preds.csv"
    sio.save_csv(_labels(["instance", "tail"]), str(path))
    assert path.read_text().splitlines()[0].split(",")[2:4] == ["instance.score", "instance.score"]
    track = read_sleap_csv(path).tracks[0]
    np.testing.assert_allclose(track.confidence[:, 0], 0.1)
    np.testing.assert_allclose(track.confidence[:, 1], 0.2)
    np.testing.assert_allclose(track.instance_scores, [0.25, 0.5, 0.75])
    np.testing.assert_array_equal(track.positions[:, 0, 0], [0, 1, 2])


def test_a_node_named_instance_in_sleap_s_own_export_order_keeps_its_point_scores(tmp_path):
    # SLEAP's export writes each node's x, y, score in skeleton order: the node's score comes after its x and y.
    path = tmp_path / "preds.analysis.csv"
    header = "track,frame_idx,instance.score,instance.x,instance.y,instance.score,tail.x,tail.y,tail.score"
    path.write_text(f"{header}\nm1,0,0.75,1,2,0.1,3,4,0.2\n")
    track = read_sleap_csv(path).tracks[0]
    np.testing.assert_allclose([track.instance_scores[0], *track.confidence[0]], [0.75, 0.1, 0.2])


def test_a_node_named_instance_in_sleap_io_s_instances_layout_keeps_its_point_scores(tmp_path):
    # Its instance.score column made the file SLEAP's layout, and the node's point scores the instance scores.
    path = tmp_path / "preds.csv"
    sio.save_csv(_labels(["instance", "tail"]), str(path), format="instances")
    assert path.read_text().splitlines()[0].split(",")[3:7] == ["score", "instance.x", "instance.y", "instance.score"]
    track = read_sleap_csv(path).tracks[0]
    np.testing.assert_allclose(track.confidence[:, 0], 0.1)
    np.testing.assert_allclose(track.instance_scores, [0.25, 0.5, 0.75])


def test_a_column_named_twice_is_refused(tmp_path):
    path = tmp_path / "preds.csv"
    path.write_text("track,frame_idx,instance.score,a.x,a.y,a.score,a.x\nm1,0,0.5,1,2,0.5,3\n")
    with pytest.raises(InvalidSourceFileError, match=r"names the column\(s\) \['a.x'\] more than once"):
        read_sleap_csv(path)


def test_track_names_of_spaces_are_names_as_sleap_io_reads_them(tmp_path):
    # Before, ' ' became 'untracked', and ' ' beside '  ' two untracked instances in a frame (refused).
    path = tmp_path / "preds.csv"
    sio.save_csv(_labels(["head"], tracks=(" ", "  ")), str(path))
    assert [t.name for t in read_sleap_csv(path).tracks] == [" ", "  "]
    assert [t.name for t in sio.load_csv(str(path)).tracks] == [" ", "  "]


@pytest.mark.parametrize("with_metadata", [True, False])
def test_sleap_io_s_csv_of_labels_without_instances_holds_no_poses(tmp_path, with_metadata):
    # sleap-io writes a blank line: before, 'not a SLEAP analysis CSV' (detected: 'does not look like output of').
    labels = _labels(["head"], tracks=())  # frames without instances
    path = tmp_path / "preds.csv"
    sio.save_csv(labels, str(path), save_metadata=with_metadata)
    assert path.read_text().strip() == ""
    with pytest.raises(InvalidSourceFileError, match="preds.csv: holds no poses: the file has no header and no rows"):
        read_sleap_csv(path)
    assert is_sleap_csv_file(path) is with_metadata
    if with_metadata:
        assert detect_format(path).name == "SLEAP CSV"


def test_rows_of_empty_cells_at_the_end_are_named(tmp_path):
    path = tmp_path / "preds.csv"
    sio.save_csv(_labels(["head"]), str(path))
    n_columns = len(path.read_text().splitlines()[0].split(","))
    path.write_text(path.read_text() + ("," * (n_columns - 1) + "\n") * 2)
    with pytest.raises(InvalidSourceFileError, match=r"its last 2 row\(s\) have no frame number .*; delete them"):
        read_sleap_csv(path)


def test_a_row_without_a_frame_number_among_others_is_named(tmp_path):
    path = tmp_path / "preds.csv"
    path.write_text(
        "track,frame_idx,instance.score,a.x,a.y,a.score\nm1,0,0.5,1,2,0.5\nm1,,0.5,1,2,0.5\nm1,2,.5,1,2,.5\n"
    )
    with pytest.raises(InvalidSourceFileError, match=r"row 2 \(line 3 of the file\) has no frame_idx"):
        read_sleap_csv(path)


def test_a_blank_line_before_a_header_is_no_empty_file(tmp_path):
    path = tmp_path / "preds.csv"
    path.write_text("\ntrack,frame_idx,instance.score,a.x,a.y,a.score\nm1,0,0.5,1,2,0.5\n")
    with pytest.raises(InvalidSourceFileError, match="not a SLEAP analysis CSV"):
        read_sleap_csv(path)
