"""The official azure-keyvault-secrets samples' flows run against the fake.

Each test makes the calls of one sample of Azure/azure-sdk-for-python
``sdk/keyvault/azure-keyvault-secrets/samples/`` in the sample's order, with only the credential
swapped (the sync samples get ``AzureMLOnBehalfOfCredential`` against the fake OBO endpoint, the
async ones the harness's fake credential: azure-ai-ml's async OBO credential is broken, see
docs/protocol.md#the-async-obo-credential-and-get_token_info) and every secret permission granted. Read at these commits:
hello_world.py 32e1ffcc, list_operations.py 6117b4cf / 012ad160, recover_purge_operations.py
7d8d338d, backup_restore_operations.py ba4c06bf, recover_purge_operations_async.py 6c9000b1.

Left out on purpose: the samples' ``print`` calls, and backup_restore's ``time.sleep(60)`` after
the purge (a wait for the real service; the fake purges at once, and tests never sleep).
"""

from __future__ import annotations

import datetime

import pytest
from azure.ai.ml.identity import AzureMLOnBehalfOfCredential
from azure.keyvault.secrets import SecretClient
from azure.keyvault.secrets.aio import SecretClient as AsyncSecretClient
from azureml_obo_harness.cloud import FakeAzure
from azureml_obo_harness.credential import AsyncFakeCredential
from azureml_obo_harness.values import SECRET_NAME, VAULT_URL


@pytest.fixture
def sample_vault(fake_azure_env: FakeAzure) -> FakeAzure:
    """The fake, the user granted every secret permission (what the samples need)."""
    fake_azure_env.grant(fake_azure_env.user.object_id, ["all"])
    return fake_azure_env


def answered(azure: FakeAzure) -> list[tuple[str, int]]:
    """The fake's answers to the Key Vault requests, the 401 challenges left out."""
    return [
        (r.operation.removeprefix("keyvault/"), r.status)
        for r in azure.requests
        if r.operation.startswith("keyvault/") and r.status != 401
    ]


def test_hello_world_sample_flow(sample_vault: FakeAzure) -> None:
    client = SecretClient(vault_url=VAULT_URL, credential=AzureMLOnBehalfOfCredential())

    expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=365)
    secret = client.set_secret("helloWorldSecretName", "helloWorldSecretValue", expires_on=expires)
    bank_secret = client.get_secret(secret.name)
    assert bank_secret.properties.expires_on is not None
    expires = bank_secret.properties.expires_on + datetime.timedelta(days=365)
    updated = client.update_secret_properties(secret.name, expires_on=expires)
    secret = client.set_secret(secret.name, "newSecretValue")
    client.begin_delete_secret(secret.name)

    assert bank_secret.properties.expires_on == expires.replace(microsecond=0) - datetime.timedelta(
        days=365
    )
    assert updated.expires_on == expires.replace(microsecond=0)
    assert secret.value == "newSecretValue"
    assert answered(sample_vault) == [
        ("set_secret", 200),
        ("get_secret", 200),
        ("update_secret", 200),
        ("set_secret", 200),
        ("delete_secret", 200),
    ]


def test_list_operations_sample_flow(sample_vault: FakeAzure) -> None:
    client = SecretClient(vault_url=VAULT_URL, credential=AzureMLOnBehalfOfCredential())

    bank_secret = client.set_secret("listOpsBankSecretName", "listOpsSecretValue1")
    storage_secret = client.set_secret("listOpsStorageSecretName", "listOpsSecretValue2")
    listed = [client.get_secret(secret.name).name for secret in client.list_properties_of_secrets()]
    client.set_secret(bank_secret.name, "newSecretValue")
    versions = list(client.list_properties_of_secret_versions(bank_secret.name))
    client.begin_delete_secret(bank_secret.name).wait()
    client.begin_delete_secret(storage_secret.name).wait()
    deleted = [secret.name for secret in client.list_deleted_secrets()]

    assert sorted(listed) == sorted([SECRET_NAME, bank_secret.name, storage_secret.name])
    assert len(versions) == 2
    assert sorted(deleted) == sorted([bank_secret.name, storage_secret.name])
    assert all(secret.recovery_id for secret in client.list_deleted_secrets())


def test_recover_purge_sample_flow(sample_vault: FakeAzure) -> None:
    client = SecretClient(vault_url=VAULT_URL, credential=AzureMLOnBehalfOfCredential())

    bank_secret = client.set_secret("recoverPurgeBankSecretName", "recoverPurgeSecretValue1")
    storage_secret = client.set_secret("recoverPurgeStorageSecretName", "recoverPurgeSecretValue2")
    delete_poller = client.begin_delete_secret(bank_secret.name)
    secret = delete_poller.result()
    delete_poller.wait()
    recover_poller = client.begin_recover_deleted_secret(bank_secret.name)
    recovered = recover_poller.result()
    recover_poller.wait()
    client.begin_delete_secret(storage_secret.name).wait()
    client.purge_deleted_secret(storage_secret.name)

    assert secret.deleted_date is not None
    assert recovered.name == bank_secret.name
    assert client.get_secret(bank_secret.name).value == "recoverPurgeSecretValue1"
    assert ("purge_deleted_secret", 204) in answered(sample_vault)
    assert [name for name in (s.name for s in client.list_deleted_secrets())] == []


def test_backup_restore_sample_flow(sample_vault: FakeAzure) -> None:
    client = SecretClient(vault_url=VAULT_URL, credential=AzureMLOnBehalfOfCredential())

    secret = client.set_secret("backupRestoreSecretName", "backupRestoreSecretValue")
    secret_backup = client.backup_secret(secret.name)
    delete_operation = client.begin_delete_secret(secret.name)
    deleted_secret = delete_operation.result()
    delete_operation.wait()
    client.purge_deleted_secret(deleted_secret.name)
    secret = client.restore_secret_backup(secret_backup)

    assert secret.name == "backupRestoreSecretName"
    assert client.get_secret(secret.name).value == "backupRestoreSecretValue"
    assert ("restore_secret", 200) in answered(sample_vault)


def async_client(azure: FakeAzure) -> AsyncSecretClient:
    # aiohttp built its TLS context at import, before the CA existed: pass the CA explicitly.
    return AsyncSecretClient(
        vault_url=VAULT_URL, credential=AsyncFakeCredential(), connection_verify=str(azure.ca_path)
    )


@pytest.mark.asyncio
async def test_hello_world_async_sample_flow(sample_vault: FakeAzure) -> None:
    async with async_client(sample_vault) as client:
        expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=365)
        secret = await client.set_secret(
            "helloWorldSecretName", "helloWorldSecretValue", expires_on=expires
        )
        bank_secret = await client.get_secret(secret.name)
        assert bank_secret.properties.expires_on is not None
        expires = bank_secret.properties.expires_on + datetime.timedelta(days=365)
        updated = await client.update_secret_properties(secret.name, expires_on=expires)
        secret = await client.set_secret(secret.name, "newSecretValue")
        await client.delete_secret(secret.name)

    assert updated.expires_on == expires
    assert ("delete_secret", 200) in answered(sample_vault)


@pytest.mark.asyncio
async def test_list_operations_async_sample_flow(sample_vault: FakeAzure) -> None:
    async with async_client(sample_vault) as client:
        bank_secret = await client.set_secret("listOpsBankSecretName", "listOpsSecretValue1")
        storage_secret = await client.set_secret("listOpsStorageSecretName", "listOpsSecretValue2")
        listed = [
            (await client.get_secret(secret.name)).name
            async for secret in client.list_properties_of_secrets()
        ]
        await client.set_secret(bank_secret.name, "newSecretValue")
        versions = [v async for v in client.list_properties_of_secret_versions(bank_secret.name)]
        await client.delete_secret(bank_secret.name)
        await client.delete_secret(storage_secret.name)
        deleted = [secret.name async for secret in client.list_deleted_secrets()]

    assert sorted(listed) == sorted([SECRET_NAME, bank_secret.name, storage_secret.name])
    assert len(versions) == 2
    assert sorted(deleted) == sorted([bank_secret.name, storage_secret.name])


@pytest.mark.asyncio
async def test_recover_purge_async_sample_flow(sample_vault: FakeAzure) -> None:
    async with async_client(sample_vault) as client:
        bank_secret = await client.set_secret(
            "recoverPurgeBankSecretNameAsync", "recoverPurgeSecretValue1"
        )
        storage_secret = await client.set_secret(
            "recoverPurgeStorageSecretNameAsync", "recoverPurgeSecretValue2"
        )
        secret = await client.delete_secret(bank_secret.name)
        recovered = await client.recover_deleted_secret(bank_secret.name)
        await client.delete_secret(storage_secret.name)
        await client.purge_deleted_secret(storage_secret.name)
        value = (await client.get_secret(bank_secret.name)).value

    assert secret.deleted_date is not None
    assert recovered.name == bank_secret.name
    assert value == "recoverPurgeSecretValue1"
    assert ("purge_deleted_secret", 204) in answered(sample_vault)


@pytest.mark.asyncio
async def test_backup_restore_async_sample_flow(sample_vault: FakeAzure) -> None:
    async with async_client(sample_vault) as client:
        secret = await client.set_secret("backupRestoreSecretName", "backupRestoreSecretValue")
        secret_backup = await client.backup_secret(secret.name)
        await client.delete_secret(secret.name)
        await client.purge_deleted_secret(secret.name)
        restored = await client.restore_secret_backup(secret_backup)
        value = (await client.get_secret(restored.name)).value

    assert restored.name == "backupRestoreSecretName"
    assert value == "backupRestoreSecretValue"
