"""One profile per listed party (issue 13, point 2), on real entries of the UN list, the SDN
and the Consolidated Screening List: listings of one party join on strong evidence only,
each link with its reason; a name alone never joins."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from exportguard.core.entities import ListEntry
from exportguard.core.profiles import (
    IDENTIFIER,
    NAME_BIRTH_DATE,
    NAME_COUNTRY_KIND,
    NAME_ONLY,
    NAME_ORDER,
    REGISTER_ENTRY,
    combine,
    group_listings,
    link,
)
from exportguard.core.snapshots import ParsedList

SDN = "us_ofac_sdn/2024-05-03/sdn.csv"
CSL = "us_trade_csl/2022-05-16/consolidated.csv"
UN = "un_sc/2026-02-27/consolidated.xml"


@pytest.fixture(scope="module")
def by_id(real_entries: dict[str, list[ListEntry]]) -> dict[str, ListEntry]:
    return {e.id: e for path in (SDN, CSL, UN) for e in real_entries[path]}


def _groups(entries: Sequence[ListEntry]) -> list[set[str]]:
    return [{entries[m].id for m in p.members} for p in group_listings(entries)]


def test_joseph_kony_on_three_lists_is_one_profile(by_id: dict[str, ListEntry]) -> None:
    listings = [by_id[i] for i in ("un_sc:CFi.009", "us_ofac_sdn:11018", "us_trade_csl:SDN-11018")]
    (profile,) = group_listings(listings)
    assert profile.members == (0, 1, 2)
    assert len(profile.links) == 2  # one fewer than the listings
    evidence = {(listings[lk.a].id, listings[lk.b].id): lk for lk in profile.links}
    copy = evidence[("us_ofac_sdn:11018", "us_trade_csl:SDN-11018")]
    assert copy.evidence == REGISTER_ENTRY  # the CSL's copy of SDN entry 11018
    assert "OFAC's entry 11018" in copy.reason
    un = evidence[("un_sc:CFi.009", "us_ofac_sdn:11018")]
    assert un.evidence == NAME_BIRTH_DATE
    assert "1964-09-18" in un.reason  # the one day both lists give
    facts = combine(listings)
    assert facts.names[:2] == ("JOSEPH KONY", "KONY, Joseph")  # "Joseph KONY" is the first
    assert len({n.casefold() for n in facts.names}) == len(facts.names)
    assert "1964-09-18" in facts.birth_dates
    assert "UG" in facts.nationalities


def test_the_kony_brothers_are_three_parties(by_id: dict[str, ListEntry]) -> None:
    """Ali and Salim KONY share birth years (1992, 1993) and lists: other names, other
    profiles. Each one's UN and SDN listings join on the same set of birth years."""
    ids = [
        "un_sc:CFi.010", "us_ofac_sdn:19930", "us_trade_csl:SDN-19930",  # Ali
        "un_sc:CFi.011", "us_ofac_sdn:19929", "us_trade_csl:SDN-19929",  # Salim
        "un_sc:CFi.009", "us_ofac_sdn:11018",  # Joseph
    ]  # fmt: skip
    listings = [by_id[i] for i in ids]
    assert _groups(listings) == [set(ids[:3]), set(ids[3:6]), set(ids[6:])]
    ali = link(by_id["un_sc:CFi.010"], by_id["us_ofac_sdn:19930"])
    assert ali is not None
    assert ali.evidence == NAME_BIRTH_DATE
    assert "1992, 1993, 1994, 1995" in ali.reason


def test_positive_technologies_listings_join(by_id: dict[str, ListEntry]) -> None:
    """The SDN entry, its CSL copy and two Entity List rows (one under the Russian name,
    one as "Positive Technologies")."""
    ids = [
        "us_trade_csl:EL-8a89657ddfbf23bd4b7cbb5d15ca1a1e4f7468de",  # Positive Technologies
        "us_trade_csl:EL-166c97ec63b7db5c8646786122a9b60e15ebfe3b",  # AO Pozitiv Teknolodzhiz
        "us_trade_csl:SDN-31455",
        "us_ofac_sdn:31455",
        "us_ofac_sdn:46044",  # LLC POZITIVINFO: another company
    ]
    listings = [by_id[i] for i in ids]
    profiles = group_listings(listings)
    assert [{ids[m] for m in p.members} for p in profiles] == [set(ids[:4]), {ids[4]}]
    kinds = {lk.evidence for lk in profiles[0].links}
    assert kinds == {REGISTER_ENTRY, NAME_COUNTRY_KIND}
    by_name = next(lk for lk in profiles[0].links if lk.evidence == NAME_COUNTRY_KIND)
    assert "tied to RU" in by_name.reason
    facts = combine(listings[:4])
    assert [i.value for i in facts.identifiers] == ["7718668887"]  # the tax ID, once


def test_a_shared_passport_joins_names_spelt_apart(by_id: dict[str, ListEntry]) -> None:
    """Ayman al-Zawahiri: "Dr. Ayman AL ZAWAHIRI" on the SDN, "AIMAN MUHAMMED RABI
    AL-ZAWAHIRI" on the UN list; both give Egyptian passport 1084010."""
    found = link(by_id["us_ofac_sdn:2676"], by_id["un_sc:QDi.006"])
    assert found is not None
    assert found.evidence == IDENTIFIER
    assert found.reason == "both give Passport 1084010 (EG)"


def test_the_same_name_born_apart_is_two_people(by_id: dict[str, ListEntry]) -> None:
    """Ramon Eduardo and Eduardo Ramon ARELLANO FELIX: the same words, born 1964-08-31 and
    1956-11-10. Their CSL copies do not bridge them either."""
    ids = ["us_ofac_sdn:6706", "us_ofac_sdn:8234", "us_trade_csl:SDN-6706", "us_trade_csl:SDN-8234"]
    listings = [by_id[i] for i in ids]
    assert link(listings[0], listings[1]) is None
    profiles = group_listings(listings)
    assert [{ids[m] for m in p.members} for p in profiles] == [
        {ids[0], ids[2]},
        {ids[1], ids[3]},
    ]
    assert all(not p.possibly for p in profiles)  # born apart: not even "possibly"


def test_a_name_alone_is_only_possibly_the_same_party(by_id: dict[str, ListEntry]) -> None:
    """Yahia Abdallah AL-UBAIDI on the SDN and on the UN list: the same name and country
    (IQ), no date of birth, no document. Likely one man, but a name is not proof: two
    profiles, each noting the other."""
    listings = [by_id["us_ofac_sdn:7886"], by_id["un_sc:IQi.044"]]
    found = link(*listings)
    assert found is not None
    assert found.evidence == NAME_ONLY
    first, second = group_listings(listings)
    assert first.members == (0,)
    assert second.members == (1,)
    assert [(lk.a, lk.b) for lk in first.possibly] == [(0, 1)]
    assert [(lk.a, lk.b) for lk in second.possibly] == [(1, 0)]
    assert "nothing else in common" in first.possibly[0].reason


def test_two_entries_of_one_register_never_join(by_id: dict[str, ListEntry]) -> None:
    """ADOON GENERAL TRADING FZE and ADOON GENERAL TRADING L.L.C.: one name (the legal
    forms are of one family), one country, but two SDN entries, so two parties for OFAC."""
    ids = ["us_ofac_sdn:32154", "us_ofac_sdn:32152", "us_trade_csl:SDN-32154",
           "us_trade_csl:SDN-32152"]  # fmt: skip
    listings = [by_id[i] for i in ids]
    assert link(listings[2], listings[3]) is None
    assert _groups(listings) == [{ids[0], ids[2]}, {ids[1], ids[3]}]


def test_one_denial_order_on_the_dpl_and_the_csl_is_one_profile(
    parsed_list: Callable[[str], ParsedList],
) -> None:
    """The BIS DPL and the CSL's copy of its rows publish one order twice: the same name,
    the same first Federal Register notice (68 F.R. 38290) and listing date join them,
    although later notices made the two citations differ."""
    dpl = {e.id: e for e in parsed_list("us_bis_dpl/2023-11-30/dpl.txt").entries}
    csl = {e.id: e for e in parsed_list(CSL).entries}
    ihsan = dpl["us_bis_dpl:IHSAN-ELASHI:68FR38290"]
    copy = csl["us_trade_csl:DPL-a5169a55fa747253d0cd1c992e37afb839621073"]
    assert ihsan.citation != copy.citation  # 72 F.R. 4236 appended to one of them
    found = link(ihsan, copy)
    assert found is not None
    assert found.evidence == NAME_ORDER
    assert "68 F.R. 38290" in found.reason
    assert "2003-06-19" in found.reason
    # The same order naming another person (Ghassan Elashi, 66 F.R. 47630) joins nothing
    # on the order alone: the name must agree too.
    ghassan = dpl["us_bis_dpl:GHASSAN-ELASHI:66FR47630"]
    assert link(ihsan, ghassan) is None
