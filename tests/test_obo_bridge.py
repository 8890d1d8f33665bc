"""The local OBO bridge: the signed-in user's tokens for AzureMLOnBehalfOfCredential, and its
security properties (loopback, secret path, allow-list, no token in any output, stops at the end).

The upstream is a stand-in credential (no real Azure here); the client is the real
``AzureMLOnBehalfOfCredential`` or a plain HTTP GET, on loopback only.
"""

from __future__ import annotations

import logging
import socket
from urllib.parse import urlsplit

import pytest
import requests
from azure.ai.ml.identity import AzureMLOnBehalfOfCredential
from azure.core.exceptions import ClientAuthenticationError
from azureml_obo_harness.bridge import DEFAULT_ALLOWED_RESOURCES, user_token_bridge

from tests.stand_in_credential import StandInUserCredential


@pytest.fixture
def allowed_hosts() -> list[str]:
    """Overrides pytest-recording's fixture: the bridge's loopback address, nothing else."""
    return [r"^127\.0\.0\.1$"]


def _get(url: str) -> requests.Response:
    with requests.Session() as session:
        session.trust_env = False  # no proxy from the host: straight to loopback
        return session.get(url, timeout=10)


def test_the_obo_credential_gets_the_signed_in_users_token_for_an_allowed_resource(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    upstream = StandInUserCredential()
    with user_token_bridge(upstream) as bridge:
        for name, value in bridge.environ({}).items():
            monkeypatch.setenv(name, value)
        token = AzureMLOnBehalfOfCredential().get_token("https://vault.azure.net/.default")

    assert token.token == upstream.token
    assert upstream.scopes == [("https://vault.azure.net/.default",)]
    assert [(r.resource, r.outcome) for r in bridge.requests] == [
        ("https://vault.azure.net", "issued")
    ]


def test_the_answer_is_the_obo_endpoints_msi_style_body() -> None:
    with user_token_bridge(StandInUserCredential()) as bridge:
        response = _get(f"{bridge.endpoint}?resource=https://management.azure.com")

    body = response.json()
    assert response.status_code == 200
    assert set(body) == {"access_token", "expires_in", "expires_on", "resource", "token_type"}
    assert body["resource"] == "https://management.azure.com"
    assert 3500 <= int(body["expires_in"]) <= 3600


@pytest.mark.parametrize(
    "path",
    ["/token", "/", "/{secret}", "/{secret}/token/", "/{secret}x/token", "/x{secret}/token"],
)
def test_any_other_path_is_a_bare_404_and_asks_the_upstream_nothing(path: str) -> None:
    upstream = StandInUserCredential()
    with user_token_bridge(upstream) as bridge:
        secret = urlsplit(bridge.endpoint).path.split("/")[1]
        url = f"http://127.0.0.1:{bridge.port}{path.format(secret=secret)}"
        response = _get(f"{url}?resource=https://vault.azure.net")

    assert response.status_code == 404
    assert response.content == b""
    assert upstream.scopes == []
    assert bridge.requests == []


def test_the_secret_path_differs_for_every_bridge() -> None:
    with (
        user_token_bridge(StandInUserCredential()) as one,
        user_token_bridge(StandInUserCredential()) as other,
    ):
        assert urlsplit(one.endpoint).path != urlsplit(other.endpoint).path
        assert len(urlsplit(one.endpoint).path.split("/")[1]) >= 40


def test_a_resource_outside_the_allow_list_is_refused_by_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    upstream = StandInUserCredential()
    with user_token_bridge(upstream) as bridge:
        for name, value in bridge.environ({}).items():
            monkeypatch.setenv(name, value)
        with pytest.raises(ClientAuthenticationError) as refused:
            AzureMLOnBehalfOfCredential().get_token("https://graph.microsoft.com/.default")

    assert "https://graph.microsoft.com" in str(refused.value)
    assert "--allow-resource" in str(refused.value)
    assert upstream.scopes == []
    assert [(r.resource, r.outcome) for r in bridge.requests] == [
        ("https://graph.microsoft.com", "refused")
    ]


def test_allow_adds_a_resource_to_the_default_ones() -> None:
    upstream = StandInUserCredential()
    allow = [*DEFAULT_ALLOWED_RESOURCES, "api://my-app"]
    with user_token_bridge(upstream, allow=allow) as bridge:
        response = _get(f"{bridge.endpoint}?resource=api://my-app")

    assert response.status_code == 200
    assert upstream.scopes == [("api://my-app/.default",)]


def test_the_default_allow_list_is_arm_key_vault_storage_and_azureml() -> None:
    assert DEFAULT_ALLOWED_RESOURCES == (
        "https://management.azure.com",
        "https://vault.azure.net",
        "https://storage.azure.com",
        "https://ml.azure.com",
    )


def test_an_upstream_failure_is_one_line_for_the_job_and_not_retried() -> None:
    upstream = StandInUserCredential(fail=True)
    with user_token_bridge(upstream) as bridge:
        response = _get(f"{bridge.endpoint}?resource=https://vault.azure.net")

    message = response.json()["error"]["message"]
    assert response.status_code == 401  # not a 5xx: the OBO credential retries those
    assert "az login" in message
    assert "\n" not in message
    assert len(upstream.scopes) == 1


def test_the_bridge_binds_loopback_only() -> None:
    with user_token_bridge(StandInUserCredential()) as bridge:
        host, port = bridge.address
        endpoint_host = urlsplit(bridge.endpoint).hostname

    assert host == "127.0.0.1"
    assert endpoint_host == "127.0.0.1"
    assert port > 0


def test_the_bridge_stops_when_its_block_ends() -> None:
    with user_token_bridge(StandInUserCredential()) as bridge:
        port = bridge.port

    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), 2):
        pass


def test_no_output_or_log_record_holds_the_token_at_debug(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        monkeypatch.setattr(logging.getLogger(name), "level", logging.DEBUG)
    upstream = StandInUserCredential()
    with user_token_bridge(upstream) as bridge:
        print(repr(bridge))
        for name, value in bridge.environ({}).items():
            monkeypatch.setenv(name, value)
        credential = AzureMLOnBehalfOfCredential()
        assert credential.get_token("https://vault.azure.net/.default").token == upstream.token
        with pytest.raises(ClientAuthenticationError):
            credential.get_token("https://graph.microsoft.com/.default")
        secret_path = urlsplit(bridge.endpoint).path

    output = capfd.readouterr()
    records = [record.getMessage() for record in caplog.records]
    everything = "\n".join([output.out, output.err, *records])
    assert any("user token bridge" in message for message in records)  # DEBUG capture worked
    assert upstream.token not in everything
    bridge_records = [r.getMessage() for r in caplog.records if r.name.endswith("bridge")]
    assert not any(secret_path in message for message in bridge_records)
    assert secret_path not in repr(bridge)
