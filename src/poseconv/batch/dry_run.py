"""The check's test write of one session (``poseconv run --check``, and ``run`` before it converts).

:func:`dry_run_session` adds the first frames of every pose file to an in-memory NWB file, to find what only
the writer sees (skeleton nodes against the file's, links between entries), and records it as the pose file's
:class:`~poseconv.batch.report.Problem`. The session's other interfaces are left out, as their stub may not be
cheap, except neuroconv's video interfaces, whose videos the poses link: the conversion writes them first, and
without them the poses would take a video interface's entry for one they write themselves.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

from .jobs import SessionJob
from .report import Problem, one_line

__all__ = ["dry_run_session"]


def dry_run_session(job: SessionJob, built: Any) -> None:
    """Write the session's pose files, first frames only, to an in-memory NWB file; record what fails.

    Parameters
    ----------
    job : SessionJob
        The session.
    built : poseconv.batch.session._Built
        Its interfaces, converter, metadata and conversion options, built by the check; its ``problems``
        take what the test write finds.
    """
    from neuroconv.tools.nwb_helpers import make_nwbfile_from_metadata

    from ..interfaces.subject_check import mark_checked

    composed = built.converter.compose_metadata(built.metadata)
    try:
        nwbfile = make_nwbfile_from_metadata(composed.file_blocks())
    except (TypeError, ValueError, KeyError) as err:  # pynwb's own checks of NWBFile and Subject (docval)
        built.problems.append(Problem(job.location, f"the NWBFile or Subject metadata: {one_line(err)}", job.index))
        return
    specs = {spec.name: spec for spec in job.inputs}
    mark_checked(nwbfile)  # the session's metadata problems are said by its check, not again by the interfaces
    try:
        # The video interfaces first: a labeled video one of them adds needs no stand-in.
        _add_video_interfaces(nwbfile, job, built, composed.shared, specs)
        _stand_in_labeled_videos(nwbfile, composed.per_input)
        for name, metadata in composed.per_input.items():
            try:
                built.interfaces[name].add_to_nwbfile(
                    nwbfile, metadata=metadata, stub_test=True, external_files_relative_to=job.output.parent
                )
            except Exception as err:  # noqa: BLE001 - plug-in boundary: a pose interface may fail in any way on
                # metadata that does not fit its data; the error is recorded as this pose file's Problem.
                built.problems.append(Problem(f"{specs[name].location}.metadata", one_line(err), job.index))
    finally:
        # The session may be kept for its conversion: without the frames the stub read (memory bounded by
        # the headers, however many sessions a worker keeps).
        built.converter.forget_blocks()


def _add_video_interfaces(
    nwbfile: Any, job: SessionJob, built: Any, shared: Mapping[str, Any], specs: Mapping[str, Any]
) -> None:
    """Add the videos of the session's neuroconv video interfaces, as the conversion does before the poses.

    An external video is a path and its timing; an internal one's stub is its first frames. ``specs`` are the
    session's inputs by name, where a failure is said.
    """
    from neuroconv.datainterfaces import ExternalVideoInterface, InternalVideoInterface

    for name, interface in built.interfaces.items():
        if not isinstance(interface, (ExternalVideoInterface, InternalVideoInterface)):
            continue
        options = dict(built.options.get(name) or {})
        if "stub_test" in inspect.signature(interface.add_to_nwbfile).parameters:
            options["stub_test"] = True
        try:
            interface.add_to_nwbfile(nwbfile, metadata=shared, **options)
        except Exception as err:  # noqa: BLE001 - neuroconv's interface may fail in any way on metadata or
            # options that do not fit its video; the error is recorded as this interface's Problem.
            built.problems.append(Problem(specs[name].location, one_line(err), job.index))


def _stand_in_labeled_videos(nwbfile: Any, per_input: Mapping[str, Mapping[str, Any]]) -> None:
    """Add an empty stand-in for each labeled video the poses link (in place).

    A labeled video is always another interface's ``ImageSeries`` (poseconv does not read that
    file), and the dry run leaves the other interfaces out; the writer needs only its name.
    """
    from pynwb.image import ImageSeries

    for metadata in per_input.values():
        videos = (metadata.get("Behavior") or {}).get("ExternalVideos") or {}
        for entry in ((metadata.get("Pose") or {}).get("PoseEstimations") or {}).values():
            name = (videos.get(entry.get("labeled_video_metadata_key")) or {}).get("name")
            if name is not None and name not in nwbfile.acquisition:
                stand_in = ImageSeries(
                    name=name, external_file=[""], format="external", starting_frame=[0], timestamps=[0.0]
                )
                nwbfile.add_acquisition(stand_in)
