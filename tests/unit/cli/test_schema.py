"""``poseconv schema``: where the schema is written."""

import pytest

from tests.fixtures.cli import poseconv_in_process


@pytest.mark.parametrize(
    ("target", "said"),
    [("missing/s.json", "does not exist; create it first"), ("a_folder.json", "is a folder")],
)
def test_schema_output_that_cannot_be_written_is_said_as_every_command_says_it(tmp_path, target, said):
    # schema -o wrote directly and ended with "[Errno 2] No such file or directory" / "[Errno 21] Is a directory".
    (tmp_path / "a_folder.json").mkdir()
    result = poseconv_in_process("schema", "-o", tmp_path / target)
    assert result.returncode != 0
    assert said in result.stderr
    assert "Errno" not in result.stderr
    assert str(tmp_path / target) in result.stderr


def test_schema_output_is_written(tmp_path):
    result = poseconv_in_process("schema", "-o", tmp_path / "s.json", "-q")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "s.json").read_text(encoding="utf-8").startswith("{")


def test_an_existing_schema_output_is_replaced_only_with_overwrite(tmp_path):
    # schema -o replaced any file there without a word; every other command asks for --overwrite.
    target = tmp_path / "s.json"
    target.write_text("mine", encoding="utf-8")
    refused = poseconv_in_process("schema", "-o", target)
    assert refused.returncode == 1 and "--overwrite" in refused.stderr and str(target) in refused.stderr
    assert target.read_text(encoding="utf-8") == "mine"
    assert poseconv_in_process("schema", "-o", target, "--overwrite", "-q").returncode == 0
    assert target.read_text(encoding="utf-8").startswith("{")
