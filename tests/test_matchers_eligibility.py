"""The eligibility reader: every rule and negation form on short fixtures, real records, fuzzing."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data.models import Study
from matchers.eligibility import read_trial_uncached
from matchers.findings import (
    HER2_NEGATIVE_CELLS,
    HER2_POSITIVE_CELLS,
    HR_POS_HER2_NEG,
    TRIPLE_NEGATIVE_CELLS,
)
from matchers.reading_cache import ReadingCache, read_trial
from matchers.trial_reading import TrialReading


def make_study(
    criteria: str,
    title: str = "A Study in Metastatic Breast Cancer",
    conditions: tuple[str, ...] = ("Metastatic Breast Cancer",),
    **eligibility: Any,
) -> Study:
    raw = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT00000001", "briefTitle": title},
            "statusModule": {
                "overallStatus": "RECRUITING",
                "lastUpdatePostDateStruct": {"date": "2025-01-01"},
            },
            "conditionsModule": {"conditions": list(conditions)},
            "eligibilityModule": {"eligibilityCriteria": criteria, "sex": "ALL", **eligibility},
        }
    }
    return Study.from_api(raw)


def read(criteria: str, **kwargs: Any) -> TrialReading:
    return read_trial_uncached(make_study(criteria, **kwargs))


def facts(reading: TrialReading) -> set[tuple[str, bool]]:
    return {(r.key, r.expects) for r in reading.requirements}


def limits(reading: TrialReading) -> dict[str, tuple[int | None, int | None]]:
    return {limit.factor: (limit.low, limit.high) for limit in reading.limits}


def allowances(reading: TrialReading) -> set[str]:
    return {a.key for a in reading.allowances}


INC = "Inclusion Criteria:\n* {}\nExclusion Criteria:\n* Pregnancy"
EXC = "Inclusion Criteria:\n* Adults\nExclusion Criteria:\n* {}"


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        (INC.format("HER2-positive metastatic breast cancer"), HER2_POSITIVE_CELLS),
        (INC.format("HER2 overexpression (IHC 3+ or ISH amplified)"), HER2_POSITIVE_CELLS),
        (INC.format("HER2-negative breast cancer"), HER2_NEGATIVE_CELLS),
        (INC.format("HR+/HER2- advanced breast cancer"), frozenset({HR_POS_HER2_NEG})),
        (INC.format("ER-positive and HER2-negative disease"), frozenset({HR_POS_HER2_NEG})),
        (INC.format("Triple-negative breast cancer (TNBC)"), TRIPLE_NEGATIVE_CELLS),
        (EXC.format("HER2-positive disease"), HER2_NEGATIVE_CELLS),
        (INC.format("Patients with HER2-positive disease are not eligible"), HER2_NEGATIVE_CELLS),
        (INC.format("HER2-low (IHC 1+ or IHC 2+/ISH-) breast cancer"), HER2_NEGATIVE_CELLS),
        (INC.format("Primary tumor or metastases are HER2 IHC 3+ or FISH+"), HER2_POSITIVE_CELLS),
        (INC.format("Tumour is HER2-ICH3+ (a common misspelling)"), HER2_POSITIVE_CELLS),
        (
            INC.format("No human epidermal growth factor receptor 2 (HER2)/neu overexpression"),
            HER2_NEGATIVE_CELLS,
        ),
        # "negative or unknown" still turns HER2-positive cancer away; only a list of every status
        # ("positive, negative or unknown") is no restriction
        (INC.format("No HER2 overexpression, or unknown HER2/neu status"), HER2_NEGATIVE_CELLS),
        (
            EXC.format("HER-2 positive or with unknown HER-2 status are not eligible"),
            HER2_NEGATIVE_CELLS,
        ),
    ],
)
def test_receptor_status(criteria: str, expected: frozenset[str]) -> None:
    assert read(criteria).subtype_cells == expected


def test_cohorts_of_different_subtypes_accept_either() -> None:
    reading = read(
        "Inclusion Criteria:\n* Cohort A: HR+/HER2- breast cancer\n* Cohort B: triple-negative "
        "breast cancer"
    )
    assert reading.subtype_cells == HER2_NEGATIVE_CELLS


@pytest.mark.parametrize(
    "criterion",
    [
        "Metastatic breast cancer regardless of HER2 status",
        "Patients with HER2 positive, negative or unknown disease are eligible",
        "ER and/or PR negative, positive, or unknown tumors are eligible",
    ],
)
def test_receptor_status_regardless_is_no_restriction(criterion: str) -> None:
    assert read(INC.format(criterion)).subtype_cells is None


def test_her2_low_is_a_requirement() -> None:
    assert ("her2_low", True) in facts(read(INC.format("HER2-low metastatic breast cancer")))


@pytest.mark.parametrize(
    ("criteria", "expected_facts", "expected_allowances"),
    [
        (EXC.format("Known brain metastases"), {("brain_mets", False)}, set()),
        (EXC.format("Active or untreated brain metastases"), {("brain_mets_active", False)}, set()),
        (EXC.format("Symptomatic CNS metastases"), {("brain_mets_active", False)}, set()),
        (
            EXC.format("Brain metastases unless treated and stable for 4 weeks"),
            {("brain_mets_active", False)},
            {"brain_mets_stable"},
        ),
        (
            INC.format("Patients with treated, stable brain metastases are eligible"),
            {("brain_mets_active", False)},
            {"brain_mets_stable"},
        ),
        (INC.format("No brain metastases"), {("brain_mets", False)}, set()),
        (INC.format("Patients without CNS metastases"), {("brain_mets", False)}, set()),
        (INC.format("At least one measurable brain metastasis"), {("brain_mets", True)}, set()),
        (EXC.format("Leptomeningeal disease"), {("leptomeningeal", False)}, set()),
        (
            INC.format("No primary malignancies or metastatic disease of the CNS"),
            {("brain_mets", False)},
            set(),
        ),
        (EXC.format("Primary brain tumors"), set(), set()),
        (
            EXC.format(
                "Participants with brain metastases must have stable neurologic status following "
                "local therapy"
            ),
            {("brain_mets_active", False)},
            {"brain_mets_stable"},
        ),
        (
            "Exclusion Criteria:\n1. Brain metastases, except if:\n   a. treated\n   b. stable for "
            "4 weeks",
            {("brain_mets_active", False)},
            {"brain_mets_stable"},
        ),
    ],
)
def test_brain_metastases(
    criteria: str, expected_facts: set[tuple[str, bool]], expected_allowances: set[str]
) -> None:
    reading = read(criteria)
    brain = {f for f in facts(reading) if f[0] in ("brain_mets", "brain_mets_active", "leptomeningeal")}
    assert brain == expected_facts
    assert expected_allowances <= allowances(reading)


def test_brain_metastasis_title_makes_brain_required() -> None:
    reading = read(INC.format("Adults"), title="Radiosurgery for Brain Metastases From Breast Cancer")
    assert ("brain_mets", True) in facts(reading)


@pytest.mark.parametrize(
    "criteria",
    [
        INC.format(
            "At least one assessable lesion in the dose escalation part; at least one measurable "
            "lesion per RECIST 1.1 in the expansion part"
        ),
        "Inclusion Criteria:\n* For phase 2, patients must have measurable disease per RECIST 1.1\n"
        "* Patients in phase 1b may have evaluable disease only\nExclusion Criteria:\n* Pregnancy",
    ],
)
def test_measurable_disease_is_no_barrier_when_one_path_accepts_evaluable_disease(
    criteria: str,
) -> None:
    reading = read(criteria)
    assert ("measurable_disease", True) not in facts(reading)
    assert "non_measurable" in allowances(reading)


@pytest.mark.parametrize(
    ("criterion", "required"),
    [
        ("At least one lesion >= 1.0 cm that is seen on standard imaging", True),
        ("Target lesion diameter of ≥15mm that has not been previously irradiated.", True),
        ("At least one target lesion not previously irradiated", True),
        ("At least one evaluable lesion >= 1 cm", False),
        ("No lesion larger than 3 cm", False),
    ],
)
def test_a_lesion_size_rule_is_a_measurable_disease_rule(criterion: str, required: bool) -> None:
    assert (("measurable_disease", True) in facts(read(INC.format(criterion)))) is required


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        (EXC.format("Liver metastases"), ("liver_mets", False)),
        (INC.format("Patients with liver metastases"), ("liver_mets", True)),
        (EXC.format("Bone-only disease"), ("bone_only", False)),
        (INC.format("Bone-only disease not eligible"), ("bone_only", False)),
        (INC.format("Disease limited to bone"), ("bone_only", True)),
        (INC.format("At least one measurable lesion per RECIST 1.1"), ("measurable_disease", True)),
    ],
)
def test_other_sites_and_measurable_disease(criteria: str, expected: tuple[str, bool]) -> None:
    assert expected in facts(read(criteria))


def test_liver_in_a_lab_limit_is_not_a_liver_rule() -> None:
    reading = read(INC.format("AST <= 5 x ULN if liver metastases are present"))
    assert not {f for f in facts(reading) if f[0] == "liver_mets"}


def test_measurable_or_bone_only_is_an_allowance() -> None:
    reading = read(INC.format("Measurable disease or non-measurable bone-only disease"))
    assert ("measurable_disease", True) not in facts(reading)
    assert {"bone_only", "non_measurable"} & allowances(reading)


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        (INC.format("Must have progressed on a CDK4/6 inhibitor"), ("prior:cdk4/6-inhibitor", True)),
        (
            INC.format("Prior treatment with palbociclib, ribociclib or abemaciclib"),
            ("prior:cdk4/6-inhibitor", True),
        ),
        (EXC.format("Prior treatment with a CDK4/6 inhibitor"), ("prior:cdk4/6-inhibitor", False)),
        (INC.format("No prior CDK4/6 inhibitor"), ("prior:cdk4/6-inhibitor", False)),
        (INC.format("Patients must not have received prior fulvestrant"), ("prior:fulvestrant", False)),
        (INC.format("Without prior everolimus"), ("prior:mtor-inhibitor", False)),
        (INC.format("CDK4/6 inhibitor-naive"), ("prior:cdk4/6-inhibitor", False)),
        (EXC.format("Prior fulvestrant is not permitted"), ("prior:fulvestrant", False)),
        (INC.format("Prior trastuzumab deruxtecan is not allowed"), ("prior:t-dxd", False)),
        (EXC.format("Previous treatment with T-DM1"), ("prior:t-dm1", False)),
        (EXC.format("Prior tucatinib"), ("prior:her2-tki", False)),
        (EXC.format("Prior sacituzumab govitecan"), ("prior:sacituzumab-govitecan", False)),
        (EXC.format("Prior PARP inhibitor such as olaparib"), ("prior:parp-inhibitor", False)),
        (
            EXC.format("Prior treatment with anti-PD-1 or anti-PD-L1 agents"),
            ("prior:immunotherapy", False),
        ),
        (EXC.format("Prior alpelisib"), ("prior:pi3k-inhibitor", False)),
        (EXC.format("Prior capivasertib"), ("prior:akt-inhibitor", False)),
        (INC.format("Must have received prior trastuzumab"), ("prior:trastuzumab", True)),
        (INC.format("Prior treatment with a taxane"), ("prior:taxane", True)),
        (INC.format("Previously treated with an anthracycline"), ("prior:anthracycline", True)),
        (EXC.format("Prior capecitabine"), ("prior:capecitabine", False)),
        (EXC.format("Prior platinum-based chemotherapy"), ("prior:platinum", False)),
        (INC.format("Disease progression on prior endocrine therapy"), ("prior:endocrine", True)),
        (INC.format("Progressed after an aromatase inhibitor"), ("prior:aromatase-inhibitor", True)),
        (
            INC.format("Prior treatment with a taxane or an anthracycline"),
            ("prior:anthracycline|taxane", True),
        ),
    ],
)
def test_prior_therapy(criteria: str, expected: tuple[str, bool]) -> None:
    assert expected in facts(read(criteria))


@pytest.mark.parametrize(
    ("criteria", "factor"),
    [
        (INC.format("Prior capecitabine is allowed"), "prior:capecitabine"),
        (INC.format("Prior CDK4/6 inhibitor therapy is permitted"), "prior:cdk4/6-inhibitor"),
        (EXC.format("Prior SERD other than fulvestrant"), None),
        (EXC.format("Any prior anticancer therapy except fulvestrant"), "prior:fulvestrant"),
    ],
)
def test_prior_therapy_allowed_is_not_excluded(criteria: str, factor: str | None) -> None:
    reading = read(criteria)
    assert all(not (f.startswith("prior:") and f == factor) for f, _ in facts(reading))
    if factor:
        assert factor in allowances(reading)


def test_resistance_to_adjuvant_therapy_within_a_window_is_still_required() -> None:
    criterion = (
        "Resistance to prior adjuvant endocrine therapy, relapsed within 12 months of completing it"
    )
    assert ("prior:endocrine", True) in facts(read(INC.format(criterion)))


def test_serd_other_than_fulvestrant_excludes_only_oral_serds() -> None:
    assert facts(read(EXC.format("Prior SERD other than fulvestrant"))) == {("prior:oral-serd", False)}


@pytest.mark.parametrize(
    "criteria",
    [
        EXC.format("Chemotherapy within 3 weeks before the first dose"),
        EXC.format("Known hypersensitivity to paclitaxel"),
        INC.format("At least 4 weeks since prior chemotherapy"),
        INC.format("Eligible for treatment with fulvestrant"),
        INC.format("Recovery from prior chemotherapy"),
        INC.format("Prior treatment with chemotherapy within 21 days"),
        INC.format("HR-positive patients must have progressed on prior endocrine therapy"),
        EXC.format("Cumulative doxorubicin dose > 450 mg/m2"),
        INC.format("previous adjuvant hormone therapy > 12 months prior to enrolment"),
    ],
)
def test_washout_allergy_and_planned_treatment_are_not_history_rules(criteria: str) -> None:
    assert not {f for f, _ in facts(read(criteria)) if f.startswith("prior:")}


@pytest.mark.parametrize(
    ("criteria", "factor", "expected"),
    [
        (
            INC.format("No more than 2 prior lines of chemotherapy for metastatic disease"),
            "chemo_lines",
            (None, 2),
        ),
        (
            INC.format("Patients who have not received chemotherapy in the advanced disease setting"),
            "chemo_lines",
            (None, 0),
        ),
        (
            INC.format("Patients who have never had treatment for metastatic disease"),
            "prior_lines",
            (None, 0),
        ),
        (INC.format("≤ 2 prior chemotherapy regimens for advanced disease"), "chemo_lines", (None, 2)),
        (INC.format("Up to 3 prior lines of systemic therapy"), "prior_lines", (None, 3)),
        (
            INC.format("At least one prior line of therapy for metastatic disease"),
            "prior_lines",
            (1, None),
        ),
        (INC.format("1-3 prior lines of therapy"), "prior_lines", (1, 3)),
        (EXC.format("More than 2 prior lines of chemotherapy"), "chemo_lines", (None, 2)),
        (
            EXC.format("3 or more prior lines of therapy in the metastatic setting"),
            "prior_lines",
            (None, 2),
        ),
        (INC.format("No prior systemic therapy for metastatic disease"), "prior_lines", (None, 0)),
        (EXC.format("Prior chemotherapy for metastatic breast cancer"), "chemo_lines", (None, 0)),
        (INC.format("Previously untreated metastatic breast cancer"), "prior_lines", (None, 0)),
        (INC.format("Second-line or later"), "prior_lines", (1, None)),
        (EXC.format("Any line of endocrine therapy for advanced disease"), "endocrine_lines", (None, 0)),
        (
            EXC.format("Up to one line of endocrine therapy for metastatic disease is allowed"),
            "endocrine_lines",
            (None, 1),
        ),
        (INC.format("Pancreatic cancer (first or second line)"), "prior_lines", (0, 1)),
        (
            INC.format("At least 1 but not more than 3 prior chemotherapy regimens"),
            "chemo_lines",
            (1, 3),
        ),
    ],
)
def test_lines_of_therapy(criteria: str, factor: str, expected: tuple[int | None, int | None]) -> None:
    assert limits(read(criteria))[factor] == expected


def test_line_limit_is_not_read_as_a_required_prior_therapy() -> None:
    reading = read(INC.format("No more than 2 prior chemotherapy regimens for metastatic disease"))
    assert ("prior:chemotherapy", True) not in facts(reading)


def test_first_line_title() -> None:
    reading = read(
        INC.format("Adults"), title="First-line Treatment of HER2-positive Metastatic Breast Cancer"
    )
    assert limits(reading)["prior_lines"] == (None, 0)


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        (INC.format("Documented PIK3CA mutation"), ("biomarker:pik3ca", True)),
        (INC.format("PIK3CA-mutated tumor"), ("biomarker:pik3ca", True)),
        (EXC.format("Known PIK3CA mutation"), ("biomarker:pik3ca", False)),
        (INC.format("Detectable ESR1 mutation in ctDNA"), ("biomarker:esr1", True)),
        (INC.format("Germline BRCA1 or BRCA2 mutation"), ("biomarker:brca", True)),
        (INC.format("gBRCA mutation carriers"), ("biomarker:brca", True)),
        (INC.format("PD-L1 positive (CPS >= 10)"), ("biomarker:pd-l1", True)),
    ],
)
def test_biomarkers(criteria: str, expected: tuple[str, bool]) -> None:
    assert expected in facts(read(criteria))


@pytest.mark.parametrize(
    "criteria",
    [
        INC.format("Tumor tissue available for PIK3CA testing"),
        INC.format("Regardless of PIK3CA mutation status"),
        EXC.format("Prior treatment with an anti-PD-L1 antibody"),
    ],
)
def test_biomarker_mentions_that_are_not_requirements(criteria: str) -> None:
    assert not {f for f, _ in facts(read(criteria)) if f.startswith("biomarker:")}


def test_postmenopausal_required() -> None:
    assert ("postmenopausal", True) in facts(read(INC.format("Postmenopausal women")))


@pytest.mark.parametrize(
    "criteria",
    [
        INC.format(
            "Pre- or perimenopausal women receiving ovarian function suppression, or postmenopausal "
            "women"
        ),
        "Inclusion Criteria:\n* Postmenopausal women\n* Premenopausal women must receive goserelin",
        INC.format("Women of any menopausal status; pre/perimenopausal women with LHRH agonist"),
    ],
)
def test_premenopausal_allowed_with_ovarian_suppression(criteria: str) -> None:
    reading = read(criteria)
    assert ("postmenopausal", True) not in facts(reading)
    assert "premenopausal" in allowances(reading)


def test_contraception_wording_is_not_a_menopause_rule() -> None:
    reading = read(
        INC.format("Women of childbearing potential who are not postmenopausal must use contraception")
    )
    assert not {f for f, _ in facts(reading) if "menopausal" in f}


def test_men_allowed() -> None:
    assert "male" in allowances(read(INC.format("Postmenopausal women or men")))


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        (INC.format("ECOG performance status 0-1"), (None, 1)),
        (INC.format("ECOG (Eastern Cooperative Group) Performance Score of 0 or 1."), (None, 1)),
        (INC.format("ECOG 0, 1 or 2"), (None, 2)),
        (INC.format("ECOG PS <= 1"), (None, 1)),
        (INC.format("WHO performance status of 0 or 1"), (None, 1)),
        (EXC.format("ECOG >= 2"), (None, 1)),
        (EXC.format("ECOG performance status > 2"), (None, 2)),
        (INC.format("Karnofsky performance status >= 70%"), (None, 1)),
        (INC.format("Karnofsky 60-100%"), (None, 2)),
    ],
)
def test_performance_status(criteria: str, expected: tuple[int | None, int | None]) -> None:
    assert limits(read(criteria))["ecog"] == expected


@pytest.mark.parametrize(
    ("title", "criteria", "setting"),
    [
        ("Drug X in Metastatic Breast Cancer", INC.format("Adults"), "metastatic"),
        (
            "A Study in Breast Cancer",
            INC.format("Unresectable locally advanced or metastatic breast cancer"),
            "metastatic",
        ),
        ("A Study in Breast Cancer", INC.format("Stage IV breast cancer"), "metastatic"),
        ("Adjuvant Drug X in Early Breast Cancer", INC.format("Stage II-III breast cancer"), "early"),
        ("Neoadjuvant Therapy in Breast Cancer", INC.format("Operable breast cancer"), "early"),
        ("A Study in Breast Cancer", EXC.format("Metastatic disease"), "early"),
        ("A Study in Breast Cancer", INC.format("No evidence of distant metastases"), "early"),
        ("Tomosynthesis Screening for Breast Cancer", INC.format("Women aged 40-74"), "early"),
        ("Prevention of Breast Cancer in High-risk Women", INC.format("Adults"), "early"),
        ("Ductal Carcinoma In Situ Study", INC.format("DCIS"), "early"),
        ("Coloring Book for Breast Cancer Patients", INC.format("Adults"), "unknown"),
    ],
)
def test_disease_setting(title: str, criteria: str, setting: str) -> None:
    assert read(criteria, title=title, conditions=("Breast Cancer",)).setting == setting


@pytest.mark.parametrize(
    ("title", "conditions", "criteria", "scope"),
    [
        ("Drug X in Breast Cancer", ("Breast Cancer",), INC.format("Adults"), "breast"),
        (
            "Drug X in Advanced Solid Tumors",
            ("Solid Tumor",),
            INC.format("Any advanced solid tumor"),
            "solid_tumor",
        ),
        ("Drug X in Lung Cancer", ("Non-small Cell Lung Cancer",), INC.format("NSCLC"), "other"),
        ("Insulin in Diabetes", ("Type 2 Diabetes",), INC.format("HbA1c > 7%"), "other"),
        (
            "Drug X in Cancer",
            ("Neoplasms",),
            INC.format("Histologically confirmed breast cancer"),
            "breast",
        ),
        (
            "Drug X in HER2-Expressing Tumors",
            ("HER2 Expressing Solid Tumors Excluding Breast, Gastric, Colorectal Cancer",),
            INC.format("Metastatic HER2-expressing solid tumor"),
            "other",
        ),
        (
            "Drug X in HER2-Expressing Tumors",
            ("Solid Tumor",),
            INC.format("Any solid tumor other than breast cancer"),
            "other",
        ),
        (
            "Drug X in Adult Patients With Solid Tumors",
            ("Lymphoma", "Neoplasms"),
            INC.format("Solid tumor that has failed standard therapy; lymphomas are also eligible"),
            "solid_tumor",
        ),
        (
            "Drug X in Advanced Solid Tumors or Lymphoma",
            ("Advanced Solid Tumors", "Lymphoma"),
            INC.format("Advanced solid tumor or lymphoma"),
            "solid_tumor",
        ),
        (
            "Drug X in Advanced Solid Tumors With a BRAF Mutation",
            ("Cancer", "Melanoma", "Colorectal Cancer"),
            INC.format("Solid tumor limited to melanoma, colorectal cancer or thyroid cancer"),
            "other",
        ),
        (
            "Drug X in Advanced Malignancies",
            ("Malignancies",),
            "Inclusion Criteria:\n* Advanced solid tumor\n* History of esophageal bleeding treated\n"
            "* For subjects with colorectal cancer, KRAS wild type\n"
            "* Patients with primary liver cancer are eligible if Child-Pugh A\n"
            "Exclusion Criteria:\n* Pregnancy",
            "solid_tumor",
        ),
        ("Drug X in Carcinoma", ("Carcinoma",), INC.format("Metastatic bladder carcinoma"), "other"),
        ("Drug X in Melanoma", ("Melanoma", "Solid Tumor"), INC.format("Melanoma"), "other"),
    ],
)
def test_scope(title: str, conditions: tuple[str, ...], criteria: str, scope: str) -> None:
    assert read(criteria, title=title, conditions=conditions).scope == scope


def test_quotes_come_from_the_criterion_and_section() -> None:
    reading = read(EXC.format("Prior treatment with a CDK4/6 inhibitor"))
    requirement = next(r for r in reading.requirements if r.key == "prior:cdk4/6-inhibitor")
    assert requirement.quote == "Prior treatment with a CDK4/6 inhibitor"
    assert requirement.kind == "exclusion"


def test_long_quotes_are_trimmed() -> None:
    reading = read(EXC.format("Prior treatment with a CDK4/6 inhibitor " + "because of reasons " * 40))
    assert all(len(r.quote) <= 230 for r in reading.requirements)


def test_cache_reads_each_study_version_once() -> None:
    cache = ReadingCache(maxsize=2)
    study = make_study(INC.format("HER2-positive"))
    first = read_trial(study, cache=cache)
    assert read_trial(study, cache=cache) is first
    assert (cache.hits, cache.misses) == (1, 1)
    changed = make_study(INC.format("HER2-negative"))
    assert read_trial(changed, cache=cache) is not first
    for n in range(3):
        read_trial(make_study(INC.format(f"ECOG 0-{n}")), cache=cache)
    assert len(cache) == 2


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_reader_never_raises_on_any_text(text: str) -> None:
    reading = read_trial_uncached(make_study(text, title=text[:50]))
    assert reading.scope in ("breast", "solid_tumor", "other")


_WORDS = st.sampled_from(
    [
        "no",
        "not",
        "prior",
        "brain",
        "metastases",
        "HER2-positive",
        "ECOG",
        "0-1",
        "unless",
        "treated",
        "Exclusion Criteria:",
        "\n* ",
        "≥",
        "2",
        "lines",
        "cdk4/6",
        "PIK3CA",
        "mutation",
        "(",
        ")",
        ";",
        ".",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORDS, max_size=40))
def test_reader_never_raises_on_medical_word_salad(words: list[str]) -> None:
    read_trial_uncached(make_study(" ".join(words)))


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(_JSON)
def test_reader_never_raises_on_arbitrary_study_shapes(raw: object) -> None:
    read_trial_uncached(Study.from_api(raw))


@settings(max_examples=100, deadline=None)
@given(
    st.fixed_dictionaries(
        {
            "protocolSection": st.fixed_dictionaries(
                {
                    "identificationModule": st.fixed_dictionaries({"briefTitle": st.text(max_size=60)}),
                    "conditionsModule": st.fixed_dictionaries(
                        {"conditions": st.lists(st.text(max_size=20))}
                    ),
                    "eligibilityModule": st.fixed_dictionaries({"eligibilityCriteria": st.text()}),
                }
            )
        }
    )
)
def test_reader_never_raises_on_study_dicts(raw: dict[str, Any]) -> None:
    read_trial_uncached(Study.from_api(raw))


def test_exclusion_with_bracketed_adjuvant_exception_still_excludes() -> None:
    reading = read(
        EXC.format(
            "Prior CDK4/6 inhibitors in the metastatic setting (prior CDK4/6 inhibitors permitted in "
            "the adjuvant setting if the treatment-free interval was at least 12 months)"
        )
    )
    assert ("prior:cdk4/6-inhibitor", False) in facts(reading)


def test_parts_that_disagree_become_a_mixed_requirement() -> None:
    reading = read(
        "Inclusion Criteria:\n* Part A: must have progressed on a prior CDK4/6 inhibitor\n"
        "Exclusion Criteria:\n* Part B: prior treatment with a CDK4/6 inhibitor"
    )
    mixed = [r for r in reading.requirements if r.key == "prior:cdk4/6-inhibitor"]
    assert [r.qualifier for r in mixed] == ["mixed"]


def test_future_treatment_in_a_safety_rule_is_not_history() -> None:
    reading = read(EXC.format("Participants to be treated with ribociclib: QTcF >= 450 ms"))
    assert not {f for f, _ in facts(reading) if f.startswith("prior:")}


@pytest.mark.parametrize(
    ("criteria", "expected", "allowed"),
    [
        (INC.format("Patients who have not received prior taxanes"), ("prior:taxane", False), None),
        (
            EXC.format("Patients who have not received prior trastuzumab"),
            ("prior:trastuzumab", True),
            None,
        ),
        (
            EXC.format("Any prior chemotherapy, excluding capecitabine"),
            ("prior:chemotherapy", False),
            "prior:capecitabine",
        ),
        (
            EXC.format("Prior anticancer therapy other than endocrine therapy"),
            None,
            "prior:endocrine",
        ),
        (
            EXC.format("Prior fulvestrant unless given more than 12 months ago"),
            ("prior:fulvestrant", False),
            None,
        ),
    ],
)
def test_negation_and_exception_forms(
    criteria: str, expected: tuple[str, bool] | None, allowed: str | None
) -> None:
    reading = read(criteria)
    if expected is not None:
        assert expected in facts(reading)
    if allowed is not None:
        assert allowed in allowances(reading)
        assert (allowed, False) not in facts(reading)


def test_nested_brain_allowance_reads_children_with_their_parent() -> None:
    reading = read(
        "Inclusion Criteria:\n* Patients with brain metastases are eligible if:\n"
        "  * they were treated with radiotherapy or surgery\n  * they are stable for at least 4 weeks"
    )
    assert "brain_mets_stable" in allowances(reading)
    assert ("brain_mets", False) not in facts(reading)
    assert ("brain_mets", True) not in facts(reading)


def test_a_list_joined_by_and_requires_each_drug() -> None:
    reading = read(
        INC.format("Have received previous treatment with trastuzumab, pertuzumab, and T-DM1")
    )
    assert {("prior:trastuzumab", True), ("prior:pertuzumab", True), ("prior:t-dm1", True)} <= facts(
        reading
    )


def test_a_washout_after_one_drug_does_not_cover_the_rest_of_the_list() -> None:
    reading = read(
        EXC.format(
            "Previously treated with lapatinib within 12 months of starting study treatment, neratinib, "
            "or any other investigational anti-HER2 tyrosine kinase inhibitor"
        )
    )
    assert ("prior:her2-tki", False) in facts(reading)
    assert ("prior:her2-directed", False) not in facts(reading)


@pytest.mark.parametrize(
    ("criteria", "expected", "absent"),
    [
        (INC.format("ESR1 mutation is not required"), None, "biomarker:esr1"),
        (
            EXC.format("Prior elacestrant or any investigational SERD"),
            ("prior:oral-serd", False),
            None,
        ),
        (
            EXC.format("Prior treatment with topoisomerase I inhibitors"),
            ("prior:topo1-adc", False),
            None,
        ),
        (
            INC.format(
                "One or two prior lines of endocrine therapy, one of which must include a "
                "CDK4/6 inhibitor"
            ),
            ("prior:cdk4/6-inhibitor", True),
            None,
        ),
    ],
)
def test_more_real_world_phrasings(
    criteria: str, expected: tuple[str, bool] | None, absent: str | None
) -> None:
    reading = read(criteria)
    if expected is not None:
        assert expected in facts(reading)
    if absent is not None:
        assert not {f for f, _ in facts(reading) if f == absent}
    assert ("prior:fulvestrant|oral-serd", False) not in facts(reading)


def standard_flags(reading: TrialReading) -> set[str] | None:
    rule = next((r for r in reading.requirements if r.factor == "standard_therapy"), None)
    return None if rule is None else set(rule.items)


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        (INC.format("Advanced solid tumor that has failed standard therapy"), {"failed"}),
        (INC.format("Refractory advanced solid tumor"), {"failed"}),
        (
            INC.format("Solid tumor that progressed or recurred following standard therapy"),
            {"failed"},
        ),
        (
            INC.format("Solid tumor for which no standard therapy of proven benefit is available"),
            {"none"},
        ),
        (INC.format("Patient has exhausted all available standard therapies"), {"none"}),
        (
            INC.format(
                "Solid tumor for which standard therapy does not exist or is no longer effective"
            ),
            {"none"},
        ),
        (
            INC.format(
                "Tumor refractory to standard therapy or for which no standard of care regimen exists"
            ),
            {"failed", "none"},
        ),
        (
            INC.format(
                "Refractory to conventional treatment, or for which no conventional therapy exists "
                "or is declined by the patient"
            ),
            {"failed", "none", "optional"},
        ),
        (
            INC.format("Failed standard treatment or not suitable for standard treatment currently"),
            {"failed", "optional"},
        ),
    ],
)
def test_standard_therapy_clauses_of_pan_tumor_trials(criteria: str, expected: set[str]) -> None:
    assert standard_flags(read(criteria)) == expected


@pytest.mark.parametrize(
    "criteria",
    [
        INC.format("Locoregionally recurrent disease not amenable to curative therapy"),
        INC.format("Metastatic disease for which no curative therapy exists"),
        INC.format("Endocrine-refractory metastatic breast cancer"),
        INC.format("Progression on standard of care endocrine therapy"),
        INC.format("Candidates for standard chemotherapy"),
        EXC.format("Refractory advanced solid tumor"),
    ],
)
def test_curative_endocrine_or_exclusion_wording_is_not_a_standard_therapy_clause(
    criteria: str,
) -> None:
    assert standard_flags(read(criteria)) is None


def test_refractory_in_the_title_is_a_standard_therapy_clause() -> None:
    reading = read(INC.format("Adults"), title="Drug X in Patients With Refractory Solid Tumors")
    assert standard_flags(reading) == {"failed"}


def test_standard_therapy_clauses_split_over_sentences_are_joined() -> None:
    criteria = (
        "Inclusion Criteria:\n* Solid tumor refractory to standard therapy\n"
        "* Patients who declined standard treatment are also eligible\n"
        "Exclusion Criteria:\n* Pregnancy"
    )
    assert standard_flags(read(criteria)) == {"failed", "optional"}


@pytest.mark.parametrize(
    ("title", "conditions", "required"),
    [
        ("Drug X in Advanced Solid Tumors and Liver Metastases", ("Solid Tumor",), True),
        ("Drug X in Solid Tumors", ("Solid Tumor", "Liver Metastases"), True),
        ("Drug X in Breast Cancer With Bone and Liver Metastases", ("Breast Cancer",), False),
        ("Drug X in Breast Cancer", ("Breast Cancer", "Liver Metastases", "Lung Metastases"), False),
        ("Drug X in Breast Cancer With or Without Liver Metastases", ("Breast Cancer",), False),
    ],
)
def test_liver_metastases_alone_in_title_or_conditions_are_required(
    title: str, conditions: tuple[str, ...], required: bool
) -> None:
    reading = read(INC.format("Adults"), title=title, conditions=conditions)
    assert (("liver_mets", True) in facts(reading)) is required


def test_early_stage_title_decides_the_setting_without_reading_the_criteria() -> None:
    criteria = INC.format("Metastatic HER2-positive breast cancer")
    early = read(
        criteria, title="Neoadjuvant Drug X in Early Breast Cancer", conditions=("Breast Cancer",)
    )
    assert early.setting == "early" and early.item_count == 0
    assert early.setting_quote == "Neoadjuvant Drug X in Early Breast Cancer"
    mixed = read(
        criteria,
        title="Neoadjuvant Drug X in Early Breast Cancer",
        conditions=("Metastatic Breast Cancer",),
    )
    assert mixed.item_count == 2 and mixed.subtype_cells == HER2_POSITIVE_CELLS


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        (
            EXC.format("Patients are not eligible who have received prior PARP inhibitors"),
            ("prior:parp-inhibitor", False),
        ),
        (
            INC.format("Patients are ineligible if they received prior fulvestrant"),
            ("prior:fulvestrant", False),
        ),
    ],
)
def test_stated_ineligibility_excludes_in_either_section(
    criteria: str, expected: tuple[str, bool]
) -> None:
    found = facts(read(criteria))
    assert expected in found
    assert (expected[0], not expected[1]) not in found


def test_given_in_the_sense_of_considering_is_not_treatment_history() -> None:
    reading = read(
        INC.format(
            "Lung cancer and melanoma are excluded given known response to PD-1 inhibitor monotherapy"
        )
    )
    assert not {f for f, _ in facts(reading) if f.startswith("prior:")}


def interval_rule(reading: TrialReading) -> str | None:
    rule = next((r for r in reading.requirements if r.factor == "relapse_interval"), None)
    return None if rule is None else "|".join(rule.items)


@pytest.mark.parametrize(
    ("criteria", "detail"),
    [
        (
            INC.format(
                "At least 12 months between completion of adjuvant chemotherapy and the diagnosis "
                "of metastatic disease"
            ),
            "chemotherapy",
        ),
        (
            EXC.format(
                "Recurrence during or within 12 months after the last dose of adjuvant endocrine therapy"
            ),
            "endocrine",
        ),
        (INC.format("Disease-free interval of at least 6 months after curative treatment"), ""),
    ],
)
def test_time_from_early_treatment_to_relapse_is_read(criteria: str, detail: str) -> None:
    assert interval_rule(read(criteria)) == detail


@pytest.mark.parametrize(
    "criteria",
    [
        EXC.format("Chemotherapy within 4 weeks before the first dose"),
        EXC.format("Radiotherapy completed less than 2 weeks before enrolment"),
        INC.format("Relapsed metastatic breast cancer"),
    ],
)
def test_washouts_and_plain_relapse_are_not_interval_rules(criteria: str) -> None:
    assert interval_rule(read(criteria)) is None


def test_other_systemic_therapy_is_its_own_class() -> None:
    reading = read(
        INC.format("Prior treatment with chemotherapy or other systemic antineoplastic therapy")
    )
    assert ("prior:chemotherapy|systemic", True) in facts(reading)


def test_examples_in_brackets_illustrate_a_class_and_do_not_narrow_it() -> None:
    reading = read(
        INC.format(
            "Must have progressed on any systemic anticancer therapy (eg, ET, chemotherapy, "
            "CDK4/6 inhibitor, or immunotherapy) in the metastatic setting with at least 12 months "
            "of follow-up data"
        )
    )
    assert not {f for f, _ in facts(reading) if f.startswith("prior:")}
    assert limits(reading)["prior_lines"] == (1, None)


def test_toxic_effects_of_prior_therapy_are_not_history() -> None:
    reading = read(EXC.format("Non-resolution of acute toxic effects of prior anti-cancer therapy"))
    assert not {f for f, _ in facts(reading) if f.startswith("prior:")}


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        (INC.format("Previously treated with an anti HER-2 based regimen"), None),
        (
            INC.format("Progressed after >= 1, but no more than 3 regimens for metastatic disease"),
            (1, 3),
        ),
    ],
)
def test_line_counts_need_a_free_standing_number(
    criteria: str, expected: tuple[int, int] | None
) -> None:
    assert limits(read(criteria)).get("prior_lines") == expected


@pytest.mark.parametrize(
    ("title", "absent"),
    [
        ("Study Determining Prevalence of HER2-low in Metastatic Breast Cancer", "her2_low"),
        ("A Descriptive Study of PIK3CA Mutations and Outcomes in Breast Cancer", "biomarker:pik3ca"),
        (
            "Dynamic Monitoring of HER2 and ctDNA Specific Mutations in Metastatic Breast Cancer",
            "biomarker:gene-change",
        ),
    ],
)
def test_what_a_title_measures_is_not_a_requirement(title: str, absent: str) -> None:
    reading = read(INC.format("Adults"), title=title, conditions=("Breast Cancer",))
    assert absent not in {f for f, _ in facts(reading)}


def test_a_title_naming_the_population_still_requires_it() -> None:
    reading = read(
        INC.format("Adults"),
        title="Alpelisib in PIK3CA-Mutated Breast Cancer",
        conditions=("Breast Cancer",),
    )
    assert ("biomarker:pik3ca", True) in facts(reading)


def test_any_stage_takes_both_settings() -> None:
    reading = read(INC.format("Breast cancer with any stage and any treatment status"))
    assert reading.setting == "mixed"


def test_prevention_keyword_marks_an_early_setting_but_in_situ_hybridization_does_not() -> None:
    raw = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT00000009", "briefTitle": "Drug X Hormone Levels"},
            "conditionsModule": {"conditions": ["Breast Cancer"], "keywords": ["Prevention"]},
            "eligibilityModule": {"eligibilityCriteria": "Enrolled on the parent protocol"},
        }
    }
    assert read_trial_uncached(Study.from_api(raw)).setting == "early"
    raw["protocolSection"]["conditionsModule"]["keywords"] = ["ISH: in situ hybridization"]
    raw["protocolSection"]["identificationModule"]["briefTitle"] = "Drug X in Metastatic Breast Cancer"
    assert read_trial_uncached(Study.from_api(raw)).setting == "metastatic"


@pytest.mark.parametrize(
    ("criteria", "excluded"),
    [
        (EXC.format("Prior brain radiotherapy"), True),
        (
            EXC.format(
                "A minimum of 2 wk must have elapsed between the end of whole brain radiotherapy "
                "and study enrollment"
            ),
            False,
        ),
    ],
)
def test_prior_brain_radiation_without_a_metastasis_word(criteria: str, excluded: bool) -> None:
    assert (("prior_brain_radiation", False) in facts(read(criteria))) is excluded


def gene_rule(reading: TrialReading) -> str | None:
    rule = next((r for r in reading.requirements if r.key == "biomarker:gene-change"), None)
    return None if rule is None else rule.note


@pytest.mark.parametrize(
    ("criteria", "gene"),
    [
        (INC.format("Solid tumor with a KRAS G12C mutation"), "kras"),
        (INC.format("MAPK mutant (RAS/RAF/MEK/ERK mutations) advanced solid tumor"), "mapk"),
        (INC.format("Microsatellite instability-high solid tumor"), "microsatellite instability"),
        (INC.format("HER2-amplified metastatic breast cancer"), None),
        (INC.format("Germline BRCA1/2 or PALB2 mutation"), None),
        (INC.format("Any histology if known to be MSI-high"), None),
        (INC.format("Tumors with or without DNA repair gene alterations"), None),
        (EXC.format("Known EGFR mutation"), None),
    ],
)
def test_gene_changes_outside_the_vocabulary(criteria: str, gene: str | None) -> None:
    assert gene_rule(read(criteria)) == gene


@pytest.mark.parametrize(
    ("criteria", "required"),
    [
        (INC.format("Participant has undergone NGS testing within 3 months before enrollment"), True),
        (INC.format("Results of comprehensive genomic profiling must be available"), True),
        (INC.format("Willing to provide tissue for next-generation sequencing"), False),
        (INC.format("Genomic profiling is encouraged but not required"), False),
    ],
)
def test_a_genomic_test_already_done(criteria: str, required: bool) -> None:
    assert (("genomic_test", True) in facts(read(criteria))) is required


def test_a_condition_on_earlier_treatment_is_not_a_line_requirement() -> None:
    reading = read(
        INC.format(
            "If subjects received prior chemotherapy for metastatic disease, they should have "
            "documented progression"
        )
    )
    assert "chemo_lines" not in limits(reading)
    required = read(INC.format("Subjects must have received prior chemotherapy for metastatic disease"))
    assert limits(required)["chemo_lines"] == (1, None)


GROUPS = (
    "Inclusion Criteria:\n\nGroup 1\n\n* Any advanced solid tumor\n"
    "* Subject must have received >= 1 prior treatment regimen\n\nGroup 2\n\n"
    "* Part 1 - Triple-negative breast cancer (second line)\n"
    "* Part 2 - Pancreatic adenocarcinoma\n\nExclusion Criteria:\n\n* ECOG >= 2"
)


def test_each_part_a_patient_could_join_is_read_on_its_own() -> None:
    reading = read(GROUPS, title="Drug X in Advanced Malignancies", conditions=("Solid Tumor",))
    by_part = {p.part: p for p in reading.parts}
    assert set(by_part) == {"group 1", "group 2/part 1"}  # part 2 is for pancreatic cancer
    assert by_part["group 1"].subtype_cells is None
    assert limits(by_part["group 1"])["prior_lines"] == (1, None)
    assert by_part["group 2/part 1"].subtype_cells == TRIPLE_NEGATIVE_CELLS
    assert "prior_lines" not in limits(by_part["group 2/part 1"]) or limits(by_part["group 2/part 1"])[
        "prior_lines"
    ] == (1, 1)
    assert all(limits(p)["ecog"] == (None, 1) for p in reading.parts)


def test_a_trial_whose_only_other_part_is_for_another_cancer_has_no_parts() -> None:
    criteria = (
        "Inclusion Criteria:\n* Part 1 - Metastatic HR-positive, HER2-negative breast cancer\n"
        "* Part 2 - Pancreatic adenocarcinoma, no prior chemotherapy\nExclusion Criteria:\n* None"
    )
    reading = read(criteria)
    assert reading.parts == () and reading.subtype_cells == frozenset({HR_POS_HER2_NEG})
    assert "chemotherapy" not in " ".join(r.key for r in reading.requirements)


def test_luminal_organ_is_not_a_luminal_breast_cancer() -> None:
    reading = read(EXC.format("Lesion that invades a gastrointestinal luminal organ"))
    assert reading.subtype_cells is None
    assert read(INC.format("Luminal A or B breast cancer")).subtype_cells is not None


@pytest.mark.parametrize(
    "title",
    [
        "Reirradiation for Abdominal and Pelvic Tumors",
        "Drug X for Chylous Ascites After Retroperitoneal Lymphadenectomy",
    ],
)
def test_body_regions_other_than_the_breast_are_other_cancers(title: str) -> None:
    reading = read(INC.format("Adults"), title=title, conditions=("Abdominal Neoplasm",))
    assert reading.scope == "other"


@pytest.mark.parametrize(
    "title",
    ["Levetiracetam in Brain Tumors", "Tissue Factor in Malignant Gliomas", "Registry of CNS Tumors"],
)
def test_plural_and_nervous_system_cancers_are_other_cancers(title: str) -> None:
    assert read(INC.format("Adults"), title=title, conditions=("Neoplasms",)).scope == "other"


def test_a_solid_tumor_part_keeps_the_trial_open_beside_blood_cancer_parts() -> None:
    criteria = (
        "Inclusion Criteria:\n"
        "Part 1:\n* Pathological diagnosis of a solid tumor after at least 2 lines of therapy\n"
        "Part 2A:\n* Acute myeloid leukemia or myelodysplastic syndromes\n"
        "Part 3A:\n* CD20+ B cell lymphoma after two lines\n"
        "Exclusion Criteria:\n* CNS lymphomas"
    )
    title = "Drug X in Relapsed Advanced Malignancies"
    reading = read(criteria, title=title, conditions=("Solid Tumor",))
    assert reading.scope == "solid_tumor"


def test_a_first_line_title_yields_to_the_criteria_line_count() -> None:
    criteria = INC.format("No prior chemotherapy for metastatic breast cancer")
    reading = read(criteria, title="First Line Drug X for Metastatic Breast Cancer")
    assert limits(reading) == {"chemo_lines": (None, 0)}
    plain = read(INC.format("Adults"), title="First Line Drug X for Metastatic Breast Cancer")
    assert limits(plain) == {"prior_lines": (None, 0)}


def test_a_subtype_listed_beside_any_solid_tumor_limits_nothing() -> None:
    criteria = (
        "Inclusion Criteria:\n* Have one of the following advanced solid tumor indications:\n"
        "  * Squamous cell cancer of head and neck\n  * Triple negative breast cancer\n"
        "  * Advanced solid tumors\nExclusion Criteria:\n* Pregnancy"
    )
    conditions = ("Triple Negative Breast Cancer", "Advanced Solid Tumors")
    assert read(criteria, conditions=conditions).subtype_cells is None
    closed = criteria.replace("  * Advanced solid tumors\n", "")
    assert read(closed, conditions=conditions).subtype_cells == TRIPLE_NEGATIVE_CELLS
    assert read(closed, conditions=("Triple Negative Breast Cancer",)).subtype_cells == (
        TRIPLE_NEGATIVE_CELLS
    )


def subtype_named(reading: TrialReading) -> frozenset[str] | None:
    rule = next((r for r in reading.requirements if r.factor == "subtype_named"), None)
    return None if rule is None else rule.cells


def test_a_subtype_in_the_conditions_of_a_solid_tumor_trial_is_a_preference() -> None:
    reading = read(
        INC.format("Advanced solid tumor"),
        title="Drug X in Advanced Solid Tumours",
        conditions=("Colorectal Cancer", "Breast Cancer (Triple Negative Type)"),
    )
    assert reading.subtype_cells is None
    assert subtype_named(reading) == TRIPLE_NEGATIVE_CELLS


def test_an_enriched_list_names_preferred_subtypes() -> None:
    criteria = (
        "Inclusion Criteria:\n* Advanced solid tumours\n"
        "* Dose escalation is enriched for these tumour types:\n"
        "   1. Colorectal cancer\n   2. Breast cancer (triple negative type)\n"
        "Exclusion Criteria:\n* Pregnancy"
    )
    reading = read(criteria, title="Drug X in Advanced Solid Tumours", conditions=("Solid Tumour",))
    assert reading.subtype_cells is None
    assert subtype_named(reading) == TRIPLE_NEGATIVE_CELLS


def prior_detail(reading: TrialReading, factor: str) -> str | None:
    rule = next((r for r in reading.requirements if r.key == factor), None)
    return None if rule is None else rule.qualifier


@pytest.mark.parametrize(
    ("criteria", "factor", "detail"),
    [
        (EXC.format("Already exposed to docetaxel in metastatic setting"), "prior:taxane", "advanced"),
        (
            EXC.format("Prior treatment in the metastatic setting with any PI3K inhibitor"),
            "prior:pi3k-inhibitor",
            "advanced",
        ),
        (
            EXC.format("Prior fulvestrant in the adjuvant or metastatic setting"),
            "prior:fulvestrant",
            "",
        ),
        (EXC.format("Prior treatment with fulvestrant"), "prior:fulvestrant", ""),
    ],
)
def test_therapy_rules_scoped_to_advanced_disease(criteria: str, factor: str, detail: str) -> None:
    assert prior_detail(read(criteria), factor) == detail


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "Alpelisib Plus Fulvestrant in Women Whose Disease Progressed on or After Endocrine "
            "Treatment",
            {("prior:endocrine", True)},
        ),
        ("Alpelisib Plus Fulvestrant in HR-positive Advanced Breast Cancer", set()),
        (
            "Giredestrant Versus Physician's Choice of Endocrine Therapy in Patients Previously "
            "Treated With CDK4/6 Inhibitors",
            {("prior:cdk4/6-inhibitor", True)},
        ),
        (
            "Giredestrant Plus Phesgo Versus Phesgo After Induction Therapy With Phesgo + Taxane "
            "in Previously Untreated Breast Cancer",
            set(),
        ),
    ],
)
def test_treatment_history_in_a_title(title: str, expected: set[tuple[str, bool]]) -> None:
    reading = read(INC.format("Adults"), title=title, conditions=("Breast Cancer",))
    assert {f for f in facts(reading) if f[0].startswith("prior:")} == expected


@pytest.mark.parametrize(
    "criteria",
    [
        INC.format("Subjects with bone only disease must have lytic or mixed lytic/blastic lesions"),
        EXC.format("Bone only disease that is only blastic with no soft tissue component"),
    ],
)
def test_bone_only_rules_about_lesion_type_are_conditions(criteria: str) -> None:
    reading = read(criteria)
    assert ("bone_only_condition", True) in facts(reading)
    assert not {f for f in facts(reading) if f[0] == "bone_only"}


def test_tissue_for_analysis_of_a_mutation_status_is_not_a_mutation_requirement() -> None:
    reading = read(INC.format("Adequate tumor tissue for the analysis of PIK3CA mutational status"))
    assert "biomarker:pik3ca" not in {f for f, _ in facts(reading)}
    assert ("biomarker:pik3ca", True) in facts(read(INC.format("Documented PIK3CA mutation")))


_RECEPTOR_WORDS = [
    "her2",
    "her-2",
    "her 2",
    "erbb2",
    "her2/neu",
    "positive",
    "negative",
    "-",
    "+",
    "low",
    "ultralow",
    "ihc",
    "1+",
    "0",
    "er",
    "pr",
    "hr",
    "pgr",
    "er/pr",
    "and/or",
    "or",
    "hormone",
    "receptor",
    "estrogen",
    "oestrogen",
    "progesterone",
    "triple",
    "tnbc",
    "mtnbc",
    "luminal",
    "a",
    "b",
    "endocrine",
    "sensitive",
    ">=",
    "<",
    "1%",
    "10%",
    "status",
    ":",
    "breast",
    "cancer",
    "(",
    ")",
    "other",
    "prior",
    "therapy",
    "quadruple",
    "human",
    "epidermal",
    "growth",
    "factor",
    "2",
    "ve",
    "for",
    "positve",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_RECEPTOR_WORDS), max_size=14), st.sampled_from([" ", "", "-"]))
def test_receptor_mentions_found_from_start_words_equal_a_full_scan(
    words: list[str], joiner: str
) -> None:
    from matchers.reader import receptors

    text = joiner.join(words)
    full = [(m.start(), m.end(), m.lastgroup or "") for m in receptors._RECEPTOR.finditer(text)]
    assert receptors.receptor_mentions(text) == full


# ---------------------------------------------------------------------------------------------
# Round 2: readings that must generalize beyond the tuned set
# ---------------------------------------------------------------------------------------------

HR_POSITIVE = frozenset({"HR+/HER2-", "HR+/HER2+"})


@pytest.mark.parametrize(
    ("criterion", "expected"),
    [
        ("Histologically confirmed HER2-ve breast cancer", HER2_NEGATIVE_CELLS),
        ("HER2+ve metastatic breast cancer", HER2_POSITIVE_CELLS),
        ("ER+ve, HER2-ve disease", frozenset({HR_POS_HER2_NEG})),
        ("HR+ metastatic breast cancer", HR_POSITIVE),
        ("positive hormone receptor status", HR_POSITIVE),
        ("hormone receptor positive breast cancer", HR_POSITIVE),
        ("Human epidermal growth factor receptor 2 (HER2) overexpression", HER2_POSITIVE_CELLS),
        ("tumour negative for HER2", HER2_NEGATIVE_CELLS),
    ],
)
def test_receptor_wordings_that_registries_use(criterion: str, expected: frozenset[str]) -> None:
    assert read(INC.format(criterion)).subtype_cells == expected


def test_triple_negative_or_her2_positive_is_the_union_even_misspelled() -> None:
    for spelling in ("positive", "positve", "postive"):
        reading = read(INC.format(f"Triple-negative or HER2-{spelling} invasive breast cancer"))
        assert reading.subtype_cells == TRIPLE_NEGATIVE_CELLS | HER2_POSITIVE_CELLS


@pytest.mark.parametrize(
    "criteria",
    [
        INC.format("HER2, estrogen and progesterone receptor positivity will be recorded."),
        INC.format("HER2 status is to be documented from the most recent biopsy"),
        EXC.format("Inconclusive, equivocal or unavailable result of HER2 overexpression by IHC"),
        EXC.format("Indeterminate HER2 status"),
    ],
)
def test_a_status_only_recorded_or_an_unreadable_test_is_no_subtype_rule(criteria: str) -> None:
    assert read(criteria).subtype_cells is None


def test_a_status_that_must_be_documented_is_still_a_rule() -> None:
    reading = read(INC.format("HER2-positive status must be documented by IHC 3+ or ISH"))
    assert reading.subtype_cells == HER2_POSITIVE_CELLS
    reading = read(
        INC.format("Patients must have HER2-positive disease, which will be tested centrally")
    )
    assert reading.subtype_cells == HER2_POSITIVE_CELLS
    recorded_under_a_rule = (
        "Inclusion Criteria:\n1. Metastatic disease must be biopsy proven.\n"
        "   a. Slides will be requested. HER2 and estrogen receptor positivity will be recorded."
    )
    assert read(recorded_under_a_rule).subtype_cells is None


NEUTRAL = {"title": "A Study in Breast Cancer", "conditions": ("Breast Cancer",)}


@pytest.mark.parametrize(
    ("criteria", "setting"),
    [
        (
            INC.format("Stage II breast cancer with documented axillary metastases, before surgery"),
            "early",
        ),
        (INC.format("Invasive breast cancer with axillary lymph node metastasis"), "unknown"),
        (INC.format("Breast cancer with metastatic axillary lymph nodes"), "unknown"),
        (INC.format("Metastatic breast cancer with lymph node metastases"), "metastatic"),
        (INC.format("Initial diagnosis of Stage I, II, III or IV invasive breast cancer"), "mixed"),
        (INC.format("Stage IIIB-IV breast cancer"), "mixed"),
        (INC.format("Stage II or III breast cancer"), "early"),
        (INC.format("Biopsy proven cT1-2 N0-2 MX invasive breast cancer"), "early"),
        (INC.format("Invasive cancer or DCIS, Tis, T1 or T2 < 3 cm, N0 or N1"), "early"),
        (INC.format("Any T, any N, M1 breast cancer"), "metastatic"),
        (INC.format("First treated or recurrent metastatic breast cancer"), "metastatic"),
        (INC.format("History of metastatic disease treated with curative intent"), "unknown"),
        (
            "Inclusion Criteria for the early setting:\n* Breast cancer and no evidence of distant "
            "metastases\nInclusion Criteria for the metastatic setting:\n* Metastatic breast cancer "
            "proven by imaging",
            "mixed",
        ),
    ],
)
def test_disease_setting_from_the_criteria(criteria: str, setting: str) -> None:
    assert read(criteria, **NEUTRAL).setting == setting


@pytest.mark.parametrize(
    ("title", "setting"),
    [
        ("Molecular Screening Program for Patients With Breast Cancer", "unknown"),
        ("Breast Cancer Liquid Biopsy Stratification", "unknown"),
        ("Imaging of Breast Cancer With Lymph Node Metastases", "unknown"),
        ("Upper Extremity Mapping in Breast Cancer With Axillary Metastases", "early"),
        ("Radiomics of Pathological Complete Response (ypN0)", "early"),
        ("Breast Imaging in Women at High Genetic Risk of Breast Cancer", "early"),
        ("Breast MRI Screening and Diagnosis", "early"),
        ("Core Biopsy of Suspicious Breast Lesions", "early"),
    ],
)
def test_title_words_that_look_early_but_are_not(title: str, setting: str) -> None:
    assert (
        read("Inclusion Criteria:\n* Adults", title=title, conditions=("Breast Cancer",)).setting
        == setting
    )


def test_a_list_with_an_any_subtype_alternative_limits_no_subtype() -> None:
    criteria = (
        "Inclusion Criteria:\n* Advanced breast cancer not amenable to curative treatment with:\n"
        "  * triple-negative breast cancer\n  * invasive lobular cancer\n"
        "  * late relapse (any subtype)"
    )
    assert read(criteria).subtype_cells is None


def test_not_amenable_to_curative_treatment_does_not_negate_what_follows() -> None:
    reading = read(INC.format("Advanced disease not amenable to curative therapy, HER2-positive"))
    assert reading.subtype_cells == HER2_POSITIVE_CELLS


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        (
            EXC.format("More than 1 prior line of chemotherapy for metastatic disease"),
            {"chemo_lines": (None, 1)},
        ),
        (
            EXC.format("More than one prior endocrine treatment for advanced breast cancer"),
            {"endocrine_lines": (None, 1)},
        ),
        (
            INC.format(
                "Patients who have not received more than 1 line of systemic therapy in the metastatic "
                "setting.\n  Under protocol 4, eligible patients will be limited to X"
            ),
            {"prior_lines": (None, 1)},
        ),
        (
            INC.format("0-1 prior treatment in the metastatic setting (hormone or chemotherapy)"),
            {"prior_lines": (0, 1)},
        ),
        (
            INC.format(
                "Patients may have received one prior chemotherapy regimen for metastatic disease"
            ),
            {"chemo_lines": (None, 1)},
        ),
        (
            INC.format("A maximum of two hormone therapy lines for metastatic disease"),
            {"endocrine_lines": (None, 2)},
        ),
        (
            INC.format(
                "Two or more lines of prior therapy (chemo or hormonal) in the metastatic setting"
            ),
            {"prior_lines": (2, None)},
        ),
        (
            INC.format("No more than 2 prior aromatase inhibitor regimens for advanced disease"),
            {"endocrine_lines": (None, 2)},
        ),
        (
            EXC.format("Up to one line of endocrine therapy for metastatic disease is allowed"),
            {"endocrine_lines": (None, 1)},
        ),
        (INC.format("Anti-HER2 treatment as first-line or not, for metastatic disease"), {}),
        (
            INC.format(
                "HR-positive patients must have received at least one endocrine therapy for "
                "metastatic disease"
            ),
            {},
        ),
        (INC.format("Metastatic disease diagnosed after 08-Jun-2012 with 2 or more sites"), {}),
        (INC.format("Treated in 2012 or later for metastatic disease, at least 3 cycles"), {}),
    ],
)
def test_line_counts_generalize(
    criteria: str, expected: dict[str, tuple[int | None, int | None]]
) -> None:
    assert limits(read(criteria)) == expected


@pytest.mark.parametrize(
    "criterion",
    [
        "Corticosteroid premedication can be dropped after no asthma-like reaction to paclitaxel",
        "HER2-positive patients can be treated with adjuvant therapy containing trastuzumab",
        "Patients may have received adjuvant trastuzumab",
    ],
)
def test_reactions_and_permissions_are_not_required_history(criterion: str) -> None:
    reading = read(INC.format(criterion))
    assert not any(f.startswith("prior:") and expects for f, expects in facts(reading))


def test_only_for_a_part_found_around_the_word_only() -> None:
    from matchers.eligibility import _only_for_part

    assert _only_for_part("Measurable disease only for phase II study")
    assert _only_for_part("Triple-negative disease only (phase II)")
    assert _only_for_part("Cohort B only: HER2-low")
    assert not _only_for_part("Only patients with measurable disease; commonly seen")


@pytest.mark.parametrize(
    "criteria",
    [
        EXC.format("Bone-only disease excluded"),
        EXC.format("Bone metastases as the only site of disease"),
        INC.format("Patients with bone-only disease are not eligible"),
        INC.format(
            "Measurable disease. Patients with bone-only, and/or effusion-only disease are excluded."
        ),
    ],
)
def test_bone_only_disease_turned_away_is_an_exclusion(criteria: str) -> None:
    assert ("bone_only", False) in facts(read(criteria))
    assert ("bone_only", True) not in facts(read(criteria))


def test_a_bracket_after_a_drug_does_not_hide_that_it_is_allowed() -> None:
    reading = read(INC.format("Prior ado-trastuzumab (T-DM1) therapy is allowed."))
    assert ("prior:t-dm1", True) not in facts(reading)
    assert "prior:t-dm1" in allowances(reading)


def test_a_list_of_drugs_shares_the_verb_after_it() -> None:
    reading = read(INC.format("Prior anthracycline, paclitaxel, and trastuzumab are allowed"))
    assert not any(expects for f, expects in facts(reading) if f.startswith("prior:"))


@pytest.mark.parametrize(
    "criterion",
    [
        "Non-measurable lesions are all other lesions, including bony metastases, leptomeningeal "
        "disease, ascites and lesions in the liver",
        "Lesions that are considered non-measurable include the following: leptomeningeal disease",
        "At least one measurable lesion of >= 10 mm for liver lesions and >= 15 mm for lymph nodes",
    ],
)
def test_response_criteria_definitions_name_sites_without_rules(criterion: str) -> None:
    found = {f for f, _ in facts(read(INC.format(criterion)))}
    assert not found & {"leptomeningeal", "bone_mets", "liver_mets", "brain_mets"}


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        (INC.format("Metastatic breast cancer with lytic, sclerotic or mixed bone lesions"), True),
        (INC.format("At least one bone metastasis"), True),
        (INC.format("Breast cancer with at least one cancer-related bone lesion"), True),
        (EXC.format("Patients who do not have at least one bone lesion on plain radiographs"), True),
        (EXC.format("Bone metastases"), False),
        (INC.format("Metastases to lung, liver or bone"), None),
        (INC.format("Measurable disease or bone lesions"), None),
        (INC.format("Patients with bone metastases must have received a bisphosphonate"), None),
        (EXC.format("Symptomatic bone metastases requiring radiotherapy"), None),
        (EXC.format("Patients with bone metastases who initiated denosumab within 30 days"), None),
        (INC.format("Alkaline phosphatase <= 5 x ULN for patients with bone metastases"), None),
        (INC.format("At least one measurable non-bone lesion"), None),
        (INC.format("Radiotherapy to bone metastases must be completed 2 weeks before entry"), None),
        (INC.format("Patients receiving denosumab for bone metastases may continue"), None),
    ],
)
def test_bone_metastases_required_or_excluded(criteria: str, expected: bool | None) -> None:
    bone = {e for f, e in facts(read(criteria)) if f == "bone_mets"}
    assert bone == (set() if expected is None else {expected})


@pytest.mark.parametrize(
    ("title", "conditions", "required"),
    [
        ("Zoledronic Acid in Metastatic Breast Cancer With Bone Lesions", ("Breast Cancer",), True),
        ("Drug X in Breast Cancer", ("Breast Cancer With Bone Metastasis",), True),
        ("Denosumab in Breast Cancer With Bone and Liver Metastases", ("Breast Cancer",), False),
        ("Drug X in Metastatic Breast Cancer", ("Breast Cancer",), False),
    ],
)
def test_a_label_about_bone_metastases_alone_requires_them(
    title: str, conditions: tuple[str, ...], required: bool
) -> None:
    reading = read("Inclusion Criteria:\n* Adults", title=title, conditions=conditions)
    assert (("bone_mets", True) in facts(reading)) is required


def test_a_subtype_tagged_to_one_phase_does_not_limit_the_whole_trial() -> None:
    reading = read(
        "Inclusion Criteria:\n* Metastatic breast cancer\n"
        "* Any ER, PR or HER2 level (positive or negative) acceptable (phase I)\n"
        "* Triple-negative disease only (phase II)"
    )
    by_part = {part.part: part.subtype_cells for part in reading.parts}
    assert by_part["phase 2"] == TRIPLE_NEGATIVE_CELLS
    assert by_part["phase 1"] is None


@pytest.mark.parametrize(
    "criterion",
    [
        "If the patient has one trastuzumab-based treatment in the metastatic setting, it counts as one",
        "If tumor is HER2+, treatment with chemotherapy or HER2-directed therapy per standard of care",
        "Stage IV breast cancer with intent to treat with taxane-based chemotherapy",
        "Patients who received chemotherapy or pertuzumab in the prior 3 weeks",
    ],
)
def test_conditions_plans_and_washouts_require_no_history(criterion: str) -> None:
    assert not any(f.startswith("prior:") for f, _ in facts(read(INC.format(criterion))))


def test_a_washout_in_the_prior_weeks_is_no_exclusion_of_history() -> None:
    criteria = EXC.format("Patients who received chemotherapy or pertuzumab in the prior 3 weeks")
    assert not any(f.startswith("prior:") for f, _ in facts(read(criteria)))


def test_a_reason_given_with_as_is_not_a_rule_about_a_drug() -> None:
    criteria = EXC.format("Chronic hepatitis B, as paclitaxel is potentially hepatotoxic")
    assert not any(f.startswith("prior:") for f, _ in facts(read(criteria)))
    assert ("prior:taxane", True) in facts(read(INC.format("Prior treatment with paclitaxel")))


@pytest.mark.parametrize(
    ("criterion", "setting"),
    [
        ("Diagnosis of invasive breast cancer or DCIS", "unknown"),
        ("Women with a unilateral invasive or noninvasive (DCIS) breast cancer", "unknown"),
        ("Ductal carcinoma in situ", "early"),
        ("DCIS or early invasive breast cancer scheduled for surgery", "early"),
    ],
)
def test_in_situ_beside_invasive_cancer_is_any_breast_cancer(criterion: str, setting: str) -> None:
    assert read(INC.format(criterion), **NEUTRAL).setting == setting


def test_a_title_listing_invasive_and_in_situ_cancer_is_not_early_only() -> None:
    title = (
        "Blood and Tissue Samples in Women With Invasive Breast Cancer, Ductal or Lobular "
        "Carcinoma in Situ"
    )
    assert (
        read("Inclusion Criteria:\n* Adults", title=title, conditions=("Breast Cancer",)).setting
        == "unknown"
    )


def test_rules_for_other_patients_and_prior_to_as_before_are_not_her_history() -> None:
    reading = read(
        INC.format("No prior chemotherapy or hormonal therapy for patients with stage I-III disease")
    )
    assert not any(f.startswith("prior:") for f, _ in facts(reading))
    reading = read(INC.format("Scheduled for biopsy prior to initiation of systemic treatment"))
    assert not any(f.startswith("prior:") for f, _ in facts(reading))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["lung", "liver cancer", "xlung", "lungs", "nsclc", "-lung", "breast", " ", ","]
        ),
        max_size=8,
    )
)
def test_first_letter_grouping_matches_exactly_what_a_leading_boundary_matches(words: list[str]) -> None:
    import re

    from matchers.reader.regex_tools import first_letter_pattern

    pattern = r"\b(?:lung|liver\s+cancer|nsclc|lymphoma)s?\b"
    text = " ".join(words)
    fast = re.compile(first_letter_pattern(pattern))
    assert [m.span() for m in fast.finditer(text)] == [m.span() for m in re.finditer(pattern, text)]
    with pytest.raises(ValueError):
        first_letter_pattern(r"(?:lung)")


def test_a_drug_label_naming_first_line_use_is_no_line_rule() -> None:
    criterion = (
        "Heavily pretreated prior to FDA approval of pertuzumab (08-Jun-2012) for first line "
        "treatment of HER2+ metastatic breast cancer"
    )
    assert limits(read(INC.format(criterion))) == {}
    assert limits(read(INC.format("First-line treatment for metastatic disease"))) == {
        "prior_lines": (0, 0)
    }


def test_no_prior_chemotherapy_beside_a_count_allowing_chemotherapy_is_a_question() -> None:
    reading = read(
        "Inclusion Criteria:\n* Patients with de novo malignancies and no previous chemotherapy\n"
        "* Patients with advanced malignancies who received no more than 2 chemotherapy regimens"
    )
    chemo = [r for r in reading.requirements if r.key == "prior:chemotherapy"]
    assert [(r.expects, r.qualifier) for r in chemo] == [(False, "mixed")]
    plain = read(INC.format("No previous chemotherapy"))
    assert [(r.expects, r.qualifier) for r in plain.requirements] == [(False, "")]


@pytest.mark.parametrize(
    ("criteria", "required"),
    [
        (INC.format("Patient must have stage III IBC or stage IV IBC"), True),
        (INC.format("Metastatic or locally advanced breast cancer (IBC or non-IBC)"), False),
        (INC.format("Patients may have inflammatory breast cancer."), False),
        (INC.format("Inflammatory breast cancer is eligible"), False),
        (EXC.format("Inflammatory breast cancer"), False),
        (INC.format("Non-measurable lesions include inflammatory breast cancer and ascites"), False),
    ],
)
def test_inflammatory_breast_cancer_required(criteria: str, required: bool) -> None:
    assert (("inflammatory", True) in facts(read(criteria))) is required


def test_a_first_line_plan_for_one_group_is_no_line_rule_for_all() -> None:
    criterion = (
        "If tumor is triple-negative, treatment with chemotherapy as per standard of care in the "
        "first-line setting for metastatic disease"
    )
    assert limits(read(INC.format(criterion))) == {}
    criterion = (
        "Initiated 1st line chemotherapy for metastatic disease (hormone options exhausted if HR+)"
    )
    assert limits(read(INC.format(criterion))) == {"chemo_lines": (0, 0)}


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "mtnbc",
                "tnbc",
                "xtnbc",
                "nsai",
                "ais",
                "ai",
                "cdk4/6",
                "cyclin",
                "xcyclin",
                "chemo",
                "neo",
                "adj",
                "<=",
                "3",
                "-",
                "/",
                " ",
                ",",
            ]
        ),
        max_size=10,
    ),
    st.integers(min_value=0, max_value=12),
)
def test_word_start_rewrite_matches_exactly_what_the_pattern_matches(words: list[str], pos: int) -> None:
    import re

    from matchers.reader.regex_tools import word_start_pattern

    pattern = (
        r"\bm?tnbc\b|\b(?:ns)?ais?\b|cyclin\w*|\bcdk\s?4\s?/\s?6|\b(?:chemo|cyto)(?:therapy)?|"
        r"(?<![-/])\b(?:neo)?-?adj|<=\s*\d"
    )
    text = "".join(words)
    fast = re.compile(word_start_pattern(pattern))
    slow = re.compile(pattern)
    assert [m.span() for m in fast.finditer(text)] == [m.span() for m in slow.finditer(text)]
    found, expected = fast.search(text, pos), slow.search(text, pos)
    assert (found and found.span()) == (expected and expected.span())


def test_word_start_rewrite_refuses_what_it_cannot_keep_exact() -> None:
    from matchers.reader.regex_tools import word_start_pattern

    for pattern in (r"(?P<n>\d)", r"\bfoo|[ab]c", r"\b(?:a|b)+c", r"x*y"):
        with pytest.raises(ValueError):
            word_start_pattern(pattern)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "er",
                "ai",
                "pr",
                "men",
                "letrozole",
                "breast",
                "pd-",
                "l1",
                "stage",
                "iv",
                "metastatic",
                " ",
                " ",
                "-",
                "/",
                "(",
                ")",
                "+",
                ",",
                "x",
                "_",
                "é",
            ]
        ),
        max_size=12,
    )
)
def test_trigger_scan_finds_what_a_word_boundary_scan_finds(words: list[str]) -> None:
    import re

    from matchers.reader import triggers as cp
    from matchers.reader.regex_tools import trie_pattern

    text = "".join(words)
    keys = sorted(w for w in cp._TRIGGER_GROUPS if w not in cp._TOKEN_FORMS)
    reference = re.compile(r"\b(?:" + trie_pattern(keys) + r")|" + trie_pattern(sorted(cp._TOKEN_FORMS)))
    literals = {m.group(0) for m in reference.finditer(f" {text} ")}
    groups = set().union(*(cp._TRIGGER_GROUPS[w] for w in literals)) if literals else set()
    assert cp.scan(text) == (groups, literals)


def test_trigger_scan_reads_a_word_right_after_a_short_token() -> None:
    from matchers.reader.triggers import scan

    assert {" ai/", "letrozole"} <= scan("prior ai/letrozole")[1]


def read_with_summary(
    summary: str, criteria: str = INC.format("Metastatic breast cancer")
) -> TrialReading:
    study = make_study(criteria)
    return read_trial_uncached(replace(study, brief_summary=summary))


@pytest.mark.parametrize(
    ("summary", "factor"),
    [
        (
            "This phase 3 trial compares sunitinib with docetaxel, administered as first-line "
            "treatment, in patients with metastatic breast cancer.",
            "prior_lines",
        ),
        (
            "The purpose is to compare X and docetaxel with docetaxel alone in patients who have not "
            "received prior chemotherapy for metastatic breast cancer.",
            "chemo_lines",
        ),
    ],
)
def test_a_first_line_summary_counts_like_the_title(summary: str, factor: str) -> None:
    reading = read_with_summary(summary)
    assert limits(reading)[factor] == (None, 0)
    assert all(limit.quote in summary or limit.quote.startswith("…") for limit in reading.limits)


@pytest.mark.parametrize(
    "summary",
    [
        "Patients whose metastatic cancer progressed after first-line therapy receive drug X.",
        "Drug X as maintenance therapy after induction in previously untreated advanced breast cancer.",
        "Taxanes are the standard first-line treatment of metastatic breast cancer. We test drug Y.",
        "Women who have not received adjuvant chemotherapy for early breast cancer are eligible.",
    ],
)
def test_a_summary_telling_a_history_or_a_sequence_sets_no_line_limit(summary: str) -> None:
    assert not {"prior_lines", "chemo_lines"} & set(limits(read_with_summary(summary)))


def test_a_line_limit_in_the_criteria_wins_over_the_summary() -> None:
    summary = "Drug X given as first-line treatment for metastatic breast cancer."
    criteria = INC.format("No more than 2 prior chemotherapy regimens for metastatic disease")
    assert limits(read_with_summary(summary, criteria)) == {"chemo_lines": (None, 2)}


@pytest.mark.parametrize(
    ("criterion", "limited"),
    [
        ("Newly diagnosed stage I-IV breast cancer", True),
        ("Initial diagnosis of Stage I, II, III or IV invasive breast cancer", True),
        ("Patients with recently diagnosed metastatic breast cancer", True),
        ("Newly diagnosed brain metastases from breast cancer", False),
        ("Newly diagnosed or recurrent metastatic breast cancer", False),
        ("Initially diagnosed with breast cancer in 2003 or later", False),
        ("Patients with newly diagnosed non-small cell lung cancer (NSCLC)", False),
    ],
)
def test_a_study_of_newly_diagnosed_cancer_is_not_for_pretreated_disease(
    criterion: str, limited: bool
) -> None:
    assert (limits(read(INC.format(criterion))).get("prior_lines") == (None, 0)) is limited


@pytest.mark.parametrize(
    ("criterion", "detail"),
    [
        ("Primary confirmed distant metastatic breast cancer (M1)", "de_novo"),
        ("De novo stage IV breast cancer with an intact primary tumour", "de_novo"),
        ("Metastatic disease at initial diagnosis", "de_novo"),
        ("Stage IV breast cancer with stable disease (scans within the past 2 months)", "stable"),
        ("Complete response, partial response or stable disease after 6 cycles of induction", "stable"),
        ("De novo or recurrent metastatic breast cancer", None),
        ("Brain metastases must be stable for 4 weeks", None),
    ],
)
def test_disease_states_no_profile_records(criterion: str, detail: str | None) -> None:
    found = {
        r.qualifier for r in read(INC.format(criterion)).requirements if r.factor == "disease_state"
    }
    assert found == ({detail} if detail else set())


def test_a_carve_out_in_an_inclusion_leaves_the_drug_out() -> None:
    criterion = "Prior investigational agents are allowed, with the exception of anti-HER-2 therapy"
    assert ("prior:her2-directed", False) in facts(read(INC.format(criterion)))


def test_an_exception_to_a_negated_inclusion_lets_the_drug_back_in() -> None:
    reading = read(INC.format("No other prior hormonal agent (except tamoxifen)"))
    assert "prior:tamoxifen" in allowances(reading)
    assert ("prior:tamoxifen", False) not in facts(reading)


def test_a_pan_tumour_trial_leaving_out_one_breast_subtype_still_takes_breast_cancer() -> None:
    reading = read(
        INC.format("Advanced solid tumors, excluding HER2-positive breast cancer"),
        title="Drug X in Advanced Solid Tumors",
        conditions=("Solid Tumor",),
    )
    assert reading.scope == "solid_tumor"
    assert reading.subtype_cells == HER2_NEGATIVE_CELLS


@pytest.mark.parametrize(
    "count",
    ["A maximum of 2", "Up to 2", "No more than 2", "At most 2", "Max. 2", "2 or fewer"],
)
def test_every_at_most_wording_reads_alike_in_inclusion_and_exclusion(count: str) -> None:
    """One comparator table serves both sections: an exclusion of "at most 2 prior lines" turns
    away 0-2 lines (it needs 3 or more), whatever the words for "at most"."""
    criterion = f"{count} prior lines of chemotherapy for metastatic disease"
    assert limits(read(INC.format(criterion)))["chemo_lines"] == (None, 2)
    # ... except one that opens with "No more than": listed among the exclusions, it is still the
    # trial's cap (real records write their rules there), not a call for 3 or more
    excluded = (None, 2) if count.startswith("No more") else (3, None)
    assert limits(read(EXC.format(criterion)))["chemo_lines"] == excluded
