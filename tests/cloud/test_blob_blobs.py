"""Blobs through the real BlobClient with OAuth: properties, block lists, copies, append blobs."""

from __future__ import annotations

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.storage.blob import BlobBlock, ContainerClient, ContentSettings
from azureml_obo_harness.cloud import FakeAzure

from tests.cloud.blob_clients import received, service_client


@pytest.fixture
def container(fake_azure_env: FakeAzure) -> ContainerClient:
    return service_client(fake_azure_env).create_container("work")


def test_blob_properties_report_the_content_settings(container: ContainerClient) -> None:
    blob = container.upload_blob(
        "r.csv", b"a,b\n", content_settings=ContentSettings(content_type="text/csv")
    )

    properties = blob.get_blob_properties()

    assert (properties.size, properties.content_settings.content_type) == (4, "text/csv")
    assert properties.blob_type == "BlockBlob"


def test_set_http_headers_replaces_the_content_settings(container: ContainerClient) -> None:
    blob = container.upload_blob("r.csv", b"a,b\n")

    blob.set_http_headers(ContentSettings(content_type="text/plain", cache_control="no-cache"))

    settings = blob.get_blob_properties().content_settings
    assert (settings.content_type, settings.cache_control) == ("text/plain", "no-cache")


def test_blob_metadata_set_is_read_back(container: ContainerClient) -> None:
    blob = container.upload_blob("r.csv", b"x", metadata={"a": "1"})

    blob.set_blob_metadata({"b": "2"})

    assert blob.get_blob_properties().metadata == {"b": "2"}


def test_a_deleted_blob_is_not_found(fake_azure_env: FakeAzure, container: ContainerClient) -> None:
    blob = container.upload_blob("r.csv", b"x")

    blob.delete_blob()

    assert received(fake_azure_env, "blob/delete_blob") == 1
    with pytest.raises(ResourceNotFoundError):
        blob.get_blob_properties()


def test_a_writer_without_delete_may_not_delete_a_blob(fake_azure_env: FakeAzure) -> None:
    service_client(fake_azure_env).create_container("work").upload_blob("r.csv", b"x")
    writer = service_client(fake_azure_env, actions=["read", "write"])

    with pytest.raises(HttpResponseError) as raised:
        writer.get_blob_client("work", "r.csv").delete_blob()

    assert raised.value.error_code == "AuthorizationPermissionMismatch"


def test_get_block_list_reports_committed_and_uncommitted_blocks(
    container: ContainerClient,
) -> None:
    blob = container.get_blob_client("blocks.bin")
    blob.stage_block("AAAA", b"one")
    blob.stage_block("BBBB", b"three")
    blob.commit_block_list([BlobBlock("AAAA")])
    blob.stage_block("CCCC", b"22")

    committed, uncommitted = blob.get_block_list("all")

    assert [(b.id, b.size) for b in committed] == [("AAAA", 3)]
    assert [(b.id, b.size) for b in uncommitted] == [("CCCC", 2)]


def test_get_block_list_is_never_answered_with_the_blobs_bytes(
    fake_azure_env: FakeAzure, container: ContainerClient
) -> None:
    blob = container.upload_blob("plain.txt", b"not a block list")
    fake_azure_env.clear_requests()

    committed, uncommitted = blob.get_block_list("all")

    assert (committed, uncommitted) == ([], [])
    assert [r.operation for r in fake_azure_env.requests] == ["blob/get_block_list"]


def test_committing_an_unknown_block_is_invalid_block_list(container: ContainerClient) -> None:
    blob = container.get_blob_client("blocks.bin")

    with pytest.raises(HttpResponseError) as raised:
        blob.commit_block_list([BlobBlock("ZZZZ")])

    assert raised.value.error_code == "InvalidBlockList"


def test_start_copy_from_url_copies_a_blob_of_the_fake_at_once(
    fake_azure_env: FakeAzure, container: ContainerClient
) -> None:
    source = container.upload_blob("source.txt", b"copied bytes", metadata={"m": "1"})
    target = container.get_blob_client("target.txt")

    copy = target.start_copy_from_url(source.url)

    assert copy["copy_status"] == "success"
    assert received(fake_azure_env, "blob/start_copy_from_url") == 1
    assert received(fake_azure_env, "blob/put_blob") == 1  # the source's upload only
    assert target.download_blob().readall() == b"copied bytes"
    assert target.get_blob_properties().copy.status == "success"


def test_requires_sync_copy_is_the_synchronous_copy_from_url(
    fake_azure_env: FakeAzure, container: ContainerClient
) -> None:
    source = container.upload_blob("source.txt", b"sync")
    target = container.get_blob_client("target.txt")

    target.start_copy_from_url(source.url, requires_sync=True)

    assert received(fake_azure_env, "blob/copy_from_url") == 1
    assert target.download_blob().readall() == b"sync"


def test_copy_of_a_missing_source_is_cannot_verify_copy_source(
    container: ContainerClient,
) -> None:
    missing = container.get_blob_client("missing.txt")

    with pytest.raises(ResourceNotFoundError) as raised:
        container.get_blob_client("target.txt").start_copy_from_url(missing.url)

    assert raised.value.error_code == "CannotVerifyCopySource"


def test_copy_from_a_host_outside_the_fake_is_refused_by_name(container: ContainerClient) -> None:
    with pytest.raises(HttpResponseError) as raised:
        container.get_blob_client("t.txt").start_copy_from_url("https://example.invalid/a/b")

    assert raised.value.status_code == 501
    assert "example.invalid" in str(raised.value)


def test_append_blob_grows_by_append_block(
    fake_azure_env: FakeAzure, container: ContainerClient
) -> None:
    blob = container.get_blob_client("log.txt")
    blob.create_append_blob()

    blob.append_block(b"first\n")
    answer = blob.append_block(b"second\n")

    assert answer["blob_append_offset"] == "6"
    assert blob.download_blob().readall() == b"first\nsecond\n"
    assert blob.get_blob_properties().blob_type == "AppendBlob"
    assert received(fake_azure_env, "blob/append_block") == 2


def test_append_block_to_a_block_blob_is_invalid_blob_type(container: ContainerClient) -> None:
    blob = container.upload_blob("plain.txt", b"x")

    with pytest.raises(HttpResponseError) as raised:
        blob.append_block(b"more")

    assert raised.value.error_code == "InvalidBlobType"


def test_page_blob_upload_writes_its_pages(container: ContainerClient) -> None:
    data = bytes(range(256)) * 2

    blob = container.upload_blob("disk.vhd", data, blob_type="PageBlob")

    assert blob.download_blob().readall() == data
    assert blob.get_blob_properties().blob_type == "PageBlob"


def test_account_information_names_the_sku_and_kind(fake_azure_env: FakeAzure) -> None:
    info = service_client(fake_azure_env).get_account_information()

    assert (info["sku_name"], info["account_kind"]) == ("Standard_LRS", "StorageV2")


def test_service_properties_are_a_new_accounts_defaults(fake_azure_env: FakeAzure) -> None:
    properties = service_client(fake_azure_env).get_service_properties()

    assert properties["hour_metrics"].enabled is True
    assert properties["delete_retention_policy"].enabled is False
    assert properties["cors"] == []
