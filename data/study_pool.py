"""Identical study records held once, however many searches return them.

The dashboard keeps several searches at a time (one per place, distance and status choice), and
they mostly return the same studies: each kept its own decoded copy of every record, about a
hundred megabytes per 1,000 studies. Passing each search's studies through one pool makes every
search hold the same object for the same record. A record is the same when its NCT ID and version
(last update) match and its content is equal (a record changed without a new date is not
confused with the old one). The pool holds records weakly: a record no search holds any more is
gone from it as well, so it never grows beyond what the searches keep.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable

from data.models import Study


class StudyPool:
    """One object per distinct study record, shared by every caller (thread-safe)."""

    def __init__(self) -> None:
        self._held: weakref.WeakValueDictionary[tuple[str, str], Study] = weakref.WeakValueDictionary()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._held)

    def share(self, studies: Iterable[Study]) -> tuple[Study, ...]:
        """``studies`` in order, each replaced by the object already held for the same record."""
        shared: list[Study] = []
        with self._lock:
            for study in studies:
                key = (study.nct_id, study.version)
                held = self._held.get(key)
                if held is not None and (held is study or held == study):
                    shared.append(held)
                else:  # first seen, or changed under the same version: the newest is kept
                    self._held[key] = study
                    shared.append(study)
        return tuple(shared)
