"""Who said what: "X said", "said X", "according to X", "X told reporters",
"the mayor of Y, X, said", "X, a spokesman for Y, said", "…,” said X".

Each attribution is a fact whose ``value`` is the speaker and whose ``thing`` is the
first words of what was said (the quotation when there is one).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from briefing.compare.model import Fact


def _words(text: str) -> frozenset[str]:
    """A set of words written as one space-separated string (easier to read and edit)."""
    return frozenset(text.split())


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
# A speaker after a quote: "…,” said Becca Wasser, a senior policy analyst; or after a
# clause: "…, said Tomas Kucera, a spokesman for the fire brigade."
_AFTER_QUOTE = re.compile(
    rf"(?:[”\"],?\s+(?P<verb>{_SAY})|,\s+(?P<said>said|says|added))\s+"
    r"(?P<who>(?:[A-Z][\w.’'-]*\s*){1,5})"
)
# Capitalised words after "said" that are no speaker ("…, said Monday").
_NOT_SPEAKERS = _words(
    "monday tuesday wednesday thursday friday saturday sunday today yesterday on in"
)
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


_NAME = r"[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,3}"
# "the mayor of Kharkiv, Ihor Terekhov, said": the speaker is the name between commas.
_ROLE_THEN_NAME = re.compile(
    rf"\b(?:the\s+)?(?:[a-z]+\s+){{1,3}}(?:of|for|at)\s+(?:the\s+)?{_NAME},\s+"
    rf"(?P<who>{_NAME}),\s+(?:also\s+)?(?P<verb>{_SAY})\b"
)
# "Ibrahim Lawan, a spokesman for the police, said": the name before the apposition.
_NAME_THEN_ROLE = re.compile(
    rf"(?<![\w’'])(?P<who>{_NAME}),\s+(?:a|an|the|its|his|her|who)\s+[^,;“”\"]{{2,80}},\s+"
    rf"(?:also\s+)?(?P<verb>{_SAY})\b"
)


# What the two patterns above need, found fast (they start at a comma): the costly
# patterns run only where these are.
_NAME_BETWEEN_COMMAS = re.compile(rf",\s+{_NAME},\s+(?:also\s+)?(?:{_SAY})\b")
_APPOSITION = re.compile(r",\s+(?:a|an|the|its|his|her|who)\s")


def attributions(article_id: str, sentence: str, offset: int) -> list[Fact]:
    """Who said what: "according to X", "X said", "…,” said X", "X told journalists"."""
    out: list[Fact] = []
    seen: set[str] = set()
    for m, who_group in _attribution_matches(sentence):
        who = _clean_speaker(m.group(who_group))
        if not who or who.lower() in _PRONOUNS or who.lower() in seen:
            continue
        if who.split()[0].lower() in _NOT_SPEAKERS:
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


# Every pattern needs one of these words: sentences without one are skipped at once.
_ANY_SAY = re.compile(rf"\b(?:{_SAY})\b|ccording to")


def _attribution_matches(sentence: str) -> Iterable[tuple[re.Match[str], str]]:
    if not _ANY_SAY.search(sentence):
        return
    for m in _ACCORDING.finditer(sentence):
        yield m, "who"
    if _NAME_BETWEEN_COMMAS.search(sentence):
        for m in _ROLE_THEN_NAME.finditer(sentence):
            yield m, "who"
    if _APPOSITION.search(sentence):
        for m in _NAME_THEN_ROLE.finditer(sentence):
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


# Words that make "X of Y" a title or a body ("Minister of Health"), not a person of an
# organisation ("Kenji Mori of Marunouchi Securities").
_TITLES = _words(
    "minister ministry secretary department bank university office council court board "
    "bureau institute agency commission association union federation party government "
    "president director head chief governor mayor chairman chairwoman chair spokesman "
    "spokeswoman league organization organisation republic state states centre center "
    "foundation chamber service services authority ministers members member"
)


def speaker_key(who: str) -> str:
    """Speakers match on their surname ("Biden" = "President Joe Biden"), a person "of"
    an organisation on the person ("Judge Ana Lima of the High Court" = "Lima"), and a
    body on its common words ("Italy's foreign ministry" = "the Italian foreign ministry").
    """
    words = _LEADING.sub("", who).split()
    if "of" in words[1:]:
        before = words[: words.index("of")]
        named = len(before) >= 2 and all(w[:1].isupper() for w in before[-2:])
        if named and before[-1].lower() not in _TITLES:
            words = before
    if words and words[-1][:1].isupper() and not words[-1].isupper():
        return words[-1].lower()
    if words and words[-1].islower():
        # A body: its lowercase words, without the country or owner named before them.
        # Only when two of them remain: "the Iranian ministry" is not any ministry.
        common = [w for w in words if w.islower() and w not in {"of", "the", "a", "an"}]
        if len(common) >= 2:
            return " ".join(common)
    return " ".join(words).lower()
