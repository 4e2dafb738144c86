"""python bench/eval_titles.py

Page titles: the title ``briefing`` chooses for a saved web page against the headline
a reader sees on it.

Two sets of pages, each labelled by reading the page (``bench/labels/titles/``):

- ``corpus``: the six saved news pages of ``../shared/corpora/html/trafilatura/``
  (full pages with navigation, ads and scripts);
- ``handmade``: small pages in ``tests/data/titles/`` with promo, section and masthead
  headings, and site names before or after the headline in several forms and languages.

For every page it prints the label, the title chosen, and trafilatura's own title (what
the HTML reader used before it weighed the page's candidates): the "before" column.
A title counts as right when it equals the label once spaces are collapsed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
LABELS = REPO / "bench" / "labels" / "titles"
SETS = {
    "corpus": REPO.parent / "shared" / "corpora" / "html" / "trafilatura",
    "handmade": REPO / "tests" / "data" / "titles",
}
sys.path.insert(0, str(REPO))

from briefing.corpus.decode import decode_bytes  # noqa: E402
from briefing.corpus.formats import html  # noqa: E402
from briefing.corpus.formats.common import one_line  # noqa: E402
from briefing.corpus.model import FormatError  # noqa: E402


def _tidy(title: str | None) -> str:
    return " ".join((title or "").split())


def _trafilatura_title(data: bytes) -> str | None:
    text, _ = decode_bytes(data, html.declared_charset(data))
    try:
        document = html._extract(text) or html._metadata(text)
    except FormatError:
        return None
    return one_line(getattr(document, "title", None))


def _chosen_title(data: bytes, path: Path) -> str | None:
    try:
        (draft,) = html.read(data, path)
    except FormatError:
        return None
    return draft.title


def title_scores() -> dict[str, Any]:
    """Per set: each page's label, chosen title and trafilatura's, and the share right.

    A set whose folder is missing (the shared corpora not mounted) is left out.
    """
    scores: dict[str, Any] = {}
    for name, folder in SETS.items():
        if not folder.is_dir():
            continue
        labels = json.loads((LABELS / f"{name}.json").read_text(encoding="utf-8"))
        pages = []
        for file, label in sorted(labels.items()):
            if file.startswith("_"):
                continue
            data = (folder / file).read_bytes()
            chosen = _chosen_title(data, folder / file)
            before = _trafilatura_title(data)
            pages.append(
                {
                    "page": file,
                    "label": label,
                    "chosen": chosen,
                    "before": before,
                    "right": _tidy(chosen) == _tidy(label),
                    "right_before": _tidy(before) == _tidy(label),
                }
            )
        right = sum(page["right"] for page in pages)
        right_before = sum(page["right_before"] for page in pages)
        scores[name] = {
            "pages": pages,
            "right": right,
            "right_before": right_before,
            "total": len(pages),
        }
    return scores


def main() -> int:
    """Print every page's label and titles, then each set's score before and after."""
    scores = title_scores()
    for name, result in scores.items():
        print(f"== {name} ({SETS[name]})")
        for page in result["pages"]:
            mark = "ok " if page["right"] else "BAD"
            print(f"{mark} {page['page']}")
            print(f"      label:  {page['label']}")
            if not page["right"]:
                print(f"      chosen: {page['chosen']}")
            if page["before"] != page["chosen"]:
                print(f"      before: {page['before']}")
    print()
    for name, result in scores.items():
        total = result["total"]
        print(
            f"{name}: {result['right']}/{total} titles right "
            f"(trafilatura's title, before: {result['right_before']}/{total})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
