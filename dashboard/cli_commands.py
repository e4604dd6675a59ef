"""What each ``mbc-navigator`` command does, once its arguments are parsed.

Each command calls ``matchers`` and ``data`` the same way the dashboard pages do, so the terminal and
the dashboard always agree.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from dashboard.cli_errors import PROFILE_OPTIONS, CommandFailed, UsageError
from data.ctgov_import import StudyFile, read_study_file
from data.errors import CtgovError, SettingError, StudyFileError, StudyNotFound
from data.geocode import UnknownZipError, geocode_zip
from data.knowledge import load_knowledge
from data.models import Study, canonical_nct
from data.reading_store import open_readings_store
from data.resources import load_resources
from data.settings import reading_workers_from_env
from matchers.guidance_text import format_guidance_text, format_symptoms_text
from matchers.packet import Packet, build_packet, packet_to_markdown, packet_trials_csv
from matchers.profile import PatientProfile, ProfileError, parse_list, profile_from_mapping
from matchers.ranking import match_to_dict, rank_trials
from matchers.reading_cache import ReadingCache
from matchers.resources import match_resources
from matchers.safe_text import one_line
from matchers.selection import guidance_to_dict, select_guidance
from matchers.shortlist import shortlisted_trials, trial_data_note
from matchers.trial_query import build_search, keep_statuses, keep_within, statuses_to_keep
from matchers.verdict import VERDICT_LABELS

if TYPE_CHECKING:
    from data.ctgov_client import CtgovClient, SearchResult


def run(args: argparse.Namespace, values: Mapping[str, str | None]) -> int:
    profile = _profile(values)
    if args.command == "therapies":
        return _therapies(args, profile)
    if args.command == "symptoms":
        return _symptoms(args, profile)
    if args.command == "trials":
        return _trials(args, profile)
    return _packet(args, profile)


def _profile(values: Mapping[str, str | None]) -> PatientProfile:
    if values.get("travel_miles") and not values.get("zip_code"):
        raise UsageError("--miles needs --zip (the distance is measured from a ZIP code)")
    try:
        return profile_from_mapping(values)
    except ProfileError as error:
        option = PROFILE_OPTIONS.get(error.field_name, "--" + error.field_name.replace("_", "-"))
        raise UsageError(f"{option}: {error.value!r} is not allowed; expected {error.allowed}") from None


def _origin(profile: PatientProfile) -> tuple[float, float] | None:
    if profile.zip_code is None:
        return None
    try:
        place = geocode_zip(profile.zip_code)
    except UnknownZipError as error:
        raise UsageError(f"--zip: {error}") from None
    return (place.lat, place.lon)


def _town(profile: PatientProfile) -> str | None:
    """ "Boston, MA": where the packet's distances are measured from."""
    if profile.zip_code is None:
        return None
    place = geocode_zip(profile.zip_code)
    return ", ".join(p for p in (place.city, place.state) if p) or None


def _therapies(args: argparse.Namespace, profile: PatientProfile) -> int:
    guidance = select_guidance(profile, load_knowledge())
    if args.json:
        print(json.dumps(guidance_to_dict(guidance), ensure_ascii=False, indent=2))
    else:
        print(format_guidance_text(guidance))
    return 0


def _symptoms(args: argparse.Namespace, profile: PatientProfile) -> int:
    guidance = select_guidance(profile, load_knowledge())
    if args.json:
        data = guidance_to_dict(guidance)
        keep = ("subtype", "sites", "document", "disclaimer", "urgency", "symptoms", "two_week_rule")
        print(json.dumps({k: data[k] for k in (*keep, "when_to_call", "symptom_notes")}, indent=2))
    else:
        print(format_symptoms_text(guidance))
    return 0


def _read_file(path: Path) -> StudyFile:
    try:
        return read_study_file(path)
    except StudyFileError as error:
        raise UsageError(f"--studies: {error}") from None


def _client() -> CtgovClient:
    """The registry client; a bad environment setting is the caller's mistake (status 2). Imported
    here: matching studies from a file needs no HTTP stack (a tenth of the command's time)."""
    from data.ctgov_client import CtgovClient

    try:
        return CtgovClient()
    except SettingError as error:
        raise UsageError(str(error)) from None


def _say(line: str) -> None:
    print(f"mbc-navigator: {line}", file=sys.stderr)


def _search(
    profile: PatientProfile, origin: tuple[float, float] | None, *, not_yet: bool
) -> SearchResult:
    params = build_search(origin, profile.travel_miles, include_not_yet_recruiting=not_yet)
    with _client() as client:
        try:
            result = client.search(params)
        except CtgovError as error:
            for notice in client.take_notices():
                _say(notice)
            raise CommandFailed(str(error)) from None
    for notice in result.notices:
        _say(notice)
    if result.stale_age is not None:
        hours = result.stale_age.total_seconds() / 3600
        age = "less than an hour" if hours < 1 else f"{hours:.0f} hours"
        why = f" ({result.failure})" if result.failure else ""
        _say(f"ClinicalTrials.gov's answer could not be used{why}; showing results saved {age} ago.")
    return result


@dataclass(frozen=True)
class _Candidates:
    """The studies to match, what the reader must know about them, and whether a limit cut them."""

    studies: list[Study]
    notes: tuple[str, ...] = ()
    capped: bool = False


def _candidates(
    args: argparse.Namespace, profile: PatientProfile, origin: tuple[float, float] | None
) -> _Candidates:
    """The studies to match: from ``--studies`` (filtered as the search would) or the registry."""
    if args.studies is None:
        result = _search(profile, origin, not_yet=args.not_yet_recruiting)
        return _Candidates(list(result.studies), result.notes(), result.truncated)
    statuses = statuses_to_keep(
        include_not_yet_recruiting=args.not_yet_recruiting, all_statuses=args.all_statuses
    )
    read = _read_file(args.studies)
    studies = keep_statuses(read.studies, statuses)
    if origin is not None and profile.travel_miles:
        studies = keep_within(studies, origin, profile.travel_miles)
    return _Candidates(studies, (read.note,) if read.note else ())


def _reading_cache() -> ReadingCache:
    """Readings stored in the cache folder, so a second run reads no criteria again."""
    try:
        return ReadingCache(store=open_readings_store(), workers=reading_workers_from_env())
    except SettingError as error:
        raise UsageError(str(error)) from None


def _trials(args: argparse.Namespace, profile: PatientProfile) -> int:
    origin = _origin(profile)
    found = _candidates(args, profile, origin)
    matches = rank_trials(profile, found.studies, origin, cache=_reading_cache())
    if args.json:
        for note in found.notes:
            _say(note)
        for match in matches:
            line = {**match_to_dict(match), "resultsCapped": found.capped}
            print(json.dumps(line, ensure_ascii=False))
        return 0
    if not matches:
        print("No trials matched the search.")
    for match in matches:
        title = one_line(match.title, limit=None)  # registry text: no control characters to the terminal
        print(f"{match.rank:>3}. {match.nct_id}  {VERDICT_LABELS[match.verdict]:<32} {title}")
    for note in found.notes:
        print(f"Note: {note}")
    return 0


def _wanted_trials(text: str | None) -> list[str]:
    """The NCT numbers of ``--trials``, in the registry's spelling; a malformed one is a usage error."""
    wanted: list[str] = []
    for item in parse_list(text):
        canonical = canonical_nct(item)
        if canonical is None:
            shown = one_line(item, 40)
            raise UsageError(
                f"--trials: '{shown}' is not a ClinicalTrials.gov study number "
                "(they look like NCT01234567)"
            )
        if canonical not in wanted:
            wanted.append(canonical)
    return wanted


def _packet_studies(args: argparse.Namespace, wanted: list[str]) -> tuple[list[Study], str]:
    if args.studies is not None:
        read = _read_file(args.studies)
        if read.note:
            _say(read.note)
        studies = [s for s in read.studies if s.nct_id in wanted]
        return studies, trial_data_note(source=f"the file {args.studies.name}")
    found: list[Study] = []
    try:
        with _client() as client:
            for nct_id in wanted:
                found.append(client.get_study(nct_id))
            for notice in client.take_notices():
                _say(notice)
    except StudyNotFound as error:
        raise UsageError(f"--trials: {error}") from None
    except CtgovError as error:
        raise CommandFailed(str(error)) from None
    return found, trial_data_note(source="ClinicalTrials.gov", fetched_at=datetime.now(UTC))


def _packet(args: argparse.Namespace, profile: PatientProfile) -> int:
    wanted = _wanted_trials(args.trials)
    studies, note = _packet_studies(args, wanted) if wanted else ([], None)
    missing = sorted(set(wanted) - {s.nct_id for s in studies})
    if missing:
        raise UsageError(f"--trials: not found: {', '.join(missing)}")
    matches = rank_trials(profile, studies, _origin(profile), cache=_reading_cache())
    needs = parse_list(args.needs)
    try:
        resources = match_resources(profile, load_resources(), needs=needs)
    except ValueError as error:
        raise UsageError(f"--needs: {error}") from None
    packet = build_packet(
        profile,
        select_guidance(profile, load_knowledge()),
        shortlisted_trials(wanted, matches, studies),
        resources,
        trial_data_note=note,
        created=date.today(),
        distance_place=_town(profile),
    )
    suffix = args.out.suffix.lower()
    renderers = {
        ".pdf": lambda: _pdf(packet),
        ".md": lambda: packet_to_markdown(packet).encode("utf-8"),
        ".csv": lambda: packet_trials_csv(packet).encode("utf-8"),
    }
    if suffix not in renderers:
        raise UsageError(f"--out: {args.out.name!r} must end in .pdf, .md or .csv")
    try:
        args.out.write_bytes(renderers[suffix]())
    except OSError as error:
        raise CommandFailed(f"could not write {args.out}: {error.strerror}") from None
    print(f"Wrote {args.out}")
    return 0


def _pdf(packet: Packet) -> bytes:
    """The packet as a US Letter PDF; fpdf is imported only when a PDF is asked for (it is a fifth
    of the start-up time of every command otherwise)."""
    from matchers.packet_pdf import packet_to_pdf

    return packet_to_pdf(packet, page_format="Letter")
