"""Turn a profile into the one ClinicalTrials.gov search that fetches its candidate trials.

The search is deliberately broad (metastatic or advanced breast cancer, by status and distance)
and uses nothing personal: every finer decision (subtype, brain metastases, lines of therapy)
happens locally on the fetched records, so changing the profile re-ranks without the network and
the registry never learns more than a search for breast-cancer trials near a rounded location.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from data.ctgov_query import SearchParams, Status
from data.models import Study
from matchers.geo import haversine_miles

#: Conditions searched (``query.cond``); pan-tumor trials that list breast cancer match too.
CONDITION = "breast cancer"
#: Words that mark the metastatic setting (``query.term``); the eligibility reader decides finely.
SETTING_TERMS = (
    '(metastatic OR metastases OR metastasis OR advanced OR "stage IV" OR "stage 4" '
    "OR unresectable OR recurrent)"
)
#: One large page and, when needed, a second: enough for every recruiting MBC trial in practice.
PAGE_SIZE = 1000
MAX_PAGES = 2
RECRUITING_STATUSES: tuple[Status, ...] = (Status.RECRUITING,)
OPEN_STATUSES: tuple[Status, ...] = (Status.RECRUITING, Status.NOT_YET_RECRUITING)


def statuses_to_keep(
    *, include_not_yet_recruiting: bool, all_statuses: bool = False
) -> tuple[Status, ...]:
    """Statuses a search keeps; empty means every status."""
    if all_statuses:
        return ()
    return OPEN_STATUSES if include_not_yet_recruiting else RECRUITING_STATUSES


def build_search(
    origin: tuple[float, float] | None,
    miles: float | None,
    *,
    include_not_yet_recruiting: bool = False,
) -> SearchParams:
    """The candidate search: breast cancer, metastatic setting, open statuses, near ``origin``.

    Only the location (rounded by the client) and fixed search words leave the machine; age,
    subtype and everything else in the profile are applied locally.
    """
    geo = (origin[0], origin[1], float(miles)) if origin is not None and miles else None
    return SearchParams(
        cond=CONDITION,
        term=SETTING_TERMS,
        statuses=statuses_to_keep(include_not_yet_recruiting=include_not_yet_recruiting),
        geo=geo,
        page_size=PAGE_SIZE,
        max_pages=MAX_PAGES,
    )


def keep_statuses(studies: Iterable[Study], statuses: Sequence[Status]) -> list[Study]:
    """Studies whose overall status is one of ``statuses`` (all of them when it is empty).

    Used for studies imported from a file, where the API's status filter did not run.
    """
    if not statuses:
        return list(studies)
    wanted = {str(s) for s in statuses}
    return [s for s in studies if (s.overall_status or "").upper() in wanted]


def keep_within(studies: Iterable[Study], origin: tuple[float, float], miles: float) -> list[Study]:
    """Studies with at least one site within ``miles`` of ``origin``, like the API's geo filter."""
    lat, lon = origin
    return [
        study
        for study in studies
        if any(
            site.lat is not None
            and site.lon is not None
            and haversine_miles(lat, lon, site.lat, site.lon) <= miles
            for site in study.sites
        )
    ]
