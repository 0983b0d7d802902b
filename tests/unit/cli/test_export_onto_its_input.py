"""``poseconv export IN --to ... -o IN --overwrite`` is refused before anything is read or written (cli/export.py).

Before, the export replaced the very file it exported (a DeepLabCut table, or an NWB file named .h5), as
``convert`` never lets its output be one of its inputs.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import pytest

from tests.fixtures.deeplabcut import write_dlc_file
from tests.integration.test_cli import assert_one_line_error, poseconv


@pytest.fixture
def table(tmp_path):
    rng = np.random.default_rng(0)
    return write_dlc_file(
        tmp_path / "sessionDLC_resnet50_testJan1shuffle1_100.h5",
        {part: rng.uniform(0, 100, size=(4, 2)) for part in ("nose", "tail")},
        likelihood={part: rng.uniform(0, 1, size=4) for part in ("nose", "tail")},
    )


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("spelt", ["same", "dot", "link"])
@pytest.mark.parametrize("extra", [(), ("--training",)], ids=["poses", "training"])
def test_an_export_onto_its_own_input_is_refused_and_the_file_is_unchanged(table, spelt, extra, monkeypatch):
    monkeypatch.chdir(table.parent)
    output = {"same": table, "dot": f"./{table.name}", "link": table.parent / "link.h5"}[spelt]
    if spelt == "link":
        os.symlink(table, output)
    before = _digest(table)
    result = poseconv("export", table, "--to", "dlc", "-o", output, "--overwrite", *extra, check_rc=None)
    assert_one_line_error(result, f"{Path(output)}: is the file being exported ({table})", "Give another output file.")
    assert _digest(table) == before and sorted(p.name for p in table.parent.iterdir()) == sorted(
        [table.name, *(["link.h5"] if spelt == "link" else [])]
    )


def test_another_output_beside_it_is_written(table):
    out = table.with_name("exported.csv")
    poseconv("export", table, "--to", "dlc", "-o", out)
    assert out.is_file()


@pytest.mark.parametrize("where", ["input", "output"])
def test_a_symbolic_link_that_loops_is_said_to_be_one_not_an_internal_error(table, tmp_path, where):
    # The check that an output is not its input resolved paths with Path.resolve, which raises on a loop.
    loop = tmp_path / ("loop.nwb" if where == "input" else "loop.h5")
    os.symlink(loop, loop)
    given, output = (loop, tmp_path / "out.h5") if where == "input" else (table, loop)
    result = poseconv("export", given, "--to", "dlc", "-o", output, check_rc=None)
    assert_one_line_error(result, f"{loop}: is a symbolic link that loops")
