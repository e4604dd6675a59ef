"""The ``mbc-navigator`` command: same selections as the dashboard, one-line errors with status 2."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from tests.conftest import FIXTURES, ROOT

STUDIES = FIXTURES / "ctgov_breast_studies.json"


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dashboard.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
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
    env = {"CTGOV_BASE_URL": "http://127.0.0.1:9/api/v2", "MBC_CACHE_DIR": str(tmp_path)}
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
    from dashboard import cli

    started: list[list[str]] = []
    monkeypatch.setattr(cli.subprocess, "call", lambda command: started.append(command) or 0)
    assert cli.main([]) == 0
    command = started[0]
    assert command[1:4] == ["-m", "streamlit", "run"]
    assert command[4].endswith("dashboard/app.py")
    assert "--browser.gatherUsageStats=false" in command
    assert "--client.showErrorDetails=none" in command
