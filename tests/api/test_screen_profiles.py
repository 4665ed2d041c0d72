"""POST /api/v1/screen groups hits by listed party (issue 13, points 2 and 3): ``profiles``
beside the ``hits`` as before, each hit with its list's publication date and its
explanation in plain words."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api

CSL = "us_trade_csl/2022-05-16/consolidated.csv"
UN = "un_sc/2026-02-27/consolidated.xml"


@pytest.mark.imported(UN, CSL)
def test_joseph_kony_is_one_profile_of_two_lists(api: Api) -> None:
    r = api.client.post(
        "/api/v1/screen",
        json={"name": "Joseph Kony", "birth_date": "1964-09-18"},
        headers=api.as_("officer"),
    )
    assert r.status_code == 200, r.text
    data = r.json()
    by_id = {h["entity_id"]: h for h in data["hits"]}
    assert {"un_sc:CFi.009", "us_trade_csl:SDN-11018"} <= by_id.keys()
    # The fields of a hit as before, and the new ones.
    un = by_id["un_sc:CFi.009"]
    assert {"rank", "score", "explanation", "documents", "details", "entry", "review"} <= un.keys()
    assert un["list_published"] == "2026-02-27"
    assert by_id["us_trade_csl:SDN-11018"]["list_published"] == "2022-05-16"
    assert "the date of birth given agrees: listed 1964-09-18" in un["plain_explanation"]
    (kony,) = [p for p in data["profiles"] if "un_sc:CFi.009" in p["entity_ids"]]
    assert set(kony["entity_ids"]) == {"un_sc:CFi.009", "us_trade_csl:SDN-11018"}
    assert kony["sources"] == ["un_sc", "us_trade_csl"]
    assert kony["hits"] == sorted(by_id[i]["rank"] for i in kony["entity_ids"])
    (why,) = kony["links"]
    assert why["evidence"] == "name and date of birth"
    assert {why["from"], why["to"]} == set(kony["entity_ids"])
    assert "1964-09-18" in why["reason"]
    assert "1964-09-18" in kony["birth_dates"]
    assert "UG" in kony["nationalities"]
    # Every hit shown is in exactly one profile.
    ranks = sorted(rank for p in data["profiles"] for rank in p["hits"])
    assert ranks == list(range(1, len(data["hits"]) + 1))


def test_demo_positive_technologies_listings_are_one_profile(api: Api) -> None:
    r = api.client.post(
        "/api/v1/screen", json={"name": "Positive Technologies"}, headers=api.as_("exporter")
    )
    assert r.status_code == 200, r.text
    data = r.json()
    (profile,) = data["profiles"]
    assert len(profile["entity_ids"]) == len(data["hits"]) == 3
    assert all(lk["evidence"] == "name, country and kind" for lk in profile["links"])
    assert [i["value"] for i in profile["identifiers"]] == ["7718668887"]
    assert "Aktsionernoe Obshchestvo Pozitiv Teknolodzhiz" in profile["names"]
    alias = next(h for h in data["hits"] if h["matched_name"] != h["name"])
    assert any("extra legal form 'jsc'" in s for s in alias["plain_explanation"])
    schema = api.client.get("/openapi.json").json()["components"]["schemas"]
    assert "from" in schema["ProfileLinkOut"]["properties"]
