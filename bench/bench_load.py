"""Load bench: N people open the trials page at once, against one dashboard process and against two.

Each session is a fresh headless-Chromium context (its own cookies, so its own Streamlit session)
that opens a shared link, ``/trials?subtype=hr-positive&sites=bone,liver`` by default, and waits
until the page says how many trials it checked. All N start together. Reported for each setup and
N: time to results (median, p90, max), sessions that failed, the CPU seconds each dashboard process
used while the N sessions ran, each process's peak memory (VmHWM) and its memory with the N
sessions open, the clients' CPU seconds, and the requests that reached the registry stand-in.

``--client ws`` opens the sessions in Streamlit's own websocket protocol instead, without a
browser: the server runs the page and sends every element, but no page is drawn and no static
file is served. On a small machine the browsers take most of the CPU; this shows the servers alone.

Setups:

* ``one``: one dashboard process takes every session;
* ``two``: two processes, sessions split between them in turn, as the sticky proxy would;
* ``proxy``: the same two behind HAProxy running deploy/haproxy.cfg (needs Debian's ``haproxy``).

The registry is the local stand-in (``python -m data.ctgov_standin``, its own process) serving
``--studies FILE`` or ``MBC_LOAD_STUDIES``: by default the small fixture of the tests; for a
realistic load give a file of real records (JSON Lines), e.g. the breast-cancer corpus in the
shared folder (``ctgov/corpus/breast_corpus.jsonl``). Each setup starts fresh processes with
empty caches, then opens the page once per process (``--cold`` skips this) so that, as in a
clinic that has been running a while, the registry's answer is saved and Python has loaded the
app; then the N sessions start. ``--vary`` gives each session one of 18 profiles (drawn with a
fixed seed) instead of the one link, so the processes also judge the trials for new answers.
``--cache-url`` hands ``MBC_CACHE_URL`` to the dashboards.

The machine's CPUs are shared by the browsers and the servers: compare setups within one run
(the ratios), not with another machine. Run from the repository root::

    python bench/bench_load.py [--studies FILE] [--sessions 10,25,50] [--setups one,two,proxy]
        [--client browser|ws] [--vary] [--cold] [--cache-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser_support import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    browser_problem,
    free_port,
    running_dashboard,
    stop_process_group,
)
from tests.deploy_support import proxy_problem, running_proxy  # noqa: E402

DEFAULT_STUDIES = ROOT / "tests" / "fixtures" / "ctgov_breast_studies.json"
STUDIES_ENV = "MBC_LOAD_STUDIES"
DEFAULT_LINK = "subtype=hr-positive&sites=bone,liver"
RESULTS = re.compile(r"Checked [\d,]+ trials? against your answers")
RESULTS_BYTES = re.compile(RESULTS.pattern.encode())
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SETUPS = ("one", "two", "proxy")
#: With --vary, each session opens one of these (18 people with different answers).
SITE_SETS = ("bone", "bone,liver", "lung", "liver,lung", "lymph-nodes", "bone,lung,liver")
VARIED_LINKS = tuple(
    f"subtype={subtype}&sites={sites}"
    for sites in SITE_SETS
    for subtype in ("hr-positive", "her2-positive", "triple-negative")
)


# --- processes: CPU time and memory from /proc ------------------------------------------------


def _parents() -> dict[int, int]:
    found: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            found[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return found


def family(pid: int) -> set[int]:
    """``pid`` and every process below it."""
    parents = _parents()
    members, grew = {pid}, True
    while grew:
        grew = False
        for child, parent in parents.items():
            if parent in members and child not in members:
                members.add(child)
                grew = True
    return members


def cpu_seconds(pids: set[int]) -> float:
    """User plus system CPU time of these processes so far (those already gone count nothing)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


def status_mb(pid: int, key: str) -> float:
    """A memory line of /proc/PID/status (VmRSS, VmHWM), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def browser_pids() -> set[int]:
    """Chromium's processes started by this bench (through Playwright's driver)."""
    found = set()
    for pid in family(os.getpid()):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0]
        except OSError:
            continue
        if "chrom" in Path(command.decode(errors="replace")).name:
            found.add(pid)
    return found


# --- the registry stand-in in its own process ------------------------------------------------


@dataclass(frozen=True)
class Standin:
    process: subprocess.Popen[bytes]
    port: int

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v2"

    def request_count(self) -> int:
        """API requests received so far (its log at /_standin/requests)."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_standin/requests") as answer:
            return len(json.loads(answer.read()))


@contextmanager
def running_standin(studies: Path, work: Path) -> Iterator[Standin]:
    port = free_port()
    log = (work / "standin.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "data.ctgov_standin", "--studies", str(studies), "--port", str(port)],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    standin = Standin(process, port)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(standin.base_url + "/version", timeout=2).close()
                break
            except (urllib.error.URLError, OSError):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the registry stand-in did not start; see standin.log") from None
                time.sleep(0.2)
        yield standin
    finally:
        stop_process_group(process)
        log.close()


# --- sessions in the browser -----------------------------------------------------------------


@dataclass
class Session:
    url: str
    seconds: float | None = None
    problem: str = ""
    server: str = ""
    checked: str = ""


async def open_trials(browser: Any, session: Session, timeout_s: float, keep: list[Any]) -> None:
    """One person: a new browser context opens the link and waits for the results."""
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    keep.append(context)
    page = await context.new_page()
    started = time.perf_counter()
    try:
        await page.goto(session.url, wait_until="commit", timeout=timeout_s * 1000)
        shown = page.get_by_text(RESULTS)
        await shown.wait_for(timeout=timeout_s * 1000)
        session.seconds = time.perf_counter() - started
        said = RESULTS.search(await shown.first.inner_text())
        session.checked = said[0] if said else ""
        cookies = await context.cookies()
        session.server = next((c["value"] for c in cookies if c["name"] == "MBC_SERVER"), "")
    except Exception as error:  # a timeout or a crashed page: counted, the run goes on
        session.problem = type(error).__name__


async def open_trials_ws(session: Session, timeout_s: float, keep: list[Any]) -> None:
    """One person, in Streamlit's own websocket protocol: ask for the page, wait for its results.

    No browser: the server does the same work for the page (script run, every element sent) but
    serves no static files, and no page is drawn. Timed until the run that showed the results ends.
    """
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    parts = urlsplit(session.url)
    started = time.perf_counter()
    try:
        async with asyncio.timeout(timeout_s):
            socket = await websockets.connect(
                f"ws://{parts.netloc}/_stcore/stream",
                subprotocols=["streamlit"],
                max_size=None,
                open_timeout=None,  # its own 10 s would end handshakes a busy server is still doing
            )
            keep.append(socket)
            cookie = (socket.response.headers.get("set-cookie") if socket.response else None) or ""
            session.server = next(iter(re.findall(r"MBC_SERVER=(\w+)", cookie)), "")
            request = BackMsg()
            request.rerun_script.query_string = parts.query
            request.rerun_script.page_name = parts.path.strip("/")
            await socket.send(request.SerializeToString())
            while True:
                raw = await socket.recv()
                if isinstance(raw, str):
                    continue
                if not session.checked and (said := RESULTS_BYTES.search(raw)):
                    session.checked = said[0].decode()
                if session.checked:
                    message = ForwardMsg()
                    message.ParseFromString(raw)
                    if message.WhichOneof("type") == "script_finished":
                        session.seconds = time.perf_counter() - started
                        return
    except Exception as error:  # a timeout or a closed connection: counted, the run goes on
        session.problem = f"{type(error).__name__}: {str(error)[:60]}".rstrip(": ")


async def _sessions(
    open_one: Callable[[Session, float, list[Any]], Awaitable[None]],
    urls: Sequence[str],
    timeout_s: float,
    warm: Sequence[str],
    snapshot: Callable[[], Any],
    client_pids: Callable[[], set[int]],
) -> dict[str, Any]:
    """Warm each process up (one session each, in turn), then run every session at once.

    ``snapshot`` is called between the two, to read the servers' counters the sessions start from.
    """
    warm_ones: list[Any] = []
    for url in warm:
        await open_one(Session(url), timeout_s, warm_ones)
    for opened in warm_ones:
        await opened.close()
    before = snapshot()
    clients = client_pids()
    client_cpu = cpu_seconds(clients)
    sessions = [Session(url) for url in urls]
    opened_now: list[Any] = []
    started = time.perf_counter()
    await asyncio.gather(*(open_one(s, timeout_s, opened_now) for s in sessions))
    wall = time.perf_counter() - started
    client_cpu = cpu_seconds(clients | client_pids()) - client_cpu
    client_rss = sum(status_mb(pid, "VmRSS") for pid in client_pids())
    for opened in opened_now:
        await opened.close()
    return {
        "sessions": sessions,
        "wall": wall,
        "client_cpu": client_cpu,
        "client_rss": client_rss,
        "before": before,
    }


async def run_sessions(
    client: str, urls: Sequence[str], timeout_s: float, warm: Sequence[str], snapshot: Callable[[], Any]
) -> dict[str, Any]:
    """The sessions in headless Chromium (``browser``) or over bare websockets (``ws``)."""
    if client == "ws":
        return await _sessions(open_trials_ws, urls, timeout_s, warm, snapshot, lambda: {os.getpid()})
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_ARGS)
        )
        try:
            opener = functools.partial(open_trials, browser)
            return await _sessions(opener, urls, timeout_s, warm, snapshot, browser_pids)
        finally:
            await browser.close()


# --- one setup, one N ------------------------------------------------------------------------


@dataclass
class Result:
    setup: str
    sessions: int
    times: list[float] = field(default_factory=list)
    failed: int = 0
    wall: float = 0.0
    server_cpu: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)
    open_mb: list[float] = field(default_factory=list)
    client_cpu: float = 0.0
    client_rss: float = 0.0
    registry_requests: int = 0
    spread: str = ""
    load: float = 0.0
    checked: list[str] = field(default_factory=list)


def measure(setup: str, count: int, standin: Standin, options: argparse.Namespace, work: Path) -> Result:
    """Start fresh dashboards for ``setup``, run ``count`` sessions, read the processes' figures."""
    env = {"MBC_CACHE_URL": options.cache_url} if options.cache_url else {}
    processes = 1 if setup == "one" else 2
    with ExitStack() as stack:
        dashboards = [
            stack.enter_context(
                running_dashboard(standin.base_url, work / f"{setup}-{count}-{i}", extra_env=env)
            )
            for i in range(processes)
        ]
        link = "/trials?" + options.link
        # Profiles drawn with a fixed seed: the same for every setup, and not in step with the
        # alternation between processes (which would give each process only half of them).
        draw = random.Random(15)
        links = ["/trials?" + draw.choice(VARIED_LINKS) if options.vary else link for _ in range(count)]
        if setup == "proxy":
            proxy = stack.enter_context(
                running_proxy([d.port for d in dashboards], work / f"proxy-{count}")
            )
            urls = [proxy.url + links[i] for i in range(count)]
            warm = [] if options.cold else [proxy.url + link] * processes
        else:
            urls = [dashboards[i % processes].url + links[i] for i in range(count)]
            warm = [] if options.cold else [d.url + link for d in dashboards]

        def snapshot() -> tuple[int, list[set[int]], list[float]]:
            families = [family(d.pid) for d in dashboards]
            return standin.request_count(), families, [cpu_seconds(f) for f in families]

        run = asyncio.run(run_sessions(options.client, urls, options.timeout, warm, snapshot))
        requests_before, families, cpu_before = run["before"]
        families = [f | family(d.pid) for f, d in zip(families, dashboards, strict=True)]
        result = Result(setup, count, wall=run["wall"])
        result.server_cpu = [cpu_seconds(f) - b for f, b in zip(families, cpu_before, strict=True)]
        result.peak_mb = [status_mb(d.pid, "VmHWM") for d in dashboards]
        result.open_mb = [status_mb(d.pid, "VmRSS") for d in dashboards]
        result.registry_requests = standin.request_count() - requests_before
        result.load = os.getloadavg()[0]
    sessions: list[Session] = run["sessions"]
    result.times = [s.seconds for s in sessions if s.seconds is not None]
    result.failed = sum(1 for s in sessions if s.seconds is None)
    result.checked = sorted({s.checked for s in sessions if s.checked})
    result.client_cpu, result.client_rss = run["client_cpu"], run["client_rss"]
    if setup == "proxy":
        result.spread = "/".join(str(sum(s.server == n for s in sessions)) for n in ("d1", "d2"))
    elif setup == "two":
        result.spread = f"{(count + 1) // 2}/{count // 2}"
    problems = sorted({s.problem for s in sessions if s.problem})
    if problems:
        print(f"  {setup} N={count}: {result.failed} sessions failed ({', '.join(problems)})")
    return result


# --- the report ------------------------------------------------------------------------------


def p90(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.9 * len(ordered)) - 1)]


def _each(values: Sequence[float], form: str) -> str:
    return " + ".join(format(v, form) for v in values)


def report(results: Sequence[Result]) -> None:
    print(
        f"\n{'setup':6}{'N':>4}{'ok':>4}  {'results s: median':>17}{'p90':>6}{'max':>6}"
        f"{'all in':>8}  {'server CPU s (each)':>20}  {'peak MB (each)':>15}  "
        f"{'MB open (each)':>15}  {'client CPU s':>13}  {'split':>6}  {'registry':>8}  {'load':>5}"
    )
    for r in results:
        if r.times:
            times = f"{statistics.median(r.times):17.1f}{p90(r.times):6.1f}{max(r.times):6.1f}"
        else:
            times = f"{'—':>17}{'—':>6}{'—':>6}"
        print(
            f"{r.setup:6}{r.sessions:>4}{len(r.times):>4}  {times}{r.wall:8.1f}  "
            f"{_each(r.server_cpu, '.1f'):>20}  {_each(r.peak_mb, '.0f'):>15}  "
            f"{_each(r.open_mb, '.0f'):>15}  {r.client_cpu:13.1f}  {r.spread or '—':>6}  "
            f"{r.registry_requests:>8}  {r.load:5.1f}"
        )
    checked = sorted({text for r in results for text in r.checked})
    print("The pages said: " + "; ".join(checked))
    by_key = {(r.setup, r.sessions): r for r in results}
    print(
        "\nresults: seconds from opening the link to the trials checked (ws: to the end of that run);"
        " all in: until the last session had them;\nclient CPU: Chromium's (browser) or this"
        " bench's (ws); split: sessions per process; registry: requests that reached the stand-in;"
        "\nload: the machine's 1-minute load average at the end (other programs count)."
    )
    print("\nRatios (median time to results; lower is better):")
    for r in results:
        base = by_key.get(("one", r.sessions))
        if r.setup != "one" and base and base.times and r.times:
            ratio = statistics.median(r.times) / statistics.median(base.times)
            print(f"  {r.setup} / one at N={r.sessions}: {ratio:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    default_studies = os.environ.get(STUDIES_ENV) or str(DEFAULT_STUDIES)
    parser.add_argument("--studies", type=Path, default=Path(default_studies))
    parser.add_argument("--sessions", default="10,25,50", help="comma-separated N (default 10,25,50)")
    parser.add_argument("--setups", default=",".join(SETUPS), help="one, two and/or proxy")
    parser.add_argument("--link", default=DEFAULT_LINK, help=f"the shared link's query ({DEFAULT_LINK})")
    parser.add_argument("--timeout", type=float, default=600, help="seconds one session may wait")
    parser.add_argument("--cold", action="store_true", help="no warm-up session per process")
    parser.add_argument(
        "--client",
        choices=("browser", "ws"),
        default="browser",
        help="headless Chromium (default), or Streamlit's websocket protocol without a browser",
    )
    parser.add_argument(
        "--vary",
        action="store_true",
        help=f"each session opens one of {len(VARIED_LINKS)} profiles instead of --link",
    )
    parser.add_argument("--cache-url", default="", help="MBC_CACHE_URL for the dashboards")
    args = parser.parse_args()
    if not args.studies.is_file():
        print(f"Skipped: no study file at {args.studies}; give --studies FILE or set {STUDIES_ENV}.")
        return 0
    if args.client == "browser" and (problem := browser_problem()):
        print(f"Skipped: {problem} (--client ws needs no browser).")
        return 0
    setups = [s for s in args.setups.split(",") if s]
    if unknown := set(setups) - set(SETUPS):
        parser.error(f"unknown setup(s): {', '.join(sorted(unknown))}")
    if "proxy" in setups and (problem := proxy_problem()):
        print(f"The proxy setup is left out: {problem}.")
        setups.remove("proxy")
    counts = [int(n) for n in args.sessions.split(",") if n]
    print(
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; studies: {args.studies.name}; "
        f"link: {f'one of {len(VARIED_LINKS)} profiles' if args.vary else '?' + args.link}; "
        f"{'cold' if args.cold else 'warm (one visit per process first)'}; client: {args.client}"
    )
    results = []
    with tempfile.TemporaryDirectory(prefix="mbc-load-") as folder:
        work = Path(folder)
        with running_standin(args.studies, work) as standin:
            for count in counts:
                for setup in setups:
                    print(f"running {setup}, N={count} ...", flush=True)
                    results.append(measure(setup, count, standin, args, work))
    report(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
