"""bench/bench_dashboard.py: its wait setting, its synthetic trials, and the trials page labels its
browser steps look for (the timing itself is the bench's job, not a test's)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench import bench_dashboard
from tests.test_dashboard_pages import open_page

FIXTURES = Path(__file__).parent / "fixtures"


def test_timeout_defaults_to_five_minutes_and_follows_the_setting() -> None:
    assert bench_dashboard.bench_timeout_ms({}) == 300_000
    assert bench_dashboard.bench_timeout_ms({"MBC_BENCH_TIMEOUT_S": " 30 "}) == 30_000


@pytest.mark.parametrize("value", ["soon", "0", "-5", "nan"])
def test_timeout_setting_that_is_not_a_positive_number_says_so(value: str) -> None:
    with pytest.raises(SystemExit, match="MBC_BENCH_TIMEOUT_S must be a number of seconds above 0"):
        bench_dashboard.bench_timeout_ms({"MBC_BENCH_TIMEOUT_S": value})


def test_clones_are_recruiting_mbc_trials_under_new_ids(tmp_path: Path) -> None:
    studies = json.loads((FIXTURES / "ctgov_breast_studies.json").read_text(encoding="utf-8"))["studies"]
    ctgov = tmp_path / "ctgov"
    ctgov.mkdir()
    for name in ("breast_studies.jsonl", "studies.jsonl"):
        (ctgov / name).write_text("".join(json.dumps(s) + "\n" for s in studies), encoding="utf-8")
    wanted = 2 * len(studies) + 1  # more than both files hold: the records are used again
    clones = bench_dashboard.clone_studies(tmp_path, wanted)
    protocols = [c["protocolSection"] for c in clones]
    ids = [p["identificationModule"]["nctId"] for p in protocols]
    assert ids == [f"NCT9{n:07d}" for n in range(1, wanted + 1)]
    assert {p["statusModule"]["overallStatus"] for p in protocols} == {"RECRUITING"}
    assert all("Metastatic Breast Cancer" in p["conditionsModule"]["conditions"] for p in protocols)
    assert studies[0]["protocolSection"]["identificationModule"]["nctId"].startswith("NCT0999")


def test_trials_page_offers_what_the_bench_clicks(app: Any) -> None:
    """The bench unfolds the filters by their toggle's words and picks a verdict by its label."""
    app.session_state["subtype"] = "hr-positive"
    app.session_state["sites"] = ["bone"]
    open_page(app, "views/trials.py")
    assert not app.exception, [e.value for e in app.exception]
    toggles = [e.label for e in app.expander if bench_dashboard.FILTERS_TOGGLE.search(e.label)]
    assert toggles == ["Filters: showing likely eligible, possibly eligible"]
    show = next(m for m in app.multiselect if m.label == "Show")
    assert "⛔ Likely not eligible" in show.options
    assert any(m.label == "Phase" for m in app.multiselect)
