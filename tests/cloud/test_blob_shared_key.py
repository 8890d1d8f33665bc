"""Shared Key: Blob requests signed with the account key, verified as Azure Storage verifies them.

Through the real azure-storage-blob clients (the account key as credential, and a connection
string), and by hand: requests whose string to sign the tests write out from the documented
format ("Authorize with Shared Key", Blob service, version 2009-09-19 and later), so a fake that
canonicalized differently would refuse them. The refusals' sources are in the docstring of
``azureml_obo_harness.cloud.blob.shared_key``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import xml.etree.ElementTree as ElementTree
from datetime import datetime, timedelta, timezone
from email.utils import formatdate

import pytest
import requests
from azure.core.exceptions import ClientAuthenticationError, HttpResponseError
from azure.storage.blob import BlobServiceClient
from azure.storage.blob._shared.authentication import _storage_header_sort
from azureml_obo_harness import values
from azureml_obo_harness.cloud import FakeAzure
from azureml_obo_harness.cloud.blob.shared_key import header_order
from hypothesis import given
from hypothesis import strategies as st

from tests.cloud.helpers import session_for

ACCOUNT = values.STORAGE_ACCOUNT
ACCOUNT_URL = f"https://{ACCOUNT}.blob.core.windows.net"
VERSION = "2026-10-06"
HOUR_AGO = formatdate(time.time() - 3600, usegmt=True)
WRONG_KEY = base64.b64encode(b"not-the-fake-account-key").decode()


def signed(text: str, key: str = values.STORAGE_ACCOUNT_KEY) -> str:
    """The Shared Key signature of ``text``, computed here, not by the fake or the SDK."""
    mac = hmac.new(base64.b64decode(key), text.encode("utf-8"), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


def detail(response: requests.Response) -> str:
    return ElementTree.fromstring(response.content).findtext("AuthenticationErrorDetail") or ""


def test_a_client_with_the_account_key_creates_uploads_lists_and_downloads(
    fake_azure_env: FakeAzure,
) -> None:
    client = BlobServiceClient(ACCOUNT_URL, credential=fake_azure_env.storage_account_key)

    container = client.create_container("shared-key")
    container.upload_blob("reports/2026 q4.csv", b"a,b\n1,2\n", metadata={"owner": "fake"})

    assert [b.name for b in container.list_blobs()] == ["reports/2026 q4.csv"]
    assert container.download_blob("reports/2026 q4.csv").readall() == b"a,b\n1,2\n"
    assert "shared-key" in [c.name for c in client.list_containers()]
    # Shared Key needs no data role: the key opens the account (no user was granted write).
    assert fake_azure_env.blob.get_blob(ACCOUNT, "shared-key", "reports/2026 q4.csv").metadata == {
        "owner": "fake"
    }


def test_a_client_from_the_connection_string_signs_encoded_paths_and_metadata_the_service_way(
    fake_azure_env: FakeAzure,
) -> None:
    client = BlobServiceClient.from_connection_string(fake_azure_env.storage_connection_string)
    container = client.get_container_client(values.BLOB_CONTAINER)
    name = "dir with spaces/é+~%.txt"  # sent percent-encoded, signed as sent

    # x-ms-meta-a_b sorts before x-ms-meta-a1 for the service (and the SDK), not in byte order.
    container.upload_blob(name, b"hello", metadata={"a_b": "1", "a1": "two  spaces"})

    assert container.download_blob(name).readall() == b"hello"
    assert container.get_blob_client(name).get_blob_properties().metadata == {
        "a_b": "1",
        "a1": "two  spaces",
    }
    assert container.download_blob(values.BLOB_NAME).readall() == values.BLOB_CONTENT


def test_a_wrong_key_is_403_authentication_failed_with_the_string_the_service_signed(
    fake_azure_env: FakeAzure,
) -> None:
    client = BlobServiceClient(ACCOUNT_URL, credential=WRONG_KEY)

    with pytest.raises(ClientAuthenticationError) as raised:
        client.get_container_client(values.BLOB_CONTAINER).get_container_properties()

    assert raised.value.status_code == 403
    assert raised.value.error_code == "AuthenticationFailed"
    text = str(raised.value)
    assert "The MAC signature found in the HTTP request '" in text
    assert "' is not the same as any computed signature. Server used following string to " in text
    assert (
        f"x-ms-version:{VERSION}\n/{ACCOUNT}/{values.BLOB_CONTAINER}\nrestype:container'." in text
    )


def test_a_request_signed_by_the_documented_string_to_sign_is_accepted_and_a_tampered_one_is_not(
    fake_azure: FakeAzure,
) -> None:
    session = session_for(fake_azure)
    date = formatdate(usegmt=True)
    body = b"col\n1\n"
    url = f"{ACCOUNT_URL}/{values.BLOB_CONTAINER}/hand%20signed.csv?timeout=30"
    headers = {
        "Content-Type": "text/csv",
        "Content-MD5": base64.b64encode(hashlib.md5(body).digest()).decode(),
        "x-ms-version": VERSION,
        "X-MS-Date": date,
        "x-ms-blob-type": "BlockBlob",
        "x-ms-meta-Reviewer": "fake  reviewer  ",
    }
    # VERB, Content-Encoding, -Language, -Length, -MD5, -Type, Date, If-Modified-Since, If-Match,
    # If-None-Match, If-Unmodified-Since, Range; x-ms-* lowercased, sorted, values trimmed; the
    # encoded path under the account; the query, names lowercased.
    string_to_sign = (
        f"PUT\n\n\n{len(body)}\n{headers['Content-MD5']}\ntext/csv\n\n\n\n\n\n\n"
        "x-ms-blob-type:BlockBlob\n"
        f"x-ms-date:{date}\n"
        "x-ms-meta-reviewer:fake  reviewer\n"
        f"x-ms-version:{VERSION}\n"
        f"/{ACCOUNT}/{values.BLOB_CONTAINER}/hand%20signed.csv\ntimeout:30"
    )
    authorization = f"SharedKey {ACCOUNT}:{signed(string_to_sign)}"

    accepted = session.put(url, data=body, headers={**headers, "Authorization": authorization})
    tampered = {**headers, "x-ms-meta-Reviewer": "someone else", "Authorization": authorization}
    refused = session.put(url, data=body, headers=tampered)

    assert accepted.status_code == 201, accepted.text
    blob = fake_azure.blob.get_blob(ACCOUNT, values.BLOB_CONTAINER, "hand signed.csv")
    assert blob.data == body
    assert refused.status_code == 403
    assert refused.headers["x-ms-error-code"] == "AuthenticationFailed"
    server_string = string_to_sign.replace("fake  reviewer", "someone else")
    assert detail(refused) == (
        f"The MAC signature found in the HTTP request '{signed(string_to_sign)}' is not the same "
        f"as any computed signature. Server used following string to sign: '{server_string}'."
    )


def test_an_empty_body_signs_an_empty_content_length_and_the_query_sorted_and_joined(
    fake_azure: FakeAzure,
) -> None:
    session = session_for(fake_azure)
    date = formatdate(usegmt=True)
    create = f"PUT\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:{date}\nx-ms-version:{VERSION}\n"
    created = session.put(
        f"{ACCOUNT_URL}/hand-signed?restype=container",
        data=b"",
        headers={
            "x-ms-date": date,
            "x-ms-version": VERSION,
            "Authorization": f"SharedKey {ACCOUNT}:"
            + signed(f"{create}/{ACCOUNT}/hand-signed\nrestype:container"),
        },
    )
    query = "restype=container&comp=list&Prefix=a%20b&include=metadata&include=copy"
    listing = f"GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:{date}\nx-ms-version:{VERSION}\n"
    canonical = (
        f"/{ACCOUNT}/hand-signed\ncomp:list\ninclude:copy,metadata\nprefix:a b\nrestype:container"
    )
    listed = session.get(
        f"{ACCOUNT_URL}/hand-signed?{query}",
        headers={
            "x-ms-date": date,
            "x-ms-version": VERSION,
            "Authorization": f"SharedKey {ACCOUNT}:{signed(listing + canonical)}",
        },
    )

    assert created.request.headers["Content-Length"] == "0"
    assert created.status_code == 201, created.text
    assert listed.status_code == 200, listed.text


def shared_key_get(azure: FakeAzure, authorization: str, **headers: str) -> requests.Response:
    return session_for(azure).get(
        f"{ACCOUNT_URL}/{values.BLOB_CONTAINER}?restype=container",
        headers={"x-ms-version": VERSION, "Authorization": authorization, **headers},
    )


def test_an_account_the_fake_does_not_hold_is_403_cannot_find_the_claimed_account(
    fake_azure: FakeAzure,
) -> None:
    response = shared_key_get(
        fake_azure, "SharedKey fakeother:c2lnbmF0dXJl", **{"x-ms-date": formatdate(usegmt=True)}
    )

    assert response.status_code == 403
    assert response.headers["x-ms-error-code"] == "AuthenticationFailed"
    assert detail(response) == (
        "Cannot find the claimed account when trying to GetProperties for the account fakeother."
    )


@pytest.mark.parametrize(
    "authorization",
    [f"SharedKey {ACCOUNT}", f"SharedKey {ACCOUNT}:sig:extra", f"SharedKey {ACCOUNT}:not base64!"],
)
def test_a_malformed_shared_key_header_is_400_invalid_authentication_info(
    fake_azure: FakeAzure, authorization: str
) -> None:
    response = shared_key_get(fake_azure, authorization, **{"x-ms-date": formatdate(usegmt=True)})

    assert response.status_code == 400
    assert response.headers["x-ms-error-code"] == "InvalidAuthenticationInfo"
    assert "Authentication information is not given in the correct format." in response.text


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (None, "Request date header not specified"),
        ("yesterday", "The Date header in the request is incorrect."),
        (HOUR_AGO, f"Request date header too old: '{HOUR_AGO}'"),
    ],
    ids=["missing", "unparsable", "an hour old"],  # the same on every xdist worker: no clock
)
def test_a_missing_bad_or_old_date_is_403_naming_it(
    fake_azure: FakeAzure, date: str | None, expected: str
) -> None:
    dated = {"x-ms-date": date} if date else {}

    response = shared_key_get(fake_azure, f"SharedKey {ACCOUNT}:c2lnbmF0dXJl", **dated)

    assert response.status_code == 403
    assert detail(response) == expected


def test_shared_key_lite_is_a_501_naming_it(fake_azure: FakeAzure) -> None:
    response = shared_key_get(
        fake_azure,
        f"SharedKeyLite {ACCOUNT}:c2lnbmF0dXJl",
        **{"x-ms-date": formatdate(usegmt=True)},
    )

    assert response.status_code == 501
    assert "Shared Key Lite" in response.text
    assert "Container_GetProperties" in response.text


def test_a_shared_key_caller_gets_no_user_delegation_key(fake_azure_env: FakeAzure) -> None:
    client = BlobServiceClient(ACCOUNT_URL, credential=fake_azure_env.storage_account_key)
    now = datetime.now(timezone.utc)

    with pytest.raises(HttpResponseError) as raised:
        client.get_user_delegation_key(now, now + timedelta(hours=1))

    assert raised.value.status_code == 403
    assert raised.value.error_code == "AuthenticationFailed"
    assert "Only authentication scheme Bearer is supported" in str(raised.value)


NAMES = st.lists(
    st.builds(
        lambda kind, tail: f"x-ms-{kind}{tail}",
        st.sampled_from(["meta-", "blob-", "date", "version", "lease-", "m", "meta"]),
        st.text(alphabet="ab1_-", max_size=4),
    ),
    unique=True,
    max_size=6,
)


@given(NAMES)
def test_headers_are_ordered_as_the_service_orders_them(names: list[str]) -> None:
    """The SDK reproduces the service's order; the fake's must agree wherever names differ by
    more than hyphens alone (a tie the SDK breaks by hyphen positions)."""
    expected = [name for name, _ in _storage_header_sort([(name, "") for name in names])]
    ours = sorted(names, key=header_order)
    primaries = [header_order(name)[0] for name in names]
    if len(set(primaries)) == len(primaries):
        assert ours == expected
