"""Whether two passages share content (a fact, a quote, a claim), not just vocabulary.

Two passages of articles about one event share many words by nature ("strikes",
"militia", the names of the places): a middling overlap score alone lists pairs that
state nothing in common. A pair is only called partly shared when its overlap holds a
piece of content a reader would recognise:

- a phrase: several content words in the same order (a quote, a reused sentence);
- a quote: two or more words in a row inside quotation marks in both passages;
- a count: a number and a word beside it in both passages ("212 nests", "nests: 212";
  "a two-day strike", "struck for two days");
- names or rare words: at least two shared words that few passages of the compared
  articles use (so they are not the event's own vocabulary), that are not common in
  the library either, and that are names (capitalised mid-sentence) or uncommon in
  ordinary English. Two articles alone make "support", "cause" or "include" look
  rare; a background table of English word frequencies (``common_words.txt``, made
  from wordfreq's list by ``bench/make_common_words.py``) says they are not.

The functions take the token sequences of :func:`briefing.compare.words.tokens`
(stems and digits, stopwords dropped), so "content words in order" skips "the", "of".
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

# Consecutive shared tokens that make a phrase: past a name or title (usually two or
# three tokens, "Chief Medical Officer"), few runs this long happen by chance.
PHRASE_TOKENS = 4
# Consecutive shared tokens inside quotation marks in both passages that make a shared
# quote: a quoted pair of words is already chosen wording ("speaks for itself").
QUOTE_TOKENS = 2
# How near (in tokens) a word must be to a number to be read as what it counts.
COUNT_REACH = 2
# Shared specific words that make a pair's overlap more than topic: one is often the
# event's name or a place, two rarely are by chance.
SPECIFIC_WORDS = 2
# A word is common in the library (and so no evidence) below this share of the
# rarest word's weight.
RARE_SHARE = 0.4
# How rare a word is in ordinary English, from its Zipf value (log10 uses per billion
# words): at most COMMON_ZIPF ("support", "include" 5.5) it counts for nothing, at
# least RARE_ZIPF ("drone", "kidnap" 4.0; names) fully, linearly between ("troop" 4.6
# counts 0.6). Two articles alone make any word they seldom use look rare.
COMMON_ZIPF = 5.5
RARE_ZIPF = 4.0
# Shared specific words must add up to this much English rarity (two words, at least
# one of them not everyday English).
SPECIFIC_RARITY = 1.5
# What a shared word counts for at least, however common in English: the compared
# articles found it rare, which says a little (five such words are more than two).
OWN_FLOOR = 0.2
_COMMON_WORDS = Path(__file__).with_name("common_words.txt")


@functools.cache
def common_words() -> Mapping[str, float]:
    """How common each comparison stem is in English (Zipf value); rare stems are absent."""
    table: dict[str, float] = {}
    try:
        text = _COMMON_WORDS.read_text(encoding="utf-8")
    except OSError:  # a broken install: every word reads as rare, as before the table
        return table
    for line in text.splitlines():
        if line and not line.startswith("#"):
            stem, _, value = line.partition("\t")
            table[stem] = float(value)
    return table


def english_rarity(token: str) -> float:
    """How rare a comparison token is in ordinary English: 0 (everyday) to 1 (rare)."""
    zipf = common_words().get(token, 0.0)
    return min(1.0, max(0.0, (COMMON_ZIPF - zipf) / (COMMON_ZIPF - RARE_ZIPF)))


@dataclass(frozen=True)
class Evidence:
    """What counts as content in common, for one comparison.

    Attributes:
        specific: whether a token is specific enough to be a name or a rare word (used
            by few of the compared passages and not common in the library).
    """

    specific: Callable[[str], bool]

    def shared(
        self,
        one: Sequence[str],
        two: Sequence[str],
        names: Collection[str] = frozenset(),
        quoted: Collection[str] = frozenset(),
    ) -> bool:
        """Whether two token sequences share a phrase, a count or several specific words.

        Args:
            one: the first passage's tokens (:func:`briefing.compare.words.tokens`).
            two: the second passage's tokens.
            names: tokens written as names (capitalised mid-sentence) in both passages:
                a name counts even when the word is common English ("Apple", "Store").
            quoted: tokens inside double quotes in both passages: two of them in a row
                are a quotation the passages share ("a 'strong relationship'").
        """
        common = set(one) & set(two)
        if not common:
            return False
        specific = {t for t in common if self.specific(t)}
        units = _units(one, specific, names)
        rarity = sum(max(_rarity(t, names) for t in u) for u in units)
        if len(units) >= SPECIFIC_WORDS and rarity >= SPECIFIC_RARITY:
            return True
        if quoted and _quoted_run(one, two, quoted) >= QUOTE_TOKENS:
            return True
        if _shares_count(one, two, common):
            return True
        # A name of several words ("U.S. Central Command") is one thing, not a phrase.
        return longest_run(_joined(one, names), _joined(two, names)) >= PHRASE_TOKENS


def _joined(sequence: Sequence[str], names: Collection[str]) -> list[str]:
    """``sequence`` with each run of consecutive names joined into one token."""
    out: list[str] = []
    previous_name = False
    for token in sequence:
        is_name = token in names
        if is_name and previous_name:
            out[-1] += " " + token
        else:
            out.append(token)
        previous_name = is_name
    return out


def _quoted_run(one: Sequence[str], two: Sequence[str], quoted: Collection[str]) -> int:
    """The longest run of shared tokens that both passages quote."""
    # Unquoted tokens become placeholders that match nothing, so runs cannot span them.
    return longest_run(
        [t if t in quoted else f"\0a{i}" for i, t in enumerate(one)],
        [t if t in quoted else f"\0b{i}" for i, t in enumerate(two)],
    )


def _units(
    sequence: Sequence[str], specific: Collection[str], names: Collection[str]
) -> list[set[str]]:
    """The shared specific words of ``sequence``, a name of several words as one unit.

    "Central Command (CENTCOM)" or "Social Security" is one thing in common, not two.
    """
    units: list[set[str]] = []
    seen: set[str] = set()
    for entity in _joined(sequence, names):
        unit = {t for t in entity.split(" ") if t in specific and t not in seen}
        if unit:
            units.append(unit)
            seen |= unit
    return units


def _shares_count(one: Sequence[str], two: Sequence[str], common: Collection[str]) -> bool:
    """Whether a shared number has a shared word beside it in both passages."""
    for number in common:
        if not number[0].isdigit():
            continue
        near = _near(one, number) & _near(two, number)
        # "two years", "three days": a small number beside an everyday word is how
        # English tells time, not a count the two passages share.
        small = len(number) == 1
        if any(
            not word[0].isdigit() and word in common and not (small and not english_rarity(word))
            for word in near
        ):
            return True
    return False


def _near(sequence: Sequence[str], token: str) -> set[str]:
    """The tokens within :data:`COUNT_REACH` of any occurrence of ``token``."""
    out: set[str] = set()
    for i, t in enumerate(sequence):
        if t == token:
            out.update(sequence[max(0, i - COUNT_REACH) : i + COUNT_REACH + 1])
    out.discard(token)
    return out


def longest_run(one: Sequence[str], two: Sequence[str]) -> int:
    """The length of the longest run of tokens the two sequences have in common, in order."""
    best = 0
    previous = [0] * (len(two) + 1)
    for a in one:
        current = [0] * (len(two) + 1)
        for j, b in enumerate(two, 1):
            if a == b:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best


def _rarity(token: str, names: Collection[str]) -> float:
    """What one shared specific word says: 1 for a name, else its English rarity."""
    if token in names:
        return 1.0
    return max(OWN_FLOOR, english_rarity(token))
