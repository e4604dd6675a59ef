"""The faster forms of the splitter's and reader's regexes find exactly what the plain forms do."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchers import criteria_text
from matchers.criteria_parts import PART_HINT
from matchers.reader.regex_tools import rare_letter_pattern

_PIECES = [
    "therapy",
    "arm",
    "clus",
    "run-in",
    "runin",
    "par",
    "part",
    "ex",
    "clud",
    "seg",
    "ment",
    "Age: ",
    "No ",
    "Inclusion Criteria",
    "Additional for patients in Part B",
    "o ",
    "iv. ",
    "a) ",
    "1. ",
    "(b) ",
    "* ",
    "x",
    ")",
    ".",
    "]",
    " ",
    "  ",
    "\t",
    "\n",
    "é",
    "%",
    "9",
    "s",
]
_TEXTS = st.lists(st.sampled_from(_PIECES), max_size=14).map("".join)


@settings(max_examples=400, deadline=None)
@given(_TEXTS, st.integers(min_value=0, max_value=90))
def test_rare_letter_pattern_finds_a_word_where_the_words_do(text: str, endpos: int) -> None:
    words = "clus|eligib|criteri|characteristics|therapy|following|exclud|" + PART_HINT
    fast, slow = re.compile(rare_letter_pattern(words)), re.compile(words)
    assert (fast.search(text) is None) == (slow.search(text) is None)
    assert (fast.search(text, 0, endpos) is None) == (slow.search(text, 0, endpos) is None)


def test_rare_letter_pattern_refuses_what_is_not_a_list_of_words() -> None:
    for pattern in (r"\bfoo", "a+b", "(?:ab)*", "a|(b", "x{2}", "", "a|"):
        with pytest.raises(ValueError):
            rare_letter_pattern(pattern)
    assert re.fullmatch(rare_letter_pattern("run-?in"), "") is None
    found = re.finditer(rare_letter_pattern("run-?in|arm"), "run-in runin arm")
    assert [m.group() for m in found] == ["un-in", "unin", "m"]  # from the rarest letter on


_OLD_RUN_ON = re.compile(r"(?<=[a-z0-9)\]%])\s+(?=(?:(?:Age|Sex):\s)|(?:No|Not|At least)\s)")
_NEW_RUN_ON = re.compile(r"\s(?<=[a-z0-9)\]%]\s)\s*(?=(?:(?:Age|Sex):\s)|(?:No|Not|At least)\s)")
_OLD_TRAILING = re.compile(
    r"(?<=[.)\]])[ \t]+(?=(?:Inclusion|Exclusion)\s+[Cc]riteria\s*:?[ \t]*$|"
    r"Additional\s+for[^.:\n]{0,80}$)",
    re.MULTILINE,
)
_NEW_TRAILING = re.compile(
    r"[ \t](?<=[.)\]][ \t])[ \t]*(?=(?:Inclusion|Exclusion)\s+[Cc]riteria\s*:?[ \t]*$|"
    r"Additional\s+for[^.:\n]{0,80}$)",
    re.MULTILINE,
)


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_space_first_breaks_split_where_look_behind_first_breaks_do(text: str) -> None:
    assert _NEW_RUN_ON.split(text) == _OLD_RUN_ON.split(text)
    assert _NEW_TRAILING.sub("\n", text) == _OLD_TRAILING.sub("\n", text)


def test_the_splitter_breaks_a_run_on_paragraph_and_a_trailing_heading() -> None:
    body = "Confirmed breast cancer (by fish) No prior chemotherapy for metastatic disease Age: 18"
    assert criteria_text._run_on_pieces(body) == [
        "Confirmed breast cancer (by fish)",
        "No prior chemotherapy for metastatic disease",
        "Age: 18",
    ]
    text = "1. Adults (18 or over). Exclusion Criteria\n2. Pregnancy"
    assert (
        criteria_text._break_trailing_headings(text)
        == "1. Adults (18 or over).\nExclusion Criteria\n2. Pregnancy"
    )


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_marker_shortcut_finds_the_markers_the_regex_finds(text: str) -> None:
    found, expected = criteria_text._marker_at(text), criteria_text._MARKER.match(text)
    assert (found and found.group(0)) == (expected and expected.group(0))


_CONCEPT_PIECES = [
    "brain",
    "mri",
    "28",
    "x28",
    "4",
    " days",
    " weeks ",
    "prior",
    " ",
    "within ",
    "the last ",
    "ongoing",
    "er",
    "+",
    "status",
    "exception",
    ":",
    "women",
    "uln",
    "2 x",
    "aged",
    " 65",
    "years old",
    "one word",
    ".",
    "-",
    "é",
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_CONCEPT_PIECES), max_size=10).map("".join))
def test_concept_searches_find_what_the_concept_patterns_find(text: str) -> None:
    from matchers.reader import concepts

    for concept in concepts.CONCEPTS:
        mention, no_rule = concepts._SEARCHES[concept.name]
        assert concepts._found(mention, text) == (concept.mention.search(text) is not None)
        assert concepts._found(no_rule, text) == (concept.no_rule.search(text) is not None)


def test_concept_searches_split_a_pattern_that_cannot_be_rewritten_whole() -> None:
    from matchers.reader import concepts

    searches = concepts._searches(re.compile(r"\bwashout\b|\b\d+\s*days|^\W*[a-z]+\W*$|[3-9]\d"))
    assert len(searches) == 4
    for text, expected in (("a 28 days wait", True), ("x28 days", False), ("word.", True), ("45", True)):
        assert concepts._found(searches, text) is expected, text
    assert concepts._found(searches, "two words") is False


def test_unread_concepts_skips_the_concepts_it_is_told_were_read() -> None:
    from matchers.reader.concepts import unread_concepts

    text = "no known brain metastases in women with her2-positive disease"
    everything = {c.name for c in unread_concepts(text)}
    assert {"brain", "receptors"} <= everything
    assert {c.name for c in unread_concepts(text, {"brain"})} == everything - {"brain"}
    assert unread_concepts(text, everything) == ()


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                *("within", " ", "  ", "4", "12", "x", "days", " prior", "<", "=", "less than", "a "),
                *("minimum of", "washout", "has", " elapsed", ".", "!", "?", ";", "A", "However,"),
                *("é", "٣", "\t", "-", "since"),
            ]
        ),
        max_size=12,
    ).map("".join),
    st.integers(min_value=0, max_value=10),
)
def test_first_class_rewrite_matches_exactly_what_the_pattern_matches(text: str, pos: int) -> None:
    from matchers.reader.regex_tools import first_class_pattern

    for pattern in (
        r"\bwithin\s+\d+|(?:<=|<|less\s+than)\s*\d+\s*days|\b\d+\s*days\s+prior|\d+\s*x|"
        r"(?:a\s+)?minimum\s+of\s+\d+|\bwashout\b|(?:has|have)\s+elapsed",
        r"(?:\.|!|\?)(?<=[A-Za-z0-9)\]%\"'][.!?])\s+(?=[A-Z(\"'])|;\s+|\s+(?=However,)",
    ):
        fast, slow = re.compile(first_class_pattern(pattern)), re.compile(pattern)
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in slow.finditer(text)]
        found, expected = fast.search(text, pos), slow.search(text, pos)
        assert (found and found.span()) == (expected and expected.span())


def test_first_class_rewrite_refuses_what_it_cannot_keep_exact() -> None:
    from matchers.reader.regex_tools import first_class_pattern

    for pattern in (r"(\d)x", r"\w+y", r"[ab]c", r"\d{2}", r"x*y"):
        with pytest.raises(ValueError):
            first_class_pattern(pattern)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["for ", "patients", " with", " x ", " must", "if ", "her2", "in case of", " ", "é"]
        ),
        max_size=10,
    ).map("".join)
)
def test_word_start_after_openings_matches_what_the_pattern_matches(text: str) -> None:
    from matchers.reader.context import CONDITIONAL
    from matchers.reader.regex_tools import word_start_after_openings

    pattern = (
        r"^(?:for\s+)?patients\s+with\b[^;]{0,20}?\bmust\b|\bif\s+her2\b|^\W*x\b|\bin\s+case\s+of\b"
    )
    fast, slow = re.compile(word_start_after_openings(pattern)), re.compile(pattern)
    assert [m.span() for m in fast.finditer(text)] == [m.span() for m in slow.finditer(text)]
    assert CONDITIONAL.pattern.startswith("^")  # the opening alternative kept in its place


def test_all_indented_is_settled_by_the_lines_with_text() -> None:
    assert criteria_text._all_indented(["  a", "", "\tb"]) is True
    assert criteria_text._all_indented(["  a", "b"]) is False
    assert criteria_text._all_indented(["", "   "]) is False  # no line with text


def test_a_stripped_first_line_is_read_at_the_depth_of_the_lines_under_it() -> None:
    stripped = "Patients with:\n  * measurable disease\n  * ECOG 0-1"
    indented = "  Patients with:\n  * measurable disease\n  * ECOG 0-1"
    assert criteria_text.split_criteria(stripped) == criteria_text.split_criteria(indented)
    assert [i.parent for i in criteria_text.split_criteria(stripped)] == ["Patients with"] * 2


def test_word_guards_hold_wherever_their_patterns_match() -> None:
    from matchers.reader import therapy

    for text in (
        "recovered from",
        "grade 2 toxicity",
        "resolved",
        "resolution",
        "adverse events",
        "side effects",
    ):
        assert therapy._NOT_HISTORY.search(text) and therapy._may_not_be_history(text)
    for text in ("concurrent use", "concomitant", "currently receiving", "ongoing"):
        assert therapy._NOT_A_PRIOR.search(text) and therapy._may_not_be_a_prior(text)
    assert not therapy._may_not_be_history("prior paclitaxel") and not therapy._may_not_be_a_prior(
        "prior"
    )
