"""Reconciling the raw findings of every sentence into one reading's requirements and limits."""

from __future__ import annotations

from dataclasses import replace

from matchers.findings import (
    ALL_CELLS,
    Allowance,
    Allowed,
    Factor,
    Limit,
    LimitFactor,
    Qualifier,
    Requirement,
    Source,
    Standard,
)
from matchers.reader.collector import Collector, ReceptorRule

# ---------------------------------------------------------------------------------------------
# Reconciling raw findings
# ---------------------------------------------------------------------------------------------


def _combine_required(rules: list[ReceptorRule]) -> frozenset[str] | None:
    """Intersect what the rules require. When they contradict, the trial has cohorts ("ER+,
    HER2- ... or TNBC, defined as ER- and PR- ... HER2-negative"): each cohort is what the rules
    that agree with one of them leave together, and she may fit any cohort."""
    if not rules:
        return None
    cells = ALL_CELLS
    for rule in rules:
        cells = cells & rule.cells
    if cells:
        return cells
    every = frozenset().union(*(rule.cells for rule in rules))
    if every == ALL_CELLS:
        return every  # cohorts for every subtype: the rules limit no one
    cohorts: set[str] = set()
    for seed in rules:
        cohort = seed.cells
        for rule in rules:
            cohort = cohort & rule.cells or cohort
        cohorts |= cohort
    return frozenset(cohorts)


def _preferred_subtype(rules: list[ReceptorRule], hard: Requirement | None) -> Requirement | None:
    """Subtypes a pan-tumor trial names or enriches for, when they are narrower than its limit."""
    preferred = [r for r in rules if r.mode == "prefer"]
    if not preferred:
        return None
    limit = hard.cells if hard is not None else ALL_CELLS
    cells = frozenset().union(*(r.cells for r in preferred)) & limit
    if not cells or cells == limit:
        return None
    first = preferred[0]
    return Requirement(Factor.SUBTYPE_NAMED, True, first.quote, first.kind, items=tuple(sorted(cells)))


def _receptor_requirement(rules: list[ReceptorRule]) -> Requirement | None:
    rules = [r for r in rules if r.mode != "prefer"]
    if not rules:
        return None
    criteria = [r for r in rules if r.kind in ("inclusion", "exclusion")]
    required = _combine_required([r for r in criteria if r.mode == "require"])
    excluded = frozenset().union(*(r.cells for r in criteria if r.mode == "exclude"))
    if required is None and excluded:
        required = ALL_CELLS
    if required is not None:
        narrowed = required - excluded
        required = narrowed or required
    title_rules = [r for r in rules if r.kind == "title"]
    title = _combine_required(title_rules)
    condition_rules = [r for r in rules if r.kind == "conditions"]
    conditions = frozenset().union(*(r.cells for r in condition_rules)) if condition_rules else None
    final: frozenset[str] | None = None
    for cells in (required, title, conditions):
        if cells is None:
            continue
        narrowed = cells if final is None else final & cells
        final = narrowed if narrowed else final
    if final is None or final == ALL_CELLS or not final:
        return None
    source = next(
        (
            r
            for r in (*criteria, *title_rules, *condition_rules)
            if r.mode == "require" and final <= r.cells
        ),
        None,
    ) or next((r for r in (*criteria, *title_rules, *condition_rules) if final & r.cells), rules[0])
    return Requirement(Factor.SUBTYPE, True, source.quote, source.kind, items=tuple(sorted(final)))


def menopause(collector: Collector) -> None:
    """One menopause rule for each group of parts the cues bind (all parts when unlabelled)."""
    by_parts: dict[tuple[str, ...], list[tuple[str, str, Source]]] = {}
    for cue, quote, kind, parts in collector.menopause:
        by_parts.setdefault(parts, []).append((cue, quote, kind))
    for parts, cues in by_parts.items():
        collector.parts = parts
        allow_pre = next((q for cue, q, _ in cues if cue == "allow_pre"), None)
        post = next(((q, k) for cue, q, k in cues if cue in ("require_post", "exclude_pre")), None)
        pre = next(((q, k) for cue, q, k in cues if cue == "require_pre"), None)
        if allow_pre is not None:
            collector.allow(Allowed.PREMENOPAUSAL, allow_pre, "inclusion")
        elif post is not None and pre is None:
            collector.require(Factor.POSTMENOPAUSAL, True, post[0], post[1])
        elif pre is not None and post is None:
            collector.require(Factor.PREMENOPAUSAL, True, pre[0], pre[1])
    collector.parts = ()


def _without_allowed_members(requirement: Requirement, allowed: set[str]) -> Requirement | None:
    """Drop therapies the trial explicitly allows from an any-of exclusion ("SERD other than
    fulvestrant"); ``None`` when nothing is left."""
    members = requirement.items
    if len(members) == 1:
        return requirement  # "not in the metastatic setting, allowed as adjuvant" still excludes her
    kept = tuple(m for m in members if m not in allowed)
    if kept == members:
        return requirement
    if not kept:
        return None
    return Requirement(
        Factor.PRIOR_THERAPY, False, requirement.quote, requirement.kind, requirement.qualifier, kept
    )


def _must_have_no_option_left(requirement: Requirement) -> bool:
    return requirement.items == (Standard.NONE,) and " must " in f" {requirement.quote.lower()} "


def _standard_requirement(collector: Collector) -> Requirement | None:
    """One clause, often split over sentences or parts: the trial accepts any of the routes."""
    standard = [r for r in collector.requirements if r.factor == Factor.STANDARD_THERAPY]
    if not standard:
        return None
    union = {f for r in standard for f in r.items}
    if Standard.FAILED in union and any(_must_have_no_option_left(r) for r in standard):
        # "Have progressed despite standard therapies. Patients must have no available
        # therapeutic options": a rule of its own, not another way in
        union.discard(Standard.FAILED)
    first = standard[0]
    # Written for one part only ("... unresponsive to standard therapies (Phase I)"), it binds
    # that part; written in several, it is one clause for the trial.
    parts = first.parts if all(r.parts == first.parts for r in standard) else ()
    return Requirement(
        Factor.STANDARD_THERAPY, True, first.quote, first.kind, items=tuple(sorted(union)), parts=parts
    )


def reconcile_requirements(collector: Collector) -> tuple[Requirement, ...]:
    allowed = {a.key for a in collector.allowances}
    allowed_therapies = {
        a.items[0]
        for a in collector.allowances
        if a.factor == Allowed.PRIOR_THERAPY and len(a.items) == 1
    }
    brain_allowed = bool(allowed & {Allowed.BRAIN_STABLE, Allowed.BRAIN_ANY, Allowed.BRAIN_ACTIVE})
    labelled_brain = any(
        r.factor == Factor.BRAIN_METS and r.expects and r.kind in ("title", "conditions")
        for r in collector.requirements
    )
    kept: list[Requirement] = []
    seen: set[tuple[str, bool]] = set()
    standard = _standard_requirement(collector)
    if standard is not None:
        kept.append(standard)
        seen.add((Factor.STANDARD_THERAPY, True))
    requirements = collector.requirements
    if any(
        r.factor == Factor.BRAIN_METS_ACTIVE and not r.expects and not r.qualifier for r in requirements
    ):
        # A plain "untreated brain metastases" exclusion outweighs a "symptomatic" one.
        requirements = [
            r
            for r in requirements
            if not (r.factor == Factor.BRAIN_METS_ACTIVE and r.qualifier == Qualifier.SYMPTOMATIC)
        ]
    for requirement in requirements:
        factor = requirement.factor
        if factor == Factor.BRAIN_METS and not requirement.expects and (brain_allowed or labelled_brain):
            continue
        if (
            factor == Factor.BRAIN_METS_ACTIVE
            and not requirement.expects
            and Allowed.BRAIN_ACTIVE in allowed
        ):
            continue
        if factor == Factor.PRIOR_THERAPY and not requirement.expects:
            reduced = _without_allowed_members(requirement, allowed_therapies)
            if reduced is None:
                continue
            requirement = reduced
        key = (requirement.key, requirement.expects)
        if key in seen:
            continue
        seen.add(key)
        kept.append(requirement)
    if Allowed.MALE in allowed:
        kept = [r for r in kept if r.factor != Factor.WOMEN_ONLY]  # "men are also eligible"
    if Allowed.NON_MEASURABLE in allowed:
        # "Measurable disease for phase 2; evaluable disease is enough in phase 1b": one path
        # into the trial does not need measurable tumors, so it is no barrier.
        kept = [r for r in kept if r.factor != Factor.MEASURABLE]
    if any(r.factor == Factor.HER2_LOW_OR_ULTRALOW for r in kept):
        kept = [r for r in kept if r.factor != Factor.HER2_LOW]
    both = {f for f, e in seen if (f, not e) in seen}
    brain_required = (Factor.BRAIN_METS, True) in seen
    result = [
        r
        for r in kept
        if r.key not in both or (r.factor == Factor.BRAIN_METS and brain_required and r.expects)
    ]
    for mixed in sorted(both - {Factor.BRAIN_METS}):
        # Usually two parts or cohorts of one trial that differ; the verdict turns it into a question.
        source = next(r for r in kept if r.key == mixed and not r.expects)
        result.append(
            Requirement(
                source.factor, False, source.quote, source.kind, Qualifier.MIXED, items=source.items
            )
        )
    receptor = _receptor_requirement(collector.receptors)
    preferred = _preferred_subtype(collector.receptors, receptor)
    if preferred is not None:
        result.insert(0, preferred)
    if receptor is not None:
        result.insert(0, receptor)
    return tuple(result)


def without_optional_minimums(limits: list[Limit], requirements: list[Requirement]) -> list[Limit]:
    """A minimum of earlier lines offered with an alternative ("progression on at least one prior
    line ... or not a candidate for therapy of proven efficacy") is no bar on its own: the
    standard-therapy rule of the same sentence asks about the alternative."""
    optional = {
        r.quote
        for r in requirements
        if r.factor == Factor.STANDARD_THERAPY and Standard.OPTIONAL in r.items
    }
    if not optional:
        return limits
    return [x for x in limits if not (x.quote in optional and x.high is None)]


def reconcile_limits(limits: list[Limit]) -> tuple[Limit, ...]:
    line_factors = (LimitFactor.PRIOR_LINES, LimitFactor.CHEMO_LINES, LimitFactor.ENDOCRINE_LINES)
    if any(x.factor in line_factors and x.kind != "title" for x in limits):
        # "First-line" in a title or summary that the criteria spell out ("no prior chemotherapy
        # for metastatic disease", "at most 2 prior lines"): the criteria's own count is the rule.
        limits = [x for x in limits if not (x.factor in line_factors and x.kind == "title")]
    merged: dict[str, Limit] = {}
    for limit in limits:
        current = merged.get(limit.factor)
        if current is None:
            merged[limit.factor] = limit
            continue
        lows = [x for x in (current.low, limit.low) if x is not None]
        highs = [x for x in (current.high, limit.high) if x is not None]
        low = max(lows) if lows else None
        high = min(highs) if highs else None
        if low is not None and high is not None and low > high:
            continue  # contradictory statements (usually different cohorts): keep the first
        stricter_high = limit.high is not None and (current.high is None or limit.high < current.high)
        quote, kind = (limit.quote, limit.kind) if stricter_high else (current.quote, current.kind)
        any_setting = current.any_setting and limit.any_setting
        merged[limit.factor] = Limit(limit.factor, low, high, quote, kind, any_setting=any_setting)
    return tuple(merged.values())


def unique_allowances(allowances: list[Allowance]) -> tuple[Allowance, ...]:
    seen: dict[str, Allowance] = {}
    for allowance in allowances:
        seen.setdefault(allowance.key, allowance)
    return tuple(seen.values())


#: A broad therapy class and the line count that counts it.
_CLASS_LINES = {
    "chemotherapy": LimitFactor.CHEMO_LINES,
    "endocrine": LimitFactor.ENDOCRINE_LINES,
    "systemic": LimitFactor.PRIOR_LINES,
}


def against_counts(
    requirements: tuple[Requirement, ...], limits: tuple[Limit, ...]
) -> tuple[Requirement, ...]:
    """An outright "no prior chemotherapy" beside a count that allows chemotherapy lines ("no more
    than 2 chemotherapy regimens") describes two groups or two settings: a question, not a bar."""
    allowing = {x.factor for x in limits if x.high is None or x.high >= 1}
    if not allowing:
        return requirements
    return tuple(
        replace(r, qualifier=Qualifier.MIXED)
        if not r.expects
        and not r.qualifier
        and r.factor == Factor.PRIOR_THERAPY
        and len(r.items) == 1
        and _CLASS_LINES.get(r.items[0]) in allowing
        else r
        for r in requirements
    )
