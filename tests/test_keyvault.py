"""read_secret through the real SecretClient, with FakeCredential, against a mocked vault."""

from __future__ import annotations

import pytest
import responses
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azureml_obo_harness import FakeCredential, read_claims
from azureml_obo_harness.values import SECRET_NAME, SECRET_VALUE, TENANT_ID, VAULT_URL

from obo_job.keyvault import Secret, read_secret
from tests.mocked_vault import challenging_vault

SECRET_URL = f"{VAULT_URL}/secrets/{SECRET_NAME}/"
VERSION = "0123456789abcdef0123456789abcdef"


def _vault(status: int, body: dict[str, object]) -> responses.RequestsMock:
    """A vault that challenges a request without a token and answers ``status``/``body`` otherwise."""
    mock = responses.RequestsMock(assert_all_requests_are_fired=True)

    vault = challenging_vault(status, body)

    def answer(request: object) -> tuple[int, dict[str, str], str]:
        authorization = request.headers.get("Authorization")  # type: ignore[attr-defined]
        if authorization is not None:
            assert authorization.startswith("Bearer ")
            assert (
                read_claims(authorization.removeprefix("Bearer "))["aud"]
                == "https://vault.azure.net"
            )
        return vault(request)

    mock.add_callback(responses.GET, SECRET_URL, callback=answer, content_type="application/json")
    return mock


SECRET_BODY = {
    "value": SECRET_VALUE,
    "id": f"{SECRET_URL}{VERSION}",
    "attributes": {"enabled": True, "created": 1774470963, "updated": 1774470963},
}


def test_read_secret_answers_the_challenge_with_the_vault_scope_and_tenant() -> None:
    credential = FakeCredential()
    with _vault(200, SECRET_BODY) as vault:
        secret = read_secret(credential, VAULT_URL, SECRET_NAME)
        assert len(vault.calls) == 2  # the challenge, then the request with the token
    assert secret == Secret(name=SECRET_NAME, version=VERSION, value=SECRET_VALUE)
    (request,) = credential.requests
    assert request.scopes == ("https://vault.azure.net/.default",)
    assert request.tenant_id == TENANT_ID
    assert request.enable_cae is True


def test_a_secrets_value_never_appears_in_its_repr_or_description() -> None:
    secret = Secret(name="n", version="v", value="hunter2-do-not-print")
    assert "hunter2" not in repr(secret)
    assert "hunter2" not in secret.describe()
    assert secret.fingerprint in secret.describe()
    assert secret.fingerprint != Secret(name="n", version="v", value="other").fingerprint


def test_a_missing_secret_is_resource_not_found() -> None:
    body = {
        "error": {"code": "SecretNotFound", "message": "A secret with (name/id) x was not found"}
    }
    with _vault(404, body), pytest.raises(ResourceNotFoundError, match="SecretNotFound"):
        read_secret(FakeCredential(), VAULT_URL, SECRET_NAME)


def test_a_user_without_get_permission_is_a_403() -> None:
    body = {
        "error": {
            "code": "Forbidden",
            "message": "The user, group or application does not have secrets get permission",
            "innererror": {"code": "AccessDenied"},
        }
    }
    with _vault(403, body), pytest.raises(HttpResponseError) as caught:
        read_secret(FakeCredential(), VAULT_URL, SECRET_NAME)
    assert caught.value.status_code == 403
