"""Where a trial runs, in words and as map points, with and without the patient's place.

Without a ZIP code there is no "nearest" site: the first site in a record is an accident of how the
sponsor typed it (a trial run in forty countries would show "Rosario, Argentina"). So a trial then
says how many open sites it has and in which countries; with a ZIP code it names the nearest one
and how far it is from the place the distance is measured from.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from data.models import Site, Study
from matchers.geo import is_recruiting
from matchers.verdict import TrialMatch

#: Up to this many open sites are named one by one; more are counted by country.
NAMED_SITES = 3
_COUNTRIES_NAMED = 4


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def open_sites(study: Study) -> tuple[Site, ...]:
    """The sites still recruiting (or not saying otherwise), in record order."""
    return tuple(site for site in study.sites if is_recruiting(site))


def sites_summary(study: Study) -> str:
    """ "2 open sites: Boston, Massachusetts, United States; Toronto, Canada" or
    "14 open sites in 3 countries: United States (10), Canada (3), France (1)"."""
    sites = open_sites(study)
    if not sites:
        if study.sites:
            return f"No site is recruiting now ({_count(len(study.sites), 'site')} listed)"
        return "The record lists no sites"
    if len(sites) <= NAMED_SITES:
        places = "; ".join(dict.fromkeys(site.place for site in sites))
        return f"{_count(len(sites), 'open site')}: {places}"
    countries = Counter(site.country or "country not given" for site in sites)
    shown = ", ".join(f"{name} ({n:,})" for name, n in countries.most_common(_COUNTRIES_NAMED))
    more = len(countries) - _COUNTRIES_NAMED
    if more > 0:
        shown += f" and {more:,} more {'country' if more == 1 else 'countries'}"
    where = "in 1 country" if len(countries) == 1 else f"in {len(countries):,} countries"
    return f"{_count(len(sites), 'open site')} {where}: {shown}"


def nearest_site_words(match: TrialMatch) -> str | None:
    """ "Dana-Farber, Boston, Massachusetts, United States — about 3 miles away", or ``None``
    when no distance was measured (no ZIP code, or no site with a map position)."""
    site = match.nearest_site
    if site is None or match.distance_miles is None:
        return None
    line = ", ".join(p for p in (site.facility, site.place) if p)
    return f"{line} — about {match.distance_miles:,.0f} miles away"


def where_it_runs(match: TrialMatch, study: Study) -> str:
    """The nearest open site with its distance when one was measured, else the open sites."""
    return nearest_site_words(match) or sites_summary(study)


@dataclass(frozen=True, slots=True)
class PlacePoint:
    """One place on a map and the trials that have an open site there."""

    lat: float
    lon: float
    label: str
    trials: int


def site_points(
    matches: Sequence[TrialMatch], studies: dict[str, Study], *, nearest_only: bool
) -> list[PlacePoint]:
    """Map points for the trials shown: each trial's nearest open site (with a ZIP code) or all
    its open sites (without one). Trials with a site at the same place share one point, whose
    label names them, so one dot never hides another."""
    at: dict[tuple[float, float], list[str]] = {}
    names: dict[tuple[float, float], str] = {}
    for match in matches:
        study = studies.get(match.nct_id)
        chosen: Iterable[Site]
        if nearest_only:
            measured = match.nearest_site is not None and match.distance_miles is not None
            chosen = [match.nearest_site] if measured and match.nearest_site else []
        else:
            chosen = open_sites(study) if study is not None else ()
        for site in chosen:
            if site.lat is None or site.lon is None:
                continue
            key = (round(site.lat, 3), round(site.lon, 3))
            names.setdefault(key, ", ".join(p for p in (site.facility, site.place) if p))
            if match.nct_id not in at.setdefault(key, []):
                at[key].append(match.nct_id)
    points = []
    for (lat, lon), ids in at.items():
        listed = ", ".join(ids[:5]) + (f" and {len(ids) - 5:,} more" if len(ids) > 5 else "")
        label = f"{names[(lat, lon)]} — {_count(len(ids), 'trial')}: {listed}"
        points.append(PlacePoint(lat, lon, label, len(ids)))
    return points
