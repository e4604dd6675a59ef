"""Every dashboard page, driven through Streamlit's AppTest against the API stand-in."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from tests.conftest import HOSTILE_NCT

PAGES = ["views/overview.py", "views/symptoms.py", "views/trials.py", "views/resources.py"]
FAILURE_TEXT = "something went wrong"


def shown(markdown: str) -> str:
    """What a reader sees of escaped markdown: no backslash escapes, entities or word joiners."""
    return html.unescape(re.sub(r"\\(.)", r"\1", markdown)).replace("\u2060", "")


def all_text(at: Any) -> str:
    """Everything the page wrote, as one string, to search for what a user would read."""
    parts: list[str] = []
    for kind in (
        "markdown",
        "caption",
        "title",
        "header",
        "subheader",
        "info",
        "warning",
        "error",
        "success",
    ):
        parts.extend(str(element.value) for element in getattr(at, kind))
    for metric in at.metric:
        parts.append(f"{metric.label} {metric.value}")
    return shown("\n".join(parts))


def assert_clean(at: Any) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not any(FAILURE_TEXT in str(e.value) for e in at.error), [e.value for e in at.error]


def fill(at: Any, **values: Any) -> Any:
    for key, value in values.items():
        at.session_state[key] = value
    return at


def open_page(at: Any, page: str) -> Any:
    at.run()
    at.switch_page(page)
    return at.run()


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_an_empty_form_prompt_without_error(app: Any, page: str) -> None:
    open_page(app, page)
    assert_clean(app)
    assert "Choose the type of breast cancer" in all_text(app)


def test_a_page_run_tells_the_warm_up_it_has_ended(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server warms the reader only after a first page run (dashboard/first_run.py)."""
    import threading

    from dashboard import first_run

    monkeypatch.setattr(first_run, "_FINISHED", threading.Event())
    assert not first_run.wait_for_first_run(0)
    app.run()
    assert first_run.wait_for_first_run(0)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_for_a_filled_profile(app: Any, page: str) -> None:
    fill(app, subtype="hr-positive", sites=["bone"])
    open_page(app, page)
    assert_clean(app)
    assert "not medical advice" in all_text(app)


def test_empty_site_list_asks_for_a_site(app: Any) -> None:
    fill(app, subtype="triple-negative", sites=[])
    open_page(app, "views/overview.py")
    assert_clean(app)
    assert "Choose at least one place where the cancer has spread" in all_text(app)


def test_her2_positive_with_brain_shows_antibodies_and_radiation(app: Any) -> None:
    fill(app, subtype="her2-positive", sites=["brain", "lung"])
    open_page(app, "views/overview.py")
    assert_clean(app)
    text = all_text(app)
    assert "trastuzumab" in text.lower() and "pertuzumab" in text.lower()
    assert "radiation" in text.lower()
    assert "Because the cancer has reached the brain" in text
    assert "Source:" in text


def test_triple_negative_shows_pdl1_immunotherapy_and_no_cdk46(app: Any) -> None:
    fill(app, subtype="triple-negative", sites=["lung"])
    open_page(app, "views/overview.py")
    assert_clean(app)
    text = all_text(app)
    assert "PD-L1" in text and "immunotherapy" in text.lower()
    assert "with a CDK4/6 inhibitor" not in text  # the glossary may explain the word, no card shows it


def test_unknown_subtype_shows_every_subtype_and_asks_which(app: Any) -> None:
    fill(app, subtype="unknown", sites=["liver"])
    open_page(app, "views/overview.py")
    text = all_text(app)
    assert "First, find out the subtype" in text
    assert "CDK4/6" in text and "trastuzumab" in text.lower() and "PD-L1" in text


def test_symptoms_page_lists_each_site_and_the_two_week_rule(app: Any) -> None:
    fill(app, subtype="hr-positive", sites=["bone", "liver", "lymph-nodes"])
    open_page(app, "views/symptoms.py")
    assert_clean(app)
    text = all_text(app)
    assert "The two-week rule" in text
    assert "### Bone" in text and "### Liver" in text and "### Lymph nodes" in text
    assert "jaundice" in text.lower()


def test_choices_survive_switching_pages(app: Any) -> None:
    fill(app, subtype="her2-positive", sites=["brain"], brain_mets="stable", age=48)
    open_page(app, "views/symptoms.py")
    app.switch_page("views/resources.py").run()
    app.switch_page("views/overview.py").run()
    assert app.session_state["subtype"] == "her2-positive"
    assert app.session_state["sites"] == ["brain"]
    assert app.session_state["brain_mets"] == "stable"
    assert app.session_state["age"] == 48


def test_resources_page_matches_subtype_and_needs(app: Any) -> None:
    fill(app, subtype="triple-negative", sites=["brain"], needs=["financial-help"])
    open_page(app, "views/resources.py")
    assert_clean(app)
    text = all_text(app)
    assert "Triple Negative Breast Cancer Foundation" in text
    assert "EMBRACE" in text
    assert "last checked" in text.lower() or "not re-checked since" in text.lower()


def test_trials_page_ranks_fixture_trials_with_counts_and_data_date(app: Any) -> None:
    fill(app, subtype="her2-positive", sites=["brain"])
    open_page(app, "views/trials.py")
    assert_clean(app)
    text = all_text(app)
    assert "Trial data from ClinicalTrials.gov" in text
    assert "registry data version" in text
    assert any("Likely eligible" in m.label for m in app.metric)
    table = app.dataframe[0].value
    assert "NCT09990002" in set(table["NCT ID"])
    assert table["Trial page"].str.startswith("https://clinicaltrials.gov/study/").all()


def test_trials_filters_narrow_the_table(app: Any) -> None:
    fill(app, subtype="hr-positive", sites=["bone"])
    open_page(app, "views/trials.py")
    app.multiselect(key="filter_verdicts").set_value(["not_relevant"]).run()
    assert_clean(app)
    assert "0 trials shown" in all_text(app) or "trials shown" in all_text(app)
    app.multiselect(key="filter_verdicts").set_value(
        ["likely_eligible", "possibly_eligible", "likely_excluded", "not_relevant"]
    ).run()
    assert "3 trials shown" in all_text(app)  # the recruiting ones


def test_trial_detail_says_what_it_tests_and_who_runs_it(app: Any) -> None:
    fill(app, subtype="her2-positive", sites=["brain"], brain_mets="stable")
    open_page(app, "views/trials.py")
    app.multiselect(key="filter_verdicts").set_value(
        ["likely_eligible", "possibly_eligible", "likely_excluded", "not_relevant"]
    ).run()
    app.selectbox(key="detail_trial").set_value("NCT09990002").run()
    assert_clean(app)
    text = all_text(app)
    assert "What it tests" in text and "Trastuzumab exampletecan" in text
    assert "Run by Gulf Coast Cancer Hospital" in text


def test_starring_a_trial_keeps_it_across_pages(app: Any) -> None:
    fill(app, subtype="her2-positive", sites=["brain"], brain_mets="stable")
    open_page(app, "views/trials.py")
    app.multiselect(key="filter_verdicts").set_value(
        ["likely_eligible", "possibly_eligible", "likely_excluded", "not_relevant"]
    ).run()
    app.selectbox(key="detail_trial").set_value("NCT09990002").run()
    app.toggle(key="star_NCT09990002").set_value(True).run()
    assert app.session_state["shortlist"] == ["NCT09990002"]
    app.switch_page("views/overview.py").run()
    app.switch_page("views/trials.py").run()
    assert app.session_state["shortlist"] == ["NCT09990002"]
    assert "1 starred trial." in all_text(app)


def test_trial_record_text_is_shown_escaped(app: Any) -> None:
    fill(app, subtype="hr-positive", sites=["bone"])
    open_page(app, "views/trials.py")
    app.multiselect(key="filter_verdicts").set_value(
        ["likely_eligible", "possibly_eligible", "likely_excluded", "not_relevant"]
    ).run()
    app.selectbox(key="detail_trial").set_value(HOSTILE_NCT).run()
    assert_clean(app)
    rendered = [str(m.value) for m in app.markdown]
    assert any("onerror" in value for value in rendered), "the hostile text is shown, as text"
    for value in rendered:
        assert "<script>" not in value and "<img" not in value
        assert "![tracker](" not in value and "](javascript:" not in value


def test_unreachable_registry_with_nothing_saved_gives_a_clear_error(
    app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CTGOV_BASE_URL", "http://127.0.0.1:9/api/v2")
    monkeypatch.setenv("MBC_SEARCH_SECONDS", "1")  # retries stop within a second
    fill(app, subtype="hr-positive", sites=["bone"])
    open_page(app, "views/trials.py")
    assert_clean(app)
    errors = shown(" ".join(str(e.value) for e in app.error))
    assert "ClinicalTrials.gov at 127.0.0.1:9 could not be reached (" in errors  # in words
    assert "--studies" not in errors  # no terminal command that cannot feed the page
    assert [b.label for b in app.button] == ["Try again"]
    assert app.get("file_uploader")  # the way out: a file downloaded from ClinicalTrials.gov


def test_registry_failure_after_a_search_shows_the_saved_results_and_their_age(
    app: Any, standin: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MBC_CACHE_HOURS", "0")  # every search asks the service again
    fill(app, subtype="hr-positive", sites=["bone"])
    open_page(app, "views/trials.py")
    assert_clean(app)
    import streamlit as st

    st.cache_resource.clear()  # a new server process: only the on-disk cache remains
    standin.add_fault("503", count=10)
    try:
        app.run()
    finally:
        standin.clear_faults()
    assert_clean(app)
    warnings = " ".join(str(w.value) for w in app.warning)
    assert "could not be reached" in warnings and "saved" in warnings


def test_unknown_zip_code_is_explained_and_trials_still_shown(app: Any) -> None:
    fill(app, subtype="hr-positive", sites=["bone"], zip_code="00000")
    open_page(app, "views/trials.py")
    assert_clean(app)
    assert "We could not find the ZIP code 00000" in all_text(app)
    assert any("Likely eligible" in m.label for m in app.metric)


def test_malformed_zip_code_is_explained(app: Any) -> None:
    fill(app, subtype="hr-positive", sites=["bone"], zip_code="12ab")
    open_page(app, "views/trials.py")
    assert_clean(app)
    assert "is not a 5-digit US ZIP code" in all_text(app)


def test_shareable_link_fills_the_form(app: Any) -> None:
    app.query_params["subtype"] = "her2-positive"
    app.query_params["sites"] = "brain,lung"
    app.query_params["brain"] = "stable"
    app.run()
    assert_clean(app)
    assert app.session_state["subtype"] == "her2-positive"
    assert app.session_state["sites"] == ["lung", "brain"]


def test_bad_shareable_link_opens_a_clean_form_with_a_message(app: Any) -> None:
    app.query_params["subtype"] = "luminal"
    app.query_params["sites"] = "bone"
    app.run()
    assert_clean(app)
    assert app.session_state["subtype"] is None
    assert app.session_state["sites"] == ["bone"]  # the usable part of the link is kept
    warnings = shown(" ".join(str(w.value) for w in app.warning))
    assert "This link has a value we could not use" in warnings
    assert "'luminal' is not a type of breast cancer we know" in warnings


@pytest.mark.parametrize(
    "hostile",
    [
        "![x](http://127.0.0.1:9/p.png)",
        "[Your session expired - log in](http://127.0.0.1:9/x)",
        "<img src=http://127.0.0.1:9/p.png>",
        ":red[alert] $x$ :material/home:",
    ],
)
def test_markup_in_a_shared_link_is_shown_as_text_never_rendered(app: Any, hostile: str) -> None:
    app.query_params["subtype"] = hostile
    app.query_params["sites"] = "bone,mars"
    app.run()
    assert_clean(app)
    [warning] = [str(w.value) for w in app.warning if "This link has" in str(w.value)]
    for markup in (r"!\[", r"\]\(", "<img", r"\$x", r":red\[", ":material/"):
        # every markup character arrives escaped: the page shows it, renders nothing
        assert re.search(r"(?<!\\)" + markup, warning) is None, markup
    assert f"'{hostile[:25]}" in shown(warning)  # named, as typed (long values are cut)
    assert "'mars' is not a place we know" in shown(warning)  # every bad value, not the first
    assert app.session_state["sites"] == ["bone"]


def test_form_choices_are_written_to_the_link_without_zip_by_default(app: Any) -> None:
    fill(app, subtype="triple-negative", sites=["lung"], zip_code="02215")
    app.run()
    assert (
        app.query_params["subtype"] == ["triple-negative"]
        or app.query_params["subtype"] == "triple-negative"
    )
    assert "zip" not in app.query_params


def test_a_failing_page_is_logged_with_its_traceback_and_never_shown(
    app: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from dashboard import guide

    def broken(*args: Any) -> Any:
        raise ValueError("the patient's ZIP 02215 would be in this message")

    monkeypatch.setattr(guide, "select_guidance", broken)
    fill(app, subtype="hr-positive", sites=["bone"])
    with caplog.at_level("ERROR", logger="mbc_navigator.dashboard"):
        open_page(app, "views/overview.py")
    assert not app.exception
    assert any(FAILURE_TEXT in str(e.value) for e in app.error)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "failed with ValueError" in logged
    assert "select_guidance" in logged or "guidance_for" in logged  # the stack is there
    assert "02215" not in logged  # the error's own message may quote what she entered


def deck_specs(at: Any) -> list[dict[str, Any]]:
    import json

    return [json.loads(chart.proto.json) for chart in at.get("deck_gl_json_chart")]


def test_the_map_loads_no_street_map_unless_chosen(app: Any) -> None:
    fill(app, subtype="hr-positive", sites=["bone"], zip_code="02215")
    open_page(app, "views/trials.py")
    app.multiselect(key="filter_verdicts").set_value(
        ["likely_eligible", "possibly_eligible", "likely_excluded", "not_relevant"]
    ).run()
    assert_clean(app)
    specs = deck_specs(app)
    assert specs
    for spec in specs:  # no provider and no style: Streamlit then draws no basemap at all
        assert spec.get("mapProvider") is None and "cartocdn" not in str(spec)
    app.toggle(key="street_map").set_value(True).run()
    assert all("cartocdn" in str(spec.get("mapStyle")) for spec in deck_specs(app))


def test_the_trials_page_says_when_records_were_left_out_or_the_search_was_capped(
    app: Any, standin: Any
) -> None:
    import json

    studies = [
        {
            "protocolSection": {
                "identificationModule": {"nctId": f"NCT1{n:07d}", "briefTitle": f"Study {n}"},
                "statusModule": {"overallStatus": "RECRUITING"},
                **({"contactsLocationsModule": {"locations": 1}} if n == 0 else {}),
            }
        }
        for n in range(1000)
    ]
    page = json.dumps({"studies": studies, "totalCount": 2500, "nextPageToken": "more"})
    standin.add_fault("json", count=2, body=page)
    try:
        fill(app, subtype="hr-positive", sites=["bone"])
        open_page(app, "views/trials.py")
    finally:
        standin.clear_faults()
    assert_clean(app)
    text = all_text(app)
    assert "Only the first 999 trials of 2,500 that matched were read" in text
    assert "2 records from ClinicalTrials.gov could not be read and were left out." in text


@pytest.mark.parametrize("value", ["inf", "1e308", "-1", "abc"])
def test_a_bad_setting_is_named_on_the_trials_page_never_a_traceback(
    app: Any, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("MBC_CACHE_HOURS", value)
    fill(app, subtype="hr-positive", sites=["bone"])
    open_page(app, "views/trials.py")
    assert_clean(app)
    errors = shown(" ".join(str(e.value) for e in app.error))
    assert f"The setting MBC_CACHE_HOURS is '{value}'" in errors
