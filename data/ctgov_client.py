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

Nothing the service sends can crash, hang or exhaust the app: one request ends by its own deadline
(connect to last byte) and one search by the search deadline (``MBC_SEARCH_SECONDS``, 30 s); an
answer larger than 64 MB decompressed is refused; every answer is checked (shape, the types of the
fields the app reads) before it is used or saved, so a broken answer never replaces a good saved
copy; unreadable records are left out and counted. When a saved copy exists it is shown at once on
the first failure, and for a short while after a failure no request waits for the service again.
"""

from __future__ import annotations

import functools
import http.client
import logging
import random
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter

from data.ctgov_cache import AnswerCache, SavedAnswer, cache_key
from data.ctgov_checks import JsonProblem, parse_json
from data.ctgov_decode import (
    DecodeFailed,
    PageRecords,
    decode_page,
    decode_study,
    study_from_plain,
)
from data.ctgov_fields import DETAIL_FIELDS, STUDY_FIELDS
from data.ctgov_import import paused_gc
from data.ctgov_query import SearchParams, Status
from data.ctgov_retry import RetryPolicy, parse_retry_after
from data.ctgov_transport import Overdue, Reply, TooLarge, exchange
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
    CONNECT_TIMEOUT_S,
    HOST_DOWN_HOLD_S,
    MAX_ANSWER_BYTES,
    MAX_STUDIES_PER_SEARCH,
    MIN_REQUEST_INTERVAL_S,
    READ_TIMEOUT_S,
    REQUEST_DEADLINE_S,
    USER_AGENT,
    base_url_from_env,
    cache_expiry_from_env,
    search_deadline_from_env,
)
from data.store_file import resolve_cache_dir

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
T = TypeVar("T")


class _Redact(logging.Filter):
    """Strip query strings and study numbers from library debug lines (urllib3).

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


logging.getLogger("urllib3.connectionpool").addFilter(_Redact())


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


@dataclass(frozen=True)
class SearchResult:
    """The studies a search found, and how fresh and complete that answer is.

    Attributes:
        studies: normalized studies, in the order the service sent them, each NCT ID once.
        total_count: how many studies match in all (``None`` if the service did not say).
        pages_fetched: pages read (from the network or the cache).
        truncated: more studies existed beyond what was kept (page or study cap, or a later page
            failed); :meth:`notes` says so in words.
        fetched_at: UTC time of the original network fetch (the oldest page), even from cache.
        from_cache: every page came from the saved copy, none from the network.
        stale_age: age of the oldest page that is an expired saved copy, served because the
            service failed (``stale`` is then true); None when every page is fresh.
        skipped: records left out because they could not be read (no NCT ID, or a field of the
            wrong type such as ``locations: 1``).
        query_url: the first page's request URL.
        incomplete: a later page could not be fetched, so fewer studies than available are shown.
        capped: the search stopped at its limit (pages or studies) while more studies matched.
        notices: one-line notices about the saved-results file (set aside, given up), each once.
        failure: why the service's own answer could not be used, when a saved copy stands in
            (e.g. "it did not answer in time").
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
    capped: bool = False
    notices: tuple[str, ...] = ()
    failure: str | None = None

    @property
    def stale(self) -> bool:
        """Served from a saved copy because the service failed; ``stale_age`` says how old."""
        return self.stale_age is not None

    def notes(self) -> tuple[str, ...]:
        """What a reader must know about this list: cut at a limit, missing pages, left-out records.

        The dashboard and the command line show the same sentences.
        """
        notes: list[str] = []
        kept = len(self.studies)
        if self.capped:
            matched = f"{self.total_count:,}" if self.total_count is not None else "more"
            notes.append(
                f"Only the first {_count(kept, 'trial')} of {matched} that matched were read: "
                "that is the limit for one search. A ZIP code and a shorter travel distance "
                "narrow the search."
            )
        elif self.incomplete or self.truncated:
            notes.append(
                f"Not every matching trial could be fetched ({kept:,} read"
                + (f" of {self.total_count:,}" if self.total_count is not None else "")
                + "), so some trials may be missing from this list."
            )
        if self.skipped:
            notes.append(
                f"{_count(self.skipped, 'record')} from ClinicalTrials.gov could not be read "
                "and {verb} left out.".format(verb="was" if self.skipped == 1 else "were")
            )
        return tuple(notes)


@dataclass(frozen=True)
class DataVersion:
    """Which release of the registry's data the answers come from (``GET /version``)."""

    api_version: str
    data_timestamp: datetime | None
    fetched_at: datetime
    from_cache: bool = False
    stale: bool = False


@dataclass(frozen=True)
class _Answer:
    """Where a checked answer came from."""

    url: str
    fetched_at: datetime
    from_cache: bool
    stale_age: timedelta | None
    failure: str | None = None


@dataclass(frozen=True)
class _Checked(Generic[T]):
    """An answer turned into what the caller needs; only a ``complete`` one is saved."""

    value: T
    complete: bool = True


@dataclass(frozen=True)
class _Page:
    studies: tuple[Study, ...]
    skipped: int
    total: int | None
    token: str | None


class _Failure(Exception):
    """One failed attempt; ``kind`` decides the error class if no saved copy rescues it."""

    def __init__(
        self, kind: str, reason: str, retry_after: str | None = None, *, retryable: bool = True
    ) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason
        self.retry_after = retry_after
        self.retryable = retryable


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


def _connection_reason(exc: BaseException) -> str:
    text = str(exc)
    if "refused" in text.lower():
        return "the connection was refused"
    if "resolve" in text.lower() or "name or service" in text.lower():
        return "its address could not be found; is this computer online?"
    if "RemoteDisconnected" in text or "aborted" in text.lower():
        return "the connection was closed before an answer came"
    return "the network connection failed"


def _transport_failure(exc: BaseException) -> _Failure:
    """A failed exchange, in words."""
    if isinstance(exc, Overdue):
        return _Failure("timeout", "it did not answer in time")
    if isinstance(exc, TooLarge):
        size = exc.limit // (1024 * 1024)
        return _Failure("invalid", f"it was larger than the {size} MB we accept", retryable=False)
    if isinstance(exc, requests.Timeout | urllib3.exceptions.TimeoutError | TimeoutError):
        return _Failure("timeout", "it did not answer in time")
    if isinstance(exc, urllib3.exceptions.DecodeError | requests.exceptions.ContentDecodingError):
        return _Failure("invalid", "it was damaged: it could not be decompressed")
    if isinstance(exc, requests.ConnectionError):
        return _Failure("connection", _connection_reason(exc))
    if isinstance(
        exc, requests.RequestException | urllib3.exceptions.HTTPError | http.client.HTTPException
    ):
        return _Failure("invalid", "the answer was cut off")
    if isinstance(exc, OSError):
        return _Failure("connection", _connection_reason(exc))
    raise exc


_LEADING_SPACE = re.compile(rb"[ \t\n\r\x0b\x0c]*")


def _decode(reply: Reply) -> bytes:
    """The body of an answer that may hold JSON (not a web page, not empty), still as bytes.

    Each check decodes it for what it needs: a search page or a study straight into typed records
    (:mod:`data.ctgov_decode`), anything else as plain JSON.
    """
    body = reply.body
    start = _LEADING_SPACE.match(body)
    first = body[start.end() : start.end() + 1] if start else body[:1]
    if "html" in reply.content_type.lower() or first == b"<":
        raise _Failure("invalid", "it was a web page instead of study data")
    if not first:
        raise _Failure("invalid", "it was empty")
    return body


def _json_failure(problem: JsonProblem) -> _Failure:
    if problem.kind == "syntax":
        return _Failure("invalid", "it was cut off or damaged: not valid JSON")
    return _Failure("invalid", f"it {problem.words}", retryable=False)


def _json(body: bytes) -> Any:
    """Plain JSON, for answers the typed path does not read (or refuses: this finds the words)."""
    try:
        with paused_gc():
            return parse_json(body)
    except JsonProblem as problem:
        raise _json_failure(problem) from None


def _whole_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _plain_page(body: bytes) -> PageRecords:
    """A search page read as plain JSON, for answers the typed path cannot read."""
    data = _json(body)
    if not isinstance(data, dict) or not isinstance(data.get("studies"), list):
        raise _Failure(
            "invalid", "it was not in the expected shape (no list of studies)", retryable=False
        )
    return PageRecords(
        data["studies"], study_from_plain, data.get("totalCount"), data.get("nextPageToken")
    )


def _check_page(body: bytes, page_size: int, first: bool) -> _Checked[_Page]:
    """One search page: its shape, then each record; unreadable records are counted, not kept."""
    try:
        page = decode_page(body)
    except DecodeFailed:
        page = _plain_page(body)
    count = len(page.records)
    if count > page_size:
        raise _Failure(
            "invalid",
            f"it held {count:,} studies where at most {page_size:,} were asked for",
            retryable=False,
        )
    total, token = page.total, page.token
    if (total is not None and not _whole_number(total)) or (
        token is not None and not isinstance(token, str)
    ):
        raise _Failure(
            "invalid", "it was not in the expected shape (count or page token)", retryable=False
        )
    if not count and (token or (first and total)):
        raise _Failure("invalid", "it held no studies although it said more exist", retryable=False)
    studies: list[Study] = []
    skipped = 0
    with paused_gc():
        try:
            outcomes = page.outcomes()
        except JsonProblem as unreadable:
            raise _json_failure(unreadable) from None
        for study, problem in outcomes:
            if study is None:
                skipped += 1
                log.debug("record left out: %s", problem or "no NCT ID")
                continue
            studies.append(study)
    checked = _Page(tuple(studies), skipped, total if first else None, token or None)
    return _Checked(checked, complete=skipped == 0)


def _check_study(body: bytes) -> _Checked[Study]:
    try:
        with paused_gc():
            study, _ = decode_study(body)
    except DecodeFailed:
        data = _json(body)
        study = study_from_plain(data)[0] if isinstance(data, dict) else None
    except JsonProblem as problem:
        raise _json_failure(problem) from None
    if study is None:
        raise _Failure("invalid", "it was not a study record that can be read")
    return _Checked(study)


def _check_version(body: bytes) -> _Checked[dict[str, Any]]:
    data = _json(body)
    if not isinstance(data, dict) or not isinstance(data.get("apiVersion"), str):
        raise _Failure("invalid", "the version answer had no apiVersion")
    return _Checked(data)


def _parse_timestamp(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


class CtgovClient:
    """Talks to the ClinicalTrials.gov API v2 (or anything that speaks it, like the stand-in).

    Args:
        base_url: API root such as ``https://clinicaltrials.gov/api/v2``; ``None`` reads
            ``$CTGOV_BASE_URL``, else uses the live API.
        cache_dir: folder for the saved answers; ``None`` reads ``$MBC_CACHE_DIR``, else the
            per-user cache folder. If it cannot be used the client works without saved answers.
        timeout: (connect, read) seconds for each wait on the socket.
        retry: the retry policy (see :mod:`data.ctgov_retry`).
        min_interval: minimum seconds between two network requests (0 disables spacing).
        cache_expiry: how long a saved answer is served without asking the service; ``None``
            reads ``MBC_CACHE_HOURS``, else a day.
        use_cache: ``False`` never reads or writes saved answers.
        search_deadline: seconds one search may take in all; ``None`` reads
            ``MBC_SEARCH_SECONDS``, else 30.
        request_deadline: seconds one request may take, from connecting to its last byte.
        max_answer_bytes: largest answer read, after decompression.
        max_studies: most studies one search keeps.
        down_hold: seconds after a failed request during which no request waits for the service.
        sleep, monotonic, now, rng: injectable clock and randomness, so tests need not wait.

    Raises:
        SettingError: an environment setting it reads holds a value it cannot use.
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
        search_deadline: float | None = None,
        request_deadline: float = REQUEST_DEADLINE_S,
        max_answer_bytes: int = MAX_ANSWER_BYTES,
        max_studies: int = MAX_STUDIES_PER_SEARCH,
        down_hold: float = HOST_DOWN_HOLD_S,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = _utcnow,
        rng: random.Random | None = None,
    ) -> None:
        self.base_url = (base_url or base_url_from_env()).rstrip("/")
        self.host = urlsplit(self.base_url).netloc or self.base_url
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.search_deadline = (
            search_deadline if search_deadline is not None else search_deadline_from_env()
        )
        self.request_deadline = request_deadline
        self.max_answer_bytes = max_answer_bytes
        self.max_studies = max_studies
        self.down_hold = down_hold
        self._sleep = sleep
        self._monotonic = monotonic
        self._now = now
        self._rng = rng or random.Random()
        self._down: tuple[float, _Failure] | None = None
        self._notices: list[str] = []
        self.cache: AnswerCache | None = None
        if use_cache:
            expiry = cache_expiry if cache_expiry is not None else cache_expiry_from_env()
            folder = resolve_cache_dir(cache_dir)
            try:
                self.cache = AnswerCache(folder, expiry)
            except OSError as exc:
                log.debug("working without a cache: %s", type(exc).__name__)
                self._notices.append(
                    f"The folder for saved search results ({folder}) cannot be used, so results "
                    "are not saved on this computer."
                )
        self.session = requests.Session()
        self._adapter = _PoliteAdapter(min_interval, monotonic, sleep)
        self.session.mount("https://", self._adapter)
        self.session.mount("http://", self._adapter)
        self.session.headers.update({"User-Agent": user_agent, "Accept": "application/json"})

    # -- public API -----------------------------------------------------------------------------

    @property
    def network_requests(self) -> int:
        """Requests that actually went out on the network since this client was made."""
        return self._adapter.sent

    def take_notices(self) -> list[str]:
        """One-line notices about saved results (a file set aside...) not yet shown; each once."""
        notices, self._notices = self._notices, []
        if self.cache is not None:
            notices += self.cache.take_notices()
        return notices

    def reset_failures(self) -> None:
        """Forget a recent failure, so the next request asks the service again (a retry button)."""
        self._down = None

    def search(self, params: SearchParams) -> SearchResult:
        """Run a search, following ``nextPageToken`` up to ``params.max_pages`` pages.

        Raises:
            ApiRequestError: the service refused the search (400); its explanation is quoted.
            ApiUnavailable: the first page could not be fetched and no saved copy exists.
        """
        deadline = self._monotonic() + self.search_deadline
        base = params.to_query()
        studies: dict[str, Study] = {}
        skipped = 0
        total: int | None = None
        token: str | None = None
        answers: list[_Answer] = []
        incomplete = capped = False
        while len(answers) < params.max_pages:
            first = not answers
            query = dict(base, pageSize=str(params.page_size))
            if first:
                query["countTotal"] = "true"
            elif token is not None:
                query["pageToken"] = token
            if not first and self._monotonic() >= deadline:
                incomplete = True
                break
            try:
                page, answer = self._fetch(
                    "/studies",
                    query,
                    what="this search",
                    check=functools.partial(_check_page, page_size=params.page_size, first=first),
                    deadline=deadline,
                )
            except ApiUnavailable:
                if first:
                    raise
                log.debug("page %d unavailable; returning the pages fetched", len(answers) + 1)
                incomplete = True
                break
            answers.append(answer)
            total = page.total if first else total
            skipped += page.skipped
            for study in page.studies:
                studies.setdefault(study.nct_id, study)
            token = page.token
            if len(studies) >= self.max_studies and (token or len(studies) > self.max_studies):
                capped = True
                break
            if token is None:
                break
        capped = capped or (token is not None and not incomplete)
        kept = tuple(studies.values())[: self.max_studies]
        stale_ages = [a.stale_age for a in answers if a.stale_age is not None]
        return SearchResult(
            studies=kept,
            total_count=total,
            pages_fetched=len(answers),
            truncated=token is not None or incomplete or len(studies) > len(kept),
            fetched_at=min(a.fetched_at for a in answers),
            from_cache=all(a.from_cache for a in answers),
            stale_age=max(stale_ages) if stale_ages else None,
            skipped=skipped,
            query_url=answers[0].url,
            incomplete=incomplete,
            capped=capped,
            notices=tuple(self.take_notices()),
            failure=next((a.failure for a in answers if a.failure), None),
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
            study, _ = self._fetch(
                f"/studies/{canonical}",
                {"fields": ",".join(DETAIL_FIELDS)},
                what="this study",
                check=_check_study,
                deadline=self._monotonic() + self.search_deadline,
            )
        except _NotFound:
            raise StudyNotFound(canonical) from None
        return study

    def data_version(self) -> DataVersion:
        """The API version and the date of the data behind every answer (``GET /version``)."""
        data, answer = self._fetch(
            "/version",
            {},
            what="the data version",
            check=_check_version,
            deadline=self._monotonic() + self.search_deadline,
        )
        return DataVersion(
            api_version=data["apiVersion"],
            data_timestamp=_parse_timestamp(data.get("dataTimestamp")),
            fetched_at=answer.fetched_at,
            from_cache=answer.from_cache,
            stale=answer.stale_age is not None,
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

    def _fetch(
        self,
        path: str,
        params: Mapping[str, str],
        *,
        what: str,
        check: Callable[[bytes], _Checked[T]],
        deadline: float,
    ) -> tuple[T, _Answer]:
        """A checked answer: fresh saved copy, else the network, else an older saved copy."""
        prepared = self.session.prepare_request(
            requests.Request("GET", self.base_url + path, params=dict(params))
        )
        url = str(prepared.url)
        key = cache_key(url)
        saved = self.cache.get(key) if self.cache is not None else None
        if saved is not None and self.cache is not None and self.cache.is_fresh(saved, self._now()):
            checked = self._checked_copy(saved, check, key)
            if checked is not None:
                return checked.value, _Answer(url, saved.fetched_at, True, None)
            saved = None
        try:
            checked, body, fetched_at = self._fetch_with_retries(
                prepared, path, check, deadline, has_copy=saved is not None
            )
        except _Failure as failure:
            self._down = (self._monotonic() + self.down_hold, failure)
            copy = self._checked_copy(saved, check, key) if saved is not None else None
            if saved is None or copy is None:
                error = {"rate": RateLimited, "invalid": InvalidResponse}.get(
                    failure.kind, ApiUnavailable
                )
                raise error(self.host, failure.reason, what=what) from failure
            log.debug("serving a saved copy of %s after failures", _NCT_IN_PATH.sub("{nctId}", path))
            age = saved.age(self._now())
            return copy.value, _Answer(url, saved.fetched_at, True, age, failure.reason)
        self._down = None
        if checked.complete and self.cache is not None:
            self.cache.save(key, body, fetched_at)
        return checked.value, _Answer(url, fetched_at, False, None)

    def _checked_copy(
        self, saved: SavedAnswer, check: Callable[[bytes], _Checked[T]], key: str
    ) -> _Checked[T] | None:
        """A saved answer, checked like a new one; an unreadable one is forgotten."""
        try:
            return check(_decode(Reply(200, "application/json", None, saved.body)))
        except _Failure:
            if self.cache is not None:
                self.cache.forget(key)
            return None

    def _fetch_with_retries(
        self,
        prepared: requests.PreparedRequest,
        path: str,
        check: Callable[[bytes], _Checked[T]],
        deadline: float,
        *,
        has_copy: bool,
    ) -> tuple[_Checked[T], bytes, datetime]:
        path = _NCT_IN_PATH.sub("{nctId}", path)  # logs never say which study someone looked at
        if self._down is not None and self._monotonic() < self._down[0]:
            log.debug("%s skipped: the service failed a moment ago", path)
            raise self._down[1]
        waited = 0.0
        retry_number = 0
        started = self._monotonic()
        while True:
            budget = min(self.request_deadline, deadline - self._monotonic())
            if budget <= 0:
                raise _Failure("timeout", "it did not answer in time")
            outcome = self._attempt(prepared, path, check, budget)
            if not isinstance(outcome, _Failure):
                return outcome
            failure = outcome
            if has_copy or not failure.retryable:  # a saved copy is shown at once
                raise failure
            retry_after = parse_retry_after(failure.retry_after, self._now())
            elapsed = self._monotonic() - started
            delay = self.retry.delay(retry_number, waited, retry_after, self._rng, elapsed)
            if delay is None or self._monotonic() + delay >= deadline:
                log.debug("giving up on %s after %d retries (%s)", path, retry_number, failure.kind)
                raise failure
            retry_number += 1
            log.debug("retry %d for %s in %.2fs (%s)", retry_number, path, delay, failure.kind)
            self._sleep(delay)
            waited += delay

    def _attempt(
        self,
        prepared: requests.PreparedRequest,
        path: str,
        check: Callable[[bytes], _Checked[T]],
        budget: float,
    ) -> tuple[_Checked[T], bytes, datetime] | _Failure:
        """One try: a checked answer, or a failure. A 400 or a study's 404 raise directly."""
        connect, read = self.timeout
        try:
            reply = exchange(
                self.session,
                prepared,
                timeout=(min(connect, budget), min(read, budget)),
                budget=budget,
                max_bytes=self.max_answer_bytes,
            )
        except Exception as exc:
            failure = _transport_failure(exc)
            log.debug("GET %s failed (%s)", path, failure.kind)
            return failure
        status = reply.status
        log.debug("GET %s -> %d", path, status)
        if status == 200:
            try:
                return check(_decode(reply)), reply.body, self._now()
            except _Failure as failure:
                return failure
        if status == 429:
            return _Failure("rate", "it kept answering: too many requests", reply.retry_after)
        if status in self.retry.statuses:
            return _Failure("status", f"it answered with error {status}", reply.retry_after)
        text = reply.body.decode("utf-8", "replace")
        if status == 400:
            raise ApiRequestError(status, text, str(prepared.url))
        if status == 404 and path.startswith("/studies/"):
            raise _NotFound(text)
        # Anything else (a 404 for the search path, 403 from a firewall...) means the service is
        # not usable at this address right now; it is not worth retrying, but a saved copy helps.
        return _Failure("status", f"it answered with error {status}", retryable=False)
