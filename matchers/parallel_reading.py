"""Read many unread studies at once across the machine's cores, for a fast first answer.

Why: reading criteria is pure Python (about 2 ms a study) and holds the interpreter's lock, so the
first ranking of 1,000 studies nobody has read yet waits two seconds on one core while the others
idle. Worker processes forked at the moment of need start with everything the caller has loaded,
the reader's compiled patterns and the studies themselves (nothing is sent to them); each reads
pieces of the batch and sends the readings back, which the caller keeps exactly as if it had read
them itself. Reading is a pure function of the study, so the readings are the same either way.

The batch is read here, one study after another as before, whenever a pool would not pay or
cannot run: one CPU, fewer than :data:`MIN_PARALLEL` studies, no 'fork' (only Linux is trusted
with it: macOS's system libraries are not fork-safe and Windows has none), or any failure of the
pool (then a reader's own error surfaces here as it would have).

Forking the dashboard's server, a process of many threads, copies only the forking thread: a lock
another thread held at that moment stays held in the child. The workers therefore touch nothing
but the reader and their pipe to the caller (no store, no log, no new import), get fresh standard
streams, drop the server's signal handlers (its SIGTERM handler would stop a copy of the server
rather than the worker: they are blocked from the fork until reset), and a stalled pool (no piece
back for :data:`STALL_S` seconds) is ended and its batch read here.
"""

from __future__ import annotations

import gc
import itertools
import logging
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Sequence

from data.models import Study
from matchers.eligibility import read_trial_uncached
from matchers.trial_reading import TrialReading

Reader = Callable[[Study], TrialReading]

#: Fewest unread studies worth a pool: forking, starting and collecting cost 20-40 ms, which
#: reading 200 studies on a second core (0.2 s) repays several times over.
MIN_PARALLEL = 200
#: Pieces per worker: enough that a worker handed slow studies does not leave the others idle.
PIECES_PER_WORKER = 8
#: Largest piece, so that one piece takes well under a second and :data:`STALL_S` is generous.
MAX_PIECE = 250
#: Longest wait for the next piece (250 studies take about 0.5 s) before the pool is given up.
STALL_S = 30.0
#: Signals whose parent handlers a worker must never run (see the module's docstring).
_RESET = (signal.SIGTERM, signal.SIGINT)
log = logging.getLogger(__name__)

#: In a worker: the batch and the reader, inherited from the parent at the fork.
_batch: tuple[Sequence[Study], Reader] | None = None


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity, which containers and ``taskset`` narrow)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether worker processes may be forked here (Linux, with the 'fork' start method)."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def worker_count(pending: int, *, min_parallel: int = MIN_PARALLEL, cpus: int | None = None) -> int:
    """How many processes should read ``pending`` studies: 1 (read here) unless a pool pays."""
    cpus = available_cpus() if cpus is None else cpus
    if cpus < 2 or pending < max(min_parallel, 2) or not can_fork():
        return 1
    return min(cpus, pending)


def pieces(count: int, workers: int) -> list[range]:
    """``range(count)`` cut into consecutive pieces of near-equal size, in order."""
    number = min(max(workers * PIECES_PER_WORKER, -(-count // MAX_PIECE)), count)
    if number == 0:
        return []
    cuts = [count * index // number for index in range(number + 1)]
    return [range(start, stop) for start, stop in itertools.pairwise(cuts)]


def read_studies(
    studies: Sequence[Study],
    read: Reader = read_trial_uncached,
    *,
    min_parallel: int | None = None,
    workers: int | None = None,
) -> list[TrialReading]:
    """The readings of ``studies``, in their order: across worker processes when that pays.

    Args:
        studies: the studies to read (none of them read yet, or reading would be wasted).
        read: the reader, called as ``read(study)``; it must be pure, as the workers' readings
            never come back into this process's caches.
        min_parallel: the fewest studies read in parallel; :data:`MIN_PARALLEL` when omitted.
        workers: processes to use; the CPUs available when omitted.
    """
    fewest = MIN_PARALLEL if min_parallel is None else min_parallel
    count = worker_count(len(studies), min_parallel=fewest, cpus=workers)
    if count < 2:
        return [read(study) for study in studies]
    try:
        return _read_in_pool(studies, read, count)
    except Exception as error:  # any failure of the pool: read here, as before
        log.warning("reading in %d processes failed (%r); reading in this one", count, error)
        return [read(study) for study in studies]


def _read_in_pool(studies: Sequence[Study], read: Reader, workers: int) -> list[TrialReading]:
    context = multiprocessing.get_context("fork")
    for stream in (sys.stdout, sys.stderr):  # nothing buffered is copied into a worker
        if stream is not None:
            stream.flush()
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _RESET)  # until the worker resets them
    try:
        pool = context.Pool(workers, initializer=_start_worker, initargs=(studies, read))
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    work = pieces(len(studies), workers)
    readings: list[TrialReading] = []
    try:
        done = pool.imap(_read_piece, work)  # in order, piece by piece
        for _ in work:
            readings.extend(done.next(STALL_S))
    finally:
        pool.terminate()  # every worker is idle or stalled by now; none has anything to finish
        pool.join()
    return readings


def _start_worker(studies: Sequence[Study], read: Reader) -> None:
    """In a new worker: keep the batch, leave the parent's handlers, streams and heap alone."""
    global _batch
    for number in _RESET:
        signal.signal(number, signal.SIG_DFL if number == signal.SIGTERM else signal.SIG_IGN)
    signal.set_wakeup_fd(-1)  # a signal here must not wake the parent's event loop
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _RESET)
    sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115  (lives as long as the worker)
    gc.freeze()  # the inherited heap is never collected here: its pages stay shared
    _batch = (studies, read)


def _read_piece(piece: range) -> list[TrialReading]:
    """In a worker: the readings of one piece of the batch."""
    assert _batch is not None, "a piece read outside a worker"
    studies, read = _batch
    return [read(studies[index]) for index in piece]
