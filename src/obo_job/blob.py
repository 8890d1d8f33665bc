"""Reading a blob from the user's storage account, as whoever the credential speaks for."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from azure.core.credentials import TokenCredential
from azure.storage.blob import BlobClient


@dataclass(frozen=True)
class BlobRead:
    """What was read from a blob: where, how much and a fingerprint. Never the content."""

    container: str
    name: str
    size: int
    sha256: str
    """The SHA-256 of the content, in hex."""

    @property
    def fingerprint(self) -> str:
        """The first 8 hex digits of the content's SHA-256 (enough to tell two versions apart)."""
        return self.sha256[:8]

    def describe(self) -> str:
        """One line for logs and output: container, name, size and fingerprint."""
        return f"{self.container}/{self.name} ({self.size} bytes, sha256 {self.fingerprint}...)"


def read_blob(credential: TokenCredential, blob_url: str) -> BlobRead:
    """Read the blob at ``blob_url`` (``https://<account>.blob.core.windows.net/<container>/<name>``)
    with a bearer token from ``credential`` for ``https://storage.azure.com``, streaming it through
    SHA-256 so a large blob is never held in memory.

    The user behind the credential needs a data role on the account (Storage Blob Data Reader): an
    account key or SAS does not count. Errors come from the storage SDK:
    ``ResourceNotFoundError`` when the container or blob does not exist, ``HttpResponseError`` with
    status 403 (``AuthorizationPermissionMismatch``) when the user lacks the role,
    ``ClientAuthenticationError`` when no token can be had or the service rejects it.
    """
    digest = hashlib.sha256()
    size = 0
    with BlobClient.from_blob_url(blob_url, credential=credential) as client:
        for chunk in client.download_blob().chunks():
            digest.update(chunk)
            size += len(chunk)
        container, name = client.container_name, client.blob_name
    return BlobRead(container=container, name=name, size=size, sha256=digest.hexdigest())
