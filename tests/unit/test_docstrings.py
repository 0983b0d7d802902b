"""One filler puts the shared docstring texts in place (interfaces' parameters, exporters' sections)."""

from __future__ import annotations

import inspect

import pytest

from poseconv.docstrings import docstring_filler

_fill = docstring_filler(
    {
        "verbose": "verbose : bool, default: False\n    Print progress.",
        "file_written": "Returns\n-------\npathlib.Path\n    The file written.",
    }
)


def test_a_placeholder_line_becomes_the_shared_text_at_its_indentation():
    def function(verbose: bool = False) -> None:
        """Do it.

        Parameters
        ----------
        {verbose}

        {file_written}
        """

    doc = inspect.cleandoc(_fill(function).__doc__)
    assert doc == (
        "Do it.\n\nParameters\n----------\nverbose : bool, default: False\n    Print progress.\n\n"
        "Returns\n-------\npathlib.Path\n    The file written."
    )


def test_braces_inside_a_line_are_left_alone():
    def function(untracked: str = "error") -> None:
        """Do it.

        Parameters
        ----------
        untracked : {"error", "by_order"}, default: "error"
            What to do; {verbose} inside a line is text.
        """

    before = function.__doc__
    assert _fill(function).__doc__ == before


def test_an_unknown_placeholder_fails_when_the_function_is_defined():
    def function() -> None:
        """Do it.

        {no_such_text}
        """

    with pytest.raises(KeyError, match="no_such_text"):
        _fill(function)
