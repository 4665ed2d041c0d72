"""What lists write about a document in free text: dates, issuer, place, validity.

OFAC ("P0017003 (Belize) issued 12 Mar 2009 expires 11 Mar 2014"), the UN (document
``NOTE``: "Tunisian passport number L 191609 issued on 28 Feb. 1996, expired on 27 Feb.
2001", "issued by the Minister of Foreign Affairs, in Juba", "officially cancelled as of
2013") and alias notes ("Passport No. 284158, expires 21 August 2005 (Iraq)") describe a
document in prose. :func:`read_note` takes out the facts an officer compares; the note
itself is kept whole beside them.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date

#: Month names and abbreviations (lower case) -> month number.
MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ),
        1,
    )
    for m in names
}  # fmt: skip
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?"
#: A date as lists write one: "28 Feb. 1996", "October 19, 2020", "2023-06-04",
#: "Jul.1996", "1993".
_DAY_OR_MONTH = (
    rf"(?:\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}\s+{_MONTH}\s*\d{{4}}|{_MONTH}\s*\d{{1,2}},\s*\d{{4}}|"
    rf"{_MONTH}\s*\d{{4}})"
)
DATE = rf"(?<![\w.])(?:{_DAY_OR_MONTH}|\d{{4}})(?!\d)"
_ISSUED = re.compile(
    rf"(?:issued|date of issue|issue date)(?:\s+on|\s+in)?:?\s+({DATE})", re.IGNORECASE
)
_EXPIRES = re.compile(
    rf"(?:expir\w*|valid until|exp\.|date of expiration|expiration date)(?:\s+on|\s+date)?"
    rf"(?:\s+of)?:?\s+({DATE})",
    re.IGNORECASE,
)
_BY = re.compile(r"issued by (?:the )?([^,.;\n]+?)(?=\s+(?:in|on|with)\s|[,.;]|$)", re.IGNORECASE)
_IN = re.compile(r"(?i:issued in|place of issue:?)\s+([A-Z][^,.;\d]*?)(?=\s+in\s|\s+on\s|[,.;]|$)")
#: Words that say a document is not (or no longer) valid.
INVALID = re.compile(r"revoked|cancell?ed|counterfeit|\bfalse\b|fraudulent", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class NoteFacts:
    """The facts of a document note (``None``/``False`` when the note does not say)."""

    issue_date: str | None = None
    expiry_date: str | None = None
    authority: str | None = None
    place: str | None = None
    invalid: bool = False


def text_date(text: str) -> str | None:
    """An ISO (partial) date of a date as lists write one (:data:`DATE`): ``"28 Feb. 1996"``
    -> ``"1996-02-28"``, ``"Jul. 1996"`` -> ``"1996-07"``, ``"1993"`` -> ``"1993"``;
    ``None`` when it is no date (or no real day)."""
    value = " ".join(text.replace(".", ". ").replace(",", " ").split()).casefold()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return date.fromisoformat(value).isoformat()
        if re.fullmatch(r"\d{4}", value):
            return value
        words = [w.rstrip(".") for w in value.split()]
        if len(words) == 3 and words[0].isdigit():
            day, month, year = int(words[0]), MONTHS.get(words[1]), int(words[2])
        elif len(words) == 3 and words[1].isdigit():
            day, month, year = int(words[1]), MONTHS.get(words[0]), int(words[2])
        elif len(words) == 2 and words[1].isdigit():
            month, year = MONTHS.get(words[0]), int(words[1])
            return f"{year:04d}-{month:02d}" if month else None
        else:
            return None
        return date(year, month, day).isoformat() if month else None
    except ValueError:
        return None


def read_note(note: str | None) -> NoteFacts:
    """The issue and expiry dates, issuing authority, place of issue and invalidity
    ("revoked", "cancelled", "counterfeit", "false", "fraudulently obtained") a document
    note states; what it does not state stays ``None``/``False``."""
    if not note:
        return NoteFacts()
    text = " ".join(note.split())
    issued = _ISSUED.search(text)
    expires = _EXPIRES.search(text)
    by = _BY.search(text)
    place = _IN.search(text)
    return NoteFacts(
        issue_date=text_date(issued.group(1)) if issued else None,
        expiry_date=text_date(expires.group(1)) if expires else None,
        authority=by.group(1).strip() if by else None,
        place=place.group(1).strip() if place else None,
        invalid=bool(INVALID.search(text)),
    )


# --- a number inside prose -------------------------------------------------------------------

#: A date inside a document text, never a digit group of a number ("SSN 156-92-9858": the
#: 9858 is no year).
_TEXT_DATE = re.compile(
    rf"(?<![\w\-/.])(?:{_DAY_OR_MONTH}|\d{{1,2}}([./\-])\d{{1,2}}\1\d{{4}})(?![\w\-/])",
    re.IGNORECASE,
)
#: A year alone is a date only after a word that says so ("issued in 1993", "until 2019"):
#: "passport number 8208 No. 555627" has a series, not a year.
_TEXT_YEAR = re.compile(
    r"(?i:\b(?:in|on|of|since|until|from|to|expired|expires|expiring|issued|valid|year))"
    r"\s+(\d{4})(?![\w\-/])"
)
#: A token that is (part of) a number: a digit, and no run of two lower-case letters
#: ("D00000898", "156-92-9858", "B/002210", "N°235/MISPAT/DIRCAB").
_NUMBER_TOKEN = re.compile(r"(?=[^\s]*\d)(?![^\s]*[a-z]{2})[^\s,;:()\[\]]+")
#: Letters written before a number's digits, apart ("L 191609", "DE- 473900", "TR-P 614").
_NUMBER_PREFIX = re.compile(r"[A-Z]{1,2}-?|[A-Z]{1,2}-[A-Z]")
#: "no." written joined to the number ("passport no.205939411").
_JOINED_NO = re.compile(r"\b((?i:no|nr)\.)(?=[A-Z0-9])")
#: A word joining a number's series and number ("8208 No. 555627").
_NUMBER_JOIN = re.compile(r"(?i:no\.?|n°|nr\.?)")


@dataclass(frozen=True, slots=True)
class NumberText:
    """A document number found in a text, with the text before and after it."""

    number: str
    before: str
    after: str


def split_number(text: str) -> NumberText | None:
    """The first document number of a text that says more than the number ("Counterfeit
    Danish driving licence number 20645897", "SSN 156-92-9858 (United States of
    America)", "Libya 428720", "R00012098, South Sudan", "passport no. K142736 issued on
    ..."): digit groups apart are one number ("96 03 464086", "35202- 4135948-7", "8208
    No. 555627"), as are one or two capitals before it ("L 191609", "DE- 473900"); dates
    ("28 Feb. 1996", "1993") are never numbers. ``None`` when the text has no number."""
    text = _JOINED_NO.sub(r"\1 ", text)
    masked = _TEXT_DATE.sub(lambda m: "\0" * len(m.group(0)), text)
    masked = _TEXT_YEAR.sub(lambda m: m.group(0)[:-4] + "\0" * 4, masked)
    tokens = [(m.start(), m.end()) for m in re.finditer(r"[^\s:(),;]+", masked)]
    tokens = [(s, s + len(masked[s:e].rstrip(",;:"))) for s, e in tokens]
    for at, (start, end) in enumerate(tokens):
        if not _NUMBER_TOKEN.fullmatch(masked[start:end].rstrip(".")):
            continue
        first, last = at, at
        if at > 0 and _NUMBER_PREFIX.fullmatch(masked[tokens[at - 1][0] : tokens[at - 1][1]]):
            first = at - 1
        while last + 1 < len(tokens):
            nxt = masked[tokens[last + 1][0] : tokens[last + 1][1]]
            if re.fullmatch(r"\d[\d\-]*", nxt) or (
                re.fullmatch(r"\d[\d\-]*-", masked[tokens[last][0] : tokens[last][1]])
                and re.fullmatch(r"\d[\d\-]*[\d]", nxt)
            ):
                last += 1
            elif (
                _NUMBER_JOIN.fullmatch(nxt)
                and last + 2 < len(tokens)
                and re.fullmatch(r"\d+", masked[tokens[last + 2][0] : tokens[last + 2][1]])
            ):
                last += 2
            else:
                break
        s, e = tokens[first][0], tokens[last][1]
        number = text[s:e].rstrip(".")
        e = s + len(number)
        return NumberText(number, text[:s].strip(" ,;:"), text[e:].strip(" ,;:"))
    return None


def country_in(text: str | None) -> str | None:
    """The ISO alpha-2 code of the first country a document text names, by name ("South
    Sudan", "United States of America", "Libya") or adjective ("Danish", "Tunisian");
    ``None`` when it names none."""
    from exportguard.core import countries

    if not text:
        return None
    words = re.findall(r"[^\W\d_][\w'’-]*|\(|\)", text)
    words = [w for w in words if w not in "()"]
    for at in range(len(words)):
        for size in (5, 4, 3, 2, 1):
            phrase = " ".join(words[at : at + size])
            if size > len(words) - at or not phrase[:1].isupper():
                continue
            if size == 1 and (len(phrase) < 3 or (phrase.isupper() and len(phrase) < 4)):
                code = countries.to_code(phrase) if phrase in ("US", "UK", "USA") else None
            else:
                code = countries.to_code(phrase)
            code = code or (countries.from_demonym(phrase) if size == 1 else None)
            if code:
                return code
    return None


#: Where free text starts a new document: "(1)", "(a)", "b)", "(ii)".
_ENUMERATION = re.compile(r"\(\s*(?:\d{1,2}|[a-z]|[ivx]{1,4})\s*\)|(?<![\w(])[a-z]\)", re.I)
#: Shortest number (letters and digits) taken out of prose after the first one.
_MIN_NUMBER = 3


@dataclass(frozen=True, slots=True)
class Document:
    """One document of a free-text cell: its number (and the text around it) and the
    part of the cell that is about it."""

    found: NumberText
    text: str


def split_documents(text: str) -> list[Document]:
    """Every document number a free-text cell writes, each with the part of the text
    about it: the cell is cut at its enumeration ("(1) A-333602 (Indian) issued on 4 June
    1985 ... (2) M110522 ...", "a) ... b) ..."), and a part that names several numbers
    ("Passport Number. 290220142. Service passport number: 836220035") gives one
    document per number. Empty when the text has no number."""
    cuts = [m.start() for m in _ENUMERATION.finditer(text)]
    bounds = [0, *cuts, len(text)]
    out: list[Document] = []
    for start, end in itertools.pairwise(bounds):
        part = _ENUMERATION.sub(" ", text[start:end], count=1) if start in cuts else text[start:end]
        part = " ".join(part.split()).strip(" ,;")
        rest = part
        while rest:
            found = split_number(rest)
            if found is None:
                break
            if len("".join(ch for ch in found.number if ch.isalnum())) >= _MIN_NUMBER:
                out.append(Document(found, part))
            rest = found.after
    return out
