"""The free-text remarks of OFAC's legacy CSV, split into facts (:func:`parse_remarks`).

The remarks are ``"; "``-separated items ("DOB 10 Dec 1948; POB Baghdad, Iraq; Passport
A1234567 (Iraq); a.k.a. 'ABU ALI'."); each item's first word says what it holds. Labels
and identifier texts are read as :mod:`~exportguard.sources._ofac_ids` says, dates and
names as :mod:`~exportguard.sources._ofac` does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from exportguard.core.entities import Alias, AliasQuality, Identifier, IdentifierKind
from exportguard.core.identifiers import identifier_kind, make_identifier
from exportguard.sources._documents import country_in, read_note, split_number
from exportguard.sources._ofac import ALIAS_KINDS, birth_dates, country_code, person_name
from exportguard.sources._ofac_ids import DIGITAL_CURRENCY, IDENTIFIER_LABELS, split_identifier

#: The identifier labels by their first word, longest first (the labels an item may start with).
_FIRST_WORD: dict[str, tuple[str, ...]] = {}
for _label in sorted(IDENTIFIER_LABELS, key=len, reverse=True):
    _key = _label.split(" ", 1)[0]
    _FIRST_WORD[_key] = (*_FIRST_WORD.get(_key, ()), _label)


#: A remark item that names a document of no known label: "<label> No. <number> ..."
#: ("Temporary suspension of deportation No. T04338017, expired 08 May 2013, issued by
#: Alien's Office of the city of Mainz").
_NUMBERED = re.compile(
    r"^(?P<label>[A-Za-z][\w'’ .,/()-]*?)\s+(?:No\.?|Number|#)\s*:?\s*(?P<rest>\S.*)$"
)
#: A remark item that starts with a bare number ("M0018061/104,issued 12 September 1993").
_BARE_NUMBER = re.compile(r"^(?P<number>[A-Z]{0,3}\d[\w/\-]{4,})(?:\s*,\s*|\s+|$)(?P<rest>.*)$")


def unlabelled_identifier(item: str) -> Identifier | None:
    """An identifier of a remark item with no known label: "<label> No. <number>[, note]"
    (the label's kind through :func:`~exportguard.core.identifiers.identifier_kind`; a
    label of a fact such as "Phone Number" is no identifier) or an item that starts with
    a number ("M0018061/104,issued 12 September 1993": kind ``other``); the number's
    dates, issuing authority and place are read from the rest, which is kept as the
    note. ``None`` when the item is neither."""
    numbered = _NUMBERED.match(item)
    if numbered:
        label, rest = numbered.group("label").strip(), numbered.group("rest")
        if identifier_kind(label) is IdentifierKind.FACT:
            return None
        found = split_number(rest)
        if found is None or found.before:
            return None
    else:
        bare = _BARE_NUMBER.match(item)
        if bare is None or re.fullmatch(r"\d{4}", bare.group("number")):
            return None
        label, rest = "Document", item
        found = split_number(item)
        if found is None or found.number != bare.group("number"):
            return None
    facts = read_note(found.after)
    return make_identifier(
        label,
        found.number,
        country_in(found.after),
        published=item,
        issue_date=facts.issue_date,
        expiry_date=facts.expiry_date,
        authority=facts.authority,
        place=facts.place,
        note=found.after or None,
        invalid=facts.invalid,
    )


@dataclass(slots=True)
class RemarkFacts:
    """What :func:`parse_remarks` could read out of one remarks text."""

    person: bool = False
    aliases: list[Alias] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)
    birth_places: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    citizenships: list[str] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    unread_dates: list[str] = field(default_factory=list)

    def add_dob(self, head: str, item: str, rest: str) -> None:
        dates = birth_dates(rest)
        if dates is None:
            self.unread_dates.append(rest)
        else:
            self.birth_dates.extend(dates)

    def add_pob(self, head: str, item: str, rest: str) -> None:
        self.birth_places.append(rest.strip())

    def add_country(self, head: str, item: str, rest: str) -> None:
        code = country_code(rest.strip())
        if code:
            self.countries.append(code)

    def add_nationality(self, head: str, item: str, rest: str) -> None:
        code = country_code(rest.strip())
        if code:
            self.countries.append(code)
            self.nationalities.append(code)

    def add_citizenship(self, head: str, item: str, rest: str) -> None:
        code = country_code(rest.strip())
        if code:
            self.countries.append(code)
            self.citizenships.append(code)

    def add_alias(self, head: str, item: str, rest: str) -> None:
        name = rest.strip()
        if len(name) > 2 and name[0] == "'" and name[-1] == "'":
            name = name[1:-1].strip()
            if self.person:
                name = person_name(name)
            if name:
                self.aliases.append(Alias(name, AliasQuality.WEAK, ALIAS_KINDS[head]))

    def add_other(self, head: str, item: str, rest: str) -> None:
        for label in _FIRST_WORD.get(head, ()):
            if item.startswith(label) and item[len(label) : len(label) + 1] in (" ", ":"):
                value = item[len(label) + 1 :]
                if value.strip():
                    self.identifiers.append(split_identifier(label, value))
                return
        if item.startswith(DIGITAL_CURRENCY):
            code, _, address = item[len(DIGITAL_CURRENCY) :].partition(" ")
            if address.strip():
                self.identifiers.append(make_identifier(DIGITAL_CURRENCY + code, address.strip()))
        elif item.startswith(_REGISTRATION_COUNTRY):
            self.add_country(head, item, item[len(_REGISTRATION_COUNTRY) :])
        else:
            found = unlabelled_identifier(item)
            if found is not None:
                self.identifiers.append(found)

    def skip(self, head: str, item: str, rest: str) -> None:
        """Items known to hold nothing to read (Linked To, Gender, ...)."""


_REGISTRATION_COUNTRY = "Nationality of Registration "
_HANDLERS: dict[str, Callable[[RemarkFacts, str, str, str], None]] = {
    "DOB": RemarkFacts.add_dob,
    "POB": RemarkFacts.add_pob,
    "nationality": RemarkFacts.add_nationality,
    "citizen": RemarkFacts.add_citizenship,
    "a.k.a.": RemarkFacts.add_alias,
    "f.k.a.": RemarkFacts.add_alias,
    "n.k.a.": RemarkFacts.add_alias,
    "Linked": RemarkFacts.skip,
    "Gender": RemarkFacts.skip,
    "Website": RemarkFacts.skip,
    "Email": RemarkFacts.skip,
}


def parse_remarks(text: str | None, person: bool = False) -> RemarkFacts:
    """Read the facts OFAC writes into a CSV remarks text.

    The remarks are ``"; "``-separated items ending in a full stop; ``"alt. "`` marks a
    second value of the same kind. Read here: ``DOB``, ``POB``, ``nationality``/
    ``citizen``/``Nationality of Registration`` (ISO codes in ``countries``; a
    nationality also in ``nationalities``, a citizenship in ``citizenships``, the
    registration of a vessel or aircraft in neither), ``a.k.a. 'NAME'`` (and
    f.k.a./n.k.a.; in the CSV these are OFAC's *weak* aliases, the strong ones being in
    alt.csv), and every identifier label of :data:`IDENTIFIER_LABELS`. Everything else
    (Linked To, Gender, Website, sanctions information, ...) is left to the remarks text.
    A weak a.k.a. of a person in ``"SURNAME, Given"`` form is put in natural order.
    """
    facts = RemarkFacts(person=person)
    if not text:
        return facts
    body = text[:-1] if text[-1] == "." else text
    other = RemarkFacts.add_other
    for raw in body.split("; "):
        item = raw[5:] if raw[:5] == "alt. " else raw
        head, _, rest = item.partition(" ")
        if rest:
            _HANDLERS.get(head, other)(facts, head, item, rest)
    return facts
