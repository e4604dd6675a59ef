"""Menopausal status and explicit acceptance of men."""

from __future__ import annotations

import re

from matchers.findings import (
    Allowed,
    Factor,
    Source,
)
from matchers.reader.collector import Collector
from matchers.reader.context import polarity
from matchers.reader.regex_tools import word_start_pattern
from matchers.reader.text import trim_quote

_POST = re.compile(r"\bpost-?\s?menopaus\w*")
_PRE = re.compile(
    r"\b(?:pre|peri)-?\s?menopaus\w*|\bpre-\s*(?:,|/|and\b|or\b)|\bpre-?\s*(?:/|or|and|and/or)\s*(?:peri-?\s*)?(?:/|or|and)?\s*"
    r"(?:peri)?-?\s?menopaus\w*|\bpre-\s*/\s*peri-"
)
_OVARIAN_SUPPRESSION = re.compile(
    word_start_pattern(
        r"\bovarian\s+(?:function\s+)?(?:suppression|ablation)|\blhrh\b|\bgnrh\b|\bgoserelin\b|\bleuprolide\b|"
        r"\bleuprorelin\b|\btriptorelin\b|\bofs\b|\bbilateral\s+oophorectomy\b|luteinizing\s+hormone[\s-]releasing|"
        r"\blhrha\b"
    )
)
_REPRODUCTIVE = re.compile(
    word_start_pattern(
        r"childbearing|contracept|pregnan|lactat|breast-?\s?feeding|fertile|\bwocbp\b|reproductive|"
        r"\bpotential\b|abstinen|sperm|condom|sexual|donat|amenorrh|steril|\bhrt\b|hormone\s+replacement"
    )
)
_MALE = re.compile(word_start_pattern(r"\b(?:men|males?|male\s+patients)\b"))
#: Women as the people a criterion is about ("adult female patients", "postmenopausal women").
_WOMEN = re.compile(
    r"\b(?:women|females?|female\s+(?:patients?|participants?|subjects?))\b|\bsex\s*:\s*(?:women|female)"
)


def _read_women_only(text: str, quote: str, kind: Source, out: Collector) -> None:
    """An inclusion written for women alone; one naming men too, or about pregnancy, is not."""
    if kind != "inclusion" or ("women" not in text and "female" not in text):
        return
    match = _WOMEN.search(text)
    # Whom a criterion is about comes first ("Adult female patients with ..."); "female" later in
    # it is a detail ("x 0.85 if female" in a kidney formula).
    if match is None or match.start() > 40 or _MALE.search(text) or _REPRODUCTIVE.search(text):
        return
    if polarity(text, match.start(), match.end(), kind) == "require":
        out.require(Factor.WOMEN_ONLY, True, quote, kind)


def read_menopause_and_sex(text: str, quote: str, kind: Source, out: Collector) -> None:
    """Menopause cues (reconciled later across the whole trial), explicit acceptance of men, and
    criteria written for women alone."""
    _read_women_only(text, quote, kind, out)
    if kind in ("inclusion", "title") and (" men" in text or "male" in text or text.startswith("men")):
        match = _MALE.search(text)
        if (
            match is not None
            and polarity(text, match.start(), match.end(), "inclusion") != "exclude"
            and not _REPRODUCTIVE.search(text)
        ):
            out.allow(Allowed.MALE, quote, kind)
    if "menopaus" not in text or kind not in ("inclusion", "exclusion", "title"):
        return
    if _REPRODUCTIVE.search(text) or text.startswith(("or ", "and ")):
        return
    has_post = _POST.search(text) is not None
    has_pre = _PRE.search(text) is not None
    suppression = _OVARIAN_SUPPRESSION.search(text) is not None
    if kind == "exclusion":
        if has_pre and not suppression and re.match(r"^\W*(?:women\s+who\s+are\s+)?(?:pre|peri)", text):
            out.menopause.append(("exclude_pre", trim_quote(quote), kind))
        return
    if has_pre and (has_post or suppression):
        out.menopause.append(("allow_pre", trim_quote(quote), kind))
    elif has_post:
        post = _POST.search(text)
        assert post is not None
        if polarity(text, post.start(), post.end(), "inclusion") == "require":
            out.menopause.append(("require_post", trim_quote(quote), kind))
    elif has_pre:
        pre = _PRE.search(text)
        assert pre is not None
        if polarity(text, pre.start(), pre.end(), "inclusion") == "require":
            out.menopause.append(("require_pre", trim_quote(quote), kind))
