"""Streamlit caching around the trial search and ranking, so a rerun never refetches or rereads.

Search results are shared by every session of the process, not copied (their records are frozen),
because copying 1,000 studies on every rerun would cost more than the page's whole time budget;
:class:`data.shared_searches.SharedSearches` holds them so that a session joining a search already
under way waits no longer than its own deadline.
Ranking is memoized per profile; the reading of each study's criteria is cached inside the matcher.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import streamlit as st

from data.ctgov_client import CtgovClient, DataVersion, SearchParams, SearchResult
from data.errors import ApiUnavailable, CtgovError
from data.geocode import UnknownZipError, geocode_zip
from data.models import Study
from data.shared_searches import SharedSearches, StillWaiting
from matchers.eligibility import ReadingCache
from matchers.profile import PatientProfile
from matchers.ranking import rank_trials
from matchers.shortlist import trial_data_note
from matchers.trial_query import build_search
from matchers.verdict import TrialMatch

SEARCH_TTL_S = 3600
STALE_TTL_S = 60
"""A saved copy shown after a failure is kept briefly, so the registry is asked again soon."""


@dataclass(frozen=True)
class TrialResults:
    """A ranked search for one profile, with where its data came from."""

    matches: tuple[TrialMatch, ...]
    studies: dict[str, Study]
    result: SearchResult
    data_note: str


@st.cache_resource(show_spinner=False)
def client() -> CtgovClient:
    """One client per server process (it holds the HTTP session and the on-disk cache)."""
    return CtgovClient()


@st.cache_resource(show_spinner=False)
def reading_cache() -> ReadingCache:
    return ReadingCache()


@st.cache_resource(show_spinner=False)
def _searches() -> SharedSearches[SearchParams, SearchResult]:
    return SharedSearches(ttl=SEARCH_TTL_S, stale_ttl=STALE_TTL_S)


def search(params: SearchParams) -> SearchResult:
    """The candidate trials, shared by every session; a failure raises and is not kept.

    A session never waits for another session's identical search longer than its own deadline.
    """
    registry = client()
    try:
        return _searches().get(params, registry.search, wait_limit=registry.search_deadline)
    except StillWaiting:
        raise ApiUnavailable(registry.host, "it did not answer in time") from None


def notices() -> list[str]:
    """Notices about the saved-results file (set aside...), each shown once."""
    try:
        return client().take_notices()
    except CtgovError:
        return []


@st.cache_resource(ttl=SEARCH_TTL_S, show_spinner=False)
def data_version() -> DataVersion | None:
    """The registry's data version, or None when it cannot be read (the page still works)."""
    try:
        return client().data_version()
    except CtgovError:
        return None


def origin_for(profile: PatientProfile) -> tuple[tuple[float, float] | None, str | None]:
    """The ZIP code's place, or a message saying why it cannot be used."""
    if profile.zip_code is None:
        return None, None
    try:
        place = geocode_zip(profile.zip_code)
    except UnknownZipError as error:
        return None, str(error)
    return (place.lat, place.lon), None


@st.cache_resource(max_entries=32, show_spinner=False)
def _rank(
    profile: PatientProfile, _result: SearchResult, result_key: str, origin: tuple[float, float] | None
) -> tuple[TrialMatch, ...]:
    return tuple(rank_trials(profile, _result.studies, origin, cache=reading_cache()))


def fetch(
    profile: PatientProfile, origin: tuple[float, float] | None, *, include_not_yet_recruiting: bool
) -> SearchResult:
    """The candidate trials for this location and status choice (cached). Raises ``CtgovError``."""
    params: SearchParams = build_search(
        origin, profile.travel_miles, include_not_yet_recruiting=include_not_yet_recruiting
    )
    return search(params)


def ranked(
    profile: PatientProfile, result: SearchResult, origin: tuple[float, float] | None
) -> TrialResults:
    """Judge and order the fetched trials for this profile (memoized per profile and search)."""
    key = f"{result.query_url}|{result.fetched_at.isoformat()}|{len(result.studies)}"
    matches = _rank(profile, result, key, origin)
    version = data_version()
    stale_hours = result.stale_age.total_seconds() / 3600 if result.stale_age is not None else None
    note = trial_data_note(
        source="ClinicalTrials.gov",
        fetched_at=result.fetched_at,
        data_timestamp=version.data_timestamp if version else None,
        stale_hours=stale_hours,
    )
    return TrialResults(matches, {s.nct_id: s for s in result.studies}, result, note)


def results_for(
    profile: PatientProfile, origin: tuple[float, float] | None, *, include_not_yet_recruiting: bool
) -> TrialResults:
    """Fetch and rank in one step. Raises ``CtgovError``."""
    result = fetch(profile, origin, include_not_yet_recruiting=include_not_yet_recruiting)
    return ranked(profile, result, origin)


def age_text(moment: datetime) -> str:
    """'3 hours ago' style text for when results were fetched."""
    minutes = max(0, int((datetime.now(UTC) - moment).total_seconds() // 60))
    if minutes < 2:
        return "just now"
    if minutes < 120:
        return f"{minutes} minutes ago"
    hours = minutes // 60
    return f"{hours} hours ago" if hours < 48 else f"{hours // 24} days ago"
