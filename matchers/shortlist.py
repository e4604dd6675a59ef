"""Turn ranked trial matches into the packet's trial records, and describe where trial data came from.

The packet is printed and carried to the clinic, so each trial must stand on its own on paper:
verdict in words, the reasons and concerns with the criteria they quote, the nearest site, and the
people to call.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from data.models import Contact, Study
from matchers.packet import PacketTrial
from matchers.verdict import VERDICT_LABELS, TrialMatch


def describe_contact(contact: Contact) -> str:
    """One line per contact: name (role) · phone ext · email; missing parts are left out."""
    name = contact.name or "Study contact"
    if contact.role and contact.role != "CONTACT":
        name += f" ({contact.role.replace('_', ' ').lower()})"
    phone = contact.phone
    if phone and contact.phone_ext:
        phone += f" ext. {contact.phone_ext}"
    return " · ".join(part for part in (name, phone, contact.email) if part)


def status_words(status: str | None, missing: str = "Not given") -> str:
    """A registry status in plain words: "NOT_YET_RECRUITING" reads "Not yet recruiting"."""
    return status.replace("_", " ").capitalize() if status else missing


def trial_contacts(match: TrialMatch, study: Study) -> tuple[str, ...]:
    """The nearest recruiting site's contacts first, then the study's central contacts."""
    people: list[Contact] = []
    if match.nearest_site is not None:
        people.extend(match.nearest_site.contacts)
    people.extend(study.central_contacts)
    lines: list[str] = []
    for contact in people:
        line = describe_contact(contact)
        if line not in lines:
            lines.append(line)
    return tuple(lines)


def nearest_site_line(match: TrialMatch) -> str | None:
    site = match.nearest_site
    if site is None:
        return None
    line = ", ".join(p for p in (site.facility, site.place) if p)
    if match.distance_miles is not None:
        line += f" — about {match.distance_miles:,.0f} miles away"
    return line


def to_packet_trial(match: TrialMatch, study: Study) -> PacketTrial:
    """The packet's record of one shortlisted trial."""
    return PacketTrial(
        nct_id=match.nct_id,
        title=match.title,
        url=match.url,
        verdict_label=VERDICT_LABELS[match.verdict],
        reasons=tuple(str(r) for r in match.reasons),
        concerns=tuple(str(c) for c in match.concerns),
        questions=match.questions,
        status=status_words(match.status),
        phase=match.phase,
        last_update=study.last_update,
        nearest_site=nearest_site_line(match),
        contacts=trial_contacts(match, study),
    )


def shortlisted_trials(
    shortlist: Sequence[str], matches: Iterable[TrialMatch], studies: Iterable[Study]
) -> list[PacketTrial]:
    """Packet records for the starred NCT IDs, in the order they were starred.

    A starred trial that is no longer among the matches (e.g. the search changed) is skipped.
    """
    by_id = {m.nct_id: m for m in matches}
    study_by_id = {s.nct_id: s for s in studies}
    return [
        to_packet_trial(by_id[nct_id], study_by_id[nct_id])
        for nct_id in shortlist
        if nct_id in by_id and nct_id in study_by_id
    ]


def trial_data_note(
    *,
    source: str,
    fetched_at: datetime | None = None,
    data_timestamp: datetime | None = None,
    stale_hours: float | None = None,
) -> str:
    """Where and when the trial data came from, in one sentence for the page and the packet."""
    parts = [f"Trial data from {source}"]
    if data_timestamp is not None:
        parts.append(f"registry data version {data_timestamp:%d %b %Y %H:%M} UTC")
    if fetched_at is not None:
        parts.append(f"fetched {fetched_at:%d %b %Y %H:%M} UTC")
    note = ", ".join(parts) + "."
    if stale_hours is not None:
        note += (
            " ClinicalTrials.gov could not be reached;"
            f" these results were saved {stale_hours:.0f} hours ago."
        )
    return note
