"""Pick, from the patient guide's knowledge base, what one patient profile should see and ask.

The rules here decide *which* entries apply and *why*; the words themselves live in the YAML
knowledge files so they can be checked against the guide. Every piece of guidance carries a
``Citation`` to the guide's section, because the output prepares a conversation with the care team
and a reader must be able to see where each statement comes from. An unknown fact (subtype,
biomarker, brain status) never hides guidance; it becomes a question for the care team.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass
from datetime import date
from typing import Any

from data.knowledge import KNOWN_SUBTYPES, KnowledgeBase, Note, QuestionEntry, Therapy
from matchers.citation import Citation
from matchers.currency import NewerApproval, SinceNote, newer_approvals, since_notes
from matchers.glossary import PHASE_TERMS, VERDICT_TERMS, GlossaryEntry, entry
from matchers.profile import PRIOR_THERAPY_LABELS, SITE_LABELS, PatientProfile
from matchers.urgency import UrgencyGroup, urgency_groups

#: Said once at the top of every rendering: the guidance prepares a conversation, it is not advice.
DISCLAIMER = (
    "This summary comes from a patient guide and helps you prepare for a talk with your care team. "
    "It is not medical advice and does not replace your care team."
)


@dataclass(frozen=True, slots=True)
class Question:
    """A question to bring to the care team."""

    id: str
    text: str
    source: Citation


@dataclass(frozen=True, slots=True)
class GuidanceNote:
    """A short passage from the guide, paraphrased; ``items`` is a list it introduces, if any."""

    id: str
    title: str
    text: str
    source: Citation
    items: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TherapyCard:
    """A therapy from the guide that fits the profile's subtype, with why it is shown and what to ask.

    ``subtypes`` are the subtypes the therapy is for; ``why`` ties it to the profile; ``ask`` holds
    questions that follow from what the profile does not say (e.g. an untested biomarker).
    ``since`` holds dated notes on what has changed since the guide was written (shown apart from
    the guide's own words, with their public sources).
    """

    id: str
    title: str
    summary: str
    subtypes: tuple[str, ...]
    why: tuple[str, ...]
    ask: tuple[Question, ...]
    source: Citation
    since: tuple[SinceNote, ...] = ()


@dataclass(frozen=True, slots=True)
class SubtypeGuidance:
    """For an unknown subtype: find out which one it is, and why that matters."""

    text: str
    why_it_matters: str
    subtypes: tuple[str, ...]
    question: Question
    source: Citation


@dataclass(frozen=True, slots=True)
class SiteSymptoms:
    """Symptoms to watch for one site; ``note`` says honestly when the guide lists none."""

    site: str
    label: str
    symptoms: tuple[str, ...]
    note: str | None
    source: Citation


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """The guide the guidance is drawn from, for a 'Source' line."""

    title: str
    publisher: str
    reviewer: str
    written: str = ""
    written_basis: str = ""

    @property
    def dated_line(self) -> str:
        """'From a patient guide written about 2019–2020. …' — said wherever the guide is cited."""
        return f"The guide was written {self.written}. {self.written_basis}"


@dataclass(frozen=True, slots=True)
class Guidance:
    """Everything the guide offers one profile, ready to render (dashboard, CLI, packet).

    ``subtype_guidance`` is set only for an unknown subtype, ``brain_note`` only when the brain is
    among the sites. ``monitoring`` covers follow-up scans and treatment lines, ``diagnosis`` the
    tests used to find and characterise the cancer. ``urgency`` (how soon to get help, most urgent
    first) and ``newer_approvals`` (since the guide was written) rest on public sources, not the guide.
    """

    subtype: str
    sites: tuple[str, ...]
    document: DocumentInfo
    disclaimer: str
    therapy_cards: tuple[TherapyCard, ...]
    subtype_guidance: SubtypeGuidance | None
    biology_note: GuidanceNote
    brain_note: GuidanceNote | None
    treatment_notes: tuple[GuidanceNote, ...]
    symptoms: tuple[SiteSymptoms, ...]
    symptom_notes: tuple[GuidanceNote, ...]
    two_week_rule: GuidanceNote
    when_to_call: GuidanceNote
    diagnosis: tuple[GuidanceNote, ...]
    monitoring: tuple[GuidanceNote, ...]
    questions: tuple[Question, ...]
    trials_explained: tuple[GuidanceNote, ...]
    document_resources: tuple[GuidanceNote, ...]
    basics: tuple[GuidanceNote, ...]
    urgency: tuple[UrgencyGroup, ...] = ()
    newer_approvals: tuple[NewerApproval, ...] = ()
    research_note: GuidanceNote | None = None
    trial_words: tuple[GlossaryEntry, ...] = ()


_TREATMENT_NOTE_IDS = ("treatable", "personalized", "several-options")
_SYMPTOM_NOTE_IDS = ("symptoms-vary", "other-causes")
#: The guide's advice to bring what one reads to the care team, shown with anything newer.
_RESEARCH_NOTE_ID = "bring-questions"


def select_guidance(profile: PatientProfile, kb: KnowledgeBase) -> Guidance:
    """Choose the therapies, symptoms, notes and questions from the guide that fit a profile.

    Args:
        profile: the validated patient profile.
        kb: the knowledge base, usually ``data.knowledge.load_knowledge()``.

    Returns:
        A ``Guidance`` whose every card, note and question cites its section of the guide.

    >>> from data.knowledge import load_knowledge
    >>> g = select_guidance(PatientProfile("triple-negative", ("lung",)), load_knowledge())
    >>> [card.id for card in g.therapy_cards]
    ['immunotherapy-chemo-pdl1']
    """
    document = kb.source.title

    def note(note_id: str) -> GuidanceNote:
        return _note(kb.note(note_id), document)

    def question(question_id: str) -> Question:
        return _question(kb.question(question_id), document)

    cards = tuple(_card(t, profile, kb, document) for t in kb.therapies_for(profile.subtype))
    return Guidance(
        subtype=profile.subtype,
        sites=profile.sites,
        document=DocumentInfo(
            kb.source.title,
            kb.source.publisher,
            kb.source.reviewer,
            kb.source.written,
            kb.source.written_basis,
        ),
        disclaimer=DISCLAIMER,
        therapy_cards=cards,
        subtype_guidance=_subtype_guidance(kb, document) if profile.subtype == "unknown" else None,
        biology_note=note("biology-not-site"),
        brain_note=note("brain-exception") if profile.has_brain_mets else None,
        treatment_notes=tuple(note(i) for i in _TREATMENT_NOTE_IDS if _has_note(kb, i)),
        symptoms=tuple(_site_symptoms(site, kb, document) for site in profile.sites),
        symptom_notes=tuple(note(i) for i in _SYMPTOM_NOTE_IDS),
        two_week_rule=note("two-week-rule"),
        when_to_call=note("when-to-call"),
        diagnosis=tuple(_note(n, document) for n in kb.diagnosis),
        monitoring=tuple(_note(n, document) for n in kb.monitoring),
        questions=_questions(profile, kb, cards, question),
        trials_explained=tuple(_note(n, document) for n in kb.trials),
        document_resources=tuple(_note(n, document) for n in kb.resources),
        basics=tuple(_note(n, document) for n in kb.basics),
        urgency=urgency_groups(profile, kb),
        newer_approvals=newer_approvals(profile, kb),
        research_note=note(_RESEARCH_NOTE_ID) if _has_note(kb, _RESEARCH_NOTE_ID) else None,
        trial_words=tuple(
            entry(kb, t) for t in (*PHASE_TERMS.values(), "randomized", *VERDICT_TERMS.values())
        ),
    )


def _has_note(kb: KnowledgeBase, note_id: str) -> bool:
    return any(n.id == note_id for n in kb.all_notes())


def _note(note: Note, document: str) -> GuidanceNote:
    return GuidanceNote(note.id, note.title, note.text, Citation(note.section, document), note.items)


def _question(entry: QuestionEntry, document: str) -> Question:
    return Question(entry.id, entry.text, Citation(entry.section, document))


def _card(therapy: Therapy, profile: PatientProfile, kb: KnowledgeBase, document: str) -> TherapyCard:
    """Build one card; the caller has already made sure the therapy fits the profile's subtype."""
    why: list[str] = []
    ask: list[Question] = []
    if profile.subtype in therapy.subtypes:
        why.append(kb.subtype(profile.subtype).why)
    else:
        why.extend(kb.subtype(s).if_unknown for s in therapy.subtypes)
    if therapy.biomarker is not None:
        if therapy.biomarker in profile.biomarkers:
            why.append(therapy.why_biomarker_listed or "")
        else:
            why.append(therapy.why_biomarker_unknown or "")
            if therapy.ask_biomarker_unknown:
                ask.append(_question(kb.question(therapy.ask_biomarker_unknown), document))
    if (
        profile.subtype == "her2-positive"
        and "her2-positive" in therapy.subtypes
        and profile.hormone_receptor is None
    ):
        ask.append(_question(kb.question("ask-hormone-receptor"), document))
    had = [t for t in therapy.prior_therapies if profile.had(t)]
    if had:
        names = ", ".join(short_therapy_label(t) for t in had)
        why.append(f"Your profile lists among past treatments: {names}.")
        ask.append(_question(kb.question("ask-already-had"), document))
    return TherapyCard(
        id=therapy.id,
        title=therapy.title,
        summary=therapy.summary,
        subtypes=therapy.subtypes,
        why=tuple(w for w in why if w),
        ask=tuple(ask),
        source=Citation(therapy.section, document),
        since=since_notes(kb, therapy.id),
    )


def short_therapy_label(therapy: str) -> str:
    """A past treatment's name without the example medicines in brackets ('CDK4/6 inhibitor'), so a
    guide card never names a medicine the guide does not use."""
    return PRIOR_THERAPY_LABELS[therapy].split(" (")[0]


def _subtype_guidance(kb: KnowledgeBase, document: str) -> SubtypeGuidance:
    find_out = kb.note("subtype-unknown")
    biology = kb.note("biology-not-site")
    return SubtypeGuidance(
        text=find_out.text,
        why_it_matters=biology.text,
        subtypes=tuple(kb.subtype(s).name for s in KNOWN_SUBTYPES),
        question=_question(kb.question("ask-subtype"), document),
        source=Citation(find_out.section, document),
    )


def _site_symptoms(site: str, kb: KnowledgeBase, document: str) -> SiteSymptoms:
    info = kb.site(site)
    return SiteSymptoms(
        site=site,
        label=SITE_LABELS[site],
        symptoms=info.symptoms,
        note=info.note,
        source=Citation(info.section, document),
    )


def _questions(
    profile: PatientProfile,
    kb: KnowledgeBase,
    cards: tuple[TherapyCard, ...],
    question: Callable[[str], Question],
) -> tuple[Question, ...]:
    """The questions for the appointment, most specific first, each once.

    Card questions join the list only when the subtype is known: with an unknown subtype the first
    step is finding it out, and biomarker tests for a subtype the patient may not have are noise.
    """
    chosen: list[Question] = []
    if profile.subtype == "unknown":
        chosen.append(question("ask-subtype"))
    else:
        chosen.extend(q for card in cards for q in card.ask)
    if not profile.biomarkers:
        chosen.append(question("ask-dna-testing"))
    if profile.has_brain_mets:
        if profile.effective_brain_mets is None:
            chosen.append(question("ask-brain-status"))
        chosen.append(question("ask-brain-plan"))
    for site in profile.sites:
        ask = kb.site(site).ask
        if ask:
            chosen.append(question(ask))
    chosen.extend(
        question(i) for i in ("ask-symptoms", "ask-scans", "ask-next-line", "ask-trials", "ask-support")
    )
    unique: dict[str, Question] = {}
    for q in chosen:
        unique.setdefault(q.id, q)
    return tuple(unique.values())


def guidance_to_dict(guidance: Guidance) -> dict[str, Any]:
    """Plain JSON-ready values (dicts, lists, strings, ``None``) for ``--json`` and the packet."""
    return {f.name: _plain(getattr(guidance, f.name)) for f in fields(guidance)}


def _plain(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value
