"""PDF, EPUB, Word and e-mail inputs: real files made by real tools, read like any article."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
import source_files as files
from speakable import assert_speakable, spoken_text, written_text

from audiocast.errors import IngestError
from audiocast.ingest import load_article, sniff_document, sniff_kind
from audiocast.speech import build_script


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """Every document type, made once for the module."""
    folder = tmp_path_factory.mktemp("documents")
    return {
        "report": files.make_report_pdf(folder / "report.pdf"),
        "plain": files.make_plain_pdf(folder / "bees.pdf"),
        "scan": files.make_scanned_pdf(folder / "scan.pdf"),
        "epub": files.make_epub(folder / "letters.epub"),
        "docx": files.make_docx(folder / "minutes.docx"),
        "eml": files.make_newsletter_eml(folder / "orchard.eml"),
        "eml_text": files.make_newsletter_eml(folder / "orchard-text.eml", html=False),
    }


def script_json(path: Path, stdin: bytes | None = None) -> dict:
    """``audiocast script --json`` through the command (in this process, to save start-up time)."""
    from typer.testing import CliRunner

    from audiocast.cli import app

    done = CliRunner().invoke(app, ["script", "--json", str(path)], input=stdin)
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)


def structure(data: dict) -> list[tuple[str | None, int]]:
    return [(s["title"], s["level"]) for s in data["sections"]]


def all_spoken(data: dict) -> str:
    return " ".join(line for s in data["sections"] for line in s["spoken"])


# --------------------------------------------------------------------------- PDF


def test_two_column_pdf_reads_in_order_without_running_headers(made):
    data = script_json(made["report"])
    assert data["title"] == files.REPORT_TITLE
    assert structure(data) == [
        (None, 1), ("Background", 1), ("Findings", 1), ("Scour near the roundhead", 2),
        ("Costs", 1), ("Recommendations", 1),
    ]
    article = load_article(str(made["report"]))
    written = written_text(build_script(article))
    # every paragraph comes out whole, in the order written: columns in reading order,
    # paragraphs cut by a column or page break rejoined, line-end hyphens removed
    paragraphs = [text for kind, text, *_ in files.REPORT if kind == "para"]
    positions = [written.find(p) for p in paragraphs]
    assert -1 not in positions, [p for p, at in zip(paragraphs, positions) if at == -1]
    assert positions == sorted(positions)
    spoken = all_spoken(data)
    assert "Harbour Engineering Quarterly" not in spoken and "Page" not in spoken
    assert "Image: Figure one: Settlement measured along the seaward face." in spoken
    assert article.author == files.REPORT_AUTHOR
    assert article.description.startswith("Condition of the northern breakwater")
    assert article.date is not None and article.date.year >= 2024


def test_pdf_headings_from_font_size_and_weight_without_outline(made):
    data = script_json(made["plain"])
    assert data["title"] == files.PLAIN_TITLE  # no metadata title: the first, largest heading
    assert structure(data) == [
        (None, 1), ("Choosing a site", 1), ("Permits and neighbours", 2), ("The first season", 1),
    ]
    spoken = all_spoken(data)
    assert "Image: Figure two: A hive strapped to the railings of a roof garden." in spoken
    assert not re.search(r"\bone\.?$", data["sections"][-1]["spoken"][-1])  # the page number


def test_scanned_pdf_is_a_one_line_error(made):
    done = subprocess.run([sys.executable, "-m", "audiocast.cli", "script", str(made["scan"])],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    message = done.stderr.strip()
    assert message.startswith("error:") and "\n" not in message
    assert "no text layer" in message and "OCR" in message


# --------------------------------------------------------------------------- EPUB


def test_epub_chapters_from_the_navigation_document(made):
    data = script_json(made["epub"])
    assert data["title"] == files.EPUB_TITLE
    assert structure(data) == [
        (None, 1), ("The Keeper Arrives", 1), ("Winter Storms", 1), ("The Relief Crew", 1),
        ("A Letter Home", 2), ("Notes", 2),
    ]
    sections = {s["title"]: s["spoken"] for s in data["sections"]}
    assert sections["The Keeper Arrives"] == list(files.EPUB_CHAPTERS[0][1])
    assert "Image: The gallery in a north-westerly gale." in sections["Winter Storms"]
    assert sections["A Letter Home"] == [
        "Dear mother, the lamp is bright and the stores will last until spring."
    ]
    assert sections["Notes"] == ["Flour, lamp oil and tea."]
    assert files.EPUB_AUTHOR not in all_spoken(data).split(".")[1]  # the cover page is not read
    article = load_article(str(made["epub"]))
    assert article.author == files.EPUB_AUTHOR and article.language == "en"
    assert article.date == datetime(2025, 10, 2)


def test_epub_container_is_packaged_to_spec(made):
    with zipfile.ZipFile(made["epub"]) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype") == b"application/epub+zip"


def test_epub_split_into_chapter_articles(made):
    from audiocast.ingest import split_chapters

    chapters = split_chapters(load_article(str(made["epub"])))
    assert [c.title for c in chapters] == [
        "1. The Keeper Arrives", "2. Winter Storms", "3. The Relief Crew",
    ]
    assert {c.album for c in chapters} == {files.EPUB_TITLE}
    assert len({c.source for c in chapters}) == 3
    dates = [c.date for c in chapters]
    assert dates == sorted(dates) and len(set(dates)) == 3
    third = chapters[2]
    assert [s.title for s in third.sections] == [None, "A Letter Home", "Notes"]
    assert third.sections[0].blocks[0].text == files.EPUB_CHAPTERS[2][1][0]


# --------------------------------------------------------------------------- Word


def test_docx_headings_lists_tables_and_footnotes(made):
    data = script_json(made["docx"])
    assert data["title"] == files.DOCX_TITLE
    assert structure(data) == [
        (None, 1), ("Water supply", 1), ("Plot inspections", 1), ("Seed orders", 2), ("Notes", 1),
    ]
    sections = {s["title"]: s["spoken"] for s in data["sections"]}
    assert sections["Water supply"] == [
        "The east tap has leaked since the cold snap in February, and a plumber has been booked."
    ]
    assert sections["Plot inspections"][1:] == [
        "Paths kept clear of brambles.", "Compost bins covered.", "Sheds locked at night.",
    ]
    assert any("Runner beans" in line and "twelve" in line for line in sections["Seed orders"])
    assert sections["Notes"] == ["The leak was first reported by the plot holders at the north gate."]
    article = load_article(str(made["docx"]))
    assert article.author == files.DOCX_AUTHOR
    assert article.date is not None and article.date.date().isoformat() == "2026-04-02"


# --------------------------------------------------------------------------- e-mail

CHROME = re.compile(
    r"browser|unsubscribe|forward|preferences|receiving|Cider Lane|Westshire|Twitter|logo|Orchard Notes",
    re.I,
)


def test_newsletter_email_without_its_chrome(made):
    data = script_json(made["eml"])
    assert data["title"] == files.NEWSLETTER_SUBJECT
    assert structure(data) == [(None, 1), ("Pears and plums", 1)]
    spoken = all_spoken(data)
    for sentence in files.NEWSLETTER_BODY:
        assert sentence in spoken
    assert not CHROME.search(spoken), spoken
    assert "Pruning season is here" not in spoken  # the hidden preheader
    article = load_article(str(made["eml"]))
    assert article.author == files.NEWSLETTER_SENDER[0]
    assert article.date == files.NEWSLETTER_DATE


def test_plain_text_email_on_stdin(made):
    data = script_json(Path("-"), stdin=made["eml_text"].read_bytes())
    assert data["title"] == files.NEWSLETTER_SUBJECT
    spoken = all_spoken(data)
    assert files.NEWSLETTER_BODY[0] in spoken and files.NEWSLETTER_BODY[1] in spoken
    assert not CHROME.search(spoken), spoken
    assert spoken.count("Pruning before the frost") == 0  # the repeated headline is read once, as the title


def test_newsletter_rules_are_not_tied_to_one_sender():
    from audiocast.ingest.mail import remove_newsletter_chrome

    html = """<html><body><table width="640"><tr><td>
      <p><a href="https://x.example/web">Read this issue online</a></p>
      <h1>Night Ferries</h1><p>The last ferry leaves at midnight and arrives with the sunrise.</p>
      <p>Passengers who unsubscribe from the cabin service may sleep in the lounge instead.</p>
      <p>Was this forwarded to you? <a href="https://x.example/join">Join here</a>.</p>
      <p>Ferry Letters Ltd, PO Box 2231, Portmere</p>
      <p>&copy; 2026 Ferry Letters. All rights reserved.</p>
      <img src="https://x.example/e/o.gif?id=9" width="1" height="1">
    </td></tr></table></body></html>"""
    cleaned = remove_newsletter_chrome(html)
    assert "The last ferry leaves at midnight" in cleaned
    assert "unsubscribe from the cabin service" in cleaned  # a sentence, not a footer link
    for chrome in ("Read this issue online", "forwarded", "PO Box", "All rights reserved", "o.gif"):
        assert chrome not in cleaned


# --------------------------------------------------------------------------- type sniffing


def test_types_are_sniffed_from_content_not_the_extension(made, tmp_path):
    for key, expected in (("report", "pdf"), ("epub", "epub"), ("docx", "docx")):
        assert sniff_document(made[key].read_bytes()) == expected
        renamed = tmp_path / f"{key}.bin"
        shutil.copy(made[key], renamed)
        assert load_article(str(renamed)).title == load_article(str(made[key])).title
    mail = tmp_path / "message.txt"
    shutil.copy(made["eml"], mail)
    assert sniff_kind(mail.read_text()) == "email"
    assert load_article(str(mail)).title == files.NEWSLETTER_SUBJECT


@pytest.mark.parametrize("text", [
    "From: the harbour master\nThe ferry is late again today.\n",
    "Subject: boats\n\nThe ferry is late again today.\n",
])
def test_prose_opening_like_a_header_is_not_mail(text):
    assert sniff_kind(text) != "email"


def test_unsupported_types_name_the_supported_ones(made, tmp_path):
    spreadsheet = tmp_path / "budget.xlsx"
    with zipfile.ZipFile(spreadsheet, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    picture = tmp_path / "photo.jpg"
    picture.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)))
    for path in (spreadsheet, picture):
        with pytest.raises(IngestError) as info:
            load_article(str(path))
        message = str(info.value)
        assert "\n" not in message and "PDF" in message and "EPUB" in message and ".docx" in message
    fake = tmp_path / "notes.pdf"
    fake.write_text("Just some text in a file called PDF.")
    with pytest.raises(IngestError, match="not a PDF file"):
        load_article(str(fake))


# --------------------------------------------------------------------------- the property


@pytest.mark.parametrize("key", ["report", "plain", "epub", "docx", "eml", "eml_text"])
def test_every_document_type_gives_a_speakable_script(made, key):
    assert_speakable(build_script(load_article(str(made[key]))))


# --------------------------------------------------------------------------- printed by Chromium

PRINTED_ARTICLE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Restoring a Tidal Mill | Estuary Heritage</title></head><body>
<h1>Restoring a Tidal Mill</h1>
{paragraphs}
<h2>The wheel</h2>
<p>The new wheel is made of oak, and its paddles were cut by hand in the workshop beside the pond.</p>
<h2>Opening day</h2>
<p>Visitors will see the mill grinding flour again on the first spring tide after the repairs.</p>
</body></html>"""
PRINTED_PARAGRAPH = ("A tidal mill stores the rising sea behind a gate and lets it out through the wheel "
                     "as the tide falls, so the miller works to the rhythm of the moon.")


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
def test_pdf_printed_by_chromium_loses_its_print_headers_and_footers(tmp_path):
    page = tmp_path / "tidal-mill.html"
    page.write_text(PRINTED_ARTICLE.format(paragraphs=f"<p>{PRINTED_PARAGRAPH}</p>" * 14),
                    encoding="utf-8")
    pdf = tmp_path / "tidal-mill.pdf"
    subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", f"--print-to-pdf={pdf}",
         page.as_uri()],
        capture_output=True, timeout=120, check=True,
    )
    data = script_json(pdf)
    assert data["title"] == "Restoring a Tidal Mill"
    assert structure(data) == [(None, 1), ("The wheel", 1), ("Opening day", 1)]
    lede = data["sections"][0]["spoken"]
    assert lede[1:] == [PRINTED_PARAGRAPH] * 14  # whole paragraphs across the page break
    spoken = all_spoken(data)
    assert "Estuary Heritage" not in spoken and "file" not in spoken  # Chromium's header and footer
    assert_speakable(build_script(load_article(str(pdf))))
