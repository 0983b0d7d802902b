"""Inputs the fuzz targets found, kept as regression tests.

Damaged real files are stored as recipes (the real file + the bits flipped), not as copies.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from poseconv import DeepLabCutPoseInterface, SLEAPPoseInterface, read_nwb
from poseconv.errors import InvalidSourceFileError
from poseconv.readers.safety.input_checks import frame_count_plausible
from poseconv.readers.safety.isolation import probe
from poseconv.readers.safety.safe_pickle import open_pandas_store
from tests.fixtures.paths import SHARED_DATA
from tests.fuzz.harness import convert_or_refuse, input_and_output_folders

DLC_H5 = (
    SHARED_DATA
    / "neuroconv/behavior_testing_data/DLC/open_field_without_video/m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.h5"
)
SLP = SHARED_DATA / "neuroconv/behavior_testing_data/sleap/predictions_1.2.7_provenance_and_tracking.slp"


def _flipped(source, folder, flips):
    data = bytearray(source.read_bytes())
    for offset, mask in flips:
        data[offset] ^= mask
    source_dir, _ = input_and_output_folders(folder)
    path = source_dir / source.name
    path.write_bytes(bytes(data))
    return path


def test_one_flipped_bit_that_crashes_pytables_is_refused(tmp_path):
    """Byte 835 of this file: PyTables (pandas.read_hdf) dies with a segmentation fault opening it."""
    path = _flipped(DLC_H5, tmp_path, [(835, 1)])

    def open_with_pytables(file: Path) -> None:
        with pd.HDFStore(file, mode="r"):
            pass

    # The crash happens in the forked child; this process gets an error naming the file.
    with pytest.raises(InvalidSourceFileError, match="crashes the HDF5 library"):
        probe(path, open_with_pytables, what="it with PyTables")
    with pytest.raises(InvalidSourceFileError, match="the file is damaged"), open_pandas_store(path):
        pass
    assert not convert_or_refuse(DeepLabCutPoseInterface, path, tmp_path / "out" / "out.nwb", sampling_frequency=30.0)


def test_a_header_claiming_gigabytes_is_refused_without_allocating_them(tmp_path):
    """Byte 271101 of this file: HDF5 allocated 24 GB reading one object header and the OS killed the process.

    The conversion runs in a subprocess under an 8 GB address-space limit, so that if the
    forked probe ever stopped catching it, this test fails instead of exhausting the machine.
    """
    import resource
    import subprocess
    import sys

    path = _flipped(DLC_H5, tmp_path, [(271101, 128)])
    code = (
        "import sys\n"
        "from poseconv import DeepLabCutPoseInterface\n"
        "from poseconv.errors import InvalidSourceFileError\n"
        "try:\n"
        "    DeepLabCutPoseInterface(file_path=sys.argv[1], sampling_frequency=30.0)\n"
        "except InvalidSourceFileError as err:\n"
        "    print(err)\n"
    )

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (8 * 2**30, 8 * 2**30))

    result = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=300, preexec_fn=limit
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"{path}: the file is damaged: reading its HDF5 structure claims more memory" in result.stdout


def test_flipped_bits_in_a_slp_frame_table_are_refused(tmp_path):
    """Once an IndexError from inside the SLEAP reader."""
    path = _flipped(SLP, tmp_path, [(18966, 32), (37895, 128), (67502, 1), (92338, 4)])
    assert not convert_or_refuse(SLEAPPoseInterface, path, tmp_path / "out" / "out.nwb")


def test_frame_numbers_far_beyond_the_rows_are_refused_at_once(tmp_path):
    """Once a hang: 3 rows reaching frame 2**40 were written as a trillion NaN frames."""
    columns = pd.MultiIndex.from_product([["DLC_x"], ["nose"], ["x", "y", "likelihood"]])
    columns = columns.set_names(["scorer", "bodyparts", "coords"])
    frame = pd.DataFrame(np.ones((3, 3)), index=[0, 5, 2**40], columns=columns)
    source_dir, output_dir = input_and_output_folders(tmp_path)
    path = source_dir / "vDLC_x.h5"
    frame.to_hdf(path, key="df_with_missing", format="table")
    with pytest.raises(
        InvalidSourceFileError,
        match=r"vDLC_x.h5: frame numbers reach frame 1,099,511,627,776 but the file holds only 3 poses",
    ):
        DeepLabCutPoseInterface(file_path=path, sampling_frequency=30.0)


def test_names_nwb_cannot_hold_or_that_collide_once_made_safe(tmp_path):
    """Once a ValueError from ndx-pose: "a/b" and "a_b" both became series "a_b"; "/" clashed with the skeleton link."""
    parts = ["a/b", "a_b", "/", "", "scorer", ".", "q'x' of 'y"]
    columns = pd.MultiIndex.from_product([["DLC_x"], ["m/1", "m_1"], parts, ["x", "y", "likelihood"]])
    columns = columns.set_names(["scorer", "individuals", "bodyparts", "coords"])
    values = np.arange(4 * len(columns), dtype="float64").reshape(4, -1)
    source_dir, output_dir = input_and_output_folders(tmp_path)
    # .h5: pandas reads an empty header cell of a CSV as "Unnamed: ..."; its .h5 keeps "" as written.
    path = source_dir / "vDLC_x.h5"
    pd.DataFrame(values, columns=columns).to_hdf(path, key="df_with_missing", format="table")
    output = output_dir / "out.nwb"
    assert convert_or_refuse(DeepLabCutPoseInterface, path, output, sampling_frequency=30.0)
    (pose,) = read_nwb(output)
    assert pose.track_names() == ["m/1", "m_1"]
    source = pd.read_hdf(path, "df_with_missing")
    for track in pose.tracks:
        nodes = pose.skeletons[track.skeleton].nodes
        assert sorted(nodes) == sorted(source.columns.get_level_values("bodyparts").unique())
        for i, node in enumerate(nodes):
            for d, coord in enumerate("xy"):
                np.testing.assert_array_equal(
                    np.asarray(track.positions)[:, i, d], source[("DLC_x", track.name, node, coord)].to_numpy()
                )
    # A name NWB takes keeps it, for readers that go by series and container names: "a_b" is the series of
    # node a_b ("a/b" yields, as a_b_2), "m_1" the container of animal m_1.
    from pynwb import NWBHDF5IO

    with NWBHDF5IO(output, "r") as io:
        behavior = io.read().processing["behavior"]
        container = behavior["PoseEstimation_m_1"]
        assert container.description.startswith("Poses of 'm_1'")
        np.testing.assert_array_equal(
            container.pose_estimation_series["a_b"].data[:, 0], source[("DLC_x", "m_1", "a_b", "x")]
        )
        assert container.pose_estimation_series["a_b_2"].description.startswith("Position of 'a/b'")


def test_a_slp_whose_video_has_no_name_is_refused(tmp_path):
    """Once a KeyError from inside sleap-io, which writes such a file but cannot read it."""
    import sleap_io as sio

    skeleton = sio.Skeleton(nodes=["a"], name="s")
    video = sio.Video(filename="", open_backend=False)
    instance = sio.PredictedInstance.from_numpy(np.zeros((1, 2)), point_scores=np.ones(1), score=1.0, skeleton=skeleton)
    labels = sio.Labels(
        labeled_frames=[sio.LabeledFrame(video=video, frame_idx=0, instances=[instance])],
        videos=[video],
        skeletons=[skeleton],
    )
    source_dir, output_dir = input_and_output_folders(tmp_path)
    path = source_dir / "unnamed_video.slp"
    sio.save_slp(labels, str(path))
    assert not convert_or_refuse(SLEAPPoseInterface, path, output_dir / "out.nwb", sampling_frequency=30.0)


def test_an_animal_named_with_the_empty_string_keeps_its_name(tmp_path):
    """Once read back as "individual": the empty name from the description was taken for no name."""
    columns = pd.MultiIndex.from_product([["DLC_x"], [""], ["/"], ["x", "y", "likelihood"]])
    columns = columns.set_names(["scorer", "individuals", "bodyparts", "coords"])
    source_dir, output_dir = input_and_output_folders(tmp_path)
    path = source_dir / "vDLC_x.h5"
    pd.DataFrame(np.zeros((1, 3)), columns=columns).to_hdf(path, key="df_with_missing", format="table")
    output = output_dir / "out.nwb"
    assert convert_or_refuse(DeepLabCutPoseInterface, path, output, sampling_frequency=30.0)
    (pose,) = read_nwb(output)
    assert pose.track_names() == [""]
    assert pose.skeletons[pose.tracks[0].skeleton].nodes == ("/",)


def test_an_instance_range_past_the_instance_table_does_not_exhaust_memory(tmp_path):
    """A damaged instance range is refused or read within bounds, never turned into a 2**31-element index."""
    import h5py

    source_dir, output_dir = input_and_output_folders(tmp_path)
    path = source_dir / SLP.name
    path.write_bytes(SLP.read_bytes())
    with h5py.File(path, "r+") as file:
        last = len(file["frames"]) - 1
        row = file["frames"][last]
        row["instance_id_end"] = 2**31 - 1
        file["frames"][last] = row
    convert_or_refuse(SLEAPPoseInterface, path, output_dir / "out.nwb")


def test_a_short_lived_track_in_a_long_sparse_file_is_not_refused(tmp_path):
    """A track seen in one frame of a sparse file converts, NaN elsewhere (trackers leave such tracks)."""
    import sleap_io as sio

    skeleton = sio.Skeleton(nodes=["a"], name="s")
    video = sio.Video(filename="long.mp4", open_backend=False)
    steady, brief = sio.Track(name="steady"), sio.Track(name="brief")

    def instance(track, x):
        return sio.PredictedInstance.from_numpy(
            np.array([[x, x]]), point_scores=np.ones(1), score=1.0, skeleton=skeleton, track=track
        )

    frames = [sio.LabeledFrame(video=video, frame_idx=i, instances=[instance(steady, i)]) for i in range(0, 2000, 10)]
    frames.append(sio.LabeledFrame(video=video, frame_idx=2000, instances=[instance(steady, 1), instance(brief, 2)]))
    labels = sio.Labels(labeled_frames=frames, videos=[video], skeletons=[skeleton], tracks=[steady, brief])
    source_dir, output_dir = input_and_output_folders(tmp_path)
    path = source_dir / "sparse.slp"
    sio.save_slp(labels, str(path))
    output = output_dir / "out.nwb"
    assert convert_or_refuse(SLEAPPoseInterface, path, output, sampling_frequency=30.0)
    tracks = {track.name: np.asarray(track.positions) for pose in read_nwb(output) for track in pose.tracks}
    np.testing.assert_array_equal(tracks["brief"][2000], [[2.0, 2.0]])
    assert np.isnan(tracks["brief"][:2000]).all()


def test_the_frame_number_guard_allows_sparse_stubs_and_refuses_only_the_implausible():
    assert frame_count_plausible(10_000_000, 1)  # up to ten million frames, however sparse
    assert frame_count_plausible(50_000_000, 500_000)  # a hundredth of the frames labeled
    assert not frame_count_plausible(50_000_000, 400_000)
    assert not frame_count_plausible(2**31, 2**31)  # more frames than any video has
