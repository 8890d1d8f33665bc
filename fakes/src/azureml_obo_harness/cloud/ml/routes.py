"""The AzureML control-plane HTTP layer on ``management.azure.com`` over :class:`MlBackend`.

Only what ``MLClient.jobs.create_or_update`` of a command job with local code needs (code
versions, ``startPendingUpload``, jobs, the default datastore). Every request needs a bearer token
for ``https://management.azure.com`` (with or without the trailing slash), else ARM's 401.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from azureml_obo_harness.cloud.http import (
    ServiceError,
    bearer_token,
    json_body,
    json_response,
    token_claims,
)
from azureml_obo_harness.cloud.ml.models import (
    DEFAULT_DATASTORE,
    PROVIDER,
    FakeSasUser,
    MlBackend,
    Workspace,
    container_sas,
    iso_now,
)
from azureml_obo_harness.cloud.service import FakeService, Handler

ARM_HOST = "management.azure.com"
ARM_AUDIENCES = frozenset(
    {
        "https://management.azure.com",
        "https://management.azure.com/",
        "https://management.core.windows.net",
        "https://management.core.windows.net/",
    }
)
WORKSPACE_PATH = (
    "/subscriptions/<subscription>/resourceGroups/<resource_group>"
    f"/providers/{PROVIDER}/workspaces/<workspace>"
)


class MlService(FakeService):
    """Code versions, jobs and datastores of the fake workspaces."""

    name = "ml"

    def __init__(self, backend: MlBackend) -> None:
        self.backend = backend

    def rules(self) -> list[Rule]:
        def rule(path: str, operation: str, method: str) -> Rule:
            return Rule(
                WORKSPACE_PATH + path, host=ARM_HOST, endpoint=f"ml/{operation}", methods=[method]
            )

        return [
            rule("/codes/<name>/versions", "list_code_versions", "GET"),
            rule("/codes/<name>/versions/<version>", "get_code_version", "GET"),
            rule("/codes/<name>/versions/<version>", "create_or_update_code_version", "PUT"),
            rule(
                "/codes/<name>/versions/<version>/startPendingUpload",
                "start_pending_upload",
                "POST",
            ),
            rule(
                "/environments/<name>/versions/<version>",
                "create_or_update_environment_version",
                "PUT",
            ),
            rule("/jobs", "list_jobs", "GET"),
            rule("/jobs/<name>", "get_job", "GET"),
            rule("/jobs/<name>", "create_or_update_job", "PUT"),
            rule("/jobs/<name>/cancel", "cancel_job", "POST"),
            rule("/datastores/<name>", "get_datastore", "GET"),
            rule("/datastores/<name>/listSecrets", "list_datastore_secrets", "POST"),
        ]

    def handlers(self) -> Mapping[str, Handler]:
        return {
            "ml/list_code_versions": self.list_code_versions,
            "ml/get_code_version": self.get_code_version,
            "ml/create_or_update_code_version": self.create_or_update_code_version,
            "ml/start_pending_upload": self.start_pending_upload,
            "ml/create_or_update_environment_version": self.create_or_update_environment_version,
            "ml/list_jobs": self.list_jobs,
            "ml/get_job": self.get_job,
            "ml/create_or_update_job": self.create_or_update_job,
            "ml/cancel_job": self.cancel_job,
            "ml/get_datastore": self.get_datastore,
            "ml/list_datastore_secrets": self.list_datastore_secrets,
        }

    def knows_host(self, host: str) -> bool:
        return host.lower() == ARM_HOST

    def render_error(self, error: ServiceError, request: Request) -> Response:
        body: dict[str, Any] = {"code": error.code, "message": error.message}
        if error.status != 401:  # ARM's front door answers 401s without the AzureML extras
            body["details"] = []
            body["additionalInfo"] = _additional_info(error.inner_codes)
        response = json_response({"error": body}, status=error.status, headers=error.headers)
        _decorate(response, response_type="error")
        return response

    # -- code versions ---------------------------------------------------------------------------

    def list_code_versions(self, request: Request, args: Mapping[str, Any]) -> Response:
        workspace, _ = self._authenticate(request, args)
        wanted_hash = request.args.get("hash")
        if wanted_hash:
            found = self.backend.find_code_by_hash(workspace, wanted_hash)
        else:
            found = list(workspace.codes.get(args["name"], {}).values())
        return _ok({"value": [code.as_resource() for code in found]})

    def get_code_version(self, request: Request, args: Mapping[str, Any]) -> Response:
        workspace, _ = self._authenticate(request, args)
        code = self.backend.get_code(workspace, args["name"], args["version"])
        return _ok(code.as_resource())

    def create_or_update_code_version(self, request: Request, args: Mapping[str, Any]) -> Response:
        workspace, user = self._authenticate(request, args)
        properties = _properties(request)
        code, created = self.backend.put_code(
            workspace, args["name"], args["version"], properties, user
        )
        return _ok(code.as_resource(), created=created, location=_location(request))

    def start_pending_upload(self, request: Request, args: Mapping[str, Any]) -> Response:
        workspace, _ = self._authenticate(request, args)
        body = _json(request)
        kind = body.get("pendingUploadType") if isinstance(body, dict) else None
        if kind != "TemporaryBlobReference":
            raise ServiceError(
                400,
                "UserError",
                f"pendingUploadType must be TemporaryBlobReference, got {kind!r}.",
                inner_codes=("BadArgument",),
            )
        claims = token_claims(bearer_token(request) or "") or {}
        sas_user = FakeSasUser(
            object_id=str(claims.get("oid", FakeSasUser.object_id)),
            tenant_id=str(claims.get("tid", FakeSasUser.tenant_id)),
        )
        return _ok(self.backend.start_pending_upload(workspace, user=sas_user))

    # -- environments ----------------------------------------------------------------------------

    def create_or_update_environment_version(
        self, request: Request, args: Mapping[str, Any]
    ) -> Response:
        """What submitting a job YAML with an inline environment (``image`` + ``conda_file``) does
        first: the environment is registered under its content hash, then referenced by id."""
        workspace, user = self._authenticate(request, args)
        key = (str(args["name"]), str(args["version"]))
        created = key not in workspace.environments
        workspace.environments[key] = _properties(request)
        now = iso_now()
        body = {
            "id": f"{workspace.arm_id}/environments/{key[0]}/versions/{key[1]}",
            "name": key[1],
            "type": f"{PROVIDER}/workspaces/environments/versions",
            "properties": {
                **workspace.environments[key],
                "environmentType": "UserCreated",
                "provisioningState": "Succeeded",
            },
            "systemData": {
                "createdAt": now,
                "createdBy": user,
                "createdByType": "User",
                "lastModifiedAt": now,
                "lastModifiedBy": user,
                "lastModifiedByType": "User",
            },
        }
        return _ok(body, created=created, location=_location(request))

    # -- jobs ------------------------------------------------------------------------------------

    def list_jobs(self, request: Request, args: Mapping[str, Any]) -> Response:
        workspace, _ = self._authenticate(request, args)
        return _ok({"value": [job.as_resource() for job in workspace.jobs.values()]})

    def get_job(self, request: Request, args: Mapping[str, Any]) -> Response:
        workspace, _ = self._authenticate(request, args)
        return _ok(self.backend.get_job(workspace, args["name"]).as_resource())

    def create_or_update_job(self, request: Request, args: Mapping[str, Any]) -> Response:
        workspace, user = self._authenticate(request, args)
        job, created = self.backend.put_job(workspace, args["name"], _properties(request), user)
        return _ok(job.as_resource(), created=created, location=_location(request))

    def cancel_job(self, request: Request, args: Mapping[str, Any]) -> Response:
        workspace, _ = self._authenticate(request, args)
        self.backend.set_job_status(workspace, args["name"], "Canceled")
        response = Response(b"", status=202)
        _decorate(response)
        return response

    # -- datastores ------------------------------------------------------------------------------

    def get_datastore(self, request: Request, args: Mapping[str, Any]) -> Response:
        workspace, _ = self._authenticate(request, args)
        return _ok(_datastore(workspace, _datastore_name(args["name"])))

    def list_datastore_secrets(self, request: Request, args: Mapping[str, Any]) -> Response:
        self._authenticate(request, args)
        _datastore_name(args["name"])
        claims = token_claims(bearer_token(request) or "") or {}
        sas = container_sas(
            FakeSasUser(str(claims.get("oid", FakeSasUser.object_id)), str(claims.get("tid", ""))),
            permissions="rcuwdl",
        )
        return _ok({"secretsType": "Sas", "sasToken": f"?{sas}"})

    # -- internals -------------------------------------------------------------------------------

    def _authenticate(self, request: Request, args: Mapping[str, Any]) -> tuple[Workspace, str]:
        """The workspace and the caller's display name, or ARM's 401/400/404."""
        token = bearer_token(request)
        if token is None:
            raise ServiceError(
                401,
                "AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is missing.",
                headers={
                    "WWW-Authenticate": 'Bearer authorization_uri="https://login.windows.net/", '
                    'error="invalid_token", error_description="The authentication failed '
                    "because of missing 'Authorization' header.\""
                },
            )
        claims = token_claims(token)
        if claims is None:
            raise ServiceError(401, "InvalidAuthenticationToken", "The access token is invalid.")
        audience = str(claims.get("aud", ""))
        if audience not in ARM_AUDIENCES:
            allowed = ",".join(f"'{item}'" for item in sorted(ARM_AUDIENCES))
            raise ServiceError(
                401,
                "InvalidAuthenticationTokenAudience",
                f"The access token has been obtained for wrong audience or resource '{audience}'. "
                f"It should exactly match with one of the allowed audiences {allowed}.",
            )
        if not request.args.get("api-version"):
            raise ServiceError(
                400,
                "MissingApiVersionParameter",
                "The api-version query parameter (?api-version=) is required for all requests.",
            )
        workspace = self.backend.workspace(
            args["subscription"], args["resource_group"], args["workspace"]
        )
        return workspace, str(claims.get("name") or claims.get("upn") or claims.get("oid", ""))


def _json(request: Request) -> Any:
    try:
        return json_body(request)
    except ValueError as error:
        raise ServiceError(
            400, "UserError", f"The request is invalid: {error}", inner_codes=("BadArgument",)
        ) from None


def _properties(request: Request) -> dict[str, Any]:
    body = _json(request)
    properties = body.get("properties") if isinstance(body, dict) else None
    if not isinstance(properties, dict):
        raise ServiceError(
            400,
            "UserError",
            "The request body must be a JSON object with 'properties'.",
            inner_codes=("BadArgument",),
        )
    return properties


def _datastore_name(name: str) -> str:
    if name != DEFAULT_DATASTORE:
        raise ServiceError(
            404,
            "UserError",
            f"Datastore {name} was not found in the workspace.",
            inner_codes=("NotFound", "DatastoreNotFound"),
        )
    return name


def _datastore(workspace: Workspace, name: str) -> dict[str, Any]:
    return {
        "id": f"{workspace.arm_id}/datastores/{name}",
        "name": name,
        "type": f"{PROVIDER}/workspaces/datastores",
        "properties": {
            "description": None,
            "tags": None,
            "properties": None,
            "isDefault": True,
            "credentials": {"credentialsType": "AccountKey"},
            "subscriptionId": workspace.subscription_id,
            "resourceGroup": workspace.resource_group,
            "datastoreType": "AzureBlob",
            "accountName": workspace.storage_account,
            "containerName": workspace.datastore_container,
            "endpoint": "core.windows.net",
            "protocol": "https",
            "serviceDataAccessAuthIdentity": "WorkspaceSystemAssignedIdentity",
        },
        "systemData": {
            "createdAt": "2026-01-01T00:00:00+00:00",
            "lastModifiedAt": "2026-01-01T00:00:00+00:00",
            "lastModifiedBy": "fake-workspace-identity",
            "lastModifiedByType": "Application",
        },
    }


def _location(request: Request) -> str:
    return f"https://{ARM_HOST}{request.full_path.rstrip('?')}"


def _ok(body: Any, *, created: bool = False, location: str | None = None) -> Response:
    response = json_response(body, status=201 if created else 200)
    if created and location:
        response.headers["Location"] = location
    _decorate(response)
    return response


def _decorate(response: Response, *, response_type: str = "standard") -> None:
    correlation = str(uuid.uuid4())
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Pragma"] = "no-cache"
    response.headers["Expires"] = "-1"
    response.headers["x-ms-correlation-request-id"] = correlation
    response.headers["x-ms-routing-request-id"] = f"EASTUS:{stamp}:{correlation}"
    response.headers["x-ms-response-type"] = response_type
    response.headers["azureml-served-by-cluster"] = "fake-eastus-01"
    response.headers["x-request-time"] = "0.001"


def _additional_info(inner_codes: tuple[str, ...]) -> list[dict[str, Any]]:
    now = datetime.now(timezone.utc).isoformat()
    info: list[dict[str, Any]] = [
        {"type": "ComponentName", "info": {"value": "managementfrontend"}},
        {
            "type": "Correlation",
            "info": {"value": {"operation": uuid.uuid4().hex, "request": uuid.uuid4().hex[:16]}},
        },
        {"type": "Environment", "info": {"value": "eastus"}},
        {"type": "Location", "info": {"value": "eastus"}},
        {"type": "Time", "info": {"value": now}},
    ]
    if inner_codes:
        chain: dict[str, Any] | None = None
        for code in reversed(inner_codes):
            chain = {"code": code, "innerError": chain}
        info.append({"type": "InnerError", "info": {"value": chain}})
    return info
