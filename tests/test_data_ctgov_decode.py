"""Decoding study records from bytes into typed records gives exactly what ``Study.from_api`` gives.

The typed path (msgspec) is only a faster way to the same :class:`Study`: for every record, however
damaged, it must give the same study, or leave the record out for the same reason, as parsing the
JSON into dicts and calling ``Study.from_api`` after the type checks.
"""

from __future__ import annotations

import copy
import gzip
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data.ctgov_checks import JsonProblem
from data.ctgov_decode import (
    DecodeFailed,
    decode_document,
    decode_page,
    decode_study,
    study_from_plain,
    study_from_raw,
    typed_readable,
)
from data.ctgov_import import read_study_bytes, read_study_file
from data.errors import StudyFileError
from data.models import Study

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).parent / "fixtures" / "ctgov_breast_studies.json"
RAW: list[dict[str, Any]] = json.loads(FIXTURE.read_text(encoding="utf-8"))["studies"]
SHARED = Path(os.environ.get("MBC_SHARED_DIR") or ROOT.parent / "shared") / "ctgov"


def _full_record() -> dict[str, Any]:
    """A fixture record holding every part ``Study.from_api`` reads, so each can be damaged."""
    record = copy.deepcopy(RAW[0])
    protocol = record["protocolSection"]
    protocol["designModule"]["designInfo"] = {
        "allocation": "RANDOMIZED",
        "primaryPurpose": "TREATMENT",
        "maskingInfo": {"masking": "NONE"},
        "observationalModel": "COHORT",
        "timePerspective": "PROSPECTIVE",
    }
    protocol["designModule"]["patientRegistry"] = False
    protocol["armsInterventionsModule"]["armGroups"] = [{"type": "EXPERIMENTAL"}, {"label": "B"}]
    protocol["eligibilityModule"]["healthyVolunteers"] = False
    protocol["sponsorCollaboratorsModule"]["leadSponsor"]["class"] = "INDUSTRY"
    protocol["contactsLocationsModule"]["centralContacts"] = [
        {"name": " Desk ", "role": "CONTACT", "phone": "555-0100", "phoneExt": "12"},
        {"role": "CONTACT"},
    ]
    return record


BASES = [*RAW, _full_record()]


def _bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def test_every_fixture_record_gives_the_same_study_as_from_api() -> None:
    for raw in BASES:
        study, problem = study_from_raw(_bytes(raw))
        assert problem is None
        assert study == Study.from_api(raw)
        assert study is not None and study.sites and study.interventions


def test_repeated_values_are_one_shared_string() -> None:
    """Most of a site's memory is its place and status, the same in thousands of sites."""
    record = copy.deepcopy(RAW[0])
    locations = record["protocolSection"]["contactsLocationsModule"]["locations"]
    locations.append(copy.deepcopy(locations[0]))
    study, _ = decode_study(_bytes(record))
    assert study is not None
    first, last = study.sites[0], study.sites[-1]
    assert first == last
    assert first.country is last.country and first.city is last.city and first.status is last.status


# -- any damage gives the same outcome as the old path ---------------------------------------------

_PATHS: list[tuple[str | int, ...]] = [
    ("protocolSection",),
    ("derivedSection",),
    ("protocolSection", "identificationModule"),
    ("protocolSection", "identificationModule", "nctId"),
    ("protocolSection", "identificationModule", "briefTitle"),
    ("protocolSection", "statusModule", "overallStatus"),
    ("protocolSection", "statusModule", "lastUpdatePostDateStruct"),
    ("protocolSection", "statusModule", "lastUpdatePostDateStruct", "date"),
    ("protocolSection", "designModule", "phases"),
    ("protocolSection", "designModule", "designInfo"),
    ("protocolSection", "designModule", "designInfo", "maskingInfo"),
    ("protocolSection", "designModule", "designInfo", "maskingInfo", "masking"),
    ("protocolSection", "designModule", "designInfo", "allocation"),
    ("protocolSection", "designModule", "patientRegistry"),
    ("protocolSection", "conditionsModule", "conditions"),
    ("protocolSection", "conditionsModule", "keywords"),
    ("protocolSection", "armsInterventionsModule", "armGroups"),
    ("protocolSection", "armsInterventionsModule", "armGroups", 0, "type"),
    ("protocolSection", "armsInterventionsModule", "interventions"),
    ("protocolSection", "armsInterventionsModule", "interventions", 0, "name"),
    ("protocolSection", "armsInterventionsModule", "interventions", 0, "otherNames"),
    ("protocolSection", "descriptionModule", "briefSummary"),
    ("protocolSection", "eligibilityModule", "eligibilityCriteria"),
    ("protocolSection", "eligibilityModule", "healthyVolunteers"),
    ("protocolSection", "eligibilityModule", "minimumAge"),
    ("protocolSection", "contactsLocationsModule", "locations"),
    ("protocolSection", "contactsLocationsModule", "locations", 0),
    ("protocolSection", "contactsLocationsModule", "locations", 0, "geoPoint"),
    ("protocolSection", "contactsLocationsModule", "locations", 0, "geoPoint", "lat"),
    ("protocolSection", "contactsLocationsModule", "locations", 0, "contacts"),
    ("protocolSection", "contactsLocationsModule", "locations", 0, "zip"),
    ("protocolSection", "contactsLocationsModule", "locations", 0, "status"),
    ("protocolSection", "contactsLocationsModule", "centralContacts"),
    ("protocolSection", "contactsLocationsModule", "centralContacts", 0, "phone"),
    ("protocolSection", "sponsorCollaboratorsModule", "leadSponsor"),
    ("protocolSection", "sponsorCollaboratorsModule", "leadSponsor", "class"),
    ("derivedSection", "miscInfoModule", "versionHolder"),
    ("resultsSection",),
]

_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["  RECRUITING ", "", " ", "18 Years", "nct09990001", "\u2265 18"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children),
    max_leaves=8,
)


def _set(record: dict[str, Any], path: tuple[str | int, ...], value: Any) -> None:
    node: Any = record
    for key in path[:-1]:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return
    key = path[-1]
    if isinstance(node, dict) and isinstance(key, str):
        node[key] = value
    if isinstance(node, list) and isinstance(key, int) and key < len(node):
        node[key] = value


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(range(len(BASES))),
    st.lists(st.tuples(st.sampled_from(_PATHS), _VALUES), min_size=1, max_size=4),
)
def test_any_damage_gives_the_old_outcome(index: int, changes: list[tuple[Any, Any]]) -> None:
    record = copy.deepcopy(BASES[index])
    for path, value in changes:
        _set(record, path, value)
    assert study_from_raw(_bytes(record)) == study_from_plain(record)


@settings(max_examples=200, deadline=None)
@given(_VALUES)
def test_any_json_value_as_a_record_gives_the_old_outcome(value: Any) -> None:
    assert study_from_raw(_bytes(value)) == study_from_plain(value)


def test_a_record_too_damaged_for_json_is_refused_as_before() -> None:
    deep = b'{"protocolSection": {"identificationModule": {"nctId": ' + b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(JsonProblem):
        study_from_raw(deep + b"}}}")


# -- what the typed path leaves to the old one -----------------------------------------------------


def test_bad_bytes_and_overlong_integers_anywhere_go_the_old_way() -> None:
    assert typed_readable(b'{"a": "plain"}') and typed_readable('{"a": "\u2265"}'.encode())
    assert not typed_readable(b'{"a": "\xff"}')
    for digits in (4301, 4400, 9000):
        for prefix in range(0, 7):  # wherever the run starts relative to the sampling
            assert not typed_readable(b" " * prefix + b'{"n": ' + b"9" * digits + b"}")
    assert typed_readable(b'{"n": ' + b"9" * 2000 + b"}")


def test_a_page_with_a_record_of_the_wrong_type_reads_the_others() -> None:
    bad = copy.deepcopy(RAW[1])
    bad["protocolSection"]["contactsLocationsModule"]["locations"] = 1
    page = decode_page(_bytes({"studies": [RAW[0], bad, 7, RAW[2]], "totalCount": 4}))
    assert (page.total, page.token, len(page.records)) == (4, None, 4)
    outcomes = page.outcomes()
    assert [s.nct_id if s else None for s, _ in outcomes] == [
        RAW[0]["protocolSection"]["identificationModule"]["nctId"],
        None,
        None,
        RAW[2]["protocolSection"]["identificationModule"]["nctId"],
    ]
    assert outcomes[1][1] == "protocolSection.contactsLocationsModule.locations is not a list"
    assert outcomes[2][1] == "the record is not an object"


@pytest.mark.parametrize(
    "body",
    [b'{"studies": {"a": 1}}', b"[]", b"{}", b'{"studies": [], "totalCount": true}', b"\xff\xfe{", b""],
)
def test_an_answer_that_is_no_plain_page_is_left_to_the_old_path(body: bytes) -> None:
    with pytest.raises(DecodeFailed):
        decode_page(body)


@pytest.mark.parametrize("body", [b'{"studies": []}', b"[1]", b'{"other": 1}', b"nope"])
def test_an_answer_that_is_no_study_object_is_left_to_the_old_path(body: bytes) -> None:
    with pytest.raises(DecodeFailed):
        decode_study(body)


def test_a_study_with_a_field_of_another_type_is_read_the_old_way() -> None:
    record = _full_record()
    record["protocolSection"]["designModule"]["designInfo"]["maskingInfo"] = "open"
    study, problem = decode_study(_bytes(record))
    assert (study, problem) == (Study.from_api(record), None)
    assert study is not None and study.masking is None and study.allocation == "RANDOMIZED"


def test_a_file_document_reads_pages_lists_and_single_studies() -> None:
    ids = [r["protocolSection"]["identificationModule"]["nctId"] for r in RAW]
    page = decode_document(_bytes({"studies": [RAW[0], "text", RAW[1]]}))
    assert [s.nct_id for s, _ in page if s] == ids[:2]  # a page's non-objects are dropped, not counted
    assert len(page) == 2
    assert [s.nct_id for s, _ in decode_document(_bytes(RAW[:3])) if s] == ids[:3]
    with pytest.raises(DecodeFailed):
        decode_document(_bytes([RAW[0], 5]))  # a list of studies must hold only objects
    with pytest.raises(DecodeFailed):
        decode_document(b'{"name": "something else"}')


# -- files ------------------------------------------------------------------------------------------


def test_json_lines_with_a_page_a_damaged_record_and_blank_lines(tmp_path: Path) -> None:
    bad = copy.deepcopy(RAW[3])
    bad["protocolSection"]["armsInterventionsModule"]["interventions"] = "x"
    lines = [_bytes(RAW[0]), b"", b"  \r", _bytes({"studies": RAW[1:3]}), _bytes(bad), _bytes(RAW[4])]
    path = tmp_path / "studies.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\r\n")
    read = read_study_file(path)
    assert [s.nct_id for s in read.studies] == [
        RAW[i]["protocolSection"]["identificationModule"]["nctId"] for i in (0, 1, 2, 4)
    ]
    assert read.skipped == 1
    assert read.studies == [Study.from_api(RAW[i]) for i in (0, 1, 2, 4)]


def test_a_gzip_upload_with_a_byte_order_mark_is_read_on_the_typed_path() -> None:
    data = gzip.compress(b"\xef\xbb\xbf" + _bytes({"studies": RAW}))
    read = read_study_bytes("upload.json.gz", data)
    assert read.studies == [Study.from_api(r) for r in RAW] and read.skipped == 0


def test_bad_bytes_in_a_field_the_app_never_reads_are_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    record = _bytes(RAW[0])[:-1] + b', "resultsSection": {"note": "caf\xe9"}}'
    path.write_bytes(record)
    with pytest.raises(StudyFileError, match="not text in UTF-8"):
        read_study_file(path)


def test_an_overlong_number_in_a_field_the_app_never_reads_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.jsonl"
    huge = _bytes(RAW[0])[:-1] + b', "hasResults": ' + b"7" * 5000 + b"}"
    path.write_bytes(_bytes(RAW[1]) + b"\n" + huge + b"\n")
    with pytest.raises(StudyFileError, match="line 2 holds a number or text too long"):
        read_study_file(path)


@pytest.mark.shared
def test_every_real_record_gives_the_same_study_on_the_typed_path() -> None:
    paths = [SHARED / "studies.jsonl", SHARED / "corpus" / "breast_corpus.jsonl"]
    if not all(p.exists() for p in paths):
        pytest.skip(f"{SHARED} is absent (set MBC_SHARED_DIR to the shared folder to run this)")
    for path in paths:
        typed = read_study_file(path).studies
        with path.open(encoding="utf-8") as handle:
            records = [json.loads(line) for line in handle if line.strip()]
        plain = {s.nct_id: s for s in map(Study.from_api, records)}
        assert len(typed) == len(plain) > 300
        assert all(study == plain[study.nct_id] for study in typed)
