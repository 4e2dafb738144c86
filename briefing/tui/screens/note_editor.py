"""The note editor: a modal that returns what the analyst wrote; the caller saves it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from briefing.notes.model import CONFIDENCES, KINDS, Confidence, Kind
from briefing.tui.untrusted import untrusted, untrusted_text


@dataclass(frozen=True)
class NoteDraft:
    """The editor's result: what to store."""

    kind: Kind
    comment: str
    confidence: Confidence | None
    tags: tuple[str, ...]

    def fields(self) -> dict[str, Any]:
        """What the draft sets on a note (keywords of ``Notes.add`` and ``update``)."""
        return {
            "kind": self.kind,
            "comment": self.comment,
            "confidence": self.confidence,
            "tags": self.tags,
        }


class NoteEditor(ModalScreen[NoteDraft | None]):
    """Comment, kind, confidence (for judgments) and tags for a note on a quote."""

    DEFAULT_CSS = """
    NoteEditor { align: center middle; }
    NoteEditor > Vertical {
        width: 90; height: auto; max-height: 90%;
        background: $surface; border: round $primary; padding: 1 2;
    }
    NoteEditor #quote { color: $text-muted; max-height: 6; margin-bottom: 1; }
    NoteEditor TextArea { height: 6; }
    NoteEditor Horizontal { height: auto; margin-top: 1; }
    NoteEditor Select { width: 1fr; }
    NoteEditor #buttons { align-horizontal: right; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save", tooltip="Save the note"),
    ]

    def __init__(
        self,
        quote: str = "",
        source: str = "",
        initial: NoteDraft | None = None,
        kind: Kind = "evidence",
    ) -> None:
        super().__init__()
        self.quote = quote
        self.source = source
        self.initial = initial or NoteDraft(kind, "", None, ())

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content("Note").stylize("bold"))
            if self.quote:
                clipped = self.quote if len(self.quote) <= 400 else self.quote[:399] + "…"
                shown = untrusted_text(f"“{clipped}”") + untrusted(f"  — {self.source}")
                yield Static(shown, id="quote")
            yield TextArea(self.initial.comment, id="comment")
            with Horizontal():
                yield Select(
                    [(k, k) for k in KINDS], value=self.initial.kind, allow_blank=False, id="kind"
                )
                yield Select(
                    [(c, c) for c in CONFIDENCES],
                    value=self.initial.confidence or Select.NULL,
                    prompt="confidence",
                    id="confidence",
                )
            yield Input(
                ", ".join(self.initial.tags), placeholder="tags, comma separated", id="tags"
            )
            with Horizontal(id="buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#comment", TextArea).focus()
        self._confidence_for(self.initial.kind)

    @on(Select.Changed, "#kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        self._confidence_for(str(event.value))

    def _confidence_for(self, kind: str) -> None:
        # Confidence is said of judgments only.
        self.query_one("#confidence", Select).disabled = kind != "judgment"

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        """Return the note."""
        kind = cast(Kind, self.query_one("#kind", Select).value)
        confidence_value = self.query_one("#confidence", Select).value
        confidence = (
            cast(Confidence, confidence_value)
            if kind == "judgment" and confidence_value in CONFIDENCES
            else None
        )
        raw_tags = self.query_one("#tags", Input).value
        tags = tuple(dict.fromkeys(t.strip().lower() for t in raw_tags.split(",") if t.strip()))
        comment = self.query_one("#comment", TextArea).text.strip()
        self.dismiss(NoteDraft(kind, comment, confidence, tags))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)
