"""The decision engine alone (``core.decide``), on the bundled regimes: a scenario table on
both sides of every dated change in ../shared/reference/regulatory-facts.md, and the rules
that keep a confident answer honest (missing facts, barred exceptions, certainty, who the
law applies to, list matches). No database, no service."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from exportguard.core.decide import (
    DecisionRequest,
    LoadedList,
    Party,
    PartyScreening,
    RegimeDecision,
    decide,
    decide_regime,
)
from exportguard.core.entities import EntityType
from exportguard.core.hits import EntryInfo, Hit
from exportguard.core.matching import Scored
from exportguard.core.regimes import Regime
from exportguard.core.thresholds import DEFAULT_THRESHOLD
from exportguard.errors import InvalidInput
from exportguard.regimes import bundled

REGIMES: dict[str, Regime] = bundled()
#: The list sources the regimes need, loaded before every date of the table.
LISTS = (
    LoadedList(1, "us_trade_csl", date(2020, 1, 1)),
    LoadedList(2, "eu_fsf", date(2020, 1, 1)),
)

GOV = {"end_user_type": "law-enforcement", "end_use": "law-enforcement"}
NONGOV_PT = {"end_user_type": "non-government", "end_use": "penetration-testing"}
NONGOV_IR = {"end_user_type": "non-government", "end_use": "incident-response"}
NONGOV_OTHER = {"end_user_type": "non-government", "end_use": "other"}


def run(
    regime: str,
    items: list[str],
    to: str,
    on: date,
    extra: dict[str, Any] | None = None,
    *,
    end_users: tuple[str, ...] = ("Acme Ltd",),
    screenings: tuple[PartyScreening, ...] = (),
    lists: tuple[LoadedList, ...] = LISTS,
) -> RegimeDecision:
    request = DecisionRequest(
        items=tuple(items),
        destination=to,
        on=on,
        parties=tuple(Party("end user", name, to) for name in end_users),
        regimes=(regime,),
        **(extra or {}),
    )
    return decide_regime(request, REGIMES[regime], screenings, lists)


def rules(result: RegimeDecision) -> list[str]:
    return [r.rule for r in result.reasons]


def text(result: RegimeDecision) -> str:
    return "\n".join(r.text for r in result.reasons)


D = date
# (regime, items, destination, date, facts of the request, verdict, a rule among the reasons)
SCENARIOS: list[tuple[str, list[str], str, date, dict[str, Any], str, str]] = [
    # --- kind 1: US embargoes (Part 746) -------------------------------------------------
    ("us-ear", ["EAR99"], "CU", D(2022, 6, 1), NONGOV_OTHER, "licence_required", "us-746-2-cuba"),
    ("us-ear", ["EAR99"], "CU", D(2021, 2, 1), NONGOV_OTHER, "licence_required", "us-746-2-cuba"),
    ("us-ear", ["4D004"], "CU", D(2022, 6, 1), NONGOV_IR, "licence_required", "us-746-2-cuba"),
    (
        "us-ear",
        ["EAR99"],
        "KP",
        D(2022, 6, 1),
        NONGOV_OTHER,
        "licence_required",
        "us-746-4-north-korea",
    ),
    ("us-ear", ["5A001.j"], "KP", D(2021, 6, 1), GOV, "licence_required", "us-746-4-north-korea"),
    (
        "us-ear",
        ["EAR99"],
        "IR",
        D(2022, 6, 1),
        NONGOV_OTHER,
        "licence_required",
        "us-746-7-iran-itsr",
    ),
    ("us-ear", ["4A005"], "IR", D(2022, 6, 1), NONGOV_IR, "licence_required", "us-746-7-iran"),
    ("us-ear", ["4A005"], "IR", D(2022, 1, 1), NONGOV_IR, "licence_required", "us-746-7-iran"),
    ("us-ear", ["EAR99"], "SY", D(2022, 6, 1), NONGOV_OTHER, "licence_required", "us-746-9-syria"),
    ("us-ear", ["4D004"], "SY", D(2023, 1, 1), GOV, "licence_required", "us-746-9-syria"),
    # Crimea throughout; the covered regions from 2022-02-24.
    (
        "us-ear",
        ["EAR99"],
        "UA",
        D(2021, 6, 1),
        {**NONGOV_OTHER, "region": "crimea"},
        "licence_required",
        "us-746-6-crimea",
    ),
    (
        "us-ear",
        ["EAR99"],
        "UA",
        D(2022, 2, 23),
        {**NONGOV_OTHER, "region": "dnr"},
        "no_licence_required",
        "us-ear:default",
    ),
    (
        "us-ear",
        ["EAR99"],
        "UA",
        D(2022, 2, 24),
        {**NONGOV_OTHER, "region": "dnr"},
        "licence_required",
        "us-746-6-covered-regions",
    ),
    (
        "us-ear",
        ["EAR99"],
        "UA",
        D(2022, 2, 24),
        {**NONGOV_OTHER, "region": "lnr"},
        "licence_required",
        "us-746-6-covered-regions",
    ),
    (
        "us-ear",
        ["EAR99"],
        "UA",
        D(2022, 6, 1),
        {**NONGOV_OTHER, "region": "other"},
        "no_licence_required",
        "us-ear:default",
    ),
    ("us-ear", ["EAR99"], "UA", D(2022, 6, 1), NONGOV_OTHER, "refer", "us-746-6-crimea"),
    # Russia from 2022-02-24, Belarus from 2022-03-02: no ACE.
    ("us-ear", ["4E001.c"], "RU", D(2022, 6, 1), NONGOV_IR, "licence_required", "us-746-8-russia"),
    (
        "us-ear",
        ["4D004"],
        "RU",
        D(2022, 2, 23),
        NONGOV_IR,
        "refer",  # the ECCN\'s control before the rule is not in the facts
        "us-cyber-before-rule",
    ),
    ("us-ear", ["4D004"], "RU", D(2022, 2, 24), NONGOV_IR, "licence_required", "us-746-8-russia"),
    ("us-ear", ["4D004"], "RU", D(2022, 3, 7), NONGOV_IR, "licence_required", "us-ace:barred"),
    ("us-ear", ["5A001.j"], "RU", D(2022, 4, 8), NONGOV_IR, "licence_required", "us-746-8-all-ccl"),
    (
        "us-ear",
        ["EAR99"],
        "RU",
        D(2022, 2, 23),
        NONGOV_OTHER,
        "no_licence_required",
        "us-ear:default",
    ),
    ("us-ear", ["EAR99"], "RU", D(2022, 2, 24), NONGOV_OTHER, "refer", "us-746-8-russia-ear99"),
    (
        "us-ear",
        ["4A005"],
        "BY",
        D(2022, 3, 1),
        NONGOV_IR,
        "refer",  # the ECCN\'s control before the rule is not in the facts
        "us-cyber-before-rule",
    ),
    ("us-ear", ["4A005"], "BY", D(2022, 3, 2), NONGOV_IR, "licence_required", "us-746-8-belarus"),
    ("us-ear", ["4A005"], "BY", D(2022, 6, 1), NONGOV_IR, "licence_required", "us-ace:barred"),
    (
        "us-ear",
        ["EAR99"],
        "BY",
        D(2022, 3, 1),
        NONGOV_OTHER,
        "no_licence_required",
        "us-ear:default",
    ),
    ("us-ear", ["EAR99"], "BY", D(2022, 3, 2), NONGOV_OTHER, "refer", "us-746-8-belarus-ear99"),
    (
        "us-ear",
        ["EAR99"],
        "RU",
        D(2022, 2, 24),
        {"end_user_type": "military", "end_use": "other"},
        "licence_required",
        "us-744-21-russia-military",
    ),
    (
        "us-ear",
        ["EAR99"],
        "BY",
        D(2022, 3, 1),
        {"end_user_type": "military", "end_use": "other"},
        "no_licence_required",
        "us-ear:default",
    ),
    (
        "us-ear",
        ["EAR99"],
        "BY",
        D(2022, 3, 2),
        {"end_user_type": "military", "end_use": "other"},
        "licence_required",
        "us-744-21-belarus-military",
    ),
    # --- kind 1: EU Russia and Belarus prohibitions ---------------------------------------
    ("eu-dual-use", ["4A005"], "RU", D(2022, 2, 24), {}, "licence_required", "eu-annex-i-export"),
    ("eu-dual-use", ["4A005"], "RU", D(2022, 2, 25), {}, "not_eligible", "eu-russia-833"),
    ("eu-dual-use", ["5E001.a"], "RU", D(2023, 1, 1), {}, "not_eligible", "eu-russia-833"),
    ("eu-dual-use", ["4D004"], "BY", D(2022, 3, 2), {}, "licence_required", "eu-annex-i-export"),
    ("eu-dual-use", ["4D004"], "BY", D(2022, 3, 3), {}, "not_eligible", "eu-belarus-765"),
    (
        "eu-dual-use",
        ["unlisted-cyber-surveillance"],
        "RU",
        D(2022, 2, 24),
        {"end_use": "other"},
        "no_licence_required",
        "eu-dual-use:default",
    ),
    (
        "eu-dual-use",
        ["unlisted-cyber-surveillance"],
        "RU",
        D(2022, 2, 25),
        {},
        "refer",
        "eu-russia-other-items",
    ),
    ("eu-dual-use", ["EAR99"], "BY", D(2022, 3, 3), {}, "refer", "eu-belarus-other-items"),
    # --- kind 2: Hong Kong is China from 2020-12-23 ---------------------------------------
    (
        "us-ear",
        ["4D004"],
        "HK",
        D(2022, 6, 1),
        NONGOV_PT,
        "licence_required",
        "us-ace:non-government-d1-d5",
    ),
    ("us-ear", ["4D004"], "HK", D(2022, 6, 1), GOV, "licence_required", "us-ace:government-d"),
    ("us-ear", ["4D004"], "HK", D(2022, 6, 1), NONGOV_IR, "licence_exception", "us-ear:treated-as"),
    (
        "us-ear",
        ["EAR99"],
        "HK",
        D(2022, 6, 1),
        {"end_user_type": "military-intelligence", "end_use": "other"},
        "licence_required",
        "us-744-22-military-intelligence",
    ),
    ("us-ear", ["4D004"], "HK", D(2020, 12, 22), NONGOV_PT, "refer", "us-ear:coverage"),
    ("eu-dual-use", ["4D004"], "HK", D(2022, 6, 1), {}, "licence_required", "eu-annex-i-export"),
    # --- kind 3: a missing fact is referred, named -----------------------------------------
    ("us-ear", ["4D004"], "SA", D(2022, 6, 1), {}, "refer", "us-ace:government-d"),
    (
        "us-ear",
        ["4D004"],
        "SA",
        D(2022, 6, 1),
        {"end_use": "research"},
        "refer",
        "us-ace:government-d",
    ),
    (
        "us-ear",
        ["4D004"],
        "SA",
        D(2022, 6, 1),
        {"end_user_type": "non-government"},
        "refer",
        "us-ace:unauthorized-access",
    ),
    (
        "us-ear",
        ["4D004"],
        "SA",
        D(2022, 6, 1),
        {"end_user_type": "government", "end_use": "other"},
        "licence_required",
        "us-ace:government-d",
    ),
    ("us-ear", ["4D004"], "SA", D(2022, 6, 1), NONGOV_PT, "licence_exception", "us-ace"),
    (
        "us-ear",
        ["4D004"],
        "DE",
        D(2022, 6, 1),
        {"end_use": "research"},
        "licence_exception",
        "us-ace",
    ),  # in no D group: ACE whatever the end user's type
    (
        "us-ear",
        ["4D004"],
        "VN",
        D(2022, 6, 1),
        {"end_use": "research"},
        "refer",
        "us-ace:non-government-d1-d5",
    ),
    ("us-ear", ["4D004"], "DE", D(2022, 6, 1), {**NONGOV_PT}, "licence_exception", "us-ace"),
    ("us-ear", ["EAR99"], "CN", D(2022, 6, 1), {}, "refer", "us-744-22-military-intelligence"),
    ("us-ear", ["EAR99"], "DE", D(2022, 6, 1), {}, "no_licence_required", "us-ear:default"),
    (
        "il-deca",
        ["4D004"],
        "FR",
        D(2022, 6, 1),
        {"end_use": "law-enforcement"},
        "refer",
        "il-government-end-users-only",
    ),
    (
        "il-deca",
        ["4D004"],
        "FR",
        D(2022, 6, 1),
        {"end_user_type": "government"},
        "refer",
        "il-end-use-review",
    ),
    (
        "eu-dual-use",
        ["unlisted-cyber-surveillance"],
        "EG",
        D(2023, 1, 1),
        {},
        "refer",
        "eu-art-5-due-diligence",
    ),
    # --- kind 4: end-user rules -------------------------------------------------------------
    (
        "us-ear",
        ["EAR99"],
        "CN",
        D(2021, 3, 15),
        {"end_user_type": "military-intelligence", "end_use": "other"},
        "no_licence_required",
        "us-ear:default",
    ),
    (
        "us-ear",
        ["EAR99"],
        "CN",
        D(2021, 3, 16),
        {"end_user_type": "military-intelligence", "end_use": "other"},
        "licence_required",
        "us-744-22-military-intelligence",
    ),
    (
        "us-ear",
        ["EAR99"],
        "CN",
        D(2022, 6, 1),
        {"end_user_type": "intelligence", "end_use": "other"},
        "refer",
        "us-744-22-possible",
    ),
    (
        "us-ear",
        ["EAR99"],
        "CN",
        D(2021, 3, 15),
        {"end_user_type": "intelligence", "end_use": "other"},
        "no_licence_required",
        "us-ear:default",
    ),
    (
        "us-ear",
        ["EAR99"],
        "VE",
        D(2022, 6, 1),
        {"end_user_type": "military", "end_use": "other"},
        "refer",
        "us-744-22-possible",
    ),
    (
        "us-ear",
        ["EAR99"],
        "MM",
        D(2022, 6, 1),
        {"end_user_type": "military-intelligence", "end_use": "other"},
        "licence_required",
        "us-744-22-military-intelligence",
    ),
    (
        "us-ear",
        ["EAR99"],
        "KH",
        D(2022, 6, 1),
        {"end_user_type": "military-intelligence", "end_use": "other"},
        "licence_required",
        "us-744-22-military-intelligence",
    ),
    (
        "us-ear",
        ["EAR99"],
        "FR",
        D(2022, 6, 1),
        {"end_user_type": "military-intelligence", "end_use": "other"},
        "no_licence_required",
        "us-ear:default",
    ),
    # --- kind 8: EU scope and Annex I ------------------------------------------------------
    (
        "eu-dual-use",
        ["unlisted-cyber-surveillance"],
        "DE",
        D(2022, 6, 1),
        {"authority_informed": True},
        "no_licence_required",
        "eu-intra-union",
    ),
    (
        "eu-dual-use",
        ["unlisted-cyber-surveillance"],
        "EG",
        D(2022, 6, 1),
        {"authority_informed": True},
        "licence_required",
        "eu-art-5-informed",
    ),
    (
        "eu-dual-use",
        ["unlisted-cyber-surveillance"],
        "FR",
        D(2023, 1, 1),
        {"end_use": "internal-repression"},
        "no_licence_required",
        "eu-intra-union",
    ),
    (
        "eu-dual-use",
        ["4E001.a"],
        "CN",
        D(2022, 6, 1),
        {},
        "licence_required",
        "eu-annex-i-export-more",
    ),
    (
        "eu-dual-use",
        ["4D001.a"],
        "CN",
        D(2022, 6, 1),
        {},
        "licence_required",
        "eu-annex-i-export-more",
    ),
    (
        "eu-dual-use",
        ["5B001.a"],
        "IN",
        D(2022, 6, 1),
        {},
        "licence_required",
        "eu-annex-i-export-more",
    ),
    (
        "eu-dual-use",
        ["5D001.a"],
        "BR",
        D(2022, 6, 1),
        {},
        "licence_required",
        "eu-annex-i-export-more",
    ),
    (
        "eu-dual-use",
        ["5D001.c"],
        "MA",
        D(2022, 6, 1),
        {},
        "licence_required",
        "eu-annex-i-export-more",
    ),
    ("eu-dual-use", ["5E001.a"], "US", D(2022, 6, 1), {}, "licence_exception", "eu-eu001"),
    ("eu-dual-use", ["4E001.a"], "JP", D(2022, 6, 1), {}, "licence_exception", "eu-eu001"),
    ("eu-dual-use", ["4A005"], "DE", D(2022, 6, 1), {}, "no_licence_required", "eu-intra-union"),
    ("eu-dual-use", ["4E001.a"], "DE", D(2022, 6, 1), {}, "refer", "eu-intra-union-annex-iv"),
    ("eu-dual-use", ["4A005"], "CN", D(2021, 9, 8), {}, "refer", "eu-dual-use:coverage"),
    ("eu-dual-use", ["4A005"], "CN", D(2021, 9, 9), {}, "licence_required", "eu-annex-i-export"),
    ("eu-dual-use", ["4A005"], "US", D(2022, 1, 1), {}, "licence_exception", "eu-eu001"),
    ("eu-dual-use", ["4A005"], "IS", D(2022, 1, 1), {}, "licence_exception", "eu-eu001"),
    ("eu-dual-use", ["4A005"], "IL", D(2022, 1, 1), {}, "licence_required", "eu-annex-i-export"),
    # --- kind 9: Israel - Wassenaar items outside DECA's four ---------------------------------
    ("il-deca", ["4E001.a"], "MA", D(2022, 6, 1), GOV, "licence_required", "il-dual-use-order"),
    ("il-deca", ["4D001.a"], "DE", D(2022, 6, 1), GOV, "licence_required", "il-dual-use-order"),
    ("il-deca", ["5E001.a"], "IN", D(2021, 6, 1), GOV, "licence_required", "il-dual-use-order"),
    (
        "il-deca",
        ["5B001.a"],
        "BR",
        D(2022, 6, 1),
        NONGOV_PT,
        "licence_required",
        "il-dual-use-order",
    ),
    ("il-deca", ["4E001.a"], "IL", D(2022, 6, 1), GOV, "no_licence_required", "il-domestic"),
    # --- Israel: the list of 102, cut to 37 on 2021-11-25; declaration from 2021-12-06 ------
    (
        "il-deca",
        ["4D004"],
        "MA",
        D(2021, 11, 24),
        GOV,
        "licence_required",
        "il-eligible-destination",
    ),
    ("il-deca", ["4D004"], "MA", D(2021, 11, 25), GOV, "not_eligible", "il-eligible-destination"),
    (
        "il-deca",
        ["4A005"],
        "AE",
        D(2021, 11, 24),
        GOV,
        "licence_required",
        "il-eligible-destination",
    ),
    ("il-deca", ["4A005"], "AE", D(2021, 11, 25), GOV, "not_eligible", "il-eligible-destination"),
    ("il-deca", ["5A001.j"], "MX", D(2021, 11, 25), GOV, "not_eligible", "il-eligible-destination"),
    (
        "il-deca",
        ["4E001.c"],
        "SA",
        D(2021, 11, 24),
        GOV,
        "licence_required",
        "il-eligible-destination",
    ),
    (
        "il-deca",
        ["4D004"],
        "IN",
        D(2021, 12, 1),
        GOV,
        "licence_required",
        "il-eligible-destination",
    ),
    ("il-deca", ["4D004"], "BR", D(2021, 6, 1), GOV, "refer", "il-eligible-destination"),
    ("il-deca", ["4D004"], "BR", D(2021, 12, 1), GOV, "not_eligible", "il-eligible-destination"),
    ("il-deca", ["4D004"], "HU", D(2021, 12, 1), GOV, "not_eligible", "il-eligible-destination"),
    (
        "il-deca",
        ["4D004"],
        "FR",
        D(2021, 12, 5),
        GOV,
        "licence_required",
        "il-eligible-destination",
    ),
    ("il-deca", ["4D004"], "FR", D(2021, 12, 6), GOV, "licence_required", "il-end-use-declaration"),
    (
        "il-deca",
        ["4D004"],
        "FR",
        D(2021, 12, 31),
        GOV,
        "licence_required",
        "il-end-use-declaration",
    ),
    ("il-deca", ["4D004"], "FR", D(2022, 1, 1), GOV, "licence_required", "il-marketing-exemption"),
    (
        "il-deca",
        ["4D004"],
        "FR",
        D(2021, 12, 1),
        NONGOV_PT,
        "not_eligible",
        "il-government-end-users-only",
    ),
    (
        "il-deca",
        ["4D004"],
        "FR",
        D(2021, 12, 1),
        {"end_user_type": "intelligence", "end_use": "internal-repression"},
        "not_eligible",
        "il-lawful-use-only",
    ),
    ("il-deca", ["EAR99"], "MA", D(2021, 12, 1), GOV, "no_licence_required", "il-deca:default"),
    ("il-deca", ["4D004"], "MA", D(2013, 12, 31), GOV, "refer", "il-deca:coverage"),
    # --- US: the cybersecurity items rule from 2022-03-07; ACE ------------------------------
    (
        "us-ear",
        ["4A005"],
        "DE",
        D(2022, 3, 6),
        NONGOV_PT,
        "refer",  # the ECCN\'s control before the rule is not in the facts
        "us-cyber-before-rule",
    ),
    ("us-ear", ["4A005"], "DE", D(2022, 3, 7), NONGOV_PT, "licence_exception", "us-ace"),
    (
        "us-ear",
        ["4D004"],
        "CN",
        D(2022, 4, 1),
        {"end_user_type": "government", "end_use": "other"},
        "licence_required",
        "us-ace:government-d",
    ),
    (
        "us-ear",
        ["4D004"],
        "CN",
        D(2022, 4, 1),
        {"end_user_type": "non-government", "end_use": "vulnerability-disclosure"},
        "licence_exception",
        "us-ace",
    ),
    (
        "us-ear",
        ["4D004"],
        "CN",
        D(2022, 4, 1),
        NONGOV_PT,
        "licence_required",
        "us-ace:non-government-d1-d5",
    ),
    ("us-ear", ["5A001.j"], "IR", D(2022, 4, 1), NONGOV_IR, "licence_required", "us-ace:e1-e2"),
    ("us-ear", ["4A005"], "CA", D(2022, 4, 1), NONGOV_PT, "no_licence_required", "us-ear:default"),
    (
        "us-ear",
        ["4A005"],
        "FR",
        D(2022, 4, 1),
        {"end_user_type": "non-government", "end_use": "unauthorized-access"},
        "licence_required",
        "us-ace:unauthorized-access",
    ),
    (
        "us-ear",
        ["4D001.a"],
        "FR",
        D(2022, 4, 1),
        NONGOV_PT,
        "licence_exception",
        "us-cyber-unverified-eccn",
    ),
    ("us-ear", ["4D004"], "MA", D(2022, 6, 1), GOV, "licence_exception", "us-ace"),
    ("us-ear", ["4D004"], "AE", D(2022, 6, 1), GOV, "licence_exception", "us-ace"),
    # Sudan left E:1 on 2021-01-14 (the first day modelled).
    ("us-ear", ["4D004"], "SD", D(2022, 6, 1), NONGOV_IR, "licence_exception", "us-ace"),
    ("us-ear", ["4D004"], "SD", D(2021, 1, 13), NONGOV_IR, "refer", "us-ear:coverage"),
    # Cambodia: in D:1 throughout, D:5 from 2021-12-09 to 2026-02-02.
    (
        "us-ear",
        ["4D004"],
        "KH",
        D(2022, 6, 1),
        NONGOV_PT,
        "licence_required",
        "us-ace:non-government-d1-d5",
    ),
    (
        "us-ear",
        ["4D004"],
        "KH",
        D(2026, 2, 3),
        NONGOV_PT,
        "licence_required",
        "us-ace:non-government-d1-d5",
    ),
    # Nicaragua joined D:1 and D:5 on 2024-03-15.
    ("us-ear", ["4D004"], "NI", D(2024, 3, 14), NONGOV_PT, "licence_exception", "us-ace"),
    (
        "us-ear",
        ["4D004"],
        "NI",
        D(2024, 3, 15),
        NONGOV_PT,
        "licence_required",
        "us-ace:non-government-d1-d5",
    ),
    ("us-ear", ["4D004"], "NI", D(2024, 3, 14), GOV, "licence_exception", "us-ace"),
    ("us-ear", ["4D004"], "NI", D(2024, 3, 15), GOV, "licence_required", "us-ace:government-d"),
    # Israel in D:2-D:4 [U]; Cyprus and Ethiopia in D:5 [U].
    ("us-ear", ["4A005"], "IL", D(2022, 6, 1), GOV, "licence_required", "us-ear:unverified"),
    ("us-ear", ["4A005"], "CY", D(2022, 6, 1), NONGOV_PT, "licence_required", "us-ear:unverified"),
    ("us-ear", ["4A005"], "ET", D(2022, 6, 1), GOV, "licence_required", "us-ace:government-d"),
    # --- kind 10: deemed exports --------------------------------------------------------------
    (
        "us-ear",
        ["4E001.c"],
        "CN",
        D(2022, 6, 1),
        {**NONGOV_PT, "deemed_export": True, "exporter_country": "US"},
        "licence_exception",
        "us-deemed-export",
    ),
    (
        "us-ear",
        ["4E001.c"],
        "IR",
        D(2022, 6, 1),
        {**NONGOV_PT, "deemed_export": True, "exporter_country": "US"},
        "licence_required",
        "us-ace:e1-e2",
    ),
    (
        "eu-dual-use",
        ["4E001.c"],
        "CN",
        D(2022, 6, 1),
        {"deemed_export": True, "exporter_country": "DE"},
        "licence_required",
        "eu-deemed-export",
    ),
    (
        "eu-dual-use",
        ["4E001.c"],
        "US",
        D(2022, 6, 1),
        {"deemed_export": True, "exporter_country": "DE"},
        "refer",
        "eu-deemed-export",
    ),
    (
        "il-deca",
        ["4E001.c"],
        "FR",
        D(2022, 6, 1),
        {**GOV, "deemed_export": True, "exporter_country": "IL"},
        "licence_required",
        "il-deemed-export",
    ),
    # --- kind 10: who the law applies to --------------------------------------------------
    (
        "us-ear",
        ["4A005"],
        "CN",
        D(2022, 6, 1),
        {**NONGOV_PT, "exporter_country": "DE", "item_origin": "DE", "us_content": 0.0},
        "no_licence_required",
        "us-ear:jurisdiction",
    ),
    (
        "us-ear",
        ["4A005"],
        "CN",
        D(2022, 6, 1),
        {**NONGOV_PT, "exporter_country": "DE", "item_origin": "US"},
        "licence_required",
        "us-ace:non-government-d1-d5",
    ),
    (
        "us-ear",
        ["4A005"],
        "CN",
        D(2022, 6, 1),
        {**NONGOV_PT, "exporter_country": "DE", "item_origin": "DE", "us_content": 30.0},
        "licence_required",
        "us-ear:jurisdiction",
    ),
    (
        "eu-dual-use",
        ["4A005"],
        "CN",
        D(2022, 6, 1),
        {"exporter_country": "US"},
        "no_licence_required",
        "eu-dual-use:jurisdiction",
    ),
    (
        "eu-dual-use",
        ["4A005"],
        "CN",
        D(2022, 6, 1),
        {"exporter_country": "FR"},
        "licence_required",
        "eu-annex-i-export",
    ),
    (
        "il-deca",
        ["4D004"],
        "MA",
        D(2021, 12, 1),
        {**GOV, "exporter_country": "US", "item_origin": "US"},
        "no_licence_required",
        "il-deca:jurisdiction",
    ),
    (
        "il-deca",
        ["4D004"],
        "MA",
        D(2021, 12, 1),
        {**GOV, "exporter_country": "CY", "item_origin": "IL"},
        "not_eligible",
        "il-deca:jurisdiction",
    ),
]


_EL = "Entity List (EL) - Bureau of Industry and Security"
_UVL = "Unverified List (UVL) - Bureau of Industry and Security"
_SDN = "Specially Designated Nationals (SDN) - Treasury Department"
_MEU = "Military End User (MEU) List - Bureau of Industry and Security"
_DPL = "Denied Persons List (DPL) - Bureau of Industry and Security"
_EU = "EU Financial Sanctions (consolidated list)"
_LISTED = D(2020, 1, 1)
_CSL_2022 = (LoadedList(1, "us_trade_csl", D(2022, 5, 16)), LoadedList(2, "eu_fsf", D(2020, 1, 1)))

# Parties (kinds 4-7, 14): "_hits" are (party, list, listed name, score, listing date) as
# screening found them (listed in snapshot 1); "_end_users" the end users named (default
# one, "Acme Ltd"); "_lists" the list snapshots loaded (default: every source needed).
SCENARIOS += [
    # kind 4: end-user rules on listed parties
    ("us-ear", ["4D004"], "DE", D(2022, 6, 1),
     {**NONGOV_PT, "_hits": [("Acme Ltd", _UVL, "ACME LTD", 1.0, _LISTED)]},
     "licence_required", "us-ace:barred"),
    ("us-ear", ["EAR99"], "DE", D(2022, 6, 1),
     {**NONGOV_OTHER, "_hits": [("Acme Ltd", _UVL, "ACME LTD", 1.0, _LISTED)]},
     "refer", "us-listed-party"),
    ("us-ear", ["4D004"], "SG", D(2022, 6, 1),
     {**NONGOV_PT, "_hits": [("Acme Ltd", _EL, "ACME LTD", 1.0, _LISTED)]},
     "licence_required", "us-ace:barred"),
    ("us-ear", ["EAR99"], "DE", D(2022, 6, 1),
     {**NONGOV_OTHER, "_hits": [("Acme Ltd", _EL, "ACME LTD", 1.0, _LISTED)]},
     "licence_required", "us-listed-party"),
    ("us-ear", ["EAR99"], "DE", D(2022, 6, 1),
     {**NONGOV_OTHER, "_hits": [("Acme Ltd", _DPL, "ACME LTD", 1.0, _LISTED)]},
     "not_eligible", "us-listed-party"),
    ("us-ear", ["EAR99"], "DE", D(2022, 6, 1),
     {**NONGOV_OTHER, "_hits": [("Acme Ltd", _SDN, "ACME LTD", 1.0, _LISTED)]},
     "licence_required", "us-listed-party"),
    ("us-ear", ["EAR99"], "CN", D(2021, 3, 1),
     {"end_user_type": "military", "end_use": "other",
      "_hits": [("Acme Ltd", _MEU, "ACME LTD", 1.0, _LISTED)]},
     "no_licence_required", "us-listed-party"),
    ("us-ear", ["4D004"], "CN", D(2021, 3, 1),
     {"end_user_type": "military", "end_use": "other",
      "_hits": [("Acme Ltd", _MEU, "ACME LTD", 1.0, _LISTED)]},
     "refer", "us-listed-party"),
    ("us-ear", ["EAR99"], "RU", D(2022, 2, 23),
     {**NONGOV_OTHER, "_hits": [("Acme Ltd", _MEU, "ACME LTD", 1.0, _LISTED)]},
     "no_licence_required", "us-listed-party"),
    ("us-ear", ["EAR99"], "RU", D(2022, 2, 24),
     {**NONGOV_OTHER, "_hits": [("Acme Ltd", _MEU, "ACME LTD", 1.0, _LISTED)]},
     "licence_required", "us-listed-party"),
    ("us-ear", ["EAR99"], "BY", D(2022, 3, 2),
     {**NONGOV_OTHER, "_hits": [("Acme Ltd", _MEU, "ACME LTD", 1.0, _LISTED)]},
     "licence_required", "us-listed-party"),
    ("eu-dual-use", ["EAR99"], "FR", D(2022, 6, 1),
     {"_hits": [("Acme Ltd", _EU, "ACME LTD", 1.0, _LISTED)]}, "not_eligible",
     "eu-listed-party"),
    # kind 5: several end users, each screened
    ("us-ear", ["EAR99"], "IL", D(2022, 6, 1),
     {**NONGOV_OTHER, "_end_users": ("Acme Ltd", "NSO Group"),
      "_hits": [("NSO Group", _EL, "NSO Group", 1.0, D(2021, 11, 4))]},
     "licence_required", "us-listed-party"),
    ("us-ear", ["EAR99"], "IL", D(2021, 11, 3),
     {**NONGOV_OTHER, "_end_users": ("Acme Ltd", "NSO Group"),
      "_hits": [("NSO Group", _EL, "NSO Group", 1.0, D(2021, 11, 4))]},
     "no_licence_required", "us-ear:default"),
    # kind 6: a match below the screening default is a refer naming the entry
    ("us-ear", ["EAR99"], "FR", D(2022, 6, 1),
     {**GOV, "_hits": [("Acme Ltd", _SDN, "NICARAGUAN NATIONAL POLICE", 0.78, _LISTED)]},
     "refer", "us-listed-party"),
    ("us-ear", ["EAR99"], "FR", D(2022, 6, 1),
     {**GOV, "_hits": [("Acme Ltd", _EL, "ACME LTD", DEFAULT_THRESHOLD, _LISTED)]},
     "licence_required", "us-listed-party"),
    # kind 7: undated rows of a snapshot newer than the decision
    ("us-ear", ["EAR99"], "DE", D(2021, 4, 1),
     {**NONGOV_OTHER, "_lists": _CSL_2022,
      "_hits": [("Acme Ltd", _SDN, "POSITIVE TECHNOLOGIES", 1.0, None)]},
     "refer", "us-listed-party"),
    ("us-ear", ["EAR99"], "DE", D(2022, 5, 16),
     {**NONGOV_OTHER, "_lists": _CSL_2022,
      "_hits": [("Acme Ltd", _SDN, "POSITIVE TECHNOLOGIES", 1.0, None)]},
     "licence_required", "us-listed-party"),
    ("us-ear", ["EAR99"], "DE", D(2021, 11, 4),
     {**NONGOV_OTHER, "_lists": _CSL_2022,
      "_hits": [("Acme Ltd", _EL, "POSITIVE TECHNOLOGIES", 1.0, D(2021, 11, 4))]},
     "licence_required", "us-listed-party"),
    # kind 14: the lists a regime needs, and an end user to screen
    ("us-ear", ["EAR99"], "DE", D(2022, 6, 1), {**NONGOV_OTHER, "_lists": LISTS[1:]}, "refer",
     "us-ear:missing-list:csl"),
    ("eu-dual-use", ["EAR99"], "DE", D(2022, 6, 1), {"_lists": LISTS[:1]}, "refer",
     "eu-dual-use:missing-list:eu-fsf"),
    ("us-ear", ["EAR99"], "DE", D(2022, 6, 1), {**NONGOV_OTHER, "_end_users": ()}, "refer",
     "us-ear:no-end-user"),
    ("il-deca", ["4D004"], "FR", D(2022, 6, 1), {**GOV, "_end_users": (), "_lists": ()},
     "licence_required", "il-end-use-declaration"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("regime", "items", "to", "on", "extra", "verdict", "rule"),
    SCENARIOS,
    ids=[f"{s[0]}-{'+'.join(s[1])}-{s[2]}-{s[3]}-{s[5]}" for s in SCENARIOS],
)
def test_scenario(
    regime: str,
    items: list[str],
    to: str,
    on: date,
    extra: dict[str, Any],
    verdict: str,
    rule: str,
) -> None:
    facts = dict(extra)
    hits = [
        (party, entry(list_name, name, listed_from=listed, source=_source(list_name)), score)
        for party, list_name, name, score, listed in facts.pop("_hits", [])
    ]
    screenings = tuple(
        screened(party, *[(e, score) for p, e, score in hits if p == party])
        for party in dict.fromkeys(p for p, _, _ in hits)
    )
    result = run(
        regime, items, to, on, facts, end_users=facts.pop("_end_users", ("Acme Ltd",)),
        screenings=screenings, lists=facts.pop("_lists", LISTS),
    )  # fmt: skip
    assert result.verdict.label == verdict, text(result)
    assert rule in rules(result)
    for reason in result.reasons:
        assert reason.text
        assert reason.source
        assert reason.certainty in "PSDU"
    assert result.certainty in "PSDU"


def _source(list_name: str) -> str:
    return "eu_fsf" if list_name.startswith("EU") else "us_trade_csl"


def test_the_table_is_large_enough() -> None:
    assert len(SCENARIOS) >= 120


# --- kind 1: embargoes never answer "no licence", and ACE never shows beside them ---------


@pytest.mark.parametrize("to", ["CU", "KP", "SY"])
@pytest.mark.parametrize("item", ["EAR99", "4D004", "5A001.j"])
def test_embargoed_destination_is_never_no_licence(to: str, item: str) -> None:
    result = run("us-ear", [item], to, date(2022, 6, 1), NONGOV_IR)
    assert result.verdict.label == "licence_required"
    assert result.exception is None
    assert "ACE is available" not in text(result)
    assert "denial" in (result.review_policy or "")


@pytest.mark.parametrize(("to", "since"), [("RU", date(2022, 2, 24)), ("BY", date(2022, 3, 2))])
def test_russia_and_belarus_bar_ace_even_for_incident_response(to: str, since: date) -> None:
    result = run("us-ear", ["4E001.c"], to, date(2022, 6, 1), NONGOV_IR)
    assert result.verdict.label == "licence_required"
    assert result.exception is None
    assert "ACE is not available" in text(result)
    assert "License Exception ACE (Authorized" not in text(result)


# --- kind 2: Hong Kong -----------------------------------------------------------------------


def test_hong_kong_is_china_and_says_so() -> None:
    result = run("us-ear", ["4D004"], "HK", date(2022, 6, 1), NONGOV_PT)
    china = run("us-ear", ["4D004"], "CN", date(2022, 6, 1), NONGOV_PT)
    assert result.verdict == china.verdict
    assert "treated as China" in text(result)
    assert "hong-kong" in next(r for r in result.reasons if r.rule == "us-ear:treated-as").facts


# --- kind 3: missing facts ---------------------------------------------------------------


def test_a_missing_end_user_type_is_named_never_assumed() -> None:
    result = run("us-ear", ["4D004"], "SA", date(2022, 6, 1))
    assert result.verdict.label == "refer"
    assert result.exception is None
    assert "end-user type" in text(result)
    assert "does not give" in text(result)


def test_no_end_user_named_is_a_refer() -> None:
    result = run("us-ear", ["EAR99"], "DE", date(2022, 6, 1), NONGOV_OTHER, end_users=())
    assert result.verdict.label == "refer"
    assert "us-ear:no-end-user" in rules(result)


def test_ukraine_without_a_region_names_the_region() -> None:
    result = run("us-ear", ["EAR99"], "UA", date(2022, 6, 1), NONGOV_OTHER)
    assert result.verdict.label == "refer"
    assert "region" in text(result)


# --- kind 4 and 6: listed parties ----------------------------------------------------------


def entry(list_name: str, name: str, **kw: Any) -> EntryInfo:
    spec: dict[str, Any] = {
        "id": f"us_trade_csl:{name}", "source": "us_trade_csl", "list_name": list_name,
        "type": EntityType.ORGANIZATION, "name": name, "countries": ("CN",), "birth_dates": (),
        "identifiers": (), "programs": (), "listed_from": date(2020, 1, 1), "listed_until": None,
        "citation": None, "licence_requirement": None, "licence_policy": None,
    }  # fmt: skip
    spec.update(kw)
    return EntryInfo(**spec)


def screened(party: str, *hits: tuple[EntryInfo, float], role: str = "end user") -> PartyScreening:
    return PartyScreening(
        role,
        party,
        tuple(Hit(e, 1, e.name, score, Scored(score, (), ())) for e, score in hits),
    )


UVL = "Unverified List (UVL) - Bureau of Industry and Security"
EL = "Entity List (EL) - Bureau of Industry and Security"
SDN = "Specially Designated Nationals (SDN) - Treasury Department"
MEU = "Military End User (MEU) List - Bureau of Industry and Security"


def test_unverified_list_party_bars_ace() -> None:
    result = run(
        "us-ear", ["4D004"], "DE", date(2022, 6, 1), NONGOV_PT,
        screenings=(screened("Acme Ltd", (entry(UVL, "Acme Ltd"), 1.0)),),
    )  # fmt: skip
    assert result.verdict.label == "licence_required"
    assert result.exception is None
    assert "ACE is available" not in text(result)
    assert "us-ace:barred" in rules(result)


def test_entity_list_party_bars_ace_and_keeps_its_policy() -> None:
    listed = entry(EL, "Acme Ltd", licence_policy="Presumption of denial.")
    result = run(
        "us-ear", ["4D004"], "DE", date(2022, 6, 1), NONGOV_PT,
        screenings=(screened("Acme Ltd", (listed, 1.0)),),
    )  # fmt: skip
    assert result.verdict.label == "licence_required"
    assert result.review_policy == "Presumption of denial."
    assert "ACE is available" not in text(result)


def test_policies_of_every_deciding_listing_are_kept() -> None:
    el = entry(EL, "Acme Ltd", licence_policy="Presumption of denial.")
    sdn = entry(SDN, "Other Corp", listed_from=None)
    result = run(
        "us-ear", ["EAR99"], "DE", date(2022, 6, 1), NONGOV_OTHER,
        screenings=(screened("Acme Ltd", (el, 1.0)), screened("Other Corp", (sdn, 1.0))),
    )  # fmt: skip
    assert result.review_policy is not None
    assert "Presumption of denial." in result.review_policy
    assert "OFAC" in result.review_policy


@pytest.mark.parametrize(
    ("items", "verdict"), [(["EAR99"], "no_licence_required"), (["4D004"], "refer")]
)
def test_military_end_user_list_counts_only_for_supplement_2_items(
    items: list[str], verdict: str
) -> None:
    result = run(
        "us-ear", items, "CN", date(2021, 3, 1), {"end_user_type": "military", "end_use": "other"},
        screenings=(screened("PLA Unit", (entry(MEU, "PLA Unit"), 1.0)),),
    )  # fmt: skip
    assert result.verdict.label == verdict


def test_military_end_user_in_russia_needs_a_licence_for_everything() -> None:
    hit = entry(MEU, "Rostec Unit", countries=("RU",))
    result = run(
        "us-ear", ["EAR99"], "RU", date(2022, 3, 1), {"end_user_type": "military",
                                                      "end_use": "other"},
        screenings=(screened("Rostec Unit", (hit, 1.0)),),
    )  # fmt: skip
    assert result.verdict.label == "licence_required"


@pytest.mark.parametrize("score", [0.75, DEFAULT_THRESHOLD - 0.01])
def test_a_match_below_the_screening_default_is_a_named_refer(score: float) -> None:
    hit = entry(SDN, "NICARAGUAN NATIONAL POLICE", countries=("NI",), listed_from=None)
    result = run(
        "us-ear", ["EAR99"], "FR", date(2022, 6, 1), GOV,
        screenings=(screened("Police nationale", (hit, score)),),
    )  # fmt: skip
    assert result.verdict.label == "refer"
    assert result.review_policy is None
    assert "NICARAGUAN NATIONAL POLICE" in text(result)
    assert "may match" in text(result)


def test_a_sure_match_at_the_screening_default_decides() -> None:
    hit = entry(EL, "Acme Ltd", licence_policy="Presumption of denial.")
    result = run(
        "us-ear", ["EAR99"], "DE", date(2022, 6, 1), NONGOV_OTHER,
        screenings=(screened("Acme Ltd", (hit, DEFAULT_THRESHOLD)),),
    )  # fmt: skip
    assert result.verdict.label == "licence_required"


# --- kind 7: undated listings of a later snapshot ------------------------------------------


def test_undated_listing_in_a_later_snapshot_is_a_refer_with_the_snapshot_date() -> None:
    hit = entry(SDN, "POSITIVE TECHNOLOGIES", countries=("RU",), listed_from=None)
    later = (LoadedList(1, "us_trade_csl", date(2022, 5, 16)), *LISTS[1:])
    result = run(
        "us-ear", ["EAR99"], "DE", date(2021, 4, 1), NONGOV_OTHER,
        screenings=(screened("Positive Technologies", (hit, 1.0)),), lists=later,
    )  # fmt: skip
    assert result.verdict.label == "refer"
    assert "2022-05-16" in text(result)
    assert "no listing date" in text(result)
    after = run(
        "us-ear", ["EAR99"], "DE", date(2022, 6, 1), NONGOV_OTHER,
        screenings=(screened("Positive Technologies", (hit, 1.0)),), lists=later,
    )  # fmt: skip
    assert after.verdict.label == "licence_required"


# --- kind 11: certainty --------------------------------------------------------------------


@pytest.mark.parametrize("to", ["CY", "ET"])
def test_a_verdict_on_an_unverified_membership_is_unverified_and_says_so(to: str) -> None:
    result = run("us-ear", ["4A005"], to, date(2022, 6, 1), GOV)
    assert result.certainty == "U"
    unverified = next(r for r in result.reasons if r.rule == "us-ear:unverified")
    assert f"{to.lower()}-d5" in unverified.facts


def test_israel_in_d2_to_d4_is_unverified() -> None:
    result = run("us-ear", ["4A005"], "IL", date(2022, 6, 1), GOV)
    assert result.certainty == "U"
    assert "groups-d2-d4" in next(r for r in result.reasons if r.rule == "us-ear:unverified").facts


def test_no_licence_is_not_primary_when_it_rests_on_weaker_facts() -> None:
    result = run("us-ear", ["4A005"], "CA", date(2022, 6, 1), NONGOV_PT)
    assert result.verdict.label == "no_licence_required"
    assert result.certainty == "U"  # "every destination except Canada" is unverified
    default = run("eu-dual-use", ["4A005"], "FR", date(2022, 6, 1))
    assert default.certainty != "P"


def test_decision_certainty_rests_on_the_best_supported_deciding_regime() -> None:
    request = DecisionRequest(
        items=("4A005",), destination="CY", on=date(2022, 6, 1),
        parties=(Party("end user", "Acme Ltd", "CY"),), **GOV,
    )  # fmt: skip
    decision = decide(request, list(REGIMES.values()), [], {}, lists=LISTS, decision_id="x")
    assert decision.decision_id == "x"
    by_id = {r.id: r for r in decision.regimes}
    assert by_id["us-ear"].certainty == "U"  # Cyprus in D:5 is unverified
    assert by_id["il-deca"].verdict == decision.verdict
    assert decision.certainty == by_id["il-deca"].certainty == "S"
    assert decision.fingerprint


def test_a_verdict_two_findings_decide_rests_on_the_better_supported_one() -> None:
    result = run("us-ear", ["4E001.c"], "RU", date(2022, 6, 1), NONGOV_IR)
    assert result.verdict.label == "licence_required"
    assert result.certainty == "S"  # 746.8 [S], whatever the NS reading [U] says
    assert "us-ear:unverified" not in rules(result)


# --- kind 14: the lists a regime needs ------------------------------------------------------


def test_a_regime_without_its_lists_cannot_clear_parties() -> None:
    result = run("eu-dual-use", ["EAR99"], "FR", date(2022, 6, 1), lists=LISTS[:1])
    assert result.verdict.label == "refer"
    assert result.missing_lists == ("eu-fsf",)
    assert "EU Financial Sanctions Files" in text(result)
    us = run("us-ear", ["EAR99"], "FR", date(2022, 6, 1), NONGOV_OTHER, lists=LISTS[1:])
    assert us.verdict.label == "refer"
    assert us.missing_lists == ("csl",)


def test_a_regime_that_does_not_apply_says_what_that_rests_on() -> None:
    result = run(
        "us-ear", ["4A005"], "CN", date(2022, 6, 1),
        {**NONGOV_PT, "exporter_country": "DE", "item_origin": "DE", "us_content": 0.0},
    )  # fmt: skip
    assert result.applies is False
    assert result.certainty == "U"
    assert "foreign-direct-product" in result.reasons[0].text
    unknown = run("us-ear", ["EAR99"], "DE", date(2022, 6, 1), NONGOV_OTHER)
    assert unknown.applies is None
    assert unknown.certainty != "U"  # "no licence" does not rest on the EAR's reach


# --- the request as stored (``DecisionRequest.to_dict`` / ``from_dict``) -------------------

ASKED = DecisionRequest(
    items=("4A005", "4D004"), destination="MA", on=date(2021, 12, 1),
    parties=(Party("end user", "Moroccan national police", "MA"),
             Party("consignee", "Atlas Logistics", None)),
    end_user_type="law-enforcement", end_use="law-enforcement", authority_informed=True,
    regimes=("us-ear",), exporter_country="IL", item_origin="US", us_content=25,
    deemed_export=False, region=None,
)  # fmt: skip


def test_a_stored_request_reads_back_as_asked() -> None:
    stored = json.loads(json.dumps(ASKED.to_dict()))
    again = DecisionRequest.from_dict(stored)
    assert again == ASKED
    assert type(again.us_content) is int  # as given: the fingerprint hashes it as stored
    old = {"items": ["4A005"], "destination": "MA", "date": "2021-12-01",
           "end_user": "Moroccan national police", "parties": ["Atlas Logistics"],
           "authority_informed": False, "regimes": []}  # fmt: skip
    assert DecisionRequest.from_dict(old).parties == (
        Party("end user", "Moroccan national police", "MA"),
        Party("intermediary", "Atlas Logistics"),
    )


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"items": "4A005"}, "items", "must be an array, not a string"),
        ({"items": None}, "items", "required"),
        ({"destination": 212}, "destination", "must be a string, not a number"),
        ({"date": "1 December 2021"}, "date", "not a date (YYYY-MM-DD)"),
        ({"parties": [{"role": 1, "name": "Atlas"}]}, "parties[0].role",
         "must be a string, not a number"),
        ({"parties": [{"role": "consignee"}]}, "parties[0].name", "required"),
        ({"parties": [["consignee", "Atlas"]]}, "parties[0]", "must be an object, not an array"),
        ({"us_content": True}, "us_content", "must be a number or null, not a boolean"),
        ({"deemed_export": "no"}, "deemed_export", "must be a boolean, not a string"),
        ({"regimes": ["us-ear", None]}, "regimes[1]", "must be a string, not null"),
    ],
)  # fmt: skip
def test_a_stored_request_of_the_wrong_shape_names_the_field(
    change: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        DecisionRequest.from_dict({**ASKED.to_dict(), **change})
    (error,) = caught.value.errors
    assert error.field == field
    assert message in error.message
