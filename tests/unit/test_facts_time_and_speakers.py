"""Facts beyond casualty verbs: durations, ages, tolls of any people, speakers named twice."""

from __future__ import annotations

from briefing.compare.facts import group
from briefing.compare.facts_quotes import speaker_key
from briefing.compare.model import FactGroup
from tests.unit.test_facts import group_with, make, numeric


def compare(one: str, two: str) -> tuple[FactGroup, ...]:
    return group([make("one", one), make("two", two)])


def test_durations_in_every_form_keep_the_article_s_number() -> None:
    found = numeric(
        "The walkout became a five-day stoppage. Talks lasted 11 hours. The dam stayed "
        "shut for another two weeks after a year-long dispute."
    )
    assert found["five-day stoppage"].number == 5
    assert found["five-day stoppage"].thing == "length of the stoppage"
    assert found["11 hours"].number == 11
    assert found["two weeks"].value == "2 weeks"
    assert found["a year-long dispute"].number == 1


def test_durations_are_compared_in_days() -> None:
    groups = compare(
        "Teachers began a four-week strike on Monday over class sizes.",
        "Teachers began a strike on Monday over class sizes that will run for a month.",
    )
    agree = group_with(groups, "four-week strike")
    assert not agree.conflict, agree.reason
    groups = compare(
        "The pipeline will be closed for ten days while engineers repair the leak.",
        "The pipeline will be closed for three weeks while engineers repair the leak.",
    )
    assert group_with(groups, "ten days").conflict


def test_a_window_or_a_time_ago_is_no_duration() -> None:
    found = numeric("Prices rose in the past seven days. The mill shut 20 years ago.")
    assert not any("days" in t or "years" in t for t in found)


def test_ages_in_the_forms_news_copy_uses() -> None:
    found = numeric(
        "Farah Haddad, 29, and her brother, aged 33, were questioned. "
        "A 71-year-old pensioner was unhurt. In May, 14, the council met."
    )
    assert {f.number for f in found.values() if f.thing == "age"} == {29, 33, 71}
    groups = compare(
        "The pilot, Omar Salem, 44, landed the plane safely on the motorway.",
        "The 45-year-old pilot landed the plane safely on the motorway.",
    )
    assert group_with(groups, "44").conflict


def test_a_toll_of_workers_is_a_toll_of_people() -> None:
    groups = compare(
        "A scaffold collapsed at a tower site in the harbour district, killing 6 workers.",
        "Eight people died when a scaffold collapsed at a tower site in the harbour district.",
    )
    toll = group_with(groups, "6 workers")
    assert toll.conflict and toll.key.endswith("killed")


def test_trapped_and_rescued_are_events() -> None:
    found = numeric("Crews rescued 40 climbers, and 3 hikers remain trapped.")
    assert found["40 climbers"].thing == "climbers rescued"
    assert found["3 hikers"].thing == "hikers trapped"


def test_a_percentage_of_profit_is_not_one_of_sales_in_another_clause() -> None:
    found = numeric("Exports fell 12% in May, while sales at home rose. Profit fell 9%.")
    assert found["12%"].thing == "percentage"
    assert found["9%"].thing == "profit"
    found = numeric("Unemployment stood at 6%, against a target of under 5%.")
    assert found["under 5%"].thing.endswith("earlier")


def test_speakers_named_differently_are_one_speaker() -> None:
    assert speaker_key("Analyst Ines Duarte of Lisbon Capital") == "duarte"
    assert speaker_key("Minister of Finance") != speaker_key("Minister of Justice")
    assert speaker_key("Peru's transport ministry") == speaker_key(
        "the Peruvian transport ministry"
    )
    groups = compare(
        "The water board said supplies were safe. Rivers rose, said Lena Voss, a hydrologist.",
        "Supplies were safe, the city water board said. Lena Voss said the rivers rose.",
    )
    said = {g.key for g in groups if g.kind == "attribution" and len(g.facts) == 2}
    assert "said by Lena Voss" in said


def test_a_body_named_by_its_noun_alone_is_the_body_named_in_full() -> None:
    groups = compare(
        "The transport ministry said the bridge was closed.",
        "The bridge was closed, the ministry said.",
    )
    said = [g for g in groups if g.kind == "attribution"]
    assert [len(g.facts) for g in said] == [2]


def test_a_bare_ministry_is_not_one_named_with_its_country() -> None:
    groups = compare(
        "The Chilean ministry said talks would resume. The Ministry also noted delays.",
        "Talks will resume, officials said.",
    )
    keys = {g.key for g in groups if g.kind == "attribution"}
    assert "said by The Chilean ministry" in keys and "said by The Ministry" in keys
