"""The facts table: counts, measures, dates and attributions, grouped across articles.

Extraction is pattern-based and explainable, one module per kind of fact:
``facts_counts`` (a number and what it counts, with the casualty event: killed,
injured, missing, displaced, arrested, evacuated), ``facts_measures`` (a number with a
unit: magnitude, km, tonnes, %, money), ``facts_dates``, ``facts_quotes`` (who said
what); ``facts_places`` says where (a gazetteer), ``facts_numbers`` reads numbers.

Counts are grouped by what they count (the noun's class: "servicemen", "troops",
"soldiers" are military personnel) and their event; measures by their unit and what
they measure. Two facts belong together when their values are compatible, or when
their sentences say much the same thing in the same place (a revised toll, a
magnitude measured by two agencies). A group conflicts when articles give
incompatible values for the same thing, or the same casualty count with nouns of
different classes (three "contractors" killed vs three "servicemen" killed); it agrees
when they give the same value. Attributions are grouped by speaker, and a quotation
given to different speakers by different articles is a conflict of its own.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence

from briefing.compare.align import idf_from, similarity, split_sentences
from briefing.compare.facts_counts import PERSON, SPECIFIC, counts
from briefing.compare.facts_dates import date_label, dates
from briefing.compare.facts_durations import durations
from briefing.compare.facts_measures import GENERIC, measures
from briefing.compare.facts_numbers import Numbered
from briefing.compare.facts_places import place_of
from briefing.compare.facts_quotes import attributions, speaker_key
from briefing.compare.model import Fact, FactGroup
from briefing.compare.words import tokens
from briefing.corpus.model import Article

# Sentences about the same claim with different numbers score at least this; SAME_THING
# when the figures name the same specific thing (a toll, a magnitude, a turnout).
SAME_CLAIM = 0.35
SAME_THING = 0.12
# What a measure is of when nothing near it says more: too broad to pair figures whose
# sentences differ.
_BROAD = GENERIC
# Approximate figures within this share of each other are one figure rounded.
_ROUNDING = 0.1
_APPROXIMATE = frozenset(
    ("about", "around", "some", "approximately", "roughly", "nearly", "almost", "close to")
)
# Events that are one thing told two ways ("forced from their homes" / "evacuated").
_EVENT_FAMILY = {"evacuated": "displaced"}


def read_facts(article: Article) -> tuple[list[Numbered], list[Fact]]:
    """The numeric facts (with what they count) and the other facts of one article."""
    numbered: list[Numbered] = []
    others: list[Fact] = []
    body = article.body
    for span in split_sentences(body):
        sentence = body[span.start : span.end]
        when = dates(article.id, sentence, span.start)
        found = measures(article.id, sentence, span.start)
        taken = [(f.start - span.start, f.end - span.start) for f in when]
        taken += [(n.fact.start - span.start, n.fact.end - span.start) for n in found]
        lasting = durations(article.id, sentence, span.start, taken)
        taken += [(n.fact.start - span.start, n.fact.end - span.start) for n in lasting]
        found.extend(lasting)
        numbered.extend(found)
        numbered.extend(counts(article.id, sentence, span.start, taken))
        others.extend(when)
        others.extend(attributions(article.id, sentence, span.start))
    return numbered, others


# --- grouping -----------------------------------------------------------------


def group(articles: Sequence[Article]) -> tuple[FactGroup, ...]:
    """Facts of all articles grouped by what they are about, conflicts first."""
    numbered: list[Numbered] = []
    others: list[Fact] = []
    for article in articles:
        found, rest = read_facts(article)
        numbered.extend(found)
        others.extend(rest)
    groups = _group_numbers(numbered) + _group_others(others) + _quote_conflicts(others)
    order = {a.id: i for i, a in enumerate(articles)}
    return tuple(
        sorted(
            groups,
            key=lambda g: (
                not g.conflict,
                -len({f.article_id for f in g.facts}),
                g.kind not in {"count", "measure"},
                min(order[f.article_id] for f in g.facts),
                g.key,
            ),
        )
    )


def _comparable_key(item: Numbered) -> tuple[str, str, str, str]:
    """Counts or measures could be about the same thing only when their keys are equal."""
    if item.fact.kind == "measure":
        return (item.fact.kind, _family(item.event), item.noun, item.what)
    return (item.fact.kind, _family(item.event), "", "")


def _compatible(one: Numbered, two: Numbered) -> bool:
    """Whether two comparable facts give values that agree (so belong to one group)."""
    if one.what == two.what:
        return one.low <= two.high and two.low <= one.high
    # The same toll with different victims: the same event told differently (or a
    # hypernym: "three people" vs "three troops"). Exact numbers only, to stay safe.
    return (
        bool(one.event)
        and one.what in PERSON
        and two.what in PERSON
        and one.fact.number == two.fact.number
        and one.fact.qualifier == two.fact.qualifier
        and one.fact.article_id != two.fact.article_id
    )


def _threshold(item: Numbered) -> float:
    """How alike two sentences must be for different figures to be one claim."""
    if item.fact.kind == "measure" and item.what in _BROAD:
        return SAME_CLAIM
    return SAME_THING


def _family(event: str) -> str:
    return _EVENT_FAMILY.get(event, event)


def _group_numbers(numbered: list[Numbered]) -> list[FactGroup]:
    """Union-find over compatible values, then revised figures paired; one group each.

    A fact with a compatible counterpart in another article is grouped with it. A fact
    without one is paired with the most similar comparable fact of the other article
    that has none either (a revised toll, a second agency's magnitude), if their
    sentences are alike enough and not situated in different places.
    """
    parent = list(range(len(numbered)))
    idf = idf_from([frozenset(tokens(s)) for s in {n.fact.sentence for n in numbered}])

    def weight(token: str) -> float:
        return idf.get(token, 1.0)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    partnered: set[tuple[int, str]] = set()
    candidates: list[tuple[float, int, int]] = []
    buckets: dict[tuple[str, str, str, str], list[int]] = defaultdict(list)
    for i, item in enumerate(numbered):
        buckets[_comparable_key(item)].append(i)
    pairs = [
        (i, j)
        for indices in buckets.values()
        for n, i in enumerate(indices)
        for j in indices[n + 1 :]
    ]
    for i, j in pairs:
        one, two = numbered[i], numbered[j]
        if _compatible(one, two):
            parent[find(i)] = find(j)
            partnered.add((i, two.fact.article_id))
            partnered.add((j, one.fact.article_id))
    for i, j in pairs:
        one, two = numbered[i], numbered[j]
        if (
            one.fact.article_id == two.fact.article_id
            or one.what != two.what
            or (i, two.fact.article_id) in partnered
            or (j, one.fact.article_id) in partnered
            or (one.places and two.places and not one.places & two.places)
        ):
            continue
        score = similarity(one.fact.sentence, two.fact.sentence, weight)
        if score >= _threshold(one):
            candidates.append((score, i, j))
    for _, i, j in sorted(candidates, reverse=True) + _only_figures(numbered, partnered):
        one, two = numbered[i], numbered[j]
        if (i, two.fact.article_id) in partnered or (j, one.fact.article_id) in partnered:
            continue
        parent[find(i)] = find(j)
        partnered.add((i, two.fact.article_id))
        partnered.add((j, one.fact.article_id))
    components: dict[int, list[Numbered]] = defaultdict(list)
    for i, item in enumerate(numbered):
        components[find(i)].append(item)
    return [_number_group(members) for members in components.values()]


def _only_figures(
    numbered: list[Numbered], partnered: set[tuple[int, str]]
) -> list[tuple[float, int, int]]:
    """Pairs of the one figure each article gives for a specific measure, however worded.

    When, of the figures two articles give for a specific measure (a magnitude, a
    turnout, a share price) and did not pair, each article's lie in one sentence, the
    first of them is that article's figure for the thing ("closed down 3.9%, having
    fallen as much as 6%"): the two are paired, unless situated in different places.
    """
    by_what: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, item in enumerate(numbered):
        # Durations are many in one article (a trial, a detention, a term): paired only
        # when their sentences are alike.
        if item.fact.kind == "measure" and item.what not in _BROAD and item.noun != "time":
            by_what[(item.what, item.noun)].append(i)
    pairs = []
    for indices in by_what.values():
        articles = sorted({numbered[i].fact.article_id for i in indices})
        for n, one_id in enumerate(articles):
            for two_id in articles[n + 1 :]:
                one = _first_unpaired(numbered, indices, one_id, two_id, partnered)
                two = _first_unpaired(numbered, indices, two_id, one_id, partnered)
                if one is None or two is None:
                    continue
                places = (numbered[one].places, numbered[two].places)
                if places[0] and places[1] and not places[0] & places[1]:
                    continue
                pairs.append((0.0, one, two))
    return pairs


def _first_unpaired(
    numbered: list[Numbered],
    indices: list[int],
    article_id: str,
    other_id: str,
    partnered: set[tuple[int, str]],
) -> int | None:
    """The first of an article's figures not paired with the other article, if one sentence
    holds them all."""
    left = [
        i
        for i in indices
        if numbered[i].fact.article_id == article_id and (i, other_id) not in partnered
    ]
    if not left or len({numbered[i].fact.sentence for i in left}) > 1:
        return None
    return min(left, key=lambda i: numbered[i].fact.start)


def _number_group(members: list[Numbered]) -> FactGroup:
    """One group of counts or measures: a readable key and, across articles, any conflict."""
    placed = [m.places for m in members if m.places]
    places = frozenset.intersection(*placed) if placed else frozenset()
    key = _label(members)
    if len(places) == 1:
        key += f" ({next(iter(places))})"
    facts = tuple(m.fact for m in members)
    conflict, reason = _conflict(members)
    return FactGroup(
        key=key, kind=members[0].fact.kind, facts=facts, conflict=conflict, reason=reason
    )


def _label(members: list[Numbered]) -> str:
    """What the group is about, as a reader would say it: "people injured", "turnout (%)"."""
    first = members[0]
    if first.fact.kind == "measure":
        unit = first.noun
        if first.what in {"earthquake magnitude", "aftershock magnitude", "prison sentence"}:
            return first.what + (" (years)" if unit == "years" else "")
        if unit == "time":
            named = sorted({m.fact.thing for m in members if m.fact.thing.startswith("length")})
            return named[0] if named else first.what
        if first.what.startswith("amount in") or unit == "age":
            return first.what
        return f"{first.what} ({unit})"
    classes = sorted({m.what for m in members}, key=lambda c: (c not in SPECIFIC, c))
    named = [c for c in classes if c in PERSON and (c != "people" or len(classes) == 1)]
    written = Counter(m.noun for m in members).most_common(1)[0][0]
    # A name says more than its class ("Palestinians"); a class more than "others".
    noun = " / ".join(named) if named and not written[:1].isupper() else written
    events = Counter(m.event for m in members if m.event)
    event = events.most_common(1)[0][0] if events else ""
    return f"{noun} {event}".strip()


def _conflict(members: list[Numbered]) -> tuple[bool, str]:
    """Whether articles disagree, and the one-line reason (or a note when they agree)."""
    pairs = [(a, b) for a in members for b in members if a.fact.article_id < b.fact.article_id]
    for a, b in pairs:
        if a.what != b.what and a.what in SPECIFIC and b.what in SPECIFIC:
            return True, f"same count, different nouns: {_quote(a)} vs {_quote(b)}"
    for a, b in pairs:
        if _differ(a, b):
            same_place = a.places and a.places == b.places
            hedge = "" if same_place else " (may be different places or sources)"
            return True, f"different numbers: {_quote(a)} vs {_quote(b)}{hedge}"
    for a, b in pairs:
        if a.amount == b.amount and a.fact.qualifier != b.fact.qualifier:
            # "more than 85" and "85" are compatible readings of one figure: worth a
            # note for the analyst, not a conflict.
            return False, f"same count, qualifiers differ: {_quote(a)} vs {_quote(b)}"
    if pairs:
        value = members[0].fact.value
        if all(a.amount == b.amount for a, b in pairs):
            return False, f"agree: {value}"
        return False, "compatible figures"
    return False, ""


def _differ(a: Numbered, b: Numbered) -> bool:
    """Whether two figures disagree: different values, unless one rounds the other.

    Vague amounts ("dozens") disagree only with figures outside their range; "about
    12,000" and "12,400" are one figure rounded (but "around 54" is no rounding of 52);
    "at least 9" and "11" are two tolls.
    """
    if a.fact.number is None or b.fact.number is None or a.amount == b.amount:
        return False
    if a.what != b.what and a.fact.kind == "count":
        return False  # grouped as the same toll with other nouns: the nouns are the news
    vague = ("dozens", "hundreds", "thousands", "scores")
    if any(v in q for q in (a.fact.qualifier, b.fact.qualifier) for v in vague):
        return a.high < b.low or b.high < a.low
    if a.scale != b.scale or any(
        x.fact.qualifier in _APPROXIMATE and _round(x.fact.number or 0.0) for x in (a, b)
    ):
        # Figures in different units ("four weeks", "a month") agree when as close as a
        # rounded figure is to an exact one.
        return abs(a.amount - b.amount) > _ROUNDING * max(a.amount, b.amount)
    return True


def _round(number: float) -> bool:
    """Whether a figure reads as rounded: "about 12,000", "around 300" (not "around 54")."""
    return number >= 10 and number.is_integer() and number % 5 == 0


def _quote(item: Numbered) -> str:
    """A fact as it reads in its article, with the article it comes from."""
    return f"“{item.fact.text}” ({_short_id(item.fact.article_id)})"


def _short_id(article_id: str) -> str:
    """A compact article label: the file name without folders and extension."""
    name = article_id.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0].split("_", 1)[0]


def _group_others(facts: list[Fact]) -> list[FactGroup]:
    """Dates grouped by value, attributions by speaker."""
    by_key: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    said_by = _body_names({speaker_key(f.value) for f in facts if f.kind == "attribution"})
    for fact in facts:
        if fact.kind == "date":
            by_key[("date", fact.value)].append(fact)
        else:
            key = speaker_key(fact.value)
            by_key[("attribution", said_by.get(key, key))].append(fact)
    groups = []
    for (kind, _), members in by_key.items():
        value = members[0].value
        key = date_label(value) if kind == "date" else f"said by {value}"
        groups.append(FactGroup(key=key, kind=members[0].kind, facts=tuple(members)))
    return groups


def _body_names(keys: set[str]) -> dict[str, str]:
    """A body named by its noun alone, when the comparison names one such body more fully:
    "the ministry" is "the health ministry" if no other ministry is named."""
    out = {}
    for key in keys:
        if " " in key or not key.islower():
            continue
        # Not into a body named with its country ("the Iranian ministry"): "the
        # Ministry" may be another country's.
        fuller = [
            k
            for k in keys
            if k.endswith(" " + key) and not any(place_of(w.title()) for w in k.split())
        ]
        if len(fuller) == 1:
            out[key] = fuller[0]
    return out


def _quote_conflicts(facts: list[Fact]) -> list[FactGroup]:
    """One quotation given to different speakers by different articles: who said it?"""
    by_quote: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        if fact.kind == "attribution" and re.search(r"[“\"]", fact.sentence):
            words = re.findall(r"\w+", fact.thing.lower())
            if len(words) >= 4:
                by_quote[" ".join(words[:6])].append(fact)
    groups = []
    for members in by_quote.values():
        by_article: dict[str, set[str]] = defaultdict(set)
        for f in members:
            by_article[f.article_id].add(speaker_key(f.value))
        said = list(by_article.values())
        if not any(not a & b for i, a in enumerate(said) for b in said[i + 1 :]):
            continue
        names = " vs ".join(f"{f.value} ({_short_id(f.article_id)})" for f in members)
        groups.append(
            FactGroup(
                key=f"who said “{members[0].thing}”",
                kind="attribution",
                facts=tuple(members),
                conflict=True,
                reason=f"different speakers: {names}",
            )
        )
    return groups
