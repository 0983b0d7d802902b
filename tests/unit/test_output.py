"""The append copy of poseconv.output: the file changes only when the whole append succeeded."""

from __future__ import annotations

import os

import h5py
import pytest

from poseconv.output import OutputError, atomic_append, check_appendable


def test_a_failed_append_leaves_the_file_and_no_copy(tmp_path):
    path = tmp_path / "session.nwb"
    path.write_bytes(b"original")
    with pytest.raises(RuntimeError, match="half way"), atomic_append(path) as copy:
        assert copy.parent == path.parent and copy.read_bytes() == b"original"
        copy.write_bytes(b"original + half")
        raise RuntimeError("half way")
    assert path.read_bytes() == b"original"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["session.nwb"]


def test_a_finished_append_replaces_the_file(tmp_path):
    path = tmp_path / "session.nwb"
    path.write_bytes(b"original")
    with atomic_append(path) as copy:
        copy.write_bytes(b"original + poses")
    assert path.read_bytes() == b"original + poses"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["session.nwb"]


def test_only_existing_nwb_files_are_appendable(tmp_path):
    with pytest.raises(OutputError, match="not found; appending adds to an existing NWB file"):
        check_appendable(tmp_path / "absent.nwb")
    text = tmp_path / "notes.nwb"
    text.write_text("not hdf5")
    with pytest.raises(OutputError, match="not an HDF5 NWB file"):
        check_appendable(text)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files, so nothing refuses them")
def test_a_read_only_file_is_refused_before_anything_is_read(tmp_path):
    # Before, the inputs were read and converted, then the hidden partial copy (read-only too) could not be opened.
    path = tmp_path / "locked.nwb"
    with h5py.File(path, "w") as handle:
        handle.attrs["nwb_version"] = "2.7.0"
    path.chmod(0o444)
    with pytest.raises(OutputError, match="locked.nwb: is read-only; make it writable"):
        check_appendable(path)


def _store(path, text):
    path.mkdir()
    (path / ".zgroup").write_text(text)
    return path


def test_a_zarr_store_is_written_aside_and_replaces_the_old_one_when_complete(tmp_path):
    from poseconv.output import atomic_output

    store = _store(tmp_path / "x.nwb.zarr", "old")
    with atomic_output(store) as partial:
        _store(partial, "new")
        assert (store / ".zgroup").read_text() == "old"
    assert (store / ".zgroup").read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["x.nwb.zarr"]


def test_a_failed_zarr_write_leaves_the_old_store_and_no_partial(tmp_path):
    from poseconv.output import atomic_output

    store = _store(tmp_path / "x.nwb.zarr", "old")
    with pytest.raises(RuntimeError), atomic_output(store) as partial:
        _store(partial, "half")
        raise RuntimeError("killed while writing")
    assert (store / ".zgroup").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.nwb.zarr"]


def test_a_failed_rename_puts_the_old_store_back(tmp_path, monkeypatch):
    import os

    from poseconv.output import replace

    store = _store(tmp_path / "x.nwb.zarr", "old")
    partial = _store(tmp_path / ".x.nwb.partial.zarr", "new")
    real = os.replace

    def failing(source, target):
        if source == partial:
            raise OSError("disk gone")
        real(source, target)

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(OSError, match="disk gone"):
        replace(partial, store)
    assert (store / ".zgroup").read_text() == "old"


def test_a_zarr_store_is_not_appendable(tmp_path):
    store = _store(tmp_path / "x.nwb.zarr", "{}")
    with pytest.raises(OutputError, match="appended to HDF5 NWB files only"):
        check_appendable(store)


@pytest.mark.parametrize("name", ["m1.nwb", "m1.nwb.zarr", "back.slp"])
def test_a_folder_at_the_output_path_is_never_replaced(tmp_path, name):
    from poseconv.output import atomic_output, check_output

    folder = tmp_path / name
    folder.mkdir()
    (folder / "notes.txt").write_text("precious")
    with pytest.raises(OutputError, match=rf"{name}: is a folder.*left as it is"):
        check_output(folder, overwrite=True)
    # Even when the check was skipped, the rename does not put a file over it.
    with pytest.raises(OutputError, match="is a folder"), atomic_output(folder) as partial:
        partial.write_text("new")
    assert (folder / "notes.txt").read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_a_file_another_program_writes_is_not_appended_to(tmp_path):
    import os
    import subprocess
    import sys

    import h5py

    if os.environ.get("HDF5_USE_FILE_LOCKING", "").upper() == "FALSE":
        pytest.skip("HDF5 file locking is turned off here (HDF5_USE_FILE_LOCKING=FALSE)")

    path = tmp_path / "ephys.nwb"
    with h5py.File(path, "w") as handle:
        handle.attrs["nwb_version"] = "2.7.0"
    # Another process holds the file open for writing, as an acquisition program would (HDF5 locks it).
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import h5py, sys; f = h5py.File({str(path)!r}, 'r+'); print('open', flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(
            OutputError,
            match="ephys.nwb: another program has it open for writing .HDF5 locks such a file.; close it there",
        ):
            check_appendable(path)
    finally:
        holder.communicate("")


def test_a_file_the_system_will_not_replace_is_named_with_what_to_do(tmp_path, monkeypatch):
    import os

    from poseconv.output import atomic_output

    path = tmp_path / "session.nwb"
    path.write_bytes(b"open in another program")

    def refused(src, dst):
        # What Windows answers when another program has the file open.
        raise PermissionError(13, "Permission denied", str(src), None, str(dst))

    monkeypatch.setattr(os, "replace", refused)
    with pytest.raises(OutputError) as err, atomic_output(path) as partial:
        partial.write_bytes(b"new")
    # Before, the message named the hidden temporary file: "[Errno 13] Permission denied: '.session.ab12.partial.nwb'".
    assert str(err.value) == (
        f"{path}: cannot be replaced (Permission denied); another program may have it open, or it is read-only or "
        "locked. Close it there (or choose another output name); it is left as it was."
    )
    assert path.read_bytes() == b"open in another program"
    assert [p.name for p in tmp_path.iterdir()] == ["session.nwb"]


@pytest.mark.parametrize("letter", ["a", "é"])
def test_an_output_name_near_the_file_systems_limit_is_written_and_a_longer_one_refused_first(tmp_path, letter):
    from poseconv.output import atomic_output, check_output, output_name_problem, partial_path, remove_partials

    # 250 bytes: a name the file system takes; before, its temporary name (19 bytes longer) did not fit, and the
    # conversion failed at the end with "File name too long" naming the temporary file.
    path = tmp_path / (letter * (246 // len(letter.encode())) + ".nwb")
    assert len(path.name.encode()) <= 250
    assert len(partial_path(path).name.encode()) <= 255 and partial_path(path).suffix == ".nwb"
    with atomic_output(check_output(path, overwrite=False)) as partial:
        partial.write_bytes(b"complete")
    assert path.read_bytes() == b"complete"
    stale = partial_path(path)
    stale.write_bytes(b"left by a killed process")
    remove_partials(path)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]

    too_long = tmp_path / ("a" * 300 + ".nwb")
    expected = "the name is 304 bytes long; this file system takes names of up to 255. Choose a shorter name."
    assert output_name_problem(too_long) == expected
    with pytest.raises(OutputError, match=expected):
        check_output(too_long, overwrite=False)
