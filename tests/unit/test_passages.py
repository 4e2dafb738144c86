"""Passage alignment calibration: "partly shared" needs content in common, not vocabulary."""

from __future__ import annotations

import sys
from pathlib import Path

from briefing.compare.align import STRONG, align, tokens
from briefing.compare.evidence import Evidence, longest_run
from briefing.corpus.model import Article

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import eval_passages


def make(article_id: str, sentences: list[str]) -> Article:
    """A bare article whose body is ``sentences`` joined."""
    return Article(
        id=article_id,
        title=article_id,
        source=None,
        author=None,
        published=None,
        url=None,
        body=" ".join(sentences),
        path=article_id,
    )


NOTHING_SPECIFIC = Evidence(specific=lambda token: False)

# Two passages of one story that say different things with the story's own words.
ONE = "The harbour curfew began at dusk on Friday after riots in the fish market."
TWO = "Fishermen defied the harbour curfew at dusk to check their boats and nets."
# The rest of each article: either using those words throughout (they are the story's
# vocabulary) or not at all (then they are specific to the pair).
BUSY = (
    [
        "Police patrolled the harbour curfew zone at dusk.",
        "Shops near the harbour closed before the curfew at dusk.",
        "Tourists were stranded by the harbour curfew at dusk.",
    ],
    [
        "The mayor defended the harbour curfew imposed at dusk.",
        "Ferries stopped running at dusk because of the harbour curfew.",
    ],
)
QUIET = (
    [
        "Police patrolled the old town streets overnight.",
        "Shops near the market closed early.",
        "Tourists were stranded at the airport.",
    ],
    [
        "The mayor defended the decision in a speech.",
        "Ferries stopped running on Saturday morning.",
    ],
)


def _first_passage(first: str, second: str, context: tuple[list[str], list[str]]) -> tuple:
    """Align two articles opening with ``first``/``second``; the first passage's result."""
    one = make("one", [first, *context[0]])
    two = make("two", [second, *context[1]])
    # Every word equally rare in the library: only the comparison itself can tell the
    # story's vocabulary from what is specific to one pair.
    flat = {t: 1.0 for a in (one, two) for t in tokens(a.body)}
    aligned = align([one, two], flat)
    return aligned["one"][0].status, aligned["one"][0].counterparts


def test_a_pair_sharing_only_the_storys_vocabulary_is_not_partly_shared() -> None:
    status, counterparts = _first_passage(ONE, TWO, BUSY)
    assert status == "unique"
    assert counterparts == ()


def test_the_same_words_specific_to_the_pair_make_it_partly_shared() -> None:
    status, counterparts = _first_passage(ONE, TWO, QUIET)
    assert status == "partial"
    assert [c.passage for c in counterparts] == [0]
    assert counterparts[0].score < STRONG


def test_a_strong_pair_is_shared_even_in_the_storys_vocabulary() -> None:
    status, counterparts = _first_passage(
        "The harbour curfew began at dusk on Friday.",
        "The harbour curfew began on Friday at dusk.",
        BUSY,
    )
    assert status == "shared"
    assert counterparts[0].score >= STRONG


def test_a_pair_sharing_a_count_and_its_noun_is_partly_shared_in_busy_vocabulary() -> None:
    status, _ = _first_passage(
        "Divers recovered 37 boats from the harbour before the curfew at dusk.",
        "By dusk, 37 boats had been lifted out of the harbour, despite the curfew.",
        BUSY,
    )
    assert status in ("partial", "shared")


def test_a_count_with_its_noun_is_evidence() -> None:
    one = tokens("Volunteers counted 212 nests along the cliffs this spring.")
    two = tokens("A survey found 212 nests, the most since records began.")
    assert NOTHING_SPECIFIC.shared(one, two)


def test_a_shared_number_alone_is_not_evidence() -> None:
    one = tokens("The committee met 9 times before the vote.")
    two = tokens("Nine members abstained when the committee finally voted.")
    assert not NOTHING_SPECIFIC.shared(one, two)


def test_a_phrase_of_four_content_words_is_evidence() -> None:
    one = tokens('The minister promised "a fair and lasting settlement for every tenant".')
    two = tokens("Critics doubted a fair and lasting settlement for every tenant by spring.")
    assert longest_run(one, two) >= 4
    assert NOTHING_SPECIFIC.shared(one, two)


def test_three_shared_words_in_order_are_not_a_phrase() -> None:
    one = tokens("The city council voted to close the library.")
    two = tokens("City council members argued for hours.")
    assert longest_run(one, two) == 2
    assert not NOTHING_SPECIFIC.shared(one, two)


def test_two_specific_words_are_evidence_and_one_is_not() -> None:
    one = tokens("Inspector Okonkwo found the ledger in Valdivia.")
    two = tokens("The ledger reached Valdivia by courier, Okonkwo said.")
    rare = {"okonkwo", "valdivia"}
    assert Evidence(specific=lambda t: t in rare).shared(one, two)
    assert not Evidence(specific=lambda t: t == "okonkwo").shared(one, two)


def test_longest_run_handles_empty_and_repeated_tokens() -> None:
    assert longest_run([], ["a"]) == 0
    assert longest_run(["a", "a", "b"], ["a", "b", "a"]) == 2


def test_the_evaluation_scores_precision_and_recall_from_labels() -> None:
    figures = eval_passages.score(
        [
            ("shared", "shared"),
            ("partial", "shared"),
            ("partial", "partial"),
            ("unrelated", "partial"),
            ("shared", "unrelated"),
        ]
    )
    assert figures["shared_precision"] == 0.5
    assert figures["shared_recall"] == 0.5
    assert figures["partial_precision"] == 0.5
    assert figures["partial_shares_content"] == 0.5
    assert figures["listed_precision"] == 0.75
    assert figures["listed_recall"] == 0.75
