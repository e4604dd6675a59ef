"""Read a study once into a ``TrialReading``: scope, disease setting and eligibility findings.

The reading depends only on the study, never on a patient, so it is cached per study version and
re-used when the patient changes a detail; matching a profile against a reading is cheap.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Literal

from data.models import Study
from matchers.criteria_parts import applies, leaves
from matchers.criteria_text import CriteriaItem, split_criteria
from matchers.findings import (
    ALL_CELLS,
    Allowance,
    Allowed,
    Factor,
    Limit,
    LimitFactor,
    Qualifier,
    Requirement,
    Source,
)
from matchers.reader.biomarkers import read_biomarkers, read_gene_change
from matchers.reader.brain import read_brain
from matchers.reader.collector import Collector, ReceptorRule
from matchers.reader.demographics import read_menopause_and_sex
from matchers.reader.disease import read_symptom_focus
from matchers.reader.lines import read_lines
from matchers.reader.receptors import read_receptors
from matchers.reader.regex_tools import trie_pattern, word_start_pattern
from matchers.reader.sentence import read_sentence
from matchers.reader.setting import BREAST, ORGAN, invasive_or_in_situ, is_nodal
from matchers.reader.sites import read_bone_focus, read_liver_focus
from matchers.reader.standard import read_standard_therapy
from matchers.reader.text import normalize, split_sentences, trim_quote
from matchers.reader.therapy import read_prior_therapy
from matchers.reader.triggers import scan, triggered

Scope = Literal["breast", "solid_tumor", "other"]
Setting = Literal["metastatic", "mixed", "early", "unknown"]

#: How many readings the default cache keeps (a search returns at most a few thousand studies).
DEFAULT_CACHE_SIZE = 8192


@dataclass(frozen=True, slots=True)
class TrialReading:
    """What one study's record says about who may join, independent of any patient.

    ``scope`` is ``breast`` for breast cancer trials, ``solid_tumor`` for pan-tumor trials that
    admit breast cancer, ``other`` for anything else. ``setting`` is ``metastatic`` (advanced or
    metastatic disease), ``early`` (curative, pre-operative, screening or prevention), ``mixed``
    (both) or ``unknown``.
    """

    nct_id: str
    version: str
    scope: Scope
    scope_quote: str
    setting: Setting
    setting_quote: str
    requirements: tuple[Requirement, ...] = ()
    limits: tuple[Limit, ...] = ()
    allowances: tuple[Allowance, ...] = ()
    healthy_volunteers: bool = False
    item_count: int = 0
    #: For a trial whose parts have their own rules, one reading per part she could join.
    parts: tuple[TrialReading, ...] = ()
    #: The part this reading is for ("group 2/part 1"); empty for a whole trial.
    part: str = ""

    def allowance(self, factor: Allowed) -> Allowance | None:
        return next((a for a in self.allowances if a.factor == factor), None)

    @property
    def subtype_cells(self) -> frozenset[str] | None:
        """Receptor cells the trial accepts, or ``None`` when it takes any subtype."""
        rule = next((r for r in self.requirements if r.factor == Factor.SUBTYPE), None)
        return rule.cells if rule else None


# ---------------------------------------------------------------------------------------------
# Scope and setting from titles, conditions and keywords
# ---------------------------------------------------------------------------------------------

# Each pattern checks one word boundary before its alternatives: far cheaper than one per branch.
_BREAST_CANCER = re.compile(
    word_start_pattern(
        r"\b(?:(?:breast|mammary)\b[^.;\n]{0,50}?(?:cancer|carcinoma|neoplasm|tumou?r|malignan|"
        r"adenocarcinoma|metasta|lesion|mass|disease|oncology)|(?:m?tnbc|mbc|abc)\b|her2[\s-]*(?:positive|"
        r"\+)\s+bc\b|breast\s*$)"
    )
)
_GENERIC_CANCER = re.compile(
    r"\b(?:solid\s+tumou?rs?|solid\s+(?:malignan\w*|cancers?|neoplasm\w*)|advanced\s+(?:malignan\w*|"
    r"cancers?|tumou?rs?)|malignan\w*|neoplasm\w*|cancers?\b|tumou?r[\s-]agnostic|carcinomas?\b|"
    r"metastatic\s+disease|tumou?rs?\b|oncology\b)"
)
#: Words before "breast" in a label that turn it into an exclusion ("excluding breast, gastric").
_EXCLUDED_BEFORE = re.compile(
    r"(?:\bexclud\w*|\bother\s+than|\bexcept(?:\s+for)?|\bapart\s+from|\bnot\s+including|\bnon-?)"
    r"[\s,]*(?:(?:the|and|or|[a-z-]+,)\s*){0,4}$"
)
#: Pan-tumor words strong enough that another cancer named beside them is one cohort among many.
_PAN_TUMOR = re.compile(
    r"\bsolid\s+(?:tumou?rs?|malignan\w*|neoplasms?|cancers?)|\badvanced\s+(?:malignan\w*|cancers?|"
    r"solid)|\b(?:any|all|various|multiple|selected)\s+(?:solid\s+)?(?:tumou?rs?|cancers?|malignan\w*)|"
    r"\btumou?r[\s-]agnostic|\bpan[\s-]tumou?r|\bmetastatic\s+cancers?\b"
)
_ORGAN_NOT_LIMITING = re.compile(
    r"\bexclud\w*|\bnot\s+(?:be\s+)?eligible|\bineligible\b|\bother\s+than\b|\bexcept\b|"
    r"\bfor\s+(?:patients|subjects|participants|those)\s+with\b|\bif\b|\bin\s+case\s+of\b|"
    r"\b(?:are|is)\s+(?:also\s+)?(?:eligible|allowed|permitted)|\balso\s+eligible\b|\bprovided\b"
)
_PREFERENCE = re.compile(
    r"\benrich\w*|\bpreferab\w*|\bpreferred\b|\bprioriti[sz]\w*|\bespecially\b|\bparticularly\b|"
    r"\bsuch\s+as\b|\be\.g\.|\bfor\s+example\b|\bincluding\s+but\s+not\s+limited"
)
_ANY_SUBTYPE = re.compile(
    word_start_pattern(
        r"\b(?:any|all)\s+(?:breast\s+cancer\s+)?(?:subtypes?|receptor\s+status|hormone[\s-]receptor\s+"
        r"status|her2\s+status|molecular\s+subtypes?)\b"
    )
)
_RECIST = re.compile(r"criteria\s+(?:in|for)\s+solid\s+tumou?rs?")


def _names_solid_tumours(text: str) -> bool:
    """Whether normalized text takes solid tumours in general ("Response Evaluation Criteria in
    Solid Tumors" does not count)."""
    return _PAN_TUMOR.search(_RECIST.sub(" ", text)) is not None


_CANCER_NAME = re.compile(
    r"(?:nsclc|sclc|crc|hcc|rcc|hnscc|gist|melanoma|glioma|glioblastoma|lymphoma|leukemi|leukaemi|"
    r"myeloma|sarcoma|mesothelioma|cholangio|neuroblastoma|retinoblastoma|hepatoblastoma|carcinoid|"
    r"ewing|wilms|merkel|myelofibrosis|myelodysplastic|hepatocellular|urothelial|renal\s+cell|"
    r"liver\s+cancer|head\s+and\s+neck)"
)
_CANCER_NOUN_AFTER = re.compile(
    r"[\s,/-]+(?:[a-z()-]+\s+){0,3}?(?:cancers?|carcinomas?|adenocarcinomas?|tumou?rs?|neoplasms?|"
    r"malignan\w*)\b"
)
_SETTING_WORDS: dict[str, str] = {
    **dict.fromkeys(
        (
            "metasta",
            "oligometasta",
            "stage iv",
            "stage 4",
            "unresectable",
            "inoperable",
            "advanced",
            "mbc",
            "abc",
            "previously treated",
            "previously-treated",
            "pretreated",
            "later line",
            "later-line",
            "second line",
            "second-line",
            "first line",
            "first-line",
        ),
        "metastatic",
    ),
    **dict.fromkeys(("locally advanced", "locally-advanced", "recurren", "relapsed"), "local"),
    **dict.fromkeys(
        (
            "early",
            "adjuvant",
            "neoadjuvant",
            "neo-adjuvant",
            "(neo)adjuvant",
            "operable",
            "preoperative",
            "pre-operative",
            "postoperative",
            "post-operative",
            "perioperative",
            "peri-operative",
            "surg",
            "mastectomy",
            "lumpectomy",
            "sentinel",
            "dcis",
            "in situ",
            "prevent",
            "screening",
            "risk reduc",
            "risk-reduc",
            "tomosynthesis",
            "mammogra",
            "survivor",
            "non-metasta",
            "nonmetasta",
            "ultrasound",
            "biopsy",
            "family history",
            "high risk women",
            "high-risk women",
            "genetic risk",
            "risk of breast",
            "risk for breast",
            "risk of developing",
            "clinical breast exam",
            "flap",
            "cosmesis",
            "axill",
            "pathologic complete",
            "pathological complete",
            "ypn0",
            "ypt0",
            "stage i",
            "stage ii",
            "stage iii",
            "stage 0",
            "stage 1",
            "stage 2",
            "stage 3",
        ),
        "early",
    ),
}
_SETTING_WORD = re.compile(trie_pattern(sorted(_SETTING_WORDS)))
_WORD_REST = re.compile(r"\w*")
#: Words before an early-stage cue that give it another meaning.
_NOT_EARLY_AFTER: dict[str, re.Pattern[str]] = {
    "screening": re.compile(
        r"(?:molecular|genomic|biomarker|ngs|sequencing|profiling|target\w*|pre-?)[\s-]*(?:[a-z]+\s+)?$"
    ),
    "biopsy": re.compile(r"\bliquid[\s-]+$"),
}
#: A criterion that names distant disease itself, not only "advanced" or "inoperable".
_DISTANT = re.compile(word_start_pattern(r"(?<!non-)(?<!non )\bmetasta|\bstage\s*(?:iv|4)\b"))
_FIRST_LINE_TITLE = re.compile(word_start_pattern(r"\bfirst[\s-]line\b|\b1st[\s-]line\b"))
#: A summary sentence that may say the study is for first treatment of advanced disease.
_SUMMARY_LINE_CUE = re.compile(
    r"\bfirst[\s-]line\b|\b1st[\s-]line\b|\b(?:not|never)\s+(?:yet\s+)?(?:been\s+)?(?:received|had)\b"
)
#: ... but not when it tells a history or a sequence ("after first-line", "maintenance after
#: induction"), or when it is about early-stage treatment.
_SUMMARY_LINE_NOISE = re.compile(
    r"\b(?:after|following|progressed|progressing|progression\s+(?:on|after|during|following|while|despite)|"
    r"second|beyond|refractory|relaps\w*|pretreated|maintenance|"
    r"induction|candidates?|standard|approved|(?:neo)?-?adjuvant|operable|early)\b"
)
_ADVANCED_SUMMARY = re.compile(r"\bmetasta|\badvanced\b|\bstage\s+iv\b|\brecurrent\b")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


@dataclass(frozen=True, slots=True)
class _Labels:
    """What the title and conditions alone say about the kind of cancer."""

    kind: Literal["breast", "generic", "organ", "none"]
    quote: str


def _joined(texts: list[str]) -> str:
    """Normalized texts, one per line, so a match position tells which text it is in."""
    return normalize("\n".join(" ".join(t.split()) for t in texts))


def _first_matching(pattern: re.Pattern[str], texts: list[str], joined: str) -> str | None:
    """The first of ``texts`` (joined by newlines into ``joined``) that ``pattern`` matches."""
    match = pattern.search(joined)
    return None if match is None else texts[joined.count("\n", 0, match.start())]


def _label_scope(study: Study) -> _Labels:
    labelled = [
        t for t in (study.brief_title, study.official_title, *study.conditions, *study.keywords) if t
    ]
    joined = _joined(labelled)
    excluded_breast: str | None = None
    if "breast" in joined or "mammary" in joined or "bc" in joined:
        for match in _BREAST_CANCER.finditer(joined):
            text = labelled[joined.count("\n", 0, match.start())]
            if _EXCLUDED_BEFORE.search(joined, max(0, match.start() - 40), match.start()):
                excluded_breast = excluded_breast or text  # "any tumor type excluding breast"
                continue
            return _Labels("breast", trim_quote(text))
    if excluded_breast is not None:
        return _Labels("organ", trim_quote(excluded_breast))
    candidates = [t for t in (study.brief_title, study.official_title, *study.conditions) if t]
    joined = _joined(candidates)
    organ = _first_matching(ORGAN, candidates, joined)
    generic = _first_matching(_GENERIC_CANCER, candidates, joined)
    if organ is not None and (generic is None or _PAN_TUMOR.search(joined) is None):
        return _Labels("organ", trim_quote(organ))
    if generic is not None:
        # "Solid tumors and lymphoma": another cancer named beside a pan-tumor term does not make
        # the trial one for that cancer only; the criteria decide.
        return _Labels("generic", trim_quote(generic))
    return _Labels("none", trim_quote(study.conditions[0] if study.conditions else study.title))


def _limiting_organs(inclusion_items: list[str]) -> set[str]:
    """Other cancers the inclusion criteria restrict the trial to.

    Organs named in an exclusion ("histologies X and Y are excluded"), an allowance ("patients
    with liver cancer are eligible if ...") or a condition ("for subjects with colorectal cancer,
    ...") do not limit who may join.
    """
    organs: set[str] = set()
    for text in inclusion_items:
        if _ORGAN_NOT_LIMITING.search(text):
            continue
        for match in ORGAN.finditer(text):
            organ = match.group(0)
            # "lung" or "esophageal" alone may be a comorbidity ("esophageal bleeding")
            if _CANCER_NAME.match(organ) or _CANCER_NOUN_AFTER.match(text, match.end()):
                organs.add(organ)
    return organs


def _scope(labels: _Labels, inclusion_items: list[str], collector: Collector) -> tuple[Scope, str]:
    """Breast trial, a pan-tumor trial that admits breast cancer, or neither.

    Titles and conditions decide when they name breast cancer or only another organ; the criteria
    decide for trials labelled "solid tumors" or "cancer" (or not labelled as cancer at all).
    """
    if labels.kind == "breast":
        return "breast", labels.quote
    if labels.kind == "organ":
        return "other", labels.quote
    required = next((q for mode, q in collector.breast_mentions if mode == "require"), None)
    if required is not None:
        return "breast", required
    excluded = next((q for mode, q in collector.breast_mentions if mode == "exclude"), None)
    if excluded is not None:
        return "other", excluded
    if labels.kind == "generic":
        organs = len(_limiting_organs(inclusion_items))
        # One other cancer named in the criteria limits a trial labelled only "carcinoma", not
        # one labelled "solid tumors" ("solid tumor or lymphoma").
        if organs == 0 or (
            organs == 1
            and _PAN_TUMOR.search(normalize(labels.quote))
            and any(_names_solid_tumours(t) for t in inclusion_items)
        ):
            return "solid_tumor", labels.quote
    return "other", labels.quote


def _line_at(joined: str, position: int) -> str:
    """The one label (line) of ``joined`` that ``position`` falls in."""
    start = joined.rfind("\n", 0, position) + 1
    end = joined.find("\n", position)
    return joined[start : end if end != -1 else len(joined)]


def _setting_cues(texts: list[str]) -> dict[str, str]:
    """For each label cue (metastatic, local, early), the first text that shows it.

    One prefix-tree pass over all texts; a cue word only counts at the start of a word.
    """
    found: dict[str, str] = {}
    if not texts:
        return found
    joined = " " + _joined(texts)
    for match in _SETTING_WORD.finditer(joined):
        if joined[match.start() - 1].isalnum():
            continue
        word = match.group(0)
        if word == "in situ" and joined.startswith(" hybrid", match.end()):
            continue  # "in situ hybridization" is a HER2 test, not carcinoma in situ
        if word in ("in situ", "dcis") and invasive_or_in_situ(_line_at(joined, match.start())):
            continue  # "Invasive Breast Cancer, Ductal or Lobular Carcinoma in Situ": any cancer
        if word in _NOT_EARLY_AFTER and _NOT_EARLY_AFTER[word].search(
            joined, max(0, match.start() - 30), match.start()
        ):
            continue  # "molecular screening" profiles a tumor; "liquid biopsy" is a blood test
        if word == "metasta":
            rest = _WORD_REST.match(joined, match.end())
            if is_nodal(joined, match.start(), rest.end() if rest else match.end()):
                continue  # "axillary metastases": regional spread, not distant disease
        cue = _SETTING_WORDS[word]
        if cue not in found:
            found[cue] = texts[joined.count("\n", 0, match.start())]
    return found


@dataclass(frozen=True, slots=True)
class _LabelCues:
    title: dict[str, str]
    conditions: dict[str, str]

    @property
    def early_only(self) -> str | None:
        """The title's early-stage cue when neither title nor conditions name advanced disease.

        The criteria can add at most one point to the metastatic side of ``_setting`` and a title
        cue weighs two, so such a trial is early-stage whatever its criteria say.
        """
        if "metastatic" in self.title or "metastatic" in self.conditions:
            return None
        return self.title.get("early")


def _label_cues(study: Study) -> _LabelCues:
    """Setting cues of the titles, and of the conditions and keywords together ("Prevention")."""
    titles = [t for t in (study.brief_title, study.official_title, study.acronym) if t]
    labels = [t for t in (*study.conditions, *study.keywords) if t]
    return _LabelCues(_setting_cues(titles), _setting_cues(labels))


def _setting(cues_of_labels: _LabelCues, collector: Collector) -> tuple[Setting, str]:
    title_cues, label_cues = cues_of_labels.title, cues_of_labels.conditions
    title_met, title_early = title_cues.get("metastatic"), title_cues.get("early")
    title_local = title_cues.get("local")
    label_met, label_early = label_cues.get("metastatic"), label_cues.get("early")
    label_local = label_cues.get("local")
    cues = collector.setting
    crit_met = next((c.quote for c in cues if c.cue == "metastatic"), None)
    crit_local = next((c.quote for c in cues if c.cue == "locally_advanced"), None)
    crit_early = next((c.quote for c in cues if c.cue == "early"), None)
    strong_early = next((c.quote for c in cues if c.cue == "early_strong"), None)
    met_score = 2 * bool(title_met) + bool(label_met) + bool(crit_met)
    early_score = 2 * bool(title_early) + bool(label_early) + bool(crit_early) + 2 * bool(strong_early)
    met_quote = title_met or label_met or crit_met or ""
    early_quote = strong_early or title_early or label_early or crit_early or ""
    distant = next(
        (c.quote for c in cues if c.cue == "metastatic" and _DISTANT.search(normalize(c.quote))), None
    )
    if strong_early and distant:
        # "No distant metastases" and "metastatic disease proven by imaging" both required: two
        # cohorts (a registry with an early and a metastatic arm), so the study is open to her.
        return "mixed", trim_quote(distant)
    if strong_early and not title_met:
        return "early", trim_quote(early_quote)
    if met_score:
        if not early_score:
            return "metastatic", trim_quote(met_quote)
        if early_score > met_score:
            return "early", trim_quote(early_quote)
        return "mixed", trim_quote(met_quote)
    local_quote = title_local or label_local or crit_local
    if local_quote:
        return (
            ("early", trim_quote(early_quote))
            if early_score
            else ("metastatic", trim_quote(local_quote))
        )
    if early_score:
        return "early", trim_quote(early_quote)
    return "unknown", ""


# ---------------------------------------------------------------------------------------------
# Reconciling raw findings
# ---------------------------------------------------------------------------------------------


def _combine_required(rules: list[ReceptorRule]) -> frozenset[str] | None:
    """Intersect what the rules require; when they contradict (cohorts), accept any of them."""
    if not rules:
        return None
    cells = ALL_CELLS
    for rule in rules:
        cells = cells & rule.cells
    if not cells:
        cells = frozenset().union(*(rule.cells for rule in rules))
    return cells


def _preferred_subtype(rules: list[ReceptorRule], hard: Requirement | None) -> Requirement | None:
    """Subtypes a pan-tumor trial names or enriches for, when they are narrower than its limit."""
    preferred = [r for r in rules if r.mode == "prefer"]
    if not preferred:
        return None
    limit = hard.cells if hard is not None else ALL_CELLS
    cells = frozenset().union(*(r.cells for r in preferred)) & limit
    if not cells or cells == limit:
        return None
    first = preferred[0]
    return Requirement(Factor.SUBTYPE_NAMED, True, first.quote, first.kind, items=tuple(sorted(cells)))


def _receptor_requirement(rules: list[ReceptorRule]) -> Requirement | None:
    rules = [r for r in rules if r.mode != "prefer"]
    if not rules:
        return None
    criteria = [r for r in rules if r.kind in ("inclusion", "exclusion")]
    required = _combine_required([r for r in criteria if r.mode == "require"])
    excluded = frozenset().union(*(r.cells for r in criteria if r.mode == "exclude"))
    if required is None and excluded:
        required = ALL_CELLS
    if required is not None:
        narrowed = required - excluded
        required = narrowed or required
    title_rules = [r for r in rules if r.kind == "title"]
    title = _combine_required(title_rules)
    condition_rules = [r for r in rules if r.kind == "conditions"]
    conditions = frozenset().union(*(r.cells for r in condition_rules)) if condition_rules else None
    final: frozenset[str] | None = None
    for cells in (required, title, conditions):
        if cells is None:
            continue
        narrowed = cells if final is None else final & cells
        final = narrowed if narrowed else final
    if final is None or final == ALL_CELLS or not final:
        return None
    source = next(
        (
            r
            for r in (*criteria, *title_rules, *condition_rules)
            if r.mode == "require" and final <= r.cells
        ),
        None,
    ) or next((r for r in (*criteria, *title_rules, *condition_rules) if final & r.cells), rules[0])
    return Requirement(Factor.SUBTYPE, True, source.quote, source.kind, items=tuple(sorted(final)))


def _menopause(collector: Collector) -> None:
    cues = collector.menopause
    allow_pre = next((q for cue, q, _ in cues if cue == "allow_pre"), None)
    post = next(((q, k) for cue, q, k in cues if cue in ("require_post", "exclude_pre")), None)
    pre = next(((q, k) for cue, q, k in cues if cue == "require_pre"), None)
    if allow_pre is not None:
        collector.allow(Allowed.PREMENOPAUSAL, allow_pre, "inclusion")
    elif post is not None and pre is None:
        collector.require(Factor.POSTMENOPAUSAL, True, post[0], post[1])
    elif pre is not None and post is None:
        collector.require(Factor.PREMENOPAUSAL, True, pre[0], pre[1])


def _without_allowed_members(requirement: Requirement, allowed: set[str]) -> Requirement | None:
    """Drop therapies the trial explicitly allows from an any-of exclusion ("SERD other than
    fulvestrant"); ``None`` when nothing is left."""
    members = requirement.items
    if len(members) == 1:
        return requirement  # "not in the metastatic setting, allowed as adjuvant" still excludes her
    kept = tuple(m for m in members if m not in allowed)
    if kept == members:
        return requirement
    if not kept:
        return None
    return Requirement(
        Factor.PRIOR_THERAPY, False, requirement.quote, requirement.kind, requirement.qualifier, kept
    )


def _reconcile_requirements(collector: Collector) -> tuple[Requirement, ...]:
    allowed = {a.key for a in collector.allowances}
    allowed_therapies = {
        a.items[0]
        for a in collector.allowances
        if a.factor == Allowed.PRIOR_THERAPY and len(a.items) == 1
    }
    brain_allowed = bool(allowed & {Allowed.BRAIN_STABLE, Allowed.BRAIN_ANY, Allowed.BRAIN_ACTIVE})
    labelled_brain = any(
        r.factor == Factor.BRAIN_METS and r.expects and r.kind in ("title", "conditions")
        for r in collector.requirements
    )
    kept: list[Requirement] = []
    seen: set[tuple[str, bool]] = set()
    standard = [r for r in collector.requirements if r.factor == Factor.STANDARD_THERAPY]
    if standard:
        # One clause, often split over sentences or parts: the trial accepts any of the routes.
        flags = tuple(sorted({f for r in standard for f in r.items}))
        first = standard[0]
        kept.append(Requirement(Factor.STANDARD_THERAPY, True, first.quote, first.kind, items=flags))
        seen.add((Factor.STANDARD_THERAPY, True))
    requirements = collector.requirements
    if any(
        r.factor == Factor.BRAIN_METS_ACTIVE and not r.expects and not r.qualifier for r in requirements
    ):
        # A plain "untreated brain metastases" exclusion outweighs a "symptomatic" one.
        requirements = [
            r
            for r in requirements
            if not (r.factor == Factor.BRAIN_METS_ACTIVE and r.qualifier == Qualifier.SYMPTOMATIC)
        ]
    for requirement in requirements:
        factor = requirement.factor
        if factor == Factor.BRAIN_METS and not requirement.expects and (brain_allowed or labelled_brain):
            continue
        if (
            factor == Factor.BRAIN_METS_ACTIVE
            and not requirement.expects
            and Allowed.BRAIN_ACTIVE in allowed
        ):
            continue
        if factor == Factor.PRIOR_THERAPY and not requirement.expects:
            reduced = _without_allowed_members(requirement, allowed_therapies)
            if reduced is None:
                continue
            requirement = reduced
        key = (requirement.key, requirement.expects)
        if key in seen:
            continue
        seen.add(key)
        kept.append(requirement)
    if Allowed.NON_MEASURABLE in allowed:
        # "Measurable disease for phase 2; evaluable disease is enough in phase 1b": one path
        # into the trial does not need measurable tumors, so it is no barrier.
        kept = [r for r in kept if r.factor != Factor.MEASURABLE]
    if any(r.factor == Factor.HER2_LOW_OR_ULTRALOW for r in kept):
        kept = [r for r in kept if r.factor != Factor.HER2_LOW]
    both = {f for f, e in seen if (f, not e) in seen}
    brain_required = (Factor.BRAIN_METS, True) in seen
    result = [
        r
        for r in kept
        if r.key not in both or (r.factor == Factor.BRAIN_METS and brain_required and r.expects)
    ]
    for mixed in sorted(both - {Factor.BRAIN_METS}):
        # Usually two parts or cohorts of one trial that differ; the verdict turns it into a question.
        source = next(r for r in kept if r.key == mixed and not r.expects)
        result.append(
            Requirement(
                source.factor, False, source.quote, source.kind, Qualifier.MIXED, items=source.items
            )
        )
    receptor = _receptor_requirement(collector.receptors)
    preferred = _preferred_subtype(collector.receptors, receptor)
    if preferred is not None:
        result.insert(0, preferred)
    if receptor is not None:
        result.insert(0, receptor)
    return tuple(result)


def _reconcile_limits(limits: list[Limit]) -> tuple[Limit, ...]:
    line_factors = (LimitFactor.PRIOR_LINES, LimitFactor.CHEMO_LINES, LimitFactor.ENDOCRINE_LINES)
    if any(x.factor in line_factors and x.kind != "title" for x in limits):
        # "First-line" in a title or summary that the criteria spell out ("no prior chemotherapy
        # for metastatic disease", "at most 2 prior lines"): the criteria's own count is the rule.
        limits = [x for x in limits if not (x.factor in line_factors and x.kind == "title")]
    merged: dict[str, Limit] = {}
    for limit in limits:
        current = merged.get(limit.factor)
        if current is None:
            merged[limit.factor] = limit
            continue
        lows = [x for x in (current.low, limit.low) if x is not None]
        highs = [x for x in (current.high, limit.high) if x is not None]
        low = max(lows) if lows else None
        high = min(highs) if highs else None
        if low is not None and high is not None and low > high:
            continue  # contradictory statements (usually different cohorts): keep the first
        stricter_high = limit.high is not None and (current.high is None or limit.high < current.high)
        quote, kind = (limit.quote, limit.kind) if stricter_high else (current.quote, current.kind)
        any_setting = current.any_setting and limit.any_setting
        merged[limit.factor] = Limit(limit.factor, low, high, quote, kind, any_setting=any_setting)
    return tuple(merged.values())


def _unique_allowances(allowances: list[Allowance]) -> tuple[Allowance, ...]:
    seen: dict[str, Allowance] = {}
    for allowance in allowances:
        seen.setdefault(allowance.key, allowance)
    return tuple(seen.values())


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


def _read_summary_lines(summary: str | None, collector: Collector) -> None:
    """A first-line study often says so only in its summary ("administered as first-line
    treatment", "in patients who have not received prior chemotherapy for metastatic breast
    cancer"); such a sentence counts like the title. A line limit in the criteria still wins."""
    if not summary or not _SUMMARY_LINE_CUE.search(summary.lower()):
        return
    for sentence in _SENTENCE_END.split(summary):
        cue = _SUMMARY_LINE_CUE.search(sentence.lower())
        if cue is None:
            continue
        text = normalize(sentence)
        if _SUMMARY_LINE_NOISE.search(text) or not _ADVANCED_SUMMARY.search(text):
            continue
        quote = _clause_around(sentence, cue)
        if _FIRST_LINE_TITLE.search(text):
            collector.limit(LimitFactor.PRIOR_LINES, None, 0, quote, "title")
        else:
            read_lines(text, quote, "title", collector)


def _clause_around(sentence: str, cue: re.Match[str], reach: int = 90) -> str:
    """The words around a cue, so a long summary sentence is quoted by its point."""
    if len(sentence) <= 2 * reach:
        return sentence
    start = max(0, cue.start() - reach)
    end = min(len(sentence), cue.end() + reach)
    if start > 0:
        start = sentence.find(" ", start) + 1
    if end < len(sentence):
        end = max(sentence.rfind(" ", 0, end), cue.end())
    return (
        ("… " if start > 0 else "") + sentence[start:end].strip() + (" …" if end < len(sentence) else "")
    )


def _read_labels(study: Study, collector: Collector) -> None:
    """Titles and conditions often state the subtype, the brain focus or the line of therapy."""
    for title in (study.brief_title, study.official_title):
        if not title:
            continue
        text = normalize(title)
        groups = triggered(text)
        if "receptors" in groups:
            read_receptors(text, title, "title", collector)
        if "brain" in groups:
            read_brain(text, title, "title", collector)
        if "biomarkers" in groups:
            read_biomarkers(text, title, "title", collector)
        if "sex" in groups:
            read_menopause_and_sex(text, title, "title", collector)
        if "refractory" in text:
            read_standard_therapy(text, title, "title", collector)
        if _FIRST_LINE_TITLE.search(text) and not re.search(r"after|following|progress", text):
            collector.limit(LimitFactor.PRIOR_LINES, None, 0, title, "title")
        elif "lines" in groups:
            read_lines(text, title, "title", collector)
        if "genes" in groups:
            read_gene_change(text, title, "title", collector)
        if "prior" in groups:
            read_prior_therapy(text, title, "title", collector, skip_generic=False)
    _read_summary_lines(study.brief_summary, collector)
    labels = [t for t in (study.brief_title, study.official_title, *study.conditions) if t]
    joined = normalize(" | ".join(labels))  # one normalized text for the three label readers
    read_liver_focus(labels, "title", collector, joined)
    read_bone_focus(labels, "title", collector, joined)
    read_symptom_focus(labels, "title", collector, joined)
    if not study.conditions or not triggered(normalize(" | ".join(study.conditions))) & {
        "receptors",
        "brain",
    }:
        return
    # A subtype listed beside "Advanced Solid Tumors" is one cohort among many, not a limit.
    collector.soft_subtype = any(
        _PAN_TUMOR.search(normalize(t))
        for t in (study.brief_title, study.official_title, *study.conditions)
        if t
    )
    for condition in study.conditions:
        text = normalize(condition)
        groups = triggered(text)
        if "receptors" in groups:
            read_receptors(text, condition, "conditions", collector)
        if "brain" in groups:
            read_brain(text, condition, "conditions", collector)


#: The implicit part of a trial whose criteria say some rules hold "only for" another part.
OTHER_PART = "other part"
_ONLY_AFTER = re.compile(
    r"\s+(?:for|in|to)\s+(?:the\s+)?(?:phase|part|cohort|arm|group|expansion|escalation)|"
    r"\s*\((?:for\s+)?(?:phase|part|cohort|arm|group)\b"
)
_ONLY_BEFORE = re.compile(r"\b(?:phase|part|cohort|arm|group)\s+[\w-]{1,4}\s+$")


def _only_for_part(criteria: str) -> bool:
    """Whether some rules hold "only for phase III" / "(phase II) only": looked up around each
    "only", which is far cheaper than a case-blind search of the whole text."""
    text = criteria.lower()
    position = text.find("only")
    while position != -1:
        end = position + 4
        whole_word = (position == 0 or not text[position - 1].isalnum()) and not text[
            end : end + 1
        ].isalnum()
        if whole_word and (
            _ONLY_AFTER.match(text, end) or _ONLY_BEFORE.search(text, max(0, position - 24), position)
        ):
            return True
        position = text.find("only", end)
    return False


def _open_lists(items: tuple[CriteriaItem, ...], texts: list[str]) -> tuple[set[str], set[str]]:
    """Parents of lists whose subtypes do not limit the trial.

    The first set: lists of alternatives that include any solid tumor ("one of the following:
    ... TNBC ... advanced solid tumors"). The second: lists a trial is "enriched for" or gives
    "for example": the subtypes named there are preferences. ``texts`` are the items normalized.
    """
    open_parents: set[str] = set()
    preferring: set[str] = set()
    read_parents: set[str] = set()
    for item, text in zip(items, texts, strict=True):
        parent = item.parent
        if parent is None or item.kind != "inclusion":
            continue
        if parent not in read_parents:  # a parent heads several items: read it once
            read_parents.add(parent)
            if _PREFERENCE.search(parent.lower()):
                preferring.add(parent)
        if parent in open_parents:
            continue
        if len(text) < 60 and _PAN_TUMOR.search(text) and not ORGAN.search(text):
            open_parents.add(parent)
        elif ("any" in text or "all" in text) and _ANY_SUBTYPE.search(text):
            open_parents.add(parent)  # "... or late relapse (any subtype)": the list limits nothing
    return open_parents, preferring


def read_trial_uncached(study: Study) -> TrialReading:
    """Read one study's criteria, titles and conditions into findings. Never raises."""
    labels = _label_scope(study)
    if labels.kind == "organ":
        # Another cancer named in the title or conditions: not for this app, so the criteria
        # (most of the reading cost) are not read at all.
        return TrialReading(
            nct_id=study.nct_id,
            version=study.version,
            scope="other",
            scope_quote=labels.quote,
            setting="unknown",
            setting_quote="",
            healthy_volunteers=bool(study.healthy_volunteers),
        )
    label_cues = _label_cues(study)
    early = label_cues.early_only if labels.kind == "breast" else None
    if early is not None:
        # An early-stage breast study by its title: not relevant whatever the criteria say.
        return TrialReading(
            nct_id=study.nct_id,
            version=study.version,
            scope="breast",
            scope_quote=labels.quote,
            setting="early",
            setting_quote=trim_quote(early),
            healthy_volunteers=bool(study.healthy_volunteers),
        )
    collector = Collector()
    items = split_criteria(study.eligibility_criteria)
    inclusion_items: list[str] = []
    parents: dict[str, str] = {}
    part_texts: dict[str, list[str]] = {}
    # In a trial with a part for any solid tumor, other parts' cancers do not limit the trial.
    texts = [normalize(item.text) for item in items]  # each item normalized once
    pan_tumor_part = any(i.parts and _names_solid_tumours(t) for i, t in zip(items, texts, strict=True))
    open_lists, preferring = _open_lists(items, texts)
    for item, whole in zip(items, texts, strict=True):
        kind: Source = item.kind
        collector.parts = item.parts
        collector.any_subtype = item.parent in open_lists
        collector.soft_subtype = item.parent in preferring
        parent_text = ""
        if item.parent:
            parent_text = parents.get(item.parent, "")
            if not parent_text:
                parent_text = parents[item.parent] = normalize(split_sentences(item.parent)[-1])
        if kind == "inclusion" and not (item.parts and pan_tumor_part):
            inclusion_items.append(whole)
        for path in item.parts:
            part_texts.setdefault(path, []).append(parent_text + " " + whole)
        combined = parent_text + " " + whole if parent_text else whole
        found = scan(combined)
        if not found[0]:
            continue
        sentences = split_sentences(item.text)
        single = len(sentences) == 1
        for sentence in sentences:
            text = combined if single else normalize(sentence)
            if parent_text and not single:
                text = parent_text + " " + text
            if parent_text:
                quote = f"{item.parent}: {sentence}" if len(item.parent or "") <= 90 else sentence
            else:
                quote = sentence
            try:
                read_sentence(text, quote, kind, collector, found if single else None)
            except (re.error, ValueError, IndexError, KeyError):  # pragma: no cover - defensive
                continue
    collector.parts, collector.any_subtype, collector.soft_subtype = (), False, False
    _read_labels(study, collector)
    _menopause(collector)
    scope, scope_quote = _scope(labels, inclusion_items, collector)
    setting, setting_quote = _setting(label_cues, collector)
    reading = TrialReading(
        nct_id=study.nct_id,
        version=study.version,
        scope=scope,
        scope_quote=scope_quote,
        setting=setting,
        setting_quote=setting_quote,
        healthy_volunteers=bool(study.healthy_volunteers),
        item_count=len(items),
    )
    alternatives = _part_alternatives(collector, part_texts) if part_texts else []
    if alternatives and _only_for_part(study.eligibility_criteria or ""):
        # "Key inclusion criteria only for phase III": the other phase takes the shared ones only.
        alternatives.append((OTHER_PART, _subset(collector, OTHER_PART)))
    if len(alternatives) == 1:
        # Only one part is for breast cancer (the others name another cancer): it is the trial.
        return _findings(reading, alternatives[0][1])
    merged = _findings(reading, collector)
    if len(alternatives) > 1:
        parts = tuple(_findings(reading, sub, leaf) for leaf, sub in alternatives)
        return replace(merged, parts=parts)
    return merged


#: A broad therapy class and the line count that counts it.
_CLASS_LINES = {
    "chemotherapy": LimitFactor.CHEMO_LINES,
    "endocrine": LimitFactor.ENDOCRINE_LINES,
    "systemic": LimitFactor.PRIOR_LINES,
}


def _against_counts(
    requirements: tuple[Requirement, ...], limits: tuple[Limit, ...]
) -> tuple[Requirement, ...]:
    """An outright "no prior chemotherapy" beside a count that allows chemotherapy lines ("no more
    than 2 chemotherapy regimens") describes two groups or two settings: a question, not a bar."""
    allowing = {x.factor for x in limits if x.high is None or x.high >= 1}
    if not allowing:
        return requirements
    return tuple(
        replace(r, qualifier=Qualifier.MIXED)
        if not r.expects
        and not r.qualifier
        and r.factor == Factor.PRIOR_THERAPY
        and len(r.items) == 1
        and _CLASS_LINES.get(r.items[0]) in allowing
        else r
        for r in requirements
    )


def _findings(reading: TrialReading, collector: Collector, part: str = "") -> TrialReading:
    limits = _reconcile_limits(collector.limits)
    return replace(
        reading,
        requirements=_against_counts(_reconcile_requirements(collector), limits),
        limits=limits,
        allowances=_unique_allowances(collector.allowances),
        parts=(),
        part=part,
    )


def _part_is_for_breast(leaf: str, part_texts: dict[str, list[str]]) -> bool:
    """Whether a part takes breast cancer, judged by the most specific criteria that say.

    A part whose own criteria name another cancer and neither breast cancer nor solid tumors is
    not hers ("Part 2 - pancreatic adenocarcinoma"); a part that names no cancer at all follows
    the part that contains it, and takes her when none says otherwise.
    """
    steps = leaf.split("/")
    for depth in range(len(steps), 0, -1):
        joined = " ".join(part_texts.get("/".join(steps[:depth]), ()))
        if BREAST.search(joined) or _names_solid_tumours(joined):
            return True
        if ORGAN.search(joined) is not None:
            return False
    return True


def _part_alternatives(
    collector: Collector, part_texts: dict[str, list[str]]
) -> list[tuple[str, Collector]]:
    """Each part a patient could join, with the findings that hold in it (shared ones included).

    An empty list when the criteria name no parts; findings of parts meant for other cancers are
    dropped. Each part's own criteria, read with those of the parts that contain it, decide
    whether it is for breast cancer.
    """
    alternatives: list[tuple[str, Collector]] = []
    for leaf in leaves(set(part_texts)):
        if _part_is_for_breast(leaf, part_texts):
            alternatives.append((leaf, _subset(collector, leaf)))
    return alternatives


def _subset(collector: Collector, leaf: str) -> Collector:
    return Collector(
        requirements=[r for r in collector.requirements if applies(r.parts, leaf)],
        limits=[x for x in collector.limits if applies(x.parts, leaf)],
        allowances=[a for a in collector.allowances if applies(a.parts, leaf)],
        receptors=[r for r in collector.receptors if applies(r.parts, leaf)],
    )


CacheKey = tuple[str, str, int]


class ReadingCache:
    """A bounded, thread-safe LRU of readings keyed by study, version and text.

    The text hash guards against a record edited without a new version date. Streamlit serves
    several sessions from threads, hence the lock.
    """

    def __init__(self, maxsize: int = DEFAULT_CACHE_SIZE) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[CacheKey, TrialReading] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(study: Study) -> CacheKey:
        text_hash = hash(
            (
                study.eligibility_criteria,
                study.brief_title,
                study.official_title,
                study.conditions,
                study.keywords,
                study.healthy_volunteers,
            )
        )
        return (study.nct_id, study.version, text_hash)

    def get(self, study: Study) -> TrialReading:
        """The cached reading of ``study``, reading it on first use."""
        key = self.key(study)
        with self._lock:
            reading = self._data.get(key)
            if reading is not None:
                self._data.move_to_end(key)
                self.hits += 1
                return reading
        reading = read_trial_uncached(study)
        with self._lock:
            self.misses += 1
            self._data[key] = reading
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)
        return reading

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._data)


DEFAULT_CACHE = ReadingCache()


def read_trial(study: Study, *, cache: ReadingCache | None = None) -> TrialReading:
    """Read a study, re-using the reading of the same study version when it was read before.

    Args:
        study: a normalized study record.
        cache: where readings are kept; the module's bounded default cache when omitted.
    """
    return (cache if cache is not None else DEFAULT_CACHE).get(study)
