"""The writes of poseconv.output: an output appears whole under its name or not at all, and replaces only when told."""

from __future__ import annotations

import json
import os

import pytest

from poseconv.output import OutputError
from tests.fixtures.cli import run_python_as_a_terminal_starts_it
from tests.fixtures.writers import OtherWriter

# The root attributes hdmf-zarr writes for an NWB file (what makes a folder a store an NWB write may replace).
NWB_ROOT = {"namespace": "core", "neurodata_type": "NWBFile", "nwb_version": "2.7.0"}


def _store(path, text, marker=".zgroup"):
    """Make an NWB Zarr store at ``path`` (Zarr v2 or, with marker "zarr.json", v3); ``written`` holds ``text``."""
    path.mkdir()
    if marker == ".zgroup":
        (path / ".zgroup").write_text(text)
        (path / ".zattrs").write_text(json.dumps(NWB_ROOT))
    else:
        (path / "zarr.json").write_text(json.dumps({"zarr_format": 3, "node_type": "group", "attributes": NWB_ROOT}))
    (path / "written").write_text(text)
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


@pytest.mark.parametrize("marker", [".zgroup", "zarr.json"])
def test_a_zarr_write_replaces_a_store_of_any_name_and_refuses_a_folder_that_is_not_one(tmp_path, marker):
    from poseconv.output import atomic_output, check_output

    # neuroconv lets a store take any name: a Zarr write to session.nwb wrote a store there, and the next one
    # (with overwrite) was refused as "a folder, not a file".
    store = _store(tmp_path / "session.nwb", "old", marker)
    with pytest.raises(OutputError, match="already exists; pass overwrite=True"):
        check_output(store, overwrite=False, zarr=True)
    with atomic_output(check_output(store, overwrite=True, zarr=True)) as partial:
        _store(partial, "new", marker)
    assert (store / "written").read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["session.nwb"]
    # An HDF5 write does not take the store for its file; a Zarr write does not replace a plain folder.
    with pytest.raises(OutputError, match="session.nwb: is a folder, not a file"):
        check_output(store, overwrite=True)
    folder = tmp_path / "results.nwb"
    folder.mkdir()
    with pytest.raises(OutputError, match="results.nwb: is a folder that is not a Zarr store, not a file"):
        check_output(folder, overwrite=True, zarr=True)


@pytest.mark.parametrize("name", ["imaging", "imaging.zarr"])
@pytest.mark.parametrize("root", [{".zgroup": {"zarr_format": 2}, ".zattrs": {"scale": 2}}, {"zarr.json": {}}])
def test_a_zarr_store_that_is_no_nwb_file_is_never_replaced(tmp_path, name, root):
    # A Zarr write with overwrite replaced any folder holding a .zgroup or zarr.json, whatever it held: a store of
    # imaging frames named by mistake was deleted with its other files.
    from poseconv.output import atomic_output, check_output, replace

    folder = tmp_path / name
    folder.mkdir()
    for key, value in root.items():
        (folder / key).write_text(
            json.dumps({"zarr_format": 3, "node_type": "group", **value} if key == "zarr.json" else value)
        )
    (folder / "raw_frames.bin").write_bytes(b"precious")
    refused = rf"{name}: holds a Zarr store that is not an NWB file \(its root attributes name no NWBFile\)"
    with pytest.raises(OutputError, match=refused):
        check_output(folder, overwrite=True, zarr=True)
    # Even when the check was skipped, the write's last step does not put a store over it.
    with pytest.raises(OutputError, match=refused), atomic_output(folder, overwrite=True) as partial:
        _store(partial, "new")
    with pytest.raises(OutputError, match=refused):
        replace(_store(tmp_path / "partial.zarr", "new"), folder)
    assert (folder / "raw_frames.bin").read_bytes() == b"precious"


def test_a_file_the_system_will_not_replace_is_named_with_what_to_do(tmp_path, monkeypatch):

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
    killed = OtherWriter(path)
    killed.kill()
    assert len(killed.partial.name.encode()) <= 255 and killed.partial.is_file()
    remove_partials(path)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]

    too_long = tmp_path / ("a" * 300 + ".nwb")
    expected = "the name is 304 bytes long; this file system takes names of up to 255. Choose a shorter name."
    assert output_name_problem(too_long) == expected
    with pytest.raises(OutputError, match=expected):
        check_output(too_long, overwrite=False)


@pytest.mark.parametrize("kind", ["file", "store"])
def test_an_output_that_appears_while_writing_is_not_replaced_without_overwrite(tmp_path, kind):
    # Two conversions to one output, neither with overwrite: both said "Wrote", the later replacing the earlier.
    from poseconv.output import atomic_output

    path = tmp_path / ("m1.nwb" if kind == "file" else "m1.nwb.zarr")
    refused = pytest.raises(OutputError, match="m1.nwb.*: appeared while this was written")
    with refused, atomic_output(path, overwrite=False) as partial:
        if kind == "file":
            partial.write_bytes(b"mine")
            path.write_bytes(b"theirs")
        else:
            partial.mkdir()
            (partial / ".zgroup").write_text("mine")
            path.mkdir()
            (path / ".zgroup").write_text("theirs")
    assert (path.read_bytes() if kind == "file" else (path / ".zgroup").read_bytes()) == b"theirs"
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]
    with atomic_output(tmp_path / "new.nwb", overwrite=False) as partial:
        partial.write_bytes(b"new")
    assert (tmp_path / "new.nwb").read_bytes() == b"new" and len(list(tmp_path.iterdir())) == 2


def test_a_url_as_the_output_is_named_a_url(tmp_path):
    # Before: "the folder .../http:/127.0.0.1:1 does not exist; create it first".
    from poseconv.output import check_output

    with pytest.raises(OutputError, match=r"^http://127.0.0.1:1/x.nwb: is a URL; poseconv writes files on this"):
        check_output("http://127.0.0.1:1/x.nwb", overwrite=False)


@pytest.mark.skipif(os.name == "nt", reason="Windows tells a file being written by refusing to remove it")
def test_the_cleanup_of_an_output_removes_its_own_leftovers_only(tmp_path):
    from poseconv.output import remove_partials

    # Before, m1's cleanup removed every ".m1.*.partial.nwb": the temporary file of m1.day2, being written
    # by another worker, which then failed with "cannot be written (No such file or directory)".
    other_output = OtherWriter(tmp_path / "m1.day2.nwb")
    same_output = OtherWriter(tmp_path / "m1.nwb")  # another run converting m1 at the same time
    remove_partials(tmp_path / "m1.nwb")
    assert other_output.partial.is_file() and same_output.partial.is_file()

    same_output.kill()
    assert same_output.partial.is_file()  # left by the killed process, as the next run finds it
    remove_partials(tmp_path / "m1.nwb")
    assert not same_output.partial.exists() and other_output.partial.is_file()
    assert other_output.finish() == 0
    assert (tmp_path / "m1.day2.nwb").read_bytes() == b"written by another process"


@pytest.mark.parametrize("slow_threads", [False, True], ids=["", "slow-threads"])
@pytest.mark.parametrize("name", ["SIGTERM", "SIGINT"])
def test_a_signal_that_lands_in_a_weakref_callback_still_ends_the_run(tmp_path, name, slow_threads):
    # hdmf and h5py drop many objects while writing; a SIGTERM raised in a weakref callback or finalizer
    # is printed and ignored by Python, and the run went on to put its output in place ("Wrote ...").
    # So was a Ctrl-C (SIGINT) during `export --to sleap-analysis`, which exited 0 after "Wrote".
    import signal
    import textwrap

    out = tmp_path / "out.h5"
    script = textwrap.dedent(
        f"""
        import os, signal, threading, time, weakref
        from poseconv.output import atomic_output

        if {slow_threads}:
            # A loaded machine: the thread that sends the signal again starts long before start() returns
            # to the hook; the signal was sent into the hook, swallowed there, and the run went on.
            start = threading.Thread.start
            threading.Thread.start = lambda self: (start(self), time.sleep(0.2))[0]

        class Dropped:
            pass

        with atomic_output({str(out)!r}) as partial:
            partial.write_bytes(b"half")
            dropped = Dropped()
            # The signal is delivered while the callback runs, as when it comes while hdmf drops an object.
            ref = weakref.ref(dropped, lambda _: (os.kill(os.getpid(), signal.{name}), time.sleep(0.2)))
            del dropped
            time.sleep(5)
            print("went on")
        """
    )
    result = run_python_as_a_terminal_starts_it(script)
    if name == "SIGINT":  # Python's own way: KeyboardInterrupt ends the script (exit 1 after a traceback)
        assert "KeyboardInterrupt" in result.stderr and result.returncode != 0, result.stderr
    else:
        assert result.returncode in (-signal.SIGTERM, 128 + signal.SIGTERM), result.stderr
    assert "went on" not in result.stdout and "Exception ignored" not in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("free", [1000, 10**12])
def test_a_writers_own_error_on_a_full_disk_is_said_as_no_room(tmp_path, monkeypatch, free):
    # netCDF says "NetCDF: HDF error", PyTables a missing node: they said "internal error: RuntimeError".
    import shutil

    from poseconv.errors import InvalidOptionError
    from poseconv.output import atomic_output

    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr("poseconv.full_disk.shutil.disk_usage", lambda _: usage._replace(free=free))
    out = tmp_path / "poses.nc"
    expected = pytest.raises(OutputError, match="no room left") if free < 2**20 else pytest.raises(RuntimeError)
    with expected, atomic_output(out) as partial:
        partial.write_bytes(b"half")
        raise RuntimeError("NetCDF: HDF error")
    # poseconv's own errors are the user's to see as they are, full disk or not; so are a bug, a bad value
    # and a refused permission (they were all "no room" on a disk with under 1 MiB free).
    with pytest.raises(InvalidOptionError, match="the user's"), atomic_output(out):
        raise InvalidOptionError("the user's")
    for error in (ValueError("gain must be positive"), KeyError("x"), PermissionError(13, "Permission denied")):
        with pytest.raises(type(error)), atomic_output(out) as partial:
            partial.write_bytes(b"half")
            raise error
    assert list(tmp_path.iterdir()) == []


def test_a_refused_write_h5py_reports_only_as_ignored_is_the_no_room_error(tmp_path, monkeypatch):
    # h5py closes a dataset it drops in __dealloc__, where HDF5's "errno = 28" is printed and lost: the
    # writer returned and a .slp without those bytes was put in place ("Wrote"), then HDF5 crashed.
    import sys

    from poseconv.output import atomic_output

    printed = []
    monkeypatch.setattr(sys, "unraisablehook", printed.append)

    class Dataset:
        def __init__(self, name):
            self.name = name

        def __del__(self):
            raise RuntimeError(
                f"Can't close dataset (file write failed: filename = '{self.name}', errno = 28, error message = "
                "'No space left on device')"
            )

    out = tmp_path / "poses.slp"
    with pytest.raises(OutputError, match="no room left"), atomic_output(out) as partial:
        partial.write_bytes(b"half")
        Dataset(str(partial))  # dropped at once
        Dataset("another file.h5")
    assert list(tmp_path.iterdir()) == []
    # Only the other file's error is printed; the hook is the one before the write again.
    assert [str(report.exc_value) for report in printed] == [
        "Can't close dataset (file write failed: filename = 'another file.h5', errno = 28, error message = "
        "'No space left on device')"
    ]
    assert sys.unraisablehook == printed.append


def test_an_output_that_is_a_symbolic_link_that_loops_is_said_to_be_one(tmp_path):
    # Path.resolve raises RuntimeError on a loop (Python 3.11): convert -o loop.nwb ended in an internal error.
    from poseconv.output import check_writable

    loop = tmp_path / "loop.nwb"
    loop.symlink_to(loop)
    with pytest.raises(OutputError, match=r"loop\.nwb: is a symbolic link that loops"):
        check_writable(loop)


def _partial_of(path, pid):
    """Return the temporary name process ``pid`` of this computer gives ``path``, holding what it wrote."""
    from poseconv.output import partial_path

    mine = partial_path(path)
    partial = mine.with_name(mine.name.replace(f".{os.getpid()}-", f".{pid}-"))
    partial.write_bytes(b"half written")
    return partial


def _ended_process() -> int:
    """Return the ID of a process that has ended (and been waited for)."""
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


@pytest.mark.skipif(os.name == "nt", reason="Windows tells a file being written by refusing to remove it")
def test_a_write_removes_what_a_killed_writer_of_its_output_left_and_keeps_a_running_ones(tmp_path):
    # `poseconv convert` killed with SIGKILL left its temporary file; a later convert to the same output kept it.
    from poseconv.output import atomic_output

    path = tmp_path / "m1.nwb"
    killed = _partial_of(path, _ended_process())
    running = _partial_of(path, os.getppid())  # a process that runs: its file is being written
    other_output = _partial_of(tmp_path / "m1.day2.nwb", _ended_process())  # another output's: not this write's
    with atomic_output(path) as partial:
        partial.write_bytes(b"complete")
    assert path.read_bytes() == b"complete"
    assert not killed.exists() and running.is_file() and other_output.is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, running.name, other_output.name])


def test_a_temporary_name_with_a_number_no_process_reaches_is_a_leftover(tmp_path):
    from poseconv.output import atomic_output

    path = tmp_path / "m1.nwb"
    edited = _partial_of(path, 10**20)
    with atomic_output(path) as partial:
        partial.write_bytes(b"complete")
    assert [p.name for p in tmp_path.iterdir()] == [path.name] and not edited.exists()


@pytest.mark.parametrize(
    ("flag", "append"),
    [
        ("overwrite=True (--overwrite)", "or append_on_disk_nwbfile=True (--append) to add to it."),
        ("--overwrite", "or --append {path} in place of --output to add to it."),
    ],
)
def test_an_existing_output_names_both_replacing_and_appending_to_it(tmp_path, flag, append):
    # Only "pass overwrite=True to replace it" was said, which deletes the file's other data (another
    # interface's); neuroconv's message offers appending.
    from poseconv.output import OutputError, check_output

    path = tmp_path / "session.nwb"
    path.write_bytes(b"")
    with pytest.raises(OutputError) as raised:
        check_output(path, overwrite=False, flag=flag)
    assert str(raised.value) == f"{path}: already exists; pass {flag} to replace it " + append.format(path=path)
    with pytest.raises(OutputError, match=r"to replace it\.$"):
        check_output(path, overwrite=False, flag=flag, append="")  # a write that cannot append


@pytest.mark.skipif(os.sep != "/", reason="symbolic links need rights on Windows")
def test_a_folder_that_is_a_link_to_nothing_is_named_with_its_missing_target(tmp_path):
    # Before: check_output said "the folder <target> does not exist; create it first" (naming the target, not the
    # link), and a writer that creates its folder passed the check, then failed with a bare "[Errno 17] File exists".
    from poseconv.batch.session import dangling_link as kept_where_it_was
    from poseconv.output import check_output, check_writable, dangling_link

    assert kept_where_it_was is dangling_link
    (tmp_path / "dang").symlink_to(tmp_path / "not_mounted" / "drive")
    said = (
        f"is a symbolic link to {tmp_path / 'not_mounted' / 'drive'}, which does not exist (a drive not mounted, a "
        "folder moved); mount it or point that link at an existing folder."
    )
    with pytest.raises(OutputError) as raised:
        check_output(tmp_path / "dang" / "x.nwb", overwrite=False)
    assert str(raised.value) == f"{tmp_path / 'dang'}: {said}"
    with pytest.raises(OutputError) as raised:
        check_writable(tmp_path / "dang" / "out" / "CD.h5", creates_folder=True)
    assert str(raised.value) == f"{tmp_path / 'dang' / 'out'}: is in {tmp_path / 'dang'}, a {said[5:]}"
    # An exporter making its folders says so too, if the drive went after the check.
    from poseconv.exporters.files import new_folders

    with pytest.raises(OutputError, match="a symbolic link to"), new_folders([tmp_path / "dang" / "labeled-data"]):
        pass
    (tmp_path / "real").mkdir()
    (tmp_path / "fine").symlink_to(tmp_path / "real")
    assert dangling_link(tmp_path / "fine" / "sub") is None
    check_writable(tmp_path / "fine" / "sub" / "x.h5", creates_folder=True)
