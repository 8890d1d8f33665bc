"""AzureML workspace state with no HTTP: computes, code versions, jobs and the default datastore.

The rules are the service's as far as ``MLClient.jobs.create_or_update`` can see them: code
versions are found by content hash across names, a job's compute must exist (else the real 400
``Unknown compute target``), and a PUT for an existing job name returns that job instead of
creating a second one. Resources render to the JSON the service returns (``as_resource``).
"""

from __future__ import annotations

import copy
import secrets
import string
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from azureml_obo_harness import values
from azureml_obo_harness.cloud.blob.models import BlobBackend
from azureml_obo_harness.cloud.http import ServiceError
from azureml_obo_harness.cloud.ml.job_properties import job_properties

PROVIDER = "Microsoft.MachineLearningServices"
DEFAULT_DATASTORE = "workspaceblobstore"
FAKE_SAS_SIGNATURE = "ZmFrZS1zYXMtc2lnbmF0dXJl"
"""The ``sig`` of every SAS the fake hands out (base64 of ``fake-sas-signature``)."""


def iso_now() -> str:
    """The current time the way ARM writes it in ``systemData``."""
    return datetime.now(timezone.utc).isoformat()


@dataclass
class CodeVersion:
    """A registered code asset version: where the code was uploaded and its content hash."""

    workspace: Workspace
    name: str
    version: str
    properties: dict[str, Any]
    created_at: str
    created_by: str

    @property
    def id(self) -> str:
        return f"{self.workspace.arm_id}/codes/{self.name}/versions/{self.version}"

    @property
    def hash_sha256(self) -> str | None:
        value = (self.properties.get("properties") or {}).get("hash_sha256")
        return None if value is None else str(value)

    def as_resource(self) -> dict[str, Any]:
        """The code version JSON of a GET/PUT response."""
        given = self.properties
        inner = {key: str(value) for key, value in (given.get("properties") or {}).items()}
        return {
            "id": self.id,
            "name": self.version,
            "type": f"{PROVIDER}/workspaces/codes/versions",
            "properties": {
                "description": given.get("description"),
                "tags": given.get("tags") or {},
                "properties": inner,
                "isArchived": bool(given.get("isArchived", False)),
                "isAnonymous": bool(given.get("isAnonymous", False)),
                "codeUri": given.get("codeUri"),
                "provisioningState": "Succeeded",
            },
            "systemData": {
                "createdAt": self.created_at,
                "createdBy": self.created_by,
                "createdByType": "User",
                "lastModifiedAt": self.created_at,
                "lastModifiedBy": self.created_by,
                "lastModifiedByType": "User",
            },
        }


@dataclass
class Job:
    """A submitted job: the response properties, and how many PUTs named it."""

    workspace: Workspace
    name: str
    properties: dict[str, Any]
    created_at: str
    created_by: str
    submissions: int = 1

    @property
    def id(self) -> str:
        return f"{self.workspace.arm_id}/jobs/{self.name}"

    @property
    def status(self) -> str:
        return str(self.properties.get("status"))

    @property
    def compute(self) -> str:
        return str(self.properties.get("computeId", "")).rsplit("/", 1)[-1]

    def as_resource(self) -> dict[str, Any]:
        """The job JSON of a GET/PUT response."""
        return {
            "id": self.id,
            "name": self.name,
            "type": f"{PROVIDER}/workspaces/jobs",
            "properties": copy.deepcopy(self.properties),
            "systemData": {
                "createdAt": self.created_at,
                "createdBy": self.created_by,
                "createdByType": "User",
            },
        }


@dataclass
class Workspace:
    """One AzureML workspace and what lives in it."""

    subscription_id: str = values.SUBSCRIPTION_ID
    resource_group: str = values.RESOURCE_GROUP
    name: str = values.WORKSPACE_NAME
    workspace_id: str = values.WORKSPACE_ID
    location: str = "eastus"
    storage_account: str = values.STORAGE_ACCOUNT
    computes: set[str] = field(default_factory=lambda: {values.COMPUTE_NAME})
    codes: dict[str, dict[str, CodeVersion]] = field(default_factory=dict)
    jobs: dict[str, Job] = field(default_factory=dict)
    environments: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    """(name, version) -> the properties of a registered environment version (a job YAML's
    inline ``image``/``conda_file`` becomes ``CliV2AnonymousEnvironment/<content hash>``)."""

    @property
    def arm_id(self) -> str:
        return (
            f"/subscriptions/{self.subscription_id}/resourceGroups/{self.resource_group}"
            f"/providers/{PROVIDER}/workspaces/{self.name}"
        )

    @property
    def datastore_container(self) -> str:
        """The default datastore's container, ``azureml-blobstore-{workspaceId}``."""
        return f"azureml-blobstore-{self.workspace_id}"

    def code_versions(self) -> list[CodeVersion]:
        """Every registered code version, in registration order."""
        return [version for versions in self.codes.values() for version in versions.values()]


class MlBackend:
    """All fake workspaces, keyed by (subscription, resource group, name), case-insensitively."""

    def __init__(self, blob: BlobBackend) -> None:
        self.blob = blob
        self.workspaces: dict[tuple[str, str, str], Workspace] = {}
        self._lock = threading.RLock()

    def add_workspace(self, workspace: Workspace) -> Workspace:
        """Register ``workspace`` and create its storage account and datastore container."""
        with self._lock:
            key = _key(workspace.subscription_id, workspace.resource_group, workspace.name)
            self.workspaces[key] = workspace
            self.blob.create_container(workspace.storage_account, workspace.datastore_container)
            return workspace

    def workspace(self, subscription_id: str, resource_group: str, name: str) -> Workspace:
        """The workspace, or ARM's 404 ``ResourceNotFound``."""
        found = self.workspaces.get(_key(subscription_id, resource_group, name))
        if found is None:
            raise ServiceError(
                404,
                "ResourceNotFound",
                f"The Resource '{PROVIDER}/workspaces/{name}' under resource group "
                f"'{resource_group}' was not found.",
            )
        return found

    # -- code ------------------------------------------------------------------------------------

    def find_code_by_hash(self, workspace: Workspace, hash_sha256: str) -> list[CodeVersion]:
        """Code versions with this content hash, whatever their name (the service matches so)."""
        with self._lock:
            return [code for code in workspace.code_versions() if code.hash_sha256 == hash_sha256]

    def get_code(self, workspace: Workspace, name: str, version: str) -> CodeVersion:
        """The code version, or the service's 404."""
        with self._lock:
            found = workspace.codes.get(name, {}).get(version)
            if found is None:
                raise user_error(
                    404,
                    f"Could not find asset with name {name} and version {version}.",
                    inner=("NotFound", "AssetNotFound"),
                )
            return found

    def put_code(
        self, workspace: Workspace, name: str, version: str, properties: dict[str, Any], user: str
    ) -> tuple[CodeVersion, bool]:
        """Register (or update) a code version; returns it and whether it is new."""
        if not isinstance(properties.get("codeUri"), str):
            raise user_error(400, "The field codeUri is required.", inner=("BadArgument",))
        with self._lock:
            versions = workspace.codes.setdefault(name, {})
            existing = versions.get(version)
            if existing is not None:
                existing.properties = properties
                return existing, False
            code = CodeVersion(workspace, name, version, properties, iso_now(), user)
            versions[version] = code
            return code, True

    def start_pending_upload(self, workspace: Workspace, *, user: FakeSasUser) -> dict[str, Any]:
        """A fresh upload container and a SAS for it (``TemporaryBlobReference``)."""
        alphabet = string.ascii_lowercase + string.digits
        suffix = "".join(secrets.choice(alphabet) for _ in range(26))
        container = f"{workspace.workspace_id}-{suffix}"
        self.blob.create_container(workspace.storage_account, container)
        account = workspace.storage_account
        sas = container_sas(user)
        return {
            "blobReferenceForConsumption": {
                "blobUri": f"https://{account}.blob.core.windows.net:443/{container}",
                "storageAccountArmId": (
                    f"/subscriptions/{workspace.subscription_id}/resourceGroups/"
                    f"{workspace.resource_group}/providers/Microsoft.Storage/storageAccounts/{account}"
                ),
                "credential": {
                    "credentialType": "SAS",
                    "sasUri": f"https://{account}.blob.core.windows.net/{container}?{sas}",
                },
            },
            "pendingUploadId": secrets.token_hex(16),
            "pendingUploadType": "None",
        }

    # -- jobs ------------------------------------------------------------------------------------

    def put_job(
        self, workspace: Workspace, name: str, properties: dict[str, Any], user: str
    ) -> tuple[Job, bool]:
        """Submit job ``name``; a name that exists returns that job (mutable fields updated)."""
        if not properties.get("jobType"):
            raise user_error(400, "The field jobType is required.", inner=("BadArgument",))
        with self._lock:
            existing = workspace.jobs.get(name)
            if existing is not None:
                for mutable in ("tags", "description", "displayName"):
                    if mutable in properties:
                        existing.properties[mutable] = properties[mutable]
                existing.submissions += 1
                return existing, False
            compute = str(properties.get("computeId") or "").rsplit("/", 1)[-1]
            if compute and compute not in workspace.computes:
                raise user_error(
                    400,
                    f"Unknown compute target '{compute}'.",
                    inner=("BadArgument", "UnknownTargetType"),
                )
            code_id = properties.get("codeId")
            if code_id and not self._code_exists(workspace, str(code_id)):
                raise user_error(
                    400,
                    f"Code asset {code_id} was not found in the workspace.",
                    inner=("BadArgument", "AssetNotFound"),
                )
            job = Job(workspace, name, job_properties(workspace, name, properties), iso_now(), user)
            workspace.jobs[name] = job
            return job, True

    def get_job(self, workspace: Workspace, name: str) -> Job:
        """The job, or the service's 404 ``JobNotFound``."""
        with self._lock:
            found = workspace.jobs.get(name)
            if found is None:
                raise user_error(
                    404,
                    f"Not found: job {name} does not exist in the workspace.",
                    inner=("NotFound", "JobNotFound"),
                )
            return found

    def set_job_status(self, workspace: Workspace, name: str, status: str) -> None:
        """Move a job to ``status`` (``Running``, ``Completed``, ``Failed``...), for tests."""
        with self._lock:
            self.get_job(workspace, name).properties["status"] = status

    def _code_exists(self, workspace: Workspace, code_id: str) -> bool:
        parts = code_id.rstrip("/").split("/")
        if len(parts) < 4 or parts[-4] != "codes" or parts[-2] != "versions":
            return True  # a registry or arm-less reference: not ours to check
        return parts[-1] in workspace.codes.get(parts[-3], {})


@dataclass(frozen=True)
class FakeSasUser:
    """Who a SAS is delegated for (``skoid``/``sktid``)."""

    object_id: str = values.USER_OBJECT_ID
    tenant_id: str = values.TENANT_ID


def container_sas(user: FakeSasUser, *, permissions: str = "rcwl") -> str:
    """A user-delegation-SAS-shaped query string (without ``?``) whose ``sig`` is fake."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    start, expiry = now - timedelta(minutes=5), now + timedelta(hours=8)

    def stamp(moment: datetime) -> str:
        return moment.strftime("%Y-%m-%dT%H%%3A%M%%3A%SZ")

    return (
        f"skoid={user.object_id}&sktid={user.tenant_id}&skt={stamp(start)}&ske={stamp(expiry)}"
        f"&sks=b&skv=2019-07-07&sv=2021-10-04&st={stamp(start)}&se={stamp(expiry)}&sr=c"
        f"&sp={permissions}&sig={FAKE_SAS_SIGNATURE}"
    )


def user_error(status: int, message: str, *, inner: tuple[str, ...]) -> ServiceError:
    """ARM's ``UserError`` with an inner error chain (``BadArgument``/``UnknownTargetType``...)."""
    return ServiceError(status, "UserError", message, inner_codes=inner)


def _key(subscription_id: str, resource_group: str, name: str) -> tuple[str, str, str]:
    return subscription_id.lower(), resource_group.lower(), name.lower()
