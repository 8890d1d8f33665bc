"""A Blob user delegation key never reaches a cassette, and the scan finds one that did.

``Get User Delegation Key`` (``POST /?restype=service&comp=userdelegationkey``) answers XML whose
``<Value>`` is a key that signs SAS URLs as the user until it expires: OBO code that hands a
child a user delegation SAS records one. The body's shape is the service's, as public recordings
of the storage SDKs' own tests hold it (searching them for ``<UserDelegationKey><SignedOid>`` finds
ten, every one with its key in clear). The key here is invented.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import xml.etree.ElementTree as ElementTree
from datetime import datetime, timedelta, timezone
from typing import Any

from azure.storage.blob import UserDelegationKey, generate_blob_sas
from azureml_obo_harness import values
from azureml_obo_harness.recording.sanitize import Sanitizer
from azureml_obo_harness.scan import scan_text

from tests.leak_planting import cassette_text

INVENTED_KEY = base64.b64encode(hashlib.sha256(b"an invented delegation key").digest()).decode()
INVENTED_OID = "5d0a3c1e-7b2f-4e8a-9c61-2f4b8d7e1a90"
INVENTED_TID = "8e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b"


def delegation_key_interaction(key: str = INVENTED_KEY) -> dict[str, Any]:
    body = (
        '<?xml version="1.0" encoding="utf-8"?><UserDelegationKey>'
        f"<SignedOid>{INVENTED_OID}</SignedOid><SignedTid>{INVENTED_TID}</SignedTid>"
        "<SignedStart>2026-12-02T10:00:00Z</SignedStart>"
        "<SignedExpiry>2026-12-02T18:00:00Z</SignedExpiry>"
        "<SignedService>b</SignedService><SignedVersion>2025-11-05</SignedVersion>"
        f"<Value>{key}</Value></UserDelegationKey>"
    )
    return {
        "request": {
            "method": "POST",
            "uri": "https://realacct.blob.core.windows.net/?restype=service&comp=userdelegationkey",
            "body": '<?xml version="1.0" encoding="utf-8"?><KeyInfo><Start>2026-12-02T10:00:00Z'
            "</Start><Expiry>2026-12-02T18:00:00Z</Expiry></KeyInfo>",
            "headers": {"Content-Type": ["application/xml"], "x-ms-version": ["2025-11-05"]},
        },
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {"Content-Type": ["application/xml"]},
            "body": {"string": body},
        },
    }


def key_of(interaction: dict[str, Any]) -> UserDelegationKey:
    """The key as the SDK builds it from the answer."""
    root = ElementTree.fromstring(interaction["response"]["body"]["string"])
    key = UserDelegationKey()
    key.signed_oid = root.findtext("SignedOid")
    key.signed_tid = root.findtext("SignedTid")
    key.signed_start = root.findtext("SignedStart")
    key.signed_expiry = root.findtext("SignedExpiry")
    key.signed_service = root.findtext("SignedService")
    key.signed_version = root.findtext("SignedVersion")
    key.value = root.findtext("Value")
    return key


def test_the_key_becomes_the_fake_key_and_the_cassette_scans_clean() -> None:
    sanitized = Sanitizer().interaction(delegation_key_interaction())

    text = cassette_text(sanitized)
    assert INVENTED_KEY not in text
    assert key_of(sanitized).value == values.USER_DELEGATION_KEY
    assert INVENTED_OID not in text and INVENTED_TID not in text
    assert scan_text(text) == []


def test_a_replay_can_still_sign_a_user_delegation_sas_with_the_fake_key() -> None:
    sanitized = Sanitizer().interaction(delegation_key_interaction())

    sas = generate_blob_sas(
        values.STORAGE_ACCOUNT,
        values.BLOB_CONTAINER,
        values.BLOB_NAME,
        user_delegation_key=key_of(sanitized),
        permission="r",
        expiry=datetime.now(timezone.utc) + timedelta(hours=1),
    )
    assert "sig=" in sas and "skoid=" in sas


def test_sanitizing_the_key_again_changes_nothing() -> None:
    once = Sanitizer().interaction(delegation_key_interaction())
    twice = Sanitizer().interaction(copy.deepcopy(once))
    assert twice == once


def test_the_key_is_replaced_wherever_else_the_run_wrote_it() -> None:
    sanitizer = Sanitizer()
    sanitizer.interaction(delegation_key_interaction())
    assert sanitizer.text(f"signing with {INVENTED_KEY}") == (
        f"signing with {values.USER_DELEGATION_KEY}"
    )
    assert INVENTED_KEY in sanitizer.real_values


def test_an_unsanitized_key_is_found_by_the_scan_under_its_element() -> None:
    findings = scan_text(cassette_text(delegation_key_interaction()))

    [key] = [finding for finding in findings if finding.kind == "credential-field"]
    assert key.what.startswith("UserDelegationKey.Value = ")
    assert INVENTED_KEY not in key.what  # masked
    assert {finding.kind for finding in findings} == {"credential-field", "guid"}


def test_the_fake_key_itself_is_no_finding() -> None:
    text = cassette_text(delegation_key_interaction(values.USER_DELEGATION_KEY))
    assert [f.kind for f in scan_text(text)] == ["guid", "guid"]  # the invented ids only


def test_a_blobs_index_tags_are_not_credentials() -> None:
    interaction = delegation_key_interaction()
    interaction["response"]["body"]["string"] = (
        '<?xml version="1.0" encoding="utf-8"?><Tags><TagSet><Tag><Key>project</Key>'
        "<Value>Zk9yZWNhc3QtbW9kZWwtdjI=</Value></Tag></TagSet></Tags>"
    )
    assert scan_text(cassette_text(interaction)) == []
