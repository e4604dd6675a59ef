"""What a patient's profile says about each fact a trial asks about: yes, no, or not given.

The rule that shapes everything here: a fact the patient did not give is ``None``, never ``False``;
only a stated fact can exclude her from a trial.
"""

from __future__ import annotations

from collections.abc import Callable

from data.vocabulary import load_vocabulary
from matchers.findings import (
    ALL_CELLS,
    HER2_POSITIVE_CELLS,
    HR_NEG_HER2_NEG,
    HR_NEG_HER2_POS,
    HR_POS_HER2_NEG,
    HR_POS_HER2_POS,
    Factor,
    LimitFactor,
    Requirement,
)
from matchers.profile import PatientProfile

_VOCABULARY = load_vocabulary()
#: Treatments given for cancer in the body (not radiation or surgery).
_LOCAL = frozenset(t.id for t in _VOCABULARY.therapies if t.local)
#: Classes the form offers as such ("chemotherapy (any)"): a patient may tick one without saying
#: which kind she had.
_FORM_CLASSES = frozenset(_VOCABULARY.form_therapy_ids)
#: Treatments often given before the cancer spread; any other one she had was for advanced cancer.
_EARLY_SETTING = frozenset(t.id for t in _VOCABULARY.therapies if t.early_setting)


#: The chemotherapy and hormone medicines also given for early-stage cancer (before or after
#: surgery), targeted drugs left out: taken from the vocabulary's classes.
_OFTEN_BEFORE_SPREAD = (
    _EARLY_SETTING
    & (
        _VOCABULARY.members("chemotherapy")
        | _VOCABULARY.members("endocrine")
        | {"chemotherapy", "endocrine"}
    )
) - _VOCABULARY.members("targeted")


def may_predate_spread(profile: PatientProfile, items: tuple[str, ...]) -> bool:
    """Whether what she had of these may all have been given before the cancer spread (a
    chemotherapy or hormone therapy that is also given for early-stage cancer)."""
    had = systemic_therapies(profile)
    named = {t for item in items for t in had if item in _VOCABULARY.satisfies(t)}
    # Something else she had must account for her lines of treatment for advanced cancer.
    return bool(named) and named <= _OFTEN_BEFORE_SPREAD and bool(had - named)


def patient_cells(profile: PatientProfile) -> frozenset[str]:
    """The receptor cells the patient's cancer may be in, given what she told us."""
    if profile.subtype == "hr-positive":
        return frozenset({HR_POS_HER2_NEG})
    if profile.subtype == "triple-negative":
        return frozenset({HR_NEG_HER2_NEG})
    if profile.subtype == "her2-positive":
        if profile.hormone_receptor == "positive":
            return frozenset({HR_POS_HER2_POS})
        if profile.hormone_receptor == "negative":
            return frozenset({HR_NEG_HER2_POS})
        return HER2_POSITIVE_CELLS
    return ALL_CELLS


def history_known(profile: PatientProfile) -> bool:
    """Whether an unlisted therapy can be taken as not received: the patient gave a list, or
    said she has had no treatment lines."""
    return bool(profile.prior_therapies) or profile.prior_lines == 0


def _had_one(profile: PatientProfile, therapy: str) -> bool | None:
    listed = set(profile.prior_therapies)
    if listed & _VOCABULARY.members(therapy):
        return True
    for broader in _VOCABULARY.broader(therapy) & _FORM_CLASSES:
        if listed & _VOCABULARY.kinds_of(broader):
            return None  # she ticked "chemotherapy (any)": it may have included a taxane
    return False if history_known(profile) else None


def had_any(profile: PatientProfile, therapies: tuple[str, ...]) -> bool | None:
    """Whether the patient had any of ``therapies`` (vocabulary ids), as far as she said."""
    answers = [_had_one(profile, t) for t in therapies]
    if any(a is True for a in answers):
        return True
    if answers and all(a is False for a in answers):
        return False
    return None


def systemic_therapies(profile: PatientProfile) -> set[str]:
    """The drug treatments she listed (radiation and surgery left out)."""
    return set(profile.prior_therapies) - _LOCAL


def _cells_fact(profile: PatientProfile, requirement: Requirement) -> bool | None:
    accepted, cells = requirement.cells, patient_cells(profile)
    if cells <= accepted:
        return True
    return False if not cells & accepted else None


def _her2_low_fact(profile: PatientProfile, _: Requirement) -> bool | None:
    if "her2-low" in profile.biomarkers:
        return True
    return False if profile.her2_status == "positive" else None


def _her2_expressing_fact(profile: PatientProfile, _: Requirement) -> bool | None:
    if profile.her2_status == "positive" or "her2-low" in profile.biomarkers:
        return True
    return None  # HER2-negative covers both 0 and low


def _brain_active_fact(profile: PatientProfile, _: Requirement) -> bool | None:
    brain = profile.effective_brain_mets
    if brain in ("none", "stable"):
        return False
    return True if brain == "active" else None


def _brain_radiation(profile: PatientProfile) -> bool | None:
    """Radiation to the brain: none without brain metastases or before any treatment of them;
    treated brain metastases with radiation in her history were, in all likelihood, irradiated
    (radiosurgery or whole-brain); treated ones without it may have been operated on: unknown."""
    brain = profile.effective_brain_mets
    if brain == "none":
        return False
    if brain == "stable" and "radiation" in profile.prior_therapies:
        return True
    return None


def _menopause_fact(profile: PatientProfile, requirement: Requirement) -> bool | None:
    if profile.menopausal_status is None:
        return None
    return profile.menopausal_status == requirement.factor


def _biomarker_fact(profile: PatientProfile, requirement: Requirement) -> bool | None:
    return True if set(requirement.items) & set(profile.biomarkers) else None


_FACTS: dict[Factor, Callable[[PatientProfile, Requirement], bool | None]] = {
    Factor.SUBTYPE: _cells_fact,
    Factor.SUBTYPE_NAMED: _cells_fact,
    Factor.HER2_LOW: _her2_low_fact,
    Factor.HER2_LOW_OR_ULTRALOW: _her2_low_fact,
    Factor.HER2_EXPRESSING: _her2_expressing_fact,
    Factor.BRAIN_METS: lambda p, _: p.effective_brain_mets != "none",
    Factor.BRAIN_METS_ACTIVE: _brain_active_fact,
    Factor.LEPTOMENINGEAL: lambda p, _: False if p.effective_brain_mets == "none" else None,
    Factor.PRIOR_BRAIN_RADIATION: lambda p, _: _brain_radiation(p),
    Factor.LIVER_METS: lambda p, _: "liver" in p.sites,
    Factor.BONE_METS: lambda p, _: "bone" in p.sites,  # her list of sites is a stated fact
    Factor.BONE_ONLY: lambda p, _: p.sites == ("bone",),
    Factor.POSTMENOPAUSAL: _menopause_fact,
    Factor.PREMENOPAUSAL: _menopause_fact,
    Factor.PRIOR_THERAPY: lambda p, r: had_any(p, r.items),
    Factor.WOMEN_ONLY: lambda p, _: None if p.sex is None else p.sex == "female",
    Factor.BIOMARKER: _biomarker_fact,
}


def patient_fact(profile: PatientProfile, requirement: Requirement) -> bool | None:
    """The patient's value for a yes-or-no factor, or ``None`` when she did not say."""
    fact = _FACTS.get(requirement.factor)
    return fact(profile, requirement) if fact is not None else None


_ADCS = _VOCABULARY.members("adc")
#: Which line count each kind of treatment makes.
_LINE_KINDS = {LimitFactor.CHEMO_LINES: "chemotherapy", LimitFactor.ENDOCRINE_LINES: "endocrine"}


def line_range(profile: PatientProfile, factor: LimitFactor) -> tuple[int, int] | None:
    """How many earlier lines of a kind the patient had, as the range her answers allow.

    All lines when every treatment she listed is of that kind, none when she listed none of it
    (targeted pills such as CDK4/6 inhibitors are given with hormone therapy; HER2 antibodies and
    immunotherapy with chemotherapy); otherwise between 0, or 1 when she had a medicine of that kind
    that is given only for advanced cancer, and all her lines. ``None``: lines not given.
    """
    lines = profile.prior_lines
    if lines is None:
        return None
    if factor == LimitFactor.PRIOR_LINES or lines == 0:
        return lines, lines
    kind = _LINE_KINDS[factor]
    had = had_any(profile, (kind,))
    if had is False:
        return 0, 0
    members = _VOCABULARY.line_members(kind)
    if had and systemic_therapies(profile) <= members:
        # Every treatment she had is of this kind, so every line was; but an antibody-drug
        # conjugate counts as chemotherapy in some trials and not in others.
        adcs = set(profile.prior_therapies) & _ADCS if factor == LimitFactor.CHEMO_LINES else set()
        floor = 1 if systemic_therapies(profile) - _ADCS else 0
        return max(lines - len(adcs), floor), lines
    advanced_only = {t for t in profile.prior_therapies if t in members and t not in _EARLY_SETTING}
    return (1 if advanced_only else 0), lines
