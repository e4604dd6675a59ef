"""Benchmark: match and rank 1,000 studies cold (first reading) and again after a profile change.

Replicates the shared real records (breast studies first, then all studies) up to 1,000 in memory
with synthetic NCT IDs, so every copy is read afresh as a distinct study. Prints each time and its
ratio to the target (below 1.0 meets it). Run from the repository root:

    python bench/bench_matcher.py [--shared PATH] [--count 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from data.models import Study  # noqa: E402
from matchers.profile import PatientProfile  # noqa: E402
from matchers.ranking import rank_trials  # noqa: E402
from matchers.reading_cache import ReadingCache  # noqa: E402

FIRST_TARGET_S = 0.5
RERANK_TARGET_S = 0.05
ORIGIN = (42.3427, -71.0922)  # Boston, so distances are computed for every study with sites


def load_studies(shared: Path, count: int) -> list[Study]:
    raw: list[Study] = []
    for name in ("breast_studies.jsonl", "studies.jsonl"):
        with (shared / "ctgov" / name).open(encoding="utf-8") as handle:
            raw.extend(Study.from_api(json.loads(line)) for line in handle if line.strip())
    studies: list[Study] = []
    copy = 0
    while len(studies) < count:
        for study in raw:
            if len(studies) >= count:
                break
            studies.append(dataclasses.replace(study, nct_id=f"NCT9{copy:02d}{len(studies):05d}"))
        copy += 1
    return studies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    default_shared = Path(os.environ.get("MBC_SHARED_DIR", ROOT.parent / "shared"))
    parser.add_argument("--shared", type=Path, default=default_shared)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not (args.shared / "ctgov" / "studies.jsonl").exists():
        sys.exit(f"shared records not found under {args.shared}; set MBC_SHARED_DIR")
    studies = load_studies(args.shared, args.count)
    first_profile = PatientProfile(
        "her2-positive",
        ("brain", "liver"),
        brain_mets="stable",
        age=52,
        sex="female",
        ecog=1,
        prior_therapies=("trastuzumab", "pertuzumab", "taxane"),
        prior_lines=2,
    )
    changed_profile = dataclasses.replace(
        first_profile, ecog=2, prior_therapies=("trastuzumab", "t-dxd")
    )
    firsts: list[float] = []
    reranks: list[float] = []
    for _ in range(args.repeat):
        cache = ReadingCache(maxsize=4 * args.count)
        gc.collect()
        start = time.perf_counter()
        ranked = rank_trials(first_profile, studies, ORIGIN, cache=cache)
        firsts.append(time.perf_counter() - start)
        start = time.perf_counter()
        rank_trials(changed_profile, studies, ORIGIN, cache=cache)
        reranks.append(time.perf_counter() - start)
    first, rerank = statistics.median(firsts), statistics.median(reranks)
    print(f"studies: {len(studies)} (from {args.shared}), repeats: {args.repeat}, ranked: {len(ranked)}")
    print(
        f"first match incl. reading: {first * 1000:7.1f} ms  target {FIRST_TARGET_S * 1000:.0f} ms  "
        f"ratio {first / FIRST_TARGET_S:.2f}"
    )
    print(
        f"re-rank, readings cached: {rerank * 1000:7.1f} ms  target {RERANK_TARGET_S * 1000:.0f} ms  "
        f"ratio {rerank / RERANK_TARGET_S:.2f}"
    )


if __name__ == "__main__":
    main()
