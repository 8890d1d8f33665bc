"""Blob dispatch by the REST spec's operations table: never a neighbouring operation's success.

Every spec operation the fake does not implement is sent, raw, as the spec shapes it; each must
be answered 501 naming its REST operation and the query that selected it.
"""

from __future__ import annotations

import pytest
import requests
from azureml_obo_harness.cloud import FakeAzure
from azureml_obo_harness.cloud.blob.operations import OPERATIONS, SPEC_OPERATION_IDS, Operation
from azureml_obo_harness.cloud.blob.routes import IMPLEMENTED
from azureml_obo_harness.values import STORAGE_ACCOUNT

from tests.cloud.blob_clients import CONTRIBUTOR
from tests.cloud.helpers import bearer, session_for

HOST = f"https://{STORAGE_ACCOUNT}.blob.core.windows.net"
STORAGE = "https://storage.azure.com"
VERSION = "2026-10-06"
NOT_IMPLEMENTED = [row for row in OPERATIONS if row.rest_name not in IMPLEMENTED]
PATHS = {"account": "/", "container": "/work", "blob": "/work/b.txt"}


@pytest.fixture
def azure(fake_azure: FakeAzure) -> FakeAzure:
    fake_azure.blob.create_container(STORAGE_ACCOUNT, "work")
    fake_azure.add_blob("work", "b.txt", b"bytes")
    fake_azure.grant_storage(fake_azure.user.object_id, CONTRIBUTOR)
    return fake_azure


def send(
    azure: FakeAzure, method: str, path: str, *, headers: dict[str, str] | None = None, **query: str
) -> requests.Response:
    chosen = {**bearer(STORAGE), "x-ms-version": VERSION, **(headers or {})}
    return session_for(azure).request(method, HOST + path, params=query, headers=chosen)


def request_for(row: Operation) -> tuple[dict[str, str], dict[str, str]]:
    """Headers and query that select ``row``, as a client following the spec sends them."""
    query = {key: value for key, value in (("restype", row.restype), ("comp", row.comp)) if value}
    headers: dict[str, str] = {}
    for selector in row.selectors:
        if selector.startswith("!"):
            continue
        kind, _, condition = selector.partition(":")
        name, _, value = condition.partition("=")
        if kind == "q":
            query[name] = value or "2026-01-01T00:00:00.0000000Z"
        else:
            headers[name] = value or f"{HOST}/work/b.txt"
    return headers, query


@pytest.mark.parametrize(
    "row", NOT_IMPLEMENTED, ids=[r.rest_name + "-" + r.name for r in NOT_IMPLEMENTED]
)
def test_an_unimplemented_spec_operation_is_501_naming_it(azure: FakeAzure, row: Operation) -> None:
    headers, query = request_for(row)

    response = send(azure, row.method, PATHS[row.level], headers=headers, **query)

    assert response.status_code == 501, response.text
    assert row.rest_name in response.text
    if row.comp:
        assert f"comp={row.comp}" in response.text
    assert azure.requests[-1].operation == row.fake_name


def test_the_table_covers_all_of_the_specs_operations() -> None:
    assert len(SPEC_OPERATION_IDS) == 71  # operationIds of blob.json 2027-03-07
    assert set(IMPLEMENTED) <= {row.rest_name for row in OPERATIONS}


def test_an_unknown_comp_is_the_services_400_naming_the_parameter(azure: FakeAzure) -> None:
    response = send(azure, "GET", "/work/b.txt", comp="bogus")

    assert response.status_code == 400
    assert response.headers["x-ms-error-code"] == "InvalidQueryParameterValue"
    assert "<QueryParameterName>comp</QueryParameterName>" in response.text


def test_put_blob_without_a_blob_type_is_missing_required_header(azure: FakeAzure) -> None:
    response = send(azure, "PUT", "/work/new.txt")

    assert response.status_code == 400
    assert response.headers["x-ms-error-code"] == "MissingRequiredHeader"
    assert azure.blob.blobs(STORAGE_ACCOUNT, "work")[0].name == "b.txt"
    assert len(azure.blob.blobs(STORAGE_ACCOUNT, "work")) == 1


def test_a_method_the_resource_does_not_support_is_405(azure: FakeAzure) -> None:
    response = send(azure, "POST", "/work", restype="container")

    assert response.status_code == 405
    assert response.headers["x-ms-error-code"] == "UnsupportedHttpVerb"


def test_a_one_segment_path_without_restype_is_a_root_container_blob(azure: FakeAzure) -> None:
    response = send(azure, "GET", "/work")

    assert response.status_code == 404
    assert response.headers["x-ms-error-code"] == "ContainerNotFound"  # $root does not exist


def test_an_unknown_x_ms_version_is_invalid_header_value(azure: FakeAzure) -> None:
    response = send(azure, "GET", "/work/b.txt", headers={"x-ms-version": "2099-01-01"})

    assert response.status_code == 400
    assert response.headers["x-ms-error-code"] == "InvalidHeaderValue"
    assert "<HeaderName>x-ms-version</HeaderName>" in response.text
    assert "<HeaderValue>2099-01-01</HeaderValue>" in response.text


def test_a_preview_spec_version_is_accepted(azure: FakeAzure) -> None:
    response = send(azure, "GET", "/work/b.txt", headers={"x-ms-version": "2020-06-02"})

    assert (response.status_code, response.content) == (200, b"bytes")


def test_get_container_metadata_of_the_rest_reference_is_answered(azure: FakeAzure) -> None:
    azure.blob.get_container(STORAGE_ACCOUNT, "work").metadata = {"upload_status": "done"}

    response = send(azure, "GET", "/work", restype="container", comp="metadata")

    assert response.status_code == 200
    assert response.headers["x-ms-meta-upload_status"] == "done"


def test_head_of_blob_metadata_is_get_blob_metadata(azure: FakeAzure) -> None:
    azure.blob.set_metadata(STORAGE_ACCOUNT, "work", "b.txt", {"name": "code"})

    response = send(azure, "HEAD", "/work/b.txt", comp="metadata")

    assert (response.status_code, response.headers["x-ms-meta-name"]) == (200, "code")
    assert azure.requests[-1].operation == "blob/get_blob_metadata"
