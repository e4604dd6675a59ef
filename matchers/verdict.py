"""Judge one patient profile against one trial reading, with reasons a patient can read.

The rule that shapes everything here: a fact the patient did not give never excludes a trial. It
becomes a question for the care team and at most lowers the verdict to "possibly eligible". Only a
requirement contradicted by what the patient did say makes a trial "likely excluded".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from data.models import Site, Study
from matchers.eligibility import OTHER_PART, TrialReading
from matchers.findings import (
    ADVANCED_SETTING,
    ALL_CELLS,
    ALLOW_BONE_ONLY,
    ALLOW_BRAIN_ACTIVE,
    ALLOW_BRAIN_STABLE,
    ALLOW_MALE,
    ALLOW_PREMENOPAUSAL,
    BIOMARKER_PREFIX,
    BONE_METS,
    BONE_ONLY,
    BONE_ONLY_CONDITION,
    BRAIN_METS,
    BRAIN_METS_ACTIVE,
    CHEMO_LINES,
    DE_NOVO,
    DISEASE_STATE,
    ECOG,
    ENDOCRINE_LINES,
    GENE_CHANGE,
    GENOMIC_TEST,
    HER2_LOW,
    HER2_LOW_OR_ULTRALOW,
    HER2_POSITIVE_CELLS,
    HR_NEG_HER2_NEG,
    HR_NEG_HER2_POS,
    HR_POS_HER2_NEG,
    HR_POS_HER2_POS,
    INFLAMMATORY,
    LEPTOMENINGEAL,
    LIVER_METS,
    MEASURABLE,
    MIXED,
    POSTMENOPAUSAL,
    PREMENOPAUSAL,
    PRIOR_BRAIN_RADIATION,
    PRIOR_LINES,
    PRIOR_PREFIX,
    RELAPSE_INTERVAL,
    STANDARD_FAILED,
    STANDARD_OPTIONAL,
    STANDARD_THERAPY,
    SUBTYPE,
    SUBTYPE_NAMED,
    SYMPTOM,
    SYMPTOMATIC,
    Limit,
    Requirement,
    detail_to_cells,
)
from matchers.geo import RECRUITING_STATUSES, first_recruiting_site, nearest_recruiting_site
from matchers.profile import (
    CHEMOTHERAPIES,
    ENDOCRINE_THERAPIES,
    HER2_THERAPIES,
    PRIOR_THERAPIES,
    PatientProfile,
)
from matchers.wording import BIOMARKER_WORDS, subtype_words, therapy_words

Verdict = Literal["likely_eligible", "possibly_eligible", "likely_excluded", "not_relevant"]
VERDICTS: tuple[Verdict, ...] = (
    "likely_eligible",
    "possibly_eligible",
    "likely_excluded",
    "not_relevant",
)
VERDICT_RANK: dict[str, int] = {
    "likely_eligible": 3,
    "possibly_eligible": 2,
    "likely_excluded": 1,
    "not_relevant": 0,
}
VERDICT_LABELS: dict[str, str] = {
    "likely_eligible": "Likely eligible",
    "possibly_eligible": "Possibly eligible",
    "likely_excluded": "Likely not eligible",
    "not_relevant": "Not for metastatic breast cancer",
}
_PHASE_RANK = {"PHASE4": 4, "PHASE3": 3, "PHASE2": 2, "PHASE1": 1, "EARLY_PHASE1": 0, "NA": 0}
_ADC_THERAPIES = frozenset({"t-dm1", "t-dxd", "sacituzumab-govitecan"})
#: Which profile therapies count as having had a therapy class named in criteria.
_THERAPY_MEMBERS: dict[str, frozenset[str]] = {
    "endocrine": ENDOCRINE_THERAPIES | {"cdk4/6-inhibitor"},
    "chemotherapy": CHEMOTHERAPIES | _ADC_THERAPIES,
    "her2-directed": HER2_THERAPIES,
    "topo1-adc": frozenset({"t-dxd", "sacituzumab-govitecan"}),
    "adc": _ADC_THERAPIES,
    "systemic": frozenset(PRIOR_THERAPIES) - {"radiation", "surgery"},
}
#: Treatments that make a line count as chemotherapy or as hormone therapy (targeted pills such
#: as CDK4/6 inhibitors are given with hormone therapy). A line count is inferred only when every
#: treatment she listed belongs to one kind.
_LINE_KIND_MEMBERS: dict[str, frozenset[str]] = {
    # HER2 antibodies and immunotherapy are given with chemotherapy for advanced breast cancer;
    # ADCs carry it.
    "chemotherapy": CHEMOTHERAPIES | HER2_THERAPIES | _ADC_THERAPIES | {"immunotherapy"},
    "endocrine": ENDOCRINE_THERAPIES
    | {"cdk4/6-inhibitor", "pi3k-inhibitor", "akt-inhibitor", "mtor-inhibitor"},
}
_SPECIFIC_CHEMO = frozenset({"taxane", "anthracycline", "capecitabine", "platinum"})


@dataclass(frozen=True, slots=True)
class Explanation:
    """One plain sentence and the trial text it rests on."""

    text: str
    quote: str = ""

    def __str__(self) -> str:
        return f'{self.text} The trial says: "{self.quote}"' if self.quote else self.text


@dataclass(frozen=True, slots=True)
class TrialMatch:
    """How one trial fits one patient: verdict, score, explanations, and where to go."""

    nct_id: str
    title: str
    verdict: Verdict
    score: float
    reasons: tuple[Explanation, ...]
    concerns: tuple[Explanation, ...]
    questions: tuple[str, ...]
    fit: tuple[str, ...]
    fit_points: int
    nearest_site: Site | None
    distance_miles: float | None
    phase: str
    status: str | None
    url: str
    sort_key: int = 0
    rank: int = 0


@dataclass(slots=True)
class _Judgement:
    reasons: list[Explanation] = field(default_factory=list)
    concerns: list[Explanation] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    fit: list[str] = field(default_factory=list)
    fit_points: int = 0
    excluded: bool = False
    uncertain: bool = False
    open_questions: int = 0  # questions that lower the verdict

    def copy(self) -> _Judgement:
        return _Judgement(
            list(self.reasons),
            list(self.concerns),
            list(self.questions),
            list(self.fit),
            self.fit_points,
            self.excluded,
            self.uncertain,
            self.open_questions,
        )

    @property
    def rank_points(self) -> int:
        """Fit minus open questions: among "possibly eligible" trials, the ones with fewer
        unknowns come first."""
        return max(0, self.fit_points - self.open_questions)

    def reason(self, text: str, quote: str = "") -> None:
        self.reasons.append(Explanation(text, quote))

    def concern(self, text: str, quote: str = "") -> None:
        self.concerns.append(Explanation(text, quote))
        self.excluded = True

    def ask(self, text: str, *, downgrade: bool = True) -> None:
        if text not in self.questions:
            self.questions.append(text)
            self.open_questions += downgrade
        self.uncertain = self.uncertain or downgrade

    def add_fit(self, label: str, points: int) -> None:
        if label not in self.fit:
            self.fit.append(label)
        self.fit_points += points


# ---------------------------------------------------------------------------------------------
# What the profile says about each factor: True, False or None (not given)
# ---------------------------------------------------------------------------------------------


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


def _history_known(profile: PatientProfile) -> bool:
    """Whether an unlisted therapy can be taken as not received: the patient gave a list, or
    said she has had no treatment lines."""
    return bool(profile.prior_therapies) or profile.prior_lines == 0


def _had_one(profile: PatientProfile, therapy: str) -> bool | None:
    members = _THERAPY_MEMBERS.get(therapy, frozenset({therapy}))
    if any(profile.had(m) for m in members):
        return True
    if therapy in _SPECIFIC_CHEMO and profile.had("chemotherapy"):
        return None  # "chemotherapy" without details may have included it
    return False if _history_known(profile) else None


def had_any(profile: PatientProfile, factor: str) -> bool | None:
    """Whether the patient had any of the therapies in a ``prior:a|b`` factor."""
    answers = [_had_one(profile, t) for t in factor[len(PRIOR_PREFIX) :].split("|") if t]
    if any(a is True for a in answers):
        return True
    if answers and all(a is False for a in answers):
        return False
    return None


def patient_fact(profile: PatientProfile, requirement: Requirement) -> bool | None:
    """The patient's value for a boolean factor, or ``None`` when she did not say."""
    factor = requirement.factor
    brain = profile.effective_brain_mets
    if factor in (SUBTYPE, SUBTYPE_NAMED):
        accepted = detail_to_cells(requirement.detail)
        cells = patient_cells(profile)
        if cells <= accepted:
            return True
        if not cells & accepted:
            return False
        return None
    if factor in (HER2_LOW, HER2_LOW_OR_ULTRALOW):
        if "her2-low" in profile.biomarkers:
            return True
        return False if profile.her2_status == "positive" else None
    if factor == BRAIN_METS:
        return brain != "none"
    if factor == BRAIN_METS_ACTIVE:
        if brain in ("none", "stable"):
            return False
        return True if brain == "active" else None
    if factor in (LEPTOMENINGEAL, PRIOR_BRAIN_RADIATION):
        return False if brain == "none" else None
    if factor == LIVER_METS:
        return "liver" in profile.sites
    if factor == BONE_METS:
        return "bone" in profile.sites  # her list of sites is a stated fact
    if factor == BONE_ONLY:
        return profile.sites == ("bone",)
    if factor == MEASURABLE:
        return None
    if factor in (POSTMENOPAUSAL, PREMENOPAUSAL):
        if profile.menopausal_status is None:
            return None
        return profile.menopausal_status == factor
    if factor.startswith(PRIOR_PREFIX):
        return had_any(profile, factor)
    if factor.startswith(BIOMARKER_PREFIX):
        return True if factor[len(BIOMARKER_PREFIX) :] in profile.biomarkers else None
    return None


def _line_count(profile: PatientProfile, factor: str) -> int | None:
    """How many earlier lines of a kind the patient had, when it can be told."""
    if profile.prior_lines is None:
        return None
    if factor == PRIOR_LINES or profile.prior_lines == 0:
        return profile.prior_lines
    kind = "chemotherapy" if factor == CHEMO_LINES else "endocrine"
    had = had_any(profile, PRIOR_PREFIX + kind)
    if had is False:
        return 0
    systemic = set(profile.prior_therapies) - {"radiation", "surgery"}
    if had and systemic <= _LINE_KIND_MEMBERS[kind]:
        return profile.prior_lines  # every treatment she had is of this kind, so every line was
    return None


# ---------------------------------------------------------------------------------------------
# Sentences
# ---------------------------------------------------------------------------------------------


def _subtype_label(profile: PatientProfile) -> str:
    return subtype_words(patient_cells(profile))


#: Rules on where the cancer has spread, all known from her site list: what to say when the
#: trial is for her sites, is only for sites she lacks, or refuses hers; and the fit it earns.
_SITE_RULES: dict[str, tuple[str, str, str, str]] = {
    LIVER_METS: (
        "It is for cancer that has spread to the liver, like yours.",
        "It is only for people whose cancer has spread to the liver.",
        "It does not accept people whose cancer has spread to the liver.",
        "Liver metastasis trial",
    ),
    BONE_METS: (
        "It is for cancer that has spread to the bones, like yours.",
        "It is only for people whose cancer has spread to the bones.",
        "It does not accept people whose cancer has spread to the bones.",
        "Bone metastasis trial",
    ),
    BONE_ONLY: (
        "It is for cancer that has spread only to the bones, like yours.",
        "It is only for cancer that has spread to the bones and nowhere else.",
        "It does not accept cancer that has spread only to the bones.",
        "For bone-only disease",
    ),
}


def _apply_requirement(profile: PatientProfile, req: Requirement, out: _Judgement) -> None:
    fact = patient_fact(profile, req)
    factor, expects, quote = req.factor, req.expects, req.quote
    if req.detail == MIXED:
        if factor.startswith(PRIOR_PREFIX):
            subject = "earlier treatment with " + therapy_words(factor[len(PRIOR_PREFIX) :])
        else:
            subject = "this point"
        out.ask(
            f"Different parts of this trial treat {subject} differently. Ask the study team which "
            "part you could join."
        )
        return
    if factor == POSTMENOPAUSAL and profile.sex == "male":
        return
    if factor == STANDARD_THERAPY:
        _apply_standard_therapy(profile, req, out)
        return
    if factor == RELAPSE_INTERVAL:
        _apply_relapse_interval(profile, req, out)
        return
    if factor == SUBTYPE_NAMED:
        label = subtype_words(detail_to_cells(req.detail))
        if fact is True:
            out.reason(
                f"Among the cancers it studies, it names {label} breast cancer, like yours.", quote
            )
            out.add_fit("Matches your subtype", 2)
        else:
            out.ask(
                f"Among the cancers it studies, this trial names {label} breast cancer. Ask the study "
                "team whether your type of breast cancer can join."
            )
        return
    if factor == SUBTYPE:
        label = subtype_words(detail_to_cells(req.detail))
        if fact is True:
            out.reason(f"This trial is for {label} breast cancer, like yours.", quote)
            out.add_fit("Matches your subtype", 4)
        elif fact is False:
            out.concern(
                f"This trial is for {label} breast cancer; yours is {_subtype_label(profile)}.", quote
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
        return
    if factor in (HER2_LOW, HER2_LOW_OR_ULTRALOW):
        label = "HER2-low" if factor == HER2_LOW else "HER2-low or HER2-ultralow"
        if fact is True:
            out.reason(f"It is for {label} cancer, like yours.", quote)
            out.add_fit("Matches your HER2-low result", 3)
        elif fact is False:
            out.concern(f"It is for {label} cancer, not HER2-positive cancer.", quote)
        else:
            out.ask(
                f"The trial is for {label} cancer (a low HER2 test result such as IHC 1+ or 2+ without "
                "gene amplification). Ask whether your tumor's HER2 result counts as HER2-low."
            )
        return
    if factor == BRAIN_METS:
        if expects and fact:
            out.reason("This trial is for people with brain metastases, like you.", quote)
            out.add_fit("Brain metastasis trial", 4)
        elif expects:
            out.concern("It is only for people whose cancer has spread to the brain.", quote)
        elif fact:
            out.concern("It does not accept people with brain metastases, even treated ones.", quote)
        return
    if factor == BRAIN_METS_ACTIVE:
        if not expects:
            if fact is True and req.detail == SYMPTOMATIC:
                out.ask(
                    "It does not accept brain metastases that cause symptoms. Ask your care team "
                    "whether yours count as symptomatic."
                )
            elif fact is True:
                out.concern(
                    "It does not accept people whose brain metastases are still growing or untreated.",
                    quote,
                )
            elif fact is None:
                out.ask(
                    "It accepts brain metastases only if they were treated and are stable. Ask your "
                    "care "
                    "team whether yours count as treated and stable."
                )
            elif profile.effective_brain_mets == "stable":
                out.reason(
                    "It turns away only brain metastases that are untreated or growing; yours are "
                    "treated and "
                    "stable.",
                    quote,
                )
        elif fact is True:
            out.reason("It is for brain metastases that are untreated or growing, like yours.", quote)
            out.add_fit("For active brain metastases", 2)
        elif fact is False:
            out.concern("It is for brain metastases that are untreated or growing.", quote)
        else:
            out.ask(
                "It is for brain metastases that are untreated or growing. Ask your care team whether "
                "yours count as active."
            )
        return
    if factor == LEPTOMENINGEAL:
        if expects and fact is False:
            out.concern("It is only for cancer in the lining of the brain and spinal cord.", quote)
        elif fact is None:
            verb = "is for" if expects else "does not accept"
            out.ask(
                f"It {verb} cancer in the lining of the brain and spinal cord (leptomeningeal disease). "
                "Ask your care team whether you have this.",
                downgrade=expects,
            )
        return
    if factor == PRIOR_BRAIN_RADIATION:
        if fact is None:
            out.ask(
                "It does not accept people who already had radiation to the brain. Ask whether your "
                "brain "
                "metastases were treated with radiation."
            )
        return
    if factor in _SITE_RULES:
        fits, only, refused, fit_label = _SITE_RULES[factor]
        if expects and fact:
            out.reason(fits, quote)
            out.add_fit(fit_label, 3)
        elif expects:
            out.concern(only, quote)
        elif fact:
            out.concern(refused, quote)
        return
    if factor == BONE_ONLY_CONDITION:
        if profile.sites == ("bone",):
            out.ask(
                "It accepts cancer that is only in the bones on a condition about the kind of bone "
                "lesions (for example lytic rather than blastic). Ask your care team whether yours "
                "qualify."
            )
        return
    if factor == MEASURABLE:
        bone_only = profile.sites == ("bone",)
        text = "It requires tumors that can be measured on scans (RECIST)."
        if bone_only:
            text += " Cancer only in the bones often cannot be measured this way."
        # Whether a tumor can be measured is not something a patient is asked, so it is an open
        # fact like any other: the trial stays "possibly eligible" until the care team confirms.
        out.ask(text + " Ask your care team whether yours can be measured.")
        return
    if factor in (POSTMENOPAUSAL, PREMENOPAUSAL):
        when = "after" if factor == POSTMENOPAUSAL else "before"
        if fact is True:
            out.reason(f"It is for women {when} menopause, like you.", quote)
        elif fact is False:
            extra = (
                ""
                if factor == PREMENOPAUSAL
                else " Ask whether treatment that stops the ovaries could change this."
            )
            out.concern(f"It is only for women {when} menopause.{extra}", quote)
        else:
            out.ask(
                f"The trial is for women {when} menopause. Ask your care team whether this applies "
                f"to you."
            )
        return
    if factor.startswith(PRIOR_PREFIX):
        therapy = therapy_words(factor[len(PRIOR_PREFIX) :])
        if req.detail == ADVANCED_SETTING and profile.prior_lines == 0:
            # Everything she had was before her cancer spread, so it does not count here.
            if expects:
                out.concern(
                    f"It requires earlier treatment with {therapy} for advanced cancer; you have "
                    "not yet had treatment for advanced cancer.",
                    quote,
                )
            elif fact:
                out.reason(
                    f"It turns away only people who had {therapy} for advanced cancer; yours was "
                    "given before the cancer spread.",
                    quote,
                )
            return
        if expects and fact:
            out.reason(f"It is for people who already had {therapy}, as you did.", quote)
            out.add_fit("Fits your treatment history", 1)
        elif expects and fact is False and profile.prior_lines is not None:
            # With her number of treatment lines given, her list is her whole treatment history.
            out.concern(
                f"It requires earlier treatment with {therapy}, which is not in your treatment history.",
                quote,
            )
        elif expects and fact is False:
            # Without the number of lines the list may be partial: ask, never exclude.
            out.ask(
                f"The trial requires earlier treatment with {therapy}, which you have not listed. "
                "Ask your care team whether you have had it."
            )
        elif expects:
            out.ask(
                f"The trial requires earlier treatment with {therapy}. Ask your care team whether "
                f"you have had it."
            )
        elif fact:
            out.concern(f"It does not accept people who already had {therapy}.", quote)
        elif fact is None:
            out.ask(
                f"The trial does not accept people who already had {therapy}. Ask your care team "
                f"whether "
                "you have had it."
            )
        return
    if factor == DISEASE_STATE:
        out.ask(
            "It is only for cancer that had already spread when it was first found (de novo "
            "metastatic disease). Ask your care team whether that was so for you."
            if req.detail == DE_NOVO
            else "It is for cancer that is stable or shrinking on current treatment. Ask your care "
            "team whether yours is."
        )
        return
    if factor == INFLAMMATORY:
        out.ask(
            "It is for inflammatory breast cancer (a type that makes the breast red and swollen). "
            "Ask your care team whether yours is this type."
        )
        return
    if factor == SYMPTOM:
        out.ask(
            f"This study is about {req.detail}. It may be only for people who have it or are likely "
            "to get it. Ask the study team whether it fits you."
        )
        return
    if factor == GENOMIC_TEST:
        out.ask(
            "It is for people whose tumor has already had a genomic test (such as next-generation "
            "sequencing, NGS). Ask your care team whether yours has."
        )
        return
    if factor == BIOMARKER_PREFIX + GENE_CHANGE:
        gene = req.detail.upper() if len(req.detail) <= 6 else req.detail
        out.ask(
            f"The trial is for tumors with a specific gene change ({gene}), which is uncommon in "
            "breast cancer. Ask whether your tumor was tested for it."
        )
        return
    if factor.startswith(BIOMARKER_PREFIX):
        marker = factor[len(BIOMARKER_PREFIX) :]
        label = BIOMARKER_WORDS.get(marker, marker)
        if expects and fact:
            out.reason(f"It is for tumors with a {label}, which yours has.", quote)
            out.add_fit(f"Matches your {label}", 3)
        elif expects:
            out.ask(f"The trial requires a {label}. Ask whether your tumor was tested.")
        elif fact:
            out.concern(f"It does not accept tumors with a {label}.", quote)
        else:
            out.ask(
                f"The trial does not accept tumors with a {label}. Ask whether your tumor was tested."
            )


def _apply_relapse_interval(profile: PatientProfile, req: Requirement, out: _Judgement) -> None:
    """A rule on how soon after early-stage treatment the cancer came back.

    Profiles hold no dates, so it is a question for anyone who may have had that treatment early.
    It lowers the verdict only when her treatment can only have been early-stage (no lines for
    advanced disease yet); otherwise it is a note for the appointment.
    """
    if req.detail:
        had = had_any(profile, PRIOR_PREFIX + req.detail)
        therapy = therapy_words(req.detail)
    else:
        had = True if profile.prior_therapies else (False if profile.prior_lines == 0 else None)
        therapy = "treatment"
    if had is False:
        return
    out.ask(
        f"The trial has a rule about how long after earlier {therapy} for early-stage cancer the "
        "cancer came back. Ask your care team whether the timing fits.",
        downgrade=profile.prior_lines == 0 and had is True,
    )


def _apply_standard_therapy(profile: PatientProfile, req: Requirement, out: _Judgement) -> None:
    """Pan-tumor trials for cancer that standard treatment no longer controls.

    Someone not yet treated for advanced cancer always has a standard first treatment, so only a
    trial that also takes people who decline or cannot have standard treatment stays open to her.
    Whether no standard option is left is the care team's judgment, hence a question.
    """
    flags = set(req.detail.split(","))
    lines = profile.prior_lines
    if lines is None:
        out.ask(
            "The trial is for cancer that has grown despite standard treatment, or has no standard "
            "treatment left. Ask your care team whether this describes your situation."
        )
        return
    if lines == 0:
        if STANDARD_OPTIONAL in flags:
            out.ask(
                "The trial is mainly for cancer already treated with standard therapy. It also takes "
                "people for whom standard treatment is not suitable or who decline it. Ask your care "
                "team whether this could apply to you."
            )
        else:
            out.concern(
                "It is for cancer that has grown despite standard treatment or has no standard "
                "treatment left; you have not yet had treatment for advanced cancer.",
                req.quote,
            )
        return
    if STANDARD_FAILED in flags:
        out.reason(
            f"It is for cancer that has grown despite earlier treatment; you have had {lines} "
            f"{'line' if lines == 1 else 'lines'} of treatment.",
            req.quote,
        )
        return
    out.ask(
        "The trial is for people who have no standard treatment left that is known to help. Ask your "
        "care team whether that is true for you."
    )


_LINE_WORDS = {
    PRIOR_LINES: "lines of treatment for advanced cancer",
    CHEMO_LINES: "lines of chemotherapy for advanced cancer",
    ENDOCRINE_LINES: "lines of hormone therapy for advanced cancer",
}


def _limit_words(limit: Limit) -> str:
    what = _LINE_WORDS.get(limit.factor, "lines of treatment")
    if limit.high == 0:
        return f"no earlier {what}"
    return f"{limit.describe()} earlier {what}"


def _apply_limit(profile: PatientProfile, limit: Limit, out: _Judgement) -> None:
    quote = limit.quote
    if limit.factor == ECOG:
        allowed = limit.describe()
        if profile.ecog is None:
            typical = limit.contains(0) and limit.contains(1)
            out.ask(
                f"The trial requires a performance status (ECOG) of {allowed} (0 means fully active, "
                f"1 means "
                "able to do light work). Ask your care team what your ECOG score is.",
                downgrade=not typical,
            )
        elif limit.contains(profile.ecog):
            out.reason(
                f"Your performance status (ECOG {profile.ecog}) is within its limit ({allowed}).", quote
            )
        else:
            out.concern(
                f"It requires a performance status (ECOG) of {allowed}; yours is {profile.ecog}.", quote
            )
        return
    count = _line_count(profile, limit.factor)
    words = _limit_words(limit)
    if count is None:
        total = profile.prior_lines
        if total is not None and limit.high is not None and total <= limit.high and limit.low is None:
            out.reason(f"It allows {words}; you have had {total} in all.", quote)
            return
        out.ask(f"The trial allows {words}. Ask your care team how many you have had.")
        return
    systemic = set(profile.prior_therapies) - {"radiation", "surgery"}
    if limit.any_setting and count == 0 and limit.low == 1 and systemic:
        # "At least one prior regimen", no stage named: her early-stage treatment may count.
        out.ask(
            "It requires at least one earlier treatment without saying for which stage of cancer. "
            "Your treatment so far was before the cancer spread; ask whether it counts."
        )
        return
    if limit.contains(count):
        out.reason(f"It allows {words}; you have had {count}, which fits.", quote)
        if limit.factor == PRIOR_LINES:
            out.add_fit("Fits your treatment line", 1)
    else:
        out.concern(f"It allows {words}; you have had {count}.", quote)


def _apply_structured(
    profile: PatientProfile, study: Study, reading: TrialReading, out: _Judgement
) -> None:
    sex = (study.sex or "ALL").upper()
    if profile.sex == "male":
        if sex == "FEMALE":
            out.concern("This trial is only for women.", "Sex: female")
        elif (allowance := reading.allowance(ALLOW_MALE)) is not None:
            out.reason("It accepts men.", allowance.quote)
    elif profile.sex == "female" and sex == "MALE":
        out.concern("This trial is only for men.", "Sex: male")
    elif profile.sex is None and sex == "MALE":
        out.ask("This trial is only for men. Confirm this matches you.")
    minimum, maximum = study.min_age_years, study.max_age_years
    if profile.age is None:
        if (minimum is not None and minimum > 18) or (maximum is not None and maximum < 90):
            limits = study.minimum_age or "", study.maximum_age or ""
            out.ask(
                f"The trial has an age limit ({' to '.join(x for x in limits if x)}). Check that "
                f"your age fits."
            )
        return
    if minimum is not None and profile.age < minimum:
        out.concern(
            f"It is for people aged {study.minimum_age or int(minimum)} and older; you are "
            f"{profile.age}.",
            f"Minimum age: {study.minimum_age}",
        )
    elif maximum is not None and profile.age > maximum:
        out.concern(
            f"It is for people up to {study.maximum_age or int(maximum)}; you are {profile.age}.",
            f"Maximum age: {study.maximum_age}",
        )


def _apply_allowances(profile: PatientProfile, reading: TrialReading, out: _Judgement) -> None:
    brain = profile.effective_brain_mets
    stable = reading.allowance(ALLOW_BRAIN_STABLE)
    active = reading.allowance(ALLOW_BRAIN_ACTIVE)
    if active is not None and brain in ("active", None):
        out.reason("It accepts some brain metastases that are untreated or growing.", active.quote)
        out.ask(
            "Ask your care team whether your brain metastases fit this trial's limits.", downgrade=False
        )
    elif (
        stable is not None
        and brain == "stable"
        and not any(r.quote == stable.quote for r in out.reasons)
    ):
        out.reason(
            "It accepts brain metastases that were treated and are stable, like yours.", stable.quote
        )
    premenopausal = reading.allowance(ALLOW_PREMENOPAUSAL)
    if premenopausal is not None and profile.menopausal_status == "premenopausal":
        out.reason(
            "It also takes women before menopause (usually with medicine that pauses the ovaries).",
            premenopausal.quote,
        )
    bone = reading.allowance(ALLOW_BONE_ONLY)
    if bone is not None and profile.sites == ("bone",):
        out.reason("It accepts cancer that has spread only to the bones.", bone.quote)


def tests_a_treatment(study: Study) -> bool:
    """Whether a study tests a treatment for the cancer (an unknown purpose counts as one).

    Observational studies and interventional ones for supportive care, diagnosis, screening or
    other purposes do not, which matters when they take every stage of breast cancer.
    """
    if (study.study_type or "").upper() == "OBSERVATIONAL":
        return False
    return (study.primary_purpose or "TREATMENT").upper() == "TREATMENT"


_NOT_A_TREATMENT = (
    "It does not test a cancer treatment: it looks at care, tests or samples, so taking part would "
    "not change your cancer treatment."
)


def _relevance(reading: TrialReading, study: Study, out: _Judgement) -> bool:
    if reading.scope == "other":
        out.concerns.append(Explanation("This trial is not for breast cancer.", reading.scope_quote))
        return False
    if reading.setting == "early":
        out.concerns.append(
            Explanation(
                "This study is for early-stage breast cancer, screening or prevention, not for "
                "cancer that "
                "has spread.",
                reading.setting_quote,
            )
        )
        return False
    if reading.healthy_volunteers and reading.setting == "unknown":
        out.concerns.append(Explanation("This study is for people without cancer."))
        return False
    if reading.scope == "solid_tumor":
        out.reason(
            "It is for several kinds of advanced cancer, which can include breast cancer.",
            reading.scope_quote,
        )
    else:
        out.add_fit("Breast cancer trial", 2)
    disease = "breast cancer" if reading.scope == "breast" else "cancer"
    if reading.setting == "metastatic":
        out.reason(f"It is for metastatic or advanced {disease}.", reading.setting_quote)
        out.add_fit("For metastatic disease", 1)
    elif reading.setting == "mixed":
        out.reason(
            f"It takes {disease} that has spread as well as earlier stages.", reading.setting_quote
        )
        if tests_a_treatment(study):
            out.add_fit("For metastatic disease", 1)
        else:
            # A registry, tissue bank, imaging or support study open to every stage takes her,
            # but it was not made for metastatic disease: no fit point, so it ranks below those.
            out.reason(_NOT_A_TREATMENT)
    else:
        out.ask(
            "The listing does not say clearly whether it takes people whose cancer has spread. Ask "
            "the study "
            "team."
        )
    return True


def _phase_rank(study: Study) -> int:
    return max((_PHASE_RANK.get(p, 0) for p in study.phases), default=0)


def sort_key(verdict: Verdict, fit_points: int, miles: float | None, phase_rank: int) -> int:
    """One integer that orders matches: verdict, then fit, then distance, then phase.

    Each part has its own band of digits so a lower part can never outweigh a higher one, which
    keeps the score consistent with the rank.
    """
    bucket = 1000 if miles is None else min(int(miles // 10), 999)
    return (
        VERDICT_RANK[verdict] * 10_000_000
        + min(fit_points, 99) * 100_000
        + (1000 - bucket) * 10
        + phase_rank
    )


def _judge_findings(
    profile: PatientProfile, reading: TrialReading, study: Study, start: _Judgement
) -> _Judgement:
    """Apply one reading's findings on top of what relevance already said."""
    out = start.copy()
    for requirement in reading.requirements:
        _apply_requirement(profile, requirement, out)
    for limit in reading.limits:
        _apply_limit(profile, limit, out)
    _apply_structured(profile, study, reading, out)
    _apply_allowances(profile, reading, out)
    return out


def _verdict_of(out: _Judgement) -> Verdict:
    if out.excluded:
        return "likely_excluded"
    if out.uncertain:
        return "possibly_eligible"
    return "likely_eligible"


def _is_side_part(path: str) -> bool:
    """Dose escalation, run-in, phase 1 or the unnamed remainder of a trial."""
    leaf = path.rsplit("/", 1)[-1]
    return leaf in (OTHER_PART, "escalation", "run-in") or leaf.startswith(
        ("phase 1", "phase 0", "safety")
    )


def _part_words(path: str) -> str:
    """ "group 2/part a1" -> "Group 2, Part A1"; "escalation" -> "Escalation"."""
    if path == OTHER_PART:
        return "the part without extra rules"
    words: list[str] = []
    for atom in path.split("/"):
        name, _, ident = atom.partition(" ")
        if ident and " " not in ident and len(ident) <= 3:
            words.append(f"{name.capitalize()} {ident.upper()}")
        else:
            words.append(atom[:1].upper() + atom[1:])
    return ", ".join(words)


def judge(
    profile: PatientProfile,
    reading: TrialReading,
    study: Study,
    origin: tuple[float, float] | None = None,
) -> TrialMatch:
    """Decide how a trial fits a patient.

    Args:
        profile: what the patient told us; ``None`` fields are unknown, never "no".
        reading: the study's reading from ``matchers.eligibility.read_trial``.
        study: the study itself (structured sex and age limits, sites, phase).
        origin: the patient's latitude and longitude, to find the nearest recruiting site.

    Returns:
        A ``TrialMatch`` with verdict, score, reasons, concerns and questions (rank left at 0).
    """
    out = _Judgement()
    relevant = _relevance(reading, study, out)
    if relevant and reading.parts:
        # Each part has its own rules: she needs to fit one of them, so the best one counts.
        options = [(_judge_findings(profile, part, study, out), part.part) for part in reading.parts]
        out, best = max(options, key=lambda o: (VERDICT_RANK[_verdict_of(o[0])], o[0].rank_points))
        # A dose-escalation or unnamed side part that fits while the main part turns her away
        # is a real but narrow door: a question, not "likely eligible".
        narrow = _is_side_part(best) and any(option.excluded for option, _ in options)
        out.ask(
            "This trial has parts (such as groups or cohorts) with their own rules; this match is "
            f"for the part that fits you best ({_part_words(best)}). Ask the study team which part "
            "you could join.",
            downgrade=narrow,
        )
    elif relevant:
        out = _judge_findings(profile, reading, study, out)
    if relevant and not (study.eligibility_criteria or "").strip():
        # Nothing read is not the same as nothing against her.
        out.ask("The listing gives no eligibility criteria. Ask the study team who can join.")
    verdict: Verdict = _verdict_of(out) if relevant else "not_relevant"
    if (study.overall_status or "").upper() in RECRUITING_STATUSES:
        out.add_fit("Recruiting", 1)
    # Distances only matter for trials she could join; skipping the rest keeps ranking fast.
    nearest = nearest_recruiting_site(study, origin) if relevant else None
    site, miles = (nearest[0], round(nearest[1], 1)) if nearest else (first_recruiting_site(study), None)
    if miles is not None and profile.travel_miles is not None and miles > profile.travel_miles:
        out.fit.append("Farther than you want to travel")
        if relevant:
            out.concerns.append(
                Explanation(
                    f"The nearest open site is about {miles:.0f} miles away, farther than you said "
                    f"you can travel."
                )
            )
    key = sort_key(verdict, out.rank_points, miles, _phase_rank(study))
    return TrialMatch(
        nct_id=study.nct_id,
        title=study.title,
        verdict=verdict,
        score=round(key / 100_000, 5),
        reasons=tuple(out.reasons),
        concerns=tuple(out.concerns),
        questions=tuple(out.questions),
        fit=tuple(out.fit),
        fit_points=out.fit_points,
        nearest_site=site,
        distance_miles=miles,
        phase=study.phase_label,
        status=study.overall_status,
        url=study.url,
        sort_key=key,
    )
