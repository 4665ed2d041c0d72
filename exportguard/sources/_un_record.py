"""A record of the UN consolidated list XML as the parser walks it (:class:`Node`: an
element's children by tag, their texts and ``VALUE`` lists) and the UN's date forms
(``DATE``, ``YEAR``, ``FROM_YEAR``..``TO_YEAR``, a "Nov. 1973" note).

The format is described in :mod:`~exportguard.sources.un_xml`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from lxml import etree

from exportguard.sources._common import by_tag, clean, tag_text, year_range
from exportguard.sources._documents import MONTHS

_MONTH_YEAR = re.compile(r"^([A-Za-z]+)\.?\s+(\d{4})$")
#: A text that starts with a ``YYYY-MM-DD`` date (a zone suffix may follow).
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
_YEAR = re.compile(r"^\d{4}$")
_MAX_RANGE_YEARS = 10


class Node:
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


def birth_date(node: Node, warnings: list[str]) -> list[str]:
    """The ISO (partial) dates of one ``INDIVIDUAL_DATE_OF_BIRTH``: its ``DATE``, its
    ``YEAR``, every year of ``FROM_YEAR``..``TO_YEAR`` (the ends only past 10 years) or a
    month-and-year ``NOTE`` ("Nov. 1973"); a ``DATE`` it cannot read is left out with a
    warning naming its line."""
    exact = node.text("DATE")
    if exact:
        iso = iso_partial(exact)
        if iso:
            return [iso]
        warnings.append(f"line {node.line}, field 'DATE': unrecognised date {exact!r} ignored")
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


def published_dates(node: Node) -> str | None:
    """A birth date as the UN writes it: ``DATE``, ``YEAR`` or ``FROM_YEAR to TO_YEAR``."""
    first, last = node.text("FROM_YEAR"), node.text("TO_YEAR")
    if first and last:
        return f"{first} to {last}"
    return node.text("DATE") or node.text("YEAR")


def iso_partial(value: str) -> str | None:
    """``1958-02-22`` (zone suffix dropped), ``1958-02`` or ``1958``; else ``None``."""
    text = value.strip()
    if ISO_DAY.match(text):
        try:
            return date.fromisoformat(text[:10]).isoformat()
        except ValueError:
            return None
    if re.match(r"^\d{4}(-\d{2})?$", text):
        return text
    return None
