"""The web application in a real browser: Debian's chromium driven by Playwright.

A real server (uvicorn, in a thread) on a free loopback port, a fresh SQLite store with
the demo list and demo accounts. Screenshots of the main pages go to
``test-artifacts/screenshots``. Without chromium the tests are skipped with a note, unless
``EXPORTGUARD_REQUIRE_BROWSER=1`` (CI) makes that a failure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from exportguard.api import create_app
from exportguard.services import ExportGuard
from tests.web.support import serving, shot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("web") / "web.db"
    service = ExportGuard(f"sqlite:///{db}", actor="system")
    with serving(create_app(service, demo=True, worker=True)) as url:
        yield url
    service.close()


@pytest.mark.parametrize("user", ["admin", "officer", "auditor", "exporter"])
def test_sign_in_as_each_role(browser: object, server: str, user: str) -> None:
    page = sign_in(browser, server, user)
    assert f"{user} (" in page.locator("header .who").inner_text()  # type: ignore[attr-defined]
    shot(page, f"home-{user}")
    page.context.close()  # type: ignore[attr-defined]


def test_wrong_password_is_refused(browser: object, server: str) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(f"{server}/login")
    page.get_by_label("User name").fill("officer")
    page.get_by_label("Password").fill("nope")
    page.get_by_role("button", name="Sign in").click()
    assert "wrong user name or password" in page.locator(".error").inner_text()
    page.close()


def test_screen_nso_group_shows_entity_list_hit_and_explanation(
    browser: object, server: str
) -> None:
    page = sign_in(browser, server, "exporter")
    page.goto(f"{server}/screen")  # type: ignore[attr-defined]
    page.get_by_label("Name (any script)").fill("NSO Group")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Screen").click()  # type: ignore[attr-defined]
    hit = page.locator("article.hit").first  # type: ignore[attr-defined]
    assert "NSO Group" in hit.inner_text()
    assert "Entity List" in hit.inner_text()
    assert "Presumption of denial" in hit.inner_text()
    assert "'nso', 'group' are spelt as listed" in hit.locator(".plain-why").inner_text()
    hit.get_by_text("Technical detail").click()  # the feature table, folded away
    assert "nso~nso (exact" in hit.locator("table.why").inner_text()
    shot(page, "screen")
    page.context.close()  # type: ignore[attr-defined]


def test_screen_shows_one_profile_of_several_listings_with_technical_detail_folded(
    browser: object, server: str
) -> None:
    """Positive Technologies: the demo list's two Entity List rows and its SDN row are one
    party, said once with why; each listing explains itself in words, its feature table
    behind a toggle."""
    page = sign_in(browser, server, "officer")
    page.goto(f"{server}/screen")  # type: ignore[attr-defined]
    page.get_by_label("Name (any script)").fill("Positive Technologies")  # type: ignore[attr-defined]
    page.get_by_label("Date of birth").fill("")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Screen", exact=True).click()  # type: ignore[attr-defined]
    profiles = page.locator("section.profile")  # type: ignore[attr-defined]
    expect(profiles).to_have_count(1)
    profile = profiles.first
    expect(profile.locator("article.hit")).to_have_count(3)
    expect(profile.locator(".links")).to_contain_text("Why these listings are one party")
    expect(profile.locator(".links")).to_contain_text("both organizations tied to RU")
    expect(profile.locator("dl.party")).to_contain_text("7718668887")
    alias = profile.locator('article.hit[data-entity="exportguard_demo:sdn-31455"]')
    expect(alias.locator(".plain-why")).to_contain_text("the extra legal form 'jsc'")
    expect(alias.get_by_role("button", name=re.compile("as a case"))).to_be_visible()
    table = alias.locator("table.why")
    expect(table).to_be_hidden()
    alias.get_by_text("Technical detail").click()
    expect(table).to_be_visible()
    expect(table).to_contain_text("contribution")
    shot(page, "screen-profile")
    page.context.close()  # type: ignore[attr-defined]


def test_decision_4d004_to_morocco_2021_12_01(browser: object, server: str) -> None:
    page = sign_in(browser, server, "officer")
    page.goto(f"{server}/decide")  # type: ignore[attr-defined]
    page.get_by_label("Items").fill("4D004")  # type: ignore[attr-defined]
    page.get_by_label("Destination").fill("MA")  # type: ignore[attr-defined]
    page.get_by_label("Date").fill("2021-12-01")  # type: ignore[attr-defined]
    page.get_by_label("End-user type").select_option("law-enforcement")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Decide").click()  # type: ignore[attr-defined]
    il = page.locator('article[data-regime="il-deca"] .verdict')  # type: ignore[attr-defined]
    assert il.get_attribute("data-verdict") == "not_eligible"
    assert "list of 37" in page.locator('article[data-regime="il-deca"]').inner_text()  # type: ignore[attr-defined]
    shot(page, "decide")
    page.context.close()  # type: ignore[attr-defined]


def test_decision_with_several_end_users(browser: object, server: str) -> None:
    page = sign_in(browser, server, "exporter")
    page.goto(f"{server}/decide")  # type: ignore[attr-defined]
    page.get_by_label("Items").fill("4D004")  # type: ignore[attr-defined]
    page.get_by_label("Destination").fill("IL")  # type: ignore[attr-defined]
    page.get_by_label("Date").fill("2022-06-01")  # type: ignore[attr-defined]
    page.get_by_label("End users (one a line)").fill("Acme Ltd\nNSO Group")  # type: ignore[attr-defined]
    page.get_by_label("End-user type").select_option("non-government")  # type: ignore[attr-defined]
    page.get_by_label("us-ear").check()  # type: ignore[attr-defined]
    page.get_by_role("button", name="Decide").click()  # type: ignore[attr-defined]
    us = page.locator('article[data-regime="us-ear"]')  # type: ignore[attr-defined]
    assert us.locator(".verdict").first.get_attribute("data-verdict") == "licence_required"
    assert "NSO Group" in us.inner_text()
    assert "ACE is available" not in us.inner_text()
    page.context.close()  # type: ignore[attr-defined]


def test_application_through_approval_and_revocation(browser: object, server: str) -> None:
    exporter = sign_in(browser, server, "exporter")
    exporter.goto(f"{server}/licences/new")  # type: ignore[attr-defined]
    exporter.get_by_label("Kind").select_option("export")  # type: ignore[attr-defined]
    exporter.get_by_label("Regime").select_option("us-ear")  # type: ignore[attr-defined]
    exporter.get_by_label("Items").fill("4D004")  # type: ignore[attr-defined]
    exporter.get_by_label("Destination").fill("FR")  # type: ignore[attr-defined]
    exporter.get_by_label("End user", exact=True).fill("Police nationale")  # type: ignore[attr-defined]
    exporter.get_by_label("End-user type").select_option("law-enforcement")  # type: ignore[attr-defined]
    exporter.get_by_role("button", name="Create draft").click()  # type: ignore[attr-defined]
    exporter.wait_for_url("**/licences/L-*")  # type: ignore[attr-defined]
    url = exporter.url  # type: ignore[attr-defined]

    def act(page: object, event: str, reason: str) -> None:
        page.goto(url)  # type: ignore[attr-defined]
        page.locator("#event").select_option(event)  # type: ignore[attr-defined]
        page.locator("#reason").fill(reason)  # type: ignore[attr-defined]
        page.get_by_role("button", name="Apply").click()  # type: ignore[attr-defined]
        page.wait_for_load_state()  # type: ignore[attr-defined]

    act(exporter, "submit", "file complete")
    assert exporter.locator("#state").get_attribute("data-state") == "submitted"  # type: ignore[attr-defined]
    officer = sign_in(browser, server, "officer")
    act(officer, "review", "taken")
    act(officer, "approve", "meets policy")
    assert officer.locator("#state").get_attribute("data-state") == "issued"  # type: ignore[attr-defined]
    # The exporter cannot change its issued licence: it may only ask an officer to.
    exporter.goto(url)  # type: ignore[attr-defined]
    offered = exporter.locator("#event option").all_inner_texts()  # type: ignore[attr-defined]
    assert offered == ["surrender"]
    form = exporter.locator("#request-amendment")  # type: ignore[attr-defined]
    form.get_by_label("Value cap").fill("250000")
    form.get_by_label("Reason").fill("a second order from the same end user")
    form.get_by_role("button", name="Send to an officer").click()
    exporter.wait_for_load_state()  # type: ignore[attr-defined]
    assert "sent to an officer" in exporter.locator(".message").inner_text()  # type: ignore[attr-defined]
    assert "open" in exporter.locator("#amendment-requests").inner_text()  # type: ignore[attr-defined]
    assert exporter.locator("#amendment-requests button").count() == 0  # type: ignore[attr-defined]
    officer.goto(url)  # type: ignore[attr-defined]
    requests = officer.locator("#amendment-requests")  # type: ignore[attr-defined]
    requests.get_by_label("Reason for AR-").fill("justified by the order")
    requests.get_by_role("button", name="Approve AR-").click()
    officer.wait_for_load_state()  # type: ignore[attr-defined]
    assert "approved" in officer.locator("#amendment-requests").inner_text()  # type: ignore[attr-defined]
    assert "value 250,000" in officer.locator("main").inner_text()  # type: ignore[attr-defined]
    shot(officer, "licence-amendment")
    act(officer, "revoke", "misuse confirmed")
    assert officer.locator("#state").get_attribute("data-state") == "revoked"  # type: ignore[attr-defined]
    timeline = officer.locator("#timeline").inner_text()  # type: ignore[attr-defined]
    for event in ("submit", "review", "approve", "revoke"):
        assert event in timeline
    shot(officer, "licence")
    officer.goto(f"{server}/licences")  # type: ignore[attr-defined]
    shot(officer, "licences")
    officer.goto(f"{server}/audit")  # type: ignore[attr-defined]
    officer.locator("#verify").click()  # type: ignore[attr-defined]
    assert officer.locator("#chain").get_attribute("data-ok") == "true"  # type: ignore[attr-defined]
    shot(officer, "audit")
    exporter.context.close()  # type: ignore[attr-defined]
    officer.context.close()  # type: ignore[attr-defined]


def test_map_morocco_changes_colour_across_2021_11_25(browser: object, server: str) -> None:
    page = sign_in(browser, server, "officer")
    page.goto(f"{server}/map")  # type: ignore[attr-defined]
    morocco = page.locator('#map path[data-country="MA"]')  # type: ignore[attr-defined]
    slider = page.locator("#day")  # type: ignore[attr-defined]

    def at(day: str) -> tuple[str, str]:
        days = (int(day[:4]) - 2021) * 365 + _day_of_year(day) - 1
        slider.evaluate(f"(el) => {{ el.value = {days}; el.dispatchEvent(new Event('input')); }}")
        # An expectation, not wait_for_function: that evaluates a string, which the page's
        # Content-Security-Policy (no eval) rightly refuses.
        expect(page.locator("#map")).to_have_attribute("data-date", day)  # type: ignore[attr-defined]
        return str(morocco.get_attribute("data-verdict")), str(morocco.get_attribute("fill"))

    before = at("2021-11-24")
    after = at("2021-11-25")
    assert before[0] == "licence_required"
    assert after[0] == "not_eligible"
    assert before[1] != after[1]
    shot(page, "map")
    page.context.close()  # type: ignore[attr-defined]


def test_lists_and_reviews_pages(browser: object, server: str) -> None:
    page = sign_in(browser, server, "officer")
    for name in ("lists", "reviews", "impact", "counterparties"):
        page.goto(f"{server}/{name}")  # type: ignore[attr-defined]
        assert page.locator("h1").count() == 1  # type: ignore[attr-defined]
        shot(page, name)
    page.context.close()  # type: ignore[attr-defined]


def test_counterparty_upload_follows_progress_to_the_summary(
    browser: object, server: str, tmp_path: Path
) -> None:
    """Upload a CSV book on the counterparties page: a progress page follows the import
    job to its summary; the new alert shows; a bad file is refused with its line and field."""
    page = sign_in(browser, server, "officer")
    page.goto(f"{server}/counterparties")  # type: ignore[attr-defined]
    book = tmp_path / "book.csv"
    book.write_text("name,exporter,country\nCandiru Ltd,Acme Cyber,IL\n"
                    "Northwind Optics GmbH,Acme Cyber,DE\n", encoding="utf-8")  # fmt: skip
    page.get_by_label("Counterparties CSV file").set_input_files(str(book))  # type: ignore[attr-defined]
    page.get_by_role("button", name="Import and screen").click()  # type: ignore[attr-defined]
    page.wait_for_url(re.compile(r".*/counterparties/imports/J-\d+$"))  # type: ignore[attr-defined]
    expect(page.locator("#import-progress")).to_be_visible()  # type: ignore[attr-defined]
    status = page.locator("#import-status")  # type: ignore[attr-defined]
    expect(status).to_contain_text("Done: 2 added, 0 updated, 0 unchanged; 1 alert", timeout=30_000)
    shot(page, "counterparty-import")
    page.get_by_role("link", name="Back to the counterparties").click()  # type: ignore[attr-defined]
    expect(page.locator("#alerts")).to_contain_text("Candiru Ltd")  # type: ignore[attr-defined]
    bad = tmp_path / "bad.csv"
    bad.write_text("name,exporter,country\nAcme Ltd,Acme Cyber,Atlantis\n", encoding="utf-8")
    page.get_by_label("Counterparties CSV file").set_input_files(str(bad))  # type: ignore[attr-defined]
    page.get_by_role("button", name="Import and screen").click()  # type: ignore[attr-defined]
    expect(page.locator("p.error")).to_contain_text(  # type: ignore[attr-defined]
        "bad.csv, line 2, country: unknown country 'Atlantis'"
    )
    assert "Acme Ltd" not in page.locator("table").first.inner_text()  # type: ignore[attr-defined]
    page.context.close()  # type: ignore[attr-defined]


def _day_of_year(day: str) -> int:
    from datetime import date

    d = date.fromisoformat(day)
    return (d - date(d.year, 1, 1)).days + 1
