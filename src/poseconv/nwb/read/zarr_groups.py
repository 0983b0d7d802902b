"""NWB Zarr stores (hdmf-zarr's layout) read through the h5py-style API of :mod:`poseconv.nwb.read.store`.

zarr groups already answer ``group["name"]``, ``.attrs``, ``.name`` and slicing as h5py does;
what differs is links. HDF5 keeps a soft link as a member of its group, which h5py follows
when the member is read; hdmf-zarr (``NWBZarrIO``, neuroconv's Zarr backend) records the links
of a group in its ``zarr_link`` attribute instead, as ``{"name", "source", "path"}`` entries
(``source`` "." for an object of the same store; hdmf_zarr.backend ``ZarrIO.__add_link__``).
:class:`ZarrGroup` wraps a zarr group so that its links read as they do in h5py: ``name in
group`` and ``group[name]`` follow them, ``group.get(name, getlink=True)`` returns an
``h5py.SoftLink`` to the target, ``keys()`` and ``items()`` list them, ``visititems`` does not
follow them. A scalar dataset (stored with shape ``(1,)``) reads with shape ``()`` as in HDF5
(:class:`ZarrScalar`). Links to other stores (another ``source``) are left out: poseconv's readers look
inside one file. Object references (``{"zarr_dtype": "object", "value": {"source", "path"}}``
attributes, and datasets of them) are not resolved: no reader here follows one, in HDF5 either
(ndx-pose and the ImageSeries poseconv reads link, they do not refer).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import PurePosixPath
from typing import Any

__all__ = ["ZarrGroup", "ZarrScalar", "missing_chunks_problem", "open_zarr"]

# The attribute holding a group's links (hdmf_zarr.backend.ZarrIO.__reserve_attribute).
LINKS_ATTRIBUTE = "zarr_link"


class ZarrGroup:
    """A zarr group of an NWB Zarr store, with hdmf-zarr's links read as h5py reads soft links.

    Parameters
    ----------
    group : zarr.hierarchy.Group
        The group.
    root : zarr.hierarchy.Group
        The store's root group, where link targets are looked up.
    """

    def __init__(self, group: Any, root: Any) -> None:
        self._group = group
        self._root = root

    # -- what h5py groups have -------------------------------------------------------------------

    @property
    def name(self) -> str:
        """Path of the group in the store (``/`` for the root)."""
        return self._group.name or "/"

    @property
    def consolidated(self) -> bool:
        """Whether the store's metadata was read from its consolidated ``.zmetadata`` (no listing needed)."""
        import zarr

        return isinstance(self._root.store, zarr.storage.ConsolidatedMetadataStore)

    @property
    def attrs(self) -> Any:
        """The group's attributes (zarr's, which read like h5py's)."""
        return self._group.attrs

    def _links(self) -> dict[str, str]:
        links = self._group.attrs.get(LINKS_ATTRIBUTE) or []
        return {
            str(link["name"]): str(link["path"])
            for link in links
            if isinstance(link, dict) and link.get("source", ".") == "." and link.get("name") and link.get("path")
        }

    def _member(self, name: str) -> Any | None:
        """Return the zarr object of ``name`` (a path, links followed at every step), or None."""
        name = str(name)
        if name.startswith("/"):
            return _follow(self._root, self._root, name.strip("/"))
        return _follow(self._root, self._group, name.strip("/"))

    def _wrap(self, obj: Any) -> Any:
        if _is_zarr_group(obj):
            return ZarrGroup(obj, self._root)
        if obj.attrs.get("zarr_dtype") == "scalar":
            return ZarrScalar(obj)
        _check_chunks(obj)
        return obj

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._member(name) is not None

    def __getitem__(self, name: str) -> Any:
        obj = self._member(name)
        if obj is None:
            raise KeyError(f"{name!r} is not in {self.name}")
        return self._wrap(obj)

    def get(self, name: str, default: Any = None, getlink: bool = False) -> Any:
        """Return member ``name`` (links followed), or ``default``; with ``getlink`` the link itself, as h5py does."""
        if getlink:
            import h5py

            links = self._links()
            if name in links:
                return h5py.SoftLink(links[name])
            return h5py.HardLink() if name in self._group else default
        obj = self._member(name)
        return default if obj is None else self._wrap(obj)

    def keys(self) -> list[str]:
        """Names of the members and of the links, sorted (as h5py lists them)."""
        return sorted({*self._group.keys(), *self._links()})

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self.keys())

    def items(self) -> list[tuple[str, Any]]:
        """``(name, object)`` of every member and link target; a dangling link is left out."""
        found = ((name, self._member(name)) for name in self.keys())
        return [(name, self._wrap(obj)) for name, obj in found if obj is not None]

    def values(self) -> list[Any]:
        """Every member and link target."""
        return [obj for _, obj in self.items()]

    def visititems(self, func: Callable[[str, Any], Any]) -> Any:
        """Call ``func(name, object)`` on every object below the group, links not followed (as h5py does)."""

        def visit(group: Any, prefix: str) -> Any:
            for key in sorted(group.keys()):
                obj = group[key]
                name = f"{prefix}{key}"
                result = func(name, self._wrap(obj))
                if result is not None:
                    return result
                if _is_zarr_group(obj):
                    result = visit(obj, f"{name}/")
                    if result is not None:
                        return result
            return None

        return visit(self._group, "")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ZarrGroup) and other._root is self._root and other.name == self.name

    def __hash__(self) -> int:
        return hash((id(self._root), self.name))

    def __repr__(self) -> str:
        return f"<NWB Zarr group {self.name!r}>"

    # -- lifetime (the root) ---------------------------------------------------------------------

    def close(self) -> None:
        """Nothing to release: zarr reads each key when asked (kept for the h5py file API)."""

    def __enter__(self) -> ZarrGroup:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ZarrScalar:
    """A scalar dataset of an NWB Zarr store: hdmf-zarr stores it with shape ``(1,)``, h5py reads shape ``()``.

    Parameters
    ----------
    array : zarr.core.Array
        The one-value array (``zarr_dtype`` "scalar").
    """

    shape: tuple[int, ...] = ()
    ndim = 0
    size = 1

    def __init__(self, array: Any) -> None:
        self._array = array
        self.dtype = array.dtype
        self.attrs = array.attrs
        self.name = array.name

    def __getitem__(self, key: Any) -> Any:
        if key != () and key is not Ellipsis:
            raise IndexError(f"{self.name} is a scalar dataset: read it with [()].")
        return self._array[0]

    def __repr__(self) -> str:
        return f"<NWB Zarr scalar {self.name!r}>"


def _check_chunks(array: Any) -> None:
    """Refuse an array of a store folder with chunks missing, which zarr would read as its fill value.

    hdmf-zarr writes every chunk (it leaves zarr's ``write_empty_chunks`` at its default, True, and
    ``ZarrDataIO`` has no such option), so a missing one is damage (a copy that did not finish, a file
    deleted): its values would read as 0.0, silently. Checked where listing the chunks is cheap and
    sure, a store folder on this machine; a store at a URL is checked chunk by chunk as it is read
    (:class:`~poseconv.nwb.read.zarr_http.RetryingStore`).
    """
    import zarr

    from ...errors import InvalidSourceFileError

    if not isinstance(array.chunk_store, zarr.storage.DirectoryStore) or array.nchunks_initialized >= array.nchunks:
        return
    missing = array.nchunks - array.nchunks_initialized
    raise InvalidSourceFileError(
        missing_chunks_problem(
            array.chunk_store.path, array.name, f"{missing} of its {array.nchunks} chunk file(s)", array.fill_value
        )
    )


def missing_chunks_problem(where: str, array: str, missing: str, fill_value: Any) -> str:
    """Say that the Zarr array ``array`` of the store at ``where`` lacks chunk files (``missing`` says which).

    Parameters
    ----------
    where : str
        The store's folder or URL.
    array : str
        The array's path in the store.
    missing : str
        What is missing ("1 of its 4 chunk file(s)", "its chunk file 0.0 ...").
    fill_value : Any
        The value zarr would read in their place.

    Returns
    -------
    str
        The message, naming the store first.
    """
    return (
        f"{where}: the Zarr array {array} lacks {missing}, which would read as {fill_value}: the store is damaged "
        "or was not copied whole. Copy it again from where it was written."
    )


def _is_zarr_group(obj: Any) -> bool:
    return hasattr(obj, "groups") and hasattr(obj, "arrays")


def _follow(root: Any, start: Any, path: str) -> Any | None:
    """Walk ``path`` from ``start``, following hdmf-zarr links; None when a step is missing."""
    current = start
    for part in PurePosixPath(path).parts if path else ():
        if not _is_zarr_group(current):
            return None
        if part in current:
            current = current[part]
            continue
        target = ZarrGroup(current, root)._links().get(part)
        if target is None:
            return None
        current = root if target.strip("/") == "" else _follow(root, root, target.strip("/"))
        if current is None:
            return None
    return current


def open_zarr(store: Any) -> ZarrGroup:
    """Open an NWB Zarr store for reading; its consolidated metadata when it has some (one read for every group).

    Parameters
    ----------
    store : str or MutableMapping
        A folder, or a key-value store (an fsspec mapper of a URL).

    Returns
    -------
    ZarrGroup
        The root group.

    Raises
    ------
    KeyError, ValueError, zarr.errors.GroupNotFoundError
        When ``store`` holds no Zarr group (the caller says so in a sentence).
    """
    import zarr

    try:
        root = zarr.open_consolidated(store, mode="r")
    except KeyError:
        # No .zmetadata (a store written without consolidating): each group is read when asked.
        root = zarr.open_group(store, mode="r")
    return ZarrGroup(root, root)
