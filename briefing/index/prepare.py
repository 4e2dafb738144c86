"""Files read into ready-to-write index documents (analysed in any process, worker or
main), and such documents added to a Whoosh writer without analysing them again."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from whoosh.system import pack_uint

from briefing.corpus.ingest import SourceFile, ingest_file
from briefing.corpus.model import Article
from briefing.index.documents import article_to_doc
from briefing.index.schema import NAMES_FIELD, TEXT_FIELDS, build_schema, index_names, index_text

_NO_COLUMN = None


@dataclass(frozen=True, slots=True)
class PreparedField:
    """One field of a document as the writer needs it: analysed, encoded, measured."""

    name: str
    postings: list[tuple[bytes, float, bytes | None]]
    """``(term, weight, encoded value)`` per distinct term (term frequency is in the value)."""
    length: int
    spell: tuple[bytes, ...]
    """Unstemmed words for the field's ``spell_`` twin, if it has one."""
    stored: Any
    column: Any
    """The value for the field's column, or None when it has none."""


@dataclass(frozen=True, slots=True)
class PreparedArticle:
    """An article ready for :func:`add_prepared`: its identity and analysed fields."""

    id: str
    content_hash: str
    fields: tuple[PreparedField, ...]
    pool_bytes: int
    """Whoosh's own estimate of the memory its postings take in the writer's pool."""


@dataclass(frozen=True, slots=True)
class PreparedFile:
    """What one file gave: prepared articles, or why it was skipped, and warnings."""

    source: SourceFile
    articles: tuple[PreparedArticle, ...] = ()
    skipped: str | None = None
    warnings: tuple[str, ...] = ()


_schema: Any = None


def worker_schema() -> Any:
    """The index schema, built once per process."""
    global _schema
    if _schema is None:
        _schema = build_schema()
    return _schema


def prepare_file(source: SourceFile) -> PreparedFile:
    """Read ``source`` into articles and analyse each as the writer would."""
    try:
        result = ingest_file(source)
    except Exception as exc:  # ingest_file isolates parser bugs; this is the last net
        return PreparedFile(source, skipped=f"could not read ({type(exc).__name__})")
    warnings = list(result.warnings)
    articles: list[PreparedArticle] = []
    seen: set[str] = set()
    for n, article in enumerate(result.articles):
        if article.id in seen:
            warnings.append(f"two items share the id {article.id}; kept the first")
            continue
        seen.add(article.id)
        try:
            articles.append(prepare_article(article))
        except Exception as exc:  # one item that cannot be analysed, not the whole file
            warnings.append(f"item {n + 1} dropped: could not index ({type(exc).__name__})")
    return PreparedFile(source, tuple(articles), result.skipped, tuple(warnings))


Task = Callable[[SourceFile], PreparedFile]


def prepare_article(article: Article) -> PreparedArticle:
    """Analyse ``article``'s fields: everything ``SegmentWriter.add_document`` does
    before it touches the writer."""
    schema = worker_schema()
    doc = article_to_doc(article)
    fields: list[PreparedField] = []
    pool_bytes = 0
    for name in sorted(doc):
        value = doc[name]
        if value is None:
            continue
        field = schema[name]
        postings: list[tuple[bytes, float, bytes | None]] = []
        length = 0
        spell: tuple[bytes, ...] = ()
        if name in TEXT_FIELDS:
            # The same postings and words as Whoosh's analysis, in one faster pass.
            text_postings, length, words = index_text(value, field.format.field_boost)
            postings.extend(text_postings)
            spell = tuple(words)
        elif name == NAMES_FIELD:
            name_postings, length = index_names(value, field.format.field_boost)
            postings.extend(name_postings)
        elif field.indexed:
            for term, freq, weight, encoded in field.index(value):
                postings.append((term, weight, encoded))
                if field.scorable:
                    length += freq
        for term, _, encoded in postings:
            # PostingPool.add's estimate of one posting's size.
            pool_bytes += 150 + len(name) + 2 * len(term) + len(encoded or b"")
        if field.separate_spelling() and name not in TEXT_FIELDS:
            spell = tuple(word.encode("utf-8") for word in field.spellable_words(value))
        column = field.to_column_value(value) if field.column_type else _NO_COLUMN
        stored = value if field.stored else None
        fields.append(PreparedField(name, postings, length, spell, stored, column))
    return PreparedArticle(article.id, article.content_hash, tuple(fields), pool_bytes)


class SpellWords:
    """The ``spell_`` words of the documents added since the last commit, counted.

    Whoosh adds one posting per document and word to a ``spell_`` field, all for
    document 0: more postings than the stemmed field itself, though only the words
    and their counts are ever read. One posting per word per commit, weighted by the
    number of documents that have it, keeps both (``reader.frequency`` counts
    documents; ``doc_frequency`` now counts commits).
    """

    def __init__(self) -> None:
        self._counts: dict[str, Counter[bytes]] = {}

    def add(self, fieldname: str, words: Iterable[bytes]) -> None:
        """Count ``words`` once for one document's ``fieldname``."""
        counts = self._counts.get(fieldname)
        if counts is None:
            counts = self._counts[fieldname] = Counter()
        counts.update(words)

    def flush(self, writer: Any) -> None:
        """Add the counted words to ``writer``'s postings; start counting afresh."""
        add_post = writer.pool.add
        for fieldname, counts in self._counts.items():
            spellname = writer.schema[fieldname].spelling_fieldname(fieldname)
            for word, count in counts.items():
                # The value is the count, as the spell field's Frequency format encodes it.
                add_post((spellname, word, 0, float(count), pack_uint(count)))
        self._counts = {}


def add_prepared(writer: Any, article: PreparedArticle, spell: SpellWords) -> None:
    """Add a prepared document to a Whoosh ``SegmentWriter``.

    This is the part of ``SegmentWriter.add_document`` (whoosh-reloaded 2.7.5, pinned)
    after analysis: postings into the pool, stored values, lengths and columns into
    the per-document writer. The postings go into the pool in one step rather than
    one checked call each.
    """
    writer._check_state()
    schema = writer.schema
    perdoc = writer.perdocwriter
    pool = writer.pool
    docnum = writer.docnum
    perdoc.start_doc(docnum)
    try:
        for f in article.fields:
            field = schema[f.name]
            if f.postings:
                name = f.name
                pool.current.extend([(name, t, docnum, w, v) for t, w, v in f.postings])
                pool.fieldnames.add(name)
            if f.spell:
                spell.add(f.name, f.spell)
            perdoc.add_field(f.name, field, f.stored, f.length)
            if f.column is not _NO_COLUMN:
                perdoc.add_column_value(f.name, field.column_type, f.column)
    except Exception:
        perdoc.cancel_doc()
        raise
    perdoc.finish_doc()
    pool.currentsize += article.pool_bytes
    if pool.currentsize > pool.limit or len(pool.current) >= pool.maxsize:
        pool.save()
    writer._added = True
    writer.docnum += 1
