"""Which articles to read next beside one: the others of its story, other outlets first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from briefing.compare.model import Story


def related_in_story(
    stories: Sequence[Story], article_id: str, sources: Mapping[str, str | None]
) -> list[str]:
    """The other articles of ``article_id``'s story, other outlets first.

    Args:
        stories: What :func:`~briefing.compare.stories.cluster` returned.
        article_id: The article being read.
        sources: Article id → source (outlet), as in ``Article.source``.

    Returns:
        Member ids from a different (or unknown) source first, then from the same
        source, each group in story order; empty when the article is in no story or
        alone in its own.
    """
    own = _outlet(sources.get(article_id))
    for story in stories:
        if article_id not in story.article_ids:
            continue
        others = [m for m in story.article_ids if m != article_id]
        # Unknown sources count as other outlets: nothing says they are the same one.
        same = [m for m in others if own is not None and _outlet(sources.get(m)) == own]
        return [m for m in others if m not in same] + same
    return []


def _outlet(source: str | None) -> str | None:
    if not source:
        return None
    name = source.strip().casefold()
    return name.removeprefix("www.") or None
