"""Validate the hand-labelled trial-matching set and print its label counts.

The labels are the yardstick for the matcher, so a typo in a profile, a missing (profile, study)
pair or a quote that is not in the record would silently bend every figure measured on them. The
checker fails loudly instead. Standard library only; the profile vocabulary comes from
``matchers/profile.py`` (itself stdlib-only) so the two can never drift apart.

Usage: ``python bench/labels/check_labels.py`` from the repository root (``MBC_SHARED_DIR``
overrides where the shared ClinicalTrials.gov records are looked up).
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
sys.path.insert(0, str(REPO_ROOT))

from matchers.profile import ProfileError, profile_from_mapping  # noqa: E402

LABELS = ("eligible", "uncertain", "excluded", "not_relevant")
PROFILE_KEYS = frozenset(
    {
        "id",
        "description",
        "subtype",
        "hormone_receptor",
        "sites",
        "brain_mets",
        "age",
        "sex",
        "menopausal_status",
        "ecog",
        "biomarkers",
        "prior_therapies",
        "prior_lines",
    }
)
LABEL_KEYS = frozenset({"profile", "nctId", "label", "criterion", "note"})
SHEET_GROUPS = ("breast_file", "pan_tumor", "control")
MAX_QUOTE = 200


def shared_dir() -> Path:
    """The shared folder next to the worktree, unless MBC_SHARED_DIR says otherwise."""
    return Path(os.environ.get("MBC_SHARED_DIR", REPO_ROOT.parent / "shared"))


def normalize(text: str) -> str:
    """Compare quotes modulo markdown escapes, case and whitespace, which the API varies freely."""
    return re.sub(r"\s+", " ", text.replace("\\", "")).strip().lower()


def study_text(study: dict[str, Any]) -> str:
    """Everything a label may quote: criteria, titles, conditions and the brief summary."""
    proto = study.get("protocolSection", {})
    ident = proto.get("identificationModule", {})
    parts = [
        proto.get("eligibilityModule", {}).get("eligibilityCriteria", ""),
        ident.get("briefTitle", ""),
        ident.get("officialTitle", ""),
        " ; ".join(proto.get("conditionsModule", {}).get("conditions", [])),
        proto.get("descriptionModule", {}).get("briefSummary", ""),
    ]
    return normalize(" \n ".join(parts))


def read_jsonl(path: Path, errors: list[str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            errors.append(f"{path.name}:{number}: not JSON ({exc})")
    return rows


def check_profiles(profiles: list[dict[str, Any]], errors: list[str]) -> list[str]:
    """Every profile must load through the app's own validator and use only CLI keys."""
    ids: list[str] = []
    for raw in profiles:
        pid = raw.get("id")
        if not isinstance(pid, str) or not pid:
            errors.append(f"profile without id: {raw}")
            continue
        if pid in ids:
            errors.append(f"duplicate profile id {pid}")
        ids.append(pid)
        unknown = set(raw) - PROFILE_KEYS
        if unknown:
            errors.append(f"{pid}: keys outside the CLI vocabulary: {sorted(unknown)}")
        if not isinstance(raw.get("description"), str) or "\n" in raw["description"]:
            errors.append(f"{pid}: description must be one line of text")
        try:
            profile = profile_from_mapping(raw)
        except ProfileError as exc:
            errors.append(f"{pid}: {exc}")
            continue
        # profile_from_mapping lower-cases and re-orders; a value it would change is a typo here.
        for key in ("biomarkers", "prior_therapies", "sites"):
            if sorted(raw.get(key) or []) != sorted(getattr(profile, key)):
                errors.append(f"{pid}: {key} changed on validation: {raw.get(key)}")
    return ids


def check_labels(
    labels: list[dict[str, Any]],
    profile_ids: list[str],
    studies: dict[str, dict[str, Any]],
    errors: list[str],
) -> set[str]:
    seen: Counter[tuple[str, str]] = Counter()
    texts: dict[str, str] = {}
    for row in labels:
        key = (row.get("profile", "?"), row.get("nctId", "?"))
        if set(row) != LABEL_KEYS:
            errors.append(f"{key}: keys must be exactly {sorted(LABEL_KEYS)}")
        if key[0] not in profile_ids:
            errors.append(f"{key}: unknown profile")
        if key[1] not in studies:
            errors.append(f"{key}: nctId not in shared studies.jsonl")
            continue
        if row.get("label") not in LABELS:
            errors.append(f"{key}: label {row.get('label')!r} not in {LABELS}")
        quote = row.get("criterion", "")
        if not isinstance(quote, str) or not quote.strip() or len(quote) > MAX_QUOTE:
            errors.append(f"{key}: criterion must be a non-empty quote of at most {MAX_QUOTE} chars")
        else:
            text = texts.setdefault(key[1], study_text(studies[key[1]]))
            if normalize(quote) not in text:
                errors.append(f"{key}: criterion is not a verbatim quote of the record: {quote!r}")
        if not isinstance(row.get("note"), str) or not row["note"].strip() or "\n" in row["note"]:
            errors.append(f"{key}: note must be one line")
        seen[key] += 1
    nct_ids = {nct for _, nct in seen}
    for pid in profile_ids:
        for nct in sorted(nct_ids):
            if seen[(pid, nct)] != 1:
                errors.append(f"({pid}, {nct}): present {seen[(pid, nct)]} times, expected once")
    return nct_ids


def check_sheets(sheets: list[dict[str, Any]], labelled: set[str], errors: list[str]) -> None:
    ids = [sheet.get("nctId") for sheet in sheets]
    duplicates = {n for n in ids if ids.count(n) > 1}
    if duplicates:
        errors.append(f"study sheets repeated: {sorted(duplicates)}")
    if set(ids) != labelled:
        errors.append(
            f"sheets and labels cover different studies: only sheets {sorted(set(ids) - labelled)}, "
            f"only labels {sorted(labelled - set(ids))}"
        )
    for sheet in sheets:
        if sheet.get("group") not in SHEET_GROUPS:
            errors.append(f"{sheet.get('nctId')}: group must be one of {SHEET_GROUPS}")


def print_counts(labels: list[dict[str, Any]], profile_ids: list[str]) -> None:
    counts = Counter((row.get("profile"), row.get("label")) for row in labels)
    width = max(len(p) for p in profile_ids)
    print(f"{'profile':<{width}}  " + "  ".join(f"{lab:>12}" for lab in LABELS))
    for pid in profile_ids:
        print(f"{pid:<{width}}  " + "  ".join(f"{counts[(pid, lab)]:>12}" for lab in LABELS))
    totals = Counter(row.get("label") for row in labels)
    print(f"{'all':<{width}}  " + "  ".join(f"{totals[lab]:>12}" for lab in LABELS))


def main() -> int:
    errors: list[str] = []
    studies_path = shared_dir() / "ctgov" / "studies.jsonl"
    if not studies_path.is_file():
        print(f"cannot check: {studies_path} not found (set MBC_SHARED_DIR)", file=sys.stderr)
        return 2
    studies = {
        s["protocolSection"]["identificationModule"]["nctId"]: s
        for s in read_jsonl(studies_path, errors)
    }
    profiles = json.loads((HERE / "profiles.json").read_text(encoding="utf-8"))
    labels = read_jsonl(HERE / "labels.jsonl", errors)
    sheets = read_jsonl(HERE / "study_sheets.jsonl", errors)

    profile_ids = check_profiles(profiles, errors)
    labelled = check_labels(labels, profile_ids, studies, errors)
    check_sheets(sheets, labelled, errors)

    groups = Counter(sheet.get("group") for sheet in sheets)
    print(
        f"{len(profile_ids)} profiles x {len(labelled)} studies = {len(labels)} labels "
        f"({', '.join(f'{g}: {groups[g]}' for g in SHEET_GROUPS)})"
    )
    print_counts(labels, profile_ids)
    for error in errors:
        print("ERROR", error, file=sys.stderr)
    print("OK" if not errors else f"{len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
