"""A pipeline job submitted through azure-ai-ml: its components registered anonymously first, then
the job, which the fake answers as a real pipeline job PUT is answered (tests/fidelity: the key
sets there, the system properties and the echoed nodes here), and its nodes as child step runs."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

from azure.ai.ml import Input, MLClient, load_component
from azure.ai.ml.dsl import pipeline
from azure.ai.ml.entities import PipelineJob
from azureml_obo_harness.cloud import FakeAzure
from azureml_obo_harness.cloud.ml.lifecycle import JobTimeline
from azureml_obo_harness.values import DEFAULT_USER, FakeUser

from tests.cloud.helpers import ARM, WORKSPACE_URL, bearer, session_for
from tests.cloud.test_ml_component_versions import component_file

RECORDING = (
    Path(__file__).parent.parent
    / "fidelity"
    / "recordings"
    / "ml-pipeline-job-with-anonymous-component.json"
)


def submit_greetings(ml_client: MLClient, folder: Path) -> Any:
    greet = load_component(component_file(folder))

    @pipeline(name="greetings", compute="cpu-cluster")
    def greetings(data):  # unannotated: the dsl takes an Input annotation for a type
        first = greet(folder=data)
        second = greet(folder=data, times=3)
        return {"first": first.outputs.greeting, "second": second.outputs.greeting}

    data = Input(type="uri_folder", path="azureml://datastores/workspaceblobstore/paths/in/")
    return ml_client.jobs.create_or_update(greetings(data=data), experiment_name="pipelines")


def submit_recorded_pipeline(
    azure: FakeAzure, name: str = "recorded", *, user: FakeUser = DEFAULT_USER
) -> str:
    """The recorded pipeline job's PUT as job ``name``, its nodes' anonymous component registered
    first under the version the nodes name (the recording's component PUT, whose answer named an
    earlier identical version); returns the job's name. Cheaper than the SDK's submission."""
    recorded = json.loads(RECORDING.read_text())["interactions"]
    component, job = recorded[0]["request"], recorded[1]["request"]
    [node_component] = {node["componentId"] for node in job["body"]["properties"]["jobs"].values()}
    session = session_for(azure)
    base = job["uri"].split("/jobs/")[0]
    version = node_component.rsplit("/versions/", 1)[1]
    registered = session.put(
        f"{base}/components/azureml_anonymous/versions/{version}?api-version=2024-01-01-preview",
        json=component["body"],
        headers=bearer(ARM),
    )
    submitted = session.put(
        f"{base}/jobs/{name}?api-version=2024-01-01-preview",
        json=job["body"],
        headers=bearer(ARM, user=user),
    )
    assert registered.status_code == 201, registered.text  # also when registered before
    assert submitted.status_code == 201, submitted.text
    return name


def test_a_pipeline_registers_its_component_anonymously_and_is_accepted(
    fake_azure_env: FakeAzure, ml_client: MLClient, tmp_path: Path
) -> None:
    submitted = submit_greetings(ml_client, tmp_path)

    assert isinstance(submitted, PipelineJob)
    assert set(submitted.jobs) == {"first", "second"}
    registered = [
        request
        for request in fake_azure_env.requests
        if request.operation == "ml/create_or_update_component_version"
    ]
    assert registered and all(request.status in (200, 201) for request in registered)
    [stored_job] = [each for each in fake_azure_env.jobs if each.name == submitted.name]
    stored = stored_job.properties
    assert stored["jobType"] == "Pipeline"
    assert str(stored["computeId"]).endswith("/computes/cpu-cluster")  # the decorator's compute
    assert stored["sourceJobId"] is None
    # each node names the component version registered for it
    registered_ids = {request.path.split("?")[0] for request in registered}
    for node in stored["jobs"].values():
        assert any(node["componentId"].endswith(path) for path in registered_ids), node
    assert ml_client.jobs.get(submitted.name).display_name == "greetings"


def test_a_pipeline_jobs_system_properties_are_the_recorded_ones(fake_azure: FakeAzure) -> None:
    recorded = json.loads(RECORDING.read_text())["interactions"][1]
    request, answer = recorded["request"], recorded["response"]["body"]

    response = session_for(fake_azure).put(
        request["uri"], json=request["body"], headers=bearer(ARM)
    )

    assert response.status_code == 201, response.text
    got = response.json()["properties"]
    assert got["properties"] == answer["properties"]["properties"]
    assert got["jobs"] == answer["properties"]["jobs"]  # the nodes as sent
    assert got["settings"] == answer["properties"]["settings"]
    # a pipeline is answered Preparing (a command job: Starting), then runs on the fake's clock
    assert got["status"] == answer["properties"]["status"] == "Preparing"
    fake_azure.ml_clock.advance(JobTimeline().starting)
    again = session_for(fake_azure).get(request["uri"], headers=bearer(ARM)).json()
    assert again["properties"]["status"] == "Running"


def test_a_running_pipelines_nodes_are_its_child_step_runs(
    fake_azure_env: FakeAzure, ml_client: MLClient, tmp_path: Path
) -> None:
    submitted = submit_greetings(ml_client, tmp_path)
    assert list(ml_client.jobs.list(parent_job_name=submitted.name)) == []  # not started yet

    fake_azure_env.ml_clock.advance(JobTimeline().starting)
    children = list(ml_client.jobs.list(parent_job_name=submitted.name))

    assert sorted(child.display_name for child in children) == ["first", "second"]
    for child in children:
        assert str(uuid.UUID(child.name)) == child.name  # a GUID, as the service names them
        # the SDK reads a child's experiment from run history's experimentId: a GUID there
        assert str(uuid.UUID(child.experiment_name)) == child.experiment_name
        assert child.properties["azureml.pipeline"] == submitted.name
        assert child.properties["azureml.runsource"] == "azureml.StepRun"
        # through ARM a step run has no properties, so the SDK reads it from run history
        arm_view = session_for(fake_azure_env).get(
            f"{WORKSPACE_URL}/jobs/{child.name}?api-version=2024-01-01-preview",
            headers=bearer(ARM),
        )
        assert arm_view.status_code == 200 and "properties" not in arm_view.json()
        assert ml_client.jobs.get(child.name).display_name == child.display_name
    # ARM's job list leaves the step runs out
    assert {job.name for job in ml_client.jobs.list()} == {submitted.name}


def run_history(azure: FakeAzure, path: str) -> Any:
    """A run history GET under the workspace, as azure-ai-ml sends it."""
    workspace = azure.workspace
    url = (
        f"https://{workspace.region_host}/history/v1.0/subscriptions/{workspace.subscription_id}"
        f"/resourceGroups/{workspace.resource_group}/providers/Microsoft.MachineLearningServices"
        f"/workspaces/{workspace.name}/{path}"
    )
    return session_for(azure).get(url, headers=bearer(ARM))


def test_a_step_run_names_its_pipeline_node_and_component_as_recorded(
    fake_azure: FakeAzure,
) -> None:
    pipeline_name = submit_recorded_pipeline(fake_azure)
    fake_azure.ml_clock.advance(JobTimeline().starting)

    listed = run_history(fake_azure, f"runs/{pipeline_name}/children").json()["value"]

    [pipeline_job] = [each for each in fake_azure.jobs if each.name == pipeline_name]
    nodes = pipeline_job.properties["jobs"]
    assert sorted(run["displayName"] for run in listed) == sorted(nodes)
    for run in listed:
        version = nodes[run["displayName"]]["componentId"].rsplit("/versions/", 1)[1]
        assert run["name"] == "azureml_anonymous"  # the component's name, as recorded
        assert run["runType"] == "azureml.StepRun"
        assert run["parentRunId"] == run["rootRunId"] == pipeline_name
        assert set(run["tags"]) == {"azureml.nodeid", "azureml.pipeline"}
        assert re.fullmatch(r"[0-9a-f]{8}", run["properties"]["azureml.nodeid"])
        assert run["properties"]["azureml.moduleid"] == version
        assert run["properties"]["azureml.moduleVersion"] == "1"  # the spec's, as recorded
        assert run_history(fake_azure, f"runs/{run['runId']}").json() == run
        arm_view = session_for(fake_azure).get(
            f"{WORKSPACE_URL}/jobs/{run['runId']}?api-version=2024-01-01-preview",
            headers=bearer(ARM),
        )
        assert set(arm_view.json()) == {"id", "name", "type", "systemData"}


def test_a_failed_step_run_is_a_run_of_its_submitter_with_its_error_and_times(
    fake_azure: FakeAzure,
) -> None:
    submitter = FakeUser(
        object_id="00000000-0000-0000-0000-00000000a11c",
        tenant_id="00000000-0000-0000-0000-0000000000aa",
        name="Alice Fake",
    )
    fake_azure.fail_job(
        "failing",
        code="UserError",
        message="Authentication failed when trying to access the stream.",
        warnings=[("AzureMLCompute", "AzureMLCompute job failed")],
    )
    pipeline_name = submit_recorded_pipeline(fake_azure, "failing", user=submitter)
    other = submit_recorded_pipeline(fake_azure, "other-experiment")
    fake_azure.advance_jobs()

    children = run_history(fake_azure, f"runs/{pipeline_name}/children").json()
    pipeline_run = run_history(fake_azure, f"runs/{pipeline_name}").json()

    assert set(children) == {"value"}  # one page: no continuation, as recorded
    steps = children["value"]
    assert len(steps) == 2
    assert pipeline_run["runType"] == "azureml.PipelineRun"
    assert len({step["runUuid"] for step in steps} | {pipeline_run["runUuid"]}) == 3
    for step in steps:
        assert step["createdBy"] == step["lastModifiedBy"]
        assert step["createdBy"]["userObjectId"] == step["userId"] == submitter.object_id
        assert step["createdBy"]["userTenantId"] == submitter.tenant_id
        assert step["createdBy"]["userIss"] == f"https://sts.windows.net/{submitter.tenant_id}/"
        assert step["createdBy"]["userName"] == "Alice Fake"
        assert step["parentRunUuid"] == step["rootRunUuid"] == pipeline_run["runUuid"]
        assert step["experimentId"] == pipeline_run["experimentId"]
        assert step["dataContainerId"] == f"dcid.{step['runId']}"
        assert step["status"] == "Failed"
        assert step["error"]["error"]["code"] == "UserError"
        assert step["error"]["error"]["message"].startswith("Authentication failed")
        assert step["error"]["componentName"] == "CommonRuntime"
        assert step["warnings"] == [
            {"source": "AzureMLCompute", "message": "AzureMLCompute job failed"}
        ]
        assert step["duration"] == step["computeDuration"] == "00:00:30.0000000"
        assert step["startTimeUtc"] < step["endTimeUtc"] == step["lastModifiedUtc"]
        assert step["statusRevision"] == 3  # started, running, failed
    # the same experiment's runs share its GUID; a completed run has no error or warnings
    other_run = run_history(fake_azure, f"runs/{other}").json()
    assert other_run["experimentId"] == pipeline_run["experimentId"]
    assert other_run["error"] is None and other_run["warnings"] is None
    assert other_run["createdBy"]["userObjectId"] == DEFAULT_USER.object_id


def test_a_pipelines_cancel_and_failure_are_its_steps(
    fake_azure_env: FakeAzure, ml_client: MLClient
) -> None:
    canceled = submit_recorded_pipeline(fake_azure_env, "canceled")
    failing = submit_recorded_pipeline(fake_azure_env, "failing")
    fake_azure_env.fail_job(failing)
    fake_azure_env.ml_clock.advance(JobTimeline().starting)

    ml_client.jobs.begin_cancel(canceled).result()
    fake_azure_env.advance_jobs()

    for pipeline_name, status in ((canceled, "Canceled"), (failing, "Failed")):
        assert ml_client.jobs.get(pipeline_name).status == status
        steps = list(ml_client.jobs.list(parent_job_name=pipeline_name))
        assert [step.status for step in steps] == [status, status]


def test_what_no_recording_shows_of_step_runs_is_refused_by_name(
    fake_azure_env: FakeAzure,
) -> None:
    pipeline_name = submit_recorded_pipeline(fake_azure_env)
    [step, _] = [each for each in fake_azure_env.jobs if each.step_of == pipeline_name]
    session = session_for(fake_azure_env)

    cancel = session.post(
        f"{WORKSPACE_URL}/jobs/{step.name}/cancel?api-version=2024-01-01-preview",
        headers=bearer(ARM),
    )
    sweep_node = {"type": "sweep", "trial": {}, "objective": {"primaryMetric": "accuracy"}}
    put = session.put(
        f"{WORKSPACE_URL}/jobs/with-a-sweep?api-version=2024-01-01-preview",
        json={"properties": {"jobType": "Pipeline", "jobs": {"tune": sweep_node}}},
        headers=bearer(ARM),
    )
    fake_azure_env.ml_clock.advance(JobTimeline().starting)
    children = run_history(fake_azure_env, "runs/with-a-sweep/children")

    assert cancel.status_code == 501 and "Jobs_Cancel" in cancel.json()["error"]["message"]
    assert put.status_code == 201, put.text
    assert children.status_code == 501
    assert "Runs_GetChild" in children.json()["error"]["message"]
    assert "sweep" in children.json()["error"]["message"]
