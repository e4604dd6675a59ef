"""How much of the criteria the reader reads, over every shared record.

For each criterion (a leaf of the criteria tree) of every study the reader looks at (breast and
pan-tumour studies; others are set aside by their title before their criteria are read), it
counts, by section:
- read: some reader took a finding from it;
- not read: nothing was taken from it;
- not read, about the patient: nothing was taken although it talks about something the profile
  answers (receptor status, brain, earlier treatment, lines, biomarkers, performance status, sex,
  menopause, age): the criteria that lower a verdict to "possibly eligible";
then the share of those by concept, and the 20 most frequent openings of criteria not read about
the patient, which is where the reader is blind.

Records: ``<shared>/ctgov/studies.jsonl`` and ``<shared>/ctgov/corpus/breast_corpus.jsonl``
(``--shared``, env ``MBC_SHARED_DIR``, default ``../shared``).

Usage:  python bench/bench_coverage.py [--shared DIR] [--examples N]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from data.models import Study  # noqa: E402
from matchers.criteria_text import split_criteria  # noqa: E402
from matchers.eligibility import read_trial_uncached  # noqa: E402


def _opening(quote: str) -> str:
    """The first words of a criterion, lower case, numbers as N: a pattern to count."""
    words = re.findall(r"[a-z]+|\d+", quote.lower().split(":")[-1])[:4]
    return " ".join("N" if w.isdigit() else w for w in words)


def main() -> int:
    shared = Path(os.environ.get("MBC_SHARED_DIR", ROOT.parent / "shared"))
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--shared", type=Path, default=shared)
    parser.add_argument("--examples", type=int, default=20, help="most frequent unread openings")
    args = parser.parse_args()
    files = [
        args.shared / "ctgov" / "studies.jsonl",
        args.shared / "ctgov" / "corpus" / "breast_corpus.jsonl",
    ]
    if not all(f.exists() for f in files):
        print(f"skipped: {files[0]} or {files[1]} not found (set --shared or MBC_SHARED_DIR)")
        return 0
    leaves: Counter[str] = Counter()
    unread: Counter[str] = Counter()
    about: Counter[str] = Counter()
    concepts: Counter[str] = Counter()
    openings: Counter[str] = Counter()
    studies = read = 0
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            study = Study.from_api(json.loads(line))
            reading = read_trial_uncached(study)
            studies += 1
            if reading.scope == "other" or reading.setting == "early":
                continue
            read += 1
            items = split_criteria(study.eligibility_criteria)
            for item in items:
                leaves[item.kind] += 1
            for note in reading.unread:
                about[note.kind] += 1
                concepts.update(note.concepts)
                openings[_opening(note.quote)] += 1
            unread_items = _count_unread(reading, items)
            for kind, count in unread_items.items():
                unread[kind] += count
    print(f"{studies} studies; {read} read for their criteria (breast or pan-tumour, not early-stage)\n")
    print(f"{'section':<12} {'leaves':>8} {'read':>8} {'not read':>9} {'not read, about her':>20}")
    for kind in ("inclusion", "exclusion"):
        total = leaves[kind]
        share = lambda n, t=total: f"{n} ({100 * n / t:.0f}%)" if t else "0"  # noqa: E731
        print(
            f"{kind:<12} {total:>8} {share(total - unread[kind]):>8} {share(unread[kind]):>9} "
            f"{share(about[kind]):>20}"
        )
    print("\nnot read, about her, by concept (a criterion can name several):")
    for name, count in concepts.most_common():
        print(f"  {name:<12} {count}")
    print(f"\nthe {args.examples} most frequent openings of criteria not read, about her:")
    for opening, count in openings.most_common(args.examples):
        print(f"  {count:>5}  {opening}")
    return 0


def _count_unread(reading: object, items: tuple[object, ...]) -> Counter[str]:
    """Leaves from which nothing was read: those noted as unread plus those about nothing the
    profile answers (which are not noted), estimated as items minus the read ones."""
    from matchers.criteria_tree import read_items  # the same walk the reader makes
    from matchers.reader.collector import Collector
    from matchers.reader.text import normalize

    counts: Counter[str] = Counter()
    for item in items:
        probe = Collector()
        pair = [(item, normalize(item.text))]  # type: ignore[attr-defined]
        read_items(pair, probe, open_lists=set(), preferring=set(), pan_tumor_part=False)  # type: ignore[arg-type]
        if probe.size() == 0:
            counts[item.kind] += 1  # type: ignore[attr-defined]
    return counts


if __name__ == "__main__":
    raise SystemExit(main())
