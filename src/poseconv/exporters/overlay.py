"""Poses drawn over the frames of their video: one frame to an image, a range of frames to an MP4.

Each track's skeleton edges are drawn first, then its keypoints as filled discs on top (so no
animal's edge hides another's keypoint). Colours (``color_by``):

* ``"individual"``: one colour per track (matplotlib's ``tab10``), edges and keypoints alike, as
  DeepLabCut's multi-animal labelled videos (``color_by="individual"``) and SLEAP do;
* ``"keypoint"``: one colour per node (the quick-look figure's colours), edges in light grey, as
  DeepLabCut's single-animal labelled videos do;
* ``"auto"`` (default): ``"individual"`` when more than one track is drawn, else ``"keypoint"``.

A keypoint is drawn when its position is known (not NaN) and, with ``pcutoff``, its confidence is
at least ``pcutoff`` (DeepLabCut's rule; a NaN confidence is below any cutoff; tracks without
confidence are drawn whole). An edge is drawn only when both its ends are. Poses in a crop's pixels
(DeepLabCut's ``analyze_videos(cropping=...)``, a sleap-io virtual crop) are drawn at the crop's place in
the whole frame (:mod:`~poseconv.exporters.video_crop`).

Drawing uses Pillow's ``ImageDraw`` on the decoded frame (PyAV hands frames over as Pillow images):
shapes land in the frame's own pixels with exact colours, one frame costs well under a
millisecond, and there is no figure to lay out per frame as matplotlib would need.

Memory stays bounded: the video is decoded frame by frame from a seek to the first frame wanted
(:func:`iter_video_frames`; from the start of the video when its key frames are no clean entry
points or the seek gives no frame, and always for a raw stream, which records no frame times), each
frame is drawn, encoded and dropped, and positions are read a block of frames at a
time (an NWB file's tracks are read lazily). Which video frame each pose frame
is: :mod:`poseconv.exporters.linked_video`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InvalidOptionError, InvalidSourceFileError
from ..model import PoseData, PoseTrack
from ..model.frames import read_frames, without_padding
from ..model.location import empty_file
from ..output import OutputError, atomic_output
from ..video import IMAGE_STACK_SUFFIXES, frame_pts, open_image_stack
from .linked_video import LinkedVideo, video_frame_indices
from .quicklook import node_colours
from .video_crop import crop_corner, on_video

__all__ = [
    "COLOR_BY",
    "OverlayLayer",
    "draw_poses",
    "iter_video_frames",
    "overlay_layers",
    "parse_frame_range",
    "write_overlay_image",
    "write_overlay_video",
]

#: Values of ``color_by``.
COLOR_BY = ("auto", "individual", "keypoint")
# Colour of edges when keypoints are coloured one by one.
_EDGE_GREY = (200, 200, 200)
# Frames of positions read at once while drawing a range.
_BLOCK_FRAMES = 512


def _rgb(colour: Sequence[float]) -> tuple[int, int, int]:
    return tuple(int(round(255 * c)) for c in colour[:3])  # type: ignore[return-value]


@dataclass
class OverlayLayer:
    """One track as drawn: where its keypoints are and in which colours.

    Attributes
    ----------
    track : PoseTrack
        The track (arrays may be lazy).
    edges : tuple of (int, int)
        Skeleton edges, as node indices.
    colours : list of (int, int, int)
        RGB colour of each node.
    edge_colour : tuple of (int, int, int)
        RGB colour of the edges.
    corner : numpy.ndarray or None
        The top-left corner of the crop the track's coordinates are in (DeepLabCut's
        ``analyze_videos(cropping=...)``, a sleap-io virtual crop), added to place them on the whole frame.
    """

    track: PoseTrack
    edges: tuple[tuple[int, int], ...]
    colours: list[tuple[int, int, int]]
    edge_colour: tuple[int, int, int]
    corner: np.ndarray | None = None
    _block: tuple[int, np.ndarray, np.ndarray | None] | None = field(default=None, repr=False)

    def at(self, frame: int) -> tuple[np.ndarray, np.ndarray | None]:
        """Return ``(positions (nodes, 2), confidence (nodes,) or None)`` at ``frame``, read a block at a time."""
        if self._block is None or not (self._block[0] <= frame < self._block[0] + len(self._block[1])):
            start = frame
            stop = min(self.track.n_frames, start + _BLOCK_FRAMES)
            scores = self.track.confidence
            # DeepLabCut 3's -1 padding is no detection: drawn at (-1, -1), or moved into the frame by a crop's corner,
            # it would be a point where nothing was found.
            positions, scores = without_padding(
                read_frames(self.track.positions, start, stop),
                None if scores is None else read_frames(scores, start, stop),
            )
            self._block = (start, positions, scores)
        start, positions, scores = self._block
        return on_video(positions[frame - start, :, :2], self.corner), None if scores is None else scores[frame - start]


def overlay_layers(poses: Sequence[PoseData], video: str, *, color_by: str = "auto") -> list[OverlayLayer]:
    """Return a layer per track of ``video`` in ``poses``, coloured as the module docstring says.

    Raises
    ------
    InvalidOptionError
        When ``color_by`` is unknown, no track belongs to ``video`` or the poses are not 2D.
    """
    if color_by not in COLOR_BY:
        raise InvalidOptionError(f"--color-by must be one of {', '.join(COLOR_BY)}, got {color_by!r}.")
    rows = [(pose, track) for pose in poses for track in pose.tracks if track.video == video]
    if not rows:
        raise InvalidOptionError(f"Nothing to draw: no poses of the video {video!r}.")
    if any(track.positions.shape[2] != 2 for _, track in rows):
        raise InvalidOptionError("Only 2D poses (pixel coordinates of the video) can be drawn over a video.")
    by_individual = color_by == "individual" or (color_by == "auto" and len(rows) > 1)
    track_colours = [_rgb(c) for c in _cycle(node_colours(10), len(rows))]
    layers = []
    for index, (pose, track) in enumerate(rows):
        skeleton = pose.skeletons[track.skeleton]
        if by_individual:
            colours = [track_colours[index]] * len(skeleton.nodes)
            edge_colour = track_colours[index]
        else:
            colours = [_rgb(c) for c in node_colours(len(skeleton.nodes))]
            edge_colour = _EDGE_GREY
        layers.append(OverlayLayer(track, skeleton.edges, colours, edge_colour, crop_corner(pose, track.video)))
    return layers


def _cycle(colours: list[Any], n: int) -> list[Any]:
    return [colours[i % len(colours)] for i in range(n)]


def draw_poses(image: Any, layers: Sequence[OverlayLayer], frame: int, *, pcutoff: float | None = None) -> Any:
    """Draw the poses of pose frame ``frame`` onto a Pillow image, in place.

    Parameters
    ----------
    image : PIL.Image.Image
        The video frame (RGB).
    layers : sequence of OverlayLayer
        The tracks to draw.
    frame : int
        Pose frame index.
    pcutoff : float, optional
        Keypoints with a lower confidence (and the edges touching them) are not drawn.

    Returns
    -------
    PIL.Image.Image
        ``image``.
    """
    from PIL import ImageDraw

    draw = ImageDraw.Draw(image)
    radius = max(2, round(min(image.size) / 120))
    width = max(1, radius // 2)
    shown = []
    for layer in layers:
        positions, scores = layer.at(frame)
        visible = np.isfinite(positions).all(axis=1)
        if pcutoff is not None and scores is not None:
            # NaN confidence compares False: below any cutoff.
            visible &= scores >= pcutoff
        shown.append((layer, positions, visible))
    for layer, positions, visible in shown:
        for a, b in layer.edges:
            if visible[a] and visible[b]:
                draw.line([tuple(positions[a]), tuple(positions[b])], fill=layer.edge_colour, width=width)
    for layer, positions, visible in shown:
        for node in np.flatnonzero(visible):
            x, y = positions[node]
            draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=layer.colours[node])
    return image


def iter_video_frames(path: str | Path, indices: Sequence[int]) -> Iterator[tuple[int, Any]]:
    """Decode the frames ``indices`` (ascending) of a video, one at a time, from a seek to the first.

    Parameters
    ----------
    path : str or pathlib.Path
        The video.
    indices : sequence of int
        Frame indices in display order, ascending.

    Yields
    ------
    (int, av.VideoFrame)
        Each index asked for with its frame.

    Raises
    ------
    InvalidOptionError
        When an index is past the end of the video.
    InvalidSourceFileError
        When the video cannot be decoded.
    """
    import av

    wanted = sorted(set(int(i) for i in indices))
    if not wanted:
        return
    if Path(path).suffix.lower() in IMAGE_STACK_SUFFIXES:
        # FFmpeg's demuxer reads a TIFF stack's first page only; Pillow reads a page a frame.
        yield from _stack_frames(Path(path), wanted)
        return
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise InvalidSourceFileError(f"{path}: has no video stream.")
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            # Demuxed, not decoded: the frames a decoder shows, by the rule the probe counts and times them by
            # (packets an edit list hides are none), so that frame i here is frame i of the NWB file's times.
            times = frame_pts(container, stream)
            if wanted[-1] >= (n_frames := len(times)):
                raise InvalidOptionError(
                    f"{path}: has {n_frames} frames; frame {wanted[-1]} was asked for. Is it the video of these poses?"
                )
            if None in times:
                # A raw stream (.h264, .mjpeg) records no frame times: its frames are counted from its start.
                yield from _counted(path, wanted)
            else:
                yield from _decode(container, stream, wanted, np.sort(np.asarray(times, dtype="int64"))[wanted])
    except av.FFmpegError as err:
        # A 0-byte video is said as every input's is (model.location.empty_file), not as FFmpeg's "Invalid data".
        problem = empty_file(Path(path)) or f"cannot be decoded ({type(err).__name__}: {err})."
        raise InvalidSourceFileError(f"{path}: {problem}") from err


def _stack_frames(path: Path, wanted: list[int]) -> Iterator[tuple[int, Any]]:
    """Yield ``(index, frame)`` for the pages of a multi-page TIFF, as PyAV frames (RGB)."""
    import av

    with open_image_stack(path) as image:
        n_frames = int(getattr(image, "n_frames", 1))
        if wanted[-1] >= n_frames:
            raise InvalidOptionError(
                f"{path}: has {n_frames} frames; frame {wanted[-1]} was asked for. Is it the video of these poses?"
            )
        for index in wanted:
            image.seek(index)
            yield index, av.VideoFrame.from_image(image.convert("RGB"))


def _counted(path: str | Path, wanted: list[int]) -> Iterator[tuple[int, Any]]:
    """Yield ``(index, frame)`` for the frames ``wanted`` (ascending), counted as decoded from the start.

    The video is opened again: a raw stream, demuxed to its end, cannot seek back (FFmpeg refuses).
    """
    import av

    position = 0
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for index, frame in enumerate(container.decode(stream)):
            if index == wanted[position]:
                yield index, frame
                position += 1
                if position == len(wanted):
                    return
    raise InvalidSourceFileError(
        f"{path}: frame {wanted[position]} could not be decoded (the video ends early, before the frames its "
        "packets count)."
    )


def _decode(container: Any, stream: Any, wanted: list[int], targets: np.ndarray) -> Iterator[tuple[int, Any]]:
    """Yield ``(index, frame)`` for the frames whose presentation times are ``targets`` (ascending).

    Decoding starts at the key frame before the first target (FFmpeg's backward seek). Some videos'
    key frames are no clean entry points (recovery points of encoders with intra refresh, or streams
    whose later frames refer across key frames): the decoder then flags the frames it could not
    rebuild as corrupt. When a frame decoded before the first target is flagged, decoding starts over
    from the beginning of the video, which is slower but gives the frames a player shows. So it does
    when the seek gives no frame at all: FFmpeg's seek in an MPEG-TS may land after its only key frame.
    """
    position = 0
    for start in dict.fromkeys((int(targets[0]), 0)):
        container.seek(start, stream=stream, backward=True)
        # Until a frame is decoded, a seek that gives none (the decode ends at once) starts over from the start.
        restart = start != 0
        for frame in container.decode(stream):
            if frame.pts is None:
                raise InvalidSourceFileError(f"{container.name}: frames without timestamps cannot be located.")
            if position == 0 and start != 0 and (frame.pts > targets[0] or frame.is_corrupt):
                restart = True  # past the first frame wanted, or not rebuilt whole: decode from the start
                break
            restart = False
            while position < len(wanted) and frame.pts > targets[position]:
                position += 1  # a timestamp no decoded frame has (a duplicate packet); skip it
            if position < len(wanted) and frame.pts == targets[position]:
                yield wanted[position], frame
                position += 1
            if position == len(wanted):
                return
        if not restart:
            break
    raise InvalidSourceFileError(
        f"{container.name}: frame {wanted[min(position, len(wanted) - 1)]} could not be decoded "
        "(the video ends early, or its frames do not match its packets' timestamps)."
    )


def parse_frame_range(text: str, n_frames: int) -> range:
    """Return the pose frames ``A:B`` selects, as a Python slice does (``100:200`` is 100 frames, ``:50``, ``-100:``).

    Raises
    ------
    InvalidOptionError
        When ``text`` is not ``A:B`` with integers, or selects no frame.
    """
    start, colon, stop = text.partition(":")
    try:
        if not colon:
            raise ValueError(text)
        selected = range(n_frames)[slice(int(start) if start.strip() else None, int(stop) if stop.strip() else None)]
    except ValueError:
        raise InvalidOptionError(f"--frames takes A:B (pose frames A to B-1, e.g. 100:200), got {text!r}.") from None
    if len(selected) == 0:
        raise InvalidOptionError(f"--frames {text} selects no frame; the poses have {n_frames} (0-{n_frames - 1}).")
    return selected


def _pose_frames(poses: Sequence[PoseData], video_key: str) -> tuple[Any, int]:
    pose = next(p for p in poses if video_key in p.videos)
    return pose.timing.get(video_key), pose.n_frames(video_key)


def write_overlay_image(
    poses: Sequence[PoseData],
    output: str | Path,
    *,
    video: LinkedVideo,
    video_key: str,
    frame: int,
    pcutoff: float | None = None,
    color_by: str = "auto",
) -> Path:
    """Draw pose frame ``frame`` over its video frame into an image (``.png``, ``.jpg``, ...).

    Parameters
    ----------
    poses : sequence of PoseData
        The poses (tracks of other videos are left out).
    output : str or pathlib.Path
        The image to write; its suffix picks the format.
    video : LinkedVideo
        The video and its frame times.
    video_key : str
        Which video of the poses it is.
    frame : int
        Pose frame index.
    pcutoff : float, optional
        Confidence below which keypoints are not drawn.
    color_by : {"auto", "individual", "keypoint"}
        See the module docstring.

    Returns
    -------
    pathlib.Path
        The image written.
    """
    layers = overlay_layers(poses, video_key, color_by=color_by)
    timing, n_frames = _pose_frames(poses, video_key)
    file_index, local = video.locate(int(video_frame_indices(timing, n_frames, [frame], video)[0]))
    decoded = [image for _, image in iter_video_frames(video.files[file_index], [local])]
    if not decoded:
        # Its packet's time is another's (a duplicate packet): no decoded frame has it.
        raise InvalidSourceFileError(f"{video.files[file_index]}: frame {local} could not be decoded.")
    image = draw_poses(decoded[0].to_image(), layers, frame, pcutoff=pcutoff)
    output = Path(output)
    try:
        # Under a temporary name of the same suffix (which chooses the format), renamed when complete.
        with atomic_output(output) as partial:
            image.save(partial)
    except OutputError:
        raise
    except (ValueError, KeyError) as err:
        raise InvalidOptionError(f"{output}: cannot write this image format ({err}); use .png or .jpg.") from err
    return output


def write_overlay_video(
    poses: Sequence[PoseData],
    output: str | Path,
    *,
    video: LinkedVideo,
    video_key: str,
    frames: range | None = None,
    pcutoff: float | None = None,
    color_by: str = "auto",
) -> int:
    """Draw pose frames ``frames`` over their video frames into an MP4, one output frame per pose frame.

    Parameters
    ----------
    poses, video, video_key, pcutoff, color_by
        As for :func:`write_overlay_image`.
    output : str or pathlib.Path
        The video to write (``.mp4``; H.264 when PyAV has it, else MPEG-4 part 2).
    frames : range, optional
        Pose frames (all by default).

    Returns
    -------
    int
        Frames written.
    """
    import av

    layers = overlay_layers(poses, video_key, color_by=color_by)
    timing, n_frames = _pose_frames(poses, video_key)
    frames = range(n_frames) if frames is None else frames
    if len(frames) == 0:
        raise InvalidOptionError(f"--frames selects no frame (the poses have {n_frames}).")
    shown = video_frame_indices(timing, n_frames, frames, video)
    # Pose frames per (file, frame within it): a video frame may show several pose frames.
    by_file: dict[int, dict[int, list[int]]] = {}
    for pose_frame, video_frame in zip(frames, shown, strict=True):
        file_index, local = video.locate(int(video_frame))
        by_file.setdefault(file_index, {}).setdefault(local, []).append(pose_frame)
    written = 0
    # A video cut short would look complete to a player: it is written under a temporary name, renamed when
    # complete, so a failure leaves nothing (and an older video under the name as it was).
    with atomic_output(Path(output)) as partial, av.open(str(partial), "w") as container:
        stream = None
        for file_index in sorted(by_file):
            wanted = by_file[file_index]
            for local, decoded in iter_video_frames(video.files[file_index], sorted(wanted)):
                if stream is None:
                    stream = _add_stream(container, decoded, _rate(video, timing))
                for pose_frame in wanted[local]:
                    image = _even(draw_poses(decoded.to_image(), layers, pose_frame, pcutoff=pcutoff))
                    container.mux(stream.encode(av.VideoFrame.from_image(image)))
                    written += 1
        if stream is not None:
            container.mux(stream.encode())
    return written


def _rate(video: LinkedVideo, timing: Any) -> Fraction:
    from ..timing import nominal_rate

    rate = next((r for r in (nominal_rate(t) for t in (video.timing, timing) if t is not None) if r), 30.0)
    return Fraction(rate).limit_denominator(1001)


def _add_stream(container: Any, frame: Any, rate: Fraction) -> Any:
    import av

    codec = "libx264" if "libx264" in av.codecs_available else "mpeg4"
    stream = container.add_stream(codec, rate=rate)
    # yuv420p (what every player reads) needs an even width and height.
    stream.width, stream.height = frame.width + frame.width % 2, frame.height + frame.height % 2
    stream.pix_fmt = "yuv420p"
    if codec == "libx264":
        # x264's default preset takes most of the time of a render; "veryfast" is several times
        # faster and, at constant quality 18, looks like the source to the eye.
        stream.options = {"preset": "veryfast", "crf": "18"}
    return stream


def _even(image: Any) -> Any:
    """Pad ``image`` by one black column / row where its width / height is odd (yuv420p needs even sizes)."""
    from PIL import Image

    width, height = image.size
    if width % 2 == 0 and height % 2 == 0:
        return image
    padded = Image.new("RGB", (width + width % 2, height + height % 2))
    padded.paste(image, (0, 0))
    return padded
