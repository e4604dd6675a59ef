"""Reading grade of the app's own patient-facing text: Flesch-Kincaid grade per entry, with the mean.

Goal (issue 12): mean <= 8 and every entry <= 10. It reads the knowledge base (the guide's
paraphrase and the app's newer entries: what changed since, urgency, glossary) and the fixed
sentences the app itself writes (disclaimers, trial summaries, resource reasons). Text quoted from
trial records or organization descriptions is not the app's own and is left out.

Usage: python bench/bench_readability.py [--all]   (--all lists every entry, not only those over 10)
Needs textstat (in the test extras); no network.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import textstat

from data.knowledge import load_knowledge

MEAN_GOAL = 8.0
ENTRY_GOAL = 10.0


def _ui_strings() -> Iterator[tuple[str, str]]:
    """The app's own fixed sentences, found by name so the bench runs on older commits too."""
    import importlib

    names = {
        "matchers.selection": ("DISCLAIMER",),
        "dashboard.components": ("DISCLAIMER",),
        "matchers.packet": ("DISCLAIMER", "SHORT_DISCLAIMER", "NO_TRIALS_HOW", "NEWER_INTRO"),
        "matchers.currency": ("ASK_WHETHER_IT_FITS",),
        "matchers.trial_summary": ("SUMMARY_SOURCE", "PLACEBO_WORDS", "_ALLOCATION", "_MASKING"),
        "matchers.resources": ("NEED_REASONS", "_KIND_REASONS", "_INFORMATION_REASON"),
    }
    for module_name, attributes in names.items():
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for attribute in attributes:
            value = getattr(module, attribute, None)
            if isinstance(value, str):
                yield f"{module_name}.{attribute}", value
            elif isinstance(value, dict):
                for key, text in value.items():
                    yield f"{module_name}.{attribute}[{key}]", str(text)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "?", "!", ":")) else text + "."


def entries() -> list[tuple[str, str]]:
    """(label, text) per entry: a knowledge entry's title, text and list items are read together as
    the one passage a reader sees (a title alone is not prose); each fixed UI sentence is its own."""
    kb = load_knowledge()
    found = [(f"guide:{entry}", text) for entry, text in kb.texts()]
    own = getattr(kb, "own_texts", None)
    if own is not None:
        found += [(f"own:{entry}", text) for entry, text in own()]
    found += list(_ui_strings())
    passages: dict[str, list[str]] = {}
    for label, text in found:
        passages.setdefault(label, []).append(_sentence(text))
    return [(label, " ".join(parts)) for label, parts in passages.items()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="list every entry's grade")
    args = parser.parse_args()
    scored = [(textstat.flesch_kincaid_grade(text), label, text) for label, text in entries()]
    grades = [grade for grade, _, _ in scored]
    over = sorted((s for s in scored if s[0] > ENTRY_GOAL), reverse=True)
    for grade, label, text in sorted(scored, reverse=True) if args.all else over:
        print(f"{grade:5.1f}  {label}: {text[:110]}")
    mean = statistics.mean(grades)
    print(
        f"entries={len(grades)} mean_grade={mean:.2f} (goal <= {MEAN_GOAL}) "
        f"max_grade={max(grades):.1f} (goal <= {ENTRY_GOAL}) over_goal={len(over)}"
    )
    return 0 if mean <= MEAN_GOAL and not over else 1


if __name__ == "__main__":
    raise SystemExit(main())
