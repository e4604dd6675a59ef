"""The knowledge base: the shipped files load, every broken copy fails naming file and entry, and
the content stays faithful to the patient guide (cited headings exist, nothing is copied verbatim)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from data.knowledge import (
    DEFAULT_DIRECTORY,
    KNOWN_SUBTYPES,
    KnowledgeError,
    load_knowledge,
)
from matchers.profile import BIOMARKERS, PRIOR_THERAPY_LABELS, SITES

ROOT = Path(__file__).resolve().parents[1]
SOURCE_NAME = "metastatic-breast-cancer-what-you-need-to-know.txt"
GUIDE_SECTIONS = (
    "What is metastatic breast cancer?",
    "Why does breast cancer spread?",
    "What are the signs and symptoms of metastatic breast cancer?",
    "How is metastatic breast cancer diagnosed?",
    "Treatments",
    "Clinical trials",
    "Advances in treatment",
    "Resources",
)


def _guide_text() -> str:
    shared = Path(os.environ.get("MBC_SHARED_DIR") or ROOT.parent / "shared")
    path = shared / "source" / SOURCE_NAME
    if not path.is_file():
        pytest.skip(f"patient guide not found at {path} (set MBC_SHARED_DIR to the shared folder)")
    return path.read_text(encoding="utf-8")


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:['’][a-z]+)?", text.lower().replace("’", "'"))


# --- the shipped files ---------------------------------------------------------------------------


def test_shipped_knowledge_loads_with_every_subtype_and_site() -> None:
    kb = load_knowledge()
    assert kb.source.sections == GUIDE_SECTIONS
    assert kb.source.file_name == SOURCE_NAME
    assert {s.id for s in kb.subtypes} == set(KNOWN_SUBTYPES)
    assert {s.id for s in kb.sites} == set(SITES)
    for subtype in KNOWN_SUBTYPES:
        assert kb.therapies_for(subtype), subtype
    assert kb.therapies_for("unknown") == kb.therapies


def test_default_load_is_cached_and_equals_an_explicit_load() -> None:
    assert load_knowledge() is load_knowledge()
    assert load_knowledge(DEFAULT_DIRECTORY) == load_knowledge()
    assert DEFAULT_DIRECTORY == ROOT / "data" / "knowledge"


def test_every_entry_cites_a_listed_section_and_every_section_is_used() -> None:
    kb = load_knowledge()
    assert kb.cited_sections() == set(kb.source.sections)


def test_required_content_is_present() -> None:
    kb = load_knowledge()
    titles = {t.id: f"{t.title} {t.summary}" for t in kb.therapies}
    assert "CDK4/6" in titles["cdk46-endocrine"]
    assert "alpelisib" in titles["alpelisib-pik3ca"] and "Piqray" in titles["alpelisib-pik3ca"]
    her2 = titles["taxane-her2-antibodies"]
    for word in ("taxane", "trastuzumab", "Herceptin", "pertuzumab", "Perjeta"):
        assert word in her2
    assert "2019" in titles["immunotherapy-chemo-pdl1"] and "PD-L1" in titles["immunotherapy-chemo-pdl1"]
    assert "radiation" in kb.note("brain-exception").text
    assert "blood-brain barrier" in kb.note("brain-exception").text
    assert "two weeks" in kb.note("two-week-rule").text
    assert "2 to 3 months" in kb.note("routine-imaging").text
    assert "week" in kb.note("biopsy").text
    assert "EMBRACE" in kb.note("embrace").text
    scans = " ".join(kb.note("scans").items)
    for scan in ("CT", "Bone scan", "MRI", "PET"):
        assert scan in scans
    assert len(kb.site("brain").symptoms) == 8
    assert [len(kb.site(s).symptoms) for s in ("lung", "bone", "liver")] == [4, 3, 4]
    assert kb.site("lymph-nodes").symptoms == () and kb.site("other").symptoms == ()


def test_biomarker_therapies_name_profile_biomarkers_and_their_questions() -> None:
    kb = load_knowledge()
    for therapy in kb.therapies:
        if therapy.biomarker is not None:
            assert therapy.biomarker in BIOMARKERS
            assert therapy.ask_biomarker_unknown is not None
            assert kb.question(therapy.ask_biomarker_unknown).text.startswith("Ask")


# --- broken copies ---------------------------------------------------------------------------------


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_DIRECTORY, target)
    return target


def _replace(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text, f"fixture text not found: {old!r}"
        return text.replace(old, new, 1)

    return edit


def _edit_yaml(change: Callable[[dict[str, Any]], None]) -> Callable[[str], str]:
    def edit(text: str) -> str:
        data = yaml.safe_load(text)
        change(data)
        return yaml.safe_dump(data, sort_keys=False)

    return edit


def _set(group: str, entry_id: str, key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        entry = next(e for e in data[group] if e["id"] == entry_id)
        if value is _DELETE:
            del entry[key]
        else:
            entry[key] = value

    return change


_DELETE = object()

BROKEN_CASES = [
    pytest.param(
        "therapies.yaml",
        _replace("subtypes: [hr-positive]", "subtypes: [luminal-a]"),
        "'cdk46-endocrine'",
        "unknown subtype 'luminal-a'",
        id="unknown-subtype",
    ),
    pytest.param(
        "subtypes.yaml",
        _replace("id: triple-negative", "id: basal-like"),
        "'basal-like'",
        "unknown subtype 'basal-like'",
        id="unknown-subtype-entry",
    ),
    pytest.param(
        "sites.yaml",
        _replace("id: liver", "id: kidney"),
        "'kidney'",
        "unknown site 'kidney'",
        id="unknown-site",
    ),
    pytest.param(
        "sites.yaml",
        _edit_yaml(lambda d: d.update(sites=[s for s in d["sites"] if s["id"] != "liver"])),
        "'liver'",
        "site missing",
        id="missing-site",
    ),
    pytest.param(
        "care_path.yaml",
        _edit_yaml(_set("principles", "brain-exception", "section", "Brain metastasis")),
        "'brain-exception'",
        "unknown source section 'Brain metastasis'",
        id="unknown-section",
    ),
    pytest.param(
        "trials_explained.yaml",
        _edit_yaml(_set("trials", "all-ages", "section", _DELETE)),
        "'all-ages'",
        "missing key 'section'",
        id="missing-section",
    ),
    pytest.param(
        "subtypes.yaml",
        _edit_yaml(_set("subtypes", "her2-positive", "why", _DELETE)),
        "'her2-positive'",
        "missing key 'why'",
        id="missing-key",
    ),
    pytest.param(
        "therapies.yaml",
        _edit_yaml(_set("therapies", "taxane-her2-antibodies", "title", 42)),
        "'taxane-her2-antibodies'",
        "'title' must be text, got int",
        id="wrong-type-text",
    ),
    pytest.param(
        "therapies.yaml",
        _edit_yaml(_set("therapies", "immunotherapy-chemo-pdl1", "subtypes", "triple-negative")),
        "'immunotherapy-chemo-pdl1'",
        "'subtypes' must be a list, got str",
        id="wrong-type-list",
    ),
    pytest.param(
        "sites.yaml",
        _edit_yaml(_set("sites", "bone", "symptoms", ["Swelling", None])),
        "'bone'",
        "'symptoms' item 2 must be non-empty text",
        id="wrong-type-item",
    ),
    pytest.param(
        "questions.yaml",
        _replace("id: ask-pdl1-test", "id: ask-pik3ca-test"),
        "'ask-pik3ca-test'",
        "duplicate id",
        id="duplicate-id",
    ),
    pytest.param(
        "trials_explained.yaml",
        _replace("id: all-ages", "id: what-is-mbc"),
        "'what-is-mbc'",
        "duplicate id (also used in basics.yaml)",
        id="duplicate-id-across-files",
    ),
    pytest.param(
        "care_path.yaml",
        _replace("id: new-line", "id: biopsy"),
        "'biopsy'",
        "duplicate id",
        id="duplicate-id-across-groups",
    ),
    pytest.param(
        "questions.yaml",
        _edit_yaml(lambda d: d["questions"].append("Ask about anything else.")),
        "#16 in 'questions'",
        "expected a mapping of keys, got str",
        id="malformed-entry",
    ),
    pytest.param(
        "resources_from_document.yaml",
        _replace("id: embrace-forum", "id: EMBRACE Forum"),
        "'EMBRACE Forum'",
        "malformed id",
        id="malformed-id",
    ),
    pytest.param(
        "basics.yaml",
        _edit_yaml(_set("basics", "how-it-spreads", "id", _DELETE)),
        "#2 in 'basics'",
        "missing key 'id'",
        id="missing-id",
    ),
    pytest.param(
        "care_path.yaml",
        _edit_yaml(_set("monitoring", "routine-imaging", "summary", "extra")),
        "'routine-imaging'",
        "unexpected key 'summary'",
        id="unexpected-key",
    ),
    pytest.param(
        "therapies.yaml",
        _replace("biomarker: pik3ca", "biomarker: kras"),
        "'alpelisib-pik3ca'",
        "unknown biomarker 'kras'",
        id="unknown-biomarker",
    ),
    pytest.param(
        "therapies.yaml",
        _edit_yaml(_set("therapies", "alpelisib-pik3ca", "why_biomarker_unknown", _DELETE)),
        "'alpelisib-pik3ca'",
        "missing key 'why_biomarker_unknown'",
        id="biomarker-without-its-texts",
    ),
    pytest.param(
        "therapies.yaml",
        _replace("prior_therapies: [pi3k-inhibitor]", "prior_therapies: [aspirin]"),
        "'alpelisib-pik3ca'",
        "unknown prior therapy 'aspirin'",
        id="unknown-prior-therapy",
    ),
    pytest.param(
        "therapies.yaml",
        _replace("ask_biomarker_unknown: ask-pdl1-test", "ask_biomarker_unknown: ask-nothing"),
        "'immunotherapy-chemo-pdl1'",
        "unknown question 'ask-nothing'",
        id="unknown-question",
    ),
    pytest.param(
        "sites.yaml",
        _edit_yaml(_set("sites", "other", "note", _DELETE)),
        "'other'",
        "a site without symptoms needs a 'note'",
        id="empty-site-without-note",
    ),
    pytest.param(
        "sites.yaml",
        _replace("id: two-week-rule", "id: fourteen-day-rule"),
        "'two-week-rule'",
        "missing from 'rules'",
        id="required-id-missing",
    ),
    pytest.param(
        "therapies.yaml",
        _edit_yaml(
            lambda d: d.update(
                therapies=[t for t in d["therapies"] if "triple-negative" not in t["subtypes"]]
            )
        ),
        "'triple-negative'",
        "no therapy fits this subtype",
        id="subtype-without-therapy",
    ),
]


@pytest.mark.parametrize(("file", "edit", "entry", "problem"), BROKEN_CASES)
def test_broken_copy_raises_naming_file_and_entry(
    kb_copy: Path, file: str, edit: Callable[[str], str], entry: str, problem: str
) -> None:
    path = kb_copy / file
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(KnowledgeError) as error:
        load_knowledge(kb_copy)
    message = str(error.value)
    assert message.startswith(f"{file}: entry {entry}: "), message
    assert problem in message
    assert error.value.file == file
    assert error.value.entry == entry


def test_unknown_subtype_message_matches_the_documented_form(kb_copy: Path) -> None:
    path = kb_copy / "therapies.yaml"
    path.write_text(_replace("[hr-positive]", "[luminal-a]")(path.read_text(encoding="utf-8")))
    with pytest.raises(KnowledgeError, match=r"^therapies\.yaml: entry 'cdk46-endocrine': "):
        load_knowledge(kb_copy)
    with pytest.raises(KnowledgeError, match="unknown subtype 'luminal-a'"):
        load_knowledge(kb_copy)


@pytest.mark.parametrize(
    ("file", "text", "problem"),
    [
        ("questions.yaml", "questions:\n  - id: [unclosed\n", "not valid YAML"),
        ("basics.yaml", "basics:\n\t- id: tab\n", "not valid YAML"),
        ("care_path.yaml", "- principles\n- diagnosis\n", "expected a mapping of keys at the top level"),
        ("trials_explained.yaml", "trials: []\n", "must be a non-empty list"),
        ("resources_from_document.yaml", "resources:\n  - id: a\n    id: b\n", "duplicate key 'id'"),
        ("subtypes.yaml", "subtypes: []\nextra: 1\n", "unexpected key 'extra'"),
        ("sites.yaml", "sites: []\n", "missing key 'rules'"),
    ],
)
def test_unreadable_file_names_the_file(kb_copy: Path, file: str, text: str, problem: str) -> None:
    (kb_copy / file).write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError) as error:
        load_knowledge(kb_copy)
    assert str(error.value).startswith(f"{file}: ")
    assert problem in str(error.value)


def test_missing_file_and_missing_directory_are_named(kb_copy: Path, tmp_path: Path) -> None:
    (kb_copy / "therapies.yaml").unlink()
    with pytest.raises(KnowledgeError, match=r"^therapies\.yaml: file not found"):
        load_knowledge(kb_copy)
    with pytest.raises(KnowledgeError, match="knowledge directory not found"):
        load_knowledge(tmp_path / "nowhere")


def test_source_with_a_duplicate_section_is_refused(kb_copy: Path) -> None:
    path = kb_copy / "source.yaml"
    path.write_text(path.read_text(encoding="utf-8") + '  - "Treatments"\n', encoding="utf-8")
    with pytest.raises(KnowledgeError, match="'sections' lists the same value twice"):
        load_knowledge(kb_copy)


def test_a_valid_edit_still_loads(kb_copy: Path) -> None:
    path = kb_copy / "sites.yaml"
    edit = _replace('"Coughing up blood"', '"Coughing up blood, even a little"')
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    kb = load_knowledge(kb_copy)
    assert "Coughing up blood, even a little" in kb.site("lung").symptoms


# --- faithful to the guide (needs ../shared) -------------------------------------------------------


@pytest.mark.shared
def test_every_cited_section_heading_occurs_in_the_guide() -> None:
    guide_lines = {line.strip() for line in _guide_text().splitlines()}
    kb = load_knowledge()
    for section in (*kb.source.sections, *kb.cited_sections()):
        assert section in guide_lines, f"section heading {section!r} is not a line of the guide"


@pytest.mark.shared
def test_source_metadata_matches_the_guide() -> None:
    guide = _guide_text()
    kb = load_knowledge()
    assert guide.startswith(kb.source.title)
    assert kb.source.reviewer in guide


def _copied_runs(guide: str, text: str, run: int = 12) -> list[str]:
    """Every run of ``run`` consecutive guide words that also occurs, word for word, in ``text``."""
    guide_words = _words(guide)
    haystack = f" {' '.join(_words(text))} "
    runs = (" ".join(guide_words[i : i + run]) for i in range(len(guide_words) - run + 1))
    return [r for r in runs if f" {r} " in haystack]


def _all_yaml_text(directory: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(directory.glob("*.yaml")))


@pytest.mark.shared
def test_no_twelve_word_run_of_the_guide_is_copied_into_the_knowledge_files() -> None:
    """Stricter than "no 12-word sentence": no 12 consecutive words of the guide appear anywhere."""
    assert _copied_runs(_guide_text(), _all_yaml_text(DEFAULT_DIRECTORY)) == []


@pytest.mark.shared
def test_paraphrase_check_catches_a_copied_sentence(kb_copy: Path) -> None:
    guide = _guide_text()
    sentence = next(s.strip() for s in re.split(r"(?<=[.!?])\s+", guide) if len(_words(s)) >= 12)
    path = kb_copy / "basics.yaml"
    path.write_text(
        _replace("Doctors also call it", sentence + " Doctors also call it")(path.read_text()),
        encoding="utf-8",
    )
    assert _copied_runs(guide, _all_yaml_text(kb_copy))


@pytest.mark.shared
def test_shipped_entries_hold_no_twelve_word_run_of_the_guide_after_loading() -> None:
    """The loader joins folded lines; check the texts as the app will show them, too."""
    texts = "\n".join(text for _, text in load_knowledge().texts())
    assert _copied_runs(_guide_text(), texts) == []


@pytest.mark.shared
def test_knowledge_names_no_medicine_the_guide_does_not_name() -> None:
    guide = _guide_text().lower()
    names = {
        word
        for label in PRIOR_THERAPY_LABELS.values()
        for inside in re.findall(r"\(([^)]*)\)", label)
        for word in re.findall(r"[a-z][a-z-]{5,}", inside.lower())
    }
    not_in_guide = {n for n in names if n not in guide}
    assert {"palbociclib", "olaparib", "pembrolizumab"} <= not_in_guide
    knowledge = " ".join(text.lower() for _, text in load_knowledge().texts())
    assert sorted(n for n in not_in_guide if n in knowledge) == []


@pytest.mark.shared
def test_every_symptom_group_of_the_guide_has_the_same_number_of_items() -> None:
    guide = _guide_text()
    kb = load_knowledge()
    for site, heading in (
        ("lung", "Lung metastasis"),
        ("bone", "Bone metastasis"),
        ("brain", "Brain metastasis"),
        ("liver", "Liver metastasis"),
    ):
        after = guide.split(f"\n{heading}\n", 1)[1].splitlines()
        bullets = []
        for line in after:
            if line.strip().startswith("•"):
                bullets.append(line)
            elif bullets and line.strip():
                break
        assert len(bullets) == len(kb.site(site).symptoms), site
