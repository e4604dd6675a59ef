"""How a statement resting on a public page (not the patient guide) is cited, in every format.

Newer approvals, urgency advice and word explanations come from dated public pages rather than the
guide; each carries a ``PublicCitation`` so the dashboard, the terminal and the packet can all name
the page, its date and when it was last checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from data.knowledge_extra import PublicSource


def format_day(day: date) -> str:
    """A date as '27 January 2023': no month-day order to misread between countries."""
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True, slots=True)
class PublicCitation:
    """A public page, its own date (if it has one), and when and how it was last checked."""

    publisher: str
    title: str
    url: str
    last_checked: date
    how_checked: str
    dated: date | None = None

    def __str__(self) -> str:
        when = f", {format_day(self.dated)}" if self.dated else ""
        return f'{self.publisher}, "{self.title}"{when}'

    @property
    def checked_line(self) -> str:
        """'Last checked 7 December 2026.' — said with every public source."""
        return f"Last checked {format_day(self.last_checked)}."


def public_citation(source: PublicSource) -> PublicCitation:
    return PublicCitation(
        publisher=source.publisher,
        title=source.title,
        url=source.url,
        last_checked=source.last_checked,
        how_checked=source.how_checked,
        dated=source.dated,
    )
