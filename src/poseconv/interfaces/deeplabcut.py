"""neuroconv interface for DeepLabCut predictions."""

from __future__ import annotations

from pydantic import validate_call

from ..catalog.builtin import builtin_format
from ..model.training import TrainingData
from ..readers.deeplabcut.predictions import read_deeplabcut
from .base import BasePoseInterface, FilePathArg, OptionalFilePathArg
from .docstrings import FrameRateArg, fill_parameters
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
        individuals: list[str] | None = None,
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
            The project's config.yaml (skeleton, bodypart order); found next to the file or one folder up.
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
