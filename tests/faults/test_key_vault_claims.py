"""Continuous access evaluation: Key Vault answers a token with a claims challenge."""

from __future__ import annotations

import base64
import json

import responses
from azureml_obo_harness import FakeCredential
from azureml_obo_harness.values import SECRET_NAME, SECRET_VALUE, TENANT_ID, VAULT_URL

from obo_job.keyvault import read_secret
from tests.mocked_vault import CHALLENGE, UNAUTHORIZED

CLAIMS = '{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}'
CAE_CHALLENGE = {
    "WWW-Authenticate": f'Bearer realm="", authorization_uri="https://login.microsoftonline.com/'
    f'{TENANT_ID}/oauth2/authorize", error="insufficient_claims", '
    f'claims="{base64.b64encode(CLAIMS.encode()).decode()}"'
}


def test_a_claims_challenge_makes_the_credential_ask_again_with_those_claims() -> None:
    answers = iter(
        [
            (401, CHALLENGE, json.dumps(UNAUTHORIZED)),  # no token yet
            (401, CAE_CHALLENGE, json.dumps(UNAUTHORIZED)),  # token revoked: CAE
            (200, {}, json.dumps({"value": SECRET_VALUE, "id": f"{VAULT_URL}/secrets/x/v1"})),
        ]
    )
    credential = FakeCredential()
    with responses.RequestsMock() as mock:
        mock.add_callback(
            "GET", f"{VAULT_URL}/secrets/{SECRET_NAME}/", callback=lambda request: next(answers)
        )
        secret = read_secret(credential, VAULT_URL, SECRET_NAME)
        assert len(mock.calls) == 3
    assert secret.value == SECRET_VALUE
    first, second = credential.requests
    assert first.claims is None
    assert second.claims == CLAIMS
    assert second.scopes == ("https://vault.azure.net/.default",)
