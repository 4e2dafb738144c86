"""The compare stage: sentence splitting, passage alignment, facts and their conflicts."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from briefing.compare.align import align, split_passages, split_sentences
from briefing.compare.engine import compare
from briefing.compare.facts import group, read_facts
from briefing.compare.model import AlignedPassage, Fact, FactGroup
from briefing.corpus.ingest import SourceFile, ingest_file, walk
from briefing.corpus.model import Article
from tests.conftest import SAMPLE


def extract(article: Article) -> list[Fact]:
    """Every fact of one article, in body order."""
    numbered, others = read_facts(article)
    return sorted([n.fact for n in numbered] + others, key=lambda f: (f.start, f.kind))


def make(article_id: str, body: str) -> Article:
    """A bare article with just an id and a body."""
    return Article(
        id=article_id,
        title=article_id,
        source=None,
        author=None,
        published=None,
        url=None,
        body=body,
        path=article_id,
    )


@pytest.fixture(scope="module")
def sample() -> dict[str, Article]:
    """The sample corpus, ingested (boilerplate removed), keyed by its number ("003")."""
    articles = [
        a
        for sf in walk(SAMPLE, "sample_corpus")
        if isinstance(sf, SourceFile)
        for a in ingest_file(sf).articles
    ]
    return {Path(a.id).name[:3]: a for a in articles}


def passage_with(aligned: tuple[AlignedPassage, ...], needle: str) -> AlignedPassage:
    """The one aligned passage whose text contains ``needle``."""
    found = [a for a in aligned if needle in a.passage.text]
    assert len(found) == 1, (needle, [a.passage.text for a in found])
    return found[0]


def counts(facts: list[Fact]) -> list[tuple[float | None, str, str]]:
    """Count facts as (number, qualifier, text)."""
    return [(f.number, f.qualifier, f.text) for f in facts if f.kind == "count"]


def group_with(groups: tuple[FactGroup, ...], text: str) -> FactGroup:
    """The fact group holding a fact whose text is ``text``."""
    found = [g for g in groups if any(f.text == text for f in g.facts)]
    assert len(found) == 1, text
    return found[0]


# --- sentences and passages ---------------------------------------------------------


def test_sentences_respect_abbreviations_decimals_and_quotes() -> None:
    body = (
        "Maj. Gen. John F. Kennedy met U.S. Army officers on Monday. Growth was 2.5 percent "
        "last year, Dr. Smith said. “It will continue.” The talks ended.\n\nA new paragraph"
    )
    spans = split_sentences(body)
    assert [body[s.start : s.end] for s in spans] == [
        "Maj. Gen. John F. Kennedy met U.S. Army officers on Monday.",
        "Growth was 2.5 percent last year, Dr. Smith said.",
        "“It will continue.”",
        "The talks ended.",
        "A new paragraph",
    ]


def test_short_fragments_join_their_neighbour_and_offsets_are_exact() -> None:
    body = (
        "Airstrikes\n\nThe military reported strikes on 85 targets. He added more. "
        "The end is near now."
    )
    article = make("a", body)
    passages = split_passages(article)
    assert passages[0].text.startswith("Airstrikes\n\nThe military reported")
    assert all(body[p.start : p.end] == p.text for p in passages)
    assert [p.index for p in passages] == list(range(len(passages)))
    # "He added more." (three words) joins the sentence after it.
    assert passages[-1].text == "He added more. The end is near now."


# --- alignment ------------------------------------------------------------------------

ONE = (
    "The storm flooded the harbour district of Valletta on Tuesday night. "
    "Fishermen lost at least forty boats to the waves. "
    "The mayor promised compensation for every damaged business within a month. "
    "Schools in the capital stay closed until Friday."
)
# ONE reordered and paraphrased, plus a sentence of its own.
TWO = (
    "Mayor officials promised that every damaged business would get compensation within a month. "
    "A museum of modern sculpture opened its doors to art collectors in Rome. "
    "On Tuesday night the storm flooded Valletta's harbour district. "
    "Forty fishing boats were lost to the waves, fishermen said."
)
# Only the flooding sentence, in other words.
THREE = (
    "Valletta's harbour district was flooded by a storm late on Tuesday night. "
    "Farmers in the north reported a record grape harvest this autumn."
)


def test_alignment_follows_meaning_not_order() -> None:
    result = align([make("one", ONE), make("two", TWO)])
    one = result["one"]
    flood = passage_with(one, "storm flooded")
    assert flood.status == "shared"
    assert [(c.article_id, c.passage) for c in flood.counterparts] == [("two", 2)]
    mayor = passage_with(one, "mayor promised")
    assert mayor.counterparts[0].passage == 0
    boats = passage_with(one, "forty boats")
    assert boats.counterparts and boats.counterparts[0].passage == 3
    # Nothing in TWO says anything about schools, and the museum is only in TWO.
    assert passage_with(one, "Schools").status == "unique"
    assert passage_with(result["two"], "museum").status == "unique"
    assert passage_with(result["two"], "museum").counterparts == ()


def test_statuses_with_three_articles() -> None:
    result = align([make("one", ONE), make("two", TWO), make("three", THREE)])
    flood = passage_with(result["one"], "storm flooded")
    assert flood.status == "shared"
    assert {c.article_id for c in flood.counterparts} == {"two", "three"}
    assert all(0 <= c.score <= 1 for c in flood.counterparts)
    # The mayor is in ONE and TWO only: partial with three articles.
    mayor = passage_with(result["one"], "mayor promised")
    assert mayor.status == "partial"
    assert [c.article_id for c in mayor.counterparts] == ["two"]
    assert passage_with(result["three"], "grape harvest").status == "unique"


def test_unrelated_passages_on_one_topic_are_not_shared() -> None:
    a = make(
        "a",
        "The United States carried out strikes in Syria on Friday. "
        "Officials in Washington said the strikes hit militia depots.",
    )
    b = make(
        "b",
        "Iran condemned the presence of United States forces in Syria. "
        "Its foreign ministry summoned the Swiss ambassador in Tehran.",
    )
    result = align([a, b])
    assert all(p.status != "shared" for ps in result.values() for p in ps)


def test_a_library_idf_changes_the_weights() -> None:
    a = make("a", "Rockets hit the Conoco gas field base in eastern Syria on Friday.")
    b = make("b", "Rockets hit a base near the Conoco gas field on Friday night.")
    plain = align([a, b])["a"][0].counterparts[0].score
    # If the library says every word but "friday" is common, the match weakens.
    common = {t: 0.01 for t in ("rocket", "hit", "conoco", "ga", "field", "base", "syria")}
    weighted = align([a, b], {**common, "friday": 5.0})["a"][0].counterparts
    assert not weighted or weighted[0].score < plain


def test_sample_strikes_articles_align_targets_and_quote(sample: dict[str, Article]) -> None:
    result = align([sample["003"], sample["004"]])
    targets = passage_with(result[sample["003"].id], "85 targets at seven separate facilities")
    other = result[sample["004"].id]
    assert targets.status == "shared"
    assert other[targets.counterparts[0].passage].passage.text.endswith(
        "The U.S. military reported that it conducted airstrikes against 85 targets across "
        "seven separate facilities starting from February 2, 2024."
    )
    quote = passage_with(result[sample["003"].id], "It will continue at times and places")
    assert quote.status == "shared"
    assert other[quote.counterparts[0].passage].passage.text.startswith(
        "President Joe Biden said the strikes “will continue at times and places"
    )
    # And back: 004's passage points at 003's.
    back = passage_with(other, "85 targets across seven")
    assert back.counterparts[0].passage == targets.passage.index


def test_sample_unrelated_stories_share_nothing(sample: dict[str, Article]) -> None:
    result = align([sample["001"], sample["003"]])
    assert all(p.status != "shared" for ps in result.values() for p in ps)


# --- facts: extraction ------------------------------------------------------------------


def test_counts_with_number_words_and_qualifiers() -> None:
    body = (
        "The strikes hit 85 targets at seven separate facilities. "
        "More than 125 precision munitions were used and nearly 900 US troops remain. "
        "At least 16 people were killed and 25 individuals sustained injuries. "
        "Dozens of militia facilities and a dozen drones were destroyed, with around 2,500 "
        "troops nearby."
    )
    facts = extract(make("a", body))
    found = counts(facts)
    assert (85.0, "", "85 targets") in found
    assert (7.0, "", "seven separate facilities") in found
    assert (125.0, "more than", "More than 125 precision munitions") in found
    assert (900.0, "nearly", "nearly 900 US troops") in found
    assert (16.0, "at least", "At least 16 people") in found
    assert (12.0, "dozens", "Dozens of militia facilities") in found
    assert (12.0, "a dozen", "a dozen drones") in found
    assert (2500.0, "around", "around 2,500 troops") in found
    by_text = {f.text: f for f in facts}
    assert by_text["At least 16 people"].thing == "people killed"
    assert by_text["25 individuals"].thing == "individuals injured"
    assert all(body[f.start : f.end] == f.text for f in facts)
    assert all(f.sentence in body for f in facts)


def test_casualty_verbs_before_the_number() -> None:
    facts = extract(
        make("a", "A drone attack killing three U.S. servicemen and wounding eight others.")
    )
    things = {f.text: f.thing for f in facts if f.kind == "count"}
    assert things == {
        "three U.S. servicemen": "U.S. servicemen killed",
        "eight others": "others injured",
    }


def test_years_dates_and_names_are_not_counts() -> None:
    body = (
        "Update(1833ET) He acted under his Article II authority on October 7 and in 2020. "
        "B-1 bombers flew on February 2, 2024, the 2nd round since last Monday (8/15). "
        "The 2015 deal lasted 24 hours."
    )
    assert counts(extract(make("a", body))) == []


def test_dates_are_extracted_with_iso_values() -> None:
    body = (
        "The drone attack came on January 28, 2024. Strikes began on February 2 "
        "and continued last Monday (8/15) and Thursday."
    )
    dates = [(f.value, f.text) for f in extract(make("a", body)) if f.kind == "date"]
    assert dates == [
        ("2024-01-28", "January 28, 2024"),
        ("--02-02", "February 2"),
        ("Monday (8/15)", "last Monday (8/15)"),
        ("Thursday", "Thursday"),
    ]
    first = next(f for f in extract(make("a", body)) if f.kind == "date")
    assert first.thing == "drone attack"


def test_date_groups_are_labelled_as_a_reader_says_dates() -> None:
    a = make("a", "The vote was held on March 3, 2021, and counted by 9 March.")
    b = make("b", "Voters went to the polls on 3 March 2021; the count ended in March 2021.")
    labels = {g.key for g in compare([a, b]).facts if g.kind == "date"}
    assert {"March 3, 2021", "March 9", "March 2021"} <= labels
    assert not any(label[:1].isdigit() or label.startswith("-") for label in labels)


def test_attributions() -> None:
    body = (
        "According to CENTCOM, the targets included command centres. "
        "“We don’t seek escalation,” said Becca Wasser, a senior analyst. "
        "The Iraqi government said the strikes were illegal. "
        "Ryder said the strikes sent a message. "
        "U.S. National Security Council spokesperson John Kirby told journalists that the goal "
        "was to stop attacks. "
        "“Make no mistake,” he said. "
        "Alongside the reported airstrikes, rockets were fired."
    )
    facts = [f for f in extract(make("a", body)) if f.kind == "attribution"]
    speakers = [f.value for f in facts]
    assert speakers == [
        "CENTCOM",
        "Becca Wasser",
        "The Iraqi government",
        "Ryder",
        "U.S. National Security Council spokesperson John Kirby",
    ]
    assert facts[1].thing.startswith("We don’t seek escalation")
    assert facts[2].thing.startswith("the strikes were illegal")
    assert all(body[f.start : f.end] == f.text for f in facts)


# --- facts: grouping and conflicts --------------------------------------------------------


def test_different_numbers_for_the_same_claim_conflict() -> None:
    a = make("a", "An air strike on the central market in Kabul killed 16 people, officials said.")
    b = make("b", "Officials said an air strike on the Kabul central market killed 23 people.")
    groups = group([a, b])
    killed = group_with(groups, "16 people")
    assert killed.conflict
    assert {f.article_id for f in killed.facts} == {"a", "b"}
    assert killed.reason.startswith("different numbers:")
    assert "16 people" in killed.reason and "23 people" in killed.reason
    assert groups[0] is killed  # conflicts first


def test_tolls_in_different_places_are_different_claims() -> None:
    a = make("a", "The Iraqi government said that 16 people were killed in Iraq.")
    b = make("b", "The monitor said the strikes killed 23 people in Syria.")
    groups = group([a, b])
    assert not any(g.conflict for g in groups)
    assert group_with(groups, "16 people") is not group_with(groups, "23 people")


def test_same_count_with_different_nouns_conflicts() -> None:
    a = make("a", "One such strike killed three American contractors near the border.")
    b = make("b", "The attack near the border killed three American soldiers.")
    c = make("c", "A drone killed three U.S. servicemen at the base near the border.")
    ab = group_with(group([a, b]), "three American contractors")
    assert ab.conflict and "different nouns" in ab.reason
    bc = group_with(group([b, c]), "three American soldiers")
    assert not bc.conflict
    assert {f.article_id for f in bc.facts} == {"b", "c"}


def test_qualifier_only_differences_do_not_conflict() -> None:
    a = make("a", "The military hit 85 targets.")
    b = make("b", "The strikes targeted more than 85 different locations.")
    targets = group_with(group([a, b]), "85 targets")
    assert not targets.conflict
    assert len(targets.facts) == 2
    assert targets.reason.startswith("same count, qualifiers differ")


def test_sample_contractors_versus_servicemen(sample: dict[str, Article]) -> None:
    comparison = compare([sample["002"], sample["004"]])
    killed = group_with(comparison.facts, "three American contractors")
    assert killed.conflict
    assert comparison.facts[0] is killed
    assert "contractors" in killed.reason and "servicemen" in killed.reason
    sentences = {f.sentence for f in killed.facts}
    assert any(
        "killed three American contractors near the Jordanian border" in s for s in sentences
    )
    assert any("killing three U.S. servicemen" in s for s in sentences)
    assert {f.article_id for f in killed.facts} == {sample["002"].id, sample["004"].id}


def test_sample_troops_versus_servicemen_agree(sample: dict[str, Article]) -> None:
    comparison = compare([sample["003"], sample["004"]])
    killed = group_with(comparison.facts, "three American troops")
    assert not killed.conflict
    assert killed.key.startswith("military personnel killed")
    assert {f.text for f in killed.facts} >= {"three U.S. servicemen", "Three U.S. Army troops"}
    # 003's 16 (Iraqi government) and 004's 23 (Syrian Observatory, in Syria) stay apart.
    assert group_with(comparison.facts, "16 people") is not group_with(
        comparison.facts, "at least 23 people"
    )
    assert not any(g.conflict for g in comparison.facts)
    # But 003's troops against 002's contractors do conflict.
    other = compare([sample["002"], sample["003"]])
    assert group_with(other.facts, "three American troops").conflict


# --- engine ---------------------------------------------------------------------------


def test_compare_takes_two_to_four_articles() -> None:
    article = make("a", "Something happened.")
    with pytest.raises(ValueError, match="compare takes 2 to 4 articles"):
        compare([article])
    with pytest.raises(ValueError, match="compare takes 2 to 4 articles"):
        compare([make(str(i), "Something happened.") for i in range(5)])


def _bbc_article(files: list[Path], article_id: str, words: int) -> Article:
    """About ``words`` words of BBC stories, concatenated, as one article."""
    parts: list[str] = []
    count = 0
    for path in files:
        parts.append(path.read_text(encoding="latin-1").strip())
        count += len(parts[-1].split())
        if count >= words:
            break
    return make(article_id, "\n\n".join(parts))


def test_two_long_articles_compare_fast(corpora: Path) -> None:
    files = sorted((corpora / "bbc" / "politics").glob("*.txt"))
    a = _bbc_article(files[:40], "a", 2000)
    b = _bbc_article(files[40:80], "b", 2000)
    assert len(a.body.split()) >= 2000 and len(b.body.split()) >= 2000
    # The first call, not the best of several: the analyst waits for the first one.
    elapsed = _timed(a, b)
    assert elapsed < 0.2, f"compare took {elapsed:.3f}s"


def _timed(a: Article, b: Article) -> float:
    started = time.thread_time()
    comparison = compare([a, b])
    elapsed = time.thread_time() - started
    assert comparison.passages and comparison.facts
    return elapsed
