"""POST /api/v1/screen on a real list (review of issue 11): identifier-only screening,
and a list filter no list name matches answered 422 in the one error shape."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api

CSL = "us_trade_csl/2022-05-16/consolidated.csv"  # HAVIN BANK LIMITED: SWIFT/BIC HAVIGB2L
HAVIN = "us_trade_csl:SDN-906"


@pytest.mark.imported(CSL)
def test_api_screens_on_identifiers_alone(api: Api) -> None:
    r = api.client.post(
        "/api/v1/screen",
        json={"name": "", "identifiers": ["Company Number 01074897"]},
        headers=api.as_("exporter"),
    )
    assert r.status_code == 200, r.text
    assert HAVIN in {h["entity_id"] for h in r.json()["hits"]}
    r = api.client.post(
        "/api/v1/screen", json={"identifiers": ["HAVIGB2LXXX"]}, headers=api.as_("exporter")
    )
    assert r.status_code == 200, r.text
    assert HAVIN in {h["entity_id"] for h in r.json()["hits"]}
    for body in ({"name": "", "identifiers": []}, {"name": "  "}, {}):
        bad = api.client.post("/api/v1/screen", json=body, headers=api.as_("exporter"))
        assert bad.status_code == 422, body
        assert bad.json()["error"]["fields"][0]["field"] == "name"
    bad = api.client.post(
        "/api/v1/screen",
        json={"name": "Huawei", "lists": ["Entitylist"]},
        headers=api.as_("exporter"),
    )
    assert bad.status_code == 422
    error = bad.json()["error"]
    assert error["fields"][0]["field"] == "lists"
    assert "Entity List (EL)" in error["fields"][0]["message"]
    assert error["code"]
