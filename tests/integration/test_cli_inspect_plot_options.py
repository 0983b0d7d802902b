"""``poseconv inspect`` and ``poseconv plot`` take ``--option KEY=VALUE`` as convert does, for a pose file.

An interface argument no flag gives may be needed to read a file at all (a Lightning Pose session of
view files without the model's config: ``view_names``) or changes its poses (SLEAP's ``video_indices``,
``predicted_only``): with it, inspect and plot show the poses convert writes with it. A bad option is
refused in convert's words; an option for an NWB file, which is read as written, is refused.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sleap_io as sio

from poseconv.catalog import get_format, interface_class
from poseconv.exporters.summary import summarize_pose
from tests.fixtures.cli import poseconv_in_process
from tests.fixtures.lightningpose import LP_VIEWS, write_lp_multiview_session
from tests.fixtures.paths import SHARED_DATA, needs_shared_data
from tests.fixtures.sleap import SLP_CLIP_PREDICTIONS, SLP_LABELS_V002, SLP_MIN_SESSION_USER

pytestmark = needs_shared_data

NWB_FILE = SHARED_DATA / "dlc2nwb/examples/m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.nwb"


def _inspect_json(*args: object) -> dict:
    result = poseconv_in_process("inspect", *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _as_printed(pose) -> dict:
    """The summary of ``pose`` as ``inspect --json`` prints it."""
    return json.loads(json.dumps(summarize_pose(pose)))


@pytest.fixture
def drawn(monkeypatch) -> list:
    """The poses ``plot`` draws in its figure (each call's), the figure written as ever."""
    from poseconv.exporters import quicklook

    calls = []
    write = quicklook.write_quicklook_figure

    def recording(poses, *args, **kwargs):
        calls.append([_as_printed(pose) for pose in poses])
        return write(poses, *args, **kwargs)

    monkeypatch.setattr(quicklook, "write_quicklook_figure", recording)
    return calls


@pytest.fixture
def views_without_config(tmp_path) -> Path:
    """A Lightning Pose session's view files (real predictions) without the model's config that names the views."""
    files = write_lp_multiview_session(tmp_path / "model")
    (tmp_path / "model" / "config.yaml").unlink()
    return files[LP_VIEWS[0]].parent


def test_inspect_reads_a_session_whose_views_an_option_names(views_without_config):
    # Without view names the session cannot be read: the option is what makes it readable.
    refused = poseconv_in_process("inspect", views_without_config, "--source", "lp-multiview")
    assert refused.returncode == 1
    assert "no view names given" in refused.stderr
    document = _inspect_json(views_without_config, "--source", "lp-multiview", "-O", "view_names=[top, bot]")
    # Each view's poses are those of its file, read alone.
    assert [pose["source_file"] for pose in document["poses"]] == [
        str(views_without_config / f"mouse1_2024-05-01_{view}.csv") for view in LP_VIEWS
    ]
    for view, shown in zip(LP_VIEWS, document["poses"], strict=True):
        alone = _inspect_json(views_without_config / f"mouse1_2024-05-01_{view}.csv")["poses"][0]
        assert shown["tracks"] == alone["tracks"]
        assert shown["skeletons"] == alone["skeletons"]


def test_plot_draws_a_session_whose_views_an_option_names(views_without_config, tmp_path, drawn):
    output = tmp_path / "session.png"
    args = ["plot", views_without_config, "--source", "lp-multiview", "-o", output]
    assert poseconv_in_process(*args).returncode == 1
    result = poseconv_in_process(*args, "--option", "view_names=[top, bot]")
    assert result.returncode == 0, result.stderr
    assert output.stat().st_size > 0
    # The poses drawn are those inspect shows with the same option.
    shown = _inspect_json(views_without_config, "--source", "lp-multiview", "-O", "view_names=[top, bot]")
    assert drawn == [shown["poses"]]


@pytest.fixture
def two_video_slp(tmp_path) -> Path:
    """A .slp of 2 videos with user and predicted instances: the real 8-camera file's first 2, as one file."""
    labels = sio.load_slp(str(SLP_MIN_SESSION_USER))
    labels.sessions.clear()
    labels.videos = labels.videos[:2]
    labels.labeled_frames = [frame for frame in labels.labeled_frames if frame.video in labels.videos]
    path = tmp_path / "two_videos.slp"
    sio.save_slp(labels, str(path))
    return path


def test_inspect_shows_the_poses_of_the_videos_and_instances_an_option_keeps(two_video_slp):
    options = ["-O", "video_indices=[0]", "-O", "predicted_only=true"]
    document = _inspect_json(two_video_slp, *options)
    sleap = interface_class(get_format("sleap"))
    expected = sleap(file_path=str(two_video_slp), video_indices=[0], predicted_only=True).pose
    assert document["poses"] == [_as_printed(expected)]
    # The options changed what is shown: without them, both videos' poses.
    everything = _inspect_json(two_video_slp)["poses"]
    assert everything != document["poses"]
    assert len({track["video"] for pose in everything for track in pose["tracks"]}) == 2
    assert {track["video"] for pose in document["poses"] for track in pose["tracks"]} == {expected.tracks[0].video}


def test_plot_draws_the_poses_of_the_video_an_option_keeps(two_video_slp, tmp_path, drawn):
    output = tmp_path / "second_video.png"
    result = poseconv_in_process("plot", two_video_slp, "-O", "video_indices=[1]", "-o", output)
    assert result.returncode == 0, result.stderr
    assert output.stat().st_size > 0
    sleap = interface_class(get_format("sleap"))
    assert drawn == [[_as_printed(sleap(file_path=str(two_video_slp), video_indices=[1]).pose)]]


@pytest.mark.parametrize("command", ["inspect", "plot"])
@pytest.mark.parametrize("option", ["predicted_onl=true", "predicted_only=maybe"])
def test_a_bad_option_is_refused_in_the_words_of_convert(tmp_path, command, option):
    output = ["-o", tmp_path / "out.png"] if command == "plot" else []
    refused = poseconv_in_process(command, SLP_CLIP_PREDICTIONS, "-O", option, *output)
    converting = poseconv_in_process("convert", SLP_CLIP_PREDICTIONS, "-O", option, "-o", tmp_path / "out.nwb")
    assert refused.returncode == converting.returncode == 1
    # The same words, but for what --option takes: inspect and plot have none of convert's input flags, so what
    # those give (untracked, sampling_frequency, ...) is an option of theirs.
    said, _, takes = refused.stderr.strip().rstrip(".").partition("--option takes for it: ")
    converts_said, _, converts_takes = converting.stderr.strip().rstrip(".").partition("--option takes for it: ")
    assert said == converts_said
    assert set(converts_takes.split(", ")) <= set(takes.split(", "))
    if option.startswith("predicted_onl="):
        assert {"untracked", "sampling_frequency"} <= set(takes.split(", "))
    assert "--option predicted_onl" in refused.stderr
    assert not (tmp_path / "out.png").exists()


@pytest.mark.parametrize("command", ["inspect", "plot"])
def test_what_convert_s_flags_give_is_an_option_of_inspect_and_plot(tmp_path, command):
    # inspect and plot have no --untracked or --fps: a file of several untracked instances a frame could not be
    # read by them at all (untracked=by_order was refused as "given by --untracked", a flag they do not have).
    output = ["-o", tmp_path / "out.png"] if command == "plot" else []
    untracked = poseconv_in_process(command, SLP_LABELS_V002, *output)
    assert untracked.returncode == 1 and "untracked" in untracked.stderr
    given = ["-O", "untracked=by_order", "-O", "sampling_frequency=25"]
    result = poseconv_in_process(
        command, SLP_LABELS_V002, *given, *output, *(["--json"] if command == "inspect" else [])
    )
    assert result.returncode == 0, result.stderr
    if command == "inspect":
        sleap = interface_class(get_format("sleap"))
        pose = sleap(file_path=str(SLP_LABELS_V002), untracked="by_order", sampling_frequency=25.0).pose
        [shown] = json.loads(result.stdout)["poses"]
        assert shown == _as_printed(pose)
        assert len(pose.track_names()) > 1 and "25" in json.dumps(shown)
    else:
        assert (tmp_path / "out.png").stat().st_size > 0
    # The input itself is still the INPUT argument, never an option.
    output = ["-o", tmp_path / "again.png"] if command == "plot" else []
    refused = poseconv_in_process(command, SLP_LABELS_V002, "-O", f"file_path={SLP_LABELS_V002}", *output)
    assert refused.returncode == 1 and "--option file_path: it is given by INPUT" in refused.stderr


@pytest.mark.parametrize("command", ["inspect", "plot"])
def test_an_option_for_an_nwb_file_is_refused(tmp_path, command):
    output = ["-o", tmp_path / "out.png"] if command == "plot" else []
    refused = poseconv_in_process(command, NWB_FILE, "-O", "predicted_only=true", *output)
    assert refused.returncode == 1
    assert f"{NWB_FILE}: --option gives an argument of a pose file's interface" in refused.stderr
    assert "leave --option out" in refused.stderr
    assert not (tmp_path / "out.png").exists()


def test_labels_take_the_options_of_their_interface(tmp_path):
    # Training labels: inspect builds their interface with the options, as convert does; plot draws no labels.
    labels = ["--source", "sleap-labels", "-O", "metadata_key=top"]
    refused = poseconv_in_process("inspect", SLP_LABELS_V002, *labels)
    converting = poseconv_in_process("convert", SLP_LABELS_V002, *labels, "-o", tmp_path / "out.nwb")
    assert refused.returncode == converting.returncode == 1
    # The same words, but for what --option takes: inspect and plot have none of convert's input flags, so what
    # those give (untracked, sampling_frequency, ...) is an option of theirs.
    said, _, takes = refused.stderr.strip().rstrip(".").partition("--option takes for it: ")
    converts_said, _, converts_takes = converting.stderr.strip().rstrip(".").partition("--option takes for it: ")
    assert said == converts_said
    assert set(converts_takes.split(", ")) <= set(takes.split(", "))
    assert "--option metadata_key: SLEAPTrainingDataInterface (SLEAP labels) takes no metadata_key" in refused.stderr
    shown = _inspect_json(SLP_LABELS_V002, "--source", "sleap-labels", "-O", "verbose=false")
    assert shown["training"] == _inspect_json(SLP_LABELS_V002, "--source", "sleap-labels")["training"]
    assert shown["training"][0]["n_instances"] > 0
    plotted = poseconv_in_process("plot", SLP_LABELS_V002, *labels, "-o", tmp_path / "out.png")
    assert plotted.returncode == 1
    assert "holds SLEAP labels (training labels), no poses over time" in plotted.stderr
