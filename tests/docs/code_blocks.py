"""Every ```python and ```bash block of README.md and docs/*.md runs as written: the blocks and how one runs.

The tests are in three files (README.md's blocks, docs/checking-and-sharing.md's, the other documents'), so
that ``--dist loadfile`` gives them to three workers; a document's blocks stay in one file, in order.

Each block runs in its own temporary folder that holds the files it names, copied from
the real example files (``examples/data``) and the shared test data (files and whole
project folders, and the files a copied spec names). ``poseconv`` and ``python`` on the
PATH are this interpreter's. A block preceded by ``<!-- continues: why -->`` runs after the
runnable block above it, in a copy of that block's folder (it reads what that block wrote; the block
runs again first when its folder is not at hand). A block that
cannot run in a test (a cluster address, recording data that is not public, a browser) is
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
#: The documents whose blocks take longest, each tested in a file of its own; :data:`OTHER_DOCS`, the rest.
README = [REPO_ROOT / "README.md"]
CHECKING_AND_SHARING = [REPO_ROOT / "docs" / "checking-and-sharing.md"]
OTHER_DOCS = [doc for doc in DOCS if doc not in README + CHECKING_AND_SHARING]
_FENCE = re.compile(
    r"(?:<!--\s*(?P<marker>not-runnable|continues):(?P<reason>[^>]*)-->\s*\n)?"
    r"```(?P<lang>python|bash)\n(?P<code>.*?)```",
    re.S,
)

_EXAMPLE_DLC = REPO_ROOT / "examples/data/openfield-demo-2024-05-01/videos"
_DLC = SHARED_DATA / "deeplabcut"
_SESSIONS_SPEC = Path(__file__).resolve().parent / "sessions.yaml"
#: The files and folders the blocks name, by the name they use, and the real file or folder each one is.
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
    "vid1_camera-1DLC_resnet50_TESTNov4shuffle1_10.h5": _DLC
    / "3Dtestviews_videos/vid1_camera-1DLC_resnet50_TESTNov4shuffle1_10.h5",
    "vid1_camera-2DLC_resnet50_TESTNov4shuffle2_10.h5": _DLC
    / "3Dtestviews_videos/vid1_camera-2DLC_resnet50_TESTNov4shuffle2_10.h5",
    "Reaching-Mackenzie-2018-08-30": _DLC / "Reaching-Mackenzie-2018-08-30",
    "multi_mouse-dlc_team-2022-04-12": _DLC / "multi_mouse-dlc_team-2022-04-12",
    "labels.v002.slp": SHARED_DATA / "sleap-io.js/tests/data/slp/labels.v002.slp",
    "sessions.yaml": _SESSIONS_SPEC,
    "spec.yaml": _SESSIONS_SPEC,
}
#: The files that a file of ``FILES`` names in turn (a spec's pose files).
NEEDS = {
    spec: [
        "videos/session1DLC_resnet50_openfieldMay1shuffle1_50000_el.h5",
        "vid1_camera-1DLC_resnet50_TESTNov4shuffle1_10.h5",
        "vid1_camera-2DLC_resnet50_TESTNov4shuffle2_10.h5",
    ]
    for spec in ("sessions.yaml", "spec.yaml")
}


def blocks(docs: list[Path]):
    """Yield a ``pytest.param(steps, reason)`` for each block of ``docs``, with the blocks it continues."""
    for doc in docs:
        text = doc.read_text(encoding="utf-8")
        last: list[tuple[str, str]] = []  # the steps of the last runnable block: what it continues, then itself
        for match in _FENCE.finditer(text):
            line = text[: match.start("lang")].count("\n") + 1
            reason = match["reason"] if match["marker"] == "not-runnable" else None
            steps = [(match["lang"], match["code"])]
            if match["marker"] == "continues":
                assert last, f"{doc.name}:{line} continues a block, but no runnable block is above it"
                steps = [*last, *steps]
            if reason is None:
                last = steps
            yield pytest.param(steps, reason, id=f"{doc.relative_to(REPO_ROOT)}:{line}")


def _copy(name: str, folder: Path) -> None:
    """Copy the real file or folder of ``name`` to ``folder / name``; skip when it is not here."""
    source = FILES[name]
    if not source.exists():
        pytest.skip(f"{source} is not here (see ../shared/data/MANIFEST.md)")
    target = folder / name
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, target)
    else:
        shutil.copy(source, target)


def _put_files(code: str, folder: Path) -> None:
    """Copy every file the block names, with the side files and the files those name."""
    named = [name for name in FILES if name in code]
    named += [needed for name in named for needed in NEEDS.get(name, ())]
    for name in named:
        _copy(name, folder)
        # A file's side files (a DeepLabCut _meta.pickle) go with it when the block names the file.
        for side in FILES:
            if side != name and Path(side).parent == Path(name).parent != Path(".") and side not in code:
                _copy(side, folder)


def _path_with_this_python(folder: Path) -> dict[str, str]:
    """An environment whose ``poseconv``, ``python`` and ``dandi`` are this interpreter's."""
    bin_dir = folder / ".bin"
    if bin_dir.exists():  # the folder of the block a continuing block starts from has them
        return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    bin_dir.mkdir()
    for name, run in (("poseconv", "-m poseconv.cli"), ("python", "")):
        (bin_dir / name).write_text(f'#!/bin/sh\nexec "{sys.executable}" {run} "$@"\n', encoding="utf-8")
        (bin_dir / name).chmod(0o755)
    # dandi (a test dependency) is a console script beside this interpreter, not a runnable module.
    (bin_dir / "dandi").symlink_to(Path(sys.executable).parent / "dandi")
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}


#: The folder each run of steps left behind, by its steps: a continuing block starts from a copy of the
#: folder of the block it continues instead of running that block again (the blocks of a file run in order,
#: in one worker: ``--dist loadfile``).
_FOLDERS: dict[tuple[tuple[str, str], ...], Path] = {}


def run_block(tmp_path: Path, steps: list[tuple[str, str]], reason: str | None) -> None:
    """Run a block's ``steps`` in ``tmp_path`` (skip one marked not runnable, checking that it says why)."""
    if reason is not None:
        assert len(reason.strip()) > 10, "say why the block cannot run in a test"
        pytest.skip(reason.strip())
    done = next((n for n in range(len(steps) - 1, 0, -1) if tuple(steps[:n]) in _FOLDERS), 0)
    if done:
        shutil.copytree(_FOLDERS[tuple(steps[:done])], tmp_path, symlinks=True, dirs_exist_ok=True)
    env = _path_with_this_python(tmp_path)
    for lang, code in steps[done:]:
        _put_files(code, tmp_path)
        command = [sys.executable, "-c", code] if lang == "python" else ["bash", "-euo", "pipefail", "-c", code]
        result = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=tmp_path, env=env)
        assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    _FOLDERS[tuple(steps)] = tmp_path
