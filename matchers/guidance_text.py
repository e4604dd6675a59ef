"""The guidance as plain text for a terminal (``mbc-navigator therapies`` and ``symptoms``).

Reading order follows urgency: when to get help comes first, before any treatment topic, so a
reader with a new seizure or trouble breathing sees what to do before anything else. Every block
names its source: a guide section, or a public page with its date and check date.
"""

from __future__ import annotations

import textwrap

from matchers.citation import Citation
from matchers.currency import NEWER_APPROVALS_TITLE, SINCE_TITLE, NewerApproval, before_guide_line
from matchers.profile import SITE_LABELS, SUBTYPE_LABELS
from matchers.public_sources import PublicCitation
from matchers.selection import Guidance, GuidanceNote
from matchers.urgency import URGENCY_TITLE, UrgencyGroup

_WIDTH = 88


def _wrap(text: str, indent: str = "", subsequent: str | None = None) -> list[str]:
    return textwrap.wrap(
        text,
        width=_WIDTH,
        initial_indent=indent,
        subsequent_indent=indent if subsequent is None else subsequent,
        break_on_hyphens=False,
        break_long_words=False,
    )


def _heading(title: str) -> list[str]:
    return ["", title.upper(), "=" * len(title)]


def _source_line(source: Citation | PublicCitation, indent: str = "  ") -> list[str]:
    """'Source: section "Treatments"' for the guide; for a public page its publisher, title and
    date, then its address on a line of its own (unbroken, so a terminal can open it) and when it
    was last checked."""
    if isinstance(source, Citation):
        return _wrap(f'Source: section "{source.section}"', indent, indent + "  ")
    lines = _wrap(f"Source: {source}", indent, indent + "  ")
    return [*lines, f"{indent}  {source.url}", *_wrap(source.checked_line, indent + "  ")]


def _note_lines(note: GuidanceNote, indent: str = "") -> list[str]:
    lines = _wrap(f"{note.title}: {note.text}", indent, indent + "  ")
    lines += [line for item in note.items for line in _wrap(f"- {item}", indent + "  ", indent + "    ")]
    return lines + _source_line(note.source, indent + "  ")


def _header(g: Guidance, title: str) -> list[str]:
    sites = ", ".join(SITE_LABELS[s] for s in g.sites)
    return [
        title,
        f"Subtype: {SUBTYPE_LABELS[g.subtype]}. Where the cancer has spread: {sites}.",
        *_wrap(g.disclaimer),
        *_wrap(
            f'Source: "{g.document.title}" ({g.document.publisher}), '
            f"medically reviewed by {g.document.reviewer}. {g.document.dated_line}"
        ),
    ]


def urgency_lines(groups: tuple[UrgencyGroup, ...]) -> list[str]:
    """The three tiers, most urgent first, each sign with its source."""
    lines = _heading(URGENCY_TITLE)
    for group in groups:
        if not group.signs:
            continue
        lines += ["", f"!! {group.title.upper()}", *_wrap(group.text, "   ")]
        for sign in group.signs:
            lines += _wrap(f"- {sign.text}", "   ", "     ")
            lines += _source_line(sign.source, "     ")
    return lines


def approval_lines(approvals: tuple[NewerApproval, ...]) -> list[str]:
    """The newer approvals, each with its dates, sources and the question to ask."""
    lines = _heading(NEWER_APPROVALS_TITLE)
    lines += _wrap("These are not in the guide. They come from FDA notices, listed with their dates.")
    for approval in approvals:
        lines += ["", *_wrap(f"* {approval.medicine}: {approval.text}", "", "  ")]
        if approval.before_guide:
            lines += _wrap(before_guide_line(approval), "  ", "    ")
        for step in approval.steps:
            lines += _wrap(f"{step.date_label}: {step.what}", "  ", "    ")
            lines += _source_line(step.source, "    ")
        lines += [
            line for why in approval.why for line in _wrap(f"Why this is shown: {why}", "  ", "    ")
        ]
        lines += _wrap(approval.ask, "  ")
    return lines


def _treatment_lines(g: Guidance) -> list[str]:
    lines = _heading("Treatment")
    lines += _wrap(f"From the guide, written {g.document.written}.")
    if g.subtype_guidance is not None:
        sg = g.subtype_guidance
        lines += _wrap(f"Your subtype is not known yet. {sg.text}")
        lines += _wrap(f"Why it matters: {sg.why_it_matters}")
        lines += _source_line(sg.source)
        lines.append("")
        lines += _wrap("Treatments the guide describes for each subtype:")
    lines += _note_lines(g.biology_note)
    if g.brain_note is not None:
        lines += _note_lines(g.brain_note)
    for card in g.therapy_cards:
        lines.append("")
        lines += _wrap(f"* {card.title} (guide, written {g.document.written})")
        lines += _wrap(card.summary, "  ")
        lines += [line for why in card.why for line in _wrap(f"Why this is shown: {why}", "  ", "    ")]
        lines += [line for q in card.ask for line in _wrap(f"Question: {q.text}", "  ", "    ")]
        lines += _source_line(card.source)
        for change in card.since:
            lines += _wrap(f"{SINCE_TITLE} ({change.date_label}): {change.text}", "  ", "    ")
            lines += [line for src in change.sources for line in _source_line(src, "    ")]
    lines.append("")
    for note in g.treatment_notes:
        lines += _note_lines(note)
    return lines


def _symptom_lines(g: Guidance) -> list[str]:
    lines = _heading("Symptoms to watch, by place")
    lines += _wrap("Tell your care team without delay about any of these (see above for emergencies).")
    for site in g.symptoms:
        lines.append(f"{site.label}:")
        lines += [line for s in site.symptoms for line in _wrap(f"- {s}", "  ", "    ")]
        if site.note:
            lines += _wrap(site.note, "  ")
        lines += _source_line(site.source)
    for note in (g.two_week_rule, g.when_to_call, *g.symptom_notes):
        lines += _note_lines(note)
    return lines


def format_symptoms_text(guidance: Guidance) -> str:
    """Only when to get help and the symptoms to watch (``mbc-navigator symptoms``)."""
    g = guidance
    lines = _header(g, "MBC Navigator: symptoms to watch and when to get help")
    lines += urgency_lines(g.urgency)
    lines += _symptom_lines(g)
    return "\n".join(lines).strip() + "\n"


def format_guidance_text(guidance: Guidance) -> str:
    """Render the guidance as plain text for a terminal: urgent help first, then the guide's topics,
    what has changed since the guide was written, symptoms, tests, questions, trials and support."""
    g = guidance
    lines = _header(g, "MBC Navigator: what the patient guide says for your situation")
    lines += urgency_lines(g.urgency)
    lines += _treatment_lines(g)
    if g.newer_approvals:
        lines += approval_lines(g.newer_approvals)
    if g.research_note is not None:
        lines += ["", *_note_lines(g.research_note)]
    lines += _symptom_lines(g)

    lines += _heading("Tests and scans")
    for note in (*g.diagnosis, *g.monitoring):
        lines += _note_lines(note)

    lines += _heading("Questions for your care team")
    for number, q in enumerate(g.questions, start=1):
        hang = " " * len(f"{number}. ")
        lines += _wrap(f"{number}. {q.text}", "", hang)
        lines += _source_line(q.source, hang)

    lines += _heading("Clinical trials")
    for note in g.trials_explained:
        lines += _note_lines(note)
    lines += ["", "Words you will see on trial pages:"]
    for word in g.trial_words:
        lines += _wrap(f"- {word.term}: {word.text}", "  ", "    ")

    lines += _heading("About metastatic breast cancer")
    for note in g.basics:
        lines += _note_lines(note)

    lines += _heading("Support named in the guide")
    for note in g.document_resources:
        if g.research_note is None or note.id != g.research_note.id:
            lines += _note_lines(note)
    return "\n".join(lines).strip() + "\n"
