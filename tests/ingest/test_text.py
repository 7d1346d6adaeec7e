"""Plain text: titles, inferred headings and levels, lists, unwrapping, bylines."""

from __future__ import annotations

from datetime import datetime

import pytest

from audiocast.errors import IngestError
from audiocast.ingest import load_article, parse_text


def outline(article):
    """(level, title, [block kinds]) for every section in reading order."""
    return [(s.level, s.title, [b.kind for b in s.blocks]) for s in article.walk()]


def titles(article):
    return [(s.level, s.title) for s in article.walk()]


def test_seed_article_headings_and_levels(seed_article):
    article = load_article(str(seed_article))
    assert (
        article.title == "US Signals Low Expectations for Ukraine Peace Talks Amid Ongoing Conflict"
    )
    assert article.language == "en"

    lede = article.sections[0]
    assert lede.title is None and lede.level == 1 and not lede.children
    assert [b.kind for b in lede.blocks] == ["paragraph", "paragraph"]

    expected = {
        "US Position on Ukraine Peace Talks: Context and Overview": [
            "US Involvement in Ukraine's Defense Efforts",
            "Rubio and Other US Officials Express Doubt",
            "Shaping Global Diplomatic Strategy",
        ],
        "Why the US Has Low Expectations for Peace Breakthroughs": [
            "Continued Battlefield Stalemate",
            "Russia\u2019s Hardened Position",
            "Domestic Political Pressures in the US",
            "Historical Lessons from Previous Conflicts",
        ],
        "The Impacts of Low US Expectations on the Ukraine Conflict": [
            "Diplomatic and Military Consequences",
            "Effects on International Alliances",
            "Future Scenarios for Peace Talks",
        ],
        "Global Perspectives and Expert Opinions": [
            "Analysts Weigh In",
            "Varied International Reactions",
            "Lessons from Other Peace Processes",
        ],
        "Strategic Recommendations for Moving Forward": [
            "For Policymakers",
            "For International Stakeholders",
            "For the Public and Media",
        ],
        "Conclusion": [],
    }
    sections = article.sections[1:]
    assert [s.title for s in sections] == list(expected)
    for section in sections:
        assert section.level == 1
        assert [c.title for c in section.children] == expected[section.title]
        for child in section.children:
            assert child.level == 2 and not child.children
            assert child.blocks and all(b.kind == "paragraph" for b in child.blocks)
    for parent in sections[:5]:
        assert parent.blocks == []  # heading directly followed by a subheading
    conclusion = sections[-1]
    assert conclusion.blocks and all(b.kind == "paragraph" for b in conclusion.blocks)
    assert conclusion.children == []


def test_repeated_title_pairs_and_lone_headings(fixtures_dir):
    article = load_article(str(fixtures_dir / "river-cleanup.txt"))
    assert article.title == "Volunteers Pull Three Tonnes of Rubbish From the Alder River"
    assert outline(article) == [
        (1, None, ["paragraph", "paragraph"]),
        (1, "How the Cleanup Began", []),
        (2, "A Small Group of Anglers", ["paragraph"]),
        (2, "Growing Year by Year", ["paragraph"]),
        (1, "What They Found This Year", []),
        (2, "Tyres and Metal", ["paragraph"]),
        (2, "Plastic in the Reeds", ["paragraph"]),
        # a lone heading after a parent is its child; a colon inside a heading is allowed
        (2, "What Comes Next: Plans for the Spring", ["paragraph"]),
        (1, "Conclusion", ["paragraph"]),
    ]
    assert article.description.startswith("More than two hundred people spent Saturday")


def test_blank_line_separated_headings_lists_and_short_sentences(fixtures_dir):
    article = load_article(str(fixtures_dir / "allotment-notes.txt"))
    assert article.title == "A Year on the Allotment"
    assert outline(article) == [
        (1, None, ["paragraph"]),
        (1, "Clearing the Ground", ["paragraph", "paragraph"]),
        (
            1,
            "What I Planted",
            ["paragraph"] + ["list_item"] * 3 + ["paragraph"] + ["list_item"] * 3,
        ),
        # "Thanks for reading" closes the text: with nothing after it, it is no heading
        (1, "Mistakes I Made", ["paragraph", "paragraph"]),
    ]
    planted = article.sections[2]
    assert [b.text for b in planted.blocks if b.kind == "list_item"] == [
        "Runner beans along the fence",
        "Courgettes in the old compost bay",
        "Two rows of beetroot",
        "Peas in April",
        "Beans in May",
        "Beetroot in June",
    ]
    clearing = article.sections[1]
    assert clearing.blocks[1].text == "That was the easy part."


def test_hard_wrapped_text_all_caps_headings_and_byline(fixtures_dir):
    article = load_article(str(fixtures_dir / "harbour-report.txt"))
    assert article.title == "The Harbour Master's Annual Report"  # shown in title case
    assert article.author == "Ellen Tregarthen"
    assert article.date == datetime(2024, 2, 12)
    assert titles(article) == [
        (1, None),
        (1, "Traffic"),
        (2, "Visiting Yachts"),
        (2, "Fishing Boats"),
        (1, "Works"),
        (2, "Dredging"),
    ]
    lede = article.sections[0].blocks
    assert len(lede) == 1
    assert lede[0].text == (
        "The harbour handled more visiting yachts this year than in any year since records began, "
        "while the fishing fleet shrank by two boats. This report sets out the figures and the "
        "work planned for the coming season."
    )
    yachts = article.sections[1].children[0].blocks
    assert len(yachts) == 1 and yachts[0].text.endswith("several crews were turned away.")


def test_runs_of_short_lines_are_not_headings(fixtures_dir):
    article = load_article(str(fixtures_dir / "plain-lines.txt"))
    assert titles(article) == [(1, None), (1, "The Christmas Rush")]
    lede = [b.text for b in article.sections[0].blocks]
    assert lede[2:5] == ["Ada Finch", "14 Mill Lane", "Kestrel Bay"]
    assert "It was quiet today." in lede


@pytest.mark.parametrize(
    "line",
    [
        "The results were clear.",
        "Are we there yet?",
        "Stop!",
        "Here is the plan:",
        "first we went down to the harbour",
        "And then, quietly,",
    ],
)
def test_lines_with_sentence_shape_stay_paragraphs(line):
    text = (
        f"Title Line\n\n{line}\n\nA following paragraph that is long enough to read as body text."
    )
    article = parse_text(text)
    assert titles(article) == [(1, None)]
    assert article.sections[0].blocks[0].text == line


def test_headings_without_pairs_are_all_level_one():
    text = (
        "Field Guide\n\nOpening words of the guide, written as a full sentence.\n\n"
        "Birds of the Marsh\nHerons stand still for a long time before they strike.\n\n"
        "Birds of the Woods\nWoodpeckers are heard long before they are seen.\n"
    )
    assert titles(parse_text(text)) == [
        (1, None),
        (1, "Birds of the Marsh"),
        (1, "Birds of the Woods"),
    ]


def test_markdown_style_headings_and_setext_underlines_in_text():
    text = (
        "Workshop Notes\n==============\n\nIntro sentence for the notes.\n\n"
        "Tools\n-----\n\nA saw, a plane and a chisel.\n\n## Timber\n\nOak from the yard.\n"
    )
    article = parse_text(text)
    assert article.title == "Workshop Notes"
    assert titles(article) == [(1, None), (1, "Tools"), (1, "Timber")]


def test_lone_numbered_lines_between_paragraphs_are_numbered_headings():
    text = (
        "Setting Up a Beehive\n\nA hive needs a sunny spot sheltered from the wind.\n\n"
        "1. Choosing the Site\nFace the entrance south east, away from footpaths.\n\n"
        "2. Ordering the Bees\nOrder a nucleus colony early in the spring.\n"
    )
    assert titles(parse_text(text)) == [
        (1, None),
        (1, "1. Choosing the Site"),
        (1, "2. Ordering the Bees"),
    ]


def test_first_line_that_is_a_sentence_is_not_the_title():
    article = parse_text(
        "This note is only one sentence long, and it ends with a full stop.", "memo-to-staff.txt"
    )
    assert article.title == "Memo to staff"
    assert article.sections[0].blocks[0].text.startswith("This note is only one sentence long")


def test_windows_line_endings_and_byte_order_mark():
    text = (
        "\ufeffCold Frames\r\n\r\nA cold frame is a small greenhouse that sits on the ground.\r\n"
    )
    article = parse_text(text)
    assert article.title == "Cold Frames"
    assert (
        article.sections[0].blocks[0].text
        == "A cold frame is a small greenhouse that sits on the ground."
    )


@pytest.mark.parametrize("text", ["", "   \n\n", "Only a Title\n"])
def test_text_without_body_is_an_error(text):
    with pytest.raises(IngestError, match="no article text"):
        parse_text(text, "empty.txt")


def test_acronym_headings_do_not_outrank_title_case_ones():
    text = (
        "Running a Repair Cafe\n\nOnce a month the community hall fills with broken toasters.\n\n"
        "Getting Started\nFind a hall with plenty of sockets and good light.\n\n"
        "FAQ\nMost questions are about insurance, which the council covers.\n\n"
        "Volunteers\nAnyone who can hold a screwdriver is welcome to help.\n"
    )
    assert titles(parse_text(text)) == [
        (1, None),
        (1, "Getting Started"),
        (1, "FAQ"),
        (1, "Volunteers"),
    ]


def test_conventional_closing_sections_stay_top_level():
    text = (
        "Mapping the Old Railway\n\nThe line closed in 1964 and most of it is now a footpath.\n\n"
        "The Route\nThe Northern Half\nIt runs through cuttings lined with ferns.\n"
        "The Southern Half\nIt crosses the river on a viaduct of twelve arches.\n"
        "Summary\nThe whole walk takes a long day at an easy pace.\n"
    )
    assert titles(parse_text(text)) == [
        (1, None),
        (1, "The Route"),
        (2, "The Northern Half"),
        (2, "The Southern Half"),
        (1, "Summary"),
    ]


def test_sentences_starting_with_by_are_not_bylines():
    text = "Low Water\nBy the time we arrived, the tide had gone out past the pier.\nWe waited.\n"
    article = parse_text(text)
    assert article.author is None
    assert article.sections[0].blocks[0].text.startswith("By the time we arrived")


def test_byline_with_date_on_one_line():
    article = parse_text("Low Water\nBy Anna de Vries | Published March 2024\nThe tide went out.\n")
    assert article.author == "Anna de Vries"
    assert article.date == datetime(2024, 3, 1)
    assert [b.text for b in article.sections[0].blocks] == ["The tide went out."]
