"""Readings as JSON bytes, keyed so a stored reading is only ever used for the same text read by
the same reader.

A reading depends on the study's text and on the reader's code and vocabulary, so its key holds
the NCT ID, the record version, a digest of the text the reader looks at, and a digest of the
reader itself (its modules and the vocabulary file): any change to either makes old readings
unreachable instead of wrong. Decoding checks every field against the reading's types (msgspec),
so a damaged or foreign value is refused, never trusted, and nothing is ever unpickled.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import msgspec

from data.models import Study
from matchers.trial_reading import TrialReading

_ENCODER = msgspec.json.Encoder()
_DECODER = msgspec.json.Decoder(TrialReading)
_ROOT = Path(__file__).resolve().parents[1]
#: The code and data a reading is made from.
_READER_SOURCES = (
    "matchers/reader/*.py",
    "matchers/criteria_*.py",
    "matchers/eligibility.py",
    "matchers/trial_labels.py",
    "matchers/reconcile.py",
    "matchers/findings.py",
    "matchers/trial_reading.py",
    "data/vocabulary.py",
    "data/vocabulary.yaml",
)


@cache
def reader_version() -> str:
    """A digest of the reader's own files: changes whenever the reader could read differently."""
    digest = hashlib.sha256()
    for pattern in _READER_SOURCES:
        for path in sorted(_ROOT.glob(pattern)):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def reading_key(study: Study) -> str:
    """Where the reading of this version of this study's text is stored."""
    text = "\x1f".join(
        (
            study.eligibility_criteria or "",
            study.brief_title or "",
            study.official_title or "",
            "\x1e".join(study.conditions),
            "\x1e".join(study.keywords),
            str(study.healthy_volunteers),
        )
    )
    text_digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:24]
    return f"{study.nct_id}|{study.version}|{text_digest}|{reader_version()}"


def encode_reading(reading: TrialReading) -> bytes:
    return _ENCODER.encode(reading)


def decode_reading(data: bytes) -> TrialReading | None:
    """The reading in ``data``, or ``None`` when it is not a valid reading."""
    try:
        return _DECODER.decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
