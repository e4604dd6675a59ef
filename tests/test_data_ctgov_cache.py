"""A damaged, foreign, unreadable or locked cache file never stops a search (real SQLite files)."""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from data.ctgov_cache import AnswerCache
from data.ctgov_client import CtgovClient, SearchParams
from data.ctgov_standin import StandinServer
from data.settings import CACHE_FILE_NAME, LEGACY_CACHE_FILE_NAME

FIXTURE = Path(__file__).parent / "fixtures" / "ctgov_breast_studies.json"
ALL_IDS = [
    s["protocolSection"]["identificationModule"]["nctId"]
    for s in json.loads(FIXTURE.read_text(encoding="utf-8"))["studies"]
]
PARAMS = SearchParams(cond="breast")


@pytest.fixture
def server() -> Iterator[StandinServer]:
    with StandinServer(FIXTURE) as running:
        yield running


def client_for(server: StandinServer, folder: Path, **options: Any) -> CtgovClient:
    return CtgovClient(server.base_url, folder, min_interval=0, search_deadline=5, **options)


def a_real_cache(server: StandinServer, folder: Path) -> Path:
    with client_for(server, folder) as client:
        client.search(PARAMS)
        client.search(SearchParams(cond="breast", page_size=2))
    return folder / CACHE_FILE_NAME


def random_bytes(path: Path) -> None:
    path.write_bytes(os.urandom(8192))


def truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def wrong_schema(path: Path) -> None:
    path.unlink()
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE responses (key TEXT, value TEXT)")
        db.execute("INSERT INTO responses VALUES ('a', 'b')")


def a_folder(path: Path) -> None:
    path.unlink()
    (path / "inside").mkdir(parents=True)


def a_symlink_loop(path: Path) -> None:
    path.unlink()
    path.symlink_to(path.name)  # points at itself: it cannot be opened


def a_zeroed_header(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[:100] = bytes(100)
    path.write_bytes(bytes(data))


DAMAGE: dict[str, Callable[[Path], None]] = {
    "random bytes": random_bytes,
    "truncated": truncated,
    "wrong schema": wrong_schema,
    "a folder": a_folder,
    "unreadable (a link to itself)": a_symlink_loop,
    "zeroed header": a_zeroed_header,
}


@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
def test_a_damaged_cache_is_set_aside_with_a_notice_and_the_search_goes_on(
    server: StandinServer, tmp_path: Path, damage: str
) -> None:
    path = a_real_cache(server, tmp_path)
    DAMAGE[damage](path)
    with client_for(server, tmp_path) as client:
        result = client.search(PARAMS)
    assert [s.nct_id for s in result.studies] == ALL_IDS
    [notice] = result.notices
    assert "could not be used" in notice and "set aside as ctgov_answers.sqlite.set-aside-" in notice
    assert "\n" not in notice  # one line
    assert len(list(tmp_path.glob(f"{CACHE_FILE_NAME}.set-aside-*"))) == 1
    assert path.is_file()  # a new, working file
    with client_for(server, tmp_path) as again:
        assert again.search(PARAMS).from_cache  # and it saves answers again


@pytest.mark.skipif(os.geteuid() == 0, reason="file permissions do not stop root from reading")
def test_an_unreadable_cache_file_is_set_aside(server: StandinServer, tmp_path: Path) -> None:
    path = a_real_cache(server, tmp_path)
    path.chmod(0)
    with client_for(server, tmp_path) as client:
        result = client.search(PARAMS)
    assert [s.nct_id for s in result.studies] == ALL_IDS
    assert result.notices


def test_a_cache_folder_that_cannot_be_made_gives_a_notice_and_no_cache(
    server: StandinServer, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with client_for(server, blocker / "cache") as client:
        result = client.search(PARAMS)
    assert [s.nct_id for s in result.studies] == ALL_IDS
    assert client.cache is None
    assert "cannot be used" in result.notices[0]


HOLD_LOCK = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(60)
"""


def test_a_cache_locked_by_another_program_costs_at_most_two_seconds(
    server: StandinServer, tmp_path: Path
) -> None:
    path = a_real_cache(server, tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        with client_for(server, tmp_path) as client:
            result = client.search(PARAMS)
        elapsed = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert [s.nct_id for s in result.studies] == ALL_IDS
    assert elapsed < 4.5  # one bounded wait (2 s) for the lock, then the file is set aside
    assert any("another program kept it locked" in n for n in result.notices)


def test_saved_answers_are_json_text_never_pickles(server: StandinServer, tmp_path: Path) -> None:
    path = a_real_cache(server, tmp_path)
    with sqlite3.connect(path) as db:
        values = [row[0] for row in db.execute("SELECT value FROM responses")]
    assert values
    for value in values:
        record = json.loads(value)  # requests-cache's JSON record of the response
        assert record["status_code"] == 200
        assert isinstance(json.loads(base64.b64decode(record["_content"])), dict)


def test_the_old_pickle_cache_file_is_removed_unread(server: StandinServer, tmp_path: Path) -> None:
    legacy = tmp_path / LEGACY_CACHE_FILE_NAME
    legacy.write_bytes(b"old pickles")
    with client_for(server, tmp_path) as client:
        client.search(PARAMS)
    assert not legacy.exists()


def test_the_expiry_is_applied_when_reading(server: StandinServer, tmp_path: Path) -> None:
    a_real_cache(server, tmp_path)
    cache = AnswerCache(tmp_path, timedelta(hours=24))
    assert cache.take_notices() == []
    with client_for(server, tmp_path, cache_expiry=timedelta(0)) as client:
        assert not client.search(PARAMS).from_cache  # an hour-less expiry asks again


@pytest.mark.parametrize(
    "value",
    [
        '{"status_code": 200}',  # a record without a body
        '{"_content": 5, "created_at": "not a time"}',  # a record of the wrong shape
        "[1, 2]",  # JSON that is no record at all
        "not json",
    ],
)
def test_a_saved_value_that_is_no_record_of_ours_is_dropped_and_asked_again(
    server: StandinServer, tmp_path: Path, value: str
) -> None:
    path = a_real_cache(server, tmp_path)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE responses SET value = ?", (value,))
    before = server.request_count
    with client_for(server, tmp_path) as client:
        result = client.search(PARAMS)
    assert [s.nct_id for s in result.studies] == ALL_IDS
    assert not result.from_cache and server.request_count == before + 1
    with client_for(server, tmp_path) as client:
        assert client.search(PARAMS).from_cache  # the good answer replaced it
