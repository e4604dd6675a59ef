"""Which facts about a patient a criterion talks about, so a criterion nobody read can be told.

The readers say what a criterion requires; these detectors only say what it is about (receptor
status, the brain, earlier treatment, lines, biomarkers, performance status, sex, menopause, age,
stage). A criterion about one of them from which no reader took anything, and which is not one of
the forms known to set no rule for her ("not specified", "within 4 weeks of", "women of
childbearing potential"), is *not read*: the verdict then cannot say "likely eligible" with
confidence and asks the care team about that criterion instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from data.vocabulary import load_vocabulary
from matchers.findings import CONCEPT_WORDS
from matchers.reader.regex_tools import split_alternatives, trie_pattern, word_start_pattern

_VOCABULARY = load_vocabulary()


@dataclass(frozen=True, slots=True)
class Concept:
    """A fact about the patient that criteria talk about, and how to tell they do."""

    name: str
    mention: re.Pattern[str]
    #: Forms that talk about it without a rule for the patient.
    no_rule: re.Pattern[str]

    @property
    def words(self) -> str:
        """Plain words for a question to the care team ("receptor status")."""
        return CONCEPT_WORDS[self.name]


#: Treatment timing, current use, side effects and allergies: rules that are not about her history.
_NOT_HISTORY = (
    r"\bwithin\s+(?:the\s+)?(?:last\s+|past\s+|previous\s+|prior\s+)?\d+|\b\d+\s*(?:days?|weeks?|months?)\s+"
    r"(?:prior|before|of|since|after|from)|\bconcurrent\w*|\bconcomitant\w*|\bcurrently\b|\bongoing\b|"
    r"\btoxicit\w*|\brecover\w*|\ballerg\w*|\bhypersensitiv\w*|\bcontraindicat\w*|\bwashout\b|\bduring\b|"
    r"\bwill\s+(?:be\s+)?(?:receive|given|treated|randomi[sz]ed|assigned)\w*|\bstudy\s+(?:drug|treatment|therapy)\b|"
    r"\binfection|\bautoimmun\w*|\bsteroids?\b|\bcorticosteroid\w*|\bimmunosuppress\w*|"
    r"\bnot\s+specified\b|\bsee\s+(?:disease|patient)\s+characteristics|^\W*[a-z]+(?:\s+[a-z]+)?\W*$"
)
_TESTING = (
    r"\bnot\s+specified\b|\bregardless\b|\birrespective\b|\bunknown\b|\bany\s+(?:status|subtype)\b|"
    r"\b(?:tested|testing|assessed|assessment|determined|confirmed|documented|measured|evaluated|"
    r"recorded|collected|available|sample|specimen|tissue|block|slides?|central(?:ly)?|local(?:ly)?\s+"
    r"(?:laboratory|lab))\b"
)
_REPRODUCTIVE = (
    r"childbearing|contracept|pregnan|lactat|breast-?\s?feeding|nursing|fertile|\bwocbp\b|"
    r"reproductive|abstinen|sperm|condom|sexual(?:ly)?\s+active|donat|steril|vasectom|partner"
)
_LAB = (
    r"\buln\b|upper\s+limit|bilirubin|\bast\b|\balt\b|transaminase|creatinine|clearance|"
    r"\d\s*(?:x|times)\b"
)


def _words(*alternatives: str) -> re.Pattern[str]:
    """One regex for the alternatives, rewritten so the engine skips positions no alternative can
    start at, where that is possible (every alternative starting with a plain character)."""
    pattern = "|".join(alternatives)
    try:
        return re.compile(word_start_pattern(pattern))
    except ValueError:
        return re.compile(pattern)


def _marker_mentions() -> str:
    return "|".join(f"(?:{b.mentions})" for b in _VOCABULARY.biomarkers)


CONCEPTS: tuple[Concept, ...] = (
    Concept(
        "receptors",
        _words(
            r"\b(?:her-?2|erbb-?2|hormone[\s-]receptors?|estrogen[\s-]receptors?|oestrogen|progesterone)\b",
            r"\b(?:er|pr|hr)\s*(?:\+|-|status|positive|negative)",
            r"\btriple[\s-]negative\b|\btnbc\b|\bluminal\b",
        ),
        _words(
            _TESTING,
            r"\bher2[\s-]*(?:directed|targeted)|\banti-?her",
            # "Progesterone or estrogen receptor status known": any result, so no subtype
            r"\bstatus(?:es)?\s+(?:is\s+|are\s+|must\s+be\s+)?known\b",
            # "Patients must have ER analysis performed on the primary tumor"
            r"\b(?:analysis|analyses|assay|testing)\s+(?:\w+\s+)?performed\b",
            r"\b(?:inconclusive|equivocal|indeterminate|unavailable|borderline)\b",
            r"\breplacement\b|\bhrt\b|\bcontraceptiv\w*",
            # "Exception: trastuzumab is allowed for subjects with HER2+ disease" (concurrent drugs)
            r"^\W*exceptions?\b|\bconcurrent\w*|\bconcomitant\w*",
        ),
    ),
    Concept(
        "brain",
        _words(r"\b(?:brain|cns|central\s+nervous\s+system|intra-?cranial|lepto-?mening\w*|cerebral)\b"),
        _words(
            r"\bprimary\s+(?:brain|cns)\b|\bmri\b|\bimaging\b|\bscans?\b|\bseizure|\bepilep\w*|"
            r"\bmental\b|\bpsychiatric|\bneurolog\w*|\bdementia|\bstroke|\bcerebrovascular|\bbleed\w*|"
            r"\bhemorrhag\w*|\binfarct\w*",
            _NOT_HISTORY,
        ),
    ),
    Concept(
        "treatment",
        _words(
            r"\btransplant\w*|\bstem[\s-]cells?\b|\bmarrow\s+(?:ablat\w*|rescue|support)|"
            r"\bhigh[\s-]dose\s+chemotherap\w*|\bhormonal\s+manipulation|\bsiblings?\b|\bhla[\s-]?(?:matched|identical|compatible)"
        ),
        _words(
            _NOT_HISTORY,
            r"\bcandidates?\b|\bcurative\b|\beligible\s+for\b|"
            r"\bsolid[\s-]organ\b|\borgan\s+(?:allo)?graft|\borgan\s+transplant|"
            r"\ballogeneic\s+(?:organ|tissue)",
        ),
    ),
    Concept(
        "lines",
        _words(
            r"\blines?\s+of\b|\b(?:first|second|third|later|1st|2nd|3rd)[\s-]line\b|\bprior\s+(?:lines?|regimens?)\b",
            r"\bpre-?treated\b|\btreatment[\s-]na[iï]ve\b|\bchemo(?:therapy)?[\s-]na[iï]ve\b",
        ),
        _words(_NOT_HISTORY),
    ),
    Concept(
        "biomarkers",
        _words(_marker_mentions()),
        _words(_TESTING),
    ),
    Concept(
        "performance",
        _words(
            r"\b(?:ecog|karnofsky|kps|zubrod|lansky)\b|\bperformance\s+(?:status|score)\b|\bwho\s+ps\b"
        ),
        # "determined by the ECOG Pathology Coordinating Office": the cooperative group, not a score
        _words(r"\bnot\s+specified\b|\becog\s+(?:pathology|coordinating|operations|statistical)\b"),
    ),
    Concept(
        "sex",
        _words(r"\b(?:women|men|males?|females?)\b"),
        _words(
            _REPRODUCTIVE,
            _LAB,
            r"\bnot\s+specified\b|\bhysterectom\w*|\boophorectom\w*|\bcockcroft|\bgault|amenorrh|"
            r"\buterus\b|menopaus|\bqtc?\b|\bms\b|h(?:a)?emoglobin|g/dl",
            # "Any endocrine therapy < 14 days before first dose (except GnRH agonists in men)"
            r"<\s*\d+\s*days\b|\bwithin\s+\d+\s*(?:days|weeks)\b|\bexception\s+of\b",
        ),
    ),
    Concept(
        "menopause",
        _words(r"menopaus"),
        _words(
            _REPRODUCTIVE,
            r"\bnot\s+specified\b|\bdefined\b|\bconsidered\b|\bamenorrh|\bfsh\b|\bmenses\b|\bestradiol|"
            r"\b(?:any|all|regardless\s+of|irrespective\s+of)\s+(?:\w+\s+)?menopausal\s+status",
        ),
    ),
    Concept(
        "care goals",
        # A population defined by the goal of care ("no longer a candidate for aggressive anticancer
        # therapy", "enrolled in hospice"): nothing in her answers says it, and most people looking
        # for treatment trials are not in it.
        _words(
            r"\bno\s+longer\s+(?:a\s+)?candidates?\b|\bnot\s+(?:a\s+)?candidates?\s+for\s+(?:any\s+)?"
            r"(?:further|aggressive|curative|active|standard|systemic|disease[\s-]directed)\b|"
            r"\b(?:enrolled|receiving|eligible)\s+(?:in|for)\s+hospice\b|\bhospice\s+care\b|"
            r"\bbest\s+supportive\s+care\s+(?:only|alone)\b|\bcomfort\s+care\b",
        ),
        _words(r"\bcaregivers?\b|\bfamily\s+members?\b|\bstaff\b|\bclinicians?\b"),
    ),
    Concept(
        "age",
        # An age with a number past adulthood: "18 years or older" sets no limit for her.
        _words(
            r"\b(?:aged?|years?\s+(?:of\s+age|old))\b[^.;,]{0,30}?\b(?:2[2-9]|[3-9]\d|1[01]\d)\b",
            r"\b(?:2[2-9]|[3-9]\d|1[01]\d)\b[^.;,]{0,20}?\b(?:years?\s+(?:of\s+age|old)|aged?)\b",
        ),
        _words(
            r"\bnot\s+specified\b|\bchild\w*|\bpediatric|\badolescen\w*|amenorrh|menopaus|"
            r"\brelatives?\b|\bfamily\b|\bmother\b|\bsister\b|\bsudden\s+death",
            _REPRODUCTIVE,
            _LAB,
        ),
    ),
)


#: Plain substrings one of which every mention of a concept contains (a necessary condition):
#: tested with ``in``, they spare most criteria (labs, consent, contraception) every regex.
#: ``tests/test_reader_concepts.py`` checks each alternative of each mention pattern against them.
HINTS: dict[str, tuple[str, ...]] = {
    "receptors": (
        "her2",
        "her-2",
        "erbb",
        "hormone",
        "estrogen",
        "oestrogen",
        "progesterone",
        "triple",
        "tnbc",
        "luminal",
        "r+",
        "r-",
        "r +",
        "r -",
        "r status",
        "r positive",
        "r negative",
    ),
    "brain": ("brain", "cns", "central", "cranial", "mening", "cerebral"),
    "treatment": ("transplant", "stem", "marrow", "high", "hormonal", "sibling", "hla"),
    "lines": ("line", "regimen", "treated", "naive", "naïve"),
    "biomarkers": (
        *("pik3ca", "esr1", "brca", "pd-l1", "pdl1", "cps"),
        *("her2", "her-2", "erbb", "akt1", "pten"),
    ),
    "performance": ("ecog", "karnofsky", "kps", "zubrod", "lansky", "performance", "who ps"),
    "sex": ("men", "male"),
    "menopause": ("menopaus",),
    "care goals": ("candidate", "hospice", "supportive care", "comfort care"),
    "age": ("age", "year"),
}
_CONCEPTS_OF_HINT: dict[str, tuple[str, ...]] = {
    hint: tuple(c.name for c in CONCEPTS if hint in HINTS[c.name])
    for hint in {h for hints in HINTS.values() for h in hints}
}
#: The hints as one prefix tree. A pattern that starts with plain characters lets the regex
#: engine skip, in C, every position no hint starts at (a lookahead at each position cannot).
_HINT_SCAN = re.compile(trie_pattern(sorted(_CONCEPTS_OF_HINT)))


def _hints_in(text: str) -> set[str]:
    """Every hint in the text, overlapping ones included ("women" holds "men", "her-2" holds
    "r-"): each search starts one character after the last match began."""
    found: set[str] = set()
    match = _HINT_SCAN.search(text)
    while match is not None:
        found.add(match.group())
        match = _HINT_SCAN.search(text, match.start() + 1)
    return found


def _searches(pattern: re.Pattern[str]) -> tuple[Callable[[str], object], ...]:
    """Searches that together find ``pattern`` where it is (one finds something exactly when the
    pattern does): the alternatives that can start at a plain character as one word-start regex,
    which the regex engine skips through in C, and each of the others alone. One ``^...$`` or
    ``\\b\\d`` alternative in a pattern makes the engine try every alternative at every position;
    apart, each of them is a single cheap test (``^`` only at the start, ``\\d`` only at digits)."""
    plain: list[str] = []
    others: list[Callable[[str], object]] = []
    for alternative in split_alternatives(pattern.pattern):
        try:
            word_start_pattern(alternative)
        except ValueError:
            if alternative.startswith("^"):  # no MULTILINE: it can only match at the start
                others.append(re.compile(alternative, pattern.flags).match)
            elif alternative.startswith(r"\b\d+"):  # "\b" before a digit: no word character before it
                others.append(re.compile(r"\d(?<!\w\d)\d*" + alternative[5:], pattern.flags).search)
            else:
                others.append(re.compile(alternative, pattern.flags).search)
        else:
            plain.append(alternative)
    if plain:
        others.insert(0, re.compile(word_start_pattern("|".join(plain)), pattern.flags).search)
    return tuple(others)


#: Each concept's mention and no-rule patterns as the searches that find them fastest.
_SEARCHES: dict[str, tuple[tuple[Callable[[str], object], ...], tuple[Callable[[str], object], ...]]] = {
    c.name: (_searches(c.mention), _searches(c.no_rule)) for c in CONCEPTS
}


def _found(searches: tuple[Callable[[str], object], ...], text: str) -> bool:
    return any(search(text) is not None for search in searches)


def unread_concepts(text: str, skip: frozenset[str] | set[str] = frozenset()) -> tuple[Concept, ...]:
    """The concepts a criterion that no reader took anything from talks about, leaving out the
    forms that set no rule for the patient (and the concepts in ``skip``, which the caller knows
    were read: their patterns are not searched)."""
    found = _hints_in(text)
    if not found:
        return ()
    hinted = {name for hint in found for name in _CONCEPTS_OF_HINT[hint]}
    if skip:
        hinted -= skip
        if not hinted:
            return ()
    return tuple(
        c
        for c in CONCEPTS
        if c.name in hinted
        and _found(_SEARCHES[c.name][0], text)
        and not _found(_SEARCHES[c.name][1], text)
    )
