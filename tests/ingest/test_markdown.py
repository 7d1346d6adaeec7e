"""Markdown: front matter, heading levels, and every kind of block."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from audiocast.ingest import load_article, parse_markdown


def titles(article):
    return [(s.level, s.title) for s in article.walk()]


def blocks(section):
    return [(b.kind, b.text) for b in section.blocks]


def test_front_matter_becomes_metadata(fixtures_dir):
    article = load_article(str(fixtures_dir / "sourdough.md"))
    assert article.title == "Keeping a Sourdough Starter Alive Through Winter"
    assert article.author == "Ines Calloway"
    assert article.date == datetime(2024, 1, 14, 8, 0, tzinfo=timezone(timedelta(hours=2)))
    assert article.url == "https://bakery.example.net/posts/winter-starter"
    assert article.image == "https://bakery.example.net/img/starter.jpg"
    assert article.language == "en-US"
    assert article.description == (
        "Cold kitchens slow a starter down. Here is how to keep it lively until spring."
    )
    assert article.source.endswith("sourdough.md")


def test_heading_levels_and_blocks(fixtures_dir):
    article = load_article(str(fixtures_dir / "sourdough.md"))
    assert titles(article) == [
        (1, None),
        (1, "Why Cold Matters"),
        (2, "Signs of a Sluggish Starter"),
        (2, "A Warmer Spot"),
        (1, "Feeding Schedule"),
        (1, "Notes"),
    ]
    lede, cold, feeding, notes = article.sections
    # emphasis markers go, the text stays; the footnote mark is gone from the sentence
    assert blocks(lede) == [
        (
            "paragraph",
            "A starter is a small colony of wild yeast and bacteria, and like most living things it "
            "slows down when the kitchen gets cold. With a few changes to the routine it will stay "
            "healthy until the days grow longer.",
        )
    ]
    # link text is kept, the URL is not
    assert "the rise takes twice as long and the flavour" in cold.blocks[0].text
    assert "https://" not in cold.blocks[0].text

    signs, warmer = cold.children
    assert blocks(signs) == [
        ("list_item", "It barely doubles after a feed"),
        ("list_item", "A grey liquid collects on top"),
        ("list_item", "pour it off before feeding"),
        ("list_item", "or stir it back in for a sour loaf"),
        ("list_item", "It smells of nail varnish"),
    ]
    assert blocks(warmer) == [
        ("list_item", "Put the jar in the oven with only the light on."),
        ("list_item", "Wrap it in a tea towel near, but not on, the radiator."),
        (
            "quote",
            "The best place in my house was on top of the fridge, where the motor keeps the air just warm enough.",
        ),
        ("image", "A jar of bubbling starter on a wooden board"),
        ("caption", "The jar after a warm night"),
    ]

    table, code_note, code, autolink = feeding.blocks
    assert table.kind == "table"
    assert table.rows == [
        ["Temperature", "Feeds per day", "Flour"],
        ["Above 22 °C", "2", "50 g"],
        ["16 to 22 °C", "1", "40 g"],
    ]
    assert code_note.text == "Use rye flour for one feed a week; it wakes the culture up."
    assert code.kind == "code"
    assert code.text == "def feed(starter_grams):\n    return starter_grams // 2"
    assert autolink.text == "Read more at bakery.example.net."

    assert blocks(notes) == [("paragraph", "Or until your heating bill allows otherwise.")]
    assert "[^" not in article.plain_text()


def test_without_h1_a_lone_opening_heading_is_the_title():
    text = "## Mending a Puncture\n\nFind the hole first.\n\n### Tools\n\nTyre levers.\n\n### Patching\n\nRough up the tube.\n"
    article = parse_markdown(text)
    assert article.title == "Mending a Puncture"
    assert titles(article) == [(1, None), (1, "Tools"), (1, "Patching")]


def test_without_h1_sections_keep_their_headings_and_the_file_names_the_title():
    text = "Intro line.\n\n## Setup\n\nInstall it.\n\n### On Linux\n\nUse apt.\n\n## Usage\n\nRun it.\n"
    article = parse_markdown(text, source="docs/getting-started.md")
    assert article.title == "Getting started"
    assert titles(article) == [(1, None), (1, "Setup"), (2, "On Linux"), (1, "Usage")]


def test_deep_headings_fold_into_level_two():
    text = "# Guide\n\n## Part\n\nText.\n\n#### Detail\n\nMore.\n\n###### Fine print\n\nSmall.\n"
    assert titles(parse_markdown(text)) == [(1, "Part"), (2, "Detail"), (2, "Fine print")]


def test_toml_front_matter_and_emphasized_caption_after_image():
    text = (
        '+++\ntitle = "Night Swimming"\nauthor = "R. Okafor"\ndate = 2023-07-01\nlang = "en-gb"\n+++\n\n'
        "The lake is warmest just after sunset.\n\n"
        "![Swimmers at dusk](lake.jpg)\n\n*The north shore in July.*\n"
    )
    article = parse_markdown(text)
    assert article.title == "Night Swimming"
    assert article.author == "R. Okafor"
    assert article.date == datetime(2023, 7, 1)
    assert article.language == "en-GB"
    assert article.image == "lake.jpg"
    assert blocks(article.sections[0]) == [
        ("paragraph", "The lake is warmest just after sunset."),
        ("image", "Swimmers at dusk"),
        ("caption", "The north shore in July."),
    ]


def test_yaml_lists_quotes_and_nested_author():
    text = (
        "---\ntitle: 'It''s Windy'\nauthor:\n  name: Kit Marlowe\n"
        "tags:\n  - weather\n  - coast\ndate: 2022-11-30\n---\n\nGusts reached ninety kilometres an hour.\n"
    )
    article = parse_markdown(text)
    assert article.title == "It's Windy"
    assert article.author == "Kit Marlowe"
    assert article.date == datetime(2022, 11, 30)


def test_raw_html_blocks_are_read_as_text():
    text = '# Notice\n\n<div class="note"><p>The pool is closed <b>all week</b>.</p></div>\n\n<!-- hidden -->\n'
    article = parse_markdown(text)
    assert blocks(article.sections[0]) == [("paragraph", "The pool is closed all week.")]


def test_language_is_detected_without_front_matter():
    text = "# Le marché\n\nLe marché du samedi attire des producteurs de toute la vallée depuis des années.\n"
    assert parse_markdown(text).language == "fr"
