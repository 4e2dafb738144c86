"""Free articles of the story store grouped over its similarity graph, a slice at a time.

The last step of :meth:`~briefing.compare.story_store.StoryStore.sync`: the graph's
links stay on disk and are read a slice at a time, so that grouping a library needs
the links of a few hundred articles in memory, not the library's.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from briefing.compare import stories as rule

# Free articles grouped at once (whole components of strong links: see components):
# bounds the similarity graph held in memory, not the result.
GROUP_ARTICLES = 500
# A component of strong links larger than this is grouped in slices of this size (in
# key order), each joining the stories the slices before it made. Changing it changes
# how such a component is grouped, unlike GROUP_ARTICLES.
SLICE_ARTICLES = 2000
# Keys per ``IN (...)`` list: well under SQLite's limit on parameters.
_KEYS_PER_QUERY = 500


def components(db: sqlite3.Connection, free: Sequence[int]) -> Iterator[list[int]]:
    """Free articles in slices that can be grouped apart.

    Average-link merges two clusters only when their mean link reaches ``THRESHOLD``,
    so only when some pair between them does: clusters never merge across the
    components of the graph of such strong links. Grouping those components apart
    (a few together, up to ``GROUP_ARTICLES``) is exactly grouping them all at once,
    with a slice's links in memory rather than the library's. A component larger than
    ``SLICE_ARTICLES`` (mail with quoted text can chain thousands) is cut into slices:
    a later slice joins the stories an earlier one made, as an incremental update would.
    """
    batch: list[int] = []
    for members in _strong_components(db, free):
        if len(members) > SLICE_ARTICLES:
            for start in range(0, len(members), SLICE_ARTICLES):
                yield members[start : start + SLICE_ARTICLES]
            continue
        batch += members
        if len(batch) >= GROUP_ARTICLES:
            yield batch
            batch = []
    if batch:
        yield batch


def _strong_components(db: sqlite3.Connection, free: Sequence[int]) -> list[list[int]]:
    """The components of strong links among free articles (and the stories they link
    to), each as its free members in ``free``'s order, in the order of their first.

    The links are read a slice of articles at a time and merged as they come: only
    the union-find (a few integers per article) is held, never the links.
    """
    free_set = set(free)
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        root = parent.setdefault(x, x)
        while root != parent[root]:
            root = parent[root]
        while parent[x] != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    for start in range(0, len(free), _KEYS_PER_QUERY):
        part = free[start : start + _KEYS_PER_QUERY]
        strong = db.execute(
            f"SELECT a, b FROM edges WHERE a IN ({','.join('?' * len(part))}) AND sim >= ?",
            (*part, rule.THRESHOLD),
        ).fetchall()
        outside = list({b for _, b in strong if b not in free_set})
        story = {aid: s for aid, s in lookup(db, "aid, story", "aid", outside) if s is not None}
        for a, b in strong:
            # Stories are nodes too (negative keys): a free article joins one as a whole.
            other = b if b in free_set else -1 - story[b] if b in story else None
            if other is not None:
                parent[find(a)] = find(other)
    parts: dict[int, list[int]] = {}
    for node in free:
        parts.setdefault(find(node), []).append(node)
    return list(parts.values())


def group(db: sqlite3.Connection, free: Sequence[int]) -> None:
    """Group free articles with each other and with the stories they may join (those
    they have a strong link to: see :func:`components`).

    The links between the articles involved are streamed into the clustering, never
    held as a table of their own; a new story's central member is chosen from its own
    links, read again.
    """
    free_set = set(free)
    neighbours: set[int] = set()
    for start in range(0, len(free), _KEYS_PER_QUERY):
        part = free[start : start + _KEYS_PER_QUERY]
        neighbours.update(
            b
            for (b,) in db.execute(
                f"SELECT b FROM edges WHERE a IN ({','.join('?' * len(part))}) AND sim >= ?",
                (*part, rule.THRESHOLD),
            )
            if b not in free_set
        )
    touched = {s for _, s in lookup(db, "aid, story", "aid", list(neighbours)) if s is not None}
    members: dict[int, list[int]] = defaultdict(list)
    for aid, story in lookup(db, "aid, story", "story", list(touched)):
        members[story].append(aid)
    involved = free_set.union(*members.values())
    # Each pair once, in the order the links are read: the sums come out the same as
    # from a table of them.
    pairs = (
        ((a, b), s)
        for a, b, s in lookup(db, "a, b, sim", "a", list(involved), table="edges")
        if a < b and b in involved
    )
    owner = {m: story for story, ms in members.items() for m in ms}
    groups = rule.average_link([*members.values(), *([f] for f in free)], pairs)
    for group in groups:
        old = {owner[m] for m in group if m in owner}
        if len(old) == 1 and len(group) == len(members[next(iter(old))]):
            continue  # a story nothing joined
        central = _central(db, group)
        sid = db.execute("INSERT INTO stories(central) VALUES (?)", (central,)).lastrowid
        db.executemany("UPDATE articles SET story = ? WHERE aid = ?", ((sid, m) for m in group))
        db.executemany("DELETE FROM stories WHERE sid = ?", ((s,) for s in old))


def _central(db: sqlite3.Connection, group: Sequence[int]) -> int:
    """The key of the member of ``group`` most like the others (see
    :func:`~briefing.compare.stories.central_member`), from the group's own links."""
    if len(group) == 1:
        return group[0]
    inside = set(group)
    sims = {
        (a, b): s
        for a, b, s in lookup(db, "a, b, sim", "a", group, table="edges")
        if a < b and b in inside
    }
    ids = dict(lookup(db, "aid, id", "aid", group))
    return rule.central_member(group, [ids[m] for m in group], sims)


def lookup(
    db: sqlite3.Connection,
    columns: str,
    key: str,
    values: Sequence[Any],
    table: str = "",
) -> Iterator[tuple[Any, ...]]:
    """``SELECT columns FROM table WHERE key IN values``, in slices SQLite accepts."""
    source = table or {"term": "words", "aid": "articles", "story": "articles"}[key]
    for start in range(0, len(values), _KEYS_PER_QUERY):
        part = values[start : start + _KEYS_PER_QUERY]
        marks = ",".join("?" * len(part))
        yield from db.execute(f"SELECT {columns} FROM {source} WHERE {key} IN ({marks})", part)
