"""The Blob upload subset, through the real ``BlobClient`` and raw HTTP."""

from __future__ import annotations

import pytest
from azure.storage.blob import BlobClient
from azureml_obo_harness.cloud import FakeAzure
from azureml_obo_harness.cloud.ml.models import FakeSasUser, container_sas
from azureml_obo_harness.values import STORAGE_ACCOUNT

from tests.cloud.helpers import session_for

CONTAINER = "uploads"
CONTAINER_URL = f"https://{STORAGE_ACCOUNT}.blob.core.windows.net/{CONTAINER}"


@pytest.fixture
def sas(fake_azure: FakeAzure) -> str:
    fake_azure.blob.create_container(STORAGE_ACCOUNT, CONTAINER)
    return container_sas(FakeSasUser(), container=CONTAINER)


def blob_client(name: str, sas: str, **options: int) -> BlobClient:
    return BlobClient.from_blob_url(f"{CONTAINER_URL}/{name}?{sas}", **options)


def test_head_of_a_missing_blob_is_404_with_blob_not_found_code(
    fake_azure: FakeAzure, sas: str
) -> None:
    response = session_for(fake_azure).head(f"{CONTAINER_URL}/src/main.py?{sas}")

    assert response.status_code == 404
    assert response.headers["x-ms-error-code"] == "BlobNotFound"
    assert response.content == b""


def test_request_without_sas_signature_is_403_authentication_failed(
    fake_azure: FakeAzure, sas: str
) -> None:
    unsigned = sas.split("&sig=")[0]

    response = session_for(fake_azure).get(f"{CONTAINER_URL}/src/main.py?{unsigned}")

    assert response.status_code == 403
    assert response.headers["x-ms-error-code"] == "AuthenticationFailed"
    assert "<Code>AuthenticationFailed</Code>" in response.text


def test_put_blob_is_201_and_set_metadata_is_200(fake_azure: FakeAzure, sas: str) -> None:
    session = session_for(fake_azure)
    url = f"{CONTAINER_URL}/a.txt?{sas}"

    put = session.put(url, data=b"hello", headers={"x-ms-blob-type": "BlockBlob"})
    metadata = session.put(f"{url}&comp=metadata", headers={"x-ms-meta-upload_status": "done"})

    assert (put.status_code, metadata.status_code) == (201, 200)


def test_uploaded_metadata_comes_back_on_properties(fake_azure_env: FakeAzure, sas: str) -> None:
    client = blob_client("a.txt", sas)
    client.upload_blob(b"hello", metadata={"upload_status": "completed", "name": "code"})

    properties = client.get_blob_properties()

    assert properties.metadata == {"upload_status": "completed", "name": "code"}
    assert properties.size == 5


def test_download_returns_the_uploaded_bytes(fake_azure_env: FakeAzure, sas: str) -> None:
    client = blob_client("a.txt", sas)
    client.upload_blob(b"hello world")

    assert client.download_blob().readall() == b"hello world"


def test_large_upload_is_committed_from_blocks(fake_azure_env: FakeAzure, sas: str) -> None:
    data = bytes(range(256)) * 12
    client = blob_client("big.bin", sas, max_single_put_size=1024, max_block_size=512)

    client.upload_blob(data)

    used = {request.operation for request in fake_azure_env.requests}
    assert {"blob/put_block", "blob/put_block_list"} <= used
    assert fake_azure_env.blob.get_blob(STORAGE_ACCOUNT, CONTAINER, "big.bin").data == data


def test_upload_with_if_none_match_does_not_overwrite(fake_azure: FakeAzure, sas: str) -> None:
    session = session_for(fake_azure)
    url = f"{CONTAINER_URL}/a.txt?{sas}"
    headers = {"x-ms-blob-type": "BlockBlob", "If-None-Match": "*"}
    session.put(url, data=b"first", headers=headers)

    second = session.put(url, data=b"second", headers=headers)

    assert second.status_code == 409
    assert second.headers["x-ms-error-code"] == "BlobAlreadyExists"
