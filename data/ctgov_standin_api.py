"""The request logic of the local ClinicalTrials.gov stand-in, free of HTTP (see ``ctgov_standin``).

It checks parameters as the real API v2 does (plain-text 400 answers worded like the real ones),
finds matching studies with the Essie subset of :mod:`data.ctgov_essie`, pages them with opaque
tokens and prunes them to the requested fields.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from data.ctgov_essie import (
    SEARCH_AREAS,
    STATUS_VALUES,
    Document,
    EssieError,
    Node,
    check_enums,
    evaluate,
    parse,
)
from data.ctgov_fields import PIECE_PATHS, UnknownField, field_path, prune_study
from data.models import canonical_nct

API_PREFIX = "/api/v2"
DEFAULT_API_VERSION = "2.0.5"
DEFAULT_DATA_TIMESTAMP = "2026-09-04T09:00:06"

# parameter -> (label used in error messages, default search area)
QUERY_PARAMETERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "query.cond": ("Conditions or disease", SEARCH_AREAS["ConditionSearch"]),
    "query.term": ("Other terms", SEARCH_AREAS["BasicSearch"]),
    "query.locn": ("Location terms", SEARCH_AREAS["LocationSearch"]),
    "query.titles": ("Title / acronym", SEARCH_AREAS["TitleSearch"]),
    "query.intr": ("Intervention / treatment", SEARCH_AREAS["InterventionSearch"]),
    "query.outc": ("Outcome measure", SEARCH_AREAS["OutcomeSearch"]),
    "query.spons": ("Sponsor / collaborator", SEARCH_AREAS["SponsorSearch"]),
    "query.lead": ("Lead sponsor", ("LeadSponsorName",)),
    "query.id": ("Study IDs", SEARCH_AREAS["IdSearch"]),
    "query.patient": ("Patient", SEARCH_AREAS["PatientSearch"]),
}
_FILTERS = ("overallStatus", "geo", "ids", "advanced", "synonyms")
SEARCH_PARAMETERS = frozenset(
    {
        "format",
        "markupFormat",
        *QUERY_PARAMETERS,
        *(f"filter.{name}" for name in _FILTERS),
        *(f"postFilter.{name}" for name in _FILTERS),
        "aggFilters",
        "geoDecay",
        "fields",
        "sort",
        "countTotal",
        "pageSize",
        "pageToken",
    }
)
STUDY_PARAMETERS = frozenset({"format", "markupFormat", "fields"})
_PAGING = frozenset({"countTotal", "pageSize", "pageToken"})

GEO_PATTERN = re.compile(r"^distance\((-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?),(\d+(?:\.\d+)?)(km|mi)?\)$")
_SORT_ITEM = re.compile(r"^(@relevance|[A-Za-z][A-Za-z0-9.]*)(:(asc|desc))?$")
_SPLIT = re.compile(r"[,|]")
_EARTH_RADIUS = {"mi": 3958.7613, "km": 6371.0088}

ANSWER_CACHE_BYTES = 256 * 1024 * 1024
"""Most bytes of encoded answers the stand-in keeps (the least recently used are dropped)."""

HTML_404 = (
    b"<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n"
    b"<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)


class BadRequest(Exception):
    """Answered as a plain-text 400, the way the real service reports request errors."""


@dataclass
class Reply:
    """What the API logic decided to send; the HTTP layer only encodes it."""

    status: int
    body: bytes
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, value: Any) -> Reply:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        return cls(200, text.encode("utf-8"))

    @classmethod
    def text(cls, status: int, message: str) -> Reply:
        return cls(status, message.encode("utf-8"), "text/plain;charset=UTF-8")


def _split(value: str) -> list[str]:
    return [item.strip() for item in _SPLIT.split(value) if item.strip()]


def _distance(lat1: float, lon1: float, lat2: float, lon2: float, unit: str) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS[unit] * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class _Geo:
    lat: float
    lon: float
    radius: float
    unit: str

    def matches(self, doc: Document) -> bool:
        for point in doc.values("LocationGeoPoint"):
            if not isinstance(point, Mapping):
                continue
            lat, lon = point.get("lat"), point.get("lon")
            if (
                isinstance(lat, int | float)
                and isinstance(lon, int | float)
                and _distance(self.lat, self.lon, float(lat), float(lon), self.unit) <= self.radius
            ):
                return True
        return False


class EncodedAnswers:
    """Encoded answers by their full request (path and query), within a byte budget.

    Why: encoding a page of a thousand whole records as JSON takes longer than the client takes to
    read it, and tests and benches ask for the same pages again and again; the records never
    change while the stand-in runs, so each answer is encoded once.
    """

    def __init__(self, limit_bytes: int = ANSWER_CACHE_BYTES) -> None:
        self.limit_bytes = limit_bytes
        self.hits = 0
        self._answers: OrderedDict[Any, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._answers)

    def get(self, key: Any) -> bytes | None:
        with self._lock:
            body = self._answers.get(key)
            if body is not None:
                self._answers.move_to_end(key)
                self.hits += 1
            return body

    def put(self, key: Any, body: bytes) -> None:
        if len(body) > self.limit_bytes:
            return
        with self._lock:
            previous = self._answers.pop(key, None)
            self._size -= len(previous) if previous is not None else 0
            self._answers[key] = body
            self._size += len(body)
            while self._size > self.limit_bytes:
                _, dropped = self._answers.popitem(last=False)
                self._size -= len(dropped)


class StandinApi:
    """The request logic, free of HTTP, so it can be reasoned about and reused."""

    def __init__(
        self,
        studies: Sequence[Mapping[str, Any]],
        *,
        api_version: str = DEFAULT_API_VERSION,
        data_timestamp: str = DEFAULT_DATA_TIMESTAMP,
    ) -> None:
        self.api_version = api_version
        self.data_timestamp = data_timestamp
        self.studies = list(studies)
        self.docs = [Document(study) for study in self.studies]
        self.by_id: dict[str, int] = {}
        self.aliases: dict[str, str] = {}
        for index, doc in enumerate(self.docs):
            for nct in doc.values("NCTId"):
                if isinstance(nct, str):
                    self.by_id.setdefault(nct.upper(), index)
        for doc in self.docs:
            ids = [v for v in doc.values("NCTId") if isinstance(v, str)]
            for alias in doc.values("NCTIdAlias"):
                if isinstance(alias, str) and ids and alias.upper() not in self.by_id:
                    self.aliases[alias.upper()] = ids[0].upper()
        self._matches: dict[str, list[int]] = {}
        self._lock = threading.Lock()
        self.answers = EncodedAnswers()

    # -- routing --------------------------------------------------------------------------------

    def handle(self, path: str, query: str) -> Reply:
        """Answer one GET below ``/api/v2`` (``path`` without the prefix).

        A JSON answer is encoded once per distinct request (:class:`EncodedAnswers`); each call
        still gets its own :class:`Reply`, so a fault that cuts an answer never cuts the kept one.
        """
        key = (path, query)
        body = self.answers.get(key)
        if body is not None:
            return Reply(200, body)
        reply = self._answer(path, query)
        if reply.status == 200 and reply.content_type == "application/json":
            self.answers.put(key, reply.body)
        return reply

    def _answer(self, path: str, query: str) -> Reply:
        try:
            params = self._params(query)
            if path == "/studies":
                return self._search(params)
            if path.startswith("/studies/") and path.count("/") == 2:
                return self._study(path.rsplit("/", 1)[1], params, query)
            if path == "/version":
                self._check_unknown(params, frozenset())
                return Reply.json({"apiVersion": self.api_version, "dataTimestamp": self.data_timestamp})
            if path == "/stats/size":
                self._check_unknown(params, frozenset())
                return Reply.json(self._size_stats())
        except BadRequest as exc:
            return Reply.text(400, str(exc))
        return Reply(404, HTML_404, "text/html")

    @staticmethod
    def _params(query: str) -> dict[str, str]:
        return dict(parse_qsl(query, keep_blank_values=True))

    @staticmethod
    def _check_unknown(params: Mapping[str, str], allowed: frozenset[str]) -> None:
        for name in params:
            if name not in allowed:
                raise BadRequest(f"`{name}` is unknown parameter")

    # -- /studies/{nctId} -----------------------------------------------------------------------

    def _study(self, raw_id: str, params: dict[str, str], query: str) -> Reply:
        self._check_unknown(params, STUDY_PARAMETERS)
        self._check_format(params)
        nct = canonical_nct(raw_id)
        if nct is None:
            raise BadRequest(f"The NCT number `{raw_id}` has incorrect format")
        if nct not in self.by_id and nct in self.aliases:
            location = f"{API_PREFIX}/studies/{self.aliases[nct]}" + (f"?{query}" if query else "")
            return Reply(301, b"", "text/plain", {"Location": location})
        index = self.by_id.get(nct)
        if index is None:
            return Reply.text(404, f"NCT number {nct} not found")
        paths = self._field_paths(params.get("fields"))
        study = self.studies[index]
        return Reply.json(prune_study(study, paths) if paths else study)

    # -- /studies -------------------------------------------------------------------------------

    @staticmethod
    def _check_format(params: Mapping[str, str]) -> None:
        fmt = params.get("format", "json")
        if fmt != "json":
            raise BadRequest(f"Format `{fmt}` is not served by the local stand-in (JSON only)")

    def _field_paths(self, value: str | None) -> list[str] | None:
        if value is None:
            return None
        items = _split(value)
        if not items:
            raise BadRequest("Parameter 'fields' must not be empty")
        paths: list[str] = []
        for item in items:
            if item == "@query":
                return None
            if item in SEARCH_AREAS:
                paths.extend(PIECE_PATHS[p] for p in SEARCH_AREAS[item])
                continue
            try:
                paths.append(field_path(item))
            except UnknownField:
                raise BadRequest(f"Parameter 'fields' contains invalid field name: '{item}'") from None
        return paths

    @staticmethod
    def _page_size(params: Mapping[str, str]) -> int:
        text = params.get("pageSize", "")
        if text == "":
            return 10
        try:
            size = int(text)
        except ValueError:
            raise BadRequest(
                "Value provided in parameter `pageSize` cannot be converted to 32-bit integer"
            ) from None
        if not -(2**31) <= size < 2**31:
            raise BadRequest(
                "Value provided in parameter `pageSize` cannot be converted to 32-bit integer"
            )
        if size < 0:
            raise BadRequest("Parameter `pageSize` must not be negative")
        return 10 if size == 0 else min(size, 1000)

    @staticmethod
    def _boolean(params: Mapping[str, str], name: str) -> bool:
        text = params.get(name, "false").lower()
        if text not in ("true", "false"):
            raise BadRequest(f"Value provided in parameter `{name}` cannot be converted to boolean")
        return text == "true"

    @staticmethod
    def _expression(text: str, label: str) -> Node | None:
        if not text.strip():
            return None
        try:
            node = parse(text)
            check_enums(node)
        except EssieError as exc:
            raise BadRequest(f"Error parsing query in {label}: {exc}") from None
        return node

    def _predicates(self, params: Mapping[str, str]) -> list[Any]:
        """Check every search parameter and turn it into a test on one study."""
        tests: list[Any] = []
        for name, (label, area) in QUERY_PARAMETERS.items():
            node = self._expression(params.get(name, ""), label)
            if node is not None:
                tests.append(lambda doc, node=node, area=area: evaluate(node, doc, area))
        for prefix in ("filter", "postFilter"):
            tests.extend(self._filters(params, prefix))
        _check_sort(params.get("sort"))
        return tests

    def _filters(self, params: Mapping[str, str], prefix: str) -> list[Any]:
        """The tests of one family of filters (``filter.*`` or ``postFilter.*``)."""
        tests: list[Any] = []
        status = params.get(f"{prefix}.overallStatus")
        if status is not None:
            wanted = _statuses(status)
            tests.append(lambda doc: any(str(v).upper() in wanted for v in doc.values("OverallStatus")))
        geo = params.get(f"{prefix}.geo")
        if geo is not None:
            tests.append(_geo_spec(geo).matches)
        ids = params.get(f"{prefix}.ids")
        if ids is not None:
            wanted_ids = _nct_ids(ids)
            tests.append(
                lambda doc: any(
                    isinstance(v, str) and v.upper() in wanted_ids
                    for v in (*doc.values("NCTId"), *doc.values("NCTIdAlias"))
                )
            )
        node = self._expression(params.get(f"{prefix}.advanced", ""), "advanced filter")
        if node is not None:
            tests.append(lambda doc: evaluate(node, doc, SEARCH_AREAS["BasicSearch"]))
        return tests

    @staticmethod
    def _signature(params: Mapping[str, str]) -> str:
        kept = sorted((k, v) for k, v in params.items() if k not in _PAGING)
        return hashlib.sha256(json.dumps(kept).encode()).hexdigest()[:16]

    def _matching(self, params: Mapping[str, str], signature: str) -> list[int]:
        with self._lock:
            cached = self._matches.get(signature)
        if cached is not None:
            return cached
        tests = self._predicates(params)
        found = [i for i, doc in enumerate(self.docs) if all(test(doc) for test in tests)]
        with self._lock:
            if len(self._matches) > 64:
                self._matches.clear()
            self._matches[signature] = found
        return found

    @staticmethod
    def _token(offset: int, signature: str) -> str:
        raw = f"{offset}:{signature}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @staticmethod
    def _read_token(token: str, signature: str) -> int:
        try:
            padded = token + "=" * (-len(token) % 4)
            offset_text, token_signature = base64.urlsafe_b64decode(padded.encode()).decode().split(":")
            offset = int(offset_text)
        except (ValueError, UnicodeDecodeError):
            raise BadRequest(f"Invalid value in parameter `pageToken`: `{token}`") from None
        if token_signature != signature or offset < 0:
            raise BadRequest(
                "Parameter `pageToken` does not belong to this query; repeat every parameter of the "
                "first page except countTotal, pageSize and pageToken"
            )
        return offset

    def _search(self, params: dict[str, str]) -> Reply:
        self._check_unknown(params, SEARCH_PARAMETERS)
        self._check_format(params)
        page_size = self._page_size(params)
        count_total = self._boolean(params, "countTotal")
        paths = self._field_paths(params.get("fields"))
        signature = self._signature(params)
        token = params.get("pageToken")
        offset = self._read_token(token, signature) if token else 0
        found = self._matching(params, signature)
        page = found[offset : offset + page_size]
        studies = [prune_study(self.studies[i], paths) if paths else self.studies[i] for i in page]
        body: dict[str, Any] = {"studies": studies}
        if offset + page_size < len(found):
            body["nextPageToken"] = self._token(offset + page_size, signature)
        if count_total and not token:
            body["totalCount"] = len(found)
        return Reply.json(body)

    # -- /stats/size ----------------------------------------------------------------------------

    def _size_stats(self) -> dict[str, Any]:
        sizes = sorted(
            (len(json.dumps(s, ensure_ascii=False, separators=(",", ":")).encode()), i)
            for i, s in enumerate(self.studies)
        )
        values = [size for size, _ in sizes]
        total = len(values)

        def percentile(p: float) -> int:
            return values[min(total - 1, int(p / 100 * total))] if total else 0

        buckets = [(0, 10), (10, 20), (20, 50), (50, 100), (100, 1_000_000)]
        ranges = [
            {
                "sizeRange": f"{lo} - {hi} kb" if hi < 1_000_000 else f"{lo} kb+",
                "studiesCount": sum(1 for v in values if lo * 1024 <= v < hi * 1024),
            }
            for lo, hi in buckets
        ]
        largest = [
            {"id": str((self.docs[i].values("NCTId") or ["?"])[0]), "sizeBytes": size}
            for size, i in reversed(sizes[-10:])
        ]
        return {
            "averageSizeBytes": sum(values) // total if total else 0,
            "largestStudies": largest,
            "percentiles": {f"{p}%": percentile(p) for p in (5, 25, 50, 75, 90, 95, 99)},
            "ranges": ranges,
            "totalStudies": total,
        }


def _statuses(value: str) -> frozenset[str]:
    wanted = set()
    for item in _split(value):
        if item.upper() not in STATUS_VALUES:
            raise BadRequest(f"Invalid value in parameter `overallStatus`: `{item}`")
        wanted.add(item.upper())
    return frozenset(wanted)


def _geo_spec(geo: str) -> _Geo:
    match = GEO_PATTERN.match(geo.strip())
    if match is None:
        raise BadRequest(
            f"Invalid value in parameter `geo`: `{geo}`; expected distance(latitude,"
            "longitude,distance) such as distance(39.0035707,-77.1013313,50mi)"
        )
    lat, lon = float(match.group(1)), float(match.group(2))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise BadRequest(f"Invalid coordinates in parameter `geo`: `{geo}`")
    return _Geo(lat, lon, float(match.group(3)), match.group(4) or "mi")


def _nct_ids(value: str) -> frozenset[str]:
    wanted = set()
    for item in _split(value):
        canonical = canonical_nct(item)
        if canonical is None:
            raise BadRequest(f"Value `{item}` in parameter `ids` has incorrect format")
        wanted.add(canonical)
    return frozenset(wanted)


def _check_sort(sort: str | None) -> None:
    if sort is None:
        return
    items = _split(sort)
    if len(items) > 2:
        raise BadRequest("Parameter `sort` accepts at most 2 items")
    for number, item in enumerate(items, start=1):
        if not _SORT_ITEM.match(item):
            raise BadRequest(f"Item {number} in parameter `sort` has incorrect format")
