"""Judge one patient profile against one trial reading, with reasons a patient can read.

The rule that shapes everything here: a fact the patient did not give never excludes a trial. It
becomes a question for the care team and at most lowers the verdict to "possibly eligible". Only a
requirement contradicted by what the patient did say makes a trial "likely excluded".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from data.models import Site, Study
from matchers.findings import (
    CONCEPT_WORDS,
    Allowed,
    Alternatives,
    Limit,
    LimitFactor,
    Option,
    Unread,
)
from matchers.geo import RECRUITING_STATUSES, first_recruiting_site, nearest_recruiting_site
from matchers.judgement import Explanation, Judgement
from matchers.patient_facts import line_range, systemic_therapies
from matchers.profile import PatientProfile
from matchers.trial_reading import OTHER_PART, TrialReading
from matchers.verdict_rules import apply_requirement

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


#: What each kind of line count counts, singular and plural.
_LINE_WORDS: dict[LimitFactor, tuple[str, str]] = {
    LimitFactor.PRIOR_LINES: ("line of treatment", "lines of treatment"),
    LimitFactor.CHEMO_LINES: ("line of chemotherapy", "lines of chemotherapy"),
    LimitFactor.ENDOCRINE_LINES: ("line of hormone therapy", "lines of hormone therapy"),
}


def _limit_words(limit: Limit) -> str:
    """ "It allows at most 2 earlier lines of treatment", "It requires at least 1 earlier line"."""
    one, many = _LINE_WORDS.get(limit.factor, ("line of treatment", "lines of treatment"))
    if limit.high == 0:
        return f"It allows no earlier {many} for advanced cancer"
    top = limit.high if limit.high is not None else limit.low
    what = f"{one if top == 1 else many} for advanced cancer"
    verb = "requires" if limit.high is None else "allows"
    return f"It {verb} {limit.describe()} earlier {what}"


def _apply_ecog(profile: PatientProfile, limit: Limit, out: Judgement) -> None:
    allowed = limit.describe()
    if profile.ecog is None:
        typical = limit.contains(0) and limit.contains(1)
        out.ask(
            f"The trial requires a performance status (ECOG) of {allowed} (0 means fully active, 1 "
            "means able to do light work). Ask your care team what your ECOG score is.",
            downgrade=not typical,
        )
    elif limit.contains(profile.ecog):
        out.reason(
            f"Your performance status (ECOG {profile.ecog}) is within its limit ({allowed}).",
            limit.quote,
        )
    else:
        out.concern(
            f"It requires a performance status (ECOG) of {allowed}; yours is {profile.ecog}.",
            limit.quote,
        )


def _apply_age(profile: PatientProfile, limit: Limit, out: Judgement) -> None:
    """An age limit written in the criteria, beside the structured age fields."""
    ages = limit.describe().replace("exactly", "only")
    if profile.age is None:
        out.ask(f"Its criteria give an age limit ({ages} years). Check that your age fits.")
    elif not limit.contains(profile.age):
        out.concern(
            f"Its criteria are for people aged {ages} years; you are {profile.age}.", limit.quote
        )


_KIND_WORDS = {LimitFactor.CHEMO_LINES: "chemotherapy", LimitFactor.ENDOCRINE_LINES: "hormone therapy"}


def _lines_said(profile: PatientProfile, factor: LimitFactor, count: str) -> str:
    """What her answers say about her lines: a count of one kind she never gave is inferred from
    her treatment list, and said so ("none of the treatments you listed is chemotherapy")."""
    kind = _KIND_WORDS.get(factor)
    if kind is not None and count == "0" and profile.prior_lines:
        return f"none of the treatments you listed is {kind}"
    return f"from what you told us you have had {count}"


def _apply_limit(profile: PatientProfile, limit: Limit, out: Judgement) -> None:
    if limit.factor == LimitFactor.ECOG:
        _apply_ecog(profile, limit, out)
        return
    if limit.factor == LimitFactor.AGE:
        _apply_age(profile, limit, out)
        return
    said = line_range(profile, limit.factor)
    words = _limit_words(limit)
    if said is None:
        out.ask(f"{words}. Ask your care team how many you have had.")
        return
    low, high = said
    if limit.any_setting and high == 0 and limit.low == 1 and systemic_therapies(profile):
        # "At least one prior regimen", no stage named: her early-stage treatment may count.
        out.ask(
            "It requires at least one earlier treatment without saying for which stage of cancer. "
            "Your treatment so far was before the cancer spread; ask whether it counts."
        )
    elif limit.contains(low) and limit.contains(high):
        count = f"{low}" if low == high else f"between {low} and {high}"
        out.reason(f"{words}; from what you told us you have had {count}, which fits.", limit.quote)
        if limit.factor == LimitFactor.PRIOR_LINES:
            out.add_fit("Fits your treatment line", 1)
    elif (limit.high is not None and low > limit.high) or (limit.low is not None and high < limit.low):
        count = (
            f"{low}"
            if low == high
            else f"at least {low}"
            if limit.high is not None
            else f"at most {high}"
        )
        out.concern(f"{words}; {_lines_said(profile, limit.factor, count)}.", limit.quote)
    else:
        out.ask(f"{words}. Ask your care team how many of them you have had.")


def _apply_structured(
    profile: PatientProfile, study: Study, reading: TrialReading, out: Judgement
) -> None:
    sex = (study.sex or "ALL").upper()
    if profile.sex == "male":
        if sex == "FEMALE":
            out.concern("This trial is only for women.", "Sex: female")
        elif (allowance := reading.allowance(Allowed.MALE)) is not None:
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


def _apply_allowances(profile: PatientProfile, reading: TrialReading, out: Judgement) -> None:
    brain = profile.effective_brain_mets
    stable = reading.allowance(Allowed.BRAIN_STABLE)
    active = reading.allowance(Allowed.BRAIN_ACTIVE)
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
    premenopausal = reading.allowance(Allowed.PREMENOPAUSAL)
    if premenopausal is not None and profile.menopausal_status == "premenopausal":
        out.reason(
            "It also takes women before menopause (usually with medicine that pauses the ovaries).",
            premenopausal.quote,
        )
    bone = reading.allowance(Allowed.BONE_ONLY)
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


def _relevance(reading: TrialReading, study: Study, out: Judgement) -> bool:
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


#: For each concept, whether the profile says something a criterion about it could be checked on.
_ANSWERED: dict[str, Callable[[PatientProfile], bool]] = {
    "receptors": lambda p: p.subtype != "unknown",
    "brain": lambda p: True,
    "treatment": lambda p: True,
    "lines": lambda p: p.prior_lines is not None,
    "biomarkers": lambda p: True,
    "performance": lambda p: p.ecog is not None,
    "sex": lambda p: p.sex is not None,
    "menopause": lambda p: p.menopausal_status is not None,
    "age": lambda p: p.age is not None,
    "care goals": lambda p: True,
}
#: Concepts about rare treatments a person remembers (a stem cell transplant, high-dose
#: chemotherapy): an exclusion about them is a question for her, which no answer of hers settles.
_REMEMBERED = frozenset({"treatment"})
#: A rule that forbids or caps ("No prior bone marrow transplant", "Biologic therapy: No more than 1
#: prior transplant"), wherever it is written: a patient who never had it meets it.
_FORBIDS = re.compile(r"^(?:[A-Za-z ]{3,30}:\s*)?(?:no|not|never|without|none)\b", re.IGNORECASE)
#: At most this many unread criteria are quoted; the rest are counted.
_UNREAD_QUOTED = 3


def _apply_unread(profile: PatientProfile, unread: tuple[Unread, ...], out: Judgement) -> None:
    """Criteria about the patient that the reader could not read: questions, quoted. One about
    something her answers could settle keeps the trial from "likely eligible"."""
    for note in unread[:_UNREAD_QUOTED]:
        answered = any(_ANSWERED[c](profile) if c in _ANSWERED else True for c in note.concepts)
        if set(note.concepts) <= _REMEMBERED and (
            note.kind == "exclusion" or _FORBIDS.match(note.quote)
        ):
            answered = False  # she would know of a transplant; her answers just cannot say it
        about = " and ".join(dict.fromkeys(CONCEPT_WORDS.get(c, c) for c in note.concepts))
        out.ask(
            f"We could not check one of its rules about {about}: “{note.quote}” Ask the study team "
            "whether it applies to you.",
            downgrade=answered,
        )
    if len(unread) > _UNREAD_QUOTED:
        more = len(unread) - _UNREAD_QUOTED
        out.ask(f"{more} more of its rules could not be checked; the study team can go through them.")


def _judge_option(profile: PatientProfile, option: Option) -> Judgement:
    judged = Judgement()
    for requirement in option.requirements:
        apply_requirement(profile, requirement, judged)
    for limit in option.limits:
        _apply_limit(profile, limit, judged)
    return judged


def _apply_alternatives(profile: PatientProfile, group: Alternatives, out: Judgement) -> None:
    """A list of which she needs to meet one: one that fits is enough; only when every option
    rules her out is she ruled out; otherwise it is a question for the study team."""
    judged = [_judge_option(profile, option) for option in group.options]
    fitting = [j for j in judged if not j.excluded and not j.uncertain and (j.reasons or j.fit_points)]
    if fitting:
        best = max(fitting, key=lambda j: j.fit_points)
        out.reasons.extend(best.reasons)
        out.fit_points += best.fit_points
        out.fit.extend(label for label in best.fit if label not in out.fit)
    elif all(j.excluded for j in judged):
        first = judged[0].concerns[0] if judged[0].concerns else None
        out.concern(
            "It requires one of several conditions, and none of them fits what you told us."
            + (f" For example: {first.text}" if first is not None else ""),
            group.header,
        )
    else:
        out.ask(
            f"The trial takes people who meet one of several conditions (“{group.header}”). Ask the "
            "study team whether one of them fits you."
        )


def _judge_findings(
    profile: PatientProfile, reading: TrialReading, study: Study, start: Judgement
) -> Judgement:
    """Apply one reading's findings on top of what relevance already said."""
    out = start.copy()
    for requirement in reading.requirements:
        apply_requirement(profile, requirement, out)
    for limit in reading.limits:
        _apply_limit(profile, limit, out)
    for group in reading.alternatives:
        _apply_alternatives(profile, group, out)
    _apply_unread(profile, reading.unread, out)
    _apply_structured(profile, study, reading, out)
    _apply_allowances(profile, reading, out)
    return out


def _verdict_of(out: Judgement) -> Verdict:
    if out.excluded:
        return "likely_excluded"
    if out.uncertain:
        return "possibly_eligible"
    return "likely_eligible"


def _phase_one_only(study: Study) -> bool:
    return bool(study.phases) and all(p in ("PHASE1", "EARLY_PHASE1") for p in study.phases)


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
    out = Judgement()
    relevant = _relevance(reading, study, out)
    if relevant and reading.parts:
        # Each part has its own rules: she needs to fit one of them, so the best one counts.
        options = [(_judge_findings(profile, part, study, out), part.part) for part in reading.parts]
        out, best = max(options, key=lambda o: (VERDICT_RANK[_verdict_of(o[0])], o[0].rank_points))
        # A dose-escalation or unnamed side part that fits while the main part turns her away
        # is a real but narrow door: a question, not "likely eligible".
        # In a phase 1 study the dose escalation is the study itself, not a side door.
        narrow = (
            _is_side_part(best)
            and not _phase_one_only(study)
            and any(option.excluded for option, _ in options)
        )
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
