"""Find the parts of a multi-part trial ("Part A", "Cohort 2", "Dose escalation") in criteria lines.

Phase 1 and basket trials often write separate criteria for each part: "Group 1: any solid tumor
after one regimen; Group 2: triple-negative breast cancer, second line". Read as one list they
contradict each other and a patient who fits one group looks excluded by the other. The splitter
labels each criterion with the parts it belongs to, as paths of normalized atoms ("group 2",
"group 2/part 1"), so the reader can judge each part on its own.
"""

from __future__ import annotations

import re

from matchers.reader.regex_tools import rare_letter_pattern
from matchers.reader.setting import BREAST, ORGAN

_ID = r"(?:\d{1,2}[a-z]?|[a-z]\d{0,2}|i{1,3}[ab]?|iv)"
_NAMED = (
    r"(?P<name>part|cohort|group|arm|phase|module|sub-?study|segment)s?\s*(?P<ids>" + _ID + r"\b"
    r"(?:\s*(?:,|and|&|/|or)\s*" + _ID + r"\b)*)"
)
_STAGE_WORD = (
    r"(?P<stage>(?:\b(?!and\b|or\b|both\b)[a-z]+[\s-]+){0,2}?(?:dose[\s-]+)?(?:escalation|expansion|run-?in|maintenance|"
    r"induction|extension))(?:\s+(?:part|phase|cohorts?|stage))?"
)
_LABEL = r"(?:" + _NAMED + r"|" + _STAGE_WORD + r")"
_LABEL_RE = re.compile(_LABEL)
#: ``_LABEL`` without its group names, so it can be repeated inside one pattern.
_ONE_LABEL = re.compile(re.sub(r"\(\?P<\w+>", "(?:", _LABEL))
#: "Cohorts B, C, D (dose finding, Breast Cancer) & Cohort D1": a label's own bracket, before the
#: next label.
_OWN_BRACKET = (
    r"(?:\s*\([^()]{0,40}\)(?=\s*(?:,|and|&|/|or)\s*(?:the\s+)?(?:" + _ONE_LABEL.pattern + r")))?"
)
#: A criterion that starts by naming the parts it is for: "Part 1 - ...", "For the dose
#: escalation and expansion cohorts: ...", "For phase Ib, ...", "In the expansion cohort only, ...",
#: "To be enrolled in the TNBC expansion cohort, participants must have: ...".
_PREFIX = re.compile(
    r"^(?:for|in|to\s+be\s+(?:enrolled|included|eligible|considered)\s+(?:in|into|for))?\s*(?:the\s+)?"
    r"(?:(?:patients|participants|subjects)\s+(?:in|enrolled\s+in|entering)\s+"
    r"(?:the\s+)?)?(?:treatment\s+)?(?P<labels>(?:"
    + _ONE_LABEL.pattern
    + r")"
    + _OWN_BRACKET
    + r"(?:\s*(?:,|and|&|/|or)?\s*(?:the\s+)?"
    r"(?:" + _ONE_LABEL.pattern + r")" + _OWN_BRACKET + r")*)(?:\s+of\s+the\s+(?:study|trial))?"
    r"(?:\s+(?:only|patients|participants|subjects))?"
    r"(?:\s*\([^()]{0,40}\))?\s*(?::|-|–|,|\))"
)
#: A criterion that ends by naming the part it is for: "Triple-negative disease only (phase II)",
#: "Measurable disease only for phase II study", "ER and PR negative (cohort B only)".
_SUFFIX = re.compile(
    r"(?:\(\s*(?:for\s+|in\s+)?(?:the\s+)?(?P<bracketed>" + _ONE_LABEL.pattern + r")(?:\s+only)?\s*\)|"
    r"\bfor\s+(?:the\s+)?(?P<plain>" + _ONE_LABEL.pattern + r")(?:\s+(?:only|study|portion|part|"
    r"patients|participants|cohorts?))?)\s*[.:;]?\s*$"
)
#: A line that is nothing but a part label: "Group 1", "PART A:", "Dose escalation:", "Phase I
#: (closed to accrual as of 10/15/2007)".
_ONLY = re.compile(
    r"^(?:for\s+)?(?P<labels>"
    + _ONE_LABEL.pattern
    + r"(?:\s*(?:,|and|&)\s*"
    + _ONE_LABEL.pattern
    + r")*)(?:\s+only)?\s*(?:\((?P<aside>(?:[^()]|\([^()]{0,40}\)){1,80})\))?\s*[:.]?$"
)
#: A part whose label says it takes no one now: its rules are not a way in.
_CLOSED = re.compile(
    r"\bclosed\b|\bno\s+longer\s+(?:enroll|recruit|accru)\w*|\b(?:enrollment|accrual|recruitment)\s+"
    r"(?:is\s+|was\s+|has\s+been\s+)?(?:complete\w*|closed|stopped|terminated)"
)
CLOSED_MARK = " (closed)"
#: A part named by an identifier ("Part A1", "Cohort 2"), without the stage words.
_NAMED_ONLY = re.compile(re.sub(r"\(\?P<\w+>", "(?:", _NAMED))
#: A line that heads the criteria of some parts: "Additional for patients participating in Part A
#: only", "Additional inclusion criteria for participants in Cohort B:".
_PART_HEADER = re.compile(
    r"^(?:additional\s+)?(?:(?:inclusion|exclusion|eligibility)\s+criteria\s+)?(?:for|in)\s+(?:the\s+)?"
    r"(?:(?:patients|participants|subjects)\s+(?:in|enrolled\s+in|entering|participating\s+in|"
    r"assigned\s+to|treated\s+in)\s+(?:the\s+)?)?(?P<labels>(?:"
    + _ONE_LABEL.pattern
    + r")(?:\s*(?:,|and|&|/|or)\s*(?:the\s+)?(?:"
    + _ONE_LABEL.pattern
    + r"))*)"
    r"(?:\s+only)?\s*(?:\([^()]{0,40}\))?\s*:?$"
)
#: Part words factored by first letter, so most positions fail after one character.
PART_HINT = (
    r"p(?:art|hase)|cohort|group|arm|m(?:odule|ainten)|s(?:tud|egment)|e(?:scalat|xpan|xtens)|"
    r"run-?in|induct"
)
#: Found at their rarest letter: only whether a word is there is asked of it.
_HINT = re.compile(rare_letter_pattern(PART_HINT))
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "ia": "1a", "ib": "1b", "iia": "2a", "iib": "2b"}
_FILLER = frozenset(
    {"dose", "mtd", "the", "cohort", "cohorts", "part", "phase", "and", "or", "a", "an", "at"}
)
_NAMES = {"sub-study": "substudy"}

Parts = tuple[str, ...]


def _atoms(labels: str) -> list[str]:
    atoms: list[str] = []
    for match in _LABEL_RE.finditer(labels):
        if match.group("name"):
            name = _NAMES.get(match.group("name"), match.group("name"))
            for raw in re.split(r"\s*(?:,|and|&|/|or)\s*", match.group("ids")):
                if raw:
                    atoms.append(f"{name} {_ROMAN.get(raw, raw)}")
        elif match.group("stage"):
            words = match.group("stage").replace("-", " ").split()
            kept = [w for w in words if w not in _FILLER]
            if kept:
                atoms.append(" ".join(kept).replace("run in", "run-in"))
    return list(dict.fromkeys(atoms))


def _hinted(lowered: str) -> bool:
    return _HINT.search(lowered, 0, 80) is not None


def _named_parts(lowered: str) -> Parts:
    """The parts a line names by identifier ("Part A1", "Cohorts F and H"), stage words left out."""
    return tuple(_atoms(" and ".join(_NAMED_ONLY.findall(lowered))))


#: A heading for the criteria of one population: "Additional inclusion criteria for NSCLC
#: participants:", "INCLUSION CRITERIA FOR TNBC:", "Exclusion criteria for rectal cancer:".
_POPULATION = re.compile(
    r"^(?:additional\s+|specific\s+)?(?:(?:inclusion|exclusion|eligibility)\s+)?criteria\s+(?:for|"
    r"specific\s+to|applicable\s+to)\s+(?:the\s+)?(?:(?:patients|participants|subjects)\s+(?:with|in|"
    r"having)\s+)?(?P<population>[^:()]{2,60}?)(?:\s+(?:patients|participants|subjects|population|"
    r"cohort|arm|group)s?)?(?:\s+only)?\s*(?:\([^()]{1,40}\))?\s*[:.]?$"
)
#: The population is named by its cancer or by a breast cancer subtype.
_SUBTYPE_WORDS = re.compile(r"\b(?:m?tnbc|triple|her-?2|hr[+-]?|hormone|er[+-]|luminal)")


def _population_parts(lowered: str) -> Parts:
    """The population a heading opens criteria for, as a part named by its words ("nsclc")."""
    match = _POPULATION.match(lowered.strip())
    if match is None:
        return ()
    population = match.group("population").strip()
    named = ORGAN.search(population) or BREAST.search(population) or _SUBTYPE_WORDS.search(population)
    if named is None or re.search(r"\b(?:all|both|every|any)\b", population):
        return ()
    return (re.sub(r"[^a-z0-9+/-]+", " ", population).strip(),)


def heading_parts(text: str) -> Parts:
    """The part a heading opens ("Part A1: Dose Escalation Inclusion Criteria" -> part a1, "Inclusion
    criteria for NSCLC patients:" -> nsclc)."""
    lowered = text.lower()
    if re.search(r"\ball\b|\bacross\b|\bstudy[\s-]wide\b|\bboth\b|\bgeneral\b", lowered):
        return ()
    if _hinted(lowered):
        named = _named_parts(lowered)
        if named:  # "dose escalation (Part A1)": the identifier names the part, the stage describes it
            return named
        match = _ONE_LABEL.search(lowered)
        if match:
            return tuple(_atoms(match.group(0)))
    return _population_parts(lowered) if "criteria" in lowered else ()


_NOT_WHOM = re.compile(r"\bfollowing\b|\ball\b|\bsee\b|\bn\s*=|\bmust\b|\bclosed\b")


def _names_whom(aside: str) -> bool:
    """Whether a label's bracket says whom its part is for ("HER2-positive"), not that the part is
    closed, another label ("Part 1") or a lead-in ("one of the following must be true")."""
    return not (_CLOSED.search(aside) or _NOT_WHOM.search(aside) or _hinted(aside))


def label_aside(text: str) -> str | None:
    """Whom a label line's bracket says its part is for ("Cohort 2 (HER2-positive)" -> HER2-positive),
    or ``None``."""
    lowered = text.lower().strip()
    match = _ONLY.match(lowered) if len(lowered) <= 100 else None
    aside = match.group("aside") if match is not None else None
    if match is None or not aside or not _names_whom(aside):
        return None
    return text.strip()[match.start("aside") : match.end("aside")]


def label_line_parts(text: str) -> Parts | None:
    """The parts a line that is only a part label names, or ``None`` for an ordinary line."""
    lowered = text.lower().strip()
    if len(lowered) > 100 or not _hinted(lowered):
        return None
    match = _ONLY.match(lowered) if len(lowered) <= 60 or "(" in lowered else None
    if match is not None and match.group("aside"):
        if _CLOSED.search(match.group("aside")):
            return tuple(atom + CLOSED_MARK for atom in _atoms(match.group("labels")))
        if not _names_whom(match.group("aside")):
            match = None  # "Cohort B (one of the following must be true):" heads a list, as before
        # else "Cohort 2 (HER2-positive)": a label whose bracket says whom the part is for
    if match is None:
        match = _PART_HEADER.match(lowered)
        if match is None:
            return None
        named = _named_parts(lowered)
        if named:
            return named
    atoms = _atoms(match.group("labels"))
    return tuple(atoms) if atoms else None


def prefix_parts(text: str) -> Parts:
    """The parts a criterion names at its start ("Cohort A: ...", "For phase Ib, ...")."""
    lowered = text[:160].lower()
    if not _hinted(lowered):
        return ()
    match = _PREFIX.match(lowered)
    return _nested_atoms(match.group("labels")) if match else ()


def _nested_atoms(labels: str) -> Parts:
    """ "Part B and C" names two parts; "Part B Cohort 2", one label right after another, names
    one cohort inside one part ("part b/cohort 2")."""
    paths: list[str] = []
    previous: re.Match[str] | None = None
    for match in _LABEL_RE.finditer(labels):
        atoms = _atoms(match.group(0))
        gap = labels[previous.end() : match.start()] if previous is not None else ","
        if paths and atoms and not gap.strip() and _kind(paths[-1]) != _kind(atoms[0]):
            paths[-1:] = list(nest((paths[-1],), tuple(atoms)))
        else:
            paths.extend(atoms)
        previous = match
    return tuple(dict.fromkeys(paths))


def suffix_parts(text: str) -> Parts:
    """The part a criterion names at its end ("... only (phase II)"), when it names no other."""
    # Every ending label is bracketed or follows "for": most lines stop at these cheap checks.
    end = text.rstrip(" .:;")
    if end[-1:] == ")":
        opening = end.rfind("(", max(0, len(end) - 40))
        if opening == -1 or not _HINT.search(end[opening:].lower()):
            return ()
    else:
        start = max(0, len(end) - 60)
        if end.find("for ", start) == -1 and end.find("For ", start) == -1:
            return ()
        if not _HINT.search(end[start:].lower()):
            return ()
    lowered = text[-80:].lower()
    match = _SUFFIX.search(lowered)
    if match is None:
        return ()
    labels = match.group("bracketed") or match.group("plain")
    if _ONE_LABEL.search(text.lower(), 0, len(text) - len(lowered) + match.start()):
        return ()  # "ECOG 0-1 (phase I) or 0-2 (phase II)": each part has its own value
    return tuple(_atoms(labels))


def _kind(atom: str) -> str:
    """ "group" for "group 2", "stage" for "escalation" or "esophageal expansion"."""
    head = atom.rsplit("/", 1)[-1].split(" ", 1)[0]
    return (
        head
        if head in ("part", "cohort", "group", "arm", "phase", "module", "substudy", "segment")
        else "stage"
    )


def nest(outer: Parts, inner: Parts) -> Parts:
    """Paths for a criterion labelled ``inner`` inside a section or parent labelled ``outer``.

    "Part 1" inside "Group 2" is "group 2/part 1"; "Part B" inside "Part A", or "expansion" inside
    "escalation and expansion", is a sibling or a narrowing, so the inner label alone counts.
    """
    if not inner:
        return outer
    if not outer or {_kind(a) for a in inner} & {_kind(b) for b in outer}:
        return inner
    paths: list[str] = []
    for base in outer:
        for atom in inner:
            paths.append(base if base.rsplit("/", 1)[-1] == atom else f"{base}/{atom}")
    return tuple(dict.fromkeys(paths))


def applies(parts: Parts, leaf: str) -> bool:
    """Whether a finding labelled ``parts`` holds in the part ``leaf`` (unlabelled: everywhere)."""
    return not parts or any(leaf == p or leaf.startswith(p + "/") for p in parts)


def leaves(all_parts: set[str]) -> list[str]:
    """Parts that contain no other part: the alternatives a patient can join."""
    return sorted(p for p in all_parts if not any(q.startswith(p + "/") for q in all_parts))
