"""Shared machinery of poseconv's neuroconv interfaces.

The interfaces are thin: they hold their arguments, read the pose file once
(through :mod:`poseconv.readers`, by :class:`~poseconv.pose_source.PoseSource`), turn the
:class:`~poseconv.model.PoseData` into metadata, keep the temporal alignment the user applies, and hand
everything to :func:`poseconv.nwb.write.pose_estimation.write_pose_estimation`.

An interface names its reader and the ``__init__`` arguments the reader takes, and
passes every argument up (:mod:`poseconv.interfaces.mixin`).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any

# ndx-pose's types are known from the moment an interface module is imported (every one imports this
# module): pynwb copies the types known when a file is opened (NWBHDF5IO(path, "a"), neuroconv's
# append_on_disk_nwbfile), and reads and writes a PoseEstimation added to a file opened without them as
# an empty NWBDataInterface group, without an error.
import ndx_pose  # noqa: F401
import numpy as np
from neuroconv.basetemporalalignmentinterface import BaseTemporalAlignmentInterface
from neuroconv.utils import DeepDict
from pydantic import BeforeValidator, WithJsonSchema

from .. import timing
from ..errors import InvalidOptionError, MetadataError, PoseconvWarning
from ..metadata.checks import module_name_problem, series_name_problems, series_node_problems
from ..metadata.defaults import merge_metadata
from ..metadata.problems import MetadataProblem
from ..model import FrameTiming, PoseData
from ..model.path_hints import is_windows_only
from ..nwb.write.pose_estimation import write_pose_estimation
from ..pose_source import PoseSource
from ..video import HDF5_IMAGE_SUFFIXES, STILL_IMAGE_SUFFIXES
from .mixin import PoseconvInterfaceMixin, check_input_format, user_stacklevel
from .subject_check import check_subject_once

__all__ = [
    "STUB_FRAMES",
    "BasePoseInterface",
    "FilePathArg",
    "OptionalFilePathArg",
    "blank_is_none",
    "container_name_problems",
    "require_pose_types",
]

# A path argument shown to form tools as a file picker; existence is checked by the reader,
# which words the error for the user instead of pydantic.


def _home_expanded(value: Any) -> Any:
    # "~/data/x.h5" in Python is the home folder's, as pandas and the shell read it (pathlib does not).
    return str(Path(value).expanduser()) if isinstance(value, str) and value.startswith("~") else value


def blank_is_none(value: Any) -> Any:
    """Return None for a path left blank: a form's empty field is no path, not ``Path("")``, the working folder."""
    return None if isinstance(value, str) and not value.strip() else _home_expanded(value)


def _not_blank(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        raise ValueError("is empty; give the path of the file")
    return _home_expanded(value)


FilePathArg = Annotated[Path, BeforeValidator(_not_blank), WithJsonSchema({"type": "string", "format": "file-path"})]
OptionalFilePathArg = Annotated[
    Path | None, BeforeValidator(blank_is_none), WithJsonSchema({"type": "string", "format": "file-path"})
]
STUB_FRAMES = 100


def require_pose_types(nwbfile: Any) -> None:
    """Refuse to add poses to an NWB file read by an io opened before ndx-pose's types were loaded.

    Such an io (``NWBHDF5IO(path, "a")`` opened before any poseconv interface was imported) writes every
    ndx-pose object as an empty ``NWBDataInterface`` group, without an error: the poses would be lost.

    Raises
    ------
    InvalidOptionError
        When ``nwbfile`` was read by such an io.
    """
    get_read_io = getattr(nwbfile, "get_read_io", None)
    io = get_read_io() if callable(get_read_io) else None
    catalog = getattr(getattr(io, "manager", None), "namespace_catalog", None)
    if catalog is not None and "ndx-pose" not in catalog.namespaces:
        source = getattr(io, "source", None) or "the NWB file"
        raise InvalidOptionError(
            f"{source} was opened before ndx-pose's types were loaded, so poses added to it would be written as "
            "empty groups. Import poseconv's interfaces (or ndx_pose) before opening the file with NWBHDF5IO, "
            "or append with run_conversion(..., append_on_disk_nwbfile=True)."
        )


def container_name_problems(
    metadata: Mapping[str, Any], block: str, defaults: Mapping[str, Any] | None = None
) -> list[MetadataProblem]:
    """Return what the names of the ``metadata["Pose"][block]`` entries keep from being written.

    poseconv's pipeline reports these while composing the metadata; neuroconv's own ``NWBConverter`` (NWB
    GUIDE's) hands an interface its metadata without it, and pynwb would refuse them only while adding the
    objects, in a traceback that names no field: a container named as an object poseconv keeps beside the
    containers (:data:`~poseconv.metadata.names.MODULE_OBJECT_NAMES`), two series of one container of one name,
    and a series named as another body part of its container (:func:`~poseconv.metadata.checks.series_node_problems`).

    Parameters
    ----------
    metadata : mapping
        The metadata an interface writes with.
    block : str
        The block of its containers (``PoseEstimations``, ``MultiCameraPoseEstimations``).
    defaults : mapping, optional
        The interface's own entries of ``block`` (its default metadata), which name each series' body part.

    Returns
    -------
    list of MetadataProblem
        One per name at fault, with the field and what to do; empty when every name can be written.
    """
    problems = []
    for key, entry in ((metadata.get("Pose") or {}).get(block) or {}).items():
        if not isinstance(entry, Mapping):
            continue
        if (message := module_name_problem(entry.get("name"))) is not None:
            problems.append(MetadataProblem(("Pose", block, key, "name"), message))
        problems += [
            MetadataProblem(("Pose", block, key, "PoseEstimationSeries", series, "name"), message)
            for series, message in series_name_problems(entry)
        ]
        problems += [
            MetadataProblem(("Pose", block, key, *where), message)
            for where, message in series_node_problems(entry, (defaults or {}).get(key))
        ]
    return problems


class BasePoseInterface(PoseconvInterfaceMixin, BaseTemporalAlignmentInterface, PoseSource):
    """Base of the pose interfaces: a subclass names its :attr:`reader` and passes its arguments up.

    Reading, video matching, frame times and the choice of individuals are :class:`PoseSource`'s,
    which imports no neuroconv; this class adds neuroconv's metadata, alignment and writing. Added by
    another converter than poseconv's (neuroconv's ``NWBConverter``, NWB GUIDE's), ``add_to_nwbfile``
    says what poseconv's pipeline says of the Subject, once per file (:mod:`.subject_check`).
    """

    keywords = ("behavior", "pose estimation", "ndx-pose")

    def __init__(self, *, verbose: bool = False, **source_data: Any) -> None:
        """Read the input, match its videos, choose its frame times and keep the individuals asked for.

        Parameters
        ----------
        verbose : bool, default: False
            Print progress.
        **source_data
            Every other argument of the subclass's ``__init__`` (:func:`init_arguments`). Besides
            the reader's options, these are used when the subclass takes them: the individuals
            (:attr:`individuals_argument`), ``sampling_frequency``, ``video_file_path`` or
            ``video_file_paths``, and ``metadata_key``.
        """
        super().__init__(verbose=verbose, **source_data)
        self._load_pose(source_data)

    def _check_input_format(self, source_data: dict[str, Any]) -> None:
        check_input_format(self, source_data)

    # -- metadata -----------------------------------------------------------------------------

    def get_metadata(self) -> DeepDict:
        """Return the metadata this interface would write, ready to edit.

        Returns
        -------
        DeepDict
            ``NWBFile`` defaults plus the ``Devices``, ``Behavior.ExternalVideos`` and
            ``Pose`` blocks for every individual/track chosen.
        """
        metadata = super().get_metadata()
        metadata.deep_update(self.get_pose_metadata())
        # Every level a DeepDict, so that users' deep_update edits nest (deep_update stores plain dicts).
        return DeepDict(metadata)

    # -- timing -------------------------------------------------------------------------------

    def _timing(self, pose: PoseData, video: str) -> FrameTiming:
        found = pose.timing.get(video)
        if found is None:
            info = pose.videos.get(video)
            found_at = info.path if info else None
            recorded = Path(info.original_path) if info is not None and info.original_path else None
            if found_at is None and recorded is not None:
                # Frames stored as images in an HDF5 file (SLEAP's HDF5Video) are recorded, not linked.
                found_at = recorded if recorded.suffix.lower() in HDF5_IMAGE_SUFFIXES else None
            # Still images (SLEAP's "Add images", DeepLabCut's analysed images): linked, or recorded by the first.
            suffix = recorded.suffix.lower() if recorded is not None else ""
            images = info is not None and (info.image_files is not None or suffix in STILL_IMAGE_SUFFIXES)
            what = f"video '{video}' (image files, not a video file)" if images else f"video '{video}'"
            if not images and recorded is not None:
                # The key is the NWB name; the user knows the video by the path the tool recorded.
                what += f" (recorded as '{info.original_path}')"
            # Where the reader looked for the video (a Lightning Pose model's config names its video folders).
            looked_in = list(pose.notes.get("videos", {}).get(video, {}).get("looked_in", ()))
            if not images and recorded is not None and is_windows_only(info.original_path):
                # A project made on Windows (DeepLabCut's video_sets, SLEAP's videos): said as a path not here.
                looked_in += [info.original_path] if info.original_path not in looked_in else []
            # Poses of several videos: video_file_path= alone is refused, each video is given with video_indices.
            each_video = self._each_video_advice()
            raise timing.missing_timing_error(
                pose.source_name, what, found_at, images=images, looked_in=looked_in, each_video=each_video
            )
        return found

    def _times(self, pose: PoseData) -> np.ndarray | list[np.ndarray]:
        # Copies: neuroconv's users shift the times they get in place (ts += offset) before setting them, which
        # must not move the interface's own times (the pose file's, the video's or those set).
        times = [np.array(self._timing(pose, video).times(pose.n_frames(video))) for video in self._videos()]
        return times[0] if len(times) == 1 else times

    def get_original_timestamps(self) -> np.ndarray | list[np.ndarray]:
        """Return frame times in seconds before any alignment.

        They come from the video container, the pose files or ``sampling_frequency``, in that
        order of trust (see the frame-time ``comments`` written on each series).

        Returns
        -------
        numpy.ndarray or list of numpy.ndarray
            One time per frame; a list with one array per video when there are several videos.
        """
        self._say_timing_choice()  # the times chosen among sources that disagree are handed out
        return self._times(self._original)

    def get_timestamps(self) -> np.ndarray | list[np.ndarray]:
        """Return frame times in seconds after any alignment.

        Returns
        -------
        numpy.ndarray or list of numpy.ndarray
            As :meth:`get_original_timestamps`.
        """
        return self._times(self.pose)

    def set_aligned_timestamps(self, aligned_timestamps: np.ndarray | list[np.ndarray]) -> None:
        """Replace the frame times with times aligned to the session start.

        The times are copied: changing the array given afterwards (a buffer reused for the next camera)
        does not change this interface's.

        Parameters
        ----------
        aligned_timestamps : numpy.ndarray or list of numpy.ndarray
            One time (seconds) per frame (an array, or a list of numbers); a list with one array per video
            when there are several.

        Raises
        ------
        InvalidOptionError
            When there is not one array of times per video, or an array is not one finite time per frame.
        """
        videos = self._videos()
        held = f"{self._pose.source_name} holds poses of {len(videos)} videos ({', '.join(map(repr, videos))})"
        if len(videos) == 1:
            arrays = [aligned_timestamps]
        elif _one_array_of_times(aligned_timestamps):
            # A times file (--timestamps, a spec's timestamps_file) holds one video's times.
            raise InvalidOptionError(
                f"{held}, and {len(aligned_timestamps)} times were given for one: give one array of times per video, "
                "in this order (set_aligned_timestamps([times_1, times_2, ...])), or convert one video at a time "
                "(video_indices=[i]; in a spec, source_data: {video_indices: [i]}), each with its times file."
            )
        elif isinstance(aligned_timestamps, Iterable) and not isinstance(aligned_timestamps, str | bytes):
            arrays = list(aligned_timestamps)
        else:
            arrays = []
        if len(arrays) != len(videos):
            count = f"{len(arrays)} array{'' if len(arrays) == 1 else 's'} of times"
            given = count if arrays else f"{aligned_timestamps!r:.40}"
            raise InvalidOptionError(
                f"{held}, but got {given}: give one array of times per video, in this order "
                "(set_aligned_timestamps([times_1, times_2, ...]))."
            )
        self._set_aligned(arrays, [timing.GIVEN_TIMESTAMPS] * len(arrays))

    def _set_aligned(self, arrays: list[np.ndarray], sources: list[str]) -> None:
        """Check one array of times per video (:meth:`_videos`) and keep each as its video's aligned timing.

        An array holds one time per pose frame or per frame of the video file (the poses take the first ones).
        """
        for video, array, source in zip(self._videos(), arrays, sources, strict=True):
            array = timing.check_timestamps(
                array,
                self._pose.n_frames(video),
                f"video '{video}'",
                known=self._pose.timing.get(video),
                stacklevel=user_stacklevel(),
                video_frames=self._pose.videos[video].n_frames,
                images=self._pose.videos[video].image_files is not None,
            )
            self._aligned_timing[video] = FrameTiming(timestamps=array, source=source)
            self._forget_timing_choice(video)

    def _frames_to_align(self) -> list[tuple[FrameTiming, int, int | None]]:
        """Return, per video (:meth:`_videos`), its current timing, its pose frames and its video file's frames."""
        pose = self.pose
        return [
            (self._timing(pose, video), pose.n_frames(video), pose.videos[video].n_frames) for video in self._videos()
        ]

    def set_aligned_starting_time(self, aligned_starting_time: float) -> None:
        """Shift every frame time by ``aligned_starting_time`` seconds.

        Parameters
        ----------
        aligned_starting_time : float
            Start of the pose data relative to the session start, in seconds: a finite number (a numpy
            number too), not text nor an array.

        Raises
        ------
        InvalidOptionError
            When ``aligned_starting_time`` is not one finite number.
        """
        offset = timing.check_offset(aligned_starting_time)
        pose = self.pose
        for video in self._videos():
            self._aligned_timing[video] = timing.shift_timing(self._timing(pose, video), offset)

    def align_by_interpolation(self, unaligned_timestamps: np.ndarray, aligned_timestamps: np.ndarray) -> None:
        """Map frame times onto the session clock by interpolating between known pairs of times.

        Parameters
        ----------
        unaligned_timestamps : numpy.ndarray
            Times of sync events on this interface's clock.
        aligned_timestamps : numpy.ndarray
            The same events on the session clock.

        Raises
        ------
        InvalidOptionError
            When the arrays differ in length, hold a time that is not finite, or ``unaligned_timestamps``
            do not increase.

        Notes
        -----
        Frames before the first or after the last sync time are placed on the line through the two
        nearest sync times (one sync time: shifted by its offset), with a warning saying how many.
        neuroconv's method (``np.interp``) puts all of them at the end sync time, which gives several
        frames one time: a file ``poseconv validate`` calls broken.
        """
        unaligned, aligned = timing.check_sync_times(unaligned_timestamps, aligned_timestamps)
        # Every frame the timing covers, the linked video's past the last pose too, as set_aligned_starting_time.
        frames = self._frames_to_align()
        arrays = [_covered_times(*covered) for covered in frames]
        mapped = [_interpolate_and_extend(t, unaligned, aligned) for t in arrays]
        outside = sum(int(np.sum((t < unaligned[0]) | (t > unaligned[-1]))) for t in arrays)
        if outside:
            warnings.warn(
                f"{self._source_name()}: align_by_interpolation: {outside} frame(s) lie outside the sync times "
                f"({unaligned[0]:g} to {unaligned[-1]:g} s on this interface's clock); they are placed by extending "
                "the line through the nearest sync times. Give sync times that span the recording to place them "
                "by measurement.",
                PoseconvWarning,
                stacklevel=user_stacklevel(here=True),
            )
        self._set_aligned(mapped, [timing.mapped_source(current, unaligned.size) for current, *_ in frames])

    # -- writing ------------------------------------------------------------------------------

    def _add(self, nwbfile: Any, metadata: dict | None, *, stub_test: bool, relative_to: Path | None) -> None:
        require_pose_types(nwbfile)
        # neuroconv's own NWBConverter (NWB GUIDE's) checks the Subject against its schema only; poseconv's
        # pipeline said these while validating, before adding (subject_check.mark_checked).
        check_subject_once(nwbfile, metadata, self._source_name(), user_stacklevel())
        self._writer()(
            nwbfile,
            self._data_to_write(),
            metadata=self._metadata_for_writing(metadata),
            video_paths=self._video_paths(),
            relative_to=relative_to,
            max_frames=STUB_FRAMES if stub_test else None,
        )

    def _writer(self) -> Any:
        """Return the writer of this interface's data (a multi-camera session has its own)."""
        return write_pose_estimation

    def _data_to_write(self) -> Any:
        return self.pose

    #: The ``metadata["Pose"]`` block whose entries are this interface's containers.
    _container_block = "PoseEstimations"

    def _source_name(self) -> str:
        return self._pose.source_name

    def _metadata_for_writing(self, metadata: dict | None) -> dict:
        """Return the defaults updated by ``metadata``, with only this interface's containers.

        In a converter the metadata also holds other interfaces' containers: this one's are kept.
        Of these, the ones the caller lists are written (all of them when none is listed).

        Raises
        ------
        MetadataError
            When a container or series name cannot be written (:func:`container_name_problems`).
        """
        defaults = self.get_metadata().to_dict()
        if metadata is None:
            return defaults
        block = self._container_block
        merged = merge_metadata(defaults, dict(metadata))
        own = defaults["Pose"][block]
        listed = (metadata.get("Pose") or {}).get(block) or {}
        given = {key: entry for key, entry in listed.items() if key in own}
        merged["Pose"][block] = {key: merge_metadata(own[key], entry) for key, entry in (given or own).items()}
        if problems := container_name_problems(merged, block, own):
            # The pipeline reports these before writing; neuroconv's NWBConverter reaches here with them.
            lines = "\n  ".join(map(str, problems))
            raise MetadataError(f"Invalid metadata for {self._source_name()}:\n  {lines}")
        return merged


def _one_array_of_times(given: Any) -> bool:
    """Return whether ``given`` is one array of times, not one per video: a 1-D array, or a list or tuple of numbers.

    neuroconv's interfaces take times as lists too; a list of arrays (or of lists) holds one per video.
    """
    if hasattr(given, "ndim"):
        # numpy arrays, pandas Series, ...
        return given.ndim == 1
    return isinstance(given, list | tuple) and len(given) > 0 and all(np.ndim(item) == 0 for item in given)


def _covered_times(current: FrameTiming, n_frames: int, video_frames: int | None) -> np.ndarray:
    """Return the time of every frame ``current`` covers: of each video frame, else of each pose frame.

    A rate times every frame of the video file (``video_frames``, when longer than the poses); timestamps
    cover the video when one was given per video frame (a camera's TTLs), else the poses only.
    """
    covered = max(n_frames, video_frames or 0)
    if current.timestamps is not None and len(current.timestamps) < covered:
        covered = n_frames
    return np.asarray(current.times(covered), dtype="float64")


def _interpolate_and_extend(times: np.ndarray, unaligned: np.ndarray, aligned: np.ndarray) -> np.ndarray:
    """Map ``times`` by the piecewise line through the sync pairs, extended past both ends.

    ``np.interp`` holds the end values outside the sync range; frames there would share one time.
    """
    if unaligned.size == 1:
        return times + (aligned[0] - unaligned[0])
    mapped = np.interp(x=times, xp=unaligned, fp=aligned)
    for end, near in ((times < unaligned[0], (0, 1)), (times > unaligned[-1], (-2, -1))):
        if np.any(end):
            slope = (aligned[near[1]] - aligned[near[0]]) / (unaligned[near[1]] - unaligned[near[0]])
            mapped[end] = aligned[near[0]] + (times[end] - unaligned[near[0]]) * slope
    return mapped
