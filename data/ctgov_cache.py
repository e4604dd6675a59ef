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
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import platformdirs
from requests.structures import CaseInsensitiveDict
from requests_cache.backends.base import BaseStorage
from requests_cache.backends.sqlite import SQLiteDict
from requests_cache.models.request import CachedRequest
from requests_cache.models.response import CachedResponse
from requests_cache.serializers import init_serializer

from data.settings import (
    APP_NAME,
    CACHE_DIR_ENV,
    CACHE_FILE_NAME,
    LEGACY_CACHE_FILE_NAME,
    LOCK_WAIT_S,
    READINGS_FILE_NAME,
    cache_url_from_env,
)

if TYPE_CHECKING:
    from data.shared_cache import SharedStore

#: requests-cache's store of one table or collection (SQLite or Redis), keyed by text.
Store = BaseStorage[str, Any]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2
TABLE = "responses"
_COLUMNS = ["key", "value", "expires"]
#: requests-cache's JSON serializer; the body is kept as sent (base64), never decoded and re-encoded.
_SERIALIZER = init_serializer("json", decode_content=False)
#: The URL recorded with each entry: the service's search path only, never the search itself.
_RECORDED_URL = "https://clinicaltrials.gov/api/v2/"
_SIDECARS = ("-journal", "-wal", "-shm")
T = TypeVar("T")


def resolve_cache_dir(cache_dir: str | Path | None = None) -> Path:
    """The cache folder: the argument, else ``$MBC_CACHE_DIR``, else the per-user cache folder."""
    if cache_dir is not None:
        return Path(cache_dir)
    from_env = os.environ.get(CACHE_DIR_ENV)
    if from_env:
        return Path(from_env)
    return Path(platformdirs.user_cache_dir(APP_NAME))


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


class CacheUnusable(Exception):
    """The cache file failed in a way that setting it aside is the answer to."""


def _reason(exc: BaseException) -> str:
    """Why the file could not be used, in words (the raw SQLite message is only logged)."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return "another program kept it locked"
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return "it is damaged"
    if "unable to open" in text or "permission" in text or "readonly" in text or "denied" in text:
        return "it could not be opened"
    if "no such" in text or "schema" in text:
        return "it was not made by this app"
    return "it could not be read"


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
            started = time.monotonic()
            while True:
                try:
                    connection.execute("BEGIN IMMEDIATE")
                    break
                except sqlite3.OperationalError:
                    if time.monotonic() - started >= self.lock_wait:
                        raise
                    time.sleep(0.01)
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


class StoreFile:
    """One SQLite file of requests-cache's store (one table) that can never stop or hurt a search.

    Every method returns quietly whatever the file's state: a damaged, foreign, unreadable or
    locked file is set aside (renamed next to itself, with a one-line notice) and a new one
    started; if even that fails, the store is given up and reads find nothing.

    Args:
        path: the file (its folder is created if missing; ``OSError`` if that is impossible).
        table: the table of key and value.
        serializer: requests-cache's serializer of the values (``None``: values are bytes).
        lock_wait: longest wait for a lock held by another program.
    """

    def __init__(
        self, path: Path, table: str, serializer: Any = None, *, lock_wait: float = LOCK_WAIT_S
    ) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.table = table
        self.serializer = serializer
        self.lock_wait = lock_wait
        self.usable = True
        self._notices: list[str] = []
        self._lock = threading.Lock()
        self._generation = 0
        self._store: _BoundedSQLiteDict | None = None
        self.run(lambda store: None, write=False)

    @property
    def generation(self) -> int:
        """How many times the file was set aside (a write may need to be made again)."""
        return self._generation

    def take_notices(self) -> list[str]:
        """One-line notices about the file (set aside, given up) not yet shown; each shown once."""
        with self._lock:
            notices, self._notices = self._notices, []
        return notices

    def run(self, operation: Callable[[Store], T], *, write: bool) -> T | None:
        """Run one operation on the store; any failure of the file sets it aside."""
        if not self.usable:
            return None
        generation = self._generation
        try:
            with self._lock:
                store = self._open()
            return operation(store)
        except (sqlite3.Error, OSError, CacheUnusable) as exc:
            log.debug("cache file unusable (%s): %s", "write" if write else "read", type(exc).__name__)
            self._set_aside(generation, _reason(exc))
            return None

    def close(self) -> None:
        with self._lock:
            self._close()

    def _check_file(self) -> None:
        """Refuse a file this app did not make before requests-cache alters it (it adds columns)."""
        if os.path.lexists(self.path) and not self.path.is_file():
            raise CacheUnusable("unable to open: not a file")
        con = sqlite3.connect(self.path, timeout=self.lock_wait, isolation_level=None)
        try:
            version = con.execute("PRAGMA user_version").fetchone()[0]
            tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if version == 0 and not tables:
                con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                return
            columns = [row[1] for row in con.execute(f"PRAGMA table_info({self.table})")]
            if version != SCHEMA_VERSION or columns != _COLUMNS:
                raise CacheUnusable("schema: it was not made by this app")
            if con.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise CacheUnusable("malformed")
        finally:
            con.close()

    def _open(self) -> _BoundedSQLiteDict:
        if self._store is None:
            self._check_file()
            self._store = _BoundedSQLiteDict(self.path, self.lock_wait, self.table, self.serializer)
        return self._store

    def _close(self) -> None:
        if self._store is not None:
            self._store.close()  # type: ignore[no-untyped-call]
            self._store = None

    def _set_aside(self, generation: int, reason: str) -> None:
        """Rename the file (and its journal) out of the way and start a new one."""
        with self._lock:
            if generation != self._generation or not self.usable:
                return  # another thread already did it
            self._generation += 1
            self._close()
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
            aside = self.path.with_name(f"{self.path.name}.set-aside-{stamp}")
            number = 1
            while os.path.lexists(aside):
                number += 1
                aside = self.path.with_name(f"{self.path.name}.set-aside-{stamp}-{number}")
            try:
                if os.path.lexists(self.path):
                    os.replace(self.path, aside)
                for suffix in _SIDECARS:
                    sidecar = Path(str(self.path) + suffix)
                    if os.path.lexists(sidecar):
                        os.replace(sidecar, Path(str(aside) + suffix))
            except OSError:
                self.usable = False
                self._notices.append(
                    f"The file of saved search results ({self.path}) could not be used ({reason}) "
                    "and could not be set aside, so searches go on without saved results."
                )
                return
            try:
                self._open()
            except (sqlite3.Error, OSError, CacheUnusable):
                self._close()
                self.usable = False
                self._notices.append(
                    f"The file of saved search results ({self.path}) could not be used ({reason}); "
                    f"it was set aside as {aside.name}, but no new one could be started, so "
                    "searches go on without saved results."
                )
                return
            self._notices.append(
                f"The file of saved search results ({self.path}) could not be used ({reason}); "
                f"it was set aside as {aside.name} and a new one was started. Searches go on."
            )


def open_store(path: Path, table: str, serializer: Any, lock_wait: float) -> StoreFile | SharedStore:
    """The shared cache named by ``MBC_CACHE_URL`` (falling back to the file), else the file."""
    url = cache_url_from_env()
    if url is None:
        return StoreFile(path, table, serializer, lock_wait=lock_wait)
    from data.shared_cache import SharedStore  # the Redis client only where a clinic uses it

    return SharedStore(
        url, table, serializer, lambda: StoreFile(path, table, serializer, lock_wait=lock_wait)
    )


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
        self.file = open_store(self.path, TABLE, _SERIALIZER, lock_wait)

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


class BlobFile:
    """Values kept as bytes under text keys in a :class:`StoreFile` (the readings of trials).

    Writes are batched in one transaction: a thousand readings cost one commit, not a thousand.
    """

    def __init__(self, path: Path, table: str, *, lock_wait: float = LOCK_WAIT_S) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.file = open_store(path, table, None, lock_wait)

    def get_many(self, keys: list[str]) -> dict[str, bytes]:
        def read(store: Store) -> dict[str, bytes]:
            found: dict[str, bytes] = {}
            for key in keys:
                value = store.get(key)
                if isinstance(value, bytes):
                    found[key] = value
            return found

        return self.file.run(read, write=False) or {}

    def put_many(self, values: dict[str, bytes]) -> None:
        def write(store: Store) -> None:
            if isinstance(store, SQLiteDict):
                with store.bulk_commit():  # one transaction for the whole batch
                    for key, value in values.items():
                        store[key] = value
            else:
                for key, value in values.items():
                    store[key] = value

        if values:
            self.file.run(write, write=True)

    def take_notices(self) -> list[str]:
        return self.file.take_notices()


def open_readings_store(cache_dir: str | Path | None = None) -> BlobFile | None:
    """The stored readings of trials in the cache folder, or ``None`` when no folder can be made
    (readings are then kept in memory only)."""
    try:
        return BlobFile(resolve_cache_dir(cache_dir) / READINGS_FILE_NAME, "readings")
    except OSError as exc:
        log.debug("no readings store: %s", type(exc).__name__)
        return None


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
