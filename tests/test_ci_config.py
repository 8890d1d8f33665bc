"""CI, tox and the pins: the workflows and the pre-commit hooks run the README's commands and
nothing else; tox installs every environment through constraints.txt, whose pins are the tested
versions; under CI a missing Python fails the run; the weekly workflow reports the newest releases."""

from __future__ import annotations

import configparser
import importlib.util
import re
import sys
import types
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 (tomli is pytest's own dependency there)
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"


def readme_commands() -> set[str]:
    """Every line of the README's ```bash blocks (comments dropped)."""
    blocks = re.findall(r"^```bash\n(.*?)^```", (ROOT / "README.md").read_text(), re.M | re.S)
    lines = (line.split("  #")[0].strip() for block in blocks for line in block.splitlines())
    return {line for line in lines if line and not line.startswith("#")}


def workflow(name: str) -> dict[str, Any]:
    loaded: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text())
    loaded["on"] = loaded.pop(True, loaded.get("on"))  # YAML 1.1 reads the key `on` as true
    return loaded


def steps(loaded: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in loaded["jobs"].values() for step in job["steps"]]


def run_lines(loaded: dict[str, Any]) -> list[str]:
    return [
        line.strip()
        for step in steps(loaded)
        for line in str(step.get("run", "")).splitlines()
        if line.strip()
    ]


def test_the_workflows_run_only_the_readmes_commands() -> None:
    documented = readme_commands()
    for name in ("offline.yml", "record.yml"):
        for line in run_lines(workflow(name)):
            assert line in documented, f"{name}: {line!r} is not a command of the README"


def test_the_offline_workflow_runs_tox_on_python_3_10_to_3_13_and_the_leak_scan() -> None:
    offline = workflow("offline.yml")
    assert {"push", "pull_request"} <= set(offline["on"])
    assert "python3 -m pip install tox tox-uv && python3 -m tox" in run_lines(offline)
    assert "cassette-scan cassettes" in run_lines(offline)
    [setup] = [
        step for step in steps(offline) if step.get("uses", "").startswith("actions/setup-python")
    ]
    assert str(setup["with"]["python-version"]).split() == ["3.10", "3.11", "3.12", "3.13"]


def test_the_record_workflow_is_manual_federated_live_scanned_and_reviewed() -> None:
    record = workflow("record.yml")
    assert set(record["on"]) == {"workflow_dispatch"}
    assert record["permissions"]["id-token"] == "write"
    [login] = [step for step in steps(record) if step.get("uses", "").startswith("azure/login@")]
    assert set(login["with"]) == {"client-id", "tenant-id", "subscription-id"}  # no secret
    for value in login["with"].values():
        assert re.fullmatch(r"\$\{\{ (vars|secrets)\.[A-Z_]+ \}\}", value)
    lines = run_lines(record)
    live = "python3 -m pytest tests/replay --record-mode=rewrite"
    scan = "cassette-scan cassettes"
    assert lines.index(live) < lines.index(scan)
    uses = [step.get("uses", "") for step in steps(record)]
    assert uses[-1].startswith("peter-evans/create-pull-request@")
    assert "secrets." not in (WORKFLOWS / "record.yml").read_text()


def test_pre_commit_runs_ruff_and_the_leak_scan_on_staged_cassettes() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert {"ruff-check", "ruff-format"} <= set(hooks)
    [scan] = [hook for hook in hooks.values() if hook.get("entry", "").startswith("cassette-scan")]
    assert scan["entry"] == "cassette-scan"
    assert re.match(scan["files"], "cassettes/test_x.test_y.yaml")
    assert not re.match(scan["files"], "src/obo_job/run.py")


# --- tox, constraints.txt and the missing-interpreter rule ------------------------------------

CONSTRAINTS = ROOT / "constraints.txt"


def tox_ini() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / "tox.ini")
    return parser


def requirement_lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def constraint_lines() -> list[Requirement]:
    lines = (line.split("#", 1)[0].strip() for line in CONSTRAINTS.read_text().splitlines())
    return [Requirement(line) for line in lines if line]


def test_every_line_of_constraints_txt_is_an_exact_pin() -> None:
    for requirement in constraint_lines():
        [specifier] = requirement.specifier
        assert specifier.operator == "==", f"{requirement}: pin it exactly (name==version)"


def test_the_pins_are_the_sdk_versions_the_cassettes_were_recorded_with() -> None:
    pins = {canonicalize_name(r.name): str(r.specifier) for r in constraint_lines()}
    assert pins["azure-ai-ml"] == "==1.35.2"
    assert pins["azure-identity"] == "==1.27.0"
    assert pins["azure-core"] == "==1.41.0"
    assert pins["azure-keyvault-secrets"] == "==4.12.0"
    assert pins["azure-storage-blob"] == "==12.31.1"


PYTHONS = ["3.10", "3.11", "3.12", "3.13"]


def pins_for(python: str) -> dict[str, Version]:
    environment = {"python_version": python, "python_full_version": f"{python}.0"}
    return {
        canonicalize_name(r.name): Version(next(iter(r.specifier)).version)
        for r in constraint_lines()
        if r.marker is None or r.marker.evaluate(environment)
    }


def declared_dependencies() -> list[tuple[str, Requirement]]:
    """Every dependency both pyproject.toml files declare, with the file that declares it."""
    found: list[tuple[str, Requirement]] = []
    for path in (ROOT / "pyproject.toml", ROOT / "fakes" / "pyproject.toml"):
        project = tomllib.loads(path.read_text())["project"]
        lines = [
            *project["dependencies"],
            *project.get("optional-dependencies", {}).get("test", []),
        ]
        found += [(str(path.relative_to(ROOT)), Requirement(line)) for line in lines]
    return found


@pytest.mark.parametrize("python", PYTHONS)
def test_every_declared_dependency_is_pinned_within_its_floor_on_every_python(python: str) -> None:
    pins = pins_for(python)
    for source, requirement in declared_dependencies():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{source}: {requirement.name} has no pin for Python {python}"
        assert requirement.specifier.contains(pins[name]), (
            f"{source}: {requirement} excludes the pinned {pins[name]} (Python {python})"
        )


def test_every_floor_is_a_version_the_pins_test() -> None:
    # A floor below every pinned version is a version nobody ran the suite with.
    tested = {python: pins_for(python) for python in PYTHONS}
    for source, requirement in declared_dependencies():
        name = canonicalize_name(requirement.name)
        [floor] = [s for s in requirement.specifier if s.operator == ">="]
        lowest = min(tested[python][name] for python in PYTHONS)
        assert Version(floor.version) == lowest, (
            f"{source}: {requirement.name}>={floor.version}, but the lowest tested version is {lowest}"
        )


def test_every_tox_environment_installs_through_constraints_txt() -> None:
    tox = tox_ini()
    constraint = "PIP_CONSTRAINT = {toxinidir}{/}constraints.txt"
    assert constraint in requirement_lines(tox["testenv"]["set_env"])  # the package and its extras
    assert constraint in requirement_lines(tox["pkgenv"]["set_env"])  # the wheel's build
    for section in ("testenv", "testenv:lint", "testenv:type"):
        deps = requirement_lines(tox[section]["deps"])
        assert "-c {toxinidir}{/}constraints.txt" in deps, section  # recreated when pins change
        assert not any(set(line) & set("<>=~") for line in deps), f"{section}: a version in deps"
        assert "set_env" not in tox[section] or section == "testenv"  # inherits PIP_CONSTRAINT


def test_tox_skips_a_missing_python_on_a_workstation_only() -> None:
    assert tox_ini()["tox"]["skip_missing_interpreters"] == "true"
    assert tox_ini()["tox"]["env_list"].replace(" ", "").split(",")[:4] == [
        "py310",
        "py311",
        "py312",
        "py313",
    ]


@pytest.fixture
def toxfile(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The project's toxfile.py, imported with a stand-in for tox's hook marker (tox itself is
    not a test dependency)."""
    tox = types.ModuleType("tox")
    plugin = types.ModuleType("tox.plugin")
    plugin.impl = lambda function: function  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tox", tox)
    monkeypatch.setitem(sys.modules, "tox.plugin", plugin)
    spec = importlib.util.spec_from_file_location("toxfile_under_test", ROOT / "toxfile.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tox_state(skip: str) -> Any:
    return types.SimpleNamespace(
        conf=types.SimpleNamespace(options=types.SimpleNamespace(skip_missing_interpreters=skip))
    )


@pytest.mark.parametrize("ci", ["true", "True", "1"])
def test_under_ci_a_missing_python_fails_the_run(
    toxfile: Any, monkeypatch: pytest.MonkeyPatch, ci: str
) -> None:
    monkeypatch.setenv("CI", ci)
    state = tox_state("config")
    toxfile.tox_add_core_config(None, state)
    assert state.conf.options.skip_missing_interpreters == "false"


@pytest.mark.parametrize("ci", [None, "", "false"])
def test_outside_ci_tox_ini_decides(
    toxfile: Any, monkeypatch: pytest.MonkeyPatch, ci: str | None
) -> None:
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    state = tox_state("config")
    toxfile.tox_add_core_config(None, state)
    assert state.conf.options.skip_missing_interpreters == "config"


def test_an_explicit_option_wins_over_ci(toxfile: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    state = tox_state("true")  # --skip-missing-interpreters=true on the command line
    toxfile.tox_add_core_config(None, state)
    assert state.conf.options.skip_missing_interpreters == "true"


def readme_path_advice() -> str:
    [line] = [line for line in readme_commands() if "pyenv versions" in line]
    return line


def test_the_readmes_path_advice_appends_so_python3_stays_the_same() -> None:
    advice = readme_path_advice()
    assert 'PATH="$PATH:' in advice  # after the existing entries: the first python3 is unchanged
    assert ':$PATH"' not in advice and ":${PATH}" not in advice


def test_ci_run_uses_the_readmes_path_advice_and_its_test_command() -> None:
    script = (ROOT / ".ci" / "run").read_text()
    assert readme_path_advice() in script
    assert "python3 -m pip install --quiet tox tox-uv && python3 -m tox --notest" in script
    assert "python3 -m tox'" in script  # the README's command, inside the network namespace
    assert 'PATH="$(pyenv' not in script and 'PATH="${PATH}"' not in script  # never prepends


# --- the weekly run against the newest releases -----------------------------------------------


def test_the_newest_workflow_runs_weekly_and_on_demand_without_the_pins() -> None:
    newest = workflow("newest.yml")
    assert set(newest["on"]) == {"schedule", "workflow_dispatch"}
    [schedule] = newest["on"]["schedule"]
    assert len(schedule["cron"].split()) == 5 and schedule["cron"].split()[2:4] == ["*", "*"]
    [job] = newest["jobs"].values()
    assert job["env"]["PIP_CONSTRAINT"] == ""
    assert job["strategy"]["matrix"]["python-version"] == PYTHONS
    lines = run_lines(newest)
    [install] = [line for line in lines if "pip install" in line]
    assert "--upgrade" in install and " -c " not in install and "constraints" not in install
    [summary] = [line for line in lines if "GITHUB_STEP_SUMMARY" in line]
    assert "pip freeze" in summary and ".ci/pins_report.py constraints.txt" in summary
    assert lines.index(summary) < lines.index("python -m pytest -n 2")  # reported even if red
    assert "cassette-scan cassettes" in lines and "mypy src fakes/src" in lines


@pytest.fixture
def pins_report() -> Any:
    spec = importlib.util.spec_from_file_location("pins_report", ROOT / ".ci" / "pins_report.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_report_names_each_package_that_moved_appeared_or_went(pins_report: Any) -> None:
    pins = pins_report.pinned_versions(
        'azure-ai-ml==1.35.2\nvcrpy==9.4.2; python_version >= "3.0"\n'
        'vcrpy==8.5.0; python_version < "3.0"\nsetuptools==84.2.1\nmsal==1.39.0\n'
    )
    assert pins == {
        "azure-ai-ml": "1.35.2",
        "vcrpy": "9.4.2",
        "setuptools": "84.2.1",
        "msal": "1.39.0",
    }
    freeze = "azure_ai_ml==1.36.0\nvcrpy==9.4.2\nnew-dep==1.0\n-e git+https://x#egg=y\n"
    text = pins_report.report(pins, pins_report.installed_versions(freeze), python="3.12.1")
    assert "| azure_ai_ml | 1.35.2 | 1.36.0 |" in text
    assert "| new-dep | not pinned | 1.0 |" in text
    assert "vcrpy |" not in text  # unchanged
    assert "Pinned but not installed here: msal, setuptools." in text
    assert "1 of 4 pins unchanged, 2 packages differ." in text


def test_the_report_refuses_a_constraint_that_is_not_an_exact_pin(pins_report: Any) -> None:
    with pytest.raises(ValueError, match="line 2: 'vcrpy>=8' is not an exact pin"):
        pins_report.pinned_versions("azure-core==1.41.0\nvcrpy>=8\n")


def test_the_report_reads_the_projects_constraints(pins_report: Any) -> None:
    pins = pins_report.pinned_versions(CONSTRAINTS.read_text())
    assert pins["azure-ai-ml"] == "1.35.2"


@pytest.mark.parametrize(("ci", "derandomized"), [("true", True), ("", False)])
def test_hypothesis_draws_the_same_examples_under_ci_only(
    ci: str, derandomized: bool, monkeypatch: pytest.MonkeyPatch, pytestconfig: pytest.Config
) -> None:
    from hypothesis import settings

    from tests.conftest import pytest_configure

    before = settings.get_current_profile_name()
    monkeypatch.setenv("CI", ci)
    settings.load_profile("default")
    try:
        pytest_configure(pytestconfig)
        assert settings.default.derandomize is derandomized
    finally:
        settings.load_profile(before)
