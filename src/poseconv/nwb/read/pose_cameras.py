"""Telling apart the cameras of ``PoseEstimation`` containers that one video name would join.

Two cameras' files of one name (``top/session1DLC...h5``, ``side/session1DLC...h5``: DeepLabCut's and SLEAP's
per-camera folders) give their containers one video name. Read as one video, their frames would be merged onto
one time base (the 30 Hz camera's poses on every other row of the 60 Hz one's). Containers (the scanner's
``RawContainer``) are another camera's when they link another Device, another video file or store another rate.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from ...timing import SAME_CLOCK_RTOL
from .store import linked

__all__ = ["by_camera", "camera_of", "same_video"]


def camera_of(root: Any, group: Any) -> str | None:
    """Return the path of the Device a container links (ndx-pose 0.2+ ``device``, 0.1's ``devices``), if any."""
    found = linked(root, group, "device")
    if found is None and "devices" in group and hasattr(group["devices"], "keys"):
        first = next(iter(group["devices"].keys()), None)
        found = linked(root, group["devices"], first) if first is not None else None
    return found[0] if found is not None else None


def _own_camera(raw: Any) -> bool:
    """Whether the container's Device is named after the container (neuroconv's ``Camera<container>``).

    neuroconv's DeepLabCut interface gives every container a camera of its own, the animals of one video too:
    such a Device does not tell cameras apart.
    """
    return raw.camera is not None and PurePosixPath(raw.camera).name == f"Camera{raw.name}"


def _rate(raw: Any) -> float | None:
    """Return the one rate every series of a container stores; None when they store times or several rates.

    sleap-io's writer stores truncated rates that differ from series to series of one video (29.0, 7.0 at
    30 fps; see .frame_times), in a module per video (``SLEAP_VIDEO_<i>_<stem>``) that keeps its cameras apart.
    """
    if raw.module.startswith("SLEAP_VIDEO_"):
        return None
    rates = {timing.rate for timing in raw.timings if timing is not None}
    return rates.pop() if len(rates) == 1 and None not in rates else None


def _other_camera(one: Any, other: Any) -> bool:
    """Whether two containers of one video name were filmed by different cameras.

    They are when they link different cameras (poseconv gives each camera its Device), different video
    files (``top/session1.mp4``, ``side/session1.mp4``), or store different frame rates.
    """
    if one.camera and other.camera and one.camera != other.camera and not (_own_camera(one) or _own_camera(other)):
        return True
    videos = one.facts.get("original_video"), other.facts.get("original_video")
    if all(videos) and videos[0] != videos[1]:
        return True
    rates = _rate(one), _rate(other)
    return all(rates) and abs(rates[0] - rates[1]) > SAME_CLOCK_RTOL * max(rates)


def same_video(one: Any, other: Any) -> bool:
    """Whether two containers are of one video: one video name, and not filmed by different cameras."""
    return one.video_hint == other.video_hint and not _other_camera(one, other)


def _camera_key(video: str, camera: list[Any], index: int, taken: set[str]) -> str:
    """Return the video key of one camera's containers among several of the video name ``video``.

    poseconv names the second camera's video and Device after its folder (``Video session1_side``,
    ``Video session1_side Camera Device``): that name gives the key (``session1_side``); else the video
    file's folder, else a number.
    """
    for raw in camera:
        name = PurePosixPath(raw.camera).name if raw.camera else ""
        stem = name.removeprefix("Video ").removesuffix(" Camera Device")
        if name != stem and stem.startswith(video) and stem not in taken:
            return stem
    folder = next(
        (
            PurePosixPath(str(raw.facts["original_video"])).parent.name
            for raw in camera
            if raw.facts.get("original_video")
        ),
        "",
    )
    candidates = [f"{video}_{folder}"] if folder else []
    candidates += [f"{video}_{index + 1 + n}" for n in range(len(taken) + 1)]
    return next(key for key in candidates if key not in taken)


def by_camera(videos: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Return the containers by video, those of one video name filmed by different cameras apart.

    Two cameras' files of one name (``top/session1DLC...h5``, ``side/session1DLC...h5``) give their
    containers one video name; read as one video, their frames would be merged onto one time base.
    The first camera keeps the name; the others take their own (:func:`_camera_key`).
    """
    split: dict[str, list[Any]] = {}
    taken = set(videos)
    for video, containers in videos.items():
        cameras: list[list[Any]] = []
        for raw in containers:
            home = next((c for c in cameras if not any(_other_camera(raw, member) for member in c)), None)
            if home is None:
                cameras.append(home := [])
            home.append(raw)
        split[video] = cameras[0]
        for index, camera in enumerate(cameras[1:], start=1):
            key = _camera_key(video, camera, index, taken)
            taken.add(key)
            split[key] = camera
    return split
