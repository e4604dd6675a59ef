"""The collector: raw findings from every sentence, before they are reconciled into a reading."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from matchers.findings import (
    Allowance,
    Allowed,
    Alternatives,
    Factor,
    Limit,
    LimitFactor,
    Option,
    Qualifier,
    Requirement,
    Source,
    Unread,
)
from matchers.reader.text import Polarity, trim_quote


@dataclass(slots=True)
class ReceptorRule:
    """Receptor cells a sentence restricts to (``require``) or rules out (``exclude``)."""

    cells: frozenset[str]
    mode: Literal["require", "exclude", "prefer"]
    quote: str
    kind: Source
    parts: tuple[str, ...] = ()


@dataclass(slots=True)
class SettingCue:
    cue: Literal["metastatic", "locally_advanced", "early", "early_strong", "any_stage"]
    quote: str
    kind: Source


@dataclass(slots=True)
class Collector:
    """Raw findings from every sentence, before they are reconciled into one reading."""

    requirements: list[Requirement] = field(default_factory=list)
    limits: list[Limit] = field(default_factory=list)
    allowances: list[Allowance] = field(default_factory=list)
    receptors: list[ReceptorRule] = field(default_factory=list)
    setting: list[SettingCue] = field(default_factory=list)
    #: Menopause cues: what the sentence says, its quote, its section, the parts it binds.
    menopause: list[tuple[str, str, Source, tuple[str, ...]]] = field(default_factory=list)
    breast_mentions: list[tuple[Polarity, str]] = field(default_factory=list)
    #: Criteria about the patient from which no reader took anything.
    unread: list[Unread] = field(default_factory=list)
    #: Lists of alternatives ("one of the following"), each option with its own findings.
    alternatives: list[Alternatives] = field(default_factory=list)
    #: The trial parts of the criterion being read; stamped on every finding.
    parts: tuple[str, ...] = ()
    #: Sentences that name their own part inside a longer criterion, as (part, sentence).
    part_sentences: list[tuple[str, str]] = field(default_factory=list)
    #: The criterion is one alternative in a list that also takes any solid tumor.
    any_subtype: bool = False
    #: Subtypes named here are preferred, not required ("enriched for", pan-tumor conditions).
    soft_subtype: bool = False

    def require(
        self,
        factor: Factor,
        expects: bool,
        quote: str,
        kind: Source,
        qualifier: Qualifier = Qualifier.NONE,
        *,
        items: tuple[str, ...] = (),
        note: str = "",
    ) -> None:
        self.requirements.append(
            Requirement(factor, expects, trim_quote(quote), kind, qualifier, items, note, self.parts)
        )

    def limit(
        self,
        factor: LimitFactor,
        low: int | None,
        high: int | None,
        quote: str,
        kind: Source,
        *,
        any_setting: bool = False,
    ) -> None:
        if low is not None and low < 0:
            low = 0
        if high is not None and high < 0:
            return
        if low is None and high is None:
            return
        self.limits.append(Limit(factor, low, high, trim_quote(quote), kind, self.parts, any_setting))

    def size(self) -> int:
        """How many raw findings of any kind it holds: a criterion that adds none was not read."""
        return (
            len(self.requirements)
            + len(self.limits)
            + len(self.allowances)
            + len(self.receptors)
            + len(self.setting)
            + len(self.menopause)
            + len(self.breast_mentions)
            + len(self.alternatives)
        )

    def add_alternatives(self, header: str, options: list[tuple[str, Collector]]) -> None:
        """A list of which she needs to meet one: each option keeps its own requirements."""
        group = tuple(Option(q, tuple(c.requirements), tuple(c.limits)) for q, c in options)
        self.alternatives.append(Alternatives(header, group, self.parts))

    def allow(self, factor: Allowed, quote: str, kind: Source, items: tuple[str, ...] = ()) -> None:
        self.allowances.append(Allowance(factor, trim_quote(quote), kind, self.parts, items))
