"""``poseconv export --training``: the human-labeled training frames (ndx-pose ``PoseTraining``) of an NWB file.

--to dlc writes DeepLabCut ``CollectedData`` files (a labeled-data tree, or one table), --to lp Lightning Pose's
one ``CollectedData.csv``, --to slp a SLEAP ``.slp`` of user instances.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from ._common import progress

__all__ = ["export_training"]

# Frames from no DeepLabCut label file are grouped by video (as write_deeplabcut_labels groups them).
_VIDEO_GROUP = "video:"


def _check_training_output(to: str, output: Path, containers: list[str] | None) -> None:
    """Refuse a format or output that training data cannot go to, before the file is read."""
    from ..errors import InvalidOptionError

    if to in ("movement", "sleap-analysis"):
        raise InvalidOptionError(f"--training exports to dlc, lp or slp; {to} files hold poses over time, not labels.")
    if len(containers or []) > 1:
        raise InvalidOptionError(f"--training exports one PoseTraining at a time; --container was given {containers}.")
    suffix = output.suffix.lower()
    if to == "slp" and suffix != ".slp":
        raise InvalidOptionError(f"{output}: --to slp writes .slp files.")
    if to == "dlc" and suffix and suffix not in (".h5", ".csv"):
        raise InvalidOptionError(f"{output}: --training --to dlc writes a .h5 or .csv file, or a folder (no suffix).")


def _read_training(nwb_file: Path | str, containers: list[str] | None) -> Any:
    """Read the PoseTraining to export, its errors in the command line's words."""
    from ..errors import InvalidOptionError, InvalidSourceFileError
    from ..nwb.read.training import read_training

    try:
        return read_training(nwb_file, name=containers[0] if containers else None)
    except InvalidSourceFileError as err:
        if "holds no PoseTraining" not in str(err):
            raise
        raise InvalidSourceFileError(
            f"{nwb_file}: holds no PoseTraining (human-labeled training frames) to export; "
            "convert with --training or --source dlc-labels|sleap-labels to include them."
        ) from None
    except InvalidOptionError as err:
        # The library names its keyword; on the command line it is an option.
        raise InvalidOptionError(str(err).replace("name=...", "--container NAME")) from None


def export_training(
    nwb_file: Path | str,
    to: str,
    output: Path,
    containers: list[str] | None,
    overwrite: bool,
    untracked: Literal["error", "by_order"] = "error",
) -> list[Path]:
    """Write the PoseTraining of ``nwb_file`` to DeepLabCut label files or a SLEAP .slp.

    Parameters
    ----------
    nwb_file : pathlib.Path or str
        The NWB file (a str for a URL).
    to : {"dlc", "lp", "slp"}
        The format; movement and SLEAP analysis files hold poses over time, which labels are not.
    output : pathlib.Path
        For dlc, a folder (a labeled-data tree) or a .h5/.csv file; for lp, one .csv; for slp, a .slp file.
    containers : list of str, optional
        ``--container``: the PoseTraining to export, when the file holds several.
    overwrite : bool
        Replace existing files.
    untracked : {"error", "by_order"}
        ``--untracked``: how a DeepLabCut table takes animals without an individual.

    Returns
    -------
    list of pathlib.Path
        The files written.

    Raises
    ------
    InvalidOptionError
        When the format or output does not suit training data, or the labels fit no single table.
    InvalidSourceFileError
        When the NWB file holds no PoseTraining.
    """
    from ..errors import InvalidOptionError
    from ..nwb.read.store import location_name

    _check_training_output(to, output, containers)
    suffix = output.suffix.lower()
    with progress() as bar:
        task = bar.add_task(f"Reading {location_name(nwb_file)}", total=None)
        training = _read_training(nwb_file, containers)
        bar.update(task, description=f"Writing {output.name}")
        try:
            if to == "slp":
                from ..exporters.sleap_training import write_sleap_labels

                return [write_sleap_labels(training, output, overwrite=overwrite)]
            if to == "lp":
                from ..exporters.lightningpose_training import write_lightning_pose_labels

                return [write_lightning_pose_labels(training, output, overwrite=overwrite)]
            from ..exporters.deeplabcut_training import write_deeplabcut_labels

            if suffix:
                groups = list(dict.fromkeys(f.label_file or f"{_VIDEO_GROUP}{f.video}" for f in training.frames))
                if len(groups) > 1:
                    # Checked here: the library's message names its keywords (label_file=..., video=...).
                    raise InvalidOptionError(
                        f"{nwb_file}: the labels come from {len(groups)} label files or videos, and a CollectedData "
                        "table holds one; give a folder as OUT to write them all as a labeled-data tree."
                    )
            return write_deeplabcut_labels(training, output, overwrite=overwrite, untracked=untracked)
        except InvalidOptionError as err:
            # The exporters name their keywords; on the command line they are options.
            message = str(err).replace("overwrite=True", "--overwrite").replace("write_deeplabcut_labels, or ", "")
            raise InvalidOptionError(message.replace("untracked='by_order'", "--untracked by_order")) from None
