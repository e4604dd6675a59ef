"""Small rendering helpers shared by the pages: disclaimer, cards, sources, escaped registry text."""

from __future__ import annotations

import streamlit as st

from dashboard import state
from matchers.profile import PatientProfile
from matchers.registry_text import registry_markdown
from matchers.safe_text import WORD_JOINER, escape_markdown

DISCLAIMER = (
    "**This is not medical advice.** MBC Navigator helps you prepare questions for your care team. "
    "Only your oncologist and care team can say which treatments or trials are right for you."
)


def count(number: int, noun: str) -> str:
    """'1 trial', '3 trials': a wrong plural reads as a glitch to someone already worried."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def disclaimer() -> None:
    st.info(DISCLAIMER, icon="ℹ️")


def source_caption(text: str) -> None:
    """The source line under a card, prefixed in words (not only by style) so it is never missed."""
    st.caption(f"Source: {text}")


def escaped(text: str | None) -> str:
    """Untrusted text (registry records, shared links, server messages) made safe for our markdown.

    Beyond the escaping, Streamlit turns ``:material/home:`` into an icon and ``:smile:`` into an
    emoji even when the colons are escaped; an invisible word joiner after each colon stops that.
    """
    return escape_markdown(text).replace("\\:", "\\:" + WORD_JOINER)


def explanation(text: str, quote: str) -> None:
    """A reason or concern: our plain sentence, then the criterion it rests on, quoted as text."""
    st.markdown(f"- {escaped(text)}")
    if quote:
        st.caption(f"The trial says: “{escaped(quote)}”")


def untrusted_text(text: str | None) -> None:
    """Show text from a trial record as readable structure (paragraphs, nested lists) in which
    every word is escaped: markdown, links, images and HTML from the record do not render."""
    st.markdown(registry_markdown(text, escaped) or "_Not given in the record._")


def link_warning(lines: tuple[str, ...] | list[str]) -> None:
    """What a shared link held that we could not use. Link values are typed by whoever made the
    link, so each line is escaped: markup, images and links in them show as plain characters."""
    st.warning("  \n".join(escaped(line) for line in lines), icon="🔗")


def warning(text: str, icon: str) -> None:
    """A warning whose text may quote what someone typed or a server sent: shown, never rendered."""
    st.warning(escaped(text), icon=icon)


FORM_WHERE = (
    "Use the form in the side panel: on a computer it is on the left; on a phone, tap **»** at "
    "the top left of the screen to open it, and **«** to close it again. "
    "Your answers stay on this computer."
)

#: Layout rules by screen width: a phone gets the trials as cards, a wider screen the table.
#: Our own constant text (nothing from a user or a record), so it may be given as HTML.
_LAYOUT_CSS = """<style>
@media (max-width: 700px) {
  .st-key-trial_table, .st-key-verdict_counts { display: none !important; }
}
@media (min-width: 701px) {
  .st-key-trial_cards, .st-key-verdict_line { display: none !important; }
}
</style>"""


def layout_rules() -> None:
    """Add the screen-width rules to the page (they take no room)."""
    st.html(_LAYOUT_CSS)


def profile_prompt(problem: str) -> None:
    """Shown instead of page content while the form is incomplete or has a problem."""
    st.warning(problem, icon="✍️")
    st.markdown(FORM_WHERE)


def page(title: str) -> tuple[PatientProfile, str | None]:
    """Every page's head: title, disclaimer, then the profile and any problem with its location.

    The page stops at a prompt until the form is complete, so what follows always has a profile.
    """
    st.title(title)
    disclaimer()
    profile_state = state.current_profile()
    if profile_state.profile is None:
        profile_prompt(profile_state.problem or "")
        st.stop()
    return profile_state.profile, profile_state.location_problem
