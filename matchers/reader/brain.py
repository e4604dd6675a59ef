"""Brain and leptomeningeal metastases required, excluded or allowed, and prior brain radiation."""

from __future__ import annotations

import re

from matchers.findings import (
    Allowed,
    Factor,
    Qualifier,
    Source,
)
from matchers.reader.collector import Collector
from matchers.reader.context import (
    ALLOWING,
    BRAIN_CONDITIONAL,
    EXCEPTION,
    NOT_ALLOWED,
    WASHOUT,
    polarity,
)
from matchers.reader.regex_tools import word_start_pattern

BRAIN_HINTS = ("brain", "cns", "central nervous", "cranial", "cerebral", "leptomening", "mening")
_BRAIN = re.compile(
    word_start_pattern(
        r"\b(?:brain|cns|central\s+nervous\s+system|intra-?cranial|cerebral|parenchymal)\s+"
        r"(?:[a-z/-]+\s+){0,3}?(?:metasta\w*|mets\b|lesions?\b|involvement|deposits?\b)|"
        r"\b(?:brain|cns)\s+(?:[a-z/-]+\s+){0,2}?disease\b|"
        r"\b(?:metasta\w*|mets)\s+(?:(?:disease|lesions?|tumou?rs?|spread|deposits?)\s+)?(?:to|in|of|involving|"
        r"within)\s+(?:the\s+)?(?:brain|cns|central\s+nervous)|"
        r"\bbrain[\s-]*(?:oligo)?metasta\w*"
    )
)
_LEPTO = re.compile(
    word_start_pattern(
        r"\blepto-?meningeal\b|\bmeningeal\s+(?:carcinomatosis|disease|metasta\w*|involvement|spread)|"
        r"\bcarcinomatous\s+meningitis\b|\bneoplastic\s+meningitis\b"
    )
)
_BRAIN_STABLE = re.compile(
    r"\b(?:previously\s+|definitively\s+|adequately\s+|locally\s+)?(?:treated|irradiated|resected)\b|"
    r"\bstable\b|\bstabl\w+|\basymptomatic\b|\bcontrolled\b|\binactive\b|"
    r"\boff\s+(?:\w+\s+)?(?:steroids|corticosteroids|dexamethasone)|"
    r"\b(?:not|no\s+longer|without)\s+(?:\w+\s+){0,2}?(?:requir\w*|need\w*|receiving|taking|on)\b[^;,.]{0,30}|"
    r"\bdo(?:es)?\s+not\s+requir\w*[^;,.]{0,30}|\bno\s+(?:evidence\s+of\s+)?(?:new|progression|"
    r"progressive)\b[^;,.]{0,30}|\bwithout\s+(?:evidence\s+of\s+)?progression"
)
_BRAIN_ACTIVE = re.compile(
    r"\b(?:untreated|un-treated|active|symptomatic|progressi\w*|unstable|uncontrolled|growing|new|"
    r"newly|enlarging|worsening|unresected|not\s+(?:yet\s+)?(?:been\s+)?(?:previously\s+)?treated|"
    r"requir\w*|need\w*\s+(?:immediate|urgent)|impending)\b"
)
_BRAIN_RT = re.compile(
    word_start_pattern(
        r"\b(?:whole[\s-]brain|brain|cranial|stereotactic)\s+(?:radiation|radiotherapy|irradiation|"
        r"radiosurgery|rt)\b|\bwbrt\b|\bsrs\b"
    )
)
_SYMPTOM_WORDS = frozenset({"symptomatic", "uncontrolled"})


def _symptomatic_only(text: str) -> Qualifier:
    """``Qualifier.SYMPTOMATIC`` when only symptoms make brain metastases exclusionary.

    "Symptomatic brain metastases" or "symptomatic uncontrolled brain metastases" need symptoms,
    which no profile records; "symptomatic or untreated" does not (untreated alone suffices).
    """
    words = {m.group(0) for m in _BRAIN_ACTIVE.finditer(_BRAIN_STABLE.sub(" ", text))}
    if "symptomatic" not in words or not words <= _SYMPTOM_WORDS:
        return Qualifier.NONE
    if len(words) > 1 and re.search(r"\b(?:symptomatic|uncontrolled)\s+(?:and/)?or\b", text):
        return Qualifier.NONE
    return Qualifier.SYMPTOMATIC


def read_brain(text: str, quote: str, kind: Source, out: Collector) -> None:
    """Brain metastases required, excluded, or allowed when treated and stable; leptomeningeal."""
    mention = _BRAIN.search(text)
    lepto = _LEPTO.search(text)
    if mention is None and lepto is None:
        _read_brain_radiation(text, quote, kind, out)  # "Prior brain radiotherapy"
        return
    anchor = mention or lepto
    assert anchor is not None
    metastatic_first = anchor.group(0).startswith(("metasta", "mets"))
    if "primary" in text[max(0, anchor.start() - 25) : anchor.start()] and not metastatic_first:
        return  # "primary brain tumors"; but "primary malignancies or metastatic disease of the CNS"
    mode = polarity(text, anchor.start(), anchor.end(), kind)
    not_allowed = NOT_ALLOWED.search(text) is not None
    allowing = not not_allowed and ALLOWING.search(text) is not None
    stable = _BRAIN_STABLE.search(text) is not None
    active = _BRAIN_ACTIVE.search(_BRAIN_STABLE.sub(" ", text)) is not None
    if mention is not None:
        if kind in ("title", "conditions"):
            if allowing:
                out.allow(Allowed.BRAIN_ANY, quote, kind)
            elif not EXCEPTION.search(text):
                out.require(Factor.BRAIN_METS, True, quote, kind)
        elif allowing:
            if stable:
                out.allow(Allowed.BRAIN_STABLE, quote, kind)
                if not (active and "or" in text and kind == "inclusion"):
                    out.require(Factor.BRAIN_METS_ACTIVE, False, quote, kind)
                else:
                    out.allow(Allowed.BRAIN_ACTIVE, quote, kind)
            elif active:
                out.allow(Allowed.BRAIN_ACTIVE, quote, kind)
            else:
                out.allow(Allowed.BRAIN_ANY, quote, kind)
        elif mode == "exclude" and stable and BRAIN_CONDITIONAL.search(text):
            # "Participants with brain metastases must be stable after local therapy", even when
            # written among the exclusions, sets the condition under which they are accepted.
            out.allow(Allowed.BRAIN_STABLE, quote, kind)
            out.require(Factor.BRAIN_METS_ACTIVE, False, quote, kind)
        elif mode == "exclude":
            if active:
                out.require(Factor.BRAIN_METS_ACTIVE, False, quote, kind, _symptomatic_only(text))
            else:
                out.require(Factor.BRAIN_METS, False, quote, kind)
        elif mode == "require":
            if BRAIN_CONDITIONAL.search(text) and (stable or not active):
                out.allow(Allowed.BRAIN_STABLE if stable else Allowed.BRAIN_ANY, quote, kind)
                if stable:
                    out.require(Factor.BRAIN_METS_ACTIVE, False, quote, kind)
            else:
                out.require(Factor.BRAIN_METS, True, quote, kind)
                if active and not stable:
                    out.require(Factor.BRAIN_METS_ACTIVE, True, quote, kind)
    if lepto is not None and kind in ("inclusion", "exclusion"):
        lepto_mode = polarity(text, lepto.start(), lepto.end(), kind)
        if lepto_mode == "exclude" and not allowing:
            out.require(Factor.LEPTOMENINGEAL, False, quote, kind)
        elif lepto_mode == "require" and not allowing and mention is None:
            out.require(Factor.LEPTOMENINGEAL, True, quote, kind)
    _read_brain_radiation(text, quote, kind, out)


def _read_brain_radiation(text: str, quote: str, kind: Source, out: Collector) -> None:
    radiation = _BRAIN_RT.search(text)
    if (
        radiation is not None
        and kind == "exclusion"
        and not WASHOUT.search(text)
        and polarity(text, radiation.start(), radiation.end(), kind) == "exclude"
    ):
        out.require(Factor.PRIOR_BRAIN_RADIATION, False, quote, kind)
