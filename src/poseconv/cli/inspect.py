"""``poseconv inspect``: what a pose file or an NWB file holds.

Besides the poses, an NWB file's training data (ndx-pose ``PoseTraining``) is
summarised: labeled frames, instances, individuals/tracks, skeletons and source
videos; so are labels given with ``--source dlc-labels|sleap-labels``. A video whose frames the
NWB file holds (a ``source_video`` ``ImageSeries`` without an external file) is said to be stored
in the file, with its frame count (``--json``: the video's ``stored_in_file``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ._common import (
    DebugOption,
    LabelsNotPosesError,
    QuietOption,
    SourceFormatOption,
    apply_flags,
    command_errors,
    input_location,
    is_nwb,
    progress,
    stdout_console,
)
from ._option_reading import interface_with_options, reading_with_options
from ._options import OptionsOption, option_pairs

if TYPE_CHECKING:
    from ..model.training import TrainingData

__all__ = ["inspect", "summarize_training", "training_names"]


def inspect(
    file: Annotated[
        str,
        typer.Argument(
            metavar="FILE",
            help="A pose file, an NWB file or NWB Zarr store, or the http(s):// or s3:// URL of one (DANDI).",
            show_default=False,
        ),
    ],
    source: SourceFormatOption = None,
    option: OptionsOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Show software, skeletons, individuals/tracks, frames, rate, missing data and confidence.

    The confidence mean, min, median and max of a node (--json: its "confidence") are over the
    frames where the node has coordinates: DeepLabCut writes a likelihood of 0.0 where x and y are NaN.

    A pose file's rate is the one convert writes (a video found beside the file before the rate
    the file records), with where it comes from.

    For an NWB file with training data (PoseTraining), also its labeled frames, instances,
    individuals/tracks, skeletons and source videos.

    With --option, a pose file is read by its interface given those arguments, as convert reads it
    (a Lightning Pose session's view_names, a SLEAP file's video_indices or predicted_only).
    """
    apply_flags(quiet, debug)
    with command_errors():
        from ..exporters.summary import summarize_pose
        from ..model.location import recorded_location
        from ..nwb.read.store import location_name

        file = input_location(file)
        options = option_pairs(option)
        session = None
        with progress() as bar:
            bar.add_task(f"Reading {location_name(file)}", total=None)
            try:
                # NWB tracks are summarized a block at a time from the open file.
                with reading_with_options(file, source=source, options=options, command="inspect") as poses:
                    summaries = [summarize_pose(pose) for pose in poses]
                session, names = _nwb_facts(file) if is_nwb(file) else (None, [])
                if is_nwb(file):
                    _add_stored_videos(file, poses, summaries)
                trainings = [summarize_training(t, name=n) for n, t in _read_trainings(file, names)]
            except LabelsNotPosesError as labels:
                # Labels (named or detected): their frames and instances, as the training data of an NWB file.
                summaries = []
                interface = interface_with_options(file, labels.source, options)
                trainings = [summarize_training(interface.training_data)]
        # A signed URL's signature and credential are left out, as from the poses' source_file (recorded_location).
        shown = recorded_location(file)
        if as_json:
            document = {"file": shown, "session": session, "poses": summaries, "training": trainings}
            typer.echo(json.dumps(document, indent=2))
            return
        console = stdout_console()
        if session is not None:
            _print_session(console, shown, session)
        if not summaries and not trainings:
            console.print(f"{shown}: no PoseEstimation found.")
        for summary in summaries:
            _print_summary(console, summary)
        for training in trainings:
            _print_training(console, training)


_SUBJECT_FIELDS = ("subject_id", "species", "sex", "age", "date_of_birth", "description")


def _nwb_facts(path: Path | str) -> tuple[dict[str, Any] | None, list[str]]:
    """Return the session start, description and Subject of an NWB file, and the names of its PoseTraining.

    One opening of the file (a URL is read once). The session is None when the file cannot be opened.
    """
    from ..errors import InvalidSourceFileError
    from ..nwb.read.store import is_dataset, open_store, text

    def value(node: Any, key: str) -> str | None:
        found = node.get(key)
        return text(found) if found is not None and is_dataset(found) else None

    try:
        with open_store(path) as handle:
            subject = handle.get("general/subject")
            session = {
                "session_start_time": value(handle, "session_start_time"),
                "session_description": value(handle, "session_description"),
                "subject": None if subject is None else {key: value(subject, key) for key in _SUBJECT_FIELDS},
            }
            names = training_names(handle)
    except InvalidSourceFileError:
        # An unreadable file: the pose reader says what is wrong with it.
        return None, []
    return session, names


def _add_stored_videos(path: Path | str, poses: list[Any], summaries: list[dict[str, Any]]) -> None:
    """Add ``stored_in_file`` to the summary of each video with no file whose frames the NWB file holds.

    A ``source_video`` ``ImageSeries`` may keep its frames in the file (neuroconv's ``InternalVideoInterface``)
    rather than name a video file: ``{"name": its path, "n_frames": frames stored}``, not "not found".
    """
    from ..exporters.linked_video import stored_source_videos

    unfiled = {
        (i, key): [path for name, path in pose.notes.get("nwb_containers", {}).items() if name.split("/", 1)[0] == key]
        for i, (pose, summary) in enumerate(zip(poses, summaries, strict=True))
        for key, video in summary["videos"].items()
        if not (video["path"] or video["original_path"] or video["image_files"])
    }
    if not any(unfiled.values()):
        return
    stored = stored_source_videos(path, [c for containers in unfiled.values() for c in containers])
    for (i, key), containers in unfiled.items():
        found = next((stored[c] for c in containers if c in stored), None)
        if found is not None:
            summaries[i]["videos"][key]["stored_in_file"] = {"name": found.name, "n_frames": found.n_frames}


def training_names(handle: Any) -> list[str]:
    """Return the names of the PoseTraining containers of an open NWB file (``open_store``), in file order.

    Found by neurodata type, as read_training finds them, so a file of several PoseTraining shows them all.
    """
    from ..nwb.read.store import child_groups, is_group

    processing = handle.get("processing")
    modules = processing.values() if processing is not None and is_group(processing) else []
    return [name for module in modules if is_group(module) for name in child_groups(module, "PoseTraining")]


def _print_session(console: Any, path: Path | str, session: dict[str, Any]) -> None:
    from rich.text import Text

    console.print(Text.assemble((str(path), "bold"), " (session)"))
    console.print(f"  session start: {session['session_start_time'] or '-'}")
    console.print(f"  description: {session['session_description'] or '-'}")
    subject = session["subject"]
    if subject is None:
        console.print("  Subject: none (DANDI requires subject_id, species, sex and age)")
        return
    shown = ", ".join(f"{key}={value}" for key, value in subject.items() if value)
    missing = [key for key in ("subject_id", "species", "sex", "age") if not subject.get(key)]
    if "age" in missing and subject.get("date_of_birth"):
        missing.remove("age")
    note = f" (missing for DANDI: {', '.join(missing)})" if missing else ""
    console.print(f"  Subject: {shown or '-'}{note}")


def _read_trainings(path: Path | str, names: list[str]) -> list[tuple[str, TrainingData]]:
    """Read the PoseTraining ``names`` of an NWB file, by container name."""
    if not names:
        # A pose file, or an NWB file without training data: the NWB reading code is not imported.
        return []
    from ..nwb.read.training import read_training

    return [(name, read_training(path, name=name if len(names) > 1 else None)) for name in names]


def summarize_training(training: TrainingData, *, name: str | None = None) -> dict[str, Any]:
    """Return the facts ``poseconv inspect`` shows about training data, as JSON types.

    Parameters
    ----------
    training : TrainingData
        The labels.
    name : str, optional
        Name of the PoseTraining container they were read from.

    Returns
    -------
    dict
        Container name, software, frames, instances, individuals/tracks (instances each),
        skeletons (nodes, edges, instances), source videos (labeled frames, frame index range,
        file, or the images of an image sequence), annotators and label files.
    """
    from ..model.location import recorded_location

    instances = [i for f in training.frames for i in f.instances]
    by_individual = {individual: 0 for individual in training.individuals}
    by_skeleton = dict.fromkeys(training.skeletons, 0)
    for instance in instances:
        by_skeleton[instance.skeleton] += 1
        if instance.individual is not None:
            by_individual[instance.individual] += 1
    videos = {}
    for key in training.video_keys():
        frames = training.frames_of(key)
        indices = [f.frame_index for f in frames if f.frame_index is not None]
        info = training.videos[key]
        videos[key] = {
            "labeled_frames": len(frames),
            "instances": sum(len(f.instances) for f in frames),
            "first_frame_index": min(indices) if indices else None,
            "last_frame_index": max(indices) if indices else None,
            "frames_without_index": len(frames) - len(indices),
            "path": str(info.path) if info.path is not None else None,
            "original_path": info.original_path,
            "image_files": [str(image) for image in info.image_files] if info.image_files else None,
            "images": sum(1 for f in frames if f.image),
        }
    return {
        "name": name or training.notes.get("pose_training"),
        "source_software": training.source_software,
        "source_software_version": training.source_software_version,
        "source_file": recorded_location(training.source_file),
        "n_frames": len(training.frames),
        "n_instances": len(instances),
        "frames_without_instances": sum(1 for f in training.frames if not f.instances),
        "annotators": training.annotators,
        "individuals": by_individual,
        "untracked_instances": sum(1 for i in instances if i.individual is None),
        "skeletons": {
            key: {
                "nodes": list(skeleton.nodes),
                "edges": [list(edge) for edge in skeleton.edges],
                "instances": by_skeleton[key],
            }
            for key, skeleton in training.skeletons.items()
        },
        "videos": videos,
        "label_files": list(training.label_files),
    }


def _print_training(console: Any, summary: dict[str, Any]) -> None:
    version = f" {summary['source_software_version']}" if summary["source_software_version"] else ""
    title = summary["name"] or summary["source_file"]
    console.print(f"Training data {title}", style="bold")
    annotators = ", ".join(summary["annotators"]) or "-"
    console.print(
        f"  software: {summary['source_software']}{version}   labeled frames: {summary['n_frames']}   "
        f"instances: {summary['n_instances']}   annotators: {annotators}"
    )
    if summary["frames_without_instances"]:
        console.print(f"  {summary['frames_without_instances']} frame(s) saved without labels")
    if summary["individuals"]:
        counts = ", ".join(f"{name} ({n})" for name, n in summary["individuals"].items())
        console.print(f"  individuals/tracks (instances): {counts}")
    if summary["untracked_instances"]:
        console.print(f"  instances without an individual/track: {summary['untracked_instances']}")
    for name, skeleton in summary["skeletons"].items():
        edges = ", ".join(f"{skeleton['nodes'][a]}-{skeleton['nodes'][b]}" for a, b in skeleton["edges"]) or "none"
        console.print(
            f"  skeleton {name}: {len(skeleton['nodes'])} nodes ({', '.join(skeleton['nodes'])}); edges: {edges}; "
            f"{skeleton['instances']} instance(s)"
        )
    for key, video in summary["videos"].items():
        first, last = video["first_frame_index"], video["last_frame_index"]
        span = f"frames {first}-{last}" if first is not None else "no frame indices"
        if video["frames_without_index"] and first is not None:
            span += f", {video['frames_without_index']} without index"
        if video["path"] is None and video["original_path"] is None and video["images"] and first is None:
            # Images with no video recorded (ndx-pose's source_frame Images in the file, photos labeled by name).
            console.print(
                f"  labeled images {key}: {video['images']} image(s), {video['instances']} instance(s); no video"
            )
            continue
        where = _video_file(video, "none recorded")
        console.print(
            f"  source video {key}: {video['labeled_frames']} labeled frame(s), {video['instances']} instance(s), "
            f"{span}; file: {where}"
        )
    if summary["label_files"]:
        console.print(f"  label files: {', '.join(summary['label_files'])}")


def _video_file(video: dict[str, Any], none: str) -> str:
    """Say the video's file: the one linked or found here, else the path recorded (another machine's), else ``none``.

    An image sequence (one image per frame) is here when every image is (``image_files``): it has no one file.
    """
    if video["path"]:
        return str(video["path"])
    if video.get("stored_in_file"):
        stored = video["stored_in_file"]
        frames = f", {stored['n_frames']} frames" if stored["n_frames"] is not None else ""
        return f"stored in the NWB file ({stored['name']}{frames})"
    if video.get("image_files"):
        images = video["image_files"]
        return f"{len(images)} images, all here (first: {images[0]})"
    return f"not here (recorded as {video['original_path']})" if video["original_path"] else none


# Characters of the scorer shown in the text summary.
_SCORER_SHOWN = 100


def _fmt(value: float | None, pattern: str = "{:.3f}") -> str:
    return "-" if value is None else pattern.format(value)


def _node_table(console: Any, track: dict[str, Any], title: Any) -> Any:
    """Return the table of a track's nodes: a column per value, or, when that is wider than the console, two.

    A terminal too narrow for a column per value cut every node name and number to ``bo…`` / ``0.…``; there each
    node's values go one per line beside it, and nothing is cut (long names fold).
    """
    from rich.measure import Measurement
    from rich.table import Table
    from rich.text import Text

    # Over the points with coordinates (summarize_pose): a DeepLabCut 0.0 beside NaN x/y is no confidence.
    headings = ["missing"] + (["conf. mean (posed)", "min", "median", "max"] if track["confidence"] is not None else [])
    rows = []
    for node, missing in track["missing_fraction"].items():
        values = [_fmt(missing, "{:.1%}")]
        if track["confidence"] is not None:
            stats = track["confidence"][node]
            values += [_fmt(stats["mean"]), _fmt(stats["min"]), _fmt(stats["median"]), _fmt(stats["max"])]
        rows.append((node, values))
    table = Table(title=title, title_justify="left")
    table.add_column("node", overflow="fold")
    for heading in headings:
        table.add_column(heading, justify="right", overflow="fold")
    for node, values in rows:
        table.add_row(Text(node), *values)
    # Measured unbounded: a measurement within the console's width is cut to it.
    if Measurement.get(console, console.options.update_width(10**6), table).maximum <= console.width:
        return table
    narrow = Table(title=title, title_justify="left")
    narrow.add_column("node", overflow="fold")
    narrow.add_column("missing; confidence (posed)" if len(headings) > 1 else "missing", overflow="fold")
    labels = ["missing", "conf. mean", "min", "median", "max"][: len(headings)]
    for node, values in rows:
        narrow.add_row(Text(node), "\n".join(f"{label} {value}" for label, value in zip(labels, values, strict=True)))
    return narrow


def _print_summary(console: Any, summary: dict[str, Any]) -> None:
    from rich.text import Text

    version = f" {summary['source_software_version']}" if summary["source_software_version"] else ""
    console.print(summary["source_file"], style="bold")
    scorer = summary["scorer"] or "-"
    if len(scorer) > _SCORER_SHOWN:
        # Some writers store a whole provenance record here (sleap-io's NWB export); --json has all of it.
        scorer = f"{scorer[: _SCORER_SHOWN - 1]}… ({len(scorer)} characters; --json shows all)"
    console.print(
        f"  software: {summary['source_software']}{version}   scorer: {scorer}   "
        f"unit: {summary['unit']}   {summary['n_dims']}D"
    )
    for name, skeleton in summary["skeletons"].items():
        edges = ", ".join(f"{skeleton['nodes'][a]}-{skeleton['nodes'][b]}" for a, b in skeleton["edges"]) or "none"
        console.print(
            f"  skeleton {name}: {len(skeleton['nodes'])} nodes ({', '.join(skeleton['nodes'])}); edges: {edges}"
        )
    for key, video in summary["videos"].items():
        if video["rate"] is None and video["path"]:
            # The conversion takes the frame times of a video found beside the poses (poseconv.timing).
            timing = "no frame rate recorded (converting reads the video's frame times; --fps sets a rate)"
        elif video["rate"] is None:
            timing = "no frame rate recorded (give --fps when converting)"
        else:
            kind = "timestamps, mean rate" if video["timestamps"] else "rate"
            timing = f"{kind} {video['rate']:.6g} Hz, {video['duration']:.3f} s from {video['starting_time']:.6g} s"
            # Where the times come from: a pose file's are those convert writes (the video's first).
            timing += f" ({video['timing_source']})" if video.get("timing_source") else ""
        where = _video_file(video, "not found")
        console.print(f"  video {key}: {video['n_frames']} frames; {timing}; file: {where}")
    for track in summary["tracks"]:
        frames = f"{track['frames_with_pose']}/{track['n_frames']} frames with a pose"
        if track.get("container"):
            frames += f"; in {track['container']}"
        title = Text(f"{track['name']} (video {track['video']}): {frames}")
        console.print(_node_table(console, track, title))
        if track.get("extra_columns"):
            columns = ", ".join("/".join(columns) for columns in track["extra_columns"].values())
            console.print(f"  also per node, kept beside x, y and confidence: {columns}")
