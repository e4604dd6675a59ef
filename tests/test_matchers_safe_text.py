"""Registry text is shown literally: nothing in a trial record may render as markdown or HTML."""

import pytest

from matchers.safe_text import WORD_JOINER, escape_markdown, one_line, strip_invisible, unescape_registry


@pytest.mark.parametrize(
    ("hostile", "forbidden"),
    [
        ("![tracker](http://evil.example/x.png)", "!["),
        ("[click](javascript:alert(1))", "]("),
        ("<script>alert(1)</script>", "<script>"),
        ("<img src=x onerror=alert(1)>", "<img"),
        ("**bold** and _em_", "**"),
    ],
)
def test_markup_is_escaped(hostile: str, forbidden: str) -> None:
    assert forbidden not in escape_markdown(hostile)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# Heading", "\\# Heading"),
        ("| a |", "\\| a \\|"),
        ("1. item", "1\\. item"),
        ("> quote", "&gt; quote"),
    ],
)
def test_block_markup_is_escaped_at_line_start(text: str, expected: str) -> None:
    assert escape_markdown(text) == expected


def test_bare_web_addresses_are_not_turned_into_links() -> None:
    escaped = escape_markdown("see http://evil.example/x and www.evil.example and HTTPS://a.b")
    assert "http" + WORD_JOINER in escaped
    assert "www" + WORD_JOINER in escaped
    assert "HTTPS" + WORD_JOINER in escaped
    assert "http\\://" not in escaped


def test_registry_escapes_are_removed_before_escaping_again() -> None:
    assert unescape_registry("ECOG \\>= 2 and mg/m\\^2") == "ECOG >= 2 and mg/m^2"
    assert escape_markdown("\\>= 2") == "&gt;\\= 2"


def test_newlines_survive_as_line_breaks() -> None:
    assert escape_markdown("one\ntwo") == "one  \ntwo"


def test_empty_text_is_empty() -> None:
    assert escape_markdown(None) == "" and escape_markdown("") == ""


def test_one_line_collapses_and_cuts_at_a_word() -> None:
    text = "Inclusion:\n  * metastatic   breast cancer " + "word " * 100
    line = one_line(text, limit=40)
    assert "\n" not in line and "  " not in line
    assert len(line) <= 40 and line.endswith("…")
    assert one_line("short") == "short"


def test_invisible_characters_are_dropped_wherever_registry_text_is_shown() -> None:
    disguised = "Trial\u202e A\u200b  B\x00\nnext"
    assert strip_invisible(disguised) == "Trial A  B\nnext"
    assert "\u202e" not in escape_markdown(disguised) and "\x00" not in escape_markdown(disguised)
    assert one_line(disguised) == "Trial A B next"
    assert strip_invisible("plain text") == "plain text"
