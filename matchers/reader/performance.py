"""Performance status (ECOG, WHO, Zubrod; Karnofsky mapped to ECOG)."""

from __future__ import annotations

import re

from matchers.findings import (
    LimitFactor,
    Source,
)
from matchers.reader.collector import Collector
from matchers.reader.context import polarity
from matchers.reader.text import Polarity

_ECOG = re.compile(
    r"\b(?:ecog|eastern\s+cooperative\s+oncology\s+group|who\s+(?:performance|ps)|world\s+health\s+organi[sz]ation|"
    r"zubrod|performance\s+status|\bps)\b"
    r"(?:\s*\([^()0-9]{0,60}\))?"  # "ECOG (Eastern Cooperative Group) performance score of 0 or 1"
    r"[^0-9;.]{0,45}?(?P<cmp><=|=<|<|>=|=>|>|less\s+than|greater\s+than|more\s+than|at\s+most|up\s+to|"
    # "0-1", "0~1" (Chinese records), "0-II"
    r"no\s+more\s+than|of|=|:|is)?\s*(?P<nums>[0-4](?:\s*(?:-|~|to|or|,|and|/)\s*(?:or\s+)?(?:[0-4]|iv|i{1,3}))*)"
    r"\b(?!\s*%)"
    r"(?P<tail>\s*or\s+(?:less|lower|better|below|higher|more|greater|worse))?"
)
#: The score first, the scale after it: "a score of 3 or less on the Eastern Cooperative Oncology
#: Group Performance Status scale".
_ECOG_AFTER = re.compile(
    r"\b(?:score|grade|status)\s+(?P<cmp>of\s+)?(?P<nums>[0-4](?:\s*(?:-|to|or)\s*[0-4])*)\b"
    r"(?P<tail>\s*or\s+(?:less|lower|better|below|higher|more|greater|worse))?"
    r"\s+(?:on|by|per|using)\s+(?:the\s+)?(?:ecog|eastern\s+cooperative\s+oncology\s+group|zubrod)\b"
)
_KPS = re.compile(
    r"\b(?:karnofsky|kps|lansky)\b[^0-9;.]{0,45}?(?P<cmp><=|=<|<|>=|=>|>|at\s+least|greater\s+than|"
    r"more\s+than|of|=|:|less\s+than)?\s*(?P<n>\d{2,3})\s*%?(?:\s*(?:-|to)\s*(?P<n2>\d{2,3}))?"
    r"(?P<tail>\s*%?\s*or\s+(?:more|higher|greater|above|less|lower))?"
)


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def _ecog_from_kps(kps: int) -> int:
    """Highest ECOG grade that a minimum Karnofsky score corresponds to."""
    if kps >= 90:
        return 0
    if kps >= 70:
        return 1
    if kps >= 50:
        return 2
    if kps >= 30:
        return 3
    return 4


def _single_score_range(n: int, cmp: str, tail: str, mode: Polarity) -> tuple[int, int]:
    """The scores one written score stands for: "ECOG <= 1" is 0-1, "ECOG 2 or worse" is 2-4."""
    if cmp in ("<=", "=<", "at most", "up to", "no more than") or re.search(
        r"less|lower|better|below", tail
    ):
        return 0, n
    if cmp in ("<", "less than"):
        return 0, n - 1
    if cmp in (">=", "=>") or re.search(r"higher|more|greater|worse", tail):
        return n, 4
    if cmp in (">", "greater than", "more than"):
        return n + 1, 4
    return (0, n) if mode == "require" else (n, 4)


def _read_ecog(match: re.Match[str], text: str, quote: str, kind: Source, out: Collector) -> None:
    nums = [_ROMAN.get(d) or int(d) for d in re.findall(r"[0-4]|iv|i{1,3}", match.group("nums"))]
    cmp = " ".join((match.group("cmp") or "").split())
    tail = (match.group("tail") or "").strip()
    mode = polarity(text, match.start(), match.end(), kind)
    low, high = min(nums), max(nums)
    if len(nums) == 1:
        low, high = _single_score_range(nums[0], cmp, tail, mode)
    if mode == "exclude" and low == 0 and high < 4:
        out.limit(LimitFactor.ECOG, high + 1, None, quote, kind)
    elif mode == "exclude" and low > 0:
        out.limit(LimitFactor.ECOG, None, low - 1, quote, kind)
    elif mode == "require":
        out.limit(LimitFactor.ECOG, low if low > 0 else None, high, quote, kind)


def _read_karnofsky(kps: re.Match[str], text: str, quote: str, kind: Source, out: Collector) -> None:
    n = int(kps.group("n"))
    n2 = int(kps.group("n2")) if kps.group("n2") else None
    if n > 100:
        return
    cmp = " ".join((kps.group("cmp") or "").split())
    tail = (kps.group("tail") or "").strip()
    mode = polarity(text, kps.start(), kps.end(), kind)
    below = cmp in ("<", "less than", "<=", "=<") or re.search(r"less|lower", tail)
    if mode == "exclude" and below:
        minimum = n if cmp in ("<", "less than") or "less" in tail else n + 10
        out.limit(LimitFactor.ECOG, None, _ecog_from_kps(minimum), quote, kind)
    elif mode == "require" and not below:
        minimum = min(n, n2) if n2 is not None else n
        if cmp in (">", "greater than", "more than"):
            minimum = n + 10
        out.limit(LimitFactor.ECOG, None, _ecog_from_kps(minimum), quote, kind)


def read_performance(text: str, quote: str, kind: Source, out: Collector) -> None:
    """ECOG (or WHO, Zubrod) range; Karnofsky scores mapped to ECOG."""
    if kind not in ("inclusion", "exclusion"):
        return
    match = _ECOG.search(text) or _ECOG_AFTER.search(text)
    if match is not None:
        _read_ecog(match, text, quote, kind, out)
        return
    kps = _KPS.search(text)
    if kps is not None:
        _read_karnofsky(kps, text, quote, kind, out)
