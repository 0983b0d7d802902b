"""The frame numbers of a DeepLabCut table's rows: what a refusal says of them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from poseconv.errors import InvalidSourceFileError
from poseconv.readers.deeplabcut.frame_index import parse_frame_index

PATH = Path("vidDLC_x.h5")


def _frame(index: list[int]) -> pd.DataFrame:
    return pd.DataFrame({"x": range(len(index))}, index=index)


@pytest.mark.parametrize(
    ("index", "said"),
    [
        # Two analyses joined with pd.concat, the frame they share kept twice.
        ([0, 1, 2, 2, 3], r"frame 2 is repeated, in rows 2 and 3 .*df\[~df.index.duplicated\(keep=\"first\"\)\]"),
        # The parts of a video joined in the wrong order.
        ([3, 4, 0, 1], r"row 2 \(counting from 0\) is frame 0, after frame 4 in row 1; .*\(pandas: df = df.sort_index"),
        # Both: the rows must lose their repeats, then be sorted.
        (
            [0, 1, 2, 0],
            r"row 3 .* frame 0, after frame 2 in row 2 and repeats row 0; .*duplicated.*, then df = df.sort",
        ),
        ([-1, 0, 1], r"row 0 \(counting from 0\) is numbered -1, not a frame number; .*df\[df.index >= 0\]"),
    ],
)
def test_frame_numbers_out_of_order_are_said_at_the_first_row_at_fault(index, said):
    # It was "frame numbers are negative, repeated or out of order", saying neither which nor where nor what to do.
    with pytest.raises(InvalidSourceFileError, match=rf"^vidDLC_x.h5: {said}") as caught:
        parse_frame_index(_frame(index), PATH)
    assert "and save the table again" in str(caught.value)
