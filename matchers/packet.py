"""The appointment packet: one clean document a patient or navigator brings to the care team.

A ``Packet`` is built once from the profile, the guide's guidance, the starred trials and the
matched resources, and then rendered (Markdown and CSV here, PDF in ``matchers.packet_pdf``), so
every format says the same thing. Trial records are written by sponsors and are not trusted: their
text is cleaned when the packet is built and escaped by each renderer, so markdown, HTML or a
spreadsheet formula inside a record is shown as the characters it is and never acts.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote, urlsplit

from matchers.citation import Citation
from matchers.currency import NEWER_APPROVALS_TITLE, SINCE_TITLE, NewerApproval, before_guide_line
from matchers.glossary import GlossaryEntry
from matchers.profile import (
    BIOMARKER_LABELS,
    BRAIN_METS_LABELS,
    ECOG_LABELS,
    MENOPAUSE_LABELS,
    PRIOR_THERAPY_LABELS,
    SEX_LABELS,
    SITE_LABELS,
    SUBTYPE_LABELS,
    PatientProfile,
)
from matchers.public_sources import PublicCitation
from matchers.resources import ResourceMatch, check_note
from matchers.safe_text import escape_inline_markdown, one_line
from matchers.selection import Guidance, GuidanceNote, SiteSymptoms, TherapyCard
from matchers.urgency import URGENCY_TITLE, UrgencyGroup

PACKET_TITLE = "Appointment packet"

#: Said on the first page and at the end of every packet, in every format.
DISCLAIMER = (
    "This is not medical advice. This packet helps you prepare a conversation with your care team; "
    "it does not replace them. A trial listed here is not a promise that you can join it: only the "
    "trial's own team can say whether you qualify."
)
#: The one-line form of the disclaimer, for page footers.
SHORT_DISCLAIMER = "Not medical advice: this packet prepares a conversation with your care team."

NO_TRIALS_TEXT = "No trials have been starred yet."
#: The label of each trial's place line: its nearest open site, or its sites without a ZIP code.
SITE_LABEL = "Where:"
NO_TRIALS_HOW = (
    "To add some, open the Clinical trials page. Star each trial you want to talk about. "
    "Then make this packet again."
)

#: Headings shared by every renderer, in reading order.
SECTION_URGENCY = URGENCY_TITLE
SECTION_PROFILE = "The situation, as entered"
SECTION_THERAPY = "Treatment topics to discuss"
SECTION_NEWER = NEWER_APPROVALS_TITLE
SECTION_SYMPTOMS = "Symptoms to watch"
SECTION_TESTS = "Tests, scans and follow-up"
SECTION_TRIALS = "Clinical trials on the shortlist"
SECTION_TRIALS_EXPLAINED = "About clinical trials"
SECTION_QUESTIONS = "Questions to ask"
SECTION_RESOURCES = "Where to get support"
SECTION_ABOUT = "About metastatic breast cancer"
SECTION_SOURCES = "Where this information comes from"
SECTION_NOTES = "Notes"
#: The notes page: room to write during the appointment, on paper or in the Markdown file.
NOTES_PROMPT = (
    "Write here what the care team says, the answers to your questions, and what happens next."
)
NOTES_LINES = 18
#: Said at the top of the newer approvals: they are not the guide's, and each has its source.
NEWER_INTRO = (
    "These are not in the guide. Each comes from an FDA notice, listed with its date. "
    "Ask your care team whether any of them fits you."
)

#: The CSV's columns, in order; multi-valued cells are joined with ``CSV_JOIN``.
CSV_COLUMNS: tuple[str, ...] = (
    "nct_id",
    "title",
    "verdict",
    "reasons",
    "concerns",
    "nearest_site",
    "contacts",
    "url",
    "last_update",
)
CSV_JOIN = " | "

#: What a spreadsheet reads as the start of a formula (tab and carriage return too, per OWASP).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_HORMONE_RECEPTOR_LABELS = {"positive": "Positive", "negative": "Negative"}
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class PacketTrial:
    """A shortlisted trial as the packet shows it; the lead's adapter fills it from a match result.

    Every text field may come from the trial's record and is treated as untrusted. ``verdict_label``
    is plain words ("Likely eligible"); ``reasons`` and ``concerns`` may quote eligibility criteria;
    ``nearest_site`` reads like "Dana-Farber Cancer Institute, Boston, Massachusetts, United States
    — 3 miles"; each contact like "Jane Doe (CONTACT) · 617-555-0100 · jane@example.org".
    """

    nct_id: str
    title: str
    url: str
    verdict_label: str
    reasons: tuple[str, ...]
    concerns: tuple[str, ...]
    questions: tuple[str, ...]
    status: str
    phase: str
    last_update: str | None
    nearest_site: str | None
    contacts: tuple[str, ...]
    #: When and where its record was fetched ("fetched 7 Dec 2026 10:02 UTC from ClinicalTrials.gov").
    record: str | None = None


@dataclass(frozen=True, slots=True)
class ProfileLine:
    """One labelled line of the profile, both parts in plain words."""

    label: str
    value: str


@dataclass(frozen=True, slots=True)
class PacketQuestion:
    """A question for the care team and where it comes from.

    ``sources`` reads like 'patient guide, section "Treatments"' or 'trial NCT01234567' (a question
    asked by several trials names each). ``from_trial`` marks text written from a trial record,
    which renderers must escape.
    """

    text: str
    sources: tuple[str, ...]
    from_trial: bool


@dataclass(frozen=True, slots=True)
class PacketResource:
    """A support organization with how to reach it and when its details were last checked."""

    name: str
    offers: str
    why: tuple[str, ...]
    phone: str | None
    url: str
    last_checked: date
    check_note: str = ""


@dataclass(frozen=True, slots=True)
class Packet:
    """Everything the packet says, in reading order, ready for any renderer.

    ``therapy_notes`` come before the therapy topics (what to find out first for an unknown
    subtype, and that treatment follows the cancer's biology). ``trials`` hold cleaned copies of
    the given records: whitespace collapsed, registry escapes and invisible control characters
    removed; they are still untrusted text. The profile never holds a name; the ZIP code is left
    out unless the packet was built with ``include_zip=True``.
    """

    title: str
    created: date
    disclaimer: str
    profile: tuple[ProfileLine, ...]
    therapy_notes: tuple[GuidanceNote, ...]
    therapy_topics: tuple[TherapyCard, ...]
    brain_note: GuidanceNote | None
    symptoms: tuple[SiteSymptoms, ...]
    two_week_rule: GuidanceNote
    when_to_call: GuidanceNote
    trials: tuple[PacketTrial, ...]
    questions: tuple[PacketQuestion, ...]
    resources: tuple[PacketResource, ...]
    trial_data_note: str | None
    guide_source: str
    guide_dated: str = ""
    urgency: tuple[UrgencyGroup, ...] = ()
    newer_approvals: tuple[NewerApproval, ...] = ()
    research_note: GuidanceNote | None = None
    tests_and_scans: tuple[GuidanceNote, ...] = ()
    trials_explained: tuple[GuidanceNote, ...] = ()
    trial_words: tuple[GlossaryEntry, ...] = ()
    basics: tuple[GuidanceNote, ...] = ()
    #: Where trial distances are measured from ("the centre of ZIP code 02215, Boston, MA").
    distances_from: str | None = None

    @property
    def created_label(self) -> str:
        """The creation date as a reader writes it: '25 November 2026'."""
        return format_date(self.created)

    @property
    def source_lines(self) -> tuple[str, ...]:
        """The 'where this comes from' lines: packet date, trial data, guide, resources."""
        return tuple(text for text, _ in self.source_parts)

    @property
    def source_parts(self) -> tuple[tuple[str, bool], ...]:
        """``source_lines`` each with whether it holds text from outside (to escape)."""
        parts = [(f"Packet made on {self.created_label}.", False)]
        if self.trial_data_note:
            parts.append((_sentence(self.trial_data_note), True))
        elif self.trials:
            parts.append(
                (
                    "The date of the trial data was not recorded; "
                    "check each trial's page for its latest update.",
                    False,
                )
            )
        parts.append((self.guide_source, False))
        if self.resources:
            parts.append(
                (
                    "Support organizations: each one's details were last checked on the date shown "
                    "with it. Phone numbers and web addresses change, so check them before relying "
                    "on them.",
                    False,
                )
            )
        return tuple(parts)


def format_date(day: date) -> str:
    """A date as '25 November 2026': no month-day order to misread between countries."""
    return f"{day.day} {day:%B %Y}"


def build_packet(
    profile: PatientProfile,
    guidance: Guidance,
    trials: Sequence[PacketTrial],
    resources: Sequence[ResourceMatch],
    *,
    trial_data_note: str | None,
    created: date,
    include_zip: bool = False,
    distance_place: str | None = None,
) -> Packet:
    """Gather the packet's content for one profile.

    Args:
        profile: the validated profile; it holds no name, and its ZIP code is left out by default.
        guidance: ``select_guidance(profile, kb)`` for the same profile.
        trials: the starred trials, in the order to show them (may be empty).
        resources: ``match_resources(...)`` for the same profile.
        trial_data_note: where and when the trial data was fetched, e.g. "Trial data from
            ClinicalTrials.gov, data version 2026-11-24, fetched 25 Nov 2026 10:02 UTC".
        created: the day the packet is made, printed on it.
        include_zip: show the ZIP code among the profile lines (off: the packet may be shared).
        distance_place: the town of the ZIP code distances were measured from ("Boston, MA"),
            or ``None`` when no ZIP code was given (no distances are then shown).

    Returns:
        A ``Packet`` for ``packet_to_markdown``, ``packet_trials_csv`` or ``packet_to_pdf``.
    """
    document = guidance.document
    cleaned = tuple(_clean_trial(t) for t in trials)
    therapy_notes: list[GuidanceNote] = []
    if guidance.subtype_guidance is not None:
        sg = guidance.subtype_guidance
        therapy_notes.append(
            GuidanceNote(
                "subtype-unknown",
                "Your subtype is not known yet",
                f"{sg.text} Why it matters: {sg.why_it_matters}",
                sg.source,
            )
        )
    therapy_notes.append(guidance.biology_note)
    return Packet(
        title=PACKET_TITLE,
        created=created,
        disclaimer=DISCLAIMER,
        profile=profile_lines(profile, include_zip=include_zip),
        therapy_notes=tuple(therapy_notes),
        therapy_topics=guidance.therapy_cards,
        brain_note=guidance.brain_note,
        symptoms=guidance.symptoms,
        two_week_rule=guidance.two_week_rule,
        when_to_call=guidance.when_to_call,
        trials=cleaned,
        questions=_questions(guidance, cleaned),
        resources=tuple(_resource(m, created) for m in resources),
        trial_data_note=clean_text(trial_data_note) or None,
        guide_source=(
            f'Treatment topics, symptoms and the guide\'s questions: "{document.title}" '
            f"({document.publisher}), medically reviewed by {document.reviewer}. "
            f"{document.dated_line} Newer approvals and when to get help come from the public "
            "sources named with each, with the date each was last checked."
        ),
        guide_dated=f"From a patient guide written {document.written}. {document.written_basis}",
        urgency=guidance.urgency,
        newer_approvals=guidance.newer_approvals,
        research_note=guidance.research_note,
        tests_and_scans=(*guidance.diagnosis, *guidance.monitoring),
        trials_explained=guidance.trials_explained,
        trial_words=guidance.trial_words,
        basics=guidance.basics,
        distances_from=distances_line(profile, distance_place, include_zip=include_zip),
    )


def distances_line(
    profile: PatientProfile, place: str | None, *, include_zip: bool = False
) -> str | None:
    """Where the packet's distances are measured from, in one sentence (``None`` without a ZIP)."""
    if profile.zip_code is None:
        return None
    zip_words = f"ZIP code {profile.zip_code}" if include_zip else "the area entered"
    town = f" ({place})" if place else ""
    return (
        f"Distances are straight-line miles from the centre of {zip_words}{town} to the nearest "
        "open site; travel by road is usually longer."
    )


def profile_lines(profile: PatientProfile, *, include_zip: bool = False) -> tuple[ProfileLine, ...]:
    """The profile as labelled lines in plain words; only what was given, never a name.

    A biomarker the profile does not list is unknown rather than negative, so an empty list reads
    "none listed" and not "negative".
    """
    lines = [ProfileLine("Subtype", SUBTYPE_LABELS[profile.subtype])]
    if profile.hormone_receptor is not None:
        lines.append(
            ProfileLine("Hormone receptors", _HORMONE_RECEPTOR_LABELS[profile.hormone_receptor])
        )
    lines.append(
        ProfileLine("Where the cancer has spread", ", ".join(SITE_LABELS[s] for s in profile.sites))
    )
    if profile.has_brain_mets and profile.brain_mets is not None:
        lines.append(ProfileLine("Cancer in the brain", BRAIN_METS_LABELS[profile.brain_mets]))
    if profile.age is not None:
        lines.append(ProfileLine("Age", str(profile.age)))
    if profile.sex is not None:
        lines.append(ProfileLine("Sex", SEX_LABELS[profile.sex]))
    if profile.menopausal_status is not None:
        lines.append(ProfileLine("Menopause", MENOPAUSE_LABELS[profile.menopausal_status]))
    if profile.ecog is not None:
        lines.append(
            ProfileLine(
                "Daily activity (ECOG score)", f"{profile.ecog}: {ECOG_LABELS[profile.ecog].lower()}"
            )
        )
    lines.append(
        ProfileLine(
            "Test results (biomarkers)",
            ", ".join(BIOMARKER_LABELS[b] for b in profile.biomarkers)
            or "None listed (not known, which is not the same as negative)",
        )
    )
    if profile.prior_therapies:
        lines.append(
            ProfileLine(
                "Past treatments",
                ", ".join(PRIOR_THERAPY_LABELS[t] for t in profile.prior_therapies),
            )
        )
    if profile.prior_lines is not None:
        lines.append(ProfileLine("Lines of treatment so far", str(profile.prior_lines)))
    if include_zip and profile.zip_code is not None:
        lines.append(ProfileLine("ZIP code", profile.zip_code))
    if profile.travel_miles is not None:
        lines.append(ProfileLine("Willing to travel", f"up to {profile.travel_miles} miles"))
    return tuple(lines)


def guide_source_label(section: str) -> str:
    """How a guide citation reads in the packet: 'patient guide, section "Treatments"'."""
    return f'patient guide, section "{section}"'


def source_label(source: Citation | PublicCitation) -> str:
    """A guide section, or a public page with its date ('FDA, "FDA approves …", 27 January 2023')."""
    return guide_source_label(source.section) if isinstance(source, Citation) else str(source)


def guide_written_line(packet: Packet) -> str:
    """'From a patient guide written about 2019–2020.' — said on every guide topic."""
    return packet.guide_dated.split(". ")[0] + "." if packet.guide_dated else "From the patient guide."


def clean_text(text: str | None) -> str:
    """One line of untrusted text: registry escapes undone, whitespace collapsed, and invisible
    control or formatting characters (a right-to-left override can disguise text) removed."""
    return one_line(text, limit=None)


def safe_url(url: str | None) -> str | None:
    """The URL if it is a plain http(s) address, percent-encoded so no renderer can misread it.

    Anything else (``javascript:``, a relative path, a URL with spaces) gives ``None``: the packet
    then shows the text without a link.
    """
    if not url:
        return None
    candidate = url.strip()
    if any(ch.isspace() or unicodedata.category(ch)[0] == "C" for ch in candidate):
        return None
    parts = urlsplit(candidate)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(candidate, safe=":/?#[]@!$&'*+,;=%-._~")


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else text + "."


def _clean_trial(trial: PacketTrial) -> PacketTrial:
    def many(values: Sequence[str]) -> tuple[str, ...]:
        return tuple(c for c in (clean_text(v) for v in values) if c)

    return PacketTrial(
        nct_id=clean_text(trial.nct_id),
        title=clean_text(trial.title),
        url=trial.url.strip(),
        verdict_label=clean_text(trial.verdict_label),
        reasons=many(trial.reasons),
        concerns=many(trial.concerns),
        questions=many(trial.questions),
        status=clean_text(trial.status),
        phase=clean_text(trial.phase),
        last_update=clean_text(trial.last_update) or None,
        nearest_site=clean_text(trial.nearest_site) or None,
        contacts=many(trial.contacts),
        record=clean_text(trial.record) or None,
    )


def _question_key(text: str) -> str:
    return _SPACES.sub(" ", text.casefold()).strip().rstrip(".?! ")


def _questions(guidance: Guidance, trials: Sequence[PacketTrial]) -> tuple[PacketQuestion, ...]:
    """The guide's questions first (most specific first, as chosen), then each trial's, each once.

    A question several trials ask is listed once and names every trial; a trial question the guide
    already asks keeps the guide's wording.
    """
    order: list[str] = []
    texts: dict[str, str] = {}
    sources: dict[str, list[str]] = {}
    from_trial: dict[str, bool] = {}

    def add(text: str, source: str, trial: bool) -> None:
        key = _question_key(text)
        if not key:
            return
        if key not in texts:
            order.append(key)
            texts[key] = text
            sources[key] = []
            from_trial[key] = trial
        if source not in sources[key]:
            sources[key].append(source)

    def cited(source: Citation) -> str:
        return guide_source_label(source.section)

    for q in guidance.questions:
        add(q.text, cited(q.source), False)
    for trial in trials:
        for text in trial.questions:
            add(text, f"trial {trial.nct_id}", True)
    return tuple(PacketQuestion(texts[k], tuple(sources[k]), from_trial[k]) for k in order)


def _resource(match: ResourceMatch, today: date) -> PacketResource:
    r = match.resource
    return PacketResource(
        r.name, r.offers, match.why, r.phone, r.url, r.last_checked, check_note(r.last_checked, today)
    )


def _md(text: str) -> str:
    """Outside text for the Markdown file: inert, yet readable as plain text (no backslash before
    every dash or full stop, no HTML entities)."""
    return escape_inline_markdown(text)


def trial_facts(trial: PacketTrial) -> str:
    """Status, phase and last update on one line, as both the Markdown and the PDF print them;
    a part the record does not give is left out."""
    facts = [trial.status, trial.phase]
    if trial.last_update:
        facts.append(f"last updated {trial.last_update}")
    return " · ".join(f for f in facts if f)


def _md_note(note: GuidanceNote, lines: list[str]) -> None:
    lines.append(f"**{note.title}:** {note.text}")
    lines.extend(f"- {item}" for item in note.items)
    lines += ["", f"*Source: {guide_source_label(note.source.section)}*", ""]


def _md_source(source: Citation | PublicCitation) -> str:
    """The italic source line; a public page adds its address (a link) and when it was checked."""
    if isinstance(source, Citation):
        return f"*Source: {guide_source_label(source.section)}*"
    target = safe_url(source.url)
    address = f"<{target}>" if target else _md(source.url)
    return f"*Source: {source}.* {address} *{source.checked_line}*"


def _md_urgency(groups: Sequence[UrgencyGroup], lines: list[str]) -> None:
    lines += [f"## {SECTION_URGENCY}", ""]
    for group in groups:
        if not group.signs:
            continue
        lines += [f"### {group.title}", "", group.text, ""]
        for sign in group.signs:
            lines += [f"- {sign.text}  ", f"  {_md_source(sign.source)}"]
        lines.append("")


def _md_newer(packet: Packet, lines: list[str]) -> None:
    lines += [f"## {SECTION_NEWER}", "", NEWER_INTRO, ""]
    for approval in packet.newer_approvals:
        lines += [f"### {approval.medicine}", "", approval.text, ""]
        if approval.before_guide:
            lines += [before_guide_line(approval), ""]
        for step in approval.steps:
            lines += [f"- **{step.date_label}:** {step.what}  ", f"  {_md_source(step.source)}"]
        lines += ["", *(f"- Why this is shown: {why}" for why in approval.why), ""]
        lines += [f"**{approval.ask}**", ""]
    if packet.research_note is not None:
        _md_note(packet.research_note, lines)


def _md_topic(topic: TherapyCard, written: str, lines: list[str]) -> None:
    lines += [f"### {topic.title}", "", f"*{written}*", "", topic.summary, ""]
    lines += [f"- Why this is shown: {why}" for why in topic.why]
    lines += ["", f"*Source: {guide_source_label(topic.source.section)}*", ""]
    for change in topic.since:
        lines += [f"> **{SINCE_TITLE} ({change.date_label}):** {change.text}  "]
        lines += [f"> {_md_source(src)}  " for src in change.sources]
        lines.append("")


def _md_trials_explained(packet: Packet, lines: list[str]) -> None:
    if not (packet.trials_explained or packet.trial_words):
        return
    lines += [f"### {SECTION_TRIALS_EXPLAINED}", ""]
    for note in packet.trials_explained:
        _md_note(note, lines)
    if packet.trial_words:
        lines += ["**Words on trial pages**", ""]
        lines += [f"- **{w.term}:** {w.text} *(Source: {w.source_text})*" for w in packet.trial_words]
        lines.append("")


def _md_link(url: str, shown: str | None = None) -> str:
    """A web address as a Markdown autolink (``<https://…>``, readable as plain text too), or a
    link with escaped text when ``shown`` differs; just the escaped text when the URL is unsafe."""
    target = safe_url(url)
    if target is None:
        return _md(shown if shown is not None else url)
    if shown is None or shown == url:
        return f"<{target}>"
    return f"[{_md(shown)}](<{target}>)"


def _md_therapy(p: Packet, lines: list[str]) -> None:
    lines += [f"## {SECTION_THERAPY}", ""]
    if p.guide_dated:
        lines += [f"*{p.guide_dated}*", ""]
    for note in p.therapy_notes:
        _md_note(note, lines)
    if p.brain_note is not None:
        _md_note(p.brain_note, lines)
    for topic in p.therapy_topics:
        _md_topic(topic, guide_written_line(p), lines)
    if p.newer_approvals or p.research_note is not None:
        _md_newer(p, lines)


def _md_symptoms(p: Packet, lines: list[str]) -> None:
    lines += [f"## {SECTION_SYMPTOMS}", ""]
    for site in p.symptoms:
        lines += [f"### {site.label}", ""]
        lines += [f"- {symptom}" for symptom in site.symptoms]
        if site.note:
            lines.append(site.note)
        lines += ["", f"*Source: {guide_source_label(site.source.section)}*", ""]
    _md_note(p.two_week_rule, lines)
    _md_note(p.when_to_call, lines)
    _md_notes(SECTION_TESTS, p.tests_and_scans, lines)


def _md_notes(heading: str, notes: Sequence[GuidanceNote], lines: list[str]) -> None:
    if notes:
        lines += [f"## {heading}", ""]
        for note in notes:
            _md_note(note, lines)


def _md_trial(trial: PacketTrial, lines: list[str]) -> None:
    lines += [f"### {_md(trial.nct_id)}: {_md(trial.title)}", ""]
    lines.append(f"- **What we found:** {_md(trial.verdict_label)}")
    facts = trial_facts(trial)
    if facts:
        lines.append(f"- **Status:** {_md(facts)}")
    lines.append(f"- **{SITE_LABEL}** {_md(trial.nearest_site or 'not listed')}")
    lines.append(f"- **Trial page:** {_md_link(trial.url)}")
    if trial.record:
        lines.append(f"- **Record:** {_md(trial.record)}")
    for heading, items in (
        ("Why it may fit", trial.reasons),
        ("Things to check", trial.concerns),
        ("Contacts", trial.contacts),
    ):
        if items:
            lines += ["", f"**{heading}**", ""]
            lines += [f"- {_md(item)}" for item in items]
    lines.append("")


def _md_notes_page(lines: list[str]) -> None:
    lines += [f"## {SECTION_NOTES}", "", NOTES_PROMPT, ""]
    lines += ["_" * 60 + "  " for _ in range(NOTES_LINES)]
    lines.append("")


def _md_questions(p: Packet, lines: list[str]) -> None:
    lines += [f"## {SECTION_QUESTIONS}", ""]
    for number, q in enumerate(p.questions, start=1):
        text = _md(q.text) if q.from_trial else q.text
        source = ", ".join(_md(s) if q.from_trial else s for s in q.sources)
        marker = f"{number}. "
        lines += [f"{marker}{text}  ", f"{' ' * len(marker)}*From: {source}*"]
    lines.append("")


def _md_resources(p: Packet, lines: list[str]) -> None:
    lines += [f"## {SECTION_RESOURCES}", ""]
    for r in p.resources:
        lines += [f"### {r.name}", "", r.offers, ""]
        lines += [f"- Why it is listed: {why}" for why in r.why]
        if r.phone:
            lines.append(f"- Phone: {r.phone}")
        lines.append(f"- Web: {_md_link(r.url, r.url)}")
        lines += [f"- {r.check_note}", ""]


def packet_to_markdown(packet: Packet) -> str:
    """Render the packet as Markdown; every string from a trial record is escaped.

    The guide's and the resources list's words are checked files of this project and are written
    as they are, so the raw file stays readable; trial text goes through ``escape_inline_markdown``,
    which keeps it readable as plain text too.
    When to get help comes first, before the profile, because it is what a reader at home needs.
    """
    p = packet
    lines = [f"# {p.title}", "", f"Prepared on {p.created_label}", "", f"> **{p.disclaimer}**", ""]
    _md_urgency(p.urgency, lines)
    lines += [f"## {SECTION_PROFILE}", ""]
    lines += [f"- **{line.label}:** {line.value}" for line in p.profile]
    lines.append("")
    _md_therapy(p, lines)
    _md_symptoms(p, lines)
    lines += [f"## {SECTION_TRIALS}", ""]
    if p.distances_from and p.trials:
        lines += [f"*{p.distances_from}*", ""]
    if not p.trials:
        lines += [f"**{NO_TRIALS_TEXT}** {NO_TRIALS_HOW}", ""]
    for trial in p.trials:
        _md_trial(trial, lines)
    _md_trials_explained(p, lines)
    _md_questions(p, lines)
    _md_resources(p, lines)
    _md_notes(SECTION_ABOUT, p.basics, lines)
    lines += [f"## {SECTION_SOURCES}", ""]
    lines += [f"- {_md(text) if outside else text}" for text, outside in p.source_parts]
    lines += ["", "---", "", f"*{p.disclaimer}*", ""]
    _md_notes_page(lines)
    return "\n".join(lines)


def _csv_cell(value: str) -> str:
    """Neutralise a would-be spreadsheet formula by making it text with a leading quote."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def packet_trials_csv(packet: Packet) -> str:
    """The shortlisted trials as CSV (columns ``CSV_COLUMNS``), safe to open in a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for t in packet.trials:
        row = (
            t.nct_id,
            t.title,
            t.verdict_label,
            CSV_JOIN.join(t.reasons),
            CSV_JOIN.join(t.concerns),
            t.nearest_site or "",
            CSV_JOIN.join(t.contacts),
            t.url,
            t.last_update or "",
        )
        writer.writerow([_csv_cell(cell) for cell in row])
    return buffer.getvalue()
