"""Which drug mentions of a sentence its brackets and windows of time qualify.

A bracket of examples illustrates the class named before it; a window of time ("within 4 weeks")
makes a rule about when treatment ended, not whether it was given. Kept apart from the prior-
therapy reader, which asks these questions of each mention.
"""

from __future__ import annotations

import re

from matchers.reader.context import BRACKETED, EXAMPLE_WORDS, WASHOUT

_EXAMPLES_OPEN = re.compile(
    r"\(\s*(?:"
    + EXAMPLE_WORDS
    + r"|eg\b|i\.\s?e\.?|ie\b|examples?\b|(?:which|that)\s+includes?\b|includes?\b|incl\.?)"
)


#: A count of treatments ("0-1 prior treatment in the metastatic setting", "up to 2 lines of
#: therapy"): a bracket after it lists what counts as one, not drugs it rules on.
_TREATMENT_COUNT = re.compile(
    r"\b(?:\d+|one|two|three)\s*(?:-|to|or)?\s*(?:\d+\s+)?(?:prior\s+|previous\s+)?(?:lines?|"
    r"treatments?|therap\w*|regimens?|chemotherap\w*)\b"
)


def example_spans(text: str, mentions: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """Brackets of examples ("(e.g. ...") after a therapy mention, or after a count of treatments
    ("0-1 prior treatment (ie: hormone, chemotherapy, targeted agents)"): they illustrate what was
    named before them and set no rule of their own."""
    spans: list[tuple[int, int]] = []
    for match in _EXAMPLES_OPEN.finditer(text):
        begin = match.start()
        if not any(0 <= begin - end <= 12 for _, end, _ in mentions) and not _TREATMENT_COUNT.search(
            text, max(0, begin - 60), begin
        ):
            continue
        close = text.find(")", begin)
        spans.append((begin, len(text) if close == -1 else close))
    return spans


def unbracketed_tail(text: str, end: int) -> str:
    """The 60 characters after a mention, with bracketed asides left out."""
    tail = text[end : end + 260]
    if "(" in tail or ")" in tail:
        tail = BRACKETED.sub(" ", tail)
        if ")" in tail.split("(", 1)[0]:  # the mention sat inside brackets
            tail = tail.split(")", 1)[1]
    return tail[:60]


_DIGIT = re.compile(r"\d")


def _may_have_washout(text: str) -> bool:
    """Every washout wording has one of a few words, or a digit and a unit of time ("4 weeks");
    most sentences have neither."""
    return (
        "within" in text
        or "since" in text
        or "washout" in text
        or "elapsed" in text
        or "passed" in text
        or (
            ("day" in text or "week" in text or "wk" in text or "month" in text or "half" in text)
            and _DIGIT.search(text) is not None
        )
    )


def _in_timed_brackets(
    windows: list[int], brackets: list[tuple[int, int]], mentions: list[tuple[int, int, str]]
) -> set[int]:
    """Mentions inside brackets that also hold a window of time: a timing aside about them."""
    return {
        i
        for a, b in brackets
        if any(a <= w < b for w in windows)
        for i, (start, _, _) in enumerate(mentions)
        if a <= start < b
    }


def timed_asides(text: str, mentions: list[tuple[int, int, str]]) -> set[int]:
    """Indexes of mentions in a bracketed timing aside ("(within 4 weeks of prior Herceptin)")."""
    if "(" not in text or not _may_have_washout(text):
        return set()
    found = [m.start() for m in WASHOUT.finditer(text)]
    brackets = [(m.start(), m.end()) for m in BRACKETED.finditer(text)]
    return _in_timed_brackets(found, brackets, mentions)


def washout_mentions(text: str, mentions: list[tuple[int, int, str]]) -> set[int]:
    """Indexes of mentions a washout window ("within 14 days") applies to.

    A window qualifies the drug just before it ("lapatinib within 12 months, neratinib or afatinib")
    and a drug a few words after it ("4 weeks since prior chemotherapy"); one before the first drug
    or after the last qualifies them all.
    A window inside brackets qualifies only the drugs in the same brackets ("(LVEF within 4 weeks
    of prior Herceptin)"); outside them, it qualifies an exception and is ignored.
    """
    if not mentions or not _may_have_washout(text):
        return set()
    found = [m.start() for m in WASHOUT.finditer(text)]
    if not found:
        return set()
    brackets = [(m.start(), m.end()) for m in BRACKETED.finditer(text)] if "(" in text else []
    windows = [w for w in found if not any(a <= w < b for a, b in brackets)]
    bracketed = _in_timed_brackets(found, brackets, mentions)
    if not windows:
        return bracketed
    first_start, last_end = mentions[0][0], mentions[-1][1]
    if any(w < first_start or w >= last_end for w in windows):
        return set(range(len(mentions)))
    washed: set[int] = set(bracketed)
    for window in windows:
        before = max(i for i, (_, end, _) in enumerate(mentions) if end <= window)
        washed.add(before)
        after = before + 1
        if after < len(mentions) and mentions[after][0] - window <= 35:  # "4 weeks since prior X"
            washed.add(after)
    return washed
