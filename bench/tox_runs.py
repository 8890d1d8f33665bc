"""Running ``python3 -m tox`` as a developer does, and reading what it did from its output.

tox looks interpreters up as ``python3.X`` on ``PATH``; pyenv's shims are not enough (a
``python3.10`` shim fails unless 3.10 is the selected version), so :func:`interpreter_path` does
what the README advises: every installed 3.10-3.13 ``bin`` folder at the END of ``PATH``.

What tox ran is read from its output, never assumed: the final report (``py311: OK (...)``,
``py310: SKIP (...)``) says which environments passed, and the ``install_deps>`` /
``install_package>`` command lines say which installer installed them (``uv pip install`` under
tox-uv, ``python -I -m pip install`` without it).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.timing import ROOT

ENVS = ("py310", "py311", "py312", "py313", "lint", "type")
"""tox.ini's env_list: four Pythons plus lint and type."""

_REPORT = re.compile(r"^\s*([\w.-]+): (OK|SKIP|FAIL)\b", re.M)
_INSTALL = re.compile(
    r"^[\w.-]+: (?:install_deps|install_package|install_package_deps)> (.*)$", re.M
)


def interpreter_path(environ: dict[str, str] | None = None) -> str:
    """``PATH`` with each installed pyenv 3.10-3.13 ``bin`` folder appended (the README's advice;
    ``python3`` stays the one found first)."""
    path = (environ if environ is not None else os.environ).get("PATH", "")
    pyenv = shutil.which("pyenv")
    if pyenv is None:
        return path
    root = subprocess.run([pyenv, "root"], capture_output=True, text=True, check=False)
    versions = Path(root.stdout.strip() or "/nonexistent") / "versions"
    folders = [
        str(folder / "bin")
        for folder in sorted(versions.glob("3.1[0-3].*"))
        if re.fullmatch(r"3\.1[0-3]\.\d+", folder.name)
    ]
    return os.pathsep.join([path, *folders]) if path else os.pathsep.join(folders)


def _outside_virtualenvs(path: str, venvs: list[str]) -> str:
    """``path`` without its folders inside any of ``venvs``."""
    roots = [Path(venv).resolve() for venv in venvs]
    kept = [
        folder
        for folder in path.split(os.pathsep)
        if folder and not any(Path(folder).resolve().is_relative_to(root) for root in roots)
    ]
    return os.pathsep.join(kept)


def tox_environ(**overrides: str) -> dict[str, str]:
    """The environment tox runs in: the caller's, outside any virtualenv (neither an activated
    one, ``VIRTUAL_ENV``, nor the one running the bench: their ``bin`` folders leave ``PATH``, so
    ``python3`` is the developer's own, as in the README's ``python3 -m tox``), with
    :func:`interpreter_path`."""
    env = dict(os.environ)
    venvs = [env.pop("VIRTUAL_ENV", "")]
    if sys.prefix != sys.base_prefix:
        venvs.append(sys.prefix)
    env["PATH"] = interpreter_path(
        {"PATH": _outside_virtualenvs(env.get("PATH", ""), [v for v in venvs if v])}
    )
    env.update(overrides)
    return env


@dataclass
class ToxRun:
    """One tox run: its wall time, each environment's verdict and the installers its output shows."""

    seconds: float
    returncode: int
    statuses: dict[str, str] = field(default_factory=dict)
    installers: set[str] = field(default_factory=set)

    def green(self, envs: tuple[str, ...]) -> bool:
        """Exit 0 and every one of ``envs`` OK (a skipped Python is not green)."""
        return self.returncode == 0 and all(self.statuses.get(env) == "OK" for env in envs)

    def verdict(self, envs: tuple[str, ...]) -> str:
        """``green`` or what was not: ``py310 SKIP, type FAIL``."""
        if self.green(envs):
            return "green"
        bad = [
            f"{env} {self.statuses.get(env, 'not run')}"
            for env in envs
            if self.statuses.get(env) != "OK"
        ]
        return "NOT GREEN: " + (", ".join(bad) or f"exit {self.returncode}")


def read_output(output: str) -> tuple[dict[str, str], set[str]]:
    """The final report's verdict per environment, and the installers the command lines show
    (``uv``, ``pip``)."""
    statuses = {name: status for name, status in _REPORT.findall(output)}
    installers: set[str] = set()
    for command in _INSTALL.findall(output):
        if re.search(r"(^|[/\s])uv pip install\b", command):
            installers.add("uv")
        elif re.search(r"-m pip install\b|(^|[/\s])pip install\b", command):
            installers.add("pip")
    return statuses, installers


def run_tox(
    tox: list[str],
    envs: tuple[str, ...],
    *,
    posargs: list[str] | None = None,
    cwd: Path = ROOT,
    env: dict[str, str] | None = None,
    log: Path | None = None,
    timeout: float = 3600,
) -> ToxRun:
    """Run ``tox -e <envs> [-- posargs]`` and time it; the output goes to ``log`` (appended)."""
    argv = [*tox, "-e", ",".join(envs)]
    if posargs:
        argv += ["--", *posargs]
    start = time.perf_counter()
    result = subprocess.run(
        argv,
        cwd=cwd,
        env=env if env is not None else tox_environ(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    seconds = time.perf_counter() - start
    output = result.stdout + result.stderr
    if log is not None:
        with log.open("a") as file:
            file.write(f"$ {' '.join(argv)}\n{output}\n")
    statuses, installers = read_output(output)
    return ToxRun(seconds, result.returncode, statuses, installers)


def why_tox_cannot_start(tox: list[str]) -> str | None:
    """None if ``tox --version`` runs, else what it said (its last line) and how to install it."""
    try:
        result = subprocess.run(
            [*tox, "--version"],
            env=tox_environ(),
            capture_output=True,
            text=True,
            timeout=120,
        )
    except OSError as error:
        said = str(error)
    else:
        if result.returncode == 0:
            return None
        lines = (result.stderr or result.stdout).strip().splitlines()
        said = lines[-1] if lines else f"exit {result.returncode}"
    return (
        f"`{' '.join(tox)} --version` failed ({said}): install tox for that Python "
        "(`python3 -m pip install tox tox-uv`, as .ci/run does) or name another with --tox"
    )


def warm_tox(
    tox: list[str], envs: tuple[str, ...], *, posargs: list[str] | None = None
) -> tuple[ToxRun, ToxRun]:
    """Warm-up (creates or updates the environments in the working tree's ``.tox``, untimed for
    the figure), then the timed run with every environment warm."""
    warmup = run_tox(tox, envs, posargs=posargs)
    return warmup, run_tox(tox, envs, posargs=posargs)
