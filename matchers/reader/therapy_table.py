"""The therapy patterns the reader tries, built from the vocabulary's therapies and drugs.

Each therapy item (a class such as "taxane" or a single drug such as "t-dxd") gets one pattern:
its class-level trigger words, then every name of every drug read as it (generic name, other
spellings, brands, development codes). A drug name that starts a longer name of another drug
("trastuzumab" in "trastuzumab deruxtecan") is kept from matching there. Each item also gets
plain key words, one of which must appear in a sentence before its pattern is worth running.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from data.vocabulary import Drug, Therapy, load_vocabulary
from matchers.reader.regex_tools import word_start_pattern

VOCABULARY = load_vocabulary()
#: Items whose words start with so many letters that the word-start rewrite is slower.
_MAX_FIRST_LETTERS = 8


@dataclass(frozen=True, slots=True)
class TherapyPattern:
    """One therapy item as the reader looks for it."""

    id: str
    keys: tuple[str, ...]
    pattern: re.Pattern[str]


def _words(name: str) -> list[str]:
    return name.lower().split()


def _word_regex(word: str) -> str:
    """A word of a name: its hyphens may be written as a space or left out ("nab paclitaxel")."""
    return r"[\s-]?".join(re.escape(part) for part in word.split("-"))


def name_pattern(name: str, longer: tuple[str, ...] = ()) -> str:
    """ "trastuzumab" -> ``\\btrastuzumab\\b(?![\\s-]+(?:deruxtecan|...))`` for each longer name."""
    core = r"[\s-]+".join(_word_regex(word) for word in _words(name))
    guard = ""
    if longer:
        rests = "|".join(
            r"[\s-]+".join(_word_regex(w) for w in _words(n)[len(_words(name)) :]) for n in longer
        )
        guard = r"(?![\s-]+(?:" + rests + "))"
    return r"\b" + core + r"\b" + guard


def code_pattern(code: str) -> str:
    """ "DS-8201a" -> ``\\bds[\\s-]?8201(?:a)?\\b``: separators optional, a trailing letter too."""
    chunks = re.findall(r"[a-z]+|\d+", code.lower())
    if len(chunks) > 1 and chunks[-1].isalpha() and chunks[-2].isdigit():
        head, tail = chunks[:-1], f"(?:{chunks[-1]})?"
        return r"\b" + r"[\s-]?".join(head) + tail + r"\b"
    return r"\b" + r"[\s-]?".join(chunks) + r"\b"


def name_key(name: str, *, code: bool = False) -> str:
    """The part of a name every sentence naming it holds at the start of a word: its first word
    ("palbociclib"), or for a development code its first part of three or more characters, without
    a trailing letter that may be left out, preferring the part with the number ("8201" of "DS-8201a",
    "syd985", "a1811" of "SHR-A1811"), since letters alone ("IMMU") start many ordinary words."""
    tokens = re.split(r"[\s-]", name.lower())
    if not code:
        return tokens[0]
    long = [t for t in tokens if len(t) >= 3] or tokens
    token = next((t for t in long if any(c.isdigit() for c in t)), long[0])
    return re.sub(r"(?<=\d)[a-z]+$", "", token)


def _longer_names(name: str, therapy: str, drugs: tuple[Drug, ...]) -> tuple[str, ...]:
    """Names of other items' drugs that start with ``name`` followed by more words."""
    words = _words(name)
    return tuple(
        other
        for drug in drugs
        if drug.therapy != therapy
        for other in drug.names
        if len(_words(other)) > len(words) and _words(other)[: len(words)] == words
    )


def _alternatives(item: Therapy, drugs: tuple[Drug, ...]) -> list[str]:
    alternatives = list(item.triggers)
    for drug in drugs:
        if drug.therapy != item.id:
            continue
        alternatives += [name_pattern(n, _longer_names(n, item.id, drugs)) for n in drug.names]
        alternatives += [code_pattern(code) for code in drug.codes]
    return alternatives


def _keys(item: Therapy, drugs: tuple[Drug, ...]) -> tuple[str, ...]:
    mine = [d for d in drugs if d.therapy == item.id]
    named = [name_key(n) for d in mine for n in d.names] + [
        name_key(c, code=True) for d in mine for c in d.codes
    ]
    return tuple(dict.fromkeys((*item.keys, *named)))


def _compile(alternatives: list[str]) -> re.Pattern[str]:
    pattern = "|".join(alternatives)
    first_letters = {re.sub(r"^(?:\\b|\(\?:)+", "", a)[:1] for a in alternatives}
    return re.compile(
        pattern if len(first_letters) > _MAX_FIRST_LETTERS else word_start_pattern(pattern)
    )


def _build() -> tuple[TherapyPattern, ...]:
    drugs = VOCABULARY.drugs
    return tuple(
        TherapyPattern(item.id, _keys(item, drugs), _compile(_alternatives(item, drugs)))
        for item in VOCABULARY.therapies
        if item.triggers or any(d.therapy == item.id for d in drugs)
    )


THERAPY_PATTERNS: tuple[TherapyPattern, ...] = _build()
#: Each pattern's place in ``THERAPY_PATTERNS``: mentions are collected in that order.
ORDER: dict[str, int] = {p.id: index for index, p in enumerate(THERAPY_PATTERNS)}
DRUG_KEYS: dict[str, tuple[str, ...]] = {p.id: p.keys for p in THERAPY_PATTERNS}
#: The words that start each drug name, which the trigger scan must know to call the reader.
DRUG_WORDS: tuple[str, ...] = tuple(
    sorted(
        {name_key(n) for d in VOCABULARY.drugs for n in d.names}
        | {name_key(c, code=True) for d in VOCABULARY.drugs for c in d.codes}
    )
)
#: Key words long enough to be trigger words of the prior-therapy reader.
DRUG_HINTS: tuple[str, ...] = tuple(sorted({k for p in THERAPY_PATTERNS for k in p.keys if len(k) > 2}))
#: Classes so broad that "no prior X for metastatic disease" is a line limit, not a drug rule.
GENERIC_CLASSES: frozenset[str] = frozenset(t.id for t in VOCABULARY.therapies if t.generic)
#: Reader-only words that stand for any of several items ("SERD": fulvestrant or an oral SERD).
EXPANSIONS: dict[str, tuple[str, ...]] = {
    t.id: t.expands_to for t in VOCABULARY.therapies if t.expands_to
}
#: Classes often given for early-stage cancer, named by rules on relapse after that treatment.
EARLY_SETTING_CLASSES: frozenset[str] = frozenset(t.id for t in VOCABULARY.therapies if t.early_setting)

#: Drug names of classes with several members ("exemestane" among the aromatase inhibitors): a
#: rule on one of them is not a rule on the whole class, which is all a profile records. A drug
#: that gives its class its name (tamoxifen, beside toremifene) is what the profile records.
ONE_OF_SEVERAL: dict[str, str] = {
    name.lower(): d.label or d.generic
    for d in VOCABULARY.drugs
    if d.generic != d.therapy and sum(1 for other in VOCABULARY.drugs if other.therapy == d.therapy) > 1
    for name in d.names
}
