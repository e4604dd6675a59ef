"""Reading one sentence: the readers its trigger words call, in a fixed order."""

from __future__ import annotations

import re

from matchers.findings import (
    Source,
)
from matchers.reader.biomarkers import read_biomarkers, read_gene_change, read_profiling
from matchers.reader.brain import read_brain
from matchers.reader.collector import Collector
from matchers.reader.demographics import read_menopause_and_sex
from matchers.reader.disease import read_disease_state, read_inflammatory, read_new_diagnosis
from matchers.reader.lines import read_lines
from matchers.reader.performance import read_performance
from matchers.reader.receptors import read_receptors
from matchers.reader.setting import read_breast_mention, read_setting
from matchers.reader.sites import read_bone, read_disease_extent, read_liver
from matchers.reader.standard import read_relapse_interval, read_standard_therapy
from matchers.reader.therapy import read_prior_therapy
from matchers.reader.triggers import scan

_LESION_DEFINITION = re.compile(
    r"\bnon-?\s?measurable\s+(?:lesions?|disease)\s+(?:are|is|include\w*|consists?|defined|such\s+as)\b|"
    r"\bconsidered\s+(?:as\s+)?(?:non-?\s?|not\s+)measurable\b|\b(?:are|is)\s+(?:considered\s+)?"
    r"(?:non-?\s?measurable|not\s+measurable)\b|\bmeasurable\s+(?:lesions?|disease)\s+(?:is|are)\s+"
    r"defined\b|\btruly\s+non-?\s?measurable\b"
)


def read_sentence(
    text: str,
    quote: str,
    kind: Source,
    out: Collector,
    found: tuple[set[str], set[str]] | None = None,
) -> None:
    """Run the extractors a normalized sentence can concern (``found`` is its ``scan`` if known)."""
    groups, literals = found if found is not None else scan(text)
    if not groups:
        return
    if "receptors" in groups:
        read_receptors(text, quote, kind, out)
    # "Non-measurable lesions include bone lesions, leptomeningeal disease, ...": a definition
    # from the response criteria names sites without requiring or excluding any of them.
    defining = "measurable" in text and _LESION_DEFINITION.search(text) is not None
    if "brain" in groups and not defining:
        read_brain(text, quote, kind, out)
    if "liver" in groups and not defining:
        read_liver(text, quote, kind, out)
    if "extent" in groups:
        read_disease_extent(text, quote, kind, out)
        if not defining and ("bone" in text or "skeletal" in text or "osseous" in text):
            read_bone(text, quote, kind, out)
    lines = "lines" in groups and read_lines(text, quote, kind, out)
    if "new_diagnosis" in groups and not lines:
        read_new_diagnosis(text, quote, kind, out)
    if "prior" in groups:
        read_prior_therapy(text, quote, kind, out, skip_generic=lines, literals=literals)
    if "biomarkers" in groups:
        read_biomarkers(text, quote, kind, out)
    if "genes" in groups:
        read_gene_change(text, quote, kind, out)
    if "profiling" in groups:
        read_profiling(text, quote, kind, out)
    if "sex" in groups:
        read_menopause_and_sex(text, quote, kind, out)
    if "performance" in groups:
        read_performance(text, quote, kind, out)
    if "setting" in groups or "setting_early" in groups:
        read_setting(
            text,
            quote,
            kind,
            out,
            metastatic_words="setting" in groups,
            early_words="setting_early" in groups,
        )
    if "breast" in groups:
        read_breast_mention(text, quote, kind, out)
    if "standard" in groups:
        read_standard_therapy(text, quote, kind, out)
    if "interval" in groups:
        read_relapse_interval(text, quote, kind, out)
    if "inflammatory" in groups and not defining:
        read_inflammatory(text, quote, kind, out)
    if "disease_state" in groups:
        read_disease_state(text, quote, kind, out)
