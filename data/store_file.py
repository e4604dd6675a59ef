"""A SQLite file of one table of keys and values that can never stop or poison a search.

Whatever happens to the file cannot hurt a search: a damaged, foreign, unreadable or locked file is
set aside (renamed next to itself, with a one-line notice the app shows) and a new one is started;
if even that fails, the app goes on without it. The table is opened by the caller's opener:
requests-cache's store for saved answers (``data.ctgov_cache``), plain SQLite for readings
(``data.reading_store``), so a process that only needs readings never imports the HTTP stack.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

import platformdirs

from data.settings import APP_NAME, CACHE_DIR_ENV, LOCK_WAIT_S, cache_url_from_env

if TYPE_CHECKING:
    from data.shared_cache import SharedStore

log = logging.getLogger(__name__)

#: The version this app writes into each file it makes (SQLite's ``user_version``).
SCHEMA_VERSION = 2
#: The columns of every table this app makes (requests-cache's layout).
COLUMNS = ["key", "value", "expires"]
_SIDECARS = ("-journal", "-wal", "-shm")
T = TypeVar("T")


class Closable(Protocol):
    def close(self) -> None: ...


S = TypeVar("S", bound=Closable)
#: Opens a table of a checked file: ``opener(path, table, lock_wait)``.
Opener = Callable[[Path, str, float], S]


def begin_immediate(connection: sqlite3.Connection, lock_wait: float) -> None:
    """Take the write lock, waiting at most ``lock_wait`` seconds for another program to let go
    (``sqlite3.OperationalError`` after that): requests-cache's own writer would wait forever."""
    started = time.monotonic()
    while True:
        try:
            connection.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError:
            if time.monotonic() - started >= lock_wait:
                raise
            time.sleep(0.01)


def resolve_cache_dir(cache_dir: str | Path | None = None) -> Path:
    """The cache folder: the argument, else ``$MBC_CACHE_DIR``, else the per-user cache folder."""
    if cache_dir is not None:
        return Path(cache_dir)
    from_env = os.environ.get(CACHE_DIR_ENV)
    if from_env:
        return Path(from_env)
    return Path(platformdirs.user_cache_dir(APP_NAME))


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


class StoreFile(Generic[S]):
    """One SQLite file of one table of keys and values that can never stop or hurt a search.

    Every method returns quietly whatever the file's state: a damaged, foreign, unreadable or
    locked file is set aside (renamed next to itself, with a one-line notice) and a new one
    started; if even that fails, the store is given up and reads find nothing.

    Args:
        path: the file (its folder is created if missing; ``OSError`` if that is impossible).
        table: the table of key and value.
        opener: opens the table once the file has passed its check (``opener(path, table,
            lock_wait)``); its ``close`` is called when the file is set aside.
        lock_wait: longest wait for a lock held by another program.
    """

    def __init__(
        self, path: Path, table: str, opener: Opener[S], *, lock_wait: float = LOCK_WAIT_S
    ) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.table = table
        self.opener = opener
        self.lock_wait = lock_wait
        self.usable = True
        self._notices: list[str] = []
        self._lock = threading.Lock()
        self._generation = 0
        self._store: S | None = None
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

    def run(self, operation: Callable[[S], T], *, write: bool) -> T | None:
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
        """Refuse a file this app did not make before its opener alters it."""
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
            if version != SCHEMA_VERSION or columns != COLUMNS:
                raise CacheUnusable("schema: it was not made by this app")
            if con.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise CacheUnusable("malformed")
        finally:
            con.close()

    def _open(self) -> S:
        if self._store is None:
            self._check_file()
            self._store = self.opener(self.path, self.table, self.lock_wait)
        return self._store

    def _close(self) -> None:
        if self._store is not None:
            self._store.close()
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


def open_store(
    path: Path, table: str, opener: Opener[S], serializer: Any, *, lock_wait: float
) -> StoreFile[S] | SharedStore:
    """The shared cache named by ``MBC_CACHE_URL`` (falling back to the file), else the file.

    ``serializer`` is requests-cache's serializer of the shared cache's values (``None``: bytes).
    """

    def local() -> StoreFile[S]:
        return StoreFile(path, table, opener, lock_wait=lock_wait)

    url = cache_url_from_env()
    if url is None:
        return local()
    from data.shared_cache import SharedStore  # the Redis client only where a clinic uses it

    return SharedStore(url, table, serializer, local)
