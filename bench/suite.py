"""The import floor and the offline suite, each timed as its own process, in pairs.

The floor is ``python -c "import azure.ai.ml, azure.keyvault.secrets, azure.identity"``: no run of
the suite can take less. Each suite run comes between floor runs of its own, right before and
right after it, and the serial figure is the median of the runs' own ratios
(:func:`paired_seconds`). The suite is ``python -m pytest -q`` in replay mode, run in the working
tree, or (``ref``) in a snapshot of a commit with that snapshot's ``src`` and ``fakes`` first on
``PYTHONPATH`` (ahead of the editable install).

The suite runs as ``tox`` runs it in one respect this machine's shell does not: Python writes its
bytecode (``PYTHONDONTWRITEBYTECODE`` is dropped: this machine's shell sets it, tox does not pass
it to its environments), and one ``--collect-only`` run before the timed ones writes the
bytecode and pytest's rewritten test modules, as a second ``tox`` run finds them. With the
variable set, every run compiles and rewrites the project's ~250 modules again (~3 s here).
pytest's cache is on, as in ``tox``: one untimed run of ``tests/test_adopting_doc.py`` before the
timed ones proves the adopting guide's install for the folder's code and keeps it there
(``tests/proven_install.py``), as a second ``tox`` run finds it; each timed run then checks that
venv and follows the rest of the guide with it. ``--cache-clear`` in ``extra`` would prove the
install again in every run (about 1 s more here).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.timing import ROOT, command_seconds

IMPORT_FLOOR = [sys.executable, "-c", "import azure.ai.ml, azure.keyvault.secrets, azure.identity"]
SUITE = [sys.executable, "-m", "pytest", "-q"]
ADOPTING_GUIDE = "tests/test_adopting_doc.py"


@contextmanager
def checkout(ref: str | None) -> Iterator[tuple[Path, dict[str, str]]]:
    """The folder to run the suite in and its environment: the working tree, or ``ref``'s files."""
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    if ref is None:
        yield ROOT, env
        return
    with tempfile.TemporaryDirectory(prefix="bench-suite-") as folder:
        archive = subprocess.run(
            ["git", "archive", ref], cwd=ROOT, check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
        paths = [folder, str(Path(folder) / "src"), env.get("PYTHONPATH", "")]
        env["PYTHONPATH"] = os.pathsep.join(path for path in paths if path)
        yield Path(folder), env


@contextmanager
def warm_checkout(ref: str | None) -> Iterator[tuple[Path, dict[str, str]]]:
    """:func:`checkout`, after one untimed ``--collect-only`` run there has written the bytecode
    and one untimed run of the adopting guide's test has proven its install in pytest's cache."""
    with checkout(ref) as (folder, env):
        subprocess.run([*SUITE, "--collect-only"], cwd=folder, env=env, capture_output=True)
        subprocess.run([*SUITE, ADOPTING_GUIDE], cwd=folder, env=env, capture_output=True)
        yield folder, env


@dataclass
class Pair:
    """One run of the suite and the import floor measured on each side of it."""

    floor_before: float
    """The median of the floor runs taken right before the suite run."""
    suite: float
    floor_after: float
    """The median of the floor runs taken right after it."""

    @property
    def floor(self) -> float:
        """The floor of the suite's minutes: the mean of the two sides."""
        return (self.floor_before + self.floor_after) / 2

    @property
    def ratio(self) -> float:
        return self.suite / self.floor


def paired_seconds(
    runs: int, floor_runs: int, *, ref: str | None = None, extra: list[str] | None = None
) -> tuple[list[Pair], list[str]]:
    """``runs`` runs of the offline suite (``extra``: more pytest arguments), each between
    ``floor_runs`` runs of the import floor right before it and as many right after it (the floor
    between two suite runs counts for both), and the summary line of every suite run that did
    not pass (a failing suite is still timed, and said).

    Pairing them keeps the ratio a comparison of the same minutes: this machine's speed drifts
    (floors of 1.35 s and 2.24 s a few minutes apart), and a floor measured once, before all the
    suite runs, is compared with suite runs taken up to several minutes later. A floor taken
    only before a run ends before the run's own half minute starts: at 044af04 the highest of
    three such floors came with the quickest suite (bench/README.md)."""
    failures: list[str] = []
    pairs = []
    argv = [*SUITE, *(extra or [])]
    with warm_checkout(ref) as (folder, env):
        floor = command_seconds(IMPORT_FLOOR, floor_runs, cwd=folder, env=env)
        for _ in range(runs):  # floor, suite, floor, suite, ..., floor: one between two runs
            whole = command_seconds(argv, 1, cwd=folder, env=env, failures=failures)
            after = command_seconds(IMPORT_FLOOR, floor_runs, cwd=folder, env=env)
            pairs.append(Pair(floor, whole, after))
            floor = after
    return pairs, failures


def suite_seconds(
    runs: int, *, ref: str | None = None, extra: list[str] | None = None
) -> tuple[float, list[str]]:
    """Median wall time of the offline suite (``extra``: more pytest arguments, e.g. ``-n 2``), and
    the summary line of every run that did not pass (a failing suite is still timed, and said)."""
    failures: list[str] = []
    with warm_checkout(ref) as (folder, env):
        argv = [*SUITE, *(extra or [])]
        return command_seconds(argv, runs, cwd=folder, env=env, failures=failures), failures
