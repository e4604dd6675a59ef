"""Checks on what ClinicalTrials.gov sent, before anything is used or saved.

A record the app cannot read safely (``locations: 1``, ``interventions: "x"``) is left out and
counted rather than crashing the search or being saved; an answer of the wrong shape
(``{"studies": {"a": 1}}``) is refused as a whole, so it never replaces a good saved copy.
Only the parts :meth:`data.models.Study.from_api` reads are checked, each for its JSON type; the
walk follows this module's fixed layout, never the depth of the data.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

TEXT = "text"
"""A leaf the app shows or reads: a string, a number, true/false or null."""


class ListOf:
    """A JSON array whose items all follow ``item`` (``TEXT`` or a nested layout)."""

    def __init__(self, item: Any) -> None:
        self.item = item


_CONTACT = {"name": TEXT, "role": TEXT, "phone": TEXT, "phoneExt": TEXT, "email": TEXT}
_DATE = {"date": TEXT}

STUDY_LAYOUT: dict[str, Any] = {
    "protocolSection": {
        "identificationModule": {
            "nctId": TEXT,
            "briefTitle": TEXT,
            "officialTitle": TEXT,
            "acronym": TEXT,
        },
        "statusModule": {
            "overallStatus": TEXT,
            "lastUpdatePostDateStruct": _DATE,
            "studyFirstPostDateStruct": _DATE,
        },
        "designModule": {
            "phases": ListOf(TEXT),
            "studyType": TEXT,
            "designInfo": {"primaryPurpose": TEXT, "observationalModel": TEXT, "timePerspective": TEXT},
        },
        "conditionsModule": {"conditions": ListOf(TEXT), "keywords": ListOf(TEXT)},
        "armsInterventionsModule": {
            "interventions": ListOf(
                {"name": TEXT, "type": TEXT, "description": TEXT, "otherNames": ListOf(TEXT)}
            )
        },
        "descriptionModule": {"briefSummary": TEXT, "detailedDescription": TEXT},
        "eligibilityModule": {
            "eligibilityCriteria": TEXT,
            "healthyVolunteers": TEXT,
            "sex": TEXT,
            "minimumAge": TEXT,
            "maximumAge": TEXT,
        },
        "contactsLocationsModule": {
            "centralContacts": ListOf(_CONTACT),
            "locations": ListOf(
                {
                    "facility": TEXT,
                    "status": TEXT,
                    "city": TEXT,
                    "state": TEXT,
                    "zip": TEXT,
                    "country": TEXT,
                    "geoPoint": {"lat": TEXT, "lon": TEXT},
                    "contacts": ListOf(_CONTACT),
                }
            ),
        },
        "sponsorCollaboratorsModule": {"leadSponsor": {"name": TEXT}},
    },
    "derivedSection": {"miscInfoModule": {"versionHolder": TEXT}},
}
"""Every part of a study record the app reads, and the JSON type each must have when present."""


def _problem(value: Any, layout: Any, path: str) -> str | None:
    if layout is TEXT:
        if value is None or isinstance(value, str | int | float | bool):
            return None
        return f"{path} is not text"
    if isinstance(layout, ListOf):
        if not isinstance(value, list):
            return f"{path} is not a list"
        for item in value:
            problem = _problem(item, layout.item, path + "[]")
            if problem:
                return problem
        return None
    if not isinstance(value, Mapping):
        return f"{path or 'the record'} is not an object"
    for key, part in layout.items():
        if key in value:
            problem = _problem(value[key], part, f"{path}.{key}" if path else key)
            if problem:
                return problem
    return None


def study_problem(raw: Any) -> str | None:
    """Why this study record cannot be read safely (a JSON path, no record text), or ``None``.

    >>> study_problem({"protocolSection": {"contactsLocationsModule": {"locations": 1}}})
    'protocolSection.contactsLocationsModule.locations is not a list'
    """
    return _problem(raw, STUDY_LAYOUT, "")


class JsonProblem(ValueError):
    """Text that is not JSON we can read.

    ``kind`` is ``"syntax"`` (cut off or not JSON; ``detail`` holds the parser's words),
    ``"depth"`` (nested too deeply) or ``"number"`` (a number or text that cannot be converted).
    """

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(kind, detail)
        self.kind = kind
        self.detail = detail

    @property
    def words(self) -> str:
        """What is wrong, to follow "it ..." in a message."""
        if self.kind == "depth":
            return "is nested too deeply to be study data"
        if self.kind == "number":
            return "holds a number or text too long or too damaged to read"
        return f"is not valid JSON ({self.detail})" if self.detail else "is not valid JSON"


def parse_json(text: str | bytes) -> Any:
    """``json.loads`` that fails only with :class:`JsonProblem`.

    Nesting is bounded by the interpreter's recursion limit (about a thousand levels; real records
    use about ten): deeper text is refused instead of raising ``RecursionError``. A number too long
    to convert (Python refuses integers of more than 4,300 digits) is refused too.
    """
    try:
        return json.loads(text)
    except RecursionError:
        raise JsonProblem("depth") from None
    except json.JSONDecodeError as exc:
        raise JsonProblem("syntax", exc.msg) from None
    except ValueError:  # "Exceeds the limit (4300 digits) for integer string conversion", bad UTF-8
        raise JsonProblem("number") from None
