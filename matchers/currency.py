"""What has changed since the patient guide was written, chosen for one profile.

The guide's cards stay the guide's; this module adds, apart from them, a dated note under each card
whose content has changed and a list of newer approvals to ask the care team about. Approvals are
chosen by subtype; a biomarker never hides one (an untested biomarker is unknown, not negative), it
only changes the order and the reason given, so ticking ESR1, BRCA or HER2-low changes what a
patient reads first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from data.knowledge import KNOWN_SUBTYPES, KnowledgeBase
from data.knowledge_extra import Approval
from matchers.profile import BIOMARKER_LABELS, PatientProfile
from matchers.public_sources import PublicCitation, format_day, public_citation

#: Said with every newer approval: the app lists it, the care team decides.
ASK_WHETHER_IT_FITS = "Ask your care team whether it fits you."
#: Heading of the panel, shared by every renderer.
NEWER_APPROVALS_TITLE = "Newer approvals to ask your care team about"
SINCE_TITLE = "Since this guide was written"

_SUBTYPE_WORDS = {
    "hr-positive": "hormone-receptor-positive",
    "her2-positive": "HER2-positive",
    "triple-negative": "triple-negative",
}


@dataclass(frozen=True, slots=True)
class SinceNote:
    """A dated change to what one guide card says, with the public sources that report it."""

    id: str
    date: date
    text: str
    sources: tuple[PublicCitation, ...]

    @property
    def date_label(self) -> str:
        return f"{self.date:%B %Y}"


@dataclass(frozen=True, slots=True)
class ApprovalStep:
    date: date
    what: str
    source: PublicCitation

    @property
    def date_label(self) -> str:
        return format_day(self.date)


@dataclass(frozen=True, slots=True)
class NewerApproval:
    """One newer approval shown to this profile, with why it is shown and what to ask."""

    id: str
    medicine: str
    text: str
    steps: tuple[ApprovalStep, ...]
    why: tuple[str, ...]
    ask: str
    before_guide: bool

    @property
    def first_approved(self) -> date:
        return self.steps[0].date


def since_notes(kb: KnowledgeBase, therapy_id: str) -> tuple[SinceNote, ...]:
    """The 'since this guide was written' notes for one guide card, in file order (the editor puts
    what most changes the card first, e.g. a withdrawn approval)."""
    return tuple(
        SinceNote(n.id, n.date, n.text, tuple(public_citation(kb.public_source(s)) for s in n.sources))
        for n in kb.card_notes
        if n.therapy == therapy_id
    )


def newer_approvals(profile: PatientProfile, kb: KnowledgeBase) -> tuple[NewerApproval, ...]:
    """The newer approvals that fit the profile's subtype (every subtype's, when it is unknown).

    Order: approvals for a biomarker the profile lists, then those that need no biomarker, then
    those whose biomarker is not listed; by first approval date within each group.
    """
    chosen = [a for a in kb.approvals if profile.subtype == "unknown" or profile.subtype in a.subtypes]

    def rank(approval: Approval) -> tuple[int, date]:
        if approval.biomarker is None:
            return 1, approval.events[0].date
        return (0 if approval.biomarker in profile.biomarkers else 2), approval.events[0].date

    return tuple(_shown(a, profile, kb) for a in sorted(chosen, key=rank))


def _shown(approval: Approval, profile: PatientProfile, kb: KnowledgeBase) -> NewerApproval:
    why: list[str] = []
    if profile.subtype in approval.subtypes:
        why.append(f"It is for {_SUBTYPE_WORDS[profile.subtype]} cancer, and yours is.")
    else:
        names = " or ".join(_SUBTYPE_WORDS[s] for s in approval.subtypes if s in KNOWN_SUBTYPES)
        why.append(f"It applies only if your cancer is {names}.")
    if approval.biomarker is not None:
        marker = BIOMARKER_LABELS[approval.biomarker]
        also = f" ({approval.biomarker_also})" if approval.biomarker_also else ""
        if approval.biomarker in profile.biomarkers:
            why.append(f"Your profile lists {marker}{also}.")
        else:
            why.append(
                f"It needs a test result: {marker}{also}. Your profile does not list it, which may "
                "mean the test was not done."
            )
    steps = tuple(
        ApprovalStep(e.date, e.what, public_citation(kb.public_source(e.source)))
        for e in approval.events
    )
    return NewerApproval(
        id=approval.id,
        medicine=approval.medicine,
        text=approval.text,
        steps=steps,
        why=tuple(why),
        ask=ASK_WHETHER_IT_FITS,
        before_guide=approval.before_guide,
    )


def before_guide_line(approval: NewerApproval) -> str:
    """Said of an approval older than the guide that the guide does not name."""
    return (
        f"Approved in {approval.first_approved:%B %Y}, before the guide was written; "
        "the guide does not name it."
    )
