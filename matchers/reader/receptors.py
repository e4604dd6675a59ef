"""Receptor status (hormone receptors, HER2, triple-negative) required or ruled out."""

from __future__ import annotations

import re

from matchers.findings import (
    ALL_CELLS,
    HER2_NEGATIVE_CELLS,
    HER2_POSITIVE_CELLS,
    HR_NEGATIVE_CELLS,
    HR_POSITIVE_CELLS,
    TRIPLE_NEGATIVE_CELLS,
    Factor,
    Source,
)
from matchers.reader.collector import Collector, ReceptorRule
from matchers.reader.context import CONDITIONAL, TITLE_TOPIC, WASHOUT, polarity
from matchers.reader.regex_tools import word_start_pattern
from matchers.reader.text import trim_quote

_HER2 = (
    r"(?:\bher-?\s?2(?:/neu)?|\berbb-?2|\bher2/neu|\bhuman\s+epidermal\s+growth\s+factor\s+receptor"
    r"[\s-]*2(?:\s*\(her-?\s?2(?:/neu)?\)(?:/neu)?)?)"
)
#: "positive"/"positve"/"postive": registries misspell it often enough to matter.
_POSITIVE = r"(?:posi?ti?ve?\w*|pos\b)"
_HR_WORDS = (
    r"(?:hormone[\s-]receptors?|hr|er|estrogen[\s-]receptors?|oestrogen[\s-]receptors?|er/pr|"
    r"pr|pgr|progesterone[\s-]receptors?)"
)
_RECEPTOR_PATTERNS: tuple[tuple[str, frozenset[str], str], ...] = (
    (
        "her2_low",
        HER2_NEGATIVE_CELLS,
        _HER2 + r"[\s-]*(?:low|ultra-?low)\b|\blow[\s-]her2\b|\bher2[\s-]*(?:ihc\s*)?1\+",
    ),
    (
        "her2_pos",
        HER2_POSITIVE_CELLS,
        _HER2 + r"\)?\s*(?:status\s*)?(?:-|:)?\s*(?:\+|" + _POSITIVE + r"|over-?express\w*|"
        r"(?:gene[\s-])?amplifi\w*|enriched|(?:(?:by\s+)?(?:ihc|ich)\s*(?:score\s*)?(?:of\s*)?)?3\s*\+)|"
        r"\bpositive\s+(?:for\s+)?" + _HER2 + r"(?!\s*(?:-|negativ|neg\b|0\b))|"
        r"\b(?:over-?express\w*|amplifi\w*|express(?:es|ing)?)\s+(?:of\s+)?(?:the\s+)?" + _HER2,
    ),
    (
        "her2_neg",
        HER2_NEGATIVE_CELLS,
        _HER2 + r"\)?\s*(?:status\s*)?(?:-|:)?\s*(?:negativ\w*|neg\b|non-?amplif\w*|not\s+amplif\w*|"
        r"non-?over-?express\w*|0\b)|" + _HER2 + r"\s*-\s*ve\b|" + _HER2 + r"\s*-(?![a-z0-9+])|"
        r"\bnegative\s+(?:for\s+)?" + _HER2,
    ),
    ("tnbc", TRIPLE_NEGATIVE_CELLS, r"\btriple[\s-]*negative\b|\bm?tnbc\b|\bquadruple[\s-]negative\b"),
    (
        "hr_pos",
        HR_POSITIVE_CELLS,
        r"\b(?:hormone[\s-]receptors?|hormone|hr|er|estrogen[\s-]receptors?|oestrogen[\s-]receptors?|er/pr|"
        r"pr|pgr|progesterone[\s-]receptors?|er\s+and/or\s+pr|er\s+or\s+pr)\s*(?:status\s*)?(?:-|:)?\s*"
        r"(?:\+|" + _POSITIVE + r")|\bluminal[\s-]+(?:a|b|a/b|type|subtype|like|breast|disease|"
        r"tumou?rs?)\b|\ber\s*(?:>=|>)\s*\d+\s*%|\bendocrine[\s-](?:sensitive|responsive)\b|"
        r"\bpositive\s+(?:for\s+)?" + _HR_WORDS + r"\b",
    ),
    (
        "hr_neg",
        HR_NEGATIVE_CELLS,
        r"\b(?:hormone[\s-]receptors?|hr|er|estrogen[\s-]receptors?|oestrogen[\s-]receptors?|er/pr|"
        r"er\s+and\s+pr)\s*(?:status\s*)?(?:-|:)?\s*(?:negativ\w*|neg\b)|\b(?:er|hr|er/pr)\s*-\s*ve\b|"
        r"\b(?:er|hr)\s*-(?![a-z0-9+])|\ber\s*<\s*(?:1|10)\s*%|\bnegative\s+(?:for\s+)?(?:hormone[\s-]"
        r"receptors?|hr|er|estrogen[\s-]receptors?|oestrogen[\s-]receptors?|er/pr)\b",
    ),
)
_RECEPTOR = re.compile("|".join(f"(?P<{name}>{pattern})" for name, _, pattern in _RECEPTOR_PATTERNS))
_RECEPTOR_CELLS = {name: cells for name, cells, _ in _RECEPTOR_PATTERNS}
RECEPTOR_HINTS = (
    "her2",
    "her-2",
    "her 2",
    "erbb",
    "receptor",
    "triple",
    "tnbc",
    "luminal",
    "endocrine",
)
_ANY_STATUS = re.compile(
    word_start_pattern(
        r"\b(?:regardless|irrespective|independent)\s+of\b|\bany\s+(?:her2|hormone|hr|er|receptor)\b|"
        r"\b(?:positive\s+or\s+-?\s*negative|negative\s+or\s+-?\s*positive)\b|"
        # "positive, negative or unknown" lists every status; "negative or unknown" alone does not
        r"\b(?:positive|negative)\s*,\s*(?:or\s+)?(?:negative|positive)\b"
    )
)
_OR_BETWEEN = re.compile(word_start_pattern(r"\bor\b|\bcohort\b|\barm\b|\bpart\b|\beither\b|;"))
_HER2_ZERO = re.compile(r"\bihc\s*(?:score\s*(?:of\s*)?)?0\b|\b0\s*,\s*1\+|\bher2[\s-]*0\b")
_ULTRALOW = re.compile(
    r"ultra-?low|\bihc\s*>\s*0\b|\b0\s*<\s*ihc|ihc\s*0\s*\+?\s*with\s+(?:faint|membran)"
)
#: Every receptor pattern starts with one of these words; the full pattern is tried only there,
#: which costs far less than scanning every position of a long sentence with it.
_RECEPTOR_START = re.compile(
    r"\b(?:her|erbb|low|triple|m?tnbc|quadruple|hormone|estrogen|oestrogen|progesterone|luminal|"
    r"endocrine|hr|er|pr|pgr|human|positive|negative|over|amplifi|express)"
)


def receptor_mentions(text: str) -> list[tuple[int, int, str]]:
    """Receptor mentions in reading order, as ``_RECEPTOR.finditer`` would find them."""
    found: list[tuple[int, int, str]] = []
    last_end = 0
    for start in _RECEPTOR_START.finditer(text):
        if start.start() < last_end:
            continue
        match = _RECEPTOR.match(text, start.start())
        if match is not None:
            found.append((match.start(), match.end(), match.lastgroup or ""))
            last_end = match.end()
    return found


#: A status the study only writes down ("HER2 status will be recorded") limits nobody.
_RECORDED = re.compile(
    word_start_pattern(
        r"\b(?:will|shall|would|is\s+to|are\s+to)\s+(?:also\s+)?be\s+(?:recorded|documented|collected|"
        r"noted|assessed|determined|evaluated|tested|measured|analy[sz]ed|reported|obtained|reviewed|"
        r"registered|captured|requested|retrieved)\b"
    )
)
_REQUIRING = re.compile(r"\bmust\b|\brequired?\b|\bshould\b|\beligib\w*|\bonly\b|\bhave\b|\bhas\b")
#: A test result that could not be read ("inconclusive or equivocal HER2") is not a subtype.
_EQUIVOCAL = re.compile(
    r"\b(?:inconclusive|equivocal|indeterminate|undetermined|unavailable|borderline|missing|"
    r"not\s+available|uninterpretable)\b"
)


def _not_a_rule(text: str, mentions: list[tuple[int, int, str]]) -> bool:
    """A receptor status one group needs, that is only recorded, or that is about the test."""
    if CONDITIONAL.search(text):
        return True
    recorded = _RECORDED.search(text)
    if recorded is not None:
        own = text.rfind(". ", 0, mentions[0][0]) + 1  # its own sentence, not a parent line's
        if not _REQUIRING.search(text, own, recorded.end()):
            return True  # "HER2 ... positivity will be recorded", not "must be HER2+ (tested centrally)"
    # "inconclusive, equivocal or unavailable HER2 result": about the test
    return _EQUIVOCAL.search(text, max(0, mentions[0][0] - 60), mentions[0][0]) is not None


def _cells_named(text: str, mentions: list[tuple[int, int, str]]) -> frozenset[str]:
    """The cells the mentions narrow to; mentions joined by "or" (cohorts) add up."""
    groups: list[frozenset[str]] = []
    current = ALL_CELLS
    previous_end: int | None = None
    for start, end, name in mentions:
        if previous_end is not None and _OR_BETWEEN.search(text, previous_end, start):
            groups.append(current)
            current = ALL_CELLS
        narrowed = current & _RECEPTOR_CELLS[name]
        if not narrowed and current != ALL_CELLS:
            # "HER2-negative breast cancer includes hormone receptor-positive breast cancer and
            # TNBC": two statuses no tumour has at once are two groups, either of which will do
            groups.append(current)
            narrowed = _RECEPTOR_CELLS[name]
        current = narrowed if narrowed else current
        previous_end = end
    groups.append(current)
    return frozenset().union(*groups)


def _read_her2_low(
    text: str, quote: str, kind: Source, out: Collector, mentions: list[tuple[int, int, str]]
) -> None:
    low = next((start for start, _, name in mentions if name == "her2_low"), None)
    if low is None or (kind == "title" and TITLE_TOPIC.search(text, 0, low)):
        return  # "Prevalence of HER2-low in HER2-negative breast cancer": measured, not required
    if not _HER2_ZERO.search(text):
        factor = Factor.HER2_LOW_OR_ULTRALOW if _ULTRALOW.search(text) else Factor.HER2_LOW
        out.require(factor, True, quote, kind)


_RECEPTOR_NAME = (
    r"(?:(?:o)?estrogen|progest(?:erone|in)|hormone)[\s-]receptors?|er|pr|pgr|"
    r"her-?2(?:/neu)?(?:[\s-]receptors?)?"
)
#: A list of receptors that shares one status word: "ER, PR and HER2 negative status".
_SHARED_STATUS = re.compile(
    rf"\b(?P<names>(?:{_RECEPTOR_NAME})(?:\s*\([a-z0-9/-]+\))?(?:\s*(?:,|and|or|/|&)\s*(?:and\s+)?"
    rf"(?:{_RECEPTOR_NAME})(?:\s*\([a-z0-9/-]+\))?)+)\s+(?:status\s+)?(?:is\s+|are\s+)?"
    r"(?P<status>negative|positive)\b"
)
_ONE_NAME = re.compile(rf"\b(?:{_RECEPTOR_NAME})\b")


def _distribute_status(text: str) -> str:
    """ "er, pr and her2 negative" -> "er negative, pr negative and her2 negative": the status
    word of a list applies to each receptor in it."""
    match = _SHARED_STATUS.search(text)
    if match is None:
        return text
    status = match.group("status")
    names = _ONE_NAME.sub(lambda m: f"{m.group(0)} {status}", match.group("names"))
    return text[: match.start()] + names + text[match.end() :]


_OR_OTHER_TUMOURS = re.compile(
    r"\b(?:or|and|and/or)\s+(?:other|selected|various)\s+(?:advanced\s+)?(?:solid\s+)?(?:tumou?rs?|"
    r"cancers?|malignan\w*|neoplasms?)\b|"
    # "Advanced Breast Cancer and Triple Negative Breast Cancer": breast cancer of any type, and one
    r"\b(?:advanced|metastatic|recurrent|refractory)\s+breast\s+cancers?\s+(?:and|or|&|and/or)\s+"
    r"(?:\w+[\s-]+){0,3}?breast\s+cancers?\b"
)


_PART_AT_END = re.compile(
    r"\b(?:in|for)\s+(?:the\s+)?(?:part|cohort|arm|group|phase)\s+\w+\s*(?:only\s*)?$"
)


def _bracketed_for_a_part(text: str, position: int) -> bool:
    opening = text.rfind("(", 0, position)
    closing = text.find(")", position)
    if opening == -1 or closing == -1 or text.rfind(")", opening, position) != -1:
        return False
    return _PART_AT_END.search(text, opening, closing) is not None


#: "... with the exception of hormonal therapy for prostate and breast cancers, HER2-directed
#: therapy for HER2+ breast cancer": the drugs a washout lets continue, not a population.
_EXCEPTED_FROM_WASHOUT = re.compile(
    r"\b(?:except\w*|other\s+than)\b[^.;]{0,60}?\b(?:therap\w*|treatments?|drugs?|agents?)\b"
)


#: "HER2-expressing breast cancer": HER2 at any level, the population of HER2-directed ADCs.
_HER2_EXPRESSING = re.compile(_HER2 + r"[\s-]+expressing\b(?!\s+(?:tumou?r\s+)?cells)")


def read_receptors(text: str, quote: str, kind: Source, out: Collector) -> None:
    """Receptor cells the sentence restricts to or rules out, with cohorts joined by "or"."""
    criteria = kind in ("inclusion", "exclusion")
    if out.any_subtype and criteria:
        return
    if kind != "exclusion" and "expressing" in text:
        expressing = _HER2_EXPRESSING.search(text)
        if expressing is not None and (
            kind in ("title", "conditions")
            or polarity(text, expressing.start(), expressing.end(), kind) == "require"
        ):
            out.require(Factor.HER2_EXPRESSING, True, quote, kind)
    text = _distribute_status(text)
    mentions = receptor_mentions(text)
    if not mentions or _ANY_STATUS.search(text) or (criteria and _not_a_rule(text, mentions)):
        return
    if criteria and _EXCEPTED_FROM_WASHOUT.search(text, 0, mentions[0][0]) and WASHOUT.search(text):
        return  # "4 weeks from any chemotherapy, except HER2-directed therapy for HER2+ cancer"
    if "(" in text and _bracketed_for_a_part(text, mentions[0][0]):
        return  # "breast cancer (must be ER+, HER2-, in Part B)": one part's rule, not the trial's
    cells = _cells_named(text, mentions)
    if cells == ALL_CELLS:
        return
    labelled = kind in ("title", "conditions")  # a title names whom the study is for
    if labelled and _OR_OTHER_TUMOURS.search(text):
        return  # "... Triple-Negative Breast Cancer or Other Solid Tumors": one group among others
    mode = "require" if labelled else polarity(text, mentions[0][0], mentions[0][1], kind)
    if mode == "allow":
        return
    if mode == "require" and out.soft_subtype:
        out.receptors.append(ReceptorRule(cells, "prefer", trim_quote(quote), kind, out.parts))
        return
    out.receptors.append(ReceptorRule(cells, mode, trim_quote(quote), kind, out.parts))
    if mode == "require":
        _read_her2_low(text, quote, kind, out, mentions)
