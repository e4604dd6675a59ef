"""Streamlit caching around the trial search and ranking, so a rerun never refetches or rereads.

Search results are shared by every session of the process, not copied (their records are frozen),
because copying 1,000 studies on every rerun would cost more than the page's whole time budget;
:class:`data.shared_searches.SharedSearches` holds them so that a session joining a search already
under way waits no longer than its own deadline.
Ranking is memoized per profile; the reading of each study's criteria is cached inside the matcher.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import streamlit as st

from data.ctgov_client import CtgovClient, DataVersion, SearchParams, SearchResult
from data.ctgov_import import read_study_bytes
from data.ctgov_lookup import fetch_studies_by_id
from data.errors import ApiUnavailable, CtgovError, SettingError
from data.geocode import UnknownZipError, geocode_zip
from data.models import Study
from data.reading_store import open_readings_store
from data.settings import reading_workers_from_env
from data.shared_searches import SharedSearches, StillWaiting
from data.study_pool import StudyPool
from matchers.profile import PatientProfile
from matchers.ranking import rank_trials
from matchers.reading_cache import ReadingCache
from matchers.safe_text import age_words
from matchers.shortlist import KeptStudy, keep_records, shortlist_records, trial_data_note
from matchers.trial_query import build_search, keep_statuses, keep_within, statuses_to_keep
from matchers.verdict import TrialMatch

SEARCH_TTL_S = 3600
STALE_TTL_S = 60
"""A saved copy shown after a failure is kept briefly, so the registry is asked again soon."""


REGISTRY = "ClinicalTrials.gov"
LIVE_HOST = "clinicaltrials.gov"
#: Largest upload read (the registry's own downloads of every breast cancer trial are far smaller).
MAX_UPLOAD_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True)
class TrialResults:
    """A ranked search for one profile, with where its data came from."""

    matches: tuple[TrialMatch, ...]
    studies: dict[str, Study]
    result: SearchResult
    data_note: str
    source: str = REGISTRY


@st.cache_resource(show_spinner=False)
def client() -> CtgovClient:
    """One client per server process (it holds the HTTP session and the on-disk cache)."""
    return CtgovClient()


@st.cache_resource(show_spinner=False)
def reading_cache() -> ReadingCache:
    """One per server process, over the readings stored in the cache folder (shared by every
    process on the machine, and kept across restarts)."""
    try:
        return ReadingCache(store=open_readings_store(), workers=reading_workers_from_env())
    except SettingError:  # the trials page names the bad setting, from the client
        return ReadingCache(workers=1)


@st.cache_resource(show_spinner=False)
def _searches() -> SharedSearches[SearchParams, SearchResult]:
    return SharedSearches(ttl=SEARCH_TTL_S, stale_ttl=STALE_TTL_S)


@st.cache_resource(show_spinner=False)
def study_pool() -> StudyPool:
    """One per server process: the searches kept share each study record they have in common."""
    return StudyPool()


def search(params: SearchParams) -> SearchResult:
    """The candidate trials, shared by every session; a failure raises and is not kept.

    A session never waits for another session's identical search longer than its own deadline.
    Distinct searches that return the same studies hold one copy of each (:class:`StudyPool`).
    """
    registry = client()

    def run(wanted: SearchParams) -> SearchResult:
        result = registry.search(wanted)
        return replace(result, studies=study_pool().share(result.studies))

    try:
        return _searches().get(params, run, wait_limit=registry.search_deadline)
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


def place_name(profile: PatientProfile) -> str | None:
    """The town of the ZIP code ("Boston, MA"), to say where distances are measured from."""
    if profile.zip_code is None:
        return None
    try:
        place = geocode_zip(profile.zip_code)
    except UnknownZipError:
        return None
    return ", ".join(p for p in (place.city, place.state) if p) or None


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
    profile: PatientProfile,
    result: SearchResult,
    origin: tuple[float, float] | None,
    *,
    source: str = REGISTRY,
) -> TrialResults:
    """Judge and order the fetched trials for this profile (memoized per profile and search)."""
    key = f"{result.query_url}|{result.fetched_at.isoformat()}|{len(result.studies)}"
    matches = _rank(profile, result, key, origin)
    version = data_version() if source == REGISTRY else None
    note = trial_data_note(
        source=source,
        fetched_at=result.fetched_at,
        data_timestamp=version.data_timestamp if version else None,
        saved_age=age_text(result.fetched_at) if result.stale else None,
    )
    return TrialResults(matches, {s.nct_id: s for s in result.studies}, result, note, source=source)


def retry() -> None:
    """Forget a recent failure and any saved copy shown for it, so the registry is asked again."""
    client().reset_failures()
    _searches().forget_stale()


@dataclass(frozen=True)
class UploadedStudies:
    """Studies read from a file the user uploaded, kept in this session only."""

    name: str
    studies: tuple[Study, ...]
    read_at: datetime
    note: str | None = None

    @property
    def source(self) -> str:
        return f"the file {self.name}"


def read_upload(name: str, data: bytes) -> UploadedStudies:
    """Read an uploaded study file. Raises ``StudyFileError`` with the problem in words."""
    read = read_study_bytes(name, data, limit=MAX_UPLOAD_BYTES)
    return UploadedStudies(Path(name).name, tuple(read.studies), datetime.now(UTC), read.note)


def from_upload(
    uploaded: UploadedStudies,
    profile: PatientProfile,
    origin: tuple[float, float] | None,
    *,
    include_not_yet_recruiting: bool,
) -> SearchResult:
    """The uploaded studies filtered as the registry search would be (status, distance)."""
    statuses = statuses_to_keep(include_not_yet_recruiting=include_not_yet_recruiting)
    studies = keep_statuses(uploaded.studies, statuses)
    if origin is not None and profile.travel_miles:
        studies = keep_within(studies, origin, profile.travel_miles)
    return SearchResult(
        studies=tuple(studies),
        total_count=len(studies),
        pages_fetched=0,
        truncated=False,
        fetched_at=uploaded.read_at,
        from_cache=False,
        query_url=f"file:{uploaded.name}|{uploaded.read_at.isoformat()}|{statuses}|{origin}",
    )


def records_of(results: TrialResults) -> dict[str, KeptStudy]:
    """The results' records, each with when and where it was fetched (to keep starred ones)."""
    return keep_records(
        results.studies.values(),
        results.result.fetched_at,
        source=results.source,
        saved_copy=results.result.stale,
    )


@dataclass(frozen=True)
class StarredRecords:
    """Each starred trial's record, and why any could not be had."""

    records: dict[str, KeptStudy]
    unavailable: dict[str, str]
    fetched: dict[str, KeptStudy]


def starred_records(
    shortlist: list[str],
    current: dict[str, KeptStudy],
    kept: dict[str, KeptStudy],
    *,
    fetch: bool = True,
) -> StarredRecords:
    """The record of every starred trial: on screen, kept when starred, or fetched by number
    (one request for all of them; only the trial numbers are sent). ``fetch=False`` asks nothing
    (matching from a file, where the registry is likely out of reach: a page must not wait)."""
    plan = shortlist_records(shortlist, current, kept)
    if not plan.to_fetch:
        return StarredRecords(plan.records, {}, {})
    if not fetch:
        why = "Not in the file; its record is fetched when the packet is made."
        return StarredRecords(plan.records, dict.fromkeys(plan.to_fetch, why), {})
    try:
        found = fetch_studies_by_id(client(), plan.to_fetch)
    except CtgovError as error:
        reason = _unreachable_words(error)
        return StarredRecords(plan.records, dict.fromkeys(plan.to_fetch, reason), {})
    fetched: dict[str, KeptStudy] = {}
    for result in found.results:
        fetched.update(
            keep_records(
                [s for s in result.studies if s.nct_id in found.studies],
                result.fetched_at,
                saved_copy=result.stale,
            )
        )
    unavailable = dict.fromkeys(
        found.missing, "ClinicalTrials.gov has no trial with this number (it may have been removed)."
    )
    return StarredRecords({**plan.records, **fetched}, unavailable, fetched)


def _unreachable_words(error: CtgovError) -> str:
    if isinstance(error, ApiUnavailable):
        return f"ClinicalTrials.gov could not be reached ({error.reason})."
    return "ClinicalTrials.gov could not give its record."


def unreachable_message(error: CtgovError) -> str:
    """Why no trials can be shown, in words, without the command-line hint of the error text."""
    if isinstance(error, ApiUnavailable):
        at = "" if error.host == LIVE_HOST else f" at {error.host}"
        return (
            f"ClinicalTrials.gov{at} could not be reached ({error.reason}), and there are no "
            "saved results of this search on this computer yet."
        )
    return str(error)


def results_for(
    profile: PatientProfile, origin: tuple[float, float] | None, *, include_not_yet_recruiting: bool
) -> TrialResults:
    """Fetch and rank in one step. Raises ``CtgovError``."""
    result = fetch(profile, origin, include_not_yet_recruiting=include_not_yet_recruiting)
    return ranked(profile, result, origin)


def age_text(moment: datetime) -> str:
    """'3 hours ago' style text for when results were fetched (the page and the note agree)."""
    return age_words(datetime.now(UTC) - moment)
