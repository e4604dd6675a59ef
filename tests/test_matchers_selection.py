"""Selection: each profile sees only the therapies that fit its subtype, the symptoms of its sites,
and questions built from what it does not say; every piece cites a section of the guide."""

from __future__ import annotations

import json
import pickle
from collections.abc import Iterator
from dataclasses import fields, is_dataclass, replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data.knowledge import KNOWN_SUBTYPES, load_knowledge
from matchers.guidance_text import format_guidance_text
from matchers.profile import BIOMARKERS, BRAIN_METS_STATUSES, SITES, SUBTYPES, PatientProfile
from matchers.selection import (
    Citation,
    Guidance,
    TherapyCard,
    guidance_to_dict,
    select_guidance,
)

KB = load_knowledge()
PIK3CA_QUESTION = "Ask whether your tumor was tested for a PIK3CA mutation."


def guide(subtype: str, sites: tuple[str, ...] = ("bone",), **details: object) -> Guidance:
    return select_guidance(PatientProfile(subtype, sites, **details), KB)  # type: ignore[arg-type]


def card_ids(g: Guidance) -> list[str]:
    return [c.id for c in g.therapy_cards]


def card(g: Guidance, card_id: str) -> TherapyCard:
    return next(c for c in g.therapy_cards if c.id == card_id)


def question_ids(g: Guidance) -> list[str]:
    return [q.id for q in g.questions]


def citations(value: object) -> Iterator[Citation]:
    """Every citation anywhere inside the guidance, found by walking the dataclass tree."""
    if isinstance(value, Citation):
        yield value
    elif is_dataclass(value) and not isinstance(value, type):
        for f in fields(value):
            yield from citations(getattr(value, f.name))
    elif isinstance(value, tuple):
        for item in value:
            yield from citations(item)


def sourced_parts(g: Guidance) -> Iterator[object]:
    """Every card, note, site list and question: the things that must each carry a source."""
    yield from g.therapy_cards
    yield from (q for c in g.therapy_cards for q in c.ask)
    yield g.biology_note
    yield from (g.brain_note,) if g.brain_note else ()
    yield from (g.subtype_guidance, g.subtype_guidance.question) if g.subtype_guidance else ()
    yield from g.treatment_notes
    yield from g.symptoms
    yield from g.symptom_notes
    yield from (g.two_week_rule, g.when_to_call)
    yield from g.diagnosis
    yield from g.monitoring
    yield from g.questions
    yield from g.trials_explained
    yield from g.document_resources
    yield from g.basics


# --- subtypes ------------------------------------------------------------------------------------


@pytest.mark.parametrize("subtype", SUBTYPES)
def test_every_card_fits_the_subtype(subtype: str) -> None:
    g = guide(subtype)
    assert g.therapy_cards
    for c in g.therapy_cards:
        assert subtype == "unknown" or subtype in c.subtypes, c.id
        assert c.why, c.id


@pytest.mark.parametrize(
    ("subtype", "expected"),
    [
        ("hr-positive", ["cdk46-endocrine", "alpelisib-pik3ca"]),
        ("her2-positive", ["taxane-her2-antibodies"]),
        ("triple-negative", ["immunotherapy-chemo-pdl1"]),
        (
            "unknown",
            [
                "cdk46-endocrine",
                "alpelisib-pik3ca",
                "taxane-her2-antibodies",
                "immunotherapy-chemo-pdl1",
            ],
        ),
    ],
)
def test_cards_per_subtype(subtype: str, expected: list[str]) -> None:
    assert card_ids(guide(subtype)) == expected


def test_her2_positive_with_brain_shows_both_antibodies_and_the_radiation_note() -> None:
    g = guide("her2-positive", ("brain", "lung"))
    text = " ".join(f"{c.title} {c.summary}" for c in g.therapy_cards)
    for word in ("trastuzumab", "Herceptin", "pertuzumab", "Perjeta", "taxane"):
        assert word in text
    assert g.brain_note is not None
    assert "radiation" in g.brain_note.text and "blood-brain barrier" in g.brain_note.text
    assert g.brain_note.source.section == "Treatments"
    assert "ask-brain-plan" in question_ids(g)


def test_her2_positive_asks_about_hormone_receptor_only_when_not_given() -> None:
    unknown_hr = card(guide("her2-positive"), "taxane-her2-antibodies")
    assert [q.id for q in unknown_hr.ask] == ["ask-hormone-receptor"]
    assert "hormone receptors" in unknown_hr.ask[0].text
    assert "ask-hormone-receptor" in question_ids(guide("her2-positive"))
    for hr in ("positive", "negative"):
        g = guide("her2-positive", hormone_receptor=hr)
        assert card(g, "taxane-her2-antibodies").ask == ()
        assert "ask-hormone-receptor" not in question_ids(g)


def test_triple_negative_shows_pdl1_immunotherapy_and_no_cdk46() -> None:
    g = guide("triple-negative", ("liver",))
    assert "cdk46-endocrine" not in card_ids(g)
    assert not any("CDK4/6" in c.title or "CDK4/6" in c.summary for c in g.therapy_cards)
    immuno = card(g, "immunotherapy-chemo-pdl1")
    assert "PD-L1" in immuno.title and "chemotherapy" in immuno.summary and "2019" in immuno.summary
    assert [q.id for q in immuno.ask] == ["ask-pdl1-test"]
    assert "PD-L1" in immuno.ask[0].text
    assert "ask-pdl1-test" in question_ids(g)


def test_triple_negative_with_pdl1_says_why_and_asks_nothing_about_it() -> None:
    unknown = card(guide("triple-negative"), "immunotherapy-chemo-pdl1")
    listed = card(guide("triple-negative", biomarkers=("pd-l1",)), "immunotherapy-chemo-pdl1")
    assert listed.ask == ()
    assert listed.why != unknown.why
    assert any("tested positive for PD-L1" in w for w in listed.why)
    assert "Your cancer is triple-negative." in listed.why


def test_hr_positive_shows_cdk46_and_alpelisib_and_asks_about_pik3ca_when_unknown() -> None:
    g = guide("hr-positive")
    cdk = card(g, "cdk46-endocrine")
    assert "CDK4/6" in cdk.title and "endocrine" in cdk.title.lower()
    assert cdk.why == ("Your cancer has hormone receptors.",)
    alpelisib = card(g, "alpelisib-pik3ca")
    assert "Piqray" in alpelisib.title and "PI3-kinase" in alpelisib.summary
    assert [q.text for q in alpelisib.ask] == [PIK3CA_QUESTION]
    assert any("does not list" in w for w in alpelisib.why)
    assert PIK3CA_QUESTION in [q.text for q in g.questions]


def test_hr_positive_with_pik3ca_explains_why_alpelisib_applies() -> None:
    unknown = card(guide("hr-positive"), "alpelisib-pik3ca")
    g = guide("hr-positive", biomarkers=("pik3ca",))
    listed = card(g, "alpelisib-pik3ca")
    assert listed.ask == ()
    assert listed.why != unknown.why
    assert any("lists a PIK3CA mutation" in w and "alpelisib" in w for w in listed.why)
    assert PIK3CA_QUESTION not in [q.text for q in g.questions]


def test_other_biomarkers_do_not_count_as_pik3ca() -> None:
    alpelisib = card(guide("hr-positive", biomarkers=("esr1", "brca")), "alpelisib-pik3ca")
    assert [q.text for q in alpelisib.ask] == [PIK3CA_QUESTION]


def test_unknown_subtype_shows_all_three_and_asks_which_subtype() -> None:
    g = guide("unknown")
    assert {s for c in g.therapy_cards for s in c.subtypes} == set(KNOWN_SUBTYPES)
    assert g.subtype_guidance is not None
    assert "Ask your care team which subtype" in g.subtype_guidance.text
    assert "biology" in g.subtype_guidance.why_it_matters
    assert g.subtype_guidance.subtypes == (
        "Hormone-receptor-positive",
        "HER2-positive",
        "Triple-negative",
    )
    assert g.subtype_guidance.question.id == "ask-subtype"
    assert question_ids(g)[0] == "ask-subtype"
    for c in g.therapy_cards:
        assert any("only if your cancer" in w for w in c.why), c.id
    assert "ask-pik3ca-test" not in question_ids(g)


@pytest.mark.parametrize("subtype", ["hr-positive", "her2-positive", "triple-negative"])
def test_known_subtype_has_no_subtype_guidance(subtype: str) -> None:
    g = guide(subtype)
    assert g.subtype_guidance is None
    assert "ask-subtype" not in question_ids(g)


def test_prior_therapy_adds_a_why_and_a_question_to_its_own_card_only() -> None:
    g = guide("hr-positive", prior_therapies=("cdk4/6-inhibitor",))
    cdk = card(g, "cdk46-endocrine")
    assert any("past treatments" in w and "CDK4/6" in w for w in cdk.why)
    assert "ask-already-had" in [q.id for q in cdk.ask]
    assert "ask-already-had" not in [q.id for q in card(g, "alpelisib-pik3ca").ask]
    assert "ask-already-had" in question_ids(g)
    assert "ask-already-had" not in question_ids(guide("hr-positive"))


# --- sites ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("site", SITES)
def test_each_site_gets_its_symptom_list_or_an_honest_note(site: str) -> None:
    g = guide("hr-positive", (site,))
    assert [s.site for s in g.symptoms] == [site]
    entry = g.symptoms[0]
    assert entry.source.section == "What are the signs and symptoms of metastatic breast cancer?"
    if site in ("lymph-nodes", "other"):
        assert entry.symptoms == ()
        assert entry.note is not None
        assert "does not list specific symptoms" in entry.note and "two weeks" in entry.note
        assert f"ask-{'lymph-node' if site == 'lymph-nodes' else 'other-site'}-symptoms" in question_ids(
            g
        )
    else:
        assert len(entry.symptoms) >= 3
        assert entry.note is None
    assert "two weeks" in g.two_week_rule.text
    assert "oncologist" in g.when_to_call.text
    assert any("other health problems" in n.text for n in g.symptom_notes)


@pytest.mark.parametrize(
    ("site", "expected"),
    [
        ("lung", "Coughing up blood"),
        ("bone", "Several broken bones (fractures)"),
        ("brain", "Seizures"),
        ("liver", "Yellow skin or yellow whites of the eyes (jaundice)"),
    ],
)
def test_site_symptoms_hold_the_guides_items(site: str, expected: str) -> None:
    assert expected in guide("triple-negative", (site,)).symptoms[0].symptoms


def test_symptoms_follow_the_profile_sites_in_vocabulary_order() -> None:
    g = guide("hr-positive", ("other", "liver", "lung"))
    assert [s.site for s in g.symptoms] == ["lung", "liver", "other"]


@pytest.mark.parametrize("site", [s for s in SITES if s != "brain"])
def test_brain_note_appears_only_with_brain(site: str) -> None:
    assert guide("her2-positive", (site,)).brain_note is None
    assert guide("her2-positive", (site, "brain")).brain_note is not None


def test_brain_status_question_only_when_status_not_given() -> None:
    assert "ask-brain-status" in question_ids(guide("triple-negative", ("brain",)))
    stable = guide("triple-negative", ("brain",), brain_mets="stable")
    assert "ask-brain-status" not in question_ids(stable)
    assert "ask-brain-plan" in question_ids(stable)
    no_brain = guide("triple-negative", ("bone",))
    assert not {"ask-brain-status", "ask-brain-plan"} & set(question_ids(no_brain))


# --- notes, questions, sources -------------------------------------------------------------------


def test_biology_monitoring_trials_and_resources_are_always_there() -> None:
    g = guide("hr-positive")
    assert "biology" in g.biology_note.text
    monitoring = " ".join(n.text for n in g.monitoring)
    assert "every 2 to 3 months" in monitoring
    assert "stable or getting smaller" in monitoring and "new places" in monitoring
    assert "new line of treatment" in monitoring
    diagnosis = {n.id: n for n in g.diagnosis}
    assert {"scans", "biopsy", "dna-testing"} <= set(diagnosis)
    assert "about a week" in diagnosis["biopsy"].text
    assert "clinical trials" in diagnosis["dna-testing"].text
    assert any("personal" in n.text for n in g.trials_explained)
    assert any("any age" in n.text for n in g.trials_explained)
    assert any("EMBRACE" in n.text for n in g.document_resources)
    assert any("support groups" in n.text and "money" in n.text for n in g.document_resources)


def test_dna_testing_question_only_when_no_biomarker_is_listed() -> None:
    assert "ask-dna-testing" in question_ids(guide("hr-positive"))
    assert "ask-dna-testing" not in question_ids(guide("hr-positive", biomarkers=("esr1",)))


def test_general_questions_close_the_list() -> None:
    ids = question_ids(guide("hr-positive", biomarkers=("pik3ca",)))
    assert ids[-5:] == ["ask-symptoms", "ask-scans", "ask-next-line", "ask-trials", "ask-support"]


@pytest.mark.parametrize("subtype", SUBTYPES)
@pytest.mark.parametrize("sites", [("lung",), ("bone", "liver"), ("brain", "lymph-nodes", "other")])
def test_every_part_cites_a_section_of_the_guide(subtype: str, sites: tuple[str, ...]) -> None:
    g = guide(subtype, sites)
    parts = list(sourced_parts(g))
    for part in parts:
        source = getattr(part, "source", None)
        assert isinstance(source, Citation), part
        assert source.section in KB.source.sections, part
        assert source.document == KB.source.title
    found = list(citations(g))
    assert len(found) >= len(parts)
    assert {c.section for c in found} <= set(KB.source.sections)


def test_questions_are_unique() -> None:
    g = guide("her2-positive", ("brain", "lymph-nodes", "other"), prior_therapies=("trastuzumab",))
    assert len(question_ids(g)) == len(set(question_ids(g)))


# --- renderings ----------------------------------------------------------------------------------


def test_guidance_to_dict_is_json_ready_and_keeps_field_names() -> None:
    g = guide("her2-positive", ("brain", "lung"))
    data = guidance_to_dict(g)
    assert json.loads(json.dumps(data)) == data
    assert data["subtype"] == "her2-positive" and data["sites"] == ["lung", "brain"]
    first = data["therapy_cards"][0]
    assert set(first) == {"id", "title", "summary", "subtypes", "why", "ask", "source", "since"}
    assert first["source"] == {"section": "Advances in treatment", "document": KB.source.title}
    assert data["brain_note"]["id"] == "brain-exception"
    assert data["subtype_guidance"] is None
    assert [q["id"] for q in data["questions"]] == question_ids(g)


def test_text_rendering_holds_cards_symptoms_questions_and_sources() -> None:
    g = guide("her2-positive", ("brain", "lymph-nodes"))
    text = format_guidance_text(g)
    assert g.therapy_cards[0].title in text
    assert "trastuzumab (Herceptin)" in text
    for symptom in g.symptoms[0].symptoms:
        assert f"- {symptom}" in text
    assert "does not list specific symptoms" in text
    for number, q in enumerate(g.questions, start=1):
        assert f"{number}. {q.text.split()[0]}" in text
    assert 'Source: section "Treatments"' in text
    assert g.disclaimer.split(".")[0] in text.replace("\n", " ")
    assert all(len(line) <= 88 for line in text.splitlines() if not line.strip().startswith("https://"))


def test_text_rendering_of_unknown_subtype_leads_with_finding_it_out() -> None:
    text = format_guidance_text(guide("unknown", ("liver",)))
    assert text.index("Your subtype is not known yet") < text.index("Hormonal (endocrine) therapy")
    assert "Why it matters:" in text


# --- properties ----------------------------------------------------------------------------------


@st.composite
def profiles(draw: st.DrawFn) -> PatientProfile:
    subtype = draw(st.sampled_from(SUBTYPES))
    sites = tuple(draw(st.lists(st.sampled_from(SITES), min_size=1, max_size=6, unique=True)))
    brain = draw(st.sampled_from((None, *BRAIN_METS_STATUSES[1:]))) if "brain" in sites else None
    return PatientProfile(
        subtype=subtype,
        sites=sites,
        hormone_receptor=draw(st.sampled_from((None, "positive", "negative")))
        if subtype == "her2-positive"
        else None,
        biomarkers=tuple(draw(st.lists(st.sampled_from(BIOMARKERS), unique=True))),
        brain_mets=brain,
    )


@settings(max_examples=150, deadline=None)
@given(profiles())
def test_any_profile_gets_fitting_cited_guidance(profile: PatientProfile) -> None:
    g = select_guidance(profile, KB)
    for c in g.therapy_cards:
        assert profile.subtype == "unknown" or profile.subtype in c.subtypes
        if c.id == "cdk46-endocrine":
            assert profile.subtype in ("hr-positive", "unknown")
    assert [s.site for s in g.symptoms] == list(profile.sites)
    assert (g.brain_note is not None) == ("brain" in profile.sites)
    assert (g.subtype_guidance is not None) == (profile.subtype == "unknown")
    assert {c.section for c in citations(g)} <= set(KB.source.sections)
    assert len(question_ids(g)) == len(set(question_ids(g)))
    guidance_to_dict(g)
    format_guidance_text(g)


def test_selection_does_not_change_the_profile() -> None:
    profile = PatientProfile("hr-positive", ("bone",), biomarkers=("pik3ca",))
    before = replace(profile)
    select_guidance(profile, KB)
    assert profile == before


def test_guidance_and_knowledge_survive_pickling_for_streamlit_caches() -> None:
    g = guide("unknown", ("brain", "other"))
    assert pickle.loads(pickle.dumps(g)) == g
    assert pickle.loads(pickle.dumps(KB)) == KB
    assert hash(KB) == hash(load_knowledge())
