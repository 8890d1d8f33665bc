"""SAS: Blob requests authorized by a service SAS or a user delegation SAS, verified as Azure does.

Through the real azure-storage-blob ``generate_blob_sas`` / ``generate_container_sas`` (account key,
and a user delegation key from ``get_user_delegation_key``), and one SAS whose string to sign is
written out here from the documented format ("Create a service SAS") and signed with this test's
own HMAC. The refusals' sources are in the docstring of ``azureml_obo_harness.cloud.blob.sas``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import xml.etree.ElementTree as ElementTree
from datetime import datetime, timedelta, timezone
from urllib.parse import quote, urlencode

import pytest
import requests
from azure.storage.blob import (
    AccountSasPermissions,
    BlobServiceClient,
    CorsRule,
    ResourceTypes,
    Services,
    UserDelegationKey,
    generate_account_sas,
    generate_blob_sas,
    generate_container_sas,
)
from azureml_obo_harness import values
from azureml_obo_harness.cloud import FakeAzure
from azureml_obo_harness.credential import FakeCredential

from tests.cloud.helpers import session_for

ACCOUNT = values.STORAGE_ACCOUNT
ACCOUNT_URL = f"https://{ACCOUNT}.blob.core.windows.net"
CONTAINER, BLOB = values.BLOB_CONTAINER, values.BLOB_NAME
WRONG_KEY = base64.b64encode(b"not-the-fake-account-key").decode()


def now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def blob_sas(
    name: str = BLOB,
    *,
    permission: str = "r",
    key: str = values.STORAGE_ACCOUNT_KEY,
    **times: datetime,
) -> str:
    times.setdefault("expiry", now() + timedelta(minutes=30))
    return generate_blob_sas(
        ACCOUNT, CONTAINER, name, account_key=key, permission=permission, **times
    )


def hand_signature(text: str) -> str:
    """A SAS signature computed here (HMAC-SHA256 with the account key), not by the fake or SDK."""
    mac = hmac.new(base64.b64decode(values.STORAGE_ACCOUNT_KEY), text.encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


def url(name: str, sas: str) -> str:
    return f"{ACCOUNT_URL}/{CONTAINER}/{name}?{sas}"


def detail(response: requests.Response) -> str:
    return ElementTree.fromstring(response.content).findtext("AuthenticationErrorDetail") or ""


def code(response: requests.Response) -> tuple[int, str]:
    return response.status_code, response.headers.get("x-ms-error-code", "")


def test_a_blob_sas_reads_its_blob(fake_azure: FakeAzure) -> None:
    response = session_for(fake_azure).get(url(BLOB, blob_sas()))

    assert response.status_code == 200
    assert response.content == values.BLOB_CONTENT


def test_a_container_sas_writes_and_lists_its_blobs(fake_azure: FakeAzure) -> None:
    sas = generate_container_sas(
        ACCOUNT,
        CONTAINER,
        account_key=values.STORAGE_ACCOUNT_KEY,
        permission="cwl",
        expiry=now() + timedelta(minutes=30),
    )
    session = session_for(fake_azure)

    put = session.put(url("new.txt", sas), data=b"x", headers={"x-ms-blob-type": "BlockBlob"})
    listing = session.get(f"{ACCOUNT_URL}/{CONTAINER}?restype=container&comp=list&{sas}")

    assert (put.status_code, listing.status_code) == (201, 200)
    assert "<Name>new.txt</Name>" in listing.text


def test_a_user_delegation_sas_reads_and_writes(fake_azure_env: FakeAzure) -> None:
    service = BlobServiceClient(ACCOUNT_URL, credential=FakeCredential())
    key = service.get_user_delegation_key(now() - timedelta(minutes=1), now() + timedelta(hours=1))
    sas = generate_blob_sas(
        ACCOUNT,
        CONTAINER,
        "udk.txt",
        user_delegation_key=key,
        permission="rw",
        expiry=now() + timedelta(minutes=30),
    )
    session = session_for(fake_azure_env)

    put = session.put(url("udk.txt", sas), data=b"hi", headers={"x-ms-blob-type": "BlockBlob"})
    got = session.get(url("udk.txt", sas))

    assert (put.status_code, got.content) == (201, b"hi")


def test_a_tampered_or_invented_signature_is_signature_did_not_match(fake_azure: FakeAzure) -> None:
    good = blob_sas()
    widened = good.replace("sp=r", "sp=rw")
    invented = good.split("&sig=")[0] + "&sig=" + quote(base64.b64encode(b"x" * 32).decode())
    session = session_for(fake_azure)

    for sas in (widened, invented):
        response = session.get(url(BLOB, sas))
        assert code(response) == (403, "AuthenticationFailed")
        assert detail(response).startswith("Signature did not match. String to sign used was ")


def test_a_sas_signed_with_another_key_is_refused(fake_azure: FakeAzure) -> None:
    response = session_for(fake_azure).get(url(BLOB, blob_sas(key=WRONG_KEY)))

    assert code(response) == (403, "AuthenticationFailed")
    assert "Signature did not match" in detail(response)


def test_a_blob_sas_used_for_another_blob_does_not_match(fake_azure: FakeAzure) -> None:
    fake_azure.blob.put_blob(ACCOUNT, CONTAINER, "other.txt", b"o")

    response = session_for(fake_azure).get(url("other.txt", blob_sas()))

    assert code(response) == (403, "AuthenticationFailed")
    assert f"/blob/{ACCOUNT}/{CONTAINER}/other.txt\n" in detail(response)


def test_an_expired_sas_is_not_valid_in_the_time_frame(fake_azure: FakeAzure) -> None:
    sas = blob_sas(start=now() - timedelta(hours=2), expiry=now() - timedelta(hours=1))

    response = session_for(fake_azure).get(url(BLOB, sas))

    assert code(response) == (403, "AuthenticationFailed")
    assert detail(response).startswith("Signature not valid in the specified time frame: Start [")
    assert "GMT] - Current [" in detail(response)


def test_a_sas_not_yet_valid_is_refused(fake_azure: FakeAzure) -> None:
    sas = blob_sas(start=now() + timedelta(hours=1), expiry=now() + timedelta(hours=2))

    response = session_for(fake_azure).get(url(BLOB, sas))

    assert code(response) == (403, "AuthenticationFailed")
    assert "Signature not valid in the specified time frame" in detail(response)


def test_an_expiry_before_the_start_is_named(fake_azure: FakeAzure) -> None:
    sas = blob_sas(start=now() - timedelta(minutes=5), expiry=now() - timedelta(minutes=10))

    response = session_for(fake_azure).get(url(BLOB, sas))

    assert code(response) == (403, "AuthenticationFailed")
    assert "must be after signed start time [" in detail(response)


def test_a_read_only_sas_cannot_write(fake_azure: FakeAzure) -> None:
    response = session_for(fake_azure).put(
        url(BLOB, blob_sas()), data=b"x", headers={"x-ms-blob-type": "BlockBlob"}
    )

    assert code(response) == (403, "AuthorizationPermissionMismatch")


def test_create_permission_does_not_overwrite_an_existing_blob(fake_azure: FakeAzure) -> None:
    response = session_for(fake_azure).put(
        url(BLOB, blob_sas(permission="c")), data=b"x", headers={"x-ms-blob-type": "BlockBlob"}
    )

    assert code(response) == (403, "AuthorizationPermissionMismatch")


def test_a_blob_sas_cannot_list_the_container(fake_azure: FakeAzure) -> None:
    sas = generate_blob_sas(
        ACCOUNT,
        CONTAINER,
        "",
        account_key=values.STORAGE_ACCOUNT_KEY,
        permission="rl",
        expiry=now() + timedelta(minutes=30),
    )
    listing = f"{ACCOUNT_URL}/{CONTAINER}?restype=container&comp=list&{sas}"

    response = session_for(fake_azure).get(listing)

    assert code(response) == (403, "AuthorizationResourceTypeMismatch")


def sas_under_a_key_made_here(start: datetime, expiry: datetime) -> str:
    """A read SAS for the seeded blob under a user delegation key written here (the fake user's,
    with the fake's key value) for ``start``-``expiry``, not one the fake issued."""
    key = UserDelegationKey()
    key.signed_oid, key.signed_tid = values.USER_OBJECT_ID, values.TENANT_ID
    key.signed_start = start.strftime("%Y-%m-%dT%H:%M:%SZ")
    key.signed_expiry = expiry.strftime("%Y-%m-%dT%H:%M:%SZ")
    key.signed_service, key.signed_version = "b", "2026-10-06"
    key.value = values.USER_DELEGATION_KEY
    return generate_blob_sas(
        ACCOUNT,
        CONTAINER,
        BLOB,
        user_delegation_key=key,
        permission="r",
        expiry=now() + timedelta(minutes=30),
    )


def test_a_delegation_key_that_expired_is_refused(fake_azure: FakeAzure) -> None:
    sas = sas_under_a_key_made_here(now() - timedelta(hours=3), now() - timedelta(hours=2))

    response = session_for(fake_azure).get(url(BLOB, sas))

    assert code(response) == (403, "AuthenticationFailed")


def test_a_stored_access_policy_in_an_account_or_delegation_sas_is_not_modelled(
    fake_azure: FakeAzure,
) -> None:
    """Stored access policies are for service SAS (tests/cloud/test_blob_stored_access_policy.py);
    the docs rule them out for the other two kinds, but no recording shows the service's answer."""
    session = session_for(fake_azure)
    delegation_sas = sas_under_a_key_made_here(
        now() - timedelta(minutes=1), now() + timedelta(hours=1)
    )

    account = session.get(url(BLOB, account_sas(types="o", permission="r") + "&si=readers"))
    delegated = session.get(url(BLOB, delegation_sas + "&si=readers"))

    for response, kind in ((account, "an account SAS"), (delegated, "a user delegation SAS")):
        assert response.status_code == 501
        assert f"for {kind} naming a stored access policy (si)" in response.text


def test_a_sas_signed_by_hand_from_the_documented_format_reads(fake_azure: FakeAzure) -> None:
    """Service SAS, version 2020-12-06 and later: sp, st, se, canonicalized resource, si, sip,
    spr, sv, sr, snapshot time, ses, rscc, rscd, rsce, rscl, rsct: one per line."""
    expiry = (now() + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    resource = f"/blob/{ACCOUNT}/{CONTAINER}/{BLOB}"
    text = "\n".join(
        ["r", "", expiry, resource, "", "", "https", "2025-11-05", "b", "", ""] + [""] * 5
    )
    query = {
        "sv": "2025-11-05",
        "sr": "b",
        "sp": "r",
        "se": expiry,
        "spr": "https",
        "sig": hand_signature(text),
    }

    response = session_for(fake_azure).get(url(BLOB, urlencode(query, quote_via=quote, safe="")))

    assert response.status_code == 200
    assert response.content == values.BLOB_CONTENT


@pytest.mark.parametrize("version", ["2015-04-05", "2025-11-05"])
def test_a_user_delegation_sas_of_an_unknown_layout_is_not_modelled(
    fake_azure: FakeAzure, version: str
) -> None:
    response = session_for(fake_azure).get(
        url(
            BLOB,
            f"sv={version}&sr=b&sp=r&se=2099-01-01&skoid=x&sktid=y&skt=a&ske=b&sks=b"
            "&skv=2025-11-05&sig=AAAA",
        )
    )

    assert response.status_code == 501
    assert f"sv={version}" in response.text


def account_sas(
    *, services: str = "b", types: str = "co", permission: str = "rl", key: str | None = None
) -> str:
    return generate_account_sas(
        ACCOUNT,
        key or values.STORAGE_ACCOUNT_KEY,
        ResourceTypes.from_string(types),
        AccountSasPermissions.from_string(permission),
        expiry=now() + timedelta(minutes=30),
        services=Services.from_string(services),
    )


def test_an_account_sas_reads_and_lists_what_its_resource_types_name(
    fake_azure_env: FakeAzure,
) -> None:
    client = BlobServiceClient(ACCOUNT_URL, credential=account_sas())
    container = client.get_container_client(CONTAINER)

    assert container.download_blob(BLOB).readall() == values.BLOB_CONTENT
    assert BLOB in [blob.name for blob in container.list_blobs()]

    session = session_for(fake_azure_env)
    list_url = f"{ACCOUNT_URL}/{CONTAINER}?restype=container&comp=list"
    objects_only = session.get(f"{list_url}&{account_sas(types='o')}")
    files_only = session.get(url(BLOB, account_sas(services="f")))
    read_only = session.put(
        url("new.txt", account_sas(permission="r")),
        data=b"x",
        headers={"x-ms-blob-type": "BlockBlob"},
    )
    tampered = session.get(url(BLOB, account_sas().replace("sp=rl", "sp=rwl")))
    wrong_key = session.get(url(BLOB, account_sas(key=WRONG_KEY)))
    create_container = session.put(
        f"{ACCOUNT_URL}/made-by-sas?restype=container&{account_sas(types='c', permission='c')}"
    )

    assert code(objects_only) == (403, "AuthorizationResourceTypeMismatch")
    assert code(files_only) == (403, "AuthorizationServiceMismatch")
    assert code(read_only) == (403, "AuthorizationPermissionMismatch")
    for refused in (tampered, wrong_key):
        assert code(refused) == (403, "AuthenticationFailed")
        assert detail(refused).startswith(
            f"Signature did not match. String to sign used was {ACCOUNT}\n"
        )
    assert create_container.status_code == 201  # Create Container: c or w, under srt=c


def test_an_account_sas_runs_container_and_service_operations_with_the_documented_letters(
    fake_azure_env: FakeAzure,
) -> None:
    """ "Account SAS permissions by operation" (Blob service): container create c or w, metadata
    w, properties r, delete d, lease w (break: w or d); list containers l and service properties
    r/w under srt=s."""
    everything = BlobServiceClient(
        ACCOUNT_URL, credential=account_sas(types="sco", permission="rwdlc")
    )

    made = everything.create_container("by-account-sas")
    made.set_container_metadata({"team": "obo"})
    lease = made.acquire_lease()
    lease.break_lease()
    everything.set_service_properties(cors=[CorsRule(["https://obo.example"], ["GET"])])

    assert made.get_container_properties().metadata == {"team": "obo"}
    assert "by-account-sas" in [c.name for c in everything.list_containers()]
    cors = everything.get_service_properties()["cors"]
    assert [rule.allowed_origins for rule in cors] == ["https://obo.example"]
    made.delete_container()
    assert "by-account-sas" not in fake_azure_env.blob.accounts[ACCOUNT]


def test_an_account_sas_without_an_operations_letter_or_type_is_refused_by_name(
    fake_azure: FakeAzure,
) -> None:
    session = session_for(fake_azure)
    container_url = f"{ACCOUNT_URL}/{CONTAINER}?restype=container"
    lease = {"x-ms-lease-action": "acquire", "x-ms-lease-duration": "-1"}

    read_only_create = session.put(
        f"{ACCOUNT_URL}/made?restype=container&{account_sas(types='c', permission='r')}"
    )
    write_only_delete = session.delete(f"{container_url}&{account_sas(types='c', permission='w')}")
    delete_only_acquire = session.put(
        f"{container_url}&comp=lease&{account_sas(types='c', permission='d')}", headers=lease
    )
    read_only_set = session.put(
        f"{ACCOUNT_URL}/?restype=service&comp=properties&{account_sas(types='s', permission='r')}",
        data=b'<?xml version="1.0" encoding="utf-8"?><StorageServiceProperties />',
    )
    container_type_get = session.get(
        f"{ACCOUNT_URL}/?restype=service&comp=properties&{account_sas(types='c', permission='r')}"
    )
    no_service_type = session.get(
        f"{ACCOUNT_URL}/?comp=list&{account_sas(types='co', permission='l')}"
    )
    acl = session.get(f"{container_url}&comp=acl&{account_sas(types='c', permission='rwdl')}")
    lease_url = f"{container_url}&comp=lease"
    acquired = session.put(f"{lease_url}&{account_sas(types='c', permission='w')}", headers=lease)
    broken_with_delete = session.put(
        f"{lease_url}&{account_sas(types='c', permission='d')}",
        headers={"x-ms-lease-action": "break"},
    )

    for refused in (read_only_create, write_only_delete, delete_only_acquire, read_only_set):
        assert code(refused) == (403, "AuthorizationPermissionMismatch")
    for refused in (no_service_type, container_type_get):
        assert code(refused) == (403, "AuthorizationResourceTypeMismatch")
    assert acl.status_code == 501 and "Container_GetAccessPolicy" in acl.text
    assert (acquired.status_code, broken_with_delete.status_code) == (201, 202)
    assert CONTAINER in fake_azure.blob.accounts[ACCOUNT]


def test_an_account_sas_signed_by_hand_from_the_documented_format_reads(
    fake_azure: FakeAzure,
) -> None:
    """Account SAS, version 2020-12-06 and later: the account name, sp, ss, srt, st, se, sip, spr,
    sv, ses, each line ended by a newline."""
    expiry = (now() + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    text = f"{ACCOUNT}\nr\nb\no\n\n{expiry}\n\nhttps\n2025-11-05\n\n"
    query = {
        "sv": "2025-11-05",
        "ss": "b",
        "srt": "o",
        "sp": "r",
        "se": expiry,
        "spr": "https",
        "sig": hand_signature(text),
    }

    response = session_for(fake_azure).get(url(BLOB, urlencode(query, quote_via=quote, safe="")))

    assert response.status_code == 200
    assert response.content == values.BLOB_CONTENT
