"""Fetching against a real HTTP server on 127.0.0.1: redirects, limits, charsets, errors."""

from __future__ import annotations

import socket

import pytest

import audiocast
from audiocast.errors import IngestError
from audiocast.ingest import fetch, load_article

LEGACY_PAGE = (
    "<html><head>{meta}<title>Caf\u00e9 Notes</title></head><body><article><h1>Caf\u00e9 Notes</h1>"
    "<p>The caf\u00e9 on the corner serves \u201cproper\u201d coffee and cr\u00e8me br\u00fbl\u00e9e "
    "every day of the week, even in winter.</p></article></body></html>"
)


def test_fetch_sends_our_user_agent_and_reads_the_page(site):
    url = site.fixture("/lighthouse", "lighthouse.html")
    page = fetch(url)
    assert page.status == 200
    assert page.url == page.final_url == url
    assert page.content_type == "text/html"
    assert page.encoding == "utf-8"
    assert "How the Old Lighthouse Was Saved" in page.text
    agent = site.requests[-1]["user-agent"]
    assert agent == f"audiocast/{audiocast.__version__} (+https://github.com/audiocast/audiocast)"


def test_load_article_from_url_uses_canonical_url_and_absolute_images(site):
    article = load_article(site.fixture("/lighthouse", "lighthouse.html"))
    assert article.title == "How the Old Lighthouse Was Saved"
    assert article.url == "https://gazette.example.org/2024/03/old-lighthouse-saved"
    # relative images resolve against where the page was fetched from
    assert article.image == site.url("/media/lighthouse-lead.jpg")
    assert "Accept all cookies" not in article.plain_text()


def test_redirect_chain_ends_at_the_final_url(site):
    final = site.fixture("/2023/11/last-tram/", "tram-blog.html")
    site.redirect("/short", "/go")
    start = site.redirect("/go", "/2023/11/last-tram/", status=301)
    site.redirect("/first", start)
    page = fetch(site.url("/first"))
    assert page.final_url == final and page.url == site.url("/first")

    article = load_article(site.url("/first"))
    assert article.url == final  # the page names no canonical URL
    assert article.source == site.url("/first")
    assert article.image == site.url("/2023/11/last-tram/images/tram-depot.png")
    photo = next(b for s in article.walk() for b in s.blocks if b.kind == "image")
    assert photo.text == "An empty tram lit up at a stop in the rain"


def test_redirect_loop(site):
    url = site.redirect("/loop", "/loop")
    with pytest.raises(IngestError, match=r"^too many redirects \(more than 5\) fetching .*/loop$"):
        fetch(url)


def test_redirect_limit(site):
    site.page("/end", "<p>The end of a long chain of redirects, finally reached.</p>")
    for hop in range(3):
        site.redirect(f"/hop{hop}", f"/hop{hop + 1}" if hop < 2 else "/end")
    assert fetch(site.url("/hop0"), max_redirects=3).final_url == site.url("/end")
    with pytest.raises(IngestError, match=r"too many redirects \(more than 2\)"):
        fetch(site.url("/hop0"), max_redirects=2)


def test_redirect_to_another_scheme(site):
    url = site.redirect("/away", "ftp://127.0.0.1/file.txt")
    with pytest.raises(IngestError, match="unsupported URL scheme"):
        fetch(url)


def test_not_found(site):
    url = site.url("/missing")
    with pytest.raises(IngestError) as info:
        load_article(url)
    assert str(info.value) == f"HTTP 404 Not Found for {url}"


def test_server_error(site):
    url = site.page("/broken", "oops", status=503)
    with pytest.raises(IngestError, match=r"^HTTP 503 Service Unavailable for "):
        fetch(url)


def test_timeout(site):
    url = site.slow("/slow")
    with pytest.raises(IngestError) as info:
        fetch(url, timeout=0.5)
    assert str(info.value) == f"timed out after 0.5 s fetching {url}"


def test_connection_refused():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/post"
    with pytest.raises(
        IngestError, match=r"^could not connect to 127\.0\.0\.1: connection refused"
    ):
        fetch(url, timeout=2)


def test_non_article_content_type(site):
    url = site.page("/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(64), content_type="image/png")
    with pytest.raises(IngestError) as info:
        load_article(url)
    assert str(info.value).startswith("not an article: content type image/png")


@pytest.mark.parametrize("with_length", [True, False])
def test_oversized_page(site, with_length):
    body = "<html><body><p>" + "word " * 3000 + "</p></body></html>"
    url = site.page("/huge", body, content_length=with_length)
    with pytest.raises(IngestError, match=r"^page is larger than the 10,000 byte limit: "):
        fetch(url, max_bytes=10_000)
    assert fetch(url, max_bytes=100_000).text == body


def test_plain_text_and_markdown_responses_use_their_parsers(site):
    text_url = site.page(
        "/notes.txt",
        "Harbour Notes\n\nThe ferry runs every hour.\n\nTimetable Changes\nThe last boat now leaves at ten.\n",
        content_type="text/plain; charset=utf-8",
    )
    article = load_article(text_url)
    assert [(s.level, s.title) for s in article.walk()] == [(1, None), (1, "Timetable Changes")]
    assert article.url == text_url

    md_url = site.page(
        "/notes.md",
        "# Harbour Notes\n\n![Ferry](img/ferry.jpg)\n\nThe ferry runs **every** hour.\n",
        content_type="text/markdown",
    )
    article = load_article(md_url)
    assert article.title == "Harbour Notes"
    assert article.image == site.url("/img/ferry.jpg")
    assert article.sections[0].blocks[-1].text == "The ferry runs every hour."


@pytest.mark.parametrize(
    "content_type, meta",
    [
        ("text/html; charset=iso-8859-1", ""),  # read as windows-1252, as browsers do
        ("text/html; charset=windows-1252", ""),
        ("text/html", '<meta charset="windows-1252">'),
        ("text/html", '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'),
    ],
)
def test_legacy_charsets(site, content_type, meta):
    url = site.page(
        "/legacy", LEGACY_PAGE.format(meta=meta).encode("cp1252"), content_type=content_type
    )
    article = load_article(url)
    assert article.title == "Caf\u00e9 Notes"
    assert "\u201cproper\u201d coffee and cr\u00e8me br\u00fbl\u00e9e" in article.plain_text()


def test_undeclared_utf8_and_wrongly_declared_charset(site):
    body = LEGACY_PAGE.format(meta="").encode("utf-8")
    assert fetch(site.page("/plain", body, content_type="text/html")).encoding == "utf-8"
    # a header naming ASCII cannot decode these bytes; the valid UTF-8 reading wins
    page = fetch(site.page("/wrong", body, content_type="text/html; charset=us-ascii"))
    assert "cr\u00e8me br\u00fbl\u00e9e" in page.text
