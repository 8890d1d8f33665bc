"""A registered environment version keeps its definition: only its description, tags and archived
state change in place. The service refuses any other change with 409 ``UserError``, and
azure-ai-ml's ``environments.create_or_update`` of an environment without a version relies on that
refusal to register the next version (its environment dedup, Azure/azure-sdk-for-python#38590)."""

from __future__ import annotations

import pytest
from azure.ai.ml import MLClient
from azure.ai.ml.entities import Environment
from azure.core.exceptions import ResourceExistsError
from azureml_obo_harness.cloud import FakeAzure

from tests.cloud.helpers import ARM, WORKSPACE_URL, bearer, session_for

IMAGE = "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest"
OTHER_IMAGE = "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest"
VERSION_URL = f"{WORKSPACE_URL}/environments/my-env/versions/1?api-version=2023-04-01"
REFUSAL = "Environment my-env with version 1 is already registered and cannot be changed."


def put_statuses(azure: FakeAzure) -> list[int]:
    """The statuses the fake answered the environment version PUTs with, in order."""
    operation = "ml/create_or_update_environment_version"
    return [request.status for request in azure.requests if request.operation == operation]


def test_a_changed_image_without_a_version_registers_the_next_version(
    fake_azure_env: FakeAzure, ml_client: MLClient
) -> None:
    ml_client.environments.create_or_update(Environment(name="my-env", image=IMAGE))

    changed = ml_client.environments.create_or_update(Environment(name="my-env", image=OTHER_IMAGE))

    assert changed.version == "2"
    assert changed.image == OTHER_IMAGE
    assert ml_client.environments.get("my-env", version="1").image == IMAGE
    # the SDK first PUT over the latest version, was refused, then PUT the next one
    assert put_statuses(fake_azure_env) == [201, 409, 201]


def test_a_new_description_without_a_version_updates_the_latest_version_in_place(
    fake_azure_env: FakeAzure, ml_client: MLClient
) -> None:
    ml_client.environments.create_or_update(Environment(name="my-env", image=IMAGE))

    updated = ml_client.environments.create_or_update(
        Environment(name="my-env", image=IMAGE, description="now described", tags={"team": "a"})
    )

    assert (updated.version, updated.description) == ("1", "now described")
    assert updated.tags == {"team": "a"}
    assert [env.version for env in ml_client.environments.list(name="my-env")] == ["1"]
    assert put_statuses(fake_azure_env) == [201, 200]


def test_a_changed_definition_of_a_given_version_is_refused_and_the_version_kept(
    ml_client: MLClient,
) -> None:
    ml_client.environments.create_or_update(Environment(name="my-env", version="1", image=IMAGE))

    with pytest.raises(ResourceExistsError) as refused:
        ml_client.environments.create_or_update(
            Environment(name="my-env", version="1", image=OTHER_IMAGE)
        )

    assert refused.value.status_code == 409
    assert REFUSAL in str(refused.value)
    assert ml_client.environments.get("my-env", version="1").image == IMAGE


def test_archiving_and_restoring_a_version_changes_it_in_place(
    fake_azure: FakeAzure, ml_client: MLClient
) -> None:
    ml_client.environments.create_or_update(Environment(name="my-env", version="1", image=IMAGE))
    session, headers = session_for(fake_azure), bearer(ARM)

    def archived() -> bool:
        return bool(session.get(VERSION_URL, headers=headers).json()["properties"]["isArchived"])

    ml_client.environments.archive("my-env", version="1")
    assert archived() is True
    ml_client.environments.restore("my-env", version="1")
    assert archived() is False
    assert put_statuses(fake_azure) == [201, 200, 200]


def test_the_refusal_is_the_services_409_user_error_and_the_answered_body_is_accepted_back(
    fake_azure: FakeAzure,
) -> None:
    session, headers = session_for(fake_azure), bearer(ARM)
    first = session.put(VERSION_URL, json={"properties": {"image": IMAGE}}, headers=headers)
    assert first.status_code == 201, first.text

    # what the service answered, PUT back as it is (the properties it added included): unchanged
    again = session.put(
        VERSION_URL, json={"properties": first.json()["properties"]}, headers=headers
    )
    conda = {"properties": {"image": IMAGE, "condaFile": "dependencies: [python=3.11]"}}
    refused = session.put(VERSION_URL, json=conda, headers=headers)

    assert again.status_code == 200, again.text
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "UserError"
    assert refused.json()["error"]["message"] == REFUSAL
    shown = session.get(VERSION_URL, headers=headers).json()["properties"]
    assert shown["condaFile"] == ""
