"""``poseconv export``: the poses of an NWB file back out to DeepLabCut, SLEAP (.slp or analysis .h5) or movement files.

With ``--training`` it exports the human-labeled training frames (ndx-pose ``PoseTraining``)
instead: DeepLabCut ``CollectedData`` files or a SLEAP ``.slp`` of user instances.
"""

from __future__ import annotations

import os
import warnings
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from ._common import (
    DebugOption,
    QuietOption,
    apply_flags,
    command_errors,
    is_nwb,
    progress,
    read_any,
    reading,
    status,
)
from ._export_training import export_training
from ._options import Untracked

__all__ = ["export"]

_SUFFIXES = {"dlc": (".h5", ".csv"), "slp": (".slp",), "movement": (".nc",), "sleap-analysis": (".h5",)}
# Formats written a block of frames at a time from the open NWB file (the others take whole arrays).
_STREAMED = ("slp", "sleap-analysis")


# SLEAP's endings of two suffixes, which its tools and users look for whole (SLEAP names an analysis file
# <labels>.<video>.analysis.h5).
_COMPOUND_ENDINGS = (".analysis.h5", ".predictions.slp", ".pkg.slp")


def _numbered(output: Path, label: str, count: int) -> Path:
    """Return the file of ``label`` (a video, a session) of ``count`` files: ``label`` goes before the ending."""
    if count == 1:
        return output
    name = output.name
    ending = next((e for e in _COMPOUND_ENDINGS if name.lower().endswith(e) and len(name) > len(e)), output.suffix)
    cut = len(name) - len(ending)
    return output.with_name(f"{name[:cut]}_{label}{name[cut:]}")


def _named_outputs(output: Path, names: list[str]) -> list[Path]:
    """Return the file of each of ``names`` (videos, animals, sessions): ``output`` alone, else ``<output>_<name>``.

    A file name cannot hold '/' (a SLEAP track 'm/1'): the names NWB takes, as the containers are named;
    made safe before they are told apart, so that 'm/1' beside 'm_1' is no second file of one name. Names
    that repeat are told apart by their position (``0_cam1``, ``1_cam1``).
    """
    from ..metadata.names import nwb_name

    safe = [nwb_name(name) for name in names]
    labels = [name if len(set(safe)) == len(safe) else f"{i}_{name}" for i, name in enumerate(safe)]
    return [_numbered(output, label, len(labels)) for label in labels]


UntrackedLabelsOption = Annotated[
    Untracked,
    typer.Option(
        "--untracked",
        help="With --training --to dlc: labeled animals without an individual (SLEAP labels without tracks) "
        "where the table needs one are an error (error), or the k-th of each frame is named `individual<k>` "
        "(by_order), as DeepLabCut names the animals of a multi-animal project.",
    ),
]


def export(
    nwb_file: Annotated[
        str,
        typer.Argument(
            metavar="NWB",
            help="An NWB file or NWB Zarr store with PoseEstimation containers, or its http(s):// or s3:// URL.",
            show_default=False,
        ),
    ],
    to: Annotated[
        Literal["dlc", "lp", "slp", "movement", "sleap-analysis"],
        typer.Option(
            "--to",
            "-t",
            help="dlc (.h5/.csv), lp (Lightning Pose .csv), slp, movement (.nc), or sleap-analysis (SLEAP's "
            "analysis .h5, one per video).",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Argument(
            metavar="OUT",
            help="Output file; its suffix picks .h5 or .csv for dlc. With --training --to dlc, a folder gets a "
            "labeled-data tree. Or give it with -o, as convert and plot take theirs.",
            show_default=False,
        ),
    ] = None,
    container: Annotated[
        list[str] | None,
        typer.Option(
            "--container",
            "-c",
            help="Export only these PoseEstimation containers (with --training: this PoseTraining).",
        ),
    ] = None,
    training: Annotated[
        bool,
        typer.Option(
            "--training",
            help="Export the human-labeled training frames (PoseTraining): DeepLabCut CollectedData or SLEAP user "
            "labels.",
        ),
    ] = False,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace existing output files.")] = False,
    untracked: UntrackedLabelsOption = "error",
    output_option: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="The output, as OUT (give one of the two).", show_default=False),
    ] = None,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Export the poses of an NWB file; one file per video when it holds several.

    With --training, export its training data instead: --to dlc writes CollectedData files (OUT a
    folder: labeled-data/VIDEO/CollectedData_SCORER.h5 and .csv, as in a DeepLabCut project;
    OUT a .h5/.csv: one table), --to lp one CollectedData.csv of every video (Lightning Pose's labels, of
    one animal), --to slp a .slp of user-labeled instances.
    """
    apply_flags(quiet, debug)
    output = _one_output(output, output_option)
    with command_errors():
        from ..exporters.files import check_not_the_source
        from ._common import input_location

        nwb_file = input_location(nwb_file)
        # Before the file is read: an export onto its own input would replace it (as convert refuses -o IN).
        check_not_the_source(output, nwb_file)
        _check_untracked(untracked, to, training)
        per_animal = to == "lp"  # Lightning Pose's CSV holds one animal
        exported = _format_for(to, output, training)
        if training:  # --to lp: Lightning Pose's own labels table, not DeepLabCut's as read
            written = export_training(nwb_file, to, output, container, overwrite, untracked)
        else:
            # A file of multi-camera sessions goes to .slp sessions, with their cameras.
            written = _export_sessions(nwb_file, output, overwrite) if exported == "slp" and not container else []
            written = written or _export_poses(nwb_file, exported, output, container, overwrite, per_animal)
        for path in written:
            status(f"Wrote {path}")


def _format_for(to: str, output: Path, training: bool) -> str:
    """Return the exporter's format (``lp`` writes DeepLabCut's CSV layout) once ``output`` suits it.

    Raises
    ------
    InvalidOptionError
        When the output's suffix is not one the format writes.
    OutputError
        When poses would go to a folder (--training writes a labeled-data tree into one).
    """
    from ..errors import InvalidOptionError
    from ..output import check_not_a_folder

    if not training:
        check_not_a_folder(output)
    if to == "lp":
        # Lightning Pose's predictions and labels (CollectedData.csv) are DeepLabCut's CSV layout.
        if output.suffix.lower() != ".csv":
            raise InvalidOptionError(f"{output}: --to lp writes .csv files (Lightning Pose reads CSV).")
        return "dlc"
    if not training and output.suffix.lower() not in _SUFFIXES[to]:
        raise InvalidOptionError(f"{output}: --to {to} writes {' or '.join(_SUFFIXES[to])} files.")
    return to


def _check_untracked(untracked: str, to: str, training: bool) -> None:
    """Refuse ``--untracked by_order`` where no table names animals by it (it would do nothing, without a word)."""
    from ..errors import InvalidOptionError

    if untracked != "error" and (not training or to != "dlc"):
        given = f"--to {to}" if training else f"--to {to} without --training"
        raise InvalidOptionError(
            f"--untracked {untracked} applies to --training --to dlc only (a multi-animal table; Lightning Pose's "
            f"holds one animal), not to {given}; leave it out."
        )


def _one_output(argument: Path | None, option: Path | None) -> Path:
    """Return the output given as OUT or as -o (users of convert and plot give -o); a usage error without one."""
    if argument is not None and option is not None and argument != option:
        raise typer.BadParameter(f"two outputs given, {argument} (OUT) and {option} (-o); give one.", param_hint="-o")
    chosen = argument if argument is not None else option
    if chosen is None:
        raise typer.BadParameter("give the file to write, as OUT or with -o.", param_hint="OUT")
    return chosen


# Formats of 2D poses only: the 3D poses of a session are left out of them (with a warning) beside 2D ones.
_2D_ONLY = ("slp", "sleap-analysis")


def _export_poses(
    nwb_file: Path, to: str, output: Path, container: list[str] | None, overwrite: bool, per_animal: bool = False
) -> list[Path]:
    """Write the poses of ``nwb_file`` (or of its ``container`` list) in the ``to`` format; return the files.

    ``per_animal``: one table per animal and video (Lightning Pose's CSV holds one animal).
    """
    from ..errors import InvalidOptionError
    from ..nwb.read.store import location_name

    with progress() as bar:
        task = bar.add_task(f"Reading {location_name(nwb_file)}", total=None)
        # The .slp and analysis writers go through the tracks a block of frames at a time: they read
        # them from the open file. The table exporters take whole arrays.
        opened = reading(nwb_file, containers=container) if to in _STREAMED else nullcontext(None)
        with opened as lazy_poses:
            poses = lazy_poses if lazy_poses is not None else read_any(nwb_file, containers=container)
            if not poses:
                raise InvalidOptionError(
                    f"{nwb_file}: holds no PoseEstimation to export "
                    "(its human-labeled training frames, if it holds a PoseTraining, export with --training)."
                )
            return _write_poses(to, poses, output, overwrite, bar, task, per_animal)


def _export_sessions(nwb_file: Path, output: Path, overwrite: bool) -> list[Path]:
    """Write each multi-camera session of ``nwb_file`` (``MultiCameraPoseEstimation``) as a .slp with its cameras.

    Returns the files written; none when the file holds no session (its poses are then exported as usual).
    """
    from ..exporters.sleap_session import write_slp_session
    from ..nwb.read.multicamera import read_multicamera

    if not is_nwb(nwb_file):
        return []
    sessions = read_multicamera(nwb_file)
    # A .slp holds each camera's 2D poses and the cameras, not the triangulated points: said as --to
    # sleap-analysis says it (_without_3d), not left out without a word.
    _without_3d([data.pose_3d for data in sessions if data.pose_3d is not None and data.pose_3d.tracks], "slp")
    # Named by their MultiCameraPoseEstimation containers, as the poses' files are by their videos.
    names = ["_".join(data.notes.get("containers") or []) or str(i) for i, data in enumerate(sessions)]
    paths = _checked(_named_outputs(output, names), overwrite, nwb_file)
    with _together(paths) as written:
        for data, path in zip(sessions, paths, strict=True):
            written.append(write_slp_session(data, path, overwrite=overwrite))
    return written


def _together(paths: list[Path]) -> Any:
    """Return a context in which the files ``paths`` are written as one export: all of them or none (several)."""
    from ..exporters.files import all_or_none

    # One file is whole or absent already (atomic_output); none is kept aside for it.
    return all_or_none(paths) if len(paths) > 1 else nullcontext([])


def _write_poses(
    to: str, poses: list, output: Path, overwrite: bool, bar: Any, task: Any, per_animal: bool = False
) -> list[Path]:
    """Write every PoseData (slp) or every video of every PoseData (dlc, movement, sleap-analysis); return the files.

    ``per_animal``: every animal of every video to a file of its own (``<output>_<video>_<animal>``).
    """
    if all(pose.n_frames(video) == 0 for pose in poses for video in pose.videos):
        from ..errors import InvalidOptionError

        # A PoseEstimation without series (ndx-pose allows it): an export would be an empty, unreadable file.
        names = ", ".join(dict.fromkeys(pose.source_name for pose in poses))
        raise InvalidOptionError(f"{names}: holds no pose series (no frame), so there is nothing to export.")
    source = poses[0].source_file  # the NWB file every PoseData was read from
    if to in _2D_ONLY and any(pose.n_dims == 2 for pose in poses):
        poses = _without_3d(poses, to)
    if to == "slp":
        from ..exporters.sleap import write_slp

        # Named by their videos, as the tables are (two cameras: x_cam1.slp and x_cam2.slp, not x_0.slp and x_1.slp).
        names = ["_".join(dict.fromkeys(t.video for t in pose.tracks)) or pose.source_name for pose in poses]
        paths = _named_outputs(output, names)
        _check_name_lengths(output, paths, [[("video", name)] for name in names])
        paths = _checked(paths, overwrite, source)
        with _together(paths) as written:
            for i, (pose, path) in enumerate(zip(poses, paths, strict=True)):
                bar.update(task, description=f"Writing {to} {i + 1}/{len(poses)}")
                written.append(write_slp(pose, path, overwrite=overwrite))
        return written
    jobs = _non_empty([(pose, video) for pose in poses for video in dict.fromkeys(t.video for t in pose.tracks)])
    names = [video for _, video in jobs]
    parts = [[("video", video)] for video in names]
    if per_animal:
        # As movement's to_lp_file: a multi-animal table is one Lightning Pose cannot read.
        jobs, names = _per_animal(jobs)
        # A name is <video>_<animal> where the videos hold several animals, else the video's alone.
        parts = [
            [("video", video)] + ([("track", name.removeprefix(f"{video}_"))] if name != video else [])
            for (_, video), name in zip(jobs, names, strict=True)
        ]
    paths = _named_outputs(output, names)
    _check_name_lengths(output, paths, parts)
    paths = _checked(paths, overwrite, source)
    # A Ctrl-C after two of five files (one per animal or video) left those two: an export is all its files.
    with _together(paths) as written:
        for i, ((pose, video), path) in enumerate(zip(jobs, paths, strict=True)):
            bar.update(task, description=f"Writing {to} {i + 1}/{len(jobs)}")
            written.append(_write_table(to, pose, video, path, overwrite, one_animal=per_animal))
    return written


def _per_animal(jobs: list[tuple[Any, str]]) -> tuple[list[tuple[Any, str]], list[str]]:
    """Split each (poses, video) job into one per animal; return the jobs and their names (``video_animal``).

    The animal is named whenever the file holds more than one (across all its videos), also for a video that
    holds one of them: a Lightning Pose table has no individuals level, so its name is all that says which.
    """
    named = len({track.name for pose, video in jobs for track in pose.tracks if track.video == video}) > 1
    split, names = [], []
    for pose, video in jobs:
        animals = list(dict.fromkeys(track.name for track in pose.tracks if track.video == video))
        for animal in animals:
            split.append((pose.select_tracks([animal]) if len(animals) > 1 else pose, video))
            names.append(f"{video}_{animal}" if named else video)
    return split, names


def _shown(name: str, room: int = 40) -> str:
    """Return ``name`` for a message, cut to its first ``room`` characters when longer."""
    return name if len(name) <= room else f"{name[:room]}…"


def _check_name_lengths(output: Path, paths: list[Path], parts: list[list[tuple[str, str]]]) -> None:
    """Refuse a file name too long for its file system because of the video or track it is named after.

    ``parts``: for each of ``paths``, the (kind, name) pairs its name adds to OUT. The file system's own
    word ("Choose a shorter name") would blame OUT, which fits, while a 300-character track name is at fault.
    """
    from ..output import OutputError, check_not_a_folder

    for path, named in zip(paths, parts, strict=True):
        # OUT's own name is checked as given; a folder at the path is export_path's to refuse (os.path.exists
        # says False where Path.exists raises for a name too long).
        if path == output or os.path.exists(path):
            continue
        try:
            check_not_a_folder(path)
        except OutputError as err:
            problem = str(err).removeprefix(f"{path}: ").removesuffix(" Choose a shorter name.")
            kind, name = max(named, key=lambda part: len(part[1].encode()))
            advice = (
                "Export that animal on its own with --container and its PoseEstimation's name (poseconv inspect "
                "lists them): the file of one animal is named OUT itself"
                if kind == "track"
                else "Export it on its own with --container (poseconv inspect lists the containers): a single "
                "file is named OUT itself"
            )
            raise OutputError(
                f"{output}: the file for the {kind} {_shown(name)!r} would be named {_shown(path.name, 60)!r}: "
                f"{problem} The {kind}'s name ({len(name)} characters) makes it long, not OUT. {advice}; or give "
                f"the {kind} a shorter name in the source file and convert again."
            ) from None


def _checked(paths: list[Path], overwrite: bool, source: Path | str) -> list[Path]:
    """Return ``paths`` once none is in the way (exists, or is ``source``): checked before any file is written.

    ``source`` is the NWB file exported (a numbered output, ``x_<video>.h5``, may be it as well as OUT).
    """
    from ..exporters.files import export_path

    return [export_path(path, overwrite=overwrite, flag="--overwrite", source=source) for path in paths]


def _non_empty(jobs: list[tuple[Any, str]]) -> list[tuple[Any, str]]:
    """Leave out the videos with no frame (a PoseEstimation without series), saying so."""
    empty = [(pose, video) for pose, video in jobs if pose.n_frames(video) == 0]
    if not empty:
        return jobs
    kept = [(pose, video) for pose, video in jobs if pose.n_frames(video) > 0]

    from ..errors import PoseconvWarning

    for pose, video in empty:
        warnings.warn(
            f"{pose.source_name}: video {video!r} has no pose series (no frame); no file is written for it.",
            PoseconvWarning,
            stacklevel=2,
        )
    return kept


def _without_3d(poses: list, to: str) -> list:
    """Drop the 3D poses (of multi-camera sessions) that a 2D format cannot hold, saying so."""
    from ..errors import PoseconvWarning

    for pose in poses:
        if pose.n_dims != 2:
            warnings.warn(
                f"{pose.source_name}: the {pose.n_dims}D poses ({', '.join(pose.track_names())}) are not "
                f"written: --to {to} holds 2D poses; export them with --to dlc or --to movement.",
                PoseconvWarning,
                stacklevel=2,
            )
    return [pose for pose in poses if pose.n_dims == 2]


def _write_table(to: str, pose: Any, video: str, path: Path, overwrite: bool, one_animal: bool = False) -> Path:
    if to == "sleap-analysis":
        from ..exporters.sleap_analysis import write_sleap_analysis

        return write_sleap_analysis(pose, path, video=video, overwrite=overwrite)
    if to == "dlc":
        from ..exporters.deeplabcut import write_deeplabcut

        # Lightning Pose reads the three header rows of a single-animal table (scorer, bodyparts, coords).
        multi_animal = False if one_animal else None
        return write_deeplabcut(pose, path, video=video, overwrite=overwrite, multi_animal=multi_animal)
    from ..exporters.files import export_path
    from ..exporters.movement import to_movement_dataset
    from ..output import atomic_output
    from ..signals import signals_held

    export_path(path, overwrite=overwrite, flag="--overwrite")
    dataset = to_movement_dataset(pose, video=video, output=path)
    # netCDF attributes cannot be None.
    dataset.attrs = {k: v for k, v in dataset.attrs.items() if v is not None}
    # A Ctrl-C inside to_netcdf left one of xarray's file locks held and closing the file waited on it for
    # ever: the signal waits for the file to be written, then ends the export (and the file is removed).
    with atomic_output(path, overwrite=overwrite) as partial, signals_held():
        dataset.to_netcdf(partial)
    return path
