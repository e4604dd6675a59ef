"""The app's own knowledge beyond the patient guide: what changed since it was written, when to get
help for a symptom, and what words mean, each resting on a dated public source.

These files are kept apart from the guide's paraphrase so the guide's cards stay the guide's. They
are checked as strictly: every entry cites a source that exists, every source has an https address
and a check date that is neither in the future nor before the news it reports, and every subtype,
site, biomarker and guide section is one the app knows. A mistake stops the load with a
``KnowledgeError`` naming the file and the entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from data.knowledge_files import Entry, KnowledgeError, entries, read_yaml, top_level
from data.vocabulary import load_vocabulary

_VOCABULARY = load_vocabulary()
SUBTYPES, SITES, BIOMARKERS = _VOCABULARY.subtype_ids, _VOCABULARY.site_ids, _VOCABULARY.biomarker_ids

#: Subtypes an approval may name ("unknown" is a state of the profile, not a subtype).
_SUBTYPES = frozenset(s for s in SUBTYPES if s != "unknown")
#: Written in a sign's ``sites`` for a sign that matters wherever the cancer has spread.
ANY_SITE = "any"
#: Urgency tiers in the order they are shown, most urgent first; the files must define exactly these.
TIER_IDS: tuple[str, ...] = ("emergency", "call-today", "two-week")


@dataclass(frozen=True, slots=True)
class PublicSource:
    """A public page a statement rests on; ``dated`` is the page's own date for its news, if any,
    and ``how_checked`` says what was read on ``last_checked``."""

    id: str
    publisher: str
    title: str
    url: str
    last_checked: date
    how_checked: str
    dated: date | None = None


@dataclass(frozen=True, slots=True)
class CardNote:
    """A 'since this guide was written' note under one guide card (a ``therapies.yaml`` id)."""

    id: str
    therapy: str
    date: date
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ApprovalEvent:
    """One approval (or a later change to it) with its date and the source that reports it."""

    date: date
    what: str
    source: str


@dataclass(frozen=True, slots=True)
class Approval:
    """A newer approval to ask the care team about, for the subtypes (and biomarker) it names."""

    id: str
    medicine: str
    subtypes: tuple[str, ...]
    text: str
    events: tuple[ApprovalEvent, ...]
    biomarker: str | None = None
    biomarker_also: str | None = None
    before_guide: bool = False


@dataclass(frozen=True, slots=True)
class UrgencyTier:
    id: str
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class UrgencySign:
    """A sign and how soon to get help for it; ``sites`` empty means wherever the cancer is.

    Exactly one of ``source`` (a public source id) and ``guide`` (a guide section) is set.
    """

    id: str
    tier: str
    sites: tuple[str, ...]
    text: str
    source: str | None = None
    guide: str | None = None


@dataclass(frozen=True, slots=True)
class GlossaryTerm:
    """One word in one plain sentence, citing a public source, a guide section, or the app itself
    (``app``: what this app's own labels mean)."""

    id: str
    term: str
    text: str
    source: str | None = None
    guide: str | None = None
    app: bool = False


@dataclass(frozen=True, slots=True)
class Extras:
    """Everything in the app's own knowledge files, in file order."""

    public_sources: tuple[PublicSource, ...]
    card_notes: tuple[CardNote, ...]
    approvals: tuple[Approval, ...]
    urgency_tiers: tuple[UrgencyTier, ...]
    urgency_signs: tuple[UrgencySign, ...]
    glossary: tuple[GlossaryTerm, ...]


def load_extras(
    directory: Path, sections: tuple[str, ...], therapy_ids: frozenset[str], today: date
) -> Extras:
    """Load and check ``public_sources.yaml``, ``updates.yaml``, ``urgency.yaml`` and ``glossary.yaml``.

    Raises:
        KnowledgeError: a file is missing or unreadable, or an entry breaks a rule.
    """
    sources = _load_sources(directory, today)
    by_id = {s.id: s for s in sources}
    notes, approvals = _load_updates(directory, by_id, therapy_ids, today)
    tiers, signs = _load_urgency(directory, frozenset(by_id), sections)
    glossary = _load_glossary(directory, frozenset(by_id), sections)
    used = (
        {s for n in notes for s in n.sources}
        | {e.source for a in approvals for e in a.events}
        | {s.source for s in signs if s.source}
        | {t.source for t in glossary if t.source}
    )
    unused = [s.id for s in sources if s.id not in used]
    if unused:
        raise KnowledgeError("public_sources.yaml", repr(unused[0]), "no entry cites this source")
    return Extras(sources, notes, approvals, tiers, signs, glossary)


def _load_sources(directory: Path, today: date) -> tuple[PublicSource, ...]:
    file = "public_sources.yaml"
    data = read_yaml(directory, file)
    top_level(data, file, frozenset({"sources"}))
    sources = []
    for label, raw in entries(data, file, "sources"):
        entry = Entry(
            raw,
            file,
            label,
            required=frozenset({"id", "publisher", "title", "url", "last_checked", "how_checked"}),
            optional=frozenset({"dated"}),
        )
        checked = entry.day("last_checked")
        dated = entry.optional_day("dated")
        if checked > today:
            entry.fail(f"last_checked {checked.isoformat()} is in the future")
        if dated is not None and dated > checked:
            entry.fail(
                f"last_checked {checked.isoformat()} is before the page's date {dated.isoformat()}"
            )
        sources.append(
            PublicSource(
                id=entry.text("id"),
                publisher=entry.text("publisher"),
                title=entry.text("title"),
                url=entry.url("url"),
                last_checked=checked,
                how_checked=entry.text("how_checked"),
                dated=dated,
            )
        )
    return tuple(sources)


def _load_updates(
    directory: Path,
    sources: Mapping[str, PublicSource],
    therapy_ids: frozenset[str],
    today: date,
) -> tuple[tuple[CardNote, ...], tuple[Approval, ...]]:
    file = "updates.yaml"
    data = read_yaml(directory, file)
    top_level(data, file, frozenset({"card_notes", "approvals"}))
    known = frozenset(sources)
    notes = []
    for label, raw in entries(data, file, "card_notes"):
        entry = Entry(raw, file, label, required=frozenset({"id", "therapy", "date", "text", "sources"}))
        therapy = entry.text("therapy")
        if therapy not in therapy_ids:
            entry.fail(f"unknown therapy card {therapy!r} (not in therapies.yaml)")
        day = _past_day(entry, "date", today)
        notes.append(
            CardNote(
                entry.text("id"), therapy, day, entry.text("text"), entry.ids("sources", known, "source")
            )
        )
    approvals = [
        _approval(label, raw, file, known, today) for label, raw in entries(data, file, "approvals")
    ]
    return tuple(notes), tuple(approvals)


def _past_day(entry: Entry, key: str, today: date) -> date:
    day = entry.day(key)
    if day > today:
        entry.fail(f"{key!r} {day.isoformat()} is in the future")
    return day


def _approval(label: str, raw: object, file: str, known: frozenset[str], today: date) -> Approval:
    entry = Entry(
        raw,
        file,
        label,
        required=frozenset({"id", "medicine", "subtypes", "text", "events"}),
        optional=frozenset({"biomarker", "biomarker_also", "before_guide"}),
    )
    subtypes = entry.ids("subtypes", _SUBTYPES, "subtype")
    biomarker = entry.optional_text("biomarker")
    if biomarker is not None and biomarker not in BIOMARKERS:
        entry.fail(f"unknown biomarker {biomarker!r} (expected one of: {', '.join(BIOMARKERS)})")
    also = entry.optional_text("biomarker_also")
    if also is not None and biomarker is None:
        entry.fail("'biomarker_also' needs a 'biomarker'")
    before = entry.raw.get("before_guide", False)
    if not isinstance(before, bool):
        entry.fail(f"'before_guide' must be true or false, got {before!r}")
    raw_events = entry.raw["events"]
    if not isinstance(raw_events, list) or not raw_events:
        entry.fail("'events' must be a non-empty list")
    events = []
    for position, item in enumerate(raw_events, start=1):
        event = Entry(
            item, file, f"{label} event {position}", required=frozenset({"date", "what", "source"})
        )
        source = event.text("source")
        if source not in known:
            event.fail(f"unknown source {source!r}")
        events.append(ApprovalEvent(_past_day(event, "date", today), event.text("what"), source))
    if [e.date for e in events] != sorted(e.date for e in events):
        entry.fail("'events' must be in date order, oldest first")
    return Approval(
        id=entry.text("id"),
        medicine=entry.text("medicine"),
        subtypes=subtypes,
        text=entry.text("text"),
        events=tuple(events),
        biomarker=biomarker,
        biomarker_also=also,
        before_guide=before,
    )


def _cited(
    entry: Entry, known: frozenset[str], sections: tuple[str, ...]
) -> tuple[str | None, str | None]:
    """The entry's ``source`` or ``guide`` (exactly one), both checked."""
    source = entry.optional_text("source")
    guide = entry.optional_text("guide")
    if (source is None) == (guide is None):
        entry.fail("needs exactly one of 'source' (a public source) and 'guide' (a guide section)")
    if source is not None and source not in known:
        entry.fail(f"unknown source {source!r}")
    if guide is not None and guide not in sections:
        entry.fail(f"unknown source section {guide!r}")
    return source, guide


def _load_urgency(
    directory: Path, known: frozenset[str], sections: tuple[str, ...]
) -> tuple[tuple[UrgencyTier, ...], tuple[UrgencySign, ...]]:
    file = "urgency.yaml"
    data = read_yaml(directory, file)
    top_level(data, file, frozenset({"tiers", "signs"}))
    tiers = []
    for label, raw in entries(data, file, "tiers"):
        entry = Entry(raw, file, label, required=frozenset({"id", "title", "text"}))
        tiers.append(UrgencyTier(entry.text("id"), entry.text("title"), entry.text("text")))
    if tuple(t.id for t in tiers) != TIER_IDS:
        raise KnowledgeError(file, "'tiers'", f"must be exactly {', '.join(TIER_IDS)}, in that order")
    signs = []
    for label, raw in entries(data, file, "signs"):
        entry = Entry(
            raw,
            file,
            label,
            required=frozenset({"id", "tier", "sites", "text"}),
            optional=frozenset({"source", "guide"}),
        )
        tier = entry.text("tier")
        if tier not in TIER_IDS:
            entry.fail(f"unknown tier {tier!r} (expected one of: {', '.join(TIER_IDS)})")
        sites = entry.ids("sites", frozenset((*SITES, ANY_SITE)), "site")
        if ANY_SITE in sites and len(sites) > 1:
            entry.fail(f"'sites' is either [{ANY_SITE}] or a list of sites, not both")
        source, guide = _cited(entry, known, sections)
        chosen = () if ANY_SITE in sites else sites
        signs.append(UrgencySign(entry.text("id"), tier, chosen, entry.text("text"), source, guide))
    empty = [t for t in TIER_IDS if not any(s.tier == t for s in signs)]
    if empty:
        raise KnowledgeError(file, repr(empty[0]), "no sign is in this tier")
    return tuple(tiers), tuple(signs)


def _load_glossary(
    directory: Path, known: frozenset[str], sections: tuple[str, ...]
) -> tuple[GlossaryTerm, ...]:
    file = "glossary.yaml"
    data = read_yaml(directory, file)
    top_level(data, file, frozenset({"terms"}))
    terms = []
    for label, raw in entries(data, file, "terms"):
        entry = Entry(
            raw,
            file,
            label,
            required=frozenset({"id", "term", "text"}),
            optional=frozenset({"source", "guide", "app"}),
        )
        app = entry.raw.get("app", False)
        if app is not True and app is not False:
            entry.fail(f"'app' must be true or false, got {app!r}")
        if app:
            if "source" in entry.raw or "guide" in entry.raw:
                entry.fail("an 'app' term explains the app's own label and cites nothing else")
            source, guide = None, None
        else:
            source, guide = _cited(entry, known, sections)
        terms.append(
            GlossaryTerm(entry.text("id"), entry.text("term"), entry.text("text"), source, guide, app)
        )
    return tuple(terms)
