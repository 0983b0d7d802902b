"""Dataset configuration without a build: the same as neuroconv's, applied the same way.

These tests hold :mod:`poseconv.nwb.write.dataset_configuration` to neuroconv's own
``get_default_dataset_io_configurations`` and ``configure_backend`` on a file that holds,
beside poses with linked timestamps, the other kinds of dataset neuroconv configures
(TimeSeries data, table columns, a compound column, an image); they fail when neuroconv
or hdmf change what they find or how.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from hdmf.common import Data
from hdmf.data_utils import DataIO
from neuroconv.tools.nwb_helpers import (
    configure_backend,
    get_default_backend_configuration,
    get_default_dataset_io_configurations,
)
from pynwb import NWBFile, TimeSeries
from pynwb.base import Images
from pynwb.image import GrayscaleImage
from pynwb.ophys import ImageSegmentation, OpticalChannel

from poseconv.metadata.defaults import default_pose_metadata
from poseconv.model import FrameTiming
from poseconv.nwb.write.dataset_configuration import (
    apply_dataset_configurations,
    default_dataset_configurations,
    location_in_file,
)
from poseconv.nwb.write.pose_estimation import write_pose_estimation
from poseconv.nwb.write.storage import get_pose_backend_configuration
from poseconv.testing.mock import mock_pose_data


def make_file() -> NWBFile:
    """A file with poses (irregular times, linked) and every other kind of dataset neuroconv configures."""
    nwbfile = NWBFile(session_description="test", identifier="id", session_start_time=datetime(2024, 1, 1, tzinfo=UTC))
    pose = mock_pose_data(n_individuals=2, n_frames=200, rate=None)
    times = np.cumsum(np.full(200, 0.033)) + np.linspace(0, 0.001, 200) ** 2
    pose.timing["video"] = FrameTiming(timestamps=times, source="test")
    write_pose_estimation(nwbfile, pose, metadata=default_pose_metadata(pose))
    nwbfile.add_acquisition(TimeSeries(name="signal", data=np.arange(3000.0).reshape(1000, 3), unit="V", rate=100.0))
    nwbfile.add_trial_column(name="correct", description="whether the trial was correct")
    for k in range(5):
        nwbfile.add_trial(start_time=float(k), stop_time=k + 0.5, correct=bool(k % 2))
    device = nwbfile.create_device(name="microscope")
    plane = nwbfile.create_imaging_plane(
        name="plane",
        optical_channel=OpticalChannel(name="green", description="green", emission_lambda=500.0),
        description="plane",
        device=device,
        excitation_lambda=600.0,
        indicator="GFP",
        location="V1",
    )
    segmentation = ImageSegmentation(name="segmentation")
    rois = segmentation.create_plane_segmentation(name="rois", description="rois", imaging_plane=plane)
    for k in range(3):
        rois.add_roi(pixel_mask=[(k, k, 1.0), (k + 1, k, 0.5)])  # a compound (x, y, weight) column
    ophys = nwbfile.create_processing_module(name="ophys", description="ophys")
    ophys.add(segmentation)
    ophys.add(Images(name="images", images=[GrayscaleImage(name="mean", data=np.ones((64, 48)))]))
    return nwbfile


@pytest.mark.parametrize("backend", ["hdf5", "zarr"])
def test_same_configurations_as_neuroconv_without_a_build(backend):
    nwbfile = make_file()
    ours = default_dataset_configurations(nwbfile, backend)
    theirs = {item.location_in_file: item for item in get_default_dataset_io_configurations(nwbfile, backend)}
    assert sorted(ours) == sorted(theirs)
    assert {k: v.model_dump() for k, v in ours.items()} == {k: v.model_dump() for k, v in theirs.items()}
    compound = [item for item in ours.values() if item.location_in_file.endswith("pixel_mask/data")]
    assert compound and compound[0].full_shape == (6,)


def test_location_in_file_is_neuroconvs():
    nwbfile = make_file()
    objects = {child.object_id: child for child in nwbfile.all_children()}
    for item in get_default_dataset_io_configurations(nwbfile, "hdf5"):
        assert location_in_file(objects[item.object_id], item.dataset_name) == item.location_in_file


def _data_ios(nwbfile: NWBFile) -> dict[tuple[str, str], dict]:
    """Every DataIO-wrapped field of the file, by (object path, field): its IO parameters."""
    found = {}
    for child in nwbfile.all_children():
        fields = dict(child.fields)
        if isinstance(child, Data):
            fields["data"] = child.data  # a table column or an image is a dataset itself
        for name, value in fields.items():
            if isinstance(value, DataIO):
                parents, node = [], child
                while node is not None:
                    parents.append(node.name)
                    node = node.parent
                params = {k: v for k, v in value.io_settings.items()} if hasattr(value, "io_settings") else {}
                found[("/".join(reversed(parents)), name)] = (type(value).__name__, repr(sorted(params.items())))
    return found


@pytest.mark.parametrize("backend", ["hdf5", "zarr"])
def test_a_configuration_of_another_file_is_applied_like_neuroconv_applies_it(backend):
    """A neuroconv configuration of one file, edited, applied to a file of the same structure."""
    source = make_file()
    configuration = get_default_backend_configuration(source, backend=backend)
    for item in configuration.dataset_configurations.values():
        if item.dataset_name == "data" and len(item.full_shape) == 2 and item.full_shape[0] == 200:
            item.chunk_shape = (50, item.full_shape[1])
            item.buffer_shape = item.full_shape
    theirs, ours = make_file(), make_file()
    configure_backend(nwbfile=theirs, backend_configuration=configuration)
    apply_dataset_configurations(ours, configuration)
    assert _data_ios(ours) == _data_ios(theirs)
    # Listed but not wrapped: the timestamps of the 5 pose series linking to the first series' ones.
    assert len(_data_ios(ours)) == len(configuration.dataset_configurations) - 5


def test_a_configuration_of_another_structure_is_refused():
    configuration = get_default_backend_configuration(make_file(), backend="hdf5")
    other = make_file()
    other.add_acquisition(TimeSeries(name="extra", data=np.ones(10), unit="V", rate=1.0))
    with pytest.raises(ValueError, match="does not match the number of specified configurations"):
        apply_dataset_configurations(other, configuration)


def test_pose_configuration_matches_neuroconv_and_compresses_confidence():
    nwbfile = make_file()
    configuration = get_pose_backend_configuration(nwbfile, backend="hdf5")
    reference = get_default_backend_configuration(make_file(), backend="hdf5")
    assert sorted(configuration.dataset_configurations) == sorted(reference.dataset_configurations)
    pose = [k for k in configuration.dataset_configurations if "PoseEstimation_" in k]
    assert pose and all(configuration.dataset_configurations[k].compressors == ["shuffle", "gzip"] for k in pose)
    confidence = nwbfile.processing["behavior"]["PoseEstimation_animal0"].pose_estimation_series["node0"].confidence
    assert isinstance(confidence, DataIO)


@pytest.mark.parametrize("same_file", [False, True], ids=["configuration-of-another-file", "of-this-file"])
def test_the_users_options_reach_confidence_as_they_reach_data(tmp_path, same_file):
    # neuroconv's configuration lists data only; the compressors and chunks a user set in it reached every
    # data but no confidence, which kept poseconv's shuffle + gzip and its own chunks.
    import h5py

    from poseconv.nwb.write.storage import configure_and_write_nwbfile

    nwbfile = make_file()
    configuration = get_pose_backend_configuration(nwbfile if same_file else make_file(), backend="hdf5")
    for item in configuration.dataset_configurations.values():
        if "PoseEstimation_" in item.location_in_file:
            item.compressor_options, item.compressors = None, ["lzf"]
            item.buffer_shape, item.chunk_shape = item.full_shape, (50, *item.full_shape[1:])
    path = tmp_path / "user.nwb"
    configure_and_write_nwbfile(nwbfile, path, backend_configuration=configuration)
    with h5py.File(path, "r") as handle:
        series = handle["processing/behavior/PoseEstimation_animal0/node0"]
        for name in ("data", "confidence"):
            assert (series[name].compression, series[name].chunks[0]) == ("lzf", 50), name
        np.testing.assert_array_equal(
            series["confidence"][()],
            mock_pose_data(n_individuals=2, n_frames=200, rate=None).tracks[0].confidence[:, 0],
        )
