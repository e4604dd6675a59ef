"""Brain and leptomeningeal metastases required, excluded or allowed, and prior brain radiation."""

from __future__ import annotations

import re
from dataclasses import dataclass

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
    EXCEPTION,
    NOT_ALLOWED,
    WASHOUT,
    negation,
    polarity,
)
from matchers.reader.regex_tools import word_start_pattern

BRAIN_HINTS = (
    "brain",
    "cns",
    "central nervous",
    "central nerve",
    "cranial",
    "cerebral",
    "leptomening",
    "mening",
    "wbrt",
    "srs",
)
_BRAIN = re.compile(
    word_start_pattern(
        r"\b(?:brain|cns|central\s+nerv(?:ous|e)\s+system|intra-?cranial|cerebral|parenchymal)\s+"
        r"(?:\([a-z]+\)\s+)?(?:[a-z/-]+\s+){0,3}?(?:metasta\w*|mets\b|lesions?\b|involvement|deposits?\b)|"
        r"\b(?:brain|cns)\)?\s+(?:[a-z/-]+\s+){0,2}?disease\b|"
        r"\b(?:brain|cns)\s+or\s+(?:epidural|spinal|leptomeningeal)\s+(?:tumou?rs?|disease)\b|"
        r"\b(?:metasta\w*|mets)\s+(?:(?:disease|lesions?|tumou?rs?|spread|deposits?)\s+)?(?:to|in|on|of|involving|"
        r"within)\s+(?:the\s+)?(?:brain|cns|central\s+nervous)|"
        r"\bbrain[\s-]*(?:oligo)?metasta\w*|"
        r"\bspread\s+(?:of\s+(?:the\s+)?(?:cancer|disease|tumou?r)\s+)?to\s+the\s+(?:brain|cns)\b"
    )
)
_LEPTO = re.compile(
    word_start_pattern(
        r"\blepto-?meningeal\b|\bmeningeal\s+(?:carcinomatosis|disease|metasta\w*|involvement|spread)|"
        r"\bcarcinomatous\s+meningitis\b|\bneoplastic\s+meningitis\b"
    )
)
_BRAIN_STABLE = re.compile(
    r"\b(?:previously\s+|definitively\s+|adequately\s+|locally\s+)?(?:treated|irradiated|resected)\b|"
    r"\bstable\b|\bstabl\w+|\basymptomatic\b|\bcontrolled\b|\binactive\b|"
    r"\boff\s+(?:\w+\s+)?(?:steroids|corticosteroids|dexamethasone)|"
    r"\b(?:not|no\s+longer|without)\s+(?:\w+\s+){0,2}?(?:requir\w*|need\w*|receiving|taking|on)\b[^;,.]{0,30}|"
    r"\bdo(?:es)?\s+not\s+requir\w*[^;,.]{0,30}|\bno\s+(?:evidence\s+of\s+)?(?:new|progression|"
    r"progressive)\b[^;,.]{0,30}|\bwithout\s+(?:evidence\s+of\s+)?progression"
)
_BRAIN_ACTIVE = re.compile(
    r"\b(?:untreated|un-treated|active|symptomatic|progressi\w*|unstable|uncontrolled|growing|new|"
    r"newly|enlarging|worsening|unresected|not\s+(?:yet\s+)?(?:been\s+)?(?:previously\s+)?treated|"
    r"requir\w*|need\w*\s+(?:immediate|urgent)|impending)\b"
)
_BRAIN_RT = re.compile(
    word_start_pattern(
        r"\b(?:whole[\s-]brain|brain|cranial|stereotactic)\s+(?:radiation|radiotherapy|irradiation|"
        r"radiosurgery|rt)\b|\bwbrt\b|\bsrs\b"
    )
)
#: Radiation given to brain metastases: "prior radiation therapy for brain metastases".
_RADIATION_FOR_BRAIN = re.compile(
    r"\b(?:prior|previous)\s+(?:\w+\s+){0,2}?(?:radiation|radiotherapy|irradiation|radiosurgery)\s+"
    r"(?:\w+\s+){0,2}?(?:for|to|of)\s+(?:the\s+)?(?:brain|cns|cerebral|intracranial)\b"
)
#: "Patients must have had no prior therapy for brain metastases (with the exception of ...)".
_NO_TREATMENT_FOR_BRAIN = re.compile(
    r"\bno\s+(?:prior|previous)\s+(?:local\s+)?(?:therapy|treatment|radiation|radiotherapy|"
    r"irradiation|radiosurgery)\s+(?:for|to|of)\s+(?:the\s+)?(?:brain|cns|cerebral|intracranial)\b"
)
#: Brain radiation in the study or at the same time, not in her history: "WBRT is not allowed
#: while patients receive ...", "... would be included in the SRS field", "re-irradiation".
_NOT_PRIOR_RT = re.compile(r"\bfield\b|\bwhile\b|\bduring\b|\bconcurrent\w*|\bre-?irradiat\w*")
#: A second mention of brain radiation offered as an alternative to the first.
_RT_ALTERNATIVE = re.compile(
    r"\bor\b[^;.()]{0,40}?\b(?:received|had|having|with|after|following)\b[^;.()]{0,20}?"
    r"(?:\b(?:brain|cranial|stereotactic)\s+(?:radiation|radiotherapy|irradiation|radiosurgery)|"
    r"\bwbrt\b|\bsrs\b)"
)
#: "Treated or untreated brain metastases are allowed": both states, joined by "or" (not across a
#: bracket: "no active brain metastases or meningitis (controlled ones eligible)" is one state).
_EITHER_STATE = re.compile(
    r"\b(?:treated|stable|controlled|asymptomatic)\b[^.;:()]{0,40}?\bor\b[^.;:()]{0,30}?\b(?:un-?treated|"
    r"unstable|active|uncontrolled|new|progressi\w*|symptomatic)\b|"
    r"\b(?:un-?treated|active|unstable|new|progressi\w*|symptomatic)\b[^.;:()]{0,40}?\bor\b"
    r"[^.;:()]{0,30}?\b(?:treated|stable|controlled|asymptomatic|not)\b"
)
#: Words that make brain metastases themselves a requirement ("must have at least one measurable
#: brain metastasis", "diagnosis of brain metastases"), not a state they may join in.
_BRAIN_NEEDED = re.compile(
    r"\bmust\s+(?:have|be\s+present)\b|\bat\s+least\s+(?:one|1|two|2)\b|\bmeasurable\b|"
    r"\b(?:diagnos\w*|presence|evidence)\s+of\b|\bconfirmed\b|\brequired\b|\bonly\b|\bneed\w*\s+(?:to|for)\b"
)
_EXCLUDING_BRAIN = re.compile(
    r"metasta\w*[^.;]{0,30}?\(?\s*\b(?:excluding|except(?:\s+for)?|other\s+than|not\s+including|with\s+the\s+exception\s+of)\s+"
    r"(?:known\s+|any\s+|active\s+)?(?:brain|cns|central\s+nerv(?:ous|e)\s+system)\b"
)
_APPROVAL_FOR_SOME = re.compile(
    r"\W*(?:for|in)\s+(?:patients|participants|subjects|those)\s+with\b[^;]{0,120}?\b(?:approv\w*|"
    r"discuss\w*|consult\w*|medical\s+monitor|sponsor)\b"
)
_PROCEDURE = re.compile(
    r"\bwill\s+be\s+(?:performed|done|obtained|repeated|scheduled|monitored|considered)\b"
)
#: "A scan to confirm the absence of brain metastases is not required": how she is screened.
_NOT_REQUIRED_SCAN = re.compile(
    r"\b(?:scans?|mri|ct|imaging)\b[^.;]{0,60}?\b(?:is|are)\s+not\s+(?:required|mandatory|needed)\b"
)
#: "Participants may have concomitant brain metastases": a permission.
_MAY_HAVE = re.compile(r"\b(?:patients|participants|subjects|women|they)\s+may\s+(?:also\s+)?have\b")
_SYMPTOM_WORDS = frozenset({"symptomatic", "uncontrolled"})
#: How long brain metastases must have been stable or treated ("stable for at least 4 weeks",
#: "no unstable brain metastases within the past 6 months").
_DURATION = re.compile(r"\b(?P<n>\d{1,3})\s*(?P<unit>weeks?|wks?|months?|mos?|days?)\b")


def _stable_for(text: str) -> tuple[Qualifier, str]:
    """The qualifier and note of a rule that wants brain metastases stable (or treated) a while."""
    found = _DURATION.search(text)
    if found is None:
        return Qualifier.NONE, ""
    return Qualifier.STABLE_FOR, f"{found.group('n')} {found.group('unit')}"


#: Symptoms said in other words: "associated with progressive neurological symptoms", "requires
#: increasing doses of corticosteroids to control the CNS disease".
_SYMPTOMS_IN_WORDS = re.compile(
    r"\b(?:(?:that\s+(?:is|are)\s+)?associated\s+with|causing|with)\s+(?:progressive\s+|worsening\s+)?"
    r"neurologic\w*\s+(?:symptoms|deficits?|signs)|\brequir\w*\s+(?:increasing|escalating)\s+doses?\s+"
    r"of\s+(?:cortico)?steroids?(?:\s+to\s+control[^.;]*)?|"
    # "brain metastases requiring chronic steroids to control symptoms"
    r"\brequir\w*\s+(?:chronic\s+|ongoing\s+|continuous\s+)?(?:cortico)?steroids?(?:\s+to\s+control[^.;]*)?"
)


_OR_ANY_EVIDENCE = re.compile(
    r"\bsymptomatic\b[^;]{0,40}?\bor\s+(?:any\s+)?(?:clinical\s+|radiologic\w*\s+|known\s+)?"
    r"(?:evidence|history|presence)\s+of\s+(?:\w+\s+){0,2}?(?:cns|brain|central|intra-?cranial)\b"
)


def _symptomatic_only(text: str) -> Qualifier:
    """``Qualifier.SYMPTOMATIC`` when only symptoms make brain metastases exclusionary.

    "Symptomatic brain metastases" or "symptomatic uncontrolled brain metastases" need symptoms,
    which no profile records; "symptomatic or untreated" does not (untreated alone suffices).
    """
    text = _SYMPTOMS_IN_WORDS.sub(" symptomatic ", text)
    words = {m.group(0) for m in _BRAIN_ACTIVE.finditer(_BRAIN_STABLE.sub(" ", text))}
    if "symptomatic" not in words or not words <= _SYMPTOM_WORDS:
        return Qualifier.NONE
    if len(words) > 1 and re.search(r"\b(?:symptomatic|uncontrolled)\s+(?:and/)?or\b", text):
        return Qualifier.NONE
    return Qualifier.SYMPTOMATIC


@dataclass(frozen=True, slots=True)
class _Cues:
    """What a sentence about brain metastases says about them, read once."""

    text: str
    quote: str
    kind: Source
    allowing: bool
    stable: bool
    active: bool
    #: An active word in the mention's own noun phrase ("new or progressive brain metastases").
    active_subject: bool = False


def _in_label(cues: _Cues, out: Collector) -> None:
    """A title or condition about brain metastases makes them the study's subject."""
    if cues.allowing:
        out.allow(Allowed.BRAIN_ANY, cues.quote, cues.kind)
    elif not EXCEPTION.search(cues.text):
        out.require(Factor.BRAIN_METS, True, cues.quote, cues.kind)


#: Symptom-free brain metastases as one way in, treated ones as another.
_ASYMPTOMATIC_OR_TREATED = re.compile(
    r"\basymptomatic\s+(?:brain\s+|cns\s+)?(?:metasta\w*|lesions?|disease)\s*,?\s*or\s+(?:\w+\s+){0,2}?treated\b"
)


def _allowed(cues: _Cues, out: Collector) -> None:
    """ "Treated, stable brain metastases are allowed"; "untreated brain metastases are eligible"."""
    quote, kind = cues.quote, cues.kind
    if cues.stable:
        out.allow(Allowed.BRAIN_STABLE, quote, kind)
        if (
            cues.active
            and kind == "inclusion"
            and (cues.active_subject or _EITHER_STATE.search(cues.text))
        ):
            out.allow(Allowed.BRAIN_ACTIVE, quote, kind)
        elif _ASYMPTOMATIC_OR_TREATED.search(cues.text):
            # "stable brain metastases defined as asymptomatic metastasis, or treated metastasis
            # ...": untreated ones without symptoms may join; only symptoms rule them out
            out.require(Factor.BRAIN_METS_ACTIVE, False, quote, kind, Qualifier.SYMPTOMATIC)
        else:
            qualifier, note = _stable_for(cues.text)
            out.require(Factor.BRAIN_METS_ACTIVE, False, quote, kind, qualifier, note=note)
    elif cues.active:
        out.allow(Allowed.BRAIN_ACTIVE, quote, kind)
    else:
        out.allow(Allowed.BRAIN_ANY, quote, kind)


def _excluded(cues: _Cues, out: Collector) -> None:
    quote, kind = cues.quote, cues.kind
    if cues.stable and BRAIN_CONDITIONAL.search(cues.text):
        # "Participants with brain metastases must be stable after local therapy", even when
        # written among the exclusions, sets the condition under which they are accepted.
        out.allow(Allowed.BRAIN_STABLE, quote, kind)
        qualifier, note = _stable_for(cues.text)
        out.require(Factor.BRAIN_METS_ACTIVE, False, quote, kind, qualifier, note=note)
    elif cues.active and not _OR_ANY_EVIDENCE.search(cues.text):
        # but "no symptomatic CNS disease or clinical evidence of CNS metastases" bans any
        qualifier, note = _symptomatic_only(cues.text), ""
        if qualifier == Qualifier.NONE:
            qualifier, note = _stable_for(cues.text)
        out.require(Factor.BRAIN_METS_ACTIVE, False, quote, kind, qualifier, note=note)
    else:
        out.require(Factor.BRAIN_METS, False, quote, kind)


def _required(cues: _Cues, out: Collector) -> None:
    quote, kind = cues.quote, cues.kind
    if (BRAIN_CONDITIONAL.search(cues.text) and (cues.stable or not cues.active)) or (
        kind == "inclusion" and cues.stable and not _BRAIN_NEEDED.search(cues.text)
    ):
        # "Controlled brain metastases (i.e. treated with surgery or radiosurgery)" among the
        # inclusions says which brain metastases may join, not that everyone must have them;
        # "untreated brain metastases not needing immediate local therapy" lets active ones in.
        if cues.active_subject and kind == "inclusion":
            out.allow(Allowed.BRAIN_ACTIVE, quote, kind)
            return
        out.allow(Allowed.BRAIN_STABLE if cues.stable else Allowed.BRAIN_ANY, quote, kind)
        if cues.stable:
            qualifier, note = _stable_for(cues.text)
            out.require(Factor.BRAIN_METS_ACTIVE, False, quote, kind, qualifier, note=note)
    else:
        out.require(Factor.BRAIN_METS, True, quote, kind)
        if cues.active and not cues.stable:
            out.require(Factor.BRAIN_METS_ACTIVE, True, quote, kind)


def _leptomeningeal(cues: _Cues, lepto: re.Match[str], named_brain: bool, out: Collector) -> None:
    if cues.kind not in ("inclusion", "exclusion") or cues.allowing:
        return
    mode = polarity(cues.text, lepto.start(), lepto.end(), cues.kind)
    if mode == "exclude":
        out.require(Factor.LEPTOMENINGEAL, False, cues.quote, cues.kind)
    elif mode == "require" and not named_brain:
        out.require(Factor.LEPTOMENINGEAL, True, cues.quote, cues.kind)


def _active_subject(text: str, mention: re.Match[str]) -> bool:
    """An active word just before the mention, not negated: "patients with new or progressive
    brain metastases (...) are eligible" allows active ones; "no active brain metastases" does not."""
    before = text[max(0, mention.start() - 40) : mention.start()]
    words = _BRAIN_ACTIVE.search(before)
    if words is None or "exclud" in before or "rule out" in before:
        return False  # "... a brain MRI to exclude active brain metastases"
    return negation(before[: words.start()]) is None


#: Words that plainly let people in, as against a proviso ("unless", "except", "provided").
_PLAINLY_ALLOWED = re.compile(
    r"\b(?:allowed|permitted|eligible|acceptable|accepted|may|can|included|qualif\w*|with\s+or\s+without)\b"
)


def _proviso_only(cues: _Cues) -> bool:
    """ "No visible brain metastases (unless a single lesion amenable to resection)": an exclusion
    whose exception names no treated or active state, so the reader cannot tell whether hers fit."""
    return not (cues.stable or cues.active) and _PLAINLY_ALLOWED.search(cues.text) is None


def read_brain(text: str, quote: str, kind: Source, out: Collector) -> None:
    """Brain metastases required, excluded, or allowed when treated and stable; leptomeningeal."""
    mention = _BRAIN.search(text)
    lepto = _LEPTO.search(text)
    anchor = mention or lepto
    if anchor is None:
        _read_brain_radiation(text, quote, kind, out)  # "Prior brain radiotherapy"
        return
    metastatic_first = anchor.group(0).startswith(("metasta", "mets"))
    if "primary" in text[max(0, anchor.start() - 25) : anchor.start()] and not metastatic_first:
        # "primary brain tumors"; but "primary malignancies or metastatic disease of the CNS", and
        # "no primary brain tumor or brain metastases" names the metastases after the tumour
        later = _BRAIN.search(text, anchor.start() + 1)
        if later is None or "primary" in text[anchor.start() : later.start()]:
            return
        mention = anchor = later
    if text[max(0, anchor.start() - 6) : anchor.start()].endswith(("non-", "extra ", "extra-", "non ")):
        return  # "one extra cerebral lesion", "a non-intracranial measurable lesion": outside the brain
    scan = _NOT_REQUIRED_SCAN.search(text) if " not " in text else None
    if (scan and scan.start() < anchor.start() < scan.end()) or (
        "will be" in text and _PROCEDURE.search(text)
    ):
        return  # "brain scans will be performed every 12 weeks in patients with brain metastases"
    if kind == "inclusion" and mention is not None and _EXCLUDING_BRAIN.search(text):
        # "Distant metastasis (excluding known brain metastases) allowed"
        out.require(Factor.BRAIN_METS, False, quote, kind)
        return
    # "For patients with untreated CNS lesions > 2 cm, approval from the medical monitor"; a ban
    # on the radiation they had, read as such
    if _APPROVAL_FOR_SOME.match(text) or _read_radiation_given_to_them(text, quote, kind, out):
        return
    cues = _Cues(
        text,
        quote,
        kind,
        allowing=NOT_ALLOWED.search(text) is None
        and (ALLOWING.search(text) is not None or _MAY_HAVE.search(text) is not None),
        stable=_BRAIN_STABLE.search(text) is not None,
        active=_BRAIN_ACTIVE.search(_BRAIN_STABLE.sub(" ", text)) is not None,
        active_subject=mention is not None and _active_subject(text, mention),
    )
    if mention is not None:
        mode = polarity(text, anchor.start(), anchor.end(), kind)
        if kind in ("title", "conditions"):
            _in_label(cues, out)
        elif cues.allowing and mode == "exclude" and _proviso_only(cues):
            out.require(Factor.BRAIN_METS, False, quote, kind, Qualifier.EXCEPTION)
        elif cues.allowing:
            _allowed(cues, out)
        elif mode == "exclude":
            _excluded(cues, out)
        elif mode == "require":
            _required(cues, out)
    if lepto is not None:
        _leptomeningeal(cues, lepto, mention is not None, out)
    _read_brain_radiation(text, quote, kind, out)


def _read_radiation_given_to_them(text: str, quote: str, kind: Source, out: Collector) -> bool:
    """ "Prior radiation therapy for brain metastases" among the exclusions, "no prior therapy
    for brain metastases" among the inclusions: a ban on the treatment they had, not on brain
    metastases as such (untreated ones are not named)."""
    if "prior" not in text and "previous" not in text:
        return False
    treated = (
        _NO_TREATMENT_FOR_BRAIN.search(text)
        if kind == "inclusion"
        else _RADIATION_FOR_BRAIN.search(text)
        if kind == "exclusion"
        else None
    )
    if treated is None or (
        kind == "exclusion" and polarity(text, treated.start(), treated.end(), kind) != "exclude"
    ):
        return False
    if WASHOUT.search(text, treated.end(), treated.end() + 30):
        return False  # "no prior radiotherapy to the brain within 2 weeks": a washout
    out.require(Factor.PRIOR_BRAIN_RADIATION, False, quote, kind)
    # brain metastases named apart from the treatment ("Known brain metastases or prior
    # radiation therapy to the brain") are read as usual
    rest = text[: treated.start()] + " " + text[treated.end() :]
    return _BRAIN.search(rest) is None and _LEPTO.search(rest) is None


def _read_brain_radiation(text: str, quote: str, kind: Source, out: Collector) -> None:
    radiation = _BRAIN_RT.search(text)
    if radiation is not None and _RT_ALTERNATIVE.search(text, radiation.end()):
        return  # "no previous brain radiotherapy or brain radiotherapy at the protocol's dose"
    if (
        radiation is not None
        and kind in ("inclusion", "exclusion")
        and not WASHOUT.search(text)
        and not _NOT_PRIOR_RT.search(text)
        and polarity(text, radiation.start(), radiation.end(), kind) == "exclude"
    ):
        out.require(Factor.PRIOR_BRAIN_RADIATION, False, quote, kind)
