"""The eligibility reader on real ClinicalTrials.gov records, read from ``../shared`` (or
``MBC_SHARED_DIR``) and skipped with a reason when they are absent; the repository keeps none."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from data.models import Study
from matchers.eligibility import read_trial_uncached
from matchers.findings import HER2_POSITIVE_CELLS, HR_POS_HER2_NEG, TRIPLE_NEGATIVE_CELLS
from tests.test_matchers_eligibility import allowances, facts, limits

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MBC_SHARED_DIR", ROOT.parent / "shared"))


def _real(nct_id: str) -> Study:
    path = SHARED / "ctgov" / "breast_studies.jsonl"
    if not path.exists():
        pytest.skip(f"shared ClinicalTrials.gov records not found at {path} (set MBC_SHARED_DIR)")
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            raw = json.loads(line)
            if raw["protocolSection"]["identificationModule"]["nctId"] == nct_id:
                return Study.from_api(raw)
    pytest.skip(f"{nct_id} is not in {path}")


@pytest.mark.shared
def test_real_her2_positive_metastatic_trial() -> None:
    reading = read_trial_uncached(_real("NCT03377387"))
    assert reading.setting == "metastatic" and reading.scope == "breast"
    assert reading.subtype_cells == HER2_POSITIVE_CELLS
    assert ("prior:trastuzumab", True) in facts(reading)
    assert "brain_mets_stable" in allowances(reading)


@pytest.mark.shared
def test_real_adjuvant_trial_is_early() -> None:
    assert read_trial_uncached(_real("NCT04961996")).setting == "early"
    assert read_trial_uncached(_real("NCT02513394")).setting == "early"


@pytest.mark.shared
def test_real_brain_radiotherapy_trial_requires_brain_metastases() -> None:
    reading = read_trial_uncached(_real("NCT05144867"))
    assert ("brain_mets", True) in facts(reading)
    assert limits(reading)["ecog"] == (None, 1)


@pytest.mark.shared
def test_real_hr_positive_trial_after_endocrine_therapy() -> None:
    reading = read_trial_uncached(_real("NCT04862663"))
    assert reading.subtype_cells == frozenset({HR_POS_HER2_NEG})
    assert {
        ("prior:akt-inhibitor", False),
        ("prior:pi3k-inhibitor", False),
        ("prior:mtor-inhibitor", False),
    } <= facts(reading)
    assert ("brain_mets_active", False) in facts(reading)
    assert limits(reading)["chemo_lines"] == (None, 1)
    assert "premenopausal" in allowances(reading)


@pytest.mark.shared
def test_real_triple_negative_trial() -> None:
    reading = read_trial_uncached(_real("NCT06189209"))
    assert reading.subtype_cells == TRIPLE_NEGATIVE_CELLS
    assert limits(reading)["chemo_lines"] == (1, 3)
    assert ("bone_only", False) in facts(reading)
