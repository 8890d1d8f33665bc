"""A user delegation key from the fake, and the SAS signed with it, as OBO code hands one on.

The real ``BlobServiceClient.get_user_delegation_key`` against the fake: the key names the user
whose token asked, and a SAS signed with it reads the user's blob. The refusals are the service's
(module docstring of ``azureml_obo_harness.cloud.blob.delegation`` for their sources).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from azure.ai.ml.identity import AzureMLOnBehalfOfCredential
from azure.core.exceptions import HttpResponseError
from azure.storage.blob import (
    AccountSasPermissions,
    BlobClient,
    BlobServiceClient,
    ResourceTypes,
    UserDelegationKey,
    generate_account_sas,
    generate_blob_sas,
)
from azureml_obo_harness import values
from azureml_obo_harness.cloud import FakeAzure
from azureml_obo_harness.credential import FakeCredential

from tests.cloud.helpers import session_for

ACCOUNT_URL = f"https://{values.STORAGE_ACCOUNT}.blob.core.windows.net"
KEY_INFO = (
    '<?xml version="1.0" encoding="utf-8"?><KeyInfo><Start>{start}</Start>'
    "<Expiry>{expiry}</Expiry></KeyInfo>"
)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def read_sas(key: UserDelegationKey, now: datetime) -> str:
    """A read SAS for the seeded blob, signed with ``key``, for the next 30 minutes."""
    return generate_blob_sas(
        values.STORAGE_ACCOUNT,
        values.BLOB_CONTAINER,
        values.BLOB_NAME,
        user_delegation_key=key,
        permission="r",
        expiry=now + timedelta(minutes=30),
    )


def test_the_key_names_the_user_and_its_sas_reads_the_users_blob(fake_azure_env: FakeAzure) -> None:
    now = datetime.now(timezone.utc).replace(microsecond=0)
    service = BlobServiceClient(ACCOUNT_URL, credential=AzureMLOnBehalfOfCredential())

    key = service.get_user_delegation_key(now, now + timedelta(hours=1))

    assert key.signed_oid == fake_azure_env.user.object_id
    assert key.signed_tid == values.TENANT_ID
    assert (key.signed_start, key.signed_expiry) == (iso(now), iso(now + timedelta(hours=1)))
    assert key.signed_service == "b"
    assert key.signed_version == service.api_version
    assert key.value == values.USER_DELEGATION_KEY
    assert key.signed_delegated_user_tid is None  # none asked for
    sas = read_sas(key, now)
    blob = BlobClient.from_blob_url(f"{values.BLOB_URL}?{sas}")
    assert blob.download_blob().readall() == values.BLOB_CONTENT


def test_a_delegated_users_tenant_comes_back_and_is_signed_into_the_sas(
    fake_azure_env: FakeAzure,
) -> None:
    """A user-bound SAS for a user of another tenant: the key names that tenant, and the SDK
    signs it into the SAS as ``skdutid``."""
    tenant = "00000000-0000-0000-0000-0000000000d7"
    now = datetime.now(timezone.utc).replace(microsecond=0)
    service = BlobServiceClient(ACCOUNT_URL, credential=FakeCredential())

    key = service.get_user_delegation_key(now, now + timedelta(hours=1), delegated_user_tid=tenant)

    assert key.signed_delegated_user_tid == tenant
    assert key.signed_tid == values.TENANT_ID  # the key is still the asking user's
    sas = read_sas(key, now)
    assert f"skdutid={tenant}" in sas


def test_a_key_past_seven_days_is_invalid_xml_node_value_naming_the_expiry(
    fake_azure_env: FakeAzure,
) -> None:
    now = datetime.now(timezone.utc)
    service = BlobServiceClient(ACCOUNT_URL, credential=FakeCredential())

    with pytest.raises(HttpResponseError) as raised:
        service.get_user_delegation_key(now, now + timedelta(days=7, minutes=5))

    assert raised.value.status_code == 400
    assert raised.value.error_code == "InvalidXmlNodeValue"
    expiry = iso(now + timedelta(days=7, minutes=5))
    assert f"<XmlNodeName>{expiry}</XmlNodeName><XmlNodeValue>{expiry}</XmlNodeValue>" in str(
        raised.value.response.text()
    )


def test_a_key_within_seven_days_is_given(fake_azure_env: FakeAzure) -> None:
    now = datetime.now(timezone.utc)
    service = BlobServiceClient(ACCOUNT_URL, credential=FakeCredential())

    key = service.get_user_delegation_key(now, now + timedelta(days=6, hours=23))

    assert key.value == values.USER_DELEGATION_KEY


def test_a_sas_cannot_ask_for_a_key(fake_azure: FakeAzure) -> None:
    now = datetime.now(timezone.utc)
    valid = generate_account_sas(
        values.STORAGE_ACCOUNT,
        values.STORAGE_ACCOUNT_KEY,
        ResourceTypes(service=True, container=True, object=True),
        AccountSasPermissions(read=True, write=True),
        expiry=now + timedelta(minutes=30),
    )
    for sas in (valid, "sv=2025-11-05&sig=invented"):  # signed or not: no key for a SAS
        response = session_for(fake_azure).post(
            f"{ACCOUNT_URL}/?restype=service&comp=userdelegationkey&{sas}",
            data=KEY_INFO.format(start=iso(now), expiry=iso(now + timedelta(hours=1))),
            headers={"x-ms-version": "2025-11-05"},
        )

        assert response.status_code == 403
        assert response.headers["x-ms-error-code"] == "AuthenticationFailed"
        assert "<AuthenticationErrorDetail>" not in response.text


@pytest.mark.parametrize(
    "body",
    ["<KeyInfo><Start>2026-12-02T10:00:00Z</Start></KeyInfo>", "<KeyInfo>", "<Other/>"],
    ids=["no expiry", "not xml", "another element"],
)
def test_a_body_that_is_no_key_info_is_invalid_xml_document(
    fake_azure_env: FakeAzure, body: str
) -> None:
    credential = FakeCredential()
    token = credential.get_token("https://storage.azure.com/.default").token
    response = session_for(fake_azure_env).post(
        f"{ACCOUNT_URL}/?restype=service&comp=userdelegationkey",
        data=body,
        headers={"x-ms-version": "2025-11-05", "Authorization": f"Bearer {token}"},
    )

    assert response.status_code == 400
    assert response.headers["x-ms-error-code"] == "InvalidXmlDocument"
