"""Page: support groups, help lines and financial help that fit this patient."""

from datetime import date

import streamlit as st

from dashboard import components, state
from data.resources import load_resources
from matchers.resources import NEED_LABELS, NEEDS, check_note, match_resources

COUNTRIES: dict[str, str] = {"US": "United States", "CA": "Canada", "GB": "United Kingdom"}

profile, _ = components.page("Support and resources")

left, right = st.columns([3, 1])
left.multiselect(
    "What would help most right now?",
    NEEDS,
    format_func=lambda need: NEED_LABELS.get(need, need),
    key=state.NEEDS,
    placeholder="Choose any that apply",
)
right.selectbox(
    "Country", list(COUNTRIES), format_func=lambda code: COUNTRIES.get(code, code), key=state.COUNTRY
)

matches = match_resources(
    profile,
    load_resources(),
    needs=st.session_state.get(state.NEEDS) or (),
    country=st.session_state.get(state.COUNTRY, "US"),
)
st.caption(f"{len(matches)} organizations fit your answers. Those made for your situation come first.")
for match in matches:
    resource = match.resource
    with st.container(border=True):
        st.markdown(f"#### {resource.name}")
        st.markdown(resource.offers)
        st.markdown("**Why it is listed:** " + "; ".join(match.why) + ".")
        contact = [f"[{resource.url}]({resource.url})"]
        if resource.phone:
            contact.insert(0, f"📞 {resource.phone}")
        st.markdown(" · ".join(contact))
        st.caption("Phone and web address: " + check_note(resource.last_checked, date.today()))
