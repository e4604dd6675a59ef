"""The clinical vocabulary: a broken file is refused on load, and every item is complete.

"Complete" means every place that used to be edited by hand now follows from the one entry: the
profile and the form offer it, the command line accepts it, a sentence can name it, and the
criteria reader finds it in a trial's words. Each check below fails for an entry that lacks one.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from data.vocabulary import DEFAULT_PATH, VocabularyError, load_vocabulary
from matchers.profile import BIOMARKERS, PRIOR_THERAPIES, PatientProfile
from matchers.reader.sentence import READER_NAMES, READERS, readers_for
from matchers.reader.text import normalize
from matchers.reader.therapy import drug_mentions
from matchers.reader.triggers import scan
from matchers.wording import THERAPY_WORDS, biomarker_words

VOCABULARY = load_vocabulary()


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "vocabulary.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("    label: PIK3CA mutation\n", "", "'label' must be non-empty text"),
        (
            "    article: an\n    reader: biomarkers\n    mentions: 'esr1'",
            "    article: the\n    reader: biomarkers\n    mentions: 'esr1'",
            "'article' must be 'a' or 'an'",
        ),
        (
            "within: [her2-directed]\n    line_kind: chemotherapy\n    early_setting: true",
            "within: [her2-targeted]\n    line_kind: chemotherapy\n    early_setting: true",
            "unknown 'her2-targeted'",
        ),
        ("triggers: ['\\bmtor\\b']", "triggers: ['\\bmtor(\\b']", "does not compile"),
        ("    keys: [serd, degrader, downregulator]\n", "", "has no 'keys'"),
        (
            "    keys: [serd, degrader, downregulator]\n  - id: endocrine",
            "  - id: endocrine",
            "has no 'keys'",
        ),
        (
            "    expands_to: [fulvestrant, oral-serd]\n    triggers:",
            "    expands_to: [fulvestrant, oral-serd]\n    old_triggers:",
            "unknown key 'old_triggers'",
        ),
        ("  - id: lung\n", "  - id: Lung Metastasis\n", "lower-case words"),
        ("therapy: palbociclib-class", "therapy: palbociclib-class", "unknown"),
        ("  - id: bone\n", "  - id: lung\n", "id 'lung' appears twice"),
        (
            "{generic: cisplatin, therapy: platinum}",
            "{generic: cisplatin, therapy: platinums}",
            "unknown 'platinums'",
        ),
        (
            "    words: fulvestrant\n",
            "    words: fulvestrant\n    colour: blue\n",
            "unknown key 'colour'",
        ),
    ],
)
def test_a_broken_vocabulary_is_refused_with_its_entry_named(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    if old == new:  # a reference to an item that does not exist
        path = _broken(
            tmp_path,
            "{generic: dalpiciclib, therapy: cdk4/6-inhibitor}",
            "{generic: dalpiciclib, therapy: palbociclib-class}",
        )
    else:
        path = _broken(tmp_path, old, new)
    with pytest.raises(VocabularyError, match=re.escape(message)):
        load_vocabulary(path)


def test_the_shipped_vocabulary_loads_and_is_read_once() -> None:
    assert load_vocabulary() is load_vocabulary()
    assert {"akt1", "pten", "her2-mutation"} <= set(BIOMARKERS)
    assert {"oral-serd", "datopotamab-deruxtecan"} <= set(PRIOR_THERAPIES)


# --- every item is complete ------------------------------------------------------------------------


@pytest.mark.parametrize("marker", [b.id for b in VOCABULARY.biomarkers])
def test_every_biomarker_has_wording_a_reader_and_triggers_it(marker: str) -> None:
    item = VOCABULARY.biomarker(marker)
    assert item.label and item.noun
    words = biomarker_words(marker)
    assert words.startswith(("a ", "an ")) and not re.match(r"a [AEIOU]", words), words
    assert item.reader in READER_NAMES
    groups = next(r.groups for r in READERS if r.name == item.reader)
    example = {"pd-l1": "pd-l1 positive", "her2-low": "her2-low"}.get(marker, item.noun.lower())
    assert re.search(item.mentions, example), (item.mentions, example)
    assert groups & scan(normalize(example))[0], f"{example!r} does not reach the {item.reader} reader"


@pytest.mark.parametrize("therapy", [t.id for t in VOCABULARY.therapies])
def test_every_therapy_has_wording_and_is_read_or_says_why_not(therapy: str) -> None:
    item = VOCABULARY.therapy(therapy)
    assert THERAPY_WORDS[therapy] == item.words
    if item.not_read:
        assert item.local  # only radiation and surgery are left to other readers
    for drug in (d for d in VOCABULARY.drugs if d.therapy == therapy):
        for name in (*drug.names, *drug.codes):
            text = f"no prior {normalize(name.lower())} for metastatic disease"
            groups, literals = scan(text)
            assert "prior" in groups, f"{name!r} does not call the prior-therapy reader"
            found = {n for _, _, n in drug_mentions(text, literals)}
            assert therapy in found, f"{name!r} is not read as {therapy!r}: {found}"


def test_a_drug_named_inside_a_longer_name_is_not_read_there() -> None:
    text = "prior trastuzumab deruxtecan or trastuzumab emtansine"
    assert [n for _, _, n in drug_mentions(text)] == ["t-dxd", "t-dm1"]


@pytest.mark.parametrize("option", PRIOR_THERAPIES)
def test_every_form_therapy_is_a_valid_profile_value(option: str) -> None:
    profile = PatientProfile("hr-positive", ("bone",), prior_therapies=(option,))
    assert profile.prior_therapies == (option,)


def test_class_membership_follows_the_vocabulary() -> None:
    assert VOCABULARY.members("trop2-adc") == {"sacituzumab-govitecan", "datopotamab-deruxtecan"}
    assert "t-dxd" in VOCABULARY.members("her2-directed") and "t-dxd" in VOCABULARY.members("adc")
    assert "oral-serd" in VOCABULARY.members("endocrine")
    assert "radiation" not in VOCABULARY.members("systemic")


def test_a_therapy_nobody_can_find_must_say_why(tmp_path: Path) -> None:
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    start = text.index("    triggers: ['\\bserds?\\b'")
    end = text.index("  - id: endocrine\n")
    path = tmp_path / "vocabulary.yaml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(VocabularyError, match="'serd' has no trigger and no drug"):
        load_vocabulary(path)


def test_the_command_line_help_lists_every_vocabulary_value() -> None:
    from dashboard.cli import _build_parser

    parser = _build_parser()
    trials = parser._subparsers._group_actions[0].choices["trials"]  # type: ignore[union-attr]
    help_of = {a.dest: a.help or "" for a in trials._actions}
    assert all(b in help_of["biomarkers"] for b in BIOMARKERS)
    assert all(t in help_of["prior_therapies"] for t in PRIOR_THERAPIES)
    assert all(s.id in help_of["sites"] for s in VOCABULARY.sites)


def test_the_form_offers_every_vocabulary_value() -> None:
    """The sidebar's options are the profile's, which are the vocabulary's, in its order."""
    import inspect

    from dashboard import sidebar

    source = inspect.getsource(sidebar)
    for name in ("BIOMARKERS", "PRIOR_THERAPIES", "SITES", "SUBTYPES"):
        assert name in source, f"the form no longer builds its options from {name}"
    assert VOCABULARY.form_therapy_ids == PRIOR_THERAPIES


def test_readers_for_a_sentence_are_those_its_groups_call_in_reading_order() -> None:
    """The dispatch table gives the same readers, in the same order, as testing each reader."""
    for groups in ({"prior", "lines"}, {"setting_early"}, {"receptors", "brain", "age"}, set()):
        expected = tuple(r for r in READERS if r.groups & groups)
        assert readers_for(groups) == expected
        assert readers_for(frozenset(groups)) is readers_for(groups)  # worked out once
    names = [r.name for r in readers_for({"setting_early", "prior", "lines"})]
    assert names == ["lines", "prior", "setting"]
