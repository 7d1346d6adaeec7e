"""Structure that survives: chapter numbers, parents of headings, no empty chapters,
ALL-CAPS titles shown in title case, and articles with nothing of their own refused."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from audiocast.errors import IngestError
from audiocast.ingest import load_article, parse_html, parse_markdown, parse_text
from audiocast.ingest.casing import display_title
from audiocast.ingest.outline import Heading, Item, build_sections, chapter_number
from audiocast.speech.script import build_script

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
STRUCTURE = FIXTURES / "structure"


def titles(article_or_sections):
    sections = getattr(article_or_sections, "sections", article_or_sections)
    return [(s.level, s.title) for top in sections for s in top.walk()]


def body(text: str = "A sentence of body text that belongs here.") -> Item:
    return Item("paragraph", text)


# --------------------------------------------------------------------------- title case


@pytest.mark.parametrize("written, shown", [
    ("STATE OF THE WORLD", "State of the World"),
    ("REMARKS TO THE HARBOUR TOWNS ASSEMBLY", "Remarks to the Harbour Towns Assembly"),
    ("NATO AND THE U.S.", "NATO and the U.S."),
    ("XXI. SUGGESTION IN MUSIC", "XXI. Suggestion in Music"),
    ("IV. A GROWING ECONOMY", "IV. A Growing Economy"),
    ("THE CPU IS NOT THE GPU", "The CPU Is Not the GPU"),
    ("CPUS AND GPUS", "CPUs and GPUs"),
    ("NATO’S NEXT DECADE", "NATO’s Next Decade"),
    ("WHAT’S NEW IN HTML5", "What’s New in HTML5"),
    ("AFTER COVID-19", "After COVID-19"),
    ("WORLD WAR II", "World War II"),
    ("THE US ECONOMY", "The US Economy"),
    ("US TROOPS COME HOME", "US Troops Come Home"),
    ("EU-US TALKS", "EU-US Talks"),
    ("WHAT UNITES US", "What Unites Us"),
    ("WHO WE ARE", "Who We Are"),
    ("A NEW AI POLICY", "A New AI Policy"),
    ("JOBS, WAGES AND THE COST OF LIVING", "Jobs, Wages and the Cost of Living"),
    ("THE HARBOUR MASTER'S REPORT", "The Harbour Master's Report"),
    # not all in capitals: the author's own casing stays
    ("State of the world", "State of the world"),
    ("NATO summit: what it means", "NATO summit: what it means"),
    ("iPhone tips", "iPhone tips"),
    ("FAQ", "FAQ"),
])  # fmt: skip
def test_display_title(written, shown):
    assert display_title(written) == shown


@pytest.mark.parametrize("line, is_number", [
    ("XXI", True), ("IV.", True), ("4", True), ("12.", True), ("Chapter 4", True),
    ("CHAPTER IV", True), ("Part II", True), ("PART TWO", True), ("Book One", True),
    ("Mix", False), ("MIX", False), ("Chapter Four Begins", False), ("Suggestion in Music", False),
    ("2024", False), ("The End", False),
])  # fmt: skip
def test_chapter_number(line, is_number):
    assert chapter_number(line) is is_number


# --------------------------------------------------------------------------- plain text


def test_plain_text_speech_with_numbered_parts_and_all_caps_headings():
    article = load_article(str(STRUCTURE / "harbour-speech.txt"))
    assert article.title == "Remarks to the Harbour Towns Assembly"
    assert titles(article) == [
        (1, None),
        (1, "I. Where We Stand"),
        (2, "Jobs and Wages"),
        (2, "The Cost of Housing"),
        (1, "II. A Growing Economy"),
        (2, "The New Shipyard"),
        (2, "Training and the NATO Contract"),
        (1, "III. What Comes Next"),
        (1, "Conclusion"),
    ]
    growing = article.sections[2]
    assert not growing.blocks and len(growing.children) == 2  # a parent, not an empty chapter


def test_essay_file_starting_with_a_chapter_number_line():
    article = load_article(str(STRUCTURE / "suggestion-in-music.txt"))
    assert article.title == "XXI. Suggestion in Music"
    assert titles(article) == [(1, None)]
    assert article.sections[0].blocks[0].text.startswith("A melody rarely tells us")


def test_chapter_number_lines_join_the_title_line_below():
    article = load_article(str(STRUCTURE / "river-almanac.txt"))
    assert article.title == "The River Almanac"
    assert titles(article) == [
        (1, None),
        (1, "Chapter 1: The Thaw"),
        (1, "Chapter 2: Spring Traffic"),
        (1, "Part Two: Autumn"),
    ]


def test_a_part_number_over_several_headings_is_their_parent():
    text = (
        "Winter Address\n\nThank you all for coming out on such a cold night.\n\n"
        "PART ONE\n\nTHE PRICE OF MILK\n\nThe price we are paid has fallen for six years.\n\n"
        "THE WEATHER\n\nTwo wet summers have cost us hay and patience.\n\n"
        "PART TWO\n\nWHAT WE ASK\n\nWe ask for one form, not four.\n\n"
        "IN CLOSING\n\nGo home safely; the roads are icy past the bridge.\n"
    )
    assert titles(parse_text(text)) == [
        (1, None),
        (1, "Part One"), (2, "The Price of Milk"), (2, "The Weather"),
        (1, "Part Two: What We Ask"),  # a part of one chapter: its number prefixes it
        (1, "In Closing"),
    ]  # fmt: skip


def test_a_number_line_above_a_paragraph_stays_a_heading_of_its_own():
    text = (
        "Field Notes\n\nXXI\n\nThe tide was lower than anyone in the village could remember, and "
        "the boats lay on their sides in the mud until evening.\n\nXXII\n\nBy morning the water "
        "had come back, and so had the gulls, louder than before.\n"
    )
    assert titles(parse_text(text)) == [(1, "XXI"), (1, "XXII")]


# --------------------------------------------------------------------------- every input type


def test_a_heading_followed_directly_by_headings_of_its_rank_is_their_parent():
    events = [
        Heading("Part One", 1), Heading("Chapter 1", 1), body(), Heading("Chapter 2", 1), body(),
        Heading("Part Two", 1), Heading("Chapter 3", 1), body(), Heading("Conclusion", 1), body(),
    ]  # fmt: skip
    assert titles(build_sections(events)) == [
        (1, "Part One"), (2, "Chapter 1"), (2, "Chapter 2"),
        (1, "Part Two"), (2, "Chapter 3"),
        (1, "Conclusion"),
    ]  # fmt: skip


def test_empty_headings_below_two_levels_prefix_their_first_child():
    events = [
        Heading("Changes", 2), body(), Heading("Bug fixes", 3), Heading("Linux", 4), body(),
        Heading("Mac", 4), body(), Heading("Features", 3), body(),
    ]  # fmt: skip
    assert titles(build_sections(events)) == [
        (1, "Changes"), (2, "Bug fixes: Linux"), (2, "Mac"), (2, "Features"),
    ]  # fmt: skip


def test_an_empty_heading_with_nothing_to_hold_is_dropped():
    events = [body(), Heading("Story", 2), body(), Heading("Sub", 3), Heading("Comments", 2)]
    assert titles(build_sections(events)) == [(1, None), (1, "Story")]
    # a level 2 heading cannot hold its siblings: "Before" (its figure gone) goes
    events = [Heading("Results", 2), Heading("Before", 3), Heading("After", 3), body()]
    assert titles(build_sections(events)) == [(1, "Results"), (2, "After")]


def test_a_numbered_part_heading_over_several_chapters_stays_their_parent():
    events = [
        Heading("Part II", 2), Heading("The Return", 3), body(), Heading("The Harbour", 3), body(),
        Heading("Part III", 2), Heading("The Storm", 3), body(),
    ]  # fmt: skip
    assert titles(build_sections(events)) == [
        (1, "Part II"), (2, "The Return"), (2, "The Harbour"), (1, "Part III: The Storm"),
    ]  # fmt: skip


def test_markdown_chapter_number_heading_joins_the_title_heading():
    article = parse_markdown(
        "# Essays\n\nThree short essays.\n\n## XXI\n\n### SUGGESTION IN MUSIC\n\n"
        "A melody hints and we finish it.\n\n## XXII\n\n### THE LAST NOTE\n\nIt never comes.\n"
    )
    assert titles(article) == [
        (1, None), (1, "XXI. Suggestion in Music"), (1, "XXII. The Last Note"),
    ]  # fmt: skip


def test_html_all_caps_headings_and_title_are_shown_in_title_case():
    article = parse_html(
        "<html><head><title>x</title></head><body><article><h1>STATE OF THE HARBOUR</h1>"
        "<p>The harbour had its busiest year in a decade, the office reports.</p>"
        "<h2>NATO AND THE NEW QUAY</h2><p>The alliance will lease the quay for ten years.</p>"
        "<h2>Visiting yachts</h2><p>More yachts came than ever before, most of them in July.</p>"
        "</article></body></html>"
    )
    assert article.title == "State of the Harbour"
    assert titles(article)[1:] == [(1, "NATO and the New Quay"), (1, "Visiting yachts")]


# --------------------------------------------------------------------------- no empty chapter


def _fixture_articles() -> list[Path]:
    suffixes = {".txt", ".md", ".html"}
    return sorted(
        path
        for folder in ("articles", "ingest", "structure")
        for path in (FIXTURES / folder).iterdir()
        if path.suffix in suffixes
    )


@pytest.mark.parametrize("path", _fixture_articles(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_fixture_article_has_an_empty_chapter(path):
    article = load_article(str(path))
    for section in article.walk():
        spoken = [b for b in section.blocks if b.text.strip() or b.rows]
        assert spoken or section.children, f"empty chapter {section.title!r}"
    script = build_script(article)
    sections = script.sections
    for i, section in enumerate(sections):
        if section.title is None:
            continue
        nxt = sections[i + 1] if i + 1 < len(sections) else None
        has_children = section.level == 1 and nxt is not None and nxt.level == 2
        assert section.spoken or has_children, f"chapter {section.title!r} says nothing"


def test_script_json_of_the_speech_keeps_parents_and_their_chapters(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "audiocast.cli", "script", str(STRUCTURE / "harbour-speech.txt"),
         "--json"], capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    script = json.loads(done.stdout)
    assert script["title"] == "Remarks to the Harbour Towns Assembly"
    shape = [(s["level"], s["title"], bool(s["spoken"])) for s in script["sections"]]
    assert shape == [
        (1, None, True),
        (1, "I. Where We Stand", True),
        (2, "Jobs and Wages", True),
        (2, "The Cost of Housing", True),
        (1, "II. A Growing Economy", False),
        (2, "The New Shipyard", True),
        (2, "Training and the NATO Contract", True),
        (1, "III. What Comes Next", True),
        (1, "Conclusion", True),
    ]


# --------------------------------------------------------------------------- nothing to read


@pytest.mark.parametrize("name, text", [
    ("no-body.html", "<html><head><title>Harbour news</title>"
                     '<meta name="description" content="News from the harbour office."></head></html>'),
    ("head-only.html", "<!doctype html><html><head><title>Harbour news</title></head><body>"
                       "<nav><a href='/'>Home</a></nav></body></html>"),
    ("code-only.md", "# Snippet\n\n```python\nprint('the tide turns')\n```\n"),
    ("headings-only.txt", "Harbour News\n\n# Arrivals\n\n# Departures\n"),
])  # fmt: skip
def test_an_article_with_no_sentence_of_its_own_is_refused(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(IngestError, match=rf"^no article text found in .*{name}: nothing to read"):
        load_article(str(path))


def test_the_command_line_refuses_a_code_only_markdown_file_in_one_line(tmp_path):
    path = tmp_path / "snippet.md"
    path.write_text("# Snippet\n\n```\nmake tide\n```\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "audiocast.cli", "script", str(path)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        f"error: no article text found in {path}: nothing to read besides the title, headings"
        " or code"
    ]


# --------------------------------------------------------------------------- deep HTML


@pytest.mark.parametrize("depth", [300, 3000, 10000])
def test_deeply_nested_html_keeps_its_innermost_and_later_text(depth):
    html = (
        "<html><head><title>Deep Page</title></head><body>"
        "<p>An opening paragraph about the fishing fleet and its boats.</p>"
        + "<div class='wrap'>" * depth
        + "<p>The innermost paragraph speaks of the tide.</p>"
        + "</div>" * depth
        + "<p>A later shallow paragraph about the harbour wall.</p></body></html>"
    )
    article = parse_html(html)
    paragraphs = [b.text for s in article.walk() for b in s.blocks if b.kind == "paragraph"]
    assert paragraphs == [
        "An opening paragraph about the fishing fleet and its boats.",
        "The innermost paragraph speaks of the tide.",
        "A later shallow paragraph about the harbour wall.",
    ]


def test_deep_html_keeps_its_headings_lists_and_entities():
    html = (
        "<html><body><article><h1>Deep Notes</h1>" + "<section><div>" * 400
        + "<h2>Nets &amp; Lines</h2><p>Mending nets takes patience&nbsp;and light.</p>"
        "<ul><li>Twine</li><li>A needle</li></ul>" + "</div></section>" * 400
        + "<h2>After</h2><p>The boats went out again at dawn.</p></article></body></html>"
    )
    article = parse_html(html)
    assert article.title == "Deep Notes"
    assert titles(article) == [(1, "Nets & Lines"), (1, "After")]
    first = article.sections[0].blocks
    assert [(b.kind, b.text) for b in first] == [
        ("paragraph", "Mending nets takes patience and light."),
        ("list_item", "Twine"),
        ("list_item", "A needle"),
    ]
