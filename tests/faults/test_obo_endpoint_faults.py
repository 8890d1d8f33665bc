"""The AzureML OBO token endpoint down, slow, answering nonsense, or refusing a resource."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
import responses

from obo_job.credentials import TokenEndpointUnavailable
from obo_job.failures import ExitStatus, explain
from obo_job.run import StepFailed
from tests.faults.conftest import RunJob


def _failure(run_job: RunJob) -> tuple[StepFailed, Any]:
    with pytest.raises(StepFailed) as caught:
        run_job()
    return caught.value, explain(caught.value.cause, step=caught.value.step)


def test_an_obo_endpoint_that_is_down_is_an_authentication_failure_naming_it(
    fake_azure_env: Any, run_job: RunJob
) -> None:
    fake_azure_env.obo.refuse_connections = True
    failed, failure = _failure(run_job)
    assert isinstance(failed.cause, TokenEndpointUnavailable)
    assert failure.status == ExitStatus.AUTHENTICATION
    assert f"the AzureML OBO token endpoint ({fake_azure_env.obo_endpoint})" in failure.message
    assert fake_azure_env.jobs == []


def test_a_slow_obo_endpoint_is_retried(fake_azure_env: Any, run_job: RunJob) -> None:
    url = re.compile(r"http://127\.0\.0\.1:\d+/token")
    with responses.RequestsMock() as mock:
        mock.add("GET", url, body=requests.exceptions.ReadTimeout("the endpoint is slow"))
        mock.add(responses.PassthroughResponse("GET", url))
        mock.add_passthru(re.compile(".*"))
        assert run_job().child_submitted is True


def test_an_obo_endpoint_answering_html_is_an_authentication_failure(
    fake_azure_env: Any, run_job: RunJob
) -> None:
    fake_azure_env.faults.add("obo/token", status=200, body="<html>maintenance</html>", times=None)
    _, failure = _failure(run_job)
    assert failure.status == ExitStatus.AUTHENTICATION
    assert "Unexpected content type" in failure.message


def test_a_resource_the_user_has_not_consented_to_is_an_authentication_failure(
    fake_azure_env: Any, run_job: RunJob
) -> None:
    fake_azure_env.obo.consented = {"https://management.azure.com"}  # not Key Vault
    _, failure = _failure(run_job)
    assert failure.status == ExitStatus.AUTHENTICATION
    assert "reading secret" in failure.message


def test_tokens_that_expire_mid_run_are_refreshed(fake_azure_env: Any, run_job: RunJob) -> None:
    fake_azure_env.obo.lifetime = 0  # every token is expired by the time it is used again
    assert run_job().child_submitted is True
    management = fake_azure_env.obo.resources_requested.count("https://management.azure.com")
    assert management > 1  # the credential asked again instead of reusing an expired token
