"""The notes and briefing screen: organise notes, see the briefing as it will be exported."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Markdown, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker

from briefing.engine import Engine, Notes, sanitize_line, visible, visible_text
from briefing.notes.model import KINDS, Note
from briefing.tui.failures import WorkerScreen
from briefing.tui.screens.note_editor import NoteDraft, NoteEditor
from briefing.tui.untrusted import untrusted, untrusted_text
from briefing.tui.widgets.key_bar import KeyBar


class Ask(ModalScreen[str | None]):
    """A one-line question with an input: returns the answer, or None."""

    DEFAULT_CSS = """
    Ask { align: center middle; }
    Ask > Vertical {
        width: 80; height: auto; background: $surface; border: round $primary; padding: 1 2;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, value: str = "") -> None:
        super().__init__()
        self.question = question
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(untrusted_text(self.question))
            # The value may be a path from outside (the current folder): the box shows it
            # by the display rule, and the real value is returned while it is unchanged.
            yield Input(visible(self.value), id="answer")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(self.value if event.value == visible(self.value) else event.value)

    def action_cancel(self) -> None:
        """No answer."""
        self.dismiss(None)


class Confirm(ModalScreen[bool]):
    """A yes/no question."""

    DEFAULT_CSS = """
    Confirm { align: center middle; }
    Confirm > Vertical {
        width: 80; height: auto; background: $surface; border: round $warning; padding: 1 2;
    }
    Confirm Horizontal { height: auto; margin-top: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "answer(False)", "No"),
        Binding("y", "answer(True)", "Yes"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(untrusted_text(self.question))
            with Horizontal():
                yield Button("Yes (y)", variant="warning", id="yes")
                yield Button("No (n)", id="no")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        """Answer."""
        self.dismiss(answer)


class NotesScreen(WorkerScreen):
    """Notes grouped by kind then tag, with filter, edit, delete (undo), reorder, and a live
    preview of the briefing."""

    DEFAULT_CSS = """
    NotesScreen #notes-body { height: 1fr; }
    NotesScreen #notes-left { width: 1fr; }
    NotesScreen #notes-filter { margin: 0 1; }
    NotesScreen #notes-list { height: 1fr; }
    NotesScreen #preview { width: 1fr; border-left: vkey $panel; padding: 0 1; }
    NotesScreen #notes-status {
        height: 1; padding: 0 1; background: $panel; color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("enter", "edit", "Edit", tooltip="Edit the selected note"),
        Binding("d,delete", "delete", "Delete", tooltip="Delete the selected note (u undoes)"),
        Binding("u", "undo", "Undo", tooltip="Bring back the last deleted note"),
        # Not in the key bar, where they would push out the app's keys; help lists them.
        Binding(
            "shift+up",
            "move(-1)",
            "Move up",
            show=False,
            tooltip="Move the note up in the briefing",
        ),
        Binding(
            "shift+down",
            "move(1)",
            "Move down",
            show=False,
            tooltip="Move the note down in the briefing",
        ),
        Binding("t", "title", "Title", tooltip="The briefing's title"),
        Binding("s", "summary", "Summary", tooltip="The briefing's bottom line, up front"),
        Binding(
            "e",
            "export",
            "Export",
            tooltip="Write the briefing (.md, .html or .docx); asks before overwriting",
        ),
        Binding("slash", "filter", "Filter", key_display="/", tooltip="Filter the notes"),
    ]

    def __init__(self, engine: Engine) -> None:
        super().__init__()
        self.engine = engine
        self.notes: list[Note] = []
        self.title_text = "Briefing"
        self._deleted: list[Note] = []
        self._markdown = ""

    def compose(self) -> ComposeResult:
        with Horizontal(id="notes-body"):
            with Vertical(id="notes-left"):
                yield Input(placeholder="Filter notes…", id="notes-filter")
                yield OptionList(id="notes-list")
            yield Markdown(id="preview")
        yield Static(Content("Loading notes…"), id="notes-status")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#notes-list", OptionList).focus()
        self.reload()

    # -- loading ---------------------------------------------------------------------

    def reload(self) -> None:
        """Read the notes and rebuild the list and the preview (in a worker)."""
        self._reload()

    @work(
        thread=True,
        exclusive=True,
        group="notes-screen",
        name="loading the notes",
        exit_on_error=False,
    )
    def _reload(self) -> None:
        notes, title, markdown = self.engine.render_briefing(datetime.now())
        self.app.call_from_thread(self._show, notes, title, markdown)

    def worker_failed(self, worker: Worker[Any], message: str) -> None:
        """Notes that cannot be read: the status line says why (nothing is overwritten)."""
        if worker.group == "notes-screen":
            self._status(message)

    def _show(self, notes: list[Note], title: str, markdown: str) -> None:
        self.notes = notes
        self.title_text = title
        self._markdown = markdown
        self._fill()
        # The export drops control characters; bidi controls are left to the display rule.
        self.query_one("#preview", Markdown).update(visible_text(markdown))
        self._status(f"{len(notes)} notes · title: {title}")

    def _status(self, text: str) -> None:
        self.query_one("#notes-status", Static).update(untrusted(text))

    def _fill(self) -> None:
        wanted = self.query_one("#notes-filter", Input).value.strip().casefold()
        widget = self.query_one("#notes-list", OptionList)
        highlighted = widget.highlighted
        widget.clear_options()
        options: list[Option] = []
        for kind in KINDS:
            of_kind = [n for n in self.notes if n.kind == kind and _matches(n, wanted)]
            if not of_kind:
                continue
            options.append(Option(Content(kind.upper()).stylize("bold"), disabled=True))
            for tag in sorted({t for n in of_kind for t in n.tags} | {""}):
                tagged = [n for n in of_kind if (tag in n.tags) or (not tag and not n.tags)]
                if tag and tagged:
                    label = untrusted(f"  #{tag}").stylize("italic")
                    options.append(Option(label, disabled=True))
                for note in tagged:
                    options.append(Option(_prompt(note), id=f"note-{note.id}-{tag}"))
        widget.add_options(options)
        if highlighted is not None and options:
            widget.highlighted = min(highlighted, len(options) - 1)
        elif options:
            widget.action_first()

    @on(Input.Changed, "#notes-filter")
    def _filter_changed(self) -> None:
        self._fill()

    # -- the selected note -----------------------------------------------------------

    def selected(self) -> Note | None:
        """The note under the cursor."""
        widget = self.query_one("#notes-list", OptionList)
        if widget.highlighted is None:
            return None
        option = widget.get_option_at_index(widget.highlighted)
        if not option.id:
            return None
        note_id = int(option.id.split("-")[1])
        return next((n for n in self.notes if n.id == note_id), None)

    @on(OptionList.OptionSelected, "#notes-list")
    def _option_selected(self) -> None:
        self.action_edit()

    # -- actions ---------------------------------------------------------------------

    def action_back(self) -> None:
        """Back."""
        self.app.pop_screen()

    def action_filter(self) -> None:
        """Filter the notes by their text."""
        self.query_one("#notes-filter", Input).focus()

    def action_edit(self) -> None:
        """Edit the selected note."""
        note = self.selected()
        if note is None:
            return
        quote = note.anchor.quote if note.anchor else ""
        initial = NoteDraft(note.kind, note.comment, note.confidence, note.tags)

        def done(draft: NoteDraft | None) -> None:
            if draft is not None:
                self._write(lambda notes: notes.update(note.id, **draft.fields()))

        self.app.push_screen(NoteEditor(quote, note.article_id or "", initial), done)

    def action_delete(self) -> None:
        """Delete the selected note (u brings it back)."""
        note = self.selected()
        if note is not None:
            self._deleted.append(note)
            self._write(lambda notes: notes.delete(note.id))
            self.notify("Note deleted; press u to undo.", markup=False)

    def action_undo(self) -> None:
        """Bring back the last deleted note."""
        if self._deleted:
            deleted = self._deleted.pop()
            self._write(lambda notes: notes.restore(deleted))

    def action_move(self, delta: int) -> None:
        """Move the selected note up or down in the briefing."""
        note = self.selected()
        if note is not None:
            self._write(lambda notes: notes.move(note.id, delta))
            widget = self.query_one("#notes-list", OptionList)
            if widget.highlighted is not None:
                widget.highlighted = max(0, widget.highlighted + delta)

    def action_title(self) -> None:
        """Edit the briefing's title."""

        def done(title: str | None) -> None:
            if title and title.strip():
                chosen = sanitize_line(title)
                self._write(lambda notes: notes.set_title(chosen))

        self.app.push_screen(Ask("Briefing title", self.title_text), done)

    def action_summary(self) -> None:
        """Write or edit the bottom line up front (the summary note)."""
        summary = next((n for n in self.notes if n.kind == "summary"), None)
        initial = NoteDraft("summary", summary.comment if summary else "", None, ())

        def done(draft: NoteDraft | None) -> None:
            if draft is None:
                return
            if summary is None:
                self._write(lambda notes: notes.add(**draft.fields()))
            else:
                self._write(lambda notes: notes.update(summary.id, **draft.fields()))

        self.app.push_screen(NoteEditor(initial=initial, kind="summary"), done)

    def action_export(self) -> None:
        """Export the briefing: ask where (default in the current folder)."""
        default = str(Path.cwd() / "briefing.md")

        def where(answer: str | None) -> None:
            if not answer:
                return
            path = Path(answer).expanduser()
            if path.exists():

                def overwrite(yes: bool | None) -> None:
                    if yes:
                        self._export(path, True)

                question = f"{visible(str(path))} exists. Overwrite it?"
                self.app.push_screen(Confirm(question), overwrite)
            else:
                self._export(path, False)

        question = "Export the briefing to (.md, .html or .docx: by the name's ending)"
        self.app.push_screen(Ask(question, default), where)

    @work(thread=True, group="export", name="exporting the briefing", exit_on_error=False)
    def _export(self, path: Path, force: bool) -> None:
        # A bad path or a full disk goes to the app's worker policy; the old file stays.
        written = self.engine.export_briefing(path, force)
        message = f"Briefing written to {visible(str(written))}"
        self.app.call_from_thread(self.notify, message, markup=False)

    @work(thread=True, group="notes-write", name="saving the notes", exit_on_error=False)
    def _write(self, change: Callable[[Notes], object]) -> None:
        change(self.engine.notes())
        self.app.call_from_thread(self.reload)

    # -- links in the preview --------------------------------------------------------

    @on(Markdown.LinkClicked)
    def _link_clicked(self, event: Markdown.LinkClicked) -> None:
        # Article text decides where links point: never open one without asking.
        event.prevent_default()
        href = sanitize_line(event.href)
        if href.startswith("#"):
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.app.open_url(href)

        self.app.push_screen(Confirm(f"Open this link in a browser?\n{visible(href)}"), answer)


def _matches(note: Note, wanted: str) -> bool:
    if not wanted:
        return True
    haystack = " ".join(
        [note.comment, note.anchor.quote if note.anchor else "", " ".join(note.tags), note.what]
    )
    return wanted in haystack.casefold()


def _prompt(note: Note) -> Content:
    comment = " ".join(note.comment.split()) or "(no comment)"
    line = Content("  ") + untrusted(comment[:90])
    if note.anchor:
        quote = " ".join(note.anchor.quote.split())
        line += (Content("\n    ") + untrusted(f"“{quote[:80]}”")).stylize("dim")
        if not note.found:
            line += Content("  (quote not found)").stylize("italic")
    if note.kind == "judgment" and note.confidence:
        line += Content(f"  [{note.confidence} confidence]").stylize("dim")
    return line


__all__ = ["Ask", "Confirm", "NotesScreen"]
