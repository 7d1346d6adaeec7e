"""load_article on paths and stdin: formats by extension or content, and clear errors."""

from __future__ import annotations

import io
import shutil
import sys

import pytest

from audiocast.errors import IngestError
from audiocast.ingest import load_article, sniff_kind

MARKDOWN = "# Kite Flying\n\nThe best wind comes off the sea in the afternoon.\n\n## Lines\n\nUse braided line.\n"
HTML = "<!DOCTYPE html><html lang='en'><body><article><h1>Kite Flying</h1><p>The best wind comes off the sea in the afternoon, when the land has warmed.</p></article></body></html>"
TEXT = "Kite Flying\n\nThe best wind comes off the sea in the afternoon.\n"


@pytest.mark.parametrize(
    "name, expected",
    [("sourdough.md", "markdown"), ("lighthouse.html", "html"), ("river-cleanup.txt", "text")],
)
def test_extension_picks_the_parser(fixtures_dir, tmp_path, name, expected):
    article = load_article(str(fixtures_dir / name))
    assert article.source == str(fixtures_dir / name)
    assert article.sections
    # the same content under an unknown extension is recognized by sniffing
    copy = tmp_path / "article.data"
    shutil.copy(fixtures_dir / name, copy)
    assert sniff_kind(copy.read_text(encoding="utf-8")) == expected
    assert [s.title for s in load_article(str(copy)).walk()] == [s.title for s in article.walk()]


@pytest.mark.parametrize("text, kind", [(MARKDOWN, "markdown"), (HTML, "html"), (TEXT, "text")])
def test_stdin_text_is_sniffed(text, kind):
    assert sniff_kind(text) == kind
    article = load_article("-", stdin_text=text)
    assert article.title == "Kite Flying"
    assert article.source == "-"
    assert article.sections[0].blocks[0].text.startswith("The best wind comes off the sea")


def test_markdown_with_some_html_is_still_markdown():
    text = '<p align="center"><img src="logo.png" alt="Logo"></p>\n\n# Kite Flying\n\nThe best wind comes **late**.\n'
    assert sniff_kind(text) == "markdown"
    assert load_article("-", stdin_text=text).title == "Kite Flying"


def test_stdin_is_read_when_no_text_is_given(monkeypatch):
    stream = io.TextIOWrapper(io.BytesIO(MARKDOWN.encode("utf-8")), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stream)
    article = load_article("-")
    assert [(s.level, s.title) for s in article.walk()] == [(1, None), (1, "Lines")]


def test_html_file_in_a_legacy_encoding_uses_its_meta_charset(tmp_path):
    page = tmp_path / "legacy.html"
    html = (
        '<html><head><meta charset="windows-1252"><title>Café Notes</title></head><body><article>'
        "<h1>Café Notes</h1><p>The café on the corner serves “proper” coffee and crème brûlée every day.</p>"
        "</article></body></html>"
    )
    page.write_bytes(html.encode("cp1252"))
    article = load_article(str(page))
    assert article.title == "Café Notes"
    assert "“proper” coffee and crème brûlée" in article.sections[0].blocks[0].text


def test_missing_file():
    with pytest.raises(IngestError, match=r"^no such file: nowhere/article\.md$"):
        load_article("nowhere/article.md")


def test_directory(tmp_path):
    with pytest.raises(IngestError, match="is a directory"):
        load_article(str(tmp_path))


@pytest.mark.parametrize("content", [b"", b"  \n\n\t\n"])
def test_empty_file(tmp_path, content):
    path = tmp_path / "blank.txt"
    path.write_bytes(content)
    with pytest.raises(IngestError, match=r"blank\.txt is empty"):
        load_article(str(path))


def test_file_with_only_a_title_has_no_article_text(tmp_path):
    path = tmp_path / "title-only.md"
    path.write_text("# Just a Title\n", encoding="utf-8")
    with pytest.raises(IngestError, match="no article text found in .*title-only.md"):
        load_article(str(path))


def test_undecodable_bytes(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("Crème brûlée for everyone at the harbour café.".encode("latin-1"))
    with pytest.raises(IngestError) as info:
        load_article(str(path))
    message = str(info.value)
    assert "latin.txt" in message and "not UTF-8" in message and "\n" not in message


def test_binary_file(tmp_path):
    path = tmp_path / "picture.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(IngestError, match="not a text file"):
        load_article(str(path))


def test_empty_stdin():
    with pytest.raises(IngestError, match="no article text on standard input"):
        load_article("-", stdin_text="\n\n")


@pytest.mark.parametrize(
    "url", ["ftp://example.org/post.txt", "file:///etc/hostname", "gopher://x/1"]
)
def test_unsupported_scheme(url):
    with pytest.raises(IngestError, match=r"^unsupported URL scheme '(ftp|file|gopher)'"):
        load_article(url)
