"""The production credential chain: OBO on a user-identity job, managed identity, then developer sign-in."""

from __future__ import annotations

import logging

import pytest
from azure.ai.ml.identity import AzureMLOnBehalfOfCredential
from azure.identity import DefaultAzureCredential, ManagedIdentityCredential

from obo_job.credentials import TokenEndpointCredential, choose_credential, default_credential


def test_obo_endpoint_means_acting_on_behalf_of_the_submitting_user() -> None:
    choice = choose_credential(
        {"OBO_ENDPOINT": "http://127.0.0.1:12342/token", "DEFAULT_IDENTITY_CLIENT_ID": "x"}
    )
    assert choice.kind == "azureml_on_behalf_of"
    assert "OBO_ENDPOINT is set" in choice.reason


def test_compute_identity_is_used_when_there_is_no_obo_endpoint() -> None:
    choice = choose_credential({"DEFAULT_IDENTITY_CLIENT_ID": "client-id-of-the-compute"})
    assert choice.kind == "managed_identity"
    assert choice.client_id == "client-id-of-the-compute"


def test_outside_azureml_the_developer_sign_in_is_used() -> None:
    choice = choose_credential({"OBO_ENDPOINT": "  "})
    assert choice.kind == "default_azure"
    assert "not an AzureML job" in choice.reason


@pytest.mark.parametrize(
    ("environ", "expected_type"),
    [
        ({"OBO_ENDPOINT": "http://127.0.0.1:12342/token"}, TokenEndpointCredential),
        ({"DEFAULT_IDENTITY_CLIENT_ID": "client-id"}, ManagedIdentityCredential),
        ({}, DefaultAzureCredential),
    ],
)
def test_default_credential_builds_the_chosen_credential_and_logs_why(
    clean_environ: None,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    environ: dict[str, str],
    expected_type: type,
) -> None:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    with caplog.at_level(logging.INFO, logger="obo_job.credentials"):
        credential = default_credential()
    assert isinstance(credential, expected_type)
    (record,) = [r for r in caplog.records if r.name == "obo_job.credentials"]
    assert choose_credential(environ).reason in record.getMessage()


def test_on_azureml_the_obo_credential_names_its_endpoint_when_it_does_not_answer(
    clean_environ: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from azure.core.exceptions import ClientAuthenticationError, ServiceRequestError

    monkeypatch.setenv("OBO_ENDPOINT", "http://127.0.0.1:12342/token")
    credential = default_credential()
    assert isinstance(credential, TokenEndpointCredential)
    assert isinstance(credential.inner, AzureMLOnBehalfOfCredential)

    class Down:
        def get_token(self, *scopes: str, **kwargs: object) -> object:
            raise ServiceRequestError("Connection refused")

    credential.inner = Down()  # type: ignore[assignment]
    with pytest.raises(ClientAuthenticationError, match=r"OBO token endpoint \(http://127"):
        credential.get_token("https://vault.azure.net/.default")
