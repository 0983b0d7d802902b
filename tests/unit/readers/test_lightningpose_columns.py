"""The columns Lightning Pose and EKS write beside x, y and likelihood, grouped and described."""

from __future__ import annotations

from poseconv.readers.lightningpose_columns import extra_coords_of, extra_group


def test_axis_columns_form_a_group_and_other_labels_are_their_own():
    assert [extra_group(c) for c in ("x_ens_var", "y_ens_var", "z_posterior_var", "zscore", "x")] == [
        "ens_var",
        "ens_var",
        "posterior_var",
        "zscore",
        "x",
    ]


def test_known_groups_get_units_of_the_poses_and_unknown_ones_none():
    groups = {"ens_var": ("x_ens_var", "y_ens_var"), "quality": ("quality",)}
    extras = extra_coords_of(groups, {}, lambda columns: columns, "pixels")
    assert [(e.name, e.unit, e.values) for e in extras] == [
        ("ens_var", "pixels^2", ("x_ens_var", "y_ens_var")),
        ("quality", "n.a.", ("quality",)),
    ]
    assert extras[1].description == "Column(s) quality of every keypoint, as LightningPose wrote them."
    # EKS's 3D latents: the calibration's unit, which the file does not record.
    assert {e.unit for e in extra_coords_of(groups, {}, lambda columns: columns, None)} == {"n.a."}
    # A group only some keypoints have (EKS run on a subset): viewed and named for those keypoints.
    partial = extra_coords_of(groups, {"quality": ("nose",)}, lambda columns, parts=None: (columns, parts), "pixels")
    assert [(e.nodes, e.values) for e in partial] == [
        (None, (("x_ens_var", "y_ens_var"), None)),
        (("nose",), (("quality",), ("nose",))),
    ]
    assert partial[1].description == "Column(s) quality of the keypoints that have them, as LightningPose wrote them."


def test_known_groups_name_the_axes_their_columns_hold():
    # EKS's multicam_3d_results.csv has x_, y_ and z_posterior_var; its views (and one camera) x_ and y_ only.
    groups = {
        "posterior_var": ("x_posterior_var", "y_posterior_var", "z_posterior_var"),
        "var": ("x_var", "y_var"),
        "ens_median": ("x_ens_median", "y_ens_median"),
        "zscore": ("zscore",),
    }
    described = {e.name: e.description for e in extra_coords_of(groups, {}, lambda columns: columns, None)}
    assert described["posterior_var"] == (
        "Posterior variance of the x, y and z estimates of the Ensemble Kalman Smoother (EKS)."
    )
    assert described["var"].startswith("Posterior variance of the x and y estimates of the Ensemble Kalman")
    assert described["ens_median"].startswith("Median of the x and y predictions of the members")
    assert described["zscore"].startswith("EKS z-score: the distance")
