"""A per-user SQLite file of ClinicalTrials.gov answers that can never stop or poison a search.

Each entry is the answer's JSON text as the service sent it (checked first by the client), with the
time it was fetched: no pickled objects, so a crafted entry is at worst unreadable data, never code.
A fresh entry (younger than the expiry, a day by default) is served without any request; older ones
stay as the stale copy shown when the service cannot be reached.

Whatever happens to the file cannot hurt a search: a damaged, foreign, unreadable or locked file is
set aside (renamed next to itself, with a one-line notice the app shows) and a new one is started;
if even that fails, searches go on without saved answers. No wait for a lock lasts more than
:data:`~data.settings.LOCK_WAIT_S` seconds. Every operation opens its own short connection, so
threads and processes never share one.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import platformdirs

from data.settings import (
    APP_NAME,
    CACHE_DIR_ENV,
    CACHE_FILE_NAME,
    LEGACY_CACHE_FILE_NAME,
    LOCK_WAIT_S,
)

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
_COLUMNS = ["key", "body", "fetched_at"]
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
        self.lock_wait = lock_wait
        self.usable = True
        self._notices: list[str] = []
        self._lock = threading.Lock()
        self._generation = 0
        self._remove_legacy_file()
        self._run(self._check_schema, write=True)

    # -- public operations ----------------------------------------------------------------------

    def get(self, key: str) -> SavedAnswer | None:
        """The saved answer for ``key``, fresh or not, or ``None``."""
        row = self._run(
            lambda con: con.execute(
                "SELECT body, fetched_at FROM answers WHERE key = ?", (key,)
            ).fetchone(),
            write=False,
        )
        if row is None:
            return None
        body, stamp = row
        if not isinstance(body, bytes) or not isinstance(stamp, int | float):
            self.forget(key)
            return None
        try:
            fetched_at = datetime.fromtimestamp(float(stamp), UTC)
        except (OverflowError, OSError, ValueError):
            self.forget(key)
            return None
        return SavedAnswer(body, fetched_at)

    def is_fresh(self, saved: SavedAnswer, now: datetime) -> bool:
        return saved.age(now) < self.expiry

    def save(self, key: str, body: bytes, fetched_at: datetime) -> None:
        """Keep a checked answer (replacing the one saved before)."""

        def write(con: sqlite3.Connection) -> None:
            con.execute(
                "INSERT OR REPLACE INTO answers (key, body, fetched_at) VALUES (?, ?, ?)",
                (key, sqlite3.Binary(body), fetched_at.timestamp()),
            )

        generation = self._generation
        if self._run(write, write=True) is None and generation != self._generation and self.usable:
            self._run(write, write=True)  # the old file was set aside: save into the new one

    def forget(self, key: str) -> None:
        """Drop a saved answer that turned out to be unreadable."""
        self._run(lambda con: con.execute("DELETE FROM answers WHERE key = ?", (key,)), write=True)

    def clear(self) -> None:
        """Forget every saved answer."""
        self._run(lambda con: con.execute("DELETE FROM answers"), write=True)

    def take_notices(self) -> list[str]:
        """One-line notices about the file (set aside, given up) not yet shown; each shown once."""
        with self._lock:
            notices, self._notices = self._notices, []
        return notices

    # -- machinery ------------------------------------------------------------------------------

    def _remove_legacy_file(self) -> None:
        legacy = self.directory / LEGACY_CACHE_FILE_NAME
        try:
            if legacy.is_file():
                legacy.unlink()
        except OSError as exc:
            log.debug("could not remove the old cache file: %s", type(exc).__name__)

    def _check_schema(self, con: sqlite3.Connection) -> None:
        version = con.execute("PRAGMA user_version").fetchone()[0]
        tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if version == 0 and not tables:
            con.execute("CREATE TABLE answers (key TEXT PRIMARY KEY, body BLOB, fetched_at REAL)")
            con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            return
        columns = [row[1] for row in con.execute("PRAGMA table_info(answers)")]
        if version != SCHEMA_VERSION or columns != _COLUMNS:
            raise CacheUnusable("schema: it was not made by this app")
        check = con.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise CacheUnusable("malformed")

    def _connect(self) -> sqlite3.Connection:
        if os.path.lexists(self.path) and not self.path.is_file():
            raise CacheUnusable("unable to open: not a file")
        return sqlite3.connect(
            self.path, timeout=self.lock_wait, isolation_level=None, check_same_thread=False
        )

    def _run(self, operation: Callable[[sqlite3.Connection], T], *, write: bool) -> T | None:
        """Run one operation on its own connection; any failure sets the file aside."""
        if not self.usable:
            return None
        generation = self._generation
        try:
            con = self._connect()
            try:
                if write:
                    con.execute("BEGIN IMMEDIATE")
                result = operation(con)
                if write:
                    con.execute("COMMIT")
                return result
            finally:
                con.close()
        except (sqlite3.Error, OSError, CacheUnusable) as exc:
            log.debug("cache file unusable: %s", type(exc).__name__)
            self._set_aside(generation, _reason(exc))
            return None

    def _set_aside(self, generation: int, reason: str) -> None:
        """Rename the file (and its journal) out of the way and start a new one."""
        with self._lock:
            if generation != self._generation or not self.usable:
                return  # another thread already did it
            self._generation += 1
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
                self._create()
            except (sqlite3.Error, OSError, CacheUnusable):
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

    def _create(self) -> None:
        con = self._connect()
        try:
            con.execute("BEGIN IMMEDIATE")
            self._check_schema(con)
            con.execute("COMMIT")
        finally:
            con.close()
