"""``fake-azure``: ``run`` and ``serve`` in real subprocesses."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap

from azureml_obo_harness import values

CLI = [sys.executable, "-m", "azureml_obo_harness.cloud"]


def test_run_exits_with_the_commands_status() -> None:
    result = subprocess.run(
        [*CLI, "run", "--", sys.executable, "-c", "raise SystemExit(3)"], timeout=60
    )

    assert result.returncode == 3


def test_run_gives_the_command_the_fake_azure_environment() -> None:
    script = (
        "import os; print(os.environ['OBO_JOB_SECRET_NAME'], os.environ['AZUREML_OBO_ENABLED'])"
    )

    result = subprocess.run(
        [*CLI, "run", "--", sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.stdout.split() == [values.SECRET_NAME, "True"]


def test_run_lets_an_unchanged_obo_program_read_the_seeded_secret() -> None:
    program = textwrap.dedent(
        """
        import os
        from azure.ai.ml.identity import AzureMLOnBehalfOfCredential
        from azure.keyvault.secrets import SecretClient

        client = SecretClient(os.environ["OBO_JOB_VAULT_URL"], AzureMLOnBehalfOfCredential())
        print(client.get_secret(os.environ["OBO_JOB_SECRET_NAME"]).value)
        """
    )

    result = subprocess.run(
        [*CLI, "run", "--", sys.executable, "-c", program],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == values.SECRET_VALUE


def test_run_without_a_command_is_a_usage_error() -> None:
    result = subprocess.run([*CLI, "run"], capture_output=True, text=True, timeout=60)

    assert result.returncode == 2
    assert "give a command after --" in result.stderr


def test_serve_prints_export_lines_and_stops_on_sigterm() -> None:
    with subprocess.Popen([*CLI, "serve"], stdout=subprocess.PIPE, text=True) as server:
        assert server.stdout is not None
        lines = []
        for line in server.stdout:
            lines.append(line)
            if line.startswith("# fake Azure serving"):
                break
        server.send_signal(signal.SIGTERM)
        status = server.wait(timeout=30)

    exports = {line.split("=", 1)[0] for line in lines if line.startswith("export ")}
    assert {"export HTTPS_PROXY", "export OBO_ENDPOINT", "export REQUESTS_CA_BUNDLE"} <= exports
    assert status == 0
