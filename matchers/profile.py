"""The patient profile: what the user tells us, validated once at the boundary.

Every other module trusts a ``PatientProfile``: the vocabularies below are the only values it can hold,
and a value the user did not give stays ``None`` (or empty) so that later logic can tell "unknown"
from "no". An unknown fact must never exclude a trial; it becomes a question for the care team.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from data.geocode import is_zip_code
from data.vocabulary import load_vocabulary

_VOCABULARY = load_vocabulary()

SUBTYPES: tuple[str, ...] = _VOCABULARY.subtype_ids
SUBTYPE_LABELS: dict[str, str] = {c.id: c.label for c in _VOCABULARY.subtypes}
HORMONE_RECEPTOR_VALUES: tuple[str, ...] = tuple(c.id for c in _VOCABULARY.hormone_receptor_values)
HORMONE_RECEPTOR_LABELS: dict[str, str] = {c.id: c.label for c in _VOCABULARY.hormone_receptor_values}
SITES: tuple[str, ...] = _VOCABULARY.site_ids
SITE_LABELS: dict[str, str] = {c.id: c.label for c in _VOCABULARY.sites}
SEXES: tuple[str, ...] = tuple(c.id for c in _VOCABULARY.sexes)
SEX_LABELS: dict[str, str] = {c.id: c.label for c in _VOCABULARY.sexes}
MENOPAUSAL_STATUSES: tuple[str, ...] = tuple(c.id for c in _VOCABULARY.menopausal_statuses)
MENOPAUSE_LABELS: dict[str, str] = {c.id: c.label for c in _VOCABULARY.menopausal_statuses}
ECOG_VALUES: tuple[int, ...] = tuple(value for value, _ in _VOCABULARY.ecog)
#: What each ECOG performance-status score means, in plain words.
ECOG_LABELS: dict[int, str] = dict(_VOCABULARY.ecog)
BIOMARKERS: tuple[str, ...] = _VOCABULARY.biomarker_ids
BIOMARKER_LABELS: dict[str, str] = {b.id: b.label for b in _VOCABULARY.biomarkers}
PRIOR_THERAPIES: tuple[str, ...] = _VOCABULARY.form_therapy_ids
PRIOR_THERAPY_LABELS: dict[str, str] = {t.id: t.label for t in _VOCABULARY.therapies if t.form}
ENDOCRINE_THERAPIES: frozenset[str] = _VOCABULARY.kinds_of("endocrine")
CHEMOTHERAPIES: frozenset[str] = _VOCABULARY.kinds_of("chemotherapy")
HER2_THERAPIES: frozenset[str] = _VOCABULARY.kinds_of("her2-directed")
BRAIN_METS_STATUSES: tuple[str, ...] = tuple(c.id for c in _VOCABULARY.brain_statuses)
BRAIN_METS_LABELS: dict[str, str] = {c.id: c.label for c in _VOCABULARY.brain_statuses}
MAX_TRAVEL_MILES = 3000


class ProfileError(ValueError):
    """A profile value outside its vocabulary; names the field and what it accepts."""

    def __init__(self, field_name: str, value: object, allowed: str) -> None:
        self.field_name = field_name
        self.value = value
        self.allowed = allowed
        super().__init__(f"{field_name}: {value!r} is not allowed; expected {allowed}")


def _one_of(field_name: str, value: object, allowed: Iterable[object]) -> None:
    allowed = tuple(allowed)
    if value not in allowed:
        raise ProfileError(field_name, value, "one of " + ", ".join(str(a) for a in allowed))


def _subset(field_name: str, values: Iterable[str], allowed: tuple[str, ...]) -> tuple[str, ...]:
    """Validate and return the values in vocabulary order, without duplicates."""
    given = list(values)
    for value in given:
        if value not in allowed:
            raise ProfileError(field_name, value, "values from " + ", ".join(allowed))
    return tuple(v for v in allowed if v in given)


def _int_in_range(field_name: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ProfileError(field_name, value, f"a whole number from {low} to {high}")


@dataclass(frozen=True)
class PatientProfile:
    """What the patient or navigator entered. Optional facts left as ``None`` mean "not given".

    ``biomarkers`` lists findings known to be present; a biomarker not listed is unknown, not negative.
    ``hormone_receptor`` only matters for HER2-positive cancer (the other subtypes fix it).
    """

    subtype: str
    sites: tuple[str, ...]
    hormone_receptor: str | None = None
    age: int | None = None
    sex: str | None = None
    menopausal_status: str | None = None
    ecog: int | None = None
    biomarkers: tuple[str, ...] = ()
    prior_therapies: tuple[str, ...] = ()
    prior_lines: int | None = None
    brain_mets: str | None = None
    zip_code: str | None = None
    travel_miles: int | None = None

    def __post_init__(self) -> None:
        _one_of("subtype", self.subtype, SUBTYPES)
        sites = _subset("sites", self.sites, SITES)
        if not sites:
            raise ProfileError("sites", self.sites, "at least one of " + ", ".join(SITES))
        if self.hormone_receptor is not None:
            _one_of("hormone_receptor", self.hormone_receptor, HORMONE_RECEPTOR_VALUES)
            if self.subtype != "her2-positive":
                raise ProfileError(
                    "hormone_receptor",
                    self.hormone_receptor,
                    "no value unless the subtype is her2-positive (the other subtypes define it)",
                )
        if self.age is not None:
            _int_in_range("age", self.age, 18, 120)
        if self.sex is not None:
            _one_of("sex", self.sex, SEXES)
        if self.menopausal_status is not None:
            _one_of("menopausal_status", self.menopausal_status, MENOPAUSAL_STATUSES)
        if self.ecog is not None:
            _int_in_range("ecog", self.ecog, 0, 4)
        biomarkers = _subset("biomarkers", self.biomarkers, BIOMARKERS)
        prior = _subset("prior_therapies", self.prior_therapies, PRIOR_THERAPIES)
        if self.prior_lines is not None:
            _int_in_range("prior_lines", self.prior_lines, 0, 20)
        if self.brain_mets is not None:
            _one_of("brain_mets", self.brain_mets, BRAIN_METS_STATUSES)
            if self.brain_mets == "none" and "brain" in sites:
                raise ProfileError(
                    "brain_mets", "none", "stable or active when brain is among the sites"
                )
            if self.brain_mets in ("stable", "active") and "brain" not in sites:
                sites = _subset("sites", (*sites, "brain"), SITES)
        if self.zip_code is not None and not is_zip_code(self.zip_code):
            raise ProfileError("zip_code", self.zip_code, "a 5-digit US ZIP code")
        if self.travel_miles is not None:
            _int_in_range("travel_miles", self.travel_miles, 1, MAX_TRAVEL_MILES)
        object.__setattr__(self, "sites", sites)
        object.__setattr__(self, "biomarkers", biomarkers)
        object.__setattr__(self, "prior_therapies", prior)

    @property
    def hr_status(self) -> str | None:
        """Hormone-receptor status implied by the subtype: positive, negative or None (unknown)."""
        if self.subtype == "hr-positive":
            return "positive"
        if self.subtype == "triple-negative":
            return "negative"
        if self.subtype == "her2-positive":
            return self.hormone_receptor
        return None

    @property
    def her2_status(self) -> str | None:
        """HER2 status implied by the subtype: positive, negative or None (unknown)."""
        if self.subtype == "her2-positive":
            return "positive"
        if self.subtype in ("hr-positive", "triple-negative"):
            return "negative"
        return None

    @property
    def has_brain_mets(self) -> bool:
        return "brain" in self.sites

    @property
    def effective_brain_mets(self) -> str | None:
        """none / stable / active, or None when brain is a site but its status was not given."""
        if not self.has_brain_mets:
            return "none"
        return self.brain_mets

    def had(self, therapy: str) -> bool:
        """Whether the profile lists this prior therapy (or, for ``chemotherapy``, any chemotherapy)."""
        if therapy == "chemotherapy":
            return bool(CHEMOTHERAPIES & set(self.prior_therapies))
        if therapy == "endocrine":
            return bool(ENDOCRINE_THERAPIES & set(self.prior_therapies))
        return therapy in self.prior_therapies

    def to_dict(self) -> dict[str, Any]:
        """Plain values for JSON, URLs and packets; ``None`` fields are left out."""
        raw = asdict(self)
        return {
            k: (list(v) if isinstance(v, tuple) else v) for k, v in raw.items() if v not in (None, ())
        }


def parse_list(text: str | None) -> tuple[str, ...]:
    """Split a comma-separated CLI or URL value into trimmed, lower-case items."""
    if not text:
        return ()
    return tuple(item.strip().lower() for item in text.split(",") if item.strip())


def parse_int(field_name: str, text: str | None) -> int | None:
    """Turn user text into an int, raising ``ProfileError`` that names the field when it is not one."""
    if text is None or str(text).strip() == "":
        return None
    try:
        return int(str(text).strip())
    except ValueError:
        raise ProfileError(field_name, text, "a whole number") from None


def profile_from_mapping(values: Mapping[str, Any]) -> PatientProfile:
    """Build a profile from loosely typed values (CLI arguments, URL query parameters, JSON).

    Lists may be given as comma-separated strings; numbers as strings. Unknown keys are ignored.
    """

    def as_list(key: str) -> tuple[str, ...]:
        value = values.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            return parse_list(value)
        return tuple(str(v).strip().lower() for v in value)

    def as_text(key: str) -> str | None:
        value = values.get(key)
        if value is None or str(value).strip() == "":
            return None
        return str(value).strip().lower()

    def as_int(key: str) -> int | None:
        value = values.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        return parse_int(key, None if value is None else str(value))

    subtype = as_text("subtype")
    if subtype is None:
        raise ProfileError("subtype", None, "one of " + ", ".join(SUBTYPES))
    return PatientProfile(
        subtype=subtype,
        sites=as_list("sites"),
        hormone_receptor=as_text("hormone_receptor"),
        age=as_int("age"),
        sex=as_text("sex"),
        menopausal_status=as_text("menopausal_status"),
        ecog=as_int("ecog"),
        biomarkers=as_list("biomarkers"),
        prior_therapies=as_list("prior_therapies"),
        prior_lines=as_int("prior_lines"),
        brain_mets=as_text("brain_mets"),
        zip_code=as_text("zip_code"),
        travel_miles=as_int("travel_miles"),
    )
