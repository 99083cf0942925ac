"""Where readlist keeps its files: platformdirs, overridden by READLIST_HOME or --db."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

ENV_HOME = "READLIST_HOME"
LIBRARY_NAME = "library.json"
CONFIG_NAME = "config.toml"


@dataclass(frozen=True)
class Paths:
    """The resolved data and config locations for one run."""

    data_dir: Path
    config_dir: Path
    library: Path
    cache_dir: Path  # derived files that can be fetched again (downloaded PDFs)

    @property
    def config_file(self) -> Path:
        return self.config_dir / CONFIG_NAME


def resolve(
    db: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None
) -> Paths:
    """Apply the precedence --db > READLIST_HOME > platform defaults."""
    env = os.environ if env is None else env
    home = env.get(ENV_HOME)
    if home:
        data_dir = config_dir = Path(home).expanduser()
        cache_dir = data_dir / "cache"
    else:
        data_dir = Path(platformdirs.user_data_dir("readlist", appauthor=False))
        config_dir = Path(platformdirs.user_config_dir("readlist", appauthor=False))
        cache_dir = Path(platformdirs.user_cache_dir("readlist", appauthor=False))
    library = Path(db).expanduser() if db else data_dir / LIBRARY_NAME
    return Paths(data_dir=data_dir, config_dir=config_dir, library=library, cache_dir=cache_dir)
