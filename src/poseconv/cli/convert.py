"""``poseconv convert``: pose files to one NWB file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ..catalog import source_help
from ._common import (
    DebugOption,
    QuietOption,
    apply_flags,
    checked_fps,
    command_errors,
    progress,
    split_names,
    status,
)
from ._options import OptionsOption, Untracked, checked_source, option_pairs

__all__ = ["convert"]


InputsArgument = Annotated[
    list[Path],
    typer.Argument(
        metavar="INPUT",
        help=(
            "Pose files (DeepLabCut .h5/.csv, SLEAP .slp/.h5, LightningPose .csv); with --source dlc-labels a "
            "DeepLabCut project, labeled-data folder or CollectedData file, with --source sleap-labels a .slp, "
            "with --source lp-labels a LightningPose CollectedData.csv."
        ),
        show_default=False,
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", help="The NWB file to write (.nwb; .nwb.zarr for an NWB Zarr store).", show_default=False
    ),
]
BackendOption = Annotated[
    str | None,
    typer.Option(
        "--backend",
        help="hdf5 (an .nwb file) or zarr (an .nwb.zarr store, as hdmf-zarr's NWBZarrIO reads it); from the "
        "output's suffix when omitted (with --append, the file's).",
        show_default=False,
    ),
]
AppendOption = Annotated[
    Path | None,
    typer.Option(
        "--append",
        help="Add the poses to this existing NWB file (which keeps its session start time and other data) "
        "instead of writing a new one; the file is changed only when the whole conversion succeeds.",
        show_default=False,
    ),
]
MetadataOption = Annotated[
    Path | None,
    typer.Option("--metadata", "-m", help="YAML/JSON metadata merged over the defaults (see 'poseconv metadata')."),
]
VideoOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--video",
        help="The analysed video; once per input, in order (lp-multiview: once per view, in the order of the view "
        "files given, the 3D file taking none, or of the views after a folder, each named for its view unless "
        "view_names gives their order; or -O 'video_file_paths={view: path}').",
    ),
]
FpsOption = Annotated[
    float | None,
    typer.Option(
        "--fps",
        help="Frame rate (Hz); wins over the video's and the pose file's, with a warning if they differ.",
        callback=checked_fps,
    ),
]
TimestampsOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--timestamps",
        help="One time (s) per frame, .npy/.csv/.tsv/.txt (one per line); once per input, in order. Wins over "
        "--fps, the video and the pose file.",
    ),
]
StartingTimeOption = Annotated[
    list[float] | None,
    typer.Option(
        "--starting-time",
        help="Shift every frame time by this many seconds (the camera's first frame on the session clock, after "
        "--timestamps); once per input, in order.",
    ),
]
IndividualsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--individuals",
        "-i",
        help="Keep only these individuals/tracks (repeat or comma-separate; a value naming a track of the file "
        "whole, such as 'mouse 1, left', is that track).",
    ),
]
UntrackedOption = Annotated[
    Untracked | None,
    typer.Option(
        "--untracked",
        help="SLEAP: frames holding several instances without a track are an error (error, the default), or "
        "the k-th such instance of each frame goes to `untracked_<k>` (by_order; such a container does not "
        "follow one animal).",
    ),
]
SourceOption = Annotated[
    str | None,
    typer.Option(
        "--source",
        "-s",
        help=f"The input's format, detected from its content when omitted: {source_help()}.",
        callback=checked_source,
    ),
]
TrainingOption = Annotated[
    bool,
    typer.Option(
        "--training",
        help="Also write the human-labeled training frames (PoseTraining): the DLC project's, the .slp's.",
    ),
]
LabeledDataOption = Annotated[
    Path | None,
    typer.Option(
        "--labeled-data",
        help="DeepLabCut: the project folder or CollectedData file of the labels, when the predictions are "
        "not inside the project; Lightning Pose: the labels CSV (one view's, for a multi-view model) "
        "(implies --training).",
    ),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="DeepLabCut / Lightning Pose: the project's config.yaml (skeleton, bodypart order), when the one "
        "next to the predictions is not theirs or there is none.",
    ),
]
StartTimeOption = Annotated[
    str | None,
    typer.Option("--session-start-time", help="ISO-8601 with time zone, e.g. 2024-05-03T11:26:42+02:00."),
]
StubOption = Annotated[bool, typer.Option("--stub", help="Write only the first 100 frames (a quick test file).")]
OverwriteOption = Annotated[bool, typer.Option("--overwrite", help="Replace OUTPUT if it exists.")]


def convert(
    inputs: InputsArgument,
    output: OutputOption = None,
    backend: BackendOption = None,
    append: AppendOption = None,
    metadata: MetadataOption = None,
    video: VideoOption = None,
    fps: FpsOption = None,
    timestamps: TimestampsOption = None,
    starting_time: StartingTimeOption = None,
    individuals: IndividualsOption = None,
    untracked: UntrackedOption = None,
    source: SourceOption = None,
    training: TrainingOption = False,
    labeled_data: LabeledDataOption = None,
    config: ConfigOption = None,
    option: OptionsOption = None,
    session_start_time: StartTimeOption = None,
    stub: StubOption = False,
    overwrite: OverwriteOption = False,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Convert pose estimation output to NWB (ndx-pose), every individual, node and frame.

    Several inputs (e.g. one per camera) go into one file. The file is written to a temporary
    name first, so a failed conversion leaves nothing behind. With --training the human-labeled
    frames the model was trained on go in too, as ndx-pose PoseTraining; --source dlc-labels,
    sleap-labels or lp-labels converts the labels alone. With --append EXISTING.nwb the poses are
    added to a file that holds other data: a copy is written and replaces it when complete.
    Any other argument of an input's interface is given with --option KEY=VALUE, as a spec's
    source_data gives it (e.g. -O predicted_only=true for SLEAP).
    """
    apply_flags(quiet, debug)
    with command_errors():
        from ..interfaces.converter import PoseConverterPipe
        from ..timing import load_timestamps
        from ._conversion import check_metadata_file, load_metadata_file, parse_session_start_time, summary

        backend = _backend(backend, output, append)
        _output_given_as_input(inputs, output, append)
        target = _target(output, append, overwrite, backend)
        videos = _videos(video, inputs, source)
        options = dict(source=source, fps=fps, individuals=split_names(individuals), untracked=untracked, config=config)
        options["individuals_given"] = individuals  # As typed: a value may name a track with a comma.
        options["source_options"] = option_pairs(option)
        # Once per input, as --video, also for a format reading every input together (one per view file).
        times = [(path, load_timestamps(path)) for path in _per_input("--timestamps", timestamps, inputs)]
        options["starting_time"] = _per_input("--starting-time", starting_time, inputs)
        user_metadata = load_metadata_file(metadata) if metadata is not None else {}
        if session_start_time and isinstance(user_metadata.setdefault("NWBFile", {}), dict):
            # An NWBFile that is no block (NWBFile: foo) is said, with its line, by check_metadata_file.
            user_metadata["NWBFile"]["session_start_time"] = parse_session_start_time(session_start_time)
        with progress() as bar:
            interfaces = _read_inputs(bar, inputs, videos, times, options, training, labeled_data)
            converter = PoseConverterPipe(interfaces)
            # An append takes the file's start time; the converter checks what it holds (appending.prepare_append).
            dandi_gap = None if append is not None else _require_start_time(converter, user_metadata)
            if metadata is not None:
                check_metadata_file(converter, user_metadata, metadata, append_mode=append is not None)
            bar.add_task(f"Writing {target.name}", total=None)
            converter.run_conversion(
                nwbfile_path=target,
                metadata=user_metadata,
                overwrite=overwrite,
                backend=backend,
                conversion_options={name: {"stub_test": stub} for name in interfaces},
                append_on_disk_nwbfile=append is not None,
            )
        done = "Added to" if append is not None else "Wrote"
        status(f"{done} {target}: {summary(converter, user_metadata, stub=stub)} from {len(inputs)} file(s).")
        if dandi_gap is not None:
            import warnings

            from ..errors import PoseconvWarning

            # Said of the file written (as `poseconv run` says it), not before an error that stops the conversion:
            # the file is valid NWB, but DANDI will not take it as it is.
            warnings.warn(f"{dandi_gap}; set Subject in the --metadata file.", PoseconvWarning, stacklevel=2)


def _backend(backend: str | None, output: Path | None, append: Path | None = None) -> str:
    """Return the storage backend: the one given, or zarr for an output ending in .zarr, else hdf5.

    An append's is the file's: an NWB Zarr store (a folder) is appended to with hdmf-zarr, anything else as HDF5.
    """
    from ..errors import InvalidOptionError
    from ..model.location import url_as_path
    from ..nwb.read.store import is_zarr_folder
    from ..nwb.write.storage import backend_name

    backend_name(backend, name="--backend")  # the backends the Python interfaces take, in any case
    if append is not None and append.exists() and url_as_path(append) is None:
        # A missing file or a URL is said by check_appendable, not as a backend of its own.
        found = "zarr" if is_zarr_folder(append) else "hdf5"
        if backend is not None and backend.lower() != found:
            kind = "an NWB Zarr store" if found == "zarr" else "an HDF5 file"
            raise InvalidOptionError(
                f"--backend {backend} --append {append}: the file is {kind}, appended to as it is ({found}); "
                "leave --backend out."
            )
        return found
    if backend is None:
        return "zarr" if output is not None and output.suffix.lower() == ".zarr" else "hdf5"
    return backend.lower()


def _output_given_as_input(inputs: list[Path], output: Path | None, append: Path | None) -> None:
    """Refuse ``convert IN OUT.nwb``: a missing .nwb input, with no output given, is the file meant to be written."""
    from ..errors import InvalidOptionError

    last = inputs[-1]
    if output is None and append is None and last.suffix.lower() == ".nwb" and not last.exists():
        raise InvalidOptionError(
            f"{last} does not exist, so it is not an input: to write it, give it with -o "
            f"(poseconv convert {' '.join(str(p) for p in inputs[:-1]) or 'INPUT'} -o {last})."
        )


def _target(output: Path | None, append: Path | None, overwrite: bool, backend: str = "hdf5") -> Path:
    """Return the file to write (--output) or to add to (--append), checked before any input is read."""
    from ..errors import InvalidOptionError
    from ..output import check_output, output_name_problem

    if (output is None) == (append is None):
        raise InvalidOptionError(
            "give --output NEW.nwb to write a new file, or --append EXISTING.nwb to add to one (not both)."
        )
    if append is not None:
        if overwrite:
            raise InvalidOptionError("--append adds to the file and --overwrite replaces it; give one of them.")
        from ..appending import check_appendable

        return check_appendable(append, zarr=backend == "zarr")
    problem = output_name_problem(output, backend)
    if problem is not None:
        raise InvalidOptionError(f"{output}: {problem}")
    return check_output(output, overwrite=overwrite, flag="--overwrite")


def _align(interface: Any, times: tuple[Path, Any] | None, start: float | None) -> None:
    """Give ``interface`` its ``--timestamps`` (file, values) and ``--starting-time``; an error names the option."""
    from ..errors import InvalidOptionError, PoseconvError

    if times is not None:
        path, values = times
        try:
            interface.set_aligned_timestamps(values)
        except PoseconvError as err:
            raise type(err)(f"--timestamps {path}: {err}") from None
    if start is not None:
        try:
            # Applied after --timestamps, as a spec's starting_time is after its timestamps_file.
            interface.set_aligned_starting_time(start)
        except (PoseconvError, ValueError, TypeError) as err:
            raise InvalidOptionError(f"--starting-time {start}: {err}") from None


def _align_views(interface: Any, inputs: list[Path], times: list[tuple[Path, Any]], starts: list[float]) -> None:
    """Give a session read from every input (a file per view) its files' ``--timestamps`` and ``--starting-time``.

    They are given once per input, as ``--video`` is, each for the view its file was read as. The views of
    a session share one clock (every view's series is written on the same frame times), so the times given
    must agree: each view's are the session's first frames, and the starting times are one.
    """
    from ..errors import InvalidOptionError

    session = interface.session
    view_of = {Path(file).resolve(): view for view, file in (session.notes.get("view_files") or {}).items()}
    views = [view_of.get(path.resolve()) for path in inputs]
    chosen = _session_times(session, views, times) if times else None
    if len(set(starts)) > 1:
        given = ", ".join(f"{start:g} s ({path.name})" for path, start in zip(inputs, starts, strict=True))
        raise InvalidOptionError(f"--starting-time: {given}; {_ONE_CLOCK}")
    _align(interface, chosen, starts[0] if starts else None)


_ONE_CLOCK = (
    "the views of one session share one clock (lp-multiview writes every view on the same frame times), so give the "
    "same for every view file, or convert each view on its own (without --source lp-multiview), each with its own."
)


def _session_times(session: Any, views: list[str | None], times: list[tuple[Path, Any]]) -> tuple[Path, Any]:
    """Return the (file, times) of the session among each view file's ``--timestamps``, checked to agree."""
    import numpy as np

    from ..errors import InvalidOptionError

    for view, (path, values) in zip(views, times, strict=True):
        if view is None:
            continue
        n_frames = max((track.n_frames for track in session.views[view].tracks), default=0)
        if len(values) not in (n_frames, session.n_frames):
            raise InvalidOptionError(
                f"--timestamps {path}: {len(values)} times for view '{view}', which has {n_frames} frames (the "
                f"session {session.n_frames}); give each view file's times in the order of the inputs, as --video."
            )
    longest_path, longest = max(times, key=lambda pair: len(pair[1]))
    for path, values in times:
        # A shorter view's frames are the session's first ones.
        differ = np.flatnonzero(~np.isclose(values, longest[: len(values)], rtol=0, atol=1e-9))
        if differ.size:
            frame = int(differ[0])
            raise InvalidOptionError(
                f"--timestamps {path} and {longest_path} differ at frame {frame} ({values[frame]:g} s and "
                f"{longest[frame]:g} s); {_ONE_CLOCK}"
            )
    return longest_path, longest


def _read_inputs(
    bar: Any,
    inputs: list[Path],
    videos: list[Path],
    times: list[tuple[Path, Any]],
    options: dict[str, Any],
    training: bool,
    labeled_data: Path | None,
) -> dict[str, Any]:
    """Return an interface per input, named by its file (the converter writes one project's labels once)."""
    from ..metadata.names import input_name
    from ._sources import check_option_keys

    interfaces: dict[str, Any] = {}
    options = dict(options)
    starts = options.pop("starting_time")
    named = options.pop("individuals_given")
    if _takes_all_inputs(options["source"]):
        # The inputs are the views of one session: one interface reads them all.
        given = {**options, "video": videos or None, "inputs": inputs}
        interface, _ = _make_naming(inputs[0], named, training=training, labeled_data=labeled_data, **given)
        _align_views(interface, inputs, times, starts)
        return {input_name(inputs[0], interfaces): interface}
    # An --option for every input: one no interface of them takes is said before any is read.
    check_option_keys(inputs, options["source"], options["source_options"])
    task = bar.add_task("Reading", total=len(inputs))
    for i, path in enumerate(inputs):
        bar.update(task, description=f"Reading {path.name}")
        given = {**options, "video": videos[i] if videos else None}
        interface, given["individuals"] = _make_naming(
            path, named, training=training, labeled_data=labeled_data, **given
        )
        _align(interface, times[i] if times else None, starts[i] if starts else None)
        interfaces[input_name(path, interfaces)] = interface
        bar.advance(task)
    bar.update(task, visible=False)
    return interfaces


def _make_naming(path: Path, values: list[str] | None, **given: Any) -> tuple[Any, list[str] | None]:
    """Return the interface of ``path`` and the individuals it keeps (``--individuals`` values, see kept_by_name)."""
    from ._common import kept_by_name
    from ._sources import make_interface

    return kept_by_name(lambda names: make_interface(path, **{**given, "individuals": names}), values)


def _takes_all_inputs(source: str | None) -> bool:
    """Whether the chosen format reads every input at once (the per-view files of one session)."""
    from ..catalog import get_format

    return source is not None and get_format(source).inputs_argument is not None


def _per_input(option: str, values: list[Path] | None, inputs: list[Path]) -> list[Path]:
    """Return an option given once per input (or not at all)."""
    from ..errors import InvalidOptionError

    given = list(values or [])
    if given and len(given) != len(inputs):
        times = {1: "once", 2: "twice"}.get(len(given), f"{len(given)} times")
        for_inputs = "one input" if len(inputs) == 1 else f"{len(inputs)} inputs"
        raise InvalidOptionError(f"{option} was given {times} for {for_inputs}; give one {option} per input.")
    return given


def _videos(video: list[Path] | None, inputs: list[Path], source: str | None) -> list[Path]:
    """Return the --video values: once per input, or once per view of one session's views."""
    if _takes_all_inputs(source):
        # --source lp-multiview: the interface gives the videos to the views, one per view file given (EKS's 3D
        # file among them takes none) or, after the folder or one view's file, in the views' order.
        return list(video or [])
    return _per_input("--video", video, inputs)


def _require_start_time(converter: object, user_metadata: dict) -> str | None:
    """Ask for the session start time with the command line's own options; return what DANDI will miss of Subject."""
    from ..errors import MetadataError

    composed = converter.compose_metadata(user_metadata)
    if not (composed.shared.get("NWBFile") or {}).get("session_start_time") and not _other_problems(
        converter, user_metadata
    ):
        raise MetadataError(
            "NWB files need a session start time: pass --session-start-time 2024-05-03T11:26:42+02:00 "
            "or set NWBFile.session_start_time in the --metadata file."
        )
    from ..metadata.checks import dandi_subject_gap

    # The values DANDI refuses are the converter's own warnings (every entry point): only what is missing here.
    return dandi_subject_gap(composed.shared.get("Subject"), values=False)


def _other_problems(converter: object, user_metadata: dict) -> bool:
    """Whether the metadata has problems besides a missing start time (then reported with them).

    A misspelt ``session_start_tme`` or ``NWBFle`` is said naming the file and line, rather than
    hidden behind "NWB files need a session start time".
    """
    start = ("NWBFile", "session_start_time")
    return any(tuple(problem.path) != start for problem in converter.metadata_problems(user_metadata))
