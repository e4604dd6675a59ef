"""Text helpers every criterion reader shares: one spelling for matching, quotes, sentences."""

from __future__ import annotations

import re
from typing import Literal

from matchers.reader.regex_tools import first_class_pattern

Polarity = Literal["require", "exclude", "allow"]
#: Quotes longer than this are cut at a word boundary with an ellipsis.
MAX_QUOTE_CHARS = 220
_SPELLINGS = {
    "≥": ">=",
    "≤": "<=",
    "≧": ">=",
    "≦": "<=",
    "⩾": ">=",
    "⩽": "<=",
    "–": "-",
    "—": "-",
    "−": "-",
    "‐": "-",
    "‑": "-",
    "ï": "i",
    "’": "'",
    "‘": "'",
    "“": '"',
    "”": '"',
    "＋": "+",
    "～": "~",
    "〜": "~",
    "⁺": "+",
    "ⁿ": "n",
    "\u00a0": " ",
}
_SPELLING = re.compile("[" + re.escape("".join(_SPELLINGS)) + "]")


def normalize(text: str) -> str:
    """Lower-case text with comparison signs and dashes in one spelling, for pattern matching."""
    # Most criteria are ASCII, with nothing to respell; for the others, one search for the few
    # characters to respell is far cheaper than ``str.translate`` with a table.
    lowered = text.lower() if text.isascii() else _SPELLING.sub(_respell, text).lower()
    if "hormones r" in lowered:  # "positives hormones receptors", as translated criteria put it
        lowered = lowered.replace("hormones receptor", "hormone receptor").replace(
            "positives hormone", "positive hormone"
        )
    if "ihc" in lowered and "her " in lowered:
        lowered = _HER_BEFORE_A_TEST.sub("her2 ", lowered)  # "HER positive (IHC 3+)": HER2
    return lowered


#: "HER" with its "2" left out, told by the HER2 test result that follows it.
_HER_BEFORE_A_TEST = re.compile(r"\bher (?=(?:status\s+)?(?:positive|negative|\+|-)\s*\(?\s*ihc\b)")


def _respell(match: re.Match[str]) -> str:
    return _SPELLINGS[match.group(0)]


def trim_quote(text: str, limit: int = MAX_QUOTE_CHARS) -> str:
    """Cut a criterion to a readable length at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:-(")
    return cut + " …"


#: Grouped by first character ("[.!?;\s]"): the regex engine skips every other character in C.
_SENTENCE_BREAK = re.compile(
    first_class_pattern(r"(?:\.|!|\?)(?<=[A-Za-z0-9)\]%\"'][.!?])\s+(?=[A-Z(\"'])|;\s+|\s+(?=However,)")
)
_ABBREVIATION_END = re.compile(r"(?:\b(?:e\.g|i\.e|vs|approx|etc|incl|ca|dr|no|fig|al)|\b[A-Z])$", re.I)


def _inside_brackets(text: str, at: int) -> bool:
    """Whether a sentence break at ``at`` falls inside a bracket that opens shortly before it and
    closes shortly after it (a bracket never closed is a typo, not an aside)."""
    if text.find("(", max(0, at - 200), at) == -1:
        return False
    depth = 0
    for char in reversed(text[max(0, at - 200) : at]):
        if char == ")":
            depth += 1
        elif char == "(":
            if depth == 0:
                break
            depth -= 1
    else:
        return False
    depth = 0
    for char in text[at : at + 200]:
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                return True
            depth -= 1
    return False


def split_sentences(text: str) -> list[str]:
    """Split a criterion into sentences, keeping "e.g." and "vs." inside their sentence."""
    if (
        ". " not in text
        and "; " not in text
        and "? " not in text
        and "! " not in text
        and "However" not in text
    ):
        return [text.strip()] if text.strip() else []
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_BREAK.finditer(text):
        piece = text[start : match.start()]
        if _ABBREVIATION_END.search(piece, max(0, len(piece) - 8)):  # only the end can match
            continue
        if text[match.start()] == ";" and piece.count("(") > piece.count(")"):
            continue  # "(eBC; neoadjuvant or adjuvant setting)": a bracket's own semicolon
        if _inside_brackets(text, match.start()):
            continue  # "(e.g. BRCA1 (breast cancer gene 1). BRCA2, ATM) must have ...": one sentence
        pieces.append(piece)
        start = match.end()
    pieces.append(text[start:])
    return [p.strip() for p in pieces if p.strip()]
