"""Compare 2-4 articles: aligned passages and the facts table, in one call."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

from briefing.compare.align import align
from briefing.compare.facts import group
from briefing.compare.model import Comparison
from briefing.corpus.model import Article


def compare(articles: Sequence[Article], idf: Mapping[str, float] | None = None) -> Comparison:
    """Align the passages of 2-4 articles and group the facts they state.

    Args:
        articles: two to four articles, in the order the analyst picked them.
        idf: optional inverse document frequencies from the library index, keyed by
            lowercased Porter-stemmed words (the index's ``body`` terms), so that words
            rare in the library weigh more. Without it, weights come from the compared
            articles' own passages.

    Returns:
        The comparison; its fact groups come conflicts first.

    Raises:
        ValueError: fewer than two or more than four articles.
    """
    if not 2 <= len(articles) <= 4:
        raise ValueError("compare takes 2 to 4 articles")
    started = time.perf_counter()
    passages = align(articles, idf)
    facts = group(articles)
    return Comparison(
        article_ids=tuple(a.id for a in articles),
        passages=passages,
        facts=facts,
        elapsed=time.perf_counter() - started,
    )
