"""Reading the structure of criteria: scoped negation, headers over lists, provisos, old layouts.

Each test is written in our own words for one kind of structure the reader used to misread
(issue 10): a negation counted twice, a header whose meaning its list items inherit, a proviso
that re-admits, alternatives, and the older PDQ layout, hard-wrapped or flattened.
"""

from __future__ import annotations

from typing import Any

import pytest

from data.models import Study
from matchers.criteria_text import split_criteria
from matchers.eligibility import read_trial_uncached
from matchers.findings import HER2_POSITIVE_CELLS, TRIPLE_NEGATIVE_CELLS
from matchers.reader.context import negation
from matchers.trial_reading import TrialReading


def study(criteria: str, **labels: Any) -> Study:
    return Study.from_api(
        {
            "protocolSection": {
                "identificationModule": {
                    "nctId": "NCT09990201",
                    "briefTitle": labels.get("title", "Drug X in Metastatic Breast Cancer"),
                },
                "statusModule": {"overallStatus": "RECRUITING"},
                "conditionsModule": {
                    "conditions": list(labels.get("conditions", ["Metastatic Breast Cancer"]))
                },
                "eligibilityModule": {"eligibilityCriteria": criteria, "sex": "ALL"},
            }
        }
    )


def read(criteria: str, **labels: Any) -> TrialReading:
    return read_trial_uncached(study(criteria, **labels))


def keys(reading: TrialReading) -> set[tuple[str, bool]]:
    return {(r.key, r.expects) for r in reading.requirements}


# --- negation as scope -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pre", "expected"),
    [
        ("no prior ", "negated"),
        ("no prior chemotherapy and no prior ", "negated"),  # two triggers: still negated
        ("patients must not have ", "prohibition"),
        ("patients may not have ", "prohibition"),
        ("patients who have not received ", "negated"),
        ("patients who may not have had ", "negated"),  # a relative clause describes her
        ("patients cannot be enrolled without prior ", None),  # a double negative requires it
        ("patients with ", None),
    ],
)
def test_negation_is_read_as_a_scope_not_by_counting(pre: str, expected: str | None) -> None:
    assert negation(pre) == expected


def test_a_negated_header_in_the_exclusions_is_one_exclusion_not_two_negations() -> None:
    reading = read(
        "Inclusion Criteria:\n* Metastatic breast cancer\nExclusion "
        "Criteria:\n* Patients may not have:\n"
        "  * known history of metastasis to the central nervous system\n  * pregnancy"
    )
    assert keys(reading) == {("brain_mets", False)}


def test_a_prohibition_in_the_exclusions_excludes() -> None:
    reading = read(
        "Inclusion Criteria:\n* Metastatic breast cancer\nExclusion Criteria:\n"
        "* Patients must not have received prior treatment with a PARP inhibitor"
    )
    assert keys(reading) == {("prior:parp-inhibitor", False)}


def test_each_of_two_negated_drugs_is_excluded() -> None:
    reading = read(
        "Inclusion Criteria:\n* Metastatic breast cancer\n* No prior taxane and no prior anthracycline"
    )
    assert {("prior:taxane", False), ("prior:anthracycline", False)} <= keys(reading)


def test_an_exclusion_describing_who_has_not_been_treated_requires_the_treatment() -> None:
    reading = read(
        "Inclusion Criteria:\n* Metastatic breast cancer\nExclusion Criteria:\n"
        "* Patients who have not received prior endocrine therapy"
    )
    assert ("prior:endocrine", True) in keys(reading)


def test_a_proviso_re_admits_treated_stable_brain_metastases() -> None:
    reading = read(
        "Inclusion Criteria:\n* Metastatic breast cancer\nExclusion Criteria:\n* Patients must not have "
        "untreated brain metastases; however, patients with treated CNS "
        "metastases may participate if stable"
    )
    assert keys(reading) == {("brain_mets_active", False)}
    assert {a.key for a in reading.allowances} == {"brain_mets_stable"}


# --- the older layout -------------------------------------------------------------------------------


WRAPPED = """
        DISEASE CHARACTERISTICS:\r\n\r\n          -  Histologically proven metastatic breast cancer with
             overexpression of HER-2/neu by immunohistochemistry\r\n\r\n          -  No brain
             metastases\r\n\r\n        PRIOR CONCURRENT THERAPY:\r\n\r\n          -  No prior
             trastuzumab\r\n"""


def test_hard_wrapped_lines_are_joined_into_their_criterion() -> None:
    texts = [item.text for item in split_criteria(WRAPPED)]
    assert "No brain metastases" in texts
    assert "No prior trastuzumab" in texts
    assert any(t.endswith("overexpression of HER-2/neu by immunohistochemistry") for t in texts)


def test_the_older_layout_is_read_section_by_section() -> None:
    reading = read(WRAPPED)
    assert reading.subtype_cells == HER2_POSITIVE_CELLS
    assert {("brain_mets", False), ("prior:trastuzumab", False)} <= keys(reading)


FLATTENED = (
    "DISEASE CHARACTERISTICS: HER2 overexpressing (3+) metastatic breast cancer by immunohistochemistry "
    "No prior chemotherapy for metastatic disease No bilateral disease "
    "Bidimensionally measurable disease "
    "No CNS metastases Hormone receptor status: Not specified\n\nPATIENT CHARACTERISTICS: Age: 18 and "
    "over Sex: Female Performance status: Karnofsky 70-100%"
)


def test_a_flattened_paragraph_is_split_into_its_criteria() -> None:
    texts = [item.text for item in split_criteria(FLATTENED)]
    assert "No prior chemotherapy for metastatic disease" in texts
    assert "Bidimensionally measurable disease" in texts
    assert "No CNS metastases" in texts
    assert "Performance status: Karnofsky 70-100%" in texts


def test_a_flattened_paragraph_is_read_without_negations_leaking_between_criteria() -> None:
    reading = read(FLATTENED)
    assert ("measurable_disease", True) in keys(reading)
    assert ("brain_mets", False) in keys(reading)
    assert {(x.factor, x.high) for x in reading.limits} >= {("chemo_lines", 0), ("ecog", 1)}


def test_one_capital_inside_a_long_modern_criterion_does_not_split_it() -> None:
    text = (
        "Inclusion Criteria:\n* Locally advanced, unresectable Stage III disease of either squamous or "
        "non-squamous histology based on the 8th edition of the staging manual, with measurable lesions"
    )
    assert len(split_criteria(text)) == 1


def test_a_triple_negative_list_under_an_all_of_header() -> None:
    reading = read(
        "Inclusion Criteria:\n* Metastatic breast cancer\n* Must be negative for all of the following:\n"
        "  * estrogen receptor\n  * progesterone receptor\n  * HER2\nExclusion Criteria:\n* Pregnancy"
    )
    assert reading.subtype_cells == TRIPLE_NEGATIVE_CELLS


# --- who the criteria are written for, and line counts she can only partly tell ----------------------


def _judge(criteria: str, **profile: Any) -> tuple[str, str]:
    from matchers.profile import PatientProfile
    from matchers.verdict import judge

    values: dict[str, Any] = {"subtype": "hr-positive", "sites": ("bone",), **profile}
    s = study(criteria)
    match = judge(PatientProfile(**values), read_trial_uncached(s), s)
    return match.verdict, " ".join(str(x) for x in (*match.reasons, *match.concerns, *match.questions))


def test_criteria_written_for_women_rule_out_a_man_unless_men_are_accepted() -> None:
    women = "Inclusion Criteria:\n* Adult female patients with metastatic breast cancer"
    assert _judge(women, sex="male")[0] == "likely_excluded"
    assert _judge(women, sex="female")[0] == "likely_eligible"
    both = women + "\n* Men with breast cancer are also eligible"
    assert _judge(both, sex="male")[0] == "likely_eligible"
    pregnancy = (
        "Inclusion Criteria:\n* Metastatic breast cancer\n* Women of "
        "childbearing potential must use contraception"
    )
    assert _judge(pregnancy, sex="male")[0] == "likely_eligible"


def test_a_line_count_of_one_kind_is_judged_on_the_range_her_answers_allow() -> None:
    rule = (
        "Inclusion Criteria:\n* Metastatic breast cancer\n* At least 1 prior "
        "line of endocrine therapy for metastatic disease"
    )
    # fulvestrant is given only for advanced cancer: at least one of her 3 lines was hormone therapy
    verdict, said = _judge(rule, prior_lines=3, prior_therapies=("fulvestrant", "capecitabine"))
    assert verdict == "likely_eligible" and "between 1 and 3" in said
    # tamoxifen may have been given before the cancer spread: it cannot be told
    assert (
        _judge(rule, prior_lines=2, prior_therapies=("tamoxifen", "capecitabine"))[0]
        == "possibly_eligible"
    )
    cap = (
        "Inclusion Criteria:\n* Metastatic breast cancer\n* No more than 4 "
        "prior lines of chemotherapy for metastatic disease"
    )
    verdict, said = _judge(cap, prior_lines=4, prior_therapies=("fulvestrant", "capecitabine"))
    assert verdict == "likely_eligible"


def test_a_minimum_is_worded_as_a_requirement() -> None:
    rule = (
        "Inclusion Criteria:\n* Metastatic breast cancer\n* At least 1 prior "
        "line of chemotherapy for metastatic disease"
    )
    _, said = _judge(rule)
    assert "It requires at least 1 earlier line of chemotherapy" in said
    assert "lines" not in said.split("It requires at least 1 earlier")[1].split(".")[0]


@pytest.mark.parametrize(
    ("criterion", "expected"),
    [
        ("Adult female patients (aged 18-75 years)", (18, 75)),
        ("Age: Under 60", (None, 59)),
        ("Patients 70 years or older", (70, None)),
        ("Age >= 18 years", None),  # every adult: no limit worth stating
        ("Life expectancy of at least 12 weeks", None),
        ("For adolescent participants: 13-20 years of age", None),
    ],
)
def test_an_age_limit_written_in_the_criteria(criterion: str, expected: tuple[int, int] | None) -> None:
    reading = read(f"Inclusion Criteria:\n* Metastatic breast cancer\n* {criterion}")
    ages = [(x.low, x.high) for x in reading.limits if x.factor == "age"]
    assert ages == ([expected] if expected else [])


def test_a_stripped_first_line_does_not_head_the_lines_indented_under_it() -> None:
    text = "Metastatic breast cancer.\r\n\r\n        No prior chemotherapy.\r\n\r\n        ECOG 0-1."
    assert [item.parent for item in split_criteria(text)] == [None, None, None]


# --- calibration: a rule about her that could not be read keeps a trial from "likely eligible" -------


def test_a_rule_about_her_that_nobody_read_becomes_a_quoted_question() -> None:
    criteria = (
        "Inclusion Criteria:\n* Metastatic breast cancer\n"
        "* Must have achieved a response after high dose chemotherapy with stem cell transplant"
    )
    reading = read(criteria)
    assert [u.concepts for u in reading.unread] == [("treatment",)]
    verdict, said = _judge(criteria, prior_lines=1, prior_therapies=("taxane",))
    assert verdict == "possibly_eligible"
    assert "We could not check one of its rules about earlier treatment" in said
    assert "stem cell transplant" in said


@pytest.mark.parametrize(
    "criterion",
    [
        "Women of childbearing potential must use two forms of contraception",
        "Hormone receptor status: not specified",
        "No chemotherapy within 4 weeks before the first dose",
        "Corrected QT interval > 470 ms (females) or > 450 ms (males)",
        "Have uncontrolled epilepsy, central nervous system disease or a history of mental disorders",
        "Inconclusive or equivocal HER2 result by IHC and FISH",
    ],
)
def test_criteria_that_set_no_rule_for_her_are_not_counted_as_unread(criterion: str) -> None:
    reading = read(f"Inclusion Criteria:\n* Metastatic breast cancer\n* {criterion}")
    assert reading.unread == ()


def test_an_unread_rule_about_something_she_did_not_say_asks_without_lowering_the_verdict() -> None:
    criteria = (
        "Inclusion Criteria:\n* Metastatic breast cancer\n* Performance status good enough to travel"
    )
    reading = read(criteria)
    assert reading.unread and "performance" in reading.unread[0].concepts
    assert _judge(criteria)[0] == "likely_eligible"  # no ECOG given: nothing to check it on
    assert _judge(criteria, ecog=1)[0] == "possibly_eligible"


# --- asides that are not rules about her -------------------------------------------------------------


def test_a_dose_cap_is_not_a_rule_about_earlier_treatment() -> None:
    reading = read(
        "Inclusion Criteria:\n* Metastatic breast cancer\nExclusion Criteria:\n"
        "* Prior doxorubicin > 360 mg/m2"
    )
    assert ("prior:anthracycline", False) not in keys(reading)


def test_a_drug_inside_a_bracketed_timing_aside_sets_no_history_rule() -> None:
    reading = read(
        "Inclusion Criteria:\n* HER2-positive metastatic breast cancer\n"
        "* Normal heart function (LVEF measured within 4 weeks of the last prior trastuzumab dose)"
    )
    assert not any(key.startswith("prior:") for key, _ in keys(reading))


def test_a_relatives_age_is_not_her_age() -> None:
    reading = read(
        "Inclusion Criteria:\n* Metastatic breast cancer\n"
        "* A first-degree relative diagnosed with breast cancer under 50 years of age"
    )
    assert not [x for x in reading.limits if x.factor == "age"]


def test_a_target_antigen_the_vocabulary_lacks_becomes_a_question_not_silence() -> None:
    criteria = "Inclusion Criteria:\n* Metastatic breast cancer\n* Tumour must be ROR1-positive"
    verdict, said = _judge(criteria)
    assert verdict == "possibly_eligible"
    assert "ROR1" in said


def test_a_planned_transplant_from_a_sibling_is_a_question_about_earlier_treatment() -> None:
    reading = read(
        "Inclusion Criteria:\n* Metastatic breast cancer\n"
        "* HLA-matched sibling donor available for the planned transplant"
    )
    assert [u.concepts for u in reading.unread] == [("treatment",)]


# --- list shorthand and brain stability ---------------------------------------------------------------


EXCLUDING = "Inclusion Criteria:\n* Metastatic breast cancer\nExclusion Criteria:\n* "


@pytest.mark.parametrize(
    ("criterion", "expected"),
    [
        ("No brain metastases", ("brain_mets", False)),
        ("No prior taxane for metastatic disease", ("prior:taxane", False)),
        ("No meningeal metastases", ("leptomeningeal", False)),
        ("No measurable disease at baseline", ("measurable_disease", True)),  # a missing qualification
    ],
)
def test_an_exclusion_listed_with_no_is_shorthand_not_a_double_negative(
    criterion: str, expected: tuple[str, bool]
) -> None:
    assert expected in keys(read(EXCLUDING + criterion))


def test_no_documented_progression_in_the_exclusions_is_not_read_as_a_ban_on_the_drugs() -> None:
    reading = read(EXCLUDING + "No documented progression on everolimus plus exemestane")
    assert ("prior:mtor-inhibitor", False) not in keys(reading)


@pytest.mark.parametrize(
    ("criterion", "verdict"),
    [
        ("No unstable brain metastases within the past 6 months", "possibly_eligible"),
        ("Brain metastases allowed if stable for at least 3 months", "possibly_eligible"),
        ("No brain metastases unless treated and stable for 4 weeks", "likely_eligible"),
    ],
)
def test_how_long_brain_metastases_must_have_been_stable_is_asked(criterion: str, verdict: str) -> None:
    got, said = _judge(EXCLUDING + criterion, sites=("bone", "brain"), brain_mets="stable")
    assert got == verdict
    assert "Ask your care team how long yours have been stable" in said


# --- the issue's remaining examples ----------------------------------------------------------------


NO_BRAIN_RT = "Inclusion Criteria:\n* Metastatic breast cancer\n* No prior brain radiotherapy"


def test_no_prior_brain_radiotherapy_rules_out_brain_metastases_treated_with_radiation() -> None:
    irradiated = {"sites": ("bone", "brain"), "brain_mets": "stable", "prior_therapies": ("radiation",)}
    assert _judge(NO_BRAIN_RT, **irradiated)[0] == "likely_excluded"
    operated = {"sites": ("bone", "brain"), "brain_mets": "stable"}
    verdict, said = _judge(NO_BRAIN_RT, **operated)
    assert verdict == "possibly_eligible"
    assert "Ask whether your brain metastases were treated with radiation" in said
    assert _judge(NO_BRAIN_RT)[0] == "likely_eligible"  # no brain metastases: no brain radiation


def test_no_brain_radiotherapy_or_radiotherapy_at_the_protocol_dose_is_no_ban() -> None:
    reading = read(
        "Inclusion Criteria:\n* Metastatic breast cancer\n* Having received no previous brain "
        "radiotherapy or having received brain radiotherapy at the dose specified in the protocol"
    )
    assert ("prior_brain_radiation", False) not in keys(reading)


def test_either_treated_or_not_sets_no_requirement() -> None:
    criteria = (
        "Inclusion Criteria:\n* Metastatic breast cancer\n"
        "* Patients may either have received prior anthracyclines and/or taxanes or not"
    )
    reading = read(criteria)
    assert not any(key.startswith("prior:") for key, _ in keys(reading))
    assert _judge(criteria)[0] == "likely_eligible"


def test_untreated_or_at_most_two_regimens_is_one_limit_not_two_requirements() -> None:
    criteria = (
        "Inclusion Criteria:\n* Metastatic breast cancer\n* Untreated, or refractory after at most 2 "
        "regimens of chemotherapy for metastatic disease"
    )
    assert _judge(criteria, prior_lines=0)[0] == "likely_eligible"
    assert _judge(criteria, prior_lines=3, prior_therapies=("taxane",))[0] == "likely_excluded"


def test_a_population_the_profile_cannot_express_is_a_question() -> None:
    criteria = (
        "Inclusion Criteria:\n* Metastatic breast cancer\n"
        "* No longer a candidate for aggressive anticancer therapy"
    )
    verdict, said = _judge(criteria)
    assert verdict == "possibly_eligible"
    assert "No longer a candidate for aggressive anticancer therapy" in said


def test_conditions_wider_than_the_inclusion_leave_the_trial_to_its_criteria() -> None:
    reading = read(
        "Inclusion Criteria:\n* Histologically confirmed nasopharyngeal carcinoma or hepatocellular "
        "carcinoma\n* ECOG 0-1",
        conditions=["Nasopharyngeal Carcinoma", "Hepatocellular Carcinoma", "Breast Carcinoma"],
        title="Drug X in Advanced Carcinomas",
    )
    assert reading.scope == "other"


def test_a_breast_condition_with_breast_criteria_stays_a_breast_trial() -> None:
    reading = read(
        "Inclusion Criteria:\n* Histologically confirmed TNBC or NSCLC\n* ECOG 0-1",
        conditions=["Non-small Cell Lung Cancer", "Triple Negative Breast Cancer"],
        title="Drug X in Advanced Carcinomas",
    )
    assert reading.scope == "breast"


def test_a_dose_cap_written_without_a_space_is_not_a_history_rule() -> None:
    reading = read(
        "Inclusion Criteria:\n* Metastatic breast cancer\n"
        "* Patients who have received less than or equal to 360mg/m2 of Adriamycin as adjuvant therapy"
    )
    assert not any(key.startswith("prior:") for key, _ in keys(reading))


def test_untreated_with_chemotherapy_for_metastatic_disease_still_allows_hormonal_lines() -> None:
    criteria = (
        "Inclusion Criteria:\n* Metastatic breast cancer\n"
        "* Patients must be previously untreated with chemotherapy for metastatic disease"
    )
    reading = read(criteria)
    assert [(x.factor, x.high) for x in reading.limits] == [("chemo_lines", 0)]
    hormonal = {"prior_lines": 2, "prior_therapies": ("aromatase-inhibitor", "fulvestrant")}
    assert _judge(criteria, **hormonal)[0] == "likely_eligible"


def test_a_list_with_a_way_out_of_treatment_among_its_items_is_a_choice() -> None:
    criteria = (
        "Inclusion Criteria:\n* Metastatic breast cancer\n* Patients with advanced disease who:\n"
        "  * Received at least 1 chemotherapy regimen, but no more than 2, for metastatic disease\n"
        "  * Refused chemotherapy\n"
        "  * Refused or progressed despite hormonal therapy"
    )
    assert len(read(criteria).alternatives) == 1
    one_line = {"prior_lines": 1, "prior_therapies": ("capecitabine", "chemotherapy")}
    assert _judge(criteria, **one_line)[0] != "likely_excluded"


@pytest.mark.parametrize(
    "criterion",
    [
        "Positive or negative for HLA-A2",
        "Exception: Trastuzumab is allowed for subjects with a history of HER2+ disease",
    ],
)
def test_criteria_that_name_a_marker_without_a_rule_on_it_are_not_unread(criterion: str) -> None:
    assert read(f"Inclusion Criteria:\n* Metastatic breast cancer\n* {criterion}").unread == ()


def test_a_line_count_inferred_from_her_treatment_list_says_so() -> None:
    criteria = (
        "Inclusion Criteria:\n* Metastatic breast cancer\n"
        "* At least 1 prior line of chemotherapy for metastatic disease"
    )
    hormonal = {"prior_lines": 2, "prior_therapies": ("aromatase-inhibitor", "fulvestrant")}
    verdict, said = _judge(criteria, **hormonal)
    assert verdict == "likely_excluded"
    assert "none of the treatments you listed is chemotherapy" in said
    assert "you have had 0" not in said


# --- rules found on the fourth blind set (written as general rules, in our own words) ---------------

INCLUDING = "Inclusion Criteria:\n* Metastatic breast cancer\n* "
ACTIVE_BRAIN = {"sites": ("liver", "brain"), "brain_mets": "active"}


def test_a_criterion_that_heads_a_list_is_still_read_itself() -> None:
    criteria = (
        "Inclusion Criteria:\n* Metastatic breast cancer\n* No active brain metastases\n"
        "  * Patients with symptoms must have a brain MRI to exclude active brain metastasis\n"
        "    * Previously treated brain metastases allowed provided 3 months since therapy"
    )
    assert ("brain_mets_active", False) in keys(read(criteria))
    assert _judge(criteria, **ACTIVE_BRAIN)[0] == "likely_excluded"


@pytest.mark.parametrize(
    "criterion",
    [
        "Controlled brain metastasis (i.e. treated with radiosurgery or surgery)",
        "History of previously treated brain metastases with 4 weeks after definitive therapy",
    ],
)
def test_treated_brain_metastases_among_the_inclusions_are_allowed_not_required(criterion: str) -> None:
    reading = read(INCLUDING + criterion)
    assert ("brain_mets", True) not in keys(reading)
    assert _judge(INCLUDING + criterion)[0] == "likely_eligible"  # no brain metastases at all


def test_untreated_brain_metastases_not_needing_local_therapy_let_active_ones_in() -> None:
    reading = read(INCLUDING + "Untreated brain metastases not needing immediate local therapy")
    assert "brain_mets_active" in {a.key for a in reading.allowances}
    assert ("brain_mets_active", False) not in keys(reading)


def test_a_scan_schedule_is_not_a_rule_about_brain_metastases() -> None:
    reading = read(
        INCLUDING + "Brain MRI will be performed every 12 weeks in patients with brain metastases"
    )
    assert not any(key.startswith("brain") for key, _ in keys(reading))


def test_liver_metastases_named_as_an_exception_set_no_rule() -> None:
    criterion = (
        "No current active hepatic or biliary disease (with exception of patients with Gilbert's "
        "syndrome, asymptomatic gallstones, liver metastases or stable chronic liver disease)"
    )
    assert not any(key.startswith("liver") for key, _ in keys(read(INCLUDING + criterion)))


def test_no_chemotherapy_or_targeted_therapy_for_metastatic_disease() -> None:
    criteria = INCLUDING + "No previous chemotherapy or targeted therapy for metastatic disease"
    reading = read(criteria)
    assert [(x.factor, x.high) for x in reading.limits] == [("chemo_lines", 0)]
    assert [(r.key, r.expects, r.qualifier) for r in reading.requirements] == [
        ("prior:targeted", False, "advanced")
    ]
    palbociclib = {"prior_lines": 1, "prior_therapies": ("aromatase-inhibitor", "cdk4/6-inhibitor")}
    assert _judge(criteria, **palbociclib)[0] == "likely_excluded"
    assert _judge(criteria, prior_lines=0)[0] == "likely_eligible"


@pytest.mark.parametrize(
    ("criterion", "absent"),
    [
        (
            "Planned to initiate first-line therapy with endocrine therapy plus a CDK4/6 inhibitor "
            "for the stated diagnosis at the time of enrollment",
            "prior:cdk4/6-inhibitor",
        ),
        (
            "0-1 prior treatment in the metastatic setting (ie: hormone, chemotherapy, targeted agents)",
            "prior:targeted",
        ),
    ],
)
def test_planned_drugs_and_examples_of_a_count_are_no_history_rule(criterion: str, absent: str) -> None:
    assert absent not in {key for key, _ in keys(read(INCLUDING + criterion))}


@pytest.mark.parametrize(
    "criterion",
    [
        "No prior anthracycline-based chemotherapy for metastatic disease",
        "No hormonal therapy after treatment with a CDK4/6 inhibitor for metastatic disease",
    ],
)
def test_a_drug_qualified_class_is_not_a_line_limit(criterion: str) -> None:
    assert read(INCLUDING + criterion).limits == ()


def test_an_unknown_tumour_antigen_is_a_question() -> None:
    criteria = INCLUDING + "B3 antigen on the surface of more than 30% of the tumor cells"
    verdict, said = _judge(criteria)
    assert verdict == "possibly_eligible"
    assert "b3 antigen" in said


def test_an_age_written_years_old_is_read() -> None:
    reading = read(INCLUDING + "Patients aged 70 years-old or older at the time of consent")
    assert [(x.factor, x.low, x.high) for x in reading.limits] == [("age", 70, None)]


# --- rules found on the fifth blind set (written as general rules, in our own words) ----------------

EXCLUDING = "Inclusion Criteria:\n* Metastatic breast cancer\nExclusion Criteria:\n* "


def test_a_section_heading_run_onto_the_end_of_a_criterion_still_opens_its_section() -> None:
    criteria = (
        "Inclusion criteria\n\n  -  Metastatic breast cancer\n  -  Able to swallow tablets and not yet\n"
        "     treated with any chemotherapy (chemo-naive) Exclusion criteria\n\n"
        "  -  Prior use of a PARP inhibitor\n"
    )
    items = split_criteria(criteria)
    assert [(i.kind, i.text) for i in items][-1] == ("exclusion", "Prior use of a PARP inhibitor")
    assert ("prior:parp-inhibitor", False) in keys(read(criteria))


def test_a_part_header_ending_a_criterion_opens_that_part() -> None:
    criteria = (
        "Inclusion criteria\n  -  Metastatic breast cancer\n\n"
        "  Additional for patients participating in Part A only\n\n"
        "  -  HER2-negative disease\n  -  Up to two prior chemotherapy lines. Additional for patients\n"
        "     participating in Part B only\n\n  -  Germline BRCA mutation\n"
    )
    parts = {i.text: i.parts for i in split_criteria(criteria)}
    assert parts["HER2-negative disease"] == ("part a",)
    assert parts["Germline BRCA mutation"] == ("part b",)


@pytest.mark.parametrize(
    ("heading", "parts"),
    [
        ("Additional inclusion criteria for participants in dose escalation (Part A1):", ("part a1",)),
        ("Additional inclusion criteria for participants in dose expansion (Part B2):", ("part b2",)),
    ],
)
def test_a_heading_naming_a_stage_and_a_part_opens_the_part(
    heading: str, parts: tuple[str, ...]
) -> None:
    criteria = f"Inclusion Criteria:\n* Metastatic solid tumour\n{heading}\n* Prior PARP inhibitor\n"
    assert split_criteria(criteria)[-1].parts == parts


def test_between_two_counts_is_a_range_from_the_first() -> None:
    reading = read(INCLUDING + "Between 0 and 2 lines of prior cytotoxic chemotherapy")
    assert [(x.factor, x.low, x.high) for x in reading.limits] == [("chemo_lines", 0, 2)]


@pytest.mark.parametrize(
    "criterion",
    [
        "No grade 3 regimen related toxicity with the last chemotherapy",
        "No grade 2 therapy-related neuropathy",
    ],
)
def test_a_grade_before_regimen_or_therapy_is_no_line_count(criterion: str) -> None:
    assert read(INCLUDING + criterion).limits == ()


def test_no_brain_metastases_unless_an_exception_asks_rather_than_excludes() -> None:
    criteria = (
        INCLUDING + "No visible metastases on brain CT or MRI (unless single lesion amenable to surgery)"
    )
    verdict, said = _judge(criteria, sites=("lung", "brain"), brain_mets="stable")
    assert verdict == "possibly_eligible"
    assert "exception" in said
    assert _judge(criteria)[0] == "likely_eligible"  # no brain metastases at all
    plain = INCLUDING + "No visible metastases on brain CT or MRI"
    assert _judge(plain, sites=("lung", "brain"), brain_mets="stable")[0] == "likely_excluded"


def test_high_dose_chemotherapy_with_stem_cell_rescue_is_not_any_chemotherapy() -> None:
    required = INCLUDING + "Received high dose chemotherapy with autologous stem cell transplantation"
    reading = read(required)
    assert "prior:chemotherapy" not in {key for key, _ in keys(reading)}
    verdict, said = _judge(required, prior_therapies=("chemotherapy",), prior_lines=1)
    assert verdict == "possibly_eligible" and "earlier treatment" in said
    excluded = EXCLUDING + "Prior treatment with high-dose chemotherapy"
    verdict, said = _judge(excluded, prior_therapies=("chemotherapy",), prior_lines=1)
    assert verdict == "likely_eligible" and "high-dose chemotherapy" in said  # asked, not doubted


def test_a_drug_targeted_at_a_named_target_is_not_the_targeted_class() -> None:
    excluded = EXCLUDING + "Prior Aurora A-targeted agents"
    assert "prior:targeted" not in {key for key, _ in keys(read(excluded))}
    generic = (
        "Inclusion Criteria:\n* Metastatic breast cancer\nExclusion Criteria:\n* Prior targeted therapy"
    )
    assert ("prior:targeted", False) in keys(read(generic))


def test_a_title_names_its_own_drugs_after_with() -> None:
    title = (
        "Weekly Paclitaxel in Refractory Metastatic Breast Cancer With Weekly Paclitaxel and Herceptin"
    )
    reading = read(INCLUDING + "Adequate organ function", title=title)
    assert not {key for key, _ in keys(reading)} & {"prior:taxane", "prior:trastuzumab"}
    history = read(
        INCLUDING + "Adequate organ function", title="Drug X for Breast Cancer Refractory to Taxanes"
    )
    assert ("prior:taxane", True) in keys(history)


def test_an_old_layout_sub_heading_run_onto_a_criterion_is_split_off() -> None:
    criteria = (
        "DISEASE CHARACTERISTICS: Stage IV breast cancer that failed to respond to high dose "
        "chemotherapy with stem cell transplantation Hormone receptor status: Not specified"
    )
    texts = [i.text for i in split_criteria(criteria)]
    assert texts[-1] == "Hormone receptor status: Not specified"


#: An old record flattened into wrapped lines, each sub-heading at the end of a line, its value
#: on the next one.
WRAPPED_OLD_LAYOUT = (
    "DISEASE CHARACTERISTICS: Histologically proven metastatic breast cancer involving at least\n"
    "1 bone site No active CNS disease Hormone receptor status:\n"
    "Estrogen receptor and progesterone receptor negative\n\n"
    "PATIENT CHARACTERISTICS: Age: 18 to 64 Performance status:\n"
    "ECOG 0-1\n"
    "Life expectancy: At least 6 months Hepatic:\n"
    "Bilirubin normal\n"
    "Renal: Creatinine normal\n"
)


def test_an_old_layout_sub_heading_ending_a_line_heads_the_next_line_only() -> None:
    items = [(i.parent, i.text) for i in split_criteria(WRAPPED_OLD_LAYOUT)]
    assert items == [
        (None, "Histologically proven metastatic breast cancer involving at least 1 bone site"),
        (None, "No active CNS disease"),
        ("Hormone receptor status", "Estrogen receptor and progesterone receptor negative"),
        (None, "Age: 18 to 64"),
        ("Performance status", "ECOG 0-1"),
        (None, "Life expectancy: At least 6 months"),
        ("Hepatic", "Bilirubin normal"),
        (None, "Renal: Creatinine normal"),  # a sub-heading of its own, not one under "Hepatic"
    ]
    reading = read(WRAPPED_OLD_LAYOUT)
    assert {("bone_mets", True), ("brain_mets_active", False)} <= keys(reading)
    assert ("ecog", 1) in {(x.factor, x.high) for x in reading.limits}


@pytest.mark.parametrize(
    "criterion",
    [
        "Metastatic breast cancer No rapid disease progression requiring chemotherapy Brain "
        "metastases allowed if stable for at least 6 months after radiotherapy",
        "Metastatic breast cancer Must have progressed after at least 1 chemotherapy regimen "
        "Estrogen receptor positive tumors must have failed hormonal therapy",
        "Metastatic breast cancer involving at least 1 bone site Completed induction chemotherapy "
        "No active CNS disease",
    ],
)
def test_a_flattened_paragraph_breaks_before_brain_metastases_and_estrogen_receptor(
    criterion: str,
) -> None:
    assert len(split_criteria("DISEASE CHARACTERISTICS: " + criterion)) == 3


@pytest.mark.parametrize(
    "criterion",
    [
        "No rapid disease progression requiring chemotherapy",
        "Rapidly progressive disease which requires combination chemotherapy.",
        "History of interstitial lung disease requiring hormone therapy",
        "Visceral metastases in need of immediate chemotherapy",
    ],
)
def test_a_treatment_her_disease_needs_is_not_one_she_has_had(criterion: str) -> None:
    for section in ("Inclusion Criteria:\n* Metastatic breast cancer\n* ", EXCLUDING):
        assert not [r for r in read(section + criterion).requirements if r.factor == "prior"]


def test_a_flattened_paragraph_breaks_before_a_parts_own_label() -> None:
    criteria = (
        "DISEASE CHARACTERISTICS: Phase I: Advanced solid tumors refractory to standard therapy "
        "Breast cancer Other solid tumors No active infection Phase II: Histologically proven "
        "androgen-independent prostate cancer Failed at least one prior chemotherapy regimen"
    )
    texts = [i.text for i in split_criteria(criteria)]
    assert texts[-1].startswith("Phase II: Histologically proven androgen-independent prostate")
    assert not [x for x in read(criteria).limits if x.factor == "chemo_lines" and not x.parts]
    # "For Phase Ia: ...; For Phase Ib: ..." names its parts itself: no break inside it
    named = "Inclusion Criteria:\n* For Phase Ia: Participants with a confirmed solid tumor; For "
    assert len(split_criteria(named + "Phase Ib: Participants with breast or ovarian cancer;")) == 1


def test_a_line_count_binds_everyone_when_the_condition_opens_the_next_clause() -> None:
    reading = read(
        INCLUDING + "Received >=2 lines of systemic chemotherapy regimens for recurrent or metastatic "
        "disease, and for HR positive subjects, also need to have received >=2-line endocrine therapy"
    )
    assert [(x.factor, x.low) for x in reading.limits] == [("chemo_lines", 2)]
    own_clause = read(INCLUDING + "Must have received 2 prior lines of chemotherapy if HR negative")
    assert not own_clause.limits


def test_lines_for_the_treatment_of_metastases_are_lines_for_advanced_disease() -> None:
    reading = read(
        INCLUDING + "Received one prior systemic chemotherapy regimen for the treatment of metastases"
    )
    assert [(x.factor, x.low, x.any_setting) for x in reading.limits] == [("chemo_lines", 1, False)]


def test_a_treatment_required_before_entry_is_still_history() -> None:
    reading = read(INCLUDING + "Patients requiring prior anthracycline therapy")
    assert ("prior:anthracycline", True) in keys(reading)


def test_a_line_naming_one_part_only_opens_that_part() -> None:
    criteria = (
        "Inclusion Criteria:\n* HER2-positive metastatic breast cancer\nExclusion Criteria:\n"
        "* Active infection\nArm 3 ONLY\n* Prior treatment with tucatinib, lapatinib or neratinib\n"
    )
    assert split_criteria(criteria)[-1].parts == ("arm 3",)
    verdict, _ = _judge(
        criteria, subtype="her2-positive", prior_therapies=("trastuzumab", "her2-tki"), prior_lines=2
    )
    assert verdict != "likely_excluded"  # another arm takes her


def test_a_title_with_one_subtype_or_other_solid_tumours_restricts_no_subtype() -> None:
    title = "Drug X in Advanced Triple-Negative Breast Cancer or Other Solid Tumors"
    reading = read(INCLUDING + "Adequate organ function", title=title)
    assert "subtype" not in {r.factor for r in reading.requirements}
    only = read(INCLUDING + "Adequate organ function", title="Drug X in Triple-Negative Breast Cancer")
    assert "subtype" in {r.factor for r in only.requirements}


def test_stable_brain_metastases_that_could_be_included_are_allowed() -> None:
    criteria = EXCLUDING + (
        "Symptoms of active brain metastases. However, patients with stable brain metastases could "
        "be included"
    )
    verdict, _ = _judge(criteria, sites=("lung", "brain"), brain_mets="stable")
    assert verdict == "likely_eligible"


def test_an_antibody_drug_conjugate_line_may_or_may_not_count_as_chemotherapy() -> None:
    limit = INCLUDING + "No more than one prior chemotherapy regimen for metastatic disease"
    had = {"subtype": "triple-negative", "prior_lines": 2}
    verdict, said = _judge(limit, prior_therapies=("taxane", "t-dxd"), **had)
    assert verdict == "possibly_eligible" and "chemotherapy" in said
    assert _judge(limit, prior_therapies=("taxane", "capecitabine"), **had)[0] == "likely_excluded"


def test_any_number_of_prior_regimens_or_none_sets_no_line_limit() -> None:
    criteria = INCLUDING + (
        "Patients may have received any number or type of prior treatment regimens for metastatic "
        "disease or they may have received no prior treatment for metastatic disease"
    )
    assert read(criteria).limits == ()
    assert _judge(criteria, prior_lines=3)[0] == "likely_eligible"


def test_a_lab_rule_in_the_absence_of_bone_metastases_is_no_bone_rule() -> None:
    reading = read(EXCLUDING + "Elevated ALP in absence of bone metastasis")
    assert not {key for key, _ in keys(reading)} & {"bone_mets"}


def test_a_cap_on_transplants_asks_without_doubting_wherever_it_is_written() -> None:
    cap = (
        INCLUDING
        + "Biologic therapy: No more than 1 prior autologous peripheral blood stem cell transplant"
    )
    verdict, said = _judge(cap, prior_therapies=("chemotherapy",), prior_lines=1)
    assert verdict == "likely_eligible" and "transplant" in said
    needed = INCLUDING + "Must have received one prior autologous stem cell transplant for this cancer"
    assert _judge(needed, prior_therapies=("chemotherapy",), prior_lines=1)[0] == "possibly_eligible"


def test_a_bracketed_allowance_of_controlled_brain_metastases_keeps_active_ones_out() -> None:
    criteria = (
        INCLUDING
        + "No active brain metastases or carcinomatous meningitis (controlled CNS metastases eligible)"
    )
    assert _judge(criteria, **ACTIVE_BRAIN)[0] == "likely_excluded"
    assert _judge(criteria, sites=("liver", "brain"), brain_mets="stable")[0] == "likely_eligible"


# --- rules found on the sixth blind set (written as general rules, in our own words) ----------------


def test_a_part_and_cohort_named_together_are_one_cohort_inside_that_part() -> None:
    criteria = INCLUDING + (
        "For Part B Cohort 2, prior treatment with CDK4/6 inhibitors is not permitted\n"
        "* For Part B Cohort 3, prior treatment with mTOR inhibitors is not permitted"
    )
    assert [i.parts for i in split_criteria(criteria)][-2:] == [
        ("part b/cohort 2",),
        ("part b/cohort 3",),
    ]
    verdict, _ = _judge(
        criteria, prior_therapies=("aromatase-inhibitor", "cdk4/6-inhibitor"), prior_lines=1
    )
    assert verdict != "likely_excluded"


def test_no_disease_left_after_treatment_is_a_question() -> None:
    criteria = INCLUDING + "No measurable or evaluable disease after standard treatment"
    verdict, said = _judge(criteria)
    assert verdict == "possibly_eligible" and "no evidence of disease" in said


@pytest.mark.parametrize(
    ("criterion", "cells"),
    [
        ("Advanced malignancy that expresses HER2/neu", {"HR+/HER2+", "HR-/HER2+"}),
        ("Tumours that do not express HER2", {"HR+/HER2-", "HR-/HER2-"}),
    ],
)
def test_expressing_her2_is_her2_positive(criterion: str, cells: set[str]) -> None:
    rules = [r for r in read(INCLUDING + criterion).requirements if r.factor == "subtype"]
    assert [set(r.items) for r in rules] == [cells]


def test_a_recommendation_for_one_subtype_is_no_subtype_rule() -> None:
    criteria = INCLUDING + (
        "It is recommended that patients with HER2-positive breast cancer should be receiving "
        "trastuzumab, if approved and available"
    )
    assert "subtype" not in {r.factor for r in read(criteria).requirements}


def test_a_receptor_rule_in_a_bracket_for_one_part_binds_only_that_part() -> None:
    criteria = INCLUDING + "Advanced or metastatic breast cancer (must be ER+ve, HER2-ve, in Part B)"
    assert "subtype" not in {r.factor for r in read(criteria).requirements}
    trial_wide = INCLUDING + "Advanced or metastatic breast cancer (must be ER+ve, HER2-ve)"
    assert "subtype" in {r.factor for r in read(trial_wide).requirements}


def test_prior_courses_of_chemotherapy_are_counted_as_regimens() -> None:
    criteria = EXCLUDING + "More than two prior courses of chemotherapy for metastatic breast cancer"
    assert [(x.factor, x.low, x.high) for x in read(criteria).limits] == [("chemo_lines", None, 2)]


def test_any_menopausal_status_over_a_list_is_no_menopause_rule() -> None:
    criteria = INCLUDING + "Any menopausal status:\n  * ECOG performance status 0 to 1"
    assert _judge(criteria, ecog=1, menopausal_status="postmenopausal")[0] == "likely_eligible"


def test_known_distant_metastases_among_exclusions_make_an_early_stage_study() -> None:
    criteria = (
        "Inclusion Criteria:\n* Invasive breast carcinoma treated with curative intent\n"
        "Exclusion Criteria:\n* Known distant metastasis at time of enrollment (with the exception of "
        "participants with resectable stage IV melanoma)"
    )
    reading = read(criteria, title="Blood Tests After Cancer Treatment", conditions=["Breast Cancer"])
    assert reading.setting == "early"


def test_a_lytic_bone_lesion_as_the_alternative_to_measurable_disease_asks_a_bone_only_patient() -> None:
    criteria = INCLUDING + (
        "At least 1 measurable lesion according to RECIST 1.1 or at least 1 predominantly lytic bone "
        "lesion in the absence of measurable disease"
    )
    verdict, said = _judge(criteria, sites=("bone",))
    assert verdict == "possibly_eligible" and "lytic" in said
    assert _judge(criteria, sites=("bone", "liver"))[0] == "likely_eligible"


def test_an_age_of_adulthood_next_to_a_performance_score_is_no_age_limit() -> None:
    criteria = (
        INCLUDING
        + "Female 18 years old or older, ECOG 0-2 or KPS 60 or more, life expectancy of 12 weeks"
    )
    assert _judge(criteria, ecog=1, age=50)[0] == "likely_eligible"


# --- rules found on the seventh blind set (written as general rules, in our own words) --------------


def test_bare_inclusion_and_exclusion_lines_open_their_sections() -> None:
    criteria = (
        "Inclusion\n\n  -  Metastatic breast cancer\n\n"
        + "Exclusion\n\n  -  Prior therapy with an mTOR inhibitor\n"
    )
    assert [i.kind for i in split_criteria(criteria)] == ["inclusion", "exclusion"]
    inline = "Inclusion: Metastatic breast cancer\nExclusion: Prior therapy with an mTOR inhibitor"
    assert [i.kind for i in split_criteria(inline)] == ["inclusion", "exclusion"]


def test_from_the_first_to_the_fourth_line_admits_up_to_three_earlier_lines() -> None:
    reading = read(INCLUDING + "Advanced disease, from the 1st to the 4th line")
    assert [(x.factor, x.low, x.high) for x in reading.limits] == [("prior_lines", 0, 3)]


def test_a_plan_for_patients_who_had_a_drug_is_no_rule_that_they_had_it() -> None:
    criteria = INCLUDING + (
        "Patients who have received a lifetime doxorubicin dose greater than 550 mg/m2 or who have an "
        "initial ejection fraction between 40% and 50% will receive vinblastine instead of doxorubicin"
    )
    assert "prior:anthracycline" not in {key for key, _ in keys(read(criteria))}


def test_another_cancers_cohort_in_a_basket_trial_sets_no_rule_for_her() -> None:
    criteria = INCLUDING + (
        "Renal cell carcinoma, clear cell histology, previously treated with a VEGF targeted therapy\n"
        "* Lung or liver metastases must be measurable"
    )
    reading = read(criteria)
    assert "prior:targeted" not in {key for key, _ in keys(reading)}


def test_a_drug_banned_in_the_palliative_setting_asks_when_hers_was_given() -> None:
    criteria = INCLUDING + "Treatment with low-dose doxorubicin in the palliative setting is not allowed"
    had = {"subtype": "triple-negative", "prior_lines": 2}
    verdict, said = _judge(criteria, prior_therapies=("anthracycline", "taxane", "capecitabine"), **had)
    assert verdict == "possibly_eligible" and "before or after the cancer spread" in said


def test_a_short_criterion_starting_prior_therapy_is_not_the_old_layout_heading() -> None:
    criteria = "Exclusion Criteria:\n* Prior therapy with an mTOR inhibitor\n* Pregnancy"
    assert [i.text for i in split_criteria(criteria)] == [
        "Prior therapy with an mTOR inhibitor",
        "Pregnancy",
    ]
    assert [i.kind for i in split_criteria("PRIOR THERAPY:\n* No prior chemotherapy")] == ["inclusion"]


@pytest.mark.parametrize(
    ("criterion", "parts"),
    [
        (
            "Dose-Escalation Stage Cohort B and Cohort-Expansion Stage Cohorts F and H (Hormone "
            "Receptor-Positive Breast Cancer): subjects with HR-positive breast cancer",
            ("escalation/cohort b", "expansion/cohort f", "expansion/cohort h"),
        ),
        (
            "Cohort-Expansion Stage Cohort D (Triple Negative Breast Cancer): negative for ER, PR, HER2",
            ("expansion/cohort d",),
        ),
    ],
)
def test_cohort_labels_run_together_name_each_cohort_inside_its_stage(
    criterion: str, parts: tuple[str, ...]
) -> None:
    assert split_criteria(INCLUDING + criterion)[-1].parts == parts


# --- rules found on the eighth blind set (written as general rules, in our own words) ---------------


def test_inclusions_joined_by_a_trailing_or_are_alternatives() -> None:
    criteria = (
        "Inclusion Criteria:\n"
        "* Advanced solid tumor that progressed after standard therapy OR\n"
        "* HR-positive, HER2-negative breast cancer that progressed on a CDK4/6 inhibitor OR\n"
        "* Ovarian cancer that is platinum refractory\n"
    )
    reading = read(criteria, title="Drug X in Advanced Solid Tumors", conditions=["Solid Tumor"])
    assert ("prior:platinum", True) not in keys(reading)
    assert len(reading.alternatives) == 1 and len(reading.alternatives[0].options) == 3
    # HER2-positive after two lines: the first alternative is open to her
    verdict, _ = _judge(
        criteria, subtype="her2-positive", prior_lines=2, prior_therapies=("trastuzumab", "taxane")
    )
    assert verdict != "likely_excluded"


def test_performance_scales_joined_by_or_still_limit_together() -> None:
    criteria = (
        "Inclusion Criteria:\n* Metastatic breast cancer\n* Performance status:\n"
        "  * ECOG 0-1 OR\n  * Karnofsky 70-100%"
    )
    assert _judge(criteria, ecog=2)[0] == "likely_excluded"
    assert _judge(criteria, ecog=1)[0] == "likely_eligible"


def test_a_line_that_is_only_or_joins_the_lines_around_it() -> None:
    criteria = (
        "Inclusion Criteria:\n* The invasive cancer must be either:\n  * triple-negative\n"
        "* or\n* HER2-positive with IHC 3+\n"
    )
    subtype = next(r for r in read(criteria).requirements if r.key == "subtype")
    assert set(subtype.items) == set(TRIPLE_NEGATIVE_CELLS) | set(HER2_POSITIVE_CELLS)


def test_postmenopausal_as_one_way_out_of_contraception_is_no_menopause_rule() -> None:
    criteria = (
        "Inclusion Criteria:\n* Metastatic breast cancer\n* Female participants who:\n"
        "  * Are postmenopausal for at least 1 year before screening, or\n"
        "  * Are surgically sterile, or\n"
        "  * Agree to practice 2 effective methods of contraception\n"
    )
    assert "postmenopausal" not in {key for key, _ in keys(read(criteria))}
    assert _judge(criteria, menopausal_status="premenopausal")[0] == "likely_eligible"
    defined = (
        "Inclusion Criteria:\n* Metastatic breast cancer\n"
        "* Postmenopausal women, defined as one of the following:\n"
        "  * Age 60 or older, or\n  * Prior bilateral oophorectomy\n"
    )
    assert _judge(defined, menopausal_status="premenopausal")[0] == "likely_excluded"


def test_receptor_rules_that_contradict_are_cohorts_each_narrowed_by_the_rules_that_agree() -> None:
    criteria = (
        "Inclusion Criteria:\n"
        "Metastatic breast cancer with histologic confirmation of one of the following:\n"
        "ER+, HER2- invasive breast cancer (any progesterone receptor status)\n"
        "Grade 3 invasive TNBC, defined as ER and PR negative\n"
        "HER2 negative status is defined as IHC 0, 1+ or 2+ with a negative FISH test\n"
    )
    subtype = next(r for r in read(criteria).requirements if r.key == "subtype")
    assert set(subtype.items) == {"HR+/HER2-", "HR-/HER2-"}
    assert _judge(criteria, subtype="her2-positive", hormone_receptor="negative")[0] == "likely_excluded"


@pytest.mark.parametrize(
    ("heading", "parts"),
    [
        ("Additional inclusion criteria for NSCLC participants:", ("nsclc",)),
        ("INCLUSION CRITERIA FOR TNBC:", ("tnbc",)),
        ("Additional inclusion criteria for mCRPC patients only:", ("mcrpc",)),
        ("Inclusion Criteria for Trial Registration:", ()),
        ("ELIGIBILITY CRITERIA FOR HEALTHY VOLUNTEERS:", ()),
        ("Inclusion criteria for both parts of clinical trial:", ()),
    ],
)
def test_a_heading_for_one_populations_criteria_opens_a_part_named_for_it(
    heading: str, parts: tuple[str, ...]
) -> None:
    criteria = f"Inclusion Criteria:\n* ECOG 0-1\n{heading}\n* Prior platinum-based chemotherapy"
    assert split_criteria(criteria)[-1].parts == parts


def test_criteria_of_a_part_for_another_cancer_do_not_apply_to_her() -> None:
    criteria = (
        "Inclusion Criteria:\n* Advanced solid tumor\n* ECOG 0-1\n"
        "Additional inclusion criteria for mCRPC patients only:\n"
        "* Progression defined as two or more new bone lesions on bone scan\n"
        "* Previously received docetaxel\n"
    )
    reading = read(criteria, title="Drug X in Advanced Solid Tumors", conditions=["Solid Tumor"])
    assert not {"bone_mets", "prior:taxane"} & {key for key, _ in keys(reading)}
    assert _judge(criteria, sites=("liver",))[0] != "likely_excluded"


def test_to_be_enrolled_in_a_cohort_names_the_part_its_list_is_for() -> None:
    criteria = (
        "Inclusion Criteria:\n1. ECOG 0-1\n"
        "2. To be enrolled in the dose escalation phase of the study, participants must have an "
        "evaluable tumor.\n"
        "3. To be enrolled in the TNBC expansion cohort, participants must have:\n"
        "   - Triple-negative disease\n   - One to 3 prior lines of chemotherapy\n"
    )
    items = split_criteria(criteria)
    assert items[1].parts == ("escalation",)
    assert {i.parts for i in items[2:]} == {("tnbc expansion",)}
    # HR-positive and untreated: the escalation part is open to her
    assert _judge(criteria, prior_lines=0)[0] != "likely_excluded"


def test_not_the_only_source_of_measurable_disease_is_no_allowance_for_other_disease() -> None:
    criteria = (
        "Inclusion Criteria:\n* Metastatic breast cancer\n"
        "* Prior radiation therapy is allowed, if the irradiated area is not the only source of "
        "measurable or assessable disease.\n* At least one measurable lesion by RECIST\n"
    )
    assert ("measurable_disease", True) in keys(read(criteria))


def test_a_titles_receptors_do_not_bind_a_trial_with_a_part_for_any_solid_tumor() -> None:
    criteria = (
        "Key Inclusion Criteria:\n"
        "* Group 1: Advanced solid tumor refractory to or intolerant of standard therapy\n"
        "* Group 2: Post-menopausal women with estrogen receptor positive breast cancer\n"
        "* ECOG 0-1\n"
    )
    title = "Drug X in Advanced Solid Tumors and With Fulvestrant in ER Positive Breast Cancer"
    reading = read(criteria, title=title, conditions=["Solid Tumors"])
    group_1 = next(part for part in reading.parts if part.part == "group 1")
    assert not {"subtype", "postmenopausal"} & {r.key for r in group_1.requirements}
    verdict, _ = _judge(criteria, subtype="triple-negative", prior_lines=2)
    assert verdict != "likely_excluded"


def test_another_cancers_cohort_with_its_condition_after_who_is_not_hers() -> None:
    criteria = (
        "Inclusion Criteria:\n* Invasive breast carcinoma: stage IV\n"
        "* Patients with CRC who are 40 years old or younger at time of collection\n"
    )
    assert all(limit.factor != "age" for limit in read(criteria).limits)


def test_a_line_announcing_a_list_bans_only_what_the_list_names() -> None:
    criteria = (
        "Inclusion Criteria:\n* Metastatic breast cancer\nExclusion Criteria:\n"
        "* Have received the following anticancer therapy:\n"
        "  * Previous therapy with a WEE1 inhibitor\n"
        "* No prior therapy with anthracyclines exceeding the following doses:\n"
        "  * doxorubicin 360 mg/m2\n"
    )
    found = {key for key, _ in keys(read(criteria))}
    assert "prior:systemic" not in found and "prior:anthracycline" not in found
    had = ("anthracycline", "aromatase-inhibitor")
    assert _judge(criteria, prior_therapies=had, prior_lines=1)[0] == "likely_eligible"


def test_rules_nested_under_a_line_for_another_cancer_are_that_cancers() -> None:
    criteria = (
        "Inclusion Criteria:\n"
        "- Diagnosis of 1 of the following:\n"
        "    - Advanced solid tumor refractory to standard therapy\n"
        "    - Prostate cancer (androgen independent) meeting the following criteria:\n"
        "        - Progressing metastatic disease on bone scan\n"
        "        - Prior docetaxel chemotherapy\n"
        "    - Chronic myelogenous leukemia refractory to standard therapy\n"
        "        - Relapsed after treatment with standard chemotherapy\n"
        "- Karnofsky 70-100%\n"
    )
    items = split_criteria(criteria)
    assert [i.for_another_cancer for i in items] == [False, False, False, True, True, False, True, False]
    found = {key for key, _ in keys(read(criteria))}
    assert not {"prior:chemotherapy", "prior:taxane", "bone_mets"} & found


def test_a_list_of_stages_running_to_stage_iv_opens_the_study_to_spread_cancer() -> None:
    criteria = "Inclusion Criteria:\n* Diagnosis of stage II, III, or IV breast cancer\n* Age 55+"
    title = "Stress Reduction in Older Women With Stage II, Stage III, or Stage IV Breast Cancer"
    assert read(criteria, title=title).setting == "mixed"
    keywords_early = read(criteria, title="Exercise in Breast Cancer", conditions=["Mammography"])
    assert keywords_early.setting == "mixed"


def test_a_treatment_named_in_an_if_clause_is_no_requirement() -> None:
    criteria = (
        "Inclusion Criteria:\n* Metastatic breast cancer\n"
        "* If a prior chemotherapy was given for less than 1 cycle, it will not be counted as a line\n"
    )
    assert "prior:chemotherapy" not in {key for key, _ in keys(read(criteria))}
    assert _judge(criteria, prior_therapies=("aromatase-inhibitor",), prior_lines=1)[0] == (
        "likely_eligible"
    )


def test_provisos_under_a_permission_bind_only_those_who_use_it() -> None:
    criteria = (
        "Inclusion Criteria:\n* Metastatic breast cancer\n"
        "* Previously treated brain metastases are permitted, with the following provisions:\n"
        "  * Prior radiosurgery completed at least 7 days before treatment\n"
        "  * Corticosteroids for brain metastases discontinued for at least 7 days\n"
    )
    assert not [r for r in read(criteria).requirements if r.expects]
    assert _judge(criteria, sites=("liver",), brain_mets="none")[0] == "likely_eligible"


@pytest.mark.parametrize(
    "criterion",
    [
        "Any corticosteroid use for brain metastases must have been discontinued for 7 days.",
        "Radiation for brain metastases must be completed 2 weeks before the first dose.",
    ],
)
def test_a_rule_about_treatment_for_brain_metastases_does_not_require_them(criterion: str) -> None:
    criteria = f"Inclusion Criteria:\n* Metastatic breast cancer\n* {criterion}"
    assert ("brain_mets", True) not in keys(read(criteria))


@pytest.mark.parametrize(
    ("criteria", "title"),
    [
        (INCLUDING + "Subjects must be co-enrolled in protocol 03-C-0277", "Drug X in Breast Cancer"),
        (INCLUDING + "Patients deriving benefit in the parent study", "Drug X in Breast Cancer"),
        (INCLUDING + "ECOG 0-1", "Treatment Continuation Study of Drug X in Advanced Breast Cancer"),
    ],
)
def test_a_study_that_continues_another_asks_whether_she_took_part(criteria: str, title: str) -> None:
    from matchers.profile import PatientProfile
    from matchers.verdict import judge

    s = study(criteria, title=title)
    match = judge(PatientProfile(subtype="hr-positive", sites=("bone",)), read_trial_uncached(s), s)
    assert match.verdict == "possibly_eligible"
    assert any("took part in that study" in str(q) for q in match.questions)


def test_no_prior_treatment_is_permitted_is_a_ban_even_under_a_permissive_header() -> None:
    criteria = (
        "Inclusion Criteria:\n* Metastatic breast cancer\n"
        "* Number of previous therapies allowed or previous therapies may have included:\n"
        "  * Chemotherapy: no prior chemotherapy for MBC is permitted.\n"
        "  * Hormonal therapy: patients may have had prior hormonal therapy.\n"
    )
    had = {"subtype": "her2-positive", "prior_lines": 2}
    verdict, _ = _judge(criteria, prior_therapies=("taxane", "chemotherapy", "trastuzumab"), **had)
    assert verdict == "likely_excluded"
    also = INCLUDING + "Prior platinum is allowed; no prior endocrine therapy is also permitted"
    assert ("prior:endocrine", False) not in keys(read(also))


def test_a_sentence_naming_its_own_part_binds_only_that_part() -> None:
    criteria = (
        INCLUDING + "Has received no more than 1 prior chemotherapy for metastatic disease. "
        "For subjects in Treatment Group 4, no prior chemotherapy for metastatic breast cancer "
        "is allowed."
    )
    criteria += " For subjects in Treatment Group 1, endocrine therapy is allowed."
    parts = {part.part: part for part in read(criteria).parts}
    assert [x.high for x in parts["group 4"].limits if x.factor == "chemo_lines"] == [0]
    assert [x.high for x in parts["group 1"].limits if x.factor == "chemo_lines"] == [1]


@pytest.mark.parametrize(
    ("criterion", "high"),
    [
        ("Has received no more than 1 prior chemotherapy for metastatic disease.", 1),
        ("No more than two prior chemotherapies for metastatic disease", 2),
        ("≤ 3 prior chemotherapies for metastatic disease.", 3),
    ],
)
def test_chemotherapies_counted_without_the_word_regimen_are_a_limit(criterion: str, high: int) -> None:
    limits = [x for x in read(INCLUDING + criterion).limits if x.factor == "chemo_lines"]
    assert [(x.low, x.high) for x in limits] == [(None, high)]


@pytest.mark.parametrize(
    ("criterion", "kind", "key"),
    [
        ("Known central nervous system (CNS) disease", "Exclusion", ("brain_mets", False)),
        ("No active CNS or epidural tumor", "Inclusion", ("brain_mets_active", False)),
    ],
)
def test_cns_disease_written_with_its_abbreviation_is_read_as_brain_metastases(
    criterion: str, kind: str, key: tuple[str, bool]
) -> None:
    criteria = f"Inclusion Criteria:\n* Metastatic breast cancer\n{kind} Criteria:\n* {criterion}"
    reading = read(criteria)
    assert key in keys(reading) and not reading.unread


def test_a_her2_low_requirement_is_read_as_a_tumour_test_result_too() -> None:
    reading = read("Inclusion Criteria:\n* HER2-low metastatic breast cancer;\n* At least 18 years-old")
    assert ("her2_low", True) in keys(reading) and not reading.unread


def test_brain_metastases_excluded_only_with_symptoms_said_in_other_words_ask() -> None:
    criteria = (
        "Inclusion Criteria:\n* Metastatic breast cancer\nExclusion Criteria:\n* Have CNS metastases "
        "that are associated with progressive neurological symptoms or require increasing doses of "
        "corticosteroids to control the CNS disease."
    )
    requirement = next(r for r in read(criteria).requirements if r.key == "brain_mets_active")
    assert requirement.qualifier == "symptomatic"
    assert _judge(criteria, sites=("bone", "brain"), brain_mets="active")[0] == "possibly_eligible"


def test_a_count_with_its_own_upper_bound_is_not_turned_around_by_an_earlier_no() -> None:
    criteria = (
        INCLUDING + "No prior radiotherapy to only target lesion Disease progression after no more "
        "than 2 prior chemotherapy treatments for metastatic disease"
    )
    limits = [(x.low, x.high) for x in read(criteria).limits if x.factor == "chemo_lines"]
    assert limits == [(1, 2)]  # progression after them: at least one, at most two


def test_a_females_label_over_pregnancy_rules_does_not_shut_out_men() -> None:
    criteria = (
        "Inclusion Criteria:\n* Metastatic breast cancer\n* Females:\n"
        "  * Of childbearing potential must have a negative pregnancy test\n"
    )
    assert ("women_only", True) not in keys(read(criteria))
    assert ("women_only", True) in keys(read(INCLUDING + "Female"))


def test_receptor_conditions_beside_other_cancers_are_a_preference_not_a_limit() -> None:
    conditions = ["Metastatic Renal Cell Cancer", "Stage III Mesothelioma", "Estrogen Receptor Negative"]
    reading = read(INCLUDING + "Scheduled to begin therapy", conditions=conditions)
    assert "subtype" not in {r.key for r in reading.requirements}


@pytest.mark.parametrize(
    ("criterion", "asks"),
    [
        ("Up to five metastases located in the bone, lung, node, liver or brain.", True),
        ("A minimum of 1 and a maximum of 5 separate metastatic lesions planned for SBRT", True),
        ("Oligometastatic disease", True),
        ("Presence of >= 1 metastatic sites of disease that can be biopsied", False),
        ("1-6 intraparenchymal brain metastases", False),
    ],
)
def test_cancer_spread_to_only_a_few_places_is_a_question(criterion: str, asks: bool) -> None:
    found = {(r.key, r.qualifier) for r in read(INCLUDING + criterion).requirements}
    assert (("disease_state", "few_metastases") in found) == asks


def test_advanced_in_one_title_and_locally_advanced_in_the_other_is_locally_advanced() -> None:
    s = Study.from_api(
        {
            "protocolSection": {
                "identificationModule": {
                    "nctId": "NCT09990202",
                    "briefTitle": "PET Scans in Patients With Locally Advanced Breast Cancer",
                    "officialTitle": "A Tracer to Follow DNA Metabolism in Advanced Breast Cancer",
                },
                "conditionsModule": {"conditions": ["Breast Cancer"]},
                "eligibilityModule": {
                    "eligibilityCriteria": "DISEASE CHARACTERISTICS:\n* Histologically confirmed "
                    "locally advanced breast carcinoma\n  * Stage T3 T4, N2 or N3 disease"
                },
            }
        }
    )
    assert read_trial_uncached(s).setting == "early"


def test_a_tumour_that_must_stain_positive_for_a_marker_asks_about_that_marker() -> None:
    criteria = INCLUDING + "The tumor MUST stain positive for CEA, by standard immunohistochemistry"
    verdict, said = _judge(criteria)
    assert verdict == "possibly_eligible" and "(CEA)" in said
    receptor = INCLUDING + "Tumor must stain positive for estrogen receptor"
    assert not [r for r in read(receptor).requirements if r.key.startswith("biomarker")]


@pytest.mark.parametrize(
    ("criterion", "limit"),
    [
        ("Prior hormonal therapy for metastatic disease or in adjuvant setting allowed", None),
        ("Prior chemotherapy or hormone therapy for metastatic disease are NOT eligible", (None, 0)),
        ("Received prior chemotherapy for metastatic disease", (1, None)),
    ],
)
def test_treatment_for_advanced_disease_allowed_sets_no_minimum(
    criterion: str, limit: tuple[int | None, int | None] | None
) -> None:
    found = [(x.low, x.high) for x in read(INCLUDING + criterion).limits]
    assert found == ([limit] if limit else [])


def test_measureable_misspelled_is_still_a_measurable_disease_rule() -> None:
    assert ("measurable_disease", True) in keys(read(INCLUDING + "Radiographically measureable disease"))


def test_a_registry_taking_healthy_controls_and_people_with_cancer_is_not_only_for_the_healthy() -> None:
    s = Study.from_api(
        {
            "protocolSection": {
                "identificationModule": {"nctId": "NCT09990203", "briefTitle": "Cancer Repository"},
                "conditionsModule": {"conditions": ["Breast Cancer", "Lung Cancer"]},
                "eligibilityModule": {
                    "eligibilityCriteria": "Inclusion Criteria\n* Diagnosis/history of cancer\n"
                    "* No history of cancer (normal control registry)\n* 19 years of age or older",
                    "healthyVolunteers": True,
                },
            }
        }
    )
    assert not read_trial_uncached(s).healthy_volunteers


def test_a_part_closed_to_accrual_is_no_way_in() -> None:
    criteria = (
        "Inclusion Criteria:\nPhase I (closed to accrual as of 10/15/2007)\n"
        "* Measurable or evaluable disease\n* Any solid tumor\n"
        "Phase II\n* Metastatic breast cancer\n* Measurable disease by RECIST criteria\n"
    )
    assert split_criteria(criteria)[0].parts == ("phase 1 (closed)",)
    assert _judge(criteria, sites=("liver",))[0] == "possibly_eligible"  # phase II needs measurable


def test_rules_for_a_group_with_earlier_stage_disease_are_not_hers() -> None:
    criteria = (
        "DISEASE CHARACTERISTICS:\nAll patients must have stage III or IV breast carcinoma.\n"
        "Patients with stage III that has completed chemotherapy: ER or PR positive tumor required "
        "if premenopausal.\nPatients may have stage IV with ER/PR-positive or -negative tumor.\n"
    )
    found = {key for key, _ in keys(read(criteria))}
    assert not {"subtype", "prior:chemotherapy", "premenopausal"} & found


@pytest.mark.parametrize(
    "criterion",
    [
        "Indication for treatment with ribociclib in combination with endocrine therapy in the 1st "
        "line metastatic setting according to SmPC",
        "Adequate organ function amenable for treatment with ribociclib",
    ],
)
def test_a_treatment_she_is_to_receive_is_no_history(criterion: str) -> None:
    assert ("prior:cdk4/6-inhibitor", True) not in keys(read(INCLUDING + criterion))


def test_a_definition_of_a_therapy_sets_no_line_count() -> None:
    criteria = (
        INCLUDING + "For the purpose of this study, primary therapy is defined as treatment of "
        "curative intent, first-line or later, from which the individual is advancing to follow-up"
    )
    assert not read(criteria).limits
    either = INCLUDING + "Plans to use the results in either first- or second-line therapy"
    assert [(x.low, x.high) for x in read(either).limits] == [(0, 1)]


def test_hormone_positive_her2_negative_is_hr_positive_her2_negative() -> None:
    criteria = INCLUDING + "Diagnosis of hormone positive HER2 negative metastatic breast cancer"
    subtype = next(r for r in read(criteria).requirements if r.key == "subtype")
    assert subtype.items == ("HR+/HER2-",)


def test_a_treatment_offered_beside_a_receptor_state_is_one_way_in() -> None:
    criteria = (
        INCLUDING + "Poor-prognosis status required, i.e.: Estrogen receptor and progesterone "
        "receptor-negative tumor OR failed hormonal therapy"
    )
    assert ("prior:endocrine", True) not in keys(read(criteria))


@pytest.mark.parametrize(
    ("criterion", "asks"),
    [
        ("Stage IV with locally recurrent disease (i.e. chest wall recurrence only)", True),
        ("Patients must have cutaneous metastases of breast cancer", True),
        ("Minimal metastatic disease (chest wall recurrence or bone only)", False),
        ("Patients with skin lesions will have photographs to evaluate their lesions", False),
    ],
)
def test_a_study_for_chest_wall_or_skin_disease_asks_where_hers_is(criterion: str, asks: bool) -> None:
    found = {(r.key, r.qualifier) for r in read(INCLUDING + criterion).requirements}
    assert (("disease_state", "chest_wall") in found) == asks


def test_a_bracket_saying_what_a_count_includes_requires_none_of_it() -> None:
    criteria = (
        INCLUDING + "Has received no more than 1 prior chemotherapy (which includes antibody drug "
        "conjugates) for locally advanced or metastatic breast cancer."
    )
    assert ("prior:adc", True) not in keys(read(criteria))


def test_a_permission_after_a_bracket_is_still_read() -> None:
    criteria = (
        INCLUDING + "Previous chemotherapy with taxane for early breast cancer (eBC; neoadjuvant or "
        "adjuvant setting) is permitted if completed 12 months or more before randomization;"
    )
    assert not [r for r in read(criteria).requirements if r.key.startswith("prior:")]


def test_a_prior_lifetime_dose_of_a_drug_is_history_not_a_dose_rule() -> None:
    criteria = (
        "Inclusion Criteria:\n* Metastatic breast cancer\nExclusion Criteria:\n"
        "* Patients who have received at least 1 prior lifetime dose of paclitaxel"
    )
    assert ("prior:taxane", False) in keys(read(criteria))


def test_a_study_for_people_about_to_start_a_named_drug_asks_whether_it_is_planned() -> None:
    criteria = INCLUDING + "Patients scheduled to receive at least 4 doses of paclitaxel"
    found = {(r.key, r.qualifier) for r in read(criteria).requirements}
    assert ("disease_state", "planned_treatment") in found
    assert not read(INCLUDING + "Scheduled to begin therapy").requirements


def test_a_flat_list_under_the_following_are_eligible_allows_rather_than_requires() -> None:
    criteria = (
        "Inclusion Criteria:\n- Metastatic breast cancer\n"
        "- The following previous systemic treatment are eligible:\n"
        "- adjuvant endocrine therapy.\n- palliative endocrine treatments\n"
        "- treatment with immunotherapies\n"
        "- Patient has to be fully recovered from previous radiotherapy.\n"
    )
    assert not [r for r in read(criteria).requirements if r.expects]
    assert _judge(criteria, prior_therapies=(), prior_lines=0)[0] == "likely_eligible"


def test_a_washout_from_a_prior_drug_is_no_rule_that_she_had_it() -> None:
    criteria = INCLUDING + "Washout from prior fulvestrant: 6 months"
    assert ("prior:fulvestrant", True) not in keys(read(criteria))


def test_maximally_one_line_is_an_upper_limit() -> None:
    criteria = INCLUDING + "Advanced cancer pre-treated with maximally one line of chemotherapy"
    assert [(x.low, x.high) for x in read(criteria).limits] == [(None, 1)]


@pytest.mark.parametrize(
    ("criterion", "allows"),
    [
        (
            "Postmenopausal by natural or surgical means or by ovarian function suppression",
            True,
        ),
        ("Postmenopausal status or receiving ovarian ablation with a GnRH agonist", True),
        ("Postmenopausal, as defined by prior bilateral oophorectomy", False),
    ],
)
def test_postmenopausal_by_medical_ovarian_suppression_lets_premenopausal_women_in(
    criterion: str, allows: bool
) -> None:
    assert (
        _judge(INCLUDING + criterion, menopausal_status="premenopausal")[0] == "likely_eligible"
    ) == allows


@pytest.mark.parametrize(
    ("criterion", "qualifier"),
    [
        ("Diagnosis of acute graft-vs-host disease (GVHD)", "transplant_complication"),
        ("Prior GVHD <= grade 1", None),
        ("Patients who have suspected recurrence on physical examination", "suspected_recurrence"),
        ("Known or suspected metastatic breast cancer", None),
    ],
)
def test_a_study_of_a_transplant_complication_or_of_suspected_recurrence_asks(
    criterion: str, qualifier: str | None
) -> None:
    found = {r.qualifier for r in read(INCLUDING + criterion).requirements if r.key == "disease_state"}
    assert found == ({qualifier} if qualifier else set())


def test_a_criterion_labelled_with_its_subject_is_read_after_the_label() -> None:
    criteria = (
        INCLUDING + "Prior chemotherapy: Participants must have received no prior chemotherapy for "
        "metastatic breast cancer"
    )
    limits = [(x.low, x.high) for x in read(criteria).limits if x.factor == "chemo_lines"]
    assert limits == [(None, 0)]


def test_a_flat_list_after_prior_treatment_with_any_of_the_following_bans_each_item() -> None:
    criteria = (
        "Inclusion Criteria:\n- Metastatic breast cancer\nExclusion Criteria:\n"
        "- Prior treatment with any of the following:\n- AKT, PI3K and mTOR inhibitors\n"
        "- Fulvestrant, and other SERDs\n- Pregnancy\n"
    )
    found = keys(read(criteria))
    banned = {"prior:fulvestrant", "prior:oral-serd", "prior:mtor-inhibitor"}
    assert {(key, False) for key in banned} <= found


def test_a_ban_on_one_drug_of_a_class_asks_which_drug_she_had() -> None:
    criteria = "Inclusion Criteria:\n* Metastatic breast cancer\nExclusion Criteria:\n* Prior exemestane"
    verdict, said = _judge(criteria, prior_therapies=("aromatase-inhibitor",), prior_lines=1)
    assert verdict == "possibly_eligible" and "whether yours was exemestane" in said
    single = "Inclusion Criteria:\n* Metastatic breast cancer\nExclusion Criteria:\n* Prior fulvestrant"
    assert _judge(single, prior_therapies=("fulvestrant",), prior_lines=1)[0] == "likely_excluded"


# --- fourteenth blind set ----------------------------------------------------------------------------


def test_a_pan_tumor_trial_for_refractory_cancer_is_a_trial_for_advanced_cancer() -> None:
    criteria = "Inclusion Criteria:\n* Solid tumor that has failed standard chemotherapy\n* ECOG 0-2"
    reading = read(
        criteria,
        title="Drug X in Patients With Refractory Neoplasms",
        conditions=["Breast Cancer", "Neoplasm"],
    )
    assert reading.setting == "metastatic"
    assert read(criteria, title="Drug X in Patients", conditions=["Breast Cancer"]).setting == "unknown"


PROGRESSED_OR_NOT_A_CANDIDATE = (
    INCLUDING + "Subjects must have completed or had disease progression on at least one prior "
    "line of disease-appropriate therapy or not be candidates for therapy of proven efficacy for "
    "their disease."
)


@pytest.mark.parametrize(("lines", "verdict"), [(1, "likely_eligible"), (0, "possibly_eligible")])
def test_progression_after_a_line_or_no_candidate_for_proven_therapy(lines: int, verdict: str) -> None:
    therapies = ("chemotherapy",) if lines else ()
    got = _judge(PROGRESSED_OR_NOT_A_CANDIDATE, prior_lines=lines, prior_therapies=therapies)
    assert got[0] == verdict


def test_the_drugs_a_washout_lets_continue_name_no_subtype() -> None:
    washout = (
        "Inclusion Criteria:\n* Metastatic solid tumor\nExclusion Criteria:\n* There should be a "
        "minimum of 4 weeks from any prior chemotherapy, with the exception of hormonal therapy for "
        "breast cancer, HER2-directed therapy for HER2+ breast cancer (IHC 3+ or FISH+)"
    )
    assert not [r for r in read(washout).requirements if r.key == "subtype"]
    other_cancer = (
        "Inclusion Criteria:\n* Metastatic breast cancer\nExclusion Criteria:\n* History of other "
        "malignancy within the last 5 years, except for synchronous HER2-positive breast cancer"
    )
    assert not [u for u in read(other_cancer).unread if "receptors" in u.concepts]


@pytest.mark.parametrize(("lines", "verdict"), [(0, "likely_excluded"), (2, "possibly_eligible")])
def test_cancer_not_amenable_to_control_by_standard_treatment(lines: int, verdict: str) -> None:
    criteria = (
        INCLUDING + "Histologically confirmed cancer not amenable to cure or long-term control by "
        "surgery, radiotherapy, chemotherapy, or hormonal manipulations"
    )
    assert _judge(criteria, prior_lines=lines)[0] == verdict


def test_a_chemosensitive_tumor_needs_earlier_chemotherapy() -> None:
    criteria = (
        INCLUDING + "Tumor must be clinically chemosensitive as documented by a reduction in "
        "tumor burden"
    )
    assert _judge(criteria, prior_lines=0)[0] == "likely_excluded"
    treated = _judge(criteria, prior_lines=1, prior_therapies=("chemotherapy", "taxane"))
    assert treated[0] == "likely_eligible"


def test_a_receptor_status_that_must_only_be_known_is_no_subtype_and_no_question() -> None:
    reading = read(INCLUDING + "Hormone receptor status: Estrogen receptor status known")
    assert not reading.unread and not [r for r in reading.requirements if r.key == "subtype"]


@pytest.mark.parametrize(
    ("profile", "verdict"),
    [
        ({}, "possibly_eligible"),
        ({"biomarkers": ("her2-low",)}, "likely_eligible"),
        ({"subtype": "her2-positive"}, "likely_eligible"),
    ],
)
def test_her2_expressing_cancer_is_low_or_positive(profile: dict[str, Any], verdict: str) -> None:
    from matchers.profile import PatientProfile
    from matchers.verdict import judge

    s = study(INCLUDING + "ECOG 0-1", title="Drug X in HER2-expressing Advanced Breast Cancer")
    reading = read_trial_uncached(s)
    assert [r.key for r in reading.requirements if r.key == "her2_expressing"] == ["her2_expressing"]
    values: dict[str, Any] = {"subtype": "hr-positive", "sites": ("bone",), **profile}
    match = judge(PatientProfile(**values), reading, s)
    assert match.verdict == verdict


@pytest.mark.parametrize(
    ("criterion", "factor"),
    [
        ("No symptomatic CNS disease or clinical evidence of CNS metastases", "brain_mets"),
        ("No symptomatic brain metastases", "brain_mets_active"),
        (
            "No symptomatic or untreated brain metastases or history of leptomeningeal disease",
            "brain_mets_active",
        ),
    ],
)
def test_symptomatic_brain_disease_or_any_evidence_of_it_bans_all(criterion: str, factor: str) -> None:
    found = {r.key for r in read(INCLUDING + criterion).requirements if r.key.startswith("brain")}
    assert factor in found and ({"brain_mets", "brain_mets_active"} - {factor}).isdisjoint(found)


# --- fifteenth blind set -----------------------------------------------------------------------------


def test_numbered_criteria_run_into_one_line_are_split_and_stay_siblings() -> None:
    text = (
        "inclusion criteria:1) Female patients with carcinoma of the breast. \n\n 2) CTC positivity "
        "in the blood. 3) Patients with metastatic disease. \n\n 4) Age >= 18 years. 5) ECOG 0 to 2.\n"
        "exclusion criteria: 1) Pregnant. 2) Brain metastases.\n"
    )
    items = [(i.kind, i.parent, i.text) for i in split_criteria(text)]
    assert items == [
        ("inclusion", None, "Female patients with carcinoma of the breast."),
        ("inclusion", None, "CTC positivity in the blood."),
        ("inclusion", None, "Patients with metastatic disease."),
        ("inclusion", None, "Age >= 18 years."),
        ("inclusion", None, "ECOG 0 to 2."),
        ("exclusion", None, "Pregnant."),
        ("exclusion", None, "Brain metastases."),
    ]


def test_numbers_under_a_header_in_one_line_stay_one_criterion() -> None:
    text = (
        "Exclusion Criteria:\n1) CNS involvement unless meeting BOTH of the following criteria: "
        "1) At least 4 weeks from prior therapy. 2) Clinically stable CNS tumor.\n"
    )
    assert len(split_criteria(text)) == 1


@pytest.mark.parametrize(
    ("criterion", "limit"),
    [
        (
            "Patients who have received at least two (and not more than five) prior chemotherapy "
            "regimens for metastatic disease",
            ("chemo_lines", 2, 5),
        ),
        (
            "At least 1 (but no more than 3) prior lines of therapy for metastatic disease",
            ("prior_lines", 1, 3),
        ),
    ],
)
def test_a_range_written_around_a_bracket(criterion: str, limit: tuple[str, int, int]) -> None:
    limits = {(str(x.factor), x.low, x.high) for x in read(INCLUDING + criterion).limits}
    assert limit in limits


def test_an_exclusion_for_intolerance_to_a_drug_does_not_ban_having_had_it() -> None:
    criteria = (
        "Inclusion Criteria:\n* Metastatic breast cancer\nExclusion Criteria:\n* History of "
        "intolerance (such as Grade 3-4 infusion reaction) to trastuzumab"
    )
    assert ("prior:trastuzumab", False) not in keys(read(criteria))
    banned = "Inclusion Criteria:\n* Metastatic breast cancer\nExclusion Criteria:\n* Prior trastuzumab"
    assert ("prior:trastuzumab", False) in keys(read(banned))


@pytest.mark.parametrize(
    ("criterion", "women_only"),
    [
        (
            "Female participants with HR+/HER2- breast cancer will be required to have ovarian "
            "function suppression using GnRH agonists or be postmenopausal.",
            False,
        ),
        ("Female patients with histologically confirmed metastatic breast cancer", True),
    ],
)
def test_a_rule_for_the_women_in_a_trial_does_not_shut_out_men(criterion: str, women_only: bool) -> None:
    assert (("women_only", True) in keys(read(INCLUDING + criterion))) == women_only


@pytest.mark.parametrize(
    ("criterion", "marker"),
    [
        ("Documented expression of CD117 (c-kit) or platelet-derived growth factor receptor", "cd117"),
        (
            "Tissue available to compare response with tumor expression of biomarkers, such as HER-2",
            None,
        ),
    ],
)
def test_a_protein_the_tumor_must_express_is_a_question(criterion: str, marker: str | None) -> None:
    found = [
        r.note for r in read(INCLUDING + criterion).requirements if r.key == "biomarker:gene-change"
    ]
    assert found == ([marker] if marker else [])


def test_weeks_since_a_drug_is_a_washout_not_a_requirement_to_have_had_it() -> None:
    criteria = (
        INCLUDING + "Chemotherapy: At least 4 weeks since prior chemotherapy (6 weeks since "
        "mitomycin, nitrosoureas, or carboplatin)"
    )
    assert not {key for key, _ in keys(read(criteria)) if key.startswith("prior:")}


def test_the_ecog_pathology_office_is_not_a_performance_status_rule() -> None:
    criterion = "HER2 status must be determined by the ECOG Pathology Coordinating Office"
    assert not read(INCLUDING + criterion).unread


@pytest.mark.parametrize(("lines", "verdict"), [(0, "likely_excluded"), (2, "likely_eligible")])
def test_a_pan_tumor_summary_for_cancer_refractory_to_standard_care(lines: int, verdict: str) -> None:
    from matchers.profile import PatientProfile
    from matchers.verdict import judge

    record = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT09990202", "briefTitle": "Drug X in Solid Tumors"},
            "statusModule": {"overallStatus": "RECRUITING"},
            "descriptionModule": {
                "briefSummary": "A phase 1 study of drug X in participants with relapsed/refractory/"
                "intolerant to standard of care therapies, for advanced/ metastatic solid tumors."
            },
            "conditionsModule": {"conditions": ["Breast Cancer", "Solid Tumor"]},
            "eligibilityModule": {
                "eligibilityCriteria": "Inclusion Criteria:\n* ECOG 0-1",
                "sex": "ALL",
            },
        }
    }
    s = Study.from_api(record)
    therapies = ("chemotherapy", "taxane") if lines else ()
    profile = PatientProfile(
        subtype="triple-negative", sites=("lung",), prior_lines=lines, prior_therapies=therapies
    )
    assert judge(profile, read_trial_uncached(s), s).verdict == verdict


# --- thirteenth blind set, after its first run -------------------------------------------------------


@pytest.mark.parametrize(
    "criterion",
    [
        "Must have completed first line chemotherapy for metastatic disease",
        "Must be enrolled no later than 40 weeks from the start of first line chemotherapy for "
        "metastatic disease",
    ],
)
def test_first_line_treatment_already_begun_means_at_least_one_line(criterion: str) -> None:
    limits = [(x.low, x.high) for x in read(INCLUDING + criterion).limits if x.factor == "chemo_lines"]
    assert limits == [(1, None)]  # of chemotherapy, the treatment the line names


def test_a_negation_inside_a_bracket_does_not_reach_past_it() -> None:
    criterion = (
        "Patients with a previous history of lung cancer, breast cancer, head and neck cancer (not "
        "thyroid cancer), or lymphoma who have suspected recurrence on physical exam."
    )
    found = {r.qualifier for r in read(INCLUDING + criterion).requirements if r.key == "disease_state"}
    assert found == {"suspected_recurrence"}


@pytest.mark.parametrize(
    ("criterion", "marker"),
    [
        ("Must have CEA expressing type tumor or a serum CEA elevation of 10 or greater", "cea"),
        ("Hormone receptor positive tumour as defined by expression of ER", None),
    ],
)
def test_a_marker_expressing_tumor_is_a_question(criterion: str, marker: str | None) -> None:
    found = [
        r.note for r in read(INCLUDING + criterion).requirements if r.key == "biomarker:gene-change"
    ]
    assert found == ([marker] if marker else [])


def test_a_symptom_score_to_reach_is_a_question() -> None:
    criterion = "Worst pain, fatigue, or distress rated at >= 3 out of 10 in the past 7 days"
    verdict, said = _judge(INCLUDING + criterion)
    assert verdict == "possibly_eligible" and "rating scale" in said


@pytest.mark.parametrize(
    ("criterion", "required"),
    [
        (
            "Women or men with metastatic breast cancer with two or more bone metastases identified "
            "by technetium Tc-99m (99mTc) bone scintigraphy and/or computed tomography (CT), at "
            "least one of these bone lesions must not have been treated with prior radiation therapy",
            True,
        ),
        ("Bone metastases requiring palliative radiotherapy", False),
        ("In the case of bone metastases only, biopsy-proven metastatic disease is required", False),
    ],
)
def test_bone_metastases_required_despite_a_later_clause_about_one_lesion(
    criterion: str, required: bool
) -> None:
    assert (("bone_mets", True) in keys(read(INCLUDING + criterion))) == required


# --- sixteenth blind set -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("criterion", "banned"),
    [
        ("Prior WBRT", True),
        ("Whole brain radiation (WBRT) is not allowed while patients receive study treatment", False),
        (
            "Target lesion within 5mm of the optic nerve so that it would be included in the SRS field",
            False,
        ),
    ],
)
def test_prior_whole_brain_radiotherapy_written_as_an_abbreviation(criterion: str, banned: bool) -> None:
    criteria = "Inclusion Criteria:\n* Metastatic breast cancer\nExclusion Criteria:\n* " + criterion
    assert (("prior_brain_radiation", False) in keys(read(criteria))) == banned


def test_an_exclusion_opening_with_the_treatment_received_for_advanced_disease() -> None:
    criteria = (
        "Inclusion Criteria:\n* Metastatic breast cancer\nExclusion Criteria:\n* Received systemic "
        "endocrine therapy for advanced disease;"
    )
    limits = [(str(x.factor), x.low, x.high) for x in read(criteria).limits]
    assert limits == [("endocrine_lines", None, 0)]


def test_a_prescription_she_must_hold_is_a_planned_treatment_question() -> None:
    criterion = "Patients with a prescription for any oral anticancer agent (oral chemotherapy)"
    found = {r.qualifier for r in read(INCLUDING + criterion).requirements if r.key == "disease_state"}
    assert found == {"planned_treatment"}


PHASE_ONE_WITH_TNBC_EXPANSION = (
    "inclusion criteria:\n\n Dose Escalation and Dose Expansion Cohorts\n\n Female patients, 18 years "
    "or older.\n\n Patients with breast cancer that is locally advanced or metastatic.\n\n Dose "
    "expansion Cohort - TNBC\n\n ER <10%, PR <10% by IHC assay; And\n\n HER2 negative\n"
)


def _phase_one(criteria: str, title: str, phases: list[str]) -> Study:
    return Study.from_api(
        {
            "protocolSection": {
                "identificationModule": {"nctId": "NCT09990203", "briefTitle": title},
                "statusModule": {"overallStatus": "RECRUITING"},
                "designModule": {"phases": phases},
                "conditionsModule": {"conditions": ["Breast Cancer"]},
                "eligibilityModule": {"eligibilityCriteria": criteria, "sex": "FEMALE"},
            }
        }
    )


@pytest.mark.parametrize(
    ("phases", "verdict"), [(["PHASE1"], "likely_eligible"), (["PHASE1", "PHASE2"], "possibly_eligible")]
)
@pytest.mark.parametrize(
    "criteria",
    [
        PHASE_ONE_WITH_TNBC_EXPANSION,
        PHASE_ONE_WITH_TNBC_EXPANSION.replace(
            "Dose Escalation and Dose Expansion Cohorts", "All patients in dose escalation:"
        ),
    ],
)
def test_a_dose_escalation_takes_the_shared_rules_and_in_phase_1_is_the_study(
    criteria: str, phases: list[str], verdict: str
) -> None:
    from matchers.profile import PatientProfile
    from matchers.verdict import judge

    title = "Drug X in Advanced Breast Cancer and Triple Negative Breast Cancer"
    s = _phase_one(criteria, title, phases)
    reading = read_trial_uncached(s)
    parts = {part.part for part in reading.parts}
    assert "expansion" in parts and len(parts) == 2  # the escalation takes the shared rules
    profile = PatientProfile(subtype="hr-positive", sites=("liver",), prior_lines=1, sex="female")
    assert judge(profile, reading, s).verdict == verdict


def test_a_sentence_that_needs_no_option_left_is_a_rule_of_its_own() -> None:
    criteria = (
        "Inclusion Criteria:\n* Metastatic solid tumor\n* Have progressed despite standard "
        "therapies, or for whom conventional therapy is not effective, as judged by the "
        "Investigator. Patients must have no available therapeutic options known to confer "
        "clinical benefit for their tumor type."
    )
    assert _judge(criteria, prior_lines=2, prior_therapies=("chemotherapy",))[0] == "possibly_eligible"
    either = (
        "Inclusion Criteria:\n* Metastatic solid tumor refractory to standard therapy or for which no "
        "standard therapy exists"
    )
    assert _judge(either, prior_lines=2, prior_therapies=("chemotherapy",))[0] == "likely_eligible"


@pytest.mark.parametrize(
    "criterion",
    [
        "Prior treatment with neurotoxic chemotherapy including any taxane or platinum agent that "
        "has resulted in persistent grade II or higher peripheral neuropathy",
        "Patient experienced >= Grade 3 immune-related AE with prior immunotherapy",
        "All AEs while receiving prior immunotherapy must have completely resolved",
    ],
)
def test_an_exclusion_about_harm_a_treatment_caused_does_not_ban_the_treatment(criterion: str) -> None:
    criteria = "Inclusion Criteria:\n* Metastatic breast cancer\nExclusion Criteria:\n* " + criterion
    assert not {key for key, expects in keys(read(criteria)) if key.startswith("prior:") and not expects}


def test_a_header_for_the_group_that_had_a_drug_is_not_a_ban() -> None:
    criteria = (
        "Inclusion Criteria:\n* Metastatic breast cancer\nExclusion Criteria:\n* Patients, who have "
        "received prior anti-PD-1 or anti PD-L1 therapy:\n* Must not have had a toxicity that led to "
        "permanent discontinuation of prior immunotherapy.\n"
    )
    assert ("prior:immunotherapy", False) not in keys(read(criteria))


def test_ptx_is_paclitaxel() -> None:
    criteria = (
        "Inclusion Criteria:\n* Metastatic breast cancer\nExclusion Criteria:\n* Prior treatment "
        "with PTX, for any duration or indication"
    )
    verdict, said = _judge(criteria, prior_therapies=("taxane",), prior_lines=1)
    assert verdict == "possibly_eligible" and "paclitaxel" in said


# --- seventeenth blind set ---------------------------------------------------------------------------


def test_two_treatments_joined_by_and_stay_both_required_despite_examples_with_or() -> None:
    criterion = (
        "Prior treatment with an anthracycline (e.g., doxorubicin or epirubicin) and a taxane "
        "(e.g., paclitaxel or docetaxel) either as adjuvant therapy or for advanced disease"
    )
    found = {key for key, expects in keys(read(INCLUDING + criterion)) if expects}
    assert {"prior:anthracycline", "prior:taxane"} <= found


def test_an_approval_step_for_some_brain_metastases_does_not_require_them() -> None:
    criterion = (
        "For patients with untreated CNS lesions > 2.0 cm on screening contrast brain MRI, "
        "discussion with and approval from the medical monitor is required prior to enrollment"
    )
    assert not {key for key, _ in keys(read(INCLUDING + criterion)) if key.startswith("brain")}


@pytest.mark.parametrize(
    ("criterion", "requires_post"),
    [
        ("A postmenopausal state is defined as no menses for 12 months without another cause.", False),
        ("Postmenopausal is defined as:\n* Age >= 60 years", True),
    ],
)
def test_a_definition_of_menopause_is_not_a_rule_but_its_header_is(
    criterion: str, requires_post: bool
) -> None:
    verdict = _judge(INCLUDING + criterion, menopausal_status="premenopausal")[0]
    assert (verdict == "likely_excluded") == requires_post


@pytest.mark.parametrize(
    ("criterion", "qualifier"),
    [
        (
            "Subjects who received an NK cell product in a Fate Therapeutics interventional study",
            "parent_study",
        ),
        ("Patients in complete radiological remission (CRR), including a stable bone scan", "ned"),
        (
            "Patient is eligible for T-DXd treatment and is scheduled for T-DXd treatment",
            "planned_treatment",
        ),
    ],
)
def test_states_her_answers_cannot_settle_are_questions(criterion: str, qualifier: str) -> None:
    found = {r.qualifier for r in read(INCLUDING + criterion).requirements if r.key == "disease_state"}
    assert qualifier in found
    assert ("prior:t-dxd", True) not in keys(read(INCLUDING + criterion))


def test_measurable_disease_or_bone_only_disease_is_two_ways_in() -> None:
    criterion = "Subjects must have measurable disease or, nonmeasurable (evaluable) bone-only disease"
    reading = read(INCLUDING + criterion)
    assert ("bone_only", True) not in keys(reading)
    assert "bone_only" in {str(a.factor) for a in reading.allowances}


def test_receptor_statuses_no_tumour_has_at_once_are_alternatives() -> None:
    criterion = (
        "Histologically proven HER2-negative breast cancer; HER2-negative breast cancer includes "
        "hormone receptor-positive breast cancer and TNBC."
    )
    found = [r for r in read(INCLUDING + criterion).requirements if r.key == "subtype"]
    assert [set(r.items) for r in found] == [{"HR+/HER2-", "HR-/HER2-"}]


@pytest.mark.parametrize(
    "criterion",
    [
        "Triple negative breast cancer patients must have received two lines of chemotherapy",
        "ER+/PR+, ER-/PR+, and ER+/PR- must have received a prior CDK4/6 inhibitor",
        "Her2 overexpressed breast cancer must have had prior trastuzumab",
    ],
)
def test_a_rule_for_one_receptor_group_binds_only_that_group(criterion: str) -> None:
    reading = read(INCLUDING + criterion)
    assert not [r for r in reading.requirements if r.key == "subtype" or r.key.startswith("prior:")]


def test_progression_on_or_within_months_of_the_last_chemotherapy_asks_about_timing() -> None:
    criterion = (
        "Refractory to the most recent chemotherapy, documented by progression on or within six\n"
        "   (6) months of therapy"
    )
    reading = read(INCLUDING + criterion)
    assert ("relapse_interval", True) in keys(reading)
    assert any("(6) months" in r.quote for r in reading.requirements)  # one criterion, not two
    verdict = _judge(INCLUDING + criterion, prior_lines=0, prior_therapies=("chemotherapy",))[0]
    assert verdict == "possibly_eligible"


def test_brain_metastases_requiring_steroids_is_about_symptoms() -> None:
    criteria = (
        "Inclusion Criteria:\n* Metastatic breast cancer\nExclusion Criteria:\n* Symptomatic brain "
        "metastases or brain metastases requiring chronic steroids to control symptoms."
    )
    assert _judge(criteria, sites=("liver", "brain"), brain_mets="active")[0] == "possibly_eligible"


@pytest.mark.parametrize(
    "criterion",
    [
        "Patients must have ER analysis performed on the primary tumor prior to study entry.",
        "Any endocrine therapy < 14 days before first dose (with the exception of GnRH agonist "
        "therapy in male subjects)",
    ],
)
def test_rules_about_a_test_or_a_washout_leave_nothing_unread(criterion: str) -> None:
    assert not read(INCLUDING + criterion).unread


# --- eighteenth blind set ----------------------------------------------------------------------------


def test_a_drug_required_after_adjuvant_use_or_for_metastatic_disease_is_open_to_either() -> None:
    criterion = (
        "Resistant to trastuzumab as defined as (1) progression within 12 months of completing "
        "adjuvant trastuzumab or (2) progression on trastuzumab administered for metastatic disease."
    )
    found = [r for r in read(INCLUDING + criterion).requirements if r.key == "prior:trastuzumab"]
    assert [r.qualifier for r in found] == [""]


@pytest.mark.parametrize(
    ("criterion", "setting"),
    [
        (
            "Scheduled for upfront definitive breast cancer surgery (breast conserving surgery or "
            "mastectomy)",
            "early",
        ),
        ("Hepatic: ALT or AST <= 2.5x ULN (or <= 5x with liver metastases)", "unknown"),
    ],
)
def test_setting_cues_from_surgery_plans_and_not_from_lab_limits(criterion: str, setting: str) -> None:
    criteria = "Inclusion Criteria:\n* Breast cancer\n* " + criterion
    assert (
        read(criteria, title="Drug X in Breast Cancer", conditions=["Breast Cancer"]).setting == setting
    )


def test_a_bullet_for_other_solid_tumors_beside_breast_cancer_is_not_hers() -> None:
    criteria = (
        "Inclusion Criteria:\n* Solid tumors:\n  * High-risk and metastatic breast cancer\n  * Other "
        "solid tumors that have recurred after conventional therapy and demonstrate chemosensitivity\n"
    )
    assert not {key for key, _ in keys(read(criteria)) if key.startswith("prior:")}


# --- nineteenth blind set ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "verdict"),
    [
        ({"prior_lines": 1, "prior_therapies": ("aromatase-inhibitor",)}, "possibly_eligible"),
        ({"prior_lines": 0, "prior_therapies": ("tamoxifen",)}, "likely_eligible"),
    ],
)
def test_treatment_required_in_the_adjuvant_setting_asks_when_it_was_given(
    profile: dict[str, Any], verdict: str
) -> None:
    criterion = "Patients must have received prior anti-estrogen therapy in the adjuvant setting."
    assert _judge(INCLUDING + criterion, **profile)[0] == verdict


def test_distant_metastases_allowed_except_brain_ones_excludes_brain_metastases() -> None:
    reading = read(INCLUDING + "Distant metastasis (excluding known brain metastases) allowed")
    assert ("brain_mets", False) in keys(reading)
    washout = read(INCLUDING + "No concurrent radiotherapy during the study except for CNS disease")
    assert ("brain_mets", False) not in keys(washout)


@pytest.mark.parametrize(
    ("criterion", "premenopausal_fits"),
    [
        ("Postmenopausal or premenopausal with bilateral oophorectomy.", False),
        ("Postmenopausal or premenopausal with oophorectomy (medical or surgical).", True),
    ],
)
def test_premenopausal_with_oophorectomy_means_surgery_only(
    criterion: str, premenopausal_fits: bool
) -> None:
    verdict = _judge(INCLUDING + criterion, menopausal_status="premenopausal")[0]
    assert (verdict != "likely_excluded") == premenopausal_fits


def test_central_nerve_system_is_the_brain() -> None:
    criteria = (
        "Inclusion Criteria:\n* Metastatic breast cancer\nExclusion Criteria:\n* have evidences of "
        "central nerve system metastases"
    )
    assert ("brain_mets", False) in keys(read(criteria))


def test_any_cdk_inhibitor_covers_cdk4_6_inhibitors() -> None:
    criteria = (
        "Inclusion Criteria:\n* Metastatic breast cancer\nExclusion Criteria:\n* Prior treatment with "
        "any CDK inhibitor, fulvestrant, or everolimus"
    )
    assert ("prior:cdk4/6-inhibitor", False) in keys(read(criteria))
    group_rule = (
        INCLUDING + "Trial participants with hormone receptor positive disease must have progression "
        "on at least one hormonal therapy and a CDK inhibitor"
    )
    assert not {key for key, _ in keys(read(group_rule)) if key.startswith("prior:")}


@pytest.mark.parametrize(
    "criterion",
    [
        "Subjects with histologically proven: 1) Advanced ovarian cancer patients who had previously "
        "failed first-line platinum-containing chemotherapy; Or 2) metastatic breast cancer;",
        "Participants with advanced platinum resistant epithelial ovarian cancer (EOC) "
        "(histologically proven) who have received at least 1 therapy containing a platinum analog",
    ],
)
def test_another_cancers_way_into_a_basket_trial_sets_no_rule_for_her(criterion: str) -> None:
    criteria = "Inclusion Criteria:\n* Metastatic breast cancer or ovarian cancer\n* " + criterion
    assert ("prior:platinum", True) not in keys(read(criteria))


# --- twentieth blind set -----------------------------------------------------------------------------


def test_a_negation_ends_where_an_alternative_with_its_own_verb_begins() -> None:
    criterion = (
        "Solid tumor that is metastatic or unresectable, for which standard curative measures do not "
        "exist, or have failed at least one line of standard therapy."
    )
    limits = [(x.low, x.high) for x in read(INCLUDING + criterion).limits if x.factor == "prior_lines"]
    assert limits == [(1, None)]
    still_negated = INCLUDING + "No prior chemotherapy, or hormonal therapy for metastatic disease"
    assert ("prior:chemotherapy", True) not in keys(read(still_negated))


# --- twenty-first blind set --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("criterion", "bans_brain_metastases"),
    [
        ("No primary brain tumor or brain metastases", True),
        ("Patients with primary brain tumors or brain metastases are excluded", True),
        ("No primary brain tumors", False),
    ],
)
def test_brain_metastases_named_after_a_primary_brain_tumour_are_read(
    criterion: str, bans_brain_metastases: bool
) -> None:
    assert (("brain_mets", False) in keys(read(INCLUDING + criterion))) == bans_brain_metastases


@pytest.mark.parametrize(
    ("criterion", "likely"),
    [
        ("Prior treatment with trastuzumab, a taxane, and lapatinib.", False),
        ("Must have been treated with lapatinib for metastatic disease", False),
        ("Prior treatment with trastuzumab, a taxane, and a HER2 tyrosine kinase inhibitor.", True),
        ("Prior treatment with lapatinib, neratinib or tucatinib", True),
    ],
)
def test_one_drug_of_a_class_required_asks_which_drug_her_history_holds(
    criterion: str, likely: bool
) -> None:
    verdict, words = _judge(
        INCLUDING + criterion,
        subtype="her2-positive",
        prior_therapies=("trastuzumab", "taxane", "chemotherapy", "her2-tki"),
        prior_lines=2,
    )
    assert (verdict == "likely_eligible") == likely
    if not likely:
        assert verdict == "possibly_eligible" and "whether yours was lapatinib" in words


@pytest.mark.parametrize(
    ("criterion", "marker"),
    [
        (
            "CEA-positive tumor (either by immunohistochemistry or as demonstrated by elevated CEA)",
            "cea",
        ),
        ("Patients must have CD20 positive tumors.", "cd20"),
        ("HR-positive tumor", None),
        ("Node-positive disease", None),
        ("PD-L1 positive tumor", None),
    ],
)
def test_a_protein_the_tumour_must_be_positive_for_is_a_question(
    criterion: str, marker: str | None
) -> None:
    notes = [r.note for r in read(INCLUDING + criterion).requirements if r.factor == "gene-change"]
    assert notes == ([marker] if marker else [])


@pytest.mark.parametrize(
    ("criterion", "asks"),
    [
        ("Currently receiving myelosuppressive, cytotoxic chemotherapy for advanced cancer", True),
        ("Currently taking an aromatase inhibitor (AI)", True),
        ("Patients currently receiving trastuzumab may continue", False),
        ("Not currently receiving chemotherapy", False),
        ("Candidate for, or currently on stable doses of capecitabine", False),
        ("Patients currently on endocrine therapy must be willing to stop it 2 weeks before", False),
    ],
)
def test_a_treatment_she_must_be_on_now_is_a_question(criterion: str, asks: bool) -> None:
    qualifiers = {r.qualifier for r in read(INCLUDING + criterion).requirements}
    assert ("current_treatment" in qualifiers) == asks
    if asks:
        verdict, words = _judge(
            INCLUDING + criterion, prior_therapies=("chemotherapy", "aromatase-inhibitor")
        )
        assert verdict == "possibly_eligible" and "receiving a particular treatment now" in words


@pytest.mark.parametrize(
    ("criterion", "required"),
    [
        (
            "Failing at least one course of standard systemic treatment with chemotherapy (and "
            "endocrine therapy if appropriate)",
            {"prior:chemotherapy|systemic"},
        ),
        (
            "Have received sacituzumab govitecan chemotherapeutic treatment if clinically indicated",
            set(),
        ),
        ("Prior treatment with a taxane and, if indicated, trastuzumab", {"prior:taxane"}),
    ],
)
def test_a_treatment_required_if_appropriate_binds_only_those_it_suits(
    criterion: str, required: set[str]
) -> None:
    found = {
        r.key
        for r in read(INCLUDING + criterion).requirements
        if r.expects and r.key.startswith("prior")
    }
    assert required <= found and "prior:endocrine" not in found
    assert not any("sacituzumab" in key for key in found)


def test_a_treatment_that_must_have_failed_lately_asks_about_the_timing() -> None:
    criterion = "Failure of aromatase inhibitor therapy within the previous 6 months."
    verdict, words = _judge(
        INCLUDING + criterion, prior_therapies=("aromatase-inhibitor", "chemotherapy"), prior_lines=3
    )
    assert verdict == "possibly_eligible" and "stopped working within a set time" in words
    assert _judge(INCLUDING + criterion, prior_therapies=("chemotherapy",), prior_lines=1)[0] == (
        "likely_excluded"
    )
    for not_a_failure in (
        "No chemotherapy within the previous 4 weeks",
        "Progression within the past 6 months",
    ):
        assert not [
            r for r in read(INCLUDING + not_a_failure).requirements if r.factor == "relapse_interval"
        ]


@pytest.mark.parametrize(
    ("line", "parts"),
    [
        (
            "Cohorts B, C, D (dose finding, Breast Cancer) & Cohort D1 and Cohort D2 (Breast Cancer): "
            "HR-positive disease",
            ("cohort b", "cohort c", "cohort d", "cohort d1", "cohort d2"),
        ),
        (
            "Cohort A (Solid Tumours) & Cohort E (NSCLC): Male or female patients",
            ("cohort a", "cohort e"),
        ),
    ],
)
def test_labels_with_their_own_brackets_all_name_parts(line: str, parts: tuple[str, ...]) -> None:
    (item,) = split_criteria("Inclusion Criteria:\n* " + line)
    assert item.parts == parts


def test_a_label_line_whose_bracket_names_another_cancer_opens_a_part_that_is_not_hers() -> None:
    criteria = (
        "Inclusion Criteria:\n"
        "Cohort A (Breast Cancer)\n* Metastatic breast cancer\n* HR-positive disease\n"
        "Cohort E (NSCLC (Non-Small Cell Lung Cancer))\n* Stage IV disease\n"
    )
    items = {i.text: i.parts for i in split_criteria(criteria)}
    assert items["Stage IV disease"] == ("cohort e",) and items["HR-positive disease"] == ("cohort a",)
    assert any(i.parts == ("cohort e",) and "NSCLC" in i.text for i in split_criteria(criteria))
    assert _judge(criteria, subtype="triple-negative")[0] == "likely_excluded"
    # a bracket that only heads a list ("one of the following") keeps its earlier reading
    listing = "Inclusion Criteria:\nCohort B (one of the following must be true):\n* Prior tamoxifen\n"
    assert not any(i.text == "one of the following must be true" for i in split_criteria(listing))


def test_a_definition_after_the_rule_only_repeats_its_treatments_with_their_timing() -> None:
    criterion = (
        "Patients with resistance to prior therapy with an aromatase inhibitor (AI) and CDK4/6 "
        "inhibitor for metastatic breast cancer, defined as radiologic evidence of disease progression "
        "while on, or within 30 days after last dose of AI and/or CDK4/6 inhibitor"
    )
    found = keys(read(INCLUDING + criterion))
    assert {("prior:aromatase-inhibitor", True), ("prior:cdk4/6-inhibitor", True)} <= found
    absorption = (
        "Inclusion Criteria:\n* Metastatic breast cancer\nExclusion Criteria:\n* Previous significant "
        "bowel resection that would preclude adequate absorption of abemaciclib"
    )
    assert not [r for r in read(absorption).requirements if r.factor == "prior"]


@pytest.mark.parametrize(
    ("criterion", "flags"),
    [
        ("Previously received therapies known to confer clinical benefit.", {"failed"}),
        ("No therapeutic options available", {"none"}),
        (
            "Patients must have received and failed, or have been intolerant to, all treatment known to "
            "confer clinical benefit or have no therapeutic options available",
            {"none"},
        ),
        ("Solid tumor refractory to or intolerant of all standard therapy", {"none"}),
        ("Solid tumor refractory to standard therapy", {"failed"}),
    ],
)
def test_standard_therapy_used_up_is_read_from_its_several_wordings(
    criterion: str, flags: set[str]
) -> None:
    solid = "Inclusion Criteria:\n* Advanced solid tumors including breast cancer\n* " + criterion
    (rule,) = [r for r in read(solid).requirements if r.factor == "standard_therapy"]
    assert {str(i) for i in rule.items} == flags


# --- twenty-second blind set -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("section", "criterion", "bounds"),
    [
        (
            "Exclusion",
            "Number of prior chemotherapy lines of treatment in the metastatic setting ≥3",
            (None, 2),
        ),
        ("Inclusion", "Number of prior lines of therapy for metastatic disease <= 2", (None, 2)),
        ("Exclusion", "Number of prior lines of therapy for metastatic disease > 1", (None, 1)),
    ],
)
def test_a_count_written_after_what_it_counts_is_read(
    section: str, criterion: str, bounds: tuple[int | None, int | None]
) -> None:
    criteria = f"Inclusion Criteria:\n* Metastatic breast cancer\n{section} Criteria:\n* {criterion}"
    limits = [
        (x.low, x.high) for x in read(criteria).limits if x.factor in ("chemo_lines", "prior_lines")
    ]
    assert limits == [bounds]


def test_prior_to_the_administration_of_a_drug_is_a_time_not_a_history() -> None:
    criterion = (
        "ECOG performance status 0, 1 or 2 as determined on Day 1 of Cycle 1 prior to administration "
        "of chemotherapy"
    )
    assert not [r for r in read(INCLUDING + criterion).requirements if r.factor == "prior"]
    assert ("prior:taxane", True) in keys(read(INCLUDING + "Must have received prior taxane"))


def test_a_harm_measured_during_a_treatment_does_not_ban_the_treatment() -> None:
    exclusion = (
        "Inclusion Criteria:\n* Metastatic breast cancer\nExclusion Criteria:\n* Patients with a "
        "history of LVEF decline to below 50% during or after prior trastuzumab/lapatinib or other "
        "HER2 directed therapy."
    )
    assert not [r for r in read(exclusion).requirements if r.factor == "prior"]
    ban = "Inclusion Criteria:\n* Metastatic breast cancer\nExclusion Criteria:\n* Prior trastuzumab"
    assert ("prior:trastuzumab", False) in keys(read(ban))


def test_a_ban_on_treatment_for_advanced_disease_but_one_endocrine_line_caps_every_line() -> None:
    criteria = (
        "Inclusion Criteria:\n* HER2-positive metastatic breast cancer\nExclusion Criteria:\n* History "
        "of anti-cancer therapy for MBC (with the exception of one prior hormonal regimen for MBC)"
    )
    limits = {(x.factor, x.high) for x in read(criteria).limits}
    assert {("endocrine_lines", 1), ("chemo_lines", 0), ("prior_lines", 1)} <= limits
    treated = {"subtype": "her2-positive", "prior_therapies": ("taxane", "chemotherapy", "trastuzumab")}
    assert _judge(criteria, prior_lines=1, **treated)[0] == "likely_excluded"
    assert _judge(criteria, prior_lines=0, subtype="her2-positive")[0] == "likely_eligible"


# --- audits of the whole corpus (no labels): readings that contradict their own words -------------


def test_a_count_for_all_but_some_parts_is_still_a_count() -> None:
    criteria = (
        "Inclusion Criteria:\n Histology:\n\n Metastatic breast cancer\n\n Except for cohorts F and H, "
        "≥ 1 previous line (s) of systemic therapy,\n\n Age ≥ 18 years"
    )
    limits = [(x.low, x.high) for x in read(criteria).limits if x.factor == "prior_lines"]
    assert limits == [(1, None)]


def test_how_lines_are_counted_is_no_limit() -> None:
    note = (
        "Note: For neoadjuvant/adjuvant therapy, recurrence or disease progression during treatment or "
        "within 6 months of discontinuation of treatment should be counted as first-line systemic "
        "treatment failure"
    )
    assert not [x for x in read(INCLUDING + note).limits if x.factor == "prior_lines"]


@pytest.mark.parametrize(
    ("criterion", "bounds"),
    [
        ("No prior systemic therapy for metastatic disease (first-line setting)", ("prior_lines", 0, 0)),
        ("Metastatic disease not yet treated with first-line chemotherapy", ("chemo_lines", 0, 0)),
        (
            "No previous endocrine therapy or first-line endocrine therapy for metastatic disease",
            ("endocrine_lines", 0, 1),
        ),
    ],
)
def test_first_line_after_a_negation_is_no_earlier_line(
    criterion: str, bounds: tuple[str, int | None, int | None]
) -> None:
    assert [(x.factor, x.low, x.high) for x in read(INCLUDING + criterion).limits] == [bounds]


@pytest.mark.parametrize(
    ("criterion", "high"),
    [
        ("Eastern Cooperative Oncology Group Performance Status: 0~1;", 1),
        ("ECOG: 0～2", 2),
        ("ECOG-PS 0-II.", 2),
        ("ECOG 0-1", 1),
        ("ECOG performance status of 0", 0),
    ],
)
def test_performance_ranges_written_with_a_tilde_or_roman_numerals(criterion: str, high: int) -> None:
    assert [x.high for x in read(INCLUDING + criterion).limits if x.factor == "ecog"] == [high]


@pytest.mark.parametrize(
    "criterion",
    [
        "No more than 1 prior chemotherapy regimen in the adjuvant setting",
        "No more than 4 weeks of prior tamoxifen for disease",
        "No more than two prior anti-HER2 therapies for metastatic disease",
    ],
)
def test_a_cap_on_a_treatment_does_not_require_it(criterion: str) -> None:
    assert not [r for r in read(INCLUDING + criterion).requirements if r.factor == "prior" and r.expects]
    floor = INCLUDING + "At least a minimum of 2 and a maximum of 5 prior lines of anti-HER2 therapy"
    assert [r for r in read(floor).requirements if r.factor == "prior" and r.expects]


@pytest.mark.parametrize(
    ("criterion", "requires_brain_metastases"),
    [
        ("Brain metastases must be controlled for at least 3 months", False),
        ("Brain metastasis must not represent sole site of disease", False),
        ("At least 1 year since clinically significant CNS disease or seizures", False),
        (
            "Patients with symptomatic brain metastases or other symptomatic central nervous system "
            "(CNS) metastases are not eligible for the study",
            False,
        ),
        ("Brain metastases must be present and measurable", True),
        ("Patients must have brain metastases", True),
    ],
)
def test_rules_for_those_with_brain_metastases_do_not_require_them(
    criterion: str, requires_brain_metastases: bool
) -> None:
    assert (("brain_mets", True) in keys(read(INCLUDING + criterion))) == requires_brain_metastases


def test_metastatic_disease_involving_a_bone_site_requires_bone_metastases() -> None:
    criteria = "Inclusion Criteria:\n* Metastatic breast cancer involving at least 1 bone site"
    assert ("bone_mets", True) in keys(read(criteria))
    listing = (
        "Inclusion Criteria:\n* Metastatic breast cancer\n* Metastatic disease involving bone or liver"
    )
    assert ("bone_mets", True) not in keys(read(listing))


@pytest.mark.parametrize(
    "criterion",
    [
        "Radiotherapy: At least 4 weeks since prior radiotherapy to bony areas or CNS metastases",
        "At least 28 days from prior definitive treatment of their CNS disease by surgical resection",
        "If history of brain metastases must meet the following criteria:",
        "If central nervous system (CNS) metastases are known these have to be stable",
        "For patients with known brain metastases, evidence of clinically stable disease is required",
        "Corticosteroid therapy for central nervous system metastatic disease: > 3 days.",
        "Participants may have concomitant brain metastases",
        "At least one measurable lesion (brain metastasis must not be the only measurable lesion)",
        "At least two lesions: one extra cerebral lesion that can be treated by radiotherapy",
        "Has at least one non-intracranial measurable lesion by RECIST version 1.1.",
    ],
)
def test_more_rules_about_brain_metastases_that_do_not_require_them(criterion: str) -> None:
    assert ("brain_mets", True) not in keys(read(INCLUDING + criterion))


def test_a_scan_not_required_is_no_rule_but_leaves_a_ban_beside_it() -> None:
    exclusions = "Inclusion Criteria:\n* Metastatic breast cancer\nExclusion Criteria:\n* "
    procedure = exclusions + "A scan to confirm the absence of brain metastases is not required"
    assert not [r for r in read(procedure).requirements if r.factor == "brain_mets"]
    ban = (
        exclusions
        + "Previous or current CNS metastases (screening CT or MRI is not required in asymptomatic "
        "subjects)"
    )
    assert ("brain_mets", False) in keys(read(ban))
    must_have_no = (
        exclusions + "Patients must have no history of central nervous system (CNS) metastasis"
    )
    assert ("brain_mets", True) not in keys(read(must_have_no))
    intact = (
        "Inclusion Criteria:\n* At least one intact brain metastasis with no prior radiation therapy "
        "for brain metastasis"
    )
    assert ("brain_mets", True) in keys(read(intact))


@pytest.mark.parametrize(
    "criterion",
    [
        "Platinum-refractory ovarian cancer is defined as progression within 91 days after platinum",
        "iii) is age <60 years and has had amenorrhea for 12 or more months (in the absence of "
        "chemotherapy, tamoxifen, toremifene, or ovarian suppression)",
    ],
)
def test_a_definition_names_treatments_without_a_rule_about_them(criterion: str) -> None:
    assert not [r for r in read(INCLUDING + criterion).requirements if r.factor == "prior"]
    rule = (
        INCLUDING + "Resistance to prior adjuvant endocrine therapy, which is defined as relapse on it"
    )
    assert ("prior:endocrine", True) in keys(read(rule))


@pytest.mark.parametrize(
    ("criterion", "bounds"),
    [
        ("Greater than or equal to 18 years of age and less than or equal to age 70.", [(18, 70)]),
        ("Postmenopausal women ages 50 to 79.", [(50, 79)]),
        ("Unknown receptor status allowed if over 50 years old", []),
        (
            "At least 18 years of age or 12 to 17 years of age after Safety Review Committee approval.",
            [],
        ),
        ("Creatinine clearance >= 50 mL/min (Ccr = ((140-age) x body weight (kg)) / (72 x Scr))", []),
    ],
)
def test_age_limits_written_out_or_beside_other_numbers(
    criterion: str, bounds: list[tuple[int | None, int | None]]
) -> None:
    assert [(x.low, x.high) for x in read(INCLUDING + criterion).limits if x.factor == "age"] == bounds


def test_line_counts_with_a_sign_in_brackets_notes_on_counting_and_checkpoint_inhibitors() -> None:
    exclusions = "Inclusion Criteria:\n* Metastatic breast cancer\nExclusion Criteria:\n* "
    sign = read(
        exclusions + "Prior treatment with greater than (>) 1 cytotoxic chemotherapy regimen for MBC"
    )
    assert [(x.low, x.high) for x in sign.limits if x.factor == "chemo_lines"] == [(None, 1)]
    note = read(
        exclusions + "Prior endocrine or immunotherapy regimens for metastatic disease will not be "
        "counted as cytotoxic"
    )
    assert not note.limits and not [r for r in note.requirements if r.factor == "prior"]
    checkpoint = read(exclusions + "Prior checkpoint inhibitor therapy in the metastatic setting.")
    assert not [x for x in checkpoint.limits if x.factor == "prior_lines"]
    assert ("prior:immunotherapy", False) in keys(checkpoint)


def test_a_study_for_breast_cancer_with_chest_wall_disease_asks_about_it() -> None:
    criterion = (
        "Advanced breast cancer with locally recurrent chest wall disease not amenable to surgery."
    )
    assert "chest_wall" in {
        str(r.qualifier) for r in read("Inclusion Criteria:\n* " + criterion).requirements
    }
    listing = "Inclusion Criteria:\n* Metastatic breast cancer with lung, liver or chest wall disease"
    assert "chest_wall" not in {str(r.qualifier) for r in read(listing).requirements}


@pytest.mark.parametrize(
    "criterion",
    [
        "Bone scan, PET scan or plain films are not considered adequate imaging techniques to measure "
        "bone lesions.",
        "According to RECIST 1.1, patients with at least one target lesion or simple bone metastasis "
        "can be evaluated;",
    ],
)
def test_bone_lesions_named_for_measuring_do_not_require_bone_metastases(criterion: str) -> None:
    assert ("bone_mets", True) not in keys(read(INCLUDING + criterion))


@pytest.mark.parametrize(
    ("criterion", "requires_liver"),
    [
        (
            "Have locoregional (eg, breast, chest wall) or pulmonary or hepatic metastatic disease "
            "that is amenable to core needle biopsy",
            False,
        ),
        ("Examples include multiple liver metastases, lung metastases, carcinomatous pleurisy", False),
        ("HER2-positive breast cancer with evidence of liver metastasis by imaging", True),
    ],
)
def test_the_liver_as_one_of_several_places_is_no_liver_requirement(
    criterion: str, requires_liver: bool
) -> None:
    assert (("liver_mets", True) in keys(read("Inclusion Criteria:\n* " + criterion))) == requires_liver


def test_premenopausal_women_on_suppression_of_ovarian_function_are_not_turned_away() -> None:
    criteria = (
        "Inclusion Criteria:\n* Metastatic breast cancer\nExclusion Criteria:\n* Pre-menopausal "
        "patients with hormone-dependent breast cancer can continue on therapies used for suppression "
        "of ovarian function."
    )
    assert _judge(criteria, menopausal_status="premenopausal")[0] == "likely_eligible"


@pytest.mark.parametrize(
    ("criterion", "factor"),
    [
        ("Metastatic disease not yet treated with first-line chemotherapy", "chemo_lines"),
        (
            "Progressive disease during first line hormonal therapy for metastatic disease",
            "endocrine_lines",
        ),
        ("Progression after first-line treatment for metastatic disease", "prior_lines"),
    ],
)
def test_an_ordinal_line_counts_the_kind_of_treatment_it_names(criterion: str, factor: str) -> None:
    assert {x.factor for x in read(INCLUDING + criterion).limits} == {factor}


def test_a_first_line_chemotherapy_trial_takes_her_after_endocrine_lines() -> None:
    criteria = INCLUDING + "Metastatic disease not yet treated with first-line chemotherapy"
    verdict, _ = _judge(
        criteria,
        prior_therapies=("aromatase-inhibitor", "cdk4/6-inhibitor", "fulvestrant"),
        prior_lines=2,
    )
    assert verdict != "likely_excluded"


@pytest.mark.parametrize(
    "criteria",
    [
        "Inclusion Criteria:\n* Metastatic breast cancer\n* Lymphoproliferative diseases*:\n"
        "  * Low-grade non-Hodgkin's lymphoma NOTE: *Recurrent disease after first-line chemotherapy",
        "Inclusion Criteria:\n* Metastatic breast cancer\n* Hodgkin's lymphoma:\n"
        "  * Resistant or recurrent disease after combination chemotherapy with at least 1 regimen",
        "Inclusion Criteria:\n* Metastatic breast cancer\n* NHL (intermediate- and high-grade): "
        "Resistant or recurrent disease after combination chemotherapy with at least 1 regimen",
        "Inclusion Criteria:\n* Metastatic breast cancer\n* Phase 1a: Platinum-resistant or refractory "
        "ovarian cancer: Participants must have progressed after at least 1 platinum-based therapy.",
    ],
)
def test_another_cancers_rules_under_its_own_label_are_not_hers(criteria: str) -> None:
    reading = read(criteria)
    assert not reading.limits
    assert not [r for r in reading.requirements if r.factor == "prior"]


# --- twenty-third blind set, after its first run -----------------------------------------------------


@pytest.mark.parametrize(
    ("criterion", "required"),
    [
        (
            "Patients must have radiological documentation of metastatic disease to the thoracic or "
            "lumbar spine including both PET or bone scan and MRI",
            True,
        ),
        ("Patients with spinal metastases confirmed by MRI", True),
        ("Bone metastases required", True),
        ("Presence of bone metastasis is not required.", False),
        ("Metastatic disease including lung or bone lesions", False),
    ],
)
def test_the_spine_is_bone_and_a_rule_that_says_required_requires(
    criterion: str, required: bool
) -> None:
    assert (("bone_mets", True) in keys(read(INCLUDING + criterion))) is required


@pytest.mark.parametrize(
    "criterion",
    [
        "Patients have CTC >/=3.",
        "Patients must be CTC positive (defined as CTCs >= 5)",
        "Metastatic HER2-negative breast cancer with AR expression of >= 10%",
        "Androgen receptor expression > 1% by immunohistochemistry",
    ],
)
def test_a_blood_count_or_a_stained_share_of_another_marker_is_a_question(criterion: str) -> None:
    verdict, words = _judge(INCLUDING + criterion)
    assert verdict == "possibly_eligible" and "test result" in words


def test_every_standard_therapy_failed_or_refused_is_a_question_not_a_fit() -> None:
    criterion = (
        "All standard therapies have failed according to NCCN guidelines or the patient refuses "
        "standard therapies"
    )
    flags = {str(f) for r in read(INCLUDING + criterion).requirements for f in r.items}
    assert flags == {"none", "optional"}
    assert _judge(INCLUDING + criterion, prior_lines=2)[0] == "possibly_eligible"


def test_a_section_heading_for_one_part_with_its_description_opens_that_section() -> None:
    criteria = (
        "Subject Inclusion Criteria for Part 1: Safety Run-in study\n* Metastatic breast cancer\n"
        "Subject Exclusion Criteria for Part 1: Safety Run-in study\n"
        "* Has known active central nervous system (CNS) metastases\n"
        "Subject Inclusion Criteria for Part 2 (Randomized Phase II Clinical Trial)\n"
        "* Triple negative breast cancer\n"
    )
    items = split_criteria(criteria)
    assert [(i.kind, i.parts[:1]) for i in items] == [
        ("inclusion", ("part 1",)),
        ("exclusion", ("part 1",)),
        ("inclusion", ("part 2",)),
    ]
    assert ("brain_mets", True) not in keys(read(criteria))


@pytest.mark.parametrize("kind", ["steroidal", "non-steroidal"])
def test_a_rule_on_one_kind_of_aromatase_inhibitor_asks_which_she_had(kind: str) -> None:
    criteria = EXCLUDING + f"Prior treatment for breast cancer with a {kind} aromatase inhibitor"
    verdict, words = _judge(criteria, prior_therapies=("aromatase-inhibitor",), prior_lines=1)
    assert verdict == "possibly_eligible" and f"a {kind} aromatase inhibitor" in words


def test_a_permission_in_an_aside_does_not_turn_an_excluded_count_into_a_requirement() -> None:
    reading = read(
        EXCLUDING + "More than two prior chemotherapy regimen for treatment of metastatic disease "
        "(any prior chemotherapy given in the adjuvant setting is permitted)"
    )
    assert [(x.factor, x.low, x.high) for x in reading.limits] == [("chemo_lines", None, 2)]


@pytest.mark.parametrize(
    ("criterion", "bounds"),
    [
        ("Plans to initiate 2nd, 3rd, or 4th line endocrine therapy for metastatic disease", (1, 3)),
        ("Receiving first-/second-line chemotherapy for metastatic disease", (0, 1)),
        ("Second or third line treatment of metastatic disease", (1, 2)),
        ("Third-line treatment for metastatic disease", (2, 2)),
    ],
)
def test_a_list_of_ordinal_lines_starts_at_its_lowest(criterion: str, bounds: tuple[int, int]) -> None:
    assert [(x.low, x.high) for x in read(INCLUDING + criterion).limits] == [bounds]


def test_a_contraception_rule_is_never_unread_about_her() -> None:
    reading = read(
        INCLUDING + "Men and women with child-bearing potential must adhere to protocol criteria to "
        "prevent conception during study\n* Participant is a woman of child-bearing potential "
        "defined as all women physiologically capable of becoming pregnant, unless using hormonal "
        "contraception"
    )
    assert not reading.unread


def test_bevacizumab_is_a_treatment_she_can_list() -> None:
    criterion = "Patients in first line treatment who have completed treatment with Avastin"
    assert ("prior:anti-vegf", True) in keys(read(INCLUDING + criterion))
    assert _judge(INCLUDING + criterion, prior_lines=0)[0] == "likely_excluded"
    had = _judge(INCLUDING + criterion, prior_therapies=("anti-vegf", "taxane"), prior_lines=0)
    assert had[0] != "likely_excluded"


@pytest.mark.parametrize(
    ("criterion", "bounds"),
    [
        ("Only 1 previous chemotherapy regimen for MBC.", ("chemo_lines", None, 1)),
        (
            "Only one prior line of endocrine therapy in the metastatic setting.",
            ("endocrine_lines", None, 1),
        ),
        (
            "No prior chemotherapy for metastatic breast cancer or only 1 previous line of endocrine "
            "therapy in the metastatic setting",
            ("endocrine_lines", None, 1),
        ),
    ],
)
def test_only_n_lines_is_at_most_n(criterion: str, bounds: tuple[str, int | None, int]) -> None:
    limits = {(x.factor, x.low, x.high) for x in read(INCLUDING + criterion).limits}
    assert bounds in limits


def test_a_relapse_interval_that_lets_more_people_in_is_no_question() -> None:
    criterion = (
        "Patients progressing while receiving adjuvant endocrine therapy or progressing <12 months "
        "from completion of adjuvant endocrine therapy are eligible."
    )
    assert not [r for r in read(INCLUDING + criterion).requirements if r.factor == "relapse_interval"]
    rule = "Relapse within 12 months of completing adjuvant endocrine therapy"
    assert [r for r in read(INCLUDING + rule).requirements if r.factor == "relapse_interval"]


@pytest.mark.parametrize(
    "criterion",
    [
        "With histologically proven breast cancer, positives hormones receptors and negative HER2",
        "Patients who have hormones receptor positive tumour",
    ],
)
def test_hormone_receptors_written_in_the_plural_are_still_read(criterion: str) -> None:
    subtypes = [r.items for r in read(INCLUDING + criterion).requirements if r.factor == "subtype"]
    assert subtypes and all("HR-/HER2-" not in items for items in subtypes)


@pytest.mark.parametrize(
    ("criterion", "factor"),
    [
        ("Endocrine therapy for advanced disease;", "endocrine_lines"),
        ("Previously received chemotherapy in the advanced/metastatic setting.", "chemo_lines"),
        ("Radiation therapy for metastatic disease (except for relief of bone pain)", None),
        ("No treatment for metastatic breast cancer was received;", None),
    ],
)
def test_a_bare_treatment_for_advanced_disease_among_the_exclusions_allows_none_of_it(
    criterion: str, factor: str | None
) -> None:
    limits = [(x.factor, x.high) for x in read(EXCLUDING + criterion).limits]
    assert limits == ([(factor, 0)] if factor else [])


@pytest.mark.parametrize(
    ("criterion", "note"),
    [
        ("No prior paclitaxel or taxotere", "paclitaxel or docetaxel"),
        ("Prior treatment with talazoparib or other known PARP inhibitors", ""),
        ("Prior use of abemaciclib (use of other CDK4/6 inhibitors is allowed)", "abemaciclib"),
        (
            "Previous treatment with fulvestrant, everolimus and any other CDK4/6 inhibitors",
            "everolimus",
        ),
    ],
)
def test_a_ban_on_drugs_of_one_class_names_them_all_or_the_class(criterion: str, note: str) -> None:
    bans = [
        r for r in read(EXCLUDING + criterion).requirements if r.factor == "prior" and r.note == note
    ]
    assert bans


def test_a_flattened_paragraph_breaks_before_an_adjuvant_treatment_rule() -> None:
    criteria = (
        "DISEASE CHARACTERISTICS: Metastatic breast cancer No more than 1 prior regimen for metastatic "
        "or recurrent disease Adjuvant chemotherapy within 6 months of diagnosis of metastatic disease "
        "considered therapy for advanced disease"
    )
    assert [i.text[:8] for i in split_criteria(criteria)] == ["Metastat", "No more ", "Adjuvant"]
    assert [(x.factor, x.high) for x in read(criteria).limits] == [("prior_lines", 1)]


def test_a_rule_for_those_treated_for_brain_metastases_does_not_require_them() -> None:
    criterion = (
        "Do not require immediate local treatment during the trial period, and meet either of the "
        "following two criteria: i) For patients who have received previous local treatment "
        "(surgery, whole brain radiotherapy (WBRT) and stereotactic radiosurgery (SRS)) for brain "
        "metastases, stable or progression of intracranial lesions is required."
    )
    assert ("brain_mets", True) not in keys(read(INCLUDING + criterion))


def test_no_refractory_disease_is_no_call_for_refractory_disease() -> None:
    criteria = (
        "Inclusion Criteria:\n* Advanced solid tumors including breast cancer\n"
        "* No refractory disease (less than partial response to induction chemotherapy)"
    )
    assert not [r for r in read(criteria).requirements if r.factor == "standard_therapy"]
    # and the chemotherapy it names is what the disease responded to, not a treatment banned
    assert not [r for r in read(criteria).requirements if r.factor == "prior"]
    response = read(INCLUDING + "Must have had a partial or complete response to prior chemotherapy")
    assert ("prior:chemotherapy", True) in keys(response)


def test_a_count_that_leaves_early_treatment_out_is_still_a_line_count() -> None:
    criterion = "No more than 1 prior chemotherapy regimen (excluding adjuvant chemotherapy)"
    limits = [(x.factor, x.low, x.high) for x in read(INCLUDING + criterion).limits]
    assert limits == [("chemo_lines", None, 1)]


def test_a_cap_listed_among_the_exclusions_is_still_a_cap() -> None:
    reading = read(EXCLUDING + "No more than two lines of chemotherapy for advanced disease")
    assert [(x.factor, x.low, x.high) for x in reading.limits] == [("chemo_lines", None, 2)]
    over = read(EXCLUDING + "More than 2 prior chemotherapy regimens for metastatic disease")
    assert [(x.factor, x.low, x.high) for x in over.limits] == [("chemo_lines", None, 2)]


def test_a_negation_ends_where_or_with_opens_another_way_in() -> None:
    criteria = (
        "Inclusion Criteria:\n* Patients with breast cancer who are not suitable for surgical "
        "treatment, or with metastatic disease"
    )
    assert read(criteria, title="Aspirin Study", conditions=["Breast Cancer"]).setting == "metastatic"


@pytest.mark.parametrize(
    ("profile", "verdict"),
    [
        ({"prior_therapies": ("aromatase-inhibitor",), "prior_lines": 0}, "possibly_eligible"),
        ({"prior_therapies": (), "prior_lines": 0}, "likely_excluded"),
        (
            {"prior_therapies": ("aromatase-inhibitor", "cdk4/6-inhibitor"), "prior_lines": 1},
            "likely_eligible",
        ),
    ],
)
def test_a_line_for_advanced_disease_or_an_early_relapse_takes_either(
    profile: dict[str, Any], verdict: str
) -> None:
    criteria = INCLUDING + (
        "Patients must have had progressive disease during at least one line of endocrine therapy "
        "for metastatic disease or have recurrent disease while or within 12 months of receiving "
        "adjuvant endocrine therapy"
    )
    assert _judge(criteria, **profile)[0] == verdict


# --- twenty-fourth blind set, after its first run -----------------------------------------------------


@pytest.mark.parametrize(
    "criterion",
    [
        "Patients must have completed any chemotherapy, radiation therapy, or biologic therapy greater "
        "than or equal to 4 weeks or 5 half-lives (whichever is shorter) (6 weeks for nitrosoureas or "
        "mitomycin C) prior to entering the study.",
        "Patients must be >= 4 weeks beyond treatment with any chemotherapy (6 weeks for nitrosoureas).",
    ],
)
def test_a_washout_written_as_at_least_so_many_weeks_before_is_no_call_for_treatment(
    criterion: str,
) -> None:
    assert not any(r.key.startswith("prior") for r in read(INCLUDING + criterion).requirements)


def test_stable_disease_for_so_many_weeks_is_no_washout() -> None:
    reading = read(
        INCLUDING + "Patients who relapsed on adjuvant lapatinib are allowed as long as they had "
        "stable disease >= 12 weeks on lapatinib and capecitabine for metastatic disease."
    )
    assert reading.allowances


def test_off_steroids_for_the_treatment_of_brain_metastases_binds_only_those_with_them() -> None:
    criterion = (
        "Participants must be off any systemic corticosteroids for the treatment of brain "
        "metastases for at least 7 days prior to enrollment."
    )
    assert ("brain_mets", True) not in keys(read(INCLUDING + criterion))
    assert _judge(INCLUDING + criterion)[0] == "likely_eligible"


def test_an_exception_to_an_exclusion_is_a_way_in() -> None:
    criteria = (
        EXCLUDING + "Patients with symptomatic CNS metastases are excluded, with the following "
        "exceptions:\n  * Patients with asymptomatic untreated CNS disease may be enrolled, provided "
        "all of the following criteria are met:\n    * No metastases to the brain stem"
    )
    assert _judge(criteria, **ACTIVE_BRAIN)[0] != "likely_excluded"
    assert _judge(criteria)[0] == "likely_eligible"  # no brain metastases: nothing to ask


def test_a_solid_tumour_trial_that_also_takes_one_other_cancer_is_still_open_to_her() -> None:
    criteria = (
        "Inclusion Criteria:\n* Advanced solid tumors that progressed on standard therapy\n"
        "* Myelodysplastic syndrome that has progressed on standard therapy\n"
        "* Absolute neutrophil count >= 1,500/mcL for solid tumors and lymphomas only\n"
        "* Platelets >= 100,000/mcL for solid tumors and lymphomas only"
    )
    labels = {
        "title": "Drug X in Adults With Relapsed Solid Tumors",
        "conditions": ["Neoplasms", "Lymphomas"],
    }
    assert read(criteria, **labels).scope == "solid_tumor"
    # a trial labelled "cancer" whose criteria name two other cancers is theirs
    narrow = "Inclusion Criteria:\n* Relapsed lymphoma\n* Myelodysplastic syndrome after azacitidine"
    assert read(narrow, title="Drug X in Advanced Cancer", conditions=["Cancer"]).scope == "other"


def test_both_men_and_women_are_eligible_lets_a_man_in_even_among_the_exclusions() -> None:
    criteria = (
        EXCLUDING + "Both men and women of all races and ethnic groups are eligible for this trial."
    )
    assert _judge(criteria, sex="male")[0] == "likely_eligible"
    assert not read(criteria).unread


@pytest.mark.parametrize(("ecog", "verdict"), [(1, "likely_eligible"), (2, "likely_excluded")])
def test_a_performance_score_written_before_its_scale_is_read(ecog: int, verdict: str) -> None:
    criterion = "Patients must have a score of 1 or less on the Eastern Cooperative Oncology Group scale"
    assert _judge(INCLUDING + criterion, ecog=ecog)[0] == verdict


@pytest.mark.parametrize(
    "criteria",
    [
        INCLUDING + "The subject is able to provide informed consent after initial counseling by an AI.",
        EXCLUDING + "Patients with a seizure history will not be permitted on protocol due to "
        "association of veliparib with seizure activity in animal toxicology studies.",
        EXCLUDING + "Patients who have had prior platinum-based therapy who have > Grade 1 "
        "neurotoxicity or ototoxicity at the time of enrollment will not be permitted on study.",
    ],
)
def test_a_treatment_named_for_another_reason_sets_no_treatment_rule(criteria: str) -> None:
    """An associate investigator (AI), a study drug named as the reason for a rule, a drug whose
    lasting side effect is the rule: none is a call for or a ban on that treatment."""
    assert not any(r.key.startswith("prior") for r in read(criteria).requirements)


def test_an_ai_after_another_hormone_therapy_is_still_an_aromatase_inhibitor() -> None:
    reading = read(INCLUDING + "Progression after tamoxifen followed by an AI.")
    assert ("prior:aromatase-inhibitor", True) in keys(reading)


@pytest.mark.parametrize(
    ("history", "verdict"),
    [(("aromatase-inhibitor",), "likely_eligible"), (("taxane", "chemotherapy"), "likely_excluded")],
)
def test_one_treatment_and_or_another_asks_for_either(history: tuple[str, ...], verdict: str) -> None:
    criterion = "Patients must have received prior tamoxifen and/or aromatase inhibitor therapy"
    assert _judge(INCLUDING + criterion, prior_therapies=history, prior_lines=1)[0] == verdict


def test_a_full_stop_inside_brackets_does_not_end_the_sentence() -> None:
    from matchers.reader.text import split_sentences

    text = "Patients with a known mutation (e.g. BRCA1 (breast cancer gene 1). ATM) must have had X."
    assert len(split_sentences(text)) == 1
    # a bracket never closed is a typo: the sentences stay apart
    assert len(split_sentences("TNBC (ER <1%, PR <1%. HER2-low patients are eligible.")) == 2


def test_a_rule_for_patients_with_breast_cancer_binds_her() -> None:
    """In a basket trial, "patients with breast cancer must ..." is no condition she may not meet."""
    criteria = (
        "Inclusion Criteria:\n* ER-positive solid tumors, including breast cancer\n* Patients with "
        "breast cancer must have had at least one prior chemotherapy regimen for metastatic disease."
    )
    assert (
        _judge(criteria, prior_therapies=("aromatase-inhibitor",), prior_lines=1)[0] == "likely_excluded"
    )
    # a rule for one subtype still binds only that subtype
    her2 = INCLUDING + "Patients with HER2-positive breast cancer must have received trastuzumab."
    assert _judge(her2, prior_therapies=(), prior_lines=0)[0] == "likely_eligible"


def test_female_patients_who_heads_the_contraception_rules_not_a_women_only_trial() -> None:
    criteria = INCLUDING + (
        "Female patients who:\n  * Are postmenopausal for at least 1 year, OR\n  * Are surgically "
        "sterile, OR\n  * Agree to practice 2 effective methods of contraception"
    )
    assert _judge(criteria, sex="male")[0] == "likely_eligible"


def test_a_sample_collection_for_any_cancer_listed_with_other_cancers_is_open_to_her() -> None:
    criteria = (
        "Inclusion Criteria:\n* Patients who are being evaluated and/or treated for cancer at the "
        "clinical center\n* Age >= 18 years"
    )
    labels = {"title": "Sample Collection and Tracking", "conditions": ["Neoplasms", "Lymphoma"]}
    assert read(criteria, **labels).scope == "solid_tumor"
    lymphoma_only = "Inclusion Criteria:\n* Relapsed lymphoma after two lines\n* Age >= 18 years"
    assert read(lymphoma_only, **labels).scope == "other"
    # without a bare "Neoplasms" among the conditions, the named cancer still decides
    assert read(criteria, title="Sample Collection", conditions=["Lymphoma"]).scope == "other"


@pytest.mark.parametrize(
    "criterion",
    [
        "Patients < 55 years of age must not have received LHRH antagonists within 3 months.",
        "Patients 60 years of age or older are required to have an LVEF evaluation.",
        "Participants under 18 years old without adequate archival tissue may opt to undergo biopsy.",
        "Eligibility will include participants aged 12-17 years old.",
    ],
)
def test_an_age_that_picks_out_some_patients_is_no_age_limit(criterion: str) -> None:
    assert not read(INCLUDING + criterion).limits
    assert read(INCLUDING + "Age 18 to 70 years").limits  # a range still limits


@pytest.mark.parametrize(
    "criterion",
    [
        "Note: Participants in Arm 3, Cohort 3 who have PD-L1 positive triple-negative breast cancer "
        "(TNBC) must have progressed on atezolizumab + nab-paclitaxel.",
        "NOTE: Patients with ER/PR positive, HER2 negative breast cancer must have progressed through "
        "at least one prior cytotoxic regimen for advanced disease.",
    ],
)
def test_a_note_for_one_group_binds_only_that_group(criterion: str) -> None:
    reading = read(INCLUDING + criterion)
    assert not any(r.key in ("subtype", "biomarker:pd-l1") for r in reading.requirements)
    her2 = {"subtype": "her2-positive", "prior_therapies": (), "prior_lines": 0}
    assert _judge(INCLUDING + criterion, **her2)[0] == "likely_eligible"


def test_pd_l1_positive_triple_negative_requires_pd_l1() -> None:
    reading = read("Inclusion Criteria:\n* PD-L1 positive triple-negative breast cancer")
    assert ("biomarker:pd-l1", True) in keys(reading)


@pytest.mark.parametrize(
    "title",
    [
        "Prospective Screening for Patient-Specific Genotypes That Influence Drug Dosing and Trial "
        "Selection in Cancer Patients",
        "Screening Protocol for the Surgery Branch Clinical Research Studies",
    ],
)
def test_screening_people_for_studies_is_no_cancer_screening(title: str) -> None:
    criteria = "Inclusion Criteria:\n* Patients with a diagnosis of cancer\n* Age >= 18 years"
    assert read(criteria, title=title, conditions=["Cancer"]).setting != "early"
    assert (
        read(criteria, title="Breast Cancer Screening With MRI", conditions=["Cancer"]).setting
        == "early"
    )


@pytest.mark.parametrize(
    "criteria",
    [
        INCLUDING + "Metastatic breast cancer with the primary tumor in place (intact primary tumor)",
        INCLUDING + "The tumor must be visible by ultrasound and the subject must not have had prior "
        "surgical resection of the primary lesion.",
        EXCLUDING + "Prior surgery of the primary breast tumor",
    ],
)
def test_a_trial_that_needs_the_breast_tumour_in_place_asks_about_it(criteria: str) -> None:
    verdict, words = _judge(criteria)
    assert verdict == "possibly_eligible"
    assert "still in place" in words


def test_a_receptor_test_on_the_primary_tumour_needs_no_tumour_in_place() -> None:
    criteria = INCLUDING + "HER2 status determined on the primary tumor or a metastatic lesion"
    assert _judge(criteria)[0] == "likely_eligible"


def test_her_without_its_2_before_a_test_result_is_her2() -> None:
    reading = read(INCLUDING + "HER positive (IHC 3+, or IHC 2+ and FISH+)")
    assert ("subtype", True) in keys(reading)
    assert _judge(INCLUDING + "HER positive (IHC 3+)", subtype="triple-negative")[0] == "likely_excluded"
    assert not read(
        INCLUDING + "Her physician confirms her eligibility (IHC testing is optional)"
    ).requirements


@pytest.mark.parametrize(
    ("criterion", "verdict"),
    [
        ("Hormone-refractory metastatic breast cancer", "likely_excluded"),
        (
            "Breast cancer (hormone refractory), prostate cancer (hormone refractory), lymphoma",
            "likely_excluded",
        ),
        ("Solid tumors, including hormone refractory prostate cancer", "likely_eligible"),
        (
            "Clinically hormone-resistant patients must be discussed with the investigator",
            "likely_eligible",
        ),
    ],
)
def test_hormone_refractory_breast_cancer_needs_earlier_hormone_therapy(
    criterion: str, verdict: str
) -> None:
    assert _judge(INCLUDING + criterion, prior_therapies=(), prior_lines=0)[0] == verdict
    treated = {"prior_therapies": ("aromatase-inhibitor",), "prior_lines": 1}
    assert _judge(INCLUDING + criterion, **treated)[0] == "likely_eligible"


@pytest.mark.parametrize(
    ("criterion", "required"),
    [
        ("Must have undergone prior local radiotherapy to the chest wall or breast", True),
        ("Participants who have received radiotherapy.", True),
        ("Patients who have received prior radiotherapy must have recovered from toxicity", False),
        ("Patients who have had prior radiation therapy providing not more than 20% of marrow", False),
        ("No prior radiotherapy to the target lesion", False),  # a ban about one lesion: not read
    ],
)
def test_earlier_radiation_required_is_read(criterion: str, required: bool) -> None:
    reading = read(INCLUDING + criterion)
    assert (("prior:radiation", True) in keys(reading)) is required
    if required:
        assert (
            _judge(INCLUDING + criterion, prior_therapies=("radiation",), prior_lines=1)[0]
            == "likely_eligible"
        )
        assert _judge(INCLUDING + criterion, prior_therapies=(), prior_lines=0)[0] == "likely_excluded"


def test_a_cohort_for_a_benign_tumour_or_a_normal_mammogram_is_no_way_in_for_her() -> None:
    criteria = (
        "Inclusion Criteria:\n* Women age 18 and older\n* Cohort A:\n  * Initial diagnosis of Stage I, "
        "II, III or IV invasive breast cancer\n* Cohort B:\n  * Diagnosed benign breast tumor\n"
        "* Cohort C:\n  * Normal screening mammogram within the last 6 months"
    )
    assert _judge(criteria, prior_therapies=("chemotherapy",), prior_lines=3)[0] == "likely_excluded"


def test_a_new_pathological_diagnosis_is_a_first_diagnosis() -> None:
    criterion = (
        "Patients with new pathological diagnosis of invasive primary BC after the site activation date"
    )
    assert _judge(INCLUDING + criterion, prior_therapies=("taxane", "chemotherapy"), prior_lines=2)[
        0
    ] == ("likely_excluded")
    assert _judge(INCLUDING + criterion, prior_therapies=(), prior_lines=0)[0] == "likely_eligible"


def test_a_tumour_unresponsive_to_standard_therapy_needs_earlier_treatment() -> None:
    criterion = "Solid malignant tumour which is unresponsive to standard therapies"
    assert _judge(INCLUDING + criterion, prior_therapies=(), prior_lines=0)[0] == "likely_excluded"


def test_a_standard_therapy_rule_written_for_one_part_binds_that_part() -> None:
    criteria = (
        "Inclusion Criteria:\n* Phase I: Solid tumors refractory to standard therapy\n"
        "* Phase II: Metastatic breast cancer with no prior treatment for metastatic disease"
    )
    reading = read(criteria)
    standard = [r for r in reading.requirements if r.key == "standard_therapy"]
    assert standard and standard[0].parts == ("phase 1",)


def test_a_criterion_that_opens_with_current_treatment_asks_about_it() -> None:
    criterion = (
        "Current letrozole or anastrozole monotherapy with a CA 15-3 level that has decreased by 50%"
    )
    verdict, words = _judge(
        INCLUDING + criterion, prior_therapies=("aromatase-inhibitor",), prior_lines=1
    )
    assert verdict == "possibly_eligible" and "receiving a particular treatment now" in words
    assert _judge(INCLUDING + "Current smokers are eligible")[0] == "likely_eligible"


@pytest.mark.parametrize(
    "criterion",
    [
        "Advanced solid tumors that relapsed after standard-of-care therapies, or patients with "
        "aggressive lymphomas who have received >= 2 prior lines of lymphoma-directed therapy",
        "Metastatic breast cancer, or NSCLC patients who have received at least 2 prior lines",
        "At least 2 prior lines of lymphoma-directed therapy",
    ],
)
def test_a_line_count_in_another_cancers_way_in_is_not_hers(criterion: str) -> None:
    assert not read(INCLUDING + criterion).limits
    assert read(
        INCLUDING + "Metastatic breast cancer with at least 2 prior lines of chemotherapy"
    ).limits


@pytest.mark.parametrize(
    "criteria",
    [
        INCLUDING + "Patients who have previously received one line of immunotherapy are eligible",
        EXCLUDING + "More than 1 prior line of checkpoint inhibitor therapy in the metastatic setting",
    ],
)
def test_lines_of_one_drug_class_never_cap_her_lines(criteria: str) -> None:
    assert (
        _judge(criteria, prior_therapies=("taxane", "chemotherapy"), prior_lines=3)[0]
        == "likely_eligible"
    )


def test_lines_of_her2_directed_therapy_still_count_as_her_lines() -> None:
    criterion = "A maximum of three previous lines of anti-HER-2 therapies in the metastatic setting"
    her2 = {"subtype": "her2-positive", "prior_therapies": ("trastuzumab", "taxane"), "prior_lines": 5}
    assert _judge(INCLUDING + criterion, **her2)[0] == "likely_excluded"


def test_stable_brain_metastases_defined_as_symptom_free_or_treated_let_untreated_ones_ask() -> None:
    criterion = (
        "Participants with neurologically stable brain metastases defined as asymptomatic metastasis, "
        "or treated metastasis having no evidence of progression may be included."
    )
    verdict, words = _judge(INCLUDING + criterion, **ACTIVE_BRAIN)
    assert verdict == "possibly_eligible" and "symptoms" in words
    plain = "Participants with treated, stable brain metastases may be included."
    assert _judge(INCLUDING + plain, **ACTIVE_BRAIN)[0] == "likely_excluded"


# --- residual errors of the twenty-fourth set, after its first run ---------------------------


@pytest.mark.parametrize(
    "criterion",
    [
        "Participants must have received at least one prior systemic therapy for metastatic or "
        "locally advanced disease, unless there is no standard treatment available",
        "Patients must have progressed on at least one prior line of therapy or have no standard "
        "therapy available",
    ],
)
def test_no_standard_therapy_offered_instead_of_earlier_treatment_is_a_way_in(criterion: str) -> None:
    pretreated = {"prior_therapies": ("taxane", "chemotherapy"), "prior_lines": 2}
    assert _judge(INCLUDING + criterion, **pretreated)[0] == "likely_eligible"
    both = (
        "Patients who have received at least one prior systemic therapy for metastatic or locally "
        "advanced breast cancer and have no standard therapy available"
    )
    assert _judge(INCLUDING + both, **pretreated)[0] == "possibly_eligible"


# --- twenty-fifth blind set (after its first run) ------------------------------------------


def _judge_study(criteria: str, labels: dict[str, Any], **profile: Any) -> tuple[str, str]:
    from matchers.profile import PatientProfile
    from matchers.verdict import judge

    values: dict[str, Any] = {"subtype": "hr-positive", "sites": ("bone",), **profile}
    s = study(criteria, **labels)
    match = judge(PatientProfile(**values), read_trial_uncached(s), s)
    return match.verdict, " ".join(str(x) for x in (*match.reasons, *match.concerns, *match.questions))


@pytest.mark.parametrize(
    ("title", "complication"),
    [
        ("Single Session Spine Radiosurgery in Metastatic Epidural Spinal Cord Compression", "cord"),
        ("Indwelling Catheter Versus Repeated Paracentesis for Malignant Ascites", "ascites"),
        ("Talc Pleurodesis for Malignant Pleural Effusion", "pleural effusion"),
    ],
)
def test_a_study_for_a_complication_she_has_not_reported_asks_about_it(
    title: str, complication: str
) -> None:
    criteria = "Inclusion Criteria:\n* Diagnosis of metastatic cancer, including breast\n* Age >= 18"
    verdict, words = _judge_study(criteria, {"title": title, "conditions": [title]})
    assert verdict == "possibly_eligible" and complication in words


def test_rules_under_another_cancers_group_do_not_close_a_solid_tumour_trial() -> None:
    criteria = (
        "Inclusion Criteria:\n* Patients must have histological evidence of a solid neoplasm\n"
        "* Patients with a systemic tumor must:\n"
        "  * have metastatic solid tumors that have progressed following standard therapy\n"
        "* Patients with a glioma must:\n"
        "  * have Grade III (anaplastic astrocytoma) or Grade IV (glioblastoma) disease\n"
    )
    labels = {
        "title": "A Phase 1 Trial of X in Advanced Solid Neoplasm",
        "conditions": ["Solid Tumors", "Glioblastoma"],
    }
    assert read(criteria, **labels).scope == "solid_tumor"


def test_a_trial_with_a_part_for_any_solid_tumour_is_open_to_her_whatever_its_other_parts_name() -> None:
    criteria = (
        "Inclusion Criteria (Treatment Arm A)\n"
        "1. Patients must have histologically-confirmed solid tumors that are advanced or metastatic\n"
        "Inclusion Criteria (Treatment Arm B)\n"
        "1. Patients must have histologically proven malignant glioblastoma or other recurrent "
        "malignant gliomas.\n"
    )
    labels = {
        "title": "Drug X in Solid Tumors or in Glioblastoma",
        "conditions": ["Solid Tumors, Glioblastoma"],
    }
    assert read(criteria, **labels).scope == "solid_tumor"


def test_a_comma_list_condition_with_neoplasms_and_solid_tumour_criteria_is_open_to_her() -> None:
    criteria = (
        "Inclusion Criteria:\n* Histologically confirmed solid tumors (excluding melanoma) or multiple "
        "myeloma refractory to standard therapy\n* Patients with multiple myeloma must have received at "
        "least one line of prior systemic therapy\n"
    )
    labels = {
        "title": "A Screening Study to Detect BRAF V600 Mutation-Positive Patients For "
        "Enrollment Into Clinical Research Studies",
        "conditions": ["Multiple Myeloma, Neoplasms"],
    }
    reading = read(criteria, **labels)
    assert (reading.scope, reading.setting) == ("solid_tumor", "metastatic")
    inverted = read(criteria, title="Drug X", conditions=["Neoplasms, Head and Neck"])
    assert inverted.scope == "other"


def test_breast_named_last_in_a_condition_that_is_not_the_last_one_is_breast_cancer() -> None:
    conditions = ["neoplasms, breast", "carcinoma of breast", "ovarian neoplasms"]
    reading = read(
        "Inclusion Criteria:\n* Germline BRCA1 or BRCA2 mutation", title="", conditions=conditions
    )
    assert reading.scope == "breast"
    lymphoma = read(
        "Inclusion Criteria:\n* Stage I or II",
        title="Rituximab in Primary DLBCL",
        conditions=["Breast", "Lymphoma"],
    )
    assert lymphoma.scope == "other"


def test_breast_named_among_another_cancers_exceptions_does_not_exclude_breast_cancer() -> None:
    criteria = (
        "Inclusion Criteria:\n* Patients must have histologically-confirmed solid tumors that are "
        "advanced or metastatic\nExclusion Criteria:\n* Patients with another malignancy in the past 3 "
        "years except: curatively treated non-melanoma skin cancer; or carcinoma in situ, of either "
        "cervix or breast, that does not require further treatment.\n"
    )
    assert (
        read(criteria, title="Drug X in Solid Tumors", conditions=["Solid Tumors"]).scope
        == "solid_tumor"
    )


def test_not_eligible_for_a_treatment_is_a_way_in_not_a_ban() -> None:
    criterion = (
        "Patients must have received prior anticancer therapy or not be eligible for any established "
        "conventional therapy whether surgical or pharmacologic."
    )
    pretreated = {"prior_therapies": ("taxane", "chemotherapy"), "prior_lines": 2}
    assert _judge(INCLUDING + criterion, **pretreated)[0] == "likely_eligible"
    banned = EXCLUDING + "Patients who received prior fulvestrant are not eligible for this study"
    assert _judge(banned, prior_therapies=("fulvestrant",), prior_lines=1)[0] == "likely_excluded"


def test_half_lives_that_must_have_passed_are_a_washout() -> None:
    criterion = (
        "For patients who have been treated with targeted therapy, 5 half-lives of that therapy (or 28 "
        "days, whichever is shorter) must have passed prior to enrollment in the study."
    )
    assert not read(EXCLUDING + criterion).requirements


def test_treatment_for_another_cancer_sets_no_rule_about_hers() -> None:
    criterion = (
        "Patients may not have had any prior chemotherapy, hormonal therapy, or biologic therapy "
        "for gliomas."
    )
    assert not read(EXCLUDING + criterion).requirements
    assert read(EXCLUDING + "Prior chemotherapy or hormonal therapy for breast cancer").requirements


def test_an_exclusion_that_opens_with_excluding_is_read_once() -> None:
    reading = read(EXCLUDING + "Excluding patients with brain metastases")
    assert ("brain_mets", False) in keys(reading)
    minors = read(EXCLUDING + "Excluding patients and caregivers who are less than 18 years of age")
    assert not minors.limits


def test_a_recent_diagnosis_is_asked_about() -> None:
    criterion = "The cancer diagnosis should have been made less than a year from the next appointment"
    verdict, words = _judge(INCLUDING + criterion)
    assert verdict == "possibly_eligible" and "diagnosed recently" in words
    relapse = "Relapse diagnosed within 12 months of concluding adjuvant chemotherapy"
    assert "diagnosed recently" not in _judge(INCLUDING + relapse)[1]


def test_may_have_progressed_on_a_drug_is_a_permission() -> None:
    criterion = (
        "Patients may have progressed on prior PARP inhibitor, MTOR inhibitor, or AKT inhibitor but "
        "they may not have discontinued drug for toxicity"
    )
    assert _judge(INCLUDING + criterion, prior_therapies=(), prior_lines=0)[0] == "likely_eligible"


@pytest.mark.parametrize(
    ("title", "conditions", "criterion"),
    [
        (
            "Pemetrexed in Recurrent Malignant Gliomas, Primary CNS Lymphoma, or Brain Metastases",
            ["Brain and Central Nervous System Tumors", "Lymphoma", "Metastatic Cancer"],
            "Diagnosis of 1 of the following:\n  * Malignant glioma\n  * Primary CNS lymphoma\n"
            "  * Brain metastases from a solid tumor",
        ),
        (
            "18F-FLT PET/CT in Patients With Brain Tumors",
            ["Metastatic Malignant Neoplasm in the Brain", "Primary Brain Neoplasm"],
            "Have a diagnosis or suspected diagnosis of brain tumor (primary, recurrent, or metastatic)",
        ),
    ],
)
def test_a_study_of_brain_metastases_from_any_cancer_takes_hers(
    title: str, conditions: list[str], criterion: str
) -> None:
    criteria = "Inclusion Criteria:\n* " + criterion
    labels = {"title": title, "conditions": conditions}
    assert read(criteria, **labels).scope == "solid_tumor"
    assert _judge_study(criteria, labels, **ACTIVE_BRAIN)[0] == "likely_eligible"
    assert _judge_study(criteria, labels)[0] == "likely_excluded"  # no brain metastases


def test_brain_metastases_beside_another_cancer_in_the_conditions_stay_that_cancers() -> None:
    criteria = "Inclusion Criteria:\n* Patients with radiologically confirmed brain metastases"
    labels = {
        "title": "Upfront Cranial Radiotherapy in EGFR Mutated NSCLC",
        "conditions": ["Non-Small Cell Lung Cancer", "Brain Metastases"],
    }
    assert read(criteria, **labels).scope == "other"


def test_metastases_in_one_part_of_the_skeleton_ask_about_that_part() -> None:
    criteria = (
        "Inclusion Criteria:\n* Radiographic or histologic proof of metastatic bone disease\n"
        "* Bone metastasis deriving from the bones of the extremities\n"
    )
    labels = {
        "title": "Post-operative RadioTherapy for Patients With Metastases of the Long Bones",
        "conditions": ["Metastasis to Bone"],
    }
    verdict, words = _judge_study(criteria, labels, sites=("bone", "liver"))
    assert verdict == "possibly_eligible" and "one part of the skeleton" in words
    assert _judge_study(criteria, labels, sites=("liver",))[0] == "likely_excluded"


def test_a_study_to_detect_a_gene_change_does_not_require_it() -> None:
    criteria = (
        "Inclusion Criteria:\n* Histologically confirmed solid tumors refractory to standard therapy"
    )
    labels = {
        "title": "A Screening Study to Detect BRAF V600 Mutation-Positive Patients",
        "conditions": ["Neoplasms"],
    }
    assert not any("gene" in r.key for r in read(criteria, **labels).requirements)
    targeted = {"title": "Drug X in BRAF V600E Mutant Solid Tumors", "conditions": ["Neoplasms"]}
    assert any("gene" in r.key for r in read(criteria, **targeted).requirements)


def test_another_cancers_own_rule_is_neither_read_nor_unread() -> None:
    criterion = (
        "Patients with multiple myeloma must have received at least one line of prior systemic "
        "therapy for the treatment of multiple myeloma"
    )
    reading = read(INCLUDING + criterion)
    assert not reading.limits and not reading.unread
    shared = "Patients with solid tumors or lymphoma must have received at least 2 prior lines"
    both = read(INCLUDING + shared)
    assert both.limits or both.unread  # hers too: read, or said to be unread


def test_measurable_disease_for_the_expansion_cohort_only_binds_no_one_else() -> None:
    criterion = (
        "Patients enrolled in the expansion cohort must have at least one measureable lesion as "
        "defined by the RECIST 1.1 criteria"
    )
    assert ("measurable_disease", True) not in keys(read(INCLUDING + criterion))
    assert ("measurable_disease", True) in keys(
        read(INCLUDING + "At least one measurable lesion (RECIST 1.1)")
    )


def test_a_marker_that_lets_another_cancer_in_is_not_required_of_her() -> None:
    criterion = (
        "Recurrent high-grade serous ovarian carcinoma, or deleterious BRCA mutant recurrent "
        "ovarian/primary peritoneal/fallopian tube cancer; any patient with metastatic triple "
        "negative breast cancer will be eligible"
    )
    assert not any(r.key.startswith("biomarker") for r in read(INCLUDING + criterion).requirements)
    hers = "Deleterious germline BRCA mutation and metastatic HER2-negative breast cancer"
    assert any(r.key == "biomarker:brca" for r in read(INCLUDING + hers).requirements)


def test_another_cancers_rule_is_not_listed_as_unread() -> None:
    theirs = (
        "All patients with relapsed/refractory lymphoma must have received or be ineligible for "
        "autologous stem cell transplant"
    )
    assert not read(INCLUDING + theirs).unread
    # an exclusion naming another cancer may be about her own past, so it stays listed
    past = "Prior allogeneic stem cell transplant for leukemia"
    assert read(EXCLUDING + past).unread


def test_a_study_that_takes_treated_brain_metastases_takes_metastatic_disease() -> None:
    criteria = (
        "Inclusion Criteria:\n* Subjects with malignancies with histological confirmation\n"
        "Exclusion Criteria:\n* Subject has known active brain metastases, or any leptomeningeal "
        "metastases\n"
    )
    labels = {
        "title": "Oral Drug X in Subjects With Malignant Tumors",
        "conditions": ["Malignant Tumors"],
    }
    reading = read(criteria, **labels)
    assert (reading.scope, reading.setting) == ("solid_tumor", "metastatic")
    silent = read("Inclusion Criteria:\n* Subjects with malignancies", **labels)
    assert silent.setting == "unknown"


@pytest.mark.parametrize(
    ("criterion", "asks"),
    [
        ("Participant should be under active treatment for cancer on a protocol at NIH.", True),
        (
            "Patients must be co-enrolled in a NIH CC protocol in which radiation will be administered.",
            True,
        ),
        (
            "Any patient who is being evaluated for and/or treated on an IRB-approved protocol at NCI.",
            False,
        ),
    ],
)
def test_taking_part_in_another_study_at_the_centre_is_asked_about(criterion: str, asks: bool) -> None:
    verdict, words = _judge(INCLUDING + criterion)
    assert ("another study at the study centre" in words) is asks
    assert verdict == ("possibly_eligible" if asks else "likely_eligible")


def test_progressive_disease_following_chemotherapy_means_chemotherapy_for_advanced_disease() -> None:
    criterion = (
        "Have progressive disease following standard/approved chemotherapy or have no appropriate "
        "alternative therapy available."
    )
    adjuvant_only = {
        "subtype": "triple-negative",
        "prior_therapies": ("taxane", "chemotherapy"),
        "prior_lines": 0,
    }
    assert _judge(INCLUDING + criterion, **adjuvant_only)[0] == "likely_excluded"
    treated = {
        "subtype": "triple-negative",
        "prior_therapies": ("taxane", "chemotherapy"),
        "prior_lines": 2,
    }
    assert _judge(INCLUDING + criterion, **treated)[0] == "likely_eligible"
    either = (
        "Progressive disease on prior trastuzumab, or relapsed any time after completion of this therapy"
    )
    assert not any(
        r.qualifier for r in read(INCLUDING + either).requirements if r.key.startswith("prior")
    )


def test_unless_ineligible_to_receive_such_therapy_keeps_the_count() -> None:
    criterion = (
        "Metastatic HR+/HER2- breast cancer with disease progression following, or intolerance to, at "
        "least 2 lines of therapy, unless patient was ineligible to receive such therapy"
    )
    assert _judge(INCLUDING + criterion, prior_therapies=(), prior_lines=0)[0] == "likely_excluded"
    banned = EXCLUDING + "Patients with prior fulvestrant are ineligible for this study"
    assert _judge(banned, prior_therapies=("fulvestrant",), prior_lines=1)[0] == "likely_excluded"


@pytest.mark.parametrize(
    "cohort",
    [
        "Locally advanced unresectable or metastatic PDAC with disease progression following, or "
        "intolerance to cytotoxic chemotherapy",
        "Locally advanced unresectable or metastatic NSCLC without any actionable genomic alterations "
        "with disease progression following, or intolerance to chemotherapy and immunotherapy",
        "(Dose escalation part only) Locally advanced or metastatic unresectable CRC with disease "
        "progression following, or intolerance to cytotoxic chemotherapy",
    ],
)
def test_another_cancers_indication_after_stage_words_sets_no_rule_of_hers(cohort: str) -> None:
    criteria = (
        "Inclusion Criteria:\n* Patients with one of the following indications:\n* " + cohort + "\n"
        "* Locally advanced unresectable or metastatic HR+/HER2- breast cancer after 2 lines\n"
    )
    assert not any(r.key.startswith("prior") for r in read(criteria).requirements)


def test_a_required_treatment_unless_contraindicated_is_still_required() -> None:
    criterion = "Prior treatment with a taxane and/or anthracycline unless medically contraindicated"
    assert _judge(INCLUDING + criterion, prior_therapies=(), prior_lines=0)[0] == "likely_excluded"
    had = {"prior_therapies": ("taxane", "chemotherapy"), "prior_lines": 1}
    assert _judge(INCLUDING + criterion, **had)[0] == "likely_eligible"
    # among the exclusions the wording is a muddle ("No prior A and B unless contraindicated"): unread
    muddle = "No prior treatment with an anthracycline and a taxane unless contraindicated"
    assert not read(EXCLUDING + muddle).requirements


def test_a_relapse_during_early_treatment_is_asked_about() -> None:
    criterion = "Relapsed with metastatic disease whilst receiving an AI in adjuvant setting"
    adjuvant_ai = {"prior_therapies": ("aromatase-inhibitor",), "prior_lines": 0}
    verdict, words = _judge(INCLUDING + criterion, **adjuvant_ai)
    assert verdict == "possibly_eligible" and "came back" in words
    allowed = "Note: patients relapsing while on adjuvant tamoxifen or AI are eligible for this study."
    assert not any(r.key == "relapse_interval" for r in read(INCLUDING + allowed).requirements)


def test_an_example_inside_a_permission_does_not_cut_it_off() -> None:
    criterion = "Previous mammalian target of rapamycin (mTOR) therapy, e.g., everolimus, is allowed"
    reading = read(EXCLUDING + criterion)
    assert ("prior:mtor-inhibitor", False) not in keys(reading)


@pytest.mark.parametrize(
    "criterion",
    [
        "Prior adjuvant taxane therapy is allowed, provided the disease-free interval from the end of "
        "(neo)adjuvant chemotherapy to the development of metastatic disease was >= 1 year",
        "Disease-free interval from completion of adjuvant systemic non-hormonal treatment to "
        "recurrence of >= 6 months",
    ],
)
def test_a_disease_free_interval_written_with_a_symbol_or_far_from_its_number_is_read(
    criterion: str,
) -> None:
    assert any(r.key == "relapse_interval" for r in read(INCLUDING + criterion).requirements)


def test_measurable_and_evaluable_disease_asks_for_measurable_disease() -> None:
    assert ("measurable_disease", True) in keys(read(INCLUDING + "Measurable and evaluable disease"))
    assert ("measurable_disease", True) not in keys(read(INCLUDING + "Measurable or evaluable disease"))


@pytest.mark.parametrize(
    ("criterion", "state"),
    [
        (
            "Either no evidence of disease or nonprogressive disease following first line chemotherapy",
            "ned",
        ),
        ("Nonprogressive disease following first line chemotherapy", "stable"),
    ],
)
def test_disease_that_responded_to_first_line_treatment_is_asked_about(
    criterion: str, state: str
) -> None:
    states = [r.qualifier for r in read(INCLUDING + criterion).requirements if r.key == "disease_state"]
    assert states == [state]


# --- review of this session's rules: wordings they must leave alone ---------------------------


@pytest.mark.parametrize(
    "criterion",
    [
        "Prior treatment with an anti-PD-1 or anti-PD-L1 antibody for NSCLC or any other tumor type",
        "Prior anthracycline therapy for lymphoma or other malignancy",
        "Prior sacituzumab govitecan for any indication, including urothelial cancer",
        "Prior topoisomerase I inhibitor-based ADC, as for prior lung cancer",
    ],
)
def test_a_ban_that_names_another_cancer_among_others_still_bans(criterion: str) -> None:
    assert any(not r.expects for r in read(EXCLUDING + criterion).requirements)


@pytest.mark.parametrize(
    "criterion",
    [
        "Patients with known brain metastases are not eligible for treatment on this study",
        "Patients with known brain metastases are not eligible for Cohort A",
    ],
)
def test_not_eligible_for_the_study_or_a_cohort_still_bans(criterion: str) -> None:
    assert _judge(EXCLUDING + criterion, **ACTIVE_BRAIN)[0] == "likely_excluded"


@pytest.mark.parametrize(
    "criterion",
    [
        "Patients with breast cancer or any other malignancy are excluded",
        "Patients with breast cancer, or a second primary malignancy",
        "Breast cancer, or prior malignancy within 3 years",
        "Ductal carcinoma in situ or invasive breast cancer",
        "Patients with a diagnosis of breast cancer or breast carcinoma in situ",
    ],
)
def test_breast_cancer_excluded_beside_another_cancer_is_still_excluded(criterion: str) -> None:
    criteria = (
        "Inclusion Criteria:\n* Histologically confirmed advanced or metastatic solid tumors\n"
        "Exclusion Criteria:\n* " + criterion
    )
    labels = {"title": "Drug X in Solid Tumors", "conditions": ["Solid Tumors"]}
    assert read(criteria, **labels).scope == "other"


@pytest.mark.parametrize(
    ("title", "conditions", "criteria"),
    [
        (
            "WBRT for Brain Metastases",
            ["Non-Small Cell Lung Cancer", "Brain Metastases"],
            "Inclusion Criteria:\n* Brain metastases confirmed by MRI\n"
            "* Pathologically confirmed non-small cell lung cancer",
        ),
        (
            "Radiosurgery for Brain Metastases",
            ["Brain Metastases"],
            "Inclusion Criteria:\n* Newly diagnosed brain metastases\n"
            "* Primary tumor: lung, melanoma or renal cell carcinoma",
        ),
        (
            "Radiosurgery for Brain Metastases",
            ["Brain Metastases"],
            "Inclusion Criteria:\n* Patients with brain metastases from lung or kidney primary",
        ),
    ],
)
def test_brain_metastases_of_named_other_cancers_stay_theirs(
    title: str, conditions: list[str], criteria: str
) -> None:
    assert read(criteria, title=title, conditions=conditions).scope == "other"


@pytest.mark.parametrize(
    ("criterion", "marker"),
    [
        ("HER2-mutant or amplified tumors excluding gastric cancer", "biomarker:her2-mutation"),
        (
            "Documented activating HER2 mutation in any solid tumor other than lung cancer",
            "biomarker:her2-mutation",
        ),
        ("Germline BRCA1/2 mutation in patients other than ovarian cancer", "biomarker:brca"),
        ("PIK3CA mutation detected by a test approved for colorectal cancer", "biomarker:pik3ca"),
        (
            "PD-L1 positive (CPS >= 10) by the 22C3 assay per the gastric cancer guideline",
            "biomarker:pd-l1",
        ),
        ("Germline BRCA mutation as in ovarian cancer trials", "biomarker:brca"),
    ],
)
def test_a_marker_with_another_cancer_as_its_exception_is_still_required(
    criterion: str, marker: str
) -> None:
    assert marker in {r.key for r in read(INCLUDING + criterion).requirements}


def test_a_recent_diagnosis_asks_only_when_no_other_state_is_named() -> None:
    criterion = "De novo stage IV breast cancer diagnosed within the past 6 months"
    states = [r.qualifier for r in read(INCLUDING + criterion).requirements if r.key == "disease_state"]
    assert states == ["de_novo"]


@pytest.mark.parametrize(
    "title",
    [
        "Radiosurgery for Spinal Metastases Without Spinal Cord Compression",
        "Denosumab in Bone Metastases: Time to Pathologic Fracture",
    ],
)
def test_a_complication_named_as_absent_or_as_an_outcome_is_not_asked_about(title: str) -> None:
    criteria = "Inclusion Criteria:\n* Metastatic breast cancer with bone metastases"
    words = _judge_study(criteria, {"title": title, "conditions": ["Breast Cancer"]})[1]
    assert "This study is about" not in words


def test_a_benign_breast_condition_is_not_breast_cancer() -> None:
    reading = read(
        "Inclusion Criteria:\n* Women aged 18-45",
        title="",
        conditions=["Fibroadenoma of Breast", "Mastalgia"],
    )
    assert reading.scope != "breast"


def test_measurable_and_evaluable_disease_or_bone_only_disease_lets_bone_only_in() -> None:
    criterion = "Measurable and evaluable disease or bone-only disease"
    assert ("measurable_disease", True) not in keys(read(INCLUDING + criterion))


def test_prior_radiation_for_brain_metastases_bans_the_radiation_not_the_metastases() -> None:
    reading = read(EXCLUDING + "Prior radiation therapy for brain metastases")
    assert keys(reading) == {("prior_brain_radiation", False)}
    # a profile without brain metastases is not turned away; one with them is asked
    assert _judge(EXCLUDING + "Prior radiation therapy for brain metastases")[0] == "likely_eligible"
    verdict, words = _judge(EXCLUDING + "Prior radiation therapy for brain metastases", **ACTIVE_BRAIN)
    assert verdict == "possibly_eligible" and "treated with radiation" in words


def test_progressing_during_first_line_therapy_means_one_line_so_far() -> None:
    criterion = "Progressive disease during first line hormonal therapy for metastatic disease"
    endocrine = [x for x in read(INCLUDING + criterion).limits if x.factor == "endocrine_lines"]
    assert [(x.low, x.high) for x in endocrine] == [(1, 1)]
    after = "Progressive disease after first line hormonal therapy for metastatic disease"
    assert [(x.low, x.high) for x in read(INCLUDING + after).limits] == [(1, None)]


def test_no_prior_therapy_for_brain_metastases_turns_away_treated_ones() -> None:
    criteria = (
        "Inclusion Criteria:\n* Metastatic breast cancer with brain metastases\n"
        "* Patients must have had no prior therapy for brain metastases"
    )
    treated = {
        "sites": ("liver", "brain"),
        "brain_mets": "stable",
        "prior_therapies": ("radiation",),
        "prior_lines": 1,
    }
    assert _judge(criteria, **treated)[0] == "likely_excluded"
    verdict, words = _judge(criteria, **ACTIVE_BRAIN)
    assert verdict == "possibly_eligible" and "treated with radiation" in words
    # corticosteroids given for brain disease are not its treatment history
    steroids = EXCLUDING + "Corticosteroids as therapy for CNS disease within 7 days"
    assert ("prior_brain_radiation", False) not in keys(read(steroids))


# --- second review: more wordings the new rules must leave alone -------------------------------


@pytest.mark.parametrize(
    ("criteria", "profile"),
    [
        (
            EXCLUDING
            + "Patients with bone-only disease are not eligible for randomization or treatment",
            {"sites": ("bone",)},
        ),
        (
            EXCLUDING + "Patients treated with a CDK4/6 inhibitor are not eligible for protocol therapy",
            {"prior_therapies": ("cdk4/6-inhibitor",), "prior_lines": 1},
        ),
        (
            EXCLUDING
            + "Patients with untreated brain metastases are not eligible for protocol treatment",
            ACTIVE_BRAIN,
        ),
        (
            EXCLUDING + "Prior platinum chemotherapy for ovarian cancer (or any other cancer)",
            {"prior_therapies": ("platinum", "chemotherapy"), "prior_lines": 1},
        ),
        (
            EXCLUDING + "Prior anti-PD-1 therapy for NSCLC, melanoma, etc.",
            {"prior_therapies": ("immunotherapy",), "prior_lines": 1},
        ),
        (EXCLUDING + "Known brain metastases or prior radiation therapy to the brain", ACTIVE_BRAIN),
        (EXCLUDING + "Brain metastases, or prior radiotherapy for CNS metastases", ACTIVE_BRAIN),
    ],
)
def test_these_exclusions_still_turn_her_away(criteria: str, profile: dict[str, Any]) -> None:
    assert _judge(criteria, **profile)[0] == "likely_excluded"


def test_a_marker_with_her_own_history_of_another_cancer_is_still_required() -> None:
    criterion = "Germline BRCA1/2 mutation carriers with or without a personal history of ovarian cancer"
    assert "biomarker:brca" in {r.key for r in read(INCLUDING + criterion).requirements}


@pytest.mark.parametrize(
    "criterion",
    [
        "Patients with prior solid tumors are eligible if treated with curative intent",
        "No active solid tumors",
    ],
)
def test_solid_tumours_named_as_past_or_absent_do_not_open_a_leukaemia_study(criterion: str) -> None:
    reading = read(
        "Inclusion Criteria:\n* " + criterion, title="A Study", conditions=["Leukemia", "Neoplasms"]
    )
    assert reading.scope == "other"


def test_a_pan_tumour_criterion_that_excepts_another_cancer_is_still_hers() -> None:
    criterion = (
        "Advanced or metastatic solid tumor, except prostate cancer, with progression after at least "
        "2 prior regimens"
    )
    reading = read(
        "Inclusion Criteria:\n* " + criterion,
        title="Drug X in Solid Tumors",
        conditions=["Solid Tumors"],
    )
    assert [(x.low, x.high) for x in reading.limits if x.factor == "prior_lines"] == [(2, None)]


def test_a_breast_study_does_not_take_metastatic_disease_from_its_brain_rule_alone() -> None:
    criteria = (
        "Inclusion Criteria:\n* HER2-positive breast cancer\n"
        "Exclusion Criteria:\n* Known active brain metastases"
    )
    assert (
        read(
            criteria, title="Drug X in HER2-Positive Breast Cancer", conditions=["Breast Cancer"]
        ).setting
        == "unknown"
    )


def test_an_exception_under_another_malignancy_is_not_a_restated_exclusion() -> None:
    criteria = (
        "Inclusion Criteria:\n* Histologically confirmed advanced or metastatic solid tumors\n"
        "Exclusion Criteria:\n* Other malignancy within 5 years\n"
        "  * Excluding adequately treated basal cell carcinoma or carcinoma in situ of the cervix "
        "or breast"
    )
    assert (
        read(criteria, title="Drug X in Solid Tumors", conditions=["Solid Tumors"]).scope
        == "solid_tumor"
    )


@pytest.mark.parametrize(
    "criterion",
    [
        "Progression during first-line endocrine therapy or any later line of therapy",
        "Progression during first-line endocrine therapy or at least one second-line therapy",
    ],
)
def test_progression_during_first_line_with_later_lines_allowed_sets_no_cap(criterion: str) -> None:
    assert all(x.high is None for x in read(INCLUDING + criterion).limits)


def test_measurable_or_non_measurable_and_evaluable_disease_lets_either_in() -> None:
    criterion = "Measurable disease or non-measurable and evaluable disease per RECIST 1.1"
    assert ("measurable_disease", True) not in keys(read(INCLUDING + criterion))


def test_measurable_disease_for_a_single_phase_study_binds_everyone() -> None:
    criterion = "All patients treated in the phase 2 study must have at least one measurable lesion"
    assert ("measurable_disease", True) in keys(read(INCLUDING + criterion))


def test_examples_of_bones_ask_about_no_part_of_the_skeleton() -> None:
    criteria = "Inclusion Criteria:\n* Bone metastases (e.g., spine, pelvis or ribs) required"
    labels = {"title": "Drug X for Bone Metastases", "conditions": ["Bone Metastases"]}
    assert "one part of the skeleton" not in _judge_study(criteria, labels)[1]
