"""build_script on hand-built articles: structure, pauses, intro/outro, and how non-prose blocks are read."""

from __future__ import annotations

import pytest

from audiocast.errors import ConfigError
from audiocast.models import Article, Block, Section
from audiocast.speech import ScriptOptions, build_script


def para(text: str) -> Block:
    return Block("paragraph", text)


def sample() -> Article:
    return Article(
        title="Trains at Night",
        author="Lena Brandt",
        sections=[
            Section(None, 1, [para("Sleeper trains are back. Demand grew 30% in 2023.")]),
            Section("Why now", 1, [para("Flights got dearer.")], children=[
                Section("Prices", 2, [para("A bed costs \u20ac189.")]),
            ]),
            Section("Outlook", 1, [para("More routes are planned.")]),
        ],
    )


def test_sections_in_reading_order_with_title_first():
    script = build_script(sample())
    assert [(s.title, s.level) for s in script.sections] == [
        (None, 1), ("Why now", 1), ("Prices", 2), ("Outlook", 1)]
    title = script.sections[0].segments[0]
    assert (title.kind, title.spoken, title.written, title.pause_after) == (
        "title", "Trains at Night.", "Trains at Night.", "heading")
    heading = script.sections[2].segments[0]
    assert (heading.kind, heading.spoken, heading.written, heading.pause_after) == (
        "heading", "Prices", "Prices", "heading")


def test_pauses_follow_the_structure():
    script = build_script(sample())
    lede = script.sections[0].segments
    assert [(s.kind, s.pause_after) for s in lede] == [
        ("title", "heading"), ("sentence", "sentence"), ("sentence", "paragraph")]
    assert lede[2].spoken == "Demand grew thirty percent in twenty twenty-three."
    assert lede[2].written == "Demand grew 30% in 2023."


def test_to_json_contract():
    data = build_script(sample()).to_json()
    assert data == {
        "title": "Trains at Night",
        "sections": [
            {"title": None, "level": 1, "spoken": [
                "Trains at Night.", "Sleeper trains are back.", "Demand grew thirty percent in twenty twenty-three."]},
            {"title": "Why now", "level": 1, "spoken": ["Flights got dearer."]},
            {"title": "Prices", "level": 2, "spoken": ["A bed costs one hundred eighty-nine euros."]},
            {"title": "Outlook", "level": 1, "spoken": ["More routes are planned."]},
        ],
    }


def test_article_without_lede_gets_an_untitled_section_with_the_title():
    article = Article(title="Only Headings", sections=[Section("Part one", 1, [para("Text.")])])
    script = build_script(article)
    assert [(s.title, [seg.kind for seg in s.segments]) for s in script.sections] == [
        (None, ["title"]), ("Part one", ["heading", "sentence"])]


def test_title_is_spoken_once_even_when_the_article_repeats_it():
    article = Article(title="US Signals Doubt", sections=[
        Section(None, 1, [para("US Signals Doubt"), para("The talks stalled.")]),
        Section("US signals doubt", 1, [para("US Signals Doubt."), para("Nobody expects progress.")]),
    ])
    script = build_script(article)
    spoken = [s.spoken for s in script.segments()]
    assert spoken == ["U-S Signals Doubt.", "The talks stalled.", "Nobody expects progress."]
    assert len(script.sections) == 1


def test_intro_and_outro_templates():
    options = ScriptOptions(intro_template="{show}. {title}, by {author}.", outro_template="This was {show}.",
                            show="Rail Weekly")
    script = build_script(sample(), options)
    assert script.sections[0].segments[0].spoken == "Rail Weekly. Trains at Night, by Lena Brandt."
    last = script.sections[-1].segments[-1]
    assert (last.kind, last.spoken, last.pause_after) == ("sentence", "This was Rail Weekly.", "paragraph")


def test_intro_falls_back_when_a_placeholder_has_no_value():
    article = sample()
    article.author = None
    script = build_script(article, ScriptOptions(intro_template="{title}, by {author}.", outro_template="By {author}."))
    assert script.sections[0].segments[0].spoken == "Trains at Night."
    assert script.sections[-1].segments[-1].spoken == "More routes are planned."
    options = ScriptOptions(intro_template="{title}, by {author}.", author="The Desk")
    assert build_script(article, options).sections[0].segments[0].spoken == "Trains at Night, by The Desk."


def test_title_ending_in_a_question_mark_keeps_it():
    article = Article(title="Are Night Trains Back?", sections=[Section(None, 1, [para("Yes.")])])
    assert build_script(article).sections[0].segments[0].spoken == "Are Night Trains Back?"


def test_unknown_placeholder_is_a_config_error():
    with pytest.raises(ConfigError, match="unknown placeholder"):
        build_script(sample(), ScriptOptions(intro_template="{titel}."))


def test_list_items_each_get_an_item_pause():
    article = Article(title="Kit", sections=[Section(None, 1, [
        para("You need:"),
        Block("list_item", "a drawer"),
        Block("list_item", "envelopes. Many of them"),
        Block("list_item", "a date stamp"),
        para("That is all."),
    ])])
    segments = build_script(article).sections[0].segments[1:]
    assert [(s.spoken, s.pause_after) for s in segments] == [
        ("You need:", "paragraph"),
        ("a drawer.", "item"),
        ("envelopes.", "sentence"),
        ("Many of them.", "item"),
        ("a date stamp.", "paragraph"),
        ("That is all.", "paragraph"),
    ]
    assert segments[1].written == "a drawer"


def test_quotes_are_introduced_and_closed():
    article = Article(title="Q", sections=[Section(None, 1, [
        Block("quote", "A seed library is patience. Most of the time, it works."),
        Block("quote", "Label the tin."),
    ])])
    spoken = build_script(article).sections[0].spoken[1:]
    assert spoken == [
        "Quote: A seed library is patience.",
        "Most of the time, it works. End quote.",
        "Quote: Label the tin.",
    ]


def test_code_blocks_are_announced_not_read():
    article = Article(title="Code", sections=[Section(None, 1, [
        para("Install it:"), Block("code", "pip install tidewater\ntidewater --version"), Block("code", "x = 1"),
    ])])
    spoken = build_script(article).sections[0].spoken[1:]
    assert spoken == ["Install it:", "A code example is omitted here.", "A code example is omitted here."]


def test_small_tables_are_read_row_by_row():
    table = Block("table", "", rows=[["Name", "Age"], ["Alice", "30"], ["Bob", "41"]])
    segments = build_script(Article(title="T", sections=[Section(None, 1, [table])])).sections[0].segments[1:]
    assert [(s.spoken, s.pause_after) for s in segments] == [
        ("A table with two rows.", "sentence"),
        ("Row one: Name, Alice; Age, thirty.", "item"),
        ("Row two: Name, Bob; Age, forty-one.", "paragraph"),
    ]
    assert segments[1].written == "Row 1: Name, Alice; Age, 30."


def test_large_tables_are_described():
    rows = [["Setting", "Old", "New", "Notes", "Since"]] + [[f"s{i}", "1", "2", "x", "2024"] for i in range(3)]
    wide = Block("table", "", rows=rows)
    tall = Block("table", "", rows=[["City", "Riders"]] + [[f"C{i}", str(i)] for i in range(9)])
    spoken = build_script(Article(title="T", sections=[Section(None, 1, [wide, tall])])).sections[0].spoken[1:]
    assert spoken == [
        "A table with three rows comparing Setting, Old, New, Notes and Since.",
        "A table with nine rows comparing City and Riders.",
    ]


def test_images_and_captions():
    article = Article(title="Pics", sections=[Section(None, 1, [
        Block("image", "Two trams in a depot"),
        Block("caption", "The depot at dawn, 4:50 am."),
        Block("image", "A bridge over a river"),
        Block("caption", "Photo: Anna Kowalska"),
        Block("image", ""),
        Block("caption", "A lone caption"),
        Block("image", "IMG_2041.jpg"),
        Block("image", "photo"),
    ])])
    assert build_script(article).sections[0].spoken[1:] == [
        "Image: The depot at dawn, four fifty A-M.",
        "Image: A bridge over a river.",
        "Image: A lone caption.",
    ]


def test_footnote_definitions_move_to_a_notes_section():
    article = Article(title="Bread", sections=[
        Section(None, 1, [para("Bread rose long ago."), para("[^1]: The word comes from Latin."), para("It still does.")]),
    ])
    script = build_script(article)
    assert [s.title for s in script.sections] == [None, "Notes"]
    assert script.sections[1].spoken == ["Note one: The word comes from Latin."]
    skipped = build_script(article, ScriptOptions(footnotes="skip"))
    assert [s.title for s in skipped.sections] == [None]
    assert skipped.sections[0].spoken == ["Bread.", "Bread rose long ago.", "It still does."]


def test_non_content_is_dropped_and_real_sentences_kept():
    article = Article(title="Port", author="Maria Okafor", sections=[Section(None, 1, [
        para("By Maria Okafor"),
        para("Published March 3, 2024"),
        para("The port will grow. More on the port's history."),
        Block("list_item", "Share on Facebook"),
        para("What do you think? Share your opinion in the comments!* *Don\u2019t forget to follow the blog!"),
    ])])
    assert build_script(article).sections[0].spoken == ["Port.", "The port will grow."]
    kept = build_script(article, ScriptOptions(drop_non_content=False)).sections[0].spoken
    assert "More on the port's history." in kept and len(kept) > 5


def test_markup_in_written_text_is_cleaned_for_readers_too():
    article = Article(title="M", sections=[Section(None, 1, [para("It's **really** good[1] &amp; cheap.")])])
    segment = build_script(article).sections[0].segments[1]
    assert segment.written == "It's really good & cheap."
    assert segment.spoken == "It's really good and cheap."


def test_user_initialisms_and_acronyms():
    article = Article(title="N", sections=[Section(None, 1, [para("RFK met the GOAT.")])])
    spoken = build_script(article, ScriptOptions(initialisms=["RFK"], acronyms=["GOAT"])).sections[0].spoken
    assert spoken[1] == "R-F-K met the Goat."


def test_options_from_dict_rejects_unknown_keys():
    with pytest.raises(ConfigError, match="unknown script option"):
        ScriptOptions.from_dict({"langauge": "en"})
    with pytest.raises(ConfigError, match="footnotes"):
        ScriptOptions.from_dict({"footnotes": "middle"})


def test_options_from_show_config(tmp_path):
    from audiocast.config import load_config

    (tmp_path / "audiocast.toml").write_text(
        '[show]\ntitle = "Rail Weekly"\nauthor = "Lena"\n'
        '[production]\nintro_template = "{show}: {title}."\nlexicon = "words.toml"\nvoice = "joe"\n',
        encoding="utf-8",
    )
    (tmp_path / "words.toml").write_text('[words]\n"Wien" = "Veen"\n', encoding="utf-8")
    (tmp_path / "voices").mkdir()
    (tmp_path / "voices" / "joe.lexicon.toml").write_text('[words]\n"Praha" = "Prah-ha"\n', encoding="utf-8")
    options = ScriptOptions.from_config(load_config(tmp_path / "audiocast.toml"))
    assert (options.show, options.author, options.intro_template) == ("Rail Weekly", "Lena", "{show}: {title}.")
    article = Article(title="Wien to Praha", sections=[Section(None, 1, [para("It runs nightly.")])])
    assert build_script(article, options).sections[0].spoken[0] == "Rail Weekly: Veen to Prah-ha."


def test_words_the_pipeline_adds_come_from_the_language():
    from audiocast.speech import english
    from audiocast.speech.languages import _LANGUAGES, register_language
    from audiocast.speech.rules import LanguageRules, SpokenWords

    words = SpokenWords(image="Bild:", quote="Zitat:", end_quote="Zitat Ende.", code_omitted="Hier steht Code.")
    register_language("xx", LanguageRules("xx", english.rules, words))
    try:
        article = Article(title="Nachtzug", sections=[Section(None, 1, [
            Block("image", "Ein Zug im Schnee"), Block("quote", "Er kam. Er fuhr."), Block("code", "x = 1"),
        ])])
        spoken = build_script(article, ScriptOptions(language="xx-CH")).sections[0].spoken
        assert spoken[1:] == ["Bild: Ein Zug im Schnee.", "Zitat: Er kam.", "Er fuhr. Zitat Ende.", "Hier steht Code."]
        english_script = build_script(article).sections[0].spoken
        assert english_script[1].startswith("Image:") and english_script[-1] == "A code example is omitted here."
    finally:
        _LANGUAGES.pop("xx")
