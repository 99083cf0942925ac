"""The user's own editor ($VISUAL, else $EDITOR) on a file of readlist's making.

Used by `readlist edit` and `readlist note --edit`, and by the TUI once it has
suspended itself; no Textual here. The command is split as a shell would split it
(`code --wait`, `emacsclient -t`) and run without a shell, with the file as its last
argument, as git runs its editor.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from readlist.changes import Change
from readlist.errors import ReadlistError
from readlist.store import Store
from readlist.text import clean

VARIABLES = ("VISUAL", "EDITOR")


class EditorError(ReadlistError):
    """No editor, or it could not run or failed; the message is one line."""


def command(env: Mapping[str, str]) -> list[str]:
    """The editor's command line from $VISUAL or $EDITOR (the first that is set)."""
    for name in VARIABLES:
        value = env.get(name, "").strip()
        if value:
            try:
                words = shlex.split(value)
            except ValueError as exc:
                raise EditorError(f"${name} cannot be read as a command ({exc})") from None
            if words:
                return words
    raise EditorError("no editor: set $VISUAL or $EDITOR (for example EDITOR=nano)")


def draft(text: str, *, prefix: str, suffix: str) -> Path:
    """A new private file (mode 0600) in the temp directory holding `text`."""
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    return Path(name)


def run(path: Path, env: Mapping[str, str]) -> None:
    """Open `path` in the editor and wait for it to exit."""
    argv = [*command(env), str(path)]
    try:
        done = subprocess.run(argv, env=dict(env), check=False)
    except OSError as exc:
        raise EditorError(f"cannot run the editor {argv[0]!r}: {exc.strerror or exc}") from None
    if done.returncode != 0:
        raise EditorError(f"the editor {argv[0]!r} exited with status {done.returncode}")


def read(path: Path) -> str:
    """What the editor saved, as text (universal newlines, a BOM some editors add
    left out)."""
    try:
        with open(path, encoding="utf-8-sig") as fh:
            return fh.read()
    except UnicodeDecodeError:
        raise EditorError("the editor saved text that is not UTF-8; nothing saved") from None
    except OSError as exc:
        raise EditorError(f"{path}: cannot read it back ({exc.strerror})") from None


def edit_text(text: str, env: Mapping[str, str], *, prefix: str, suffix: str) -> str:
    """`text` in the editor, as the user saved it; the draft file is removed. The TUI
    uses it for a note, then saves it as its own note editor does."""
    path = draft(text, prefix=prefix, suffix=suffix)
    try:
        run(path, env)
        return read(path)
    finally:
        discard(path)


def discard(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


@dataclass
class Outcome:
    """What an editing session did: the change (empty when nothing changed), and what
    to tell the user."""

    change: Change
    message: str


ROUNDS = 5  # failed saves of one `edit` before it gives up, keeping the user's text


def edit_paper(store: Store, pid: str, env: Mapping[str, str]) -> Outcome:
    """`readlist edit`: the paper's fields (editform, as formtext's TOML) in the editor
    until they save, or the user cancels (an empty file, or one saved as it was opened).
    A field that cannot be saved reopens the editor with the error on top; leaving that
    unchanged gives up with the error (nothing saved), and so do ROUNDS failed saves in a
    row (an editor that returns at once, or edits by script, would otherwise loop for
    ever)."""
    from readlist import editform, formtext

    opened = editform.form_of(store.get(pid))
    written = formtext.render(opened, pid)
    path = draft(written, prefix=f"readlist-{pid}-", suffix=".toml")
    error = ""
    keep = False  # the user's text, kept in its file when it cannot be saved
    try:
        for _ in range(ROUNDS):
            run(path, env)
            keep = True  # from here on, the file may hold what the user typed
            text = read(path)
            if text == written:
                keep = False
                if error:
                    raise editform.EditError("", f"not saved: {error}")
                return Outcome(Change("edit"), "nothing changed")
            try:
                edited = formtext.parse(text)
                if edited is None:
                    keep = False
                    return Outcome(Change("edit"), "nothing changed")
                change = editform.save(store, pid, opened, edited)
            except editform.EditError as exc:
                error = str(exc)
                written = formtext.with_error(text, error)
                path.write_text(written, encoding="utf-8")
                continue
            keep = False
            fields = editform.changed_fields(opened, edited)
            return Outcome(change, f"{pid}: {', '.join(fields)}" if change else "nothing changed")
        raise ReadlistError(f"not saved after {ROUNDS} tries: {error}")
    except editform.EditError:
        keep = False
        raise
    except ReadlistError as exc:
        if keep:
            raise ReadlistError(f"{exc} (your edit is kept in {path})") from None
        raise
    finally:
        if not keep:
            discard(path)


def edit_note(store: Store, pid: str, env: Mapping[str, str]) -> Outcome:
    """`readlist note ID --edit`: the note as Markdown in the editor, saved only if
    nobody changed it meanwhile (as the TUI's note editor). If someone did, or it
    cannot be saved, the user's text stays in its file, and the message names it."""
    from readlist import actions

    opened = store.get(pid).notes
    shown = clean(opened).strip("\n")
    path = draft(shown + "\n" if shown else "", prefix=f"readlist-note-{pid}-", suffix=".md")
    try:
        run(path, env)
    except EditorError:
        discard(path)
        raise
    try:
        text = clean(read(path)).strip("\n")
    except EditorError as exc:
        raise ReadlistError(f"{exc} (your note is kept in {path})") from None
    if text == shown:
        discard(path)
        return Outcome(Change("note"), "nothing changed")
    try:
        change = actions.set_note(store, [pid], text, expect=opened)
    except actions.ChangedElsewhere:
        raise ReadlistError(
            f"the note of {pid} changed elsewhere while you edited it; yours is kept in "
            f"{path} (to save it over the other: readlist note {pid} - < {path})"
        ) from None
    except ReadlistError as exc:
        raise ReadlistError(f"{exc} (your note is kept in {path})") from None
    discard(path)
    return Outcome(change, f"{pid}: note saved" if text else f"{pid}: note removed")
