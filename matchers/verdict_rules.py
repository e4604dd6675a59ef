"""How each kind of requirement a trial states is judged against what the patient told us.

One small rule per factor, found through ``RULES``. Each rule writes plain sentences: a reason
(fits, quoting the trial), a concern (a stated fact rules her out), or a question for the care team
(she did not say; a question never excludes).
"""

from __future__ import annotations

from collections.abc import Callable

from matchers.findings import Factor, Qualifier, Requirement, Standard
from matchers.judgement import Judgement
from matchers.patient_facts import had_any, may_predate_spread, patient_cells, patient_fact
from matchers.profile import PatientProfile
from matchers.wording import BIOMARKER_WORDS, biomarkers_words, subtype_words, therapy_words

Rule = Callable[[PatientProfile, Requirement, bool | None, Judgement], None]


def _subtype_label(profile: PatientProfile) -> str:
    return subtype_words(patient_cells(profile))


def _mixed(requirement: Requirement, out: Judgement) -> None:
    subject = "this point"
    if requirement.factor == Factor.PRIOR_THERAPY:
        subject = "earlier treatment with " + therapy_words(requirement.items)
    out.ask(
        f"Different parts of this trial treat {subject} differently. Ask the study team which "
        "part you could join."
    )


def _subtype_named(profile: PatientProfile, req: Requirement, fact: bool | None, out: Judgement) -> None:
    label = subtype_words(req.cells)
    if fact is True:
        out.reason(
            f"Among the cancers it studies, it names {label} breast cancer, like yours.", req.quote
        )
        out.add_fit("Matches your subtype", 2)
    else:
        out.ask(
            f"Among the cancers it studies, this trial names {label} breast cancer. Ask the study "
            "team whether your type of breast cancer can join."
        )


def _subtype(profile: PatientProfile, req: Requirement, fact: bool | None, out: Judgement) -> None:
    label = subtype_words(req.cells)
    if fact is True:
        out.reason(f"This trial is for {label} breast cancer, like yours.", req.quote)
        out.add_fit("Matches your subtype", 4)
    elif fact is False:
        out.concern(
            f"This trial is for {label} breast cancer; yours is {_subtype_label(profile)}.", req.quote
        )
    elif profile.her2_status is not None:
        out.ask(
            f"The trial is for {label} breast cancer. Ask your care team whether your cancer is "
            "hormone-receptor-positive."
        )
    else:
        out.ask(
            f"The trial is for {label} breast cancer. Ask your care team to confirm your cancer's "
            "hormone-receptor and HER2 status."
        )


def _her2_low(profile: PatientProfile, req: Requirement, fact: bool | None, out: Judgement) -> None:
    label = "HER2-low" if req.factor == Factor.HER2_LOW else "HER2-low or HER2-ultralow"
    if fact is True:
        out.reason(f"It is for {label} cancer, like yours.", req.quote)
        out.add_fit("Matches your HER2-low result", 3)
    elif fact is False:
        out.concern(f"It is for {label} cancer, not HER2-positive cancer.", req.quote)
    else:
        out.ask(
            f"The trial is for {label} cancer (a low HER2 test result such as IHC 1+ or 2+ without "
            "gene amplification). Ask whether your tumor's HER2 result counts as HER2-low."
        )


def _her2_expressing(
    profile: PatientProfile, req: Requirement, fact: bool | None, out: Judgement
) -> None:
    if fact:
        out.reason(
            "It is for cancer with HER2 on its cells (HER2-low or HER2-positive), like yours.",
            req.quote,
        )
    else:
        out.ask(
            "The trial is for cancer with at least some HER2 on its cells (a HER2 test result of "
            "IHC 1+, 2+ or 3+). Ask whether your tumor's HER2 result was above 0."
        )


def _brain(profile: PatientProfile, req: Requirement, fact: bool | None, out: Judgement) -> None:
    if req.expects and fact:
        out.reason("This trial is for people with brain metastases, like you.", req.quote)
        out.add_fit("Brain metastasis trial", 4)
    elif req.expects:
        out.concern("It is only for people whose cancer has spread to the brain.", req.quote)
    elif fact and req.qualifier == Qualifier.EXCEPTION:
        out.ask(
            "It does not accept brain metastases except in a case its rule describes. Ask your care "
            f"team whether yours fit that exception: “{req.quote}”"
        )
    elif fact:
        out.concern("It does not accept people with brain metastases, even treated ones.", req.quote)


def _brain_not_active(
    profile: PatientProfile, req: Requirement, fact: bool | None, out: Judgement
) -> None:
    if fact is True and req.qualifier == Qualifier.SYMPTOMATIC:
        out.ask(
            "It does not accept brain metastases that cause symptoms. Ask your care team "
            "whether yours count as symptomatic."
        )
    elif fact is True:
        out.concern(
            "It does not accept people whose brain metastases are still growing or untreated.", req.quote
        )
    elif fact is None:
        out.ask(
            "It accepts brain metastases only if they were treated and are stable. Ask your care "
            "team whether yours count as treated and stable."
        )
    elif profile.effective_brain_mets == "stable":
        out.reason(
            "It turns away only brain metastases that are untreated or growing; yours are treated and "
            "stable.",
            req.quote,
        )
        if req.qualifier == Qualifier.STABLE_FOR:
            out.ask(
                f"It wants brain metastases to have been treated and stable for {req.note}. Ask your "
                "care team how long yours have been stable.",
                downgrade=_at_least_three_months(req.note),
            )


def _at_least_three_months(duration: str) -> bool:
    """Most treated brain metastases have been stable a few weeks by screening; months are a real
    question (stable for 3 months does not meet "stable for 6 months")."""
    number, unit = duration.split(" ", 1)
    days = int(number) * {"d": 1, "w": 7, "m": 30}[unit[0]]
    return days >= 90


def _brain_active(profile: PatientProfile, req: Requirement, fact: bool | None, out: Judgement) -> None:
    if not req.expects:
        _brain_not_active(profile, req, fact, out)
    elif fact is True:
        out.reason("It is for brain metastases that are untreated or growing, like yours.", req.quote)
        out.add_fit("For active brain metastases", 2)
    elif fact is False:
        out.concern("It is for brain metastases that are untreated or growing.", req.quote)
    else:
        out.ask(
            "It is for brain metastases that are untreated or growing. Ask your care team whether "
            "yours count as active."
        )


def _leptomeningeal(
    profile: PatientProfile, req: Requirement, fact: bool | None, out: Judgement
) -> None:
    if req.expects and fact is False:
        out.concern("It is only for cancer in the lining of the brain and spinal cord.", req.quote)
    elif fact is None:
        verb = "is for" if req.expects else "does not accept"
        out.ask(
            f"It {verb} cancer in the lining of the brain and spinal cord (leptomeningeal disease). "
            "Ask your care team whether you have this.",
            downgrade=req.expects,
        )


def _brain_radiation(
    profile: PatientProfile, req: Requirement, fact: bool | None, out: Judgement
) -> None:
    if fact is None:
        out.ask(
            "It does not accept people who already had radiation to the brain. Ask whether your brain "
            "metastases were treated with radiation."
        )
    elif fact:
        out.concern(
            "It does not accept people who already had radiation to the brain; you told us your brain "
            "metastases were treated and that you have had radiation.",
            req.quote,
        )


#: Rules on where the cancer has spread, all known from her site list: what to say when the
#: trial is for her sites, is only for sites she lacks, or refuses hers; and the fit it earns.
_SITE_RULES: dict[Factor, tuple[str, str, str, str]] = {
    Factor.LIVER_METS: (
        "It is for cancer that has spread to the liver, like yours.",
        "It is only for people whose cancer has spread to the liver.",
        "It does not accept people whose cancer has spread to the liver.",
        "Liver metastasis trial",
    ),
    Factor.BONE_METS: (
        "It is for cancer that has spread to the bones, like yours.",
        "It is only for people whose cancer has spread to the bones.",
        "It does not accept people whose cancer has spread to the bones.",
        "Bone metastasis trial",
    ),
    Factor.BONE_ONLY: (
        "It is for cancer that has spread only to the bones, like yours.",
        "It is only for cancer that has spread to the bones and nowhere else.",
        "It does not accept cancer that has spread only to the bones.",
        "For bone-only disease",
    ),
}


def _site(profile: PatientProfile, req: Requirement, fact: bool | None, out: Judgement) -> None:
    fits, only, refused, fit_label = _SITE_RULES[req.factor]
    if req.expects and fact:
        out.reason(fits, req.quote)
        out.add_fit(fit_label, 3)
    elif req.expects:
        out.concern(only, req.quote)
    elif fact:
        out.concern(refused, req.quote)


def _bone_only_condition(
    profile: PatientProfile, req: Requirement, fact: bool | None, out: Judgement
) -> None:
    if profile.sites == ("bone",):
        out.ask(
            "It accepts cancer that is only in the bones on a condition about the kind of bone "
            "lesions (for example lytic rather than blastic). Ask your care team whether yours "
            "qualify."
        )


def _measurable(profile: PatientProfile, req: Requirement, fact: bool | None, out: Judgement) -> None:
    text = "It requires tumors that can be measured on scans (RECIST)."
    if profile.sites == ("bone",):
        text += " Cancer only in the bones often cannot be measured this way."
    # Whether a tumor can be measured is not something a patient is asked, so it is an open
    # fact like any other: the trial stays "possibly eligible" until the care team confirms.
    out.ask(text + " Ask your care team whether yours can be measured.")


def _menopause(profile: PatientProfile, req: Requirement, fact: bool | None, out: Judgement) -> None:
    if req.factor == Factor.POSTMENOPAUSAL and profile.sex == "male":
        return
    when = "after" if req.factor == Factor.POSTMENOPAUSAL else "before"
    if fact is True:
        out.reason(f"It is for women {when} menopause, like you.", req.quote)
    elif fact is False:
        extra = (
            ""
            if req.factor == Factor.PREMENOPAUSAL
            else " Ask whether treatment that stops the ovaries could change this."
        )
        out.concern(f"It is only for women {when} menopause.{extra}", req.quote)
    else:
        out.ask(
            f"The trial is for women {when} menopause. Ask your care team whether this applies to you."
        )


def _women_only(profile: PatientProfile, req: Requirement, fact: bool | None, out: Judgement) -> None:
    """Criteria written for women: a man is ruled out unless the trial also accepts men."""
    if fact is False:
        out.concern("Its criteria are written for women only.", req.quote)


def _prior_in_advanced_setting(
    req: Requirement, fact: bool | None, therapy: str, out: Judgement
) -> None:
    """She has had no treatment for advanced cancer, and the rule counts only that setting."""
    if req.expects:
        out.concern(
            f"It requires earlier treatment with {therapy} for advanced cancer; you have "
            "not yet had treatment for advanced cancer.",
            req.quote,
        )
    elif fact:
        out.reason(
            f"It turns away only people who had {therapy} for advanced cancer; yours was "
            "given before the cancer spread.",
            req.quote,
        )


def _which_drug(rule: str, drug: str, therapy: str) -> str:
    """A rule on one drug of a class her answers name only as the class: ask which she had."""
    return (
        f"{rule} people who already had {drug} in particular ({therapy}). Ask your care team "
        f"whether yours was {drug}."
    )


def _prior_required(
    profile: PatientProfile, req: Requirement, fact: bool | None, therapy: str, out: Judgement
) -> None:
    if fact and req.note:
        # "Prior treatment with lapatinib": her list names the class, not the drug
        out.ask(_which_drug("It is for", req.note, therapy))
    elif fact:
        out.reason(f"It is for people who already had {therapy}, as you did.", req.quote)
        out.add_fit("Fits your treatment history", 1)
    elif fact is False and profile.prior_lines is not None:
        # With her number of treatment lines given, her list is her whole treatment history.
        out.concern(
            f"It requires earlier treatment with {therapy}, which is not in your treatment history.",
            req.quote,
        )
    elif fact is False:
        # Without the number of lines the list may be partial: ask, never exclude.
        out.ask(
            f"The trial requires earlier treatment with {therapy}, which you have not listed. "
            "Ask your care team whether you have had it."
        )
    else:
        out.ask(
            f"The trial requires earlier treatment with {therapy}. Ask your care team whether you "
            "have had it."
        )


def _prior(profile: PatientProfile, req: Requirement, fact: bool | None, out: Judgement) -> None:
    therapy = therapy_words(req.items)
    if req.qualifier == Qualifier.ADVANCED_SETTING and profile.prior_lines == 0:
        _prior_in_advanced_setting(req, fact, therapy, out)
    elif req.qualifier == Qualifier.EARLY_SETTING and fact and profile.prior_lines != 0:
        # Her list does not say when she had it: before the cancer spread, or since
        out.ask(
            f"It requires {therapy} given before the cancer spread (after surgery, for example). "
            "Ask your care team whether yours was."
        )
    elif req.expects:
        _prior_required(profile, req, fact, therapy, out)
    elif fact and req.qualifier == Qualifier.ADVANCED_SETTING and may_predate_spread(profile, req.items):
        out.ask(
            f"It does not accept people who had {therapy} for advanced cancer. Ask your care team "
            "whether yours was given before or after the cancer spread."
        )
    elif fact and req.note:
        # "Previously received treatment with exemestane": her list names the class, not the drug
        out.ask(_which_drug("It does not accept", req.note, therapy))
    elif fact:
        out.concern(f"It does not accept people who already had {therapy}.", req.quote)
    elif fact is None:
        out.ask(
            f"The trial does not accept people who already had {therapy}. Ask your care team whether "
            "you have had it."
        )


_DISEASE_STATE_QUESTIONS = {
    Qualifier.DE_NOVO: "It is only for cancer that had already spread when it was first found (de novo "
    "metastatic disease). Ask your care team whether that was so for you.",
    Qualifier.NO_EVIDENCE_OF_DISEASE: "It is only for people in whom scans find no cancer after "
    "treatment (no evidence of disease). Ask your care team whether that is true for you.",
    Qualifier.PARENT_STUDY: "It continues an earlier study: it is only for people who took part in "
    "that study. Ask your care team whether you did.",
    Qualifier.FEW_METASTASES: "It is only for cancer that has spread to a few places (a set number "
    "of metastases). Ask your care team how many you have.",
    Qualifier.CHEST_WALL: "It is for cancer in the chest wall or the skin. Ask your care team "
    "whether yours is there.",
    Qualifier.PLANNED_TREATMENT: "It is for people about to start a particular treatment, named in "
    "the trial's rules. Ask your care team whether it is planned for you.",
    Qualifier.CURRENT_TREATMENT: "It is for people receiving a particular treatment now, named in "
    "the trial's rules. Ask your care team whether that is so for you.",
    Qualifier.TRANSPLANT_COMPLICATION: "It is for people with a complication of a donor stem cell "
    "transplant (graft-versus-host disease), not for breast cancer itself. Ask your care team "
    "whether it applies to you.",
    Qualifier.SUSPECTED_RECURRENCE: "It is for people whose cancer may have come back but is not yet "
    "confirmed. Ask your care team whether that describes you.",
    Qualifier.SYMPTOM_BURDEN: "It is for people whose symptoms (such as pain, tiredness or distress) "
    "reach a set level on a rating scale. Ask your care team whether yours do.",
    Qualifier.PRIMARY_IN_PLACE: "It is for people whose tumour in the breast is still in place (not "
    "removed by surgery). Ask your care team whether that is so for you.",
    Qualifier.RECENT_DIAGNOSIS: "It is for people whose cancer was diagnosed recently (within a set "
    "time named in the trial's rules). Ask your care team whether yours was.",
    Qualifier.CO_ENROLLED: "It is only for people already taking part in another study at the "
    "study centre (such as a treatment study there). Ask your care team whether you are.",
    Qualifier.BONE_PART: "It is for cancer in one part of the skeleton (such as the spine, or the long "
    "bones of the arms and legs). Ask your care team whether yours is there.",
}


def _disease_state(profile: PatientProfile, req: Requirement, fact: bool | None, out: Judgement) -> None:
    out.ask(
        _DISEASE_STATE_QUESTIONS.get(
            req.qualifier,
            "It is for cancer that is stable or shrinking on current treatment. Ask your care "
            "team whether yours is.",
        )
    )


def _question(text: str) -> Rule:
    """A rule that asks one question whatever she said (facts no profile records)."""

    def rule(profile: PatientProfile, req: Requirement, fact: bool | None, out: Judgement) -> None:
        out.ask(text.format(note=req.note))

    return rule


def _gene_change(profile: PatientProfile, req: Requirement, fact: bool | None, out: Judgement) -> None:
    gene = req.note.upper() if len(req.note) <= 6 else req.note
    out.ask(
        f"The trial is for tumors with a specific test result ({gene}) that is not among your "
        "answers. Ask whether your tumor was tested for it."
    )


def _biomarker(profile: PatientProfile, req: Requirement, fact: bool | None, out: Judgement) -> None:
    words = biomarkers_words(req.items)
    if req.expects and fact:
        found = next(m for m in req.items if m in profile.biomarkers)
        out.reason(f"It is for tumors with {words}, which yours has.", req.quote)
        out.add_fit(f"Matches your {BIOMARKER_WORDS[found]}", 3)
    elif req.expects:
        out.ask(f"The trial requires {words}. Ask whether your tumor was tested.")
    elif fact:
        out.concern(f"It does not accept tumors with {words}.", req.quote)
    else:
        out.ask(f"The trial does not accept tumors with {words}. Ask whether your tumor was tested.")


def _relapse_interval(
    profile: PatientProfile, req: Requirement, fact: bool | None, out: Judgement
) -> None:
    """A rule on how soon after early-stage treatment the cancer came back.

    Profiles hold no dates, so it is a question for anyone who may have had that treatment early.
    It lowers the verdict only when her treatment can only have been early-stage (no lines for
    advanced disease yet); otherwise it is a note for the appointment.
    """
    if req.items:
        had = had_any(profile, req.items)
        therapy = therapy_words(req.items)
    else:
        had = True if profile.prior_therapies else (False if profile.prior_lines == 0 else None)
        therapy = "treatment"
    if had is False:
        return
    if req.qualifier == Qualifier.RECENT_FAILURE:
        # her history says what she had, not in which order: it may have failed long ago
        out.ask(
            f"It is for people whose {therapy} stopped working within a set time before joining "
            "(the trial's rules say how long). Ask your care team whether the timing fits.",
            downgrade=True,
        )
        return
    out.ask(
        f"The trial has a rule about how long after earlier {therapy} for early-stage cancer the "
        "cancer came back. Ask your care team whether the timing fits.",
        downgrade=profile.prior_lines == 0 and had is True,
    )


def _standard_therapy(
    profile: PatientProfile, req: Requirement, fact: bool | None, out: Judgement
) -> None:
    """Pan-tumor trials for cancer that standard treatment no longer controls.

    Someone not yet treated for advanced cancer always has a standard first treatment, so only a
    trial that also takes people who decline or cannot have standard treatment stays open to her.
    Whether no standard option is left is the care team's judgment, hence a question.
    """
    flags, lines = set(req.items), profile.prior_lines
    if lines is None:
        out.ask(
            "The trial is for cancer that has grown despite standard treatment, or has no standard "
            "treatment left. Ask your care team whether this describes your situation."
        )
    elif lines == 0 and Standard.OPTIONAL in flags:
        out.ask(
            "The trial is mainly for cancer already treated with standard therapy. It also takes "
            "people for whom standard treatment is not suitable or who decline it. Ask your care "
            "team whether this could apply to you."
        )
    elif lines == 0:
        out.concern(
            "It is for cancer that has grown despite standard treatment or has no standard "
            "treatment left; you have not yet had treatment for advanced cancer.",
            req.quote,
        )
    elif Standard.FAILED in flags:
        out.reason(
            f"It is for cancer that has grown despite earlier treatment; you have had {lines} "
            f"{'line' if lines == 1 else 'lines'} of treatment.",
            req.quote,
        )
    else:
        out.ask(
            "The trial is for people who have no standard treatment left that is known to help. Ask "
            "your care team whether that is true for you."
        )


RULES: dict[Factor, Rule] = {
    Factor.SUBTYPE: _subtype,
    Factor.SUBTYPE_NAMED: _subtype_named,
    Factor.HER2_LOW: _her2_low,
    Factor.HER2_LOW_OR_ULTRALOW: _her2_low,
    Factor.HER2_EXPRESSING: _her2_expressing,
    Factor.BRAIN_METS: _brain,
    Factor.BRAIN_METS_ACTIVE: _brain_active,
    Factor.LEPTOMENINGEAL: _leptomeningeal,
    Factor.PRIOR_BRAIN_RADIATION: _brain_radiation,
    Factor.LIVER_METS: _site,
    Factor.BONE_METS: _site,
    Factor.BONE_ONLY: _site,
    Factor.BONE_ONLY_CONDITION: _bone_only_condition,
    Factor.MEASURABLE: _measurable,
    Factor.POSTMENOPAUSAL: _menopause,
    Factor.PREMENOPAUSAL: _menopause,
    Factor.PRIOR_THERAPY: _prior,
    Factor.WOMEN_ONLY: _women_only,
    Factor.DISEASE_STATE: _disease_state,
    Factor.INFLAMMATORY: _question(
        "It is for inflammatory breast cancer (a type that makes the breast red and swollen). "
        "Ask your care team whether yours is this type."
    ),
    Factor.SYMPTOM: _question(
        "This study is about {note}. It may be only for people who have it or are likely "
        "to get it. Ask the study team whether it fits you."
    ),
    Factor.GENOMIC_TEST: _question(
        "It is for people whose tumor has already had a genomic test (such as next-generation "
        "sequencing, NGS). Ask your care team whether yours has."
    ),
    Factor.GENE_CHANGE: _gene_change,
    Factor.BIOMARKER: _biomarker,
    Factor.RELAPSE_INTERVAL: _relapse_interval,
    Factor.STANDARD_THERAPY: _standard_therapy,
}


def apply_requirement(profile: PatientProfile, requirement: Requirement, out: Judgement) -> None:
    """Judge one requirement: a reason, a concern, a question, or nothing to say."""
    if requirement.qualifier == Qualifier.MIXED:
        _mixed(requirement, out)
        return
    RULES[requirement.factor](profile, requirement, patient_fact(profile, requirement), out)
