"""Shareable views: a profile survives the URL round trip; bad links give a message, not a crash."""

import pytest

from matchers.profile import PatientProfile
from matchers.share_link import profile_from_query, profile_to_query

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
    ("params", "fragment"),
    [
        ({"subtype": "luminal", "sites": "bone"}, "subtype='luminal'"),
        ({"subtype": "hr-positive", "sites": "bone,kidney"}, "sites='kidney'"),
        ({"subtype": "hr-positive", "sites": "bone", "age": "abc"}, "age='abc'"),
        ({"sites": "bone"}, "missing subtype"),
        ({"subtype": "hr-positive"}, "missing sites"),
    ],
)
def test_bad_link_gives_clear_message_and_no_profile(params: dict, fragment: str) -> None:
    view = profile_from_query(params)
    assert view.profile is None
    assert view.error is not None
    assert fragment in view.error
    assert "empty form" in view.error
