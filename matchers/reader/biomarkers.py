"""Tumour biomarkers required or excluded, other gene changes, and genomic testing done."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from data.vocabulary import MUTATION_SLOT, Biomarker, load_vocabulary
from matchers.criteria_text import only_another_cancer
from matchers.findings import (
    Factor,
    Source,
)
from matchers.reader.collector import Collector
from matchers.reader.context import CONDITIONAL, NOT_REQUIRED, TITLE_TOPIC, polarity, pre_window
from matchers.reader.regex_tools import word_start_pattern
from matchers.reader.text import Polarity

_MUTATION = (
    r"(?:mutat\w*|alteration\w*|altered|variants?|activating|positive|-?mutant|carriers?|"
    r"pathogenic|deleterious|gbrcam|\bm\b)"
)
_VOCABULARY = load_vocabulary()


def _finding_pattern(marker: Biomarker) -> re.Pattern[str]:
    """When a sentence names the finding itself: the vocabulary's pattern, or for a gene, the
    gene near a word for a change ("PIK3CA-mutated", "alteration in AKT1", "PTEN loss")."""
    if marker.pattern:
        return re.compile(marker.pattern.replace(MUTATION_SLOT, _MUTATION))
    genes = "(?:" + "|".join(marker.genes) + ")"
    change = "(?:" + "|".join((_MUTATION, *marker.change_words)) + ")"
    return re.compile(
        rf"\b{genes}\b[\w\s/,-]{{0,40}}?{change}|{change}[\w\s/-]{{0,25}}?\b{genes}\b|"
        rf"\b{genes}[\s-]*(?:mutated|mutant|m\b|positive)"
    )


@dataclass(frozen=True, slots=True)
class _Marker:
    id: str
    mentions: re.Pattern[str]
    finding: re.Pattern[str]


_MARKERS: tuple[_Marker, ...] = tuple(
    _Marker(b.id, re.compile(b.mentions), _finding_pattern(b))
    for b in _VOCABULARY.biomarkers
    if b.reader == "biomarkers"
)
BIOMARKER_HINTS: tuple[str, ...] = tuple(
    dict.fromkeys(k for b in _VOCABULARY.biomarkers if b.reader == "biomarkers" for k in b.keys)
)


def _names_own_marker(text: str) -> bool:
    """Whether the sentence names a change in one of the vocabulary's markers, which the marker
    reader reads; one listed among other genes ("mutations in ATM, or ATR, ... or PTEN") is not."""
    return any(m.mentions.search(text) and m.finding.search(text) for m in _MARKERS)


_OR_BETWEEN_MARKERS = re.compile(r"\bor\b|/")
_BIOMARKER_NOT_REQUIRED = re.compile(
    r"\bregardless\b|\birrespective\b|\bknown\s+or\s+unknown\b|\bor\s+(?:wild|unknown|not)\b|"
    + NOT_REQUIRED
    + r"|\boptional\b|\bstratif\w*|\banaly[sz]\w*|"
    r"\bmutation(?:al)?\s+status\b|\bstatus\s+(?:will|must|should|to)\s+be\b|\bavailab\w*\s+(?:of|for)\b|\bprovi\w*\s+"
    r"(?:a\s+|an\s+)?(?:tumou?r|tissue|blood|sample|specimen)|\bsamples?\b|\btesting\b|\bto\s+be\s+tested\b"
)
_BIOMARKER_NEGATIVE = re.compile(
    r"\bwild[\s-]*type\b|\bwt\b|\bnon-?mutat\w*|(?<!triple[\s-])\bnegative\b|\bcps\s*<|\bpd-?l1\s*<|\bno\s+(?:known\s+)?"
    r"(?:\w+\s+){0,2}?(?:mutation|alteration)"
)
_ANTI_PD = re.compile(r"\banti-?pd|\bpd-?l?1\s+(?:inhibitor|blockade|antibod|directed|targeted|therap)")


_CLAUSE_AFTER = re.compile(r"[^;,]{0,70}")


def _of_another_cancer(text: str, end: int) -> bool:
    """Whether the marker just named is one of another cancer ("BRCA mutant recurrent ovarian/
    primary peritoneal cancer"), by the rest of its clause."""
    clause = _CLAUSE_AFTER.match(text, end)
    return clause is not None and only_another_cancer(clause.group(0))


def _marker_mode(marker: _Marker, text: str, kind: Source) -> tuple[Polarity, int] | None:
    """Whether the sentence requires, excludes or allows the marker, and where it names it."""
    mention = marker.mentions.search(text)
    if mention is None:
        return None
    match = marker.finding.search(text)
    if match is None:
        return None
    if (
        marker.id == "pd-l1"
        and _ANTI_PD.search(text)
        and not re.search(r"cps|score|express|positive", text)
    ):
        return None
    if kind != "title" and _of_another_cancer(text, match.end()):
        return None  # "deleterious BRCA mutant recurrent ovarian cancer": that cancer's way in
    mode = polarity(text, match.start(), match.end(), kind)
    if kind == "title":
        if TITLE_TOPIC.search(text, 0, match.start()):
            return None  # "A Study of PIK3CA Mutations and Outcomes": the topic, not a rule
        mode = "require"
    if _BIOMARKER_NEGATIVE.search(text[max(0, match.start() - 30) : match.end() + 30]):
        mode = "exclude" if mode == "require" else "require" if mode == "exclude" else mode
    return mode, mention.start()


def _any_of(text: str, required: list[tuple[int, str]]) -> bool:
    """Markers required in one sentence are alternatives when "or" or "/" stands between them
    ("PIK3CA, AKT1 or PTEN alteration"); "PIK3CA and ESR1 mutations" requires both."""
    starts = sorted(start for start, _ in required)
    return any(_OR_BETWEEN_MARKERS.search(text, a, b) for a, b in itertools.pairwise(starts))


def read_biomarkers(text: str, quote: str, kind: Source, out: Collector) -> None:
    """The vocabulary's tumour markers (PIK3CA, ESR1, BRCA, PD-L1, AKT1, PTEN, HER2 mutation)
    required or excluded."""
    if kind not in ("inclusion", "exclusion", "title") or _BIOMARKER_NOT_REQUIRED.search(text):
        return
    if kind == "inclusion" and CONDITIONAL.search(text):
        return  # "Participants who have PD-L1 positive TNBC must have progressed on ...": a condition
    required: list[tuple[int, str]] = []
    for marker in _MARKERS:
        found = _marker_mode(marker, text, kind)
        if found is None or found[0] == "allow":
            continue
        if found[0] == "exclude":
            out.require(Factor.BIOMARKER, False, quote, kind, items=(marker.id,))
        else:
            required.append((found[1], marker.id))
    if len(required) > 1 and _any_of(text, required):
        out.require(Factor.BIOMARKER, True, quote, kind, items=tuple(sorted(m for _, m in required)))
        return
    for _, marker_id in required:
        out.require(Factor.BIOMARKER, True, quote, kind, items=(marker_id,))


_GENE = re.compile(
    r"\b(?:[knh]-?ras|ras|braf|raf|mek[12]?|erk[12]?|mapk|egfr|alk|ros1|ret|met|ntrk[123]?|fgfr[1-4]?|"
    r"idh[12]?|nrg1|kit|pdgfra|cdk12|atm|palb2|chek2|nf1|tp53|stk11|keap1|mtap|cdkn2a|"
    r"arid1a|msi-?h|dmmr|mmr|tmb(?:-h)?|hrd|hrr|ror1|her3|b7-?h[34]|nectin-?4|liv-?1|gpnmb|cldn\d+|"
    r"claudin[\s-]?\d+|muc-?1|folate[\s-]receptor[\s-]alpha|fr-?alpha|mesothelin|gd2|ny-?eso-?1|"
    r"mage-?a\d*|lewis[\s-]?y)\b|\b(?!hepatitis|surface|prostate|carcinoembryonic)[a-z0-9-]+\s+"
    r"antigens?\b(?=[^.;]{0,60}\btumou?r\s+(?:cells?|tissue|specimen|sample))|\bmicrosatellite[\s-]instab\w*|"
    r"\bmismatch[\s-]repair|\btumou?r\s+mutational\s+burden|\bhomologous\s+recombination|"
    r"\bdna\s+(?:damage\s+)?repair"
)
_GENE_CHANGE = re.compile(
    r"\b(?:mutat\w*|mutant|alteration\w*|altered|amplif\w*|fusions?|rearrang\w*|deficien\w*|"
    r"activating|variants?|v600\w*|g12\w*|high|instab\w*|positive|positivity|express\w*)\b|"
    r"\bon\s+the\s+(?:cell\s+)?surface\b|\b\d+\s*%\s+of\s+(?:the\s+)?tumou?r\s+cells\b"
)
GENE_HINTS = (
    "androgen",
    "expression >",
    "expression at least",
    "ctc",
    "circulating tumo",
    "positivity",
    "antigen",
    "mesothelin",
    "ror1",
    "her3",
    "b7-h",
    "nectin",
    "liv-1",
    "gpnmb",
    "cldn",
    "claudin",
    "muc1",
    "folate receptor",
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
    "stain",
    "expression of",
    "expressing",
    "positive tumo",
    "positive cancer",
    "positive malignan",
    "positive type",
)
#: "The tumor must stain positive for CEA": a marker on the tumour cells no profile records.
_STAINS_POSITIVE = re.compile(
    r"\b(?:stain\w*|test\w*)\s+positive\s+for\s+(?!(?:her|erbb|er\b|pr\b|pgr|estrogen|oestrogen|"
    r"progesterone|hormone|the\b|a\b|an\b))(?P<marker>[a-z][a-z0-9-]{1,12})\b"
)
#: "Documented expression of CD117 (c-kit)": a protein on the tumour cells no profile records.
_OWN_MARKERS = (
    r"(?!(?:her|erbb|er\b|pr\b|hr\b|pgr|estrogen|oestrogen|eralpha|progesterone|hormone|pd-?l1|l1\b|"
    r"a\b|an\b|any\b|or\b|and\b|low\b|more\b|node|nodal|lymph|(?:bio)?markers?\b|proteins?\b|"
    r"genes?\b|receptors?\b|hormones?\b|triple\b|tnbc\b))"
)
_EXPRESSES = re.compile(
    r"\b(?:documented|positive|confirmed|tumou?r|over)[\s-]*expression\s+of\s+(?:the\s+)?"
    + _OWN_MARKERS
    + r"(?P<marker>[a-z][a-z0-9-]{1,15})\b|"
    # "Must have CEA expressing type tumor"
    r"\b"
    + _OWN_MARKERS
    + r"(?P<marker2>[a-z][a-z0-9]{1,10})[\s-]+(?:expressing|positive)\s+(?:type\s+)?"
    r"(?:tumou?rs?|cancers?|disease|malignan\w*)\b|"
    # "AR expression of >= 10%", "androgen receptor expression > 1%": a share of stained cells
    r"\b(?P<marker3>androgen\s+receptor|"
    + _OWN_MARKERS
    + r"(?!membrane|nuclear|cytoplasmic|surface|protein)[a-z][a-z0-9-]{1,10})\*?\s+"
    r"(?:(?:membrane|nuclear|cytoplasmic|surface)\s+)?(?:\(\w+\)\s+)?(?:protein\s+)?expression\s+"
    r"(?:level\s+)?(?:of\s+)?"
    r"(?:>=|>|at\s+least|greater\s+than|more\s+than)\s*\d+(?:\.\d+)?\s*%"
)
#: "CTC >= 3", "circulating tumor cells >= 5 per 7.5 mL": a blood count no profile records.
_CTC_COUNT = re.compile(
    r"\b(?:ctcs?|circulating\s+tumou?r\s+cells?)\s*(?:count\s*)?(?:\(ctcs?\)\s*)?"
    r"(?:>\s*/?\s*=|>|=|at\s+least|greater\s+than|more\s+than|of\s+at\s+least)\s*\d+"
)
_WITH_OR_WITHOUT = re.compile(r"\bwith\s+(?:and|or|and/or)\s+without\b|\bregardless\b|\birrespective\b")


def read_gene_change(text: str, quote: str, kind: Source, out: Collector) -> None:
    """A tumor gene change outside the profile's vocabulary required for entry ("KRAS G12C
    mutation", "MAPK pathway alteration", "MSI-high"): always a question, never a fit."""
    if kind not in ("inclusion", "title") or _names_own_marker(text):
        return
    if _BIOMARKER_NOT_REQUIRED.search(text) or (kind == "inclusion" and CONDITIONAL.search(text)):
        return
    if _WITH_OR_WITHOUT.search(text):
        return
    stained = _STAINS_POSITIVE.search(text) if "stain" in text or "test" in text else None
    if stained is None and kind == "inclusion" and ("express" in text or "positive" in text):
        stained = _EXPRESSES.search(text)  # "CEA expressing type tumor", "CEA-positive tumor"
    if stained is None and kind == "inclusion" and ("ctc" in text or "circulating" in text):
        stained = _CTC_COUNT.search(text)
    if stained is not None and polarity(text, stained.start(), stained.end(), kind) == "require":
        found = stained.groupdict()
        marker = found.get("marker") or found.get("marker2") or found.get("marker3") or "ctc"
        out.require(Factor.GENE_CHANGE, True, quote, kind, note=marker)
        return
    for match in _GENE.finditer(text):
        gene = match.group(0)
        window = text[match.end() : match.end() + 40]
        change = _GENE_CHANGE.search(window) or _GENE_CHANGE.search(
            text, max(0, match.start() - 30), match.start()
        )
        if change is None:
            continue
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
