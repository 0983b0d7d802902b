"""Many sessions from one spec file, in parallel or on a Dask cluster, and interfaces found by name.

- :mod:`poseconv.batch.spec`: the conversion spec's models and JSON Schema.
- :mod:`poseconv.batch.plan`: checks that need no data; one job per session.
- :mod:`poseconv.batch.inputs`: those checks for one input of a session (a pose file or an interface).
- :mod:`poseconv.batch.jobs`: the jobs handed to the workers, and the plan that holds them.
- :mod:`poseconv.batch.session`: one session in a worker (check, atomic write).
- :mod:`poseconv.batch.runner`: :func:`run_batch`, which the ``poseconv run`` command calls.
- :mod:`poseconv.batch.executors`: local worker processes or a Dask cluster.
- :mod:`poseconv.batch.report`: problems, session results and the run's report.
- :mod:`poseconv.batch.registry`: :func:`get_interface_class` and the ``neuroconv.interfaces``
  entry-point group.

Importing this package imports none of them; the names below load on first use.
"""

from __future__ import annotations

from ..lazy_names import lazy_attributes

_LAZY = {
    "run_batch": "poseconv.batch.runner",
    "plan_spec": "poseconv.batch.plan",
    "BatchInterrupted": "poseconv.batch.report",
    "BatchReport": "poseconv.batch.report",
    "Problem": "poseconv.batch.report",
    "SessionResult": "poseconv.batch.report",
    "ConversionSpec": "poseconv.batch.spec",
    "spec_schema": "poseconv.batch.spec",
    "get_interface_class": "poseconv.batch.registry",
    "register_with_neuroconv": "poseconv.batch.registry",
    "ENTRY_POINT_GROUP": "poseconv.batch.registry",
}

__all__ = list(_LAZY)


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, __all__)
