"""A small, documented subset of the Essie search language, for the local stand-in of the API.

Supported: case-insensitive words; unquoted words next to each other form one term that needs all
of its words somewhere in the searched fields (any order); ``"quoted phrases"`` that need the words
together and in order; ``AND``, ``OR``, ``NOT`` (precedence NOT > AND > OR, juxtaposition = AND);
parentheses; ``AREA[Piece or SearchArea]``; ``SEARCH[Location](...)`` (all inside one site);
``RANGE[min, max]`` on dates, ages and numbers (``MIN``/``MAX`` open ends, missing values never
match); ``MISSING``; ``ALL``; enum checking for ``AREA[Phase]``, ``AREA[OverallStatus]`` and alike.
``EXPANSION[...]``, ``COVERAGE[...]`` and ``TILT[...]`` are accepted and ignored.

Not emulated: UMLS synonyms and MeSH expansion (only a crude plural folding), relevance scores,
``DISTANCE[...]``, ``AREA[X:size]``, lexical variants beyond a trailing "s".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from data.ctgov_fields import PIECE_PATHS, path_values
from data.ctgov_query import Status
from data.models import age_in_years

SEARCH_AREAS: dict[str, tuple[str, ...]] = {
    "ConditionSearch": (
        "Condition",
        "BriefTitle",
        "OfficialTitle",
        "ConditionMeshTerm",
        "ConditionAncestorTerm",
        "Keyword",
        "NCTId",
    ),
    "BasicSearch": (
        "NCTId",
        "NCTIdAlias",
        "Acronym",
        "BriefTitle",
        "OfficialTitle",
        "Condition",
        "ConditionMeshTerm",
        "ConditionAncestorTerm",
        "Keyword",
        "InterventionName",
        "InterventionOtherName",
        "InterventionMeshTerm",
        "ArmGroupLabel",
        "ArmGroupDescription",
        "BriefSummary",
        "PrimaryOutcomeMeasure",
        "SecondaryOutcomeMeasure",
        "LeadSponsorName",
        "CollaboratorName",
        "OrgStudyId",
        "SecondaryId",
        "OverallOfficialName",
        "LocationFacility",
        "LocationCity",
        "LocationState",
        "LocationCountry",
    ),
    "LocationSearch": (
        "LocationFacility",
        "LocationCity",
        "LocationState",
        "LocationZip",
        "LocationCountry",
    ),
    "TitleSearch": ("BriefTitle", "OfficialTitle", "Acronym"),
    "InterventionSearch": (
        "InterventionName",
        "InterventionOtherName",
        "InterventionDescription",
        "InterventionType",
        "ArmGroupLabel",
        "ArmGroupDescription",
        "InterventionMeshTerm",
        "InterventionAncestorTerm",
    ),
    "OutcomeSearch": (
        "PrimaryOutcomeMeasure",
        "PrimaryOutcomeDescription",
        "SecondaryOutcomeMeasure",
        "SecondaryOutcomeDescription",
        "OtherOutcomeMeasure",
    ),
    "SponsorSearch": ("LeadSponsorName", "CollaboratorName"),
    "IdSearch": ("NCTId", "NCTIdAlias", "OrgStudyId", "SecondaryId", "Acronym"),
    "EligibilitySearch": ("EligibilityCriteria", "StudyPopulation"),
    "PatientSearch": ("Condition", "BriefTitle", "OfficialTitle", "Keyword", "EligibilityCriteria"),
}
"""Search areas and the pieces they search (after the official Search Areas page, simplified)."""

STATUS_VALUES: tuple[str, ...] = tuple(status.value for status in Status)
#: A site's status: the first eight study statuses (recruitment states) and AVAILABLE.
_SITE_STATUSES = (
    Status.ACTIVE_NOT_RECRUITING,
    Status.COMPLETED,
    Status.ENROLLING_BY_INVITATION,
    Status.NOT_YET_RECRUITING,
    Status.RECRUITING,
    Status.SUSPENDED,
    Status.TERMINATED,
    Status.WITHDRAWN,
    Status.AVAILABLE,
)
ENUM_VALUES: dict[str, tuple[str, ...]] = {
    "OverallStatus": STATUS_VALUES,
    "LastKnownStatus": STATUS_VALUES,
    "LocationStatus": tuple(status.value for status in _SITE_STATUSES),
    "Phase": ("NA", "EARLY_PHASE1", "PHASE1", "PHASE2", "PHASE3", "PHASE4"),
    "StudyType": ("EXPANDED_ACCESS", "INTERVENTIONAL", "OBSERVATIONAL"),
    "Sex": ("FEMALE", "MALE", "ALL"),
}

_EXPECTING = (
    "{<EOF>, '(', ',', 'NOT', 'AND', 'OR', 'SEARCH', 'AREA', 'RANGE', 'DISTANCE', Coverage, "
    "Expansion, 'TILT', 'ALL', 'MISSING', 'MIN', 'MAX', EscapedKeyword, BooleanLiteral, "
    "DecimalLiteral, DateLiteral, TimeLiteral, RadiusLiteral, StringLiteral, Term}"
)
_TOKEN = re.compile(
    r"""\s+|,
    |(?P<lparen>\()|(?P<rparen>\))
    |"(?P<phrase>(?:[^"\\]|\\.)*)"
    |(?P<op>AREA|SEARCH|RANGE|EXPANSION|COVERAGE|TILT|DISTANCE)\[(?P<arg>[^\]]*)\]
    |(?P<bracket>[\[\]"])
    |(?P<word>(?:\\.|[^\s()"\[\],])+)
    """,
    re.VERBOSE,
)
_KEYWORDS = frozenset({"AND", "OR", "NOT", "MISSING", "ALL"})
_WORD = re.compile(r"[^\W_]+")
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


class EssieError(ValueError):
    """An expression the real service would answer with ``400 Error parsing query in ...``."""


def _words(text: str) -> list[str]:
    """Lower-case word tokens with a crude plural folding (the real service uses UMLS instead)."""
    out = []
    for word in _WORD.findall(text.lower()):
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        out.append(word)
    return out


# ---- syntax tree -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]
    raw: str
    phrase: bool = False


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


@dataclass(frozen=True)
class Area:
    pieces: tuple[str, ...]
    name: str
    item: Node


@dataclass(frozen=True)
class SearchLocation:
    item: Node


@dataclass(frozen=True)
class Range:
    low: str | None
    high: str | None


@dataclass(frozen=True)
class Missing:
    pass


@dataclass(frozen=True)
class Everything:
    pass


Node = Term | And | Or | Not | Area | SearchLocation | Range | Missing | Everything


@dataclass
class _Token:
    kind: str
    text: str
    arg: str = ""


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:  # pragma: no cover - the word pattern accepts any other character
            raise EssieError(f"token recognition error at: '{text[pos]}'")
        pos = match.end()
        if match.group("lparen"):
            tokens.append(_Token("(", "("))
        elif match.group("rparen"):
            tokens.append(_Token(")", ")"))
        elif match.group("phrase") is not None:
            tokens.append(_Token("phrase", match.group("phrase").replace('\\"', '"')))
        elif match.group("op"):
            tokens.append(_Token("op", match.group("op"), match.group("arg")))
        elif match.group("bracket"):
            tokens.append(_Token("bad", match.group("bracket")))
        elif match.group("word"):
            word = match.group("word")
            if word in _KEYWORDS:
                tokens.append(_Token(word, word))
            else:
                tokens.append(_Token("word", word.replace("\\", "")))
    tokens.append(_Token("eof", "<EOF>"))
    return tokens


class _Parser:
    _STARTS = frozenset({"word", "phrase", "(", "NOT", "op", "MISSING", "ALL", "bad"})

    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.pos = 0

    def peek(self) -> _Token:
        return self.tokens[self.pos]

    def take(self) -> _Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def mismatch(self, token: _Token) -> EssieError:
        return EssieError(f"mismatched input '{token.text}' expecting {_EXPECTING}")

    def parse(self) -> Node:
        node = self.parse_or()
        token = self.peek()
        if token.kind != "eof":
            if token.kind == ")":
                raise EssieError("extraneous input ')' expecting <EOF>")
            raise self.mismatch(token)
        return node

    def parse_or(self) -> Node:
        items = [self.parse_and()]
        while self.peek().kind == "OR":
            self.take()
            items.append(self.parse_and())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def parse_and(self) -> Node:
        items = [self.parse_unary()]
        while True:
            kind = self.peek().kind
            if kind == "AND":
                self.take()
                items.append(self.parse_unary())
            elif kind in self._STARTS:
                items.append(self.parse_unary())
            else:
                break
        return items[0] if len(items) == 1 else And(tuple(items))

    def parse_unary(self) -> Node:
        token = self.peek()
        if token.kind == "NOT":
            self.take()
            return Not(self.parse_unary())
        if token.kind == "op" and token.text != "RANGE":
            self.take()
            return self.context(token, self.parse_unary())
        return self.parse_primary()

    def context(self, token: _Token, item: Node) -> Node:
        arg = token.arg.strip()
        if token.text == "AREA":
            name = arg.split(":", 1)[0]
            if name in SEARCH_AREAS:
                return Area(SEARCH_AREAS[name], name, item)
            if name in PIECE_PATHS:
                return Area((name,), name, item)
            raise EssieError(f"Unknown area name: `{name}`")
        if token.text == "SEARCH":
            if arg.lower() == "location":
                return SearchLocation(item)
            if arg.lower() == "study":
                return item
            raise EssieError(f"Unknown search scope: `{arg}`")
        if token.text == "DISTANCE":
            raise EssieError("DISTANCE[...] is not supported by the local stand-in; use filter.geo")
        return item  # EXPANSION, COVERAGE, TILT change ranking or matching detail only

    def parse_primary(self) -> Node:
        token = self.take()
        if token.kind == "(":
            node = self.parse_or()
            closing = self.peek()
            if closing.kind != ")":
                raise EssieError(f"missing ')' at '{closing.text}'")
            self.take()
            return node
        if token.kind == "phrase":
            return Term(tuple(_words(token.text)), token.text, phrase=True)
        if token.kind == "word":
            raw = [token.text]
            while self.peek().kind == "word":
                raw.append(self.take().text)
            text = " ".join(raw)
            return Term(tuple(_words(text)), text)
        if token.kind == "op" and token.text == "RANGE":
            return _range(token.arg)
        if token.kind == "MISSING":
            return Missing()
        if token.kind == "ALL":
            return Everything()
        raise self.mismatch(token)


def _range(arg: str) -> Range:
    parts = [p.strip() for p in arg.split(",")]
    if len(parts) != 2 or not all(parts):
        raise EssieError(f"mismatched input ']' expecting {_EXPECTING}")
    low, high = (None if p.upper() in ("MIN", "MAX") else p for p in parts)
    for bound in (low, high):
        if bound is not None and not _readable_bound(bound):
            raise EssieError(f"mismatched input '{bound}' expecting {_EXPECTING}")
    return Range(low, high)


def _parse_date(text: str) -> date | None:
    text = text.strip()
    match = _DATE.match(text)
    try:
        if match:
            return date(int(match.group(1)), int(match.group(2) or 1), int(match.group(3) or 1))
        match = _US_DATE.match(text)
        if match:
            return date(int(match.group(3)), int(match.group(1)), int(match.group(2)))
    except ValueError:
        return None
    return None


def _parse_number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _readable_bound(bound: str) -> bool:
    return any(convert(bound) is not None for convert in (_parse_date, age_in_years, _parse_number))


_AGE_PIECES = frozenset({"MinimumAge", "MaximumAge"})


def _kind(pieces: Sequence[str], bound: str) -> str:
    """Compare as the searched field's type: dates, ages, or plain numbers."""
    if pieces and all(p.endswith("Date") or p == "VersionHolder" for p in pieces):
        return "date"
    if pieces and all(p in _AGE_PIECES for p in pieces):
        return "age"
    if age_in_years(bound) is not None:
        return "age"
    if _parse_number(bound) is not None:
        return "number"
    return "date"


def parse(text: str) -> Node:
    """Parse an expression; raise :class:`EssieError` with the service's kind of message."""
    return _Parser(text).parse()


# ---- evaluation --------------------------------------------------------------------------------


@dataclass
class Document:
    """One study prepared for repeated searching; word sets are built on first use and kept."""

    raw: Mapping[str, Any]
    _values: dict[str, list[Any]] = field(default_factory=dict)
    _word_sets: dict[tuple[str, ...], frozenset[str]] = field(default_factory=dict)
    _word_lines: dict[tuple[str, ...], list[str]] = field(default_factory=dict)

    def values(self, piece: str) -> list[Any]:
        cached = self._values.get(piece)
        if cached is None:
            cached = path_values(self.raw, PIECE_PATHS[piece])
            self._values[piece] = cached
        return cached

    def texts(self, pieces: Sequence[str]) -> list[str]:
        out: list[str] = []
        for piece in pieces:
            for value in self.values(piece):
                if isinstance(value, bool):
                    out.append("true" if value else "false")
                elif isinstance(value, str | int | float):
                    out.append(str(value))
        return out

    def word_set(self, pieces: tuple[str, ...]) -> frozenset[str]:
        cached = self._word_sets.get(pieces)
        if cached is None:
            cached = frozenset(w for text in self.texts(pieces) for w in _words(text))
            self._word_sets[pieces] = cached
        return cached

    def word_lines(self, pieces: tuple[str, ...]) -> list[str]:
        cached = self._word_lines.get(pieces)
        if cached is None:
            cached = [" " + " ".join(_words(text)) + " " for text in self.texts(pieces)]
            self._word_lines[pieces] = cached
        return cached

    def for_each_location(self) -> list[Document]:
        protocol = self.raw.get("protocolSection")
        if not isinstance(protocol, Mapping):
            return []
        module = protocol.get("contactsLocationsModule")
        if not isinstance(module, Mapping) or not isinstance(module.get("locations"), list):
            return []
        return [
            Document({"protocolSection": {"contactsLocationsModule": {"locations": [location]}}})
            for location in module["locations"]
        ]


def _enum_value(piece: str, term: Term) -> str:
    value = "_".join(term.raw.upper().replace("-", " ").split())
    allowed = ENUM_VALUES[piece]
    if value not in allowed:
        path = PIECE_PATHS[piece]
        listed = ", ".join(f"`{v}`" for v in allowed)
        raise EssieError(f"Allowed values for enum field `{path}` are {listed}")
    return value


def check_enums(node: Node, pieces: tuple[str, ...] = ()) -> None:
    """Reject invalid enum values up front, as the service does before searching."""
    if isinstance(node, Area):
        check_enums(node.item, node.pieces)
    elif isinstance(node, Term):
        if len(pieces) == 1 and pieces[0] in ENUM_VALUES:
            _enum_value(pieces[0], node)
    elif isinstance(node, And | Or):
        for item in node.items:
            check_enums(item, pieces)
    elif isinstance(node, Not | SearchLocation):
        check_enums(node.item, pieces)


def _in_range(node: Range, doc: Document, pieces: tuple[str, ...]) -> bool:
    bound = node.low if node.low is not None else node.high
    if bound is None:
        return any(doc.texts(pieces))
    converters: dict[str, Callable[[str], Any]] = {
        "date": _parse_date,
        "age": age_in_years,
        "number": _parse_number,
    }
    convert = converters[_kind(pieces, bound)]
    low = convert(node.low) if node.low is not None else None
    high = convert(node.high) if node.high is not None else None
    for text in doc.texts(pieces):
        value = convert(text)
        if value is None:
            continue
        if (low is None or value >= low) and (high is None or value <= high):
            return True
    return False


def evaluate(node: Node, doc: Document, pieces: tuple[str, ...]) -> bool:
    """Whether a study matches; ``pieces`` are the fields searched when no AREA narrows them."""
    if isinstance(node, Term):
        if not node.words:
            return True
        if len(pieces) == 1 and pieces[0] in ENUM_VALUES:
            wanted = _enum_value(pieces[0], node)
            return any(str(v).upper() == wanted for v in doc.values(pieces[0]))
        if node.phrase:
            needle = " " + " ".join(node.words) + " "
            return any(needle in line for line in doc.word_lines(pieces))
        return doc.word_set(pieces).issuperset(node.words)
    if isinstance(node, And):
        return all(evaluate(item, doc, pieces) for item in node.items)
    if isinstance(node, Or):
        return any(evaluate(item, doc, pieces) for item in node.items)
    if isinstance(node, Not):
        return not evaluate(node.item, doc, pieces)
    if isinstance(node, Area):
        return evaluate(node.item, doc, node.pieces)
    if isinstance(node, SearchLocation):
        return any(evaluate(node.item, site, pieces) for site in doc.for_each_location())
    if isinstance(node, Range):
        return _in_range(node, doc, pieces)
    if isinstance(node, Missing):
        return not doc.texts(pieces)
    return True
