"""`poseconv convert --append` and the API's append: poses added to an NWB file that holds other data.

The existing file keeps its data and session start time; a failed append leaves it byte for byte as
it was (no temporary file left beside it); a second copy of the same containers is refused.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import numpy as np
import pytest
from pynwb import NWBHDF5IO, TimeSeries
from pynwb.file import NWBFile, Subject

from poseconv import DeepLabCutPoseInterface
from tests.fixtures.deeplabcut import MULTI_ANIMAL_H5
from tests.fixtures.paths import REPO_ROOT, SHARED_DATA, needs_shared_data
from tests.integration.test_cli import START, assert_one_line_error, poseconv

REACHING = SHARED_DATA / "deeplabcut/TEST-Alex-2019-11-04/videos"
REACHING_H5 = REACHING / "reachingvideo1shortDLC_resnet50_TESTNov4shuffle1_10.h5"
REACHING_VIDEO = REACHING / "reachingvideo1short.avi"
STARTED = datetime(2024, 5, 3, 9, 0, tzinfo=UTC)


def _ephys_session():
    """A session with a subject and a recording, as another pipeline wrote it (without ndx-pose)."""
    nwbfile = NWBFile(
        session_description="ephys session",
        identifier="session-1",
        session_start_time=STARTED,
        subject=Subject(subject_id="m1", species="Mus musculus", sex="M", age="P90D"),
    )
    nwbfile.add_acquisition(TimeSeries(name="lick", data=np.arange(10.0), unit="V", rate=10.0))
    return nwbfile


@pytest.fixture
def ephys(tmp_path):
    """The session as an HDF5 NWB file."""
    path = tmp_path / "session.nwb"
    with NWBHDF5IO(path, "w") as io:
        io.write(_ephys_session())
    return path


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _leftovers(path):
    return sorted(p.name for p in path.parent.glob(f".{path.stem}.*"))


@needs_shared_data
def test_append_keeps_the_file_data_and_start_time(ephys):
    result = poseconv("convert", REACHING_H5, "--video", REACHING_VIDEO, "--append", ephys)
    assert f"Added to {ephys}: 1 PoseEstimation container(s)" in result.stderr
    with NWBHDF5IO(ephys, "r") as io:
        nwbfile = io.read()
        assert nwbfile.session_start_time == STARTED
        assert nwbfile.subject.subject_id == "m1"
        np.testing.assert_array_equal(nwbfile.acquisition["lick"].data[:], np.arange(10.0))
        pose = nwbfile.processing["behavior"]["PoseEstimation"]
        assert sorted(pose.pose_estimation_series) == ["bodypart1", "bodypart2", "bodypart3", "objectA"]
        assert pose.pose_estimation_series["bodypart1"].data.shape == (12, 2)
    # The video path is stored relative to the file, and the whole file passes the pose checks.
    assert poseconv("validate", ephys, "--pose-only").stdout.strip() == f"{ephys}: OK"
    assert _leftovers(ephys) == []


@needs_shared_data
def test_a_second_copy_is_refused_and_the_file_is_unchanged(ephys):
    poseconv("convert", REACHING_H5, "--append", ephys, "--fps", "30")
    before = _digest(ephys)
    result = poseconv("convert", REACHING_H5, "--append", ephys, "--fps", "30", check_rc=None)
    assert_one_line_error(result, "already holds 'PoseEstimation'", "another name")
    assert _digest(ephys) == before and _leftovers(ephys) == []


@needs_shared_data
def test_a_failed_append_leaves_the_file_byte_for_byte(ephys, tmp_path, monkeypatch):
    """A failure while writing, after the copy is made, leaves the file as it was and no copy behind."""
    import poseconv.interfaces.base as base
    from poseconv.errors import MetadataError

    poseconv("convert", REACHING_H5, "--append", ephys, "--fps", "30")
    before = _digest(ephys)

    def fail(*args, **kwargs):
        raise MetadataError("a failure while writing")

    monkeypatch.setattr(base, "write_pose_estimation", fail)
    renamed = tmp_path / "renamed.yaml"
    renamed.write_text("Pose:\n  PoseEstimations:\n    PoseEstimation:\n      name: Other\n")
    result = poseconv("convert", REACHING_H5, "--append", ephys, "--fps", "30", "-m", renamed, check_rc=None)
    assert_one_line_error(result, "a failure while writing")
    assert _digest(ephys) == before and _leftovers(ephys) == []


@needs_shared_data
def test_a_skeleton_name_the_file_has_with_other_edges_is_refused_before_writing(ephys, tmp_path):
    # Before, the file's skeleton was linked and the appended poses' edges were lost without a word.
    poseconv("convert", REACHING_H5, "--append", ephys, "--fps", "30")
    before = _digest(ephys)
    other = tmp_path / "other.yaml"
    other.write_text(
        "Pose:\n  PoseEstimations:\n    PoseEstimation:\n      name: Other\n"
        "  Skeletons:\n    Skeleton:\n      edges: [[1, 2]]\n"
    )
    result = poseconv("convert", REACHING_H5, "--append", ephys, "--fps", "30", "-m", other, check_rc=None)
    assert_one_line_error(
        result, f"{ephys}: already has a skeleton named 'Skeleton' with edges [[0, 1], [0, 2]], not [[1, 2]]"
    )
    assert _digest(ephys) == before and _leftovers(ephys) == []


@needs_shared_data
def test_a_skeleton_name_the_file_has_with_other_nodes_is_refused_before_writing(ephys, tmp_path):
    # The writer refused it after the copy was made, in a message that named no file.
    poseconv("convert", REACHING_H5, "--append", ephys, "--fps", "30")
    before = _digest(ephys)
    renamed = tmp_path / "renamed.yaml"
    renamed.write_text("Pose:\n  PoseEstimations:\n    PoseEstimation:\n      name: Other\n")
    args = ["convert", MULTI_ANIMAL_H5, "--append", ephys, "-i", "individual1", "-m", renamed]
    result = poseconv(*args, check_rc=None)
    assert_one_line_error(result, f"{ephys}: already has a skeleton named 'Skeleton' with nodes", "another name")
    assert _digest(ephys) == before and _leftovers(ephys) == []


@needs_shared_data
def test_append_options_are_checked_first(ephys, tmp_path):
    missing = tmp_path / "absent.nwb"
    assert_one_line_error(poseconv("convert", REACHING_H5, "--append", missing, check_rc=None), "not found")
    both = poseconv("convert", REACHING_H5, "--append", ephys, "-o", tmp_path / "x.nwb", check_rc=None)
    assert_one_line_error(both, "--output", "--append")
    neither = poseconv("convert", REACHING_H5, check_rc=None)
    assert_one_line_error(neither, "--output", "--append")
    overwrite = poseconv("convert", REACHING_H5, "--append", ephys, "--overwrite", check_rc=None)
    assert_one_line_error(overwrite, "--overwrite")
    args = ["convert", REACHING_H5, "--append", ephys, "--fps", "30", "--session-start-time", START]
    assert_one_line_error(poseconv(*args, check_rc=None), "starts at 2024-05-03T09:00:00+00:00", "--session-start-time")


@needs_shared_data
def test_the_api_appends_through_neuroconv(ephys):
    """neuroconv's append (``append_on_disk_nwbfile=True``) on an interface; the file is not replaced otherwise."""
    interface = DeepLabCutPoseInterface(REACHING_H5, video_file_path=REACHING_VIDEO)
    with pytest.raises(ValueError, match="already exists"):
        interface.run_conversion(nwbfile_path=ephys, overwrite=False)
    interface.run_conversion(nwbfile_path=ephys, append_on_disk_nwbfile=True)
    with NWBHDF5IO(ephys, "r") as io:
        nwbfile = io.read()
        assert "PoseEstimation" in nwbfile.processing["behavior"].data_interfaces
        assert "lick" in nwbfile.acquisition and nwbfile.session_start_time == STARTED
    assert _leftovers(ephys) == []


@needs_shared_data
def test_an_append_refuses_an_in_memory_file_or_a_backend_configuration_it_would_drop(ephys):
    # Both were dropped silently: the in-memory file's series never written, the chunking never applied.
    from poseconv.errors import InvalidOptionError
    from poseconv.interfaces.converter import PoseConverterPipe

    before = _digest(ephys)
    interface = DeepLabCutPoseInterface(REACHING_H5, sampling_frequency=30.0)
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = STARTED
    in_memory = NWBFile(session_description="d", identifier="i", session_start_time=STARTED)
    with pytest.raises(InvalidOptionError, match="in-memory NWBFile"):
        interface.run_conversion(nwbfile_path=ephys, nwbfile=in_memory, metadata=metadata, append_on_disk_nwbfile=True)
    converter = PoseConverterPipe({"Pose": interface})
    configuration = converter.get_default_backend_configuration(converter.create_nwbfile(metadata), backend="hdf5")
    with pytest.raises(InvalidOptionError, match="backend_configuration.*Give backend= instead"):
        converter.run_conversion(
            nwbfile_path=ephys, metadata=metadata, backend_configuration=configuration, append_on_disk_nwbfile=True
        )
    assert _digest(ephys) == before and _leftovers(ephys) == []


@needs_shared_data
def test_the_api_refuses_what_the_command_line_refuses_before_writing(ephys, tmp_path):
    # From Python, another start time went in silently (the poses then a day off the user's clock), a second
    # copy failed inside neuroconv, and a missing file was a bare FileNotFoundError naming the partial copy.
    from poseconv.errors import InvalidOptionError
    from poseconv.output import OutputError

    interface = DeepLabCutPoseInterface(REACHING_H5, sampling_frequency=30.0)
    before = _digest(ephys)
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 5, 4, 9, 0, tzinfo=UTC)
    with pytest.raises(InvalidOptionError, match=r"starts at 2024-05-03T09:00:00\+00:00, not 2024-05-04"):
        interface.run_conversion(nwbfile_path=ephys, metadata=metadata, append_on_disk_nwbfile=True)
    assert _digest(ephys) == before and _leftovers(ephys) == []
    metadata["NWBFile"]["session_start_time"] = STARTED
    interface.run_conversion(nwbfile_path=ephys, metadata=metadata, append_on_disk_nwbfile=True)
    before = _digest(ephys)
    with pytest.raises(InvalidOptionError, match="already holds 'PoseEstimation' in processing/behavior"):
        interface.run_conversion(nwbfile_path=ephys, append_on_disk_nwbfile=True)
    assert _digest(ephys) == before and _leftovers(ephys) == []
    with pytest.raises(OutputError, match="absent.nwb: not found"):
        interface.run_conversion(nwbfile_path=tmp_path / "absent.nwb", append_on_disk_nwbfile=True)


def _behavior_storage(path):
    """Every dataset of ``processing/behavior`` with its dtype, shape, chunks and filters."""
    import h5py

    found = {}
    with h5py.File(path, "r") as file:

        def visit(name, node):
            if isinstance(node, h5py.Dataset):
                found[name] = (str(node.dtype), node.shape, node.chunks, node.compression, node.shuffle)

        file["processing/behavior"].visititems(visit)
    return found


@needs_shared_data
def test_labels_are_stored_alike_in_a_new_file_and_appended(ephys, tmp_path):
    labels = SHARED_DATA / "sleap/tests/data/slp_hdf5/minimal_instance.slp"
    new = tmp_path / "labels.nwb"
    result = poseconv("convert", labels, "--source", "sleap-labels", "-o", new, "--session-start-time", START)
    assert result.returncode == 0, result.stderr
    result = poseconv("convert", labels, "--source", "sleap-labels", "--append", ephys)
    assert result.returncode == 0, result.stderr
    written, appended = _behavior_storage(new), _behavior_storage(ephys)
    assert written == appended
    # The table of where each frame came from is compressed, as every other table neuroconv configures.
    assert written["PoseTrainingSources/training_frame"][3] == "gzip"


@needs_shared_data
@pytest.mark.parametrize("mode", ["--output", "--append"])
def test_readers_get_the_series_in_the_skeleton_s_order(ephys, tmp_path, mode):
    # HDF5 lists a group's members by name unless it records their creation order; the files poseconv
    # writes (and the groups it adds to another's) record it, so pynwb lists the body parts as DeepLabCut
    # does, not 'leftear', 'rightear', 'snout', 'tailbase'.
    openfield = SHARED_DATA / "dlc2nwb/examples/m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.h5"
    path = ephys if mode == "--append" else tmp_path / "new.nwb"
    start = () if mode == "--append" else ("--session-start-time", START)
    poseconv("convert", openfield, mode, path, "--fps", "30", *start)
    with NWBHDF5IO(path, "r") as io:
        pose = io.read().processing["behavior"]["PoseEstimation"]
        assert list(pose.pose_estimation_series) == ["snout", "leftear", "rightear", "tailbase"]


@needs_shared_data
def test_a_damaged_file_to_append_to_is_named_and_left_unchanged(tmp_path, monkeypatch):
    # Zeros at offset 34,816 of this file make HDF5 loop for ever reading an attribute; neuroconv opened
    # the copy in this process and the command never ended. The file is read in a child first (stopped
    # here after 5 s instead of 60).
    from poseconv.readers.safety import isolation

    monkeypatch.setattr(isolation, "PROBE_SECONDS", 5.0)
    seed = tmp_path / "seed.nwb"
    flies = REPO_ROOT / "examples/data/sleap-demo/flies.slp"
    poseconv("convert", flies, "--fps", "30", "--session-start-time", START, "-o", seed, "-q")
    damaged = bytearray(seed.read_bytes())
    damaged[34816 : 34816 + 512] = bytes(512)
    target = tmp_path / "damaged.nwb"
    target.write_bytes(bytes(damaged))
    result = poseconv("convert", REACHING_H5, "--append", target, "--fps", "30", check_rc=None)
    assert_one_line_error(result, f"{target}: the file is damaged", "Write it again")
    assert target.read_bytes() == bytes(damaged) and _leftovers(target) == []


@needs_shared_data
def test_a_file_of_ndx_pose_0_1_is_refused_before_writing(tmp_path):
    # ndx-pose 0.4 reads 0.1's nodes and edges as a Skeleton it cannot write back: the append failed inside
    # hdmf as an internal error ("Linked Skeleton 'subject' has no parent").
    import shutil

    old = tmp_path / "old.nwb"
    shutil.copy(SHARED_DATA / "ndx-pose/back_compat/0.1.1_poseestimation_nodes_edges.nwb", old)
    before = _digest(old)
    renamed = tmp_path / "renamed.yaml"
    renamed.write_text("Pose:\n  PoseEstimations:\n    PoseEstimation:\n      name: New\n")
    result = poseconv("convert", REACHING_H5, "--append", old, "-m", renamed, check_rc=None)
    assert_one_line_error(result, "holds poses written with ndx-pose 0.1", "Write the poses to a new NWB file")
    assert _digest(old) == before and _leftovers(old) == []


@needs_shared_data
def test_a_second_append_records_the_tracks_of_its_containers(tmp_path):
    # A file's track-order table cannot grow when appended to (fixed-size datasets): the appended containers
    # were not recorded, and read_nwb and export --to slp named their tracks after the containers.
    from poseconv import read_nwb
    from tests.integration.test_cli import SLP

    path = tmp_path / "session.nwb"
    poseconv("convert", SLP, "-o", path, "--fps", "30", "--session-start-time", START)
    renamed = tmp_path / "run2.yaml"
    entries = "".join(f"    PoseEstimation_track_{k}: {{name: PoseEstimation_track_{k}_run2}}\n" for k in (0, 1))
    renamed.write_text("Pose:\n  PoseEstimations:\n" + entries)
    poseconv("convert", SLP, "--append", path, "--fps", "30", "-m", renamed)
    # Each run is an input of its own (the tables number them), with its tracks and their identities: the second
    # run's tracks were named after their renamed containers, then merged into the first run's poses.
    poses = read_nwb(path)
    assert [[(track.name, pose.identity(track)) for track in pose.tracks] for pose in poses] == [
        [("track_0", "track_0"), ("track_1", "track_1")]
    ] * 2


SLEAP_IO_POSES = SHARED_DATA / "sleap-io.js/tests/data/nwb/minimal.pose.nwb"
# sleap-io's file has a skeleton named 'Skeleton' too, with other nodes.
RENAMED_SKELETON = "Pose:\n  Skeletons:\n    Skeleton:\n      name: ReachSkeleton\n"


@needs_shared_data
def test_append_to_a_file_caching_an_extension_written_for_an_older_core(tmp_path):
    # sleap-io caches ndx-multisubjects 0.1.0 (core 2.7.0), which pynwb's load_namespaces=True cannot resolve
    # against the installed core: the append failed with hdmf's "Cannot resolve included group spec
    # 'electrodes'". A process of its own: what the command imports is what decides.
    import shutil

    import sleap_io

    from poseconv import read_nwb
    from poseconv.readers.deeplabcut import read_deeplabcut
    from tests.integration.test_cli import poseconv_process

    target = tmp_path / "minimal.pose.nwb"
    shutil.copy(SLEAP_IO_POSES, target)
    renamed = tmp_path / "renamed.yaml"
    renamed.write_text(RENAMED_SKELETON)
    result = poseconv_process("convert", REACHING_H5, "--append", target, "--fps", "30", "-m", renamed)
    assert result.returncode == 0, result.stderr
    sleap, dlc = read_nwb(target)
    assert sleap.track_names() == ["1", "2"] and dlc.source_software == "DeepLabCut"
    [track] = dlc.tracks
    np.testing.assert_array_equal(
        track.positions, read_deeplabcut(REACHING_H5, find_side_files=False).tracks[0].positions
    )
    # sleap-io still reads its poses.
    labels = sleap_io.load_nwb(str(target))
    np.testing.assert_array_equal(labels.labeled_frames[0].instances[0].numpy(), sleap.tracks[0].positions[0])


@needs_shared_data
def test_a_file_whose_cached_extension_specs_cannot_load_is_refused_before_writing(tmp_path):
    # Without ndx-multisubjects importable, pynwb loads the cached 0.1.0 spec, which it cannot resolve.
    import shutil
    import subprocess
    import sys

    target = tmp_path / "minimal.pose.nwb"
    shutil.copy(SLEAP_IO_POSES, target)
    before = _digest(target)
    renamed = tmp_path / "renamed.yaml"
    renamed.write_text(RENAMED_SKELETON)
    args = ["convert", str(REACHING_H5), "--append", str(target), "--fps", "30", "-m", str(renamed)]
    blocked = (
        "import runpy, sys; sys.modules['ndx_multisubjects'] = None; "
        f"sys.argv = ['poseconv', *{args!r}]; runpy.run_module('poseconv.cli', run_name='__main__')"
    )
    result = subprocess.run([sys.executable, "-c", blocked], capture_output=True, text=True, timeout=120)
    assert_one_line_error(
        result,
        f"{target}: pynwb cannot load the NWB extension specs the file caches",
        "Cannot resolve included group spec 'electrodes'",
        "install ndx-multisubjects (pip install ndx-multisubjects), or write the poses to a new NWB file",
    )
    assert _digest(target) == before and _leftovers(target) == []


@pytest.fixture
def ephys_zarr(tmp_path):
    """The session as an NWB Zarr store (hdmf-zarr)."""
    from hdmf_zarr import NWBZarrIO

    path = tmp_path / "session.nwb.zarr"
    with NWBZarrIO(str(path), "w") as io:
        io.write(_ephys_session())
    return path


def _store_digest(path):
    return sorted((str(p.relative_to(path)), p.read_bytes()) for p in path.rglob("*") if p.is_file())


@needs_shared_data
def test_an_append_to_a_zarr_store_gets_the_checks_of_an_hdf5_file(ephys_zarr):
    # From Python, a Zarr store took another start time and another animal without a word (the store kept its own).
    from hdmf_zarr import NWBZarrIO

    from poseconv.errors import InvalidOptionError

    interface = DeepLabCutPoseInterface(REACHING_H5, sampling_frequency=30.0)
    before = _store_digest(ephys_zarr)
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 5, 4, 9, 0, tzinfo=UTC)
    with pytest.raises(InvalidOptionError, match=r"session\.nwb\.zarr: its session starts at 2024-05-03T09:00:00"):
        interface.run_conversion(nwbfile_path=ephys_zarr, metadata=metadata, append_on_disk_nwbfile=True)
    metadata["NWBFile"]["session_start_time"] = STARTED
    metadata["Subject"] = {"subject_id": "other", "species": "Rattus norvegicus"}
    with pytest.raises(InvalidOptionError, match="its Subject.subject_id is 'm1', not 'other' as given"):
        interface.run_conversion(nwbfile_path=ephys_zarr, metadata=metadata, append_on_disk_nwbfile=True)
    assert _store_digest(ephys_zarr) == before and _leftovers(ephys_zarr) == []
    metadata["Subject"] = {"subject_id": "m1", "species": "Mus musculus"}
    interface.run_conversion(nwbfile_path=ephys_zarr, metadata=metadata, append_on_disk_nwbfile=True)
    with NWBZarrIO(str(ephys_zarr), "r") as io:
        nwbfile = io.read()
        assert "PoseEstimation" in nwbfile.processing["behavior"].data_interfaces
        assert nwbfile.subject.subject_id == "m1" and nwbfile.session_start_time == STARTED
        np.testing.assert_array_equal(nwbfile.acquisition["lick"].data[:], np.arange(10.0))
    with pytest.raises(InvalidOptionError, match="already holds 'PoseEstimation' in processing/behavior"):
        interface.run_conversion(nwbfile_path=ephys_zarr, append_on_disk_nwbfile=True)
    assert _leftovers(ephys_zarr) == []


@needs_shared_data
def test_the_command_line_appends_to_a_zarr_store_as_python_does(ephys_zarr):
    # It refused ("appends to HDF5 NWB files only") what run_conversion(append_on_disk_nwbfile=True) does.
    from hdmf_zarr import NWBZarrIO

    before = _store_digest(ephys_zarr)
    result = poseconv("convert", REACHING_H5, "--append", ephys_zarr, "-m", _subject_file(ephys_zarr), check_rc=None)
    assert_one_line_error(result, "session.nwb.zarr", "subject")
    assert _store_digest(ephys_zarr) == before
    result = poseconv("convert", REACHING_H5, "--append", ephys_zarr, "--backend", "hdf5", check_rc=None)
    assert_one_line_error(result, "--backend hdf5", "leave --backend out")
    poseconv("convert", REACHING_H5, "--append", ephys_zarr)
    with NWBZarrIO(str(ephys_zarr), "r") as io:
        nwbfile = io.read()
        assert "PoseEstimation" in nwbfile.processing["behavior"].data_interfaces
        assert nwbfile.subject.subject_id == "m1" and nwbfile.session_start_time == STARTED
    assert _leftovers(ephys_zarr) == []


def _subject_file(store):
    path = store.parent / "other_subject.yaml"
    path.write_text("Subject:\n  subject_id: m2\n  species: Mus musculus\n")
    return path


@needs_shared_data
def test_a_missing_store_or_a_url_appended_to_with_backend_zarr_is_said_as_such(tmp_path):
    # Taken for HDF5 files ("the file is an HDF5 file ... leave --backend out"), the URL mangled.
    missing = tmp_path / "typo.nwb.zarr"
    result = poseconv("convert", REACHING_H5, "--append", missing, "--backend", "zarr", check_rc=None)
    assert_one_line_error(result, "typo.nwb.zarr: not found")
    result = poseconv(
        "convert", REACHING_H5, "--append", "https://example.org/x.nwb.zarr", "--backend", "zarr", check_rc=None
    )
    assert_one_line_error(result, "https://example.org/x.nwb.zarr: is a URL")


BACK_COMPAT = SHARED_DATA / "ndx-pose/back_compat"


@needs_shared_data
def test_a_pose_estimation_linking_two_cameras_is_refused_before_writing(tmp_path):
    # ndx-pose 0.4 refuses to read a PoseEstimation of 0.3 linking two Devices: its text passed through, naming
    # neither the file nor the container, and advising to install ndx-pose < 0.4.0.
    import shutil

    from poseconv.interfaces.converter import PoseConverterPipe
    from poseconv.output import OutputError

    old = tmp_path / "two_cameras.nwb"
    shutil.copy(BACK_COMPAT / "0.3.0_poseestimation_two_cameras.nwb", old)
    before = _digest(old)
    renamed = _renamed(tmp_path)
    said = (
        f"{old}: holds poses written with ndx-pose 0.3 or earlier",
        "processing/behavior/PoseEstimation links camera1, camera2",
        "nothing was written",
        "Write the poses to a new NWB file (--output)",
    )
    for metadata in ([], ["-m", renamed]):
        result = poseconv("convert", REACHING_H5, "--append", old, "--fps", "30", *metadata, check_rc=None)
        assert_one_line_error(result, *said)
        assert "ndx-pose < 0.4.0" not in result.stderr
    interface = DeepLabCutPoseInterface(REACHING_H5, sampling_frequency=30.0)
    with pytest.raises(OutputError, match="links camera1, camera2.*nothing was written"):
        interface.run_conversion(nwbfile_path=old, append_on_disk_nwbfile=True)
    with pytest.raises(OutputError, match="links camera1, camera2.*nothing was written"):
        PoseConverterPipe({"Pose": interface}).run_conversion(nwbfile_path=old, append_on_disk_nwbfile=True)
    assert _digest(old) == before and _leftovers(old) == []


@needs_shared_data
def test_a_pose_estimation_of_ndx_pose_0_3_linking_one_camera_is_appended_to(tmp_path):
    import shutil

    from poseconv import read_nwb

    target = tmp_path / "one_camera.nwb"
    shutil.copy(BACK_COMPAT / "0.3.0_poseestimation_one_camera.nwb", target)
    renamed = _renamed(tmp_path)
    poseconv("convert", REACHING_H5, "--append", target, "--fps", "30", "-m", renamed)
    assert [pose.source_software for pose in read_nwb(target)] == ["DeepLabCut", "DeepLabCut"]


@needs_shared_data
def test_a_zarr_store_whose_pose_estimation_links_two_cameras_is_refused_before_writing(tmp_path):
    # hdmf-zarr's read failed inside ndx-pose, said as "pynwb failed with ValueError: This PoseEstimation ...".
    import json
    import shutil

    store = tmp_path / "two_cameras.nwb.zarr"
    poseconv("convert", REACHING_H5, "--video", REACHING_VIDEO, "-o", store, "--session-start-time", START, "-q")
    devices = store / "general/devices"
    [camera] = [path for path in devices.iterdir() if path.is_dir()]
    shutil.copytree(camera, devices / "camera2")
    # The link is added where hdmf-zarr keeps it, and to the store's consolidated copy of every .zattrs.
    link = {"name": "camera2", "path": "/general/devices/camera2", "source": "."}
    attributes = store / "processing/behavior/PoseEstimation/.zattrs"
    held = json.loads(attributes.read_text())
    held["zarr_link"].append(link)
    attributes.write_text(json.dumps(held))
    consolidated = json.loads((store / ".zmetadata").read_text())
    consolidated["metadata"]["processing/behavior/PoseEstimation/.zattrs"] = held
    for name in (".zattrs", ".zgroup"):
        consolidated["metadata"][f"general/devices/camera2/{name}"] = json.loads((camera / name).read_text())
    (store / ".zmetadata").write_text(json.dumps(consolidated))
    before = _store_digest(store)
    result = poseconv("convert", REACHING_H5, "--append", store, "-m", _renamed(tmp_path), check_rc=None)
    assert_one_line_error(
        result, f"{store}: holds poses written with ndx-pose 0.3", "links camera2, device", "nothing was written"
    )
    assert _store_digest(store) == before and _leftovers(store) == []


def _renamed(folder):
    path = folder / "renamed.yaml"
    path.write_text("Pose:\n  PoseEstimations:\n    PoseEstimation:\n      name: New\n")
    return path
