"""``--option KEY=VALUE``: VALUE is read as specs and metadata files read YAML (``documents.document_loader``).

Before, ``-O rate=5e-05`` gave the text '5e-05' to a field taking a number, which a spec's ``source_data``
(``rate: 5e-05``) gives as a number.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from poseconv.cli._options import source_options
from poseconv.errors import InvalidOptionError


class RatedInterface:
    """An interface whose source schema takes a number, text and a number or text."""

    @classmethod
    def get_source_schema(cls) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {
                "file_path": {"type": "string"},
                "rate": {"type": "number", "exclusiveMinimum": 0},
                "name": {"type": "string"},
                "either": {"anyOf": [{"type": "number"}, {"type": "string"}]},
            },
            "additionalProperties": False,
        }


def _options(tmp_path: Path, **pairs: str) -> dict[str, Any]:
    path = tmp_path / "poses.h5"
    return source_options(RatedInterface, path, "Rated", pairs, {"file_path": str(path)}, {"file_path": "INPUT"})


@pytest.mark.parametrize(("typed", "number"), [("3e+1", 30.0), ("5e-05", 5e-05), ("1.0E5", 100000.0), ("30", 30)])
def test_a_number_in_exponent_form_is_a_number(tmp_path, typed, number):
    value = _options(tmp_path, rate=typed)["rate"]
    assert value == number and type(value) is type(number)


@pytest.mark.parametrize("typed", ["3e1", "4E2", "012", "yes", "2024-05-03", "01"])
def test_a_field_taking_text_gets_the_text_as_typed(tmp_path, typed):
    assert _options(tmp_path, name=typed) == {"name": typed}


def test_a_date_is_text_as_in_a_spec(tmp_path):
    # Before, YAML's date: a value no JSON schema checks.
    assert _options(tmp_path, either="2024-05-03", rate="3e+1") == {"either": "2024-05-03", "rate": 30.0}


def test_a_number_that_is_not_positive_is_said_as_a_spec_says_it(tmp_path):
    with pytest.raises(InvalidOptionError, match=r"--option rate: -3\.0 is less than or equal to the minimum of 0"):
        _options(tmp_path, rate="-3e+0")
