"""Readings stored beyond the process: a second process or search reads no criteria again."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

import matchers.reading_cache as reading_cache_module
from data.models import Study
from data.reading_store import open_readings_store
from matchers.eligibility import read_trial_uncached
from matchers.reading_cache import ReadingCache
from matchers.reading_codec import decode_reading, encode_reading, reader_version, reading_key
from tests.conftest import FIXTURES


def studies() -> list[Study]:
    raw = json.loads((FIXTURES / "ctgov_breast_studies.json").read_text(encoding="utf-8"))
    return [Study.from_api(s) for s in raw["studies"]]


def no_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(study: Study) -> Any:
        raise AssertionError(f"{study.nct_id} was read again")

    monkeypatch.setattr(reading_cache_module, "read_trial_uncached", refuse)


def test_a_reading_survives_its_json_form_unchanged() -> None:
    for study in studies():
        reading = read_trial_uncached(study)
        assert decode_reading(encode_reading(reading)) == reading


@pytest.mark.parametrize("value", [b"not json", b"{}", b'{"nct_id": 5}', b"\x80\x04pickle"])
def test_a_stored_value_that_is_not_a_reading_is_refused(value: bytes) -> None:
    assert decode_reading(value) is None


def test_a_second_cache_over_the_same_store_reads_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = studies()
    first = ReadingCache(store=open_readings_store(tmp_path))
    readings = first.get_many(found)
    assert first.misses == len(found) and first.loaded == 0
    no_reading(monkeypatch)
    second = ReadingCache(store=open_readings_store(tmp_path))  # another process, in effect
    assert second.get_many(found) == readings
    assert second.loaded == len(found) and second.misses == 0


def test_a_damaged_stored_reading_is_read_again(tmp_path: Path) -> None:
    found = studies()
    ReadingCache(store=open_readings_store(tmp_path)).get_many(found)
    with sqlite3.connect(tmp_path / "trial_readings.sqlite") as db:
        db.execute("UPDATE readings SET value = ?", (b'{"nct_id": 5}',))
    again = ReadingCache(store=open_readings_store(tmp_path))
    assert again.get_many(found) == [read_trial_uncached(s) for s in found]
    assert again.loaded == 0 and again.misses == len(found)


def test_a_new_text_or_reader_is_a_new_key() -> None:
    study = studies()[0]
    key = reading_key(study)
    assert key.startswith(f"{study.nct_id}|{study.version}|") and key.endswith(reader_version())
    edited = Study.from_api(
        {
            "protocolSection": {
                "identificationModule": {"nctId": study.nct_id},
                "eligibilityModule": {"eligibilityCriteria": "Inclusion Criteria:\n* Anything"},
            }
        }
    )
    assert reading_key(edited) != key


def test_the_memory_layer_grows_to_hold_a_whole_search() -> None:
    found = studies()
    cache = ReadingCache(maxsize=2)
    cache.get_many(found)
    assert len(cache) == len(found)  # a re-rank finds every reading in memory
    cache.get_many(found)
    assert cache.hits == len(found)


def test_the_command_stores_readings_and_a_second_run_reads_none(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from dashboard import cli

    args = [
        "trials", "--subtype", "hr-positive", "--sites", "bone",
        "--studies", str(FIXTURES / "ctgov_breast_studies.json"), "--all-statuses", "--json",
    ]  # fmt: skip
    assert cli.main(args) == 0
    first = capsys.readouterr().out
    no_reading(monkeypatch)
    assert cli.main(args) == 0
    assert capsys.readouterr().out == first
