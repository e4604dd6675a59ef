"""Where the trials page gets its trials: the registry (with progress), or an uploaded file.

When the registry cannot be reached and nothing is saved, the page says so in words, offers to try
again, and offers an upload of a file downloaded from ClinicalTrials.gov, so a navigator behind a
hospital firewall can still match.
"""

from __future__ import annotations

import streamlit as st

from dashboard import components, state, trial_data
from data.errors import CtgovError, StudyFileError
from matchers.profile import PatientProfile

UPLOAD_PROBLEM = "upload_problem"
UPLOAD_ROUND = "upload_round"
UPLOAD_TYPES = ["json", "jsonl", "ndjson", "gz"]
UPLOAD_LABEL = "Upload a file of trials downloaded from ClinicalTrials.gov"
UPLOAD_HELP = (
    "On ClinicalTrials.gov, search for the trials, choose Download, and pick the JSON format. "
    "A file from the registry's API (JSON, a JSON list, or one study per line; gzip is fine) "
    f"works too. Up to {trial_data.MAX_UPLOAD_BYTES // (1024 * 1024)} MB. The file stays on this "
    "computer."
)


def _upload_key() -> str:
    return f"study_upload_{st.session_state.get(UPLOAD_ROUND, 0)}"


def _read_uploaded_file() -> None:
    """The uploader's callback: read the file, or keep the problem in words to show."""
    file = st.session_state.get(_upload_key())
    st.session_state.pop(UPLOAD_PROBLEM, None)
    if file is None:
        return
    try:
        st.session_state[state.UPLOADED] = trial_data.read_upload(file.name, file.getvalue())
    except StudyFileError as error:
        st.session_state[UPLOAD_PROBLEM] = str(error)


def stop_using_upload() -> None:
    """Back to the registry: forget the uploaded studies and empty the uploader."""
    st.session_state.pop(state.UPLOADED, None)
    st.session_state.pop(UPLOAD_PROBLEM, None)
    st.session_state[UPLOAD_ROUND] = int(st.session_state.get(UPLOAD_ROUND, 0)) + 1


def upload_box(*, expanded: bool) -> None:
    """The upload, in an expander (open when the registry cannot be reached)."""
    with st.expander("Use a file downloaded from ClinicalTrials.gov instead", expanded=expanded):
        st.file_uploader(
            UPLOAD_LABEL,
            type=UPLOAD_TYPES,
            key=_upload_key(),
            help=UPLOAD_HELP,
            on_change=_read_uploaded_file,
            max_upload_size=trial_data.MAX_UPLOAD_BYTES // (1024 * 1024),
        )
        st.caption(UPLOAD_HELP)
        if problem := st.session_state.get(UPLOAD_PROBLEM):
            components.warning(problem, icon="📄")


def uploaded_results(
    uploaded: trial_data.UploadedStudies,
    profile: PatientProfile,
    origin: tuple[float, float] | None,
    *,
    include_not_yet: bool,
) -> trial_data.TrialResults:
    """The uploaded file's trials, ranked, with a note that says so and a way back."""
    fetched = trial_data.from_upload(
        uploaded, profile, origin, include_not_yet_recruiting=include_not_yet
    )
    results = trial_data.ranked(profile, fetched, origin, source=uploaded.source)
    with st.container(border=True):
        st.markdown(
            f"📄 **Trials from the file {components.escaped(uploaded.name)}**, read "
            f"{trial_data.age_text(uploaded.read_at)}: "
            f"{components.count(len(uploaded.studies), 'trial')} in the file, "
            f"{len(fetched.studies):,} open"
            + (f" within {profile.travel_miles:,} miles" if origin and profile.travel_miles else "")
            + ". Records change: check each trial's own page."
        )
        if uploaded.note:
            st.caption(components.escaped(uploaded.note))
        st.button("Search ClinicalTrials.gov instead", on_click=stop_using_upload, icon="🔄")
    return results


def searched_results(
    profile: PatientProfile, origin: tuple[float, float] | None, *, include_not_yet: bool
) -> trial_data.TrialResults | None:
    """The registry's trials for this profile, with visible progress; ``None`` (after saying why,
    with a retry button and the upload) when the registry cannot be reached and nothing is saved."""
    with st.status("Looking for trials…", expanded=False) as progress:
        progress.update(label="Searching ClinicalTrials.gov…")
        try:
            fetched = trial_data.fetch(profile, origin, include_not_yet_recruiting=include_not_yet)
        except CtgovError as error:
            progress.update(label="Could not get trials", state="error")
            failure: CtgovError | None = error
        else:
            failure = None
            where = (
                f"within {profile.travel_miles:,} miles of {profile.zip_code}" if origin else "anywhere"
            )
            found = len(fetched.studies)
            st.write(f"Found {components.count(found, 'breast cancer trial')} {where}.")
            progress.update(
                label=f"Reading the eligibility criteria of {components.count(found, 'trial')}…"
            )
            results = trial_data.ranked(profile, fetched, origin)
            st.write("Compared each trial's criteria with your answers.")
            progress.update(
                label=f"Checked {components.count(len(results.matches), 'trial')} against your answers",
                state="complete",
            )
    if failure is not None:
        unreachable(failure)
        return None
    return results


def unreachable(error: CtgovError) -> None:
    """No trials to show: why, in words (visible, not folded away), a retry, and the upload."""
    st.error(components.escaped(trial_data.unreachable_message(error)), icon="⚠️")
    st.markdown(
        "You can **try again** in a moment, or **use a file of trials** downloaded from "
        "ClinicalTrials.gov on a computer that can reach it (for example outside a hospital "
        "network). Your answers are kept."
    )
    st.button("Try again", on_click=trial_data.retry, icon="🔄", type="primary")
    upload_box(expanded=True)


def stale_notice(results: trial_data.TrialResults) -> None:
    """The saved copy shown because the registry failed: its age, why, and a retry."""
    why = f" ({results.result.failure})" if results.result.failure else ""
    components.warning(
        f"ClinicalTrials.gov could not be reached just now{why}. These are the results saved "
        f"{trial_data.age_text(results.result.fetched_at)}; some may have changed since.",
        icon="🕒",
    )
    st.button("Try ClinicalTrials.gov again", on_click=trial_data.retry, icon="🔄")
