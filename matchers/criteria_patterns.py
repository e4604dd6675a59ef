"""Medical-language patterns that turn one criterion sentence into findings.

Each extractor looks at one sentence (read together with its parent line) and its section, decides
the polarity of what it mentions (required, excluded, or explicitly allowed) from negations,
exceptions and phrases such as "is not permitted", and records findings in a ``Collector``.
Extractors run only when a cheap substring check says the sentence can concern them: most
criteria are about blood counts and contraception and must cost next to nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from matchers.findings import (
    ADVANCED_SETTING,
    ALL_CELLS,
    ALLOW_BONE_ONLY,
    ALLOW_BRAIN_ACTIVE,
    ALLOW_BRAIN_ANY,
    ALLOW_BRAIN_STABLE,
    ALLOW_MALE,
    ALLOW_NON_MEASURABLE,
    BIOMARKER_PREFIX,
    BONE_METS,
    BONE_ONLY,
    BONE_ONLY_CONDITION,
    BRAIN_METS,
    BRAIN_METS_ACTIVE,
    CHEMO_LINES,
    DE_NOVO,
    DISEASE_STATE,
    ECOG,
    ENDOCRINE_LINES,
    GENE_CHANGE,
    GENOMIC_TEST,
    HER2_LOW,
    HER2_LOW_OR_ULTRALOW,
    HER2_NEGATIVE_CELLS,
    HER2_POSITIVE_CELLS,
    HR_NEGATIVE_CELLS,
    HR_POSITIVE_CELLS,
    INFLAMMATORY,
    LEPTOMENINGEAL,
    LIVER_METS,
    MEASURABLE,
    PRIOR_BRAIN_RADIATION,
    PRIOR_LINES,
    PRIOR_PREFIX,
    RELAPSE_INTERVAL,
    STABLE_DISEASE,
    STANDARD_FAILED,
    STANDARD_NONE,
    STANDARD_OPTIONAL,
    STANDARD_THERAPY,
    SYMPTOM,
    SYMPTOMATIC,
    TRIPLE_NEGATIVE_CELLS,
    Allowance,
    Limit,
    Requirement,
    Source,
)

Polarity = Literal["require", "exclude", "allow"]
_NO_GROUPS: frozenset[str] = frozenset()

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
    "⁺": "+",
    "ⁿ": "n",
    "\u00a0": " ",
}
_SPELLING = re.compile("[" + re.escape("".join(_SPELLINGS)) + "]")


def normalize(text: str) -> str:
    """Lower-case text with comparison signs and dashes in one spelling, for pattern matching."""
    if text.isascii():  # most criteria: nothing to respell
        return text.lower()
    # One search for the few characters to respell: far cheaper than ``str.translate`` with a
    # table, which looks up every character of the text.
    return _SPELLING.sub(_respell, text).lower()


def _respell(match: re.Match[str]) -> str:
    return _SPELLINGS[match.group(0)]


def trim_quote(text: str, limit: int = MAX_QUOTE_CHARS) -> str:
    """Cut a criterion to a readable length at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:-(")
    return cut + " …"


# ---------------------------------------------------------------------------------------------
# Patterns the regex engine can scan quickly
# ---------------------------------------------------------------------------------------------


def trie_pattern(words: list[str]) -> str:
    """A regex matching any of ``words``, factored by common prefix.

    Python's regex engine tries alternatives one by one at every position; a prefix tree lets it
    reject most positions after one character, which makes a 150-word scan about six times faster.
    """
    trie: dict[str, dict[str, Any]] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + build(node[char]) for char in sorted(k for k in node if k)]
        if not branches:
            return ""
        optional = "" in node
        if len(branches) == 1 and not optional:
            return branches[0]
        group = "(?:" + "|".join(branches) + ")"
        return group + "?" if optional else group

    return build(trie)


def first_letter_pattern(pattern: str) -> str:
    r"""``\b(?:lung|liver|...)tail`` regrouped by first letter: ``(?:l(?<!\wl)(?:ung|iver)|...)tail``.

    Same matches, but the regex engine can skip every position whose character starts no
    alternative, which a leading ``\b`` prevents; for long lists of cancer names about 40%
    faster. Every top-level alternative must start with a plain letter.
    """
    head = r"\b(?:"
    if not pattern.startswith(head):
        raise ValueError("expected a pattern starting with \\b(?:")
    alternatives: list[str] = []
    current: list[str] = []
    depth, index = 0, len(head)
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            current.append(pattern[index : index + 2])
            index += 2
            continue
        if char == ")" and depth == 0:
            break
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "|" and depth == 0:
            alternatives.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    alternatives.append("".join(current))
    groups: dict[str, list[str]] = {}
    for alternative in alternatives:
        if not alternative[:1].isalpha():
            raise ValueError(f"alternative {alternative!r} does not start with a letter")
        groups.setdefault(alternative[0], []).append(alternative[1:])
    grouped = "|".join(f"{c}(?<!\\w{c})(?:{'|'.join(rest)})" for c, rest in groups.items())
    return f"(?:{grouped}){pattern[index + 1 :]}"


def _scan_pattern(pattern: str, start: int = 0) -> list[tuple[int, str]]:
    """Positions and characters of ``pattern`` that are syntax: not escaped, not in a class."""
    tokens: list[tuple[int, str]] = []
    index, in_class = start, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            index += 1
            if pattern[index : index + 1] == "^":
                index += 1
            if pattern[index : index + 1] == "]":  # "[]...]": a literal bracket, not the end
                index += 1
            continue
        elif char in "()|":
            tokens.append((index, char))
        index += 1
    return tokens


def _split_alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a pattern (``|`` outside groups and character classes)."""
    alternatives: list[str] = []
    start = depth = 0
    for index, char in _scan_pattern(pattern):
        if char == "|" and depth == 0:
            alternatives.append(pattern[start:index])
            start = index + 1
        else:
            depth += {"(": 1, ")": -1}.get(char, 0)
    alternatives.append(pattern[start:])
    return alternatives


def _group_end(pattern: str) -> int:
    """Where the group that opens ``pattern`` ends (just after its closing bracket)."""
    depth = 0
    for index, char in _scan_pattern(pattern):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return index + 1
    raise ValueError(f"unbalanced group in {pattern!r}")


_SPECIAL = frozenset(".^$*+?{}[]\\|()")


def _plain_starts(alternative: str, boundary: bool = False, behind: tuple[str, ...] = ()) -> list[str]:
    r"""``alternative`` rewritten as alternatives that each start with a plain character, in the
    order the regex engine would try them. ``boundary`` stands for a ``\b`` and ``behind`` for
    look-behinds (``(?<!non-)``) that came before it; both are checked after that character."""
    if alternative.startswith("\\b"):
        return _plain_starts(alternative[2:], True, behind)
    if alternative.startswith(("(?<!", "(?<=")):  # "(?<!non-)x" -> "x(?<!(?:non-)x)"
        end = _group_end(alternative)
        return _plain_starts(alternative[end:], boundary, (*behind, alternative[:end]))
    if alternative.startswith("(?:"):  # "(?:any|all)\s+x" -> "any\s+x", "all\s+x"
        end = _group_end(alternative)
        inner, rest = alternative[3 : end - 1], alternative[end:]
        optional = rest[:1] == "?"
        if optional:
            rest = rest[1:]
        if rest[:1] in ("?", "*", "+", "{"):
            raise ValueError(f"alternative {alternative!r} repeats its first group")
        starts = [
            s for sub in _split_alternatives(inner) for s in _plain_starts(sub + rest, boundary, behind)
        ]
        return starts + _plain_starts(rest, boundary, behind) if optional else starts
    # The first character: a letter, a digit or punctuation ("<", "\\(").
    size = 2 if alternative[:1] == "\\" and not alternative[1:2].isalnum() else 1
    first, rest = alternative[:size], alternative[size:]
    if not first or (size == 1 and first in _SPECIAL):
        raise ValueError(f"alternative {alternative!r} does not start with a plain character")
    if rest[:1] == "?" and rest[1:2] != "?":  # "m?tnbc" -> "mtnbc", "tnbc"
        return _plain_starts(first + rest[1:], boundary, behind) + _plain_starts(
            rest[1:], boundary, behind
        )
    if rest[:1] in ("?", "*", "+", "{"):
        raise ValueError(f"alternative {alternative!r} repeats its first character")
    checks = [f"{group[:4]}(?:{group[4:-1]}){first})" for group in behind]
    if boundary:  # "\\b" before a letter: no word character before it; before "-": one is
        word = first.isascii() and first.isalnum()
        checks.append(f"(?<!\\w{first})" if word else f"(?<=\\w{first})")
    return [first + "".join(checks) + rest]


def word_start_pattern(pattern: str) -> str:
    r"""The same regex with every alternative starting with a plain character.

    ``\bchemo\w*|\bcytotoxic`` becomes ``(?:c(?<!\wc)hemo\w*|c(?<!\wc)ytotoxic)``: "\b" before a
    letter is "no word character before it", checked just after the letter. The regex engine can
    then skip, with one table look-up, every position whose character starts no alternative,
    where a leading ``\b`` makes it try each alternative at each position. Groups at the start
    are spread over the alternatives in order (``\b(?:ns)?ais`` -> ``nsais``, ``ais``), so each
    position finds the same match as before. Worth it when the alternatives start with few,
    rarer letters; patterns with capturing groups are refused (spreading would renumber them).
    """
    if re.compile(pattern).groups:
        raise ValueError("patterns with capturing groups cannot be rewritten")
    return "(?:" + "|".join(s for a in _split_alternatives(pattern) for s in _plain_starts(a)) + ")"


# ---------------------------------------------------------------------------------------------
# Sentences and polarity
# ---------------------------------------------------------------------------------------------

_SENTENCE_BREAK = re.compile(r"[.!?](?<=[A-Za-z0-9)\]%\"'][.!?])\s+(?=[A-Z(\"'])|;\s+|\s+(?=However,)")
_ABBREVIATION_END = re.compile(r"(?:\b(?:e\.g|i\.e|vs|approx|etc|incl|ca|dr|no|fig|al)|\b[A-Z])$", re.I)


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
        pieces.append(piece)
        start = match.end()
    pieces.append(text[start:])
    return [p.strip() for p in pieces if p.strip()]


_BOUNDARY = re.compile(word_start_pattern(r";|,\s*(?:and|but)\b|\bbut\b|\bhowever\b|\bwhereas\b"))
_NOT_A_NEGATION = re.compile(
    r"\b(?:no|not)\s+(?:more|greater|less|fewer|later|earlier|longer|sooner)\s+than\b|"
    r"\bno\s+longer\b|\bnot\s+(?:only|limited\s+to|necessarily|otherwise)\b|\bnon-?small\b|"
    r"\bwhether\s+or\s+not\b|\bor\s+not\b|\bnot\s+applicable\b|\bif\s+not\b|"
    r"\bnot\s+amenable\b|\bnot\s+(?:an?\s+)?candidates?\b"
)
_NEGATOR = re.compile(
    r"\b(?:no|not|without|never|none|neither|nor|free\s+of|absence\s+of|negative\s+for|lack\s+of|"
    r"cannot|can't|won't|didn't|haven't|hasn't|don't|doesn't|must\s+not|should\s+not)\b"
)
_EXCEPTION = re.compile(
    word_start_pattern(
        r"\b(?:except|unless|other\s+than|excluding|with\s+the\s+exception\s+of|apart\s+from|besides|"
        r"but\s+not|aside\s+from|with\s*(?:/|or|and/or)\s*without|no\s+(?:restriction|limit)\w*\s+(?:on|to|in|of)|"
        r"(?:may|can|could)\s+(?:also\s+)?(?:have\s+)?(?:received|had|been\s+treated|be\s+treated))\b|"
        r"(?<!not\s)(?<!be\s)\b(?:permitted|allowed)\b"
    )
)
#: Words that let people in, and that keep them out, shared by the readers that look for them.
_ALLOWED_WORDS = (
    r"allowed|permitted|eligible|acceptable|accepted|may\s+(?:also\s+)?(?:be\s+)?(?:enroll\w*|"
    r"includ\w*|eligible|particip\w*|enter\w*|allowed|permitted|considered)|can\s+(?:be\s+)?"
    r"(?:enroll\w*|includ\w*|particip\w*)"
)
_NOT_ALLOWED_WORDS = (
    r"not\s+(?:be\s+)?(?:allowed|permitted|eligible|accepted|acceptable|included|enrolled)|ineligible|"
    r"excluded|prohibited"
)
_POST_NOT_ALLOWED = re.compile(
    r"^[^;.]{0,60}?\b(?:(?:is|are|will\s+be|would\s+be)\s+)?(?:" + _NOT_ALLOWED_WORDS + r"|disallowed|"
    r"exclusionary|will\s+exclude)\b"
)
_POST_ALLOWED = re.compile(
    r"^[^;.]{0,60}?\b(?:" + _ALLOWED_WORDS + r"|is\s+acceptable|are\s+acceptable)\b"
)


_STATED_EXCLUSION = re.compile(
    r"\b(?:(?:is|are|will\s+be|be)\s+)?(?:not\s+(?:be\s+)?eligible|ineligible|excluded)\s+"
    r"(?:if|who|when|whose|that|with)\b"
)


def last_match(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The last match of ``pattern`` in ``text`` (the one nearest a mention that follows)."""
    last = None
    for last in pattern.finditer(text):  # noqa: B007 - only the final match is wanted
        pass
    return last


def hint_pattern(hints: tuple[str, ...]) -> re.Pattern[str]:
    """A compiled search for any of several plain substrings (faster than a loop of ``in``)."""
    return re.compile(trie_pattern(list(hints)))


_BOUNDARY_HINTS = (";", ", and", ",and", ", but", "but", "however", "whereas")
_NOT_A_NEGATION_HINTS = (
    "than",
    "longer",
    "only",
    "limited",
    "necessarily",
    "otherwise",
    "small",
    "whether",
    "or not",
    "applicable",
    "if not",
    "amenable",
    "candidate",
)
_NEGATOR_HINTS = ("no", "without", "never", "free of", "absence", "negative for", "lack", "n't")
_EXCEPTION_HINTS = (
    "except",
    "unless",
    "other than",
    "excluding",
    "apart",
    "besides",
    "but not",
    "aside",
    "without",
    "restriction",
    "limit",
    "may",
    "can be",
    "can have",
    "could",
    "permitted",
    "allowed",
)
_POST_HINTS = (
    "allow",
    "permit",
    "eligib",
    "accept",
    "includ",
    "enrol",
    "exclud",
    "prohibit",
    "may",
    "can",
    "consider",
)


_BOUNDARY_HINT = hint_pattern(_BOUNDARY_HINTS)
_NOT_A_NEGATION_HINT = hint_pattern(_NOT_A_NEGATION_HINTS)
_NEGATOR_HINT = hint_pattern(_NEGATOR_HINTS)
_EXCEPTION_HINT = hint_pattern(_EXCEPTION_HINTS)
_POST_HINT = hint_pattern(_POST_HINTS)


#: A carve-out word a few words before the mention, not "except for patients with X, who ...".
_LEFT_OUT = re.compile(
    r"(?:\bexclud\w*|\bother\s+than|\bexcept(?:\s+for)?|\bapart\s+from|\bnot\s+including|"
    r"\bwith\s+the\s+exception\s+of)\s+"
    r"(?:(?!(?:patients|participants|subjects|those|people|women|who|with|if|when)\b)[\w,/()-]+\s+){0,6}?$"
)


def _pre_window(text: str, start: int, width: int = 110) -> str:
    """The clause before a mention: from the last boundary (or ``width`` chars) to the mention."""
    begin = max(0, start - width)
    pre = text[begin:start]
    if _BOUNDARY_HINT.search(pre):
        last = last_match(_BOUNDARY, pre)
        if last is not None:
            pre = pre[last.end() :]
    return pre


_VERB = re.compile(
    r"\b(?:is|are|was|were|be|been|must|should|shall|will|may|can|has|have|had|do|does)\b"
)


def _post_window(text: str, end: int) -> str:
    """The rest of a mention's clause: "(T-DM1) therapy is allowed" reads past the bracket, and
    ", and/or effusion-only disease are excluded" is one list sharing its verb, not a new clause."""
    post = text[end : end + 70]
    if "(" in post:
        post = _BRACKETED.sub(" ", post).split("(", 1)[0]
    if _BOUNDARY_HINT.search(post):
        for boundary in _BOUNDARY.finditer(post):
            joins_a_list = boundary.group(0)[0] == "," and "and" in boundary.group(0)
            if joins_a_list and not _VERB.search(post, 0, boundary.start()):
                continue  # a list: the verb after it applies to every member
            post = post[: boundary.start()]
            break
    return post


def polarity(text: str, start: int, end: int, kind: Source) -> Polarity:
    """Whether the mention at ``text[start:end]`` is required, excluded or explicitly allowed.

    The section sets the default (inclusion requires, exclusion excludes); each negation before the
    mention in its clause flips it; an exception word ("unless", "except", "other than") before it,
    or "is allowed" after it, makes it an allowance; "is not permitted" after it excludes.
    Cheap substring checks guard every pattern: most clauses contain none of these words.
    """
    pre = _pre_window(text, start)
    if _NOT_A_NEGATION_HINT.search(pre):
        pre = _NOT_A_NEGATION.sub(" ", pre)
    if _EXCEPTION_HINT.search(pre) and _EXCEPTION.search(pre):
        # An exception lets something back in where the clause shuts things out ("no prior hormonal
        # agent except tamoxifen", any exclusion); where an inclusion lets things in, a carve-out
        # right before the mention leaves it out ("any solid tumour other than breast").
        carve = _LEFT_OUT.search(pre) if kind == "inclusion" else None
        if carve is not None:
            head = pre[: carve.start()]
            negated = _NEGATOR_HINT.search(head) is not None and len(_NEGATOR.findall(head)) % 2 == 1
            return "allow" if negated else "exclude"
        return "allow"
    post = _post_window(text, end)
    if _POST_HINT.search(post):
        if _POST_NOT_ALLOWED.search(post):
            return "exclude"
        if _POST_ALLOWED.search(post):
            return "allow"
    positive = kind != "exclusion"
    if "eligib" in pre or "exclud" in pre:
        stated = last_match(_STATED_EXCLUSION, pre)
        if stated is not None:
            # "Patients are not eligible who have received X": excluded in either section.
            pre, positive = pre[stated.end() :], False
    negations = len(_NEGATOR.findall(pre)) if _NEGATOR_HINT.search(pre) else 0
    if negations % 2 == 1:
        positive = not positive
    return "require" if positive else "exclude"


# ---------------------------------------------------------------------------------------------
# The collector
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class ReceptorRule:
    """Receptor cells a sentence restricts to (``require``) or rules out (``exclude``)."""

    cells: frozenset[str]
    mode: Literal["require", "exclude", "prefer"]
    quote: str
    kind: Source
    parts: tuple[str, ...] = ()


@dataclass(slots=True)
class SettingCue:
    cue: Literal["metastatic", "locally_advanced", "early", "early_strong"]
    quote: str
    kind: Source


@dataclass(slots=True)
class Collector:
    """Raw findings from every sentence, before they are reconciled into one reading."""

    requirements: list[Requirement] = field(default_factory=list)
    limits: list[Limit] = field(default_factory=list)
    allowances: list[Allowance] = field(default_factory=list)
    receptors: list[ReceptorRule] = field(default_factory=list)
    setting: list[SettingCue] = field(default_factory=list)
    menopause: list[tuple[str, str, Source]] = field(default_factory=list)
    breast_mentions: list[tuple[Polarity, str]] = field(default_factory=list)
    #: The trial parts of the criterion being read; stamped on every finding.
    parts: tuple[str, ...] = ()
    #: The criterion is one alternative in a list that also takes any solid tumor.
    any_subtype: bool = False
    #: Subtypes named here are preferred, not required ("enriched for", pan-tumor conditions).
    soft_subtype: bool = False

    def require(self, factor: str, expects: bool, quote: str, kind: Source, detail: str = "") -> None:
        self.requirements.append(
            Requirement(factor, expects, trim_quote(quote), kind, detail, self.parts)
        )

    def limit(
        self,
        factor: str,
        low: int | None,
        high: int | None,
        quote: str,
        kind: Source,
        *,
        any_setting: bool = False,
    ) -> None:
        if low is not None and low < 0:
            low = 0
        if high is not None and high < 0:
            return
        if low is None and high is None:
            return
        self.limits.append(Limit(factor, low, high, trim_quote(quote), kind, self.parts, any_setting))

    def allow(self, factor: str, quote: str, kind: Source) -> None:
        self.allowances.append(Allowance(factor, trim_quote(quote), kind, self.parts))


# ---------------------------------------------------------------------------------------------
# Receptor status (hormone receptors, HER2, triple-negative)
# ---------------------------------------------------------------------------------------------

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
        r"\bpositive\s+(?:for\s+)?" + _HER2,
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
        r"\b(?:hormone[\s-]receptors?|hr|er|estrogen[\s-]receptors?|oestrogen[\s-]receptors?|er/pr|"
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
_RECEPTOR_HINTS = (
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
        r"\b(?:positive\s+or\s+negative|negative\s+or\s+positive)\b|"
        # "positive, negative or unknown" lists every status; "negative or unknown" alone does not
        r"\b(?:positive|negative)\s*,\s*(?:or\s+)?(?:negative|positive)\b"
    )
)
_CONDITIONAL = re.compile(
    r"^(?:for\s+|in\s+)?(?:patients|participants|subjects|those|women|people|cohort\s+\w+)?\s*"
    r"(?:with|who\s+have)\b[^;]{0,80}?\b(?:must|should|need|have\s+to|are\s+required|will\s+(?:be|receive)|"
    r"(?:may|can|could)\s+(?:also\s+)?(?:be|receive))\b|\bif\s+(?:her2|hr|er|(?:the\s+)?tumou?r|positive|"
    r"negative|(?:the\s+)?(?:patients?|participants?|subjects?)\s+(?:has|have|had|is|are|was|were|"
    r"received))\b|"
    r"\bin\s+case\s+of\b|\bfor\s+(?:patients|participants|subjects)\s+with\b|"
    r"\b(?:hr|er|pr|er/pr|hormone[\s-]receptor)\b[\w\s/+-]{0,30}?(?:positive|\+)[\w\s]{0,20}?"
    r"\b(?:patients|participants|subjects)\b[^;]{0,40}?\b(?:must|should|need)\b"
)
_OR_BETWEEN = re.compile(word_start_pattern(r"\bor\b|\bcohort\b|\barm\b|\bpart\b|\beither\b|;"))
_HER2_ZERO = re.compile(r"\bihc\s*(?:score\s*(?:of\s*)?)?0\b|\b0\s*,\s*1\+|\bher2[\s-]*0\b")
_ULTRALOW = re.compile(
    r"ultra-?low|\bihc\s*>\s*0\b|\b0\s*<\s*ihc|ihc\s*0\s*\+?\s*with\s+(?:faint|membran)"
)


#: Words that make what follows in a title the thing a study measures, not whom it takes.
_TITLE_TOPIC = re.compile(
    r"\b(?:prevalence|incidence|frequency|detection|determin\w*|testing|screening|assess\w*|"
    r"stud(?:y|ies)|analysis|characteri[sz]\w*|landscape|profil\w*|evaluation|monitoring|tracking|"
    r"quantification|measurement)\s+(?:of\s+|for\s+)?"
    r"(?:the\s+)?$"
)


#: Every receptor pattern starts with one of these words; the full pattern is tried only there,
#: which costs far less than scanning every position of a long sentence with it.
_RECEPTOR_START = re.compile(
    r"\b(?:her|erbb|low|triple|m?tnbc|quadruple|hormone|estrogen|oestrogen|progesterone|luminal|"
    r"endocrine|hr|er|pr|pgr|human|positive|negative)"
)


def _receptor_mentions(text: str) -> list[tuple[int, int, str]]:
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


def read_receptors(text: str, quote: str, kind: Source, out: Collector) -> None:
    """Receptor cells the sentence restricts to or rules out, with cohorts joined by "or"."""
    if out.any_subtype and kind in ("inclusion", "exclusion"):
        return
    mentions = _receptor_mentions(text)
    if not mentions or _ANY_STATUS.search(text):
        return
    if kind in ("inclusion", "exclusion"):
        if _CONDITIONAL.search(text):
            return
        recorded = _RECORDED.search(text)
        if recorded is not None:
            own = text.rfind(". ", 0, mentions[0][0]) + 1  # its own sentence, not a parent line's
            if not _REQUIRING.search(text, own, recorded.end()):
                return  # "HER2 ... positivity will be recorded", not "must be HER2+ (tested centrally)"
        if _EQUIVOCAL.search(text, max(0, mentions[0][0] - 60), mentions[0][0]):
            return  # "inconclusive, equivocal or unavailable HER2 result": about the test
    groups: list[frozenset[str]] = []
    current = ALL_CELLS
    previous_end: int | None = None
    for start, end, name in mentions:
        if previous_end is not None and _OR_BETWEEN.search(text, previous_end, start):
            groups.append(current)
            current = ALL_CELLS
        narrowed = current & _RECEPTOR_CELLS[name]
        current = narrowed if narrowed else current
        previous_end = end
    groups.append(current)
    cells = frozenset().union(*groups)
    if cells == ALL_CELLS:
        return
    first_start, first_end, _ = mentions[0]
    mode = polarity(text, first_start, first_end, kind)
    if kind in ("title", "conditions"):
        mode = "require"
    if mode == "allow":
        return
    if mode == "require" and out.soft_subtype:
        out.receptors.append(ReceptorRule(cells, "prefer", trim_quote(quote), kind, out.parts))
        return
    out.receptors.append(ReceptorRule(cells, mode, trim_quote(quote), kind, out.parts))
    low = next((start for start, _, name in mentions if name == "her2_low"), None)
    if kind == "title" and low is not None and _TITLE_TOPIC.search(text, 0, low):
        return  # "Prevalence of HER2-low in HER2-negative breast cancer": measured, not required
    if low is not None and mode == "require" and not _HER2_ZERO.search(text):
        factor = HER2_LOW_OR_ULTRALOW if _ULTRALOW.search(text) else HER2_LOW
        out.require(factor, True, quote, kind)


# ---------------------------------------------------------------------------------------------
# Brain, leptomeningeal, liver, bone-only and measurable disease
# ---------------------------------------------------------------------------------------------

_BRAIN_HINTS = ("brain", "cns", "central nervous", "cranial", "cerebral", "leptomening", "mening")
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
_ALLOWING = re.compile(
    r"\b(?:" + _ALLOWED_WORDS + r"|unless|except|provided|as\s+long\s+as|if\s+(?:they|the|all|patients|"
    r"participants|subjects|there|lesions|metastases)|are\s+included|will\s+be\s+included|qualif\w*|"
    r"with\s+or\s+without)\b"
)
_NOT_ALLOWED = re.compile(r"\b(?:" + _NOT_ALLOWED_WORDS + r")\b")
_BRAIN_RT = re.compile(
    word_start_pattern(
        r"\b(?:whole[\s-]brain|brain|cranial|stereotactic)\s+(?:radiation|radiotherapy|irradiation|"
        r"radiosurgery|rt)\b|\bwbrt\b|\bsrs\b"
    )
)
_BRAIN_CONDITIONAL = re.compile(
    r"\b(?:patients|participants|subjects|those)\s+with\b[^;]{0,80}?\b(?:must|should|need|have\s+to|"
    r"are\s+required)\b|\bif\s+(?:present|known|any)\b|\bif\s+(?:brain|cns)\b"
)
#: Each alternative starts with a plain character and checks the word boundary just after it
#: ("w(?<!\ww)ithin" is "\bwithin"): the regex engine can then skip, by first character, the
#: positions no alternative can start at, which a leading "\b" prevents (about 30% faster).
_WASHOUT = re.compile(
    r"w(?<!\ww)ithin\s+(?:the\s+)?(?:last\s+|past\s+|previous\s+|prior\s+)?(?:\d+|one|two|three|four|"
    r"six)\b|(?:i(?<!\wi)n|d(?<!\wd)uring)\s+the\s+(?:last|past|previous|prior|preceding)\s+\d+\s*"
    r"(?:days?|weeks?|months?)\b|(?:<=|<|less\s+than|fewer\s+than)\s*\d+\s*(?:days?|weeks?|months?|"
    r"half[\s-]lives)|\d(?<!\w\d)\d*\s*(?:days?|weeks?|months?|half[\s-]lives)\s+(?:prior|before|of\s+"
    r"(?:the\s+)?(?:first|start|study|randomi|enrol|initiation|day))|s(?<!\ws)ince\s+(?:the\s+)?(?:last|"
    r"prior|previous|completion)|(?:a(?<!\wa)t\s+least|(?:a(?<!\wa)\s+)?m(?<!\wm)inimum\s+of)\s+\d+\s*"
    r"(?:days?|weeks?|wks?|months?)\b(?!\s+of\s+follow)|w(?<!\ww)ashout\b|(?:h(?<!\wh)as|h(?<!\wh)ave|"
    r"m(?<!\wm)ust\s+have)\s+elapsed\b"
)


_SYMPTOM_WORDS = frozenset({"symptomatic", "uncontrolled"})


def _symptomatic_only(text: str) -> str:
    """``SYMPTOMATIC`` when only symptoms make brain metastases exclusionary.

    "Symptomatic brain metastases" or "symptomatic uncontrolled brain metastases" need symptoms,
    which no profile records; "symptomatic or untreated" does not (untreated alone suffices).
    """
    words = {m.group(0) for m in _BRAIN_ACTIVE.finditer(_BRAIN_STABLE.sub(" ", text))}
    if "symptomatic" not in words or not words <= _SYMPTOM_WORDS:
        return ""
    if len(words) > 1 and re.search(r"\b(?:symptomatic|uncontrolled)\s+(?:and/)?or\b", text):
        return ""
    return SYMPTOMATIC


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
    not_allowed = _NOT_ALLOWED.search(text) is not None
    allowing = not not_allowed and _ALLOWING.search(text) is not None
    stable = _BRAIN_STABLE.search(text) is not None
    active = _BRAIN_ACTIVE.search(_BRAIN_STABLE.sub(" ", text)) is not None
    if mention is not None:
        if kind in ("title", "conditions"):
            if allowing:
                out.allow(ALLOW_BRAIN_ANY, quote, kind)
            elif not _EXCEPTION.search(text):
                out.require(BRAIN_METS, True, quote, kind)
        elif allowing:
            if stable:
                out.allow(ALLOW_BRAIN_STABLE, quote, kind)
                if not (active and "or" in text and kind == "inclusion"):
                    out.require(BRAIN_METS_ACTIVE, False, quote, kind)
                else:
                    out.allow(ALLOW_BRAIN_ACTIVE, quote, kind)
            elif active:
                out.allow(ALLOW_BRAIN_ACTIVE, quote, kind)
            else:
                out.allow(ALLOW_BRAIN_ANY, quote, kind)
        elif mode == "exclude" and stable and _BRAIN_CONDITIONAL.search(text):
            # "Participants with brain metastases must be stable after local therapy", even when
            # written among the exclusions, sets the condition under which they are accepted.
            out.allow(ALLOW_BRAIN_STABLE, quote, kind)
            out.require(BRAIN_METS_ACTIVE, False, quote, kind)
        elif mode == "exclude":
            if active:
                out.require(BRAIN_METS_ACTIVE, False, quote, kind, _symptomatic_only(text))
            else:
                out.require(BRAIN_METS, False, quote, kind)
        elif mode == "require":
            if _BRAIN_CONDITIONAL.search(text) and (stable or not active):
                out.allow(ALLOW_BRAIN_STABLE if stable else ALLOW_BRAIN_ANY, quote, kind)
                if stable:
                    out.require(BRAIN_METS_ACTIVE, False, quote, kind)
            else:
                out.require(BRAIN_METS, True, quote, kind)
                if active and not stable:
                    out.require(BRAIN_METS_ACTIVE, True, quote, kind)
    if lepto is not None and kind in ("inclusion", "exclusion"):
        lepto_mode = polarity(text, lepto.start(), lepto.end(), kind)
        if lepto_mode == "exclude" and not allowing:
            out.require(LEPTOMENINGEAL, False, quote, kind)
        elif lepto_mode == "require" and not allowing and mention is None:
            out.require(LEPTOMENINGEAL, True, quote, kind)
    _read_brain_radiation(text, quote, kind, out)


def _read_brain_radiation(text: str, quote: str, kind: Source, out: Collector) -> None:
    radiation = _BRAIN_RT.search(text)
    if (
        radiation is not None
        and kind == "exclusion"
        and not _WASHOUT.search(text)
        and polarity(text, radiation.start(), radiation.end(), kind) == "exclude"
    ):
        out.require(PRIOR_BRAIN_RADIATION, False, quote, kind)


_LIVER = re.compile(
    word_start_pattern(
        r"\b(?:liver|hepatic)\s+(?:metasta\w*|mets\b|lesions?\b|involvement)|"
        r"\bmetasta\w*\s+(?:to|in|of|involving)\s+(?:the\s+)?liver\b"
    )
)
_LAB_CONTEXT = re.compile(
    r"\buln\b|upper\s+limit|bilirubin|\bast\b|\balt\b|transaminase|sgot|sgpt|alkaline|albumin|\binr\b|"
    r"child-?pugh|enzymes|function|%|>\s*\d|>=\s*\d|\bextensive\b|\bdiffuse\b|\bmajority\b|\breplac\w+|"
    r"\bmore\s+than\b|\bburden\b|\d\s*(?:mm|cm)\b|\bdiameter\b"
)


def read_liver(text: str, quote: str, kind: Source, out: Collector) -> None:
    if "liver" not in text and "hepatic" not in text:
        return
    mention = _LIVER.search(text)
    if mention is None or _LAB_CONTEXT.search(text):
        return
    mode = polarity(text, mention.start(), mention.end(), kind)
    if mode == "exclude":
        out.require(LIVER_METS, False, quote, kind)
    elif mode == "require" and not _ALLOWING.search(text) and not _BRAIN_CONDITIONAL.search(text):
        out.require(LIVER_METS, True, quote, kind)


_OTHER_SITE = re.compile(
    r"\b(?:brain|cns|bones?|skeletal|lungs?|pulmonary|peritone\w*|pleura\w*|lymph|nodal|skin|"
    r"spinal|visceral|adrenal|oligometasta\w*)\b|\bwith\s+or\s+without\b|\band/or\b"
)


def _require_site_focus(
    labels: list[str], kind: Source, out: Collector, factor: str, mention: re.Pattern[str]
) -> None:
    """Record that the labels are about one site, quoting the first label that names it."""
    quote = next((t for t in labels if mention.search(normalize(t))), labels[0])
    out.require(factor, True, quote, kind)


def read_liver_focus(labels: list[str], kind: Source, out: Collector, joined: str) -> None:
    """A title or condition about liver metastases alone makes them a requirement.

    "Drug X in Solid Tumors and Liver Metastases" is for people whose cancer reached the liver;
    a label naming other sites too ("bone and liver metastases") is a list, not a requirement.
    ``joined`` is the labels normalized and joined with " | ".
    """
    if "liver" not in joined and "hepatic" not in joined:
        return
    if _LIVER.search(joined) and not _OTHER_SITE.search(joined):
        _require_site_focus(labels, kind, out, LIVER_METS, _LIVER)


_IBC = re.compile(r"\binflammatory\s+(?:breast\s+)?(?:cancer|carcinoma|disease)\b|\bibc\b")
_ANY_IBC = re.compile(
    r"\bnon-?\s?(?:ibc|inflammatory)\b|\bwith\s+or\s+without\b|\bmay\s+(?:also\s+)?(?:have|include|be)\b|"
    r"\b(?:is|are)\s+(?:defined|determined|diagnosed|confirmed)\b"
)


_DE_NOVO = re.compile(
    r"\bde\s+novo\s+(?:[a-z]+\s+){0,2}?(?:stage\s+iv|metasta\w*|m1|advanced)|"
    r"\bprimary\s+(?:confirmed\s+)?(?:distant\s+)?metastatic\b|\bsynchronous(?:ly)?\s+metasta\w*|"
    r"\bmetasta\w*\s+(?:disease\s+)?(?:at|upon)\s+(?:the\s+time\s+of\s+)?(?:initial\s+|first\s+)?"
    r"(?:diagnosis|presentation)"
)
_STABLE_DISEASE = re.compile(
    r"\bwith\s+stable\s+disease\b|\b(?:stable|non-?progressive)\s+disease\s+(?:on|with|while|for|after|"
    r"following|during)\b|\b(?:partial\s+response|response)\s+or\s+stable\s+disease\b|"
    r"\bdisease\s+(?:must\s+be\s+|that\s+is\s+|is\s+)stable\b"
)
#: Brain lesions' own stability, "de novo or recurrent", "... is not eligible": not a state required.
_NOT_HER_DISEASE = re.compile(
    r"\bbrain\b|\bcns\b|intra-?cranial|\blesions?\b|\bor\s+(?:recurrent|relapsed)|\bnot\s+eligible|"
    r"\bineligible\b|\bexcluded\b"
)


def read_disease_state(text: str, quote: str, kind: Source, out: Collector) -> None:
    """De novo metastatic disease ("primary confirmed distant metastatic breast cancer (M1)") or
    disease stable on treatment required: states no profile records, so the verdict asks."""
    if kind != "inclusion" or _NOT_HER_DISEASE.search(text):
        return
    for detail, pattern in ((DE_NOVO, _DE_NOVO), (STABLE_DISEASE, _STABLE_DISEASE)):
        mention = pattern.search(text)
        if mention is not None and polarity(text, mention.start(), mention.end(), kind) == "require":
            out.require(DISEASE_STATE, True, quote, kind, detail)


def read_inflammatory(text: str, quote: str, kind: Source, out: Collector) -> None:
    """Inflammatory breast cancer required ("stage III IBC or stage IV IBC"): a type no profile
    records, so the verdict asks. "IBC or non-IBC", "IBC is eligible" and exclusions are skipped
    (a fact not given never excludes)."""
    if kind != "inclusion":
        return
    mention = _IBC.search(text)
    if mention is None or _ANY_IBC.search(text):
        return
    if polarity(text, mention.start(), mention.end(), kind) == "require":
        out.require(INFLAMMATORY, True, quote, kind)


#: Symptom names as plain words in a prefix tree; word boundaries are checked on each match.
_SYMPTOM_NAMES = re.compile(
    trie_pattern(
        [
            "pain",
            "fatigue",
            "hot flash",
            "hot flashes",
            "hot flush",
            "hot flushes",
            "nausea",
            "vomiting",
            "neuropathy",
            "neuropathies",
            "lymphedema",
            "lymphoedema",
            "insomnia",
            "anxiety",
            "depression",
            "distress",
            "cachexia",
            "mucositis",
            "alopecia",
            "hair loss",
            "dyspnea",
            "dyspnoea",
            "constipation",
            "diarrhea",
            "diarrhoea",
            "hypercalcemia",
            "hypercalcaemia",
            "dermatitis",
            "arthralgia",
            "arthralgias",
        ]
    )
)


def _symptom_in(text: str) -> str | None:
    """The first whole-word symptom name in ``text`` (not "non-painful" or "painless")."""
    for match in _SYMPTOM_NAMES.finditer(text):
        start, end = match.span()
        before = text[start - 1 : start]
        if (before.isalnum() or text.endswith("non-", 0, start)) or text[end : end + 1].isalnum():
            continue
        return match.group(0)
    return None


def read_symptom_focus(labels: list[str], kind: Source, out: Collector, joined: str) -> None:
    """A title or condition naming a symptom ("Spousal Relationships and Pain in ...", "Hot
    Flashes") makes having it (or being at risk of it) a condition no profile records."""
    symptom = _symptom_in(joined)
    if symptom is None:
        return
    quote = next((t for t in labels if _symptom_in(normalize(t))), labels[0])
    out.require(SYMPTOM, True, quote, kind, symptom)


_OTHER_THAN_BONE = re.compile(
    r"\b(?:brain|cns|lungs?|pulmonary|liver|hepatic|peritone\w*|pleura\w*|lymph|nodal|skin|spinal\s+cord|"
    r"visceral|adrenal|soft[\s-]tissue|oligometasta\w*|prevent\w*)\b|\bwith\s+or\s+without\b|\band/or\b"
)


def read_bone_focus(labels: list[str], kind: Source, out: Collector, joined: str) -> None:
    """A title or condition about bone metastases alone ("Breast Cancer With Bone Metastasis",
    "Patients With Metastatic Bone Lesions") makes them a requirement."""
    if "bone" not in joined and "skelet" not in joined and "osseous" not in joined:
        return
    if _BONE_METS.search(joined) and not (_BONE_ONLY.search(joined) or _OTHER_THAN_BONE.search(joined)):
        _require_site_focus(labels, kind, out, BONE_METS, _BONE_METS)


#: Written with each word boundary just after the first letter ("b(?<![\w-]b)one" is "bone" at a
#: word start, not after "non-"), so the engine skips positions by first character.
_BONE_METS = re.compile(
    word_start_pattern(
        r"(?:b(?<![\w-]b)(?<!non\sb)on[ey]|s(?<![\w-]s)(?<!non\ss)keletal|o(?<![\w-]o)(?<!non\so)sseous)"
        r"[\s-]+(?:only\s+)?(?:metasta\w*|mets\b|lesions?\b|involvement\b|deposits?\b)|"
        r"m(?<!\wm)etasta\w*\s+(?:\w+\s+)?(?:to|in|of|involving)\s+(?:the\s+)?(?:bones?|skeleton)\b|"
        r"m(?<!\wm)etastatic\s+(?:bone|skeletal|osseous)\s+(?:disease|lesions?)\b"
    )
)
#: Other places or alternatives named beside bone: a list of sites, not a bone requirement.
_BESIDE_BONE = re.compile(
    r"\b(?:brain|cns|lungs?|pulmonary|liver|hepatic|peritone\w*|pleura\w*|lymph|nodal|nodes?|skin|"
    r"visceral|viscera|adrenal|soft[\s-]tissue|measurable|evaluable|any\s+site|other\s+sites?)\b|"
    r"\bwith\s+or\s+without\b|\bregardless\b|\bincluding\b|\bsuch\s+as\b|\bif\s+(?:present|any)\b"
)
#: Conditions on bone metastases that an exclusion turns away, not bone metastases as such.
_BONE_CONDITION = re.compile(
    r"symptom|pain|fractur|compression|impending|requir|radiat|radiother|unstable|untreated|"
    r"uncontrolled|progress|hypercalc|skeletal[\s-]related|\bsres?\b|surgery|only|sole|exclusive|"
    r"\bwho\b|\bwhose\b|\bthat\b|\bwhich\b|initiat|denosumab|bisphosph|zoledron|treat|therap"
)


#: Care of bone metastases ("radiotherapy to bone metastases must be completed", "denosumab for
#: bone metastases may continue"): a rule about that care, not a need to have bone metastases.
_BONE_CARE = re.compile(
    r"radiat|radiother|\btreat|therap|denosumab|bisphosph|zoledron|receiv|surg|fractur|compression|"
    r"pain|symptom|requir|continu|\buse\b|\bpalliat"
)


def read_bone(text: str, quote: str, kind: Source, out: Collector) -> None:
    """Bone metastases required ("at least one bone lesion") or, rarely, excluded outright.

    Only a sentence that names bone as the one site counts: "lung, liver or bone metastases" is a
    list of places, "measurable disease or bone lesions" a choice, and an exclusion of "symptomatic
    bone metastases needing radiation" is about their state, not their presence.
    """
    mention = _BONE_METS.search(text)
    if mention is None or _BONE_ONLY.search(text) or _BESIDE_BONE.search(text):
        return
    if _LAB_CONTEXT.search(text):
        return  # "alkaline phosphatase <= 5 x ULN for patients with bone metastases"
    if _BRAIN_CONDITIONAL.search(text) or _ALLOWING.search(text):
        return  # "patients with bone metastases must ...", "bone metastases are allowed"
    mode = polarity(text, mention.start(), mention.end(), kind)
    if mode == "require" and not _BONE_CARE.search(text):
        out.require(BONE_METS, True, quote, kind)
    elif mode == "exclude" and kind == "exclusion" and not _BONE_CONDITION.search(text):
        out.require(BONE_METS, False, quote, kind)


_BONE_ONLY = re.compile(
    word_start_pattern(
        r"\bbone[\s-]only\b|\bonly\s+(?:\w+\s+){0,2}?bone\b|\b(?:limited|confined|restricted)\s+to\s+(?:the\s+)?"
        r"(?:bones?|skeleton|skeletal)|\bexclusively\s+(?:in\s+)?(?:the\s+)?bones?\b|\bbone[\s-]limited\b|"
        r"\bbone\s+(?:metasta\w*|lesions?|disease)\s+(?:as\s+)?(?:the\s+|their\s+)?(?:only|sole)\s+"
        r"(?:site|manifestation|evidence|location)"
    )
)
_MEASURABLE = re.compile(word_start_pattern(r"(?<!non-)(?<!non )(?<!not )\bmeasurable\b"))
_NON_MEASURABLE_OK = re.compile(
    r"\bnon-?\s?measurable\b|\bnot\s+measurable\b|\bevaluable\b|\bassessable\b|\bbone[\s-]only\b|"
    r"\blytic\b|\babsence\s+of\s+measurable\b|\bor\s+bone\b"
)


_EVALUABLE = re.compile(
    word_start_pattern(r"\b(?:evaluable|assessable)\s+(?:\w+\s+){0,2}?(?:disease|lesions?|tumou?rs?)\b")
)


#: "At least one lesion >= 1.0 cm on imaging", "target lesion diameter of >= 15 mm": a size rule
#: is a measurable-disease rule under another name.
_SIZED_LESION = re.compile(
    r"\b(?:target\s+)?lesions?\b[^;.]{0,40}?(?:>=|>|at\s+least|greater\s+than|more\s+than|of)\s*"
    r"\d+(?:\.\d+)?\s*(?:cm|mm)\b|(?:>=|>|at\s+least)\s*\d+(?:\.\d+)?\s*(?:cm|mm)\b[^;.]{0,30}?"
    r"\blesions?\b|\bat\s+least\s+(?:one|1|two|2)\s+(?:\w+\s+){0,3}?target\s+lesions?\b"
)
_LESION_TYPE = re.compile(r"\b(?:lytic|blastic|osteoblastic|osteolytic|sclerotic|soft[\s-]tissue)\b")


def read_disease_extent(text: str, quote: str, kind: Source, out: Collector) -> None:
    """Bone-only disease required/excluded/allowed, and measurable (RECIST) disease required."""
    if "bone" in text:
        mention = _BONE_ONLY.search(text)
        if mention is not None and _LESION_TYPE.search(text):
            # "Bone-only disease must be lytic or mixed", "bone-only blastic lesions are not
            # allowed": bone-only disease is accepted on a condition no profile records.
            out.allow(ALLOW_BONE_ONLY, quote, kind)
            out.require(BONE_ONLY_CONDITION, True, quote, kind)
        elif mention is not None:
            mode = polarity(text, mention.start(), mention.end(), kind)
            measurable_alt = "measurable" in text and " or " in text
            if mode == "allow" or (mode == "require" and (measurable_alt or _ALLOWING.search(text))):
                out.allow(ALLOW_BONE_ONLY, quote, kind)
            elif mode == "exclude":
                out.require(BONE_ONLY, False, quote, kind)
            elif mode == "require":
                out.require(BONE_ONLY, True, quote, kind)
    if kind == "inclusion" and "measurable" not in text and _EVALUABLE.search(text):
        out.allow(ALLOW_NON_MEASURABLE, quote, kind)  # "at least one evaluable lesion"
    elif kind == "inclusion" and "lesion" in text and "measurable" not in text:
        sized = _SIZED_LESION.search(text)
        if sized is not None and polarity(text, sized.start(), sized.end(), kind) == "require":
            out.require(MEASURABLE, True, quote, kind)
    if "measurable" in text and "residual" not in text:
        mention = _MEASURABLE.search(text)
        if kind == "inclusion" and mention is not None:
            mode = polarity(text, mention.start(), mention.end(), kind)
            if _NON_MEASURABLE_OK.search(text) or mode == "allow":
                out.allow(ALLOW_NON_MEASURABLE, quote, kind)
            elif mode == "require":
                out.require(MEASURABLE, True, quote, kind)
        elif (
            kind == "exclusion"
            and re.search(r"\b(?:no|non-?|without|lack\s+of)\s?measurable", text)
            and not re.search(r"\bbone\b|\bevaluable\b", text)
        ):
            out.require(MEASURABLE, True, quote, kind)


# ---------------------------------------------------------------------------------------------
# Prior therapies
# ---------------------------------------------------------------------------------------------

_DRUGS: tuple[tuple[str, str], ...] = (
    ("t-dxd", r"\bt-?dxd\b|trastuzumab[\s-]+deruxtecan|fam-trastuzumab|\benhertu\b|\bds-?8201\w*"),
    ("t-dm1", r"\bt-?dm-?1\b|trastuzumab[\s-]+emtansine|ado-trastuzumab|\bkadcyla\b"),
    (
        "sacituzumab-govitecan",
        r"\bsacituzumab\b(?:[\s-]+govitecan)?|\btrodelvy\b|\banti-?trop-?2\b|"
        r"\btrop-?2[\s-]*(?:directed|targeted|targeting|adcs?|antibody)",
    ),
    (
        "topo1-adc",
        r"topoisomerase[\s-]*(?:i|1)\b[\s-]*(?:inhibitor)?[\s-]*(?:based\s+|payload\s+)?"
        r"(?:adcs?|antibody[\s-]drug\s+conjugates?|payload)|\btopo-?1\s+adc|\bexatecan|"
        r"topoisomerase[\s-]*(?:i|1)\b[\s-]*inhibitors?\b",
    ),
    ("adc", r"\bantibody[\s-]+drug[\s-]+conjugates?|\badcs?\b"),
    (
        "trastuzumab",
        r"\btrastuzumab\b(?![\s-]+(?:deruxtecan|emtansine|duocarmazine|rezetecan))|"
        r"\bherceptin\b|\bphesgo\b",
    ),
    ("pertuzumab", r"\bpertuzumab\b|\bperjeta\b"),
    (
        "her2-tki",
        r"\btucatinib\b|\bneratinib\b|\blapatinib\b|\bpyrotinib\b|\bher2[\s-]*(?:directed\s+|"
        r"targeted\s+)?(?:tyrosine[\s-]kinase\s+inhibitors?|tkis?)\b|\banti-?her-?2\b[\w\s/-]{0,30}?"
        r"(?:tyrosine[\s-]kinase\s+inhibitors?|tkis?)\b",
    ),
    (
        "her2-directed",
        r"\banti-?her-?2\b|\bher-?2[\s-]*(?:directed|targeted|targeting|based|blocking)\b",
    ),
    (
        "cdk4/6-inhibitor",
        r"\bcdk\s?4\s?/\s?6|\bcdk4/6i?\b|\bcdk\s?4\s+and\s+6\b|cyclin[\s-]dependent\s+"
        r"kinase\s+(?:4/6|4\s+and\s+6)|\bpalbociclib\b|\bribociclib\b|\babemaciclib\b|\bdalpiciclib\b|"
        r"\bibrance\b|\bkisqali\b|\bverzenio\b",
    ),
    (
        "pi3k-inhibitor",
        r"\bpi3k(?:alpha|\u03b1|a)?\b|\bpi3-kinase\b|\balpelisib\b|\binavolisib\b|"
        r"\btaselisib\b|\bbuparlisib\b|\bpiqray\b|\bgedatolisib\b",
    ),
    (
        "akt-inhibitor",
        r"\bakt1?\b(?!\s*(?:1\s*)?(?:mutat|alter|e17k|/\s*pten|pathway\s+alter))|"
        r"\bcapivasertib\b|\bipatasertib\b|\btruqap\b",
    ),
    ("mtor-inhibitor", r"\bmtor\b|\beverolimus\b|\bafinitor\b|\btemsirolimus\b"),
    (
        "aromatase-inhibitor",
        r"\baromatase[\s-]+inhibitors?\b|\b(?:ns)?ais?\b|\bletrozole\b|\banastrozole\b|"
        r"\bexemestane\b|\bfemara\b|\barimidex\b|\baromasin\b",
    ),
    ("tamoxifen", r"\btamoxifen\b|\bserms?\b|\btoremifene\b"),
    ("fulvestrant", r"\bfulvestrant\b|\bfaslodex\b"),
    (
        "endocrine-other",
        r"\b(?:oral|investigational|novel|next[\s-]generation|other)\s+serds?\b|\belacestrant\b|\bcamizestrant\b|\bgiredestrant\b|"
        r"\bimlunestrant\b|\bamcenestrant\b|\bvepdegestrant\b|\bpalazestrant\b",
    ),
    ("serd", r"\bserds?\b|\bselective\s+(?:o)?estrogen\s+receptor\s+(?:degrader|downregulator)s?\b"),
    (
        "endocrine",
        r"\bendocrine[\s-]*(?:based\s+)?(?:therap\w*|treatment\w*|agents?|monotherapy|regimens?)|"
        r"\bhormon(?:e|al)\s+(?:therap\w*|treatment\w*|agents?)|\banti-?(?:o)?estrogen\w*|"
        r"\bet\b(?=\s*[(,)]|\s+(?:regimen|agent|therapy|alone|monotherapy))",
    ),
    (
        "systemic",
        r"\bsystemic\s+(?:anti-?cancer\s+|antineoplastic\s+|anti-?tumou?r\s+|cancer\s+)?"
        r"(?:therap\w*|treatment\w*|agents?|regimens?)|\b(?:anti-?cancer|antineoplastic)\s+"
        r"(?:systemic\s+)?(?:therap\w*|treatment\w*|agents?|drugs?)",
    ),
    (
        "chemotherapy",
        r"\bchemotherap\w*|\bcytotoxic\s+(?:therap\w*|agents?|chemo\w*|treatment\w*|drugs?)|"
        r"\bchemo\b",
    ),
    (
        "taxane",
        r"\btaxanes?\b|\bpaclitaxel\b|\bdocetaxel\b|\bnab-paclitaxel\b|\babraxane\b|\btaxol\b|"
        r"\btaxotere\b",
    ),
    ("anthracycline", r"\banthracycline\w*|\bdoxorubicin\b|\bepirubicin\b|\badriamycin\b"),
    ("capecitabine", r"\bcapecitabine\b|\bxeloda\b"),
    ("platinum", r"\bplatinum\b|\bcarboplatin\b|\bcisplatin\b|\boxaliplatin\b"),
    (
        "immunotherapy",
        r"\bimmunotherap\w*|\bimmune[\s-]+checkpoint|\bcheckpoint\s+inhibitor\w*|"
        r"\banti-?pd-?l?1\b|\banti-?ctla-?4\b|\bpd-?l?1\s+(?:inhibitor|blockade|antibod|directed|targeted)\w*|"
        r"\bpembrolizumab\b|\batezolizumab\b|\bdurvalumab\b|\bnivolumab\b|\bavelumab\b|\bipilimumab\b|"
        r"\bcemiplimab\b|\bkeytruda\b|\btislelizumab\b|\btoripalimab\b|\bcamrelizumab\b|\bsintilimab\b",
    ),
    (
        "parp-inhibitor",
        r"\bparp(?:[\s-]*inhibitor\w*|i\b|\s*inhibition)?\b|\bolaparib\b|\btalazoparib\b|"
        r"\bniraparib\b|\brucaparib\b|\bveliparib\b|\bsaruparib\b|\blynparza\b|\btalzenna\b",
    ),
)
#: Cheap substrings that must appear before a drug's pattern is worth running.
_DRUG_KEYS: dict[str, tuple[str, ...]] = {
    "t-dxd": ("dxd", "deruxtecan", "enhertu", "8201"),
    "t-dm1": ("dm1", "dm-1", "emtansine", "kadcyla"),
    "sacituzumab-govitecan": ("sacituzumab", "trodelvy", "trop"),
    "topo1-adc": ("topoisomerase", "topo", "exatecan"),
    "adc": ("conjugate", "adc"),
    "trastuzumab": ("trastuzumab", "herceptin", "phesgo"),
    "pertuzumab": ("pertuzumab", "perjeta"),
    "her2-tki": ("tinib", "tki", "tyrosine"),
    "her2-directed": ("her2", "her-2", "her 2"),
    "cdk4/6-inhibitor": ("cdk", "ciclib", "cyclin", "ibrance", "kisqali", "verzenio"),
    "pi3k-inhibitor": ("pi3", "lisib", "piqray"),
    "akt-inhibitor": ("akt", "sertib", "truqap"),
    "mtor-inhibitor": ("mtor", "limus", "afinitor"),
    "aromatase-inhibitor": (
        "aromatase",
        "ai",
        "letrozole",
        "anastrozole",
        "exemestane",
        "femara",
        "arimidex",
        "aromasin",
    ),
    "tamoxifen": ("tamoxifen", "serm", "toremifene"),
    "fulvestrant": ("fulvestrant", "faslodex"),
    "endocrine-other": ("serd", "estrant"),
    "serd": ("serd", "degrader", "downregulator"),
    "endocrine": ("endocrine", "hormon", "estrogen", "et"),
    "systemic": ("systemic", "anticancer", "anti-cancer", "antineoplastic"),
    "chemotherapy": ("chemo", "cytotoxic"),
    "taxane": ("tax", "abraxane"),
    "anthracycline": ("anthracycl", "rubicin", "adriamycin"),
    "capecitabine": ("capecitabine", "xeloda"),
    "platinum": ("platin",),
    "immunotherapy": ("immun", "checkpoint", "pd-", "pd1", "ctla", "mab", "keytruda"),
    "parp-inhibitor": ("parp", "parib", "lynparza", "talzenna"),
}
#: Therapy patterns whose words start with letters so common that the word-start rewrite is slower.
_COMMON_FIRST_LETTERS = frozenset({"immunotherapy", "endocrine-other"})
_DRUG_PATTERNS: tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...] = tuple(
    (
        name,
        _DRUG_KEYS[name],
        re.compile(pattern if name in _COMMON_FIRST_LETTERS else word_start_pattern(pattern)),
    )
    for name, pattern in _DRUGS
)
_DRUG_HINTS = tuple(sorted({key for keys in _DRUG_KEYS.values() for key in keys if len(key) > 2}))
#: Each therapy pattern's place in ``_DRUG_PATTERNS``: mentions are collected in that order.
_DRUG_ORDER = {name: index for index, (name, _, _) in enumerate(_DRUG_PATTERNS)}
#: Classes so broad that "no prior X for metastatic disease" is a line limit, not a drug rule.
_GENERIC_CLASSES = frozenset({"chemotherapy", "endocrine", "systemic"})
#: A SERD could be fulvestrant or an oral one; the verdict treats this pair as "any of".
_SERD_FACTORS = ("fulvestrant", "endocrine-other")
_PRIOR_CONTEXT = re.compile(
    r"\b(?:prior(?!\s+to\s+(?:the\s+)?(?:initiation|start|beginning|first|study|enrol|registration|"
    r"randomi|surgery|entry))|previous\w*|received|pretreated|pre-treated|progress\w*|after|(?<!the\s)following|"
    r"refractory|resistant|resistance|fail\w*|exposure|exposed|history|treated|treatment\s+with|"
    r"therapy\s+with|had|relaps\w*|recurr\w*|intoleran\w*|completed|discontinued|experienced|"
    r"administered|given(?!\s+(?:the\s+)?(?:known|its|their|high|low|poor|limited|potential|lack|"
    r"risk|concerns?)))\b"
)
_STRONG_PRIOR = re.compile(
    r"\b(?:prior|previous\w*|received|pretreated|pre-treated|progress\w*|refractory|resistant|resistance|"
    r"fail\w*|relaps\w*|recurr\w*|exposed|exposure)\b"
)
_FUTURE_CONTEXT = re.compile(
    r"\b(?:eligible\s+(?:for|to)|candidates?\s+for|suitable\s+for|appropriate\s+for|indicated|planned|"
    r"plan\s+to|scheduled|willing|randomi[sz]\w*|assigned|in\s+combination|combined\s+with|"
    r"able\s+to\s+(?:receive|take)|to\s+receive|will\s+receive|"
    r"investigator'?s?\s+choice|physician'?s?\s+choice|recover\w*|toxicit\w*|resolved|adverse|"
    r"to\s+be\s+(?:treated|given|administered)|intent(?:ion)?\s+to\s+treat|intended|planned\s+for)\b"
)
_NOT_A_PRIOR = re.compile(
    word_start_pattern(
        r"\bconcurrent\b|\bconcomitant\b|\bcurrently\s+(?:receiving|taking|on)\b|\bongoing\b"
    )
)
#: Allergy, reaction, dose and pregnancy wording: never a rule about treatment history. Plain
#: words go in a prefix tree, which rejects most positions of a sentence after one character.
_NEVER_A_PRIOR = re.compile(
    word_start_pattern(
        trie_pattern(
            [
                "hypersensitiv",
                "allerg",
                "contraindicat",
                "excipient",
                "cumulative",
                "childbearing",
                "contracept",
                "pregnan",
                "abstinen",
                "sperm",
                "condom",
                "lactat",
                "breastfeeding",
                "breast-feeding",
                "breast feeding",
                "reaction to",
                "reactions to",
                "premedicat",
                "pre-medicat",
            ]
        )
        + r"|d(?<!\wd)oses?\s+of\b"
    )
)
_BRACKETED = re.compile(r"\([^()]*\)")
_NOT_HISTORY = re.compile(
    r"\brecover\w*|\btoxic\w*|\bresolved\b|\bresolution\b|\badverse\b|\bside[\s-]effects?\b"
)
_DEMANDS = re.compile(
    r"\bmust\b|\brequired?\b|\b(?:have|has)\s+(?:\w+\s+)?(?:received|had|completed)\b|"
    r"\bresist\w*|\brelaps\w*|\bprogress\w*|\brefractory\b|\brecurr\w*|\bfail\w*"
)
_SHORT_WASHOUT = re.compile(
    r"\bwithin\s+(?:the\s+)?(?:last\s+|past\s+|previous\s+|prior\s+)?\d+\s*(?:days?|weeks?)\b|"
    r"\b(?:in|during)\s+the\s+(?:last|past|previous|prior|preceding)\s+\d+\s*(?:days?|weeks?)\b|"
    r"(?:<=|<|less\s+than)\s*\d+\s*(?:days?|weeks?)\b|\b\d+\s*(?:days?|weeks?)\s+(?:prior|before)\b"
)
#: What may stand between two drugs of one list ("trastuzumab, pertuzumab, and T-DM1").
_LIST_JOIN = re.compile(r"[\s,/]*(?:and/or|and|or|&|as\s+well\s+as)?[\s,/]*(?:an?\s+|the\s+|prior\s+)?$")
_INDUCED_AFTER = re.compile(r"^\s*-?\s*(?:induced|related|associated|naive\s+cohort)\b")
_FOR_SOME_PATIENTS = re.compile(
    word_start_pattern(r"\bfor\s+(?:patients|participants|subjects|those|women)\s+(?:with|who)\b")
)
_BECAUSE_BEFORE = re.compile(r"(?<!such\s)(?<!well\s)\b(?:as|because|since|given\s+that)\s+$")
_IS_AFTER = re.compile(r"\s+(?:is|are|may|can|could|might|has|have)\b")
_NAIVE_AFTER = re.compile(r"^\s*(?:inhibitors?|therapy|treatment|agents?)?\s*-?\s*(?:na[iï]ve|free)\b")
_AND_BETWEEN = re.compile(r"\band\b|\bplus\b|\bfollowed\s+by\b|\bboth\b")
_ADJUVANT_EXCEPTION = re.compile(r"\b(?:neo)?-?adjuvant\b|\bearly\b|\bcurative\b")
_METASTATIC_SCOPE = re.compile(
    r"\b(?:for|in\s+the|in)\s+(?:the\s+)?(?:\w+\s+){0,3}?(?:metastatic|advanced|recurrent|unresectable|"
    r"inoperable|stage\s+iv)\b"
)


#: History words a title may use. Bare "after" is left out: "Phesgo after induction with Phesgo
#: and a taxane" describes the study's own treatment sequence, not what she must have had.
_TITLE_HISTORY = re.compile(
    word_start_pattern(
        r"\b(?:progress\w*\s+(?:on|after|following|during)(?:\s+or\s+after)?|pretreated|pre-treated|"
        r"previously\s+treated|refractory|resistant|failed|failure\s+of)\b"
    )
)


def _drug_mentions(text: str, literals: set[str] | None = None) -> list[tuple[int, int, str]]:
    """Therapy mentions in reading order; where two patterns overlap the earlier, longer one wins.

    ``literals`` (from ``scan``) narrows the patterns to those whose key words were seen.
    """
    found: list[tuple[int, int, str]] = []
    if literals is not None:
        names: set[str] = set()
        for literal in literals:
            names |= _LITERAL_DRUGS.get(literal, _NO_GROUPS)
        for name in sorted(names, key=_DRUG_ORDER.__getitem__):  # usually one or two patterns
            pattern = _DRUG_PATTERNS[_DRUG_ORDER[name]][2]
            found.extend((m.start(), m.end(), name) for m in pattern.finditer(text))
    else:
        for name, keys, pattern in _DRUG_PATTERNS:
            for key in keys:
                if key in text:
                    found.extend((m.start(), m.end(), name) for m in pattern.finditer(text))
                    break
    if len(found) < 2:
        return found
    found.sort(key=lambda m: (m[0], -m[1]))
    mentions: list[tuple[int, int, str]] = []
    for mention in found:
        if mentions and mention[0] < mentions[-1][1]:
            continue
        mentions.append(mention)
    return mentions


def _factor_for(names: list[str]) -> str:
    expanded: list[str] = []
    for name in names:
        expanded.extend(_SERD_FACTORS if name == "serd" else (name,))
    return PRIOR_PREFIX + "|".join(sorted(set(expanded)))


def read_prior_therapy(
    text: str,
    quote: str,
    kind: Source,
    out: Collector,
    *,
    skip_generic: bool,
    literals: set[str] | None = None,
) -> None:
    """Prior treatments required ("must have progressed on a CDK4/6 inhibitor"), excluded ("no
    prior fulvestrant") or allowed ("prior capecitabine is allowed").

    Washout rules ("no chemotherapy within 3 weeks") and allergy or current-use rules are not about
    treatment history and are skipped. ``skip_generic`` drops "chemotherapy"/"endocrine therapy" in
    sentences already read as a line-of-therapy limit.
    """
    if kind == "title" and not _TITLE_HISTORY.search(text):
        return  # a title names the drugs it tests; only "after X" / "pretreated with X" is history
    if kind not in ("inclusion", "exclusion", "title"):
        return
    mentions = _drug_mentions(text, literals)
    if not mentions:
        return
    if _NEVER_A_PRIOR.search(text):
        return
    if _NOT_A_PRIOR.search(text) and not re.search(r"\bprior\b|\bprevious", text):
        return
    conditional: bool | None = None if kind == "inclusion" else False  # computed when needed
    # Washout windows are read outside brackets: "(allowed if the interval was at least 12 months)"
    # qualifies an exception, not the rule itself.
    unbracketed = _BRACKETED.sub(" ", text) if "(" in text else text
    topo1 = "topoisomerase" in text or "exatecan" in text or "deruxtecan" in text
    in_conjugate = "conjugate" in text or "adc" in text
    washed = _washout_mentions(text, mentions)
    examples = _example_spans(text, mentions) if "(" in text else []
    required: list[tuple[int, int, str]] = []
    previous: tuple[int, Polarity] | None = None  # end and polarity of the last accepted mention
    for index, (start, end, name) in enumerate(mentions):
        if skip_generic and name in _GENERIC_CLASSES:
            continue
        if any(a <= start < b for a, b in examples):
            continue  # "any systemic therapy (e.g. endocrine therapy, CDK4/6 inhibitor)": examples
        if name == "adc" and topo1:
            name = "topo1-adc"
        if name == "chemotherapy" and in_conjugate and text[start:end].startswith("chemotherapeutic"):
            continue
        pre = _pre_window(text, start, 90)
        if "of which" in pre or "which must" in pre:  # "... lines, one of which must include X"
            pre = _pre_window(text, start, 170)
        post = text[end : end + 40]
        if _INDUCED_AFTER.match(post) or _NOT_HISTORY.search(pre):
            continue
        if _IS_AFTER.match(post) and _BECAUSE_BEFORE.search(pre):
            continue  # "... excluded, as paclitaxel is hepatotoxic": a reason, not a rule
        inherited = previous is not None and _LIST_JOIN.match(text, previous[0], start) is not None
        prior_match = last_match(_PRIOR_CONTEXT, pre)
        prior_after = re.match(
            r"^\s*[\w\s/-]{0,30}?\b(?:pretreated|pre-treated|refractory|resistant|"
            r"exposed|experienced|failure|progression)\b",
            post,
        )
        if (
            prior_match is None
            and prior_after is None
            and not _NAIVE_AFTER.match(post)
            and not inherited
        ):
            continue
        future = last_match(_FUTURE_CONTEXT, pre)
        if future is not None and re.search(r"\bone\s+of\s+which\b|\bwhich\s+must\b", pre):
            future = None
        strong = last_match(_TITLE_HISTORY if kind == "title" else _STRONG_PRIOR, pre)
        if future is not None and (strong is None or future.start() > strong.start()) and not inherited:
            continue
        mode = polarity(text, start, end, kind)
        if inherited and previous is not None and mode != "allow":
            mode = previous[1]
        if _NAIVE_AFTER.match(post):
            mode = "exclude" if mode == "require" else "require"
        if name in _GENERIC_CLASSES and _METASTATIC_SCOPE.search(_unbracketed_tail(text, end)):
            continue  # "no prior chemotherapy for metastatic disease" is a line limit
        if index in washed and (
            mode == "exclude"
            or "since" in unbracketed
            or not _STRONG_PRIOR.search(pre)
            or _SHORT_WASHOUT.search(unbracketed)
            # "previous adjuvant hormone therapy > 12 months prior to enrolment": when adjuvant
            # treatment was given, it must have ended long enough ago; nobody is required to have had it
            or ("adjuvant" in pre and not _DEMANDS.search(pre))
        ):
            continue
        if mode == "require" and conditional is None:
            conditional = _CONDITIONAL.search(text) is not None
        if mode == "require" and conditional:
            continue
        if mode == "exclude" and _FOR_SOME_PATIENTS.search(text, end):
            continue  # "no prior chemotherapy for patients with stage I-III disease": not for her
        previous = (end, mode)
        if mode == "allow":
            if not _ADJUVANT_EXCEPTION.search(text[end : end + 80]):
                out.allow(_factor_for([name]), quote, kind)
            continue
        if mode == "exclude":
            out.require(_factor_for([name]), False, quote, kind, _setting_of(text, end, start))
        else:
            required.append((start, end, name))
    if not required:
        return
    setting = _setting_of(text, required[-1][1], required[0][0])
    last_between = text[required[-2][1] : required[-1][0]] if len(required) > 1 else ""
    if _AND_BETWEEN.search(last_between) and " or " not in last_between:
        for _, _, name in required:  # "trastuzumab, pertuzumab and T-DM1": each one is required
            out.require(_factor_for([name]), True, quote, kind, setting)
    else:
        out.require(_factor_for([name for _, _, name in required]), True, quote, kind, setting)


_BOTH_SETTINGS = re.compile(r"adjuvant|\bearly\b|curative|any\s+setting|either\s+setting")


def _setting_of(text: str, end: int, start: int | None = None) -> str:
    """``ADVANCED`` when the therapy is named for advanced disease only ("docetaxel in the
    metastatic setting", "prior treatment in the metastatic setting with X"); empty when the
    setting is open or includes early treatment."""
    tail = _unbracketed_tail(text, end)
    scope = _METASTATIC_SCOPE.search(tail)
    if scope is not None and not _BOTH_SETTINGS.search(tail, 0, scope.end()):
        return ADVANCED_SETTING
    if start is not None:
        before = _pre_window(text, start, 80)
        setting = _SETTING_BEFORE.search(before)
        if setting is not None and not _BOTH_SETTINGS.search(setting.group(0)):
            return ADVANCED_SETTING
    return ""


_SETTING_BEFORE = re.compile(
    r"\b(?:in|for)\s+(?:the\s+)?(?:[a-z/-]+\s+){0,3}?(?:metastatic|advanced)\s+(?:setting|disease)\b"
)


_EXAMPLES_OPEN = re.compile(r"\(\s*(?:e\.?\s?g\.?|eg\b|such\s+as|including|i\.e\.?|for\s+example)")


def _example_spans(text: str, mentions: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """Brackets of examples ("(e.g. ..."") that follow a therapy mention: they illustrate it."""
    spans: list[tuple[int, int]] = []
    for match in _EXAMPLES_OPEN.finditer(text):
        begin = match.start()
        if not any(0 <= begin - end <= 12 for _, end, _ in mentions):
            continue
        close = text.find(")", begin)
        spans.append((begin, len(text) if close == -1 else close))
    return spans


def _unbracketed_tail(text: str, end: int) -> str:
    """The 60 characters after a mention, with bracketed asides left out."""
    tail = text[end : end + 260]
    if "(" in tail or ")" in tail:
        tail = _BRACKETED.sub(" ", tail)
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
        or (
            ("day" in text or "week" in text or "wk" in text or "month" in text or "half" in text)
            and _DIGIT.search(text) is not None
        )
    )


def _washout_mentions(text: str, mentions: list[tuple[int, int, str]]) -> set[int]:
    """Indexes of mentions a washout window ("within 14 days") applies to.

    A window qualifies the drug just before it ("lapatinib within 12 months, neratinib or afatinib")
    and a drug a few words after it ("4 weeks since prior chemotherapy"); one before the first drug
    or after the last qualifies them all.
    Windows inside brackets qualify an exception and are ignored.
    """
    if not mentions or not _may_have_washout(text):
        return set()
    found = [m.start() for m in _WASHOUT.finditer(text)]
    if not found:
        return set()
    brackets = [(m.start(), m.end()) for m in _BRACKETED.finditer(text)] if "(" in text else []
    windows = [w for w in found if not any(a <= w < b for a, b in brackets)]
    if not windows:
        return set()
    first_start, last_end = mentions[0][0], mentions[-1][1]
    if any(w < first_start or w >= last_end for w in windows):
        return set(range(len(mentions)))
    washed: set[int] = set()
    for window in windows:
        before = max(i for i, (_, end, _) in enumerate(mentions) if end <= window)
        washed.add(before)
        after = before + 1
        if after < len(mentions) and mentions[after][0] - window <= 35:  # "4 weeks since prior X"
            washed.add(after)
    return washed


# ---------------------------------------------------------------------------------------------
# Lines of therapy
# ---------------------------------------------------------------------------------------------

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
    r"max(?:imum)?\.?|<=|=<|<|less\s+than|fewer\s+than|at\s+least|a\s+minimum\s+of|minimum\s+of|>=|=>|>|"
    r"more\s+than|greater\s+than|in\s+excess\s+of|exceeding|over)?\s*\(?"
    r"(?<![\w/-])(?P<n>"
    + _NUM
    + r")\)?(?:\s*(?:-|to|or|,?\s*(?:and|but)\s+(?:not|no)\s+more\s+than|and\s+(?:up\s+to|at\s+most))\s*"
    r"(?P<n2>" + _NUM + r"))?\s*"
    r"(?P<tail>or\s+more|or\s+fewer|or\s+less|or\s+greater|\+)?\s+"
    r"(?P<words>(?:[a-z/()-]+\s+){0,4}?)(?P<unit>lines?|regimens?|(?:treatments?|therapy|therapies)(?!\s+(?:lines?|regimens?)\b))\b"
)
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
_PREVIOUSLY_TREATED = re.compile(
    r"\bpreviously[\s-]treated\s+(?:[a-z/+-]+\s+){0,6}?(?:metastatic|advanced|unresectable|recurrent)|"
    r"\b(?:metastatic|advanced)\s+(?:[a-z/+-]+\s+){0,6}?(?:previously[\s-]treated|pretreated|"
    r"pre-treated)\b"
)
_LINE_HINTS = ("line", "regimen", "treatments", "therapies")
_ADVANCED_HINTS = ("metasta", "advanced", "recurrent", "resectable", "operable", "stage iv", "mbc")
_LINE_HINT = hint_pattern(_LINE_HINTS)
_ADVANCED_HINT = hint_pattern(_ADVANCED_HINTS)
_EARLY_SETTING_ONLY = re.compile(word_start_pattern(r"\b(?:neo)?-?adjuvant\b|\bearly\b|\bcurative\b"))
_ADVANCED_WORDS = re.compile(
    r"\b(?:metastatic|advanced|recurrent|unresectable|inoperable|stage\s+iv|mbc)\b"
)


_HAS_NUMBER = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|single)\b")
_IF_CLAUSE = re.compile(r"\bif\b|\bin\s+case\b|\bwhen\b|\bwhere\b")


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


def _line_factor(context: str) -> str:
    chemo = re.search(r"non-?(?:hormonal|endocrine)|chemo|cytotoxic", context)
    endocrine = _ENDOCRINE_LINE_WORDS.search(context)
    if chemo and endocrine and not chemo.group(0).startswith("non"):
        return PRIOR_LINES  # "lines of prior therapy (chemo or hormonal)": either kind counts
    if chemo:
        return CHEMO_LINES
    if endocrine:
        return ENDOCRINE_LINES
    return PRIOR_LINES


#: A cancer of another organ ("non-small cell lung cancer", "glioma"): the reader's and the scope's.
ORGAN = re.compile(
    first_letter_pattern(
        r"\b(?:lung|nsclc|sclc|prostat\w*|pancrea\w*|colorectal|colon|rectal|crc|gastric|stomach|esophag\w*|"
        r"oesophag\w*|hepatocellular|hcc|liver\s+cancer|kidney|renal\s+cell|rcc|bladder|urothelial|ovar\w*|"
        r"cervical|cervix|endometri\w*|uterine|head\s+and\s+neck|hnscc|thyroid|melanoma|skin|glioma|"
        r"glioblastoma|brain\s+tumou?r|lymphoma|leukemi\w*|leukaemi\w*|myeloma|sarcoma|mesothelioma|biliary|"
        r"cholangio\w*|neuroendocrine|testicular|germ\s+cell|myelofibrosis|myelodysplastic|nasopharyn\w*|"
        r"gastro-?esophageal|gej|anal|penile|vulvar|merkel|carcinoid|periampullary|ampullary|duoden\w*|"
        r"giant\s+cell|bone\s+tumou?r|osteo\w*|ewing|wilms|neuroblastoma|retinoblastoma|hepatoblastoma|gist|"
        r"adrenal|thym\w*|appendi\w*|peritoneal|fallopian|bowel|gall\s?bladder|laryn\w*|uveal|"
        r"salivary|oropharyn\w*|hypopharyn\w*|tongue|vagina\w*|hodgkin\w*|abdominal|abdomen|pelvic|pelvis|"
        r"retroperitone\w*|gynecolog\w*|gynaecolog\w*|genitourinary|gastrointestinal|digestive|"
        r"hepatobiliary|cns\s+tumou?r|central\s+nervous\s+system\s+tumou?r|cerebellar|nerve\s+sheath|"
        r"neurofibroma\w*|schwannoma|ependymoma|medulloblastoma|meningioma|astrocytoma|oligodendroglioma|"
        r"dendritic\s+cell|plasmacytoid|mycosis\s+fungoides)s?\b"
    )
)

_NEW_DIAGNOSIS = re.compile(
    r"\b(?:newly|recently)\s+diagnosed\s+(?:with\s+)?(?:an?\s+)?(?:[a-z/+-]+\s+){0,5}?"
    r"(?:breast|cancer|carcinoma|mbc|stage)\b|"
    r"\binitial\s+diagnosis\s+of\s+(?:[a-z/+,-]+\s+){0,6}?(?:breast|cancer|carcinoma|stage)\b"
)
#: "Newly diagnosed or recurrent", "newly diagnosed brain metastases": not a first diagnosis of it.
_NOT_A_FIRST_DIAGNOSIS = re.compile(
    r"\bbrain\b|\bcns\b|lepto|mening|\bor\s+(?:\w+\s+)?(?:recurrent|relapsed|progressive|previously|"
    r"pre-?treated|refractory)"
)


def read_new_diagnosis(text: str, quote: str, kind: Source, out: Collector) -> None:
    """A study of newly diagnosed cancer ("newly diagnosed stage I-IV breast cancer") is not for
    someone already treated for metastatic disease: read as no prior line for advanced cancer."""
    if kind != "inclusion":
        return
    match = _NEW_DIAGNOSIS.search(text)
    if (
        match is None
        or _NOT_A_FIRST_DIAGNOSIS.search(text, match.start())
        or ORGAN.search(match.group(0))
    ):
        return
    if polarity(text, match.start(), match.end(), kind) == "require":
        out.limit(PRIOR_LINES, None, 0, quote, kind)


def read_lines(text: str, quote: str, kind: Source, out: Collector) -> bool:
    """Limits on the number of prior treatment lines for advanced disease.

    Returns whether the sentence was read as a line limit, so the prior-therapy reader does not
    also take "no more than 2 prior chemotherapy regimens" as "must have had chemotherapy".
    """
    has_lines = _LINE_HINT.search(text) is not None
    if not has_lines and not _ADVANCED_HINT.search(text):
        return False
    if not has_lines and ("prior" in text or "previous" in text or "received" in text):
        has_lines = "treatment" in text or "therap" in text  # "0-1 prior treatment"
    found = False
    counted = has_lines and _HAS_NUMBER.search(text) is not None  # every line count has a number
    for match in _LINES.finditer(text) if counted else ():
        n = _number(match.group("n"))
        if n is None or n > 15 or _NOT_LINE_WORDS.search(match.group("words")):
            continue
        if match.group("unit") in ("treatment", "treatments", "therapy", "therapies") and not re.search(
            r"prior|previous|line|systemic|chemo|endocrine", match.group("words")
        ):
            continue
        after = text[match.end() : match.end() + 70]
        context = match.group("words") + " " + after
        if _EARLY_SETTING_ONLY.search(after) and not _ADVANCED_WORDS.search(after):
            continue
        factor = _line_factor(context)
        n2 = _number(match.group("n2"))
        cmp = " ".join((match.group("cmp") or "").split())
        tail = " ".join((match.group("tail") or "").split())
        mode = polarity(text, match.start(), match.end(), kind)
        if mode == "exclude" and kind == "exclusion":
            # "Up to one line ... is allowed" among exclusions: the rest of its own clause says the
            # count is accepted. Text after a full stop or semicolon is another statement.
            later = _CLAUSE_END.split(text[match.end() : match.end() + 120], 1)[0]
            if _ALLOWED_LATER.search(later) and not _NOT_ALLOWED.search(later):
                mode = "allow"
        permitted = mode == "allow"
        if permitted:
            mode = "require"
        if mode == "require" and kind == "inclusion" and _CONDITIONAL.search(text):
            found = True  # "HR-positive patients must have had one endocrine line": not everyone
            continue
        low: int | None = None
        high: int | None = None
        if mode == "require":
            if n2 is not None and n2 >= n:
                low, high = n, n2
            elif cmp in (
                "no more than",
                "not more than",
                "up to",
                "at most",
                "a maximum of",
                "maximum of",
                "max",
                "max.",
                "maximum",
                "<=",
                "=<",
            ) or tail in ("or fewer", "or less"):
                high = n
            elif cmp in ("<", "less than", "fewer than"):
                high = n - 1
            elif cmp in (">", "more than", "greater than", "in excess of", "exceeding", "over"):
                low = n + 1
            elif permitted and not cmp and not tail:
                high = n  # "may have received one prior regimen": up to one, none is fine too
            else:
                low = n
        else:
            if n2 is not None and n2 >= n:
                high = n - 1
            elif cmp in ("<", "less than", "fewer than"):
                low = n
            elif cmp in ("no more than", "not more than", "up to", "at most", "<=", "=<") or tail in (
                "or fewer",
                "or less",
            ):
                low = n + 1
            elif cmp in (">", "more than", "greater than", "in excess of", "exceeding", "over"):
                high = n
            else:
                high = n - 1
        any_setting = low is not None and not _ADVANCED_WORDS.search(text)
        out.limit(factor, low, high, quote, kind, any_setting=any_setting)
        found = True
    if not found and "line" in text:
        for match in _ORDINAL_LINE.finditer(text):
            word = match.group("ord")
            if _EITHER_WAY.match(text, match.end()):
                continue  # "anti-HER2 treatment as first-line or not": either is accepted
            pre = text[max(0, match.start() - 60) : match.start()]
            if _APPROVAL.search(pre):
                continue  # "FDA approval of pertuzumab for first-line treatment": a drug's label
            if kind == "inclusion" and _IF_BEFORE.search(_pre_window(text, match.start(), 140)):
                continue  # "if tumor is triple-negative, ... first-line ...": one group's plan
            if word == "later":
                out.limit(PRIOR_LINES, 1, None, quote, kind)
            elif word in ("first", "1st"):
                if kind == "exclusion":
                    continue
                if re.search(r"progress\w*|after|following|prior|previous|received|failure|failed", pre):
                    out.limit(PRIOR_LINES, 1, None, quote, kind)
                elif polarity(text, match.start(), match.end(), kind) == "require":
                    out.limit(PRIOR_LINES, 0, 0, quote, kind)
            else:
                lines_before = _ORDINALS[word] - 1
                upper = None if match.group("later") else lines_before
                if re.search(r"\b(?:first|1st)\s+(?:or|and|/)\s*$", pre):
                    lines_before = 0
                if kind != "exclusion":
                    out.limit(PRIOR_LINES, lines_before, upper, quote, kind)
            found = True
    advanced = _ADVANCED_HINT.search(text) is not None
    if not advanced:
        return found
    untreated = "untreated" in text or "naive" in text or "no prior" in text
    if not found and kind != "exclusion" and untreated and _UNTREATED_ADVANCED.search(text):
        out.limit(PRIOR_LINES, None, 0, quote, kind)
        found = True
    if not found and any(word in text for word in ("prior", "previous", "any", "received", "had")):
        plain = _BRACKETED.sub(" ", text) if "(" in text else text
        advanced_match = _NO_PRIOR_FOR_ADVANCED.search(plain)
        if advanced_match is not None:
            text = plain  # "any systemic therapy (e.g. ET, chemotherapy) in the metastatic setting"
        if advanced_match is not None and any(
            name not in _GENERIC_CLASSES and name != "immunotherapy"
            for _, _, name in _drug_mentions(text[advanced_match.start() : advanced_match.end() + 40])
        ):
            advanced_match = None
        if advanced_match is not None and not any(
            advanced_match.start() - 40 <= w.start() <= advanced_match.end() + 40
            for w in _WASHOUT.finditer(text)
        ):
            match = advanced_match
            factor = _line_factor(re.split(r"\(|e\.g\.|such\s+as|including", match.group(0))[0])
            mode = polarity(text, match.start(), match.start() + 5, kind)
            if match.group(0).startswith(("not", "never")):  # "who have not received chemotherapy"
                mode = "exclude" if mode == "require" else "allow"
            if mode == "exclude":
                if not _EXCEPTION.search(text[match.start() : match.end()]):
                    out.limit(factor, None, 0, quote, kind)
                    found = True
            elif (
                mode == "require"
                and kind == "inclusion"
                and not _IF_CLAUSE.search(_pre_window(text, match.start(), 60) + match.group(0))
            ):
                # not "If subjects received prior chemotherapy for metastatic disease, ..."
                out.limit(factor, 1, None, quote, kind)
                found = True
    if not found and kind != "exclusion" and "treated" in text and _PREVIOUSLY_TREATED.search(text):
        out.limit(PRIOR_LINES, 1, None, quote, kind)
        found = True
    return found


# ---------------------------------------------------------------------------------------------
# Biomarkers
# ---------------------------------------------------------------------------------------------

_MUTATION = (
    r"(?:mutat\w*|alteration\w*|altered|variants?|activating|positive|-?mutant|carriers?|"
    r"pathogenic|deleterious|gbrcam|\bm\b)"
)
_BIOMARKERS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    (
        "pik3ca",
        re.compile(
            r"\bpik3ca\b[\w\s/-]{0,40}?" + _MUTATION + r"|" + _MUTATION + r"[\w\s/-]{0,25}?\bpik3ca\b|"
            r"\bpik3ca[\s-]*(?:mutated|mutant|m\b|positive)"
        ),
        "pik3ca",
    ),
    (
        "esr1",
        re.compile(
            r"\besr1\b[\w\s/-]{0,30}?" + _MUTATION + r"|" + _MUTATION + r"[\w\s/-]{0,25}?\besr1\b|"
            r"\besr1m\b|\besr1[\s-]*(?:mutated|mutant|positive)"
        ),
        "esr1",
    ),
    (
        "brca",
        re.compile(
            r"\bg?brca[12]?(?:/2|\s*1\s*(?:/|or|and/or|and)\s*2)?\b[\w\s/-]{0,40}?"
            + _MUTATION
            + r"|"
            + _MUTATION
            + r"[\w\s/-]{0,30}?\bg?brca\w*|\bg?brcam\b|\bg?brca[12]?[\s-]*(?:mutated|mutant|"
            r"positive|associated)"
        ),
        "brca",
    ),
    (
        "pd-l1",
        re.compile(
            r"\bpd-?l1\b[\w\s()/-]{0,30}?(?:positiv\w*|express\w*|>=|>|score|cps|tps|status\s+of)|"
            r"\bcps\s*(?:score\s*)?(?:>=|>|of|=)\s*\d+|\bcombined\s+positive\s+score\s*(?:\(cps\)\s*)?"
            r"(?:>=|>|of)\s*\d+|\bpd-?l1[\s-]*(?:positive|negative|high|low)"
        ),
        "pd-l1",
    ),
)
_BIOMARKER_HINTS = ("pik3ca", "esr1", "brca", "pd-l1", "pdl1", "cps", "combined positive")
_BIOMARKER_NOT_REQUIRED = re.compile(
    r"\bregardless\b|\birrespective\b|\bknown\s+or\s+unknown\b|\bor\s+(?:wild|unknown|not)\b|"
    r"\bnot\s+(?:required|necessary|mandatory|needed)\b|\boptional\b|\bstratif\w*|\banaly[sz]\w*|"
    r"\bmutation(?:al)?\s+status\b|\bstatus\s+(?:will|must|should|to)\s+be\b|\bavailab\w*\s+(?:of|for)\b|\bprovi\w*\s+"
    r"(?:a\s+|an\s+)?(?:tumou?r|tissue|blood|sample|specimen)|\bsamples?\b|\btesting\b|\bto\s+be\s+tested\b"
)
_BIOMARKER_NEGATIVE = re.compile(
    r"\bwild[\s-]*type\b|\bwt\b|\bnon-?mutat\w*|\bnegative\b|\bcps\s*<|\bpd-?l1\s*<|\bno\s+(?:known\s+)?"
    r"(?:\w+\s+){0,2}?(?:mutation|alteration)"
)
_ANTI_PD = re.compile(r"\banti-?pd|\bpd-?l?1\s+(?:inhibitor|blockade|antibod|directed|targeted|therap)")


def read_biomarkers(text: str, quote: str, kind: Source, out: Collector) -> None:
    """PIK3CA, ESR1, germline BRCA1/2 and PD-L1 required or excluded."""
    if kind not in ("inclusion", "exclusion", "title"):
        return
    for name, pattern, marker in _BIOMARKERS:
        if name.replace("-", "") not in text.replace("-", "") and not (
            name == "pd-l1" and "cps" in text
        ):
            continue
        match = pattern.search(text)
        if match is None or _BIOMARKER_NOT_REQUIRED.search(text):
            continue
        if (
            name == "pd-l1"
            and _ANTI_PD.search(text)
            and not re.search(r"cps|score|express|positive", text)
        ):
            continue
        mode = polarity(text, match.start(), match.end(), kind)
        if kind == "title":
            if _TITLE_TOPIC.search(text, 0, match.start()):
                continue  # "A Study of PIK3CA Mutations and Outcomes": the topic, not a rule
            mode = "require"
        if _BIOMARKER_NEGATIVE.search(text[max(0, match.start() - 30) : match.end() + 30]):
            mode = "exclude" if mode == "require" else "require" if mode == "exclude" else mode
        if mode == "allow":
            continue
        out.require(BIOMARKER_PREFIX + marker, mode == "require", quote, kind)


_GENE = re.compile(
    r"\b(?:[knh]-?ras|ras|braf|raf|mek[12]?|erk[12]?|mapk|egfr|alk|ros1|ret|met|ntrk[123]?|fgfr[1-4]?|"
    r"akt1|pten|idh[12]?|nrg1|kit|pdgfra|cdk12|atm|palb2|chek2|nf1|tp53|stk11|keap1|mtap|cdkn2a|"
    r"arid1a|erbb2|her2|msi-?h|dmmr|mmr|tmb(?:-h)?|hrd|hrr)\b|\bmicrosatellite[\s-]instab\w*|"
    r"\bmismatch[\s-]repair|\btumou?r\s+mutational\s+burden|\bhomologous\s+recombination|"
    r"\bdna\s+(?:damage\s+)?repair"
)
_GENE_CHANGE = re.compile(
    r"\b(?:mutat\w*|mutant|alteration\w*|altered|amplif\w*|fusions?|rearrang\w*|deficien\w*|"
    r"activating|variants?|v600\w*|g12\w*|high|instab\w*|positive|positivity)\b"
)
_GENE_HINTS = (
    "positivity",
    "mutat",
    "mutant",
    "alteration",
    "altered",
    "fusion",
    "rearrang",
    "microsatellite",
    "mismatch",
    "mutational",
    "msi-h",
    "dmmr",
    "v600",
)
_OWN_MARKERS = re.compile(r"pik3ca|esr1|brca|pd-?l1")
_WITH_OR_WITHOUT = re.compile(r"\bwith\s+(?:and|or|and/or)\s+without\b|\bregardless\b|\birrespective\b")


def read_gene_change(text: str, quote: str, kind: Source, out: Collector) -> None:
    """A tumor gene change outside the profile's vocabulary required for entry ("KRAS G12C
    mutation", "MAPK pathway alteration", "MSI-high"): always a question, never a fit."""
    if kind not in ("inclusion", "title") or _OWN_MARKERS.search(text):
        return
    if _BIOMARKER_NOT_REQUIRED.search(text) or (kind == "inclusion" and _CONDITIONAL.search(text)):
        return
    if _WITH_OR_WITHOUT.search(text):
        return
    for match in _GENE.finditer(text):
        gene = match.group(0)
        window = text[match.end() : match.end() + 40]
        change = _GENE_CHANGE.search(window) or _GENE_CHANGE.search(
            text, max(0, match.start() - 30), match.start()
        )
        if change is None:
            continue
        if gene in ("her2", "erbb2") and not change.group(0).startswith("mutat"):
            continue  # HER2 amplification or positivity is the subtype, read elsewhere
        if _BIOMARKER_NEGATIVE.search(text[max(0, match.start() - 30) : match.end() + 30]):
            continue
        if re.search(r"\bif\b", _pre_window(text, match.start(), 60)):
            continue  # "any histology if known to be MSI-high": one route among others
        if kind == "title" and _TITLE_TOPIC.search(text, 0, match.start()):
            continue
        if kind == "inclusion" and polarity(text, match.start(), match.end(), kind) != "require":
            continue
        out.require(BIOMARKER_PREFIX + GENE_CHANGE, True, quote, kind, gene)
        return


_PROFILING = re.compile(
    word_start_pattern(
        r"\bngs\b|\bnext[\s-]generation\s+sequencing|\b(?:comprehensive\s+)?genomic\s+(?:profil\w*|testing|"
        r"sequencing|test)|\bmolecular\s+profil\w*|\btumou?r\s+(?:genomic\s+)?profil\w*"
    )
)
_PROFILING_DONE = re.compile(
    r"\b(?:undergone|underwent|had|received|completed|documented|available|results?\s+(?:of|from)|"
    r"profiled)\b"
)
_PROFILING_OPEN = re.compile(
    r"\b(?:willing|consent\w*|agree\w*|optional|encouraged|will\s+be|to\s+be|not\s+required|may\s+be|"
    r"can\s+be|if\s+available|if\s+feasible)\b"
)
_PROFILING_HINTS = ("ngs", "sequencing", "genomic", "profil")


def read_profiling(text: str, quote: str, kind: Source, out: Collector) -> None:
    """A tumor genomic test (NGS) already done is required: a fact no profile records."""
    if kind != "inclusion":
        return
    match = _PROFILING.search(text)
    if match is None or _PROFILING_OPEN.search(text):
        return
    if _PROFILING_DONE.search(text) and polarity(text, match.start(), match.end(), kind) == "require":
        out.require(GENOMIC_TEST, True, quote, kind)


# ---------------------------------------------------------------------------------------------
# Menopausal status, men, performance status
# ---------------------------------------------------------------------------------------------

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


def read_menopause_and_sex(text: str, quote: str, kind: Source, out: Collector) -> None:
    """Menopause cues (reconciled later across the whole trial) and explicit acceptance of men."""
    if kind in ("inclusion", "title") and (" men" in text or "male" in text or text.startswith("men")):
        match = _MALE.search(text)
        if (
            match is not None
            and polarity(text, match.start(), match.end(), "inclusion") != "exclude"
            and not _REPRODUCTIVE.search(text)
        ):
            out.allow(ALLOW_MALE, quote, kind)
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


_ECOG = re.compile(
    r"\b(?:ecog|eastern\s+cooperative\s+oncology\s+group|who\s+(?:performance|ps)|world\s+health\s+organi[sz]ation|"
    r"zubrod|performance\s+status|\bps)\b"
    r"(?:\s*\([^()0-9]{0,60}\))?"  # "ECOG (Eastern Cooperative Group) performance score of 0 or 1"
    r"[^0-9;.]{0,45}?(?P<cmp><=|=<|<|>=|=>|>|less\s+than|greater\s+than|more\s+than|at\s+most|up\s+to|"
    r"no\s+more\s+than|of|=|:|is)?\s*(?P<nums>[0-4](?:\s*(?:-|to|or|,|and|/)\s*(?:or\s+)?[0-4])*)\b(?!\s*%)"
    r"(?P<tail>\s*or\s+(?:less|lower|better|below|higher|more|greater|worse))?"
)
_KPS = re.compile(
    r"\b(?:karnofsky|kps|lansky)\b[^0-9;.]{0,45}?(?P<cmp><=|=<|<|>=|=>|>|at\s+least|greater\s+than|"
    r"more\s+than|of|=|:|less\s+than)?\s*(?P<n>\d{2,3})\s*%?(?:\s*(?:-|to)\s*(?P<n2>\d{2,3}))?"
    r"(?P<tail>\s*%?\s*or\s+(?:more|higher|greater|above|less|lower))?"
)


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


def read_performance(text: str, quote: str, kind: Source, out: Collector) -> None:
    """ECOG (or WHO, Zubrod) range; Karnofsky scores mapped to ECOG."""
    if kind not in ("inclusion", "exclusion"):
        return
    match = _ECOG.search(text)
    if match is not None:
        nums = [int(d) for d in re.findall(r"[0-4]", match.group("nums"))]
        cmp = " ".join((match.group("cmp") or "").split())
        tail = (match.group("tail") or "").strip()
        mode = polarity(text, match.start(), match.end(), kind)
        low, high = min(nums), max(nums)
        if len(nums) == 1:
            n = nums[0]
            if cmp in ("<=", "=<", "at most", "up to", "no more than") or re.search(
                r"less|lower|better|below", tail
            ):
                low, high = 0, n
            elif cmp in ("<", "less than"):
                low, high = 0, n - 1
            elif cmp in (">=", "=>") or re.search(r"higher|more|greater|worse", tail):
                low, high = n, 4
            elif cmp in (">", "greater than", "more than"):
                low, high = n + 1, 4
            else:
                low, high = (0, n) if mode == "require" else (n, 4)
        if mode == "exclude":
            if low == 0 and high < 4:
                out.limit(ECOG, high + 1, None, quote, kind)
            elif low > 0:
                out.limit(ECOG, None, low - 1, quote, kind)
        elif mode == "require":
            out.limit(ECOG, low if low > 0 else None, high, quote, kind)
        return
    kps = _KPS.search(text)
    if kps is None:
        return
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
        out.limit(ECOG, None, _ecog_from_kps(minimum), quote, kind)
    elif mode == "require" and not below:
        minimum = min(n, n2) if n2 is not None else n
        if cmp in (">", "greater than", "more than"):
            minimum = n + 10
        out.limit(ECOG, None, _ecog_from_kps(minimum), quote, kind)


# ---------------------------------------------------------------------------------------------
# Disease setting cues and breast mentions
# ---------------------------------------------------------------------------------------------

_METASTATIC = re.compile(
    # Each word boundary is checked just after the first letter ("m(?<!\wm)bc" is "\bmbc"), so the
    # engine skips positions by first character; a leading "\b" would prevent that.
    r"o(?<!\wo)(?<!non-o)ligo-?metasta(?:tic|ses|sis|size\w*)\b|m(?<!\wm)(?:(?<!non-m)etasta(?:tic|"
    r"ses|sis|size\w*)\b|bc\b|1\b)|s(?<!\ws)tage\s*(?:iv|4)\b|u(?<!\wu)nresectable\b|"
    r"i(?<!\wi)noperable\b|a(?<!\wa)(?:(?<!locally\sa)dvanced|bc)\b|n(?<!\wn)ot\s+amenable\s+to\s+"
    r"(?:curative|local)|d(?<!\wd)(?:e\s+novo\s+stage|istant\s+(?:recurrence|relapse|disease))"
)
#: Words before "metastases" that make it regional spread (stage II-III), not distant disease.
_NODAL_BEFORE = re.compile(
    r"\b(?:axillary|axilla|nodal|lymph[\s-]?nodes?|nodes?|regional|sentinel|ipsilateral|"
    r"supraclavicular|infraclavicular|internal\s+mammary)\s+(?:lymph\s+)?(?:nodes?\s+)?(?:\w+\s+)?$"
)
_NODAL_AFTER = re.compile(
    r"\s*(?:(?:disease|spread|involvement|deposits?)\s+)?(?:to|in|of|within|involving)\s+(?:the\s+)?"
    r"(?:(?:\d+|one|two|three|four)(?:\s*(?:-|to|or)\s*\d+)?(?:\s+or\s+more)?\s+|"
    r"more\s+than\s+\d+\s+)?"
    r"(?:(?:ipsilateral|regional|axillary)\s+)*(?:axilla|axillary|lymph|nodes?|regional|"
    r"(?:supra|infra)clavicular|internal\s+mammary)\b|"
    r"\s+(?:(?:axillary|regional|ipsilateral)\s+)*(?:lymph[\s-]?)?nodes?\b|\s+axillary\b|"
    r"\s*(?:(?:greater|larger|smaller|less|more)\s+than|>|<|>=|<=)\s*\d+(?:\.\d+)?\s*mm\b"
)


def is_nodal(text: str, start: int, end: int) -> bool:
    """Whether the "metastases" at ``text[start:end]`` means spread to nearby lymph nodes.

    "Axillary metastases" or "metastatic lymph nodes" describe stage II-III cancer that can still
    be operated on, not cancer that has spread to distant organs.
    """
    return (
        _NODAL_BEFORE.search(text, max(0, start - 40), start) is not None
        or _NODAL_AFTER.match(text, end) is not None
    )


def distant_metastasis(text: str) -> re.Match[str] | None:
    """The first mention of advanced or metastatic disease that is not only nodal spread."""
    match = _METASTATIC.search(text)
    while match is not None:
        if not match.group(0).startswith(("metasta", "oligo")) or not is_nodal(
            text, match.start(), match.end()
        ):
            return match
        match = _METASTATIC.search(text, match.end())
    return None


_LOCALLY_ADVANCED = re.compile(
    word_start_pattern(r"\blocally[\s-]+advanced\b|\blocally[\s-]+recurrent\b|\brecurrent\b")
)
_EARLY = re.compile(
    r"\bnon-?metastatic\b|\bm0\b|\bearly[\s-]+stage\b|\bearly\s+(?:her2\S*\s+|hr\S*\s+|triple\S*\s+)?"
    r"breast\s+cancer\b|\bebc\b|\boperable\b|\bresectable\b|\bductal\s+carcinoma\s+in\s+situ\b|\bdcis\b|"
    r"\bcandidates?\s+for\s+(?:breast\s+)?surgery|\b(?:scheduled|planned|undergo\w*)\s+(?:for\s+|to\s+)?"
    r"(?:breast\s+)?(?:surgery|mastectomy|lumpectomy|resection)|\bneo-?adjuvant\b|\bhigh[\s-]risk\s+of\s+"
    r"developing|\bstage\s*(?:0|i{1,3}[abc]?|[123][abc]?)\b(?:\s*(?:-|to|or|,|and|/)\s*(?:stage\s*)?"
    r"(?:i{1,3}[abc]?|[123][abc]?)\b)*(?!\s*(?:-|to|or|,|and|/)\s*(?:stage\s*)?(?:iv|4))"
)
_TNM_EARLY = re.compile(
    r"\b[cpy]?t(?:is|[0-4])[a-d]?\b(?:\s*(?:-|to|or|,)\s*t?[0-4][a-d]?\b)*[^.;]{0,60}?\b[cpy]?n[0-3][a-c]?\b"
)
_IN_SITU = frozenset({"dcis", "ductal carcinoma in situ"})
_INVASIVE_OR_IN_SITU = re.compile(
    r"(?<!non-)(?<!non)\binvasive\b[^.;]{0,80}?(?:\bor|\band|,)\s+(?:[\w()-]+\s+){0,3}?(?:non-?invasive|"
    r"\(?dcis\b|(?:ductal\s+|lobular\s+)?carcinoma\s+in\s+situ|in\s+situ)|"
    r"\b(?:dcis|in\s+situ)\b[^.;]{0,40}?\b(?:or|and)\s+(?:\w+\s+){0,2}?invasive\b"
)


def invasive_or_in_situ(text: str) -> bool:
    """Whether carcinoma in situ is named beside invasive cancer as an alternative ("invasive
    breast cancer or DCIS"), which takes any breast cancer rather than only early disease."""
    return "invasive" in text and _INVASIVE_OR_IN_SITU.search(text) is not None


_HISTORY_CONTEXT = re.compile(
    r"\b(?:prior|previous\w*|history|relaps\w*|recurr\w*|progress\w*|completed|received|after|"
    r"following|diagnosed\s+with|initially|original|primary\s+diagnosis)\b"
)
_RECURRENT_BESIDE = re.compile(r"^(?:recurrent|relapsed)\s*(?:(?:or|and/or|and|/|,)\s*)?$")


def _in_history(text: str, start: int) -> bool:
    """Whether the advanced-disease word at ``start`` names past events ("history of metastatic
    disease"), not the disease she has now; "recurrent or metastatic" is the disease now."""
    pre = text[max(0, start - 40) : start]
    history = last_match(_HISTORY_CONTEXT, pre)
    if history is None:
        return False
    if _RECURRENT_BESIDE.match(pre[history.start() :]):
        return _HISTORY_CONTEXT.search(pre, 0, history.start()) is not None
    return True


_SITE_WORDS = re.compile(
    r"\b(?:brain|cns|central\s+nervous|leptomening\w*|liver|hepatic|bone|lung|visceral|spinal|meningeal|"
    r"symptomatic|uncontrolled|active|untreated|intracranial|cerebral|known|untreatable)\b"
)
_THERAPY_CONTEXT = re.compile(
    r"therap|treatment|chemo|\bline|regimen|setting|received|prior|previous|malignan|another|"
    r"second\s+primary|other\s+(?:primary|cancer)|biopsy|lesion"
)
#: Breast cancer named in a text (also "mbc", "tnbc", "mtnbc").
BREAST = re.compile(word_start_pattern(r"\bbreast\b|\bmammary\b|\bm?tnbc\b|\bmbc\b"))


_METASTATIC_HINTS = (
    "metasta",
    "stage",
    "resectable",
    "operable",
    "advanced",
    "mbc",
    "abc",
    "m1",
    "amenable",
    "de novo",
    "distant",
    "recurrent",
)
_EARLY_HINTS = (
    "non-metasta",
    "nonmetasta",
    "non metasta",
    "m0",
    "early",
    "ebc",
    "operable",
    "resectable",
    "situ",
    "dcis",
    "surgery",
    "mastectomy",
    "lumpectomy",
    "resection",
    "adjuvant",
    "risk",
    "stage",
)


_ANY_STAGE = re.compile(
    r"\b(?:any|all|every)\s+(?:disease\s+)?stages?\b|\bregardless\s+of\s+(?:disease\s+)?stage\b|"
    r"\bstages?\s+(?:0|i|1)\s*(?:-|to|through|and)\s*(?:iv|4)\b"
)
_STAGE_ID = r"(?:0|i{1,3}[abc]?|iv|[1-4][abc]?)\b"
#: A whole list of stages, read greedily: "stage I, II, III or IV", "stages IIIB-IV".
_STAGE_LIST = re.compile(
    word_start_pattern(
        r"\bstages?\s*"
        + _STAGE_ID
        + r"(?:\s*(?:-|to|through|or|,|and|and/or|/|&)\s*(?:stage\s*)?"
        + _STAGE_ID
        + r")+"
    )
)
_STAGE_TOKEN = re.compile(r"(?<=[\s,/&-])" + _STAGE_ID + r"|(?<=stage)" + _STAGE_ID)


def _stages_span_both(text: str) -> bool:
    """Whether a list of stages runs from operable stages (0-III) to stage IV."""
    for match in _STAGE_LIST.finditer(text):
        tokens = {t.group(0) for t in _STAGE_TOKEN.finditer(match.group(0))}
        if tokens & {"iv", "4"} and tokens - {"iv", "4"}:
            return True
    return False


def read_setting(
    text: str,
    quote: str,
    kind: Source,
    out: Collector,
    *,
    metastatic_words: bool = True,
    early_words: bool = True,
) -> None:
    """Cues for metastatic versus early (curative, pre-operative, screening) disease."""
    if kind == "inclusion" and "stage" in text and (_ANY_STAGE.search(text) or _stages_span_both(text)):
        # "Breast cancer of any stage": both settings, so the study is open to her.
        out.setting.append(SettingCue("metastatic", trim_quote(quote), kind))
        out.setting.append(SettingCue("early", trim_quote(quote), kind))
        return
    if kind == "inclusion":
        metastatic = distant_metastasis(text) if metastatic_words else None
        if metastatic is not None:
            mode = polarity(text, metastatic.start(), metastatic.end(), kind)
            if mode == "require" and not _in_history(text, metastatic.start()):
                out.setting.append(SettingCue("metastatic", trim_quote(quote), kind))
            elif (
                mode == "exclude"
                and not _SITE_WORDS.search(text[max(0, metastatic.start() - 40) : metastatic.end() + 15])
                and not _THERAPY_CONTEXT.search(text)
            ):
                out.setting.append(SettingCue("early_strong", trim_quote(quote), kind))
        elif _LOCALLY_ADVANCED.search(text) and not _HISTORY_CONTEXT.search(text):
            out.setting.append(SettingCue("locally_advanced", trim_quote(quote), kind))
        early = _EARLY.search(text) if early_words else None
        if early is not None and early.group(0) in _IN_SITU and invasive_or_in_situ(text):
            # "invasive breast cancer or DCIS" takes any breast cancer, not only early disease
            early = next((m for m in _EARLY.finditer(text) if m.group(0) not in _IN_SITU), None)
        if early is None and early_words and "m1" not in text:
            early = _TNM_EARLY.search(text)  # "T1-2 N0-1": tumour and node stages of operable cancer
        if (
            early is not None
            and not _HISTORY_CONTEXT.search(text)
            and polarity(text, early.start(), early.end(), kind) == "require"
        ):
            strong = early.group(0).startswith(("non", "m0"))
            out.setting.append(
                SettingCue("early_strong" if strong else "early", trim_quote(quote), kind)
            )
    elif kind == "exclusion":
        metastatic = distant_metastasis(text) if metastatic_words else None
        if metastatic is None or "locally" in text[max(0, metastatic.start() - 10) : metastatic.start()]:
            return
        window = text[max(0, metastatic.start() - 40) : metastatic.end() + 25]
        if _SITE_WORDS.search(window) or _THERAPY_CONTEXT.search(text):
            return
        if polarity(text, metastatic.start(), metastatic.end(), kind) == "exclude":
            out.setting.append(SettingCue("early_strong", trim_quote(quote), kind))


def read_breast_mention(text: str, quote: str, kind: Source, out: Collector) -> None:
    """Whether the criteria name breast cancer positively (a pan-tumor trial that takes it)."""
    if kind not in ("inclusion", "exclusion") or ("breast" not in text and "mammary" not in text):
        return
    match = BREAST.search(text)
    if match is None or re.search(r"breast[\s-]?feeding|nursing", text):
        return
    mode = polarity(text, match.start(), match.end(), kind)
    if mode == "exclude" and _receptor_mentions(text[max(0, match.start() - 40) : match.start()]):
        return  # "excluding HER2-positive breast cancer" turns one subtype away, read as a receptor rule
    out.breast_mentions.append((mode, trim_quote(quote)))


# ---------------------------------------------------------------------------------------------
# How long after early-stage treatment the cancer came back
# ---------------------------------------------------------------------------------------------

_TIME_AMOUNT = r"\d+\s*(?:months?|years?|mo\b|yrs?\b)"
_RELAPSE_INTERVAL = re.compile(
    r"\b(?:disease[\s-]free\s+interval|dfi)\b[^;]{0,40}?\d|"
    r"\b(?:relaps\w*|recurr\w*|recurrence|progress\w*|metastatic\s+(?:disease|diagnosis|recurrence)|"
    r"diagnosis\s+of\s+(?:metasta\w*|advanced))[^;]{0,80}?\b(?:within|after|during|>|>=|<|<=|more\s+than|"
    r"less\s+than|at\s+least|greater\s+than|beyond)\b[^;]{0,40}?"
    + _TIME_AMOUNT
    + r"|"
    + _TIME_AMOUNT
    + r"[^;]{0,80}?\b(?:between|since|after|from|elapsed)\b[^;]{0,80}?\b(?:adjuvant|curative|completion|"
    r"last\s+dose|early)"
)
_EARLY_TREATMENT = re.compile(
    word_start_pattern(
        r"\b(?:neo)?-?adjuvant\b|\(neo\)adjuvant|\bcurative\b|\bearly[\s-]stage\b|\bearly\s+breast|"
        r"\bdisease[\s-]free\s+interval|\bdfi\b|\bcompletion\s+of\s+(?:primary|local|definitive)"
    )
)
_INTERVAL_HINTS = (
    "relaps",
    "recurr",
    "elapsed",
    "disease-free",
    "disease free",
    "dfi",
    "interval",
    "completion",
    "completing",
)


def read_relapse_interval(text: str, quote: str, kind: Source, out: Collector) -> None:
    """A rule on the time between early-stage treatment and relapse ("recurrence within 12 months
    of adjuvant endocrine therapy", "disease-free interval of at least 6 months").

    No profile records dates, so the verdict turns it into a question for someone whose earlier
    treatment was early-stage. ``detail`` names the treatment class when the rule names one.
    """
    if kind not in ("inclusion", "exclusion"):
        return
    if not any(word in text for word in ("month", "year", "yr", "mo ", "dfi", "free interval")):
        return  # no time span, no interval rule
    if not _EARLY_TREATMENT.search(text) or _RELAPSE_INTERVAL.search(text) is None:
        return
    names = sorted({name for _, _, name in _drug_mentions(text) if name in _INTERVAL_CLASSES})
    out.require(RELAPSE_INTERVAL, True, quote, kind, "|".join(names))


_INTERVAL_CLASSES = frozenset(
    {
        "endocrine",
        "chemotherapy",
        "cdk4/6-inhibitor",
        "aromatase-inhibitor",
        "tamoxifen",
        "taxane",
        "anthracycline",
        "trastuzumab",
        "her2-directed",
        "immunotherapy",
        "platinum",
    }
)


# ---------------------------------------------------------------------------------------------
# "Refractory to standard therapy" / "no standard therapy exists" (pan-tumor trials)
# ---------------------------------------------------------------------------------------------

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
    + r"\b|\b(?:therap\w*|treatments?)\s+(?:of|with)\s+(?:proven|known|established)\s+"
    r"(?:clinical\s+)?(?:benefit|efficacy|value)"
)
_REFRACTORY_TUMOR = re.compile(
    word_start_pattern(
        r"(?<![-/])\b(?:relapsed\s*(?:/|or|and/or)\s*)?refractory\s+(?:(?:advanced|metastatic|solid|"
        r"malignant|recurrent|relapsed|unresectable|locally|or|and|/|,)\s*){0,5}(?:tumou?rs?|"
        r"malignan\w*|cancers?|neoplasms?|carcinomas?|disease)\b"
    )
)
_THERAPY_CLASS_BEFORE = re.compile(
    r"(?:endocrine|hormon\w*|platinum|chemo\w*|taxane|trastuzumab|her2|cdk4/6|anthracycline|"
    r"tamoxifen|immuno\w*|treatment|therapy)[\s-]*$"
)
_STD_FAILED = re.compile(
    r"\b(?:fail\w*|refractory|resistan\w*|intoleran\w*|progress\w*|relaps\w*|recurr\w*|after|"
    r"following|despite|previously\s+treated|received|receiving|treated\s+with)\b"
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
_STD_HINTS = (
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
)


def _standard_flags(pre: str, post: str) -> set[str]:
    flags: set[str] = set()
    if _STD_FAILED.search(pre):
        flags.add(STANDARD_FAILED)
    if _STD_OPTIONAL.search(pre) or _STD_OPTIONAL.search(post):
        flags.add(STANDARD_OPTIONAL)
    if _STD_NONE.search(pre) or _STD_NONE.search(post):
        flags.add(STANDARD_NONE)
    return flags


def read_standard_therapy(text: str, quote: str, kind: Source, out: Collector) -> None:
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
        if not _THERAPY_CLASS_BEFORE.search(text[max(0, match.start() - 24) : match.start()]):
            flags.add(STANDARD_FAILED)
    if kind == "inclusion":
        previous_end = 0
        matches = list(_STD_PHRASE.finditer(text))
        for index, match in enumerate(matches):
            phrase = match.group(0)
            if "curative" in phrase and "standard" not in phrase:
                continue  # "no available curative therapy": true of any metastatic breast cancer
            start = max(previous_end, match.start() - 70)
            pre = _pre_window(text, match.start(), match.start() - start)
            following = matches[index + 1].start() if index + 1 < len(matches) else len(text)
            post = text[match.end() : min(following, match.end() + 60)]
            boundary = _BOUNDARY.search(post) if _BOUNDARY_HINT.search(post) else None
            if boundary is not None:
                post = post[: boundary.start()]
            previous_end = match.end()
            flags |= _standard_flags(pre, post)
    if flags:
        out.require(STANDARD_THERAPY, True, quote, kind, ",".join(sorted(flags)))


# ---------------------------------------------------------------------------------------------
# One pass to decide which extractors a sentence needs
# ---------------------------------------------------------------------------------------------

_TRIGGER_KEYS: dict[str, tuple[str, ...]] = {
    "receptors": _RECEPTOR_HINTS,
    "brain": _BRAIN_HINTS,
    "liver": ("liver", "hepatic"),
    "extent": ("bone", "bony", "skeletal", "osseous", "measurable", "evaluable", "assessable", "lesion"),
    "lines": _LINE_HINTS + _ADVANCED_HINTS,
    "prior": _DRUG_HINTS,
    "biomarkers": _BIOMARKER_HINTS,
    "sex": ("menopaus", "male"),
    "performance": (
        "ecog",
        "performance",
        "zubrod",
        "world health",
        "who ps",
        "karnofsky",
        "kps",
        "lansky",
    ),
    "setting": _METASTATIC_HINTS,
    "setting_early": _EARLY_HINTS,
    "breast": ("breast", "mammary"),
    "standard": _STD_HINTS,
    "interval": _INTERVAL_HINTS,
    "genes": _GENE_HINTS,
    "profiling": _PROFILING_HINTS,
    "inflammatory": ("inflammatory", "ibc"),
    "disease_state": (
        "de novo",
        "primary confirmed",
        "primary metastatic",
        "primary distant",
        "synchronous",
        "stable disease",
        "disease must be stable",
        "disease is stable",
        "at diagnosis",
        "at initial diagnosis",
        "at presentation",
        "time of diagnosis",
    ),
    "new_diagnosis": ("newly diagnosed", "recently diagnosed", "initial diagnosis"),
}
#: Short words that only count as whole words ("er" in "ER-positive", not in "other").
_TRIGGER_TOKENS: dict[str, str] = {
    "er": "receptors",
    "hr": "receptors",
    "pr": "receptors",
    "pgr": "receptors",
    "ai": "prior",
    "ais": "prior",
    "nsai": "prior",
    "nsais": "prior",
    "et": "prior",
    "men": "sex",
    "ps": "performance",
    "m0": "setting_early",
    "n0": "setting_early",
    "n1": "setting_early",
    "n2": "setting_early",
    "m1": "setting",
}


_TOKEN_BEFORE = (" ", "(", "/", "[")
_TOKEN_AFTER = (" ", ")", ",", "/", "+", "-", ":", ";", ".", "]")


def _token_forms() -> dict[str, str]:
    """Each short token with the punctuation or space that can surround it, as plain literals.

    Scanning for " er+" or "(ai)" as literals inside one prefix tree costs far less than a second
    word-boundary regex pass; the text is scanned with a space added at both ends.
    """
    return {
        before + token + after: token
        for token in _TRIGGER_TOKENS
        for before in _TOKEN_BEFORE
        for after in _TOKEN_AFTER
    }


_TOKEN_FORMS = _token_forms()


#: Trigger keys only count at the start of a word (one boundary check rejects most positions of
#: a sentence). Compounds and drug names whose key sits inside the word are listed whole here;
#: each takes the groups of the keys it contains.
_COMPOUNDS = (
    "neoadjuvant",
    "intracranial",
    "oestrogen",
    "antiestrogen",
    "antioestrogen",
    "nonhormonal",
    "immunochemotherapy",
    "radiochemotherapy",
    "postmenopaus",
    "premenopaus",
    "perimenopaus",
    "oligometasta",
    "micrometasta",
    "inoperable",
    "unresectable",
    "nonresectable",
    "tdxd",
    "tdm1",
    "gbrca",
    "mtnbc",
    "palbociclib",
    "ribociclib",
    "abemaciclib",
    "dalpiciclib",
    "elacestrant",
    "camizestrant",
    "giredestrant",
    "imlunestrant",
    "amcenestrant",
    "vepdegestrant",
    "palazestrant",
    "fulvestrant",
    "everolimus",
    "temsirolimus",
    "sirolimus",
    "alpelisib",
    "inavolisib",
    "taselisib",
    "buparlisib",
    "gedatolisib",
    "olaparib",
    "talazoparib",
    "niraparib",
    "rucaparib",
    "veliparib",
    "saruparib",
    "carboplatin",
    "cisplatin",
    "oxaliplatin",
    "doxorubicin",
    "epirubicin",
    "capivasertib",
    "ipatasertib",
    "paclitaxel",
    "docetaxel",
    "cabazitaxel",
    "tucatinib",
    "neratinib",
    "lapatinib",
    "pyrotinib",
    "pembrolizumab",
    "atezolizumab",
    "durvalumab",
    "nivolumab",
    "avelumab",
    "ipilimumab",
    "cemiplimab",
    "tislelizumab",
    "toripalimab",
    "camrelizumab",
    "sintilimab",
)


def _trigger_table() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, frozenset[str]]]:
    """The trigger search, the trigger words alone (for a word right after a match), and groups.

    A trigger word starts a word and each short-token form starts with a space or bracket, so
    every match begins right after, or at, a non-word character. Consuming that character first
    (``\\W``) lets the regex engine skip every letter inside a word with a fast character-class
    test instead of trying the alternatives there; that is most positions of a sentence. A token
    form is tried before a word at the same character, as the ``\\b(?:words)|tokens`` scan it
    replaces did.
    """
    groups_of: dict[str, set[str]] = {}
    for group, keys in _TRIGGER_KEYS.items():
        for key in keys:
            groups_of.setdefault(key, set()).add(group)
    words = sorted(set(groups_of) | set(_COMPOUNDS))
    closed = {
        word: frozenset().union(*(groups for key, groups in groups_of.items() if key in word))
        for word in words
    }
    for form, token in _TOKEN_FORMS.items():
        closed[form] = closed.get(form, frozenset()) | {_TRIGGER_TOKENS[token]}
    if not all(re.match(r"\w", word) for word in words):
        raise ValueError("every trigger word must start with a letter or digit")
    words_pattern = trie_pattern(words)
    befores = re.escape("".join(_TOKEN_BEFORE))
    tokens = trie_pattern(sorted({form[1:] for form in _TOKEN_FORMS}))
    pattern = r"\W(?:(?<=[" + befores + "])" + tokens + r"|(?P<word>" + words_pattern + "))"
    return re.compile(pattern), re.compile(words_pattern), closed


_TRIGGER, _TRIGGER_WORD, _TRIGGER_GROUPS = _trigger_table()


def _literal_drugs() -> dict[str, frozenset[str]]:
    """For each trigger word, the therapy patterns whose keys it contains."""
    table: dict[str, frozenset[str]] = {}
    for literal in _TRIGGER_GROUPS:
        names = {
            name for name, keys in _DRUG_KEYS.items() if any(k in literal for k in keys if len(k) > 2)
        }
        table[literal] = frozenset(names)
    for form, token in _TOKEN_FORMS.items():
        if token in ("ai", "ais", "nsai", "nsais"):
            table[form] = frozenset({"aromatase-inhibitor"})
        elif token == "et":
            table[form] = frozenset({"endocrine"})
    return table


_LITERAL_DRUGS = _literal_drugs()


def scan(text: str) -> tuple[set[str], set[str]]:
    """The extractors worth running on a normalized sentence and the key words that called them."""
    groups: set[str] = set()
    literals: set[str] = set()
    padded = f" {text} "
    match = _TRIGGER.search(padded)
    while match is not None:
        word = match.group("word") or match.group(0)
        literals.add(word)
        groups |= _TRIGGER_GROUPS.get(word, _NO_GROUPS)
        end = match.end()
        # A match that ends in punctuation (" er+", "pd-") used up the character a word right
        # after it would consume: look for that word here, as a word-boundary scan would.
        while not (padded[end - 1].isalnum() or padded[end - 1] == "_"):
            follow = _TRIGGER_WORD.match(padded, end)
            if follow is None:
                break
            word = follow.group(0)
            literals.add(word)
            groups |= _TRIGGER_GROUPS.get(word, _NO_GROUPS)
            end = follow.end()
        match = _TRIGGER.search(padded, end)
    return groups, literals


def triggered(text: str) -> set[str]:
    """The extractors worth running on a normalized sentence."""
    return scan(text)[0]


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
