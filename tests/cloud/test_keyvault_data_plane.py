"""Key Vault secrets, the whole data plane, through the real ``SecretClient`` (sync and async).

Each test seeds what it needs through the backend (``caller=None``: no permission check) and then
checks what the SDK got back and what the fake received.
"""

from __future__ import annotations

import datetime

import pytest
from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError
from azure.keyvault.secrets import SecretClient
from azure.keyvault.secrets.aio import SecretClient as AsyncSecretClient
from azureml_obo_harness.cloud import FakeAzure
from azureml_obo_harness.credential import AsyncFakeCredential, FakeCredential
from azureml_obo_harness.values import SECRET_NAME, SECRET_VALUE, VAULT_NAME, VAULT_URL

from tests.cloud.helpers import KEY_VAULT, bearer, session_for

API = "api-version=2026-04-01"
EXPIRES = datetime.datetime(2050, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
NOT_BEFORE = datetime.datetime(2030, 6, 7, 8, 9, 10, tzinfo=datetime.timezone.utc)


@pytest.fixture
def vault(fake_azure_env: FakeAzure) -> FakeAzure:
    """The fake with the default user granted every secret permission."""
    fake_azure_env.grant(fake_azure_env.user.object_id, ["all"])
    return fake_azure_env


def client() -> SecretClient:
    return SecretClient(VAULT_URL, FakeCredential())


def statuses(azure: FakeAzure, operation: str) -> list[int]:
    """The statuses the fake answered ``keyvault/<operation>`` with, in order."""
    return [r.status for r in azure.requests if r.operation == f"keyvault/{operation}"]


# -- set and get ----------------------------------------------------------------------------------


def test_set_secret_returns_expiry_not_before_content_type_and_tags_as_sent(
    vault: FakeAzure,
) -> None:
    secret = client().set_secret(
        "rich",
        "v",
        expires_on=EXPIRES,
        not_before=NOT_BEFORE,
        content_type="text/plain",
        tags={"team": "ml"},
    )

    assert secret.properties.expires_on == EXPIRES
    assert secret.properties.not_before == NOT_BEFORE
    assert secret.properties.content_type == "text/plain"
    assert secret.properties.tags == {"team": "ml"}


def test_get_secret_returns_the_attributes_set_with_it(vault: FakeAzure) -> None:
    client().set_secret("rich", "v", expires_on=EXPIRES, not_before=NOT_BEFORE)

    secret = client().get_secret("rich")

    assert (secret.properties.expires_on, secret.properties.not_before) == (EXPIRES, NOT_BEFORE)


def test_secret_names_are_case_insensitive(vault: FakeAzure) -> None:
    client().set_secret("MixedCase", "v")

    assert client().get_secret("mixedcase").value == "v"


def test_disabled_secret_is_refused_with_403_secret_disabled(vault: FakeAzure) -> None:
    client().set_secret("off", "v", enabled=False)

    with pytest.raises(HttpResponseError) as raised:
        client().get_secret("off")

    assert raised.value.status_code == 403
    assert raised.value.error is not None and raised.value.error.code == "Forbidden"
    assert "Operation get is not allowed on a disabled secret." in str(raised.value)


def test_disabled_secret_body_names_secret_disabled(vault: FakeAzure) -> None:
    vault.keyvault.set_secret(VAULT_NAME, "off", "v", enabled=False)

    response = session_for(vault).get(f"{VAULT_URL}/secrets/off/?{API}", headers=bearer(KEY_VAULT))

    assert response.status_code == 403
    assert response.json()["error"]["innererror"] == {"code": "SecretDisabled"}


def test_get_secret_by_version_returns_that_version(vault: FakeAzure) -> None:
    first = client().set_secret("rotating", "one")
    client().set_secret("rotating", "two")

    assert client().get_secret("rotating", first.properties.version).value == "one"


# -- update ---------------------------------------------------------------------------------------


def test_update_changes_the_named_properties_of_the_latest_version(vault: FakeAzure) -> None:
    client().set_secret("rich", "v", content_type="text/plain", tags={"a": "1"})

    updated = client().update_secret_properties("rich", expires_on=EXPIRES, tags={"b": "2"})

    assert updated.expires_on == EXPIRES
    assert updated.tags == {"b": "2"}
    assert updated.content_type == "text/plain"  # not named in the PATCH: unchanged
    assert statuses(vault, "update_secret")[-1] == 200


def test_update_never_changes_the_value(vault: FakeAzure) -> None:
    client().set_secret("rich", "v")
    client().update_secret_properties("rich", content_type="application/json")

    assert client().get_secret("rich").value == "v"


def test_update_of_one_version_leaves_the_others(vault: FakeAzure) -> None:
    first = client().set_secret("rotating", "one")
    client().set_secret("rotating", "two")

    client().update_secret_properties("rotating", first.properties.version, enabled=False)

    assert client().get_secret("rotating").value == "two"
    with pytest.raises(HttpResponseError):
        client().get_secret("rotating", first.properties.version)


def test_update_re_enables_a_disabled_secret(vault: FakeAzure) -> None:
    client().set_secret("off", "v", enabled=False)

    client().update_secret_properties("off", enabled=True)

    assert client().get_secret("off").value == "v"


def test_update_of_a_missing_secret_is_404(vault: FakeAzure) -> None:
    with pytest.raises(ResourceNotFoundError):
        client().update_secret_properties("missing", enabled=True)


# -- lists and paging -----------------------------------------------------------------------------


def test_list_secrets_pages_by_max_page_size(vault: FakeAzure) -> None:
    for index in range(5):
        vault.keyvault.set_secret(VAULT_NAME, f"paged-{index}", "v")

    names = [item.name for item in client().list_properties_of_secrets(max_page_size=2)]

    assert sorted(names) == sorted([SECRET_NAME] + [f"paged-{i}" for i in range(5)])
    pages = [
        r for r in vault.requests if r.operation == "keyvault/list_secrets" and r.status == 200
    ]
    assert len(pages) == 3
    assert all("api-version=2026-04-01" in page.query for page in pages)
    assert ["$skiptoken" in page.query for page in pages] == [False, True, True]


def test_next_link_carries_the_api_version_and_max_results(vault: FakeAzure) -> None:
    vault.keyvault.set_secret(VAULT_NAME, "second", "v")

    body = (
        session_for(vault)
        .get(f"{VAULT_URL}/secrets?{API}&maxresults=1", headers=bearer(KEY_VAULT))
        .json()
    )

    assert body["nextLink"].startswith(
        f"{VAULT_URL}:443/secrets?api-version=2026-04-01&$skiptoken="
    )
    assert body["nextLink"].endswith("&maxresults=1")
    assert len(body["value"]) == 1


def test_last_page_has_a_null_next_link(vault: FakeAzure) -> None:
    body = session_for(vault).get(f"{VAULT_URL}/secrets?{API}", headers=bearer(KEY_VAULT)).json()

    assert body["nextLink"] is None


def test_max_results_above_25_is_400_bad_parameter(vault: FakeAzure) -> None:
    response = session_for(vault).get(
        f"{VAULT_URL}/secrets?{API}&maxresults=26", headers=bearer(KEY_VAULT)
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "BadParameter"


def test_list_versions_pages_every_version(vault: FakeAzure) -> None:
    versions = {vault.keyvault.set_secret(VAULT_NAME, "many", str(i)).version for i in range(3)}

    listed = client().list_properties_of_secret_versions("many", max_page_size=1)

    assert {item.version for item in listed} == versions
    assert statuses(vault, "list_secret_versions").count(200) == 3


def test_list_items_carry_no_value(vault: FakeAzure) -> None:
    body = session_for(vault).get(f"{VAULT_URL}/secrets?{API}", headers=bearer(KEY_VAULT)).json()

    assert all("value" not in item for item in body["value"])


# -- delete, deleted, recover, purge --------------------------------------------------------------


def test_delete_returns_the_recovery_fields(vault: FakeAzure) -> None:
    deleted = client().begin_delete_secret(SECRET_NAME, _polling_interval=0).result()

    assert deleted.recovery_id == f"{VAULT_URL}/deletedsecrets/{SECRET_NAME}"
    assert deleted.deleted_date is not None and deleted.scheduled_purge_date is not None
    assert (deleted.scheduled_purge_date - deleted.deleted_date) == datetime.timedelta(days=90)


def test_deleted_secret_is_readable_and_listed(vault: FakeAzure) -> None:
    client().begin_delete_secret(SECRET_NAME, _polling_interval=0).wait()

    assert client().get_deleted_secret(SECRET_NAME).name == SECRET_NAME
    assert [item.name for item in client().list_deleted_secrets()] == [SECRET_NAME]


def test_setting_a_deleted_but_recoverable_name_is_409_conflict(vault: FakeAzure) -> None:
    client().begin_delete_secret(SECRET_NAME, _polling_interval=0).wait()

    with pytest.raises(ResourceExistsError) as raised:
        client().set_secret(SECRET_NAME, "new")

    assert raised.value.status_code == 409
    assert "deleted but recoverable state" in str(raised.value)


def test_deleted_then_recovered_secret_has_its_value_back(vault: FakeAzure) -> None:
    client().begin_delete_secret(SECRET_NAME, _polling_interval=0).wait()

    recovered = client().begin_recover_deleted_secret(SECRET_NAME, _polling_interval=0).result()

    assert recovered.name == SECRET_NAME
    assert client().get_secret(SECRET_NAME).value == SECRET_VALUE
    with pytest.raises(ResourceNotFoundError):
        client().get_deleted_secret(SECRET_NAME)


def test_purged_secret_is_gone_and_its_name_free(vault: FakeAzure) -> None:
    client().begin_delete_secret(SECRET_NAME, _polling_interval=0).wait()

    client().purge_deleted_secret(SECRET_NAME)

    assert statuses(vault, "purge_deleted_secret")[-1] == 204
    with pytest.raises(ResourceNotFoundError):
        client().get_deleted_secret(SECRET_NAME)
    assert client().set_secret(SECRET_NAME, "new").value == "new"


def test_purge_of_a_secret_that_is_not_deleted_is_404(vault: FakeAzure) -> None:
    with pytest.raises(ResourceNotFoundError):
        client().purge_deleted_secret(SECRET_NAME)


def test_deletion_becomes_visible_after_the_settle_reads(vault: FakeAzure) -> None:
    vault.keyvault.settle_reads = 1  # as the recordings show: one 404, then the deleted secret

    client().begin_delete_secret(SECRET_NAME, _polling_interval=0).wait()

    assert statuses(vault, "get_deleted_secret") == [404, 200]


def test_recovery_becomes_visible_after_the_settle_reads(vault: FakeAzure) -> None:
    vault.keyvault.settle_reads = 1
    client().begin_delete_secret(SECRET_NAME, _polling_interval=0).wait()

    client().begin_recover_deleted_secret(SECRET_NAME, _polling_interval=0).wait()

    assert statuses(vault, "get_secret") == [404, 200]


# -- backup and restore ---------------------------------------------------------------------------


def test_backup_restores_every_version_after_a_purge(vault: FakeAzure) -> None:
    first = client().set_secret("kept", "one").properties.version
    client().set_secret("kept", "two")
    blob = client().backup_secret("kept")
    client().begin_delete_secret("kept", _polling_interval=0).wait()
    client().purge_deleted_secret("kept")

    restored = client().restore_secret_backup(blob)

    assert restored.name == "kept"
    assert client().get_secret("kept").value == "two"
    assert client().get_secret("kept", first).value == "one"


def test_restore_of_a_name_in_use_is_409_conflict(vault: FakeAzure) -> None:
    blob = client().backup_secret(SECRET_NAME)

    with pytest.raises(ResourceExistsError) as raised:
        client().restore_secret_backup(blob)

    assert raised.value.status_code == 409


def test_restore_of_a_foreign_blob_is_400_bad_parameter(vault: FakeAzure) -> None:
    with pytest.raises(HttpResponseError) as raised:
        client().restore_secret_backup(b"not a backup of this fake")

    assert raised.value.status_code == 400
    assert raised.value.error is not None and raised.value.error.code == "BadParameter"


def test_backup_blob_carries_no_secret_value(vault: FakeAzure) -> None:
    blob = client().backup_secret(SECRET_NAME)

    assert SECRET_VALUE.encode() not in blob


# -- async ----------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_async_client_sets_updates_deletes_and_recovers(vault: FakeAzure) -> None:
    async with AsyncSecretClient(
        VAULT_URL, AsyncFakeCredential(), connection_verify=str(vault.ca_path)
    ) as aclient:
        await aclient.set_secret("async-one", "v", expires_on=EXPIRES)
        updated = await aclient.update_secret_properties("async-one", content_type="text/plain")
        await aclient.delete_secret("async-one", _polling_interval=0)
        deleted = [item.name async for item in aclient.list_deleted_secrets(max_page_size=1)]
        await aclient.recover_deleted_secret("async-one", _polling_interval=0)
        secret = await aclient.get_secret("async-one")

    assert (updated.expires_on, updated.content_type) == (EXPIRES, "text/plain")
    assert deleted == ["async-one"]
    assert secret.value == "v"


@pytest.mark.asyncio
async def test_async_client_backs_up_purges_and_restores(vault: FakeAzure) -> None:
    async with AsyncSecretClient(
        VAULT_URL, AsyncFakeCredential(), connection_verify=str(vault.ca_path)
    ) as aclient:
        blob = await aclient.backup_secret(SECRET_NAME)
        await aclient.delete_secret(SECRET_NAME, _polling_interval=0)
        await aclient.purge_deleted_secret(SECRET_NAME)
        await aclient.restore_secret_backup(blob)
        secret = await aclient.get_secret(SECRET_NAME)

    assert secret.value == SECRET_VALUE
    assert statuses(vault, "restore_secret")[-1] == 200
