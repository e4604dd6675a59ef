"""Tumour biomarkers required or excluded, other gene changes, and genomic testing done."""

from __future__ import annotations

import re

from matchers.findings import (
    Factor,
    Source,
)
from matchers.reader.collector import Collector
from matchers.reader.context import CONDITIONAL, TITLE_TOPIC, polarity, pre_window
from matchers.reader.regex_tools import word_start_pattern

_MUTATION = (
    r"(?:mutat\w*|alteration\w*|altered|variants?|activating|positive|-?mutant|carriers?|"
    r"pathogenic|deleterious|gbrcam|\bm\b)"
)
_BIOMARKERS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    (
        "pik3ca",
        re.compile(
            r"\bpik3ca\b[\w\s/-]{0,40}?" + _MUTATION + r"|" + _MUTATION + r"[\w\s/-]{0,25}?\bpik3ca\b|"
            r"\bpik3ca[\s-]*(?:mutated|mutant|m\b|positive)"
        ),
        "pik3ca",
    ),
    (
        "esr1",
        re.compile(
            r"\besr1\b[\w\s/-]{0,30}?" + _MUTATION + r"|" + _MUTATION + r"[\w\s/-]{0,25}?\besr1\b|"
            r"\besr1m\b|\besr1[\s-]*(?:mutated|mutant|positive)"
        ),
        "esr1",
    ),
    (
        "brca",
        re.compile(
            r"\bg?brca[12]?(?:/2|\s*1\s*(?:/|or|and/or|and)\s*2)?\b[\w\s/-]{0,40}?"
            + _MUTATION
            + r"|"
            + _MUTATION
            + r"[\w\s/-]{0,30}?\bg?brca\w*|\bg?brcam\b|\bg?brca[12]?[\s-]*(?:mutated|mutant|"
            r"positive|associated)"
        ),
        "brca",
    ),
    (
        "pd-l1",
        re.compile(
            r"\bpd-?l1\b[\w\s()/-]{0,30}?(?:positiv\w*|express\w*|>=|>|score|cps|tps|status\s+of)|"
            r"\bcps\s*(?:score\s*)?(?:>=|>|of|=)\s*\d+|\bcombined\s+positive\s+score\s*(?:\(cps\)\s*)?"
            r"(?:>=|>|of)\s*\d+|\bpd-?l1[\s-]*(?:positive|negative|high|low)"
        ),
        "pd-l1",
    ),
)
BIOMARKER_HINTS = ("pik3ca", "esr1", "brca", "pd-l1", "pdl1", "cps", "combined positive")
_BIOMARKER_NOT_REQUIRED = re.compile(
    r"\bregardless\b|\birrespective\b|\bknown\s+or\s+unknown\b|\bor\s+(?:wild|unknown|not)\b|"
    r"\bnot\s+(?:required|necessary|mandatory|needed)\b|\boptional\b|\bstratif\w*|\banaly[sz]\w*|"
    r"\bmutation(?:al)?\s+status\b|\bstatus\s+(?:will|must|should|to)\s+be\b|\bavailab\w*\s+(?:of|for)\b|\bprovi\w*\s+"
    r"(?:a\s+|an\s+)?(?:tumou?r|tissue|blood|sample|specimen)|\bsamples?\b|\btesting\b|\bto\s+be\s+tested\b"
)
_BIOMARKER_NEGATIVE = re.compile(
    r"\bwild[\s-]*type\b|\bwt\b|\bnon-?mutat\w*|\bnegative\b|\bcps\s*<|\bpd-?l1\s*<|\bno\s+(?:known\s+)?"
    r"(?:\w+\s+){0,2}?(?:mutation|alteration)"
)
_ANTI_PD = re.compile(r"\banti-?pd|\bpd-?l?1\s+(?:inhibitor|blockade|antibod|directed|targeted|therap)")


def read_biomarkers(text: str, quote: str, kind: Source, out: Collector) -> None:
    """PIK3CA, ESR1, germline BRCA1/2 and PD-L1 required or excluded."""
    if kind not in ("inclusion", "exclusion", "title"):
        return
    for name, pattern, marker in _BIOMARKERS:
        if name.replace("-", "") not in text.replace("-", "") and not (
            name == "pd-l1" and "cps" in text
        ):
            continue
        match = pattern.search(text)
        if match is None or _BIOMARKER_NOT_REQUIRED.search(text):
            continue
        if (
            name == "pd-l1"
            and _ANTI_PD.search(text)
            and not re.search(r"cps|score|express|positive", text)
        ):
            continue
        mode = polarity(text, match.start(), match.end(), kind)
        if kind == "title":
            if TITLE_TOPIC.search(text, 0, match.start()):
                continue  # "A Study of PIK3CA Mutations and Outcomes": the topic, not a rule
            mode = "require"
        if _BIOMARKER_NEGATIVE.search(text[max(0, match.start() - 30) : match.end() + 30]):
            mode = "exclude" if mode == "require" else "require" if mode == "exclude" else mode
        if mode == "allow":
            continue
        out.require(Factor.BIOMARKER, mode == "require", quote, kind, items=(marker,))


_GENE = re.compile(
    r"\b(?:[knh]-?ras|ras|braf|raf|mek[12]?|erk[12]?|mapk|egfr|alk|ros1|ret|met|ntrk[123]?|fgfr[1-4]?|"
    r"akt1|pten|idh[12]?|nrg1|kit|pdgfra|cdk12|atm|palb2|chek2|nf1|tp53|stk11|keap1|mtap|cdkn2a|"
    r"arid1a|erbb2|her2|msi-?h|dmmr|mmr|tmb(?:-h)?|hrd|hrr)\b|\bmicrosatellite[\s-]instab\w*|"
    r"\bmismatch[\s-]repair|\btumou?r\s+mutational\s+burden|\bhomologous\s+recombination|"
    r"\bdna\s+(?:damage\s+)?repair"
)
_GENE_CHANGE = re.compile(
    r"\b(?:mutat\w*|mutant|alteration\w*|altered|amplif\w*|fusions?|rearrang\w*|deficien\w*|"
    r"activating|variants?|v600\w*|g12\w*|high|instab\w*|positive|positivity)\b"
)
GENE_HINTS = (
    "positivity",
    "mutat",
    "mutant",
    "alteration",
    "altered",
    "fusion",
    "rearrang",
    "microsatellite",
    "mismatch",
    "mutational",
    "msi-h",
    "dmmr",
    "v600",
)
_OWN_MARKERS = re.compile(r"pik3ca|esr1|brca|pd-?l1")
_WITH_OR_WITHOUT = re.compile(r"\bwith\s+(?:and|or|and/or)\s+without\b|\bregardless\b|\birrespective\b")


def read_gene_change(text: str, quote: str, kind: Source, out: Collector) -> None:
    """A tumor gene change outside the profile's vocabulary required for entry ("KRAS G12C
    mutation", "MAPK pathway alteration", "MSI-high"): always a question, never a fit."""
    if kind not in ("inclusion", "title") or _OWN_MARKERS.search(text):
        return
    if _BIOMARKER_NOT_REQUIRED.search(text) or (kind == "inclusion" and CONDITIONAL.search(text)):
        return
    if _WITH_OR_WITHOUT.search(text):
        return
    for match in _GENE.finditer(text):
        gene = match.group(0)
        window = text[match.end() : match.end() + 40]
        change = _GENE_CHANGE.search(window) or _GENE_CHANGE.search(
            text, max(0, match.start() - 30), match.start()
        )
        if change is None:
            continue
        if gene in ("her2", "erbb2") and not change.group(0).startswith("mutat"):
            continue  # HER2 amplification or positivity is the subtype, read elsewhere
        if _BIOMARKER_NEGATIVE.search(text[max(0, match.start() - 30) : match.end() + 30]):
            continue
        if re.search(r"\bif\b", pre_window(text, match.start(), 60)):
            continue  # "any histology if known to be MSI-high": one route among others
        if kind == "title" and TITLE_TOPIC.search(text, 0, match.start()):
            continue
        if kind == "inclusion" and polarity(text, match.start(), match.end(), kind) != "require":
            continue
        out.require(Factor.GENE_CHANGE, True, quote, kind, note=gene)
        return


_PROFILING = re.compile(
    word_start_pattern(
        r"\bngs\b|\bnext[\s-]generation\s+sequencing|\b(?:comprehensive\s+)?genomic\s+(?:profil\w*|testing|"
        r"sequencing|test)|\bmolecular\s+profil\w*|\btumou?r\s+(?:genomic\s+)?profil\w*"
    )
)
_PROFILING_DONE = re.compile(
    r"\b(?:undergone|underwent|had|received|completed|documented|available|results?\s+(?:of|from)|"
    r"profiled)\b"
)
_PROFILING_OPEN = re.compile(
    r"\b(?:willing|consent\w*|agree\w*|optional|encouraged|will\s+be|to\s+be|not\s+required|may\s+be|"
    r"can\s+be|if\s+available|if\s+feasible)\b"
)
PROFILING_HINTS = ("ngs", "sequencing", "genomic", "profil")


def read_profiling(text: str, quote: str, kind: Source, out: Collector) -> None:
    """A tumor genomic test (NGS) already done is required: a fact no profile records."""
    if kind != "inclusion":
        return
    match = _PROFILING.search(text)
    if match is None or _PROFILING_OPEN.search(text):
        return
    if _PROFILING_DONE.search(text) and polarity(text, match.start(), match.end(), kind) == "require":
        out.require(Factor.GENOMIC_TEST, True, quote, kind)
