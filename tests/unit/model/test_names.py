"""require_names: a name asked for that is not there is said absent for the reason given, else not found."""

from __future__ import annotations

import pytest

from poseconv.model.names import require_names


def test_a_reason_given_replaces_not_found():
    with pytest.raises(KeyError) as raised:
        require_names(["b", "c"], ["a"], "/x/f.slp", {"b": "it has no poses on the video chosen"})
    assert raised.value.args[0] == (
        "'b' is a track of f.slp, but it has no poses on the video chosen. ['c'] not found in f.slp; "
        "available individuals/tracks: ['a']."
    )


def test_names_there_pass():
    assert require_names(["a"], ["a", "b"], "f.slp", {"c": "gone"}) == {"a"}
