r"""Export training data to Lightning Pose's labels file (``CollectedData.csv``).

Lightning Pose reads its labels with ``pandas.read_csv(csv_file, header=[0, 1, 2], index_col=0)`` and takes
every value as float32 (``BaseTrackingDataset``, ``lightning_pose/data/datasets.py``), the images found at
``<data_dir>/<row label>``. So the labels go to one CSV, as Lightning Pose keeps them (its config's
``csv_file``), laid out as DeepLabCut's single-animal table (:mod:`.deeplabcut_training` builds it):

* every labeled frame of every video in one table, in the order read;
* one index column, the image path ``labeled-data/<video>/<image>`` with ``/`` (DeepLabCut's three index
  columns, or ``\\`` of labels made on Windows, are joined so);
* three header rows, ``scorer``, ``bodyparts``, ``coords`` (``x, y``, and Lightning Pose's ``visible`` after
  them where the labels have its flags); a Lightning Pose file read without the scorer row gets its header back.

Lightning Pose trains on one animal a frame: labels of several animals (a multi-animal DeepLabCut project,
SLEAP tracks, also one animal beside a multi-animal project's unique bodyparts) are refused, pointing to the
DeepLabCut export, rather than split into files Lightning Pose would take for separate datasets.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from ..errors import InvalidOptionError
from ..model.training import LabelFile, TrainingData
from .deeplabcut_rows import row_label
from .deeplabcut_training import labels_table, write_labels_table
from .docstrings import fill_export_docs
from .files import export_path, new_folders
from .left_out import label_values, warn_left_out
from .video_crop import warn_crop_kept

__all__ = ["to_lightning_pose_labels", "write_lightning_pose_labels"]

_TABLE = "a Lightning Pose labels CSV"
# The one label file every frame is put in (Lightning Pose's name for it).
_ONE_FILE = "CollectedData.csv"


def _check_one_animal(training: TrainingData) -> None:
    """Refuse labels of several animals, which a Lightning Pose labels table has no columns for."""
    used = {i.individual for f in training.frames for i in f.instances if i.individual}
    animals = [name for name in training.individuals if name in used] + sorted(used - set(training.individuals))
    crowded = next((f for f in training.frames if len(f.instances) > 1), None)
    if len(animals) <= 1 and crowded is None:
        return
    said = f"{len(animals)} animals ({', '.join(animals)})" if len(animals) > 1 else "several animals"
    if crowded is not None:
        # A labeled image has no frame index (a folder of images): it is said by its image.
        frame = f"frame {crowded.frame_index}" if crowded.frame_index is not None else f"image {crowded.image!r}"
        said += f", {len(crowded.instances)} in {frame} of video {crowded.video!r}"
    raise InvalidOptionError(
        f"{training.source_name}: the labels hold {said}, and a Lightning Pose labels CSV holds one animal (its "
        "columns are bodyparts, with no individuals level), so Lightning Pose cannot train on them. Export them "
        "to DeepLabCut instead (write_deeplabcut_labels, or --to dlc): a multi-animal CollectedData per video."
    )


def _one_of(values: list[Any]) -> Any:
    """Return the value all of ``values`` share, else None."""
    return values[0] if values and all(value == values[0] for value in values) else None


def _in_one_file(training: TrainingData) -> TrainingData:
    """Return ``training`` with every frame in one label file, its image path the row Lightning Pose reads."""
    layouts = [training.label_files[name] for name in dict.fromkeys(f.label_file for f in training.frames) if name]
    layouts += [LabelFile(name="")] if any(f.label_file is None for f in training.frames) else []
    # A header and value dtype every label file had is kept (a Lightning Pose file read back gives itself).
    one = LabelFile(
        name=_ONE_FILE,
        row_labels="column",
        value_dtype=_one_of([layout.value_dtype for layout in layouts]),
        header=_one_of([layout.header for layout in layouts]),
    )
    frames = [
        dataclasses.replace(frame, label_file=_ONE_FILE, image=row_label(training, frame).replace("\\", "/"))
        for frame in training.frames
    ]
    return dataclasses.replace(training, frames=frames, label_files={_ONE_FILE: one})


def _table(training: TrainingData, scorer: str | None) -> tuple[Any, list[Any]]:
    _check_one_animal(training)
    return labels_table(_in_one_file(training), _ONE_FILE, None, scorer, False)


def to_lightning_pose_labels(training: TrainingData, *, scorer: str | None = None) -> Any:
    """Return every labeled frame as one Lightning Pose labels table (see the module docstring).

    Parameters
    ----------
    training : TrainingData
        The labels, of one animal a frame.
    scorer : str, optional
        The ``scorer`` header value; by default the annotator of the first frame, else Lightning Pose's
        ``"scorer"`` for its own labels and ``"poseconv"`` for others.

    Returns
    -------
    pandas.DataFrame
        One row per labeled frame, indexed by the image path.

    Raises
    ------
    InvalidOptionError
        When the labels hold several animals, are 3D, or hold no frame or no skeleton.
    """
    table, frames = _table(training, scorer)
    warn_left_out(training.source_name, _TABLE, label_values(frames), to="dlc", training=True)
    return table


@fill_export_docs
def write_lightning_pose_labels(
    training: TrainingData, output: str | Path, *, scorer: str | None = None, overwrite: bool = False
) -> Path:
    """Write every labeled frame to one Lightning Pose labels CSV (``CollectedData.csv``).

    Parameters
    ----------
    training : TrainingData
        The labels, of one animal a frame.
    output : str or pathlib.Path
        The ``.csv`` file, which Lightning Pose's config names as ``csv_file``; the images are at its data
        folder's ``labeled-data/<video>/``.
    scorer : str, optional
        As for :func:`to_lightning_pose_labels`.
    {overwrite}

    {file_written}

    Raises
    ------
    InvalidOptionError
        When the output is not a .csv or exists (without ``overwrite``), or as :func:`to_lightning_pose_labels`.
    """
    output = Path(output)
    if output.suffix.lower() != ".csv":
        raise InvalidOptionError(f"{output}: Lightning Pose reads its labels from a .csv file; give one.")
    table, frames = _table(training, scorer)
    export_path(output, overwrite=overwrite, flag="overwrite=True", creates_folder=True)
    with new_folders([output.parent]):
        write_labels_table(table, output)
    warn_left_out(training.source_name, _TABLE, label_values(frames), to="dlc", path=output, training=True)
    warn_crop_kept(training, (frame.video for frame in frames), output.name, what="labels")
    return output
