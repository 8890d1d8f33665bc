"""The AzureML control-plane HTTP layer on ``management.azure.com`` over :class:`MlBackend`, and
(through :mod:`.run_history`) the workspace's regional host ``<region>.api.azureml.ms``.

ARM operations: the workspace, computes, datastores, code/model/data/environment versions, jobs
(create, get, list, cancel) and the cancel's operation status. Every request needs a bearer token
for ``https://management.azure.com`` (with or without the trailing slash), else ARM's 401, and an
api-version the REST specs publish (:mod:`azureml_obo_harness.cloud.api_versions.ml`), else ARM's
400 ``NoRegisteredProviderFound``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from azureml_obo_harness import values
from azureml_obo_harness.cloud.http import ServiceError, bearer_token, token_claims
from azureml_obo_harness.cloud.ml import arm
from azureml_obo_harness.cloud.ml.arm import ARM_HOST, WORKSPACE_PATH, authenticate, ok
from azureml_obo_harness.cloud.ml.asset_routes import AssetRoutes
from azureml_obo_harness.cloud.ml.jobs import select_jobs
from azureml_obo_harness.cloud.ml.models import (
    PROVIDER,
    Creator,
    FakeSasUser,
    MlBackend,
    account_sas,
)
from azureml_obo_harness.cloud.ml.run_history import REGIONAL_HOST, RunHistoryRoutes
from azureml_obo_harness.cloud.ml.workspace import (
    DATASTORES,
    DEFAULT_DATASTORE,
    compute_resource,
    datastore_resource,
    workspace_resource,
)
from azureml_obo_harness.cloud.service import FakeService, Handler, fixed_rules

OPERATIONS_PATH = (
    f"/subscriptions/<subscription>/providers/{PROVIDER}/locations/<location>/<any("
    "mfeOperationsStatus, mfeOperationResults):kind>/<operation>"
)

REST_OPERATIONS = {
    "ml/get_workspace": "Workspaces_Get",
    "ml/list_computes": "Compute_List",
    "ml/get_compute": "Compute_Get",
    "ml/list_datastores": "Datastores_List",
    "ml/get_datastore": "Datastores_Get",
    "ml/list_datastore_secrets": "Datastores_ListSecrets",
    "ml/list_code_versions": "CodeVersions_List",
    "ml/get_code_version": "CodeVersions_Get",
    "ml/create_or_update_code_version": "CodeVersions_CreateOrUpdate",
    "ml/start_pending_upload": "CodeVersions_CreateOrGetStartPendingUpload",
    "ml/list_jobs": "Jobs_List",
    "ml/get_job": "Jobs_Get",
    "ml/create_or_update_job": "Jobs_CreateOrUpdate",
    "ml/cancel_job": "Jobs_Cancel",
}
"""Each ARM operation's REST operationId (``specification/machinelearningservices``)."""


class MlService(FakeService):
    """The fake workspaces' ARM control plane and regional services."""

    name = "ml"
    tls_hostnames = (ARM_HOST, f"*.{REGIONAL_HOST}")

    def __init__(self, backend: MlBackend) -> None:
        self.backend = backend
        self.assets = AssetRoutes(backend)
        self.run_history = RunHistoryRoutes(backend)

    @fixed_rules
    def rules(self) -> list[Rule]:
        def rule(path: str, operation: str, method: str) -> Rule:
            return Rule(
                WORKSPACE_PATH + path, host=ARM_HOST, endpoint=f"ml/{operation}", methods=[method]
            )

        return [
            rule("", "get_workspace", "GET"),
            rule("/computes", "list_computes", "GET"),
            rule("/computes/<name>", "get_compute", "GET"),
            rule("/codes/<name>/versions", "list_code_versions", "GET"),
            rule("/codes/<name>/versions/<version>", "get_code_version", "GET"),
            rule("/codes/<name>/versions/<version>", "create_or_update_code_version", "PUT"),
            rule(
                "/codes/<name>/versions/<version>/startPendingUpload",
                "start_pending_upload",
                "POST",
            ),
            *self.assets.rules(),
            rule("/jobs", "list_jobs", "GET"),
            rule("/jobs/<name>", "get_job", "GET"),
            rule("/jobs/<name>", "create_or_update_job", "PUT"),
            rule("/jobs/<name>/cancel", "cancel_job", "POST"),
            rule("/datastores", "list_datastores", "GET"),
            rule("/datastores/<name>", "get_datastore", "GET"),
            rule("/datastores/<name>/listSecrets", "list_datastore_secrets", "POST"),
            Rule(OPERATIONS_PATH, host=ARM_HOST, endpoint="ml/get_operation", methods=["GET"]),
            *self.run_history.rules(),
        ]

    def handlers(self) -> Mapping[str, Handler]:
        return {
            "ml/get_workspace": self.get_workspace,
            "ml/list_computes": self.list_computes,
            "ml/get_compute": self.get_compute,
            "ml/list_code_versions": self.list_code_versions,
            "ml/get_code_version": self.get_code_version,
            "ml/create_or_update_code_version": self.create_or_update_code_version,
            "ml/start_pending_upload": self.start_pending_upload,
            **self.assets.handlers(),
            "ml/list_jobs": self.list_jobs,
            "ml/get_job": self.get_job,
            "ml/create_or_update_job": self.create_or_update_job,
            "ml/cancel_job": self.cancel_job,
            "ml/get_operation": self.get_operation,
            "ml/list_datastores": self.list_datastores,
            "ml/get_datastore": self.get_datastore,
            "ml/list_datastore_secrets": self.list_datastore_secrets,
            **self.run_history.handlers(),
        }

    def rest_operations(self) -> Mapping[str, str]:
        """Each operation's REST operationId (ARM's from the REST specs; run history's by path)."""
        return {
            **REST_OPERATIONS,
            **self.assets.rest_operations(),
            **self.run_history.rest_operations(),
        }

    def knows_host(self, host: str) -> bool:
        host = host.lower()
        return host == ARM_HOST or self.run_history.knows_host(host)

    def render_error(self, error: ServiceError, request: Request) -> Response:
        return arm.render_error(error)

    # -- workspace, computes ---------------------------------------------------------------------

    def get_workspace(self, request: Request, args: Mapping[str, Any]) -> Response:
        workspace, _ = authenticate(self.backend, request, args)
        return ok(workspace_resource(workspace))

    def list_computes(self, request: Request, args: Mapping[str, Any]) -> Response:
        workspace, _ = authenticate(self.backend, request, args)
        computes = [compute_resource(workspace, name) for name in sorted(workspace.computes)]
        return ok(arm.page(request, computes, page_size=self.backend.page_size))

    def get_compute(self, request: Request, args: Mapping[str, Any]) -> Response:
        workspace, _ = authenticate(self.backend, request, args)
        name = str(args["name"])
        if name not in workspace.computes:
            raise ServiceError(
                404,
                "ResourceNotFound",
                f"The Resource '{PROVIDER}/workspaces/{workspace.name}/computes/{name}' under "
                f"resource group '{workspace.resource_group}' was not found.",
            )
        return ok(compute_resource(workspace, name))

    # -- code versions ---------------------------------------------------------------------------

    def list_code_versions(self, request: Request, args: Mapping[str, Any]) -> Response:
        workspace, _ = authenticate(self.backend, request, args)
        wanted_hash = request.args.get("hash")
        if wanted_hash:
            found = self.backend.find_code_by_hash(workspace, wanted_hash)
        else:
            found = list(workspace.codes.get(args["name"], {}).values())
        return ok({"value": [code.as_resource() for code in found]})

    def get_code_version(self, request: Request, args: Mapping[str, Any]) -> Response:
        workspace, _ = authenticate(self.backend, request, args)
        code = self.backend.get_code(workspace, args["name"], args["version"])
        return ok(code.as_resource())

    def create_or_update_code_version(self, request: Request, args: Mapping[str, Any]) -> Response:
        workspace, user = authenticate(self.backend, request, args)
        properties = arm.properties_of(request)
        code, created = self.backend.put_code(
            workspace, args["name"], args["version"], properties, user
        )
        return ok(code.as_resource(), created=created, location=arm.location_of(request))

    def start_pending_upload(self, request: Request, args: Mapping[str, Any]) -> Response:
        workspace, _ = authenticate(self.backend, request, args)
        body = arm.payload(request)
        kind = body.get("pendingUploadType") if isinstance(body, dict) else None
        if kind != "TemporaryBlobReference":
            raise ServiceError(
                400,
                "UserError",
                f"pendingUploadType must be TemporaryBlobReference, got {kind!r}.",
                inner_codes=("BadArgument",),
            )
        return ok(self.backend.start_pending_upload(workspace, user=_sas_user(request)))

    # -- jobs ------------------------------------------------------------------------------------

    def list_jobs(self, request: Request, args: Mapping[str, Any]) -> Response:
        workspace, _ = authenticate(self.backend, request, args)
        jobs = select_jobs(
            [job for job in list(workspace.jobs.values()) if job.step_of is None],  # no steps
            view=request.args.get("listViewType"),
            tag=request.args.get("tag"),
        )
        version = request.args.get("api-version")
        resources = [job.as_resource(version) for job in jobs]
        return ok(arm.page(request, resources, page_size=self.backend.page_size))

    def get_job(self, request: Request, args: Mapping[str, Any]) -> Response:
        workspace, _ = authenticate(self.backend, request, args)
        self.backend.clock.poll()
        job = self.backend.get_job(workspace, args["name"])
        return ok(job.as_resource(request.args.get("api-version")))

    def create_or_update_job(self, request: Request, args: Mapping[str, Any]) -> Response:
        workspace, claims = arm.authenticate_caller(self.backend, request, args)
        properties = arm.properties_of(request)
        job, created = self.backend.put_job(
            workspace,
            args["name"],
            properties,
            arm.display_name(claims),
            creator=Creator.of(claims),
        )
        return ok(
            job.as_resource(request.args.get("api-version")),
            created=created,
            location=arm.location_of(request),
        )

    def cancel_job(self, request: Request, args: Mapping[str, Any]) -> Response:
        """202 with ``Location`` and ``Azure-AsyncOperation``, as the service answers a cancel
        (Jobs_Cancel is a long-running POST in the REST spec); both URLs report it done."""
        workspace, _ = authenticate(self.backend, request, args)
        job = self.backend.cancel_job(workspace, args["name"])
        version = request.args.get("api-version", "")
        operation = f"jc:{workspace.workspace_id}:{job.name}"
        base = (
            f"https://{ARM_HOST}/subscriptions/{workspace.subscription_id}/providers/{PROVIDER}"
            f"/locations/{workspace.location}"
        )
        response = Response(b"", status=202)
        response.headers["Location"] = (
            f"{base}/mfeOperationResults/{operation}?api-version={version}"
        )
        response.headers["Azure-AsyncOperation"] = (
            f"{base}/mfeOperationsStatus/{operation}?api-version={version}"
        )
        arm.decorate(response)
        return response

    def get_operation(self, request: Request, args: Mapping[str, Any]) -> Response:
        """The status of a cancel: done (the fake cancels at once)."""
        arm.caller(request)
        if args["kind"] == "mfeOperationResults":
            response = Response(b"", status=200)
            arm.decorate(response)
            return response
        return ok({"status": "Succeeded"})

    # -- datastores ------------------------------------------------------------------------------

    def list_datastores(self, request: Request, args: Mapping[str, Any]) -> Response:
        workspace, _ = authenticate(self.backend, request, args)
        names = list(DATASTORES)
        if request.args.get("isDefault", "").lower() == "true":
            names = [DEFAULT_DATASTORE]
        stores = [datastore_resource(workspace, name) for name in names]
        return ok(arm.page(request, stores, page_size=self.backend.page_size))

    def get_datastore(self, request: Request, args: Mapping[str, Any]) -> Response:
        workspace, _ = authenticate(self.backend, request, args)
        return ok(datastore_resource(workspace, _datastore_name(args["name"])))

    def list_datastore_secrets(self, request: Request, args: Mapping[str, Any]) -> Response:
        workspace, _ = authenticate(self.backend, request, args)
        name = _datastore_name(args["name"])
        if name != DEFAULT_DATASTORE:
            # An AccountKey datastore's secrets are the key (ARM's AccountKeyDatastoreSecrets):
            # azure-ai-ml signs its log-download SAS with it, which the fake Blob now verifies.
            return ok({"secretsType": "AccountKey", "key": values.STORAGE_ACCOUNT_KEY})
        # The default datastore's secret is an account SAS, as the recorded answer's is.
        sas = account_sas(account=workspace.storage_account)
        return ok({"secretsType": "Sas", "sasToken": f"?{sas}"})


def _sas_user(request: Request) -> FakeSasUser:
    claims = token_claims(bearer_token(request) or "") or {}
    return FakeSasUser(
        object_id=str(claims.get("oid", FakeSasUser.object_id)),
        tenant_id=str(claims.get("tid", FakeSasUser.tenant_id)),
    )


def _datastore_name(name: str) -> str:
    if name not in DATASTORES:
        raise ServiceError(
            404,
            "UserError",
            f"Datastore {name} was not found in the workspace.",
            inner_codes=("NotFound", "DatastoreNotFound"),
        )
    return name
