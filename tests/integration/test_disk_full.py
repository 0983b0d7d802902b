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
