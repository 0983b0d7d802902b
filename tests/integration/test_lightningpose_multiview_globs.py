"""``poseconv convert <folder>/*.csv --source lp-multiview``: every CSV of a folder of views, as a shell globs them.

A glob of ``video_preds/*.csv`` gives Lightning Pose's metrics and bounding boxes beside the views'
predictions; a glob of what ``poseconv export --to lp`` wrote of an EKS multi-camera session gives the 3D file
beside the views. The command line reads them as the interface does from Python.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import h5py
import numpy as np
import pytest

from poseconv import LightningPoseMultiViewInterface, read_multicamera
from tests.fixtures.cli import poseconv_in_process
from tests.fixtures.lightningpose import LP_VIEWS, write_eks_multicam, write_lp_multiview_session

START = "2024-05-01T10:00:00+00:00"
# Parts of the file that differ between any two conversions of the same poses.
_PER_FILE = ("object_id", "identifier", "file_create_date", "date_created", "source_script")


def _contents(path: Path) -> dict[str, object]:
    """Every dataset value and attribute of the poses and the cameras of an NWB file, by path."""
    found: dict[str, object] = {}
    with h5py.File(path, "r") as nwb:

        def visit(name: str, obj: h5py.Group | h5py.Dataset) -> None:
            if isinstance(obj, h5py.Dataset) and h5py.check_string_dtype(obj.dtype):
                found[name] = obj.asstr()[()]
            elif isinstance(obj, h5py.Dataset) and obj.dtype.kind != "O":  # references: the objects are compared
                found[name] = obj[()]
            for key, value in obj.attrs.items():
                if key not in _PER_FILE and not isinstance(value, h5py.Reference):
                    found[f"{name}@{key}"] = value

        for group in ("processing", "general/devices"):
            nwb[group].visititems(lambda name, obj, group=group: visit(f"{group}/{name}", obj))
    return found


def _assert_same_contents(first: Path, second: Path) -> None:
    ours, theirs = _contents(first), _contents(second)
    assert sorted(ours) == sorted(theirs)
    for name, value in ours.items():
        if isinstance(value, np.ndarray) and value.dtype.kind == "f":
            np.testing.assert_array_equal(value, theirs[name], err_msg=name)
        else:
            assert np.array_equal(value, theirs[name]), name


@pytest.mark.parametrize("bbox_first", [False, True], ids=["sorted", "bbox_first"])
def test_a_glob_of_video_preds_converts_as_the_interface_does_from_python(tmp_path, bbox_first):
    # `poseconv convert video_preds/*.csv --source lp-multiview` exited 1 on the first metrics file ("is a
    # Lightning Pose metrics file ... not poses"), which Python and a spec skip with one warning. Some locales
    # sort <stem>_bbox.csv before <stem>.csv: then the first input is a file the reader skips.
    views = write_lp_multiview_session(tmp_path / "model", with_videos=False)
    for path in views.values():
        path.with_name(f"{path.stem}_bbox.csv").write_text("frame,x,y,h,w\n0,1,2,3,4\n")
    inputs = sorted(views["top"].parent.glob("*.csv"))
    if bbox_first:
        inputs.sort(key=lambda path: not path.stem.endswith("_bbox"))
    assert len(inputs) == 10 and inputs[0].stem.endswith("_bbox") == bbox_first

    cli = tmp_path / "cli.nwb"
    result = poseconv_in_process(
        "convert", *inputs, "--source", "lp-multiview", "--fps", 30, "--session-start-time", START, "-o", cli
    )
    assert result.returncode == 0, result.stderr
    (skipped,) = [line for line in result.stderr.splitlines() if "metrics or bounding-box files" in line]
    assert "mouse1_2024-05-01_top_pca_singleview_error.csv" in skipped and "_bbox.csv" in skipped

    first_view = next(path for path in inputs if path in views.values())
    with pytest.warns(match="metrics or bounding-box files"):
        interface = LightningPoseMultiViewInterface(first_view, view_file_paths=inputs, sampling_frequency=30.0)
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime.fromisoformat(START)
    python = tmp_path / "python.nwb"
    interface.run_conversion(nwbfile_path=python, metadata=metadata)
    assert list(read_multicamera(cli)[0].cameras) == list(LP_VIEWS)
    _assert_same_contents(cli, python)


def _convert(out: Path, *inputs: Path) -> None:
    result = poseconv_in_process(
        "convert", *inputs, "--source", "lp-multiview", "--fps", 30, "--session-start-time", START, "-o", out
    )
    assert result.returncode == 0, result.stderr


def test_an_eks_session_exported_to_lightning_pose_converts_back_value_for_value(tmp_path):
    # The export writes <OUT>_multicam_<view>_results.csv per camera and <OUT>_3D.csv; converting the glob back
    # was refused: "The poses of camera '3D' are 3D".
    write_eks_multicam(tmp_path / "eks")
    first = tmp_path / "first.nwb"
    _convert(first, tmp_path / "eks")
    exported = tmp_path / "exp"
    exported.mkdir()
    result = poseconv_in_process("export", first, "--to", "lp", exported / "s.csv")
    assert result.returncode == 0, result.stderr
    files = sorted(exported.glob("s_*.csv"))
    assert [f.name for f in files] == ["s_3D.csv", "s_multicam_bot_results.csv", "s_multicam_top_results.csv"]
    back = tmp_path / "back.nwb"
    _convert(back, *files)

    (before,), (after,) = read_multicamera(first), read_multicamera(back)
    assert list(after.cameras) == list(before.cameras) == ["bot", "top"]
    pairs = [(before.pose_3d, after.pose_3d)] + [(before.views[v], after.views[v]) for v in before.views]
    for old, new in pairs:
        (old_track,), (new_track,) = old.tracks, new.tracks
        np.testing.assert_array_equal(np.asarray(new_track.positions), np.asarray(old_track.positions))
        if old_track.confidence is None:
            assert new_track.confidence is None
        else:
            np.testing.assert_array_equal(np.asarray(new_track.confidence), np.asarray(old_track.confidence))
        assert [e.name for e in new_track.extra_coords] == [e.name for e in old_track.extra_coords]
        for old_extra, new_extra in zip(old_track.extra_coords, new_track.extra_coords, strict=True):
            np.testing.assert_array_equal(np.asarray(new_extra.values), np.asarray(old_extra.values))
        assert (new.unit, new.reference_frame, new.scorer) == (old.unit, old.reference_frame, old.scorer)
