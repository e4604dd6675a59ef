"""Distances between a patient's place and a study's open sites."""

from __future__ import annotations

import math
import threading
from collections import OrderedDict

from data.models import Site, Study

EARTH_RADIUS_MILES = 3958.8
#: Site statuses that mean a person could still be enrolled there; a missing status counts too,
#: because many records leave it out for sites that are open.
RECRUITING_STATUSES = frozenset({"RECRUITING", "NOT_YET_RECRUITING"})
_CACHE_SIZE = 16384

Origin = tuple[float, float]


def haversine_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in miles between two points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


def is_recruiting(site: Site) -> bool:
    return site.status is None or site.status.upper() in RECRUITING_STATUSES


_Key = tuple[str, str, int, int, float, float]
#: Each entry keeps the sites tuple it was computed for, so a recycled object id never matches.
_nearest_cache: OrderedDict[_Key, tuple[tuple[Site, ...], tuple[Site, float] | None]] = OrderedDict()
_nearest_lock = threading.Lock()


def _nearest(study: Study, origin: Origin) -> tuple[Site, float] | None:
    lat0, lon0 = origin
    best: tuple[Site, float] | None = None
    for site in study.sites:
        if site.lat is None or site.lon is None or not is_recruiting(site):
            continue
        miles = haversine_miles(lat0, lon0, site.lat, site.lon)
        if best is None or miles < best[1]:
            best = (site, miles)
    return best


def nearest_recruiting_site(study: Study, origin: Origin | None) -> tuple[Site, float] | None:
    """The closest site still recruiting, with its distance; ``None`` without an origin or site.

    Results are remembered per study version and origin, because re-ranking after a profile
    change asks again for the same studies and place.
    """
    if origin is None:
        return None
    # The sites tuple's identity stands in for its content: hashing hundreds of sites on every
    # re-rank would cost more than the distances themselves.
    key = (
        study.nct_id,
        study.version,
        id(study.sites),
        len(study.sites),
        round(origin[0], 4),
        round(origin[1], 4),
    )
    with _nearest_lock:
        cached = _nearest_cache.get(key)
        if cached is not None and cached[0] is study.sites:
            _nearest_cache.move_to_end(key)
            return cached[1]
    result = _nearest(study, origin)
    with _nearest_lock:
        _nearest_cache[key] = (study.sites, result)
        while len(_nearest_cache) > _CACHE_SIZE:
            _nearest_cache.popitem(last=False)
    return result


def first_recruiting_site(study: Study) -> Site | None:
    """A site to show when no place was given: the first open one in the record."""
    return next((site for site in study.sites if is_recruiting(site)), None)
