"""What one study's record says about who may join, as the reader leaves it: the record that
crosses from the reader to the verdict, the reading cache and the readings store.

Why a module of its own: judging a patient against stored readings needs this shape but none of
the reader, whose hundreds of patterns cost a fresh process a fifth of a second to compile.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from matchers.findings import (
    Allowance,
    Allowed,
    Alternatives,
    Factor,
    Limit,
    Requirement,
    Unread,
)

Scope = Literal["breast", "solid_tumor", "other"]
Setting = Literal["metastatic", "mixed", "early", "unknown"]


@dataclass(frozen=True, slots=True)
class TrialReading:
    """What one study's record says about who may join, independent of any patient.

    ``scope`` is ``breast`` for breast cancer trials, ``solid_tumor`` for pan-tumor trials that
    admit breast cancer, ``other`` for anything else. ``setting`` is ``metastatic`` (advanced or
    metastatic disease), ``early`` (curative, pre-operative, screening or prevention), ``mixed``
    (both) or ``unknown``.
    """

    nct_id: str
    version: str
    scope: Scope
    scope_quote: str
    setting: Setting
    setting_quote: str
    requirements: tuple[Requirement, ...] = ()
    limits: tuple[Limit, ...] = ()
    allowances: tuple[Allowance, ...] = ()
    #: Lists of which she needs to meet one ("one of the following: ...").
    alternatives: tuple[Alternatives, ...] = ()
    #: Criteria about something the profile answers that the reader could not read.
    unread: tuple[Unread, ...] = ()
    healthy_volunteers: bool = False
    item_count: int = 0
    #: For a trial whose parts have their own rules, one reading per part she could join.
    parts: tuple[TrialReading, ...] = ()
    #: The part this reading is for ("group 2/part 1"); empty for a whole trial.
    part: str = ""

    def allowance(self, factor: Allowed) -> Allowance | None:
        return next((a for a in self.allowances if a.factor == factor), None)

    @property
    def subtype_cells(self) -> frozenset[str] | None:
        """Receptor cells the trial accepts, or ``None`` when it takes any subtype."""
        rule = next((r for r in self.requirements if r.factor == Factor.SUBTYPE), None)
        return rule.cells if rule else None


#: The implicit part of a trial whose criteria say some rules hold "only for" another part.
OTHER_PART = "other part"
