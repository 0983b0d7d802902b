"""``.slp`` files whose tables are flat matrices, as sleap-io.js writes them (readers/sleap/slp_layout.py).

sleap-io.js (h5wasm writes no compound types) stores ``frames``, ``instances`` and the point tables as 2-D
matrices with a JSON ``field_names`` attribute; its streaming writer (``openSlpWriter``) writes every table so,
with the tracking scores in ``instances``. sleap-io reads them (``sleap_io.io.utils.read_hdf5_dataset``).
"""

from __future__ import annotations

import json

import h5py
import numpy as np
import pytest

from poseconv import read_sleap

sio = pytest.importorskip("sleap_io")

_COLUMNS = {
    "frames": ["frame_id", "video", "frame_idx", "instance_id_start", "instance_id_end"],
    "instances": [
        "instance_id",
        "instance_type",
        "frame_id",
        "skeleton",
        "track",
        "from_predicted",
        "score",
        "point_id_start",
        "point_id_end",
        "tracking_score",
    ],
    "points": ["x", "y", "visible", "complete"],
    "pred_points": ["x", "y", "visible", "complete", "score"],
}
_DTYPES = {"frames": "int32", "instances": "float64", "points": "float32", "pred_points": "float32"}


def _flatten_tables(path) -> None:
    """Rewrite the tables of ``path`` as sleap-io.js's streaming writer lays them out."""
    with h5py.File(path, "r+") as handle:
        handle["metadata"].attrs["format_id"] = 1.4
        for table, columns in _COLUMNS.items():
            values = handle[table][()]
            matrix = np.stack([values[c].astype("float64") for c in columns], axis=1) if len(values) else None
            matrix = np.zeros((0, len(columns))) if matrix is None else matrix
            del handle[table]
            flat = handle.create_dataset(table, data=matrix.astype(_DTYPES[table]), maxshape=(None, len(columns)))
            flat.attrs["field_names"] = json.dumps(columns)


@pytest.fixture
def flat_slp(tmp_path):
    skeleton = sio.Skeleton(["head", "tail"], name="fly")
    video = sio.Video(filename="v.mp4", backend_metadata={"fps": 10.0, "shape": (4, 8, 8, 1)}, open_backend=False)
    tracks = [sio.Track("a"), sio.Track("b")]
    frames = [
        sio.LabeledFrame(
            video=video,
            frame_idx=f,
            instances=[
                sio.PredictedInstance.from_numpy(
                    np.array([[1.5 + f, 2.25 + t], [3.0, 4.5]]),
                    point_scores=np.array([0.5, 0.75]),
                    skeleton=skeleton,
                    score=0.875,
                    track=track,
                    tracking_score=0.25 * (f + 1) + t / 8,
                )
                for t, track in enumerate(tracks)
            ],
        )
        for f in range(3)
    ]
    labels = sio.Labels(labeled_frames=frames, videos=[video], skeletons=[skeleton], tracks=tracks)
    path = tmp_path / "flat.slp"
    sio.save_slp(labels, str(path))
    _flatten_tables(path)
    return path


def test_tracking_scores_of_flat_tables_are_read(flat_slp):
    # The header looked for 'tracking_score' among the compound fields only: the scores were dropped unsaid.
    expected = sio.load_file(str(flat_slp))
    pose = read_sleap(flat_slp)
    for track in pose.tracks:
        scores = {lf.frame_idx: inst.tracking_score for lf in expected for inst in lf if inst.track.name == track.name}
        assert track.tracking_scores is not None, track.name
        np.testing.assert_array_equal(
            np.asarray(track.tracking_scores)[sorted(scores)], [scores[f] for f in sorted(scores)]
        )
        assert np.asarray(track.positions)[0, 0, 0] == expected[0][0].numpy()[0, 0]


def test_a_selection_without_poses_of_flat_tables_is_told_as_such(tmp_path):
    # The counts behind this message read compound fields only: a flat file got the generic "holds no poses".
    from poseconv.errors import InvalidOptionError

    skeleton = sio.Skeleton(["head", "tail"], name="fly")
    video = sio.Video(filename="v.mp4", backend_metadata={"fps": 10.0, "shape": (4, 8, 8, 1)}, open_backend=False)
    frames = [
        sio.LabeledFrame(video=video, frame_idx=f, instances=[sio.Instance.from_numpy(np.ones((2, 2)), skeleton)])
        for f in range(2)
    ]
    path = tmp_path / "users.slp"
    sio.save_slp(sio.Labels(labeled_frames=frames, videos=[video], skeletons=[skeleton]), str(path))
    _flatten_tables(path)
    with pytest.raises(InvalidOptionError, match=r"holds 2 user instance\(s\).*predicted_only=True"):
        read_sleap(path, predicted_only=True)
