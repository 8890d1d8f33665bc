"""Set Blob Service Properties and Get Blob Service Properties, through the real BlobServiceClient
and by hand: what is set is read back, a root element left out keeps its setting, an empty
``<Cors />`` deletes every rule (REST reference, "Set Blob Service Properties")."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import pytest
import requests
from azure.core.exceptions import HttpResponseError
from azure.storage.blob import BlobAnalyticsLogging, CorsRule, Metrics, RetentionPolicy
from azureml_obo_harness import values
from azureml_obo_harness.cloud import FakeAzure

from tests.cloud.blob_clients import ACCOUNT_URL, CONTRIBUTOR, service_client
from tests.cloud.helpers import bearer, session_for

ACCOUNT = values.STORAGE_ACCOUNT
STORAGE = "https://storage.azure.com"
PROPERTIES_URL = f"{ACCOUNT_URL}/?restype=service&comp=properties"


def test_what_is_set_is_read_back_and_what_is_left_out_keeps_its_setting(
    fake_azure_env: FakeAzure,
) -> None:
    client = service_client(fake_azure_env)
    logging = BlobAnalyticsLogging(
        read=True, write=True, delete=True, retention_policy=RetentionPolicy(enabled=True, days=5)
    )
    client.set_service_properties(
        analytics_logging=logging, cors=[CorsRule(["www.xyz.com"], ["GET"])]
    )
    client.set_service_properties(minute_metrics=Metrics(enabled=True, include_apis=True))

    properties = client.get_service_properties()

    assert properties["analytics_logging"].write is True
    assert properties["analytics_logging"].retention_policy.days == 5
    assert [rule.allowed_origins for rule in properties["cors"]] == ["www.xyz.com"]
    assert properties["minute_metrics"].enabled is True
    assert properties["hour_metrics"].retention_policy.days == 7  # never set: the default


@pytest.fixture
def session(fake_azure_env: FakeAzure) -> requests.Session:
    """Raw requests as the fake user, granted Storage Blob Data Contributor's data actions."""
    fake_azure_env.grant_storage(fake_azure_env.user.object_id, CONTRIBUTOR)
    return session_for(fake_azure_env)


def raw_headers() -> dict[str, str]:
    """What the SDK sends besides the body: a bearer token for Storage and the service version."""
    return {**bearer(STORAGE), "x-ms-version": "2026-10-06"}


def document(body: str) -> bytes:
    """A Set request's body with these root elements."""
    head = '<?xml version="1.0" encoding="utf-8"?>'
    return f"{head}<StorageServiceProperties>{body}</StorageServiceProperties>".encode()


def test_the_set_is_accepted_with_no_body_and_an_empty_cors_deletes_every_rule(
    fake_azure_env: FakeAzure, session: requests.Session
) -> None:
    service_client(fake_azure_env).set_service_properties(cors=[CorsRule(["*"], ["PUT"])])

    response = session.put(PROPERTIES_URL, data=document("<Cors />"), headers=raw_headers())
    read_back = ElementTree.fromstring(session.get(PROPERTIES_URL, headers=raw_headers()).content)

    assert (response.status_code, response.content) == (202, b"")
    cors = read_back.find("Cors")
    assert cors is not None and len(cors) == 0
    assert [child.tag for child in read_back] == [
        "Logging",
        "HourMetrics",
        "MinuteMetrics",
        "Cors",
        "DeleteRetentionPolicy",
        "StaticWebsite",
    ]


def test_a_default_service_version_set_is_read_back_in_the_specs_place(
    session: requests.Session,
) -> None:
    version = "<DefaultServiceVersion>2025-01-05</DefaultServiceVersion>"

    session.put(PROPERTIES_URL, data=document(version), headers=raw_headers())
    read_back = ElementTree.fromstring(session.get(PROPERTIES_URL, headers=raw_headers()).content)

    assert read_back.findtext("DefaultServiceVersion") == "2025-01-05"
    assert [child.tag for child in read_back].index("DefaultServiceVersion") == 4  # after Cors


def test_a_body_that_is_not_service_properties_is_invalid_xml_and_changes_nothing(
    fake_azure_env: FakeAzure, session: requests.Session
) -> None:
    not_xml = session.put(PROPERTIES_URL, data=b"<StorageServiceProperties>", headers=raw_headers())
    other_root = session.put(PROPERTIES_URL, data=b"<SignedIdentifiers />", headers=raw_headers())

    for refused in (not_xml, other_root):
        assert refused.status_code == 400
        assert ElementTree.fromstring(refused.content).findtext("Code") == "InvalidXmlDocument"
    assert fake_azure_env.blob.get_service_settings(ACCOUNT) == {}


def test_a_root_element_the_fake_does_not_store_is_its_501_naming_it(
    fake_azure_env: FakeAzure, session: requests.Session
) -> None:
    response = session.put(
        PROPERTIES_URL, data=document("<Logging /><Telemetry />"), headers=raw_headers()
    )

    assert response.status_code == 501
    assert "Service_SetProperties" in response.text and "Telemetry" in response.text
    assert fake_azure_env.blob.get_service_settings(ACCOUNT) == {}  # nothing half-applied


def test_a_reader_may_not_set_service_properties(fake_azure_env: FakeAzure) -> None:
    reader = service_client(fake_azure_env, actions=["read"])

    with pytest.raises(HttpResponseError) as raised:
        reader.set_service_properties(cors=[])

    assert raised.value.status_code == 403
    assert fake_azure_env.blob.get_service_settings(ACCOUNT) == {}


def test_six_cors_rules_or_a_retention_of_366_days_are_refused_as_the_service_refuses_them(
    fake_azure_env: FakeAzure,
) -> None:
    """The cases azure-storage-blob's own live tests expect the service to refuse
    (test_too_many_cors_rules, test_retention_too_long)."""
    client = service_client(fake_azure_env)
    client.set_service_properties(cors=[CorsRule(["www.xyz.com"], ["GET"])])

    with pytest.raises(HttpResponseError) as too_many:
        client.set_service_properties(cors=[CorsRule(["*"], ["GET"])] * 6)
    with pytest.raises(HttpResponseError) as too_long:
        client.set_service_properties(
            hour_metrics=Metrics(
                enabled=True, include_apis=True, retention_policy=RetentionPolicy(True, 366)
            )
        )

    for refused in (too_many, too_long):
        assert (refused.value.status_code, refused.value.error_code) == (400, "InvalidXmlDocument")
    kept = client.get_service_properties()
    assert [rule.allowed_origins for rule in kept["cors"]] == ["www.xyz.com"]
    assert kept["hour_metrics"].retention_policy.days == 7


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (
            "<DeleteRetentionPolicy><Enabled>true</Enabled><Days>0</Days></DeleteRetentionPolicy>",
            "from 1 to 365",
        ),
        (
            "<DeleteRetentionPolicy><Enabled>false</Enabled><Days>5</Days></DeleteRetentionPolicy>",
            "Element Days is only expected when RetentionPolicy is enabled.",
        ),
        (
            "<DeleteRetentionPolicy><Enabled>true</Enabled></DeleteRetentionPolicy>",
            "Days is required",
        ),
        (
            "<Cors><CorsRule><AllowedOrigins>*</AllowedOrigins><AllowedMethods>GET</AllowedMethods>"
            "<MaxAgeInSeconds>5</MaxAgeInSeconds><AllowedHeaders /></CorsRule></Cors>",
            "CorsRule is missing ExposedHeaders",
        ),
        (
            "<Cors><CorsRule><AllowedOrigins>*</AllowedOrigins><AllowedMethods>FETCH</AllowedMethods>"
            "<MaxAgeInSeconds>5</MaxAgeInSeconds><ExposedHeaders /><AllowedHeaders /></CorsRule>"
            "</Cors>",
            "['FETCH']",
        ),
        (
            "<MinuteMetrics><Version>1.0</Version><Enabled>true</Enabled><RetentionPolicy>"
            "<Enabled>false</Enabled></RetentionPolicy></MinuteMetrics>",
            "MinuteMetrics is missing IncludeAPIs",
        ),
        (
            "<Logging><Version>1.0</Version><Read>yes</Read><Write>true</Write><Delete>true</Delete>"
            "<RetentionPolicy><Enabled>false</Enabled></RetentionPolicy></Logging>",
            "Logging/Read must be true or false",
        ),
    ],
    ids=[
        "zero-days",
        "days-when-disabled",
        "no-days",
        "cors-child",
        "cors-method",
        "include-apis",
        "boolean",
    ],
)
def test_a_body_breaking_a_documented_limit_is_invalid_xml_and_changes_nothing(
    fake_azure_env: FakeAzure, session: requests.Session, body: str, reason: str
) -> None:
    response = session.put(PROPERTIES_URL, data=document(body), headers=raw_headers())

    assert response.status_code == 400
    error = ElementTree.fromstring(response.content)
    assert error.findtext("Code") == "InvalidXmlDocument"
    assert reason in (error.findtext("Reason") or "")
    assert fake_azure_env.blob.get_service_settings(ACCOUNT) == {}
