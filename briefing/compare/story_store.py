"""Stories kept on disk beside the index and brought up to date article by article.

Clustering a whole library on every ``related`` took seconds on 2,000 articles and
needed every article in memory. The store (``stories.sqlite3`` in the library's data
folder, SQLite in WAL mode) keeps what clustering needs of each article: its word
counts (for document frequencies), its weighted vectors, its date, and its story;
plus an inverted index (word → articles whose vector holds it) and the similarity
graph (pairs above :data:`~briefing.compare.stories.EDGE_FLOOR`).

An update diffs the index's articles (id → content hash) against the store's:

1. removed and changed articles leave: their words, postings and links go, and the
   stories they were in are dissolved (their other members become free again);
2. new and changed articles come in: word counts first, so document frequencies cover
   the whole update before anything is weighted;
3. articles weighed when the library was much smaller (``REFRESH_GROWTH``) are
   weighed again, so that a word's rarity is judged against the library as it is;
4. unweighed articles are vectorised and find candidates through the inverted index
   (shared rare words, never a scan of the library), and their links are stored; see
   :mod:`briefing.compare.story_links`;
5. free articles are grouped by the same average-link rule as
   :func:`~briefing.compare.stories.cluster`, with the stories they link to as
   starting clusters (which they may join, or merge, but not split); see
   :mod:`briefing.compare.story_graph`.

Each step commits in chunks, so a killed update resumes where it stopped, and holds
one chunk's work in memory, never the library's (a few integers per article aside).
Nothing is recomputed when nothing changed. The store is a cache: missing, unreadable
or of another version, it is deleted and rebuilt.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path

from briefing.compare import stories as rule
from briefing.compare.model import Story, SyncReport
from briefing.compare.story_graph import components, group
from briefing.compare.story_links import (
    Recent,
    day,
    pack,
    unpack_features,
    unpack_vectors,
    weigh,
)
from briefing.corpus.model import Article
from briefing.index.locking import try_lock

STORE_FILE = "stories.sqlite3"
STORE_VERSION = 2
_VERSION = f"{STORE_VERSION}.{rule.SCORING_VERSION}"
# Articles per transaction: bounds memory and what a killed update loses.
CHUNK_ARTICLES = 500
# A word in more article vectors than this finds no candidates (the batch rule's share
# of the library, with a ceiling so that a large library's common words stay cheap).
MAX_SEED_POSTINGS = 2000
# Articles are weighed again once the library has grown this many times over since.
REFRESH_GROWTH = 1.5
# Decoded vectors kept in memory during one update (some 4 kB each), the least
# recently used dropped first: a bound that does not grow with the library.
_CACHE_VECTORS = 8000

_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE words(
    wid INTEGER PRIMARY KEY, term TEXT NOT NULL UNIQUE,
    df INTEGER NOT NULL, postings INTEGER NOT NULL DEFAULT 0);
CREATE TABLE articles(
    aid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, hash TEXT NOT NULL,
    title TEXT NOT NULL, source TEXT, published INTEGER,
    features BLOB NOT NULL, vectors BLOB, weighed_at INTEGER, story INTEGER);
CREATE INDEX articles_story ON articles(story);
CREATE TABLE postings(
    wid INTEGER NOT NULL, aid INTEGER NOT NULL, seed INTEGER NOT NULL,
    PRIMARY KEY(wid, aid)) WITHOUT ROWID;
CREATE TABLE edges(
    a INTEGER NOT NULL, b INTEGER NOT NULL, sim REAL NOT NULL,
    PRIMARY KEY(a, b)) WITHOUT ROWID;
CREATE TABLE stories(sid INTEGER PRIMARY KEY, central INTEGER NOT NULL);
"""


Fetch = Callable[[Sequence[str]], Iterable[Article]]
"""Articles by id (those still there; order free)."""


class StoryStore:
    """A library's stories on disk (see the module docstring)."""

    def __init__(self, path: Path) -> None:
        """Args:
        path: the SQLite file, in the library's data folder.
        """
        self.path = path
        self.lock_path = path.with_name(f"{path.name}.lock")

    # -- reading ---------------------------------------------------------------------

    def fingerprint(self) -> str | None:
        """The index state the store was last brought up to date with, if usable."""
        with self._reader() as db:
            if db is None:
                return None
            row = db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
            return str(row[0]) if row else None

    def stories(self) -> list[Story]:
        """Every story, largest first, then newest; an article not grouped yet is alone."""
        with self._reader() as db:
            if db is None:
                return []
            titles = dict(
                db.execute(
                    "SELECT s.sid, a.title FROM stories s JOIN articles a ON a.aid = s.central"
                )
            )
            groups: dict[int, list[tuple[str, date | None, str | None]]] = defaultdict(list)
            out: list[Story] = []
            for article_id, title, story, published, source in db.execute(
                "SELECT id, title, story, published, source FROM articles"
            ):
                member = (article_id, day(published), source)
                if story is None:
                    out.append(rule.make_story([member], title))
                else:
                    groups[story].append(member)
        out.extend(rule.make_story(m, titles.get(sid, "")) for sid, m in groups.items())
        out.sort(key=rule.story_order)
        return out

    def story_of(self, article_id: str) -> tuple[Story, dict[str, str | None]] | None:
        """The story ``article_id`` is in, with each member's source; None if unknown."""
        with self._reader() as db:
            if db is None:
                return None
            row = db.execute(
                "SELECT story, title, published, source FROM articles WHERE id = ?",
                (article_id,),
            ).fetchone()
            if row is None:
                return None
            story, title, published, source = row
            if story is None:
                members = [(article_id, day(published), source)]
            else:
                members = [
                    (i, day(p), s)
                    for i, p, s in db.execute(
                        "SELECT id, published, source FROM articles WHERE story = ?", (story,)
                    )
                ]
                central = db.execute(
                    "SELECT a.title FROM stories s JOIN articles a ON a.aid = s.central "
                    "WHERE s.sid = ?",
                    (story,),
                ).fetchone()
                title = central[0] if central else title
        return rule.make_story(members, title), {i: s for i, _, s in members}

    def neighbours(self, article_id: str, limit: int) -> list[tuple[str, float]] | None:
        """The articles most like ``article_id`` by the story rule's similarity (the
        stored links, strongest first), or None if the store has not weighed it yet."""
        with self._reader() as db:
            if db is None:
                return None
            row = db.execute(
                "SELECT aid FROM articles WHERE id = ? AND vectors IS NOT NULL", (article_id,)
            ).fetchone()
            if row is None:
                return None
            return [
                (str(other), float(sim))
                for other, sim in db.execute(
                    "SELECT x.id, e.sim FROM edges e JOIN articles x ON x.aid = e.b "
                    "WHERE e.a = ? ORDER BY e.sim DESC LIMIT ?",
                    (row[0], limit),
                )
            ]

    @contextlib.contextmanager
    def _reader(self) -> Iterator[sqlite3.Connection | None]:
        # A reader never repairs: a missing, broken or other-version store reads as
        # empty until the next update (under the lock) rebuilds it.
        if not self.path.exists():
            yield None
            return
        try:
            db = sqlite3.connect(self.path, timeout=10)
        except sqlite3.Error:
            yield None
            return
        with contextlib.closing(db):
            try:
                usable = _version(db) == _VERSION
            except sqlite3.DatabaseError:
                usable = False
            yield db if usable else None

    # -- updating --------------------------------------------------------------------

    def sync(
        self,
        current: Mapping[str, str],
        fetch: Fetch,
        fingerprint: str = "",
        limit: int | None = None,
        wait: Callable[[], None] | None = None,
    ) -> SyncReport:
        """Bring the store up to date with the index's articles.

        Args:
            current: Every indexed article's id → content hash.
            fetch: Reads articles from the index by id.
            fingerprint: What identifies this index state; recorded when the update
                completes, so that :meth:`fingerprint` can tell nothing changed.
            limit: Do nothing when more articles than this are to be added, removed
                or grouped (``deferred`` says how many): for a command that must
                answer at once, with the work left to a process of its own.
            wait: When another process is updating the store, called once, and then
                its update is waited for (and finished, if it stopped short); without
                it, such a call returns at once as ``busy``.

        Returns:
            The work done.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with try_lock(self.lock_path, wait) as locked:
            if not locked:
                return SyncReport(busy=True)
            try:
                return self._sync(current, fetch, fingerprint, limit)
            except sqlite3.OperationalError:
                raise  # locked, disk full, read-only: not damage
            except sqlite3.DatabaseError as exc:
                # Damaged mid-way (the open check passed): start afresh, once.
                self._remove_files()
                report = self._sync(current, fetch, fingerprint, limit)
                why = f"the story store was damaged ({exc}); rebuilt"
                return SyncReport(
                    report.added,
                    report.removed,
                    report.vectorised,
                    report.assigned,
                    why,
                    deferred=report.deferred,
                )

    def _sync(
        self, current: Mapping[str, str], fetch: Fetch, fingerprint: str, limit: int | None
    ) -> SyncReport:
        db, rebuilt = self._writer()
        with contextlib.closing(db):
            stored = dict(db.execute("SELECT id, hash FROM articles"))
            leaving = [i for i, h in stored.items() if current.get(i) != h]
            coming = sorted(i for i, h in current.items() if stored.get(i) != h)
            if limit is not None:
                # What a killed update left undone counts too.
                (left,) = db.execute(
                    "SELECT COUNT(*) FROM articles WHERE vectors IS NULL OR story IS NULL"
                ).fetchone()
                pending = len(leaving) + len(coming) + int(left)
                if pending > limit:
                    return SyncReport(rebuilt=rebuilt, deferred=pending)
            removed = _remove(db, leaving)
            added = _add(db, coming, current, fetch)
            _refresh(db, int(db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]))
            vectorised, assigned = _assign(db)
            # Recorded only when every article was read: one that vanished between the
            # listing and the read is tried again next time.
            if added == len(coming):
                _set_meta(db, "fingerprint", fingerprint)
            db.commit()
        return SyncReport(added, removed, vectorised, assigned, rebuilt)

    def _writer(self) -> tuple[sqlite3.Connection, str | None]:
        """The store opened for an update, created or rebuilt if it must be."""
        reason: str | None = None
        if self.path.exists():
            try:
                db = _connect(self.path)
                version = _version(db)
                if version == _VERSION:
                    return db, None
                db.close()
                reason = f"the story store is of another version ({version}); rebuilt"
            except sqlite3.OperationalError:
                raise
            except sqlite3.DatabaseError as exc:
                reason = f"the story store was unreadable ({exc}); rebuilt"
            self._remove_files()
        db = _connect(self.path)
        db.executescript(_SCHEMA)
        _set_meta(db, "version", _VERSION)
        db.commit()
        return db, reason

    def _remove_files(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)


# -- the steps of an update ---------------------------------------------------------


def _remove(db: sqlite3.Connection, ids: Sequence[str]) -> int:
    """Take articles out; dissolve the stories they were in (members become free)."""
    rows = [
        row
        for article_id in ids
        if (
            row := db.execute(
                "SELECT aid, features FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
        )
        is not None
    ]
    for start in range(0, len(rows), CHUNK_ARTICLES):
        part = rows[start : start + CHUNK_ARTICLES]
        _unvectorise(db, [aid for aid, _ in part])
        for aid, feats in part:
            words = unpack_features(feats).words()
            db.executemany("UPDATE words SET df = df - 1 WHERE term = ?", ((t,) for t in words))
            db.execute("DELETE FROM articles WHERE aid = ?", (aid,))
        db.commit()
    return len(rows)


def _refresh(db: sqlite3.Connection, n: int) -> int:
    """Weigh again the articles weighed when the library was much smaller.

    A word's rarity is judged against the library as it was when the article came in;
    on a library that has grown since, early vectors over-weigh words that have turned
    out common, and their links mislead. Re-weighing each article whenever the library
    has grown by ``REFRESH_GROWTH`` costs a bounded multiple of adding it once.
    """
    aids = [
        aid
        for (aid,) in db.execute(
            "SELECT aid FROM articles WHERE vectors IS NOT NULL AND weighed_at * ? < ?",
            (REFRESH_GROWTH, n),
        )
    ]
    for start in range(0, len(aids), CHUNK_ARTICLES):
        _unvectorise(db, aids[start : start + CHUNK_ARTICLES])
        db.commit()
    return len(aids)


def _unvectorise(db: sqlite3.Connection, aids: Sequence[int]) -> None:
    """Drop articles' vectors, postings and links; dissolve their stories."""
    dissolved: set[int] = set()
    for aid in aids:
        story, vectors = db.execute(
            "SELECT story, vectors FROM articles WHERE aid = ?", (aid,)
        ).fetchone()
        if story is not None:
            dissolved.add(story)
        if vectors is not None:
            terms = list(unpack_vectors(vectors, None).text)
            db.executemany(
                "DELETE FROM postings "
                "WHERE aid = ? AND wid = (SELECT wid FROM words WHERE term = ?)",
                ((aid, t) for t in terms),
            )
            db.executemany(
                "UPDATE words SET postings = postings - 1 WHERE term = ?", ((t,) for t in terms)
            )
        others = [b for (b,) in db.execute("SELECT b FROM edges WHERE a = ?", (aid,))]
        db.executemany("DELETE FROM edges WHERE a = ? AND b = ?", ((b, aid) for b in others))
        db.execute("DELETE FROM edges WHERE a = ?", (aid,))
        db.execute("UPDATE articles SET vectors = NULL, story = NULL WHERE aid = ?", (aid,))
    for story in dissolved:
        db.execute("UPDATE articles SET story = NULL WHERE story = ?", (story,))
        db.execute("DELETE FROM stories WHERE sid = ?", (story,))


def _add(
    db: sqlite3.Connection, ids: Sequence[str], hashes: Mapping[str, str], fetch: Fetch
) -> int:
    """Read new articles' words; count them in the document frequencies."""
    if not ids:
        return 0
    added = 0
    seen: set[str] = set()
    df: Counter[str] = Counter()
    for article in fetch(ids):
        if article.id in seen or article.id not in hashes:
            continue
        seen.add(article.id)
        feats = rule.features(article)
        db.execute(
            "INSERT INTO articles(id, hash, title, source, published, features) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                article.id,
                hashes[article.id],
                article.title,
                article.source,
                article.published.toordinal() if article.published else None,
                pack((dict(feats.body), sorted(feats.title), sorted(feats.names))),
            ),
        )
        df.update(feats.words())
        added += 1
        if added % CHUNK_ARTICLES == 0:
            _count_words(db, df)
    _count_words(db, df)
    return added


def _count_words(db: sqlite3.Connection, df: Counter[str]) -> None:
    """Add a chunk's document frequencies to the store's, and commit the chunk."""
    db.executemany(
        "INSERT INTO words(term, df) VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET df = df + ?",
        ((t, c, c) for t, c in df.items()),
    )
    df.clear()
    db.commit()


def _assign(db: sqlite3.Connection) -> tuple[int, int]:
    """Weigh and link every article without vectors, then group every free article."""
    n = int(db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    cap = max(rule.MIN_SEED_DF_CAP, min(int(rule.MAX_SEED_DF * n), MAX_SEED_POSTINGS))
    cache = Recent(_CACHE_VECTORS)
    unweighed = [aid for (aid,) in db.execute("SELECT aid FROM articles WHERE vectors IS NULL")]
    for start in range(0, len(unweighed), CHUNK_ARTICLES):
        weigh(db, unweighed[start : start + CHUNK_ARTICLES], n, cap, cache)
        db.commit()
    del cache
    free = [aid for (aid,) in db.execute("SELECT aid FROM articles WHERE story IS NULL")]
    for part in components(db, free):
        group(db, part)
        db.commit()
    return len(unweighed), len(free)


# -- helpers ------------------------------------------------------------------------


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=30)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    return db


def _version(db: sqlite3.Connection) -> str | None:
    has_meta = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
    ).fetchone()
    if not has_meta:
        return None
    row = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
    return str(row[0]) if row else None


def _set_meta(db: sqlite3.Connection, key: str, value: str) -> None:
    db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))
