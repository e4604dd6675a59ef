"""End to end in a real browser: fill the form, read the guide, star a trial, download the packet.

Runs ``streamlit run dashboard/app.py`` against the API stand-in and drives it with headless
Chromium, as a patient would, then reads the downloaded PDF. Screenshots of every page land in
``screenshots/`` (git-ignored) so a person can check what a user sees. Skipped when Chromium or
Playwright is missing, unless ``MBC_REQUIRE_BROWSER=1`` (set in CI) makes that a failure.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser_support import (
    ROOT,
    browser_problem,
    browser_required,
    full_page_screenshot,
    launch_chromium,
    running_dashboard,
    wait_for_app_idle,
)
from tests.conftest import HOSTILE_NCT, HOSTILE_TITLE, fixture_studies

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "screenshots"
STARRED_NCT = "NCT09990002"  # the HER2-positive brain-metastases trial in the fixtures
TIMEOUT_MS = 60_000
VIEWPORT = {"width": 1400, "height": 900}


@pytest.fixture(scope="module")
def browser_ready() -> None:
    problem = browser_problem()
    if problem is None:
        return
    if browser_required():
        pytest.fail(f"browser test required (MBC_REQUIRE_BROWSER=1) but {problem}")
    pytest.skip(f"browser test skipped: {problem}")


@pytest.fixture
def page(browser_ready: None, tmp_path: Path) -> Iterator[Any]:
    """A browser tab on the dashboard, which runs against the stand-in with a fresh cache."""
    from playwright.sync_api import expect, sync_playwright

    from data.ctgov_standin import StandinServer

    expect.set_options(timeout=TIMEOUT_MS)
    with (
        StandinServer(fixture_studies()) as standin,
        running_dashboard(standin.base_url, tmp_path / "app") as dashboard,
        sync_playwright() as playwright,
    ):
        context = launch_chromium(playwright, tmp_path / "chromium-profile", viewport=VIEWPORT)
        try:
            tab = context.pages[0] if context.pages else context.new_page()
            tab.set_default_timeout(TIMEOUT_MS)
            tab.dialogs = []  # any alert() would mean registry text ran as code
            tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
            tab.goto(dashboard.url)
            wait_for_app_idle(tab)
            yield tab
        finally:
            context.close()


def sidebar(page: Any) -> Any:
    return page.get_by_test_id("stSidebar")


def main(page: Any) -> Any:
    return page.get_by_test_id("stMain")


def assert_page_clean(page: Any) -> None:
    """No traceback and no 'something went wrong' box on the page now shown."""
    from playwright.sync_api import expect

    wait_for_app_idle(page)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    expect(main(page)).not_to_contain_text("something went wrong")


def open_page(page: Any, title: str) -> None:
    """Follow the sidebar navigation link, as a user would."""
    from playwright.sync_api import expect

    sidebar(page).get_by_test_id("stSidebarNavLink").filter(has_text=title).click()
    expect(main(page).get_by_role("heading", name=title, level=1)).to_be_visible()
    wait_for_app_idle(page)


def choose_options(page: Any, combobox: Any, *labels: str | re.Pattern[str]) -> None:
    """Pick options in a multiselect or selectbox: open its list, click each, close it."""
    from playwright.sync_api import expect

    combobox.click()  # opens a multiselect's list; a selectbox's opens on the arrow key
    if not page.get_by_role("listbox").is_visible():
        combobox.press("ArrowDown")
    expect(page.get_by_role("listbox")).to_be_visible()
    for label in labels:
        page.get_by_role("option", name=label).click()
    page.keyboard.press("Escape")
    wait_for_app_idle(page)


def shoot(page: Any, name: str) -> None:
    full_page_screenshot(page, SCREENSHOTS / name)


def test_patient_journey_in_a_real_browser(page: Any) -> None:
    from playwright.sync_api import expect
    from pypdf import PdfReader

    from matchers.packet import DISCLAIMER

    form = sidebar(page)
    expect(main(page)).to_contain_text("Choose the type of breast cancer")

    # The form: subtype, then where it has spread (a multiselect drop-down).
    form.get_by_test_id("stRadio").filter(has_text="Type (subtype)").get_by_text(
        "HER2-positive", exact=True
    ).click()
    wait_for_app_idle(page)
    choose_options(page, form.get_by_role("combobox", name="Where has it spread?"), "Brain", "Lung")
    sites = form.get_by_test_id("stMultiSelect").filter(has_text="Where has it spread?")
    expect(sites.get_by_role("group", name="Selected values")).to_contain_text("Brain")
    expect(sites.get_by_role("group", name="Selected values")).to_contain_text("Lung")

    # Treatments and care: the HER2 antibody card and the brain (radiation) note.
    guide = main(page)
    expect(guide).to_contain_text("trastuzumab")
    expect(guide).to_contain_text("Because the cancer has reached the brain")
    expect(guide).to_contain_text("radiation therapy is usually part of it")
    assert_page_clean(page)
    assert "subtype=her2-positive" in page.url  # the view is shareable
    shoot(page, "01-overview.png")

    open_page(page, "Symptoms to watch")
    expect(main(page)).to_contain_text("two-week rule")
    expect(main(page)).to_contain_text("Brain")
    assert_page_clean(page)
    shoot(page, "02-symptoms.png")

    # Clinical trials: wait for the search, then widen the verdict filter to see every trial.
    open_page(page, "Clinical trials")
    trials = main(page)
    expect(trials).to_contain_text("Checked 3 trials against your answers", timeout=90_000)
    expect(trials.get_by_test_id("stMetric")).to_have_count(4)
    choose_options(page, trials.get_by_role("combobox", name="Show"), "⛔ Likely not eligible")
    expect(trials).to_contain_text("3 trials shown")
    assert_page_clean(page)

    # The hostile record's markup must show as text and never run or load anything.
    chooser = trials.get_by_role("combobox", name="Choose a trial")
    choose_options(page, chooser, re.compile(HOSTILE_NCT))
    expect(trials.get_by_role("heading", name=HOSTILE_TITLE, exact=True)).to_be_visible()
    expect(trials.locator('img[src="x"], img[src*="evil.example"]')).to_have_count(0)
    expect(trials.locator('a[href^="javascript:"]')).to_have_count(0)
    assert page.dialogs == []
    shoot(page, "03-trials.png")

    # Star the HER2 brain-metastases trial from its details.
    choose_options(page, chooser, re.compile(STARRED_NCT))
    expect(chooser).to_have_value(re.compile(STARRED_NCT))
    star = trials.get_by_role("switch", name="☆ Star this trial for my appointment packet")
    expect(star).not_to_be_checked()
    trials.get_by_text("Star this trial for my appointment packet").click()
    wait_for_app_idle(page)
    expect(star).to_be_checked()
    expect(form).to_contain_text("1 starred trial.")
    assert_page_clean(page)
    shoot(page, "05-trials-starred.png")

    # The packet: a real download through the browser, then read its text.
    with page.expect_download(timeout=TIMEOUT_MS) as download_info:
        form.get_by_role("button", name="Download packet (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == "mbc-appointment-packet.pdf"
    pdf_bytes = Path(download.path()).read_bytes()
    assert pdf_bytes.startswith(b"%PDF")
    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf_bytes)).pages)
    flat = " ".join(text.split())
    assert STARRED_NCT in flat
    assert HOSTILE_NCT not in flat  # only the starred trial goes in
    assert " ".join(DISCLAIMER.split()[:8]) in flat, flat[:500]

    open_page(page, "Support and resources")
    expect(main(page)).to_contain_text("organizations fit your answers")
    assert_page_clean(page)
    shoot(page, "04-resources.png")

    # The choices and the star survived every page change.
    expect(form).to_contain_text("1 starred trial.")
    assert page.dialogs == []
