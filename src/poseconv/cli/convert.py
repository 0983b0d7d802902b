"""``poseconv convert``: pose files to one NWB file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..catalog import source_help
from ._common import DebugOption, QuietOption, apply_flags, command_errors, progress, split_names, status

__all__ = ["convert"]


def convert(
    inputs: Annotated[
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
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="The NWB file to write.", show_default=False)],
    metadata: Annotated[
        Path | None,
        typer.Option("--metadata", "-m", help="YAML/JSON metadata merged over the defaults (see 'poseconv metadata')."),
    ] = None,
    video: Annotated[
        list[Path] | None, typer.Option("--video", help="The analysed video; once per input, in order.")
    ] = None,
    fps: Annotated[
        float | None,
        typer.Option(
            "--fps", help="Frame rate (Hz); wins over the video's and the pose file's, with a warning if they differ."
        ),
    ] = None,
    timestamps: Annotated[
        list[Path] | None,
        typer.Option(
            "--timestamps",
            help="One time (s) per frame, .npy/.csv/.tsv/.txt (one per line); once per input, in order. Wins over "
            "--fps, the video and the pose file.",
        ),
    ] = None,
    individuals: Annotated[
        list[str] | None,
        typer.Option("--individuals", "-i", help="Keep only these individuals/tracks (repeat or comma-separate)."),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            "-s",
            help=f"The input's format, detected from its content when omitted: {source_help()}.",
        ),
    ] = None,
    training: Annotated[
        bool,
        typer.Option(
            "--training",
            help="Also write the human-labeled training frames (PoseTraining): the DLC project's, the .slp's.",
        ),
    ] = False,
    labeled_data: Annotated[
        Path | None,
        typer.Option(
            "--labeled-data",
            help="DeepLabCut: the project folder or CollectedData file of the labels, when the predictions are "
            "not inside the project (implies --training).",
        ),
    ] = None,
    session_start_time: Annotated[
        str | None,
        typer.Option("--session-start-time", help="ISO-8601 with time zone, e.g. 2024-05-03T11:26:42+02:00."),
    ] = None,
    stub: Annotated[bool, typer.Option("--stub", help="Write only the first 100 frames (a quick test file).")] = False,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace OUTPUT if it exists.")] = False,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Convert pose estimation output to NWB (ndx-pose), every individual, node and frame.

    Several inputs (e.g. one per camera) go into one file. The file is written to a temporary
    name first, so a failed conversion leaves nothing behind. With --training the human-labeled
    frames the model was trained on go in too, as ndx-pose PoseTraining; --source dlc-labels,
    sleap-labels or lp-labels converts the labels alone.
    """
    apply_flags(quiet, debug)
    with command_errors():
        from ..errors import InvalidOptionError
        from ..interfaces.converter import PoseConverterPipe
        from ..output import check_output
        from ..timing import load_timestamps
        from ._conversion import load_metadata_file, parse_session_start_time, summary
        from ._sources import make_interface

        if output.suffix.lower() != ".nwb":
            raise InvalidOptionError(f"{output}: the output must end in .nwb.")
        check_output(output, overwrite=overwrite, flag="--overwrite")
        videos = _per_input("--video", video, inputs)
        times = [load_timestamps(path) for path in _per_input("--timestamps", timestamps, inputs)]
        user_metadata = load_metadata_file(metadata) if metadata is not None else {}
        if session_start_time:
            user_metadata.setdefault("NWBFile", {})["session_start_time"] = parse_session_start_time(session_start_time)
        names = split_names(individuals)

        interfaces = {}
        # The training data already included, so that predictions of one DeepLabCut project write its labels once.
        included: set[tuple[str, ...]] = set()
        with progress() as bar:
            task = bar.add_task("Reading", total=len(inputs))
            for i, path in enumerate(inputs):
                bar.update(task, description=f"Reading {path.name}")
                options = {"source": source, "video": videos[i] if videos else None, "fps": fps, "individuals": names}
                interface = make_interface(path, training=training, labeled_data=labeled_data, **options)
                if _is_pose(interface) and (key := _training_key(interface)) is not None:
                    if key in included:
                        interface = make_interface(path, **options)
                    included.add(key)
                if times:
                    interface.set_aligned_timestamps(times[i])
                interfaces[_input_name(path, interfaces)] = interface
                bar.advance(task)
            converter = PoseConverterPipe(interfaces)
            _require_start_time(converter, user_metadata)
            bar.update(task, description=f"Writing {output.name}", total=None)
            converter.run_conversion(
                nwbfile_path=output,
                metadata=user_metadata,
                overwrite=overwrite,
                conversion_options={name: {"stub_test": stub} for name in interfaces},
            )
        status(f"Wrote {output}: {summary(converter, user_metadata, stub=stub)} from {len(inputs)} file(s).")


def _per_input(option: str, values: list[Path] | None, inputs: list[Path]) -> list[Path]:
    """Return an option given once per input (or not at all)."""
    from ..errors import InvalidOptionError

    given = list(values or [])
    if given and len(given) != len(inputs):
        raise InvalidOptionError(f"{option} was given {len(given)} times for {len(inputs)} inputs; give one per input.")
    return given


def _input_name(path: Path, taken: dict[str, object]) -> str:
    """Name an input in the converter by its file (made unique): names made unique in the file may end in it."""
    import re

    from ..metadata.names import unique_name

    base = re.sub(r"[^0-9A-Za-z_-]+", "_", path.stem.split(".")[0]) or "input"
    return unique_name(base, set(taken))


def _require_start_time(converter: object, user_metadata: dict) -> None:
    """Ask for the session start time with the command line's own options."""
    from ..errors import MetadataError

    composed = converter.compose_metadata(user_metadata)
    if not (composed.shared.get("NWBFile") or {}).get("session_start_time"):
        raise MetadataError(
            "NWB files need a session start time: pass --session-start-time 2024-05-03T11:26:42+02:00 "
            "or set NWBFile.session_start_time in the --metadata file."
        )


def _is_pose(interface: object) -> bool:
    """Whether ``interface`` converts poses (training-data interfaces convert labels only)."""
    from ..interfaces.base import BasePoseInterface

    return isinstance(interface, BasePoseInterface)


def _training_key(interface: object) -> tuple[str, ...] | None:
    """Identify the training data a pose interface includes (None when it includes none).

    Predictions of one DeepLabCut project (several cameras or a filtered copy) all read
    the project's labels; the key tells that they are the same labels.
    """
    training = getattr(interface, "training_data", None)
    if training is None:
        return None
    return (training.source_software, str(training.source_file.resolve()), *sorted(training.label_files))
