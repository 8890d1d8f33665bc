"""Each Key Vault secrets operation checks its own access-policy permission, with the service's 403.

For every operation: granted only its permission, the real ``SecretClient`` call succeeds; granted
every other permission, the fake answers 403 ``Forbidden`` naming the missing one. The world each
call needs is seeded through the backend, which checks no permission.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from azure.core.exceptions import HttpResponseError
from azure.keyvault.secrets import SecretClient
from azureml_obo_harness.cloud import FakeAzure
from azureml_obo_harness.cloud.keyvault.models import SECRET_PERMISSIONS
from azureml_obo_harness.credential import FakeCredential
from azureml_obo_harness.values import SECRET_NAME, VAULT_NAME, VAULT_URL


def _deleted(azure: FakeAzure) -> None:
    azure.keyvault.delete_secret(VAULT_NAME, SECRET_NAME)


def _backed_up_and_purged(azure: FakeAzure) -> bytes:
    blob = azure.keyvault.backup_secret(VAULT_NAME, SECRET_NAME)
    azure.keyvault.delete_secret(VAULT_NAME, SECRET_NAME)
    azure.keyvault.purge_deleted_secret(VAULT_NAME, SECRET_NAME)
    return blob


Call = Callable[[SecretClient, FakeAzure], object]

CASES: dict[str, tuple[str, str, Call]] = {
    # case: (permission, operation, the SDK call after seeding)
    "get secret": ("get", "get_secret", lambda c, a: c.get_secret(SECRET_NAME)),
    "list secrets": ("list", "list_secrets", lambda c, a: list(c.list_properties_of_secrets())),
    "list versions": (
        "list",
        "list_secret_versions",
        lambda c, a: list(c.list_properties_of_secret_versions(SECRET_NAME)),
    ),
    "set secret": ("set", "set_secret", lambda c, a: c.set_secret("new-secret", "v")),
    "update secret": (
        "set",
        "update_secret",
        lambda c, a: c.update_secret_properties(SECRET_NAME, content_type="text/plain"),
    ),
    "delete secret": (
        "delete",
        "delete_secret",
        # the poller reads the deleted secret, a 403 for it ends the polling
        lambda c, a: c.begin_delete_secret(SECRET_NAME, _polling_interval=0).result(),
    ),
    "get deleted secret": (
        "get",
        "get_deleted_secret",
        lambda c, a: (_deleted(a), c.get_deleted_secret(SECRET_NAME)),
    ),
    "list deleted secrets": (
        "list",
        "list_deleted_secrets",
        lambda c, a: (_deleted(a), list(c.list_deleted_secrets())),
    ),
    "recover deleted secret": (
        "recover",
        "recover_deleted_secret",
        lambda c, a: (
            _deleted(a),
            c.begin_recover_deleted_secret(SECRET_NAME, _polling_interval=0).result(),
        ),
    ),
    "purge deleted secret": (
        "purge",
        "purge_deleted_secret",
        lambda c, a: (_deleted(a), c.purge_deleted_secret(SECRET_NAME)),
    ),
    "backup secret": ("backup", "backup_secret", lambda c, a: c.backup_secret(SECRET_NAME)),
    "restore secret": (
        "restore",
        "restore_secret",
        lambda c, a: c.restore_secret_backup(_backed_up_and_purged(a)),
    ),
}


def _last_status(azure: FakeAzure, operation: str) -> int:
    return [r.status for r in azure.requests if r.operation == f"keyvault/{operation}"][-1]


@pytest.mark.parametrize("case", sorted(CASES))
def test_operation_succeeds_with_only_its_permission(fake_azure_env: FakeAzure, case: str) -> None:
    permission, operation, call = CASES[case]
    fake_azure_env.grant(fake_azure_env.user.object_id, [permission])

    call(SecretClient(VAULT_URL, FakeCredential()), fake_azure_env)

    assert _last_status(fake_azure_env, operation) in (200, 204)


@pytest.mark.parametrize("case", sorted(CASES))
def test_operation_without_its_permission_is_403_naming_it(
    fake_azure_env: FakeAzure, case: str
) -> None:
    permission, operation, call = CASES[case]
    fake_azure_env.grant(fake_azure_env.user.object_id, SECRET_PERMISSIONS - {permission})

    with pytest.raises(HttpResponseError) as raised:
        call(SecretClient(VAULT_URL, FakeCredential()), fake_azure_env)

    assert raised.value.status_code == 403
    assert raised.value.error is not None and raised.value.error.code == "Forbidden"
    assert f"does not have secrets {permission} permission" in str(raised.value)
    assert _last_status(fake_azure_env, operation) == 403


def test_every_route_is_in_the_permission_matrix(fake_azure: FakeAzure) -> None:
    covered = {operation for _, operation, _ in CASES.values()} | {"get_secret_version"}

    assert {
        r.removeprefix("keyvault/") for r in fake_azure.routes if r.startswith("keyvault/")
    } == (covered)


def test_all_grants_every_secret_permission(fake_azure: FakeAzure) -> None:
    fake_azure.grant("someone", ["all"])

    assert fake_azure.keyvault.vaults[VAULT_NAME].access["someone"] == set(SECRET_PERMISSIONS)


def test_an_unknown_permission_is_refused_naming_the_known_ones(fake_azure: FakeAzure) -> None:
    with pytest.raises(ValueError, match="'purge'"):
        fake_azure.grant("someone", ["read"])
