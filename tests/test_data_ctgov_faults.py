"""Nothing a misbehaving registry sends can crash, hang, poison or exhaust the client.

Each test runs the real client against the local stand-in over real HTTP, with the stand-in
misbehaving as a hostile or broken server would (issue 11's table): hang, drip, truncation, a gzip
bomb, wrong shapes, huge pages, deep nesting and huge numbers.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
import tracemalloc
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from data.ctgov_client import CtgovClient, RetryPolicy, SearchParams
from data.ctgov_standin import StandinServer
from data.errors import ApiUnavailable, InvalidResponse
from data.settings import CACHE_FILE_NAME
from data.shared_searches import SharedSearches

FIXTURE = Path(__file__).parent / "fixtures" / "ctgov_breast_studies.json"
RAW = json.loads(FIXTURE.read_text(encoding="utf-8"))["studies"]
ALL_IDS = [s["protocolSection"]["identificationModule"]["nctId"] for s in RAW]
PARAMS = SearchParams(cond="breast")


@pytest.fixture
def server() -> Iterator[StandinServer]:
    with StandinServer(FIXTURE) as running:
        yield running


def make_client(server: StandinServer, cache_dir: Path, **options: Any) -> CtgovClient:
    settings: dict[str, Any] = {
        "min_interval": 0,
        "retry": RetryPolicy(max_retries=2, backoff_base=0.01, jitter=0),
        "search_deadline": 3.0,
        "request_deadline": 2.0,
        "sleep": lambda seconds: None,
    }
    settings.update(options)
    return CtgovClient(server.base_url, cache_dir, **settings)


def ids(studies: Any) -> list[str]:
    return [s.nct_id for s in studies]


def saved_copy(server: StandinServer, cache_dir: Path) -> None:
    """A good saved copy that has expired, so the next search asks the service."""
    with make_client(server, cache_dir, cache_expiry=timedelta(0)) as first:
        assert ids(first.search(PARAMS).studies) == ALL_IDS


# -- wrong shapes and wrong types ---------------------------------------------------------------


@pytest.mark.parametrize("field", ["locations", "interventions", "centralContacts"])
def test_a_record_with_a_wrong_type_is_left_out_and_counted_never_a_crash(
    server: StandinServer, tmp_path: Path, field: str
) -> None:
    bad = json.loads(json.dumps(RAW[1]))
    module = "armsInterventionsModule" if field == "interventions" else "contactsLocationsModule"
    bad["protocolSection"].setdefault(module, {})[field] = 1
    body = json.dumps({"studies": [RAW[0], bad, RAW[2]], "totalCount": 3})
    server.add_fault("json", count=1, body=body)
    with make_client(server, tmp_path) as client:
        result = client.search(PARAMS)
        assert ids(result.studies) == [ALL_IDS[0], ALL_IDS[2]]
        assert result.skipped == 1
        assert "1 record from ClinicalTrials.gov could not be read and was left out." in result.notes()
        # The answer with a bad record was not saved: once the service is healthy, all of it.
        again = client.search(PARAMS)
    assert ids(again.studies) == ALL_IDS and not again.from_cache
    assert server.request_count == 2


@pytest.mark.parametrize(
    "body",
    [
        '{"studies": {"a": 1}}',
        "{}",
        "[]",
        '{"studies": [], "totalCount": 50}',
        '{"studies": [], "nextPageToken": "abc"}',
        '{"studies": [1, 2], "totalCount": "many"}',
    ],
)
def test_a_wrong_shaped_answer_keeps_the_good_saved_copy(
    server: StandinServer, tmp_path: Path, body: str
) -> None:
    saved_copy(server, tmp_path)
    server.add_fault("json", count=5, body=body)
    with make_client(server, tmp_path, cache_expiry=timedelta(0)) as client:
        result = client.search(PARAMS)
    assert result.stale and ids(result.studies) == ALL_IDS
    server.clear_faults()
    with make_client(server, tmp_path, cache_expiry=timedelta(0)) as client:
        server.add_fault("503", count=1)  # the copy is still there, not overwritten by the bad one
        assert ids(client.search(PARAMS).studies) == ALL_IDS


def test_a_wrong_shaped_answer_without_a_copy_is_an_error_not_an_empty_list(
    server: StandinServer, tmp_path: Path
) -> None:
    server.add_fault("json", count=5, body='{"studies": {"a": 1}}')
    with make_client(server, tmp_path) as client, pytest.raises(InvalidResponse) as caught:
        client.search(PARAMS)
    assert "not in the expected shape" in str(caught.value)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ('{"studies": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
        ('{"studies": [], "totalCount": ' + "9" * 5000 + "}", "number or text"),
    ],
)
def test_deep_nesting_and_huge_numbers_are_refused_in_words(
    server: StandinServer, tmp_path: Path, body: str, words: str
) -> None:
    server.add_fault("json", count=5, body=body)
    with make_client(server, tmp_path) as client, pytest.raises(InvalidResponse) as caught:
        client.search(PARAMS)
    assert words in str(caught.value)
    assert server.request_count == 1  # the same answer would come again: no retry


# -- size ---------------------------------------------------------------------------------------


def test_a_gzip_bomb_is_refused_early_with_bounded_memory(server: StandinServer, tmp_path: Path) -> None:
    server.add_fault("bomb", count=5, size=2**31)  # 2 MB on the wire, 2 GiB expanded
    with make_client(server, tmp_path, max_answer_bytes=8 * 1024 * 1024) as client:
        tracemalloc.start()
        try:
            with pytest.raises(InvalidResponse) as caught:
                client.search(PARAMS)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert "larger than the 8 MB we accept" in str(caught.value)
    assert peak < 64 * 1024 * 1024, peak
    assert (tmp_path / CACHE_FILE_NAME).stat().st_size < 100_000  # nothing was saved


def test_a_page_of_100000_studies_is_refused_and_never_saved(
    server: StandinServer, tmp_path: Path
) -> None:
    server.add_fault("many", count=5, size=100_000)
    with make_client(server, tmp_path) as client, pytest.raises(InvalidResponse) as caught:
        client.search(SearchParams(cond="breast", page_size=1000))
    assert "held 100,000 studies where at most 1,000 were asked for" in str(caught.value)
    assert (tmp_path / CACHE_FILE_NAME).stat().st_size < 100_000


def test_a_search_keeps_at_most_its_study_cap_and_says_so(server: StandinServer, tmp_path: Path) -> None:
    with make_client(server, tmp_path, max_studies=3) as client:
        result = client.search(SearchParams(cond="breast", page_size=2, max_pages=5))
    assert ids(result.studies) == ALL_IDS[:3]
    assert result.capped and result.truncated
    [note] = result.notes()
    assert note.startswith("Only the first 3 trials of 5 that matched were read")


def test_reaching_the_page_cap_is_reported(server: StandinServer, tmp_path: Path) -> None:
    with make_client(server, tmp_path) as client:
        result = client.search(SearchParams(cond="breast", page_size=2, max_pages=2))
    assert result.capped and "Only the first 4 trials of 5" in result.notes()[0]


# -- time ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["hang", "drip"])
def test_a_hung_or_dripping_server_gives_an_error_by_the_search_deadline(
    server: StandinServer, tmp_path: Path, kind: str
) -> None:
    server.add_fault(kind, count=10, rate=1.0)
    started = time.monotonic()
    with make_client(server, tmp_path) as client, pytest.raises(ApiUnavailable) as caught:
        client.search(PARAMS)
    elapsed = time.monotonic() - started
    assert "did not answer in time" in str(caught.value)
    assert 1.5 < elapsed < 3.8  # the 3 s search deadline, not one read timeout per byte


def test_a_cut_answer_is_an_error_in_words(server: StandinServer, tmp_path: Path) -> None:
    server.add_fault("cut", count=10)
    with make_client(server, tmp_path) as client, pytest.raises(InvalidResponse) as caught:
        client.search(PARAMS)
    assert "cut off" in str(caught.value)


def test_with_a_saved_copy_a_hang_shows_it_after_one_deadline_and_the_version_at_once(
    server: StandinServer, tmp_path: Path
) -> None:
    saved_copy(server, tmp_path)
    with make_client(server, tmp_path, cache_expiry=timedelta(0)) as first:
        first.data_version()
    server.add_fault("hang", count=10)
    with make_client(server, tmp_path, cache_expiry=timedelta(0)) as client:
        started = time.monotonic()
        result = client.search(PARAMS)
        searched = time.monotonic() - started
        version = client.data_version()
        both = time.monotonic() - started
    assert result.stale and ids(result.studies) == ALL_IDS
    assert version.stale
    assert searched < 2.6  # one request deadline (2 s), no retry
    assert both - searched < 0.3  # no second long wait for the version


def test_a_failure_a_moment_ago_makes_no_request_until_reset(
    server: StandinServer, tmp_path: Path
) -> None:
    server.add_fault("503", count=3)
    with make_client(server, tmp_path) as client:
        with pytest.raises(ApiUnavailable):
            client.search(PARAMS)
        asked = server.request_count
        with pytest.raises(ApiUnavailable, match="error 503"):
            client.search(PARAMS)
        assert server.request_count == asked
        client.reset_failures()
        assert ids(client.search(PARAMS).studies) == ALL_IDS


def test_a_session_stuck_on_a_search_never_holds_another_past_its_own_deadline(
    server: StandinServer, tmp_path: Path
) -> None:
    """Two dashboard sessions ask for the same search while the registry drips one byte a second."""
    server.add_fault("drip", count=10, rate=1.0)
    client = make_client(server, tmp_path, retry=RetryPolicy(max_retries=0))
    shared: SharedSearches[SearchParams, Any] = SharedSearches(ttl=3600, stale_ttl=60)
    finished: dict[str, float] = {}

    def session(name: str, delay: float) -> None:
        time.sleep(delay)
        started = time.monotonic()
        with contextlib.suppress(ApiUnavailable):  # the error itself is checked elsewhere
            shared.get(PARAMS, client.search, wait_limit=client.search_deadline)
        finished[name] = time.monotonic() - started

    threads = [threading.Thread(target=session, args=(n, d)) for n, d in (("a", 0), ("b", 1.0))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert finished["a"] < 3.6
    assert finished["b"] < 3.0  # joined a's search: waited only for what was left of it
    assert server.request_count == 1  # one request for both sessions


# -- the cache never runs code ------------------------------------------------------------------


def test_a_crafted_pickle_in_the_cache_is_never_run(server: StandinServer, tmp_path: Path) -> None:
    marker = tmp_path / "payload-ran"

    class Payload:
        def __reduce__(self) -> tuple[Any, ...]:
            return (Path.touch, (marker,))

    import pickle

    crafted = pickle.dumps(Payload())
    with make_client(server, tmp_path) as client:
        client.search(PARAMS)
    with sqlite3.connect(tmp_path / CACHE_FILE_NAME) as db:  # every stored value becomes the pickle
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall():
            for column in [row[1] for row in db.execute(f"PRAGMA table_info({table})")]:
                if column == "key":
                    continue
                db.execute(
                    f"UPDATE {table} SET {column} = ? WHERE typeof({column}) IN ('blob', 'text')",
                    (crafted,),
                )
            assert db.execute(f"SELECT count(*) FROM {table} WHERE value = ?", (crafted,)).fetchone()[0]
    with make_client(server, tmp_path) as client:
        result = client.search(PARAMS)
    assert not marker.exists()
    assert ids(result.studies) == ALL_IDS  # asked the service again
    assert server.request_count == 2
