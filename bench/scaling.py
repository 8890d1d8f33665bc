"""Per-request replay cost against cassette size: synthesized Key Vault cassettes of N interactions.

Each cassette holds N GETs of distinct secrets. A sample of its requests, evenly spread over the
cassette (a scan's cost depends on where the match is), is replayed through ``requests`` with vcrpy
configured like the harness; the figure is the sample's mean time per request, cassette load
excluded (it is linear in N and paid once per test).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import requests
import yaml

from bench.obo_flow import harness_vcr, use_cassette

URL = "https://fake-vault.vault.azure.net/secrets/bench-secret-{}/?api-version=2026-04-01"


def write_cassette(directory: Path, size: int) -> str:
    """A cassette of ``size`` distinct Key Vault GETs; returns its name (without ``.yaml``)."""
    interactions = [
        {
            "request": {
                "method": "GET",
                "uri": URL.format(index),
                "body": None,
                "headers": {"Accept": ["application/json"]},
            },
            "response": {
                "status": {"code": 200, "message": "OK"},
                "headers": {"Content-Type": ["application/json; charset=utf-8"]},
                "body": {"string": f'{{"value": "fake-value-{index}"}}'},
            },
        }
        for index in range(size)
    ]
    name = f"bench-{size}"
    text = yaml.safe_dump({"version": 1, "interactions": interactions})
    (directory / f"{name}.yaml").write_text(text, encoding="utf-8")
    return name


def sample(size: int, count: int) -> list[int]:
    """``count`` indices evenly spread over ``range(size)``."""
    count = min(size, count)
    return [int((i + 0.5) * size / count) for i in range(count)]


def per_request_seconds(directory: Path, name: str, indices: list[int], *, indexed: bool) -> float:
    """Mean seconds per replayed request over ``indices``."""
    vcr = harness_vcr(indexed=indexed, library=directory)
    session = requests.Session()
    session.trust_env = False
    with use_cassette(vcr, name):
        start = time.perf_counter()
        for index in indices:
            response = session.get(URL.format(index), timeout=5)
            if response.json()["value"] != f"fake-value-{index}":
                raise AssertionError(f"wrong response for request {index}")
        elapsed = time.perf_counter() - start
    return elapsed / len(indices)


def measure(sizes: list[int], *, samples: int, runs: int, indexed: bool) -> dict[int, float]:
    """For each size, the median (over ``runs``) of the mean per-request replay cost."""
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-cassettes-") as folder:
        directory = Path(folder)
        warm_up = write_cassette(directory, 10)
        per_request_seconds(directory, warm_up, sample(10, 10), indexed=indexed)
        for size in sizes:
            name = write_cassette(directory, size)
            indices = sample(size, samples)
            per_request_seconds(directory, name, indices[:5], indexed=indexed)  # warm-up
            times = sorted(
                per_request_seconds(directory, name, indices, indexed=indexed) for _ in range(runs)
            )
            results[size] = times[len(times) // 2]
    return results
