"""The production credential chain: which credential the OBO job signs in with, and why.

Only the CLI entry point calls :func:`default_credential`; every function that talks to Azure takes
a credential as a parameter, so tests inject a fake one.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from azure.core.credentials import TokenCredential

logger = logging.getLogger(__name__)

CredentialKind = Literal["azureml_on_behalf_of", "managed_identity", "default_azure"]


@dataclass(frozen=True)
class CredentialChoice:
    """Which credential the environment calls for, and the reason in words."""

    kind: CredentialKind
    reason: str
    client_id: str | None = None


def choose_credential(environ: Mapping[str, str]) -> CredentialChoice:
    """Decide the credential from the environment alone (no credential is built, nothing is called).

    - ``OBO_ENDPOINT`` set: the job runs with ``identity: user_identity`` on AzureML, so act as the
      submitting user with ``AzureMLOnBehalfOfCredential``;
    - else ``DEFAULT_IDENTITY_CLIENT_ID`` set: the compute's user-assigned managed identity;
    - else ``DefaultAzureCredential`` (``az login``, environment variables, ...) for a developer's
      machine or CI.
    """
    if environ.get("OBO_ENDPOINT", "").strip():
        return CredentialChoice(
            "azureml_on_behalf_of",
            "OBO_ENDPOINT is set, so this is an AzureML job with a user identity: "
            "acting on behalf of the submitting user",
        )
    client_id = environ.get("DEFAULT_IDENTITY_CLIENT_ID", "").strip()
    if client_id:
        return CredentialChoice(
            "managed_identity",
            "DEFAULT_IDENTITY_CLIENT_ID is set and OBO_ENDPOINT is not: using the compute's "
            "user-assigned managed identity",
            client_id=client_id,
        )
    return CredentialChoice(
        "default_azure",
        "neither OBO_ENDPOINT nor DEFAULT_IDENTITY_CLIENT_ID is set, so this is not an AzureML "
        "job: using DefaultAzureCredential (az login, environment variables, ...)",
    )


def default_credential(environ: Mapping[str, str] | None = None) -> TokenCredential:
    """Build the credential :func:`choose_credential` picks for ``environ`` (default ``os.environ``).

    Logs the choice and its reason at INFO. Building a credential makes no network call; the first
    token request does, and fails with ``CredentialUnavailableError`` if the environment cannot
    provide one.
    """
    choice = choose_credential(os.environ if environ is None else environ)
    logger.info("credential: %s (%s)", choice.kind, choice.reason)
    if choice.kind == "azureml_on_behalf_of":
        # Imported here: azure.ai.ml.identity pulls in the whole azure-ai-ml package.
        from azure.ai.ml.identity import AzureMLOnBehalfOfCredential

        credential: TokenCredential = AzureMLOnBehalfOfCredential()
    elif choice.kind == "managed_identity":
        from azure.identity import ManagedIdentityCredential

        credential = ManagedIdentityCredential(client_id=choice.client_id)
    else:
        from azure.identity import DefaultAzureCredential

        credential = DefaultAzureCredential()
    return credential
