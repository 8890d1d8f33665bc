"""The workspace's regional host, ``https://<region>.api.azureml.ms``: the discovery document and
the run history azure-ai-ml reads to follow a job.

``MLClient.jobs.stream`` reads the job (ARM), the artifact datastore, then run details until the
run ends, listing the logs under ``ExperimentRun/dcid.<job>/`` in the datastore's container on each
poll; ``jobs.download`` reads run data (``rundata``: the run's outputs) and downloads the default
artifacts from that same folder; ``jobs.list(parent_job_name=...)`` reads the run's children;
``jobs.archive``/``restore`` PATCH the run's ``hidden`` flag (what the service surfaces as
``isArchived``). A job is a run of the same name: its status, times and error come from its
:class:`~azureml_obo_harness.cloud.ml.lifecycle.JobLifecycle`, and each run-details GET is a poll.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from azureml_obo_harness.cloud.http import ServiceError, json_response, not_modelled
from azureml_obo_harness.cloud.ml import arm
from azureml_obo_harness.cloud.ml.arm import WORKSPACE_PATH, caller, display_name, ok
from azureml_obo_harness.cloud.ml.jobs import select_jobs
from azureml_obo_harness.cloud.ml.runs import run_details, run_resource
from azureml_obo_harness.cloud.ml.workspace import discovery_document
from azureml_obo_harness.cloud.service import Handler

if TYPE_CHECKING:
    from azureml_obo_harness.cloud.ml.models import Job, MlBackend, Workspace

REGIONAL_HOST = "api.azureml.ms"
HISTORY = f"/history/v1.0{WORKSPACE_PATH}"

REST_OPERATIONS = {
    "ml/get_run": "Runs_Get",
    "ml/get_run_details": "Runs_GetDetails",
    "ml/list_run_children": "Runs_GetChild",
    "ml/get_run_data": "Runs_GetRunData",
    "ml/modify_run": "Runs_AddOrModifyByExperimentName",
}
"""The run history service's operationIds (its swagger, as azure-ai-ml's generated
``_restclient/runhistory`` client names them); discovery has none."""


class RunHistoryRoutes:
    """Discovery and run history of the fake workspaces, on their regional hosts."""

    def __init__(self, backend: MlBackend) -> None:
        self.backend = backend

    def knows_host(self, host: str) -> bool:
        return host.endswith(f".{REGIONAL_HOST}")

    def rules(self) -> list[Rule]:
        host = f"<region>.{REGIONAL_HOST}"

        def rule(path: str, operation: str, method: str) -> Rule:
            return Rule(path, host=host, endpoint=f"ml/{operation}", methods=[method])

        return [
            rule("/discovery", "get_discovery", "GET"),
            rule(f"{HISTORY}/runs/<run_id>", "get_run", "GET"),
            rule(f"{HISTORY}/runs/<run_id>/details", "get_run_details", "GET"),
            rule(f"{HISTORY}/runs/<run_id>/children", "list_run_children", "GET"),
            rule(f"{HISTORY}/rundata", "get_run_data", "POST"),
            rule(f"{HISTORY}/experiments/<experiment>/runs/<run_id>", "modify_run", "PATCH"),
        ]

    def handlers(self) -> Mapping[str, Handler]:
        return {
            "ml/get_discovery": self.get_discovery,
            "ml/get_run": self.get_run,
            "ml/get_run_details": self.get_run_details,
            "ml/list_run_children": self.list_run_children,
            "ml/get_run_data": self.get_run_data,
            "ml/modify_run": self.modify_run,
        }

    def rest_operations(self) -> Mapping[str, str]:
        return REST_OPERATIONS

    # -- handlers --------------------------------------------------------------------------------

    def get_discovery(self, request: Request, args: Mapping[str, Any]) -> Response:
        """Anonymous, as the real discovery endpoint is: the regional base URLs."""
        region = str(args["region"]).lower()
        workspaces = [w for w in self.backend.workspaces.values() if w.location == region]
        if not workspaces:
            raise ServiceError(404, "NotFound", f"No fake workspace is in region '{region}'.")
        return json_response(discovery_document(workspaces[0]))

    def get_run(self, request: Request, args: Mapping[str, Any]) -> Response:
        workspace, job = self._run(request, args)
        return ok(run_resource(workspace, job))

    def get_run_details(self, request: Request, args: Mapping[str, Any]) -> Response:
        workspace, _ = self._workspace(request, args)
        self.backend.clock.poll()
        job = self.backend.get_job(workspace, str(args["run_id"]))
        return ok(run_details(workspace, job))

    def list_run_children(self, request: Request, args: Mapping[str, Any]) -> Response:
        workspace, parent = self._run(request, args)
        children = select_jobs(
            list(workspace.jobs.values()), view="All", tag=None, parent=parent.name
        )
        if parent.unmodelled_nodes:
            kinds = ", ".join(sorted(set(parent.unmodelled_nodes)))
            raise not_modelled(
                "ml",
                "Runs_GetChild / ml/list_run_children",
                f"for pipeline {parent.name}: it has nodes of type {kinds}, whose step runs are "
                "not in the recordings the fake follows (it models command nodes).",
            )
        if not parent.lifecycle.reached_running():  # a pipeline's step runs appear once it runs
            children = [child for child in children if child.step_of is None]
        runs = [run_resource(workspace, child) for child in children]
        top = request.args.get("$top")
        size = int(top) if top and top.isdigit() else self.backend.page_size
        # the recorded last page is ``value`` alone: no continuationToken, no nextLink
        return ok(arm.page(request, runs, page_size=size, skip_key="$skip"))

    def get_run_data(self, request: Request, args: Mapping[str, Any]) -> Response:
        workspace, _ = self._workspace(request, args)
        body = arm.payload(request)
        run_id = body.get("runId") if isinstance(body, dict) else None
        if not run_id:
            raise ServiceError(400, "UserError", "runId is required.", inner_codes=("BadArgument",))
        job = self.backend.get_job(workspace, str(run_id))
        return ok(
            {
                "runMetadata": run_resource(workspace, job),
                "runDefinition": None,
                "jobSpecification": None,
                "systemSettings": None,
            }
        )

    def modify_run(self, request: Request, args: Mapping[str, Any]) -> Response:
        """``hidden`` is the job's ``isArchived``; tags, display name and description update."""
        workspace, job = self._run(request, args)
        body = arm.payload(request)
        if not isinstance(body, dict):
            raise ServiceError(400, "UserError", "A JSON object was expected.")
        with self.backend.lock:
            if body.get("hidden") is not None:
                job.properties["isArchived"] = bool(body["hidden"])
            for wire, field in (("displayName", "displayName"), ("description", "description")):
                if body.get(wire) is not None:
                    job.properties[field] = body[wire]
            if isinstance(body.get("tags"), dict):
                job.properties["tags"] = {**(job.properties.get("tags") or {}), **body["tags"]}
        return ok(run_resource(workspace, job))

    # -- internals -------------------------------------------------------------------------------

    def _workspace(self, request: Request, args: Mapping[str, Any]) -> tuple[Workspace, str]:
        claims = caller(request)
        workspace = self.backend.workspace(
            args["subscription"], args["resource_group"], args["workspace"]
        )
        if str(args["region"]).lower() != workspace.location:
            raise ServiceError(
                404,
                "NotFound",
                f"Workspace {workspace.name} is in {workspace.location}, not {args['region']}: "
                f"use https://{workspace.region_host} (its discovery URL says so).",
            )
        return workspace, display_name(claims)

    def _run(self, request: Request, args: Mapping[str, Any]) -> tuple[Workspace, Job]:
        workspace, _ = self._workspace(request, args)
        return workspace, self.backend.get_job(workspace, str(args["run_id"]))
