"""English normalization rules, in the order they run (see :func:`rules`).

How letters are rendered was decided by checking what Piper actually says,
through its own phonemizer (espeak-ng; tests/speech/test_letters_in_piper.py):
an all-capital word is often read as a word ("WHO" as "who", "IMF" as "imf",
"SEC" as "sec"); dotted letters ("U.S.") put full stops inside sentences,
which splitters take for sentence ends, and "C.E.O.s" is read "C E O S";
spaced letters fail on "A" (read as the article). Hyphen-joined
letters ("W-H-O", "A-I") are read as letter names, with one exception: an "A"
after the first letter is reduced to a schwa, so it is written "Eh" ("C-I-Eh").
Plurals and possessives keep the apostrophe form ("C-E-O's"), because "C-E-Os"
is read "C E O S". Acronyms said as words are written in title case ("Nato's"),
since espeak drops the "'s" of an all-capital word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from . import english_code as code
from . import english_numbers as num
from .rules import LanguageRules, Rule, SpokenWords

# ----------------------------------------------------------------- links, e-mail, paths

_URL = re.compile(r"(?<![\w@])(?:https?://|ftp://|www\.)[^\s<>\"']+", re.I)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w])")
_TLDS = (
    "com|org|net|io|dev|gov|edu|co|uk|de|fr|eu|ai|app|info|me|tv|ly|us|ca|au|news|blog|xyz"
    "|gg|so|sh|tech|site|online|int|mil|ua|ru|nl|es|it|ch|se|no|jp|cn|in"
)
_DOMAIN = re.compile(r"(?<![\w@./-])(?:[a-z0-9-]+\.)+(?:" + _TLDS + r")(?:/[^\s]*)?(?![\w.]\w)")
_UNIX_PATH = re.compile(r"(?<![\w/.:~])(?:~|\.{1,2})?/(?:[\w.@+-]+/)+[\w.@+-]*|(?<![\w/])~/[\w.@+-]+")
# "benchmarks/run.py", "./setup.sh", ".venv/bin/activate": relative paths, read like absolute ones
_RELATIVE_PATH = re.compile(
    r"(?<![\w/.:~@-])(?:(?:[\w@+-]+/)+[\w@+-]+\.[A-Za-z][A-Za-z0-9]{0,4}(?![\w/])"
    r"|\.{1,2}/[\w@+.-]+(?:/[\w@+.-]+)*|\.[\w-]+/[\w@+.-]+(?:/[\w@+.-]+)*)"
)
_WINDOWS_PATH = re.compile(r"(?<![\w])[A-Z]:\\(?:[^\s\\]+\\)*[^\s\\]*")
_TRAILING = re.compile(r"[.,;:!?)\]'\"]+$")


def _split_tail(raw: str) -> tuple[str, str]:
    """A link and the punctuation after it; a closing parenthesis the link opened stays in it."""
    tail = _TRAILING.search(raw)
    if not tail:
        return raw, ""
    core, rest = raw[: tail.start()], tail.group()
    while rest.startswith(")") and core.count("(") > core.count(")"):
        core, rest = core + ")", rest[1:]
    return core, rest
_LINK_TRIGGER = re.compile(r"://|www\.|@|/|\\|--|\.[a-z]{2}")
# "--verbose" is a command-line option; "--Thank you" and "said--and" are dashes (read as pauses)
_CLI_OPTION = re.compile(r"(?<![\w-])--(?=[a-z][a-z0-9]*(?:-[a-z0-9]+)*(?:=\S*)?(?![\w]))")
MAX_SPOKEN_HOST = 30
MAX_SPOKEN_EMAIL = 40


def _spell_piece(piece: str) -> str:
    piece = piece.replace("-", " dash ").replace("_", " underscore ").replace("+", " plus ")
    return " dot ".join(part for part in piece.split(".") if part) if "." in piece else piece


def _host_words(host: str) -> str:
    host = host.lower().removeprefix("www.")
    if len(host) > MAX_SPOKEN_HOST or host.count(".") > 3:
        return ""
    return " dot ".join(_spell_piece(label) for label in host.split(".") if label)


def _path_words(path: str) -> str:
    parts = [p for p in re.split(r"[/\\]", path) if p and p not in ("~", ".", "..") and not p.endswith(":")]
    if not parts:
        return ""
    # a file's name is said as words ("the last keeper dot mp3"); only hosts and addresses spell dashes
    parts = [p.replace("-", " ").replace("_", " ") for p in parts]
    spoken = [_spell_piece(p) if not p.startswith(".") else "dot " + _spell_piece(p[1:]) for p in parts]
    return " slash ".join(spoken) if len(spoken) <= 3 else spoken[-1]


def read_links(text: str) -> str:
    """URLs and domains say only their host ("example dot com"); e-mail as "jane at example dot com";
    file paths by their names. Long ones are dropped: nobody wants to hear them."""
    if not _LINK_TRIGGER.search(text):
        return text

    def url(match: re.Match) -> str:
        raw, tail = _split_tail(match.group())
        target = raw if "://" in raw else "http://" + raw
        return _host_words(urlsplit(target).hostname or "") + tail

    def email(match: re.Match) -> str:
        address = match.group()
        if len(address) > MAX_SPOKEN_EMAIL:
            return ""
        local, _, host = address.lower().partition("@")
        return f"{_spell_piece(local)} at {_host_words(host)}"

    def path(match: re.Match) -> str:
        core, tail = _split_tail(match.group())
        return _path_words(core) + tail

    def domain(match: re.Match) -> str:
        raw = match.group()
        tail = _TRAILING.search(raw)
        core = raw[: tail.start()] if tail else raw
        return _host_words(core.split("/")[0]) + (tail.group() if tail else "")

    text = _URL.sub(url, text)
    text = _EMAIL.sub(email, text)
    text = _DOMAIN.sub(domain, text)
    text = _WINDOWS_PATH.sub(lambda m: _path_words(m.group()), text)
    text = _UNIX_PATH.sub(path, text)
    text = _RELATIVE_PATH.sub(path, text)
    return _CLI_OPTION.sub("dash dash ", text)


# ----------------------------------------------------------------- signs that precede numbers

_NUMBER_SIGNS = [
    (re.compile(r"(?<![\w&])#\s?(?=\d)"), "number "),
    (re.compile(r"\b[Nn]o\.\s?(?=\d)"), "number "),
    (re.compile(r"\bNos\.\s?(?=\d)"), "numbers "),
    (re.compile(r"§§\s?(?=\d)"), "sections "),
    (re.compile(r"§\s?(?=\d)"), "section "),
    (re.compile(r"(?<![\w])~\s?(?=[-$€£\d])"), "about "),
    (re.compile(r"≈\s?"), " approximately "),
    (re.compile(r"±\s?"), " plus or minus "),
    (re.compile(r"(?<![\w<])<=?\s?(?=[-$€£\d])|≤\s?"), " at most " ),
    (re.compile(r"(?<![\w>-])>=?\s?(?=[-$€£\d])|≥\s?"), " at least "),
]
_STRICT_LESS = re.compile(r"(?<![\w<])<\s?(?=[-$€£\d])")
_STRICT_MORE = re.compile(r"(?<![\w>-])>\s?(?=[-$€£\d])")


_SIGN_TRIGGER = re.compile(r"[#§~≈±<>≤≥]|[Nn]os?\.")


def read_number_signs(text: str) -> str:
    """#5 and No. 5 -> "number 5"; § 3 -> "section 3"; ~5 -> "about 5"; <5 -> "less than 5"."""
    if not _SIGN_TRIGGER.search(text):
        return text
    text = _STRICT_LESS.sub(" less than ", text)
    text = _STRICT_MORE.sub(" more than ", text)
    for pattern, words in _NUMBER_SIGNS:
        text = pattern.sub(words, text)
    return text


# ----------------------------------------------------------------- abbreviations

_TITLES = {
    "Dr": "Doctor", "Mr": "Mister", "Mrs": "Missus", "Ms": "Miz", "Mx": "Mix", "Prof": "Professor",
    "Sen": "Senator", "Gov": "Governor", "Rep": "Representative", "Reps": "Representatives",
    "Pres": "President", "Gen": "General", "Lt": "Lieutenant", "Col": "Colonel", "Capt": "Captain",
    "Cmdr": "Commander", "Sgt": "Sergeant", "Cpl": "Corporal", "Pvt": "Private", "Adm": "Admiral",
    "Maj": "Major", "Rev": "Reverend", "Hon": "Honorable", "Fr": "Father", "Supt": "Superintendent",
    "Insp": "Inspector", "Amb": "Ambassador", "Sens": "Senators", "Mt": "Mount", "Ft": "Fort",
}
_TITLES_WITHOUT_DOT = ("Dr", "Mr", "Mrs", "Ms", "Prof")
# A capital letter, or a word held back by the pronunciation lexicon (a name, usually).
_CAPITAL = "[A-Z\U000F0000-\U000FFFFD]"
_TITLE = re.compile(
    r"\b(?:(?P<dotted>" + "|".join(_TITLES) + r")\.|(?P<bare>" + "|".join(_TITLES_WITHOUT_DOT) + r"))(?=\s+(?:" + _CAPITAL + r"|&|and\s))"
)
_SAINT_OR_STREET = re.compile(r"\bSt\.(?=\s|$)")
_SUFFIX = re.compile(r"(?<=[A-Za-z]),?\s(?P<abbr>Jr|Sr)\.")
_ABBREVIATIONS = {
    "e.g.": "for example,", "eg.": "for example,", "i.e.": "that is,", "ie.": "that is,", "etc.": "et cetera",
    "et al.": "and others", "vs.": "versus", "vs": "versus", "v.": "versus", "cf.": "compare",
    "approx.": "approximately", "a.k.a.": "also known as", "aka": "also known as", "viz.": "namely",
    "incl.": "including", "excl.": "excluding", "esp.": "especially", "dept.": "department",
    "Dept.": "Department", "govt.": "government", "Govt.": "Government", "intl.": "international",
    "est.": "established", "Est.": "Established",
    "pp.": "pages", "vol.": "volume", "Vol.": "Volume", "ch.": "chapter", "Ch.": "Chapter",
    "fig.": "figure", "Fig.": "Figure", "para.": "paragraph",
    "Inc.": "Incorporated", "Ltd.": "Limited", "Corp.": "Corporation", "Bros.": "Brothers",
    "Univ.": "University", "Assn.": "Association", "Ave.": "Avenue", "Blvd.": "Boulevard",
    "Rd.": "Road", "Ph.D.": "PhD", "PhD.": "PhD", "P.S.": "P-S", "w/o": "without", "w/": "with",
    "N/A": "not applicable", "n/a": "not applicable", "b/c": "because", "&c.": "et cetera",
    "y/y": "year on year", "q/q": "quarter on quarter", "m/m": "month on month", "YoY": "year on year",
}
_ABBREVIATION = re.compile(
    r"(?<![\w.])(?P<abbr>" + "|".join(re.escape(a) for a in sorted(_ABBREVIATIONS, key=len, reverse=True)) + r")"
    r"(?=[\s,;:)!?\"'.]|$)"
)
_PAGE = re.compile(r"(?<![\w.])(?P<abbr>p|c|ca)\.\s?(?=\d)")
_COMPANY = re.compile(r"(?<=[A-Z][a-z]|& )Co\.(?=\s|$)")


def expand_abbreviations(text: str) -> str:
    """Dr. -> Doctor, e.g. -> "for example", etc. -> "et cetera", St. -> Saint or Street."""
    if "." not in text and "/" not in text and not any(t in text for t in _TITLES_WITHOUT_DOT + ("vs", "aka")):
        return text

    def title(match: re.Match) -> str:
        return _TITLES[match["dotted"] or match["bare"]]

    def saint(match: re.Match) -> str:
        before = match.string[: match.start()].rstrip()
        after = match.string[match.end():]
        street = bool(re.search(r"[A-Z][a-z]+$", before)) and not re.match(r"\s+" + _CAPITAL, after)
        words = "Street" if street else "Saint"
        return num._keep_stop(match, words, True) if street else words

    def abbreviation(match: re.Match) -> str:
        raw = match["abbr"]
        return num._keep_stop(match, _ABBREVIATIONS[raw], raw.endswith("."))

    def page(match: re.Match) -> str:
        return {"p": "page ", "c": "circa ", "ca": "circa "}[match["abbr"]]

    text = _TITLE.sub(title, text)
    text = _SAINT_OR_STREET.sub(saint, text)
    text = _SUFFIX.sub(
        lambda m: num._keep_stop(m, " Junior" if m["abbr"] == "Jr" else " Senior", True), text
    )
    text = _COMPANY.sub(lambda m: num._keep_stop(m, "Company", True), text)
    text = _PAGE.sub(page, text)
    return _ABBREVIATION.sub(abbreviation, text)


# ----------------------------------------------------------------- roman numerals

_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50}
_COUNTED = (
    "War|Part|Chapter|Phase|Act|Book|Volume|Title|Article|Stage|Level|Class|Type|Grade|Round"
    "|Season|Episode|Section|Schedule|Appendix|Annex|Vatican|Bowl|Olympiad|Category"
)
_NOT_NAMES = {
    "The", "Then", "A", "An", "In", "On", "At", "By", "For", "With", "From", "To", "And", "But", "Or",
    "If", "When", "While", "After", "Before", "Since", "As", "Of", "So", "Yet", "Now", "Here", "There",
}
_ROMAN = re.compile(
    r"\b(?P<word>[A-Z][a-z]+)\s(?P<num>L?X{0,3}(?:IX|IV|V?I{0,3}))(?![\w'-])"
)


def _roman_value(numeral: str) -> int:
    total = 0
    for i, ch in enumerate(numeral):
        value = _ROMAN_VALUES[ch]
        nxt = _ROMAN_VALUES[numeral[i + 1]] if i + 1 < len(numeral) else 0
        total += -value if value < nxt else value
    return total


_LEADING_ROMAN = re.compile(
    r"^(?P<num>(?=[LXVI])(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3}))(?:[.:)]\s+(?![A-Z]\.)|[.:)]?$)"
)


def read_roman_numerals(text: str) -> str:
    """World War II -> "World War two"; Henry VIII -> "Henry the eighth"; Part IV -> "Part four";
    a numbered heading "IV. A Growing Economy" -> "Four. A Growing Economy"."""
    if text[:1] in "LXVI":
        lead = _LEADING_ROMAN.match(text)
        if lead and lead["num"] and lead["num"] not in INITIALISMS and lead["num"] not in ACRONYMS:
            words = num.cardinal(_roman_value(lead["num"])).capitalize()
            rest = text[lead.end():]
            text = f"{words}. {rest}" if rest else f"{words}."

    def say(match: re.Match) -> str:
        word, numeral = match["word"], match["num"]
        if not numeral:
            return match.group()
        counted = re.fullmatch(_COUNTED, word) is not None
        if counted:
            return f"{word} {num.cardinal(_roman_value(numeral))}"
        if len(numeral) < 2 or word in _NOT_NAMES:
            return match.group()
        return f"{word} the {num.ordinal(_roman_value(numeral))}"

    return _ROMAN.sub(say, text)


# ----------------------------------------------------------------- letters: initialisms and acronyms

#: Spelled letter by letter. Extend per show with ScriptOptions.initialisms.
INITIALISMS = frozenset("""
US UK EU UN USA UAE USSR GDP GNP CPI CEO CFO COO CTO CIO VP PR HR IT AI ML LLM GPT API GPU CPU SSD HDD USB
LED LCD OLED TV PC ID IQ EV ETF IPO NGO FBI CIA NSA DOJ DHS DOD IRS SEC FDA CDC EPA FTC FCC FAA NTSB DEA
IMF WHO WTO ECB OECD OSCE IAEA ICC ICJ UNHCR NAACP BBC CNN NBC CBS ABC NPR PBS HBO MSNBC AP AFP UPI FT WSJ NYT
DNA RNA HIV MRI ICU GP NHS BMI ADHD PTSD OCD UV IVF CPR MBA BA BSc MSc MD MP MEP PM AM GMT UTC EST PST CET
BST EDT PDT NYSE HTML CSS URL PDF SQL XML CSV HTTP HTTPS FTP SSH DNS TCP IP VPN ISP SDK IDE CLI GUI UI UX OS
AWS GCP IBM HP AMD BMW VW GM GE LG NFL NBA MLB NHL NCAA UFC WWE LA NYC DC ATM FAQ DIY RSVP FYI NFT VR AR ESG
IRA KGB FSB GRU SBU LGBT LGBTQ QR SUV CO PhD MSc BSc IoT iOS TLS SSL RSS MP CD DVD PS BC AD BCE CE OK
DJ MC RIP NB PA PE QA TBD ETA ASAP
""".split())
#: Said as words. Values are how to say them; extend with ScriptOptions.acronyms.
ACRONYMS: dict[str, str] = {
    "NATO": "Nato", "NASA": "Nasa", "UNESCO": "Unesco", "UNICEF": "Unicef", "COVID": "Covid",
    "OPEC": "Opec", "FIFA": "Fifa", "UEFA": "Uefa", "NASDAQ": "Nasdaq", "AIDS": "Aids", "SARS": "Sars",
    "MERS": "Mers", "ISIS": "Isis", "ICE": "Ice", "NAFTA": "Nafta", "ASEAN": "Asean", "BRICS": "Brics",
    "FEMA": "Fema", "DARPA": "Darpa", "NOAA": "Noah", "GIF": "gif", "JPEG": "jay-peg", "JSON": "jay-son",
    "RAM": "ram", "ROM": "rom", "PIN": "pin", "LASER": "laser", "RADAR": "radar", "SCUBA": "scuba",
    "SWAT": "swat", "NIMBY": "nimby", "FOMO": "fomo", "YOLO": "yolo", "CAPTCHA": "captcha",
    "NVIDIA": "en-vidia", "IKEA": "Ikea", "LEGO": "Lego", "CERN": "Cern", "OK": "okay",
    "WWII": "World War Two", "WWI": "World War One", "GIFs": "gifs", "SIM": "sim", "PAC": "pac",
    "MAGA": "Maga", "SPAC": "spac", "YAML": "yamel", "TOML": "tommel", "WASM": "wazm", "CAPEX": "capex",
    "OPEX": "opex", "UNIFIL": "Unifil", "INTERPOL": "Interpol", "EUROPOL": "Europol", "FRONTEX": "Frontex",
    "SALT": "Salt", "START": "Start", "ARM": "arm", "AUKUS": "Aukus", "ECOWAS": "Ecowas", "MERCOSUR": "Mercosur",
}
#: Short words that are shouted, not initialisms, when written in capitals ("do NOT").
COMMON_SHORT = frozenset("""
a an and are be but by can did do for get got had has he her him his how if in is its let me my no nor
not now of off oh on one or our out own say see she so the to too two up use was way we why yes yet you
all any new big top bad hot old few far lot man men war win won lie die end far god let own put run sit
""".split())

_ONSETS = frozenset(
    "BL BR CH CL CR DR DW FL FR GL GN GR KL KN KR PH PL PR PS QU SC SH SK SL SM SN SP SQ ST SW TH TR TW WH WR"
    " STR SCR SPR SPL SQU THR CHR SHR SCH PHR".split()
)
_RUNS = re.compile(r"[AEIOUY]+|[^AEIOUY]+")


def _onset(run: str) -> bool:
    return len(run) <= 1 or run in _ONSETS


def pronounceable(word: str) -> bool:
    """Whether an unknown all-capital word looks like an English word (NASDAQ, CHILDREN) or like
    letters (HTML, LMAO, IEEE): it needs vowels, a consonant cluster English can start a word
    with, and inner clusters that split into the end of one syllable and the start of the next."""
    word = word.upper()
    runs = _RUNS.findall(word)
    vowels = [r for r in runs if r[0] in "AEIOUY"]
    if not vowels or len(vowels) == len(runs):
        return False
    for i, run in enumerate(runs):
        if run[0] in "AEIOUY":
            if len(run) > (2 if len(word) <= 4 else 4):
                return False
        elif i == 0:
            if not _onset(run):
                return False
        elif i == len(runs) - 1:
            if len(run) > 5:
                return False
        elif len(run) > 2 and not any(_onset(run[k:]) and k <= 3 for k in range(1, len(run))):
            return False
    return True


def letters(word: str) -> str:
    """"FBI" -> "F-B-I", "CIA" -> "C-I-Eh": letter names, as Piper and espeak read them.

    After the first letter espeak reads a lone "A" as the article ("C-I-A" ends
    in a schwa), so a later A is written "Eh", which it reads as the letter name.
    """
    return "-".join(
        "Eh" if ch == "A" and i else ch for i, ch in enumerate(c.upper() for c in word if c.isalpha())
    )


_CONTRACTION = re.compile(r"\b([A-Z]+)'([A-Z]{1,2})\b")
# Two or more capital words in a row: a shouted heading or line, read as words
_SHOUTING = re.compile(r"\b[A-Z]{2,}(?:'[A-Z]+)?(?:[\s,:;!?.&-]+(?:[A-Z]\s)?[A-Z]{2,}(?:'[A-Z]+)?)+\b")
_DOTTED = re.compile(r"(?<![\w.])((?:[A-Za-z]\.){2,})(?P<tail>'s|s)?(?![\w])")
_INITIAL = re.compile(r"(?<![\w.'-])([A-Z])\.(?=\s+" + _CAPITAL + ")")
_TAIL = r"(?P<tail>'s|s'|s|')?(?![\w])"


def make_letters_rule(initialisms: Iterable[str] = (), acronyms: Iterable[str] = ()) -> Rule:
    """Build the rule that spells initialisms (FBI -> F-B-I) and says acronyms as words (NATO -> Nato)."""
    spell = set(INITIALISMS) | set(initialisms)
    words = dict(ACRONYMS)
    for word in acronyms:
        words[word] = word.capitalize() if word.isupper() else word
        spell.discard(word)
    for word in initialisms:
        words.pop(word, None)
    mixed = sorted((w for w in spell | set(words) if not w.isupper() and not w.endswith("'s")), key=len, reverse=True)
    token = re.compile(
        r"(?<![\w])(?P<word>" + "".join(f"{re.escape(w)}|" for w in mixed) + r"[A-Z][A-Z]+)" + _TAIL
    )

    def known(word: str) -> bool:
        return word in spell or word in words

    def say(word: str, tail: str) -> str:
        if word in words:
            spoken = words[word]
        elif word in spell:
            spoken = letters(word)
        elif len(word) <= 3:
            spoken = word.lower() if word.lower() in COMMON_SHORT else letters(word)
        else:
            spoken = word.capitalize() if pronounceable(word) else letters(word)
        if not tail:
            return spoken
        if "-" in spoken or spoken.isupper():  # spelled: plural and possessive both sound as 's
            return spoken + "'s"
        return spoken + tail

    def token_sub(match: re.Match) -> str:
        word, tail = match["word"], match["tail"] or ""
        if tail == "s" and word + "s" in spell | set(words):
            word, tail = word + "s", ""
        return say(word, tail)

    def shouting(match: re.Match) -> str:
        """A run of capital words is shouting when one of them is an unknown word; then every
        unknown one with a vowel is a word ("MODERN ART" -> "Modern Art"), known ones stay."""
        found = re.findall(r"[A-Z]{2,}(?:'[A-Z]+)?", match.group())
        unknown = [w for w in found if not (known(w.split("'")[0]) or known(w))]
        whole_line = match.start() == 0 and match.end() >= len(match.string.rstrip(" .!?:"))
        if not any(len(w) >= 4 and pronounceable(w.split("'")[0]) or whole_line and len(w) >= 3 for w in unknown):
            return match.group()

        def one(m: re.Match) -> str:
            w = m.group()
            base = w.split("'")[0]
            if known(base) or known(w) or len(base) < 3 and w.lower() not in COMMON_SHORT:
                return w
            return w.capitalize() if any(ch in "AEIOUY" for ch in base) else w

        return re.sub(r"[A-Z]{2,}(?:'[A-Z]+)?", one, match.group())

    def contraction(match: re.Match) -> str:
        base, tail = match[1], match[2]
        if tail == "S" and known(base):
            return say(base, "'s")
        return match.group().capitalize()

    def dotted(match: re.Match) -> str:
        raw = match.group(1)
        spoken = letters(raw)
        if raw.lower() in ("a.m.", "p.m."):
            spoken = "A-M" if raw.lower().startswith("a") else "P-M"
        spoken += "'s" if match["tail"] else ""
        return num._keep_stop(match, spoken, True)

    def read_letters(text: str) -> str:
        """Initialisms spelled as letters, acronyms said as words, shouting read as words."""
        if "." in text:
            text = _DOTTED.sub(dotted, text)
            text = _INITIAL.sub(r"\1", text)
        if "'" in text:
            text = _CONTRACTION.sub(contraction, text)
        text = _SHOUTING.sub(shouting, text)
        return token.sub(token_sub, text)

    return read_letters


# ----------------------------------------------------------------- slashes

_PER = (
    "second|minute|hour|day|night|week|fortnight|month|quarter|year|annum|person|head|user|seat|household|capita"
    "|unit|item|piece|page|word|request|call|query|visit|game|match|mile|kilometer|km|kg|lb|ton|tonne|liter|gallon"
)
_PER_SLASH = re.compile(r"(?<=[a-z])\s?/\s?(?=(?:" + _PER + r")s?\b)")
_UNIT_SLASH = re.compile(r"(?<![\w/.])(?P<a>[A-Za-zµμ]{1,3})/(?P<b>[a-z]{1,3})(?![\w/])")
_TIME_UNITS = {"s": "second", "h": "hour", "hr": "hour", "min": "minute", "d": "day", "yr": "year"}
_CAPITALS_SLASH = re.compile(r"(?<![\w/.])(?P<a>[A-Z][A-Z0-9&]{0,5})/(?P<b>[A-Z][A-Z0-9&]{0,5})(?![\w/])")
_WORDS_SLASH = re.compile(r"(?<![\w/.])(?P<a>[A-Za-z][a-z']*)/(?P<b>[A-Za-z][a-z']*)(?![\w/])")


def read_slashes(text: str) -> str:
    """I/O -> "I-O"; TCP/IP -> "TCP IP"; and/or -> "and or"; his/her -> "his or her"; km/h ->
    "kilometers per hour"; "five dollars/month" -> "five dollars per month". Only a path or a
    link that is read out says "slash" (read_links does that); any other slash is a short pause."""
    if "/" not in text:
        return text

    def unit(match: re.Match) -> str:
        a, b = match["a"], match["b"]
        combined = num._UNITS.get(f"{a}/{b}")
        if combined:
            return combined[1]
        if a in num._UNITS and b in _TIME_UNITS and a not in _TIME_UNITS:
            return f"{num._UNITS[a][1]} per {_TIME_UNITS[b]}"
        return match.group()

    def capitals(match: re.Match) -> str:
        a, b = match["a"], match["b"]
        return letters(a + b) if len(a) == len(b) == 1 else f"{a} {b}"

    text = text.replace("and/or", "and or")
    text = _PER_SLASH.sub(" per ", text)
    text = _UNIT_SLASH.sub(unit, text)
    text = _CAPITALS_SLASH.sub(capitals, text)
    return _WORDS_SLASH.sub(lambda m: f"{m['a']} or {m['b']}", text)


# ----------------------------------------------------------------- symbols and pauses

# (characters that must be present, pattern, replacement): a rule is skipped when none are.
_SYMBOL_WORDS = [
    ("&", re.compile(r"\s*&\s*"), " and "),
    ("%", re.compile(r"\s*%"), " percent"),
    ("#", re.compile(r"(?<=\w)#"), " sharp"),
    ("#", re.compile(r"(?<![\w])#(?=[A-Za-z])"), "hashtag "),
    ("@", re.compile(r"(?<![\w])@(?=\w)"), "at "),
    ("@", re.compile(r"\s*@\s*"), " at "),
    ("+", re.compile(r"\s*\+\s*"), " plus "),
    ("=", re.compile(r"\s*=\s*"), " equals "),
    ("-→⇒", re.compile(r"\s*(?:->|→|⇒)\s*"), " to "),
    ("×", re.compile(r"\s*×\s*"), " times "),
    ("÷", re.compile(r"\s*÷\s*"), " divided by "),
    ("≠", re.compile(r"\s*≠\s*"), " is not "),
    ("§", re.compile(r"§§\s*"), "sections "),
    ("§", re.compile(r"§\s*"), "section "),
    ("¶", re.compile(r"¶\s*"), "paragraph "),
    ("©", re.compile(r"©\s*"), "copyright "),
    ("®™℠", re.compile(r"[®™℠]"), ""),
    ("°", re.compile(r"°"), " degrees"),
    ("/", re.compile(r"\s*/\s*"), " "),
    (".", re.compile(r"(?<=[A-Za-z])\.(?=[a-z]{1,8}\b)"), " dot "),
    ("$€£¥₹₽₴₩₪₿", re.compile(r"[$€£¥₹₽₴₩₪₿]"), " "),
    ("•·▪►|", re.compile(r"\s*[•·▪►|]\s*"), ", "),
]
_SPACES = re.compile(r" {2,}")


def read_symbols(text: str) -> str:
    """& -> and, % -> percent, + -> plus, = -> equals, @ -> at, © -> copyright, his/her -> his or her."""
    for triggers, pattern, words in _SYMBOL_WORDS:
        if any(ch in text for ch in triggers):
            text = pattern.sub(words, text)
    return _SPACES.sub(" ", text)


_DASH_PAUSE = re.compile(r"\s*(?:—|―|--+|(?<=\s)[-–](?=\s)|(?<=[^\W\d])–(?=[^\W\d]))\s*")
_ELLIPSIS_END = re.compile(r"\s*(?:…|\.{3,})\s*([\"')\]]*)\s*$")
_ELLIPSIS = re.compile(r"\s*(?:…|\.{3,})\s*")
_EXCLAIMED = re.compile(r"([?!])[?!]+")


_PAUSE_TRIGGER = re.compile(r"[—―–…]|--|\s-\s|\.\.\.|[?!][?!]")


def read_pauses(text: str) -> str:
    """Em and en dashes and ellipses become commas, the pause a narrator makes for them."""
    if not _PAUSE_TRIGGER.search(text):
        return text
    text = _DASH_PAUSE.sub(", ", text)
    text = _ELLIPSIS_END.sub(r".\1", text)
    text = _ELLIPSIS.sub(", ", text)
    return _EXCLAIMED.sub(r"\1", text)


# ----------------------------------------------------------------- the English pipeline


def rules(initialisms: tuple[str, ...] = (), acronyms: tuple[str, ...] = ()) -> list[Rule]:
    """English rules in order. Each later rule may rely on the earlier ones having run."""
    return [
        read_links,
        code.drop_reference_parentheticals,
        code.read_references,
        code.read_code_identifiers,
        read_number_signs,
        expand_abbreviations,
        num.read_phone_numbers,
        num.read_ip_addresses,
        num.read_dates,
        num.read_times,
        num.read_versions,
        num.read_money,
        num.read_percentages,
        num.read_decades,
        num.read_attached_scales,
        num.read_units,
        num.read_fractions,
        num.read_ordinals,
        num.read_ranges,
        num.read_multiplication,
        num.separate_letters_and_digits,
        num.read_years,
        num.read_numbers,
        num.read_leftover_digits,
        read_roman_numerals,
        read_slashes,
        make_letters_rule(initialisms, acronyms),
        read_symbols,
        read_pauses,
    ]


#: Sentence pieces the splitter must not end a sentence after: pysbd splits after these
#: even when a number or a lower-case word follows ("approx. 5").
NON_FINAL = re.compile(
    r"(?:\b(?:approx|appr|ca|cf|No|no|Nos|vs|v|p|pp|vol|Vol|ch|Ch|fig|Fig|sec|Sec|Art|art|para|est|Est|incl|excl|esp|viz)"
    r"|\b(?:e\.g|i\.e|a\.k\.a))\.\s*$"
)

#: English as the speech stage sees it: its rules, the words the pipeline adds, its splitter exceptions.
LANGUAGE = LanguageRules("en", rules, SpokenWords(), NON_FINAL)
