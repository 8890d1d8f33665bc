"""The OBO job's failures: one line with the cause and the fix, the documented exit status, and
never the secret, whatever fails."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

import pytest
from azureml_obo_harness.cloud.__main__ import main as fake_azure_main
from azureml_obo_harness.values import SECRET_VALUE

from obo_job.cli import main
from tests.faults.conftest import RunJob
from tests.in_process import commands_run_in_process


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


def _cli(monkeypatch: pytest.MonkeyPatch, switches: list[str], arguments: list[str]) -> int:
    """``fake-azure run SWITCHES -- python -m obo_job ARGUMENTS``: the fake's command line, the
    job's command line, both in-process (:func:`tests.in_process.commands_run_in_process`)."""
    ran = commands_run_in_process(monkeypatch)
    command = [sys.executable, "-m", "obo_job", *arguments]
    status = fake_azure_main(["run", *switches, "--", *command])
    assert ran == [command]
    return status


def test_the_fakes_command_line_switches_a_fault_on_for_the_real_job(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    status = _cli(monkeypatch, ["--deny-secrets"], [])

    out, err = capfd.readouterr()
    assert status == 4
    assert "obo_job: error: access denied" in err
    assert SECRET_VALUE not in out + err


def test_verbose_adds_the_traceback_and_still_no_secret(
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # every record the loggers let out, and the root's at DEBUG

    status = _cli(monkeypatch, ["--fault", "ml/create_or_update_job=400"], ["--verbose"])

    out, err = capfd.readouterr()
    assert status == 6
    assert "Traceback (most recent call last)" in err
    assert SECRET_VALUE not in out + err
    assert caplog.records  # the verbose job did log
    assert all(SECRET_VALUE not in record.getMessage() for record in caplog.records)
    out, err = capfd.readouterr()
    assert SECRET_VALUE not in out + err + caplog.text
    assert SECRET_VALUE not in caplog.text  # with the tracebacks as formatted


def test_no_log_record_at_any_level_holds_the_secret(
    fake_azure_env: Any,
    run_job: RunJob,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
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
    out, err = capfd.readouterr()
    assert SECRET_VALUE not in out + err + caplog.text
