"""The documents of a UN record: ``INDIVIDUAL_DOCUMENT`` elements (their number, often
written in prose, kind, issuing country, dates and validity) and the passport and ID
numbers written only in an alias ``NOTE``.

The format is described in :mod:`~exportguard.sources.un_xml`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from exportguard.core import countries
from exportguard.core.entities import Identifier, IdentifierKind
from exportguard.core.identifiers import identifier_kind, make_identifier, match_form
from exportguard.sources._documents import INVALID, NumberText, country_in, read_note, split_number
from exportguard.sources._un_record import Node, iso_partial


def documents(node: Node, country_of: Callable[[str | None], str | None]) -> list[Identifier]:
    """``INDIVIDUAL_DOCUMENT``: kind (TYPE_OF_DOCUMENT, its detail TYPE_OF_DOCUMENT2 in
    the label), NUMBER, issuing country, DATE_OF_ISSUE, CITY_OF_ISSUE and the NOTE
    (kept whole, read for dates, issuer, place and validity).

    The number is the NUMBER's number when the UN writes prose around it
    ("Counterfeit Danish driving licence number 20645897": value ``20645897``, kind
    licence, country DK, invalid; the whole text in ``published``); a document whose
    number is written only in TYPE_OF_DOCUMENT2 ("Afghan national identification card
    (tazkira) number 545167") or in its NOTE ("Tunisian passport number L 191609
    issued on ...", "SSN 156-92-9858 (United States of America)", "Italian Fiscal
    Code: DAOMMD74T11Z352Z") gets it from there. A document with no number at all (a
    passport "issued in 1993, under name ...", a birth certificate) is kept with an
    empty value: shown to the officer, never compared. The issuing country comes from
    ISSUING_COUNTRY/COUNTRY_OF_ISSUE (through ``country_of``: the parser's lookup, which
    reports the names it cannot map), else from the text around the number ("Libya
    428720", "Tunisian passport") or a note that starts with a country."""
    out: list[Identifier] = []
    for element in node.all("INDIVIDUAL_DOCUMENT"):
        part = Node(element)
        if not part.by_tag:
            continue
        label = part.text("TYPE_OF_DOCUMENT") or "Document"
        detail = part.text("TYPE_OF_DOCUMENT2")
        note = part.text("NOTE")
        note = " ".join(note.split()) if note else None
        number = part.text("NUMBER")
        published: str | None = None
        prose: NumberText | None = None
        if number:
            found = split_number(number)
            if found and (found.before or found.after):
                prose, published, number = found, number, found.number
        elif detail and (found := split_number(detail)):
            prose, published, number = found, detail, found.number
            detail = found.before or None
        elif note:
            labelled = _LABELLED.match(note)
            if labelled:
                number, detail = labelled.group(2), labelled.group(1).strip()
                label = detail
                detail = None
            elif (found := split_number(note)) and len(match_text(found.number)) >= 4:
                prose, number = found, found.number
        if detail and detail.casefold() != label.casefold():
            label = f"{label} ({detail})"
        kind = identifier_kind(label)
        if prose and prose.before:
            said = identifier_kind(prose.before)
            if said in _PERSON_DOCUMENTS and said is not kind:
                kind = said
        facts = read_note("; ".join(t for t in (prose.after if prose else None, note) if t))
        issuer = part.text("ISSUING_COUNTRY") or part.text("COUNTRY_OF_ISSUE")
        country = country_of(issuer)
        if country is None and prose:
            country = country_in(f"{prose.before} {prose.after}")
        if country is None and note:
            country = countries.to_code(note.split(",")[0])
        issued = part.text("DATE_OF_ISSUE")
        identifier = make_identifier(
            label,
            number or "",
            country,
            kind=kind,
            published=published,
            issue_date=iso_partial(issued) if issued else facts.issue_date,
            expiry_date=facts.expiry_date,
            authority=facts.authority,
            place=part.text("CITY_OF_ISSUE") or facts.place,
            note=note,
            invalid=facts.invalid or bool(prose and INVALID.search(prose.before)),
        )
        if identifier not in out:
            out.append(identifier)
    return out


def alias_documents(node: Node, known: list[Identifier]) -> list[Identifier]:
    """Documents written only in an alias NOTE ("Passport No. 284158, expires 21 August
    2005 (Iraq)", "Mali ID Number 073/SPICRE"), noted as found there; a number the
    entry already carries is not repeated."""
    seen = {match_form(i) for i in known}
    out: list[Identifier] = []
    for element in node.all("INDIVIDUAL_ALIAS"):
        alias = Node(element)
        note = alias.text("NOTE")
        if not note:
            continue
        text = " ".join(note.split())
        matches = list(_ALIAS_DOCUMENT.finditer(text))
        for at, found in enumerate(matches):
            word, number = found.group(1), found.group(2).strip()
            end = matches[at + 1].start() if at + 1 < len(matches) else len(text)
            tail = text[found.end() : end]
            facts = read_note(tail)
            label = "Passport" if word.casefold() == "passport" else "National ID"
            identifier = make_identifier(
                label,
                number,
                issue_date=facts.issue_date,
                expiry_date=facts.expiry_date,
                authority=facts.authority,
                place=facts.place,
                note=f"in the note of alias {alias.text('ALIAS_NAME') or ''}: {text}",
                invalid=bool(re.search(r"\bfalse\b", text[: found.start()], re.IGNORECASE)),
            )
            if match_form(identifier) not in seen:
                seen.add(match_form(identifier))
                out.append(identifier)
    return out


#: A document number in a note: one or two letters and a space ("L 191609", "DE- 473900"),
#: then letters and digits with at least one digit, or a number with slashes
#: ("073/SPICRE").
_NUMBER = r"(?:[A-Z]{1,2}-?\s)?[A-Z]{0,3}\d[\dA-Z\-]{3,}(?:/[A-Z]+)?|\d{2,}/[A-Z]+"
#: "Italian Fiscal Code: DAOMMD74T11Z352Z": a label, a colon, the number.
_LABELLED = re.compile(r"^([A-Za-z][A-Za-z .']+):\s*([A-Z0-9][A-Z0-9\-]{4,})\s*$")
_ALIAS_DOCUMENT = re.compile(
    rf"\b(passport|ID)\s+(?:no\.?|number):?\s+((?-i:{_NUMBER}))(?![\w])", re.IGNORECASE
)
#: Kinds a text around a number may name over the UN's TYPE_OF_DOCUMENT ("National
#: Identification Number" of a "Counterfeit Danish driving licence number ...").
_PERSON_DOCUMENTS = frozenset(
    {IdentifierKind.PASSPORT, IdentifierKind.LICENCE, IdentifierKind.TAX_ID}
)


def match_text(number: str) -> str:
    """Letters and digits of a number."""
    return "".join(ch for ch in number if ch.isalnum())
