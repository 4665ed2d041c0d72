"""POST /api/v1/screen groups hits by listed party (issue 13, points 2 and 3): ``profiles``
beside the ``hits`` as before, each hit with its list's publication date and its
explanation in plain words."""

from __future__ import annotations

import re

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


def _signed_in_form(api: Api) -> str:
    """Signs the client in as the officer; the screening form's CSRF value."""
    login = api.client.get("/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', login)
    assert csrf is not None
    api.client.post(
        "/login", data={"username": "officer", "password": "officer-demo", "csrf": csrf[1]}
    )
    found = re.search(r'name="csrf" value="([^"]+)"', api.client.get("/screen").text)
    assert found is not None
    return found[1]


def test_web_form_takes_the_qualifiers_and_names_a_bad_field(api: Api) -> None:
    csrf = _signed_in_form(api)
    bad = api.client.post(
        "/screen",
        data={"csrf": csrf, "name": "Positive Technologies", "birth_date": "1970-13",
              "threshold": "0.9"},
    )  # fmt: skip
    assert bad.status_code == 422
    assert "birth_date: must be a date: YYYY, YYYY-MM or YYYY-MM-DD" in bad.text
    assert 'value="1970-13"' in bad.text  # the form as filled in
    too_high = api.client.post("/screen", data={"csrf": csrf, "name": "x", "threshold": "2"})
    assert too_high.status_code == 422
    assert "threshold: must be between 0 and 1" in too_high.text
    # An identifier alone, as the API takes it: the SDN listing by its tax ID, and the
    # Entity List rows joined to it in one profile.
    r = api.client.post(
        "/screen", data={"csrf": csrf, "name": "", "identifiers": "Tax ID No. 7718668887\n"}
    )
    assert r.status_code == 200, r.text
    assert r.text.count('<section class="profile"') == 1
    assert "identifiers 7718668887" in r.text
    assert "Why these listings are one party" not in r.text  # one listing found
    r = api.client.post(
        "/screen",
        data={"csrf": csrf, "name": "Positive Technologies", "country": "RU",
              "type": "organization"},
    )  # fmt: skip
    assert r.status_code == 200
    assert r.text.count('<section class="profile"') == 1
    assert 'data-listings="3"' in r.text
    assert "Why these listings are one party" in r.text
    assert "list published 2022-05-16" in r.text
