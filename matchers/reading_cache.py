"""Readings kept in memory and, when given a store, on disk or in a shared cache.

A study is read once per version of its text and per version of the reader: a restart, a second
process or another search finds the reading in the store instead of reading again. The memory
layer is an LRU sized to the data it is asked for (at least twice the largest batch), so a
re-rank after a profile change never re-reads a search's studies.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Protocol

from data.models import Study
from matchers.reading_codec import decode_reading, encode_reading, reading_key
from matchers.trial_reading import TrialReading


def read_trial_uncached(study: Study) -> TrialReading:
    """Read one study. The reader is imported on first use: a process that finds every reading
    in the store never compiles the reader's hundreds of patterns (a fifth of a second)."""
    from matchers.eligibility import read_trial_uncached as read

    return read(study)


#: The memory layer's size before any batch has grown it.
DEFAULT_CACHE_SIZE = 8192
CacheKey = tuple[str, str, int]


class ReadingStore(Protocol):
    """Bytes kept under text keys beyond this process (an SQLite file, Redis)."""

    def get_many(self, keys: list[str]) -> dict[str, bytes]: ...

    def put_many(self, values: dict[str, bytes]) -> None: ...


class ReadingCache:
    """A thread-safe LRU of readings keyed by study, version and text, over an optional store.

    The text hash guards against a record edited without a new version date. Streamlit serves
    several sessions from threads, hence the lock.
    """

    def __init__(
        self,
        maxsize: int = DEFAULT_CACHE_SIZE,
        store: ReadingStore | None = None,
        workers: int | None = None,
    ) -> None:
        self.maxsize = maxsize
        self.store = store
        #: The most processes a large batch of unread studies is read in (``None``: every CPU).
        self.workers = workers
        self._data: OrderedDict[CacheKey, TrialReading] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0
        #: Readings found in the store rather than read.
        self.loaded = 0

    @staticmethod
    def key(study: Study) -> CacheKey:
        text_hash = hash(
            (
                study.eligibility_criteria,
                study.brief_title,
                study.official_title,
                study.conditions,
                study.keywords,
                study.healthy_volunteers,
            )
        )
        return (study.nct_id, study.version, text_hash)

    def get(self, study: Study) -> TrialReading:
        """The cached reading of ``study``, reading it on first use."""
        return self.get_many([study])[0]

    def get_many(self, studies: Iterable[Study]) -> list[TrialReading]:
        """The readings of ``studies``, in their order: memory, then the store (one lookup for all
        of them), then the reader; new readings go to the store in one write."""
        studies = list(studies)
        keys = [self.key(s) for s in studies]
        found: dict[int, TrialReading] = {}
        with self._lock:
            self.maxsize = max(self.maxsize, 2 * len(studies))
            for index, key in enumerate(keys):
                reading = self._data.get(key)
                if reading is not None:
                    self._data.move_to_end(key)
                    found[index] = reading
            self.hits += len(found)
        missing = [i for i in range(len(studies)) if i not in found]
        if missing:
            self._fill(studies, keys, missing, found)
        return [found[i] for i in range(len(studies))]

    def _fill(
        self,
        studies: list[Study],
        keys: list[CacheKey],
        missing: list[int],
        found: dict[int, TrialReading],
    ) -> None:
        stored = self._load([studies[i] for i in missing])
        store_keys = {i: reading_key(studies[i]) if self.store is not None else "" for i in missing}
        unread: list[int] = []
        for index in missing:
            reading = stored.get(store_keys[index])
            if reading is None:
                unread.append(index)
            else:
                found[index] = reading
        # The unread ones all at once: across processes when there are many (a cold first search).
        new: dict[str, bytes] = {}
        fresh = self._read([studies[i] for i in unread])
        for index, reading in zip(unread, fresh, strict=True):
            found[index] = reading
            if self.store is not None:
                new[store_keys[index]] = encode_reading(reading)
        with self._lock:
            self.misses += len(missing) - len(stored)
            self.loaded += len(stored)
            for index in missing:
                self._data[keys[index]] = found[index]
                self._data.move_to_end(keys[index])
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)
        if new and self.store is not None:
            self.store.put_many(new)

    def _read(self, studies: list[Study]) -> list[TrialReading]:
        if not studies:
            return []
        from matchers.parallel_reading import read_studies  # only a process with unread studies

        return read_studies(studies, read_trial_uncached, workers=self.workers)

    def _load(self, studies: list[Study]) -> dict[str, TrialReading]:
        """Readings of these studies found in the store (values that do not decode are ignored)."""
        if self.store is None:
            return {}
        found = self.store.get_many([reading_key(s) for s in studies])
        readings = {key: decode_reading(value) for key, value in found.items()}
        return {key: reading for key, reading in readings.items() if reading is not None}

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self.hits = self.misses = self.loaded = 0

    def __len__(self) -> int:
        return len(self._data)


DEFAULT_CACHE = ReadingCache()


def read_trial(study: Study, *, cache: ReadingCache | None = None) -> TrialReading:
    """Read a study, re-using the reading of the same study version when it was read before.

    Args:
        study: a normalized study record.
        cache: where readings are kept; the module's default cache when omitted.
    """
    return (cache if cache is not None else DEFAULT_CACHE).get(study)
