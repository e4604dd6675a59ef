"""Page: clinical trials from ClinicalTrials.gov (or an uploaded file), ranked for this patient."""

import streamlit as st

from dashboard import components, state, trial_data, trial_list, trial_source, trial_view

profile, location_problem = components.page("Clinical trials")
if location_problem:
    components.warning(location_problem, icon="📍")
origin, zip_problem = trial_data.origin_for(profile)
if zip_problem:
    components.warning(zip_problem + " Showing trials anywhere.", icon="📍")

st.checkbox("Also show trials that are not recruiting yet", key=state.INCLUDE_NOT_YET)
include_not_yet = bool(st.session_state.get(state.INCLUDE_NOT_YET))

uploaded = st.session_state.get(state.UPLOADED)
if isinstance(uploaded, trial_data.UploadedStudies):
    results = trial_source.uploaded_results(uploaded, profile, origin, include_not_yet=include_not_yet)
else:
    found = trial_source.searched_results(profile, origin, include_not_yet=include_not_yet)
    if found is None:
        st.stop()
    results = found
    if results.result.stale:
        trial_source.stale_notice(results)

for note in results.result.notes():
    st.warning(note, icon="⚠️")
for notice in (*results.result.notices, *trial_data.notices()):
    st.info(components.escaped(notice), icon="🗂️")

records = trial_data.records_of(results)
state.refresh_kept(records)
trial_view.verdict_counts(results.matches)
filtered = trial_view.filters(results.matches, has_origin=origin is not None)
trial_list.trial_list(filtered, results.studies, records, has_origin=origin is not None)
from_file = isinstance(uploaded, trial_data.UploadedStudies)
trial_list.shortlist_panel(records, {m.nct_id for m in filtered}, fetch=not from_file)
st.caption(
    components.escaped(results.data_note)
    + " Source: ClinicalTrials.gov, U.S. National Library of Medicine."
    + " Records change: check each trial's own page."
)
trial_list.sites_map(filtered, results.studies, origin)
trial_view.words_explained()
trial_list.chart(results.matches)
trial_view.details(filtered, results.studies, origin, records)
if not from_file:
    trial_source.upload_box(expanded=False)
