"""Reading one sentence: the readers its trigger words call, in a fixed order."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from matchers.findings import (
    Source,
)
from matchers.reader.biomarkers import read_biomarkers, read_gene_change, read_profiling
from matchers.reader.brain import read_brain
from matchers.reader.collector import Collector
from matchers.reader.demographics import read_age, read_menopause_and_sex
from matchers.reader.disease import read_disease_state, read_inflammatory, read_new_diagnosis
from matchers.reader.lines import read_lines
from matchers.reader.performance import read_performance
from matchers.reader.receptors import read_receptors
from matchers.reader.setting import read_breast_mention, read_setting
from matchers.reader.sites import read_bone, read_disease_extent, read_liver
from matchers.reader.standard import read_failed_lately, read_relapse_interval, read_standard_therapy
from matchers.reader.therapy import read_chemosensitive, read_prior_therapy, read_required_radiation
from matchers.reader.triggers import scan

_LESION_DEFINITION = re.compile(
    r"\bnon-?\s?measurable\s+(?:lesions?|disease)\s+(?:are|is|include\w*|consists?|defined|such\s+as)\b|"
    r"\bconsidered\s+(?:as\s+)?(?:non-?\s?|not\s+)measurable\b|\b(?:are|is)\s+(?:considered\s+)?"
    r"(?:non-?\s?measurable|not\s+measurable)\b|\bmeasurable\s+(?:lesions?|disease)\s+(?:is|are)\s+"
    r"defined\b|\btruly\s+non-?\s?measurable\b"
)


@dataclass(slots=True)
class Sentence:
    """One normalized sentence being read, and what readers tell the ones after them."""

    text: str
    quote: str
    kind: Source
    out: Collector
    groups: set[str]
    literals: set[str]
    #: "Non-measurable lesions include bone lesions, leptomeningeal disease, ...": a definition
    #: from the response criteria names sites without requiring or excluding any of them.
    defining: bool = False
    #: The sentence was read as a line-of-treatment limit.
    lines: bool = False


def _plain(reader: Callable[[str, str, Source, Collector], object]) -> Callable[[Sentence], None]:
    """A reader that needs only the sentence, its quote, its section and the collector."""

    def run(sentence: Sentence) -> None:
        reader(sentence.text, sentence.quote, sentence.kind, sentence.out)

    return run


#: Words without one of which a sentence cannot require bone metastases.
_BONE_WORDS = ("bone", "skeletal", "osseous", "spine", "spinal", "vertebra")


def _bone(sentence: Sentence) -> None:
    read_disease_extent(sentence.text, sentence.quote, sentence.kind, sentence.out)
    if not sentence.defining and any(w in sentence.text for w in _BONE_WORDS):
        read_bone(sentence.text, sentence.quote, sentence.kind, sentence.out)


def _lines(sentence: Sentence) -> None:
    sentence.lines = read_lines(sentence.text, sentence.quote, sentence.kind, sentence.out)


def _new_diagnosis(sentence: Sentence) -> None:
    if not sentence.lines:
        read_new_diagnosis(sentence.text, sentence.quote, sentence.kind, sentence.out)


def _prior(sentence: Sentence) -> None:
    if "chemo" in sentence.text:
        read_chemosensitive(sentence.text, sentence.quote, sentence.kind, sentence.out)
    read_prior_therapy(
        sentence.text,
        sentence.quote,
        sentence.kind,
        sentence.out,
        skip_generic=sentence.lines,
        literals=sentence.literals,
    )


def _setting(sentence: Sentence) -> None:
    read_setting(
        sentence.text,
        sentence.quote,
        sentence.kind,
        sentence.out,
        metastatic_words="setting" in sentence.groups,
        early_words="setting_early" in sentence.groups,
    )


@dataclass(frozen=True, slots=True)
class Reader:
    """One kind of criterion: the trigger groups that call it and how it reads a sentence."""

    name: str
    groups: frozenset[str]
    run: Callable[[Sentence], None]
    #: Skipped for definitions of lesions, which name sites without a rule about them.
    not_for_definitions: bool = False


def _reader(name: str, run: Callable[[Sentence], None], *groups: str, defs: bool = True) -> Reader:
    return Reader(name, frozenset(groups or (name,)), run, not_for_definitions=not defs)


#: Every reader, in the order they read a sentence (later ones use what earlier ones found).
READERS: tuple[Reader, ...] = (
    _reader("receptors", _plain(read_receptors)),
    _reader("brain", _plain(read_brain), defs=False),
    _reader("liver", _plain(read_liver), defs=False),
    _reader("extent", _bone),
    _reader("lines", _lines),
    _reader("new_diagnosis", _new_diagnosis),
    _reader("prior", _prior),
    _reader("radiation", _plain(read_required_radiation)),
    _reader("biomarkers", _plain(read_biomarkers)),
    _reader("genes", _plain(read_gene_change)),
    _reader("profiling", _plain(read_profiling)),
    _reader("sex", _plain(read_menopause_and_sex)),
    _reader("age", _plain(read_age)),
    _reader("performance", _plain(read_performance)),
    _reader("setting", _setting, "setting", "setting_early"),
    _reader("breast", _plain(read_breast_mention)),
    _reader("standard", _plain(read_standard_therapy)),
    _reader("interval", _plain(read_relapse_interval)),
    _reader("failed_lately", _plain(read_failed_lately)),
    _reader("inflammatory", _plain(read_inflammatory), defs=False),
    _reader("disease_state", _plain(read_disease_state)),
)
READER_NAMES: frozenset[str] = frozenset(r.name for r in READERS)

#: The readers each set of trigger groups calls, in reading order. Sentences share few distinct
#: sets, so each is worked out once instead of testing all twenty readers on every sentence.
_READERS_FOR: dict[frozenset[str], tuple[Reader, ...]] = {}


def readers_for(groups: set[str] | frozenset[str]) -> tuple[Reader, ...]:
    """The readers a sentence with these trigger groups needs, in the order they read."""
    key = frozenset(groups)
    found = _READERS_FOR.get(key)
    if found is None:
        found = tuple(r for r in READERS if not r.groups.isdisjoint(key))
        _READERS_FOR[key] = found
    return found


def read_sentence(
    text: str,
    quote: str,
    kind: Source,
    out: Collector,
    found: tuple[set[str], set[str]] | None = None,
) -> None:
    """Run the readers a normalized sentence can concern (``found`` is its ``scan`` if known)."""
    groups, literals = found if found is not None else scan(text)
    if not groups:
        return
    sentence = Sentence(text, quote, kind, out, groups, literals)
    sentence.defining = "measurable" in text and _LESION_DEFINITION.search(text) is not None
    defining = sentence.defining
    for reader in readers_for(groups):
        if not (defining and reader.not_for_definitions):
            reader.run(sentence)
