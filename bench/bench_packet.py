"""Benchmark the appointment packet: build + render for a shortlist of 10 trials, in every format.

Measures, for a HER2-positive profile with brain and bone metastases, two matched resources and
10 synthetic trials shaped like real shortlist entries (several reasons, concerns and contacts):

1. ``build_packet`` alone;
2. build + ``packet_to_markdown`` and build + ``packet_trials_csv``;
3. build + ``packet_to_pdf`` with DejaVu Sans (when installed) and with the core-font fallback;

each as the median and the worst of ``--repeat`` runs after one warm-up, plus the PDF's size and
page count. Run from the repository root::

    python bench/bench_packet.py [--repeat 20] [--trials 10]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402

from data.knowledge import load_knowledge  # noqa: E402
from data.resources import load_resources  # noqa: E402
from matchers import packet_pdf  # noqa: E402
from matchers.packet import (  # noqa: E402
    Packet,
    PacketTrial,
    build_packet,
    packet_to_markdown,
    packet_trials_csv,
)
from matchers.profile import PatientProfile  # noqa: E402
from matchers.resources import match_resources  # noqa: E402
from matchers.selection import select_guidance  # noqa: E402


def _trial(number: int) -> PacketTrial:
    nct = f"NCT0{5000000 + number:07d}"
    return PacketTrial(
        nct_id=nct,
        title=f"A phase 2 study of an investigational HER2-targeted antibody-drug conjugate with or "
        f"without tucatinib in HER2-positive breast cancer with brain metastases (cohort {number})",
        url=f"https://clinicaltrials.gov/study/{nct}",
        verdict_label="Likely eligible" if number % 2 else "Possibly eligible",
        reasons=(
            "Open to people with HER2-positive metastatic breast cancer",
            "Accepts people whose brain metastases are treated and stable",
            "Allows \\>= 1 prior line of HER2-directed therapy for metastatic disease",
        ),
        concerns=(
            "Requires a brain MRI within 28 days before the first dose",
            "Excludes people who already had T-DXd (trastuzumab deruxtecan); your profile does not say",
        ),
        questions=(
            "Ask whether your last brain MRI is recent enough for screening.",
            f"Ask whether cohort {number} is still enrolling.",
        ),
        status="Recruiting",
        phase="Phase 2",
        last_update="2026-10-01",
        nearest_site=f"Cancer Center {number}, Boston, Massachusetts, United States — {number} miles",
        contacts=(
            f"Study Coordinator {number} (CONTACT) · 617-555-01{number:02d} · study{number}@example.org",
            "Central study desk · 800-555-0199",
        ),
    )


def _time(action: Callable[[], object], repeat: int) -> tuple[float, float]:
    action()
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs), max(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--trials", type=int, default=10)
    args = parser.parse_args()

    profile = PatientProfile(
        "her2-positive", ("brain", "bone"), age=52, brain_mets="stable", prior_therapies=("trastuzumab",)
    )
    guidance = select_guidance(profile, load_knowledge())
    resources = match_resources(profile, load_resources(), ["financial-help"])[:2]
    trials = tuple(_trial(n) for n in range(1, args.trials + 1))
    note = "Trial data from ClinicalTrials.gov, data version 2026-11-24, fetched 25 Nov 2026 10:02 UTC"

    def build() -> Packet:
        return build_packet(
            profile, guidance, trials, resources, trial_data_note=note, created=date(2026, 11, 25)
        )

    def pdf() -> bytes:
        return packet_pdf.packet_to_pdf(build())

    print(f"Packet with {len(trials)} trials, {len(resources)} resources; {args.repeat} runs each")
    rows: list[tuple[str, Callable[[], object]]] = [
        ("build_packet", build),
        ("build + Markdown", lambda: packet_to_markdown(build())),
        ("build + CSV", lambda: packet_trials_csv(build())),
    ]
    fonts = packet_pdf.find_unicode_fonts()
    if fonts is not None:
        rows.append(("build + PDF (DejaVu Sans)", pdf))
    for label, action in rows:
        median, worst = _time(action, args.repeat)
        print(f"  {label:<32} median {median:7.1f} ms   worst {worst:7.1f} ms")

    saved = packet_pdf.FONT_CANDIDATES
    packet_pdf.FONT_CANDIDATES = ()
    try:
        median, worst = _time(pdf, args.repeat)
        fallback = pdf()
    finally:
        packet_pdf.FONT_CANDIDATES = saved
    print(f"  {'build + PDF (Helvetica fallback)':<32} median {median:7.1f} ms   worst {worst:7.1f} ms")

    for label, data in (("DejaVu Sans", pdf() if fonts else None), ("Helvetica", fallback)):
        if data is not None:
            pages = len(PdfReader(io.BytesIO(data)).pages)
            print(f"  PDF with {label}: {len(data) / 1024:.0f} KiB, {pages} pages")


if __name__ == "__main__":
    main()
