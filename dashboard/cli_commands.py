"""What each ``mbc-navigator`` command does, once its arguments are parsed.

Each command calls ``matchers`` and ``data`` the same way the dashboard pages do, so the terminal and
the dashboard always agree.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path

from dashboard.cli_errors import PROFILE_OPTIONS, CommandFailed, UsageError
from data.ctgov_client import CtgovClient, SearchResult
from data.ctgov_import import load_studies_file
from data.errors import CtgovError, StudyFileError
from data.geocode import UnknownZipError, geocode_zip
from data.knowledge import load_knowledge
from data.models import Study
from data.resources import load_resources
from matchers.guidance_text import format_guidance_text, format_symptoms_text
from matchers.packet import build_packet, packet_to_markdown, packet_trials_csv
from matchers.packet_pdf import packet_to_pdf
from matchers.profile import PatientProfile, ProfileError, parse_list, profile_from_mapping
from matchers.ranking import match_to_dict, rank_trials
from matchers.resources import match_resources
from matchers.safe_text import one_line
from matchers.selection import guidance_to_dict, select_guidance
from matchers.shortlist import shortlisted_trials, trial_data_note
from matchers.trial_query import build_search, keep_statuses, keep_within, statuses_to_keep
from matchers.verdict import VERDICT_LABELS


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


def _read_file(path: Path) -> list[Study]:
    try:
        return load_studies_file(path)
    except StudyFileError as error:
        raise UsageError(f"--studies: {error}") from None


def _search(
    profile: PatientProfile, origin: tuple[float, float] | None, *, not_yet: bool
) -> SearchResult:
    params = build_search(origin, profile.travel_miles, include_not_yet_recruiting=not_yet)
    try:
        with CtgovClient() as client:
            result = client.search(params)
    except CtgovError as error:
        raise CommandFailed(str(error)) from None
    if result.stale_age is not None:
        hours = result.stale_age.total_seconds() / 3600
        print(
            "mbc-navigator: ClinicalTrials.gov could not be reached; "
            f"showing results saved {hours:.0f} hours ago.",
            file=sys.stderr,
        )
    return result


def _candidates(
    args: argparse.Namespace, profile: PatientProfile, origin: tuple[float, float] | None
) -> list[Study]:
    """The studies to match: from ``--studies`` (filtered as the search would) or the registry."""
    if args.studies is None:
        return list(_search(profile, origin, not_yet=args.not_yet_recruiting).studies)
    statuses = statuses_to_keep(
        include_not_yet_recruiting=args.not_yet_recruiting, all_statuses=args.all_statuses
    )
    studies = keep_statuses(_read_file(args.studies), statuses)
    if origin is not None and profile.travel_miles:
        studies = keep_within(studies, origin, profile.travel_miles)
    return studies


def _trials(args: argparse.Namespace, profile: PatientProfile) -> int:
    origin = _origin(profile)
    matches = rank_trials(profile, _candidates(args, profile, origin), origin)
    if args.json:
        for match in matches:
            print(json.dumps(match_to_dict(match), ensure_ascii=False))
        return 0
    if not matches:
        print("No trials matched the search.")
    for match in matches:
        title = one_line(match.title, limit=None)  # registry text: no control characters to the terminal
        print(f"{match.rank:>3}. {match.nct_id}  {VERDICT_LABELS[match.verdict]:<32} {title}")
    return 0


def _packet_studies(args: argparse.Namespace, wanted: list[str]) -> tuple[list[Study], str]:
    if args.studies is not None:
        studies = [s for s in _read_file(args.studies) if s.nct_id in wanted]
        return studies, trial_data_note(source=f"the file {args.studies.name}")
    found: list[Study] = []
    try:
        with CtgovClient() as client:
            for nct_id in wanted:
                found.append(client.get_study(nct_id))
    except CtgovError as error:
        raise CommandFailed(str(error)) from None
    return found, trial_data_note(source="ClinicalTrials.gov", fetched_at=datetime.now(UTC))


def _packet(args: argparse.Namespace, profile: PatientProfile) -> int:
    wanted = [item.upper() for item in parse_list(args.trials)]
    studies, note = _packet_studies(args, wanted) if wanted else ([], None)
    missing = sorted(set(wanted) - {s.nct_id for s in studies})
    if missing:
        raise UsageError(f"--trials: not found: {', '.join(missing)}")
    matches = rank_trials(profile, studies, _origin(profile))
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
    )
    suffix = args.out.suffix.lower()
    renderers = {
        ".pdf": lambda: packet_to_pdf(packet, page_format="Letter"),
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
