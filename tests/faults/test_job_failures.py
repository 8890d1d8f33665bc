"""The OBO job's failures: one line with the cause and the fix, the documented exit status, and
never the secret, whatever fails."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from azureml_obo_harness.values import SECRET_VALUE

from obo_job.cli import main
from tests.faults.conftest import RunJob


def _deny_secrets(azure: Any) -> None:
    azure.grant(azure.user.object_id, [])


def _obo_down(azure: Any) -> None:
    azure.obo.refuse_connections = True


def _fault(route: str, **how: Any) -> Callable[[Any], None]:
    return lambda azure: azure.faults.add(route, times=None, **how)


def _nothing(azure: Any) -> None:
    pass


# scenario: (what breaks, job arguments, exit status, words the error line must hold)
SCENARIOS: dict[str, tuple[Callable[[Any], None], list[str], int, str]] = {
    "key vault down": (_fault("keyvault/get_secret", status=503), [], 6, "Retry later"),
    "no access to the secret": (_deny_secrets, [], 4, "the user who submitted it"),
    "secret missing": (_nothing, ["--secret-name", "no-such-secret"], 5, "SecretNotFound"),
    "obo endpoint down": (_obo_down, [], 3, "OBO token endpoint"),
    "obo endpoint answers html": (
        _fault("obo/token", status=200, body="<html>maintenance</html>"),
        [],
        3,
        "Unexpected content type",
    ),
    "unknown compute": (_nothing, ["--compute", "no-such-compute"], 6, "retrying will not help"),
    "child submission lost": (
        _fault("ml/create_or_update_job", reset=True, after_handling=True),
        [],
        6,
        "Retry later",
    ),
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_a_failure_is_one_line_with_its_exit_status_and_no_secret(
    scenario: str, fake_azure_env: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    breaks, arguments, status, words = SCENARIOS[scenario]
    breaks(fake_azure_env)
    assert main(arguments) == status
    out, err = capsys.readouterr()
    errors = [line for line in err.splitlines() if line.startswith("obo_job: error:")]
    assert len(errors) == 1, err
    assert words in errors[0]
    assert "Traceback" not in err
    assert SECRET_VALUE not in out + err


def _cli(switches: list[str], arguments: list[str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "azureml_obo_harness.cloud", "run", *switches, "--"]
    command += [sys.executable, "-m", "obo_job", *arguments]
    return subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)


def test_the_fakes_command_line_switches_a_fault_on_for_the_real_job() -> None:
    result = _cli(["--deny-secrets"], [])
    assert result.returncode == 4
    assert "obo_job: error: access denied" in result.stderr
    assert SECRET_VALUE not in result.stdout + result.stderr


def test_verbose_adds_the_traceback_and_still_no_secret() -> None:
    result = _cli(["--fault", "ml/create_or_update_job=400"], ["--verbose"])
    assert result.returncode == 6
    assert "Traceback (most recent call last)" in result.stderr
    assert SECRET_VALUE not in result.stdout + result.stderr


def test_no_log_record_at_any_level_holds_the_secret(
    fake_azure_env: Any, run_job: RunJob, caplog: pytest.LogCaptureFixture
) -> None:
    loggers = [logging.getLogger(name) for name in ("azure", "azure.ai.ml", "obo_job", "urllib3")]
    levels = [logger.level for logger in loggers]
    try:
        with caplog.at_level(logging.DEBUG):  # every logger, the Azure SDKs' included
            for logger in loggers:
                logger.setLevel(logging.DEBUG)
            run_job()
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
    assert len(caplog.records) > 50  # the SDKs did log, at length
    assert all(SECRET_VALUE not in record.getMessage() for record in caplog.records)
