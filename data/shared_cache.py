"""A cache shared by several processes (a Redis server), with this machine's file as a fallback.

A clinic runs several dashboard processes behind one address; with ``MBC_CACHE_URL`` they keep
the registry's answers and the readings of trials in one Redis, through requests-cache's Redis
backend and the same rules as the local file: JSON values (the answers as requests-cache
records, the readings as checked JSON), never pickles. When the server cannot be reached, or stops
answering, the process says so once and goes on with its own file: slower, never broken.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import redis
from requests_cache.backends.base import BaseStorage
from requests_cache.backends.redis import RedisDict

from data.settings import APP_NAME, SHARED_CACHE_TIMEOUT_S, shown_address

log = logging.getLogger(__name__)
T = TypeVar("T")

#: What a failing shared cache raises; anything else is a fault of the value, not of the server.
SHARED_CACHE_ERRORS: tuple[type[BaseException], ...] = (redis.exceptions.RedisError, OSError)


class LocalStore(Protocol):
    """What :class:`SharedStore` falls back to (``data.store_file.StoreFile``)."""

    @property
    def usable(self) -> bool: ...

    @property
    def generation(self) -> int: ...

    def run(self, operation: Callable[[Any], T], *, write: bool) -> T | None: ...

    def take_notices(self) -> list[str]: ...


class SharedStore:
    """One collection of a shared Redis, used like a local store file.

    Args:
        url: the server's address (``redis://host:6379/0``).
        collection: the collection's name (``responses``, ``readings``).
        serializer: requests-cache's serializer of the values (``None``: values are bytes).
        fallback: makes this machine's store, used once the server fails.
    """

    def __init__(
        self, url: str, collection: str, serializer: Any, fallback: Callable[[], LocalStore]
    ) -> None:
        self.address = shown_address(url)
        self._fallback = fallback
        self._local: LocalStore | None = None
        self._notices: list[str] = []
        self._lock = threading.Lock()
        connection = redis.Redis.from_url(
            url,
            socket_timeout=SHARED_CACHE_TIMEOUT_S,
            socket_connect_timeout=SHARED_CACHE_TIMEOUT_S,
            retry_on_timeout=False,
        )
        self._dict = RedisDict(
            f"{APP_NAME}:{collection}", connection=connection, serializer=serializer, ttl=False
        )
        try:
            connection.ping()  # a server that is down is found once, here, not at each search
        except SHARED_CACHE_ERRORS as exc:
            self._give_up(exc)

    @property
    def usable(self) -> bool:
        return self._local.usable if self._local is not None else True

    @property
    def generation(self) -> int:
        return self._local.generation if self._local is not None else 0

    @property
    def shared(self) -> bool:
        """Whether the shared server is still in use (not the fallback)."""
        return self._local is None

    def run(self, operation: Callable[[BaseStorage[str, Any]], T], *, write: bool) -> T | None:
        """Run one operation on the shared collection; if the server fails, on the local file."""
        local = self._local
        if local is None:
            try:
                return operation(self._dict)
            except SHARED_CACHE_ERRORS as exc:
                local = self._give_up(exc)
        return local.run(operation, write=write)

    def take_notices(self) -> list[str]:
        with self._lock:
            notices, self._notices = self._notices, []
        if self._local is not None:
            notices += self._local.take_notices()
        return notices

    def _give_up(self, exc: BaseException) -> LocalStore:
        with self._lock:
            if self._local is None:
                log.debug("shared cache unusable: %s", type(exc).__name__)
                self._notices.append(
                    f"The shared cache at {self.address} could not be reached "
                    f"({_reason(exc)}), so this process keeps saved results on this computer."
                )
                self._local = self._fallback()
            return self._local


def _reason(exc: BaseException) -> str:
    if isinstance(exc, redis.exceptions.TimeoutError | TimeoutError):
        return "it did not answer in time"
    if isinstance(exc, redis.exceptions.AuthenticationError):
        return "it refused the password"
    if isinstance(exc, redis.exceptions.ConnectionError | OSError):
        return "no connection"
    return "it gave an error"
