"""The dashboard's launcher: the server starts, answers its health check, and warms up beside it."""

from __future__ import annotations

import os
import signal
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from dashboard import server
from tests.browser_support import SERVER_FLAGS, group_alive, running_dashboard


def test_warm_up_leaves_the_registry_client_and_readings_ready_for_the_first_run(app_env: Any) -> None:
    from dashboard import trial_data
    from data.geocode import us_outline_points

    server.warm_pages()
    server.warm_reader()
    assert "pandas" in sys.modules
    # The first run finds the very objects the warm-up made (one per server process).
    assert trial_data.client() is trial_data.client()
    assert trial_data.client().base_url == app_env.base_url
    assert trial_data.reading_cache() is trial_data.reading_cache()
    # The made-up study that warmed the reader is in no cache a user's search reads.
    assert trial_data.reading_cache().misses == 0 and trial_data.reading_cache().loaded == 0
    assert us_outline_points.cache_info().currsize == 1  # the map's outline, read once


def test_a_failing_warm_up_only_says_so_in_the_log(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(server, "warm_pages", broken)
    server.start_warming(wait_s=0.1).join(timeout=10)
    assert "warm-up stopped early: OSError" in caplog.text
    assert "disk gone" not in caplog.text  # never the error's own words (they may quote a path)


def test_the_reader_is_warmed_only_after_the_first_page_run_has_ended(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A restarted server's first page reads its studies from disk: compiling the reader beside
    it would only share the interpreter with it."""
    import threading

    from dashboard import first_run

    steps: list[str] = []
    monkeypatch.setattr(first_run, "_FINISHED", threading.Event())
    monkeypatch.setattr(server, "warm_pages", lambda: steps.append("pages"))
    monkeypatch.setattr(server, "settle_heap", lambda: steps.append("settle"))
    monkeypatch.setattr(server, "warm_reader", lambda: steps.append("reader"))
    thread = server.start_warming(wait_s=0.1, reader_wait_s=30)
    deadline = time.monotonic() + 10
    while "settle" not in steps and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)
    assert steps == ["pages", "settle"]  # the pages are ready; the reader waits for a first run
    assert server.WARM_DONE in capsys.readouterr().err
    first_run.mark_finished()
    thread.join(timeout=10)
    assert steps == ["pages", "settle", "reader"]
    assert server.READER_WARM_DONE in capsys.readouterr().err


def test_a_server_no_one_visits_warms_the_reader_after_a_while(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from dashboard import first_run

    steps: list[str] = []
    monkeypatch.setattr(first_run, "_FINISHED", threading.Event())
    monkeypatch.setattr(server, "warm_pages", lambda: None)
    monkeypatch.setattr(server, "settle_heap", lambda: None)
    monkeypatch.setattr(server, "warm_reader", lambda: steps.append("reader"))
    server.start_warming(wait_s=0.1, reader_wait_s=0.2).join(timeout=10)
    assert steps == ["reader"]


def test_the_server_answers_its_health_check_and_warms_up_beside_it(
    app_env: Any, tmp_path: Path
) -> None:
    command = [sys.executable, "-m", "dashboard.server", *SERVER_FLAGS]
    with running_dashboard(app_env.base_url, tmp_path / "app", command=command) as dashboard:
        deadline = time.monotonic() + 60
        while server.WARM_DONE not in dashboard.log_tail() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert server.WARM_DONE in dashboard.log_tail()
        assert "warm-up stopped early" not in dashboard.log_tail()
        with urllib.request.urlopen(dashboard.url + "/_stcore/health", timeout=5) as answer:
            assert answer.status == 200
        with urllib.request.urlopen(dashboard.url + "/", timeout=5) as answer:
            assert b"<title>" in answer.read()


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="process groups are POSIX")
def test_stopping_the_command_stops_the_server_it_started(app_env: Any, tmp_path: Path) -> None:
    """A supervisor stops the program it started (``mbc-navigator``): its server must stop with
    it, or it would hold the port a restart needs."""
    command = [sys.executable, "-m", "dashboard.cli", *SERVER_FLAGS]
    with running_dashboard(app_env.base_url, tmp_path / "app", command=command) as dashboard:
        dashboard.process.send_signal(signal.SIGTERM)  # the launcher only, not its group
        dashboard.process.wait(timeout=30)
        assert not group_alive(dashboard.process.pid, wait_s=15), "the server outlived its command"
        with pytest.raises(OSError):
            urllib.request.urlopen(dashboard.url + "/_stcore/health", timeout=2)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt is Linux-only")
def test_memory_pools_are_limited_unless_the_environment_already_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    assert server.limit_malloc_arenas() is True
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert server.limit_malloc_arenas() is False


def test_what_the_warm_up_loaded_is_left_out_of_later_collections() -> None:
    import gc

    try:
        server.settle_heap()
        assert gc.get_freeze_count() > 1000
    finally:
        gc.unfreeze()


def test_a_bad_reading_workers_setting_stops_the_server_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from dashboard import server

    monkeypatch.setenv("MBC_READING_WORKERS", "many")
    assert server.main([]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "MBC_READING_WORKERS" in err[0]
