"""Split a study's free-text eligibility criteria into inclusion and exclusion items.

Registries write criteria as loosely formatted markdown: headings in any case or bold, numbered,
lettered and bulleted lists, nested lists whose children only make sense with their parent, old
NCI-style sections ("DISEASE CHARACTERISTICS:") and sometimes no headings at all. The splitter keeps
each item's section and its parent line so the reader never has to reason about layout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from matchers.criteria_parts import (
    PART_HINT,
    Parts,
    heading_parts,
    label_line_parts,
    nest,
    prefix_parts,
    suffix_parts,
)

ItemKind = Literal["inclusion", "exclusion"]

#: Longest heading line we accept; longer lines are criteria that merely mention the word.
_MAX_HEADING_CHARS = 130

_ESCAPABLE = "\\`*_{}[]()#+-.!<>=^~|&'\"%$:/"
_ESCAPE = re.compile(r"\\+([" + re.escape(_ESCAPABLE) + "])")
_BOLD = re.compile(r"\*\*|__")
_ENTITIES = {"&gt;": ">", "&lt;": "<", "&amp;": "&", "&ge;": "≥", "&le;": "≤", "&nbsp;": " "}
_ENTITY = re.compile("|".join(map(re.escape, _ENTITIES)))

# One list marker at the start of a line: bullets, "1." "1)" "5.2.1" "a." "(a)" "ii)" "(iv)".
_MARKER = re.compile(
    r"""
    (?P<marker>
        [*•·▪◦●○‣⁃∙►➢✓–—-](?=\s)
      | o(?=\s)
      | \d{1,3}(?:\.\d{1,3})+\.?(?=\s)
      | \d{1,3}[.)](?=\s|[A-Za-z(])
      | \(\s?(?:\d{1,3}|[a-zA-Z]|[ivxIVX]{1,5})\s?\)\.?
      | (?:[ivx]{1,5}|[IVX]{1,5})[.)](?=\s)
      | [a-zA-Z][.)](?=\s)
    )
    [\s.]*
    """,
    re.VERBOSE,
)
_NCI_HEADING = re.compile(
    r"^(disease characteristics|patient characteristics|prior concurrent therapy|"
    r"prior/concurrent therapy|prior/current therapy|prior therapy)\s*:?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_INLINE_HEADING = re.compile(
    r"^(?P<head>(?:(?:key|main|major|general|primary|additional|other|specific|study|"
    r"principal|selected)\s+)*(?:inclusion|exclusion|non-?inclusion)\s+criteri(?:a|on)"
    r"(?:\s*\([^)]{0,60}\))?)\s*[:\-]\s*(?P<rest>\S.*)$",
    re.IGNORECASE,
)
_EXCLUSION_WORDS = re.compile(
    r"\b(exclusion|excluded|exclude|ineligib\w*|non-?inclusion|not\s+(?:be\s+)?eligible|"
    r"not\s+(?:be\s+)?(?:included|enrolled|allowed)|must\s+not\s+meet|none\s+of\s+the\s+following)\b",
    re.IGNORECASE,
)
_INCLUSION_WORDS = re.compile(
    r"\b(inclusion|eligibility|eligible|must\s+meet|all\s+of\s+the\s+following|included)\b",
    re.IGNORECASE,
)
_CRITERIA_WORD = re.compile(r"\bcriteri(a|on)\b|\bfollowing\b", re.IGNORECASE)
_LEADING_PUNCT = re.compile(r"^[\s.:;,)\]]+")


@dataclass(frozen=True, slots=True)
class CriteriaItem:
    """One criterion, as written, with the section it sits in and the line it hangs under.

    ``kind`` is the section the item came from (text with no headings counts as inclusion).
    ``parent`` is the cleaned text of the line this item is nested under, so "treated" under
    "Brain metastases are allowed if:" keeps its meaning. ``index`` counts items from 0.
    ``parts`` names the trial parts the item belongs to ("group 2/part 1"); empty for all parts.
    """

    kind: ItemKind
    text: str
    parent: str | None
    index: int
    parts: tuple[str, ...] = ()

    @property
    def full_text(self) -> str:
        """The item read together with its parent, which is how a person would read it."""
        if self.parent:
            return f"{self.parent} {self.text}"
        return self.text


def _unescape(text: str) -> str:
    if "&" in text:
        text = _ENTITY.sub(lambda m: _ENTITIES[m.group(0)], text)
    if "\\" in text:
        text = _drop_escapes(text)
    if "**" in text or "__" in text:
        text = _BOLD.sub("", text)
    return text


def _drop_escapes(text: str) -> str:
    """Remove the backslash before an escaped character ("\\>" -> ">").

    Registries escape most punctuation, so a text can hold hundreds of these; splitting on the
    backslashes is several times cheaper than a regex substitution with a template. Runs of
    backslashes are rare and left to the regex, which reads them the same way.
    """
    if "\\\\" in text:
        return _ESCAPE.sub(r"\1", text)
    pieces = text.split("\\")
    kept = [pieces[0]]
    for piece in pieces[1:]:
        kept.append(piece if piece[:1] and piece[0] in _ESCAPABLE else "\\" + piece)
    return "".join(kept)


def clean_text(text: str) -> str:
    """Undo markdown escapes and bold marks, decode common entities, and collapse spaces."""
    return " ".join(_unescape(text).split())


@dataclass(slots=True)
class _Line:
    indent: int
    marker: str
    text: str
    is_label: bool
    parts: Parts = ()


def _marker_class(marker: str) -> str:
    """Group markers by style so that "1." under "1." is a sibling but "a." under "1." is a child."""
    if not marker:
        return "none"
    core = marker.strip("() .")
    if core[:1].isdigit():
        return "number"
    if core and all(c in "ivxIVX" for c in core) and len(core) > 1:
        return "roman"
    if core[:1].isalpha() and len(core) == 1 and marker != "o":
        return "letter"
    return "bullet"


_HEADING_HINT = re.compile("clus|eligib|criteri|characteristics|therapy|following|exclud")
#: A line with none of these words can be neither a heading nor a part label, nor name a part.
_ANY_HINT = re.compile(_HEADING_HINT.pattern + "|" + PART_HINT)


def _heading_kind(body: str) -> ItemKind | None:
    """The section a line opens, or ``None`` when it is an ordinary criterion."""
    if len(body) > _MAX_HEADING_CHARS + 2:
        return None
    lowered = body.lower()
    if _HEADING_HINT.search(lowered) is None:
        return None
    stripped = body.strip().rstrip(":").strip()
    if not stripped or ":" in stripped:
        return None
    if _NCI_HEADING.match(stripped) and len(stripped) < 40:
        return "inclusion"
    lowered = stripped.lower()
    ends_with_colon = body.rstrip().endswith(":")
    has_exclusion = _EXCLUSION_WORDS.search(lowered) is not None
    has_inclusion = _INCLUSION_WORDS.search(lowered) is not None
    if not (has_exclusion or has_inclusion):
        return None
    short = len(lowered.split()) <= 6
    if not (ends_with_colon or short) or not (_CRITERIA_WORD.search(lowered) or short):
        return None
    if not ends_with_colon and ("criteri" not in lowered or len(lowered.split()) > 8):
        return None
    if "inclusion" in lowered and "exclusion" in lowered:
        return "inclusion"
    if has_exclusion:
        return "exclusion"
    return "inclusion"


def _split_marker(raw: str) -> tuple[int, str, str]:
    """Indentation width, list marker and body of one raw line."""
    expanded = raw.replace("\t", "    ") if "\t" in raw else raw
    body = expanded.lstrip(" ")
    indent = len(expanded) - len(body)
    marker = ""
    match = _MARKER.match(body)
    if match:
        marker = match.group("marker")
        body = body[match.end() :]
        again = _MARKER.match(body)  # "* 1. text" or "1. a) text": keep the innermost body
        if again and again.group("marker")[:1] not in "*•-":
            body = body[again.end() :]
    return indent, marker, body


def _is_parent_of(parent: _Line, child: _Line) -> bool:
    if parent.indent < child.indent:
        return True
    if parent.indent > child.indent or not parent.text.endswith(":"):
        return False
    parent_class, child_class = _marker_class(parent.marker), _marker_class(child.marker)
    if parent_class != child_class:
        return True
    return parent_class == "none" and parent.is_label and not child.text.endswith(":")


def _heading_starts(text: str) -> list[int]:
    """Where "Inclusion/Exclusion Criteria:" headings begin, found with plain string search."""
    lowered = text.lower()
    starts: list[int] = []
    for phrase in ("inclusion criteria", "exclusion criteria"):
        position = lowered.find(phrase)
        while position != -1:
            after = lowered[position + len(phrase) : position + len(phrase) + 6].lstrip(" *")
            if after.startswith(":"):
                begin = position
                before = lowered[max(0, position - 6) : position]
                for prefix in ("key ", "main "):
                    if before.endswith(prefix):
                        begin -= len(prefix)
                if lowered[max(0, begin - 2) : begin] == "**":
                    begin -= 2
                starts.append(begin)
            position = lowered.find(phrase, position + 1)
    return sorted(starts)


def _break_run_on_headings(text: str) -> str:
    """Start a new line before "Exclusion Criteria:" when it follows text on the same line."""
    pieces: list[str] = []
    last = 0
    for begin in _heading_starts(text):
        line_start = text.rfind("\n", 0, begin) + 1
        if begin > last and text[line_start:begin].strip():
            pieces.append(text[last:begin])
            pieces.append("\n")
            last = begin
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


def split_criteria(text: str | None) -> tuple[CriteriaItem, ...]:
    """Split criteria text into items; never raises, whatever the text.

    Args:
        text: the ``eligibilityCriteria`` markdown of one study (may be ``None`` or empty).

    Returns:
        Items in reading order. Text before any heading is inclusion; lines that only label a
        group ("Hepatic:") are not items themselves but become the parent of what follows.
    """
    if not text or not isinstance(text, str):
        return ()
    text = _unescape(text.replace("\r\n", "\n").replace("\r", "\n"))
    if "riteria" in text or "RITERIA" in text:
        text = _break_run_on_headings(text)
    kind: ItemKind = "inclusion"
    stack: list[_Line] = []
    items: list[CriteriaItem] = []
    section_parts: Parts = ()
    for raw in text.split("\n"):
        if not raw or raw.isspace():
            continue  # a blank line changes nothing (about one line in five)
        indent, marker, body = _split_marker(raw)
        body = " ".join(body.split())
        if body and body[0] in ".:;,)] ":
            body = _LEADING_PUNCT.sub("", body)
        if not body:
            continue
        # Most lines name no section and no part: one search lets them skip those readers, each
        # of which needs one of these words somewhere in the line.
        hinted = _ANY_HINT.search(body.lower()) is not None
        heading = _heading_kind(body) if hinted else None
        if heading is not None and (not marker or len(body) < 80):
            kind = heading
            stack.clear()
            section_parts = heading_parts(body)
            continue
        if hinted and ":" in body[:40] and heading is None:
            rest = body.partition(":")[2]
            named_heading = _heading_kind(rest) if rest.strip() else None
            if named_heading is not None and prefix_parts(body):
                # "Part A1: Dose Escalation Inclusion Criteria": a heading for one part
                kind = named_heading
                stack.clear()
                section_parts = prefix_parts(body)
                continue
        if hinted and (not marker or len(body) < 25):
            named = label_line_parts(body)
            if named is not None and (marker or indent):
                # "  * Part A" inside a list: only the lines nested under it belong to the part
                label = _Line(indent, marker, body, is_label=True)
                while stack and not _is_parent_of(stack[-1], label):
                    stack.pop()
                label.parts = nest(stack[-1].parts if stack else section_parts, named)
                stack.append(label)
                continue
            if named is not None:  # "Group 1", "PART B:": what follows belongs to that part
                section_parts = named
                stack.clear()
                continue
        inline = (
            (_INLINE_HEADING.match(body) or _NCI_HEADING.match(body))
            if hinted and ":" in body[:140]
            else None
        )
        if inline and inline.group("rest").strip():
            heading = _heading_kind(body[: inline.start("rest")])
            if heading is not None:
                kind = heading
                stack.clear()
                section_parts = heading_parts(body)
                body = inline.group("rest").strip()
        is_label = not marker and body[-1] == ":" and len(body.split()) <= 4
        line = _Line(indent, marker, body, is_label=is_label)
        while stack and not _is_parent_of(stack[-1], line):
            stack.pop()
        parent = stack[-1].text.rstrip(":").strip() if stack else None
        own = prefix_parts(body) if hinted else ()
        if not own and hinted and (body[-1] in "):" or body.find("for ", len(body) - 70) != -1):
            own = suffix_parts(body)  # "... only (phase II)": cheap tests first, most lines stop
        line.parts = nest(stack[-1].parts if stack else section_parts, own)
        stack.append(line)
        if line.is_label:
            continue
        items.append(
            CriteriaItem(kind=kind, text=body, parent=parent or None, index=len(items), parts=line.parts)
        )
    return tuple(items)
