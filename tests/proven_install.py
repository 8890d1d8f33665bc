"""The adopting guide's install step, proven once for what it installs, then reused.

The guide's first two commands make the team's venv and ``pip install`` the harness into it
(``tests/test_adopting_doc.py`` runs them offline). What they give depends only on what they
read: this interpreter, this environment's distributions (the team's venv links to them), the
harness's files (pip builds it from ``fakes/``), the guide's text and the test's own code for the
install. :func:`install_key` is a digest of all of that. Once the install has been made and
checked for a key, the team's folder is kept in pytest's cache (``.pytest_cache/d/adopting-guide/``,
one folder for each environment) beside a file that holds the key; a later run with the same key
keeps the folder's ``.venv`` and empties the rest, so it takes the guide's other steps from the
start, and checks the venv it found as it checks a new one. Any change to what the install reads
changes the key: the next run makes the venv afresh and proves the install again, as does
``pytest --cache-clear``, a fresh clone, or a run without the cache (``-p no:cacheprovider``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import sysconfig
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

ROOT = Path(__file__).resolve().parent.parent
CACHE_FOLDER = "adopting-guide"
"""The folder of pytest's cache (``Cache.mkdir``) that holds a team's folder per environment."""
PROVEN = "proven-install"
"""The file beside the team's folder that holds the key its venv was proven for."""
VENV = ".venv"


class Cache(Protocol):
    """What is used of pytest's ``config.cache``: a folder of its own by name."""

    def mkdir(self, name: str) -> Path: ...


NOT_BUILT_FROM = ("__pycache__", "build", "dist")
"""Folders of ``fakes/`` that pip does not build the harness from (nor do ``*.egg-info`` ones)."""


def harness_files(harness: Path = ROOT / "fakes") -> Iterator[Path]:
    """The files pip builds the harness from, in a stable order: ``fakes/`` less its caches,
    builds and hidden folders, and compiled bytecode."""
    for folder, folders, files in os.walk(harness):
        folders[:] = sorted(
            name
            for name in folders
            if name not in NOT_BUILT_FROM
            and not name.startswith(".")
            and not name.endswith(".egg-info")
        )
        for name in sorted(files):
            if not name.endswith(".pyc"):
                yield Path(folder, name)


def install_key(read: Iterable[Path], harness: Path = ROOT / "fakes") -> str:
    """A digest of what the install step reads: the interpreter and its environment (the name of
    every entry of its site-packages: each distribution's name and version), the harness's files
    (their paths and bytes), and the files of ``read`` (the guide, the test's own code)."""
    digest = hashlib.sha256()

    def add(part: str | bytes) -> None:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)

    add(sys.version)
    add(os.path.realpath(sys.executable))
    add(sys.prefix)
    for path in sorted({sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}):
        for entry in sorted(os.listdir(path)) if os.path.isdir(path) else ():
            add(entry)
    for path in harness_files(harness):
        add(path.relative_to(harness).as_posix())
        add(path.read_bytes())
    for path in read:
        add(path.read_bytes())
    return digest.hexdigest()


@dataclass
class TeamFolder:
    """Where the guide is followed, and whether its venv there is proven for this key."""

    path: Path
    proven: bool
    """The ``.venv`` in :attr:`path` was made and checked for :attr:`key`: the install step
    need not run again."""
    key: str
    marker: Path | None
    """The file that records the key once proven; ``None`` when there is no cache to keep it."""

    def record_proven(self) -> None:
        """The install step has run and its venv passed the checks: remember it for the key."""
        if self.marker is not None:
            self.marker.write_text(self.key + "\n")
            self.proven = True


def team_folder(cache: Cache | None, fresh: Path, key: str) -> TeamFolder:
    """The team's folder for this run: with a cache, this environment's folder there, holding
    only its proven ``.venv`` if the key is the proven one, else nothing; without a cache (or a
    folder it cannot write), ``fresh``, an empty folder, never proven."""
    folder = None
    if cache is not None:
        try:
            folder = cache.mkdir(CACHE_FOLDER)
        except OSError:  # a read-only checkout: pytest's cache warns, the guide runs afresh
            folder = None
    if folder is None:
        return TeamFolder(fresh, False, key, None)
    environment = folder / hashlib.sha256(sys.prefix.encode()).hexdigest()[:16]
    team, marker = environment / "team", environment / PROVEN
    proven = marker.is_file() and marker.read_text().strip() == key and (team / VENV).is_dir()
    if proven:
        for entry in team.iterdir():
            if entry.name == VENV:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    else:
        marker.unlink(missing_ok=True)
        shutil.rmtree(team, ignore_errors=True)
        team.mkdir(parents=True)
    return TeamFolder(team, proven, key, marker)
