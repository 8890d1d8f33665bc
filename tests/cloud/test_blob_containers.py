"""Containers and listings through the real BlobServiceClient/ContainerClient, with OAuth."""

from __future__ import annotations

import pytest
from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError
from azureml_obo_harness.cloud import FakeAzure

from tests.cloud.blob_clients import received, service_client


def test_create_container_is_received_and_the_container_exists(fake_azure_env: FakeAzure) -> None:
    service = service_client(fake_azure_env)

    service.create_container("reports")

    assert received(fake_azure_env, "blob/create_container") == 1
    assert service.get_container_client("reports").exists()


def test_creating_an_existing_container_is_resource_exists(fake_azure_env: FakeAzure) -> None:
    service = service_client(fake_azure_env)
    service.create_container("reports")

    with pytest.raises(ResourceExistsError) as raised:
        service.create_container("reports")

    assert raised.value.error_code == "ContainerAlreadyExists"


def test_a_reader_may_not_create_a_container(fake_azure_env: FakeAzure) -> None:
    service = service_client(fake_azure_env, actions=["read"])

    with pytest.raises(HttpResponseError) as raised:
        service.create_container("reports")

    assert raised.value.error_code == "AuthorizationPermissionMismatch"


def test_deleting_a_container_needs_the_delete_action(fake_azure_env: FakeAzure) -> None:
    service_client(fake_azure_env).create_container("reports")
    writer = service_client(fake_azure_env, actions=["read", "write"])

    with pytest.raises(HttpResponseError) as raised:
        writer.delete_container("reports")

    assert raised.value.error_code == "AuthorizationPermissionMismatch"


def test_a_deleted_container_is_gone(fake_azure_env: FakeAzure) -> None:
    service = service_client(fake_azure_env)
    service.create_container("reports")

    service.delete_container("reports")

    with pytest.raises(ResourceNotFoundError):
        service.get_container_client("reports").get_container_properties()


def test_container_metadata_set_is_read_back_from_properties(fake_azure_env: FakeAzure) -> None:
    container = service_client(fake_azure_env).create_container("reports", metadata={"a": "1"})

    container.set_container_metadata({"team": "obo"})

    assert container.get_container_properties().metadata == {"team": "obo"}


def test_list_containers_pages_with_max_results(fake_azure_env: FakeAzure) -> None:
    service = service_client(fake_azure_env)
    for name in ("c-one", "c-three", "c-two"):
        service.create_container(name)
    fake_azure_env.clear_requests()

    pages = service.list_containers(name_starts_with="c-", results_per_page=2).by_page()
    names = [[container.name for container in page] for page in pages]

    assert names == [["c-one", "c-three"], ["c-two"]]
    assert received(fake_azure_env, "blob/list_containers") == 2


def test_list_containers_includes_metadata_when_asked(fake_azure_env: FakeAzure) -> None:
    service = service_client(fake_azure_env)
    service.create_container("tagged", metadata={"owner": "fake-user"})

    listed = {c.name: c.metadata for c in service.list_containers(include_metadata=True)}

    assert listed["tagged"] == {"owner": "fake-user"}


def test_list_blobs_flat_by_prefix_pages_with_next_marker(fake_azure_env: FakeAzure) -> None:
    container = service_client(fake_azure_env).create_container("reports")
    for name in ("a/1.txt", "a/2.txt", "a/3.txt", "b/1.txt"):
        container.upload_blob(name, b"x")
    fake_azure_env.clear_requests()

    pages = container.list_blobs(name_starts_with="a/", results_per_page=2).by_page()
    names = [[blob.name for blob in page] for page in pages]

    assert names == [["a/1.txt", "a/2.txt"], ["a/3.txt"]]
    assert received(fake_azure_env, "blob/list_blobs") == 2


def test_walk_blobs_lists_virtual_directories_by_delimiter(fake_azure_env: FakeAzure) -> None:
    container = service_client(fake_azure_env).create_container("reports")
    for name in ("top.txt", "a/1.txt", "a/b/2.txt", "c/3.txt"):
        container.upload_blob(name, b"x")

    top = [item.name for item in container.walk_blobs(delimiter="/")]
    inside = [item.name for item in container.walk_blobs(name_starts_with="a/", delimiter="/")]

    # The SDK yields a page's prefixes before its blobs.
    assert top == ["a/", "c/", "top.txt"]
    assert inside == ["a/b/", "a/1.txt"]
    assert received(fake_azure_env, "blob/list_blobs_hierarchy") >= 2


def test_list_blobs_returns_size_type_and_metadata(fake_azure_env: FakeAzure) -> None:
    container = service_client(fake_azure_env).create_container("reports")
    container.upload_blob("r.csv", b"12345", metadata={"kind": "report"})

    (listed,) = container.list_blobs(include=["metadata"])

    assert (listed.size, listed.blob_type, listed.metadata) == (5, "BlockBlob", {"kind": "report"})


def test_a_leased_container_is_deleted_only_with_its_lease(fake_azure_env: FakeAzure) -> None:
    container = service_client(fake_azure_env).create_container("leased")
    lease = container.acquire_lease()

    with pytest.raises(HttpResponseError) as refused:
        container.delete_container()
    container.delete_container(lease=lease)

    assert refused.value.error_code == "LeaseIdMissing"
    assert received(fake_azure_env, "blob/delete_container") == 2


def test_container_access_policy_is_read_back(fake_azure_env: FakeAzure) -> None:
    from datetime import datetime, timedelta, timezone

    from azure.storage.blob import AccessPolicy, ContainerSasPermissions

    container = service_client(fake_azure_env).create_container("policies")
    now = datetime.now(timezone.utc).replace(microsecond=0)
    policy = AccessPolicy(
        permission=ContainerSasPermissions(read=True), expiry=now + timedelta(hours=1), start=now
    )

    container.set_container_access_policy(signed_identifiers={"test": policy})
    read = container.get_container_access_policy()

    assert [(i.id, i.access_policy.permission) for i in read["signed_identifiers"]] == [
        ("test", "r")
    ]
