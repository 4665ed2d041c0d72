"""UN Security Council Consolidated List, XML (``CONSOLIDATED_LIST``, ``sc-sanctions.xsd``).

Layout
    ``<CONSOLIDATED_LIST dateGenerated="2026-02-27T00:00:09.554Z">`` (no namespace) holds
    ``<INDIVIDUALS>`` of ``<INDIVIDUAL>`` and ``<ENTITIES>`` of ``<ENTITY>``. A record has
    ``DATAID``, ``VERSIONNUM``, ``FIRST_NAME`` .. ``FOURTH_NAME`` (an entity uses only
    ``FIRST_NAME``), ``UN_LIST_TYPE`` (the sanctions regime: ``Al-Qaida``, ``DPRK``, ...),
    ``REFERENCE_NUMBER`` (``QDi.001``, ``KPe.020``), ``LISTED_ON``, ``COMMENTS1``,
    ``NAME_ORIGINAL_SCRIPT``, ``TITLE``/``DESIGNATION``/``NATIONALITY`` (lists of ``VALUE``),
    ``GENDER``, and repeated ``*_ALIAS`` (``QUALITY``, ``ALIAS_NAME``, sometimes an alias'
    own ``DATE_OF_BIRTH``/``CITY_OF_BIRTH``/``COUNTRY_OF_BIRTH``), ``*_ADDRESS`` (``STREET``,
    ``CITY``, ``STATE_PROVINCE``, ``ZIP_CODE``, ``COUNTRY``, ``NOTE``),
    ``INDIVIDUAL_DATE_OF_BIRTH`` (``TYPE_OF_DATE`` EXACT/APPROXIMATELY/BETWEEN with ``DATE``,
    ``YEAR`` or ``FROM_YEAR``/``TO_YEAR``, and a free ``NOTE``),
    ``INDIVIDUAL_PLACE_OF_BIRTH`` and ``INDIVIDUAL_DOCUMENT`` (``TYPE_OF_DOCUMENT``,
    ``TYPE_OF_DOCUMENT2``, ``NUMBER``, ``ISSUING_COUNTRY``/``COUNTRY_OF_ISSUE``, ...).
    Empty placeholder elements (``<INDIVIDUAL_DOCUMENT/>``, ``<QUALITY/>``) are common and
    skipped.

Ids
    ``REFERENCE_NUMBER`` is the UN's permanent public reference of a listing (quoted in
    press releases and national lists), so the id is ``un_sc:QDi.001``. ``DATAID`` is a
    database key; it is used (``un_sc:DATAID-6907993``) only for a record without
    reference number, with a warning. Reference numbers sometimes carry trailing spaces
    (``KPe.023 ``): white space is cleaned. A repeated id is an error.

Field mapping
    name: ``FIRST_NAME`` .. ``FOURTH_NAME`` joined in order (the UN writes them in natural
    order). ``NAME_ORIGINAL_SCRIPT`` (Arabic, Cyrillic, CJK, ...) -> alias kind
    ``original-script``. Alias ``QUALITY`` ``Good``/``a.k.a.`` -> strong ``aka``, ``Low`` ->
    weak ``aka``, ``f.k.a.`` -> strong ``fka``; a non-Latin alias becomes
    ``original-script``. A name repeated with another quality (a.k.a. and f.k.a. of the
    same name) is kept once per kind; a repeated alias still contributes its own birth
    date and place. Spellings written only in an alias or document ``NOTE`` ("In Arabic:
    ...", "original script: ...", "name in Arabic script: ...") become ``original-script``
    aliases with ``lang`` ``ar`` (Arabic stated) or ``und-Cyrl``/``und-Arab`` (script
    only). ``NATIONALITY`` -> ``nationalities``; it and address countries ->
    ``countries`` (every
    spelling through ``countries.to_code``: ``State of Palestine``, ``China, Hong Kong
    Special Administrative Region`` are in its vocabulary; ``former Soviet Union`` is a
    known non-country); other names that map to no country are reported once in a
    warning. Birth dates: ``DATE`` ->
    ``YYYY-MM-DD``, ``YEAR`` -> ``YYYY``, ``FROM_YEAR``..``TO_YEAR`` -> every year of the
    range (ranges over 10 years keep their ends), a ``NOTE`` such as ``Nov. 1973`` ->
    ``1973-11``; other notes (``30-35 years old``, Hijri dates) go to remarks.
    ``APPROXIMATELY`` and a note beside a date -> ``birth_date_notes`` ("1960:
    approximately", "1979-03-03: from false passport"). An address ``NOTE`` -> the
    address's ``note`` (or its ``full`` text when the address has nothing else); ``GENDER``
    -> ``gender`` (and a fact identifier), ``TITLE`` -> ``titles``. Places of
    birth -> ``birth_places`` (street, city, province, country joined). Documents ->
    :class:`Identifier` (kind = ``TYPE_OF_DOCUMENT``, with a different
    ``TYPE_OF_DOCUMENT2`` in parentheses); ``GENDER`` -> identifier ``Gender``; for
    entities an ``IMO number: 1234567`` in the comments -> identifier ``IMO``.
    ``LISTED_ON`` -> ``listed_from`` (required; some carry a zone suffix
    ``2015-04-07-04:00``), ``UN_LIST_TYPE`` -> ``programs``, ``REFERENCE_NUMBER`` ->
    ``citation``, ``COMMENTS1`` plus titles, designations and unparsed birth-date notes ->
    ``remarks``. INDIVIDUAL -> person,
    ENTITY -> organisation. ``dateGenerated`` -> ``published``.

Kept in one module (over 500 lines, by ARCHITECTURE.md's exception for one cohesive
parser): every function here reads one part of this one format and maps it to the entry
model; each is tested on the real file, and a split would only scatter the format's
field-by-field mapping over files that no one changes apart.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import NoReturn

from lxml import etree

from exportguard.core import countries
from exportguard.core.entities import (
    Address,
    Alias,
    AliasQuality,
    EntityType,
    Identifier,
    IdentifierKind,
    ListEntry,
    ParsedList,
)
from exportguard.core.identifiers import identifier_kind, make_identifier, match_form
from exportguard.errors import SourceFormatError
from exportguard.sources._common import (
    SourceFile,
    by_tag,
    check_unique_ids,
    children,
    clean,
    non_latin,
    only_file,
    parse_xml,
    tag_text,
    year_range,
)
from exportguard.sources._documents import (
    INVALID,
    MONTHS,
    NumberText,
    country_in,
    read_note,
    split_number,
)

NAME = "un_sc_xml"
SOURCE = "un_sc"
LIST_NAME = "UN Security Council Consolidated List"

_QUALITY = {
    "good": (AliasQuality.STRONG, "aka"),
    "a.k.a.": (AliasQuality.STRONG, "aka"),
    "low": (AliasQuality.WEAK, "aka"),
    "f.k.a.": (AliasQuality.STRONG, "fka"),
}
_MONTH_YEAR = re.compile(r"^([A-Za-z]+)\.?\s+(\d{4})$")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
_YEAR = re.compile(r"^\d{4}$")
_IMO = re.compile(r"IMO\s+(?:number|no\.?)\s*:?\s*(\d{7})", re.IGNORECASE)
_NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
_MAX_RANGE_YEARS = 10


def sniff(file: SourceFile) -> bool:
    """The ``CONSOLIDATED_LIST`` root element of the UN XML."""
    head = file.head()
    return b"<CONSOLIDATED_LIST" in head and (b"<INDIVIDUALS" in head or b"<ENTITIES" in head)


def parse(files: Sequence[SourceFile]) -> ParsedList:
    """Parse one UN consolidated list XML file."""
    return _Parser(only_file(files, NAME)).run()


class _Node:
    """An element with its children indexed by local tag name (one pass, then O(1))."""

    __slots__ = ("by_tag", "element")

    def __init__(self, element: etree._Element) -> None:
        self.element = element
        self.by_tag = by_tag(element)

    @property
    def line(self) -> int | None:
        return self.element.sourceline

    def all(self, name: str) -> list[etree._Element]:
        return self.by_tag.get(name, [])

    def first(self, name: str) -> etree._Element | None:
        found = self.by_tag.get(name)
        return found[0] if found else None

    def text(self, name: str) -> str | None:
        return tag_text(self.by_tag, name)

    def values(self, name: str) -> list[str]:
        """Cleaned ``VALUE`` texts of the child list ``name`` (``NATIONALITY``, ``TITLE``)."""
        found = self.by_tag.get(name)
        if not found:
            return []
        return [t for v in found[0] if isinstance(v.tag, str) and (t := clean(v.text))]

    def join(self, names: Sequence[str]) -> str | None:
        return ", ".join(t for n in names if (t := self.text(n))) or None


class _Parser:
    def __init__(self, file: SourceFile) -> None:
        self.file = file
        self.warnings: list[str] = []
        self.unknown_countries: dict[str, None] = {}
        self.country_cache: dict[str, str | None] = {}

    def error(
        self, message: str, element: etree._Element | None, field: str | None = None
    ) -> NoReturn:
        line = element.sourceline if element is not None else None
        raise SourceFormatError(message, file=self.file.name, line=line, field=field)

    def run(self) -> ParsedList:
        root = parse_xml(self.file, "CONSOLIDATED_LIST", "UN consolidated list XML")
        top = _Node(root)
        individuals, entities = top.first("INDIVIDUALS"), top.first("ENTITIES")
        if individuals is None and entities is None:
            self.error("neither <INDIVIDUALS> nor <ENTITIES> is present", root, "INDIVIDUALS")
        records: list[tuple[etree._Element, bool]] = []
        if individuals is not None:
            records += [(e, True) for e in children(individuals, "INDIVIDUAL")]
        if entities is not None:
            records += [(e, False) for e in children(entities, "ENTITY")]
        entries = [self.entry(_Node(element), person) for element, person in records]
        check_unique_ids(entries, self.file.name)
        if self.unknown_countries:
            self.warnings.append(
                "country names not mapped to ISO codes: " + "; ".join(self.unknown_countries)
            )
        n_people = sum(1 for _, person in records if person)
        return ParsedList(
            source=SOURCE,
            format=NAME,
            entries=tuple(entries),
            published=self.published(root),
            counts={
                "records": len(records),
                "individuals": n_people,
                "entities": len(records) - n_people,
                "entries": len(entries),
                "names": sum(len(e.names()) for e in entries),
            },
            warnings=tuple(self.warnings),
        )

    def published(self, root: etree._Element) -> date | None:
        value = root.get("dateGenerated")
        if not value:
            self.warnings.append("the list has no dateGenerated attribute")
            return None
        text = value.strip()
        if _ISO_DAY.match(text):
            try:
                return date.fromisoformat(text[:10])
            except ValueError:
                pass
        self.warnings.append(f"unparsable dateGenerated {value!r} ignored")
        return None

    def country(self, value: str | None) -> str | None:
        if not value:
            return None
        if value in self.country_cache:
            return self.country_cache[value]
        code = countries.to_code(value)
        if code is None and not countries.not_a_country(value):
            self.unknown_countries.setdefault(value, None)
        self.country_cache[value] = code
        return code

    # -- one record ----------------------------------------------------------------------

    def entry(self, node: _Node, person: bool) -> ListEntry:
        native = self.native_id(node)
        parts = [t for n in _NAME_PARTS if (t := node.text(n))]
        if not parts:
            self.error("the record has no name", node.element, "FIRST_NAME")
        name = " ".join(parts)
        listed = self.listed_on(node)
        remarks: list[str] = []
        # Some comments begin with a stray ": " in the published file (QDi.411).
        comments = (node.text("COMMENTS1") or "").lstrip(":;, ").strip()
        if comments:
            remarks.append(comments)
        for label, tag in (("Title", "TITLE"), ("Designation", "DESIGNATION")):
            values = node.values(tag)
            if values:
                remarks.append(f"{label}: " + "; ".join(values))

        birth_dates: list[str] = []
        birth_places: list[str] = []
        birth_notes: list[str] = []
        notes: list[str] = []
        aliases = self.aliases(node, name, person, birth_dates, birth_places, notes)
        nationalities = {c for v in node.values("NATIONALITY") if (c := self.country(v))}
        codes = set(nationalities)
        addresses = self.addresses(node, "INDIVIDUAL_ADDRESS" if person else "ENTITY_ADDRESS")
        codes.update(a.country for a in addresses if a.country)
        identifiers: list[Identifier] = []
        if person:
            self.birth(node, birth_dates, birth_places, remarks, birth_notes, notes)
            identifiers += self.documents(node)
            identifiers += self.alias_documents(node, identifiers)
            gender = node.text("GENDER")
            if gender:
                identifiers.append(make_identifier("Gender", gender))
        elif comments:
            imos = dict.fromkeys(_IMO.findall(comments))
            identifiers += [make_identifier("IMO", m) for m in imos]
        program = node.text("UN_LIST_TYPE")
        return ListEntry(
            id=f"{SOURCE}:{native}",
            source=SOURCE,
            list_name=LIST_NAME,
            type=EntityType.PERSON if person else EntityType.ORGANIZATION,
            name=name,
            aliases=tuple(aliases),
            programs=(program,) if program else (),
            addresses=tuple(addresses),
            countries=tuple(sorted(codes)),
            identifiers=tuple(identifiers),
            birth_dates=tuple(dict.fromkeys(birth_dates)),
            birth_places=tuple(dict.fromkeys(birth_places)),
            listed_from=listed,
            citation=node.text("REFERENCE_NUMBER"),
            remarks="\n".join(remarks) or None,
            nationalities=tuple(sorted(nationalities)),
            gender=node.text("GENDER"),
            titles=tuple(node.values("TITLE")),
            birth_date_notes=tuple(dict.fromkeys(birth_notes)),
            notes=tuple(dict.fromkeys(notes)),
        )

    def native_id(self, node: _Node) -> str:
        reference = node.text("REFERENCE_NUMBER")
        if reference:
            return reference.replace(" ", "")
        dataid = node.text("DATAID")
        if not dataid:
            self.error(
                "the record has neither REFERENCE_NUMBER nor DATAID",
                node.element,
                "REFERENCE_NUMBER",
            )
        self.warnings.append(
            f"line {node.line}: record without REFERENCE_NUMBER; id from DATAID {dataid}"
        )
        return f"DATAID-{dataid}"

    def listed_on(self, node: _Node) -> date:
        found = node.first("LISTED_ON")
        value = clean(found.text) if found is not None else None
        where = found if found is not None else node.element
        if not value:
            self.error("the listing date is missing", where, "LISTED_ON")
        if _ISO_DAY.match(value):
            try:
                return date.fromisoformat(value[:10])
            except ValueError:
                pass
        self.error(f"unparsable date {value!r} (expected YYYY-MM-DD)", where, "LISTED_ON")

    def aliases(
        self,
        node: _Node,
        name: str,
        person: bool,
        birth_dates: list[str],
        birth_places: list[str],
        notes: list[str],
    ) -> list[Alias]:
        out: dict[tuple[str, str], Alias] = {}
        original = node.text("NAME_ORIGINAL_SCRIPT")
        if original and original != name:
            out[(original, "original-script")] = Alias(original, kind="original-script")
        for element in node.all("INDIVIDUAL_ALIAS" if person else "ENTITY_ALIAS"):
            alias = _Node(element)
            alias_name = alias.text("ALIAS_NAME")
            quality = (alias.text("QUALITY") or "").casefold()
            strength, kind = _QUALITY.get(quality, (AliasQuality.STRONG, "aka"))
            note = alias.text("NOTE")
            note = " ".join(note.split()) if note else None
            names = alias_names(alias_name) if alias_name else []
            if note:
                names += note_names(note, bool(alias_name and non_latin(alias_name)))
                notes.append(f"Alias {alias_name or ''}: {note}")
            for one in names:
                if one == name:
                    continue
                one_kind = "original-script" if kind == "aka" and non_latin(one) else kind
                # A name repeated with another kind (a.k.a. and f.k.a.) is kept once per
                # kind; a repeat of the same kind adds nothing to the names but its birth
                # facts below still count.
                out.setdefault((one, one_kind), Alias(one, strength, one_kind))
            for script in _note_scripts(note):
                if script.name != name:
                    out.setdefault((script.name, "original-script"), script)
            born = alias.text("DATE_OF_BIRTH")
            if born:
                iso = _iso_partial(born)
                if iso:
                    birth_dates.append(iso)
                else:
                    self.warnings.append(
                        f"line {alias.line}, field 'DATE_OF_BIRTH': "
                        f"unrecognised date {born!r} ignored"
                    )
            place = alias.join(("CITY_OF_BIRTH", "COUNTRY_OF_BIRTH"))
            if place:
                birth_places.append(place)
        if person:
            for element in node.all("INDIVIDUAL_DOCUMENT"):
                for script in _note_scripts(_Node(element).text("NOTE")):
                    if script.name != name:
                        out.setdefault((script.name, "original-script"), script)
        return list(out.values())

    def addresses(self, node: _Node, tag: str) -> list[Address]:
        out: list[Address] = []
        for element in node.all(tag):
            part = _Node(element)
            street, city = part.text("STREET"), part.text("CITY")
            region, postal = part.text("STATE_PROVINCE"), part.text("ZIP_CODE")
            country = part.text("COUNTRY")
            texts = [p for p in (street, city, region, postal, country) if p]
            note = part.text("NOTE")
            full = ", ".join(texts) if texts else note
            if not full:
                continue
            code = self.country(country) if texts else country_in(note)
            address = Address(
                full, street, city, region, postal, code, note=note if texts else None
            )
            if address not in out:
                out.append(address)
        return out

    def birth(
        self,
        node: _Node,
        birth_dates: list[str],
        birth_places: list[str],
        remarks: list[str],
        notes: list[str],
        place_notes: list[str],
    ) -> None:
        for element in node.all("INDIVIDUAL_DATE_OF_BIRTH"):
            part = _Node(element)
            found = self.birth_date(part)
            birth_dates.extend(found)
            note = part.text("NOTE")
            if note and not found:
                remarks.append(f"Date of birth: {note}")
            approximate = (part.text("TYPE_OF_DATE") or "").upper() == "APPROXIMATELY"
            said = [w for w in ("approximately" if approximate else None, note) if w]
            if said and (found or approximate):
                notes.append(f"{_published_dates(part) or 'undated'}: {'; '.join(said)}")
        for element in node.all("INDIVIDUAL_PLACE_OF_BIRTH"):
            part = _Node(element)
            place = part.join(("STREET", "CITY", "STATE_PROVINCE", "COUNTRY"))
            note = part.text("NOTE")
            if place and note:
                place_notes.append(f"Place of birth {place}: {' '.join(note.split())}")
            place = place or note
            if place:
                birth_places.append(place)

    def birth_date(self, node: _Node) -> list[str]:
        exact = node.text("DATE")
        if exact:
            iso = _iso_partial(exact)
            if iso:
                return [iso]
            self.warnings.append(
                f"line {node.line}, field 'DATE': unrecognised date {exact!r} ignored"
            )
            return []
        year = node.text("YEAR")
        if year and _YEAR.match(year):
            return [year]
        first, last = node.text("FROM_YEAR"), node.text("TO_YEAR")
        if first and last and _YEAR.match(first) and _YEAR.match(last):
            return year_range(int(first), int(last), _MAX_RANGE_YEARS)
        note = node.text("NOTE")
        found = _MONTH_YEAR.match(note) if note else None
        if found and found.group(1).casefold() in MONTHS:
            return [f"{found.group(2)}-{MONTHS[found.group(1).casefold()]:02d}"]
        return []

    def documents(self, node: _Node) -> list[Identifier]:
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
        ISSUING_COUNTRY/COUNTRY_OF_ISSUE, else from the text around the number ("Libya
        428720", "Tunisian passport") or a note that starts with a country."""
        out: list[Identifier] = []
        for element in node.all("INDIVIDUAL_DOCUMENT"):
            part = _Node(element)
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
            country = self.country(issuer)
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
                issue_date=_iso_partial(issued) if issued else facts.issue_date,
                expiry_date=facts.expiry_date,
                authority=facts.authority,
                place=part.text("CITY_OF_ISSUE") or facts.place,
                note=note,
                invalid=facts.invalid or bool(prose and INVALID.search(prose.before)),
            )
            if identifier not in out:
                out.append(identifier)
        return out

    def alias_documents(self, node: _Node, known: list[Identifier]) -> list[Identifier]:
        """Documents written only in an alias NOTE ("Passport No. 284158, expires 21 August
        2005 (Iraq)", "Mali ID Number 073/SPICRE"), noted as found there; a number the
        entry already carries is not repeated."""
        seen = {match_form(i) for i in known}
        out: list[Identifier] = []
        for element in node.all("INDIVIDUAL_ALIAS"):
            alias = _Node(element)
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


#: One or more names in an alias field: "Abdul Rehman; Abd Ur-Rehman", "أبو بكر البغدادي
#: (Abu Bakr al-Baghdadi; ...)", "Agha Jan Alizai اغا جان عالیزی", "Mohammed Sabet b) M.
#: Javad Kareemi Sabet", "Abubakar (original script: Абубакар)".
_ENUMERATOR = re.compile(r"\s+[a-z]\)\s+")
_SCRIPT_MARK = re.compile(r"^\s*original script\s*:\s*|\s*\(original script\)\s*$", re.I)
_SUB_UNIT = re.compile(r"\s+-\s+sub-unit name$", re.IGNORECASE)
#: Words that make a note part prose, not a name.
_PROSE = re.compile(
    r"\b(?:born|listed|passport|nationality|known|script|issued|expire[sd]?|number|DOB|POB|"
    r"son of|call sign|nom de guerre|combat name|initials|when|appears|the american|"
    r"the moroccan)\b",
    re.IGNORECASE,
)
_MAX_NAME_WORDS = 10
_SON_OF = re.compile(r"\s+(?:son|daughter) of\s+", re.IGNORECASE)


def _top_level(text: str, sep: str = ";") -> list[str]:
    """``text`` split on ``sep`` outside parentheses."""
    parts, depth, start = [], 0, 0
    for at, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(depth - 1, 0)
        elif ch == sep and depth == 0:
            parts.append(text[start:at])
            start = at + 1
    parts.append(text[start:])
    return parts


def _last_group(text: str) -> tuple[str, str] | None:
    """``("X", "Y")`` of a text ending in a balanced group ``X (Y)``, else ``None``."""
    body = text.rstrip(" ,;.")
    if not body.endswith(")"):
        return None
    depth = 0
    for at in range(len(body) - 1, -1, -1):
        if body[at] == ")":
            depth += 1
        elif body[at] == "(":
            depth -= 1
            if depth == 0:
                return body[:at].strip(), body[at + 1 : -1].strip()
    return None


def _script_runs(text: str) -> list[str]:
    """A name written in two scripts without a separator ("Agha Jan Alizai اغا جان
    عالیزی") as its Latin and its non-Latin run; other names whole."""
    words = text.split()
    if len(words) < 2 or not non_latin(text) or text.isascii():
        return [text]
    runs: list[list[str]] = []
    for word in words:
        script = non_latin(word)
        if runs and non_latin(runs[-1][0]) == script:
            runs[-1].append(word)
        else:
            runs.append([word])
    return [" ".join(r) for r in runs]


def alias_names(text: str) -> list[str]:
    """The names of one UN ``ALIAS_NAME``: names separated by ";" (or "b)") are each a
    name, a name in one script followed by its spelling in another in parentheses is two
    (the parentheses may hold several, ";"-separated), a Latin and a non-Latin run
    written side by side are two; "original script" marks, "- sub-unit name" and trailing
    punctuation are dropped; "X son of Y" also gives X. A name with an acronym in
    parentheses ("Lord's Resistance Movement (LRM)") stays whole."""
    out: list[str] = []
    group = _last_group(text)
    if (
        group
        and group[0]
        and (
            ";" in group[1]
            or non_latin(group[0]) != non_latin(group[1])
            or _SCRIPT_MARK.search(group[1])
        )
    ):
        pieces = [group[0], *_top_level(group[1])]
    else:
        pieces = [text]
    for piece in pieces:
        for part in _top_level(piece):
            for each in _ENUMERATOR.split(part):
                one = _SUB_UNIT.sub("", _SCRIPT_MARK.sub("", each)).strip(" ,;.")
                for run in _script_runs(one):
                    if run.strip(" ,;."):
                        out.append(run.strip(" ,;."))
                        # "Akhter Mohmad son of Noor Mohmad": the name without the
                        # father's is a name too.
                        own = _SON_OF.split(run)[0].strip(" ,;.")
                        if own != run.strip(" ,;.") and own:
                            out.append(own)
    return list(dict.fromkeys(out))


def _name_like(part: str) -> bool:
    words = part.split()
    return (
        0 < len(words) <= _MAX_NAME_WORDS
        and not any(ch.isdigit() for ch in part)
        and not _PROSE.search(part)
        and (part[:1].isupper() or part[:1] in "‘'’")
    )


def note_names(note: str, of_script: bool) -> list[str]:
    """Names an alias ``NOTE`` spells out: a group in parentheses of ";"-separated names
    ("(Abu Du'a; Abu Duaa') prominently known by this nom de guerre", "born in 1971 in
    Samarra, Iraq (Ibrahim 'Awad Ibrahim al-Badri; ...)"), or, for a non-Latin alias, a
    note that is a list of names ("Abdul Rehman Sindhi; Abdul Rehman al-Sindhi"; its
    transliterations). Prose ("born in 1976", "previously listed as", "Call sign") is no
    name."""
    out: list[str] = []
    for found in re.finditer(r"\(([^()]+)\)", note):
        parts = [p.strip(" ,.") for p in found.group(1).split(";")]
        if (len(parts) > 1 or of_script) and all(_name_like(p) for p in parts):
            out += parts
    if of_script and not out:
        parts = [p.strip(" ,.") for p in note.split(";")]
        if all(_name_like(p) for p in parts):
            out += parts
    return out


#: An original-script spelling written in a note: "In Arabic: سيف العدل", "original script:
#: Абу Банат", "in Arabic script: شركة الكوثر", a document's "name in Arabic script: ...".
_NOTE_SCRIPT = re.compile(
    r"(?:in\s+(arabic)(?:\s+script)?|original\s+script)\s*:\s*([^;:()\n]+?)\s*(?=[;()]|$)",
    re.IGNORECASE,
)
_SCRIPT_TAGS = (("Arab", 0x0600, 0x06FF), ("Cyrl", 0x0400, 0x04FF))


def _note_scripts(note: str | None) -> list[Alias]:
    """The non-Latin names a note writes after "In Arabic:" or "original script:", as
    ``original-script`` aliases. ``lang`` is a BCP 47 tag: ``ar`` when the note names
    Arabic, else ``und-<script>`` (language not stated; script Arabic or Cyrillic as the
    letters show)."""
    if not note:
        return []
    out: list[Alias] = []
    for found in _NOTE_SCRIPT.finditer(" ".join(note.split())):
        text = found.group(2).strip(" .,")
        if not non_latin(text):
            continue
        lang: str | None = "ar"
        if not found.group(1):
            scripts = [t for t, lo, hi in _SCRIPT_TAGS if any(lo <= ord(c) <= hi for c in text)]
            lang = f"und-{scripts[0]}" if scripts else None
        out.append(Alias(text, kind="original-script", lang=lang))
    return out


def _published_dates(node: _Node) -> str | None:
    """A birth date as the UN writes it: ``DATE``, ``YEAR`` or ``FROM_YEAR to TO_YEAR``."""
    first, last = node.text("FROM_YEAR"), node.text("TO_YEAR")
    if first and last:
        return f"{first} to {last}"
    return node.text("DATE") or node.text("YEAR")


def _iso_partial(value: str) -> str | None:
    """``1958-02-22`` (zone suffix dropped), ``1958-02`` or ``1958``; else ``None``."""
    text = value.strip()
    if _ISO_DAY.match(text):
        try:
            return date.fromisoformat(text[:10]).isoformat()
        except ValueError:
            return None
    if re.match(r"^\d{4}(-\d{2})?$", text):
        return text
    return None
