"""`poseconv` on LightningPose files, run as a user runs it: detection, --source lp / lp-labels, errors."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from poseconv import read_nwb
from poseconv.exporters.deeplabcut_training import to_deeplabcut_labels
from poseconv.nwb.read.training import read_training
from poseconv.readers.deeplabcut.labels import read_deeplabcut_labels_table
from tests.fixtures.lightningpose import (
    AIND_DLC_CSV,
    AIND_LP_CSV,
    LP_COLLECTED_DATA,
    LP_CSV,
    read_lp_csv,
    write_eks_csv,
    write_visible_labels,
)
from tests.fixtures.paths import needs_shared_data
from tests.fixtures.sleap import predictions_per_frame
from tests.integration.test_cli import START, assert_one_line_error, poseconv


def test_convert_detects_lightning_pose_and_takes_the_video_beside_it(tmp_path):
    output = tmp_path / "lp.nwb"
    poseconv("convert", LP_CSV, "-o", output, "--session-start-time", START)
    (pose,) = read_nwb(output)
    assert pose.source_software == "LightningPose"
    assert pose.timing["test_vid"].rate == 250.0
    table = read_lp_csv(LP_CSV)
    np.testing.assert_array_equal(pose.tracks[0].positions[:, 6, 0], table[("heatmap_tracker", "nose_top", "x")])
    summary = json.loads(poseconv("inspect", output, "--json").stdout)
    assert summary["poses"][0]["source_software"] == "LightningPose"


@needs_shared_data
def test_inspect_names_the_ensemble_columns_kept_beside_the_poses(tmp_path):
    # An EKS file's ens_median / ens_var / posterior_var columns were kept but inspect never said so.
    eks = write_eks_csv(tmp_path / "test_vid.csv")
    output = tmp_path / "eks.nwb"
    poseconv("convert", eks, "--fps", "250", "-o", output, "--session-start-time", START)
    said = "also per node, kept beside x, y and confidence: x_ens_median/y_ens_median, x_ens_var/y_ens_var, "
    said += "x_posterior_var/y_posterior_var"
    for path in (eks, output):
        assert said in poseconv("inspect", path).stdout
        [track] = json.loads(poseconv("inspect", path, "--json").stdout)["poses"][0]["tracks"]
        assert track["extra_columns"] == {
            "ens_median": ["x_ens_median", "y_ens_median"],
            "ens_var": ["x_ens_var", "y_ens_var"],
            "posterior_var": ["x_posterior_var", "y_posterior_var"],
        }


def test_export_to_lp_gives_the_lightning_pose_csv_back(tmp_path):
    # Before, --to lp was a usage error; Lightning Pose's CSV is DeepLabCut's layout.
    output = tmp_path / "lp.nwb"
    poseconv("convert", LP_CSV, "-o", output, "--session-start-time", START)
    poseconv("export", output, tmp_path / "back.csv", "--to", "lp")
    assert (tmp_path / "back.csv").read_bytes() == LP_CSV.read_bytes()
    assert_one_line_error(poseconv("export", output, tmp_path / "back.h5", "--to", "lp", check_rc=None), "writes .csv")
    labels = tmp_path / "labels.nwb"
    poseconv("convert", LP_COLLECTED_DATA, "--source", "lp-labels", "-o", labels, "--session-start-time", START)
    poseconv("export", labels, tmp_path / "CollectedData.csv", "--training", "--to", "lp")
    original, _ = read_deeplabcut_labels_table(LP_COLLECTED_DATA)
    back, _ = read_deeplabcut_labels_table(tmp_path / "CollectedData.csv")
    pd.testing.assert_frame_equal(back, original)


@needs_shared_data
def test_export_to_lp_of_several_animals_writes_one_lightning_pose_csv_per_animal(tmp_path):
    # Lightning Pose reads single-animal tables (scorer, bodyparts, coords): a two-track file gave one table with an
    # individuals row that neither Lightning Pose, movement's from_lp_file nor `--source lp` reads.
    from movement.io import load_poses

    from tests.fixtures.sleap import SLP_CLIP_PREDICTIONS

    poseconv("convert", SLP_CLIP_PREDICTIONS, "-o", tmp_path / "two.nwb", "--fps", "30", "--session-start-time", START)
    poseconv("export", tmp_path / "two.nwb", "--to", "lp", tmp_path / "lp.csv")
    (pose,) = read_nwb(tmp_path / "two.nwb")
    for track in pose.tracks:
        path = tmp_path / f"lp_{track.video}_{track.name}.csv"
        table = pd.read_csv(path, header=[0, 1, 2], index_col=0)
        assert list(table.columns.names) == ["scorer", "bodyparts", "coords"]
        np.testing.assert_array_equal(table.xs("x", axis=1, level="coords").to_numpy(), track.positions[:, :, 0])
        np.testing.assert_array_equal(table.xs("likelihood", axis=1, level="coords").to_numpy(), track.confidence)
        dataset = load_poses.from_lp_file(path, fps=30)
        assert dataset.position.shape[-1] == 1  # one individual
        poseconv(
            "convert",
            path,
            "--source",
            "lp",
            "-o",
            tmp_path / f"{track.name}.nwb",
            "--fps",
            "30",
            "--session-start-time",
            START,
        )
    assert sorted(p.name for p in tmp_path.glob("lp*.csv")) == [
        f"lp_{t.video}_{t.name}.csv" for t in sorted(pose.tracks, key=lambda t: t.name)
    ]


def test_lightning_pose_and_deeplabcut_files_in_one_nwb_file(tmp_path):
    output = tmp_path / "both.nwb"
    poseconv("convert", AIND_LP_CSV, AIND_DLC_CSV, "--fps", 500, "-o", output, "--session-start-time", START)
    poses = {pose.source_software: pose for pose in read_nwb(output)}
    assert set(poses) == {"LightningPose", "DeepLabCut"}
    for software, csv_path in (("LightningPose", AIND_LP_CSV), ("DeepLabCut", AIND_DLC_CSV)):
        table = read_lp_csv(csv_path)
        scorer = table.columns.get_level_values(0)[0]
        np.testing.assert_array_equal(
            poses[software].tracks[0].confidence[:, 7], table[(scorer, "nosetip", "likelihood")]
        )


def test_source_lp_and_lp_labels(tmp_path):
    output = tmp_path / "lp.nwb"
    poseconv("convert", AIND_LP_CSV, "--source", "lp", "--fps", 500, "-o", output, "--session-start-time", START)
    assert read_nwb(output)[0].scorer == "heatmap_tracker"
    labels = tmp_path / "labels.nwb"
    poseconv("convert", LP_COLLECTED_DATA, "--source", "lp-labels", "-o", labels, "--session-start-time", START)
    original, _ = read_deeplabcut_labels_table(LP_COLLECTED_DATA)
    pd.testing.assert_frame_equal(to_deeplabcut_labels(read_training(labels)), original)


def test_lightning_pose_errors_are_one_line(tmp_path):
    result = poseconv("convert", AIND_LP_CSV, "-o", tmp_path / "x.nwb", "--session-start-time", START, check_rc=None)
    assert_one_line_error(result, "LP.predictions.csv", "--fps")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "\n".join(LP_CSV.read_text().splitlines()[:4]).replace("heatmap_tracker,", "heatmap_tracker,oops,", 1)
    )
    result = poseconv("convert", bad, "--source", "lp", "--fps", 250, "-o", tmp_path / "y.nwb", check_rc=None)
    assert_one_line_error(result, "bad.csv")
    result = poseconv(
        "convert", AIND_LP_CSV, "--source", "lp", "--individuals", "x", "-o", tmp_path / "z.nwb", check_rc=None
    )
    assert_one_line_error(result, "--individuals is not supported for LightningPose files")
    assert not list(tmp_path.glob("*.nwb"))


def test_an_ambiguous_labels_file_names_the_sources_to_choose(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("scorer,Jane,Jane\nbodyparts,nose,nose\ncoords,x,y\nlabeled-data/v/img001.png,1,2\n")
    out = tmp_path / "out.nwb"
    result = poseconv("convert", path, "-o", out, "--session-start-time", START, check_rc=None)
    assert_one_line_error(result, "name the format explicitly with --source dlc-labels or --source lp-labels")
    poseconv("convert", path, "--source", "lp-labels", "-o", out, "--session-start-time", START)
    assert read_training(out).n_instances == 1


@pytest.mark.parametrize(
    "extra_rows",
    [(), ("labeled-data/v/img004.png,3,4,,5,6,2",), ("labeled-data/v/img004.png,3.0,4.0,2.0,5.0,6.0,2.0",)],
    ids=["whole-flags", "an-empty-flag-cell", "flags-written-as-floats"],
)
def test_visible_flags_survive_nwb_and_come_back_in_the_export(tmp_path, extra_rows):
    # An empty flag cell makes pandas read that column as floats, and only that one: before, the
    # export made every flag column float.
    source = write_visible_labels(tmp_path / "CollectedData.csv", *extra_rows)
    nwb, back = tmp_path / "labels.nwb", tmp_path / "back.csv"
    poseconv("convert", source, "-o", nwb, "--session-start-time", START, "-q")
    flags = [i.visibility_flags.tolist() for f in read_training(nwb).frames for i in f.instances]
    assert flags[:2] == [[2, 1], [2, 0]]
    poseconv("export", nwb, back, "--training", "--to", "dlc", "-q")
    read = lambda p: pd.read_csv(p, header=[0, 1, 2], index_col=0)  # noqa: E731
    pd.testing.assert_frame_equal(read(back), read(source), check_exact=True)


@pytest.mark.parametrize(
    "header",
    ["bodyparts,nose,nose,tail,tail\ncoords,x,y,x,y\n", ",Jane,Jane,Jane,Jane\n,nose,nose,tail,tail\n,x,y,x,y\n"],
    ids=["no-scorer-row", "unnamed-levels"],
)
def test_a_labels_header_lightning_pose_reads_survives_nwb(tmp_path, header):
    # The header is kept in the sources table's `header` column, so the export writes the file back as it was.
    source = tmp_path / "CollectedData.csv"
    source.write_text(header + "labeled-data/v/img1.png,1.5,2.0,3.0,4.0\nlabeled-data/v/img2.png,5.0,6.0,,\n")
    nwb, back = tmp_path / "labels.nwb", tmp_path / "back.csv"
    poseconv("convert", source, "-o", nwb, "--session-start-time", START, "-q")
    poseconv("export", nwb, back, "--training", "--to", "dlc", "-q")
    assert back.read_text() == source.read_text()


@pytest.mark.parametrize("source", [(), ("--source", "lp-labels")], ids=["detected", "named"])
def test_inspect_summarises_a_labels_csv(tmp_path, source):
    # Before, a detected labels file was refused ("'inspect' ... take them"), and a named one failed
    # with an internal error on --json.
    path = write_visible_labels(tmp_path / "CollectedData.csv")
    document = json.loads(poseconv("inspect", path, *source, "--json").stdout)
    assert document["poses"] == [] and document["session"] is None
    [training] = document["training"]
    assert training["source_software"] == "LightningPose" and training["n_frames"] == 3
    assert "labeled frames: 3" in poseconv("inspect", path, *source).stdout


def test_export_to_lp_names_the_file_of_an_animal_with_a_slash(tmp_path):
    # Before, a SLEAP track 'm/1' stopped the export: "Invalid name 'lp_session_m/1.csv'". Its file takes the
    # name NWB gives it ('m_1'); 'm_1' beside it is told apart by number, not written over.
    import sleap_io as sio

    skeleton = sio.Skeleton(["nose", "tail"])
    video = sio.Video(filename="/lab/session.mp4", open_backend=False)
    tracks = [sio.Track("m/1"), sio.Track("m_1")]
    rng = np.random.default_rng(0)
    points = {(track.name, frame): rng.uniform(0, 100, (2, 2)) for track in tracks for frame in range(3)}
    labels = predictions_per_frame(
        video,
        skeleton,
        range(3),
        lambda track, frame: points[track.name, frame],
        point_scores=[0.9, 0.8],
        score=0.9,
        tracks=tracks,
    )
    sio.save_slp(labels, tmp_path / "s.slp")
    nwb = tmp_path / "s.nwb"
    poseconv("convert", tmp_path / "s.slp", "-o", nwb, "--fps", "30", "--session-start-time", START, "-q")
    poseconv("export", nwb, "--to", "lp", tmp_path / "lp.csv", "-q")
    written = {p.name: p for p in tmp_path.glob("lp*.csv")}
    assert sorted(written) == ["lp_0_session_m_1.csv", "lp_1_session_m_1.csv"]
    for i, track in enumerate(tracks):
        table = pd.read_csv(written[f"lp_{i}_session_m_1.csv"], header=[0, 1, 2], index_col=0)
        expected = np.stack([points[track.name, frame][:, 0] for frame in range(3)])
        np.testing.assert_allclose(table.xs("x", axis=1, level="coords").to_numpy(), expected)
