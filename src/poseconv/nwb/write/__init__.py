"""Build ndx-pose objects in an in-memory NWB file and write it.

``pose_estimation`` (PoseEstimation per track, the helpers the others share; ``container_checks``
what it refuses before writing), ``multicamera``
(cameras and MultiCameraPoseEstimation), ``training`` (PoseTraining and its sources table),
``extra_coords`` and ``scores`` (what goes beside a PoseEstimation; ``beside`` checks their names),
``devices``, ``video`` (external ImageSeries; ``video_segments`` when the poses' video is one file of a camera
recorded in several, linked as that video); ``series_iterators`` stream the values, ``storage``
and ``dataset_configuration`` choose chunks and filters on top of neuroconv's backend
configuration, ``chunk_encoding`` and ``hdmf_queue`` compress HDF5 chunks on every core.
"""
