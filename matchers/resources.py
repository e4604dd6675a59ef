"""Pick the support resources that fit a patient, and say in plain words why each one is listed.

Order matters to a tired reader: organizations made for her situation (her subtype, where the cancer
has spread, a BRCA mutation) come first, then those that help with what she asked for, then general
help. The organization named in the patient guide (EMBRACE) and, in the US and Canada, the national
cancer information line are always listed, so the packet never comes out empty.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from data.resources import RESOURCE_NEEDS, Resource
from matchers.profile import BIOMARKER_LABELS, SITE_LABELS, PatientProfile

NEEDS: tuple[str, ...] = ("emotional-support", "financial-help", "trial-navigation", "caregiver-support")
NEED_LABELS: dict[str, str] = {
    "emotional-support": "Emotional support",
    "financial-help": "Help with the costs of treatment",
    "trial-navigation": "Help finding clinical trials",
    "caregiver-support": "Support for caregivers",
}
NEED_REASONS: dict[str, str] = {
    "emotional-support": "Offers support: people to talk to who know how it feels",
    "financial-help": "Helps with costs of treatment",
    "trial-navigation": "Helps you find and understand clinical trials",
    "caregiver-support": "Supports the family and friends who care for you",
}
NATIONAL_INFORMATION_LINES: dict[str, str] = {"US": "nci-cis", "CA": "canadian-cancer-society"}

GROUP_SPECIFIC = "specific"
GROUP_NEEDS = "needs"
GROUP_GENERAL = "general"
_GROUP_RANK = {GROUP_SPECIFIC: 0, GROUP_NEEDS: 1, GROUP_GENERAL: 2}

_SUBTYPE_REASONS: dict[str, str] = {
    "hr-positive": "For people with hormone-receptor-positive breast cancer",
    "her2-positive": "For people with HER2-positive breast cancer",
    "triple-negative": "For people with triple-negative breast cancer",
}
# Said of a general resource that matched nothing ticked; "information" kinds are described by their
# main need instead, since an information group for caregivers is not about breast cancer itself.
_KIND_REASONS: dict[str, str] = {
    "helpline": "A help line you can call with your questions",
    "support-group": "Connects you with others living with breast cancer",
    "financial": "Can help with costs of treatment",
    "trial-search": "Helps you look for clinical trials",
}
_INFORMATION_REASON = "Facts you can trust about breast cancer and living with it"
_NATIONAL_LINE_REASON = "The national cancer information line: answers to your questions about cancer"
_COUNTRY_PATTERN = re.compile(r"^[A-Z]{2}$")
#: Details confirmed longer ago than this are shown as "not re-checked since", not "last checked".
STALE_AFTER_DAYS = 730

if not set(NEEDS) <= set(RESOURCE_NEEDS):
    raise RuntimeError("every need a patient can tick must exist in the resources vocabulary")


@dataclass(frozen=True)
class ResourceMatch:
    """A resource picked for this patient, with the plain-language reasons it was picked.

    ``group`` is ``specific`` (made for her subtype, sites or biomarkers), ``needs`` (helps with a need
    she ticked) or ``general``; ``matched_needs`` lists the ticked needs it helps with, in ``NEEDS``
    order. ``source`` is where the patient guide names it, when it does. ``always_listed`` marks the
    document-named program and the national information line, which are never filtered out.
    """

    resource: Resource
    why: tuple[str, ...]
    group: str
    matched_needs: tuple[str, ...]
    source: str | None = None
    always_listed: bool = False


def check_note(last_checked: date, today: date) -> str:
    """How fresh a resource's details are, in words: 'Last checked 5 March 2024.' or, when the newest
    confirming source is over two years old, 'Not re-checked since 1 January 2014: call or visit to
    check before relying on it.' — an old date must never read as a recent check."""
    day = f"{last_checked.day} {last_checked:%B %Y}"
    if (today - last_checked).days > STALE_AFTER_DAYS:
        return f"Not re-checked since {day}: call or visit to check before relying on it."
    return f"Last checked {day}."


def _site_reason(site: str) -> str:
    if site == "other":
        return "For people whose cancer has spread to other places in the body"
    return f"For people whose cancer has spread to the {SITE_LABELS.get(site, site).lower()}"


def _biomarker_reason(biomarker: str) -> str:
    if biomarker == "brca":
        return "For people with a BRCA1 or BRCA2 mutation (hereditary breast cancer)"
    return f"For people with {BIOMARKER_LABELS.get(biomarker, biomarker)}"


def _specific_reasons(profile: PatientProfile, resource: Resource) -> list[str] | None:
    """Why the resource is made for her, or ``None`` when it is made for someone else.

    A resource limited in several ways (say, a subtype and a site) must fit her in every one of them.
    """
    reasons: list[str] = []
    if resource.subtypes is not None:
        if profile.subtype not in resource.subtypes:
            return None
        reasons.append(_SUBTYPE_REASONS.get(profile.subtype, f"For people with {profile.subtype}"))
    if resource.sites is not None:
        sites = [s for s in profile.sites if s in resource.sites]
        if not sites:
            return None
        reasons.extend(_site_reason(s) for s in sites)
    if resource.biomarkers is not None:
        markers = [b for b in profile.biomarkers if b in resource.biomarkers]
        if not markers:
            return None
        reasons.extend(_biomarker_reason(b) for b in markers)
    if resource.max_age is not None and profile.age is not None:
        if profile.age > resource.max_age:
            return None
        reasons.append(_age_reason(resource.max_age))
    return reasons


def _age_reason(max_age: int) -> str:
    return f"For people diagnosed with breast cancer at {max_age} or younger"


def _general_reason(resource: Resource) -> str:
    if resource.kind in _KIND_REASONS:
        return _KIND_REASONS[resource.kind]
    main_need = resource.needs[0] if resource.needs else "information"
    return NEED_REASONS.get(main_need, _INFORMATION_REASON)


def _checked_needs(needs: Iterable[str]) -> tuple[str, ...]:
    given = [needs] if isinstance(needs, str) else list(needs)
    for need in given:
        if need not in NEEDS:
            raise ValueError(f"unknown need {need!r}; expected one of " + ", ".join(NEEDS))
    return tuple(n for n in NEEDS if n in given)


def _checked_country(country: str) -> str:
    code = country.strip().upper() if isinstance(country, str) else ""
    if not _COUNTRY_PATTERN.match(code):
        raise ValueError(f"country {country!r} must be a two-letter ISO code such as US, GB or CA")
    return code


def match_resources(
    profile: PatientProfile,
    resources: Sequence[Resource],
    needs: Iterable[str] = (),
    country: str = "US",
) -> list[ResourceMatch]:
    """Choose and order the resources that fit this patient.

    A resource is left out when it serves other countries, or is made for another subtype, other
    sites or other biomarkers than hers (an unknown subtype matches no subtype-specific group), or
    only for people diagnosed younger than her given age (an unknown age keeps it, saying so). The
    document-named program and the country's national information line are kept regardless.

    Args:
        profile: the patient's validated profile.
        resources: the loaded resources list (``data.resources.load_resources()``).
        needs: the ticked needs, from ``NEEDS``.
        country: where she lives, as a two-letter ISO code.

    Returns:
        Matches ordered: made for her first, then most ticked needs helped, then general; within a
        group by name, so the order never depends on the input order.

    Raises:
        ValueError: an unknown need or a malformed country code.
    """
    wanted = _checked_needs(needs)
    code = _checked_country(country)
    national_line = NATIONAL_INFORMATION_LINES.get(code)
    matches: list[tuple[tuple[int, int, int, int, str, str], ResourceMatch]] = []
    for resource in resources:
        is_national_line = resource.id == national_line
        always = resource.named_in is not None or is_national_line
        if not always and not resource.serves_country(code):
            continue
        specific = _specific_reasons(profile, resource)
        if specific is None:
            if not always:
                continue
            specific = []
        helped = tuple(n for n in wanted if n in resource.needs)
        why: list[str] = []
        if is_national_line:
            why.append(_NATIONAL_LINE_REASON)
        if resource.named_in is not None:
            why.append(f"Named in your patient guide: {resource.named_in}")
        why.extend(specific)
        why.extend(NEED_REASONS[n] for n in helped)
        if not why:
            why.append(_general_reason(resource))
        if resource.max_age is not None and profile.age is None:
            why.append(_age_reason(resource.max_age) + " (your age is not given)")
        group = GROUP_SPECIFIC if specific else GROUP_NEEDS if helped else GROUP_GENERAL
        key = (
            _GROUP_RANK[group],
            -len(helped),
            -len(specific),
            0 if always else 1,
            resource.name.casefold(),
            resource.id,
        )
        match = ResourceMatch(
            resource=resource,
            why=tuple(why),
            group=group,
            matched_needs=helped,
            source=resource.named_in,
            always_listed=always,
        )
        matches.append((key, match))
    matches.sort(key=lambda pair: pair[0])
    return [match for _, match in matches]
