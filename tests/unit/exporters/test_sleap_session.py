"""Recording sessions back to SLEAP: the rotation vector sleap-anipose stores."""

from __future__ import annotations

import numpy as np
import pytest
import sleap_io as sio

from poseconv.exporters.sleap_session import rotation_vector


@pytest.mark.parametrize(
    "rvec",
    [[0.0, 0.0, 0.0], [0.35718572, 0.88794733, 1.68320017], [1e-9, 0, 0], [np.pi, 0, 0], [0, -2.0, 0.5]],
)
def test_rotation_vector_inverts_sleap_io_rodrigues(rvec):
    rotation = sio.Camera(rvec=rvec).extrinsic_matrix[:3, :3]
    back = rotation_vector(rotation)
    np.testing.assert_allclose(sio.Camera(rvec=back).extrinsic_matrix[:3, :3], rotation, atol=1e-12)
    if np.linalg.norm(rvec) < np.pi - 1e-6:
        np.testing.assert_allclose(back, rvec, atol=1e-9)
