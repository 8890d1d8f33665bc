"""Recording live twice in one workspace passes both times and writes the cassette both times.

The fake Azure stands in for a real workspace: live mode (``--record-mode=rewrite`` without
``--azure``) is pointed at it by its variables only (``HTTPS_PROXY``, ``OBO_ENDPOINT``, the
``AZUREML_ARM_*`` and ``OBO_JOB_*`` coordinates), as a real workspace would be named. A separate
pytest process is the point here: live mode reads its workspace from the environment it starts in.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml
from azureml_obo_harness.cloud import FakeAzure

ROOT = Path(__file__).resolve().parent.parent
TEST = (
    "tests/replay/test_obo_job_replay.py::test_the_obo_job_reads_the_secret_and_submits_its_child"
)
CASSETTE = "test_obo_job_replay.test_the_obo_job_reads_the_secret_and_submits_its_child.yaml"


def _record_live(azure: FakeAzure, cassettes: Path) -> subprocess.CompletedProcess[str]:
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AZURE", "OBO_", "MLFLOW_", "IDENTITY_", "MSI_", "PYTEST_"))
    }
    return subprocess.run(
        [
            *(
                sys.executable,
                "-m",
                "pytest",
                TEST,
                "-q",
                "-p",
                "no:cacheprovider",
                "-p",
                "no:xdist",
            ),
            *("--record-mode=rewrite", "--cassette-dir", str(cassettes)),
        ],
        cwd=ROOT,
        env={**inherited, **azure.environ()},
        capture_output=True,
        text=True,
        timeout=300,
    )


def _submitted_job_names(cassette: Path) -> list[str]:
    interactions = yaml.safe_load(cassette.read_text())["interactions"]
    return [
        item["request"]["uri"].split("/jobs/")[1].split("?")[0]
        for item in interactions
        if item["request"]["method"] == "PUT" and "/jobs/" in item["request"]["uri"]
    ]


def test_recording_live_twice_in_one_workspace_passes_and_writes_both_times(
    tmp_path: Path,
) -> None:
    with FakeAzure() as azure:
        first = _record_live(azure, tmp_path / "first")
        assert first.returncode == 0, first.stdout + first.stderr
        second = _record_live(azure, tmp_path / "second")
        assert second.returncode == 0, second.stdout + second.stderr
        children = [job.name for job in azure.jobs if job.name.endswith("-iris")]

    # Two children, one per recording, each submitted once: the second recording did not find the
    # first one's child (which would fail its "child submitted" assertion).
    assert len(children) == 2 and len(set(children)) == 2
    for name in children:
        assert azure.job_submissions(name) == 1
    # Both cassettes were written and hold the fixed name, not the recording's unique one.
    for folder in ("first", "second"):
        cassette = tmp_path / folder / CASSETTE
        assert _submitted_job_names(cassette) == ["harness-parent-run-iris"]
        for name in children:
            assert name not in cassette.read_text()
