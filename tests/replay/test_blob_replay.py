"""The user's blob read with the OBO credential, replayed from cassettes.

Recorded with ``pytest tests/replay/test_blob_replay.py --azure=fake --record-mode=rewrite``; live
(``--record-mode=rewrite`` on AzureML, see record.job.yaml) it reads ``OBO_JOB_BLOB_URL``, whose
content the sanitizer replaces with the fake blob's before the cassette is written.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError
from azureml_obo_harness import values
from azureml_obo_harness.recording.plugin import AzureCoordinates, azure_mode

from obo_job.blob import read_blob
from obo_job.failures import ExitStatus, explain


def _blob_url(coordinates: AzureCoordinates) -> str:
    if coordinates.blob_url is None:
        pytest.skip("live: set OBO_JOB_BLOB_URL to a blob the signed-in user may read")
    return coordinates.blob_url


@pytest.mark.vcr
def test_the_user_reads_the_blob_with_a_bearer_token_for_storage(
    pytestconfig: pytest.Config, azure_credential: Any, azure_coordinates: AzureCoordinates
) -> None:
    read = read_blob(azure_credential, _blob_url(azure_coordinates))
    assert read.size > 0
    if azure_mode(pytestconfig) != "live":  # live, the content is the user's own
        assert (read.container, read.name) == (values.BLOB_CONTAINER, values.BLOB_NAME)
        assert read.sha256 == hashlib.sha256(values.BLOB_CONTENT).hexdigest()


@pytest.mark.vcr
def test_a_user_without_a_data_role_is_told_the_submitting_user_needs_it(
    pytestconfig: pytest.Config,
    azure_credential: Any,
    azure_coordinates: AzureCoordinates,
    fake_azure_session: Any,
) -> None:
    if azure_mode(pytestconfig) == "live":
        pytest.skip("needs a user without a data role on the account: the fake Azure's switch")
    if fake_azure_session is not None:
        fake_azure_session.grant_storage(fake_azure_session.user.object_id, [])
    try:
        with pytest.raises(HttpResponseError) as raised:
            read_blob(azure_credential, _blob_url(azure_coordinates))
    finally:
        if fake_azure_session is not None:
            fake_azure_session.grant_storage(fake_azure_session.user.object_id, ["read"])
    assert raised.value.error_code == "AuthorizationPermissionMismatch"
    failure = explain(raised.value, step="reading blob")
    assert failure.status == ExitStatus.ACCESS
