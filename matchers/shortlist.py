"""The shortlist: starred trials, kept by NCT ID, that always reach the packet.

A navigator stars trials, then changes the profile, the location or the filters; the starred
trials must still all be printed. So each starred trial's record is taken from the results on
screen, else from the copy kept when it was starred (with its fetch date), else fetched by its
number; it is judged again for the profile as it is now. A trial whose record cannot be had is
still listed, saying why, so the packet and the sidebar's count always agree.

The packet is printed and carried to the clinic, so each trial must stand on its own on paper:
verdict in words, the reasons and concerns with the criteria they quote, where it runs, and the
people to call.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from data.models import STUDY_URL_TEMPLATE, Contact, Study
from matchers.packet import PacketTrial
from matchers.profile import PatientProfile
from matchers.ranking import rank_trials
from matchers.reading_cache import ReadingCache
from matchers.trial_places import nearest_site_words, where_it_runs
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
    """The nearest open site with its distance, or ``None`` when no distance was measured."""
    return nearest_site_words(match)


def phase_words(study: Study) -> str:
    """ "Phase 2", "Phase: not applicable" (a study of a device, a procedure or care), or "" when
    the record gives no phase (so nothing reads "Not given" where a phase belongs)."""
    if not study.phases:
        return ""
    label = study.phase_label
    return "Phase: not applicable" if label == "Not applicable" else label


def to_packet_trial(match: TrialMatch, study: Study, *, record: str | None = None) -> PacketTrial:
    """The packet's record of one shortlisted trial; ``record`` says when its data was fetched."""
    return PacketTrial(
        nct_id=match.nct_id,
        title=match.title,
        url=match.url,
        verdict_label=VERDICT_LABELS[match.verdict],
        reasons=tuple(str(r) for r in match.reasons),
        concerns=tuple(str(c) for c in match.concerns),
        questions=match.questions,
        status=status_words(match.status, missing=""),
        phase=phase_words(study),
        last_update=study.last_update,
        nearest_site=where_it_runs(match, study),
        contacts=trial_contacts(match, study),
        record=record,
    )


def unavailable_trial(nct_id: str, why: str) -> PacketTrial:
    """A starred trial whose record could not be had: still listed, with why and where to look."""
    return PacketTrial(
        nct_id=nct_id,
        title="Details could not be fetched",
        url=STUDY_URL_TEMPLATE.format(nct_id=nct_id),
        verdict_label="Not checked against your answers",
        reasons=(),
        concerns=(f"{why} Open the trial page for its details.",),
        questions=(),
        status="",
        phase="",
        last_update=None,
        nearest_site=None,
        contacts=(),
    )


def shortlisted_trials(
    shortlist: Sequence[str], matches: Iterable[TrialMatch], studies: Iterable[Study]
) -> list[PacketTrial]:
    """Packet records for the starred NCT IDs found among ``matches``, in the order starred."""
    by_id = {m.nct_id: m for m in matches}
    study_by_id = {s.nct_id: s for s in studies}
    return [
        to_packet_trial(by_id[nct_id], study_by_id[nct_id])
        for nct_id in shortlist
        if nct_id in by_id and nct_id in study_by_id
    ]


@dataclass(frozen=True, slots=True)
class KeptStudy:
    """A starred trial's record and when it was fetched, kept so the packet never loses it."""

    study: Study
    fetched_at: datetime
    source: str = "ClinicalTrials.gov"
    saved_copy: bool = False

    @property
    def record_line(self) -> str:
        """ "fetched 7 Dec 2026 10:02 UTC from ClinicalTrials.gov (a saved copy)"."""
        line = f"fetched {self.fetched_at:%d %b %Y %H:%M} UTC from {self.source}"
        return line + (" (a saved copy)" if self.saved_copy else "")


def keep_records(
    studies: Iterable[Study],
    fetched_at: datetime,
    *,
    source: str = "ClinicalTrials.gov",
    saved_copy: bool = False,
) -> dict[str, KeptStudy]:
    """Records of a search or file, by NCT ID, each with when and where it was fetched."""
    return {s.nct_id: KeptStudy(s, fetched_at, source, saved_copy) for s in studies}


@dataclass(frozen=True)
class ShortlistRecords:
    """For each starred trial, the record to use; and the trials whose record must be fetched."""

    records: dict[str, KeptStudy]
    to_fetch: tuple[str, ...]


def shortlist_records(
    shortlist: Sequence[str],
    current: Mapping[str, KeptStudy],
    kept: Mapping[str, KeptStudy],
) -> ShortlistRecords:
    """Where each starred trial's record comes from, whatever the filters or results now are:
    the results on screen (newest), else the copy kept when it was starred, else it is fetched
    by its number (a trial starred in a shared link, or before the results changed)."""
    records: dict[str, KeptStudy] = {}
    missing: list[str] = []
    for nct_id in dict.fromkeys(shortlist):
        found = current.get(nct_id) or kept.get(nct_id)
        if found is None:
            missing.append(nct_id)
        else:
            records[nct_id] = found
    return ShortlistRecords(records, tuple(missing))


def shortlist_packet_trials(
    profile: PatientProfile,
    shortlist: Sequence[str],
    records: Mapping[str, KeptStudy],
    origin: tuple[float, float] | None,
    *,
    unavailable: Mapping[str, str] | None = None,
    cache: ReadingCache | None = None,
) -> list[PacketTrial]:
    """Every starred trial for the packet, in the order starred, judged for today's profile.

    A trial whose record is not in ``records`` is still listed, with the reason from
    ``unavailable`` (or a general one), so the packet always holds as many trials as the
    sidebar counts.
    """
    ids = list(dict.fromkeys(shortlist))
    studies = [records[i].study for i in ids if i in records]
    matches = {m.nct_id: m for m in rank_trials(profile, studies, origin, cache=cache)}
    reasons = unavailable or {}
    trials: list[PacketTrial] = []
    for nct_id in ids:
        kept = records.get(nct_id)
        if kept is None or nct_id not in matches:
            why = reasons.get(nct_id, "Its record could not be fetched from ClinicalTrials.gov.")
            trials.append(unavailable_trial(nct_id, why))
        else:
            trials.append(to_packet_trial(matches[nct_id], kept.study, record=kept.record_line))
    return trials


def trial_data_note(
    *,
    source: str,
    fetched_at: datetime | None = None,
    data_timestamp: datetime | None = None,
    saved_age: str | None = None,
) -> str:
    """Where and when the trial data came from, in one sentence for the page and the packet."""
    parts = [f"Trial data from {source}"]
    if data_timestamp is not None:
        parts.append(f"registry data version {data_timestamp:%d %b %Y %H:%M} UTC")
    if fetched_at is not None:
        parts.append(f"fetched {fetched_at:%d %b %Y %H:%M} UTC")
    note = ", ".join(parts) + "."
    if saved_age is not None:
        # The same words as the page's own notice ("saved 3 hours ago", "saved just now").
        note += f" ClinicalTrials.gov could not be reached; these results were saved {saved_age}."
    return note
