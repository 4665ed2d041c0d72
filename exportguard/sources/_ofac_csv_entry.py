"""How one entry of an OFAC legacy CSV set maps to a :class:`ListEntry`: its primary row
(name, type, programs, title and vessel columns, the remarks with their continuation in
the comments file) joined with its alias and address rows.

The format is described in :mod:`~exportguard.sources.ofac_csv`; the rows are read by
:mod:`~exportguard.sources._ofac_csv_rows`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from exportguard.core.entities import Address, Alias, AliasQuality, EntityType, ListEntry
from exportguard.core.identifiers import make_identifier
from exportguard.core.snapshots import SourceFile
from exportguard.errors import SourceFormatError
from exportguard.sources import _ofac
from exportguard.sources._ofac_csv_rows import Row
from exportguard.sources._ofac_remarks import parse_remarks

#: OFAC cuts the remarks column at this length and continues it in the comments file.
REMARKS_LIMIT = 1000


_NULL = "-0- "


def _value(text: str) -> str | None:
    """A field without OFAC's ``-0-`` null and surrounding blanks (inner text untouched)."""
    text = text.strip()
    if not text or text == "-0-":
        return None
    if "  " in text:
        text = " ".join(text.split())
    return text


_TYPES = {
    None: EntityType.ORGANIZATION,
    "individual": EntityType.PERSON,
    "vessel": EntityType.VESSEL,
    "aircraft": EntityType.AIRCRAFT,
}


@dataclass(slots=True)
class SetState:
    """One set being parsed: its files, side rows by ent_num and what to warn about."""

    source: str
    list_name: str
    primary: SourceFile
    comments: dict[str, list[Row]]
    aliases: dict[str, list[Row]]
    addresses: dict[str, list[Row]]
    cut: list[str] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)
    unknown_types: dict[str, int] = field(default_factory=dict)


def _entity_type(state: SetState, raw: str) -> EntityType:
    value = _value(raw)
    found = _TYPES.get(value.lower() if value else None)
    if found is None:
        state.unknown_types[str(value)] = state.unknown_types.get(str(value), 0) + 1
        return EntityType.UNKNOWN
    return found


def to_entry(state: SetState, row: Row) -> ListEntry:
    """The entry of one primary row, with its comments, alias and address rows from
    ``state`` (where a cut remark, an unread birth date or an unknown type is noted);
    ``SourceFormatError`` for a row without a name."""
    c = row.cells
    ent = c[0].strip()
    name = _value(c[1])
    if name is None:
        raise SourceFormatError(
            "the entry has no name", file=state.primary.name, line=row.line, field="SDN_Name"
        )
    entity_type = _entity_type(state, c[2])
    person = entity_type is EntityType.PERSON
    if person:
        name = _ofac.person_name(name)

    remarks_raw = c[11]
    extra = state.comments.get(ent)
    cut = False
    if extra:
        remarks_raw += extra[0].cells[1]
    elif len(remarks_raw) >= REMARKS_LIMIT:
        state.cut.append(ent)
        cut = True
    remarks = _value(remarks_raw)
    # A remark cut at the limit ends in an item cut anywhere (a crypto address "1Gq", a
    # stray ";"): only the items before its last "; " are read (fault 8 of issue 14).
    # An item followed by its ";" separator is whole: only the text after the last
    # separator is cut ("...; alt. Digital Currency Address - XBT 18yWCu...zGa;" keeps
    # the address).
    readable = remarks
    if cut and remarks:
        body = remarks.rstrip()
        readable = body[:-1] if body.endswith(";") else body.rpartition("; ")[0]
    facts = parse_remarks(readable, person)
    state.unread.extend(facts.unread_dates)

    aliases: list[Alias] = []
    for alt in state.aliases.get(ent, ()):
        alt_name = _value(alt.cells[3])
        if alt_name is not None:
            kind = _ofac.ALIAS_KINDS.get((_value(alt.cells[2]) or "").lower(), "other")
            aliases.append(
                Alias(
                    _ofac.person_name(alt_name) if person else alt_name, AliasQuality.STRONG, kind
                )
            )
    aliases.extend(facts.aliases)

    addresses = [a for add in state.addresses.get(ent, ()) if (a := _address(add.cells))]
    country_codes = facts.countries + [a.country for a in addresses if a.country]

    details = c[4:11]
    if details.count(_NULL) == 7:
        notes = None
    else:
        notes, call_sign, flag = _details(details)
        if call_sign:
            facts.identifiers.insert(0, make_identifier("Call Sign", call_sign))
        if (flag_code := _ofac.country_code(flag)) is not None:
            country_codes.append(flag_code)

    return ListEntry(
        id=f"{state.source}:{ent}",
        source=state.source,
        list_name=state.list_name,
        type=entity_type,
        name=name,
        aliases=_ofac.unique_aliases(name, aliases),
        programs=_ofac.split_programs(_value(c[3])),
        addresses=tuple(addresses),
        countries=tuple(sorted(set(country_codes))),
        nationalities=_ofac.unique(facts.nationalities),
        citizenships=_ofac.unique(facts.citizenships),
        identifiers=tuple(dict.fromkeys(facts.identifiers)),
        birth_dates=_ofac.unique(facts.birth_dates),
        birth_places=_ofac.unique(facts.birth_places),
        remarks=remarks if notes is None else _ofac.join_remarks([*notes, remarks]),
        url=_ofac.DETAILS_URL.format(ent),
    )


_DETAIL_LABELS = ("Title", None, "Vessel Type", "Tonnage", "GRT", "Vessel Flag", "Vessel Owner")


def _details(cells: list[str]) -> tuple[list[str], str | None, str | None]:
    """Title and vessel columns: remark lines, the call sign and the flag."""
    values = [_value(v) for v in cells]
    notes = [
        f"{label}: {v}" for label, v in zip(_DETAIL_LABELS, values, strict=True) if label and v
    ]
    return notes, values[1], values[5]


def _address(cells: list[str]) -> Address | None:
    street, city_line, country = _value(cells[2]), _value(cells[3]), _value(cells[4])
    if street is None and city_line is None and country is None:
        return None  # OFAC's all-empty placeholder rows
    full = ", ".join(p for p in (street, city_line, country) if p)
    # The legacy CSV merges city, state/province and postal code into one column; it is
    # kept whole in ``city`` since the parts cannot be told apart reliably.
    return Address(full=full, street=street, city=city_line, country=_ofac.country_code(country))
