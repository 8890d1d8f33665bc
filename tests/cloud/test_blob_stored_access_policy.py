"""Service SAS bound to a container's stored access policy (``si``), verified as the service does.

The policies are set with the real client (Set Container ACL, Shared Key) and the SAS made by the
real ``generate_blob_sas`` / ``generate_container_sas`` with ``policy_id``. What the docs say
("Define a stored access policy", "Create a service SAS"): the SAS inherits the policy's start,
expiry and permissions; each is given by one or the other; deleting the policy revokes every SAS
bound to it, and re-creating it under the same name makes them valid again. The refusals' sources
are in the docstring of ``azureml_obo_harness.cloud.blob.sas``.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import requests
from azure.core.exceptions import HttpResponseError
from azure.storage.blob import (
    AccessPolicy,
    BlobClient,
    BlobServiceClient,
    ContainerClient,
    ContainerSasPermissions,
    generate_blob_sas,
    generate_container_sas,
)
from azureml_obo_harness import values
from azureml_obo_harness.cloud import FakeAzure

from tests.cloud.blob_clients import ACCOUNT_URL
from tests.cloud.helpers import bearer, session_for

ACCOUNT, CONTAINER, BLOB = values.STORAGE_ACCOUNT, values.BLOB_CONTAINER, values.BLOB_NAME
KEY = values.STORAGE_ACCOUNT_KEY
BLOB_URL = f"{ACCOUNT_URL}/{CONTAINER}/{BLOB}"


def now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


@pytest.fixture
def container(fake_azure_env: FakeAzure) -> ContainerClient:
    """The seeded container, through a client holding the account key (to set its policies)."""
    service = BlobServiceClient.from_connection_string(fake_azure_env.storage_connection_string)
    return service.get_container_client(CONTAINER)


def policy(*, list_: bool = False) -> AccessPolicy:
    """Read (and ``list_``) for the next hour."""
    return AccessPolicy(
        permission=ContainerSasPermissions(read=True, list=list_),
        start=now() - timedelta(minutes=5),
        expiry=now() + timedelta(hours=1),
    )


def refusal(error: pytest.ExceptionInfo[HttpResponseError]) -> tuple[int | None, str | None]:
    return error.value.status_code, error.value.error_code


def put_acl(azure: FakeAzure, identifiers: str) -> requests.Response:
    """Set Container ACL on the seeded container by hand, as the fake user (Contributor)."""
    azure.grant_storage(azure.user.object_id, ["read", "write", "delete"])
    return session_for(azure).put(
        f"{ACCOUNT_URL}/{CONTAINER}?restype=container&comp=acl",
        data=f'<?xml version="1.0" encoding="utf-8"?><SignedIdentifiers>{identifiers}'
        "</SignedIdentifiers>".encode(),
        headers={"x-ms-version": "2026-10-06", **bearer("https://storage.azure.com")},
    )


def test_a_blob_sas_bound_to_a_policy_reads_with_the_policys_permissions(
    container: ContainerClient,
) -> None:
    container.set_container_access_policy(signed_identifiers={"readers": policy()})
    sas = generate_blob_sas(ACCOUNT, CONTAINER, BLOB, account_key=KEY, policy_id="readers")
    blob = BlobClient.from_blob_url(BLOB_URL, credential=sas)

    assert blob.download_blob().readall() == values.BLOB_CONTENT
    assert "sp=" not in sas and "se=" not in sas  # the premise: all three terms are the policy's
    with pytest.raises(HttpResponseError) as refused:
        blob.upload_blob(b"overwritten", overwrite=True)
    assert refusal(refused) == (403, "AuthorizationPermissionMismatch")


def test_a_container_sas_bound_to_a_policy_lists_what_the_policy_allows(
    container: ContainerClient,
) -> None:
    container.set_container_access_policy(
        signed_identifiers={"listers": policy(list_=True), "readers": policy()}
    )
    listing = ContainerClient.from_container_url(
        f"{ACCOUNT_URL}/{CONTAINER}",
        credential=generate_container_sas(ACCOUNT, CONTAINER, account_key=KEY, policy_id="listers"),
    )
    reading = ContainerClient.from_container_url(
        f"{ACCOUNT_URL}/{CONTAINER}",
        credential=generate_container_sas(ACCOUNT, CONTAINER, account_key=KEY, policy_id="readers"),
    )

    assert BLOB in [item.name for item in listing.list_blobs()]
    with pytest.raises(HttpResponseError) as refused:
        list(reading.list_blobs())
    assert refusal(refused) == (403, "AuthorizationPermissionMismatch")


def test_deleting_the_policy_revokes_the_sas_and_recreating_it_restores_it(
    container: ContainerClient,
) -> None:
    container.set_container_access_policy(signed_identifiers={"readers": policy()})
    blob = BlobClient.from_blob_url(
        BLOB_URL,
        credential=generate_blob_sas(
            ACCOUNT, CONTAINER, BLOB, account_key=KEY, policy_id="readers"
        ),
    )

    container.set_container_access_policy(signed_identifiers={})
    with pytest.raises(HttpResponseError) as revoked:
        blob.get_blob_properties()
    container.set_container_access_policy(signed_identifiers={"readers": policy()})

    assert refusal(revoked) == (403, "AuthorizationFailure")
    assert blob.get_blob_properties().size == len(values.BLOB_CONTENT)


@pytest.mark.parametrize(
    ("starts", "expires"), [(-2, -1), (1, 2)], ids=["past-its-expiry", "not-yet-started"]
)
def test_a_policy_outside_its_time_frame_does_not_authorize(
    container: ContainerClient, starts: int, expires: int
) -> None:
    """``starts`` and ``expires``: hours from now."""
    outside = AccessPolicy(
        permission=ContainerSasPermissions(read=True),
        start=now() + timedelta(hours=starts),
        expiry=now() + timedelta(hours=expires),
    )
    container.set_container_access_policy(signed_identifiers={"outside": outside})
    sas = generate_blob_sas(ACCOUNT, CONTAINER, BLOB, account_key=KEY, policy_id="outside")

    with pytest.raises(HttpResponseError) as refused:
        BlobClient.from_blob_url(BLOB_URL, credential=sas).download_blob()

    assert refusal(refused) == (403, "AuthenticationFailed")
    assert "Signature not valid in the specified time frame" in str(refused.value)


def test_terms_split_between_sas_and_policy_combine(container: ContainerClient) -> None:
    permissions_only = AccessPolicy(permission=ContainerSasPermissions(read=True))
    container.set_container_access_policy(signed_identifiers={"read-only": permissions_only})
    sas = generate_blob_sas(
        ACCOUNT,
        CONTAINER,
        BLOB,
        account_key=KEY,
        policy_id="read-only",
        expiry=now() + timedelta(minutes=30),
    )

    assert BlobClient.from_blob_url(BLOB_URL, credential=sas).download_blob().readall() == (
        values.BLOB_CONTENT
    )


def test_a_term_given_by_both_the_sas_and_its_policy_is_the_fakes_501(
    fake_azure_env: FakeAzure, container: ContainerClient
) -> None:
    container.set_container_access_policy(signed_identifiers={"readers": policy()})
    sas = generate_blob_sas(
        ACCOUNT, CONTAINER, BLOB, account_key=KEY, policy_id="readers", permission="r"
    )

    response = session_for(fake_azure_env).get(f"{BLOB_URL}?{sas}")

    assert response.status_code == 501
    assert "gives sp" in response.text and "Blob_Download" in response.text


def test_a_policy_the_container_does_not_hold_is_authorization_failure(
    fake_azure_env: FakeAzure, container: ContainerClient
) -> None:
    container.set_container_access_policy(signed_identifiers={"readers": policy()})
    sas = generate_blob_sas(ACCOUNT, CONTAINER, BLOB, account_key=KEY, policy_id="writers")

    response = session_for(fake_azure_env).get(f"{BLOB_URL}?{sas}")

    assert (response.status_code, response.headers["x-ms-error-code"]) == (
        403,
        "AuthorizationFailure",
    )


def test_a_tampered_policy_name_fails_the_signature_before_the_policy_is_looked_up(
    fake_azure_env: FakeAzure, container: ContainerClient
) -> None:
    container.set_container_access_policy(signed_identifiers={"readers": policy()})
    sas = generate_blob_sas(ACCOUNT, CONTAINER, BLOB, account_key=KEY, policy_id="writers")

    response = session_for(fake_azure_env).get(
        f"{BLOB_URL}?{sas.replace('si=writers', 'si=readers')}"
    )

    assert response.headers["x-ms-error-code"] == "AuthenticationFailed"
    assert "Signature did not match" in response.text


def test_an_expiry_given_by_neither_the_sas_nor_its_policy_is_the_fakes_501(
    fake_azure_env: FakeAzure, container: ContainerClient
) -> None:
    container.set_container_access_policy(
        signed_identifiers={
            "open-ended": AccessPolicy(permission=ContainerSasPermissions(read=True))
        }
    )
    sas = generate_blob_sas(ACCOUNT, CONTAINER, BLOB, account_key=KEY, policy_id="open-ended")

    response = session_for(fake_azure_env).get(f"{BLOB_URL}?{sas}")

    assert response.status_code == 501
    assert "leaves out se" in response.text


def test_policy_times_as_the_service_writes_them_with_seven_fraction_digits_are_read(
    fake_azure_env: FakeAzure,
) -> None:
    """The service returns policy times like ``2026-12-04T10:00:00.0000000Z``; a client that
    sets them back as read must get a working SAS on every supported Python (3.10's
    ``fromisoformat`` reads three or six fraction digits only)."""
    start = (now() - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S.1234567Z")
    expiry = (now() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.0000000Z")
    set_acl = put_acl(
        fake_azure_env,
        f"<SignedIdentifier><Id>seven</Id><AccessPolicy><Start>{start}</Start>"
        f"<Expiry>{expiry}</Expiry><Permission>r</Permission></AccessPolicy></SignedIdentifier>",
    )
    sas = generate_blob_sas(ACCOUNT, CONTAINER, BLOB, account_key=KEY, policy_id="seven")

    assert set_acl.status_code == 200
    assert session_for(fake_azure_env).get(f"{BLOB_URL}?{sas}").content == values.BLOB_CONTENT


@pytest.mark.parametrize(
    ("identifier", "start", "problem"),
    [
        ("x" * 65, "", "an Id of 65 characters"),
        ("readers", "yesterday", "the time 'yesterday'"),
    ],
    ids=["long-id", "bad-time"],
)
def test_a_policy_a_sas_could_not_use_is_the_fakes_501_when_it_is_set(
    fake_azure_env: FakeAzure, identifier: str, start: str, problem: str
) -> None:
    response = put_acl(
        fake_azure_env,
        f"<SignedIdentifier><Id>{identifier}</Id><AccessPolicy><Start>{start}</Start>"
        "<Permission>r</Permission></AccessPolicy></SignedIdentifier>",
    )

    assert response.status_code == 501
    assert problem in response.text and "Container_SetAccessPolicy" in response.text
    assert fake_azure_env.blob.get_container(ACCOUNT, CONTAINER).signed_identifiers == b""
