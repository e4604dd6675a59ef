"""Plain-language names for what the reader finds, for sentences a tired reader can follow."""

from __future__ import annotations

from data.vocabulary import load_vocabulary
from matchers.findings import (
    ALL_CELLS,
    HER2_NEGATIVE_CELLS,
    HER2_POSITIVE_CELLS,
    HR_NEG_HER2_NEG,
    HR_NEG_HER2_POS,
    HR_NEGATIVE_CELLS,
    HR_POS_HER2_NEG,
    HR_POS_HER2_POS,
    HR_POSITIVE_CELLS,
)

_VOCABULARY = load_vocabulary()
#: How each therapy is named in a sentence ("a taxane (paclitaxel or docetaxel)").
THERAPY_WORDS: dict[str, str] = {t.id: t.words for t in _VOCABULARY.therapies}
#: How each biomarker is named after an article ("ESR1 mutation").
BIOMARKER_WORDS: dict[str, str] = {b.id: b.noun for b in _VOCABULARY.biomarkers}


def biomarker_words(marker: str) -> str:
    """ "an ESR1 mutation": the marker with the article its sound takes."""
    return _VOCABULARY.biomarker(marker).words


def biomarkers_words(markers: tuple[str, ...]) -> str:
    """ "a PIK3CA mutation, an AKT1 mutation or a PTEN alteration" for an any-of rule."""
    order = _VOCABULARY.biomarker_ids
    names = [biomarker_words(m) for m in sorted(markers, key=order.index)]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


_CELL_SETS: tuple[tuple[frozenset[str], str], ...] = (
    (HER2_POSITIVE_CELLS, "HER2-positive"),
    (HER2_NEGATIVE_CELLS, "HER2-negative"),
    (HR_POSITIVE_CELLS, "hormone-receptor-positive"),
    (HR_NEGATIVE_CELLS, "hormone-receptor-negative"),
    (frozenset({HR_POS_HER2_NEG}), "hormone-receptor-positive, HER2-negative"),
    (frozenset({HR_NEG_HER2_NEG}), "triple-negative"),
    (frozenset({HR_POS_HER2_POS}), "hormone-receptor-positive, HER2-positive"),
    (frozenset({HR_NEG_HER2_POS}), "hormone-receptor-negative, HER2-positive"),
)
_CELL_WORDS = {
    HR_POS_HER2_NEG: "hormone-receptor-positive/HER2-negative",
    HR_POS_HER2_POS: "hormone-receptor-positive/HER2-positive",
    HR_NEG_HER2_POS: "hormone-receptor-negative/HER2-positive",
    HR_NEG_HER2_NEG: "triple-negative",
}


def therapy_words(therapies: tuple[str, ...]) -> str:
    """ "a taxane or an anthracycline" for the therapies of an any-of rule."""
    names = [THERAPY_WORDS.get(m, m) for m in therapies]
    if len(names) <= 1:
        return names[0] if names else "this treatment"
    return ", ".join(names[:-1]) + " or " + names[-1]


def subtype_words(cells: frozenset[str]) -> str:
    """A subtype name for a set of receptor cells ("HER2-positive", "triple-negative")."""
    for cell_set, words in _CELL_SETS:
        if cells == cell_set:
            return words
    if cells == ALL_CELLS:
        return "any subtype of"
    return " or ".join(_CELL_WORDS[c] for c in sorted(cells) if c in _CELL_WORDS)
