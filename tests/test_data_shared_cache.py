"""Several processes, one shared Redis cache (a real ``redis-server``), and its failures.

Skipped with a reason where Debian's ``redis-server`` is not installed; ``.ci/run`` installs it and
sets ``MBC_REQUIRE_REDIS=1`` so CI runs these instead of skipping them.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import matchers.reading_cache as reading_cache_module
from dashboard import cli
from data.models import Study
from tests.conftest import ROOT

PROFILE = ("trials", "--subtype", "hr-positive", "--sites", "bone", "--json")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    server = shutil.which("redis-server")
    if server is None:
        if os.environ.get("MBC_REQUIRE_REDIS") == "1":
            pytest.fail("redis-server is required here (MBC_REQUIRE_REDIS=1) but not installed")
        pytest.skip("Debian's redis-server is not installed (apt-get install redis-server)")
    port = _free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def run_in_process(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = cli.main(list(args))
    out = capsys.readouterr()
    return status, out.out, out.err


def test_a_second_process_sends_no_request_and_reads_no_criteria(
    redis_url: str,
    standin: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "MBC_CACHE_URL": redis_url,
        "CTGOV_BASE_URL": standin.base_url,
        "MBC_CACHE_DIR": str(tmp_path / "first"),
    }
    first = subprocess.run(
        [sys.executable, "-m", "dashboard.cli", *PROFILE],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    requests_after_first = standin.request_count
    assert requests_after_first > 0

    # The second process: its own (empty) folder, the same shared cache; reading is refused.
    monkeypatch.setenv("MBC_CACHE_URL", redis_url)
    monkeypatch.setenv("CTGOV_BASE_URL", standin.base_url)
    monkeypatch.setenv("MBC_CACHE_DIR", str(tmp_path / "second"))

    def refuse(study: Study) -> Any:
        raise AssertionError(f"{study.nct_id} was read again")

    monkeypatch.setattr(reading_cache_module, "read_trial_uncached", refuse)
    status, out, err = run_in_process(*PROFILE, capsys=capsys)
    assert status == 0, err
    assert standin.request_count == requests_after_first  # no request to the registry
    assert [json.loads(line)["nctId"] for line in out.splitlines()] == [
        json.loads(line)["nctId"] for line in first.stdout.splitlines()
    ]
    assert not (tmp_path / "second" / "ctgov_answers.sqlite").exists()


def test_the_shared_cache_holds_json_never_pickles(
    redis_url: str, standin: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import redis

    monkeypatch.setenv("MBC_CACHE_URL", redis_url)
    monkeypatch.setenv("CTGOV_BASE_URL", standin.base_url)
    assert run_in_process(*PROFILE, capsys=capsys)[0] == 0
    server = redis.Redis.from_url(redis_url)
    keys = server.keys("mbc-navigator:*")
    assert any(b":responses:" in k for k in keys) and any(b":readings:" in k for k in keys)
    for key in keys:
        value = server.get(key)
        assert value is not None
        assert isinstance(json.loads(value), dict)


def test_a_shared_cache_that_cannot_be_reached_is_one_notice_and_the_search_goes_on(
    standin: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MBC_CACHE_URL", f"redis://127.0.0.1:{_free_port()}/0")  # nobody listens
    monkeypatch.setenv("CTGOV_BASE_URL", standin.base_url)
    started = time.monotonic()
    status, out, err = run_in_process(*PROFILE, capsys=capsys)
    assert status == 0, err
    assert out.strip()  # the trials, from the registry through this computer's cache
    notices = [line for line in err.splitlines() if "shared cache" in line]
    assert len(notices) == 1, err
    assert "could not be reached (no connection)" in notices[0]
    assert "Traceback" not in err
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("value", ["http://host:6379", "redis:", "nonsense"])
def test_a_bad_cache_address_is_one_clear_line(
    value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MBC_CACHE_URL", value)
    status, _, err = run_in_process(*PROFILE, capsys=capsys)
    assert status == 2
    assert len(err.strip().splitlines()) == 1 and "MBC_CACHE_URL" in err
