"""Every ```python and ```bash block of README.md runs as written (tests/docs/code_blocks.py)."""

from __future__ import annotations

import pytest

from tests.docs.code_blocks import README, blocks, run_block


@pytest.mark.parametrize(("steps", "reason"), list(blocks(README)))
def test_code_block_runs_as_written(tmp_path, steps, reason):
    run_block(tmp_path, steps, reason)
