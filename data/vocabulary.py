"""The clinical vocabulary (``vocabulary.yaml``), loaded once and checked before anything uses it.

One file names every subtype, site, biomarker, therapy and drug the app knows, with the words used
to show it and the words that find it in a trial's criteria. The profile, the form, the command
line, the patient wording, the criteria reader and the verdict all derive their tables from it, so
adding an item is one entry. The checks are strict because a missing label or trigger would
otherwise fail silently: the item would be offered but never read, or read but never explained.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import yaml

from data.yaml_files import load_strict

DEFAULT_PATH = Path(__file__).resolve().parent / "vocabulary.yaml"
#: Ids are lower-case words joined by hyphens; "/" is kept for "cdk4/6-inhibitor".
_ID = re.compile(r"^[a-z0-9]+(?:[-/][a-z0-9]+)*$")
#: Stands for the reader's list of words for a gene change inside a biomarker pattern.
MUTATION_SLOT = "{MUTATION}"
LINE_KINDS = ("chemotherapy", "endocrine")


class VocabularyError(ValueError):
    """The vocabulary file breaks a rule; the message names the section and the entry."""


@dataclass(frozen=True, slots=True)
class Choice:
    """A value a profile field can take, with the label the form and the packet show."""

    id: str
    label: str


@dataclass(frozen=True, slots=True)
class Biomarker:
    """A tumour test result a patient can list as positive, and how criteria name it.

    ``pattern`` (with ``MUTATION_SLOT``) or ``genes`` (gene names whose change is the finding) say
    when a sentence names the finding; ``mentions`` when it is about the marker at all.
    """

    id: str
    label: str
    noun: str
    article: str
    reader: str
    mentions: str
    keys: tuple[str, ...] = ()
    pattern: str = ""
    genes: tuple[str, ...] = ()
    change_words: tuple[str, ...] = ()

    @property
    def words(self) -> str:
        """ "an ESR1 mutation": the noun with its article, for sentences."""
        return f"{self.article} {self.noun}"


@dataclass(frozen=True, slots=True)
class Therapy:
    """A class of treatment or a single drug that a patient can list or a trial can name."""

    id: str
    label: str
    words: str
    form: bool = False
    within: tuple[str, ...] = ()
    credited_as: tuple[str, ...] = ()
    line_kind: str | None = None
    early_setting: bool = False
    generic: bool = False
    local: bool = False
    expands_to: tuple[str, ...] = ()
    triggers: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()
    not_read: str = ""


@dataclass(frozen=True, slots=True)
class Drug:
    """One drug's names (generic, other spellings, brands, development codes) and its item."""

    generic: str
    therapy: str
    aliases: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    #: How a question names it when the generic is a kind, not a drug ("a steroidal aromatase
    #: inhibitor (exemestane)"); the generic otherwise.
    label: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.generic, *self.aliases, *self.brands)


@dataclass(frozen=True)
class Vocabulary:
    subtypes: tuple[Choice, ...]
    hormone_receptor_values: tuple[Choice, ...]
    sites: tuple[Choice, ...]
    sexes: tuple[Choice, ...]
    menopausal_statuses: tuple[Choice, ...]
    brain_statuses: tuple[Choice, ...]
    ecog: tuple[tuple[int, str], ...]
    biomarkers: tuple[Biomarker, ...]
    therapies: tuple[Therapy, ...]
    drugs: tuple[Drug, ...]

    @property
    def subtype_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.subtypes)

    @property
    def site_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.sites)

    @property
    def biomarker_ids(self) -> tuple[str, ...]:
        return tuple(b.id for b in self.biomarkers)

    @property
    def form_therapy_ids(self) -> tuple[str, ...]:
        """The treatments a patient can list, in the form's order."""
        return tuple(t.id for t in self.therapies if t.form)

    @functools.cached_property
    def _therapy_by_id(self) -> dict[str, Therapy]:
        return {t.id: t for t in self.therapies}

    def therapy(self, therapy_id: str) -> Therapy:
        found = self._therapy_by_id.get(therapy_id)
        if found is None:
            raise KeyError(therapy_id)
        return found

    def biomarker(self, biomarker_id: str) -> Biomarker:
        return next(b for b in self.biomarkers if b.id == biomarker_id)

    @functools.cached_property
    def _broader(self) -> dict[str, frozenset[str]]:
        return {t.id: _closure(t.id, self.therapies, "within") for t in self.therapies}

    def broader(self, therapy_id: str) -> frozenset[str]:
        """Every class ``therapy_id`` is a kind of, through any number of steps."""
        return self._broader.get(therapy_id, frozenset())

    @functools.cached_property
    def _satisfied(self) -> dict[str, frozenset[str]]:
        return {t.id: self._satisfies(t.id) for t in self.therapies}

    def satisfies(self, therapy_id: str) -> frozenset[str]:
        """Every item a history of ``therapy_id`` counts for: itself, what it is a kind of, what
        a history rule credits it to, and drug treatment in general unless it is local."""
        return self._satisfied.get(therapy_id) or self._satisfies(therapy_id)

    def _satisfies(self, therapy_id: str) -> frozenset[str]:
        item = self.therapy(therapy_id)
        credited = {
            c for b in (therapy_id, *self.broader(therapy_id)) for c in self.therapy(b).credited_as
        }
        result = {therapy_id, *self.broader(therapy_id), *credited}
        for credit in tuple(credited):
            result |= self.broader(credit)
        if not item.local:
            result.add("systemic")
        return frozenset(result)

    @functools.cached_property
    def _members_of(self) -> dict[str, frozenset[str]]:
        """Filled as classes are asked for (every verdict asks, often for the same few)."""
        return {}

    def members(self, class_id: str) -> frozenset[str]:
        """Form items a history of which meets a rule naming ``class_id``."""
        found = self._members_of.get(class_id)
        if found is None:
            found = frozenset(
                t.id for t in self.therapies if t.form and class_id in self.satisfies(t.id)
            )
            self._members_of[class_id] = found
        return found

    def kinds_of(self, class_id: str) -> frozenset[str]:
        """Form items that are ``class_id`` or a kind of it (not those only credited to it)."""
        return frozenset(
            t.id
            for t in self.therapies
            if t.form and (t.id == class_id or class_id in self.broader(t.id))
        )

    def line_members(self, line_kind: str) -> frozenset[str]:
        """Form items that make a line of this kind (chemotherapy or endocrine)."""
        return frozenset(t.id for t in self.therapies if t.form and t.line_kind == line_kind)


def _closure(start: str, therapies: tuple[Therapy, ...], relation: str) -> frozenset[str]:
    by_id = {t.id: t for t in therapies}
    seen: set[str] = set()
    todo = list(getattr(by_id[start], relation))
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(getattr(by_id[current], relation))
    return frozenset(seen)


# --- loading and checking -------------------------------------------------------------------------


def load_vocabulary(path: Path | None = None) -> Vocabulary:
    """The vocabulary in ``path`` (the shipped file when ``None``, read once per process).

    Raises:
        VocabularyError: the file is missing, unparsable or breaks a rule.
    """
    return _load_default() if path is None else _load(Path(path))


@functools.lru_cache(maxsize=1)
def _load_default() -> Vocabulary:
    return _load(DEFAULT_PATH)


def _load(path: Path) -> Vocabulary:
    try:
        data = load_strict(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise VocabularyError(f"{path.name}: cannot be read: {error}") from error
    if not isinstance(data, Mapping):
        raise VocabularyError(f"{path.name}: expected a mapping of sections")
    vocabulary = Vocabulary(
        subtypes=_choices(data, "subtypes"),
        hormone_receptor_values=_choices(data, "hormone_receptor_values"),
        sites=_choices(data, "sites"),
        sexes=_choices(data, "sexes"),
        menopausal_statuses=_choices(data, "menopausal_statuses"),
        brain_statuses=_choices(data, "brain_statuses"),
        ecog=tuple((int(c.id), c.label) for c in _choices(data, "ecog", numeric=True)),
        biomarkers=tuple(_biomarker(e) for e in _entries(data, "biomarkers")),
        therapies=tuple(_therapy(e) for e in _entries(data, "therapies")),
        drugs=tuple(_drug(e) for e in _entries(data, "drugs")),
    )
    _check_references(vocabulary)
    return vocabulary


class _Entry:
    """One mapping of the file, read field by field; a failure names the section and entry."""

    def __init__(self, raw: object, section: str, index: int, allowed: frozenset[str]) -> None:
        self.section = section
        self.name = f"#{index + 1}"
        if not isinstance(raw, Mapping):
            self.fail("expected a mapping of keys")
        self.raw: Mapping[str, Any] = raw
        self.name = str(raw.get("id") or raw.get("generic") or self.name)
        unknown = sorted(str(k) for k in raw if k not in allowed)
        if unknown:
            self.fail(f"unknown key {unknown[0]!r}")

    def fail(self, problem: str) -> NoReturn:
        raise VocabularyError(f"vocabulary.yaml: {self.section}: entry {self.name!r}: {problem}")

    def text(self, key: str, default: str | None = None) -> str:
        value = self.raw.get(key, default)
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{key!r} must be non-empty text")
        return " ".join(str(value).split())

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(f"{key!r} must be a list of non-empty texts")
        return tuple(value)

    def flag(self, key: str) -> bool:
        value = self.raw.get(key, False)
        if not isinstance(value, bool):
            self.fail(f"{key!r} must be true or false")
        return bool(value)

    def ident(self, key: str = "id", *, numeric: bool = False) -> str:
        value = self.raw.get(key)
        if numeric and isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str) or not _ID.match(value):
            self.fail(f"{key!r} must be lower-case words joined by hyphens")
        return str(value)

    def pattern(self, text: str) -> str:
        try:
            re.compile(text.replace(MUTATION_SLOT, "(?:x)"))
        except re.error as error:
            self.fail(f"pattern {text!r} does not compile: {error}")
        return text


def _entries(data: Mapping[str, Any], section: str) -> list[object]:
    value = data.get(section)
    if not isinstance(value, list) or not value:
        raise VocabularyError(f"vocabulary.yaml: section {section!r} must be a non-empty list")
    return value


def _unique(section: str, ids: list[str]) -> None:
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise VocabularyError(f"vocabulary.yaml: {section}: id {repeated[0]!r} appears twice")


def _choices(data: Mapping[str, Any], section: str, *, numeric: bool = False) -> tuple[Choice, ...]:
    choices = []
    for index, raw in enumerate(_entries(data, section)):
        entry = _Entry(raw, section, index, frozenset({"id", "label"}))
        choices.append(Choice(entry.ident(numeric=numeric), entry.text("label")))
    _unique(section, [c.id for c in choices])
    return tuple(choices)


_BIOMARKER_KEYS = frozenset(
    {"id", "label", "noun", "article", "reader", "mentions", "keys", "pattern", "genes"}
    | {"change_words"}
)


def _biomarker(raw: object) -> Biomarker:
    entry = _Entry(raw, "biomarkers", 0, _BIOMARKER_KEYS)
    article = entry.text("article")
    if article not in ("a", "an"):
        entry.fail("'article' must be 'a' or 'an'")
    marker = Biomarker(
        id=entry.ident(),
        label=entry.text("label"),
        noun=entry.text("noun"),
        article=article,
        reader=entry.ident("reader"),
        mentions=entry.pattern(entry.text("mentions")),
        keys=entry.texts("keys"),
        pattern=entry.pattern(str(entry.raw.get("pattern", ""))),
        genes=tuple(entry.pattern(g) for g in entry.texts("genes")),
        change_words=tuple(entry.pattern(w) for w in entry.texts("change_words")),
    )
    if marker.reader == "biomarkers" and not (marker.pattern or marker.genes):
        entry.fail("a biomarker read by the biomarker reader needs a 'pattern' or 'genes'")
    if not marker.keys:
        entry.fail("'keys' must list the words that call its reader")
    return marker


_THERAPY_KEYS = frozenset(
    {"id", "label", "words", "form", "within", "credited_as", "line_kind", "early_setting"}
    | {"generic", "local", "expands_to", "triggers", "keys", "not_read"}
)


def _therapy(raw: object) -> Therapy:
    entry = _Entry(raw, "therapies", 0, _THERAPY_KEYS)
    line_kind = entry.raw.get("line_kind")
    if line_kind is not None and line_kind not in LINE_KINDS:
        entry.fail(f"'line_kind' must be one of {', '.join(LINE_KINDS)}")
    return Therapy(
        id=entry.ident(),
        label=entry.text("label"),
        words=entry.text("words"),
        form=entry.flag("form"),
        within=entry.texts("within"),
        credited_as=entry.texts("credited_as"),
        line_kind=line_kind,
        early_setting=entry.flag("early_setting"),
        generic=entry.flag("generic"),
        local=entry.flag("local"),
        expands_to=entry.texts("expands_to"),
        triggers=tuple(entry.pattern(t) for t in entry.texts("triggers")),
        keys=entry.texts("keys"),
        not_read=entry.text("not_read", "-") if "not_read" in entry.raw else "",
    )


def _drug(raw: object) -> Drug:
    entry = _Entry(
        raw, "drugs", 0, frozenset({"generic", "aliases", "brands", "codes", "therapy", "label"})
    )
    return Drug(
        generic=entry.text("generic"),
        therapy=entry.ident("therapy"),
        aliases=entry.texts("aliases"),
        brands=entry.texts("brands"),
        codes=entry.texts("codes"),
        label=entry.text("label") if "label" in entry.raw else "",
    )


def _check_references(vocabulary: Vocabulary) -> None:
    """Every id an entry names exists, and every therapy can be found or says why not."""
    _unique("biomarkers", [b.id for b in vocabulary.biomarkers])
    _unique("therapies", [t.id for t in vocabulary.therapies])
    _unique("drugs", [d.generic.lower() for d in vocabulary.drugs])
    ids = {t.id for t in vocabulary.therapies}
    named = {d.therapy for d in vocabulary.drugs}
    for therapy in vocabulary.therapies:
        for ref in (*therapy.within, *therapy.credited_as, *therapy.expands_to):
            if ref not in ids:
                raise VocabularyError(
                    f"vocabulary.yaml: therapies: entry {therapy.id!r}: unknown {ref!r}"
                )
        findable = bool(therapy.triggers) or therapy.id in named
        if findable == bool(therapy.not_read):
            problem = "has no trigger and no drug" if not findable else "is found but says 'not_read'"
            raise VocabularyError(f"vocabulary.yaml: therapies: entry {therapy.id!r} {problem}")
        if therapy.triggers and not therapy.keys:
            raise VocabularyError(f"vocabulary.yaml: therapies: entry {therapy.id!r} has no 'keys'")
    for drug in vocabulary.drugs:
        if drug.therapy not in ids:
            raise VocabularyError(f"vocabulary.yaml: drugs: {drug.generic!r}: unknown {drug.therapy!r}")
