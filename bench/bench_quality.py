"""Matching quality on the hand-labelled set in bench/labels/, through the CLI's own code path.

Prints, over the nine labelled profiles:
- precision@5 of "likely eligible": of the (at most five) best-ranked trials the matcher calls likely
  eligible, the share labelled eligible (strict) or eligible-or-uncertain (lenient);
- recall@10: of the trials labelled eligible, the share found in the top ten
  (out of min(10, number eligible));
- excluded shown as eligible: the share of trials labelled excluded that the matcher calls likely
  eligible;
plus the label x verdict confusion table and every serious disagreement, for error analysis.

Usage:  python bench/bench_quality.py [--shared ../shared] [--cli] [--errors]
                                     [--labels DIR] [--studies FILE]
``--labels`` reads another labelled set in the same layout (``profiles.json`` and every
``labels*.jsonl`` in the folder), and ``--studies`` the file its trials come from: API v2 study
objects, or TrialGPT's flat records (converted as in ``bench_trec.py``). This is how the blind
second set over the TREC trials is scored (see ``bench/TREC.md``).
``--cli`` runs ``mbc-navigator trials ... --studies FILE --all-statuses --json`` in a subprocess per
profile (the exact contract the held-out evaluation uses) instead of calling the matcher in-process.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from data.ctgov_import import read_raw_studies  # noqa: E402
from data.models import Study  # noqa: E402
from matchers.profile import profile_from_mapping  # noqa: E402
from matchers.ranking import match_to_dict, rank_trials  # noqa: E402

LABELS = ROOT / "bench" / "labels"
TARGETS = {"precision@5": 0.8, "recall@10": 0.9, "excluded_as_eligible": 0.05}
CLI_OPTIONS = {
    "subtype": "--subtype",
    "hormone_receptor": "--hormone-receptor",
    "sites": "--sites",
    "brain_mets": "--brain-mets",
    "age": "--age",
    "sex": "--sex",
    "menopausal_status": "--menopausal-status",
    "ecog": "--ecog",
    "biomarkers": "--biomarkers",
    "prior_therapies": "--prior-therapies",
    "prior_lines": "--lines",
}


def read_api_studies(path: Path) -> list[dict]:
    """API v2 study objects; TrialGPT flat records (``nctid`` and ``raw_criteria``) are converted."""
    from bench_trec import to_api_study

    if path.suffix == ".jsonl":
        rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        if rows and "nctid" in rows[0]:
            return [to_api_study(row) for row in rows]
    return read_raw_studies(path)


def load_labelled(
    labels_dir: Path, studies_file: Path
) -> tuple[list[dict], dict[str, dict[str, str]], list[dict]]:
    profiles = json.loads((labels_dir / "profiles.json").read_text())
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    for labels_file in sorted(labels_dir.glob("labels*.jsonl")):
        for line in labels_file.read_text().splitlines():
            if line.strip():
                row = json.loads(line)
                labels[row["profile"]][row["nctId"]] = row["label"]
    wanted = {nct for per_profile in labels.values() for nct in per_profile}
    raw = {
        s["protocolSection"]["identificationModule"]["nctId"]: s for s in read_api_studies(studies_file)
    }
    missing = wanted - set(raw)
    if missing:
        raise SystemExit(f"labelled studies missing from {studies_file}: {sorted(missing)[:5]}")
    return profiles, labels, [raw[n] for n in sorted(wanted)]


def rank_in_process(profile_row: dict, studies: list[Study]) -> list[dict]:
    values = {k: v for k, v in profile_row.items() if k in CLI_OPTIONS}
    profile = profile_from_mapping(values)
    return [match_to_dict(m) for m in rank_trials(profile, studies)]


def rank_via_cli(profile_row: dict, studies_file: Path) -> list[dict]:
    command = [sys.executable, "-m", "dashboard.cli", "trials", "--studies", str(studies_file)]
    command += ["--all-statuses", "--json"]
    for key, option in CLI_OPTIONS.items():
        value = profile_row.get(key)
        if value is None or value == []:
            continue
        command += [option, ",".join(value) if isinstance(value, list) else str(value)]
    out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared", type=Path, default=Path(os.environ.get("MBC_SHARED_DIR", ROOT.parent / "shared"))
    )
    parser.add_argument("--cli", action="store_true", help="go through the CLI in a subprocess")
    parser.add_argument("--errors", action="store_true", help="list every serious disagreement")
    parser.add_argument("--labels", type=Path, default=LABELS, help="a labelled set's folder")
    parser.add_argument("--studies", type=Path, help="the studies it labels (default: the shared file)")
    args = parser.parse_args()
    studies_file = args.studies or args.shared / "ctgov" / "studies.jsonl"
    if not studies_file.exists() or not (args.labels / "profiles.json").exists():
        print(f"skipped: {studies_file} or {args.labels}/profiles.json not found (set MBC_SHARED_DIR)")
        return 0
    profiles, labels, raw = load_labelled(args.labels, studies_file)
    studies = [Study.from_api(s) for s in raw]
    tmp = None
    if args.cli:
        tmp = Path(tempfile.mkdtemp()) / "labelled.jsonl"
        tmp.write_text("\n".join(json.dumps(s) for s in raw))

    confusion: Counter[tuple[str, str]] = Counter()
    p5_strict = p5_lenient = p5_total = 0
    r10_hit = r10_total = 0
    excluded_total = excluded_as_eligible = 0
    disagreements: list[str] = []
    print(f"{'profile':<28} {'p@5':>5} {'lenient':>8} {'r@10':>5} {'excl→elig':>10}")
    for row in profiles:
        truth = labels[row["id"]]
        ranked = rank_via_cli(row, tmp) if tmp else rank_in_process(row, studies)
        ranked = [r for r in ranked if r["nctId"] in truth]
        likely = [r for r in ranked if r["verdict"] == "likely_eligible"][:5]
        strict = sum(truth[r["nctId"]] == "eligible" for r in likely)
        lenient = sum(truth[r["nctId"]] in ("eligible", "uncertain") for r in likely)
        p5_strict, p5_lenient, p5_total = (
            p5_strict + strict,
            p5_lenient + lenient,
            p5_total + len(likely),
        )
        eligible = {n for n, label in truth.items() if label == "eligible"}
        top10 = {r["nctId"] for r in ranked[:10]}
        hits, possible = len(eligible & top10), min(10, len(eligible))
        r10_hit, r10_total = r10_hit + hits, r10_total + possible
        excluded = [r for r in ranked if truth[r["nctId"]] == "excluded"]
        wrong = [r for r in excluded if r["verdict"] == "likely_eligible"]
        excluded_total, excluded_as_eligible = (
            excluded_total + len(excluded),
            excluded_as_eligible + len(wrong),
        )
        for r in ranked:
            label = truth[r["nctId"]]
            confusion[(label, r["verdict"])] += 1
            serious = (
                (label == "excluded" and r["verdict"] == "likely_eligible")
                or (label == "eligible" and r["verdict"] in ("likely_excluded", "not_relevant"))
                or (label == "not_relevant" and r["verdict"] == "likely_eligible")
            )
            if serious:
                why = (r["concerns"] or r["reasons"] or [""])[0][:160]
                disagreements.append(
                    f"{row['id']:<26} {r['nctId']} label={label:<12} verdict={r['verdict']:<17} {why}"
                )
        p5 = f"{strict / len(likely):.2f}" if likely else "  n/a"
        p5l = f"{lenient / len(likely):.2f}" if likely else "  n/a"
        r10 = f"{hits / possible:.2f}" if possible else "  n/a"
        ex = f"{len(wrong)}/{len(excluded)}"
        print(f"{row['id']:<28} {p5:>5} {p5l:>8} {r10:>5} {ex:>10}")

    precision = p5_strict / p5_total if p5_total else 0.0
    lenient_precision = p5_lenient / p5_total if p5_total else 0.0
    recall = r10_hit / r10_total if r10_total else 0.0
    excluded_rate = excluded_as_eligible / excluded_total if excluded_total else 0.0
    print()
    print(
        f"precision@5 (likely eligible, strict)  {precision:.3f}  ({p5_strict}/{p5_total})"
        f"   target >= {TARGETS['precision@5']}"
    )
    print(f"precision@5 (eligible or uncertain)     {lenient_precision:.3f}  ({p5_lenient}/{p5_total})")
    print(
        f"recall@10 of eligible trials            {recall:.3f}  ({r10_hit}/{r10_total})"
        f"   target >= {TARGETS['recall@10']}"
    )
    print(
        f"excluded shown as likely eligible       {excluded_rate:.3f}"
        f"  ({excluded_as_eligible}/{excluded_total})"
        f"   target <= {TARGETS['excluded_as_eligible']}"
    )
    verdicts = ["likely_eligible", "possibly_eligible", "likely_excluded", "not_relevant"]
    print("\nlabel \\ verdict      " + " ".join(f"{v[:12]:>13}" for v in verdicts))
    for label in ["eligible", "uncertain", "excluded", "not_relevant"]:
        print(f"{label:<20} " + " ".join(f"{confusion[(label, v)]:>13}" for v in verdicts))
    if args.errors:
        print(f"\nserious disagreements ({len(disagreements)}):")
        print("\n".join(disagreements))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
