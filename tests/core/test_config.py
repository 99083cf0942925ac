from __future__ import annotations

from pathlib import Path

import pytest

from readlist import paths
from readlist.config import Config, Network, load
from readlist.errors import ReadlistError


def test_missing_file_is_the_default(tmp_path: Path) -> None:
    assert load(tmp_path / "config.toml") == Config()


def test_keymap_is_read(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[keymap]\n"readlist.star" = "x"\n"readlist.down" = "j,down,ctrl+n"\n')
    assert load(path).keymap == {"readlist.star": "x", "readlist.down": "j,down,ctrl+n"}


def test_config_that_is_not_toml_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[keymap\n")
    with pytest.raises(ReadlistError, match="invalid TOML") as info:
        load(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    ("text", "warning"),
    [
        ("[keymap]\n'readlist.star' = 3\n", "'readlist.star' must be a string"),
        ("[colours]\nx = 1\n", "unknown section or key [colours]"),
        ("[network]\narxiv_delay = 'slow'\n", "arxiv_delay has the wrong type"),
        ("[network]\nauto_resolve = 1\n", "auto_resolve has the wrong type"),
        ("[network]\ntimeout = true\n", "timeout has the wrong type"),
        ("[network]\narxiv_delay = -1\n", "arxiv_delay must be a number of seconds from 0 to"),
        ("[network]\ntimeout = nan\n", "timeout must be a number of seconds more than 0 to"),
        ("[network]\ntimeout = inf\n", "timeout must be a number of seconds more than 0 to"),
        ("[network]\ntimeout = -inf\n", "timeout must be a number of seconds more than 0 to"),
        ("[network]\ntimeout = 0\n", "timeout must be a number of seconds more than 0 to"),
        ("[network]\ntimeout = 1e300\n", "timeout must be a number of seconds more than 0 to"),
        ("[network]\narxiv_delay = nan\n", "arxiv_delay must be a number of seconds from 0 to"),
        ("[network]\narxiv_delay = 1e9\n", "arxiv_delay must be a number of seconds from 0 to"),
        ("[network]\nbudget = -5\n", "budget must be a number of seconds more than 0 to"),
        ("[network]\nbudget = nan\n", "budget must be a number of seconds more than 0 to"),
        ("[network]\nbudget = '60'\n", "budget has the wrong type"),
        ("[network]\nmax_response_mb = 0\n", "max_response_mb must be a whole number from 1"),
        ("[network]\nmax_response_mb = 1.5\n", "max_response_mb has the wrong type"),
        ("[network]\nproxy = 'x'\n", "unknown key 'proxy'"),
        ("[network]\narxiv_api = 'ftp://x'\n", "arxiv_api must be an http(s) URL"),
        ("[[export.auto]]\nquery = 'x'\n", "#1 needs a path"),
        ("[[export.auto]]\npath = 'a.bib'\nstyle = 'apa'\n", "style must be bibtex"),
        ("[import]\nmax_size_mb = 0\n", "max_size_mb must be a positive"),
    ],
)
def test_wrong_keys_and_types_are_one_line_warnings(
    tmp_path: Path, text: str, warning: str
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    config = load(path, env={})
    assert len(config.warnings) == 1
    assert warning in config.warnings[0]
    assert "\n" not in config.warnings[0]
    assert config.network == Network()
    assert config.keymap == {}
    assert config.auto_exports == ()


def test_network_and_auto_exports_are_read(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        "[network]\narxiv_api = 'http://127.0.0.1:9/api'\narxiv_delay = 0\n"
        "timeout = 2\nbudget = 30.5\nmax_response_mb = 2\nauto_resolve = false\n"
        "[[export.auto]]\npath = '~/thesis/refs.bib'\nquery = 'tag:thesis'\n"
        "style = 'biblatex'\n"
    )
    config = load(path, env={"HF_ENDPOINT": "http://127.0.0.1:8/"})
    assert config.warnings == ()
    assert config.network == Network(
        arxiv_api="http://127.0.0.1:9/api",
        hf_endpoint="http://127.0.0.1:8/",
        arxiv_delay=0.0,
        timeout=2.0,
        budget=30.5,
        max_response_mb=2,
        auto_resolve=False,
    )
    (auto,) = config.auto_exports
    assert auto.path == Path("~/thesis/refs.bib").expanduser()
    path.write_text("[[export.auto]]\npath = 'refs/thesis.bib'\n")
    assert load(path).auto_exports[0].path == tmp_path / "refs" / "thesis.bib"
    assert (auto.query, auto.style) == ("tag:thesis", "biblatex")


def test_readlist_home_holds_data_and_config(tmp_path: Path) -> None:
    where = paths.resolve(env={"READLIST_HOME": str(tmp_path)})
    assert where.library == tmp_path / "library.json"
    assert where.config_file == tmp_path / "config.toml"
    assert paths.resolve(db=str(tmp_path / "x.json"), env={}).library == tmp_path / "x.json"
    default = paths.resolve(env={})
    assert default.library.name == "library.json"
    assert "readlist" in str(default.data_dir)


def test_keymap_keys_that_are_not_key_names_warn_and_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[keymap]\n"readlist.star" = "[/],x"\n"readlist.read" = "ctrl+"\n'
        '"readlist.down" = "j,question_mark,ctrl+shift+down,/"\n'
    )
    config = load(path)
    assert config.keymap == {
        "readlist.star": "x",
        "readlist.down": "j,question_mark,ctrl+shift+down,/",
    }
    assert config.warnings == (
        "config.toml: [keymap] 'readlist.star': '[/]' is not a key name, ignored",
        "config.toml: [keymap] 'readlist.read': 'ctrl+' is not a key name, ignored",
    )
