"""Searches shared by every session of one dashboard process, without one session holding another.

Streamlit's own cache makes a second session wait for as long as the first one's computation runs,
and retries it after a failure: a hung registry held every session on the same search (81 s seen).
Here an identical search already under way is joined instead, and waited for at most the caller's
own deadline; its answer or its error is shared. A result is kept for ``ttl`` seconds (a saved copy
shown after a failure only ``stale_ttl``, so the registry is asked again soon).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Generic, Protocol, TypeVar


class _Staleness(Protocol):
    @property
    def stale(self) -> bool: ...


K = TypeVar("K", bound=Hashable)
R = TypeVar("R", bound=_Staleness)


class StillWaiting(Exception):
    """The identical search started by another session did not end within this caller's deadline."""


class SharedSearches(Generic[K, R]):
    """Results by key: kept for a while, computed once at a time, waited for within a deadline."""

    def __init__(
        self,
        *,
        ttl: float,
        stale_ttl: float,
        max_entries: int = 8,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.stale_ttl = stale_ttl
        self.max_entries = max_entries
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._done: OrderedDict[K, tuple[float, R]] = OrderedDict()
        self._running: dict[K, Future[R]] = {}

    def get(self, key: K, run: Callable[[K], R], *, wait_limit: float) -> R:
        """The result for ``key``: kept, joined (waiting at most ``wait_limit`` s), or run here.

        Raises:
            StillWaiting: another session's identical search outlived ``wait_limit``.
            Whatever ``run`` raises (shared with the sessions that joined it; never kept).
        """
        with self._lock:
            kept = self._done.get(key)
            if kept is not None and kept[0] > self._monotonic():
                self._done.move_to_end(key)
                return kept[1]
            running = self._running.get(key)
            owner = running is None
            if running is None:
                running = Future()
                self._running[key] = running
        if not owner:
            try:
                return running.result(timeout=wait_limit)
            except FutureTimeout:
                raise StillWaiting from None
        try:
            result = run(key)
        except BaseException as exc:
            running.set_exception(exc)
            raise
        else:
            running.set_result(result)
            self._keep(key, result)
            return result
        finally:
            with self._lock:
                self._running.pop(key, None)

    def forget_stale(self) -> None:
        """Drop kept saved copies (shown after a failure), so the next request asks again: a
        retry button."""
        with self._lock:
            for key in [k for k, (_, result) in self._done.items() if result.stale]:
                del self._done[key]

    def _keep(self, key: K, result: R) -> None:
        life = self.stale_ttl if result.stale else self.ttl
        with self._lock:
            self._done[key] = (self._monotonic() + life, result)
            self._done.move_to_end(key)
            while len(self._done) > self.max_entries:
                self._done.popitem(last=False)
