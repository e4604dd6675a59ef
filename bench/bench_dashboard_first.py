"""Benchmark the dashboard's first trials page from a fresh server, with the stand-in's time left out.

The issue's goals, reported as measured/goal ratios (at most 1.00 meets the goal):

1. the first trials page with 1,000 trials is shown within 2.5 s of the server's start, not
   counting the time the API stand-in spent making its answers;
2. a rerun after a filter change takes at most 0.2 s (the server's script run, median);
3. the server stays under 600 MB resident after 10 distinct searches.

Measures, in one run: the API stand-in runs in a process of its own (``python -m
data.ctgov_standin``) serving ``--studies`` clones of the shared records (as
``bench/bench_dashboard.py`` makes them), so its work is not the server's; it logs how long it
spent on each answer, and that sum is taken out of the first load. Headless Chromium is started
first; then the clock starts with the dashboard's process (as ``mbc-navigator`` starts it, with
the warm-up beside the server, or with ``--plain`` as a bare ``streamlit run``), the browser opens
the trials page with a profile in the link as soon as the health check answers, and the clock
stops when the page says how many trials it checked and the app is idle. The server's own script
run time comes from ``MBC_TIMING``. Then ``--repeat`` filter changes, then nine more distinct
searches (other places and distances), and the resident memory of the server afterwards.

Run from the repository root::

    python bench/bench_dashboard_first.py [--studies 1000] [--repeat 8] [--plain] [--restart]
        [--shared ../shared]

``--restart`` first runs a server once on the cache folder (unmeasured), then measures a new
server on it: the saved registry answers and the readings kept on disk, as after a restart.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_dashboard import (  # noqa: E402
    PROFILE_QUERY,
    TIMEOUT_MS,
    Samples,
    ServerLog,
    clone_studies,
    memory_mb,
    phase_to_toggle,
    toggle_option,
)
from tests.browser_support import (  # noqa: E402
    SERVER_FLAGS,
    RunWatcher,
    browser_problem,
    launch_chromium,
    running_dashboard,
    wait_for_app_idle,
)

FIRST_GOAL_S = 2.5
RERUN_GOAL_S = 0.2
RSS_GOAL_MB = 600.0
CHECKED = re.compile(r"Checked [\d,]+ trials? against your answers")
#: The nine searches after the first one ("anywhere"): places and distances a clinic might use.
MORE_SEARCHES = (
    "zip=02115&miles=500",
    "zip=02115&miles=1000",
    "zip=02115&miles=3000",
    "zip=60601&miles=500",
    "zip=60601&miles=1000",
    "zip=60601&miles=3000",
    "zip=94103&miles=1000",
    "zip=94103&miles=3000",
    "zip=77030&miles=3000",
)


@contextmanager
def standin_process(studies: Path) -> Iterator[str]:
    """The stand-in in its own process; yields its base URL (``http://127.0.0.1:<port>/api/v2``)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "data.ctgov_standin", "--studies", str(studies), "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"at (\S+/api/v2)", line)
        if not found:
            raise RuntimeError(f"the stand-in did not start: {line!r}")
        yield found.group(1)
    finally:
        process.terminate()
        process.wait(timeout=10)


def standin_log(base_url: str, *, clear: bool = False) -> list[dict[str, Any]]:
    """The stand-in's request log (each entry with ``answer_s``); ``clear`` empties it after."""
    url = base_url.rsplit("/api/v2", 1)[0] + "/_standin/requests"
    request = urllib.request.Request(url, method="DELETE" if clear else "GET")
    with urllib.request.urlopen(request, timeout=10) as answer:
        entries: list[dict[str, Any]] = json.loads(answer.read())
    return entries


def open_trials(page: Any, url: str, stages: dict[str, float] | None = None) -> float:
    """Open the trials page at ``url``; seconds until it has checked the trials and is idle.

    ``stages`` gets when (from this call) the page loaded, connected, and said it had checked.
    """
    started = time.perf_counter()
    page.goto(url)
    loaded = time.perf_counter()
    page.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]')
    connected = time.perf_counter()
    page.get_by_text(CHECKED).wait_for()
    checked = time.perf_counter()
    wait_for_app_idle(page, TIMEOUT_MS)
    if stages is not None:
        stages.update(loaded=loaded - started, connected=connected - started, checked=checked - started)
    return time.perf_counter() - started


def phase_reruns(
    page: Any, runs: RunWatcher, log: ServerLog, repeat: int
) -> tuple[list[float], list[float]]:
    """Add and remove a phase in the filters (folded away: opened first); run times in seconds."""
    phase = phase_to_toggle(page)
    samples = Samples(f"phase filter (add/remove {phase})")
    toggle_option(page, runs, log, samples, "Phase", phase, repeat)
    return samples.server, samples.browser


def bench(records: list[dict[str, Any]], repeat: int, *, plain: bool, restart: bool) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    if plain:
        command = [sys.executable, "-m", "streamlit", "run", "dashboard/app.py", *SERVER_FLAGS]
    else:
        command = [sys.executable, "-m", "dashboard.server", *SERVER_FLAGS]
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="mbc-bench-first-") as work_dir:
        work = Path(work_dir)
        studies = work / "studies.jsonl"
        studies.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        with standin_process(studies) as base_url, sync_playwright() as playwright:
            context = launch_chromium(
                playwright, work / "chromium", viewport={"width": 1400, "height": 900}
            )
            try:
                page = context.pages[0] if context.pages else context.new_page()
                page.set_default_timeout(TIMEOUT_MS)
                if restart:  # a first life of the server fills the cache folder, unmeasured
                    with running_dashboard(base_url, work / "app", command=command) as first:
                        open_trials(page, f"{first.url}/trials?{PROFILE_QUERY}")
                standin_log(base_url, clear=True)
                started = time.perf_counter()
                with running_dashboard(
                    base_url, work / "app", extra_env={"MBC_TIMING": "1"}, command=command
                ) as dashboard:
                    figures["health_s"] = time.perf_counter() - started
                    figures["rss_idle_mb"], _ = memory_mb(dashboard.pid)
                    runs = RunWatcher()
                    runs.attach(page)
                    log = ServerLog(dashboard.log_path)
                    stages: dict[str, float] = {}
                    open_trials(page, f"{dashboard.url}/trials?{PROFILE_QUERY}", stages)
                    figures["first_s"] = time.perf_counter() - started
                    figures["stages"] = {k: v + figures["health_s"] for k, v in stages.items()}
                    figures["server_first_s"] = sum(log.new_runs())
                    answers = standin_log(base_url)
                    figures["standin_s"] = sum(float(a.get("answer_s", 0.0)) for a in answers)
                    figures["standin_requests"] = len(answers)
                    figures["rss_first_mb"], _ = memory_mb(dashboard.pid)
                    checked = page.get_by_text(re.compile(r"Checked [\d,]+ trials?")).inner_text()
                    figures["trials"] = int(re.sub(r"\D", "", checked.split(" against")[0]))
                    warm = re.search(r"mbc-warm done in ([0-9.]+) s", dashboard.log_tail(100_000))
                    figures["warm_s"] = float(warm.group(1)) if warm else None

                    print(f"first load: {figures}", file=sys.stderr, flush=True)
                    page.set_default_timeout(min(60_000, TIMEOUT_MS))
                    figures["rerun_server"], figures["rerun_browser"] = phase_reruns(
                        page, runs, log, repeat
                    )

                    figures["search_s"] = []
                    for query in MORE_SEARCHES:
                        url = f"{dashboard.url}/trials?{PROFILE_QUERY}&{query}"
                        figures["search_s"].append(open_trials(page, url))
                    figures["rss_mb"], figures["peak_mb"] = memory_mb(dashboard.pid)
            finally:
                context.close()
    return figures


def report(figures: dict[str, Any], *, plain: bool, restart: bool) -> None:
    how = "bare `streamlit run`" if plain else "`python -m dashboard.server` (warm-up at start)"
    if restart:
        how += ", restarted on the cache folder of a first run (saved answers and readings)"
    excluded = figures["first_s"] - figures["standin_s"]
    rerun = statistics.median(figures["rerun_server"])
    print(f"\n## Fresh dashboard server, {how}, {figures['trials']:,} trials checked")
    print(f"health check answers after server start:        {figures['health_s']:6.2f} s")
    if figures["warm_s"] is not None:
        print(f"warm-up of the pages beside the server took:     {figures['warm_s']:6.2f} s")
        print("  (the reader is warmed after the first page run; its time is not in the first load)")
    print(f"first trials page shown, from server start:      {figures['first_s']:6.2f} s")
    stages = figures["stages"]
    print(
        f"  page loaded {stages['loaded']:.2f} s, connected {stages['connected']:.2f} s, "
        f"'Checked' shown {stages['checked']:.2f} s (from server start)"
    )
    print(f"  server's own script runs for it (MBC_TIMING):   {figures['server_first_s']:6.2f} s")
    print(
        f"  stand-in's own answer time ({figures['standin_requests']} requests):      "
        f"{figures['standin_s']:6.2f} s"
    )
    print(
        f"first page, stand-in excluded:                   {excluded:6.2f} s   "
        f"ratio to {FIRST_GOAL_S} s: {excluded / FIRST_GOAL_S:.2f}"
    )
    print(
        f"rerun after a filter change (server median of {len(figures['rerun_server'])}): "
        f"{rerun * 1000:6.0f} ms  ratio to {RERUN_GOAL_S} s: {rerun / RERUN_GOAL_S:.2f}  "
        f"(browser median {statistics.median(figures['rerun_browser']) * 1000:.0f} ms)"
    )
    searches = figures["search_s"]
    print(
        f"nine more distinct searches: median {statistics.median(searches):.2f} s, "
        f"max {max(searches):.2f} s each"
    )
    print(
        f"server resident memory: {figures['rss_idle_mb']:.0f} MB when its health check answers, "
        f"{figures['rss_first_mb']:.0f} MB after the first trials page"
    )
    print(
        f"server resident memory after 10 distinct searches: {figures['rss_mb']:6.0f} MB  "
        f"(peak {figures['peak_mb']:.0f} MB)  ratio to {RSS_GOAL_MB:.0f} MB: "
        f"{figures['rss_mb'] / RSS_GOAL_MB:.2f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--studies", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=8)
    parser.add_argument("--plain", action="store_true", help="bare `streamlit run`, no warm-up")
    parser.add_argument(
        "--restart", action="store_true", help="measure a restart on the cache folder of a first run"
    )
    default_shared = Path(os.environ.get("MBC_SHARED_DIR") or ROOT.parent / "shared")
    parser.add_argument("--shared", type=Path, default=default_shared)
    args = parser.parse_args(argv)
    if not (args.shared / "ctgov" / "studies.jsonl").is_file():
        print(f"Skipped: {args.shared / 'ctgov'} is absent; set --shared or MBC_SHARED_DIR.")
        return 0
    if problem := browser_problem():
        print(f"Skipped: {problem}.")
        return 0
    records = clone_studies(args.shared, args.studies)
    figures = bench(records, args.repeat, plain=args.plain, restart=args.restart)
    report(figures, plain=args.plain, restart=args.restart)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
