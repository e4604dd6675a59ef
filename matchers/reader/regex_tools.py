"""Building regular expressions the regex engine can scan quickly."""

from __future__ import annotations

import re
from typing import Any


def trie_pattern(words: list[str]) -> str:
    """A regex matching any of ``words``, factored by common prefix.

    Python's regex engine tries alternatives one by one at every position; a prefix tree lets it
    reject most positions after one character, which makes a 150-word scan about six times faster.
    """
    trie: dict[str, dict[str, Any]] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + build(node[char]) for char in sorted(k for k in node if k)]
        if not branches:
            return ""
        optional = "" in node
        if len(branches) == 1 and not optional:
            return branches[0]
        group = "(?:" + "|".join(branches) + ")"
        return group + "?" if optional else group

    return build(trie)


def first_letter_pattern(pattern: str) -> str:
    r"""``\b(?:lung|liver|...)tail`` regrouped by first letter: ``(?:l(?<!\wl)(?:ung|iver)|...)tail``.

    Same matches, but the regex engine can skip every position whose character starts no
    alternative, which a leading ``\b`` prevents; for long lists of cancer names about 40%
    faster. Every top-level alternative must start with a plain letter.
    """
    head = r"\b(?:"
    if not pattern.startswith(head):
        raise ValueError("expected a pattern starting with \\b(?:")
    alternatives: list[str] = []
    current: list[str] = []
    depth, index = 0, len(head)
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            current.append(pattern[index : index + 2])
            index += 2
            continue
        if char == ")" and depth == 0:
            break
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "|" and depth == 0:
            alternatives.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    alternatives.append("".join(current))
    groups: dict[str, list[str]] = {}
    for alternative in alternatives:
        if not alternative[:1].isalpha():
            raise ValueError(f"alternative {alternative!r} does not start with a letter")
        groups.setdefault(alternative[0], []).append(alternative[1:])
    grouped = "|".join(f"{c}(?<!\\w{c})(?:{'|'.join(rest)})" for c, rest in groups.items())
    return f"(?:{grouped}){pattern[index + 1 :]}"


def _scan_pattern(pattern: str, start: int = 0) -> list[tuple[int, str]]:
    """Positions and characters of ``pattern`` that are syntax: not escaped, not in a class."""
    tokens: list[tuple[int, str]] = []
    index, in_class = start, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            index += 1
            if pattern[index : index + 1] == "^":
                index += 1
            if pattern[index : index + 1] == "]":  # "[]...]": a literal bracket, not the end
                index += 1
            continue
        elif char in "()|":
            tokens.append((index, char))
        index += 1
    return tokens


def _split_alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a pattern (``|`` outside groups and character classes)."""
    alternatives: list[str] = []
    start = depth = 0
    for index, char in _scan_pattern(pattern):
        if char == "|" and depth == 0:
            alternatives.append(pattern[start:index])
            start = index + 1
        else:
            depth += {"(": 1, ")": -1}.get(char, 0)
    alternatives.append(pattern[start:])
    return alternatives


def split_alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a pattern, to search for apart."""
    return _split_alternatives(pattern)


def _group_end(pattern: str) -> int:
    """Where the group that opens ``pattern`` ends (just after its closing bracket)."""
    depth = 0
    for index, char in _scan_pattern(pattern):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return index + 1
    raise ValueError(f"unbalanced group in {pattern!r}")


_SPECIAL = frozenset(".^$*+?{}[]\\|()")


#: Classes an alternative may start with when it is grouped by first character (see
#: ``first_class_pattern``), and whether their characters are word characters.
_CLASS_STARTS = {"\\d": True, "\\s": False}


def _plain_starts(
    alternative: str, boundary: bool = False, behind: tuple[str, ...] = (), classes: bool = False
) -> list[str]:
    r"""``alternative`` rewritten as alternatives that each start with a plain character, in the
    order the regex engine would try them. ``boundary`` stands for a ``\b`` and ``behind`` for
    look-behinds (``(?<!non-)``) that came before it; both are checked after that character."""
    if alternative.startswith("\\b"):
        return _plain_starts(alternative[2:], True, behind, classes)
    if alternative.startswith(("(?<!", "(?<=")):  # "(?<!non-)x" -> "x(?<!(?:non-)x)"
        end = _group_end(alternative)
        return _plain_starts(alternative[end:], boundary, (*behind, alternative[:end]), classes)
    if alternative.startswith("(?:"):  # "(?:any|all)\s+x" -> "any\s+x", "all\s+x"
        end = _group_end(alternative)
        inner, rest = alternative[3 : end - 1], alternative[end:]
        optional = rest[:1] == "?"
        if optional:
            rest = rest[1:]
        if rest[:1] in ("?", "*", "+", "{"):
            raise ValueError(f"alternative {alternative!r} repeats its first group")
        starts = [
            s
            for sub in _split_alternatives(inner)
            for s in _plain_starts(sub + rest, boundary, behind, classes)
        ]
        return starts + _plain_starts(rest, boundary, behind, classes) if optional else starts
    # The first character: a letter, a digit or punctuation ("<", "\\(").
    size = 2 if alternative[:1] == "\\" and not alternative[1:2].isalnum() else 1
    if classes and alternative[:2] in _CLASS_STARTS:
        size = 2
    first, rest = alternative[:size], alternative[size:]
    if (
        not first
        or (size == 1 and first in _SPECIAL)
        or (first[0] == "\\" and first[1:].isalpha() and first not in _CLASS_STARTS)
    ):
        raise ValueError(f"alternative {alternative!r} does not start with a plain character")
    if rest[:1] == "?" and rest[1:2] != "?":  # "m?tnbc" -> "mtnbc", "tnbc"
        return _plain_starts(first + rest[1:], boundary, behind, classes) + _plain_starts(
            rest[1:], boundary, behind, classes
        )
    if classes and rest[:1] == "+" and rest[1:2] != "+":  # "\\s+x" -> "\\s\\s*x"
        rest = first + "*" + rest[1:]
    if rest[:1] in ("?", "*", "+", "{"):
        raise ValueError(f"alternative {alternative!r} repeats its first character")
    checks = [f"{group[:4]}(?:{group[4:-1]}){first})" for group in behind]
    if boundary:  # "\\b" before a letter: no word character before it; before "-": one is
        word = _CLASS_STARTS.get(first, first.isascii() and first.isalnum())
        checks.append(f"(?<!\\w{first})" if word else f"(?<=\\w{first})")
    return [first + "".join(checks) + rest]


def word_start_pattern(pattern: str) -> str:
    r"""The same regex with every alternative starting with a plain character.

    ``\bchemo\w*|\bcytotoxic`` becomes ``(?:c(?<!\wc)hemo\w*|c(?<!\wc)ytotoxic)``: "\b" before a
    letter is "no word character before it", checked just after the letter. The regex engine can
    then skip, with one table look-up, every position whose character starts no alternative,
    where a leading ``\b`` makes it try each alternative at each position. Groups at the start
    are spread over the alternatives in order (``\b(?:ns)?ais`` -> ``nsais``, ``ais``), so each
    position finds the same match as before. Worth it when the alternatives start with few,
    rarer letters; patterns with capturing groups are refused (spreading would renumber them).
    """
    if re.compile(pattern).groups:
        raise ValueError("patterns with capturing groups cannot be rewritten")
    return "(?:" + "|".join(s for a in _split_alternatives(pattern) for s in _plain_starts(a)) + ")"


def word_start_after_openings(pattern: str) -> str:
    r"""``word_start_pattern`` for a pattern with alternatives anchored at the start of the text
    (``^...``, no MULTILINE), which cannot be rewritten: they stay as they are, in their place,
    and every run of other alternatives is rewritten. The engine still tries each position, but
    there each rewritten alternative fails on its first character instead of on a ``\b``."""
    parts: list[str] = []
    run: list[str] = []
    for alternative in _split_alternatives(pattern):
        if alternative.startswith("^"):
            if run:
                parts.append(word_start_pattern("|".join(run)))
                run = []
            parts.append(alternative)
        else:
            run.append(alternative)
    if run:
        parts.append(word_start_pattern("|".join(run)))
    return "|".join(parts)


def first_class_pattern(pattern: str) -> str:
    r"""The same regex with its first character taken by one character class, then the
    alternatives that start with that character: ``\bwithin|\bwashout|\d+\s*days`` becomes
    ``[w\d](?:(?<=w)(?:(?<!\ww)ithin|(?<!\ww)ashout)|(?<=\d)\d*\s*days)``.

    For patterns ``word_start_pattern`` cannot rewrite because an alternative starts with
    ``\d`` or ``\s`` (a class, which leaves the regex engine no first characters to skip by, so it
    tries every alternative at every position). The engine skips, in C, every position whose
    character is not in the class; at the others only the alternatives starting with that
    character are tried, in their order, so every match is the one the pattern finds. Patterns
    with capturing groups are refused.
    """
    if re.compile(pattern).groups:
        raise ValueError("patterns with capturing groups cannot be rewritten")
    starts = [s for a in _split_alternatives(pattern) for s in _plain_starts(a, classes=True)]
    by_first: dict[str, list[str]] = {}
    for start in starts:
        size = 2 if start[:1] == "\\" else 1
        by_first.setdefault(start[:size], []).append(start[size:])
    # Alternatives with different first characters never match at the same position: the groups
    # can go in any order, the most common letters first (most positions the class lets through).
    rank = {c: i for i, c in enumerate(_LETTER_ORDER)}
    order = sorted(by_first, key=lambda first: rank.get(first, len(rank)))
    branches = [
        f"(?<={first})" + (rests[0] if len(rests) == 1 else "(?:" + "|".join(rests) + ")")
        for first, rests in ((first, by_first[first]) for first in order)
    ]
    members = "".join(f if len(f) == 2 or f not in "]^-\\" else "\\" + f for f in order)
    return "[" + members + "](?:" + "|".join(branches) + ")"


def last_match(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The last match of ``pattern`` in ``text`` (the one nearest a mention that follows)."""
    last = None
    for last in pattern.finditer(text):  # noqa: B007 - only the final match is wanted
        pass
    return last


def hint_pattern(hints: tuple[str, ...]) -> re.Pattern[str]:
    """A compiled search for any of several plain substrings (faster than a loop of ``in``)."""
    return re.compile(trie_pattern(list(hints)))


def _literal_expansions(pattern: str, index: int = 0) -> tuple[list[str], int]:
    """The strings a pattern of plain characters, ``(?:...)`` groups, ``|`` and ``?`` matches,
    and where it stops (at the end, or at the ``)`` that closes the group it is in)."""
    alternatives: list[str] = []
    current = [""]
    while index < len(pattern):
        char = pattern[index]
        if char == ")":
            break
        if char == "|":
            alternatives += current
            current, index = [""], index + 1
            continue
        if char == "\\" and index + 1 < len(pattern) and not pattern[index + 1].isalnum():
            piece, index = [pattern[index + 1]], index + 2
        elif pattern.startswith("(?:", index):
            piece, index = _literal_expansions(pattern, index + 3)
            if pattern[index : index + 1] != ")":
                raise ValueError(f"unbalanced group in {pattern!r}")
            index += 1
        elif char not in _SPECIAL:
            piece, index = [char], index + 1
        else:
            raise ValueError(f"{pattern!r} is not a list of plain words")
        if pattern[index : index + 1] == "?":
            piece, index = [*piece, ""], index + 1
        if pattern[index : index + 1] in ("*", "+", "{", "?"):
            raise ValueError(f"{pattern!r} repeats a part")
        current = [head + tail for head in current for tail in piece]
    return alternatives + current, index


#: Letters from the most to the least common in English text.
_LETTER_ORDER = "etaoinsrhldcumfpgwybvkxjqz"


def rare_letter_pattern(pattern: str) -> str:
    r"""A regex that finds the same plain words as ``pattern`` (only plain characters, ``(?:)``
    groups, ``|`` and ``?``), each found at its rarest letter and checked backwards from there.

    ``therapy|arm|clus`` becomes ``y(?<=therapy)|m(?<=arm)|u(?<=clu)s``. A match ends where the
    word ends but starts at that letter, so only use it to ask *whether* a word is there. The
    regex engine skips, in C, every position whose character starts no alternative; words led by
    "e", "t" or "a" stop it at most positions, their rarer letters far less often.
    """
    words, end = _literal_expansions(pattern)
    if end != len(pattern) or not all(words):
        raise ValueError(f"{pattern!r} is not a list of plain words")
    rank = {c: i for i, c in enumerate(_LETTER_ORDER)}

    def anchored(word: str) -> str:
        at = max(range(len(word)), key=lambda i: (rank.get(word[i], -1), -i))
        behind = f"(?<={re.escape(word[: at + 1])})" if at else ""
        return re.escape(word[at]) + behind + re.escape(word[at + 1 :])

    return "|".join(anchored(word) for word in sorted(set(words)))
