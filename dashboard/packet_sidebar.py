"""The appointment packet downloads in the sidebar (PDF, Markdown, CSV of starred trials).

Files are built only when a button is clicked (deferred ``data`` callables), so drawing the sidebar
on every rerun costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import streamlit as st

from dashboard import components, guide, state, trial_data
from data.errors import CtgovError
from data.resources import load_resources
from matchers.packet import Packet, build_packet, packet_to_markdown, packet_trials_csv
from matchers.profile import PatientProfile
from matchers.resources import match_resources
from matchers.shortlist import (
    KeptStudy,
    keep_records,
    shortlist_packet_trials,
    trial_data_note,
)


def _current_records(
    profile: PatientProfile, origin: tuple[float, float] | None, *, include_not_yet: bool
) -> tuple[dict[str, KeptStudy], str | None]:
    """The records of the trials the page lists now (the freshest copy of a starred trial) and
    where they come from; nothing when the registry cannot be reached (kept copies then serve)."""
    uploaded = st.session_state.get(state.UPLOADED)
    if isinstance(uploaded, trial_data.UploadedStudies):
        result = trial_data.from_upload(
            uploaded, profile, origin, include_not_yet_recruiting=include_not_yet
        )
        source = uploaded.source
    else:
        try:
            result = trial_data.fetch(profile, origin, include_not_yet_recruiting=include_not_yet)
        except CtgovError:
            return {}, (
                "ClinicalTrials.gov could not be reached when this packet was made; each trial "
                "shows when its record was fetched."
            )
        source = trial_data.REGISTRY
    records = keep_records(result.studies, result.fetched_at, source=source, saved_copy=result.stale)
    note = trial_data_note(source=source, fetched_at=result.fetched_at)
    return records, note


def _packet_builder(profile: PatientProfile) -> Callable[[], Packet]:
    shortlist = state.shortlist()
    kept = state.kept_records()
    needs = tuple(st.session_state.get(state.NEEDS) or ())
    country = st.session_state.get(state.COUNTRY, "US")
    include_not_yet = bool(st.session_state.get(state.INCLUDE_NOT_YET))
    include_zip = bool(st.session_state.get(state.SHARE_ZIP))

    def build() -> Packet:
        trials = []
        note = None
        origin, _ = trial_data.origin_for(profile)
        if shortlist:
            current, note = _current_records(profile, origin, include_not_yet=include_not_yet)
            starred = trial_data.starred_records(shortlist, current, kept)
            trials = shortlist_packet_trials(
                profile,
                shortlist,
                starred.records,
                origin,
                unavailable=starred.unavailable,
                cache=trial_data.reading_cache(),
            )
        return build_packet(
            profile,
            guide.guidance_for(profile),
            trials,
            match_resources(profile, load_resources(), needs=needs, country=country),
            trial_data_note=note,
            created=date.today(),
            include_zip=include_zip,
            distance_place=trial_data.place_name(profile) if origin else None,
        )

    return build


def render(profile: PatientProfile | None) -> None:
    with st.sidebar:
        st.header("Appointment packet")
        if profile is None:
            st.caption("Fill in the form above to make a packet.")
            return
        starred = len(state.shortlist())
        st.caption(
            f"{components.count(starred, 'starred trial')}. Star trials on the "
            "Clinical trials page to add them. The packet holds your answers, never your name."
        )
        build = _packet_builder(profile)
        st.download_button(
            "Download packet (PDF)",
            data=lambda: _pdf(build()),
            file_name="mbc-appointment-packet.pdf",
            mime="application/pdf",
            icon="📄",
            key="download_pdf",
            on_click="ignore",
            width="stretch",
        )
        st.download_button(
            "Download packet (Markdown)",
            data=lambda: packet_to_markdown(build()),
            file_name="mbc-appointment-packet.md",
            mime="text/markdown",
            key="download_md",
            on_click="ignore",
            width="stretch",
        )
        st.download_button(
            "Download starred trials (CSV)",
            data=lambda: packet_trials_csv(build()),
            file_name="mbc-starred-trials.csv",
            mime="text/csv",
            key="download_csv",
            on_click="ignore",
            width="stretch",
            disabled=starred == 0,
        )


def _pdf(packet: Packet) -> bytes:
    """The packet as a US Letter PDF; fpdf is imported only when a PDF is asked for (it is a fifth
    of the start-up time of every command otherwise)."""
    from matchers.packet_pdf import packet_to_pdf

    return packet_to_pdf(packet, page_format="Letter")
