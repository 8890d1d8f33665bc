"""The OBO job end to end against the fake Azure: its command line (``obo_job.cli.main``) with
the fake's environment, the real credential, the real SDKs, in this process.

The environment is exactly the fake's (``fake_azure.environ()``), given to ``main`` and set in
``os.environ`` (``fake_azure_env``), where the SDKs read the proxy, CA bundle and OBO endpoint;
output is read through ``capfd`` (file descriptors and ``sys.stdout``/``sys.stderr``).
"""

from __future__ import annotations

import pytest
from azureml_obo_harness.cloud import FakeAzure
from azureml_obo_harness.values import SECRET_NAME, SECRET_VALUE

from tests.in_process import Run, run_obo_job

CHILD = "fake-parent-run-iris"
CHATTER = ("get_token succeeded", "experimental class", "Uploading")
"""What the Azure SDKs say during a run that the job's log leaves out."""


def _run(azure: FakeAzure, capfd: pytest.CaptureFixture[str], *argv: str) -> Run:
    return run_obo_job(argv, azure.environ(), capfd)


def test_the_obo_job_runs_end_to_end_against_the_fake_azure(
    fake_azure_env: FakeAzure, capfd: pytest.CaptureFixture[str]
) -> None:
    result = _run(fake_azure_env, capfd)

    assert result.status == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].startswith(f"secret:      {SECRET_NAME} (version ")
    assert lines[1] == f"child job:   {CHILD} (submitted)"
    assert lines[2] == "status:      Starting"
    assert lines[3].startswith(f"studio:      https://ml.azure.com/runs/{CHILD}?wsid=")
    assert SECRET_VALUE not in result.out + result.err
    assert fake_azure_env.job_submissions(CHILD) == 1
    assert "keyvault/get_secret" in [r.operation for r in fake_azure_env.requests]


def test_the_job_log_holds_the_jobs_lines_and_not_the_sdks_chatter(
    fake_azure_env: FakeAzure, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    # In a process of its own, a record that reaches no handler goes to stderr
    # (logging.lastResort); in-process, caplog's handler on the root logger takes it instead
    # (at any level, the loggers' own levels untouched): so no such record may hold the chatter.
    result = _run(fake_azure_env, capfd)

    assert result.status == 0, result.err
    for words in CHATTER:
        assert words not in result.err
        assert not [r for r in caplog.records if words in r.getMessage()], words
    assert "INFO obo_job.credentials: credential: azureml_on_behalf_of" in result.err


def test_an_unknown_compute_ends_the_job_with_one_line_and_the_service_status(
    fake_azure_env: FakeAzure, capfd: pytest.CaptureFixture[str]
) -> None:
    result = _run(fake_azure_env, capfd, "--compute", "no-such-compute")

    assert result.status == 6
    errors = [line for line in result.err.splitlines() if line.startswith("obo_job: error:")]
    assert len(errors) == 1
    assert "Unknown compute target" in errors[0]
    assert "Traceback" not in result.err
    assert fake_azure_env.job_submissions(f"{CHILD}") == 1  # asked, and refused by the service
