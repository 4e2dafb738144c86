"""Notes in the app: annotate quotes, pin a conflict, edit, export, and find it all again."""

from __future__ import annotations

import re
from pathlib import Path

from markdown_it import MarkdownIt
from textual.widgets import DataTable, Input, Markdown, TextArea

from briefing.tui.app import BriefingApp, make_app
from briefing.tui.screens.compare import CompareScreen
from briefing.tui.screens.note_editor import NoteEditor
from briefing.tui.screens.notes import Ask, Confirm, NotesScreen
from briefing.tui.screens.reader import ReaderScreen
from briefing.tui.widgets.article_view import ArticleView
from tests.tui.helpers import settle


async def annotate(
    app: BriefingApp, pilot: object, prefix: str, sentences: int, comment: str
) -> str:
    """Open an article, select its ``sentences``-th sentence, write a note; return the quote."""
    app.open_article(app.engine.resolve(prefix))
    await settle(app, pilot)  # type: ignore[arg-type]
    screen = app.screen
    assert isinstance(screen, ReaderScreen)
    view = screen.query_one(ArticleView)
    view.focus()
    for _ in range(sentences):
        await pilot.press("j")  # type: ignore[attr-defined]
    selection = view.selection
    assert selection is not None
    assert screen.article is not None
    quote = screen.article.body[selection[0] : selection[1]]
    await pilot.press("a")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    editor = app.screen
    assert isinstance(editor, NoteEditor)
    editor.query_one(TextArea).insert(comment)
    await pilot.press("ctrl+s")  # type: ignore[attr-defined]
    await settle(app, pilot)  # type: ignore[arg-type]
    assert app.screen is screen
    assert view.note_spans, "the new note is marked in the article"
    await pilot.press("escape")  # type: ignore[attr-defined]
    await settle(app, pilot)  # type: ignore[arg-type]
    return quote


async def test_the_analyst_flow_from_quotes_to_an_exported_briefing(tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        quotes = [
            await annotate(app, pilot, "001", 3, "Zero Hedge frames it as occupation."),
            await annotate(app, pilot, "003", 2, "85 targets: matches the other outlet."),
            await annotate(app, pilot, "004", 2, "Iraq says 16 killed."),
        ]
        store = app.engine.notes()
        assert [n.anchor.quote for n in store.list() if n.anchor] == quotes

        # Pin the contractors-versus-troops conflict from a comparison.
        app.open_compare([app.engine.resolve("002"), app.engine.resolve("004")])
        await settle(app, pilot)
        compare = app.screen
        assert isinstance(compare, CompareScreen)
        compare.query_one("#facts", DataTable).focus()
        await pilot.pause()
        await pilot.press("p")
        await settle(app, pilot)
        pinned = [n for n in store.list() if n.kind == "discrepancy"]
        assert len(pinned) == 1 and "contractors" in pinned[0].comment
        assert {v.article_id for v in pinned[0].values} == {
            app.engine.resolve("002"),
            app.engine.resolve("004"),
        }
        await pilot.press("escape")
        await settle(app, pilot)

        # The briefing screen: a summary, a judgment, a title; delete and undo.
        await pilot.press("escape")  # out of the query box, to the results
        await pilot.press("b")
        await settle(app, pilot)
        notes_screen = app.screen
        assert isinstance(notes_screen, NotesScreen)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        app.screen.query_one(TextArea).insert("US strikes follow deadly attacks; tolls differ.")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        note = store.list()[0]
        store.update(note.id, kind="judgment", confidence="moderate")
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, Ask)
        app.screen.query_one(Input).value = "Strikes in Syria and Iraq"
        await pilot.press("enter")
        await settle(app, pilot)
        assert store.title() == "Strikes in Syria and Iraq"
        count = len(store.list())
        notes_screen.reload()
        await settle(app, pilot)
        await pilot.press("d")
        await settle(app, pilot)
        assert len(store.list()) == count - 1
        await pilot.press("u")
        await settle(app, pilot)
        assert len(store.list()) == count
        preview = notes_screen.query_one("#preview", Markdown)
        assert preview.source.startswith("# Strikes in Syria and Iraq")

        # Export, then export again over it (confirmed).
        target = tmp_path / "out" / "briefing.md"
        target.parent.mkdir()
        for attempt in range(2):
            await pilot.press("e")
            await pilot.pause()
            assert isinstance(app.screen, Ask)
            app.screen.query_one(Input).value = str(target)
            await pilot.press("enter")
            await pilot.pause()
            if attempt:
                assert isinstance(app.screen, Confirm)
                await pilot.press("y")
            await settle(app, pilot)
            assert target.exists()
    text = target.read_text(encoding="utf-8")
    headings = [
        t.content
        for t in MarkdownIt("commonmark").enable("table").parse(text)
        if t.type == "inline" and text
    ]
    assert text.startswith("# Strikes in Syria and Iraq")
    for section in (
        "Bottom line up front",
        "Key judgments",
        "Evidence",
        "Discrepancies",
        "Sources",
    ):
        assert section in text, section
    assert "](#source-1)" in text and "Zero Hedge" in text
    assert headings
    # The pinned conflict is a table row with both sources' values.
    assert "three American contractors" in text and "three U.S. servicemen" in text

    # Reopen the app: every note is where it was left.
    again = make_app()
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(again, pilot)
        assert len(again.engine.notes().list()) == count


async def test_the_app_exports_word_by_the_name_and_previews_the_markdown(
    tmp_path: Path,
) -> None:
    """The export picks the format by the name's ending; the preview is the .md export."""
    import docx

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        store = app.engine.notes()
        article = app.engine.article(app.engine.resolve("003"))
        assert article is not None
        store.set_title("Strikes in Syria and Iraq")
        store.add(kind="summary", comment="U.S. strikes follow the attack in Jordan.")
        store.add(
            kind="evidence",
            comment="Same count as the other outlet.",
            article_id=article.id,
            anchor=store.anchor_for(article.body, 0, article.body.index(".") + 1),
        )
        await pilot.press("escape", "b")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, NotesScreen)

        markdown = tmp_path / "briefing.md"
        target = tmp_path / "briefing.docx"
        for path in (markdown, target):
            await pilot.press("e")
            await pilot.pause()
            assert isinstance(app.screen, Ask)
            app.screen.query_one(Input).value = str(path)
            await pilot.press("enter")
            await settle(app, pilot)
            assert path.exists()
        preview = screen.query_one("#preview", Markdown).source

    def undated(text: str) -> str:
        return re.sub(r"Generated \d{4}-\d\d-\d\d \d\d:\d\d", "", text)

    assert undated(preview) == undated(markdown.read_text(encoding="utf-8"))
    assert "U.S. strikes follow the attack in Jordan." in preview
    word = docx.Document(str(target))
    styles = [(p.style.name if p.style else "", p.text) for p in word.paragraphs]
    assert styles[0] == ("Title", "Strikes in Syria and Iraq")
    assert ("Heading 1", "Bottom line up front") in styles
    assert ("Heading 1", "Sources") in styles
    assert any(style == "Quote" for style, _ in styles)
    assert word.core_properties.title == "Strikes in Syria and Iraq"
