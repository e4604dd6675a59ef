"""What has been said so far about one trial for one patient: reasons, concerns, questions, fit."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Explanation:
    """One plain sentence and the trial text it rests on."""

    text: str
    quote: str = ""

    def __str__(self) -> str:
        return f'{self.text} The trial says: "{self.quote}"' if self.quote else self.text


@dataclass(slots=True)
class Judgement:
    """Collects the sentences the verdict rules write; the verdict follows from what was said."""

    reasons: list[Explanation] = field(default_factory=list)
    concerns: list[Explanation] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    fit: list[str] = field(default_factory=list)
    fit_points: int = 0
    excluded: bool = False
    uncertain: bool = False
    open_questions: int = 0  # questions that lower the verdict

    def copy(self) -> Judgement:
        return Judgement(
            list(self.reasons),
            list(self.concerns),
            list(self.questions),
            list(self.fit),
            self.fit_points,
            self.excluded,
            self.uncertain,
            self.open_questions,
        )

    @property
    def rank_points(self) -> int:
        """Fit minus open questions: among "possibly eligible" trials, the ones with fewer
        unknowns come first."""
        return max(0, self.fit_points - self.open_questions)

    def reason(self, text: str, quote: str = "") -> None:
        self.reasons.append(Explanation(text, quote))

    def concern(self, text: str, quote: str = "") -> None:
        self.concerns.append(Explanation(text, quote))
        self.excluded = True

    def ask(self, text: str, *, downgrade: bool = True) -> None:
        if text not in self.questions:
            self.questions.append(text)
            self.open_questions += downgrade
        self.uncertain = self.uncertain or downgrade

    def add_fit(self, label: str, points: int) -> None:
        if label not in self.fit:
            self.fit.append(label)
        self.fit_points += points
