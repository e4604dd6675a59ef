"""Page: the standard treatments the guide describes for this subtype and these sites, what has
changed since the guide was written, and the newer approvals to ask about."""

import streamlit as st

from dashboard import components, guide

profile, _ = components.page("Treatments and care")
guidance = guide.guidance_for(profile)
guide.guide_date(guidance)

if guidance.subtype_guidance is not None:
    with st.container(border=True):
        st.markdown("### First, find out the subtype")
        st.markdown(guidance.subtype_guidance.text)
        st.markdown(guidance.subtype_guidance.why_it_matters)
        st.markdown(f"**Ask your care team:** {guidance.subtype_guidance.question.text}")
        components.source_caption(f"section “{guidance.subtype_guidance.source.section}”")

if guidance.brain_note is not None:
    with st.container(border=True):
        st.markdown("### 🧠 Because the cancer has reached the brain")
        guide.note(guidance.brain_note)

guide.note(guidance.biology_note, heading_level=3)

st.header("Standard treatments in the guide")
st.caption(f"The guide was written {guidance.document.written}. Changes since then are marked 🕒.")
if guidance.subtype_guidance is not None:
    st.caption("Your subtype is not known yet, so every subtype's treatments are shown.")
for card in guidance.therapy_cards:
    guide.therapy_card(card, guidance.document.written)
for item in guidance.treatment_notes:
    guide.note(item)

guide.newer_approvals(guidance.newer_approvals, guidance.research_note)

st.header("Tests, scans and follow-up")
for item in (*guidance.diagnosis, *guidance.monitoring):
    guide.note(item)

st.header("Questions to ask your care team")
guide.questions(guidance.questions)

st.header("About clinical trials")
for item in guidance.trials_explained:
    guide.note(item)
st.page_link("views/trials.py", label="See trials that may fit you", icon="🔬")

st.header("About metastatic breast cancer")
for item in guidance.basics:
    guide.note(item)

guide.glossary_section()
