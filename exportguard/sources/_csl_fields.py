"""The values of the CSL's cells (:class:`Fields`): aliases, addresses, the ``ids`` items
(identifiers, notes, contacts), countries, birth dates, dates and the type of an untyped
row, each cached per distinct cell (the 14k-row file repeats most of them).

The format, and what each column maps to, is described in :mod:`~exportguard.sources.csl`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import NoReturn

from exportguard.core import countries
from exportguard.core.entities import Address, Alias, AliasQuality, EntityType, Identifier
from exportguard.core.identifiers import make_identifier
from exportguard.core.snapshots import SourceFile
from exportguard.errors import SourceFormatError
from exportguard.sources._bis_dpl_names import embedded_aliases, looks_like_organization
from exportguard.sources._common import non_latin, year_range

#: The CSL's ``type`` words -> entity types.
TYPES = {
    "individual": EntityType.PERSON,
    "entity": EntityType.ORGANIZATION,
    "vessel": EntityType.VESSEL,
    "aircraft": EntityType.AIRCRAFT,
}
#: Sub-lists whose untyped rows are organisations.
_ORG_LISTS = frozenset({"EL", "UVL", "MEU"})
#: ``ids`` kinds that are contact details or the gender (kind casefolded -> label).
_CONTACT_KINDS = {
    "gender": "gender",
    "email address": "e-mail",
    "email": "e-mail",
    "website": "website",
    "phone number": "phone",
    "telephone": "phone",
    "fax": "fax",
}
_ALIAS_PREFIX = re.compile(r"(?i)^(?:([afn])\.\s?k\.\s?a\.?|formerly known as)[,:]?\s+")
_STRONG = AliasQuality.STRONG
_PREFIX_LETTERS = frozenset("aAfFnN")
_EMBED_HINT = re.compile(r"(?i)[afn][./] ?k[./] ?a|d[./] ?b[./] ?a")
_HAS_DIGIT = re.compile(r"\d")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_PARTIAL = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_YEAR_RANGE = re.compile(r"^(\d{4})\s*(?:to|-)\s*(\d{4})$")
_CIRCA = re.compile(r"(?i)^(?:circa|ca\.?|approx(?:imately|\.)?)\s+(\d{4}(?:-\d{2}){0,2})$")
_MAX_RANGE_YEARS = 10


def partial_dates(text: str) -> list[str] | None:
    """ISO (partial) dates of one birth-date item, or ``None`` if it is not understood."""
    if _ISO_PARTIAL.match(text):
        return [text] if _valid_partial(text) else None
    found = _CIRCA.match(text)
    if found:
        return [found.group(1)] if _valid_partial(found.group(1)) else None
    found = _YEAR_RANGE.match(text)
    if found:
        return year_range(int(found.group(1)), int(found.group(2)), _MAX_RANGE_YEARS)
    return None


def _valid_partial(text: str) -> bool:
    """Whether ``YYYY``/``YYYY-MM``/``YYYY-MM-DD`` names a real year, month or day."""
    if len(text) == 10:
        try:
            date.fromisoformat(text)
        except ValueError:
            return False
        return True
    return len(text) == 4 or 1 <= int(text[5:7]) <= 12


class Fields:
    """The cell mappers of one file (the CSL parser is one, through
    :class:`~exportguard.sources._csl_row.RowMapper`): the file, its warnings so far, its
    ``ids`` layout (``kind_first``, set once the rows are read) and a cache per kind of
    cell."""

    def __init__(self, file: SourceFile) -> None:
        self.file = file
        self.warnings: list[str] = []
        self.kind_first = True
        self.country_cache: dict[str, str | None] = {}
        self.list_cache: dict[str, str] = {}
        self.address_cache: dict[str, Address | None] = {}
        self.id_cache: dict[str, tuple[Identifier | None, str | None, str | None]] = {}
        self.codes_cache: dict[str, tuple[str, ...]] = {}
        self.split_cache: dict[str, tuple[str, ...]] = {}
        self.dob_cache: dict[str, tuple[str, ...]] = {}
        self.date_cache: dict[str, date] = {}

    def error(self, message: str, line: int | None = None, field: str | None = None) -> NoReturn:
        raise SourceFormatError(message, file=self.file.name, line=line, field=field)

    def entity_type(self, value: str, abbr: str, name: str, line: int) -> EntityType:
        if value:
            kind = TYPES.get(value.strip().lower())
            if kind is not None:
                return kind
            if value.strip():
                self.warnings.append(f"line {line}, field 'type': unknown type {value!r}")
                return EntityType.UNKNOWN
        if abbr in _ORG_LISTS:
            return EntityType.ORGANIZATION
        if looks_like_organization(name):
            return EntityType.ORGANIZATION
        return EntityType.PERSON if abbr == "DPL" else EntityType.UNKNOWN

    def aliases(self, name: str, cell: str) -> tuple[Alias, ...]:
        out: dict[str, Alias] = {}
        if cell:
            for raw in cell.split(";"):
                text = raw.strip()
                if not text:
                    continue
                if text[:4] == "and ":
                    text = text[4:].lstrip()
                kind = "aka"
                if text[:1] in _PREFIX_LETTERS and (found := _ALIAS_PREFIX.match(text)):
                    letter = (found.group(1) or "f").lower()
                    kind = {"f": "fka", "n": "nka"}.get(letter, "aka")
                    text = text[found.end() :]
                alias_name = " ".join(text.split())
                if not alias_name or alias_name == name or alias_name in out:
                    continue
                if not alias_name.isascii() and non_latin(alias_name) and kind == "aka":
                    kind = "original-script"
                out[alias_name] = Alias(alias_name, _STRONG, kind)
        if _EMBED_HINT.search(name):
            for alias in embedded_aliases(name):
                if alias.name != name:
                    out.setdefault(alias.name, alias)
        return tuple(out.values()) if out else ()

    def addresses(self, cell: str) -> tuple[Address, ...]:
        cache = self.address_cache
        items = cell.split("; ")
        if len(items) > 1:
            items = list(dict.fromkeys(items))
        out: list[Address] = []
        for item in items:
            address = cache.get(item)
            if address is None:
                address = cache[item] = self.address(item)
            if address is not None:
                out.append(address)
        if len(out) > 1:
            unique = {a.full: a for a in out}
            if len(unique) < len(out):
                return tuple(unique.values())
        return tuple(out)

    def address(self, item: str) -> Address | None:
        """One ``"; "`` item of ``addresses``: the text cleaned, the last part's country."""
        text = " ".join(item.split())
        if text[:4] == "and ":
            text = text[4:]
        if " ," in text or ",," in text or text[:1] == "," or text[-1:] == ",":
            text = ", ".join(p for p in (x.strip() for x in text.split(",")) if p)
        if not text:
            return None
        last = text.rpartition(", ")[2]
        code = None if _HAS_DIGIT.search(last) else self.country(last)
        return Address(text, None, None, None, None, code)

    def identifiers(self, cell: str, remarks: list[str], contacts: list[str]) -> list[Identifier]:
        """The identifiers of an ``ids`` cell; its notes are added to ``remarks``, its
        contacts and gender to ``contacts`` (the gender as ``"gender: <value>"``)."""
        cache = self.id_cache
        out: list[Identifier] = []
        for item in cell.split("; "):
            known = cache.get(item)
            if known is None:
                known = cache[item] = self.identifier(item)
            identifier, note, contact = known
            if identifier is not None:
                out.append(identifier)
            elif note is not None:
                remarks.append(note)
            elif contact is not None:
                contacts.append(contact)
        return out

    def identifier(self, item: str) -> tuple[Identifier | None, str | None, str | None]:
        """One ``ids`` item: an identifier, or a note for remarks, or a contact line
        (``"e-mail: x@example.org"``, ``"website: ..."``, ``"phone: ..."``,
        ``"gender: male"``), or none of these.

        2022 layout: ``[country, ][expiry date, ][issue date, ]number, kind`` (both dates:
        expiry first; one date: the CSL does not say which, kept as ``stated_date``).
        2025 layout: ``kind, number[, country][, date]``.
        """
        parts = [p for p in (x.strip() for x in item.split(", ")) if p]
        if not parts:
            return None, None, None
        country: str | None = None
        dates: list[str] = []
        rest: list[str]
        if len(parts) == 1:
            kind, rest = parts[0], []
        elif self.kind_first:
            kind, rest = parts[0], parts[1:]
            while len(rest) >= 2 and _ISO_DAY.match(rest[-1]):
                dates.insert(0, rest.pop())
            if len(rest) >= 2 and len(rest[-1]) == 2 and countries.is_code(rest[-1]):
                country = rest.pop()
        else:
            kind, rest = parts[-1], parts[:-1]
            if len(rest) >= 2 and len(rest[0]) == 2 and countries.is_code(rest[0]):
                country = rest.pop(0)
            while len(rest) >= 2 and len(dates) < 2 and _ISO_DAY.match(rest[0]):
                dates.append(rest.pop(0))
        value = " ".join(", ".join(rest).split())
        if kind.endswith((":", "-")):
            note = kind.rstrip(" :-")
            return None, (f"{note}: {value}" if value else note), None
        if not value:
            return None, None, None
        contact = _CONTACT_KINDS.get(kind.casefold())
        if contact is not None:
            if contact == "gender":
                value = value.casefold()
            return None, None, f"{contact}: {value}"
        expiry = issued = stated = None
        if len(dates) == 2:
            expiry, issued = dates
        elif dates:
            stated = dates[0]
        return (
            make_identifier(
                kind, value, country, issue_date=issued, expiry_date=expiry, stated_date=stated
            ),
            None,
            None,
        )

    def codes(self, cell: str) -> tuple[str, ...]:
        if not cell:
            return ()
        found = self.codes_cache.get(cell)
        if found is None:
            codes = (self.country(part.strip()) for part in cell.split(";"))
            found = self.codes_cache[cell] = tuple(c for c in codes if c)
        return found

    def split(self, cell: str) -> tuple[str, ...]:
        if not cell:
            return ()
        found = self.split_cache.get(cell)
        if found is None:
            found = self.split_cache[cell] = tuple(_split(cell))
        return found

    def birth_dates(self, cell: str, line: int) -> tuple[str, ...]:
        if not cell:
            return ()
        found = self.dob_cache.get(cell)
        if found is not None:
            return found
        out: list[str] = []
        for item in cell.split(";"):
            text = item.strip()
            if not text:
                continue
            dates = partial_dates(text)
            if dates is None:
                self.warnings.append(
                    f"line {line}, field 'dates_of_birth': unrecognised date {text!r} ignored"
                )
                continue
            out.extend(d for d in dates if d not in out)
        found = self.dob_cache[cell] = tuple(out)
        return found

    def date(self, value: str, line: int, field: str) -> date | None:
        found = self.date_cache.get(value)
        if found is not None:
            return found
        text = value.strip()
        if not text:
            return None
        if _ISO_DAY.match(text[:10]):
            try:
                found = self.date_cache[value] = date.fromisoformat(text[:10])
                return found
            except ValueError:
                pass
        self.error(f"unparsable date {text!r} (expected YYYY-MM-DD)", line, field)

    def country(self, value: str) -> str | None:
        cache = self.country_cache
        if value in cache:
            return cache[value]
        code = countries.to_code(value) if value else None
        cache[value] = code
        return code


def clean_cell(value: str) -> str | None:
    """:func:`clean` without a regex: collapse white space, ``None`` when empty."""
    if not value:
        return None
    text = " ".join(value.split())
    return text if text and text != "-0-" else None


def _split(cell: str) -> list[str]:
    if not cell:
        return []
    return [c for part in cell.split(";") if (c := clean_cell(part))]
