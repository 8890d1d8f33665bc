"""The user's blob read with a bearer token, as an OBO job does: the fake answers like Azure Storage."""

from __future__ import annotations

import hashlib

import pytest
from azure.ai.ml.identity import AzureMLOnBehalfOfCredential
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azureml_obo_harness.cloud import FakeAzure
from azureml_obo_harness.credential import FakeCredential
from azureml_obo_harness.values import BLOB_CONTENT, BLOB_URL, SECRET_VALUE

from obo_job.blob import read_blob
from tests.cloud.helpers import KEY_VAULT, bearer, session_for
from tests.in_process import run_obo_job

STORAGE = "https://storage.azure.com"


def test_the_user_reads_the_seeded_blob_with_a_bearer_token(fake_azure_env: FakeAzure) -> None:
    credential = FakeCredential()

    read = read_blob(credential, BLOB_URL)

    assert (read.container, read.name, read.size) == ("fake-data", "fake-input.csv", 77)
    assert read.sha256 == hashlib.sha256(BLOB_CONTENT).hexdigest()
    assert credential.requests[0].scopes == (f"{STORAGE}/.default",)


def test_the_obo_credential_reads_the_blob_as_the_user(fake_azure_env: FakeAzure) -> None:
    read_blob(AzureMLOnBehalfOfCredential(), BLOB_URL)

    assert fake_azure_env.obo.resources_requested == [STORAGE]


def test_a_user_without_a_data_role_is_403_authorization_permission_mismatch(
    fake_azure_env: FakeAzure,
) -> None:
    fake_azure_env.grant_storage(fake_azure_env.user.object_id, [])

    with pytest.raises(HttpResponseError) as raised:
        read_blob(FakeCredential(), BLOB_URL)

    assert raised.value.status_code == 403
    assert raised.value.error_code == "AuthorizationPermissionMismatch"


def test_a_missing_blob_is_resource_not_found(fake_azure_env: FakeAzure) -> None:
    with pytest.raises(ResourceNotFoundError):
        read_blob(FakeCredential(), BLOB_URL.replace("fake-input", "no-such-blob"))


def test_a_token_for_another_audience_is_401_with_the_storage_challenge(
    fake_azure: FakeAzure,
) -> None:
    headers = {**bearer(KEY_VAULT), "x-ms-version": "2026-10-06"}

    response = session_for(fake_azure).get(BLOB_URL, headers=headers)

    assert response.status_code == 401
    assert response.headers["x-ms-error-code"] == "InvalidAuthenticationInfo"
    assert "resource_id=https://storage.azure.com" in response.headers["WWW-Authenticate"]
    assert "Audience validation failed" in response.text


def test_a_bearer_token_before_service_version_2017_11_09_is_refused(
    fake_azure: FakeAzure,
) -> None:
    headers = {**bearer(STORAGE), "x-ms-version": "2017-07-29"}

    response = session_for(fake_azure).get(BLOB_URL, headers=headers)

    assert response.status_code == 403
    assert response.headers["x-ms-error-code"] == "AuthenticationFailed"
    assert "Bearer is not supported in this version" in response.text


def test_a_reader_may_not_write_with_its_token(fake_azure: FakeAzure) -> None:
    headers = {**bearer(STORAGE), "x-ms-version": "2026-10-06", "x-ms-blob-type": "BlockBlob"}

    response = session_for(fake_azure).put(BLOB_URL, data=b"new", headers=headers)

    assert response.status_code == 403
    assert response.headers["x-ms-error-code"] == "AuthorizationPermissionMismatch"


def test_a_request_with_neither_token_nor_sas_is_403_authentication_failed(
    fake_azure: FakeAzure,
) -> None:
    response = session_for(fake_azure).get(BLOB_URL, headers={"x-ms-version": "2026-10-06"})

    assert response.status_code == 403
    assert response.headers["x-ms-error-code"] == "AuthenticationFailed"


def test_the_seeded_blob_is_not_counted_as_uploaded(fake_azure: FakeAzure) -> None:
    assert fake_azure.uploaded_blobs() == []


def test_the_obo_job_reports_the_blob_after_its_summary_and_never_its_content(
    fake_azure_env: FakeAzure, capfd: pytest.CaptureFixture[str]
) -> None:
    result = run_obo_job([], fake_azure_env.environ(), capfd)

    assert result.status == 0, result.err
    lines = result.out.splitlines()
    assert lines[4] == (
        f"blob:        fake-data/fake-input.csv (77 bytes, "
        f"sha256 {hashlib.sha256(BLOB_CONTENT).hexdigest()[:8]}...)"
    )
    for content in (BLOB_CONTENT.decode(), SECRET_VALUE):
        assert content not in result.out + result.err
