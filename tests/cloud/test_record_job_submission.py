"""record.job.yaml submitted to the fake Azure by the real MLClient: code, environment, job."""

from __future__ import annotations

from pathlib import Path

from azure.ai.ml import MLClient, load_job
from azureml_obo_harness.cloud import FakeAzure
from azureml_obo_harness.credential import FakeCredential
from azureml_obo_harness.values import RESOURCE_GROUP, SUBSCRIPTION_ID, WORKSPACE_NAME

RECORD_JOB = Path(__file__).resolve().parents[2] / "record.job.yaml"


def test_the_recording_job_is_accepted_by_the_workspace(fake_azure_env: FakeAzure) -> None:
    client = MLClient(FakeCredential(), SUBSCRIPTION_ID, RESOURCE_GROUP, WORKSPACE_NAME)

    submitted = client.jobs.create_or_update(load_job(RECORD_JOB))

    [job] = fake_azure_env.jobs
    assert submitted.name == job.name
    assert job.properties["identity"]["identityType"] == "UserIdentity"
    assert job.properties["outputs"]["cassettes"]["jobOutputType"] == "uri_folder"
    uploaded = {blob.name.split("/", 1)[1] for blob in fake_azure_env.uploaded_blobs()}
    assert {
        "pyproject.toml",
        "fakes/src/azureml_obo_harness/recording/plugin.py",
        "tests/replay/test_blob_replay.py",
    } <= (uploaded)
    assert not any(name.startswith((".git/", "cassettes/")) for name in uploaded)
