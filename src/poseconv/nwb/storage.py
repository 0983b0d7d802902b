"""Chunking and compression of pose datasets, on top of neuroconv's backend configuration.

neuroconv configures only the ``data`` and ``timestamps`` of each TimeSeries,
so the ``confidence`` of every ``PoseEstimationSeries`` would be written
contiguous and uncompressed. :func:`get_pose_backend_configuration` adds it,
and gives the pose datasets the byte-shuffle filter in front of gzip (with
HDF5), which makes float coordinates markedly smaller at no cost in speed.
"""

from __future__ import annotations

from typing import Any, Literal

__all__ = ["get_pose_backend_configuration"]

# Level 4 is neuroconv's default; shuffle is what buys the size.
GZIP_LEVEL = 4


def _confidence_configuration_classes() -> dict[str, type]:
    from neuroconv.tools.nwb_helpers._configuration_models._hdf5_dataset_io import HDF5DatasetIOConfiguration
    from neuroconv.tools.nwb_helpers._configuration_models._zarr_dataset_io import ZarrDatasetIOConfiguration
    from pydantic import Field

    # neuroconv's models accept only 'data' and 'timestamps' as dataset names; the subclasses widen that.
    class HDF5PoseDatasetIOConfiguration(HDF5DatasetIOConfiguration):
        dataset_name: Literal["data", "timestamps", "confidence"] = Field(
            description="The reference name of the dataset.", frozen=True
        )

    class ZarrPoseDatasetIOConfiguration(ZarrDatasetIOConfiguration):
        dataset_name: Literal["data", "timestamps", "confidence"] = Field(
            description="The reference name of the dataset.", frozen=True
        )

    return {"hdf5": HDF5PoseDatasetIOConfiguration, "zarr": ZarrPoseDatasetIOConfiguration}


def get_pose_backend_configuration(nwbfile: Any, backend: Literal["hdf5", "zarr"] = "hdf5") -> Any:
    """Return neuroconv's default backend configuration with every pose dataset compressed.

    Parameters
    ----------
    nwbfile : pynwb.NWBFile
        The in-memory file, with the pose containers added.
    backend : {"hdf5", "zarr"}, default: "hdf5"
        Storage backend.

    The ``confidence`` datasets are wrapped for storage in place, since neuroconv's
    configuration cannot hold them.

    Returns
    -------
    HDF5BackendConfiguration or ZarrBackendConfiguration
        Pass it to ``run_conversion(backend_configuration=...)`` or
        ``neuroconv.tools.nwb_helpers.configure_and_write_nwbfile``.
    """
    from hdmf.data_utils import DataIO
    from ndx_pose import PoseEstimationSeries
    from neuroconv.tools.nwb_helpers import get_default_backend_configuration
    from neuroconv.tools.nwb_helpers._dataset_configuration import _get_nwbfile_builder

    configuration = get_default_backend_configuration(nwbfile=nwbfile, backend=backend)
    configuration_class = _confidence_configuration_classes()[backend]
    builder = _get_nwbfile_builder(nwbfile=nwbfile)
    pose_series = [obj for obj in nwbfile.all_children() if isinstance(obj, PoseEstimationSeries)]
    for series in pose_series:
        if series.confidence is None or isinstance(series.confidence, DataIO) or len(series.confidence) == 0:
            continue
        # neuroconv's configuration must list exactly the datasets it finds itself, so confidence is
        # wrapped here directly, with the chunking neuroconv would choose for it.
        item = configuration_class.from_neurodata_object_with_defaults(
            neurodata_object=series, dataset_name="confidence", builder=builder
        )
        if backend == "hdf5":
            item.compressors = ["shuffle", "gzip"]
            item.compressor_options = [None, {"level": GZIP_LEVEL}]
        series.set_data_io(
            dataset_name="confidence",
            data_io_class=configuration.data_io_class,
            data_io_kwargs=item.get_data_io_kwargs(),
        )
    if backend == "hdf5":
        pose_ids = {series.object_id for series in pose_series}
        for item in configuration.dataset_configurations.values():
            if item.object_id in pose_ids and item.dataset_name == "data":
                item.compressors = ["shuffle", "gzip"]
                item.compressor_options = [None, {"level": GZIP_LEVEL}]
    return configuration
