"""Changes made on the UI thread: read, star, notes, tags, undo and redo. Each is a
write through the UI thread's store, then `Host.landed`, like every change.

Note and tag dialogs apply what the user did to the paper as it is *now*, never to the
copy the dialog opened with: a note saved over one written elsewhere meanwhile asks
first; tags apply the user's diff (added and removed) to the current tags.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

from readlist import actions, editor
from readlist.changes import Applied, Change
from readlist.errors import ReadlistError
from readlist.store import Store
from readlist.text import clean, clean_display
from readlist.tui.display import TITLE_CELLS, shortened
from readlist.tui.ports import Host, Outcome
from readlist.tui.screens.note import InEditor, NoteConflict, NoteEditor
from readlist.tui.screens.tags import TagEditor


class Edits:
    """A small controller the main screen owns (composition, not a base class)."""

    def __init__(
        self, host: Host, env: Mapping[str, str] = os.environ, *, note_in_editor: bool = False
    ) -> None:
        self.host = host
        self.env = env  # $VISUAL/$EDITOR, read when used
        self.note_in_editor_first = note_in_editor  # [tui] note = "editor"

    @property
    def store(self) -> Store:
        return self.host.session.store

    def apply(self, make: Callable[[], Change]) -> bool:
        """Run an action and land it. A paper removed elsewhere or a lock held too long
        is a one-line notice and a catch-up, never a crash."""
        try:
            change = make()
        except ReadlistError as exc:
            self.host.say(clean_display(str(exc)), severity="error")
            if self.host.session.refresh():
                self.host.show_rows()
            return False
        self.host.landed(Outcome(change, counted=True))
        return True

    def toggle(self, name: str, ids: list[str]) -> None:
        """r and s: set `name` (read, starred) on all of `ids`, or clear it if all have it."""
        records = self.store.records()
        value = not all(records[i].get(name) is True for i in ids)
        setter = actions.set_read if name == "read" else actions.set_starred
        now = self.host.session.clock.now()
        self.apply(lambda: setter(self.store, ids, value, now=now))

    def undo(self, redo: bool = False) -> None:
        history = self.host.session.history
        step: Callable[[Store], Applied | None] = history.redo if redo else history.undo
        try:
            applied = step(self.store)
        except ReadlistError as exc:  # the lock held too long: the step stays on the stack
            self.host.say(clean_display(str(exc)), severity="error")
            return
        if applied is None:
            self.host.say(f"Nothing to {'redo' if redo else 'undo'}.")
            return
        self.host.landed(Outcome(applied.change, record=False))
        back = [] if redo else [pid for pid in applied.change.removed if pid in self.store]
        if back:  # an undone delete: the cursor goes to the papers that came back
            self.host.show_rows(self.host.session.first_shown(back))
        warn = bool(applied.skipped)
        summary = applied.summary("Redid" if redo else "Undid")
        self.host.say(summary, severity="warning" if warn else "information")

    def _gone(self, pid: str, draft: str | None = None) -> bool:
        """Catch up with other processes; tell the user if the paper was removed."""
        host = self.host
        if host.session.refresh():
            host.show_rows()
        if pid in self.store:
            return False
        if draft:
            host.copy(draft)
        from readlist import deleted

        where = (
            f"deleted elsewhere (readlist restore {pid} brings it back)"
            if pid in deleted.trash(self.store)
            else "removed elsewhere"
        )
        host.say(
            f"That paper was {where}" + ("; your note is on the clipboard." if draft else "."),
            severity="warning",
        )
        return True

    # Notes ---------------------------------------------------------------------
    def note(self, pid: str, draft: str | None = None) -> None:
        """Edit the note in the dialog (or, with `[tui] note = "editor"`, straight in
        $EDITOR); `draft` reopens the dialog on the user's unsaved text."""
        try:
            paper = self.store.get(pid)
        except ReadlistError as exc:  # a library edited by hand: say so, never crash
            self.host.say(clean_display(str(exc)), severity="error")
            return
        if draft is None and self.note_in_editor_first:
            self.note_in_editor(pid, clean_display(paper.notes), paper.notes)
            return
        opened = paper.notes
        shown = clean_display(opened)  # saving, too, drops control characters

        def saved(text: str | None) -> None:
            if isinstance(text, InEditor):
                self.note_in_editor(pid, str(text), opened)
            elif text is not None and text != opened:
                self.save_note(pid, text, opened)

        self.host.ask(NoteEditor(paper.title, shown, draft), saved)

    def note_in_editor(self, pid: str, draft: str, opened: str) -> None:
        """ctrl+o in the note dialog (or `n` with `[tui] note = "editor"`): the text
        goes on as Markdown in $VISUAL/$EDITOR (the app suspended meanwhile), then is
        saved as the dialog saves it, asking first if the note changed elsewhere. No
        editor: the dialog, on the same text."""
        try:
            with self.host.suspended():
                name = f"readlist-note-{pid}-"
                text = editor.edit_text(
                    draft.strip("\n") + "\n", self.env, prefix=name, suffix=".md"
                )
        except ReadlistError as exc:
            self.host.say(clean_display(str(exc)), severity="error")
            self.note(pid, draft=draft)
            return
        text = clean(text).strip("\n")
        if text != clean(opened).strip("\n"):
            self.save_note(pid, text, opened)

    def save_note(self, pid: str, text: str, opened: str | None) -> None:
        """Save `text` if the stored note is still `opened` (None: whatever it is)."""
        host = self.host
        if self._gone(pid, text):
            return
        try:
            change = actions.set_note(self.store, [pid], text, expect=opened)
        except actions.ChangedElsewhere as exc:
            self._conflict(pid, text, exc.current)
            return
        except ReadlistError as exc:
            host.copy(text)
            host.say(clean_display(f"{exc} (your note is on the clipboard)"), severity="error")
            return
        host.landed(Outcome(change, counted=True))

    def _conflict(self, pid: str, text: str, theirs: str) -> None:
        def answered(choice: str | None) -> None:
            if choice == "overwrite":
                self.save_note(pid, text, theirs)
            elif choice == "theirs":
                self.host.copy(text)
                self.host.say("Kept the other note; yours is on the clipboard.")
            else:
                self.note(pid, draft=text)

        self.host.ask(NoteConflict(theirs), answered)

    # Tags ----------------------------------------------------------------------
    def tags(self, ids: list[str]) -> None:
        """Edit tags; what the user added and removed applies to each paper's tags now."""
        host = self.host
        try:
            papers = [self.store.get(i) for i in ids]
        except ReadlistError as exc:  # a library edited by hand: say so, never crash
            host.say(clean_display(str(exc)), severity="error")
            return
        tag_lists = [p.tags for p in papers]
        common = [t for t in tag_lists[0] if all(t in tags for tags in tag_lists[1:])]
        if len(ids) > 1:
            heading = f"Tags for {len(ids)} papers"
        else:  # name the paper: the dialog hides the list
            heading = f"Tags for “{shortened(clean_display(papers[0].title), TITLE_CELLS)}”"

        def saved(tags: list[str] | None) -> None:
            if tags is None:
                return
            try:
                clean = [actions.clean_tag(t) for t in tags]
            except ReadlistError as exc:  # one line for the user
                host.say(clean_display(str(exc)), severity="error")
                return
            kept = {c.casefold() for c in clean}
            opened = {t.casefold() for t in common}
            add = [t for t in clean if t.casefold() not in opened]
            remove = [t for t in common if t.casefold() not in kept]
            if host.session.refresh():
                host.show_rows()
            present = [i for i in ids if i in self.store]
            if len(present) < len(ids):
                host.say(
                    f"{len(ids) - len(present)} of the papers were removed elsewhere.",
                    severity="warning",
                )
            if present and (add or remove):
                self.apply(lambda: actions.change_tags(self.store, present, add, remove))

        keywords = [k for p in papers for k in p.ai_keywords]
        session = host.session
        host.ask(TagEditor(heading, common, session.tags(), suggested=suggestions(keywords)), saved)


def suggestions(keywords: list[str]) -> list[str]:
    """The Hub's AI keywords as tags (spaces become dashes), skipping any that cannot be."""
    out: dict[str, None] = {}
    for keyword in keywords:
        try:
            out.setdefault(actions.clean_tag(keyword), None)
        except ReadlistError:
            continue
    return list(out)
