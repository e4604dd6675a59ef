"""bench/bench_floor.py: the file it builds and the floor script it times (the timing itself is the
bench's job, not a test's)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import bench_floor

FIXTURE = Path(__file__).parent / "fixtures" / "ctgov_breast_studies.json"


def _lines() -> list[tuple[str, str]]:
    studies = json.loads(FIXTURE.read_text(encoding="utf-8"))["studies"]
    return [
        (json.dumps(s, separators=(",", ":")), s["protocolSection"]["identificationModule"]["nctId"])
        for s in studies
    ]


def test_the_file_repeats_the_records_with_a_new_number_each(tmp_path: Path) -> None:
    path = bench_floor.build_file(_lines(), 12, tmp_path)
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    ids = [r["protocolSection"]["identificationModule"]["nctId"] for r in records]
    assert len(ids) == len(set(ids)) == 12
    assert all(i.startswith("NCT9") and len(i) == 11 for i in ids)


def test_the_floor_script_prints_one_line_a_study(tmp_path: Path) -> None:
    path = bench_floor.build_file(_lines(), 7, tmp_path)
    script = tmp_path / "floor.py"
    script.write_text(bench_floor.FLOOR_SCRIPT, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script), str(path)], capture_output=True, check=True, timeout=60
    )
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 7 and all(line["terms"] > 0 for line in lines)


def test_missing_shared_records_are_named(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match=r"breast_corpus\.jsonl.*studies\.jsonl"):
        bench_floor.base_lines(tmp_path)


def test_the_stage_timings_run_on_a_small_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = bench_floor.build_file(_lines(), 6, tmp_path)
    bench_floor.stages(path, 6)
    printed = capsys.readouterr().out
    assert "reading + ranking" in printed and "KiB a study" in printed
