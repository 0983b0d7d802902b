"""The frame times of stored series: :class:`FrameTimes`, and the times sleap-io's writer hides.

:class:`FrameTimes` reads the times of one ``PoseEstimationSeries`` (``starting_time`` and
``rate``, or ``timestamps``, linked ones read once). A time that is NaN or infinite (a camera's
dropped time) is refused, naming the series and its sample: its poses are on no known frame.

A stored rate of 0.0 (or any rate that is not a positive number) means the writer lost the times.

sleap-io's NWB writer (which neuroconv's ``SLEAPInterface`` uses when no track is chosen) stores
the frames of a series as ``frame * fps`` "seconds" and, for a series with no missing frame, the
rate ``int(1 / fps)``: 0.0 for any frame rate above 1 fps, with ``starting_time`` the first
frame's ``frame * fps``. The other series of the video keep their ``frame * fps`` timestamps.
The frames are not lost: the step of the stored timestamps (the smallest gap, between two
consecutive frames) is the ``fps`` the writer was given, every stored time divided by it is a
frame number, and the frame number divided by it again is the time in seconds. poseconv reads
the video so, with a warning saying what it assumed (:func:`recover_frame_times`); the same holds
for a video of sleap-io's layout (``SLEAP_VIDEO_<n>_<video>`` modules) whose times are all whole
multiples of a whole step of 2 s or more, which no video of a pose tracker has between frames.
Its rate is ``int(1 / spacing)`` for any evenly spaced series, not only one missing no frame: with a
step of 1 s or less, samples one frame apart would have stored 1.0 or more, so a 0.0 there says its
samples are further apart by a spacing it hides; only the first one's frame is known, and the others
are left out with a warning rather than put on frames they were not seen on.

A video whose every series stores 0.0 (no timestamps beside them to give the step) is read with
frame numbers as times, one per second (as :class:`FrameTimes` warns), rather than refused: the
coordinates and confidence are intact and only the clock is missing, which ``poseconv convert
--fps`` restores from the source file. What cannot be told apart is refused with an error saying
what is missing: rate-0 series starting at different times with no timestamps beside them.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import InvalidSourceFileError, PoseconvWarning
from ...model import FrameTiming
from .store import link_target, member

__all__ = [
    "FrameTimes",
    "UnknownRate",
    "correct_truncated_rates",
    "corrected_times",
    "frame_numbers",
    "frame_step",
    "recover_frame_times",
    "times_signature",
]

# Stored times within this fraction of a step of a whole multiple are that multiple.
_WHOLE_TOLERANCE = 1e-6


@dataclass(frozen=True)
class UnknownRate:
    """A series whose stored rate is not a positive number: where it starts and how many samples it holds."""

    starting_time: float
    n_samples: int
    rate: float


class FrameTimes:
    """Frame times of series, cached by the dataset they come from (linked timestamps are read once)."""

    def __init__(self, path: Path | str = "") -> None:
        self._cache: dict[str, np.ndarray] = {}
        self.path = path
        self._warned = False
        #: Series (by HDF5 path) whose stored rate is not a positive number; see :mod:`.unknown_rate`.
        self.unknown: dict[str, UnknownRate] = {}
        #: Every series (by HDF5 path) that stores a positive rate: what it stores.
        self.rates: dict[str, UnknownRate] = {}
        #: The frame rate of each video whose times were recovered from sleap-io's ``frame x fps``.
        self.recovered_rates: dict[str, float] = {}

    def of(self, group: Any, n_samples: int) -> tuple[np.ndarray | None, FrameTiming | None]:
        """Return (times, timing) of one series group; (None, None) when it stores neither."""
        if member(group, "starting_time") is not None:
            start = float(group["starting_time"][()])
            rate = float(group["starting_time"].attrs["rate"])
            source = "rate stored in the NWB file"
            if not (np.isfinite(rate) and rate > 0):
                self.unknown[group.name] = UnknownRate(starting_time=start, n_samples=n_samples, rate=rate)
                rate, source = 1.0, self._no_rate(group, rate)
            else:
                self.rates[group.name] = UnknownRate(starting_time=start, n_samples=n_samples, rate=rate)
            if not np.isfinite(start):
                raise InvalidSourceFileError(
                    f"{self.path}: {group.name} stores a starting time of {start!r}, not a number of seconds; "
                    "poseconv cannot tell which frame its poses are on. Write the series again with the time of "
                    "its first sample."
                )
            times = start + np.arange(n_samples, dtype="float64") / rate
            return times, FrameTiming(rate=rate, starting_time=start, source=source)
        if member(group, "timestamps") is not None:
            key = link_target(group, "timestamps") or f"{group.name}/timestamps"
            if key not in self._cache:
                self._cache[key] = _finite_times(
                    np.asarray(group["timestamps"][()], dtype="float64").reshape(-1), self.path, group.name
                )
            times = self._cache[key]
            return times, FrameTiming(timestamps=times, source="timestamps stored in the NWB file")
        return None, None

    def _no_rate(self, group: Any, rate: float) -> str:
        """Warn, once per file, that a series stores no usable rate; return the source of the fallback."""
        if not self._warned:
            self._warned = True
            warnings.warn(
                f"{self.path}: {group.name} stores a frame rate of {rate!r} (sleap-io's NWB writer, which "
                "neuroconv's SLEAPInterface uses when no track is chosen, stores 0.0 for any frame rate above "
                "1 fps); its frames are read from the step of the other series' times, or as frame numbers, one "
                "per second, when none stores times. Convert the source file again with its real frame rate "
                "(poseconv convert --fps) to get real times.",
                PoseconvWarning,
                stacklevel=4,
            )
        return f"frame numbers: the NWB file stores a rate of {rate!r}"


def _finite_times(times: np.ndarray, path: Path | str, series: str) -> np.ndarray:
    """Return ``times``; refuse a time that is NaN or infinite (a camera's dropped time), naming its sample.

    Its poses are on no known frame, and the frames after it could not be placed either (a NaN sorts
    nowhere), so the file is refused rather than read with the poses moved or left out.
    """
    bad = np.flatnonzero(~np.isfinite(times))
    if bad.size:
        raise InvalidSourceFileError(
            f"{path}: {series} stores {bad.size} timestamp(s) that are not a number of seconds ({float(times[bad[0]])} "
            f"at sample {int(bad[0])}, the first); poseconv cannot tell which frame those poses are on. Write the "
            "series again with a time for every sample (the camera's time of that frame, or one interpolated "
            "between its neighbours); `poseconv validate --pose-only` lists every such series."
        )
    return times


def frame_numbers(
    series: Sequence[tuple[str, np.ndarray, UnknownRate | None]], path: Path | str, video: str
) -> tuple[list[np.ndarray], float | None]:
    """Return the frame number of every sample of every series of one video (see the module docstring).

    Parameters
    ----------
    series : sequence of (str, numpy.ndarray, UnknownRate or None)
        HDF5 path, stored times and, for a series with an unknown rate, what it stores instead.
    path : pathlib.Path or str
        The file, for messages.
    video : str
        The video the series belong to, for messages.

    Returns
    -------
    list of numpy.ndarray
        Frame numbers (float64), one array per series, in the order given.
    float or None
        The step of the stored times (the frame rate the writer was given); None when no series
        stores timestamps.

    Raises
    ------
    InvalidSourceFileError
        When the frame of the first sample of a rate-0 series cannot be told.
    """
    known = [times for _, times, unknown in series if unknown is None and len(times)]
    unknown = [(name, u) for name, _, u in series if u is not None]
    if not known:
        starts = {u.starting_time for _, u in unknown}
        if len(starts) > 1:
            names = [name for name, _ in unknown]
            raise InvalidSourceFileError(
                f"{path}: the series of video {video!r} ({names}) store a frame rate of 0.0 and different "
                f"starting times ({sorted(starts)}); without the frame rate the frame each starts on is "
                "unknown. Convert the source file again with its frame rate (poseconv convert --fps)."
            )
        return [np.arange(u.n_samples, dtype="float64") if u else times for _, times, u in series], None
    step = frame_step(np.concatenate(known))
    if step is None:
        raise InvalidSourceFileError(
            f"{path}: series of video {video!r} store a frame rate of 0.0, and the timestamps of the others "
            "are not whole multiples of one frame step; the frames of the rate-0 series are unknown. Convert "
            "the source file again with its frame rate (poseconv convert --fps)."
        )
    result = []
    spaced = []
    for name, times, u in series:
        if u is None:
            result.append(np.round(times / step))
            continue
        first = u.starting_time / step
        if abs(first - round(first)) > _WHOLE_TOLERANCE:
            raise InvalidSourceFileError(
                f"{path}: {name} stores a frame rate of 0.0 and starting time {u.starting_time}, not a whole "
                f"number of frame steps ({step}); the frame it starts on is unknown."
            )
        if u.n_samples > 1 and step <= 1.0:
            # sleap-io stores int(1 / period): samples one step apart would have stored a rate of 1.0 or more, so
            # these are evenly spaced more than a frame apart, by a spacing the 0.0 hides. Only the first sample's
            # frame is known (its starting time); the others are left out rather than put on frames they are not.
            spaced.append(f"{name} ({u.n_samples - 1} of {u.n_samples})")
            result.append(np.array([float(round(first))]))
            continue
        result.append(round(first) + np.arange(u.n_samples, dtype="float64"))
    if spaced:
        warnings.warn(
            f"{path}: series of video {video!r} store a frame rate of 0.0 for samples evenly spaced more than one "
            "frame apart (sleap-io's NWB writer stores int(1 / spacing)), so the frames of all but their first "
            f"sample are unknown; those samples are left out: {', '.join(spaced[:5])}"
            f"{f' and {len(spaced) - 5} more' if len(spaced) > 5 else ''}. Convert the source file with poseconv "
            "to keep every pose.",
            PoseconvWarning,
            stacklevel=4,
        )
    return result, step


def frame_step(times: np.ndarray, *, origin: float = 0.0) -> float | None:
    """Return the step every stored time is a whole multiple of, counted from ``origin``; None when there is none.

    The step is the smallest gap (two consecutive frames) refined over the whole span: a gap between
    two times of magnitude ``t`` is off by float rounding of ``t``, which, multiplied by a frame number
    in the hundreds of thousands, would be a whole frame. "Whole" is judged in frames, to
    ``_WHOLE_TOLERANCE`` plus a few float64 rounding units of the largest ``|t| / step`` (a tolerance
    that grew with the time itself let any times hours into a session, or on a Unix-epoch camera
    clock, pass as whole multiples of their smallest gap, jitter and all).

    Parameters
    ----------
    times : numpy.ndarray
        The stored times.
    origin : float, optional
        The time of frame 0: 0.0 for times that count frames from time 0 (``frame / fps``, sleap-io's
        ``frame x fps``), the first time for frames counted from the first stored one.
    """
    unique = np.unique(times)
    gaps = np.diff(unique)
    gaps = gaps[gaps > 0]
    if not len(gaps):
        # One stored time: any step fits only if it is frame 0.
        return 1.0 if len(unique) == 1 and unique[0] == origin else None
    offsets = unique - origin
    numbers = np.round(offsets / float(gaps.min()))
    last = int(np.argmax(np.abs(numbers)))
    step = float(offsets[last] / numbers[last]) if numbers[last] else 0.0
    if not (np.isfinite(step) and step > 0):
        return None
    ratios = offsets / step
    tolerance = _WHOLE_TOLERANCE + 8 * np.finfo("float64").eps * float(np.abs(unique).max()) / step
    return step if np.all(np.abs(ratios - np.round(ratios)) <= tolerance) else None


def recover_frame_times(
    containers: Sequence[tuple[Sequence[str | None], Sequence[np.ndarray | None]]],
    reader: FrameTimes,
    video: str,
    *,
    sleap_io_layout: bool,
) -> list[tuple[list[np.ndarray | None], list[FrameTiming | None]]] | None:
    """Return, per container of one video, its series' real times and timings; None when they need nothing.

    Parameters
    ----------
    containers : sequence of (series paths, series times)
        As the scanner found them (None for a node without series).
    reader : FrameTimes
        The reader that read the times; it knows which series store an unknown rate.
    video : str
        The video, for messages.
    sleap_io_layout : bool
        Whether the containers sit in sleap-io's ``SLEAP_VIDEO_<n>_<video>`` modules.

    Returns
    -------
    list of (list, list) or None
        Times in seconds (frame numbers when the frame rate is unknown) and the timing of each
        series, in the order given; None when no series stores a rate of 0.0 and the times are
        not sleap-io's ``frame * fps``.
    """
    found = [
        (path, times, reader.unknown.get(path))
        for paths, all_times in containers
        for path, times in zip(paths, all_times, strict=True)
        if path is not None and times is not None
    ]
    if any(u is not None for _, _, u in found):
        numbers, step = frame_numbers(found, reader.path, video)
    else:
        step = frame_step(np.concatenate([t for _, t, _ in found])) if sleap_io_layout and found else None
        if step is None or step < 2 or step != round(step):
            return None
        numbers = [np.round(times / step) for _, times, _ in found]
        warnings.warn(
            f"{reader.path}: the times of video {video!r} are whole multiples of {step:g} s, as sleap-io's NWB "
            f"writer stores them when given {step:g} fps (frame x fps); read as frames at {step:g} fps.",
            PoseconvWarning,
            stacklevel=5,
        )
    rate = 1.0 if step is None else step
    reader.recovered_rates[video] = rate
    source = (
        "frame numbers (one per second): the NWB file stores a rate of 0.0, so the real times are unknown"
        if step is None
        else f"frames at {step:g} fps: sleap-io's NWB writer, given {step:g} fps, stores frame x fps as times"
    )
    series = iter(numbers)
    result = []
    for _, all_times in containers:
        times: list[np.ndarray | None] = []
        timings: list[FrameTiming | None] = []
        for stored in all_times:
            frames = None if stored is None else next(series)
            times.append(None if frames is None else frames / rate)
            if frames is None:
                timings.append(None)
            elif len(frames) and np.array_equal(frames, frames[0] + np.arange(len(frames))):
                timings.append(FrameTiming(rate=rate, starting_time=float(frames[0]) / rate, source=source))
            else:
                timings.append(FrameTiming(timestamps=frames / rate, source=source))
        result.append((times, timings))
    return result


def correct_truncated_rates(
    containers: Sequence[tuple[Sequence[str | None], Sequence[np.ndarray | None]]], reader: FrameTimes, video: str
) -> list[tuple[list[np.ndarray | None], list[FrameTiming | None]]] | None:
    """Return the containers' times with the rates sleap-io's writer truncated put right; None when none is.

    Given the video's timestamps, sleap-io's writer stores a series without a missing frame as a rate,
    ``float(int(1 / period))``: 29.0 for a period of 1/30 s computed as 0.03333...34. The other series
    of the video keep timestamps; their step (the smallest gap, of which every time is a whole multiple)
    is the period, and a stored whole rate within one below ``1 / (m x step)`` but not equal to it is that
    truncation, for a series with a value every ``m`` frames (7.0 for every 4th frame at 30 fps): its
    times are taken every ``m`` steps from its starting time.
    """
    found = [
        (path, times)
        for paths, all_times in containers
        for path, times in zip(paths, all_times, strict=True)
        if path is not None and times is not None
    ]
    stamped = [times for path, times in found if path not in reader.rates and path not in reader.unknown and len(times)]
    step = frame_step(np.concatenate(stamped)) if stamped else None
    if step is None:
        return None
    fps = 1.0 / step

    steps = {path: every for path, _ in found if path and (every := _frames_per_sample(reader.rates.get(path), fps))}
    if not steps:
        return None
    stored_rates = sorted({reader.rates[path].rate for path in steps})
    warnings.warn(
        f"{reader.path}: series of video {video!r} store the rate(s) {stored_rates} where the other series' times "
        f"step by 1/{fps:g} s (sleap-io's NWB writer stores int(1 / period)); read at {fps:g} fps.",
        PoseconvWarning,
        stacklevel=5,
    )
    result = []
    for paths, all_times in containers:
        times: list[np.ndarray | None] = []
        timings: list[FrameTiming | None] = []
        for path, stored in zip(paths, all_times, strict=True):
            if stored is not None and path and path in steps:
                start, every = reader.rates[path].starting_time, steps[path]
                stored = start + np.arange(len(stored), dtype="float64") * (every * step)
                timings.append(
                    FrameTiming(rate=fps / every, starting_time=start, source=f"every {every} frame(s) at {fps:g} fps")
                )
            else:
                timings.append(None)
            times.append(stored)
        result.append((times, timings))
    return result


def _frames_per_sample(stored: UnknownRate | None, fps: float) -> int | None:
    """Return ``m`` when a stored whole rate is ``int(fps / m)`` but not ``fps / m`` (one ``m`` only); else None."""
    if stored is None or stored.rate != int(stored.rate):
        return None
    fits = [m for m in range(1, int(fps) + 2) if 1e-6 * fps < fps / m - stored.rate <= 1 + 1e-6]
    return fits[0] if len(fits) == 1 else None


def corrected_times(
    containers: Sequence[tuple[Sequence[str | None], Sequence[np.ndarray | None], Sequence[FrameTiming | None]]],
    reader: FrameTimes,
    video: str,
    *,
    sleap_io_layout: bool,
) -> tuple[list[tuple[list[np.ndarray | None], list[FrameTiming | None]]], bool]:
    """Return the times and timings of a video's containers with what sleap-io's writer hid put right.

    Truncated rates (:func:`correct_truncated_rates`, sleap-io's layout only), then rates of 0.0 and
    ``frame * fps`` times (:func:`recover_frame_times`).

    Parameters
    ----------
    containers : sequence of (series paths, series times, series timings)
        As the scanner found them (None for a node without series).
    reader, video, sleap_io_layout
        As for :func:`recover_frame_times`.

    Returns
    -------
    list of (list, list)
        Each container's times and timings, in the order given.
    bool
        Whether the times were recovered from frame numbers.
    """
    found = [(list(times), list(timings)) for _, times, timings in containers]
    corrected = (
        correct_truncated_rates([(series, times) for series, times, _ in containers], reader, video)
        if sleap_io_layout
        else None
    )
    if corrected is not None:
        found = [
            (times, [new or old for new, old in zip(timings, held, strict=True)])
            for (times, timings), (_, held) in zip(corrected, found, strict=True)
        ]
    series = [(paths, times) for (paths, _, _), (times, _) in zip(containers, found, strict=True)]
    recovered = recover_frame_times(series, reader, video, sleap_io_layout=sleap_io_layout)
    return (recovered if recovered is not None else found), recovered is not None


def times_signature(times: Sequence[np.ndarray | None]) -> tuple:
    """Return (samples, first, last time) of the first series of a container that has times; () when none has."""
    t = next((t for t in times if t is not None), None)
    if t is None:
        return ()
    return (len(t), float(t[0]) if len(t) else None, float(t[-1]) if len(t) else None)
