"""Make untrusted registry text safe to show: no markdown or HTML from a trial record may render.

Study records are written by thousands of sponsors; a summary can hold an image link, raw HTML or a
script tag. Whatever displays them (the dashboard's markdown, the packet's Markdown) passes them
through ``escape_markdown`` so they show as the literal characters they are.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta

_REGISTRY_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|~^=&$%])")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~^=>$:])")
_SPACES = re.compile(r"[ \t]+")
# GitHub-flavoured markdown turns bare "http://", "https://" and "www." into links even when every
# punctuation mark is escaped; a word joiner (U+2060, invisible) after the scheme stops that.
_AUTOLINK_START = re.compile(r"(?i)\b(https?|ftp|www)(?=\\[:.])")
WORD_JOINER = "\u2060"


def unescape_registry(text: str) -> str:
    """Drop the backslash escapes ClinicalTrials.gov puts in its markdown (``\\>=`` becomes ``>=``)."""
    return _REGISTRY_ESCAPE.sub(r"\1", text)


def strip_invisible(text: str) -> str:
    """Remove control and formatting characters (NUL, zero-width spaces, a right-to-left override
    that can disguise text); other whitespace becomes a plain space, line breaks stay."""
    if text.isprintable():  # nearly every text: one fast check
        return text
    return "".join(ch if ch.isprintable() or ch == "\n" else " " if ch.isspace() else "" for ch in text)


def escape_markdown(text: str | None) -> str:
    """Escape text so Streamlit or any CommonMark renderer shows it literally.

    HTML special characters become entities (so ``<script>`` is shown, not run) and every markdown
    punctuation mark is backslash-escaped (so ``![x](http://…)`` neither renders nor loads), and a
    bare web address gets an invisible word joiner so it is not turned into a link.

    >>> escape_markdown("![x](a.png) <b>hi</b>")
    '\\\\!\\\\[x\\\\]\\\\(a\\\\.png\\\\) &lt;b&gt;hi&lt;/b&gt;'
    """
    if not text:
        return ""
    plain = strip_invisible(unescape_registry(text))
    escaped = html.escape(plain, quote=False)
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", escaped)
    escaped = _AUTOLINK_START.sub(lambda m: m.group(1) + WORD_JOINER, escaped)
    return escaped.replace("\n", "  \n")


# Inline markdown that could act inside one line of text: emphasis, code, links and images, HTML and
# autolinks, strikethrough. Block markers (#, >, -, 1.) only act at the start of a line, and the
# packet never starts a line with outside text.
_INLINE_SPECIAL = re.compile(r"([`*_\[\]<>~|])|\\(?=[!-/:-@\[-`{-~])")


def escape_inline_markdown(text: str | None) -> str:
    """Escape one line of outside text for a Markdown file that people also read as plain text.

    Only what could act inside a line is escaped (``*``, ``_``, backquotes, brackets, angle
    brackets, ``~``, ``|`` and a backslash before punctuation), so "Standard-of-Care" and
    "844-310-3900" stay as written and "&" is not turned into "&amp;". Nothing can become a link,
    an image, emphasis or HTML; a bare web address gets an invisible word joiner after its scheme
    so it is not linked. Line breaks become spaces.

    >>> escape_inline_markdown("![x](a.png) <b>Standard-of-Care</b> & more")
    '!\\[x\\](a.png) \\<b\\>Standard-of-Care\\</b\\> & more'
    """
    flat = one_line(text, None)
    escaped = _INLINE_SPECIAL.sub(lambda m: "\\" + (m.group(1) or "\\"), flat)
    return _BARE_ADDRESS.sub(lambda m: m.group(1) + WORD_JOINER, escaped)


_BARE_ADDRESS = re.compile(r"(?i)\b(https?|ftp|www)(?=:|\.)")


def one_line(text: str | None, limit: int | None = 240) -> str:
    """Collapse whitespace, drop invisible characters and cut to ``limit`` characters at a word
    boundary (``None``: no cut), for tables, lists and the terminal."""
    if not text:
        return ""
    flat = _SPACES.sub(" ", strip_invisible(unescape_registry(text)).replace("\n", " ")).strip()
    if limit is None or len(flat) <= limit:
        return flat
    cut = flat[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


def age_words(age: timedelta) -> str:
    """How long ago, in words: "just now", "5 minutes ago", "3 hours ago", "2 days ago"."""
    minutes = max(0, int(age.total_seconds() // 60))
    if minutes < 2:
        return "just now"
    if minutes < 120:
        return f"{minutes} minutes ago"
    hours = minutes // 60
    return f"{hours} hours ago" if hours < 48 else f"{hours // 24} days ago"
