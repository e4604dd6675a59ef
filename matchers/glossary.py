"""Plain explanations of the words the app uses, for help next to the word and a glossary list.

The sentences live in ``data/knowledge/glossary.yaml`` with their sources; this module looks them
up by id and maps the app's own vocabularies (verdicts, phases, subtypes) to those ids, so no page
writes its own definition.
"""

from __future__ import annotations

from dataclasses import dataclass

from data.knowledge import KnowledgeBase
from matchers.citation import Citation
from matchers.public_sources import PublicCitation, public_citation

#: Where an explanation of one of the app's own labels comes from.
APP_SOURCE = "MBC Navigator: what this app's own label means"

#: Glossary ids for each trial verdict (matchers.verdict.VERDICTS).
VERDICT_TERMS: dict[str, str] = {
    "likely_eligible": "likely-eligible",
    "possibly_eligible": "possibly-eligible",
    "likely_excluded": "likely-excluded",
    "not_relevant": "not-relevant",
}
#: Glossary ids for the registry's phase codes.
PHASE_TERMS: dict[str, str] = {"PHASE1": "phase-1", "PHASE2": "phase-2", "PHASE3": "phase-3"}
#: Glossary ids that explain each subtype choice of the profile form.
SUBTYPE_TERMS: dict[str, tuple[str, ...]] = {
    "hr-positive": ("hormone-receptor",),
    "her2-positive": ("her2",),
    "triple-negative": ("triple-negative",),
}


@dataclass(frozen=True, slots=True)
class GlossaryEntry:
    """One word, its plain sentence, and its source (``None`` for the app's own labels)."""

    id: str
    term: str
    text: str
    source: Citation | PublicCitation | None

    @property
    def source_text(self) -> str:
        return APP_SOURCE if self.source is None else str(self.source)


def glossary(kb: KnowledgeBase) -> tuple[GlossaryEntry, ...]:
    """Every glossary entry, in file order."""
    return tuple(entry(kb, t.id) for t in kb.glossary)


def entry(kb: KnowledgeBase, term_id: str) -> GlossaryEntry:
    """One entry by id; raises ``KeyError`` for an unknown id (a programming error, caught by tests)."""
    term = kb.glossary_term(term_id)
    source: Citation | PublicCitation | None = None
    if term.guide:
        source = Citation(term.guide, kb.source.title)
    elif term.source:
        source = public_citation(kb.public_source(term.source))
    return GlossaryEntry(term.id, term.term, term.text, source)


def explain(kb: KnowledgeBase, *term_ids: str) -> str:
    """Help text for a widget: each term's sentence, e.g. 'HER2: A protein that helps cells grow…'."""
    return "  \n".join(f"**{entry(kb, t).term}:** {entry(kb, t).text}" for t in term_ids)


def verdict_help(kb: KnowledgeBase, verdict: str) -> str:
    return entry(kb, VERDICT_TERMS[verdict]).text


def phases_help(kb: KnowledgeBase) -> str:
    return explain(kb, *PHASE_TERMS.values())
