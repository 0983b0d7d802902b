"""neuroconv interfaces for human-labeled training data, alone or next to the predictions.

* :class:`DeepLabCutTrainingDataInterface` and :class:`SLEAPTrainingDataInterface`
  convert the labels of a project without any predictions (a project that was
  labeled and trained, but whose videos were never analysed, still converts).
* :class:`TrainingDataMixin` gives a pose interface the ``include_training_data``
  option: with it, the mixin reads the labels once in ``__init__`` (through the
  pose interface's ``_read_training_data``), adds their metadata and writes them
  after the poses, so both share one skeleton, camera and video in the file.

The real work is in :mod:`poseconv.readers.deeplabcut.labels`,
:mod:`poseconv.readers.sleap.labels` and :mod:`poseconv.nwb.read.training`.
"""

from __future__ import annotations

import copy
import warnings
import weakref
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from neuroconv.basedatainterface import BaseDataInterface
from neuroconv.utils import DeepDict
from pydantic import BeforeValidator, WithJsonSchema, validate_call

from ..errors import InvalidOptionError, PoseconvWarning
from ..metadata.defaults import merge_metadata
from ..metadata.names import nwb_name, unique_name
from ..metadata.session_fields import project_session_fields
from ..metadata.training import (
    DEFAULT_POSE_TRAINING_NAME,
    default_training_metadata,
    how_labeled,
    is_other_labels_default_description,
    labels_identity,
)
from ..model.training import TrainingData
from ..nwb.layout import individuals_table_name, sources_table_name
from ..nwb.write.training import write_pose_training
from ..readers.deeplabcut.labels import find_project_folder, read_deeplabcut_labels
from ..readers.sleap import read_sleap_labels
from .base import STUB_FRAMES, FilePathArg, OptionalFilePathArg, blank_is_none, require_pose_types
from .docstrings import fill_parameters
from .mixin import PoseconvInterfaceMixin, check_input_format, init_arguments, user_stacklevel
from .subject_check import check_subject_once

__all__ = [
    "DeepLabCutTrainingDataInterface",
    "SLEAPTrainingDataInterface",
    "TrainingDataMixin",
    "add_training_data",
    "find_deeplabcut_training_data",
    "training_metadata",
]

# A project folder or a label file: shown to form tools as a plain path (it may be either).
ProjectPathArg = Annotated[Path, WithJsonSchema({"type": "string"})]
OptionalProjectPathArg = Annotated[Path | None, BeforeValidator(blank_is_none), WithJsonSchema({"type": "string"})]


def _video_paths(
    training: TrainingData, overrides: Mapping[str, Any] | None = None
) -> dict[str, Path | tuple[Path, ...]]:
    """Each video's file (or image files, for an image sequence) here: the given one, else the one found."""
    paths = {key: info.local_files for key, info in training.videos.items() if info.local_files is not None}
    for key, path in (overrides or {}).items():
        if key in training.videos:
            paths[key] = Path(path) if isinstance(path, (str, Path)) else tuple(Path(p) for p in path)
    return paths


def find_deeplabcut_training_data(
    predictions_path: Path,
    *,
    labeled_data_path: Path | None = None,
    config_file_path: Path | None = None,
) -> TrainingData:
    """Read the labels of the DeepLabCut project that ``predictions_path`` belongs to.

    Parameters
    ----------
    predictions_path : pathlib.Path
        A predictions file, usually in ``<project>/videos/``.
    labeled_data_path : pathlib.Path, optional
        The project folder or a label file, when the predictions do not sit inside the project.
    config_file_path : pathlib.Path, optional
        The project's ``config.yaml``.

    Returns
    -------
    TrainingData
        The labels.

    Raises
    ------
    InvalidOptionError
        When no project with labeled data is found above the predictions.
    """
    if labeled_data_path is None:
        labeled_data_path = find_project_folder(predictions_path)
        if labeled_data_path is None and config_file_path is not None:
            labeled_data_path = find_project_folder(config_file_path)
        if labeled_data_path is None:
            raise InvalidOptionError(
                f"{predictions_path}: include_training_data=True, but no DeepLabCut project (a folder with "
                "config.yaml and labeled-data/) holds this file; give the project folder or a CollectedData file "
                "as labeled_data_path=..."
            )
    return read_deeplabcut_labels(labeled_data_path, config_file_path=config_file_path)


def training_metadata(training: TrainingData, video_paths: dict[str, Path] | None = None) -> dict[str, Any]:
    """Return the default metadata blocks of ``training`` (see :mod:`poseconv.metadata.training`).

    Parameters
    ----------
    training : TrainingData
        The labels.
    video_paths : dict of str to pathlib.Path, optional
        Video files by video key, beyond those the reader found.

    Returns
    -------
    dict
        The ``Devices``, ``Behavior`` and ``Pose`` blocks.
    """
    return default_training_metadata(training, video_paths_known=set(_video_paths(training, video_paths)))


# The PoseTraining containers add_training_data wrote, with the labels each holds (weakly: they go with their file).
_WRITTEN: weakref.WeakKeyDictionary[Any, tuple[str, ...]] = weakref.WeakKeyDictionary()


def add_training_data(
    nwbfile: Any,
    training: TrainingData,
    metadata: dict | None,
    *,
    stub_test: bool = False,
    external_files_relative_to: Path | None = None,
    video_paths: dict[str, Path] | None = None,
    input_key: str | None = None,
) -> Any:
    """Write ``training`` into ``nwbfile`` with ``metadata`` merged over its defaults; the metadata is not changed.

    Under neuroconv's ``NWBConverter`` every input gets one ``Pose.PoseTraining``: labels already written in
    this file by this function are not written again, and other labels whose ``PoseTraining`` name is taken
    by such a container are written under that name with a suffix (``input_key``, else their file's name),
    with a warning. A description that is the default of other labels is replaced by these labels' own.

    Parameters
    ----------
    nwbfile : pynwb.NWBFile
        The file to add to.
    training : TrainingData
        The labels.
    metadata : dict or None
        Metadata (as from ``get_metadata()``, edited); missing entries take the defaults.
    stub_test : bool, default: False
        Write only the first 100 training frames.
    external_files_relative_to : pathlib.Path, optional
        Folder of the NWB file, so video paths are stored relative to it.
    video_paths : dict of str to pathlib.Path, optional
        Video files by video key, beyond those the reader found.
    input_key : str, optional
        The input's ``metadata_key``: the suffix of its ``PoseTraining`` name when other labels hold that name.

    Returns
    -------
    ndx_pose.PoseTraining
        The container written, or the one already holding the same labels.
    """
    require_pose_types(nwbfile)
    defaults = training_metadata(training, video_paths)
    merged = merge_metadata(defaults, copy.deepcopy(dict(metadata))) if metadata else defaults
    entry = dict((merged.get("Pose") or {}).get("PoseTraining") or {})
    if is_other_labels_default_description(entry.get("description"), training):
        entry["description"] = defaults["Pose"]["PoseTraining"]["description"]
    name = entry.get("name") or DEFAULT_POSE_TRAINING_NAME
    behavior = nwbfile.processing.get("behavior")
    written = behavior.data_interfaces.get(name) if behavior is not None else None
    if written is not None and written in _WRITTEN:
        if _WRITTEN[written] == labels_identity(training):
            # The same labels, read by another input (a DeepLabCut file and its filtered copy): written once.
            return written
        entry["name"] = _name_apart(behavior, name, input_key or Path(training.source_name).stem)
        warnings.warn(
            f"{training.source_name}: the file already holds '{name}', the training data of {_written_labels(written)} "
            f"of this conversion; these labels are written as '{entry['name']}'. A converter that gives every input "
            "one metadata['Pose']['PoseTraining'] (neuroconv's NWBConverter) cannot name them apart: to name each, "
            "convert with poseconv's PoseNWBConverter or PoseConverterPipe, whose input_metadata gives each input "
            "its own ({'<interface name>': {'Pose': {'PoseTraining': {'name': ...}}}}).",
            PoseconvWarning,
            stacklevel=user_stacklevel(here=True),
        )
    merged = {**merged, "Pose": {**(merged.get("Pose") or {}), "PoseTraining": entry}}
    pose_training = write_pose_training(
        nwbfile,
        training,
        metadata=merged,
        video_paths=_video_paths(training, video_paths),
        relative_to=external_files_relative_to,
        max_frames=STUB_FRAMES if stub_test else None,
    )
    _WRITTEN[pose_training] = labels_identity(training)
    return pose_training


def _written_labels(pose_training: Any) -> str:
    """Name the labels a ``PoseTraining`` that :func:`add_training_data` wrote holds (their file)."""
    return Path(_WRITTEN[pose_training][1]).name


def _name_apart(behavior: Any, name: str, suffix: str) -> str:
    """Return ``<name>_<suffix>`` (then ``_2``, ...) with its sources and individuals tables' names free."""
    taken = set(behavior.data_interfaces)
    while True:
        candidate = unique_name(nwb_name(f"{name}_{suffix}"), taken)
        if not {sources_table_name(candidate), individuals_table_name(candidate)} & taken:
            return candidate


class TrainingDataMixin:
    """Reads, with ``include_training_data=True``, the labels next to a pose interface's input and writes them too.

    Put it before the pose interface base class; the interface implements :meth:`_read_training_data`.
    """

    _training: TrainingData | None = None

    def __init__(self, *, verbose: bool = False, **source_data: Any) -> None:
        labels = source_data.get("labeled_data_path")
        if labels is not None and not source_data.get("include_training_data"):
            # Neither ignored silently nor included against an explicit include_training_data=False.
            raise InvalidOptionError(
                f"{source_data.get('file_path')}: labeled_data_path={labels} names labels to include, but "
                "include_training_data is not set: give include_training_data=True as well (--training, or "
                "--labeled-data alone, on the command line) to write them, or leave labeled_data_path out."
            )
        super().__init__(verbose=verbose, **source_data)
        if source_data.get("include_training_data"):
            self._training = self._read_training_data()

    def _read_training_data(self) -> TrainingData:
        """Read the labels of the project the input belongs to."""
        raise NotImplementedError

    @property
    def training_data(self) -> TrainingData | None:
        """The human-labeled training frames this interface writes, or None."""
        return self._training

    def exclude_training_data(self) -> None:
        """Write no training data: another interface of the conversion writes the same labels."""
        self._training = None

    def get_metadata(self) -> DeepDict:
        """Return the metadata of the poses plus that of the training data, when included.

        Returns
        -------
        DeepDict
            With ``Pose.PoseTraining`` and the skeletons, videos and cameras of the labels.
        """
        metadata = super().get_metadata()
        if self._training is None:
            return metadata
        # The poses' own entries (same skeleton, video and camera keys) win over the training defaults.
        return DeepDict(merge_metadata(training_metadata(self._training, self._pose_video_paths()), dict(metadata)))

    def _pose_video_paths(self) -> dict[str, Path]:
        # The videos the user gave the pose interface are the training videos of the same key.
        paths = getattr(self, "_video_paths", None)
        return dict(paths()) if callable(paths) else {}

    def _add(self, nwbfile: Any, metadata: dict | None, *, stub_test: bool, relative_to: Path | None) -> None:
        super()._add(nwbfile, metadata, stub_test=stub_test, relative_to=relative_to)
        if self._training is not None:
            add_training_data(
                nwbfile,
                self._training,
                metadata,
                stub_test=stub_test,
                external_files_relative_to=relative_to,
                video_paths=self._pose_video_paths(),
                input_key=(getattr(self, "source_data", None) or {}).get("metadata_key"),
            )


class BaseTrainingDataInterface(PoseconvInterfaceMixin, BaseDataInterface):
    """Base of the interfaces that convert training data alone: a subclass names its :attr:`reader`."""

    keywords = ("behavior", "pose estimation", "ndx-pose", "training data", "labels")
    poseconv_writes = "labels"

    def __init__(self, *, verbose: bool = False, **source_data: Any) -> None:
        super().__init__(verbose=verbose, **source_data)
        check_input_format(self, source_data)
        self._training = self._read_input()

    @property
    def training_data(self) -> TrainingData:
        """The human-labeled training frames this interface writes."""
        return self._training

    def get_metadata(self) -> DeepDict:
        """Return the metadata this interface would write, ready to edit.

        Returns
        -------
        DeepDict
            ``NWBFile`` defaults plus ``Pose.PoseTraining``, ``Pose.Skeletons`` and the videos and
            cameras of the labeled frames.
        """
        metadata = super().get_metadata()
        training = self._training
        description = f"Training data for pose estimation: frames {how_labeled(training)}."
        # A DeepLabCut project's labeler and task, as for its predictions.
        metadata["NWBFile"].update(project_session_fields([training.notes], description))
        metadata.deep_update(training_metadata(training))
        return DeepDict(metadata)

    def _add(self, nwbfile: Any, metadata: dict | None, *, stub_test: bool, relative_to: Path | None) -> None:
        # As the pose interfaces do under another converter than poseconv's (:mod:`.subject_check`).
        check_subject_once(nwbfile, metadata, Path(str(self.input_path)).name, user_stacklevel())
        add_training_data(
            nwbfile, self._training, metadata, stub_test=stub_test, external_files_relative_to=relative_to
        )


class DeepLabCutTrainingDataInterface(BaseTrainingDataInterface):
    """Convert the human labels of a DeepLabCut project (``labeled-data``) to ndx-pose PoseTraining.

    Every ``labeled-data/<video>/CollectedData_<scorer>`` file becomes training frames with
    their labeler, frame index and video; the skeleton comes from the project's config.yaml.
    No predictions are needed.
    """

    display_name = "DeepLabCut training data (poseconv)"
    keywords = (*BaseTrainingDataInterface.keywords, "DeepLabCut", "DLC")
    associated_suffixes = (".h5", ".csv", ".yaml")
    info = "Interface for the labeled frames of a DeepLabCut project (CollectedData .h5/.csv)."

    input_argument = "labeled_data_path"
    reader = staticmethod(read_deeplabcut_labels)
    reader_options = ("config_file_path",)

    @validate_call
    @fill_parameters
    def __init__(
        self,
        labeled_data_path: ProjectPathArg,
        *,
        config_file_path: OptionalFilePathArg = None,
        verbose: bool = False,
    ) -> None:
        """Read the labels of a DeepLabCut project.

        Parameters
        ----------
        labeled_data_path : str
            The project folder (every labeled-data/<video>/CollectedData_<scorer> file), its
            labeled-data folder, one video's folder, or one CollectedData .h5/.csv file.
        config_file_path : FilePath, optional
            The project's config.yaml (skeleton, videos); found in the project folder when not given.
        {verbose}
        """
        super().__init__(**init_arguments(locals()))


class SLEAPTrainingDataInterface(BaseTrainingDataInterface):
    """Convert the user-labeled (human-placed) instances of a SLEAP ``.slp`` to ndx-pose PoseTraining.

    Each frame holding user instances becomes a training frame with its video, frame index,
    tracks and skeleton; predicted instances are not training data and are left out.
    """

    display_name = "SLEAP training data (poseconv)"
    keywords = (*BaseTrainingDataInterface.keywords, "SLEAP", "sleap-io")
    associated_suffixes = (".slp", ".h5")
    info = "Interface for the user-labeled frames of a SLEAP .slp / .pkg.slp."

    reader = staticmethod(read_sleap_labels)

    @validate_call
    @fill_parameters
    def __init__(self, file_path: FilePathArg, *, verbose: bool = False) -> None:
        """Read the user labels of a SLEAP file.

        Parameters
        ----------
        file_path : FilePath
            SLEAP labels (.slp or .pkg.slp) holding user-labeled instances.
        {verbose}
        """
        super().__init__(**init_arguments(locals()))
