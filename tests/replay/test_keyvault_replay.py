"""Key Vault reads replayed from cassettes (recorded against the fake Azure or a real vault)."""

from __future__ import annotations

from typing import Any

import pytest
from azure.core.exceptions import ResourceNotFoundError
from azureml_obo_harness.recording.plugin import AzureCoordinates, azure_mode

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


@pytest.mark.vcr
@pytest.mark.asyncio
async def test_the_async_client_reads_the_secret(
    async_azure_credential: Any,
    azure_coordinates: AzureCoordinates,
    azure_async_client_options: dict[str, Any],
) -> None:
    from azure.keyvault.secrets.aio import SecretClient

    async with SecretClient(
        azure_coordinates.vault_url, async_azure_credential, **azure_async_client_options
    ) as client:
        secret = await client.get_secret(azure_coordinates.secret_name)
    assert secret.name == azure_coordinates.secret_name
    assert secret.value


@pytest.mark.vcr
def test_a_throttled_read_is_retried_and_replay_skips_the_wait(
    pytestconfig: pytest.Config,
    azure_credential: Any,
    azure_coordinates: AzureCoordinates,
    fake_azure_session: Any,
    replay_skipped_sleeps: list[float],
) -> None:
    if azure_mode(pytestconfig) == "live":
        pytest.skip("throttling on demand needs the fake Azure's fault switches")
    if fake_azure_session is not None:
        fake_azure_session.faults.add("keyvault/get_secret", status=429, times=1, retry_after=1)
    secret = read_secret(
        azure_credential, azure_coordinates.vault_url, azure_coordinates.secret_name
    )
    assert secret.value
    if azure_mode(pytestconfig) == "replay":
        # The recorded 429 said Retry-After: 1; replay honoured the retry but skipped the wait.
        assert replay_skipped_sleeps == [1.0]
