"""poseconv's pose checks on real converted files, made broken one way at a time with h5py."""

from __future__ import annotations

import shutil

import h5py
import numpy as np
import pytest

from poseconv.readers.sleap import ANALYSIS_CONFIDENCE_DEFINITION, SLP_CONFIDENCE_DEFINITION
from poseconv.validation import check_pose_file, says_unit_interval, validate_nwb
from poseconv.validation.report import FileReport, Problem
from tests.fixtures.cli import poseconv_in_process
from tests.fixtures.paths import SHARED_DATA, needs_shared_data

REACHING = SHARED_DATA / "deeplabcut/TEST-Alex-2019-11-04/videos"
REACHING_H5 = REACHING / "reachingvideo1shortDLC_resnet50_TESTNov4shuffle1_10.h5"
REACHING_VIDEO = REACHING / "reachingvideo1short.avi"
MULTI_VIDEO = SHARED_DATA / "deeplabcut/multi_mouse-dlc_team-2022-04-12/videos/m3v1mp4short.mp4"
DLC2NWB = SHARED_DATA / "dlc2nwb/examples/m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.nwb"
CONTAINER = "/processing/behavior/PoseEstimation"


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """The DeepLabCut reaching file with its 12-frame video, converted by the CLI."""
    path = tmp_path_factory.mktemp("validate") / "reaching.nwb"
    start = "2024-05-03T11:26:42+02:00"
    result = poseconv_in_process(
        "convert", REACHING_H5, "--video", REACHING_VIDEO, "-o", path, "--session-start-time", start
    )
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def copy(converted, tmp_path):
    """A copy of the converted file, beside it (so the relative video path still resolves)."""
    target = converted.with_name(f"copy_{tmp_path.name}.nwb")
    shutil.copy(converted, target)
    yield target
    target.unlink(missing_ok=True)


@pytest.mark.parametrize(
    ("definition", "bounded"),
    [
        ("DeepLabCut likelihood: the network's score-map confidence (0 to 1) that the body part is there.", True),
        ("LightningPose likelihood: the maximum of the keypoint's normalized heatmap (0 to 1).", True),
        ("Softmax output of the deep neural network.", True),
        ("A probability in [0, 1].", True),
        ("Point-wise confidence scores.", False),
        (
            "Height of the peak in the SLEAP network's confidence map. It is not a calibrated probability and is "
            "not bounded by 1.",
            False,
        ),
        # What poseconv writes for SLEAP scores: "usually 0 to 1; it can exceed 1".
        (SLP_CONFIDENCE_DEFINITION, False),
        (ANALYSIS_CONFIDENCE_DEFINITION, False),
        (None, False),
    ],
)
def test_only_definitions_that_say_0_to_1_are_checked(definition, bounded):
    assert says_unit_interval(definition) is bounded


@needs_shared_data
def test_a_converted_file_passes(converted):
    assert check_pose_file(converted) == []


@needs_shared_data
def test_edges_out_of_range_are_critical(copy):
    with h5py.File(copy, "a") as handle:
        edges_path = next(f"{name}/edges" for name, kind in _typed(handle) if kind == "Skeleton")
        del handle[edges_path]
        handle[edges_path] = np.array([[0, 1], [2, 9]], dtype="uint8")
    [problem] = check_pose_file(copy)
    assert (problem.importance, problem.check) == ("CRITICAL", "poseconv:skeleton_edges")
    assert "(2, 9)" in problem.message and "4 nodes" in problem.message


@needs_shared_data
def test_confidence_above_1_is_a_violation_when_defined_as_0_to_1(copy):
    with h5py.File(copy, "a") as handle:
        handle[f"{CONTAINER}/bodypart1/confidence"][3] = 1.5
    [problem] = check_pose_file(copy)
    assert (problem.importance, problem.check) == ("BEST_PRACTICE_VIOLATION", "poseconv:confidence_range")
    assert problem.location == f"{CONTAINER}/bodypart1" and "1.5" in problem.message
    # A definition that does not bound the score: the same values are not flagged.
    with h5py.File(copy, "a") as handle:
        handle[f"{CONTAINER}/bodypart1/confidence"].attrs["definition"] = "Point-wise confidence scores."
    assert check_pose_file(copy) == []


@needs_shared_data
def test_deeplabcut_3_s_no_detection_mark_is_not_a_score_out_of_range(copy):
    # DeepLabCut 3 pads an animal it did not detect with x = y = likelihood = -1 (kept as written): before,
    # every default DeepLabCut 3 multi-animal file converted to one this check rejected.
    with h5py.File(copy, "a") as handle:
        handle[f"{CONTAINER}/bodypart1/confidence"][3:6] = -1.0
    assert check_pose_file(copy) == []
    with h5py.File(copy, "a") as handle:
        handle[f"{CONTAINER}/bodypart1/confidence"][7] = -0.5
    [problem] = check_pose_file(copy)
    assert problem.check == "poseconv:confidence_range" and "1 confidence value(s)" in problem.message


@needs_shared_data
def test_a_missing_video_and_a_video_of_another_length(copy, tmp_path):
    with h5py.File(copy, "a") as handle:
        external = handle["/acquisition/Video reachingvideo1short/external_file"]
        recorded = external[0].decode()
        external[0] = recorded.replace("reachingvideo1short.avi", "gone.avi")
    [missing] = check_pose_file(copy)
    assert (missing.importance, missing.check) == ("CRITICAL", "poseconv:external_video")
    assert "gone.avi" in missing.message and "relative to the NWB file" in missing.message

    with h5py.File(copy, "a") as handle:
        handle["/acquisition/Video reachingvideo1short/external_file"][0] = str(MULTI_VIDEO)
    [length] = check_pose_file(copy)
    assert (length.importance, length.check) == ("BEST_PRACTICE_VIOLATION", "poseconv:video_frame_count")
    assert "12 samples" in length.message and "31 frames" in length.message


@needs_shared_data
def test_timestamps_that_go_back_and_a_zero_rate_are_critical(tmp_path, copy):
    broken = tmp_path / "dlc2nwb.nwb"
    shutil.copy(DLC2NWB, broken)
    with h5py.File(broken, "a") as handle:
        timestamps = handle[f"{CONTAINER}/ind1_snout/timestamps"]
        timestamps[5] = timestamps[4]
    problems = [p for p in check_pose_file(broken) if p.check == "poseconv:timestamps_increasing"]
    assert len(problems) == 1 and "the first at sample 5" in problems[0].message

    with h5py.File(copy, "a") as handle:
        handle[f"{CONTAINER}/bodypart2/starting_time"].attrs["rate"] = 0.0
    [rate] = check_pose_file(copy)
    assert (rate.importance, rate.check) == ("CRITICAL", "poseconv:rate_positive")


@needs_shared_data
def test_a_confidence_of_another_length_than_the_data_is_critical(copy):
    # pynwb writes and reads it without a word; the reader reads the samples' confidence that exist, with a warning.
    with h5py.File(copy, "a") as handle:
        group = handle[f"{CONTAINER}/bodypart1"]
        attrs = dict(group["confidence"].attrs)
        shorter = group["confidence"][:9]
        del group["confidence"]
        group["confidence"] = shorter
        group["confidence"].attrs.update(attrs)
    [problem] = check_pose_file(copy)
    assert (problem.importance, problem.check) == ("CRITICAL", "poseconv:data_confidence_length")
    assert problem.location == f"{CONTAINER}/bodypart1"
    assert "data has 12 samples but confidence has 9" in problem.message and "the others have none" in problem.message


@needs_shared_data
def test_validate_nwb_adds_the_dandi_inspection(converted):
    report = validate_nwb(converted)
    assert report.worst == "CRITICAL"  # no Subject: DANDI requires one
    assert {p.check for p in report.problems} >= {"check_subject_exists"}
    assert report.fails("BEST_PRACTICE_VIOLATION") and report.summary().endswith("worst CRITICAL")


def test_report_threshold_and_summary(tmp_path):
    report = FileReport(tmp_path / "x.nwb", [Problem("BEST_PRACTICE_SUGGESTION", "check_keywords", "missing")])
    assert not report.fails("BEST_PRACTICE_VIOLATION") and report.fails("BEST_PRACTICE_SUGGESTION")
    assert report.summary() == f"{tmp_path / 'x.nwb'}: 1 problem, worst BEST_PRACTICE_SUGGESTION"
    assert FileReport(tmp_path / "y.nwb").summary().endswith(": OK")


def _typed(handle):
    found = []
    handle.visititems(lambda name, obj: found.append((name, obj.attrs.get("neurodata_type"))) and None)
    return [(name, kind.decode() if isinstance(kind, bytes) else kind) for name, kind in found]


def _pose_file_with(path, extra):
    """A small pose file that also holds what ``extra`` adds to the NWBFile."""
    from datetime import UTC, datetime

    from ndx_pose import PoseEstimation, PoseEstimationSeries, Skeleton, Skeletons
    from pynwb import NWBHDF5IO, NWBFile

    nwbfile = NWBFile(session_description="s", identifier="i", session_start_time=datetime(2024, 1, 1, tzinfo=UTC))
    extra(nwbfile)
    module = nwbfile.create_processing_module("behavior", "b")
    skeleton = Skeleton(name="sk", nodes=["a", "b"], edges=np.array([[0, 1]], dtype="uint8"))
    module.add(Skeletons(skeletons=[skeleton]))
    series = [
        PoseEstimationSeries(name=n, description=n, data=np.zeros((10, 2)), reference_frame="tl", rate=30.0)
        for n in skeleton.nodes
    ]
    module.add(PoseEstimation(name="PoseEstimation", pose_estimation_series=series, skeleton=skeleton))
    with NWBHDF5IO(path, "w") as io:
        io.write(nwbfile)
    return path


def _units_with_waveforms(nwbfile):
    # Spike sorting with mean waveforms: typed datasets of 2 dimensions (VectorData waveform_mean).
    for _ in range(3):
        nwbfile.add_unit(spike_times=np.sort(np.random.default_rng(0).random(20)), waveform_mean=np.zeros(30))


def _summary_image(nwbfile):
    from pynwb.base import Images
    from pynwb.image import GrayscaleImage

    nwbfile.add_acquisition(Images(name="summary", images=[GrayscaleImage(name="mean", data=np.zeros((16, 16)))]))


@pytest.mark.parametrize("extra", [_units_with_waveforms, _summary_image])
def test_typed_datasets_of_other_data_are_not_checked(tmp_path, extra):
    # "data" in a 2D dataset compared every stored row with "data": numpy's "truth value ... is ambiguous".
    assert check_pose_file(_pose_file_with(tmp_path / "with_others.nwb", extra)) == []


@needs_shared_data
def test_a_file_written_into_a_dandiset_that_links_a_video_outside_it_is_said_by_convert_run_and_validate(tmp_path):
    # `dandi validate` passes such a file and `dandi upload` publishes a link that points nowhere.
    dandiset = tmp_path / "000123"
    (dandiset / "sub-m1").mkdir(parents=True)
    (dandiset / "dandiset.yaml").write_text("identifier: DANDI:000123\nname: t\ndescription: t\n")
    start = "2024-05-03T11:26:42+02:00"
    out = dandiset / "sub-m1" / "sub-m1_ses-day1_behavior+image.nwb"
    converted = poseconv_in_process(
        "convert", REACHING_H5, "--video", REACHING_VIDEO, "-o", out, "--session-start-time", start
    )
    assert converted.returncode == 0, converted.stderr
    assert f"lies outside the Dandiset {dandiset}" in converted.stderr
    [outside] = [p for p in check_pose_file(out) if p.check == "poseconv:video_outside_dandiset"]
    assert outside.importance == "BEST_PRACTICE_VIOLATION" and str(REACHING_VIDEO.name) in outside.message
    validated = poseconv_in_process("validate", out, "--pose-only")
    assert validated.returncode == 1 and "video_outside_dandiset" in validated.stdout + validated.stderr

    spec = tmp_path / "spec.yaml"
    spec.write_text(
        f"output_folder: {dandiset}\nsessions:\n  - session_id: day2\n    session_start_time: '{start}'\n"
        f"    nwbfile_name: sub-m1/sub-m1_ses-day2_behavior+image.nwb\n    pose:\n      - file_path: {REACHING_H5}\n"
        f"        video_file_path: {REACHING_VIDEO}\n"
    )
    ran = poseconv_in_process("run", spec)
    assert ran.returncode == 0, ran.stderr
    assert "outside the Dandiset" in " ".join((ran.stdout + ran.stderr).split())

    # The video copied into the Dandiset (as `dandi organize --media-files-mode copy` does): nothing to say.
    inside = dandiset / "sub-m1" / REACHING_VIDEO.name
    shutil.copy(REACHING_VIDEO, inside)
    with h5py.File(out, "a") as handle:
        handle["/acquisition/Video reachingvideo1short/external_file"][0] = inside.name
    assert not [p for p in check_pose_file(out) if p.check == "poseconv:video_outside_dandiset"]


def test_a_damaged_object_of_a_file_at_a_url_is_said_naming_the_file(small_nwb, range_server):
    # A file at a URL is not walked first as one on disk is: a confidence dataset whose header fails its
    # checksum ended validate_nwb(url) with h5py's "Object visitation failed", naming no file.
    from poseconv.errors import InvalidSourceFileError
    from tests.fixtures.remote_failures import with_damaged_header

    (range_server.root / "conf.nwb").write_bytes(with_damaged_header(small_nwb["s.nwb"], "/confidence"))
    url = range_server.url("conf.nwb")
    with pytest.raises(InvalidSourceFileError, match=r"damaged") as caught:
        check_pose_file(url)
    assert str(caught.value).startswith(f"{url}: ")


def test_a_source_video_stored_in_the_file_has_its_frames_counted(tmp_path):
    # neuroconv's InternalVideoInterface (a stub of 3 frames) under 5 poses: no check compared the two.
    from tests.unit.exporters.test_linked_video import write_stored_video_nwb

    short = [p for p in check_pose_file(write_stored_video_nwb(tmp_path / "f.nwb")) if p.check.endswith("frame_count")]
    assert len(short) == 1 and "5 samples but its source video /acquisition/cam has 3 frames" in short[0].message
    same = write_stored_video_nwb(tmp_path / "same.nwb", n_video_frames=5)
    assert not [p for p in check_pose_file(same) if p.check.endswith("frame_count")]
