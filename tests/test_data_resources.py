"""The shipped resources file loads; each kind of broken copy is refused, naming file and entry."""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from data.resources import (
    RESOURCE_KINDS,
    RESOURCE_NEEDS,
    RESOURCES_PATH,
    Resource,
    ResourceError,
    load_resources,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
SHIPPED: tuple[Resource, ...] = load_resources()
TODAY = date(2026, 11, 25)


def _shared_dir() -> Path:
    return Path(os.environ.get("MBC_SHARED_DIR") or REPO_ROOT.parent / "shared")


def _shipped_document() -> dict[str, Any]:
    document = yaml.safe_load(RESOURCES_PATH.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def _write(tmp_path: Path, document: object, name: str = "resources.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def test_shipped_file_loads_with_unique_ids() -> None:
    ids = [r.id for r in SHIPPED]
    assert len(ids) >= 20
    assert len(set(ids)) == len(ids)
    assert {"embrace", "nci-cis", "tnbc-foundation", "abta", "canadian-cancer-society"} <= set(ids)


@pytest.mark.parametrize("resource", SHIPPED, ids=lambda r: r.id)
def test_every_entry_is_complete_and_checked(resource: Resource) -> None:
    assert resource.url.startswith("https://")
    assert date(2000, 1, 1) <= resource.last_checked <= date.today()
    assert resource.needs and set(resource.needs) <= set(RESOURCE_NEEDS)
    assert resource.kind in RESOURCE_KINDS
    assert resource.offers and resource.checked_source
    assert resource.phone is None or sum(ch.isdigit() for ch in resource.phone) >= 10


def test_national_line_and_document_named_program_are_as_verified() -> None:
    by_id = {r.id: r for r in SHIPPED}
    assert by_id["nci-cis"].phone == "1-800-422-6237"
    assert by_id["nci-cis"].countries == ("US",)
    assert by_id["embrace"].named_in is not None and "Resources" in by_id["embrace"].named_in
    assert [r.id for r in SHIPPED if r.named_in] == ["embrace"]


def test_country_specific_entries_exist_outside_the_us() -> None:
    by_id = {r.id: r for r in SHIPPED}
    assert by_id["canadian-cancer-society"].countries == ("CA",)
    assert by_id["breast-cancer-now"].countries == ("GB",)


@pytest.mark.shared
def test_embrace_is_named_in_the_patient_guide() -> None:
    guide = _shared_dir() / "source" / "metastatic-breast-cancer-what-you-need-to-know.txt"
    if not guide.exists():
        pytest.skip(f"patient guide not found at {guide} (set MBC_SHARED_DIR)")
    text = guide.read_text(encoding="utf-8")
    resources_section = text[text.index("\nResources\n") :]
    assert "EMBRACE (Ending Metastatic Breast Cancer for Everyone)" in resources_section
    assert "Susan F. Smith Center" in resources_section


Mutation = Callable[[dict[str, Any]], None]


def _set(key: str, value: object) -> Mutation:
    def mutate(entry: dict[str, Any]) -> None:
        entry[key] = value

    return mutate


def _set_serves(key: str, value: object) -> Mutation:
    def mutate(entry: dict[str, Any]) -> None:
        entry["serves"][key] = value

    return mutate


def _delete(key: str) -> Mutation:
    def mutate(entry: dict[str, Any]) -> None:
        del entry[key]

    return mutate


BROKEN: dict[str, tuple[Mutation, str]] = {
    "unknown need": (_set("needs", ["information", "hugs"]), "unknown value 'hugs'"),
    "needs any": (_set("needs", "any"), "needs must list"),
    "unknown subtype": (_set_serves("subtypes", ["luminal-b"]), "unknown value 'luminal-b'"),
    "unknown subtype answer": (_set_serves("subtypes", ["unknown"]), "unknown value 'unknown'"),
    "unknown site": (_set_serves("sites", ["elbow"]), "unknown value 'elbow'"),
    "unknown biomarker": (_set_serves("biomarkers", ["kras"]), "unknown value 'kras'"),
    "unknown kind": (_set("kind", "hotline"), "kind 'hotline' is unknown"),
    "http url": (_set("url", "http://www.cancer.gov"), "must be a full https:// address"),
    "url without host": (_set("url", "https://"), "must be a full https:// address"),
    "bad date": (_set("last_checked", "2024-13-01"), "must be an ISO date"),
    "future date": (_set("last_checked", "2027-01-01"), "is in the future"),
    "missing key": (_delete("offers"), "missing key offers"),
    "misspelled key": (_set("phnoe", None), "unknown key phnoe"),
    "bad country": (_set_serves("countries", ["USA"]), "two-letter ISO codes"),
    "empty country list": (_set_serves("countries", []), "non-empty list"),
    "short phone": (_set("phone", "4-CANCER"), "too few digits"),
    "phone with letters only": (_set("phone", "call us"), "must be null or a phone number"),
    "empty name": (_set("name", "  "), "name must be non-empty text"),
    "bad id": (_set("id", "Not An Id"), "lower-case words joined by hyphens"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_entry_is_refused_naming_file_and_entry(tmp_path: Path, case: str) -> None:
    mutate, expected = BROKEN[case]
    document = _shipped_document()
    entry = document["resources"][2]
    entry_id = entry["id"]
    mutate(entry)
    path = _write(tmp_path, document, name="broken-resources.yaml")
    with pytest.raises(ResourceError) as caught:
        load_resources(path, today=TODAY)
    message = str(caught.value)
    assert "broken-resources.yaml" in message
    assert "entry 3" in message
    assert expected in message
    if case != "bad id":
        assert repr(entry_id) in message


def test_duplicate_id_names_the_second_entry(tmp_path: Path) -> None:
    document = _shipped_document()
    document["resources"].append(copy.deepcopy(document["resources"][0]))
    count = len(document["resources"])
    path = _write(tmp_path, document)
    with pytest.raises(ResourceError, match=rf"entry {count} \(id 'embrace'\): id 'embrace' is used"):
        load_resources(path, today=TODAY)


def test_entry_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    document = _shipped_document()
    document["resources"][1] = "just a string"
    path = _write(tmp_path, document)
    with pytest.raises(ResourceError, match=r"resources.yaml, entry 2: must be a mapping"):
        load_resources(path, today=TODAY)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("resources: [unclosed", "is not valid YAML"),
        ("- id: a\n", "top-level 'resources:' list"),
        ("resources: []\n", "lists no resources"),
        ("resources:\n  - id: a\n    phone: '1'\n    phone: '2'\n", "duplicate key 'phone'"),
    ],
)
def test_malformed_file_is_refused_naming_the_file(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "odd.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ResourceError, match=expected) as caught:
        load_resources(path, today=TODAY)
    assert str(path) in str(caught.value)


def test_missing_file_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    with pytest.raises(ResourceError, match="cannot be read") as caught:
        load_resources(path)
    assert caught.value.path == str(path)


def test_the_shipped_file_is_read_once_per_day() -> None:
    assert load_resources() is load_resources()


def test_round_trip_copy_loads_identically(tmp_path: Path) -> None:
    path = _write(tmp_path, _shipped_document())
    assert load_resources(path, today=TODAY) == load_resources(today=TODAY)


def test_any_is_read_as_none_and_lists_as_tuples(tmp_path: Path) -> None:
    by_id = {r.id: r for r in SHIPPED}
    assert by_id["embrace"].countries is None and by_id["embrace"].is_general
    assert by_id["abta"].sites == ("brain",) and not by_id["abta"].is_general
    assert by_id["abta"].serves_country("ca") and not by_id["abta"].serves_country("GB")
    assert by_id["sharsheret"].biomarkers == ("brca",)
