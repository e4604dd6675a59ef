"""Where a statement from the patient guide comes from: a section heading of the guide.

Its own module so the newer-knowledge modules (urgency, glossary) and the guide's selection can all
cite the guide the same way without importing one another.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a statement comes from: a section heading of the source document."""

    section: str
    document: str

    def __str__(self) -> str:
        return f'"{self.document}", section "{self.section}"'
