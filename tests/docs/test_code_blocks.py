"""Every ```python and ```bash block of README.md and docs/*.md runs as written.

Each block runs in its own temporary folder that holds the files it names, copied from
the real example files (``examples/data``) and the shared test data. A block that cannot
run in a test (a cluster address, recording data that is not public, a browser) is
preceded by ``<!-- not-runnable: why -->``; the test checks that the reason is given.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.fixtures.paths import REPO_ROOT, SHARED_DATA

DOCS = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]
_FENCE = re.compile(
    r"(?:<!--\s*not-runnable:(?P<reason>[^>]*)-->\s*\n)?```(?P<lang>python|bash)\n(?P<code>.*?)```", re.S
)

_EXAMPLE_DLC = REPO_ROOT / "examples/data/openfield-demo-2024-05-01/videos"
#: The files the blocks name, by the name they use, and the real file each one is.
FILES = {
    "videos/session1DLC_resnet50_openfieldMay1shuffle1_50000_el.h5": _EXAMPLE_DLC
    / "mouse_pair_session1DLC_resnet50_openfieldMay1shuffle1_50000_el.h5",
    "videos/session1DLC_resnet50_openfieldMay1shuffle1_50000_meta.pickle": _EXAMPLE_DLC
    / "mouse_pair_session1DLC_resnet50_openfieldMay1shuffle1_50000_meta.pickle",
    "predictions.slp": REPO_ROOT / "examples/data/sleap-demo/flies.slp",
    "outputs/2023-11-09/10-14-37/video_preds/test_vid.csv": SHARED_DATA
    / "neuroconv/behavior_testing_data/lightningpose/outputs/2023-11-09/10-14-37/video_preds/test_vid.csv",
    "outputs/2023-11-09/10-14-37/video_preds/test_vid.mp4": SHARED_DATA
    / "neuroconv/behavior_testing_data/lightningpose/outputs/2023-11-09/10-14-37/video_preds/test_vid.mp4",
}


def _blocks():
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for match in _FENCE.finditer(text):
            line = text[: match.start("lang")].count("\n") + 1
            yield pytest.param(match["lang"], match["code"], match["reason"], id=f"{doc.relative_to(REPO_ROOT)}:{line}")


@pytest.mark.parametrize(("lang", "code", "reason"), list(_blocks()))
def test_code_block_runs_as_written(tmp_path, lang, code, reason):
    if reason is not None:
        assert len(reason.strip()) > 10, "say why the block cannot run in a test"
        pytest.skip(reason.strip())
    for name, source in FILES.items():
        if name in code:
            if not source.is_file():
                pytest.skip(f"{source} is not here (see ../shared/data/MANIFEST.md)")
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, tmp_path / name)
            # A file's side files (a DeepLabCut _meta.pickle) go with it when the block names the file.
            for side, side_source in FILES.items():
                if side != name and Path(side).parent == Path(name).parent and side not in code:
                    shutil.copy(side_source, tmp_path / side)
    # `poseconv` on the PATH is this interpreter's, whatever is installed elsewhere.
    bin_dir = tmp_path / ".bin"
    bin_dir.mkdir()
    (bin_dir / "poseconv").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m poseconv.cli "$@"\n', encoding="utf-8")
    (bin_dir / "poseconv").chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    command = [sys.executable, "-c", code] if lang == "python" else ["bash", "-euo", "pipefail", "-c", code]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=tmp_path, env=env)
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
