"""The allow-list: a team's known-fake values the scan lets pass, each with the reason why.

The file (``.cassette-scan-allow`` in the current folder, or ``--allow-file PATH``) is reviewed like
code. One entry a line::

    # comments and blank lines are ignored
    KIND  VALUE          # why this value is fake (required)
    KIND  re:PATTERN     # a regular expression the whole value must match

``KIND`` is a kind's stable name (``cassette-scan --kinds``); ``VALUE`` is compared exactly with
what was found (everything up to the `` #`` that starts the reason). An entry without a reason, of
an unknown kind, or with a pattern that does not compile is itself a finding, so a broken
allow-list fails the scan instead of allowing more than it says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from azureml_obo_harness.scan.finding import Finding
from azureml_obo_harness.scan.kinds import KINDS

DEFAULT_ALLOW_FILE = ".cassette-scan-allow"
NOT_ALLOWABLE = frozenset({"real-value", "missing", "binary", "allow-list"})
"""Kinds no entry can excuse: a real value is real by definition; the others are not values."""
_REASON = re.compile(r"\s#\s?")


@dataclass
class Entry:
    """One allow-list line: a kind, an exact value or a pattern, and why it is fake."""

    kind: str
    value: str
    reason: str
    line: int
    pattern: re.Pattern[str] | None = None
    used: int = 0

    def permits(self, finding: Finding) -> bool:
        """Whether this entry lets ``finding`` pass."""
        if finding.rule != self.kind:
            return False
        if self.pattern is not None:
            return self.pattern.fullmatch(finding.value) is not None
        return finding.value == self.value


@dataclass
class AllowList:
    """The parsed file: its entries, and a finding per line that does not parse."""

    path: str = ""
    entries: list[Entry] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)

    def permits(self, finding: Finding) -> bool:
        """Whether an entry lets ``finding`` pass (and count the entry as used)."""
        for entry in self.entries:
            if entry.permits(finding):
                entry.used += 1
                return True
        return False

    @property
    def unused(self) -> list[Entry]:
        """Entries that allowed nothing in this scan: candidates for removal."""
        return [entry for entry in self.entries if not entry.used]


def parse_allow_list(text: str, *, path: str = DEFAULT_ALLOW_FILE) -> AllowList:
    """Parse an allow-list's text; problems become ``allow-list`` findings naming the line."""
    allow = AllowList(path=path)
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        entry, reason = _split_reason(line)
        kind, _, value = entry.replace("\t", " ").partition(" ")
        value = value.strip()

        def problem(what: str, number: int = number) -> None:
            allow.problems.append(Finding(path, number, "allow-list", what))

        if kind not in KINDS:
            problem(f"unknown kind {kind!r}; `cassette-scan --kinds` lists them")
        elif kind in NOT_ALLOWABLE:
            problem(f"{kind} findings cannot be allowed")
        elif not value:
            problem(f"no value after the kind: write `{kind} VALUE  # why`")
        elif not reason:
            problem("no reason: end the entry with `  # why this value is fake`")
        elif value.startswith("re:"):
            try:
                pattern = re.compile(value[3:])
            except re.error as error:
                problem(f"the pattern does not compile: {error}")
            else:
                allow.entries.append(Entry(kind, value, reason, number, pattern))
        else:
            allow.entries.append(Entry(kind, value, reason, number))
    return allow


def load_allow_list(path: Path | None) -> AllowList:
    """The allow-list at ``path``; with None, ``.cassette-scan-allow`` here if there is one.

    A ``path`` that was named but does not exist is a problem (a typo must not allow nothing
    silently while the team believes it allows something).
    """
    if path is None:
        default = Path(DEFAULT_ALLOW_FILE)
        if not default.is_file():
            return AllowList()
        path = default
    if not path.is_file():
        allow = AllowList(path=str(path))
        allow.problems.append(Finding(str(path), 0, "allow-list", "no such allow-list file"))
        return allow
    return parse_allow_list(path.read_text(encoding="utf-8"), path=str(path))


def _split_reason(line: str) -> tuple[str, str]:
    match = _REASON.search(line)
    if match is None:
        return line, ""
    return line[: match.start()].strip(), line[match.end() :].strip()
