"""The CI workflows and the pre-commit hooks run the README's commands, and nothing else."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

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
    assert "python3 -m pip install tox && python3 -m tox" in run_lines(offline)
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
