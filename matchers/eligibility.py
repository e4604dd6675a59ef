"""Read a study once into a ``TrialReading``: scope, disease setting and eligibility findings.

The reading depends only on the study, never on a patient, so it is cached per study version and
re-used when the patient changes a detail; matching a profile against a reading is cheap.
"""

from __future__ import annotations

import re
from dataclasses import replace

from data.models import Study
from matchers.criteria_parts import CLOSED_MARK, applies, leaves
from matchers.criteria_text import CriteriaItem, split_criteria
from matchers.criteria_tree import read_items
from matchers.reader.collector import Collector
from matchers.reader.setting import BREAST, ORGAN
from matchers.reader.text import normalize, trim_quote
from matchers.reconcile import (
    against_counts,
    menopause,
    reconcile_limits,
    reconcile_requirements,
    unique_allowances,
    without_optional_minimums,
)
from matchers.trial_labels import (
    ANY_SUBTYPE,
    PAN_TUMOR,
    PREFERENCE,
    decide_scope,
    decide_setting,
    label_scope,
    names_solid_tumours,
    read_label_cues,
    read_labels,
    require_site_of_metastases,
)
from matchers.trial_reading import OTHER_PART, TrialReading

_ONLY_AFTER = re.compile(
    r"\s+(?:for|in|to)\s+(?:the\s+)?(?:phase|part|cohort|arm|group|expansion|escalation)|"
    r"\s*\((?:for\s+)?(?:phase|part|cohort|arm|group)\b"
)


_ONLY_BEFORE = re.compile(r"\b(?:phase|part|cohort|arm|group)\s+[\w-]{1,4}\s+$")


_DOSE_ESCALATION = re.compile(r"\bdose[\s-]+escalation\b", re.IGNORECASE)


def _escalation_takes_shared(criteria: str, alternatives: list[tuple[str, Collector]]) -> bool:
    """A dose-escalation stage with rules only for its expansion cohorts ("Dose expansion
    Cohort - TNBC"): the escalation takes whoever meets the shared rules."""
    if any("escalat" in leaf for leaf, _ in alternatives):
        return False
    expansions = all("expansion" in leaf for leaf, _ in alternatives)
    return expansions and _DOSE_ESCALATION.search(criteria) is not None


def _only_for_part(criteria: str) -> bool:
    """Whether some rules hold "only for phase III" / "(phase II) only": looked up around each
    "only", which is far cheaper than a case-blind search of the whole text."""
    text = criteria.lower()
    position = text.find("only")
    while position != -1:
        end = position + 4
        whole_word = (position == 0 or not text[position - 1].isalnum()) and not text[
            end : end + 1
        ].isalnum()
        if whole_word and (
            _ONLY_AFTER.match(text, end) or _ONLY_BEFORE.search(text, max(0, position - 24), position)
        ):
            return True
        position = text.find("only", end)
    return False


def _open_lists(items: tuple[CriteriaItem, ...], texts: list[str]) -> tuple[set[str], set[str]]:
    """Parents of lists whose subtypes do not limit the trial.

    The first set: lists of alternatives that include any solid tumor ("one of the following:
    ... TNBC ... advanced solid tumors"). The second: lists a trial is "enriched for" or gives
    "for example": the subtypes named there are preferences. ``texts`` are the items normalized.
    """
    open_parents: set[str] = set()
    preferring: set[str] = set()
    read_parents: set[str] = set()
    for item, text in zip(items, texts, strict=True):
        parent = item.parent
        if parent is None or item.kind != "inclusion":
            continue
        if parent not in read_parents:  # a parent heads several items: read it once
            read_parents.add(parent)
            if PREFERENCE.search(parent.lower()):
                preferring.add(parent)
        if parent in open_parents:
            continue
        if len(text) < 60 and PAN_TUMOR.search(text) and not ORGAN.search(text):
            open_parents.add(parent)
        elif ("any" in text or "all" in text) and ANY_SUBTYPE.search(text):
            open_parents.add(parent)  # "... or late relapse (any subtype)": the list limits nothing
    return open_parents, preferring


_HAS_CANCER = re.compile(
    r"^\W*(?:(?:a\s+)?(?:diagnos\w*|history)(?:\s*/\s*history)?\s+of|(?:patients|participants|people)\s+"
    r"with)\s+(?:\w+\s+){0,2}?(?:cancer|malignan\w*|carcinoma|solid\s+tumou?rs?)\b"
)


def read_trial_uncached(study: Study) -> TrialReading:
    """Read one study's criteria, titles and conditions into findings. Never raises."""
    labels = label_scope(study)
    if labels.kind == "organ":
        # Another cancer named in the title or conditions: not for this app, so the criteria
        # (most of the reading cost) are not read at all.
        return TrialReading(
            nct_id=study.nct_id,
            version=study.version,
            scope="other",
            scope_quote=labels.quote,
            setting="unknown",
            setting_quote="",
            healthy_volunteers=bool(study.healthy_volunteers),
        )
    label_cues = read_label_cues(study)
    early = label_cues.early_only if labels.kind == "breast" else None
    if early is not None:
        # An early-stage breast study by its title: not relevant whatever the criteria say.
        return TrialReading(
            nct_id=study.nct_id,
            version=study.version,
            scope="breast",
            scope_quote=labels.quote,
            setting="early",
            setting_quote=trim_quote(early),
            healthy_volunteers=bool(study.healthy_volunteers),
        )
    collector = Collector()
    items = split_criteria(study.eligibility_criteria)
    texts = [normalize(item.text) for item in items]  # each item normalized once
    # In a trial with a part for any solid tumor, other parts' cancers do not limit the trial.
    pan_tumor_part = any(i.parts and names_solid_tumours(t) for i, t in zip(items, texts, strict=True))
    open_lists, preferring = _open_lists(items, texts)
    read = read_items(
        zip(items, texts, strict=True),
        collector,
        open_lists=open_lists,
        preferring=preferring,
        pan_tumor_part=pan_tumor_part,
    )
    inclusion_items, part_texts = read.inclusion_texts, read.part_texts
    read_labels(study, collector)
    if pan_tumor_part:
        # "... in Advanced Solid Tumors and ... in ER+ Breast Cancer": the title's receptors are
        # one part's; each part's criteria say whom it takes.
        collector.receptors = [r for r in collector.receptors if r.kind != "title"]
    menopause(collector)
    scope, scope_quote = decide_scope(labels, inclusion_items, collector, pan_tumor_part=pan_tumor_part)
    if scope == "solid_tumor":
        require_site_of_metastases(scope_quote, collector)
    setting, setting_quote = decide_setting(label_cues, collector, pan_tumour=scope == "solid_tumor")
    reading = TrialReading(
        nct_id=study.nct_id,
        version=study.version,
        scope=scope,
        scope_quote=scope_quote,
        setting=setting,
        setting_quote=setting_quote,
        # A record that takes healthy volunteers and, by its criteria, people with cancer (a
        # registry's "Diagnosis/history of cancer" beside its "normal controls") is not only
        # for people without cancer.
        healthy_volunteers=bool(study.healthy_volunteers)
        and not any(_HAS_CANCER.search(t) for t in inclusion_items),
        item_count=len(items),
    )
    alternatives = _part_alternatives(collector, part_texts) if part_texts else []
    if part_texts and not alternatives and all(ORGAN.search(p) for p in leaves(set(part_texts))):
        # Every part is named for another cancer ("Additional criteria for mCRPC patients"): only
        # the criteria shared by all parts are about her.
        return _findings(reading, _subset(collector, OTHER_PART))
    if alternatives and (
        _only_for_part(study.eligibility_criteria or "")
        or _escalation_takes_shared(study.eligibility_criteria or "", alternatives)
    ):
        # "Key inclusion criteria only for phase III": the other phase takes the shared ones only.
        alternatives.append((OTHER_PART, _subset(collector, OTHER_PART)))
    if len(alternatives) == 1:
        # Only one part is for breast cancer (the others name another cancer): it is the trial.
        return _findings(reading, alternatives[0][1])
    merged = _findings(reading, collector)
    if len(alternatives) > 1:
        parts = tuple(_findings(reading, sub, leaf) for leaf, sub in alternatives)
        return replace(merged, parts=parts)
    return merged


def _findings(reading: TrialReading, collector: Collector, part: str = "") -> TrialReading:
    limits = reconcile_limits(without_optional_minimums(collector.limits, collector.requirements))
    return replace(
        reading,
        requirements=against_counts(reconcile_requirements(collector), limits),
        limits=limits,
        allowances=unique_allowances(collector.allowances),
        alternatives=tuple(collector.alternatives),
        unread=tuple(collector.unread),
        parts=(),
        part=part,
    )


#: A part for people without cancer: a benign tumour, a normal screening result, healthy people.
_WITHOUT_CANCER = re.compile(
    r"\bbenign\s+(?:breast\s+)?(?:tumou?rs?|disease|lesions?|conditions?|findings?)\b|\bnormal\s+(?:screening\s+)?"
    r"mammogra\w*|\bhealthy\s+(?:volunteers?|women|participants|controls?)\b"
)


def _part_is_for_breast(leaf: str, part_texts: dict[str, list[str]]) -> bool:
    """Whether a part takes breast cancer, judged by the most specific criteria that say.

    A part whose own criteria name another cancer and neither breast cancer nor solid tumors is
    not hers ("Part 2 - pancreatic adenocarcinoma"); a part that names no cancer at all follows
    the part that contains it, and takes her when none says otherwise.
    """
    steps = leaf.split("/")
    for depth in range(len(steps), 0, -1):
        # the part's own name counts: "nsclc", a part opened by "Criteria for NSCLC patients:"
        joined = " ".join((steps[depth - 1], *part_texts.get("/".join(steps[:depth]), ())))
        if _WITHOUT_CANCER.search(joined):
            return False  # "Diagnosed benign breast tumor", "Normal screening mammogram": no cancer
        if BREAST.search(joined) or names_solid_tumours(joined):
            return True
        if ORGAN.search(joined) is not None:
            return False
    return True


def _part_alternatives(
    collector: Collector, part_texts: dict[str, list[str]]
) -> list[tuple[str, Collector]]:
    """Each part a patient could join, with the findings that hold in it (shared ones included).

    An empty list when the criteria name no parts; findings of parts meant for other cancers are
    dropped. Each part's own criteria, read with those of the parts that contain it, decide
    whether it is for breast cancer.
    """
    alternatives: list[tuple[str, Collector]] = []
    for leaf in leaves(set(part_texts)):
        if leaf.endswith(CLOSED_MARK):
            continue  # "Phase I (closed to accrual ...)": no longer a way in
        if _part_is_for_breast(leaf, part_texts):
            alternatives.append((leaf, _subset(collector, leaf)))
    return alternatives


def _subset(collector: Collector, leaf: str) -> Collector:
    return Collector(
        requirements=[r for r in collector.requirements if applies(r.parts, leaf)],
        limits=[x for x in collector.limits if applies(x.parts, leaf)],
        allowances=[a for a in collector.allowances if applies(a.parts, leaf)],
        alternatives=[g for g in collector.alternatives if applies(g.parts, leaf)],
        unread=[u for u in collector.unread if applies(u.parts, leaf)],
        receptors=[r for r in collector.receptors if applies(r.parts, leaf)],
    )
