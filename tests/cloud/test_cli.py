"""``fake-azure``: ``run`` and ``serve``.

``run`` spawns its COMMAND by design. That path runs once, as a shell runs it: the installed
``fake-azure`` console script is a real process (one of the suite's few), and its command a
trivial Python script that imports nothing (a process that imported the Azure SDKs would pay
their import floor). The process is the two tests' head start (``tests/head_start.py``): in a
serial run it runs on the machine's other core while this process runs the tests before them.
The other tests call the entry function in this process; the program that reads the secret runs
in it too, through :func:`tests.in_process.commands_run_in_process`.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from azureml_obo_harness import values
from azureml_obo_harness.cloud.__main__ import main

from tests import head_start
from tests.in_process import commands_run_in_process

SPAWNED = """\
import json, os, sys
names = ("OBO_JOB_SECRET_NAME", "AZUREML_OBO_ENABLED")
json.dump([os.environ[name] for name in names], open(sys.argv[1], "w"))
raise SystemExit(3)
"""
"""The trivial command ``run`` spawns: writes two of the variables it got, exits with 3."""


Spawned = tuple[subprocess.CompletedProcess[str], Path]


def the_console_script_run(config: pytest.Config) -> Callable[[], Spawned]:
    """The two tests' head start (``tests/head_start.py``): the installed console script,
    ``fake-azure run -- python SPAWNED FILE``, run once as a real process, in the environment of
    the session; its process starts when collection ends and runs beside the tests before these.
    Gives what it did, and FILE."""
    folder = head_start.folder(config, "spawned")
    (folder / "spawned.py").write_text(SPAWNED)
    written = folder / "environ.json"
    script = Path(sys.executable).parent / "fake-azure"
    command = [str(script), "run", "--", sys.executable, str(folder / "spawned.py"), str(written)]
    environ = dict(os.environ)  # read here: the tests before these may change os.environ

    def run() -> Spawned:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=120, check=False, env=environ
        )
        return result, written

    return run


@pytest.fixture
def spawned(request: pytest.FixtureRequest) -> Spawned:
    """What the console script's run did, and FILE (:func:`the_console_script_run`)."""
    result: Spawned = head_start.result(request)
    return result


@head_start.begins(the_console_script_run)
def test_the_console_script_exits_with_the_commands_status(spawned: Spawned) -> None:
    result, _ = spawned

    assert result.returncode == 3, result.stderr


@head_start.begins(the_console_script_run)
def test_run_gives_the_command_the_fake_azure_environment(spawned: Spawned) -> None:
    result, written = spawned
    assert written.is_file(), result.stderr

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
    main_thread = threading.get_ident()

    def stop_when_serving() -> None:
        if not stdout.serving.wait(timeout=60):
            return
        # Were serve() to leave SIGTERM's default in place, SIGTERM would kill the test run:
        # interrupt it instead (KeyboardInterrupt), which pytest reports.
        handled = signal.getsignal(signal.SIGTERM) is not saved[signal.SIGTERM]
        # To the main thread, where Python runs the handler: sent to the process, the signal may
        # land in another thread (a head start's), and the handler waits for serve()'s next poll.
        signal.pthread_kill(main_thread, signal.SIGTERM if handled else signal.SIGINT)

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
