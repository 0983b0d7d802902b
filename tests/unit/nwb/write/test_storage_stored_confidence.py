"""poseconv.nwb.write.storage: the confidence of pose series already in a file is left as it is stored.

Appending poses to a file that held another tool's poses wrapped the stored confidence of every series
already there: H5DataIO warned four times a series that its options would be ignored.
"""

from __future__ import annotations

import warnings
from datetime import UTC, datetime

import numpy as np
import pytest
from hdmf.data_utils import DataIO
from ndx_pose import PoseEstimation, PoseEstimationSeries, Skeleton, Skeletons
from pynwb import NWBHDF5IO, NWBFile

from poseconv.nwb.write.storage import configure_and_write_nwbfile, get_pose_backend_configuration

FRAMES = 50


def _pose_estimation(name: str, nodes: tuple[str, ...]) -> tuple[Skeleton, PoseEstimation]:
    skeleton = Skeleton(name=f"Skeleton{name}", nodes=list(nodes))
    rng = np.random.default_rng(len(name))
    series = [
        PoseEstimationSeries(
            name=node,
            data=rng.uniform(0, 640, size=(FRAMES, 2)),
            confidence=rng.uniform(0, 1, size=FRAMES),
            reference_frame="top left",
            rate=30.0,
        )
        for node in nodes
    ]
    return skeleton, PoseEstimation(name=name, pose_estimation_series=series, skeleton=skeleton)


def _write_session(path, io_class) -> None:
    """A file with one PoseEstimation of two series, as another tool writes it."""
    nwbfile = NWBFile(session_description="s", identifier="i", session_start_time=datetime(2024, 1, 1, tzinfo=UTC))
    skeleton, pose = _pose_estimation("PoseEstimationOther", ("snout", "tailbase"))
    behavior = nwbfile.create_processing_module(name="behavior", description="behavior")
    behavior.add(Skeletons(skeletons=[skeleton]))
    behavior.add(pose)
    with io_class(str(path), mode="w") as io:
        io.write(nwbfile)


def _io_class(backend):
    if backend == "zarr":
        from hdmf_zarr import NWBZarrIO

        return NWBZarrIO
    return NWBHDF5IO


@pytest.mark.parametrize("backend", ["hdf5", "zarr"])
def test_an_append_configures_the_new_series_only(tmp_path, backend):
    path = tmp_path / f"session.{backend}.nwb"
    io_class = _io_class(backend)
    _write_session(path, io_class)
    with io_class(str(path), mode="a") as io:
        nwbfile = io.read()
        behavior = nwbfile.processing["behavior"]
        skeleton, added = _pose_estimation("PoseEstimationNew", ("ear",))
        behavior["Skeletons"].add_skeletons(skeleton)
        behavior.add(added)
        with warnings.catch_warnings():
            warnings.filterwarnings("error", message=".*will be ignored", category=UserWarning)
            get_pose_backend_configuration(nwbfile, backend=backend)
        stored = behavior["PoseEstimationOther"].pose_estimation_series
        assert not any(isinstance(series.confidence, DataIO) for series in stored.values())
        assert isinstance(added.pose_estimation_series["ear"].confidence, DataIO)
        io.write(nwbfile)
    with io_class(str(path), mode="r") as io:
        behavior = io.read().processing["behavior"]
        assert behavior["PoseEstimationNew"].pose_estimation_series["ear"].confidence.shape == (FRAMES,)
        assert behavior["PoseEstimationOther"].pose_estimation_series["snout"].confidence.shape == (FRAMES,)


def test_an_export_to_zarr_still_configures_confidence_read_from_hdf5(tmp_path):
    # An HDF5 dataset written to Zarr is rewritten, so its storage options apply: it is configured.
    import zarr
    from hdmf_zarr import NWBZarrIO

    source = tmp_path / "session.nwb"
    _write_session(source, NWBHDF5IO)
    with NWBHDF5IO(str(source), mode="r") as io:
        nwbfile = io.read()
        expected = nwbfile.processing["behavior"]["PoseEstimationOther"].pose_estimation_series["snout"].confidence[:]
        configure_and_write_nwbfile(nwbfile, tmp_path / "session.nwb.zarr", backend="zarr")
    with NWBZarrIO(str(tmp_path / "session.nwb.zarr"), mode="r") as io:
        series = io.read().processing["behavior"]["PoseEstimationOther"].pose_estimation_series["snout"]
        confidence = series.confidence
        # Stored as its series' data is, not as the uncompressed HDF5 dataset it was read from.
        assert isinstance(confidence, zarr.Array) and confidence.compressor == series.data.compressor is not None
        np.testing.assert_array_equal(confidence[:], expected)
