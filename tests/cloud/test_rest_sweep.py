"""The REST specs' sweep: every Key Vault secrets and Blob operation is implemented or refused by name.

``tests/cloud/data/rest_spec_operations.json`` lists each operation of the newest stable specs
(Azure/azure-rest-api-specs; repository, path and commit in the file) with the method, path,
query and headers that select it. One request per operation, as the SDK would send it (a bearer
token, ``api-version`` / ``x-ms-version``), goes to a seeded fake. Each either reaches the
operation the spec names (the fake records that ``rest_operation`` and does not answer 501), or
is answered 501 naming that operation. Anything else is a wrong answer: the fake took the request
for another operation, or a success for an operation it does not know.
"""

from __future__ import annotations

import json
import re
from email.utils import formatdate
from pathlib import Path
from typing import Any

import pytest
import requests
from azure.keyvault.secrets._shared.client_base import DEFAULT_VERSION as KEYVAULT_VERSION
from azure.storage.blob._shared.constants import X_MS_VERSION as BLOB_VERSION
from azureml_obo_harness import values
from azureml_obo_harness.cloud import FakeAzure

from tests.cloud.helpers import KEY_VAULT, bearer, session_for

SPEC = json.loads((Path(__file__).parent / "data" / "rest_spec_operations.json").read_text())
STORAGE = "https://storage.azure.com"
KEYVAULT_PERMISSIONS = ["get", "list", "set", "delete", "recover", "backup", "restore", "purge"]
BLOB_ACTIONS = ["read", "write", "delete"]
BLOCK_LIST = (
    b'<?xml version="1.0" encoding="utf-8"?><BlockList><Latest>YmxvY2stMQ==</Latest></BlockList>'
)
BLOB_BODIES = {
    "Service_SetProperties": b'<?xml version="1.0" encoding="utf-8"?><StorageServiceProperties />',
    "Service_GetUserDelegationKey": (
        b'<?xml version="1.0" encoding="utf-8"?><KeyInfo><Start>2026-01-01T00:00:00Z</Start>'
        b"<Expiry>2026-01-02T00:00:00Z</Expiry></KeyInfo>"
    ),
    "Container_SetAccessPolicy": b'<?xml version="1.0" encoding="utf-8"?><SignedIdentifiers />',
    "BlockBlob_Upload": b"fake blob content",
    "BlockBlob_StageBlock": b"fake block",
    "BlockBlob_CommitBlockList": BLOCK_LIST,
    "PageBlob_UploadPages": b"\0" * 512,
    "AppendBlob_AppendBlock": b"appended",
    "Blob_Query": (
        b'<?xml version="1.0" encoding="utf-8"?><QueryRequest><QueryType>SQL</QueryType>'
        b"<Expression>SELECT * from BlobStorage</Expression></QueryRequest>"
    ),
    "Blob_SetTags": b'<?xml version="1.0" encoding="utf-8"?><Tags><TagSet /></Tags>',
}
KEYVAULT_BODIES: dict[str, Any] = {
    "SetSecret": {"value": "fake-secret-value-2"},
    "UpdateSecret": {"contentType": "text/plain"},
    "RestoreSecret": {"value": "ZmFrZS1iYWNrdXA"},
}


def rows(service: str) -> list[Any]:
    return [pytest.param(row, id=row["operationId"]) for row in SPEC[service]["operations"]]


def names(text: str, operation_id: str) -> bool:
    """True if ``text`` names the operation (whole word: ``Container_ListBlobFlatSegment`` is not
    named by ``Container_ListBlobFlatSegment_ApacheArrow``)."""
    return re.search(rf"(?<![\w]){re.escape(operation_id)}(?![\w])", text) is not None


def check(azure: FakeAzure, response: requests.Response, row: dict[str, Any]) -> None:
    operation_id = row["operationId"]
    recorded = [request for request in azure.requests if request.operation != "unserved"]
    assert recorded, f"{operation_id}: the fake recorded no request"
    got = recorded[-1]
    if response.status_code == 501 and row["method"] == "HEAD":
        # a HEAD answer has no body to name the operation in: the recorded name must be right
        assert got.rest_operation == operation_id, f"{operation_id}: HEAD 501 as {got.operation}"
        return
    if response.status_code == 501:
        assert names(response.text, operation_id), (
            f"{operation_id}: answered 501 without naming it (it names: {response.text[:300]!r})"
        )
        return
    assert got.rest_operation == operation_id, (
        f"{operation_id}: {row['method']} {row['spec_path']} was answered {response.status_code} "
        f"as {got.operation} (REST {got.rest_operation}): a wrong "
        f"{'success' if response.status_code < 400 else 'answer'}; it must be implemented as "
        f"{operation_id} or answered 501 naming it"
    )


def fill(template: str, fields: dict[str, str]) -> str:
    for key, value in fields.items():
        template = template.replace("{" + key + "}", value)
    return template


@pytest.mark.parametrize("row", rows("keyvault"))
def test_each_key_vault_secrets_operation_is_served_or_refused_by_name(
    fake_azure: FakeAzure, row: dict[str, Any]
) -> None:
    version = fake_azure.set_secret(values.SECRET_NAME, "fake-secret-value")
    try:
        fake_azure.grant(fake_azure.user.object_id, KEYVAULT_PERMISSIONS)
    except ValueError:  # a fake that does not know every permission yet: grant what it knows
        fake_azure.grant(fake_azure.user.object_id, ["get", "list", "set", "delete"])
    fake_azure.clear_requests()
    path = fill(row["path"], {"secret-name": values.SECRET_NAME, "secret-version": version})
    body = KEYVAULT_BODIES.get(row["operationId"])

    response = session_for(fake_azure).request(
        row["method"],
        f"{values.VAULT_URL}{path}",
        params={"api-version": KEYVAULT_VERSION.value, **row["query"]},
        headers={**bearer(KEY_VAULT), **row["headers"]},
        json=body,
    )

    check(fake_azure, response, row)


@pytest.mark.parametrize("row", rows("blob"))
def test_each_blob_operation_is_served_or_refused_by_name(
    fake_azure: FakeAzure, row: dict[str, Any]
) -> None:
    account = fake_azure.workspace.storage_account
    try:
        fake_azure.grant_storage(fake_azure.user.object_id, BLOB_ACTIONS)
    except ValueError:
        fake_azure.grant_storage(fake_azure.user.object_id, ["read", "write"])
    fake_azure.clear_requests()
    fields = {"account": account, "containerName": values.BLOB_CONTAINER, "blob": values.BLOB_NAME}
    headers = {
        **bearer(STORAGE),
        "x-ms-version": BLOB_VERSION,
        "x-ms-date": formatdate(usegmt=True),
        **{name: fill(value, fields) for name, value in row["headers"].items()},
    }
    body = BLOB_BODIES.get(row["operationId"], b"")

    response = session_for(fake_azure).request(
        row["method"],
        f"https://{account}.blob.core.windows.net{fill(row['path'], fields)}",
        params=row["query"],
        headers=headers,
        data=body,
    )

    check(fake_azure, response, row)


def test_the_sweep_covers_the_specs_operations_once_each() -> None:
    for service in ("keyvault", "blob"):
        ids = [row["operationId"] for row in SPEC[service]["operations"]]
        assert len(ids) == len(set(ids)), service
        assert SPEC[service]["source"]["commit"]
    assert (len(SPEC["keyvault"]["operations"]), len(SPEC["blob"]["operations"])) == (12, 71)
