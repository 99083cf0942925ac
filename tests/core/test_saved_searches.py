"""`[searches]` in config.toml: names to queries, checked when the config loads, and
`--saved NAME` (cli.common) for the commands that take it."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from readlist.cli.common import Parser, UsageError, add_saved, saved_query
from readlist.config import Config, load


def _load(tmp_path: Path, text: str) -> Config:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load(path)


def test_saved_searches_are_read_in_file_order(tmp_path: Path) -> None:
    config = _load(
        tmp_path,
        '[searches]\nthesis = "tag:thesis -is:read"\nto-decide = "is:unsure"\n'
        '"früh" = "year:2020..2021"\n',
    )
    assert config.searches == {
        "thesis": "tag:thesis -is:read",
        "to-decide": "is:unsure",
        "früh": "year:2020..2021",
    }
    assert list(config.searches) == ["thesis", "to-decide", "früh"]
    assert config.warnings == ()


@pytest.mark.parametrize(
    ("entry", "warning"),
    [
        ('"two words" = "x"', "'two words': a name is one word"),
        ('"-dash" = "x"', "'-dash': a name is one word"),
        ('"" = "x"', "'': a name is one word"),
        ("n = 3", "'n' must be a query string"),
        ('n = ["tag:x"]', "'n' must be a query string"),
        ('n = "  "', "'n': empty query"),
        ('n = "is:later"', "'n': is:later: expected one of"),
        ('n = "is:n"', "'n': is:n: ambiguous, could be is:new or is:noted"),
        ('n = "year:soon"', "'n': year:soon: expected a year"),
        ('n = "tag:"', "'n': tag: needs a value"),
    ],
)
def test_a_bad_entry_is_a_one_line_warning_and_left_out(
    tmp_path: Path, entry: str, warning: str
) -> None:
    config = _load(tmp_path, f'[searches]\ngood = "tag:x"\n{entry}\n')
    assert config.searches == {"good": "tag:x"}
    (message,) = config.warnings
    assert message.startswith("config.toml: [searches] ")
    assert warning in message
    assert message.endswith("ignored")
    assert "\n" not in message


def test_names_are_unique_ignoring_case_and_the_section_must_be_a_table(tmp_path: Path) -> None:
    config = _load(tmp_path, '[searches]\nToRead = "is:unread"\ntoread = "is:starred"\n')
    assert config.searches == {"ToRead": "is:unread"}
    assert "another search has this name" in config.warnings[0]
    config = _load(tmp_path, 'searches = "tag:x"\n')
    assert config.searches == {}
    assert config.warnings == ("config.toml: [searches] must be a table, ignored",)


def test_saved_flag_finds_the_query_by_name(tmp_path: Path) -> None:
    config = _load(tmp_path, '[searches]\nToRead = "is:unread"\nthesis = "tag:thesis"\n')
    parser = Parser(prog="readlist list")
    add_saved(parser)
    args = parser.parse_args(["--saved", "thesis"])
    assert saved_query(args.saved, config) == "tag:thesis"
    assert saved_query("toread", config) == "is:unread"  # case aside, as names are unique so
    with pytest.raises(UsageError, match=r"no saved search 'nope' .*saved: ToRead, thesis"):
        saved_query("nope", config)
    with pytest.raises(UsageError, match="none; add them under"):
        saved_query("x", Config())
    assert parser.parse_args([]).saved is None
    assert isinstance(args, argparse.Namespace)
