"""The child job's PUT is accepted but its answer is lost: there is still exactly one child.

"One child" is counted as the PUTs the fake received (``job_submissions``), not as the jobs it
holds: the fake answers a second PUT of the same definition with the existing job, so a job
count would stay 1 even if the OBO job submitted its child twice.
"""

from __future__ import annotations

from typing import Any

import pytest

from obo_job.failures import ExitStatus, explain
from obo_job.run import StepFailed
from tests.faults.conftest import RunJob

CHILD = "fake-parent-run-iris"


def test_a_lost_answer_is_retried_within_the_run_without_a_second_child(
    fake_azure_env: Any, run_job: RunJob
) -> None:
    fault = fake_azure_env.faults.add("ml/create_or_update_job", reset=True, after_handling=True)
    assert run_job().child_submitted is True
    assert fault.hits == 1
    # The PUT whose answer was lost and azure-core's retry of it; a second submission by the
    # job itself would be a third.
    assert fake_azure_env.job_submissions(CHILD) == 2
    assert [job.name for job in fake_azure_env.jobs] == [CHILD]


def test_a_rerun_after_the_submission_failed_finds_the_accepted_child(
    fake_azure_env: Any, run_job: RunJob
) -> None:
    # Every answer to the PUT is lost: the SDK gives up, the job fails...
    fake_azure_env.faults.add(
        "ml/create_or_update_job", reset=True, after_handling=True, times=None
    )
    with pytest.raises(StepFailed) as caught:
        run_job()
    assert explain(caught.value.cause, step=caught.value.step).status == ExitStatus.SERVICE
    assert [job.name for job in fake_azure_env.jobs] == [CHILD]  # ...though it was accepted.
    submitted = fake_azure_env.job_submissions(CHILD)

    # AzureML reruns the parent (same run id): it finds that child and submits nothing.
    fake_azure_env.faults.clear()
    again = run_job()
    assert again.child_submitted is False
    assert again.child_job_name == CHILD
    assert fake_azure_env.job_submissions(CHILD) == submitted
