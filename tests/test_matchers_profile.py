"""Profile validation: every field refuses values outside its vocabulary and says what it accepts."""

import pytest

from data.geocode import is_zip_code
from matchers.profile import (
    PatientProfile,
    ProfileError,
    profile_from_mapping,
)


def test_valid_profile_orders_sites_and_drops_duplicates() -> None:
    profile = PatientProfile("hr-positive", ("liver", "bone", "bone"))
    assert profile.sites == ("bone", "liver")
    assert profile.hr_status == "positive"
    assert profile.her2_status == "negative"


@pytest.mark.parametrize(
    ("changes", "field_name"),
    [
        ({"subtype": "luminal"}, "subtype"),
        ({"sites": ("lung", "kidney")}, "sites"),
        ({"sites": ()}, "sites"),
        ({"age": 12}, "age"),
        ({"age": True}, "age"),
        ({"sex": "other"}, "sex"),
        ({"menopausal_status": "perimenopausal"}, "menopausal_status"),
        ({"ecog": 5}, "ecog"),
        ({"biomarkers": ("kras",)}, "biomarkers"),
        ({"prior_therapies": ("aspirin",)}, "prior_therapies"),
        ({"prior_lines": -1}, "prior_lines"),
        ({"brain_mets": "treated"}, "brain_mets"),
        ({"zip_code": "0221"}, "zip_code"),
        ({"travel_miles": 0}, "travel_miles"),
        ({"hormone_receptor": "positive"}, "hormone_receptor"),
    ],
)
def test_invalid_value_names_the_field_and_what_is_allowed(changes: dict, field_name: str) -> None:
    values = {"subtype": "hr-positive", "sites": ("bone",)} | changes
    with pytest.raises(ProfileError) as error:
        PatientProfile(**values)
    assert error.value.field_name == field_name
    assert field_name in str(error.value)
    assert "expected" in str(error.value)


def test_hormone_receptor_is_accepted_for_her2_positive() -> None:
    profile = PatientProfile("her2-positive", ("lung",), hormone_receptor="negative")
    assert profile.hr_status == "negative"
    assert profile.her2_status == "positive"


def test_unknown_subtype_leaves_receptors_unknown() -> None:
    profile = PatientProfile("unknown", ("bone",))
    assert profile.hr_status is None and profile.her2_status is None


def test_brain_status_implies_brain_site() -> None:
    profile = PatientProfile("her2-positive", ("lung",), brain_mets="stable")
    assert profile.sites == ("lung", "brain")
    assert profile.effective_brain_mets == "stable"


def test_brain_site_with_status_none_is_a_contradiction() -> None:
    with pytest.raises(ProfileError, match="brain_mets"):
        PatientProfile("her2-positive", ("brain",), brain_mets="none")


def test_brain_status_unknown_when_brain_chosen_without_status() -> None:
    assert PatientProfile("triple-negative", ("brain",)).effective_brain_mets is None
    assert PatientProfile("triple-negative", ("lung",)).effective_brain_mets == "none"


def test_profile_from_mapping_reads_strings_like_a_url_or_cli() -> None:
    profile = profile_from_mapping(
        {
            "subtype": "HER2-positive",
            "sites": "brain, lung",
            "age": "52",
            "biomarkers": "pik3ca",
            "prior_therapies": "trastuzumab,pertuzumab,taxane",
            "prior_lines": "1",
            "brain_mets": "stable",
            "unrelated": "ignored",
        }
    )
    assert profile.sites == ("lung", "brain")
    assert profile.age == 52
    assert profile.had("chemotherapy")
    assert not profile.had("endocrine")


def test_profile_from_mapping_reports_non_numeric_age() -> None:
    with pytest.raises(ProfileError, match="age"):
        profile_from_mapping({"subtype": "hr-positive", "sites": "bone", "age": "fifty"})


def test_to_dict_leaves_out_what_was_not_given() -> None:
    data = PatientProfile("hr-positive", ("bone",), age=61).to_dict()
    assert data == {"subtype": "hr-positive", "sites": ["bone"], "age": 61}


@pytest.mark.parametrize(
    ("text", "ok"), [("02215", True), ("0221²", False), ("０２２１５", False), ("2215", False)]
)
def test_one_zip_code_check_for_form_profile_and_geocoder(text: str, ok: bool) -> None:
    assert is_zip_code(text) is ok
