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

This module reads the file and maps each record; the names in alias fields and notes are
read by :mod:`~exportguard.sources._un_names`, the documents by
:mod:`~exportguard.sources._un_documents`, a record's children and its date forms by
:mod:`~exportguard.sources._un_record`.
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
    ListEntry,
)
from exportguard.core.identifiers import make_identifier
from exportguard.core.snapshots import ParsedList, SourceFile
from exportguard.errors import SourceFormatError
from exportguard.sources._common import (
    check_unique_ids,
    children,
    clean,
    non_latin,
    only_file,
    parse_xml,
)
from exportguard.sources._documents import country_in
from exportguard.sources._un_documents import alias_documents, documents
from exportguard.sources._un_names import alias_names, note_names, note_scripts
from exportguard.sources._un_record import ISO_DAY, Node, birth_date, iso_partial, published_dates

NAME = "un_sc_xml"
SOURCE = "un_sc"
LIST_NAME = "UN Security Council Consolidated List"

_QUALITY = {
    "good": (AliasQuality.STRONG, "aka"),
    "a.k.a.": (AliasQuality.STRONG, "aka"),
    "low": (AliasQuality.WEAK, "aka"),
    "f.k.a.": (AliasQuality.STRONG, "fka"),
}
_IMO = re.compile(r"IMO\s+(?:number|no\.?)\s*:?\s*(\d{7})", re.IGNORECASE)
_NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")


def sniff(file: SourceFile) -> bool:
    """The ``CONSOLIDATED_LIST`` root element of the UN XML."""
    head = file.head()
    return b"<CONSOLIDATED_LIST" in head and (b"<INDIVIDUALS" in head or b"<ENTITIES" in head)


def parse(files: Sequence[SourceFile]) -> ParsedList:
    """Parse one UN consolidated list XML file."""
    return _Parser(only_file(files, NAME)).run()


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
        top = Node(root)
        individuals, entities = top.first("INDIVIDUALS"), top.first("ENTITIES")
        if individuals is None and entities is None:
            self.error("neither <INDIVIDUALS> nor <ENTITIES> is present", root, "INDIVIDUALS")
        records: list[tuple[etree._Element, bool]] = []
        if individuals is not None:
            records += [(e, True) for e in children(individuals, "INDIVIDUAL")]
        if entities is not None:
            records += [(e, False) for e in children(entities, "ENTITY")]
        entries = [self.entry(Node(element), person) for element, person in records]
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
        if ISO_DAY.match(text):
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

    def entry(self, node: Node, person: bool) -> ListEntry:
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
            identifiers += documents(node, self.country)
            identifiers += alias_documents(node, identifiers)
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

    def native_id(self, node: Node) -> str:
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

    def listed_on(self, node: Node) -> date:
        found = node.first("LISTED_ON")
        value = clean(found.text) if found is not None else None
        where = found if found is not None else node.element
        if not value:
            self.error("the listing date is missing", where, "LISTED_ON")
        if ISO_DAY.match(value):
            try:
                return date.fromisoformat(value[:10])
            except ValueError:
                pass
        self.error(f"unparsable date {value!r} (expected YYYY-MM-DD)", where, "LISTED_ON")

    def aliases(
        self,
        node: Node,
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
            alias = Node(element)
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
            for script in note_scripts(note):
                if script.name != name:
                    out.setdefault((script.name, "original-script"), script)
            born = alias.text("DATE_OF_BIRTH")
            if born:
                iso = iso_partial(born)
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
                for script in note_scripts(Node(element).text("NOTE")):
                    if script.name != name:
                        out.setdefault((script.name, "original-script"), script)
        return list(out.values())

    def addresses(self, node: Node, tag: str) -> list[Address]:
        out: list[Address] = []
        for element in node.all(tag):
            part = Node(element)
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
        node: Node,
        birth_dates: list[str],
        birth_places: list[str],
        remarks: list[str],
        notes: list[str],
        place_notes: list[str],
    ) -> None:
        for element in node.all("INDIVIDUAL_DATE_OF_BIRTH"):
            part = Node(element)
            found = birth_date(part, self.warnings)
            birth_dates.extend(found)
            note = part.text("NOTE")
            if note and not found:
                remarks.append(f"Date of birth: {note}")
            approximate = (part.text("TYPE_OF_DATE") or "").upper() == "APPROXIMATELY"
            said = [w for w in ("approximately" if approximate else None, note) if w]
            if said and (found or approximate):
                notes.append(f"{published_dates(part) or 'undated'}: {'; '.join(said)}")
        for element in node.all("INDIVIDUAL_PLACE_OF_BIRTH"):
            part = Node(element)
            place = part.join(("STREET", "CITY", "STATE_PROVINCE", "COUNTRY"))
            note = part.text("NOTE")
            if place and note:
                place_notes.append(f"Place of birth {place}: {' '.join(note.split())}")
            place = place or note
            if place:
                birth_places.append(place)
