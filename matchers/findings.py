"""What the eligibility reader finds in a trial's criteria, as typed records.

Every finding names a *factor* (a fact about a patient) and carries the criterion text it came
from, so the verdict can look each factor up in the patient's profile and every explanation can
quote the trial. Factors are enums and their arguments (therapies, markers, receptor cells) are
fields, so nothing downstream parses a string back apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

Source = Literal["inclusion", "exclusion", "title", "conditions", "structured"]


class Factor(StrEnum):
    """A yes-or-no fact about a patient that a trial requires or rules out."""

    #: The receptor cells the trial accepts (``items`` holds them).
    SUBTYPE = "subtype"
    #: Cells a pan-tumour trial names or "enriches" for: a preference to ask about, not a limit.
    SUBTYPE_NAMED = "subtype_named"
    HER2_LOW = "her2_low"
    HER2_LOW_OR_ULTRALOW = "her2_low_or_ultralow"
    #: "HER2-expressing": any HER2 on the cells (IHC 1+ to 3+), low or positive.
    HER2_EXPRESSING = "her2_expressing"
    BRAIN_METS = "brain_mets"
    BRAIN_METS_ACTIVE = "brain_mets_active"
    LEPTOMENINGEAL = "leptomeningeal"
    PRIOR_BRAIN_RADIATION = "prior_brain_radiation"
    LIVER_METS = "liver_mets"
    BONE_METS = "bone_mets"
    #: A symptom a study is about ("pain"); ``note`` names it; no profile records symptoms.
    SYMPTOM = "symptom"
    #: Inflammatory breast cancer (IBC), a clinical type no profile records.
    INFLAMMATORY = "inflammatory"
    #: A state of her disease no profile records; ``qualifier`` says which.
    DISEASE_STATE = "disease_state"
    BONE_ONLY = "bone_only"
    #: Bone-only disease accepted only on a lesion condition ("must be lytic or mixed").
    BONE_ONLY_CONDITION = "bone_only_condition"
    MEASURABLE = "measurable_disease"
    POSTMENOPAUSAL = "postmenopausal"
    PREMENOPAUSAL = "premenopausal"
    #: Written in the criteria as a study for women ("adult female patients", "postmenopausal women").
    WOMEN_ONLY = "women_only"
    #: Earlier treatment with any of ``items`` (vocabulary therapy ids).
    PRIOR_THERAPY = "prior"
    #: A tumour finding: any of ``items`` (vocabulary biomarker ids).
    BIOMARKER = "biomarker"
    #: A tumour gene change outside the vocabulary; ``note`` names the gene.
    GENE_CHANGE = "gene-change"
    #: A tumour genomic (NGS) test already done.
    GENOMIC_TEST = "genomic_test"
    #: A rule on time from early-stage treatment to relapse; ``items``: therapy classes named.
    RELAPSE_INTERVAL = "relapse_interval"
    #: What a pan-tumour trial says about standard treatment; ``items``: ``Standard`` flags.
    STANDARD_THERAPY = "standard_therapy"


class Qualifier(StrEnum):
    """A refinement of a requirement."""

    NONE = ""
    #: Parts of the trial say opposite things about the factor.
    MIXED = "mixed"
    #: A prior-therapy rule that counts only treatment for advanced disease.
    ADVANCED_SETTING = "advanced"
    #: A prior-therapy requirement met only by treatment before the cancer spread ("prior
    #: anti-estrogen therapy in the adjuvant setting").
    EARLY_SETTING = "early"
    #: A brain-metastasis exclusion that needs symptoms ("symptomatic brain metastases").
    SYMPTOMATIC = "symptomatic"
    #: Cancer that had already spread when first found.
    DE_NOVO = "de_novo"
    #: Cancer stable (or responding) on current treatment.
    STABLE_DISEASE = "stable"
    #: Brain metastases accepted once stable for a set time (the note holds it: "6 months").
    STABLE_FOR = "stable_for"
    #: No cancer that scans can find after treatment ("no measurable or evaluable disease after
    #: standard treatment", "no evidence of disease").
    NO_EVIDENCE_OF_DISEASE = "ned"
    #: Only for people already in an earlier study of the treatment (a continuation, extension
    #: or roll-over study).
    PARENT_STUDY = "parent_study"
    #: Cancer spread to only a few places ("up to five metastases", "oligometastatic").
    FEW_METASTASES = "few_metastases"
    #: Cancer in the chest wall or the skin ("chest wall recurrence", "cutaneous metastases").
    CHEST_WALL = "chest_wall"
    #: About to start a named treatment ("scheduled to receive at least 4 doses of paclitaxel").
    PLANNED_TREATMENT = "planned_treatment"
    #: On a treatment now ("currently receiving cytotoxic chemotherapy for advanced cancer").
    CURRENT_TREATMENT = "current_treatment"
    #: A treatment that stopped working lately ("failure of an AI within the previous 6 months").
    RECENT_FAILURE = "recent_failure"
    #: A complication of a donor stem cell transplant ("acute graft-versus-host disease").
    TRANSPLANT_COMPLICATION = "transplant_complication"
    #: Cancer that may have come back but is not yet confirmed ("suspected recurrence").
    SUSPECTED_RECURRENCE = "suspected_recurrence"
    #: Symptoms at a set level ("worst pain or fatigue rated 3 or more out of 10").
    SYMPTOM_BURDEN = "symptom_burden"
    #: The breast tumour still in place, never removed ("intact primary tumor").
    PRIMARY_IN_PLACE = "primary_in_place"
    #: Cancer diagnosed within a set time ("the cancer diagnosis should have been made less than
    #: a year from the next scheduled appointment").
    RECENT_DIAGNOSIS = "recent_diagnosis"
    #: Already taking part in another study at the centre ("under active treatment for cancer on
    #: a protocol at NIH").
    CO_ENROLLED = "co_enrolled"
    #: Bone metastases in one part of the skeleton ("spinal metastases", "metastases of the long
    #: bones").
    BONE_PART = "bone_part"
    #: An exclusion with an exception the profile cannot answer ("no brain metastases unless a
    #: single lesion amenable to resection"): a question, not a no.
    EXCEPTION = "exception"


class Standard(StrEnum):
    """What a pan-tumour trial says about standard treatment."""

    FAILED = "failed"  # "refractory to / progressed after standard therapy"
    NONE = "none"  # "no standard therapy exists / has exhausted available therapies"
    OPTIONAL = "optional"  # "... or standard therapy is not suitable / was declined"


class LimitFactor(StrEnum):
    """A numeric fact about a patient, read as a closed range."""

    ECOG = "ecog"
    PRIOR_LINES = "prior_lines"
    CHEMO_LINES = "chemo_lines"
    ENDOCRINE_LINES = "endocrine_lines"
    #: An age limit written in the criteria text (the structured age fields are read apart).
    AGE = "age"


class Allowed(StrEnum):
    """Something the trial says out loud it accepts, which patients often fear rules them out."""

    BRAIN_STABLE = "brain_mets_stable"
    BRAIN_ACTIVE = "brain_mets_active"
    BRAIN_ANY = "brain_mets_any"
    PREMENOPAUSAL = "premenopausal"
    MALE = "male"
    BONE_ONLY = "bone_only"
    NON_MEASURABLE = "non_measurable"
    #: Earlier treatment with any of ``items`` is accepted ("prior capecitabine is allowed").
    PRIOR_THERAPY = "prior"


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

#: Factors whose ``items`` are an any-of list written, before typing, after a prefix.
_PREFIXED = {Factor.PRIOR_THERAPY: "prior:", Factor.BIOMARKER: "biomarker:"}


@dataclass(frozen=True, slots=True)
class Requirement:
    """The trial wants ``factor`` to be ``expects`` for the patient.

    ``kind`` says which section the quote came from (a requirement read from the exclusion
    section usually has ``expects=False``). ``items`` are the factor's arguments: therapies or
    markers (any of them), receptor cells, relapse classes or standard-therapy flags. ``note``
    names a gene or a symptom. ``parts`` names the trial parts it holds in (empty: all parts).
    """

    factor: Factor
    expects: bool
    quote: str
    kind: Source
    qualifier: Qualifier = Qualifier.NONE
    items: tuple[str, ...] = ()
    note: str = ""
    parts: tuple[str, ...] = ()

    @property
    def cells(self) -> frozenset[str]:
        """The receptor cells of a subtype requirement."""
        return frozenset(self.items)

    @property
    def key(self) -> str:
        """One text naming the factor and its any-of items ("prior:anthracycline|taxane")."""
        if self.factor == Factor.GENE_CHANGE:
            return "biomarker:gene-change"
        prefix = _PREFIXED.get(self.factor)
        return prefix + "|".join(self.items) if prefix else str(self.factor)

    def legacy(self) -> list[object]:
        """The finding as it was written before findings were typed, for reading fingerprints."""
        if self.factor in (Factor.SUBTYPE, Factor.SUBTYPE_NAMED, Factor.STANDARD_THERAPY):
            detail = ",".join(sorted(self.items))
        elif self.factor == Factor.RELAPSE_INTERVAL:
            detail = "|".join(self.items)
        else:
            detail = self.note or str(self.qualifier)
        return [self.key, detail, self.expects, self.kind, list(self.parts), self.quote]


@dataclass(frozen=True, slots=True)
class Limit:
    """The trial accepts a numeric factor (ECOG, prior lines) only within ``low..high``."""

    factor: LimitFactor
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

    factor: Allowed
    quote: str
    kind: Source
    parts: tuple[str, ...] = ()
    #: The therapies of a ``PRIOR_THERAPY`` allowance.
    items: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return (
            "prior:" + "|".join(self.items) if self.factor == Allowed.PRIOR_THERAPY else str(self.factor)
        )

    def legacy(self) -> list[object]:
        return [self.key, self.kind, list(self.parts), self.quote]


@dataclass(frozen=True, slots=True)
class Option:
    """One alternative of an "any of the following" list, with what it requires."""

    quote: str
    requirements: tuple[Requirement, ...] = ()
    limits: tuple[Limit, ...] = ()

    @property
    def read(self) -> bool:
        """Whether the reader found anything in it; an option it could not read is unknown."""
        return bool(self.requirements or self.limits)


@dataclass(frozen=True, slots=True)
class Alternatives:
    """Criteria of which a patient needs to meet one ("one of the following: ...")."""

    header: str
    options: tuple[Option, ...]
    parts: tuple[str, ...] = ()

    def legacy(self) -> list[object]:
        return [
            self.header,
            [
                [o.quote, [r.legacy() for r in o.requirements], [str(x) for x in o.limits]]
                for o in self.options
            ],
            list(self.parts),
        ]


#: The facts about a patient that criteria talk about (``matchers.reader.concepts`` tells when
#: they do), in plain words for a question to the care team.
CONCEPT_WORDS: dict[str, str] = {
    "receptors": "hormone-receptor or HER2 status",
    "brain": "brain metastases",
    "treatment": "earlier treatment",
    "lines": "earlier lines of treatment",
    "biomarkers": "tumour test results",
    "performance": "performance status",
    "sex": "who the trial is for",
    "menopause": "menopausal status",
    "care goals": "whether more cancer treatment is planned for you",
    "age": "age limits",
}


@dataclass(frozen=True, slots=True)
class Unread:
    """A criterion about something the profile answers from which the reader took nothing."""

    quote: str
    kind: Source
    #: The concepts it talks about ("receptors", "brain", ...), see ``matchers.reader.concepts``.
    concepts: tuple[str, ...]
    parts: tuple[str, ...] = ()
