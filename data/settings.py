"""Documented defaults for talking to ClinicalTrials.gov and caching its answers."""

from __future__ import annotations

import math
import os
from datetime import timedelta
from importlib import metadata
from urllib.parse import urlsplit

from data.errors import SettingError

APP_NAME = "mbc-navigator"
"""Name used for the per-user cache folder and in the User-Agent."""

PROJECT_URL = "https://github.com/mbc-navigator/mbc-navigator"
"""Where the operators of ClinicalTrials.gov can learn who is calling them."""


def _app_version() -> str:
    try:
        return metadata.version(APP_NAME)
    except metadata.PackageNotFoundError:  # running from a source checkout that was never installed
        return "0.1.0"


APP_VERSION = _app_version()

USER_AGENT = f"{APP_NAME}/{APP_VERSION} (+{PROJECT_URL})"
"""No official guidance exists; a descriptive agent with a URL is what well-behaved clients send."""

DEFAULT_BASE_URL = "https://clinicaltrials.gov/api/v2"
BASE_URL_ENV = "CTGOV_BASE_URL"
"""Environment variable that points the client elsewhere (the local stand-in, a proxy)."""

CACHE_DIR_ENV = "MBC_CACHE_DIR"
"""Environment variable that overrides the per-user cache folder."""

CACHE_FILE_NAME = "ctgov_answers.sqlite"
"""Saved answers, as JSON text in SQLite (never pickled objects)."""

LEGACY_CACHE_FILE_NAME = "ctgov_http_cache.sqlite"
#: The file of stored readings of trials' criteria, beside the saved answers.
READINGS_FILE_NAME = "trial_readings.sqlite"
"""The pickle-based file of earlier versions; removed when found, never read."""
CACHE_EXPIRY = timedelta(hours=24)
"""The registry is updated daily, so a day-old answer is as fresh as the data behind it."""

CACHE_HOURS_ENV = "MBC_CACHE_HOURS"
"""Environment variable that overrides the expiry, in hours (0 asks the service every time)."""

MAX_CACHE_HOURS = 8760
"""A year: longer makes no sense for a registry updated daily, and huge values overflow a date."""

SEARCH_SECONDS_ENV = "MBC_SEARCH_SECONDS"
"""Environment variable that sets the deadline of one search, in seconds."""

SEARCH_DEADLINE_S = 30.0
"""One search (every page, retry and wait) ends by then: an answer, the saved copy or a clear error."""

MAX_SEARCH_SECONDS = 300


def number_setting(name: str, default: float, low: float, high: float) -> float:
    """The number in environment variable ``name``, checked to lie within ``[low, high]``.

    Unset or blank gives ``default``. Anything else that is not a plain finite number in range
    (``inf``, ``1e308``, ``-1``, ``abc``) raises :class:`SettingError` naming the variable, what it
    holds and what it accepts, so a typo is reported instead of crashing deep inside a search.
    """
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not low <= value <= high:
        shown = raw if len(raw) <= 40 else raw[:39] + "…"
        raise SettingError(
            f"The setting {name} is '{shown}', which is not a number from {low:g} to {high:g}. "
            f"Correct it, or remove it to use the default ({default:g})."
        )
    return value


def cache_expiry_from_env() -> timedelta:
    """The cache expiry: ``MBC_CACHE_HOURS`` hours (0 to a year), else a day."""
    hours = number_setting(CACHE_HOURS_ENV, CACHE_EXPIRY.total_seconds() / 3600, 0, MAX_CACHE_HOURS)
    return timedelta(hours=hours)


def search_deadline_from_env() -> float:
    """Seconds one search may take: ``MBC_SEARCH_SECONDS`` (1 to 300), else 30."""
    return number_setting(SEARCH_SECONDS_ENV, SEARCH_DEADLINE_S, 1, MAX_SEARCH_SECONDS)


READING_WORKERS_ENV = "MBC_READING_WORKERS"
"""Environment variable that caps the processes reading criteria at once (1 reads in-process)."""

MAX_READING_WORKERS = 64


def reading_workers_from_env() -> int | None:
    """The most processes that may read criteria at once: ``MBC_READING_WORKERS`` (1 to 64), else
    ``None`` (as many as the machine's CPUs). Several servers on one machine set it lower so they
    do not each fork a process per CPU."""
    workers = number_setting(READING_WORKERS_ENV, 0, 0, MAX_READING_WORKERS)
    if workers != int(workers):
        raise SettingError(
            f"{READING_WORKERS_ENV} is {workers:g}; it must be a whole number from 1 to "
            f"{MAX_READING_WORKERS}."
        )
    return int(workers) or None


def base_url_from_env() -> str:
    """The API root: ``CTGOV_BASE_URL`` when set (an http or https address), else the live API."""
    raw = os.environ.get(BASE_URL_ENV, "").strip()
    if not raw:
        return DEFAULT_BASE_URL
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        shown = raw if len(raw) <= 60 else raw[:59] + "…"
        raise SettingError(
            f"The setting {BASE_URL_ENV} is '{shown}', which is not a web address starting with "
            "http:// or https://. Correct it, or remove it to use ClinicalTrials.gov."
        )
    return raw


CACHE_URL_ENV = "MBC_CACHE_URL"
"""A Redis server shared by several dashboard processes (``redis://host:6379/0``)."""
SHARED_CACHE_TIMEOUT_S = 2.0
"""Longest wait for the shared cache: past it, the process uses its own cache file instead."""


def cache_url_from_env() -> str | None:
    """The shared cache's address: ``MBC_CACHE_URL`` when set (redis://, rediss:// or unix://)."""
    raw = os.environ.get(CACHE_URL_ENV, "").strip()
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in ("redis", "rediss", "unix") or not (parts.netloc or parts.path):
        shown = raw if len(raw) <= 60 else raw[:59] + "…"
        raise SettingError(
            f"The setting {CACHE_URL_ENV} is '{shown}', which is not a Redis address such as "
            "redis://host:6379/0. Correct it, or remove it to keep saved results on this computer."
        )
    return raw


def shown_address(url: str) -> str:
    """A cache address as notices show it: host and port only, never a password."""
    parts = urlsplit(url)
    return (
        parts.hostname + (f":{parts.port}" if parts.port else "")
        if parts.hostname
        else url.split("?")[0]
    )


CONNECT_TIMEOUT_S = 5.0
"""Seconds to wait for a connection; requests has no default and would wait forever."""

READ_TIMEOUT_S = 30.0
"""Seconds to wait between bytes of an answer; a 1,000-study page can take several seconds."""

REQUEST_DEADLINE_S = 15.0
"""One request, from connecting to the last byte, ends by then however slowly bytes trickle in."""

HOST_DOWN_HOLD_S = 30.0
"""After a request failed for good, later requests skip the network this long (saved copy at once)."""

MAX_ANSWER_BYTES = 64 * 1024 * 1024
"""Largest answer read, after decompression. A 1,000-study page of the app's fields is 6 to 19 MB
(the shared sample of large records: 18.7 MB; whole records 32 MB), so this leaves room to spare."""

MAX_STUDIES_PER_SEARCH = 2000
"""Most studies one search keeps (two full pages); the rest are reported, never silently dropped."""

LOCK_WAIT_S = 2.0
"""Longest wait for the cache file when another program holds it; after that it is set aside."""

MAX_RETRIES = 4
"""Retries after the first attempt, so at most five requests for one page."""

BACKOFF_BASE_S = 0.5
"""First backoff delay; later ones double: 0.5, 1, 2, 4 seconds (plus jitter, capped below)."""

BACKOFF_MAX_S = 8.0
"""Longest single backoff delay. A ``Retry-After`` is honoured as given, within the total wait cap."""

BACKOFF_JITTER = 0.25
"""Up to this fraction is added at random so that many clients do not retry in lockstep."""

MAX_TOTAL_RETRY_WAIT_S = 20.0
"""A tired reader should not stare at a spinner: past this much waiting we give up (or go stale)."""

MAX_ELAPSED_S = 30.0
"""No retry starts this long after the first attempt (slow answers count, not only the waits)."""

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
"""Statuses worth retrying: throttling and transient server trouble. 400 is never retried."""

MIN_REQUEST_INTERVAL_S = 0.3
"""Minimum spacing between two requests that reach the network, so long pagination stays polite."""

MAX_PAGE_SIZE = 1000
"""The API coerces larger page sizes down to 1,000."""

DEFAULT_PAGE_SIZE = 200
DEFAULT_MAX_PAGES = 5
"""Together at most 1,000 studies per search unless the caller asks for more."""

GEO_DECIMALS = 2
"""Coordinates leave the machine rounded to 2 decimals (about 1 km), never more precise."""
