from __future__ import annotations

from pathlib import Path

import pytest

from readlist import paths
from readlist.config import Config, load
from readlist.errors import ReadlistError


def test_missing_file_is_the_default(tmp_path: Path) -> None:
    assert load(tmp_path / "config.toml") == Config()


def test_keymap_is_read(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[keymap]\n"readlist.star" = "x"\n"readlist.down" = "j,down,ctrl+n"\n')
    assert load(path).keymap == {"readlist.star": "x", "readlist.down": "j,down,ctrl+n"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[keymap\n", "invalid TOML"),
        ("[keymap]\n'readlist.star' = 3\n", "must map binding ids"),
        ("[colours]\nx = 1\n", "unknown section"),
    ],
)
def test_bad_config_is_one_line_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ReadlistError, match=message) as info:
        load(path)
    assert str(path) in str(info.value)


def test_readlist_home_holds_data_and_config(tmp_path: Path) -> None:
    where = paths.resolve(env={"READLIST_HOME": str(tmp_path)})
    assert where.library == tmp_path / "library.json"
    assert where.config_file == tmp_path / "config.toml"
    assert paths.resolve(db=str(tmp_path / "x.json"), env={}).library == tmp_path / "x.json"
    default = paths.resolve(env={})
    assert default.library.name == "library.json"
    assert "readlist" in str(default.data_dir)
