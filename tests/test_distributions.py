"""Two distributions: the harness teams install (fakes/) and the example job (the root).

The harness declares every dependency its code imports and never imports the job; the job
registers no pytest plugin and needs nothing of the harness's.
"""

from __future__ import annotations

import ast
import functools
import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
HARNESS_SOURCE = ROOT / "fakes" / "src" / "azureml_obo_harness"
JOB_PACKAGES = {"obo_job", "iris_training"}


@functools.cache
def _import_nodes(source: Path) -> tuple[tuple[str, ast.Import | ast.ImportFrom], ...]:
    """Every import statement under ``source``, with the name of its file (parsed once a run)."""
    return tuple(
        (path.name, node)
        for path in sorted(source.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, (ast.Import, ast.ImportFrom))
    )


def _imported_top_level_modules(source: Path) -> dict[str, set[str]]:
    """Top-level module name -> the files that import it (absolute imports only)."""
    found: dict[str, set[str]] = {}
    for file, node in _import_nodes(source):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            found.setdefault(name.split(".")[0], set()).add(file)
    return found


def _requirements(distribution: str) -> set[str]:
    """The names of a distribution's unconditional requirements (no extras), normalised."""
    names = set()
    for line in metadata.requires(distribution) or []:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            names.add(requirement.name.lower().replace("_", "-"))
    return names


def test_no_harness_module_imports_the_example_job() -> None:
    imported = _imported_top_level_modules(HARNESS_SOURCE)
    assert not JOB_PACKAGES & set(imported), {
        name: imported[name] for name in JOB_PACKAGES & set(imported)
    }


def _top_level_names(distribution: str) -> set[str]:
    """The top-level modules and packages a distribution's files hold, read from its RECORD (the
    installer's list of what it wrote; an editable install lists its ``.pth`` or finder instead, so
    ``top_level.txt`` is read too). On Python 3.10, ``packages_distributions()`` reads only
    ``top_level.txt``, which most wheels built today lack."""
    found = metadata.distribution(distribution)
    names = set((found.read_text("top_level.txt") or "").split())
    for line in (found.read_text("RECORD") or "").splitlines():
        top = line.split(",", 1)[0].split("/", 1)[0]
        if top.endswith((".dist-info", ".egg-info", ".pth")) or top in {"", "..", "__pycache__"}:
            continue
        names.add(top.removesuffix(".py"))
    return names


def test_the_harness_declares_every_distribution_its_code_imports() -> None:
    declared = _requirements("azureml-obo-harness")
    provided = set().union(*(_top_level_names(name) for name in declared))
    missing = {}
    for module, files in _imported_top_level_modules(HARNESS_SOURCE).items():
        if module in sys.stdlib_module_names or module in {"azureml_obo_harness", "__future__"}:
            continue
        if module not in provided:
            missing[module] = sorted(files)
    # azure.* is a namespace shared by many distributions: checked by the azure sub-packages below.
    missing.pop("azure", None)
    assert not missing, f"imported but not declared in fakes/pyproject.toml: {missing}"


def test_the_harness_declares_the_azure_distributions_it_imports() -> None:
    declared = _requirements("azureml-obo-harness")
    needed = set()
    for _, node in _import_nodes(HARNESS_SOURCE):
        module = node.module if isinstance(node, ast.ImportFrom) and node.level == 0 else None
        if module and module.startswith("azure."):
            needed.add(".".join(module.split(".")[:2]))
    optional = {"azure.keyvault", "azure.storage"}  # imported only if the team has them installed
    distribution_of = {
        "azure.core": "azure-core",
        "azure.identity": "azure-identity",
        "azure.ai": "azure-ai-ml",
    }
    for namespace in sorted(needed - optional):
        assert distribution_of[namespace] in declared, namespace


def test_the_harness_installs_its_commands_and_its_pytest_plugin() -> None:
    entry_points = metadata.distribution("azureml-obo-harness").entry_points
    scripts = {ep.name: ep.value for ep in entry_points if ep.group == "console_scripts"}
    assert scripts["fake-azure"] == "azureml_obo_harness.cloud.__main__:main"
    assert scripts["cassette-scan"] == "azureml_obo_harness.scan:main"
    plugins = [ep.value for ep in entry_points if ep.group == "pytest11"]
    assert plugins == ["azureml_obo_harness.recording.plugin"]


def test_the_job_alone_registers_no_pytest_plugin_and_needs_nothing_of_the_harness() -> None:
    job = metadata.distribution("azureml-obo-job")
    assert not [ep for ep in job.entry_points if ep.group == "pytest11"]
    runtime = _requirements("azureml-obo-job")
    assert (
        not {"azureml-obo-harness", "pytest", "pytest-recording", "vcrpy", "werkzeug", "trustme"}
        & runtime
    )
