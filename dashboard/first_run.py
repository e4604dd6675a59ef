"""Whether a page has finished its first run in this server process.

The warm-up leaves the criteria reader until then: a restarted server finds its readings on disk
and its first page needs no reader, so compiling the reader's patterns meanwhile would only share
the one interpreter lock with that page. ``app.py`` marks the end of every run; the warm-up waits
for the first. A module of its own because the server runs as ``__main__``: ``app.py`` importing
``dashboard.server`` would get a second copy of it, with a second event.
"""

from __future__ import annotations

import threading

_FINISHED = threading.Event()


def mark_finished() -> None:
    """A page run has ended (normally, by a rerun or a stop, or with an error)."""
    _FINISHED.set()


def wait_for_first_run(timeout_s: float) -> bool:
    """Wait until a page run has ended, at most ``timeout_s`` seconds; whether one has."""
    return _FINISHED.wait(timeout_s)
