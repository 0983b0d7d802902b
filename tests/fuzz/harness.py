"""What every fuzz target checks: an input converts, or is refused with poseconv's own error.

:func:`convert_or_refuse` runs a conversion the way a user does (interface, metadata,
``run_conversion``) under a deadline. A refusal must be a
:class:`~poseconv.errors.PoseconvError` that names the input file and leaves no output
(not even a temporary file) behind; any other exception, or a hang, fails the example.
The mutators make broken files out of real ones.
"""

from __future__ import annotations

import contextlib
import random
import signal
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from poseconv.errors import PoseconvError

# A conversion of a small file takes well under a second; anything near this is a hang.
DEADLINE_SECONDS = 60


class Hang(Exception):
    """A conversion ran past :data:`DEADLINE_SECONDS`."""


@contextlib.contextmanager
def deadline(seconds: int = DEADLINE_SECONDS) -> Iterator[None]:
    """Raise :class:`Hang` in the main thread when the block runs longer than ``seconds``."""

    def expire(signum: int, frame: Any) -> None:
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def input_and_output_folders(root: Path) -> tuple[Path, Path]:
    """Make and return ``root/in`` and ``root/out``, the output folder empty as :func:`convert_or_refuse` needs."""
    source_dir, output_dir = root / "in", root / "out"
    source_dir.mkdir()
    output_dir.mkdir()
    return source_dir, output_dir


def convert_or_refuse(interface_class: type, path: Path, output: Path, **options: Any) -> bool:
    """Convert ``path`` to ``output``; return whether it converted.

    Parameters
    ----------
    interface_class : type
        A poseconv interface class.
    path : pathlib.Path
        The (possibly broken) input.
    output : pathlib.Path
        Where the NWB file goes; its folder must hold nothing else.
    **options
        Interface options.

    Returns
    -------
    bool
        True when the file converted, False when poseconv refused it with a clear error.

    Raises
    ------
    AssertionError
        When the refusal does not name the file, or leaves output behind.
    """
    with deadline(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            interface = interface_class(file_path=path, **options)
            metadata = interface.get_metadata()
            metadata["NWBFile"]["session_start_time"] = "2024-01-01T00:00:00+00:00"
            interface.run_conversion(nwbfile_path=output, metadata=metadata, overwrite=True)
        except PoseconvError as error:
            assert path.name in str(error), f"the error does not name {path.name}: {error}"
            leftovers = [p.name for p in output.parent.iterdir()]
            assert not leftovers, f"a refused conversion left {leftovers} behind"
            return False
    assert output.is_file()
    return True


def truncate(data: bytes, rng: random.Random) -> bytes:
    """Cut the file at a random byte."""
    return data[: rng.randrange(len(data))]


def flip_bits(data: bytes, rng: random.Random) -> bytes:
    """Flip 1 to 64 random bits."""
    mutated = bytearray(data)
    for _ in range(rng.choice((1, 2, 8, 64))):
        position = rng.randrange(len(mutated))
        mutated[position] ^= 1 << rng.randrange(8)
    return bytes(mutated)


def zero_range(data: bytes, rng: random.Random) -> bytes:
    """Overwrite up to 4 KiB at a random place with zeros."""
    mutated = bytearray(data)
    start = rng.randrange(len(mutated))
    length = min(rng.randrange(1, 4097), len(mutated) - start)
    mutated[start : start + length] = bytes(length)
    return bytes(mutated)


BYTE_MUTATORS = (truncate, flip_bits, zero_range)

# Values that break assumptions: negative, huge, out of range, not finite.
_ODD_INTEGERS = (-1, -(2**31), 2**31 - 1, 2**40, 2**62, 0, 1, 7)
_ODD_FLOATS = (np.nan, np.inf, -np.inf, -1.0, 1e300, 0.0, 2.0**40)


def mutate_hdf5(path: Path, rng: random.Random) -> str:
    """Change one value, dataset or attribute of the HDF5 file at ``path`` in place.

    Parameters
    ----------
    path : pathlib.Path
        An HDF5 file (``.slp``, ``.h5``); rewritten.
    rng : random.Random
        Source of choices.

    Returns
    -------
    str
        What was changed, for the failure message.
    """
    with h5py.File(path, "r+") as file:
        datasets: list[str] = []
        file.visititems(lambda name, item: datasets.append(name) if isinstance(item, h5py.Dataset) else None)
        attributed = [name for name in ["/", *datasets] if len(file[name].attrs)]
        action = rng.choice(("value", "value", "value", "delete", "attribute"))
        if action == "attribute" and attributed:
            owner = file[rng.choice(attributed)]
            key = rng.choice(sorted(owner.attrs))
            if rng.random() < 0.5:
                del owner.attrs[key]
                return f"deleted attribute {key!r} of {owner.name}"
            owner.attrs[key] = rng.choice(("", "{", "[1, 2", "null", "\u00e9/\u00e9", "-1"))
            return f"garbled attribute {key!r} of {owner.name}"
        if not datasets:
            return "nothing to change"
        name = rng.choice(datasets)
        dataset = file[name]
        if action == "delete" or dataset.shape == () or dataset.size == 0:
            del file[name]
            return f"deleted dataset {name}"
        index = tuple(rng.randrange(n) for n in dataset.shape)
        value = dataset[index]
        try:
            if dataset.dtype.names:
                field = rng.choice(dataset.dtype.names)
                value[field] = _odd_value(dataset.dtype[field], rng)
                dataset[index] = value
                return f"set {name}{list(index)}[{field!r}] = {value[field]!r}"
            dataset[index] = _odd_value(dataset.dtype, rng)
            return f"set {name}{list(index)} = {dataset[index]!r}"
        except (TypeError, ValueError):
            # A type the odd values do not fit (opaque, nested): drop the dataset instead.
            del file[name]
            return f"deleted dataset {name}"


def _odd_value(dtype: np.dtype, rng: random.Random) -> Any:
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return int(np.clip(rng.choice(_ODD_INTEGERS), info.min, info.max))
    if dtype.kind == "f":
        return rng.choice(_ODD_FLOATS)
    if dtype.kind == "b":
        return rng.random() < 0.5
    return rng.choice((b"", b"{", b"\xff\xfe", b"/../", b"[[", b"null")) if dtype.kind in "SOV" else 0
