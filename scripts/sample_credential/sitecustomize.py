"""Imported by Python at start-up (this folder is put first on ``PYTHONPATH`` by
``scripts/run_sdk_samples.py``): swaps the credentials the official SDK samples build for ones that
work against the fake Azure, so the samples run unchanged.

- ``azure.identity.DefaultAzureCredential`` (and the other credentials the samples name) become
  the real ``AzureMLOnBehalfOfCredential``, which gets the user's tokens from the fake's OBO
  endpoint (``OBO_ENDPOINT``), as an on-behalf-of job does on AzureML;
- their ``azure.identity.aio`` twins become the harness's ``AsyncFakeCredential`` (azure-ai-ml's
  async OBO credential cannot get a token in 1.35.2).

Storage connection strings and account keys are left alone: the fake verifies Shared Key with its
account key, which ``scripts/run_sdk_samples.py`` hands the samples.

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


def _swap() -> None:
    import azure.identity
    import azure.identity.aio

    for name in _NAMES:
        setattr(azure.identity, name, _sync_credential)
        setattr(azure.identity.aio, name, _async_credential)


if os.environ.get("FAKE_AZURE_SAMPLES") == "1":
    _swap()
