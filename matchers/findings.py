"""The small vocabulary of facts the eligibility reader finds in a trial's criteria.

Every finding names a *factor* (a fact about a patient) and carries the criterion text it came
from, so the verdict can be computed by looking each factor up in the patient's profile and every
explanation can quote the trial. Factor names are plain strings so new ones need no new types.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Source = Literal["inclusion", "exclusion", "title", "conditions", "structured"]

# Boolean factors: the patient either has the fact, has not, or we do not know.
SUBTYPE = "subtype"  # detail holds the accepted receptor cells, e.g. "HR+/HER2-,HR-/HER2-"
#: A subtype a pan-tumor trial names among its cancers or "enriches" for: a preference to ask
#: about, not a limit. Detail as for ``SUBTYPE``.
SUBTYPE_NAMED = "subtype_named"
HER2_LOW = "her2_low"
HER2_LOW_OR_ULTRALOW = "her2_low_or_ultralow"
BRAIN_METS = "brain_mets"
BRAIN_METS_ACTIVE = "brain_mets_active"
#: Detail of a ``brain_mets_active`` exclusion that needs symptoms ("symptomatic brain metastases").
SYMPTOMATIC = "symptomatic"
LEPTOMENINGEAL = "leptomeningeal"
PRIOR_BRAIN_RADIATION = "prior_brain_radiation"
LIVER_METS = "liver_mets"
BONE_METS = "bone_mets"
#: A symptom a study is about ("pain", "fatigue"): detail names it; no profile records symptoms.
SYMPTOM = "symptom"
#: Inflammatory breast cancer (IBC), a clinical type no profile records.
INFLAMMATORY = "inflammatory"
#: A state of her disease no profile records; detail says which (DE_NOVO or STABLE_DISEASE).
DISEASE_STATE = "disease_state"
DE_NOVO = "de_novo"  # cancer that had already spread when first found
STABLE_DISEASE = "stable"  # cancer stable (or responding) on current treatment
BONE_ONLY = "bone_only"
#: Bone-only disease accepted only on a lesion condition ("must be lytic or mixed").
BONE_ONLY_CONDITION = "bone_only_condition"
MEASURABLE = "measurable_disease"
POSTMENOPAUSAL = "postmenopausal"
PREMENOPAUSAL = "premenopausal"
PRIOR_PREFIX = "prior:"  # "prior:taxane" or any-of "prior:aromatase-inhibitor|fulvestrant"
#: A requirement's detail when parts of the trial say opposite things about a factor.
MIXED = "mixed"
#: A prior-therapy requirement's detail when it counts only treatment for advanced disease.
ADVANCED_SETTING = "advanced"
BIOMARKER_PREFIX = "biomarker:"  # "biomarker:pik3ca", "biomarker:esr1", ...
#: A tumor gene change outside the profile vocabulary; the requirement's detail names the gene.
GENE_CHANGE = "gene-change"
GENOMIC_TEST = "genomic_test"  # a tumor genomic (NGS) test already done
#: A rule on time from early-stage treatment to relapse; detail: treatment classes "a|b" or "".
RELAPSE_INTERVAL = "relapse_interval"
#: What the trial says about standard treatment; detail holds flags joined by commas.
STANDARD_THERAPY = "standard_therapy"
STANDARD_FAILED = "failed"  # "refractory to / progressed after standard therapy"
STANDARD_NONE = "none"  # "no standard therapy exists / has exhausted available therapies"
STANDARD_OPTIONAL = "optional"  # "... or standard therapy is not suitable / was declined"

# Numeric factors, read as a closed range.
ECOG = "ecog"
PRIOR_LINES = "prior_lines"
CHEMO_LINES = "chemo_lines"
ENDOCRINE_LINES = "endocrine_lines"

# Allowances: the trial says out loud that something is accepted.
ALLOW_BRAIN_STABLE = "brain_mets_stable"
ALLOW_BRAIN_ACTIVE = "brain_mets_active"
ALLOW_BRAIN_ANY = "brain_mets_any"
ALLOW_PREMENOPAUSAL = "premenopausal"
ALLOW_MALE = "male"
ALLOW_BONE_ONLY = "bone_only"
ALLOW_NON_MEASURABLE = "non_measurable"

# Receptor cells: every breast cancer falls in exactly one.
HR_POS_HER2_NEG = "HR+/HER2-"
HR_POS_HER2_POS = "HR+/HER2+"
HR_NEG_HER2_POS = "HR-/HER2+"
HR_NEG_HER2_NEG = "HR-/HER2-"
ALL_CELLS: frozenset[str] = frozenset(
    {HR_POS_HER2_NEG, HR_POS_HER2_POS, HR_NEG_HER2_POS, HR_NEG_HER2_NEG}
)
HER2_POSITIVE_CELLS: frozenset[str] = frozenset({HR_POS_HER2_POS, HR_NEG_HER2_POS})
HER2_NEGATIVE_CELLS: frozenset[str] = frozenset({HR_POS_HER2_NEG, HR_NEG_HER2_NEG})
HR_POSITIVE_CELLS: frozenset[str] = frozenset({HR_POS_HER2_NEG, HR_POS_HER2_POS})
HR_NEGATIVE_CELLS: frozenset[str] = frozenset({HR_NEG_HER2_POS, HR_NEG_HER2_NEG})
TRIPLE_NEGATIVE_CELLS: frozenset[str] = frozenset({HR_NEG_HER2_NEG})


def cells_to_detail(cells: frozenset[str]) -> str:
    """A stable text form of a cell set, used as a requirement's detail."""
    return ",".join(sorted(cells))


def detail_to_cells(detail: str) -> frozenset[str]:
    return frozenset(c for c in detail.split(",") if c in ALL_CELLS)


@dataclass(frozen=True, slots=True)
class Requirement:
    """The trial wants ``factor`` to be ``expects`` for the patient.

    ``kind`` says which section the quote came from (a requirement read from the exclusion
    section usually has ``expects=False``). ``detail`` refines the factor (receptor cells).
    ``parts`` names the trial parts it holds in while the criteria are read (empty: all parts).
    """

    factor: str
    expects: bool
    quote: str
    kind: Source
    detail: str = ""
    parts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Limit:
    """The trial accepts a numeric factor (ECOG, prior lines) only within ``low..high``."""

    factor: str
    low: int | None
    high: int | None
    quote: str
    kind: Source
    parts: tuple[str, ...] = ()
    #: The count names no setting ("at least one prior regimen"), so early-stage treatment may count.
    any_setting: bool = False

    def contains(self, value: int) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)

    def describe(self) -> str:
        """ "0 to 1", "at most 2", "at least 1" or "exactly 0" for sentences."""
        if self.low is not None and self.high is not None:
            return f"exactly {self.low}" if self.low == self.high else f"{self.low} to {self.high}"
        if self.high is not None:
            return f"at most {self.high}"
        if self.low is not None:
            return f"at least {self.low}"
        return "any number"


@dataclass(frozen=True, slots=True)
class Allowance:
    """The trial explicitly accepts something that patients often fear rules them out."""

    factor: str
    quote: str
    kind: Source
    parts: tuple[str, ...] = ()
