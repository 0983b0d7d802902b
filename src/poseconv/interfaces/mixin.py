"""What every poseconv interface shares, pose or training data: arguments, reader, schemas and the pipeline.

An interface names its reader and the ``__init__`` arguments the reader takes
(:attr:`PoseconvInterfaceMixin.reader`, ``reader_options``) and passes every
argument up (:func:`init_arguments`); neuroconv keeps them as ``source_data``, from
which :class:`PoseconvInterfaceMixin` calls the reader.
"""

from __future__ import annotations

import copy
import functools
import inspect
import threading
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..errors import PoseconvWarning
from ..metadata.shared_keys import legacy_pose_layout_problems

__all__ = [
    "PoseconvInterfaceMixin",
    "ReadsInput",
    "check_input_format",
    "init_arguments",
    "refuse_unknown_options",
    "run_interface_conversion",
    "user_stacklevel",
    "warnings_at_user_line",
    "without_empty_text",
]

# Packages whose frames stand between the user's call and the code that warns (pydantic's validate_call
# wraps the interfaces' __init__).
_OWN_PACKAGES = ("poseconv", "pydantic")


def _strip_nulls(schema: Any) -> Any:
    """Collapse ``anyOf: [X, null]`` to X and drop null defaults, for form tools."""
    if isinstance(schema, dict):
        any_of = schema.get("anyOf")
        if isinstance(any_of, list):
            rest = [s for s in any_of if s != {"type": "null"}]
            if len(rest) == 1 and len(rest) < len(any_of):
                merged = {k: v for k, v in schema.items() if k != "anyOf"}
                merged.update(rest[0])
                schema = merged
            elif len(rest) < len(any_of):
                # anyOf [X, Y, null]: an optional argument is left out, not given null, by form tools.
                schema = {**schema, "anyOf": rest}
        if schema.get("default", 0) is None:
            schema = {k: v for k, v in schema.items() if k != "default"}
        return {k: _strip_nulls(v) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_strip_nulls(v) for v in schema]
    return schema


@functools.cache
def _source_schema(cls: type) -> dict:
    """Return the source schema of ``cls`` (see :meth:`PoseconvInterfaceMixin.get_source_schema`); not to be edited."""
    from neuroconv.utils import get_json_schema_from_method_signature

    from ..metadata.schema import add_missing_titles

    # neuroconv reads parameter descriptions from the docstring of what it is given; ours are on __init__.
    schema = get_json_schema_from_method_signature(cls.__init__, exclude=["source_data"])
    return add_missing_titles(_strip_nulls(schema))


def _is_own(frame: Any) -> bool:
    """Return whether ``frame`` runs poseconv's code or a package's between it and the user (``_OWN_PACKAGES``)."""
    return frame.f_globals.get("__name__", "").partition(".")[0] in _OWN_PACKAGES


def user_stacklevel(*, here: bool = False) -> int:
    """Return the ``stacklevel`` that makes a warning raised one call below the caller name the user's line.

    :func:`warnings.warn` counts the function that warns as 1, so the caller of this function is 2;
    poseconv's and pydantic's frames above it are passed over, however many classes an interface's
    ``__init__`` goes through. ``here``: the warning is raised by the caller itself, one level less.
    """
    level, frame = (1 if here else 2), inspect.currentframe().f_back
    while frame.f_back is not None and _is_own(frame):
        level, frame = level + 1, frame.f_back
    return level


# The warnings_at_user_line block open in each thread, if any.
_OPEN_BLOCK = threading.local()


class warnings_at_user_line:  # noqa: N801 - used as a context manager, named as contextlib's are
    """Give poseconv's warnings raised inside the block at the user's line, the first outside poseconv.

    A reader warns with a ``stacklevel`` counted for a user calling it, so through an interface or another
    reader the warning named a line of poseconv's. In the block each
    :class:`~poseconv.errors.PoseconvWarning` is given again, when it is raised, as :func:`warnings.warn`
    gives one from the user's line: with the user's module for the filters and the user's module's
    ``__warningregistry__``, so ``default`` shows it once per line of the user's, ``error`` raises it where
    the reader warned. Other warnings are left to the user's filters and ``showwarning``, where they were
    raised. A block inside another is the outer one's (the user's line is the same).
    """

    def __enter__(self) -> None:
        self._user = None
        if getattr(_OPEN_BLOCK, "block", None) is not None:
            return
        frame = inspect.currentframe().f_back
        while frame.f_back is not None and _is_own(frame):
            frame = frame.f_back
        self._user, self._thread = frame, threading.get_ident()
        self._filter = ("always", None, PoseconvWarning, None, 0)
        self._showwarning = warnings.showwarning
        # In place, not through warnings.filterwarnings or catch_warnings: those reset every module's
        # record of the warnings already shown, so a warning given once per line came back at each call.
        warnings.filters.insert(0, self._filter)
        warnings.showwarning = self._show
        _OPEN_BLOCK.block = self

    def __exit__(self, *exc_info: object) -> None:
        if self._user is None:
            return
        _OPEN_BLOCK.block = self._user = None
        self._take_filter()
        if warnings.showwarning == self._show:
            warnings.showwarning = self._showwarning

    def _take_filter(self) -> int | None:
        """Remove the block's filter from the filters in place; return where it was, None when it was not."""
        for at, entry in enumerate(warnings.filters):
            if entry is self._filter:
                del warnings.filters[at]
                return at
        return None

    def _show(
        self,
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: Any = None,
        line: Any = None,
    ) -> None:
        """Give a PoseconvWarning of the block's thread again from the user's line; show any other as it was."""
        if not issubclass(category, PoseconvWarning) or threading.get_ident() != self._thread or self._user is None:
            self._showwarning(message, category, filename, lineno, file, line)
            return
        at, user = self._take_filter(), self._user.f_globals
        warnings.showwarning = self._showwarning
        try:
            # What warnings.warn passes for a warning of the user's line (its setup of the context). Not the
            # user's globals as module_globals: warn_explicit asks their loader for the source, and the loader of
            # `python -c`'s __main__ (BuiltinImporter) raises ImportError; showwarning reads the line by file name.
            warnings.warn_explicit(
                message,
                category,
                self._user.f_code.co_filename,
                self._user.f_lineno,
                module=user.get("__name__", "<string>"),
                registry=user.setdefault("__warningregistry__", {}),
            )
        finally:
            warnings.showwarning = self._show
            if at is not None:
                warnings.filters.insert(at, self._filter)


def check_input_format(interface: Any, source_data: dict[str, Any]) -> None:
    """Refuse an input whose content another catalog format reads better (:func:`~poseconv.catalog.check_format`)."""
    from ..catalog import check_format, format_of_interface

    fmt = format_of_interface(type(interface))
    path = source_data.get(fmt.input_argument) if fmt is not None else None
    if fmt is not None and path is not None:
        check_format(path, fmt, stacklevel=user_stacklevel())


def init_arguments(local_values: Mapping[str, Any]) -> dict[str, Any]:
    """Return the arguments of an interface's ``__init__`` from its ``locals()``, taken before any other name.

    Every argument is the interface's neuroconv ``source_data``, ``verbose`` aside, which the
    base takes by name; ``self`` and the ``__class__`` that ``super()`` binds are left out.
    """
    return {name: value for name, value in local_values.items() if name != "self" and not name.startswith("__")}


def without_empty_text(metadata: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Return a copy of ``metadata`` without the text fields a form left empty, as the pipeline reads them.

    NWB GUIDE's converter (neuroconv's ``NWBConverter``) hands an interface the form as it was filled in, where a
    cleared field is ``""``: "keep the default". poseconv's pipeline drops such fields while composing the
    metadata (:func:`~poseconv.metadata.empty_fields.drop_empty_text`); ``add_to_nwbfile`` does the same, so that a
    cleared scorer or description is the default, not an empty value, and a cleared ``device_metadata_key`` is
    the default camera, not a key ``''`` that does not exist. The caller's metadata is left as it was.

    Parameters
    ----------
    metadata : mapping or None
        The metadata given to ``add_to_nwbfile``.

    Returns
    -------
    dict or None
        A copy without empty text in the blocks the pipeline cleans; None when ``metadata`` is None.
    """
    from ..metadata.empty_fields import drop_form_empty_text

    if metadata is None:
        return None
    cleaned = copy.deepcopy(dict(metadata))
    drop_form_empty_text(cleaned)
    return cleaned


_SPEC_START = "a spec's starting_time and poseconv convert --starting-time"
_SPEC_TIMES = "a spec's timestamps_file and poseconv convert --timestamps FILE"
#: Options of a spec's pose file and of the command line (neuroconv's argument names of the same methods too)
#: that the Python interfaces take by a method called before ``run_conversion``: the call, what gives it elsewhere.
_TAKEN_BY_METHODS = {
    "starting_time": ("shift the frame times with", "set_aligned_starting_time({value})", _SPEC_START),
    "aligned_starting_time": ("shift the frame times with", "set_aligned_starting_time({value})", ""),
    "timestamps": ("give the frame times with", "set_aligned_timestamps(times)", _SPEC_TIMES),
    "aligned_timestamps": ("give the frame times with", "set_aligned_timestamps(times)", ""),
    "timestamps_file": (
        "give the frame times with",
        "set_aligned_timestamps(poseconv.timing.load_timestamps(path))",
        _SPEC_TIMES,
    ),
}


def _misplaced_option_message(interface: Any, key: str, value: Any) -> str | None:
    """Return where poseconv takes ``key``, given to ``run_conversion``: by a method, or by the constructor; else None.

    A spec's pose file and ``poseconv convert`` take frame times and the interface's arguments beside its
    conversion options; a Python user passes them to ``run_conversion`` too.
    """
    import inspect

    said = f"{key!r} is not an argument of run_conversion"
    if key in _TAKEN_BY_METHODS:
        what, call, elsewhere = _TAKEN_BY_METHODS[key]
        number = isinstance(value, int | float) and not isinstance(value, bool)
        call = call.format(value=repr(value) if number else "seconds")
        return f"{said}; {what} interface.{call} before it" + (f" (as {elsewhere} do)" if elsewhere else "")
    if key in inspect.signature(type(interface).__init__).parameters and key not in ("self", "verbose"):
        return f"{said}; it is an argument of {type(interface).__name__}({key}=...), given when it is made"
    return None


def refuse_unknown_options(interface: Any, options: Mapping[str, Any], named: tuple[str, ...]) -> None:
    """Refuse a ``run_conversion`` argument that is neither its own nor an option of ``add_to_nwbfile``.

    Without this, jsonschema refuses it with the whole conversion-options schema (40 lines, poseconv's
    internal options among them) and names neither the argument meant nor where neuroconv's options go.

    Raises
    ------
    InvalidOptionError
        Naming the interface, the argument and the one meant (or where poseconv takes neuroconv's option).
    """
    import difflib

    from ..errors import InvalidOptionError
    from .neuroconv_names import neuroconv_name_message

    known = set(interface.get_conversion_options_schema().get("properties", {}))
    unknown = [key for key in options if key not in known]
    if not unknown:
        return
    # run_conversion sets external_files_relative_to itself: not one to suggest.
    offered = [*named, *sorted(known - {"external_files_relative_to"})]
    lines = []
    for key in unknown:
        message = neuroconv_name_message(key, known, option=True) or _misplaced_option_message(
            interface, key, options[key]
        )
        if message is None:
            close = difflib.get_close_matches(key, offered, n=1, cutoff=0.6)
            message = f"did you mean {close[0]}=?" if close else f"it takes: {', '.join(offered)}."
            message = f"{key!r} is not an argument of run_conversion; {message}"
        lines.append(message)
    raise InvalidOptionError(f"{type(interface).__name__}.run_conversion: " + "\n".join(lines))


def run_interface_conversion(interface: Any, nwbfile_path: Path, **kwargs: Any) -> None:
    """Run one interface's conversion through the pipeline every entry point shares (:class:`PoseConverterPipe`).

    ``kwargs`` are neuroconv's ``run_conversion`` arguments; the ones it does not name are the
    interface's conversion options.
    """
    from .converter import PoseConverterPipe

    named = ("nwbfile", "metadata", "overwrite", "backend", "backend_configuration", "append_on_disk_nwbfile")
    arguments = {key: kwargs.pop(key) for key in named if key in kwargs}
    name = type(interface).__name__
    refuse_unknown_options(interface, kwargs, named)
    PoseConverterPipe({name: interface}).run_conversion(
        nwbfile_path=nwbfile_path, conversion_options={name: kwargs}, **arguments
    )


class ReadsInput:
    """How an input is read, declared once: the interfaces and :class:`~poseconv.pose_source.PoseSource` share it.

    A subclass names its :attr:`reader`, the argument holding the input and the arguments the reader
    also takes; :meth:`_read_input` reads the input from ``source_data`` with them.
    """

    #: The function reading the input (a :mod:`poseconv.readers` function, as a ``staticmethod``).
    reader: Callable[..., Any]
    #: The ``__init__`` argument holding the input file (or folder): the reader's first argument.
    input_argument: str = "file_path"
    #: The ``__init__`` arguments the reader also takes, by the same keyword.
    reader_options: tuple[str, ...] = ()
    #: The arguments, as the interface's ``__init__`` takes them.
    source_data: dict[str, Any]

    @property
    def input_path(self) -> Path:
        """The input file (or folder) read."""
        return Path(self.source_data[self.input_argument])

    def _read_input(self, **overrides: Any) -> Any:
        """Read the input with :attr:`reader` and the options :attr:`reader_options` names (those given).

        ``overrides``: options the interface found for the user (a project's config), over those given.
        """
        options = {name: self.source_data[name] for name in self.reader_options if name in self.source_data}
        # Readers count their warnings' stacklevel for a user calling them: here, the user's line is further up.
        with warnings_at_user_line():
            return self.reader(self.input_path, **{**options, **overrides})


class PoseconvInterfaceMixin(ReadsInput):
    """What every poseconv interface shares: form-friendly schemas, ``add_to_nwbfile`` and the pipeline.

    Put it first among the bases; subclasses name their :attr:`reader` and implement :meth:`_add`.
    """

    #: What the interface writes: "poses" (over time, with frame times) or "labels" (training frames).
    #: The conversion pipeline reads it instead of importing the interface classes.
    poseconv_writes: str = "poses"

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        """Refuse neuroconv's argument names (``frames_per_second=``) with poseconv's, before pydantic's check."""
        # Runs before the constructor's pydantic check, whose "Unexpected keyword argument" would not say
        # that subject_name= (neuroconv's) is poseconv's individuals= (NWBConverter's source_data too).
        from .neuroconv_names import refuse_neuroconv_arguments

        refuse_neuroconv_arguments(cls, kwargs)
        return super().__new__(cls)

    def get_metadata_schema(self) -> dict:
        """Return the JSON Schema (draft-07) of :meth:`get_metadata`'s result.

        Returns
        -------
        dict
            neuroconv's base metadata schema with poseconv's ``Pose`` and ``Behavior`` blocks. ``Subject.age``
            and ``date_of_birth`` refuse empty text, which neuroconv's own ``NWBConverter`` would write;
            poseconv's converters take it as not given (:class:`~poseconv.metadata.schema.EmptyTextSchemaMixin`).
        """
        # The pydantic models behind the schema are built only when a schema is asked for.
        from ..metadata.schema import metadata_schema

        return metadata_schema()

    @classmethod
    def get_source_schema(cls) -> dict:
        """Return the JSON Schema of the constructor arguments, in a form-tool-friendly shape."""
        # Built once per class (neuroconv makes a pydantic model of the signature: 13 ms, for each session
        # of a batch); each caller gets its own copy to edit.
        return copy.deepcopy(_source_schema(cls))

    def get_conversion_options_schema(self) -> dict:
        """Return the JSON Schema of :meth:`add_to_nwbfile`'s options."""
        from ..metadata.schema import add_missing_titles

        schema = add_missing_titles(_strip_nulls(super().get_conversion_options_schema()))
        folder = schema.get("properties", {}).get("external_files_relative_to")
        if isinstance(folder, dict):
            # pydantic says a Path is "format": "path", which form tools (NWB GUIDE) draw no folder picker for.
            # The Path annotation stays: DirectoryPath would refuse a folder that does not exist yet when checked.
            folder["format"] = "directory-path"
        return schema

    def add_to_nwbfile(
        self,
        nwbfile: Any,
        metadata: dict | None = None,
        *,
        stub_test: bool = False,
        external_files_relative_to: Path | None = None,
    ) -> None:
        """Add this interface's poses, session or training data (and skeletons, cameras, videos) to ``nwbfile``.

        Parameters
        ----------
        nwbfile : pynwb.NWBFile
            The file to add to.
        metadata : dict, optional
            Metadata as from :meth:`get_metadata`, edited; entries missing from it, and text fields left empty
            (``""``, as a form clears them), take the defaults. It is not changed.
        stub_test : bool, default: False
            Write only the first 100 frames (and training frames), for a quick test file.
        external_files_relative_to : pathlib.Path, optional
            Folder the NWB file will be written to, so external video paths are stored
            relative to it (as DANDI expects); ``run_conversion`` sets it.
        """
        # One signature for every interface: neuroconv builds the conversion options schema from it.
        # neuroconv's own NWBConverter (NWB GUIDE's) checks nothing of poseconv's: neuroconv's pose layouts would
        # be passed over without a word (poseconv's converters refuse them, and hand their inputs none).
        for problem in legacy_pose_layout_problems(metadata):
            said = f"{type(self).__name__} of {Path(str(self.input_path)).name}: {problem}"
            warnings.warn(said, PoseconvWarning, stacklevel=user_stacklevel(here=True))
        # A form's cleared fields reach here as "" from neuroconv's own NWBConverter (NWB GUIDE's).
        cleaned = without_empty_text(metadata)
        self._add(nwbfile, cleaned, stub_test=stub_test, relative_to=external_files_relative_to)

    def _add(self, nwbfile: Any, metadata: dict | None, *, stub_test: bool, relative_to: Path | None) -> None:
        raise NotImplementedError

    def validate_metadata(self, metadata: dict, append_mode: bool = False) -> None:
        """Check ``metadata`` as the conversion will; raise one MetadataError naming every field at fault.

        The checks are the pipeline's (:meth:`PoseConverterPipe.validate_metadata`), so what passes here
        is what :meth:`run_conversion` writes: unknown keys, the schema, a session start time with a
        time zone and not in the future, a date of birth before it.

        Parameters
        ----------
        metadata : dict
            The metadata.
        append_mode : bool, default: False
            Whether the NWB file already exists (then NWBFile fields are optional).
        """
        from .converter import PoseConverterPipe

        PoseConverterPipe({type(self).__name__: self}).validate_metadata(metadata, append_mode=append_mode)

    def run_conversion(self, nwbfile_path: Path, **kwargs: Any) -> None:
        """Write the NWB file through poseconv's conversion pipeline; on any failure nothing is left behind.

        Parameters
        ----------
        nwbfile_path : pathlib.Path
            The NWB file to write.
        **kwargs
            neuroconv's ``run_conversion`` arguments: ``nwbfile``, ``metadata``, ``overwrite`` (without it
            an existing file is an error), ``backend`` ("hdf5" or "zarr"), ``backend_configuration``,
            ``append_on_disk_nwbfile``; any other is an option of :meth:`add_to_nwbfile` (``stub_test``).
        """
        run_interface_conversion(self, Path(nwbfile_path), **kwargs)
