"""A finding: where a suspected leak is, its kind, and a masked glimpse of it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Finding:
    """One suspected leak: file, line (0 for the file as a whole), kind and a masked excerpt.

    ``value`` is what was found, kept for the allow-list and never printed.
    """

    path: str
    line: int
    rule: str
    what: str
    value: str = field(default="", repr=False, compare=False)

    @property
    def kind(self) -> str:
        """The kind's stable name (``cassette-scan --explain KIND``); ``rule`` is its old name."""
        return self.rule

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule}: {self.what}"


def redact(value: str) -> str:
    """Show enough of ``value`` to find it, never enough to use it."""
    return f"{value[:4]}... ({len(value)} chars)" if len(value) > 8 else f"({len(value)} chars)"
