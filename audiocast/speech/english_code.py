"""English rules for the text of software and the web: references, hashes, identifiers, slashes.

Bug trackers, commit logs and release notes are full of tokens that are not
quantities: "Bug 1681512" is a name, not one million six hundred thousand
bugs. A narrator drops a parenthetical that only cites references, reads a
reference in running text as a short name with its digits in small groups
("bug one six eight, one five one two"), and reads code identifiers
(``SIDE_MODULE``, ``getElementById``) as the words they are made of.
"""

from __future__ import annotations

import re

from . import english_numbers as num

# ----------------------------------------------------------------- references

#: Words that name a tracker item; the number after them is an identifier.
_REFERENCE_WORDS = (
    r"[Bb]ugs?|[Ii]ssues?|[Tt]ickets?|[Pp]ull\s[Rr]equests?|[Mm]erge\s[Rr]equests?|PRs?|MRs?|RFCs?|CVE|GHSA|GH|BZ"
    r"|[Cc]hangesets?|[Rr]evisions?|[Cc]ommits?|[Pp]atch(?:es)?|[Ff]ix(?:es|ed)?|[Cc]loses?|[Cc]losed|[Rr]esolves?|[Rr]esolved"
    r"|[Rr]efs?|[Ss]ee|[Cc]f\.?|[Tt]racked\sin|[Tt]racking|[Rr]egressed\sby|[Dd]up(?:licate)?(?:\sof)?"
)
#: A ticket key such as "JS-1234" or "GH-79000": capitals, a hyphen, three or more digits.
_TICKET_KEY = r"[A-Z][A-Z0-9]{1,9}-\d{3,}"
_HASH_BODY = r"(?=(?:[0-9]*[a-f]){2})(?=(?:[a-f]*[0-9]){2})[0-9a-f]{7,40}"
_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_CITED_NUMBER = r"(?:[Bb]ugs?|[Ii]ssues?|[Tt]ickets?|PRs?|MRs?|RFCs?|GH|BZ)\s?(?:#|[Nn]o\.\s?|-)?\s?\d+|#\d+"
#: One reference: a cited number, a ticket key, a CVE id, a commit hash, a UUID, or a link's label.
_ONE_REFERENCE = (
    r"(?:(?:" + _REFERENCE_WORDS + r")\s)?(?:[\w.-]+/[\w.-]+)?(?:" + _CITED_NUMBER + "|" + _TICKET_KEY
    + r"|CVE-\d{4}-\d{4,}|" + _HASH_BODY + "|" + _UUID + r")"
)
_LIST_JOIN = r"(?:\s*(?:,|;|and|&|/)\s*|\s+)"
_REFERENCE_PARENTHETICAL = re.compile(
    r"\s?[(\[]\s*(?:" + _ONE_REFERENCE + r")(?:" + _LIST_JOIN + r"(?:" + _ONE_REFERENCE + r"))*\s*[)\]]"
)


def drop_reference_parentheticals(text: str) -> str:
    """"Fixed a crash (Bug 1681512)." -> "Fixed a crash." A parenthetical that only cites bugs,
    issues, pull requests, tickets, RFCs, commits or CVEs is for readers, not listeners."""
    if "(" not in text and "[" not in text:
        return text
    return _REFERENCE_PARENTHETICAL.sub("", text)


def digit_groups(digits: str) -> str:
    """An identifier's digits as a person reads them out: "264" -> "two six four",
    "1681512" -> "one six eight, one five one two" (groups of three or four); "42" -> "forty-two"."""
    if len(digits) <= 2 and not digits.startswith("0"):
        return num.cardinal(int(digits))
    if len(digits) <= 4:
        return num.digits(digits)
    sizes = {5: (2, 3), 6: (3, 3), 7: (3, 4), 8: (4, 4)}.get(len(digits))
    if sizes is None:
        sizes = (3,) * (len(digits) // 3 - (1 if len(digits) % 3 == 1 else 0))
        sizes += (len(digits) - sum(sizes),)
    groups, start = [], 0
    for size in sizes:
        groups.append(digits[start:start + size])
        start += size
    return ", ".join(num.digits(g) for g in groups if g)


def _hash_words(token: str) -> str:
    """A commit hash by its first four characters, as people say short hashes: "three F nine Eh"."""
    return " ".join(num.digits(ch) if ch.isdigit() else ("Eh" if ch in "aA" else ch.upper()) for ch in token[:4])


_CITATION = re.compile(
    r"(?<![\w#])(?P<word>[Bb]ugs?|[Ii]ssues?|[Tt]ickets?|[Pp]ull\s[Rr]equests?|[Mm]erge\s[Rr]equests?|PRs?|MRs?|RFCs?|GH|BZ)"
    r"(?P<sep>\s?#\s?|\s[Nn]o\.\s?|\s|-)(?P<n>\d+)(?![\w.,]\d|\w)"
)
_KEY = re.compile(r"(?<![\w-])(?P<key>[A-Z][A-Z0-9]{1,9})-(?P<n>\d{3,})(?![\w-])")
_CVE = re.compile(r"(?<![\w-])CVE-(?P<year>\d{4})-(?P<n>\d{4,})(?![\w-])")
_HASH_NUMBER = re.compile(r"(?<![\w&])#(?P<n>\d{3,})(?![\w.,]\d|\w)")
_COMMIT = re.compile(r"(?<![\w-])(?P<hash>" + _HASH_BODY + r")(?![\w-])")
_UUID_RE = re.compile(r"(?<![\w-])" + _UUID + r"(?![\w-])")
_LONG_DIGITS = re.compile(r"(?<![\w.,$€£¥+\-−])(?P<n>\d{7,})(?![\w]|[.,]\d)")
_KEY_WORDS = {"GH": "G-H", "BZ": "B-Z", "PR": "P-R", "PRs": "P-R's", "MR": "M-R", "MRs": "M-R's"}


def read_references(text: str) -> str:
    """"Bug 1681512" -> "Bug one six eight, one five one two"; "PR #1234" -> "PR one two three four";
    "GH-79000" -> "G-H seven nine, zero zero zero"; a commit hash by its first characters;
    any other run of seven or more digits (an order or account number) in groups, never as a quantity."""
    if not num._DIGIT.search(text):
        return text

    def citation(match: re.Match) -> str:
        return f"{match['word']} {digit_groups(match['n'])}"

    def key(match: re.Match) -> str:
        name = match["key"]
        return f"{_KEY_WORDS.get(name, name)} {digit_groups(match['n'])}"

    def long_digits(match: re.Match) -> str:
        value = match["n"]
        if value.endswith("000") and not value.startswith("0"):  # 8000000: a round quantity
            return value
        return digit_groups(value)

    text = _CVE.sub(lambda m: f"CVE {num.year(int(m['year']))}, {digit_groups(m['n'])}", text)
    text = _CITATION.sub(citation, text)
    text = _KEY.sub(key, text)
    text = _HASH_NUMBER.sub(lambda m: "number " + digit_groups(m["n"]), text)
    text = _UUID_RE.sub(lambda m: _hash_words(m.group()), text)
    text = _COMMIT.sub(lambda m: _hash_words(m["hash"]), text)
    return _LONG_DIGITS.sub(long_digits, text)


# ----------------------------------------------------------------- code identifiers

#: Parts of identifiers that are initialisms however they are written ("Id", "Url", "Http").
_CODE_INITIALISMS = frozenset(
    "ID URL URI API HTML CSS JSON XML HTTP HTTPS SQL DB UI IO DOM UUID CPU GPU RAM JS TS PDF CSV UTF SSH TCP UDP"
    " IP DNS SDK CLI GUI OS WASM YAML TOML GC VM".split()
)
_SNAKE = re.compile(r"(?<![\w-])_*(?P<name>[A-Z][A-Z0-9]*(?:_+[A-Z0-9]+)+)_*(?![\w-])")
_LOWER_CAMEL = re.compile(r"(?<![\w-])(?P<name>[a-z]{2,}(?:[A-Z]+[a-z0-9]*)+)(?![\w-])")
_UPPER_CAMEL = re.compile(r"(?<![\w-])(?P<name>(?:[A-Z]+[a-z][a-z0-9]*){3,}|[A-Z]{2,}[A-Z][a-z]+(?:[A-Z][a-z0-9]*)+)(?![\w-])")
_HUMP = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def _identifier_words(parts: list[str]) -> str:
    words = []
    for part in parts:
        if part.upper() in _CODE_INITIALISMS:
            words.append(part.upper())
        elif part.isupper() and len(part) > 1 and part not in _CODE_INITIALISMS and len(part) <= 3 and not _has_vowel(part):
            words.append(part)  # "XYZ": letters, the letters rule spells them
        else:
            words.append(part.lower())
    return " ".join(words)


def _has_vowel(word: str) -> bool:
    return any(ch in "AEIOUYaeiouy" for ch in word)


def read_code_identifiers(text: str) -> str:
    """SIDE_MODULE -> "side module"; getElementById -> "get element by ID";
    SharedArrayBuffer -> "shared array buffer": the words an identifier is made of, in lower case."""
    if "_" in text:
        text = _SNAKE.sub(lambda m: _identifier_words([p for p in m["name"].split("_") if p]), text)
    if not re.search(r"[a-z][A-Z]", text):
        return text
    text = _LOWER_CAMEL.sub(lambda m: _identifier_words(_HUMP.findall(m["name"])), text)
    return _UPPER_CAMEL.sub(lambda m: _identifier_words(_HUMP.findall(m["name"])), text)
