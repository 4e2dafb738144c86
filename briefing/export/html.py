"""The Markdown briefing as one standalone HTML5 page (no scripts, no external files),
with print CSS so that a browser's "print to PDF" gives a clean document."""

from __future__ import annotations

import re
from html import escape

from markdown_it import MarkdownIt
from markdown_it.token import Token

from briefing.export.markdown import one_line, source_anchor

# Readable line length, bordered tables; kept inline so the file stands alone. For
# print (a browser's "print to PDF"): each section after the first on a new page, no
# heading left at a page's foot, no quote, table row or source cut across pages, the
# table's header on each page, and the address printed after a link whose text does not
# already show it.
_STYLE = """\
body { max-width: 46rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5;
       font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1a1a1a; }
h1, h2, h3 { line-height: 1.25; }
blockquote { margin: 1rem 0; padding: 0.25rem 1rem; border-left: 4px solid #bbb;
             color: #333; background: #f6f6f6; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
th, td { border: 1px solid #999; padding: 0.3rem 0.5rem; text-align: left;
         vertical-align: top; }
th { background: #eee; }
a { color: #0645ad; }
li:target { background: #fff3b0; }
@page { margin: 2cm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 11pt; color: #000; }
  a { color: inherit; text-decoration: none; }
  h2 ~ h2 { break-before: page; page-break-before: always; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
  blockquote, tr, li, p { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  blockquote { background: none; }
  a[href^="http"]:not(.address)::after, a[href^="mailto:"]:not(.address)::after {
    content: " (" attr(href) ")"; font-size: 90%; overflow-wrap: anywhere;
  }
  a.address { overflow-wrap: anywhere; }
}
"""

# Defence in depth: even if something slipped through, the page may run no script and
# load nothing from anywhere.
_CSP = "default-src 'none'; style-src 'unsafe-inline'"


def _parser() -> MarkdownIt:
    # The commonmark preset turns raw HTML on; it must be off so that any HTML in the
    # text is shown escaped, never passed through.
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def _mark_sources(tokens: list[Token]) -> None:
    """Give the items of the "Sources" list the ids that the ``[n]`` citations point at."""
    in_sources = False
    number = 0
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            in_sources = (
                token.tag == "h2" and i + 1 < len(tokens) and tokens[i + 1].content == "Sources"
            )
        elif in_sources and token.type == "ordered_list_open":
            number = int(token.attrGet("start") or 1)
        elif in_sources and token.type == "list_item_open" and token.level == 1:
            token.attrSet("id", source_anchor(number))
            number += 1


def _mark_addresses(md: MarkdownIt, tokens: list[Token]) -> None:
    """Class "address" on each link whose text is its address: print adds no copy."""
    for token in tokens:
        children = token.children or []
        for i, child in enumerate(children[:-1]):
            text = children[i + 1].content
            if child.type == "link_open" and md.normalizeLink(text) == child.attrGet("href"):
                child.attrJoin("class", "address")


# Exactly the anchors render_briefing writes; escaped text would read "\\<a", never "<a".
_SOURCE_TARGET = re.compile(r'(?<!\\)<a id="source-\d+"></a>')


def render_html(markdown_text: str, title: str) -> str:
    """A standalone HTML5 document: ``<meta charset>``, escaped ``<title>``, inline CSS.

    Args:
        markdown_text: the briefing from ``render_briefing``.
        title: the page title (untrusted; escaped and kept on one line).
    """
    md = _parser()
    env: dict[str, object] = {}
    # The Markdown's source anchors are raw HTML, which this renderer escapes instead of
    # passing through: drop them; the list items get the same ids below.
    tokens = md.parse(_SOURCE_TARGET.sub("", markdown_text), env)
    _mark_sources(tokens)
    _mark_addresses(md, tokens)
    body = md.renderer.render(tokens, md.options, env)
    page_title = escape(one_line(title) or "Briefing")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{page_title}</title>\n"
        f"<style>\n{_STYLE}</style>\n"
        "</head>\n"
        "<body>\n"
        f"{body}"
        "</body>\n"
        "</html>\n"
    )
