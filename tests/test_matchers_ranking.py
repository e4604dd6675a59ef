"""Ranking order rules, determinism, score consistency and the CLI JSON contract."""

from __future__ import annotations

import json
import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from data.models import Study
from matchers.profile import PatientProfile
from matchers.ranking import match_to_dict, rank_trials
from matchers.reading_cache import ReadingCache
from matchers.verdict import VERDICT_RANK

BOSTON = (42.36, -71.06)


def trial(
    nct_id: str,
    criteria: str,
    *,
    title: str = "Drug X in Metastatic Breast Cancer",
    phases: tuple[str, ...] = ("PHASE2",),
    sites: tuple[tuple[float, float], ...] = (),
    conditions: tuple[str, ...] = ("Breast Cancer",),
) -> Study:
    raw: dict[str, Any] = {
        "protocolSection": {
            "identificationModule": {"nctId": nct_id, "briefTitle": title},
            "statusModule": {"overallStatus": "RECRUITING"},
            "designModule": {"phases": list(phases)},
            "conditionsModule": {"conditions": list(conditions)},
            "eligibilityModule": {"eligibilityCriteria": criteria, "sex": "ALL"},
            "contactsLocationsModule": {
                "locations": [
                    {
                        "facility": f"Site {i}",
                        "status": "RECRUITING",
                        "city": "Town",
                        "geoPoint": {"lat": lat, "lon": lon},
                    }
                    for i, (lat, lon) in enumerate(sites)
                ]
            },
        }
    }
    return Study.from_api(raw)


PATIENT = PatientProfile("her2-positive", ("brain", "liver"), brain_mets="stable", prior_lines=1)
STUDIES = [
    trial("NCT00000010", "Inclusion Criteria:\n* Metastatic breast cancer"),
    trial("NCT00000011", "Inclusion Criteria:\n* HER2-positive metastatic breast cancer"),
    trial("NCT00000012", "Inclusion Criteria:\n* HER2-negative metastatic breast cancer"),
    trial("NCT00000013", "Inclusion Criteria:\n* Documented PIK3CA mutation"),
    trial(
        "NCT00000014",
        "Inclusion Criteria:\n* Stage II-III",
        title="Adjuvant Drug in Early Breast Cancer",
    ),
    trial("NCT00000015", "Inclusion Criteria:\n* 1 to 3 brain metastases"),
]


def test_verdict_order_then_fit() -> None:
    ranked = rank_trials(PATIENT, STUDIES, cache=ReadingCache())
    order = [m.nct_id for m in ranked]
    verdicts = [m.verdict for m in ranked]
    assert [VERDICT_RANK[v] for v in verdicts] == sorted(
        (VERDICT_RANK[v] for v in verdicts), reverse=True
    )
    assert verdicts[-1] == "not_relevant" and order[-1] == "NCT00000014"
    assert ranked[-2].nct_id == "NCT00000012" and ranked[-2].verdict == "likely_excluded"
    likely = [m.nct_id for m in ranked if m.verdict == "likely_eligible"]
    assert likely.index("NCT00000011") < likely.index("NCT00000010")  # her subtype above all-comers
    assert likely.index("NCT00000015") < likely.index("NCT00000010")  # brain trial raised for her
    assert [m.rank for m in ranked] == list(range(1, len(ranked) + 1))


def test_nearest_site_then_phase_break_ties() -> None:
    criteria = "Inclusion Criteria:\n* Metastatic breast cancer"
    studies = [
        trial("NCT00000020", criteria, sites=((40.71, -74.0),)),
        trial("NCT00000021", criteria, sites=((42.35, -71.05),)),
        trial("NCT00000022", criteria, sites=((40.71, -74.0),), phases=("PHASE3",)),
        trial("NCT00000023", criteria),
    ]
    ranked = rank_trials(PATIENT, studies, BOSTON, cache=ReadingCache())
    assert [m.nct_id for m in ranked] == ["NCT00000021", "NCT00000022", "NCT00000020", "NCT00000023"]
    assert ranked[0].distance_miles is not None and ranked[0].distance_miles < 5
    assert ranked[-1].distance_miles is None


def test_ties_break_by_nct_id_and_order_is_deterministic() -> None:
    criteria = "Inclusion Criteria:\n* Metastatic breast cancer"
    studies = [trial(f"NCT0000003{i}", criteria) for i in range(5)]
    expected = [m.nct_id for m in rank_trials(PATIENT, studies, cache=ReadingCache())]
    assert expected == sorted(expected)
    for seed in range(5):
        shuffled = studies[:]
        random.Random(seed).shuffle(shuffled)
        assert [m.nct_id for m in rank_trials(PATIENT, shuffled, cache=ReadingCache())] == expected


def test_score_is_consistent_with_rank() -> None:
    ranked = rank_trials(PATIENT, STUDIES, BOSTON, cache=ReadingCache())
    scores = [m.score for m in ranked]
    assert scores == sorted(scores, reverse=True)


def test_rerank_after_profile_change_reuses_readings() -> None:
    cache = ReadingCache()
    rank_trials(PATIENT, STUDIES, cache=cache)
    assert cache.misses == len(STUDIES)
    changed = PatientProfile("triple-negative", ("lung",), prior_lines=3)
    ranked = rank_trials(changed, STUDIES, cache=cache)
    assert cache.misses == len(STUDIES) and cache.hits == len(STUDIES)
    assert next(m for m in ranked if m.nct_id == "NCT00000011").verdict == "likely_excluded"


def test_match_to_dict_contract() -> None:
    ranked = rank_trials(PATIENT, STUDIES, BOSTON, cache=ReadingCache())
    data = match_to_dict(ranked[0])
    for key in (
        "nctId",
        "rank",
        "verdict",
        "score",
        "reasons",
        "concerns",
        "questions",
        "title",
        "phase",
        "status",
        "nearestSite",
        "distanceMiles",
        "url",
    ):
        assert key in data
    assert data["rank"] == 1 and data["url"].endswith(data["nctId"])
    assert all(isinstance(r, str) for r in data["reasons"] + data["concerns"] + data["questions"])
    json.dumps([match_to_dict(m) for m in ranked])


_CRITERIA_WORDS = st.sampled_from(
    [
        "Inclusion Criteria:",
        "Exclusion Criteria:",
        "\n* ",
        "HER2-positive",
        "no",
        "prior",
        "CDK4/6",
        "brain",
        "metastases",
        "unless",
        "treated",
        "ECOG",
        "0-1",
        "≤ 2 lines",
        "postmenopausal",
        "PIK3CA mutation",
        ".",
    ]
)


@settings(max_examples=100, deadline=None)
@given(st.lists(_CRITERIA_WORDS, max_size=40), st.sampled_from(["FEMALE", "MALE", "ALL", None]))
def test_ranking_never_raises_on_generated_trials(words: list[str], sex: str | None) -> None:
    studies = [
        trial(f"NCT0000005{i}", " ".join(words[i:]), sites=((42.0 + i, -71.0),)) for i in range(3)
    ]
    studies.append(Study.from_api({"protocolSection": {"eligibilityModule": {"sex": sex}}}))
    ranked = rank_trials(PatientProfile("unknown", ("other",), sex="male", age=70), studies, BOSTON)
    assert [m.rank for m in ranked] == [1, 2, 3, 4]
    json.dumps([match_to_dict(m) for m in ranked])


def test_fewer_open_questions_rank_first_among_possibly_eligible() -> None:
    one = trial("NCT00000031", "Inclusion Criteria:\n* Measurable disease per RECIST 1.1")
    three = trial(
        "NCT00000030",
        "Inclusion Criteria:\n* Measurable disease per RECIST 1.1\n* Documented PIK3CA mutation\n"
        "* Documented ESR1 mutation",
    )
    ranked = rank_trials(PATIENT, [three, one])
    assert [m.verdict for m in ranked] == ["possibly_eligible", "possibly_eligible"]
    assert [m.nct_id for m in ranked] == ["NCT00000031", "NCT00000030"]


def test_a_trial_for_her_subtype_ranks_above_a_pan_tumor_trial() -> None:
    pan_tumor = trial(
        "NCT00000040",
        "Inclusion Criteria:\n* Advanced solid tumor refractory to standard therapy",
        title="Drug Y in Advanced Solid Tumors",
        conditions=("Advanced Solid Tumor",),
    )
    her2 = trial("NCT00000041", "Inclusion Criteria:\n* HER2-positive metastatic breast cancer")
    ranked = rank_trials(PATIENT, [pan_tumor, her2])
    assert "several kinds of advanced cancer" in str(ranked[1].reasons[0])
    assert [m.verdict for m in ranked] == ["likely_eligible", "likely_eligible"]
    assert [m.nct_id for m in ranked] == ["NCT00000041", "NCT00000040"]


def _designed(study: Study, **design: Any) -> Study:
    from dataclasses import replace

    return replace(study, **design)


TNBC_BRAIN = PatientProfile("triple-negative", ("brain",), brain_mets="stable")


def test_a_treatment_trial_ranks_above_a_records_only_study_of_the_same_verdict() -> None:
    criteria = "Inclusion Criteria:\n* Triple-negative metastatic breast cancer with brain metastases"
    retrospective = _designed(
        trial(
            "NCT00000060",
            criteria,
            title="Outcomes of Triple-Negative Breast Cancer With Brain Metastases",
            phases=(),
            sites=((-32.95, -60.65),),  # Rosario, Argentina
        ),
        study_type="OBSERVATIONAL",
        time_perspective="RETROSPECTIVE",
    )
    radiosurgery = _designed(
        trial("NCT00000061", criteria, title="Radiosurgery for Brain Metastases", phases=("NA",)),
        study_type="INTERVENTIONAL",
    )
    registry = _designed(
        trial("NCT00000062", criteria, title="A Registry of Metastatic Breast Cancer Care", phases=()),
        study_type="OBSERVATIONAL",
        time_perspective="PROSPECTIVE",
    )
    prospective = _designed(
        trial("NCT00000063", criteria, title="Blood Samples During Treatment", phases=()),
        study_type="OBSERVATIONAL",
        time_perspective="PROSPECTIVE",
    )
    ranked = rank_trials(TNBC_BRAIN, [retrospective, registry, prospective, radiosurgery])
    assert len({m.verdict for m in ranked}) == 1, [m.verdict for m in ranked]
    order = [m.nct_id for m in ranked]
    assert set(order[:2]) == {"NCT00000061", "NCT00000063"}  # studies that enrol people...
    assert order[2:] == ["NCT00000060", "NCT00000062"]  # ...before records-only ones
    assert [m.score for m in ranked] == sorted((m.score for m in ranked), reverse=True)


def test_the_verdict_still_comes_first() -> None:
    excluded_trial = _designed(
        trial("NCT00000070", "Exclusion Criteria:\n* Brain metastases", title="Drug Z in MBC"),
        study_type="INTERVENTIONAL",
    )
    records = _designed(
        trial("NCT00000071", "Inclusion Criteria:\n* Metastatic breast cancer"),
        study_type="OBSERVATIONAL",
        time_perspective="RETROSPECTIVE",
    )
    ranked = rank_trials(TNBC_BRAIN, [excluded_trial, records])
    assert [m.nct_id for m in ranked] == ["NCT00000071", "NCT00000070"]
    assert ranked[1].verdict == "likely_excluded"


def test_with_a_zip_code_nearer_ranks_before_farther_even_against_more_fit() -> None:
    near_all_comers = trial(
        "NCT00000080", "Inclusion Criteria:\n* Metastatic breast cancer", sites=((42.35, -71.05),)
    )
    far_her2 = trial(
        "NCT00000081",
        "Inclusion Criteria:\n* HER2-positive metastatic breast cancer",
        sites=((34.05, -118.24),),  # Los Angeles
    )
    with_zip = rank_trials(PATIENT, [far_her2, near_all_comers], BOSTON, cache=ReadingCache())
    assert [m.nct_id for m in with_zip] == ["NCT00000080", "NCT00000081"]
    without_zip = rank_trials(PATIENT, [far_her2, near_all_comers], cache=ReadingCache())
    assert [m.nct_id for m in without_zip] == ["NCT00000081", "NCT00000080"]  # fit decides then


def test_distance_bands() -> None:
    from matchers.ranking import distance_band

    assert [distance_band(m) for m in (0, 25, 26, 99, 300, 999, 5000, None)] == [0, 0, 1, 2, 4, 5, 6, 7]
