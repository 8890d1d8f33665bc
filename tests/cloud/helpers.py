"""Small helpers shared by the fake Azure tests: raw HTTP through the fake's proxy."""

from __future__ import annotations

import time

import requests
from azureml_obo_harness.cloud import FakeAzure
from azureml_obo_harness.tokens import mint_token
from azureml_obo_harness.values import (
    DEFAULT_USER,
    RESOURCE_GROUP,
    SUBSCRIPTION_ID,
    WORKSPACE_NAME,
    FakeUser,
)

KEY_VAULT = "https://vault.azure.net"
ARM = "https://management.azure.com"
WORKSPACE_URL = (
    f"{ARM}/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/"
    f"{RESOURCE_GROUP}/providers/Microsoft.MachineLearningServices/workspaces/{WORKSPACE_NAME}"
)
"""The fake's seeded workspace, as ARM names it."""


def bearer(audience: str, *, user: FakeUser = DEFAULT_USER) -> dict[str, str]:
    """An ``Authorization`` header with a fake token for ``audience``."""
    now = int(time.time())
    token = mint_token(audience=audience, issued_at=now, expires_on=now + 3600, user=user)
    return {"Authorization": f"Bearer {token}"}


def session_for(azure: FakeAzure) -> requests.Session:
    """A requests session that reaches the fake's hostnames through its proxy, trusting its CA."""
    session = requests.Session()
    session.trust_env = False  # explicit below, so the test does not depend on os.environ
    session.proxies = {"https": azure.proxy_url}
    session.verify = str(azure.ca_path)
    return session
