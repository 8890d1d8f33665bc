"""The command-line programs run in this process, with an explicit environment.

A new interpreter pays the import floor (azure-ai-ml, azure-keyvault, azure-identity: seconds on a
busy machine) for every run; the programs' entry functions take their arguments and environment
instead. What only a separate process proves (the console scripts are installed, a process sees
only its environment) is kept to a few true subprocess tests (``test_the_console_script_...``).

- :func:`run_obo_job` runs ``obo_job.cli.main(argv, environ)`` and returns its status and output.
- :func:`commands_run_in_process` makes ``fake-azure run -- COMMAND`` (``cloud.__main__.main``)
  run ``python -m obo_job ...`` or ``python -c PROGRAM`` in this process, with the environment the
  fake gives its command set in ``os.environ`` for the command's duration. ``run`` spawning a real
  command is tested once, with a trivial command (``tests/cloud/test_cli.py``).
- :func:`job_commands_run_in_process` does the same for ``fake-azure run-job``'s
  ``python SCRIPT.py ...`` (``jobrun.runner``), for a script that imports the Azure SDKs: the
  run-job tests whose script imports nothing keep spawning it, so the command really runs in
  bash, in the code folder's copy, with exactly the environment run-job builds.
"""

from __future__ import annotations

import os
import runpy
import shlex
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest

import obo_job.cli


@dataclass(frozen=True)
class Run:
    """What a program did: its exit status and what it wrote to stdout and stderr."""

    status: int
    out: str
    err: str


def run_obo_job(
    argv: Sequence[str], environ: Mapping[str, str], capfd: pytest.CaptureFixture[str]
) -> Run:
    """``python -m obo_job ARGV`` with ``environ``, in-process; output read through ``capfd``
    (file descriptors and ``sys.stdout``/``sys.stderr`` both: what a terminal would show)."""
    capfd.readouterr()  # only this run's output
    status = obo_job.cli.main(list(argv), environ=environ)
    out, err = capfd.readouterr()
    return Run(status, out, err)


def set_exactly(patch: pytest.MonkeyPatch, environ: Mapping[str, str]) -> None:
    """Make ``os.environ`` exactly ``environ`` (as a new process would see it), undone with
    ``patch``."""
    for name in list(os.environ):
        if name not in environ:
            patch.delenv(name)
    for name, value in environ.items():
        patch.setenv(name, value)


def _exit_status(exited: SystemExit) -> int:
    # As the interpreter turns SystemExit into a status: None is 0, a message is 1.
    code = exited.code
    return code if isinstance(code, int) else (0 if code is None else 1)


def _exec_program(program: str) -> int:
    try:
        exec(compile(program, "<string>", "exec"), {"__name__": "__main__"})
    except SystemExit as exited:
        return _exit_status(exited)
    return 0


def commands_run_in_process(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Make ``fake-azure run`` run its COMMAND in this process; returns the commands it ran.

    Stands in for ``subprocess.call`` in ``azureml_obo_harness.cloud.__main__`` only: the fake
    starts, applies its switches, gives the command ``{**os.environ, **fake.environ()}`` and
    passes its status through exactly as in production; the command is the same program, called
    through its entry function while that environment is ``os.environ`` (the SDKs read it there).
    """
    import azureml_obo_harness.cloud.__main__ as fake_azure_cli

    commands: list[list[str]] = []

    def call(command: Sequence[str], *, env: Mapping[str, str]) -> int:
        command = list(command)
        commands.append(command)
        with pytest.MonkeyPatch.context() as patch:
            for name, value in env.items():
                patch.setenv(name, value)
            if command[:3] == [sys.executable, "-m", "obo_job"]:
                return obo_job.cli.main(command[3:], environ=env)
            if command[:2] == [sys.executable, "-c"] and len(command) == 3:
                return _exec_program(command[2])
        raise AssertionError(f"no in-process stand-in for the command {command}")

    monkeypatch.setattr(fake_azure_cli, "subprocess", SimpleNamespace(call=call))
    return commands


def job_commands_run_in_process(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make ``fake-azure run-job`` run its ``python SCRIPT.py ARGS`` command in this process;
    returns the commands it ran.

    Stands in for ``subprocess.call`` in ``azureml_obo_harness.jobrun.runner`` only: everything
    run-job does before and after (the fake or the live bridge started and stopped, the code
    copied, the command resolved, the environment built, the status passed through) is
    production code. The script runs as ``__main__`` with the command's ``sys.argv``, in the
    command's folder, and with ``os.environ`` exactly the command's environment (nothing else of
    this process's), as a new interpreter would see it.
    """
    import azureml_obo_harness.jobrun.runner as runner

    commands: list[str] = []

    def call(
        command: str, *, shell: bool, executable: str | None, cwd: Path, env: Mapping[str, str]
    ) -> int:
        commands.append(command)
        argv = shlex.split(command)
        if not (shell and len(argv) >= 2 and argv[0] == "python" and argv[1].endswith(".py")):
            raise AssertionError(f"no in-process stand-in for the command {command!r}")
        with pytest.MonkeyPatch.context() as patch:
            set_exactly(patch, env)
            patch.chdir(cwd)
            patch.syspath_prepend(str(cwd))  # as `python SCRIPT.py` puts the script's folder
            patch.setattr(sys, "argv", argv[1:])
            try:
                runpy.run_path(argv[1], run_name="__main__")
            except SystemExit as exited:
                return _exit_status(exited)
        return 0

    monkeypatch.setattr(runner, "subprocess", SimpleNamespace(call=call))
    return commands
