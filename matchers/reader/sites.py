"""Liver and bone metastases, bone-only and measurable disease."""

from __future__ import annotations

import re

from matchers.findings import (
    Allowed,
    Factor,
    Qualifier,
    Source,
)
from matchers.reader.collector import Collector
from matchers.reader.context import (
    ALLOWING,
    BRAIN_CONDITIONAL,
    EXAMPLE_WORDS,
    LAB_CONTEXT,
    NOT_REQUIRED,
    polarity,
)
from matchers.reader.regex_tools import word_start_pattern
from matchers.reader.text import normalize

_LIVER = re.compile(
    word_start_pattern(
        r"\b(?:liver|hepatic)\s+(?:metasta\w*|mets\b|lesions?\b|involvement)|"
        r"\bmetasta\w*\s+(?:to|in|of|involving)\s+(?:the\s+)?liver\b"
    )
)


def read_liver(text: str, quote: str, kind: Source, out: Collector) -> None:
    if "liver" not in text and "hepatic" not in text:
        return
    mention = _LIVER.search(text)
    if mention is None or LAB_CONTEXT.search(text):
        return
    mode = polarity(text, mention.start(), mention.end(), kind)
    if mode == "exclude":
        out.require(Factor.LIVER_METS, False, quote, kind)
    elif (
        mode == "require"
        and not ALLOWING.search(text)
        and not BRAIN_CONDITIONAL.search(text)
        and not _LIVER_AMONG_OTHERS.search(text)
    ):
        out.require(Factor.LIVER_METS, True, quote, kind)


_OTHER_SITE = re.compile(
    r"\b(?:brain|cns|bones?|skeletal|lungs?|pulmonary|peritone\w*|pleura\w*|lymph|nodal|skin|"
    r"spinal|visceral|adrenal|oligometasta\w*)\b|\bwith\s+or\s+without\b|\band/or\b"
)
#: The liver as one of several places ("pulmonary or hepatic metastatic disease amenable to
#: biopsy", "examples include multiple liver metastases, lung metastases"): no liver requirement.
_LIVER_AMONG_OTHERS = re.compile(
    _OTHER_SITE.pattern
    + r"|\b(?:chest\s+wall|nodes?|subcutaneous|soft\s+tissue|examples?)\b|\be\.g\.|\bbiops\w*"
)


def _require_site_focus(
    labels: list[str], kind: Source, out: Collector, factor: Factor, mention: re.Pattern[str]
) -> None:
    """Record that the labels are about one site, quoting the first label that names it."""
    quote = next((t for t in labels if mention.search(normalize(t))), labels[0])
    out.require(factor, True, quote, kind)


def read_liver_focus(labels: list[str], kind: Source, out: Collector, joined: str) -> None:
    """A title or condition about liver metastases alone makes them a requirement.

    "Drug X in Solid Tumors and Liver Metastases" is for people whose cancer reached the liver;
    a label naming other sites too ("bone and liver metastases") is a list, not a requirement.
    ``joined`` is the labels normalized and joined with " | ".
    """
    if "liver" not in joined and "hepatic" not in joined:
        return
    if _LIVER.search(joined) and not _OTHER_SITE.search(joined):
        _require_site_focus(labels, kind, out, Factor.LIVER_METS, _LIVER)


_OTHER_THAN_BONE = re.compile(
    r"\b(?:brain|cns|lungs?|pulmonary|liver|hepatic|peritone\w*|pleura\w*|lymph|nodal|skin|spinal\s+cord|"
    r"visceral|adrenal|soft[\s-]tissue|oligometasta\w*|prevent\w*)\b|\bwith\s+or\s+without\b|\band/or\b"
)


#: One part of the skeleton: a study for metastases there asks whether hers are.
_BONE_PART = re.compile(
    r"\b(?:spin(?:e|al)|vertebra\w*|paraspinal|long\s+bones?|extremit\w*|femur|femoral|humer\w*|"
    r"pelvi\w*|skull|ribs?)\b"
)


_EXAMPLES_BEFORE = re.compile(r"\b(?:" + EXAMPLE_WORDS + r")")


def require_bone_part(text: str, quote: str, kind: Source, out: Collector) -> None:
    """Bone metastases required in one part of the skeleton: a question, beside the bone rule."""
    part = _BONE_PART.search(text)
    if part is not None and not _EXAMPLES_BEFORE.search(text, max(0, part.start() - 25), part.start()):
        # not "Bone metastases (e.g., spine, pelvis or ribs)": examples of where, not a limit
        out.require(Factor.DISEASE_STATE, True, quote, kind, Qualifier.BONE_PART)


def read_bone_focus(labels: list[str], kind: Source, out: Collector, joined: str) -> None:
    """A title or condition about bone metastases alone ("Breast Cancer With Bone Metastasis",
    "Patients With Metastatic Bone Lesions") makes them a requirement; one about a part of the
    skeleton ("Vertebral Metastasis") asks about that part too."""
    if (
        "bone" not in joined
        and "skelet" not in joined
        and "osseous" not in joined
        and "spin" not in joined
        and "vertebr" not in joined
    ):
        return
    if _BONE_METS.search(joined) and not (_BONE_ONLY.search(joined) or _OTHER_THAN_BONE.search(joined)):
        _require_site_focus(labels, kind, out, Factor.BONE_METS, _BONE_METS)
        focus = next((t for t in labels if _BONE_METS.search(normalize(t))), "")
        require_bone_part(normalize(focus), focus, kind, out)


#: Written with each word boundary just after the first letter ("b(?<![\w-]b)one" is "bone" at a
#: word start, not after "non-"), so the engine skips positions by first character.
_BONE_METS = re.compile(
    word_start_pattern(
        r"(?:b(?<![\w-]b)(?<!non\sb)on[ey]|s(?<![\w-]s)(?<!non\ss)keletal|o(?<![\w-]o)(?<!non\so)sseous)"
        r"[\s-]+(?:only\s+)?(?:metasta\w*|mets\b|lesions?\b|involvement\b|deposits?\b)|"
        r"m(?<!\wm)etasta\w*\s+(?:\w+\s+)?(?:to|in|of|involving)\s+(?:the\s+)?(?:bones?|skeleton)\b|"
        r"m(?<!\wm)etastatic\s+(?:bone|skeletal|osseous)\s+(?:disease|lesions?)\b|"
        # "metastatic breast cancer involving at least 1 bone site"
        r"i(?<!\wi)nvolving\s+(?:at\s+least\s+(?:one|1)\s+)?(?:bones?|skeleton|skeletal|osseous)\s*(?:sites?\b)?|"
        # the spine is bone: "spinal metastases", "metastatic disease to the thoracic or lumbar spine"
        r"s(?<![\w-]s)pin(?:al|e)\s+metasta\w*|v(?<![\w-]v)ertebral\s+metasta\w*|"
        r"m(?<!\wm)etasta\w*\s+(?:\w+\s+)?(?:to|in|of|involving)\s+(?:the\s+)?(?:\w+\s+(?:or\s+\w+\s+)?)?"
        r"(?:spine|vertebra\w*)\b"
    )
)
#: Other places or alternatives named beside bone: a list of sites, not a bone requirement.
_BESIDE_BONE = re.compile(
    r"\b(?:brain|cns|lungs?|pulmonary|liver|hepatic|peritone\w*|pleura\w*|lymph|nodal|nodes?|skin|"
    r"visceral|viscera|adrenal|soft[\s-]tissue|measurable|evaluable|any\s+site|other\s+sites?|"
    r"target\s+lesions?|imaging\s+techniques?)\b|"
    r"\bwith\s+or\s+without\b|\bregardless\b|\bsuch\s+as\b|\bif\s+(?:present|any)\b|"
    # "including lung or liver lesions", not "including both PET and MRI" (how it was found)
    r"\bincluding\b(?!\s+(?:both\s+)?(?:[\w-]+\s+){0,3}?(?:pet|ct|mri|scans?|imaging|tomography)\b)"
)
#: Conditions on bone metastases that an exclusion turns away, not bone metastases as such.
_BONE_CONDITION = re.compile(
    r"symptom|pain|fractur|compression|impending|requir|radiat|radiother|unstable|untreated|"
    r"uncontrolled|progress|hypercalc|skeletal[\s-]related|\bsres?\b|surgery|only|sole|exclusive|"
    r"\bwho\b|\bwhose\b|\bthat\b|\bwhich\b|initiat|denosumab|bisphosph|zoledron|treat|therap"
)
#: Care of bone metastases ("radiotherapy to bone metastases must be completed", "denosumab for
#: bone metastases may continue"): a rule about that care, not a need to have bone metastases.
_BONE_CARE = re.compile(
    r"radiat|radiother|\btreat|therap|denosumab|bisphosph|zoledron|receiv|surg|fractur|compression|"
    r"pain|symptom|requir(?!ed\b)|continu|\buse\b|\bpalliat"
)


_NOT_REQUIRED = re.compile(NOT_REQUIRED)


def read_bone(text: str, quote: str, kind: Source, out: Collector) -> None:
    """Bone metastases required ("at least one bone lesion") or, rarely, excluded outright.

    Only a sentence that names bone as the one site counts: "lung, liver or bone metastases" is a
    list of places, "measurable disease or bone lesions" a choice, and an exclusion of "symptomatic
    bone metastases needing radiation" is about their state, not their presence.
    """
    mention = _BONE_METS.search(text)
    if mention is None or _BONE_ONLY.search(text) or _BESIDE_BONE.search(text):
        return
    if LAB_CONTEXT.search(text):
        return  # "alkaline phosphatase <= 5 x ULN for patients with bone metastases"
    if "not" in text and _NOT_REQUIRED.search(text):
        return  # "Presence of bone metastasis is not required"
    if BRAIN_CONDITIONAL.search(text) or ALLOWING.search(text) or "case of" in text:
        return  # "patients with bone metastases must ...", "bone metastases are allowed", "in the
        # case of bone metastases only, ..."
    mode = polarity(text, mention.start(), mention.end(), kind)
    # care for the bone metastases near the mention ("bone metastases needing radiation"), not a
    # later clause about one of them ("..., at least one lesion not irradiated before")
    near = _BONE_CARE.search(text, max(0, mention.start() - 150), mention.end() + 60)
    if mode == "require" and near is None:
        out.require(Factor.BONE_METS, True, quote, kind)
        require_bone_part(text, quote, kind, out)
    elif mode == "exclude" and kind == "exclusion" and not _BONE_CONDITION.search(text):
        out.require(Factor.BONE_METS, False, quote, kind)


_BONE_ONLY = re.compile(
    word_start_pattern(
        r"\bbone[\s-]only\b|\bonly\s+(?:\w+\s+){0,2}?bone\b|\b(?:limited|confined|restricted)\s+to\s+(?:the\s+)?"
        r"(?:bones?|skeleton|skeletal)|\bexclusively\s+(?:in\s+)?(?:the\s+)?bones?\b|\bbone[\s-]limited\b|"
        r"\bbone\s+(?:metasta\w*|lesions?|disease)\s+(?:as\s+)?(?:the\s+|their\s+)?(?:only|sole)\s+"
        r"(?:site|manifestation|evidence|location)"
    )
)
_MEASURABLE = re.compile(word_start_pattern(r"(?<!non-)(?<!non )(?<!not )\bmeasurable\b"))
_NON_MEASURABLE_OK = re.compile(
    r"\bnon-?\s?measurable\b|\bnot\s+measurable\b|\bevaluable\b|\bassessable\b|\bbone[\s-]only\b|"
    r"\blytic\b|\babsence\s+of\s+measurable\b|\bor\s+bone\b"
)
_MEASURABLE_AND_EVALUABLE = re.compile(r"(?<![\w-])(?<!non\s)measurable\s+and\s+evaluable\b")
_EVALUABLE = re.compile(
    word_start_pattern(r"\b(?:evaluable|assessable)\s+(?:\w+\s+){0,2}?(?:disease|lesions?|tumou?rs?)\b")
)
#: "At least one lesion >= 1.0 cm on imaging", "target lesion diameter of >= 15 mm": a size rule
#: is a measurable-disease rule under another name.
_SIZED_LESION = re.compile(
    r"\b(?:target\s+)?lesions?\b[^;.]{0,40}?(?:>=|>|at\s+least|greater\s+than|more\s+than|of)\s*"
    r"\d+(?:\.\d+)?\s*(?:cm|mm)\b|(?:>=|>|at\s+least)\s*\d+(?:\.\d+)?\s*(?:cm|mm)\b[^;.]{0,30}?"
    r"\blesions?\b|\bat\s+least\s+(?:one|1|two|2)\s+(?:\w+\s+){0,3}?target\s+lesions?\b"
)
_LESION_TYPE = re.compile(r"\b(?:lytic|blastic|osteoblastic|osteolytic|sclerotic|soft[\s-]tissue)\b")


_TYPED_BONE_ALTERNATIVE = re.compile(
    r"\b(?:lytic|osteolytic|blastic|osteoblastic|mixed)\b[^.;]{0,30}?\b(?:bone|bony|skeletal|osseous)\s+lesions?"
)
#: "Radiotherapy allowed if the irradiated area is not the only source of measurable or evaluable
#: disease": a rule about the lesions to follow, not about which disease may join.
_ONLY_SOURCE = re.compile(
    r"\bonly\s+(?:source|site|area|lesion)s?\s+of\s+(?:\w+\s+){0,2}?(?:measurable|evaluable)"
)
_ANY_EVALUABLE = re.compile(r"\bevaluable\b|\bassessable\b|\bnon-?\s?measurable\b|\bbone[\s-]only\b")


def read_disease_extent(text: str, quote: str, kind: Source, out: Collector) -> None:
    """Bone-only disease required/excluded/allowed, and measurable (RECIST) disease required."""
    if "measureable" in text:
        text = text.replace("measureable", "measurable")  # a common misspelling
    if "bone" in text:
        mention = _BONE_ONLY.search(text)
        if mention is not None and _LESION_TYPE.search(text):
            # "Bone-only disease must be lytic or mixed", "bone-only blastic lesions are not
            # allowed": bone-only disease is accepted on a condition no profile records.
            out.allow(Allowed.BONE_ONLY, quote, kind)
            out.require(Factor.BONE_ONLY_CONDITION, True, quote, kind)
        elif mention is not None:
            mode = polarity(text, mention.start(), mention.end(), kind)
            # "measurable disease or, nonmeasurable (evaluable) bone-only disease"
            measurable_alt = "measurable" in text and re.search(r"\bor\b", text) is not None
            if mode == "allow" or (mode == "require" and (measurable_alt or ALLOWING.search(text))):
                out.allow(Allowed.BONE_ONLY, quote, kind)
            elif mode == "exclude":
                out.require(Factor.BONE_ONLY, False, quote, kind)
            elif mode == "require":
                out.require(Factor.BONE_ONLY, True, quote, kind)
    if kind == "inclusion" and "measurable" not in text and _EVALUABLE.search(text):
        out.allow(Allowed.NON_MEASURABLE, quote, kind)  # "at least one evaluable lesion"
    elif kind == "inclusion" and "lesion" in text and "measurable" not in text:
        sized = _SIZED_LESION.search(text)
        if sized is not None and polarity(text, sized.start(), sized.end(), kind) == "require":
            out.require(Factor.MEASURABLE, True, quote, kind)
    if "measurable" in text and "residual" not in text and not _ONLY_SOURCE.search(text):
        _read_measurable(text, quote, kind, out)


#: "Patients enrolled in the expansion cohort must have at least one measurable lesion": a rule
#: of one part; the dose-escalation part takes disease that cannot be measured.
_ONE_PART_ENROLLED = re.compile(
    r"\b(?:patients|participants|subjects)\s+(?:enrolled|entered|treated|included)\s+(?:in|on|into)\s+"
    r"(?:the\s+)?(?:dose[\s-]+)?(?:expansion|part\s+\w+|cohort\s+\w+|arm\s+\w+)"
)


def _read_measurable(text: str, quote: str, kind: Source, out: Collector) -> None:
    """Measurable (RECIST) disease required, or an alternative that lets other disease in."""
    mention = _MEASURABLE.search(text)
    if kind == "inclusion" and mention is not None:
        mode = polarity(text, mention.start(), mention.end(), kind)
        # "Measurable and evaluable disease" asks for both, unless another way in follows ("...
        # or bone-only disease")
        both = _MEASURABLE_AND_EVALUABLE.search(text) and not _BONE_ONLY.search(text)
        if (_NON_MEASURABLE_OK.search(text) and not both) or mode == "allow":
            out.allow(Allowed.NON_MEASURABLE, quote, kind)
            if _TYPED_BONE_ALTERNATIVE.search(text) and not _ANY_EVALUABLE.search(text):
                # "... or at least 1 predominantly lytic bone lesion": bone-only disease on a
                # condition about the kind of lesion
                out.require(Factor.BONE_ONLY_CONDITION, True, quote, kind)
        elif mode == "require" and not _ONE_PART_ENROLLED.search(text, 0, mention.start()):
            out.require(Factor.MEASURABLE, True, quote, kind)
    elif (
        kind == "exclusion"
        and re.search(r"\b(?:no|non-?|without|lack\s+of)\s?measurable", text)
        and not re.search(r"\bbone\b|\bevaluable\b", text)
    ):
        out.require(Factor.MEASURABLE, True, quote, kind)
