"""English rules for everything written with digits: numbers, money, units, dates, times.

Each ``read_*`` function is one rule (``str -> str``); english.py lists them in
the order they must run. The words come from num2words, in American style
("one hundred twenty", no "and"), which also reads well to British listeners.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from num2words import num2words

_ONES = "zero one two three four five six seven eight nine".split()
_MONTHS = [
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
]

# ----------------------------------------------------------------- words for numbers


def _plain(words: str) -> str:
    return words.replace(",", "").replace(" and ", " ")


def cardinal(n: int) -> str:
    """12 -> "twelve"; 1234 -> "one thousand two hundred thirty-four"."""
    if n < 0:
        return "minus " + cardinal(-n)
    try:
        return _plain(num2words(n))
    except OverflowError:
        return digits(str(n))


def ordinal(n: int) -> str:
    """21 -> "twenty-first"."""
    return _plain(num2words(n, to="ordinal"))


def year(n: int) -> str:
    """2022 -> "twenty twenty-two", 2005 -> "two thousand five", 1905 -> "nineteen oh five"."""
    return _plain(num2words(n, to="year")).replace("oh-", "oh ")


def digits(text: str) -> str:
    """"0451" -> "zero four five one"."""
    return " ".join(_ONES[int(ch)] for ch in text if ch.isdigit())


def number(text: str) -> str:
    """Any written number: "1,234.5" -> "one thousand two hundred thirty-four point five"."""
    text = text.replace(",", "")
    sign = ""
    if text[:1] in ("-", "\u2212"):
        sign, text = "minus ", text[1:]
    elif text[:1] == "+":
        sign, text = "plus ", text[1:]
    whole, _, fraction = text.partition(".")
    if len(whole) > 1 and whole.startswith("0") or len(whole) > 15:
        words = digits(whole)
    else:
        words = cardinal(int(whole)) if whole else ""
    if fraction:
        words = (words + " point " if words else "point ") + digits(fraction)
    return sign + words


def _is_one(text: str) -> bool:
    return text.replace(",", "").lstrip("+") in ("1",)


def _pluralize_number(words: str) -> str:
    """"nineteen ninety" -> "nineteen nineties" (decades)."""
    head, _, last = words.rpartition(" ")
    if last.endswith("y"):
        last = last[:-1] + "ies"
    elif last.endswith("x"):
        last += "es"
    else:
        last += "s"
    return f"{head} {last}".strip()


_DIGIT = re.compile(r"\d")


def _needs_digits(rule: Callable[[str], str]) -> Callable[[str], str]:
    """Most sentences have no digits; number rules skip them without running their patterns."""

    @functools.wraps(rule)
    def checked(text: str) -> str:
        return rule(text) if _DIGIT.search(text) else text

    return checked


# Building blocks of the patterns below.
AMOUNT = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_TO = r"\s?(?:-|\u2013|\u2014|to)\s?"
_END = r"(?![\w])"


def _keep_stop(match: re.Match, words: str, consumed_dot: bool) -> str:
    """Keep the sentence's full stop when a rule swallowed a final abbreviation dot."""
    if consumed_dot and match.string[match.end():].strip(" \"')]") == "":
        return words + "."
    return words


# ----------------------------------------------------------------- phone numbers and IPs

_PHONE = re.compile(
    r"(?<![\w+])(?:"
    r"\+\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?)(?:[\s.-]\d{2,4}){2,4}"
    r"|\(\d{3}\)\s?\d{3}[-.\s]\d{4}"
    r"|(?:1-)?\d{3}[-.]\d{3}[-.]\d{4}"
    r"|0\d{2,4}[\s-]\d{3,4}[\s-]\d{3,4}"
    r")(?![\w-])"
)


@_needs_digits
def read_phone_numbers(text: str) -> str:
    """Phone numbers digit by digit, groups separated by short pauses."""

    def say(match: re.Match) -> str:
        raw = match.group()
        if "word" in match.re.groupindex:
            raw = raw[len(match["word"]):]
        groups = re.findall(r"\d+", raw)
        spoken = ", ".join(digits(g) for g in groups)
        return ("plus " + spoken) if raw.startswith("+") else spoken

    text = _PHONE.sub(say, text)
    return _LOCAL_PHONE.sub(lambda m: m["word"] + say(m), text)


# a bare 555-1234 is a phone number only after a word that says so (else it is a range)
_LOCAL_PHONE = re.compile(
    r"(?P<word>\b(?:[Cc]all|[Pp]hone|[Tt]el\.?|[Dd]ial|[Ff]ax|[Tt]ext|[Nn]umber|[Hh]otline)(?:\s(?:us|me|them|at|on)){0,2}:?\s)"
    r"\d{3}-\d{4}(?![\w-])"
)


_IP = re.compile(r"(?<![\w.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?![\w]|\.\d)")


@_needs_digits
def read_ip_addresses(text: str) -> str:
    """192.168.0.1 -> "one nine two dot one six eight dot zero dot one"."""
    def say(match: re.Match) -> str:
        parts = match.groups()
        if any(int(p) > 255 for p in parts):
            return match.group()
        return " dot ".join(digits(p) for p in parts)

    return _IP.sub(say, text)


# ----------------------------------------------------------------- dates and times

_MONTH_NAME = (
    r"(?P<mon>Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?\.?|July?\.?"
    r"|Aug(?:ust|\.)?|Sep(?:t(?:ember)?)?\.?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
)
_MONTH_DAY = re.compile(
    r"\b" + _MONTH_NAME + r"\s(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?:\s?[-\u2013]\s?(?P<day2>[0-3]?\d)(?:st|nd|rd|th)?)?"
    r"(?:,?\s(?P<year>[12]\d{3}))?(?![\w%:.,]\d|\w)"
)
_DAY_MONTH = re.compile(
    r"(?<![\w.,])(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s(?:of\s)?" + _MONTH_NAME
    + r"(?:,?\s(?P<year>[12]\d{3}))?(?![\w])"
)
_ISO_TIME = re.compile(r"(?<=\d{4}-\d{2}-\d{2})T(?=\d{2}:\d{2})")
_ZULU = re.compile(r"(?<=\d:\d{2})(?::\d{2}(?:\.\d+)?)?Z\b|(?<=\d:\d{2}:\d{2})(?:\.\d+)?Z\b")
_ISO_DATE = re.compile(r"(?<![\w-])(?P<year>[12]\d{3})-(?P<mon>[01]\d)-(?P<day>[0-3]\d)(?![\w-])")
# "nightly-2024-05-05", "2024-05-05-build": the hyphens joining a date to a word are not "to"
_DATE_IN_TOKEN = re.compile(r"(?<=[A-Za-z])-(?=[12]\d{3}-[01]\d-[0-3]\d(?!\w|-\d))|(?<=[12]\d{3}-[01]\d-[0-3]\d)-(?=[A-Za-z])")
_YEAR_MONTH = re.compile(r"(?<![\w.,-])(?P<year>[12]\d{3})-(?P<mon>0[1-9]|1[0-2])(?![\w-]|[.,]\d)")
_SLASH_DATE = re.compile(r"(?<![\w/.])(?P<a>[01]?\d|[0-3]\d)/(?P<b>[0-3]?\d)/(?P<year>\d{4}|\d{2})(?![\w/])")


def _month(name: str) -> str:
    key = name.rstrip(".")[:3].lower()
    return next(m for m in _MONTHS if m[:3].lower() == key)


@_needs_digits
def read_dates(text: str) -> str:
    """Feb. 24, 2022 / 24 February 2022 / 2022-02-24 / 2/24/2022 -> month, day and year in words;
    2024-05 -> "May twenty twenty-four"; "nightly-2024-05-05" -> "nightly May fifth, ..."."""

    def month_day(match: re.Match) -> str:
        day = int(match["day"])
        if not 1 <= day <= 31:
            return match.group()
        words = f"{_month(match['mon'])} {ordinal(day)}"
        if match["day2"] and 1 <= int(match["day2"]) <= 31:
            words += f" to {ordinal(int(match['day2']))}"
        return words + (f", {year(int(match['year']))}" if match["year"] else "")

    def day_month(match: re.Match) -> str:
        day = int(match["day"])
        if not 1 <= day <= 31:
            return match.group()
        before = match.string[max(0, match.start() - 4):match.start()].lower()
        article = "" if before.endswith("the ") else "the "
        words = f"{article}{ordinal(day)} of {_month(match['mon'])}"
        return words + (f", {year(int(match['year']))}" if match["year"] else "")

    def numeric(month: int, day: int, yr: int, match: re.Match) -> str:
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return match.group()
        return f"{_MONTHS[month - 1]} {ordinal(day)}, {year(yr)}"

    def iso(match: re.Match) -> str:
        return numeric(int(match["mon"]), int(match["day"]), int(match["year"]), match)

    def slash(match: re.Match) -> str:
        a, b, yr = int(match["a"]), int(match["b"]), match["year"]
        month, day = (b, a) if a > 12 else (a, b)
        full = int(yr) if len(yr) == 4 else 2000 + int(yr)
        return numeric(month, day, full, match)

    def year_month(match: re.Match) -> str:
        yr, month = match["year"], int(match["mon"])
        if int(match["mon"]) > int(yr[2:]):  # "2019-20" is a season, "2010-11" more likely one too
            return match.group()
        return f"{_MONTHS[month - 1]} {year(int(yr))}"

    text = _DATE_IN_TOKEN.sub(" ", text)
    text = _ISO_TIME.sub(" at ", text)
    text = _ZULU.sub(" UTC", text)
    text = _ISO_DATE.sub(iso, text)
    text = _SLASH_DATE.sub(slash, text)
    text = _YEAR_MONTH.sub(year_month, text)
    text = _MONTH_DAY.sub(month_day, text)
    return _DAY_MONTH.sub(day_month, text)


_MERIDIEM = r"(?P<ap>[aApP]\.?\s?[mM]\.?)"
_CLOCK = re.compile(
    r"(?<![\w:.])(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)(?::(?P<s>[0-5]\d))?(?:\s?" + _MERIDIEM + r"(?![\w]))?(?![\w:])"
)
_HOUR_MERIDIEM = re.compile(r"(?<![\w:.])(?P<h>1[0-2]|0?[1-9])\s?" + _MERIDIEM + r"(?![\w])")
_RATIO = re.compile(r"(?<![\w:.])\d+(?::\d+)+(?![\w:])")
# "10am-2pm", "9:30 - 11:00 am": the dash between two times is "to"
_TIME_RANGE = re.compile(
    r"(?P<first>(?<![\w:.])(?:[01]?\d|2[0-3])(?::[0-5]\d)?(?:\s?[aApP]\.?\s?[mM]\.?)?)\s?[-\u2013]\s?"
    r"(?=(?:[01]?\d|2[0-3])(?::[0-5]\d)?\s?[aApP]\.?\s?[mM]\.?(?![\w])|(?:[01]?\d|2[0-3]):[0-5]\d(?![\w:]))"
)


def _meridiem(raw: str) -> str:
    return "A-M" if raw.lower().startswith("a") else "P-M"


@_needs_digits
def read_times(text: str) -> str:
    """9:30 am -> "nine thirty A-M"; 14:00 -> "fourteen hundred"; 16:9 -> "sixteen to nine"."""

    def clock(match: re.Match) -> str:
        h, m = int(match["h"]), int(match["m"])
        ap = match["ap"]
        if ap:
            hour = cardinal(12 if h % 12 == 0 else h % 12 if h > 12 else h)
            minutes = "" if m == 0 else f" oh {cardinal(m)}" if m < 10 else f" {cardinal(m)}"
            words = f"{hour}{minutes} {_meridiem(ap)}"
        elif h <= 12 and not match["h"].startswith("0") and h != 0:
            minutes = " o'clock" if m == 0 else f" oh {cardinal(m)}" if m < 10 else f" {cardinal(m)}"
            words = cardinal(h) + minutes
        else:
            hour = "zero" if h == 0 else cardinal(h)
            minutes = " hundred" if m == 0 else f" oh {cardinal(m)}" if m < 10 else f" {cardinal(m)}"
            words = hour + minutes
        if match["s"] and int(match["s"]):
            s = int(match["s"])
            words += f" and {cardinal(s)} second{'s' if s != 1 else ''}"
        return _keep_stop(match, words, bool(ap and ap.endswith(".")))

    def hour_only(match: re.Match) -> str:
        ap = match["ap"]
        return _keep_stop(match, f"{cardinal(int(match['h']))} {_meridiem(ap)}", ap.endswith("."))

    text = _TIME_RANGE.sub(lambda m: f"{m['first']} to ", text)
    text = _CLOCK.sub(clock, text)
    text = _HOUR_MERIDIEM.sub(hour_only, text)
    return _RATIO.sub(lambda m: " to ".join(number(part) for part in m.group().split(":")), text)


# ----------------------------------------------------------------- versions

# a pre-release tag: "-rc1", "-beta.2", "-dev", or Python's "a1", "b2", "rc3"
_PRE_RELEASE = (
    r"(?:-(?P<tag>rc|beta|alpha|dev|pre|preview|nightly|snapshot|SNAPSHOT|canary|final|stable|lts|LTS)(?:[.-]?(?P<tagn>\d+))?"
    r"|(?P<ptag>a|b|rc|dev)(?P<ptagn>\d+))?"
)
_VERSION = re.compile(
    r"(?<![\w.])(?P<v>[vV])?(?P<parts>\d+(?:\.\d+){2,3})" + _PRE_RELEASE + r"(?![\w]|\.\d)"
)
_SHORT_VERSION = re.compile(
    r"(?<![\w.])(?:(?P<v>[vV])|(?P<word>[Vv]ersion|[Rr]elease|Python|Rust|Java|Node|PHP|Ruby|Perl|HTTP|Go|iOS|macOS|Android|Windows)\s)"
    r"(?P<parts>\d+\.\d+)" + _PRE_RELEASE + r"(?![\w]|\.\d)"
    # "Python 3.11 and 3.12", "Rust 1.79, 1.80 or 1.81": the rest of a list of versions
    r"(?P<more>(?:(?:,\s|,?\s(?:and|or|to)\s)\d+\.\d+(?![\w]|\.\d))*)"
)
_LISTED_VERSION = re.compile(r"\d+\.\d+")
# "TLSv1.3", "HTTPv2": a protocol's name with its version glued on
_GLUED_V = re.compile(r"(?<=[A-Z]{2})v(?=\d)")
_BARE_V = re.compile(r"(?<![\w.])[vV](?P<parts>\d+)" + _PRE_RELEASE + r"(?![\w]|[.,]\d)")
_TAG_WORDS = {
    "rc": "release candidate", "a": "alpha", "b": "beta", "pre": "pre-release", "lts": "L-T-S", "snapshot": "snapshot",
}


def _version_words(parts: str) -> str:
    return " point ".join(number(p) if not (len(p) > 1 and p.startswith("0")) else digits(p) for p in parts.split("."))


@_needs_digits
def read_versions(text: str) -> str:
    """1.75.0 -> "one point seventy-five point zero"; v2.3 -> "version two point three";
    v1.2.3-rc1 -> "version one point two point three release candidate one"; v2 -> "version two"."""

    def pre_release(match: re.Match) -> str:
        tag, n = (match["tag"], match["tagn"]) if match["tag"] else (match["ptag"], match["ptagn"])
        if not tag:
            return ""
        words = _TAG_WORDS.get(tag.lower(), tag.lower())
        return f" {words}" + (f" {number(n)}" if n else "")

    def version_word(match: re.Match) -> str:
        before = match.string[max(0, match.start() - 8):match.start()].lower()
        return "" if before.rstrip().endswith("version") else "version "

    def long_form(match: re.Match) -> str:
        lead = version_word(match) if match["v"] else ""
        return lead + _version_words(match["parts"]) + pre_release(match)

    def short_form(match: re.Match) -> str:
        word = version_word(match).strip() if match["v"] else match["word"]
        more = _LISTED_VERSION.sub(lambda m: _version_words(m.group()), match["more"] or "")
        return f"{word} {_version_words(match['parts'])}{pre_release(match)}".strip() + more

    def bare_v(match: re.Match) -> str:
        return f"{version_word(match)}{number(match['parts'])}{pre_release(match)}"

    text = _GLUED_V.sub(" v", text)
    text = _VERSION.sub(long_form, text)
    text = _SHORT_VERSION.sub(short_form, text)
    return _BARE_V.sub(bare_v, text)


# ----------------------------------------------------------------- money


@dataclass(frozen=True)
class Currency:
    one: str
    many: str
    cent: str | None = "cent"
    cents: str | None = "cents"


_DOLLAR = Currency("dollar", "dollars")
_SYMBOLS: dict[str, Currency] = {
    "$": _DOLLAR,
    "US$": Currency("U-S dollar", "U-S dollars"),
    "A$": Currency("Australian dollar", "Australian dollars"),
    "AU$": Currency("Australian dollar", "Australian dollars"),
    "C$": Currency("Canadian dollar", "Canadian dollars"),
    "CA$": Currency("Canadian dollar", "Canadian dollars"),
    "NZ$": Currency("New Zealand dollar", "New Zealand dollars"),
    "HK$": Currency("Hong Kong dollar", "Hong Kong dollars"),
    "€": Currency("euro", "euros"),
    "£": Currency("pound", "pounds", "penny", "pence"),
    "¥": Currency("yen", "yen", None, None),
    "₹": Currency("rupee", "rupees", "paisa", "paise"),
    "₽": Currency("ruble", "rubles", "kopek", "kopeks"),
    "₴": Currency("hryvnia", "hryvnias", "kopiyka", "kopiykas"),
    "₩": Currency("won", "won", None, None),
    "₪": Currency("shekel", "shekels", "agora", "agorot"),
    "₿": Currency("bitcoin", "bitcoin", None, None),
}
_CODES: dict[str, Currency] = {
    "USD": _SYMBOLS["US$"],
    "EUR": _SYMBOLS["€"],
    "GBP": _SYMBOLS["£"],
    "JPY": _SYMBOLS["¥"],
    "CNY": Currency("yuan", "yuan", None, None),
    "RMB": Currency("yuan", "yuan", None, None),
    "INR": _SYMBOLS["₹"],
    "RUB": _SYMBOLS["₽"],
    "UAH": _SYMBOLS["₴"],
    "CHF": Currency("Swiss franc", "Swiss francs", "centime", "centimes"),
    "CAD": _SYMBOLS["C$"],
    "AUD": _SYMBOLS["A$"],
    "NZD": _SYMBOLS["NZ$"],
    "HKD": _SYMBOLS["HK$"],
    "SEK": Currency("Swedish krona", "Swedish kronor", None, None),
    "NOK": Currency("Norwegian krone", "Norwegian kroner", None, None),
    "DKK": Currency("Danish krone", "Danish kroner", None, None),
    "PLN": Currency("zloty", "zlotys", None, None),
    "BTC": _SYMBOLS["₿"],
    "zł": Currency("zloty", "zlotys", "grosz", "groszy"),
}
_SCALES = {
    "trillion": "trillion", "tn": "trillion", "t": "trillion",
    "billion": "billion", "bn": "billion", "b": "billion",
    "million": "million", "mn": "million", "m": "million", "mm": "million",
    "thousand": "thousand", "k": "thousand",
}
_SCALE = r"(?:\s?(?P<scale>(?i:trillion|billion|million|thousand))|(?P<short>tn|bn|mn|mm|[mMbBkKtT]))(?![\w])"
_SYMBOL = "|".join(re.escape(s) for s in sorted(_SYMBOLS, key=len, reverse=True))
_CODE = "|".join(_CODES)
# "$306k (USD)", "$5 USD": the code says which dollar; the amount is read once, with that currency
_CODE_AFTER_SYMBOL = r"(?:\s?\((?P<code>" + _CODE + r")\)|\s(?P<code2>" + _CODE + r")(?![\w]))?"
_MONEY_SYMBOL = re.compile(
    r"(?P<neg>(?<![\w.])[-\u2212])?(?<![\w])(?P<cur>" + _SYMBOL + r")\s?(?P<a>" + AMOUNT + r")"
    r"(?:" + _TO + r"(?:" + _SYMBOL + r")?\s?(?P<b>" + AMOUNT + r"))?(?:" + _SCALE + r")?(?![\w.]\d)"
    + _CODE_AFTER_SYMBOL
)
_MONEY_CODE_FIRST = re.compile(
    r"(?<![\w])(?P<cur>" + _CODE + r")\s?(?:" + _SYMBOL + r")?\s?(?P<a>" + AMOUNT + r")(?:" + _TO + r"(?:"
    + _SYMBOL + r")?(?P<b>" + AMOUNT + r"))?(?:" + _SCALE + r")?(?![\w.]\d)"
)
# "Revenue (USD)": a currency code on its own in parentheses is the currency's name
_LONE_CODE = re.compile(r"(?<=\()(?P<cur>" + _CODE + r")(?=\))")
_MONEY_CODE_AFTER = re.compile(
    r"(?<![\w.])(?P<a>" + AMOUNT + r")(?:" + _TO + r"(?P<b>" + AMOUNT + r"))?(?:" + _SCALE + r")?"
    r"\s?(?P<cur>" + _CODE + r"|€)(?![\w])"
)


_ARTICLE_BEFORE = re.compile(r"(?:^|\s)(?:[Aa]n?|[Tt]he|[Tt]his|[Tt]hat|[Ee]ach|[Ee]very)\s$")
_HEADLINE_BEFORE = re.compile(r"(?:^|\s)[A-Z][a-z]+\s$")
_NOT_A_NOUN = r"(?!(?i:of|a|an|the|and|or|to|in|on|at|for|from|by|per|is|was|were|are|be|been|each|every|a\s+year)\b)"
_NOUN_AFTER = re.compile(r"\s" + _NOT_A_NOUN + r"[a-z]")
_HEADLINE_NOUN_AFTER = re.compile(r"\s" + _NOT_A_NOUN + r"[A-Z][a-z]")


def _attributive(match: re.Match) -> bool:
    """"a $5 million grant", "a 4.5 km spur", "Approves $1.2 Billion Expansion": the amount
    describes the noun after it, so its unit is singular."""
    before = match.string[max(0, match.start() - 12):match.start()]
    if _ARTICLE_BEFORE.search(before) and _NOUN_AFTER.match(match.string, match.end()):
        return True
    return bool(_HEADLINE_BEFORE.search(before)) and bool(_HEADLINE_NOUN_AFTER.match(match.string, match.end()))


def _amount(match: re.Match, currency: Currency) -> str:
    scale = match["scale"] or match["short"]
    a, b = match["a"], match["b"]
    sign = "minus " if match.groupdict().get("neg") else ""
    many = currency.one if _attributive(match) and currency.one != currency.many else currency.many
    if scale:
        amount = number(a) + (f" to {number(b)}" if b else "")
        return f"{sign}{amount} {_SCALES[scale.lower()]} {many}"
    if b:
        return f"{sign}{number(a)} to {number(b)} {many}"
    whole, _, frac = a.replace(",", "").partition(".")
    units = int(whole or 0)
    unit_word = currency.one if units == 1 else many
    if not frac or currency.cent is None or len(frac) > 2:
        if frac:
            return f"{sign}{number(a)} {many}"
        return f"{sign}{cardinal(units)} {unit_word}"
    cents = int(frac.ljust(2, "0"))
    cent_words = f"{cardinal(cents)} {currency.cent if cents == 1 else currency.cents}"
    if units == 0:
        return sign + cent_words
    if cents == 0:
        return f"{sign}{cardinal(units)} {unit_word}"
    return f"{sign}{cardinal(units)} {unit_word} and {cent_words}"


def read_money(text: str) -> str:
    """$5 billion, $3.50, EUR 30, €30, £2.5m, 30 USD, $306k (USD) -> amounts with their currency in words,
    said once; "Revenue (USD)" -> "Revenue (U-S dollars)"."""
    if not _DIGIT.search(text):
        return _LONE_CODE.sub(lambda m: _CODES[m["cur"]].many, text) if "(" in text else text
    def symbol(match: re.Match) -> str:
        code = match["code"] or match["code2"]
        return _amount(match, _CODES[code] if code else _SYMBOLS[match["cur"]])

    text = _MONEY_CODE_FIRST.sub(lambda m: _amount(m, _CODES[m["cur"]]), text)
    text = _MONEY_SYMBOL.sub(symbol, text)
    text = _MONEY_CODE_AFTER.sub(
        lambda m: _amount(m, _SYMBOLS["€"] if m["cur"] == "€" else _CODES[m["cur"]]), text
    )
    return _LONE_CODE.sub(lambda m: _CODES[m["cur"]].many, text)


# ----------------------------------------------------------------- percentages, scales, units

_SIGNED = r"(?:(?<![\w.])[-\u2212+])?" + AMOUNT
_PERCENT = re.compile(
    r"(?<![\w.])(?P<a>" + _SIGNED + r")(?:" + _TO + r"(?P<b>" + _SIGNED + r"))?\s?(?:%|\s?per\s?cent\b)"
)


@_needs_digits
def read_percentages(text: str) -> str:
    """5% -> "five percent"; 5-10% -> "five to ten percent"."""

    def say(match: re.Match) -> str:
        words = number(match["a"])
        if match["b"]:
            words += " to " + number(match["b"])
        return words + " percent"

    return _PERCENT.sub(say, text)


_DIMENSION_WORDS = (
    "long|wide|high|tall|deep|thick|away|above|below|across|sprint|race|dash|hurdles|freestyle"
    "|backstroke|breaststroke|butterfly|relay|radius|diameter|depth|altitude|elevation|tower|wall|drop|fall"
)
_ATTACHED_SCALE = re.compile(
    r"(?<![\w.$€£¥])(?P<a>" + AMOUNT + r")(?P<s>bn|tn|mn|m|k)(?![\w])(?P<next>\s+(?:" + _DIMENSION_WORDS + r")\b)?"
)


@_needs_digits
def read_attached_scales(text: str) -> str:
    """5bn -> "five billion", 10k -> "ten thousand", 3m -> "three million" (but "100m sprint": meters)."""

    def say(match: re.Match) -> str:
        scale, rest = match["s"], match["next"] or ""
        if scale == "m" and rest:
            return f"{number(match['a'])} {'meter' if _is_one(match['a']) else 'meters'}{rest}"
        return f"{number(match['a'])} {_SCALES[scale]}{rest}"

    return _ATTACHED_SCALE.sub(say, text)


_UNITS: dict[str, tuple[str, str]] = {
    "km": ("kilometer", "kilometers"), "m": ("meter", "meters"), "cm": ("centimeter", "centimeters"),
    "mm": ("millimeter", "millimeters"), "µm": ("micrometer", "micrometers"), "μm": ("micrometer", "micrometers"),
    "nm": ("nanometer", "nanometers"), "mi": ("mile", "miles"), "ft": ("foot", "feet"), "yd": ("yard", "yards"),
    "km²": ("square kilometer", "square kilometers"), "m²": ("square meter", "square meters"),
    "cm²": ("square centimeter", "square centimeters"), "m³": ("cubic meter", "cubic meters"),
    "sq ft": ("square foot", "square feet"), "sq mi": ("square mile", "square miles"), "ha": ("hectare", "hectares"),
    "kg": ("kilogram", "kilograms"), "g": ("gram", "grams"), "mg": ("milligram", "milligrams"),
    "µg": ("microgram", "micrograms"), "lb": ("pound", "pounds"), "lbs": ("pound", "pounds"),
    "oz": ("ounce", "ounces"), "t": ("tonne", "tonnes"),
    "L": ("liter", "liters"), "l": ("liter", "liters"), "ml": ("milliliter", "milliliters"),
    "mL": ("milliliter", "milliliters"), "gal": ("gallon", "gallons"),
    "mph": ("mile per hour", "miles per hour"), "km/h": ("kilometer per hour", "kilometers per hour"),
    "kph": ("kilometer per hour", "kilometers per hour"), "m/s": ("meter per second", "meters per second"),
    "ms": ("millisecond", "milliseconds"), "µs": ("microsecond", "microseconds"), "ns": ("nanosecond", "nanoseconds"),
    "s": ("second", "seconds"), "sec": ("second", "seconds"), "secs": ("second", "seconds"), "min": ("minute", "minutes"),
    "mins": ("minute", "minutes"), "hr": ("hour", "hours"), "hrs": ("hour", "hours"), "h": ("hour", "hours"),
    "KB": ("kilobyte", "kilobytes"), "kB": ("kilobyte", "kilobytes"),
    "MB": ("megabyte", "megabytes"), "GB": ("gigabyte", "gigabytes"), "TB": ("terabyte", "terabytes"),
    "PB": ("petabyte", "petabytes"), "KiB": ("kibibyte", "kibibytes"), "MiB": ("mebibyte", "mebibytes"),
    "GiB": ("gibibyte", "gibibytes"), "MB/s": ("megabyte per second", "megabytes per second"),
    "GB/s": ("gigabyte per second", "gigabytes per second"),
    "kbps": ("kilobit per second", "kilobits per second"), "Kbps": ("kilobit per second", "kilobits per second"),
    "Mbps": ("megabit per second", "megabits per second"), "Gbps": ("gigabit per second", "gigabits per second"),
    "Hz": ("hertz", "hertz"), "kHz": ("kilohertz", "kilohertz"), "MHz": ("megahertz", "megahertz"),
    "GHz": ("gigahertz", "gigahertz"),
    "W": ("watt", "watts"), "kW": ("kilowatt", "kilowatts"), "MW": ("megawatt", "megawatts"),
    "GW": ("gigawatt", "gigawatts"), "kWh": ("kilowatt hour", "kilowatt hours"),
    "MWh": ("megawatt hour", "megawatt hours"), "GWh": ("gigawatt hour", "gigawatt hours"),
    "TWh": ("terawatt hour", "terawatt hours"), "V": ("volt", "volts"), "kV": ("kilovolt", "kilovolts"),
    "mAh": ("milliamp hour", "milliamp hours"), "dB": ("decibel", "decibels"),
    "°C": ("degree Celsius", "degrees Celsius"), "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "ºC": ("degree Celsius", "degrees Celsius"), "ºF": ("degree Fahrenheit", "degrees Fahrenheit"),
    "° C": ("degree Celsius", "degrees Celsius"), "° F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "°": ("degree", "degrees"),
    "px": ("pixel", "pixels"), "fps": ("frame per second", "frames per second"),
    "rpm": ("revolution per minute", "revolutions per minute"), "mpg": ("mile per gallon", "miles per gallon"),
    "bpm": ("beat per minute", "beats per minute"), "kcal": ("kilocalorie", "kilocalories"),
    "ppm": ("part per million", "parts per million"), "ppb": ("part per billion", "parts per billion"),
    "psi": ("P-S-I", "P-S-I"),
}
# Units that are only units with a space before them: "2 t" is two tonnes, "2t" is not.
_SPACED_ONLY = {"t", "l", "s"}
_UNIT = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
_UNIT_RE = re.compile(
    r"(?<![\w.])(?P<a>" + _SIGNED + r")(?:" + _TO + r"(?P<b>" + _SIGNED + r"))?(?P<space>\s?)(?P<unit>" + _UNIT + r")(?![\w/²³])"
)


_FEET_INCHES = re.compile(r"(?<![\w.])(\d{1,2})'\s?(\d{1,2})(?:\"|'')")


@_needs_digits
def read_units(text: str) -> str:
    """5 km -> "five kilometers"; -3 °C -> "minus three degrees Celsius"; 1 kg -> "one kilogram"."""

    def say(match: re.Match) -> str:
        unit = match["unit"]
        if unit in _SPACED_ONLY and not match["space"]:
            return match.group()
        one, many = _UNITS[unit]
        if _attributive(match) and not match["b"]:
            many = one
        words = number(match["a"])
        if match["b"]:
            return f"{words} to {number(match['b'])} {many}"
        return f"{words} {one if _is_one(match['a']) else many}"

    text = _FEET_INCHES.sub(lambda m: f"{cardinal(int(m[1]))} foot {cardinal(int(m[2]))}", text)
    return _UNIT_RE.sub(say, text)


# ----------------------------------------------------------------- ordinals, fractions, ranges, years

_ORDINAL = re.compile(r"(?<![\w.])(\d+)(?:st|nd|rd|th)(?![\w])")


@_needs_digits
def read_ordinals(text: str) -> str:
    """21st -> "twenty-first"."""
    return _ORDINAL.sub(lambda m: ordinal(int(m[1])), text)


_DECADE = re.compile(r"(?<![\w.])(?:(?P<century>1[1-9]|20)|')?(?P<decade>\d0)'?s(?![\w])")


_PLURAL_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d{2,})'?s(?![\w])")


@_needs_digits
def read_decades(text: str) -> str:
    """1990s -> "nineteen nineties"; '80s -> "eighties"; F-35s -> "F-thirty-fives"; 100s -> "hundreds"."""

    def say(match: re.Match) -> str:
        if match["century"]:
            return _pluralize_number(year(int(match["century"] + match["decade"])))
        return _pluralize_number(cardinal(int(match["decade"])))

    def plural(match: re.Match) -> str:
        value = int(match[1].replace(",", ""))
        if value in (100, 1000, 1_000_000):
            return {100: "hundreds", 1000: "thousands", 1_000_000: "millions"}[value]
        return _pluralize_number(cardinal(value))

    return _PLURAL_NUMBER.sub(plural, _DECADE.sub(say, text))


_VULGAR = re.compile("(\\d?)(\\s?)([\u00bc-\u00be\u2150-\u215e])")


def _fraction_words(n: int, d: int) -> str:
    if d == 2:
        noun = "half" if n == 1 else "halves"
    elif d == 4:
        noun = "quarter" if n == 1 else "quarters"
    else:
        noun = ordinal(d).removeprefix("one ") + ("" if n == 1 else "s")  # 3/100: "three hundredths"
    return f"{cardinal(n)} {noun}"


_SPECIAL_FRACTIONS = {"24/7": "twenty-four seven", "9/11": "nine eleven", "50/50": "fifty-fifty", "20/20": "twenty-twenty"}
_FRACTION = re.compile(r"(?<![\w/.])(?:(?P<whole>\d+)\s)?(?P<n>\d+)/(?P<d>\d+)(?P<th>st|nd|rd|th|s)?(?![\w/]|\.\d)")


def read_fractions(text: str) -> str:
    """1/2 -> "one half"; 3/4 -> "three quarters"; 2 1/2 -> "two and a half"; 45/50 -> "45 out of 50"."""
    if not text.isascii():
        text = _VULGAR.sub(
            lambda m: (m[1] + " " if m[1] else m[2]) + unicodedata.normalize("NFKC", m[3]).replace("\u2044", "/"),
            text,
        )

    if "/" not in text:
        return text

    def say(match: re.Match) -> str:
        n, d = int(match["n"]), int(match["d"])
        raw = f"{match['n']}/{match['d']}"
        if raw in _SPECIAL_FRACTIONS and not match["whole"]:
            return _SPECIAL_FRACTIONS[raw]
        if d == 0:
            return f"{cardinal(n)} over zero"
        if match["th"]:  # "1/100th"
            return _fraction_words(n, d)
        if match["whole"]:
            if n >= d:
                return match.group()
            part = f"a {_fraction_words(1, d).split(' ', 1)[1]}" if n == 1 else _fraction_words(n, d)
            return f"{cardinal(int(match['whole']))} and {part}"
        if d <= 10 or (d in (100, 1000) and n < d):
            return _fraction_words(n, d)
        return f"{cardinal(n)} out of {cardinal(d)}"

    return _FRACTION.sub(say, text)


def _is_year(text: str) -> bool:
    return len(text) == 4 and text.isdigit() and 1100 <= int(text) <= 2099


_BETWEEN = re.compile(r"\b[Bb]etween\s+(?:the\s+years\s+)?$")
_RANGE = re.compile(
    r"(?<![\w.,/])(?<![A-Za-z]-)(?P<a>" + AMOUNT + r")\s?[-\u2013\u2014]\s?(?P<b>" + AMOUNT + r")(?![\w/]|[.,]\d)"
)


@_needs_digits
def read_ranges(text: str) -> str:
    """2019-2021 -> "twenty nineteen to twenty twenty-one"; 5-10 -> "five to ten"."""

    def say(match: re.Match) -> str:
        a, b = match["a"], match["b"]
        joiner = "and" if _BETWEEN.search(match.string, 0, match.start()) else "to"
        if _is_year(a) and (_is_year(b) or len(b) == 2):
            end = int(b) if len(b) == 4 else int(a[:2] + b)
            if end > int(a):
                return f"{year(int(a))} {joiner} {year(end)}"
        return f"{number(a)} {joiner} {number(b)}"

    return _RANGE.sub(say, text)


_YEAR = re.compile(r"(?<![\w.,\-\u2212])(1[1-9]\d\d|20\d\d)(?![\w]|[.,]\d)")
_AD_BC = re.compile(r"(?<![\w.,])(\d{1,4})\s?(BC|BCE|AD|CE)\b|\b(AD)\s?(\d{1,4})\b")


@_needs_digits
def read_years(text: str) -> str:
    """Four-digit numbers from 1100 to 2099 as years: 2022 -> "twenty twenty-two"."""
    text = _AD_BC.sub(
        lambda m: f"{year(int(m[1]))} {m[2]}" if m[1] else f"{m[3]} {year(int(m[4]))}", text
    )
    return _YEAR.sub(lambda m: year(int(m[1])), text)


# ----------------------------------------------------------------- everything else with digits

_TIMES_SIGN = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(?:\s?[x\u00d7]\s?|\s\*\s)(\d+(?:\.\d+)?)(?![\w])")
_MULTIPLIER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)x(?![\w])")


_SUPERSCRIPTS = str.maketrans("\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079\u207b", "0123456789-")
_SCIENTIFIC = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)[eE]([-+]?\d+)(?![\w])")
_POWER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(?:\^|\*\*)(-?\d+)(?![\w])|(?<![\w.])(\d+)([\u2070\u00b9\u00b2\u00b3\u2074-\u2079\u207b]+)")


@_needs_digits
def read_multiplication(text: str) -> str:
    """1920x1080 -> "one thousand nine hundred twenty by one thousand eighty"; 3x -> "three times";
    10^6 -> "ten to the power of six"."""

    def power(match: re.Match) -> str:
        base, exponent = (match[1], match[2]) if match[1] else (match[3], match[4].translate(_SUPERSCRIPTS))
        return f"{number(base)} to the power of {number(exponent)}"

    text = _POWER.sub(power, text)
    text = _SCIENTIFIC.sub(lambda m: f"{number(m[1])} times ten to the power of {number(m[2])}", text)
    text = _TIMES_SIGN.sub(lambda m: f"{number(m[1])} by {number(m[2])}", text)
    return _MULTIPLIER.sub(lambda m: f"{number(m[1])} times", text)


_LETTER_DIGIT = re.compile(r"(?<=[A-Za-z])-?(?=\d)|(?<=\d)(?=[A-Za-z])")


# a hyphen next to a digit inside a word-like token ("x86-64", "5-year"): a join, not a range
_TOKEN_HYPHEN = re.compile(r"(?<![\w-])[A-Za-z]\w*(?:-\w+)+")
_DIGIT_HYPHEN = re.compile(r"(?<=\d)-|-(?=\d)")


@_needs_digits
def separate_letters_and_digits(text: str) -> str:
    """COVID-19 -> "COVID 19"; 5G -> "5 G"; H2O -> "H 2 O"; x86-64 -> "x 86 64": each part is read on its own."""
    text = _TOKEN_HYPHEN.sub(lambda m: _DIGIT_HYPHEN.sub(" ", m.group()), text)
    return _LETTER_DIGIT.sub(" ", text)


_NUMBER = re.compile(
    r"(?<![\w.,\-\u2212+])(?P<sign>(?<![\w.])[-\u2212+])?(?P<num>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)(?![\d])"
)


@_needs_digits
def read_numbers(text: str) -> str:
    """Cardinals, decimals, negatives and thousands separators: -3.5 -> "minus three point five"."""
    return _NUMBER.sub(lambda m: number((m["sign"] or "") + m["num"]), text)


_ANY_DIGITS = re.compile(r"\d+")


@_needs_digits
def read_leftover_digits(text: str) -> str:
    """Any digit still present is read one by one, so no digit ever reaches an engine."""
    return _ANY_DIGITS.sub(lambda m: " " + (number(m.group()) if len(m.group()) <= 4 else digits(m.group())) + " ", text)
