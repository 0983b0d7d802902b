"""Streaming conversion: lazy reading, chunk-by-chunk writing, exact values, bounded reads.

Blocks and chunks are made tiny here (a few hundred frames) so that small files span many of
them, with a partial block and a partial chunk at the end.
"""

from __future__ import annotations

import zlib
from datetime import UTC, datetime

import h5py
import numpy as np
import pandas as pd
import pytest
from hdmf.data_utils import AbstractDataChunkIterator
from pynwb import NWBHDF5IO
from pynwb.testing.mock.file import mock_NWBFile

from poseconv.errors import InvalidSourceFileError
from poseconv.interfaces import DeepLabCutPoseInterface
from poseconv.metadata.defaults import default_pose_metadata
from poseconv.model import FrameTiming
from poseconv.model import frame_tables as lazy
from poseconv.model.frames import ArrayTable, ColumnView, is_lazy_array
from poseconv.nwb.write import chunk_encoding, hdmf_queue, storage
from poseconv.nwb.write.pose_estimation import write_pose_estimation
from poseconv.nwb.write.series_iterators import PoseSeriesIterator
from poseconv.readers.deeplabcut import read_deeplabcut

SCORER = "DLC_resnet50_streamJun1shuffle1_1000"
BLOCK = 256


@pytest.fixture
def small_blocks(monkeypatch):
    """Blocks (and chunks) of 256 frames; tables streamed as large ones are (none kept by the exactness pass)."""
    monkeypatch.setattr(lazy, "TARGET_BLOCK_BYTES", 1)
    monkeypatch.setattr(lazy, "MIN_BLOCK_FRAMES", BLOCK)
    monkeypatch.setattr(lazy, "KEEP_FROM_PASS_BYTES", 0)


def _bytes64(values) -> bytes:
    """The float64 bytes of ``values`` (stored float32 where exact, read back as float64)."""
    return np.ascontiguousarray(values, dtype="float64").tobytes()


def _dlc_frame(n_frames: int, individuals: list[str] | None, n_parts: int = 3, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    parts = [f"part{j}" for j in range(n_parts)]
    coords = ["x", "y", "likelihood"]
    if individuals is None:
        columns = pd.MultiIndex.from_product([[SCORER], parts, coords], names=["scorer", "bodyparts", "coords"])
    else:
        columns = pd.MultiIndex.from_product(
            [[SCORER], individuals, parts, coords], names=["scorer", "individuals", "bodyparts", "coords"]
        )
    values = rng.uniform(0, 640, size=(n_frames, len(columns)))
    # Full float64 mantissas, NaN runs, an all-NaN column and signed zeros: nothing may be altered.
    values[rng.random(values.shape) < 0.05] = np.nan
    values[:, 1] = np.nan
    values[::7, 0] = -0.0
    return pd.DataFrame(values, columns=columns)


def _write_dlc(tmp_path, frame: pd.DataFrame, suffix: str = ".h5"):
    path = tmp_path / f"videoA{SCORER}{suffix}"
    if suffix == ".h5":
        frame.to_hdf(path, key="df_with_missing", format="table", mode="w")
    else:
        frame.to_csv(path)
    return path


def _series_groups(path):
    handle = h5py.File(path, "r")
    found = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Group) and obj.attrs.get("neurodata_type") == "PoseEstimationSeries":
            found[(obj.parent.name.rsplit("/", 1)[-1], obj.name.rsplit("/", 1)[-1])] = obj

    handle.visititems(visit)
    return handle, found


def _assert_file_equals_source(path, frame: pd.DataFrame, n_series: int, *, poseconv_storage: bool = True):
    values = frame.to_numpy()
    columns = list(frame.columns)
    handle, series = _series_groups(path)
    with handle:
        assert len(series) == n_series
        for (container, name), group in series.items():
            key = [c for c in columns if c[-2] == name and (len(c) == 3 or c[1] in container)]
            xy = [columns.index(c) for c in key if c[-1] in ("x", "y")]
            likelihood = [columns.index(c) for c in key if c[-1] == "likelihood"]
            data, confidence = group["data"], group["confidence"]
            # Bit for bit: NaN stays NaN, -0.0 stays -0.0.
            assert _bytes64(data[()]) == _bytes64(values[:, xy])
            assert _bytes64(confidence[()]) == _bytes64(values[:, likelihood[0]])
            if not poseconv_storage:
                continue
            assert data.chunks == (min(BLOCK, len(frame)), 2) and confidence.chunks == (min(BLOCK, len(frame)),)
            for dataset in (data, confidence):
                assert dataset.compression == "gzip" and dataset.shuffle
                assert dataset.compression_opts == storage.GZIP_LEVEL


def _read(path):
    pose = read_deeplabcut(path, find_side_files=False)
    return pose.with_timing(pose.tracks[0].video, FrameTiming(rate=30.0, source="test"))


def _convert(path, output, **kwargs):
    interface = DeepLabCutPoseInterface(file_path=path, sampling_frequency=30.0, find_side_files=False)
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    interface.run_conversion(nwbfile_path=output, metadata=metadata, **kwargs)
    return interface


@pytest.mark.parametrize("suffix", [".h5", ".csv"])
def test_streamed_file_equals_the_source_bit_for_bit(tmp_path, small_blocks, suffix):
    frame = _dlc_frame(1000, None)  # 4 blocks: 3 whole and 1 partial
    path = _write_dlc(tmp_path, frame, suffix)
    if suffix == ".csv":
        frame = pd.read_csv(path, header=[0, 1, 2], index_col=0)
    _convert(path, tmp_path / "out.nwb")
    _assert_file_equals_source(tmp_path / "out.nwb", frame, n_series=3)


def test_multi_animal_streamed_file_equals_the_source(tmp_path, small_blocks):
    frame = _dlc_frame(700, ["mouse1", "mouse2", "mouse3"], n_parts=4, seed=1)
    path = _write_dlc(tmp_path, frame)
    interface = _convert(path, tmp_path / "out.nwb")
    _assert_file_equals_source(tmp_path / "out.nwb", frame, n_series=12)
    # Written one chunk of every series in turn: each block of the table was read once.
    table = interface.pose.tracks[0].positions.table
    assert table.blocks_read == -(-700 // BLOCK)


def test_plain_neuroconv_writer_and_zarr_give_the_same_values(tmp_path, small_blocks):
    from hdmf_zarr.nwb import NWBZarrIO
    from neuroconv.tools.nwb_helpers import configure_and_write_nwbfile

    frame = _dlc_frame(600, None)
    path = _write_dlc(tmp_path, frame)
    pose = _read(path)
    for backend, output in (("hdf5", tmp_path / "plain.nwb"), ("zarr", tmp_path / "plain.nwb.zarr")):
        nwbfile = mock_NWBFile()
        write_pose_estimation(nwbfile, pose, metadata=default_pose_metadata(pose))
        configure_and_write_nwbfile(nwbfile=nwbfile, nwbfile_path=output, backend=backend)
        io_class = NWBHDF5IO if backend == "hdf5" else NWBZarrIO
        with io_class(str(output), mode="r") as io:
            behavior = io.read().processing["behavior"].data_interfaces.values()
            container = next(obj for obj in behavior if type(obj).__name__ == "PoseEstimation")
            for j, node in enumerate(("part0", "part1", "part2")):
                series = container.pose_estimation_series[node]
                values = frame.to_numpy()
                assert _bytes64(series.data[:]) == _bytes64(values[:, [3 * j, 3 * j + 1]])
                assert _bytes64(series.confidence[:]) == _bytes64(values[:, 3 * j + 2])


def test_series_are_iterators_over_lazy_tracks(tmp_path, small_blocks):
    path = _write_dlc(tmp_path, _dlc_frame(600, None))
    pose = _read(path)
    # Reading parsed the header only: the values are lazy views of the table.
    assert all(is_lazy_array(track.positions) and is_lazy_array(track.confidence) for track in pose.tracks)
    assert pose.tracks[0].positions.table.blocks_read == 0
    nwbfile = mock_NWBFile()
    written = write_pose_estimation(nwbfile, pose, metadata=default_pose_metadata(pose))
    for series in written[0].pose_estimation_series.values():
        assert isinstance(series.data, AbstractDataChunkIterator) and isinstance(series.data, PoseSeriesIterator)
        assert isinstance(series.confidence, PoseSeriesIterator)
        assert series.data.chunk_shape == (BLOCK, 2) and series.data.buffer_shape == (BLOCK, 2)
    assert pose.tracks[0].positions.table.blocks_read == 0


def test_an_iterator_starts_again_for_each_dataset_set_up_from_it():
    values = np.arange(1000 * 2, dtype="float64").reshape(1000, 2)
    iterator = PoseSeriesIterator(values, chunk_frames=300)
    passes = []
    for _ in range(2):
        assert iterator.recommended_data_shape() == (1000, 2)
        chunks = list(iterator)
        assert [c.selection[0] for c in chunks] == [slice(0, 300), slice(300, 600), slice(600, 900), slice(900, 1000)]
        passes.append(np.concatenate([c.data for c in chunks]))
    np.testing.assert_array_equal(passes[0], values)
    np.testing.assert_array_equal(passes[1], values)
    # It also reads like the array it writes.
    assert iterator.shape == (1000, 2) and len(iterator) == 1000
    np.testing.assert_array_equal(iterator[10:20, 1], values[10:20, 1])
    np.testing.assert_array_equal(np.asarray(iterator), values)


def test_skipped_frame_numbers_are_nan_in_a_streamed_file(tmp_path, small_blocks):
    frame = _dlc_frame(400, None)
    frame.index = np.arange(400) * 2 + 3  # frames 3, 5, ..., 801
    path = _write_dlc(tmp_path, frame)
    _convert(path, tmp_path / "out.nwb")
    handle, series = _series_groups(tmp_path / "out.nwb")
    with handle:
        data = series[next(k for k in series if k[1] == "part0")]["data"][()]
    assert data.shape == (802, 2)
    assert np.isnan(data[np.setdiff1d(np.arange(802), frame.index)]).all()
    assert _bytes64(data[frame.index]) == _bytes64(frame.to_numpy()[:, :2])


def test_a_frame_index_out_of_order_inside_the_table_is_an_error_while_writing(tmp_path, small_blocks):
    frame = _dlc_frame(600, None)
    # First row 0 and last row 599 look like 0..599, but rows 300 and 301 repeat a frame.
    index = np.arange(600)
    index[301] = 300
    frame.index = index
    path = _write_dlc(tmp_path, frame)
    with pytest.raises(InvalidSourceFileError, match="repeated or out of order"):
        _convert(path, tmp_path / "out.nwb")
    assert not (tmp_path / "out.nwb").exists()


def test_column_view_indexes_like_numpy():
    values = np.random.default_rng(2).normal(size=(1000, 12))
    table = ArrayTable(values, block_frames=128)
    view = ColumnView(table, np.arange(12).reshape(4, 3))
    expected = values.reshape(1000, 4, 3)
    for key in (
        slice(None),
        5,
        -1,
        (slice(100, 700), 2),
        (slice(None, None, 3), slice(1, 3), 0),
        (slice(900, 100, -7),),
        (Ellipsis, 1),
        np.array([3, 999, 0]),
    ):
        np.testing.assert_array_equal(view[key], expected[key])
    np.testing.assert_array_equal(np.asarray(view.select(2)), expected[:, 2])
    with pytest.raises(IndexError):
        view[1000]


# -- the parallel chunk writer ---------------------------------------------------------------------


@pytest.mark.parametrize("strategy", ["adaptive", "rle", "default"])
def test_encoded_chunks_inflate_to_hdf5_shuffled_bytes(strategy):
    values = np.random.default_rng(3).normal(size=(300, 2)).astype("float32").astype("float64")
    with h5py.File("in-memory.h5", "w", driver="core", backing_store=False) as handle:
        dataset = handle.create_dataset(
            "x", shape=(1000, 2), dtype="float64", chunks=(512, 2), shuffle=True, compression="gzip"
        )
        plan = chunk_encoding._plan_for(dataset)
    encoded = chunk_encoding.encode_chunk(values, plan, strategy)
    padded = np.zeros((512, 2))
    padded[:300] = values
    shuffled = padded.reshape(-1).view(np.uint8).reshape(-1, 8).T.tobytes()
    assert zlib.decompress(encoded) == shuffled


@pytest.mark.parametrize(
    ("dtype", "options"),
    [
        ("float64", {"shuffle": True, "compression": "gzip", "compression_opts": 1}),
        ("float32", {"compression": "gzip", "compression_opts": 6}),
        ("int16", {"shuffle": True}),
        ("uint8", {}),
        ("float64", {"fletcher32": True}),  # not encoded here: HDF5 writes it
    ],
)
def test_parallel_queue_writes_what_hdf5_reads_back(tmp_path, dtype, options):
    data = (np.random.default_rng(4).normal(size=(2500, 3)) * 100).astype(dtype)
    iterator = PoseSeriesIterator(data, chunk_frames=256)
    with h5py.File(tmp_path / "x.h5", "w") as handle:
        dataset = handle.create_dataset("x", shape=data.shape, dtype=dtype, chunks=(256, 3), **options)
        queue = chunk_encoding.ParallelChunkQueue(workers=2)
        queue.append(dataset=dataset, data=iterator)
        queue.exhaust_queue()
        direct = "fletcher32" not in options
        assert (queue.chunks_direct, queue.chunks_hdf5) == ((10, 0) if direct else (0, 10))
    with h5py.File(tmp_path / "x.h5", "r") as handle:
        assert handle["x"][()].tobytes() == data.tobytes()


def test_hdmf_still_keeps_its_iterator_queue_where_poseconv_replaces_it(tmp_path):
    # The parallel writer swaps hdmf's private queue; an hdmf that moved it would silently lose the speed.
    with NWBHDF5IO(str(tmp_path / "x.nwb"), mode="w") as io:
        assert hdmf_queue.install_parallel_chunk_queue(io)
        assert isinstance(getattr(io, hdmf_queue.QUEUE_ATTRIBUTE), chunk_encoding.ParallelChunkQueue)


def _slp_file(tmp_path, n_frames: int = 700, n_tracks: int = 3, n_nodes: int = 4):
    """A predictions .slp saved by sleap-io, and its values as sleap-io reads them (frames, tracks, nodes, 3)."""
    import sleap_io as sio

    rng = np.random.default_rng(3)
    values = rng.uniform(0, 640, size=(n_frames, n_tracks, n_nodes, 3)).astype("float32").astype("float64")
    values[rng.random(values.shape[:3]) < 0.05, :2] = np.nan  # lost nodes
    values[100:400, 1] = np.nan  # an animal absent for longer than a block
    nodes = [f"n{j}" for j in range(n_nodes)]
    labels = sio.Labels.from_numpy(
        values,
        videos=[sio.Video(filename=str(tmp_path / "video.mp4"), open_backend=False)],
        skeletons=[sio.Skeleton(nodes=list(nodes), name="skeleton")],  # sleap-io turns the list into Nodes
        tracks=[sio.Track(name=f"track_{i}") for i in range(n_tracks)],
        return_confidence=True,
    )
    path = tmp_path / "predictions.slp"
    sio.save_slp(labels, str(path))
    # sleap-io returns float32; the values are float32 numbers, stored by SLEAP as float64.
    return path, sio.load_slp(str(path)).numpy(return_confidence=True).astype("float64"), nodes


def _assert_slp_file_equals(output, expected, nodes):
    handle, series = _series_groups(output)
    with handle:
        assert len(series) == expected.shape[1] * len(nodes)
        for (container, node), group in series.items():
            track, j = int(container.rsplit("track_", 1)[1][0]), nodes.index(node)
            assert _bytes64(group["data"][()]) == _bytes64(expected[:, track, j, :2])
            assert _bytes64(group["confidence"][()]) == _bytes64(expected[:, track, j, 2])


def test_sleap_tracks_are_streamed_from_the_point_tables(tmp_path, small_blocks):
    from poseconv.interfaces import SLEAPPoseInterface

    path, expected, nodes = _slp_file(tmp_path)
    interface = SLEAPPoseInterface(file_path=path, sampling_frequency=30.0)
    assert all(is_lazy_array(track.positions) for track in interface.pose.tracks)
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    interface.run_conversion(nwbfile_path=tmp_path / "out.nwb", metadata=metadata)
    _assert_slp_file_equals(tmp_path / "out.nwb", expected, nodes)
    with h5py.File(tmp_path / "out.nwb", "r") as handle:
        assert handle["processing/behavior/PoseEstimation_track_0/n0/data"].chunks == (BLOCK, 2)
    # One point table for the video's three tracks, each block of it read once.
    tables = {id(track.positions.table): track.positions.table for track in interface.pose.tracks}
    assert len(tables) == 1 and next(iter(tables.values())).blocks_read == -(-700 // BLOCK)


@pytest.mark.parametrize("source", ["dlc", "slp"])
def test_a_writer_taking_one_series_at_a_time_reads_each_block_at_most_twice(tmp_path, small_blocks, source):
    """neuroconv's own writer exhausts one series after the other: the table is kept whole after its first pass."""
    from neuroconv.tools.nwb_helpers import configure_and_write_nwbfile

    from poseconv.readers.sleap import read_sleap

    if source == "dlc":
        frame = _dlc_frame(700, ["mouse1", "mouse2"], n_parts=3, seed=2)
        pose = _read(_write_dlc(tmp_path, frame))
    else:
        path, expected, nodes = _slp_file(tmp_path)
        pose = read_sleap(path).with_timing("video", FrameTiming(rate=30.0, source="test"))
    nwbfile = mock_NWBFile()
    write_pose_estimation(nwbfile, pose, metadata=default_pose_metadata(pose))
    configure_and_write_nwbfile(nwbfile=nwbfile, nwbfile_path=tmp_path / "plain.nwb", backend="hdf5")
    if source == "dlc":
        _assert_file_equals_source(tmp_path / "plain.nwb", frame, n_series=6, poseconv_storage=False)
    else:
        _assert_slp_file_equals(tmp_path / "plain.nwb", expected, nodes)
    table = pose.tracks[0].positions.table
    assert table.blocks_read <= 2 * -(-700 // BLOCK)


@pytest.mark.parametrize("backend", ["hdf5", "zarr"])
def test_a_users_backend_configuration_leaves_confidence_compressed(tmp_path, backend):
    # neuroconv's documented workflow: a configuration from create_nwbfile, edited, passed to run_conversion,
    # which builds another NWBFile; the confidence, which the configuration cannot hold, was written raw.
    from poseconv import PoseNWBConverter
    from tests.fixtures.deeplabcut import SINGLE_ANIMAL_H5
    from tests.fixtures.paths import SHARED_DATA

    if not SHARED_DATA.is_dir():
        pytest.skip("needs ../shared/data")

    class Converter(PoseNWBConverter):
        data_interface_classes = {"Pose": DeepLabCutPoseInterface}

    converter = Converter(source_data={"Pose": {"file_path": SINGLE_ANIMAL_H5}})
    metadata = converter.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 5, 1, 10, tzinfo=UTC)
    configuration = converter.get_default_backend_configuration(converter.create_nwbfile(metadata), backend=backend)
    for item in configuration.dataset_configurations.values():
        item.chunk_shape = (500, *item.full_shape[1:])
    out = tmp_path / ("c.nwb" if backend == "hdf5" else "c.nwb.zarr")
    converter.run_conversion(nwbfile_path=out, metadata=metadata, backend_configuration=configuration)
    if backend == "hdf5":
        with h5py.File(out, "r") as f:
            container = f["processing/behavior/PoseEstimation"]
            series = [g for g in container.values() if isinstance(g, h5py.Group) and "confidence" in g]
            assert series and all(g["data"].chunks[0] == 500 for g in series)
            assert all(g["confidence"].compression == "gzip" for g in series)
    else:
        import zarr

        group = zarr.open(str(out), mode="r")["processing/behavior/PoseEstimation"]
        confidences = [group[node]["confidence"] for node in group.group_keys() if "confidence" in group[node]]
        assert confidences and all(c.compressor is not None for c in confidences)
