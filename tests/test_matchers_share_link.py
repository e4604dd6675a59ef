"""Shareable views: a profile survives the URL round trip; bad links give a message, not a crash."""

import pytest

from matchers.profile import PatientProfile
from matchers.share_link import (
    link_problem_heading,
    link_problem_lines,
    profile_from_query,
    profile_to_query,
)

FULL = PatientProfile(
    subtype="her2-positive",
    hormone_receptor="positive",
    sites=("lung", "brain"),
    brain_mets="stable",
    age=48,
    sex="female",
    menopausal_status="premenopausal",
    ecog=1,
    biomarkers=("pik3ca",),
    prior_therapies=("taxane", "trastuzumab", "pertuzumab"),
    prior_lines=1,
    zip_code="02215",
    travel_miles=100,
)


def test_round_trip_keeps_every_choice_when_zip_is_shared() -> None:
    params = profile_to_query(FULL, include_zip=True)
    assert profile_from_query(params).profile == FULL


def test_zip_and_distance_stay_out_of_the_link_unless_opted_in() -> None:
    params = profile_to_query(FULL)
    assert "zip" not in params and "miles" not in params
    restored = profile_from_query(params).profile
    assert restored is not None
    assert restored.zip_code is None
    assert restored.sites == FULL.sites


def test_lists_are_comma_separated_short_keys() -> None:
    params = profile_to_query(FULL)
    assert params["sites"] == "lung,brain"
    assert params["prior"] == "taxane,trastuzumab,pertuzumab"


def test_empty_query_means_no_shared_view() -> None:
    view = profile_from_query({"utm_source": "email"})
    assert view.is_empty


@pytest.mark.parametrize(
    ("params", "fragment", "kept"),
    [
        (
            {"subtype": "luminal", "sites": "bone"},
            "'luminal' is not a type of breast cancer we know",
            {"sites": ["bone"]},
        ),
        (
            {"subtype": "hr-positive", "sites": "bone,kidney"},
            "'kidney' is not a place we know",
            {"subtype": "hr-positive", "sites": ["bone"]},
        ),
        (
            {"subtype": "hr-positive", "sites": "bone", "age": "abc"},
            "'abc' is not an age we can use",
            {"subtype": "hr-positive", "sites": ["bone"]},
        ),
        (
            {"subtype": "hr-positive", "sites": "bone", "ecog": "7"},
            "'7' is not a daily-activity (ECOG) score we know",
            {"subtype": "hr-positive", "sites": ["bone"]},
        ),
        (
            {"subtype": "triple-negative", "sites": "bone", "hr": "positive"},
            "only applies to HER2-positive cancer",
            {"subtype": "triple-negative", "sites": ["bone"]},
        ),
        (
            {"subtype": "hr-positive", "sites": "bone", "zip": "1234x"},
            "'1234x' is not a 5-digit US ZIP code",
            {"subtype": "hr-positive", "sites": ["bone"]},
        ),
    ],
)
def test_bad_link_values_are_named_in_words_and_the_rest_kept(
    params: dict[str, str], fragment: str, kept: dict[str, object]
) -> None:
    view = profile_from_query(params)
    assert view.error is not None and fragment in view.error
    assert dict(view.values) == kept
    for code in ("subtype=", "expected one of", "hr-positive,", "field"):
        assert code not in view.error  # no internal codes or field names


def test_every_bad_value_is_named_not_only_the_first() -> None:
    view = profile_from_query({"subtype": "nope", "sites": "bone,mars,venus", "age": "old"})
    assert view.problems == (
        "'nope' is not a type of breast cancer we know.",
        "'mars' is not a place we know.",
        "'venus' is not a place we know.",
        "'old' is not an age we can use (a whole number from 18 to 120).",
    )
    assert view.values == {"sites": ["bone"]}
    assert link_problem_heading(view).startswith("This link has 4 values we could not use.")


def test_a_link_missing_subtype_or_sites_keeps_what_it_has_without_a_complaint() -> None:
    view = profile_from_query({"sites": "bone", "age": "50"})
    assert view.profile is None and view.problems == ()
    assert view.values == {"sites": ["bone"], "age": 50}


def test_link_values_are_quoted_as_one_clean_short_line() -> None:
    hostile = "a\u202eb\u200b\n" + "x" * 500
    [problem] = profile_from_query({"subtype": hostile, "sites": "bone"}).problems
    assert "\u202e" not in problem and "\u200b" not in problem and "\n" not in problem
    assert len(problem) < 100


def test_thousands_of_bad_values_give_a_short_message() -> None:
    view = profile_from_query(
        {"subtype": "hr-positive", "sites": ",".join(f"p{n}" for n in range(5000))}
    )
    lines = link_problem_lines(view)
    assert len(lines) == 9 and lines[-1] == "…and 4,992 more values we could not use."


def test_a_link_carries_the_shortlist_and_names_each_bad_trial_number() -> None:
    params = profile_to_query(FULL, trials=["NCT09990002", "NCT01234567"])
    assert params["trials"] == "NCT09990002,NCT01234567"
    assert "zip" not in params  # trial numbers travel, the ZIP code still does not
    view = profile_from_query({**params, "trials": "nct9990002, NCT01234567,mars,NCT09990002,"})
    assert view.trials == ("NCT09990002", "NCT01234567")
    assert view.problems == (
        "'mars' is not a ClinicalTrials.gov trial number (they look like NCT01234567).",
    )
    assert view.profile is not None and view.profile.sites == FULL.sites


def test_a_link_with_only_trials_keeps_them() -> None:
    view = profile_from_query({"trials": "NCT09990004"})
    assert view.trials == ("NCT09990004",) and not view.is_empty and view.profile is None
