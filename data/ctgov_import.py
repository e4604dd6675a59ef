"""Offline import of study files downloaded from ClinicalTrials.gov, for when the API is out of reach.

Accepted shapes, detected from the content rather than the file name:

* an API search page ``{"studies": [...], ...}``;
* a single study object ``{"protocolSection": ...}`` (what ``GET /studies/{id}`` returns);
* a JSON array of study objects (the website's "Download" as JSON);
* JSON Lines, one study object (or one search page) per line;
* any of these gzip-compressed.
"""

from __future__ import annotations

import gc
import gzip
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from data.errors import StudyFileError
from data.models import Study

_GZIP_MAGIC = b"\x1f\x8b"


@contextmanager
def paused_gc() -> Iterator[None]:
    """Hold the cyclic garbage collector while building many long-lived objects.

    Decoding study JSON creates hundreds of thousands of dicts and lists, none of them garbage;
    letting the collector scan them again and again costs about 40% of the load time. Reference
    counting still frees everything as usual, and the collector resumes afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _studies_in(value: Any) -> list[dict[str, Any]] | None:
    """The study objects a parsed JSON value holds, or ``None`` when it is no known shape."""
    if isinstance(value, dict):
        studies = value.get("studies")
        if isinstance(studies, list):
            return [s for s in studies if isinstance(s, dict)]
        if "protocolSection" in value or "derivedSection" in value:
            return [value]
        return None
    if isinstance(value, list):
        if value and not all(isinstance(item, dict) for item in value):
            return None
        return list(value)
    return None


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise StudyFileError(path, "the file does not exist.") from None
    except IsADirectoryError:
        raise StudyFileError(path, "this is a folder, not a file.") from None
    except OSError as exc:
        raise StudyFileError(path, f"the file could not be read ({exc.strerror or exc}).") from exc
    if raw.startswith(_GZIP_MAGIC):
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise StudyFileError(path, "the compressed file is damaged.") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise StudyFileError(
            path, "the file is not text in UTF-8; please download it again as JSON."
        ) from None


def _parse_json_lines(path: Path, text: str) -> list[dict[str, Any]]:
    studies: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise StudyFileError(
                path, f"line {number} is not valid JSON ({exc.msg}); the file may be cut off."
            ) from None
        found = _studies_in(value)
        if found is None:
            raise StudyFileError(path, f"line {number} is not a ClinicalTrials.gov study record.")
        studies.extend(found)
    return studies


def read_raw_studies(path: str | Path) -> list[dict[str, Any]]:
    """Read every study object from a file, unchanged (the stand-in server serves these as is).

    Raises:
        StudyFileError: the file is missing, empty, not JSON, or not in a ClinicalTrials.gov shape.
    """
    path = Path(path)
    text = _read_text(path)
    stripped = text.strip()
    if not stripped:
        raise StudyFileError(path, "the file is empty.")
    first_line = stripped.split("\n", 1)[0]
    if stripped[0] not in "{[":
        if "NCT Number" in first_line or first_line.count(",") >= 3:
            raise StudyFileError(
                path,
                "this looks like a CSV download; on ClinicalTrials.gov choose the JSON format instead.",
            )
        raise StudyFileError(path, "the file is not JSON from ClinicalTrials.gov.")
    try:
        value = json.loads(stripped)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" or "\n" in stripped:
            return _parse_json_lines(path, stripped)
        raise StudyFileError(
            path, f"the file is not valid JSON ({exc.msg}); it may be cut off."
        ) from None
    found = _studies_in(value)
    if found is None:
        raise StudyFileError(
            path,
            "the file holds JSON, but not ClinicalTrials.gov studies "
            '(expected {"studies": [...]}, a study, a list of studies, or one study per line).',
        )
    return found


def load_studies_file(path: str | Path) -> list[Study]:
    """Load and normalize the studies in a downloaded file, dropping records without an NCT ID.

    A study that appears twice is kept once, in its most recently updated version, at the place
    of its first appearance.

    Raises:
        StudyFileError: the file cannot be read as studies, or none of them has an NCT ID.
    """
    studies: dict[str, Study] = {}
    with paused_gc():
        raw = read_raw_studies(path)
        for record in raw:
            study = Study.from_api(record)
            if not study.nct_id:
                continue
            previous = studies.get(study.nct_id)
            if previous is None or study.version > previous.version:
                studies[study.nct_id] = study
    if not studies:
        reason = "the file holds no studies." if not raw else "no study in the file has an NCT ID."
        raise StudyFileError(path, reason)
    return list(studies.values())
