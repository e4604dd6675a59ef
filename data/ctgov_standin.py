"""A local stand-in of the ClinicalTrials.gov API v2 that serves a study file on 127.0.0.1.

The one command that starts it (then point the app at it with ``CTGOV_BASE_URL``)::

    python -m data.ctgov_standin --studies ../shared/ctgov/studies.jsonl --port 8765
    CTGOV_BASE_URL=http://127.0.0.1:8765/api/v2 python -m streamlit run dashboard/app.py

In tests, use the context manager: ``with StandinServer(path_or_list) as server: server.base_url``.

What it emulates (after section 11 of ``notes/ctgov-api.md``):

* ``GET /api/v2/studies`` with ``query.cond|term|locn|titles|intr|outc|spons|lead|id|patient``,
  ``filter.overallStatus|geo|ids|advanced`` (and ``postFilter.*``), ``fields``, ``pageSize``
  (0 or absent -> 10, above 1000 -> 1000), ``pageToken``, ``countTotal`` (``totalCount`` on the
  first page only), an opaque ``nextPageToken`` omitted on the last page; several ``query.*``
  combine with AND; the Essie subset of :mod:`data.ctgov_essie`; ``fields`` pruned into the nested
  structure by piece name or dotted path.
* ``GET /api/v2/studies/{nctId}`` (case-insensitive, leading zeros optional, 301 for an alias,
  404 plain text when unknown), ``GET /api/v2/version``, ``GET /api/v2/stats/size``.
* Plain-text 400 answers worded like the real ones: unknown parameter, bad ``pageSize``, bad
  status, bad ``filter.geo``, bad ``fields`` name, ``Error parsing query in <label>: ...``.
  Unknown paths get an HTML 404 page, as behind the real service's nginx.
* Faults for tests, for the next N requests: ``429`` (optionally with ``Retry-After``), ``500``,
  ``502``, ``503``, ``504``, ``slow`` (reply after a delay), ``truncate`` (cut-off JSON), ``html``
  (an HTML page with status 200) and ``disconnect`` (close without answering); and the hostile
  ones: ``hang`` (accept, then never answer), ``drip`` (the real answer at ``rate`` bytes a
  second), ``cut`` (announce the whole answer, send half, hang up), ``bomb`` (a small gzip body
  that expands to ``size`` bytes), ``json`` (status 200 with ``body`` as given: wrong shapes, deep
  nesting, huge numbers) and ``many`` (one page of ``size`` studies, whatever was asked). Set them
  in process (:meth:`StandinServer.add_fault`) or from outside: ``POST /_standin/faults`` with a
  JSON body such as ``{"kind": "429", "count": 2, "retry_after": "1"}``; ``DELETE`` clears them.
* A log of every API request (path, parameters, User-Agent, status, bytes):
  :attr:`StandinServer.requests`, or ``GET /_standin/requests`` (``DELETE`` clears it).
* Each JSON answer is encoded (and gzip-compressed) once per distinct request and kept, so tests
  and benches that ask for the same pages again do not pay for encoding them again.

What it does not emulate: UMLS synonyms and MeSH expansion, relevance ranking and ``sort`` (the
value is checked, results keep file order), ``geoDecay``, ``aggFilters`` and ``filter.synonyms``
(accepted, ignored), CSV and other formats, ``markupFormat=legacy``, the metadata, enums and
field-statistics endpoints, token expiry, and the rule that filters are ignored when a query holds
only NCT IDs. A ``pageToken`` whose other parameters differ from the first page's is answered
with 400 (the real behaviour is unconfirmed). ``filter.geo`` without a unit means miles.

The request logic lives in :mod:`data.ctgov_standin_api`; this module adds HTTP, faults and the log.
"""

from __future__ import annotations

import argparse
import gzip
import json
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from data.ctgov_import import read_raw_studies
from data.ctgov_standin_api import (
    API_PREFIX,
    DEFAULT_API_VERSION,
    DEFAULT_DATA_TIMESTAMP,
    HTML_404,
    EncodedAnswers,
    Reply,
    StandinApi,
)

CONTROL_PREFIX = "/_standin"
HTML_MAINTENANCE = (
    b"<!DOCTYPE html><html><head><title>ClinicalTrials.gov</title></head><body>"
    b"<h1>ClinicalTrials.gov is undergoing maintenance</h1><p>Please try again later.</p>"
    b"</body></html>"
)

FAULT_KINDS = (
    "429",
    "500",
    "502",
    "503",
    "504",
    "slow",
    "truncate",
    "html",
    "disconnect",
    "hang",
    "drip",
    "cut",
    "bomb",
    "json",
    "many",
)
HANG_LIMIT_S = 600.0
"""Longest a ``hang`` or ``drip`` keeps its connection, so a forgotten fault ends by itself."""


@lru_cache(maxsize=4)
def gzip_bomb(size: int) -> bytes:
    """A gzip body that expands to ``size`` bytes: the start of a search page, then spaces.

    Built from gzip members of 1 MiB of spaces each (a gzip stream may hold many members), so even
    a 2 GiB bomb (about 2 MB on the wire) takes milliseconds to make.
    """
    head = gzip.compress(b'{"studies":[', 9)
    mebibyte = 1024 * 1024
    member = gzip.compress(b" " * mebibyte, 9)
    whole, rest = divmod(max(0, size - 12), mebibyte)
    tail = gzip.compress(b" " * rest, 9) if rest else b""
    return head + member * whole + tail


@lru_cache(maxsize=4)
def many_studies(count: int) -> bytes:
    """One search page of ``count`` small studies (NCT1xxxxxxx), built fast as bytes."""
    template = (
        '{"protocolSection":{"identificationModule":{"nctId":"NCT1%07d","briefTitle":"Study %d"},'
        '"statusModule":{"overallStatus":"RECRUITING"}}}'
    )
    studies = ",".join(template % (n, n) for n in range(count))
    return f'{{"studies":[{studies}],"totalCount":{count}}}'.encode()


@dataclass
class Fault:
    """A misbehaviour to apply to the next ``count`` API requests (optionally only matching ones).

    Attributes:
        kind: one of :data:`FAULT_KINDS`.
        count: how many requests it affects.
        retry_after: ``Retry-After`` header value for 429/5xx (seconds or an HTTP date).
        delay: seconds to wait before answering, for ``slow``.
        match: only requests whose path and query contain this text (e.g. ``"pageToken"``).
        body: the JSON text a ``json`` fault answers with.
        size: bytes a ``bomb`` expands to; studies a ``many`` page holds.
        rate: bytes per second a ``drip`` sends.
    """

    kind: str
    count: int = 1
    retry_after: str | None = None
    delay: float = 2.0
    match: str | None = None
    body: str | None = None
    size: int = 2**31
    rate: float = 1.0

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; use one of {FAULT_KINDS}")
        if self.count < 1:
            raise ValueError("a fault must affect at least one request")
        if not 0 < self.size <= 2**34 or not 0 < self.rate <= 1e9:
            raise ValueError("size and rate must be positive (size at most 16 GiB)")


@dataclass(frozen=True)
class RecordedRequest:
    """One API request as the stand-in saw it, for tests to check what the client sent."""

    method: str
    path: str
    params: dict[str, str]
    user_agent: str
    status: int  # 0 while the answer is pending, or when the connection was dropped
    fault: str | None
    body_bytes: int
    wire_bytes: int
    #: Seconds the stand-in spent making the answer (arrival to encoded reply, before sending), so
    #: a bench can take the stand-in's own work out of what it measures of the app.
    answer_s: float = 0.0


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Stay silent: the request log is kept in memory for tests instead."""

    def _encode(self, reply: Reply, *, gzip_ok: bool) -> bytes:
        body = reply.body
        headers = dict(reply.headers)
        if gzip_ok and self.server.use_gzip and len(body) > 1024:
            body = self.server.gzipped(body)
            headers["Content-Encoding"] = "gzip"
        head = [f"{self.protocol_version} {reply.status} {HTTPStatus(reply.status).phrase}"]
        head += [f"Content-Type: {reply.content_type}", f"Content-Length: {len(body)}"]
        head += [f"{k}: {v}" for k, v in headers.items()]
        return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body

    def _write(self, raw: bytes) -> None:
        try:
            self.wfile.write(raw)
            self.wfile.flush()
        except OSError:  # the client gave up (timeout) before we answered
            self.close_connection = True

    def _send(self, reply: Reply, *, gzip_ok: bool = False) -> None:
        self._write(self._encode(reply, gzip_ok=gzip_ok))

    def _control(self, method: str, path: str) -> None:
        server = self.server
        if path == f"{CONTROL_PREFIX}/requests":
            if method == "DELETE":
                server.clear_log()
            self._send(Reply.json([asdict(r) for r in server.requests]))
        elif path == f"{CONTROL_PREFIX}/faults":
            if method == "POST":
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    spec = json.loads(self.rfile.read(length) or b"{}")
                    server.add_fault(Fault(**spec))
                except (ValueError, TypeError) as exc:
                    self._send(Reply.text(400, f"Bad fault: {exc}"))
                    return
            elif method == "DELETE":
                server.clear_faults()
            self._send(Reply.json([asdict(f) for f in server.pending_faults()]))
        else:
            self._send(Reply(404, HTML_404, "text/html"))

    def _handle(self, method: str) -> None:
        arrived = time.perf_counter()
        parts = urlsplit(self.path)
        if parts.path.startswith(CONTROL_PREFIX):
            self._control(method, parts.path)
            return
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        fault = self.server.take_fault(self.path)
        # Logged on arrival (status 0 = no answer yet), so a test sees a request whose slow answer
        # the client already gave up on.
        entry = RecordedRequest(
            method=method,
            path=parts.path,
            params=params,
            user_agent=self.headers.get("User-Agent") or "",
            status=0,
            fault=fault.kind if fault else None,
            body_bytes=0,
            wire_bytes=0,
        )
        index = self.server.record(entry)
        gzip_ok = "gzip" in (self.headers.get("Accept-Encoding") or "")
        reply: Reply | None = None
        if fault is not None and fault.kind in ("hang", "drip", "cut", "bomb"):
            self._misbehave(fault, parts.path, parts.query, gzip_ok=gzip_ok)
            return
        if fault is not None and fault.kind == "disconnect":
            self.close_connection = True
        elif fault is not None and fault.kind == "json":
            reply = Reply(200, (fault.body or "").encode("utf-8"))
        elif fault is not None and fault.kind == "many":
            reply = Reply(200, many_studies(fault.size))
        elif fault is not None and fault.kind.isdigit():
            reply = Reply.text(int(fault.kind), HTTPStatus(int(fault.kind)).phrase)
            if fault.retry_after is not None:
                reply.headers["Retry-After"] = fault.retry_after
        elif fault is not None and fault.kind == "html":
            reply = Reply(200, HTML_MAINTENANCE, "text/html;charset=UTF-8")
        else:
            if fault is not None and fault.kind == "slow":
                time.sleep(fault.delay)
            if method != "GET":
                reply = Reply.text(405, "Method Not Allowed")
            elif parts.path.startswith(API_PREFIX + "/"):
                reply = self.server.api.handle(parts.path[len(API_PREFIX) :], parts.query)
            else:
                reply = Reply(404, HTML_404, "text/html")
            if fault is not None and fault.kind == "truncate" and reply.status == 200:
                reply.body = reply.body[: max(1, len(reply.body) // 2)]
        if reply is None:
            return
        raw = self._encode(reply, gzip_ok=gzip_ok and reply.content_type == "application/json")
        # The log is complete before the answer leaves, so a client that reads it next sees it.
        self.server.update(
            index,
            replace(
                entry,
                status=reply.status,
                body_bytes=len(reply.body),
                wire_bytes=len(raw),
                answer_s=time.perf_counter() - arrived,
            ),
        )
        self._write(raw)

    def _misbehave(self, fault: Fault, path: str, query: str, *, gzip_ok: bool) -> None:
        """The faults that do not fit one reply: they hold or break the connection."""
        self.close_connection = True
        stopping = self.server.stopping
        if fault.kind == "hang":
            stopping.wait(HANG_LIMIT_S)
            return
        if fault.kind == "bomb":
            body = gzip_bomb(fault.size)
            head = (
                f"{self.protocol_version} 200 OK\r\nContent-Type: application/json\r\n"
                f"Content-Encoding: gzip\r\nContent-Length: {len(body)}\r\n\r\n"
            )
            self._write(head.encode("latin-1") + body)
            return
        reply = self.server.api.handle(path[len(API_PREFIX) :], query)
        raw = self._encode(reply, gzip_ok=False)
        head_end = raw.index(b"\r\n\r\n") + 4
        if fault.kind == "cut":
            self._write(raw[: head_end + max(1, (len(raw) - head_end) // 2)])
            return
        self._write(raw[:head_end])
        started = time.monotonic()
        for offset in range(head_end, len(raw)):
            if stopping.wait(1 / fault.rate) or time.monotonic() - started > HANG_LIMIT_S:
                return
            try:
                self.wfile.write(raw[offset : offset + 1])
                self.wfile.flush()
            except OSError:
                return

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_DELETE(self) -> None:
        self._handle("DELETE")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], api: StandinApi, use_gzip: bool) -> None:
        super().__init__(address, _Handler)
        self.api = api
        self.use_gzip = use_gzip
        self._faults: list[Fault] = []
        self._log: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self.stopping = threading.Event()
        self._gzipped = EncodedAnswers()

    def gzipped(self, body: bytes) -> bytes:
        """``body`` gzip-compressed, compressed once for all the times it is sent."""
        packed = self._gzipped.get(body)
        if packed is None:
            packed = gzip.compress(body, compresslevel=6)
            self._gzipped.put(body, packed)
        return packed

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up mid-answer (timeouts under test) are expected, not news."""

    def add_fault(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def pending_faults(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def take_fault(self, target: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.match is None or fault.match in target:
                    fault.count -= 1
                    if fault.count <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def record(self, entry: RecordedRequest) -> int:
        with self._lock:
            self._log.append(entry)
            return len(self._log) - 1

    def update(self, index: int, entry: RecordedRequest) -> None:
        with self._lock:
            if index < len(self._log):  # the log may have been cleared meanwhile
                self._log[index] = entry

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._log)


class StandinServer:
    """Serve studies like the real API on 127.0.0.1 in a background thread.

    Args:
        studies: a study file (any shape :func:`data.ctgov_import.read_raw_studies` reads) or a
            list of API v2 study objects.
        port: 0 picks a free port.
        gzip: compress JSON answers for clients that accept it, as the live host does.

    >>> with StandinServer("studies.jsonl") as server:  # doctest: +SKIP
    ...     CtgovClient(base_url=server.base_url).search(SearchParams(cond="breast cancer"))
    """

    def __init__(
        self,
        studies: str | Path | Sequence[Mapping[str, Any]],
        port: int = 0,
        *,
        host: str = "127.0.0.1",
        api_version: str = DEFAULT_API_VERSION,
        data_timestamp: str = DEFAULT_DATA_TIMESTAMP,
        gzip: bool = True,
    ) -> None:
        records = read_raw_studies(studies) if isinstance(studies, str | Path) else list(studies)
        self.api = StandinApi(records, api_version=api_version, data_timestamp=data_timestamp)
        self._server = _Server((host, port), self.api, gzip)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def base_url(self) -> str:
        """What to give the client: ``http://127.0.0.1:<port>/api/v2``."""
        return self.url + API_PREFIX

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every API request received so far (control requests excluded), oldest first."""
        return self._server.requests

    @property
    def request_count(self) -> int:
        return len(self._server.requests)

    def clear_log(self) -> None:
        self._server.clear_log()

    def add_fault(self, kind: str, count: int = 1, **options: Any) -> None:
        """Misbehave for the next ``count`` API requests; see :class:`Fault` for the options."""
        self._server.add_fault(Fault(kind, count, **options))

    def clear_faults(self) -> None:
        self._server.clear_faults()

    def start(self) -> StandinServer:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="ctgov-standin",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        self._server.stopping.set()  # ends every hanging or dripping answer
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> StandinServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: serve a study file until interrupted."""
    parser = argparse.ArgumentParser(
        prog="python -m data.ctgov_standin",
        description="Serve a ClinicalTrials.gov study file like API v2 on 127.0.0.1.",
    )
    parser.add_argument("--studies", required=True, help="JSON, JSON array or JSON Lines of studies")
    parser.add_argument("--port", type=int, default=8765, help="port (0 = any free port)")
    parser.add_argument("--data-timestamp", default=DEFAULT_DATA_TIMESTAMP)
    parser.add_argument("--no-gzip", action="store_true", help="never compress answers")
    args = parser.parse_args(argv)
    server = StandinServer(
        args.studies, args.port, data_timestamp=args.data_timestamp, gzip=not args.no_gzip
    )
    print(
        f"Serving {len(server.api.studies)} studies at {server.base_url} (Ctrl+C to stop)",
        flush=True,
    )
    try:
        server.start()
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
