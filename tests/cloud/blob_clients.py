"""The real azure-storage-blob clients against the fake, authorized as the fake user (OAuth)."""

from __future__ import annotations

from azure.storage.blob import BlobServiceClient
from azureml_obo_harness.cloud import FakeAzure
from azureml_obo_harness.credential import FakeCredential
from azureml_obo_harness.values import STORAGE_ACCOUNT

ACCOUNT_URL = f"https://{STORAGE_ACCOUNT}.blob.core.windows.net"
CONTRIBUTOR = ["read", "write", "delete"]
"""Storage Blob Data Contributor's data actions, as FakeAzure.grant_storage takes them."""


def service_client(azure: FakeAzure, *, actions: list[str] | None = None) -> BlobServiceClient:
    """A ``BlobServiceClient`` with a token credential; the user gets ``actions`` (Contributor)."""
    azure.grant_storage(azure.user.object_id, CONTRIBUTOR if actions is None else actions)
    return BlobServiceClient(account_url=ACCOUNT_URL, credential=FakeCredential())


def received(azure: FakeAzure, operation: str) -> int:
    """How many requests the fake answered as ``operation`` (``blob/create_container``)."""
    return sum(1 for request in azure.requests if request.operation == operation)
