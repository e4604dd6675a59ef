"""Entrypoint of the MBC Navigator dashboard: navigation, the shared profile form, the packet.

Start it with ``mbc-navigator`` (or ``python -m dashboard.server`` from the repo root), which loads
what every first page needs beside the server; ``python -m streamlit run dashboard/app.py`` works
too, without that warm-up.
"""

from __future__ import annotations

import time

_run_started = time.perf_counter()  # before the imports: a first run's imports count in its time

import logging  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import traceback  # noqa: E402
from pathlib import Path  # noqa: E402

import streamlit as st  # noqa: E402

from dashboard import components, first_run, packet_sidebar, sidebar, state  # noqa: E402

VIEWS = Path(__file__).parent / "views"
log = logging.getLogger("mbc_navigator.dashboard")

st.set_page_config(page_title="MBC Navigator", page_icon="🧭", layout="wide")

pages = {
    "Your guide": [
        st.Page(VIEWS / "overview.py", title="Treatments and care", icon="💊", default=True),
        st.Page(VIEWS / "symptoms.py", title="Symptoms to watch", icon="🩺"),
    ],
    "Trials and help": [
        st.Page(VIEWS / "trials.py", title="Clinical trials", icon="🔬"),
        st.Page(VIEWS / "resources.py", title="Support and resources", icon="🤝"),
    ],
}
navigation = st.navigation(pages)

state.init_state()
state.keep_widget_state()
if state.current_profile().profile is None:
    # The form is the way in: open the side panel on first load, also on a phone (where it would
    # start closed and "use the form" would point at nothing visible).
    st.set_page_config(initial_sidebar_state="expanded")
components.layout_rules()
sidebar.render_profile_form()
profile_state = state.current_profile()
state.sync_link(profile_state.profile)
packet_sidebar.render(profile_state.profile)

if message := st.session_state.pop(state.LINK_MESSAGE, None):
    components.link_warning(message)

try:
    navigation.run()
except Exception as error:  # a page failing must never show a traceback to a patient
    # Logged for whoever runs the app: where it failed and the kind of error. The error's own
    # message and the source lines are left out because they may quote what the patient entered.
    stack = "\n".join(
        f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}'
        for frame in traceback.extract_tb(error.__traceback__)
    )
    log.error("page %s failed with %s\n%s", navigation.url_path or "home", type(error).__name__, stack)
    st.error(
        "Sorry, something went wrong while showing this page. Your answers are kept. "
        "Try again, or change a choice in the form."
    )
finally:  # also after st.stop() and st.rerun(), which end a run by raising
    first_run.mark_finished()  # the warm-up's reader step waits for it
    if os.environ.get("MBC_TIMING") == "1":  # opt-in, for bench/bench_dashboard.py; no answers logged
        elapsed = time.perf_counter() - _run_started
        print(f"mbc-timing page={navigation.url_path or 'home'} run_s={elapsed:.4f}", file=sys.stderr)
