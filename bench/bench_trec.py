"""Held-out matching quality on TREC CT 2021 topic trec-202161: trials the matcher never saw.

Why: the matcher was tuned on the small hand-labelled set in bench/labels/; this is an independent
check against judgments made by TREC assessors (NIST), on trials nobody here has looked at.

Data (read-only, never committed):
- trials: $MBC_HELDOUT_DIR/trec2021_202161.jsonl (override with env MBC_HELDOUT_DIR, the folder, or
  ``--file``), one TrialGPT object per line (nctid, title, brief_summary, study_type, phases,
  raw_criteria, minimum_age, maximum_age, stdAges, sex, condition, overall_status, ...), fetched
  from TrialGPT2/TrialGPT2.0:data/trec_2021/trials/<NCT>.json. The target set is every trial
  judged 2 (eligible) or 1 (excluded) for trec-202161 plus the first 60 judged 0 (not relevant) by
  NCT ID; targets the TrialGPT copy lacks are counted as missing.
- judgments: <shared>/trec-ct/trec_2021/qrels/breast_cancer_topics.tsv (shared = env
  MBC_SHARED_DIR or ../shared). Score 2 -> eligible, 1 -> excluded, 0 -> not_relevant.

The topic, in our vocabulary. Note: "45-year-old postmenopausal woman, core biopsy: 3 cm invasive
ductal carcinoma, HER2-positive, ER/PR negative, 5 positive axillary nodes, chest X-ray with
metastatic lesions, candidate for tumour resection before chemotherapy" becomes
  subtype her2-positive          (HER2-positive)
  hormone_receptor negative      (ER/PR negative)
  sites lung, lymph-nodes        (metastatic lesions on the chest X-ray; positive axillary nodes)
  age 45, sex female, menopausal_status postmenopausal
  prior_therapies none listed, prior_lines 0   (no treatment yet; the vocabulary has no "none",
                                                so untreated = an empty list plus 0 lines)
  brain_mets not given           (no brain site; the note says nothing about the brain)
and a second, sparse variant (a patient who filled in less): subtype, sites, age and sex only.

Figures, per variant, over all fetched trials ranked together (all recruitment statuses):
- precision@5 / @10 of "likely eligible": of the first <=5 (<=10) trials in rank order with verdict
  likely_eligible, the share labelled eligible;
- recall@10 / @50: eligible trials in the top 10 (50) / min(10 (50), number eligible);
- excluded (not relevant) shown as likely eligible: share of label-1 (label-0) trials whose verdict
  is likely_eligible;
- the label x verdict confusion table; with ``--errors`` every disagreement of the kinds
  excluded->likely_eligible, eligible->likely_excluded/not_relevant, not_relevant->likely_eligible.

Caveat: TREC judged eligibility from the full note. She is a candidate for surgery before
chemotherapy, so assessors marked many early-setting (neoadjuvant/adjuvant) trials eligible,
although this product serves people with metastatic disease and sets such trials aside on purpose.
The number of eligible-labelled trials the matcher calls not_relevant because it reads them as
early-stage is printed separately. The not-relevant sample (first 60 by NCT ID) is small and not
random, so the not-relevant row measures little.

Usage:  python bench/bench_trec.py [--file PATH] [--shared DIR] [--errors]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from data.models import Study  # noqa: E402
from matchers.profile import profile_from_mapping  # noqa: E402
from matchers.ranking import match_to_dict, rank_trials  # noqa: E402

TOPIC = "trec-202161"
FILE_NAME = "trec2021_202161.jsonl"
QRELS = Path("trec-ct") / "trec_2021" / "qrels" / "breast_cancer_topics.tsv"
NOT_RELEVANT_SAMPLE = 60
LABEL_OF_SCORE = {2: "eligible", 1: "excluded", 0: "not_relevant"}
LABELS = ("eligible", "excluded", "not_relevant")
VERDICTS = ("likely_eligible", "possibly_eligible", "likely_excluded", "not_relevant")
# The matcher's plain-language concern when it sets a trial aside as early-stage/screening.
EARLY_STAGE_MARK = "early-stage"

VARIANTS: dict[str, dict[str, Any]] = {
    "full": {
        "subtype": "her2-positive",
        "hormone_receptor": "negative",
        "sites": ["lung", "lymph-nodes"],
        "age": 45,
        "sex": "female",
        "menopausal_status": "postmenopausal",
        "prior_therapies": [],
        "prior_lines": 0,
    },
    "sparse": {
        "subtype": "her2-positive",
        "sites": ["lung", "lymph-nodes"],
        "age": 45,
        "sex": "female",
    },
}
CAVEAT = (
    "Caveat: TREC judged eligibility from the full note. She is a candidate for surgery before\n"
    "chemotherapy, so some early-setting (neoadjuvant) trials are labelled eligible although this\n"
    "product targets metastatic disease; those are counted separately below."
)


def read_qrels(path: Path) -> dict[str, str]:
    """NCT ID -> label for the topic, so labels come from the one published judgment file."""
    labels: dict[str, str] = {}
    for line in path.read_text().splitlines()[1:]:
        query, nct, score = line.split("\t")
        if query == TOPIC:
            labels[nct] = LABEL_OF_SCORE[int(score)]
    return labels


def target_ids(labels: dict[str, str]) -> set[str]:
    """The deterministic fetch target, so 'missing' means the same thing on every run."""
    judged = {n for n, label in labels.items() if label != "not_relevant"}
    zeros = sorted(n for n, label in labels.items() if label == "not_relevant")
    return judged | set(zeros[:NOT_RELEVANT_SAMPLE])


def to_api_study(trial: dict[str, Any]) -> dict[str, Any]:
    """A TrialGPT flat record as an API v2 study, so it goes through the same Study.from_api."""
    eligibility: dict[str, Any] = {
        "eligibilityCriteria": trial.get("raw_criteria") or "",
        "sex": trial.get("sex") or "",
        "stdAges": trial.get("stdAges") or [],
    }
    if trial.get("minimum_age"):
        eligibility["minimumAge"] = trial["minimum_age"]
    if trial.get("maximum_age"):
        eligibility["maximumAge"] = trial["maximum_age"]
    return {
        "protocolSection": {
            "identificationModule": {"nctId": trial["nctid"], "briefTitle": trial.get("title", "")},
            "statusModule": {"overallStatus": trial.get("overall_status", "")},
            "descriptionModule": {"briefSummary": trial.get("brief_summary", "")},
            "conditionsModule": {"conditions": trial.get("condition") or []},
            "designModule": {
                "studyType": trial.get("study_type", ""),
                "phases": trial.get("phases") or [],
                "designInfo": {"primaryPurpose": trial.get("primary_purpose") or ""},
            },
            "eligibilityModule": eligibility,
        }
    }


@dataclass(frozen=True)
class Figures:
    """One variant's results, kept together so the report prints them side by side."""

    precision5: tuple[int, int]
    precision10: tuple[int, int]
    recall10: tuple[int, int]
    recall50: tuple[int, int]
    excluded_as_likely: tuple[int, int]
    not_relevant_as_likely: tuple[int, int]
    eligible_read_early: int
    eligible_not_relevant_other: int
    confusion: Counter[tuple[str, str]]
    disagreements: list[str]


def _why(match: dict[str, Any]) -> str:
    """The matcher's first concern, else its first reason: what drove the verdict."""
    texts = match["concerns"] or match["reasons"]
    return texts[0] if texts else "(no reason or concern given)"


def _is_disagreement(label: str, verdict: str) -> bool:
    return (
        (label == "excluded" and verdict == "likely_eligible")
        or (label == "eligible" and verdict in ("likely_excluded", "not_relevant"))
        or (label == "not_relevant" and verdict == "likely_eligible")
    )


def evaluate(ranked: Sequence[dict[str, Any]], truth: dict[str, str]) -> Figures:
    """Score one ranking against the TREC labels (only labelled trials are ever ranked)."""
    likely = [m for m in ranked if m["verdict"] == "likely_eligible"]
    eligible = {n for n, label in truth.items() if label == "eligible"}

    def precision(k: int) -> tuple[int, int]:
        top = likely[:k]
        return sum(truth[m["nctId"]] == "eligible" for m in top), len(top)

    def recall(k: int) -> tuple[int, int]:
        top = {m["nctId"] for m in ranked[:k]}
        return len(eligible & top), min(k, len(eligible))

    def as_likely(label: str) -> tuple[int, int]:
        group = [m for m in ranked if truth[m["nctId"]] == label]
        return sum(m["verdict"] == "likely_eligible" for m in group), len(group)

    confusion: Counter[tuple[str, str]] = Counter()
    disagreements: list[str] = []
    read_early = not_relevant_other = 0
    for m in ranked:
        label, verdict = truth[m["nctId"]], m["verdict"]
        confusion[(label, verdict)] += 1
        if label == "eligible" and verdict == "not_relevant":
            early = any(EARLY_STAGE_MARK in c for c in m["concerns"])
            read_early += early
            not_relevant_other += not early
        if _is_disagreement(label, verdict):
            disagreements.append(
                f"  #{m['rank']:<3} {m['nctId']} {label}->{verdict}\n"
                f"       title: {m['title'][:150]}\n"
                f"       why:   {_why(m)[:220]}"
            )
    return Figures(
        precision5=precision(5),
        precision10=precision(10),
        recall10=recall(10),
        recall50=recall(50),
        excluded_as_likely=as_likely("excluded"),
        not_relevant_as_likely=as_likely("not_relevant"),
        eligible_read_early=read_early,
        eligible_not_relevant_other=not_relevant_other,
        confusion=confusion,
        disagreements=disagreements,
    )


def _ratio(pair: tuple[int, int]) -> str:
    hit, total = pair
    return f"{hit / total:.3f} ({hit}/{total})" if total else "  n/a (0/0)"


def print_figures(name: str, profile: dict[str, Any], figures: Figures, errors: bool) -> None:
    """Print one variant's figures in the order the brief lists them."""
    print(f"\n== variant '{name}': {json.dumps(profile)}")
    rows = [
        ("precision@5 of likely eligible", figures.precision5),
        ("precision@10 of likely eligible", figures.precision10),
        ("recall@10 of eligible", figures.recall10),
        ("recall@50 of eligible", figures.recall50),
        ("excluded shown as likely eligible", figures.excluded_as_likely),
        ("not relevant shown as likely eligible", figures.not_relevant_as_likely),
    ]
    for label, pair in rows:
        print(f"  {label:<40} {_ratio(pair)}")
    print(
        f"  eligible-labelled called not_relevant: {figures.eligible_read_early} read as"
        f" early-stage/screening (see caveat), {figures.eligible_not_relevant_other} for other"
        f" reasons; called likely_excluded: {figures.confusion[('eligible', 'likely_excluded')]}"
    )
    print("\n  label \\ verdict " + "".join(f"{v:>18}" for v in VERDICTS) + f"{'total':>8}")
    for label in LABELS:
        counts = [figures.confusion[(label, v)] for v in VERDICTS]
        print(f"  {label:<15} " + "".join(f"{c:>18}" for c in counts) + f"{sum(counts):>8}")
    if errors:
        print(f"\n  disagreements ({len(figures.disagreements)}):")
        print("\n".join(figures.disagreements))


def main(argv: Sequence[str] | None = None) -> int:
    heldout = Path(os.environ.get("MBC_HELDOUT_DIR", ROOT.parent / "heldout"))
    shared = Path(os.environ.get("MBC_SHARED_DIR", ROOT.parent / "shared"))
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--file", type=Path, default=heldout / FILE_NAME)
    parser.add_argument("--shared", type=Path, default=shared)
    parser.add_argument("--errors", action="store_true", help="list every disagreement")
    args = parser.parse_args(argv)
    qrels = args.shared / QRELS
    if not args.file.exists() or not qrels.exists():
        absent = args.file if not args.file.exists() else qrels
        print(f"skipped: {absent} not found (set MBC_HELDOUT_DIR / MBC_SHARED_DIR or --file)")
        return 0

    labels = read_qrels(qrels)
    targets = target_ids(labels)
    trials = [json.loads(line) for line in args.file.read_text().splitlines() if line.strip()]
    by_id = {t["nctid"]: t for t in trials if t.get("nctid") in labels}
    unlabelled = len({t.get("nctid") for t in trials} - set(labels))
    truth = {n: labels[n] for n in by_id}
    studies = [Study.from_api(to_api_study(by_id[n])) for n in sorted(by_id)]

    print(f"TREC CT 2021 topic {TOPIC}: {len(targets)} targeted trials, {len(by_id)} fetched,")
    for label in LABELS:
        wanted = sum(labels[n] == label for n in targets)
        have = sum(v == label for v in truth.values())
        print(f"  {label:<13} {have:>4} fetched of {wanted:>4} targeted ({wanted - have} missing)")
    if unlabelled:
        print(f"  ignored {unlabelled} records without a judgment for {TOPIC}")
    print(CAVEAT)

    for name, values in VARIANTS.items():
        ranked = [match_to_dict(m) for m in rank_trials(profile_from_mapping(values), studies)]
        print_figures(name, values, evaluate(ranked, truth), args.errors)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
