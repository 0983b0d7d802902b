"""Chunking, compression and writing of pose datasets, on top of neuroconv's backend configuration.

Storage choices, measured on this project's benchmarks (``benchmarks/README.md``):

* Every pose dataset (``data``, ``confidence``, ``timestamps``) is chunked along
  time, :data:`DEFAULT_CHUNK_FRAMES` frames per chunk (1 MiB of 2D float64 data),
  fewer for tables so wide that a block of all their columns would not fit the
  reader's block (:func:`chunk_frames`), and the same frames for the three datasets
  of a series, so a time range touches the same chunk numbers in each.
* Filters are shuffle + gzip, which every HDF5 reader has. The shuffle is what makes
  float coordinates compress (their low mantissa bytes are often zero); gzip level
  :data:`GZIP_LEVEL` = 1 gives files within 2 % of level 4 in about half the time.
  neuroconv configures only ``data`` and ``timestamps`` of a TimeSeries, so the
  ``confidence`` of every ``PoseEstimationSeries`` is added here.
* :func:`configure_and_write_nwbfile` writes like neuroconv's function of the same
  name but takes one chunk of every series in turn (hdmf's ``exhaust_dci=False``),
  so each block of the source is read once, and with HDF5 it compresses chunks on
  every core (:mod:`poseconv.nwb.write.chunk_encoding`).
* Groups keep the order their members were written in (:func:`creation_order`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

__all__ = [
    "BACKENDS",
    "DEFAULT_CHUNK_FRAMES",
    "GZIP_LEVEL",
    "backend_name",
    "chunk_frames",
    "configure_and_write_nwbfile",
    "creation_order",
    "get_pose_backend_configuration",
    "writing_manager",
]

# The storage backends poseconv writes, by the names neuroconv's configurations use.
BACKENDS = ("hdf5", "zarr")


def backend_name(backend: str | None, *, name: str = "backend") -> Literal["hdf5", "zarr"] | None:
    """Return ``backend`` lower-cased (``"HDF5"`` is ``"hdf5"``), None for None.

    Parameters
    ----------
    backend : str, optional
        A storage backend as given by the user.
    name : str, default: "backend"
        How the argument is named in the message (``--backend`` on the command line).

    Raises
    ------
    InvalidOptionError
        For any other name: neuroconv's tables would otherwise fail with a bare ``KeyError``.
    """
    from ...errors import InvalidOptionError

    if backend is None:
        return None
    if not isinstance(backend, str) or backend.lower() not in BACKENDS:
        raise InvalidOptionError(f"{name}={backend!r}: give one of {', '.join(BACKENDS)}.")
    return backend.lower()  # type: ignore[return-value]


# Level 1: with shuffle in front, higher levels buy under 2 % of size for twice the time.
GZIP_LEVEL = 1
DEFAULT_CHUNK_FRAMES = 65536
# How the parallel HDF5 writer deflates (see poseconv.nwb.write.chunk_encoding.deflate): near-random byte
# planes stored, the others run-length coded; about three times as fast as zlib's default on pose data.
DEFLATE_STRATEGY: Literal["adaptive", "rle", "default"] = "adaptive"
_POSE_DATASETS = ("data", "confidence", "timestamps")


@contextlib.contextmanager
def creation_order() -> Iterator[None]:
    """Have the HDF5 groups created in the block keep the order their members are written in.

    HDF5 lists a group's members by name unless the group records their creation order (h5py's
    ``track_order``, here its process-wide default, restored after the block). With the order
    recorded, readers that list members (pynwb, sleap-io, h5py) get a ``PoseEstimation``'s series in
    the skeleton's node order and a training frame's instances in the order of the source file:
    sleap-io's reader of training data, which keeps no track, reads 1,848 of clip.slp's 3,000
    labeled instances in another animal's place when they are listed by name. Such groups are also
    stored in HDF5's compact form (links in the group's header, not a B-tree and a heap each):
    clip.slp's training data takes 7.0 MB instead of 12.4 MB, in the same time. HDF5 1.8 (2008)
    and later read them.
    """
    import h5py

    config = h5py.get_config()
    before = config.track_order
    config.track_order = True
    try:
        yield
    finally:
        config.track_order = before


def chunk_frames(n_frames: int, *, block_frames: int | None = None) -> int:
    """Return the frames per chunk of a pose series of ``n_frames`` frames.

    Parameters
    ----------
    n_frames : int
        Frames of the series.
    block_frames : int, optional
        Frames the source reads at once (see :class:`~poseconv.model.frame_tables.FrameTable`); chunks
        never span more, so that writing a chunk of each series reads each block once.

    Returns
    -------
    int
        At least 1 and at most ``n_frames`` (when positive).
    """
    frames = DEFAULT_CHUNK_FRAMES if block_frames is None else min(DEFAULT_CHUNK_FRAMES, int(block_frames))
    return max(1, min(frames, int(n_frames))) if n_frames > 0 else frames


def _confidence_configuration_classes() -> dict[str, type]:
    from neuroconv.tools.nwb_helpers import HDF5DatasetIOConfiguration, ZarrDatasetIOConfiguration
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


def _set_pose_storage(item: Any, backend: str) -> None:
    """Chunk a pose dataset along time and (with HDF5) filter it with shuffle + gzip."""
    full_shape = tuple(item.full_shape)
    if full_shape and full_shape[0] > 0:
        frames = chunk_frames(full_shape[0], block_frames=item.chunk_shape[0] if item.chunk_shape else None)
        chunk_shape = (frames, *full_shape[1:])
        if tuple(item.chunk_shape) != chunk_shape:
            # The buffer first: neuroconv checks that chunks divide it (or that it is the whole dataset).
            item.buffer_shape = full_shape
            item.chunk_shape = chunk_shape
    if backend == "hdf5":
        item.compressors = ["shuffle", "gzip"]
        item.compressor_options = [None, {"level": GZIP_LEVEL}]


def _stored_dataset_class(backend: str) -> type:
    """Return the class of a dataset already stored with ``backend``, which its DataIO leaves as it is.

    hdmf's ``H5DataIO`` and hdmf-zarr's ``ZarrDataIO`` ignore every storage option for an ``h5py.Dataset``
    or a ``zarr.Array`` respectively (it is kept in the file being appended to, or linked or copied as it
    is); a dataset of the other backend is rewritten, so it takes the options.
    """
    if backend == "zarr":
        import zarr

        return zarr.Array
    import h5py

    return h5py.Dataset


def _wrap_confidence(nwbfile: Any, backend: str, data_io_class: type, like: dict[str, Any] | None = None) -> list[Any]:
    """Wrap every pose ``confidence`` not yet stored for storage in place; return the file's pose series.

    neuroconv's configuration must list exactly the datasets it finds itself (``data`` and
    ``timestamps``), so confidence is wrapped here directly. With ``like`` (a configuration's
    items, location -> item), a series' confidence is stored as the configuration stores its
    ``data`` (compressors, frames per chunk), so the options a user edits reach it too, even
    when it was wrapped before; otherwise it gets poseconv's storage, unless wrapped already.
    No builder is needed: neuroconv asks one only whether a dataset is compound, and
    confidence is a plain float array.
    """
    from hdmf.data_utils import DataIO
    from ndx_pose import PoseEstimationSeries

    configuration_class = _confidence_configuration_classes()[backend]
    stored = _stored_dataset_class(backend)
    data_items = {item.object_id: item for item in (like or {}).values() if item.dataset_name == "data"}
    pose_series = [obj for obj in nwbfile.all_children() if isinstance(obj, PoseEstimationSeries)]
    for series in pose_series:
        if isinstance(series.confidence, stored):
            # Already a dataset of this backend (a series of the file being appended to, or one linked or copied
            # from another file): it is written as it is, and H5DataIO warns four times that the options are ignored.
            continue
        data_item = data_items.get(series.object_id)
        if isinstance(series.confidence, DataIO):
            if data_item is None:
                continue
            # Wrapped with poseconv's storage before the user's configuration was applied: wrap it again.
            series.fields["confidence"] = series.confidence.data
        if series.confidence is None or len(series.confidence) == 0:
            continue
        item = configuration_class.from_neurodata_object_with_defaults(
            neurodata_object=series, dataset_name="confidence"
        )
        if data_item is None:
            _set_pose_storage(item, backend)
        else:
            _store_like(item, data_item)
        series.set_data_io(
            dataset_name="confidence", data_io_class=data_io_class, data_io_kwargs=item.get_data_io_kwargs()
        )
    return pose_series


def _store_like(item: Any, data_item: Any) -> None:
    """Give a confidence configuration the filters and frames per chunk of its series' ``data``."""
    full_shape = tuple(item.full_shape)
    if full_shape and full_shape[0] > 0 and data_item.chunk_shape:
        item.buffer_shape = full_shape
        item.chunk_shape = (min(int(data_item.chunk_shape[0]), full_shape[0]), *full_shape[1:])
    for methods, options in (("compressors", "compressor_options"), ("filters", "filter_options")):
        if methods in type(item).model_fields:
            # Options first to None: each assignment is validated, and a list of options must match its methods.
            setattr(item, options, None)
            setattr(item, methods, getattr(data_item, methods))
            setattr(item, options, getattr(data_item, options))


def get_pose_backend_configuration(nwbfile: Any, backend: Literal["hdf5", "zarr"] = "hdf5") -> Any:
    """Return neuroconv's default backend configuration with every pose dataset chunked and compressed.

    Parameters
    ----------
    nwbfile : pynwb.NWBFile
        The in-memory file, with the pose containers added.
    backend : {"hdf5", "zarr"}, default: "hdf5"
        Storage backend.

    The ``confidence`` datasets are wrapped for storage in place, since neuroconv's
    configuration cannot hold them; those already stored with ``backend`` (the series of
    a file being appended to) are left as they are, as neuroconv leaves their ``data``.
    Series data written by poseconv are data-chunk iterators
    (:class:`~poseconv.nwb.write.series_iterators.PoseSeriesIterator`), whose
    chunk shape neuroconv takes as the dataset's. For a file built in this process the
    configuration is found without building the file
    (:mod:`poseconv.nwb.write.dataset_configuration`); it is the one neuroconv's
    ``get_default_backend_configuration`` returns.

    Returns
    -------
    HDF5BackendConfiguration or ZarrBackendConfiguration
        Pass it to ``run_conversion(backend_configuration=...)`` or
        :func:`configure_and_write_nwbfile`.
    """
    from neuroconv.tools.nwb_helpers import BACKEND_CONFIGURATIONS

    backend = backend_name(backend)
    configuration_class = BACKEND_CONFIGURATIONS[backend]
    if nwbfile.read_io is not None:
        # A file read from disk (appending, exporting): neuroconv's own functions know its type map.
        from neuroconv.tools.nwb_helpers import get_default_backend_configuration

        configuration = get_default_backend_configuration(nwbfile=nwbfile, backend=backend)
        pose_series = _wrap_confidence(nwbfile, backend, configuration.data_io_class)
    else:
        from .dataset_configuration import default_dataset_configurations

        pose_series = _wrap_confidence(nwbfile, backend, configuration_class.data_io_class)
        configuration = configuration_class(dataset_configurations=default_dataset_configurations(nwbfile, backend))
    pose_ids = {series.object_id for series in pose_series}
    for item in configuration.dataset_configurations.values():
        if item.object_id in pose_ids and item.dataset_name in _POSE_DATASETS:
            _set_pose_storage(item, backend)
    return configuration


def writing_manager() -> Any:
    """Return a pynwb ``BuildManager`` for writing one file, over pynwb's own type map.

    pynwb's default manager deep-copies the type map for each file (so that namespaces cached in
    a file being read cannot change it) and so builds every object mapper again; a file being
    written loads no namespace, so it can share the map: 10-40 ms less per file, which is what a
    batch of small sessions pays per session.
    """
    from pynwb import get_manager

    return get_manager(copy=False)


def configure_and_write_nwbfile(
    nwbfile: Any,
    nwbfile_path: str | Path,
    backend: Literal["hdf5", "zarr"] | None = None,
    backend_configuration: Any = None,
    *,
    workers: int | None = None,
) -> None:
    """Configure the datasets of ``nwbfile`` and write it, streaming every series chunk by chunk.

    Same arguments and result as ``neuroconv.tools.nwb_helpers.configure_and_write_nwbfile``;
    the differences are in how it writes: one chunk of every data-chunk iterator in turn
    (``exhaust_dci=False``), and with HDF5, chunks compressed on ``workers`` threads.

    Parameters
    ----------
    nwbfile : pynwb.NWBFile
        The in-memory file.
    nwbfile_path : str or pathlib.Path
        Where to write.
    backend : {"hdf5", "zarr"}, optional
        Backend, when no configuration is given (then :func:`get_pose_backend_configuration` is used).
    backend_configuration : optional
        neuroconv backend configuration.
    workers : int, optional
        Threads compressing HDF5 chunks; all cores by default, 1 to write like HDF5 alone.
    """
    from neuroconv.tools.nwb_helpers import BACKEND_NWB_IO
    from neuroconv.tools.nwb_helpers import configure_and_write_nwbfile as neuroconv_write

    from .dataset_configuration import apply_dataset_configurations

    backend = backend_name(backend)
    if backend is not None and backend_configuration is not None and backend != backend_configuration.backend:
        raise ValueError(
            f"backend={backend!r} conflicts with the backend configuration's {backend_configuration.backend!r}."
        )
    # No configuration can hold confidence: with the user's, it is stored as its series' data is (the options
    # they set reach it too); with poseconv's, get_pose_backend_configuration wrapped it already.
    users = backend_configuration is not None
    if backend_configuration is None:
        backend_configuration = get_pose_backend_configuration(nwbfile, backend=backend or "hdf5")
    chosen_backend, data_io_class = backend_configuration.backend, backend_configuration.data_io_class
    if nwbfile.read_io is not None:
        # Exporting an NWB file read from disk: neuroconv's export path.
        if users:
            _wrap_confidence(nwbfile, chosen_backend, data_io_class, like=backend_configuration.dataset_configurations)
        with creation_order():
            neuroconv_write(nwbfile=nwbfile, nwbfile_path=nwbfile_path, backend_configuration=backend_configuration)
        return
    # Like neuroconv's configure_backend, without building the file (the write is the only build); a
    # configuration made for another NWBFile object (run_conversion builds its own) is matched by location.
    applied = apply_dataset_configurations(nwbfile, backend_configuration)
    if users:
        _wrap_confidence(nwbfile, chosen_backend, data_io_class, like=applied)
    io_class = BACKEND_NWB_IO[backend_configuration.backend]
    with creation_order(), io_class(str(nwbfile_path), mode="w", manager=writing_manager()) as io:
        if backend_configuration.backend == "hdf5" and (workers is None or workers > 1):
            from .hdmf_queue import install_parallel_chunk_queue

            install_parallel_chunk_queue(io, workers=workers, strategy=DEFLATE_STRATEGY)
        io.write(nwbfile, exhaust_dci=False)
