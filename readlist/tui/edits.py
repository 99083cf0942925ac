"""Note and tag editing for the main screen: open the dialog, then apply what the user
did to the paper as it is *now*, never to the copy the dialog opened with.

A note saved over one written elsewhere meanwhile asks first; tags apply the user's
diff (added and removed) to the current tags, for one paper or many.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from readlist import actions
from readlist.changes import Change
from readlist.errors import ReadlistError
from readlist.text import clean_display
from readlist.tui.screens.note import NoteConflict, NoteEditor
from readlist.tui.screens.tags import TagEditor

if TYPE_CHECKING:
    from readlist.tui.screens.main import MainScreen


class Edits:
    """A small controller the main screen owns (composition, not a base class)."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen

    def apply(self, make: Callable[[], Change], ids: list[str], text: bool = False) -> bool:
        """Run an action and record it for undo. A paper removed elsewhere or a lock
        held too long is a one-line notice and a catch-up, never a crash."""
        screen = self.screen
        try:
            screen.session.apply(make())
        except ReadlistError as exc:
            screen.notify(clean_display(str(exc)), severity="error", markup=False)
            if screen.session.refresh():
                screen.show_rows()
            return False
        screen.changed(ids, text=text)
        return True

    def _gone(self, pid: str, draft: str | None = None) -> bool:
        """Catch up with other processes; tell the user if the paper was removed."""
        screen = self.screen
        if screen.session.refresh():
            screen.show_rows()
        if pid in screen.store:
            return False
        if draft:
            screen.app.copy_to_clipboard(draft)
        screen.notify(
            "That paper was removed elsewhere"
            + ("; your note is on the clipboard." if draft else "."),
            severity="warning",
            markup=False,
        )
        return True

    # Notes ---------------------------------------------------------------------
    def note(self, pid: str, draft: str | None = None) -> None:
        """Edit the note; `draft` reopens the editor on the user's unsaved text."""
        paper = self.screen.store.get(pid)
        opened = paper.notes
        shown = clean_display(opened)  # saving, too, drops control characters

        def saved(text: str | None) -> None:
            if text is not None and text != opened:
                self.save_note(pid, text, opened)

        self.screen.app.push_screen(NoteEditor(paper.title, shown, draft), saved)

    def save_note(self, pid: str, text: str, opened: str | None) -> None:
        """Save `text` if the stored note is still `opened` (None: whatever it is)."""
        screen = self.screen
        if self._gone(pid, text):
            return
        try:
            screen.session.apply(actions.set_note(screen.store, [pid], text, expect=opened))
        except actions.ChangedElsewhere as exc:
            self._conflict(pid, text, exc.current)
            return
        except ReadlistError as exc:
            screen.app.copy_to_clipboard(text)
            message = clean_display(f"{exc} (your note is on the clipboard)")
            screen.notify(message, severity="error", markup=False)
            return
        screen.changed([pid], text=True)

    def _conflict(self, pid: str, text: str, theirs: str) -> None:
        screen = self.screen

        def answered(choice: str | None) -> None:
            if choice == "overwrite":
                self.save_note(pid, text, theirs)
            elif choice == "theirs":
                screen.app.copy_to_clipboard(text)
                screen.notify("Kept the other note; yours is on the clipboard.", markup=False)
            else:
                self.note(pid, draft=text)

        screen.app.push_screen(NoteConflict(theirs), answered)

    # Tags ----------------------------------------------------------------------
    def tags(self, ids: list[str]) -> None:
        """Edit tags; what the user added and removed applies to each paper's tags now."""
        screen = self.screen
        tag_lists = [screen.store.get(i).tags for i in ids]
        common = [t for t in tag_lists[0] if all(t in tags for tags in tag_lists[1:])]
        heading = f"Tags for {len(ids)} papers" if len(ids) > 1 else "Tags"

        def saved(tags: list[str] | None) -> None:
            if tags is None:
                return
            try:
                clean = [actions.clean_tag(t) for t in tags]
            except ReadlistError as exc:  # one line for the user
                screen.notify(clean_display(str(exc)), severity="error", markup=False)
                return
            kept = {c.casefold() for c in clean}
            opened = {t.casefold() for t in common}
            add = [t for t in clean if t.casefold() not in opened]
            remove = [t for t in common if t.casefold() not in kept]
            if screen.session.refresh():
                screen.show_rows()
            present = [i for i in ids if i in screen.store]
            if len(present) < len(ids):
                screen.notify(
                    f"{len(ids) - len(present)} of the papers were removed elsewhere.",
                    severity="warning",
                    markup=False,
                )
            if present and (add or remove):
                self.apply(
                    lambda: actions.change_tags(screen.store, present, add, remove), present, True
                )

        keywords = [k for i in ids for k in screen.store.get(i).ai_keywords]
        editor = TagEditor(heading, common, screen.session.tags(), suggested=suggestions(keywords))
        screen.app.push_screen(editor, saved)


def suggestions(keywords: list[str]) -> list[str]:
    """The Hub's AI keywords as tags (spaces become dashes), skipping any that cannot be."""
    out: dict[str, None] = {}
    for keyword in keywords:
        try:
            out.setdefault(actions.clean_tag(keyword), None)
        except ReadlistError:
            continue
    return list(out)
