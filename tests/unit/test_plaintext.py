"""Pasted plain text: metadata from the top, boilerplate out of the body."""

from __future__ import annotations

import random
import time
from datetime import date
from pathlib import Path

import pytest

from briefing.corpus.boilerplate import clean_body
from briefing.corpus.metadata import parse_pasted
from briefing.corpus.model import Draft
from briefing.corpus.sanitize import sanitize_text

SAMPLES = Path(__file__).resolve().parents[2] / "sample_corpus"

# Article paragraphs long enough that the boilerplate around them is a small share.
P1 = (
    "The ministry said on Tuesday that talks with its neighbours would resume next week "
    "after a pause of several months, officials confirmed in a short statement."
)
P2 = (
    "Diplomats from both sides are expected to meet in Geneva, where earlier rounds ended "
    "without agreement on the disputed border crossings and the return of refugees."
)
P3 = (
    "Analysts cautioned that the renewed contacts did not mean a settlement was close, "
    "noting that similar announcements had come to nothing twice in the past year."
)
ARTICLE = f"{P1}\n{P2}\n{P3}"


def sample(prefix: str) -> Draft:
    path = next(SAMPLES.glob(f"{prefix}_*.txt"))
    return parse_pasted(sanitize_text(path.read_text(encoding="utf-8")))


def paragraphs(body: str) -> list[str]:
    return body.split("\n\n") if body else []


# --- the sample corpus -------------------------------------------------------------------


def test_sample_000_first_line_is_the_title() -> None:
    draft = sample("000")
    assert draft.title == (
        "Tensions between Iran and the US reached alarming points this Friday after a second "
        "US base in Syria was attacked, allegedly by Iranian-affiliated groups."
    )
    assert (draft.published, draft.source, draft.author) == (None, None, None)
    assert draft.inferred == frozenset({"title"})
    assert draft.body.startswith("Following an airstrike on facilities")
    assert "Tensions between Iran and the US reached alarming" not in draft.body
    assert draft.body.endswith("in February 2020.")


def test_sample_001_byline_and_comments() -> None:
    draft = sample("001")
    assert draft.title == (
        "2nd Round Of US Airstrikes Over Syria As Militias Fire Rockets On Occupied Gas Fields"
    )
    assert draft.source == "Zero Hedge"
    assert draft.author == "Tyler Durden"
    assert draft.published is None
    assert draft.inferred == frozenset({"title", "source", "author"})
    assert draft.body.startswith("Update(1833ET)The Pentagon said Wednesday")
    assert draft.body.endswith("have remained much more uncommon.")
    for gone in (
        "Global Communism",
        "Location, location, location",
        "One thought on",
        "Join the Conversation",
        "Your email address",
        "Zero Hedge – by",
    ):
        assert gone not in draft.body
    assert "* * *" in draft.body
    assert "removed reader comments" in draft.warnings


def test_sample_002_date_line_related_links_bio_and_breadcrumb() -> None:
    draft = sample("002")
    assert draft.published == date(2024, 5, 23)
    assert draft.title == (
        "Rockets from Iraq hit US coalition base in Syria, Iran-linked militants blamed"
    )
    assert draft.author == "Mezhar Alee"  # from the bio block at the end
    assert draft.source is None
    assert draft.inferred == frozenset({"title", "published", "author"})
    for gone in (
        "Israeli President Says 'Best Thing'",
        "Asia-Pacific Markets",
        "Delta Flight Diverted",
        ">>Related",
        "Please enter your comment!",
        "Please enter your name here",
        "is a prolific author",
        "Mezhar Alee",
        "Latest Post",
        "Related Posts",
        "HomeWAR",
        "Thursday, May 23, 2024",
    ):
        assert gone not in draft.body
    assert "The regime has demonstrated a willingness" in draft.body
    assert draft.body.startswith("Tensions erupted in a blaze of fury late Sunday")
    assert draft.body.endswith("like a raging wildfire.")
    assert "Rockets from Iraq hit US coalition base" not in draft.body
    assert "removed 3 related-link lines" in draft.warnings
    assert "removed reader comments" in draft.warnings


def test_sample_003_title_no_date() -> None:
    draft = sample("003")
    assert draft.title == (
        "US Carries Out Retaliatory Strikes on Iranian-Linked Forces in Iraq and Syria"
    )
    assert draft.published is None
    assert draft.body.startswith("In a swift and decisive response")
    assert len(paragraphs(draft.body)) == 8


def test_sample_004_metadata_line_glued_to_first_sentence() -> None:
    draft = sample("004")
    assert draft.title == "US launches retaliatory airstrikes in Iraq and Syria, killing dozens"
    assert draft.published == date(2024, 2, 4)
    assert draft.body.startswith(
        "The United States military conducted a wave of airstrikes in Iraq and Syria"
    )
    assert "Leave a comment" not in draft.body
    assert "No Comments on" not in draft.body
    assert "Middle East, News, US" not in draft.body
    assert draft.body.count("John Kirby told journalists") == 1
    assert "January 28, 2024" in draft.body  # prose dates stay, and are not the date
    assert "pic.twitter.com/Y53nvRfjjx" in draft.body
    assert "— U.S. Central Command (@CENTCOM) February 3, 2024" in draft.body
    assert "collapsed 1 repeated paragraph" in draft.warnings


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_samples_body_shape(prefix: str) -> None:
    draft = sample(prefix)
    assert draft.plain is False
    assert "\n\n\n" not in draft.body
    assert draft.body == draft.body.strip()
    for paragraph in paragraphs(draft.body):
        assert paragraph == paragraph.strip()
        assert "\n" not in paragraph
    filled = {
        name
        for name in ("title", "source", "author", "published")
        if getattr(draft, name) is not None
    }
    assert draft.inferred == filled


def test_clean_body_alone_on_a_sample_keeps_unknown_metadata() -> None:
    # Other formats call clean_body on bodies that carry their metadata elsewhere.
    path = next(SAMPLES.glob("004_*.txt"))
    body, warnings = clean_body(path.read_text(encoding="utf-8"))
    assert "Leave a comment" not in body
    assert body.count("John Kirby told journalists") == 1
    assert "removed reader comments" in warnings


# --- clean_body: paragraphs ----------------------------------------------------------------


def test_single_newlines_become_paragraphs_and_spaces_are_trimmed() -> None:
    body, warnings = clean_body(f"{P1}   \r\n{P2}\n\n\n\n  {P3}\t\n")
    assert body == f"{P1}\n\n{P2}\n\n{P3}"
    assert warnings == ()


def test_runs_of_spaces_and_no_break_spaces_collapse() -> None:
    body, _ = clean_body("The\u00a0Jerusalem Post\u00a0 reports  that")
    assert body == "The Jerusalem Post reports that"


def test_hard_wrapped_text_is_joined_into_paragraphs() -> None:
    text = (
        "The ministry said on Tuesday that talks would resume next week after a\n"
        "pause of several months, officials confirmed in a statement released to\n"
        "the press late in the evening.\n"
        "\n"
        "A second paragraph follows here with some more words that run over the\n"
        "line limit and continue on the next line.\n"
        "Short last line, a paragraph of its own since it fitted on the line above.\n"
    )
    body, _ = clean_body(text)
    assert paragraphs(body) == [
        "The ministry said on Tuesday that talks would resume next week after a pause of "
        "several months, officials confirmed in a statement released to the press late in "
        "the evening.",
        "A second paragraph follows here with some more words that run over the line limit "
        "and continue on the next line.",
        "Short last line, a paragraph of its own since it fitted on the line above.",
    ]


def test_wire_copy_with_indented_paragraphs_is_joined() -> None:
    text = (
        "Showers continued throughout the week in\n"
        "the Bahia cocoa zone, alleviating the drought since early\n"
        "January and improving prospects for the coming temporao,\n"
        "Comissaria Smith said in its weekly review.\n"
        "    The dry period means the temporao will be late this year.\n"
        "    Arrivals for the week ended February 22 were 155,221 bags\n"
        "of 60 kilos making a cumulative total for the season of 5.93\n"
        "mln against 5.81 at the same stage last year.\n"
    )
    body, _ = clean_body(text)
    assert len(paragraphs(body)) == 3
    assert paragraphs(body)[1] == "The dry period means the temporao will be late this year."


def test_short_one_line_paragraphs_are_not_joined() -> None:
    text = "Title\n  Quoted line\nPara one short.\nPara two short.\nPara three short.\n"
    body, _ = clean_body(text)
    assert len(paragraphs(body)) == 5


# --- clean_body: boilerplate --------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "One thought on “Talks resume next week”",
        "3 thoughts on “Talks resume next week”",
        "12 Comments",
        "Join the Conversation",
        "Leave a comment",
        "Leave a Reply",
        "Leave a Reply Cancel reply",
        "Please enter your comment!",
        "Please enter your name here",
        "Your email address will not be published. Required fields are marked *",
        "Comments are closed.",
        "You must be logged in to post a comment.",
    ],
)
def test_comment_sections_are_cut_from_their_header(header: str) -> None:
    comment = "Great article, totally agree with the author, thanks for sharing this with us."
    body, warnings = clean_body(f"{ARTICLE}\n\n{header}\n\n{comment}\nReply")
    assert body == f"{P1}\n\n{P2}\n\n{P3}"
    assert "removed reader comments" in warnings


def test_leave_a_comment_inside_a_sentence_stays() -> None:
    middle = "Readers who wish to leave a comment on the proposal can write to the ministry."
    also = "One thought on the matter was shared by most delegates: patience."
    text = f"{P1}\n{middle}\n{also}\n{P2}\nThe forum said comments are closed for now.\n{P3}"
    body, warnings = clean_body(text)
    assert middle in body
    assert also in body
    assert "comments are closed for now" in body
    assert P3 in body
    assert warnings == ()


def test_cut_that_would_remove_most_of_the_text_is_refused() -> None:
    text = f"Intro one.\nIntro two.\nIntro three.\nLeave a Reply\n{ARTICLE}\n{P1} {P3}"
    body, warnings = clean_body(text)
    assert P1 in body and P2 in body and P3 in body
    assert "Leave a Reply" not in body
    assert any(w.startswith("kept text after 'Leave a Reply'") for w in warnings)
    assert "removed reader comments" not in warnings


def test_comment_count_in_the_byline_area_is_dropped_quietly() -> None:
    body, warnings = clean_body(f"12 Comments\n{ARTICLE}")
    assert body == f"{P1}\n\n{P2}\n\n{P3}"
    assert warnings == ()


def test_a_later_header_is_still_cut_after_an_early_one_is_refused() -> None:
    text = f"Leave a comment\n{ARTICLE}\n{P1} {P2}\nJoin the Conversation\nnice one"
    body, warnings = clean_body(text)
    assert "nice one" not in body
    assert body.endswith(f"{P1} {P2}")
    assert "removed reader comments" in warnings


@pytest.mark.parametrize(
    "line",
    [
        ">>Related  Israeli President Says 'Best Thing' Is For All To Remain Puzzled",
        ">> Related: Markets slide as rates hold",
        "Related: Markets slide as rates hold",
        "RELATED: Markets slide as rates hold",
        "Read more: Markets slide as rates hold",
        "Also read: Markets slide as rates hold",
    ],
)
def test_related_link_lines_are_removed(line: str) -> None:
    body, warnings = clean_body(f"{P1}\n{line}\n{P2}\n{P3}")
    assert body == f"{P1}\n\n{P2}\n\n{P3}"
    assert warnings == ("removed 1 related-link line",)


def test_related_link_lines_are_counted() -> None:
    text = f"{P1}\n>>Related One\n{P2}\nRelated: Two\n{P3}\nRead more: Three"
    body, warnings = clean_body(text)
    assert body == f"{P1}\n\n{P2}\n\n{P3}"
    assert "removed 3 related-link lines" in warnings


@pytest.mark.parametrize(
    "header", ["Related Posts", "Latest Post", "Latest Posts", "Recommended", "Popular"]
)
def test_trailing_link_sections_are_removed(header: str) -> None:
    links = "Markets slide as rates hold\nDelta flight diverted to Canada\nMay 23, 2024"
    body, warnings = clean_body(f"{ARTICLE}\n\n{header}\n\n{links}")
    assert body == f"{P1}\n\n{P2}\n\n{P3}"
    assert len(warnings) == 1 and header in warnings[0]


def test_ambiguous_heading_inside_the_article_is_kept() -> None:
    text = f"{P1}\nRecommended\n{P2}\n{P3}"
    body, warnings = clean_body(text)
    assert body == f"{P1}\n\nRecommended\n\n{P2}\n\n{P3}"
    assert warnings == ()


def test_related_list_inside_the_article_goes_but_the_article_stays() -> None:
    text = f"{P1}\nRelated Posts\nMarkets slide as rates hold\nDelta flight diverted\n{P2}\n{P3}"
    body, _ = clean_body(text)
    assert body == f"{P1}\n\n{P2}\n\n{P3}"


def test_author_bio_block_is_removed() -> None:
    bio = (
        "Jane Doe is a prolific author who provides commentary on politics and current "
        "events on her website."
    )
    body, warnings = clean_body(f"{ARTICLE}\nJane Doe\nJane Doe\n{bio}")
    assert body == f"{P1}\n\n{P2}\n\n{P3}"
    assert "removed author bio" in warnings


def test_about_the_author_block_is_removed() -> None:
    bio = "Jane covers the Middle East from Beirut and has reported from twelve countries."
    body, warnings = clean_body(f"{ARTICLE}\nAbout the author\n{bio}")
    assert body == f"{P1}\n\n{P2}\n\n{P3}"
    assert "removed author bio" in warnings


def test_prose_about_a_journalist_is_not_a_bio() -> None:
    prose = "Evan Gershkovich is a reporter for the Wall Street Journal who was detained in 2023."
    body, warnings = clean_body(f"{P1}\n{prose}\n{P2}")
    assert prose in body
    assert warnings == ()


@pytest.mark.parametrize(
    "line",
    [
        "Share this:",
        "Share on Facebook",
        "Click to share on Twitter (Opens in new window)",
        "Subscribe to our newsletter",
        "Follow us on Twitter",
        "Sign up for our daily briefing",
        "Like this:",
    ],
)
def test_share_and_subscribe_lines_are_removed(line: str) -> None:
    body, warnings = clean_body(f"{P1}\n{P2}\n{line}\n{P3}")
    assert body == f"{P1}\n\n{P2}\n\n{P3}"
    assert warnings == ("removed 1 share/subscribe line",)


@pytest.mark.parametrize(
    "line",
    [
        "HomeWARRockets from Iraq hit US coalition base in Syria",
        "Home » World » Middle East",
        "Skip to content",
        "Advertisement",
        "5 min read",
    ],
)
def test_navigation_lines_are_removed(line: str) -> None:
    body, warnings = clean_body(f"{line}\n{P1}\n{P2}\n{P3}")
    assert body == f"{P1}\n\n{P2}\n\n{P3}"
    assert warnings == ("removed 1 navigation line",)


def test_prose_that_starts_like_navigation_stays() -> None:
    line = "Home Secretary James Cleverly said the visit would go ahead"
    body, warnings = clean_body(f"{line}\n{P1}")
    assert body == f"{line}\n\n{P1}"
    assert warnings == ()


def test_tweet_embed_remnants_are_kept_verbatim() -> None:
    tweet = "We will continue to take action, and… pic.twitter.com/Y53nvRfjjx"
    credit = "— U.S. Central Command (@CENTCOM) February 3, 2024"
    body, _ = clean_body(f"{P1}\n{tweet}\n{credit}\n{P2}")
    assert body == f"{P1}\n\n{tweet}\n\n{credit}\n\n{P2}"


def test_repeated_paragraphs_are_collapsed_to_the_first() -> None:
    body, warnings = clean_body(f"{P1}\n{P2}\n{P3}\n{P2}\n* * *\n{P1}\n* * *")
    assert body == f"{P1}\n\n{P2}\n\n{P3}\n\n* * *\n\n* * *"
    assert "collapsed 2 repeated paragraphs" in warnings


def test_empty_and_blank_bodies() -> None:
    assert clean_body("") == ("", ())
    assert clean_body(" \n\n \t\n") == ("", ())


# --- parse_pasted: dates -----------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Thursday, May 23, 2024",
        "May 23, 2024",
        "23 May 2024",
        "23rd of May, 2024",
        "May. 23, 2024",
        "2024-05-23",
        "2024-05-23T10:30:00Z",
        "Published: May 23, 2024 10:30 am EDT",
        "Posted on Thu, May 23, 2024",
        "Updated 2024/05/23",
    ],
)
def test_date_lines(line: str) -> None:
    draft = parse_pasted(f"Talks resume\n{line}\n{ARTICLE}")
    assert draft.published == date(2024, 5, 23)
    assert "published" in draft.inferred
    assert draft.body == f"{P1}\n\n{P2}\n\n{P3}"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("February 4, 2024", date(2024, 2, 4)),
        ("4 February 2024", date(2024, 2, 4)),
        ("Feb. 4, 2024", date(2024, 2, 4)),
        ("Sept. 4, 2024", date(2024, 9, 4)),
        ("2024-02-04", date(2024, 2, 4)),
    ],
)
def test_date_formats(line: str, expected: date) -> None:
    assert parse_pasted(f"Talks resume\n\n{line}\n\n{P1}").published == expected


def test_date_line_before_the_title() -> None:
    draft = parse_pasted(f"Thursday, May 23, 2024\n\nTalks resume\n\n{P1}")
    assert draft.title == "Talks resume"
    assert draft.published == date(2024, 5, 23)
    assert draft.body == P1


@pytest.mark.parametrize("line", ["World | February 4, 2024", "Posted on February 4, 2024"])
def test_category_and_date_line_above_the_title(line: str) -> None:
    draft = parse_pasted(f"{line}\nTalks resume\n{P1}")
    assert (draft.title, draft.published, draft.body) == ("Talks resume", date(2024, 2, 4), P1)


def test_headline_ending_in_a_date_stays_the_title() -> None:
    draft = parse_pasted(f"Iran Attack March 3, 2024\n{P1}")
    assert draft.title == "Iran Attack March 3, 2024"
    assert draft.published is None


def test_impossible_date_is_ignored() -> None:
    draft = parse_pasted(f"Talks resume\nFebruary 30, 2024\n{P1}")
    assert draft.published is None
    assert "published" not in draft.inferred


def test_dates_in_prose_are_not_the_publication_date() -> None:
    sentence = "On February 4, 2024, the ministry said talks would resume next week."
    draft = parse_pasted(f"Talks resume\n{sentence}\n{P1}")
    assert draft.published is None
    assert draft.body == f"{sentence}\n\n{P1}"
    deep = parse_pasted(f"Talks resume\n{P1}\n{P2}\nFebruary 4, 2024\n{P3}")
    assert deep.published is None
    assert "February 4, 2024" in deep.body


def test_date_far_below_the_top_is_ignored() -> None:
    filler = "\n".join(f"A short line of a list of things, number {n}" for n in range(15))
    draft = parse_pasted(f"Talks resume\n{filler}\nFebruary 4, 2024\n{P1}")
    assert draft.published is None


def test_metadata_line_running_into_the_article() -> None:
    text = (
        "Talks resume in Geneva\n"
        f"World, Politics February 4, 2024 No Comments on Talks resume in Geneva{P1}\n{P2}"
    )
    draft = parse_pasted(text)
    assert draft.title == "Talks resume in Geneva"
    assert draft.published == date(2024, 2, 4)
    assert draft.body == f"{P1}\n\n{P2}"


# --- parse_pasted: bylines and titles -----------------------------------------------------


@pytest.mark.parametrize(
    ("line", "source", "author"),
    [
        ("By Jane Doe", None, "Jane Doe"),
        ("by Jane Doe", None, "Jane Doe"),
        ("By Jane Doe, Reuters", "Reuters", "Jane Doe"),
        ("By Jane Doe and John Roe", None, "Jane Doe and John Roe"),
        ("By Jane Doe, Staff Writer", None, "Jane Doe"),
        ("Jane Doe | Reuters", "Reuters", "Jane Doe"),
        ("Zero Hedge – by Tyler Durden", "Zero Hedge", "Tyler Durden"),
        ("Source: Reuters", "Reuters", None),
        ("By Jane Doe | 3 Comments", None, "Jane Doe"),
    ],
)
def test_bylines(line: str, source: str | None, author: str | None) -> None:
    draft = parse_pasted(f"Talks resume\n{line}\n{ARTICLE}")
    assert (draft.source, draft.author) == (source, author)
    assert draft.title == "Talks resume"
    assert draft.body == f"{P1}\n\n{P2}\n\n{P3}"
    expected = {"title"}
    if source is not None:
        expected.add("source")
    if author is not None:
        expected.add("author")
    assert draft.inferred == expected


def test_source_line_at_the_end() -> None:
    draft = parse_pasted(f"Talks resume in Geneva – Al Jazeera\n{P1}\n{P2}\nSource: Al Jazeera")
    assert (draft.title, draft.source) == ("Talks resume in Geneva", "Al Jazeera")
    assert draft.body == f"{P1}\n\n{P2}"


def test_source_line_with_a_url() -> None:
    draft = parse_pasted(f"Talks resume\nSource: https://www.reuters.com/world/talks\n{P1}")
    assert draft.source == "reuters.com"


def test_byline_with_date() -> None:
    draft = parse_pasted(f"Talks resume\nBy Jane Doe | Feb. 4, 2024\n{P1}")
    assert (draft.author, draft.published) == ("Jane Doe", date(2024, 2, 4))
    assert draft.body == P1


def test_byline_before_the_title() -> None:
    draft = parse_pasted(f"By Jane Doe\nTalks resume\n{P1}")
    assert (draft.title, draft.author, draft.body) == ("Talks resume", "Jane Doe", P1)


def test_headline_with_a_dash_is_not_a_byline() -> None:
    draft = parse_pasted(f"Talks resume\nMiddle East | Politics\nMarkets - a quiet week\n{P1}")
    assert (draft.source, draft.author) == (None, None)
    assert "Middle East | Politics" in draft.body


def test_name_and_outlet_on_the_first_line_is_a_title() -> None:
    draft = parse_pasted(f"Biden Speaks | Reuters\n{P1}")
    assert draft.title == "Biden Speaks | Reuters"
    assert draft.author is None


def test_site_suffix_is_stripped_when_the_site_repeats() -> None:
    draft = parse_pasted(f"Talks resume | Reuters\nBy Jane Doe, Reuters\n{P1}")
    assert draft.title == "Talks resume"
    footer = parse_pasted(f"Reuters - Talks resume in Geneva\n{P1}\n© 2024 Reuters")
    assert footer.title == "Talks resume in Geneva"


def test_site_part_is_kept_when_it_does_not_repeat() -> None:
    draft = parse_pasted(f"Biden - Iran talks stall | Analysis\n{P1}\n{P2}")
    assert draft.title == "Biden - Iran talks stall | Analysis"


def test_repeated_title_and_breadcrumb_are_removed() -> None:
    draft = parse_pasted(f"Talks resume\nTalks resume\nHome » World » Talks resume\n{P1}")
    assert draft.title == "Talks resume"
    assert draft.body == P1


def test_bio_gives_the_author_only_without_a_byline() -> None:
    bio = "Jane Doe is a freelance journalist who writes about the region for several outlets."
    draft = parse_pasted(f"Talks resume\n{ARTICLE}\nJane Doe\n{bio}")
    assert draft.author == "Jane Doe"
    assert "author" in draft.inferred
    assert "Jane Doe" not in draft.body
    bylined = parse_pasted(f"Talks resume\nBy John Roe\n{ARTICLE}\nJane Doe\n{bio}")
    assert bylined.author == "John Roe"


# --- parse_pasted: odd inputs --------------------------------------------------------------


def test_empty_input() -> None:
    draft = parse_pasted("")
    assert draft == Draft(body="")


def test_blank_input() -> None:
    draft = parse_pasted("\n \n\t\n")
    assert (draft.title, draft.body, draft.inferred) == (None, "", frozenset())


def test_one_line_input_is_title_and_body() -> None:
    draft = parse_pasted("Talks resume next week")
    assert draft.title == "Talks resume next week"
    assert draft.body == "Talks resume next week"
    assert draft.warnings == ("text has only a title line",)


def test_no_newline_long_text_has_no_title() -> None:
    text = " ".join([P1, P2, P3])
    draft = parse_pasted(text)
    assert draft.title is None
    assert draft.body == text


def test_first_line_too_long_for_a_title() -> None:
    draft = parse_pasted(f"{P1} {P2}\n{P3}")
    assert draft.title is None
    assert draft.body == f"{P1} {P2}\n\n{P3}"


def test_megabyte_single_line_is_fast() -> None:
    text = "word " * 200_000
    start = time.thread_time()
    draft = parse_pasted(text)
    assert time.thread_time() - start < 1.0
    assert draft.title is None
    assert len(draft.body) == len(text.strip())


def test_megabyte_of_paragraphs_is_fast() -> None:
    text = "\n".join(f"{n} {P1}" for n in range(6_500))
    assert len(text) > 1_000_000
    start = time.thread_time()
    draft = parse_pasted(text)
    assert time.thread_time() - start < 1.0
    assert len(paragraphs(draft.body)) == 6_499  # the first line became the title


def test_many_boilerplate_headers_do_not_blow_up() -> None:
    start = time.thread_time()
    draft = parse_pasted("Leave a comment\n" * 50_000)
    assert time.thread_time() - start < 2.0
    assert len(draft.warnings) <= 3


def test_junk_never_raises() -> None:
    rng = random.Random(20240523)
    alphabet = [*"\n\n\n  .,:|»>–-", *map(chr, range(32, 127)), "\u00a0", "\u200b", "é", "日"]
    for _ in range(400):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 400)))
        draft = parse_pasted(text)
        body, warnings = clean_body(text)
        assert isinstance(draft.body, str) and isinstance(body, str)
        assert all(isinstance(w, str) and "\n" not in w for w in warnings)


def test_binary_looking_text_never_raises() -> None:
    rng = random.Random(7)
    text = "".join(chr(rng.randrange(1, 0x3000)) for _ in range(20_000))
    draft = parse_pasted(sanitize_text(text))
    assert isinstance(draft.body, str)
