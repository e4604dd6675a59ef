"""Session state for the dashboard: widget keys, the profile they form, and the shareable URL.

This is the only module that knows the session keys. Widgets live in the entrypoint's sidebar with
these keys so every page sees the same choices; ``keep_widget_state`` stops Streamlit from dropping
a page-only widget's value when the user visits another page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from data.geocode import is_zip_code
from matchers.profile import PatientProfile, ProfileError, profile_from_mapping
from matchers.share_link import (
    link_problem_heading,
    link_problem_lines,
    profile_from_query,
    profile_to_query,
)
from matchers.shortlist import KeptStudy

SUBTYPE = "subtype"
HORMONE_RECEPTOR = "hormone_receptor"
SITES = "sites"
BRAIN_METS = "brain_mets"
AGE = "age"
SEX = "sex"
MENOPAUSAL = "menopausal_status"
ECOG = "ecog"
BIOMARKERS = "biomarkers"
PRIOR_THERAPIES = "prior_therapies"
PRIOR_LINES = "prior_lines"
ZIP = "zip_code"
MILES = "travel_miles"
SHARE_ZIP = "share_zip"
INCLUDE_NOT_YET = "include_not_yet_recruiting"
NEEDS = "needs"
COUNTRY = "country"
SHORTLIST = "shortlist"
#: Each starred trial's record as it was when starred (``KeptStudy`` by NCT ID), for the packet.
SHORTLIST_KEPT = "shortlist_kept"
#: Studies read from an uploaded file (``UploadedStudies``), used instead of the registry.
UPLOADED = "uploaded_studies"
#: How many trial cards the phone layout shows (grows with "Show more").
CARD_COUNT = "card_count"
CARDS_PER_PAGE = 20
FILTER_VERDICTS = "filter_verdicts"
FILTER_PHASES = "filter_phases"
FILTER_STATUSES = "filter_statuses"
FILTER_MILES = "filter_miles"
#: The trials page's filters section: its key keeps it open while its label changes.
FILTERS_SECTION = "trial_filters"
DETAIL_TRIAL = "detail_trial"
#: Opt-in to a street map, whose pictures come from an outside service (off by default).
STREET_MAP = "street_map"
ANY_DISTANCE = 0
#: A radio's "Not sure" choice. A radio cannot show ``None`` as chosen, so clicking a ``None``
#: option looked like nothing happened; this stands in for it and reads back as "not given".
NOT_SURE_CHOICE = "not-sure"
#: Distance filter choices on the trials page; ``ANY_DISTANCE`` shows every trial found.
DISTANCE_FILTER_OPTIONS: tuple[int, ...] = (25, 50, 100, 250, 500, 1000, ANY_DISTANCE)
LINK_MESSAGE = "link_message"
LINK_READ = "link_read"

#: Profile fields and the widget key holding each; ``None`` in a widget means "not given".
PROFILE_WIDGETS: dict[str, str] = {
    "subtype": SUBTYPE,
    "hormone_receptor": HORMONE_RECEPTOR,
    "sites": SITES,
    "brain_mets": BRAIN_METS,
    "age": AGE,
    "sex": SEX,
    "menopausal_status": MENOPAUSAL,
    "ecog": ECOG,
    "biomarkers": BIOMARKERS,
    "prior_therapies": PRIOR_THERAPIES,
    "prior_lines": PRIOR_LINES,
    "zip_code": ZIP,
    "travel_miles": MILES,
}

DEFAULTS: dict[str, Any] = {
    SUBTYPE: None,
    HORMONE_RECEPTOR: None,
    SITES: [],
    BRAIN_METS: None,
    AGE: None,
    SEX: None,
    MENOPAUSAL: None,
    ECOG: None,
    BIOMARKERS: [],
    PRIOR_THERAPIES: [],
    PRIOR_LINES: None,
    ZIP: "",
    MILES: 100,
    SHARE_ZIP: False,
    INCLUDE_NOT_YET: False,
    NEEDS: [],
    COUNTRY: "US",
    FILTER_VERDICTS: ["likely_eligible", "possibly_eligible"],
    FILTER_PHASES: [],
    FILTER_STATUSES: [],
    FILTER_MILES: ANY_DISTANCE,
    DETAIL_TRIAL: None,
    STREET_MAP: False,
}
#: Travel distances offered in the form; a shared link's distance snaps to the nearest one.
MILES_OPTIONS: tuple[int, ...] = (10, 25, 50, 100, 250, 500, 1000, 3000)
#: Keys whose values must survive page switches even when their widget is not on the page.
PERSISTENT_KEYS: tuple[str, ...] = tuple(DEFAULTS)


@dataclass(frozen=True)
class ProfileState:
    """The profile the form currently describes, or what is missing or wrong in the form."""

    profile: PatientProfile | None
    problem: str | None = None
    location_problem: str | None = None


def init_state() -> None:
    """Fill defaults once per session, then apply a shared link's choices on the first run."""
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, value)
    st.session_state.setdefault(SHORTLIST, [])
    st.session_state.setdefault(SHORTLIST_KEPT, {})
    if not st.session_state.get(LINK_READ):
        st.session_state[LINK_READ] = True
        _apply_link()


def keep_widget_state() -> None:
    """Re-assign persistent keys so Streamlit keeps them while their widget is off-screen."""
    for key in PERSISTENT_KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def _apply_link() -> None:
    """Fill the form from a shared link: every usable value is kept, every other one is named."""
    view = profile_from_query(st.query_params.to_dict())
    if view.problems:
        st.session_state[LINK_MESSAGE] = (link_problem_heading(view), *link_problem_lines(view))
        st.query_params.clear()  # the form's own choices are written back once it is complete
    for field, value in view.values.items():
        st.session_state[PROFILE_WIDGETS[field]] = value
    miles = view.values.get("travel_miles")
    if isinstance(miles, int):
        st.session_state[MILES] = min(MILES_OPTIONS, key=lambda option: abs(option - miles))
    if view.values.get("zip_code"):
        st.session_state[SHARE_ZIP] = True
    if view.trials:
        st.session_state[SHORTLIST] = list(dict.fromkeys([*shortlist(), *view.trials]))


def current_profile() -> ProfileState:
    """Build the profile from the widgets; a missing subtype or site is a prompt, not an error."""
    if not st.session_state.get(SUBTYPE):
        return ProfileState(None, "Choose the type of breast cancer to begin (or “Not sure”).")
    if not st.session_state.get(SITES):
        return ProfileState(None, "Choose at least one place where the cancer has spread.")
    values: dict[str, Any] = {field: st.session_state.get(key) for field, key in PROFILE_WIDGETS.items()}
    values = {field: None if value == NOT_SURE_CHOICE else value for field, value in values.items()}
    if values["subtype"] != "her2-positive":
        values["hormone_receptor"] = None
    if "brain" not in values["sites"]:
        values["brain_mets"] = None
    location_problem = None
    zip_code = str(values["zip_code"] or "").strip()
    if zip_code and not is_zip_code(zip_code):
        location_problem = (
            f"“{zip_code}” is not a 5-digit US ZIP code, so distances are not shown. "
            "Check the ZIP code, or leave it empty to see trials anywhere."
        )
        zip_code = ""
    values["zip_code"] = zip_code or None
    if not zip_code:
        values["travel_miles"] = None
    try:
        return ProfileState(profile_from_mapping(values), location_problem=location_problem)
    except ProfileError as error:
        return ProfileState(None, f"Please check this answer: {error}")


def sync_link(profile: PatientProfile | None) -> None:
    """Mirror the profile's choices into the page URL so the view can be bookmarked or sent."""
    if profile is None:
        return
    wanted = profile_to_query(
        profile, include_zip=bool(st.session_state.get(SHARE_ZIP)), trials=shortlist()
    )
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


def shortlist() -> list[str]:
    """NCT IDs the user starred, in the order starred."""
    return list(st.session_state.get(SHORTLIST, []))


def kept_records() -> dict[str, KeptStudy]:
    """The records kept for starred trials, by NCT ID."""
    return dict(st.session_state.get(SHORTLIST_KEPT) or {})


def set_starred(nct_id: str, starred: bool, record: KeptStudy | None = None) -> None:
    """Star or unstar a trial; a starred trial's record is kept so the packet never loses it."""
    ids = shortlist()
    kept = kept_records()
    if starred and nct_id not in ids:
        ids.append(nct_id)
    if not starred and nct_id in ids:
        ids.remove(nct_id)
    if starred and record is not None:
        kept[nct_id] = record
    if not starred:
        kept.pop(nct_id, None)
    st.session_state[SHORTLIST] = ids
    st.session_state[SHORTLIST_KEPT] = kept


def refresh_kept(records: dict[str, KeptStudy]) -> None:
    """Keep the newest record of each starred trial found again (a search or a fetch by number)."""
    kept = kept_records()
    newer = {i: records[i] for i in shortlist() if i in records and kept.get(i) != records[i]}
    if newer:
        st.session_state[SHORTLIST_KEPT] = {**kept, **newer}
