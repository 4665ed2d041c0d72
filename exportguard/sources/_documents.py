"""What lists write about a document in free text: dates, issuer, place, validity.

OFAC ("P0017003 (Belize) issued 12 Mar 2009 expires 11 Mar 2014"), the UN (document
``NOTE``: "Tunisian passport number L 191609 issued on 28 Feb. 1996, expired on 27 Feb.
2001", "issued by the Minister of Foreign Affairs, in Juba", "officially cancelled as of
2013") and alias notes ("Passport No. 284158, expires 21 August 2005 (Iraq)") describe a
document in prose. :func:`read_note` takes out the facts an officer compares; the note
itself is kept whole beside them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_MONTHS = {
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
DATE = (
    rf"(?<![\w.])(?:\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}\s+{_MONTH}\s*\d{{4}}|{_MONTH}\s*\d{{1,2}},\s*\d{{4}}|"
    rf"{_MONTH}\s*\d{{4}}|\d{{4}})(?!\d)"
)
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
_INVALID = re.compile(r"revoked|cancell?ed|counterfeit|\bfalse\b|fraudulent", re.IGNORECASE)


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
            day, month, year = int(words[0]), _MONTHS.get(words[1]), int(words[2])
        elif len(words) == 3 and words[1].isdigit():
            day, month, year = int(words[1]), _MONTHS.get(words[0]), int(words[2])
        elif len(words) == 2 and words[1].isdigit():
            month, year = _MONTHS.get(words[0]), int(words[1])
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
        invalid=bool(_INVALID.search(text)),
    )
