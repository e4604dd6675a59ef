"""Reading the knowledge files: one strict YAML reader and a field-by-field entry checker.

Shared by the guide's own files (``data.knowledge``) and the app's newer, separately sourced files
(``data.knowledge_extra``), so every file fails the same way: a ``KnowledgeError`` naming the file and
the entry, never a silent gap in what a patient reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

import yaml

from data.yaml_files import ID_PATTERN, load_strict


class KnowledgeError(ValueError):
    """A knowledge file that cannot be trusted; the message names the file and the entry."""

    def __init__(self, file: str, entry: str | None, problem: str) -> None:
        self.file = file
        self.entry = entry
        self.problem = problem
        where = f"{file}: entry {entry}" if entry else file
        super().__init__(f"{where}: {problem}")


# --- YAML reading ---------------------------------------------------------------------------------


def read_yaml(directory: Path, file: str) -> Mapping[str, object]:
    path = directory / file
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KnowledgeError(file, None, f"file not found in {directory}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeError(file, None, f"cannot be read: {exc}") from exc
    try:
        data = load_strict(text)
    except yaml.YAMLError as exc:
        raise KnowledgeError(file, None, f"not valid YAML: {exc}") from exc
    if not isinstance(data, Mapping):
        raise KnowledgeError(file, None, "expected a mapping of keys at the top level")
    return data


# --- validation -----------------------------------------------------------------------------------


class Entry:
    """One mapping from a file, read field by field; every failure names its file and entry."""

    def __init__(
        self,
        raw: object,
        file: str,
        label: str,
        *,
        required: frozenset[str],
        optional: frozenset[str] = frozenset(),
    ) -> None:
        self.file = file
        self.label = label
        if not isinstance(raw, Mapping):
            self.fail(f"expected a mapping of keys, got {type(raw).__name__}")
        self.raw: Mapping[object, object] = raw
        missing = sorted(required - set(raw))
        if missing:
            self.fail(f"missing key {missing[0]!r}")
        unexpected = sorted(str(k) for k in raw if k not in required | optional)
        if unexpected:
            self.fail(f"unexpected key {unexpected[0]!r}")

    def fail(self, problem: str) -> NoReturn:
        raise KnowledgeError(self.file, self.label, problem)

    def text(self, key: str) -> str:
        value = self.raw[key]
        if not isinstance(value, str):
            self.fail(f"{key!r} must be text, got {type(value).__name__}")
        stripped = " ".join(value.split())
        if not stripped:
            self.fail(f"{key!r} is empty")
        return stripped

    def optional_text(self, key: str) -> str | None:
        if self.raw.get(key) is None:
            return None
        return self.text(key)

    def texts(self, key: str, *, allow_empty: bool = False) -> tuple[str, ...]:
        value = self.raw.get(key, [])
        if not isinstance(value, list):
            self.fail(f"{key!r} must be a list, got {type(value).__name__}")
        items: list[str] = []
        for position, item in enumerate(value, start=1):
            if not isinstance(item, str) or not item.strip():
                self.fail(f"{key!r} item {position} must be non-empty text, got {item!r}")
            items.append(" ".join(item.split()))
        if not items and not allow_empty:
            self.fail(f"{key!r} must not be empty")
        if len(set(items)) != len(items):
            self.fail(f"{key!r} lists the same value twice")
        return tuple(items)

    def one_of(self, key: str, value: str, allowed: tuple[str, ...], what: str) -> str:
        if value not in allowed:
            self.fail(f"unknown {what} {value!r} (expected one of: {', '.join(allowed)})")
        return value

    def section(self, sections: tuple[str, ...]) -> str:
        section = self.text("section")
        if section not in sections:
            self.fail(f"unknown source section {section!r}")
        return section

    def day(self, key: str) -> date:
        """An ISO date (YAML reads ``2023-01-27`` as a date already; quoted text is parsed)."""
        value = self.raw.get(key)
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.fail(f"{key!r} must be an ISO date such as 2023-01-27, got {value!r}")

    def optional_day(self, key: str) -> date | None:
        return None if self.raw.get(key) is None else self.day(key)

    def url(self, key: str) -> str:
        value = self.text(key)
        parts = urlsplit(value)
        if parts.scheme != "https" or not parts.netloc or " " in value:
            self.fail(f"{key!r} must be a full https:// address, got {value!r}")
        return value

    def ids(
        self, key: str, known: frozenset[str], what: str, *, allow_empty: bool = False
    ) -> tuple[str, ...]:
        values = self.texts(key, allow_empty=allow_empty)
        for value in values:
            if value not in known:
                self.fail(f"unknown {what} {value!r}")
        return values


def entries(data: Mapping[str, object], file: str, group: str) -> list[tuple[str, object]]:
    """The entries of one list in a file, each with the label errors use ('id' or #position)."""
    raw = data[group]
    if not isinstance(raw, list) or not raw:
        raise KnowledgeError(file, repr(group), "must be a non-empty list of entries")
    labelled: list[tuple[str, object]] = []
    seen: set[str] = set()
    for position, item in enumerate(raw, start=1):
        label = f"#{position} in {group!r}"
        if not isinstance(item, Mapping):
            raise KnowledgeError(file, label, f"expected a mapping of keys, got {type(item).__name__}")
        if "id" not in item:
            raise KnowledgeError(file, label, "missing key 'id'")
        entry_id = item["id"]
        if not isinstance(entry_id, str) or not entry_id.strip():
            raise KnowledgeError(file, label, f"'id' must be non-empty text, got {entry_id!r}")
        if not ID_PATTERN.match(entry_id):
            raise KnowledgeError(
                file, repr(entry_id), "malformed id (use lower-case words joined by hyphens)"
            )
        if entry_id in seen:
            raise KnowledgeError(file, repr(entry_id), "duplicate id")
        seen.add(entry_id)
        labelled.append((repr(entry_id), item))
    return labelled


def top_level(data: Mapping[str, object], file: str, keys: frozenset[str]) -> None:
    missing = sorted(keys - set(data))
    if missing:
        raise KnowledgeError(file, None, f"missing key {missing[0]!r}")
    unexpected = sorted(str(k) for k in data if k not in keys)
    if unexpected:
        raise KnowledgeError(file, None, f"unexpected key {unexpected[0]!r}")
