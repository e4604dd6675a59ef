"""The concepts a criterion talks about: the cheap substring gate never hides a mention."""

from __future__ import annotations

import pytest

from matchers.reader.concepts import CONCEPTS, HINTS, unread_concepts

#: At least one phrase per alternative of each concept's mention pattern.
MENTIONS: dict[str, tuple[str, ...]] = {
    "receptors": (
        "her2 status must be known",
        "erbb2 amplified tumours",
        "hormone receptor status",
        "estrogen receptor expression",
        "oestrogen dependent",
        "progesterone receptor",
        "er+ disease",
        "pr- tumours",
        "hr status unknown",
        "er positive and pr negative",
        "triple-negative disease",
        "tnbc only",
        "luminal a tumours",
    ),
    "brain": (
        "brain lesions",
        "cns disease",
        "central nervous system",
        "intracranial",
        "leptomeningeal",
        "cerebral metastases",
    ),
    "treatment": (
        "autologous transplant",
        "stem cell rescue",
        "marrow ablative",
        "high-dose chemotherapy",
        "hormonal manipulation",
        "a sibling donor",
        "hla-matched donor",
    ),
    "lines": (
        "two lines of therapy",
        "second-line treatment",
        "prior regimens",
        "pretreated disease",
        "treatment-naive",
        "chemo-naïve",
    ),
    "biomarkers": (
        "pik3ca status",
        "esr1 variant",
        "brca carriers",
        "pd-l1 expression",
        "cps of 10",
        "her2-low disease",
        "low her2",
        "akt1 status",
        "pten loss",
        "her2 activating mutation",
        "mutation in the erbb2 gene",
    ),
    "performance": ("ecog 2", "karnofsky index", "kps 70", "zubrod 1", "performance status", "who ps"),
    "sex": ("women only", "men and women", "male patients", "females"),
    "menopause": ("postmenopausal status",),
    "care goals": (
        "no longer a candidate for chemotherapy",
        "not a candidate for further therapy",
        "enrolled in hospice",
        "hospice care",
        "best supportive care only",
        "comfort care",
    ),
    "age": ("aged 40 to 70", "70 years of age or older"),
}


def test_every_concept_has_hints_and_examples() -> None:
    assert set(HINTS) == {c.name for c in CONCEPTS} == set(MENTIONS)


@pytest.mark.parametrize(
    ("name", "phrase"), [(name, phrase) for name, phrases in MENTIONS.items() for phrase in phrases]
)
def test_a_mention_passes_its_concepts_gate(name: str, phrase: str) -> None:
    concept = next(c for c in CONCEPTS if c.name == name)
    assert concept.mention.search(phrase), "the example must be a mention"
    assert any(h in phrase for h in HINTS[name]), f"no hint of {name!r} in {phrase!r}"
    if not concept.no_rule.search(phrase):
        assert name in {c.name for c in unread_concepts(phrase)}


def test_overlapping_hints_are_all_found() -> None:
    # "other status" holds "her" (receptors) and "r status"; "women" holds "men"
    assert {c.name for c in unread_concepts("er status in women with other cancers")} >= {
        "receptors",
        "sex",
    }
