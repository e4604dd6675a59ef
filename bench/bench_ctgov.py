"""Benchmark the ClinicalTrials.gov data path: parsing real records, and bytes moved per search.

Measures, in one run:

1. reading and normalizing every shared record (``studies.jsonl``): file read, JSON decoding and
   ``Study.from_api``, in total and per record, plus ``load_studies_file`` end to end;
2. a 1,000-study search through :class:`CtgovClient` against the local stand-in, with the
   client's field selection (``STUDY_FIELDS``) and without it (whole records): bytes on the
   wire (gzip, as the live host sends) and uncompressed JSON bytes, and their ratio.

The stand-in serves the shared records cloned in memory under synthetic NCT IDs (NCT9xxxxxxx)
to reach 1,000+ studies; nothing is written to disk but a throw-away cache folder.

Run from the repository root::

    python bench/bench_ctgov.py [--shared ../shared] [--repeat 3]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from data.ctgov_client import STUDY_FIELDS, CtgovClient, SearchParams  # noqa: E402
from data.ctgov_import import load_studies_file, read_raw_studies  # noqa: E402
from data.ctgov_standin import StandinServer  # noqa: E402
from data.models import Study  # noqa: E402

SEARCH_SIZE = 1000


def _best(samples: list[float]) -> str:
    return f"best {min(samples) * 1000:8.1f} ms   median {statistics.median(samples) * 1000:8.1f} ms"


def bench_parse(path: Path, repeat: int) -> None:
    read_s: list[float] = []
    decode_s: list[float] = []
    normalize_s: list[float] = []
    load_s: list[float] = []
    count = 0
    size = 0
    for _ in range(repeat):
        started = time.perf_counter()
        text = path.read_bytes().decode("utf-8")
        read_done = time.perf_counter()
        raw = [json.loads(line) for line in text.splitlines() if line.strip()]
        decode_done = time.perf_counter()
        studies = [Study.from_api(record) for record in raw]
        normalize_done = time.perf_counter()
        load_studies_file(path)
        load_done = time.perf_counter()
        read_s.append(read_done - started)
        decode_s.append(decode_done - read_done)
        normalize_s.append(normalize_done - decode_done)
        load_s.append(load_done - normalize_done)
        count, size = len(studies), len(text.encode("utf-8"))
    sites = sum(len(s.sites) for s in studies)
    print(f"## Parse {path.name}: {count} records, {size / 1e6:.1f} MB, {sites} sites")
    print(f"read file            {_best(read_s)}")
    print(f"json.loads per line  {_best(decode_s)}")
    print(f"Study.from_api       {_best(normalize_s)}")
    total = [r + d + n for r, d, n in zip(read_s, decode_s, normalize_s, strict=True)]
    print(f"total                {_best(total)}")
    print(f"per record           {min(total) / count * 1e6:8.1f} µs (best run)")
    print(f"load_studies_file    {_best(load_s)}  (read + detect + parse + normalize + dedupe,")
    print("                     cyclic GC paused during the load; the steps above run with it on)")


def _clones(records: list[dict[str, Any]], wanted: int) -> list[dict[str, Any]]:
    """Copies of the real records under synthetic NCT IDs, in memory only."""
    out: list[dict[str, Any]] = []
    number = 0
    while len(out) < wanted:
        for record in records:
            clone = copy.deepcopy(record)
            ident = clone.setdefault("protocolSection", {}).setdefault("identificationModule", {})
            number += 1
            ident["nctId"] = f"NCT9{number:07d}"
            ident.pop("nctIdAliases", None)
            out.append(clone)
    return out


def bench_bytes(path: Path) -> None:
    records = _clones(read_raw_studies(path), SEARCH_SIZE + 50)
    print(f"\n## {SEARCH_SIZE}-study search against the stand-in ({len(records)} studies served)")
    figures: dict[str, tuple[int, int, float, int]] = {}
    with StandinServer(records) as server, tempfile.TemporaryDirectory() as cache:
        client = CtgovClient(server.base_url, cache, min_interval=0, use_cache=False)
        for label, fields in (("with fields", STUDY_FIELDS), ("whole records", ())):
            server.clear_log()
            started = time.perf_counter()
            result = client.search(SearchParams(fields=fields, page_size=SEARCH_SIZE, max_pages=1))
            elapsed = time.perf_counter() - started
            wire = sum(r.wire_bytes for r in server.requests)
            body = sum(r.body_bytes for r in server.requests)
            figures[label] = (wire, body, elapsed, len(result.studies))
    print(f"{'':15}{'studies':>8}{'wire (gzip)':>14}{'JSON bytes':>14}{'client time':>13}")
    for label, (wire, body, elapsed, count) in figures.items():
        print(f"{label:15}{count:8}{wire:14,}{body:14,}{elapsed * 1000:10.0f} ms")
    (sel_wire, sel_body, sel_time, _), (full_wire, full_body, full_time, _) = figures.values()
    print(
        f"ratio whole/with fields: wire {full_wire / sel_wire:.2f}x, "
        f"JSON {full_body / sel_body:.2f}x, time {full_time / sel_time:.2f}x"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    default_shared = Path(os.environ.get("MBC_SHARED_DIR") or ROOT.parent / "shared")
    parser.add_argument("--shared", type=Path, default=default_shared)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    path = args.shared / "ctgov" / "studies.jsonl"
    if not path.is_file():
        print(f"{path} is absent; point --shared or MBC_SHARED_DIR at the shared folder.")
        return 1
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    bench_parse(path, args.repeat)
    bench_bytes(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
