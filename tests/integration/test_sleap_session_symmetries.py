"""A SLEAP recording session keeps its skeleton's symmetries: .slp -> NWB -> read back -> .slp.

A session's MultiCameraPoseEstimation links one Skeleton; its symmetries (mirror-image nodes, which
SLEAP's flip augmentation swaps) were dropped silently, and exporting the session to .slp wrote none.
"""

from __future__ import annotations

import pytest

from poseconv.exporters.sleap_session import write_slp_session
from poseconv.nwb.read.multicamera import read_multicamera
from tests.fixtures.sleap_session_groups import edited_session_nwb

sio = pytest.importorskip("sleap_io")


@pytest.fixture(scope="module")
def nwb(tmp_path_factory):
    """A two-camera session of two tracked rats whose skeleton has n2 and n3 as mirror images, as NWB."""
    # As SLEAP's skeleton editor adds one.
    return edited_session_nwb(
        tmp_path_factory.mktemp("session_symmetries"), lambda labels: labels.skeletons[0].add_symmetry("n2", "n3")
    )


def test_read_multicamera_gives_the_symmetries_back(nwb):
    (session,) = read_multicamera(nwb)
    for view in session.views.values():
        assert [skeleton.symmetries for skeleton in view.skeletons.values()] == [((1, 2),)]


def test_export_of_the_session_to_slp_restores_them(nwb, tmp_path):
    (session,) = read_multicamera(nwb)
    back = sio.load_slp(str(write_slp_session(session, tmp_path / "back.slp")), open_videos=False)
    assert [[sorted(n.name for n in pair.nodes) for pair in s.symmetries] for s in back.skeletons] == [[["n2", "n3"]]]
