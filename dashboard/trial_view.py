"""Rendering pieces of the Clinical trials page: counts, filters, table, chart and the detail view."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import pandas as pd
import streamlit as st

from dashboard import components, site_map, state
from data.knowledge import load_knowledge
from data.models import Study
from matchers.geo import haversine_miles, is_recruiting
from matchers.glossary import glossary, phases_help, verdict_help
from matchers.safe_text import one_line
from matchers.shortlist import (
    KeptStudy,
    nearest_site_line,
    phase_words,
    status_words,
    trial_contacts,
)
from matchers.trial_places import where_it_runs
from matchers.trial_summary import plain_summary
from matchers.verdict import VERDICT_LABELS, VERDICTS, TrialMatch

VERDICT_ICONS = {
    "likely_eligible": "✅",
    "possibly_eligible": "❔",
    "likely_excluded": "⛔",
    "not_relevant": "➖",
}


#: Verdict names short enough for a chart axis or a metric, so no label is cut.
SHORT_LABELS = {**VERDICT_LABELS, "not_relevant": "Not for metastatic cancer"}


def verdict_text(verdict: str) -> str:
    """Icon plus words, so the verdict never depends on colour or the icon alone."""
    return f"{VERDICT_ICONS[verdict]} {VERDICT_LABELS[verdict]}"


def verdict_counts(matches: Sequence[TrialMatch]) -> None:
    """Four counts on a wide screen; one short line on a phone, so the trials come sooner."""
    counts = Counter(m.verdict for m in matches)
    kb = load_knowledge()
    with st.container(key="verdict_counts"):
        for column, verdict in zip(st.columns(len(VERDICTS)), VERDICTS, strict=True):
            column.metric(
                f"{VERDICT_ICONS[verdict]} {SHORT_LABELS[verdict]}",
                counts.get(verdict, 0),
                help=verdict_help(kb, verdict),
            )
    with st.container(key="verdict_line"):
        st.caption(
            " · ".join(f"{VERDICT_ICONS[v]} {VERDICT_LABELS[v]}: {counts.get(v, 0):,}" for v in VERDICTS)
        )


def words_explained() -> None:
    """What the phases and the four verdicts mean, each in one sentence with its source."""
    wanted = {"phase-1", "phase-2", "phase-3", "randomized"}
    with st.expander("What the phases and verdicts mean"):
        for item in glossary(load_knowledge()):
            if item.id in wanted or item.source is None:
                st.markdown(f"**{item.term}:** {item.text}")
                st.caption(f"Source: {item.source_text}")


def filters(matches: Sequence[TrialMatch], *, has_origin: bool) -> list[TrialMatch]:
    """Filter widgets (kept across pages) and the matches they let through."""
    phases = sorted({m.phase for m in matches})
    statuses = sorted({m.status or "Not given" for m in matches})
    chosen = st.session_state.get(state.FILTER_VERDICTS) or VERDICTS
    label = "Filters: showing " + ", ".join(VERDICT_LABELS[v].lower() for v in chosen)
    # The key keeps the section's identity while its label follows the verdicts shown: without
    # it, each verdict change drew a new section, folded, under the user's pointer.
    with st.expander(label, key=state.FILTERS_SECTION):
        return _filter_widgets(matches, phases, statuses, has_origin=has_origin)


def _filter_widgets(
    matches: Sequence[TrialMatch], phases: list[str], statuses: list[str], *, has_origin: bool
) -> list[TrialMatch]:
    # A row of its own: in a narrow column the chosen verdicts scrolled out of sight.
    st.multiselect(
        "Show",
        list(VERDICTS),
        format_func=verdict_text,
        key=state.FILTER_VERDICTS,
        placeholder="All verdicts",
        help="  \n".join(
            f"**{VERDICT_LABELS[v]}:** {verdict_help(load_knowledge(), v)}" for v in VERDICTS
        ),
    )
    columns = st.columns(3 if has_origin else 2)
    columns[0].multiselect(
        "Phase",
        phases,
        key=state.FILTER_PHASES,
        placeholder="All phases",
        help=phases_help(load_knowledge()),
    )
    columns[1].multiselect(
        "Status",
        statuses,
        format_func=status_words,
        key=state.FILTER_STATUSES,
        placeholder="All statuses",
    )
    if has_origin:
        columns[2].select_slider(
            "Nearest site within (miles)",
            state.DISTANCE_FILTER_OPTIONS,
            key=state.FILTER_MILES,
            format_func=lambda v: "Any distance" if v == state.ANY_DISTANCE else f"{v:,}",
        )
    verdicts = set(st.session_state.get(state.FILTER_VERDICTS) or VERDICTS)
    chosen_phases = set(st.session_state.get(state.FILTER_PHASES) or phases)
    chosen_statuses = set(st.session_state.get(state.FILTER_STATUSES) or statuses)
    max_miles = st.session_state.get(state.FILTER_MILES, state.ANY_DISTANCE) if has_origin else None
    return [
        m
        for m in matches
        if m.verdict in verdicts
        and m.phase in chosen_phases
        and (m.status or "Not given") in chosen_statuses
        and (
            max_miles in (None, state.ANY_DISTANCE)
            or (m.distance_miles is not None and m.distance_miles <= max_miles)
        )
    ]


def _site_frame(study: Study, origin: tuple[float, float] | None) -> pd.DataFrame:
    rows = []
    for site in study.sites:
        miles = (
            round(haversine_miles(origin[0], origin[1], site.lat, site.lon))
            if origin is not None and site.lat is not None and site.lon is not None
            else None
        )
        rows.append(
            {
                "Site": site.facility or "Not named",
                "Place": site.place,
                "Recruiting": "Yes" if is_recruiting(site) else "No",
                "Miles": miles,
                "lat": site.lat,
                "lon": site.lon,
            }
        )
    frame = pd.DataFrame(rows, columns=["Site", "Place", "Recruiting", "Miles", "lat", "lon"])
    return frame.sort_values("Miles", na_position="last") if origin is not None else frame


def details(
    matches: Sequence[TrialMatch],
    studies: dict[str, Study],
    origin: tuple[float, float] | None,
    records: dict[str, KeptStudy],
) -> None:
    """One trial in full: why it may fit, what may rule you out, contacts, sites, criteria."""
    if not matches:
        return
    st.subheader("Trial details")
    ids = [m.nct_id for m in matches]
    if st.session_state.get(state.DETAIL_TRIAL) not in ids:
        st.session_state[state.DETAIL_TRIAL] = ids[0]
    by_id = {m.nct_id: m for m in matches}
    st.selectbox(
        "Choose a trial",
        ids,
        format_func=lambda i: f"{by_id[i].rank}. {i} — {one_line(by_id[i].title, 90)}",
        key=state.DETAIL_TRIAL,
    )
    match = by_id[st.session_state[state.DETAIL_TRIAL]]
    study = studies[match.nct_id]
    with st.container(border=True):
        st.markdown(f"### {components.escaped(match.title)}")
        facts = [verdict_text(match.verdict), phase_words(study), status_words(match.status, "")]
        facts += [match.nct_id, f"last updated {study.last_update or 'date not given'}"]
        st.markdown(f"**{facts[0]}** · " + " · ".join(components.escaped(f) for f in facts[1:] if f))
        key = f"star_{match.nct_id}"
        st.session_state[key] = match.nct_id in state.shortlist()  # it may change elsewhere
        st.toggle(
            "☆ Star this trial for my appointment packet",
            key=key,
            on_change=_toggle_star,
            args=(match.nct_id, records.get(match.nct_id)),
        )
        st.link_button("Open this trial on ClinicalTrials.gov", match.url)
        _explanations(match)
        _plain_words(study)
        _what_it_tests(study)
        _contacts(match, study)
        _sites(study, origin, where_it_runs(match, study))
        with st.expander("Full eligibility criteria, as the trial lists them"):
            components.untrusted_text(study.eligibility_criteria)


def _plain_words(study: Study) -> None:
    """Our own plain summary built from the record's fields; the sponsor's text goes under it."""
    summary = plain_summary(study, load_knowledge())
    st.markdown("#### In plain words")
    if summary.tests:
        st.markdown("**What it tests:**")
        for name in summary.tests:
            st.markdown("- " + components.escaped(one_line(name)))
    for sentence in summary.sentences:
        st.markdown("- " + components.escaped(sentence))
    st.caption(summary.source)
    with st.expander("Summary from the registry (the sponsor's own words)"):
        components.untrusted_text(study.brief_summary)


def _what_it_tests(study: Study) -> None:
    """Who runs it, as the registry names it (registry text, escaped)."""
    if study.lead_sponsor:
        st.caption("Run by " + components.escaped(one_line(study.lead_sponsor)))


def _toggle_star(nct_id: str, record: KeptStudy | None) -> None:
    state.set_starred(nct_id, bool(st.session_state.get(f"star_{nct_id}")), record)


def _explanations(match: TrialMatch) -> None:
    st.markdown("#### Why it may fit you")
    if match.reasons:
        for reason in match.reasons:
            components.explanation(reason.text, reason.quote)
    else:
        st.markdown("Nothing in its criteria speaks clearly to your answers.")
    st.markdown("#### What may rule you out")
    if match.concerns:
        for concern in match.concerns:
            components.explanation(concern.text, concern.quote)
    else:
        st.markdown("We found nothing in its criteria that rules you out. The study team decides.")
    if match.questions:
        st.markdown("#### Questions to ask your care team")
        for question in match.questions:
            st.markdown(f"- {components.escaped(question)}")


def _contacts(match: TrialMatch, study: Study) -> None:
    st.markdown("#### Whom to contact")
    if (nearest := nearest_site_line(match)) is not None:
        st.markdown("**Nearest open site:** " + components.escaped(nearest))
    people = trial_contacts(match, study)
    if not people:
        st.markdown("The record lists no contact. Use the trial page's contact section.")
    for line in people:
        st.markdown("- " + components.escaped(line))


def _sites(study: Study, origin: tuple[float, float] | None, summary: str) -> None:
    frame = _site_frame(study, origin)
    st.markdown(f"#### Where it runs ({components.count(len(frame), 'site')})")
    if frame.empty:
        st.markdown("The record lists no sites.")
        return
    st.markdown(components.escaped(summary))

    def points() -> list[site_map.MapPoint]:
        return [
            site_map.MapPoint(
                site.lat,
                site.lon,
                one_line(f"{site.facility or 'Site'}, {site.place}", 120),
                (106, 27, 154),
            )
            for site in study.sites
            if site.lat is not None and site.lon is not None
        ]

    deck = site_map.kept_map(f"trial:{study.nct_id} {study.version}", points, origin=origin)
    if deck is not None:
        site_map.draw(deck, height=320)
        ring = " The small ring is the centre of your ZIP code's area." if origin else ""
        st.caption(
            "Each purple dot is a trial site. The table below lists them with their status." + ring
        )
    hidden = ["lat", "lon"] if origin is not None else ["lat", "lon", "Miles"]
    st.dataframe(
        frame.drop(columns=hidden),
        hide_index=True,
        width="stretch",
        column_config={"Miles": st.column_config.NumberColumn("Miles", format="%d")},
    )
