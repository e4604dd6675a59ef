"""A trial described in our own plain words, built only from the record's structured fields.

A sponsor's summary is written for regulators (reading grade above 20); this one says what the trial
tests, what its phase means, whether groups are chosen by chance, whether there is a placebo, how
many places run it and who runs it. Every sentence follows from a field; a missing field is said
to be missing, never guessed. Names of treatments and sponsors are record text: renderers escape them.
"""

from __future__ import annotations

from dataclasses import dataclass

from data.knowledge import KnowledgeBase
from data.models import Intervention, Study
from matchers.geo import is_recruiting
from matchers.glossary import PHASE_TERMS, entry

#: Where the plain summary comes from, said under it.
SUMMARY_SOURCE = (
    "Written by MBC Navigator from the trial's record on ClinicalTrials.gov (its listed treatments, "
    "phase, design, sites and sponsor). Check the trial's own page."
)
PLACEBO_WORDS = (
    "One group gets a placebo: a look-alike with no medicine in it, so the groups can be compared."
)
_ALLOCATION = {
    "RANDOMIZED": "Chance decides which group each person joins (it is randomized).",
    "NON_RANDOMIZED": "People are put into groups, but not by chance.",
    "NA": "Everyone in the trial gets the same treatment plan.",
}
_MASKING = {
    "NONE": "Everyone knows which treatment each person gets.",
    "SINGLE": "One party (often the person taking part) does not know which group they are in.",
    "DOUBLE": "Neither the people taking part nor their doctors know who gets which treatment.",
    "TRIPLE": "Neither the people taking part nor their doctors know who gets which treatment.",
    "QUADRUPLE": "Neither the people taking part nor their doctors know who gets which treatment.",
}
_SPONSOR_KIND = {
    "INDUSTRY": "a company",
    "NIH": "the US National Institutes of Health",
    "FED": "a US government agency",
    "OTHER_GOV": "a government body",
    "NETWORK": "a research network",
    "INDIV": "a doctor or researcher",
    "OTHER": "a hospital, university or other group",
}
_KIND_WORDS = {
    "DRUG": "a medicine",
    "BIOLOGICAL": "a biological medicine",
    "RADIATION": "radiation",
    "PROCEDURE": "a procedure",
    "DEVICE": "a device",
    "BEHAVIORAL": "a change in behavior",
    "DIETARY_SUPPLEMENT": "a supplement",
    "DIAGNOSTIC_TEST": "a test",
    "GENETIC": "a gene treatment",
}


@dataclass(frozen=True, slots=True)
class PlainSummary:
    """Plain sentences about one trial; ``tests`` lists the treatments (record text, to escape)."""

    tests: tuple[str, ...]
    sentences: tuple[str, ...]
    source: str = SUMMARY_SOURCE


def _treatment(item: Intervention) -> str:
    kind = _KIND_WORDS.get((item.type or "").upper())
    return f"{item.name} ({kind})" if kind else item.name


def _phase_sentences(study: Study, kb: KnowledgeBase) -> list[str]:
    if not study.phases or study.phases == ("NA",):
        return ["The record gives no phase (common for studies that are not drug trials)."]
    sentences = [f"It is a {study.phase_label.lower()} trial."]
    for phase in study.phases:
        term = PHASE_TERMS.get(phase)
        if term is not None:
            item = entry(kb, term)
            sentences.append(f"{item.term}: {item.text}")
        elif phase == "EARLY_PHASE1":
            sentences.append("Early phase 1: a very small first study in people, before phase 1.")
    return sentences


def _has_placebo(study: Study) -> bool:
    named = any("placebo" in i.name.lower() for i in study.interventions)
    return named or "PLACEBO_COMPARATOR" in study.arm_types


def _design_sentences(study: Study) -> list[str]:
    sentences = [
        _ALLOCATION.get(study.allocation or "", "The record does not say how groups are formed.")
    ]
    if _has_placebo(study):
        sentences.append(PLACEBO_WORDS)
    elif study.arm_types:
        sentences.append("No placebo group is listed.")
    else:
        sentences.append("The record does not say whether there is a placebo.")
    if study.masking in _MASKING:
        sentences.append(_MASKING[study.masking])
    return sentences


def _place_sentences(study: Study) -> list[str]:
    if not study.sites:
        return ["The record lists no places where it runs."]
    open_sites = sum(1 for s in study.sites if is_recruiting(s))
    count = len(study.sites)
    where = f"It runs at {count} place{'s' if count != 1 else ''}"
    return [f"{where}; {open_sites} of them {'is' if open_sites == 1 else 'are'} open to new people."]


def plain_summary(study: Study, kb: KnowledgeBase) -> PlainSummary:
    """The trial in plain sentences, in the order a reader asks: what, how sure, where, who."""
    tests = tuple(_treatment(i) for i in study.interventions)
    sentences = [] if tests else ["The record does not list what it tests."]
    sentences += _phase_sentences(study, kb)
    sentences += _design_sentences(study)
    sentences += _place_sentences(study)
    if study.lead_sponsor:
        kind = _SPONSOR_KIND.get(study.sponsor_class or "")
        sentences.append(f"It is run by {study.lead_sponsor}{f' ({kind})' if kind else ''}.")
    else:
        sentences.append("The record does not say who runs it.")
    return PlainSummary(tests, tuple(sentences))
