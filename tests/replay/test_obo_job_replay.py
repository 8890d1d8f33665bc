"""The whole OBO job replayed from cassettes: secret read, code upload, child submission, errors.

Recorded with ``pytest --azure=fake --record-mode=rewrite tests/replay`` (or live against a real
workspace); replayed offline by default.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azureml_obo_harness.recording.plugin import AzureCoordinates, azure_mode

from obo_job.failures import ExitStatus, explain
from obo_job.run import StepFailed, run_obo_job
from obo_job.settings import ChildJobSettings, Settings

PARENT_RUN = "harness-parent-run"


def _settings(coordinates: AzureCoordinates, parent: str = PARENT_RUN, **child: Any) -> Settings:
    return Settings(
        subscription_id=coordinates.subscription_id,
        resource_group=coordinates.resource_group,
        workspace_name=coordinates.workspace_name,
        vault_url=coordinates.vault_url,
        secret_name=child.pop("secret_name", coordinates.secret_name),
        child=ChildJobSettings(parent_run_id=parent, **child),
    )


@pytest.mark.vcr
def test_the_obo_job_reads_the_secret_and_submits_its_child(
    azure_credential: Any, azure_coordinates: AzureCoordinates, unique_name: Callable[[str], str]
) -> None:
    # A parent run the workspace has never seen, so that recording twice in one workspace submits
    # a child both times (the job looks its child up first); the cassette keeps PARENT_RUN.
    parent = unique_name(PARENT_RUN)
    summary = run_obo_job(azure_credential, _settings(azure_coordinates, parent=parent))
    assert summary.secret.startswith(f"{azure_coordinates.secret_name} (version ")
    assert summary.child_job_name == f"{parent}-iris"
    assert summary.child_submitted is True
    assert summary.child_status
    assert summary.studio_url and summary.studio_url.startswith("https://ml.azure.com/runs/")


@pytest.mark.vcr
def test_a_missing_secret_stops_the_job_before_any_child_is_submitted(
    azure_credential: Any, azure_coordinates: AzureCoordinates
) -> None:
    settings = _settings(azure_coordinates, secret_name="no-such-secret")
    with pytest.raises(StepFailed) as caught:
        run_obo_job(azure_credential, settings)
    assert isinstance(caught.value.cause, ResourceNotFoundError)
    assert explain(caught.value.cause, step=caught.value.step).status == ExitStatus.NOT_FOUND


@pytest.mark.vcr
def test_an_unknown_compute_is_the_services_400(
    azure_credential: Any, azure_coordinates: AzureCoordinates, unique_name: Callable[[str], str]
) -> None:
    settings = _settings(
        azure_coordinates, parent=unique_name("harness-unknown-compute"), compute="no-such-compute"
    )
    with pytest.raises(StepFailed) as caught:
        run_obo_job(azure_credential, settings)
    assert isinstance(caught.value.cause, HttpResponseError)
    assert "Unknown compute target" in str(caught.value.cause)
    assert explain(caught.value.cause, step=caught.value.step).status == ExitStatus.SERVICE


@pytest.mark.vcr
def test_a_user_without_get_permission_is_told_the_submitting_user_needs_it(
    pytestconfig: pytest.Config,
    azure_credential: Any,
    azure_coordinates: AzureCoordinates,
    fake_azure_session: Any,
) -> None:
    if azure_mode(pytestconfig) == "live":  # the recording job's user may read the secret
        pytest.skip("needs a user without get permission: the fake Azure's switch")
    if fake_azure_session is not None:  # recording against the fake: take the permission away
        fake_azure_session.grant(fake_azure_session.user.object_id, [])
    try:
        with pytest.raises(StepFailed) as caught:
            run_obo_job(azure_credential, _settings(azure_coordinates))
    finally:
        if fake_azure_session is not None:
            fake_azure_session.grant(fake_azure_session.user.object_id, ["get", "list", "set"])
    failure = explain(caught.value.cause, step=caught.value.step)
    assert failure.status == ExitStatus.ACCESS
    assert "the user who submitted it" in failure.message
