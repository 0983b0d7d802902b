"""Tests of :mod:`poseconv.readers.side_files`: a side file the user named wins; one is looked for only when allowed."""

from __future__ import annotations

from pathlib import Path

from poseconv.readers.side_files import existing_file, given_or_found


def _never(*_args: object) -> Path:
    raise AssertionError("the finder must not be called")


def test_the_named_file_wins_without_looking(tmp_path: Path) -> None:
    named = tmp_path / "config.yaml"  # need not exist: the reader checks it and says what is wrong
    assert given_or_found(str(named), True, _never) == named
    assert given_or_found(named, False, _never) == named


def test_the_finder_runs_only_when_looking_is_on(tmp_path: Path) -> None:
    found = tmp_path / "found.yaml"
    calls: list[tuple[object, ...]] = []

    def find(*args: object) -> Path:
        calls.append(args)
        return found

    assert given_or_found(None, True, find, tmp_path, "scorer") == found
    assert calls == [(tmp_path, "scorer")]
    assert given_or_found(None, False, _never) is None


def test_existing_file_finds_a_fixed_name_only_when_it_is_a_file(tmp_path: Path) -> None:
    fixed = tmp_path / "config.yaml"
    assert existing_file(fixed) is None
    assert existing_file(None) is None
    assert given_or_found(None, True, existing_file, tmp_path) is None  # a folder is not the file
    fixed.write_text("x: 1\n", encoding="utf-8")
    assert existing_file(fixed) == fixed
    assert given_or_found(None, True, existing_file, fixed) == fixed
