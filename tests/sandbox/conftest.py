"""Fixtures for the browser tests: Chromium (Debian's package, through Playwright) and a
sandbox per test. Without Chromium or Playwright they skip and say why; CI installs both
(``make test``) and sets PARTNERBOT_REQUIRE_BROWSER=1, so there they never skip."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.sandbox.browser import CHROMIUM, CHROMIUM_ARGS, Sandbox, SlackPage

REQUIRED = os.environ.get("PARTNERBOT_REQUIRE_BROWSER") == "1"


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the browser tests need Playwright (pip install -e '.[dev]')"
    if not Path(CHROMIUM).exists():
        return f"the browser tests need Chromium at {CHROMIUM} (make test installs it with apt-get)"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    missing = _missing()
    if missing:
        if REQUIRED:
            pytest.fail(f"PARTNERBOT_REQUIRE_BROWSER=1 but {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def sandbox(browser: Any, tmp_path: Path) -> Iterator[Sandbox]:
    """``partnerbot sandbox --empty`` in a folder of its own; fails the test if partnerbot
    logged a crash meanwhile (as the bench does for in-process tests)."""
    running = Sandbox.start(tmp_path, "--empty")
    try:
        yield running
    finally:
        running.stop()
    assert not running.crashes(), f"partnerbot crashed: {running.crashes()[:3]}"


@pytest.fixture
def slack(browser: Any, sandbox: Sandbox) -> Iterator[SlackPage]:
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield SlackPage(page, sandbox)
    page.screenshot(path=str(sandbox.folder / "last-screen.png"))  # to see what went wrong
    context.close()
    assert not errors, f"the page raised: {errors}"
