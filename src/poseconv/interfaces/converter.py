"""The one conversion pipeline: ``PoseNWBConverter``, which every entry point ends in.

An interface's ``run_conversion``, a ``PoseNWBConverter`` a user defines,
``poseconv convert`` and ``poseconv run`` all write through
:meth:`PoseNWBConverter.run_conversion`, built on neuroconv's ``NWBConverter``:

1. the output is checked (exists without ``overwrite``, folder missing or not
   writable) before anything is read or built;
2. the metadata is composed (:func:`poseconv.metadata.compose.compose_metadata`)
   and validated, every problem at once, unknown keys included;
3. other interfaces add their data first, then the pose interfaces, each with its
   own metadata, so poses link to the cameras and videos the others wrote;
4. video paths are stored relative to the NWB file, every pose dataset (confidence
   too) is chunked and compressed, and the file is written under a temporary name
   and renamed when complete (:mod:`poseconv.output`).
"""

from __future__ import annotations

import contextlib
import copy
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from neuroconv import ConverterPipe, NWBConverter

from ..appending import atomic_append, check_append_arguments, check_appendable, prepare_append
from ..errors import InvalidOptionError, MetadataError
from ..metadata import shared_keys
from ..metadata.compose import ComposedMetadata, compose_metadata, to_plain, with_types_of
from ..metadata.schema import EmptyTextSchemaMixin
from ..metadata.schema_messages import metadata_source
from ..nwb.write.storage import backend_name, creation_order, get_pose_backend_configuration
from ..output import OutputError, atomic_output, check_output, output_name_problem
from ..repeated_inputs import refuse_repeated_inputs
from .composition import include_training_once, warn_views_given_apart
from .external_files import options_with_relative_paths, relative_external_files
from .subject_check import mark_checked, warn_subject_values

__all__ = ["PoseConverterPipe", "PoseNWBConverter", "is_poseconv_interface"]

_MAX_LINES = 15


def is_poseconv_interface(interface: Any) -> bool:
    """Whether ``interface`` writes poses, sessions or training data with poseconv's writers."""
    return getattr(interface, "poseconv_writes", None) in ("poses", "labels")


class PoseNWBConverter(EmptyTextSchemaMixin, NWBConverter):
    """``NWBConverter`` for pose data, alone or next to any neuroconv interface.

    Use it exactly like ``NWBConverter`` (set ``data_interface_classes``), or over interfaces
    already built with :class:`PoseConverterPipe`. Beyond ``NWBConverter`` it composes each
    pose input's metadata (two inputs may share container keys: clashing names get the video
    or input name, and ``get_metadata()`` handed back unedited imposes nothing on either),
    refuses metadata keys that match nothing, adds pose interfaces last,
    stores video paths relative to the file, compresses every pose dataset (``confidence``
    too) and writes atomically.
    """

    #: Metadata of single inputs, by interface name, over the metadata given to run_conversion.
    input_metadata: dict[str, dict[str, Any]] = {}

    def __init__(self, source_data: dict[str, dict], verbose: bool = False) -> None:
        # neuroconv builds only the interfaces source_data names and passes over any other key, so a
        # misspelt name (or a converter without data_interface_classes) would write a file without them.
        unknown = [name for name in source_data if name not in self.data_interface_classes]
        if unknown:
            raise InvalidOptionError(
                f"source_data names {unknown}, which {type(self).__name__} has no interface for; its interfaces "
                f"(data_interface_classes) are {list(self.data_interface_classes)}. Give each input under the name "
                "of its interface, or build the interfaces yourself and pass them to PoseConverterPipe."
            )
        super().__init__(source_data=source_data, verbose=verbose)
        refuse_repeated_inputs(self.data_interface_objects)
        include_training_once(self.data_interface_objects.values())

    def _pose_names(self) -> list[str]:
        return [name for name, interface in self.data_interface_objects.items() if is_poseconv_interface(interface)]

    def compose_metadata(self, metadata: Mapping[str, Any] | None = None) -> ComposedMetadata:
        """Return the metadata each input is written with, and every problem with ``metadata``.

        Parameters
        ----------
        metadata : mapping, optional
            The user's metadata; the interfaces' defaults when None.

        Returns
        -------
        ComposedMetadata
            ``shared`` (the file's), ``per_input`` (each pose input's) and ``problems``.
        """
        # While one run_conversion lasts, the same metadata is composed for validation, the file and each
        # input: compose once (interfaces do not change meanwhile) and hand out copies.
        cache = getattr(self, "_compose_cache", None)
        if cache is None:
            return self._compose(metadata)
        key = json.dumps(to_plain(metadata or {}), sort_keys=True, default=str)
        if key not in cache:
            cache[key] = self._compose(metadata)
        return copy.deepcopy(cache[key])

    def _compose(self, metadata: Mapping[str, Any] | None) -> ComposedMetadata:
        defaults = {name: to_plain(i.get_metadata()) for name, i in self.data_interface_objects.items()}
        shared_keys.name_internal_videos_by_file(defaults, self.data_interface_objects)
        shared_keys.name_view_videos_found_elsewhere(defaults, self.data_interface_objects)
        known = {"NWBFile", "Subject"}
        for interface in self.data_interface_objects.values():
            known |= set(interface.get_metadata_schema().get("properties", {}))
        return compose_metadata(
            defaults,
            pose_inputs=self._pose_names(),
            metadata=to_plain(metadata or {}),
            input_metadata={name: to_plain(value) for name, value in (self.input_metadata or {}).items()},
            known_blocks=known,
        )

    def get_metadata(self) -> Any:
        """Return the conversion's metadata to edit (a single pose input under its final names; datetimes kept)."""
        from neuroconv.utils import DeepDict

        metadata = DeepDict(super().get_metadata())
        composition = self.compose_metadata(None)
        metadata.deep_update(composed := with_types_of(composition.shared, metadata))
        # A pose input's video and camera entries the composition left out (another interface's entries for the
        # same video stand for them: shared_keys.defer_to_other_videos) are left out here too.
        for block, inner in (("Devices", None), ("Behavior", "ExternalVideos")):
            kept = composed.get(block) or {}
            entries = metadata.get(block) or {}
            if inner is not None:
                kept, entries = kept.get(inner) or {}, entries.get(inner) or {}
            for key in [key for key in entries if key not in kept]:
                del entries[key]
        shared_keys.show_shared_edges(metadata, composition.shared_entries)  # neuroconv appended them per input
        shared_keys.show_linked_references(metadata, composition.per_input)  # neuroconv showed the inputs' own
        return shared_keys.without_internal_stand_ins(metadata)  # shown once, as the internal video

    def metadata_problems(self, metadata: Mapping[str, Any] | None, append_mode: bool = False) -> list[Any]:
        """Return everything wrong with ``metadata``: unknown keys, then schema violations, found in one pass.

        Parameters
        ----------
        metadata : mapping, optional
            The user's metadata.
        append_mode : bool, default: False
            Whether the NWB file exists already (then NWBFile fields are optional).

        Returns
        -------
        list of MetadataProblem
            Empty when the metadata can be written.
        """
        from jsonschema import Draft7Validator

        from ..metadata.compose import MetadataProblem
        from ..metadata.schema_messages import schema_problems

        composed = self.compose_metadata(metadata)
        problems = list(composed.problems)
        own = {problem.path for problem in problems}
        checks = [(None, composed.shared, self._file_schema())]
        checks += [(n, m, self.data_interface_objects[n].get_metadata_schema()) for n, m in composed.per_input.items()]
        for name, instance, schema in checks:
            if append_mode:
                schema.get("properties", {}).get("NWBFile", {}).pop("required", None)
            if name is None:
                # The file's blocks; each pose input's Pose block is checked on its own.
                instance = {k: v for k, v in instance.items() if k != "Pose"}
            for path, message in schema_problems(Draft7Validator(schema), instance):
                # The file's blocks (NWBFile, Subject) are checked once, with the file's metadata.
                # A field poseconv's own checks found wrong is said once, in their words: a start time given
                # as a number "is not an ISO-8601 date and time, e.g. ..."; "is not of type 'string'" adds nothing.
                # So is what lies inside an entry found to match nothing (a misspelt series' missing name).
                inside_own = any(tuple(path[: len(found)]) == tuple(found) for found in own if found)
                if (name is None or path[:1] in (("Pose",), ("Devices",), ("Behavior",))) and not inside_own:
                    problems.append(MetadataProblem(path, message, name if len(checks) > 2 else None))
        return shared_keys.said_as_legacy_layouts(list(dict.fromkeys(problems)), metadata)

    def _file_schema(self) -> dict[str, Any]:
        """Return the schema of the file's blocks: neuroconv's base schema and the other interfaces', merged."""
        from neuroconv.utils import dict_deep_update
        from neuroconv.utils.json_schema import unroot_schema

        from ..metadata.schema import metadata_schema

        schema = metadata_schema()
        schema["properties"].pop("Pose", None)
        for name, interface in self.data_interface_objects.items():
            if name not in self._pose_names():
                schema = dict_deep_update(schema, unroot_schema(interface.get_metadata_schema()))
        return schema

    def validate_metadata(self, metadata: dict, append_mode: bool = False) -> None:
        """Check ``metadata``; raise one MetadataError listing every problem.

        Parameters
        ----------
        metadata : dict
            The user's metadata.
        append_mode : bool, default: False
            Whether the NWB file exists already (then NWBFile fields are optional).
        """
        with metadata_source("python", if_unset=True):  # a dict's null is None; `convert -m` says its file's kind
            problems = self.metadata_problems(metadata, append_mode)
        lines = [str(problem) for problem in problems]  # and each Subject value DANDI refuses that none refuses:
        warn_subject_values(self.compose_metadata(metadata).shared.get("Subject"), [p.path for p in problems], 2)
        if lines:
            more = f"\n  (and {len(lines) - _MAX_LINES} more)" if len(lines) > _MAX_LINES else ""
            sources = ", ".join(self._source_names())
            raise MetadataError(f"Invalid metadata for {sources}:\n  " + "\n  ".join(lines[:_MAX_LINES]) + more)

    def _source_names(self) -> list[str]:
        names = []
        for name, interface in self.data_interface_objects.items():
            # A poseconv interface knows its input argument (DeepLabCut labels take labeled_data_path).
            # Other interfaces may have no source_data (neuroconv's mock interfaces, nested converters).
            source_data = getattr(interface, "source_data", None) or {}
            source = getattr(interface, "input_path", None) or source_data.get("file_path")
            names.append(Path(source).name if source else name)
        return names

    def check_timing(self) -> None:
        """Refuse, before anything is written, pose inputs with no frame times (the error names the options)."""
        for interface in self.data_interface_objects.values():
            if getattr(interface, "poseconv_writes", None) == "poses":
                interface.get_timestamps()

    def _aligns_in_hook(self) -> bool:
        """Whether the converter overrides neuroconv's ``temporally_align_data_interfaces``.

        That hook is neuroconv's documented place to give interfaces their times (TTLs on the ephys
        clock); ``run_conversion`` calls it after the early timing check, so an input whose frame rate
        only the hook supplies is checked once the hook has run, before the interfaces add anything.
        """
        return type(self).temporally_align_data_interfaces is not NWBConverter.temporally_align_data_interfaces

    def create_nwbfile(self, metadata: dict | None = None, conversion_options: dict | None = None) -> Any:
        """Return a new in-memory NWBFile holding every interface's data.

        Parameters
        ----------
        metadata : dict, optional
            The user's metadata; the file's blocks come from its composition with the defaults.
        conversion_options : dict, optional
            ``add_to_nwbfile`` options by interface name.
        """
        from neuroconv.tools.nwb_helpers import make_nwbfile_from_metadata

        nwbfile = make_nwbfile_from_metadata(self.compose_metadata(metadata).file_blocks())
        self.add_to_nwbfile(nwbfile=nwbfile, metadata=metadata, conversion_options=conversion_options)
        return nwbfile

    def add_to_nwbfile(self, nwbfile: Any, metadata: dict | None = None, conversion_options: dict | None = None):
        """Add every interface's data, the pose interfaces after the others, each with its composed metadata.

        Pose links to the video and camera that a video interface writes; running it after means a video named
        by both is written once, by the video interface, and linked from the poses. Training frames (no frame
        times) come last: a video they share with poses is written at the poses' times, aligned or not.
        """
        if self._aligns_in_hook():
            self.check_timing()
        warn_views_given_apart(self.data_interface_objects.values())
        composed = self.compose_metadata(metadata)
        mark_checked(nwbfile)  # validate_metadata said the Subject's problems: the pose interfaces do not again
        options = conversion_options or {}
        rank = {"poses": 1, "labels": 2}
        order = sorted(
            self.data_interface_objects.items(), key=lambda x: rank.get(getattr(x[1], "poseconv_writes", 0), 0)
        )
        for name, interface in order:
            own = composed.per_input.get(name, composed.shared)
            if is_poseconv_interface(interface):
                own = shared_keys.without_legacy_pose_layouts(own)  # another interface's, checked: no reason to warn
            interface.add_to_nwbfile(nwbfile=nwbfile, metadata=own, **options.get(name, {}))
        # run_conversion gives the pose inputs the file's folder: the other interfaces' videos are stored relative
        # to it too, also when appending (neuroconv's _append_nwbfile writes without _write_nwbfile).
        folders = {options.get(name, {}).get("external_files_relative_to") for name in self._pose_names()} - {None}
        if len(folders) == 1:
            relative_external_files(nwbfile, Path(folders.pop()))

    # Static, as neuroconv's: ``PoseNWBConverter.get_default_backend_configuration(nwbfile=...)`` works on the class.
    @staticmethod
    def get_default_backend_configuration(nwbfile: Any, backend: str = "hdf5") -> Any:
        """Return the default backend configuration, with pose confidence compressed."""
        return get_pose_backend_configuration(nwbfile, backend=backend)

    def run_conversion(
        self,
        nwbfile_path: str | Path,
        nwbfile: Any = None,
        metadata: dict | None = None,
        overwrite: bool = False,
        backend: str | None = None,
        backend_configuration: Any = None,
        conversion_options: dict | None = None,
        append_on_disk_nwbfile: bool = False,
    ) -> None:
        """Write the NWB file; on any failure (or a signal) nothing is left at ``nwbfile_path``.

        Parameters
        ----------
        nwbfile_path : str or pathlib.Path
            The NWB file to write.
        nwbfile : pynwb.NWBFile, optional
            An in-memory file to add to before writing.
        metadata : dict, optional
            Metadata; :meth:`get_metadata` when not given.
        overwrite : bool, default: False
            Replace an existing file. Without it an existing file is an error.
        backend : {"hdf5", "zarr"}, optional
            Storage backend; HDF5 by default.
        backend_configuration : optional
            neuroconv backend configuration (chunking and compression).
        conversion_options : dict, optional
            ``add_to_nwbfile`` options by interface name.
        append_on_disk_nwbfile : bool, default: False
            Add to an existing file instead of writing a new one. The poses are added to a copy
            that replaces the file when complete, so on any failure the file is left unchanged.
        """
        path, backend = Path(nwbfile_path), backend_name(backend)  # "HDF5" is hdf5; an unknown name is refused
        if append_on_disk_nwbfile:
            check_append_arguments(path, nwbfile, backend_configuration)
            # neuroconv reads the file before the interfaces add to it, with the types known then: a file
            # without ndx-pose (ephys, video) must be read knowing them, or the poses are built without data.
            import ndx_pose  # noqa: F401

            if not self._aligns_in_hook():
                self.check_timing()
            # An HDF5 file is probed in a child first (neuroconv opens it in this process); a Zarr store is
            # read with hdmf-zarr. Both get the same checks of what the file holds.
            check_appendable(path, zarr=backend != "hdf5")
            metadata = prepare_append(path, self, metadata)
            # Appended to a copy that replaces the file when complete: a failure leaves the file unchanged.
            # The groups added keep their members' order, as in a file poseconv writes whole.
            with self._forgetting_reads(), atomic_append(path) as partial, self.composing_once(), creation_order():
                super().run_conversion(
                    nwbfile_path=partial,
                    metadata=metadata,
                    backend=backend,
                    conversion_options=self._with_relative_paths(path, conversion_options),
                    append_on_disk_nwbfile=True,
                )
            return
        chosen = backend or getattr(backend_configuration, "backend", None) or "hdf5"
        # A Zarr store may take any name here, as in neuroconv (its interface tests write "x.nwb" stores).
        problem = output_name_problem(path, chosen) if chosen == "hdf5" else None
        if problem is not None:
            raise OutputError(f"{path}: {problem}")
        check_output(path, overwrite=overwrite, flag="overwrite=True (--overwrite)", zarr=chosen == "zarr")
        if not self._aligns_in_hook():
            self.check_timing()
        with self._forgetting_reads(), atomic_output(path, overwrite=overwrite) as partial, self.composing_once():
            super().run_conversion(
                nwbfile_path=partial,
                nwbfile=nwbfile,
                # None: the interfaces' defaults, composed (a merged dict would hide names made unique).
                metadata=metadata if metadata is not None else {},
                overwrite=True,
                backend=backend,
                backend_configuration=backend_configuration,
                conversion_options=self._with_relative_paths(path, conversion_options),
            )

    @contextlib.contextmanager
    def _forgetting_reads(self) -> Iterator[None]:
        """Call :meth:`forget_blocks` when the block ends, written or failed."""
        try:
            yield
        finally:
            self.forget_blocks()

    def forget_blocks(self) -> None:
        """Drop the pose values every interface keeps from its reads; a later read reads the files again.

        Called after each write. The written objects refer to one another, so they wait for Python's
        cyclic garbage collector, and the values they read (up to a whole small table) would wait with
        them: a loop of conversions, a batch worker's above all, would grow by a table per file.
        """
        for interface in self.data_interface_objects.values():
            forget = getattr(interface, "forget_blocks", None)
            if forget is not None:
                forget()

    @contextlib.contextmanager
    def composing_once(self) -> Iterator[None]:
        """While the block lasts, compose each metadata once (:meth:`compose_metadata` hands out copies).

        For a sequence of calls over interfaces that do not change meanwhile: a conversion, or a
        check that validates the metadata and then adds the first frames to an in-memory file.
        Nested blocks share the outermost one's compositions.
        """
        outermost = getattr(self, "_compose_cache", None) is None
        if outermost:
            self._compose_cache = {}
        try:
            yield
        finally:
            if outermost:
                self._compose_cache = None

    def _with_relative_paths(self, path: Path, conversion_options: dict | None) -> dict:
        """Ask poseconv's interfaces to store external video paths relative to the NWB file's folder."""
        return options_with_relative_paths(conversion_options, self._pose_names(), path.resolve().parent)

    def _write_nwbfile(
        self,
        nwbfile_path: Any,
        nwbfile: Any,
        metadata: dict,
        backend: str | None,
        backend_configuration: Any,
        conversion_options: dict | None,
    ) -> None:
        # poseconv's writer streams every series chunk by chunk and compresses on every core.
        from ..nwb.write.storage import configure_and_write_nwbfile

        if nwbfile is None:
            nwbfile = self.create_nwbfile(metadata=metadata, conversion_options=conversion_options)
        else:
            self.add_to_nwbfile(nwbfile=nwbfile, metadata=metadata, conversion_options=conversion_options)
        relative_external_files(nwbfile, Path(nwbfile_path).resolve().parent)
        if backend_configuration is None:
            backend_configuration = self.get_default_backend_configuration(nwbfile=nwbfile, backend=backend or "hdf5")
        configure_and_write_nwbfile(
            nwbfile=nwbfile, nwbfile_path=nwbfile_path, backend_configuration=backend_configuration
        )


class PoseConverterPipe(PoseNWBConverter, ConverterPipe):
    """A :class:`PoseNWBConverter` over interfaces already built (neuroconv's ``ConverterPipe``).

    Parameters
    ----------
    data_interfaces : dict of str to interface, or list of interfaces
        The interfaces, by name.
    input_metadata : dict of str to dict, optional
        Metadata of single inputs, by interface name, over the metadata given to ``run_conversion``.
    verbose : bool, default: False
        Print progress.
    """

    def __init__(
        self,
        data_interfaces: Mapping[str, Any] | list[Any],
        *,
        input_metadata: Mapping[str, Mapping[str, Any]] | None = None,
        verbose: bool = False,
    ) -> None:
        ConverterPipe.__init__(
            self, dict(data_interfaces) if isinstance(data_interfaces, Mapping) else data_interfaces, verbose=verbose
        )
        refuse_repeated_inputs(self.data_interface_objects)
        include_training_once(self.data_interface_objects.values())
        self.input_metadata = {name: dict(value) for name, value in (input_metadata or {}).items()}
