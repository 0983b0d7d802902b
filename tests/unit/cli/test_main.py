"""The command line starts the same way from the script, ``python -m poseconv`` and ``python -m poseconv.cli``."""

import os
import subprocess
import sys

import pytest

from tests.fixtures.cli import run_python_as_a_terminal_starts_it


@pytest.mark.parametrize("module", ["poseconv", "poseconv.cli"])
def test_python_dash_m_runs_the_command_line(module):
    result = subprocess.run([sys.executable, "-m", module, "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout
    for command in ("convert", "run", "inspect", "export", "plot", "validate", "metadata", "schema"):
        assert command in result.stdout


def test_a_path_starting_with_a_tilde_is_in_the_home_folder_as_the_shell_would_have_it(tmp_path):
    # The shell expands ~/ in a word but not in --output=~/x (nor quoted): poseconv said "not found".
    import shutil

    from tests.fixtures.paths import REPO_ROOT

    shutil.copy(REPO_ROOT / "examples/data/sleap-demo/flies.slp", tmp_path / "flies.slp")
    command = [sys.executable, "-m", "poseconv.cli", "convert", "~/flies.slp", "--output=~/out.nwb", "--fps", "30"]
    command += ["--session-start-time", "2024-05-01T10:00:00+00:00", "-q"]
    env = {**os.environ, "HOME": str(tmp_path)}
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path / "..", timeout=300)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out.nwb").is_file()


def test_ctrl_c_says_what_became_of_the_output(capsys):
    # convert ended by Ctrl-C exited 130 without a word.
    import typer

    from poseconv.cli._common import EXIT_INTERRUPTED, command_errors

    with pytest.raises(typer.Exit) as stopped, command_errors():
        raise KeyboardInterrupt
    assert stopped.value.exit_code == EXIT_INTERRUPTED
    assert capsys.readouterr().err.startswith("poseconv: interrupted; what was being written is not left behind")


def test_a_ctrl_c_that_python_wraps_in_another_error_still_says_interrupted(capsys):
    # A Ctrl-C while an imported module creates a dataclass reaches the command as "RuntimeError: Error
    # calling __set_name__" (its cause the KeyboardInterrupt): it was reported as an internal error, exit 3.
    import dataclasses

    import typer

    from poseconv.cli._common import EXIT_INTERRUPTED, command_errors

    class Interrupting:
        def __set_name__(self, owner, name):
            raise KeyboardInterrupt

    with pytest.raises(typer.Exit) as stopped, command_errors():

        @dataclasses.dataclass
        class Session:
            field: object = Interrupting()

    assert stopped.value.exit_code == EXIT_INTERRUPTED
    assert capsys.readouterr().err.startswith("poseconv: interrupted;")


def test_a_ctrl_c_that_lands_where_python_swallows_it_still_ends_the_command(tmp_path):
    # Before any output is opened (imports, reads): Python printed "Exception ignored in: <function
    # _get_module_lock.<locals>.cb>", KeyboardInterrupt, and `convert --append` went on for seconds.
    import textwrap

    script = textwrap.dedent(
        """
        import os, signal, time, weakref
        import typer
        from poseconv.cli._common import command_errors

        class Dropped:
            pass

        try:
            with command_errors():
                dropped = Dropped()
                ref = weakref.ref(dropped, lambda _: (os.kill(os.getpid(), signal.SIGINT), time.sleep(0.2)))
                del dropped
                time.sleep(5)
                print("went on")
        except typer.Exit as stopped:
            raise SystemExit(stopped.exit_code)
        """
    )
    result = run_python_as_a_terminal_starts_it(script)
    assert result.returncode == 130, result.stderr
    assert "went on" not in result.stdout and "Exception ignored" not in result.stderr
    assert result.stderr.startswith("poseconv: interrupted")


def _picker(available):
    """A stand-in for an interface: keeps ``names`` when each is one of ``available`` (as the readers check)."""
    from poseconv.errors import InvalidOptionError

    def build(names):
        unknown = [name for name in names or () if name not in available]
        if unknown:
            raise InvalidOptionError(f"{unknown} not found; available individuals/tracks: {list(available)}.")
        return names

    return build


@pytest.mark.parametrize(
    ("available", "values", "kept"),
    [
        # A SLEAP track typed with a trailing space: refused as ['mouse 2'] when every name was stripped.
        (["mouse 1", "mouse 2 "], ["mouse 2 "], ["mouse 2 "]),
        (["mouse 1", " mouse 2"], [" mouse 2,mouse 1"], [" mouse 2", "mouse 1"]),
        # The exact name first when the file has both; the stripped one still picks the track without spaces.
        (["mouse 2", "mouse 2 "], ["mouse 2 "], ["mouse 2 "]),
        (["mouse 2", "mouse 3"], ["mouse 2 "], ["mouse 2"]),
        # Comma lists as before: stripped, else each value whole.
        (["a", "b"], ["a, b"], ["a", "b"]),
        (["mouse 1, left", "mouse 2"], ["mouse 1, left"], ["mouse 1, left"]),
    ],
)
def test_individuals_pick_the_files_track_as_typed_or_stripped(available, values, kept):
    from poseconv.cli._common import kept_by_name

    assert kept_by_name(_picker(available), values) == (kept, kept)


def test_individuals_naming_no_track_get_the_stripped_names_error():
    from poseconv.cli._common import kept_by_name
    from poseconv.errors import InvalidOptionError

    with pytest.raises(InvalidOptionError, match=r"\['mouse 9'\] not found"):
        kept_by_name(_picker(["mouse 1", "mouse 2"]), [" mouse 9 "])


def test_help_keeps_every_placeholder_its_text_names():
    # The help is read as markdown, where a bare <k> is an HTML tag and vanished: `run --help` said stubs go
    # to /nwb_stub (for <output folder>/nwb_stub), convert's by_order to 'untracked_'.
    import re

    import typer
    from typer.testing import CliRunner

    from poseconv.cli.main import app

    group = typer.main.get_command(app)
    for name, command in group.commands.items():
        texts = [command.help or ""] + [getattr(param, "help", None) or "" for param in command.params]
        wanted = {token for text in texts for token in re.findall(r"<[a-z][a-z ]*>", text)}
        if not wanted:
            continue
        shown = CliRunner().invoke(app, [name, "--help"], env={"COLUMNS": "2000"}).output
        lost = [token for token in wanted if token not in shown]
        assert not lost, f"poseconv {name} --help lost {lost}"


def test_output_to_a_pipe_closed_by_its_reader_ends_the_command_quietly(tmp_path):
    # `poseconv metadata x.slp | head -1`: the command printed "poseconv: error: [Errno 32] Broken pipe".
    from tests.fixtures.paths import REPO_ROOT

    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone before the first line is written
    try:
        result = subprocess.run(
            [sys.executable, "-m", "poseconv.cli", "metadata", REPO_ROOT / "examples/data/sleap-demo/flies.slp"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=300,
            check=False,
        )
    finally:
        os.close(write_end)
    assert result.returncode == 1
    assert result.stderr == ""
