"""Limits on the number of earlier lines of treatment for advanced disease."""

from __future__ import annotations

import re

from matchers.criteria_text import names_another_cancer
from matchers.findings import (
    LimitFactor,
    Source,
)
from matchers.reader.collector import Collector
from matchers.reader.context import (
    BOUNDARY,
    BRACKETED,
    CONDITIONAL,
    EXCEPTION,
    LEFT_OUT,
    NOT_ALLOWED,
    WASHOUT,
    polarity,
    pre_window,
)
from matchers.reader.regex_tools import hint_pattern, last_match, word_start_pattern
from matchers.reader.text import Polarity
from matchers.reader.therapy import drug_mentions
from matchers.reader.therapy_table import GENERIC_CLASSES

_NUMBER_WORDS = {
    "one": 1,
    "single": 1,
    "a single": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_NUM = r"(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|a\s+single|single)"
_LINES = re.compile(
    r"(?P<cmp>no\s+more\s+than|not\s+more\s+than|up\s+to|at\s+most|a\s+maximum\s+of|maximum\s+of|"
    r"maximally|max(?:imum)?\.?|only|<=|=<|<|less\s+than|fewer\s+than|at\s+least|a\s+minimum\s+of|"
    r"minimum\s+of|>=|=>|>|"
    r"more\s+than|greater\s+than|in\s+excess\s+of|exceeding|over|between)?\s*\(?"
    r"(?<![\w/-])(?P<n>" + _NUM + r")\)?(?:\s*(?:-|to|or|,?\s*(?:and|but)\s+(?:not|no)\s+more\s+than|"
    r"and\s+(?:up\s+to|at\s+most)|and)\s*"
    r"(?P<n2>" + _NUM + r"))?\s*"
    r"(?P<tail>or\s+more|or\s+fewer|or\s+less|or\s+greater|\+)?\s+"
    r"(?P<words>(?:[a-z/()-]+\s+){0,4}?)(?P<unit>lines?|regimens?|(?:treatments?|therapy|therapies|chemotherap(?:y|ies))(?!\s+(?:lines?|regimens?)\b))\b"
)
_NOT_A_COUNT_BEFORE = re.compile(r"\b(?:grade|grades|stage|phase|cycle|day|level|ctcae)\s*$")
_RELATED_AFTER = re.compile(r"[\s-]*related\b")
_ALLOWED_LATER = re.compile(r"\b(?:allowed|permitted|eligible|acceptable)\b")
_CLAUSE_END = re.compile(r"[.;:]\s")
_NOT_LINE_WORDS = re.compile(r"week|day|month|year|hour|cycle|dose|mg|half|time|since|course")
_ORDINAL_LINE = re.compile(
    r"\b(?P<ord>first|1st|second|2nd|third|3rd|fourth|4th|later)[\s-]+line\b"
    r"(?P<later>\s*(?:or\s+(?:later|beyond|greater|higher|more)|and\s+beyond|\+|or\s+subsequent))?"
)
_IF_BEFORE = re.compile(r"\bif\b|\bfor\s+(?:patients|participants|subjects|those)\s+with\b")
_APPROVAL = re.compile(r"\bapprov\w*|\bindicat\w*|\blabel(?:l?ed)?\b")
_EITHER_WAY = re.compile(r"\s*(?:treatment|therapy|setting)?\s*(?:,\s*)?or\s+not\b")
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_NO_PRIOR_FOR_ADVANCED = re.compile(
    word_start_pattern(
        r"\b(?:prior|previous|any|(?:not|never)\s+(?:yet\s+)?(?:been\s+)?(?:received|had|given))\s+"
        r"(?:[a-z/()-]+\s+){0,4}?(?:therap\w*|treatment\w*|chemotherap\w*|"
        r"regimens?|lines?)\b[^.;]{0,90}?\b(?:for|in)\s+(?:the\s+|their\s+)?(?:[a-z/-]+\s+){0,4}?"
        r"(?:metastatic|advanced|recurrent|unresectable|inoperable|stage\s+iv)\b"
    )
)
_UNTREATED_ADVANCED = re.compile(
    r"\b(?:previously\s+untreated|treatment[\s-]na[iï]ve|untreated|no\s+prior\s+(?:systemic\s+)?"
    r"(?:therapy|treatment))\s+(?:[a-z/-]+\s+){0,9}?(?:metastatic|advanced|stage\s+iv|recurrent)\b|"
    r"\b(?:metastatic|advanced)\s+(?:[a-z/-]+\s+){0,4}?(?:previously\s+untreated|treatment[\s-]na[iï]ve)"
)
#: The kind of treatment an "untreated ... for metastatic disease" names, if any.
_UNTREATED_KIND = re.compile(
    r"\buntreated\s+(?:with|by)\s+(?:any\s+)?(?:systemic\s+)?(chemo\w*|cytotoxic|hormon\w*|endocrine)"
)
_UNTREATED_FACTORS = {
    "chem": LimitFactor.CHEMO_LINES,
    "cyto": LimitFactor.CHEMO_LINES,
    "horm": LimitFactor.ENDOCRINE_LINES,
    "endo": LimitFactor.ENDOCRINE_LINES,
}
_PREVIOUSLY_TREATED = re.compile(
    r"\bpreviously[\s-]treated\s+(?:[a-z/+-]+\s+){0,6}?(?:metastatic|advanced|unresectable|recurrent)|"
    r"\b(?:metastatic|advanced)\s+(?:[a-z/+-]+\s+){0,6}?(?:previously[\s-]treated|pretreated|"
    r"pre-treated)\b"
)
LINE_HINTS = ("line", "regimen", "treatments", "therapies")
ADVANCED_HINTS = ("metasta", "advanced", "recurrent", "resectable", "operable", "stage iv", "mbc")
_LINE_HINT = hint_pattern(LINE_HINTS)
_ADVANCED_HINT = hint_pattern(ADVANCED_HINTS)
_EARLY_SETTING_ONLY = re.compile(word_start_pattern(r"\b(?:neo)?-?adjuvant\b|\bearly\b|\bcurative\b"))
#: An alternative after a count: relapse on or soon after early-stage treatment.
_OR_EARLY_RELAPSE = re.compile(
    r"\bor\s+(?:[\w/-]+\s+){0,8}?(?:recurr\w*|relaps\w*|progress\w*)\b[^.;]{0,80}?\b(?:neo-?)?adjuvant\b"
)
_ADVANCED_WORDS = re.compile(
    r"\b(?:metastatic|advanced|recurrent|unresectable|inoperable|stage\s+iv|mbc)\b|"
    # "... for the treatment of metastases"
    r"\b(?:for|of)\s+(?:the\s+)?(?:treatment\s+of\s+)?metastases\b"
)
_HAS_NUMBER = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|single)\b")
_IF_CLAUSE = re.compile(r"\bif\b|\bin\s+case\b|\bwhen\b|\bwhere\b")


#: "At least two (and not more than five) prior regimens": a range written around a bracket.
_BRACKETED_MAXIMUM = re.compile(
    r"\bat\s+least\s+(?P<low>\w+)\s*\(\s*(?:and\s+|but\s+)?(?:not\s+more\s+than|no\s+more\s+than|"
    r"at\s+most|up\s+to|a\s+maximum\s+of)\s+(?P<high>\w+)\s*\)"
)


def _number(word: str | None) -> int | None:
    if word is None:
        return None
    word = " ".join(word.split())
    if word.isdigit():
        return int(word)
    return _NUMBER_WORDS.get(word)


_ENDOCRINE_LINE_WORDS = re.compile(
    word_start_pattern(
        r"endocrine|hormon|\bet\b|aromatase|\bais?\b|letrozole|anastrozole|exemestane|tamoxifen|"
        r"fulvestrant|\bserds?\b"
    )
)


def _line_factor(context: str) -> LimitFactor:
    chemo = re.search(r"non-?(?:hormonal|endocrine)|chemo|cytotoxic", context)
    endocrine = _ENDOCRINE_LINE_WORDS.search(context)
    if chemo and endocrine and not chemo.group(0).startswith("non"):
        # "lines of prior therapy (chemo or hormonal)": either kind counts
        return LimitFactor.PRIOR_LINES
    if chemo:
        return LimitFactor.CHEMO_LINES
    if endocrine:
        return LimitFactor.ENDOCRINE_LINES
    return LimitFactor.PRIOR_LINES


#: Each comparator word as a relation to the number it stands before; one table for inclusion and
#: exclusion, so "a maximum of 2" and "up to 2" read alike in both sections.
_COMPARATORS: dict[str, str] = {
    **dict.fromkeys(
        (
            *("no more than", "not more than", "up to", "at most", "a maximum of", "maximum of"),
            *("max", "max.", "maximum", "maximally", "<=", "=<"),
            "only",  # "Only 1 previous chemotherapy regimen for MBC": that many at most
        ),
        "<=",
    ),
    **dict.fromkeys(("<", "less than", "fewer than"), "<"),
    **dict.fromkeys((">", "more than", "greater than", "in excess of", "exceeding", "over"), ">"),
}


def _range_required(
    n: int, n2: int | None, relation: str | None, permitted: bool
) -> tuple[int | None, int | None]:
    """The accepted range for a count the trial asks for ("at most 2 prior lines")."""
    if n2 is not None and n2 >= n:
        return n, n2
    if relation == "<=":
        return None, n
    if relation == "<":
        return None, n - 1
    if relation == ">":
        return n + 1, None
    if permitted:
        return None, n  # "may have received one prior regimen": up to one, none is fine too
    return n, None


def _range_excluded(n: int, n2: int | None, relation: str | None) -> tuple[int | None, int | None]:
    """The accepted range for a count the trial turns away ("more than 2 prior lines")."""
    if n2 is not None and n2 >= n:
        return None, n - 1
    if relation == "<":
        return n, None
    if relation == "<=":
        return n + 1, None
    if relation == ">":
        return None, n
    return None, n - 1


#: Comparators that already state an upper limit: an earlier "no" in a run-on text ("No prior
#: radiotherapy to only target lesion Disease progression after no more than 2 prior
#: chemotherapies") does not turn the limit around.
_UPPER_BOUND = frozenset(
    {"no more than", "not more than", "at most", "up to", "a maximum of", "maximum of", "<=", "=<"}
    | {"only"}
)


_OPENS_WITH_A_CAP = re.compile(r"\W*(?:no|not)\s+more\s+than\b")


def _count_mode(text: str, match: re.Match[str], kind: Source) -> Polarity:
    if kind == "exclusion" and match.start() <= 3 and _OPENS_WITH_A_CAP.match(text):
        return "allow"  # "No more than three lines of ...", listed among the exclusions: a cap
    mode = polarity(text, match.start(), match.end(), kind)
    cmp = " ".join((match.group("cmp") or "").split())
    if mode == "exclude" and kind == "inclusion" and cmp in _UPPER_BOUND:
        cut = max(0, match.start() - 40)
        mode = polarity(text[cut:], match.start() - cut, match.end() - cut, kind)
    if mode == "exclude" and kind == "exclusion":
        # "Up to one line ... is allowed" among exclusions: the rest of its own clause says the
        # count is accepted. Text after a full stop or semicolon is another statement.
        later = _CLAUSE_END.split(text[match.end() : match.end() + 120], 1)[0]
        # "(any prior chemotherapy given in the adjuvant setting is permitted)": an aside's
        # permission is about other treatment, not the count
        later = BRACKETED.sub(" ", later) if "(" in later else later
        if _ALLOWED_LATER.search(later) and not NOT_ALLOWED.search(later):
            return "allow"
    return mode


def _is_line_count(text: str, match: re.Match[str]) -> bool:
    """Whether "two treatments" counts lines of treatment, not weeks, doses or courses."""
    n = _number(match.group("n"))
    if n is None or n > 15 or _NOT_LINE_WORDS.search(match.group("words")):
        return False
    if _NOT_A_COUNT_BEFORE.search(text, max(0, match.start("n") - 12), match.start("n")):
        return False  # "grade 3 regimen-related toxicity", "stage 4 ... therapy": a grade, not a count
    if _RELATED_AFTER.match(text, match.end()):
        return False
    if match.group("unit") in ("treatment", "treatments", "therapy", "therapies") and not re.search(
        r"prior|previous|line|systemic|chemo|endocrine", match.group("words")
    ):
        return False
    after = text[match.end() : match.end() + 70]
    early = _EARLY_SETTING_ONLY.search(after)
    if early is not None and LEFT_OUT.search(after, 0, early.start()):
        return True  # "1 prior regimen (excluding adjuvant chemotherapy)": early ones do not count
    return not (early and not _ADVANCED_WORDS.search(after))


def _relation(match: re.Match[str]) -> tuple[str | None, bool]:
    """The comparator's relation ("<=" for "at most", "or fewer"), and whether any was written."""
    cmp = " ".join((match.group("cmp") or "").split())
    tail = " ".join((match.group("tail") or "").split())
    relation = _COMPARATORS.get(cmp) or ("<=" if tail in ("or fewer", "or less") else None)
    return relation, bool(cmp or tail)


_PROGRESSED_AFTER = re.compile(
    r"\b(?:progress\w*|relapsed?|recurr\w*|failed|failure|refractory)\s+(?:\w+\s+){0,2}?(?:after|following|"
    r"on|despite|to)\s+$"
)


_UNTREATED_BEFORE = re.compile(r"\buntreated\b|\bna[iï]ve\b|\bor\s+none\b")


def _binds_some_patients(text: str, count: re.Match[str]) -> bool:
    """Whether a count binds one group only: a condition before it, or after it in the same
    clause ("... 2 lines if HR-positive"). "Received >=2 lines of chemotherapy, and for HR
    positive subjects, also >=2 endocrine lines": the clause boundary before the condition leaves
    everyone bound by the first count."""
    return any(
        condition.start() < count.end() or not BOUNDARY.search(text, count.end(), condition.start() + 1)
        for condition in CONDITIONAL.finditer(text)
    )


#: Lines of one drug class that no line factor counts: "one line of immunotherapy".
#: (HER2-directed lines stay counted: for HER2-positive disease they are nearly all her lines.)
_OF_ONE_CLASS = re.compile(
    r"\s*of\s+(?:prior\s+)?(?:the\s+)?(?:immuno\w*|checkpoint|anti-?pd|pd-?l?1|parp|cdk)"
)
#: Where a sentence opens another way in: ", or patients with ...", "; or ...".
_OR_ANOTHER_WAY = re.compile(
    r"[,;]\s*or\s+(?:[\w/+-]+\s+){0,3}?(?:patients|participants|subjects|those)\b"
)
#: Treatment aimed at another cancer, right after a count: "lymphoma-directed therapy".
_DIRECTED_AT = re.compile(
    r"\s*(?:(?:prior\s+)?(?:lines?|regimens?)\s+)?of\s+(?P<organ>[a-z]+)-directed\b"
)


def _another_cancers_clause(text: str, start: int, end: int) -> bool:
    """A line count in the clause for another cancer: "..., or patients with aggressive lymphomas
    who have received >= 2 prior lines", "NSCLC patients who have received at least 2 lines"."""
    window = text[max(0, start - 160) : start]
    opening = last_match(_OR_ANOTHER_WAY, window) if "or" in window else None
    if opening is not None and names_another_cancer(window[opening.start() :]):
        return True
    directed = _DIRECTED_AT.match(text, end)
    return directed is not None and names_another_cancer(directed.group("organ"))


def _read_counts(text: str, quote: str, kind: Source, out: Collector) -> bool:
    """ "At most 2 prior lines", "1-3 prior regimens", "more than 2 lines of chemotherapy"."""
    found = False
    for match in _LINES.finditer(text):
        n = _number(match.group("n"))
        if n is None or not _is_line_count(text, match):
            continue
        factor = _line_factor(
            match.group("words") + match.group("unit") + " " + text[match.end() : match.end() + 70]
        )
        if _another_cancers_clause(text, match.start(), match.end()):
            continue  # "..., or patients with aggressive lymphomas who have received >= 2 lines"
        mode = _count_mode(text, match, kind)
        if mode != "exclude" and kind == "inclusion" and _binds_some_patients(text, match):
            found = True  # "HR-positive patients must have had one endocrine line": not everyone
            continue
        relation, written = _relation(match)
        n2 = _number(match.group("n2"))
        if mode == "exclude":
            low, high = _range_excluded(n, n2, relation)
        else:
            low, high = _range_required(n, n2, relation, mode == "allow" and not written)
            if (
                low is None
                and high
                and _PROGRESSED_AFTER.search(text, max(0, match.start() - 50), match.start())
            ):
                # "progression after no more than 2 prior chemotherapies": at least one, unless
                # untreated disease is the other way in ("untreated, or refractory after ...")
                low = None if _UNTREATED_BEFORE.search(text, 0, match.start()) else 1
        if factor == LimitFactor.PRIOR_LINES and _OF_ONE_CLASS.match(text, match.end()):
            # "at most one line of immunotherapy": lines of one kind floor the total, never cap it
            high = None
            if low is None:
                continue
        # "... during at least one line of ET for metastatic disease or recurrence within 12
        # months of adjuvant ET": early-stage treatment is the other way to meet the count
        any_setting = low is not None and (
            not _ADVANCED_WORDS.search(text) or _OR_EARLY_RELAPSE.search(text, match.end()) is not None
        )
        out.limit(factor, low, high, quote, kind, any_setting=any_setting)
        found = True
    return found


_NO_PRIOR_BEFORE = re.compile(
    r"\b(?:no|not|without|never)\s+(?:\w+\s+){0,2}?(?:prior|previous\w*|received|treated)\b"
)


_ORDINAL_WORD = re.compile(r"\b(" + "|".join(_ORDINALS) + r")\b")
#: The ordinals listed before the last one: "2nd, 3rd, or ", "first or ", "first/", "1st-".
_ORDINAL_LIST_BEFORE = re.compile(
    r"(?:\b(?:first|1st|second|2nd|third|3rd)(?:[\s-]+line)?(?=[\s,/-])[\s,/-]*"
    r"(?:\b(?:or|and|to)\b\s*)?(?:the\s+)?)+$"
)


_PROGRESSING_ON = re.compile(
    r"\bprogress\w*\s+(?:\w+\s+)?(?:during|while\s+(?:on|receiving))\s+(?:the\s+)?$"
)


#: "... during first-line endocrine therapy or any later line", "up to 2 prior lines": more than one
#: line is taken after all.
_LATER_LINES_TOO = re.compile(
    r"\b(?:or\s+(?:any\s+)?(?:later|subsequent|beyond)|up\s+to\s+(?:\d|two|three)|at\s+least|"
    r"second|2nd|or\s+more)\b"
)


def _ordinal_range(
    text: str, match: re.Match[str], pre: str, kind: Source
) -> tuple[int, int | None] | None:
    """ "First-line" (no earlier line), "second or later line" (at least one), "third-line"."""
    word = match.group("ord")
    if word == "later":
        return 1, None
    if word in ("first", "1st"):
        negated = last_match(_NO_PRIOR_BEFORE, pre)
        if negated is not None:
            # "No prior systemic therapy for metastatic disease (first-line setting)": none; "no
            # previous endocrine therapy or first-line endocrine therapy": none or the first
            return (0, 1) if " or " in pre[negated.end() :] else (0, 0)
        if _PROGRESSING_ON.search(pre) and not _LATER_LINES_TOO.search(text):
            # "Progressive disease during first line hormonal therapy": on that line now, so it
            # is the only one so far
            return 1, 1
        if re.search(
            r"progress\w*|after|following|prior|previous|received|failure|failed|completed?|start\s+of",
            pre,
        ):
            return 1, None
        return (0, 0) if polarity(text, match.start(), match.end(), kind) == "require" else None
    if kind == "exclusion":
        return None
    lines_before = _ORDINALS[word] - 1
    upper = None if match.group("later") else lines_before
    listed = _ORDINAL_LIST_BEFORE.search(pre)
    if listed is not None:
        # "2nd, 3rd, or 4th line", "first or second line": the list's lowest line is the floor
        lines_before = min(_ORDINALS[o] for o in _ORDINAL_WORD.findall(listed.group(0))) - 1
    return lines_before, upper


def _read_ordinals(text: str, quote: str, kind: Source, out: Collector) -> bool:
    found = False
    for match in _ORDINAL_LINE.finditer(text):
        if _EITHER_WAY.match(text, match.end()):
            continue  # "anti-HER2 treatment as first-line or not": either is accepted
        pre = text[max(0, match.start() - 60) : match.start()]
        if _APPROVAL.search(pre):
            continue  # "FDA approval of pertuzumab for first-line treatment": a drug's label
        if kind == "inclusion" and _IF_BEFORE.search(pre_window(text, match.start(), 140)):
            continue  # "if tumor is triple-negative, ... first-line ...": one group's plan
        if kind == "exclusion" and match.group("ord") in ("first", "1st"):
            continue
        if _COUNTED_AS.search(pre[-40:]):
            continue  # "recurrence within 6 months of adjuvant therapy counts as first-line failure"
        limits = _ordinal_range(text, match, pre, kind)
        if limits is not None:
            # "first-line chemotherapy" counts chemotherapy lines, "first-line treatment" all lines
            factor = _line_factor(text[match.end() : match.end() + 25])
            out.limit(factor, limits[0], limits[1], quote, kind)
        found = True
    return found


_AFTER_A_DRUG = re.compile(r"\b(?:after|following|subsequent\s+to|post)\b")


def _plain_generic(mentions: list[tuple[int, int, str]]) -> bool:
    """Whether a broad class ("chemotherapy") is named on its own, not as "taxane-based
    chemotherapy" (a drug right before it qualifies it)."""
    ends = [end for _, end, name in mentions if name not in GENERIC_CLASSES]
    return any(
        name in GENERIC_CLASSES and not any(0 <= start - end <= 20 for end in ends)
        for start, _, name in mentions
    )


def _no_prior_for_advanced(
    text: str, match: re.Match[str], quote: str, kind: Source, out: Collector
) -> bool:
    """ "No prior chemotherapy for metastatic disease" (none), "received chemotherapy for
    advanced disease" (at least one); not a rule naming a specific drug or a washout."""
    span = text[match.start() : match.end() + 40]
    mentions = drug_mentions(span)
    # "immunotherapy" beside "hormonal" is a kind of line; a checkpoint inhibitor is a drug class
    names = {name for _, _, name in mentions} - (set() if "checkpoint" in span else {"immunotherapy"})
    if names and not names & GENERIC_CLASSES:
        return False  # "no prior taxane for metastatic disease": a drug rule, read as one
    if names - GENERIC_CLASSES and _AFTER_A_DRUG.search(match.group(0)):
        return False  # "hormonal therapy after treatment with a CDK4/6 inhibitor": an order of drugs
    if names and not _plain_generic(mentions):
        return False  # "no prior anthracycline-based chemotherapy": a drug rule too
    if any(match.start() - 40 <= w.start() <= match.end() + 40 for w in WASHOUT.finditer(text)):
        return False
    factor = _line_factor(re.split(r"\(|e\.g\.|such\s+as|including", match.group(0))[0])
    mode = polarity(text, match.start(), match.start() + 5, kind)
    if match.group(0).startswith(("not", "never")):  # "who have not received chemotherapy"
        mode = "exclude" if mode == "require" else "allow"
    if names - GENERIC_CLASSES and mode != "exclude":
        # "received prior trastuzumab or chemotherapy for MBC": either will do, a drug rule; but
        # "no prior chemotherapy or targeted therapy for MBC" bans each: a chemotherapy line limit
        # here, the targeted drugs read by the prior-therapy reader.
        return False
    clause = _CLAUSE_END.split(text[match.end() :], 1)[0][:60] if mode == "require" else ""
    if NOT_ALLOWED.search(clause):
        mode = "exclude"  # "... chemotherapy for metastatic disease are NOT eligible"
    elif _ALLOWED_LATER.search(clause):
        return True  # "Prior hormonal therapy for metastatic disease ... allowed": no minimum
    if mode == "exclude" and not EXCEPTION.search(text[match.start() : match.end()]):
        out.limit(factor, None, 0, quote, kind)
        return True
    if (
        mode == "require"
        and kind == "inclusion"
        and not _IF_CLAUSE.search(pre_window(text, match.start(), 60) + match.group(0))
    ):
        # not "If subjects received prior chemotherapy for metastatic disease, ..."
        out.limit(factor, 1, None, quote, kind)
        return True
    return False


#: An exclusion that opens with the history it turns away: "Received systemic endocrine therapy
#: for advanced disease".
_RECEIVED_FOR_ADVANCED = re.compile(
    r"\W*(?:(?:patients?|participants?|subjects?)\s+(?:who\s+)?)?(?:(?:has|have)\s+)?(?:received|had)\s+"
    r"(?:[a-z/()-]+\s+){0,4}?(?:therap\w*|treatment\w*|chemotherap\w*|regimens?|lines?)\b[^.;]{0,90}?"
    r"\b(?:for|in)\s+(?:the\s+|their\s+)?(?:[a-z/-]+\s+){0,4}?(?:metastatic|advanced|recurrent|"
    r"unresectable|inoperable|stage\s+iv)\b"
)
_THERAPY_FOR_ADVANCED = re.compile(
    r"\W*(?:systemic\s+)?(?:(?!no\b|not\b|never\b|without\b|other\b|radiat|radio|surg)[a-z/-]+\s+){0,2}?"
    r"(?!radiat|radio|surg)(?:therap\w*|treatment\w*|chemotherap\w*)\s+(?:for|in)\s+"
    r"(?:the\s+|their\s+)?(?:[a-z/-]+\s+){0,3}?(?:metastatic|advanced|recurrent|unresectable|inoperable|"
    r"stage\s+iv)\b[\w\s/-]{0,30}[.;]?\s*"
)
_LEADING_LABEL = re.compile(r"^[^:.;]{1,40}:\s*")


def _read_advanced_setting(text: str, quote: str, kind: Source, out: Collector) -> bool:
    """Untreated, or previously treated, advanced disease; no prior therapy for it."""
    untreated = "untreated" in text or "naive" in text or "no prior" in text
    if kind != "exclusion" and untreated and (found := _UNTREATED_ADVANCED.search(text)):
        # "untreated with chemotherapy for metastatic disease": hormonal lines still allowed
        of_kind = _UNTREATED_KIND.search(found.group(0))
        factor = _UNTREATED_FACTORS[of_kind.group(1)[:4]] if of_kind else LimitFactor.PRIOR_LINES
        out.limit(factor, None, 0, quote, kind)
        return True
    if kind == "exclusion" or any(w in text for w in ("prior", "previous", "any", "received", "had")):
        plain = BRACKETED.sub(" ", text) if "(" in text else text
        # "Prior chemotherapy: participants must have received no prior chemotherapy ...": the
        # label names the subject, the rule starts after it
        label = _LEADING_LABEL.match(plain)
        start = label.end() if label else 0
        match = _NO_PRIOR_FOR_ADVANCED.search(plain, start)
        if match is None and kind == "exclusion":
            # "Received endocrine therapy for ...", or the bare "Endocrine therapy for advanced
            # disease;" among the exclusions
            match = _RECEIVED_FOR_ADVANCED.match(plain, start) or _THERAPY_FOR_ADVANCED.fullmatch(
                plain, start
            )
        if match is not None:
            text = plain  # "any systemic therapy (e.g. ET, chemotherapy) in the metastatic setting"
            if _no_prior_for_advanced(text, match, quote, kind, out):
                return True
    if kind != "exclusion" and "treated" in text and _PREVIOUSLY_TREATED.search(text):
        out.limit(LimitFactor.PRIOR_LINES, 1, None, quote, kind)
        return True
    progressed = (
        _PROGRESSED_ON_ADVANCED.search(text) if kind == "inclusion" and "progress" in text else None
    )
    if progressed is not None and not re.search(r"\b(?:no|without)\s+$", text[: progressed.start()]):
        out.limit(LimitFactor.PRIOR_LINES, 1, None, quote, kind)
        return True
    return False


#: "Progression during or following their last systemic anticancer therapy for metastatic
#: disease": at least one line of treatment for advanced cancer.
_PROGRESSED_ON_ADVANCED = re.compile(
    r"\bprogress\w*\s+(?:on|during|after|following)(?:\s+or\s+(?:after|following))?\s+(?:their\s+|the\s+)?"
    r"(?:last|latest|most\s+recent|prior|previous)\s+(?:line\s+of\s+)?(?:systemic\s+)?(?:anti-?cancer\s+)?"
    r"(?:therapy|treatment|regimen)\s+(?:given\s+)?(?:for|in)\s+(?:the\s+)?(?:\w+\s+){0,3}?(?:metastatic|advanced)\b"
)


_PRIOR_COURSES = re.compile(
    r"\b(prior|previous)\s+courses\s+of(?=\s+(?:\w+\s+){0,2}?(?:chemo|therap|treatment))"
)
_ANY_NUMBER = re.compile(r"\bany\s+number\s+(?:(?:or|and)\s+types?\s+)?of\s+(?:prior\s+|previous\s+)?")


_DEFINITION = re.compile(r"\b(?:is|are)\s+defined\s+as\b(?!\s+follows)")


#: "Number of prior chemotherapy lines of treatment in the metastatic setting >= 3": the count
#: written after what it counts.
_NUMBER_OF = re.compile(
    r"\bnumber\s+of\s+(?P<what>(?:prior|previous)\s+[^.;<>≥≤=]{0,60}?\b(?:lines?|regimens?)\b[^.;<>≥≤=]{0,60}?)"
    r"\s*(?P<op>≥|>=|>|≤|<=|<|=)\s*(?P<n>\d{1,2})\b"
)
_COUNT_WORDS = {
    "≥": "{n} or more",
    ">=": "{n} or more",
    ">": "more than {n}",
    "≤": "at most {n}",
    "<=": "at most {n}",
    "<": "fewer than {n}",
    "=": "exactly {n}",
}


def _count_first(match: re.Match[str]) -> str:
    count = _COUNT_WORDS[match.group("op")].format(n=match.group("n"))
    return f"{count} {match.group('what').strip()}"


#: "... should be counted as first-line treatment failure": how lines are counted, not a limit.
_COUNTED_AS = re.compile(r"\b(?:counted|considered|regarded|deemed|defined)\s+as\s+(?:an?\s+|one\s+)?$")
_EXCEPT_FOR_PARTS = re.compile(
    r"\bexcept\s+(?:for\s+|in\s+)?(?:the\s+)?(?:cohorts?|parts?|arms?|groups?)\s+[\w\s&/-]{1,30}?,\s*"
)
_NOT_COUNTED = re.compile(r"\b(?:will\s+not\s+be|are\s+not|is\s+not|not\s+be)\s+counted\b")
_SIGN_OR_PART_IN_BRACKETS = re.compile(
    r"\s*\((?:>=?|<=?|=)\)|(?<=\d)\s*\((?:arm|cohort|part|group|phase)\s+[\w-]{1,4}\)"
)
#: A ban on every treatment for advanced disease but one endocrine line.
_ALL_BUT_ENDOCRINE = re.compile(
    r"\b(?:anti-?cancer|systemic|prior|previous)\b[^.;()]{0,30}?\b(?:therap\w*|treatments?)\s+for\s+"
    r"(?:mbc|metastatic|advanced)\b[^.;]{0,30}?\bexcept\w*\s+(?:of\s+|for\s+)?(?:one|1|a\s+single)\s+"
    r"(?:prior\s+)?(?:line\s+of\s+)?(?:hormonal|endocrine)"
)


def read_lines(text: str, quote: str, kind: Source, out: Collector) -> bool:
    """Limits on the number of prior treatment lines for advanced disease.

    Returns whether the sentence was read as a line limit, so the prior-therapy reader does not
    also take "no more than 2 prior chemotherapy regimens" as "must have had chemotherapy".
    """
    has_lines = _LINE_HINT.search(text) is not None
    if not has_lines and not _ADVANCED_HINT.search(text):
        return False
    if "defined" in text and _DEFINITION.search(text):
        return True  # "primary therapy is defined as treatment ..., first-line or later": no rule
    if "courses of" in text:
        text = _PRIOR_COURSES.sub(r"\1 regimens of", text)  # "two prior courses of chemotherapy"
    if "(" in text and "least" in text:
        text = _BRACKETED_MAXIMUM.sub(r"\g<low> to \g<high>", text)  # "at least 2 (and at most 5)"
    if "except" in text[:40] and (scope := _EXCEPT_FOR_PARTS.search(text, 0, 80)) and scope.start() < 40:
        text = text[scope.end() :]  # "Except for cohorts F and H, >= 1 line": the others' rule
    if "counted" in text and _NOT_COUNTED.search(text):
        return True  # "endocrine regimens for metastatic disease will not be counted as cytotoxic"
    if "(" in text:
        # "greater than (>) 1", "more than 1 (arm A) or 3 (arm B) prior regimens": a sign or a
        # part's name in brackets inside the count
        text = _SIGN_OR_PART_IN_BRACKETS.sub("", text)
    if "number of" in text:
        text = _NUMBER_OF.sub(_count_first, text)  # "number of prior lines ... >= 3"
    if "any number" in text and _ANY_NUMBER.search(text):
        return True  # "any number of prior regimens, or none": no limit, and no drug rule either
    if not has_lines and ("prior" in text or "previous" in text or "received" in text):
        has_lines = "treatment" in text or "therap" in text  # "0-1 prior treatment"
    # Every line count has a number; most sentences have none.
    found = has_lines and _HAS_NUMBER.search(text) is not None and _read_counts(text, quote, kind, out)
    if found and kind == "exclusion" and "except" in text and _ALL_BUT_ENDOCRINE.search(text):
        # "History of anti-cancer therapy for MBC (with the exception of one prior hormonal
        # regimen)": no other line, so none with chemotherapy and at most the one in all
        out.limit(LimitFactor.CHEMO_LINES, None, 0, quote, kind)
        out.limit(LimitFactor.PRIOR_LINES, None, 1, quote, kind)
    if not found and "line" in text:
        found = _read_ordinals(text, quote, kind, out)
    if found or _ADVANCED_HINT.search(text) is None:
        return found
    return _read_advanced_setting(text, quote, kind, out)
