"""The x-ms-version values the fake Blob service accepts include every one the installed SDK sends."""

from __future__ import annotations

from azure.storage.blob import BlobServiceClient
from azure.storage.blob._serialize import _SUPPORTED_API_VERSIONS
from azureml_obo_harness.cloud.api_versions import blob


def test_the_installed_sdks_default_version_is_accepted() -> None:
    client = BlobServiceClient("https://fakestorage.blob.core.windows.net")

    assert client.api_version in blob.ACCEPTED


def test_every_version_the_installed_sdk_supports_is_accepted() -> None:
    assert set(_SUPPORTED_API_VERSIONS) - blob.ACCEPTED == set()


def test_every_spec_folder_version_is_accepted_and_the_newest_is_the_tables_source() -> None:
    assert set(blob.SPEC_VERSIONS) <= blob.ACCEPTED
    assert max(blob.SPEC_STABLE) == blob.NEWEST_SPEC
    assert "0000-00-00" not in blob.ACCEPTED
