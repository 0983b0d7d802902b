"""neuroconv interface for DeepLabCut predictions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import validate_call

from ..catalog.builtin import builtin_format
from ..model.training import TrainingData
from ..readers.deeplabcut.labels import find_project_folder
from ..readers.deeplabcut.predictions import read_deeplabcut
from ..readers.deeplabcut.project import find_config_file
from .base import BasePoseInterface, FilePathArg, OptionalFilePathArg
from .docstrings import FrameRateArg, NamesArg, fill_parameters
from .mixin import init_arguments
from .training import OptionalProjectPathArg, TrainingDataMixin, find_deeplabcut_training_data

__all__ = ["DeepLabCutPoseInterface"]


class DeepLabCutPoseInterface(TrainingDataMixin, BasePoseInterface):
    """Convert DeepLabCut predictions (single- or multi-animal, 2D or 3D) to ndx-pose.

    Every individual becomes its own ``PoseEstimation`` (the unique bodyparts of a
    multi-animal project too, as ``single``); the project ``config.yaml`` gives the
    skeleton and the ``_meta.pickle`` the frame rate, both found next to the file.
    """

    display_name = "DeepLabCut (poseconv)"
    keywords = (*BasePoseInterface.keywords, "DeepLabCut", "DLC")
    associated_suffixes = (".h5", ".csv", ".pickle", ".yaml")
    info = "Interface for DeepLabCut predictions (.h5/.csv) with every individual, 2D or 3D."
    reader = staticmethod(read_deeplabcut)
    reader_options = builtin_format("DeepLabCut").reader_options

    @validate_call
    @fill_parameters
    def __init__(
        self,
        file_path: FilePathArg,
        *,
        config_file_path: OptionalFilePathArg = None,
        metadata_file_path: OptionalFilePathArg = None,
        video_file_path: OptionalFilePathArg = None,
        individuals: NamesArg | None = None,
        sampling_frequency: FrameRateArg | None = None,
        find_side_files: bool = True,
        include_training_data: bool = False,
        labeled_data_path: OptionalProjectPathArg = None,
        metadata_key: str | None = None,
        verbose: bool = False,
    ) -> None:
        """Read a DeepLabCut predictions file.

        Parameters
        ----------
        file_path : FilePath
            DeepLabCut predictions, ``.h5`` or ``.csv`` (single- or multi-animal, 2D or 3D).
        config_file_path : FilePath, optional
            The project's config.yaml (skeleton, bodypart order); found next to the file or one folder up,
            else in the project of ``labeled_data_path``.
        metadata_file_path : FilePath, optional
            The _meta.pickle / _meta.json / includingmetadata.pickle with fps and frame size; found by name.
        video_file_path : FilePath, optional
            The analysed video; found next to the predictions by name when not given.
        individuals : list of str, optional
            Write only these individuals (names from the file; "single" holds unique bodyparts).
        sampling_frequency : float, optional
            Frame rate in Hz, used when the DeepLabCut files do not record one.
        find_side_files : bool, default: True
            Look for config.yaml, the metadata pickle and the video next to the predictions.
        {metadata_key_of_file}
        include_training_data : bool, default: False
            Also write the project's human labels (labeled-data/<video>/CollectedData_<scorer>) as PoseTraining.
        labeled_data_path : str, optional
            The project folder or a CollectedData file, when the predictions are not inside the project
            (with ``include_training_data=True``).
        {verbose}
        """
        super().__init__(**init_arguments(locals()))

    def _read_input(self, **overrides: Any) -> Any:
        """Read the predictions; outside the labels' project, with that project's config.yaml (its skeleton)."""
        config = self._labels_project_config()
        return super()._read_input(**({"config_file_path": config} if config is not None else {}), **overrides)

    def _labels_project_config(self) -> Path | None:
        """Return the config.yaml of the project ``labeled_data_path`` names, when the predictions have none.

        Predictions copied out of their project find no config.yaml beside them; the labels' project
        gives their skeleton, as it does to the labels (none when ``config_file_path`` is given, or
        ``find_side_files=False``).
        """
        data = self.source_data
        labels = data.get("labeled_data_path")
        if labels is None or data.get("config_file_path") is not None or not data.get("find_side_files", True):
            return None
        if find_config_file(self.input_path) is not None:
            return None
        project = find_project_folder(labels)
        return project / "config.yaml" if project is not None else None

    def _read_training_data(self) -> TrainingData:
        return find_deeplabcut_training_data(
            self.input_path,
            labeled_data_path=self.source_data["labeled_data_path"],
            config_file_path=self.source_data["config_file_path"],
        )

    @staticmethod
    def get_available_individuals(file_path: FilePathArg) -> list[str]:
        """Return the individuals in a DeepLabCut file (``"single"`` holds unique bodyparts)."""
        return read_deeplabcut(file_path, find_side_files=False).track_names()
