"""A host the fake Azure does not serve fails at once, with a message that says how to fix it.

The tunnel is accepted (under a certificate the test CA issues for that host) and every request
on it is answered 501 ``HostNotServedByFakeAzure``: a status neither azure-core's nor the storage
SDK's retry policy retries, so the client raises after exactly one request instead of retrying a
refused tunnel for a minute.
"""

from __future__ import annotations

import pytest
import requests
from azure.core.exceptions import HttpResponseError
from azure.keyvault.secrets import SecretClient
from azure.storage.blob import BlobClient
from azureml_obo_harness.cloud import FakeAzure
from azureml_obo_harness.credential import FakeCredential

from tests.cloud.helpers import session_for

UNSERVED = "HostNotServedByFakeAzure"


def unserved_requests(azure: FakeAzure) -> list[str]:
    return [request.host for request in azure.requests if request.operation == "unserved"]


def test_a_tunnelled_request_to_an_unserved_host_is_a_501_naming_it(fake_azure: FakeAzure) -> None:
    response = session_for(fake_azure).get("https://example.com/some/path")

    assert response.status_code == 501
    error = response.json()["error"]
    assert error["code"] == UNSERVED
    assert "does not serve example.com (GET /some/path)" in error["message"]


def test_the_unserved_host_message_says_how_to_serve_or_bypass_it(fake_azure: FakeAzure) -> None:
    response = session_for(fake_azure).get("https://example.com/")

    message = response.json()["error"]["message"]
    assert "extra_fake_services" in message
    assert "CustomService" in message
    assert "add example.com to NO_PROXY" in message


def test_the_unserved_host_message_masks_a_sas_signature(fake_azure: FakeAzure) -> None:
    response = session_for(fake_azure).get("https://example.com/c/b?sv=2020-10-02&sig=c2VjcmV0")

    message = response.json()["error"]["message"]
    assert "c2VjcmV0" not in message
    assert "/c/b?sig=***&sv=2020-10-02" in message


def test_a_plain_http_proxied_request_to_an_unserved_host_is_the_same_501(
    fake_azure: FakeAzure,
) -> None:
    session = session_for(fake_azure)
    session.proxies["http"] = fake_azure.proxy_url

    response = session.get("http://example.com/status")

    assert response.status_code == 501
    assert response.json()["error"]["code"] == UNSERVED
    assert unserved_requests(fake_azure) == ["example.com"]


def test_a_vault_that_was_not_seeded_is_unserved_not_a_missing_secret(
    fake_azure: FakeAzure,
) -> None:
    response = session_for(fake_azure).get("https://other-vault.vault.azure.net/secrets/x/")

    assert response.json()["error"]["code"] == UNSERVED
    assert "FakeAzure.add_vault" in response.json()["error"]["message"]


def test_a_tunnel_to_another_port_is_unserved_too(fake_azure: FakeAzure) -> None:
    response = session_for(fake_azure).get("https://example.com:8443/")

    assert response.json()["error"]["code"] == UNSERVED
    assert unserved_requests(fake_azure) == ["example.com:8443"]


def test_the_storage_sdk_raises_the_message_after_one_request(fake_azure_env: FakeAzure) -> None:
    blob = BlobClient(
        "https://otheraccount.blob.core.windows.net", "container", "blob", FakeCredential()
    )

    with pytest.raises(HttpResponseError) as raised:
        blob.download_blob()

    assert "does not serve otheraccount.blob.core.windows.net" in str(raised.value)
    assert unserved_requests(fake_azure_env) == ["otheraccount.blob.core.windows.net"]


def test_the_key_vault_sdk_raises_the_message_after_one_request(
    fake_azure_env: FakeAzure,
) -> None:
    # another cloud's vault suffix, which the fake does not serve
    client = SecretClient(
        "https://fake-vault.vault.azure.cn", FakeCredential(), verify_challenge_resource=False
    )

    with pytest.raises(HttpResponseError) as raised:
        client.get_secret("fake-secret")

    assert raised.value.error is not None and raised.value.error.code == UNSERVED
    assert "does not serve fake-vault.vault.azure.cn" in str(raised.value)
    assert unserved_requests(fake_azure_env) == ["fake-vault.vault.azure.cn"]


def test_requests_validates_the_certificate_issued_for_the_unserved_host(
    fake_azure: FakeAzure,
) -> None:
    session = session_for(fake_azure)  # verifies against the fake's CA, by hostname

    first = session.get("https://one.example.com/")
    second = requests.get(
        "https://two.example.com/",
        proxies={"https": fake_azure.proxy_url},
        verify=str(fake_azure.ca_path),
        timeout=10,
    )

    assert (first.status_code, second.status_code) == (501, 501)


def test_a_served_host_is_still_served(fake_azure: FakeAzure) -> None:
    session_for(fake_azure).get("https://management.azure.com/subscriptions")

    assert unserved_requests(fake_azure) == []
