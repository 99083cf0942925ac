"""User configuration: a TOML file in the config directory. Data only, never code."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from readlist.errors import ReadlistError


@dataclass(frozen=True)
class Config:
    """`[keymap]` maps binding ids (see the help screen) to comma-separated keys."""

    keymap: dict[str, str] = field(default_factory=dict)


def load(path: Path) -> Config:
    """Read `path`; a missing file is the default config, a broken one an error."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError) as exc:
        raise ReadlistError(f"{path}: cannot read config ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ReadlistError(f"{path}: invalid TOML ({exc})") from None
    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in keymap.items()
    ):
        raise ReadlistError(f"{path}: [keymap] must map binding ids to key strings")
    unknown = set(data) - {"keymap"}
    if unknown:
        raise ReadlistError(f"{path}: unknown section(s): {', '.join(sorted(unknown))}")
    return Config(keymap=dict(keymap))
