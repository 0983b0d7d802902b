"""Frame times, frame count and frame size read from a video container.

Uses PyAV (``av``, a dependency of poseconv: frame times must not depend on
what else is installed). Only packets are read
(demuxed), never decoded, so probing a long video takes seconds, not minutes.
Presentation timestamps are quantized to the container's time base; when every
frame lies within one time-base step of a constant rate the video is constant
frame rate and its exact average rate is used, otherwise the per-frame times are.
"""

from __future__ import annotations

import importlib.util
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .errors import InvalidSourceFileError, PoseconvError, PoseconvWarning
from .model import FrameTiming
from .model.location import empty_file, require_content

__all__ = [
    "HDF5_IMAGE_SUFFIXES",
    "IMAGE_STACK_SUFFIXES",
    "STILL_IMAGE_SUFFIXES",
    "VIDEO_SUFFIXES",
    "VideoProbe",
    "image_size",
    "is_video_in_segments",
    "is_video_path",
    "open_image_stack",
    "probe_found_video",
    "probe_video",
    "video_decoder_available",
]

#: Suffixes of the behavior videos pose tools run on (to tell a video given as a pose file, and to find the
#: video beside a pose file): DeepLabCut's SUPPORTED_VIDEOS but raw .yuv (no frame size to read), and more.
VIDEO_SUFFIXES = (
    ".mp4", ".avi", ".mov", ".mkv", ".mpg", ".mpeg", ".wmv", ".m4v", ".webm", ".flv", ".mpv", ".qt",
    # Cameras' and recorders' own containers and raw streams (FFmpeg reads each), often written in segments.
    ".ts", ".mts", ".m2ts", ".h264", ".264", ".h265", ".hevc", ".mjpeg", ".mjpg", ".mxf", ".3gp", ".ogv", ".vob", ".dv",
)  # fmt: skip
#: Multi-page TIFF stacks (sleap-io's TiffVideo): one frame a page, and no frame times. FFmpeg's demuxer
#: reads only their first page, so Pillow counts them.
IMAGE_STACK_SUFFIXES = (".tif", ".tiff")
#: Files that hold one image each (labeled frames, photos): an ImageSeries of them is a sequence of images.
STILL_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp")
#: Files that hold frames as images in an HDF5 dataset (SLEAP's HDF5Video, a package's embedded images):
#: recorded, never linked as a video, and with no frame times.
HDF5_IMAGE_SUFFIXES = (".h5", ".hdf5", ".slp")


def is_video_path(path: str | Path) -> bool:
    """Return True when ``path`` is named like a video (by its suffix; the file is not opened)."""
    return Path(path).suffix.lower() in VIDEO_SUFFIXES


def is_video_in_segments(files: Sequence[str | Path]) -> bool:
    """Return whether the external files of one ``ImageSeries`` are one camera's video recorded in segments.

    Several files all named like videos (neuroconv's ``ExternalVideoInterface(file_paths=[...])``); several
    files of another kind are an image sequence, one image per frame. The writer and the readers of poseconv
    both ask this, so that what one links as a segment the other reads as one.
    """
    return len(files) > 1 and all(is_video_path(file) for file in files)


def video_decoder_available() -> bool:
    """Return True when PyAV is installed (it is a dependency of poseconv; False means a broken install)."""
    return importlib.util.find_spec("av") is not None


@dataclass(frozen=True)
class VideoProbe:
    """What a video container says about its frames.

    Attributes
    ----------
    path : pathlib.Path
        The video.
    n_frames : int
        Number of video frames (packets with a timestamp that a decoder shows).
    frame_size : tuple of (int, int)
        ``(height, width)`` in pixels.
    timestamps : numpy.ndarray
        Presentation time of each frame in seconds, in display order, from the first frame shown (0 s), as
        decoders time them; packets an edit list hides are not frames.
    constant_rate : float or None
        Frames per second when the video is constant frame rate.
    """

    path: Path
    n_frames: int
    frame_size: tuple[int, int]
    timestamps: np.ndarray
    constant_rate: float | None

    def timing(self) -> FrameTiming | None:
        """Return the frame timing this video gives, naming the video as its source; None for an image stack."""
        if self.constant_rate is None and not len(self.timestamps):
            # A TIFF stack records no frame times: the rate comes from the pose file or the user.
            return None
        if self.constant_rate is not None:
            return FrameTiming(
                rate=self.constant_rate,
                starting_time=float(self.timestamps[0]) if len(self.timestamps) else 0.0,
                source=f"constant frame rate read from the video container {self.path.name}",
            )
        return FrameTiming(
            timestamps=self.timestamps, source=f"frame timestamps read from the video container {self.path.name}"
        )


def probe_video(path: str | Path) -> VideoProbe:
    """Read frame times, count and size from a video.

    Parameters
    ----------
    path : str or pathlib.Path
        A video file.

    Returns
    -------
    VideoProbe
        The probe.

    Raises
    ------
    InvalidSourceFileError
        When the file cannot be opened as a video or has no video stream.
    PoseconvError
        When PyAV cannot be imported: without it the frame times would silently come from
        elsewhere, and the same files would give another NWB file on another computer.
    """
    try:
        import av
    except ImportError as err:
        raise PoseconvError(
            f"{path}: cannot read the video's frame times: PyAV (the 'av' package, which poseconv depends on) "
            f"does not import ({err}). Reinstall it (pip install 'av>=12') or poseconv itself."
        ) from err

    path = Path(path)
    require_content(path)
    if (empty := empty_file(path)) is not None:
        # Said as for a pose file, not as FFmpeg's "Invalid data found when processing input".
        raise InvalidSourceFileError(f"{path}: {empty}")
    if path.suffix.lower() in IMAGE_STACK_SUFFIXES:
        return _probe_image_stack(path)
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise InvalidSourceFileError(f"{path}: has no video stream.")
            stream = container.streams.video[0]
            time_base = stream.time_base
            pts = _displayed_pts(container, stream)
            height, width = stream.codec_context.height, stream.codec_context.width
            average_rate = stream.average_rate
    except InvalidSourceFileError:
        raise
    except Exception as err:
        # PyAV's FFmpeg errors, its decoders' and OSError alike: re-raised with the file, as callers expect.
        raise InvalidSourceFileError(f"{path}: cannot be read as a video ({type(err).__name__}: {err}).") from err
    step = float(time_base) if time_base is not None else 0.0
    # Frame 0 at 0 s, as OpenCV (DeepLabCut) and neuroconv's video interfaces time them: a segment cut without
    # reset_timestamps starts at its place in the recording, which no decoder's frame 0 is.
    timestamps = (pts - pts[0]).astype("float64") * step if len(pts) else np.empty(0)
    constant_rate = None
    if average_rate and len(timestamps) > 1:
        rate = float(average_rate)
        ideal = timestamps[0] + np.arange(len(timestamps)) / rate
        # Within one time-base step everywhere: the container only rounded a constant rate.
        if np.max(np.abs(timestamps - ideal)) <= step + 1e-12:
            constant_rate = rate
    return VideoProbe(
        path=path,
        n_frames=int(len(pts)),
        frame_size=(int(height), int(width)),
        timestamps=timestamps,
        constant_rate=constant_rate,
    )


def _displayed_pts(container: Any, stream: Any) -> np.ndarray:
    """Return the sorted presentation times (time-base units) of the frames a decoder shows.

    A clip cut with ``ffmpeg -ss ... -c copy`` keeps the packets before its cut, which its edit list hides
    (FFmpeg flags them discard, their times before the stream's start): decoders give no frame for them.
    """
    start = stream.start_time
    return np.sort(
        np.fromiter(
            (
                packet.pts
                for packet in container.demux(stream)
                if packet.pts is not None and not packet.is_discard and (start is None or packet.pts >= start)
            ),
            dtype="int64",
        )
    )


def probe_found_video(path: Path, source_name: str, *, stacklevel: int = 3) -> VideoProbe | None:
    """Probe a video a reader found for the poses (beside them, or where a config says); None when unreadable.

    The user did not name it: a file there FFmpeg cannot read (a codec it lacks, a truncated copy) does
    not stop the conversion. The poses keep the frame times their file records; the video is still
    linked, as the file the tool recorded. A video the user names is probed with :func:`probe_video`,
    whose error stops the conversion.
    """
    try:
        return probe_video(path)
    except InvalidSourceFileError as err:
        warnings.warn(
            f"{source_name}: the video found for it ({path.name}) gives no frame count or times: {err} The frame times "
            "come from the pose file or the rate given; name a readable copy with video_file_path= (--video).",
            PoseconvWarning,
            stacklevel=stacklevel,
        )
        return None


def image_size(path: Path) -> tuple[int, int] | None:
    """Return ``(height, width)`` of an image file (its header only); None when absent or not an image."""
    try:
        with open_image_stack(path) as image:
            return int(image.height), int(image.width)
    except InvalidSourceFileError:
        return None


@contextmanager
def open_image_stack(path: Path) -> Iterator[Any]:
    """Open an image with Pillow: a multi-page TIFF's ``seek(i)`` goes to frame ``i``, ``n_frames`` counts them.

    Raises
    ------
    InvalidSourceFileError
        When the file, or a page of it, cannot be read as an image.
    """
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            yield image
    except (OSError, UnidentifiedImageError, ValueError) as err:
        raise InvalidSourceFileError(
            f"{path}: cannot be read as a TIFF image stack ({type(err).__name__}: {err})."
        ) from err


def _probe_image_stack(path: Path) -> VideoProbe:
    """Count the pages of a multi-page TIFF and read their size; a stack has no frame times."""
    with open_image_stack(path) as image:
        n_frames = int(getattr(image, "n_frames", 1))
        frame_size = (int(image.height), int(image.width))
    return VideoProbe(path=path, n_frames=n_frames, frame_size=frame_size, timestamps=np.empty(0), constant_rate=None)
