"""How soon to get help for a symptom: three tiers, most urgent first, chosen for one profile.

A seizure or sudden trouble speaking must never sit beside a two-week ache, so signs are grouped by
urgency before anything else is shown. Signs that belong to a site appear only for profiles with
that site; the rest appear for everyone. Each sign cites the guide or a public patient page.
"""

from __future__ import annotations

from dataclasses import dataclass

from data.knowledge import KnowledgeBase
from matchers.citation import Citation
from matchers.profile import PatientProfile
from matchers.public_sources import PublicCitation, public_citation

#: Shown above the tiers wherever they appear.
URGENCY_TITLE = "When to get help"


@dataclass(frozen=True, slots=True)
class UrgentSign:
    text: str
    source: Citation | PublicCitation


@dataclass(frozen=True, slots=True)
class UrgencyGroup:
    """One tier ('Call 911 or go to the emergency room now') and its signs for this profile."""

    id: str
    title: str
    text: str
    signs: tuple[UrgentSign, ...]


def urgency_groups(profile: PatientProfile, kb: KnowledgeBase) -> tuple[UrgencyGroup, ...]:
    """The three tiers in order, most urgent first; within a tier, the profile's sites' signs first."""
    document = kb.source.title
    groups = []
    for tier in kb.urgency_tiers:
        signs = [s for s in kb.urgency_signs if s.tier == tier.id]
        fitting = [s for s in signs if not s.sites or set(s.sites) & set(profile.sites)]
        fitting.sort(key=lambda s: 0 if s.sites else 1)
        shown = tuple(UrgentSign(s.text, _source(kb, s.guide, s.source, document)) for s in fitting)
        groups.append(UrgencyGroup(tier.id, tier.title, tier.text, shown))
    return tuple(groups)


def _source(
    kb: KnowledgeBase, guide: str | None, source: str | None, document: str
) -> Citation | PublicCitation:
    if guide is not None:
        return Citation(guide, document)
    return public_citation(kb.public_source(source or ""))
