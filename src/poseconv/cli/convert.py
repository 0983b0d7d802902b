"""``poseconv convert``: pose files to one NWB file."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Annotated

import typer

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
    fps: Annotated[float | None, typer.Option("--fps", help="Frame rate (Hz) when the pose files record none.")] = None,
    individuals: Annotated[
        list[str] | None,
        typer.Option("--individuals", "-i", help="Keep only these individuals/tracks (repeat or comma-separate)."),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            "-s",
            help=(
                "dlc, sleap or lp (detected from the file when omitted); dlc-labels, sleap-labels or lp-labels "
                "for the human labels (training data) alone."
            ),
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
        from ._conversion import build_converter, input_metadata, load_metadata_file, parse_session_start_time
        from ._sources import make_interface

        if output.suffix.lower() != ".nwb":
            raise InvalidOptionError(f"{output}: the output must end in .nwb.")
        if output.exists() and not overwrite:
            raise InvalidOptionError(f"{output}: already exists; pass --overwrite to replace it.")
        if not output.resolve().parent.is_dir():
            raise InvalidOptionError(f"{output}: the folder {output.parent} does not exist.")
        videos = list(video or [])
        if videos and len(videos) != len(inputs):
            raise InvalidOptionError(
                f"--video was given {len(videos)} times for {len(inputs)} inputs; give one per input."
            )
        start = parse_session_start_time(session_start_time) if session_start_time else None
        user_metadata = load_metadata_file(metadata) if metadata is not None else {}
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
                if _is_pose(interface):
                    _check_timing(path, interface)
                interfaces[f"{type(interface).__name__}{i:03d}" if len(inputs) > 1 else type(interface).__name__] = (
                    interface
                )
                bar.advance(task)
            per_input = input_metadata(interfaces, user_metadata, start)
            converter = build_converter(interfaces, per_input)
            bar.update(task, description=f"Writing {output.name}", total=None)
            partial = output.with_name(f".{output.stem}.{uuid.uuid4().hex[:8]}.partial.nwb")
            try:
                converter.run_conversion(
                    nwbfile_path=partial,
                    metadata=next(iter(per_input.values())),
                    overwrite=True,
                    conversion_options={name: {"stub_test": stub} for name in interfaces},
                )
                os.replace(partial, output)
            finally:
                if partial.exists():
                    partial.unlink()
        containers = [key for metadata_ in per_input.values() for key in metadata_["Pose"].get("PoseEstimations", {})]
        written = [f"{len(containers)} PoseEstimation container(s)"]
        labels = [t for t in (getattr(i, "training_data", None) for i in interfaces.values()) if t is not None]
        if labels:
            from ..interfaces.base import STUB_FRAMES

            # --stub writes the first training frames of each input, as it does the first pose frames.
            frames = [f for t in labels for f in (t.frames[:STUB_FRAMES] if stub else t.frames)]
            n_instances = sum(len(f.instances) for f in frames)
            trained = f"{len(frames)} PoseTraining frame(s) with {n_instances} labeled instance(s)"
            written = [trained] if not containers else [*written, trained]
        status(f"Wrote {output}: {' and '.join(written)} from {len(inputs)} file(s).")


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


def _check_timing(path: Path, interface: object) -> None:
    """Refuse early, with the option to use, when an input records no frame rate."""
    from ..errors import InvalidOptionError

    pose = interface.pose
    untimed = [video for video in dict.fromkeys(t.video for t in pose.tracks) if video not in pose.timing]
    if untimed:
        raise InvalidOptionError(
            f"{path}: the pose files record no frame rate for video {untimed[0]!r}; give it with --fps (Hz)."
        )
