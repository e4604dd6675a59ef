"""Registry text (criteria, summaries) as readable structure: headings, items and nested items.

Sponsors write eligibility criteria as Markdown-like text: numbered and bulleted items, sub-items
indented by a few spaces. Shown as Markdown straight away, an item indented four spaces became a
grey code box (cut on the right, its escapes and entities shown raw). Here each line is read as a
paragraph or a list item with its depth, and rebuilt as a nested list whose text is escaped by the
caller: the structure shows, and nothing from the record can become a link, an image or HTML.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from matchers.safe_text import one_line

_MARKER = re.compile(
    r"^(?:(?P<bullet>[*\-+•·▪◦‣○●■□➢►-])"
    r"|(?P<label>\(?(?:\d{1,3}|[a-zA-Z]|[ivxIVX]{1,6})[.)]))(?:\s+|$)"
)
_TAB = "    "


@dataclass(frozen=True, slots=True)
class RegistryLine:
    """One line of registry text: its words, its depth, and whether it is a list item.

    ``label`` keeps an item's own number or letter ("1.", "b)"), which the text may refer to.
    """

    text: str
    depth: int
    item: bool
    label: str = ""


def registry_lines(text: str | None) -> tuple[RegistryLine, ...]:
    """Read registry text into lines with a nesting depth (0 for the outermost list level).

    Depth follows indentation: a line indented more than the one before goes one level deeper
    (never more than one at a time), a line indented less goes back to the level it matches.
    """
    lines: list[RegistryLine] = []
    indents: list[int] = []
    previous_depth = -1
    for raw in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        expanded = raw.replace("\t", _TAB)
        stripped = expanded.strip()
        if not stripped:
            continue
        indent = len(expanded) - len(expanded.lstrip())
        found = _MARKER.match(stripped)
        words = one_line(stripped[found.end() :] if found else stripped, None)
        label = (found.group("label") or "") if found else ""
        if not words and not label:
            continue
        item = found is not None or indent > 0
        if not item:
            indents.clear()
            previous_depth = -1
            lines.append(RegistryLine(words, 0, False))
            continue
        while indents and indents[-1] > indent:
            indents.pop()
        if not indents or indents[-1] < indent:
            indents.append(indent)
        depth = min(len(indents) - 1, previous_depth + 1)
        previous_depth = depth
        lines.append(RegistryLine(words, depth, True, label))
    return tuple(lines)


def registry_markdown(text: str | None, escape: Callable[[str], str]) -> str:
    """Registry text as Markdown: paragraphs, and items as a nested list, every word ``escape``d.

    ``escape`` must make one line of text inert (``components.escaped`` in the dashboard). No
    line is indented more than its list level needs, so nothing becomes a code block.
    """
    out: list[str] = []
    in_list = False
    for line in registry_lines(text):
        if not line.item:
            out += ["", escape(line.text), ""]
            in_list = False
            continue
        if not in_list:
            out.append("")
            in_list = True
        label = escape(line.label) + " " if line.label else ""
        out.append("  " * line.depth + "- " + label + escape(line.text))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip("\n")
