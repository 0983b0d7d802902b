"""A video its reader linked to no file, for want of telling which file is its own: the note and the way out.

A reader that finds one file beside the poses that several of their videos could be (the SLEAP readers,
:mod:`poseconv.readers.sleap.videos_by_name`) links it to none of them and keeps, in the video's facts
(``notes["videos"][key]``), the warning saying why under :data:`UNLINKED`; the pose interfaces say it of the
videos they convert without a file given (:class:`~poseconv.pose_source.PoseSource`). The way to give each video
its file, one conversion a video, is :data:`EACH_VIDEO`, which that warning and the errors of poses of several
videos give alike. Training labels take a video's file from the labels file alone (:data:`POINT_THE_FILE`),
but for the one video of the poses they are converted with (:mod:`poseconv.readers.sleap.labels`).
"""

from __future__ import annotations

__all__ = ["EACH_VIDEO", "POINT_THE_FILE", "UNLINKED"]

#: The fact of a video its reader linked no file to: the warning saying why and how to give its file.
UNLINKED = "unlinked_warning"

#: How to give each video of a file of several with its poses, one conversion each (``video_file_path=`` gives
#: one); the sentence around it says what it is for.
EACH_VIDEO = (
    "video_indices=[k] and video_file_path= (poseconv convert FILE -O video_indices=[k] --video PATH; in a spec, "
    "one pose entry per video with source_data: {video_indices: [k]} and its video_file_path), k the video's "
    "index in the file, 0 for the first"
)

#: How to give every video of a labels file its own file at once, in the file itself, which then links each
#: video's poses and training frames alike; the sentence around it says when.
POINT_THE_FILE = (
    "put each video where the file records it, or beside the file under a name of its own and point the file to "
    "it (SLEAP: File > Replace Videos; sleap-io: Labels.replace_filenames), save the file, and convert again"
)
