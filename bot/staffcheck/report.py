"""What a check finds, and how it is printed for office staff: what, where, how to fix."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing to fix: the file (and line), the entry it concerns, what is wrong, how to fix it."""

    file: str
    what: str
    fix: str
    name: str = ""  # e.g. "intent 'faq_fees'" or "response 'utter_greet'"
    line: int = 0
    # The message's key in content/staffcheck.yml and its values: the console shows it in German
    # too (bot/staffcheck/messages.py). Empty for messages that exist in English only.
    key: str = field(default="", compare=False)
    values: tuple = field(default=(), compare=False)

    def where(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        return f"{place} ({self.name})" if self.name else place

    def __str__(self) -> str:
        return f"{self.where()}: {self.what} -> {self.fix}"


@dataclass
class CheckResult:
    """The outcome of one check: problems found, or skipped with a note."""

    check: str
    title: str
    problems: list[Problem] = field(default_factory=list)
    skipped: str = ""  # why the check could not run (not a failure)
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems and not self.skipped


def summary(results: list[CheckResult]) -> str:
    """One line: how many checks passed, were skipped, and how many problems were found."""
    passed = sum(r.passed for r in results)
    skipped = sum(bool(r.skipped) for r in results)
    problems = sum(len(r.problems) for r in results)
    parts = [f"{passed} of {len(results)} checks passed"]
    if skipped:
        parts.append(f"{skipped} skipped")
    parts.append(f"{problems} problem{'s' if problems != 1 else ''}")
    return ", ".join(parts)


def render(results: list[CheckResult]) -> str:
    """The full text report: one line per check, the problems under it, then the summary."""
    lines = []
    for result in results:
        if result.skipped:
            lines.append(f"SKIPPED  {result.title}: {result.skipped}")
        elif result.passed:
            lines.append(f"ok       {result.title}")
        else:
            count = len(result.problems)
            lines.append(f"PROBLEM  {result.title}: {count} problem{'s' if count != 1 else ''}")
            lines.extend(f"  - {problem}" for problem in result.problems)
        lines.extend(f"  note: {note}" for note in result.notes)
    lines.append("")
    lines.append(summary(results))
    return "\n".join(lines)
