"""The items added as single vocabulary entries: each is read in criteria and judged for a patient.

Biomarkers AKT1, PTEN and HER2 mutation; the TROP2 antibody-drug-conjugate and oral SERD classes;
drugs of existing classes that were missing. Nothing but their vocabulary entries was written for
them: these tests show the entries reach the form, the reader, the verdict and the wording.
"""

from __future__ import annotations

from typing import Any

import pytest

from data.models import Study
from matchers.eligibility import read_trial_uncached
from matchers.findings import Factor
from matchers.profile import PatientProfile
from matchers.verdict import judge

INC = "Inclusion Criteria:\n* Metastatic breast cancer\n* {}\nExclusion Criteria:\n* Pregnancy"
EXC = "Inclusion Criteria:\n* Metastatic breast cancer\nExclusion Criteria:\n* {}"


def study(criteria: str) -> Study:
    return Study.from_api(
        {
            "protocolSection": {
                "identificationModule": {
                    "nctId": "NCT09990101",
                    "briefTitle": "Drug X in Metastatic Breast Cancer",
                },
                "statusModule": {"overallStatus": "RECRUITING"},
                "conditionsModule": {"conditions": ["Metastatic Breast Cancer"]},
                "eligibilityModule": {"eligibilityCriteria": criteria, "sex": "ALL"},
            }
        }
    )


def keys(criteria: str) -> set[tuple[str, bool]]:
    return {(r.key, r.expects) for r in read_trial_uncached(study(criteria)).requirements}


def verdict(criteria: str, **profile: Any) -> tuple[str, str]:
    values: dict[str, Any] = {"subtype": "hr-positive", "sites": ("bone",), "prior_lines": 2, **profile}
    s = study(criteria)
    match = judge(PatientProfile(**values), read_trial_uncached(s), s)
    said = " ".join(str(x) for x in (*match.reasons, *match.concerns)) + " " + " ".join(match.questions)
    return match.verdict, said


# --- biomarkers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("criterion", "expected"),
    [
        ("PIK3CA/AKT1/PTEN-alteration as detected by an approved test", "biomarker:akt1|pik3ca|pten"),
        (
            "Tumour with a PIK3CA mutation, or PTEN loss by IHC, or an AKT1 E17K mutation",
            "biomarker:akt1|pik3ca|pten",
        ),
        ("Documented AKT1 mutation", "biomarker:akt1"),
        ("Loss of PTEN expression by immunohistochemistry", "biomarker:pten"),
        ("Activating HER2 (ERBB2) mutation in tumour tissue", "biomarker:her2-mutation"),
        ("HER2-mutant metastatic breast cancer", "biomarker:her2-mutation"),
    ],
)
def test_new_biomarkers_are_read_as_requirements(criterion: str, expected: str) -> None:
    assert (expected, True) in keys(INC.format(criterion))


def test_markers_joined_by_and_are_each_required() -> None:
    found = keys(INC.format("Both a PIK3CA mutation and an ESR1 mutation"))
    assert {("biomarker:pik3ca", True), ("biomarker:esr1", True)} <= found


def test_her2_positive_disease_with_a_pik3ca_mutation_is_not_a_her2_mutation() -> None:
    found = keys(INC.format("HER2-positive disease with an activating PIK3CA mutation"))
    assert not {k for k, _ in found if "her2-mutation" in k}


def test_an_excluded_marker_is_excluded_alone() -> None:
    assert ("biomarker:pten", False) in keys(EXC.format("Known PTEN loss or deletion"))


def test_a_patient_with_any_of_the_markers_fits_and_the_wording_has_its_article() -> None:
    criterion = INC.format("PIK3CA, AKT1 or PTEN alteration")
    fits, said = verdict(criterion, biomarkers=("akt1",))
    assert fits == "likely_eligible"
    assert "a PIK3CA mutation, an AKT1 mutation or a PTEN alteration (loss or mutation)" in said
    unknown, asked = verdict(criterion)
    assert unknown == "possibly_eligible" and "Ask whether your tumor was tested" in asked


def test_an_esr1_rule_says_an_esr1_mutation() -> None:
    _, said = verdict(INC.format("ESR1 mutation detected in ctDNA"))
    assert "an ESR1 mutation" in said and "a ESR1" not in said


# --- therapy classes and drugs ---------------------------------------------------------------------


def test_a_trop2_adc_rule_covers_both_trop2_drugs() -> None:
    criterion = EXC.format("Prior treatment with a TROP2-directed antibody-drug conjugate")
    assert ("prior:trop2-adc", False) in keys(criterion)
    for drug in ("datopotamab-deruxtecan", "sacituzumab-govitecan"):
        result, said = verdict(criterion, prior_therapies=(drug,))
        assert result == "likely_excluded", drug
        assert "TROP2-directed antibody-drug conjugate" in said


def test_datopotamab_deruxtecan_by_any_of_its_names() -> None:
    for name in ("datopotamab deruxtecan", "Dato-DXd", "Datroway", "DS-1062a"):
        assert ("prior:datopotamab-deruxtecan", False) in keys(EXC.format(f"Prior {name}")), name


def test_an_oral_serd_rule_and_its_drugs() -> None:
    for name in ("elacestrant", "camizestrant", "imlunestrant", "an oral SERD", "AZD9833"):
        assert ("prior:oral-serd", False) in keys(EXC.format(f"Prior {name}")), name
    result, _ = verdict(EXC.format("Prior elacestrant"), prior_therapies=("oral-serd",))
    assert result == "possibly_eligible"  # one oral SERD of several: which one she had is asked
    result, _ = verdict(EXC.format("Prior oral SERD"), prior_therapies=("oral-serd",))
    assert result == "likely_excluded"


def test_a_serd_is_fulvestrant_or_an_oral_serd() -> None:
    assert ("prior:fulvestrant|oral-serd", False) in keys(EXC.format("Prior SERD"))


@pytest.mark.parametrize(
    ("name", "therapy"),
    [
        ("cabazitaxel", "taxane"),
        ("Doxil", "anthracycline"),
        ("Tecentriq", "immunotherapy"),
        ("Tukysa", "her2-tki"),
        ("DS-8201a", "t-dxd"),
        ("Itovebi", "pi3k-inhibitor"),
        ("megestrol acetate", "endocrine-other"),
    ],
)
def test_missing_drugs_of_existing_classes_are_read(name: str, therapy: str) -> None:
    assert (f"prior:{therapy}", False) in keys(EXC.format(f"Prior {name}"))


def test_membership_from_the_vocabulary_reaches_the_verdict() -> None:
    """T-DXd is HER2-directed and an ADC: both rules turn away a patient who had it."""
    for rule in ("Prior HER2-directed therapy", "Prior antibody-drug conjugate"):
        result, _ = verdict(EXC.format(rule), subtype="her2-positive", prior_therapies=("t-dxd",))
        assert result == "likely_excluded", rule


def test_every_factor_has_a_verdict_rule() -> None:
    from matchers.verdict_rules import RULES

    assert set(RULES) == set(Factor)
