"""The readings of trials kept on disk (or in a clinic's shared cache), so that a restart, a second
process or another search does not read the same text again.

The file is a plain SQLite table of bytes under text keys, in the same layout requests-cache uses
for saved answers (files written by earlier versions read the same), opened without requests-cache:
a process that only matches studies from a file never pays for importing the HTTP stack. Lookups
and writes are batched: a thousand readings cost a few queries and one commit.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from data.settings import LOCK_WAIT_S, READINGS_FILE_NAME
from data.store_file import StoreFile, begin_immediate, open_store, resolve_cache_dir

if TYPE_CHECKING:
    from data.shared_cache import SharedStore

log = logging.getLogger(__name__)
TABLE = "readings"
#: Keys per query: well under SQLite's oldest limit of 999 bound values.
_CHUNK = 500


class SQLiteBlobs:
    """One table of bytes under text keys, on a connection of its own.

    Every wait for another program's lock is bounded by ``lock_wait`` seconds and a failed write
    raises, so :class:`~data.store_file.StoreFile` can set the file aside.
    """

    def __init__(self, path: Path, table: str, lock_wait: float) -> None:
        self.table = table
        self.lock_wait = lock_wait
        self._lock = threading.Lock()
        self._connection = sqlite3.connect(
            path, timeout=lock_wait, isolation_level=None, check_same_thread=False
        )
        self._connection.execute(
            f"CREATE TABLE IF NOT EXISTS {table} (key TEXT PRIMARY KEY, value BLOB, expires INTEGER)"
        )
        self._connection.execute(f"CREATE INDEX IF NOT EXISTS expires_idx ON {table}(expires)")

    def get_many(self, keys: list[str]) -> dict[str, bytes]:
        """The values kept under these keys (missing keys and values that are not bytes left out)."""
        found: dict[str, bytes] = {}
        with self._lock:
            for start in range(0, len(keys), _CHUNK):
                chunk = keys[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                query = f"SELECT key, value FROM {self.table} WHERE key IN ({marks})"
                for key, value in self._connection.execute(query, chunk):
                    if isinstance(value, bytes):
                        found[key] = value
        return found

    def put_many(self, values: dict[str, bytes]) -> None:
        """Keep these values (replacing any under the same keys), in one transaction."""
        with self._transaction() as connection:
            connection.executemany(
                f"INSERT OR REPLACE INTO {self.table} (key, value, expires) VALUES (?, ?, NULL)",
                values.items(),
            )

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            connection = self._connection
            begin_immediate(connection, self.lock_wait)
            try:
                yield connection
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise


class BlobFile:
    """Values kept as bytes under text keys (the readings of trials), in a file that can never stop
    or hurt a search, or in a clinic's shared cache with the file as its fallback."""

    def __init__(self, path: Path, table: str = TABLE, *, lock_wait: float = LOCK_WAIT_S) -> None:
        self.file: StoreFile[SQLiteBlobs] | SharedStore = open_store(
            path, table, SQLiteBlobs, None, lock_wait=lock_wait
        )

    def get_many(self, keys: list[str]) -> dict[str, bytes]:
        def read(store: Any) -> dict[str, bytes]:
            if isinstance(store, SQLiteBlobs):
                return store.get_many(keys)
            found: dict[str, bytes] = {}
            for key in keys:  # a shared cache's mapping
                value = store.get(key)
                if isinstance(value, bytes):
                    found[key] = value
            return found

        return self.file.run(read, write=False) or {}

    def put_many(self, values: dict[str, bytes]) -> None:
        def write(store: Any) -> None:
            if isinstance(store, SQLiteBlobs):
                store.put_many(values)
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
        return BlobFile(resolve_cache_dir(cache_dir) / READINGS_FILE_NAME)
    except OSError as exc:
        log.debug("no readings store: %s", type(exc).__name__)
        return None
