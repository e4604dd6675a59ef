"""Reading across processes gives the very readings reading here gives, and falls back safely.

The pool is forced with a low threshold and two workers, so these tests run it on any Linux
machine, one CPU or many.
"""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

import matchers.parallel_reading as parallel
from data.models import Study
from data.reading_store import open_readings_store
from matchers.eligibility import read_trial_uncached
from matchers.reading_cache import ReadingCache
from matchers.reading_codec import encode_reading, reading_key
from matchers.trial_reading import TrialReading
from tests.conftest import FIXTURES, shared_dir

needs_fork = pytest.mark.skipif(
    not parallel.can_fork(), reason="worker processes are forked on Linux only"
)

#: Titles and conditions that take the reader down each of its roads (whole reading, early-stage
#: title, another cancer), each over every fixture's criteria.
_LABELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("A Study in Metastatic Breast Cancer", ("Metastatic Breast Cancer",)),
    ("Neoadjuvant Therapy for Early Breast Cancer", ("Breast Cancer",)),
    ("A Basket Trial in Advanced Solid Tumors", ("Solid Tumor", "Breast Cancer")),
    ("A Study in Non-Small Cell Lung Cancer", ("Lung Cancer",)),
)


def fixture_set() -> list[Study]:
    """Some 20 studies: the fixture records under several titles, each with its own NCT ID."""
    raw = json.loads((FIXTURES / "ctgov_breast_studies.json").read_text(encoding="utf-8"))
    bases = [Study.from_api(s) for s in raw["studies"]]
    return [
        replace(base, nct_id=f"NCT0999{n:04d}", brief_title=title, conditions=conditions)
        for n, (base, (title, conditions)) in enumerate((b, label) for b in bases for label in _LABELS)
    ]


def serial(studies: list[Study]) -> list[TrialReading]:
    return [read_trial_uncached(s) for s in studies]


def in_worker() -> bool:
    return parallel._batch is not None


@needs_fork
def test_the_pool_reads_exactly_what_reading_here_reads() -> None:
    studies = fixture_set()
    assert parallel._read_in_pool(studies, read_trial_uncached, 2) == serial(studies)
    assert parallel.read_studies(studies, min_parallel=2, workers=2) == serial(studies)


@needs_fork
def test_a_cache_over_a_store_keeps_the_pools_readings_as_it_keeps_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    studies = fixture_set()
    monkeypatch.setattr(parallel, "MIN_PARALLEL", 2)
    cache = ReadingCache(store=open_readings_store(tmp_path / "pool"))
    assert cache.get_many(studies) == serial(studies)
    assert cache.misses == len(studies) and cache.loaded == 0
    stored = cache.store.get_many([reading_key(s) for s in studies]) if cache.store else {}
    assert stored == {
        reading_key(s): encode_reading(r) for s, r in zip(studies, serial(studies), strict=True)
    }


@needs_fork
def test_workers_run_with_default_signals_and_streams_of_their_own(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The parent's SIGTERM handler (the dashboard server's stops the server) is not the worker's."""
    studies = fixture_set()
    parent_out = sys.stdout

    def handler(number: int, frame: object) -> None:
        pass

    previous = signal.signal(signal.SIGTERM, handler)

    def checking(study: Study) -> TrialReading:
        if in_worker():
            assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
            assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN
            assert sys.stdout is not parent_out
        return read_trial_uncached(study)

    try:
        with caplog.at_level(logging.WARNING, logger=parallel.__name__):
            assert parallel.read_studies(studies, checking, min_parallel=2, workers=2) == serial(studies)
        assert signal.getsignal(signal.SIGTERM) is handler  # this process's own are left alone
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert caplog.records == []  # the pool's own readings, not the fallback's


@needs_fork
def test_a_pool_started_from_another_thread_reads_as_well(caplog: pytest.LogCaptureFixture) -> None:
    """As in the dashboard's server, where each script run is a thread of its own (the worker then
    resets its signals as its process's main thread)."""
    studies = fixture_set()
    result: list[list[TrialReading]] = []
    with caplog.at_level(logging.WARNING, logger=parallel.__name__):
        thread = threading.Thread(
            target=lambda: result.append(parallel.read_studies(studies, min_parallel=2, workers=2))
        )
        thread.start()
        thread.join(60)
    assert result == [serial(studies)]
    assert caplog.records == []


@needs_fork
def test_a_failing_worker_leaves_the_batch_to_this_process(caplog: pytest.LogCaptureFixture) -> None:
    studies = fixture_set()

    def failing_in_workers(study: Study) -> TrialReading:
        if in_worker():
            raise RuntimeError("a worker went wrong")
        return read_trial_uncached(study)

    with caplog.at_level(logging.WARNING, logger=parallel.__name__):
        readings = parallel.read_studies(studies, failing_in_workers, min_parallel=2, workers=2)
    assert readings == serial(studies)
    assert "a worker went wrong" in caplog.text


@needs_fork
def test_a_stalled_pool_is_ended_and_its_batch_read_here(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    studies = fixture_set()
    monkeypatch.setattr(parallel, "STALL_S", 0.3)

    def stalling_in_workers(study: Study) -> TrialReading:
        if in_worker():
            time.sleep(60)
        return read_trial_uncached(study)

    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger=parallel.__name__):
        readings = parallel.read_studies(studies, stalling_in_workers, min_parallel=2, workers=2)
    assert readings == serial(studies)
    assert time.monotonic() - started < 10  # the sleeping workers were ended, not waited for
    assert "TimeoutError" in caplog.text


def test_an_error_of_the_reader_itself_still_surfaces() -> None:
    def broken(study: Study) -> TrialReading:
        raise ValueError(study.nct_id)

    with pytest.raises(ValueError, match="NCT0999"):
        parallel.read_studies(fixture_set(), broken, min_parallel=2, workers=2)


def test_a_pool_is_used_only_where_it_pays(monkeypatch: pytest.MonkeyPatch) -> None:
    assert parallel.worker_count(1000, cpus=1) == 1  # one CPU
    assert parallel.worker_count(parallel.MIN_PARALLEL - 1, cpus=4) == 1  # too few studies
    assert parallel.worker_count(3, min_parallel=2, cpus=4) == 3  # never more workers than studies
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    assert parallel.worker_count(1000, cpus=4) == 1  # no fork here


def test_without_a_pool_the_batch_is_read_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    monkeypatch.setattr(parallel, "_read_in_pool", lambda *args: pytest.fail("a pool was started"))
    studies = fixture_set()
    assert parallel.read_studies(studies, min_parallel=2, workers=2) == serial(studies)


def test_pieces_cover_the_batch_in_order() -> None:
    for count, workers in ((0, 2), (3, 2), (201, 2), (1000, 3), (20_000, 2)):
        cut = parallel.pieces(count, workers)
        assert [i for piece in cut for i in piece] == list(range(count))
        assert all(0 < len(piece) <= parallel.MAX_PIECE for piece in cut)
    assert len(parallel.pieces(1000, 2)) == 2 * parallel.PIECES_PER_WORKER


def test_a_piece_is_read_from_the_inherited_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    studies = fixture_set()
    monkeypatch.setattr(parallel, "_batch", (studies, read_trial_uncached))
    assert parallel._read_piece(range(2, 5)) == serial(studies[2:5])


@needs_fork
@pytest.mark.shared
def test_real_records_read_in_parallel_match_reading_here() -> None:
    path = shared_dir() / "ctgov" / "studies.jsonl"
    if not path.exists():
        pytest.skip(f"shared ClinicalTrials.gov records not found at {path} (set MBC_SHARED_DIR)")
    lines = path.read_text(encoding="utf-8").splitlines()
    studies = [Study.from_api(json.loads(line)) for line in lines if line.strip()]
    assert parallel.read_studies(studies, min_parallel=2, workers=2) == serial(studies)
    assert parallel._batch is None  # nothing of the workers' state is set in this process


def test_a_reading_cache_reads_with_at_most_its_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """``MBC_READING_WORKERS=1`` (the cache's ``workers``) keeps a large batch in this process."""
    from data.settings import reading_workers_from_env
    from matchers.reading_cache import ReadingCache

    monkeypatch.setenv("MBC_READING_WORKERS", "1")
    assert reading_workers_from_env() == 1
    monkeypatch.setenv("MBC_READING_WORKERS", "")
    assert reading_workers_from_env() is None
    asked: list[int | None] = []
    real = parallel.worker_count

    def counting(pending: int, *, min_parallel: int = 200, cpus: int | None = None) -> int:
        asked.append(cpus)
        return real(pending, min_parallel=min_parallel, cpus=cpus)

    monkeypatch.setattr(parallel, "worker_count", counting)
    studies = fixture_set()
    assert ReadingCache(workers=1).get_many(studies) == serial(studies)
    assert asked == [1]
