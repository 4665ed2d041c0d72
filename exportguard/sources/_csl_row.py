"""How one row of the trade.gov CSL maps to a :class:`ListEntry` (:class:`RowMapper`):
where each column is, the entry's id from its sub-list, and the entry built from the
cells' values (:mod:`~exportguard.sources._csl_fields`).

The format is described in :mod:`~exportguard.sources.csl`, which reads the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from exportguard.core.entities import ListEntry
from exportguard.core.identifiers import make_identifier
from exportguard.sources._common import header_columns
from exportguard.sources._csl_fields import TYPES, Fields

#: The CSL's source id (``csl.SOURCE``): every entry's id starts with it.
SOURCE = "us_trade_csl"

COLUMNS = (
    "_id", "source", "entity_number", "type", "programs", "name", "title", "addresses",
    "federal_register_notice", "start_date", "end_date", "standard_order", "license_requirement",
    "license_policy", "call_sign", "vessel_type", "gross_tonnage", "gross_registered_tonnage",
    "vessel_flag", "vessel_owner", "remarks", "source_list_url", "alt_names", "citizenships",
    "dates_of_birth", "nationalities", "places_of_birth", "source_information_url", "ids"
)  # fmt: skip
_URL_COLUMNS = frozenset({"source_list_url", "source_information_url"})

_TYPES_EXACT = {k.capitalize(): v for k, v in TYPES.items()}
_GENDER = "gender: "


def _gender(contacts: list[str]) -> str | None:
    """The gender among an entry's contact lines (``"gender: male"`` -> ``"male"``)."""
    found = dict.fromkeys(c[len(_GENDER) :] for c in contacts if c.startswith(_GENDER))
    return "; ".join(found) or None


def _abbreviation(list_name: str) -> str:
    """``Entity List (EL) - Bureau ...`` -> ``EL``; ``... (NS-MBS List) ...`` -> ``NS-MBS``."""
    start = list_name.find("(")
    end = list_name.find(")", start + 1)
    if start >= 0 and end > start + 1:
        word = list_name[start + 1 : end].split()
        if word:
            return word[0]
    return "-".join(re.findall(r"[^\W_]+", list_name)) or "CSL"


class RowMapper(Fields):
    """Where each column is (:meth:`index_header`, from the header row) and a row's entry
    (:meth:`row_parser`), from the cells' values (:class:`Fields`)."""

    def index_header(self, header: list[str]) -> None:
        index = {n: i for i, n in enumerate(header_columns(self.file, header, COLUMNS))}
        (
            self.i_id,
            self.i_source,
            _,
            self.i_type,
            self.i_programs,
            self.i_name,
            self.i_title,
            self.i_addresses,
            self.i_frn,
            self.i_start,
            self.i_end,
            self.i_std,
            self.i_lic_req,
            self.i_lic_pol,
            self.i_call,
            self.i_vtype,
            self.i_gt,
            self.i_grt,
            self.i_flag,
            self.i_owner,
            self.i_remarks,
            self.i_list_url,
            self.i_alt,
            self.i_citizen,
            self.i_dob,
            self.i_nation,
            self.i_pob,
            self.i_info_url,
            self.i_ids,
        ) = (index[c] for c in COLUMNS)
        self.compare = [index[c] for c in COLUMNS if c not in _URL_COLUMNS]
        self.details = tuple(
            (label, index[column])
            for label, column in (
                ("Title", "title"),
                ("Standard order", "standard_order"),
                ("Vessel type", "vessel_type"),
                ("Gross tonnage", "gross_tonnage"),
                ("Gross registered tonnage", "gross_registered_tonnage"),
                ("Vessel flag", "vessel_flag"),
                ("Vessel owner", "vessel_owner"),
            )
        )

    def row_parser(self) -> Callable[[int, list[str], str, str], ListEntry]:
        """A closure turning one row into an entry (column indexes bound as locals: the
        hot path of the 14k-row file)."""
        (
            i_name, i_remarks, i_ids, i_call, i_title, i_std, i_vtype, i_gt, i_grt, i_flag,
            i_owner, i_nation, i_citizen, i_addr, i_alt, i_start, i_end, i_type, i_programs,
            i_dob, i_pob, i_frn, i_req, i_pol, i_list_url, i_info_url,
        ) = (
            self.i_name, self.i_remarks, self.i_ids, self.i_call, self.i_title, self.i_std,
            self.i_vtype, self.i_gt, self.i_grt, self.i_flag, self.i_owner, self.i_nation,
            self.i_citizen, self.i_addresses, self.i_alt, self.i_start, self.i_end, self.i_type,
            self.i_programs, self.i_dob, self.i_pob, self.i_frn, self.i_lic_req, self.i_lic_pol,
            self.i_list_url, self.i_info_url,
        )  # fmt: skip
        details, list_cache, types = self.details, self.list_cache, _TYPES_EXACT
        identifiers_of, codes_of, country_of = self.identifiers, self.codes, self.country
        addresses_of, aliases_of, split_of = self.addresses, self.aliases, self.split
        dates_of, date_of, type_of = self.birth_dates, self.date, self.entity_type

        def entry(line: int, row: list[str], native: str, list_name: str) -> ListEntry:
            abbr = list_cache.get(list_name)
            if abbr is None:
                abbr = list_cache[list_name] = _abbreviation(list_name)
            name = " ".join(row[i_name].split())
            if not name:
                self.error("the name is empty", line, "name")
            remarks: list[str] = []
            cell = row[i_remarks]
            if cell and (cell := " ".join(cell.split())):
                remarks.append(cell)
            cell = row[i_ids]
            contacts: list[str] = []
            identifiers = identifiers_of(cell, remarks, contacts) if cell else []
            cell = row[i_call]
            if cell and (cell := " ".join(cell.split())):
                identifiers.append(make_identifier("Call Sign", cell))
            if (
                row[i_title]
                or row[i_std]
                or row[i_vtype]
                or row[i_gt]
                or row[i_grt]
                or (row[i_flag] or row[i_owner])
            ):
                for label, index in details:
                    cell = row[index]
                    if cell and (cell := " ".join(cell.split())):
                        remarks.append(f"{label}: {cell}")
            cell = row[i_nation]
            nationalities = codes = codes_of(cell) if cell else ()
            cell = row[i_citizen]
            citizenships = codes_of(cell) if cell else ()
            codes += citizenships
            cell = row[i_flag]
            if cell and (code := country_of(" ".join(cell.split()))):
                codes += (code,)
            cell = row[i_addr]
            addresses = addresses_of(cell) if cell else ()
            if addresses:
                codes += tuple(a.country for a in addresses if a.country)
            if len(codes) > 1:
                codes = tuple(sorted(set(codes)))
            kind = types.get(row[i_type])
            if kind is None:
                kind = type_of(row[i_type], abbr, name, line)
            start, end, dob = row[i_start], row[i_end], row[i_dob]
            frn, requirement, policy = row[i_frn], row[i_req], row[i_pol]
            return ListEntry(
                id=f"{SOURCE}:{abbr}-{native}",
                source=SOURCE,
                list_name=list_name,
                type=kind,
                name=name,
                aliases=aliases_of(name, row[i_alt]),
                programs=split_of(row[i_programs]),
                addresses=addresses,
                countries=codes,
                identifiers=tuple(identifiers),
                birth_dates=dates_of(dob, line) if dob else (),
                birth_places=split_of(row[i_pob]),
                listed_from=date_of(start, line, "start_date") if start else None,
                listed_until=date_of(end, line, "end_date") if end else None,
                citation=(" ".join(frn.split()) or None) if frn else None,
                licence_requirement=(
                    (" ".join(requirement.split()) or None) if requirement else None
                ),
                licence_policy=(" ".join(policy.split()) or None) if policy else None,
                remarks="; ".join(remarks) or None,
                url=row[i_list_url].strip() or row[i_info_url].strip() or None,
                nationalities=nationalities,
                citizenships=citizenships,
                gender=_gender(contacts) if contacts else None,
                contacts=tuple(dict.fromkeys(c for c in contacts if not c.startswith(_GENDER))),
            )

        return entry
