"""readlist.editform's `Form` as the TOML text `readlist edit` opens in the user's editor.

TOML because it round-trips exactly (tomllib reads it; `_quoted` writes every string so it
reads back the same), takes comments (the help on top, an error after a failed save), and
needs no quoting rules beyond "strings in double quotes". The TUI's form fills `Form`
directly and never sees this text.
"""

from __future__ import annotations

import tomllib
from typing import Any

from readlist.editform import FIELDS, LISTS, EditError, Form

_ERROR = "# error: "

HELP = """\
# readlist edit {id}: change any value, then save and quit to apply.
# To change nothing, quit without saving (or save an empty file).
# authors: one name per line. date: YYYY, YYYY-MM or YYYY-MM-DD, as exports cite it.
# type: the BibTeX entry type ("" for a preprint). venue: the journal of an
# article, the booktitle of an inproceedings or incollection. key: the citation key
# (a document may cite the old one: it stays an alias). url: the paper's own page.
# "" (or [] for a list) leaves a field empty.
"""


def render(form: Form, paper_id: str) -> str:
    """The TOML the editor opens: the help, then one line per field (a line per
    author)."""
    lines = [HELP.format(id=paper_id).rstrip("\n")]
    for name in FIELDS:
        value = getattr(form, name)
        if name == "authors" and value:
            lines += ["authors = [", *(f"    {_quoted(a)}," for a in value), "]"]
        elif name in LISTS:
            lines.append(f"{name} = [{', '.join(map(_quoted, value))}]")
        else:
            lines.append(f"{name} = {_quoted(value)}")
    return "\n".join(lines) + "\n"


def _quoted(text: str) -> str:
    """A TOML basic string that reads back as `text`: quotes, backslashes and every
    control character escaped (C1 too, so none reaches the terminal raw)."""
    out = ['"']
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def with_error(text: str, error: str) -> str:
    """`text` to reopen, with `error` on top (an earlier error replaced)."""
    lines = text.splitlines(keepends=True)
    while lines and lines[0].startswith(_ERROR):
        lines.pop(0)
    return f"{_ERROR}{' '.join(error.split())}\n" + "".join(lines)


def parse(text: str) -> Form | None:
    """The form in `text`; None for a file with no fields (the user cancels).
    EditError for text that is not TOML or a field of the wrong shape."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise EditError("", f"not valid TOML: {exc}") from None
    if not data:
        return None
    for name in data:
        if name not in FIELDS:
            raise EditError(name, f"not a field here (the fields: {', '.join(FIELDS)})")
    values: dict[str, Any] = {}
    for name in FIELDS:
        if name not in data:
            empty = "[]" if name in LISTS else '""'
            raise EditError(name, f"missing; write {name} = {empty} to leave it empty")
        value = data[name]
        if name in LISTS:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                one = "name" if name == "authors" else "tag"
                raise EditError(name, f'must be a list of {one}s in quotes: ["…", "…"]')
            values[name] = tuple(value)
        elif not isinstance(value, str):
            raise EditError(name, 'must be text in double quotes ("" for none)')
        else:
            values[name] = value
    return Form(**values)
