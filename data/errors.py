"""Errors raised while fetching or importing ClinicalTrials.gov studies, worded for a patient to read.

Every class derives from :class:`CtgovError`, so the dashboard can catch one type and show
``str(error)``. Technical detail (status code, server text, host) rides along as attributes.
"""

from __future__ import annotations

from pathlib import Path

IMPORT_HINT = (
    "You can import studies downloaded from ClinicalTrials.gov: mbc-navigator trials --studies FILE"
)
"""Shown whenever no live or saved answer exists, because the offline import always works."""


class CtgovError(Exception):
    """Base of every error about ClinicalTrials.gov data; ``str()`` is fit to show a patient."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class SettingError(CtgovError, ValueError):
    """An environment setting (``MBC_CACHE_HOURS``, ``CTGOV_BASE_URL``...) holds an unusable value."""


class InvalidSearch(CtgovError, ValueError):
    """The search was built wrongly by the program (never sent); also a ``ValueError``."""


class ApiRequestError(CtgovError):
    """ClinicalTrials.gov refused the request itself (400 and other client errors); not retried.

    The server's plain-text explanation is kept verbatim in ``detail`` and quoted in the message,
    because it names the exact parameter or word it could not understand.
    """

    def __init__(self, status: int, detail: str, url: str) -> None:
        detail = detail.strip()
        shown = detail[:500] or "no explanation was given"
        super().__init__(
            f"ClinicalTrials.gov could not understand this search (error {status}): {shown}"
        )
        self.status = status
        self.detail = detail
        self.url = url


class StudyNotFound(CtgovError, LookupError):
    """No study has this NCT number (404), or the text is not an NCT number at all."""

    def __init__(self, nct_id: str, *, malformed: bool = False) -> None:
        if malformed:
            message = (
                f"'{nct_id}' is not a ClinicalTrials.gov study number (they look like NCT01234567)."
            )
        else:
            message = f"ClinicalTrials.gov has no study with the number {nct_id}."
        super().__init__(message)
        self.nct_id = nct_id


class ApiUnavailable(CtgovError):
    """No usable answer came back after all retries, and no saved copy could stand in for it."""

    _LEAD = "Could not reach {host} ({reason})."

    def __init__(self, host: str, reason: str, *, what: str = "this search") -> None:
        lead = self._LEAD.format(host=host, reason=reason)
        super().__init__(f"{lead} No saved copy of {what} is available. {IMPORT_HINT}")
        self.host = host
        self.reason = reason


class RateLimited(ApiUnavailable):
    """The service kept answering 429 ("too many requests") until we ran out of patience."""

    _LEAD = "{host} is busy and asked us to wait ({reason})."


class InvalidResponse(ApiUnavailable):
    """The service answered, but not with readable study data (an HTML page, cut-off JSON)."""

    _LEAD = "Could not use the answer from {host} ({reason})."


class StudyFileError(CtgovError, ValueError):
    """A study file given to the offline import cannot be used; the message names file and reason."""

    def __init__(self, path: str | Path, reason: str) -> None:
        super().__init__(f"Could not import studies from {Path(path).name}: {reason}")
        self.path = Path(path)
        self.reason = reason
