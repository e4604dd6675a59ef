"""Offline import of study files downloaded from ClinicalTrials.gov, for when the API is out of reach.

Accepted shapes, detected from the content rather than the file name:

* an API search page ``{"studies": [...], ...}``;
* a single study object ``{"protocolSection": ...}`` (what ``GET /studies/{id}`` returns);
* a JSON array of study objects (the website's "Download" as JSON);
* JSON Lines, one study object (or one search page) per line;
* any of these gzip-compressed.

A file cannot exhaust memory or crash the reader: it may hold at most
:data:`MAX_STUDY_FILE_BYTES` (after decompression, read piece by piece, so a small gzip "bomb" is
refused early), nesting and numbers are bounded by :func:`data.ctgov_checks.parse_json`, and a record
whose fields have the wrong types is left out and counted.

Files are read from bytes straight into typed records (:mod:`data.ctgov_decode`), never into a tree
of dicts; a file that is not plain UTF-8 JSON of a known shape is read the old way, as text, which
also finds the words for what is wrong with it.
"""

from __future__ import annotations

import gc
import gzip
import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from data.ctgov_checks import JsonProblem, parse_json
from data.ctgov_decode import (
    DecodeFailed,
    Outcome,
    decode_document,
    studies_in,
    study_from_plain,
    typed_readable,
)
from data.errors import StudyFileError
from data.models import Study

_GZIP_MAGIC = b"\x1f\x8b"
_UTF8_BOM = b"\xef\xbb\xbf"
_BLANK = re.compile(rb"[ \t\r\x0b\x0c]*")
MAX_STUDY_FILE_BYTES = 256 * 1024 * 1024
"""Largest study file read (after decompression). A thousand whole records take about 12 MB, so
this holds every breast cancer study ever registered; parsing more would take gigabytes of memory."""


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


def _expanded_size(raw: bytes, limit: int) -> int:
    """Bytes the gzip data expands to, counted piece by piece (nothing kept), stopping past ``limit``.

    Raises ``zlib.error`` or ``EOFError`` when the data is damaged or cut off.
    """
    unpacker = zlib.decompressobj(31)  # 31: gzip framing
    size = 0
    data = raw
    while data and size <= limit:
        size += len(unpacker.decompress(data, 1024 * 1024))
        data = unpacker.unconsumed_tail
        if unpacker.eof and unpacker.unused_data:  # a second gzip member follows
            data = unpacker.unused_data
            unpacker = zlib.decompressobj(31)
    if size <= limit and not unpacker.eof:
        raise EOFError("cut off")
    return size


def _gunzip(path: Path, raw: bytes, limit: int) -> bytes:
    """Decompress a gzip file, first checking (without keeping anything) that it fits ``limit``."""
    try:
        if _expanded_size(raw, limit) > limit:
            raise StudyFileError(path, _too_large(limit))
        return gzip.decompress(raw)
    except (zlib.error, EOFError, OSError) as exc:
        raise StudyFileError(path, "the compressed file is damaged.") from exc


def _too_large(limit: int) -> str:
    return (
        f"the file is larger than the {limit // (1024 * 1024):,} MB this app reads; "
        "download fewer studies at a time."
    )


def _read_bytes(path: Path, limit: int = MAX_STUDY_FILE_BYTES) -> bytes:
    """A file's content, decompressed when gzip, within ``limit``."""
    try:
        if path.stat().st_size > limit:
            raise StudyFileError(path, _too_large(limit))
        raw = path.read_bytes()
    except FileNotFoundError:
        raise StudyFileError(path, "the file does not exist.") from None
    except IsADirectoryError:
        raise StudyFileError(path, "this is a folder, not a file.") from None
    except OSError as exc:
        raise StudyFileError(path, f"the file could not be read ({exc.strerror or exc}).") from exc
    return _unpacked(path, raw, limit)


def _unpacked(path: Path, raw: bytes, limit: int) -> bytes:
    """Content within ``limit``, decompressed when it is gzip."""
    if len(raw) > limit:
        raise StudyFileError(path, _too_large(limit))
    if raw.startswith(_GZIP_MAGIC):
        raw = _gunzip(path, raw, limit)
    return raw


def _text_of(path: Path, raw: bytes) -> str:
    """Content as text, in UTF-8."""
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
            value = parse_json(line)
        except JsonProblem as problem:
            cut = "; the file may be cut off" if problem.kind == "syntax" else ""
            raise StudyFileError(path, f"line {number} {problem.words}{cut}.") from None
        found = studies_in(value)
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
    return _raw_studies(path, _text_of(path, _read_bytes(path)))


def _raw_studies(path: Path, text: str) -> list[dict[str, Any]]:
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
        value = parse_json(stripped)
    except JsonProblem as problem:
        if problem.kind == "syntax" and (problem.detail == "Extra data" or "\n" in stripped):
            return _parse_json_lines(path, stripped)
        cut = "; it may be cut off" if problem.kind == "syntax" else ""
        raise StudyFileError(path, f"the file {problem.words}{cut}.") from None
    found = studies_in(value)
    if found is None:
        raise StudyFileError(
            path,
            "the file holds JSON, but not ClinicalTrials.gov studies "
            '(expected {"studies": [...]}, a study, a list of studies, or one study per line).',
        )
    return found


@dataclass(frozen=True)
class StudyFile:
    """The studies read from a file, and how many records had to be left out."""

    studies: list[Study]
    skipped: int

    @property
    def note(self) -> str | None:
        """The sentence to show when records were left out, else ``None``."""
        if not self.skipped:
            return None
        plural = self.skipped != 1
        return (
            f"{self.skipped:,} record{'s' if plural else ''} in the file could not be read "
            f"and {'were' if plural else 'was'} left out."
        )


def read_study_file(path: str | Path) -> StudyFile:
    """Load and normalize the studies in a downloaded file, counting records that cannot be read.

    A record is left out when it has no NCT ID or a field of the wrong type (``locations: 1``).
    A study that appears twice is kept once, in its most recently updated version, at the place
    of its first appearance.

    Raises:
        StudyFileError: the file cannot be read as studies, or none of them can be used.
    """
    path = Path(path)
    return _study_file(path, _read_bytes(path))


def read_study_bytes(name: str, data: bytes, *, limit: int = MAX_STUDY_FILE_BYTES) -> StudyFile:
    """The same as :func:`read_study_file` for a file's content already in memory (an upload).

    ``name`` is only used in messages. Raises :class:`StudyFileError` in the same words.
    """
    path = Path(Path(name).name or "the file")
    return _study_file(path, _unpacked(path, data, limit))


def _study_file(path: Path, data: bytes) -> StudyFile:
    with paused_gc():
        outcomes = _typed_outcomes(data)
        if outcomes is None:  # not plain JSON of a known shape: the old path, and its words
            outcomes = [study_from_plain(r) for r in _raw_studies(path, _text_of(path, data))]
        return _kept(path, outcomes)


def _typed_outcomes(data: bytes) -> list[Outcome] | None:
    """Every record of the file on the typed path, or ``None`` when the old path must read it."""
    if data.startswith(_UTF8_BOM):
        data = data[3:]  # a copy, but only of a file that starts with a byte order mark
    if not typed_readable(data):
        return None
    try:
        return decode_document(data)
    except DecodeFailed:
        pass
    if b"\n" not in data:
        return None
    view = memoryview(data)
    outcomes: list[Outcome] = []
    documents = 0
    try:  # JSON Lines: one document a line, each read in place from the file's bytes
        for start, end in _lines(data):
            if not _BLANK.fullmatch(data, start, end):
                outcomes.extend(decode_document(view[start:end]))
                documents += 1
    except DecodeFailed:
        return None
    return outcomes if documents else None


def _lines(data: bytes) -> Iterator[tuple[int, int]]:
    """Where each line starts and ends (the newline left out)."""
    start = 0
    while start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        yield start, end
        start = end + 1


def _kept(path: Path, outcomes: list[Outcome]) -> StudyFile:
    studies: dict[str, Study] = {}
    skipped = 0
    for study, _ in outcomes:
        if study is None:
            skipped += 1
            continue
        previous = studies.get(study.nct_id)
        if previous is None or study.version > previous.version:
            studies[study.nct_id] = study
    if not studies:
        reason = (
            "the file holds no studies."
            if not outcomes
            else "no study in the file has an NCT ID and readable fields."
        )
        raise StudyFileError(path, reason)
    return StudyFile(list(studies.values()), skipped)


def load_studies_file(path: str | Path) -> list[Study]:
    """The readable studies of a downloaded file (see :func:`read_study_file`)."""
    return read_study_file(path).studies
