"""Key Vault reads replayed from cassettes (recorded against the fake Azure or a real vault)."""

from __future__ import annotations

import pytest
from azure.core.exceptions import ResourceNotFoundError

from fakes.recording.plugin import AzureCoordinates
from obo_job.keyvault import read_secret


@pytest.mark.vcr
def test_read_secret_answers_the_challenge_and_gets_the_value(
    azure_credential: object, azure_coordinates: AzureCoordinates
) -> None:
    secret = read_secret(
        azure_credential, azure_coordinates.vault_url, azure_coordinates.secret_name
    )  # type: ignore[arg-type]
    assert secret.name == azure_coordinates.secret_name
    assert secret.version
    assert secret.value


@pytest.mark.vcr
def test_a_missing_secret_is_not_found(
    azure_credential: object, azure_coordinates: AzureCoordinates
) -> None:
    with pytest.raises(ResourceNotFoundError, match="SecretNotFound"):
        read_secret(azure_credential, azure_coordinates.vault_url, "no-such-secret")  # type: ignore[arg-type]
