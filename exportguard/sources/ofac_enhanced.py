"""OFAC Sanctions List Service "Enhanced XML" (SDN_ENHANCED.XML, CONS_ENHANCED.XML).

The Sanctions List Service publishes each list as one XML file (also zipped) in the
namespace ``https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/
ENHANCED_XML``::

    <sanctionsData>
      <publicationInfo><dataAsOf>2025-01-10T00:00:00</dataAsOf>
        <filters><sanctionsLists><sanctionsList refId=..>Consolidated List</...>
      <referenceValues><referenceValue refId=".."><type>COUNTRY</type><value>Russia</value>
                       <isoCode>RU</isoCode></referenceValue>*    (a lookup table)
      <featureTypes><featureType featureTypeId=".."><type>Birthdate</type>
                    <detailType>DATE|TEXT|LOOKUP|COUNTRY</detailType></featureType>*
      <entities>
        <entity id="17013">
          <generalInfo><identityId/><entityType>Individual|Entity|Vessel|Aircraft</...>
                       <remarks/>?</generalInfo>
          <sanctionsLists><sanctionsList datePublished="2014-07-29">...</...>*
          <sanctionsPrograms>/<sanctionsTypes>/<legalAuthorities>
          <names><name id=".."><isPrimary/><aliasType>A.K.A.|F.K.A.|N.K.A.</aliasType>?
                 <isLowQuality/><translations><translation><isPrimary/><script>Latin|..</script>
                 <formattedFirstName/>?<formattedLastName/><formattedFullName/>
                 <nameParts><namePart><type>Last Name|First Name|Entity Name|..</type>...
          <addresses><address><country refId/>?<translations><translation><addressParts>
                     <addressPart><type>ADDRESS1|CITY|STATE/PROVINCE|POSTAL CODE|REGION|..
          <features><feature><type featureTypeId/><value/><valueRefId/>?<valueDate/>?
          <identityDocuments><identityDocument><type/><documentNumber/><issuingCountry refId/>
          <relationships><relationship><type/><relatedEntity entityId="..">NAME</...>
        </entity>*
      </entities>
    </sanctionsData>

Values point into ``referenceValues``/``featureTypes`` by id; the parser resolves them (a
country's ISO code comes from its reference value's ``isoCode``, else from
:func:`~exportguard.core.countries.to_code` on the name).

Quirks of the real file (CONS_ENHANCED.XML of 2025-01-10): ``formattedFullName`` is
upper-cased ("VTB BANK PAO") while ``nameParts`` keep mixed case ("VTB Bank PAO"); the
formatted forms are used, as they match the CSV. Address translations without parts are
common (skipped when there is no country either). A REGION part without a country
("Gaza") is what the CSV prints as the country "Region: Gaza". A few document numbers
carry their country in the text ("1026303117642 (Russia)"); it is split off. Entities
that are also on the SDN list (VTB: SSI 2014, SDN 2022) stay in the consolidated file
and keep its source.

Mapping to :class:`~exportguard.core.entities.ListEntry`, aligned with the legacy CSV and
the classic XML so the three OFAC formats agree on one record:

- ``id`` is ``"<source>:<entity id>"``: the entity id is the CSV ``ent_num`` and the XML
  ``uid``. ``published`` is ``dataAsOf``.
- source: the publication filter decides ("Consolidated List" -> ``us_ofac_cons``, "SDN
  List" -> ``us_ofac_sdn``); without one, the file name (CONS_ENHANCED / SDN_ENHANCED).
- name: the primary name's primary translation (Latin); for a person "first last" from
  ``formattedFirstName``/``formattedLastName``, else ``formattedFullName``. Every other
  name is an alias (kind from ``aliasType``; ``isLowQuality`` -> weak). Translations in
  other scripts (Cyrillic, Arabic, Chinese, ...) of any name are aliases of kind
  ``original-script``.
- features: Birthdate -> ``birth_dates`` (ISO partial, ranges as years), Place of Birth ->
  ``birth_places``, Nationality/Citizenship Country, Nationality of Registration and
  Vessel Flag -> ``countries`` (Nationality Country also in ``nationalities``,
  Citizenship Country in ``citizenships``); identifying features (SWIFT/BIC, BIK, ISIN, Vessel Call
  Sign, digital currency addresses) -> identifiers; the rest ("Secondary sanctions risk:",
  directives, Website, Target Type, ...) go into ``remarks`` as "type value", after the
  entity's own remarks and followed by its relationships ("Owned or Controlled By: X").
- ``identityDocuments`` -> identifiers (type, number, issuing country ISO code).
- addresses: every translation of an address becomes an :class:`Address` with street
  (ADDRESS1-3), city, region (STATE/PROVINCE or REGION), postal code and country; ``full``
  is composed like the CSV's address ("street, City, State Postal, Country").
- ``programs`` from ``sanctionsPrograms``; ``citation`` is the legal authorities
  (e.g. "Executive Order 14024 (Russia)"); ``listed_from`` is the earliest
  ``datePublished`` of the entity's lists. ``url`` is the record's OFAC search page.

Bad input (SourceFormatError with file, element line and field): not XML or a DOCTYPE,
another root element, an entity without a numeric id or without any name, a repeated
entity id, an unreadable ``dataAsOf`` or ``datePublished``, a file that says neither by
filter nor by name which list it is. A zip archive given to :func:`parse` is opened with
:func:`~exportguard.sources._common.unzip` and its one XML member parsed.
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from exportguard.core.entities import ListEntry
from exportguard.core.snapshots import ParsedList, SourceFile
from exportguard.errors import SourceFormatError
from exportguard.sources import _ofac
from exportguard.sources._common import child, children, local, parse_xml, unzip
from exportguard.sources._ofac_enhanced_fields import Refs, read_date, to_entry

NAME = "ofac_enhanced_xml"

_NAMESPACE = b"sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML"


def sniff(file: SourceFile) -> bool:
    """The Enhanced XML: a ``sanctionsData`` root in the ENHANCED_XML namespace."""
    head = file.head()
    return b"<sanctionsData" in head and _NAMESPACE in head


def _open(files: Sequence[SourceFile]) -> SourceFile:
    if len(files) != 1:
        raise SourceFormatError(f"expected one Enhanced XML file, got {len(files)}")
    file = files[0]
    if file.data[:4] != b"PK\x03\x04":
        return file
    members = [m for m in unzip(file) if _ofac.file_name(m.name).lower().endswith(".xml")]
    if len(members) != 1:
        raise SourceFormatError(
            f"expected one XML file in the archive, found {len(members)}", file=file.name
        )
    return members[0]


def _refs(root: etree._Element) -> Refs:
    refs = Refs()
    holder = child(root, "referenceValues")
    if holder is not None:
        for value in holder:
            if not isinstance(value.tag, str):
                continue
            iso = child(value, "isoCode")
            ref = value.get("refId")
            if ref and iso is not None and iso.text and iso.text.strip():
                refs.iso[ref] = iso.text.strip()
    types = child(root, "featureTypes")
    if types is not None:
        for feature_type in types:
            if not isinstance(feature_type.tag, str):
                continue
            detail = child(feature_type, "detailType")
            ref = feature_type.get("featureTypeId")
            if ref and detail is not None and detail.text:
                refs.feature_kinds[ref] = detail.text.strip().upper()
    return refs


def _source(file: SourceFile, root: etree._Element, info: etree._Element | None) -> str:
    if info is not None:
        for element in info.iter():
            if isinstance(element.tag, str) and local(element.tag) == "sanctionsList":
                text = (element.text or "").strip().lower()
                if text == "consolidated list":
                    return _ofac.CONS_SOURCE
                if text == "sdn list":
                    return _ofac.SDN_SOURCE
    name = _ofac.file_name(file.name).upper()
    if "CONS" in name:
        return _ofac.CONS_SOURCE
    if "SDN" in name:
        return _ofac.SDN_SOURCE
    raise SourceFormatError(
        "cannot tell which OFAC list this is: the publication filter names neither the SDN "
        "nor the Consolidated List, and the file name says neither SDN nor CONS",
        file=file.name,
        line=_ofac.line_of(root),
        field="publicationInfo",
    )


def parse(files: Sequence[SourceFile]) -> ParsedList:
    """Parse one SDN_ENHANCED or CONS_ENHANCED XML file (or its zip)."""
    file = _open(files)
    root = parse_xml(file, "sanctionsData", "OFAC Enhanced XML")
    warnings: list[str] = []
    info = child(root, "publicationInfo")
    published = None
    as_of = child(info, "dataAsOf") if info is not None else None
    if as_of is None:
        warnings.append(f"{file.name}: no publicationInfo/dataAsOf; no publication date")
    else:
        published = read_date(file, as_of, as_of.text, "dataAsOf")
    source = _source(file, root, info)
    refs = _refs(root)
    holder = child(root, "entities")
    if holder is None:
        raise SourceFormatError(
            "no <entities> element (cut file?)",
            file=file.name,
            line=_ofac.line_of(root),
            field="entities",
        )
    entities = children(holder, "entity")
    if not entities:
        raise SourceFormatError(
            "the file has no entities", file=file.name, line=_ofac.line_of(holder), field="entity"
        )
    entries: list[ListEntry] = []
    seen: dict[str, int] = {}
    unread: list[str] = []
    counts = {"names": 0, "addresses": 0, "identifiers": 0}
    for element in entities:
        entry = to_entry(file, source, element, refs, unread, warnings)
        if entry.id in seen:
            raise SourceFormatError(
                f"duplicate entity id {entry.id.split(':', 1)[1]} (first on line {seen[entry.id]})",
                file=file.name,
                line=_ofac.line_of(element),
                field="id",
            )
        seen[entry.id] = _ofac.line_of(element) or 0
        counts["names"] += 1 + len(entry.aliases)
        counts["addresses"] += len(entry.addresses)
        counts["identifiers"] += len(entry.identifiers)
        entries.append(entry)
    if unread:
        warnings.append(
            f"{file.name}: {len(unread)} dates of birth could not be read and stay out of "
            f"birth_dates ({'; '.join(repr(u) for u in unread[:3])})"
        )
    return ParsedList(
        source=source,
        format=NAME,
        entries=tuple(entries),
        published=published,
        counts={"entries": len(entries), **counts},
        warnings=tuple(warnings),
    )
