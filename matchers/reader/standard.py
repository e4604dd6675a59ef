"""Pan-tumour rules on standard therapy, and rules on time from early treatment to relapse."""

from __future__ import annotations

import re

from matchers.findings import (
    Factor,
    Qualifier,
    Source,
    Standard,
)
from matchers.reader.collector import Collector
from matchers.reader.context import (
    ALLOWING,
    BOUNDARY,
    BOUNDARY_HINT,
    IS_PERMITTED,
    polarity,
    pre_window,
)
from matchers.reader.regex_tools import word_start_pattern
from matchers.reader.therapy import drug_mentions
from matchers.reader.therapy_table import EARLY_SETTING_CLASSES

_TIME_AMOUNT = r"\d+\s*(?:months?|years?|mo\b|yrs?\b)"
_RELAPSE_INTERVAL = re.compile(
    r"\b(?:disease[\s-]free\s+interval|dfi)\b[^;]{0,100}?\d|"
    r"\b(?:relaps\w*|recurr\w*|recurrence|progress\w*|metastatic\s+(?:disease|diagnosis|recurrence)|"
    r"diagnosis\s+of\s+(?:metasta\w*|advanced))[^;]{0,80}?(?:\b(?:within|after|during|more\s+than|"
    r"less\s+than|at\s+least|greater\s+than|beyond)\b|[<>]=?)[^;]{0,40}?"
    + _TIME_AMOUNT
    + r"|"
    + _TIME_AMOUNT
    + r"[^;]{0,80}?\b(?:between|since|after|from|elapsed)\b[^;]{0,80}?\b(?:adjuvant|curative|completion|"
    r"last\s+dose|early)"
)
#: A relapse during early-stage treatment: "relapsed ... whilst receiving ... AI in adjuvant setting".
_RELAPSE_DURING = re.compile(
    r"\b(?:relaps\w*|recurr\w*|recurrence)\b[^.;]{0,50}?\b(?:while|whilst|during)\s+(?:receiving\s+|on\s+|"
    r"taking\s+)?[^.;]{0,60}?(?<![\w-])(?:neo)?-?adjuvant\b"
)
_EARLY_TREATMENT = re.compile(
    word_start_pattern(
        r"\b(?:neo)?-?adjuvant\b|\(neo\)adjuvant|\bcurative\b|\bearly[\s-]stage\b|\bearly\s+breast|"
        r"\bdisease[\s-]free\s+interval|\bdfi\b|\bcompletion\s+of\s+(?:primary|local|definitive)"
    )
)
INTERVAL_HINTS = (
    "relaps",
    "recurr",
    "elapsed",
    "disease-free",
    "disease free",
    "dfi",
    "interval",
    "completion",
    "completing",
    "on or within",
)
FAILED_LATELY_HINTS = (
    "within the previous",
    "within the past",
    "within the last",
    "within the preceding",
)
#: "Failure of aromatase inhibitor therapy within the previous 6 months": a treatment that must
#: have stopped working lately, which a history without dates cannot confirm.
_FAILED_LATELY = re.compile(
    r"\b(?:fail\w*|progress\w*|refractory|resist\w*)\b[^;.]{0,60}?\bwithin\s+(?:the\s+)?(?:previous|"
    r"past|last|preceding)\s+\(?\d+\)?\s*(?:months?|weeks?)"
)
#: "Refractory to the most recent chemotherapy, documented by progression on or within six (6)
#: months of therapy": a time since her last treatment, whatever its setting.
_PROGRESSED_WITHIN = re.compile(
    r"\b(?:progress\w*|refractory\b[^;]{0,60}?)\s+(?:on|during)\s+or\s+within\s+(?:\w+\s+)?\(?\d+\)?\s*(?:months?|mo\b|weeks?)\s+"
    r"(?:of|after|from|following)\b"
)


_ALSO_ELIGIBLE = re.compile(IS_PERMITTED + r"\s*[.;]?\s*$")


def read_relapse_interval(text: str, quote: str, kind: Source, out: Collector) -> None:
    """A rule on the time between early-stage treatment and relapse ("recurrence within 12 months
    of adjuvant endocrine therapy", "disease-free interval of at least 6 months").

    No profile records dates, so the verdict turns it into a question for someone whose earlier
    treatment was early-stage. ``detail`` names the treatment class when the rule names one.
    """
    if kind not in ("inclusion", "exclusion"):
        return
    during = (
        _RELAPSE_DURING.search(text)
        if ("whilst" in text or "while" in text or "during" in text) and "adjuvant" in text
        else None
    )
    if (
        during is not None
        and kind == "inclusion"
        and not ALLOWING.search(text)
        and polarity(text, during.start(), during.end(), kind) == "require"
    ):
        # "relapsed with metastatic disease whilst receiving third generation AI in adjuvant
        # setting": when the cancer came back, which no profile records
        out.require(Factor.RELAPSE_INTERVAL, True, quote, kind, items=_early_classes(text))
        return
    if not any(word in text for word in ("month", "year", "yr", "mo ", "dfi", "free interval")):
        return  # no time span, no interval rule
    within = "within" in text and _PROGRESSED_WITHIN.search(text) is not None
    if not within and (not _EARLY_TREATMENT.search(text) or _RELAPSE_INTERVAL.search(text) is None):
        return
    if kind == "inclusion" and _ALSO_ELIGIBLE.search(text):
        return  # "Patients progressing <12 months from completion of adjuvant ET are eligible": a
        # way in beside the others, not a rule for everyone
    out.require(Factor.RELAPSE_INTERVAL, True, quote, kind, items=_early_classes(text))


def _early_classes(text: str) -> tuple[str, ...]:
    """The early-stage treatment classes a relapse rule names ("non-hormonal" names none)."""
    return tuple(
        sorted(
            {
                name
                for start, _, name in drug_mentions(text)
                # "non-hormonal treatment": the word names the treatment it is not
                if name in EARLY_SETTING_CLASSES and not text.endswith(("non-", "non "), 0, start)
            }
        )
    )


def read_failed_lately(text: str, quote: str, kind: Source, out: Collector) -> None:
    """A treatment that must have stopped working lately ("failure of aromatase inhibitor therapy
    within the previous 6 months"): a history without dates cannot say when, so the verdict asks."""
    lately = _FAILED_LATELY.search(text) if kind == "inclusion" else None
    if lately is None or _PROGRESSED_WITHIN.search(text) is not None:
        return  # "progression on or within 6 months of ...": a relapse interval, read as one
    span = range(lately.start(), lately.end())
    named = sorted({name for start, _, name in drug_mentions(text) if start in span})
    if named:
        out.require(
            Factor.RELAPSE_INTERVAL, True, quote, kind, Qualifier.RECENT_FAILURE, items=tuple(named)
        )


_STD_NOUN = r"(?:therap\w*|treatments?|care|regimens?|options?|measures|modalit\w*)"
_STD_ADJ = (
    r"(?:standard|conventional|established|approved|available|effective|existing|accepted|proven|"
    r"recommended|life[\s-]?prolonging|anti-?cancer|cancer|anti-?tumou?r|antineoplastic|systemic|"
    r"satisfactory|alternative|current|appropriate|reasonable|further|curative|local)"
)
_STD_PHRASE = re.compile(
    r"\bstandard[\s-]+of[\s-]+care(?:[\s-]+(?:systemic\s+)?(?:therap\w*|treatments?|regimens?|"
    r"options?)\b|(?![\s-]+(?:endocrine|hormon\w*|chemo\w*|anti|her2|targeted|cdk|immuno\w*|"
    r"first|second|1st|2nd)))|"
    r"\b(?:standard|conventional|established|approved|available|effective|proven|satisfactory|"
    r"life[\s-]?prolonging)(?:[\s,/-]+(?:(?:or|and|and/or)\s+)?"
    + _STD_ADJ
    + r")*[\s-]+"
    + _STD_NOUN
    + r"\b|\b(?:therap\w*|treatments?)\s+(?:(?:of|with)\s+(?:proven|known|established)|known\s+to\s+"
    r"(?:confer|provide|offer|give|have))\s+(?:a\s+)?(?:clinical\s+)?(?:benefit|efficacy|value)|"
    r"\btherapeutic\s+(?:options?|alternatives?)\b"
)
_REFRACTORY_TUMOR = re.compile(
    word_start_pattern(
        r"(?<![-/])\b(?:relapsed\s*(?:/|or|and/or)\s*)?refractory\s+(?:(?:advanced|metastatic|solid|"
        r"malignant|recurrent|relapsed|unresectable|locally|or|and|/|,)\s*){0,5}(?:tumou?rs?|"
        r"malignan\w*|cancers?|neoplasms?|carcinomas?|disease)\b"
    )
)
#: "Not amenable to cure or long-term control by surgery, radiotherapy, chemotherapy or hormonal
#: manipulation": the older wording for "no standard therapy left".
_NOT_CONTROLLED_BY = re.compile(
    r"\bnot\s+(?:amenable|responsive|suitable)\s+to\s+(?:cure\s+or\s+)?(?:long[\s-]term\s+)?"
    r"(?:control|palliation)\s+(?:by|with)\b[^.;]{0,80}?\b(?:chemo\w*|hormon\w*|endocrine|systemic)"
)
_THERAPY_CLASS_BEFORE = re.compile(
    r"(?:endocrine|hormon\w*|platinum|chemo\w*|taxane|trastuzumab|her2|cdk4/6|anthracycline|"
    r"tamoxifen|immuno\w*|treatment|therapy)[\s-]*$"
)
_STD_FAILED = re.compile(
    r"\b(?:fail\w*|refractory|resistan\w*|intoleran\w*|progress\w*|relaps\w*|recurr\w*|after|"
    r"following|despite|previously\s+treated|received|receiving|treated\s+with|unresponsive|"
    r"non-?responsive|(?:has|have|did)\s+not\s+(?:adequately\s+)?respond(?:ed)?)\b"
)
_STD_NONE = re.compile(
    r"\bno\b|\bnot\s+(?:\w+\s+)?(?:exist\w*|available|effective)|\bunavailable\b|\bno\s+longer\b|"
    r"\bexhaust\w*|\black\s+of\b|\bwithout\b|\bnone\b|\bbeyond\b|\bnon-?existent\b|"
    r"\bunlikely\s+to\s+(?:respond|benefit)"
)
_STD_OPTIONAL = re.compile(
    r"\bnot\s+(?:be\s+)?(?:considered\s+|deemed\s+|currently\s+)?(?:applicable|appropriate|suitable|"
    r"indicated|tolerat\w*|feasible|candidates?|a\s+candidate|eligible|recommended|an?\s+option|"
    r"possible|amenable)|\bineligible\b|\bunsuitable\b|\bunwilling\b|\bdeclin\w*|\brefus\w*|"
    r"\binappropriate\b|\bcontraindicat\w*|\bunable\s+to\s+(?:receive|tolerate)|\bunfit\b|"
    r"\bopted\s+(?:out|not)|\bchoose\s+not\b|\bnot\s+applicable\b"
)
#: "..., unless there is no standard treatment", "... or have no standard therapy": no option left
#: offered as a way in beside the clause before it, not as a second rule.
_ESCAPE = re.compile(
    r"\bunless\b|\bor\s+(?:(?:if|when|where|for\s+whom|there\s+(?:is|are)|they\s+have|have|has|who\s+"
    r"(?:have|has))\s+)?no\b"
)
#: "... all available standard therapies": every one of them, not one.
_ALL_OF_THEM = re.compile(r"\b(?:all|every|each)\s+(?:of\s+(?:the|their)\s+)?(?:other\s+|\w+\s+)?$")
#: "All standard therapies have failed": the failure said after the words, of every one of them.
_ALL_FAILED_AFTER = re.compile(r"\s*(?:have|has)\s+(?:all\s+)?(?:failed|been\s+exhausted)\b")
STD_HINTS = (
    "standard",
    "conventional",
    "established",
    "approved",
    "available",
    "effective",
    "proven",
    "satisfactory",
    "prolonging",
    "refractory",
    "amenable",
    "therapeutic",
    "known to",
)


def _standard_flags(pre: str, post: str) -> set[str]:
    flags: set[str] = set()
    if _STD_FAILED.search(pre):
        flags.add(Standard.FAILED)
    if _STD_OPTIONAL.search(pre) or _STD_OPTIONAL.search(post):
        flags.add(Standard.OPTIONAL)
    if _STD_NONE.search(pre) or _STD_NONE.search(post):
        flags.add(Standard.NONE)
    return flags


def _phrase_flags(
    text: str, match: re.Match[str], previous_end: int, following: int
) -> tuple[set[str], int]:
    """What the words around one standard-therapy phrase say, and where the next phrase's window
    may start (after a failure said of this one: "All standard therapies have failed ... or the
    patient refuses standard therapies" fails the first phrase, not the second)."""
    start = max(previous_end, match.start() - 70)
    pre = pre_window(text, match.start(), match.start() - start)
    post = text[match.end() : min(following, match.end() + 60)]
    boundary = BOUNDARY.search(post) if BOUNDARY_HINT.search(post) else None
    if boundary is not None:
        post = post[: boundary.start()]
    local = _standard_flags(pre, post)
    failed_after = _ALL_FAILED_AFTER.match(post)
    if (Standard.FAILED in local or failed_after) and _ALL_OF_THEM.search(pre):
        # "received and failed ... all treatment known to confer clinical benefit": every such
        # treatment used up, which only her care team can say
        local = (local - {Standard.FAILED}) | {Standard.NONE}
    if (Standard.OPTIONAL in local or (Standard.NONE in local and _ESCAPE.search(pre))) and (
        _STD_FAILED.search(text, previous_end, start)
    ):
        # "progression on at least one prior line ... or not a candidate for therapy of proven
        # efficacy", "must have received at least one prior systemic therapy ..., unless there is
        # no standard treatment available": the first alternative, beyond the window, is the
        # failed one.
        local.add(Standard.FAILED)
    return local, match.end() + (failed_after.end() if failed_after else 0)


def read_standard_therapy(
    text: str, quote: str, kind: Source, out: Collector, *, phrases: bool = False
) -> None:
    """What a pan-tumor trial says about standard treatment, as flags on one requirement.

    "Refractory to standard therapy" (``failed``) needs treatment for advanced disease already
    given; "no standard therapy exists" (``none``) is a clinical judgment; "or standard therapy is
    not suitable / declined" (``optional``) opens the trial to people not yet treated. Curative
    therapy alone is not counted: metastatic breast cancer is never curable, so "no curative
    therapy exists" says nothing about her options.
    """
    if kind not in ("inclusion", "title"):
        return
    flags: set[str] = set()
    for match in _REFRACTORY_TUMOR.finditer(text):
        before = text[max(0, match.start() - 24) : match.start()]
        # "No refractory disease (less than partial response to induction chemotherapy)" bans it
        if not _THERAPY_CLASS_BEFORE.search(before) and not before.endswith("no "):
            flags.add(Standard.FAILED)
    phrases = phrases or kind == "inclusion"  # a summary sentence is read like a criterion
    if phrases and _NOT_CONTROLLED_BY.search(text):
        flags.add(Standard.NONE)
    if phrases:
        previous_end = 0
        matches = list(_STD_PHRASE.finditer(text))
        for index, match in enumerate(matches):
            if "curative" in match.group(0) and "standard" not in match.group(0):
                continue  # "no available curative therapy": true of any metastatic breast cancer
            following = matches[index + 1].start() if index + 1 < len(matches) else len(text)
            local, previous_end = _phrase_flags(text, match, previous_end, following)
            flags |= local
    if flags:
        out.require(Factor.STANDARD_THERAPY, True, quote, kind, items=tuple(sorted(flags)))
