"""Benchmark: the CLI against the floor of the work, on the same study file, in one run.

Why: "fast" only means something next to the least any matcher must do. The floor script decodes
the fields a matcher needs (typed, from bytes), makes one regex pass over each criteria text, prints
one JSON line per study and exits without interpreter teardown. The CLI
(``python -m dashboard.cli trials ... --studies FILE --all-statuses --json``) does the real work on
the same file. Each runs as a fresh process, several times, interleaved; the bench prints the median
wall time and peak memory (RSS) of each and their ratio (goal: the CLI within 2x the floor; peak
memory at most 80 KiB per study beyond start-up; 20,000 studies under 2 GB).

The file is built from ``<shared>/ctgov/corpus/breast_corpus.jsonl`` and ``<shared>/ctgov/studies.jsonl``
(``--shared``, env ``MBC_SHARED_DIR``, else ``../shared``), mixed in a fixed shuffled order and
replicated with synthetic NCT IDs up to ``--count`` studies, into a temporary folder removed afterwards.

    python bench/bench_floor.py [--count 1000] [--reps 5] [--stages] [--scaling] [--warm] [--shared DIR]

Each CLI run is cold: it gets a cache folder (``MBC_CACHE_DIR``) of its own, so no answer or reading
saved by an earlier run helps; ``--warm`` lets the runs share the folder the warm-up run filled.
``--stages`` also times, in this process, where the CLI's loading goes (decode, typed build,
reading, output); ``--scaling`` adds a table of CLI time and peak memory for 100 / 1,000 / 5,000 /
20,000 studies.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("corpus/breast_corpus.jsonl", "studies.jsonl")
SCALING_COUNTS = (100, 1000, 5000, 20000)
CLI_ARGS = ("trials", "--subtype", "hr-positive", "--sites", "bone,liver", "--all-statuses", "--json")
RATIO_GOAL = 2.0
KIB_PER_STUDY_GOAL = 80
MB_20K_GOAL = 2048

FLOOR_SCRIPT = r'''
"""The least any matcher must do: typed decode, one regex pass over each criteria text, one line out."""
import os
import re
import sys

try:
    import msgspec
except ImportError:  # the floor without msgspec: the standard library's decoder
    msgspec = None
    import json

WORDS = re.compile(
    r"\b(metasta\w*|her2|hormone|estrogen|progesterone|brain|liver|bone|ecog|pregnan\w*|"
    r"chemotherapy|endocrine|cdk4/6|prior|measurable|age|years)\b",
    re.I,
)

if msgspec is not None:
    class Ident(msgspec.Struct):
        nctId: str = ""
        briefTitle: str | None = None

    class Status(msgspec.Struct):
        overallStatus: str | None = None

    class Eligibility(msgspec.Struct):
        eligibilityCriteria: str | None = None
        sex: str | None = None
        minimumAge: str | None = None
        maximumAge: str | None = None

    class Protocol(msgspec.Struct):
        identificationModule: Ident = msgspec.field(default_factory=Ident)
        statusModule: Status = msgspec.field(default_factory=Status)
        eligibilityModule: Eligibility = msgspec.field(default_factory=Eligibility)

    class Record(msgspec.Struct):
        protocolSection: Protocol = msgspec.field(default_factory=Protocol)

    decoder = msgspec.json.Decoder(Record)
    encoder = msgspec.json.Encoder()

    def records(data):
        for line in data.splitlines():
            if line.strip():
                p = decoder.decode(line).protocolSection
                yield (p.identificationModule.nctId, p.identificationModule.briefTitle,
                       p.statusModule.overallStatus, p.eligibilityModule.eligibilityCriteria)

    dumps = encoder.encode
else:
    def records(data):
        for line in data.splitlines():
            if line.strip():
                p = json.loads(line).get("protocolSection", {})
                yield (p.get("identificationModule", {}).get("nctId", ""),
                       p.get("identificationModule", {}).get("briefTitle"),
                       p.get("statusModule", {}).get("overallStatus"),
                       p.get("eligibilityModule", {}).get("eligibilityCriteria"))

    def dumps(value):
        return json.dumps(value).encode()

with open(sys.argv[1], "rb") as handle:
    data = handle.read()
out = sys.stdout.buffer
for nct, title, status, criteria in records(data):
    found = WORDS.findall(criteria or "")
    out.write(dumps({"nctId": nct, "title": title, "status": status, "terms": len(found)}) + b"\n")
out.flush()
os._exit(0)
'''


@dataclass(frozen=True)
class Run:
    """One process run: wall seconds and peak resident memory."""

    seconds: float
    peak_kib: int


def shared_dir(arg: Path | None) -> Path:
    return arg or Path(os.environ.get("MBC_SHARED_DIR", ROOT.parent / "shared"))


def base_lines(shared: Path) -> list[tuple[str, str]]:
    """Each source record as compact JSON with its NCT ID; exits naming what is missing."""
    missing = [
        str(shared / "ctgov" / name) for name in SOURCES if not (shared / "ctgov" / name).exists()
    ]
    if missing:
        sys.exit(f"bench_floor: not found: {', '.join(missing)} (give --shared or set MBC_SHARED_DIR)")
    lines: list[tuple[str, str]] = []
    for name in SOURCES:
        for line in (shared / "ctgov" / name).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            record = json.loads(line)
            ident = record.get("protocolSection", {}).get("identificationModule", {})
            nct = ident.get("nctId")
            if isinstance(nct, str) and nct:
                lines.append((json.dumps(record, ensure_ascii=False, separators=(",", ":")), nct))
    random.Random(14).shuffle(lines)  # every size holds both sources in proportion, in a fixed order
    return lines


def build_file(lines: Sequence[tuple[str, str]], count: int, folder: Path) -> Path:
    """``count`` studies as JSON Lines, each with its own synthetic NCT ID, so nothing is read twice."""
    path = folder / f"studies_{count}.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for number in range(count):
            text, nct = lines[number % len(lines)]
            handle.write(text.replace(f'"nctId":"{nct}"', f'"nctId":"NCT{90000000 + number:08d}"', 1))
            handle.write("\n")
    return path


LAUNCHER = r"""
import os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
with open(sys.argv[1], "w") as out:
    out.write(f"{os.waitstatus_to_exitcode(status)} {seconds} {usage.ru_maxrss}")
"""
"""Runs one command and writes its exit status, wall time and peak RSS. Why a launcher: Linux keeps
a process's peak RSS across fork and exec, so a child forked from this (large) bench process would
report the bench's own memory as its peak; forked from a small launcher it reports its own."""


def run_once(command: Sequence[str], env: dict[str, str], folder: Path) -> Run:
    """Run a command to its end (output discarded); its wall time and peak RSS (KiB)."""
    result = folder / "run.txt"
    launcher = [sys.executable, "-S", "-c", LAUNCHER, str(result), *command]
    subprocess.run(launcher, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, check=True)
    status, seconds, peak = result.read_text().split()
    if status != "0":
        sys.exit(f"bench_floor: {' '.join(command[:4])} ... failed with status {status}")
    return Run(float(seconds), int(peak))


def commands(study_file: Path, floor_script: Path) -> dict[str, list[str]]:
    return {
        "floor": [sys.executable, str(floor_script), str(study_file)],
        "cli": [sys.executable, "-m", "dashboard.cli", *CLI_ARGS, "--studies", str(study_file)],
    }


def child_env(folder: Path) -> dict[str, str]:
    """The machine's environment with a fresh cache folder, so no saved answer or reading helps."""
    env = dict(os.environ, MBC_CACHE_DIR=str(folder / "cache"), PYTHONPATH=str(ROOT))
    env.pop("COVERAGE_PROCESS_START", None)
    return env


def measure(
    study_file: Path, folder: Path, reps: int, env: dict[str, str], *, warm: bool = False
) -> dict[str, list[Run]]:
    """Interleaved runs of the floor and the CLI (one warm-up of each first, not counted).

    Cold (the default), each CLI run gets a cache folder of its own, so nothing saved by an
    earlier run (answers, readings) helps it; ``warm`` runs share the one the warm-up filled.
    """
    runs: dict[str, list[Run]] = {"floor": [], "cli": []}
    todo = commands(study_file, folder / "floor.py")
    for command in todo.values():
        run_once(command, env, folder)  # warm the file cache and the interpreter's bytecode
    for number in range(reps):
        for name, command in todo.items():
            # a folder no earlier measurement used (the scaling table measures 1,000 again)
            cold = tempfile.mkdtemp(prefix=f"cache-{study_file.stem}-{number}-", dir=folder)
            fresh = dict(env, MBC_CACHE_DIR=cold)
            runs[name].append(run_once(command, env if warm else fresh, folder))
    return runs


def median_run(runs: Sequence[Run]) -> Run:
    return Run(
        statistics.median(r.seconds for r in runs), int(statistics.median(r.peak_kib for r in runs))
    )


def start_up_kib(folder: Path, lines: Sequence[tuple[str, str]], env: dict[str, str]) -> int:
    """The CLI's peak memory on a one-study file: what it needs before any study counts."""
    one = build_file(lines, 1, folder)
    runs = [run_once(commands(one, folder / "floor.py")["cli"], env, folder) for _ in range(3)]
    return min(r.peak_kib for r in runs)


def report(count: int, runs: dict[str, list[Run]], base_kib: int) -> None:
    floor, cli = median_run(runs["floor"]), median_run(runs["cli"])
    ratio = cli.seconds / floor.seconds
    per_study = (cli.peak_kib - base_kib) / count
    print(f"\n{count:,} studies, {len(runs['cli'])} runs each (median)")
    print(f"  {'':8} {'wall s':>8} {'peak MiB':>9}")
    print(f"  {'floor':8} {floor.seconds:8.3f} {floor.peak_kib / 1024:9.1f}")
    print(f"  {'CLI':8} {cli.seconds:8.3f} {cli.peak_kib / 1024:9.1f}")
    print(f"  CLI / floor: {ratio:.2f}x (goal <= {RATIO_GOAL:.0f}x)")
    print(
        f"  CLI peak beyond start-up ({base_kib / 1024:.1f} MiB): {per_study:.1f} KiB per study "
        f"(goal <= {KIB_PER_STUDY_GOAL})"
    )


def scaling(
    lines: Sequence[tuple[str, str]], folder: Path, reps: int, env: dict[str, str], *, warm: bool
) -> None:
    base_kib = start_up_kib(folder, lines, env)
    print(f"\nScaling (CLI and floor, median of {reps}; start-up peak {base_kib / 1024:.1f} MiB)")
    print(f"  {'studies':>7} {'floor s':>8} {'CLI s':>8} {'ratio':>6} {'CLI MiB':>8} {'KiB/study':>9}")
    for count in SCALING_COUNTS:
        study_file = build_file(lines, count, folder)
        runs = measure(study_file, folder, reps, env, warm=warm)
        floor, cli = median_run(runs["floor"]), median_run(runs["cli"])
        per = (cli.peak_kib - base_kib) / count
        print(
            f"  {count:>7,} {floor.seconds:8.2f} {cli.seconds:8.2f} {cli.seconds / floor.seconds:6.2f} "
            f"{cli.peak_kib / 1024:8.0f} {per:9.1f}",
            flush=True,
        )
        study_file.unlink()
    print(f"  (goal: 20,000 studies under {MB_20K_GOAL:,} MiB)")


def _timed(label: str, times: dict[str, float], work: Callable[[], Any]) -> Any:
    gc.collect()
    start = time.perf_counter()
    value = work()
    times[label] = time.perf_counter() - start
    return value


def _split_load(study_file: Path, data: bytes, times: dict[str, float]) -> None:
    """The file's decode and the building of the records, timed apart (each version's own way)."""
    from data import ctgov_import
    from data.models import Study

    lines = [line for line in data.splitlines() if line.strip()]
    if hasattr(ctgov_import, "_typed_outcomes"):  # typed records straight from bytes
        from data import ctgov_decode

        records = _timed(
            "  decode (typed)", times, lambda: [ctgov_decode._RECORD.decode(x) for x in lines]
        )
        _timed("  build Study", times, lambda: [ctgov_decode._study(r) for r in records])
    else:  # a tree of dicts, then Study.from_api
        trees = _timed("  decode (json)", times, lambda: [json.loads(x) for x in lines])
        _timed("  build Study", times, lambda: [Study.from_api(t) for t in trees])


def stages(study_file: Path, count: int) -> None:
    """Where the CLI's time goes, stage by stage, in this process (imports excluded)."""
    import tracemalloc

    sys.path.insert(0, str(ROOT))
    from data.ctgov_import import read_study_file
    from matchers.profile import PatientProfile
    from matchers.ranking import match_to_dict, rank_trials
    from matchers.reading_cache import ReadingCache

    times: dict[str, float] = {}
    tracemalloc.start()  # memory first, on its own: tracing slows every allocation
    traced = read_study_file(study_file).studies
    held, load_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del traced
    studies = _timed("read the file", times, lambda: read_study_file(study_file).studies)
    _split_load(study_file, study_file.read_bytes(), times)
    profile = PatientProfile("hr-positive", ("bone", "liver"))
    cache = ReadingCache(maxsize=4 * count)
    matches = _timed(
        "reading + ranking", times, lambda: rank_trials(profile, studies, None, cache=cache)
    )
    _timed(
        "output (json)",
        times,
        lambda: [json.dumps(match_to_dict(m), ensure_ascii=False) for m in matches],
    )
    print(f"\nStages in one process, {count:,} studies (imports excluded):")
    for label, seconds in times.items():
        print(f"  {label:20} {seconds * 1000:8.0f} ms")
    print(
        f"  reading the file: peak {load_peak / 1024 / count:.1f} KiB a study (traced), "
        f"{held / 1024 / count:.1f} KiB a study held after"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--shared", type=Path, help="the shared folder (else MBC_SHARED_DIR or ../shared)"
    )
    parser.add_argument("--count", type=int, default=1000, help="studies in the file (default 1,000)")
    parser.add_argument("--reps", type=int, default=5, help="timed runs of each (default 5)")
    parser.add_argument("--stages", action="store_true", help="also time the CLI's stages in-process")
    parser.add_argument(
        "--scaling", action="store_true", help="also 100 / 1,000 / 5,000 / 20,000 studies"
    )
    parser.add_argument("--scaling-reps", type=int, default=1, help="runs of each size (default 1)")
    parser.add_argument(
        "--warm", action="store_true", help="CLI runs share one cache folder (default: each its own)"
    )
    args = parser.parse_args(argv)
    lines = base_lines(shared_dir(args.shared))
    with tempfile.TemporaryDirectory(prefix="bench_floor_") as temp:
        folder = Path(temp)
        (folder / "floor.py").write_text(FLOOR_SCRIPT, encoding="utf-8")
        env = child_env(folder)
        study_file = build_file(lines, args.count, folder)
        size = study_file.stat().st_size
        print(
            f"{args.count:,} studies, {size / 1024 / 1024:.1f} MiB of JSON Lines "
            f"({size / args.count / 1024:.1f} KiB a study)"
        )
        base_kib = start_up_kib(folder, lines, env)
        runs = measure(study_file, folder, args.reps, env, warm=args.warm)
        report(args.count, runs, base_kib)
        if args.stages:
            stages(study_file, args.count)
        if args.scaling:
            scaling(lines, folder, args.scaling_reps, env, warm=args.warm)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
