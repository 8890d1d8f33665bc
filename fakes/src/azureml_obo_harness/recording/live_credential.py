"""The credential live recording signs in with: azure-identity's chain, as an AzureML job sees it.

The harness knows nothing of the code it tests, so this is not any job's own chain: it is what a
job run as the submitting user on AzureML, or a developer signed in with ``az login``, has. A team
whose code signs in another way overrides the ``azure_credential`` fixture.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

from azure.core.credentials import TokenCredential

logger = logging.getLogger(__name__)


def live_credential(environ: Mapping[str, str] | None = None) -> TokenCredential:
    """Build the live credential for ``environ`` (default ``os.environ``); makes no network call.

    - ``OBO_ENDPOINT`` set (an AzureML job with ``identity: user_identity``):
      ``AzureMLOnBehalfOfCredential``, the submitting user's tokens;
    - else ``DEFAULT_IDENTITY_CLIENT_ID`` set: the compute's user-assigned managed identity;
    - else ``DefaultAzureCredential`` (``az login``, azd, environment variables, ...).

    A credential that cannot get a token fails at the first request, with azure-identity's own
    ``CredentialUnavailableError`` naming what is missing.
    """
    environ = os.environ if environ is None else environ
    if environ.get("OBO_ENDPOINT", "").strip():
        from azure.ai.ml.identity import AzureMLOnBehalfOfCredential

        logger.info("live credential: AzureMLOnBehalfOfCredential (OBO_ENDPOINT is set)")
        return AzureMLOnBehalfOfCredential()
    client_id = environ.get("DEFAULT_IDENTITY_CLIENT_ID", "").strip()
    if client_id:
        from azure.identity import ManagedIdentityCredential

        logger.info("live credential: ManagedIdentityCredential (DEFAULT_IDENTITY_CLIENT_ID)")
        return ManagedIdentityCredential(client_id=client_id)
    from azure.identity import DefaultAzureCredential

    logger.info("live credential: DefaultAzureCredential (no OBO_ENDPOINT, no managed identity)")
    return DefaultAzureCredential()
