"""Rendering of the patient guide's content (cards, notes, questions) and of what is newer than the
guide (dated notes, newer approvals, urgency tiers, word explanations), shared by the guide pages."""

from __future__ import annotations

import streamlit as st

from dashboard.components import source_caption
from data.knowledge import load_knowledge
from matchers.citation import Citation
from matchers.currency import NEWER_APPROVALS_TITLE, SINCE_TITLE, NewerApproval, before_guide_line
from matchers.glossary import glossary
from matchers.profile import PatientProfile
from matchers.public_sources import PublicCitation
from matchers.selection import Guidance, GuidanceNote, Question, TherapyCard, select_guidance
from matchers.urgency import URGENCY_TITLE, UrgencyGroup

_TIER_BOXES = {"emergency": st.error, "call-today": st.warning, "two-week": st.info}
_TIER_ICONS = {"emergency": "🚨", "call-today": "📞", "two-week": "⏱️"}


def guidance_for(profile: PatientProfile) -> Guidance:
    """The guide's selection for this profile (the knowledge base is loaded and validated once)."""
    return select_guidance(profile, load_knowledge())


def guide_date(guidance: Guidance) -> None:
    """Under the page head: whose words these are and when they were written."""
    st.caption(
        f"From the patient guide “{guidance.document.title}”, written {guidance.document.written}. "
        f"{guidance.document.written_basis} Anything newer is shown apart, with its date and source."
    )


def any_source(source: Citation | PublicCitation) -> None:
    """A guide section, or a public page with its address and when it was last checked."""
    if isinstance(source, Citation):
        source_caption(f"section “{source.section}”")
    else:
        source_caption(f"{source} — [{source.url}]({source.url}). {source.checked_line}")


def note(item: GuidanceNote, *, heading_level: int = 4) -> None:
    st.markdown(f"{'#' * heading_level} {item.title}")
    st.markdown(item.text)
    for entry in item.items:
        st.markdown(f"- {entry}")
    source_caption(f"section “{item.source.section}”")


def therapy_card(card: TherapyCard, written: str) -> None:
    with st.container(border=True):
        st.markdown(f"#### {card.title}")
        st.caption(f"From the guide, written {written}.")
        st.markdown(card.summary)
        if card.why:
            st.markdown("**Why you see this:** " + " ".join(card.why))
        if card.ask:
            st.markdown("**Ask your care team:**")
            for question in card.ask:
                st.markdown(f"- {question.text}")
        source_caption(f"{card.source.document}, section “{card.source.section}”")
        for change in card.since:
            with st.container(border=True):
                st.markdown(f"**🕒 {SINCE_TITLE} ({change.date_label})**")
                st.markdown(change.text)
                for source in change.sources:
                    any_source(source)


def newer_approvals(items: tuple[NewerApproval, ...], research: GuidanceNote | None) -> None:
    if not items:
        return
    st.header(NEWER_APPROVALS_TITLE)
    st.caption("Not from the guide. Each comes from an FDA notice, shown with its date and address.")
    for approval in items:
        with st.container(border=True):
            st.markdown(f"#### {approval.medicine}")
            st.markdown(approval.text)
            if approval.before_guide:
                st.caption(before_guide_line(approval))
            for step in approval.steps:
                st.markdown(f"- **{step.date_label}:** {step.what}")
                any_source(step.source)
            st.markdown("**Why you see this:** " + " ".join(approval.why))
            st.markdown(f"**{approval.ask}**")
    if research is not None:
        note(research)


def urgency(groups: tuple[UrgencyGroup, ...]) -> None:
    """The three tiers, most urgent first, each in a box whose colour and icon match its urgency."""
    st.header(URGENCY_TITLE)
    for group in groups:
        if not group.signs:
            continue
        box = _TIER_BOXES.get(group.id, st.info)
        lines = [f"**{group.title}.** {group.text}", *(f"- {sign.text}" for sign in group.signs)]
        box("\n".join(lines), icon=_TIER_ICONS.get(group.id, "ℹ️"))
        with st.expander(f"Sources for “{group.title}”"):
            for sign in group.signs:
                st.markdown(f"- {sign.text}")
                any_source(sign.source)


def glossary_section() -> None:
    """Every word explained, one plain sentence each, with its source."""
    with st.expander("📖 Words explained"):
        for item in glossary(load_knowledge()):
            st.markdown(f"**{item.term}:** {item.text}")
            st.caption(f"Source: {item.source_text}")


def questions(items: tuple[Question, ...]) -> None:
    for number, question in enumerate(items, start=1):
        st.markdown(f"{number}. {question.text}  \n*Source: section “{question.source.section}”*")
