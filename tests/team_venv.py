"""The distributions a team's venv holds after a ``pip install``, taken offline from this one.

A team that follows docs/adopting.md gets, in its new venv, the distributions its install command
names and everything they require, and nothing else. The suite has no index to install them from,
so it links them: every file a wanted distribution installed (its ``RECORD``) is reachable from a
folder of links to this environment's site-packages, and the team's venv adds that folder to its
path. What this environment has beside them (Hypothesis, pytest-xdist, the example job) is not
there, so the team's pytest loads only the plugins a team would have, and a requirement the
harness forgot to declare is missing there as it would be for the team.

A folder that holds only wanted files is one link; a folder shared with an unwanted distribution
(the ``azure`` namespace, when this environment has an Azure SDK the team did not ask for; under
it, ``azure/core`` when azure-core-tracing-opentelemetry is not wanted) is made real and its
entries linked one by one.
"""

from __future__ import annotations

import csv
import importlib.metadata
import sys
import sysconfig
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

if sys.version_info >= (3, 11):
    import tomllib
else:  # pytest's own dependency on 3.10
    import tomli as tomllib

INSTALL_TOOLS = ("pip",)
"""What the install step itself needs in the team's venv besides a project's build requirements
(:func:`build_requirements`): pip, a venv's own from ensurepip."""


def project_requirements(project: Path) -> list[str]:
    """The ``[project].dependencies`` of the project at ``project`` (a folder pip installs)."""
    with (project / "pyproject.toml").open("rb") as file:
        return list(tomllib.load(file)["project"].get("dependencies", []))


def build_requirements(project: Path) -> list[str]:
    """The ``[build-system].requires`` of the project at ``project``: what pip needs in the venv to
    build it from its path without an index (``--no-build-isolation``)."""
    with (project / "pyproject.toml").open("rb") as file:
        return list(tomllib.load(file)["build-system"]["requires"])


def requirement_closure(requirements: Iterable[str]) -> dict[str, importlib.metadata.Distribution]:
    """Each distribution of this environment that ``requirements`` need, with its own
    requirements (extras and markers as pip evaluates them), by canonical name.

    A requirement this environment cannot meet fails here, with its name.
    """
    wanted: dict[str, importlib.metadata.Distribution] = {}
    pending = [(Requirement(text), "") for text in requirements]
    done: set[tuple[str, str]] = set()
    while pending:
        requirement, extra = pending.pop()
        if requirement.marker is not None and not requirement.marker.evaluate(
            {**default_environment(), "extra": extra}
        ):
            continue
        name = canonicalize_name(requirement.name)
        for wanted_extra in ("", *sorted(requirement.extras)):
            if (name, wanted_extra) in done:
                continue
            done.add((name, wanted_extra))
            try:
                distribution = wanted.get(name) or importlib.metadata.distribution(name)
            except importlib.metadata.PackageNotFoundError:
                raise AssertionError(
                    f"{requirement} is required, but this environment does not have {name}"
                ) from None
            version = distribution.version
            assert requirement.specifier.contains(version, prereleases=True), (
                f"{requirement} is required; this environment has {name} {version}"
            )
            wanted[name] = distribution
            pending += [(Requirement(t), wanted_extra) for t in distribution.requires or ()]
    return wanted


def _installed_files(site_packages: Path) -> list[tuple[tuple[str, ...], str]]:
    """Every file the distributions of ``site_packages`` installed there (its path's parts) and
    the distribution that installed it (canonical name), from their ``RECORD`` files."""
    files = []
    for distribution in importlib.metadata.distributions(path=[str(site_packages)]):
        name = canonicalize_name(distribution.metadata["Name"])
        for row in csv.reader((distribution.read_text("RECORD") or "").splitlines()):
            parts = tuple(PurePosixPath(row[0]).parts) if row else ()
            if parts and parts[0] != "..":  # a script in bin/ is not on the path
                files.append((parts, name))
    return files


def link_distributions(wanted: Iterable[str], target: Path) -> int:
    """Fill ``target`` with links to the files of the ``wanted`` distributions (canonical names)
    in this environment's site-packages; returns the number of links made."""
    site_packages = Path(sysconfig.get_path("purelib"))
    wanted = set(wanted)
    files = _installed_files(site_packages)
    missing = wanted - {name for _, name in files}
    assert not missing, f"not installed in {site_packages}, cannot be linked: {sorted(missing)}"
    links = 0

    def link(depth: int, entries: list[tuple[tuple[str, ...], str]]) -> None:
        """Link the entries at ``depth`` of these files (all under one folder)."""
        nonlocal links
        by_entry: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for parts, name in entries:
            by_entry.setdefault(parts[depth], []).append((parts, name))
        for under in by_entry.values():
            owners = {name for _, name in under}
            if not owners & wanted:
                continue
            entry = PurePosixPath(*under[0][0][: depth + 1])
            is_file = any(len(parts) == depth + 1 for parts, _ in under)
            if is_file or owners <= wanted:  # a file, or a folder of wanted files only
                source, destination = site_packages / entry, target / entry
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.symlink_to(source, target_is_directory=not is_file)
                links += 1
            else:  # shared with a distribution the team does not have: its entries one by one
                link(depth + 1, under)

    link(0, files)
    return links
