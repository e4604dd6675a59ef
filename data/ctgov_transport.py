"""One HTTP exchange that ends by its deadline and never reads more than its size cap.

``requests`` only bounds each wait for the socket (connect, then each read): a server that sends one
byte a second, or headers that never end, keeps it busy forever, and a small gzip body can expand
to gigabytes in memory. Here the exchange runs in a worker thread that the caller waits for at most
``budget`` seconds; the body is read in pieces as they arrive (``read1``), decompressed at most a
piece at a time, and given up once it passes ``max_bytes``. A worker left behind by a deadline stops
at its next piece, or when its socket timeout (never longer than the budget) runs out.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import requests

CHUNK_BYTES = 64 * 1024
ERROR_TEXT_BYTES = 64 * 1024
"""Enough of an error answer (a 400's explanation) to quote; the rest is not read."""


class Overdue(Exception):
    """The exchange did not finish within its budget."""


class TooLarge(Exception):
    """The answer passed the size cap (after decompression)."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


@dataclass(frozen=True)
class Reply:
    """What came back: status, the two headers the client reads, and the (decompressed) body."""

    status: int
    content_type: str
    retry_after: str | None
    body: bytes


def _read(raw: Any, limit: int, cancel: threading.Event, *, cut: bool) -> bytes:
    """The body, piece by piece; past ``limit`` either cut (error text) or :class:`TooLarge`."""
    buffer = bytearray()
    while True:
        if cancel.is_set():
            raise Overdue
        piece = raw.read1(CHUNK_BYTES, decode_content=True)
        if not piece:
            return bytes(buffer)
        if len(buffer) + len(piece) > limit:
            if cut:
                buffer += piece[: limit - len(buffer)]
                return bytes(buffer)
            raise TooLarge(limit)
        buffer += piece


def _declared_length(response: requests.Response) -> int | None:
    try:
        return int(response.headers.get("Content-Length", ""))
    except ValueError:
        return None


def _work(
    session: requests.Session,
    prepared: requests.PreparedRequest,
    timeout: tuple[float, float],
    max_bytes: int,
    cancel: threading.Event,
) -> Reply:
    response = session.send(prepared, timeout=timeout, stream=True)
    try:
        ok = response.status_code == 200
        declared = _declared_length(response)
        if ok and declared is not None and declared > max_bytes:
            raise TooLarge(max_bytes)
        body = _read(response.raw, max_bytes if ok else ERROR_TEXT_BYTES, cancel, cut=not ok)
        return Reply(
            status=response.status_code,
            content_type=str(response.headers.get("Content-Type", "")),
            retry_after=response.headers.get("Retry-After"),
            body=body,
        )
    finally:
        response.close()


def exchange(
    session: requests.Session,
    prepared: requests.PreparedRequest,
    *,
    timeout: tuple[float, float],
    budget: float,
    max_bytes: int,
) -> Reply:
    """Send ``prepared`` and read the whole answer within ``budget`` seconds.

    Raises:
        Overdue: no complete answer within the budget.
        TooLarge: the answer is larger than ``max_bytes`` once decompressed.
        requests.RequestException, OSError, urllib3 errors: the exchange itself failed.
    """
    outcome: dict[str, Any] = {}
    finished = threading.Event()
    cancel = threading.Event()

    def run() -> None:
        try:
            outcome["reply"] = _work(session, prepared, timeout, max_bytes, cancel)
        except BaseException as exc:  # handed to the waiting thread, which decides
            outcome["error"] = exc
        finally:
            finished.set()

    threading.Thread(target=run, name="ctgov-request", daemon=True).start()
    if not finished.wait(max(0.0, budget)):
        cancel.set()
        raise Overdue
    if "error" in outcome:
        raise outcome["error"]
    reply: Reply = outcome["reply"]
    return reply
