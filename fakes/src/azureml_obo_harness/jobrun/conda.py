"""The job's conda file, checked against the current Python instead of building its image.

Only the ``pip:`` packages are checked (the conda packages are the image's business: ``python``,
``pip``): each must be installed here, at a version its specifier accepts, or the job would fail
on a missing import half-way through; ``run-job`` names them all before the run instead.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import metadata
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement

from azureml_obo_harness.jobrun.errors import RunJobError


def pip_requirements(conda_file: dict[str, Any]) -> list[str]:
    """The ``pip:`` entries of a parsed conda file, in order."""
    found: list[str] = []
    for dependency in conda_file.get("dependencies") or []:
        if isinstance(dependency, dict):
            found.extend(str(item) for item in dependency.get("pip") or [])
    return found


def _installed_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def unmet_requirements(
    requirements: list[str],
    *,
    installed_version: Callable[[str], str | None] = _installed_version,
) -> list[str]:
    """One description per requirement the current environment does not meet
    (``name>=1 (not installed)``, ``name>=2 (1.0 installed)``). Options (``--index-url``), local
    paths and URLs cannot be checked here and are skipped."""
    unmet: list[str] = []
    for text in requirements:
        # Options and local paths or VCS URLs name no installed distribution to compare with.
        if text.startswith("-") or ("/" in text.split(";")[0] and "@" not in text):
            continue
        try:
            requirement = Requirement(text)
        except InvalidRequirement:
            continue
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        version = installed_version(requirement.name)
        if version is None:
            unmet.append(f"{text} (not installed)")
        elif requirement.specifier and not requirement.specifier.contains(
            version, prereleases=True
        ):
            unmet.append(f"{text} ({version} installed)")
    return unmet


def check_conda_file(conda_file: dict[str, Any] | None, *, job_name: str) -> None:
    """Raise :class:`RunJobError` naming every pip package of ``conda_file`` this Python lacks."""
    if conda_file is None:
        return
    unmet = unmet_requirements(pip_requirements(conda_file))
    if unmet:
        raise RunJobError(
            f"{job_name}'s conda file needs pip packages this Python does not have: "
            f"{'; '.join(unmet)}: install them (python -m pip install ...) or run-job with the "
            "Python that has them"
        )
