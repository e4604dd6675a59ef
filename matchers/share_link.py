"""Encode a profile's choices as URL query parameters, and read them back, for shareable views.

Only choices from the fixed vocabularies travel in a link; the ZIP code travels only when the user
opts in, because a link is easily forwarded. Reading a link never raises: bad values give a clear
message and no profile, so the page can open a clean form.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from matchers.profile import PatientProfile, ProfileError, profile_from_mapping

#: URL key for each profile field. Short keys keep links readable when pasted into an email.
QUERY_KEYS: dict[str, str] = {
    "subtype": "subtype",
    "hormone_receptor": "hr",
    "sites": "sites",
    "brain_mets": "brain",
    "age": "age",
    "sex": "sex",
    "menopausal_status": "menopause",
    "ecog": "ecog",
    "biomarkers": "biomarkers",
    "prior_therapies": "prior",
    "prior_lines": "lines",
    "zip_code": "zip",
    "travel_miles": "miles",
}
_FIELD_FOR_KEY = {key: field for field, key in QUERY_KEYS.items()}


@dataclass(frozen=True)
class SharedView:
    """What a link held: a profile, or the reason it could not be read (never both)."""

    profile: PatientProfile | None
    error: str | None = None

    @property
    def is_empty(self) -> bool:
        return self.profile is None and self.error is None


def profile_to_query(profile: PatientProfile, *, include_zip: bool = False) -> dict[str, str]:
    """The query parameters that reproduce this profile's view."""
    params: dict[str, str] = {}
    for field, value in profile.to_dict().items():
        if field == "zip_code" and not include_zip:
            continue
        if field == "travel_miles" and (not include_zip or profile.zip_code is None):
            continue
        key = QUERY_KEYS[field]
        params[key] = ",".join(value) if isinstance(value, list) else str(value)
    return params


def profile_from_query(params: Mapping[str, str | list[str]]) -> SharedView:
    """Read a profile back from query parameters; unknown keys are ignored.

    >>> profile_from_query({"subtype": "triple-negative", "sites": "lung"}).profile.sites
    ('lung',)
    """
    values: dict[str, str] = {}
    for key, raw in params.items():
        field = _FIELD_FOR_KEY.get(key)
        if field is None:
            continue
        values[field] = ",".join(raw) if isinstance(raw, list) else str(raw)
    if not values:
        return SharedView(profile=None)
    try:
        return SharedView(profile=profile_from_mapping(values))
    except ProfileError as error:
        key = QUERY_KEYS.get(error.field_name, error.field_name)
        problem = (
            f"is missing {key}"
            if error.value in (None, (), "")
            else f"has a value we cannot use ({key}={error.value!r})"
        )
        return SharedView(
            profile=None,
            error=f"This link {problem}; expected {error.allowed}. We opened an empty form instead.",
        )
