"""Documented defaults for talking to ClinicalTrials.gov and caching its answers."""

from __future__ import annotations

import os
from datetime import timedelta
from importlib import metadata

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

CACHE_FILE_NAME = "ctgov_http_cache.sqlite"
CACHE_EXPIRY = timedelta(hours=24)
"""The registry is updated daily, so a day-old answer is as fresh as the data behind it."""

CACHE_HOURS_ENV = "MBC_CACHE_HOURS"
"""Environment variable that overrides the expiry, in hours (0 asks the service every time)."""


def cache_expiry_from_env() -> timedelta:
    """The cache expiry: ``MBC_CACHE_HOURS`` when it holds a number of hours, else a day."""
    raw = os.environ.get(CACHE_HOURS_ENV, "").strip()
    try:
        hours = float(raw)
    except ValueError:
        return CACHE_EXPIRY
    return timedelta(hours=hours) if hours >= 0 else CACHE_EXPIRY


CONNECT_TIMEOUT_S = 5.0
"""Seconds to wait for a connection; requests has no default and would wait forever."""

READ_TIMEOUT_S = 30.0
"""Seconds to wait between bytes of an answer; a 1,000-study page can take several seconds."""

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

MAX_ELAPSED_S = 45.0
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
