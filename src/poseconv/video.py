"""Frame times, frame count and frame size read from a video container.

Uses PyAV (``av``, a dependency of poseconv: frame times must not depend on
what else is installed). Only packets are read
(demuxed), never decoded, so probing a long video takes seconds, not minutes.
Which packets are frames is :func:`frame_pts`'s rule. Presentation timestamps are
quantized to the container's time base; when every frame lies within one time-base
step of a constant rate, and no frame is missing, the video is constant frame rate
and its exact average rate is used, otherwise the per-frame times are. A raw stream
(``.h264``, ``.mjpeg``, ...) records no frame times: it gives a frame count and size only.
"""

from __future__ import annotations

import importlib.util
import math
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
    "RAW_STREAM_SUFFIXES",
    "STILL_IMAGE_SUFFIXES",
    "VIDEO_SUFFIXES",
    "VideoProbe",
    "frame_pts",
    "image_size",
    "is_video_in_segments",
    "is_raw_stream",
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
#: Raw H.264, HEVC and MJPEG streams: frames without times, and no rate of their own (:func:`is_raw_stream`).
RAW_STREAM_SUFFIXES = (".h264", ".264", ".h265", ".hevc", ".mjpeg", ".mjpg")
#: Multi-page TIFF stacks (sleap-io's TiffVideo): one frame a page, and no frame times. FFmpeg's demuxer
#: reads only their first page, so Pillow counts them.
IMAGE_STACK_SUFFIXES = (".tif", ".tiff")
#: Files that hold one image each (labeled frames, photos): an ImageSeries of them is a sequence of images.
STILL_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp")
#: Files that hold frames as images in an HDF5 dataset (SLEAP's HDF5Video, a package's embedded images):
#: recorded, never linked as a video, and with no frame times.
HDF5_IMAGE_SUFFIXES = (".h5", ".hdf5", ".slp")
# FFmpeg's AVFMT_NOTIMESTAMPS: a demuxer whose format records no frame times (a raw stream).
_NO_TIMESTAMPS = 0x0080
# Codecs (FFmpeg's names) whose decoders, PyAV's and OpenCV's, give no frame before the first key frame, each
# checked on a clip cut between key frames. Not MPEG-4 Part 2 (XviD, DivX, OpenCV's mp4v / XVID / FMP4 writers),
# MS-MPEG-4, H.263, WMV or FLV1: their decoders show those frames.
_FIRST_KEY_FRAME_CODECS = frozenset(
    {"h264", "hevc", "mpeg1video", "mpeg2video", "vp8", "vp9", "av1", "ffv1", "snow", "svq1", "zmbv"}
)


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
        Number of video frames (the packets a decoder shows, by :func:`frame_pts`).
    frame_size : tuple of (int, int)
        ``(height, width)`` in pixels.
    timestamps : numpy.ndarray
        Presentation time of each frame in seconds, in display order, from the first frame shown (0 s), as
        decoders time them; packets an edit list hides are not frames. Empty for a TIFF stack and a raw stream.
    constant_rate : float or None
        Frames per second when the video is constant frame rate.
    """

    path: Path
    n_frames: int
    frame_size: tuple[int, int]
    timestamps: np.ndarray
    constant_rate: float | None

    def timing(self) -> FrameTiming | None:
        """Return the frame timing this video gives, naming the video as its source; None when it records none."""
        if self.constant_rate is None and not len(self.timestamps):
            # A TIFF stack or a raw stream records no frame times: the rate comes from the pose file or the user.
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
            raw = is_raw_stream(container)
            pts = frame_pts(container, stream)
            height, width = stream.codec_context.height, stream.codec_context.width
            header_rate = stream.codec_context.framerate
            # A raw stream's average rate is FFmpeg's guess (25 fps); its packets are timed by its header's rate:
            # MPEG-1/2's, or, where the header gives only a clock (an MPEG-4 Part 2 stream's 30000 for 29.97 fps),
            # the rate FFmpeg finds its packets' times at (r_frame_rate; an MPEG-1 stream's is twice its rate).
            rates = (header_rate, stream.base_rate) if raw else (stream.average_rate,)
    except InvalidSourceFileError:
        raise
    except Exception as err:
        # PyAV's FFmpeg errors, its decoders' and OSError alike: re-raised with the file, as callers expect.
        raise InvalidSourceFileError(f"{path}: cannot be read as a video ({type(err).__name__}: {err}).") from err
    if raw and (None in pts or not header_rate):
        # No times, or FFmpeg's guess (25 fps): the rate comes from the user or the pose file, as for a TIFF stack.
        frame_size = (int(height), int(width))
        return VideoProbe(
            path=path, n_frames=len(pts), frame_size=frame_size, timestamps=np.empty(0), constant_rate=None
        )
    # In display order; a raw MPEG-1/2 or MPEG-4 stream's times are those of its header's rate.
    shown = np.sort(np.asarray(pts, dtype="int64"))
    step = float(time_base) if time_base is not None else 0.0
    # Frame 0 at 0 s, as OpenCV (DeepLabCut) and neuroconv's video interfaces time them: a segment cut without
    # reset_timestamps starts at its place in the recording, which no decoder's frame 0 is.
    timestamps = (shown - shown[0]).astype("float64") * step if len(shown) else np.empty(0)
    constant = [float(rate) for rate in rates if rate and _constant_rate(timestamps, float(rate), step)]
    return VideoProbe(
        path=path,
        n_frames=int(len(shown)),
        frame_size=(int(height), int(width)),
        timestamps=timestamps,
        constant_rate=constant[0] if constant else None,
    )


def _constant_rate(timestamps: np.ndarray, rate: float | None, step: float) -> float | None:
    """Return ``rate`` when ``timestamps`` are a constant rate rounded to time-base steps of ``step`` s; else None.

    Every frame lies within one step of its place at ``rate``: the container only rounded the times (a
    Matroska file's milliseconds give 29.97 fps frames 33 or 34 ms apart, 400 fps frames 2 or 3 ms apart). And
    no frame is missing, which that alone does not tell: where the time base is the frame period (AVI's always
    is, an MP4's written with a timescale of the rate), one frame missing moves the frames after it by exactly
    one step, which the rounding allowed, and the container's average rate (29.51 fps for 30 fps with a frame
    missing in 2 s) gives every time to a step. So no two frames may be as far apart as :func:`_longest_gap`
    says a frame missing leaves: about two periods, where rounding adds at most a step to one.
    """
    if not rate or len(timestamps) < 2:
        return None
    ideal = timestamps[0] + np.arange(len(timestamps)) / rate
    if np.max(np.abs(timestamps - ideal)) > step + 1e-12:
        return None
    return rate if float(np.max(np.diff(timestamps))) < _longest_gap(rate, step) else None


def _longest_gap(rate: float, step: float) -> float:
    """Return the gap (s) from which frames ``1 / rate`` s apart, times rounded to ``step`` s, have one missing.

    One and a half periods, or, where a step is more than half a period (60 fps in an MP4's 1/90 s, 600 fps in
    Matroska's 1 ms), one step more than the most steps a rounded period spans (2 of 1/90 s, so 3): a frame
    missing spans at least that. A period within 0.15 step of a whole number of steps counts as that number:
    the average rate of a video whose time base is its frame period is lower than the time base's when frames
    are missing (29.51 fps for 30 fps), and its gaps of 2 steps are frames missing.
    """
    period = 1.0 / rate
    if step <= 0:
        return 1.5 * period
    return max(1.5 * period, (math.ceil(period / step - 0.15) + 1) * step) - 1e-9 * step


def is_raw_stream(container: Any) -> bool:
    """Return whether a PyAV ``container`` is a raw stream (``.h264``, ``.hevc``, ``.mjpeg``, ...): no container.

    FFmpeg's demuxers of raw streams (flag ``AVFMT_NOTIMESTAMPS``) give their packets the times of the rate
    in the codec's header: MPEG-1/2 and MPEG-4 Part 2 streams record one; H.264 and HEVC packets get none (the
    Raspberry Pi cameras' ``raspivid`` and ``libcamera-vid`` write such files, and an H.264 header's timing,
    when written, may hold an encoder's time base: 15360 fps), and MJPEG's, which records none, 25 fps.
    """
    return bool(container.format.flags & _NO_TIMESTAMPS)


def frame_pts(container: Any, stream: Any) -> list[int | None]:
    """Return the presentation time (time-base units) of each frame a decoder shows, in decode order (demuxed only).

    A packet is a frame unless:

    - an edit list hides it: a clip cut with ``ffmpeg -ss ... -c copy`` keeps the packets before its cut, which
      FFmpeg flags discard, their times before the stream's start;
    - it comes before the first key frame of H.264, HEVC, MPEG-1/2, VP8, VP9, AV1, FFV1 and the rarer codecs
      ``_FIRST_KEY_FRAME_CODECS`` names (a clip cut with ``-copyinkf``, a recording started within a group of
      pictures): their decoders (PyAV, OpenCV in DeepLabCut) start at a key frame and give no frame for them,
      nor for the packets after it shown before it (an open GOP's leading frames). A stream with no key frame
      flagged keeps every packet, and so does a codec whose decoders show the frames before the first key
      frame (MPEG-4 Part 2: XviD, DivX, OpenCV's ``mp4v``);
    - it has no presentation time (PyAV's flush packet at the end of a stream), in a container of frame times.

    In a raw stream (:func:`is_raw_stream`) each packet with data is a frame, its time None (H.264, HEVC) or the
    one FFmpeg gave it (:func:`is_raw_stream` says which to trust).
    """
    raw = is_raw_stream(container)
    start = stream.start_time
    # The key frame rule only for the codecs whose decoders drop what comes before a key frame.
    codec = getattr(stream.codec_context, "codec", None)
    keyed = codec is not None and codec.canonical_name in _FIRST_KEY_FRAME_CODECS
    frames: list[int | None] = []
    key_seen, key_pts = False, None
    for packet in container.demux(stream):
        if keyed and not key_seen and packet.is_keyframe:
            # The packets before the first key frame (even one an edit list hides) are no decoder's frames.
            key_seen, key_pts, frames = True, packet.pts, []
        if raw:
            shown = packet.size > 0  # its flush packet has no data
        else:
            shown = packet.pts is not None and (start is None or packet.pts >= start)
            # Shown before the first key frame, decoded after it: an open GOP's leading frames, which refer to
            # frames before the key frame too (x265's default, x264's --open-gop).
            shown = shown and (key_pts is None or packet.pts >= key_pts)
        if shown and not packet.is_discard:
            frames.append(packet.pts)
    return frames


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
