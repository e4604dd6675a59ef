"""Rank trials for one patient and turn matches into the JSON the CLI and evaluation read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from data.models import Study
from matchers.eligibility import ReadingCache, read_trial
from matchers.profile import PatientProfile
from matchers.verdict import TrialMatch, judge


def rank_trials(
    profile: PatientProfile,
    studies: Iterable[Study],
    origin: tuple[float, float] | None = None,
    *,
    cache: ReadingCache | None = None,
) -> list[TrialMatch]:
    """Judge every study and order them best first, numbering ranks from 1.

    Order: verdict (likely, possibly, excluded, not relevant), then fit (her subtype, her
    metastasis site, her biomarkers), then the nearest recruiting site, then later phase; ties go
    to the lower NCT ID so the order never depends on input order. Readings come from ``cache``
    (the module default when omitted), so re-ranking after a profile change costs no reading.
    """
    matches = [judge(profile, read_trial(study, cache=cache), study, origin) for study in studies]
    matches.sort(key=lambda m: (-m.sort_key, m.nct_id))
    return [replace(m, rank=position) for position, m in enumerate(matches, start=1)]


def match_to_dict(match: TrialMatch) -> dict[str, Any]:
    """The CLI's JSON form of a match. Key names are a contract with an external evaluation."""
    site = match.nearest_site
    return {
        "nctId": match.nct_id,
        "rank": match.rank,
        "verdict": match.verdict,
        "score": match.score,
        "reasons": [str(r) for r in match.reasons],
        "concerns": [str(c) for c in match.concerns],
        "questions": list(match.questions),
        "title": match.title,
        "phase": match.phase,
        "status": match.status,
        "fit": list(match.fit),
        "nearestSite": None
        if site is None
        else {
            "facility": site.facility,
            "city": site.city,
            "state": site.state,
            "country": site.country,
            "status": site.status,
        },
        "distanceMiles": match.distance_miles,
        "url": match.url,
    }
