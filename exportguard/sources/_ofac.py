"""What the three OFAC formats share: list ids, names, OFAC's date and remark conventions.

The legacy CSV (:mod:`~exportguard.sources.ofac_csv`), the classic ``sdnList`` XML
(:mod:`~exportguard.sources.ofac_xml`) and the Sanctions List Service "Enhanced XML"
(:mod:`~exportguard.sources.ofac_enhanced`) publish the same records: the CSV ``ent_num``,
the XML ``uid`` and the enhanced ``entity/@id`` are one number, so every format builds
``ListEntry.id`` as ``"<source>:<that number>"`` and an entry keeps its id whichever form
it was imported from. This module holds the conventions all three follow so they map a
record the same way:

- person names in natural order (given names, then the surname OFAC writes first);
- OFAC date-of-birth strings ("10 Dec 1948", "Sep 1938", "circa 1951", "1951 to 1953")
  turned into ISO partial dates, a range into every year it covers;
- which OFAC labels name an identifier (passport, registration, SWIFT/BIC, IMO, ...) and
  which are informational ("Website", "Secondary sanctions risk:", ...);
- the free-text remarks of the CSV, split into facts (see :func:`parse_remarks`).

Kept in one module (over 500 lines, by ARCHITECTURE.md's exception for one cohesive
parser): it is the one reading of OFAC's conventions the three formats share, mostly the
label tables and the remarks grammar; split, each half would be imported by the same
three parsers and changed with them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from exportguard.core import countries
from exportguard.core.entities import Alias, AliasQuality, EntityType, Identifier, IdentifierKind
from exportguard.core.identifiers import identifier_kind, make_identifier
from exportguard.sources._documents import country_in, read_note, split_number, text_date

SDN_SOURCE = "us_ofac_sdn"
CONS_SOURCE = "us_ofac_cons"
SDN_LIST_NAME = "OFAC Specially Designated Nationals and Blocked Persons List (SDN)"
CONS_LIST_NAME = "OFAC Consolidated Sanctions List (Non-SDN)"
LIST_NAMES = {SDN_SOURCE: SDN_LIST_NAME, CONS_SOURCE: CONS_LIST_NAME}

#: OFAC's public record page; the id is the ent_num / uid / entity id of every format.
DETAILS_URL = "https://sanctionssearch.ofac.treas.gov/Details.aspx?id={}"

#: OFAC's entity type words (CSV ``sdn_type``, XML ``sdnType``, enhanced ``entityType``).
ENTITY_TYPES = {
    "individual": EntityType.PERSON,
    "entity": EntityType.ORGANIZATION,
    "vessel": EntityType.VESSEL,
    "aircraft": EntityType.AIRCRAFT,
}

#: Alias kinds as OFAC writes them ("a.k.a.", "aka", "A.K.A.") -> Alias.kind.
ALIAS_KINDS = {
    "a.k.a.": "aka",
    "aka": "aka",
    "f.k.a.": "fka",
    "fka": "fka",
    "n.k.a.": "nka",
    "nka": "nka",
}

#: Labels OFAC uses for document and registration numbers. The list is OFAC's own
#: "ID DOCUMENT TYPE" reference set (as published in the Enhanced XML) plus the
#: identifying features OFAC prints the same way in remarks and ``idList`` (SWIFT/BIC,
#: MMSI, ISIN, aircraft and vessel numbers).
IDENTIFIER_LABELS = frozenset(
    {
        "Afghan Money Service Provider License Number",
        "Aircraft Construction Number (also called L/N or S/N or F/N)",
        "Aircraft Manufacturer's Serial Number (MSN)",
        "Aircraft Mode S Transponder Code",
        "Aircraft Serial Identification",
        "Aircraft Tail Number",
        "BIK (RU)",
        "Birth Certificate Number",
        "Bosnian Personal ID No.",
        "Branch Unit Number",
        "British National Overseas Passport",
        "Business Number",
        "Business Registration Document #",
        "Business Registration Number",
        "C.I.F.",
        "C.I.N.",
        "C.R. No.",
        "C.U.I.",
        "C.U.I.P.",
        "C.U.I.T.",
        "C.U.R.P.",
        "Cartilla de Servicio Militar Nacional",
        "Cedula No.",
        "Central Registration System Number",
        "Certificate of Incorporation Number",
        "Chamber of Commerce Number",
        "Chinese Commercial Code",
        "Citizen's Card Number",
        "CNP (Personal Numerical Code)",
        "Commercial Registry Number",
        "Company Number",
        "Credencial electoral",
        "D-U-N-S Number",
        "D.N.I.",
        "Diplomatic Passport",
        "Driver's License No.",
        "Dubai Chamber of Commerce Membership No.",
        "Economic Register Number (CBLS)",
        "Electoral Registry No.",
        "Enterprise Number",
        "File Number",
        "Fiscal Code",
        "Folio Mercantil No.",
        "Global Intermediary Identification Number",
        "Government Gazette Number",
        "I.F.E.",
        "Identification Number",
        "Immigration No.",
        "International Maritime Organization No.",
        "ISIN",
        "Istanbul Chamber of Comm. No.",
        "Italian Fiscal Code",
        "Kenyan ID No.",
        "LE Number",
        "Legal Entity Number",
        "License",
        "Matricula Mercantil No",
        "Military Registration Number",
        "MMSI",
        "Moroccan Personal ID No.",
        "MSB Registration Number",
        "N.I.E.",
        "N.I.F.",
        "National Foreign ID Number",
        "National ID No.",
        "NIT #",
        "Numero de Identidad",
        "Numero Unico de Identificacao Tributaria (NUIT)",
        "Organization Code",
        "Other Vessel Call Sign",
        "Paraguayan tax identification number",
        "Passport",
        "Passport No.",
        "Permit Number",
        "Personal ID Card",
        "Pilot License Number",
        "Previous Aircraft Tail Number",
        "Public Registration Number",
        "Public Security and Immigration No.",
        "R.F.C.",
        "Refugee ID Card",
        "Registered Charity No.",
        "Registration Certificate Number (Dubai)",
        "Registration ID",
        "Registration Number",
        "Residency Number",
        "RFC",
        "RIF #",
        "Romanian C.R.",
        "Romanian Permanent Resident",
        "Romanian Tax Registration",
        "RSIN",
        "RTN",
        "RUC #",
        "Russian State Individual Business Registration Number Pattern (OGRNIP)",
        "Seafarer's Identification Document",
        "Serial No.",
        "SRE Permit No.",
        "SSN",
        "Stateless Person ID Card",
        "Stateless Person Passport",
        "SWIFT/BIC",
        "Tax ID No.",
        "Tazkira National ID Card",
        "Tourism License No.",
        "Trade License No.",
        "Trademark number",
        "Travel Document Number",
        "Turkish Identification Number",
        "UAE Identification",
        "UK Company Number",
        "Unified Social Credit Code (USCC)",
        "United Social Credit Code Certificate (USCCC)",
        "US FEIN",
        "V.A.T. Number",
        "Vessel Registration Identification",
        "VisaNumberID",
    }
)

#: Prefix of OFAC's crypto-currency address labels ("Digital Currency Address - XBT").
DIGITAL_CURRENCY = "Digital Currency Address - "

#: Labels that carry a country the party belongs to (remark word -> meaning).
NATIONALITY_LABELS = ("nationality", "citizen", "Nationality of Registration")

#: Informational labels of the XML ``idList`` and enhanced features that are not identifiers.
_INFO_LABELS = frozenset(
    {
        "Aircraft Manufacture Date",
        "Aircraft Model",
        "Aircraft Operator",
        "Effective Date (CMIC)",
        "Email Address",
        "Equity Ticker",
        "Fax",
        "Former Vessel Flag",
        "Gender",
        "Issuer Name",
        "Listing Date (CMIC)",
        "Nationality of Registration",
        "Organization Established Date",
        "Other Vessel Flag",
        "Other Vessel Type",
        "Phone Number",
        "Purchase/Sales For Divestment Date (CMIC)",
        "Target Type",
        "Telephone",
        "Vessel Year of Build",
        "Website",
    }
)

_FIRST_WORD: dict[str, tuple[str, ...]] = {}
for _label in sorted(IDENTIFIER_LABELS, key=len, reverse=True):
    _key = _label.split(" ", 1)[0]
    _FIRST_WORD[_key] = (*_FIRST_WORD.get(_key, ()), _label)


def is_identifier_label(label: str) -> bool:
    """Whether an ``idList``/feature label names an identifier rather than information.

    Known document labels are identifiers; known informational labels, and OFAC's
    heading-style labels ending in ``:`` or `` -`` ("Secondary sanctions risk:",
    "Additional Sanctions Information -"), are not. An unknown label counts as an
    identifier, since new document types appear more often than new headings.
    """
    if label in IDENTIFIER_LABELS or label.startswith(DIGITAL_CURRENCY):
        return True
    if label in _INFO_LABELS or label.endswith((":", " -")):
        return False
    return not label.startswith(("Listing Date", "Effective Date", "Executive Order"))


def country_code(name: str | None) -> str | None:
    """ISO alpha-2 code of an OFAC country name ("Region: Gaza" -> its region's code)."""
    if not name:
        return None
    return _country_code(name)


@lru_cache(maxsize=4096)
def _country_code(name: str) -> str | None:
    code = countries.to_code(name)
    if code is None and name.startswith("Region: "):
        code = countries.to_code(name[8:])
    return code


def natural_name(last: str | None, first: str | None) -> str | None:
    """A person's name in natural order: given names, then the family name."""
    if last and first:
        return f"{first} {last}"
    return last or first


def person_name(published: str) -> str:
    """Turn OFAC's ``"SURNAME, Given Names"`` into ``"Given Names SURNAME"``.

    OFAC composes the CSV name as lastName, comma, firstName (the XML formats keep the two
    fields apart), so the first comma is the split: "DELOS REYES, Feliciano Semborio, Jr."
    -> "Feliciano Semborio, Jr. DELOS REYES". A name without that comma is kept as is.
    """
    last, sep, first = published.partition(", ")
    if not sep or not first.strip() or not last.strip():
        return published
    return f"{first.strip()} {last.strip()}"


_MONTHS = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}
#: A range covering more years than this yields its two ends only.
_MAX_RANGE_YEARS = 12


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_OFAC_DATE = re.compile(r"(?:(\d{1,2}) )?(?:([A-Za-z]{3})[a-z]*\.? )?(\d{4})")


def _partial(text: str) -> str | None:
    """ "10 Dec 1948" -> "1948-12-10", "Sep 1938" -> "1938-09", "1946" -> "1946"."""
    text = text.strip()
    if _ISO_DATE.fullmatch(text):
        return text
    found = _OFAC_DATE.fullmatch(text)
    if found is None:
        return None
    day, month_name, year = found.groups()
    if month_name is None:
        return year if day is None else None
    month = _MONTHS.get(month_name.title())
    if month is None or (day is not None and not 1 <= int(day) <= 31):
        return None
    return f"{year}-{month:02d}" + (f"-{int(day):02d}" if day else "")


def birth_dates(text: str | None) -> tuple[str, ...] | None:
    """ISO (partial) dates of an OFAC DOB string; ``None`` when it cannot be read.

    "circa" is dropped (the matcher already treats birth dates loosely). A range
    ("1951 to 1953", "01 Jan 1961 to 31 Dec 1962", "circa 1979-1982") becomes every year
    it covers, so a party born in any of them compares equal; a range wider than 12 years
    gives only its two ends.
    """
    if not text:
        return None
    value = text.strip().rstrip(".")
    if value[:6].lower() == "circa ":
        value = value[6:].strip()
    if " to " in value:
        start_text, _, end_text = value.partition(" to ")
    elif re.fullmatch(r"\d{4} ?- ?\d{4}", value):
        start_text, _, end_text = value.partition("-")
    else:
        single = _partial(value)
        return (single,) if single else None
    start, end = _partial(start_text.strip()), _partial(end_text.strip())
    if start is None or end is None:
        return None
    first, last = int(start[:4]), int(end[:4])
    if first == last:
        return (start[:4],) if start != end else (start,)
    if first > last or last - first > _MAX_RANGE_YEARS:
        return (start, end)
    return tuple(str(year) for year in range(first, last + 1))


def split_programs(text: str | None) -> tuple[str, ...]:
    """``"[SDGT] [IFSR]"`` (or the CSV's ``"SDGT] [IFSR"``) -> ``("SDGT", "IFSR")``."""
    if not text:
        return ()
    out: dict[str, None] = {}
    for part in text.strip().strip("[]").split("]"):
        program = part.strip().lstrip("[").strip()
        if program:
            out[program] = None
    return tuple(out)


_ISSUED = re.compile(r" issued ((?:\d{1,2} )?(?:[A-Z][a-z]{2} )?\d{4})\b")
_EXPIRES = re.compile(r" expires ((?:\d{1,2} )?(?:[A-Z][a-z]{2} )?\d{4})\b")


def split_identifier(label: str, text: str) -> Identifier:
    """``"P0017003 (Belize) issued 12 Mar 2009 expires 11 Mar 2014"`` -> an identifier of
    the kind of ``label`` (:func:`~exportguard.core.identifiers.identifier_kind`), number
    ``"P0017003"``, country ``"BZ"``, issue date ``2009-03-12``, expiry ``2014-03-11``, the
    whole text kept as ``published``. A colon after the label ("Italian Fiscal Code:
    ...") is dropped; a number in parentheses ("International Maritime Organization No.
    (5777731)") is read; a comma-separated tail ("0310857, Eritrea, Issue Date 21 August
    2006, Expire Date 20 August 2008") gives the country and dates.
    """
    published = " ".join(text.split())
    value = published.lstrip(":").strip()
    issue_date = expiry_date = None
    if " issued " in value or " expires " in value:
        issued, expires = _ISSUED.search(value), _EXPIRES.search(value)
        issue_date = text_date(issued.group(1)) if issued else None
        expiry_date = text_date(expires.group(1)) if expires else None
        cut = min(m.start() for m in (issued, expires) if m) if issued or expires else None
        if cut is not None:
            value = value[:cut].rstrip()
    country = None
    if value.endswith(")"):
        open_at = value.rfind("(")
        if open_at > 0 and value[open_at - 1] == " ":
            country = country_code(value[open_at + 1 : -1])
            if country is not None:
                value = value[: open_at - 1].rstrip()
        elif open_at == 0:
            value = value[1:-1].strip()
    if ", " in value:
        value, _, tail = value.partition(", ")
        facts = read_note(tail)
        country = country or country_code(tail.partition(",")[0].strip())
        issue_date = issue_date or facts.issue_date
        expiry_date = expiry_date or facts.expiry_date
    return make_identifier(
        label,
        value,
        country,
        published=published,
        issue_date=issue_date,
        expiry_date=expiry_date,
    )


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


def file_name(name: str) -> str:
    """The bare file name of a path, URL or zip member (``"a/b.zip!SDN.XML"`` -> ``"SDN.XML"``)."""
    return name[max(name.rfind("/"), name.rfind("\\"), name.rfind("!")) + 1 :]


def line_of(element: object) -> int | None:
    """An lxml element's source line (typed loosely: lxml's stubs disagree on its type)."""
    line: object = getattr(element, "sourceline", None)
    return line if isinstance(line, int) else None


def unique(values: Iterable[str]) -> tuple[str, ...]:
    """Values without repeats, in first-seen order."""
    return tuple(dict.fromkeys(values))


def unique_aliases(primary: str, aliases: Iterable[Alias]) -> tuple[Alias, ...]:
    """Aliases without repeats of the primary name or of an earlier alias name.

    When a name comes twice with different qualities, the strong one is kept (in the
    place of the first).
    """
    out: dict[str, Alias] = {}
    for alias in aliases:
        if alias.name == primary:
            continue
        seen = out.get(alias.name)
        if seen is None or (
            seen.quality is AliasQuality.WEAK and alias.quality is AliasQuality.STRONG
        ):
            out[alias.name] = alias
    return tuple(out.values())


def join_remarks(parts: Iterable[str | None]) -> str | None:
    """Non-empty parts joined with ``"; "``, or ``None``."""
    text = "; ".join(p for p in parts if p)
    return text or None
