"""Timing helpers: medians of repeated runs, of a function or of a command, and the result table."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def median_seconds(function: Callable[[], object], runs: int, *, warmup: int = 1) -> float:
    """The median wall time of ``runs`` calls of ``function``, after ``warmup`` untimed calls."""
    for _ in range(warmup):
        function()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def interleaved_seconds(
    functions: Sequence[Callable[[], object]], rounds: int, *, warmup: int = 1
) -> list[list[float]]:
    """The wall times of ``rounds`` calls of each function, called in turn (one call of each per
    round, after ``warmup`` untimed rounds): on a machine whose speed drifts, figures to compare
    are measured side by side, not one batch after the other. One list per function."""
    for _ in range(warmup):
        for function in functions:
            function()
    times: list[list[float]] = [[] for _ in functions]
    for _ in range(rounds):
        for function, taken in zip(functions, times, strict=True):
            start = time.perf_counter()
            function()
            taken.append(time.perf_counter() - start)
    return times


def median_ratio(numerators: Sequence[float], denominators: Sequence[float]) -> float:
    """The median of the rounds' own ratios (``numerators[i] / denominators[i]``)."""
    return statistics.median(n / d for n, d in zip(numerators, denominators, strict=True))


def command_seconds(
    argv: Sequence[str],
    runs: int,
    *,
    cwd: Path = ROOT,
    env: dict[str, str] | None = None,
    timeout: float = 900,
    failures: list[str] | None = None,
) -> float:
    """The median wall time of ``runs`` runs of a command, which must exit 0 each time (or, with
    ``failures``, whose last output line is appended there when it does not)."""

    def run() -> None:
        result = subprocess.run(
            argv,
            cwd=cwd,
            env=env or dict(os.environ),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            if failures is None:
                raise RuntimeError(f"{' '.join(argv)} exited {result.returncode}:\n{result.stdout}")
            failures.append(result.stdout.strip().splitlines()[-1] if result.stdout else "")

    return median_seconds(run, runs, warmup=0)


@dataclass
class Row:
    """One line of the result table."""

    section: str
    figure: str
    value: str
    budget: str = ""
    holds: bool | None = None


def table(rows: Sequence[Row]) -> str:
    """The rows as a Markdown table."""
    lines = [
        "| # | figure | measured | budget | holds |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        verdict = "" if row.holds is None else ("yes" if row.holds else "**no**")
        lines.append(f"| {row.section} | {row.figure} | {row.value} | {row.budget} | {verdict} |")
    return "\n".join(lines)


def ms(seconds: float) -> str:
    """Seconds as milliseconds, or as seconds from 10 s on."""
    return f"{seconds:.1f} s" if seconds >= 10 else f"{seconds * 1000:.1f} ms"
