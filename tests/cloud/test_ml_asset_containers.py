"""Asset containers (``environments/{name}``, ``models/{name}``, ``data/{name}``): what
``create_or_update`` of an asset without a version reads first, and the ``latest`` label."""

from __future__ import annotations

from azure.ai.ml import MLClient
from azure.ai.ml.entities import Environment
from azureml_obo_harness.cloud import FakeAzure

from tests.cloud.helpers import ARM, WORKSPACE_URL, bearer, session_for

IMAGE = "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest"


def received(azure: FakeAzure, operation: str) -> list[int]:
    """The statuses the fake answered ``operation`` with, in order."""
    return [request.status for request in azure.requests if request.operation == operation]


def test_an_environment_created_without_a_version_asks_its_container_and_becomes_version_1(
    fake_azure_env: FakeAzure, ml_client: MLClient
) -> None:
    created = ml_client.environments.create_or_update(Environment(name="my-env", image=IMAGE))

    assert created.version == "1"
    assert received(fake_azure_env, "ml/get_environment_container") == [404]
    assert received(fake_azure_env, "ml/create_or_update_environment_version") == [201]


def test_a_container_reports_the_version_registered_last_and_the_next_number(
    fake_azure: FakeAzure,
) -> None:
    session = session_for(fake_azure)
    for version in ("10", "2"):
        response = session.put(
            f"{WORKSPACE_URL}/environments/my-env/versions/{version}?api-version=2023-04-01",
            json={"properties": {"image": IMAGE}},
            headers=bearer(ARM),
        )
        assert response.status_code == 201, response.text

    container = session.get(
        f"{WORKSPACE_URL}/environments/my-env?api-version=2023-04-01", headers=bearer(ARM)
    ).json()["properties"]

    assert (container["latestVersion"], container["nextVersion"]) == ("2", "11")


def test_the_latest_label_is_the_version_registered_last(ml_client: MLClient) -> None:
    for version in ("10", "2"):
        ml_client.environments.create_or_update(
            Environment(name="my-env", version=version, image=IMAGE)
        )

    assert ml_client.environments.get("my-env", label="latest").version == "2"


def test_an_unknown_container_is_the_services_404(fake_azure: FakeAzure) -> None:
    response = session_for(fake_azure).get(
        f"{WORKSPACE_URL}/models/no-such-model?api-version=2023-04-01", headers=bearer(ARM)
    )

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "UserError"
