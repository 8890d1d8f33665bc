"""The environment a job's command gets: what AzureML sets inside a command job, rebuilt locally.

:data:`RUNTIME_VARIABLES` is the documented list (README, "Run a job on this machine"), with where
each value comes from. Of the caller's own environment the command keeps everything (``PATH``,
``HOME``, a corporate proxy live...) except :data:`AZUREML_OWNED`: what AzureML sets, or what a job
on AzureML could not see from the submitter's machine.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from azureml_obo_harness.jobrun.spec import LocalJob

RUNTIME_VARIABLES: dict[str, str] = {
    "AZUREML_RUN_ID": "the run id: --run-id, else a fresh local_run_<10 characters> per run",
    "MLFLOW_RUN_ID": "the run id, as AzureML sets it (the OBO sample tags its child with it)",
    "AZUREML_ARM_SUBSCRIPTION": "the workspace's subscription: the fake's, or live --subscription-id",
    "AZUREML_ARM_RESOURCEGROUP": "the workspace's resource group: the fake's, or --resource-group",
    "AZUREML_ARM_WORKSPACE_NAME": "the workspace: the fake's, or live --workspace-name",
    "AZUREML_ARM_PROJECT_NAME": "the experiment: the job's experiment_name, else the current folder's name",
    "MLFLOW_EXPERIMENT_NAME": "the experiment, as above",
    "OBO_ENDPOINT": "identity user_identity only: the fake's OBO endpoint, or live the local bridge",
    "AZUREML_OBO_ENABLED": "identity user_identity only: True",
    "AZURE_ML_INPUT_<name>": "each input's value, as the command gets it",
    "AZURE_ML_OUTPUT_<name>": "each output's folder, under --output-dir",
}
"""Every variable :func:`runtime_environment` sets, and where its value comes from. The job's own
``environment_variables`` (with ``--set``) come last and win. Not set, because nothing here could
honour them: ``MLFLOW_TRACKING_URI`` (no tracking server: mlflow logs to ./mlruns), the run's own
tokens (``AZUREML_RUN_TOKEN``, ``MLFLOW_TRACKING_TOKEN``), ``AZUREML_CR_*`` and the compute's
managed identity (``MSI_*``, ``IDENTITY_ENDPOINT``, ``DEFAULT_IDENTITY_CLIENT_ID``)."""

AZUREML_OWNED_PREFIXES = ("AZUREML_", "AZURE_ML_", "MLFLOW_")
AZUREML_OWNED = frozenset(
    {
        "OBO_ENDPOINT",
        "MSI_ENDPOINT",
        "MSI_SECRET",
        "IDENTITY_ENDPOINT",
        "IDENTITY_HEADER",
        "IMDS_ENDPOINT",
        "DEFAULT_IDENTITY_CLIENT_ID",
    }
)


@dataclass(frozen=True)
class WorkspaceCoordinates:
    """The workspace a job runs in (``AZUREML_ARM_*``)."""

    subscription_id: str
    resource_group: str
    workspace_name: str


def inherited_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """``environ`` without what AzureML owns, with the current Python's folder first on ``PATH``
    (the command's ``python`` is the one running run-job, as the job's image is not built)."""
    kept = {
        name: value
        for name, value in environ.items()
        if name not in AZUREML_OWNED and not name.startswith(AZUREML_OWNED_PREFIXES)
    }
    python_folder = str(Path(sys.executable).parent)
    path = kept.get("PATH", "")
    kept["PATH"] = os.pathsep.join([python_folder, path]) if path else python_folder
    return kept


def experiment_name(job: LocalJob, cwd: Path) -> str:
    """The job's ``experiment_name``, else AzureML's default: the submitting folder's name."""
    return job.experiment_name or cwd.resolve().name.replace(" ", "") or "Default"


def runtime_environment(
    job: LocalJob,
    *,
    run_id: str,
    workspace: WorkspaceCoordinates,
    experiment: str,
    inputs: Mapping[str, str],
    outputs: Mapping[str, Path],
    obo_endpoint: str | None,
) -> dict[str, str]:
    """The variables of :data:`RUNTIME_VARIABLES` for this run, then the job's own
    ``environment_variables``. ``obo_endpoint`` is None for a job without user identity: as on
    AzureML, it then has no OBO endpoint and its OBO credential fails."""
    env = {
        "AZUREML_RUN_ID": run_id,
        "MLFLOW_RUN_ID": run_id,
        "AZUREML_ARM_SUBSCRIPTION": workspace.subscription_id,
        "AZUREML_ARM_RESOURCEGROUP": workspace.resource_group,
        "AZUREML_ARM_WORKSPACE_NAME": workspace.workspace_name,
        "AZUREML_ARM_PROJECT_NAME": experiment,
        "MLFLOW_EXPERIMENT_NAME": experiment,
    }
    if obo_endpoint is not None:
        env["OBO_ENDPOINT"] = obo_endpoint
        env["AZUREML_OBO_ENABLED"] = "True"
    env.update({f"AZURE_ML_INPUT_{name}": value for name, value in inputs.items()})
    env.update({f"AZURE_ML_OUTPUT_{name}": str(path) for name, path in outputs.items()})
    env.update(job.environment_variables)
    return env
