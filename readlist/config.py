"""User configuration: a TOML file in the config directory. Data only, never code.

A file that is not TOML is an error. Inside a valid file, an unknown key or a value of
the wrong type is a one-line warning and the default is used, so one typo never stops
readlist from starting.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from readlist.errors import ReadlistError
from readlist.exporters import REGISTRY
from readlist.fspaths import read_regular

DEFAULT_ARXIV_API = "https://export.arxiv.org/api/query"
DEFAULT_HF_ENDPOINT = "https://huggingface.co"
DEFAULT_ARXIV_PDF = "https://arxiv.org/pdf"
DEFAULT_MAX_INPUT_BYTES = 512 * 1024 * 1024
MAX_CONFIG_BYTES = 1024 * 1024  # a config.toml is a few hundred bytes
# What Textual accepts as a key: modifiers, then one printable character or a key
# name such as "question_mark", "pagedown" or "f5".
_SEARCH_NAME = re.compile(r"[^\W_][\w\-]{0,63}")
_KEY = re.compile(r"((ctrl|shift|alt|meta|super|hyper)\+)*([a-z][a-z0-9_]*|[^\s,+\[\]\\])", re.I)


@dataclass(frozen=True)
class Network:
    """`[network]`: where the arXiv and Hub APIs are, and how politely to use them."""

    arxiv_api: str = DEFAULT_ARXIV_API
    hf_endpoint: str = DEFAULT_HF_ENDPOINT
    arxiv_delay: float = 3.0
    timeout: float = 20.0  # seconds for a whole request: connect, headers and body
    budget: float = 600.0  # seconds of network time for a whole command
    max_response_mb: int = 32  # an answer larger than this, decompressed, is refused
    auto_resolve: bool = True
    arxiv_pdf: str = DEFAULT_ARXIV_PDF  # + "/2511.07399": where `readlist pdf` downloads
    pdf_timeout: float = 300.0  # seconds for one PDF download, whole body included
    max_pdf_mb: int = 100  # a PDF larger than this is refused


# [network] numbers: (smallest, largest, whether the smallest itself is allowed)
_SECONDS = {
    "arxiv_delay": (0, 3600, True),
    "timeout": (0, 3600, False),
    "budget": (0, 86400, False),
    "pdf_timeout": (0, 86400, False),
}


@dataclass(frozen=True)
class AutoExport:
    """One `[[export.auto]]`: a file kept in step with a query, in a format of
    `readlist.exporters.REGISTRY`."""

    path: Path
    query: str = ""
    format: str = "bibtex"
    unicode: bool = False

    @property
    def style(self) -> str:
        """The old name of `format`, still read from config.toml."""
        return self.format


@dataclass(frozen=True)
class Config:
    """`[keymap]` maps binding ids (see the help screen) to comma-separated keys."""

    keymap: dict[str, str] = field(default_factory=dict)
    network: Network = field(default_factory=Network)
    auto_exports: tuple[AutoExport, ...] = ()
    max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES
    # `[searches]`: a name (one word) -> a query of the search grammar, in file order.
    searches: dict[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


def load(path: Path, env: Mapping[str, str] | None = None) -> Config:
    """Read `path`; a missing file is the default config, a broken one (or one that is
    not a regular file: fspaths.PathError) an error."""
    env = os.environ if env is None else env
    try:  # a FIFO here would block every command before it starts: refused unopened
        too_big = "larger than 1 MB; not a config file"
        raw = read_regular(path, MAX_CONFIG_BYTES, "not reading it as config", too_big)
        data = tomllib.loads(raw.decode("utf-8"))
    except FileNotFoundError:
        data = {}
    except UnicodeDecodeError as exc:
        raise ReadlistError(f"{path}: cannot read config ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ReadlistError(f"{path}: invalid TOML ({exc})") from None
    reader = _Reader(path)
    keymap = reader.keymap(data.pop("keymap", {}))
    network = reader.network(data.pop("network", {}), env)
    auto = reader.exports(data.pop("export", {}))
    max_bytes = reader.imports(data.pop("import", {}))
    searches = reader.searches(data.pop("searches", {}))
    for name in sorted(data):
        reader.warn(f"unknown section or key [{name}], ignored")
    return Config(
        keymap=keymap,
        network=network,
        auto_exports=auto,
        max_input_bytes=max_bytes,
        searches=searches,
        warnings=tuple(reader.warnings),
    )


class _Reader:
    """Validates each section, collecting one-line warnings."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.warnings: list[str] = []

    def warn(self, message: str) -> None:
        self.warnings.append(f"{self.path.name}: {message}")

    def table(self, name: str, value: Any) -> dict[str, Any]:
        if isinstance(value, dict):
            return value
        self.warn(f"[{name}] must be a table, ignored")
        return {}

    def keymap(self, raw: Any) -> dict[str, str]:
        out: dict[str, str] = {}
        for key, value in self.table("keymap", raw).items():
            if not isinstance(value, str):
                self.warn(f"[keymap] {key!r} must be a string of keys, ignored")
                continue
            keys = [k.strip() for k in value.split(",")]
            bad = [k for k in keys if not _KEY.fullmatch(k)]
            if bad:
                self.warn(
                    f"[keymap] {key!r}: {', '.join(map(repr, bad))} is not a key name, ignored"
                )
            good = [k for k in keys if _KEY.fullmatch(k)]
            if good:
                out[key] = ",".join(good)
        return out

    def network(self, raw: Any, env: Mapping[str, str]) -> Network:
        table = self.table("network", raw)
        defaults = Network()
        values: dict[str, Any] = {}
        kinds: dict[str, tuple[type, ...]] = {
            "arxiv_api": (str,),
            "hf_endpoint": (str,),
            "arxiv_delay": (int, float),
            "timeout": (int, float),
            "budget": (int, float),
            "max_response_mb": (int,),
            "auto_resolve": (bool,),
            "arxiv_pdf": (str,),
            "pdf_timeout": (int, float),
            "max_pdf_mb": (int,),
        }
        for key, value in table.items():
            kind = kinds.get(key)
            default = getattr(defaults, key, None)
            if kind is None:
                self.warn(f"[network] unknown key {key!r}, ignored")
            elif type(value) not in kind:  # exact types: true is not a number here
                self.warn(f"[network] {key} has the wrong type, using {default!r}")
            elif key in _SECONDS:
                low, high, low_ok = _SECONDS[key]
                # nan and inf are TOML floats too: nan fails every comparison, inf the last
                if low < value <= high or (low_ok and value == low):
                    values[key] = float(value)
                else:
                    least = f"from {low}" if low_ok else f"more than {low}"
                    self.warn(
                        f"[network] {key} must be a number of seconds {least} to {high}, "
                        f"using {default!r}"
                    )
            elif key in ("max_response_mb", "max_pdf_mb") and not 1 <= value <= 4096:
                self.warn(f"[network] {key} must be a whole number from 1 to 4096, using {default}")
            elif key in ("arxiv_api", "hf_endpoint", "arxiv_pdf") and not value.startswith(
                ("http://", "https://")
            ):
                self.warn(f"[network] {key} must be an http(s) URL, using the default")
            else:
                values[key] = value
        if env.get("HF_ENDPOINT"):
            values["hf_endpoint"] = env["HF_ENDPOINT"]
        return Network(**values)

    def exports(self, raw: Any) -> tuple[AutoExport, ...]:
        table = self.table("export", raw)
        for key in sorted(set(table) - {"auto"}):
            self.warn(f"[export] unknown key {key!r}, ignored")
        entries = table.get("auto", [])
        if not isinstance(entries, list):
            self.warn("[[export.auto]] must be an array of tables, ignored")
            return ()
        out: list[AutoExport] = []
        for n, entry in enumerate(entries, 1):
            where = f"[[export.auto]] #{n}"
            if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
                self.warn(f"{where} needs a path, ignored")
                continue
            unknown = set(entry) - {"path", "query", "format", "style", "unicode"}
            for key in sorted(unknown):
                self.warn(f"{where} unknown key {key!r}, ignored")
            query = entry.get("query", "")
            fmt = entry.get("format", entry.get("style", "bibtex"))  # style: its old name
            unicode = entry.get("unicode", False)
            if not isinstance(query, str):
                self.warn(f"{where} query must be a string, ignored")
                continue
            if "format" in entry and "style" in entry and entry["style"] != fmt:
                self.warn(f"{where} has both format and style (its old name), ignored")
                continue
            if not isinstance(fmt, str) or fmt not in REGISTRY:
                key = "format" if "format" in entry else "style"
                *most, last = REGISTRY
                self.warn(f"{where} {key} must be {', '.join(most)} or {last}, ignored")
                continue
            if not isinstance(unicode, bool):
                self.warn(f"{where} unicode must be true or false, ignored")
                continue
            path = Path(entry["path"]).expanduser()
            path = self.path.parent / path  # relative to config.toml, not to where readlist runs
            out.append(AutoExport(path=path, query=query, format=fmt, unicode=unicode))
        return tuple(out)

    def searches(self, raw: Any) -> dict[str, str]:
        """Each name a word, each query one the grammar reads (checked now, so a typo
        is a warning at start-up rather than an error when the search is used)."""
        from readlist.query import QueryError, parse

        out: dict[str, str] = {}
        folded: set[str] = set()
        for name, query in self.table("searches", raw).items():
            where = f"[searches] {name!r}"
            if not _SEARCH_NAME.fullmatch(name):
                self.warn(f"{where}: a name is one word (letters, digits, - and _), ignored")
            elif name.casefold() in folded:
                self.warn(f"{where}: another search has this name (case aside), ignored")
            elif not isinstance(query, str):
                self.warn(f"{where} must be a query string, ignored")
            elif not query.strip():
                self.warn(f"{where}: empty query, ignored")
            else:
                try:
                    parse(query)
                except QueryError as exc:
                    self.warn(f"{where}: {exc}, ignored")
                    continue
                out[name] = query
                folded.add(name.casefold())
        return out

    def imports(self, raw: Any) -> int:
        table = self.table("import", raw)
        value = DEFAULT_MAX_INPUT_BYTES
        for key, item in table.items():
            if key != "max_size_mb":
                self.warn(f"[import] unknown key {key!r}, ignored")
            elif isinstance(item, bool) or not isinstance(item, int) or item < 1:
                self.warn("[import] max_size_mb must be a positive whole number, using 512")
            else:
                value = item * 1024 * 1024
        return value
