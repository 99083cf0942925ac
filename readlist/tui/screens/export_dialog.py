"""Choose what to export and where: scope, path, format (from the registry)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Checkbox, Input, Label, RadioButton, RadioSet

from readlist.exporters import DEFAULT, REGISTRY
from readlist.fspaths import Kind, PathError, kind_of, refusal
from readlist.tui.display import blink, escape
from readlist.tui.screens.confirm import Confirm
from readlist.tui.screens.dialog import Dialog

SCOPES = ("selection", "view", "starred", "all")
_SCOPE_LABELS = {
    "selection": "Selected",
    "view": "Shown in the list",
    "starred": "Starred",
    "all": "All",
}


@dataclass(frozen=True)
class ExportRequest:
    scope: str
    path: Path
    format: str
    unicode: bool


class ExportDialog(Dialog[ExportRequest | None]):
    """Returns what to export, or None when cancelled. The caller writes the file."""

    BINDINGS = [
        Binding("ctrl+s", "export", "Export", id="export.run", tooltip="Write the file"),
        Binding("escape", "cancel", "Cancel", id="export.cancel", tooltip="Close"),
    ]

    def __init__(self, counts: dict[str, int], default_path: Path) -> None:
        super().__init__()
        self.counts = counts
        self.default_path = default_path

    def compose(self) -> ComposeResult:
        first = "selection" if self.counts.get("selection") else "view"
        with Vertical(classes="dialog wide", id="export-dialog"):
            yield Label("[b]Export[/b]  (↑↓ choose what, tab to the file and the format)")
            with RadioSet(id="scope"):
                for scope in SCOPES:
                    yield RadioButton(
                        f"{_SCOPE_LABELS[scope]} ({self.counts.get(scope, 0)})",
                        value=scope == first,
                        name=scope,
                        disabled=not self.counts.get(scope),
                    )
            yield Label("File (replaced, never appended):")
            yield Input(str(self.default_path), id="path")
            # The formats get the dialog's whole width: their descriptions tell bibtex
            # from biblatex, and at 80 columns they are cut beside anything else.
            with RadioSet(id="format"):
                for exporter in REGISTRY.values():
                    yield RadioButton(
                        f"{exporter.name}: {exporter.description}",
                        value=exporter.name == DEFAULT,
                        name=exporter.name,
                        id=f"format-{exporter.name}",
                    )
            yield Checkbox("Keep UTF-8 (--unicode)", id="unicode")
            yield Label(
                "ctrl+s export · enter in the file name exports · esc cancel", classes="hint"
            )

    def on_mount(self) -> None:
        self.query_one("#path", Input).cursor_blink = blink(self.app)
        self.query_one("#scope", RadioSet).focus()

    def _choice(self, radio_id: str) -> str:
        pressed = self.query_one(f"#{radio_id}", RadioSet).pressed_button
        return (pressed.name if pressed is not None else None) or ""

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        """A new format: the file name's suffix follows it (refs.bib -> refs.json), and
        `--unicode` is offered only where there is LaTeX to leave out."""
        if event.radio_set.id != "format":
            return
        chosen = REGISTRY[event.pressed.name or DEFAULT]
        self.query_one("#unicode", Checkbox).disabled = not chosen.latex
        box = self.query_one("#path", Input)
        for other in REGISTRY.values():
            if box.value.endswith(other.suffix) and other.suffix != chosen.suffix:
                box.value = box.value[: -len(other.suffix)] + chosen.suffix
                break

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_export()

    def action_export(self) -> None:
        path = self.query_one("#path", Input).value.strip()
        if not path:
            self.notify("Give a file name.", severity="error")
            return
        request = ExportRequest(
            scope=self._choice("scope") or "view",
            path=Path(path).expanduser(),
            format=self._choice("format") or DEFAULT,
            unicode=self.query_one("#unicode", Checkbox).value,
        )
        try:
            kind = kind_of(request.path)
        except PathError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        if kind is Kind.DIRECTORY:
            self.notify(
                f"{request.path} is a directory; give a file name.", severity="error", markup=False
            )
            return
        if kind is not Kind.FILE and kind is not Kind.MISSING:
            self.notify(
                f"{request.path}: {refusal(kind, 'give the name of a file.')}",
                severity="error",
                markup=False,
            )
            return
        if kind is Kind.MISSING:
            self.dismiss(request)
            return

        def answered(replace: bool | None) -> None:
            if replace:
                self.dismiss(request)
            else:
                self.query_one("#path", Input).focus()

        self.app.push_screen(Confirm(f"{escape(str(request.path))} exists. Replace it?"), answered)

    def action_cancel(self) -> None:
        self.dismiss(None)
