"""The AzureML workspace and its assets, through the real ``MLClient``: what OBO code reads and
registers around its jobs (workspace, computes, datastores, environments, models, data)."""

from __future__ import annotations

import re

import pytest
from azure.ai.ml import MLClient
from azure.ai.ml.constants import AssetTypes
from azure.ai.ml.entities import Data, Model
from azure.core.exceptions import ResourceNotFoundError
from azureml_obo_harness.cloud import FakeAzure
from azureml_obo_harness.values import (
    STORAGE_ACCOUNT,
    WORKSPACE_ID,
    WORKSPACE_NAME,
)

from tests.cloud.helpers import ARM, WORKSPACE_URL, bearer, session_for

CURATED = "AzureML-sklearn-1.0-ubuntu20.04-py38-cpu"


def operations(azure: FakeAzure) -> list[str]:
    return [request.operation for request in azure.requests]


def test_workspace_get_reports_its_location_id_and_regional_urls(ml_client: MLClient) -> None:
    workspace = ml_client.workspaces.get(WORKSPACE_NAME)

    assert workspace.location == "eastus"
    assert workspace._workspace_id == WORKSPACE_ID
    assert workspace.discovery_url == "https://eastus.api.azureml.ms/discovery"
    assert workspace.mlflow_tracking_uri == (
        f"azureml://eastus.api.azureml.ms/mlflow/v1.0{WORKSPACE_URL.removeprefix('https://management.azure.com')}"
    )
    assert workspace.storage_account.endswith(f"/storageAccounts/{STORAGE_ACCOUNT}")


def test_discovery_url_names_the_regional_host_for_run_history(fake_azure: FakeAzure) -> None:
    response = session_for(fake_azure).get("https://eastus.api.azureml.ms/discovery")

    assert response.status_code == 200
    assert response.json()["history"] == "https://eastus.api.azureml.ms"
    assert response.json()["api"] == "https://eastus.api.azureml.ms"


def test_computes_are_listed_and_got_by_name(
    fake_azure_env: FakeAzure, ml_client: MLClient
) -> None:
    fake_azure_env.add_compute("gpu-cluster")

    assert sorted(compute.name for compute in ml_client.compute.list()) == [
        "cpu-cluster",
        "gpu-cluster",
    ]
    cluster = ml_client.compute.get("cpu-cluster")
    assert cluster.type == "amlcompute"
    assert cluster.max_instances == 4


def test_a_missing_compute_is_resource_not_found(ml_client: MLClient) -> None:
    with pytest.raises(ResourceNotFoundError):
        ml_client.compute.get("no-such-cluster")


def test_default_datastore_is_workspaceblobstore(ml_client: MLClient) -> None:
    default = ml_client.datastores.get_default()

    assert default.name == "workspaceblobstore"
    assert default.account_name == STORAGE_ACCOUNT
    assert default.container_name == f"azureml-blobstore-{WORKSPACE_ID}"


def test_datastores_list_the_blob_and_artifact_stores(ml_client: MLClient) -> None:
    names = sorted(store.name for store in ml_client.datastores.list())

    assert names == ["workspaceartifactstore", "workspaceblobstore"]


def test_the_child_jobs_curated_environment_is_in_the_workspace(ml_client: MLClient) -> None:
    environment = ml_client.environments.get(CURATED, version="33")

    assert environment.name == CURATED
    assert environment.version == "33"
    assert environment.image is not None and "sklearn-1.0" in environment.image


def test_environment_versions_are_listed_by_name(ml_client: MLClient) -> None:
    assert [env.version for env in ml_client.environments.list(name=CURATED)] == ["33"]


def test_a_registered_model_is_got_and_listed(ml_client: MLClient) -> None:
    path = "azureml://datastores/workspaceblobstore/paths/models/iris/"
    created = ml_client.models.create_or_update(
        Model(name="iris-svm", version="1", path=path, type=AssetTypes.CUSTOM_MODEL)
    )

    assert created.version == "1"
    assert ml_client.models.get("iris-svm", version="1").path.rstrip("/").endswith("models/iris")
    assert [model.version for model in ml_client.models.list(name="iris-svm")] == ["1"]


def test_a_registered_data_asset_is_got_and_listed(ml_client: MLClient) -> None:
    path = "https://azuremlexamples.blob.core.windows.net/datasets/iris.csv"
    ml_client.data.create_or_update(
        Data(name="iris", version="2", path=path, type=AssetTypes.URI_FILE)
    )

    data = ml_client.data.get("iris", version="2")
    assert data.path == path
    assert data.type == AssetTypes.URI_FILE
    assert [item.version for item in ml_client.data.list(name="iris")] == ["2"]


def test_an_unknown_api_version_is_arms_no_registered_provider_found(
    fake_azure: FakeAzure,
) -> None:
    response = session_for(fake_azure).get(
        f"{WORKSPACE_URL}/jobs?api-version=2099-01-01", headers=bearer(ARM)
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "NoRegisteredProviderFound"
    assert re.match(
        r"No registered resource provider found for location 'eastus' and API version "
        r"'2099-01-01' for type 'workspaces/jobs'\. The supported api-versions are '.*2025-12-01",
        error["message"],
    )
    assert set(error) == {"code", "message"}  # ARM's front door: no AzureML extras


@pytest.mark.parametrize("version", ["2018-03-01-preview", "2020-06-01", "2026-09-01"])
def test_every_published_api_version_is_accepted(fake_azure: FakeAzure, version: str) -> None:
    response = session_for(fake_azure).get(
        f"{WORKSPACE_URL}?api-version={version}", headers=bearer(ARM)
    )

    assert response.status_code == 200
