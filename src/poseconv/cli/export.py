"""``poseconv export``: the poses of an NWB file back out to DeepLabCut, SLEAP or movement files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from ._common import DebugOption, QuietOption, apply_flags, command_errors, progress, read_any, status

__all__ = ["export"]

_SUFFIXES = {"dlc": (".h5", ".csv"), "slp": (".slp",), "movement": (".nc",)}


def _numbered(output: Path, label: str, count: int) -> Path:
    return output if count == 1 else output.with_name(f"{output.stem}_{label}{output.suffix}")


def export(
    nwb_file: Annotated[
        Path, typer.Argument(metavar="NWB", help="An NWB file with PoseEstimation containers.", show_default=False)
    ],
    to: Annotated[
        Literal["dlc", "slp", "movement"],
        typer.Option("--to", "-t", help="dlc (.h5/.csv), slp, or movement (.nc).", show_default=False),
    ],
    output: Annotated[
        Path,
        typer.Argument(metavar="OUT", help="Output file; its suffix picks .h5 or .csv for dlc.", show_default=False),
    ],
    container: Annotated[
        list[str] | None, typer.Option("--container", "-c", help="Export only these PoseEstimation containers.")
    ] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace existing output files.")] = False,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Export the poses of an NWB file; one file per video when it holds several."""
    apply_flags(quiet, debug)
    with command_errors():
        from ..errors import InvalidOptionError

        if output.suffix.lower() not in _SUFFIXES[to]:
            raise InvalidOptionError(f"{output}: --to {to} writes {' or '.join(_SUFFIXES[to])} files.")
        with progress() as bar:
            task = bar.add_task(f"Reading {nwb_file.name}", total=None)
            poses = read_any(nwb_file, containers=container)
            if not poses:
                raise InvalidOptionError(f"{nwb_file}: holds no PoseEstimation to export.")
            written = []
            if to == "slp":
                from ..exporters.sleap import write_slp

                for i, pose in enumerate(poses):
                    bar.update(task, description=f"Writing {to} {i + 1}/{len(poses)}")
                    written.append(write_slp(pose, _numbered(output, str(i), len(poses)), overwrite=overwrite))
            else:
                jobs = [(pose, video) for pose in poses for video in dict.fromkeys(t.video for t in pose.tracks)]
                for i, (pose, video) in enumerate(jobs):
                    bar.update(task, description=f"Writing {to} {i + 1}/{len(jobs)}")
                    label = video if len({v for _, v in jobs}) == len(jobs) else f"{i}_{video}"
                    path = _numbered(output, label, len(jobs))
                    written.append(_write_table(to, pose, video, path, overwrite))
        for path in written:
            status(f"Wrote {path}")


def _write_table(to: str, pose: object, video: str, path: Path, overwrite: bool) -> Path:
    if to == "dlc":
        from ..exporters.deeplabcut import write_deeplabcut

        return write_deeplabcut(pose, path, video=video, overwrite=overwrite)
    from ..errors import InvalidOptionError
    from ..exporters.movement import to_movement_dataset

    if path.exists() and not overwrite:
        raise InvalidOptionError(f"{path}: already exists; pass --overwrite to replace it.")
    dataset = to_movement_dataset(pose, video=video)
    # netCDF attributes cannot be None.
    dataset.attrs = {k: v for k, v in dataset.attrs.items() if v is not None}
    dataset.to_netcdf(path)
    return path
