"""Split a study's free-text eligibility criteria into inclusion and exclusion items.

Registries write criteria as loosely formatted markdown: headings in any case or bold, numbered,
lettered and bulleted lists, nested lists whose children only make sense with their parent, old
NCI-style sections ("DISEASE CHARACTERISTICS:") and sometimes no headings at all. The splitter keeps
each item's section and its parent line so the reader never has to reason about layout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from matchers.criteria_parts import (
    PART_HINT,
    Parts,
    heading_parts,
    label_aside,
    label_line_parts,
    nest,
    prefix_parts,
    suffix_parts,
)
from matchers.reader.regex_tools import rare_letter_pattern
from matchers.reader.setting import BREAST, ORGAN

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
    r"principal|selected)\s+)*(?:inclusion|exclusion|non-?inclusion)(?:\s+criteri(?:a|on))?"
    r"(?:\s*\([^)]{0,60}\))?)\s*[:\-]\s*(?P<rest>\S.*)$",
    re.IGNORECASE,
)
_BARE_SECTION_WORDS = frozenset({"inclusion", "exclusion", "inclusions", "exclusions", "non-inclusion"})
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
    ``for_another_cancer``: a line above it names another cancer ("Prostate cancer meeting the
    following criteria:"), so it is that cancer's rule.
    """

    kind: ItemKind
    text: str
    parent: str | None
    index: int
    parts: tuple[str, ...] = ()
    for_another_cancer: bool = False

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
    #: This line or one above it names another cancer; found only once a line has children.
    another_cancer: bool | None = None


#: Organ words that name a cancer by themselves ("NSCLC", "lymphoma"), without "cancer" after them.
CANCER_ITSELF = re.compile(
    r"leukemi|leukaemi|lymphoma|melanoma|sarcoma|myeloma|glioma|glioblastoma|mesothelioma|nsclc|sclc|"
    r"crc|hcc|rcc|hnscc|crpc|dlbcl|cll|aml|nhl|hodgkin|lymphoproliferative|myeloproliferative|pdac"
)
#: A noun that names cancer, shared by the readers that ask whether a text names a cancer.
CANCER_NOUN = re.compile(r"\b(?:cancers?|carcinomas?|adenocarcinomas?|tumou?rs?|neoplasms?|malignan)")
_ANY_CANCER = re.compile(r"solid\s+tumou?r|any\s+(?:cancer|tumou?r|malignan)|all\s+(?:cancer|tumou?r)")


def names_another_cancer(text: str) -> bool:
    """ "Prostate cancer (androgen independent) meeting the following criteria": a line for
    patients with another cancer (not breast, not any solid tumor)."""
    lowered = text.lower()
    organ = ORGAN.search(lowered)
    if organ is None or BREAST.search(lowered) or _ANY_CANCER.search(lowered):
        return False
    return (
        CANCER_ITSELF.match(organ.group(0)) is not None
        or CANCER_NOUN.search(lowered, organ.end(), organ.end() + 40) is not None
    )


#: Words that make a cancer named after a rule one among others, an exception, an example, a
#: test's origin or her own past ("or any other tumor type", "excluding gastric cancer", "per the
#: gastric cancer scoring guideline", "with or without a personal history of ovarian cancer"),
#: not the only cancer the rule is for.
_NOT_ONLY_THAT_CANCER = re.compile(
    r"\b(?:except\w*|excluding|other|any|all|solid|approved\s+for|including|such\s+as|e\.?g|etc|"
    r"indications?|settings?|purpose|reason|as\s+(?:in|for|defined)|per|using|defined|according|"
    r"scor\w*|guidelines?|criteria|assays?|tests?|trials?|studies|validated|history|previous\w*|prior|"
    r"treated|with\s+or\s+without|family)\b"
)


def only_another_cancer(words: str) -> bool:
    """Whether the words after a treatment or a marker ("for gliomas", "mutant recurrent
    ovarian/primary peritoneal/fallopian tube cancer") name another cancer as the only one the
    rule is for, so the rule is that cancer's."""
    if _NOT_ONLY_THAT_CANCER.search(words):
        return False
    if names_another_cancer(words):
        return True
    # the organ early, its cancer named further on than names_another_cancer looks
    organ = ORGAN.search(words, 0, 40)
    return (
        organ is not None
        and BREAST.search(words) is None
        and CANCER_NOUN.search(words, organ.start()) is not None
    )


def _under_another_cancer(stack: list[_Line]) -> bool:
    """Whether the innermost line of ``stack`` or any line above it names another cancer."""
    for depth, line in enumerate(stack):
        if line.another_cancer is None:
            above = stack[depth - 1].another_cancer if depth else False
            line.another_cancer = bool(above) or names_another_cancer(line.text)
    return bool(stack and stack[-1].another_cancer)


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


_HEADING_WORDS = "clus|eligib|criteri|characteristics|therapy|following|exclud"
#: Found at their rarest letter (these searches only ask whether a word is there): about twice as
#: fast as the words themselves, which start with letters on most positions of a line.
_HEADING_HINT = re.compile(rare_letter_pattern(_HEADING_WORDS))
#: A line with none of these words can be neither a heading nor a part label, nor name a part.
_ANY_HINT = re.compile(rare_letter_pattern(_HEADING_WORDS + "|" + PART_HINT))


#: A line that names no section ("criteria", "inclusion", "exclusion") but says something about the
#: patient ("Must be negative for all of the following:") heads a list inside its section.
_CONTENT = re.compile(
    r"\b(?:negative|positive|receptors?|her-?2|disease|cancers?|tumou?rs?|metasta\w*|therap\w*|"
    r"treat\w*|stages?|lesions?|mutations?|status|lines?|regimens?|prior)\b"
)


def _says_more_than_a_heading(lowered: str) -> bool:
    if "criteri" in lowered or "inclusion" in lowered or "exclusion" in lowered:
        return False
    return _CONTENT.search(lowered) is not None


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
    nci = _NCI_HEADING.match(stripped)
    if nci is not None and not nci.group("rest"):  # "PRIOR THERAPY", not "Prior therapy with X"
        return "inclusion"
    lowered = stripped.lower()
    if lowered in _BARE_SECTION_WORDS:  # a line that is only "Inclusion" or "Exclusion"
        return "exclusion" if "ex" in lowered else "inclusion"
    ends_with_colon = body.rstrip().endswith(":")
    has_exclusion = _EXCLUSION_WORDS.search(lowered) is not None
    has_inclusion = _INCLUSION_WORDS.search(lowered) is not None
    if not (has_exclusion or has_inclusion) or _says_more_than_a_heading(lowered):
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


def _marker_at(body: str) -> re.Match[str] | None:
    """The list marker a line starts with. Most lines start with a word, which no marker does
    unless it is "o", a roman numeral or one letter before "." or ")": a test of two characters
    spares them the regex."""
    first = body[:1]
    if first.isalpha() and first not in "oivxIVX" and body[1:2] not in (".", ")"):
        return None
    return _MARKER.match(body)


def _split_marker(raw: str) -> tuple[int, str, str]:
    """Indentation width, list marker and body of one raw line."""
    expanded = raw.replace("\t", "    ") if "\t" in raw else raw
    body = expanded.lstrip(" ")
    indent = len(expanded) - len(body)
    marker = ""
    match = _marker_at(body)
    if match:
        marker = match.group("marker")
        body = body[match.end() :]
        again = _marker_at(body)  # "* 1. text" or "1. a) text": keep the innermost body
        if again and again.group("marker")[:1] not in "*•-":
            body = body[again.end() :]
    return indent, marker, body


def _next_number(parent: str, child: str) -> bool:
    """ "2)" after "1)": the list goes on, however the lines were indented."""
    if not parent or not child or parent[-1:] != child[-1:]:
        return False
    first, second = parent[:-1], child[:-1]
    return first.isdigit() and second.isdigit() and int(second) == int(first) + 1


def _is_parent_of(parent: _Line, child: _Line) -> bool:
    if parent.indent < child.indent:
        # "1) Female patients." then a deeper " 2) Age >= 18": the list goes on; but a header
        # ("2. Contraindications for MRI:", "... including") heads the items under it, however
        # they are numbered: only a finished sentence lets the next number be its sibling
        return parent.text[-1:] not in ".;" or not _next_number(parent.marker, child.marker)
    if parent.indent > child.indent or not parent.text.endswith(":"):
        return False
    parent_class, child_class = _marker_class(parent.marker), _marker_class(child.marker)
    if parent_class != child_class:
        return True
    return (
        parent_class == "none"
        and parent.is_label
        and not child.text.endswith(":")
        and not _old_layout_siblings(parent.text, child.text)
    )


def _old_layout_siblings(parent: str, child: str) -> bool:
    """The older layout's sub-headings ("Hepatic:", "Renal: Creatinine ...") are all one level:
    a flattened paragraph cut at "... Hepatic:" heads the line after it, not "Renal: ..."."""
    return _SUB_HEADING.match(child) is not None and _SUB_HEADING.match(parent) is not None


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


#: A heading run onto the end of the line above it, after that line's last sentence: "... (chemo-naive)
#: Exclusion criteria", "... (few exceptions apply). Additional for patients participating in Part A
#: only". Capitalised and at the end of its line, so a criterion that merely mentions "the inclusion
#: criteria" is never cut.
_TRAILING_HEADING = re.compile(
    # The space first, then the look-behind: the regex engine only stops at spaces and tabs.
    r"[ \t](?<=[.)\]][ \t])[ \t]*(?=(?:(?:Key|Main)\s+)?(?:Inclusion|Exclusion)\s+[Cc]riteria"
    r"\s*:?[ \t]*$|"
    r"Additional\s+(?:(?:inclusion|exclusion)\s+criteria\s+)?for\s+(?:patients|participants|subjects)"
    r"[^.:\n]{0,80}$)",
    re.MULTILINE,
)


def _break_trailing_headings(text: str) -> str:
    """Put a heading that ends a line of criteria on a line of its own."""
    return _TRAILING_HEADING.sub("\n", text)


#: The older layout's sub-headings, each with its colon ("Hepatic: ...", or "Hepatic:" ending a line).
_SUB_HEADING_PATTERN = (
    r"(?:Age|Sex|Menopausal status|Performance status|Life expectancy|Hematopoietic|Hepatic|Renal|"
    r"Cardiovascular|Pulmonary|Neurologic|Other|Biologic therapy|Chemotherapy|Endocrine therapy|"
    r"Radiotherapy|Surgery|Hormone receptor status):(?:\s|$)"
)
_SUB_HEADING = re.compile(_SUB_HEADING_PATTERN)
#: Where flattened text starts a new criterion: an old-style sub-heading ("Age:", "Performance
#: status:") or a capitalised word that opens a criterion ("No prior chemotherapy ...") right after
#: the lower-case end of the one before ("... by FISH No prior chemotherapy").
_RUN_ON_BREAK = re.compile(
    # The space first, then the look-behind: the regex engine only stops at white space.
    # A capital next first: most words are lower-case, and that one test spares them the rest.
    r"\s(?<=[a-z0-9)\]%]\s)\s*(?=[A-Z])(?=" + _SUB_HEADING_PATTERN + r"|"
    r"(?:No|Not|At least|Prior|Must|Measurable|Bidimensionally|Unidimensionally|Evaluable|"
    r"Histologic(?:ally)?|Cytologic(?:ally)?|Progression|Concurrent|Recovered|Known|Metastatic|"
    r"Documented|Brain\s+metastases|Estrogen\s+receptor)\s|"
    # after a word, not inside "(1) Received ..." or "Prior Adjuvant chemotherapy allowed"
    r"(?<=[a-z]\s)(?<![Pp]rior\s)(?:Completed\s|Received\s|"
    r"Adjuvant\s+(?:chemotherapy|radiotherapy|or\s+neoadjuvant)\b)|"
    # a part's own label ("... Other solid tumors Phase II: Histologically proven prostate ...")
    r"(?<![Ff]or\s)(?<![Ii]n\s)(?:Phase\s+(?:I{1,3}V?|[1-4])[ab]?|Part\s+[A-Z0-9]\d?|"
    r"Cohort\s+[A-Z0-9]\d?)\s*:\s)"
)
#: Lines shorter than this are never split: only flattened paragraphs are that long.
_RUN_ON_MIN_CHARS = 80


def _run_on_pieces(body: str) -> list[str]:
    """A flattened paragraph ("... (FISH) No prior chemotherapy ... No CNS metastases Age: 18
    and over") as the criteria it runs together; an ordinary line as itself."""
    if len(body) < _RUN_ON_MIN_CHARS and not (body.endswith(":") and ": " in body):
        return [body]  # a short line only when it ends a run of sub-headings ("Age: 18 Sex:")
    pieces = [p.strip() for p in _RUN_ON_BREAK.split(body) if p.strip()]
    # One break in a long line is more often a capital inside a criterion than a run-on list,
    # unless it opens one of the old layout's sub-headings ("... Hormone receptor status: ...").
    if len(pieces) == 2 and _SUB_HEADING.match(pieces[1]):
        return pieces
    return pieces if len(pieces) > 2 else [body]


@dataclass(slots=True)
class _Physical:
    indent: int
    marker: str
    body: str


#: A paragraph line this long was wrapped by the registry's old text format, not ended by its writer.
_WRAPPED_LINE_CHARS = 70


#: A line that opens a section never continues the line above it.
_SECTION_START = re.compile(
    r"^\W*(?:(?:key|main|major)\s+)?(?:inclusion|exclusion|non-?inclusion)\s+criteri|"
    r"^\W*(?:disease|patient)\s+characteristics|^\W*prior\s*/?\s*(?:concurrent|current)\s+therapy",
    re.IGNORECASE,
)


def _continues(last: _Physical | None, raw_len: int, line: _Physical, previous: int) -> bool:
    """Whether a line carries on the criterion above it: no marker, no blank line between, not
    under a heading, and indented deeper than it (a wrapped list item) or, under a long line of
    a paragraph, at its depth (a wrapped paragraph)."""
    if last is None or line.marker or previous == -1 or last.body.endswith((":", ".")):
        return False
    if _SECTION_START.match(line.body):
        return False
    deeper, level = line.indent > previous, line.indent == previous
    return deeper or (level and not last.marker and raw_len >= _WRAPPED_LINE_CHARS)


def _all_indented(raws: list[str]) -> bool:
    """Whether some line has text and every line with text starts with a space or tab: the first
    line that does not settles it, which in most texts is the second line."""
    found = False
    for raw in raws:
        if raw.strip():
            if raw[:1] not in (" ", "\t"):
                return False
            found = True
    return found


_NUMBER_WORD_AT_END = re.compile(
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|eighteen|twenty|"
    r"thirty|sixty|ninety)$",
    re.IGNORECASE,
)


def _physical_lines(text: str) -> list[_Physical]:
    """The lines of the text with their markers, hard-wrapped lines joined to the line they
    continue, and flattened paragraphs split into their criteria."""
    lines: list[_Physical] = []
    previous_indent, previous_len = -1, 0
    raws = text.split("\n")
    # A record whose text was stripped lost the first line's indentation: give it the depth the
    # other lines start at, or it would head them all.
    if raws and raws[0][:1] not in (" ", "\t") and _all_indented(raws[1:]):
        raws[0] = " " * min(len(r) - len(r.lstrip(" \t")) for r in raws[1:] if r.strip()) + raws[0]
    for raw in raws:
        if not raw or raw.isspace():
            previous_indent = -1  # a blank line ends a paragraph
            continue
        indent, marker, body = _split_marker(raw)
        body = " ".join(body.split())
        if body and body[0] in ".:;,)] ":
            body = _LEADING_PUNCT.sub("", body)
        if not body:
            continue
        last = lines[-1] if lines else None
        if marker[:1] == "(" and last is not None and _NUMBER_WORD_AT_END.search(last.body):
            # "... within six\n (6) months": the number repeated in figures, not a list marker
            marker, body = "", f"{marker} {body}"
        line = _Physical(indent, marker, body)
        if last is not None and _continues(last, previous_len, line, previous_indent):
            last.body = f"{last.body} {body}"  # a wrapped line: the criterion goes on
        else:
            previous_indent = indent
            lines.append(line)
        previous_len = len(raw.rstrip())
    physical: list[_Physical] = []
    # One search of the whole text spares most records the per-line look for "... 3) ..."
    inline_numbers = ") " in text and _INLINE_NUMBER.search(text) is not None
    for numbered in lines:
        for line in _numbered_pieces(numbered) if inline_numbers else (numbered,):
            _add_run_on_pieces(line, physical)
    return physical


def _add_run_on_pieces(line: _Physical, physical: list[_Physical]) -> None:
    pieces = _run_on_pieces(line.body)
    if len(pieces) == 1 and pieces[0] is line.body:  # most lines: no new object needed
        physical.append(line)
        return
    physical.extend(
        _Physical(line.indent, line.marker if i == 0 else "", piece) for i, piece in enumerate(pieces)
    )


#: "2) CTC positivity in the blood. 3) Patients with ...": numbered criteria run into one line.
#: The stop before the number is matched (not looked behind at) so the engine can skip to it.
_INLINE_NUMBER = re.compile(r"[.;]\s+(\d{1,2})\)\s+(?=[A-Z])")


_HEADING_THEN_ONE = re.compile(r"[^:]{0,40}\bcriteri(?:a|on)\s*:\s*1\)\s", re.IGNORECASE)


def _numbered_pieces(line: _Physical) -> list[_Physical]:
    """A line holding several numbered criteria, as one line each; numbers must run on (2, 3,
    4, ...) so a bracketed "see 2) ..." in a sentence never splits it."""
    if ") " not in line.body:
        return [line]
    found = list(_INLINE_NUMBER.finditer(line.body))
    if not found:
        return [line]
    numbers = [int(m.group(1)) for m in found]
    own = line.marker.rstrip(").")
    if _HEADING_THEN_ONE.match(line.body):
        first = 2  # "Exclusion criteria: 1) Pregnant. 2) Brain metastases."
    elif ": 1) " in line.body[: found[0].start()]:
        return [line]  # "... unless BOTH of the following: 1) ... 2) ...": one criterion
    elif own.isdigit() and line.marker.endswith(")"):
        first = int(own) + 1
    else:
        return [line]
    if numbers != list(range(first, first + len(numbers))):
        return [line]
    pieces = [_Physical(line.indent, line.marker, line.body[: found[0].start() + 1])]
    for index, match in enumerate(found):
        end = found[index + 1].start() + 1 if index + 1 < len(found) else len(line.body)
        pieces.append(_Physical(line.indent, match.group(1) + ")", line.body[match.end() : end]))
    return pieces


_SECTION_FOR_A_PART = re.compile(
    r"\W*(?:(?:subjects?|patients?|participants?)\s+)?(?:key\s+)?(?P<kind>inclusion|exclusion)\s+"
    r"criteria\s+(?:for|of)\s+(?:the\s+)?(?P<part>(?:part|cohort|arm|stage|group)\s+[a-z0-9]{1,3})\b"
    r"(?P<rest>[^:]{0,60}(?::.*)?)$",
    re.IGNORECASE,
)
_LABEL_THEN_WHOM = re.compile(r"(?P<label>[^:;.]{3,50}?)\s+-\s+(?P<whom>[^:;.]{2,50})")


@dataclass(slots=True)
class _Splitter:
    """The state of one pass over a criteria text: the section, the open lines, the items."""

    kind: ItemKind = "inclusion"
    section_parts: Parts = ()
    stack: list[_Line] = field(default_factory=list)
    items: list[CriteriaItem] = field(default_factory=list)

    def open_section(self, kind: ItemKind, parts: Parts) -> None:
        self.kind = kind
        self.stack.clear()
        self.section_parts = parts

    def heading(self, line: _Physical, hinted: bool) -> bool:
        """A section heading ("Exclusion Criteria:", "Part A1: Dose Escalation Inclusion Criteria")."""
        body = line.body
        heading = _heading_kind(body) if hinted else None
        if heading is not None and (not line.marker or len(body) < 80):
            self.open_section(heading, heading_parts(body))
            return True
        if hinted and ":" in body[:40] and heading is None:
            rest = body.partition(":")[2]
            named_heading = _heading_kind(rest) if rest.strip() else None
            if named_heading is not None and prefix_parts(body):
                self.open_section(named_heading, prefix_parts(body))
                return True
        return self._section_for_a_part(line, hinted)

    def _section_for_a_part(self, line: _Physical, hinted: bool) -> bool:
        """ "Subject Exclusion Criteria for Part 1: Safety Run-in study", "Inclusion Criteria for
        Part 2 (Randomized Phase II)": the section, for the part it names; what follows the part's
        name describes the part, unless a criterion follows a colon."""
        found = _SECTION_FOR_A_PART.match(line.body) if hinted else None
        if found is None:
            return False
        kind: ItemKind = "exclusion" if found.group("kind").lower() == "exclusion" else "inclusion"
        named, _, rest = found.group("rest").partition(":")
        self.open_section(kind, heading_parts(found.group("part") + named))
        rest = rest.strip()
        if len(rest.split()) >= 4:
            self.criterion(_Physical(line.indent, line.marker, rest), rest, hinted)
        return True

    def part_label(self, line: _Physical, hinted: bool) -> bool:
        """A line that only names a part ("Group 1", "PART B:", "  * Part A" inside a list)."""
        if not hinted or (line.marker and len(line.body) >= 25):
            return False
        named = label_line_parts(line.body)
        described = None
        if named is None and " - " in line.body:
            # "Dose expansion Cohort - TNBC": a part's label, then whom the part is for
            described = _LABEL_THEN_WHOM.fullmatch(line.body)
            named = label_line_parts(described.group("label")) if described else None
        if named is None:
            return False
        # "Dose expansion Cohort - TNBC" without a list marker heads everything after it
        nested = bool(line.marker) or (bool(line.indent) and described is None)
        if nested and len(line.body) <= 40:
            # "  * Part A" inside a list: only the lines nested under it belong to the part
            label = _Line(line.indent, line.marker, line.body, is_label=True)
            self._pop_to_parent_of(label)
            label.parts = nest(self.stack[-1].parts if self.stack else self.section_parts, named)
            self.stack.append(label)
        else:  # "Group 1", "Additional for patients in Part B only": what follows is that part's
            self.section_parts = named
            self.stack.clear()
        whom = described.group("whom") if described is not None else label_aside(line.body)
        if whom:
            self.criterion(_Physical(line.indent + 1, "", whom), whom, hinted=False)
        return True

    def inline_heading(self, body: str, hinted: bool) -> str:
        """ "Inclusion Criteria: adults ..." opens the section and leaves the criterion."""
        inline = (
            (_INLINE_HEADING.match(body) or _NCI_HEADING.match(body))
            if hinted and ":" in body[:140]
            else None
        )
        if inline and inline.group("rest").strip():
            heading = _heading_kind(body[: inline.start("rest")])
            if heading is not None:
                self.open_section(heading, heading_parts(body))
                return inline.group("rest").strip()
        return body

    def _pop_to_parent_of(self, line: _Line) -> None:
        while self.stack and not _is_parent_of(self.stack[-1], line):
            self.stack.pop()

    def criterion(self, physical: _Physical, body: str, hinted: bool) -> None:
        is_label = not physical.marker and body[-1] == ":" and len(body.split()) <= 4
        line = _Line(physical.indent, physical.marker, body, is_label=is_label)
        self._pop_to_parent_of(line)
        parent = self.stack[-1].text.rstrip(":").strip() if self.stack else None
        own = prefix_parts(body) if hinted else ()
        if not own and hinted and (body[-1] in "):" or body.find("for ", len(body) - 70) != -1):
            own = suffix_parts(body)  # "... only (phase II)": cheap tests first, most lines stop
        line.parts = nest(self.stack[-1].parts if self.stack else self.section_parts, own)
        self.stack.append(line)
        if not line.is_label:
            foreign = (
                self.kind == "inclusion"
                and len(self.stack) > 1
                and _under_another_cancer(self.stack[:-1])
            )
            item = CriteriaItem(self.kind, body, parent or None, len(self.items), line.parts, foreign)
            self.items.append(item)

    def read(self, line: _Physical) -> None:
        # Most lines name no section and no part: one search lets them skip those readers, each
        # of which needs one of these words somewhere in the line.
        hinted = _ANY_HINT.search(line.body.lower()) is not None
        if self.heading(line, hinted) or self.part_label(line, hinted):
            return
        body = self.inline_heading(line.body, hinted)
        if body is not line.body and not line.marker:
            marker = _marker_at(body)  # "Inclusion criteria:1) Female patients ..."
            if marker is not None and body[marker.end() :].strip():
                line = _Physical(line.indent, marker.group("marker"), body[marker.end() :].strip())
                body = line.body
        self.criterion(line, body, hinted)


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
    if "riteria" in text or "Additional" in text:
        text = _break_trailing_headings(text)
    splitter = _Splitter()
    for line in _physical_lines(text):
        splitter.read(line)
    return tuple(splitter.items)
