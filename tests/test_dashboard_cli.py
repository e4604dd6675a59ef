"""The ``mbc-navigator`` command: same selections as the dashboard, one-line errors with status 2."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from dashboard import cli
from tests.conftest import FIXTURES, ROOT

STUDIES = FIXTURES / "ctgov_breast_studies.json"


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The command run in this process, as ``main`` sees it: its status and what it printed.

    A child process would add about half a second per call and test nothing more: ``main`` reads
    its settings from the environment at each call. One test below still runs a real process.
    """
    stdout, stderr = io.StringIO(), io.StringIO()
    saved = dict(os.environ)
    os.environ.update(env or {})
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            status = cli.main(list(args))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return subprocess.CompletedProcess(list(args), status, stdout.getvalue(), stderr.getvalue())


def run_cli_process(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dashboard.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
        check=False,
    )


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_therapies_text_matches_the_selection() -> None:
    result = run_cli("therapies", "--subtype", "her2-positive", "--sites", "brain,lung")
    assert result.returncode == 0, result.stderr
    assert "trastuzumab" in result.stdout.lower() and "pertuzumab" in result.stdout.lower()
    assert "radiation" in result.stdout.lower()


def test_therapies_json_lists_cards_with_sources() -> None:
    result = run_cli("therapies", "--subtype", "triple-negative", "--sites", "lung", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    ids = [card["id"] for card in data["therapy_cards"]]
    assert ids == ["immunotherapy-chemo-pdl1"]
    assert all(card["source"]["section"] for card in data["therapy_cards"])
    assert data["brain_note"] is None


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["therapies", "--subtype", "luminal", "--sites", "bone"], "--subtype"),
        (["therapies", "--subtype", "hr-positive", "--sites", "kidney"], "--sites"),
        (["therapies", "--subtype", "hr-positive"], "--sites"),
        (["trials", "--subtype", "hr-positive", "--sites", "bone", "--ecog", "7", "--json"], "--ecog"),
        (["trials", "--subtype", "hr-positive", "--sites", "bone", "--age", "x", "--json"], "--age"),
        (["trials", "--subtype", "hr-positive", "--sites", "bone", "--zip", "00000"], "ZIP code 00000"),
        (
            ["trials", "--subtype", "hr-positive", "--sites", "bone", "--miles", "50"],
            "--miles needs --zip",
        ),
        (
            ["trials", "--subtype", "hr-positive", "--sites", "bone", "--studies", "nope.json"],
            "--studies",
        ),
        (["bogus"], "invalid choice"),
    ],
)
def test_bad_arguments_give_one_line_and_status_2(args: list[str], fragment: str) -> None:
    result = run_cli(*args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert fragment in lines[0]
    assert "Traceback" not in result.stderr


def test_the_command_as_a_real_process_prints_json_lines_and_exits_2_on_a_bad_argument() -> None:
    good = run_cli_process(
        "trials", "--subtype", "hr-positive", "--sites", "bone",
        "--studies", str(STUDIES), "--all-statuses", "--json",
    )  # fmt: skip
    assert good.returncode == 0, good.stderr
    assert json_lines(good.stdout) and all("nctId" in row for row in json_lines(good.stdout))
    bad = run_cli_process("trials", "--subtype", "purple", "--sites", "bone")
    assert bad.returncode == 2
    assert len(bad.stderr.strip().splitlines()) == 1


def test_trials_from_a_file_print_one_json_object_per_line_in_rank_order() -> None:
    result = run_cli(
        "trials",
        "--subtype",
        "hr-positive",
        "--sites",
        "bone",
        "--menopausal-status",
        "postmenopausal",
        "--lines",
        "0",
        "--ecog",
        "1",
        "--studies",
        str(STUDIES),
        "--all-statuses",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    rows = json_lines(result.stdout)
    assert len(rows) == 5
    assert [r["rank"] for r in rows] == [1, 2, 3, 4, 5]
    for row in rows:
        assert {"nctId", "rank", "verdict", "score", "reasons", "concerns"} <= set(row)
        assert row["verdict"] in {
            "likely_eligible",
            "possibly_eligible",
            "likely_excluded",
            "not_relevant",
        }
    by_id = {r["nctId"]: r for r in rows}
    assert by_id["NCT09990003"]["verdict"] == "likely_excluded"  # triple-negative only
    assert by_id["NCT09990003"]["concerns"]
    assert by_id["NCT09990001"]["verdict"] == "likely_eligible"  # HR-positive, metastatic
    assert by_id["NCT09990001"]["rank"] < by_id["NCT09990003"]["rank"]


def test_trials_from_a_file_keep_only_recruiting_unless_asked() -> None:
    base = ["trials", "--subtype", "hr-positive", "--sites", "bone", "--studies", str(STUDIES), "--json"]
    recruiting = {r["nctId"] for r in json_lines(run_cli(*base).stdout)}
    assert recruiting == {"NCT09990001", "NCT09990002"}
    with_not_yet = {r["nctId"] for r in json_lines(run_cli(*base, "--not-yet-recruiting").stdout)}
    assert with_not_yet == recruiting | {"NCT09990003"}


def test_trials_within_a_distance_of_a_zip_code() -> None:
    result = run_cli(
        "trials", "--subtype", "hr-positive", "--sites", "bone", "--zip", "02215", "--miles", "50",
        "--studies", str(STUDIES), "--all-statuses", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = json_lines(result.stdout)
    assert rows, "a fixture study has a site in Boston"
    assert all(r["distanceMiles"] is None or r["distanceMiles"] <= 50 for r in rows)


def test_trials_from_the_api_stand_in(standin: Any, tmp_path: Path) -> None:
    env = {"CTGOV_BASE_URL": standin.base_url, "MBC_CACHE_DIR": str(tmp_path)}
    result = run_cli("trials", "--subtype", "her2-positive", "--sites", "brain", "--json", env=env)
    assert result.returncode == 0, result.stderr
    ids = {r["nctId"] for r in json_lines(result.stdout)}
    assert "NCT09990002" in ids  # the recruiting HER2-positive brain-metastasis trial


def test_unreachable_api_is_one_clear_line_with_status_1(tmp_path: Path) -> None:
    env = {
        "CTGOV_BASE_URL": "http://127.0.0.1:9/api/v2",
        "MBC_CACHE_DIR": str(tmp_path),
        "MBC_SEARCH_SECONDS": "1",  # the retries stop within a second, not after 8 s of backoff
    }
    result = run_cli("trials", "--subtype", "hr-positive", "--sites", "bone", "--json", env=env)
    assert result.returncode == 1
    assert "127.0.0.1" in result.stderr and "--studies" in result.stderr
    assert "Traceback" not in result.stderr


def test_packet_pdf_holds_the_chosen_trial(tmp_path: Path) -> None:
    out = tmp_path / "packet.pdf"
    result = run_cli(
        "packet", "--subtype", "her2-positive", "--sites", "brain", "--trials", "NCT09990002",
        "--studies", str(STUDIES), "--out", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    assert "NCT09990002" in text
    assert "not medical advice" in text.lower()


def test_packet_markdown_and_csv(tmp_path: Path) -> None:
    common = ["--subtype", "hr-positive", "--sites", "bone", "--trials", "NCT09990001,NCT09990003"]
    md, csv_file = tmp_path / "p.md", tmp_path / "p.csv"
    assert run_cli("packet", *common, "--studies", str(STUDIES), "--out", str(md)).returncode == 0
    assert run_cli("packet", *common, "--studies", str(STUDIES), "--out", str(csv_file)).returncode == 0
    assert "NCT09990001" in md.read_text() and "NCT09990003" in md.read_text()
    rows = list(csv.DictReader(io.StringIO(csv_file.read_text())))
    assert [r["nct_id"] for r in rows] == ["NCT09990001", "NCT09990003"]


def test_packet_says_where_distances_are_measured_from_and_ends_with_notes(tmp_path: Path) -> None:
    md = tmp_path / "p.md"
    result = run_cli(
        "packet", "--subtype", "hr-positive", "--sites", "bone", "--zip", "02215", "--miles", "3000",
        "--trials", "NCT09990001", "--studies", str(STUDIES), "--out", str(md),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    text = md.read_text()
    assert "from the centre of the area entered (Boston, MA)" in text
    assert "— about 2 miles away" in text and "02215" not in text
    assert "## Notes" in text


def test_packet_with_an_unknown_trial_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli(
        "packet", "--subtype", "hr-positive", "--sites", "bone", "--trials", "NCT00000001",
        "--studies", str(STUDIES), "--out", str(tmp_path / "p.pdf"),
    )  # fmt: skip
    assert result.returncode == 2
    assert "NCT00000001" in result.stderr


def test_no_arguments_starts_the_dashboard_with_privacy_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started: list[list[str]] = []

    class Server:
        """The server's process, stood in for: this test only looks at how it is started."""

        def __init__(self, command: list[str]) -> None:
            started.append(command)

        def wait(self) -> int:
            return 0

    handler = signal.getsignal(signal.SIGTERM)
    monkeypatch.setattr(cli.subprocess, "Popen", Server)
    assert cli.main([]) == 0
    assert signal.getsignal(signal.SIGTERM) is handler  # the command's own handler is gone again
    command = started[0]
    assert command[1:3] == ["-m", "dashboard.server"]  # streamlit run app.py, warmed up at start
    assert "--browser.gatherUsageStats=false" in command
    assert "--client.showErrorDetails=none" in command


# -- nothing from outside crashes it (issue 11) ----------------------------------------------------

PROFILE = ["--subtype", "hr-positive", "--sites", "bone"]


def fixture_records() -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads(STUDIES.read_text())["studies"]
    return records


def minimal_page(count: int, *, total: int, token: bool) -> str:
    studies = [
        {
            "protocolSection": {
                "identificationModule": {"nctId": f"NCT1{n:07d}", "briefTitle": f"Study {n}"},
                "statusModule": {"overallStatus": "RECRUITING"},
            }
        }
        for n in range(count)
    ]
    page: dict[str, Any] = {"studies": studies, "totalCount": total}
    if token:
        page["nextPageToken"] = "more"
    return json.dumps(page)


def one_error_line(result: subprocess.CompletedProcess[str], status: int) -> str:
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize("value", ["inf", "1e308", "-1", "abc", "nan", "9" * 400])
def test_a_bad_cache_hours_setting_is_one_clear_line(value: str, tmp_path: Path) -> None:
    env = {"MBC_CACHE_HOURS": value, "MBC_CACHE_DIR": str(tmp_path)}
    line = one_error_line(run_cli("trials", *PROFILE, "--json", env=env), 2)
    assert "MBC_CACHE_HOURS" in line and "not a number from 0 to 8760" in line


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("MBC_SEARCH_SECONDS", "0", "not a number from 1 to 300"),
        ("MBC_SEARCH_SECONDS", "inf", "not a number from 1 to 300"),
        ("CTGOV_BASE_URL", "ftp://example/api", "not a web address"),
    ],
)
def test_every_setting_is_checked(name: str, value: str, words: str, tmp_path: Path) -> None:
    line = one_error_line(
        run_cli("trials", *PROFILE, env={name: value, "MBC_CACHE_DIR": str(tmp_path)}), 2
    )
    assert name in line and words in line


def test_a_capped_search_says_so_in_text_and_in_json(tmp_path: Path) -> None:
    from data.ctgov_standin import StandinServer

    page = minimal_page(1000, total=2345, token=True)
    with StandinServer(fixture_records()) as server:
        env = {"CTGOV_BASE_URL": server.base_url, "MBC_CACHE_DIR": str(tmp_path / "a")}
        server.add_fault("json", count=2, body=page)
        text = run_cli("trials", *PROFILE, env=env)
        env["MBC_CACHE_DIR"] = str(tmp_path / "b")
        server.add_fault("json", count=2, body=page)
        as_json = run_cli("trials", *PROFILE, "--json", env=env)
    assert text.returncode == 0, text.stderr
    assert "Note: Only the first 1,000 trials of 2,345 that matched were read" in text.stdout
    rows = json_lines(as_json.stdout)
    assert len(rows) == 1000 and all(row["resultsCapped"] is True for row in rows)
    assert "Only the first 1,000 trials" in as_json.stderr


def test_a_search_that_was_not_capped_says_so_in_json(standin: Any, tmp_path: Path) -> None:
    env = {"CTGOV_BASE_URL": standin.base_url, "MBC_CACHE_DIR": str(tmp_path)}
    rows = json_lines(run_cli("trials", *PROFILE, "--json", env=env).stdout)
    assert rows and all(row["resultsCapped"] is False for row in rows)


def test_a_record_of_the_wrong_type_is_left_out_with_a_count(tmp_path: Path) -> None:
    from data.ctgov_standin import StandinServer

    records = fixture_records()
    bad = json.loads(json.dumps(records[1]))
    bad["protocolSection"]["contactsLocationsModule"]["locations"] = 1
    body = json.dumps({"studies": [records[0], bad], "totalCount": 2})
    with StandinServer(records) as server:
        server.add_fault("json", count=1, body=body)
        env = {"CTGOV_BASE_URL": server.base_url, "MBC_CACHE_DIR": str(tmp_path)}
        result = run_cli("trials", *PROFILE, env=env)
        again = run_cli("trials", *PROFILE, "--json", env=env)  # the server is healthy again
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert "NCT09990001" in result.stdout
    assert "Note: 1 record from ClinicalTrials.gov could not be read and was left out." in result.stdout
    assert again.returncode == 0 and "Traceback" not in again.stderr
    assert "NCT09990002" in {r["nctId"] for r in json_lines(again.stdout)}  # the bad answer was not kept


def test_a_wrong_shaped_answer_is_an_error_not_no_trials(tmp_path: Path) -> None:
    from data.ctgov_standin import StandinServer

    with StandinServer(fixture_records()) as server:
        server.add_fault("json", count=10, body='{"studies": {"a": 1}}')
        env = {
            "CTGOV_BASE_URL": server.base_url,
            "MBC_CACHE_DIR": str(tmp_path),
            "MBC_SEARCH_SECONDS": "2",
        }
        line = one_error_line(run_cli("trials", *PROFILE, env=env), 1)
    assert "not in the expected shape" in line


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"studies": [], "totalCount": ' + "9" * 5000 + "}", "number or text"),
    ],
)
def test_a_hostile_studies_file_is_one_clear_line(content: str, words: str, tmp_path: Path) -> None:
    path = tmp_path / "hostile.json"
    path.write_text(content)
    line = one_error_line(run_cli("trials", *PROFILE, "--studies", str(path)), 2)
    assert "--studies" in line and words in line


def test_a_gzip_bomb_as_a_studies_file_is_refused(tmp_path: Path) -> None:
    from data.ctgov_standin import gzip_bomb

    path = tmp_path / "bomb.json.gz"
    path.write_bytes(gzip_bomb(2**31))
    line = one_error_line(run_cli("trials", *PROFILE, "--studies", str(path)), 2)
    assert "larger than the 256 MB this app reads" in line


def test_a_damaged_cache_file_is_set_aside_with_one_line(standin: Any, tmp_path: Path) -> None:
    (tmp_path / "ctgov_answers.sqlite").write_bytes(b"this is not a database" * 100)
    env = {"CTGOV_BASE_URL": standin.base_url, "MBC_CACHE_DIR": str(tmp_path)}
    result = run_cli("trials", *PROFILE, "--json", env=env)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert json_lines(result.stdout)
    [line] = result.stderr.strip().splitlines()
    assert "could not be used (it is damaged)" in line and "set aside" in line


@pytest.mark.parametrize("trials", ["NCT0", "12345", "NCT09990001,foo"])
def test_a_malformed_trial_number_for_the_packet_is_a_usage_error(trials: str, tmp_path: Path) -> None:
    env = {"CTGOV_BASE_URL": "http://127.0.0.1:9/api/v2", "MBC_CACHE_DIR": str(tmp_path)}
    out = tmp_path / "p.pdf"
    line = one_error_line(run_cli("packet", *PROFILE, "--trials", trials, "--out", str(out), env=env), 2)
    assert "--trials" in line and "is not a ClinicalTrials.gov study number" in line


@pytest.mark.parametrize("value", ["0.5", "65", "-1", "abc", "inf"])
def test_a_bad_reading_workers_setting_is_one_clear_line(value: str, tmp_path: Path) -> None:
    env = {"MBC_READING_WORKERS": value, "MBC_CACHE_DIR": str(tmp_path)}
    args = ("trials", *PROFILE, "--studies", str(STUDIES), "--all-statuses", "--json")
    line = one_error_line(run_cli(*args, env=env), 2)
    assert "MBC_READING_WORKERS" in line


def test_reading_workers_set_to_one_still_matches(tmp_path: Path) -> None:
    env = {"MBC_READING_WORKERS": "1", "MBC_CACHE_DIR": str(tmp_path)}
    args = ("trials", *PROFILE, "--studies", str(STUDIES), "--all-statuses", "--json")
    result = run_cli(*args, env=env)
    assert result.returncode == 0, result.stderr
    assert json_lines(result.stdout)
