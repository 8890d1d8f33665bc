"""AzureML job submission with local code, through the real ``MLClient``."""

from __future__ import annotations

from pathlib import Path

import pytest
from azure.ai.ml import MLClient, command
from azure.ai.ml.entities import Command
from azure.ai.ml.identity import AzureMLOnBehalfOfCredential
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azureml_obo_harness.cloud import FakeAzure
from azureml_obo_harness.values import RESOURCE_GROUP, SUBSCRIPTION_ID, TENANT_ID, WORKSPACE_NAME

from tests.cloud.helpers import KEY_VAULT, WORKSPACE_URL, bearer, session_for

ENVIRONMENT = "azureml:AzureML-sklearn-0.24-ubuntu18.04-py37-cpu:22"
FRESH_CODE_OPERATIONS = [
    "ml/list_code_versions",
    "ml/start_pending_upload",
    "blob/get_blob_properties",
    "blob/put_blob",
    "blob/set_blob_metadata",
    "ml/create_or_update_code_version",
    "ml/create_or_update_job",
]
KNOWN_CODE_OPERATIONS = [
    "ml/list_code_versions",
    "ml/get_code_version",
    "ml/create_or_update_job",
]


def child_job(code: Path, *, name: str = "child-job", compute: str = "cpu-cluster") -> Command:
    return command(
        code=str(code),
        command="python main.py",
        environment=ENVIRONMENT,
        compute=compute,
        name=name,
        display_name="child",
    )


def operations(azure: FakeAzure) -> list[str]:
    return [request.operation for request in azure.requests]


def test_fresh_code_is_uploaded_in_seven_requests(
    fake_azure_env: FakeAzure, ml_client: MLClient, code_dir: Path
) -> None:
    ml_client.jobs.create_or_update(child_job(code_dir))

    assert operations(fake_azure_env) == FRESH_CODE_OPERATIONS


def test_code_registered_by_hash_is_reused_in_three_requests(
    fake_azure_env: FakeAzure, ml_client: MLClient, code_dir: Path
) -> None:
    ml_client.jobs.create_or_update(child_job(code_dir, name="first"))
    fake_azure_env.clear_requests()

    ml_client.jobs.create_or_update(child_job(code_dir, name="second"))

    assert operations(fake_azure_env) == KNOWN_CODE_OPERATIONS
    assert len(fake_azure_env.code_versions) == 1


def test_uploaded_code_blob_holds_the_source_and_the_upload_marker(
    fake_azure_env: FakeAzure, ml_client: MLClient, code_dir: Path
) -> None:
    ml_client.jobs.create_or_update(child_job(code_dir))

    [blob] = fake_azure_env.uploaded_blobs()
    assert blob.name == "src/main.py"
    assert blob.text == "print('training')\n"
    assert blob.metadata["upload_status"] == "completed"
    assert blob.metadata["name"] == fake_azure_env.code_versions[0].name


def test_submitted_job_is_returned_starting_with_its_studio_url(
    fake_azure_env: FakeAzure, ml_client: MLClient, code_dir: Path
) -> None:
    job = ml_client.jobs.create_or_update(child_job(code_dir))

    assert job.name == "child-job"
    assert job.status == "Starting"
    assert job.studio_url is not None and job.studio_url.endswith(f"&tid={TENANT_ID}")
    assert [submitted.name for submitted in fake_azure_env.jobs] == ["child-job"]


def test_obo_credential_submits_the_job_as_the_user(
    fake_azure_env: FakeAzure, code_dir: Path
) -> None:
    client = MLClient(
        AzureMLOnBehalfOfCredential(), SUBSCRIPTION_ID, RESOURCE_GROUP, WORKSPACE_NAME
    )

    client.jobs.create_or_update(child_job(code_dir))

    assert fake_azure_env.jobs[0].created_by == fake_azure_env.user.name
    assert set(fake_azure_env.obo.resources_requested) == {"https://management.azure.com"}


def test_unknown_compute_is_400_unknown_compute_target(
    fake_azure_env: FakeAzure, ml_client: MLClient, code_dir: Path
) -> None:
    with pytest.raises(HttpResponseError, match="Unknown compute target 'gpu-cluster'") as raised:
        ml_client.jobs.create_or_update(child_job(code_dir, compute="gpu-cluster"))

    assert raised.value.status_code == 400
    assert fake_azure_env.jobs == []


def test_added_compute_is_accepted(
    fake_azure_env: FakeAzure, ml_client: MLClient, code_dir: Path
) -> None:
    fake_azure_env.add_compute("gpu-cluster")

    job = ml_client.jobs.create_or_update(child_job(code_dir, compute="gpu-cluster"))

    assert job.compute == "gpu-cluster"


def test_resubmitting_a_job_name_returns_the_same_job_with_200(
    fake_azure_env: FakeAzure, ml_client: MLClient, code_dir: Path
) -> None:
    ml_client.jobs.create_or_update(child_job(code_dir))
    ml_client.jobs.create_or_update(child_job(code_dir))

    assert len(fake_azure_env.jobs) == 1
    assert fake_azure_env.jobs[0].submissions == 2
    job_puts = [r.status for r in fake_azure_env.requests if r.operation.endswith("_job")]
    assert job_puts == [201, 200]


def test_get_of_a_missing_job_is_resource_not_found(ml_client: MLClient) -> None:
    with pytest.raises(ResourceNotFoundError):
        ml_client.jobs.get("no-such-job")


def test_listed_jobs_are_the_submitted_ones(ml_client: MLClient, code_dir: Path) -> None:
    ml_client.jobs.create_or_update(child_job(code_dir, name="one"))
    ml_client.jobs.create_or_update(child_job(code_dir, name="two"))

    assert sorted(job.name for job in ml_client.jobs.list()) == ["one", "two"]


def test_cancelled_job_reports_canceled(ml_client: MLClient, code_dir: Path) -> None:
    ml_client.jobs.create_or_update(child_job(code_dir))

    ml_client.jobs.begin_cancel("child-job").result()

    assert ml_client.jobs.get("child-job").status == "Canceled"


def test_arm_request_without_token_is_401_authentication_failed(fake_azure: FakeAzure) -> None:
    response = session_for(fake_azure).get(f"{WORKSPACE_URL}/jobs?api-version=2025-01-01-preview")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "AuthenticationFailed"


def test_arm_token_for_another_audience_is_401(fake_azure: FakeAzure) -> None:
    response = session_for(fake_azure).get(
        f"{WORKSPACE_URL}/jobs?api-version=2025-01-01-preview", headers=bearer(KEY_VAULT)
    )

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "InvalidAuthenticationTokenAudience"


@pytest.mark.parametrize(
    "audience", ["https://management.azure.com", "https://management.azure.com/"]
)
def test_arm_accepts_either_spelling_of_its_audience(fake_azure: FakeAzure, audience: str) -> None:
    response = session_for(fake_azure).get(
        f"{WORKSPACE_URL}/jobs?api-version=2025-01-01-preview", headers=bearer(audience)
    )

    assert response.status_code == 200


def test_malformed_job_body_is_400_user_error(fake_azure: FakeAzure) -> None:
    response = session_for(fake_azure).put(
        f"{WORKSPACE_URL}/jobs/broken?api-version=2025-01-01-preview",
        data=b"{not json",
        headers={**bearer("https://management.azure.com"), "Content-Type": "application/json"},
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "UserError"
    assert response.headers["x-ms-response-type"] == "error"
