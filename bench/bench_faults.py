"""Benchmark: how long each misbehaviour of the registry takes to give a clear message, and its memory.

Starts the local stand-in of the ClinicalTrials.gov API in its own process, makes it misbehave in
each way of issue 11 (hang, drip, truncation, gzip bomb, wrong shapes, huge pages, ...), and runs the
real command ``mbc-navigator trials ... --json`` against it, as a user would, in a fresh process
each time. For each fault it prints: seconds until the command ended with its message, the
command's peak resident memory (RSS, from the kernel's accounting of that process), its exit
status and the first line it printed on standard error.

Run from the repository root::

    python bench/bench_faults.py [--studies FILE] [--only NAME ...]

``--studies`` serves another study file (default: the test fixtures); everything else is made
in a throw-away folder. Defaults apply (30 s search deadline, 15 s per request).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from data.ctgov_standin import gzip_bomb  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "ctgov_breast_studies.json"
PROFILE = ["--subtype", "hr-positive", "--sites", "bone"]
ONE_RECORD = json.loads(FIXTURE.read_text())["studies"][0]


def _bad_record_page() -> str:
    bad = json.loads(json.dumps(ONE_RECORD))
    bad["protocolSection"]["contactsLocationsModule"]["locations"] = 1
    bad["protocolSection"]["identificationModule"]["nctId"] = "NCT09990777"
    return json.dumps({"studies": [ONE_RECORD, bad], "totalCount": 2})


@dataclass
class Case:
    """One misbehaviour: the fault to set, and what the run needs beforehand."""

    name: str
    fault: dict[str, object] | None = None
    saved_copy: bool = False
    env: dict[str, str] = field(default_factory=dict)
    studies_file: Callable[[Path], Path] | None = None
    prepare_cache: Callable[[Path], None] | None = None
    server_down: bool = False
    locked_cache: bool = False


def _hostile_file(name: str, content: bytes) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(content)
        return path

    return write


def _damaged_cache(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ctgov_answers.sqlite").write_bytes(os.urandom(64 * 1024))


CASES = [
    Case("healthy (for comparison)"),
    Case("accepts, never answers", {"kind": "hang", "count": 100}),
    Case("accepts, never answers; saved copy", {"kind": "hang", "count": 100}, saved_copy=True),
    Case("body at 1 byte/s", {"kind": "drip", "count": 100, "rate": 1}),
    Case("body at 1 byte/s; saved copy", {"kind": "drip", "count": 100, "rate": 1}, saved_copy=True),
    Case("half the body, then hang up", {"kind": "cut", "count": 100}),
    Case("cut-off JSON (status 200)", {"kind": "truncate", "count": 100}),
    Case("2 MB gzip expanding to 2 GiB", {"kind": "bomb", "count": 100, "size": 2**31}),
    Case("one page of 100,000 studies", {"kind": "many", "count": 100, "size": 100_000}),
    Case("wrong shape {studies: {a: 1}}", {"kind": "json", "count": 100, "body": '{"studies":{"a":1}}'}),
    Case(
        "wrong shape; saved copy",
        {"kind": "json", "count": 100, "body": '{"studies":{"a":1}}'},
        saved_copy=True,
    ),
    Case(
        "JSON nested 100,000 deep",
        {"kind": "json", "count": 100, "body": "[" * 100_000 + "]" * 100_000},
    ),
    Case(
        "a 5,000-digit number",
        {"kind": "json", "count": 100, "body": '{"studies":[],"totalCount":' + "9" * 5000 + "}"},
    ),
    Case("one record with locations: 1", {"kind": "json", "count": 1, "body": _bad_record_page()}),
    Case("error 503 every time", {"kind": "503", "count": 100}),
    Case("server down (refused)", server_down=True),
    Case("cache file damaged", prepare_cache=_damaged_cache),
    Case("cache file locked by another program", saved_copy=True, locked_cache=True),
    Case("MBC_CACHE_HOURS=inf", env={"MBC_CACHE_HOURS": "inf"}),
    Case(
        "--studies: nested 100,000 deep",
        studies_file=_hostile_file("nested.json", b"[" * 100_000 + b"]" * 100_000),
    ),
    Case(
        "--studies: 5,000-digit number",
        studies_file=_hostile_file("digits.json", b'{"studies":[' + b"9" * 5000 + b"]}"),
    ),
    Case("--studies: 2 GiB gzip bomb", studies_file=_hostile_file("bomb.json.gz", gzip_bomb(2**31))),
]


HOLD_LOCK = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(120)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _control(base: str, method: str, path: str, body: dict[str, object] | None = None) -> None:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


@dataclass(frozen=True)
class Outcome:
    seconds: float
    peak_mb: float
    status: int
    message: str


def _run_cli(args: list[str], env: dict[str, str], folder: Path) -> Outcome:
    out, err = folder / "stdout.txt", folder / "stderr.txt"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-m", "dashboard.cli", *args],
            cwd=ROOT,
            env=env,
            stdout=stdout,
            stderr=stderr,
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    lines = err.read_text(errors="replace").strip().splitlines()
    message = lines[0] if lines else f"(no message; {len(out.read_text().splitlines())} results)"
    return Outcome(seconds, usage.ru_maxrss / 1024, process.returncode, message)


def run_case(case: Case, studies: Path, work: Path) -> Outcome:
    folder = work / case.name.replace(" ", "_").replace("/", "_")[:40]
    folder.mkdir(parents=True)
    cache = folder / "cache"
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "data.ctgov_standin", "--studies", str(studies), "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        server.stdout.readline()  # "Serving N studies at ..."
        base = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "CTGOV_BASE_URL": base + "/api/v2",
            "MBC_CACHE_DIR": str(cache),
        }
        if case.saved_copy:
            _run_cli(["trials", *PROFILE, "--json"], env, folder)
            env["MBC_CACHE_HOURS"] = "0"  # the copy has expired: the registry is asked first
        if case.prepare_cache:
            case.prepare_cache(cache)
        if case.fault:
            _control(base, "POST", "/_standin/faults", case.fault)
        env.update(case.env)
        args = ["trials", *PROFILE, "--json"]
        if case.studies_file:
            args += ["--studies", str(case.studies_file(folder))]
        if case.server_down:
            server.terminate()
            server.wait()
        if not case.locked_cache:
            return _run_cli(args, env, folder)
        env.pop("MBC_CACHE_HOURS", None)  # the saved copy is fresh: only the lock stands in the way
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLD_LOCK, str(cache / "ctgov_answers.sqlite")],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert holder.stdout is not None
            holder.stdout.readline()
            return _run_cli(args, env, folder)
        finally:
            holder.kill()
            holder.wait()
    finally:
        server.terminate()
        server.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--studies", type=Path, default=FIXTURE, help="study file the stand-in serves")
    parser.add_argument("--only", nargs="*", help="run only cases whose name contains these words")
    args = parser.parse_args()
    cases = [c for c in CASES if not args.only or any(w in c.name for w in args.only)]
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, SQLite {sqlite3.sqlite_version}")
    print(f"stand-in serves {args.studies.name}; each row is a fresh `mbc-navigator trials --json`\n")
    print(f"| {'fault':<38} | {'seconds':>7} | {'peak RSS MB':>11} | exit | message |")
    print(f"|{'-' * 40}|{'-' * 9}|{'-' * 13}|------|---------|")
    with tempfile.TemporaryDirectory() as work:
        for case in cases:
            outcome = run_case(case, args.studies, Path(work))
            message = outcome.message.removeprefix("mbc-navigator: ")
            message = message if len(message) <= 150 else message[:149] + "…"
            print(
                f"| {case.name:<38} | {outcome.seconds:7.1f} | {outcome.peak_mb:11.0f} | "
                f"{outcome.status:4} | {message} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
