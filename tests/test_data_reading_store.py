"""The readings store: plain SQLite, batched, compatible with the files earlier versions wrote, and
as hard to break as the file of saved answers."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from data.reading_store import TABLE, BlobFile, SQLiteBlobs, open_readings_store
from data.settings import READINGS_FILE_NAME
from data.store_file import SCHEMA_VERSION
from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[1]


def test_many_values_go_in_and_come_back_in_batches(tmp_path: Path) -> None:
    store = open_readings_store(tmp_path)
    assert store is not None
    values = {f"NCT{n:08d}|v|digest": f"reading {n}".encode() for n in range(1234)}
    store.put_many(values)
    wanted = [*values, "NCT99999999|v|digest"]  # more keys than one query binds, and one unknown
    assert store.get_many(wanted) == values
    again = open_readings_store(tmp_path)  # another process, in effect
    assert again is not None and again.get_many(["NCT00000007|v|digest"]) == {
        "NCT00000007|v|digest": b"reading 7"
    }


def test_a_value_under_a_known_key_is_replaced(tmp_path: Path) -> None:
    store = BlobFile(tmp_path / READINGS_FILE_NAME)
    store.put_many({"k": b"old"})
    store.put_many({"k": b"new", "j": b"other"})
    assert store.get_many(["k", "j"]) == {"k": b"new", "j": b"other"}


def test_a_file_written_by_requests_cache_reads_the_same(tmp_path: Path) -> None:
    """Earlier versions kept readings through requests-cache's SQLite store: those files still serve."""
    from requests_cache.backends.sqlite import SQLiteDict

    path = tmp_path / READINGS_FILE_NAME
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    old = SQLiteDict(path, table_name=TABLE, serializer=None)
    old["NCT01234567|2024-01-01|abc|def"] = b'{"nct_id": "NCT01234567"}'
    old.close()  # type: ignore[no-untyped-call]
    store = open_readings_store(tmp_path)
    assert store is not None
    assert store.get_many(["NCT01234567|2024-01-01|abc|def"]) == {
        "NCT01234567|2024-01-01|abc|def": b'{"nct_id": "NCT01234567"}'
    }
    assert store.take_notices() == []


def test_a_value_that_is_not_bytes_is_left_out(tmp_path: Path) -> None:
    blobs = SQLiteBlobs(tmp_path / "x.sqlite", TABLE, 1.0)
    blobs.put_many({"good": b"1"})
    blobs._connection.execute(f"INSERT INTO {TABLE} (key, value) VALUES ('text', 'not bytes')")
    assert blobs.get_many(["good", "text"]) == {"good": b"1"}
    blobs.close()


def test_a_damaged_file_is_set_aside_with_a_notice_and_readings_go_on(tmp_path: Path) -> None:
    path = tmp_path / READINGS_FILE_NAME
    path.write_bytes(b"this is not a database" * 100)
    store = open_readings_store(tmp_path)
    assert store is not None
    notices = store.take_notices()
    assert len(notices) == 1 and "it is damaged" in notices[0] and "set aside" in notices[0]
    store.put_many({"k": b"v"})
    assert store.get_many(["k"]) == {"k": b"v"}
    assert len(list(tmp_path.glob(f"{READINGS_FILE_NAME}.set-aside-*"))) == 1


def test_a_file_of_another_program_is_set_aside(tmp_path: Path) -> None:
    path = tmp_path / READINGS_FILE_NAME
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE readings (name TEXT)")
    store = open_readings_store(tmp_path)
    assert store is not None
    assert any("it was not made by this app" in n for n in store.take_notices())
    store.put_many({"k": b"v"})
    assert store.get_many(["k"]) == {"k": b"v"}


HOLD_LOCK = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(60)
"""


def test_a_file_locked_by_another_program_costs_one_bounded_wait(tmp_path: Path) -> None:
    path = tmp_path / READINGS_FILE_NAME
    store = BlobFile(path, lock_wait=0.3)
    store.put_many({"k": b"v"})
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        store.put_many({"j": b"w"})
        elapsed = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert elapsed < 2.0  # one bounded wait, then the file is set aside
    assert any("another program kept it locked" in n for n in store.take_notices())
    store.put_many({"j": b"w"})  # the new file takes writes
    assert store.get_many(["j"]) == {"j": b"w"}


def test_a_folder_that_cannot_be_made_means_no_store(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    assert open_readings_store(blocker / "cache") is None


SECOND_RUN = """
import io, contextlib, json, sys
from dashboard import cli
with contextlib.redirect_stdout(io.StringIO()) as out:
    status = cli.main(sys.argv[1:])
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("requests", "requests_cache", "redis")
                or m in ("matchers.eligibility", "matchers.criteria_tree", "matchers.reader.sentence"))
print(json.dumps({"status": status, "lines": len(out.getvalue().splitlines()), "loaded": loaded}))
"""


def test_a_second_process_matching_a_file_loads_neither_the_reader_nor_the_http_stack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What makes a warm command cheap: every reading comes from the store, so the reader's patterns
    are never compiled, and a file of studies needs no HTTP client or cache library."""
    monkeypatch.setenv("MBC_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("MBC_CACHE_URL", raising=False)
    args = [
        "trials", "--subtype", "hr-positive", "--sites", "bone",
        "--studies", str(FIXTURES / "ctgov_breast_studies.json"), "--all-statuses", "--json",
    ]  # fmt: skip

    def run() -> dict[str, object]:
        done = subprocess.run(
            [sys.executable, "-c", SECOND_RUN, *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        result: dict[str, object] = json.loads(done.stdout)
        return result

    first, second = run(), run()
    assert first["status"] == second["status"] == 0
    assert first["lines"] == second["lines"] and isinstance(first["lines"], int) and first["lines"] > 0
    assert "matchers.eligibility" in first["loaded"]  # type: ignore[operator]  # it had to read
    assert second["loaded"] == []
