"""A job as the service shows it at each api-version, and as ``MLClient`` reads it back.

Real answers show one job in two shapes (``cloud/ml/job_shapes.py`` says which fields, read off
``tests/fidelity``'s recordings): the swagger previews (``2024-01-01-preview``, what
``jobs.get`` asks) and the TypeSpec versions (``2025-01-01-preview``, what a command job's PUT asks).
"""

from __future__ import annotations

from typing import Any

import pytest
from azure.ai.ml import MLClient, command
from azure.ai.ml.sweep import SweepJob, Uniform
from azureml_obo_harness.cloud import FakeAzure
from azureml_obo_harness.cloud.ml.job_shapes import is_typespec_version

from tests.cloud.helpers import ARM, WORKSPACE_URL, bearer, session_for

ENVIRONMENT = "azureml:AzureML-sklearn-1.0-ubuntu20.04-py38-cpu:33"
PREVIEW_ONLY = {"secretsConfiguration", "autologgerSettings"}


def put_command_job(azure: FakeAzure, name: str) -> None:
    properties: dict[str, Any] = {
        "jobType": "Command",
        "command": "pip freeze",
        "environmentId": ENVIRONMENT,
        "computeId": "cpu-cluster",
        "inputs": {
            "data": {"uri": "azureml://datastores/x/paths/y/", "jobInputType": "uri_folder"}
        },
    }
    response = session_for(azure).put(
        f"{WORKSPACE_URL}/jobs/{name}?api-version=2025-01-01-preview",
        json={"properties": properties},
        headers=bearer(ARM),
    )
    assert response.status_code == 201, response.text


def get_job(azure: FakeAzure, name: str, api_version: str) -> dict[str, Any]:
    response = session_for(azure).get(
        f"{WORKSPACE_URL}/jobs/{name}?api-version={api_version}", headers=bearer(ARM)
    )
    assert response.status_code == 200, response.text
    properties: dict[str, Any] = response.json()["properties"]
    return properties


def test_a_job_got_at_a_swagger_preview_has_the_preview_fields_and_no_parent(
    fake_azure: FakeAzure,
) -> None:
    put_command_job(fake_azure, "shaped")

    job = get_job(fake_azure, "shaped", "2024-01-01-preview")

    assert set(job) >= PREVIEW_ONLY and "parentJobName" not in job
    assert {"locations", "maxInstanceCount"} <= set(job["resources"])
    assert "dockerArgsList" not in job["resources"]
    assert set(job["queueSettings"]) == {"jobTier", "priority"}
    assert "pathOnCompute" in job["inputs"]["data"]
    assert {"assetVersion", "autoDeleteSetting", "pathOnCompute"} <= set(job["outputs"]["default"])


def test_a_job_got_at_a_typespec_version_has_its_parent_and_docker_args_list(
    fake_azure: FakeAzure,
) -> None:
    put_command_job(fake_azure, "shaped")

    job = get_job(fake_azure, "shaped", "2025-01-01-preview")

    assert "parentJobName" in job and not PREVIEW_ONLY & set(job)
    assert "dockerArgsList" in job["resources"] and "locations" not in job["resources"]
    assert set(job["queueSettings"]) == {"jobTier"}
    assert "pathOnCompute" not in job["inputs"]["data"]
    assert set(job["outputs"]["default"]) == {
        "description",
        "uri",
        "assetName",
        "mode",
        "jobOutputType",
    }


def test_a_job_submitted_without_an_identity_reports_none(fake_azure: FakeAzure) -> None:
    put_command_job(fake_azure, "no-identity")

    assert get_job(fake_azure, "no-identity", "2024-01-01-preview")["identity"] is None


@pytest.mark.parametrize(
    ("api_version", "typespec"),
    [
        ("2023-04-01", False),
        ("2024-01-01-preview", False),
        ("2024-07-01-preview", False),
        ("2024-10-01-preview", True),
        ("2024-10-01", True),
        ("2025-01-01-preview", True),
    ],
)
def test_the_typespec_lineage_starts_at_2024_10_01_preview(
    api_version: str, typespec: bool
) -> None:
    assert is_typespec_version(api_version) is typespec


def test_a_sweep_job_is_read_back_by_the_sdk_as_the_service_fills_it(
    fake_azure_env: FakeAzure, ml_client: MLClient
) -> None:
    trial = command(
        command="python train.py --lr ${{inputs.lr}}",
        inputs={"lr": 0.01},
        environment=ENVIRONMENT,
        compute="cpu-cluster",
    )
    sweep = trial(lr=Uniform(min_value=0.001, max_value=0.1)).sweep(
        compute="cpu-cluster",
        sampling_algorithm="random",
        primary_metric="accuracy",
        goal="maximize",
    )
    sweep.set_limits(max_total_trials=2, max_concurrent_trials=1, timeout=300)
    sweep.name = "sweep-1"
    ml_client.jobs.create_or_update(sweep)

    job = ml_client.jobs.get("sweep-1")

    assert isinstance(job, SweepJob)
    assert job.objective is not None and job.objective.goal == "maximize"
    assert job.limits is not None and job.limits.max_total_trials == 2
    assert job.trial is not None
    assert str(job.trial.environment).endswith(
        "/environments/AzureML-sklearn-1.0-ubuntu20.04-py38-cpu/versions/33"
    )
    assert list(job.services or {}) == ["Studio"]
