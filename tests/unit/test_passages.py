"""Passage alignment calibration: "partly shared" needs content in common, not vocabulary."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from briefing.compare.align import STRONG, align, name_tokens, quoted_tokens
from briefing.compare.evidence import Evidence, common_words, english_rarity, longest_run
from briefing.compare.words import tokens
from briefing.corpus.ingest import SourceFile, ingest_file, walk
from briefing.corpus.model import Article
from tests.conftest import SAMPLE

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


def _first_passage(
    first: str, second: str, context: tuple[list[str], list[str]]
) -> tuple[Any, ...]:
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


EVERYTHING_SPECIFIC = Evidence(specific=lambda token: True)


def test_the_english_table_knows_everyday_words_from_rare_ones() -> None:
    assert len(common_words()) > 3000
    for everyday in ("support", "include", "people", "cause", "link"):
        assert english_rarity(tokens(everyday)[0]) < 0.4, everyday
    for rare in ("perigee", "hematoma", "okonkwo"):
        assert english_rarity(tokens(rare)[0]) == 1.0, rare


def test_everyday_words_rare_between_two_articles_are_not_evidence() -> None:
    # Only two articles: every word below looks rare to them, none is rare in English.
    one = tokens("Officials said the support would cause delays, including several weeks.")
    two = tokens("The plan includes support for families, which could cause hardship.")
    assert not EVERYTHING_SPECIFIC.shared(one, two)


def test_words_rare_in_english_are_evidence() -> None:
    one = tokens("Geologists found basalt and obsidian near the summit.")
    two = tokens("The samples, obsidian and basalt, went to the museum.")
    assert EVERYTHING_SPECIFIC.shared(one, two)


def test_a_common_word_written_as_a_name_in_both_passages_counts() -> None:
    one_text = "Shares of Apple fell after the Store was closed on Monday."
    two_text = "Crowds queued outside the Apple Store for hours."
    names = name_tokens(one_text) & name_tokens(two_text)
    assert {"appl", "store"} <= names
    one, two = tokens(one_text), tokens(two_text)
    assert not EVERYTHING_SPECIFIC.shared(one, two)  # as words, "apple" and "store" are everyday
    assert EVERYTHING_SPECIFIC.shared(one, two, names)


def test_a_name_of_several_words_is_one_thing_in_common() -> None:
    one_text = "Crowds queued outside the Apple Store for hours."
    two_text = "The Apple Store reopened on Monday."
    names = name_tokens(one_text) & name_tokens(two_text)
    assert not EVERYTHING_SPECIFIC.shared(tokens(one_text), tokens(two_text), names)


def test_name_tokens_skip_sentence_starts_and_shouted_words() -> None:
    text = 'Rain fell. Then Mayor Ruiz spoke to CNN. "Police left," she said. MARKETS CLOSED EARLY'
    names = name_tokens(text)
    assert {"mayor", "ruiz", "cnn"} <= names
    assert not {"rain", "then", "polic", "close", "earli"} & names
    assert "central" in name_tokens("A spokesman for U.S. Central Command said so.")


def test_a_quotation_shared_by_both_passages_is_evidence() -> None:
    one_text = 'The agent said the report "speaks for itself" and left.'
    two_text = 'Asked again, her lawyer repeated that it "speaks for itself".'
    quoted = quoted_tokens(one_text) & quoted_tokens(two_text)
    assert quoted == {"speak", "itself"}
    one, two = tokens(one_text), tokens(two_text)
    assert not NOTHING_SPECIFIC.shared(one, two)
    assert NOTHING_SPECIFIC.shared(one, two, quoted=quoted)


def test_a_small_number_beside_an_everyday_word_is_not_a_count() -> None:
    one = tokens("She escaped after two years in the forest.")
    two = tokens("The talks lasted two years before the deal.")
    assert not NOTHING_SPECIFIC.shared(one, two)
    one = tokens("Rescuers pulled two climbers from the crevasse.")
    two = tokens("Two climbers were stuck overnight.")
    assert NOTHING_SPECIFIC.shared(one, two)


def test_odd_text_does_not_break_names_or_quotes() -> None:
    for text in ("", '"', "“”", "A", ". . .", "\n\n", '"unclosed quote with Names'):
        assert isinstance(name_tokens(text), frozenset)
        assert isinstance(quoted_tokens(text), frozenset)


def test_the_samples_different_statements_are_not_partly_shared() -> None:
    # The example: two reports of one campaign (sample 002 and 004), compared
    # with their own weights only. A statement on solidarity and one by a ministry, an
    # explosion and a list of targets, shared only everyday words ("support", "cause",
    # "include", "link"). Neither may list the other.
    articles = {
        Path(a.id).name[:3]: a
        for sf in walk(SAMPLE, "sample_corpus")
        if isinstance(sf, SourceFile)
        for a in ingest_file(sf).articles
    }
    one, two = articles["002"], articles["004"]
    result = align([one, two])

    def index(article: Article, needle: str) -> int:
        found = [p.passage.index for p in result[article.id] if needle in p.passage.text]
        assert len(found) == 1, needle
        return found[0]

    for a, b in (
        ("solidarity with the Palestinian cause", "The Iranian ministry said"),
        ("explosion tore through", "sites linked to the guards"),
    ):
        i, j = index(one, a), index(two, b)
        assert j not in [c.passage for c in result[one.id][i].counterparts]
        assert i not in [c.passage for c in result[two.id][j].counterparts]
    # The comparison still finds what the two reports do share.
    assert any(p.status != "unique" for p in result[one.id])


def test_a_short_passage_inside_a_longer_one_is_shared_and_the_longer_partly() -> None:
    short = "The ferry sank near Quillota at dawn."
    long = (
        "Officials confirmed the ferry sank near Quillota at dawn, then spent the day "
        "arguing about inspections, insurance claims and a disputed cargo manifest."
    )
    one = make("one", [short, *QUIET[0]])
    two = make("two", [long, *QUIET[1]])
    aligned = align([one, two])
    assert aligned["one"][0].status == "shared"
    assert aligned["two"][0].status == "partial"
    forward = aligned["one"][0].counterparts[0]
    backward = aligned["two"][0].counterparts[0]
    assert (forward.passage, backward.passage) == (0, 0)
    assert backward.score < STRONG <= forward.score
