"""Facts for any news: casualty verbs in every form, measures, places, speakers, labels."""

from __future__ import annotations

from briefing.compare.facts import group, read_facts
from briefing.compare.facts_places import place_of, places_in
from briefing.compare.model import Fact, FactGroup
from briefing.corpus.model import Article


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


def numeric(body: str) -> dict[str, Fact]:
    """Counts and measures of one body, by their text."""
    return {f.text: f for f in extract(make("a", body)) if f.kind in {"count", "measure"}}


def group_with(groups: tuple[FactGroup, ...], text: str) -> FactGroup:
    """The one count or measure group holding a fact whose text is ``text``."""
    found = [g for g in groups if g.kind != "attribution" and any(f.text == text for f in g.facts)]
    assert len(found) == 1, (text, [g.key for g in found])
    return found[0]


def test_casualty_verbs_in_every_form() -> None:
    facts = numeric(
        "The tram crash left 7 dead and 18 injured. "
        "Two were missing and 300 residents were evacuated. "
        "Guards arrested five men; overnight the death toll rose to 9. "
        "The storm forced 4,000 villagers from their homes."
    )
    assert facts["7"].thing == "people killed"
    assert facts["18"].thing == "people injured"
    assert facts["Two"].thing == "people missing"
    assert facts["300 residents"].thing == "residents evacuated"
    assert facts["five men"].thing == "men arrested"
    assert facts["9"].thing == "people killed"
    assert facts["4,000 villagers"].thing == "villagers displaced"


def test_wounded_hurt_and_injured_are_one_thing() -> None:
    a = make("a", "The blast at the depot killed two guards, injuring 14 others.")
    b = make("b", "Two guards died in the depot blast and 14 people were hurt.")
    c = make("c", "Fourteen were wounded when the depot blew up.")
    injured = group_with(group([a, b, c]), "14 others")
    assert injured.key == "people injured"
    assert {f.article_id for f in injured.facts} == {"a", "b", "c"}
    assert not injured.conflict
    assert injured.reason == "agree: 14"


def test_measures_with_units_and_scales() -> None:
    facts = numeric(
        "The 5.8-magnitude tremor was 12 km deep. "
        "Turnout was 58.5%, and the fine reached €3.4m, or 3.4 million euros. "
        "Farmers lost 2,000 tonnes of wheat on 150 hectares."
    )
    magnitude = facts["5.8-magnitude"]
    assert (magnitude.kind, magnitude.number, magnitude.thing) == (
        "measure",
        5.8,
        "earthquake magnitude",
    )
    assert facts["12 km"].thing == "depth"
    assert facts["58.5%"].thing == "turnout"
    assert facts["€3.4m"].number == 3_400_000
    assert facts["3.4 million euros"].value == "3.4 million euros"
    assert facts["2,000 tonnes"].number == 2000
    assert facts["150 hectares"].kind == "measure"


def test_different_measures_conflict_and_same_ones_agree() -> None:
    a = make("a", "A magnitude 5.4 quake shook the valley, seismologists said.")
    b = make("b", "The quake, of magnitude 5.9, shook the valley at dawn.")
    c = make("c", "Seismologists put the valley quake at magnitude 5.4.")
    assert group_with(group([a, b]), "magnitude 5.4").conflict
    same = group_with(group([a, c]), "magnitude 5.4")
    assert not same.conflict and same.key == "earthquake magnitude"


def test_money_in_different_currencies_is_not_compared() -> None:
    a = make("a", "The club paid $12 million for the striker.")
    b = make("b", "The club paid 11 million euros for the striker.")
    groups = group([a, b])
    assert group_with(groups, "$12 million") is not group_with(groups, "11 million euros")
    assert not any(g.conflict for g in groups)


def test_rounded_figures_agree_but_revised_tolls_conflict() -> None:
    a = make("a", "Around 5,000 fans were evacuated from the stadium.")
    b = make("b", "Stewards evacuated 5,200 fans from the stadium.")
    assert not group_with(group([a, b]), "Around 5,000 fans").conflict
    c = make("c", "The landslide killed at least 20 miners, the company said.")
    d = make("d", "The company said the landslide killed 24 miners.")
    assert group_with(group([c, d]), "at least 20 miners").conflict


def test_places_come_from_the_gazetteer() -> None:
    assert place_of("Chile") == "Chile"
    assert place_of("Nairobi") == "Kenya"
    assert place_of("Ghanaian") == "Ghana"
    assert place_of("Nigerian") == "Nigeria"
    assert place_of("Tuesday") == ""
    assert places_in("Floods in Kenya and the Ugandan government said") == frozenset(
        {"Kenya", "Uganda"}
    )
    a = make("a", "Floods killed 8 people in Kenya.")
    b = make("b", "Floods killed 12 people in Uganda.")
    groups = group([a, b])
    assert not any(g.conflict for g in groups)


def test_attributions_in_common_reporting_forms() -> None:
    body = (
        "The port will reopen on Monday, harbour master Lena Berg told reporters. "
        "The mayor of Gdynia, Piotr Lis, said two ships were damaged. "
        "Mark Owen, a spokesman for the shipping line, said crews were safe. "
        "“We lost nothing,” said Ada Kim."
    )
    speakers = [f.value for f in extract(make("a", body)) if f.kind == "attribution"]
    assert "Piotr Lis" in speakers
    assert "Mark Owen" in speakers
    assert "Ada Kim" in speakers
    assert any(s.endswith("Lena Berg") for s in speakers)


def test_one_quote_given_to_two_speakers_conflicts() -> None:
    a = make("a", "“We will rebuild every bridge,” Governor Maria Silva said.")
    b = make("b", "“We will rebuild every bridge,” said Roads Minister Paulo Reis.")
    who = [g for g in group([a, b]) if g.kind == "attribution" and g.conflict]
    assert len(who) == 1
    assert "Silva" in who[0].reason and "Reis" in who[0].reason


def test_labels_read_as_people_not_as_nouns() -> None:
    a = make("a", "Shelling killed 3 Palestinians and wounded 10 at the hospital.")
    b = make("b", "Three Palestinians were killed and ten were injured near a hospital.")
    keys = {g.key for g in group([a, b])}
    assert "Palestinians killed" in keys
    assert "people injured" in keys
    assert not any("hospital" in k for k in keys)


def test_compound_number_words_are_one_number() -> None:
    facts = numeric("Seven hundred volunteers cleared the beach.")
    assert facts["Seven hundred volunteers"].number == 700
    a = make("a", "More than 700 volunteers cleared the beach on Sunday.")
    b = make("b", "Seven hundred volunteers cleared the beach on Sunday.")
    assert not group_with(group([a, b]), "More than 700 volunteers").conflict


def test_a_part_of_a_whole_and_the_size_of_a_body_count_seats() -> None:
    facts = numeric("The Greens won 40 of the 120 seats in the regional chamber.")
    assert (facts["40"].number, facts["40"].thing) == (40, "seats")
    assert facts["120 seats"].number == 120
    sized = numeric("The party will have 40 members in a 120-member regional chamber.")
    assert sized["120-member regional chamber"].number == 120
    a = make("a", "The Greens won 40 of the 120 seats in the regional chamber.")
    b = make("b", "The Greens took 40 seats in the 120-member regional chamber.")
    groups = group([a, b])
    whole = group_with(groups, "120 seats")
    assert {f.article_id for f in whole.facts} == {"a", "b"} and not whole.conflict
    assert not any(g.conflict for g in groups)


def test_a_verb_before_a_determiner_is_not_the_counted_noun() -> None:
    facts = numeric("Nine lorries hit the barrier and 12 climbers left their camp.")
    assert facts["Nine lorries"].thing == "lorries"
    assert facts["12 climbers"].thing == "climbers"


def test_a_figure_given_for_comparison_is_not_the_figure() -> None:
    a = make("a", "Inflation was 3.1% in May, down from 3.4% in April, the bureau said.")
    b = make("b", "Consumer price inflation slowed to 3.3% last month.")
    groups = group([a, b])
    now = group_with(groups, "3.1%")
    assert now.conflict and {f.number for f in now.facts} == {3.1, 3.3}
    assert not group_with(groups, "3.4%").conflict


def test_each_article_s_one_figure_for_a_specific_measure_is_compared() -> None:
    a = make("a", "A magnitude 5.2 tremor hit the coast at dawn, damaging the harbour wall.")
    b = make("b", "Seismologists later put the quake at magnitude 5.5.")
    assert group_with(group([a, b]), "magnitude 5.2").conflict
    c = make("c", "The bank's stock ended 2.5% lower, after dropping as much as 5% early on.")
    d = make("d", "Shares in the lender fell 2.8% as investors took fright.")
    price = group_with(group([c, d]), "2.5%")
    assert price.conflict and {f.number for f in price.facts} == {2.5, 2.8}


def test_only_round_figures_are_roundings() -> None:
    a = make("a", "The coalition is expected to hold around 37 seats, officials said.")
    b = make("b", "The coalition is expected to hold 35 seats, officials said.")
    assert group_with(group([a, b]), "around 37 seats").conflict


def test_deals_and_houses_count_as_agreements_and_homes() -> None:
    a = make("a", "The two ministers signed nine accords on energy and trade.")
    b = make("b", "The two ministers signed 11 agreements on energy and trade.")
    assert group_with(group([a, b]), "nine accords").conflict
    c = make("c", "The storm flattened 800 houses along the coast.")
    d = make("d", "The storm flattened 800 homes along the coast.")
    assert not group_with(group([c, d]), "800 houses").conflict


def test_prepositions_and_hyphenated_adjectives_in_counted_phrases() -> None:
    facts = numeric("Some 2,000 pupils between the ages of six and ten sat the test.")
    assert facts["Some 2,000 pupils"].thing == "pupils"
    hyphen = numeric("Crews flew 12 fire-fighting helicopters over the hills.")
    assert hyphen["12 fire-fighting helicopters"].thing == "fire-fighting helicopters"
