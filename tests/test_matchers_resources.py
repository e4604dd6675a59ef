"""Which resources a patient sees, why, and in what order."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data.resources import Resource, load_resources
from matchers.profile import BIOMARKERS, SITES, SUBTYPES, PatientProfile
from matchers.resources import (
    GROUP_GENERAL,
    GROUP_NEEDS,
    GROUP_SPECIFIC,
    NEED_LABELS,
    NEEDS,
    ResourceMatch,
    match_resources,
)

SHIPPED: tuple[Resource, ...] = load_resources()
HR_BONE = PatientProfile(subtype="hr-positive", sites=("bone",))
GROUP_ORDER = {GROUP_SPECIFIC: 0, GROUP_NEEDS: 1, GROUP_GENERAL: 2}


def _ids(matches: list[ResourceMatch]) -> list[str]:
    return [m.resource.id for m in matches]


def _make(resource_id: str, **changes: object) -> Resource:
    base = Resource(
        id=resource_id,
        name=resource_id.replace("-", " ").title(),
        offers="Something helpful.",
        phone=None,
        url=f"https://{resource_id}.example.org",
        countries=("US",),
        subtypes=None,
        sites=None,
        biomarkers=None,
        needs=("information",),
        kind="information",
        last_checked=date(2024, 1, 1),
        checked_source="test fixture",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_needs_constant_has_a_label_for_each_need() -> None:
    assert NEEDS == ("emotional-support", "financial-help", "trial-navigation", "caregiver-support")
    assert set(NEED_LABELS) == set(NEEDS)
    assert all(label and label[0].isupper() for label in NEED_LABELS.values())


def test_triple_negative_gets_the_tnbc_foundation_first_with_a_plain_reason() -> None:
    profile = PatientProfile(subtype="triple-negative", sites=("lung",))
    matches = match_resources(profile, SHIPPED)
    assert matches[0].resource.id == "tnbc-foundation"
    assert matches[0].group == GROUP_SPECIFIC
    assert "For people with triple-negative breast cancer" in matches[0].why


@pytest.mark.parametrize("subtype", ["hr-positive", "her2-positive", "unknown"])
def test_other_subtypes_do_not_get_the_tnbc_foundation(subtype: str) -> None:
    matches = match_resources(PatientProfile(subtype=subtype, sites=("lung",)), SHIPPED)
    assert "tnbc-foundation" not in _ids(matches)


def test_brain_site_gets_the_brain_metastasis_resource() -> None:
    profile = PatientProfile(subtype="her2-positive", sites=("brain", "bone"))
    match = next(m for m in match_resources(profile, SHIPPED) if m.resource.id == "abta")
    assert match.group == GROUP_SPECIFIC
    assert "For people whose cancer has spread to the brain" in match.why


def test_stable_brain_mets_count_as_the_brain_site() -> None:
    profile = PatientProfile(subtype="hr-positive", sites=("bone",), brain_mets="stable")
    assert "abta" in _ids(match_resources(profile, SHIPPED))


def test_no_brain_site_means_no_brain_resource() -> None:
    assert "abta" not in _ids(match_resources(HR_BONE, SHIPPED))


def test_brca_mutation_brings_hereditary_cancer_groups() -> None:
    with_brca = PatientProfile(subtype="hr-positive", sites=("bone",), biomarkers=("brca",))
    specific = [m for m in match_resources(with_brca, SHIPPED) if m.group == GROUP_SPECIFIC]
    assert {"sharsheret", "force"} <= set(_ids(specific))
    assert all("BRCA1 or BRCA2" in m.why[0] for m in specific)
    assert not {"sharsheret", "force"} & set(_ids(match_resources(HR_BONE, SHIPPED)))


def test_financial_need_brings_financial_help_first() -> None:
    matches = match_resources(HR_BONE, SHIPPED, needs=["financial-help"])
    helps = ["financial-help" in m.resource.needs for m in matches]
    first_other = helps.index(False)
    assert first_other >= 3
    assert all(helps[:first_other]) and not any(helps[first_other:])
    assert all("Helps with costs of treatment" in m.why for m in matches[:first_other])
    assert {"healthwell", "patient-advocate-foundation", "cancercare"} <= set(
        _ids(matches[:first_other])
    )


def test_resource_helping_more_ticked_needs_comes_first() -> None:
    one = _make("a-one-need", needs=("financial-help",))
    two = _make("b-two-needs", needs=("financial-help", "caregiver-support"))
    matches = match_resources(HR_BONE, [one, two], needs=["caregiver-support", "financial-help"])
    assert _ids(matches) == ["b-two-needs", "a-one-need"]
    assert matches[0].matched_needs == ("financial-help", "caregiver-support")


def test_specific_then_needs_then_general() -> None:
    general = _make("aaa-general")
    need = _make("bbb-need", needs=("emotional-support",))
    specific = _make("ccc-specific", sites=("bone",))
    matches = match_resources(HR_BONE, [general, need, specific], needs=["emotional-support"])
    assert _ids(matches) == ["ccc-specific", "bbb-need", "aaa-general"]
    assert [m.group for m in matches] == [GROUP_SPECIFIC, GROUP_NEEDS, GROUP_GENERAL]


def test_resource_limited_two_ways_must_fit_both() -> None:
    tnbc_brain = _make("tnbc-brain", subtypes=("triple-negative",), sites=("brain",))
    tnbc_bone = PatientProfile(subtype="triple-negative", sites=("bone",))
    tnbc_with_brain = PatientProfile(subtype="triple-negative", sites=("brain",))
    assert match_resources(tnbc_bone, [tnbc_brain]) == []
    (match,) = match_resources(tnbc_with_brain, [tnbc_brain])
    assert match.why == (
        "For people with triple-negative breast cancer",
        "For people whose cancer has spread to the brain",
    )


def test_canadian_profile_gets_canadian_entry_and_no_us_only_ones() -> None:
    profile = PatientProfile(subtype="her2-positive", sites=("lung",))
    matches = match_resources(profile, SHIPPED, needs=list(NEEDS), country="CA")
    ids = _ids(matches)
    assert "canadian-cancer-society" in ids
    assert "embrace" in ids
    assert all(m.resource.countries is None or "CA" in m.resource.countries for m in matches)
    assert not {"nci-cis", "acs", "cancercare", "healthwell"} & set(ids)


def test_uk_profile_gets_breast_cancer_now_and_not_the_us_line() -> None:
    ids = _ids(match_resources(HR_BONE, SHIPPED, country="GB"))
    assert "breast-cancer-now" in ids
    assert "nci-cis" not in ids and "canadian-cancer-society" not in ids


def test_country_code_is_case_and_space_insensitive() -> None:
    assert match_resources(HR_BONE, SHIPPED, country=" ca ") == match_resources(
        HR_BONE, SHIPPED, country="CA"
    )


@pytest.mark.parametrize("country", ["US", "CA", "GB", "FR"])
@pytest.mark.parametrize("subtype", SUBTYPES)
def test_embrace_is_always_listed_with_its_source(country: str, subtype: str) -> None:
    profile = PatientProfile(subtype=subtype, sites=("liver",))
    matches = match_resources(profile, SHIPPED, needs=["financial-help"], country=country)
    embrace = next(m for m in matches if m.resource.id == "embrace")
    assert embrace.always_listed
    assert embrace.source is not None and "What You Need to Know" in embrace.source
    assert any("Named in your patient guide" in reason for reason in embrace.why)


def test_national_line_is_always_listed_for_the_us() -> None:
    # Even a copy of the list that (wrongly) limits it to other countries keeps it for US patients.
    odd_copy = [replace(r, countries=("GB",)) if r.id == "nci-cis" else r for r in SHIPPED]
    for resources in (SHIPPED, odd_copy):
        match = next(m for m in match_resources(HR_BONE, resources) if m.resource.id == "nci-cis")
        assert match.always_listed
        assert match.why[0].startswith("The national cancer information line")


def test_general_resources_say_what_they_are() -> None:
    matches = match_resources(HR_BONE, SHIPPED)
    by_id = {m.resource.id: m for m in matches}
    assert by_id["family-caregiver-alliance"].why == (
        "Supports the family and friends who care for you",
    )
    assert by_id["lbbc"].why == ("A help line you can call with your questions",)
    assert all(m.why and all(reason.strip() for reason in m.why) for m in matches)


def test_order_does_not_depend_on_input_order() -> None:
    profile = PatientProfile(subtype="triple-negative", sites=("brain", "liver"), biomarkers=("brca",))
    expected = match_resources(profile, SHIPPED, needs=["emotional-support", "financial-help"])
    rng = random.Random(20261125)
    for _ in range(20):
        shuffled = list(SHIPPED)
        rng.shuffle(shuffled)
        got = match_resources(profile, shuffled, needs=["financial-help", "emotional-support"])
        assert got == expected


@pytest.mark.parametrize(("needs", "country"), [(["hugs"], "US"), ([], "USA"), ([], "1"), ([], "")])
def test_unknown_need_or_bad_country_is_refused(needs: list[str], country: str) -> None:
    with pytest.raises(ValueError):
        match_resources(HR_BONE, SHIPPED, needs=needs, country=country)


def test_a_single_need_given_as_text_is_one_need() -> None:
    assert match_resources(HR_BONE, SHIPPED, needs="financial-help") == match_resources(
        HR_BONE, SHIPPED, needs=["financial-help"]
    )


@settings(max_examples=60, deadline=None)
@given(
    subtype=st.sampled_from(SUBTYPES),
    sites=st.lists(st.sampled_from(SITES), min_size=1, unique=True),
    biomarkers=st.lists(st.sampled_from(BIOMARKERS), unique=True),
    needs=st.lists(st.sampled_from(NEEDS), unique=True),
    country=st.sampled_from(["US", "CA", "GB", "DE"]),
)
def test_any_profile_gets_sorted_groups_and_the_guide_program(
    subtype: str, sites: list[str], biomarkers: list[str], needs: list[str], country: str
) -> None:
    profile = PatientProfile(subtype=subtype, sites=tuple(sites), biomarkers=tuple(biomarkers))
    matches = match_resources(profile, SHIPPED, needs=needs, country=country)
    ranks = [GROUP_ORDER[m.group] for m in matches]
    assert ranks == sorted(ranks)
    assert "embrace" in _ids(matches)
    assert len(set(_ids(matches))) == len(matches)
    for m in matches:
        assert set(m.matched_needs) <= set(needs)
        assert m.always_listed or m.resource.serves_country(country)
