"""Encode a profile's choices as URL query parameters, and read them back, for shareable views.

Only choices from the fixed vocabularies travel in a link; the ZIP code travels only when the user
opts in, because a link is easily forwarded. A link is data typed by whoever sent it, so reading one
never raises and never trusts it: each value is checked on its own, the good ones are kept (a link
with ``sites=bone,mars`` still gives bone), and every bad one is named in plain words ("'mars' is
not a place we know"), quoted as cleaned one-line text for the page to show escaped.

A link can also carry the starred trials (``trials=NCT01234567,NCT07654321``) so a navigator can
send a shortlist: trial numbers are public registry numbers, not personal data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from data.geocode import is_zip_code
from data.models import canonical_nct
from matchers.profile import (
    BIOMARKERS,
    BRAIN_METS_STATUSES,
    ECOG_VALUES,
    HORMONE_RECEPTOR_VALUES,
    MAX_TRAVEL_MILES,
    MENOPAUSAL_STATUSES,
    PRIOR_THERAPIES,
    SEXES,
    SITES,
    SUBTYPES,
    PatientProfile,
    ProfileError,
    profile_from_mapping,
)
from matchers.safe_text import one_line

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
_FIELD_FOR_KEY = {key: name for name, key in QUERY_KEYS.items()}
#: URL key for the shortlist: trial numbers are public registry numbers, not personal data.
TRIALS_KEY = "trials"
#: Most starred trials a link carries (a longer list is cut, and says so).
MAX_LINK_TRIALS = 100

#: How each field's bad value is named: "'{value}' is not …". Words a patient knows, no codes.
_NOT_KNOWN: dict[str, str] = {
    "subtype": "a type of breast cancer we know",
    "hormone_receptor": "an answer we know about hormone receptors",
    "sites": "a place we know",
    "brain_mets": "a state of brain metastases we know",
    "age": "an age we can use (a whole number from 18 to 120)",
    "sex": "a sex we know",
    "menopausal_status": "a menopausal status we know",
    "ecog": "a daily-activity (ECOG) score we know (0 to 4)",
    "biomarkers": "a test result we know",
    "prior_therapies": "a treatment we know",
    "prior_lines": "a number of treatment lines we can use (0 to 20)",
    "zip_code": "a 5-digit US ZIP code",
    "travel_miles": f"a travel distance we can use (1 to {MAX_TRAVEL_MILES:,} miles)",
}
_LIST_FIELDS: dict[str, tuple[str, ...]] = {
    "sites": SITES,
    "biomarkers": BIOMARKERS,
    "prior_therapies": PRIOR_THERAPIES,
}
_CHOICE_FIELDS: dict[str, tuple[str, ...]] = {
    "subtype": SUBTYPES,
    "hormone_receptor": HORMONE_RECEPTOR_VALUES,
    "brain_mets": BRAIN_METS_STATUSES,
    "sex": SEXES,
    "menopausal_status": MENOPAUSAL_STATUSES,
}
_NUMBER_FIELDS: dict[str, tuple[int, int]] = {
    "age": (18, 120),
    "ecog": (min(ECOG_VALUES), max(ECOG_VALUES)),
    "prior_lines": (0, 20),
    "travel_miles": (1, MAX_TRAVEL_MILES),
}
#: How a value that contradicts the rest of the link is named.
_MISFIT: dict[str, str] = {
    "hormone_receptor": (
        "'{value}' about hormone receptors only applies to HER2-positive cancer, so it was left out."
    ),
    "brain_mets": "'{value}' about brain metastases does not fit the places chosen, so it was left out.",
}
_MISFIT_OTHER = "'{value}' does not fit the other answers in the link, so it was left out."
#: At most this many problems are listed one by one; the rest are counted.
MAX_PROBLEMS_LISTED = 8
_SHOWN_CHARACTERS = 40


def _shown(value: str) -> str:
    """A link value as it may be quoted: one line, no invisible characters, cut to 40 characters."""
    return one_line(value, _SHOWN_CHARACTERS) or "(empty)"


def _not_known(name: str, value: str) -> str:
    return f"'{_shown(value)}' is not {_NOT_KNOWN[name]}."


@dataclass(frozen=True)
class SharedView:
    """What a link held: the values that can be used, and a sentence for each that cannot.

    ``values`` holds checked profile fields (lists as lists, numbers as ints), ready for the form,
    even when they do not make a whole profile yet; ``profile`` is set when they do.
    """

    values: Mapping[str, Any] = field(default_factory=dict)
    problems: tuple[str, ...] = ()
    profile: PatientProfile | None = None
    trials: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.values and not self.problems and not self.trials

    @property
    def error(self) -> str | None:
        """All the problems as one message, or ``None`` when every value could be used."""
        if not self.problems:
            return None
        return " ".join((link_problem_heading(self), *link_problem_lines(self)))


def link_problem_heading(view: SharedView) -> str:
    """The first line of the message about a link's unusable values."""
    count = len(view.problems)
    values = "a value" if count == 1 else f"{count} values"
    kept = (
        "The rest of the link was kept; please check the form."
        if view.values or view.trials
        else "Please fill in the form."
    )
    return f"This link has {values} we could not use. {kept}"


def link_problem_lines(view: SharedView) -> tuple[str, ...]:
    """One line per unusable value (at most :data:`MAX_PROBLEMS_LISTED`, then a count)."""
    lines = list(view.problems[:MAX_PROBLEMS_LISTED])
    hidden = len(view.problems) - len(lines)
    if hidden:
        lines.append(f"…and {hidden:,} more value{'s' if hidden != 1 else ''} we could not use.")
    return tuple(lines)


def profile_to_query(
    profile: PatientProfile, *, include_zip: bool = False, trials: Sequence[str] = ()
) -> dict[str, str]:
    """The query parameters that reproduce this profile's view, and its starred trials."""
    params: dict[str, str] = {}
    for name, value in profile.to_dict().items():
        if name == "zip_code" and not include_zip:
            continue
        if name == "travel_miles" and (not include_zip or profile.zip_code is None):
            continue
        key = QUERY_KEYS[name]
        params[key] = ",".join(value) if isinstance(value, list) else str(value)
    if trials:
        params[TRIALS_KEY] = ",".join(trials[:MAX_LINK_TRIALS])
    return params


def trials_from_query(raw: str, problems: list[str]) -> tuple[str, ...]:
    """The trial numbers of a link's ``trials=`` value, each once, in the registry's spelling;
    each one that is not a trial number is named."""
    kept: list[str] = []
    for typed in (part.strip() for part in raw.split(",")):
        if not typed:
            continue
        canonical = canonical_nct(typed)
        if canonical is None:
            problems.append(
                f"'{_shown(typed)}' is not a ClinicalTrials.gov trial number (they look like "
                "NCT01234567)."
            )
        elif canonical not in kept:
            kept.append(canonical)
    if len(kept) > MAX_LINK_TRIALS:
        problems.append(
            f"The link lists {len(kept):,} trials; only the first {MAX_LINK_TRIALS} were starred."
        )
    return tuple(kept[:MAX_LINK_TRIALS])


def _check_list(name: str, raw: str, problems: list[str]) -> list[str] | None:
    allowed = _LIST_FIELDS[name]
    kept: list[str] = []
    for typed in (part.strip() for part in raw.split(",")):
        if typed.lower() in allowed:
            kept.append(typed.lower())
        elif typed:
            problems.append(_not_known(name, typed))  # named as typed, not lower-cased
    return [v for v in allowed if v in kept] or None


def _check_number(name: str, raw: str, problems: list[str]) -> int | None:
    low, high = _NUMBER_FIELDS[name]
    text = raw.strip()
    if text.isascii() and text.isdigit() and len(text) <= 6 and low <= int(text) <= high:
        return int(text)
    problems.append(_not_known(name, raw))
    return None


def _check_value(name: str, raw: str, problems: list[str]) -> Any:
    """The value of one field, checked on its own; a problem is added when it cannot be used."""
    if name in _LIST_FIELDS:
        return _check_list(name, raw, problems)
    if name in _NUMBER_FIELDS:
        return _check_number(name, raw, problems)
    text = raw.strip().lower()
    if name == "zip_code":
        if is_zip_code(raw.strip()):
            return raw.strip()
        problems.append(_not_known(name, raw))
        return None
    if text in _CHOICE_FIELDS[name]:
        return text
    problems.append(_not_known(name, raw))
    return None


def _fit_together(values: dict[str, Any], problems: list[str]) -> PatientProfile | None:
    """The profile the kept values make; a value that contradicts the others is dropped, named."""
    while "subtype" in values and "sites" in values:
        try:
            return profile_from_mapping(values)
        except ProfileError as error:
            given = values.pop(error.field_name, None)
            if given is None:
                return None
            shown = _shown(",".join(given) if isinstance(given, list) else str(given))
            problems.append(_MISFIT.get(error.field_name, _MISFIT_OTHER).format(value=shown))
    return None


def profile_from_query(params: Mapping[str, str | list[str]]) -> SharedView:
    """Read a profile back from query parameters; unknown keys are ignored, nothing raises.

    >>> view = profile_from_query({"subtype": "triple-negative", "sites": "lung,mars"})
    >>> view.profile.sites, view.problems
    (('lung',), ("'mars' is not a place we know.",))
    """
    values: dict[str, Any] = {}
    problems: list[str] = []
    trials: tuple[str, ...] = ()
    for key, raw in params.items():
        text = ",".join(raw) if isinstance(raw, list) else str(raw)
        if key == TRIALS_KEY:
            trials = trials_from_query(text, problems)
            continue
        name = _FIELD_FOR_KEY.get(key)
        if name is None:
            continue
        value = _check_value(name, text, problems)
        if value is not None:
            values[name] = value
    profile = _fit_together(values, problems)
    return SharedView(values=values, problems=tuple(problems), profile=profile, trials=trials)
