"""End to end in a real browser: fill the form, read the guide, star a trial, download the packet.

Runs ``streamlit run dashboard/app.py`` against the API stand-in and drives it with headless
Chromium, as a patient would, then reads the downloaded PDF. Screenshots of every page land in
``screenshots/`` (git-ignored) so a person can check what a user sees. Skipped when Chromium or
Playwright is missing, unless ``MBC_REQUIRE_BROWSER=1`` (set in CI) makes that a failure.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.browser_support import (
    ROOT,
    RunWatcher,
    after_rerun,
    browser_problem,
    browser_required,
    full_page_screenshot,
    launch_chromium,
    running_dashboard,
    unfold,
    wait_for_app_idle,
)
from tests.conftest import HOSTILE_NCT, HOSTILE_TITLE, fixture_studies

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "screenshots"
STARRED_NCT = "NCT09990002"  # the HER2-positive brain-metastases trial in the fixtures
TIMEOUT_MS = 60_000
VIEWPORT = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}
STUDY_FILE = ROOT / "tests" / "fixtures" / "ctgov_breast_studies.json"


@pytest.fixture(scope="module")
def browser_ready() -> None:
    problem = browser_problem()
    if problem is None:
        return
    if browser_required():
        pytest.fail(f"browser test required (MBC_REQUIRE_BROWSER=1) but {problem}")
    pytest.skip(f"browser test skipped: {problem}")


@dataclass
class Tab:
    """The browser tab, the script runs it has seen, and any alert() that fired (there must be none)."""

    page: Any
    runs: RunWatcher
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dashboard_url: str = ""

    def outside_requests(self) -> list[str]:
        """Every request the page made to anything but this machine (there must be none)."""
        local = ("http://127.0.0.1:", "ws://127.0.0.1:", "http://localhost:", "ws://localhost:")
        return [u for u in self.requests if not u.startswith((*local, "data:", "blob:"))]

    @property
    def sidebar(self) -> Any:
        return self.page.get_by_test_id("stSidebar")

    @property
    def main(self) -> Any:
        return self.page.get_by_test_id("stMain")

    def rerun(self, action: Callable[[], None]) -> None:
        """Do something that makes the app rerun, and wait for that rerun to finish."""
        after_rerun(self.page, self.runs, action, TIMEOUT_MS)


@contextmanager
def open_tab(
    tmp_path: Path,
    base_url: str,
    viewport: dict[str, int],
    *,
    path: str = "",
    extra_env: dict[str, str] | None = None,
) -> Iterator[Tab]:
    """A browser tab on the dashboard, which runs against ``base_url`` with a fresh cache."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    phone = viewport["width"] < 700
    with (
        running_dashboard(base_url, tmp_path / "app", extra_env=extra_env) as dashboard,
        sync_playwright() as playwright,
    ):
        context = launch_chromium(
            playwright,
            tmp_path / "chromium-profile",
            viewport=viewport,
            is_mobile=phone,
            has_touch=phone,
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            opened = Tab(page, RunWatcher(), dashboard_url=dashboard.url)
            opened.runs.attach(page)
            page.on("request", lambda request: opened.requests.append(request.url))
            page.on("dialog", lambda dialog: (opened.dialogs.append(dialog.message), dialog.dismiss()))
            page.goto(dashboard.url + path)
            wait_for_app_idle(page)
            yield opened
        finally:
            context.close()


@pytest.fixture
def standin_url(browser_ready: None) -> Iterator[str]:
    from data.ctgov_standin import StandinServer

    with StandinServer(fixture_studies()) as standin:
        yield standin.base_url


@pytest.fixture
def tab(standin_url: str, tmp_path: Path) -> Iterator[Tab]:
    """A desktop-width tab on the dashboard, which runs against the stand-in."""
    with open_tab(tmp_path, standin_url, VIEWPORT) as opened:
        yield opened


def assert_page_clean(tab: Tab) -> None:
    """No traceback and no 'something went wrong' box on the page now shown."""
    from playwright.sync_api import expect

    wait_for_app_idle(tab.page)
    expect(tab.page.locator('[data-testid="stException"]')).to_have_count(0)
    expect(tab.main).not_to_contain_text("something went wrong")


def open_page(tab: Tab, title: str) -> None:
    """Follow the sidebar navigation link, as a user would."""
    from playwright.sync_api import expect

    tab.rerun(tab.sidebar.get_by_test_id("stSidebarNavLink").filter(has_text=title).click)
    expect(tab.main.get_by_role("heading", name=title, level=1)).to_be_visible()


def choose_options(tab: Tab, combobox: Any, *labels: str | re.Pattern[str]) -> None:
    """Pick options in a multiselect or selectbox: open its list, click each, close it."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    listbox = tab.page.get_by_role("listbox")
    # A click on the input opens a multiselect's list; a selectbox's sometimes only takes focus
    # (seen after another drop-down just closed), and the arrow key then opens it.
    combobox.click()
    for _ in range(3):
        try:
            listbox.wait_for(state="visible", timeout=2_000)
            break
        except PlaywrightTimeout:
            combobox.press("ArrowDown")
    expect(listbox).to_be_visible()
    for label in labels:
        tab.rerun(listbox.get_by_role("option", name=label).click)
    if listbox.is_visible():
        tab.page.keyboard.press("Escape")
    expect(listbox).to_have_count(0)


def shoot(tab: Tab, name: str) -> None:
    full_page_screenshot(tab.page, SCREENSHOTS / name)


def download(tab: Tab, button: str) -> bytes:
    """Click a download button in the sidebar and return the file's bytes."""
    with tab.page.expect_download(timeout=TIMEOUT_MS) as download_info:
        tab.sidebar.get_by_role("button", name=button).click()
    return Path(download_info.value.path()).read_bytes()


def pdf_words(data: bytes) -> tuple[str, list[str]]:
    """A PDF's text with whitespace collapsed, and each page's text."""
    from pypdf import PdfReader

    assert data.startswith(b"%PDF")
    pages = [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(data)).pages]
    return " ".join(pages), pages


def no_sideways_scrolling(tab: Tab) -> None:
    """Neither the page nor the trial table scrolls sideways at this width."""
    widths = tab.page.evaluate(
        """() => {
            const main = document.querySelector('[data-testid="stMain"]');
            const table = document.querySelector('.st-key-trial_table .dvn-scroller');
            const shown = table && table.offsetParent !== null;
            return {
                page: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
                main: [main.scrollWidth, main.clientWidth],
                table: shown ? [table.scrollWidth, table.clientWidth] : [0, 0],
            };
        }"""
    )
    for part, (scroll, client) in widths.items():
        assert scroll <= client + 1, f"{part} scrolls sideways: {scroll} > {client}"


def fill_form(tab: Tab, subtype: str, *sites: str) -> None:
    form = tab.sidebar
    radio = form.get_by_test_id("stRadio").filter(has_text="Type (subtype)")
    tab.rerun(radio.get_by_text(subtype, exact=True).click)
    choose_options(tab, form.get_by_role("combobox", name="Where has it spread?"), *sites)


def test_patient_journey_in_a_real_browser(tab: Tab) -> None:
    from playwright.sync_api import expect

    from matchers.packet import DISCLAIMER, NOTES_PROMPT

    page, form = tab.page, tab.sidebar
    expect(tab.main).to_contain_text("Choose the type of breast cancer")

    # The form: subtype, then where it has spread (a multiselect drop-down).
    fill_form(tab, "HER2-positive", "Brain", "Lung")
    sites = form.get_by_test_id("stMultiSelect").filter(has_text="Where has it spread?")
    expect(sites.get_by_role("group", name="Selected values")).to_contain_text("Brain")
    expect(sites.get_by_role("group", name="Selected values")).to_contain_text("Lung")
    # "Not sure" is an answer too: it must show as chosen (it once looked like nothing happened).
    hormone = form.get_by_test_id("stRadio").filter(has_text="Is it also hormone-receptor-positive?")
    tab.rerun(hormone.get_by_text("Not sure", exact=True).click)
    expect(hormone.get_by_role("radio", name="Not sure")).to_be_checked()

    # Treatments and care: the HER2 antibody card and the brain (radiation) note.
    guide = tab.main
    expect(guide).to_contain_text("trastuzumab")
    expect(guide).to_contain_text("Because the cancer has reached the brain")
    expect(guide).to_contain_text("radiation therapy is usually part of it")
    assert_page_clean(tab)
    assert "subtype=her2-positive" in page.url  # the view is shareable
    shoot(tab, "01-overview.png")

    open_page(tab, "Symptoms to watch")
    expect(tab.main).to_contain_text("two-week rule")
    expect(tab.main).to_contain_text("Brain")
    assert_page_clean(tab)
    shoot(tab, "02-symptoms.png")

    # Clinical trials: wait for the search, then widen the verdict filter to see every trial.
    open_page(tab, "Clinical trials")
    trials = tab.main
    expect(trials).to_contain_text("Checked 3 trials against your answers", timeout=90_000)
    expect(trials.get_by_test_id("stMetric")).to_have_count(4)
    expect(trials.locator(".st-key-trial_cards")).to_be_hidden()  # cards are for phones
    filters = unfold(trials, "Filters: showing")
    choose_options(tab, trials.get_by_role("combobox", name="Show"), "⛔ Likely not eligible")
    expect(trials).to_contain_text("3 trials shown")
    # The section keeps its place, open, though its header now names one more verdict.
    expect(filters.locator("summary")).to_contain_text("likely not eligible")
    expect(filters).to_have_js_property("open", True)
    unfold(trials, "Filters: showing")  # already open: looking first leaves it so
    expect(trials.get_by_role("combobox", name="Show")).to_be_visible()
    no_sideways_scrolling(tab)
    # Without a ZIP code a trial says where it runs, not an arbitrary "nearest" site.
    expect(trials).not_to_contain_text("Nearest")
    assert_page_clean(tab)

    # The hostile record's markup must show as text and never run or load anything.
    chooser = trials.get_by_role("combobox", name="Choose a trial")
    choose_options(tab, chooser, re.compile(HOSTILE_NCT))
    # Shown as the literal text; web addresses carry an invisible word joiner so they are not linked.
    shown_title = HOSTILE_TITLE.replace("http://", "http\u2060:\u2060//")
    expect(trials.get_by_role("heading", name=shown_title, exact=True)).to_be_visible()
    expect(trials.locator('img[src="x"], img[src*="evil.example"]')).to_have_count(0)
    expect(trials.locator('a[href^="javascript:"]')).to_have_count(0)
    expect(trials.locator('a[href*="evil.example"]')).to_have_count(0)
    assert tab.dialogs == []
    shoot(tab, "03-trials.png")

    # Star the HER2 brain-metastases trial from its details; its criteria read as a list.
    choose_options(tab, chooser, re.compile(STARRED_NCT))
    expect(chooser).to_have_value(re.compile(STARRED_NCT))
    trials.get_by_text("Full eligibility criteria, as the trial lists them").click()
    criteria = trials.get_by_test_id("stExpander").filter(has_text="Full eligibility criteria")
    expect(criteria.locator("li").first).to_be_visible()
    expect(criteria).to_contain_text("Leptomeningeal disease")
    expect(trials.locator("pre, code")).to_have_count(0)  # no grey code boxes
    star = trials.get_by_role("switch", name="☆ Star this trial for my appointment packet")
    expect(star).not_to_be_checked()
    tab.rerun(trials.get_by_text("Star this trial for my appointment packet").click)
    expect(star).to_be_checked()
    expect(form).to_contain_text("1 starred trial.")
    assert_page_clean(tab)
    assert f"trials={STARRED_NCT}" in page.url  # the shortlist travels in the shareable link
    shoot(tab, "05-trials-starred.png")

    # The navigator changes the profile and the place: the Houston trial leaves the list...
    tab.rerun(form.get_by_test_id("stRadio").get_by_text("Triple-negative", exact=True).click)
    form.get_by_text("Location (optional)").click()
    zip_box = form.get_by_role("textbox", name="US ZIP code")
    zip_box.fill("02215")
    tab.rerun(lambda: zip_box.press("Enter"))
    expect(trials).to_contain_text("Checked 2 trials against your answers", timeout=90_000)
    expect(trials).to_contain_text("Where the nearest sites are")
    # ...but stays starred: the sidebar, the panel and the packet all hold it.
    expect(form).to_contain_text("1 starred trial.")
    trials.get_by_text("Your starred trials (1)").click()
    expect(trials).to_contain_text("not in this search; record fetched")
    no_sideways_scrolling(tab)
    assert_page_clean(tab)
    shoot(tab, "10-trials-after-change.png")

    text, pages = pdf_words(download(tab, "Download packet (PDF)"))
    assert STARRED_NCT in text
    assert "Antibody-Drug Conjugate for HER2-positive Breast Cancer With Brain Metastases" in text
    assert "Record: fetched" in text
    assert "from the centre of the area entered (Boston, MA)" in text
    assert HOSTILE_NCT not in text  # only the starred trial goes in
    assert " ".join(DISCLAIMER.split()[:8]) in text, text[:500]
    assert pages[-1].startswith("Notes " + NOTES_PROMPT)  # the packet ends with a notes page

    markdown = download(tab, "Download packet (Markdown)").decode("utf-8")
    assert f"### {STARRED_NCT}: Antibody-Drug Conjugate for HER2-positive Breast" in markdown
    assert "\\-" not in markdown and "&amp;" not in markdown  # readable as plain text

    open_page(tab, "Support and resources")
    expect(tab.main).to_contain_text("organizations fit your answers")
    assert_page_clean(tab)
    shoot(tab, "04-resources.png")

    # The choices and the star survived every page change.
    expect(form).to_contain_text("1 starred trial.")
    assert tab.dialogs == []
    # The maps drew no street-map pictures: nothing left this computer but for the app itself.
    assert tab.outside_requests() == []


def test_on_a_phone_the_form_opens_first_and_the_trials_come_as_cards(
    standin_url: str, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    with open_tab(tmp_path, standin_url, PHONE) as tab:
        # First open: the form is on screen, not hidden behind a closed side panel.
        subtype = tab.sidebar.get_by_test_id("stRadio").filter(has_text="Type (subtype)")
        expect(subtype).to_be_in_viewport()
        shoot(tab, "08-phone-form.png")
        fill_form(tab, "HER2-positive", "Brain")
        no_sideways_scrolling(tab)
        # The side panel's own link to the trials page closes the panel on a phone.
        open_page(tab, "Clinical trials")
        trials = tab.main
        expect(trials).to_contain_text("Checked 3 trials against your answers", timeout=90_000)
        if tab.sidebar.get_by_test_id("stSidebarContent").is_visible():
            tab.page.get_by_test_id("stSidebarCollapseButton").locator("button").click()
        card = trials.locator('.st-key-trial_cards [class*="st-key-card_"]')
        expect(card.first).to_be_in_viewport()  # a trial on the first screen
        expect(card.first).to_contain_text("1.")
        expect(card.first).to_contain_text(STARRED_NCT)
        expect(trials.locator(".st-key-trial_table")).to_be_hidden()  # no table to scroll sideways
        no_sideways_scrolling(tab)
        shoot(tab, "09-phone-trials.png")
        tab.rerun(card.first.get_by_text("Star for my packet").click)
        expect(card.first.get_by_role("checkbox")).to_be_checked()
        expect(tab.sidebar).to_contain_text("1 starred trial.")
        assert_page_clean(tab)
        assert tab.outside_requests() == []


@pytest.mark.parametrize("viewport", [VIEWPORT, PHONE], ids=["desktop", "phone"])
def test_offline_a_downloaded_file_still_gives_matches_and_a_packet(
    browser_ready: None, tmp_path: Path, viewport: dict[str, int]
) -> None:
    """Behind a firewall: the registry cannot be reached, nothing is saved; upload a file."""
    from playwright.sync_api import expect

    suffix = "phone" if viewport is PHONE else "desktop"
    link = "/trials?subtype=her2-positive&sites=brain"
    with open_tab(
        tmp_path,
        "http://127.0.0.1:9/api/v2",
        viewport,
        path=link,
        extra_env={"MBC_SEARCH_SECONDS": "2"},
    ) as tab:
        trials = tab.main
        error = trials.get_by_test_id("stAlertContentError")
        expect(error).to_contain_text("could not be reached (the connection was refused)")
        expect(error).to_be_visible()  # in words on the page, not folded inside a grey box
        expect(trials.get_by_role("button", name="Try again")).to_be_visible()
        expect(trials).not_to_contain_text("--studies")
        assert_page_clean(tab)
        shoot(tab, f"07-offline-{suffix}.png")
        upload = trials.locator('input[type="file"]')
        wrong = tmp_path / "trials.csv.json"
        wrong.write_text("NCT Number,Study Title,Study Status,Phases\nNCT09990002,A,RECRUITING,PHASE2\n")
        tab.rerun(lambda: upload.set_input_files(str(wrong)))
        expect(trials).to_contain_text("this looks like a CSV download; on ClinicalTrials.gov choose")
        tab.rerun(lambda: upload.set_input_files(str(STUDY_FILE)))
        expect(trials).to_contain_text("Trials from the file ctgov_breast_studies.json")
        expect(trials).to_contain_text("1 trial shown")
        chooser = trials.get_by_role("combobox", name="Choose a trial")
        expect(chooser).to_have_value(re.compile(STARRED_NCT))
        tab.rerun(trials.get_by_text("Star this trial for my appointment packet").click)
        expect(tab.sidebar).to_contain_text("1 starred trial.")
        no_sideways_scrolling(tab)
        assert_page_clean(tab)
        shoot(tab, f"07-offline-upload-{suffix}.png")
        if viewport is PHONE:
            tab.page.get_by_test_id("stExpandSidebarButton").click()
        text, _ = pdf_words(download(tab, "Download packet (PDF)"))
        assert STARRED_NCT in text and "from the file ctgov_breast_studies.json" in text
        assert tab.outside_requests() == []


HOSTILE_LINK_VALUES = {
    "subtype": "![x](http://127.0.0.2:9/tracker.png)",
    "sites": "bone,[Your session expired - log in](http://127.0.0.2:9/x),mars",
    "age": ":material/home: <img src=http://127.0.0.2:9/i.png>",
}


def test_a_shared_link_with_markup_is_shown_as_text_and_loads_nothing(tab: Tab) -> None:
    """Every bad value of a link is named in words and the valid parts are kept."""
    from urllib.parse import urlencode, urlsplit

    from playwright.sync_api import expect

    tab.page.goto(tab.dashboard_url + "/?" + urlencode(HOSTILE_LINK_VALUES))
    wait_for_app_idle(tab.page)
    warning = tab.main.get_by_test_id("stAlertContentWarning").filter(has_text="This link has")
    expect(warning).to_contain_text("This link has 4 values we could not use")
    # Named as typed (long values cut), every one of them, in words:
    expect(warning).to_contain_text("'![x](http")
    expect(warning).to_contain_text("is not a type of breast cancer we know")
    expect(warning).to_contain_text("'mars' is not a place we know")
    expect(warning).to_contain_text("'[Your session expired - log")
    expect(warning).to_contain_text(re.compile(r"material/home:\W? <img"))
    # ...and nothing in them became an image, a link or an icon.
    expect(warning.locator("img")).to_have_count(0)
    expect(warning.locator("a")).to_have_count(0)
    expect(warning.get_by_test_id("stIconMaterial")).to_have_count(0)
    assert not [u for u in tab.requests if urlsplit(u).hostname == "127.0.0.2"]  # nothing loaded
    # The usable part of the link was kept.
    sites = tab.sidebar.get_by_test_id("stMultiSelect").filter(has_text="Where has it spread?")
    expect(sites.get_by_role("group", name="Selected values")).to_contain_text("Bone")
    assert_page_clean(tab)
    shoot(tab, "06-bad-link.png")
    assert tab.outside_requests() == []
