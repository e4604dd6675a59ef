"""The criteria splitter on every layout variant seen in real records."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchers.criteria_text import clean_text, split_criteria


def kinds_and_texts(text: str) -> list[tuple[str, str]]:
    return [(item.kind, item.text) for item in split_criteria(text)]


def test_standard_headings_split_inclusion_and_exclusion() -> None:
    text = "Inclusion Criteria:\n\n* Age 18 or older\n* ECOG 0-1\n\nExclusion Criteria:\n\n* Pregnant"
    assert kinds_and_texts(text) == [
        ("inclusion", "Age 18 or older"),
        ("inclusion", "ECOG 0-1"),
        ("exclusion", "Pregnant"),
    ]


@pytest.mark.parametrize(
    ("inclusion_heading", "exclusion_heading"),
    [
        ("Key Inclusion Criteria:", "Key Exclusion Criteria:"),
        ("Main inclusion criteria", "Main exclusion criteria"),
        ("INCLUSION CRITERIA:", "EXCLUSION CRITERIA:"),
        ("**Inclusion Criteria:**", "**Exclusion Criteria:**"),
        ("inclusion criteria", "exclusion criteria"),
        (
            "Subjects must meet all of the following criteria to participate in this study:",
            "Subjects meeting any of the following criteria are ineligible for study entry:",
        ),
        ("Inclusion Criteria (All Cohorts):", "Exclusion criteria specific to Cohort A1:"),
    ],
)
def test_heading_variants(inclusion_heading: str, exclusion_heading: str) -> None:
    text = f"{inclusion_heading}\n1. Measurable disease\n{exclusion_heading}\n1. Active infection"
    assert kinds_and_texts(text) == [
        ("inclusion", "Measurable disease"),
        ("exclusion", "Active infection"),
    ]


def test_nci_style_headings_are_inclusion_and_labels_become_parents() -> None:
    text = (
        "DISEASE CHARACTERISTICS:\n\n* Stage IV breast cancer\n\nPATIENT CHARACTERISTICS:\n\n"
        "Performance status:\n\n* ECOG 0-1\n\nPRIOR CONCURRENT THERAPY:\n\n* No prior fulvestrant"
    )
    items = split_criteria(text)
    assert [i.kind for i in items] == ["inclusion"] * 3
    assert items[1].text == "ECOG 0-1" and items[1].parent == "Performance status"
    assert items[2].text == "No prior fulvestrant"


def test_nci_heading_with_inline_content() -> None:
    items = split_criteria("DISEASE CHARACTERISTICS: Histologically confirmed breast cancer")
    assert [(i.kind, i.text) for i in items] == [("inclusion", "Histologically confirmed breast cancer")]


def test_inline_heading_and_run_on_text() -> None:
    text = "Inclusion Criteria: Women over 18 Exclusion Criteria: Brain metastases"
    assert kinds_and_texts(text) == [("inclusion", "Women over 18"), ("exclusion", "Brain metastases")]


@pytest.mark.parametrize("marker", ["1.", "1)", "a.", "a)", "(a)", "*", "-", "•", "i.", "(ii)"])
def test_list_markers_are_removed(marker: str) -> None:
    items = split_criteria(f"Inclusion Criteria:\n{marker} Adequate organ function")
    assert [i.text for i in items] == ["Adequate organ function"]


def test_nested_items_keep_their_parent() -> None:
    text = (
        "Exclusion Criteria:\n"
        "1. Brain metastases, except:\n"
        "   a. treated\n"
        "   b. stable for 4 weeks\n"
        "2. Pregnancy"
    )
    items = split_criteria(text)
    assert [(i.text, i.parent) for i in items] == [
        ("Brain metastases, except:", None),
        ("treated", "Brain metastases, except"),
        ("stable for 4 weeks", "Brain metastases, except"),
        ("Pregnancy", None),
    ]
    assert items[1].full_text == "Brain metastases, except treated"
    assert [i.index for i in items] == [0, 1, 2, 3]


def test_unindented_children_with_another_marker_style_are_nested() -> None:
    text = "* Patients with brain metastases are eligible if:\n1. treated\n2. stable"
    items = split_criteria(text)
    assert [i.parent for i in items] == [
        None,
        "Patients with brain metastases are eligible if",
    ] * 1 + ["Patients with brain metastases are eligible if"]


def test_no_headings_means_inclusion() -> None:
    assert kinds_and_texts("* Postmenopausal women\n* HER2-negative") == [
        ("inclusion", "Postmenopausal women"),
        ("inclusion", "HER2-negative"),
    ]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (r"ANC \>= 1500", "ANC >= 1500"),
        (r"platelets \\^9/L", "platelets ^9/L"),
        (r"age \< 75", "age < 75"),
        ("**bold** text", "bold text"),
        ("a  &gt; b", "a > b"),
        (r"\[1\] note", "[1] note"),
    ],
)
def test_markdown_escapes_are_undone(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_empty_and_missing_text() -> None:
    assert split_criteria(None) == ()
    assert split_criteria("") == ()
    assert split_criteria("\n\n   \n") == ()


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_splitter_never_raises(text: str) -> None:
    for item in split_criteria(text):
        assert item.kind in ("inclusion", "exclusion")
        assert item.text


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["Inclusion Criteria:", "Exclusion Criteria:", "* a", "  1. b", "c:", "\\>", "**"]
        ),
        max_size=30,
    )
)
def test_splitter_never_raises_on_structured_noise(lines: list[str]) -> None:
    split_criteria("\n".join(lines))
