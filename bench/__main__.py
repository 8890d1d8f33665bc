"""``python -m bench``: measure the offline loop and the fake Azure side by side, print a table.

Run from the repository root. ``--cold-start`` adds the slow fresh-clone-to-green-tox comparison;
``--help`` lists the rest. Every figure is a median of several runs on this machine, in this run.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import os
import platform
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

from bench import cold_start, fake_azure, obo_flow, scaling, suite
from bench.timing import Row, median_seconds, ms, table

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


def section_suite(args: argparse.Namespace) -> list[Row]:
    floor = suite.import_floor_seconds(args.runs)
    where = f" at {args.suite_ref}" if args.suite_ref else ""
    whole, failed = suite.suite_seconds(args.suite_runs, ref=args.suite_ref)
    print(f"  suite: {whole:.1f} s (import floor {floor:.2f} s)", file=sys.stderr, flush=True)
    rows = [
        Row("1", "import floor (`import azure.ai.ml, ...keyvault.secrets, identity`)", ms(floor)),
        Row(
            "1",
            f"offline suite{where} (`pytest -q -p no:cacheprovider`)",
            ms(whole) + _failed(failed),
        ),
        Row("1", "suite / import floor", ratio(whole, floor), "<= 3x", whole <= 3 * floor),
    ]
    if args.xdist:
        parallel, parallel_failed = suite.suite_seconds(
            args.suite_runs, ref=args.suite_ref, extra=["-n", args.xdist]
        )
        rows += [
            Row(
                "1",
                f"offline suite with `-n {args.xdist}` (pytest-xdist)",
                ms(parallel) + _failed(parallel_failed),
            ),
            Row(
                "1",
                f"suite `-n {args.xdist}` / import floor",
                ratio(parallel, floor),
                "<= 3x",
                parallel <= 3 * floor,
            ),
        ]
    return rows


def section_replay(args: argparse.Namespace) -> list[Row]:
    with quiet():
        stub = median_seconds(obo_flow.stub_runner(), args.runs)
        indexed = median_seconds(obo_flow.replay_once, args.runs)
        scanned = median_seconds(lambda: obo_flow.replay_once(indexed=False), args.runs)
    return [
        Row("2", "OBO job, in-process stub transport (12 canned responses)", ms(stub)),
        Row("2", "OBO job replayed from its cassette, harness (indexed)", ms(indexed)),
        Row("2", "OBO job replayed from its cassette, vcrpy's scan", ms(scanned)),
        Row("2", "replay (indexed) / stub", ratio(indexed, stub), "<= 1.5x", indexed <= 1.5 * stub),
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
    return rows


def section_cold_start(args: argparse.Namespace) -> list[Row]:
    results = {variant: cold_start.measure(variant) for variant in cold_start.VARIANTS}
    rows = [
        Row(
            "5",
            f"fresh clone -> green `tox -e py311`, {variant}: install tox + tox run = total",
            f"{r['install']:.0f} s + {r['tox']:.0f} s = {r['total']:.0f} s",
        )
        for variant, r in results.items()
    ]
    rows.append(
        Row("5", "pip / tox-uv (total)", ratio(results["pip"]["total"], results["tox-uv"]["total"]))
    )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="runs per in-process figure (median)")
    parser.add_argument("--suite-runs", type=int, default=3, help="runs of the whole suite")
    parser.add_argument("--suite-ref", help="time the suite of this commit, not the working tree")
    parser.add_argument("--xdist", metavar="N", help="also time the suite with pytest -n N")
    parser.add_argument("--samples", type=int, default=100, help="requests sampled per cassette")
    parser.add_argument("--cold-start", action="store_true", help="add the slow cold-start figures")
    parser.add_argument("--only", help="comma-separated sections: suite,replay,scaling,fake,cold")
    args = parser.parse_args(argv)
    sections: dict[str, Callable[[argparse.Namespace], list[Row]]] = {
        "suite": section_suite,
        "replay": section_replay,
        "scaling": section_scaling,
        "fake": section_fake_azure,
    }
    if args.cold_start:
        sections["cold"] = section_cold_start
    chosen = args.only.split(",") if args.only else list(sections)
    rows: list[Any] = []
    print(f"machine: {machine()}", flush=True)
    for name in chosen:
        print(f"measuring {name}...", file=sys.stderr, flush=True)
        rows += sections[name](args)
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
