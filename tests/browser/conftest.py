"""Browser tests: Playwright drives the system Chromium against a live FAME; axe on each page."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artefacts"
"""Screenshots the browser tests save for a person to look at (ignored by git)."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            # One live server and one browser per worker: keep these tests together.
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if CHROMIUM is None or not AXE.exists():
        missing = "Chromium (Debian package chromium)" if CHROMIUM is None else str(AXE)
        if os.environ.get("CI"):
            pytest.fail(f"Browser tests need {missing}; .ci/run installs it.")
        pytest.skip(f"Browser tests need {missing}; install it or run .ci/run.")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls
    # made by the test itself (arranging data) are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
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
        yield browser
        browser.close()


class CheckedPage:
    """A page that runs axe and watches for CSP violations on every page it visits."""

    def __init__(self, page: Any, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.csp_violations: list[str] = []
        page.on(
            "console",
            lambda msg: (
                self.csp_violations.append(msg.text)
                if "Content Security Policy" in msg.text
                else None
            ),
        )

    def __getattr__(self, name: str) -> Any:
        return getattr(self.page, name)

    def get_by_role(self, role: str, **kwargs: Any) -> Any:
        """Links and buttons: clicking one waits for the page it leads to.

        FAME's pages work without JavaScript, so every link and button a test clicks
        loads a page; waiting for it keeps the next step from reading the old one.
        """
        locator = self.page.get_by_role(role, **kwargs)
        return _Navigating(self.page, locator) if role in ("link", "button") else locator

    def save_screenshot(self, name: str) -> Path:
        """The whole current page as ``test-artefacts/<name>.png``."""
        ARTEFACTS.mkdir(exist_ok=True)
        path = ARTEFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def visit(self, path: str) -> None:
        self.page.goto(self.base_url + path)
        self.check()

    def check(self) -> None:
        """Assert the current page has no axe violations and broke no CSP rule."""
        self.page.wait_for_load_state("load")
        results = self.page.evaluate(
            "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
        )
        problems = []
        for violation in results["violations"]:
            nodes = [n for n in violation["nodes"] if not _known_finding(violation["id"], n)]
            if nodes:
                problems.append(
                    f"{violation['id']}: {violation['help']} ({len(nodes)} on {self.page.url})"
                )
        assert problems == [], problems
        assert self.csp_violations == [], self.csp_violations


def _known_finding(rule: str, node: dict[str, Any]) -> bool:
    """GOV.UK Frontend's conditional reveal sets ``aria-expanded`` on the radio that
    reveals, which axe finds not allowed on a radio. It is the Design System's documented
    known issue (alphagov/govuk-frontend#979), kept because screen readers announce it;
    only that finding, on a GOV.UK radio, is excused (docs/adr/0026)."""
    if rule != "aria-allowed-attr" or 'class="govuk-radios__input"' not in node["html"]:
        return False
    lines = node["failureSummary"].splitlines()[1:]
    return bool(lines) and all("aria-expanded=" in line for line in lines)


class _Navigating:
    def __init__(self, page: Any, locator: Any) -> None:
        self._page = page
        self._locator = locator

    def __getattr__(self, name: str) -> Any:
        return getattr(self._locator, name)

    def click(self, **kwargs: Any) -> None:
        with self._page.expect_navigation(wait_until="load"):
            self._locator.click(**kwargs)


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[CheckedPage]:
    context = browser.new_context()
    context.add_init_script(path=str(AXE))
    checked = CheckedPage(context.new_page(), live_server.url)
    yield checked
    context.close()
