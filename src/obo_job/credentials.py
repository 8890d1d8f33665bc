"""The production credential chain: which credential the OBO job signs in with, and why.

Only the CLI entry point calls :func:`default_credential`; every function that talks to Azure takes
a credential as a parameter, so tests inject a fake one.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from azure.core.credentials import AccessToken, TokenCredential
from azure.core.exceptions import (
    ClientAuthenticationError,
    ServiceRequestError,
    ServiceResponseError,
)

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
    environ = os.environ if environ is None else environ
    choice = choose_credential(environ)
    logger.info("credential: %s (%s)", choice.kind, choice.reason)
    if choice.kind == "azureml_on_behalf_of":
        # Imported here: azure.ai.ml.identity pulls in the whole azure-ai-ml package.
        from azure.ai.ml.identity import AzureMLOnBehalfOfCredential

        endpoint = environ.get("OBO_ENDPOINT", "")
        credential: TokenCredential = TokenEndpointCredential(
            AzureMLOnBehalfOfCredential(), f"the AzureML OBO token endpoint ({endpoint})"
        )
    elif choice.kind == "managed_identity":
        from azure.identity import ManagedIdentityCredential

        credential = ManagedIdentityCredential(client_id=choice.client_id)
    else:
        from azure.identity import DefaultAzureCredential

        credential = DefaultAzureCredential()
    return credential


class TokenEndpointUnavailable(ClientAuthenticationError):
    """The local token endpoint (AzureML's OBO endpoint) did not answer."""


class TokenEndpointCredential:
    """A credential whose token endpoint failing to answer is an authentication failure.

    ``AzureMLOnBehalfOfCredential`` lets a connection error from its local endpoint escape as
    ``ServiceRequestError``, which would read as "Key Vault is down"; this names the endpoint and
    raises :class:`TokenEndpointUnavailable` (a ``ClientAuthenticationError``) instead; the cause
    stays chained.
    """

    def __init__(self, inner: TokenCredential, endpoint: str) -> None:
        self.inner = inner
        self._endpoint = endpoint

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        try:
            return self.inner.get_token(*scopes, **kwargs)
        except (ServiceRequestError, ServiceResponseError) as error:
            raise TokenEndpointUnavailable(
                message=f"{self._endpoint} did not answer ({type(error).__name__})"
            ) from error

    def close(self) -> None:
        close = getattr(self.inner, "close", None)
        if close is not None:
            close()

    def __enter__(self) -> TokenEndpointCredential:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
