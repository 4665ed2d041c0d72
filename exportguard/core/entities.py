"""The entity model every official list is parsed into.

One ``ListEntry`` is one listed party as its list publishes it, with its ``Alias``,
``Address`` and ``Identifier`` records. Parsers (``exportguard.sources``) produce them in a
``ParsedList``; the store keeps them per ``Snapshot`` (both in :mod:`exportguard.core.snapshots`);
the index and matcher read them. All classes are frozen slots dataclasses: cheap, hashable,
safe to share between threads.

Dates are ``datetime.date``; partial birth dates are ISO strings ("1970", "1970-05",
"1970-05-02") because lists often publish only a year or a range.
"""

from __future__ import annotations

import dataclasses
import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from exportguard.core.json_fields import (
    choice,
    flag,
    objects,
    opt_date,
    opt_text,
    text,
    texts,
)


class EntityType(enum.StrEnum):
    """What kind of party an entry describes."""

    PERSON = "person"
    ORGANIZATION = "organization"
    VESSEL = "vessel"
    AIRCRAFT = "aircraft"
    UNKNOWN = "unknown"


class AliasQuality(enum.StrEnum):
    """How much a list trusts an alias: OFAC and the UN mark some a.k.a.s "weak"/"low"."""

    STRONG = "strong"
    WEAK = "weak"


@dataclass(frozen=True, slots=True)
class Alias:
    """Another name of an entry.

    ``kind`` says where the name comes from: ``aka`` (also known as), ``fka`` (formerly
    known as), ``nka`` (now known as), ``original-script`` (the list's own non-Latin
    spelling), ``translation`` or ``other``.
    """

    name: str
    quality: AliasQuality = AliasQuality.STRONG
    kind: str = "aka"
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class Address:
    """A postal address as published; ``country`` is ISO 3166-1 alpha-2 when known.

    ``note`` is what the list says of the address ("believed status/location: deceased",
    "previous address", the EU's address remark); it is written to the stored row only
    when set, so rows stored before it existed keep their digest.
    """

    full: str
    street: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None
    note: str | None = None

    def to_dict(self) -> dict[str, object]:
        """Every field; ``note`` only when set."""
        out: dict[str, object] = {
            "full": self.full, "street": self.street, "city": self.city,
            "region": self.region, "postal_code": self.postal_code, "country": self.country,
        }  # fmt: skip
        if self.note:
            out["note"] = self.note
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Address:
        """Inverse of :meth:`to_dict`; missing keys take their defaults, unknown keys are
        ignored. ``InvalidInput`` names a field missing (``full``) or not a string."""
        return _address(data, "")


class IdentifierKind(enum.StrEnum):
    """The one vocabulary of identifier kinds every parser maps its labels onto (the
    list's own label stays in :attr:`Identifier.label`; the mapping is
    :func:`exportguard.core.identifiers.identifier_kind`)."""

    PASSPORT = "passport"  # passports of every sort: diplomatic, service, travel documents
    NATIONAL_ID = "national_id"  # identity cards and personal numbers (SSN, CURP, DNI, ...)
    TAX_ID = "tax_id"  # tax and fiscal numbers (INN, RFC, NIT, Italian fiscal code, VAT)
    REGISTRATION = "registration"  # company and other registers (OGRN, company number ...)
    LEI = "lei"  # ISO 17442 Legal Entity Identifier
    SWIFT_BIC = "swift_bic"  # ISO 9362 bank identifier code
    IMO = "imo"  # IMO ship or company number: seven digits
    MMSI = "mmsi"  # Maritime Mobile Service Identity: nine digits
    VESSEL_CALL_SIGN = "vessel_call_sign"
    AIRCRAFT_SERIAL = "aircraft_serial"  # manufacturer's serial / construction number
    AIRCRAFT_TAIL = "aircraft_tail"  # registration mark (tail number)
    CRYPTO_ADDRESS = "crypto_address"  # a digital currency address
    LICENCE = "licence"  # driving, pilot, bank or trade licence numbers and permits
    LIST_ID = "list_id"  # another list's own reference for the party (OFSI group ID ...)
    OTHER = "other"  # an identifying number of no kind above (ISIN, D-U-N-S, file number)
    FACT = "fact"  # published among identifiers but no identifier (gender, website): kept,
    # never compared


@dataclass(frozen=True, slots=True)
class Identifier:
    """A document or registration number (passport, national ID, IMO, tax number, ...).

    ``kind`` is an :class:`IdentifierKind` value (rows stored before it existed carry the
    list's label there instead; both compare the same way); ``label`` the list's own label
    ("Vessel Registration Identification", "Italian Fiscal Code"). ``value`` is the number
    as the list publishes it, without the kind label and the dates written around it
    ("IMO 9369710" -> "9369710"; the CSL's "2012-03-02, C01190809" -> "C01190809");
    ``published`` the whole published text when it said more than ``value``. The form
    compared when screening is :func:`exportguard.core.identifiers.match_form`.

    ``country`` is the issuing country (ISO 3166-1 alpha-2); ``issue_date``,
    ``expiry_date`` ISO (partial) dates; ``stated_date`` a date the list gives without
    saying whether it is of issue or expiry (the CSL, for a document with one date);
    ``authority`` the issuing authority, ``place`` the place of issue; ``note`` what the
    list says of the document ("fraudulently obtained", "issued under name ...");
    ``known_expired`` the EU's flag, ``invalid`` a list's mark that the document is not
    (or no longer) valid (OFAC's ``isValid`` false, "revoked", "cancelled").
    """

    kind: str
    value: str
    country: str | None = None
    label: str | None = None
    published: str | None = None
    issue_date: str | None = None
    expiry_date: str | None = None
    stated_date: str | None = None
    authority: str | None = None
    place: str | None = None
    note: str | None = None
    known_expired: bool = False
    invalid: bool = False

    def to_dict(self) -> dict[str, object]:
        """``kind``, ``value`` and ``country`` always, every other field only when set (a
        row stored before those fields existed serialises as it did: same digest)."""
        out: dict[str, object] = {"kind": self.kind, "value": self.value, "country": self.country}
        for name in _IDENTIFIER_OPTIONAL:
            got = getattr(self, name)
            if got:
                out[name] = got
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Identifier:
        """Inverse of :meth:`to_dict`; missing optional keys take their defaults, unknown
        keys are ignored. ``InvalidInput`` names a field missing (``kind``, ``value``) or
        of another type (strings; ``known_expired`` and ``invalid`` booleans)."""
        return _identifier(data, "")


_IDENTIFIER_OPTIONAL = (
    "label", "published", "issue_date", "expiry_date", "stated_date", "authority", "place",
    "note", "known_expired", "invalid",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ListEntry:
    """One listed party, normalised across every list format.

    ``id`` is source-qualified and stable across snapshots of the same list
    (``us_ofac_sdn:36``, ``us_trade_csl:EL-...``) so two snapshots can be diffed.
    ``source`` is the list family (``us_ofac_sdn``); ``list_name`` the human name of the
    list the row is on, which for the CSL is the sub-list (``Entity List (EL) - Bureau of
    Industry and Security``).

    ``countries`` is every country the entry is tied to (the union the screening compares);
    the optional fields below keep apart what the list says of them and what it says
    besides, each written to the stored row only when non-empty (rows stored before they
    existed read and digest as before):

    * ``nationalities``, ``citizenships``, ``residences``: ISO 3166-1 alpha-2 codes as the
      list states them (an address's country stays on its :class:`Address`);
    * ``gender``, ``titles`` (honorific or office: "Minister of Defence", "Haji");
    * ``birth_date_notes``: qualifiers and notes of birth dates as published
      ("1960: approximately", "1965-07-01: from false passport");
    * ``citations``, ``listed_dates``, ``actions``: every distinct Federal Register
      citation, listing date (ISO) and action of the rows merged into the entry, when there
      are several (``citation`` and ``listed_from`` keep the first and the earliest);
    * ``contacts``: phone, fax, e-mail, website ("phone: +7 ...");
    * ``status``: a sanction status the list states ("active", "ended");
      ``dissolution_date``: an organisation's dissolution (ISO, maybe partial);
    * ``notes``: other published remarks with their label ("Identification remark: ...",
      "Sanction summary: ...").
    """

    id: str
    source: str
    list_name: str
    type: EntityType
    name: str
    aliases: tuple[Alias, ...] = ()
    programs: tuple[str, ...] = ()
    addresses: tuple[Address, ...] = ()
    countries: tuple[str, ...] = ()
    identifiers: tuple[Identifier, ...] = ()
    birth_dates: tuple[str, ...] = ()
    birth_places: tuple[str, ...] = ()
    listed_from: date | None = None
    listed_until: date | None = None
    citation: str | None = None
    licence_requirement: str | None = None
    licence_policy: str | None = None
    remarks: str | None = None
    url: str | None = None
    nationalities: tuple[str, ...] = ()
    citizenships: tuple[str, ...] = ()
    residences: tuple[str, ...] = ()
    gender: str | None = None
    titles: tuple[str, ...] = ()
    birth_date_notes: tuple[str, ...] = ()
    citations: tuple[str, ...] = ()
    listed_dates: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    contacts: tuple[str, ...] = ()
    status: str | None = None
    dissolution_date: str | None = None
    notes: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        """The primary name followed by every alias name, without duplicates."""
        seen: dict[str, None] = {self.name: None}
        for alias in self.aliases:
            seen.setdefault(alias.name, None)
        return tuple(seen)

    def in_force(self, on: date) -> bool:
        """Whether the listing applies on ``on`` (unknown start/end dates never exclude)."""
        if self.listed_from is not None and on < self.listed_from:
            return False
        return not (self.listed_until is not None and on > self.listed_until)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict (dates as ISO strings, enums as values), keys in field order;
        the optional fields (:data:`_ENTRY_OPTIONAL`) only when set, so a row stored before
        one existed serialises as it did (same digest).

        Written out field by field: ``dataclasses.asdict`` deep-copies every value and was
        most of an import's time (issue 12)."""
        out: dict[str, object] = {}
        for name in _ENTRY_FIELDS:
            value = getattr(self, name)
            if name in _ENTRY_OPTIONAL_SET and not value:
                continue
            if name == "aliases":
                value = [
                    {"name": a.name, "quality": str(a.quality), "kind": a.kind, "lang": a.lang}
                    for a in value
                ]
            elif name in ("identifiers", "addresses"):
                value = [v.to_dict() for v in value]
            elif isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, enum.StrEnum):
                value = str(value)  # its value (``Enum.value`` is a slow descriptor)
            elif isinstance(value, date):
                value = value.isoformat()
            out[name] = value
        return out

    def to_json(self) -> str:
        """:meth:`to_dict` as the store keeps it: compact JSON, non-ASCII as is."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> ListEntry:
        """Inverse of :meth:`to_dict`. ``InvalidInput`` names a field missing (``id``,
        ``source``, ``list_name``, ``type``, ``name``; an alias's ``name``, ``quality``,
        ``kind``) or of another type, by its path (``aliases[2].quality``)."""
        return cls(
            id=text(data, "id"),
            source=text(data, "source"),
            list_name=text(data, "list_name"),
            type=choice(data, "type", EntityType),
            name=text(data, "name"),
            aliases=tuple(_alias(a, at) for at, a in objects(data, "aliases")),
            programs=texts(data, "programs"),
            addresses=tuple(_address(a, at) for at, a in objects(data, "addresses")),
            countries=texts(data, "countries"),
            identifiers=tuple(_identifier(i, at) for at, i in objects(data, "identifiers")),
            birth_dates=texts(data, "birth_dates"),
            birth_places=texts(data, "birth_places"),
            listed_from=opt_date(data, "listed_from"),
            listed_until=opt_date(data, "listed_until"),
            citation=opt_text(data, "citation"),
            licence_requirement=opt_text(data, "licence_requirement"),
            licence_policy=opt_text(data, "licence_policy"),
            remarks=opt_text(data, "remarks"),
            url=opt_text(data, "url"),
            # the optional fields (:data:`_ENTRY_OPTIONAL`): an empty one is the default
            nationalities=texts(data, "nationalities"),
            citizenships=texts(data, "citizenships"),
            residences=texts(data, "residences"),
            gender=opt_text(data, "gender") or None,
            titles=texts(data, "titles"),
            birth_date_notes=texts(data, "birth_date_notes"),
            citations=texts(data, "citations"),
            listed_dates=texts(data, "listed_dates"),
            actions=texts(data, "actions"),
            contacts=texts(data, "contacts"),
            status=opt_text(data, "status") or None,
            dissolution_date=opt_text(data, "dissolution_date") or None,
            notes=texts(data, "notes"),
        )

    def details(self) -> list[tuple[str, str]]:
        """The optional facts above as (label, text) pairs for hit details, in a fixed
        order; addresses with a note come as ``("address", "<full> (<note>)")``. Codes are
        shown as stored (ISO alpha-2)."""
        out: list[tuple[str, str]] = []
        for label, value in (
            ("nationality", ", ".join(self.nationalities)),
            ("citizenship", ", ".join(self.citizenships)),
            ("residence", ", ".join(self.residences)),
            ("gender", self.gender or ""),
            ("title", "; ".join(self.titles)),
            ("sanction status", self.status or ""),
            ("dissolved", self.dissolution_date or ""),
            ("listing dates", ", ".join(self.listed_dates)),
        ):
            if value:
                out.append((label, value))
        out += [("date of birth", n) for n in self.birth_date_notes]
        out += [("citation", c) for c in self.citations]
        out += [("action", a) for a in self.actions]
        out += [("contact", c) for c in self.contacts]
        out += [("address", f"{a.full} ({a.note})") for a in self.addresses if a.note]
        out += [("note", n) for n in self.notes]
        return out


_ENTRY_OPTIONAL = (
    "nationalities", "citizenships", "residences", "gender", "titles", "birth_date_notes",
    "citations", "listed_dates", "actions", "contacts", "status", "dissolution_date", "notes",
)  # fmt: skip
_ENTRY_OPTIONAL_SET = frozenset(_ENTRY_OPTIONAL)
_ENTRY_FIELDS = tuple(f.name for f in dataclasses.fields(ListEntry))


def _alias(data: Mapping[str, object], where: str) -> Alias:
    """An alias as :meth:`ListEntry.to_dict` writes it, at ``where`` (``"aliases[0]."``)."""
    return Alias(
        text(data, "name", where), choice(data, "quality", AliasQuality, where),
        text(data, "kind", where), opt_text(data, "lang", where),
    )  # fmt: skip


def _address(data: Mapping[str, object], where: str) -> Address:
    """:meth:`Address.from_dict` of the object at ``where`` (``"addresses[1]."``)."""
    return Address(
        text(data, "full", where), opt_text(data, "street", where),
        opt_text(data, "city", where), opt_text(data, "region", where),
        opt_text(data, "postal_code", where), opt_text(data, "country", where),
        opt_text(data, "note", where),
    )  # fmt: skip


def _identifier(data: Mapping[str, object], where: str) -> Identifier:
    """:meth:`Identifier.from_dict` of the object at ``where`` (``"identifiers[0]."``)."""
    return Identifier(
        text(data, "kind", where), text(data, "value", where), opt_text(data, "country", where),
        label=opt_text(data, "label", where), published=opt_text(data, "published", where),
        issue_date=opt_text(data, "issue_date", where),
        expiry_date=opt_text(data, "expiry_date", where),
        stated_date=opt_text(data, "stated_date", where),
        authority=opt_text(data, "authority", where), place=opt_text(data, "place", where),
        note=opt_text(data, "note", where), known_expired=flag(data, "known_expired", where),
        invalid=flag(data, "invalid", where),
    )  # fmt: skip
