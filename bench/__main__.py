"""``python -m bench``: measure the offline loop and the fake Azure side by side, print a table.

Run from the repository root. One run prints every figure, issue 14's three targets among them
(serial suite / import floor, warm ``tox``, fresh clone to green ``tox``); ``--quick`` smokes each
figure on a tiny selection, ``--only`` picks sections, ``--help`` lists the rest. Every figure is a median of several runs on this machine, in this run.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bench import cold_start, fake_azure, obo_flow, scaling, suite, tox_runs
from bench.timing import Row, interleaved_seconds, median_ratio, ms, table

SIZES = [10, 100, 1000, 5000]


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """azure-ai-ml prints progress bars and notices; keep them out of the table."""
    logging.disable(logging.WARNING)
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        yield
    logging.disable(logging.NOTSET)


def machine() -> str:
    """nproc, CPU model, Python, and the load average (other work on the machine skews figures)."""
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        models = [
            line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")
        ]
    cores = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    load = " ".join(f"{value:.1f}" for value in os.getloadavg())
    return (
        f"nproc {cores}, {models[0] if models else platform.processor()}, "
        f"Python {platform.python_version()} ({sys.executable}), load average {load}"
    )


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x"


def _failed(failures: list[str]) -> str:
    return f" (NOT GREEN in {len(failures)} run(s): {failures[-1]})" if failures else ""


SERIAL_TARGET = 15
"""Issue 14's target: the serial suite takes at most 15x the import floor."""
WARM_TOX_TARGET = 180.0
"""``tox`` with warm environments (four Pythons, lint, type): at most 3 minutes."""
COLD_TARGET = 360.0
"""A fresh clone to a green ``tox`` with four Pythons: at most 6 minutes."""
QUICK_TESTS = ["tests/test_bench_readme.py"]
"""``--quick``'s test selection: the smoke of every figure, not the figure."""
QUICK_ENVS = ("lint",)
"""``--quick``'s tox environments: no environment to install but ruff."""


def _target(quick: bool, budget: str, holds: bool) -> tuple[str, bool | None]:
    """The budget and verdict of a figure, none for a ``--quick`` smoke (not the figure)."""
    return ("(smoke)", None) if quick else (budget, holds)


def section_suite(args: argparse.Namespace) -> list[Row]:
    where = f" at {args.suite_ref}" if args.suite_ref else ""
    selection = QUICK_TESTS if args.quick else []
    what = f"`{' '.join(selection)}` only" if selection else "offline suite"
    pairs, failed = suite.paired_seconds(
        args.suite_runs, args.runs, ref=args.suite_ref, extra=selection
    )
    floor = statistics.median(pair.floor for pair in pairs)
    whole = statistics.median(pair.suite for pair in pairs)
    ratios = sorted(pair.ratio for pair in pairs)
    serial = statistics.median(ratios)
    spread = f" (runs: {', '.join(f'{r:.2f}x' for r in ratios)})" if len(ratios) > 1 else ""
    for pair in pairs:
        print(
            f"  floor {pair.floor_before:.2f} s, suite {pair.suite:.1f} s, floor"
            f" {pair.floor_after:.2f} s: {pair.ratio:.2f}x",
            file=sys.stderr,
            flush=True,
        )
    budget = f"<= {SERIAL_TARGET}x"
    rows = [
        Row("1", "import floor (`import azure.ai.ml, ...keyvault.secrets, identity`)", ms(floor)),
        Row(
            "1",
            f"{what}{where}, serial (`pytest -q`)",
            ms(whole) + _failed(failed),
        ),
        Row(
            "1",
            "serial suite / import floor (median of the runs' own ratios)",
            f"{serial:.2f}x{spread}",
            *_target(args.quick, budget, not failed and serial <= SERIAL_TARGET),
        ),
    ]
    if args.xdist and args.xdist != "0":
        parallel, parallel_failed = suite.suite_seconds(
            args.suite_runs, ref=args.suite_ref, extra=[*selection, "-n", args.xdist]
        )
        rows += [
            Row(
                "1",
                f"{what}{where} with `-n {args.xdist}` (pytest-xdist, what `tox` runs)",
                ms(parallel) + _failed(parallel_failed),
            ),
            Row("1", f"suite `-n {args.xdist}` / import floor", ratio(parallel, floor)),
        ]
    return rows


def _tox_command(args: argparse.Namespace) -> list[str]:
    return str(args.tox).split()


def section_tox(args: argparse.Namespace) -> list[Row]:
    envs = QUICK_ENVS if args.quick else tox_runs.ENVS
    names, tox = ",".join(envs), _tox_command(args)
    why_not = tox_runs.why_tox_cannot_start(tox)
    if why_not is not None:
        print(f"  tox not run: {why_not}", file=sys.stderr, flush=True)
        figure = f"`{args.tox} -e {names}`, warm environments"
        return [Row("6", figure, f"not run: {why_not}", *_target(args.quick, "<= 3 min", False))]
    warmup, run = tox_runs.warm_tox(tox, envs)
    print(
        f"  tox warm-up {warmup.seconds:.0f} s ({warmup.verdict(envs)}), "
        f"warm {run.seconds:.0f} s ({run.verdict(envs)})",
        file=sys.stderr,
        flush=True,
    )
    return [
        Row(
            "6",
            f"`{args.tox} -e {names}`, warm environments: {run.verdict(envs)}",
            f"{run.seconds:.0f} s",
            *_target(args.quick, "<= 3 min", run.green(envs) and run.seconds <= WARM_TOX_TARGET),
        )
    ]


REPLAY_ROUNDS_PER_RUN = 3
"""Section 2 runs the stub, the indexed replay and the scanning replay in turn, ``--runs`` times
this many rounds: its ratio is a median of ~0.1 s runs, which drift on a shared machine."""


def section_replay(args: argparse.Namespace) -> list[Row]:
    with quiet():
        stubs, indexed, scanned = interleaved_seconds(
            [
                obo_flow.stub_runner(),
                obo_flow.replay_once,
                lambda: obo_flow.replay_once(indexed=False),
            ],
            args.runs * REPLAY_ROUNDS_PER_RUN,
        )
    over_stub = median_ratio(indexed, stubs)
    return [
        Row(
            "2",
            "OBO job, in-process stub transport (12 canned responses)",
            ms(statistics.median(stubs)),
        ),
        Row(
            "2",
            "OBO job replayed from its cassette, harness (indexed)",
            ms(statistics.median(indexed)),
        ),
        Row(
            "2", "OBO job replayed from its cassette, vcrpy's scan", ms(statistics.median(scanned))
        ),
        Row(
            "2",
            "replay (indexed) / stub (median of the rounds' own ratios, runs in turn)",
            f"{over_stub:.2f}x",
            "<= 1.5x",
            over_stub <= 1.5,
        ),
    ]


def section_scaling(args: argparse.Namespace) -> list[Row]:
    indexed = scaling.measure(SIZES, samples=args.samples, runs=args.runs, indexed=True)
    scanned = scaling.measure(
        SIZES, samples=args.samples, runs=max(1, args.runs // 2), indexed=False
    )
    rows = [
        Row(
            "3",
            f"per-request replay, {size:,} interactions: indexed / vcrpy scan",
            f"{indexed[size] * 1e6:,.0f} µs / {scanned[size] * 1e6:,.0f} µs",
        )
        for size in SIZES
    ]
    flat = indexed[5000] / indexed[100]
    rows.append(Row("3", "indexed: 5,000 / 100 interactions", f"{flat:.2f}x", "<= 2x", flat <= 2))
    rows.append(
        Row("3", "vcrpy scan: 5,000 / 100 interactions", ratio(scanned[5000], scanned[100]))
    )
    return rows


def section_fake_azure(args: argparse.Namespace) -> list[Row]:
    with quiet():
        results = fake_azure.measure(args.runs)
    rows = [
        Row(
            "4",
            "fake Azure start-up (CA, certificate, bind)",
            ms(results["start"]),
            "< 0.5 s",
            results["start"] < 0.5,
        )
    ]
    rows += [
        Row("4", "a new fake per test: stop + `FakeAzure()` + start", ms(results["restart"])),
        Row(
            "4",
            "the fixture's fake per test now: `reset()` of the running fake",
            ms(results["reset"]),
        ),
    ]
    for client, what in (("requests", "plain `requests`"), ("SecretClient", "real `SecretClient`")):
        for threads in (1, 4):
            rate = results[f"{client}/{threads}"]
            budget, holds = ("", None) if threads == 1 else (">= 300/s", rate >= 300)
            rows.append(
                Row(
                    "4",
                    f"get-secret round trips/s, {threads} client(s), {what}",
                    f"{rate:,.0f}/s",
                    budget,
                    holds,
                )
            )
    for kind, what in (("kept", "one kept-alive client"), ("new", "a new client for each")):
        wall, client, fake = results[f"split/{kind}"]
        rows.append(
            Row(
                "4",
                f"a get-secret, real `SecretClient`, {what}: wall / client CPU / fake CPU",
                f"{ms(wall)} / {ms(client)} / {ms(fake)} (fake {fake / (client + fake):.0%})",
            )
        )
    return rows


def section_cold_start(args: argparse.Namespace) -> list[Row]:
    envs = QUICK_ENVS if args.quick else tox_runs.ENVS
    names = ",".join(envs)
    rows = []
    totals = {}
    for variant in cold_start.VARIANTS:
        result = cold_start.measure(variant, envs=envs, keep_logs=args.logs)
        problem = result.installer_problem(variant)
        checked = f"installer checked: {problem or cold_start.INSTALLER[variant]}"
        totals[variant] = result.total
        rows.append(
            Row(
                "5",
                f"fresh clone -> `tox -e {names}`, {variant} ({checked}; {result.run.verdict(envs)}): "
                "install tox + tox run = total",
                f"{result.install:.0f} s + {result.run.seconds:.0f} s = {result.total:.0f} s",
                *_target(
                    args.quick,
                    "<= 6 min",
                    not problem and result.run.green(envs) and result.total <= COLD_TARGET,
                ),
            )
        )
    rows.append(Row("5", "pip / tox-uv (total)", ratio(totals["pip"], totals["tox-uv"])))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="runs per in-process figure (median)")
    parser.add_argument("--suite-runs", type=int, default=3, help="runs of the whole suite")
    parser.add_argument("--suite-ref", help="time the suite of this commit, not the working tree")
    parser.add_argument(
        "--xdist", metavar="N", default="2", help="also time the suite with pytest -n N (0: not)"
    )
    parser.add_argument("--samples", type=int, default=100, help="requests sampled per cassette")
    parser.add_argument(
        "--tox",
        default="python3 -m tox",
        help="the tox command of the warm figure (default: %(default)s, as the README says)",
    )
    parser.add_argument("--logs", type=Path, help="keep the cold-start tox logs in this folder")
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"smoke every figure: one run each, the suite on {' '.join(QUICK_TESTS)}, tox on "
        f"{','.join(QUICK_ENVS)}; no verdicts (these are not the targets' figures)",
    )
    parser.add_argument(
        "--only", help="comma-separated sections: suite,replay,scaling,fake,tox,cold"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.suite_runs, args.samples = 1, 1, 10
    sections: dict[str, Callable[[argparse.Namespace], list[Row]]] = {
        "suite": section_suite,
        "replay": section_replay,
        "scaling": section_scaling,
        "fake": section_fake_azure,
        "tox": section_tox,
        "cold": section_cold_start,
    }
    chosen = args.only.split(",") if args.only else list(sections)
    rows: list[Any] = []
    print(f"machine: {machine()}", flush=True)
    for name in chosen:
        print(f"measuring {name}...", file=sys.stderr, flush=True)
        rows += sections[name](args)
    if args.quick:  # one run on a tiny selection: a smoke, whose figures hold no budget
        rows = [Row(r.section, r.figure, r.value, "(smoke)" if r.budget else "") for r in rows]
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
