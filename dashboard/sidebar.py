"""The profile form in the sidebar, shared by every page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from dashboard import state
from data.knowledge import load_knowledge
from matchers.glossary import explain
from matchers.profile import (
    BIOMARKER_LABELS,
    BIOMARKERS,
    BRAIN_METS_LABELS,
    ECOG_LABELS,
    ECOG_VALUES,
    MENOPAUSAL_STATUSES,
    MENOPAUSE_LABELS,
    PRIOR_THERAPIES,
    PRIOR_THERAPY_LABELS,
    SEX_LABELS,
    SEXES,
    SITE_LABELS,
    SITES,
    SUBTYPE_LABELS,
    SUBTYPES,
)

NOT_SURE = "Not sure"


def _label(labels: dict[str, str]) -> Callable[[Any], str]:
    return lambda value: NOT_SURE if value in (None, state.NOT_SURE_CHOICE) else labels.get(value, value)


def render_profile_form() -> None:
    """Draw the form; every widget is keyed so its value survives page changes and reruns."""
    with st.sidebar:
        st.header("About the cancer")
        st.radio(
            "Type (subtype) of breast cancer",
            SUBTYPES,
            format_func=_label(SUBTYPE_LABELS),
            key=state.SUBTYPE,
            index=None,
            help="Your pathology report or care team can tell you. "
            "Choose “Not sure” if you don’t know.  \n"
            + explain(load_knowledge(), "hormone-receptor", "her2", "triple-negative"),
        )
        if st.session_state.get(state.SUBTYPE) == "her2-positive":
            st.radio(
                "Is it also hormone-receptor-positive?",
                ["positive", "negative", state.NOT_SURE_CHOICE],
                format_func=_label({"positive": "Yes (ER or PR positive)", "negative": "No"}),
                key=state.HORMONE_RECEPTOR,
                index=None,
            )
        st.multiselect(
            "Where has it spread?",
            SITES,
            format_func=_label(SITE_LABELS),
            key=state.SITES,
            placeholder="Choose one or more places",
        )
        if "brain" in (st.session_state.get(state.SITES) or []):
            st.radio(
                "Brain metastases are…",
                ["stable", "active", state.NOT_SURE_CHOICE],
                format_func=_label(BRAIN_METS_LABELS),
                key=state.BRAIN_METS,
                index=None,
            )
        with st.expander("More details (optional)"):
            st.caption("Each detail helps match trials. Leave anything you are unsure of empty.")
            st.number_input("Age", min_value=18, max_value=120, step=1, value=None, key=state.AGE)
            st.selectbox(
                "Sex",
                [None, *SEXES],
                format_func=_label(SEX_LABELS),
                key=state.SEX,
            )
            st.selectbox(
                "Menopausal status",
                [None, *MENOPAUSAL_STATUSES],
                format_func=_label(MENOPAUSE_LABELS),
                key=state.MENOPAUSAL,
            )
            st.selectbox(
                "Daily activity (ECOG performance status)",
                [None, *ECOG_VALUES],
                format_func=lambda v: NOT_SURE if v is None else f"{v} – {ECOG_LABELS[v]}",
                key=state.ECOG,
                help=explain(load_knowledge(), "ecog"),
            )
            st.multiselect(
                "Test results known to be positive",
                BIOMARKERS,
                format_func=_label(BIOMARKER_LABELS),
                key=state.BIOMARKERS,
                help="Only list results you know are positive. "
                "Anything not listed counts as unknown.  \n"
                + explain(load_knowledge(), "biomarker", "pi3-kinase", "her2-low"),
            )
            st.multiselect(
                "Treatments already received",
                PRIOR_THERAPIES,
                format_func=_label(PRIOR_THERAPY_LABELS),
                key=state.PRIOR_THERAPIES,
                help=explain(load_knowledge(), "cdk46-inhibitor"),
            )
            st.number_input(
                "Lines of treatment since the cancer spread",
                min_value=0,
                max_value=20,
                step=1,
                value=None,
                key=state.PRIOR_LINES,
                help="Each time treatment changed because the cancer grew counts as one line.  \n"
                + explain(load_knowledge(), "line-of-treatment"),
            )
        with st.expander("Location (optional)"):
            st.text_input("US ZIP code", key=state.ZIP, max_chars=5, placeholder="e.g. 02215")
            st.select_slider("How far can you travel? (miles)", state.MILES_OPTIONS, key=state.MILES)
            st.checkbox("Include my ZIP code in the shareable link", key=state.SHARE_ZIP)
