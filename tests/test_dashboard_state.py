"""The form's "Not sure" radio choices: shown as chosen, read back as "not given"."""

from __future__ import annotations

from typing import Any

from dashboard import state


def _radio(at: Any, key: str) -> Any:
    return next(r for r in at.sidebar.radio if r.key == key)


def test_not_sure_is_a_real_choice_that_means_not_given(app: Any) -> None:
    app.session_state[state.SUBTYPE] = "her2-positive"
    app.session_state[state.SITES] = ["brain", "lung"]
    app.run()
    hormone = _radio(app, state.HORMONE_RECEPTOR)
    brain = _radio(app, state.BRAIN_METS)
    assert hormone.value is None and brain.value is None  # nothing chosen yet
    assert hormone.options[-1] == "Not sure" and brain.options[-1] == "Not sure"

    hormone.set_value(state.NOT_SURE_CHOICE)
    brain.set_value(state.NOT_SURE_CHOICE)
    app.run()
    assert not app.exception
    assert _radio(app, state.HORMONE_RECEPTOR).index == 2  # the radio shows "Not sure" as chosen
    assert _radio(app, state.BRAIN_METS).index == 2
    # ...and the profile treats it as not given: the shareable link carries neither answer.
    assert "hr" not in app.query_params and "brain" not in app.query_params
    assert "subtype" in app.query_params


def test_a_real_answer_still_reaches_the_profile(app: Any) -> None:
    app.session_state[state.SUBTYPE] = "her2-positive"
    app.session_state[state.SITES] = ["brain"]
    app.run()
    _radio(app, state.BRAIN_METS).set_value("stable")
    _radio(app, state.HORMONE_RECEPTOR).set_value("negative")
    app.run()
    assert not app.exception
    assert str(app.query_params["brain"]) in ("stable", "['stable']")
    assert str(app.query_params["hr"]) in ("negative", "['negative']")
