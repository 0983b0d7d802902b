"""A pose file read for conversion, without neuroconv: its poses, videos, frame times and default metadata.

:class:`PoseSource` reads the input with a reader and its options, matches the videos
the user gives to the file's, chooses each video's frame times (:mod:`poseconv.timing`)
and keeps the individuals asked for. The pose interfaces
(:class:`~poseconv.interfaces.base.BasePoseInterface`) are built on it; ``poseconv
metadata`` builds one from the catalog's :class:`~poseconv.catalog.Format`
(:meth:`PoseSource.from_format`), so it does not import neuroconv, pynwb nor hdmf.
"""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path
from typing import Any

from . import timing
from .errors import InvalidOptionError, InvalidSourceFileError, PoseconvWarning
from .interfaces.mixin import ReadsInput, user_stacklevel
from .metadata.defaults import default_pose_metadata, merge_metadata, track_for_container_key
from .metadata.empty_fields import is_given
from .metadata.session_fields import project_session_fields
from .model import FrameTiming, PoseData
from .model.location import recorded_file_name, require_file
from .model.unlinked_videos import EACH_VIDEO, UNLINKED
from .video import VideoProbe, probe_found_video, probe_video
from .video_span import fit_to_video

__all__ = ["PoseSource", "fit_to_video"]


class PoseSource(ReadsInput):
    """A pose file read with its reader, with its videos matched, frame times chosen and individuals kept.

    The declarations say how to read it; an interface sets them as class attributes, a
    source made by :meth:`from_format` takes them from the catalog.
    """

    #: The argument naming the individuals to keep (SLEAP calls them tracks).
    individuals_argument: str = "individuals"

    def __init__(self, **source_data: Any) -> None:
        """Read the input named by ``source_data`` (the arguments an interface of its format takes).

        Parameters
        ----------
        **source_data
            The input (:attr:`input_argument`), the reader's options (:attr:`reader_options`), the
            individuals (:attr:`individuals_argument`), ``sampling_frequency``, ``video_file_path``
            or ``video_file_paths``, and ``metadata_key``; those missing take the reader's defaults.
        """
        self.source_data = dict(source_data)
        self._load_pose(self.source_data)

    @classmethod
    def from_format(cls, fmt: Any, **source_data: Any) -> PoseSource:
        """Read a file of catalog format ``fmt`` (a :class:`~poseconv.catalog.Format` of one camera's poses).

        Its reader, reader options and individuals argument are the format's; the caller has
        checked the file is of that format.
        """
        declarations = {
            "reader": staticmethod(fmt.read),
            "input_argument": fmt.input_argument,
            "reader_options": fmt.reader_options,
            "individuals_argument": fmt.individuals_argument or "individuals",
        }
        source_class = type(f"{fmt.interface_name.removesuffix('Interface')}Source", (cls,), declarations)
        return source_class(**source_data)

    def _check_input_format(self, source_data: dict[str, Any]) -> None:
        """Refuse an input another format reads better; a source made from a format was checked by its caller."""

    def _load_pose(self, source_data: dict[str, Any]) -> None:
        """Read the input, match its videos, choose its frame times and keep the individuals asked for."""
        self._sampling_frequency = source_data.get("sampling_frequency")
        timing.user_rate(self._sampling_frequency)
        self._check_input_format(source_data)
        individuals = source_data.get(self.individuals_argument)
        self._individuals = list(individuals) if individuals is not None else None
        self._aligned_timing: dict[str, FrameTiming] = {}
        # Per video, the sentence saying which of sources that disagree gives the times; said when they are used.
        self._timing_notes: dict[str, str] = {}
        self._probes: dict[Path, VideoProbe | None] = {}
        data = self._read_input()
        if isinstance(data, PoseData) and not data.tracks:
            raise InvalidSourceFileError(
                f"{data.source_name}: holds no poses: no track, individual or instance in any frame, so the NWB "
                "file would hold nothing of it. Check that this is the file with the predictions (SLEAP: a "
                "project after inference, not one with only suggested frames; an analysis export of tracked "
                "instances)."
            )
        if isinstance(data, PoseData) and not any(data.n_frames(key) for key in data.videos):
            raise InvalidSourceFileError(
                f"{data.source_name}: holds no frames (its table has a header and no rows), so the NWB file "
                "would hold nothing of it. Check that the pose estimation ran to the end on a video with frames."
            )
        self._refuse_empty_selection(data)
        # A form's cleared field gives "": the default, not a suffix "" (a container "PoseEstimation_").
        if is_given(source_data.get("metadata_key")):
            data = dataclasses.replace(data, metadata_key=source_data["metadata_key"])
        video = source_data.get("video_file_path")
        given_videos = [video] if video is not None else source_data.get("video_file_paths")
        self._video_file_paths = self._match_video_paths(data, given_videos)
        original = self._resolve_timing(data)
        try:
            selected = original if self._individuals is None else self._select(original, self._individuals)
        except KeyError as err:
            raise InvalidOptionError(err.args[0]) from None
        self._keep(original, selected)
        self._warn_unlinked()

    def _refuse_empty_selection(self, data: Any) -> None:
        """Refuse an empty list of individuals: it would keep none, and the NWB file would hold no poses.

        A form's cleared list field, or a spec's ``individuals: []``, gives one; leaving the option out
        keeps them all.
        """
        if self._individuals is None or self._individuals:
            return
        choices = data.track_names() if isinstance(data, PoseData) else data.individuals()
        raise InvalidOptionError(
            f"{data.source_name}: {self.individuals_argument} is empty, which would keep no poses; choose at least "
            f"one of {choices}, or leave {self.individuals_argument} out to keep them all."
        )

    # -- hooks a session overrides ---------------------------------------------------------------

    def _select(self, data: PoseData, names: list[str]) -> PoseData:
        """Return ``data`` with only the individuals/tracks named (KeyError naming the others)."""
        return data.select_tracks(names)

    def _keep(self, original: PoseData, selected: PoseData) -> None:
        """Keep the data read (for the original timestamps) and the part chosen."""
        self._original = original
        self._pose = selected

    # -- videos and frame times -------------------------------------------------------------------

    def _match_video_paths(self, pose: PoseData, given: dict[str, Path] | list[Path] | None) -> dict[str, Path]:
        """Map user-given video files to the pose file's videos (by key, or in order)."""
        if not given:
            return {}
        videos = list(dict.fromkeys(track.video for track in pose.tracks)) or list(pose.videos)
        if isinstance(given, dict):
            unknown = [key for key in given if key not in pose.videos]
            if unknown:
                raise InvalidOptionError(
                    f"{pose.source_name}: videos {unknown} are not in the file; its videos are {videos}."
                )
            paths = {key: Path(value) for key, value in given.items()}
        else:
            if len(given) != len(videos):
                raise InvalidOptionError(
                    f"{pose.source_name}: {len(given)} video files given for {len(videos)} videos {videos}."
                    + self._one_video_at_a_time(pose, videos)
                )
            paths = {key: Path(value) for key, value in zip(videos, given, strict=True)}
        for path in paths.values():
            require_file(path, "video", InvalidOptionError)
        return paths

    def _one_video_at_a_time(self, pose: PoseData, videos: list[str]) -> str:
        """Return how to give each video of a file of several (one video a conversion), or "" for other formats.

        A file beside the poses links the video whose recorded name it has, unless several videos have that
        name (:mod:`poseconv.readers.sleap.videos_by_name`): then it is any of them, and links none.
        """
        if "video_indices" not in self.reader_options or len(videos) < 2:
            return ""
        names = [recorded_file_name(pose.videos[key].original_path or "") for key in videos]
        shared = [name for name in dict.fromkeys(names) if name and names.count(name) > 1]
        each = f" One video's poses convert with their video at a time: {EACH_VIDEO}."
        if not shared:
            return f"{each} Or put the videos where the file records them, or beside it, and give none."
        return (
            f"{each} Or put the videos where the file records them, and give none (beside it, a file named "
            f"{' or '.join(shared)} would be any of the videos of that name, and is linked to none)."
        )

    def _each_video_advice(self) -> str:
        """Return how to give the videos of poses of several, where ``video_file_path=`` alone is refused; else "".

        For the error of poses without frame times (:func:`poseconv.timing.missing_timing_error`'s
        ``each_video``), whose ``video_file_path=`` (``--video``) gives the video of one.
        """
        if "video_indices" not in self.reader_options or len(self._videos()) < 2:
            return ""
        return (
            f"each video with its poses, one at a time: {EACH_VIDEO}; video_file_path= alone (--video) is for poses "
            "of one video"
        )

    def _warn_unlinked(self) -> None:
        """Say why a video converted has no file, as its reader noted (:data:`.UNLINKED`), unless the user gave one.

        A SLEAP file's videos of one name in different folders link none of the file of that name beside it
        (:mod:`poseconv.readers.sleap.videos_by_name`): said of the videos chosen (``video_indices``), not of
        those given with ``video_file_path=`` (``video_file_paths=``), which the advice said to do.
        """
        said = [
            pose.notes.get("videos", {}).get(key, {}).get(UNLINKED)
            for pose in self._poses()
            for key in dict.fromkeys(track.video for track in pose.tracks)
            if key not in self._video_file_paths
        ]
        for message in dict.fromkeys(message for message in said if message):
            _warn(message, user_stacklevel())

    def _probe(self, path: Path) -> VideoProbe | None:
        if path not in self._probes:
            self._probes[path] = probe_video(path)
        return self._probes[path]

    def _found_probe(self, pose: PoseData, path: Path | None) -> VideoProbe | None:
        """Probe a video the reader found beside the poses (:func:`~poseconv.video.probe_found_video`)."""
        if path is not None and path not in self._probes:
            others = next((info.others for info in pose.videos.values() if info.path == path), ())
            if others:
                warnings.warn(
                    f"{pose.source_name}: {', '.join(str(other) for other in (path, *others))} are all videos of "
                    f"this name; linked {path.name}, which nothing recorded names. Give the one the poses were "
                    "estimated on with video_file_path= (--video).",
                    PoseconvWarning,
                    stacklevel=user_stacklevel(here=True),
                )
            self._probes[path] = probe_found_video(path, pose.source_name, stacklevel=user_stacklevel())
        return self._probes.get(path) if path is not None else None

    def _resolve_timing(self, pose: PoseData) -> PoseData:
        """Choose each video's frame times by the order of trust of :mod:`poseconv.timing`.

        Timestamps the user sets (``set_aligned_timestamps``) are applied later, over these: where the
        sources disagree, which one's times are used is said when they are (:meth:`_say_timing_choice`).
        """
        stated = timing.user_rate(self._sampling_frequency)
        for key, info in pose.videos.items():
            if pose.n_frames(key) == 0:
                continue
            path = self._video_file_paths.get(key, info.path)
            probe = self._probe(path) if key in self._video_file_paths else self._found_probe(pose, path)
            video_timing = None
            if probe is not None:
                # The video's file, frame count, size and rate, as a session's cameras take them.
                pose = fit_to_video(pose, key, probe)
                video_timing = probe.timing()
            chosen, note = timing.choose_timing(
                source_name=pose.source_name,
                stated=stated,
                video=video_timing,
                recorded=pose.timing.get(key),
                video_name=probe.path.name if probe is not None else None,
            )
            if chosen is not None:
                pose = pose.with_timing(key, chosen)
            if note is not None:
                self._timing_notes[key] = note
        return pose

    def _say_timing_choice(self) -> None:
        """Warn, once, which source's frame times are used where the sources disagree (:func:`timing.choose_timing`).

        Called where the chosen times are used: handed out, shifted or written. Timestamps the user gave
        meanwhile (:meth:`_forget_timing_choice`) replace them, and nothing is said of their video.
        """
        while self._timing_notes:
            _warn(self._timing_notes.pop(next(iter(self._timing_notes))), user_stacklevel())

    def _forget_timing_choice(self, video: str) -> None:
        """Say nothing of the times chosen for ``video``: times given by the user replace them."""
        self._timing_notes.pop(video, None)

    @property
    def pose(self) -> PoseData:
        """The poses to write, with the chosen individuals and the aligned timing.

        Where the sources of frame times disagree, the first use warns which one's times these are.
        """
        self._say_timing_choice()
        pose = self._pose
        for video, aligned in self._aligned_timing.items():
            pose = pose.with_timing(video, aligned)
        return pose

    def _videos(self) -> list[str]:
        return list(dict.fromkeys(track.video for track in self._pose.tracks))

    def _video_paths(self) -> dict[str, Path | tuple[Path, ...]]:
        """Each video's file (an image sequence: its images): the user's, else the pose file's (when it exists)."""
        paths = {
            key: info.local_files
            for pose in self._poses()
            for key, info in pose.videos.items()
            if info.local_files is not None
        }
        return {**paths, **self._video_file_paths}

    def _poses(self) -> list[PoseData]:
        """Return the pose data whose videos this source links (a session has one per camera)."""
        return [self._pose]

    def forget_blocks(self) -> None:
        """Drop the pose values kept from earlier reads; writing reads the files again.

        A stub write keeps the first frames it read of each table, and a small table keeps the
        blocks its exactness check read for the writer: a source kept for a later conversion (a
        checked batch session) would otherwise hold them all the while.
        """
        for pose in self._poses():
            for track in pose.tracks:
                track.forget_blocks()

    # -- metadata ---------------------------------------------------------------------------------

    def get_pose_metadata(self) -> dict[str, Any]:
        """Return the metadata of these poses: the session description and the pose blocks.

        Returns
        -------
        dict
            ``NWBFile.session_description`` and the ``Devices``, ``Behavior.ExternalVideos`` and
            ``Pose`` blocks for every individual/track chosen; an interface adds them to neuroconv's
            base metadata.
        """
        pose = self._pose
        description = f"Pose estimation with {pose.source_software} ({', '.join(pose.track_names())})."
        metadata = merge_metadata(
            {"NWBFile": project_session_fields([pose.notes], description)},
            default_pose_metadata(pose, video_paths_known=set(self._video_paths())),
        )
        if pose.source_software == "SLEAP":
            _describe_untracked(pose, metadata)
        return metadata


def _warn(message: str, stacklevel: int) -> None:
    """Warn ``message``; ``stacklevel`` is :func:`user_stacklevel`'s in the caller, which counts this frame."""
    warnings.warn(message, PoseconvWarning, stacklevel=stacklevel)


def _describe_untracked(pose: PoseData, metadata: dict[str, Any]) -> None:
    """Say in the description of a container holding SLEAP's untracked instances what it holds."""
    from .readers.sleap.common import UNTRACKED_TRACK_NAME

    for key, track in track_for_container_key(pose).items():
        entry = metadata.get("Pose", {}).get("PoseEstimations", {}).get(key)
        if entry is None or not track.name.startswith(UNTRACKED_TRACK_NAME):
            continue
        if pose.notes.get("untracked") == "by_order" and track.name != UNTRACKED_TRACK_NAME:
            entry["description"] += (
                " It holds the instances SLEAP left without a track, the k-th of each frame in file order: "
                "it does NOT follow one animal from frame to frame."
            )
        elif track.name == UNTRACKED_TRACK_NAME:
            entry["description"] += " It holds the instances SLEAP left without a track (one per frame)."
