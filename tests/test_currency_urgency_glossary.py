"""What changed since the guide, when to get help, words explained, the plain trial summary and the
readability goal: each is chosen for the profile and cites a dated source."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from bench.bench_readability import ENTRY_GOAL, MEAN_GOAL, entries
from dashboard import cli
from data.knowledge import DEFAULT_DIRECTORY, KnowledgeError, load_knowledge
from data.models import Study
from matchers.glossary import PHASE_TERMS, VERDICT_TERMS, entry, glossary
from matchers.profile import PatientProfile
from matchers.public_sources import PublicCitation
from matchers.selection import select_guidance
from matchers.trial_summary import PLACEBO_WORDS, plain_summary
from matchers.verdict import VERDICTS

KB = load_knowledge()


def test_triple_negative_card_says_the_approval_was_withdrawn_and_pembrolizumab_came_since() -> None:
    g = select_guidance(PatientProfile("triple-negative", ("lung",)), KB)
    card = g.therapy_cards[0]
    notes = " ".join(n.text for n in card.since)
    assert "withdrew" in notes and "August 2021" in notes
    assert "pembrolizumab" in notes and "10 or more" in notes
    for note in card.since:
        assert all(isinstance(s, PublicCitation) and s.url.startswith("https://") for s in note.sources)
    # the guide's own words stay the guide's
    assert "In 2019 the FDA approved the first immunotherapy" in card.summary
    assert g.document.written == "about 2019–2020"


@pytest.mark.parametrize(
    ("subtype", "biomarkers", "first", "absent"),
    [
        ("hr-positive", ("esr1",), "elacestrant-esr1", "pembrolizumab-tnbc"),
        ("hr-positive", ("pik3ca",), "capivasertib-pik3ca", "sacituzumab-tnbc"),
        ("triple-negative", ("brca",), "olaparib-brca", "elacestrant-esr1"),
        ("triple-negative", ("her2-low",), "trastuzumab-deruxtecan-her2-low", "capivasertib-pik3ca"),
        ("her2-positive", (), "trastuzumab-deruxtecan-her2-positive", "olaparib-brca"),
    ],
)
def test_newer_approvals_follow_subtype_and_a_listed_biomarker_comes_first(
    subtype: str, biomarkers: tuple[str, ...], first: str, absent: str
) -> None:
    g = select_guidance(PatientProfile(subtype, ("bone",), biomarkers=biomarkers), KB)
    ids = [a.id for a in g.newer_approvals]
    assert ids[0] == first
    assert absent not in ids
    for approval in g.newer_approvals:
        assert approval.ask == "Ask your care team whether it fits you."
        assert all(step.source.dated is not None or step.source.url for step in approval.steps)


def test_an_untested_biomarker_never_hides_an_approval_it_asks_instead() -> None:
    g = select_guidance(PatientProfile("hr-positive", ("bone",)), KB)
    elacestrant = next(a for a in g.newer_approvals if a.id == "elacestrant-esr1")
    assert any("does not list it" in w for w in elacestrant.why)
    assert g.newer_approvals[-1].id in {
        "elacestrant-esr1",
        "imlunestrant-esr1",
        "capivasertib-pik3ca",
        "inavolisib-pik3ca",
        "trastuzumab-deruxtecan-her2-low",
        "olaparib-brca",
    }


def test_brain_profile_gets_the_emergency_tier_first_with_its_sources() -> None:
    g = select_guidance(PatientProfile("hr-positive", ("brain",)), KB)
    assert [t.id for t in g.urgency] == ["emergency", "call-today", "two-week"]
    emergency = " ".join(s.text for s in g.urgency[0].signs)
    assert "seizure" in emergency and "trouble speaking" in emergency
    assert "Coughing up" not in emergency  # a lung sign, not this profile's
    lung = select_guidance(PatientProfile("hr-positive", ("lung",)), KB)
    assert lung.urgency[0].signs[0].text.startswith("Coughing up")


def test_cli_therapies_text_leads_with_the_emergency_tier_and_dates_the_guide(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["therapies", "--subtype", "triple-negative", "--sites", "brain"]) == 0
    out = capsys.readouterr().out
    assert "written about 2019–2020" in out
    assert out.index("CALL 911 OR GO TO THE EMERGENCY ROOM NOW") < out.index("TREATMENT")
    assert "withdrew" in out and "NEWER APPROVALS TO ASK YOUR CARE TEAM ABOUT" in out
    assert "https://www.fda.gov/" in out
    assert cli.main(["symptoms", "--subtype", "triple-negative", "--sites", "brain"]) == 0
    assert capsys.readouterr().out.index("CALL 911") > 0


def test_glossary_covers_the_issue_words_phases_and_verdicts() -> None:
    ids = {g.id for g in glossary(KB)}
    assert {
        "her2",
        "hormone-receptor",
        "triple-negative",
        "line-of-treatment",
        "cdk46-inhibitor",
        "pi3-kinase",
        "ecog",
    } <= ids
    assert set(PHASE_TERMS.values()) <= ids and {VERDICT_TERMS[v] for v in VERDICTS} <= ids
    assert entry(KB, "likely-eligible").source is None  # the app's own label
    assert isinstance(entry(KB, "phase-3").source, PublicCitation)


def test_a_public_source_checked_in_the_future_or_uncited_is_refused(tmp_path: Path) -> None:
    import shutil

    target = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_DIRECTORY, target)
    with pytest.raises(KnowledgeError, match="in the future"):
        load_knowledge(target, today=date(2026, 1, 1))
    path = target / "updates.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["approvals"][0]["events"][0]["source"] = "no-such-source"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(KnowledgeError, match="unknown source 'no-such-source'"):
        load_knowledge(target, today=date(2026, 12, 7))


def test_plain_trial_summary_comes_from_the_record_fields() -> None:
    study = Study.from_api(
        {
            "protocolSection": {
                "identificationModule": {"nctId": "NCT09990001"},
                "designModule": {
                    "phases": ["PHASE3"],
                    "designInfo": {"allocation": "RANDOMIZED", "maskingInfo": {"masking": "DOUBLE"}},
                },
                "armsInterventionsModule": {
                    "armGroups": [{"type": "EXPERIMENTAL"}, {"type": "PLACEBO_COMPARATOR"}],
                    "interventions": [{"type": "DRUG", "name": "Exampledestrant"}],
                },
                "sponsorCollaboratorsModule": {
                    "leadSponsor": {"name": "Example Pharma", "class": "INDUSTRY"}
                },
                "contactsLocationsModule": {
                    "locations": [{"status": "RECRUITING"}, {"status": "COMPLETED"}]
                },
            }
        }
    )
    summary = plain_summary(study, KB)
    text = " ".join(summary.sentences)
    assert summary.tests == ("Exampledestrant (a medicine)",)
    assert "phase 3" in text and entry(KB, "phase-3").text in text
    assert "randomized" in text and PLACEBO_WORDS in text
    assert "2 places; 1 of them is open" in text
    assert "Example Pharma (a company)" in text
    bare = plain_summary(Study.from_api({"protocolSection": {}}), KB)
    assert "does not say" in " ".join(bare.sentences)


def test_readability_goal_holds_for_the_apps_own_text() -> None:
    import statistics

    import textstat

    grades = {label: textstat.flesch_kincaid_grade(text) for label, text in entries()}
    assert statistics.mean(grades.values()) <= MEAN_GOAL
    assert {k: v for k, v in grades.items() if v > ENTRY_GOAL} == {}
