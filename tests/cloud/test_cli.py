"""``fake-azure``: ``run`` and ``serve`` through the entry function, in-process.

``run`` spawns its COMMAND by design: that path runs once, with a trivial Python command (no
Azure SDK to import); the program that reads the secret runs in this process through
:func:`tests.in_process.commands_run_in_process`. The installed console script is run in a real
process by ``tests/test_run_job.py``.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import pytest
from azureml_obo_harness import values
from azureml_obo_harness.cloud.__main__ import main

from tests.in_process import commands_run_in_process

SPAWNED = """\
import json, os, sys
names = ("OBO_JOB_SECRET_NAME", "AZUREML_OBO_ENABLED")
json.dump([os.environ[name] for name in names], open(sys.argv[1], "w"))
raise SystemExit(3)
"""
"""The trivial command ``run`` spawns: writes two of the variables it got, exits with 3."""


@pytest.fixture(scope="module")
def spawned(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path]:
    """``fake-azure run -- python -c SPAWNED FILE``, once for the module: its status, FILE."""
    folder = tmp_path_factory.mktemp("spawned")
    (folder / "spawned.py").write_text(SPAWNED)
    written = folder / "environ.json"
    status = main(["run", "--", sys.executable, str(folder / "spawned.py"), str(written)])
    return status, written


def test_run_exits_with_the_commands_status(spawned: tuple[int, Path]) -> None:
    status, _ = spawned

    assert status == 3


def test_run_gives_the_command_the_fake_azure_environment(spawned: tuple[int, Path]) -> None:
    _, written = spawned

    assert json.loads(written.read_text()) == [values.SECRET_NAME, "True"]


def test_run_lets_an_unchanged_obo_program_read_the_seeded_secret(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    program = textwrap.dedent(
        """
        import os
        from azure.ai.ml.identity import AzureMLOnBehalfOfCredential
        from azure.keyvault.secrets import SecretClient

        client = SecretClient(os.environ["OBO_JOB_VAULT_URL"], AzureMLOnBehalfOfCredential())
        print(client.get_secret(os.environ["OBO_JOB_SECRET_NAME"]).value)
        """
    )
    ran = commands_run_in_process(monkeypatch)

    status = main(["run", "--", sys.executable, "-c", program])

    assert status == 0, capfd.readouterr().err
    assert ran == [[sys.executable, "-c", program]]
    assert capfd.readouterr().out.strip() == values.SECRET_VALUE


def test_run_without_a_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["run"])

    assert status == 2
    assert "give a command after --" in capsys.readouterr().err


class _Lines:
    """``sys.stdout`` for ``serve``: keeps what it writes and says when the banner is out."""

    def __init__(self) -> None:
        self.text = ""
        self.serving = threading.Event()

    def write(self, text: str) -> int:
        self.text += text
        if "# fake Azure serving" in self.text:
            self.serving.set()
        return len(text)

    def flush(self) -> None:
        pass


def test_serve_prints_export_lines_and_stops_on_sigterm(monkeypatch: pytest.MonkeyPatch) -> None:
    # serve() installs its own SIGTERM/SIGINT handlers in this (the main) thread; a helper thread
    # sends SIGTERM to this process once the banner is printed, which is after the handlers are in.
    saved: dict[signal.Signals, Any] = {
        s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)
    }
    stdout = _Lines()
    monkeypatch.setattr(sys, "stdout", stdout)

    def stop_when_serving() -> None:
        if not stdout.serving.wait(timeout=60):
            return
        # Were serve() to leave SIGTERM's default in place, SIGTERM would kill the test run:
        # interrupt it instead (KeyboardInterrupt), which pytest reports.
        handled = signal.getsignal(signal.SIGTERM) is not saved[signal.SIGTERM]
        os.kill(os.getpid(), signal.SIGTERM if handled else signal.SIGINT)

    stopper = threading.Thread(target=stop_when_serving, daemon=True)
    stopper.start()
    try:
        status = main(["serve"])
    finally:
        stopper.join(timeout=60)
        for signum, handler in saved.items():
            signal.signal(signum, handler)

    lines = stdout.text.splitlines()
    exports = {line.split("=", 1)[0] for line in lines if line.startswith("export ")}
    assert {"export HTTPS_PROXY", "export OBO_ENDPOINT", "export REQUESTS_CA_BUNDLE"} <= exports
    assert status == 0
