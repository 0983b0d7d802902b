"""Appending to an existing NWB file: the checks before, and the copy that leaves the file as it was on failure."""

from __future__ import annotations

import os
import subprocess
import sys

import h5py
import pytest

from poseconv.appending import atomic_append, check_appendable
from poseconv.output import OutputError


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


def test_a_link_to_a_moved_file_is_said_to_be_one_not_absent(tmp_path):
    # ls lists the link, so "not found" would contradict what the user sees.
    (tmp_path / "session.nwb").symlink_to(tmp_path / "moved.nwb")
    with pytest.raises(OutputError, match=r"session\.nwb: is a symbolic link to .*moved\.nwb, which does not exist"):
        check_appendable(tmp_path / "session.nwb")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files, so nothing refuses them")
def test_a_read_only_file_is_refused_before_anything_is_read(tmp_path):
    # Before, the inputs were read and converted, then the hidden partial copy (read-only too) could not be opened.
    path = tmp_path / "locked.nwb"
    with h5py.File(path, "w") as handle:
        handle.attrs["nwb_version"] = "2.7.0"
    path.chmod(0o444)
    with pytest.raises(OutputError, match="locked.nwb: is read-only; make it writable"):
        check_appendable(path)


def test_a_zarr_store_hdmf_zarr_cannot_read_is_named_before_anything_is_read(tmp_path):
    store = tmp_path / "x.nwb.zarr"
    store.mkdir()
    (store / ".zgroup").write_text('{"zarr_format": 2}')
    with pytest.raises(OutputError, match=r"x\.nwb\.zarr: cannot be read as an NWB Zarr store: pynwb failed with"):
        check_appendable(store, zarr=True)
    # An append with the HDF5 backend (backend="hdf5" given for a store).
    with pytest.raises(OutputError, match=r"x\.nwb\.zarr: is an NWB Zarr store, appended to with the HDF5 backend"):
        check_appendable(store)


def test_a_zarr_store_of_training_labels_is_said_in_one_line_with_the_order_to_append_in(tmp_path):
    # pynwb cannot read a Zarr store holding a PoseTraining (hdmf-zarr#323): predictions appended to poseconv's
    # store of labels were refused with 5,098 characters of hdmf builders.
    import json

    store = tmp_path / "labels.nwb.zarr"
    (store / "processing/behavior/PoseTraining").mkdir(parents=True)
    for group in ("", "processing", "processing/behavior", "processing/behavior/PoseTraining"):
        (store / group / ".zgroup").write_text('{"zarr_format": 2}')
    attributes = {"neurodata_type": "PoseTraining", "namespace": "ndx-pose"}
    (store / "processing/behavior/PoseTraining/.zattrs").write_text(json.dumps(attributes))
    with pytest.raises(OutputError) as raised:
        check_appendable(store, zarr=True)
    said = str(raised.value)
    assert "\n" not in said and len(said) < 600, said
    assert "holds a PoseTraining" in said and "hdmf-zarr#323" in said
    assert "append training labels after the predictions, not the other way round" in said


def test_a_zarr_store_with_pickled_data_says_how_to_allow_it(tmp_path, monkeypatch):
    # neuroconv's ephys stores keep the electrodes' groups with numcodecs' Pickle codec: the append failed inside
    # numcodecs (UnsafeDecodeError) after the inputs were read.
    import json

    import numcodecs.pickles

    monkeypatch.setattr(numcodecs.pickles, "ALLOW_UNSAFE_PICKLE_DECODE", False)
    store = tmp_path / "ephys.nwb.zarr"
    (store / "general/electrodes/group").mkdir(parents=True)
    (store / ".zgroup").write_text('{"zarr_format": 2}')
    array = {"zarr_format": 2, "shape": [2], "chunks": [2], "dtype": "|O", "filters": [{"id": "pickle"}]}
    (store / "general/electrodes/group/.zarray").write_text(json.dumps(array))
    with pytest.raises(OutputError) as raised:
        check_appendable(store, zarr=True)
    assert str(raised.value).startswith(
        f"{store}: holds data stored with numcodecs' Pickle codec (general/electrodes/group), which numcodecs"
    )
    assert "NUMCODECS_ALLOW_UNSAFE_PICKLE_DECODE=1" in str(raised.value)


def test_a_file_another_program_writes_is_not_appended_to(tmp_path):

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


def test_a_url_is_said_to_need_a_local_copy(tmp_path):
    # "https:/lab.example.org/data/a.nwb: is a URL: poseconv reads NWB files from URLs, ...; appending adds to an
    # existing NWB file (for a new one: --output, or no append_on_disk_nwbfile)": the URL mangled, a contradiction
    # and a Python argument name in a command line's message.
    url = "https://lab.example.org/data/a.nwb"
    with pytest.raises(OutputError) as caught:
        check_appendable(url)
    message = str(caught.value)
    assert message.startswith(f"{url}: is a URL; appending writes the NWB file, so it needs a path on this computer")
    assert "append_on_disk_nwbfile" not in message and "reads NWB files from URLs" not in message


@pytest.mark.parametrize(
    ("held", "guessed"),
    [({"scorer": "DLC_resnet50", "source_software": "DeepLabCut"}, True), ({"source_software": "SLEAP"}, False)],
)
def test_a_name_the_file_holds_is_refused_with_the_metadata_path_in_full(tmp_path, held, guessed):
    """The hint spelled "Pose: ... PoseEstimation: name:", which metadata refuses; an earlier append is guessed
    only when the container held has the poses' scorer or software (another tool's 'PoseEstimation' is not one)."""
    from poseconv.appending import _check_names_free
    from poseconv.errors import InvalidOptionError

    path = tmp_path / "theirs.nwb"
    with h5py.File(path, "w") as handle:
        group = handle.create_group("processing/behavior/PoseEstimation")
        for key, value in held.items():
            group[key] = value
    entry = {"name": "PoseEstimation", "scorer": "DLC_resnet50", "source_software": "DeepLabCut"}
    with pytest.raises(InvalidOptionError) as refused:
        _check_names_free(path, {"PoseEstimations": {"PoseEstimation": entry}}, {"PoseEstimation"}, {})
    message = str(refused.value)
    assert "(Pose: PoseEstimations: PoseEstimation: name: ...;" in message
    assert ("were these poses appended before?" in message) is guessed
    training = {"PoseTraining": {"name": "PoseEstimation"}}
    with pytest.raises(InvalidOptionError, match=r"\(Pose: PoseTraining: name: \.\.\.;"):
        _check_names_free(path, training, {"PoseEstimation"}, {})


@pytest.mark.skipif(os.name == "nt", reason="Windows tells a file being written by refusing to remove it")
def test_an_append_removes_what_a_killed_append_left_and_keeps_a_running_ones(tmp_path):
    # A killed --append left its hidden copy beside the file; the next append kept it.
    from poseconv.output import partial_path

    path = tmp_path / "session.nwb"
    path.write_bytes(b"original")
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    mine = partial_path(path)
    left = {}
    for name, pid in (("killed", ended.pid), ("running", os.getppid())):
        left[name] = mine.with_name(mine.name.replace(f".{os.getpid()}-", f".{pid}-"))
        left[name].write_bytes(b"original + half")
    with atomic_append(path) as copy:
        copy.write_bytes(b"original + poses")
    assert path.read_bytes() == b"original + poses"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, left["running"].name])


def _pose_file(path, links):
    """An HDF5 file with one PoseEstimation whose members are soft links to ``links`` (name: target)."""
    with h5py.File(path, "w") as handle:
        for target in links.values():
            kind = "Device" if target.startswith("/general/devices/") else "ImageSeries"
            handle.require_group(target).attrs["neurodata_type"] = kind
        group = handle.create_group("processing/behavior/PoseEstimation")
        group.attrs["neurodata_type"] = "PoseEstimation"
        for name, target in links.items():
            group[name] = h5py.SoftLink(target)


@pytest.mark.parametrize(
    ("links", "refused"),
    [
        ({"camera1": "/general/devices/camera1", "camera2": "/general/devices/camera2"}, True),
        ({"device": "/general/devices/camera1"}, False),
        # A skeleton and a video are linked too; only Devices are cameras.
        ({"device": "/general/devices/camera1", "source_video": "/acquisition/video"}, False),
        ({}, False),
    ],
)
def test_only_a_pose_estimation_linking_several_cameras_is_refused(tmp_path, links, refused):
    from poseconv.appending_poses import refuse_unwritable_poses

    path = tmp_path / "session.nwb"
    _pose_file(path, links)
    with h5py.File(path, "r") as handle:
        if not refused:
            refuse_unwritable_poses(path, handle)
            return
        with pytest.raises(OutputError) as said:
            refuse_unwritable_poses(path, handle)
    message = str(said.value)
    assert message.startswith(f"{path}: holds poses written with ndx-pose 0.3 or earlier")
    assert "(processing/behavior/PoseEstimation links camera1, camera2)" in message
    assert "nothing was written" in message and "new NWB file (--output)" in message
