"""Start the dashboard's server, and beside it prepare what every user's first page needs.

Streamlit runs the app's script only when a browser connects, so without this the first user of a
fresh server waited for every import (pandas, pydeck, the criteria reader's compiled patterns), the
knowledge base and the registry client to load. Here a background thread loads them while the
server starts and while the first browser fetches the page, so the first run finds them ready; a
session arriving earlier waits for the module being loaded (Python's import lock), never twice.
The server answers its health check meanwhile: the thread only imports and reads files.

The criteria reader is warmed last, once the first page run has ended (or after a minute with no
visitor): after a restart the readings are on disk and the first page needs no reader, and two
threads of one interpreter share one lock, so warming it beside that page only slowed the page.
A first search that does need the reader imports it itself, as it would have waited for it anyway.

``mbc-navigator`` starts the dashboard this way; ``python -m dashboard.server [streamlit flags]``
does the same from a checkout.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import os
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from dashboard import first_run
from data.errors import SettingError
from data.models import Study
from data.settings import reading_workers_from_env

APP = Path(__file__).resolve().parent / "app.py"
#: Written to the log when the warm-up ends, with its duration (benches and tests read it).
WARM_DONE = "mbc-warm done"
#: Written when the reader has been warmed too, after the first page run.
READER_WARM_DONE = "mbc-warm reader done"
#: Longest wait for the server to start before warming up anyway.
START_WAIT_S = 30.0
#: Longest wait for a first page run before warming the reader anyway (a server no one has
#: visited yet still has it ready for the first search that needs it).
READER_WAIT_S = 60.0
#: glibc's memory pools for a process of many threads (Streamlit runs each script run in a thread
#: of its own). Its default, eight per CPU, let freed memory scatter over many pools that are
#: never handed back: 750 MB after 10 searches against 555 MB with two (bench_dashboard_first).
MALLOC_ARENAS = 2
_M_ARENA_MAX = -8  # mallopt's parameter number, from glibc's malloc.h
log = logging.getLogger("mbc_navigator.dashboard")
_SAMPLE_CRITERIA = """Inclusion Criteria:

* Metastatic hormone receptor-positive, HER2-negative breast cancer
* ECOG performance status 0-1
* Age 18 years or older

Exclusion Criteria:

* Prior treatment with a CDK4/6 inhibitor
* Untreated brain metastases
"""


def _sample() -> Study:
    return Study(
        "NCT00000000",
        brief_title="A made-up study that warms the reader up",
        conditions=("Metastatic Breast Cancer",),
        eligibility_criteria=_SAMPLE_CRITERIA,
        last_update="2026-01-01",
    )


def warm_pages() -> None:
    """Load what every first run needs, in the order the trials page needs it."""
    import altair  # noqa: F401  (the trials page's chart)
    import pandas  # noqa: F401  (the trial table; the heaviest import of all)

    from dashboard import (  # noqa: F401  (every page's modules, hence the reader and its patterns)
        guide,
        packet_sidebar,
        sidebar,
        site_map,
        trial_data,
        trial_list,
        trial_source,
        trial_view,
    )
    from data.geocode import us_outline_points
    from data.knowledge import load_knowledge
    from data.resources import load_resources

    load_knowledge()
    load_resources()
    trial_data.client()  # the HTTP session and the saved answers' store
    trial_data.reading_cache()  # the readings kept on disk
    us_outline_points()  # the map's outline of the US


def warm_reader() -> None:
    """Build the reader's and the verdicts' tables: one small made-up study, ranked with a cache
    of its own (nothing of it is kept or stored). Only studies without a reading on disk need
    the reader, so the warm-up leaves this until the first page run has ended."""
    from matchers.profile import PatientProfile
    from matchers.ranking import rank_trials
    from matchers.reading_cache import ReadingCache

    rank_trials(
        PatientProfile(subtype="hr-positive", sites=("bone",)), [_sample()], cache=ReadingCache()
    )


def settle_heap() -> None:
    """Collect once, then leave everything loaded so far out of later garbage collections.

    The modules, patterns and tables loaded at start are two thirds of what the collector would
    otherwise walk at every full collection (0.2 s of 0.3 s with 1,000 trials loaded), and they
    live as long as the process. Reference counting still frees anything among them let go.
    """
    gc.collect()
    gc.freeze()


def server_started() -> bool:
    """Whether Streamlit's runtime is up (so the health check already answers)."""
    from streamlit.runtime import Runtime, RuntimeState

    return Runtime.exists() and Runtime.instance().state != RuntimeState.INITIAL


def _warm_quietly(wait_s: float, reader_wait_s: float) -> None:
    # The server starts first (a health check answers within a second, not after the warm-up);
    # the warm-up then runs while the first browser loads the page and opens its connection.
    deadline = time.monotonic() + wait_s
    while not server_started() and time.monotonic() < deadline:
        time.sleep(0.02)
    started = time.perf_counter()
    try:
        warm_pages()
        settle_heap()
        print(f"{WARM_DONE} in {time.perf_counter() - started:.2f} s", file=sys.stderr, flush=True)
        # A restarted server's first page reads its studies from disk: the reader waits until
        # that page has been shown (or until no one came for a while), not beside it.
        first_run.wait_for_first_run(reader_wait_s)
        started = time.perf_counter()
        warm_reader()
    except Exception as error:  # a failed warm-up only costs the first user time; never fatal
        log.warning("warm-up stopped early: %s", type(error).__name__)
        return
    print(f"{READER_WARM_DONE} in {time.perf_counter() - started:.2f} s", file=sys.stderr, flush=True)


def start_warming(
    wait_s: float = START_WAIT_S, reader_wait_s: float = READER_WAIT_S
) -> threading.Thread:
    """Start the warm-up in a daemon thread (it never holds the server's exit), once the server
    has started or after ``wait_s`` seconds; the reader after the first page run, or after
    ``reader_wait_s`` more seconds without one."""
    thread = threading.Thread(
        target=_warm_quietly, args=(wait_s, reader_wait_s), name="mbc-warm-up", daemon=True
    )
    thread.start()
    return thread


def limit_malloc_arenas(count: int = MALLOC_ARENAS) -> bool:
    """Hold the C library to ``count`` memory pools, before any thread starts; whether it took.

    Nothing is done where ``MALLOC_ARENA_MAX`` is set (glibc read it already) or where the C
    library has no ``mallopt`` (musl, macOS).
    """
    if os.environ.get("MALLOC_ARENA_MAX"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_ARENA_MAX, count))


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``streamlit run dashboard/app.py`` with ``argv``'s flags, warming up beside it."""
    from streamlit.web import cli

    try:
        reading_workers_from_env()  # a wrong value is one line now, not a fallback found later
    except SettingError as error:
        print(f"mbc-navigator: {error}", file=sys.stderr)
        return 2
    limit_malloc_arenas()
    start_warming()
    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    try:
        cli.main()
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
