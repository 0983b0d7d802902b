"""neuroconv's dataset configuration, found and applied on the in-memory NWBFile without building it.

neuroconv's ``get_default_backend_configuration`` and ``configure_backend`` each build
the whole hdmf tree of the file (``BuildManager.build``), and ``configure_backend``
builds it twice, before the write builds it once more. The build only answers one
question there: does a dataset have a compound dtype (then its shape is its length).
With thousands of training instances a build takes about 15 s, so here the same
datasets are found by the same walk over ``nwbfile.all_children()`` and the compound
question is asked of the type's spec, which is what the build consults; the write is
then the only build.

What this module relies on from its dependencies (checked by
``tests/unit/nwb/test_dataset_configuration.py``, which fails when they change):

* neuroconv's public configuration models (``DATASET_IO_CONFIGURATIONS``,
  ``BACKEND_CONFIGURATIONS``) and their ``from_neurodata_object_with_defaults``,
  which takes an optional builder and asks it only for the dataset at the location;
* that :func:`default_dataset_configurations` finds what neuroconv's
  ``get_default_dataset_io_configurations`` finds, with the same defaults;
* hdmf's ``TypeMap.get_map(container).spec`` and the spec's ``get_dataset(name)``;
* the location neuroconv keys configurations by (``location_in_file``): the path of the
  object up to the first child of the NWBFile, with the top-level field
  (``acquisition``, ``processing``, ...) that holds it (:func:`location_in_file`; the test
  compares it with neuroconv's on every dataset of a file).

Files read from disk (appending, exporting) keep neuroconv's own functions: their type
map is the file's, and neuroconv wraps their datasets in iterators.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

__all__ = ["apply_dataset_configurations", "default_dataset_configurations", "location_in_file"]

_KNOWN_DATASET_FIELDS = ("data", "timestamps")


def _is_written_empty_or_wrapped(candidate: Any) -> bool:
    """Whether neuroconv would skip this field: already a DataIO, or an empty dataset."""
    from hdmf.data_utils import DataIO
    from hdmf.utils import get_data_shape

    if isinstance(candidate, DataIO):
        return True
    if isinstance(candidate, np.ndarray) and candidate.size == 0:
        return True
    return any(length == 0 for length in get_data_shape(data=candidate))


def _dataset_spec(type_map: Any, neurodata_object: Any, dataset_name: str) -> Any:
    """Return the spec of the dataset ``dataset_name`` of ``neurodata_object`` (or of a table column)."""
    from hdmf.common import Data

    if isinstance(neurodata_object, Data):
        # A column (or an Image) is a dataset itself; its parent's spec may narrow its dtype.
        parent = neurodata_object.parent
        if parent is not None:
            spec = type_map.get_map(parent).spec.get_dataset(neurodata_object.name)
            if spec is not None:
                return spec
        return type_map.get_map(neurodata_object).spec
    spec = type_map.get_map(neurodata_object).spec
    return spec.get_dataset(dataset_name) if hasattr(spec, "get_dataset") else None


def _compound_builder(location_in_file: str, dtype: list) -> Any:
    """Return a stand-in root builder holding only the dataset at ``location_in_file``, with a compound dtype.

    neuroconv asks the builder one thing about a dataset: whether its dtype is a list
    (compound), in which case the dataset's shape is its length.
    """
    from hdmf.build import DatasetBuilder, GroupBuilder

    *groups, leaf = location_in_file.split("/")
    node: Any = DatasetBuilder(name=leaf, data=None, dtype=dtype)
    for name in reversed(groups):
        node = (
            GroupBuilder(name=name, datasets=[node])
            if isinstance(node, DatasetBuilder)
            else GroupBuilder(name=name, groups=[node])
        )
    if isinstance(node, DatasetBuilder):
        return GroupBuilder(name="root", datasets=[node])
    return GroupBuilder(name="root", groups=[node])


def _configuration(configuration_class: Any, type_map: Any, neurodata_object: Any, dataset_name: str) -> Any:
    spec = _dataset_spec(type_map, neurodata_object, dataset_name)
    builder = None
    if spec is not None and isinstance(spec.dtype, list):
        builder = _compound_builder(location_in_file(neurodata_object, dataset_name), spec.dtype)
    return configuration_class.from_neurodata_object_with_defaults(
        neurodata_object=neurodata_object, dataset_name=dataset_name, builder=builder
    )


def location_in_file(neurodata_object: Any, dataset_name: str) -> str:
    """Return the location neuroconv keys the configuration of a dataset by, e.g. ``processing/behavior/x/data``.

    neuroconv computes it while making a configuration; a compound dataset's configuration
    needs it before, to find the dataset in the stand-in builder.
    """
    from pynwb import NWBFile

    parts = [dataset_name]
    node = neurodata_object
    while not isinstance(node.parent, NWBFile):
        parts.append(node.name)
        node = node.parent
    parts.append(node.name)
    # Objects in the file's top-level dicts (acquisition, processing, ...) sit under that field's name.
    field = next(
        (name for name, value in node.parent.fields.items() if isinstance(value, dict) and node.name in value), None
    )
    if field is not None:
        parts.append(field)
    return "/".join(reversed(parts))


def _candidates(nwbfile: Any) -> list[tuple[Any, str]]:
    """Every ``(object, dataset name)`` neuroconv's default configuration covers, in its order."""
    from hdmf import Container
    from pynwb.base import DynamicTable, Image, TimeSeriesReferenceVectorData
    from pynwb.file import NWBContainer

    found = []
    for neurodata_object in nwbfile.all_children():
        if isinstance(neurodata_object, DynamicTable):
            for column in neurodata_object.columns:
                if isinstance(column, TimeSeriesReferenceVectorData) or _is_written_empty_or_wrapped(column.data):
                    continue
                # Columns of links (an electrodes table's 'group') are not datasets of values.
                values = column.data
                numeric = isinstance(values, np.ndarray) and values.dtype != object
                if not numeric and any(isinstance(value, Container) for value in values):
                    continue
                found.append((column, "data"))
        elif isinstance(neurodata_object, NWBContainer):
            fields = neurodata_object.fields
            for name in _KNOWN_DATASET_FIELDS:
                if name in fields and not _is_written_empty_or_wrapped(getattr(neurodata_object, name)):
                    found.append((neurodata_object, name))
        elif isinstance(neurodata_object, Image) and not _is_written_empty_or_wrapped(neurodata_object.data):
            found.append((neurodata_object, "data"))
    return found


def default_dataset_configurations(nwbfile: Any, backend: Literal["hdf5", "zarr"]) -> dict[str, Any]:
    """Return neuroconv's default dataset configurations of an in-memory file, keyed by location, without a build.

    Parameters
    ----------
    nwbfile : pynwb.NWBFile
        A file built in this process (not read from disk).
    backend : {"hdf5", "zarr"}
        Storage backend.

    Returns
    -------
    dict of str to DatasetIOConfiguration
        What ``neuroconv.tools.nwb_helpers.get_default_dataset_io_configurations`` yields, by location.
    """
    from neuroconv.tools.nwb_helpers import DATASET_IO_CONFIGURATIONS
    from pynwb import get_type_map

    configuration_class = DATASET_IO_CONFIGURATIONS[backend]
    # Read only: pynwb's own map, not the deep copy (10 ms) get_type_map() makes by default.
    type_map = get_type_map(copy=False)
    configurations = {}
    for neurodata_object, dataset_name in _candidates(nwbfile):
        item = _configuration(configuration_class, type_map, neurodata_object, dataset_name)
        configurations[item.location_in_file] = item
    return configurations


def _remapped(nwbfile: Any, backend_configuration: Any) -> dict[str, Any]:
    """Return the configuration's datasets with object ids of ``nwbfile``, matched by location like neuroconv."""
    current = default_dataset_configurations(nwbfile, backend_configuration.backend)
    given = backend_configuration.dataset_configurations
    if len(current) != len(given):
        raise ValueError(
            f"The number of default configurations ({len(current)}) does not match the number of specified "
            f"configurations ({len(given)})! This usually occurs when the file gained or lost datasets after the "
            "configuration was built; derive the configuration from the file you are about to write."
        )
    remapped = {}
    for location, item in given.items():
        if location not in current:
            raise KeyError(
                f"Unable to remap the object IDs for object at location '{location}'! This usually occurs if you "
                "are attempting to configure the backend for two files of non-equivalent structure."
            )
        object_id = current[location].object_id
        remapped[location] = item if item.object_id == object_id else item.model_copy(update={"object_id": object_id})
    return remapped


def apply_dataset_configurations(nwbfile: Any, backend_configuration: Any) -> dict[str, Any]:
    """Wrap every dataset a neuroconv backend configuration lists in its DataIO, without a build.

    Does what ``neuroconv.tools.nwb_helpers.configure_backend`` does for a file built in
    this process: configurations made for another file of the same structure are matched by
    location, linked timestamps are left to the series they link to.

    Parameters
    ----------
    nwbfile : pynwb.NWBFile
        A file built in this process (not read from disk).
    backend_configuration : HDF5BackendConfiguration or ZarrBackendConfiguration
        The configuration, e.g. from :func:`poseconv.nwb.write.storage.get_pose_backend_configuration`
        or neuroconv's ``get_default_backend_configuration``, edited or not.

    Returns
    -------
    dict
        The configurations applied (location -> item), with the object ids of ``nwbfile``.
    """
    from hdmf.common import Data
    from pynwb import TimeSeries

    objects = {child.object_id: child for child in nwbfile.all_children()}
    data_io_class = backend_configuration.data_io_class
    remapped = _remapped(nwbfile, backend_configuration)
    for item in remapped.values():
        neurodata_object = objects[item.object_id]
        kwargs = item.get_data_io_kwargs()
        if isinstance(neurodata_object, Data):
            neurodata_object.set_data_io(data_io_class=data_io_class, data_io_kwargs=kwargs)
        elif isinstance(neurodata_object.fields.get(item.dataset_name), TimeSeries):
            continue  # linked timestamps: stored (and configured) with the series they link to
        else:
            neurodata_object.set_data_io(
                dataset_name=item.dataset_name, data_io_class=data_io_class, data_io_kwargs=kwargs
            )
    return remapped
