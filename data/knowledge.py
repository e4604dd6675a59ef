"""The knowledge base drawn from the patient guide, loaded from YAML and validated once on load.

Everything medical the app says comes from these files, and every entry names the section of the
guide it paraphrases. Validation is strict because a typo in a subtype, a site or a section name
would otherwise silently hide a card from a patient or cite a section that does not exist; each
problem raises ``KnowledgeError`` naming the file and the entry so an editor can fix it at once.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

from data.knowledge_extra import (
    Approval,
    CardNote,
    GlossaryTerm,
    PublicSource,
    UrgencySign,
    UrgencyTier,
    load_extras,
)
from data.knowledge_files import Entry, KnowledgeError, entries, read_yaml, top_level
from data.vocabulary import load_vocabulary

_VOCABULARY = load_vocabulary()
SUBTYPES, SITES = _VOCABULARY.subtype_ids, _VOCABULARY.site_ids
BIOMARKERS, PRIOR_THERAPIES = _VOCABULARY.biomarker_ids, _VOCABULARY.form_therapy_ids

#: Where the shipped knowledge files live; found from this file so an installed package works too.
DEFAULT_DIRECTORY = Path(__file__).resolve().parent / "knowledge"

#: Subtypes a therapy or subtype entry may name ("unknown" is a state of the profile, not a subtype).
KNOWN_SUBTYPES: tuple[str, ...] = tuple(s for s in SUBTYPES if s != "unknown")

#: Entry ids the selection logic refers to by name; a file that lacks one fails on load, not later.
REQUIRED_IDS: dict[tuple[str, str], frozenset[str]] = {
    ("care_path.yaml", "principles"): frozenset(
        {"biology-not-site", "brain-exception", "subtype-unknown"}
    ),
    ("sites.yaml", "rules"): frozenset(
        {"symptoms-vary", "two-week-rule", "when-to-call", "other-causes"}
    ),
    ("questions.yaml", "questions"): frozenset(
        {
            "ask-subtype",
            "ask-hormone-receptor",
            "ask-dna-testing",
            "ask-already-had",
            "ask-brain-status",
            "ask-brain-plan",
            "ask-symptoms",
            "ask-scans",
            "ask-next-line",
            "ask-trials",
            "ask-support",
        }
    ),
}


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """The patient guide every entry paraphrases; ``sections`` are its headings, spelled exactly.

    The guide carries no date, so ``written`` says when it was written as far as its text shows
    ("about 2019-2020") and ``written_basis`` says why (the latest dated event it mentions).
    """

    title: str
    publisher: str
    reviewer: str
    file_name: str
    sections: tuple[str, ...]
    written: str
    written_basis: str


@dataclass(frozen=True, slots=True)
class Note:
    """One short plain-language passage; ``items`` holds a list the passage introduces, if any."""

    id: str
    title: str
    text: str
    section: str
    items: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Subtype:
    """How a subtype is named and explained to a patient who has it or does not know it yet."""

    id: str
    name: str
    why: str
    if_unknown: str
    section: str


@dataclass(frozen=True, slots=True)
class Therapy:
    """A standard therapy or recent advance from the guide, shown only for the subtypes it fits.

    When ``biomarker`` is set the therapy depends on that tumor finding, and the three
    ``*_biomarker_*`` fields say why it applies, why it may apply, and which question to ask.
    """

    id: str
    title: str
    subtypes: tuple[str, ...]
    summary: str
    section: str
    biomarker: str | None = None
    why_biomarker_listed: str | None = None
    why_biomarker_unknown: str | None = None
    ask_biomarker_unknown: str | None = None
    prior_therapies: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """Symptoms to watch for one profile site; ``note`` explains an empty list honestly."""

    id: str
    symptoms: tuple[str, ...]
    section: str
    note: str | None = None
    ask: str | None = None


@dataclass(frozen=True, slots=True)
class QuestionEntry:
    """A question for the care team, picked by id when the profile calls for it."""

    id: str
    text: str
    section: str


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    """Everything loaded from the knowledge directory, in file order, with lookups by id."""

    source: SourceDocument
    basics: tuple[Note, ...]
    subtypes: tuple[Subtype, ...]
    therapies: tuple[Therapy, ...]
    sites: tuple[SiteInfo, ...]
    symptom_rules: tuple[Note, ...]
    principles: tuple[Note, ...]
    diagnosis: tuple[Note, ...]
    monitoring: tuple[Note, ...]
    trials: tuple[Note, ...]
    resources: tuple[Note, ...]
    questions: tuple[QuestionEntry, ...]
    public_sources: tuple[PublicSource, ...] = ()
    card_notes: tuple[CardNote, ...] = ()
    approvals: tuple[Approval, ...] = ()
    urgency_tiers: tuple[UrgencyTier, ...] = ()
    urgency_signs: tuple[UrgencySign, ...] = ()
    glossary: tuple[GlossaryTerm, ...] = ()

    def public_source(self, source_id: str) -> PublicSource:
        for source in self.public_sources:
            if source.id == source_id:
                return source
        raise KeyError(source_id)

    def glossary_term(self, term_id: str) -> GlossaryTerm:
        for term in self.glossary:
            if term.id == term_id:
                return term
        raise KeyError(term_id)

    def own_texts(self) -> Iterator[tuple[str, str]]:
        """The app's own patient-facing texts beyond the guide (updates, urgency, glossary) as
        ``(entry id, text)``; kept apart from ``texts()``, which must stay the guide's paraphrase."""
        for note in self.card_notes:
            yield note.id, note.text
        for approval in self.approvals:
            yield approval.id, approval.text
            for event in approval.events:
                yield approval.id, event.what
        for tier in self.urgency_tiers:
            yield tier.id, tier.title
            yield tier.id, tier.text
        for sign in self.urgency_signs:
            yield sign.id, sign.text
        for term in self.glossary:
            yield term.id, term.text

    def subtype(self, subtype_id: str) -> Subtype:
        return _by_id(self.subtypes, subtype_id)

    def site(self, site_id: str) -> SiteInfo:
        return _by_id(self.sites, site_id)

    def question(self, question_id: str) -> QuestionEntry:
        return _by_id(self.questions, question_id)

    def note(self, note_id: str) -> Note:
        """Any note by id, whichever file holds it (note ids are unique across the base)."""
        return _by_id(self.all_notes(), note_id)

    def therapies_for(self, subtype: str) -> tuple[Therapy, ...]:
        """The therapies that fit one subtype; for "unknown", every therapy (all three subtypes)."""
        if subtype == "unknown":
            return self.therapies
        return tuple(t for t in self.therapies if subtype in t.subtypes)

    def all_notes(self) -> tuple[Note, ...]:
        return (
            *self.basics,
            *self.symptom_rules,
            *self.principles,
            *self.diagnosis,
            *self.monitoring,
            *self.trials,
            *self.resources,
        )

    def texts(self) -> Iterator[tuple[str, str]]:
        """Every patient-facing text as ``(entry id, text)``: what a paraphrase check must read."""
        for note in self.all_notes():
            yield note.id, note.title
            yield note.id, note.text
            for item in note.items:
                yield note.id, item
        for subtype in self.subtypes:
            yield subtype.id, f"{subtype.name}. {subtype.why} {subtype.if_unknown}"
        for therapy in self.therapies:
            for text in (
                therapy.title,
                therapy.summary,
                therapy.why_biomarker_listed,
                therapy.why_biomarker_unknown,
            ):
                if text:
                    yield therapy.id, text
        for site in self.sites:
            for text in (*site.symptoms, site.note):
                if text:
                    yield site.id, text
        for question in self.questions:
            yield question.id, question.text

    def cited_sections(self) -> frozenset[str]:
        """Every section some entry cites."""
        entries: tuple[Note | Subtype | Therapy | SiteInfo | QuestionEntry, ...] = (
            *self.all_notes(),
            *self.subtypes,
            *self.therapies,
            *self.sites,
            *self.questions,
        )
        return frozenset(e.section for e in entries)


_T = TypeVar("_T", Note, Subtype, SiteInfo, QuestionEntry)


def _by_id(entries: tuple[_T, ...], entry_id: str) -> _T:
    for entry in entries:
        if entry.id == entry_id:
            return entry
    raise KeyError(entry_id)


def load_knowledge(directory: Path | None = None, *, today: date | None = None) -> KnowledgeBase:
    """Load and validate the knowledge base.

    Args:
        directory: a folder holding the knowledge YAML files; ``None`` means the shipped files,
            which are read once per process (and day) and cached.
        today: the date no check date may pass; the real date when omitted (a parameter so that
            tests do not depend on the clock).

    Returns:
        The validated, immutable knowledge base.

    Raises:
        KnowledgeError: a file is missing, unparsable or breaks a rule; the message names the file
            and the entry, e.g. ``therapies.yaml: entry 'cdk46-endocrine': unknown subtype 'x'``.
    """
    if directory is None and today is None:
        return _load_default(date.today())
    return _load(Path(directory or DEFAULT_DIRECTORY), today or date.today())


@functools.lru_cache(maxsize=1)
def _load_default(today: date) -> KnowledgeBase:
    return _load(DEFAULT_DIRECTORY, today)


_NOTE_FIELDS = frozenset({"id", "title", "text", "section"})


def _notes(
    data: Mapping[str, object], file: str, group: str, sections: tuple[str, ...]
) -> tuple[Note, ...]:
    notes = []
    for label, raw in entries(data, file, group):
        entry = Entry(raw, file, label, required=_NOTE_FIELDS, optional=frozenset({"items"}))
        notes.append(
            Note(
                id=entry.text("id"),
                title=entry.text("title"),
                text=entry.text("text"),
                section=entry.section(sections),
                items=entry.texts("items", allow_empty=True),
            )
        )
    _require_ids(file, group, {n.id for n in notes})
    return tuple(notes)


def _require_ids(file: str, group: str, present: set[str]) -> None:
    missing = sorted(REQUIRED_IDS.get((file, group), frozenset()) - present)
    if missing:
        raise KnowledgeError(
            file, repr(missing[0]), f"missing from {group!r} (the selection logic needs it)"
        )


def _load_source(directory: Path) -> SourceDocument:
    file = "source.yaml"
    data = read_yaml(directory, file)
    entry = Entry(
        data,
        file,
        "'document'",
        required=frozenset(
            {"title", "publisher", "reviewer", "file_name", "sections", "written", "written_basis"}
        ),
    )
    sections = entry.texts("sections")
    return SourceDocument(
        title=entry.text("title"),
        publisher=entry.text("publisher"),
        reviewer=entry.text("reviewer"),
        file_name=entry.text("file_name"),
        sections=sections,
        written=entry.text("written"),
        written_basis=entry.text("written_basis"),
    )


def _load_subtypes(directory: Path, sections: tuple[str, ...]) -> tuple[Subtype, ...]:
    file = "subtypes.yaml"
    data = read_yaml(directory, file)
    top_level(data, file, frozenset({"subtypes"}))
    subtypes = []
    for label, raw in entries(data, file, "subtypes"):
        entry = Entry(
            raw, file, label, required=frozenset({"id", "name", "why", "if_unknown", "section"})
        )
        subtypes.append(
            Subtype(
                id=entry.one_of("id", entry.text("id"), KNOWN_SUBTYPES, "subtype"),
                name=entry.text("name"),
                why=entry.text("why"),
                if_unknown=entry.text("if_unknown"),
                section=entry.section(sections),
            )
        )
    missing = [s for s in KNOWN_SUBTYPES if s not in {x.id for x in subtypes}]
    if missing:
        raise KnowledgeError(
            file, repr(missing[0]), "subtype missing; every known subtype needs an entry"
        )
    return tuple(subtypes)


def _load_therapies(
    directory: Path, sections: tuple[str, ...], question_ids: frozenset[str]
) -> tuple[Therapy, ...]:
    file = "therapies.yaml"
    data = read_yaml(directory, file)
    top_level(data, file, frozenset({"therapies"}))
    biomarker_fields = ("why_biomarker_listed", "why_biomarker_unknown", "ask_biomarker_unknown")
    therapies = []
    for label, raw in entries(data, file, "therapies"):
        entry = Entry(
            raw,
            file,
            label,
            required=frozenset({"id", "title", "subtypes", "summary", "section"}),
            optional=frozenset({"biomarker", "prior_therapies", *biomarker_fields}),
        )
        subtypes = entry.texts("subtypes")
        for subtype in subtypes:
            entry.one_of("subtypes", subtype, KNOWN_SUBTYPES, "subtype")
        biomarker = entry.optional_text("biomarker")
        if biomarker is not None:
            entry.one_of("biomarker", biomarker, BIOMARKERS, "biomarker")
            for key in biomarker_fields:
                if entry.raw.get(key) is None:
                    entry.fail(f"missing key {key!r} (required with a biomarker)")
        else:
            for key in biomarker_fields:
                if key in entry.raw:
                    entry.fail(f"{key!r} needs a 'biomarker'")
        ask = entry.optional_text("ask_biomarker_unknown")
        if ask is not None and ask not in question_ids:
            entry.fail(f"unknown question {ask!r} (not in questions.yaml)")
        prior = entry.texts("prior_therapies", allow_empty=True)
        for therapy in prior:
            entry.one_of("prior_therapies", therapy, PRIOR_THERAPIES, "prior therapy")
        therapies.append(
            Therapy(
                id=entry.text("id"),
                title=entry.text("title"),
                subtypes=subtypes,
                summary=entry.text("summary"),
                section=entry.section(sections),
                biomarker=biomarker,
                why_biomarker_listed=entry.optional_text("why_biomarker_listed"),
                why_biomarker_unknown=entry.optional_text("why_biomarker_unknown"),
                ask_biomarker_unknown=ask,
                prior_therapies=prior,
            )
        )
    uncovered = [s for s in KNOWN_SUBTYPES if not any(s in t.subtypes for t in therapies)]
    if uncovered:
        raise KnowledgeError(file, repr(uncovered[0]), "no therapy fits this subtype")
    return tuple(therapies)


def _load_sites(
    directory: Path, sections: tuple[str, ...], question_ids: frozenset[str]
) -> tuple[tuple[SiteInfo, ...], tuple[Note, ...]]:
    file = "sites.yaml"
    data = read_yaml(directory, file)
    top_level(data, file, frozenset({"sites", "rules"}))
    sites = []
    for label, raw in entries(data, file, "sites"):
        entry = Entry(
            raw,
            file,
            label,
            required=frozenset({"id", "symptoms", "section"}),
            optional=frozenset({"note", "ask"}),
        )
        site_id = entry.one_of("id", entry.text("id"), SITES, "site")
        symptoms = entry.texts("symptoms", allow_empty=True)
        note = entry.optional_text("note")
        if not symptoms and note is None:
            entry.fail("a site without symptoms needs a 'note' that says so")
        ask = entry.optional_text("ask")
        if ask is not None and ask not in question_ids:
            entry.fail(f"unknown question {ask!r} (not in questions.yaml)")
        sites.append(SiteInfo(site_id, symptoms, entry.section(sections), note, ask))
    missing = [s for s in SITES if s not in {x.id for x in sites}]
    if missing:
        raise KnowledgeError(file, repr(missing[0]), "site missing; every profile site needs an entry")
    return tuple(sites), _notes(data, file, "rules", sections)


def _load_questions(directory: Path, sections: tuple[str, ...]) -> tuple[QuestionEntry, ...]:
    file = "questions.yaml"
    data = read_yaml(directory, file)
    top_level(data, file, frozenset({"questions"}))
    questions = []
    for label, raw in entries(data, file, "questions"):
        entry = Entry(raw, file, label, required=frozenset({"id", "text", "section"}))
        questions.append(QuestionEntry(entry.text("id"), entry.text("text"), entry.section(sections)))
    _require_ids(file, "questions", {q.id for q in questions})
    return tuple(questions)


def _load_note_file(
    directory: Path, file: str, groups: tuple[str, ...], sections: tuple[str, ...]
) -> tuple[tuple[Note, ...], ...]:
    data = read_yaml(directory, file)
    top_level(data, file, frozenset(groups))
    return tuple(_notes(data, file, group, sections) for group in groups)


def _load(directory: Path, today: date) -> KnowledgeBase:
    if not directory.is_dir():
        raise KnowledgeError(str(directory), None, "knowledge directory not found")
    source = _load_source(directory)
    sections = source.sections
    questions = _load_questions(directory, sections)
    question_ids = frozenset(q.id for q in questions)
    (basics,) = _load_note_file(directory, "basics.yaml", ("basics",), sections)
    principles, diagnosis, monitoring = _load_note_file(
        directory, "care_path.yaml", ("principles", "diagnosis", "monitoring"), sections
    )
    (trials,) = _load_note_file(directory, "trials_explained.yaml", ("trials",), sections)
    (resources,) = _load_note_file(directory, "resources_from_document.yaml", ("resources",), sections)
    sites, rules = _load_sites(directory, sections, question_ids)
    therapies = _load_therapies(directory, sections, question_ids)
    extras = load_extras(directory, sections, frozenset(t.id for t in therapies), today)
    kb = KnowledgeBase(
        source=source,
        basics=basics,
        subtypes=_load_subtypes(directory, sections),
        therapies=therapies,
        sites=sites,
        symptom_rules=rules,
        principles=principles,
        diagnosis=diagnosis,
        monitoring=monitoring,
        trials=trials,
        resources=resources,
        questions=questions,
        public_sources=extras.public_sources,
        card_notes=extras.card_notes,
        approvals=extras.approvals,
        urgency_tiers=extras.urgency_tiers,
        urgency_signs=extras.urgency_signs,
        glossary=extras.glossary,
    )
    _check_unique_note_ids(kb)
    return kb


_NOTE_FILES: tuple[tuple[str, str], ...] = (
    ("basics", "basics.yaml"),
    ("symptom_rules", "sites.yaml"),
    ("principles", "care_path.yaml"),
    ("diagnosis", "care_path.yaml"),
    ("monitoring", "care_path.yaml"),
    ("trials", "trials_explained.yaml"),
    ("resources", "resources_from_document.yaml"),
)


def _check_unique_note_ids(kb: KnowledgeBase) -> None:
    """Note ids must be unique across groups and files because ``KnowledgeBase.note`` looks them
    up globally (a repeat inside one group is caught earlier, as the group is read)."""
    owner: dict[str, str] = {}
    for attribute, file in _NOTE_FILES:
        notes: tuple[Note, ...] = getattr(kb, attribute)
        for note in notes:
            if note.id in owner:
                elsewhere = f" (also used in {owner[note.id]})" if owner[note.id] != file else ""
                raise KnowledgeError(file, repr(note.id), "duplicate id" + elsewhere)
            owner[note.id] = file
