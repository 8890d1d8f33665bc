"""AzureML workspace state with no HTTP: computes, code versions, jobs and the default datastore.

The rules are the service's as far as ``MLClient.jobs.create_or_update`` can see them: code
versions are found by content hash across names, a job's compute must exist (else the real 400
``Unknown compute target``), and a PUT for an existing job name returns that job instead of
creating a second one. Resources render to the JSON the service returns (``as_resource``).
"""

from __future__ import annotations

import secrets
import string
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote, urlencode

from azureml_obo_harness import values
from azureml_obo_harness.cloud.blob import sas
from azureml_obo_harness.cloud.blob.models import BlobBackend
from azureml_obo_harness.cloud.http import ServiceError, not_modelled
from azureml_obo_harness.cloud.ml.assets import CURATED_ENVIRONMENTS, AssetVersion
from azureml_obo_harness.cloud.ml.job_shapes import shaped
from azureml_obo_harness.cloud.ml.jobs import submit_job
from azureml_obo_harness.cloud.ml.lifecycle import JobError, JobLifecycle, JobTimeline, MlClock

PROVIDER = "Microsoft.MachineLearningServices"
DEFAULT_DATASTORE = "workspaceblobstore"


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


@dataclass(frozen=True)
class Creator:
    """The ids of the user who submitted a job, from their token (``oid``, ``tid``); a job put
    through the backend without a token is the fake's default user's."""

    object_id: str = values.DEFAULT_USER.object_id
    tenant_id: str = values.DEFAULT_USER.tenant_id

    @classmethod
    def of(cls, claims: dict[str, Any]) -> Creator:
        return cls(
            str(claims.get("oid") or values.DEFAULT_USER.object_id),
            str(claims.get("tid") or values.DEFAULT_USER.tenant_id),
        )


@dataclass
class Job:
    """A submitted job: what was asked (``definition``), what the service added, how it moves."""

    workspace: Workspace
    name: str
    properties: dict[str, Any]
    created_at: str
    created_by: str
    lifecycle: JobLifecycle
    definition: dict[str, Any] = field(default_factory=dict)
    """The properties of the PUT that created it, to compare a later PUT with."""
    submissions: int = 1
    """PUTs of this name the service accepted (the first included); see
    :meth:`MlBackend.job_submissions` for every PUT received."""
    step_of: str | None = None
    """The pipeline job whose node this job is the step run of
    (:mod:`~azureml_obo_harness.cloud.ml.pipeline_steps`), else None."""
    unmodelled_nodes: tuple[str, ...] = ()
    """A pipeline's nodes of a type the fake makes no step run for (``type`` values)."""
    creator: Creator = field(default_factory=Creator)
    """Who submitted it, by the ids of their token (run history's ``createdBy``)."""

    @property
    def id(self) -> str:
        return f"{self.workspace.arm_id}/jobs/{self.name}"

    @property
    def status(self) -> str:
        return self.lifecycle.status()

    @property
    def compute(self) -> str:
        return str(self.properties.get("computeId", "")).rsplit("/", 1)[-1]

    @property
    def parent(self) -> str | None:
        """The parent job's name (``properties.parentJobName``), if it has one."""
        value = self.properties.get("parentJobName")
        return None if value is None else str(value)

    @property
    def archived(self) -> bool:
        return bool(self.properties.get("isArchived"))

    def as_resource(self, api_version: str | None = None) -> dict[str, Any]:
        """The job JSON of a GET/PUT/list response at ``api_version`` (the fields differ by
        version: :mod:`~azureml_obo_harness.cloud.ml.job_shapes`), with its status as of now. A
        pipeline's step run has no ``properties`` through ARM, as the service answers it."""
        system_data = {
            "createdAt": self.created_at,
            "createdBy": self.created_by,
            "createdByType": "User",
        }
        if self.step_of is not None:
            kind = f"{PROVIDER}/workspaces/jobs"
            return {"id": self.id, "name": self.name, "type": kind, "systemData": system_data}
        properties = shaped(self.properties, api_version)
        properties["status"] = self.status
        return {
            "id": self.id,
            "name": self.name,
            "type": f"{PROVIDER}/workspaces/jobs",
            "properties": properties,
            "systemData": system_data,
        }


@dataclass
class Workspace:
    """One AzureML workspace and what lives in it."""

    subscription_id: str = values.SUBSCRIPTION_ID
    resource_group: str = values.RESOURCE_GROUP
    name: str = values.WORKSPACE_NAME
    workspace_id: str = values.WORKSPACE_ID
    location: str = "eastus"
    tenant_id: str = values.TENANT_ID
    storage_account: str = values.STORAGE_ACCOUNT
    computes: set[str] = field(default_factory=lambda: {values.COMPUTE_NAME})
    codes: dict[str, dict[str, CodeVersion]] = field(default_factory=dict)
    jobs: dict[str, Job] = field(default_factory=dict)
    assets: dict[tuple[str, str, str], AssetVersion] = field(default_factory=dict)
    """(kind, name, version) -> a model, data or environment version (``kind`` is the URL's
    collection: ``models``, ``data``, ``environments``)."""
    submissions: dict[str, int] = field(default_factory=dict)
    """Job name -> every PUT of it the service received, accepted or refused."""
    failures: dict[str, JobError] = field(default_factory=dict)
    """Job name -> how it is to fail, set before (or after) it is submitted."""
    timeline: JobTimeline = field(default_factory=JobTimeline)

    @property
    def region_host(self) -> str:
        """The workspace's regional AzureML host (discovery, run history)."""
        return f"{self.location}.api.azureml.ms"

    @property
    def artifact_container(self) -> str:
        """The ``workspaceartifactstore`` datastore's container, ``azureml``."""
        return "azureml"

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
        self.clock = MlClock()
        self.page_size = 100
        """Items per page of a list (jobs, run children, assets); the rest come by ``nextLink``."""
        self.workspaces: dict[tuple[str, str, str], Workspace] = {}
        self._lock = threading.RLock()

    @property
    def lock(self) -> threading.RLock:
        """The lock every change of the workspaces' state holds (the server is threaded)."""
        return self._lock

    def add_workspace(self, workspace: Workspace) -> Workspace:
        """Register ``workspace`` and create its storage account and datastore container."""
        with self._lock:
            key = _key(workspace.subscription_id, workspace.resource_group, workspace.name)
            self.workspaces[key] = workspace
            self.blob.create_container(workspace.storage_account, workspace.datastore_container)
            self.blob.create_container(workspace.storage_account, workspace.artifact_container)
            for (name, version), properties in CURATED_ENVIRONMENTS.items():
                key = ("environments", name, version)
                workspace.assets.setdefault(
                    key, AssetVersion(*key, dict(properties), iso_now(), "azureml")
                )
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
        sas_query = container_sas(user, container=container, account=account)
        return {
            "blobReferenceForConsumption": {
                "blobUri": f"https://{account}.blob.core.windows.net:443/{container}",
                "storageAccountArmId": (
                    f"/subscriptions/{workspace.subscription_id}/resourceGroups/"
                    f"{workspace.resource_group}/providers/Microsoft.Storage/storageAccounts/{account}"
                ),
                "credential": {
                    "credentialType": "SAS",
                    "sasUri": f"https://{account}.blob.core.windows.net/{container}?{sas_query}",
                },
            },
            "pendingUploadId": secrets.token_hex(16),
            "pendingUploadType": "None",
        }

    # -- jobs ------------------------------------------------------------------------------------

    def put_job(
        self,
        workspace: Workspace,
        name: str,
        properties: dict[str, Any],
        user: str,
        *,
        creator: Creator | None = None,
    ) -> tuple[Job, bool]:
        """Submit job ``name`` (see :func:`~azureml_obo_harness.cloud.ml.jobs.submit_job`) as
        ``user`` (a display name), whose token's ids are ``creator``."""
        with self._lock:
            return submit_job(
                workspace,
                name,
                properties,
                user,
                clock=self.clock,
                created_at=iso_now(),
                code_exists=lambda code_id: self._code_exists(workspace, code_id),
                creator=creator or Creator(),
            )

    def job_submissions(self, workspace: Workspace, name: str) -> int:
        """How many PUTs of job ``name`` the service received, accepted or refused."""
        with self._lock:
            return workspace.submissions.get(name, 0)

    def fail_job(self, workspace: Workspace, name: str, error: JobError) -> None:
        """Make job ``name`` end ``Failed`` with ``error``: before it is submitted, or while it
        runs (a job that has ended keeps its status)."""
        with self._lock:
            workspace.failures[name] = error
            job = workspace.jobs.get(name)
            if job is not None:
                for each in _with_steps(workspace, job):
                    each.lifecycle.error = error

    def finish_jobs(self, workspace: Workspace) -> None:
        """Every job of ``workspace`` that has not ended reaches its outcome now."""
        with self._lock:
            for job in workspace.jobs.values():
                job.lifecycle.finish_now()

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
        """Pin a job's status (``Running``, ``Completed``, ``Failed``...), for tests."""
        with self._lock:
            for each in _with_steps(workspace, self.get_job(workspace, name)):
                each.lifecycle.force(status)

    def cancel_job(self, workspace: Workspace, name: str) -> Job:
        """Cancel job ``name`` (a job that has ended is left as it is); 404 if there is none."""
        with self._lock:
            job = self.get_job(workspace, name)
            if job.step_of is not None:
                raise not_modelled(
                    "ml",
                    "Jobs_Cancel / ml/cancel_job",
                    f"for {name}, a step run of pipeline {job.step_of} (how the service answers "
                    "is not in the recordings it follows); cancel the pipeline.",
                )
            for each in _with_steps(workspace, job):
                each.lifecycle.cancel()
            return job

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


def container_sas(
    user: FakeSasUser,
    *,
    container: str,
    account: str = values.STORAGE_ACCOUNT,
    permissions: str = "rcwl",
) -> str:
    """A user delegation SAS for ``container`` (query string without ``?``), shaped as the real
    AzureML hands it out (the recorded ``sasUri``: ``skoid``..``skv``, ``sv=2021-10-04``,
    ``sr=c``) and signed with the fake's user delegation key, so the fake Blob service verifies it
    (:mod:`azureml_obo_harness.cloud.blob.sas`)."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    start, expiry = now - timedelta(minutes=5), now + timedelta(hours=8)
    fields = {
        "skoid": user.object_id,
        "sktid": user.tenant_id,
        "skt": _sas_time(start),
        "ske": _sas_time(expiry),
        "sks": "b",
        "skv": "2019-07-07",
        "sv": "2021-10-04",
        "st": _sas_time(start),
        "se": _sas_time(expiry),
        "sr": "c",
        "sp": permissions,
    }
    text = sas.string_to_sign(fields, sas.Target(account, container, ""), delegated=True)
    fields["sig"] = sas.sign(values.USER_DELEGATION_KEY, text)
    return urlencode(fields, quote_via=quote, safe="")


def account_sas(*, account: str = values.STORAGE_ACCOUNT, permissions: str = "rcuwdl") -> str:
    """An account SAS for the Blob service's containers and blobs (query string without ``?``),
    shaped as AzureML's ``listSecrets`` hands one out for the default datastore (the recorded
    blob requests carry ``sv``, ``se``, ``srt=co``, ``ss=bf``, ``sp=rcuwdl``, ``sig``) and signed
    with the account key, so the fake Blob service verifies it."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    fields = {
        "sv": "2021-10-04",
        "se": _sas_time(now + timedelta(hours=8)),
        "srt": "co",
        "ss": "bf",
        "sp": permissions,
    }
    text = sas.account_string_to_sign(fields, account)
    fields["sig"] = sas.sign(values.STORAGE_ACCOUNT_KEY, text)
    return urlencode(fields, quote_via=quote, safe="")


def _sas_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def user_error(status: int, message: str, *, inner: tuple[str, ...]) -> ServiceError:
    """ARM's ``UserError`` with an inner error chain (``BadArgument``/``UnknownTargetType``...)."""
    return ServiceError(status, "UserError", message, inner_codes=inner)


def _with_steps(workspace: Workspace, job: Job) -> list[Job]:
    """``job`` and, for a pipeline, its step runs: a pipeline's cancel, failure or pinned status
    is its steps' too (the recorded failed pipeline's steps had failed with it)."""
    return [job, *(each for each in workspace.jobs.values() if each.step_of == job.name)]


def _key(subscription_id: str, resource_group: str, name: str) -> tuple[str, str, str]:
    return subscription_id.lower(), resource_group.lower(), name.lower()
