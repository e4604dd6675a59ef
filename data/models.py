"""Typed, normalized records for what the app shows from a ClinicalTrials.gov study.

The API omits absent data rather than sending ``null``, and real records miss almost any field, so
every constructor here reads defensively: a missing or oddly typed value becomes ``None`` or an
empty tuple, never an exception. Records are frozen so they can be cached and shared between reruns.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

STUDY_URL_TEMPLATE = "https://clinicaltrials.gov/study/{nct_id}"

_NCT = re.compile(r"^NCT0*([1-9]\d{0,7})$", re.I)


def canonical_nct(text: str) -> str | None:
    """An NCT number in the registry's own spelling ("nct123" -> "NCT00000123"), or None."""
    match = _NCT.match(text.strip())
    return f"NCT{int(match.group(1)):08d}" if match else None


_AGE_PATTERN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(year|month|week|day|hour|minute)s?\s*$", re.I)
_UNIT_IN_YEARS = {
    "year": 1.0,
    "month": 1 / 12,
    "week": 7 / 365.25,
    "day": 1 / 365.25,
    "hour": 1 / 8766,
    "minute": 1 / 525960,
}


def _map(value: Any) -> Mapping[str, Any]:
    if type(value) is dict:  # the common case; the ABC check below is several times slower
        return value
    return value if isinstance(value, Mapping) else {}


def _items(value: Any) -> list[Any]:
    """A JSON array's items; anything else (a number where a list belongs) holds none."""
    return value if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        stripped = value.strip()
        return stripped or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _texts(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(t for t in (_text(v) for v in value) if t)


def _float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | str):
        try:
            number = float(value)
        except (ValueError, OverflowError):  # "abc", or an integer of 400 digits
            return None
        return number if math.isfinite(number) else None
    return None


def age_in_years(text: str | None) -> float | None:
    """Convert the registry's age text ("18 Years", "6 Months") to years; ``None`` when unreadable."""
    if not text:
        return None
    match = _AGE_PATTERN.match(text)
    if not match:
        return None
    return float(match.group(1)) * _UNIT_IN_YEARS[match.group(2).lower()]


@dataclass(frozen=True, slots=True)
class Contact:
    """A person or desk to call about a study; any part may be missing."""

    name: str | None = None
    role: str | None = None
    phone: str | None = None
    phone_ext: str | None = None
    email: str | None = None

    @classmethod
    def from_api(cls, raw: Any) -> Contact:
        data = _map(raw)
        return cls(
            name=_text(data.get("name")),
            role=_text(data.get("role")),
            phone=_text(data.get("phone")),
            phone_ext=_text(data.get("phoneExt")),
            email=_text(data.get("email")),
        )

    @property
    def is_empty(self) -> bool:
        return not (self.name or self.phone or self.email)


def _contacts(value: Any) -> tuple[Contact, ...]:
    """The contacts of a list in a record, leaving out entries that hold nothing."""
    found = (Contact.from_api(x) for x in _items(value) if isinstance(x, Mapping))
    return tuple(c for c in found if not c.is_empty)


@dataclass(frozen=True, slots=True)
class Site:
    """One place a study runs, with its own recruitment status and contacts."""

    facility: str | None = None
    status: str | None = None
    city: str | None = None
    state: str | None = None
    zip_code: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    contacts: tuple[Contact, ...] = ()

    @classmethod
    def from_api(cls, raw: Any) -> Site:
        data = _map(raw)
        geo = _map(data.get("geoPoint"))
        lat, lon = _float(geo.get("lat")), _float(geo.get("lon"))
        if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            lat = lon = None
        contacts = _contacts(data.get("contacts"))
        return cls(
            facility=_text(data.get("facility")),
            status=_text(data.get("status")),
            city=_text(data.get("city")),
            state=_text(data.get("state")),
            zip_code=_text(data.get("zip")),
            country=_text(data.get("country")),
            lat=lat,
            lon=lon,
            contacts=contacts,
        )

    @property
    def has_coordinates(self) -> bool:
        return self.lat is not None and self.lon is not None

    @property
    def place(self) -> str:
        """City, state and country as one readable line."""
        return ", ".join(p for p in (self.city, self.state, self.country) if p) or "Place not given"


@dataclass(frozen=True, slots=True)
class Intervention:
    """A treatment or procedure a study tests."""

    name: str
    type: str | None = None
    description: str | None = None
    other_names: tuple[str, ...] = ()

    @classmethod
    def from_api(cls, raw: Any) -> Intervention | None:
        data = _map(raw)
        name = _text(data.get("name"))
        if not name:
            return None
        return cls(
            name=name,
            type=_text(data.get("type")),
            description=_text(data.get("description")),
            other_names=_texts(data.get("otherNames")),
        )


@dataclass(frozen=True, slots=True, weakref_slot=True)
class Study:
    """The parts of one ClinicalTrials.gov study record that the app reads or shows.

    ``version`` identifies this revision of the record (last update date, else the data version
    holder); the eligibility reader caches its reading per ``(nct_id, version)``.
    """

    nct_id: str
    brief_title: str | None = None
    official_title: str | None = None
    acronym: str | None = None
    overall_status: str | None = None
    phases: tuple[str, ...] = ()
    study_type: str | None = None
    #: What an interventional study is for: TREATMENT, SUPPORTIVE_CARE, DIAGNOSTIC, ... (or None).
    primary_purpose: str | None = None
    #: How people are put into groups: RANDOMIZED, NON_RANDOMIZED, NA (one group), or None.
    allocation: str | None = None
    #: Who does not know the group: NONE (open label), SINGLE, DOUBLE, TRIPLE, QUADRUPLE, or None.
    masking: str | None = None
    #: An observational study's design: COHORT, CASE_CONTROL, CASE_ONLY, ECOLOGIC_OR_COMMUNITY, ...
    observational_model: str | None = None
    #: When an observational study looks: PROSPECTIVE, RETROSPECTIVE, CROSS_SECTIONAL, OTHER.
    time_perspective: str | None = None
    #: The registry marks patient registries (records collected over time, no treatment given).
    patient_registry: bool | None = None
    #: Each arm's type: EXPERIMENTAL, ACTIVE_COMPARATOR, PLACEBO_COMPARATOR, ... in record order.
    arm_types: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    interventions: tuple[Intervention, ...] = ()
    brief_summary: str | None = None
    detailed_description: str | None = None
    eligibility_criteria: str | None = None
    sex: str | None = None
    minimum_age: str | None = None
    maximum_age: str | None = None
    min_age_years: float | None = None
    max_age_years: float | None = None
    healthy_volunteers: bool | None = None
    sites: tuple[Site, ...] = ()
    central_contacts: tuple[Contact, ...] = ()
    lead_sponsor: str | None = None
    #: INDUSTRY, NIH, FED, OTHER_GOV, NETWORK, INDIV, OTHER, ... (or None).
    sponsor_class: str | None = None
    last_update: str | None = None
    first_posted: str | None = None
    version_holder: str | None = None

    @classmethod
    def from_api(cls, raw: Any) -> Study:
        """Normalize one API v2 study object. Never raises; a missing NCT ID becomes ``""``."""
        root = _map(raw)
        protocol = _map(root.get("protocolSection"))
        ident = _map(protocol.get("identificationModule"))
        status = _map(protocol.get("statusModule"))
        design = _map(protocol.get("designModule"))
        conditions = _map(protocol.get("conditionsModule"))
        arms = _map(protocol.get("armsInterventionsModule"))
        description = _map(protocol.get("descriptionModule"))
        eligibility = _map(protocol.get("eligibilityModule"))
        contacts = _map(protocol.get("contactsLocationsModule"))
        sponsor = _map(_map(protocol.get("sponsorCollaboratorsModule")).get("leadSponsor"))
        misc = _map(_map(root.get("derivedSection")).get("miscInfoModule"))
        interventions = tuple(
            i
            for i in (Intervention.from_api(x) for x in _items(arms.get("interventions")))
            if i is not None
        )
        design_info = _map(design.get("designInfo"))
        arm_types = _texts(
            [_map(a).get("type") for a in _items(arms.get("armGroups")) if isinstance(a, Mapping)]
        )
        healthy = eligibility.get("healthyVolunteers")
        registry = design.get("patientRegistry")
        minimum_age = _text(eligibility.get("minimumAge"))
        maximum_age = _text(eligibility.get("maximumAge"))
        central = _contacts(contacts.get("centralContacts"))
        return cls(
            nct_id=(_text(ident.get("nctId")) or "").upper(),
            brief_title=_text(ident.get("briefTitle")),
            official_title=_text(ident.get("officialTitle")),
            acronym=_text(ident.get("acronym")),
            overall_status=_text(status.get("overallStatus")),
            phases=_texts(design.get("phases")),
            study_type=_text(design.get("studyType")),
            primary_purpose=_text(design_info.get("primaryPurpose")),
            allocation=_text(design_info.get("allocation")),
            masking=_text(_map(design_info.get("maskingInfo")).get("masking")),
            observational_model=_text(design_info.get("observationalModel")),
            time_perspective=_text(design_info.get("timePerspective")),
            patient_registry=registry if isinstance(registry, bool) else None,
            arm_types=arm_types,
            conditions=_texts(conditions.get("conditions")),
            keywords=_texts(conditions.get("keywords")),
            interventions=interventions,
            brief_summary=_text(description.get("briefSummary")),
            detailed_description=_text(description.get("detailedDescription")),
            eligibility_criteria=_text(eligibility.get("eligibilityCriteria")),
            sex=_text(eligibility.get("sex")),
            minimum_age=minimum_age,
            maximum_age=maximum_age,
            min_age_years=age_in_years(minimum_age),
            max_age_years=age_in_years(maximum_age),
            healthy_volunteers=healthy if isinstance(healthy, bool) else None,
            sites=tuple(
                Site.from_api(x) for x in _items(contacts.get("locations")) if isinstance(x, Mapping)
            ),
            central_contacts=central,
            lead_sponsor=_text(sponsor.get("name")),
            sponsor_class=_text(sponsor.get("class")),
            last_update=_text(_map(status.get("lastUpdatePostDateStruct")).get("date")),
            first_posted=_text(_map(status.get("studyFirstPostDateStruct")).get("date")),
            version_holder=_text(misc.get("versionHolder")),
        )

    @property
    def title(self) -> str:
        return self.brief_title or self.official_title or self.nct_id or "Untitled study"

    @property
    def url(self) -> str:
        """The study's own page on ClinicalTrials.gov."""
        return STUDY_URL_TEMPLATE.format(nct_id=self.nct_id)

    @property
    def version(self) -> str:
        return self.last_update or self.version_holder or ""

    @property
    def phase_label(self) -> str:
        """ "Phase 1/2", "Phase 3", "Early phase 1" or "Not applicable" for display."""
        if not self.phases:
            return "Not given"
        labels = []
        for phase in self.phases:
            if phase == "NA":
                labels.append("Not applicable")
            elif phase == "EARLY_PHASE1":
                labels.append("Early phase 1")
            else:
                labels.append(phase.replace("PHASE", ""))
        numeric = [x for x in labels if x.isdigit()]
        if numeric and len(numeric) == len(labels):
            return "Phase " + "/".join(numeric)
        return ", ".join(labels)
