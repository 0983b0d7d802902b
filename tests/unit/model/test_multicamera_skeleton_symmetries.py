"""An individual's session skeleton keeps the symmetries of the place that has them."""

from __future__ import annotations

import numpy as np

from poseconv.model import PoseData, PoseTrack, Skeleton, VideoInfo
from poseconv.model.multicamera import CameraCalibration, MultiCameraPoseData


def _pose(skeleton: Skeleton, dims: int) -> PoseData:
    return PoseData.from_tracks(
        source_software="SLEAP",
        source_file="session.slp",
        skeletons=[skeleton],
        videos=[VideoInfo(key="v")],
        tracks=[PoseTrack(name="rat", skeleton=skeleton.name, video="v", positions=np.zeros((3, 3, dims)))],
    )


def test_the_skeleton_of_an_individual_has_the_edges_of_one_place_and_the_symmetries_of_another():
    # The 3D poses' skeleton (anipose's config) has the edges; the views' (SLEAP's) the mirror-image nodes.
    # The MultiCameraPoseEstimation's one Skeleton took the edges' and dropped the symmetries silently.
    with_edges = Skeleton(name="rat", nodes=("nose", "earL", "earR"), edges=((0, 1), (0, 2)))
    mirrored = Skeleton(name="rat", nodes=("nose", "earL", "earR"), symmetries=((1, 2),))
    data = MultiCameraPoseData.from_parts(
        source_software="SLEAP",
        source_file="session.slp",
        cameras=[CameraCalibration(name="cam0")],
        views={"cam0": _pose(mirrored, 2)},
        pose_3d=_pose(with_edges, 3),
    )
    skeleton = data.skeleton_for("rat")
    assert skeleton.edges == ((0, 1), (0, 2)) and skeleton.symmetries == ((1, 2),)
