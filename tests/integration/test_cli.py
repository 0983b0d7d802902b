"""The `poseconv` command line on real files.

Each test checks the exit code, the files written and what is printed; errors must be one line on
stderr without a traceback (unless --debug). NWB files converted once are shared by the module.
Commands run in the test process (:mod:`tests.fixtures.cli`); what only a process shows (the
start-up imports, the traceback of --debug) runs in a subprocess.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import h5py
import pandas as pd
import pytest
import sleap_io as sio
import yaml

from poseconv.metadata.schema import render_metadata_schema
from tests.fixtures.cli import poseconv_in_process
from tests.fixtures.deeplabcut import MULTI_ANIMAL_H5, SINGLE_ANIMAL_CSV
from tests.fixtures.paths import SHARED_DATA

START = "2024-05-01T10:30:00+02:00"
SLP = SHARED_DATA / "neuroconv/behavior_testing_data/sleap/predictions_1.2.7_provenance_and_tracking.slp"
SLEAP_IO_NWB = SHARED_DATA / "sleap-io.js/tests/data/nwb/minimal.pose.nwb"


def poseconv_process(*args):
    """Run ``python -m poseconv.cli ARGS`` in a subprocess; return the completed process."""
    return subprocess.run(
        [sys.executable, "-m", "poseconv.cli", *map(str, args)], capture_output=True, text=True, timeout=120
    )


def poseconv(*args, check_rc: int | None = 0, env: dict[str, str] | None = None):
    """Run ``poseconv ARGS`` in this process; return the completed process (rc checked when given)."""
    result = poseconv_in_process(*args, env=env)
    if check_rc is not None:
        assert result.returncode == check_rc, (
            f"rc={result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
    return result


def assert_one_line_error(result, *fragments):
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith("poseconv: error: ")]
    assert len(errors) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in errors[0], errors[0]


@pytest.fixture(scope="module")
def multi_nwb(tmp_path_factory):
    """The multi-animal DeepLabCut file (3 mice + 'single') converted by the CLI."""
    path = tmp_path_factory.mktemp("cli") / "multi.nwb"
    poseconv("convert", MULTI_ANIMAL_H5, "-o", path, "--session-start-time", START)
    return path


def test_help_is_fast_and_imports_nothing_heavy():
    started = time.perf_counter()
    result = poseconv_process("--help")
    assert result.returncode == 0, result.stderr
    assert time.perf_counter() - started < 5
    for command in ("convert", "inspect", "schema", "metadata", "export", "plot"):
        assert command in result.stdout
    # What the help costs, whatever the machine's load: none of these is imported to show it. importlib.metadata
    # (45 ms) was imported for __version__ and for the format plug-ins the --source help lists, which are
    # looked for without it when no installed package publishes one.
    heavy = ("pandas", "pynwb", "hdmf", "neuroconv", "h5py", "numpy", "matplotlib", "sleap_io", "importlib.metadata")
    probe = (
        "import contextlib, io, sys\n"
        "from poseconv.cli.main import main\n"
        "sys.argv = ['poseconv', '--help']\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main()\n"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    imported = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert imported.strip() == "[]"


def test_inspect_of_an_nwb_file_reads_it_with_h5py_only(multi_nwb):
    """inspect, plot and export read NWB files with h5py: no pynwb, hdmf or neuroconv to import."""
    probe = (
        "import sys\n"
        "from poseconv.cli.main import app\n"
        f"try:\n    app(['inspect', {str(multi_nwb)!r}, '--json'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('pynwb', 'hdmf', 'neuroconv', 'ndx_pose') if m in sys.modules), file=sys.stderr)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert '"PoseEstimation_individual1"' in result.stdout or "individual1" in result.stdout
    assert result.stderr.strip().splitlines()[-1] == "[]"


def test_convert_then_export_gives_the_deeplabcut_file_back(multi_nwb, tmp_path):
    with h5py.File(multi_nwb, "r") as handle:
        behavior = handle["processing/behavior"]
        assert {"PoseEstimation_individual1", "PoseEstimation_single", "Skeletons"} <= set(behavior)
    out = tmp_path / "back.h5"
    result = poseconv("export", multi_nwb, "--to", "dlc", out)
    assert f"Wrote {out}" in result.stderr
    pd.testing.assert_frame_equal(pd.read_hdf(out), pd.read_hdf(MULTI_ANIMAL_H5), check_exact=True)


def test_export_takes_its_output_with_o_as_convert_and_plot_do(multi_nwb, tmp_path):
    # Before, `export NWB --to dlc -o out.h5` (the option convert and plot take) was "No such option: -o".
    out = tmp_path / "back.h5"
    result = poseconv("export", multi_nwb, "--to", "dlc", "-o", out)
    assert f"Wrote {out}" in result.stderr
    pd.testing.assert_frame_equal(pd.read_hdf(out), pd.read_hdf(MULTI_ANIMAL_H5), check_exact=True)
    both = poseconv("export", multi_nwb, tmp_path / "a.h5", "--to", "dlc", "-o", tmp_path / "b.h5", check_rc=2)
    assert "two outputs given" in both.stderr
    neither = poseconv("export", multi_nwb, "--to", "dlc", check_rc=2)
    assert "give the file to write, as OUT or with -o" in neither.stderr
    assert not (tmp_path / "a.h5").exists() and not (tmp_path / "b.h5").exists()


def test_metadata_yaml_feeds_convert_and_csv_round_trip(tmp_path):
    printed = poseconv("metadata", SINGLE_ANIMAL_CSV, "--fps", "30").stdout
    assert printed.startswith("# Metadata poseconv would write")
    metadata = yaml.safe_load(printed)
    assert list(metadata["Pose"]["PoseEstimations"]) == ["PoseEstimation"]
    assert "identifier" not in metadata["NWBFile"]
    metadata["NWBFile"]["session_start_time"] = START
    metadata["Subject"] = {"subject_id": "m1", "species": "Mus musculus", "sex": "M", "age": "P90D"}
    metadata["Pose"]["PoseEstimations"]["PoseEstimation"]["name"] = "PoseEstimationSL18"
    # As a Windows editor may save it: JSON after a byte-order mark.
    meta_file = tmp_path / "meta.json"
    meta_file.write_text(json.dumps(metadata), encoding="utf-8-sig")
    nwb = tmp_path / "single.nwb"
    poseconv("convert", SINGLE_ANIMAL_CSV, "-o", nwb, "--metadata", meta_file, "--fps", "30", "-q")
    with h5py.File(nwb, "r") as handle:
        assert handle["general/subject/subject_id"][()].decode() == "m1"
        assert "PoseEstimationSL18" in handle["processing/behavior"]
    out = tmp_path / "back.csv"
    poseconv("export", nwb, "--to", "dlc", out, "-q")
    read = lambda p: pd.read_csv(p, header=[0, 1, 2], index_col=0)  # noqa: E731
    pd.testing.assert_frame_equal(read(out), read(SINGLE_ANIMAL_CSV), check_exact=True)


def test_inspect_nwb_as_json(multi_nwb):
    summary = json.loads(poseconv("inspect", multi_nwb, "--json").stdout)
    [pose] = summary["poses"]
    assert pose["source_software"] == "DeepLabCut"
    assert [t["name"] for t in pose["tracks"]] == ["individual1", "individual2", "individual3", "single"]
    single = pose["tracks"][3]
    assert single["missing_fraction"] == {"corner1": 0.0, "corner2": 0.0}
    assert 0 < single["confidence"]["corner1"]["mean"] < 1
    assert pose["videos"]["m3v1mp4short"]["n_frames"] == 31


def test_inspect_input_file_prints_tables():
    out = poseconv("inspect", MULTI_ANIMAL_H5).stdout
    # The confidence statistics leave out the points without coordinates (DeepLabCut's 0.0 beside NaN x/y).
    for text in ("DeepLabCut", "individual1", "bodypart1", "corner2", "missing", "conf. mean (posed)", "31 frames"):
        assert text in out


def test_inspect_of_poses_without_a_rate_says_where_the_conversion_takes_their_times(tmp_path):
    # A DeepLabCut table without its _meta.pickle, beside its video: converting takes the video's frame times.
    videos = SHARED_DATA / "deeplabcut/TEST-Alex-2019-11-04/videos"
    table = tmp_path / "reachingvideo1shortDLC_resnet50_TESTNov4shuffle1_10.csv"
    table.write_bytes((videos / table.name).read_bytes())
    alone = poseconv("inspect", table).stdout
    assert "no frame rate recorded (give --fps when converting)" in alone
    (tmp_path / "reachingvideo1short.avi").write_bytes((videos / "reachingvideo1short.avi").read_bytes())
    beside = poseconv("inspect", table).stdout
    # The frame times convert writes: the video's, and where they come from.
    assert (
        "rate 30 Hz, 0.367 s from 0 s (constant frame rate read from the video container reachingvideo1short.avi)"
        in beside
    )


def test_inspect_of_poses_convert_refuses_shows_them_and_says_why(tmp_path):
    # Poses past the end of the video beside them: convert refuses them; inspect shows the file as read.
    videos = SHARED_DATA / "deeplabcut/TEST-Alex-2019-11-04/videos"
    table = tmp_path / "reachingvideo1shortDLC_resnet50_TESTNov4shuffle1_10.csv"
    lines = (videos / table.name).read_text().splitlines()
    table.write_text("\n".join([*lines, *(f"{12 + i}," + lines[-1].split(",", 1)[1] for i in range(3))]) + "\n")
    (tmp_path / "reachingvideo1short.avi").write_bytes((videos / "reachingvideo1short.avi").read_bytes())
    result = poseconv("inspect", table)
    assert "15/15 frames with a pose" in result.stdout
    assert "converting stops here:" in result.stderr and "has only 12" in result.stderr


def test_inspect_of_poses_shows_the_rate_convert_writes(tmp_path):
    # DeepLabCut's _meta.pickle records 29.9807 fps; the video beside it gives 30.0003 fps, which convert writes.
    result = poseconv("inspect", "--json", MULTI_ANIMAL_H5)
    (video,) = json.loads(result.stdout)["poses"][0]["videos"].values()
    assert video["rate"] == pytest.approx(30.0003, abs=1e-4)
    assert video["timing_source"] == "constant frame rate read from the video container m3v1mp4short.mp4"
    assert "29.9807 fps" in result.stderr and "the video's frame times are used" in result.stderr
    out = tmp_path / "out.nwb"
    poseconv("convert", MULTI_ANIMAL_H5, "-o", out, "--session-start-time", "2024-01-01T00:00:00Z", "-q")
    with h5py.File(out, "r") as nwb:
        rates = set()
        nwb["processing"].visititems(lambda n, o: rates.add(o.attrs["rate"]) if n.endswith("/starting_time") else None)
    assert rates == {video["rate"]}


def test_export_to_slp_and_movement(multi_nwb, tmp_path):
    slp = tmp_path / "back.slp"
    poseconv("export", multi_nwb, "--to", "slp", slp, "-q")
    labels = sio.load_slp(str(slp))
    assert [t.name for t in labels.tracks] == ["individual1", "individual2", "individual3", "single"]
    nc = tmp_path / "back.nc"
    poseconv("export", multi_nwb, "--to", "movement", nc, "-q")
    assert nc.stat().st_size > 0


def test_plot_nwb_and_input(multi_nwb, tmp_path):
    png = tmp_path / "fig.png"
    result = poseconv("plot", multi_nwb, "-o", png)
    assert png.read_bytes()[:4] == b"\x89PNG" and f"Wrote {png}" in result.stderr
    poseconv("plot", SINGLE_ANIMAL_CSV, "-o", tmp_path / "csv.svg", "-q")
    assert_one_line_error(poseconv("plot", multi_nwb, "-o", png, check_rc=None), "already exists", "--overwrite")


def test_schema_prints_and_writes(tmp_path):
    printed = poseconv("schema", "sleap").stdout
    assert printed == render_metadata_schema()
    assert json.loads(printed)["$schema"].startswith("http://json-schema.org/draft-07")
    target = tmp_path / "schema.json"
    poseconv("schema", "--write", "--output", target, "-q")
    assert target.read_text() == printed
    # -o alone writes too (it printed the schema and wrote nothing, without a word).
    alone = tmp_path / "alone.json"
    assert poseconv("schema", "-o", alone, "-q").stdout == ""
    assert alone.read_text() == printed


def test_sleap_convert_and_export(tmp_path):
    nwb = tmp_path / "sleap.nwb"
    poseconv("convert", SLP, "-o", nwb, "--session-start-time", START, "--fps", "25", "-q")
    slp = tmp_path / "back.slp"
    poseconv("export", nwb, "--to", "slp", slp, "-q")
    original, back = sio.load_slp(str(SLP)), sio.load_slp(str(slp))
    assert [t.name for t in back.tracks] == [t.name for t in original.tracks]
    assert [lf.frame_idx for lf in back] == [lf.frame_idx for lf in original]


def test_untracked_by_order_from_the_command_line(generated_crowded_untracked, tmp_path):
    path = generated_crowded_untracked.path
    nwb = tmp_path / "crowded.nwb"
    args = ("convert", path, "-o", nwb, "--session-start-time", START, "--fps", "25", "-q")
    refused = poseconv(*args, check_rc=None)
    assert_one_line_error(refused, "without a track", "--untracked by_order", "--source sleap-labels")
    # A value --untracked does not take is a usage error (exit 2), as export's --untracked gives: it was exit 1.
    wrong = poseconv(*args, "--untracked", "first", check_rc=None)
    assert_usage_error(wrong, "'--untracked'", "'first' is not one of 'error', 'by_order'")
    poseconv(*args, "--untracked", "by_order")
    with h5py.File(nwb) as file:
        behavior = file["processing/behavior"]
        containers = [name for name in behavior if behavior[name].attrs.get("neurodata_type") == "PoseEstimation"]
        assert containers == ["PoseEstimation_untracked_0", "PoseEstimation_untracked_1"]


# Bad inputs: (arguments, fragments the one-line error must contain). {tmp} is a scratch folder.
BAD_INPUTS = {
    "missing-input": (["convert", "{tmp}/absentDLC_resnet50.h5", "-o", "{tmp}/o1.nwb"], ["file not found"]),
    "no-start-time": (
        ["convert", MULTI_ANIMAL_H5, "-o", "{tmp}/o2.nwb"],
        ["session start time", "--session-start-time"],
    ),
    "naive-start-time": (
        ["convert", MULTI_ANIMAL_H5, "-o", "{tmp}/o3.nwb", "--session-start-time", "2024-05-01T10:30"],
        ["no time zone"],
    ),
    "no-fps": (
        ["convert", SINGLE_ANIMAL_CSV, "-o", "{tmp}/o4.nwb", "--session-start-time", START],
        ["no frame rate", "--fps"],
    ),
    "unknown-individual": (
        ["convert", MULTI_ANIMAL_H5, "-o", "{tmp}/o6.nwb", "-i", "mouse7", "--session-start-time", START],
        ["mouse7", "individual1"],
    ),
    "bad-output-suffix": (["convert", MULTI_ANIMAL_H5, "-o", "{tmp}/x.txt"], ["must end in .nwb"]),
    # An unset shell variable: -i "$ANIMALS" must not convert every individual.
    "empty-individuals": (
        ["convert", MULTI_ANIMAL_H5, "-o", "{tmp}/oi.nwb", "-i", "", "--session-start-time", START],
        ["--individuals was given no name"],
    ),
    "unknown-format": (["inspect", "{tmp}/notes.txt"], ["no reader handles files ending in '.txt'"]),
    # DeepLabCut's intermediate pickles: the table to convert instead.
    "dlc-pickle": (["inspect", "{tmp}/videoDLC_resnet50_full.pickle"], ["intermediate file", "_el.h5"]),
    "unrecognised-content": (["inspect", "{tmp}/notesDLC.h5"], ["does not look like", "--source dlc|sleap"]),
    "export-suffix": (["export", SLEAP_IO_NWB, "--to", "dlc", "{tmp}/x.slp"], ["--to dlc writes .h5 or .csv"]),
    "unknown-container": (
        ["export", SLEAP_IO_NWB, "--to", "dlc", "{tmp}/x.h5", "-c", "nope"],
        ["no PoseEstimation named 'nope'"],
    ),
}


@pytest.fixture(scope="module")
def bad_input_results(tmp_path_factory):
    """Run every BAD_INPUTS case (they are independent) and collect the results."""
    tmp = tmp_path_factory.mktemp("bad")
    (tmp / "notes.txt").write_text("hello")
    (tmp / "videoDLC_resnet50_full.pickle").write_bytes(b"\x80\x04N.")
    (tmp / "notesDLC.h5").write_text("hello")
    results = {
        name: poseconv(*(str(a).format(tmp=tmp) for a in args), check_rc=None) for name, (args, _) in BAD_INPUTS.items()
    }
    return tmp, results


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_is_one_line_and_exit_1(case, bad_input_results):
    tmp, results = bad_input_results
    assert_one_line_error(results[case], *BAD_INPUTS[case][1])
    # Nothing is left behind: no output, no partial file.
    assert not list(tmp.glob("*.nwb")) and not list(tmp.glob(".*partial*"))


def test_existing_output_needs_overwrite(multi_nwb):
    result = poseconv("convert", MULTI_ANIMAL_H5, "-o", multi_nwb, "--session-start-time", START, check_rc=None)
    assert_one_line_error(result, "already exists", "--overwrite")


def test_debug_shows_the_traceback(tmp_path):
    # The traceback is what Python prints when an exception ends the process: a real process shows it.
    result = poseconv_process("--debug", "inspect", tmp_path / "absent.nwb")
    assert result.returncode == 1 and "Traceback" in result.stderr and "InvalidSourceFileError" in result.stderr


def assert_usage_error(result, *fragments):
    """Check ``result`` is a usage error (exit code 2) whose message holds every fragment."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    # click's message is drawn in a box, its lines wrapped: read as one line.
    said = " ".join(line.strip("│╭╮╰╯─ ") for line in result.stderr.splitlines())
    for fragment in fragments:
        assert fragment in said, said


def test_usage_errors_exit_2():
    assert poseconv("convert", check_rc=None).returncode == 2
    assert poseconv("export", SLEAP_IO_NWB, "--to", "xlsx", "x.xlsx", check_rc=None).returncode == 2


# A value an option does not take: said by the command line, exit code 2 (it was 1, "bad input", for these).
BAD_CHOICES = {
    "convert-source": (
        ["convert", MULTI_ANIMAL_H5, "-o", "o.nwb", "--source", "dlcc"],
        ["'--source'", "Unknown source 'dlcc'", "Did you mean 'dlc'", "sleap-labels"],
    ),
    "metadata-source": (["metadata", MULTI_ANIMAL_H5, "--source", "xyz"], ["'--source'", "Unknown source 'xyz'"]),
    "convert-untracked": (
        ["convert", MULTI_ANIMAL_H5, "-o", "o.nwb", "--untracked", "foo"],
        ["'--untracked'", "'foo' is not one of 'error', 'by_order'"],
    ),
    "metadata-untracked": (
        ["metadata", MULTI_ANIMAL_H5, "--untracked", "foo"],
        ["'--untracked'", "'foo' is not one of 'error', 'by_order'"],
    ),
    "schema-source": (["schema", "anipose"], ["'SOURCE'", "Unknown source 'anipose'", "lp-multiview"]),
}


@pytest.mark.parametrize("case", list(BAD_CHOICES))
def test_a_value_an_option_does_not_take_is_a_usage_error(case, tmp_path):
    args, fragments = BAD_CHOICES[case]
    result = poseconv(*(tmp_path / a if a == "o.nwb" else a for a in args), check_rc=None)
    assert_usage_error(result, *fragments)
    assert not list(tmp_path.iterdir())


def test_the_options_of_a_list_of_values_show_them_alike_in_the_help():
    # convert's and metadata's --untracked showed <str>, export's <error|by_order>; schema showed [dlc|sleap|lp].
    for command in ("convert", "metadata", "export"):
        shown = poseconv(command, "--help", env={"COLUMNS": "2000"}).stdout
        assert "--untracked" in shown and "<error|by_order>" in shown.split("--untracked", 1)[1].splitlines()[0]
    shown = poseconv("schema", "--help", env={"COLUMNS": "2000"}).stdout
    assert "dlc|sleap|lp" not in shown
    assert all(alias in shown for alias in ("dlc-labels", "sleap-session", "lp-multiview"))


def test_a_folder_given_as_input_names_the_files_inside_it(tmp_path):
    # Before: "give the pose file inside it", without saying which files the folder holds.
    folder = tmp_path / "videos"
    folder.mkdir()
    for name in ("cam1DLC_resnet50_xshuffle1_1.h5", "cam2DLC_resnet50_xshuffle1_1.csv", "notes.txt"):
        (folder / name).write_text("x")
    result = poseconv("convert", folder, "-o", tmp_path / "a.nwb", check_rc=None)
    assert_one_line_error(
        result, "is a directory; give a pose file inside it", "cam1DLC_resnet50_xshuffle1_1.h5, cam2DLC", "lp-multiview"
    )
    assert "notes.txt" not in result.stderr
    (folder / "sub").mkdir()
    for name in ("cam1DLC_resnet50_xshuffle1_1.h5", "cam2DLC_resnet50_xshuffle1_1.csv"):
        (folder / name).unlink()
    result = poseconv("convert", folder, "-o", tmp_path / "a.nwb", check_rc=None)
    assert_one_line_error(result, "it holds no .csv/.h5/.hdf5/.slp file", "--source dlc-labels")


def test_config_gives_the_project_config_when_the_one_beside_the_predictions_is_not_theirs(tmp_path):
    # The advice "pass the config.yaml (config_file_path=...)" had no command-line form.
    import shutil

    from tests.fixtures.deeplabcut import DLC

    source = DLC / "TEST-Alex-2019-11-04/videos/reachingvideo1shortDLC_resnet50_TESTNov4shuffle1_10.h5"
    predictions = tmp_path / "videos" / source.name
    predictions.parent.mkdir()
    shutil.copy(source, predictions)
    (tmp_path / "config.yaml").write_text("bodyparts: [snout, tailbase]\n")  # another project's
    right = tmp_path / "elsewhere.yaml"
    right.write_text("bodyparts: [bodypart1, bodypart2, bodypart3, objectA]\nskeleton: [[bodypart1, objectA]]\n")
    out = tmp_path / "out.nwb"
    refused = poseconv("convert", predictions, "-o", out, "--fps", "30", "--session-start-time", START, check_rc=1)
    assert_one_line_error(refused, "do not match the bodyparts in", "(config_file_path=..., --config)")
    poseconv("convert", predictions, "-o", out, "--fps", "30", "--session-start-time", START, "--config", right)
    with h5py.File(out, "r") as handle:
        assert handle["processing/behavior/Skeletons/Skeleton/edges"][()].tolist() == [[0, 3]]
    said = yaml.safe_load(poseconv("metadata", predictions, "--config", right).stdout)
    assert said["Pose"]["Skeletons"]["Skeleton"]["edges"] == [[0, 3]]
    assert_one_line_error(poseconv("convert", SLP, "-o", out, "--overwrite", "--config", right, check_rc=1), "--config")
