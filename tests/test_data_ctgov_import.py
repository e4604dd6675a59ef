"""Offline import of downloaded ClinicalTrials.gov study files: every shape, and clear refusals."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path
from typing import Any

import pytest

from data.ctgov_import import load_studies_file, read_raw_studies
from data.errors import CtgovError, StudyFileError
from data.models import Study

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
PAGE = FIXTURES / "ctgov_breast_studies.json"
SINGLE = FIXTURES / "ctgov_single_study.json"
RAW: list[dict[str, Any]] = json.loads(PAGE.read_text(encoding="utf-8"))["studies"]
ALL_IDS = [s["protocolSection"]["identificationModule"]["nctId"] for s in RAW]
SHARED = Path(os.environ.get("MBC_SHARED_DIR") or ROOT.parent / "shared") / "ctgov"


def _ids(studies: list[Study]) -> list[str]:
    return [s.nct_id for s in studies]


def test_api_search_page(tmp_path: Path) -> None:
    studies = load_studies_file(PAGE)
    assert _ids(studies) == ALL_IDS
    assert studies[0] == Study.from_api(RAW[0])


def test_single_study_object() -> None:
    assert _ids(load_studies_file(SINGLE)) == ["NCT09990002"]


def test_json_array_of_studies(tmp_path: Path) -> None:
    path = tmp_path / "download.json"
    path.write_text(json.dumps(RAW[:3]), encoding="utf-8")
    assert _ids(load_studies_file(path)) == ALL_IDS[:3]


def test_json_lines_with_blank_lines_and_pages(tmp_path: Path) -> None:
    path = tmp_path / "studies.jsonl"
    lines = [json.dumps(s) for s in RAW[:3]] + ["", json.dumps({"studies": RAW[3:]})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _ids(load_studies_file(path)) == ALL_IDS


def test_gzip_and_byte_order_mark_are_accepted(tmp_path: Path) -> None:
    zipped = tmp_path / "studies.json.gz"
    zipped.write_bytes(gzip.compress(PAGE.read_bytes()))
    assert _ids(load_studies_file(zipped)) == ALL_IDS
    bom = tmp_path / "bom.json"
    bom.write_bytes(b"\xef\xbb\xbf" + SINGLE.read_bytes())
    assert _ids(load_studies_file(bom)) == ["NCT09990002"]


def test_duplicate_studies_keep_the_latest_version(tmp_path: Path) -> None:
    older = json.loads(json.dumps(RAW[0]))
    older["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] = "2020-01-01"
    older["protocolSection"]["identificationModule"]["briefTitle"] = "Old title"
    path = tmp_path / "dupes.json"
    path.write_text(json.dumps([older, RAW[1], RAW[0]]), encoding="utf-8")
    studies = load_studies_file(path)
    assert _ids(studies) == ["NCT09990001", "NCT09990002"]
    assert studies[0].brief_title == RAW[0]["protocolSection"]["identificationModule"]["briefTitle"]


def test_records_without_nct_id_are_dropped(tmp_path: Path) -> None:
    nameless = {"protocolSection": {"identificationModule": {"briefTitle": "No number"}}}
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps({"studies": [nameless, RAW[4]]}), encoding="utf-8")
    assert _ids(load_studies_file(path)) == ["NCT09990005"]
    assert len(read_raw_studies(path)) == 2


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the file is empty"),
        (b"  \n\n ", "the file is empty"),
        (b"NCT Number,Study Title,Study URL,Acronym\nNCT1,x,y,z\n", "CSV download"),
        (b"hello, this is not json", "not JSON"),
        (b'{"studies": [{"protocolSection": {"identificationModule"', "may be cut off"),
        (b'{"name": "something else"}', "not ClinicalTrials.gov studies"),
        (b"[1, 2, 3]", "not ClinicalTrials.gov studies"),
        (b'{"studies": []}', "holds no studies"),
        (b'[{"protocolSection": {}}]', "no study in the file has an NCT ID"),
        (b'{"protocolSection": {}}\n{"protocolSection": \n', "line 2 is not valid JSON"),
        (b'{"protocolSection": {}}\n"just text"\n', "line 2 is not a ClinicalTrials.gov study"),
        (b"\xff\xfe\x00garbage", "not text in UTF-8"),
        (b"\x1f\x8b\x08\x00broken", "compressed file is damaged"),
    ],
)
def test_bad_files_are_refused_with_the_file_name_and_reason(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "my-download.json"
    path.write_bytes(content)
    with pytest.raises(StudyFileError) as caught:
        load_studies_file(path)
    message = str(caught.value)
    assert message.startswith("Could not import studies from my-download.json:")
    assert reason in message
    assert isinstance(caught.value, CtgovError) and isinstance(caught.value, ValueError)
    assert caught.value.path == path


def test_missing_file_and_folder_are_refused(tmp_path: Path) -> None:
    with pytest.raises(StudyFileError, match="does not exist"):
        load_studies_file(tmp_path / "nowhere.json")
    with pytest.raises(StudyFileError, match="a folder"):
        load_studies_file(tmp_path)


def _shared(name: str) -> Path:
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"{path} is absent (set MBC_SHARED_DIR to the shared folder to run this)")
    return path


@pytest.mark.shared
def test_every_real_record_parses() -> None:
    path = _shared("studies.jsonl")
    raw = read_raw_studies(path)
    studies = load_studies_file(path)
    assert len(raw) == len(studies) == 351
    assert all(s.nct_id.startswith("NCT") and len(s.nct_id) == 11 for s in studies)
    assert sum(1 for s in studies if s.sites) > 300
    assert len(load_studies_file(_shared("breast_studies.jsonl"))) == 57


@pytest.mark.shared
def test_every_real_capture_parses() -> None:
    captures = sorted(_shared("captures").glob("*_2026*.json"))
    assert len(captures) == 10
    for path in captures:
        studies = load_studies_file(path)
        assert studies and all(s.nct_id for s in studies), path.name


def test_records_of_the_wrong_type_are_left_out_and_counted(tmp_path: Path) -> None:
    from data.ctgov_import import read_study_file

    good = {"protocolSection": {"identificationModule": {"nctId": "NCT09990001"}}}
    bad = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT09990002"},
            "armsInterventionsModule": {"interventions": 5},
        }
    }
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps([good, bad, {"protocolSection": {}}]))
    read = read_study_file(path)
    assert [s.nct_id for s in read.studies] == ["NCT09990001"]
    assert read.skipped == 2
    assert read.note == "2 records in the file could not be read and were left out."


def test_a_cut_off_gzip_file_is_refused_in_words(tmp_path: Path) -> None:
    path = tmp_path / "cut.json.gz"
    whole = gzip.compress(json.dumps({"studies": [os.urandom(4000).hex()]}).encode())
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(StudyFileError, match="compressed file is damaged"):
        load_studies_file(path)
