"""azure-storage-blob's own samples, the same calls in the same order, with the samples' own
credentials: the account's connection string (its account key signs with Shared Key), the key
alone, and a token credential where the sample uses one.

Samples: Azure/azure-sdk-for-python, sdk/storage/azure-storage-blob/samples/
blob_samples_hello_world.py, blob_samples_authentication.py and blob_samples_containers.py
(commits 06b0d02b, 02515661 and 0e42191f). What differs: the connection string and key are the
fake's (``FakeAzure.storage_connection_string``), the token credential is the fake user's with
Storage Blob Data Contributor's data actions, and the files the samples read and write are in the
test's folder. The SAS-generating steps run as written and send nothing, as in the samples; the
authentication sample's account SAS is then used for what it is made for (a client that reads),
and the containers sample's, which names a policy id the container does not have, is refused.
"""

from __future__ import annotations

import contextlib
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from azure.core.exceptions import HttpResponseError, ResourceExistsError
from azure.storage.blob import (
    AccessPolicy,
    AccountSasPermissions,
    BlobClient,
    BlobServiceClient,
    ContainerClient,
    ContainerSasPermissions,
    ResourceTypes,
    generate_account_sas,
    generate_container_sas,
)
from azureml_obo_harness import values
from azureml_obo_harness.cloud import FakeAzure

from tests.cloud.blob_clients import ACCOUNT_URL, received, service_client

SOURCE = b"Lorem ipsum dolor sit amet, as in the samples' SampleSource.txt.\n"


@pytest.fixture
def connection_string(fake_azure_env: FakeAzure) -> str:
    """The samples' ``CONNECTION_STRING`` / ``STORAGE_CONNECTION_STRING``: no data role is granted,
    the account key alone opens the account."""
    return fake_azure_env.storage_connection_string


@pytest.fixture
def source_file(tmp_path: Path) -> Path:
    """The samples' ``SampleSource.txt``."""
    path = tmp_path / "SampleSource.txt"
    path.write_bytes(SOURCE)
    return path


def test_hello_world_create_container_sample(
    fake_azure_env: FakeAzure, connection_string: str
) -> None:
    blob_service_client = BlobServiceClient.from_connection_string(connection_string)
    container_client = blob_service_client.get_container_client("mycontainer")
    try:
        container_client.create_container()
        list_response = list(blob_service_client.list_containers())
    finally:
        container_client.delete_container()

    assert "mycontainer" in [container.name for container in list_response]
    assert received(fake_azure_env, "blob/delete_container") == 1


@pytest.mark.parametrize(
    ("container", "blob", "blob_type"),
    [
        ("myblockcontainer", "myblockblob", "BlockBlob"),
        ("mypagecontainer", "mypageblob", "PageBlob"),
        ("myappendcontainer", "myappendblob", "AppendBlob"),
    ],
)
def test_hello_world_blob_samples(
    connection_string: str,
    source_file: Path,
    tmp_path: Path,
    container: str,
    blob: str,
    blob_type: str,
) -> None:
    if blob_type == "PageBlob":  # the page blob sample uploads 512 random bytes, not the file
        source_file.write_bytes(os.urandom(512))
    destination = tmp_path / "BlockDestination.txt"
    blob_service_client = BlobServiceClient.from_connection_string(connection_string)
    container_client = blob_service_client.get_container_client(container)
    try:
        container_client.create_container()
        blob_client = container_client.get_blob_client(blob)
        with source_file.open("rb") as data:
            blob_client.upload_blob(data, blob_type=blob_type)
        with destination.open("wb") as my_blob:
            download_stream = blob_client.download_blob()
            my_blob.write(download_stream.readall())
        blob_client.delete_blob()
    finally:
        container_client.delete_container()

    assert destination.read_bytes() == source_file.read_bytes()


def test_authentication_sample_from_the_connection_string(connection_string: str) -> None:
    blob_service_client = BlobServiceClient.from_connection_string(connection_string)
    ContainerClient.from_connection_string(connection_string, container_name="mycontainer")
    BlobClient.from_connection_string(
        connection_string, container_name="mycontainer", blob_name="blobname.txt"
    )

    account_info = blob_service_client.get_account_information()

    assert account_info["account_kind"] == "StorageV2"


def test_authentication_sample_with_the_shared_key(fake_azure_env: FakeAzure) -> None:
    blob_service_client = BlobServiceClient(
        account_url=ACCOUNT_URL, credential=fake_azure_env.storage_account_key
    )

    account_info = blob_service_client.get_account_information()

    assert account_info["sku_name"] == "Standard_LRS"


def test_authentication_sample_with_a_token_credential(fake_azure_env: FakeAzure) -> None:
    blob_service_client = service_client(fake_azure_env)

    properties = blob_service_client.get_service_properties()

    assert properties["hour_metrics"].enabled is True


def test_authentication_sample_shared_access_signature(connection_string: str) -> None:
    blob_service_client = BlobServiceClient.from_connection_string(connection_string)
    sas_token = generate_account_sas(
        blob_service_client.account_name,
        account_key=blob_service_client.credential.account_key,
        resource_types=ResourceTypes(object=True),
        permission=AccountSasPermissions(read=True),
        expiry=datetime.now(timezone.utc) + timedelta(hours=1),
    )

    # What the sample makes it for: a new client that reads with it, and only reads.
    reader = BlobServiceClient(account_url=ACCOUNT_URL, credential=sas_token)
    blob = reader.get_blob_client(values.BLOB_CONTAINER, values.BLOB_NAME)

    assert blob.download_blob().readall() == values.BLOB_CONTENT
    with pytest.raises(HttpResponseError) as refused:
        blob.upload_blob(b"overwritten", overwrite=True)
    assert refused.value.error_code == "AuthorizationPermissionMismatch"


def test_containers_sample_container_sample(connection_string: str) -> None:
    blob_service_client = BlobServiceClient.from_connection_string(connection_string)
    container_client = blob_service_client.get_container_client("mynewcontainer")
    sas_url = (  # the sample's SAS URL, for another account: the client is built, never called
        "https://account.blob.core.windows.net/mycontainer?sv=2015-04-05"
        "&st=2015-04-29T22%3A18%3A26Z&se=2015-04-30T02%3A23%3A26Z&sr=b&sp=rw"
        "&sip=168.1.5.60-168.1.5.70&spr=https&sig=Z%2FRHIX5Xcg0Mq2rqI3OlWTjEg2tYkboXr1P9ZUXDtkk%3D"
    )
    ContainerClient.from_container_url(sas_url)
    try:
        container_client.create_container()
        properties = container_client.get_container_properties()
    finally:
        container_client.delete_container()

    assert properties.name == "mynewcontainer"


def test_containers_sample_acquire_lease_on_container(
    fake_azure_env: FakeAzure, connection_string: str
) -> None:
    blob_service_client = BlobServiceClient.from_connection_string(connection_string)
    container_client = blob_service_client.get_container_client("myleasecontainer")
    with contextlib.suppress(ResourceExistsError):
        container_client.create_container()
    lease = container_client.acquire_lease()
    container_client.delete_container(lease=lease)

    assert "myleasecontainer" not in fake_azure_env.blob.accounts[values.STORAGE_ACCOUNT]


def test_containers_sample_set_metadata_on_container(connection_string: str) -> None:
    blob_service_client = BlobServiceClient.from_connection_string(connection_string)
    container_client = blob_service_client.get_container_client("mymetadatacontainersync")
    try:
        container_client.create_container()
        container_client.set_container_metadata(metadata={"type": "test"})
        metadata = container_client.get_container_properties().metadata
    finally:
        container_client.delete_container()

    assert metadata == {"type": "test"}


def test_containers_sample_container_access_policy(connection_string: str) -> None:
    blob_service_client = BlobServiceClient.from_connection_string(connection_string)
    container_client = blob_service_client.get_container_client("myaccesscontainer")
    assert container_client.account_name is not None
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
        # The sample's SAS names a policy id of its own and is never sent: built, as written.
        sas_token = generate_container_sas(
            container_client.account_name,
            container_client.container_name,
            account_key=container_client.credential.account_key,
            policy_id="my-access-policy-id",
        )
        ContainerClient.from_container_url(
            container_url="https://account.blob.core.windows.net/mycontainer",
            credential=sas_token,
        )
        # Sent to this container, the sample's SAS names a policy it does not hold: revoked.
        unbound = ContainerClient.from_container_url(
            f"{ACCOUNT_URL}/myaccesscontainer", credential=sas_token
        )
        with pytest.raises(HttpResponseError) as revoked:
            list(unbound.list_blobs())
    finally:
        container_client.delete_container()

    [identifier] = policy["signed_identifiers"]
    assert (identifier.id, identifier.access_policy.permission) == ("test", "r")
    assert revoked.value.error_code == "AuthorizationFailure"


def test_containers_sample_list_blobs_in_container(
    connection_string: str, source_file: Path
) -> None:
    blob_service_client = BlobServiceClient.from_connection_string(connection_string)
    container_client = blob_service_client.get_container_client("myblobscontainer")
    container_client.create_container()
    with source_file.open("rb") as data:
        blob_client = container_client.upload_blob(name="myblob", data=data)
    properties = blob_client.get_blob_properties()
    names = [blob.name for blob in container_client.list_blobs()]
    container_client.delete_container()

    assert (properties.size, names) == (len(SOURCE), ["myblob"])


def test_containers_sample_get_blob_client_from_container(connection_string: str) -> None:
    blob_service_client = BlobServiceClient.from_connection_string(connection_string)
    container_client = blob_service_client.get_container_client("blobcontainer")
    with contextlib.suppress(ResourceExistsError):
        container_client.create_container()
    blob_client = container_client.get_blob_client("mynewblob")
    container_client.delete_container()

    assert blob_client.blob_name == "mynewblob"


def test_containers_sample_get_container_client_from_blob_client(connection_string: str) -> None:
    blob_service_client = BlobServiceClient.from_connection_string(connection_string)
    container_client1 = blob_service_client.get_container_client("blobcontainer1")
    container_client1.create_container()
    first = container_client1.get_container_properties()
    blob_client1 = container_client1.get_blob_client("blob")
    blob_client1.upload_blob("hello")
    container_client2 = blob_client1._get_container_client()
    second = container_client2.get_container_properties()
    container_client2.delete_container()

    assert first.etag == second.etag
