"""Rank trials for one patient and turn matches into the JSON the CLI and evaluation read."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from data.models import Study
from matchers.profile import PatientProfile
from matchers.reading_cache import DEFAULT_CACHE, ReadingCache
from matchers.verdict import VERDICT_RANK, TrialMatch, judge

#: Nearest-site distance bands (miles): with a ZIP code, a trial in a nearer band ranks first.
DISTANCE_BANDS: tuple[float, ...] = (25, 50, 100, 250, 500, 1000)
#: Words in a title that mark a study of records already kept, not of people taking part.
_RECORDS_WORDS = re.compile(
    r"\b(retrospective|real[- ]world|medical records?|chart review|registry|database)\b", re.I
)


def study_kind(study: Study) -> int:
    """Whether taking part means more than lending records, within one verdict (higher first).

    1: a study that enrols people (an interventional trial, or an observational study that
    follows people from now on); 0: records only (retrospective, a registry, a database), which
    changes nobody's care and often only looks back at charts. (Putting every interventional
    study above prospective observational ones as well was tried: it pushed an eligible
    observational study out of the top 50 on the TREC bench, so the fit decides between them.)
    """
    if (study.study_type or "").upper() != "OBSERVATIONAL":
        return 1
    looks_back = (study.time_perspective or "").upper() == "RETROSPECTIVE"
    titled = _RECORDS_WORDS.search(f"{study.brief_title or ''} {study.official_title or ''}")
    return 0 if looks_back or study.patient_registry or titled else 1


def distance_band(miles: float | None) -> int:
    """0 for the nearest band (up to 25 miles) ... 6 beyond 1,000 miles; 7 when unknown."""
    if miles is None:
        return len(DISTANCE_BANDS) + 1
    return next((n for n, top in enumerate(DISTANCE_BANDS) if miles <= top), len(DISTANCE_BANDS))


def order_key(study: Study, match: TrialMatch, *, has_origin: bool) -> int:
    """One integer ordering matches (higher first): verdict, kind of study, distance band (with a
    ZIP code), then the judge's own order (fit, exact distance, phase). Each part has its own band
    of digits, so a lower part never outweighs a higher one and the score follows the rank."""
    band = distance_band(match.distance_miles) if has_origin else 0
    return (
        VERDICT_RANK[match.verdict] * 10**10
        + study_kind(study) * 10**9
        + (9 - band) * 10**8
        + match.sort_key % 10**8
    )


def rank_trials(
    profile: PatientProfile,
    studies: Iterable[Study],
    origin: tuple[float, float] | None = None,
    *,
    cache: ReadingCache | None = None,
) -> list[TrialMatch]:
    """Judge every study and order them best first, numbering ranks from 1.

    Order: verdict (likely, possibly, excluded, not relevant); within a verdict, studies that
    enrol people (interventional, or observational from now on) before records-only and
    retrospective studies; with a ZIP code, nearer
    sites (in bands of 25, 50, 100, 250, 500 and 1,000 miles) before farther; then fit (her
    subtype, her metastasis site, her biomarkers), then the nearest site, then later phase; ties
    go to the lower NCT ID so the order never depends on input order. Readings come from
    ``cache`` (the module default when omitted), so re-ranking after a profile change costs no
    reading.
    """
    has_origin = origin is not None
    studies = list(studies)
    readings = (cache if cache is not None else DEFAULT_CACHE).get_many(studies)
    keyed = []
    for study, reading in zip(studies, readings, strict=True):
        match = judge(profile, reading, study, origin)
        keyed.append((order_key(study, match, has_origin=has_origin), match))
    keyed.sort(key=lambda pair: (-pair[0], pair[1].nct_id))
    return [
        replace(m, rank=position, score=round(key / 10**8, 5))
        for position, (key, m) in enumerate(keyed, start=1)
    ]


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
