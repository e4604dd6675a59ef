"""The navigator's day on the trials page, through AppTest against the API stand-in: the shortlist
survives every change, the registry's absence has a way out, the map and the list fit the place."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dashboard import state
from tests.test_dashboard_pages import all_text, assert_clean, deck_specs, fill, open_page, shown

FIXTURES = Path(__file__).parent / "fixtures"
HOUSTON_TRIAL = "NCT09990002"  # its only site is in Houston
ALL_VERDICTS = ["likely_eligible", "possibly_eligible", "likely_excluded", "not_relevant"]


def star_in_details(app: Any, nct_id: str) -> None:
    app.selectbox(key="detail_trial").set_value(nct_id).run()
    app.toggle(key=f"star_{nct_id}").set_value(True).run()


def starred_caption(app: Any) -> str:
    return " ".join(str(c.value) for c in app.sidebar.caption)


def test_a_starred_trial_stays_on_the_shortlist_after_the_profile_and_place_change(app: Any) -> None:
    fill(app, subtype="her2-positive", sites=["brain"])
    open_page(app, "views/trials.py")
    star_in_details(app, HOUSTON_TRIAL)
    assert app.session_state[state.SHORTLIST] == [HOUSTON_TRIAL]
    kept = app.session_state[state.SHORTLIST_KEPT][HOUSTON_TRIAL]
    assert kept.study.nct_id == HOUSTON_TRIAL and kept.fetched_at is not None
    # A ZIP code in Boston with 100 miles: the Houston trial leaves the results...
    fill(app, zip_code="02215", travel_miles=100, subtype="triple-negative")
    app.run()
    assert_clean(app)
    table = app.dataframe[0].value if app.dataframe else None
    assert table is None or HOUSTON_TRIAL not in set(table["NCT ID"])
    # ...but not the shortlist: the sidebar still counts it, the panel says where its record is.
    assert "1 starred trial" in starred_caption(app)
    text = all_text(app)
    assert "Your starred trials (1)" in " ".join(e.label for e in app.expander)
    assert "not in this search; record fetched" in text
    # ...and the link carries it, so a navigator can send the shortlist.
    assert str(app.query_params["trials"]).strip("[]'") == HOUSTON_TRIAL


def test_a_link_with_trials_stars_them_and_names_each_bad_number(app: Any) -> None:
    app.query_params["subtype"] = "hr-positive"
    app.query_params["sites"] = "bone"
    app.query_params["trials"] = "NCT09990004,mars,nct9990002"
    app.run()
    assert_clean(app)
    assert app.session_state[state.SHORTLIST] == ["NCT09990004", HOUSTON_TRIAL]
    warnings = shown(" ".join(str(w.value) for w in app.warning))
    assert "'mars' is not a ClinicalTrials.gov trial number" in warnings
    assert "2 starred trials" in starred_caption(app)
    app.switch_page("views/trials.py").run()
    assert_clean(app)
    # Neither is in an HR-positive search's list as filtered; both are fetched by number.
    text = all_text(app)
    assert "NCT09990004" in text and "Exercise Program" in text


def test_offline_the_page_says_why_offers_a_retry_and_recovers(app: Any, standin: Any) -> None:
    fill(app, subtype="hr-positive", sites=["bone"])
    standin.add_fault("503", count=1000)
    try:
        open_page(app, "views/trials.py")
        assert_clean(app)
        errors = shown(" ".join(str(e.value) for e in app.error))
        assert "could not be reached (it answered with error 503)" in errors
        assert "no saved results of this search" in errors
        assert [b.label for b in app.button] == ["Try again"]
    finally:
        standin.clear_faults()
    app.button[0].click().run()  # the registry is back
    assert_clean(app)
    assert not app.error
    assert any("Likely eligible" in m.label for m in app.metric)


def test_a_saved_copy_shows_its_age_the_same_way_twice_with_a_retry(
    app: Any, standin: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MBC_CACHE_HOURS", "0")
    fill(app, subtype="hr-positive", sites=["bone"])
    open_page(app, "views/trials.py")
    import streamlit as st

    st.cache_resource.clear()
    standin.add_fault("503", count=10)
    try:
        app.run()
    finally:
        standin.clear_faults()
    assert_clean(app)
    text = all_text(app)
    assert "These are the results saved just now" in text
    assert "these results were saved just now" in text  # never "saved 0 hours ago"
    assert "0 hours ago" not in text
    assert "Try ClinicalTrials.gov again" in [b.label for b in app.button]


def test_trials_from_an_uploaded_file_with_the_registry_unreachable(
    app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard import trial_data

    monkeypatch.setenv("CTGOV_BASE_URL", "http://127.0.0.1:9/api/v2")
    monkeypatch.setenv("MBC_SEARCH_SECONDS", "1")
    lines = "\n".join(
        json.dumps(s)
        for s in json.loads((FIXTURES / "ctgov_breast_studies.json").read_text())["studies"]
    )
    fill(app, subtype="her2-positive", sites=["brain"])
    open_page(app, "views/trials.py")
    assert app.error  # nothing yet: the registry is out of reach
    app.session_state[state.UPLOADED] = trial_data.read_upload("downloaded.jsonl", lines.encode())
    app.session_state[state.SHORTLIST] = ["NCT09990077"]  # starred earlier, not in the file
    app.run()
    assert_clean(app)
    assert not app.error
    text = all_text(app)
    # The page does not wait on the unreachable registry for it; the packet will try.
    assert "Not in the file; its record is fetched when the packet is made." in text
    app.session_state[state.SHORTLIST] = []
    assert "Trials from the file downloaded.jsonl" in text
    assert "Trial data from the file downloaded.jsonl" in text
    app.multiselect(key=state.FILTER_VERDICTS).set_value(ALL_VERDICTS).run()
    assert HOUSTON_TRIAL in set(app.dataframe[0].value["NCT ID"])
    star_in_details(app, HOUSTON_TRIAL)
    assert app.session_state[state.SHORTLIST_KEPT][HOUSTON_TRIAL].source == "the file downloaded.jsonl"
    back = next(b for b in app.button if b.label == "Search ClinicalTrials.gov instead")
    back.click().run()
    assert state.UPLOADED not in app.session_state


def test_the_map_draws_small_sites_over_a_small_zip_pin(app: Any) -> None:
    fill(app, subtype="hr-positive", sites=["bone"], zip_code="10001", travel_miles=3000)
    open_page(app, "views/trials.py")
    app.multiselect(key=state.FILTER_VERDICTS).set_value(ALL_VERDICTS).run()
    assert_clean(app)
    spec = deck_specs(app)[0]
    layers = spec["layers"]
    pin, sites = layers[-2], layers[-1]
    assert pin["data"][0]["label"] == "Your ZIP code's area (centre)"
    assert pin["radiusMaxPixels"] == 7 and sites["radiusMaxPixels"] == 6  # never a 12 km disc
    assert len(sites["data"]) >= 2 and 2 <= spec["initialViewState"]["zoom"] <= 10


def test_without_a_zip_code_a_trial_says_how_many_sites_and_where(app: Any) -> None:
    fill(app, subtype="hr-positive", sites=["bone"])
    open_page(app, "views/trials.py")
    assert_clean(app)
    table = app.dataframe[0].value
    where = dict(zip(table["NCT ID"], table["Where"], strict=True))
    assert (
        where["NCT09990001"]
        == "2 open sites: New York, New York, United States; Boston, Massachusetts, United States"
    )
    assert "Nearest" not in all_text(app)


def test_full_criteria_show_as_lists_without_code_boxes(app: Any) -> None:
    fill(app, subtype="her2-positive", sites=["brain"])
    open_page(app, "views/trials.py")
    criteria = [str(m.value) for m in app.markdown if "Inclusion" in str(m.value)]
    assert criteria
    for block in criteria:
        for line in block.split("\n"):
            assert not line.startswith("    ") or line.lstrip().startswith("- "), line


def test_the_map_view_fits_the_sites_and_the_pin_within_sensible_zooms() -> None:
    from dashboard.site_map import view_for

    lat, lon, zoom = view_for([(42.36, -71.06)])
    assert (lat, lon) == (42.36, -71.06) and zoom == 8  # one site: a city, not a street
    _, _, country = view_for([(42.36, -71.06), (34.05, -118.24)], origin=(29.76, -95.36))
    assert 2 <= country <= 5
    _, _, world = view_for([(-33.9, 151.2), (64.1, -21.9)])
    assert world == 2


def test_unstar_from_the_panel_and_more_cards_on_request(app: Any) -> None:
    fill(app, subtype="hr-positive", sites=["bone"], card_count=1)
    open_page(app, "views/trials.py")
    app.multiselect(key=state.FILTER_VERDICTS).set_value(ALL_VERDICTS).run()
    more = next(b for b in app.button if b.key == "more_cards")
    assert more.label.startswith("Show more (")
    more.click().run()
    assert app.session_state[state.CARD_COUNT] == 1 + state.CARDS_PER_PAGE
    app.checkbox(key=f"card_star_{HOUSTON_TRIAL}").check().run()
    assert app.session_state[state.SHORTLIST] == [HOUSTON_TRIAL]
    assert HOUSTON_TRIAL in app.session_state[state.SHORTLIST_KEPT]
    app.button(key=f"unstar_{HOUSTON_TRIAL}").click().run()
    assert_clean(app)
    assert app.session_state[state.SHORTLIST] == []
    assert app.session_state[state.SHORTLIST_KEPT] == {}
    assert "0 starred trials" in starred_caption(app)


def test_two_distinct_searches_hold_the_studies_they_share_once(app: Any) -> None:
    from dashboard import trial_data
    from matchers.profile import PatientProfile

    fill(app, subtype="hr-positive", sites=["bone"])
    open_page(app, "views/trials.py")
    app.checkbox(key=state.INCLUDE_NOT_YET).check().run()  # a second, distinct search
    assert_clean(app)
    profile = PatientProfile(subtype="hr-positive", sites=("bone",))
    # Both searches as the page left them (kept for every session, not searched again here).
    open_only = trial_data.fetch(profile, None, include_not_yet_recruiting=False)
    with_not_yet = trial_data.fetch(profile, None, include_not_yet_recruiting=True)
    assert open_only is not with_not_yet
    first = {s.nct_id: s for s in open_only.studies}
    second = {s.nct_id: s for s in with_not_yet.studies}
    assert set(second) - set(first)  # the searches differ...
    common = set(first) & set(second)
    assert common  # ...and overlap, and each study they share is one object
    assert all(first[n] is second[n] for n in common)


def test_a_filter_change_back_to_trials_already_drawn_reuses_their_map(
    app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard import trial_list

    made: list[int] = []
    real_site_points = trial_list.site_points

    def counted(*args: Any, **kwargs: Any) -> Any:
        made.append(1)
        return real_site_points(*args, **kwargs)

    monkeypatch.setattr(trial_list, "site_points", counted)
    fill(app, subtype="hr-positive", sites=["bone"])
    open_page(app, "views/trials.py")
    app.multiselect(key=state.FILTER_VERDICTS).set_value(ALL_VERDICTS).run()
    first = deck_specs(app)[0]
    drawn = len(made)
    app.multiselect(key=state.FILTER_VERDICTS).set_value(["likely_excluded"]).run()
    assert len(made) == drawn + 1  # other trials: a new map
    app.multiselect(key=state.FILTER_VERDICTS).set_value(ALL_VERDICTS).run()
    assert_clean(app)
    assert len(made) == drawn + 1  # the same trials again: the kept map, not made again
    assert deck_specs(app)[0] == first


def test_a_kept_map_is_pydecks_own_json_written_once_and_compact() -> None:
    import json

    import pydeck as pdk
    from pydeck.bindings.json_tools import serialize

    from dashboard import site_map

    rows = [{"lat": 42.36, "lon": -71.06, "label": "Boston <b>site</b>"}]
    deck = site_map.KeptDeck(
        layers=[pdk.Layer("ScatterplotLayer", data=rows, get_position="[lon, lat]")],
        initial_view_state=pdk.ViewState(latitude=42.36, longitude=-71.06, zoom=8),
        tooltip={"text": "{label}"},
        map_provider=None,
    )
    pydecks_own = json.loads(serialize(deck))
    text = deck.freeze().to_json()
    assert json.loads(text) == pydecks_own  # the same map...
    assert "\n" not in text and deck.to_json() is text  # ...compact, written once
    assert deck.layers == []  # and the rows behind it let go


def test_the_chart_shows_all_trials_found_the_same_after_a_filter_change(app: Any) -> None:
    import json

    fill(app, subtype="hr-positive", sites=["bone"])
    open_page(app, "views/trials.py")
    [chart] = app.get("vega_lite_chart")
    spec = json.loads(chart.proto.spec)
    assert spec["encoding"]["y"]["field"] == "Verdict" and spec["mark"]["type"] == "bar"
    app.multiselect(key=state.FILTER_VERDICTS).set_value(["likely_excluded"]).run()
    assert_clean(app)
    [again] = app.get("vega_lite_chart")
    assert json.loads(again.proto.spec) == spec  # all trials found, whatever the filter shows
    assert again.proto.datasets == chart.proto.datasets
