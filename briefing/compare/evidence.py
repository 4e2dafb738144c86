"""Whether two passages share content (a fact, a quote, a claim), not just vocabulary.

Two passages of articles about one event share many words by nature ("strikes",
"militia", the names of the places): a middling overlap score alone lists pairs that
state nothing in common. A pair is only called partly shared when its overlap holds a
piece of content a reader would recognise:

- a phrase: several content words in the same order (a quote, a reused sentence);
- a count: a number and a word beside it in both passages ("212 nests", "nests: 212";
  "a two-day strike", "struck for two days");
- names or rare words: at least two shared words that few passages of the compared
  articles use (so they are not the event's own vocabulary) and that are not common in
  the library either.

The functions take the token sequences of :func:`briefing.compare.align.tokens`
(stems and digits, stopwords dropped), so "content words in order" skips "the", "of".
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

# Consecutive shared tokens that make a phrase: past a name or title (usually two or
# three tokens, "Chief Medical Officer"), few runs this long happen by chance.
PHRASE_TOKENS = 4
# How near (in tokens) a word must be to a number to be read as what it counts.
COUNT_REACH = 2
# Shared specific words that make a pair's overlap more than topic: one is often the
# event's name or a place, two rarely are by chance.
SPECIFIC_WORDS = 2
# A word is common in the library (and so no evidence) below this share of the
# rarest word's weight.
RARE_SHARE = 0.4


@dataclass(frozen=True)
class Evidence:
    """What counts as content in common, for one comparison.

    Attributes:
        specific: whether a token is specific enough to be a name or a rare word (used
            by few of the compared passages and not common in the library).
    """

    specific: Callable[[str], bool]

    def shared(self, one: Sequence[str], two: Sequence[str]) -> bool:
        """Whether two token sequences share a phrase, a count or several specific words.

        Args:
            one: the first passage's tokens (:func:`briefing.compare.align.tokens`).
            two: the second passage's tokens.
        """
        common = set(one) & set(two)
        if not common:
            return False
        if sum(1 for t in common if self.specific(t)) >= SPECIFIC_WORDS:
            return True
        return _shares_count(one, two, common) or longest_run(one, two) >= PHRASE_TOKENS


def _shares_count(one: Sequence[str], two: Sequence[str], common: Collection[str]) -> bool:
    """Whether a shared number has a shared word beside it in both passages."""
    for number in common:
        if not number[0].isdigit():
            continue
        near = _near(one, number) & _near(two, number)
        if any(not word[0].isdigit() and word in common for word in near):
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
