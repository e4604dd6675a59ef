"""Menopausal status and explicit acceptance of men."""

from __future__ import annotations

import re

from matchers.findings import (
    Allowed,
    Factor,
    LimitFactor,
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
#: Ovarian function suppressed by drugs ("goserelin", "GnRH agonist", "suppression of ovarian
#: function"); with surgery or ablation, any ovarian suppression.
_MEDICAL_SUPPRESSION_WORDS = (
    r"\bovarian\s+(?:function\s+)?suppression|\bsuppression\s+of\s+(?:the\s+)?ovar\w*|\blhrha?\b|"
    r"\blh-rh|\bgnrh|\bgoserelin\b|\bleuprolide\b|\bleuprorelin\b|\btriptorelin\b|\bofs\b|"
    r"\bluteinizing\s+hormone[\s-]releasing"
)
_MEDICAL_SUPPRESSION = re.compile(word_start_pattern(_MEDICAL_SUPPRESSION_WORDS))
_OVARIAN_SUPPRESSION = re.compile(
    word_start_pattern(
        _MEDICAL_SUPPRESSION_WORDS
        + r"|\bovarian\s+(?:function\s+)?ablation|\bbilateral\s+oophorectomy\b"
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


_ONLY_A_LABEL = re.compile(
    r"^\W*(?:for\s+)?(?:females?|women)(?:\s+(?:patients|participants|subjects))?(?:\s+who)?\s*:\s*$"
)


#: Ovarian suppression by medicine (not surgery, which makes a woman postmenopausal).


_WOMEN_MUST = re.compile(
    r"\b(?:will\s+be\s+required|are\s+required|must|should|need)\s+to\b|\bmust\s+(?:have|be|receive)\b"
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
    if _ONLY_A_LABEL.match(text):
        return  # "Females:" heads rules for women (pregnancy tests), it does not shut out men
    if _WOMEN_MUST.search(text, match.end()) and _MEDICAL_SUPPRESSION.search(text):
        return  # "Female participants ... will be required to have ovarian suppression": for women
    if polarity(text, match.start(), match.end(), kind) == "require":
        out.require(Factor.WOMEN_ONLY, True, quote, kind)


_MENOPAUSE_DEFINITION = re.compile(
    r"^\W*(?:an?\s+|the\s+)?post-?\s?menopaus\w*(?:\s+(?:state|status|women|woman|"
    r"patients?|participants?))?\s+(?:is|are|will\s+be)\s+defined\b"
)


_SURGICAL_ONLY = re.compile(
    r"\b(?:pre|peri)-?\s?menopaus\w*\s+(?:women\s+|patients\s+)?(?:with|after|who\s+(?:have\s+)?(?:had|"
    r"undergone))\s+(?:a\s+)?(?:prior\s+)?(?:bilateral\s+)?(?:oophorectomy|ovariectomy)(?!\s*\(\s*medical)"
)


_BOTH_SEXES_ELIGIBLE = re.compile(
    r"^\W*(?:both\s+)?(?:men|males)\s+and\s+(?:women|females)\b[^.;]{0,60}\b(?:are|is)\s+eligible\b"
)


def read_menopause_and_sex(text: str, quote: str, kind: Source, out: Collector) -> None:
    """Menopause cues (reconciled later across the whole trial), explicit acceptance of men, and
    criteria written for women alone."""
    _read_women_only(text, quote, kind, out)
    if kind == "exclusion" and _BOTH_SEXES_ELIGIBLE.search(text):
        # "Both men and women of all races and ethnic groups are eligible": a template sentence
        # that registries put in either section; its own words let men in, wherever it stands.
        out.allow(Allowed.MALE, quote, kind)
    elif kind in ("inclusion", "title") and (" men" in text or "male" in text or text.startswith("men")):
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
    if (
        "defined" in text
        and ":" not in text
        and _MENOPAUSE_DEFINITION.search(text)
        and not _OVARIAN_SUPPRESSION.search(text)
    ):
        return  # "A postmenopausal state is defined as no menses for 12 months": a definition
    has_post = _POST.search(text) is not None
    has_pre = _PRE.search(text) is not None
    suppression = _OVARIAN_SUPPRESSION.search(text) is not None
    if kind == "exclusion":
        if has_pre and not suppression and re.match(r"^\W*(?:women\s+who\s+are\s+)?(?:pre|peri)", text):
            out.menopause.append(("exclude_pre", trim_quote(quote), kind, out.parts))
        return
    if has_pre and _SURGICAL_ONLY.search(text) and not _MEDICAL_SUPPRESSION.search(text):
        # "Postmenopausal or premenopausal with bilateral oophorectomy": menopause by surgery
        has_pre = False
    if (has_pre and (has_post or suppression)) or (has_post and _MEDICAL_SUPPRESSION.search(text)):
        # "postmenopausal by natural or surgical means or by ovarian function suppression"
        out.menopause.append(("allow_pre", trim_quote(quote), kind, out.parts))
    elif has_post:
        post = _POST.search(text)
        assert post is not None
        if polarity(text, post.start(), post.end(), "inclusion") == "require":
            out.menopause.append(("require_post", trim_quote(quote), kind, out.parts))
    elif has_pre:
        pre = _PRE.search(text)
        assert pre is not None
        if polarity(text, pre.start(), pre.end(), "inclusion") == "require":
            out.menopause.append(("require_pre", trim_quote(quote), kind, out.parts))


#: Where a criterion speaks of age, and the numbers around it.
_AGE_CONTEXT = re.compile(
    word_start_pattern(
        r"\bage[ds]?\b|\byears?[\s-](?:of\s+age|old)\b|\byears?\s+(?:or|and)\s+(?:older|over|above|younger)\b"
    )
)
_AGE_RANGE = re.compile(
    r"(?<![\d.])(?P<lo>\d{2})\s*(?:-|to|and|through)\s*(?P<hi>\d{2,3})(?![\d%]|\.\d)"
)
_AGE_MIN = re.compile(
    r"(?:>=|=>|>|at\s+least|over|older\s+than|above|greater\s+than|more\s+than)\s*(?P<n>\d{2})(?![\d%]|\.\d)|"
    r"(?<![\d.])(?P<m>\d{2})\s*(?:years?|yrs?)?(?:[\s-]old)?\s*(?:of\s+age\s+)?(?:and|or)\s+(?:over|older|above)"
)
_AGE_MAX = re.compile(
    r"(?:<=|=<|<|at\s+most|younger\s+than|under|below|less\s+than|no\s+older\s+than)\s*(?P<n>\d{2,3})(?![\d%]|\.\d)|"
    r"(?<![\d.])(?P<m>\d{2,3})\s*(?:years?|yrs?)?(?:[\s-]old)?\s*(?:of\s+age\s+)?(?:and|or)\s+(?:younger|under|less)"
)
#: Ages of something else near the age: how long ago, for how long, menopause definitions.
_NOT_HER_AGE = re.compile(
    r"\b(?:within|since|for|past|last|ago|expectancy|interval|follow-?up|"
    r"diagnosed\s+(?:at|before)|onset|amenorrh\w*|menstrua\w*|creatinine|clearance|ccr)\b|"
    # "Unknown status allowed if over 50 years old": an age that lets some in by another rule
    r"\d\s*-\s*age\b|\bif\s+(?:over|under|older|younger|aged?|>|<|\d)"
)
#: Menopause defined by age ("postmenopausal, defined as age >= 60, or ..."): an option, not a limit.
_MENOPAUSE_DEFINED = re.compile(
    r"menopaus\w*\b.*\b(?:defin\w*|following|criteria|either|or)\b|"
    r"\b(?:defin\w*|following|criteria)\b.*menopaus|\b(?:fsh|follicle[\s-]stimulating|estradiol)\b",
    re.DOTALL,
)
#: A criterion about someone else, wherever in it: a relative's age at diagnosis or death, a child's.
_SOMEONE_ELSE = re.compile(
    r"\b(?:relatives?|mother|sister|family|sudden\s+death|children|child|pediatric|adolescents?)\b"
)
_STRICT = ("over", "older", "above", "greater", "more", ">")


#: Comparisons written out ("greater than or equal to 18", "less than or equal to age 70").
_WRITTEN_COMPARISON = re.compile(
    r"\b(greater|more|less)\s+than\s+or\s+equal\s+to\s+(?:(?:the\s+)?age\s+(?:of\s+)?)?"
)


def _comparison_sign(match: re.Match[str]) -> str:
    return "<= " if match.group(1) == "less" else ">= "


def _age_bounds(window: str) -> tuple[int | None, int | None]:
    low = high = None
    if "equal" in window:
        window = _WRITTEN_COMPARISON.sub(_comparison_sign, window)
    if (span := _AGE_RANGE.search(window)) is not None:
        low, high = int(span.group("lo")), int(span.group("hi"))
        if " or " in window and (minimum := _AGE_MIN.search(window)) is not None:
            # "At least 18 years of age or 12 to 17 years of age after approval": either way in
            return min(low, int(minimum.group("n") or minimum.group("m"))), None
        return (low, high) if 10 <= low < high <= 120 else (None, None)
    if (minimum := _AGE_MIN.search(window)) is not None:
        n = int(minimum.group("n") or minimum.group("m"))
        strict = minimum.group("n") is not None and minimum.group(0).lstrip().startswith(_STRICT)
        low = n + 1 if strict and not minimum.group(0).lstrip().startswith(">=") else n
    if (maximum := _AGE_MAX.search(window)) is not None:
        n = int(maximum.group("n") or maximum.group("m"))
        strict = (
            maximum.group("n") is not None
            and maximum.group(0).lstrip()[:1] in "<uyb"
            and not (maximum.group(0).lstrip().startswith("<="))
        )
        high = n - 1 if strict else n
    return low, high


#: An age that picks out some patients for another rule ("Patients < 55 years of age must not have
#: received LHRH agonists"): not a limit on who may join.
_AGE_SUBGROUP = re.compile(
    r"^[^.;]{0,70}?\b(?:aged?|years?\s+(?:of\s+age|old))\b(?:[^.;]{0,25}?|\s+(?:without|with|who)\b"
    # "Participants under 18 years old without adequate archival tissue may opt to undergo biopsy"
    r"[^.;]{0,60}?)\b(?:must|should|need|are\s+required|will|may)\b"
)


#: Ages added to those the trial takes, not a limit: "eligibility will include participants aged
#: 12-17 years old".
_ALSO_INCLUDES = re.compile(
    r"\b(?:will\s+(?:also\s+)?include|also\s+(?:include|eligible))\b[^.;]{0,40}$"
)


def _says_nothing_of_an_adult(low: int | None, high: int | None) -> bool:
    """ "18 years or older", "older than 18", "no one under 18": true of every adult patient.

    A low above the high is two ages of a definition read as one ("age > 60 or < 60 with ...").
    """
    if low is not None and high is not None:
        return low > high
    return high is None and low is not None and low <= 19


def read_age(text: str, quote: str, kind: Source, out: Collector) -> None:
    """An age limit written in the criteria ("aged 18-75", "Age: Under 60", "70 years or older")."""
    if kind not in ("inclusion", "exclusion"):
        return
    context = _AGE_CONTEXT.search(text)
    if (
        context is None
        or _NOT_HER_AGE.search(text, max(0, context.start() - 40), context.end() + 40)
        or _SOMEONE_ELSE.search(text)
        or ("menopaus" in text and _MENOPAUSE_DEFINED.search(text))
    ):
        return
    if _AGE_SUBGROUP.match(text) or _ALSO_INCLUDES.search(text, 0, context.start()):
        return  # "Patients < 55 years of age must not ...", "will also include participants aged 12-17"
    window = text[max(0, context.start() - 30) : context.end() + 40]
    low, high = _age_bounds(window)
    if (low is None and high is None) or _says_nothing_of_an_adult(low, high):
        return
    mode = polarity(text, context.start(), context.end(), kind)
    if mode == "exclude" and (low is None) != (high is None):
        low, high = (None, low - 1) if low is not None else ((high or 0) + 1, None)
    elif mode == "exclude":
        return  # an excluded range of ages says little: left to the structured fields
    if _says_nothing_of_an_adult(low, high):
        return
    out.limit(LimitFactor.AGE, low, high, quote, kind)
