"""python -m obo_job: options, dry run, clear configuration errors, and a whole run with mocked Azure.

In-process through ``obo_job.cli.main``; one test runs ``python -m obo_job`` in a process of its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
import yaml
from azureml_obo_harness.tokens import mint_token
from azureml_obo_harness.values import (
    RESOURCE_GROUP,
    SECRET_NAME,
    SECRET_VALUE,
    SUBSCRIPTION_ID,
    VAULT_URL,
    WORKSPACE_NAME,
)

from obo_job.cli import build_parser, main
from obo_job.failures import ExitStatus
from tests import head_start
from tests.mocked_vault import challenging_vault

OBO_ENDPOINT = "http://127.0.0.1:12342/token"
WS = (
    f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{RESOURCE_GROUP}/providers/"
    f"Microsoft.MachineLearningServices/workspaces/{WORKSPACE_NAME}"
)
CHILD = "fake-parent-run-iris"


def test_help_documents_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    options = [o for a in build_parser()._actions for o in a.option_strings if o.startswith("--")]
    assert len(options) == 13
    for option in options:
        assert option in text
    assert "4 access denied" in text


def test_dry_run_prints_the_child_job_as_yaml_without_calling_azure(
    clean_environ: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--dry-run", "--parent-run-id", "demo-run"]) == 0
    job = yaml.safe_load(capsys.readouterr().out)
    assert job["name"] == "demo-run-iris"
    assert job["type"] == "command"
    assert job["experiment_name"] == "obo-child-jobs"


def python_m_obo_job_unconfigured(
    config: pytest.Config,
) -> Callable[[], subprocess.CompletedProcess[str]]:
    """The test's head start (``tests/head_start.py``): ``python -m obo_job``, what AzureML runs,
    in a process that sees only the environment it is given (no AzureML, Azure or OBO variable),
    in a folder of its own; it runs beside the tests before this one."""
    folder = head_start.folder(config, "unconfigured")
    environ = {"PATH": os.environ.get("PATH", ""), "HOME": str(folder)}

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "obo_job"],
            capture_output=True,
            text=True,
            check=False,
            env=environ,
            cwd=folder,
            timeout=120,
        )

    return run


@head_start.begins(python_m_obo_job_unconfigured)
def test_missing_settings_exit_2_with_one_message_and_no_traceback(
    request: pytest.FixtureRequest,
) -> None:
    # A true subprocess (one of the suite's few), begun when collection ends.
    result: subprocess.CompletedProcess[str] = head_start.result(request)
    assert result.returncode == ExitStatus.CONFIGURATION == 2
    assert result.stdout == ""
    assert result.stderr.startswith("obo_job: error: the OBO job is not configured:")
    assert "Traceback" not in result.stderr
    assert result.stderr.count("  - missing ") == 6


def test_a_vault_url_that_is_not_key_vaults_exits_2(
    clean_environ: None, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(
        [
            "--subscription-id",
            "s",
            "--resource-group",
            "r",
            "--workspace-name",
            "w",
            "--secret-name",
            "x",
            "--parent-run-id",
            "p",
            "--vault-url",
            "https://evil.example.com",
        ]
    )
    assert status == 2
    assert "invalid Key Vault URL 'https://evil.example.com'" in capsys.readouterr().err


def _obo_token(request: object) -> tuple[int, dict[str, str], str]:
    # The AzureML OBO endpoint: GET ?resource=R gives the user's token for R (docs/protocol.md#obo-token-request).
    resource = parse_qs(urlsplit(request.url).query)["resource"][0]  # type: ignore[attr-defined]
    token = mint_token(audience=resource, issued_at=1_800_000_000, expires_on=4_000_000_000)
    body = {
        "access_token": token,
        "expires_on": "4000000000",
        "resource": resource,
        "token_type": "Bearer",
    }
    return 200, {}, json.dumps(body)


EXISTING_CHILD = {
    "id": f"{WS}/jobs/{CHILD}",
    "name": CHILD,
    "type": "Microsoft.MachineLearningServices/workspaces/jobs",
    "properties": {
        "jobType": "Command",
        "status": "Running",
        "displayName": "sklearn-iris-example",
        "experimentName": "obo-child-jobs",
        "command": "python main.py",
        "environmentId": "azureml:AzureML-sklearn-1.0-ubuntu20.04-py38-cpu:33",
        "computeId": f"{WS}/computes/cpu-cluster",
        "services": {
            "Studio": {
                "jobServiceType": "Studio",
                "endpoint": f"https://ml.azure.com/runs/{CHILD}?wsid={WS}",
            }
        },
    },
}


@pytest.fixture
def azureml_job_environment(clean_environ: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The environment AzureML gives a user-identity job, with our two settings."""
    for name, value in {
        "OBO_ENDPOINT": OBO_ENDPOINT,
        "AZUREML_ARM_SUBSCRIPTION": SUBSCRIPTION_ID,
        "AZUREML_ARM_RESOURCEGROUP": RESOURCE_GROUP,
        "AZUREML_ARM_WORKSPACE_NAME": WORKSPACE_NAME,
        "AZUREML_RUN_ID": "fake-parent-run",
        "OBO_JOB_VAULT_URL": VAULT_URL,
        "OBO_JOB_SECRET_NAME": SECRET_NAME,
    }.items():
        monkeypatch.setenv(name, value)


@responses.activate
def test_a_retried_job_reads_the_secret_and_finds_its_child_without_resubmitting(
    azureml_job_environment: None, capsys: pytest.CaptureFixture[str]
) -> None:
    responses.add_callback(responses.GET, OBO_ENDPOINT, callback=_obo_token)
    secret = {"value": SECRET_VALUE, "id": f"{VAULT_URL}/secrets/{SECRET_NAME}/" + "a" * 32}
    responses.add_callback(
        responses.GET,
        f"{VAULT_URL}/secrets/{SECRET_NAME}/",
        callback=challenging_vault(200, secret),
    )
    responses.get(f"https://management.azure.com{WS}/jobs/{CHILD}", json=EXISTING_CHILD)

    assert main([]) == 0

    out, err = capsys.readouterr()
    assert f"secret:      {SECRET_NAME} (version {'a' * 32}, sha256 " in out
    assert f"child job:   {CHILD} (already submitted by an earlier attempt)" in out
    assert "status:      Running" in out
    assert f"https://ml.azure.com/runs/{CHILD}" in out
    assert SECRET_VALUE not in out + err
    assert not [c for c in responses.calls if c.request.method == "PUT"]
    obo_calls = [c for c in responses.calls if c.request.url.startswith(OBO_ENDPOINT)]
    assert {parse_qs(urlsplit(c.request.url).query)["resource"][0] for c in obo_calls} == {
        "https://vault.azure.net",
        "https://management.azure.com",
    }


@responses.activate
def test_a_user_without_access_to_the_secret_gets_exit_4_naming_the_permission(
    azureml_job_environment: None, capsys: pytest.CaptureFixture[str]
) -> None:
    responses.add_callback(responses.GET, OBO_ENDPOINT, callback=_obo_token)
    forbidden = {
        "error": {
            "code": "Forbidden",
            "message": "does not have secrets get permission",
            "innererror": {"code": "AccessDenied"},
        }
    }
    responses.add_callback(
        responses.GET,
        f"{VAULT_URL}/secrets/{SECRET_NAME}/",
        callback=challenging_vault(403, forbidden),
    )
    assert main([]) == ExitStatus.ACCESS == 4
    err = capsys.readouterr().err
    (line,) = [line for line in err.splitlines() if line.startswith("obo_job: error:")]
    assert "Traceback" not in err
    assert line.startswith(f"obo_job: error: access denied while reading secret '{SECRET_NAME}'")
    assert "the user who submitted it" in line
    assert "'get' on secrets" in line


def test_an_invalid_blob_url_from_the_command_line_exits_2(
    azureml_job_environment: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--blob-url", "http://fakestorage.blob.core.windows.net/c/b"]) == 2
    assert (
        "invalid blob URL 'http://fakestorage.blob.core.windows.net/c/b'" in capsys.readouterr().err
    )


def test_main_in_process_leaves_the_loggers_as_it_found_them() -> None:
    # main() runs in-process (tests, notebooks): its handler, bound to the stderr of the moment,
    # must not outlive it, or a later record is written to a stream that may be closed by then.
    import logging

    job_logger = logging.getLogger("obo_job")
    before = (job_logger.handlers[:], job_logger.level, job_logger.propagate)
    assert main(["--dry-run", "--parent-run-id", "in-process-run"]) == 0
    assert (job_logger.handlers, job_logger.level, job_logger.propagate) == before
