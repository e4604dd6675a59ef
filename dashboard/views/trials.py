"""Page: clinical trials from ClinicalTrials.gov, ranked for this patient, with filters and details."""

import streamlit as st

from dashboard import components, state, trial_data, trial_view
from data.errors import CtgovError

profile, location_problem = components.page("Clinical trials")
if location_problem:
    components.warning(location_problem, icon="📍")
origin, zip_problem = trial_data.origin_for(profile)
if zip_problem:
    components.warning(zip_problem + " Showing trials anywhere.", icon="📍")

st.checkbox("Also show trials that are not recruiting yet", key=state.INCLUDE_NOT_YET)

with st.status("Looking for trials…", expanded=False) as progress:
    progress.update(label="Searching ClinicalTrials.gov…")
    try:
        fetched = trial_data.fetch(
            profile, origin, include_not_yet_recruiting=bool(st.session_state.get(state.INCLUDE_NOT_YET))
        )
    except CtgovError as error:
        progress.update(label="Could not get trials", state="error")
        st.error(components.escaped(str(error)), icon="⚠️")  # may quote the server's own words
        st.stop()
    where = f"within {profile.travel_miles:,} miles of {profile.zip_code}" if origin else "anywhere"
    st.write(f"Found {components.count(len(fetched.studies), 'breast cancer trial')} {where}.")
    progress.update(
        label=f"Reading the eligibility criteria of {components.count(len(fetched.studies), 'trial')}…"
    )
    results = trial_data.ranked(profile, fetched, origin)
    st.write("Compared each trial's criteria with your answers.")
    progress.update(
        label=f"Checked {components.count(len(results.matches), 'trial')} against your answers",
        state="complete",
    )

if results.result.stale:
    why = f" ({results.result.failure})" if results.result.failure else ""
    components.warning(
        f"ClinicalTrials.gov could not be reached just now{why}. These are the results saved "
        f"{trial_data.age_text(results.result.fetched_at)}; some may have changed since.",
        icon="🕒",
    )
for note in results.result.notes():
    st.warning(note, icon="⚠️")
for notice in (*results.result.notices, *trial_data.notices()):
    st.info(components.escaped(notice), icon="🗂️")
st.caption(
    results.data_note
    + " Source: ClinicalTrials.gov, U.S. National Library of Medicine."
    + " Records change: check each trial's own page."
)

trial_view.verdict_counts(results.matches)
trial_view.words_explained()
filtered = trial_view.filters(results.matches, has_origin=origin is not None)
trial_view.table(filtered)
trial_view.nearest_sites_map(filtered, origin)
trial_view.chart(results.matches)
trial_view.details(filtered, results.studies, origin)
