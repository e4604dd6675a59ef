"""Prior treatments required, excluded or allowed, found through the vocabulary of therapies."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace

from matchers.criteria_text import only_another_cancer
from matchers.findings import (
    Allowed,
    Factor,
    Qualifier,
    Source,
)
from matchers.reader.collector import Collector
from matchers.reader.context import (
    ALLOWING,
    BRACKETED,
    CONDITIONAL,
    IS_PERMITTED,
    METASTATIC_SCOPE,
    polarity,
    pre_window,
)
from matchers.reader.regex_tools import last_match, trie_pattern, word_start_pattern
from matchers.reader.text import Polarity, trim_quote
from matchers.reader.therapy_spans import (
    example_spans,
    timed_asides,
    unbracketed_tail,
    washout_mentions,
)
from matchers.reader.therapy_table import (
    DRUG_KEYS,
    EXPANSIONS,
    GENERIC_CLASSES,
    ONE_OF_SEVERAL,
    ORDER,
    THERAPY_PATTERNS,
)

#: A SERD could be fulvestrant or an oral one; the verdict treats such a word as "any of".
_EXPANSIONS = EXPANSIONS
_PRIOR_CONTEXT = re.compile(
    r"\b(?:prior(?!\s+to\s+(?:the\s+)?(?:initiation|start|beginning|first|study|enrol|registration|"
    r"randomi|surgery|entry|administration|dosing|day\s+1|cycle|receiving|commenc))|previous\w*|received|pretreated|pre-treated|progress\w*|after|(?<!the\s)following|"
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
    r"indications?\s+for|(?<!not\s)(?<!not\sbe\s)amenable\s+(?:for|to)|"
    r"plan\s+to|scheduled|willing|randomi[sz]\w*|assigned|in\s+combination|combined\s+with|"
    r"able\s+to\s+(?:receive|take)|to\s+receive|will\s+receive|"
    r"investigator'?s?\s+choice|physician'?s?\s+choice|recover\w*|toxicit\w*|resolved|adverse|"
    r"to\s+be\s+(?:treated|given|administered)|intent(?:ion)?\s+to\s+treat|intended|planned\s+for)\b"
)
#: A criterion that opens with a plan: everything it names is to come, not history.
_OPENING_PLAN = re.compile(
    r"\W*(?:(?:patients?|participants?|subjects?)\s+(?:(?:is|are|must\s+be|who\s+are)\s+)?)?(?:planned|planning|"
    r"scheduled|about)\s+to\s+(?:initiate|start|begin|receive|undergo)\b"
)
#: "Currently receiving myelosuppressive, cytotoxic chemotherapy": the treatment she is on now.
_CURRENTLY_ON = re.compile(
    r"\b(?:currently|presently)\s+(?:receiving|taking|on|undergoing|being\s+treated\s+with)\b|"
    r"^\W*current\b(?=\s)"  # "Current letrozole or anastrozole monotherapy with ..."
)
#: "No more than 1 prior chemotherapy regimen", "up to 4 weeks of prior tamoxifen": a cap, which
#: none meets as well as one.
_CAP_BEFORE = re.compile(
    r"\b(?:no|not)\s+more\s+than\s+[\w.]+\s+(?:[\w-]+\s+){0,3}$|"
    r"\b(?:at\s+most|up\s+to|a\s+maximum\s+of|maximum\s+of|fewer\s+than|less\s+than|<=?)\s*[\w.]+\s+"
    r"(?:[\w-]+\s+){0,3}$"
)
#: "At least a minimum of 2 and a maximum of 5 prior lines of anti-HER2 therapy": a floor too.
#: "Progression ... no more than 1 prior hormonal therapy": at least the one it progressed on.
_FLOOR_TOO = re.compile(
    r"\bat\s+least\b|\bminimum\b|\b\d+\s*(?:-|to)\s*\d+\b|\bprogress\w*|\brecurr\w*|\brelaps\w*|"
    r"\bfail\w*|\brefractory\b"
)
#: "... with chemotherapy (and endocrine therapy if appropriate)": required only of those it suits.
_IF_FITTING = re.compile(
    r"\W*(?:(?!and\b|or\b)\w+\W+){0,3}?if\s+(?:appropriate|indicated|applicable|clinically\s+indicated|eligible|"
    r"needed|suitable)\b"
)
#: "Patients currently receiving trastuzumab may continue": a permission, not a requirement.
_MAY_STAY_ON = re.compile(r"\b(?:may|can|could)\s+(?:continue|remain|stay)\b")
_ANOTHER_WAY_BEFORE = re.compile(r"(?:\bor\s+(?:\w+\s+){0,2}|\b(?:received|had),?\s+(?:\w+\s+){0,2})$")
_STOPS_IT = re.compile(r"\bwilling\b|\bstop\w*|\bdiscontinu\w*|\bswitch\w*|\bwash\w*")
#: "... and is scheduled for T-DXd treatment": the treatment she is about to start.
_SCHEDULED = re.compile(r"\b(?:is|are|been)\s+scheduled\s+(?:for|to\s+(?:receive|start|begin))\b")
_NOT_A_PRIOR = re.compile(
    word_start_pattern(
        r"\bconcurrent\b|\bconcomitant\b|\bcurrently\s+(?:receiving|taking|on)\b|\bongoing\b"
    )
)
#: Allergy, reaction, dose and pregnancy wording: never a rule about treatment history. Plain
#: words go in a prefix tree, which rejects most positions of a sentence after one character.
_CHEMOSENSITIVE = re.compile(
    r"\bchemo[\s-]?sensitiv\w*|\b(?:sensitive|responsive)\s+to\s+(?:prior|previous|earlier)\s+"
    r"(?:\w+\s+){0,2}?chemotherapy\b"
)
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
                "washout",
                "wash-out",
                "discontinued from the study",
                "screening failure",
                "absorption",  # "bowel resection that would preclude absorption of abemaciclib"
                "not counted",  # "capecitabine is not counted as a prior chemotherapy regimen": a note
                "not be counted",
            ]
        )
        # "doses of" is a dose rule, but "at least 1 prior lifetime dose of paclitaxel" is history
        + r"|(?<!prior\s)(?<!lifetime\s)(?<!previous\s)d(?<!\wd)oses?\s+of\b|"
        r"m(?<![a-z]m)g\s*/\s*(?:m\s*\^?\s*2|m²|kg)\b"
    )
)
_CONSEQUENCE = re.compile(
    r"\b(?:that|which)\s+(?:has\s+|have\s+)?(?:resulted|led|caused|result|lead|cause)\s+(?:in|to)?\b|"
    # "a history of LVEF decline to below 50% during or after prior trastuzumab"
    r"\b(?:decline|decrease|drop|fall|reduction)\w*\b[^.;]{0,60}?\b(?:during|while\s+on|while\s+receiving)\b|"
    r"\b(?:aes?|adverse\s+(?:events?|reactions?)|toxicit\w*)\b[^.;]{0,80}?\b(?:resolved|recovered)\b|"
    r"\bexperienced\s+[^.;]{0,60}?\b(?:aes?|adverse|toxicit\w*|reactions?)\b|"
    # "prior platinum-based therapy who have > grade 1 neurotoxicity at the time of enrollment"
    r"\bwho\s+(?:have|has|had|still\s+have)\s+(?:>=?|greater\s+than\s+)?\s*grade\s*(?:[1-4]|i{1,3}|iv)\b"
)
_INTOLERANCE = re.compile(r"\bintoleran\w*\s+(?:\([^()]*\)\s*)?(?:to|of|with)\b")
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
#: History words a title may use. Bare "after" is left out: "Phesgo after induction with Phesgo
#: and a taxane" describes the study's own treatment sequence, not what she must have had.
_TITLE_HISTORY = re.compile(
    word_start_pattern(
        r"\b(?:progress\w*\s+(?:on|after|following|during)(?:\s+or\s+after)?|pretreated|pre-treated|"
        r"previously\s+treated|refractory|resistant|failed|failure\s+of)\b"
    )
)


_AI_TOKENS = frozenset({"ai", "ais", "nsai", "nsais"})


@functools.lru_cache(maxsize=4096)
def therapies_for_literal(literal: str) -> frozenset[str]:
    """The therapy patterns worth trying for one trigger literal found by ``scan``: those whose
    keys it contains; a short token (" ai)", "(et ") stands for its own class."""
    if literal[:1] in " ([/":
        token = literal[1:-1]
        if token in _AI_TOKENS:
            return frozenset({"aromatase-inhibitor"})
        if token == "et":
            return frozenset({"endocrine"})
    return frozenset(
        name for name, keys in DRUG_KEYS.items() if any(k in literal for k in keys if len(k) > 2)
    )


_HIGH_DOSE_BEFORE = re.compile(r"(?:high[\s-]*dose|myelo-?ablative|intensive)\s*$")


def _transplant_chemotherapy(text: str, mention: tuple[int, int, str]) -> bool:
    """ "High-dose chemotherapy with stem cell rescue" is a transplant regimen, which her answers
    do not cover: it is left to the not-read check rather than read as any chemotherapy."""
    start, _, name = mention
    before = _HIGH_DOSE_BEFORE.search(text, max(0, start - 20), start)
    return name == "chemotherapy" and before is not None


def drug_mentions(text: str, literals: set[str] | None = None) -> list[tuple[int, int, str]]:
    """Therapy mentions in reading order; where two patterns overlap the earlier, longer one wins.

    ``literals`` (from ``scan``) narrows the patterns to those whose key words were seen.
    """
    found: list[tuple[int, int, str]] = []
    if literals is not None:
        names: set[str] = set()
        for literal in literals:
            names |= therapies_for_literal(literal)
        for name in sorted(names, key=ORDER.__getitem__):  # usually one or two patterns
            pattern = THERAPY_PATTERNS[ORDER[name]].pattern
            found.extend((m.start(), m.end(), name) for m in pattern.finditer(text))
    else:
        for item in THERAPY_PATTERNS:
            for key in item.keys:
                if key in text:
                    found.extend((m.start(), m.end(), item.id) for m in item.pattern.finditer(text))
                    break
    if found and ("dose" in text or "ablat" in text):
        found = [m for m in found if not _transplant_chemotherapy(text, m)]
    if len(found) < 2:
        return found
    found.sort(key=lambda m: (m[0], -m[1]))
    mentions: list[tuple[int, int, str]] = []
    for mention in found:
        if mentions and mention[0] < mentions[-1][1]:
            continue
        mentions.append(mention)
    return mentions


def _items_for(names: list[str]) -> tuple[str, ...]:
    expanded: list[str] = []
    for name in names:
        expanded.extend(_EXPANSIONS.get(name, (name,)))
    return tuple(sorted(set(expanded)))


@dataclass(slots=True)
class _Sentence:
    """What the prior-therapy reader works out once per sentence, for all its mentions."""

    text: str
    kind: Source
    #: Washout windows are read outside brackets: "(allowed if the interval was at least 12
    #: months)" qualifies an exception, not the rule itself.
    unbracketed: str
    washed: set[int]
    examples: list[tuple[int, int]]
    #: Mentions in a bracketed timing aside, which never make a rule.
    asides: set[int]
    #: Classes named after "other" ("lapatinib, neratinib or any other HER2 TKI"): a drug of one
    #: of them stands for its whole class.
    other_classes: frozenset[str] = frozenset()
    _conditional: bool | None = None

    @property
    def conditional(self) -> bool:
        """ "HR-positive patients must have had ...": a rule for some patients (inclusions only)."""
        if self._conditional is None:
            self._conditional = self.kind == "inclusion" and CONDITIONAL.search(self.text) is not None
        return self._conditional


def _mention_name(
    sentence: _Sentence, start: int, end: int, name: str, skip_generic: bool
) -> str | None:
    """The therapy a mention names, or ``None`` when the mention is not a rule about it."""
    text = sentence.text
    if skip_generic and name in GENERIC_CLASSES:
        return None
    if any(a <= start < b for a, b in sentence.examples):
        return None  # "any systemic therapy (e.g. endocrine therapy, CDK4/6 inhibitor)": examples
    if name == "adc" and ("topoisomerase" in text or "exatecan" in text or "deruxtecan" in text):
        return "topo1-adc"
    in_conjugate = "conjugate" in text or "adc" in text
    if name == "chemotherapy" and in_conjugate and text[start:end].startswith("chemotherapeutic"):
        return None
    return name


def _windows(text: str, start: int, end: int) -> tuple[str, str]:
    """The clause before a mention and the words after it."""
    pre = pre_window(text, start, 90)
    if "of which" in pre or "which must" in pre:  # "... lines, one of which must include X"
        pre = pre_window(text, start, 170)
    return pre, text[end : end + 40]


def _may_not_be_history(pre: str) -> bool:
    """A word every alternative of ``_NOT_HISTORY`` holds: tested first, it spares most clauses
    the search."""
    return "recover" in pre or "toxic" in pre or "resol" in pre or "adverse" in pre or "side" in pre


#: "Rapid disease progression requiring chemotherapy": a treatment her cancer needs now, not one
#: she has had.
_NEEDED_BEFORE = re.compile(
    r"\b(?:requir(?:e|es|ing)|need(?:s|ing)?|in\s+need\s+of|warrant(?:s|ing)?)\s+"
    r"(?:(?!prior\b|previous\b|at\b)\w+\s+){0,2}$"
)


#: A treatment named as the reason for a rule: "not permitted due to association of veliparib with
#: seizure activity", "because of interactions with olaparib".
_REASON_BEFORE = re.compile(
    r"\b(?:due\s+to|because\s+of|owing\s+to)\s+(?:the\s+|a\s+|an\s+|possible\s+|potential\s+|known\s+)?"
    r"(?:[\w-]+\s+){0,2}?(?:of|with|between)\s+$"
)


def _not_history(pre: str, post: str) -> bool:
    """ "Paclitaxel-induced neuropathy", "recovered from toxicity of", "as paclitaxel is ...",
    "disease requiring chemotherapy", "due to association of veliparib with seizures"."""
    if _INDUCED_AFTER.match(post) or (_may_not_be_history(pre) and _NOT_HISTORY.search(pre)):
        return True
    if ("due" in pre or "because" in pre or "owing" in pre) and _REASON_BEFORE.search(pre):
        return True
    if ("requir" in pre or "need" in pre or "warrant" in pre) and _NEEDED_BEFORE.search(pre):
        return True
    return bool(_IS_AFTER.match(post) and _BECAUSE_BEFORE.search(pre))


_PRIOR_AFTER = re.compile(
    r"^\s*[\w\s/-]{0,30}?\b(?:pretreated|pre-treated|refractory|resistant|"
    r"exposed|experienced|failure|progression)\b"
)
_WHICH_MUST = re.compile(r"\bone\s+of\s+which\b|\bwhich\s+must\b")


#: Words by which a title names the drugs it tests: "... Refractory Breast Cancer With Weekly
#: Paclitaxel": the history word describes the cancer, the drug after "with" is the study's.
_TITLE_STUDY_DRUG = re.compile(r"\b(?:with|using|plus|versus|vs|of)\b")
_TITLE_FOR_CANCER = re.compile(r"\b(?:in|for|with)\s")


def _study_drug_in_title(pre: str, post: str, history: re.Match[str]) -> bool:
    """ "... Refractory Breast Cancer With Weekly Paclitaxel", "Paclitaxel in Refractory Breast
    Cancer": the history word describes the cancer the title's own drug is tested in."""
    if history.string is post:
        return _TITLE_FOR_CANCER.search(post, 0, history.start() + len(history.group(0))) is not None
    named = last_match(_TITLE_STUDY_DRUG, pre)
    # "Previously Treated With CDK4/6 Inhibitors": "with" right after the history word is its own
    return (
        named is not None
        and named.start() > history.start()
        and pre[history.end() : named.start()].strip() != ""
    )


def _is_history(kind: Source, pre: str, post: str, inherited: bool, before: str = "") -> bool:
    """Whether the mention is about treatment already received, not one planned or current.

    ``before`` is the whole sentence before the mention: a plan that opens it ("Planned to start
    first-line therapy with endocrine therapy plus a CDK4/6 inhibitor") reaches past the window.
    """
    if inherited:
        return True
    named_as_history = (
        last_match(_PRIOR_CONTEXT, pre) or _PRIOR_AFTER.match(post) or _NAIVE_AFTER.match(post)
    )
    if named_as_history is None:
        return False
    if kind == "title" and _study_drug_in_title(pre, post, named_as_history):
        return False
    future = last_match(_FUTURE_CONTEXT, pre) or _OPENING_PLAN.match(before)
    if future is None or _WHICH_MUST.search(pre):
        return True
    strong = last_match(_TITLE_HISTORY if kind == "title" else _STRONG_PRIOR, pre)
    return strong is not None and future.start() <= strong.start()


def _mention_mode(
    text: str, kind: Source, span: tuple[int, int], post: str, previous: tuple[int, Polarity] | None
) -> Polarity:
    mode = polarity(text, span[0], span[1], kind)
    if previous is not None and mode != "allow":
        mode = previous[1]  # the next drug of one list: "no prior paclitaxel or docetaxel"
    if _NAIVE_AFTER.match(post):
        mode = "exclude" if mode == "require" else "require"
    return mode


def _washout_only(sentence: _Sentence, index: int, pre: str, mode: Polarity) -> bool:
    """A window of time ("no chemotherapy within 3 weeks") makes the rule a washout, not history."""
    if index in sentence.asides:
        return True
    if index not in sentence.washed:
        return False
    unbracketed = sentence.unbracketed
    return bool(
        mode == "exclude"
        or "since" in unbracketed
        or not _STRONG_PRIOR.search(pre)
        or _SHORT_WASHOUT.search(unbracketed)
        # "previous adjuvant hormone therapy > 12 months prior to enrolment": when adjuvant
        # treatment was given, it must have ended long enough ago; nobody is required to have had it
        or ("adjuvant" in pre and not _DEMANDS.search(pre))
    )


def _rule_applies(sentence: _Sentence, name: str, end: int, mode: Polarity) -> bool:
    text = sentence.text
    if name in GENERIC_CLASSES and METASTATIC_SCOPE.search(unbracketed_tail(text, end)):
        return False  # "no prior chemotherapy for metastatic disease" is a line limit
    if mode == "require" and sentence.conditional:
        return False
    # "no prior chemotherapy for patients with stage I-III disease": not for her
    if mode == "exclude" and _FOR_SOME_PATIENTS.search(text, end):
        return False
    # "no prior chemotherapy, hormonal therapy, or biologic therapy for gliomas": another cancer's
    return not (" for " in text[end : end + 80] and _for_another_cancer(text, end))


#: The words between a treatment and the "for ..." that says what it treated, and that target.
_FOR_WHAT = re.compile(r"([^.;()]{0,60}?)\bfor\s+([^.;()]{1,50})")
#: "... as for prior lung cancer", "..., including for gastric cancer": an example, not the rule's
#: only target.
_EXAMPLE_BEFORE_FOR = re.compile(r"\b(?:as|includ\w*|e\.?g\.?|such)\s*$")


def _for_another_cancer(text: str, end: int) -> bool:
    """Whether the treatment just named is said to be for another cancer only ("... biologic
    therapy for gliomas"), so the rule is that cancer's."""
    target = _FOR_WHAT.match(text, end)
    if target is None or _EXAMPLE_BEFORE_FOR.search(target.group(1)):
        return False
    # the target and the words after it, brackets included: "for ovarian cancer (or any other
    # cancer)", "for NSCLC, melanoma, etc."
    return only_another_cancer(text[target.start(2) : target.end(2) + 40])


def _require_together(
    text: str, quote: str, kind: Source, out: Collector, required: list[tuple[int, int, str]]
) -> None:
    """Therapies a sentence requires: each one ("trastuzumab, pertuzumab and T-DM1") or any one
    of them ("a taxane or an anthracycline")."""
    setting = _setting_of(text, required[-1][1], required[0][0])
    if (
        setting == Qualifier.NONE
        and "adjuvant" in text
        and not _ADVANCED_ANYWHERE.search(text)
        and _EARLY_ONLY.match(text, required[-1][1])
    ):
        setting = Qualifier.EARLY_SETTING
    last_between = text[required[-2][1] : required[-1][0]] if len(required) > 1 else ""
    if "(" in last_between:
        # "an anthracycline (e.g., doxorubicin or epirubicin) and a taxane": the bracket's "or"
        # chooses among examples, not between the two required treatments
        last_between = BRACKETED.sub(" ", last_between)
    # "Prior trastuzumab, a taxane, and lapatinib": one drug of a class is that drug, which a
    # history naming only the class ("a HER2 tyrosine kinase inhibitor") cannot confirm
    if _AND_BETWEEN.search(last_between) and " or " not in last_between and "/or" not in last_between:
        for start, end, name in required:
            drug = _one_drug(text[start:end])
            out.require(
                Factor.PRIOR_THERAPY, True, quote, kind, setting, items=_items_for([name]), note=drug
            )
    else:
        names = [name for _, _, name in required]
        (start, end, _), *others = required
        drug = "" if others else _one_drug(text[start:end])
        out.require(Factor.PRIOR_THERAPY, True, quote, kind, setting, items=_items_for(names), note=drug)


#: A definition ("will be considered postmenopausal if ... after stopping hormone treatment")
#: names treatments to explain a word, not as a rule about treatment history.
_DEFINITION = re.compile(
    word_start_pattern(
        r"\bconsidered\s+(?:to\s+be\s+)?(?:post|pre|peri)-?\s?menopaus\w*|"
        r"\b(?:post|pre|peri)-?\s?menopaus\w*\s+(?:status\s+)?(?:is\s+|will\s+be\s+)?defined"
    )
)


#: A sentence that defines a word: its treatments explain the word, they set no rule.
_IS_DEFINED_AS = re.compile(r"\b(?:is|are)\s+(?:being\s+)?defined\s+as\b")


def _sentence_worth_reading(text: str, kind: Source) -> bool:
    if kind == "title" and not _TITLE_HISTORY.search(text):
        return False  # a title names the drugs it tests; only "after X" / "pretreated with X" is history
    if kind not in ("inclusion", "exclusion", "title"):
        return False
    # Each alternative of these patterns holds one of the words tested first ("in" is far cheaper
    # than a search): most sentences hold none and skip the search.
    if "menopaus" in text and _DEFINITION.search(text):
        return False
    if "amenorrh" in text and "absence of" in text:
        return False  # "amenorrhea for 12 months (in the absence of chemotherapy, tamoxifen ...)"
    if "defined as" in text and (defined := _IS_DEFINED_AS.search(text, 0, 100)):
        # "Platinum-refractory ovarian cancer is defined as progression within 91 days ...": a
        # sentence that opens by defining a word; "resistance to prior ET, which is defined as ..."
        # is a rule first (its definition is cut off by ``_before_definition``)
        return text[max(0, defined.start() - 6) : defined.start()].strip() == "which"
    return not (
        _may_not_be_a_prior(text)
        and _NOT_A_PRIOR.search(text)
        and not re.search(r"\bprior\b|\bprevious", text)
    )


def _may_not_be_a_prior(text: str) -> bool:
    return "concurrent" in text or "concomitant" in text or "currently" in text or "ongoing" in text


#: "ER and PR-negative tumor OR failed hormonal therapy": the treatment is one way in, a receptor
#: state the other.
_RECEPTOR_WAY_BEFORE = re.compile(r"\bnegative\s+(?:tumou?rs?\s+|disease\s+)?or\s+(?:\w+\s+){0,2}$")


#: "Patients, who have received prior anti-PD-1 therapy:": heads rules for that group.
_SUBGROUP_HEADER = re.compile(r"\W*(?:patients|participants|subjects|those),?\s+(?:who|with|that)\b")


def _not_a_history_rule(text: str, kind: Source) -> bool:
    """Dose, pregnancy or allergy rules; in the exclusions, intolerance to a drug ("History of
    intolerance (such as an infusion reaction) to trastuzumab") or a harm it caused ("prior
    neurotoxic chemotherapy that has resulted in grade 2 neuropathy"); a header for the group
    that had a drug, whose rules follow."""
    if _NEVER_A_PRIOR.search(text):
        return True
    if kind == "exclusion" and (_INTOLERANCE.search(text) or _CONSEQUENCE.search(text)):
        return True
    return text.rstrip().endswith(":") and _SUBGROUP_HEADER.match(text) is not None


def read_chemosensitive(text: str, quote: str, kind: Source, out: Collector) -> None:
    """ "Tumor must be clinically chemosensitive as documented by a reduction in tumor burden": only
    earlier chemotherapy can show it."""
    if kind == "inclusion" and _CHEMOSENSITIVE.search(text) and not CONDITIONAL.search(text):
        out.require(Factor.PRIOR_THERAPY, True, quote, kind, items=("chemotherapy",))


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
    if _read_current_treatment(text, quote, kind, literals, out):
        return
    if not _sentence_worth_reading(text, kind):
        return
    text = _without_contraindication(text, kind)
    mentions, text = _before_definition(text, drug_mentions(text, literals))
    if not mentions:
        return
    if _read_planned_treatment(text, quote, kind, mentions, out) or _not_a_history_rule(text, kind):
        return
    sentence = _Sentence(
        text,
        kind,
        unbracketed=BRACKETED.sub(" ", text) if "(" in text else text,
        washed=washout_mentions(text, mentions),
        examples=example_spans(text, mentions) if "(" in text else [],
        asides=timed_asides(text, mentions),
        other_classes=_other_classes(text, mentions) if "other" in text else frozenset(),
    )
    required: list[tuple[int, int, str]] = []
    previous: tuple[int, Polarity] | None = None  # end and polarity of the last accepted mention
    for index, (start, end, found) in enumerate(mentions):
        name = _mention_name(sentence, start, end, found, skip_generic)
        if name is None:
            continue
        pre, post = _windows(text, start, end)
        if _not_history(pre, post) or _a_person(text, start, end, pre):
            continue
        inherited = previous is not None and _LIST_JOIN.match(text, previous[0], start) is not None
        if not _is_history(kind, pre, post, inherited, text[:start]):
            continue
        mode = _mention_mode(text, kind, (start, end), post, previous if inherited else None)
        if _no_rule_here(sentence, index, pre, mode, (name, end)):
            continue
        previous = (end, mode)
        if mode == "allow" and not _ADJUVANT_EXCEPTION.search(text[end : end + 80]):
            out.allow(Allowed.PRIOR_THERAPY, quote, kind, _items_for([name]))
        elif mode == "exclude":
            items = _items_for([name])
            drug = "" if sentence.other_classes.intersection(items) else _one_drug(text[start:end])
            _ban(out, quote, kind, _setting_of(text, end, start), name, drug)
        elif (
            mode == "require"
            and not _RECEPTOR_WAY_BEFORE.search(pre)
            and not _IF_FITTING.match(text, end)
            and not (_CAP_BEFORE.search(pre) and not _FLOOR_TOO.search(pre))
        ):
            required.append((start, end, name))
    if required and text.lstrip(" -*•(").startswith("if "):
        # "If a prior chemotherapy was given for less than 1 cycle, it is not counted": what the
        # condition names is no requirement ("If HER2-positive, must have had trastuzumab" is)
        clause_end = text.find(",")
        required = [r for r in required if clause_end != -1 and r[0] > clause_end]
    if required:
        _require_together(text, quote, kind, out, required)


def _without_contraindication(text: str, kind: Source) -> str:
    """ "... regimen containing anthracycline unless clinically contraindicated": still the rule
    for everyone who could take it, not a permission; the exception is dropped."""
    if kind == "inclusion" and "contraindicat" in text and "unless" in text:
        return _UNLESS_CONTRAINDICATED.sub("", text)
    return text


_UNLESS_CONTRAINDICATED = re.compile(
    r",?\s*\(?unless\s+(?:it\s+(?:is|was)\s+|they\s+(?:are|were)\s+)?(?:clinically\s+|medically\s+)?"
    r"contraindicated\)?"
)
_BY_SOMEONE = re.compile(r"\bby\s+(?:an?|the)\s+$")


def _a_person(text: str, start: int, end: int, pre: str) -> bool:
    """ "Informed consent after initial counseling by an AI": an associate investigator, not an
    aromatase inhibitor (only where the rule is about consent or counselling)."""
    return (
        text[start:end].strip(" ()").lower() in ("ai", "ais")
        and _BY_SOMEONE.search(pre) is not None
        and ("consent" in text or "counsel" in text)
    )


def _no_rule_here(
    sentence: _Sentence, index: int, pre: str, mode: Polarity, mention: tuple[str, int]
) -> bool:
    """A mention that sets no rule of its own: a washout, a rule that does not apply, or a ban
    that is about the response to it ("no refractory disease (less than partial response to
    induction chemotherapy)")."""
    if mode == "exclude" and "response" in pre and _RESPONSE_TO_BEFORE.search(pre):
        return True
    name, end = mention
    return _washout_only(sentence, index, pre, mode) or not _rule_applies(sentence, name, end, mode)


#: A treatment named as what the disease responded to: a negation before it is about the response.
_RESPONSE_TO_BEFORE = re.compile(r"\bresponses?\s+(?:to|with)\s+(?:[\w-]+\s+){0,2}$")
_ALLOWED_AFTER = re.compile(r"[^.;()]{0,30}?" + IS_PERMITTED)
_OTHER_BEFORE = re.compile(r"\bother\s+(?:[\w/-]+\s+){0,3}$")


def _other_classes(text: str, mentions: list[tuple[int, int, str]]) -> frozenset[str]:
    """The items of the classes named right after "other" ("or other known PARP inhibitors")."""
    return frozenset(
        item
        for start, end, name in mentions
        if not _one_drug(text[start:end])
        and _OTHER_BEFORE.search(text, max(0, start - 40), start)
        and not _ALLOWED_AFTER.match(text, end)  # "(use of other CDK4/6 inhibitors is allowed)"
        for item in _items_for([name])
    )


def _ban(out: Collector, quote: str, kind: Source, setting: Qualifier, name: str, drug: str) -> None:
    """One banned treatment; a second drug of the same class in the same rule ("No prior
    paclitaxel or taxotere") joins the first, so the question names both."""
    items = _items_for([name])
    last = out.requirements[-1] if out.requirements else None
    if (
        drug
        and last is not None
        and last.note
        and (last.factor, last.expects, last.items, last.qualifier)
        == (Factor.PRIOR_THERAPY, False, items, setting)
        and last.quote == trim_quote(quote)
    ):
        if drug not in last.note.split(" or "):
            out.requirements[-1] = replace(last, note=f"{last.note} or {drug}")
        return
    out.require(Factor.PRIOR_THERAPY, False, quote, kind, setting, items=items, note=drug)


def _one_drug(mention: str) -> str:
    """The drug a mention names when its class has several ("exemestane"), else ""."""
    return ONE_OF_SEVERAL.get(mention.strip().lower(), "")


def _before_definition(
    text: str, mentions: list[tuple[int, int, str]]
) -> tuple[list[tuple[int, int, str]], str]:
    """ "Resistance to an AI and a CDK4/6 inhibitor, defined as progression ... within 30 days after
    the last dose of AI and/or CDK4/6 inhibitor": the rule is before the definition, which only
    names the same treatments again with their timing (and its "dose of" is no dose rule)."""
    cut = text.find(", defined as")
    if cut == -1:
        cut = text.find(", which is defined as")
    if cut == -1 or not any(start < cut for start, _, _ in mentions):
        return mentions, text
    return [m for m in mentions if m[0] < cut], text[:cut]


def _read_planned_treatment(
    text: str, quote: str, kind: Source, mentions: list[tuple[int, int, str]], out: Collector
) -> bool:
    """ "Scheduled to receive at least 4 doses of paclitaxel": a supportive-care study for people
    about to start that drug, which her answers cannot say."""
    if kind != "inclusion":
        return False
    planned = _OPENING_PLAN.match(text) or ("scheduled" in text and _SCHEDULED.search(text))
    if not planned or not {m[2] for m in mentions} - GENERIC_CLASSES:
        return False
    out.require(Factor.DISEASE_STATE, True, quote, kind, Qualifier.PLANNED_TREATMENT)
    return True


def _read_current_treatment(
    text: str, quote: str, kind: Source, literals: set[str] | None, out: Collector
) -> bool:
    """A supportive-care study for people on chemotherapy: her answers say what she had, not what
    she is on now, so the rule is a question."""
    if kind != "inclusion" or ("ently" not in text and "current " not in text[:12]):
        return False
    if not _on_a_treatment_now(text, literals):
        return False
    out.require(Factor.DISEASE_STATE, True, quote, kind, Qualifier.CURRENT_TREATMENT)
    return True


def _on_a_treatment_now(text: str, literals: set[str] | None) -> bool:
    """An inclusion that requires being on a treatment now, named soon after "currently receiving"
    (a permission to stay on one, "may continue", is no requirement)."""
    current = _CURRENTLY_ON.search(text)
    if current is None or ALLOWING.search(text) is not None or _MAY_STAY_ON.search(text):
        return False
    if polarity(text, current.start(), current.end(), "inclusion") != "require":
        return False
    if _ANOTHER_WAY_BEFORE.search(text, max(0, current.start() - 40), current.start()):
        return False  # "Candidate for, or currently on ...", "has received, is currently receiving"
    if _STOPS_IT.search(text):
        return False  # "those currently on endocrine therapy must be willing to stop it": a proviso
    mentions = drug_mentions(text, literals)
    return any(current.end() <= start <= current.end() + 60 for start, _, _ in mentions)


_BOTH_SETTINGS = re.compile(r"adjuvant|\bearly\b|curative|any\s+setting|either\s+setting")


def _setting_of(text: str, end: int, start: int | None = None) -> Qualifier:
    """``ADVANCED`` when the therapy is named for advanced disease only ("docetaxel in the
    metastatic setting", "prior treatment in the metastatic setting with X"); empty when the
    setting is open or includes early treatment."""
    if "adjuvant" in text and _EARLY_OR_ADVANCED.search(text):
        # "(1) progression within 12 months of adjuvant trastuzumab or (2) progression on
        # trastuzumab for metastatic disease": either setting will do
        return Qualifier.NONE
    tail = unbracketed_tail(text, end)
    scope = METASTATIC_SCOPE.search(tail)
    if scope is not None and not _BOTH_SETTINGS.search(tail, 0, scope.end()):
        return Qualifier.ADVANCED_SETTING
    if start is not None:
        before = pre_window(text, start, 80)
        if (
            "disease" in before
            and _DISEASE_PROGRESSED_AFTER.search(before)
            and not _RELAPSE_TOO.search(text)
        ):
            # "Have progressive disease following standard/approved chemotherapy": treatment of
            # the disease that is growing now
            return Qualifier.ADVANCED_SETTING
        setting = _SETTING_BEFORE.search(before)
        if setting is not None and not _BOTH_SETTINGS.search(setting.group(0)):
            return Qualifier.ADVANCED_SETTING
    return Qualifier.NONE


_EARLY_OR_ADVANCED = re.compile(
    r"\badjuvant\b[^.;]{0,120}?\bor\s+(?:\(?\d\)\s*)?[^.;]{0,80}?\b(?:metastatic|advanced)\b"
)
#: "... anti-estrogen therapy in the adjuvant setting": early treatment only, with no "or
#: metastatic" alternative after it.
_EARLY_ONLY = re.compile(
    r"\W*(?:therapy\s+|treatment\s+)?(?:in|during|as)\s+(?:the\s+)?(?:neo-?)?adjuvant(?:\s+setting|"
    r"\s+therapy|\s+treatment)?\b"
)
_ADVANCED_ANYWHERE = re.compile(
    r"\b(?:metastatic|advanced|mbc|labc|recurrent|relapsed|progress\w*|allowed|permitted|eligible|"
    r"palliative|both|any\s+setting)\b"
)
_DISEASE_PROGRESSED_AFTER = re.compile(
    r"(?<![\w-])progressive\s+disease\s+(?:following|after|on|despite)\s+(?:[a-z/-]+\s+){0,3}?$"
)
#: "..., or relapsed any time after completion of this therapy": early treatment counts too.
_RELAPSE_TOO = re.compile(r"\brelaps\w*|\brecurr\w*|\badjuvant\b|\bcompletion\b")
_SETTING_BEFORE = re.compile(
    r"\b(?:in|for)\s+(?:the\s+)?(?:[a-z/-]+\s+){0,3}?(?:metastatic|advanced)\s+(?:setting|disease)\b"
)


#: Earlier radiation as a requirement: "Must have undergone prior local radiotherapy to the chest
#: wall or breast", "Participants who have received radiotherapy." Only the forms that open the
#: criterion, so a rule for those who had it ("Patients who have received prior radiotherapy must
#: have recovered") is not one; bans on radiation are about one lesion and stay unread.
_RADIATION_REQUIRED = re.compile(
    r"^\W*(?:(?:patients|participants|subjects)\s+)?(?:must\s+have\s+(?:undergone|received|had|completed)|"
    r"(?:who\s+)?(?:have|has)\s+(?:undergone|received|had))\s+(?:prior\s+|previous\s+)?(?:local\s+|palliative\s+|"
    r"adjuvant\s+)?(?:radiotherapy|radiation(?:\s+therapy)?|irradiation)\b"
)
_RADIATION_RULE_AFTER = re.compile(
    r"\b(?:must|should|may|can|will|are|is|within|since|recovered|if|unless|provid\w*|as\s+long|allowed|"
    r"eligible|permitted|acceptable)\b|\b(?:brain|cranial|cns)\b"
)


def read_required_radiation(text: str, quote: str, kind: Source, out: Collector) -> None:
    """Earlier radiation therapy required, in the inclusions."""
    if kind != "inclusion":
        return
    found = _RADIATION_REQUIRED.match(text)
    if found is not None and not _RADIATION_RULE_AFTER.search(text, found.end()):
        out.require(Factor.PRIOR_THERAPY, True, quote, kind, items=("radiation",))
