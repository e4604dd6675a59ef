"""What a trial's title, conditions and summary say: which cancer it is for, and its setting."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from data.models import Study
from matchers.criteria_text import CANCER_NOUN, names_another_cancer
from matchers.findings import (
    Allowed,
    Factor,
    LimitFactor,
    Qualifier,
    Source,
    Standard,
)
from matchers.reader.biomarkers import read_biomarkers, read_gene_change
from matchers.reader.brain import read_brain
from matchers.reader.collector import Collector
from matchers.reader.demographics import read_menopause_and_sex
from matchers.reader.disease import GVHD, PARENT_STUDY, read_symptom_focus
from matchers.reader.lines import read_lines
from matchers.reader.receptors import read_receptors
from matchers.reader.regex_tools import trie_pattern, word_start_pattern
from matchers.reader.setting import ORGAN, invasive_or_in_situ, is_nodal
from matchers.reader.sites import read_bone_focus, read_liver_focus, require_bone_part
from matchers.reader.standard import read_standard_therapy
from matchers.reader.text import normalize, trim_quote
from matchers.reader.therapy import read_prior_therapy
from matchers.reader.triggers import triggered
from matchers.trial_reading import Scope, Setting

# ---------------------------------------------------------------------------------------------
# Scope and setting from titles, conditions and keywords
# ---------------------------------------------------------------------------------------------

# Each pattern checks one word boundary before its alternatives: far cheaper than one per branch.
#: "Breast" ends a label ("Carcinoma of Breast", "Neoplasms, Breast"), in any label of the list.
_BREAST_CANCER = re.compile(
    word_start_pattern(
        r"\b(?:(?:breast|mammary)\b[^.;\n]{0,50}?(?:cancer|carcinoma|neoplasm|tumou?r|malignan|"
        r"adenocarcinoma|metasta|lesion|mass|disease|oncology)|(?:m?tnbc|mbc|abc)\b|her2[\s-]*(?:positive|"
        r"\+)\s+bc\b|(?:cancers?|carcinomas?|neoplasms?|tumou?rs?|malignan\w*)\b[^\n]{0,20}?\bbreast"
        r"[ \t]*(?=\n)|breast\s*$)"
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
PAN_TUMOR = re.compile(
    r"\bsolid\s+(?:tumou?rs?|malignan\w*|neoplasms?|cancers?)|\badvanced\s+(?:malignan\w*|cancers?|"
    r"solid)|\b(?:any|all|various|multiple|selected)\s+(?:solid\s+)?(?:tumou?rs?|cancers?|malignan\w*)|"
    r"\btumou?r[\s-]agnostic|\bpan[\s-]tumou?r|\bmetastatic\s+cancers?\b"
)


_ORGAN_NOT_LIMITING = re.compile(
    r"\bexclud\w*|\bnot\s+(?:be\s+)?eligible|\bineligible\b|\bother\s+than\b|\bexcept\b|"
    r"\bfor\s+(?:patients|subjects|participants|those)\s+with\b|\bif\b|\bin\s+case\s+of\b|"
    r"\b(?:are|is)\s+(?:also\s+)?(?:eligible|allowed|permitted)|\balso\s+eligible\b|\bprovided\b|"
    # a blood count's threshold for some cohorts ("platelets >= 100,000/mcl for solid tumors and
    # lymphomas only") names cancers without limiting the trial to them
    r"\b(?:neutrophils?|platelets?|ha?emoglobin|creatinine|bilirubin)\b|/(?:mcl|ul|mm3|l)\b|"
    # one group's rules ("Patients with a glioma must:", "Patients with multiple myeloma must
    # have received at least one line of prior systemic therapy")
    r"^\W*(?:patients|participants|subjects)\s+with\b[^:]{0,80}:$|"
    r"^\W*(?:patients|participants|subjects)\s+with\s+(?:an?\s+)?(?:[\w/-]+\s+){1,4}?must\s+"
    r"(?:have\s+(?:received|had|progressed|failed)|be\s+(?:refractory|relapsed))\b"
)


PREFERENCE = re.compile(
    r"\benrich\w*|\bpreferab\w*|\bpreferred\b|\bprioriti[sz]\w*|\bespecially\b|\bparticularly\b|"
    r"\bsuch\s+as\b|\be\.g\.|\bfor\s+example\b|\bincluding\s+but\s+not\s+limited"
)


ANY_SUBTYPE = re.compile(
    word_start_pattern(
        r"\b(?:any|all)\s+(?:breast\s+cancer\s+)?(?:subtypes?|receptor\s+status|hormone[\s-]receptor\s+"
        r"status|her2\s+status|molecular\s+subtypes?)\b"
    )
)


_RECIST = re.compile(r"criteria\s+(?:in|for)\s+solid\s+tumou?rs?")


#: Solid tumours named as past or absent, not as the disease to have: "prior solid tumors ...
#: treated with curative intent", "no active solid tumors".
_SOLID_TUMOURS_NOT_TAKEN = re.compile(
    r"\b(?:no|not|without|prior|previous|history\s+of|active|other|concurrent)\s+(?:\w+\s+)?$"
)


def _takes_solid_tumours(text: str) -> bool:
    """Whether normalized inclusion text takes solid tumours as the disease to have."""
    found = PAN_TUMOR.search(_RECIST.sub(" ", text))
    return (
        found is not None
        and not _SOLID_TUMOURS_NOT_TAKEN.search(text, 0, found.start())
        and "eligible if" not in text
    )


def names_solid_tumours(text: str) -> bool:
    """Whether normalized text takes solid tumours in general ("Response Evaluation Criteria in
    Solid Tumors" does not count)."""
    return PAN_TUMOR.search(_RECIST.sub(" ", text)) is not None


_CANCER_NAME = re.compile(
    r"(?:nsclc|sclc|crc|hcc|rcc|hnscc|gist|melanoma|glioma|glioblastoma|lymphoma|leukemi|leukaemi|"
    r"myeloma|sarcoma|mesothelioma|cholangio|neuroblastoma|retinoblastoma|hepatoblastoma|carcinoid|"
    r"ewing|wilms|merkel|myelofibrosis|myelodysplastic|hepatocellular|urothelial|renal\s+cell|"
    r"liver\s+cancer|head\s+and\s+neck)"
)


_CANCER_NOUN_AFTER = re.compile(
    r"[\s,/-]+(?:[a-z()-]+\s+){0,3}?(?:cancers?|carcinomas?|adenocarcinomas?|tumou?rs?|neoplasms?|"
    r"malignan\w*|primar(?:y|ies))\b"  # "brain metastases from lung or kidney primary"
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
#: Words after an early-stage cue that give it another meaning: "Screening Protocol for the
#: Surgery Branch", "Prospective Screening for Patient-Specific Genotypes ... and Trial Selection"
#: look for people who fit studies, not for cancer in healthy people.
_NOT_EARLY_BEFORE: dict[str, re.Pattern[str]] = {
    "screening": re.compile(
        r"\s+(?:protocol|for\s+(?:patient|eligibility|participation|enrol|clinical\s+(?:trial|stud)|"
        r"trials?\b|studies|research\s+protocol|genotype|mutation|targets?\b)|"
        # "A Screening Study to Detect BRAF V600 Mutation-Positive Patients For Enrollment"
        r"study\s+to\s+(?:detect|identify|find)\s+[^.;]{0,60}?\bpatients\s+for\s+enrol)"
    ),
    "surg": re.compile(r"ery\s+branch\b"),  # the NCI Surgery Branch, which runs cell therapies
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

    #: "any": another cancer named beside a bare "Neoplasms" or "Cancer"; only criteria that take
    #: any cancer ("diagnosis of cancer") or solid tumours in general open it to her.
    kind: Literal["breast", "generic", "organ", "any", "none"]
    quote: str
    #: Breast cancer named only among the conditions or keywords, not in a title.
    conditions_only: bool = False


def _joined(texts: list[str]) -> str:
    """Normalized texts, one per line, so a match position tells which text it is in."""
    return normalize("\n".join(" ".join(t.split()) for t in texts))


def _first_matching(pattern: re.Pattern[str], texts: list[str], joined: str) -> str | None:
    """The first of ``texts`` (joined by newlines into ``joined``) that ``pattern`` matches."""
    match = pattern.search(joined)
    return None if match is None else texts[joined.count("\n", 0, match.start())]


_BARE_GENERIC = frozenset(
    {"neoplasm", "neoplasms", "malignant neoplasm", "malignant neoplasms", "cancer", "malignancy"}
)
#: An inclusion that takes anyone with cancer: "Individuals with a diagnosis of cancer", "biopsy-
#: proven malignant disease", "being evaluated and/or treated for cancer".
_ANY_CANCER_TAKEN = re.compile(
    r"\bdiagnosis\s+of\s+(?:a\s+)?(?:cancer|malignancy)\b|\b(?:biopsy[\s-]prov\w+|suspected\s+of\s+having)"
    r"(?:,?\s+or\s+with\s+biopsy[\s-]prov\w+)?,?\s+(?:a\s+)?malignan\w*|\b(?:evaluated|treated)\s+(?:and/or\s+"
    r"treated\s+)?for\s+cancer\b|\bany\s+(?:type\s+of\s+)?(?:cancer|malignancy)\b"
)


def _bare_generic_condition(conditions: tuple[str, ...]) -> bool:
    """A condition that names cancer in general and nothing else ("Neoplasms", "Cancer"), alone or
    as one item of a comma list."""
    return any(
        " ".join(part.split()) in _BARE_GENERIC
        for c in conditions
        for part in c.lower().split(",")[1:] or [c.lower()]
    )  # "Multiple Myeloma, Neoplasms" as one condition names both; "Neoplasms, Head and Neck" is
    # one cancer, its name inverted


_SITE = (
    r"(?:brain|cerebral|cns|central\s+nervous\s+system|intracranial|leptomeningeal|spin(?:e|al)|"
    r"vertebral|paraspinal|epidural|bone|skeletal|osseous|liver|hepatic)"
)
#: Metastases named by where they are, not by the cancer they came from ("Brain Metastases",
#: "Vertebral and/or paraspinal metastases", "brain metastases from solid tumors", "Diagnosis of
#: metastatic malignancy"): a study for them takes them from any cancer, hers too.
_SITE_METASTASES = re.compile(
    r"\b" + _SITE + r"(?:\s*(?:,|and/or|and|or)\s*" + _SITE + r")*\s+(?:metastas[ie]s|mets)\b|"
    r"\bmetastas[ie]s\s+(?:to|in)\s+the\s+(?:brain|spine|bones?|liver|central\s+nervous)|"
    r"\bmetastatic\s+malignan\w*|\bmalignant\s+neoplasms?\s+in\s+the\s+brain\b|"
    r"\bbrain\s+tumou?rs?\s*\([^)]{0,30}\bmetastatic"
)


def takes_site_metastases(text: str) -> bool:
    """Whether normalized text takes metastases to a place from any cancer (no other cancer named
    in it)."""
    return _SITE_METASTASES.search(text) is not None and not names_another_cancer(text)


#: An inclusion that states the disease she must have as metastases to a place: it opens with them
#: ("Vertebral and/or paraspinal metastases, with or without prior surgery", "Patients with
#: radiologically confirmed brain metastases", "Diagnosis of metastatic malignancy").
_OPENS_WITH_SITE_METASTASES = re.compile(
    r"^\W*(?:\d+[.)]\s*)?(?:(?:patients?|participants?|subjects?)\s+with\s+)?(?:(?:a\s+)?(?:diagnosis|"
    r"history)\s+(?:or\s+suspected\s+diagnos[ie]s\s+)?of\s+|have\s+a\s+diagnosis\s+(?:or\s+suspected\s+"
    r"diagnos[ie]s\s+)?of\s+)?(?:(?:radiologically|histologically|pathologically|cytologically)\s+"
    r"(?:confirmed|proven|documented)\s+)?(?:(?:untreated|new|newly\s+diagnosed|recurrent|progressive|"
    r"parenchymal|symptomatic|known)\s+)*(?:" + _SITE_METASTASES.pattern + r")"
)
#: ... but not as a condition on something else ("... if known liver metastases", "provided").
_SITE_METASTASES_AS_CONDITION = re.compile(
    r"\bif\b|\ballowed\b|\beligible\b|\bprovided\b|\bmust\s+not\b|\bonly\b|\buln\b|\bmeasurable\b"
)


def _states_site_metastases(text: str) -> bool:
    """Whether an inclusion states the disease as metastases to a place from any cancer: no other
    cancer or organ named in it ("brain metastases from lung or kidney primary" is not)."""
    return (
        _OPENS_WITH_SITE_METASTASES.match(text) is not None
        and not _SITE_METASTASES_AS_CONDITION.search(text)
        and all(m.group(0) in _TUMOURS_OF_THE_BRAIN for m in ORGAN.finditer(text))
    )


#: Other tumours of the brain, which a study of brain metastases may also take ("Malignant
#: glioma", "Primary CNS lymphoma").
_TUMOURS_OF_THE_BRAIN = frozenset({"glioma", "brain tumor", "brain tumour"})
_PRIMARY_CNS_LYMPHOMA = re.compile(r"\bprimary\s+(?:cns|central\s+nervous\s+system)\s+lymphoma")


def _other_cancers_than_brain_tumours(organs: set[str], inclusion_items: list[str]) -> set[str]:
    """Of the cancers the inclusion names, those besides tumours of the brain ("Malignant glioma",
    "Primary CNS lymphoma"): "non-small cell lung cancer with 1-4 brain metastases" names one."""
    others = organs - _TUMOURS_OF_THE_BRAIN
    lymphomas = [t for t in inclusion_items if "lymphoma" in t]
    if lymphomas and all(_PRIMARY_CNS_LYMPHOMA.search(t) for t in lymphomas):
        others.discard("lymphoma")
    return others


_SITE_FACTORS = (
    (
        re.compile(r"\b(?:brain|cerebral|cns|central\s+nervous|intracranial|leptomeningeal)\b"),
        Factor.BRAIN_METS,
    ),
    (
        re.compile(r"\b(?:spin(?:e|al)|vertebral|paraspinal|epidural|bones?|skeletal|osseous)\b"),
        Factor.BONE_METS,
    ),
    (re.compile(r"\b(?:liver|hepatic)\b"), Factor.LIVER_METS),
)


def site_metastases_factor(text: str) -> Factor | None:
    """The place a study of metastases by place is for ("Brain Metastases" -> brain), when the
    normalized text names exactly one kind of place."""
    if not takes_site_metastases(text):
        return None
    found = {factor for pattern, factor in _SITE_FACTORS if pattern.search(text)}
    return found.pop() if len(found) == 1 else None


def require_site_of_metastases(scope_quote: str, collector: Collector) -> None:
    """A study of brain (or spine, or liver) metastases from any cancer is for people who have
    them: the place becomes a requirement, and the criterion that said so counts as read."""
    site = site_metastases_factor(normalize(scope_quote))
    if site is None or any(r.factor == site and r.expects for r in collector.requirements):
        return
    collector.require(site, True, scope_quote, "conditions")
    if site == Factor.BONE_METS:
        require_bone_part(normalize(scope_quote), scope_quote, "conditions", collector)
    said = scope_quote.rstrip("…").strip()
    collector.unread = [u for u in collector.unread if not normalize(u.quote).startswith(said)]


def _same_place(sites: str, organ: str | None) -> bool:
    """Whether a label naming another tumour names the same place as the metastases ("Primary
    Brain Neoplasm" and "Metastatic Malignant Neoplasm in the Brain")."""
    if organ is None:
        return False
    factor = site_metastases_factor(normalize(sites))
    pattern = next((p for p, f in _SITE_FACTORS if f == factor), None)
    place = pattern.search(normalize(organ)) if pattern is not None else None
    # the place names the tumour ("Brain Tumors"), not where another cancer spread ("Lung
    # Cancer With Liver Metastases")
    return place is not None and CANCER_NOUN.match(normalize(organ), place.end() + 1) is not None


def label_scope(study: Study) -> _Labels:
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
            titled = text in (study.brief_title, study.official_title)
            return _Labels("breast", trim_quote(text), conditions_only=not titled)
    if excluded_breast is not None:
        return _Labels("organ", trim_quote(excluded_breast))
    candidates = [t for t in (study.brief_title, study.official_title, *study.conditions) if t]
    joined = _joined(candidates)
    organ = _first_matching(ORGAN, candidates, joined)
    generic = _first_matching(_GENERIC_CANCER, candidates, joined)
    titles = [t for t in (study.brief_title, study.official_title) if t]
    sites = next((t for t in candidates if takes_site_metastases(normalize(t))), None)
    # a title about the metastases beside a condition naming another cancer ("WBRT for Brain
    # Metastases" with "Non-Small Cell Lung Cancer") stays that cancer's
    titled = sites in titles and (organ is None or organ in titles)
    if sites is not None and (titled or _same_place(sites, organ)):
        # "... Recurrent Malignant Gliomas, Primary CNS Lymphoma, or Brain Metastases", "Brain
        # Tumors" beside "Metastatic Malignant Neoplasm in the Brain": a study of a place the
        # cancer grows in, from any cancer; the criteria decide
        return _Labels("generic", trim_quote(sites))
    if organ is not None and (generic is None or PAN_TUMOR.search(joined) is None):
        if _bare_generic_condition(study.conditions):
            return _Labels("any", trim_quote(organ))  # "Neoplasms" beside "Lymphoma"
        return _Labels("organ", trim_quote(organ))
    if generic is not None:
        # "Solid tumors and lymphoma": another cancer named beside a pan-tumor term does not make
        # the trial one for that cancer only; the criteria decide.
        return _Labels("generic", trim_quote(generic))
    return _Labels("none", trim_quote(study.conditions[0] if study.conditions else study.title))


#: Names of one kind of cancer, counted once: a glioblastoma is a glioma.
_ONE_CANCER = {"glioblastoma": "glioma", "astrocytoma": "glioma", "oligodendroglioma": "glioma"}


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
                # "lymphoma" and "lymphomas", "glioblastoma" and "glioma" are one cancer
                organ = organ.removesuffix("s")
                organs.add(_ONE_CANCER.get(organ, organ))
    return organs


def _criteria_name_only_other_cancers(inclusion_items: list[str], collector: Collector) -> str | None:
    """The inclusion criterion that limits a trial to other cancers, when breast cancer is named
    only in its condition list ("breast carcinoma" among the conditions; "nasopharyngeal or
    hepatocellular carcinoma" in the inclusions): the criteria, narrower, decide."""
    if any(mode == "require" for mode, _ in collector.breast_mentions):
        return None
    if any(_BREAST_WORDS.search(t) or names_solid_tumours(t) for t in inclusion_items):
        return None
    for text in inclusion_items:
        if _DIAGNOSIS.search(text) and not _NOT_A_DIAGNOSIS.search(text) and _limiting_organs([text]):
            return trim_quote(text)
    return None


_BREAST_WORDS = re.compile(r"\bbreasts?\b|\bmammary\b|\btnbc\b|\bmbc\b|\bhr\+|\bher2\b")
#: A criterion that states the cancer she must have.
_DIAGNOSIS = re.compile(r"\b(?:histolog\w*|cytolog\w*|patholog\w*|confirmed|diagnos\w*|documented)\b")
#: Other cancers named as history, treatment or a negation, not as the cancer she must have.
_NOT_A_DIAGNOSIS = re.compile(
    r"^\W*no\b|\bnot?\b|\bwithout\b|\bhistory\b|\bprior\b|\bprevious\w*|\btransplant\w*|"
    r"\bhematologic\w*|\bleuk\w*|\bmyelodysplast\w*|\bwithin\s+\d+"
)


def decide_scope(
    labels: _Labels, inclusion_items: list[str], collector: Collector, *, pan_tumor_part: bool = False
) -> tuple[Scope, str]:
    """Breast trial, a pan-tumor trial that admits breast cancer, or neither.

    Titles and conditions decide when they name breast cancer or only another organ; the criteria
    decide for trials labelled "solid tumors" or "cancer" (or not labelled as cancer at all). A
    trial so labelled with a part of its own for any solid tumour ("Inclusion Criteria (Treatment
    Arm A): ... solid tumors that are advanced or metastatic") takes her in that part, whatever
    other cancers its other parts name.
    """
    if labels.kind == "breast":
        if labels.conditions_only:
            narrower = _criteria_name_only_other_cancers(inclusion_items, collector)
            if narrower is not None:
                return "other", narrower
        return "breast", labels.quote
    if labels.kind == "organ":
        return "other", labels.quote
    if labels.kind == "any":
        taken = next(
            (t for t in inclusion_items if _ANY_CANCER_TAKEN.search(t) or _takes_solid_tumours(t)),
            None,
        )
        if taken is None or _limiting_organs(inclusion_items):
            return "other", labels.quote
        return "solid_tumor", trim_quote(taken)
    required = next((q for mode, q in collector.breast_mentions if mode == "require"), None)
    if required is not None:
        return "breast", required
    excluded = next((q for mode, q in collector.breast_mentions if mode == "exclude"), None)
    if excluded is not None:
        return "other", excluded
    organs = _limiting_organs(inclusion_items)
    stated = next((t for t in inclusion_items if _states_site_metastases(t)), None)
    if (
        labels.kind in ("generic", "none")
        and stated is not None
        and not _other_cancers_than_brain_tumours(organs, inclusion_items)
    ):
        # "Vertebral and/or paraspinal metastases", "Diagnosis of metastatic malignancy": metastases
        # from any cancer are the way in, beside tumours of the same place at most ("brain
        # tumours (glioblastoma ...)"); another cancer named ("Pathologically confirmed
        # non-small cell lung cancer") limits the study to it
        return "solid_tumor", trim_quote(stated)
    # One other cancer named in the criteria limits a trial labelled only "carcinoma", not one
    # labelled "solid tumors" ("solid tumor or lymphoma").
    if labels.kind == "generic" and (
        not organs
        or pan_tumor_part
        or (
            len(organs) == 1
            and PAN_TUMOR.search(normalize(labels.quote))
            and any(names_solid_tumours(t) for t in inclusion_items)
        )
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
        if word in _NOT_EARLY_BEFORE and _NOT_EARLY_BEFORE[word].match(joined, match.end()):
            continue
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

        The criteria can add at most one point to the metastatic side of ``setting`` and a title
        cue weighs two, so such a trial is early-stage whatever its criteria say.
        """
        if "metastatic" in self.title or "metastatic" in self.conditions:
            return None
        return self.title.get("early")


def read_label_cues(study: Study) -> _LabelCues:
    """Setting cues of the titles, and of the conditions and keywords together ("Prevention")."""
    titles = [t for t in (study.brief_title, study.official_title, study.acronym) if t]
    labels = [t for t in (*study.conditions, *study.keywords) if t]
    title_cues = _setting_cues(titles)
    # "PET Scans in Locally Advanced Breast Cancer" shortened to "Advanced Breast Cancer" in the
    # other title: still locally advanced, unless a title names spread itself
    if (
        "local" in title_cues
        and "metastatic" in title_cues
        and not _NAMED_SPREAD.search(normalize(" | ".join(titles)))
    ):
        del title_cues["metastatic"]
    return _LabelCues(title_cues, _setting_cues(labels))


_NAMED_SPREAD = re.compile(r"metasta|stage\s*iv\b|\bm1\b|unresectable|inoperable|recurren|relaps")


def decide_setting(
    cues_of_labels: _LabelCues, collector: Collector, *, pan_tumour: bool = False
) -> tuple[Setting, str]:
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
    any_stage = next((c.quote for c in cues if c.cue == "any_stage"), None)
    if any_stage and not strong_early:
        # "Stage II, III or IV breast cancer" in the criteria: whatever the titles stress
        return "mixed", trim_quote(any_stage)
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
    refractory = _refractory_quote(collector)
    if refractory:
        # "Refractory neoplasms", "failed standard chemotherapy": a pan-tumor trial for cancer that
        # treatment no longer controls is a trial for advanced cancer.
        return "metastatic", trim_quote(refractory)
    brain = _brain_metastases_taken(collector) if pan_tumour else ""
    if brain:
        # a study for cancers in general that turns away only active brain metastases, or lets
        # treated ones in, takes people whose cancer has spread (a breast study may not: its
        # early-stage wording is often in the summary only)
        return "metastatic", trim_quote(brain)
    return "unknown", ""


def _brain_metastases_taken(collector: Collector) -> str:
    """A rule that lets some people with brain metastases in, if any."""
    for allowance in collector.allowances:
        if allowance.factor in (Allowed.BRAIN_STABLE, Allowed.BRAIN_ANY) and not allowance.parts:
            return allowance.quote
    for req in collector.requirements:
        if req.factor is Factor.BRAIN_METS_ACTIVE and not req.expects and not req.parts:
            return req.quote
    return ""


def _refractory_quote(collector: Collector) -> str:
    for req in collector.requirements:
        standard = req.factor is Factor.STANDARD_THERAPY and req.expects and not req.parts
        if standard and (Standard.FAILED in req.items or Standard.NONE in req.items):
            return req.quote
    return ""


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


_SUMMARY_STANDARD_CUE = re.compile(
    r"\b(?:standard|available|approved|existing)\s+(?:of\s+care\s+)?(?:\w+\s+)?(?:therap|treatment|option)"
)


def _read_summary_standard(summary: str | None, collector: Collector) -> None:
    """A pan-tumor study may say only in its summary whom it is for ("participants with
    relapsed/refractory/intolerant to standard of care therapies, for advanced solid tumors"):
    read like the criteria's standard-therapy rule, quoted from the summary."""
    if not summary or _SUMMARY_STANDARD_CUE.search(summary.lower()) is None:
        return
    for sentence in _SENTENCE_END.split(summary):
        text = normalize(sentence)
        cue = _SUMMARY_STANDARD_CUE.search(text)
        if cue is not None and PAN_TUMOR.search(text):
            quote = _clause_around(sentence, cue)
            read_standard_therapy(text, quote, "title", collector, phrases=True)


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


#: The readers a title can call, by trigger group: the subtype, the brain, markers, men.
_TITLE_READERS: tuple[tuple[str, Callable[[str, str, Source, Collector], None]], ...] = (
    ("receptors", read_receptors),
    ("brain", read_brain),
    ("biomarkers", read_biomarkers),
    ("sex", read_menopause_and_sex),
)


def _read_title(title: str, collector: Collector) -> None:
    text = normalize(title)
    groups = triggered(text)
    for group, reader in _TITLE_READERS:
        if group in groups:
            reader(text, title, "title", collector)
    if "refractory" in text:
        read_standard_therapy(text, title, "title", collector)
    if PARENT_STUDY.search(text):
        collector.require(Factor.DISEASE_STATE, True, title, "title", Qualifier.PARENT_STUDY)
    if GVHD.search(text):
        collector.require(Factor.DISEASE_STATE, True, title, "title", Qualifier.TRANSPLANT_COMPLICATION)
    if _FIRST_LINE_TITLE.search(text) and not re.search(r"after|following|progress", text):
        collector.limit(LimitFactor.PRIOR_LINES, None, 0, title, "title")
    elif "lines" in groups:
        read_lines(text, title, "title", collector)
    if "genes" in groups:
        read_gene_change(text, title, "title", collector)
    if "prior" in groups:
        read_prior_therapy(text, title, "title", collector, skip_generic=False)


def _read_conditions(study: Study, collector: Collector) -> None:
    """Conditions naming a subtype or the brain; beside "Advanced Solid Tumors", a subtype is one
    cohort among many, not a limit."""
    if not study.conditions or not triggered(normalize(" | ".join(study.conditions))) & {
        "receptors",
        "brain",
    }:
        return
    labels = (study.brief_title, study.official_title, *study.conditions)
    # Beside other cancers in the conditions ("Metastatic Renal Cell Cancer", "Estrogen Receptor
    # Negative"), a receptor condition describes some of the patients, not a limit.
    collector.soft_subtype = (
        any(PAN_TUMOR.search(normalize(t)) for t in labels if t)
        or sum(1 for c in study.conditions if ORGAN.search(normalize(c))) >= 2
    )
    for condition in study.conditions:
        text = normalize(condition)
        groups = triggered(text)
        if "receptors" in groups:
            read_receptors(text, condition, "conditions", collector)
        if "brain" in groups:
            read_brain(text, condition, "conditions", collector)


def read_labels(study: Study, collector: Collector) -> None:
    """Titles and conditions often state the subtype, the brain focus or the line of therapy."""
    for title in (study.brief_title, study.official_title):
        if title:
            _read_title(title, collector)
    _read_summary_lines(study.brief_summary, collector)
    _read_summary_standard(study.brief_summary, collector)
    labels = [t for t in (study.brief_title, study.official_title, *study.conditions) if t]
    joined = normalize(" | ".join(labels))  # one normalized text for the three label readers
    read_liver_focus(labels, "title", collector, joined)
    read_bone_focus(labels, "title", collector, joined)
    read_symptom_focus(labels, "title", collector, joined)
    _read_conditions(study, collector)
