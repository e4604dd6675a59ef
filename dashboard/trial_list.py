"""The list of trials: a sortable table on a wide screen, cards on a phone; the map; the chart;
and the shortlist of starred trials, which holds every starred trial whatever the list shows.

Both the table and the cards are drawn; the page's width rules (``components.layout_rules``) show
one of them, so a phone never scrolls sideways through a table and a computer keeps its columns.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import components, site_map, state, trial_data
from dashboard.trial_view import SHORT_LABELS, verdict_text
from data.models import Study
from matchers.packet import safe_url
from matchers.safe_text import one_line
from matchers.shortlist import KeptStudy
from matchers.trial_places import site_points, where_it_runs
from matchers.verdict import VERDICT_LABELS, TrialMatch

_SITE_COLOR = (106, 27, 154)


def _where(match: TrialMatch, studies: dict[str, Study]) -> str:
    study = studies.get(match.nct_id)
    return where_it_runs(match, study) if study is not None else "Sites not known"


def _frame(matches: Sequence[TrialMatch], studies: dict[str, Study], starred: set[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Star": [m.nct_id in starred for m in matches],
            "Rank": [m.rank for m in matches],
            "Trial": [one_line(m.title, 140) for m in matches],
            "Verdict": [verdict_text(m.verdict) for m in matches],
            "Where": [one_line(_where(m, studies), 90) for m in matches],
            "Miles": [None if m.distance_miles is None else round(m.distance_miles) for m in matches],
            "Phase": [m.phase for m in matches],
            "Trial page": [m.url for m in matches],
            "NCT ID": [m.nct_id for m in matches],
        }
    )


def _star(nct_id: str, starred: bool, records: dict[str, KeptStudy]) -> None:
    state.set_starred(nct_id, starred, records.get(nct_id))


def table(
    matches: Sequence[TrialMatch],
    studies: dict[str, Study],
    records: dict[str, KeptStudy],
    *,
    has_origin: bool,
) -> None:
    """The sortable table; ticking ☆ stars a trial for the appointment packet."""
    starred = set(state.shortlist())
    frame = _frame(matches, studies, starred)
    # The key changes with the rows and the shortlist, so the editor never replays stale edits.
    fingerprint = hashlib.sha1(
        ("|".join(frame["NCT ID"]) + "#" + "|".join(sorted(starred))).encode()
    ).hexdigest()[:12]
    # Phase is left to the filter and the details: eight columns needed sideways scrolling.
    columns = ["Star", "Rank", "Trial", "Verdict", "Where", "Miles", "Trial page"]
    if not has_origin:
        columns.remove("Miles")
    with st.container(key="trial_table"):
        edited = st.data_editor(
            frame,
            key=f"trial_table_{fingerprint}",
            hide_index=True,
            width="stretch",
            column_order=columns,
            disabled=[c for c in frame.columns if c != "Star"],
            column_config={
                "Star": st.column_config.CheckboxColumn(
                    "☆", help="Star: add to your appointment packet", width=40
                ),
                "Rank": st.column_config.NumberColumn("Rank", format="%d", width=45),
                "Trial": st.column_config.TextColumn("Trial", width=280),
                "Verdict": st.column_config.TextColumn("Verdict", width=140),
                "Where": st.column_config.TextColumn(
                    "Nearest open site" if has_origin else "Where it runs", width=160
                ),
                "Miles": st.column_config.NumberColumn("Miles", format="%d", width=50),
                "Phase": st.column_config.TextColumn("Phase", width=65),
                "Trial page": st.column_config.LinkColumn(
                    "Trial page",
                    display_text=r"https://clinicaltrials\.gov/study/(NCT\d+)",
                    width=95,
                    help="Opens the trial's own page on ClinicalTrials.gov",
                ),
            },
        )
    for nct_id, was, now in zip(frame["NCT ID"], frame["Star"], edited["Star"], strict=True):
        if bool(was) != bool(now):
            _star(nct_id, bool(now), records)
            st.rerun()


def cards(
    matches: Sequence[TrialMatch], studies: dict[str, Study], records: dict[str, KeptStudy]
) -> None:
    """The trials as cards for a phone: rank, verdict, title, where, and a star."""
    shown = int(st.session_state.get(state.CARD_COUNT, state.CARDS_PER_PAGE))
    starred = set(state.shortlist())
    with st.container(key="trial_cards"):
        for match in matches[:shown]:
            key = f"card_star_{match.nct_id}"
            st.session_state[key] = match.nct_id in starred  # the star may change elsewhere
            with st.container(border=True, key=f"card_{match.nct_id}"):
                st.markdown(f"**{match.rank}.** {verdict_text(match.verdict)} · {match.phase}")
                st.markdown(f"**{components.escaped(one_line(match.title, 200))}**")
                st.caption("📍 " + components.escaped(_where(match, studies)))
                st.checkbox(
                    "☆ Star for my packet",
                    key=key,
                    on_change=_card_star,
                    args=(match.nct_id, records.get(match.nct_id)),
                )
                if target := safe_url(match.url):
                    st.markdown(
                        f"[{components.escaped(match.nct_id)} on ClinicalTrials.gov](<{target}>)"
                    )
        if len(matches) > shown:
            st.button(
                f"Show more ({len(matches) - shown:,} not shown yet)",
                on_click=_more_cards,
                key="more_cards",
            )


def _card_star(nct_id: str, record: KeptStudy | None) -> None:
    state.set_starred(nct_id, bool(st.session_state.get(f"card_star_{nct_id}")), record)


def _more_cards() -> None:
    shown = int(st.session_state.get(state.CARD_COUNT, state.CARDS_PER_PAGE))
    st.session_state[state.CARD_COUNT] = shown + state.CARDS_PER_PAGE


def trial_list(
    matches: Sequence[TrialMatch],
    studies: dict[str, Study],
    records: dict[str, KeptStudy],
    *,
    has_origin: bool,
) -> None:
    st.subheader(f"{components.count(len(matches), 'trial')} shown")
    if not matches:
        st.info("No trials fit these filters. Try showing more verdicts, phases or a longer distance.")
        return
    table(matches, studies, records, has_origin=has_origin)
    cards(matches, studies, records)


def sites_map(
    matches: Sequence[TrialMatch], studies: dict[str, Study], origin: tuple[float, float] | None
) -> None:
    """Where the listed trials run: with a ZIP code each trial's nearest open site and a small
    pin for the ZIP code's area; without one, every open site of the listed trials."""

    def points() -> list[site_map.MapPoint]:
        places = site_points(matches, studies, nearest_only=origin is not None)
        return [site_map.MapPoint(p.lat, p.lon, p.label, _SITE_COLOR) for p in places]

    # A filter change mostly shows a set of trials already drawn: the map is then kept, not redrawn.
    listed = "\n".join(f"{m.nct_id} {studies[m.nct_id].version}" for m in matches if m.nct_id in studies)
    key = "list:" + hashlib.blake2b(listed.encode(), digest_size=16).hexdigest()
    deck = site_map.kept_map(key, points, origin=origin)
    if deck is None:
        return
    st.subheader("Where the trials run" if origin is None else "Where the nearest sites are")
    site_map.draw(deck)
    trials_on_map = len({m.nct_id for m in matches if m.nct_id in studies})
    if origin is None:
        caption = (
            f"Purple dots: the open sites of the {components.count(trials_on_map, 'trial')} listed "
            "above (one dot can hold several trials; point at it to see which)."
        )
    else:
        caption = (
            "Purple dots: the nearest open site of each trial listed above (point at a dot to see "
            "its trials). The small ring is the centre of your ZIP code's area."
        )
    st.caption(caption + " Grey dots mark places with US ZIP codes.")
    site_map.street_map_toggle()


def chart(matches: Sequence[TrialMatch]) -> None:
    """Trials by verdict and phase (all found, so a filter change draws the kept chart again)."""
    if not matches:
        return
    st.subheader("All trials found, by verdict and phase")
    counts = Counter((m.verdict, m.phase) for m in matches)
    st.altair_chart(_bars(tuple(sorted(counts.items()))), width="stretch")


@st.cache_resource(max_entries=64, show_spinner=False)
def _bars(counts: tuple[tuple[tuple[str, str], int], ...]) -> Any:
    """The chart for these counts, made once (altair's checks took a fifth of a rerun); altair is
    imported here, the one place it is drawn."""
    import altair as alt

    frame = pd.DataFrame([{"Verdict": SHORT_LABELS[v], "Phase": p, "Trials": n} for (v, p), n in counts])
    order = [SHORT_LABELS[v] for v in VERDICT_LABELS]
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("Verdict:N", sort=order, axis=alt.Axis(labelLimit=0, title=None)),
            x=alt.X("sum(Trials):Q", title="Trials", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("Phase:N", legend=alt.Legend(orient="bottom")),
            tooltip=["Verdict", "Phase", "Trials"],
        )
    )


def shortlist_panel(current: dict[str, KeptStudy], shown_ids: set[str], *, fetch: bool) -> None:
    """Every starred trial, whether or not the list shows it now: where its record comes from,
    and a way to unstar it. The sidebar's count and the packet hold exactly these."""
    ids = state.shortlist()
    if not ids:
        return
    starred = trial_data.starred_records(ids, current, state.kept_records(), fetch=fetch)
    state.refresh_kept(starred.fetched)
    with st.expander(f"Your starred trials ({len(ids):,}): all of them go into the packet"):
        for nct_id in ids:
            kept = starred.records.get(nct_id)
            title = one_line(kept.study.title, 120) if kept else "Details could not be fetched"
            if nct_id in shown_ids:
                where = "in the list above"
            elif nct_id in current:
                where = "found, but hidden by the filters"
            elif kept is not None:
                where = f"not in this search; record {kept.record_line}"
            else:
                where = starred.unavailable.get(nct_id, "record not available")
            left, right = st.columns([5, 1], vertical_alignment="center")
            left.markdown(f"**{nct_id}**: {components.escaped(title)}")
            left.caption(components.escaped(where))
            right.button(
                "Unstar",
                key=f"unstar_{nct_id}",
                on_click=state.set_starred,
                args=(nct_id, False),
            )
