"""One thing wrong with the metadata of a conversion, where it is and (for one input's own metadata) whose."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["MetadataProblem"]


@dataclass(frozen=True)
class MetadataProblem:
    """One thing wrong with the metadata of a conversion.

    Attributes
    ----------
    path : tuple
        Where in the metadata (``("Pose", "PoseEstimations", "PoseEstimation_mael")``).
    message : str
        What is wrong and what the valid values are.
    input : str or None
        The input whose own metadata (``input_metadata``) holds the value; None for the shared metadata.
    """

    path: tuple[Any, ...]
    message: str
    input: str | None = None

    def __str__(self) -> str:
        where = "metadata" + "".join(f"[{p!r}]" for p in self.path)
        return f"{where}: {self.message}" if self.input is None else f"{self.input}: {where}: {self.message}"
