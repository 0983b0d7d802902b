"""Every ```python and ```bash block of the other documents of docs/ runs as written (tests/docs/code_blocks.py)."""

from __future__ import annotations

import pytest

from tests.docs.code_blocks import OTHER_DOCS, blocks, run_block


@pytest.mark.parametrize(("steps", "reason"), list(blocks(OTHER_DOCS)))
def test_code_block_runs_as_written(tmp_path, steps, reason):
    run_block(tmp_path, steps, reason)
