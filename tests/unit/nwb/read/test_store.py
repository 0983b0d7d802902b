"""The group and dataset questions of poseconv.nwb.read.store answer alike on h5py and zarr objects."""

from __future__ import annotations

import gc

import h5py
import numpy as np
import pytest
import zarr
from numcodecs import VLenUTF8
from pynwb.testing.mock.file import mock_NWBFile

from poseconv.errors import InvalidSourceFileError
from poseconv.nwb.read.store import (
    child_groups,
    is_dataset,
    is_group,
    neurodata_type,
    open_nwbfile_object,
    open_store,
    text,
    texts,
    visit_groups,
)


def _fill(root):
    group = root.create_group("pose")
    group.attrs["neurodata_type"] = "PoseEstimation"
    series = group.create_group("nose")
    series.attrs["neurodata_type"] = "PoseEstimationSeries"
    group.create_dataset("nodes", data=np.array([b"nose", b"tail"]))
    group.create_dataset("scorer", data=np.array(b"DLC"))
    return root


@pytest.fixture(params=["h5py", "zarr"])
def root(request, tmp_path):
    if request.param == "h5py":
        with h5py.File(tmp_path / "x.h5", "w") as handle:
            yield _fill(handle)
    else:
        yield _fill(zarr.group())


def test_the_same_answers_on_h5py_and_zarr(root):
    group = root["pose"]
    assert is_group(group) and not is_dataset(group)
    assert is_dataset(group["nodes"]) and not is_group(group["nodes"])
    assert not is_dataset(np.zeros(2))
    assert neurodata_type(group) == "PoseEstimation"
    assert list(child_groups(group, "PoseEstimationSeries")) == ["nose"]
    assert texts(group["nodes"]) == ["nose", "tail"]
    assert text(group["scorer"]) == "DLC"


def test_open_store_refuses_what_is_not_an_hdf5_file(tmp_path):
    with pytest.raises(InvalidSourceFileError, match="file not found"):
        open_store(tmp_path / "missing.nwb")
    with pytest.raises(InvalidSourceFileError, match="is a directory"):
        open_store(tmp_path)
    (tmp_path / "x.nwb").write_text("not hdf5")
    with pytest.raises(InvalidSourceFileError, match="not an HDF5 NWB file"):
        open_store(tmp_path / "x.nwb")


def test_an_in_memory_file_is_read_as_stored_and_stays_writable(tmp_path):
    from pynwb import NWBHDF5IO

    nwbfile = mock_NWBFile()
    with open_nwbfile_object(nwbfile) as (root, path):
        assert path is None
        assert "general" in root
    with NWBHDF5IO(tmp_path / "after.nwb", "w") as io:
        io.write(nwbfile)
    with NWBHDF5IO(tmp_path / "after.nwb", "r") as io, open_nwbfile_object(io.read()) as (root, path):
        assert path == tmp_path / "after.nwb"
        assert "general" in root


def _zarr_store_with_links(folder):
    """A Zarr store laid out as hdmf-zarr writes one: links in ``zarr_link``, scalars of shape (1,)."""
    root = zarr.open_group(str(folder), mode="w")
    root.attrs["nwb_version"] = "2.8.0"
    video = root.create_group("acquisition/video")
    video.attrs["neurodata_type"] = "ImageSeries"
    video.create_dataset("external_file", data=np.array(["video.mp4"], dtype=object), object_codec=VLenUTF8())
    pose = _fill(root.create_group("processing"))["pose"]
    pose.attrs["zarr_link"] = [
        {"name": "source_video", "source": ".", "path": "/acquisition/video"},
        {"name": "elsewhere", "source": "../other.nwb.zarr", "path": "/acquisition/video"},
        {"name": "dangling", "source": ".", "path": "/acquisition/missing"},
    ]
    start = pose["nose"].create_dataset("starting_time", data=np.array([2.5]))
    start.attrs.update(zarr_dtype="scalar", rate=30.0)
    zarr.consolidate_metadata(str(folder))
    return folder


def test_a_zarr_store_reads_its_links_as_h5py_reads_soft_links(tmp_path):
    import h5py

    from poseconv.nwb.read.store import link_target, linked, visit_groups

    folder = _zarr_store_with_links(tmp_path / "x.nwb.zarr")
    with open_store(folder) as root:
        pose = root["processing/pose"]
        assert "source_video" in pose and "elsewhere" not in pose and "dangling" not in pose
        assert pose["source_video"] == root["acquisition/video"]
        assert texts(pose["source_video"]["external_file"]) == ["video.mp4"]
        assert root["/processing/pose/source_video/external_file"].shape == (1,)
        assert isinstance(pose.get("source_video", getlink=True), h5py.SoftLink)
        assert link_target(pose, "source_video") == "/acquisition/video"
        assert link_target(pose, "nose") is None
        assert linked(root, pose, "source_video")[0] == "/acquisition/video"
        assert linked(root, pose, "dangling") is None
        assert "source_video" in list(pose) and "nose" in dict(pose.items())
        # Links are not followed by a walk: the ImageSeries is found once, where it is stored.
        assert [g.name for g in visit_groups(root, "ImageSeries")] == ["/acquisition/video"]
        scalar = pose["nose/starting_time"]
        assert scalar.shape == () and scalar[()] == 2.5 and scalar.attrs["rate"] == 30.0


def test_a_zarr_array_with_a_chunk_file_missing_is_refused(tmp_path):
    # zarr reads a missing chunk as the fill value (0.0): before, a store copied only in part read as
    # poses at the origin, with no error.
    folder = _zarr_store_with_links(tmp_path / "x.nwb.zarr")
    group = zarr.open_group(str(folder / "processing/pose/nose"), mode="a")
    group.create_dataset("data", data=np.arange(20.0).reshape(10, 2), chunks=(5, 2))
    zarr.consolidate_metadata(str(folder))
    with open_store(folder) as root:
        assert root["processing/pose/nose/data"][:].sum() == 190.0
    (folder / "processing/pose/nose/data/1.0").unlink()
    with open_store(folder) as root, pytest.raises(InvalidSourceFileError, match=r"x.nwb.zarr: .*lacks 1 of its 2"):
        root["processing/pose/nose/data"]


def test_open_store_tells_a_zarr_store_from_other_folders(tmp_path):
    from poseconv.nwb.read.store import is_nwb_location, is_zarr_folder

    folder = _zarr_store_with_links(tmp_path / "x.nwb.zarr")
    assert is_zarr_folder(folder) and is_nwb_location(folder)
    assert not is_zarr_folder(tmp_path) and not is_nwb_location(tmp_path)
    with pytest.raises(InvalidSourceFileError, match="not an NWB Zarr store"):
        open_store(tmp_path)


def test_locations_are_paths_or_urls():
    from pathlib import Path

    from poseconv.nwb.read.store import is_nwb_location, local_folder, location_name, nwb_location

    url = "https://dandiarchive.s3.amazonaws.com/blobs/abc/def/session.nwb"
    assert nwb_location(url) == url and isinstance(nwb_location("a/b.nwb"), Path)
    assert is_nwb_location(url) and is_nwb_location("s3://dandiarchive/x") and is_nwb_location("a.nwb")
    assert not is_nwb_location("a.h5")
    assert location_name(url) == "session.nwb" and location_name("a/b.nwb") == "b.nwb"
    assert local_folder(url) is None and local_folder("a/b.nwb") == Path("a").resolve()


def _nested_poses(handle):
    behavior = handle.create_group("processing/behavior")
    for name in ("b_pose", "a_pose"):
        behavior.create_group(name).attrs["neurodata_type"] = "PoseEstimation"
    multi = behavior.create_group("multi")
    multi.attrs["neurodata_type"] = "MultiCameraPoseEstimation"
    multi.create_group("view").attrs["neurodata_type"] = "PoseEstimation"
    training = behavior.create_group("PoseTraining")
    training.attrs["neurodata_type"] = "PoseTraining"
    # Not a place ndx-pose puts one: a PoseTraining's subtree is not walked.
    training.create_group("frames/f0").attrs["neurodata_type"] = "PoseEstimation"
    handle["processing/linked"] = h5py.SoftLink("/processing/behavior/a_pose")
    handle.create_group("specifications/x").attrs["neurodata_type"] = "PoseEstimation"


def test_visit_groups_finds_containers_in_file_order_once(tmp_path):
    with h5py.File(tmp_path / "x.h5", "w") as handle:
        _nested_poses(handle)
        found = [group.name for group in visit_groups(handle, "PoseEstimation")]
        assert found == [
            "/processing/behavior/a_pose",
            "/processing/behavior/b_pose",
            "/processing/behavior/multi/view",
        ]
        assert [group.name for group in visit_groups(handle, "MultiCameraPoseEstimation")] == [
            "/processing/behavior/multi"
        ]


def test_visit_groups_leaves_no_reference_cycle(tmp_path):
    # Groups kept alive by a cycle are freed by a later garbage collection, in any thread: in fsspec's, while
    # another reads a URL through h5py, closing them waited for h5py's lock and the reading hung.
    with h5py.File(tmp_path / "x.h5", "w") as handle:
        _nested_poses(handle)
        gc.collect()
        gc.disable()
        try:
            assert len(visit_groups(handle, "PoseEstimation")) == 3
            assert gc.collect() == 0
        finally:
            gc.enable()


def test_an_nwb_file_not_downloaded_from_its_dataset_says_how_to_get_it(tmp_path):
    # DANDI datasets cloned with DataLad hold links into .git/annex until `datalad get`.
    from poseconv.errors import InvalidSourceFileError
    from poseconv.nwb.read.store import open_store
    from tests.fixtures.cli import poseconv_in_process

    key = "MD5E-s1234--0123456789abcdef0123456789abcdef.nwb"
    (tmp_path / "sub-01_behavior.nwb").symlink_to(f"../.git/annex/objects/Ab/Cd/{key}/{key}")
    with pytest.raises(InvalidSourceFileError, match=r"git-annex \(DataLad\) link whose content is not downloaded"):
        open_store(tmp_path / "sub-01_behavior.nwb")
    for command in ("inspect", "validate"):
        result = poseconv_in_process(command, tmp_path / "sub-01_behavior.nwb")
        assert result.returncode != 0 and "datalad get" in result.stderr, result.stderr


def test_a_path_from_the_home_folder_is_expanded(tmp_path, monkeypatch, small_nwb):
    import shutil

    from poseconv import read_nwb

    monkeypatch.setenv("HOME", str(tmp_path))
    shutil.copy(small_nwb["s.nwb"], tmp_path / "s.nwb")
    # The command line expanded ~ (the shell does); the API took "~/s.nwb" as a folder named "~".
    with open_store("~/s.nwb") as root:
        assert "processing" in root
    poses = read_nwb("~/s.nwb")
    assert poses and poses[0].source_file == tmp_path / "s.nwb"


def _damage_header(path, name):
    """Flip bytes inside the object header of ``name`` in the HDF5 file ``path`` (its checksum then fails)."""
    with h5py.File(path, "r") as handle:
        address = h5py.h5o.get_info(handle[name].id).addr
    data = bytearray(path.read_bytes())
    assert data[address : address + 4] == b"OHDR"  # a version-2 header, which carries a checksum
    for i in range(address + 20, address + 40):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


def test_a_member_whose_header_is_damaged_is_damage_not_absence(tmp_path):
    # h5py answers `name in group` False and group.get(name) None for an object whose header fails its checksum:
    # read from a URL (not walked first), a damaged confidence was read as none, a damaged frame as no frame.
    from poseconv.nwb.read.store import damage_named, member, members

    path = tmp_path / "d.h5"
    with h5py.File(path, "w", libver="latest") as handle:
        series = handle.create_group("pose/series")
        series.attrs["neurodata_type"] = "PoseEstimationSeries"
        series["confidence"] = np.arange(5.0)
        series["data"] = np.zeros((5, 2))
        handle["pose/link"] = h5py.SoftLink("/pose/gone")
        handle["pose"].attrs["neurodata_type"] = "PoseEstimation"
    _damage_header(path, "pose/series/confidence")
    with h5py.File(path, "r") as handle:
        series = handle["pose/series"]
        assert series.get("confidence") is None  # h5py's answer, as for no confidence
        assert member(series, "absent") is None and member(handle["pose"], "link") is None  # a dangling link
        damaged = r"^d\.nwb: part of the file cannot be read .*damaged"
        with pytest.raises(InvalidSourceFileError, match=damaged), damage_named("d.nwb"):
            member(series, "confidence")
        with pytest.raises(KeyError):
            members(series)
    _damage_header(path, "pose/series")
    with h5py.File(path, "r") as handle:
        with pytest.raises(KeyError):
            child_groups(handle["pose"], "PoseEstimationSeries")
        with pytest.raises(KeyError):
            visit_groups(handle, "PoseEstimationSeries")


def test_a_file_is_read_with_a_small_chunk_cache_per_dataset(small_nwb):
    # HDF5's default (8 MiB per dataset with HDF5 2) kept every pose series read whole while plot, inspect or
    # export ran: 624 MB for 10 animals x 20 nodes x 200,000 frames.
    from poseconv.nwb.read.store import READ_CHUNK_CACHE_BYTES, READ_CHUNK_CACHE_SLOTS, open_store

    with open_store(small_nwb["s.nwb"]) as root:
        _, slots, nbytes, _ = root.id.get_access_plist().get_cache()
    assert (slots, nbytes) == (READ_CHUNK_CACHE_SLOTS, READ_CHUNK_CACHE_BYTES)
    assert READ_CHUNK_CACHE_BYTES <= 8192 * 2 * 4
