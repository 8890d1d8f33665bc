"""Scanning text and files: the line rules on every line, the field rules on every field."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from azureml_obo_harness.scan.allowlist import AllowList
from azureml_obo_harness.scan.fields import Field, fields
from azureml_obo_harness.scan.finding import Finding
from azureml_obo_harness.scan.rules import field_hits, line_hits, text_fields

MIN_REAL_VALUE_LENGTH = 6
"""Real values shorter than this are not searched for: they would match everywhere by chance."""


def scan_text(
    text: str,
    *,
    path: str = "<text>",
    real_values: Iterable[str] = (),
    allow: AllowList | None = None,
) -> list[Finding]:
    """Every finding in ``text`` (a cassette, or any text), in line order.

    ``real_values`` (what a recording run replaced) are searched for verbatim, case-insensitively;
    ``allow`` lets a team's known-fake values pass.
    """
    wanted = sorted(
        {v.lower() for v in real_values if v and len(v) >= MIN_REAL_VALUE_LENGTH},
        key=len,
        reverse=True,
    )
    lines = text.splitlines()
    found: list[Finding] = []
    seen: set[tuple[int, str, str]] = set()

    def add(line: int, kind: str, what: str, value: str) -> None:
        if (line, kind, value) not in seen:
            seen.add((line, kind, value))
            found.append(Finding(path, line, kind, what, value))

    for number, line in enumerate(lines, start=1):
        for kind, what, value in line_hits(line, wanted):
            add(number, kind, what, value)
    for item in _fields(text):
        # A field's decoded value too: a form or query string hides its shapes from the lines
        # (``%40`` for ``@``); the same find on the same line is reported once.
        for kind, what, value in (*line_hits(item.value), *field_hits(item)):
            add(_locate(lines, item, value), kind, what, value)
    found.sort(key=lambda finding: finding.line)  # stable: a line's shape findings come first
    if allow is None:
        return found
    return [finding for finding in found if not allow.permits(finding)]


def _fields(text: str) -> Iterator[Field]:
    parsed = False
    for item in fields(text):
        parsed = True
        yield item
    if not parsed:
        yield from text_fields(text)


def _locate(lines: Sequence[str], item: Field, value: str) -> int:
    """The line of the file that holds ``value``: the value may be escaped (JSON in YAML) or folded
    over several lines (YAML), so its beginning is searched for too."""
    needles = [
        value,
        json.dumps(value)[1:-1],
        value[:12],
        value.split()[0] if value.split() else "",
    ]
    window = range(item.line - 1, min(item.last_line, len(lines)))
    for needle in needles:
        if needle:
            for index in window:
                if needle in lines[index]:
                    return index + 1
    return item.line


@dataclass
class Report:
    """What a scan of files looked at and what it found."""

    files: list[Path] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def scan_paths(paths: Iterable[Path], *, allow: AllowList | None = None) -> list[Finding]:
    """Scan files and folders (recursively). A path that does not exist is a finding of its own."""
    return scan_files(paths, allow=allow).findings


def scan_files(paths: Iterable[Path], *, allow: AllowList | None = None) -> Report:
    """Scan files and folders (recursively) and say which files were read.

    ``paths`` is read once, so a generator is scanned like a list.
    """
    report = Report()
    for path in list(paths):
        if not path.exists():
            report.findings.append(Finding(str(path), 0, "missing", "no such file or folder"))
            continue
        for file in sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]:
            report.files.append(file)
            try:
                text = file.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                report.findings.append(
                    Finding(str(file), 0, "binary", "not UTF-8 text; cannot be scanned")
                )
                continue
            report.findings.extend(scan_text(text, path=str(file), allow=allow))
    return report
