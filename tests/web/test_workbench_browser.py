"""The officer's workbench in a real browser (issue 13, point 4), one test a journey, each
as the role that does it: shipments on a licence with its balance and a refusal (exporter);
a list upload, a bad file then a good one (admin); a batch screening from upload through
progress to the results and their CSV (exporter); a user's access, role and API token
(admin); an application from a decision into the officer's queue, and an impact review
of it refused (exporter, then officer). Uploads are real list files."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from exportguard.api import create_app
from exportguard.core.licensing import Conditions, Event, State
from exportguard.core.permissions import Actor
from exportguard.services import ExportGuard
from tests.web.support import serving, shot, sign_in

pytestmark = pytest.mark.browser

LISTS = Path(__file__).resolve().parents[3] / "shared" / "data" / "lists"
OFAC_SMALL = LISTS / "us_ofac_sdn" / "sample_small"  # 17 real SDN records, no date in them
DGST = "Direction Generale de la Surveillance du Territoire"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, ExportGuard]]:
    db = tmp_path_factory.mktemp("workbench") / "web.db"
    service = ExportGuard(f"sqlite:///{db}", actor="system")
    with serving(create_app(service, demo=True, worker=True)) as url:
        yield url, service
    service.close()


def test_shipments_show_the_balance_and_a_refusal_comes_back_to_the_form(
    browser: object, served: tuple[str, ExportGuard]
) -> None:
    server, service = served
    acme = service.for_actor(Actor("exporter", "exporter", "Acme Cyber"))
    lic = acme.licensing.apply(
        exporter="Acme Cyber", kind="export", regime="us-ear", items=["4D004"],
        destination="FR", end_user="Police nationale", end_user_type="law-enforcement",
        end_use="law-enforcement",
    )  # fmt: skip
    acme.licensing.transition(lic.id, Event.SUBMIT, reason="file complete")
    officer = service.for_actor(Actor("officer", "officer"))
    officer.licensing.transition(lic.id, Event.REVIEW, reason="taken")
    officer.licensing.transition(lic.id, Event.APPROVE, reason="meets policy",
                                 conditions=Conditions(max_value=100_000))  # fmt: skip

    page = sign_in(browser, server, "exporter")
    page.goto(f"{server}/licences/{lic.id}")  # type: ignore[attr-defined]
    balance = page.locator("#balance")  # type: ignore[attr-defined]
    expect(balance).to_contain_text("value used 0, left 100,000")
    form = page.locator("#ship-form")  # type: ignore[attr-defined]
    expect(form.get_by_label("End user", exact=True)).to_have_value("Police nationale")
    form.get_by_label("Value").fill("60000")
    form.get_by_label("Quantity").fill("3")
    form.get_by_role("button", name="Record shipment").click()
    expect(page.locator(".message")).to_contain_text(  # type: ignore[attr-defined]
        "Shipment recorded; value left: 40,000"
    )
    expect(balance).to_contain_text("value used 60,000, left 40,000")
    form.get_by_label("Value").fill("50000")
    form.locator('select[name="end_use"]').select_option("research")
    form.get_by_role("button", name="Record shipment").click()
    error = page.locator("p.error")  # type: ignore[attr-defined]
    expect(error).to_contain_text("value: 50,000 exceeds the remaining balance 40,000 of 100,000")
    expect(error).to_contain_text("end_use: 'research' is not permitted (law-enforcement)")
    expect(form.get_by_label("Value")).to_have_value("50000")  # as filled in
    expect(balance).to_contain_text("value used 60,000, left 40,000")
    assert page.locator("#shipment-list tbody tr").count() == 1  # type: ignore[attr-defined]
    shot(page, "licence-shipments")
    page.context.close()  # type: ignore[attr-defined]


def test_admin_uploads_a_bad_list_file_then_a_good_set(
    browser: object, served: tuple[str, ExportGuard]
) -> None:
    server, _ = served
    page = sign_in(browser, server, "admin")
    page.get_by_role("link", name="Import lists").click()  # type: ignore[attr-defined]
    form = page.locator("#list-import-form")  # type: ignore[attr-defined]
    form.get_by_label("List files").set_input_files(str(OFAC_SMALL / "add.csv"))
    form.get_by_label("Publication date").fill("2025-05-16")
    form.get_by_role("button", name="Import").click()
    expect(page.locator("p.error")).to_contain_text(  # type: ignore[attr-defined]
        "add.csv: the primary file sdn.csv is missing"
    )
    expect(form.get_by_label("Publication date")).to_have_value("2025-05-16")
    names = ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")
    form.get_by_label("List files").set_input_files([str(OFAC_SMALL / n) for n in names])
    form.get_by_role("button", name="Import").click()
    row = page.locator('#import-report tr[data-source="us_ofac_sdn"]')  # type: ignore[attr-defined]
    expect(row).to_contain_text("2025-05-16")  # the date given: the files state none
    expect(row).to_contain_text("17")
    shot(page, "list-import")
    page.get_by_role("link", name="The list snapshots").click()  # type: ignore[attr-defined]
    expect(page.locator("table").first).to_contain_text("OFAC Specially Designated Nationals")  # type: ignore[attr-defined]
    page.context.close()  # type: ignore[attr-defined]


def test_batch_screening_from_upload_to_the_csv(
    browser: object, served: tuple[str, ExportGuard], tmp_path: Path
) -> None:
    server, _ = served
    page = sign_in(browser, server, "exporter")
    page.get_by_role("link", name="Batch").click()  # type: ignore[attr-defined]
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name\n1,NSO Group\n1,Candiru Ltd\n", encoding="utf-8")
    page.get_by_label("Parties CSV file").set_input_files(str(bad))  # type: ignore[attr-defined]
    page.get_by_role("button", name="Screen the file").click()  # type: ignore[attr-defined]
    expect(page.locator("p.error")).to_contain_text(  # type: ignore[attr-defined]
        "bad.csv: line 3: id: duplicate id '1'"
    )
    book = tmp_path / "parties.csv"
    book.write_text("id,name,country\nc1,NSO Group,IL\nc2,Northwind Optics GmbH,DE\n"
                    "c3,Candiru Ltd,IL\n", encoding="utf-8")  # fmt: skip
    page.get_by_label("Parties CSV file").set_input_files(str(book))  # type: ignore[attr-defined]
    page.get_by_role("button", name="Screen the file").click()  # type: ignore[attr-defined]
    page.wait_for_url(re.compile(r".*/batch/J-\d+$"))  # type: ignore[attr-defined]
    progress = page.locator("#batch-progress")  # type: ignore[attr-defined]
    expect(progress).to_have_attribute("max", "3")
    expect(page.locator("#batch-status")).to_contain_text(  # type: ignore[attr-defined]
        "Done: 3 of 3 rows screened"
    )
    expect(progress).to_have_attribute("value", "3")
    results = page.locator("#batch-results")  # type: ignore[attr-defined]
    expect(results.locator('tr[data-row="c1"][data-entity]').first).to_contain_text("NSO Group")
    expect(results.locator('tr[data-row="c2"]')).to_contain_text("no hit")
    shot(page, "batch-results")
    hit = results.locator('tr[data-row="c3"][data-entity]').first
    hit.get_by_role("button", name=re.compile("as a case")).click()
    page.wait_for_url(re.compile(r".*/cases/H-\d+\?message=.*"))  # type: ignore[attr-defined]
    expect(page.locator("main")).to_contain_text("Candiru")  # type: ignore[attr-defined]
    page.go_back()  # type: ignore[attr-defined]
    with page.expect_download() as download:  # type: ignore[attr-defined]
        page.locator("#batch-csv").click()  # type: ignore[attr-defined]
    text = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["id"] for r in rows} == {"c1", "c2", "c3"}
    assert any(r["id"] == "c1" and "NSO Group" in r["name"] for r in rows)
    assert [r["entity_id"] for r in rows if r["id"] == "c2"] == [""]
    page.context.close()  # type: ignore[attr-defined]


def test_admin_disables_enables_changes_a_role_and_makes_a_token(
    browser: object, served: tuple[str, ExportGuard]
) -> None:
    server, service = served
    service.accounts.create_user("ops", "Harbour-Violet-Canyon-4", "auditor")
    page = sign_in(browser, server, "admin")
    page.goto(f"{server}/users")  # type: ignore[attr-defined]
    page.locator("#users").get_by_role("link", name="ops").click()  # type: ignore[attr-defined]
    state = page.locator("#user-state")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Disable").click()  # type: ignore[attr-defined]
    expect(state).to_have_attribute("data-active", "no")
    page.get_by_role("button", name="Enable").click()  # type: ignore[attr-defined]
    expect(state).to_have_attribute("data-active", "yes")
    role = page.locator("#role-form")  # type: ignore[attr-defined]
    role.get_by_label("Role").select_option("exporter")
    role.get_by_role("button", name="Change role").click()
    expect(page.locator("p.error")).to_contain_text(  # type: ignore[attr-defined]
        "exporter: an exporter user belongs to a company"
    )
    role = page.locator("#role-form")  # type: ignore[attr-defined]
    role.get_by_label("Role").select_option("officer")
    role.get_by_role("button", name="Change role").click()
    expect(page.locator("#user-role")).to_contain_text("Role: officer")  # type: ignore[attr-defined]
    tokens = page.locator("#token-form")  # type: ignore[attr-defined]
    tokens.get_by_label("Token name").fill("ci")
    tokens.get_by_role("button", name="Create token").click()
    token = page.locator("#token-value").inner_text()  # type: ignore[attr-defined]
    assert token.startswith("eg_")
    me = page.request.get(f"{server}/api/v1/me",  # type: ignore[attr-defined]
                          headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert me.ok
    assert me.json()["username"] == "ops"
    shot(page, "user-token")
    page.goto(f"{server}/users/ops")  # type: ignore[attr-defined]
    assert page.locator("#token-value").count() == 0  # type: ignore[attr-defined]  # shown once
    row = page.locator("#tokens tr[data-token]").last  # type: ignore[attr-defined]
    row.get_by_role("button", name=re.compile("Revoke token")).click()
    expect(page.locator(".message")).to_contain_text("Token revoked")  # type: ignore[attr-defined]
    gone = page.request.get(f"{server}/api/v1/me",  # type: ignore[attr-defined]
                            headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert gone.status == 401
    page.context.close()  # type: ignore[attr-defined]


def test_an_application_from_a_decision_reaches_the_officers_queue(
    browser: object, served: tuple[str, ExportGuard]
) -> None:
    server, service = served
    page = sign_in(browser, server, "exporter")
    page.goto(f"{server}/decide")  # type: ignore[attr-defined]
    page.get_by_label("Items").fill("4D004")  # type: ignore[attr-defined]
    page.get_by_label("Destination").fill("MA")  # type: ignore[attr-defined]
    page.get_by_label("Date").fill("2021-11-24")  # type: ignore[attr-defined]
    page.get_by_label("End-user type").select_option("intelligence")  # type: ignore[attr-defined]
    page.locator('select[name="end_use"]').select_option("law-enforcement")  # type: ignore[attr-defined]
    page.get_by_label("End users (one a line)").fill(DGST)  # type: ignore[attr-defined]
    page.get_by_label("il-deca").check()  # type: ignore[attr-defined]
    page.get_by_role("button", name="Decide").click()  # type: ignore[attr-defined]
    expect(page.locator("#decision")).to_contain_text("licence required")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Apply for a licence").click()  # type: ignore[attr-defined]
    form = page.locator("#application-form")  # type: ignore[attr-defined]
    expect(page.locator("#from-decision")).to_be_visible()  # type: ignore[attr-defined]
    expect(form.get_by_label("Items")).to_have_value("4D004")
    expect(form.get_by_label("Destination")).to_have_value("MA")
    expect(form.get_by_label("End user", exact=True)).to_have_value(DGST)
    expect(form.locator('select[name="end_use"]')).to_have_value("law-enforcement")
    expect(form.get_by_label("Regime")).to_have_value("il-deca")
    expect(form.get_by_label("Kind")).to_have_value("marketing")
    shot(page, "application-from-decision")
    form.get_by_role("button", name="Create draft").click()
    page.wait_for_url(re.compile(r".*/licences/L-\d+\?message=.*"))  # type: ignore[attr-defined]
    licence = page.url.split("?")[0].rsplit("/", 1)[1]  # type: ignore[attr-defined]
    page.locator("#event").select_option("submit")  # type: ignore[attr-defined]
    page.locator("#reason").fill("file complete")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Apply").click()  # type: ignore[attr-defined]
    expect(page.locator("#state")).to_have_attribute("data-state", "submitted")  # type: ignore[attr-defined]
    page.context.close()  # type: ignore[attr-defined]

    officer = sign_in(browser, server, "officer")
    officer.get_by_role("link", name="Reviews").click()  # type: ignore[attr-defined]
    waiting = officer.locator(f'#applications tr[data-licence="{licence}"]')  # type: ignore[attr-defined]
    expect(waiting).to_contain_text("submitted")
    # Israel's cut of 2021-11-25 makes it not eligible: the impact queues it for review.
    officer.goto(f"{server}/impact")  # type: ignore[attr-defined]
    officer.get_by_label("From", exact=True).fill("2021-11-24")  # type: ignore[attr-defined]
    officer.get_by_label("To", exact=True).fill("2021-11-25")  # type: ignore[attr-defined]
    officer.locator("form").filter(has_text="Analyse rule change").get_by_label(  # type: ignore[attr-defined]
        "act (queue or suspend)").check()  # fmt: skip
    officer.get_by_role("button", name="Analyse rule change").click()  # type: ignore[attr-defined]
    expect(officer.locator("#impact-result")).to_contain_text(f"{licence}: queued for review")  # type: ignore[attr-defined]
    officer.goto(f"{server}/reviews")  # type: ignore[attr-defined]
    review = officer.locator("#reviews tr[data-review]").filter(has_text=licence)  # type: ignore[attr-defined]
    outcome = review.get_by_label(re.compile("Outcome for"))
    assert outcome.locator("option").all_inner_texts() == ["no action", "approve", "refuse"]
    outcome.select_option("approve")
    review.get_by_label(re.compile("Reason for")).fill("policy allows")
    review.get_by_role("button", name=re.compile("Close")).click()
    expect(officer.locator("p.error")).to_contain_text("it cannot be approved")  # type: ignore[attr-defined]
    review = officer.locator("#reviews tr[data-review]").filter(has_text=licence)  # type: ignore[attr-defined]
    review.get_by_label(re.compile("Outcome for")).select_option("refuse")
    review.get_by_label(re.compile("Reason for")).fill("not eligible since 2021-11-25")
    review.get_by_role("button", name=re.compile("Close")).click()
    expect(officer.locator(".message")).to_contain_text(f"(refuse) for {licence}")  # type: ignore[attr-defined]
    shot(officer, "reviews-queue")
    officer.goto(f"{server}/licences/{licence}")  # type: ignore[attr-defined]
    expect(officer.locator("#state")).to_have_attribute("data-state", "refused")  # type: ignore[attr-defined]
    # The timeline shows the day the refusal was recorded (the store's, not this clock's).
    refused = [e for e in service.licensing.events(licence) if e.to_state is State.REFUSED]
    assert refused[-1].at[:10] in officer.locator("#timeline").inner_text()  # type: ignore[attr-defined]
    officer.context.close()  # type: ignore[attr-defined]
