"""The facts table: counts, dates and attributions, grouped across articles.

Extraction is pattern-based and explainable. A count is a number (digits, number
words, "dozens", with qualifiers such as "more than") and the noun phrase it counts,
with the casualty verb next to it ("killed", "injured"). Facts are grouped by what
they count: the head noun reduced to a class ("servicemen", "troops", "soldiers" are
military personnel; "people", "individuals", "civilians" are people; contractors are
their own class) plus the casualty event. A group conflicts when articles give
incompatible numbers for the same thing, or the same casualty count with nouns of
different classes (three "contractors" killed vs three "servicemen" killed).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from briefing.compare.align import idf_from, similarity, split_sentences, tokens
from briefing.compare.model import Fact, FactGroup
from briefing.compare.words import singular
from briefing.corpus.model import Article


def _words(text: str) -> frozenset[str]:
    """A set of words written as one space-separated string (easier to read and edit)."""
    return frozenset(text.split())


_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTH_NUMBER = {m: i for i, m in enumerate(_MONTHS.split("|"), start=1)}
_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"

_WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
    "a dozen": 12,
    "dozen": 12,
}
# Vague amounts: the number stored, and the qualifier that says it is vague.
_VAGUE = {"dozens": 12.0, "hundreds": 100.0, "thousands": 1000.0, "scores": 20.0}
_QUALIFIERS = (
    "more than|less than|fewer than|at least|at most|up to|over|nearly|almost|around|"
    "about|some|approximately|roughly|an estimated|as many as"
)
_NUMBER = (
    r"(?P<digits>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"|(?P<vague>dozens|hundreds|thousands|scores)"
    rf"|(?P<word>a dozen|{'|'.join(w for w in _WORD_NUMBERS if w != 'a dozen')})"
)
# A number not glued to letters, hyphens or slashes ("1833ET", "B-1", "8/15", "2nd").
_COUNT = re.compile(
    rf"(?<![\w\-/.,$])(?:(?P<qualifier>{_QUALIFIERS})\s+)?(?:{_NUMBER})(?![\w\-/]|\.\d|,\d)",
    re.IGNORECASE,
)
# Dates: "February 2, 2024", "January 28", "15 August 2023", "January 2020", "8/15".
_DATE = re.compile(
    rf"\b(?P<month>{_MONTHS})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>\d{{4}}))?"
    rf"|\b(?P<day2>\d{{1,2}})\s+(?P<month2>{_MONTHS})\b(?:,?\s+(?P<year2>\d{{4}}))?"
    rf"|\b(?P<month3>{_MONTHS})\s+(?P<year3>\d{{4}})\b"
    rf"|\b(?:last\s+|this\s+|on\s+|late\s+|early\s+)?(?P<weekday>{_WEEKDAYS})\b"
    r"(?:\s*\((?P<md>\d{1,2}/\d{1,2})\))?"
)
# What may not be a counted noun (the phrase stops before it).
_STOP = _words(
    "a an the and or but of at in on to for by with from as that which who whom were was "
    "is are be been has have had will would could said says according including than "
    "across near into per while when where after before during since this these those it "
    "its their his her our we they he she such because last more remain remains stay "
    "stays die dies lost face faces nearby there here now today yesterday ago"
)
# Percentages are rates, not counts of things.
_RATES = _words("percent per cent")
# Counts of time ("24 hours", "one week") are durations, not facts about the event.
_UNIT_WORDS = _words("such time way day hour week month year minute second")

# Classes of counted nouns, for grouping. Only synonyms that are safe in news copy.
_CLASSES = {
    "military personnel": (
        "troop soldier serviceman servicemen service-member marine airman sailor "
        "personnel military-member"
    ),
    "people": "people person individual civilian other resident",
    "contractors": "contractor",
    "fighters": "fighter militant militiaman militiamen guard",
    "targets": "target location site",
}
_CLASS_OF = {w: cls for cls, words in _CLASSES.items() for w in words.split()}
# Classes that name who the victims were; two different ones for one toll conflict.
_SPECIFIC = frozenset({"military personnel", "contractors", "fighters"})
_PERSON = _SPECIFIC | {"people"}

_KILLED_BEFORE = re.compile(
    r"(?:\b(?P<k>killing|killed|kills|deaths? of|lives of)"
    r"|\b(?P<i>wounding|wounded|injuring|injured|injuries to))\s+$",
    re.IGNORECASE,
)
_KILLED_AFTER = re.compile(
    r"^\W*(?:\w+\W+){0,5}?(?:(?P<k>killed|died|dead|lost their lives|were killed|deaths)"
    r"|(?P<i>injured|wounded|hurt|sustained injuries|injuries))\b",
    re.IGNORECASE,
)
# Sentences about the same claim with different numbers score at least this.
SAME_CLAIM = 0.35

_PLACES = {
    "Iraq": "Iraq",
    "Iraqi": "Iraq",
    "Syria": "Syria",
    "Syrian": "Syria",
    "Jordan": "Jordan",
    "Jordanian": "Jordan",
    "Yemen": "Yemen",
    "Gaza": "Gaza",
    "Israel": "Israel",
    "Lebanon": "Lebanon",
}
# A place the count happened in: "in Iraq", "near the Jordanian border", "Iraqi government".
_PLACE = re.compile(
    r"\b(?:in|near|inside|across|along|at|from|on)\s+(?:the\s+)?(?P<a>Iraq|Syria|Jordan|Yemen|"
    r"Gaza|Israel|Lebanon|Iraqi|Syrian|Jordanian)\b(?:\s+and\s+(?P<b>Iraq|Syria|Jordan))?"
    r"|\b(?P<c>Iraqi|Syrian|Jordanian)\s+(?:government|border|military|officials|ministry)\b"
)

_SAY = (
    "said|says|stated|told|announced|reported|reports|confirmed|warned|cautioned|fumed|"
    "added|noted|claimed|revealed|insisted|argued|explained|declared|acknowledged"
)
# A period inside a title ("Maj. John Moore") does not end the speaker.
_TITLE_DOT = r"(?:(?<=Maj)|(?<=Gen)|(?<=Brig)|(?<=Lt)|(?<=Col)|(?<=Dr)|(?<=Mr)|(?<=Ms)|(?<=Sgt))\."
_NOT_TITLE = "".join(
    f"(?<!{t})" for t in ("Maj", "Gen", "Brig", "Lt", "Col", "Dr", "Mr", "Ms", "Sgt")
)
_ACCORDING = re.compile(
    rf"\b[Aa]ccording to (?P<who>(?:[^,.;:“”\"]|{_TITLE_DOT}|\.(?=\w)){{2,90}}?)"
    rf"(?=[,;:“\"]|{_NOT_TITLE}\.|$)"
)
# A speaker after a quote: "…,” said Becca Wasser, a senior policy analyst.
_AFTER_QUOTE = re.compile(rf"[”\"],?\s+(?P<verb>{_SAY})\s+(?P<who>(?:[A-Z][\w.’'-]*\s*){{1,5}})")
# Lowercase words that may be part of a speaker ("the Iraqi government", "a CENTCOM statement").
_SPEAKER_NOUNS = (
    "the|a|an|of|for|from|government|ministry|military|statement|spokesperson|spokesman|"
    "spokeswoman|official|officials|office|command|forces|police|army|prior|security|"
    "council|foreign|agency|sources?|prime|minister|secretary|president|chief|director|"
    "monitor|group|commander"
)
# A speaker before the verb: "The Iraqi government said", "Ryder said", "X told journalists".
_BEFORE_VERB = re.compile(
    rf"(?<![\w)’'.-])(?P<who>(?:(?:[A-Z][\w.’'-]*|\([A-Z@]+\)|{_SPEAKER_NOUNS})\s+){{1,9}}?)"
    rf"(?:also\s+|has\s+|have\s+|had\s+)?(?P<verb>{_SAY})\b"
    r"(?P<tail>\s+(?:that|it|journalists|reporters|CNN|on)\b)?"
)
_PRONOUNS = _words("he she they it we i you this that which who there")
_LEADING = re.compile(r"^(?:(?:the|a|an|also|and)\s+)+", re.IGNORECASE)


@dataclass(frozen=True)
class _Count:
    """A count fact with the features used to group it."""

    fact: Fact
    cls: str
    event: str
    places: frozenset[str]
    low: float
    high: float


def extract(article: Article) -> list[Fact]:
    """All facts (counts, dates, attributions) stated in one article, in body order."""
    facts: list[Fact] = []
    body = article.body
    for span in split_sentences(body):
        sentence = body[span.start : span.end]
        facts.extend(c.fact for c in _counts(article.id, sentence, span.start))
        facts.extend(_dates(article.id, sentence, span.start))
        facts.extend(_attributions(article.id, sentence, span.start))
    facts.sort(key=lambda f: (f.start, f.kind))
    return facts


def _counts(article_id: str, sentence: str, offset: int) -> list[_Count]:
    """Counts in one sentence, skipping dates, years and numbers inside names."""
    dates = [m.span() for m in _DATE.finditer(sentence)]
    out = []
    for m in _COUNT.finditer(sentence):
        if any(s <= m.start("digits") < e for s, e in dates if m.group("digits")):
            continue
        number, qualifier = _number(m)
        if number is None:
            continue
        if m.group("digits") and "." not in m.group("digits") and _looks_like_year(m):
            continue
        thing, head, end = _noun_phrase(sentence, m.end())
        if not head or head in _UNIT_WORDS or head in _RATES:
            continue
        event = _event(sentence, m.start(), end)
        cls = _CLASS_OF.get(head, head)
        label = f"{thing} {event}" if event else thing
        fact = Fact(
            article_id=article_id,
            kind="count",
            value=_format(number),
            thing=label,
            text=sentence[m.start() : end],
            sentence=sentence,
            start=offset + m.start(),
            end=offset + end,
            number=number,
            qualifier=qualifier,
        )
        low, high = _interval(number, qualifier)
        places = _places(sentence)
        out.append(_Count(fact, cls, event, places, low, high))
    return out


def _number(m: re.Match[str]) -> tuple[float | None, str]:
    """The value and qualifier of a number match (vague words keep their word as qualifier)."""
    qualifier = (m.group("qualifier") or "").lower()
    if m.group("digits"):
        return float(m.group("digits").replace(",", "")), qualifier
    if m.group("vague"):
        word = m.group("vague").lower()
        return _VAGUE[word], f"{qualifier} {word}".strip()
    word = m.group("word").lower()
    if word == "a dozen":
        return 12.0, f"{qualifier} a dozen".strip()
    return float(_WORD_NUMBERS[word]), qualifier


def _looks_like_year(m: re.Match[str]) -> bool:
    """A bare four-digit 1900-2099 is a year ("in 2020", "the 2015 Iran nuclear deal")."""
    digits = m.group("digits")
    return len(digits) == 4 and 1900 <= int(digits) <= 2099


def _noun_phrase(sentence: str, pos: int) -> tuple[str, str, int]:
    """The noun phrase counted by the number ending at ``pos``.

    Returns the phrase as written (normalised spacing), its head noun lemma and the
    end offset. "N of the X" counts X ("11 of the bunkers", "dozens of targets").
    """
    words = list(re.finditer(r"[A-Za-z][\w.’'-]*", sentence[pos:]))
    # Only words directly after the number, separated by spaces (a comma ends the phrase).
    taken: list[re.Match[str]] = []
    last = 0
    skipping_of = True
    for w in words:
        gap = sentence[pos + last : pos + w.start()]
        if gap.strip():
            break
        token = w.group().rstrip(".")
        lower = token.lower()
        if skipping_of and not taken and lower in {"of", "the"}:
            last = w.end()
            continue
        skipping_of = False
        if lower in _STOP or len(taken) >= 4 or _is_verb_form(lower):
            break
        taken.append(w)
        last = w.end()
        if w.group().endswith(".") and not _is_acronym(w.group()):
            break  # the sentence ends here
    # The head is the last word that looks like a noun (not a capitalised name at the end).
    while taken and _is_modifier(taken[-1].group()):
        taken.pop()
    if not taken:
        return "", "", pos
    phrase = " ".join(
        w.group().rstrip(".") if not _is_acronym(w.group()) else w.group() for w in taken
    )
    head = _lemma(taken[-1].group().rstrip(".").lower())
    if len(taken) >= 2 and taken[-1].group().lower().startswith("member"):
        prev = taken[-2].group().lower()
        if prev in {"service", "military"}:
            head = f"{prev}-member"
    end = pos + taken[-1].end()
    if sentence[end - 1] == "." and not _is_acronym(taken[-1].group()):
        end -= 1
    return phrase, head, end


def _is_verb_form(word: str) -> bool:
    """Participles end a noun phrase ("two drones attacked", "facilities starting")."""
    return len(word) > 4 and word.endswith(("ed", "ing")) and word not in {"building"}


def _is_acronym(word: str) -> bool:
    return bool(re.fullmatch(r"(?:[A-Za-z]\.)+", word))


def _is_modifier(word: str) -> bool:
    """Words that cannot head the counted phrase (acronyms, adverbs, possessives)."""
    return _is_acronym(word) or word.endswith("ly") or word.lower() in {"us", "u.s"}


def _lemma(word: str) -> str:
    """Singular of simple English plurals: facilities -> facility, troops -> troop."""
    irregular = {"people": "people", "servicemen": "serviceman", "men": "man", "women": "woman"}
    if word in irregular:
        return irregular[word]
    return singular(word)


def _event(sentence: str, start: int, end: int) -> str:
    """ "killed" or "injured" when the count is a casualty toll, else ""."""
    before = _KILLED_BEFORE.search(sentence[max(0, start - 40) : start])
    if before:
        return "killed" if before.group("k") else "injured"
    after = _KILLED_AFTER.search(sentence[end : end + 80])
    if after:
        return "killed" if after.group("k") else "injured"
    return ""


def _places(sentence: str) -> frozenset[str]:
    """Countries the sentence situates things in (not every country it names)."""
    found = set()
    for m in _PLACE.finditer(sentence):
        for name in m.group("a", "b", "c"):
            if name:
                found.add(_PLACES[name])
    return frozenset(found)


def _interval(number: float, qualifier: str) -> tuple[float, float]:
    """The range of values a qualified number allows (vague words are wide ranges)."""
    if "dozens" in qualifier:
        return 24.0, 99.0
    if "hundreds" in qualifier:
        return 200.0, 999.0
    if "thousands" in qualifier:
        return 2000.0, 9999.0
    if "scores" in qualifier:
        return 40.0, 99.0
    if qualifier in {"more than", "over", "at least"}:
        # Open-ended in logic, but in news copy "at least 16" means "16, maybe a few
        # more": an infinite range would make every larger toll agree with it.
        return number, number * 1.25
    if qualifier in {"less than", "fewer than", "at most", "up to"}:
        return 0.0, number
    if qualifier in {"nearly", "almost"}:
        return number * 0.85, number
    if qualifier:  # around, about, some, roughly, "a dozen"...
        return number * 0.8, number * 1.2
    return number, number


def _format(number: float) -> str:
    return str(int(number)) if number.is_integer() else str(number)


def _dates(article_id: str, sentence: str, offset: int) -> list[Fact]:
    """Explicit dates and weekdays, with the event they date when one is named nearby."""
    out = []
    for m in _DATE.finditer(sentence):
        month = m.group("month") or m.group("month2") or m.group("month3")
        day = m.group("day") or m.group("day2")
        year = m.group("year") or m.group("year2") or m.group("year3")
        if m.group("weekday"):
            value = m.group("weekday") + (f" ({m.group('md')})" if m.group("md") else "")
        elif month and day and year:
            value = f"{int(year):04d}-{_MONTH_NUMBER[month]:02d}-{int(day):02d}"
        elif month and day:
            value = f"--{_MONTH_NUMBER[month]:02d}-{int(day):02d}"
        else:
            value = f"{year}-{_MONTH_NUMBER[month or 'January']:02d}"
        out.append(
            Fact(
                article_id=article_id,
                kind="date",
                value=value,
                thing=_dated_event(sentence),
                text=m.group().strip(),
                sentence=sentence,
                start=offset + m.start() + (len(m.group()) - len(m.group().lstrip())),
                end=offset + m.end(),
            )
        )
    return out


_EVENTS = re.compile(
    r"\b(drone attack|airstrikes?|strikes?|attacks?|rockets?|killed|killing|deaths|"
    r"press conference|bombardments?|explosion|war|offensive)\b",
    re.IGNORECASE,
)


def _dated_event(sentence: str) -> str:
    """The first event word of the sentence ("drone attack", "strikes"), or ""."""
    m = _EVENTS.search(sentence)
    return m.group().lower() if m else ""


def _attributions(article_id: str, sentence: str, offset: int) -> list[Fact]:
    """Who said what: "according to X", "X said", "…,” said X", "X told journalists"."""
    out: list[Fact] = []
    seen: set[str] = set()
    for m, who_group in _attribution_matches(sentence):
        who = _clean_speaker(m.group(who_group))
        if not who or who.lower() in _PRONOUNS or who.lower() in seen:
            continue
        seen.add(who.lower())
        out.append(
            Fact(
                article_id=article_id,
                kind="attribution",
                value=who,
                thing=_claim(sentence, m),
                text=m.group().strip(),
                sentence=sentence,
                start=offset + m.start(),
                end=offset + m.end(),
            )
        )
    return out


def _attribution_matches(sentence: str) -> Iterable[tuple[re.Match[str], str]]:
    for m in _ACCORDING.finditer(sentence):
        yield m, "who"
    for m in _AFTER_QUOTE.finditer(sentence):
        yield m, "who"
    for m in _BEFORE_VERB.finditer(sentence):
        words = m.group("who").split()
        # A speaker names someone: a capitalised word, or a noun such as "government",
        # and it does not end on an article or a preposition.
        if not any(w[0].isupper() or w in {"government", "ministry", "military"} for w in words):
            continue
        if words[-1].lower() in {"the", "a", "an", "of", "for", "from"}:
            continue
        # "reported"/"reports" are also adjectives and nouns ("the reported airstrikes").
        if m.group("verb") in {"reported", "reports"} and not m.group("tail"):
            continue
        yield m, "who"


def _clean_speaker(who: str) -> str:
    """Trim a speaker phrase: leading articles/"also", trailing punctuation and titles."""
    who = who.strip().rstrip(",.;:")
    who = re.sub(r"\s+(?:also|has|have|had)$", "", who)
    who = re.sub(r"^(?:Meanwhile|However|But|And|In addition),?\s+", "", who)
    if _LEADING.sub("", who).lower() in _PRONOUNS:
        return ""
    words = who.split()
    if not words:
        return ""
    # "a report by the Syrian Observatory ...": the speaker is the body named after "by".
    m = re.search(r"\b(?:statement|report) by (?:the |a )?(.+)$", who)
    if m:
        # The named body after "by", without trailing circumstances ("CNN only a month...").
        named = re.match(r"(?:[A-Z][\w.’'-]*|for|of)(?:\s+(?:[A-Z][\w.’'-]*|for|of))*", m.group(1))
        who = named.group() if named else m.group(1)
    return who.strip()


def _claim(sentence: str, m: re.Match[str]) -> str:
    """The first words of what was said: the quote if any, else the words after the match."""
    quote = re.search(r"[“\"]([^”\"]{3,})", sentence)
    text = quote.group(1) if quote else sentence[m.end() :].strip(" ,:;.")
    if not text.strip():
        text = sentence[: m.start()]
    words = text.split()
    return " ".join(words[:8]) + ("…" if len(words) > 8 else "")


# --- grouping -----------------------------------------------------------------


def group(articles: Sequence[Article]) -> tuple[FactGroup, ...]:
    """Facts of all articles grouped by what they are about, conflicts first."""
    counts: list[_Count] = []
    others: list[Fact] = []
    for article in articles:
        body = article.body
        for span in split_sentences(body):
            sentence = body[span.start : span.end]
            counts.extend(_counts(article.id, sentence, span.start))
            others.extend(_dates(article.id, sentence, span.start))
            others.extend(_attributions(article.id, sentence, span.start))
    groups = _group_counts(counts) + _group_others(others)
    order = {a.id: i for i, a in enumerate(articles)}
    return tuple(
        sorted(
            groups,
            key=lambda g: (
                not g.conflict,
                -len({f.article_id for f in g.facts}),
                g.kind != "count",
                min(order[f.article_id] for f in g.facts),
                g.key,
            ),
        )
    )


def _linked(one: _Count, two: _Count, weight: Callable[[str], float]) -> bool:
    """Whether two counts are about the same thing (so belong to one group)."""
    if one.event != two.event:
        return False
    overlap = one.low <= two.high and two.low <= one.high
    places_apart = bool(one.places and two.places and not one.places & two.places)
    if one.cls == two.cls:
        if overlap:
            return True
        # Different numbers are one claim told differently only if the sentences say
        # much the same thing, in the same place; otherwise they are different claims
        # (a toll in Iraq and another in Syria, yesterday's blast and today's strike).
        return not places_apart and (
            similarity(one.fact.sentence, two.fact.sentence, weight) >= SAME_CLAIM
        )
    # The same toll with different victims: the same event told differently (or a
    # hypernym: "three people" vs "three troops"). Exact numbers only, to stay safe.
    return (
        bool(one.event)
        and one.cls in _PERSON
        and two.cls in _PERSON
        and one.fact.number == two.fact.number
        and one.fact.qualifier == two.fact.qualifier
        and one.fact.article_id != two.fact.article_id
    )


def _group_counts(counts: list[_Count]) -> list[FactGroup]:
    """Union-find over the linking rule, then one explained group per component."""
    parent = list(range(len(counts)))
    idf = idf_from([frozenset(tokens(s)) for s in {c.fact.sentence for c in counts}])

    def weight(token: str) -> float:
        return idf.get(token, 1.0)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(counts)):
        for j in range(i + 1, len(counts)):
            if _linked(counts[i], counts[j], weight):
                parent[find(i)] = find(j)
    components: dict[int, list[_Count]] = defaultdict(list)
    for i, count in enumerate(counts):
        components[find(i)].append(count)
    return [_count_group(members) for members in components.values()]


def _count_group(members: list[_Count]) -> FactGroup:
    """One group of counts: a readable key and, across articles, any conflict."""
    classes = sorted({m.cls for m in members}, key=lambda c: (c not in _SPECIFIC, c))
    event = members[0].event
    placed = [m.places for m in members if m.places]
    places = frozenset.intersection(*placed) if placed else frozenset()
    key = " / ".join(c for c in classes if c != "people" or len(classes) == 1)
    key = f"{key} {event}".strip()
    if len(places) == 1:
        key += f" ({next(iter(places))})"
    facts = tuple(m.fact for m in members)
    conflict, reason = _count_conflict(members)
    return FactGroup(key=key, kind="count", facts=facts, conflict=conflict, reason=reason)


def _count_conflict(members: list[_Count]) -> tuple[bool, str]:
    """Whether articles disagree, and the one-line reason (or a note when they agree)."""
    for a in members:
        for b in members:
            if a.fact.article_id >= b.fact.article_id:
                continue
            if a.cls != b.cls and a.cls in _SPECIFIC and b.cls in _SPECIFIC:
                return True, (f"same count, different nouns: {_quote(a)} vs {_quote(b)}")
    for a in members:
        for b in members:
            if a.fact.article_id >= b.fact.article_id:
                continue
            if a.high < b.low or b.high < a.low:
                same_place = a.places and a.places == b.places
                hedge = "" if same_place else " (may be different places or sources)"
                return True, f"different numbers: {_quote(a)} vs {_quote(b)}{hedge}"
    for a in members:
        for b in members:
            if (
                a.fact.article_id < b.fact.article_id
                and a.fact.number == b.fact.number
                and a.fact.qualifier != b.fact.qualifier
            ):
                # "more than 85" and "85" are compatible readings of one figure: worth a
                # note for the analyst, not a conflict.
                return False, f"same count, qualifiers differ: {_quote(a)} vs {_quote(b)}"
    return False, ""


def _quote(count: _Count) -> str:
    """A fact as it reads in its article, with the article it comes from."""
    return f"“{count.fact.text}” ({_short_id(count.fact.article_id)})"


def _short_id(article_id: str) -> str:
    """A compact article label: the file name without folders and extension."""
    name = article_id.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0].split("_", 1)[0]


def _group_others(facts: list[Fact]) -> list[FactGroup]:
    """Dates grouped by value, attributions by speaker (no conflicts are inferred)."""
    by_key: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    for fact in facts:
        if fact.kind == "date":
            by_key[("date", fact.value)].append(fact)
        else:
            by_key[("attribution", _speaker_key(fact.value))].append(fact)
    groups = []
    for (kind, _), members in by_key.items():
        key = members[0].value if kind == "date" else f"said by {members[0].value}"
        groups.append(FactGroup(key=key, kind=members[0].kind, facts=tuple(members)))
    return groups


def _speaker_key(who: str) -> str:
    """Speakers match on their surname ("Biden" = "President Joe Biden") or full text."""
    words = _LEADING.sub("", who).split()
    if words and words[-1][:1].isupper() and not words[-1].isupper():
        return words[-1].lower()
    return " ".join(words).lower()
