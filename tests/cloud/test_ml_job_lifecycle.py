"""Jobs that move, through the real ``MLClient``: what OBO code does after submitting a child
(poll it, stream it, list, cancel, archive, download it), on a clock the test controls.

Nothing here waits for real time: the fake's clock moves when the test says so
(``azure.ml_clock.advance``, ``azure.advance_jobs()``) or by a fixed step on each poll
(``azure.auto_advance_jobs()``); ``jobs.stream``'s own sleeps between polls are recorded, not
slept (``stream_sleeps``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from azure.ai.ml import MLClient, command
from azure.ai.ml.constants import ListViewType
from azure.ai.ml.entities import Command
from azure.ai.ml.exceptions import JobException
from azure.ai.ml.operations import _job_ops_helper
from azure.core.exceptions import HttpResponseError
from azureml_obo_harness.cloud import FakeAzure

from tests.cloud.helpers import ARM, WORKSPACE_URL, bearer, session_for

ENVIRONMENT = "azureml:AzureML-sklearn-1.0-ubuntu20.04-py38-cpu:33"


@pytest.fixture
def stream_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """``jobs.stream`` sleeps between polls with ``time.sleep``: recorded here instead."""
    slept: list[float] = []

    class RecordingTime:
        @staticmethod
        def sleep(seconds: float) -> None:
            slept.append(seconds)

        def __getattr__(self, name: str) -> object:
            import time

            return getattr(time, name)

    monkeypatch.setattr(_job_ops_helper, "time", RecordingTime())
    return slept


def child_job(
    *, code: Path | None = None, name: str = "child", run: str = "python main.py"
) -> Command:
    """The child as OBO code submits it, through ``MLClient.jobs.create_or_update``: without a
    code folder unless given one. What these tests follow is the job after its PUT, which is the
    same either way; uploading the code is ``tests/cloud/test_ml_jobs.py``'s subject (seven
    requests, 33 ms of a 62 ms submission here), and the samples' test below uploads it."""
    return command(
        code=None if code is None else str(code),
        command=run,
        environment=ENVIRONMENT,
        compute="cpu-cluster",
        name=name,
        tags={"starter_run": "parent-run"},
    )


def submit_raw(azure: FakeAzure, name: str, *, parent: str | None = None) -> None:
    """A job PUT as the REST API takes it (``parentJobName`` is not settable through the SDK)."""
    properties = {
        "jobType": "Command",
        "command": "echo hi",
        "environmentId": ENVIRONMENT,
        "computeId": "cpu-cluster",
        "experimentName": "fake",
    }
    if parent:
        properties["parentJobName"] = parent
    response = session_for(azure).put(
        f"{WORKSPACE_URL}/jobs/{name}?api-version=2025-01-01-preview",
        json={"properties": properties},
        headers=bearer(ARM),
    )
    assert response.status_code == 201, response.text


def test_a_child_moves_from_starting_to_completed_while_it_is_polled(
    fake_azure_env: FakeAzure, ml_client: MLClient
) -> None:
    ml_client.jobs.create_or_update(child_job())
    seen = [ml_client.jobs.get("child").status]

    for _ in range(4):
        fake_azure_env.ml_clock.advance(10)
        seen.append(ml_client.jobs.get("child").status)

    assert seen == ["Starting", "Running", "Running", "Running", "Completed"]


def test_polling_with_auto_advance_ends_after_a_known_number_of_polls(
    fake_azure_env: FakeAzure, ml_client: MLClient
) -> None:
    fake_azure_env.auto_advance_jobs(10)
    ml_client.jobs.create_or_update(child_job())

    polls = 1
    while ml_client.jobs.get("child").status not in {"Completed", "Failed", "Canceled"}:
        polls += 1

    assert polls == 4  # 10 s Starting + 30 s Running, 10 s per poll


def test_a_job_chosen_to_fail_ends_failed(fake_azure_env: FakeAzure, ml_client: MLClient) -> None:
    fake_azure_env.fail_job("child")
    ml_client.jobs.create_or_update(child_job())

    fake_azure_env.advance_jobs()

    assert ml_client.jobs.get("child").status == "Failed"


def test_a_running_job_chosen_to_fail_ends_failed(
    fake_azure_env: FakeAzure, ml_client: MLClient
) -> None:
    ml_client.jobs.create_or_update(child_job())
    fake_azure_env.ml_clock.advance(15)

    fake_azure_env.fail_job("child")
    fake_azure_env.advance_jobs()

    assert ml_client.jobs.get("child").status == "Failed"


def test_cancel_is_a_202_with_the_operation_to_poll(
    fake_azure_env: FakeAzure, ml_client: MLClient
) -> None:
    ml_client.jobs.create_or_update(child_job())
    fake_azure_env.clear_requests()

    ml_client.jobs.begin_cancel("child").result()

    [cancel, *polls] = fake_azure_env.requests
    assert (cancel.operation, cancel.status) == ("ml/cancel_job", 202)
    assert polls and {poll.operation for poll in polls} == {"ml/get_operation"}
    assert ml_client.jobs.get("child").status == "Canceled"


def test_a_canceled_job_stays_canceled_as_the_clock_moves(
    fake_azure_env: FakeAzure, ml_client: MLClient
) -> None:
    ml_client.jobs.create_or_update(child_job())
    ml_client.jobs.begin_cancel("child").result()

    fake_azure_env.ml_clock.advance(3600)

    assert ml_client.jobs.get("child").status == "Canceled"


def test_jobs_list_with_a_parent_returns_its_children_only(
    fake_azure_env: FakeAzure, ml_client: MLClient
) -> None:
    submit_raw(fake_azure_env, "parent")
    submit_raw(fake_azure_env, "child-1", parent="parent")
    submit_raw(fake_azure_env, "child-2", parent="parent")
    submit_raw(fake_azure_env, "unrelated")

    children = ml_client.jobs.list(parent_job_name="parent")

    assert sorted(job.name for job in children) == ["child-1", "child-2"]


def test_jobs_list_follows_next_links_page_by_page(
    fake_azure_env: FakeAzure, ml_client: MLClient
) -> None:
    fake_azure_env.ml.page_size = 2
    for index in range(5):
        submit_raw(fake_azure_env, f"job-{index}")
    fake_azure_env.clear_requests()

    names = [job.name for job in ml_client.jobs.list()]

    assert names == [f"job-{index}" for index in range(5)]
    assert operations(fake_azure_env) == ["ml/list_jobs"] * 3


def test_jobs_list_filters_by_tag(fake_azure_env: FakeAzure, ml_client: MLClient) -> None:
    ml_client.jobs.create_or_update(child_job())
    submit_raw(fake_azure_env, "untagged")

    tagged = ml_client.jobs.list(tag="starter_run")

    assert [job.name for job in tagged] == ["child"]


def test_an_archived_job_leaves_the_active_list_and_restore_brings_it_back(
    ml_client: MLClient,
) -> None:
    ml_client.jobs.create_or_update(child_job())

    ml_client.jobs.archive("child")
    active = [job.name for job in ml_client.jobs.list()]
    archived = [job.name for job in ml_client.jobs.list(list_view_type=ListViewType.ARCHIVED_ONLY)]
    ml_client.jobs.restore("child")

    assert (active, archived) == ([], ["child"])
    assert [job.name for job in ml_client.jobs.list()] == ["child"]


def test_stream_of_a_finished_job_returns_at_once(
    fake_azure_env: FakeAzure, ml_client: MLClient, stream_sleeps: list[float]
) -> None:
    ml_client.jobs.create_or_update(child_job())
    fake_azure_env.advance_jobs()

    ml_client.jobs.stream("child")

    assert stream_sleeps == []


def test_stream_follows_a_running_job_until_it_completes(
    fake_azure_env: FakeAzure,
    ml_client: MLClient,
    stream_sleeps: list[float],
    capsys: pytest.CaptureFixture[str],
) -> None:
    ml_client.jobs.create_or_update(child_job())
    fake_azure_env.add_job_output("child", "user_logs/std_log.txt", b"training\naccuracy 0.97\n")
    fake_azure_env.auto_advance_jobs(10)

    ml_client.jobs.stream("child")

    assert "accuracy 0.97" in capsys.readouterr().out
    # Polls at 10 s each: the job's GET (t=10), run details (20, 30, 40: Completed), with a
    # sleep before each poll of the loop.
    assert len(stream_sleeps) == 2


def test_stream_of_a_failed_job_raises_the_runs_error(
    fake_azure_env: FakeAzure, ml_client: MLClient, stream_sleeps: list[float]
) -> None:
    fake_azure_env.fail_job("child", message="exit code 3")
    ml_client.jobs.create_or_update(child_job())
    fake_azure_env.advance_jobs()

    with pytest.raises(JobException, match="exit code 3"):
        ml_client.jobs.stream("child")


def test_download_fetches_the_jobs_default_artifacts(
    fake_azure_env: FakeAzure, ml_client: MLClient, tmp_path: Path
) -> None:
    ml_client.jobs.create_or_update(child_job())
    fake_azure_env.add_job_output("child", "outputs/model.pkl", b"fake model")
    fake_azure_env.advance_jobs()

    ml_client.jobs.download("child", download_path=tmp_path / "out")

    assert (tmp_path / "out/artifacts/outputs/model.pkl").read_bytes() == b"fake model"


def test_download_of_a_running_job_is_refused(
    fake_azure_env: FakeAzure, ml_client: MLClient, tmp_path: Path
) -> None:
    ml_client.jobs.create_or_update(child_job())

    with pytest.raises(JobException, match="Download is allowed only in states"):
        ml_client.jobs.download("child", download_path=tmp_path)


def test_a_changed_definition_for_an_existing_name_is_refused(ml_client: MLClient) -> None:
    ml_client.jobs.create_or_update(child_job())

    with pytest.raises(HttpResponseError, match="A job with this name already exists") as raised:
        ml_client.jobs.create_or_update(child_job(run="python other.py"))

    assert raised.value.status_code == 400
    assert ml_client.jobs.get("child").command == "python main.py"


def test_every_put_of_a_name_is_counted_accepted_or_refused(
    fake_azure_env: FakeAzure, ml_client: MLClient
) -> None:
    ml_client.jobs.create_or_update(child_job())
    ml_client.jobs.create_or_update(child_job())
    with pytest.raises(HttpResponseError):
        ml_client.jobs.create_or_update(child_job(run="python other.py"))

    assert fake_azure_env.job_submissions("child") == 3
    assert fake_azure_env.job_submissions("never-submitted") == 0


def operations(azure: FakeAzure) -> list[str]:
    return [request.operation for request in azure.requests]


def test_the_job_samples_calls_in_their_order_run_against_the_fake(
    fake_azure_env: FakeAzure,
    ml_client: MLClient,
    code_dir: Path,
    tmp_path: Path,
    stream_sleeps: list[float],
) -> None:
    # The order of azure-ai-ml's job samples (ml_samples_misc.py, job_operations_*): submit,
    # get, list the children of a parent, stream, download, cancel, archive, restore.
    fake_azure_env.auto_advance_jobs(10)
    submitted = ml_client.jobs.create_or_update(child_job(code=code_dir, name="iris-dataset-job-1"))
    assert ml_client.jobs.get(submitted.name).name == "iris-dataset-job-1"
    assert list(ml_client.jobs.list(parent_job_name="iris-dataset-job-1")) == []
    ml_client.jobs.stream("iris-dataset-job-1")
    ml_client.jobs.download("iris-dataset-job-1", download_path=tmp_path / "job-1-logs")
    ml_client.jobs.begin_cancel("iris-dataset-job-1").result()
    ml_client.jobs.archive("iris-dataset-job-1")
    ml_client.jobs.restore("iris-dataset-job-1")

    assert ml_client.jobs.get("iris-dataset-job-1").status == "Completed"  # ended before cancel
    # Nothing refused as unimplemented, nothing broken (404s are the SDK's own probes: the code
    # blob's HEAD before its upload).
    assert [r.operation for r in fake_azure_env.requests if r.status >= 500] == []
