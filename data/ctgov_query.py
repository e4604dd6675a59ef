"""What a trial search asks ClinicalTrials.gov for, and how it becomes URL parameters."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from data.ctgov_fields import STUDY_FIELDS
from data.errors import InvalidSearch
from data.models import canonical_nct
from data.settings import DEFAULT_MAX_PAGES, DEFAULT_PAGE_SIZE, GEO_DECIMALS, MAX_PAGE_SIZE


class Status(StrEnum):
    """Overall recruitment status of a study, as the API spells it (``filter.overallStatus``)."""

    ACTIVE_NOT_RECRUITING = "ACTIVE_NOT_RECRUITING"
    COMPLETED = "COMPLETED"
    ENROLLING_BY_INVITATION = "ENROLLING_BY_INVITATION"
    NOT_YET_RECRUITING = "NOT_YET_RECRUITING"
    RECRUITING = "RECRUITING"
    SUSPENDED = "SUSPENDED"
    TERMINATED = "TERMINATED"
    WITHDRAWN = "WITHDRAWN"
    AVAILABLE = "AVAILABLE"
    NO_LONGER_AVAILABLE = "NO_LONGER_AVAILABLE"
    TEMPORARILY_NOT_AVAILABLE = "TEMPORARILY_NOT_AVAILABLE"
    APPROVED_FOR_MARKETING = "APPROVED_FOR_MARKETING"
    WITHHELD = "WITHHELD"
    UNKNOWN = "UNKNOWN"


def round_coordinate(value: float) -> float:
    """Round a latitude or longitude to about 1 km, the most precision that may leave the machine."""
    rounded = round(float(value), GEO_DECIMALS)
    return 0.0 if rounded == 0 else rounded  # no "-0.0"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}".rstrip("0").rstrip(".")


def _text(value: str | None) -> str | None:
    if value is None:
        return None
    stripped = " ".join(value.split())
    return stripped or None


@dataclass(frozen=True)
class SearchParams:
    """One search, as plain values; only search words and a ~1 km location are ever sent.

    Attributes:
        cond: conditions (``query.cond``), e.g. ``"metastatic breast cancer"``.
        term: other words (``query.term``), Essie syntax allowed.
        locn: location words (``query.locn``), e.g. a city.
        intr: intervention or treatment words (``query.intr``).
        statuses: overall statuses to keep (``filter.overallStatus``); empty keeps all.
        geo: ``(latitude, longitude, miles)``; sent as ``filter.geo=distance(lat,lon,Nmi)`` with
            the coordinates rounded to 2 decimals by the client itself.
        advanced: an Essie expression for ``filter.advanced``, e.g. ``AREA[Phase]PHASE3``.
        ids: NCT numbers to keep (``filter.ids``), e.g. the starred trials fetched by number.
        fields: pieces to fetch (``fields``); empty fetches whole records.
        page_size: studies per page, 1 to 1,000.
        max_pages: the most pages to follow; more pages beyond it mark the result truncated.
    """

    cond: str | None = None
    term: str | None = None
    locn: str | None = None
    intr: str | None = None
    statuses: tuple[Status, ...] = ()
    geo: tuple[float, float, float] | None = None
    advanced: str | None = None
    ids: tuple[str, ...] = ()
    fields: tuple[str, ...] = STUDY_FIELDS
    page_size: int = DEFAULT_PAGE_SIZE
    max_pages: int = DEFAULT_MAX_PAGES

    def __post_init__(self) -> None:
        try:
            statuses = tuple(Status(str(s).strip().upper()) for s in self.statuses)
        except ValueError as exc:
            raise InvalidSearch(f"Unknown study status in the search: {exc}") from None
        object.__setattr__(self, "statuses", statuses)
        object.__setattr__(self, "fields", tuple(self.fields))
        ids = tuple(canonical_nct(str(i)) for i in self.ids)
        if any(i is None for i in ids):
            raise InvalidSearch("A trial number in the search is not an NCT number.")
        object.__setattr__(self, "ids", tuple(dict.fromkeys(i for i in ids if i)))
        if not isinstance(self.page_size, int) or not 1 <= self.page_size <= MAX_PAGE_SIZE:
            raise InvalidSearch(f"The page size must be between 1 and {MAX_PAGE_SIZE}.")
        if not isinstance(self.max_pages, int) or self.max_pages < 1:
            raise InvalidSearch("The search must be allowed at least one page.")
        if self.geo is not None:
            if len(self.geo) != 3:
                raise InvalidSearch("A location filter needs latitude, longitude and miles.")
            lat, lon, miles = (float(v) for v in self.geo)
            if not all(math.isfinite(v) for v in (lat, lon, miles)):
                raise InvalidSearch("The location filter holds a value that is not a number.")
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise InvalidSearch("The location filter's coordinates are out of range.")
            if miles <= 0:
                raise InvalidSearch("The travel distance must be more than 0 miles.")
            object.__setattr__(self, "geo", (lat, lon, miles))

    @property
    def geo_filter(self) -> str | None:
        """``distance(lat,lon,Nmi)`` with coordinates rounded to ~1 km, or ``None``."""
        if self.geo is None:
            return None
        lat, lon, miles = self.geo
        decimals = GEO_DECIMALS
        return (
            f"distance({round_coordinate(lat):.{decimals}f},{round_coordinate(lon):.{decimals}f},"
            f"{_number(miles)}mi)"
        )

    def to_query(self) -> dict[str, str]:
        """The parameters every page repeats (paging parameters are added by the client)."""
        query: dict[str, str] = {}
        for name, value in (
            ("query.cond", self.cond),
            ("query.term", self.term),
            ("query.locn", self.locn),
            ("query.intr", self.intr),
        ):
            text = _text(value)
            if text:
                query[name] = text
        if self.statuses:
            query["filter.overallStatus"] = "|".join(s.value for s in self.statuses)
        geo = self.geo_filter
        if geo:
            query["filter.geo"] = geo
        advanced = _text(self.advanced)
        if advanced:
            query["filter.advanced"] = advanced
        if self.ids:
            query["filter.ids"] = ",".join(self.ids)
        if self.fields:
            query["fields"] = ",".join(self.fields)
        return query
