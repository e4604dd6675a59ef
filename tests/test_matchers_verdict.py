"""Verdicts for the scenarios that matter most to a patient, with explanations that quote."""

from __future__ import annotations

from typing import Any

import pytest

from data.models import Study
from matchers.eligibility import read_trial_uncached
from matchers.profile import PatientProfile
from matchers.verdict import TrialMatch, judge


def study(criteria: str, title: str = "Drug X in Metastatic Breast Cancer", **eligibility: Any) -> Study:
    return Study.from_api(
        {
            "protocolSection": {
                "identificationModule": {"nctId": "NCT00000002", "briefTitle": title},
                "statusModule": {"overallStatus": "RECRUITING"},
                "designModule": {"phases": ["PHASE2"]},
                "conditionsModule": {"conditions": ["Breast Cancer"]},
                "eligibilityModule": {"eligibilityCriteria": criteria, "sex": "ALL", **eligibility},
            }
        }
    )


def match(profile: PatientProfile, criteria: str, **kwargs: Any) -> TrialMatch:
    trial = study(criteria, **kwargs)
    return judge(profile, read_trial_uncached(trial), trial)


INC = "Inclusion Criteria:\n* {}\nExclusion Criteria:\n* Pregnancy"
EXC = "Inclusion Criteria:\n* Metastatic breast cancer\nExclusion Criteria:\n* {}"
HER2_STABLE_BRAIN = PatientProfile("her2-positive", ("brain", "lung"), brain_mets="stable")
HR_POSITIVE = PatientProfile("hr-positive", ("bone", "liver"))


def test_stable_brain_metastases_vs_trial_excluding_active_ones_is_eligible() -> None:
    result = match(HER2_STABLE_BRAIN, EXC.format("Active or untreated brain metastases"))
    assert result.verdict == "likely_eligible"
    assert any(
        "treated and stable" in str(r) and "Active or untreated brain metastases" in str(r)
        for r in result.reasons
    )


def test_stable_brain_metastases_vs_trial_excluding_any_brain_metastases_is_excluded() -> None:
    result = match(HER2_STABLE_BRAIN, EXC.format("Known brain metastases"))
    assert result.verdict == "likely_excluded"
    assert any(
        "brain metastases" in c.text and c.quote == "Known brain metastases" for c in result.concerns
    )


def test_active_brain_metastases_vs_trial_excluding_active_ones_is_excluded() -> None:
    profile = PatientProfile("her2-positive", ("brain",), brain_mets="active")
    result = match(profile, EXC.format("Active or untreated brain metastases"))
    assert result.verdict == "likely_excluded"
    assert any("still growing or untreated" in c.text for c in result.concerns)


def test_brain_status_not_given_becomes_a_question() -> None:
    profile = PatientProfile("her2-positive", ("brain",))
    result = match(profile, EXC.format("Active or untreated brain metastases"))
    assert result.verdict == "possibly_eligible"
    assert any("treated and stable" in q for q in result.questions)


def test_her2_positive_trial_matches_her2_positive_patient() -> None:
    result = match(HER2_STABLE_BRAIN, INC.format("HER2-positive metastatic breast cancer"))
    assert result.verdict == "likely_eligible"
    assert any(
        r.text == "This trial is for HER2-positive breast cancer, like yours." for r in result.reasons
    )
    assert "Matches your subtype" in result.fit


def test_unknown_pik3ca_vs_required_is_possibly_with_a_question() -> None:
    result = match(HR_POSITIVE, INC.format("Documented PIK3CA mutation"))
    assert result.verdict == "possibly_eligible"
    assert "The trial requires a PIK3CA mutation. Ask whether your tumor was tested." in result.questions


def test_known_pik3ca_vs_required_is_a_reason() -> None:
    profile = PatientProfile("hr-positive", ("bone",), biomarkers=("pik3ca",))
    result = match(profile, INC.format("Documented PIK3CA mutation"))
    assert result.verdict == "likely_eligible"
    assert "Matches your PIK3CA mutation" in result.fit


def test_postmenopausal_requirement_excludes_premenopausal_patient() -> None:
    profile = PatientProfile("hr-positive", ("bone",), menopausal_status="premenopausal")
    assert match(profile, INC.format("Postmenopausal women")).verdict == "likely_excluded"


def test_ovarian_suppression_lets_premenopausal_patient_in() -> None:
    profile = PatientProfile("hr-positive", ("bone",), menopausal_status="premenopausal")
    criteria = INC.format(
        "Postmenopausal women, or premenopausal women receiving ovarian function suppression"
    )
    result = match(profile, criteria)
    assert result.verdict == "likely_eligible"
    assert any("before menopause" in r.text for r in result.reasons)


def test_menopause_unknown_is_a_question() -> None:
    result = match(HR_POSITIVE, INC.format("Postmenopausal women"))
    assert result.verdict == "possibly_eligible"
    assert any("menopause" in q for q in result.questions)


def test_ecog_2_vs_ecog_0_1_is_excluded() -> None:
    profile = PatientProfile("triple-negative", ("lung",), ecog=2)
    result = match(profile, INC.format("ECOG performance status 0-1"))
    assert result.verdict == "likely_excluded"
    assert any("ECOG" in c.text and "yours is 2" in c.text for c in result.concerns)


def test_ecog_unknown_vs_typical_range_stays_likely_with_a_question() -> None:
    result = match(HR_POSITIVE, INC.format("ECOG performance status 0-1"))
    assert result.verdict == "likely_eligible"
    assert any("ECOG" in q for q in result.questions)


def test_prior_cdk46_vs_no_prior_cdk46_is_excluded() -> None:
    profile = PatientProfile(
        "hr-positive", ("bone",), prior_therapies=("cdk4/6-inhibitor", "aromatase-inhibitor")
    )
    result = match(profile, EXC.format("Prior treatment with a CDK4/6 inhibitor"))
    assert result.verdict == "likely_excluded"
    assert any("CDK4/6" in c.text for c in result.concerns)


def test_prior_therapy_not_given_vs_no_prior_cdk46_is_possibly() -> None:
    result = match(HR_POSITIVE, EXC.format("Prior treatment with a CDK4/6 inhibitor"))
    assert result.verdict == "possibly_eligible"
    assert any("CDK4/6" in q for q in result.questions)


def test_required_prior_cdk46_satisfied() -> None:
    profile = PatientProfile("hr-positive", ("bone",), prior_therapies=("cdk4/6-inhibitor",))
    result = match(profile, INC.format("Disease progression on a prior CDK4/6 inhibitor"))
    assert result.verdict == "likely_eligible"


def test_more_lines_than_allowed_is_excluded() -> None:
    profile = PatientProfile("triple-negative", ("lung",), prior_lines=4)
    result = match(profile, INC.format("No more than 2 prior lines of therapy for metastatic disease"))
    assert result.verdict == "likely_excluded"
    assert any("at most 2" in c.text and "you have had 4" in c.text for c in result.concerns)


def test_first_line_trial_vs_pretreated_patient_is_excluded() -> None:
    profile = PatientProfile("triple-negative", ("lung",), prior_lines=1)
    assert (
        match(profile, INC.format("No prior systemic therapy for metastatic disease")).verdict
        == "likely_excluded"
    )


def test_lines_unknown_becomes_a_question() -> None:
    profile = PatientProfile("triple-negative", ("lung",))
    result = match(profile, INC.format("No more than 2 prior lines of therapy for metastatic disease"))
    assert result.verdict == "possibly_eligible"
    assert any("how many" in q for q in result.questions)


def test_triple_negative_patient_vs_hr_positive_trial_is_excluded() -> None:
    profile = PatientProfile("triple-negative", ("lung",))
    result = match(profile, INC.format("HR-positive, HER2-negative advanced breast cancer"))
    assert result.verdict == "likely_excluded"
    assert any("yours is triple-negative" in c.text for c in result.concerns)


def test_unknown_subtype_turns_receptor_rule_into_a_question() -> None:
    profile = PatientProfile("unknown", ("lung",))
    result = match(profile, INC.format("HER2-positive metastatic breast cancer"))
    assert result.verdict == "possibly_eligible"
    assert any("HER2" in q for q in result.questions)


def test_early_stage_trial_is_not_relevant() -> None:
    result = match(
        HR_POSITIVE,
        INC.format("Stage I-III breast cancer"),
        title="Adjuvant Drug X in Early Breast Cancer",
    )
    assert result.verdict == "not_relevant"
    assert any("early-stage" in c.text for c in result.concerns)


def test_non_breast_trial_is_not_relevant() -> None:
    trial = Study.from_api(
        {
            "protocolSection": {
                "identificationModule": {
                    "nctId": "NCT00000003",
                    "briefTitle": "Drug X in Prostate Cancer",
                },
                "conditionsModule": {"conditions": ["Prostate Cancer"]},
                "eligibilityModule": {"eligibilityCriteria": "Metastatic prostate cancer"},
            }
        }
    )
    assert judge(HR_POSITIVE, read_trial_uncached(trial), trial).verdict == "not_relevant"


def test_male_patient_vs_female_only_trial_is_excluded() -> None:
    profile = PatientProfile("hr-positive", ("bone",), sex="male")
    result = match(profile, INC.format("Metastatic breast cancer"), sex="FEMALE")
    assert result.verdict == "likely_excluded"
    assert any("only for women" in c.text for c in result.concerns)


def test_male_patient_is_not_held_to_a_postmenopausal_rule() -> None:
    profile = PatientProfile("hr-positive", ("bone",), sex="male")
    result = match(profile, INC.format("Postmenopausal women or men"))
    assert result.verdict == "likely_eligible"
    assert any("accepts men" in r.text for r in result.reasons)


def test_age_below_minimum_is_excluded() -> None:
    profile = PatientProfile("hr-positive", ("bone",), age=30)
    result = match(profile, INC.format("Metastatic breast cancer"), minimumAge="40 Years")
    assert result.verdict == "likely_excluded"
    assert any("aged 40 Years and older" in c.text for c in result.concerns)


def test_age_above_maximum_is_excluded() -> None:
    profile = PatientProfile("hr-positive", ("bone",), age=80)
    assert (
        match(profile, INC.format("Metastatic breast cancer"), maximumAge="75 Years").verdict
        == "likely_excluded"
    )


def test_bone_only_patient_vs_trial_excluding_bone_only_disease() -> None:
    profile = PatientProfile("hr-positive", ("bone",))
    assert match(profile, EXC.format("Bone-only disease")).verdict == "likely_excluded"


def test_measurable_disease_required_is_an_open_question_for_every_patient() -> None:
    criteria = INC.format("At least one measurable lesion per RECIST 1.1")
    bone_only = match(PatientProfile("hr-positive", ("bone",)), criteria)
    liver = match(PatientProfile("hr-positive", ("liver",)), criteria)
    assert bone_only.verdict == liver.verdict == "possibly_eligible"
    assert any("only in the bones" in q for q in bone_only.questions)
    assert not any("only in the bones" in q for q in liver.questions)
    evaluable = INC.format("Measurable or evaluable disease per RECIST 1.1")
    assert match(PatientProfile("hr-positive", ("liver",)), evaluable).verdict == "likely_eligible"


def test_brain_metastasis_trial_is_raised_for_brain_patients() -> None:
    criteria = INC.format("1 to 3 brain metastases on MRI")
    with_brain = match(HER2_STABLE_BRAIN, criteria)
    without_brain = match(HR_POSITIVE, criteria)
    assert "Brain metastasis trial" in with_brain.fit
    assert without_brain.verdict == "likely_excluded"


@pytest.mark.parametrize(
    "profile",
    [
        HER2_STABLE_BRAIN,
        HR_POSITIVE,
        PatientProfile("unknown", ("other",)),
        PatientProfile(
            "triple-negative",
            ("lung", "brain"),
            age=45,
            sex="female",
            menopausal_status="premenopausal",
            ecog=1,
            biomarkers=("brca", "pd-l1"),
            prior_therapies=("taxane", "immunotherapy"),
            prior_lines=1,
            brain_mets="active",
            zip_code="02115",
            travel_miles=50,
        ),
    ],
)
def test_unknown_facts_never_exclude(profile: PatientProfile) -> None:
    """Every concern must rest on something the patient said (or the structured sex/age)."""
    criteria = (
        "Inclusion Criteria:\n* Documented PIK3CA mutation\n* Postmenopausal women\n* ECOG 0\n"
        "Exclusion Criteria:\n* Prior fulvestrant"
    )
    result = match(PatientProfile("unknown", ("other",)), criteria)
    assert result.verdict == "possibly_eligible"
    assert not result.concerns
    assert len(result.questions) >= 3
    match(profile, criteria)  # must not raise for fuller profiles


def test_reasons_are_plain_sentences_followed_by_the_quote() -> None:
    result = match(HER2_STABLE_BRAIN, INC.format("HER2-positive metastatic breast cancer"))
    rendered = [str(r) for r in result.reasons]
    assert any(r.endswith('The trial says: "HER2-positive metastatic breast cancer"') for r in rendered)


def test_disagreeing_parts_are_judged_apart_and_the_part_she_fits_counts() -> None:
    profile = PatientProfile("hr-positive", ("bone",), prior_therapies=("cdk4/6-inhibitor",))
    criteria = (
        "Inclusion Criteria:\n* Part A: must have progressed on a prior CDK4/6 inhibitor\n"
        "Exclusion Criteria:\n* Part B: prior treatment with a CDK4/6 inhibitor"
    )
    result = match(profile, criteria)
    assert result.verdict == "likely_eligible"
    assert any("part that fits you best (Part A)" in q for q in result.questions)
    naive = PatientProfile("hr-positive", ("bone",), prior_therapies=("aromatase-inhibitor",))
    assert "Part B" in " ".join(match(naive, criteria).questions)


def test_unlabelled_disagreement_is_a_question_not_an_exclusion() -> None:
    profile = PatientProfile("hr-positive", ("bone",), prior_therapies=("cdk4/6-inhibitor",))
    criteria = (
        "Inclusion Criteria:\n* Must have progressed on a prior CDK4/6 inhibitor\n"
        "Exclusion Criteria:\n* Prior treatment with a CDK4/6 inhibitor"
    )
    result = match(profile, criteria)
    assert result.verdict == "possibly_eligible"
    assert any("Different parts of this trial" in q for q in result.questions)


def test_required_prior_therapy_missing_from_a_partial_list_is_a_question() -> None:
    profile = PatientProfile("hr-positive", ("bone",), prior_therapies=("aromatase-inhibitor",))
    result = match(profile, INC.format("Disease progression on a prior CDK4/6 inhibitor"))
    assert result.verdict == "possibly_eligible"
    assert any("CDK4/6" in q and "not listed" in q for q in result.questions)


def test_required_prior_therapy_missing_from_a_complete_history_excludes() -> None:
    criteria = INC.format("Disease progression on a prior CDK4/6 inhibitor")
    listed = PatientProfile(
        "hr-positive", ("bone",), prior_therapies=("aromatase-inhibitor",), prior_lines=1
    )
    untreated = PatientProfile("hr-positive", ("bone",), prior_therapies=(), prior_lines=0)
    for profile in (listed, untreated):
        result = match(profile, criteria)
        assert result.verdict == "likely_excluded"
        assert any("not in your treatment history" in c.text for c in result.concerns)


def test_her2_positive_with_unknown_hormone_receptors_is_asked_about_them() -> None:
    profile = PatientProfile("her2-positive", ("lung",))
    result = match(profile, INC.format("HR-positive, HER2-positive metastatic breast cancer"))
    assert result.verdict == "possibly_eligible"
    assert any("hormone-receptor-positive" in q for q in result.questions)


def test_solid_tumor_trial_says_it_takes_several_cancers() -> None:
    trial = Study.from_api(
        {
            "protocolSection": {
                "identificationModule": {
                    "nctId": "NCT00000004",
                    "briefTitle": "Drug X in Advanced Solid Tumors",
                },
                "conditionsModule": {"conditions": ["Solid Tumor"]},
                "eligibilityModule": {
                    "eligibilityCriteria": "Inclusion Criteria:\n* Advanced solid tumor"
                },
            }
        }
    )
    result = judge(HR_POSITIVE, read_trial_uncached(trial), trial)
    assert result.verdict == "likely_eligible"
    assert any("several kinds of advanced cancer" in r.text for r in result.reasons)
    assert "Breast cancer trial" not in result.fit


PAN_TUMOR_TITLE = "Drug X in Advanced Solid Tumors"


def pan_tumor(profile: PatientProfile, criteria: str) -> TrialMatch:
    trial = Study.from_api(
        {
            "protocolSection": {
                "identificationModule": {"nctId": "NCT00000003", "briefTitle": PAN_TUMOR_TITLE},
                "designModule": {"phases": ["PHASE1"]},
                "conditionsModule": {"conditions": ["Advanced Solid Tumor"]},
                "eligibilityModule": {"eligibilityCriteria": criteria, "sex": "ALL"},
            }
        }
    )
    return judge(profile, read_trial_uncached(trial), trial)


FIRST_LINE = PatientProfile("hr-positive", ("liver",), prior_therapies=(), prior_lines=0)
PRETREATED = PatientProfile(
    "hr-positive",
    ("liver",),
    prior_therapies=("aromatase-inhibitor", "cdk4/6-inhibitor"),
    prior_lines=1,
)
REFRACTORY = INC.format("Solid tumor refractory to standard therapy")
NO_STANDARD = INC.format("Solid tumor for which no standard therapy is available")
OR_DECLINED = INC.format(
    "Solid tumor that failed standard therapy, or for which standard therapy is not appropriate"
)


def test_refractory_pan_tumor_trial_excludes_a_patient_not_yet_treated() -> None:
    result = pan_tumor(FIRST_LINE, REFRACTORY)
    assert result.verdict == "likely_excluded"
    assert any("standard treatment" in c.text for c in result.concerns)


def test_refractory_pan_tumor_trial_fits_a_pretreated_patient() -> None:
    result = pan_tumor(PRETREATED, REFRACTORY)
    assert result.verdict == "likely_eligible"
    assert any("grown despite earlier treatment" in r.text for r in result.reasons)


def test_no_standard_therapy_left_is_a_question_for_pretreated_and_excludes_untreated() -> None:
    pretreated = pan_tumor(PRETREATED, NO_STANDARD)
    assert pretreated.verdict == "possibly_eligible"
    assert any("no standard treatment left" in q for q in pretreated.questions)
    assert pan_tumor(FIRST_LINE, NO_STANDARD).verdict == "likely_excluded"


def test_standard_therapy_declined_or_unsuitable_keeps_the_trial_open_to_untreated() -> None:
    untreated = pan_tumor(FIRST_LINE, OR_DECLINED)
    assert untreated.verdict == "possibly_eligible"
    assert any("decline" in q for q in untreated.questions)
    assert pan_tumor(PRETREATED, OR_DECLINED).verdict == "likely_eligible"


def test_standard_therapy_clause_with_unknown_lines_is_a_question() -> None:
    result = pan_tumor(PatientProfile("hr-positive", ("liver",)), REFRACTORY)
    assert result.verdict == "possibly_eligible"


INTERVAL = INC.format(
    "At least 12 months between completion of adjuvant chemotherapy and the diagnosis of "
    "metastatic disease"
)


def test_relapse_interval_is_a_question_after_early_stage_treatment_only() -> None:
    early_chemo = PatientProfile(
        "triple-negative", ("lung",), prior_therapies=("anthracycline", "taxane"), prior_lines=0
    )
    result = match(early_chemo, INTERVAL)
    assert result.verdict == "possibly_eligible"
    assert any("how long after earlier chemotherapy" in q for q in result.questions)
    de_novo = PatientProfile("triple-negative", ("lung",), prior_therapies=(), prior_lines=0)
    assert match(de_novo, INTERVAL).verdict == "likely_eligible"
    pretreated = PatientProfile("triple-negative", ("lung",), prior_therapies=("taxane",), prior_lines=1)
    noted = match(pretreated, INTERVAL)
    assert noted.verdict == "likely_eligible" and noted.questions


@pytest.mark.parametrize(
    ("exclusion", "verdict"),
    [
        ("Symptomatic brain metastases", "possibly_eligible"),
        ("Symptomatic uncontrolled brain metastases", "possibly_eligible"),
        ("Symptomatic or untreated brain metastases", "likely_excluded"),
        ("Symptomatic or uncontrolled brain metastases", "likely_excluded"),
    ],
)
def test_symptoms_alone_are_a_question_for_active_brain_metastases(exclusion: str, verdict: str) -> None:
    profile = PatientProfile("triple-negative", ("brain",), brain_mets="active")
    assert match(profile, EXC.format(exclusion)).verdict == verdict


def test_any_systemic_therapy_requirement_is_met_by_hormone_therapy() -> None:
    profile = PatientProfile(
        "hr-positive", ("bone",), prior_therapies=("aromatase-inhibitor",), prior_lines=1
    )
    criteria = INC.format("Prior treatment with chemotherapy or other systemic antineoplastic therapy")
    assert match(profile, criteria).verdict == "likely_eligible"
    untreated = PatientProfile("hr-positive", ("bone",), prior_therapies=(), prior_lines=0)
    assert match(untreated, criteria).verdict == "likely_excluded"


def test_rare_gene_change_required_is_a_question() -> None:
    result = pan_tumor(PRETREATED, INC.format("Solid tumor with a KRAS G12C mutation"))
    assert result.verdict == "possibly_eligible"
    assert any("KRAS" in q for q in result.questions)


def test_a_genomic_test_already_done_is_a_question() -> None:
    result = match(HR_POSITIVE, INC.format("Patient has undergone NGS testing of the tumor"))
    assert result.verdict == "possibly_eligible"
    assert any("NGS" in q for q in result.questions)


@pytest.mark.parametrize(
    ("therapies", "lines", "verdict"),
    [
        (("aromatase-inhibitor", "cdk4/6-inhibitor"), 1, "likely_eligible"),
        (("aromatase-inhibitor", "cdk4/6-inhibitor", "taxane"), 2, "possibly_eligible"),
        (("taxane",), 1, "likely_excluded"),
    ],
)
def test_endocrine_lines_are_counted_when_every_treatment_was_hormone_based(
    therapies: tuple[str, ...], lines: int, verdict: str
) -> None:
    profile = PatientProfile("hr-positive", ("bone",), prior_therapies=therapies, prior_lines=lines)
    criteria = INC.format(
        "Progression on one or more lines of endocrine therapy for metastatic breast cancer"
    )
    assert match(profile, criteria).verdict == verdict


def test_the_group_she_fits_decides_and_the_part_is_named() -> None:
    criteria = (
        "Inclusion Criteria:\n\nGroup 1\n\n* Any advanced solid tumor\n"
        "* Subject must have received >= 1 prior treatment regimen\n\nGroup 2\n\n"
        "* Part 1 - Triple-negative breast cancer (second line)\n\nExclusion Criteria:\n\n* ECOG >= 2"
    )
    pretreated = match(PRETREATED, criteria)
    assert pretreated.verdict == "likely_eligible"
    assert any("(Group 1)" in q for q in pretreated.questions)
    assert match(FIRST_LINE, criteria).verdict == "likely_excluded"


def test_a_listing_without_criteria_is_never_likely_eligible() -> None:
    result = match(HR_POSITIVE, "")
    assert result.verdict == "possibly_eligible"
    assert any("no eligibility criteria" in q for q in result.questions)


def test_her2_treatment_lines_count_as_chemotherapy_lines() -> None:
    profile = PatientProfile(
        "her2-positive",
        ("liver",),
        prior_therapies=("trastuzumab", "pertuzumab", "taxane"),
        prior_lines=1,
    )
    criteria = INC.format("No prior chemotherapy for metastatic breast cancer")
    assert match(profile, criteria).verdict == "likely_excluded"
    endocrine_too = PatientProfile(
        "her2-positive",
        ("liver",),
        prior_therapies=("trastuzumab", "aromatase-inhibitor"),
        prior_lines=1,
    )
    assert match(endocrine_too, criteria).verdict == "likely_eligible"  # no chemotherapy at all
    mixed = PatientProfile(
        "her2-positive",
        ("liver",),
        prior_therapies=("trastuzumab", "taxane", "aromatase-inhibitor"),
        prior_lines=1,
    )
    assert match(mixed, criteria).verdict == "possibly_eligible"  # which line had what is unknown
    chemo_immuno = PatientProfile(
        "triple-negative", ("liver",), prior_therapies=("taxane", "immunotherapy"), prior_lines=1
    )
    assert match(chemo_immuno, criteria).verdict == "likely_excluded"


def test_a_named_subtype_is_a_question_for_other_subtypes_and_a_fit_for_hers() -> None:
    trial = Study.from_api(
        {
            "protocolSection": {
                "identificationModule": {
                    "nctId": "NCT00000004",
                    "briefTitle": "Drug X in Advanced Solid Tumours",
                },
                "conditionsModule": {
                    "conditions": ["Colorectal Cancer", "Triple Negative Breast Cancer"]
                },
                "eligibilityModule": {"eligibilityCriteria": INC.format("Advanced solid tumor")},
            }
        }
    )
    reading = read_trial_uncached(trial)
    hr = judge(HR_POSITIVE, reading, trial)
    assert hr.verdict == "possibly_eligible"
    assert any("names triple-negative breast cancer" in q for q in hr.questions)
    tnbc = judge(PatientProfile("triple-negative", ("lung",)), reading, trial)
    assert tnbc.verdict == "likely_eligible" and "Matches your subtype" in tnbc.fit


def test_early_stage_treatment_does_not_meet_a_rule_about_treatment_for_advanced_cancer() -> None:
    early_taxane = PatientProfile(
        "triple-negative", ("lung",), prior_therapies=("taxane",), prior_lines=0
    )
    excluded = EXC.format("Already exposed to docetaxel in metastatic setting")
    assert match(early_taxane, excluded).verdict == "likely_eligible"
    metastatic_taxane = PatientProfile(
        "triple-negative", ("lung",), prior_therapies=("taxane",), prior_lines=1
    )
    # docetaxel is one taxane and her answers name only the class: a question, not a ban
    assert match(metastatic_taxane, excluded).verdict == "possibly_eligible"
    class_ban = EXC.format("Already exposed to a taxane in metastatic setting")
    assert match(metastatic_taxane, class_ban).verdict == "likely_excluded"
    required = INC.format("Prior taxane for metastatic disease")
    assert match(early_taxane, required).verdict == "likely_excluded"


def test_a_regimen_count_without_a_stage_may_count_early_treatment() -> None:
    criteria = INC.format("Subject must have received at least 1 prior treatment regimen")
    early = PatientProfile(
        "triple-negative", ("lung",), prior_therapies=("anthracycline", "taxane"), prior_lines=0
    )
    result = match(early, criteria)
    assert result.verdict == "possibly_eligible"
    assert any("before the cancer spread" in q for q in result.questions)
    untreated = PatientProfile("triple-negative", ("lung",), prior_therapies=(), prior_lines=0)
    assert match(untreated, criteria).verdict == "likely_excluded"
    metastatic = INC.format("At least 1 prior regimen for metastatic disease")
    assert match(early, metastatic).verdict == "likely_excluded"


def test_bone_only_lesion_condition_is_a_question_only_for_bone_only_disease() -> None:
    criteria = INC.format("Subjects with bone only disease must have lytic or mixed lesions")
    assert match(PatientProfile("hr-positive", ("bone",)), criteria).verdict == "possibly_eligible"
    assert match(HR_POSITIVE, criteria).verdict == "likely_eligible"


ONLY_PHASE_3 = (
    "Key inclusion criteria for both phases:\n* Metastatic HR-positive, HER2-negative breast cancer\n"
    "Key inclusion criteria only for phase III:\n"
    "* No prior endocrine therapy for metastatic disease\n"
    "Exclusion Criteria:\n* Pregnancy"
)


def test_a_side_part_that_fits_while_the_main_part_excludes_is_only_possible() -> None:
    pretreated = PatientProfile(
        "hr-positive",
        ("bone", "liver"),
        prior_therapies=("aromatase-inhibitor", "cdk4/6-inhibitor"),
        prior_lines=1,
    )
    result = match(pretreated, ONLY_PHASE_3)
    assert result.verdict == "possibly_eligible"
    assert any("the part without extra rules" in q for q in result.questions)
    untreated = PatientProfile("hr-positive", ("bone", "liver"), prior_therapies=(), prior_lines=0)
    assert match(untreated, ONLY_PHASE_3).verdict == "likely_eligible"


BONE_TRIAL = INC.format("Metastatic breast cancer with at least one bone metastasis")


def test_a_bone_metastasis_trial_turns_away_a_patient_whose_sites_leave_out_bone() -> None:
    result = match(PatientProfile("her2-positive", ("lung", "lymph-nodes")), BONE_TRIAL)
    assert result.verdict == "likely_excluded"
    assert any("spread to the bones" in c.text for c in result.concerns)


def test_a_bone_metastasis_trial_fits_a_patient_with_bone_metastases() -> None:
    result = match(HR_POSITIVE, BONE_TRIAL)
    assert result.verdict == "likely_eligible"
    assert "Bone metastasis trial" in result.fit


@pytest.mark.parametrize(
    ("criteria", "sites"),
    [
        (INC.format("Metastatic breast cancer with liver metastases"), ("bone",)),
        (INC.format("Metastatic breast cancer with untreated brain metastases"), ("lung",)),
    ],
)
def test_site_requirements_use_the_site_list_as_a_stated_fact(
    criteria: str, sites: tuple[str, ...]
) -> None:
    assert match(PatientProfile("hr-positive", sites), criteria).verdict == "likely_excluded"


def any_stage_study(study_type: str, purpose: str | None) -> Study:
    design: dict[str, Any] = {"studyType": study_type}
    if purpose:
        design["designInfo"] = {"primaryPurpose": purpose}
    return Study.from_api(
        {
            "protocolSection": {
                "identificationModule": {"nctId": "NCT00000003", "briefTitle": "A Breast Cancer Study"},
                "designModule": design,
                "conditionsModule": {"conditions": ["Breast Cancer"]},
                "eligibilityModule": {
                    "eligibilityCriteria": "Inclusion Criteria:\n* Breast cancer of any stage",
                    "sex": "ALL",
                },
            }
        }
    )


@pytest.mark.parametrize(
    ("study_type", "purpose", "tests_treatment"),
    [
        ("OBSERVATIONAL", None, False),
        ("INTERVENTIONAL", "SUPPORTIVE_CARE", False),
        ("INTERVENTIONAL", "DIAGNOSTIC", False),
        ("INTERVENTIONAL", "TREATMENT", True),
        ("INTERVENTIONAL", None, True),
    ],
)
def test_a_study_open_to_every_stage_takes_her_but_ranks_below_studies_made_for_mbc(
    study_type: str, purpose: str | None, tests_treatment: bool
) -> None:
    """Both labelled sets call such studies eligible; what sets them apart is fit, not verdict."""
    trial = any_stage_study(study_type, purpose)
    assert trial.primary_purpose == purpose
    result = judge(HR_POSITIVE, read_trial_uncached(trial), trial)
    assert result.verdict == "likely_eligible"
    assert any("as well as earlier stages" in r.text for r in result.reasons)
    assert ("For metastatic disease" in result.fit) is tests_treatment
    assert (
        any("does not test a cancer treatment" in r.text for r in result.reasons) is not tests_treatment
    )


@pytest.mark.parametrize(
    ("title", "verdict"),
    [
        ("Spousal Relationships and Pain in Metastatic Breast Cancer", "possibly_eligible"),
        ("Hypnotherapy for Hot Flashes in Metastatic Breast Cancer", "possibly_eligible"),
        ("Drug X in Non-symptomatic Metastatic Breast Cancer", "likely_eligible"),
    ],
)
def test_a_study_about_a_symptom_asks_whether_she_has_it(title: str, verdict: str) -> None:
    result = match(HR_POSITIVE, INC.format("Metastatic breast cancer"), title=title)
    assert result.verdict == verdict
    assert any("This study is about" in q for q in result.questions) is (verdict != "likely_eligible")


@pytest.mark.parametrize(
    ("criterion", "words"),
    [
        (
            "Primary confirmed distant metastatic breast cancer (M1)",
            "already spread when it was first found",
        ),
        ("Metastatic breast cancer with stable disease on current treatment", "stable or shrinking"),
    ],
)
def test_a_disease_state_no_profile_records_is_a_question_not_an_exclusion(
    criterion: str, words: str
) -> None:
    result = match(HR_POSITIVE, f"Inclusion Criteria:\n* {criterion}")
    assert result.verdict == "possibly_eligible"
    assert any(words in q for q in result.questions)
