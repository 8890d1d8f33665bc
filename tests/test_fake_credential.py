"""FakeCredential and AsyncFakeCredential: azure-core's token protocols, fake JWTs, a request log."""

from __future__ import annotations

import asyncio
import re

import jwt
import pytest
from azure.core.credentials import AccessToken, AccessTokenInfo, SupportsTokenInfo, TokenCredential
from azure.core.credentials_async import AsyncSupportsTokenInfo, AsyncTokenCredential
from azure.core.exceptions import ClientAuthenticationError
from azureml_obo_harness import (
    AsyncFakeCredential,
    FakeCredential,
    FakeUser,
    UnexpectedScopeError,
    read_claims,
)
from azureml_obo_harness.tokens import is_fake_token, resource_of
from azureml_obo_harness.values import TENANT_ID, USER_OBJECT_ID

VAULT_SCOPE = "https://vault.azure.net/.default"


class FrozenClock:
    def __init__(self, now: float = 1_800_000_000) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_the_fake_credentials_implement_azure_cores_protocols() -> None:
    assert isinstance(FakeCredential(), TokenCredential)
    assert isinstance(FakeCredential(), SupportsTokenInfo)
    assert isinstance(AsyncFakeCredential(), AsyncTokenCredential)
    assert isinstance(AsyncFakeCredential(), AsyncSupportsTokenInfo)


def test_a_token_is_a_jwt_for_the_scopes_resource_and_the_fake_user() -> None:
    token = FakeCredential().get_token(VAULT_SCOPE)
    assert isinstance(token, AccessToken)
    # PyJWT is what azure-ai-ml decodes tokens with (unverified): it must accept the shape.
    claims = jwt.decode(token.token, options={"verify_signature": False})
    assert claims["aud"] == "https://vault.azure.net"
    assert (claims["tid"], claims["oid"]) == (TENANT_ID, USER_OBJECT_ID)
    assert claims["upn"].endswith(".invalid")
    assert claims == read_claims(token.token)


def test_a_token_is_obviously_fake() -> None:
    token = FakeCredential().get_token(VAULT_SCOPE).token
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "none"
    assert is_fake_token(token)
    assert not is_fake_token("eyJ0eXAiOiJKV1QifQ.eyJhdWQiOiJ4In0.c2lnbmF0dXJl")


def test_a_token_is_unexpired_by_default_and_lives_for_the_lifetime() -> None:
    clock = FrozenClock()
    token = FakeCredential(clock=clock, lifetime=600).get_token(VAULT_SCOPE)
    assert token.expires_on == clock.now + 600
    assert read_claims(token.token)["exp"] == token.expires_on


def test_get_token_info_returns_a_bearer_token_info() -> None:
    info = FakeCredential().get_token_info("https://management.azure.com/.default")
    assert isinstance(info, AccessTokenInfo)
    assert info.token_type == "Bearer"
    assert read_claims(info.token)["aud"] == "https://management.azure.com"


def test_every_request_is_recorded_with_its_scopes_claims_tenant_and_cae() -> None:
    credential = FakeCredential()
    credential.get_token(VAULT_SCOPE, claims="c", tenant_id="t", enable_cae=True, foo="bar")
    credential.get_token_info(
        "https://ml.azure.com/.default", options={"tenant_id": "t2", "enable_cae": True}
    )
    first, second = credential.requests
    assert (first.method, first.scopes, first.claims, first.tenant_id, first.enable_cae) == (
        "get_token",
        (VAULT_SCOPE,),
        "c",
        "t",
        True,
    )
    assert dict(first.other) == {"foo": "bar"}  # unknown keywords are kept, not dropped
    assert (second.method, second.scopes, second.tenant_id, second.enable_cae) == (
        "get_token_info",
        ("https://ml.azure.com/.default",),
        "t2",
        True,
    )
    assert credential.scopes_requested == [(VAULT_SCOPE,), ("https://ml.azure.com/.default",)]


def test_a_requested_tenant_becomes_the_tokens_tenant() -> None:
    token = FakeCredential().get_token(
        VAULT_SCOPE, tenant_id="00000000-0000-0000-0000-0000000000ff"
    )
    assert read_claims(token.token)["tid"] == "00000000-0000-0000-0000-0000000000ff"


def test_an_unexpected_scope_raises_an_error_that_names_it() -> None:
    credential = FakeCredential(allowed_scopes=[VAULT_SCOPE])
    credential.get_token(VAULT_SCOPE)
    with pytest.raises(
        UnexpectedScopeError, match=re.escape("'https://storage.azure.com/.default'")
    ):
        credential.get_token("https://storage.azure.com/.default")
    assert isinstance(UnexpectedScopeError(), ClientAuthenticationError)


def test_no_scope_or_scopes_of_two_resources_are_refused() -> None:
    credential = FakeCredential()
    with pytest.raises(ValueError, match="at least one scope"):
        credential.get_token()
    with pytest.raises(ValueError, match="several resources"):
        credential.get_token(VAULT_SCOPE, "https://management.azure.com/.default")


def test_fail_first_fails_that_many_calls_then_succeeds() -> None:
    credential = FakeCredential(fail_first=2)
    for call in (1, 2):
        with pytest.raises(ClientAuthenticationError, match=f"this was call {call}"):
            credential.get_token(VAULT_SCOPE)
    assert credential.get_token(VAULT_SCOPE).token
    assert len(credential.requests) == 3


def test_fail_always_fails_every_call() -> None:
    credential = FakeCredential(fail_always=True)
    for _ in range(3):
        with pytest.raises(ClientAuthenticationError, match="every call"):
            credential.get_token_info(VAULT_SCOPE)


def test_a_short_lifetime_makes_tokens_expire_so_refresh_can_be_exercised() -> None:
    clock = FrozenClock()
    credential = FakeCredential(lifetime=1, clock=clock)
    first = credential.get_token(VAULT_SCOPE)
    clock.now += 2
    assert first.expires_on < clock.now
    assert credential.get_token(VAULT_SCOPE).expires_on > clock.now


def test_a_closed_credential_issues_no_tokens() -> None:
    with FakeCredential() as credential:
        credential.get_token(VAULT_SCOPE)
    with pytest.raises(ClientAuthenticationError, match="closed"):
        credential.get_token(VAULT_SCOPE)


def test_a_custom_user_is_who_the_tokens_speak_for() -> None:
    user = FakeUser(
        upn="someone-else@fake.invalid", object_id="00000000-0000-0000-0000-0000000000ee"
    )
    claims = read_claims(FakeCredential(user=user).get_token(VAULT_SCOPE).token)
    assert (claims["upn"], claims["oid"]) == (user.upn, user.object_id)


@pytest.mark.parametrize(
    ("scope", "resource"),
    [
        ("https://vault.azure.net/.default", "https://vault.azure.net"),
        ("https://management.azure.com//.default", "https://management.azure.com/"),
        ("https://graph.microsoft.com/User.Read", "https://graph.microsoft.com"),
        ("api://my-app", "api://my-app"),
    ],
)
def test_the_audience_is_the_scopes_resource(scope: str, resource: str) -> None:
    assert resource_of(scope) == resource


def test_invalid_settings_are_refused_at_construction() -> None:
    with pytest.raises(ValueError, match="lifetime"):
        FakeCredential(lifetime=0)
    with pytest.raises(ValueError, match="fail_first"):
        FakeCredential(fail_first=-1)


async def _use_async_credential() -> tuple[AccessToken, AccessTokenInfo, AsyncFakeCredential]:
    async with AsyncFakeCredential(lifetime=120) as credential:
        token = await credential.get_token(VAULT_SCOPE, tenant_id=TENANT_ID, enable_cae=True)
        info = await credential.get_token_info("https://ml.azure.com/.default")
    return token, info, credential


def test_the_async_credential_gives_the_same_tokens_as_coroutines() -> None:
    token, info, credential = asyncio.run(_use_async_credential())
    assert read_claims(token.token)["aud"] == "https://vault.azure.net"
    assert read_claims(info.token)["aud"] == "https://ml.azure.com"
    assert [r.method for r in credential.requests] == ["get_token", "get_token_info"]
    assert credential.requests[0].enable_cae is True


@pytest.mark.asyncio
async def test_the_async_credential_is_closed_by_async_with() -> None:
    async with AsyncFakeCredential(fail_first=1) as credential:
        with pytest.raises(ClientAuthenticationError):
            await credential.get_token(VAULT_SCOPE)
    with pytest.raises(ClientAuthenticationError, match="closed"):
        await credential.get_token(VAULT_SCOPE)
