"""The ClinicalTrials.gov client over real HTTP against the local stand-in (never the live API)."""

from __future__ import annotations

import dataclasses
import json
import logging
import pickle
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
import requests

from data.ctgov_client import (
    STUDY_FIELDS,
    CtgovClient,
    RetryPolicy,
    SearchParams,
    SearchResult,
    Status,
)
from data.ctgov_standin import StandinServer
from data.errors import (
    ApiRequestError,
    ApiUnavailable,
    CtgovError,
    InvalidResponse,
    InvalidSearch,
    RateLimited,
    StudyNotFound,
)
from data.models import Study
from data.settings import APP_VERSION, CACHE_FILE_NAME, PROJECT_URL, USER_AGENT

FIXTURE = Path(__file__).parent / "fixtures" / "ctgov_breast_studies.json"
RAW = json.loads(FIXTURE.read_text(encoding="utf-8"))["studies"]
ALL_IDS = [s["protocolSection"]["identificationModule"]["nctId"] for s in RAW]
SENT_PARAMETERS = {
    "query.cond",
    "query.term",
    "query.locn",
    "query.intr",
    "filter.overallStatus",
    "filter.geo",
    "filter.advanced",
    "fields",
    "pageSize",
    "countTotal",
    "pageToken",
}


class Sleeps:
    """Records requested sleeps instead of sleeping, so retry tests run in milliseconds."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def server() -> Iterator[StandinServer]:
    with StandinServer(FIXTURE) as running:
        yield running


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def make_client(
    server: StandinServer, cache_dir: Path, sleeps: Sleeps, **options: object
) -> CtgovClient:
    settings: dict[str, object] = {
        "min_interval": 0,
        "retry": RetryPolicy(max_retries=3, backoff_base=0.01, jitter=0),
        "timeout": (2.0, 2.0),
        "sleep": sleeps,
    }
    settings.update(options)
    return CtgovClient(server.base_url, cache_dir, **settings)  # type: ignore[arg-type]


@pytest.fixture
def client(server: StandinServer, cache_dir: Path, sleeps: Sleeps) -> Iterator[CtgovClient]:
    with make_client(server, cache_dir, sleeps) as made:
        yield made


def _ids(result: SearchResult) -> list[str]:
    return [s.nct_id for s in result.studies]


# -- parameters and pagination ------------------------------------------------------------------


def test_first_page_sends_every_search_parameter(client: CtgovClient, server: StandinServer) -> None:
    client.search(
        SearchParams(
            cond="breast cancer",
            term="metastatic",
            statuses=(Status.RECRUITING, Status.NOT_YET_RECRUITING),
            geo=(40.0, -100.0, 3000),
            advanced="AREA[Phase]PHASE3 OR AREA[Phase]PHASE2",
            page_size=50,
        )
    )
    [request] = server.requests
    assert request.path == "/api/v2/studies"
    assert request.params == {
        "query.cond": "breast cancer",
        "query.term": "metastatic",
        "filter.overallStatus": "RECRUITING|NOT_YET_RECRUITING",
        "filter.geo": "distance(40.00,-100.00,3000mi)",
        "filter.advanced": "AREA[Phase]PHASE3 OR AREA[Phase]PHASE2",
        "fields": ",".join(STUDY_FIELDS),
        "pageSize": "50",
        "countTotal": "true",
    }


def test_later_pages_repeat_every_parameter_with_the_token(
    client: CtgovClient, server: StandinServer
) -> None:
    result = client.search(SearchParams(cond="breast", page_size=2))
    assert _ids(result) == ALL_IDS
    assert (result.total_count, result.pages_fetched, result.truncated) == (5, 3, False)
    first, *later = server.requests
    assert len(later) == 2
    common = {k: v for k, v in first.params.items() if k != "countTotal"}
    for request in later:
        assert request.params.pop("pageToken")
        assert request.params == common  # countTotal only on the first page


def test_search_stops_at_the_page_cap_and_says_so(client: CtgovClient, server: StandinServer) -> None:
    result = client.search(SearchParams(cond="breast", page_size=2, max_pages=2))
    assert _ids(result) == ALL_IDS[:4]
    assert result.truncated and not result.incomplete
    assert result.total_count == 5
    assert server.request_count == 2


def test_search_filters_reach_the_server(client: CtgovClient) -> None:
    result = client.search(SearchParams(cond="breast cancer", statuses=(Status.RECRUITING,)))
    assert _ids(result) == ["NCT09990001", "NCT09990002"]
    near_boston = client.search(SearchParams(cond="breast cancer", geo=(42.36, -71.06, 25)))
    assert _ids(near_boston) == ["NCT09990001"]


def test_studies_keep_everything_the_model_reads_except_the_long_description(
    client: CtgovClient,
) -> None:
    result = client.search(SearchParams(cond="breast"))
    for raw, study in zip(RAW, result.studies, strict=True):
        assert study == dataclasses.replace(Study.from_api(raw), detailed_description=None)


def test_field_selection_prunes_the_answer(client: CtgovClient) -> None:
    result = client.search(SearchParams(cond="breast", page_size=10))
    body = requests.get(result.query_url, timeout=5).json()
    first = body["studies"][0]
    assert set(first) == {"protocolSection", "derivedSection"}
    assert "conditionBrowseModule" not in first["derivedSection"]
    assert "orgStudyIdInfo" not in first["protocolSection"]["identificationModule"]
    assert "detailedDescription" not in first["protocolSection"]["descriptionModule"]


def test_records_without_an_nct_id_are_skipped_and_counted(cache_dir: Path, sleeps: Sleeps) -> None:
    nameless = json.loads(json.dumps(RAW[0]))
    del nameless["protocolSection"]["identificationModule"]["nctId"]
    with StandinServer([*RAW, nameless]) as server, make_client(server, cache_dir, sleeps) as c:
        result = c.search(SearchParams(cond="breast"))
    assert result.skipped == 1
    assert _ids(result) == ALL_IDS


def test_user_agent_names_the_project_and_version(client: CtgovClient, server: StandinServer) -> None:
    client.search(SearchParams(cond="breast"))
    agent = server.requests[0].user_agent
    assert agent == USER_AGENT
    assert PROJECT_URL in agent and APP_VERSION in agent


# -- cache --------------------------------------------------------------------------------------


def test_repeated_search_is_answered_from_the_cache_without_a_request(
    client: CtgovClient, server: StandinServer, cache_dir: Path
) -> None:
    params = SearchParams(cond="breast", page_size=2)
    first = client.search(params)
    assert server.request_count == 3 and not first.from_cache
    again = client.search(params)
    assert server.request_count == 3
    assert again.from_cache and not again.stale
    assert again.studies == first.studies
    assert again.fetched_at == first.fetched_at
    assert (cache_dir / CACHE_FILE_NAME).is_file()


def test_cache_is_shared_by_clients_using_the_same_folder(
    client: CtgovClient, server: StandinServer, cache_dir: Path, sleeps: Sleeps
) -> None:
    client.search(SearchParams(cond="breast"))
    with make_client(server, cache_dir, sleeps) as other:
        assert other.search(SearchParams(cond="breast")).from_cache
    assert server.request_count == 1


def test_a_different_search_is_not_served_from_the_cache(
    client: CtgovClient, server: StandinServer
) -> None:
    client.search(SearchParams(cond="breast"))
    client.search(SearchParams(cond="breast", statuses=(Status.RECRUITING,)))
    assert server.request_count == 2


@pytest.mark.parametrize("kind", ["503", "html", "truncate", "disconnect"])
def test_stale_copy_is_served_with_its_age_when_the_service_fails(
    server: StandinServer, cache_dir: Path, sleeps: Sleeps, kind: str
) -> None:
    later = datetime.now(UTC) + timedelta(hours=30)
    params = SearchParams(cond="breast")
    with make_client(server, cache_dir, sleeps, cache_expiry=timedelta(0)) as first:
        fresh = first.search(params)
    server.add_fault(kind, count=10)
    with make_client(server, cache_dir, sleeps, now=lambda: later) as second:
        result = second.search(params)
    assert result.stale and result.from_cache
    assert result.studies == fresh.studies
    assert result.fetched_at == fresh.fetched_at
    assert result.stale_age is not None
    assert timedelta(hours=29, minutes=59) < result.stale_age < timedelta(hours=30, minutes=1)
    assert server.request_count == 1 + 1  # the original fetch, then one try: no retries with a copy


def test_stale_copy_is_served_when_the_service_is_down(cache_dir: Path, sleeps: Sleeps) -> None:
    params = SearchParams(cond="breast")
    with StandinServer(FIXTURE) as server:
        base_url = server.base_url
        with make_client(server, cache_dir, sleeps, cache_expiry=timedelta(0)) as c:
            c.search(params)
    expired = CtgovClient(base_url, cache_dir, min_interval=0, sleep=sleeps, cache_expiry=timedelta(0))
    result = expired.search(params)
    assert result.stale and _ids(result) == ALL_IDS


def test_html_or_cut_off_answers_never_replace_a_good_saved_copy(
    server: StandinServer, cache_dir: Path, sleeps: Sleeps
) -> None:
    params = SearchParams(cond="breast")
    with make_client(server, cache_dir, sleeps, cache_expiry=timedelta(0)) as c:
        c.search(params)
        for kind in ("html", "truncate", "json", "cut"):
            server.add_fault(kind, count=1, body='{"studies": {"a": 1}}')
            c.reset_failures()  # as a retry button does; else the client waits a moment
            result = c.search(params)
            assert result.stale and _ids(result) == ALL_IDS, kind
        c.reset_failures()
        again = c.search(params)
        assert _ids(again) == ALL_IDS and not again.stale  # the service is back: a fresh answer
    assert server.requests[-1].fault is None


# -- retries and faults -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["429", "500", "502", "503", "504", "html", "truncate", "disconnect"])
def test_transient_faults_are_retried_until_success(
    client: CtgovClient, server: StandinServer, sleeps: Sleeps, kind: str
) -> None:
    server.add_fault(kind, count=2)
    result = client.search(SearchParams(cond="breast"))
    assert _ids(result) == ALL_IDS and not result.stale
    assert [r.fault for r in server.requests] == [kind, kind, None]
    assert sleeps.calls == [0.01, 0.02]  # exponential backoff, jitter off for the test


def test_retry_after_in_seconds_is_honoured(
    client: CtgovClient, server: StandinServer, sleeps: Sleeps
) -> None:
    server.add_fault("429", count=1, retry_after="3")
    client.search(SearchParams(cond="breast"))
    assert sleeps.calls == [3.0]


def test_retry_after_as_an_http_date_is_honoured(
    client: CtgovClient, server: StandinServer, sleeps: Sleeps
) -> None:
    when = datetime.now(UTC) + timedelta(seconds=5)
    server.add_fault("503", count=1, retry_after=format_datetime(when, usegmt=True))
    client.search(SearchParams(cond="breast"))
    [wait] = sleeps.calls
    assert 3.0 < wait <= 5.0


def test_retry_after_beyond_the_wait_cap_gives_up_at_once(
    client: CtgovClient, server: StandinServer, sleeps: Sleeps
) -> None:
    server.add_fault("429", count=5, retry_after="600")
    with pytest.raises(RateLimited) as caught:
        client.search(SearchParams(cond="breast"))
    assert sleeps.calls == [] and server.request_count == 1
    assert "busy" in str(caught.value)


def test_jittered_backoff_stays_within_its_bounds(
    server: StandinServer, cache_dir: Path, sleeps: Sleeps
) -> None:
    policy = RetryPolicy(max_retries=3, backoff_base=1.0, jitter=0.25)
    server.add_fault("503", count=3)
    with make_client(server, cache_dir, sleeps, retry=policy) as c:
        c.search(SearchParams(cond="breast"))
    for wait, base in zip(sleeps.calls, (1.0, 2.0, 4.0), strict=True):
        assert base <= wait <= base * 1.25


def test_slow_reply_times_out_and_is_retried(
    server: StandinServer, cache_dir: Path, sleeps: Sleeps
) -> None:
    server.add_fault("slow", count=1, delay=1.0)
    with make_client(server, cache_dir, sleeps, timeout=(1.0, 0.2)) as c:
        result = c.search(SearchParams(cond="breast"))
    assert _ids(result) == ALL_IDS
    assert [r.fault for r in server.requests] == ["slow", None]


def test_a_hung_service_is_given_up_on_after_the_elapsed_cap(
    server: StandinServer, cache_dir: Path, sleeps: Sleeps
) -> None:
    server.add_fault("slow", count=10, delay=1.0)
    policy = RetryPolicy(max_retries=5, backoff_base=0.01, jitter=0, max_elapsed=0.3)
    client = make_client(server, cache_dir, sleeps, retry=policy, timeout=(1.0, 0.2))
    with pytest.raises(ApiUnavailable, match="did not answer in time"):
        client.search(SearchParams(cond="breast"))
    assert server.request_count == 2


def test_clear_cache_forgets_saved_searches(client: CtgovClient, server: StandinServer) -> None:
    client.search(SearchParams(cond="breast"))
    client.clear_cache()
    assert not client.search(SearchParams(cond="breast")).from_cache
    assert server.request_count == 2


def test_exhausted_retries_without_a_saved_copy_explain_what_to_do(
    client: CtgovClient, server: StandinServer
) -> None:
    server.add_fault("503", count=10)
    with pytest.raises(ApiUnavailable) as caught:
        client.search(SearchParams(cond="breast"))
    message = str(caught.value)
    assert client.host in message and "error 503" in message
    assert "No saved copy of this search" in message
    assert "mbc-navigator trials --studies FILE" in message
    assert server.request_count == 4


@pytest.mark.parametrize(
    ("kind", "error", "words"),
    [
        ("429", RateLimited, "too many requests"),
        ("html", InvalidResponse, "web page"),
        ("truncate", InvalidResponse, "not valid JSON"),
        ("disconnect", ApiUnavailable, "closed"),
    ],
)
def test_each_exhausted_fault_gives_a_clear_error(
    client: CtgovClient, server: StandinServer, kind: str, error: type[CtgovError], words: str
) -> None:
    server.add_fault(kind, count=10)
    with pytest.raises(error) as caught:
        client.search(SearchParams(cond="breast"))
    assert words in str(caught.value)
    assert isinstance(caught.value, CtgovError)


def test_unreachable_service_names_the_host_and_the_offline_import(
    cache_dir: Path, sleeps: Sleeps
) -> None:
    with StandinServer(FIXTURE) as server:
        base_url = server.base_url
    client = CtgovClient(base_url, cache_dir, min_interval=0, sleep=sleeps)
    with pytest.raises(ApiUnavailable) as caught:
        client.search(SearchParams(cond="breast"))
    assert "connection was refused" in str(caught.value)
    assert "mbc-navigator trials --studies FILE" in str(caught.value)
    assert len(sleeps.calls) == client.retry.max_retries


def test_a_failing_later_page_keeps_the_pages_already_fetched(
    client: CtgovClient, server: StandinServer
) -> None:
    server.add_fault("503", count=10, match="pageToken")
    result = client.search(SearchParams(cond="breast", page_size=2))
    assert _ids(result) == ALL_IDS[:2]
    assert result.incomplete and result.truncated


def test_a_400_is_not_retried_and_its_text_is_shown(
    client: CtgovClient, server: StandinServer, sleeps: Sleeps
) -> None:
    with pytest.raises(ApiRequestError) as caught:
        client.search(SearchParams(cond="breast", advanced="AREA[Phase]PHASE9"))
    assert caught.value.status == 400
    assert "Allowed values for enum field `protocolSection.designModule.phases`" in str(caught.value)
    assert caught.value.detail.startswith("Error parsing query in advanced filter")
    assert server.request_count == 1 and sleeps.calls == []


def test_wrong_base_url_is_reported_as_unavailable(cache_dir: Path, sleeps: Sleeps) -> None:
    with StandinServer(FIXTURE) as server:
        client = CtgovClient(server.url + "/api/v9", cache_dir, min_interval=0, sleep=sleeps)
        with pytest.raises(ApiUnavailable, match="error 404"):
            client.search(SearchParams(cond="breast"))
        assert server.request_count == 1


# -- single study and version -------------------------------------------------------------------


def test_get_study_returns_the_full_study(client: CtgovClient, server: StandinServer) -> None:
    study = client.get_study(" nct9990001 ")
    assert study == Study.from_api(RAW[0])
    assert study.detailed_description is not None
    assert server.requests[0].path == "/api/v2/studies/NCT09990001"


def test_get_study_follows_an_alias(client: CtgovClient) -> None:
    assert client.get_study("NCT09990012").nct_id == "NCT09990002"


def test_unknown_study_raises_study_not_found(client: CtgovClient) -> None:
    with pytest.raises(StudyNotFound, match="no study with the number NCT09999999"):
        client.get_study("NCT09999999")


def test_malformed_study_number_is_rejected_without_a_request(
    client: CtgovClient, server: StandinServer
) -> None:
    with pytest.raises(StudyNotFound, match=r"not a ClinicalTrials\.gov study number"):
        client.get_study("breast")
    assert server.request_count == 0


def test_data_version_reads_the_timestamp_as_utc(cache_dir: Path, sleeps: Sleeps) -> None:
    with (
        StandinServer(FIXTURE, data_timestamp="2026-10-01T09:00:05") as server,
        make_client(server, cache_dir, sleeps) as client,
    ):
        version = client.data_version()
    assert version.api_version == "2.0.5"
    assert version.data_timestamp == datetime(2026, 10, 1, 9, 0, 5, tzinfo=UTC)


# -- politeness, configuration, privacy ---------------------------------------------------------


def test_network_requests_are_spaced_but_cache_hits_are_not(
    server: StandinServer, cache_dir: Path, sleeps: Sleeps
) -> None:
    frozen_clock = 100.0
    with make_client(server, cache_dir, sleeps, min_interval=0.3, monotonic=lambda: frozen_clock) as c:
        c.search(SearchParams(cond="breast", page_size=2))
        assert sleeps.calls == [pytest.approx(0.3), pytest.approx(0.3)]
        c.search(SearchParams(cond="breast", page_size=2))
        assert len(sleeps.calls) == 2
        assert c.network_requests == 3


def test_base_url_and_cache_folder_come_from_the_environment(
    server: StandinServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CTGOV_BASE_URL", server.base_url)
    monkeypatch.setenv("MBC_CACHE_DIR", str(tmp_path / "from-env"))
    client = CtgovClient(min_interval=0)
    assert client.base_url == server.base_url
    client.search(SearchParams(cond="breast"))
    assert (tmp_path / "from-env" / CACHE_FILE_NAME).is_file()


def test_default_base_url_is_the_live_api(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CTGOV_BASE_URL", raising=False)
    client = CtgovClient(cache_dir=tmp_path)
    assert client.base_url == "https://clinicaltrials.gov/api/v2"
    assert client.host == "clinicaltrials.gov"
    assert client.timeout[0] > 0 and client.timeout[1] > 0


def test_only_search_words_and_a_rounded_location_leave_the_machine(
    client: CtgovClient, server: StandinServer
) -> None:
    client.search(SearchParams(cond="breast cancer", geo=(40.712776, -74.005974, 50)))
    [request] = server.requests
    assert request.params["filter.geo"] == "distance(40.71,-74.01,50mi)"
    assert set(request.params) <= SENT_PARAMETERS
    sent = " ".join(request.params.values())
    assert "40.712" not in sent and "74.0059" not in sent
    searchable = {f.name for f in dataclasses.fields(SearchParams)}
    assert not searchable & {"age", "sex", "menopausal_status", "zip_code", "ecog", "biomarkers"}


def test_nothing_the_patient_searched_for_is_logged(
    client: CtgovClient, server: StandinServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.add_fault("503", count=1)
    with caplog.at_level(logging.DEBUG):
        client.search(SearchParams(cond="zebracancer", geo=(40.712776, -74.005974, 50)))
        client.get_study("NCT09990003")
    assert caplog.records, "the client should log status codes and retries at DEBUG"
    assert "retry 1" in caplog.text and "503" in caplog.text
    assert "zebracancer" not in caplog.text
    assert "40.71" not in caplog.text and "distance" not in caplog.text
    assert "NCT09990003" not in caplog.text and "/studies/{nctId}" in caplog.text


@pytest.mark.parametrize(
    "options",
    [
        {"page_size": 0},
        {"page_size": 1001},
        {"max_pages": 0},
        {"statuses": ("OPEN",)},
        {"geo": (91.0, 0.0, 10.0)},
        {"geo": (40.0, -74.0, 0.0)},
        {"geo": (float("nan"), -74.0, 10.0)},
    ],
)
def test_invalid_search_values_are_refused_before_sending(options: dict[str, object]) -> None:
    with pytest.raises(InvalidSearch):
        SearchParams(**options)  # type: ignore[arg-type]


def test_status_strings_are_accepted_as_enum_values() -> None:
    params = SearchParams(statuses=("recruiting",))  # type: ignore[arg-type]
    assert params.statuses == (Status.RECRUITING,)
    assert params.to_query()["filter.overallStatus"] == "RECRUITING"


def test_empty_fields_fetch_whole_records(client: CtgovClient, server: StandinServer) -> None:
    result = client.search(SearchParams(cond="breast", fields=()))
    assert "fields" not in server.requests[0].params
    assert result.studies[0].detailed_description is not None


def test_results_survive_pickling_for_streamlit_caches(client: CtgovClient) -> None:
    result = client.search(SearchParams(cond="breast"))
    version = client.data_version()
    assert pickle.loads(pickle.dumps(result)) == result
    assert pickle.loads(pickle.dumps(version)) == version
    assert hash(SearchParams(cond="breast")) == hash(SearchParams(cond="breast"))
