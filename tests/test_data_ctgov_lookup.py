"""Starred trials fetched by number over real HTTP, and study files read from memory (uploads)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from data.ctgov_client import CtgovClient
from data.ctgov_import import read_study_bytes
from data.ctgov_lookup import IDS_PER_REQUEST, fetch_studies_by_id
from data.ctgov_query import SearchParams
from data.errors import ApiUnavailable, InvalidSearch, StudyFileError
from data.models import Study

FIXTURES = Path(__file__).parent / "fixtures"
PAGE = (FIXTURES / "ctgov_breast_studies.json").read_bytes()
RAW: list[dict[str, Any]] = json.loads(PAGE)["studies"]


def test_ids_become_the_registry_filter_in_canonical_spelling() -> None:
    params = SearchParams(ids=("nct9990002", "NCT09990002", "NCT09990004"))
    assert params.to_query()["filter.ids"] == "NCT09990002,NCT09990004"
    with pytest.raises(InvalidSearch, match="not an NCT number"):
        SearchParams(ids=("mars",))


def test_starred_trials_are_fetched_by_number_and_the_unknown_ones_named(
    standin: Any, tmp_path: Path
) -> None:
    with CtgovClient(standin.base_url, tmp_path, min_interval=0) as client:
        found = fetch_studies_by_id(client, ["NCT09990004", "nct9990002", "NCT09999999", "x1"])
        assert sorted(found.studies) == ["NCT09990002", "NCT09990004"]
        assert found.missing == ("x1", "NCT09999999")
        assert client.network_requests == 1  # one request for the whole shortlist
        assert "filter.ids=NCT09990004%2CNCT09990002%2CNCT09999999" in found.results[0].query_url


def test_a_long_shortlist_is_asked_for_in_pieces(standin: Any, tmp_path: Path) -> None:
    ids = [f"NCT0999{n:04d}" for n in range(1, IDS_PER_REQUEST + 6)]
    with CtgovClient(standin.base_url, tmp_path, min_interval=0) as client:
        found = fetch_studies_by_id(client, ids)
    assert len(found.results) == 2
    assert "NCT09990001" in found.studies and len(found.missing) == len(ids) - len(found.studies)


def test_offline_without_a_saved_copy_raises_in_words(tmp_path: Path) -> None:
    with (
        CtgovClient("http://127.0.0.1:9/api/v2", tmp_path, min_interval=0, search_deadline=2) as client,
        pytest.raises(ApiUnavailable, match="Could not reach"),
    ):
        fetch_studies_by_id(client, ["NCT09990002"])


def test_an_upload_is_read_like_a_file_in_every_shape() -> None:
    ids = [s["protocolSection"]["identificationModule"]["nctId"] for s in RAW]
    lines = "\n".join(json.dumps(s) for s in RAW).encode()
    for data in (PAGE, json.dumps(RAW).encode(), lines, gzip.compress(lines)):
        read = read_study_bytes("download.json", data)
        assert [s.nct_id for s in read.studies] == ids
        assert read.studies[0] == Study.from_api(RAW[0])


def test_an_upload_problem_is_said_in_words_with_the_file_name() -> None:
    with pytest.raises(StudyFileError, match=r"^Could not import studies from trials\.csv: .*CSV"):
        read_study_bytes("C:/Users/nurse/trials.csv", b"NCT Number,Title,Status,Phase\n1,2,3,4\n")
    with pytest.raises(StudyFileError, match="larger than"):
        read_study_bytes("big.json", b"[" + b" " * 2048 + b"]", limit=1024)
    with pytest.raises(StudyFileError, match="not JSON"):
        read_study_bytes("x.json", b"hello")
    with pytest.raises(StudyFileError, match="compressed file is damaged"):
        read_study_bytes("x.json.gz", gzip.compress(PAGE)[:200])
    broken = [*RAW[:2], {"protocolSection": {"contactsLocationsModule": {"locations": 1}}}]
    read = read_study_bytes("x.json", json.dumps(broken).encode())
    assert read.skipped == 1 and read.note is not None and "1 record" in read.note
