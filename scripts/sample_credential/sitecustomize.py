"""Imported by Python at start-up (this folder is put first on ``PYTHONPATH`` by
``scripts/run_sdk_samples.py``): swaps the credentials the official SDK samples build for ones that
work against the fake Azure, so the samples run unchanged.

- ``azure.identity.DefaultAzureCredential`` (and the other credentials the samples name) become
  the real ``AzureMLOnBehalfOfCredential``, which gets the user's tokens from the fake's OBO
  endpoint (``OBO_ENDPOINT``), as an on-behalf-of job does on AzureML;
- their ``azure.identity.aio`` twins become the harness's ``AsyncFakeCredential`` (azure-ai-ml's
  async OBO credential cannot get a token in 1.35.2);
- a storage connection string's account key is dropped and the same credential used (the fake
  serves Blob with OAuth and SAS, not shared keys), so the hello-world sample runs too.

Nothing happens unless ``FAKE_AZURE_SAMPLES=1``: the folder is only on the path of the samples'
own processes.
"""

from __future__ import annotations

import os
from typing import Any


def _sync_credential(*_args: Any, **_kwargs: Any) -> Any:
    from azure.ai.ml.identity import AzureMLOnBehalfOfCredential

    return AzureMLOnBehalfOfCredential()


def _async_credential(*_args: Any, **_kwargs: Any) -> Any:
    from azureml_obo_harness import AsyncFakeCredential

    return AsyncFakeCredential()


_NAMES = (
    "DefaultAzureCredential",
    "ClientSecretCredential",
    "AzureCliCredential",
    "InteractiveBrowserCredential",
    "ManagedIdentityCredential",
)


def _without_key(original: Any, credential: Any) -> Any:
    def from_connection_string(conn_str: str, *args: Any, **kwargs: Any) -> Any:
        kwargs["credential"] = credential()
        parts = [p for p in conn_str.split(";") if not p.lower().startswith("accountkey=")]
        return original(";".join(parts), *args, **kwargs)

    return from_connection_string


def _swap() -> None:
    import azure.identity
    import azure.identity.aio

    for name in _NAMES:
        setattr(azure.identity, name, _sync_credential)
        setattr(azure.identity.aio, name, _async_credential)
    import azure.storage.blob
    import azure.storage.blob.aio

    for module, credential in (
        (azure.storage.blob, _sync_credential),
        (azure.storage.blob.aio, _async_credential),
    ):
        for client in ("BlobServiceClient", "ContainerClient", "BlobClient"):
            cls = getattr(module, client)
            swapped = _without_key(cls.from_connection_string, credential)
            cls.from_connection_string = staticmethod(swapped)


if os.environ.get("FAKE_AZURE_SAMPLES") == "1":
    _swap()
