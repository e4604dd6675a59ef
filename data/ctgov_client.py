"""The ClinicalTrials.gov API v2 client: cached, polite to the service, and calm when it fails.

Typical use (the dashboard and the trial matcher)::

    client = CtgovClient()                      # base URL from $CTGOV_BASE_URL, else the live API
    result = client.search(SearchParams(cond="metastatic breast cancer",
                                        statuses=(Status.RECRUITING,),
                                        geo=(40.71, -74.01, 100)))
    for study in result.studies: ...
    if result.stale: ...                        # shown from a saved copy, result.stale_age old

Every failure is a :class:`~data.errors.CtgovError` whose text can be shown as is. Privacy: only
search words and a location rounded to ~1 km leave the machine (see :class:`SearchParams`), and
nothing a patient enters is logged: the log holds paths, status codes and retry counts only.
"""

from __future__ import annotations

import json
import logging
import os
import random
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from data.ctgov_cache import ResponseCache, resolve_cache_dir
from data.ctgov_fields import DETAIL_FIELDS, STUDY_FIELDS
from data.ctgov_import import paused_gc
from data.ctgov_query import SearchParams, Status
from data.ctgov_retry import RetryPolicy, parse_retry_after
from data.errors import (
    ApiRequestError,
    ApiUnavailable,
    CtgovError,
    InvalidResponse,
    RateLimited,
    StudyNotFound,
)
from data.models import Study, canonical_nct
from data.settings import (
    BASE_URL_ENV,
    CONNECT_TIMEOUT_S,
    DEFAULT_BASE_URL,
    MIN_REQUEST_INTERVAL_S,
    READ_TIMEOUT_S,
    USER_AGENT,
    cache_expiry_from_env,
)

__all__ = [
    "STUDY_FIELDS",
    "CtgovClient",
    "CtgovError",
    "DataVersion",
    "RetryPolicy",
    "SearchParams",
    "SearchResult",
    "Status",
]

log = logging.getLogger(__name__)

_NCT_IN_PATH = re.compile(r"NCT\d+", re.IGNORECASE)


class _Redact(logging.Filter):
    """Strip query strings and study numbers from library debug lines (urllib3, requests-cache).

    Query strings hold search words and a location; a study number says which trial someone
    looked at. Neither belongs in a log.
    """

    _QUERY = re.compile(r"\?[^\s\"']*")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _NCT_IN_PATH.sub("{nctId}", self._QUERY.sub("?<redacted>", message))
        if redacted != message:
            record.msg = redacted
            record.args = ()
        return True


for _name in (
    "urllib3.connectionpool",
    "requests_cache.session",
    "requests_cache.policy.actions",
    "requests_cache.policy.expiration",
):
    logging.getLogger(_name).addFilter(_Redact())


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class SearchResult:
    """The studies a search found, and how fresh and complete that answer is.

    Attributes:
        studies: normalized studies, in the order the service sent them, each NCT ID once.
        total_count: how many studies match in all (``None`` if the service did not say).
        pages_fetched: pages read (from the network or the cache).
        truncated: more studies existed beyond what was fetched (page cap, or a later page failed).
        fetched_at: UTC time of the original network fetch (the oldest page), even from cache.
        from_cache: every page came from the saved copy, none from the network.
        stale_age: age of the oldest page that is an expired saved copy, served because the
            service failed (``stale`` is then true); None when every page is fresh.
        skipped: records dropped because they had no NCT ID.
        query_url: the first page's request URL.
        incomplete: a later page could not be fetched, so fewer studies than available are shown.
    """

    studies: tuple[Study, ...]
    total_count: int | None
    pages_fetched: int
    truncated: bool
    fetched_at: datetime
    from_cache: bool
    stale_age: timedelta | None = None
    skipped: int = 0
    query_url: str = ""
    incomplete: bool = False

    @property
    def stale(self) -> bool:
        """Served from a saved copy because the service failed; ``stale_age`` says how old."""
        return self.stale_age is not None


@dataclass(frozen=True)
class DataVersion:
    """Which release of the registry's data the answers come from (``GET /version``)."""

    api_version: str
    data_timestamp: datetime | None
    fetched_at: datetime
    from_cache: bool = False
    stale: bool = False


@dataclass(frozen=True)
class _Payload:
    data: dict[str, Any]
    url: str
    fetched_at: datetime
    from_cache: bool
    stale_age: timedelta | None


class _Failure(Exception):
    """One failed attempt; ``kind`` decides the error class if no saved copy rescues it."""

    def __init__(self, kind: str, reason: str, retry_after: str | None = None) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason
        self.retry_after = retry_after


class _NotFound(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class _PoliteAdapter(HTTPAdapter):
    """Keeps a minimum gap between requests that really go out (cache hits never get here)."""

    def __init__(
        self,
        min_interval: float,
        monotonic: Callable[[], float],
        sleep: Callable[[float], None],
    ) -> None:
        super().__init__(max_retries=0)
        self._min_interval = min_interval
        self._monotonic = monotonic
        self._sleep = sleep
        self._last: float | None = None
        self._lock = threading.Lock()
        self.sent = 0

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            if self._last is not None and self._min_interval > 0:
                wait = self._last + self._min_interval - self._monotonic()
                if wait > 0:
                    self._sleep(wait)
            self._last = self._monotonic()
            self.sent += 1
        return super().send(request, *args, **kwargs)


def _connection_reason(exc: requests.ConnectionError) -> str:
    text = str(exc)
    if "refused" in text.lower():
        return "the connection was refused"
    if "resolve" in text.lower() or "name or service" in text.lower():
        return "its address could not be found; is this computer online?"
    if "RemoteDisconnected" in text or "aborted" in text.lower():
        return "the connection was closed before an answer came"
    return "the network connection failed"


def _parse_timestamp(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _as_utc(value: Any, fallback: datetime) -> datetime:
    if not isinstance(value, datetime):
        return fallback
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class CtgovClient:
    """Talks to the ClinicalTrials.gov API v2 (or anything that speaks it, like the stand-in).

    Args:
        base_url: API root such as ``https://clinicaltrials.gov/api/v2``; ``None`` reads
            ``$CTGOV_BASE_URL``, else uses the live API.
        cache_dir: folder for the SQLite cache; ``None`` reads ``$MBC_CACHE_DIR``, else the
            per-user cache folder. If it cannot be created the client works without a cache.
        timeout: (connect, read) seconds; always set, since requests would otherwise wait forever.
        retry: the retry policy (see :mod:`data.ctgov_retry`).
        min_interval: minimum seconds between two network requests (0 disables spacing).
        cache_expiry: how long a saved answer is served without asking the service; ``None``
            reads ``MBC_CACHE_HOURS``, else a day.
        use_cache: ``False`` never reads or writes the cache.
        sleep, monotonic, now, rng: injectable clock and randomness, so tests need not wait.
    """

    def __init__(
        self,
        base_url: str | None = None,
        cache_dir: str | Path | None = None,
        *,
        timeout: tuple[float, float] = (CONNECT_TIMEOUT_S, READ_TIMEOUT_S),
        retry: RetryPolicy | None = None,
        min_interval: float = MIN_REQUEST_INTERVAL_S,
        cache_expiry: timedelta | None = None,
        use_cache: bool = True,
        user_agent: str = USER_AGENT,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = _utcnow,
        rng: random.Random | None = None,
    ) -> None:
        self.base_url = (base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL).rstrip("/")
        self.host = urlsplit(self.base_url).netloc or self.base_url
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._monotonic = monotonic
        self._now = now
        self._rng = rng or random.Random()
        self.cache: ResponseCache | None = None
        session: requests.Session
        if use_cache:
            try:
                expiry = cache_expiry if cache_expiry is not None else cache_expiry_from_env()
                self.cache = ResponseCache(resolve_cache_dir(cache_dir), expiry)
            except (OSError, ValueError) as exc:
                log.warning("working without a cache: %s", type(exc).__name__)
        session = self.cache.session if self.cache is not None else requests.Session()
        self._adapter = _PoliteAdapter(min_interval, monotonic, sleep)
        session.mount("https://", self._adapter)
        session.mount("http://", self._adapter)
        session.headers.update({"User-Agent": user_agent, "Accept": "application/json"})
        self.session = session

    # -- public API -----------------------------------------------------------------------------

    @property
    def network_requests(self) -> int:
        """Requests that actually went out on the network since this client was made."""
        return self._adapter.sent

    def search(self, params: SearchParams) -> SearchResult:
        """Run a search, following ``nextPageToken`` up to ``params.max_pages`` pages.

        Raises:
            ApiRequestError: the service refused the search (400); its explanation is quoted.
            ApiUnavailable: the first page could not be fetched and no saved copy exists.
        """
        base = params.to_query()
        studies: dict[str, Study] = {}
        skipped = 0
        total: int | None = None
        token: str | None = None
        payloads: list[_Payload] = []
        incomplete = False
        while len(payloads) < params.max_pages:
            query = dict(base, pageSize=str(params.page_size))
            if token is None:
                query["countTotal"] = "true"
            else:
                query["pageToken"] = token
            try:
                payload = self._fetch("/studies", query, what="this search")
            except ApiUnavailable:
                if not payloads:
                    raise
                log.debug("page %d unavailable; returning the pages fetched", len(payloads) + 1)
                incomplete = True
                break
            payloads.append(payload)
            data = payload.data
            if len(payloads) == 1:
                count = data.get("totalCount")
                total = count if isinstance(count, int) and not isinstance(count, bool) else None
            raw_studies = data.get("studies")
            with paused_gc():
                for raw in raw_studies if isinstance(raw_studies, list) else ():
                    study = Study.from_api(raw)
                    if not study.nct_id:
                        skipped += 1
                    elif study.nct_id not in studies:
                        studies[study.nct_id] = study
            next_token = data.get("nextPageToken")
            token = next_token if isinstance(next_token, str) and next_token else None
            if token is None:
                break
        stale_ages = [p.stale_age for p in payloads if p.stale_age is not None]
        return SearchResult(
            studies=tuple(studies.values()),
            total_count=total,
            pages_fetched=len(payloads),
            truncated=token is not None,
            fetched_at=min(p.fetched_at for p in payloads),
            from_cache=all(p.from_cache for p in payloads),
            stale_age=max(stale_ages) if stale_ages else None,
            skipped=skipped,
            query_url=payloads[0].url,
            incomplete=incomplete,
        )

    def get_study(self, nct_id: str) -> Study:
        """One study with everything :class:`Study` holds, including the detailed description.

        Raises:
            StudyNotFound: no such study, or ``nct_id`` is not an NCT number.
            ApiUnavailable: the service failed and no saved copy exists.
        """
        canonical = canonical_nct(nct_id)
        if canonical is None:
            raise StudyNotFound(nct_id.strip(), malformed=True)
        try:
            payload = self._fetch(
                f"/studies/{canonical}", {"fields": ",".join(DETAIL_FIELDS)}, what="this study"
            )
        except _NotFound:
            raise StudyNotFound(canonical) from None
        return Study.from_api(payload.data)

    def data_version(self) -> DataVersion:
        """The API version and the date of the data behind every answer (``GET /version``)."""
        payload = self._fetch("/version", {}, what="the data version")
        api_version = payload.data.get("apiVersion")
        if not isinstance(api_version, str):
            raise InvalidResponse(
                self.host, "the version answer had no apiVersion", what="the data version"
            )
        return DataVersion(
            api_version=api_version,
            data_timestamp=_parse_timestamp(payload.data.get("dataTimestamp")),
            fetched_at=payload.fetched_at,
            from_cache=payload.from_cache,
            stale=payload.stale_age is not None,
        )

    def clear_cache(self) -> None:
        """Forget every saved answer (and so every saved search), e.g. on a shared computer."""
        if self.cache is not None:
            self.cache.clear()

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> CtgovClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- the one chokepoint ---------------------------------------------------------------------

    def _fetch(self, path: str, params: Mapping[str, str], *, what: str) -> _Payload:
        """GET with retries; on final failure fall back to the saved copy, else raise."""
        prepared = self.session.prepare_request(
            requests.Request("GET", self.base_url + path, params=dict(params))
        )
        try:
            return self._fetch_with_retries(prepared, path)
        except _Failure as failure:
            copy = self.cache.saved_copy(prepared) if self.cache is not None else None
            data = self._decode_saved(copy, prepared) if copy is not None else None
            if copy is None or data is None:
                error = {"rate": RateLimited, "invalid": InvalidResponse}.get(
                    failure.kind, ApiUnavailable
                )
                raise error(self.host, failure.reason, what=what) from failure
            fetched_at = _as_utc(getattr(copy, "created_at", None), self._now())
            age = max(timedelta(0), self._now() - fetched_at)
            log.debug("serving a saved copy of %s after failures", path)
            return _Payload(data, str(prepared.url), fetched_at, True, age)

    def _decode_saved(self, copy: Any, prepared: requests.PreparedRequest) -> dict[str, Any] | None:
        try:
            return self._decode(copy)
        except _Failure:
            if self.cache is not None:
                self.cache.forget(prepared)
            return None

    def _fetch_with_retries(self, prepared: requests.PreparedRequest, path: str) -> _Payload:
        path = _NCT_IN_PATH.sub("{nctId}", path)  # logs never say which study someone looked at
        waited = 0.0
        retry_number = 0
        started = self._monotonic()
        while True:
            outcome = self._attempt(prepared, path)
            if isinstance(outcome, _Payload):
                return outcome
            failure = outcome
            retry_after = parse_retry_after(failure.retry_after, self._now())
            elapsed = self._monotonic() - started
            delay = self.retry.delay(retry_number, waited, retry_after, self._rng, elapsed)
            if delay is None:
                log.debug("giving up on %s after %d retries (%s)", path, retry_number, failure.kind)
                raise failure
            retry_number += 1
            log.debug("retry %d for %s in %.2fs (%s)", retry_number, path, delay, failure.kind)
            self._sleep(delay)
            waited += delay

    def _attempt(self, prepared: requests.PreparedRequest, path: str) -> _Payload | _Failure:
        """One try: a payload, or a retryable failure. Non-retryable problems raise directly."""
        try:
            response = self.session.send(prepared, timeout=self.timeout)
        except requests.Timeout:
            return _Failure("timeout", "it did not answer in time")
        except requests.ConnectionError as exc:
            return _Failure("connection", _connection_reason(exc))
        except requests.RequestException:
            return _Failure("invalid", "the answer was cut off")
        from_cache = bool(getattr(response, "from_cache", False))
        status = response.status_code
        log.debug("GET %s -> %d%s", path, status, " (cache)" if from_cache else "")
        if status == 200:
            try:
                data = self._decode(response)
            except _Failure as failure:
                if from_cache and self.cache is not None:
                    self.cache.forget(prepared)
                return failure
            if self.cache is not None:
                self.cache.save(response, prepared)
            # requests-cache stamps both new and saved answers with the time of the network
            # fetch; the same stamp is what a later cache hit reports.
            fetched_at = _as_utc(getattr(response, "created_at", None), self._now())
            return _Payload(data, str(prepared.url), fetched_at, from_cache, None)
        if status == 429:
            return _Failure(
                "rate", "it kept answering: too many requests", response.headers.get("Retry-After")
            )
        if status in self.retry.statuses:
            return _Failure(
                "status", f"it answered with error {status}", response.headers.get("Retry-After")
            )
        if status == 400:
            raise ApiRequestError(status, response.text, str(prepared.url))
        if status == 404 and path.startswith("/studies/"):
            raise _NotFound(response.text)
        # Anything else (a 404 for the search path, 403 from a firewall...) means the service is
        # not usable at this address right now; it is not worth retrying, but a saved copy helps.
        raise _Failure("status", f"it answered with error {status}")

    @staticmethod
    def _decode(response: Any) -> dict[str, Any]:
        content_type = str(response.headers.get("Content-Type", "")).lower()
        body: bytes = response.content or b""
        start = body.lstrip()[:1]
        if "html" in content_type or start == b"<":
            raise _Failure("invalid", "it was a web page instead of study data")
        if not body.strip():
            raise _Failure("invalid", "it was empty")
        try:
            with paused_gc():
                data = json.loads(body)
        except ValueError:
            raise _Failure("invalid", "it was cut off or damaged: not valid JSON") from None
        if not isinstance(data, dict):
            raise _Failure("invalid", "it was not in the expected shape")
        return data
