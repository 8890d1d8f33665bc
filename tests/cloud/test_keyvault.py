"""Key Vault secrets, through the real ``SecretClient`` (sync and async) and raw HTTP."""

from __future__ import annotations

import pytest
from azure.ai.ml.identity import AzureMLOnBehalfOfCredential
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.keyvault.secrets import SecretClient
from azure.keyvault.secrets.aio import SecretClient as AsyncSecretClient
from azureml_obo_harness.cloud import FakeAzure
from azureml_obo_harness.credential import AsyncFakeCredential, FakeCredential
from azureml_obo_harness.values import SECRET_NAME, SECRET_VALUE, TENANT_ID, VAULT_URL, FakeUser

from tests.cloud.helpers import ARM, KEY_VAULT, bearer, session_for

SECRET_URL = f"{VAULT_URL}/secrets/{SECRET_NAME}/?api-version=2026-04-01"
OUTSIDER = FakeUser(object_id="00000000-0000-0000-0000-000000000099", upn="outsider@fake.invalid")


def test_secret_request_without_token_gets_the_bearer_challenge(fake_azure: FakeAzure) -> None:
    response = session_for(fake_azure).get(SECRET_URL)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == (
        f'Bearer authorization="https://login.microsoftonline.com/{TENANT_ID}", '
        'resource="https://vault.azure.net"'
    )
    assert response.json() == {
        "error": {
            "code": "Unauthorized",
            "message": "AKV10000: Request is missing a Bearer, PoP, or MTLS_POP token.",
        }
    }


def test_obo_credential_reads_the_seeded_secret_after_the_challenge(
    fake_azure_env: FakeAzure,
) -> None:
    client = SecretClient(VAULT_URL, AzureMLOnBehalfOfCredential())

    secret = client.get_secret(SECRET_NAME)

    assert secret.value == SECRET_VALUE
    assert [r.status for r in fake_azure_env.requests if r.operation == "keyvault/get_secret"] == [
        401,
        200,
    ]
    assert fake_azure_env.obo.resources_requested == [KEY_VAULT]


def test_secret_get_without_permission_is_403_forbidden(fake_azure_env: FakeAzure) -> None:
    client = SecretClient(VAULT_URL, FakeCredential(user=OUTSIDER))

    with pytest.raises(HttpResponseError) as raised:
        client.get_secret(SECRET_NAME)

    assert raised.value.status_code == 403
    assert raised.value.error is not None and raised.value.error.code == "Forbidden"
    assert f"oid={OUTSIDER.object_id}" in str(raised.value)
    assert "does not have secrets get permission" in str(raised.value)


def test_missing_secret_is_404_secret_not_found(fake_azure_env: FakeAzure) -> None:
    client = SecretClient(VAULT_URL, FakeCredential())

    with pytest.raises(ResourceNotFoundError) as raised:
        client.get_secret("no-such-secret")

    assert raised.value.error is not None and raised.value.error.code == "SecretNotFound"


def test_token_for_another_audience_is_401(fake_azure: FakeAzure) -> None:
    response = session_for(fake_azure).get(SECRET_URL, headers=bearer(ARM))

    assert response.status_code == 401
    assert "AKV10022" in response.json()["error"]["message"]
    assert "WWW-Authenticate" in response.headers


def test_unknown_api_version_is_400_bad_parameter(fake_azure: FakeAzure) -> None:
    url = f"{VAULT_URL}/secrets/{SECRET_NAME}/?api-version=1999-01-01"

    response = session_for(fake_azure).get(url, headers=bearer(KEY_VAULT))

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "BadParameter"
    assert "The specified version (1999-01-01) is not recognized" in response.text


def test_malformed_set_secret_body_is_400_bad_parameter(fake_azure: FakeAzure) -> None:
    url = f"{VAULT_URL}/secrets/new-secret?api-version=2026-04-01"

    response = session_for(fake_azure).put(
        url, data=b"{not json", headers={**bearer(KEY_VAULT), "Content-Type": "application/json"}
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "BadParameter"


def test_set_secret_adds_a_version_that_get_returns_by_version(fake_azure_env: FakeAzure) -> None:
    client = SecretClient(VAULT_URL, FakeCredential())
    first = client.set_secret("rotating", "one")
    client.set_secret("rotating", "two")

    assert client.get_secret("rotating").value == "two"
    assert client.get_secret("rotating", first.properties.version).value == "one"


def test_list_versions_returns_every_version(fake_azure_env: FakeAzure) -> None:
    client = SecretClient(VAULT_URL, FakeCredential())
    versions = {client.set_secret("rotating", value).properties.version for value in "abc"}

    listed = {item.version for item in client.list_properties_of_secret_versions("rotating")}

    assert listed == versions


def test_deleted_secret_is_no_longer_found(fake_azure_env: FakeAzure) -> None:
    fake_azure_env.grant(fake_azure_env.user.object_id, ["get", "set", "delete"])
    client = SecretClient(VAULT_URL, FakeCredential())
    client.begin_delete_secret(SECRET_NAME, _polling_interval=0).wait()

    with pytest.raises(ResourceNotFoundError):
        client.get_secret(SECRET_NAME)


@pytest.mark.asyncio
async def test_async_client_reads_the_seeded_secret(fake_azure_env: FakeAzure) -> None:
    # aiohttp built its TLS context at import, before the CA existed: pass the CA explicitly.
    async with AsyncSecretClient(
        VAULT_URL, AsyncFakeCredential(), connection_verify=str(fake_azure_env.ca_path)
    ) as client:
        secret = await client.get_secret(SECRET_NAME)

    assert secret.value == SECRET_VALUE


@pytest.mark.asyncio
async def test_async_secret_get_without_permission_is_403_forbidden(
    fake_azure_env: FakeAzure,
) -> None:
    async with AsyncSecretClient(
        VAULT_URL, AsyncFakeCredential(user=OUTSIDER), connection_verify=str(fake_azure_env.ca_path)
    ) as client:
        with pytest.raises(HttpResponseError) as raised:
            await client.get_secret(SECRET_NAME)

    assert raised.value.status_code == 403
