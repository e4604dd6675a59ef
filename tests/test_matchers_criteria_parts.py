"""Part labels of multi-part trials: what a line names, how labels nest, which parts are leaves."""

from __future__ import annotations

import pytest

from matchers.criteria_parts import (
    applies,
    heading_parts,
    label_line_parts,
    leaves,
    nest,
    prefix_parts,
    suffix_parts,
)
from matchers.criteria_text import split_criteria


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("Part 1 - Histologically confirmed pancreatic cancer", ("part 1",)),
        ("Cohort A: Metastatic HER2 IHC 3+ solid tumors", ("cohort a",)),
        ("For phase Ib, any line of prior treatment is permitted", ("phase 1b",)),
        ("For the Dose-escalation and MTD Expansion Cohorts: solid tumor", ("escalation", "expansion")),
        ("Dose-escalation part: patients do not need measurable disease", ("escalation",)),
        ("For the Esophageal Expansion Cohort: ESCC", ("esophageal expansion",)),
        ("Arms 1E, 2E and 3E: ALK-positive solid tumor", ("arm 1e", "arm 2e", "arm 3e")),
        ("In the expansion cohort only, a fresh biopsy is required", ("expansion",)),
        ("All patients must have measurable disease", ()),
        ("Patients with ER-positive disease: prior endocrine therapy", ()),
        ("Part of the tumor must be accessible", ()),
        ("For Phase Ia (dose escalation): Enriched for patients with", ("phase 1a",)),
    ],
)
def test_a_criterion_that_starts_with_a_part_label(text: str, parts: tuple[str, ...]) -> None:
    assert prefix_parts(text) == parts


@pytest.mark.parametrize(
    ("line", "parts"),
    [
        ("Group 1", ("group 1",)),
        ("PART B:", ("part b",)),
        ("Group 1 and 2", ("group 1", "group 2")),
        ("Dose escalation:", ("escalation",)),
        ("Part", None),
        ("Adults", None),
        ("Hepatic:", None),
    ],
)
def test_a_line_that_is_only_a_part_label(line: str, parts: tuple[str, ...] | None) -> None:
    assert label_line_parts(line) == parts


@pytest.mark.parametrize(
    ("heading", "parts"),
    [
        ("Part A1: Monotherapy Dose Escalation Inclusion Criteria", ("part a1",)),
        ("Exclusion criteria specific to Cohort A1:", ("cohort a1",)),
        ("Inclusion Criteria (All Cohorts):", ()),
        ("Key Inclusion Criteria: Study-Wide Eligibility (Across All Study Parts):", ()),
        ("Exclusion Criteria:", ()),
    ],
)
def test_headings_open_a_part_or_the_whole_trial(heading: str, parts: tuple[str, ...]) -> None:
    assert heading_parts(heading) == parts


def test_nesting_keeps_sub_parts_and_replaces_siblings() -> None:
    assert nest(("group 2",), ("part 1",)) == ("group 2/part 1",)
    assert nest(("part a",), ("part b",)) == ("part b",)
    assert nest(("escalation", "expansion"), ("expansion",)) == ("expansion",)
    assert nest((), ("cohort a",)) == ("cohort a",)
    assert nest(("cohort a",), ()) == ("cohort a",)


def test_leaves_and_what_applies_to_them() -> None:
    found = {"group 1", "group 2", "group 2/part 1", "group 2/part 2"}
    assert leaves(found) == ["group 1", "group 2/part 1", "group 2/part 2"]
    assert applies(("group 2",), "group 2/part 1")
    assert not applies(("group 1",), "group 2/part 1")
    assert applies((), "group 1")


def test_the_splitter_labels_items_with_their_parts() -> None:
    text = (
        "Inclusion Criteria:\n\nGroup 1\n\n* Any solid tumor\n* At least 1 prior regimen\n\n"
        "Group 2\n\n* Part 1 - Triple-negative breast cancer (second line)\n"
        "* Part 2 - Pancreatic adenocarcinoma\n\nExclusion Criteria:\n\n* ECOG >= 2"
    )
    items = {i.text: i.parts for i in split_criteria(text)}
    assert items["Any solid tumor"] == ("group 1",)
    assert items["Part 1 - Triple-negative breast cancer (second line)"] == ("group 2/part 1",)
    assert items["Part 2 - Pancreatic adenocarcinoma"] == ("group 2/part 2",)
    assert items["ECOG >= 2"] == ()


def test_a_part_heading_with_a_colon_opens_the_part_and_a_study_wide_heading_closes_it() -> None:
    text = (
        "Key Inclusion Criteria: Study-Wide Eligibility (Across All Study Parts):\n"
        "1. ECOG 0 or 1\n\n"
        "Part A1: Monotherapy Dose Escalation Inclusion Criteria\n\n"
        "1. Advanced solid malignancy refractory to standard treatment\n\n"
        "Part A2: Biomarker-Focused Backfill Inclusion Criteria\n\n"
        "1. Triple negative breast cancer\n\n"
        "Key Exclusion Criteria: Study-Wide Eligibility (Across All Study Parts)\n\n"
        "1. Known central nervous system metastasis."
    )
    items = {i.text: (i.kind, i.parts) for i in split_criteria(text)}
    assert items["ECOG 0 or 1"] == ("inclusion", ())
    assert items["Advanced solid malignancy refractory to standard treatment"] == (
        "inclusion",
        ("part a1",),
    )
    assert items["Triple negative breast cancer"] == ("inclusion", ("part a2",))
    assert items["Known central nervous system metastasis."] == ("exclusion", ())


def test_a_part_label_inside_a_list_covers_only_its_own_sub_items() -> None:
    text = (
        "Inclusion Criteria:\n"
        "* Histological confirmation of cancer.\n"
        "  * Part A\n"
        "    1. Stage IV disease after one line\n"
        "  * Part B - Untreated disease\n"
        "* ECOG performance status of 0 or 1.\n"
    )
    items = {i.text: i.parts for i in split_criteria(text)}
    assert items["Stage IV disease after one line"] == ("part a",)
    assert items["Part B - Untreated disease"] == ("part b",)
    assert items["ECOG performance status of 0 or 1."] == ()


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("Triple-negative disease only (phase II)", ("phase 2",)),
        ("Measurable disease only for phase II study", ("phase 2",)),
        ("ER and PR negative (cohort B only)", ("cohort b",)),
        ("HER2-low disease for the expansion cohort", ("expansion",)),
        ("Prior treatments allowed (phase II):", ("phase 2",)),
        ("ECOG performance status 0-1 (phase I) or 0-2 (phase II)", ()),
        ("Prior participation in a phase 1 study", ()),
        ("Measurable disease (RECIST 1.1)", ()),
    ],
)
def test_a_part_named_at_the_end_of_a_criterion(text: str, parts: tuple[str, ...]) -> None:
    assert suffix_parts(text) == parts


def test_a_restriction_tagged_to_one_phase_holds_only_there() -> None:
    items = split_criteria(
        "Inclusion Criteria:\n* Metastatic breast cancer\n* Any ER, PR or HER2 status (phase I)\n"
        "* Triple-negative disease only (phase II)\n* Prior treatments allowed (phase II):\n"
        "  * 0 or 1 prior chemotherapy regimens"
    )
    parts = {item.text: item.parts for item in items}
    assert parts["Metastatic breast cancer"] == ()
    assert parts["Triple-negative disease only (phase II)"] == ("phase 2",)
    assert parts["0 or 1 prior chemotherapy regimens"] == ("phase 2",)
