"""One pass to decide which readers a sentence needs: trigger words and their groups."""

from __future__ import annotations

import re

from matchers.reader.biomarkers import BIOMARKER_HINTS, GENE_HINTS, PROFILING_HINTS
from matchers.reader.brain import BRAIN_HINTS
from matchers.reader.lines import ADVANCED_HINTS, LINE_HINTS
from matchers.reader.receptors import RECEPTOR_HINTS
from matchers.reader.regex_tools import trie_pattern
from matchers.reader.setting import EARLY_HINTS, METASTATIC_HINTS
from matchers.reader.standard import FAILED_LATELY_HINTS, INTERVAL_HINTS, STD_HINTS
from matchers.reader.therapy_table import DRUG_HINTS, DRUG_WORDS

NO_GROUPS: frozenset[str] = frozenset()
_TRIGGER_KEYS: dict[str, tuple[str, ...]] = {
    "receptors": RECEPTOR_HINTS,
    "brain": BRAIN_HINTS,
    "liver": ("liver", "hepatic"),
    "extent": (
        "bone",
        "bony",
        "skeletal",
        "osseous",
        "measurable",
        "measureable",
        "evaluable",
        "assessable",
        "lesion",
        "spine",
        "spinal",
        "vertebra",
    ),
    "lines": LINE_HINTS + ADVANCED_HINTS,
    "prior": DRUG_HINTS,
    "radiation": ("radiotherapy", "radiation", "irradiation"),
    "biomarkers": BIOMARKER_HINTS,
    "sex": ("menopaus", "male", "female", "women"),
    "age": ("age", "aged", "years old", "years of age", "years or older", "years and older"),
    "performance": (
        "ecog",
        "eastern cooperative",
        "performance",
        "zubrod",
        "world health",
        "who ps",
        "karnofsky",
        "kps",
        "lansky",
    ),
    "setting": METASTATIC_HINTS,
    "setting_early": EARLY_HINTS,
    "breast": ("breast", "mammary"),
    "standard": STD_HINTS,
    "interval": INTERVAL_HINTS,
    "failed_lately": FAILED_LATELY_HINTS,
    "genes": GENE_HINTS,
    "profiling": PROFILING_HINTS,
    "inflammatory": ("inflammatory", "ibc"),
    "disease_state": (
        "de novo",
        "intact primary",
        "unresected primary",
        "primary tumor",
        "primary tumour",
        "primary breast",
        "primary lesion",
        "primary cancer",
        "primary confirmed",
        "primary metastatic",
        "primary distant",
        "synchronous",
        "stable disease",
        "nonprogressive disease",
        "non-progressive disease",
        "disease must be stable",
        "disease is stable",
        "at diagnosis",
        "at initial diagnosis",
        "at presentation",
        "time of diagnosis",
        "evaluable disease",
        "evidence of disease",
        "rendered",
        "complete remission",
        "complete radiolog",
        "complete clinical",
        "interventional study",
        "oligo",
        "graft",
        "gvhd",
        "suspected",
        "chest wall",
        "chest-wall",
        "cutaneous",
        "skin metasta",
        "skin lesion",
        "metastatic lesions",
        "metastatic sites",
        "sites of metasta",
        "up to",
        "or fewer",
        "maximum of",
        "parent study",
        "parent trial",
        "parent protocol",
        "in protocol",
        "continuing from",
        "out of 10",
        "prescription",
        "prescribed",
        "on a protocol",
        "on an nih",
        "on an interventional",
        "protocol in which",
        "diagnosis should",
        "diagnosis must",
        "diagnosed within",
        "diagnosis within",
        "diagnosed less",
        "diagnosed in the",
        "10 in",
        "10 on",
        "continuation stud",
        "extension stud",
        "rollover",
        "roll-over",
    ),
    "new_diagnosis": (
        "newly diagnosed",
        "recently diagnosed",
        "initial diagnosis",
        "new diagnosis",
        "new pathological diagnosis",
        "new pathologic diagnosis",
        "new histological diagnosis",
    ),
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
    "sirolimus",
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
    words = sorted(set(groups_of) | set(_COMPOUNDS) | {w for w in DRUG_WORDS if len(w) > 2})
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


def scan(text: str) -> tuple[set[str], set[str]]:
    """The extractors worth running on a normalized sentence and the key words that called them."""
    groups: set[str] = set()
    literals: set[str] = set()
    padded = f" {text} "
    match = _TRIGGER.search(padded)
    while match is not None:
        word = match.group("word") or match.group(0)
        literals.add(word)
        groups |= _TRIGGER_GROUPS.get(word, NO_GROUPS)
        end = match.end()
        # A match that ends in punctuation (" er+", "pd-") used up the character a word right
        # after it would consume: look for that word here, as a word-boundary scan would.
        while not (padded[end - 1].isalnum() or padded[end - 1] == "_"):
            follow = _TRIGGER_WORD.match(padded, end)
            if follow is None:
                break
            word = follow.group(0)
            literals.add(word)
            groups |= _TRIGGER_GROUPS.get(word, NO_GROUPS)
            end = follow.end()
        match = _TRIGGER.search(padded, end)
    return groups, literals


def triggered(text: str) -> set[str]:
    """The extractors worth running on a normalized sentence."""
    return scan(text)[0]
