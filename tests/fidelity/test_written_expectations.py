"""Written expectations: for every call the OBO job makes, the fake answers with the real status code, the
headers the SDKs read or the real service always sends, and the real JSON key sets.

The expectations are written out here, read off
the Azure SDK teams' public recordings (Azure/azure-sdk-assets, docs/protocol.md#sources: Key Vault secret CRUD 2025-07-01; AzureML code create,
sweep job with code, command job with dataset) and docs/protocol.md; the recordings themselves are not
part of the project. A key set is compared exactly: a key the real service sends and the fake
does not is a fidelity bug, and so is a key the fake invents.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
from azureml_obo_harness import values
from azureml_obo_harness.cloud import FakeAzure
from azureml_obo_harness.cloud.ml.models import FakeSasUser, container_sas

from tests.cloud.helpers import ARM, KEY_VAULT, bearer, session_for

WS = (
    f"https://management.azure.com/subscriptions/{values.SUBSCRIPTION_ID}/resourceGroups/"
    f"{values.RESOURCE_GROUP}/providers/Microsoft.MachineLearningServices/workspaces/"
    f"{values.WORKSPACE_NAME}"
)
WS_ID = WS.removeprefix("https://management.azure.com")
KV = f"{values.VAULT_URL}/secrets"
ACCOUNT = f"https://{values.STORAGE_ACCOUNT}.blob.core.windows.net"

KEY_VAULT_HEADERS = {
    "Content-Type",
    "x-ms-keyvault-region",
    "x-ms-keyvault-service-version",
    "x-ms-keyvault-network-info",
    "x-ms-request-id",
}
ARM_HEADERS = {"Content-Type", "x-ms-correlation-request-id", "x-ms-routing-request-id"}
BLOB_HEADERS = {"x-ms-version", "x-ms-request-id", "Date"}
SECRET_ATTRIBUTES = {"enabled", "created", "updated", "recoveryLevel", "recoverableDays"}
CODE_VERSION = {"id", "name", "type", "properties", "systemData"}
CODE_PROPERTIES = {
    "description",
    "tags",
    "properties",
    "isArchived",
    "isAnonymous",
    "codeUri",
    "provisioningState",
}
CODE_SYSTEM_DATA = {
    "createdAt",
    "createdBy",
    "createdByType",
    "lastModifiedAt",
    "lastModifiedBy",
    "lastModifiedByType",
}
COMMAND_JOB_PROPERTIES = {
    "description",
    "tags",
    "properties",
    "parentJobName",
    "displayName",
    "status",
    "experimentName",
    "services",
    "computeId",
    "isArchived",
    "identity",
    "componentId",
    "notificationSetting",
    "jobType",
    "resources",
    "codeId",
    "command",
    "environmentId",
    "inputs",
    "outputs",
    "distribution",
    "limits",
    "environmentVariables",
    "parameters",
    "queueSettings",
}
JOB_SERVICE = {
    "jobServiceType",
    "port",
    "endpoint",
    "status",
    "errorMessage",
    "properties",
    "nodes",
}
ARM_ERROR = {"code", "message", "details", "additionalInfo"}
ARM_ERROR_INFO_TYPES = ["ComponentName", "Correlation", "Environment", "Location", "Time"]


@dataclass(frozen=True)
class Expected:
    """What the real service answers: status, headers that must be present, JSON key sets by path."""

    status: int
    headers: set[str] = field(default_factory=set)
    header_values: dict[str, str] = field(default_factory=dict)
    keys: dict[str, set[str]] = field(default_factory=dict)
    """``"."`` is the body; ``"a.b"`` the object at body["a"]["b"]."""


def job_body(compute: str = values.COMPUTE_NAME, code_id: str | None = None) -> dict[str, Any]:
    """The job PUT body azure-ai-ml 1.35.2 sends for a command job (docs/protocol.md#submitting-a-command-job)."""
    return {
        "properties": {
            "displayName": "sklearn-iris-example",
            "command": "python main.py --C ${{inputs.C}}",
            "codeId": code_id,
            "computeId": f"{WS_ID}/computes/{compute}",
            "properties": {},
            "isArchived": False,
            "inputs": {"C": {"value": "0.8", "jobInputType": "literal"}},
            "outputs": {},
            "environmentId": "azureml:AzureML-sklearn-0.24-ubuntu18.04-py37-cpu:22",
            "tags": {"starter_run": values.PARENT_RUN_ID},
            "environmentVariables": {},
            "jobType": "Command",
            "experimentName": "obo_job",
        }
    }


def register_code(session: requests.Session) -> str:
    body = {
        "properties": {
            "codeUri": f"{ACCOUNT}:443/container/src",
            "isAnonymous": True,
            "properties": {"hash_sha256": "ab" * 32, "hash_version": 202208},
        }
    }
    session.put(
        f"{WS}/codes/code-1/versions/1?api-version=2023-04-01", json=body, headers=bearer(ARM)
    )
    return f"{WS_ID}/codes/code-1/versions/1"


def obo_token(azure: FakeAzure, session: requests.Session) -> requests.Response:
    return requests.get(f"{azure.obo_endpoint}?resource={KEY_VAULT}", timeout=10)


def kv_challenge(azure: FakeAzure, session: requests.Session) -> requests.Response:
    return session.get(f"{KV}/{values.SECRET_NAME}/?api-version=2026-04-01")


def kv_get(azure: FakeAzure, session: requests.Session) -> requests.Response:
    return session.get(
        f"{KV}/{values.SECRET_NAME}/?api-version=2026-04-01", headers=bearer(KEY_VAULT)
    )


def kv_not_found(azure: FakeAzure, session: requests.Session) -> requests.Response:
    return session.get(f"{KV}/missing/?api-version=2026-04-01", headers=bearer(KEY_VAULT))


def kv_forbidden(azure: FakeAzure, session: requests.Session) -> requests.Response:
    azure.grant(values.USER_OBJECT_ID, [])
    return session.get(
        f"{KV}/{values.SECRET_NAME}/?api-version=2026-04-01", headers=bearer(KEY_VAULT)
    )


def code_list_by_hash(azure: FakeAzure, session: requests.Session) -> requests.Response:
    url = f"{WS}/codes/x/versions?api-version=2023-04-01&hash={'0' * 64}&hashVersion=202208"
    return session.get(url, headers=bearer(ARM))


def code_start_pending_upload(azure: FakeAzure, session: requests.Session) -> requests.Response:
    url = f"{WS}/codes/x/versions/1/startPendingUpload?api-version=2023-04-01"
    return session.post(
        url, json={"pendingUploadType": "TemporaryBlobReference"}, headers=bearer(ARM)
    )


def code_put(azure: FakeAzure, session: requests.Session) -> requests.Response:
    body = {
        "properties": {
            "codeUri": f"{ACCOUNT}:443/container/src",
            "isAnonymous": True,
            "properties": {"hash_sha256": "ab" * 32, "hash_version": 202208},
        }
    }
    url = f"{WS}/codes/code-1/versions/1?api-version=2023-04-01"
    return session.put(url, json=body, headers=bearer(ARM))


def code_get(azure: FakeAzure, session: requests.Session) -> requests.Response:
    register_code(session)
    return session.get(f"{WS}/codes/code-1/versions/1?api-version=2023-04-01", headers=bearer(ARM))


def _blob_url(azure: FakeAzure, name: str) -> str:
    azure.blob.create_container(values.STORAGE_ACCOUNT, "container")
    return f"{ACCOUNT}/container/{name}?{container_sas(FakeSasUser(), container='container')}"


def blob_head_missing(azure: FakeAzure, session: requests.Session) -> requests.Response:
    return session.head(_blob_url(azure, "src/main.py"))


def blob_put(azure: FakeAzure, session: requests.Session) -> requests.Response:
    headers = {"x-ms-blob-type": "BlockBlob", "If-None-Match": "*"}
    return session.put(_blob_url(azure, "src/main.py"), data=b"print()", headers=headers)


def blob_set_metadata(azure: FakeAzure, session: requests.Session) -> requests.Response:
    url = _blob_url(azure, "src/main.py")
    session.put(url, data=b"print()", headers={"x-ms-blob-type": "BlockBlob"})
    return session.put(f"{url}&comp=metadata", headers={"x-ms-meta-upload_status": "completed"})


def blob_head_uploaded(azure: FakeAzure, session: requests.Session) -> requests.Response:
    response = blob_set_metadata(azure, session)
    assert response.status_code == 200
    return session.head(_blob_url(azure, "src/main.py"))


def job_put(azure: FakeAzure, session: requests.Session) -> requests.Response:
    body = job_body(code_id=register_code(session))
    return session.put(
        f"{WS}/jobs/child?api-version=2025-01-01-preview", json=body, headers=bearer(ARM)
    )


def job_get(azure: FakeAzure, session: requests.Session) -> requests.Response:
    job_put(azure, session)
    return session.get(f"{WS}/jobs/child?api-version=2024-01-01-preview", headers=bearer(ARM))


def job_unknown_compute(azure: FakeAzure, session: requests.Session) -> requests.Response:
    body = job_body(compute="testCompute")
    return session.put(
        f"{WS}/jobs/child?api-version=2025-01-01-preview", json=body, headers=bearer(ARM)
    )


def datastore_get(azure: FakeAzure, session: requests.Session) -> requests.Response:
    url = f"{WS}/datastores/workspaceblobstore?api-version=2024-07-01-preview"
    return session.get(url, headers=bearer(ARM))


def datastore_list_secrets(azure: FakeAzure, session: requests.Session) -> requests.Response:
    url = f"{WS}/datastores/workspaceblobstore/listSecrets?api-version=2024-07-01-preview"
    body = {"expirableSecret": True, "expireAfterHours": 1}
    return session.post(url, json=body, headers=bearer(ARM))


CASES: dict[str, tuple[Callable[[FakeAzure, requests.Session], requests.Response], Expected]] = {
    "obo token": (
        obo_token,
        Expected(
            200, keys={".": {"access_token", "expires_in", "expires_on", "resource", "token_type"}}
        ),
    ),
    "key vault challenge": (
        kv_challenge,
        Expected(
            401,
            headers=KEY_VAULT_HEADERS | {"WWW-Authenticate"},
            header_values={"Content-Type": "application/json; charset=utf-8"},
            keys={".": {"error"}, "error": {"code", "message"}},
        ),
    ),
    "key vault get secret": (
        kv_get,
        Expected(
            200,
            headers=KEY_VAULT_HEADERS,
            keys={".": {"value", "id", "attributes"}, "attributes": SECRET_ATTRIBUTES},
        ),
    ),
    "key vault secret not found": (
        kv_not_found,
        Expected(
            404, headers=KEY_VAULT_HEADERS, keys={".": {"error"}, "error": {"code", "message"}}
        ),
    ),
    "key vault forbidden": (
        kv_forbidden,
        Expected(
            403,
            headers=KEY_VAULT_HEADERS,
            keys={".": {"error"}, "error": {"code", "message", "innererror"}},
        ),
    ),
    "code list by hash": (
        code_list_by_hash,
        Expected(200, headers=ARM_HEADERS, keys={".": {"value"}}),
    ),
    "code start pending upload": (
        code_start_pending_upload,
        Expected(
            200,
            headers=ARM_HEADERS,
            keys={
                ".": {"blobReferenceForConsumption", "pendingUploadId", "pendingUploadType"},
                "blobReferenceForConsumption": {"blobUri", "storageAccountArmId", "credential"},
                "blobReferenceForConsumption.credential": {"credentialType", "sasUri"},
            },
        ),
    ),
    "code version put": (
        code_put,
        Expected(
            201,
            headers=ARM_HEADERS | {"Location"},
            keys={".": CODE_VERSION, "properties": CODE_PROPERTIES, "systemData": CODE_SYSTEM_DATA},
        ),
    ),
    "code version get": (
        code_get,
        Expected(
            200,
            headers=ARM_HEADERS,
            keys={".": CODE_VERSION, "properties": CODE_PROPERTIES, "systemData": CODE_SYSTEM_DATA},
        ),
    ),
    "blob head of missing blob": (
        blob_head_missing,
        Expected(404, headers=BLOB_HEADERS, header_values={"x-ms-error-code": "BlobNotFound"}),
    ),
    "blob put": (
        blob_put,
        Expected(
            201,
            headers=BLOB_HEADERS | {"ETag", "Last-Modified", "Content-MD5"},
            header_values={"x-ms-request-server-encrypted": "true"},
        ),
    ),
    "blob set metadata": (
        blob_set_metadata,
        Expected(200, headers=BLOB_HEADERS | {"ETag", "Last-Modified"}),
    ),
    "blob head of uploaded blob": (
        blob_head_uploaded,
        Expected(
            200,
            headers=BLOB_HEADERS
            | {"ETag", "Last-Modified", "Content-Length", "x-ms-creation-time"},
            header_values={"x-ms-blob-type": "BlockBlob", "x-ms-meta-upload_status": "completed"},
        ),
    ),
    "job put": (
        job_put,
        Expected(
            201,
            headers=ARM_HEADERS | {"Location"},
            keys={
                ".": {"id", "name", "type", "properties", "systemData"},
                "properties": COMMAND_JOB_PROPERTIES,
                "properties.services": {"Tracking", "Studio"},
                "properties.services.Studio": JOB_SERVICE,
                "systemData": {"createdAt", "createdBy", "createdByType"},
            },
        ),
    ),
    "job get": (
        job_get,
        Expected(
            200,
            headers=ARM_HEADERS,
            keys={".": {"id", "name", "type", "properties", "systemData"}},
        ),
    ),
    "job with unknown compute": (
        job_unknown_compute,
        Expected(
            400,
            headers=ARM_HEADERS,
            header_values={"x-ms-response-type": "error"},
            keys={".": {"error"}, "error": ARM_ERROR},
        ),
    ),
    "datastore get": (
        datastore_get,
        Expected(
            200,
            headers=ARM_HEADERS,
            keys={
                ".": {"id", "name", "type", "properties", "systemData"},
                "properties": {
                    "description",
                    "tags",
                    "properties",
                    "isDefault",
                    "credentials",
                    "subscriptionId",
                    "resourceGroup",
                    "datastoreType",
                    "accountName",
                    "containerName",
                    "endpoint",
                    "protocol",
                    "serviceDataAccessAuthIdentity",
                },
            },
        ),
    ),
    "datastore list secrets": (
        datastore_list_secrets,
        Expected(200, headers=ARM_HEADERS, keys={".": {"secretsType", "sasToken"}}),
    ),
}


def _at(body: Any, path: str) -> Any:
    for part in [] if path == "." else path.split("."):
        body = body[part]
    return body


@pytest.mark.parametrize("case", list(CASES))
def test_fake_answers_like_the_real_service(fake_azure: FakeAzure, case: str) -> None:
    call, expected = CASES[case]

    response = call(fake_azure, session_for(fake_azure))

    assert response.status_code == expected.status
    assert {name.lower() for name in expected.headers} <= {n.lower() for n in response.headers}
    for name, value in expected.header_values.items():
        assert response.headers.get(name) == value, name
    for path, keys in expected.keys.items():
        assert set(_at(response.json(), path)) == keys, path


def test_arm_error_carries_the_real_additional_info_and_inner_error(fake_azure: FakeAzure) -> None:
    response = job_unknown_compute(fake_azure, session_for(fake_azure))

    error = response.json()["error"]
    assert error["message"] == "Unknown compute target 'testCompute'."
    assert [item["type"] for item in error["additionalInfo"]] == [
        *ARM_ERROR_INFO_TYPES,
        "InnerError",
    ]
    assert error["additionalInfo"][-1]["info"]["value"] == {
        "code": "BadArgument",
        "innerError": {"code": "UnknownTargetType", "innerError": None},
    }


def test_pending_upload_sas_is_for_the_returned_container(fake_azure: FakeAzure) -> None:
    reference = code_start_pending_upload(fake_azure, session_for(fake_azure)).json()

    blob_uri = reference["blobReferenceForConsumption"]["blobUri"]
    sas_uri = reference["blobReferenceForConsumption"]["credential"]["sasUri"]
    container = blob_uri.rsplit("/", 1)[-1]
    assert container.startswith(f"{values.WORKSPACE_ID}-") and len(container) == 36 + 1 + 26
    assert sas_uri.split("?")[0].rsplit("/", 1)[-1] == container
    assert reference["blobReferenceForConsumption"]["credential"]["credentialType"] == "SAS"
