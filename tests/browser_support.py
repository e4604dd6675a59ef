"""Run the real dashboard in a subprocess and drive it with headless Chromium (tests and benches).

Kept apart from the tests so ``bench/bench_dashboard.py`` starts the app exactly as the browser
test does. The app runs in its own process, as it does for a user; only Streamlit's message
definitions are imported here, to read what the server tells the browser.
"""

from __future__ import annotations

import importlib.util
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
#: Flags for a dashboard server on a free local port ("{port}" is filled in), with no browser and no
#: usage statistics: shared by the tests and the benches that start one.
SERVER_FLAGS = (
    "--server.headless",
    "true",
    "--server.port",
    "{port}",
    "--server.address",
    "127.0.0.1",
    "--browser.gatherUsageStats",
    "false",
)
#: Flags that keep a headless Chromium quiet and offline in a container without a sandbox.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
REQUIRE_ENV = "MBC_REQUIRE_BROWSER"
STARTUP_TIMEOUT_S = 60.0


def browser_problem() -> str | None:
    """Why a browser test cannot run here, or None when Chromium and Playwright are both present."""
    if not CHROMIUM.exists():
        return f"Chromium is not installed at {CHROMIUM} (Debian package 'chromium')"
    if importlib.util.find_spec("playwright") is None:
        return "the Python package 'playwright' is not installed (test extra)"
    return None


def browser_required() -> bool:
    """CI sets ``MBC_REQUIRE_BROWSER=1`` so a missing browser fails instead of skipping quietly."""
    return os.environ.get(REQUIRE_ENV, "") == "1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Dashboard:
    """A running ``streamlit run dashboard/app.py`` process and where to reach it."""

    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return ""


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as answer:
            return bool(answer.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def stop_process_group(process: subprocess.Popen[bytes]) -> None:
    """Stop the server and anything it started: it leads its own process group, which may outlive
    it (a launcher stopped alone leaves its server behind), so the group is stopped either way."""
    for sig, wait_s in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return  # nobody left in the group
        try:
            process.wait(timeout=wait_s)
        except subprocess.TimeoutExpired:
            continue
        if not group_alive(process.pid, wait_s):
            return


def group_alive(group: int, wait_s: float = 0.0) -> bool:
    """Whether any process of the group is still running, after waiting up to ``wait_s``."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return False
        if time.monotonic() >= deadline:
            return True
        time.sleep(0.05)


@contextmanager
def running_dashboard(
    base_url: str,
    work_dir: Path,
    *,
    extra_env: Mapping[str, str] | None = None,
    startup_timeout_s: float = STARTUP_TIMEOUT_S,
    command: Sequence[str] | None = None,
) -> Iterator[Dashboard]:
    """Start the dashboard against ``base_url`` (the API stand-in), wait until it answers, stop it.

    The cache lives in ``work_dir/cache`` and the server's output in ``work_dir/streamlit.log``,
    so a failing test can show why the app did not come up. ``command`` replaces the usual
    ``streamlit run`` (``{port}`` in it is replaced by the port chosen), e.g. deploy/Dockerfile's.
    """
    work_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {
        **os.environ,
        "CTGOV_BASE_URL": base_url,
        "MBC_CACHE_DIR": str(work_dir / "cache"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        **(extra_env or {}),
    }
    argv = [sys.executable, "-m", "streamlit", "run", "dashboard/app.py", *SERVER_FLAGS]
    if command is not None:
        argv = command
    argv = [part.replace("{port}", str(port)) for part in argv]
    log_path = work_dir / "streamlit.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    dashboard = Dashboard(process, port, log_path)
    try:
        deadline = time.monotonic() + startup_timeout_s
        while not _healthy(dashboard.url):
            if process.poll() is not None:
                raise RuntimeError(f"the dashboard exited early:\n{dashboard.log_tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"the dashboard did not answer within {startup_timeout_s:.0f} s:\n"
                    f"{dashboard.log_tail()}"
                )
            time.sleep(0.2)
        yield dashboard
    finally:
        stop_process_group(process)


def launch_chromium(playwright: Any, user_data_dir: Path, **context_options: Any) -> Any:
    """A headless Chromium with a fresh profile; returns the persistent browser context."""
    return playwright.chromium.launch_persistent_context(
        str(user_data_dir),
        executable_path=str(CHROMIUM),
        headless=True,
        args=list(CHROMIUM_ARGS),
        accept_downloads=True,
        **context_options,
    )


#: Notes when the user last clicked or pressed a key (as wall-clock milliseconds), to time reruns.
INPUT_CLOCK_JS = """
(() => {
  window.__mbcLastInput = 0;
  const note = () => { window.__mbcLastInput = performance.timeOrigin + performance.now(); };
  window.addEventListener("pointerdown", note, true);
  window.addEventListener("keydown", note, true);
})();
"""


class RunWatcher:
    """Count the script runs the server reports finished, by reading its websocket messages.

    The page's own "running" flag is no use for this: when a rerun is quick, React renders
    "running" and "not running" in one go and the flag never visibly changes. The server's
    ``script_finished`` message always arrives, so count those (decoded with Streamlit's proto).
    """

    def __init__(self) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self._message = ForwardMsg
        done = ForwardMsg.ScriptFinishedStatus
        self._complete = {done.FINISHED_SUCCESSFULLY, done.FINISHED_WITH_COMPILE_ERROR}
        self.completed = 0
        self.last_finish_s = 0.0

    def attach(self, page: Any) -> None:
        """Watch ``page`` (call before ``goto``) and note when its user last gave input."""
        page.add_init_script(INPUT_CLOCK_JS)
        page.on("websocket", lambda socket: socket.on("framereceived", self._on_frame))

    def _on_frame(self, payload: str | bytes) -> None:
        if not isinstance(payload, bytes):
            return
        message = self._message()
        try:
            message.ParseFromString(payload)
        except Exception:  # not a ForwardMsg: nothing to count
            return
        if message.WhichOneof("type") == "script_finished" and message.script_finished in self._complete:
            self.completed += 1
            self.last_finish_s = time.time()


def after_rerun(page: Any, watcher: RunWatcher, action: Any, timeout_ms: float = 60_000) -> float:
    """Do ``action`` (which must make the app rerun) and wait until that rerun has finished.

    Waiting for "not running" alone races: right after a click the previous run's idle state is
    still shown, and a radio briefly shows the clicked option before the server answers.

    Returns:
        Milliseconds from the last click or key press in the page to the moment this process got
        the run's "finished" message (both read from the machine's wall clock).
    """
    before = watcher.completed
    action()
    deadline = time.monotonic() + timeout_ms / 1000
    while watcher.completed <= before:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the app did not finish a rerun within {timeout_ms / 1000:.0f} s")
        page.wait_for_timeout(5)  # lets Playwright deliver the websocket events
    finished_s = watcher.last_finish_s
    wait_for_app_idle(page, timeout_ms)
    return (finished_s * 1000) - float(page.evaluate("window.__mbcLastInput"))


def wait_for_app_idle(page: Any, timeout_ms: float = 60_000) -> None:
    """Wait until the app is connected and its script is not running (Streamlit's own test hook)."""
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-connection-state="CONNECTED"]'
        '[data-test-script-state="notRunning"]',
        timeout=timeout_ms,
    )


def unfold(scope: Any, header: str | re.Pattern[str]) -> Any:
    """Open the expander whose header shows ``header`` unless it is open already; its ``<details>``.

    A click on an open expander's header folds it, and whether one is open depends on what came
    before (a keyed expander stays open across reruns, label changes and page visits), so look
    first: Streamlit draws an expander as ``<details>``, open when its ``open`` property is set.
    """
    from playwright.sync_api import expect

    # The header's own words: a summary's whole text starts with its arrow icon's name.
    words = scope.locator("summary").get_by_text(header)
    summary = words.locator("xpath=ancestor::summary[1]")
    details = words.locator("xpath=ancestor::details[1]")
    if not details.evaluate("element => element.open"):
        summary.click()
    expect(details).to_have_js_property("open", True)
    return details


def full_page_screenshot(page: Any, path: Path) -> None:
    """Screenshot the whole page as a user would scroll through it.

    Streamlit scrolls its main area inside the window, so Playwright's ``full_page`` alone shows
    one screen: grow the window to the content's height for the shot, then restore it.
    """
    size = page.viewport_size or {"width": 1400, "height": 900}
    height = page.evaluate(
        """() => Math.max(...['stMain', 'stSidebarContent', 'stAppViewContainer']
            .map(id => document.querySelector(`[data-testid="${id}"]`))
            .filter(Boolean).map(el => el.scrollHeight), document.body.scrollHeight)"""
    )
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 16_000)})
    try:
        page.wait_for_timeout(300)  # let charts and maps re-lay out at the new size
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(size)
