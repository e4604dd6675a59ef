"""The shortlist always reaches the packet; sites in words; registry text as readable structure."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from data.models import Site, Study
from matchers.profile import PatientProfile
from matchers.ranking import rank_trials
from matchers.registry_text import registry_lines, registry_markdown
from matchers.safe_text import escape_inline_markdown, escape_markdown
from matchers.shortlist import (
    KeptStudy,
    keep_records,
    phase_words,
    shortlist_packet_trials,
    shortlist_records,
)
from matchers.trial_places import site_points, sites_summary, where_it_runs
from tests.conftest import fixture_studies

STUDIES = {s.nct_id: s for s in (Study.from_api(raw) for raw in fixture_studies())}
WHEN = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
HER2_BRAIN = PatientProfile("her2-positive", ("brain",), brain_mets="stable")
BOSTON = (42.34, -71.10)


def test_each_starred_trial_comes_from_the_results_else_the_kept_copy_else_is_fetched() -> None:
    current = keep_records([STUDIES["NCT09990001"]], WHEN)
    kept = keep_records(
        [STUDIES["NCT09990001"], STUDIES["NCT09990002"]], datetime(2026, 11, 1, tzinfo=UTC)
    )
    plan = shortlist_records(["NCT09990002", "NCT09990001", "NCT09990004", "NCT09990002"], current, kept)
    assert list(plan.records) == ["NCT09990002", "NCT09990001"]
    assert plan.records["NCT09990001"].fetched_at == WHEN  # the newer copy on screen wins
    assert plan.to_fetch == ("NCT09990004",)


def test_every_starred_trial_reaches_the_packet_whatever_the_profile_now_is() -> None:
    """Star, then change the profile: the packet still holds each trial, judged anew."""
    ids = ["NCT09990002", "NCT09990003", "NCT09990005"]
    records = keep_records([STUDIES[i] for i in ids[:2]], WHEN)
    changed = PatientProfile("triple-negative", ("lung",), zip_code="02215", travel_miles=50)
    trials = shortlist_packet_trials(
        changed,
        ids,
        records,
        BOSTON,
        unavailable={"NCT09990005": "ClinicalTrials.gov could not be reached."},
    )
    assert [t.nct_id for t in trials] == ids  # as many as the sidebar counts, in starred order
    assert trials[0].record == "fetched 01 Dec 2026 09:00 UTC from ClinicalTrials.gov"
    assert trials[0].verdict_label != trials[1].verdict_label or trials[0].reasons != trials[1].reasons
    missing = trials[2]
    assert missing.title == "Details could not be fetched"
    assert missing.concerns == (
        "ClinicalTrials.gov could not be reached. Open the trial page for its details.",
    )
    assert missing.url == "https://clinicaltrials.gov/study/NCT09990005"


def test_a_saved_copy_says_so_in_its_record_line() -> None:
    kept = KeptStudy(STUDIES["NCT09990001"], WHEN, "the file trials.json", saved_copy=True)
    assert kept.record_line == "fetched 01 Dec 2026 09:00 UTC from the file trials.json (a saved copy)"


def test_a_phase_the_record_does_not_give_is_empty_not_not_given() -> None:
    assert phase_words(STUDIES["NCT09990004"]) == ""
    assert phase_words(STUDIES["NCT09990005"]) == "Phase: not applicable"
    assert phase_words(STUDIES["NCT09990002"]) == "Phase 2"


def _site(
    city: str, country: str, lat: float = 0.0, lon: float = 0.0, status: str = "RECRUITING"
) -> Site:
    return Site(facility=f"{city} Hospital", city=city, country=country, lat=lat, lon=lon, status=status)


def test_without_a_zip_code_a_trial_says_how_many_sites_and_where() -> None:
    many = Study(
        "NCT09990100",
        sites=(
            _site("Rosario", "Argentina"),
            *(_site(f"Town {n}", "United States") for n in range(9)),
            _site("Toronto", "Canada"),
            _site("Lyon", "France", status="COMPLETED"),
        ),
    )
    assert (
        sites_summary(many)
        == "11 open sites in 3 countries: United States (9), Argentina (1), Canada (1)"
    )
    few = Study("NCT09990101", sites=(_site("Rosario", "Argentina"), _site("Toronto", "Canada")))
    assert sites_summary(few) == "2 open sites: Rosario, Argentina; Toronto, Canada"
    assert sites_summary(Study("NCT09990102")) == "The record lists no sites"
    closed = Study("NCT09990103", sites=(_site("Lyon", "France", status="COMPLETED"),))
    assert sites_summary(closed) == "No site is recruiting now (1 site listed)"
    [match] = rank_trials(HER2_BRAIN, [many])
    assert where_it_runs(match, many).startswith("11 open sites")  # never the arbitrary first site


def test_with_a_zip_code_the_nearest_site_and_its_distance() -> None:
    study = STUDIES["NCT09990002"]
    [match] = rank_trials(HER2_BRAIN, [study], BOSTON)
    assert "miles away" in where_it_runs(match, study)


def test_trials_at_one_place_share_one_map_point_that_names_them() -> None:
    place = _site("Boston", "United States", 42.34, -71.1)
    base = STUDIES["NCT09990002"]  # a trial for her, so distances are measured
    one = replace(base, nct_id="NCT09990110", sites=(place,))
    two = replace(base, nct_id="NCT09990111", sites=(place, _site("Lyon", "France", 45.76, 4.83)))
    matches = rank_trials(HER2_BRAIN, [one, two])
    points = site_points(matches, {"NCT09990110": one, "NCT09990111": two}, nearest_only=False)
    boston = next(p for p in points if p.lat == 42.34)
    assert boston.trials == 2 and "2 trials: NCT09990110, NCT09990111" in boston.label
    assert len(points) == 2
    near = rank_trials(HER2_BRAIN, [one, two], BOSTON)
    nearest = site_points(near, {"NCT09990110": one, "NCT09990111": two}, nearest_only=True)
    assert len(nearest) == 1 and nearest[0].trials == 2


CRITERIA = """Inclusion Criteria:

1. Female subjects aged 18 years or older.
2. Screening laboratory values:

   1. Absolute neutrophil count \\>=1.5
   2. Total bilirubin \\<3 ULN

      * 2.5 x ULN with liver metastases
3. QTcF \\>480 msec, see [link](http://evil.example) <img src=x>

Exclusion Criteria:

* \\* i\\. Risk factors for torsade de pointes \\(TdP\\)
"""


def test_registry_text_is_read_into_nested_items() -> None:
    lines = registry_lines(CRITERIA)
    shape = [(line.depth, line.item, line.label) for line in lines]
    assert shape == [
        (0, False, ""),
        (0, True, "1."),
        (0, True, "2."),
        (1, True, "1."),
        (1, True, "2."),
        (2, True, ""),
        (0, True, "3."),
        (0, False, ""),
        (0, True, ""),
    ]
    assert lines[4].text == "Total bilirubin <3 ULN"  # the registry's escapes are undone


def test_registry_markdown_has_no_code_block_and_nothing_active() -> None:
    markdown = registry_markdown(CRITERIA, escape_markdown)
    assert all(
        not line.startswith("    ") or line.lstrip().startswith("- ") for line in markdown.split("\n")
    )
    assert "\n    - " in markdown  # a third-level item, indented as a list, not as code
    assert "](http" not in markdown and "<img" not in markdown
    assert "QTcF &gt;480 msec" in markdown
    assert "Risk factors for torsade de pointes \\(TdP\\)" in markdown  # escaped once, shown plainly


def test_inline_escaping_keeps_text_readable() -> None:
    assert (
        escape_inline_markdown("Standard-of-Care 844-310-3900 A&B")
        == "Standard-of-Care 844-310-3900 A&B"
    )
    assert escape_inline_markdown("![x](y) *b* <i>") == "!\\[x\\](y) \\*b\\* \\<i\\>"
    assert escape_inline_markdown("see https://x.org") == "see https\u2060://x.org"


def test_kept_records_can_be_replaced_by_a_newer_fetch() -> None:
    old = keep_records([STUDIES["NCT09990001"]], WHEN)
    newer = {**old, **keep_records([replace(STUDIES["NCT09990001"], last_update="2026-12-05")], WHEN)}
    assert newer["NCT09990001"].study.last_update == "2026-12-05"
