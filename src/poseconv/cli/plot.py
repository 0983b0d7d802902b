"""``poseconv plot``: a quick-look figure of a pose file or an NWB file, or its poses over the video."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from ._common import (
    DebugOption,
    QuietOption,
    SourceFormatOption,
    apply_flags,
    command_errors,
    is_nwb,
    progress,
    status,
)
from ._option_reading import reading_with_options
from ._options import OptionsOption, option_pairs

__all__ = ["plot"]

# Outputs of the overlay: one frame is an image, a range of frames a video.
_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
_VIDEO_SUFFIXES = (".mp4",)


FileArgument = Annotated[
    str,
    typer.Argument(
        metavar="NWB|INPUT",
        help="An NWB file or NWB Zarr store (or its http(s):// or s3:// URL), or a pose file.",
        show_default=False,
    ),
]

# A pose file has no containers: --container names the video of its poses to plot (plot --video draws one video).
ContainerOption = Annotated[
    list[str] | None,
    typer.Option(
        "--container",
        "-c",
        help="NWB: plot only these containers; a pose file of several videos: only the poses of these videos.",
    ),
]


def plot(
    file: FileArgument,
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="Image to write (.png, .pdf, .svg); with --video a .png (--frame) or an .mp4 (--frames).",
            show_default=False,
        ),
    ],
    source: SourceFormatOption = None,
    option: OptionsOption = None,
    container: ContainerOption = None,
    max_tracks: Annotated[int, typer.Option("--max-tracks", min=1, help="Draw at most this many tracks.")] = 8,
    pcutoff: Annotated[
        float | None,
        typer.Option("--pcutoff", min=0.0, help="Leave out keypoints whose confidence is below this (as DeepLabCut)."),
    ] = None,
    video: Annotated[
        bool, typer.Option("--video", help="Draw the poses over the frames of their video instead of a summary.")
    ] = False,
    frame: Annotated[
        int | None, typer.Option("--frame", min=0, help="With --video: this pose frame, to a .png.")
    ] = None,
    frames: Annotated[
        str | None, typer.Option("--frames", metavar="A:B", help="With --video: pose frames A to B-1, to an .mp4.")
    ] = None,
    video_path: Annotated[
        Path | None,
        typer.Option("--video-path", help="With --video: the video file, instead of the one the file names."),
    ] = None,
    color_by: Annotated[
        str,
        typer.Option(
            "--color-by",
            help="With --video: auto (a colour per individual, per keypoint when there is one), individual, keypoint.",
        ),
    ] = "auto",
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace OUTPUT if it exists.")] = False,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Draw trajectories per node, confidence over time and missing data, one row per track.

    With --video (or --frame, --frames, --video-path): each individual's skeleton and keypoints over
    the frames of the video the poses were estimated on, found through the NWB file's external
    ImageSeries (paths relative to the NWB file; for a URL, give the video with --video-path); --frame N writes
    one image, --frames A:B an MP4.
    """
    apply_flags(quiet, debug)
    with command_errors():
        from ..exporters.files import export_path
        from ..nwb.read.store import location_name
        from ._common import input_location

        file = input_location(file)
        export_path(output, overwrite=overwrite, flag="--overwrite")
        overlay = video or frame is not None or frames is not None or video_path is not None
        _check_color_by(color_by, overlay)
        if overlay:
            _check_overlay_output(output, frame, frames)
        with progress() as bar:
            task = bar.add_task(f"Reading {location_name(file)}", total=None)
            # NWB tracks are read a block at a time while drawing; long recordings are decimated.
            # A pose file has no containers: its --container names videos (as plot --video says them).
            nwb = is_nwb(file)
            given = {"source": source, "options": option_pairs(option), "containers": container if nwb else None}
            with reading_with_options(file, command="plot", **given) as poses:
                poses = poses if nwb or not container else _of_videos(poses, file, container)
                _check_poses(poses, file, container)
                bar.update(task, description=f"Drawing {output.name}")
                if overlay:
                    message = _draw_overlay(poses, file, output, frame, frames, video_path, pcutoff, color_by)
                else:
                    from ..exporters.quicklook import write_quicklook_figure

                    write_quicklook_figure(poses, output, max_tracks=max_tracks, pcutoff=pcutoff)
                    message = f"Wrote {output}"
        status(message)


def _check_poses(poses: list, file: Path | str, containers: list[str] | None) -> None:
    """Refuse a file with no poses over time, naming it (and, for labels, what shows them instead)."""
    from ..errors import InvalidOptionError
    from ..model.location import recorded_location

    if any(pose.tracks for pose in poses):
        return
    shown = recorded_location(file)
    if not is_nwb(file):
        raise InvalidOptionError(f"{shown}: holds no poses to plot.")
    if containers:
        raise InvalidOptionError(f"{shown}: the containers {', '.join(containers)} hold no poses to plot.")
    if _holds_training(file):
        raise InvalidOptionError(
            f"{shown}: holds no PoseEstimation to plot; plot draws poses over time (PoseEstimation), and this file "
            f"holds human-labeled training frames (PoseTraining): poseconv inspect summarises them, "
            "poseconv export --training writes them out (DeepLabCut, Lightning Pose or SLEAP labels)."
        )
    raise InvalidOptionError(f"{shown}: holds no PoseEstimation to plot.")


def _of_videos(poses: list, file: Path | str, keys: list[str]) -> list:
    """Return the poses of a pose file estimated on the videos ``keys`` (its --container), refusing other keys."""
    import dataclasses

    from ..errors import InvalidOptionError
    from ..model.location import recorded_location

    held = list(dict.fromkeys(track.video for pose in poses for track in pose.tracks))
    unknown = [key for key in keys if key not in held]
    if unknown:
        raise InvalidOptionError(
            f"{recorded_location(file)}: no poses of the video {', '.join(unknown)}; its poses come from the videos "
            f"{', '.join(held)}: give one of them to --container, or leave --container out."
        )
    kept = []
    for pose in poses:
        tracks = [track for track in pose.tracks if track.video in keys]
        if tracks:
            used = {track.video for track in tracks}
            videos = {key: info for key, info in pose.videos.items() if key in used}
            timing = {key: timing for key, timing in pose.timing.items() if key in used}
            kept.append(dataclasses.replace(pose, tracks=tracks, videos=videos, timing=timing))
    return kept


def _holds_training(file: Path | str) -> bool:
    """Return whether the NWB file holds a PoseTraining (False when it cannot be opened: the reader said why)."""
    from ..errors import InvalidSourceFileError
    from ..nwb.read.store import open_store
    from .inspect import training_names

    try:
        with open_store(file) as handle:
            return bool(training_names(handle))
    except InvalidSourceFileError:
        return False


def _check_color_by(color_by: str, overlay: bool) -> None:
    """Refuse an unknown --color-by, or one given without the video it colours, before anything is read."""
    from ..errors import InvalidOptionError
    from ..exporters.overlay import COLOR_BY

    if color_by not in COLOR_BY:
        raise InvalidOptionError(f"--color-by must be one of {', '.join(COLOR_BY)}, got {color_by!r}.")
    if color_by != "auto" and not overlay:
        raise InvalidOptionError(
            "--color-by colours the poses drawn over their video; add --video (--frame N for one image), or leave "
            "it out for the summary figure, which has a colour per body part."
        )


def _check_overlay_output(output: Path, frame: int | None, frames: str | None) -> None:
    """Refuse options that do not go together before anything is read."""
    from ..errors import InvalidOptionError

    suffix = output.suffix.lower()
    if frame is not None and frames is not None:
        raise InvalidOptionError("--frame and --frames do not go together: one frame (an image) or a range (a video).")
    if frame is not None and suffix not in _IMAGE_SUFFIXES:
        raise InvalidOptionError(f"{output}: --frame writes an image; name it .png or .jpg.")
    if frame is None and suffix not in _VIDEO_SUFFIXES:
        hint = "pass --frame N for one frame" if suffix in _IMAGE_SUFFIXES else "name it .mp4"
        raise InvalidOptionError(f"{output}: --video writes an .mp4 of frames (all, or --frames A:B); {hint}.")


def _draw_overlay(
    poses: list,
    file: Path | str,
    output: Path,
    frame: int | None,
    frames: str | None,
    video_path: Path | None,
    pcutoff: float | None,
    color_by: str,
) -> str:
    """Draw the poses over their video; return the status line."""
    from ..exporters.linked_video import video_of_poses
    from ..exporters.overlay import parse_frame_range, write_overlay_image, write_overlay_video

    key, linked = video_of_poses(poses, file, override=video_path)
    options = {"video": linked, "video_key": key, "pcutoff": pcutoff, "color_by": color_by}
    if frame is not None:
        write_overlay_image(poses, output, frame=frame, **options)
        return f"Wrote {output}: pose frame {frame} over {_files_shown(poses, key, linked, [frame])}"
    n_frames = next(pose.n_frames(key) for pose in poses if key in pose.videos)
    selected = parse_frame_range(frames, n_frames) if frames is not None else None
    written = write_overlay_video(poses, output, frames=selected, **options)
    shown = _files_shown(poses, key, linked, selected if selected is not None else range(n_frames))
    return f"Wrote {output}: {written} frames over {shown}"


def _files_shown(poses: list, key: str, linked: Any, frames: Sequence[int]) -> str:
    """Name the video files the pose ``frames`` were drawn over: an image sequence's own images, not its first."""
    from ..exporters.linked_video import video_frame_indices

    if len(linked.files) == 1 or not len(frames):
        return linked.files[0].name
    pose = next(pose for pose in poses if key in pose.videos)
    # As the overlay finds each frame's file (write_overlay_image, write_overlay_video).
    shown = video_frame_indices(pose.timing.get(key), pose.n_frames(key), [frames[0], frames[-1]], linked)
    first, last = (linked.files[linked.locate(int(index))[0]].name for index in shown)
    return first if first == last else f"{first} to {last}"
