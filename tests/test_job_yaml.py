"""job.yaml: the outer job runs the OBO job with the submitting user's identity."""

from __future__ import annotations

from pathlib import Path

from azure.ai.ml import load_job
from azure.ai.ml.entities import Command, UserIdentityConfiguration

ROOT = Path(__file__).resolve().parent.parent


def test_job_yaml_is_a_user_identity_command_job_running_the_obo_job() -> None:
    job = load_job(ROOT / "job.yaml")
    assert isinstance(job, Command)  # load_job gives the builder node for a command job
    assert isinstance(job.identity, UserIdentityConfiguration)
    assert (ROOT / str(job.code)).resolve() == ROOT / "src"
    assert job.command.startswith("python -m obo_job ")
    for name in ("vault_url", "secret_name", "child_compute"):
        assert f"${{{{inputs.{name}}}}}" in job.command
        assert name in job.inputs
    assert job.compute == "cpu-cluster"


def test_job_yaml_environment_installs_the_runtime_dependencies() -> None:
    job = load_job(ROOT / "job.yaml")
    assert job.environment.image
    conda = job.environment.conda_file
    pip_deps = next(d["pip"] for d in conda["dependencies"] if isinstance(d, dict))
    for package in ("azure-ai-ml", "azure-identity", "azure-core", "azure-keyvault-secrets"):
        assert any(dep.startswith(package + ">=") for dep in pip_deps), package
