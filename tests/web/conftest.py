"""The browser fixture: Debian's chromium driven by Playwright, once per test module.
Without chromium the browser tests are skipped with a note, unless
``EXPORTGUARD_REQUIRE_BROWSER=1`` (CI) makes that a failure."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.support import CHROMIUM, REQUIRE


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    # How long an expectation waits for the page (Playwright's default: 5 s). The map's
    # verdicts for a day are computed by the server for every country; with another test
    # worker busy beside it on a small machine that took over 5 s once. A limit on
    # waiting, not a requirement on speed: an expectation passes as soon as it holds.
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)
    if not Path(CHROMIUM).exists():
        message = f"chromium not found at {CHROMIUM} (apt-get install chromium)"
        if REQUIRE:
            pytest.fail(message)
        pytest.skip(message + "; browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()
