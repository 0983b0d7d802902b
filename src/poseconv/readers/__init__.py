"""Readers: one module per source format, each registering itself with :mod:`.registry`."""

from .registry import infer_source_software, read_pose, register_reader, supported_formats

__all__ = ["infer_source_software", "read_pose", "register_reader", "supported_formats"]
