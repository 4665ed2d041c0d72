"""OFAC's classic ``sdnList`` XML: SDN.XML and the consolidated (non-SDN) consolidated.xml.

Both files follow the schema ``http://tempuri.org/sdnList.xsd`` (default namespace)::

    <sdnList>
      <publshInformation>             (sic: OFAC's own typo, kept in every release)
        <Publish_Date>04/06/2018</Publish_Date>     (MM/DD/YYYY)
        <Record_Count>639</Record_Count>
      </publshInformation>
      <sdnEntry>
        <uid/> <firstName/>? <lastName/> <title/>? <sdnType/> <remarks/>?
        <programList><program/>*</programList>
        <idList><id><uid/><idType/><idNumber/><idCountry/>?<issueDate/>?<expirationDate/>?</id>*
        <akaList><aka><uid/><type/><category/><lastName/><firstName/>?</aka>*
        <addressList><address><uid/><address1/>..<address3/><city/><stateOrProvince/>
                              <postalCode/><country/></address>*
        <nationalityList>/<citizenshipList> <.../country/>
        <dateOfBirthList><dateOfBirthItem><dateOfBirth/>   ("10 Dec 1948", "1962", "circa 1951")
        <placeOfBirthList><placeOfBirthItem><placeOfBirth/>
        <vesselInfo><callSign/><vesselType/><vesselFlag/><vesselOwner/><tonnage/>
                    <grossRegisteredTonnage/></vesselInfo>
      </sdnEntry>*
    </sdnList>

Mapping to :class:`~exportguard.core.entities.ListEntry` (aligned with the legacy CSV so
one record looks the same whichever OFAC format it came from):

- ``id`` is ``"<source>:<uid>"``; the uid is the CSV ``ent_num`` and the Enhanced XML
  entity id. ``published`` is ``Publish_Date``; ``Record_Count`` must equal the number of
  ``sdnEntry`` elements (a cheap integrity check against cut or edited files).
- source: the file name decides (``SDN.XML`` / a name containing "sdn" -> ``us_ofac_sdn``;
  ``consolidated.xml`` / a name containing "cons" -> ``us_ofac_cons``). When the name says
  neither, the content decides: programs that exist only on OFAC's non-SDN lists (``NS-*``
  such as NS-PLC, ``FSE-*``, ``561List``, ``CMIC-*``, ``CAPTA``) make it the consolidated
  list, otherwise it is taken as the SDN list (a warning records the guess).
- type: ``Individual`` -> person, ``Entity`` -> organization, ``Vessel``, ``Aircraft``.
- names: a person's name is built "firstName lastName"; other entries keep OFAC's
  "lastName, firstName" form. ``akaList`` gives the aliases: ``type`` a.k.a./f.k.a./n.k.a.
  -> kind aka/fka/nka, ``category`` strong/weak -> :class:`AliasQuality`.
- ``idList``: document and registration numbers (passport, registration ID, IMO, MMSI,
  SWIFT/BIC, digital currency addresses, ...) become identifiers (with ``idCountry`` as
  ISO code); informational items (Website, Email Address, "Additional Sanctions
  Information -", "Secondary sanctions risk:", directive determinations, ...) go into
  ``remarks`` as "type value", the way the CSV prints them; ``Nationality of
  Registration`` is a country.
- ``countries``: nationalities, citizenships, address countries and the vessel flag;
  nationalities and citizenships also kept apart (``nationalities``, ``citizenships``).
- dates of birth as ISO partial dates (a range as its years), places of birth as written.
- the vessel call sign is an identifier; title and vessel type/flag/owner/tonnage open
  the remarks. ``url`` is the record's page on OFAC's sanctions search.

Bad input (SourceFormatError with file, element line and field): not XML or a DOCTYPE
(refused by :func:`~exportguard.sources._common.parse_xml`), another root element, an
entry without uid or lastName, a non-numeric or repeated uid, an unreadable Publish_Date,
a Record_Count that disagrees with the entries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from lxml import etree

from exportguard.core.entities import ListEntry
from exportguard.core.snapshots import ParsedList, SourceFile
from exportguard.errors import SourceFormatError
from exportguard.sources import _ofac
from exportguard.sources._common import by_tag, clean, local, parse_date, parse_xml
from exportguard.sources._ofac_xml_fields import grandchildren, to_entry

NAME = "ofac_sdn_xml"

_NAMESPACE = b"tempuri.org/sdnList.xsd"

#: Program codes that only OFAC's non-SDN lists use (prefixes).
_NON_SDN_PROGRAMS = ("NS-", "FSE-", "561LIST", "CMIC", "CAPTA")


def sniff(file: SourceFile) -> bool:
    """The classic OFAC XML: an ``sdnList`` root in the sdnList.xsd namespace."""
    head = file.head()
    return b"<sdnList" in head and (_NAMESPACE in head or b"<publshInformation" in head)


def _source(file: SourceFile, programs: set[str], warnings: list[str]) -> str:
    name = _ofac.file_name(file.name).lower()
    if "cons" in name:
        return _ofac.CONS_SOURCE
    if "sdn" in name:
        return _ofac.SDN_SOURCE
    non_sdn = sorted(p for p in programs if p.upper().startswith(_NON_SDN_PROGRAMS))
    if non_sdn:
        warnings.append(
            f"{file.name}: the file name does not say which OFAC list this is; taken as the "
            f"consolidated (non-SDN) list because of non-SDN programs ({', '.join(non_sdn[:3])})"
        )
        return _ofac.CONS_SOURCE
    warnings.append(
        f"{file.name}: the file name does not say which OFAC list this is; taken as the SDN "
        "list (no non-SDN program found)"
    )
    return _ofac.SDN_SOURCE


@dataclass(slots=True)
class _Header:
    published: date | None = None
    record_count: int | None = None
    count_line: int | None = None


def _header(file: SourceFile, root: etree._Element, warnings: list[str]) -> _Header:
    """``publshInformation``: the publication date and the declared record count."""
    header = _Header()
    info = next(
        (
            c
            for c in root
            if isinstance(c.tag, str)
            and local(c.tag) in ("publshInformation", "publishInformation")
        ),
        None,
    )
    kids = by_tag(info) if info is not None else {}
    if "Record_Count" in kids:
        element = kids["Record_Count"][0]
        text = clean(element.text) or ""
        if not text.isdigit():
            raise SourceFormatError(
                f"Record_Count must be a whole number, found {text!r}",
                file=file.name,
                line=_ofac.line_of(element),
                field="Record_Count",
            )
        header.record_count, header.count_line = int(text), _ofac.line_of(element)
    if "Publish_Date" not in kids:
        warnings.append(f"{file.name}: no publshInformation/Publish_Date; no publication date")
        return header
    element = kids["Publish_Date"][0]
    try:
        header.published = parse_date(element.text, ("%m/%d/%Y",))
    except ValueError as exc:
        raise SourceFormatError(
            f"unreadable publication date: {exc} (expected MM/DD/YYYY)",
            file=file.name,
            line=_ofac.line_of(element),
            field="Publish_Date",
        ) from exc
    return header


def parse(files: Sequence[SourceFile]) -> ParsedList:
    """Parse one SDN.XML or consolidated.xml file."""
    if len(files) != 1:
        raise SourceFormatError(f"expected one sdnList XML file, got {len(files)}")
    file = files[0]
    root = parse_xml(file, "sdnList", "OFAC sdnList.xsd")
    warnings: list[str] = []
    header = _header(file, root, warnings)
    raw = [
        (element, by_tag(element))
        for element in root
        if isinstance(element.tag, str) and local(element.tag) == "sdnEntry"
    ]
    if header.record_count is not None and header.record_count != len(raw):
        raise SourceFormatError(
            f"Record_Count says {header.record_count} entries but the file has {len(raw)} "
            "(cut or edited file?)",
            file=file.name,
            line=header.count_line,
            field="Record_Count",
        )
    if not raw:
        raise SourceFormatError("the file has no sdnEntry elements", file=file.name)
    programs = {
        p
        for _, kids in raw
        for e in grandchildren(kids, "programList", "program")
        if (p := clean(e.text))
    }
    source = _source(file, programs, warnings)

    entries: list[ListEntry] = []
    seen: dict[str, int | None] = {}
    unread: list[str] = []
    for element, kids in raw:
        entry = to_entry(file, source, element, kids, unread, warnings)
        if entry.id in seen:
            raise SourceFormatError(
                f"duplicate uid {entry.id.split(':', 1)[1]} (first on line {seen[entry.id]})",
                file=file.name,
                line=_ofac.line_of(element),
                field="uid",
            )
        seen[entry.id] = _ofac.line_of(element)
        entries.append(entry)
    if unread:
        warnings.append(
            f"{file.name}: {len(unread)} dates of birth could not be read "
            f"({'; '.join(repr(u) for u in unread[:3])})"
        )
    return ParsedList(
        source=source,
        format=NAME,
        entries=tuple(entries),
        published=header.published,
        counts={"entries": len(entries), "names": sum(1 + len(e.aliases) for e in entries)},
        warnings=tuple(warnings),
    )
