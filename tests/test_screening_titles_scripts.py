"""Screening on the real CSL 2022-05-16, third review of issue 11 (a tester's own inputs):
a rank or title written out in full before a listed person's name, untyped as batch files
and the API send it; a common Arabic given name is not an article; Korean names in the
two romanisation systems and in Hangul."""

from __future__ import annotations

import pytest

from exportguard.services import ExportGuard

CSL = "us_trade_csl/2022-05-16/consolidated.csv"


def names_hit(service: ExportGuard, query: str) -> dict[str, float]:
    found = service.screen(query, record=False, limit=None)
    return {h.entry.name: h.score for h in found.hits}


@pytest.mark.imported(CSL)
def test_ranks_titles_and_scripts_on_the_csl(service: ExportGuard) -> None:
    # A rank in full before a listed person's name weighs as a title, typed or not.
    for query, listed in [
        ("General Tohami Khaled", "KHALED, Tohami"),  # SDN 12689, "Title: General"
        ("Colonel Tohami Khaled", "KHALED, Tohami"),
        ("Senior General Min Aung Hlaing", "HLAING, Min Aung"),  # SDN 27225
        ("Doctor Ali Akbar Ahmadian", "AHMADIAN, Ali Akbar"),  # SDN 10480
        ("Vice Admiral Ali Akbar Ahmadian", "AHMADIAN, Ali Akbar"),
    ]:
        assert listed in names_hit(service, query), query
    # ... but a rank beside one name word is not a title: "Major Tom" is two words, not
    # the one-word alias TOM.
    assert not any(s >= 0.86 for s in names_hit(service, "Major Tom").values())
    # Ali (علي) is a given name, not the article of AL-HISN (SDN 21206), whatever the
    # consonants; nor joined with the next word into another name.
    for query in ("علي حسن", "علي حسين", "علي نور"):
        assert "AL-HISN" not in names_hit(service, query), query
    # Korean: Revised Romanisation's "eo" is McCune-Reischauer's o (건 geon ~ gon), and
    # Yi is Ri/Li/Lee (이/리).
    for query, listed in [
        ("리만건", "RI, Man Gon"),  # SDN 19491
        ("Ri Man Geon", "RI, Man Gon"),
        ("Yi Won Ho", "RI, Won Ho"),  # SDN 19609
    ]:
        assert listed in names_hit(service, query), query
    # "Abd al-Latif" written as one word, the chain after it left out (SDN 18048).
    hits = names_hit(service, "Abdullatif al-Kawari")
    assert max(s for n, s in hits.items() if "KAWARI" in n) >= 0.86
    # An airline's "Air" written in Cyrillic or Arabic is Air (SDN 12927 MAHAN AIR) ...
    for query in ("Махан Эйр", "ماهان إير"):
        assert names_hit(service, query).get("MAHAN AIR", 0) >= 0.86, query
    # ... and a listed name of company and place words only is matched closely or not at
    # all: Iraq's airline is not IRAN AIR.
    for query in ("Irak Air", "Ирак Эйр"):
        assert names_hit(service, query).get("IRAN AIR", 0) < 0.86, query
    # Ranks stay ordinary words of a company's name and alone are no evidence.
    assert not names_hit(service, "General Trading")
    assert "KHALED, Tohami" not in names_hit(service, "General Khaled Trading")
