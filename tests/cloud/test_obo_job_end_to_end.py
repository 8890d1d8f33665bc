"""The OBO job end to end: `fake-azure run -- python -m obo_job`, real credential, real SDKs."""

from __future__ import annotations

import subprocess
import sys

from azureml_obo_harness.values import SECRET_NAME, SECRET_VALUE


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "azureml_obo_harness.cloud",
            "run",
            "--",
            sys.executable,
            "-m",
            "obo_job",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_the_obo_job_runs_end_to_end_against_the_fake_azure() -> None:
    result = _run()
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"secret:      {SECRET_NAME} (version ")
    assert lines[1] == "child job:   fake-parent-run-iris (submitted)"
    assert lines[2] == "status:      Starting"
    assert lines[3].startswith("studio:      https://ml.azure.com/runs/fake-parent-run-iris?wsid=")
    assert SECRET_VALUE not in result.stdout + result.stderr


def test_the_job_log_holds_the_jobs_lines_and_not_the_sdks_chatter() -> None:
    result = _run()
    assert result.returncode == 0, result.stderr
    assert "get_token succeeded" not in result.stderr
    assert "experimental class" not in result.stderr
    assert "Uploading" not in result.stderr
    assert "INFO obo_job.credentials: credential: azureml_on_behalf_of" in result.stderr


def test_an_unknown_compute_ends_the_job_with_one_line_and_the_service_status() -> None:
    result = _run("--compute", "no-such-compute")
    assert result.returncode == 6
    errors = [line for line in result.stderr.splitlines() if line.startswith("obo_job: error:")]
    assert len(errors) == 1
    assert "Unknown compute target" in errors[0]
    assert "Traceback" not in result.stderr
