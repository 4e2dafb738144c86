"""Group a library's articles into stories: the articles that report the same event.

Each article becomes a weighted term vector (TF-IDF of title and body, the title
counted several times over, since headlines name the event in few words; names, the
words the body only capitalises, count double: who and where tell one event from
another on the same topic). Candidate pairs come from an inverted index of rare words:
a pair is scored only when it shares at least two of them, counting a word that is
one of either side's heaviest ("seeds"), and counting it twice when both headlines
lead with it; so the work grows with the articles that share distinctive words, not
with the square of the library.

A pair's similarity mixes the cosine of the whole-text vectors with that of the
headlines alone. Time is evidence, not a wall: within ten days dates say nothing;
beyond, the body's part fades with a half-life of some six weeks (a later event on the
same topic shares the body's vocabulary), the headlines' part with a half-life of a
year (the rare names and figures two headlines share name the event, and carry its
follow-ups over weeks and months). An undated article, or a pair with one, is judged
as if reported some two months apart: two undated reports can group on their text.

Average-link agglomeration over that sparse similarity graph then merges clusters
while their mean pairwise similarity stays above a threshold: unlike single-link
(union-find), one chatty article cannot chain two events together.
"""

from __future__ import annotations

import hashlib
import heapq
import math
import operator
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from briefing.compare.model import Story
from briefing.compare.story_scoring import BODY_HALF_LIFE as BODY_HALF_LIFE
from briefing.compare.story_scoring import DATE_WINDOW as DATE_WINDOW
from briefing.compare.story_scoring import TITLE_HALF_LIFE as TITLE_HALF_LIFE
from briefing.compare.story_scoring import TITLE_SHARE as TITLE_SHARE
from briefing.compare.story_scoring import UNDATED_FACTOR as UNDATED_FACTOR
from briefing.compare.story_scoring import Vectors as Vectors
from briefing.compare.story_scoring import pair_similarities as pair_similarities
from briefing.compare.story_scoring import similarities as similarities
from briefing.compare.story_scoring import similarity as similarity
from briefing.compare.words import FILLER, distinct, inverse_df, tokens
from briefing.corpus.model import Article

# How many times a title term counts against a body term: the headline is the densest
# statement of what happened.
TITLE_WEIGHT = 3.0
# Extra weight for names (words the body only ever capitalises: people, places,
# organisations): what tells one event from another on the same topic is mostly who
# and where, while the vocabulary of "strikes" and "attacks" is shared.
NAME_WEIGHT = 2.0
# Terms kept per article vector; the tail is mostly noise (boilerplate, reader
# comments) and dropping it keeps the pairwise work small.
TOP_TERMS = 60
# Terms per article used to find candidate pairs in the inverted index.
SEED_TERMS = 25
# Average similarity two clusters need to merge.
THRESHOLD = 0.11
# Weaker links than this are dropped: they barely move a cluster's average (the floor
# of the rule before, kept when the threshold came down: storing and reading the
# links between 0.0275 and 0.045 made the first grouping of BBC News a fifth slower).
EDGE_FLOOR = 0.045
# A term in more than this share of the articles is too common to seed candidates (its
# postings list would make the candidate search quadratic), unless the library is small.
MAX_SEED_DF = 0.2
MIN_SEED_DF_CAP = 50
# Rare words a candidate pair shares, counted from both sides (see ``_similarities``):
# on BBC News, 70% of the pairs that share one word only in passing score below the
# link floor and almost none reach the threshold.
MIN_SHARED = 2

# Added to every word's inverse document frequency (see
# :func:`briefing.compare.words.inverse_df`). Measured on multi/data and the sample:
# with 0.5 and the threshold and weights above, pairwise P 0.955 R 0.895 and the
# sample's three stories. With none, no threshold gave both the sample and P >= 0.95
# (the sample held together only below 0.05, where P fell to 0.94); with 1, the sample
# needed 0.13 (R 0.81). 0.25 with a threshold of 0.065 scored higher on multi/data
# (P 0.958 R 0.955) but merged BBC News into far fewer, larger stories (639, the
# largest of 69 articles, against 926 and 40), a sign of stories by topic.
IDF_FLOOR = 0.5

# Bumped whenever the words, weights or scoring change: a story store built by another
# version is rebuilt rather than mixed with new vectors.
SCORING_VERSION = 4

# Sort key of a vector's items: by weight, ties by word (``heapq.nlargest``'s order).
_WEIGHT_THEN_TERM = operator.itemgetter(1, 0)


@dataclass(frozen=True)
class _Doc:
    """One article as the clustering sees it."""

    index: int
    article: Article
    vectors: Vectors


def terms(text: str) -> list[str]:
    """The words of ``text`` that stories weigh, in order.

    Args:
        text: Any text.

    Returns:
        Its tokens (:func:`briefing.compare.words.tokens`), filler left out.
    """
    return [t for t in tokens(text) if t not in FILLER]


def _body_words(text: str) -> tuple[dict[str, int], set[str]]:
    """``Counter(terms(text))`` in order of first occurrence, and the names: the terms
    the text only ever capitalises (people, places, organisations), each distinct word
    normalised once."""
    counts: dict[str, int] = {}
    upper: set[str] = set()
    lower: set[str] = set()
    for word, term, count in distinct(text):
        if term not in FILLER:
            counts[term] = counts.get(term, 0) + count
            if len(word) >= 2:
                (upper if word[0].isupper() else lower).add(term)
    return counts, upper - lower


def idf_table(articles: Iterable[Article]) -> dict[str, float]:
    """Inverse document frequencies over ``articles``, for :func:`cluster`'s ``idf``.

    Computing them once over a whole library and passing them in lets a subset (a
    search's hits, one folder) be clustered with the library's sense of what is rare.

    Args:
        articles: The articles to count terms in.

    Returns:
        Term → its weight (:func:`briefing.compare.words.inverse_df`, floor ``IDF_FLOOR``).
    """
    df: Counter[str] = Counter()
    n = 0
    for article in articles:
        n += 1
        df.update(set(terms(article.title)) | set(terms(article.body)))
    return {term: inverse_df(count, n, IDF_FLOOR) for term, count in df.items()}


@dataclass(frozen=True)
class Features:
    """What clustering reads of an article's text, before any library-wide weighting."""

    body: Mapping[str, int]  # content word → count in the body
    title: frozenset[str]  # content words of the title
    names: frozenset[str]  # body words only ever capitalised (see :func:`_names`)

    def words(self) -> set[str]:
        """The distinct words, as counted in document frequencies."""
        return set(self.body) | self.title


def features(article: Article) -> Features:
    """The words of ``article`` that clustering weighs.

    Args:
        article: Any article.

    Returns:
        Its body word counts, title words and names.
    """
    body, names = _body_words(article.body)
    return Features(body=body, title=frozenset(terms(article.title)), names=frozenset(names))


def vectorise(
    feats: Features, weights: Mapping[str, float], unseen: float, published: date | None
) -> Vectors:
    """The weighted, length-normalised vectors of one article.

    Args:
        feats: What :func:`features` found in the article.
        weights: Inverse document frequency of each word.
        unseen: The weight of a word ``weights`` lacks (as rare as it gets).
        published: The article's date.

    Returns:
        The article's :class:`Vectors`.
    """
    named = feats.names
    get = weights.get
    # Sublinear term frequency (the tenth "Iran" says less than the second), names
    # boosted; inlined (a call per word was a fifth of the time spent vectorising).
    scored = {
        t: (1.0 + math.log(c)) * get(t, unseen) * (NAME_WEIGHT if t in named else 1.0)
        for t, c in feats.body.items()
    }
    # Heaviest first, ties by word: what ``heapq.nlargest`` gives, sorted in C.
    top = dict(sorted(scored.items(), key=_WEIGHT_THEN_TERM, reverse=True)[:TOP_TERMS])
    # Title terms always stay in, whatever the body's noise (a page of navigation
    # links can outweigh a short article), and count ``TITLE_WEIGHT`` times more.
    for term in feats.title:
        boost = NAME_WEIGHT if term in named else 1.0
        count = feats.body.get(term, 0) + TITLE_WEIGHT
        top[term] = (1.0 + math.log(count)) * get(term, unseen) * boost
    title_vec = {t: get(t, unseen) for t in feats.title}
    return Vectors(_normalise(top), _normalise(title_vec), published)


def seeds(vectors: Vectors) -> list[str]:
    """The article's heaviest words: those that look for candidate pairs."""
    top = sorted(vectors.text.items(), key=_WEIGHT_THEN_TERM, reverse=True)[:SEED_TERMS]
    return [term for term, _ in top]


def seed_rank(term: str, seeding: set[str], vectors: Vectors) -> int:
    """How a word of an article's vector may find candidates: 2 as a seed of its
    headline, 1 as a seed of its body, 0 not at all (see ``cluster``)."""
    if term not in seeding:
        return 0
    return 2 if term in vectors.title else 1


def _vectors(articles: Sequence[Article], idf_map: Mapping[str, float] | None) -> list[_Doc]:
    """Weighted, length-normalised term vectors of each article's text and title."""
    feats = [features(article) for article in articles]
    if idf_map is None:
        df: Counter[str] = Counter()
        for f in feats:
            df.update(f.words())
        n = len(articles)
        weights: Mapping[str, float] = {t: inverse_df(c, n, IDF_FLOOR) for t, c in df.items()}
        unseen = inverse_df(0, n, IDF_FLOOR)
    else:
        weights = idf_map
        # A term the table has never seen is as rare as it gets.
        unseen = max(idf_map.values(), default=1.0)
    docs: list[_Doc] = []
    for i, article in enumerate(articles):
        v = vectorise(feats[i], weights, unseen, article.published)
        docs.append(_Doc(i, article, v))
    return docs


def _normalise(vector: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
    return {t: w / norm for t, w in vector.items()}


def _similarities(docs: list[_Doc]) -> dict[tuple[int, int], float]:
    """Similarity of every candidate pair (i < j) that passes a low floor.

    A pair is a candidate when it shares at least ``MIN_SHARED`` rare words: a word
    counts when it is one of either article's seeds (their heaviest words), and once
    more when both headlines carry it, so that one rare name two headlines share is
    enough while one shared word of the body is not.
    """
    n = len(docs)
    vector_df: Counter[str] = Counter()
    for doc in docs:
        vector_df.update(doc.vectors.text.keys())
    max_df = max(MIN_SEED_DF_CAP, int(MAX_SEED_DF * n))
    rare = {t for t, count in vector_df.items() if 1 < count <= max_df}
    seeding = [set(seeds(doc.vectors)) for doc in docs]
    # Rare word → (article, how the word counts there: 0 in its vector, 1 a seed, 2 a
    # seed in its headline), in article order.
    postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for doc in docs:
        for term in doc.vectors.text:
            if term in rare:
                postings[term].append((doc.index, seed_rank(term, seeding[doc.index], doc.vectors)))
    pairs: list[tuple[int, int]] = []
    for doc in docs:
        i = doc.index
        mine = seeding[i]
        shared: Counter[int] = Counter()
        for term in doc.vectors.text:
            ids = postings.get(term)
            if ids is None:
                continue
            own = seed_rank(term, mine, doc.vectors)
            for j, rank in ids:
                if j > i and (own or rank):
                    shared[j] += 2 if own == rank == 2 else 1
        pairs += [(i, j) for j, count in shared.items() if count >= MIN_SHARED]
    scores = pair_similarities(
        [doc.vectors for doc in docs], [i for i, _ in pairs], [j for _, j in pairs]
    )
    # Weak links still count towards cluster averages; negligible ones are dropped to
    # keep the graph sparse.
    return {pair: s for pair, s in zip(pairs, scores, strict=True) if s >= EDGE_FLOOR}


def average_link(
    groups: Sequence[Sequence[int]], sims: Iterable[tuple[tuple[int, int], float]]
) -> list[list[int]]:
    """Merge clusters while their mean pairwise similarity is at least ``THRESHOLD``.

    Pairs absent from ``sims`` count as 0, so a cluster joins another only when most of
    its members resemble most of the other's.

    Args:
        groups: The starting clusters, as member keys: singletons for a whole library,
            or existing stories plus new singletons for an incremental update.
        sims: Similarity of pairs of member keys, each pair once (either order), as a
            table's ``items()`` or a stream read once (only the sums between clusters
            are kept).

    Returns:
        The clusters, as lists of member keys.
    """
    owner = {m: c for c, group in enumerate(groups) for m in group}
    members: dict[int, list[int]] = {c: list(group) for c, group in enumerate(groups)}
    # Sum of pairwise similarities between two live clusters, keyed by cluster ids.
    links: dict[int, dict[int, float]] = defaultdict(dict)
    for (i, j), s in sims:
        a, b = owner.get(i), owner.get(j)
        if a is None or b is None or a == b:
            continue
        links[a][b] = links[a].get(b, 0.0) + s
        links[b][a] = links[b].get(a, 0.0) + s
    heap: list[tuple[float, int, int]] = []
    for a, row in links.items():
        for b, s in row.items():
            avg = s / (len(members[a]) * len(members[b]))
            if a < b and avg >= THRESHOLD:
                heap.append((-avg, a, b))
    heapq.heapify(heap)
    next_id = len(groups)
    while heap:
        neg, a, b = heapq.heappop(heap)
        if a not in members or b not in members:
            continue  # stale: one side has merged since
        size = len(members[a]) * len(members[b])
        current = links[a].get(b, 0.0) / size
        if abs(current + neg) > 1e-12:
            continue  # stale entry for a pair whose link has changed
        merged = members.pop(a) + members.pop(b)
        new = next_id
        next_id += 1
        members[new] = merged
        la, lb = links.pop(a), links.pop(b)
        combined: dict[int, float] = {}
        for other, s in (*la.items(), *lb.items()):
            if other in (a, b):
                continue
            combined[other] = combined.get(other, 0.0) + s
        links[new] = combined
        for other, s in combined.items():
            ol = links[other]
            ol.pop(a, None)
            ol.pop(b, None)
            ol[new] = s
            avg = s / (len(merged) * len(members[other]))
            if avg >= THRESHOLD:
                heapq.heappush(heap, (-avg, min(new, other), max(new, other)))
    return list(members.values())


def cluster(articles: Sequence[Article], idf: Mapping[str, float] | None = None) -> list[Story]:
    """Group ``articles`` into stories, one per event; an unmatched article is its own story.

    Args:
        articles: The library (or any subset of it).
        idf: Inverse document frequencies keyed by :func:`terms` output, e.g. from
            :func:`idf_table` over the whole library; computed from ``articles`` when None.

    Returns:
        Stories, largest first, then newest first. Ids are stable for the same members.
    """
    docs = _vectors(articles, idf)
    sims = _similarities(docs)
    groups = average_link([[i] for i in range(len(docs))], sims.items())
    stories = [_story([docs[i] for i in group], sims) for group in groups]
    stories.sort(key=story_order)
    return stories


def _story(members: list[_Doc], sims: Mapping[tuple[int, int], float]) -> Story:
    keys = [d.index for d in members]
    central = central_member(keys, [d.article.id for d in members], sims)
    return make_story(
        [(d.article.id, d.article.published, d.article.source) for d in members],
        members[keys.index(central)].article.title,
    )


def central_member(
    keys: Sequence[int], ids: Sequence[str], sims: Mapping[tuple[int, int], float]
) -> int:
    """The member most like the others, whose title names the story.

    Args:
        keys: The members' keys in ``sims``.
        ids: Their article ids, in the same order (ties go to the smallest id).
        sims: Similarity of pairs of keys, keyed ``(smaller, larger)``.

    Returns:
        The central member's key.
    """

    def centrality(key: int) -> float:
        return sum(sims.get((min(key, o), max(key, o)), 0.0) for o in keys if o != key)

    # max() keeps the first of equals, so ties go to the smallest id.
    by_id = [k for _, k in sorted(zip(ids, keys, strict=True))]
    return max(by_id, key=centrality)


def make_story(members: Sequence[tuple[str, date | None, str | None]], title: str) -> Story:
    """A :class:`Story` of members given as ``(id, published, source)``, named ``title``.

    Its id depends on the member ids only, so the same members make the same story
    however they were grouped.
    """
    ordered = sorted(members, key=lambda m: (m[1] or date.max, m[0]))
    ids = tuple(m[0] for m in ordered)
    sources: list[str] = []
    for _, _, source in ordered:
        if source and source not in sources:
            sources.append(source)
    dates = [m[1] for m in ordered if m[1] is not None]
    digest = hashlib.sha1("\n".join(sorted(ids)).encode("utf-8")).hexdigest()[:12]
    return Story(
        id=f"story-{digest}",
        title=title,
        article_ids=ids,
        sources=tuple(sources),
        start=min(dates) if dates else None,
        end=max(dates) if dates else None,
    )


def story_order(story: Story) -> tuple[int, int, str]:
    """Sort key: largest first, then newest first, then by id."""
    newest = story.end.toordinal() if story.end else 0
    return (-len(story.article_ids), -newest, story.id)
