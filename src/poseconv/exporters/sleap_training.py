"""Export training data to a sleap-io ``Labels`` of user instances, or a SLEAP ``.slp`` file.

Mapping:

* every skeleton becomes a ``sleap_io.Skeleton`` with the same name, nodes (in
  order), edges and symmetries;
* every individual becomes a ``sleap_io.Track`` of that name, in order;
* every identity an instance names becomes a ``sleap_io.Identity`` of that name (in order of
  first use), and each instance keeps its ``identity`` and ``identity_score``;
* every video becomes a ``sleap_io.Video`` (never opened) pointing at the path the
  labeling tool recorded, else the local file, else the video key; a video whose
  labeled frames are images ``0 .. n-1`` of a list (SLEAP's image-sequence videos)
  becomes that list of images again;
* every labeled frame becomes a ``LabeledFrame`` at its frame index, every instance
  a user ``Instance`` with the coordinates and per-node visibility read (nodes
  marked not visible keep their coordinates, as SLEAP keeps them);
* labels of frames cut to a crop of the video (DeepLabCut's ``extract_frames(crop=True)``, a
  sleap-io virtual crop; the labels' ``notes["videos"][key]["crop"]``) are in the crop's pixels:
  where the whole video is linked they are moved by the crop's top-left corner, so that they
  stay on the animal; labels linked to their own images stay as they are.

SLEAP user instances are 2D; 3D labels are refused. Labels read from a ``.slp``
(directly or back from NWB) export to the same user instances, tracks, skeletons
and frames; predictions were never training data and are not in the output.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InvalidOptionError
from ..model.training import TrainingData
from ..output import atomic_output
from .docstrings import fill_export_docs
from .files import export_path
from .sleap import video_filename
from .sleap_tables import unopened_video
from .video_crop import crop_corner

__all__ = ["to_sleap_labels", "write_sleap_labels"]


def _video_source(training: TrainingData, key: str) -> tuple[str | list[str], bool]:
    """Return video ``key`` as the predictions' export names it; for labels of single images, those images.

    Also whether the source is the labeled frames' own images (whose pixels the labels are in, a crop too).
    """
    info = training.videos[key]
    if info.path is None and not info.image_files:
        # No video here: labels on images named frame by frame (a DeepLabCut labeled-data folder) name them.
        frames = training.frames_of(key)
        images = {f.frame_index: f.image for f in frames if f.image is not None and f.frame_index is not None}
        if images and len(images) == len(frames) and sorted(images) == list(range(len(images))):
            return [images[i] for i in range(len(images))], True
    return video_filename(training, key), False


def _sleap_video(training: TrainingData, key: str, source: str | list[str], on_images: bool) -> Any:
    """Return the unopened ``sleap_io.Video`` of video ``key``, named ``source``, with its rate and shape.

    The shape is the one sleap-io reads from the video here, else the frame count and size the NWB file
    records (:func:`~.sleap_tables.unopened_video`); labels on their own images leave it to the images.
    """
    info = training.videos[key]
    shape = (info.n_frames, *info.frame_size) if info.n_frames and info.frame_size else None
    return unopened_video(source, info.fps, shape, None if on_images else info.path)


def _crop_offset(training: TrainingData, key: str, on_images: bool) -> np.ndarray | None:
    """Return the ``(x1, y1)`` to add to the labels of video ``key`` to place them on the video linked; None: none.

    Labels of frames cut to a crop (DeepLabCut's ``extract_frames(crop=True)``, a sleap-io virtual crop:
    ``notes["videos"][key]["crop"]``, ``[x1, y1, x2, y2]``) are in the crop's pixels; the whole video is
    linked, so they move by the crop's corner. Labels linked to their own images stay as they are.
    """
    return None if on_images else crop_corner(training, key)


def to_sleap_labels(training: TrainingData) -> Any:
    """Return the training data as a ``sleap_io.Labels`` of user instances.

    Parameters
    ----------
    training : TrainingData
        The labels.

    Returns
    -------
    sleap_io.Labels
        Skeletons, tracks, videos and labeled frames as described in the module docstring.

    Raises
    ------
    InvalidOptionError
        When the labels are 3D or a frame has no frame index.
    """
    import sleap_io as sio

    skeletons = {
        name: sio.Skeleton(
            nodes=list(skeleton.nodes),
            edges=[list(edge) for edge in skeleton.edges],
            symmetries=[list(pair) for pair in skeleton.symmetries],
            name=name,
        )
        for name, skeleton in training.skeletons.items()
    }
    tracks = {name: sio.Track(name=name) for name in training.individuals}
    identities = {name: sio.Identity(name=name) for name in training.identities()}
    videos = {}
    offsets: dict[str, np.ndarray | None] = {}
    for key in training.video_keys():
        source, on_images = _video_source(training, key)
        videos[key] = _sleap_video(training, key, source, on_images)
        offsets[key] = _crop_offset(training, key, on_images)
    labeled_frames = []
    for frame in training.frames:
        if frame.frame_index is None:
            raise InvalidOptionError(
                f"{training.source_name}: a frame of video {frame.video!r} (image {frame.image!r}) has no frame "
                "index; SLEAP labels frames by index."
            )
        instances = []
        for instance in frame.instances:
            if instance.points.shape[1] != 2:
                raise InvalidOptionError(f"{training.source_name}: the labels are 3D; SLEAP instances are 2D.")
            track = tracks[instance.individual] if instance.individual is not None else None
            points = np.asarray(instance.points, dtype="float64")
            if offsets[frame.video] is not None:
                points = points + offsets[frame.video]  # from the crop's pixels to the video's
            user = sio.Instance.from_numpy(
                points.copy(),
                skeleton=skeletons[instance.skeleton],
                track=track,
                identity=identities[instance.identity] if instance.identity is not None else None,
                identity_score=instance.identity_score,
            )
            # from_numpy marks NaN nodes not visible; SLEAP also keeps coordinates of nodes marked not visible.
            user.points["xy"] = points
            user.points["visible"] = instance.visible
            instances.append(user)
        # A frame labeled with no animal is SLEAP's negative sample.
        labeled_frames.append(
            sio.LabeledFrame(
                video=videos[frame.video],
                frame_idx=int(frame.frame_index),
                instances=instances,
                is_negative=not instances,
            )
        )
    return sio.Labels(
        labeled_frames=labeled_frames,
        videos=list(videos.values()),
        skeletons=list(skeletons.values()),
        tracks=list(tracks.values()),
        identities=list(identities.values()),
    )


@fill_export_docs
def write_sleap_labels(training: TrainingData, file_path: str | Path, *, overwrite: bool = False) -> Path:
    """Write the training data as a SLEAP ``.slp`` file of user instances.

    Parameters
    ----------
    training : TrainingData
        The labels.
    file_path : str or pathlib.Path
        Output, ending in ``.slp``.
    {overwrite}

    {file_written}

    Raises
    ------
    InvalidOptionError
        When the suffix is not ``.slp``, the file exists and ``overwrite`` is False, or the
        labels cannot be SLEAP's (see :func:`to_sleap_labels`).
    """
    import sleap_io as sio

    path = export_path(
        file_path, overwrite=overwrite, suffixes=(".slp",), kind="a SLEAP labels file", flag="overwrite=True"
    )
    labels = to_sleap_labels(training)
    with atomic_output(path, overwrite=overwrite) as partial:
        # The videos are not opened (they may not exist here), so nothing is embedded.
        sio.save_slp(labels, str(partial), embed=False, verbose=False)
    return path
