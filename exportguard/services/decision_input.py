"""The input of a decision: one export question as a user gives it (command line, API,
web form, a licence's submission), and its validation into ``core.decide``'s
:class:`~exportguard.core.decide.DecisionRequest` against the regimes' vocabulary, every
bad field reported at once (:class:`~exportguard.errors.InvalidInput`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from exportguard.core import countries
from exportguard.core.decide import DecisionRequest, Party
from exportguard.core.regimes import (
    END_USER_TYPES,
    END_USES,
    REGIONS,
    SPECIAL_ITEMS,
    Regime,
    normalise_item,
)
from exportguard.errors import FieldError, InvalidInput

#: Names that denote more than one destination, whose rules differ (D:5 has CD, not CG).
_AMBIGUOUS = {"congo": "the Republic of the Congo (CG) or the Democratic Republic of the "
                       "Congo (CD)"}  # fmt: skip

#: Destinations named by a region of Ukraine that the EAR treat apart (746.6).
_REGION_NAMES = {
    "crimea": "crimea", "crimea region of ukraine": "crimea", "sevastopol": "crimea",
    "dnr": "dnr", "donetsk": "dnr", "donetsk people's republic": "dnr",
    "lnr": "lnr", "luhansk": "lnr", "lugansk": "lnr", "luhansk people's republic": "lnr",
}  # fmt: skip

#: A party as given: a name, or (name, country as ISO code or name).
PartyInput = str | tuple[str, str | None]


@dataclass(frozen=True, slots=True)
class DecisionInput:
    """One export question as given, not yet validated (:func:`build_request` does).

    ``items``: control entries (4D004, 5A001.j, EAR99; any case and spacing). ``to``: the
    destination, an ISO code or a country name, or a region of Ukraine by name (Crimea,
    DNR, LNR). ``on``: the date the export happens (the rules and lists of that day).
    ``regimes``: regime ids (none: every regime). A party is a name or (name, country);
    an end user's or consignee's country defaults to the destination, an intermediary's
    to none. ``end_user_type`` and ``end_use`` are from ``core.regimes``' END_USER_TYPES and
    END_USES; ``exporter_country`` and ``item_origin`` are countries (ISO code or name);
    ``us_content`` a percentage (0-100); ``region``: one of ``core.regimes.REGIONS``.
    """

    items: Sequence[str]
    to: str
    on: date
    regimes: Sequence[str] = ()
    end_users: Sequence[PartyInput] = ()
    consignees: Sequence[PartyInput] = ()
    intermediaries: Sequence[PartyInput] = ()
    end_user_type: str | None = None
    end_use: str | None = None
    authority_informed: bool = False
    exporter_country: str | None = None
    item_origin: str | None = None
    us_content: float | None = None
    deemed_export: bool = False
    region: str | None = None


def build_request(available: dict[str, Regime], given: DecisionInput) -> DecisionRequest:
    """Validate ``given`` against the regimes' vocabulary: the :class:`DecisionRequest`
    core decides, or :class:`InvalidInput` with every bad field at once.

    An item a chosen regime does not know is an error naming the regime (never a silent
    "no licence"). ``us_content`` is a percentage (0-100).
    """
    items, to, region, deemed_export = given.items, given.to, given.region, given.deemed_export
    errors: list[FieldError] = []
    chosen = list(dict.fromkeys(given.regimes)) if given.regimes else sorted(available)
    for r in chosen:
        if r not in available:
            errors.append(
                FieldError("regime", f"unknown regime {r!r}; known: {', '.join(sorted(available))}")
            )
    errors.extend(item_errors(available, items, [r for r in chosen if r in available] or None))
    codes = [normalise_item(i) for i in items if i.strip()]
    named_region = _REGION_NAMES.get(to.strip().casefold())
    destination: str | None
    if named_region is not None:
        if region is not None and region != named_region:
            errors.append(FieldError("region", f"{to!r} is region {named_region}, not {region}"))
        destination, region = "UA", named_region
    elif to.strip().casefold() in _AMBIGUOUS:
        destination = None
        errors.append(FieldError("to", f"{to!r} may be {_AMBIGUOUS[to.strip().casefold()]}: "
                                 "give the ISO code"))  # fmt: skip
    else:
        destination = countries.to_code(to)
        if destination is None:
            errors.append(FieldError("to", f"unknown country {to!r} (use an ISO code such as MA)"))
    places: dict[str, str | None] = {}
    for name, value in (
        ("exporter_country", given.exporter_country),
        ("item_origin", given.item_origin),
    ):
        places[name] = None
        if value is not None and value.strip():
            places[name] = countries.to_code(value)
            if places[name] is None:
                errors.append(FieldError(name, f"unknown country {value!r}"))
    if given.end_user_type is not None and given.end_user_type not in END_USER_TYPES:
        errors.append(FieldError("end_user_type", f"must be one of {', '.join(END_USER_TYPES)}"))
    if given.end_use is not None and given.end_use not in END_USES:
        errors.append(FieldError("end_use", f"must be one of {', '.join(END_USES)}"))
    if region is not None and region not in REGIONS:
        errors.append(FieldError("region", f"must be one of {', '.join(REGIONS)}"))
    elif region in ("crimea", "dnr", "lnr") and destination not in (None, "UA"):
        # Crimea, the DNR and the LNR are regions of Ukraine in law (EAR 746.6): a region
        # given with another country would be dropped, and its embargo with it.
        errors.append(FieldError("region", (
            f"{region} is a region of Ukraine: give --to UA --region {region} (or --to "
            f"{'Crimea' if region == 'crimea' else region.upper()}), not --to {to}")))  # fmt: skip
    if (
        deemed_export
        and places["exporter_country"] is None
        and "exporter_country" not in {e.field for e in errors}
    ):
        errors.append(
            FieldError("exporter_country", "a deemed export needs the country of the release")
        )
    if deemed_export and places["exporter_country"] not in (None, "US"):
        errors.append(FieldError("exporter_country", (
            "a deemed export (EAR 734.13) is a release inside the US; a release to a foreign "
            f"person in {places['exporter_country']} is a deemed reexport, which ExportGuard "
            "does not model: refer it")))  # fmt: skip
    hardware = [c for c in codes if re.fullmatch(r"\d[ABC]\d{3}.*", c)]
    if deemed_export and hardware:
        errors.append(FieldError("item", (
            f"a deemed export releases technology or source code; {', '.join(hardware)} "
            "is equipment (category A, B or C), which cannot be released that way")))  # fmt: skip
    elif deemed_export and destination is not None and destination == places["exporter_country"]:
        errors.append(
            FieldError(
                "to",
                "for a deemed export, give the foreign person's country of citizenship or "
                "permanent residency, not the country where the release happens",
            )
        )
    if given.us_content is not None and not 0 <= given.us_content <= 100:
        errors.append(FieldError("us_content", "a percentage from 0 to 100"))
    parties = _parties(
        {
            "end_users": given.end_users,
            "consignees": given.consignees,
            "intermediaries": given.intermediaries,
        },
        None if deemed_export else destination,
        errors,
    )
    if errors:
        raise InvalidInput(errors)
    assert destination is not None
    return DecisionRequest(
        items=tuple(dict.fromkeys(codes)), destination=destination, on=given.on,
        parties=tuple(dict.fromkeys(parties)), end_user_type=given.end_user_type,
        end_use=given.end_use, authority_informed=given.authority_informed, regimes=tuple(chosen),
        exporter_country=places["exporter_country"], item_origin=places["item_origin"],
        us_content=given.us_content, deemed_export=deemed_export, region=region,
    )  # fmt: skip


def _parties(
    given: dict[str, Sequence[PartyInput]], destination: str | None, errors: list[FieldError]
) -> list[Party]:
    """Parties by role (``end_users``, ``consignees``, ``intermediaries``) with their
    countries; end users and consignees default to ``destination``. Problems go to
    ``errors``."""
    roles = {"end_users": "end user", "consignees": "consignee", "intermediaries": "intermediary"}
    parties: list[Party] = []
    for field, values in given.items():
        role = roles[field]
        for raw in values:
            name, country = (raw, None) if isinstance(raw, str) else raw
            if not name.strip():
                errors.append(FieldError(field, "a party's name must not be empty"))
                continue
            code = None
            if country:
                code = countries.to_code(country)
                if code is None:
                    errors.append(FieldError(field, f"unknown country {country!r} of {name!r}"))
            elif role != "intermediary":
                code = destination
            parties.append(Party(role, name.strip(), code))
    return parties


def item_errors(
    available: dict[str, Regime], items: Sequence[str], under: Sequence[str] | None = None
) -> list[FieldError]:
    """Problems with control entries: none given, one no regime in ``available`` knows,
    one a regime it is decided or licensed ``under`` (ids; default: every one) does not
    model."""
    known = {code for reg in available.values() for code in reg.items} | set(SPECIAL_ITEMS)
    checked = [available[r] for r in under if r in available] if under is not None else None
    codes = [normalise_item(i) for i in items if i.strip()]
    if not codes:
        return [FieldError("item", "give at least one control entry (e.g. 4D004, EAR99)")]
    errors = []
    for code in dict.fromkeys(codes):
        if code not in known:
            errors.append(
                FieldError(
                    "item", f"unknown control entry {code!r}; known: {', '.join(sorted(known))}"
                )
            )
            continue
        for regime in checked if checked is not None else available.values():
            if not regime.knows(code):
                errors.append(
                    FieldError(
                        "item",
                        f"{regime.id} does not model control entry {code!r}: leave that regime "
                        "out or classify the item under it",
                    )
                )
    return errors
