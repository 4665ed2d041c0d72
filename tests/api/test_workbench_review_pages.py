"""The workbench after a fresh-eyes review, without a browser: no dead end in a browser
(errors are pages with a way back, a form's action reloaded goes to its page, a stale form
says to reload it, a sign-in comes back where it was), and words where codes were shown."""

from __future__ import annotations

import csv
import html
import io
import re

import pytest
from fastapi.testclient import TestClient

from exportguard.core import countries
from exportguard.core.licensing import Conditions, Event
from exportguard.core.permissions import Actor
from exportguard.services.licensing import Licence
from exportguard.sources.detect import FORMATS
from exportguard.web.vocabulary import FORMAT_WORDS, country, said, when, words
from tests.api.conftest import Api
from tests.api.test_workbench_pages import _signed_in

SITE = "http://testserver"


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _draft(api: Api, to: str = "FR") -> Licence:
    acme = api.service.for_actor(Actor("exporter", "exporter", "Acme Cyber"))
    return acme.licensing.apply(
        exporter="Acme Cyber", kind="export", regime="us-ear", items=["4D004"],
        destination=to, end_user="Police nationale", end_user_type="law-enforcement",
        value=40000,
    )  # fmt: skip


def test_a_browser_never_sees_a_json_error(api: Api) -> None:
    lic = _draft(api)
    officer, csrf = _signed_in(api, "officer")
    stale = officer.post(f"/licences/{lic.id}/shipments",
                         data={"csrf": "from-an-old-session", "shipped_on": "2026-11-16"},
                         headers={"Referer": f"{SITE}/licences/{lic.id}?tab=x"})  # fmt: skip
    assert stale.status_code == 403
    assert stale.headers["content-type"].startswith("text/html")
    assert "Your session changed" in stale.text
    assert f'<a href="/licences/{lic.id}?tab=x" id="back">Reload the form</a>' in stale.text
    elsewhere = officer.post(f"/licences/{lic.id}/event", data={"csrf": ""},
                             headers={"Referer": "https://evil.example/licences/x"})  # fmt: skip
    assert f'<a href="/licences/{lic.id}" id="back">Reload the form</a>' in elsewhere.text

    reload = officer.get(f"/licences/{lic.id}/shipments", follow_redirects=False)
    assert (reload.status_code, reload.headers["location"]) == (303, f"/licences/{lic.id}")
    assert officer.get("/reports", follow_redirects=False).headers["location"] == "/reviews"

    missing = officer.get("/no/such/page")
    assert missing.status_code == 404
    assert "There is no page at this address." in missing.text
    assert 'id="back">Start page</a>' in missing.text
    assert "Sign out" in missing.text  # the page frame, signed in
    assert officer.get("/no/such/page", headers={"Accept": "application/json"}).json()[
        "error"]["code"] == "not_found"  # fmt: skip
    for path in ("/api/v1/no/such/route", "/api/v1/licences/L-999999"):
        r = officer.get(path, headers={"Accept": "text/html"})
        assert r.json()["error"]["status"] == 404, path  # the API keeps its one shape
    assert officer.post("/cases", data={"csrf": csrf, "origin": "nowhere"}).status_code == 422


def test_every_post_only_page_path_sends_a_get_to_its_form(api: Api) -> None:
    routes = {}
    for route in api.client.app.routes:  # type: ignore[attr-defined]
        routes.setdefault(getattr(route, "path", ""), set()).update(
            getattr(route, "methods", None) or ())
    posted_only = {p for p, m in routes.items() if "POST" in m and "GET" not in m
                   and not p.startswith("/api/")}  # fmt: skip
    assert posted_only == set()  # each has its GET that redirects


def test_a_form_sent_after_the_session_ended_signs_in_and_comes_back(api: Api) -> None:
    lic = _draft(api)
    browser = TestClient(api.client.app)  # no session
    r = browser.post(f"/licences/{lic.id}/shipments", data={"csrf": "x"},
                     follow_redirects=False)  # fmt: skip
    # (the form's action: after signing in, its GET goes to the form's page)
    assert r.headers["location"] == f"/login?next=%2Flicences%2F{lic.id}%2Fshipments"
    r = browser.post("/screen", data={"csrf": "x", "name": "NSO Group"},
                     headers={"Referer": f"{SITE}/screen?name=NSO"}, follow_redirects=False)
    assert r.headers["location"] == "/login?next=%2Fscreen%3Fname%3DNSO"
    assert browser.get("/licences?state=draft", follow_redirects=False).headers[
        "location"] == "/login?next=%2Flicences%3Fstate%3Ddraft"  # fmt: skip
    for given, back in ((f"/licences/{lic.id}", f"/licences/{lic.id}"),
                        ("//evil.example/x", "/"), ("https://evil.example/", "/"),
                        ("/\\evil.example", "/")):  # fmt: skip
        form = browser.get("/login", params={"next": given}).text
        assert f'name="next" value="{back}"' in form, given
        token = re.search(r'name="csrf" value="([^"]+)"', form)
        assert token is not None
        r = browser.post("/login", data={"username": "officer", "password": "officer-demo",
                                         "csrf": token.group(1), "next": given},
                         follow_redirects=False)  # fmt: skip
        assert r.headers["location"] == back, given
    assert browser.get(f"/licences/{lic.id}/shipments").url.path == f"/licences/{lic.id}"


def test_the_batch_page_says_the_types_it_takes(api: Api) -> None:
    exporter, csrf = _signed_in(api, "exporter")
    form = exporter.get("/batch").text
    assert "person (or individual), organization (or organisation, entity), vessel or" in form
    taken = exporter.post("/batch", data={"csrf": csrf}, follow_redirects=False, files={
        "file": ("p.csv", b"id,name,type\n1,NSO Group,Entity\n2,Tal Dilian,individual\n"
                          b"3,Saito Maru,VESSEL\n")})  # fmt: skip
    assert taken.status_code == 303
    refused = exporter.post("/batch", data={"csrf": csrf}, files={
        "file": ("p.csv", b"id,name,type\n1,NSO Group,company\n")})  # fmt: skip
    assert refused.status_code == 422
    assert "line 2: type: must be person (or individual), organization (or" in refused.text
    job = taken.headers["location"].rsplit("/", 1)[1]
    assert api.service.jobs.run_next("test") == job
    hits = _csv(exporter.get(f"/batch/{job}/result.csv").text)
    assert {h["type"] for h in hits if h["id"] == "1" and h["type"]} == {"organization"}


def test_the_words_pages_use_for_codes_dates_and_countries() -> None:
    assert said("licence L-000001: the decision D-1 is not_eligible; verdict "
                "licence_required -> not_eligible; closed (no_action), under_review") == (
        "licence L-000001: the decision D-1 is not eligible; verdict licence required → "
        "not eligible; closed (no action), under review")  # fmt: skip
    assert when("2026-11-16T14:03:22.512+00:00") == "16 Nov 2026, 14:03 UTC"
    assert when("2026-11-16T16:03:22+02:00") == "16 Nov 2026, 14:03 UTC"
    assert (when(None), when("not a time")) == ("", "not a time")
    assert country("RU") == f"{countries.name('RU')} (RU)"
    assert country("Atlantis") == "Atlantis"
    assert words("no_action", "outcome") == "no action"
    assert {f.name for f in FORMATS} == set(FORMAT_WORDS)  # every format has its words
    assert words("un_sc_xml", "format") == "UN Security Council XML"


def test_impact_says_what_it_did_and_reviews_say_outcomes_in_words(api: Api) -> None:
    acme = api.service.for_actor(Actor("exporter", "exporter", "Acme Cyber"))
    lic = acme.licensing.apply(
        exporter="Acme Cyber", kind="marketing", regime="il-deca", items=["4D004"],
        destination="MA", end_user="Police of MA", end_user_type="law-enforcement",
        end_use="law-enforcement",
    )  # fmt: skip
    acme.licensing.transition(lic.id, Event.SUBMIT, reason="complete")
    officer, csrf = _signed_in(api, "officer")
    question = {"csrf": csrf, "kind": "regime", "regime": "il-deca", "from": "2021-11-24",
                "to": "2021-11-25"}  # fmt: skip
    dry = officer.post("/impact", data=question).text
    assert "Nothing was changed: this was an analysis only." in dry
    assert 'name="act" >' in dry  # left unticked
    assert "verdict licence required → not eligible" in dry
    assert f'<td class="id"><a href="/licences/{lic.id}">{lic.id}</a></td>' in dry
    acted = officer.post("/impact", data={**question, "act": "on"}).text
    (review,) = api.service.licensing.reviews()
    assert (f'<li><a href="/licences/{lic.id}">{lic.id}</a>: queued for review (review '
            f'{review.id}, in the <a href="/reviews">review queue</a>)</li>') in acted
    assert 'name="act" checked>' in acted  # the box stays ticked
    queue = officer.get("/reviews").text
    assert '<option value="no_action">no action</option>' in queue
    closed = officer.post("/reviews", data={"csrf": csrf, "review": review.id,
                                            "outcome": "no_action", "reason": "seen"})  # fmt: skip
    assert f"Review {review.id} closed (no action) for {lic.id}" in closed.text


def test_retired_snapshots_and_formats_in_words_on_the_lists_page(api: Api) -> None:
    (demo,) = api.service.snapshots()
    admin = api.service.for_actor(Actor("admin", "admin"))
    admin.retire_snapshot(demo.id, reason="superseded by a newer list")
    officer, _ = _signed_in(api, "officer")
    lists = officer.get("/lists").text
    row = lists[lists.index(f'<tr data-snapshot="{demo.id}">'):]
    row = row[: row.index("</tr>")]
    assert ">retired</span>" in row
    assert "superseded by a newer list" in row
    assert f">{words(demo.format, 'format')}</abbr>" in row
    option = f'{demo.id} · {words(demo.source, "list")} · {demo.published} · retired</option>'
    assert option in lists
    assert option in officer.get("/impact").text  # still offered for a diff


def test_a_shipment_and_a_screening_in_words(api: Api) -> None:
    lic = _draft(api)
    acme = api.service.for_actor(Actor("exporter", "exporter", "Acme Cyber"))
    acme.licensing.transition(lic.id, Event.SUBMIT, reason="complete")
    staff = api.service.for_actor(Actor("officer", "officer"))
    staff.licensing.transition(lic.id, Event.REVIEW, reason="taken")
    staff.licensing.transition(lic.id, Event.APPROVE, reason="ok",
                               conditions=Conditions(max_value=100_000))  # fmt: skip
    exporter, csrf = _signed_in(api, "exporter")
    shipped = exporter.post(f"/licences/{lic.id}/shipments",
                            data={"csrf": csrf, "shipped_on": "2026-11-16", "value": "60000",
                                  "end_user": "Police nationale"})  # fmt: skip
    assert "Shipment recorded; value left: 40,000" in shipped.text
    officer, csrf = _signed_in(api, "officer")
    screened = officer.post("/screen", data={"csrf": csrf, "name": "",
                                             "identifiers": "IMO 8661850"}).text  # fmt: skip
    assert '<p id="screened">Screened identifiers 8661850 against' in screened  # no comma
    screened = officer.post("/screen", data={"csrf": csrf, "name": "Positive Technologies",
                                             "country": "RU"}).text  # fmt: skip
    russia = country("RU")
    assert f"Screened <strong>Positive Technologies</strong>, country {russia} against" in (
        screened)  # fmt: skip
    assert f"<dt>Countries</dt><dd>{russia}" in screened
    seq = re.search(r'href="/api/v1/audit/(\d+)/certificate"', screened)
    assert seq is not None
    cert = api.client.get(f"/api/v1/audit/{seq.group(1)}/certificate", headers=api.as_("officer"))
    listed = cert.text[cert.text.index("Lists screened against"):cert.text.index("Matches")]
    assert "<td>ExportGuard demo list (public facts)</td>" in listed
    assert "exportguard_demo" not in listed


CSL = "us_trade_csl/2022-05-16/consolidated.csv"


def _options(page: str, select: str) -> list[str]:
    found = re.search(rf'<select name="assignee"[^>]*{select}[^>]*>(.*?)</select>', page, re.S)
    assert found is not None
    return re.findall(r"<option[^>]*>([^<]*)</option>", found.group(1))


def _open_case(client: TestClient, csrf: str, name: str, listed: str = "") -> str:
    """Screens ``name`` on the page and opens a case from the first hit (whose listing
    contains ``listed``): the case page's address."""
    screened = client.post("/screen", data={"csrf": csrf, "name": name}).text
    ref = re.search(r'name="ref" value="(\d+)"', screened)
    entries = re.findall(r'name="entry_id" value="([^"]+)"', screened)
    assert ref is not None
    entry = next(e for e in entries if listed in e)
    r = client.post("/cases", data={"csrf": csrf, "origin": "screening", "ref": ref.group(1),
                                    "entry_id": entry}, follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    return str(r.headers["location"]).split("?")[0]


@pytest.mark.imported(CSL)
def test_a_profile_says_possibly_the_same_once_and_a_case_links_its_source(api: Api) -> None:
    officer, csrf = _signed_in(api, "officer")
    screened = officer.post("/screen", data={"csrf": csrf, "name": "Sberbank"}).text
    for profile in re.findall(r'<section class="profile".*?</section>', screened, re.S):
        notes = re.findall(r"Possibly the same party as profile <a[^>]*>(\d+)</a>", profile)
        assert len(notes) == len(set(notes)), notes  # one box per other profile
    assert "Possibly the same party as profile" in screened
    case = officer.get(_open_case(officer, csrf, "Rosneft", "us_trade_csl")).text
    link = re.search(r'<th scope="row">source</th><td><a href="(https?://[^"]+)" '
                     r'rel="noopener noreferrer">', case)  # fmt: skip
    assert link is not None
    assert '<details class="technical"><summary>Technical detail</summary>' in case
    assert _options(case, 'aria-label="Assign the case to"') == ["nobody", "officer"]
    decided = officer.post(case_path := _open_case(officer, csrf, "Rosneft", "us_trade_csl"),
                           data={"csrf": csrf, "action": "decide",
                                 "disposition": "false_positive",
                                 "reason_code": "identifier_match", "note": "checked"})
    assert decided.status_code == 422, case_path
    assert ("reason_code: choose a reason for a false positive: “The date of birth differs”"
            in html.unescape(decided.text))  # fmt: skip
    assert "birth_date_differs" not in decided.text.split("<form")[0]


def test_an_exporters_case_page_speaks_to_the_company(api: Api) -> None:
    exporter, csrf = _signed_in(api, "exporter")
    case = exporter.get(_open_case(exporter, csrf, "NSO Group")).text
    assert "confirmed by a second user of your company" in case
    assert "officer" not in case.split('id="four-eyes">')[1].split("</td>")[0]
    for select in ('aria-label="Assign the case to"', ""):
        assert _options(case, select) in (["nobody", "exporter"], ["—", "exporter"])


def test_row_review_buttons_have_names_of_their_own(api: Api) -> None:
    exporter, csrf = _signed_in(api, "exporter")
    decided = exporter.post("/decide", data={"csrf": csrf, "items": "4D004", "to": "AE",
                                             "date": "2021-12-01",
                                             "end_users": "NSO Group\nCandiru",
                                             "r_us-ear": "on", "r_il-deca": "on",
                                             "r_eu-dual-use": "on"}).text  # fmt: skip
    names = re.findall(r'aria-label="(Review the match as a case:[^"]+)"', decided)
    assert len(names) >= 2
    assert len(set(names)) == len(names)
    assert all("(" in n and ";" in n for n in names)  # its list, regime and rule
    job = exporter.post("/batch", data={"csrf": csrf}, follow_redirects=False, files={
        "file": ("p.csv", b"id,name\n1,NSO Group\n2,Candiru\n")}).headers["location"]  # fmt: skip
    running = exporter.get(job).text
    assert '<script src="/static/job-progress.js" defer></script>' in running
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in running
    assert 'content="1"' not in running
    assert 'aria-live="polite"' in running
    assert re.search(r'<progress id="batch-progress" data-job="[^"]+" data-status="batch-status"',
                     running)  # fmt: skip
    assert api.service.jobs.run_next("test") == job.rsplit("/", 1)[1]
    done = exporter.get(job).text
    assert "Download all the results (CSV)</a>: every row of the file" in done
    assert "Download filtered result rows (CSV)" in done
    buttons = re.findall(r'aria-label="(Review as a case: the hit of row[^"]+)"', done)
    assert buttons
    assert len(set(buttons)) == len(buttons)
    assert all("(" in b.split(" on ", 1)[1] for b in buttons)  # with the list and entry


def test_the_licence_page_says_value_decisions_and_shows_an_exporter_its_fields(
    api: Api,
) -> None:
    exporter, csrf = _signed_in(api, "exporter")
    made = exporter.post("/licences/new", data={
        "csrf": csrf, "decision": "D-000009", "kind": "export", "regime": "us-ear",
        "items": "4D004", "destination": "FR", "end_user": "Police nationale",
        "value": "40000"})  # fmt: skip
    assert "Draft opened from decision D-000009" in made.text
    assert "no licensing decision is made yet" in made.text
    assert '<p id="application-value">Value applied for: 40,000</p>' in made.text
    assert "licensing decision: none made yet" in made.text
    assert "Decision: none yet" not in made.text
    assert 'name="max_value"' not in made.text  # an exporter submits: no officer fields
    assert 'name="valid_until"' not in made.text
    lic = made.url.path.rsplit("/", 1)[1]
    api.service.for_actor(Actor("exporter", "exporter", "Acme Cyber")).licensing.transition(
        lic, Event.SUBMIT, reason="complete")  # fmt: skip
    api.service.for_actor(Actor("officer", "officer")).licensing.transition(
        lic, Event.REVIEW, reason="taken")  # fmt: skip
    officer, _ = _signed_in(api, "officer")
    assert 'name="max_value"' in officer.get(f"/licences/{lic}").text  # approve: its fields
