"""Cold start: a fresh clone to a first green ``tox``, with pip and with tox-uv.

Each variant starts from nothing: a new ``git clone`` of the repository's HEAD, a new virtualenv
into which ``tox`` (and ``tox-uv``) is installed, and empty pip and uv caches, so every package
is downloaded as on a new machine. tox runs as the README says (``python -m tox`` of that
virtualenv, every installed 3.10-3.13 on ``PATH``: :func:`bench.tox_runs.interpreter_path`), on
all of ``env_list`` by default. The times are (1) installing tox, (2) the tox run (its
environments' installation plus the leak scan, the suite, lint and type), and their sum.

What ran is checked, not assumed: ``tox --version`` of the virtualenv must list the ``tox-uv``
plugin exactly when it was installed, and the run's ``install_deps>`` lines must show ``uv pip
install`` (tox-uv) or ``pip install`` (pip) and not the other.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.timing import ROOT
from bench.tox_runs import ENVS, ToxRun, run_tox, tox_environ

VARIANTS = {"pip": ["tox"], "tox-uv": ["tox", "tox-uv"]}
INSTALLER = {"pip": "pip", "tox-uv": "uv"}
"""The installer each variant's tox output must show."""


@dataclass
class ColdStart:
    """One variant's figures and what was verified about it."""

    install: float
    run: ToxRun
    plugins: str
    """``tox --version``'s plugin lines (``registered plugins: tox-uv-1.x ...``)."""

    @property
    def total(self) -> float:
        return self.install + self.run.seconds

    def installer_problem(self, variant: str) -> str:
        """Empty if the tox run used the variant's installer only; else what it used."""
        wanted = INSTALLER[variant]
        has_plugin = "tox-uv" in self.plugins
        if has_plugin != (variant == "tox-uv"):
            return f"tox-uv plugin {'registered' if has_plugin else 'missing'}"
        if self.run.installers != {wanted}:
            return f"installers seen: {sorted(self.run.installers) or 'none'}, not {wanted} only"
        return ""


def _timed(argv: list[str], *, cwd: Path, env: dict[str, str], log: Path) -> float:
    start = time.perf_counter()
    with log.open("a") as output:
        output.write(f"$ {' '.join(argv)}\n")
        output.flush()
        result = subprocess.run(argv, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {result.returncode}; see {log}")
    return time.perf_counter() - start


def measure(
    variant: str,
    *,
    envs: tuple[str, ...] = ENVS,
    posargs: list[str] | None = None,
    keep_logs: Path | None = None,
) -> ColdStart:
    """Clone, install ``VARIANTS[variant]`` into a new venv, run its tox on ``envs``."""
    with tempfile.TemporaryDirectory(prefix=f"bench-cold-{variant}-") as folder:
        base = Path(folder)
        if keep_logs is not None:
            keep_logs.mkdir(parents=True, exist_ok=True)
        log = (keep_logs or base) / f"cold-start-{variant}.log"
        env = tox_environ(
            PIP_CACHE_DIR=str(base / "pip-cache"), UV_CACHE_DIR=str(base / "uv-cache")
        )
        subprocess.run(["git", "clone", "-q", str(ROOT), str(base / "clone")], check=True)
        subprocess.run([sys.executable, "-m", "venv", str(base / "tox-venv")], check=True)
        python = str(base / "tox-venv" / "bin" / "python")
        install = _timed(
            [python, "-m", "pip", "install", "-q", *VARIANTS[variant]], cwd=base, env=env, log=log
        )
        version = subprocess.run(
            [python, "-m", "tox", "--version"], capture_output=True, text=True, env=env, check=True
        ).stdout
        run = run_tox(
            [python, "-m", "tox"], envs, posargs=posargs, cwd=base / "clone", env=env, log=log
        )
    return ColdStart(install, run, version)
