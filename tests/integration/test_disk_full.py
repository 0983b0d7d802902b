"""An output the disk (or a quota, or a file size limit) has no room for: a clear error, nothing left behind.

PyTables reports no error when a write is refused for room and leaves an ``.h5`` with holes; h5py and
the CSV writers raise ``OSError`` naming the hidden temporary file. A file size limit (``ulimit -f``,
``RLIMIT_FSIZE``) refuses writes as a full disk does, without root, so the tests set one in a child.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

resource = pytest.importorskip("resource", reason="file size limits are POSIX")

#: Bytes a child may write: the poses below take far more.
LIMIT = 200_000

CHILD = textwrap.dedent(
    """
    import resource, signal, sys
    from poseconv.exporters.deeplabcut import write_deeplabcut
    from poseconv.testing.mock import mock_pose_data

    pose = mock_pose_data(n_frames=20_000, n_nodes=6)
    # Refused writes fail with EFBIG instead of ending the process (SIGXFSZ), as on a full disk.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
    try:
        write_deeplabcut(pose, sys.argv[1])
    except Exception as err:
        print(type(err).__name__, err)
    """
)


@pytest.mark.parametrize("name", ["poses.h5", "poses.csv"])
def test_an_export_the_disk_has_no_room_for_says_so_and_leaves_nothing(tmp_path, name):
    out = tmp_path / name
    result = subprocess.run(
        [sys.executable, "-c", CHILD.format(limit=LIMIT), str(out)], capture_output=True, text=True, timeout=300
    )
    assert result.stdout.startswith("OutputError"), result.stdout + result.stderr
    assert str(out) in result.stdout and "Free some space or write it elsewhere" in result.stdout
    assert ".partial" not in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_a_conversion_the_disk_has_no_room_for_names_the_output_not_its_temporary_file(tmp_path):
    from poseconv.exporters.deeplabcut import write_deeplabcut
    from poseconv.testing.mock import mock_pose_data

    source = write_deeplabcut(mock_pose_data(n_frames=20_000, n_nodes=6), tmp_path / "posesDLC_x.h5")
    out = tmp_path / "out" / "session.nwb"
    out.parent.mkdir()
    child = textwrap.dedent(
        f"""
        import resource, signal, subprocess, sys
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, ({LIMIT}, {LIMIT}))
        sys.argv = ["poseconv", "convert", {str(source)!r}, "-o", {str(out)!r}, "--fps", "30",
                    "--session-start-time", "2024-05-01T10:00:00+00:00"]
        from poseconv.cli.main import main
        main()
        """
    )
    result = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stderr
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith(f"poseconv: error: {out}: not written") and ".partial" not in error
    assert list(out.parent.iterdir()) == []


#: A child that makes ``setup``, then runs ``write`` (of ``out``) under the file size limit, printing its error.
LIMITED = textwrap.dedent(
    """
    import resource, signal, sys
    out = sys.argv[1]
    {setup}
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
    try:
        {write}
    except Exception as err:
        print(type(err).__name__, err)
    """
)
_POSES = "from poseconv.testing.mock import mock_pose_data; pose = mock_pose_data(n_frames=20_000, n_nodes=6)"


def _run_limited(setup: str, write: str, out) -> subprocess.CompletedProcess:
    child = LIMITED.format(setup=setup, write=write, limit=LIMIT)
    return subprocess.run([sys.executable, "-c", child, str(out)], capture_output=True, text=True, timeout=300)


def _user_labels(path, n_frames: int = 3000):
    """A .slp of user labels (two animals a frame) large enough to pass the limit."""
    import numpy as np

    sio = pytest.importorskip("sleap_io")
    skeleton = sio.Skeleton([f"n{i}" for i in range(8)])
    video = sio.Video(filename=str(path.with_name("arena.mp4")), open_backend=False)
    tracks = [sio.Track("a"), sio.Track("b")]
    rng = np.random.default_rng(0)
    frames = [
        sio.LabeledFrame(
            video=video,
            frame_idx=t,
            instances=[sio.Instance.from_numpy(rng.random((8, 2)) * 100, skeleton=skeleton, track=tr) for tr in tracks],
        )
        for t in range(n_frames)
    ]
    sio.save_slp(sio.Labels(frames, skeletons=[skeleton], videos=[video], tracks=tracks), str(path))
    return path


@pytest.mark.parametrize(
    ("name", "setup", "write"),
    [
        # h5py reported the refused writes only as "Exception ignored", the .slp was put in place, then HDF5
        # crashed closing the file.
        ("poses.slp", _POSES, "from poseconv.exporters.sleap import write_slp; write_slp(pose, out)"),
        (
            "poses.analysis.h5",
            _POSES,
            "from poseconv.exporters.sleap_analysis import write_sleap_analysis; write_sleap_analysis(pose, out)",
        ),
    ],
)
def test_a_sleap_export_the_disk_has_no_room_for_says_so_leaves_nothing_and_ends(tmp_path, name, setup, write):
    out = tmp_path / "out" / name
    out.parent.mkdir()
    result = _run_limited(setup, write, out)
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    assert result.stdout.startswith(f"OutputError {out}: not written"), result.stdout + result.stderr[-2000:]
    assert "Exception ignored" not in result.stderr
    assert list(out.parent.iterdir()) == []


@pytest.mark.parametrize("to", ["slp", "dlc"])
def test_training_labels_the_disk_has_no_room_for_say_so_and_leave_nothing(tmp_path, to):
    # --to slp: "internal error: RuntimeError"; --to dlc FOLDER: "internal error: NoSuchNodeError" and an empty
    # labeled-data/<video>/ tree left.
    labels = _user_labels(tmp_path / "labels.slp")
    out = tmp_path / "out" / ("user_labels.slp" if to == "slp" else "project")
    out.parent.mkdir()
    setup = (
        f"from poseconv.readers.sleap.labels import read_sleap_labels; training = read_sleap_labels({str(labels)!r})"
    )
    if to == "slp":
        write = "from poseconv.exporters.sleap_training import write_sleap_labels; write_sleap_labels(training, out)"
    else:
        write = (
            "from poseconv.exporters.deeplabcut_training import write_deeplabcut_labels; "
            "write_deeplabcut_labels(training, out)"
        )
    result = _run_limited(setup, write, out)
    assert result.stdout.startswith("OutputError "), result.stdout + result.stderr[-2000:]
    assert "not written" in result.stdout and "Free some space" in result.stdout
    assert list(out.parent.iterdir()) == []


def test_a_movement_export_the_disk_has_no_room_for_says_so_and_leaves_nothing(tmp_path):
    # netCDF says only "NetCDF: HDF error": it was an "internal error".
    from poseconv.exporters.deeplabcut import write_deeplabcut
    from poseconv.testing.mock import mock_pose_data

    source = write_deeplabcut(mock_pose_data(n_frames=20_000, n_nodes=6), tmp_path / "posesDLC_x.h5")
    out = tmp_path / "out" / "poses.nc"
    out.parent.mkdir()
    argv = ["poseconv", "export", str(source), "--to", "movement", "-o", str(out)]
    write = f"sys.argv = {argv!r}; from poseconv.cli.main import main; main()"
    result = _run_limited("", write, out)
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith(f"poseconv: error: {out}: not written"), result.stderr[-2000:]
    assert list(out.parent.iterdir()) == []
