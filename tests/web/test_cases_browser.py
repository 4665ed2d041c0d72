"""Hit review in a real browser: the four-eyes flow with two officers, from a screening
hit to a confirmed false positive that clears the hit on the next screening and on the
certificate; a refused decision comes back to its form with the message; the inbox filters
by assignee; an exporter reviews a counterparty alert as a case."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from exportguard.api import create_app
from exportguard.services import ExportGuard
from tests.web.support import serving, shot, sign_in

pytestmark = pytest.mark.browser

SDN = "exportguard_demo:sdn-31455"  # AO Pozitiv Teknolodzhiz, on the SDN: four-eyes applies
SECOND = ("checker", "Harbour-Violet-Canyon-4")  # the second officer


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("cases") / "web.db"
    service = ExportGuard(f"sqlite:///{db}", actor="system")
    app = create_app(service, demo=True, worker=True)
    service.accounts.create_user(SECOND[0], SECOND[1], "officer")
    with serving(app) as url:
        yield url
    service.close()


def test_four_eyes_with_two_officers(browser: object, server: str) -> None:
    first = sign_in(browser, server, "officer")
    first.goto(f"{server}/screen")  # type: ignore[attr-defined]
    first.get_by_label("Name (any script)").fill("Positive Technologies")  # type: ignore[attr-defined]
    first.get_by_label("Country").fill("RU")  # type: ignore[attr-defined]
    first.get_by_role("button", name="Screen", exact=True).click()  # type: ignore[attr-defined]
    hit = first.locator(f'article.hit[data-entity="{SDN}"]')  # type: ignore[attr-defined]
    expect(hit).to_contain_text("sanctions listing")
    hit.get_by_role("button", name=re.compile("as a case")).click()
    first.wait_for_url(re.compile(r".*/cases/H-\d+\?message=.*"))  # type: ignore[attr-defined]
    case_url = first.url.split("?")[0]  # type: ignore[attr-defined]
    case_id = case_url.rsplit("/", 1)[1]
    expect(first.locator("#case-state")).to_have_attribute("data-state", "open")  # type: ignore[attr-defined]
    expect(first.locator("#four-eyes")).to_contain_text("a sanctions listing")  # type: ignore[attr-defined]

    # A reason that does not fit the disposition comes back to the form, filled in.
    form = first.locator("#decide-form")  # type: ignore[attr-defined]
    form.get_by_role("radio", name="true match").check()
    form.get_by_label("Reason code").select_option("country_differs")
    form.get_by_label("Note", exact=True).fill("Kazakh distributor, Almaty; not the Moscow company")
    form.get_by_label("Assign to (optional)").select_option(SECOND[0])
    form.get_by_role("button", name="Record decision").click()
    expect(first.locator("p.error")).to_contain_text(  # type: ignore[attr-defined]
        "reason_code: choose a reason for a true match: “An identifier matches"
    )
    expect(form.get_by_label("Note", exact=True)).to_have_value(
        "Kazakh distributor, Almaty; not the Moscow company"
    )
    form.get_by_role("radio", name="false positive").check()
    form.get_by_role("button", name="Record decision").click()
    first.wait_for_url(re.compile(r".*message=Decision.*"))  # type: ignore[attr-defined]
    expect(first.locator("#case-state")).to_have_attribute(  # type: ignore[attr-defined]
        "data-state", "pending_confirmation"
    )
    expect(first.locator("#awaiting")).to_contain_text(  # type: ignore[attr-defined]
        "a second, different officer must confirm it"
    )
    assert first.locator("#confirm-form").count() == 0  # type: ignore[attr-defined]
    shot(first, "case-pending")

    second = sign_in(browser, server, *SECOND)
    second.goto(f"{server}/cases")  # type: ignore[attr-defined]
    filters = second.locator("#case-filters")  # type: ignore[attr-defined]
    filters.get_by_label("Assignee").select_option("me")
    filters.get_by_role("button", name="Filter").click()
    row = second.locator(f'#cases tr[data-case="{case_id}"]')  # type: ignore[attr-defined]
    expect(row).to_have_attribute("data-state", "pending_confirmation")
    expect(row).to_contain_text("decided by officer")
    shot(second, "cases-inbox")
    row.get_by_role("link", name=case_id).click()
    confirm = second.locator("#confirm-form")  # type: ignore[attr-defined]
    confirm.get_by_label("Confirmation note").fill("address checked against the invoice")
    confirm.get_by_role("button", name="Confirm the decision").click()
    second.wait_for_url(re.compile(r".*message=Decision.*"))  # type: ignore[attr-defined]
    expect(second.locator("#case-state")).to_have_attribute("data-state", "closed")  # type: ignore[attr-defined]
    expect(second.locator("#confirmed-by")).to_have_text(SECOND[0])  # type: ignore[attr-defined]
    expect(second.locator("#clearance")).to_be_visible()  # type: ignore[attr-defined]
    expect(second.locator("#history")).to_contain_text("confirm")  # type: ignore[attr-defined]
    shot(second, "case-closed")

    # The next screening of the same party shows the hit cleared, and by whom.
    first.goto(f"{server}/screen")  # type: ignore[attr-defined]
    first.get_by_label("Name (any script)").fill("Positive Technologies")  # type: ignore[attr-defined]
    first.get_by_label("Country").fill("RU")  # type: ignore[attr-defined]
    first.get_by_role("button", name="Screen", exact=True).click()  # type: ignore[attr-defined]
    cleared = first.locator(f'article.hit[data-entity="{SDN}"]')  # type: ignore[attr-defined]
    expect(cleared).to_have_attribute("data-cleared", "true")
    expect(cleared).to_contain_text(f"confirmed by {SECOND[0]}")
    expect(first.locator("#cleared-summary")).to_contain_text("1 of")  # type: ignore[attr-defined]
    shot(first, "screen-cleared")
    first.get_by_role("link", name="Certificate").click()  # type: ignore[attr-defined]
    expect(first.locator("body")).to_contain_text(  # type: ignore[attr-defined]
        f"false positive, cleared earlier (case {case_id}; decided by officer, "
        f"confirmed by {SECOND[0]}"
    )
    first.goto(f"{server}/clearances")  # type: ignore[attr-defined]
    expect(first.locator(f'#clearances tr[data-entry="{SDN}"]')).to_contain_text(case_id)  # type: ignore[attr-defined]
    shot(first, "clearances")
    first.context.close()  # type: ignore[attr-defined]
    second.context.close()  # type: ignore[attr-defined]


def test_an_exporter_reviews_an_alert_as_a_case(browser: object, server: str) -> None:
    page = sign_in(browser, server, "exporter")
    page.goto(f"{server}/counterparties")  # type: ignore[attr-defined]
    page.get_by_label("Name", exact=True).fill("Candiru Ltd")  # type: ignore[attr-defined]
    page.get_by_label("Country").fill("IL")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Add and screen").click()  # type: ignore[attr-defined]
    alert = page.locator("#alerts tr[data-alert]").filter(has_text="Candiru Ltd").first  # type: ignore[attr-defined]
    alert.get_by_role("button", name=re.compile("Review as a case: alert ")).click()
    page.wait_for_url(re.compile(r".*/cases/H-\d+\?message=.*"))  # type: ignore[attr-defined]
    expect(page.locator("#case-summary")).to_contain_text("monitoring of counterparty")  # type: ignore[attr-defined]
    form = page.locator("#decide-form")  # type: ignore[attr-defined]
    form.get_by_role("radio", name="false positive").check()
    form.get_by_label("Reason code").select_option("name_differs")
    form.get_by_label("Note", exact=True).fill(
        "Candiru Ltd of Haifa, a catering firm: no tie to the listing"
    )
    form.get_by_role("button", name="Record decision").click()
    # An Entity List listing is not a sanctions listing: the false positive closes at once.
    expect(page.locator("#case-state")).to_have_attribute("data-state", "closed")  # type: ignore[attr-defined]
    page.goto(f"{server}/counterparties")  # type: ignore[attr-defined]
    expect(page.locator("#resolved")).to_contain_text("false positive")  # type: ignore[attr-defined]
    page.context.close()  # type: ignore[attr-defined]
