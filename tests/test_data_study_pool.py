"""Identical study records are held once across searches; changed ones are never confused."""

from __future__ import annotations

import dataclasses
import gc

from data.models import Study
from data.study_pool import StudyPool


def copy_of(study: Study, **changes: object) -> Study:
    """An equal but distinct object (as a second decode of the same record makes)."""
    return dataclasses.replace(study, **changes)


def test_the_same_record_from_two_searches_is_one_object() -> None:
    pool = StudyPool()
    first = Study("NCT09990001", brief_title="A", last_update="2026-07-15", sites=())
    other = Study("NCT09990002", brief_title="B", last_update="2026-05-02")
    search_a = pool.share([first, other])
    search_b = pool.share([copy_of(other), copy_of(first)])
    assert search_b[0] is search_a[1] and search_b[1] is search_a[0]
    assert len(pool) == 2


def test_a_changed_record_is_kept_apart_even_under_the_same_version() -> None:
    pool = StudyPool()
    old = Study("NCT09990001", brief_title="Old title", last_update="2026-07-15")
    (kept_old,) = pool.share([old])
    (changed,) = pool.share([copy_of(old, brief_title="New title")])
    assert changed is not kept_old and changed.brief_title == "New title"
    (newer,) = pool.share([copy_of(old, last_update="2026-09-01")])
    assert newer.last_update == "2026-09-01"
    # The latest content is what a later search shares.
    (again,) = pool.share([copy_of(old, brief_title="New title")])
    assert again is changed


def test_records_no_search_holds_any_more_leave_the_pool() -> None:
    pool = StudyPool()
    held = pool.share([Study("NCT09990001", last_update="2026-07-15")])
    assert len(pool) == 1
    del held
    gc.collect()
    assert len(pool) == 0
