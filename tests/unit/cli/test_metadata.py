"""``poseconv metadata`` prints what the interface's ``get_metadata`` returns, without the generated fields."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from poseconv import catalog
from poseconv.cli._sources import make_interface
from poseconv.cli.main import app
from poseconv.metadata.compose import to_plain
from tests.fixtures.deeplabcut import COLLECTED_DATA_H5, MULTI_ANIMAL_H5, OPEN_FIELD, SINGLE_ANIMAL_H5
from tests.fixtures.lightningpose import LP_CSV
from tests.fixtures.multicamera import DLC_3D_H5
from tests.fixtures.paths import needs_shared_data
from tests.fixtures.sleap import H5_SMALL_ROBOT, SLP_CLIP_PREDICTIONS, SLP_MIN_SESSION

CASES = {
    "deeplabcut": (SINGLE_ANIMAL_H5, None, {}),
    "deeplabcut-video-fps": (SINGLE_ANIMAL_H5, None, {"video": OPEN_FIELD / "m3v1mp4.mp4", "fps": 30.0}),
    "deeplabcut-individuals": (MULTI_ANIMAL_H5, None, {"individuals": ["single"]}),
    "sleap": (SLP_CLIP_PREDICTIONS, None, {}),
    "sleap-analysis-untracked": (H5_SMALL_ROBOT, None, {}),
    "lightning-pose": (LP_CSV, None, {}),
    "multicamera": (DLC_3D_H5, None, {}),
    "training": (COLLECTED_DATA_H5, "dlc-labels", {}),
    "sleap-session": (SLP_MIN_SESSION, None, {}),
}
_FLAGS = {"video": "--video", "fps": "--fps", "individuals": "-i"}


def _arguments(options: dict) -> list[str]:
    arguments = []
    for name, value in options.items():
        for one in value if isinstance(value, list) else [value]:
            arguments += [_FLAGS[name], str(one)]
    return arguments


def _check_printed_equals_the_interfaces(path: Path, source: str | None, options: dict) -> None:
    arguments = ["metadata", str(path), "--format", "json", "-q"] + (["--source", source] if source else [])
    result = CliRunner().invoke(app, arguments + _arguments(options))
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    expected = to_plain(make_interface(path, source=source, **options).get_metadata())
    for key in ("identifier", "source_script", "source_script_file_name"):
        expected["NWBFile"].pop(key, None)
    assert printed == json.loads(json.dumps(expected))


@pytest.mark.parametrize("case", CASES)
def test_the_command_prints_the_interfaces_metadata(case):
    _check_printed_equals_the_interfaces(*CASES[case])


def test_the_command_prints_the_interfaces_metadata_of_a_sleap_csv(tmp_path):
    path = tmp_path / "poses.analysis.csv"
    path.write_text("track,frame_idx,instance.score,a.x,a.y,a.score\nt1,0,1,1,2,1\nt2,0,1,3,4,1\n")
    _check_printed_equals_the_interfaces(path, None, {"fps": 30.0})


def test_the_command_prints_the_interfaces_metadata_of_a_format_without_an_interface(tmp_path, monkeypatch):
    path = tmp_path / "poses.csv"
    path.write_text("track,frame_idx,instance.score,a.x,a.y,a.score\nt1,0,1,1,2,1\n")
    fmt = catalog.Format(
        name="Test poses",
        source_software="SLEAP",
        kind="predictions",
        aliases=("test-poses",),
        suffixes=frozenset({".csv"}),
        reader="poseconv.readers.sleap:read_sleap_csv",
    )
    # The format is registered for this test only.
    monkeypatch.setattr(catalog, "_CATALOG", dict(catalog.formats()))
    catalog.register_format(fmt)
    _check_printed_equals_the_interfaces(path, "test-poses", {"fps": 30.0})


def test_an_option_the_format_does_not_take_is_refused_as_by_the_interface():
    result = CliRunner().invoke(app, ["metadata", str(LP_CSV), "-i", "mouse"])
    assert result.exit_code != 0
    assert "--individuals is not supported for LightningPose files." in result.output


def test_the_command_on_a_deeplabcut_file_imports_neither_neuroconv_nor_pynwb():
    # Nor rich: it prints no progress when it shows none (-q, or stderr not a terminal), and the metadata with typer.
    code = (
        "import sys\n"
        "from poseconv.cli.main import main\n"
        f"sys.argv = ['poseconv', 'metadata', {str(SINGLE_ANIMAL_H5)!r}, '-q']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exit:\n"
        "    assert not exit.code, exit.code\n"
        "heavy = sorted(name for name in ('neuroconv', 'pynwb', 'hdmf', 'rich') if name in sys.modules)\n"
        "print('imported:', heavy, file=sys.stderr)\n"
    )
    src = Path(__file__).resolve().parents[3] / "src"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(src)},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "imported: []" in result.stderr


def _header_command(printed: str) -> list[str]:
    """Return the ``poseconv convert`` command the printed metadata's header says to run, as its words."""
    import shlex

    line = next(line for line in printed.splitlines() if line.startswith("# Edit it, then: "))
    return shlex.split(line.removeprefix("# Edit it, then: "))


def _round_trip(tmp_path: Path, path: Path, *options: str) -> Path:
    """Print the metadata of ``path``, edit one container's description, run the header's command; return the file."""
    import yaml

    result = CliRunner().invoke(app, ["metadata", str(path), "-q", *options])
    assert result.exit_code == 0, result.output
    printed = yaml.safe_load(result.stdout)
    printed["NWBFile"]["session_start_time"] = "2024-05-01T10:00:00+02:00"
    container = next(iter(printed["Pose"]["PoseEstimations"].values()))
    container["description"] = "Edited by hand."
    (tmp_path / "this.yaml").write_text(yaml.safe_dump(printed, allow_unicode=True), encoding="utf-8")
    command = _header_command(result.stdout)
    assert command[:3] == ["poseconv", "convert", str(path)]
    command = [str(tmp_path / word) if word in ("out.nwb", "this.yaml") else word for word in command[1:]]
    converted = CliRunner().invoke(app, [*command, "-q"])
    assert converted.exit_code == 0, converted.output
    return tmp_path / "out.nwb"


def _descriptions(nwb: Path) -> list[str]:
    from pynwb import NWBHDF5IO

    with NWBHDF5IO(nwb, "r", load_namespaces=True) as io:
        behavior = io.read().processing["behavior"]
        return [c.description for c in behavior.data_interfaces.values() if type(c).__name__ == "PoseEstimation"]


def test_the_metadata_of_untracked_instances_by_order_goes_back_to_convert(tmp_path, generated_crowded_untracked):
    # Before, 'metadata' took no --untracked: such a file had no metadata to edit, though the error said to pass it.
    nwb = _round_trip(tmp_path, generated_crowded_untracked.path, "--untracked", "by_order", "--fps", "30")
    assert "Edited by hand." in _descriptions(nwb)


@needs_shared_data
def test_the_metadata_with_the_training_data_goes_back_to_convert_with_its_options(tmp_path):
    result = CliRunner().invoke(app, ["metadata", str(MULTI_ANIMAL_H5), "--training", "-q"])
    assert result.exit_code == 0, result.output
    assert "PoseTraining:" in result.stdout
    nwb = _round_trip(tmp_path, MULTI_ANIMAL_H5, "--training")
    assert "Edited by hand." in _descriptions(nwb)


def test_the_header_command_is_quoted_for_a_shell(tmp_path, generated_crowded_untracked):
    folder = tmp_path / "my data é"
    folder.mkdir()
    path = folder / "crowded poses.slp"
    generated_crowded_untracked.path.rename(path)
    result = CliRunner().invoke(app, ["metadata", str(path), "--untracked", "by_order", "--fps", "30", "-q"])
    assert result.exit_code == 0, result.output
    assert _header_command(result.stdout)[2:6] == [str(path), "--fps", "30", "--untracked"]


def test_the_header_of_poses_without_frame_times_asks_for_the_rate(tmp_path, generated_crowded_untracked):
    # The file records no rate and no video is found: the command without --fps would stop asking for one.
    path = generated_crowded_untracked.path
    result = CliRunner().invoke(app, ["metadata", str(path), "--untracked", "by_order", "-q"])
    assert result.exit_code == 0, result.output
    command = _header_command(result.stdout)
    assert command[3:5] == ["--fps", "RATE"]
    assert f"# No frame times: {path.name} records no frame rate" in result.stdout
    # With the rate filled in, the command converts.
    command = [str(tmp_path / word) if word in ("out.nwb", "this.yaml") else word for word in command[1:]]
    (tmp_path / "this.yaml").write_text(result.stdout.replace("RATE", "30"), encoding="utf-8")
    words = [("30" if word == "RATE" else word) for word in command]
    converted = CliRunner().invoke(app, [*words, "--session-start-time", "2024-05-01T10:00:00+02:00", "-q"])
    assert converted.exit_code == 0, converted.output
    # A rate given, or recorded by the file, asks for none.
    given = CliRunner().invoke(app, ["metadata", str(path), "--untracked", "by_order", "--fps", "25", "-q"])
    assert "RATE" not in given.stdout and "No frame times" not in given.stdout


def test_the_help_says_what_the_command_takes_and_that_it_writes_nothing():
    # INPUT was "A pose file." (it takes a DeepLabCut project, a Lightning Pose folder of views), and --training
    # "Also write the human-labeled training frames", on a command that writes nothing.
    shown = CliRunner().invoke(app, ["metadata", "--help"], env={"COLUMNS": "2000"}).stdout
    assert "A pose file." not in shown and "Also write" not in shown
    assert "a DeepLabCut project" in shown and "--source lp-multiview a Lightning Pose folder of views" in shown
    assert "Include the metadata of the human-labeled training frames" in shown
