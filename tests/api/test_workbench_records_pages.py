"""The workbench's long pages and words without a browser (issue 13, points 5 and 6): the
glossary and the words pages use for codes, numbers with separators, a list's freshness,
a real SDN diff a page at a time with its filters and CSV (field by field), the audit trail
and the licences filtered and as CSV; every refusal comes back to its page naming the
field."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from datetime import date

import pytest
from fastapi import FastAPI

from exportguard.core.licensing import Event
from exportguard.core.permissions import Actor
from exportguard.web.common import freshness
from exportguard.web.vocabulary import age, change_cells, num, term, words
from tests.api.conftest import Api
from tests.api.test_workbench_pages import _signed_in

SDN_FEB = "us_ofac_sdn/2022-02-17/sdn.csv"
SDN_MAR = "us_ofac_sdn/2022-03-31/sdn.csv"


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_vocabulary_says_codes_in_words() -> None:
    assert str(term("S", "certainty")) == (
        '<abbr class="term" title="secondary — S — secondary source: a summary by the press, '
        'a law firm or an agency&#39;s guidance">secondary</abbr>'
    )
    assert words("not_eligible", "verdict") == "not eligible"
    assert words("under_review", "licence") == "under review"
    assert str(term("<b>", "verdict")) == "&lt;b&gt;"  # unknown: as given, escaped
    assert "OFAC Specially Designated Nationals" in str(term("us_ofac_sdn", "list"))
    assert "Export Administration Regulations" in str(term("us-ear", "regime"))
    assert (num(14032), num(1234.5), num(100_000.0), num(None)) == ("14,032", "1,234.5",
                                                                     "100,000", "")  # fmt: skip
    assert age(date(2022, 5, 16), date(2026, 11, 16)) == "4 years old"
    assert age(date(2026, 11, 4), date(2026, 11, 16)) == "12 days old"
    stamp = freshness(date(2022, 5, 16), date(2026, 11, 16), 365)
    assert stamp["text"] == "published 2022-05-16 — 4 years old"
    assert stamp["stale"]
    assert not freshness(date(2026, 11, 4), date(2026, 11, 16), 365)["stale"]
    before, after = change_cells({"field": "programs", "before": ["UKRAINE-EO13661"],
                                  "after": ["UKRAINE-EO13661", "RUSSIA-EO14024"]})  # fmt: skip
    assert str(before) == "UKRAINE-EO13661"
    assert str(after) == "UKRAINE-EO13661; <ins>RUSSIA-EO14024</ins>"


def test_the_glossary_and_words_on_the_pages(api: Api) -> None:
    officer, csrf = _signed_in(api, "officer")
    glossary = officer.get("/glossary")
    assert glossary.status_code == 200
    assert "S — secondary source" in glossary.text
    assert 'id="verdict-not_eligible"' in glossary.text
    r = officer.post("/decide", data={"csrf": csrf, "items": "4D004", "to": "MA",
                                      "date": "2021-12-01", "r_us-ear": "on",
                                      "end_user_type": "law-enforcement"})  # fmt: skip
    assert r.status_code == 200
    shown = re.search(r'data-verdict="(\w+)"><abbr class="term" title="([^"]+)">([^<]+)</abbr>',
                      r.text)  # fmt: skip
    assert shown is not None
    assert shown.group(3) == words(shown.group(1), "verdict")
    assert shown.group(2).startswith(f"{shown.group(3)} — ")
    assert "certainty: <abbr" in r.text
    demo = api.service.snapshots()[0]
    home = officer.get("/").text
    stamp = f"published {demo.published.isoformat()} — {age(demo.published, date(2026, 11, 16))}"
    assert stamp in home


def test_list_freshness_warns_past_the_configured_age(api: Api) -> None:
    officer, _ = _signed_in(api, "officer")
    published = api.service.snapshots()[0].published
    days = (date(2026, 11, 16) - published).days
    page = officer.get("/lists").text
    assert f"published {published.isoformat()} — {age(published, date(2026, 11, 16))}" in page
    assert ("more than 365 days old" in page) == (days > 365)
    app = api.client.app
    assert isinstance(app, FastAPI)
    app.state.list_max_age_days = days + 1  # as install() sets it from the setting
    assert "check for a newer list" not in officer.get("/lists").text
    app.state.list_max_age_days = days - 1
    assert "check for a newer list" in officer.get("/lists").text


@pytest.mark.imported(SDN_FEB, SDN_MAR)
def test_a_list_diff_a_page_at_a_time_with_filters_and_csv(api: Api) -> None:
    officer, _ = _signed_in(api, "officer")
    feb, mar = (s.id for s in api.service.snapshots())
    r = officer.get(f"/lists?from={feb}&to={mar}")
    assert r.status_code == 200
    assert "792 added, 1 removed, 33 changed." in r.text
    assert "Rows 1–50 of 826 · page 1 of 17" in r.text
    assert r.text.count('<tr data-kind="added"') == 50
    last = officer.get(f"/lists?from={feb}&to={mar}&page=17").text
    assert "Rows 801–826 of 826 · page 17 of 17" in last
    assert last.count('<tr data-kind="changed"') == 26
    changed = officer.get(f"/lists?from={feb}&to={mar}&kind=changed&q=rotenberg").text
    assert "Rows 1–4 of 4" in changed  # the Rotenbergs whose entries changed
    arkady = officer.get(f"/lists?from={feb}&to={mar}&kind=changed&q=arkady+romanovich").text
    assert "Rows 1–1 of 1" in arkady
    row = arkady[arkady.index('data-entry="us_ofac_sdn:') :]
    assert '<tr data-field="programs">' in row
    assert "<ins>RUSSIA-EO14024</ins>" in row
    assert "kind=changed&amp;q=rotenberg&amp;format=csv" in changed
    every = _rows(officer.get(f"/lists?from={feb}&to={mar}&format=csv").text)
    assert list(every[0]) == ["id", "name", "kind", "field", "before", "after"]
    assert len({e["id"] for e in every}) == 826  # one row per field changed
    assert [e["name"] for e in every if e["kind"] == "removed"] == [
        "Yani Benjamin ROSENTHAL HIDALGO"
    ]
    changed_rows = [e for e in every if e["kind"] == "changed"]
    assert all(e["field"] for e in changed_rows)
    assert not any((v.startswith("[") and "'" in v) or v == "None"
                   for e in every for v in (e["before"], e["after"]))  # no Python repr
    query = f"from={feb}&to={mar}&kind=changed&q=Arkady+Romanovich&format=csv"
    arkady_rows = _rows(officer.get(f"/lists?{query}").text)
    assert [(r["id"], r["field"]) for r in arkady_rows] == [
        ("us_ofac_sdn:16669", f) for f in ("name", "programs", "countries", "identifiers",
                                           "remarks", "nationalities")]  # fmt: skip
    by_field = {r["field"]: r for r in arkady_rows}
    assert (by_field["name"]["before"], by_field["name"]["after"]) == (
        "Arkady ROTENBERG", "Arkady Romanovich ROTENBERG")  # fmt: skip
    assert json.loads(by_field["programs"]["before"]) == ["UKRAINE-EO13661"]
    assert json.loads(by_field["programs"]["after"]) == ["UKRAINE-EO13661", "RUSSIA-EO14024"]
    assert by_field["nationalities"]["before"] == ""  # none before: empty, not "None"
    assert json.loads(by_field["identifiers"]["after"])[0]["value"] == "470305596440"
    for query, said in (
        (f"from=x&to={mar}", "from: must be a whole number from 1"),
        (f"from={mar}&to={feb}", "snapshots: snapshot"),
        (f"from={feb}&to={mar}&kind=moved", "kind: choose one of added, removed, changed"),
        (f"from={feb}&to={mar}&page=0", "page: must be a whole number from 1"),
    ):
        bad = officer.get(f"/lists?{query}")
        assert bad.status_code == 422, query
        assert said in bad.text, query
        assert 'id="diff-form"' in bad.text  # back on the form, not a dead end
        assert "Traceback" not in bad.text


def test_audit_filtered_by_kind_actor_and_day_and_as_csv(api: Api) -> None:
    officer, _ = _signed_in(api, "officer")
    api.service.for_actor(Actor("officer", "officer")).screen("NSO Group")
    everything = _rows(officer.get("/audit?format=csv").text)
    screenings = _rows(officer.get("/audit?kind=screening&actor=officer&format=csv").text)
    assert screenings
    assert {(r["kind"], r["actor"]) for r in screenings} == {("screening", "officer")}
    assert len(everything) > len(screenings)
    day = everything[-1]["at"][:10]
    page = officer.get(f"/audit?kind=screening&actor=officer&from={day}&to={day}").text
    assert f"Rows 1–{len(screenings)} of {len(screenings)}" in page
    assert officer.get("/audit?from=2000-01-01&to=2000-01-02").text.count("No record matches")
    bad = officer.get("/audit?from=16/11/2026")
    assert bad.status_code == 422
    assert "from: not a date (YYYY-MM-DD)" in bad.text
    assert 'id="audit-filter"' in bad.text


def test_licences_filtered_a_page_at_a_time_and_as_csv(api: Api) -> None:
    acme = api.service.for_actor(Actor("exporter", "exporter", "Acme Cyber"))
    made = [
        acme.licensing.apply(
            exporter="Acme Cyber",
            kind="export",
            regime="us-ear",
            items=["4D004"],
            destination=to,
            end_user=f"Police {to}",
            end_user_type="law-enforcement",
        )
        for to in ("FR", "DE", "IT")
    ]
    acme.licensing.transition(made[0].id, Event.SUBMIT, reason="complete")
    officer, _ = _signed_in(api, "officer")
    page = officer.get("/licences?state=submitted").text
    assert f'data-licence="{made[0].id}"' in page
    assert f'data-licence="{made[1].id}"' not in page
    assert ">submitted</abbr>" in page
    rows = _rows(officer.get("/licences?destination=de&format=csv").text)
    assert [(r["id"], r["state"], r["destination"]) for r in rows] == [(made[1].id, "draft", "DE")]
    assert len(_rows(officer.get("/licences?q=police&format=csv").text)) == 3
    bad = officer.get("/licences?state=granted")
    assert bad.status_code == 422
    assert "state: no licence state &#39;granted&#39;" in bad.text
    assert 'id="licence-filter"' in bad.text
    globex, _ = _signed_in(api, "globex")
    assert _rows(globex.get("/licences?format=csv").text) == []  # another company's: none


def test_refusals_come_back_to_their_forms(api: Api) -> None:
    officer, csrf = _signed_in(api, "officer")
    r = officer.post("/impact", data={"csrf": csrf, "kind": "lists", "from_snapshot": "x",
                                      "to_snapshot": "1"})  # fmt: skip
    assert r.status_code == 422
    assert "from_snapshot: must be a whole number from 1" in r.text
    assert 'id="impact-lists"' in r.text
    r = officer.post("/counterparties", data={"csrf": csrf, "exporter": "Acme Cyber",
                                              "name": "", "country": "Atlantis"})  # fmt: skip
    assert r.status_code == 422
    assert 'id="add-form"' in r.text
    assert 'value="Atlantis"' in r.text


def test_a_batch_jobs_hits_filtered_and_as_csv(api: Api) -> None:
    exporter, csrf = _signed_in(api, "exporter")
    r = exporter.post("/batch", data={"csrf": csrf}, follow_redirects=False, files={
        "file": ("p.csv", b"id,name\n1,NSO Group\n2,Northwind Optics GmbH\n")})  # fmt: skip
    job = r.headers["location"].rsplit("/", 1)[1]
    assert api.service.jobs.run_next("test") == job
    hits = _rows(exporter.get(f"/batch/{job}?hits=1&format=csv").text)
    assert hits
    assert {h["id"] for h in hits} == {"1"}
    none = _rows(exporter.get(f"/batch/{job}?list=Denied+Persons&format=csv").text)
    assert none == []
    page = exporter.get(f"/batch/{job}?list=entity+list").text
    assert 'data-row="1"' in page
    assert 'data-row="2"' not in page


def test_the_map_page_ticks_the_regimes_dated_changes(api: Api) -> None:
    assert [d.isoformat() for d in api.service.decisions.change_dates("il-deca")] == [
        "2014-01-01", "2021-11-25", "2021-12-06", "2022-01-01"
    ]  # fmt: skip
    officer, _ = _signed_in(api, "officer")
    page = officer.get("/map").text
    found = re.search(r"data-changes='([^']+)'", page)
    assert found is not None
    shown = json.loads(html.unescape(found.group(1)))
    assert shown["il-deca"] == ["2021-11-25", "2021-12-06", "2022-01-01"]  # from the slider's start
    assert ">no data</li>" in page


def test_an_admin_retires_a_snapshot_and_the_lists_say_what_is_not_screened(
    api: Api, lists_dir: object
) -> None:
    """Review of issue 13, finding 1: the lists page says which snapshot is NOT screened
    and why (a newer import dated by a guess), and an admin retires a snapshot from it."""
    from pathlib import Path

    from exportguard.core.snapshots import SourceFile

    folder = Path(str(lists_dir)) / "us_ofac_sdn" / "sample_small"
    sample = [SourceFile(str(p), p.read_bytes()) for p in sorted(folder.iterdir())]
    feb = Path(str(lists_dir)) / "us_ofac_sdn" / "2022-02-17" / "sdn.csv"
    api.service.import_files([SourceFile(str(feb), feb.read_bytes())],
                             published=date(2022, 2, 17))  # fmt: skip
    undated = api.service.import_files(sample).results[0].snapshot
    admin, csrf = _signed_in(api, "admin")
    page = admin.get("/lists").text
    assert f'id="not-screened-{undated.id}"' in page
    assert "NOT screened" in page
    officer, officer_csrf = _signed_in(api, "officer")
    refused = officer.post(f"/lists/{undated.id}/retire",
                           data={"csrf": officer_csrf, "reason": "x"})  # fmt: skip
    assert refused.status_code == 403
    missing = admin.post(f"/lists/{undated.id}/retire", data={"csrf": csrf, "reason": " "})
    assert missing.status_code == 422
    assert "say why the snapshot is retired" in missing.text
    done = admin.post(f"/lists/{undated.id}/retire", data={"csrf": csrf, "reason": "a sample"},
                      follow_redirects=False)  # fmt: skip
    assert done.status_code == 303
    after = admin.get(done.headers["location"]).text
    assert f"Snapshot {undated.id} (us_ofac_sdn) retired" in after
    assert f'id="not-screened-{undated.id}"' not in after
    assert api.service.snapshot(undated.id).retired
    # A reload of the form's address goes back to the lists (no dead end).
    assert admin.get(f"/lists/{undated.id}/retire", follow_redirects=False).status_code == 303
