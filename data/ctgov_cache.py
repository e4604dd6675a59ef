"""A per-user SQLite file of ClinicalTrials.gov answers that can never stop or poison a search.

The store is requests-cache's (its SQLite backend, its ``CachedResponse`` records and its JSON
serializer), driven by the client rather than by a caching session: an answer is saved only after
the client has checked it, so a broken answer never overwrites a good saved copy. Each entry is JSON
text (the body base64-encoded, with the time it was fetched): no pickled objects, so a crafted entry
is at worst unreadable data, never code. A fresh entry (younger than the expiry, a day by default) is
served without any request; older ones stay as the stale copy shown when the service cannot be
reached.

Whatever happens to the file cannot hurt a search: a damaged, foreign, unreadable or locked file is
set aside (renamed next to itself, with a one-line notice the app shows) and a new one is started;
if even that fails, searches go on without saved answers. No wait for a lock lasts more than
:data:`~data.settings.LOCK_WAIT_S` seconds: requests-cache's own writer retries a locked file
forever, so the store here bounds that wait.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from requests.structures import CaseInsensitiveDict
from requests_cache.backends.base import BaseStorage
from requests_cache.backends.sqlite import SQLiteDict
from requests_cache.models.request import CachedRequest
from requests_cache.models.response import CachedResponse
from requests_cache.serializers import init_serializer

from data.settings import (
    CACHE_FILE_NAME,
    LEGACY_CACHE_FILE_NAME,
    LOCK_WAIT_S,
    cache_url_from_env,
)
from data.store_file import begin_immediate, open_store

#: requests-cache's store of one table or collection (SQLite or Redis), keyed by text.
Store = BaseStorage[str, Any]

log = logging.getLogger(__name__)

TABLE = "responses"
#: requests-cache's JSON serializer; the body is kept as sent (base64), never decoded and re-encoded.
_SERIALIZER = init_serializer("json", decode_content=False)
#: The URL recorded with each entry: the service's search path only, never the search itself.
_RECORDED_URL = "https://clinicaltrials.gov/api/v2/"


def cache_key(url: str) -> str:
    """The key of an answer: a digest of its full request URL (the file never lists searches)."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SavedAnswer:
    """One saved answer: the JSON body as received and when it was fetched from the network."""

    body: bytes
    fetched_at: datetime

    def age(self, now: datetime) -> timedelta:
        return max(timedelta(0), now - self.fetched_at)


class _BoundedSQLiteDict(SQLiteDict):
    """requests-cache's SQLite store with every wait for a lock bounded by ``lock_wait`` seconds.

    Its own writer retries ``BEGIN IMMEDIATE`` without end and rolls back a failed write without a
    word; here a lock still held after ``lock_wait`` and a failed write raise, so the caller can set
    the file aside.
    """

    def __init__(self, path: Path, lock_wait: float, table: str = TABLE, serializer: Any = None) -> None:
        self.lock_wait = lock_wait
        super().__init__(
            path,
            table_name=table,
            serializer=serializer,
            timeout=lock_wait,
            busy_timeout=int(lock_wait * 1000),
        )

    @contextmanager
    def _acquire_sqlite_lock(self) -> Iterator[None]:
        with self._lock:
            connection = self._connection
            assert connection is not None  # opened by connection() before it asks for the lock
            begin_immediate(connection, self.lock_wait)
            self._active_transaction = True
            try:
                yield
                connection.commit()
            except BaseException:
                connection.rollback()
                raise
            finally:
                self._active_transaction = False


def _record(body: bytes, fetched_at: datetime) -> CachedResponse:
    """A requests-cache record of a checked answer."""
    return CachedResponse(
        content=body,
        url=_RECORDED_URL,
        status_code=200,
        reason="OK",
        headers=CaseInsensitiveDict({"Content-Type": "application/json"}),
        request=CachedRequest(method="GET", url=_RECORDED_URL),
        created_at=fetched_at,
    )


def _saved(record: Any) -> SavedAnswer | None:
    """The answer in a stored record, or ``None`` when the record is not one this app wrote."""
    if not isinstance(record, CachedResponse) or record.status_code != 200:
        return None
    body, fetched_at = record.content, record.created_at
    if not isinstance(body, bytes) or not body or not isinstance(fetched_at, datetime):
        return None
    if fetched_at.tzinfo is None:
        fetched_at = fetched_at.replace(tzinfo=UTC)
    return SavedAnswer(body, fetched_at)


def _open_answers(path: Path, table: str, lock_wait: float) -> _BoundedSQLiteDict:
    return _BoundedSQLiteDict(path, lock_wait, table, _SERIALIZER)


class AnswerCache:
    """Saved answers in ``directory``; every method returns quietly whatever the file's state.

    Args:
        directory: the cache folder (created if missing; ``OSError`` if that is impossible).
        expiry: how long an answer counts as fresh.
        lock_wait: longest wait for a lock held by another program.
    """

    def __init__(self, directory: Path, expiry: timedelta, *, lock_wait: float = LOCK_WAIT_S) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.path = directory / CACHE_FILE_NAME
        self.expiry = expiry
        self._remove_legacy_file()
        self.file = open_store(self.path, TABLE, _open_answers, _SERIALIZER, lock_wait=lock_wait)

    @property
    def usable(self) -> bool:
        return self.file.usable

    def get(self, key: str) -> SavedAnswer | None:
        """The saved answer for ``key``, fresh or not, or ``None``."""
        record = self.file.run(lambda store: _read(store, key), write=False)
        if record is _UNREADABLE:
            self.forget(key)
            return None
        saved = _saved(record) if record is not None else None
        if record is not None and saved is None:
            self.forget(key)
        return saved

    def is_fresh(self, saved: SavedAnswer, now: datetime) -> bool:
        return saved.age(now) < self.expiry

    def save(self, key: str, body: bytes, fetched_at: datetime) -> None:
        """Keep a checked answer (replacing the one saved before)."""

        def write(store: Store) -> bool:
            store[key] = _record(body, fetched_at)
            return True

        generation = self.file.generation
        if (
            self.file.run(write, write=True) is None
            and generation != self.file.generation
            and self.file.usable
        ):
            self.file.run(write, write=True)  # the old file was set aside: save into the new one

    def forget(self, key: str) -> None:
        """Drop a saved answer that turned out to be unreadable."""
        self.file.run(lambda store: _delete(store, [key]), write=True)

    def clear(self) -> None:
        """Forget every saved answer."""
        self.file.run(lambda store: _delete(store, list(store)), write=True)

    def take_notices(self) -> list[str]:
        return self.file.take_notices()

    def _remove_legacy_file(self) -> None:
        legacy = self.directory / LEGACY_CACHE_FILE_NAME
        try:
            if legacy.is_file():
                legacy.unlink()
        except OSError as exc:
            log.debug("could not remove the old cache file: %s", type(exc).__name__)


#: A stored value that could not be turned back into a record (not JSON, not a record's shape).
_UNREADABLE = object()


def _read(store: Store, key: str) -> Any:
    """The record stored under ``key``; a value that cannot be read is data, never a crash."""
    failures: tuple[type[BaseException], ...] = (sqlite3.Error, *_server_errors())
    try:
        return store.get(key)
    except failures:
        raise
    except Exception:  # a stored value is untrusted: cattrs raises many kinds of error
        return _UNREADABLE


def _server_errors() -> tuple[type[BaseException], ...]:
    """A shared cache's failures, which must reach its fallback (empty without one in use)."""
    if cache_url_from_env() is None:
        return ()
    from data.shared_cache import SHARED_CACHE_ERRORS

    return SHARED_CACHE_ERRORS


def _delete(store: Store, keys: list[str]) -> None:
    store.bulk_delete(keys=keys)
