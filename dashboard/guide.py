"""Rendering of the patient guide's content (cards, notes, questions), shared by the guide pages."""

from __future__ import annotations

import streamlit as st

from dashboard.components import source_caption
from data.knowledge import load_knowledge
from matchers.profile import PatientProfile
from matchers.selection import Guidance, GuidanceNote, Question, TherapyCard, select_guidance


def guidance_for(profile: PatientProfile) -> Guidance:
    """The guide's selection for this profile (the knowledge base is loaded and validated once)."""
    return select_guidance(profile, load_knowledge())


def note(item: GuidanceNote, *, heading_level: int = 4) -> None:
    st.markdown(f"{'#' * heading_level} {item.title}")
    st.markdown(item.text)
    for entry in item.items:
        st.markdown(f"- {entry}")
    source_caption(f"section “{item.source.section}”")


def therapy_card(card: TherapyCard) -> None:
    with st.container(border=True):
        st.markdown(f"#### {card.title}")
        st.markdown(card.summary)
        if card.why:
            st.markdown("**Why you see this:** " + " ".join(card.why))
        if card.ask:
            st.markdown("**Ask your care team:**")
            for question in card.ask:
                st.markdown(f"- {question.text}")
        source_caption(f"{card.source.document}, section “{card.source.section}”")


def questions(items: tuple[Question, ...]) -> None:
    for number, question in enumerate(items, start=1):
        st.markdown(f"{number}. {question.text}  \n*Source: section “{question.source.section}”*")
