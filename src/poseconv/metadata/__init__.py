"""Metadata models and their JSON Schema."""
