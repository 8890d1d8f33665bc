"""azure-storage-blob's own samples, the same calls in the same order, with a token credential.

Samples: Azure/azure-sdk-for-python, sdk/storage/azure-storage-blob/samples/
blob_samples_hello_world.py, blob_samples_authentication.py and blob_samples_containers.py
(commits 06b0d02b, 02515661 and 0e42191f). Only the credential differs: the fake user's token,
with Storage Blob Data Contributor's data actions granted (a connection string's account key
has no OAuth counterpart; the SAS-generating steps need one and are left out).
"""

from __future__ import annotations

import contextlib
import os
from datetime import datetime, timedelta, timezone

import pytest
from azure.core.exceptions import ResourceExistsError
from azure.storage.blob import AccessPolicy, BlobServiceClient, ContainerSasPermissions
from azureml_obo_harness.cloud import FakeAzure

from tests.cloud.blob_clients import service_client

SOURCE = b"Lorem ipsum dolor sit amet, as in the samples' SampleSource.txt.\n"


@pytest.fixture
def service(fake_azure_env: FakeAzure) -> BlobServiceClient:
    return service_client(fake_azure_env)


def test_hello_world_create_container_sample(service: BlobServiceClient) -> None:
    container_client = service.get_container_client("mycontainer")
    try:
        container_client.create_container()
        list_response = list(service.list_containers())
    finally:
        container_client.delete_container()

    assert "mycontainer" in [container.name for container in list_response]


@pytest.mark.parametrize(
    ("container", "blob", "blob_type", "data"),
    [
        ("myblockcontainer", "myblockblob", "BlockBlob", SOURCE),
        ("mypagecontainer", "mypageblob", "PageBlob", os.urandom(512)),
        ("myappendcontainer", "myappendblob", "AppendBlob", SOURCE),
    ],
)
def test_hello_world_blob_samples(
    service: BlobServiceClient, container: str, blob: str, blob_type: str, data: bytes
) -> None:
    container_client = service.get_container_client(container)
    try:
        container_client.create_container()
        blob_client = container_client.get_blob_client(blob)
        blob_client.upload_blob(data, blob_type=blob_type)
        downloaded = blob_client.download_blob().readall()
        blob_client.delete_blob()
    finally:
        container_client.delete_container()

    assert downloaded == data


def test_authentication_sample_with_a_token_credential(service: BlobServiceClient) -> None:
    account_info = service.get_account_information()
    properties = service.get_service_properties()

    assert account_info["account_kind"] == "StorageV2"
    assert properties["hour_metrics"].enabled is True


def test_containers_sample_container_sample(service: BlobServiceClient) -> None:
    container_client = service.get_container_client("mynewcontainer")
    try:
        container_client.create_container()
        properties = container_client.get_container_properties()
    finally:
        container_client.delete_container()

    assert properties.name == "mynewcontainer"


def test_containers_sample_acquire_lease_on_container(
    fake_azure_env: FakeAzure, service: BlobServiceClient
) -> None:
    container_client = service.get_container_client("myleasecontainer")
    with contextlib.suppress(ResourceExistsError):
        container_client.create_container()
    lease = container_client.acquire_lease()
    container_client.delete_container(lease=lease)

    assert "myleasecontainer" not in fake_azure_env.blob.accounts[service.account_name]


def test_containers_sample_set_metadata_on_container(service: BlobServiceClient) -> None:
    container_client = service.get_container_client("mymetadatacontainersync")
    try:
        container_client.create_container()
        container_client.set_container_metadata(metadata={"type": "test"})
        metadata = container_client.get_container_properties().metadata
    finally:
        container_client.delete_container()

    assert metadata == {"type": "test"}


def test_containers_sample_container_access_policy(service: BlobServiceClient) -> None:
    container_client = service.get_container_client("myaccesscontainer")
    try:
        container_client.create_container()
        now = datetime.now(timezone.utc)
        access_policy = AccessPolicy(
            permission=ContainerSasPermissions(read=True),
            expiry=now + timedelta(hours=1),
            start=now - timedelta(minutes=1),
        )
        container_client.set_container_access_policy(signed_identifiers={"test": access_policy})
        policy = container_client.get_container_access_policy()
    finally:
        container_client.delete_container()

    assert [identifier.id for identifier in policy["signed_identifiers"]] == ["test"]


def test_containers_sample_list_blobs_in_container(service: BlobServiceClient) -> None:
    container_client = service.get_container_client("myblobscontainer")
    container_client.create_container()
    blob_client = container_client.upload_blob(name="myblob", data=SOURCE)
    properties = blob_client.get_blob_properties()
    names = [blob.name for blob in container_client.list_blobs()]
    container_client.delete_container()

    assert (properties.size, names) == (len(SOURCE), ["myblob"])


def test_containers_sample_get_blob_client_from_container(service: BlobServiceClient) -> None:
    container_client = service.get_container_client("blobcontainer")
    with contextlib.suppress(ResourceExistsError):
        container_client.create_container()
    blob_client = container_client.get_blob_client("mynewblob")
    container_client.delete_container()

    assert blob_client.blob_name == "mynewblob"


def test_containers_sample_get_container_client_from_blob_client(
    service: BlobServiceClient,
) -> None:
    container_client1 = service.get_container_client("blobcontainer1")
    container_client1.create_container()
    first = container_client1.get_container_properties()
    blob_client1 = container_client1.get_blob_client("blob")
    blob_client1.upload_blob("hello")
    container_client2 = blob_client1._get_container_client()
    second = container_client2.get_container_properties()
    container_client2.delete_container()

    assert first.etag == second.etag
