"""Every ```python and ```bash block of docs/checking-and-sharing.md runs as written (tests/docs/code_blocks.py)."""

from __future__ import annotations

import pytest

from tests.docs.code_blocks import CHECKING_AND_SHARING, blocks, run_block


@pytest.mark.parametrize(("steps", "reason"), list(blocks(CHECKING_AND_SHARING)))
def test_code_block_runs_as_written(tmp_path, steps, reason):
    run_block(tmp_path, steps, reason)
