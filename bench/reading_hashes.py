"""Fingerprint every split and reading of the shared records, and compare two fingerprints.

Why: a change to the reader must not change a reading by accident. Run this before a change
(``--out before.jsonl``), again after (``--out after.jsonl --compare before.jsonl``): it prints how
many studies changed, and for each one the findings that appeared or disappeared, so every
difference can be explained.

Records read (each skipped with a message when absent):
- ``<shared>/ctgov/studies.jsonl`` (351 API v2 studies) and ``<shared>/ctgov/corpus/breast_corpus.jsonl``
  (1,661 breast-cancer studies); ``shared`` is ``--shared``, env ``MBC_SHARED_DIR`` or ``../shared``;
- the TREC trials of ``bench/bench_trec.py`` (``--trec FILE``, env ``MBC_HELDOUT_DIR``), when present.

``--parallel`` reads every record through the pool of worker processes that reads a cold first
search (``matchers.parallel_reading``), to show that it reads exactly as one process does.

Usage:  python bench/reading_hashes.py --out FILE [--compare OLD] [--shared DIR] [--trec FILE]
        [--parallel]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from data.models import Study  # noqa: E402
from matchers.criteria_text import split_criteria  # noqa: E402
from matchers.eligibility import read_trial_uncached  # noqa: E402


def _records(shared: Path, trec: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    for name in ("studies.jsonl", "corpus/breast_corpus.jsonl"):
        path = shared / "ctgov" / name
        if not path.exists():
            print(f"skipped {path}: not found (set --shared or MBC_SHARED_DIR)")
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                yield name, json.loads(line)
    if not trec.exists():
        print(f"skipped {trec}: not found (set --trec or MBC_HELDOUT_DIR)")
        return
    from bench_trec import to_api_study

    for line in trec.read_text(encoding="utf-8").splitlines():
        if line.strip():
            yield "trec", to_api_study(json.loads(line))


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value if isinstance(value, bool | int | float | type(None)) else str(value)


def _finding(item: Any) -> list[Any]:
    """A finding as plain values: its factor, then its other fields in name order.

    Typed findings say how they were written before they were typed (``legacy()``), so a
    fingerprint taken before the typing compares equal to one taken after.
    """
    if hasattr(item, "legacy"):
        return list(item.legacy())
    fields = _fields(item)
    return [str(fields.pop("factor"))] + [_plain(v) for _, v in sorted(fields.items())]


def _fields(item: Any) -> dict[str, Any]:
    names = getattr(item, "__slots__", None) or getattr(item, "__dataclass_fields__", {})
    return {name: getattr(item, name) for name in names if not name.startswith("_")}


def canonical(reading: Any) -> dict[str, Any]:
    """A reading as JSON-ready values: scope, setting and sorted findings, parts included."""
    extra = (
        {"alternatives": [g.legacy() for g in reading.alternatives]}
        if getattr(reading, "alternatives", ())
        else {}
    )
    if getattr(reading, "unread", ()):  # criteria about her that no reader read (issue 10)
        extra["unread"] = [[u.quote, str(u.kind), list(u.concepts)] for u in reading.unread]
    return extra | {
        "scope": [str(reading.scope), reading.scope_quote],
        "setting": [str(reading.setting), reading.setting_quote],
        "requirements": [_finding(r) for r in reading.requirements],
        "limits": [_finding(x) for x in reading.limits],
        "allowances": [_finding(a) for a in reading.allowances],
        "healthy": reading.healthy_volunteers,
        "items": reading.item_count,
        "part": reading.part,
        "parts": [canonical(p) for p in reading.parts],
    }


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:16]


def _study(raw: dict[str, Any]) -> Study:
    """The study as the app builds it: from the record's JSON bytes, on the typed path when the
    code has one (``data.ctgov_decode``), so a change there shows here too."""
    try:
        from data.ctgov_decode import study_from_raw
    except ImportError:  # code from before the typed path
        return Study.from_api(raw)
    study, _ = study_from_raw(json.dumps(raw, ensure_ascii=False).encode("utf-8"))
    return study if study is not None else Study.from_api(raw)


def fingerprint(source: str, raw: dict[str, Any], read: Any = None) -> dict[str, Any]:
    """The record's split and reading digests; ``read`` is its reading when already read."""
    study = _study(raw)
    items = [
        [i.kind, i.text, i.parent, i.index, list(i.parts)]
        for i in split_criteria(study.eligibility_criteria)
    ]
    reading = canonical(read_trial_uncached(study) if read is None else read)
    return {
        "source": source,
        "nctId": study.nct_id,
        "split": _digest(items),
        "reading": _digest(reading),
        "detail": reading,
    }


def _pool_readings(records: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    """Every reading through the pool of worker processes (forced, however few the records), to
    check that it reads exactly as one process does."""
    from matchers.parallel_reading import read_studies

    return read_studies([_study(raw) for _, raw in records], min_parallel=2, workers=2)


def _compare(old_path: Path, new: dict[str, dict[str, Any]]) -> None:
    old = {}
    for line in old_path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        old[(row["source"], row["nctId"])] = row
    split_changed = [k for k, v in new.items() if k in old and old[k]["split"] != v["split"]]
    read_changed = [k for k, v in new.items() if k in old and old[k]["reading"] != v["reading"]]
    print(f"compared {len(set(old) & set(new))} studies with {old_path}")
    print(f"  splits changed:   {len(split_changed)}")
    print(f"  readings changed: {len(read_changed)}")
    for key in read_changed:
        before, after = old[key]["detail"], new[key]["detail"]
        print(f"\n{key[1]} ({key[0]})")
        for field in sorted(set(before) | set(after)):
            if before.get(field) == after.get(field):
                continue
            was, now = before.get(field, []), after.get(field, [])
            if field in ("requirements", "limits", "allowances", "alternatives"):
                gone = [x for x in was if x not in now]
                added = [x for x in now if x not in was]
                for x in gone:
                    print(f"  - {field}: {json.dumps(x)[:230]}")
                for x in added:
                    print(f"  + {field}: {json.dumps(x)[:230]}")
            else:
                print(f"  {field}: {json.dumps(was)[:200]} -> {json.dumps(now)[:200]}")


def main() -> int:
    shared = Path(os.environ.get("MBC_SHARED_DIR", ROOT.parent / "shared"))
    heldout = Path(os.environ.get("MBC_HELDOUT_DIR", ROOT.parent / "heldout"))
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="where to write the fingerprints")
    parser.add_argument("--compare", type=Path, help="an earlier --out file to compare with")
    parser.add_argument("--shared", type=Path, default=shared)
    parser.add_argument("--trec", type=Path, default=heldout / "trec2021_202161.jsonl")
    parser.add_argument(
        "--parallel", action="store_true", help="read in worker processes, as a cold first search does"
    )
    args = parser.parse_args()
    records = list(_records(args.shared, args.trec))
    readings = _pool_readings(records) if args.parallel else [None] * len(records)
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for (source, raw), reading in zip(records, readings, strict=True):
        row = fingerprint(source, raw, reading)
        rows[(source, row["nctId"])] = row
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as handle:
        for row in rows.values():
            handle.write(json.dumps(row, sort_keys=True) + "\n")
    print(f"{len(rows)} studies fingerprinted into {args.out}")
    if args.compare:
        _compare(args.compare, rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
