"""The local stand-in answers like ClinicalTrials.gov API v2: parameters, shapes, errors, faults."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from data.ctgov_fields import DETAIL_FIELDS, PIECE_PATHS, STUDY_FIELDS, field_path, prune_study
from data.ctgov_import import read_raw_studies
from data.ctgov_standin import StandinServer
from data.models import Study

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).parent / "fixtures" / "ctgov_breast_studies.json"
RAW = json.loads(FIXTURE.read_text(encoding="utf-8"))["studies"]
ALL_IDS = [s["protocolSection"]["identificationModule"]["nctId"] for s in RAW]
SHARED = Path(os.environ.get("MBC_SHARED_DIR") or ROOT.parent / "shared") / "ctgov"


@pytest.fixture
def server() -> Iterator[StandinServer]:
    with StandinServer(FIXTURE) as running:
        yield running


def get(server: StandinServer, path: str, **params: str) -> requests.Response:
    return requests.get(server.base_url + path, params=params, timeout=5, allow_redirects=False)


def ids(response: requests.Response) -> list[str]:
    assert response.status_code == 200, response.text
    body = response.json()
    return [s["protocolSection"]["identificationModule"]["nctId"] for s in body["studies"]]


def search_ids(server: StandinServer, **params: str) -> list[str]:
    return ids(get(server, "/studies", pageSize="100", fields="NCTId", **params))


# -- shape and paging ---------------------------------------------------------------------------


def test_search_without_parameters_returns_every_study_in_the_api_shape(
    server: StandinServer,
) -> None:
    response = get(server, "/studies")
    assert response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert list(body) == ["studies"]  # no nextPageToken on the last page, no unasked totalCount
    assert body["studies"] == RAW


@pytest.mark.parametrize(("size", "served"), [("0", 10), ("", 10), ("2", 2), ("99999", 1000)])
def test_page_size_defaults_and_is_capped(server: StandinServer, size: str, served: int) -> None:
    many = [
        {"protocolSection": {"identificationModule": {"nctId": f"NCT0{n:07d}"}}} for n in range(1, 1101)
    ]
    with StandinServer(many) as big:
        assert len(ids(get(big, "/studies", pageSize=size))) == served


@pytest.mark.parametrize("size", ["ten", "1.5", "99999999999"])
def test_non_integer_page_size_is_a_plain_text_400(server: StandinServer, size: str) -> None:
    response = get(server, "/studies", pageSize=size)
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("text/plain")
    assert (
        response.text == "Value provided in parameter `pageSize` cannot be converted to 32-bit integer"
    )


def test_pages_chain_with_opaque_tokens_and_count_only_on_the_first(server: StandinServer) -> None:
    first = get(server, "/studies", pageSize="2", countTotal="true", fields="NCTId").json()
    assert first["totalCount"] == 5 and "nextPageToken" in first
    assert "2" not in first["nextPageToken"].split(":")  # not a bare offset
    second = get(
        server,
        "/studies",
        pageSize="2",
        countTotal="true",
        fields="NCTId",
        pageToken=first["nextPageToken"],
    ).json()
    assert "totalCount" not in second
    third = get(server, "/studies", pageSize="2", fields="NCTId", pageToken=second["nextPageToken"])
    assert "nextPageToken" not in third.json()
    seen = [
        s["protocolSection"]["identificationModule"]["nctId"]
        for page in (first, second, third.json())
        for s in page["studies"]
    ]
    assert seen == ALL_IDS


def test_a_token_used_with_other_parameters_is_refused(server: StandinServer) -> None:
    token = get(server, "/studies", pageSize="2", **{"query.cond": "breast"}).json()["nextPageToken"]
    response = get(server, "/studies", pageSize="2", pageToken=token, **{"query.cond": "lung"})
    assert response.status_code == 400 and "pageToken" in response.text
    assert get(server, "/studies", pageToken="not-a-token").status_code == 400


# -- fields -------------------------------------------------------------------------------------


def test_fields_prune_into_the_nested_structure(server: StandinServer) -> None:
    response = get(server, "/studies/NCT09990001", fields="NCTId|LocationCity,OverallStatus")
    assert response.json() == {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT09990001"},
            "statusModule": {"overallStatus": "RECRUITING"},
            "contactsLocationsModule": {"locations": [{"city": "New York"}, {"city": "Boston"}]},
        }
    }


def test_fields_accept_modules_and_dotted_paths(server: StandinServer) -> None:
    by_module = get(server, "/studies/NCT09990004", fields="EligibilityModule").json()
    assert by_module == {
        "protocolSection": {"eligibilityModule": RAW[3]["protocolSection"]["eligibilityModule"]}
    }
    by_path = get(
        server, "/studies/NCT09990004", fields="protocolSection.contactsLocationsModule.locations"
    ).json()
    assert by_path["protocolSection"]["contactsLocationsModule"]["locations"][0]["city"] == "Toronto"


def test_unknown_field_name_is_a_400_with_the_real_wording(server: StandinServer) -> None:
    response = get(server, "/studies", fields="NCTId,StudyDesign")
    assert response.status_code == 400
    assert response.text == "Parameter 'fields' contains invalid field name: 'StudyDesign'"


def test_the_clients_field_lists_are_valid_piece_names() -> None:
    for name in DETAIL_FIELDS:
        assert name in PIECE_PATHS
    assert len(set(STUDY_FIELDS)) == len(STUDY_FIELDS)


# -- filters and queries ------------------------------------------------------------------------


def test_unknown_parameter_is_a_400(server: StandinServer) -> None:
    response = get(server, "/studies", **{"filter.phase": "PHASE3"})
    assert (response.status_code, response.text) == (400, "`filter.phase` is unknown parameter")
    assert get(server, "/studies", **{"query.recrs": "x"}).text == "`query.recrs` is unknown parameter"


def test_status_filter_accepts_pipes_and_commas(server: StandinServer) -> None:
    wanted = {"filter.overallStatus": "RECRUITING|COMPLETED"}
    assert search_ids(server, **wanted) == ["NCT09990001", "NCT09990002", "NCT09990004"]
    comma = {"filter.overallStatus": "not_yet_recruiting,ACTIVE_NOT_RECRUITING"}
    assert search_ids(server, **comma) == ["NCT09990003", "NCT09990005"]
    bad = get(server, "/studies", **{"filter.overallStatus": "OPEN"})
    assert (bad.status_code, bad.text) == (400, "Invalid value in parameter `overallStatus`: `OPEN`")


def test_geo_filter_uses_great_circle_distance(server: StandinServer) -> None:
    # Boston site is ~190 miles (~306 km) from New York; Toronto is ~350 miles away.
    assert search_ids(server, **{"filter.geo": "distance(40.71,-74.01,10mi)"}) == ["NCT09990001"]
    near_boston = search_ids(server, **{"filter.geo": "distance(40.71,-74.01,300km)"})
    assert near_boston == ["NCT09990001"]
    wide = search_ids(server, **{"filter.geo": "distance(40.71,-74.01,400)"})
    assert wide == ["NCT09990001", "NCT09990004"]  # no unit means miles
    for bad in ("distance(40.71,-74.01)", "near(40,-74,10mi)", "distance(40.71,-74.01,10 mi)"):
        response = get(server, "/studies", **{"filter.geo": bad})
        assert response.status_code == 400 and "geo" in response.text


def test_ids_filter_matches_ids_and_aliases(server: StandinServer) -> None:
    assert search_ids(server, **{"filter.ids": "nct9990005|NCT09990012"}) == [
        "NCT09990002",
        "NCT09990005",
    ]
    assert get(server, "/studies", **{"filter.ids": "NCT0,NCT09990001"}).status_code == 400


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"query.cond": "triple negative"}, ["NCT09990003"]),
        ({"query.cond": "brain neoplasm"}, ["NCT09990002"]),  # MeSH term, plural folded
        ({"query.cond": "TNBC"}, ["NCT09990003"]),  # keyword
        ({"query.cond": "fatigue OR bone"}, ["NCT09990004", "NCT09990005"]),
        ({"query.cond": "breast NOT metastatic"}, ["NCT09990002", "NCT09990005"]),
        ({"query.cond": '"metastatic breast cancer"'}, ["NCT09990001", "NCT09990004"]),
        ({"query.cond": "cancer breast metastatic"}, ["NCT09990001", "NCT09990003", "NCT09990004"]),
        ({"query.term": "Ibrance"}, ["NCT09990001"]),
        ({"query.intr": "pembrolizumab"}, ["NCT09990003"]),
        ({"query.locn": "Houston"}, ["NCT09990002"]),
        ({"query.titles": "EXSERD-1"}, ["NCT09990001"]),
        ({"query.cond": "breast", "query.locn": "Canada"}, ["NCT09990004"]),
        ({"query.term": "AREA[Phase]PHASE2"}, ["NCT09990002", "NCT09990003"]),
        ({"filter.advanced": "AREA[Phase](PHASE1 OR NA)"}, ["NCT09990003", "NCT09990005"]),
        ({"filter.advanced": "AREA[MaximumAge]RANGE[MIN, 76 years]"}, ["NCT09990003"]),
        ({"filter.advanced": "AREA[MinimumAge]RANGE[20 years, MAX]"}, ["NCT09990004"]),
        (
            {"filter.advanced": "AREA[LastUpdatePostDate]RANGE[2026-06-01,MAX]"},
            ["NCT09990001", "NCT09990003"],
        ),
        ({"filter.advanced": "AREA[EnrollmentCount]RANGE[100, 1000]"}, ALL_IDS),
        ({"filter.advanced": "AREA[EnrollmentCount]RANGE[121, MAX]"}, []),
        ({"filter.advanced": "AREA[StartDate]RANGE[2025, 2026-12-31]"}, ["NCT09990001", "NCT09990003"]),
        ({"filter.advanced": "AREA[MaximumAge]MISSING"}, ["NCT09990001", "NCT09990004", "NCT09990005"]),
        (
            {"filter.advanced": 'AREA[EligibilityCriteria]"brain metastases"'},
            ["NCT09990001", "NCT09990002"],
        ),
        (
            {
                "filter.advanced": "SEARCH[Location](AREA[LocationCity]Boston"
                " AND AREA[LocationStatus]RECRUITING)"
            },
            ["NCT09990001"],
        ),
        (
            {
                "filter.advanced": "SEARCH[Location](AREA[LocationCity]Omaha"
                " AND AREA[LocationStatus]RECRUITING)"
            },
            [],
        ),
    ],
)
def test_query_and_advanced_expressions(
    server: StandinServer, params: dict[str, str], expected: list[str]
) -> None:
    assert search_ids(server, **params) == expected


@pytest.mark.parametrize(
    ("param", "value", "message"),
    [
        ("query.term", "a [ b", "Error parsing query in Other terms: mismatched input '[' expecting {"),
        ("query.term", "(a OR b", "Error parsing query in Other terms: missing ')' at '<EOF>'"),
        (
            "query.cond",
            "breast AND",
            "Error parsing query in Conditions or disease: mismatched input '<EOF>'",
        ),
        (
            "filter.advanced",
            "AREA[NotARealField]x",
            "Error parsing query in advanced filter: Unknown area name: `NotARealField`",
        ),
        (
            "filter.advanced",
            "AREA[Phase]PHASE9",
            "Error parsing query in advanced filter: Allowed values for enum field "
            "`protocolSection.designModule.phases` are `NA`, `EARLY_PHASE1`",
        ),
    ],
)
def test_bad_expressions_are_400_with_the_parameter_label(
    server: StandinServer, param: str, value: str, message: str
) -> None:
    response = get(server, "/studies", **{param: value})
    assert response.status_code == 400
    assert response.text.startswith(message)


# -- single study, version, other paths ---------------------------------------------------------


def test_single_study_ids_are_case_insensitive_and_zero_padded(server: StandinServer) -> None:
    assert get(server, "/studies/nct9990003").json() == RAW[2]


def test_unknown_study_is_a_plain_text_404(server: StandinServer) -> None:
    response = get(server, "/studies/NCT09999999")
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.text == "NCT number NCT09999999 not found"
    assert get(server, "/studies/breast").status_code == 400


def test_alias_redirects_to_the_current_id(server: StandinServer) -> None:
    response = get(server, "/studies/NCT09990012", fields="NCTId")
    assert response.status_code == 301
    assert response.headers["Location"] == "/api/v2/studies/NCT09990002?fields=NCTId"


def test_version_and_size_statistics(server: StandinServer) -> None:
    assert get(server, "/version").json() == {
        "apiVersion": "2.0.5",
        "dataTimestamp": "2026-09-04T09:00:06",
    }
    stats = get(server, "/stats/size").json()
    assert set(stats) == {"averageSizeBytes", "largestStudies", "percentiles", "ranges", "totalStudies"}
    assert stats["totalStudies"] == 5
    assert sum(r["studiesCount"] for r in stats["ranges"]) == 5


def test_unknown_paths_get_an_html_404(server: StandinServer) -> None:
    for path in ("/api/v2/nothing", "/api/info/study_fields_list", "/"):
        response = requests.get(server.url + path, timeout=5)
        assert response.status_code == 404
        assert response.headers["Content-Type"].startswith("text/html")


def test_json_is_gzipped_for_clients_that_accept_it(server: StandinServer) -> None:
    response = get(server, "/studies")
    assert response.headers["Content-Encoding"] == "gzip"
    [entry] = server.requests
    assert entry.wire_bytes < entry.body_bytes == len(response.content)


# -- faults and the request log -----------------------------------------------------------------


def test_faults_are_set_from_outside_and_apply_to_the_next_requests(server: StandinServer) -> None:
    control = server.url + "/_standin/faults"
    spec = {"kind": "429", "count": 2, "retry_after": "7"}
    assert requests.post(control, json=spec, timeout=5).json()[0]["kind"] == "429"
    for _ in range(2):
        limited = get(server, "/version")
        assert (limited.status_code, limited.headers["Retry-After"]) == (429, "7")
    assert get(server, "/version").status_code == 200
    requests.post(control, json={"kind": "503", "count": 9}, timeout=5)
    assert requests.delete(control, timeout=5).json() == []
    assert get(server, "/version").status_code == 200
    assert requests.post(control, json={"kind": "teapot"}, timeout=5).status_code == 400


def test_html_and_truncated_faults_send_status_200(server: StandinServer) -> None:
    server.add_fault("html")
    page = get(server, "/studies")
    assert page.status_code == 200 and page.text.startswith("<!DOCTYPE html>")
    server.add_fault("truncate")
    cut = get(server, "/studies")
    assert cut.status_code == 200
    with pytest.raises(ValueError):
        cut.json()


def test_a_repeated_answer_is_encoded_once_and_a_fault_never_spoils_it(server: StandinServer) -> None:
    first = get(server, "/studies", pageSize="3", fields="NCTId,BriefTitle")
    assert server.api.answers.hits == 0
    again = get(server, "/studies", pageSize="3", fields="NCTId,BriefTitle")
    assert again.content == first.content and server.api.answers.hits == 1
    server.add_fault("truncate")
    cut = get(server, "/studies", pageSize="3", fields="NCTId,BriefTitle")
    assert 0 < len(cut.content) < len(first.content)
    assert get(server, "/studies", pageSize="3", fields="NCTId,BriefTitle").content == first.content
    assert ids(get(server, "/studies", pageSize="2", fields="NCTId")) == ALL_IDS[:2]
    assert get(server, "/studies", pageSize="x").status_code == 400  # errors are not kept
    assert len(server.api.answers) == 2


def test_kept_answers_stay_within_their_byte_budget() -> None:
    from data.ctgov_standin_api import EncodedAnswers

    answers = EncodedAnswers(limit_bytes=10)
    answers.put("a", b"1234")
    answers.put("b", b"5678")
    assert answers.get("a") == b"1234"  # now the most recently used
    answers.put("c", b"9012")
    answers.put("huge", b"x" * 11)
    assert (answers.get("b"), answers.get("huge")) == (None, None)
    assert (answers.get("a"), answers.get("c"), len(answers)) == (b"1234", b"9012", 2)


def test_slow_and_disconnect_faults(server: StandinServer) -> None:
    server.add_fault("slow", delay=0.3)
    started = time.monotonic()
    assert get(server, "/version").status_code == 200
    assert time.monotonic() - started >= 0.3
    server.add_fault("disconnect")
    with pytest.raises(requests.ConnectionError):
        get(server, "/version")


def test_faults_can_target_later_pages_only(server: StandinServer) -> None:
    server.add_fault("503", count=5, match="pageToken")
    first = get(server, "/studies", pageSize="2").json()
    assert get(server, "/studies", pageSize="2", pageToken=first["nextPageToken"]).status_code == 503


def test_request_log_records_path_parameters_and_agent(server: StandinServer) -> None:
    requests.get(
        server.base_url + "/studies",
        params={"query.cond": "breast", "pageSize": "3"},
        headers={"User-Agent": "probe/1.0"},
        timeout=5,
    )
    logged = requests.get(server.url + "/_standin/requests", timeout=5).json()
    assert logged == [
        {
            "method": "GET",
            "path": "/api/v2/studies",
            "params": {"query.cond": "breast", "pageSize": "3"},
            "user_agent": "probe/1.0",
            "status": 200,
            "fault": None,
            "body_bytes": server.requests[0].body_bytes,
            "wire_bytes": server.requests[0].wire_bytes,
            "answer_s": server.requests[0].answer_s,
        }
    ]
    assert 0 < logged[0]["answer_s"] < 5  # the stand-in's own time, for benches to leave out
    requests.delete(server.url + "/_standin/requests", timeout=5)
    assert server.request_count == 0


def test_command_line_starts_the_server(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "data.ctgov_standin", "--studies", str(FIXTURE), "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("Serving 5 studies at http://127.0.0.1:")
        base_url = line.split(" at ", 1)[1].split()[0]
        assert requests.get(base_url + "/version", timeout=5).json()["apiVersion"] == "2.0.5"
    finally:
        process.terminate()
        process.wait(timeout=5)


# -- the real records ---------------------------------------------------------------------------


def _shared(name: str) -> Path:
    path = SHARED / name
    if not path.is_file():
        pytest.skip(f"{path} is absent (set MBC_SHARED_DIR to the shared folder to run this)")
    return path


@pytest.mark.shared
def test_pruning_keeps_everything_the_model_reads_for_every_real_record() -> None:
    paths = [field_path(name) for name in STUDY_FIELDS]
    for raw in read_raw_studies(_shared("studies.jsonl")):
        full = Study.from_api(raw)
        assert Study.from_api(prune_study(raw, paths)) == dataclasses.replace(
            full, detailed_description=None
        ), full.nct_id


@pytest.mark.shared
def test_condition_search_over_real_records_finds_every_breast_study() -> None:
    breast: set[Any] = {
        s["protocolSection"]["identificationModule"]["nctId"]
        for s in read_raw_studies(_shared("breast_studies.jsonl"))
    }
    with StandinServer(_shared("studies.jsonl")) as server:
        response = get(
            server, "/studies", pageSize="1000", fields="NCTId", **{"query.cond": "breast cancer"}
        )
        assert breast <= set(ids(response))


def test_hostile_faults_can_be_set_over_http_and_are_checked(server: StandinServer) -> None:
    control = server.url + "/_standin/faults"
    spec = {"kind": "json", "count": 1, "body": '{"studies": {"a": 1}}'}
    assert requests.post(control, json=spec, timeout=5).status_code == 200
    assert get(server, "/studies").json() == {"studies": {"a": 1}}
    bad = requests.post(control, json={"kind": "bomb", "size": -1}, timeout=5)
    assert bad.status_code == 400 and "size and rate must be positive" in bad.text
    requests.post(control, json={"kind": "many", "size": 3}, timeout=5)
    assert [
        s["protocolSection"]["identificationModule"]["nctId"]
        for s in get(server, "/studies").json()["studies"]
    ] == ["NCT10000000", "NCT10000001", "NCT10000002"]


def test_a_gzip_bomb_is_small_on_the_wire_and_huge_expanded() -> None:
    import zlib

    from data.ctgov_standin import gzip_bomb

    bomb = gzip_bomb(64 * 1024 * 1024 + 5)
    assert len(bomb) < 100_000
    expanded, data = 0, bomb
    while data:
        unpacker = zlib.decompressobj(31)
        expanded += len(unpacker.decompress(data))
        data = unpacker.unused_data
    assert expanded == 64 * 1024 * 1024 + 5
