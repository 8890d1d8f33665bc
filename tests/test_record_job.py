"""record.job.yaml: the live recording job, run on AzureML as the submitting user."""

from __future__ import annotations

from pathlib import Path

from azure.ai.ml import load_job
from azure.ai.ml.entities import Command, UserIdentityConfiguration

ROOT = Path(__file__).resolve().parent.parent
RECORD_JOB = ROOT / "record.job.yaml"


def test_the_recording_job_runs_as_the_submitting_user() -> None:
    job = load_job(RECORD_JOB)
    assert isinstance(job, Command)
    assert isinstance(job.identity, UserIdentityConfiguration)


def test_the_recording_job_installs_the_tests_and_records_into_its_output() -> None:
    job = load_job(RECORD_JOB)
    command = " ".join(job.command.split())
    assert 'pip install --quiet -e ./fakes -e ".[test]"' in command  # the harness and the job
    assert "pytest tests/replay --record-mode=rewrite" in command
    assert "--cassette-dir ${{outputs.cassettes}}" in command
    assert command.endswith("cassette-scan ${{outputs.cassettes}}")
    assert job.outputs["cassettes"].type == "uri_folder"


def test_the_recording_job_uploads_the_repository_but_not_its_git_or_old_cassettes() -> None:
    job = load_job(RECORD_JOB)
    assert (ROOT / str(job.code)).resolve() == ROOT
    lines = (ROOT / ".amlignore").read_text().splitlines()
    ignored = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    for folder in (".git/", "cassettes/", ".venv/", ".tox/"):
        assert folder in ignored
    for needed in ("src/", "fakes/", "tests/", "pyproject.toml"):
        assert needed not in ignored
