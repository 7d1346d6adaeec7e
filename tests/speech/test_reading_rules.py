"""Rules for the text of release notes, bug trackers and plain-text speeches, each with input/expected pairs."""

from __future__ import annotations

from audiocast.speech import english as en
from audiocast.speech import english_code as code
from audiocast.speech import english_numbers as num
from audiocast.speech.normalize import normalize


def check(rule, cases):
    for text, expected in cases:
        assert rule(text) == expected, f"{rule.__name__}({text!r})"


# ----------------------------------------------------------------- references


def test_reference_parentheticals_are_dropped():
    check(code.drop_reference_parentheticals, [
        ("Fixed a crash when resizing (Bug 1681512).", "Fixed a crash when resizing."),
        ("Thanks to all who helped (#264, #301).", "Thanks to all who helped."),
        ("Scrolling is smoother (PR #1234 and PR #1240)", "Scrolling is smoother"),
        ("Parsing follows the spec (RFC 9110; RFC 3986).", "Parsing follows the spec."),
        ("Reverted (3f9a2c1d).", "Reverted."),
        ("Landed upstream (see mozilla/gecko#4412).", "Landed upstream."),
        ("A key fix [JS-4421, GH-79000].", "A key fix."),
        ("Patched (CVE-2024-12345).", "Patched."),
        ("Kept (bug 123; thanks to Ana!).", "Kept (bug 123; thanks to Ana!)."),
        ("A year (2024) and a count (1234567).", "A year (2024) and a count (1234567)."),
        ("No references (here).", "No references (here)."),
    ])


def test_digit_groups():
    check(code.digit_groups, [
        ("7", "seven"), ("42", "forty-two"), ("07", "zero seven"), ("264", "two six four"),
        ("1234", "one two three four"), ("79000", "seven nine, zero zero zero"),
        ("1681512", "one six eight, one five one two"), ("12345678", "one two three four, five six seven eight"),
        ("1234567890", "one two three, four five six, seven eight nine zero"),
    ])


def test_read_references():
    check(code.read_references, [
        ("Bug 1681512 is fixed.", "Bug one six eight, one five one two is fixed."),
        ("issue 264 and issue #12", "issue two six four and issue twelve"),
        ("PR #1234 landed", "PR one two three four landed"),
        ("RFC#3919 and RFC 9110", "RFC three nine one nine and RFC nine one one zero"),
        ("See GH-79000.", "See GH seven nine, zero zero zero."),
        ("Tracked as JS-4421.", "Tracked as JS four four two one."),
        ("CVE-2024-12345 is patched", "CVE twenty twenty-four, one two, three four five is patched"),
        ("Fixes #12345", "Fixes number one two, three four five"),
        ("commit 3f9a2c1d", "commit three F nine Eh"),
        ("order 123456789 shipped", "order one two three, four five six, seven eight nine shipped"),
        ("1,681,512 people and 8000000 more", "1,681,512 people and 8000000 more"),
        ("COVID-19 and F-35 and ISO 8601", "COVID-19 and F-35 and ISO 8601"),
        ("a decade or 1e10000", "a decade or 1e10000"),
        ("$1234567 and 1234.5678", "$1234567 and 1234.5678"),
    ])


def test_references_in_the_pipeline_are_never_quantities():
    for text, expected in [
        ("Resizing no longer crashes (Bug 1681512).", "Resizing no longer crashes."),
        ("Bug 1681512 was the worst.", "Bug one six eight, one five one two was the worst."),
        ("PR #1234 landed.", "P-R one two three four landed."),
        ("This follows RFC#3919.", "This follows R-F-C three nine one nine."),
        ("See GH-79000.", "See G-H seven nine, zero zero zero."),
    ]:
        assert normalize(text) == expected
        assert "million" not in normalize(text) and "thousand" not in normalize(text)


# ----------------------------------------------------------------- code identifiers


def test_read_code_identifiers():
    check(code.read_code_identifiers, [
        ("Set SIDE_MODULE or STANDALONE_WASM", "Set side module or standalone WASM"),
        ("HTTP_PROXY and MAX_LEN", "HTTP proxy and max len"),
        ("Call getElementById now", "Call get element by ID now"),
        ("A SharedArrayBuffer or XMLHttpRequest", "A shared array buffer or XML HTTP request"),
        ("useState and addEventListener", "use state and add event listener"),
        ("iPhone, eBay, JavaScript, GitHub, YouTube, McDonald, macOS", "iPhone, eBay, JavaScript, GitHub, YouTube, McDonald, mac OS"),
        ("kWh and mAh and pH", "kWh and mAh and pH"),
        ("snake_case stays for later rules", "snake_case stays for later rules"),
    ])
    assert normalize("Set SIDE_MODULE and STANDALONE_WASM.") == "Set side module and standalone wazm."
    assert normalize("Call getElementById.") == "Call get element by I-D."


# ----------------------------------------------------------------- dates and versions inside tokens


def test_dates_inside_tokens():
    check(num.read_dates, [
        ("nightly-2024-05-05 is out", "nightly May fifth, twenty twenty-four is out"),
        ("2024-05-05-build", "May fifth, twenty twenty-four build"),
        ("Since 2024-05.", "Since May twenty twenty-four."),
        ("The 2019-20 season and 2010-11", "The 2019-20 season and 2010-11"),
    ])


def test_versions_with_pre_release_tags():
    check(num.read_versions, [
        ("v1.2.3-rc1", "version one point two point three release candidate one"),
        ("Version v1.2.3-rc1", "Version one point two point three release candidate one"),
        ("1.0.0-beta.2 and 2.0.0-alpha", "one point zero point zero beta two and two point zero point zero alpha"),
        ("3.13.0a1 and 3.13.0rc2", "three point thirteen point zero alpha one and three point thirteen point zero release candidate two"),
        ("Python 3.12-dev", "Python three point twelve dev"),
        ("Rust 1.80 and 4.1.1", "Rust one point eighty and four point one point one"),
        ("v2 and v10", "version two and version ten"),
        ("TLSv1.3", "TLS version one point three"),
        ("Python 3.11 and 3.12", "Python three point eleven and three point twelve"),
        ("Rust 1.79, 1.80 or 1.81", "Rust one point seventy-nine, one point eighty or one point eighty-one"),
    ])


def test_no_hyphen_inside_a_token_is_read_as_to():
    for text in ("nightly-2024-05-05", "v1.2.3-rc1", "x86-64", "CVE-2024-12345", "node-18.2.0", "build-1234-5"):
        assert " to " not in f" {normalize(text)} ", text
    assert normalize("x86-64 builds") == "x eighty-six sixty-four builds"
    assert normalize("From 2019-2021 and pages 5-10.") == "From twenty nineteen to twenty twenty-one and pages five to ten."


# ----------------------------------------------------------------- dashes


def test_plain_text_dashes_are_pauses():
    for text, expected in [
        ("-- Thank you all -- and goodnight.", "Thank you all, and goodnight."),
        ("--Thank you all.", "Thank you all."),
        ("He said--and I agree--that it works.", "He said, and I agree, that it works."),
        ("We came -- we saw.", "We came, we saw."),
        ("--- and then", "and then"),
    ]:
        assert normalize(text) == expected
    assert normalize("Pass --verbose or --dry-run.") == "Pass dash dash verbose or dash dash dry-run."


# ----------------------------------------------------------------- slashes


def test_read_slashes():
    check(en.read_slashes, [
        ("his/her and and/or", "his or her and and or"),
        ("I/O and A/B tests", "I-O and A-B tests"),
        ("TCP/IP and AC/DC", "TCP IP and AC DC"),
        ("speeds in km/h and m/s", "speeds in kilometers per hour and meters per second"),
        ("five dollars/month and ten/hour", "five dollars per month and ten per hour"),
        ("Mac/Windows", "Mac or Windows"),
    ])
    assert normalize("I/O bound, and/or 24/7 at 90 km/h over TCP/IP.") == (
        "I-O bound, and or twenty-four seven at ninety kilometers per hour over T-C-P I-P.")
    assert "slash" not in normalize("Inputs/outputs and AC/DC, UI/UX.")
    assert normalize("Edit /etc/hosts first.") == "Edit etc slash hosts first."
    check(en.read_links, [
        ("See benchmarks/run.py and voices/Name.toml.", "See benchmarks slash run dot py and voices slash Name dot toml."),
        ("Run ./setup.sh or .venv/bin/activate", "Run setup dot sh or dot venv slash bin slash activate"),
        ("Play output/the-last-keeper.mp3", "Play output slash the last keeper dot mp3"),
        ("Not km/h, and/or, his/her or docs/guide", "Not km/h, and/or, his/her or docs/guide"),
    ])


# ----------------------------------------------------------------- currency codes


def test_currency_codes_are_read_once():
    check(num.read_money, [
        ("It cost $306k (USD).", "It cost three hundred six thousand U-S dollars."),
        ("$5 CAD each", "five Canadian dollars each"),
        ("EUR 5m", "five million euros"),
        ("5 million USD", "five million U-S dollars"),
        ("USD $40", "forty U-S dollars"),
        ("Revenue (USD) rose", "Revenue (U-S dollars) rose"),
        ("£2.5m (GBP)", "two point five million pounds"),
    ])


# ----------------------------------------------------------------- ALL-CAPS words


def test_all_caps_words_are_read_as_words():
    check(en.make_letters_rule(), [
        ("The CHILDREN came MONTHLY with ANSWERS", "The Children came Monthly with Answers"),
        ("MODERN ART", "Modern Art"),
        ("THE STATE OF THE WORLD", "The State Of The World"),
        ("THE UNHCR REPORT ON NATO", "The U-N-H-C-R Report On Nato"),
        ("NATO, the GDP and HTML", "Nato, the G-D-P and H-T-M-L"),
        ("AC DC, UI UX", "A-C D-C, U-I U-X"),
    ])
    assert not en.pronounceable("LMAO") and not en.pronounceable("NSFW")
    assert all(en.pronounceable(w) for w in ("CHILDREN", "STRENGTH", "WORLDS", "ANSWERS", "QUEUE", "BEAUTY"))


def test_numbered_headings():
    check(en.read_roman_numerals, [
        ("IV. A Growing Economy", "Four. A Growing Economy"),
        ("XXI", "Twenty-one."),
        ("I. Introduction", "One. Introduction"),
        ("I went home.", "I went home."),
        ("I. M. Pei built it.", "I. M. Pei built it."),
    ])
    assert normalize("IV. A GROWING ECONOMY") == "Four. A Growing Economy"
    assert normalize("U.S. GDP") == "U-S G-D-P"
