"""Key Vault accepts the api-versions its REST specs publish; an unknown one is the service's 400."""

from __future__ import annotations

import pytest
from azure.keyvault.secrets import ApiVersion
from azure.keyvault.secrets._shared.client_base import DEFAULT_VERSION
from azureml_obo_harness.cloud import FakeAzure
from azureml_obo_harness.cloud.api_versions import keyvault
from azureml_obo_harness.cloud.keyvault.routes import REST_OPERATIONS, KeyVaultService
from azureml_obo_harness.values import SECRET_NAME, VAULT_URL

from tests.cloud.helpers import KEY_VAULT, bearer, session_for


def test_the_installed_sdks_default_api_version_is_accepted() -> None:
    assert DEFAULT_VERSION.value in keyvault.ACCEPTED


@pytest.mark.parametrize("version", sorted(v.value for v in ApiVersion))
def test_every_api_version_of_the_installed_sdk_is_accepted(version: str) -> None:
    assert version in keyvault.ACCEPTED


def test_source_names_the_repository_and_a_commit() -> None:
    assert "Azure/azure-rest-api-specs" in keyvault.SOURCE
    assert "specification/keyvault/data-plane/" in keyvault.SOURCE


@pytest.mark.parametrize("version", ["2016-10-01", "7.6-preview.2", "2026-03-01-preview"])
def test_an_old_or_preview_version_the_specs_publish_is_served(
    fake_azure: FakeAzure, version: str
) -> None:
    url = f"{VAULT_URL}/secrets/{SECRET_NAME}/?api-version={version}"

    response = session_for(fake_azure).get(url, headers=bearer(KEY_VAULT))

    assert response.status_code == 200


def test_an_unknown_version_is_400_recommending_the_latest_stable(fake_azure: FakeAzure) -> None:
    url = f"{VAULT_URL}/secrets/{SECRET_NAME}/?api-version=7.7"

    response = session_for(fake_azure).get(url, headers=bearer(KEY_VAULT))

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "BadParameter",
            "message": "The specified version (7.7) is not recognized. Consider using the latest "
            "supported version (2026-04-01).",
        }
    }


def test_every_route_names_its_rest_operation(fake_azure: FakeAzure) -> None:
    routes = {r for r in fake_azure.routes if r.startswith("keyvault/")}

    assert routes == set(REST_OPERATIONS)
    assert KeyVaultService(fake_azure.keyvault).rest_operations() == REST_OPERATIONS


def test_versions_before_7_1_leave_out_recoverable_days(fake_azure: FakeAzure) -> None:
    url = f"{VAULT_URL}/secrets/{SECRET_NAME}/?api-version=2016-10-01"

    attributes = session_for(fake_azure).get(url, headers=bearer(KEY_VAULT)).json()["attributes"]

    assert "recoverableDays" not in attributes
    assert attributes["recoveryLevel"] == "Recoverable+Purgeable"


def test_versions_from_7_1_send_recoverable_days(fake_azure: FakeAzure) -> None:
    url = f"{VAULT_URL}/secrets/{SECRET_NAME}/?api-version=7.1"

    attributes = session_for(fake_azure).get(url, headers=bearer(KEY_VAULT)).json()["attributes"]

    assert attributes["recoverableDays"] == 90
