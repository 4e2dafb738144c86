"""Counts of things, and of people killed, injured, missing, displaced, arrested, evacuated.

A count is a number and the noun phrase it counts ("85 targets", "at least 12 people"),
with the casualty event when the words around it name one, in any of the forms news
copy uses: "killing 9 people", "9 people were killed", "leaving 11 dead", "injuring 42
others", "30 were hurt", "the death toll rose to 15", "three of the wounded".
"wounded", "hurt" and "injured" are one event; so are their nouns ("injuries").
The counted noun is reduced to a class for grouping ("servicemen", "troops" and
"soldiers" are military personnel; "people", "civilians", "others" are people).
"""

from __future__ import annotations

import re

from briefing.compare.facts_numbers import (
    NUMBER,
    QUALIFIERS,
    SCALE,
    Numbered,
    format_number,
    has_number,
    interval,
    looks_like_year,
    number_of,
)
from briefing.compare.facts_places import places_in
from briefing.compare.model import Fact
from briefing.compare.words import singular


def _words(text: str) -> frozenset[str]:
    """A set of words written as one space-separated string (easier to read and edit)."""
    return frozenset(text.split())


# A number not glued to letters, hyphens, slashes or currency signs ("1833ET", "B-1",
# "8/15", "2nd", "$5", "6.1-magnitude", "61%").
_COUNT = re.compile(
    rf"(?<![\w\-/.,$€£¥])(?:(?P<qualifier>{QUALIFIERS})\s+)?(?:{NUMBER}){SCALE}"
    r"(?![\w\-/%]|\.\d|,\d)",
    re.IGNORECASE,
)
# What may not be a counted noun (the phrase stops before it).
_STOP = _words(
    "a an the and or but of at in on to for by with from as that which who whom were was "
    "is are be been has have had will would could said says according including than "
    "across near into per while when where after before during since this these those it "
    "its their his her our we they he she such because last more remain remains stay "
    "stays die dies lost face faces nearby there here now today yesterday ago "
    "over under against between among within without through toward towards behind "
    "beyond via amid despite about"
)
# Percentages are rates, not counts of things.
_RATES = _words("percent per cent")
# Counts of time ("24 hours", "one week") are durations, not facts about the event.
_UNIT_WORDS = _words("such time way day hour week month year minute second")
# "the two countries", "both sides": a reference to things already named, not a count.
_REFERENCE = re.compile(r"\b(?:the|both|these|those|its|their|our)\s+$", re.IGNORECASE)

# Classes of counted nouns, for grouping. Only synonyms that are safe in news copy.
_CLASSES = {
    "military personnel": (
        "troop soldier serviceman servicemen service-member marine airman sailor "
        "personnel military-member"
    ),
    "people": "people person individual civilian other resident villager inhabitant",
    "children": "child",
    "contractors": "contractor",
    "fighters": "fighter militant militiaman militiamen guard",
    "targets": "target location site",
    "agreements": "agreement deal accord pact memorandum treaty",
    "seats": "seat",
    "homes": "home house dwelling",
    "vessels": "ship vessel boat ferry",
}
_CLASS_OF = {w: cls for cls, words in _CLASSES.items() for w in words.split()}
# Classes that name who the victims were; two different ones for one toll conflict.
SPECIFIC = frozenset({"military personnel", "contractors", "fighters"})
PERSON = SPECIFIC | {"people", "children"}

_EVENTS = (
    "killed",
    "injured",
    "missing",
    "displaced",
    "arrested",
    "evacuated",
    "trapped",
    "rescued",
)
# The event named right before the number: "killing 9", "wounded 19", "death toll rose to".
_BEFORE = re.compile(
    r"(?:\b(?P<killed>killing|killed|kills|kill|deaths of|lives of|claimed the lives of"
    r"|death toll\s+(?:\w+\s+){0,3}?(?:to|at|of|reached|hit)|toll\s+(?:\w+\s+){0,2}?(?:to|at))"
    r"|\b(?P<injured>wounding|wounded|injuring|injured|hurting|hurt|injuries to)"
    r"|\b(?P<arrested>arresting|arrested|detaining|detained|arrests of|arrest of)"
    r"|\b(?P<evacuated>evacuating|evacuated|evacuation of)"
    r"|\b(?P<displaced>displacing|displaced|uprooting|uprooted)"
    r"|\b(?P<rescued>rescuing|rescued|pulled|plucked))\s+$",
    re.IGNORECASE,
)
_AUX = (
    r"(?:(?:were|was|have|has|had|are|is|been|being|got|reportedly|also|all|later|since|now|"
    r"still|remain|remained|remains|believed|feared|to be|confirmed)\s+){0,3}"
)
# The event named right after the counted phrase (or the number, when it stands alone).
_AFTER = re.compile(
    # An aside between commas may come first: "16 people, including civilians, were killed".
    r"^\s*(?:,[^,.;]{1,40},\s*|,\s*)?(?:who\s+|that\s+)?(?:of\s+the\s+|among\s+the\s+)?"
    rf"(?P<aux>{_AUX})(?:among\s+the\s+)?"
    r"(?:(?P<killed>killed|died|dead|lost their lives|deaths|fatalities)"
    r"|(?P<injured>injured|wounded|hurt|injuries"
    r"|(?:sustained|suffered) (?:\w+ )?(?:injuries|wounds))"
    r"|(?P<missing>missing|unaccounted for)"
    r"|(?P<homes>(?:forced\s+)?from their homes|to (?:leave|flee) their homes|homeless)"
    r"|(?P<displaced>displaced)"
    r"|(?P<arrested>arrested|detained|taken into custody|in custody)"
    r"|(?P<evacuated>evacuated)"
    r"|(?P<trapped>trapped)"
    r"|(?P<rescued>rescued|saved|pulled (?:alive )?from))\b",
    re.IGNORECASE,
)
# Participles that may follow a count with no "were" ("42 injured", "11 dead").
_BARE = frozenset({"killed", "injured", "missing", "homes", "trapped"})


def counts(
    article_id: str, sentence: str, offset: int, taken: list[tuple[int, int]]
) -> list[Numbered]:
    """Counts in one sentence, skipping years, numbers inside names, and ``taken``.

    ``taken`` holds the spans (in sentence offsets) already read as dates or measures.
    """
    if not has_number(sentence):
        return []
    skip = taken
    out = []
    for m in _COUNT.finditer(sentence):
        if any(s <= m.start() < e or s < m.end() <= e for s, e in skip):
            continue
        number, qualifier = number_of(m)
        if number is None:
            continue
        digits = m.group("digits")
        if digits and "." not in digits and not m.group("scale") and looks_like_year(digits):
            continue
        thing, head, end = _noun_phrase(sentence, m.end())
        if not head:
            thing, head, end = _part_of(sentence, m.end())
        if head in _UNIT_WORDS or head in _RATES:
            continue
        event = _event(sentence, m.start(), end if head else m.end())
        if not head:
            if not event:
                continue
            # "42 injured", "wounded 19": the people are implied.
            thing, head, end = "", "people", m.end()
        elif (
            m.group("word")
            and number <= 3
            and not event
            and _REFERENCE.search(sentence[max(0, m.start() - 12) : m.start()])
        ):
            continue
        what = _CLASS_OF.get(head, head)
        if event and what not in PERSON and head not in _CLASS_OF:
            what = "people" if _names_people(thing) else what
        text = sentence[m.start() : end]
        label = f"{thing or 'people'} {event}".strip()
        fact = Fact(
            article_id=article_id,
            kind="count",
            value=format_number(number),
            thing=label,
            text=text,
            sentence=sentence,
            start=offset + m.start(),
            end=offset + end,
            number=number,
            qualifier=qualifier,
        )
        low, high = interval(number, qualifier)
        noun = _noun_written(thing, m.start() == 0) or "people"
        out.append(Numbered(fact, what, noun, event, places_in(sentence), low, high))
    if "-" in sentence:
        out.extend(_sizes(article_id, sentence, offset))
    return out


# "96 of the 230 seats": the part counts what the whole counts.
_OF_A_WHOLE = re.compile(rf"\s+of\s+(?:the|its|their)\s+(?:{NUMBER})(?=\s)", re.IGNORECASE)


def _part_of(sentence: str, pos: int) -> tuple[str, str, int]:
    """The noun phrase of "N of the M X" (X), or nothing."""
    whole = _OF_A_WHOLE.match(sentence, pos)
    if not whole:
        return "", "", pos
    thing, head, _ = _noun_phrase(sentence, whole.end())
    return thing, head, pos


# "a 230-seat parliament", "the 43-member council": the size of a body, in seats when
# the body is a legislature.
_SIZE = re.compile(
    r"(?<![\w.,-])(?P<digits>\d{1,3}(?:,\d{3})*)-(?P<unit>seat|member|strong)\s+"
    r"(?P<body>[a-z]+(?:\s+[a-z]+){0,2})"
)
_LEGISLATURES = _words("parliament assembly council chamber legislature house senate congress diet")


def _sizes(article_id: str, sentence: str, offset: int) -> list[Numbered]:
    """Counts written as the size of a body: "the 230-seat assembly" (230 seats)."""
    out = []
    for m in _SIZE.finditer(sentence):
        unit, words = m.group("unit"), m.group("body").split()
        legislature = next((w for w in words if w in _LEGISLATURES), "")
        body = legislature or words[0]
        if unit == "seat" or legislature:
            what, noun = "seats", "seats"
        else:
            what, noun = "members", "members"
        number = float(m.group("digits").replace(",", ""))
        fact = Fact(
            article_id=article_id,
            kind="count",
            value=format_number(number),
            thing=f"{noun} ({body})",
            text=sentence[m.start() : m.start("body") + m.group("body").find(body) + len(body)],
            sentence=sentence,
            start=offset + m.start(),
            end=offset + m.start("body") + m.group("body").find(body) + len(body),
            number=number,
            qualifier="",
        )
        out.append(Numbered(fact, what, noun, "", places_in(sentence), number, number))
    return out


# Endings of nouns for people ("miners", "tourists", "Italians", "employees", "firemen").
_PERSON_ENDING = re.compile(r"(?:er|or|ist|ian|ent|ant|ee|man|men|ic|ite|ar)s?$")


def _names_people(phrase: str) -> bool:
    """Whether a phrase's last word names people: a plural name ("Palestinians") or a
    noun with an ending for people ("miners", "passengers"), so a toll of them is a
    toll of people."""
    words = phrase.split()
    if not words:
        return False
    last = words[-1]
    if last[:1].isupper() and last.endswith("s"):
        return True
    return bool(_PERSON_ENDING.search(last.lower()))


def _noun_written(thing: str, at_start: bool) -> str:
    """The counted noun as the article writes it, lowercased unless it is a name."""
    words = thing.split()
    if not words:
        return ""
    noun = words[-1]
    if (len(words) == 1 and at_start) or noun.isupper():
        return noun.lower() if not noun.isupper() else noun
    return noun if noun[:1].isupper() else noun.lower()


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
        if lower in _STOP or len(taken) >= 4 or _is_verb_form(lower) or lower in _AFTER_WORDS:
            break
        if taken and _DETERMINER_NEXT.match(sentence, pos + w.end()):
            break  # a noun is not followed by "their": "rivers burst their banks"
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


_DETERMINER_NEXT = re.compile(r"\s+(?:the|a|an|their|its|his|her|our)\s", re.IGNORECASE)
# Casualty words that end a noun phrase even where they are not participles ("11 dead").
_AFTER_WORDS = _words("dead died fled hurt missing homeless")


def _is_verb_form(word: str) -> bool:
    """Participles end a noun phrase ("two drones attacked", "facilities starting")."""
    # A hyphenated compound is an adjective ("water-dropping aircraft", "rebel-held towns").
    return (
        len(word) > 4
        and word.endswith(("ed", "ing"))
        and word not in {"building"}
        and "-" not in word
    )


def _is_acronym(word: str) -> bool:
    return bool(re.fullmatch(r"(?:[A-Za-z]\.)+", word))


def _is_modifier(word: str) -> bool:
    """Words that cannot head the counted phrase (acronyms, adverbs, possessives)."""
    return _is_acronym(word) or word.endswith("ly") or word.lower() in {"us", "u.s"}


def _lemma(word: str) -> str:
    """Singular of simple English plurals: facilities -> facility, troops -> troop."""
    irregular = {
        "people": "people",
        "servicemen": "serviceman",
        "men": "man",
        "women": "woman",
        "children": "child",
    }
    if word in irregular:
        return irregular[word]
    return singular(word)


def _event(sentence: str, start: int, end: int) -> str:
    """The casualty event of a count ("killed", "injured"...), or ""."""
    before = _BEFORE.search(sentence[max(0, start - 40) : start])
    if before:
        return next(e for e in _EVENTS if before.groupdict().get(e))
    after = _AFTER.match(sentence[end : end + 80])
    if after:
        if not after.group("aux").strip() and not any(after.groupdict().get(e) for e in _BARE):
            return ""  # "ten Americans detained in ...": an adjective, not the event
        if after.group("homes"):
            return "displaced"
        return next(e for e in _EVENTS if after.groupdict().get(e))
    return ""
