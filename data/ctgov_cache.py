"""A per-user SQLite cache of ClinicalTrials.gov answers, kept outside Streamlit.

Built on requests-cache's ``CachedSession``: a fresh saved answer (under 24 h by default) is
served without any request. Unlike plain requests-cache, answers are written only by the client,
and only after their body was checked to be study JSON, so an HTML maintenance page or cut-off
JSON sent with status 200 can never overwrite a good saved answer. Expired answers are kept: when
the service cannot be reached they are served as a stale copy, with their age.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import platformdirs
import requests
from requests_cache import CachedSession
from requests_cache.models.response import CachedResponse

from data.settings import APP_NAME, CACHE_DIR_ENV, CACHE_FILE_NAME

log = logging.getLogger(__name__)


def resolve_cache_dir(cache_dir: str | Path | None = None) -> Path:
    """The cache folder: the argument, else ``$MBC_CACHE_DIR``, else the per-user cache folder."""
    if cache_dir is not None:
        return Path(cache_dir)
    from_env = os.environ.get(CACHE_DIR_ENV)
    if from_env:
        return Path(from_env)
    return Path(platformdirs.user_cache_dir(APP_NAME))


class ResponseCache:
    """The cached session plus the two operations the client needs beyond it: save and stale read."""

    def __init__(self, directory: Path, expiry: timedelta) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / CACHE_FILE_NAME
        self.expiry = expiry
        self.session = CachedSession(
            cache_name=str(self.path),
            backend="sqlite",
            expire_after=expiry,
            allowable_codes=(),  # never write on its own; see save()
            stale_if_error=False,
            match_headers=False,
        )

    def save(self, response: requests.Response, request: requests.PreparedRequest) -> None:
        """Keep a checked answer; it is fresh for ``expiry`` and usable as a stale copy after.

        A saved answer that the service confirmed unchanged (304 to a conditional request) is
        saved again to restart its expiry; other answers from the cache are left as they are.
        """
        if getattr(response, "from_cache", False) and not getattr(response, "revalidated", False):
            return
        key = self.session.cache.create_key(request)
        expires = datetime.now(UTC) + self.expiry
        # Keep the stamp the response got when it arrived, so a later cache hit reports the same
        # fetch time as the original answer did.
        stamp = getattr(response, "created_at", None) or datetime.now(UTC)
        try:
            cached = CachedResponse.from_response(response, expires=expires, created_at=stamp)
            self.session.cache.save_response(cached, cache_key=key, expires=expires)
        except Exception as exc:  # a full disk must not break a search that already succeeded
            log.warning("could not save an answer to the cache: %s", type(exc).__name__)

    def saved_copy(self, request: requests.PreparedRequest) -> CachedResponse | None:
        """The saved answer for this request, expired or not, or ``None``."""
        try:
            return self.session.cache.get_response(self.session.cache.create_key(request))
        except Exception as exc:  # a damaged cache file is the same as no saved copy
            log.warning("could not read the cache: %s", type(exc).__name__)
            return None

    def forget(self, request: requests.PreparedRequest) -> None:
        """Drop a saved answer that turned out to be unreadable."""
        try:
            self.session.cache.delete(self.session.cache.create_key(request))
        except Exception as exc:
            log.warning("could not clean the cache: %s", type(exc).__name__)

    def clear(self) -> None:
        clear: Callable[[], None] = self.session.cache.clear  # untyped in requests-cache
        clear()
