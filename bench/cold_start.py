"""Cold start: a fresh clone to a first green ``tox -e py311``, with pip and with tox-uv.

Each variant starts from nothing: a new ``git clone`` of the repository's HEAD, a new virtualenv
into which ``tox`` (and ``tox-uv``) is installed, and empty pip and uv caches, so every package
is downloaded as on a new machine. The times are (1) installing tox, (2) ``tox -e py311`` (its
environment's installation plus the leak scan and the suite), and their sum.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.timing import ROOT

VARIANTS = {"pip": ["tox"], "tox-uv": ["tox", "tox-uv"]}


def _python311_path() -> str:
    """A PATH with a ``python3.11`` folder first (tox looks interpreters up as ``python3.X``)."""
    found = shutil.which("python3.11")
    folders = [str(Path(found).parent)] if found else []
    if not found:
        pyenv = subprocess.run(["pyenv", "root"], capture_output=True, text=True, check=False)
        versions = Path(pyenv.stdout.strip() or "/nonexistent") / "versions"
        folders = [str(path / "bin") for path in sorted(versions.glob("3.11.*"))][-1:]
    return os.pathsep.join([*folders, os.environ.get("PATH", "")])


def _timed(argv: list[str], *, cwd: Path, env: dict[str, str], log: Path) -> float:
    start = time.perf_counter()
    with log.open("a") as output:
        result = subprocess.run(argv, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {result.returncode}; see {log}")
    return time.perf_counter() - start


def measure(variant: str, *, keep_logs: Path | None = None) -> dict[str, float]:
    """Seconds to install tox (``install``), to run ``tox -e py311`` (``tox``), and ``total``."""
    with tempfile.TemporaryDirectory(prefix=f"bench-cold-{variant}-") as folder:
        base = Path(folder)
        log = (keep_logs or base) / f"cold-start-{variant}.log"
        env = dict(os.environ)
        env.pop("VIRTUAL_ENV", None)
        env.update(
            PATH=_python311_path(),
            PIP_CACHE_DIR=str(base / "pip-cache"),
            UV_CACHE_DIR=str(base / "uv-cache"),
        )
        subprocess.run(["git", "clone", "-q", str(ROOT), str(base / "clone")], check=True)
        subprocess.run([sys.executable, "-m", "venv", str(base / "tox-venv")], check=True)
        python = str(base / "tox-venv" / "bin" / "python")
        install = _timed(
            [python, "-m", "pip", "install", "-q", *VARIANTS[variant]], cwd=base, env=env, log=log
        )
        tox = _timed([python, "-m", "tox", "-e", "py311"], cwd=base / "clone", env=env, log=log)
    return {"install": install, "tox": tox, "total": install + tox}
