"""tests/team_venv.py: a team's venv gets the distributions its install needs, and only those."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import pytest

from tests.team_venv import link_distributions, requirement_closure


def test_the_closure_holds_the_requirements_of_the_requirements() -> None:
    closure = requirement_closure(["azure-keyvault-secrets"])
    # azure-keyvault-secrets requires azure-core, which requires requests, which requires urllib3.
    assert {"azure-keyvault-secrets", "azure-core", "requests", "urllib3"} <= set(closure)
    assert "azure-ai-ml" not in closure and "hypothesis" not in closure


def test_a_requirement_this_environment_cannot_meet_is_named() -> None:
    with pytest.raises(AssertionError, match="no-such-distribution"):
        requirement_closure(["no-such-distribution>=1"])
    version = importlib.metadata.version("pytest")
    with pytest.raises(AssertionError, match=f"this environment has pytest {version}"):
        requirement_closure([f"pytest>{version}"])


def test_a_requirement_for_another_python_is_left_out() -> None:
    assert requirement_closure(['pytest; python_version < "3"']) == {}


def test_a_shared_namespace_folder_is_real_and_only_the_wanted_parts_are_linked(
    tmp_path: Path,
) -> None:
    links = link_distributions(requirement_closure(["azure-keyvault-secrets"]), tmp_path)

    azure = tmp_path / "azure"
    assert azure.is_dir() and not azure.is_symlink()  # azure-ai-ml's azure/ai is not the team's
    assert (azure / "core" / "__init__.py").is_file()
    assert (azure / "keyvault" / "secrets" / "__init__.py").is_file()
    assert not (azure / "ai").exists()
    assert (tmp_path / "requests").is_symlink()
    assert (tmp_path / "requests" / "__init__.py").is_file()  # the link leads to the package
    assert not list(tmp_path.glob("hypothesis*")) and not list(tmp_path.glob("xdist*"))
    assert links == sum(1 for p in tmp_path.rglob("*") if p.is_symlink())
