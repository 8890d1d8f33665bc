"""Transient faults on every service the job touches: the SDKs retry and the job succeeds."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
import responses

from tests.faults.conftest import RunJob

CHILD = "fake-parent-run-iris"
"""The child job's name for the fake's parent run."""

# One route of each service the OBO job calls, in the order it calls them.
ROUTES = ["obo/token", "keyvault/get_secret", "ml/create_or_update_job", "blob/put_blob"]


# How each service says "slow down": 429 with Retry-After, except Blob storage, which throttles
# with 503 ServerBusy and whose client waits its own back-off instead of Retry-After. (A 429 on a
# blob upload is not retried, and azure-ai-ml 1.35.2 then waits forever for the failed file.)
THROTTLING = {
    "obo/token": (429, 7.0),
    "keyvault/get_secret": (429, 7.0),
    "ml/create_or_update_job": (429, 7.0),
    "blob/put_blob": (503, None),
}


@pytest.mark.parametrize("route", ROUTES)
def test_throttling_is_waited_out_and_the_job_succeeds(
    route: str, fake_azure_env: Any, run_job: RunJob, replay_skipped_sleeps: list[float]
) -> None:
    status, retry_after = THROTTLING[route]
    fault = fake_azure_env.faults.add(route, status=status, retry_after=7)
    summary = run_job()
    assert fault.hits == 1
    assert summary.child_submitted is True
    # The wait was honoured without really sleeping: Retry-After where the client reads it.
    assert replay_skipped_sleeps
    if retry_after is not None:
        assert retry_after in replay_skipped_sleeps


@pytest.mark.parametrize("route", ["keyvault/get_secret", "ml/create_or_update_job"])
@pytest.mark.parametrize("status", [500, 503])
def test_a_server_error_followed_by_success_is_retried(
    route: str, status: int, fake_azure_env: Any, run_job: RunJob
) -> None:
    fault = fake_azure_env.faults.add(route, status=status, times=1)
    assert run_job().child_submitted is True
    assert fault.hits == 1
    # The faulted PUT never reached the service: one submission, however the retry went.
    assert fake_azure_env.job_submissions(CHILD) == 1


@pytest.mark.parametrize("route", ROUTES)
def test_a_connection_reset_is_retried(route: str, fake_azure_env: Any, run_job: RunJob) -> None:
    fault = fake_azure_env.faults.add(route, reset=True, times=1)
    assert run_job().child_submitted is True
    assert fault.hits == 1
    assert fake_azure_env.job_submissions(CHILD) == 1


# The request of each service the job sends first, as a URL pattern.
FIRST_REQUEST = {
    "obo": ("GET", re.compile(r"http://127\.0\.0\.1:\d+/token\?resource=https://vault")),
    "keyvault": ("GET", re.compile(r"https://fake-vault\.vault\.azure\.net/secrets/")),
    "ml": ("GET", re.compile(r"https://management\.azure\.com/.*/jobs/")),
    "blob": ("HEAD", re.compile(r"https://fakestorage\.blob\.core\.windows\.net/")),
}


@pytest.mark.parametrize("service", sorted(FIRST_REQUEST))
def test_a_read_timeout_is_retried(service: str, fake_azure_env: Any, run_job: RunJob) -> None:
    method, url = FIRST_REQUEST[service]
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        # The first matching request times out; the next goes through to the fake Azure.
        mock.add(method, url, body=requests.exceptions.ReadTimeout("injected read timeout"))
        mock.add(responses.PassthroughResponse(method, url))
        mock.add_passthru(re.compile(".*"))
        summary = run_job()
        timeouts = [call for call in mock.calls if isinstance(call.response, Exception)]
    assert len(timeouts) == 1
    assert summary.child_submitted is True
