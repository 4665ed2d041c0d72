"""The workbench in a real browser (issue 13, points 5 to 9), four focused tests: axe-core
over every page as every role (no serious or critical violation) and the menu at 390 px;
the eligibility map (date field, ticks, names on hover, legend with "no data", no
Antarctica, patterns); the API docs offline with "Authorize"; a real SDN diff a page at a
time with its CSV, and a diff request cancelled while it runs.

axe-core comes from the vendor folder's npm install (``node_modules/axe-core``) and is
injected into each page (the contexts bypass the pages' Content-Security-Policy for that
one script). The screening page is swept empty and with a result (its party cards, each
listing's review button and folded technical detail)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from exportguard.api import create_app
from exportguard.core.licensing import Conditions, Event
from exportguard.core.permissions import Actor
from exportguard.core.snapshots import SourceFile
from exportguard.services import ExportGuard
from exportguard.web.common import VENDOR
from tests.web.support import serving, shot

pytestmark = pytest.mark.browser

LISTS = Path(__file__).resolve().parents[3] / "shared" / "data" / "lists"
AXE = VENDOR / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, ExportGuard]]:
    """A demo store with an issued licence, a hit review case and a batch job (so their
    pages exist), and two real SDN releases (a diff of 826 entries)."""
    db = tmp_path_factory.mktemp("a11y") / "web.db"
    service = ExportGuard(f"sqlite:///{db}", actor="system")
    with serving(create_app(service, demo=True, worker=True)) as url:
        acme = service.for_actor(Actor("exporter", "exporter", "Acme Cyber"))
        lic = acme.licensing.apply(
            exporter="Acme Cyber", kind="export", regime="us-ear", items=["4D004"],
            destination="FR", end_user="Police nationale", end_user_type="law-enforcement",
        )  # fmt: skip
        acme.licensing.transition(lic.id, Event.SUBMIT, reason="complete")
        officer = service.for_actor(Actor("officer", "officer"))
        officer.licensing.transition(lic.id, Event.REVIEW, reason="taken")
        officer.licensing.transition(lic.id, Event.APPROVE, reason="ok",
                                     conditions=Conditions(max_value=100_000))  # fmt: skip
        book = "id,name\n1,NSO Group\n2,Northwind Optics GmbH\n"
        acme.jobs.submit(book, owner="exporter", exporter="Acme Cyber", file="parties.csv",
                         options={"limit": 10})  # fmt: skip
        for release in ("2022-02-17", "2022-03-31"):
            path = LISTS / "us_ofac_sdn" / release / "sdn.csv"
            service.import_files([SourceFile(str(path), path.read_bytes())])
        yield url, service
    service.close()


def _page(browser: Any, server: str, user: str | None, width: int = 1280) -> Any:
    """A page in a new context (the axe script allowed in), signed in as ``user``."""
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{server}/login")
    if user is not None:
        page.get_by_label("User name").fill(user)
        page.get_by_label("Password").fill(f"{user}-demo")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{server}/")
    return page


def _axe(page: Any) -> list[str]:
    """The page's serious and critical axe-core violations, as "rule: target" lines."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        f"{v['id']} ({v['impact']}): {n['target']} {v['help']}"
        for v in found if v["impact"] in ("serious", "critical")
        for n in v["nodes"]
    ]  # fmt: skip


def _links(page: Any, selector: str) -> list[str]:
    return [str(h) for h in page.locator(selector).evaluate_all(
        "(links) => links.map((a) => a.getAttribute('href'))")]  # fmt: skip


@pytest.mark.parametrize("user", [None, "admin", "officer", "auditor", "exporter"])
def test_every_page_passes_axe_as_every_role(
    browser: object, served: tuple[str, ExportGuard], user: str | None
) -> None:
    server, _ = served
    page = _page(browser, server, user)
    pages = ["/login"] if user is None else ["/", "/glossary"]
    if user is not None:
        pages += _links(page, "header nav a")
        for listing, rows in (("/licences", "#licences a"), ("/batch", "#jobs a"),
                              ("/users", "table a"), ("/cases", "#cases a")):  # fmt: skip
            if listing in pages:
                page.goto(f"{server}{listing}")
                pages += _links(page, rows)[:1]
        if "/licences" in pages and user in ("exporter", "officer"):
            pages.append("/licences/new")
        if "/lists" in pages:
            pages.append("/lists?from=1&to=1&kind=changed")
    problems: dict[str, list[str]] = {}
    for path in dict.fromkeys(pages):
        page.goto(f"{server}{path}")
        if path == "/map":
            expect(page.locator("#map")).to_have_attribute("data-date", re.compile(r"\d"))
        found = _axe(page)
        if found:
            problems[path] = found
    if "/screen" in pages:  # and with a result: party cards, review buttons, details
        page.goto(f"{server}/screen")
        page.get_by_label("Name (any script)").fill("NSO Group")
        page.get_by_role("button", name="Screen", exact=True).click()
        expect(page.locator("#results")).to_be_visible()
        found = _axe(page)
        if found:
            problems["/screen (a result)"] = found
    assert problems == {}
    if user is not None:  # the menu wraps at a phone's width; nothing scrolls sideways
        page.set_viewport_size({"width": 390, "height": 844})
        narrow = [p for p in ("/licences", "/lists", "/lists?from=1&to=1&kind=changed")
                  if p in pages]  # fmt: skip
        if "/screen" in pages:  # a result, its technical detail open
            page.goto(f"{server}/screen")
            page.get_by_label("Name (any script)").fill("NSO Group")
            page.get_by_role("button", name="Screen", exact=True).click()
            page.locator("details.technical summary").first.click()
            expect(page.locator("table.why").first).to_be_visible()
            narrow.append("(a screening result)")
        for path in narrow:
            if path.startswith("/"):
                page.goto(f"{server}{path}")
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= 390, path
        if "/lists" in pages:  # a list's name wraps between words, not every few letters
            page.goto(f"{server}/lists")
            cell = page.locator("#snapshots td.list-name").first
            assert cell.bounding_box()["width"] >= 150
        nav = page.locator("header nav")
        assert nav.bounding_box()["width"] <= 390
        shot(page, f"menu-390px-{user}")
    page.context.close()


def test_the_map_has_dates_ticks_names_a_legend_and_patterns(
    browser: object, served: tuple[str, ExportGuard]
) -> None:
    server, _ = served
    page = _page(browser, server, "officer")
    page.goto(f"{server}/map")
    root = page.locator("#map")
    expect(root).to_have_attribute("data-date", "2021-12-01")
    assert page.locator('#map path[data-country="AQ"]').count() == 0  # no Antarctica
    expect(page.locator("#legend")).to_contain_text("no data")
    expect(page.locator("#legend")).to_contain_text("not eligible")
    page.get_by_label("Date", exact=True).fill("2021-11-24")
    page.get_by_label("Date", exact=True).dispatch_event("change")
    expect(root).to_have_attribute("data-date", "2021-11-24")
    morocco = page.locator('#map path[data-country="MA"]')
    assert morocco.get_attribute("data-verdict") == "licence_required"
    before = morocco.get_attribute("fill")
    page.get_by_role("button", name="Jump to the change of 2021-11-25").click()
    expect(root).to_have_attribute("data-date", "2021-11-25")
    assert morocco.get_attribute("data-verdict") == "not_eligible"
    assert morocco.get_attribute("fill") == "url(#pat-not_eligible)" != before
    assert page.locator("#day-ticks option").count() >= 2
    morocco.hover()
    expect(page.locator("#map-hover")).to_have_text("Morocco: not eligible")
    page.locator('#map path[data-country="FR"]').focus()  # each country a Tab stop
    expect(page.locator("#map-hover")).to_contain_text("France: ")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')")
    assert morocco.get_attribute("aria-label") == "Morocco: not eligible"
    expect(page.locator('#map-table tr[data-verdict="not_eligible"]')).to_contain_text(
        "Morocco (MA)"
    )
    shot(page, "map-patterns")
    page.context.close()


def test_the_api_docs_work_offline_with_a_bearer_token(
    browser: object, served: tuple[str, ExportGuard]
) -> None:
    server, service = served
    _, token = service.accounts.create_token("officer", "docs")
    page = _page(browser, server, None)
    elsewhere: list[str] = []

    def local_only(route: Any) -> None:
        if route.request.url.startswith(server):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", local_only)
    page.goto(f"{server}/docs")
    page.get_by_role("button", name=re.compile("Authorize")).first.click()
    dialog = page.locator(".modal-ux")
    dialog.locator("input").fill(token)
    dialog.get_by_role("button", name="Apply credentials").click()
    expect(dialog.get_by_role("button", name="Remove authorization")).to_be_visible()
    dialog.locator("button.btn-done").click()
    me = page.locator(".opblock-get", has=page.locator('[data-path="/api/v1/me"]'))
    me.locator(".opblock-summary").first.click()
    me.get_by_role("button", name="Try it out").click()
    me.get_by_role("button", name="Execute").click()
    expect(me.locator(".live-responses-table tbody .response-col_status").first).to_contain_text(
        "200"
    )
    expect(me.locator(".live-responses-table")).to_contain_text('"username": "officer"')
    assert elsewhere == []  # no CDN, nothing fetched from another host
    shot(page, "api-docs-authorized")
    page.context.close()


def test_a_list_diff_a_page_at_a_time_with_its_csv_and_a_cancel(
    browser: object, served: tuple[str, ExportGuard]
) -> None:
    server, service = served
    feb, mar = (s.id for s in service.snapshots() if s.source == "us_ofac_sdn")
    page = _page(browser, server, "officer")
    page.goto(f"{server}/lists")
    form = page.locator("#diff-form")
    form.get_by_label("From").select_option(str(feb))
    form.get_by_label("To").select_option(str(mar))
    form.get_by_role("button", name="Compare").click()
    pager = page.locator("nav.pager").first
    expect(pager).to_contain_text("Rows 1–50 of 826 · page 1 of 17")
    expect(page).to_have_url(re.compile(rf"/lists\?from={feb}&to={mar}"))
    pager.get_by_role("link", name="Changes: last page").click()
    expect(page.locator("nav.pager").first).to_contain_text("Rows 801–826 of 826")
    changed = page.locator('#diff-rows tr[data-kind="changed"]').first
    expect(changed.locator("table.changes th").first).to_be_visible()
    with page.expect_download() as download:
        page.locator("nav.pager").first.get_by_role("link", name=re.compile("CSV")).click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text("utf-8"))))
    assert len({r["id"] for r in rows}) == 826  # a changed entry: one row per field
    shot(page, "list-diff-pages")

    # A diff that does not answer (held here) is cancelled: the page says so and stays.
    held: list[Any] = []

    def hold(route: Any) -> None:
        held.append(route)

    page.route(re.compile(r".*/lists\?from=.*&kind=removed.*"), hold)
    page.locator("#diff-form").get_by_label("Kind").select_option("removed")
    page.locator("#diff-form").get_by_role("button", name="Compare").click()
    status = page.locator("#busy-status")
    expect(status).to_contain_text("Comparing the snapshots: working…")
    expect(page.locator("#diff-form")).to_have_attribute("aria-busy", "true")
    # Cancel once the request is held here, in flight: a Cancel before Playwright handed it
    # to ``hold`` aborts a request that never left the page (seen when the suite ran fast).
    for _ in range(600):
        if held:
            break
        page.wait_for_timeout(50)  # lets Playwright deliver the request to ``hold``
    page.get_by_role("button", name="Cancel").click()
    expect(status).to_contain_text("Cancelled.")
    expect(page.locator("nav.pager").first).to_contain_text("Rows 801–826 of 826")
    assert held
    page.unroute(re.compile(r".*/lists\?from=.*&kind=removed.*"))
    page.context.close()
