"""Page: when to get help (most urgent first), then symptoms to watch for each site and when to call."""

import streamlit as st

from dashboard import components, guide

profile, _ = components.page("Symptoms to watch")
guidance = guide.guidance_for(profile)
guide.guide_date(guidance)

guide.urgency(guidance.urgency)

st.header("Symptoms to watch, by place")
for site in guidance.symptoms:
    with st.container(border=True):
        st.markdown(f"### {site.label}")
        if site.symptoms:
            st.markdown("Tell your care team without delay about:")
            for symptom in site.symptoms:
                st.markdown(f"- {symptom}")
        if site.note:
            st.markdown(site.note)
        components.source_caption(f"section “{site.source.section}”")

with st.container(border=True):
    st.markdown("### ⏱️ The two-week rule")
    st.markdown(guidance.two_week_rule.text)
    components.source_caption(f"section “{guidance.two_week_rule.source.section}”")

st.header("When to call")
guide.note(guidance.when_to_call)
for item in guidance.symptom_notes:
    guide.note(item)
