"""User configuration: a TOML file in the config directory. Data only, never code.

A file that is not TOML is an error. Inside a valid file, an unknown key or a value of
the wrong type is a one-line warning and the default is used, so one typo never stops
readlist from starting.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from readlist.errors import ReadlistError
from readlist.exporters import POLICIES, REGISTRY, Policy
from readlist.fspaths import read_regular

DEFAULT_ARXIV_API = "https://export.arxiv.org/api/query"
DEFAULT_HF_ENDPOINT = "https://huggingface.co"
DEFAULT_ARXIV_PDF = "https://arxiv.org/pdf"
DEFAULT_S2_API = "https://api.semanticscholar.org/graph/v1"
DEFAULT_DBLP_API = "https://dblp.org/search/publ/api"
DEFAULT_MAX_INPUT_BYTES = 512 * 1024 * 1024
MAX_CONFIG_BYTES = 1024 * 1024  # a config.toml is a few hundred bytes


# The patterns are compiled on first use: every command reads the config, and few
# configs have a keymap, saved searches or an API key to check.
@cache
def _search_name() -> re.Pattern[str]:
    return re.compile(r"[^\W_][\w\-]{0,63}")


@cache
def _key() -> re.Pattern[str]:
    """What Textual accepts as a key: modifiers, then one printable character or a key
    name such as "question_mark", "pagedown" or "f5"."""
    return re.compile(
        r"((ctrl|shift|alt|meta|super|hyper)\+)*([a-z][a-z0-9_]*|[^\s,+\[\]\\])", re.I
    )


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
    s2_api: str = DEFAULT_S2_API  # Semantic Scholar's Graph API (readlist published)
    dblp_api: str = DEFAULT_DBLP_API  # DBLP's publication search
    s2_delay: float = 1.0  # seconds between requests to each (0 only for tests)
    dblp_delay: float = 1.0
    # From the environment (S2_API_KEY), never from config.toml: a secret.
    s2_api_key: str | None = field(default=None, repr=False)


# [network] numbers: (smallest, largest, whether the smallest itself is allowed)
_SECONDS = {
    "arxiv_delay": (0, 3600, True),
    "s2_delay": (0, 3600, True),
    "dblp_delay": (0, 3600, True),
    "timeout": (0, 3600, False),
    "budget": (0, 86400, False),
    "pdf_timeout": (0, 86400, False),
}


_URL_KEYS = ("arxiv_api", "hf_endpoint", "arxiv_pdf", "s2_api", "dblp_api")


@cache
def _api_key() -> re.Pattern[str]:
    return re.compile(r"[!-~]{1,200}")


@dataclass(frozen=True)
class AutoExport:
    """One `[[export.auto]]`: a file kept in step with a query, in a format of
    `readlist.exporters.REGISTRY`."""

    path: Path
    query: str = ""
    format: str = "bibtex"
    unicode: bool = False
    versions: Policy = "both"  # readlist.versions.POLICIES: [export] versions unless its own

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
    export_versions: Policy = "both"  # [export] versions: which version exports cite
    max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES
    # `[searches]`: a name (one word) -> a query of the search grammar, in file order.
    searches: dict[str, str] = field(default_factory=dict)
    # `[tui] note = "editor"`: `n` opens the note in $VISUAL/$EDITOR straight away
    # (the default, "dialog", opens the in-TUI editor, whose ctrl+o goes on in $EDITOR).
    note_in_editor: bool = False
    warnings: tuple[str, ...] = ()


def load(path: Path, env: Mapping[str, str] | None = None) -> Config:
    """Read `path`; a missing file is the default config, a broken one (or one that is
    not a regular file: fspaths.PathError) an error."""
    env = os.environ if env is None else env
    try:  # a FIFO here would block every command before it starts: refused unopened
        too_big = "larger than 1 MB; not a config file"
        raw = read_regular(path, MAX_CONFIG_BYTES, "not reading it as config", too_big)
    except FileNotFoundError:
        data = {}
    else:
        import tomllib  # only where there is a file to read (every command reads config)

        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise ReadlistError(f"{path}: cannot read config ({exc})") from None
        except tomllib.TOMLDecodeError as exc:
            raise ReadlistError(f"{path}: invalid TOML ({exc})") from None
    reader = _Reader(path)
    keymap = reader.keymap(data.pop("keymap", {}))
    network = reader.network(data.pop("network", {}), env)
    export = data.pop("export", {})
    auto = reader.exports(export)
    versions = reader.versions(export)
    max_bytes = reader.imports(data.pop("import", {}))
    searches = reader.searches(data.pop("searches", {}))
    note_in_editor = reader.tui(data.pop("tui", {}))
    for name in sorted(data):
        reader.warn(f"unknown section or key [{name}], ignored")
    return Config(
        keymap=keymap,
        network=network,
        auto_exports=auto,
        export_versions=versions,
        max_input_bytes=max_bytes,
        searches=searches,
        note_in_editor=note_in_editor,
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
            bad = [k for k in keys if not _key().fullmatch(k)]
            if bad:
                self.warn(
                    f"[keymap] {key!r}: {', '.join(map(repr, bad))} is not a key name, ignored"
                )
            good = [k for k in keys if _key().fullmatch(k)]
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
            "s2_api": (str,),
            "dblp_api": (str,),
            "s2_delay": (int, float),
            "dblp_delay": (int, float),
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
            elif key in _URL_KEYS and not value.startswith(("http://", "https://")):
                self.warn(f"[network] {key} must be an http(s) URL, using the default")
            else:
                values[key] = value
        if env.get("HF_ENDPOINT"):
            values["hf_endpoint"] = env["HF_ENDPOINT"]
        key = env.get("S2_API_KEY", "").strip()
        if key and _api_key().fullmatch(key):
            values["s2_api_key"] = key
        elif key:  # a header value must be one line of printable ASCII
            self.warnings.append(
                "S2_API_KEY is not an API key (at most 200 printable ASCII characters), ignored"
            )
        return Network(**values)

    def exports(self, raw: Any) -> tuple[AutoExport, ...]:
        table = self.table("export", raw)
        for key in sorted(set(table) - {"auto", "versions"}):
            self.warn(f"[export] unknown key {key!r}, ignored")
        default = self.versions(table, warn=False)
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
            unknown = set(entry) - {"path", "query", "format", "style", "unicode", "versions"}
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
            versions = next((v for v in POLICIES if v == entry.get("versions", default)), None)
            if versions is None:
                self.warn(f"{where} versions must be {', '.join(POLICIES)}, ignored")
                continue
            path = Path(entry["path"]).expanduser()
            path = self.path.parent / path  # relative to config.toml, not to where readlist runs
            out.append(
                AutoExport(path=path, query=query, format=fmt, unicode=unicode, versions=versions)
            )
        return tuple(out)

    def versions(self, raw: Any, warn: bool = True) -> Policy:
        """[export] versions: which version of a preprint exports cite (default both)."""
        value = raw.get("versions", "both") if isinstance(raw, dict) else "both"
        for policy in POLICIES:
            if value == policy:
                return policy
        if warn:
            self.warn(f"[export] versions must be {', '.join(POLICIES)}, using both")
        return "both"

    def searches(self, raw: Any) -> dict[str, str]:
        """Each name a word, each query one the grammar reads (checked now, so a typo
        is a warning at start-up rather than an error when the search is used)."""
        out: dict[str, str] = {}
        folded: set[str] = set()
        for name, query in self.table("searches", raw).items():
            where = f"[searches] {name!r}"
            if not _search_name().fullmatch(name):
                self.warn(f"{where}: a name is one word (letters, digits, - and _), ignored")
            elif name.casefold() in folded:
                self.warn(f"{where}: another search has this name (case aside), ignored")
            elif not isinstance(query, str):
                self.warn(f"{where} must be a query string, ignored")
            elif not query.strip():
                self.warn(f"{where}: empty query, ignored")
            else:
                from readlist.query import QueryError, parse  # only with a search to check

                try:
                    parse(query)
                except QueryError as exc:
                    self.warn(f"{where}: {exc}, ignored")
                    continue
                out[name] = query
                folded.add(name.casefold())
        return out

    def tui(self, raw: Any) -> bool:
        """`[tui] note = "dialog" | "editor"`: whether `n` opens $EDITOR."""
        editor = False
        for key, item in self.table("tui", raw).items():
            if key != "note":
                self.warn(f"[tui] unknown key {key!r}, ignored")
            elif item not in ("dialog", "editor"):
                self.warn('[tui] note must be "dialog" or "editor", using "dialog"')
            else:
                editor = item == "editor"
        return editor

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
