"""Account-level Blob operations: List Containers, Get Service Properties, Get Account Info."""

from __future__ import annotations

from werkzeug.wrappers import Response

from azureml_obo_harness.cloud.blob import listing
from azureml_obo_harness.cloud.blob.call import Call

XML = "application/xml"
DEFAULT_SERVICE_PROPERTIES = (
    '<?xml version="1.0" encoding="utf-8"?><StorageServiceProperties>'
    "<Logging><Version>1.0</Version><Read>false</Read><Write>false</Write><Delete>false</Delete>"
    "<RetentionPolicy><Enabled>false</Enabled></RetentionPolicy></Logging>"
    "<HourMetrics><Version>1.0</Version><Enabled>true</Enabled><IncludeAPIs>true</IncludeAPIs>"
    "<RetentionPolicy><Enabled>true</Enabled><Days>7</Days></RetentionPolicy></HourMetrics>"
    "<MinuteMetrics><Version>1.0</Version><Enabled>false</Enabled>"
    "<RetentionPolicy><Enabled>false</Enabled></RetentionPolicy></MinuteMetrics>"
    "<Cors /><DeleteRetentionPolicy><Enabled>false</Enabled></DeleteRetentionPolicy>"
    "<StaticWebsite><Enabled>false</Enabled></StaticWebsite></StorageServiceProperties>"
)
"""A new StorageV2 account's settings: logging and minute metrics off, hour metrics on for 7
days, no CORS rules, soft delete and static website off."""


def endpoint(call: Call) -> str:
    """``https://{account}.blob.core.windows.net/``, as listings name their service."""
    return f"https://{call.account}.blob.core.windows.net/"


def list_containers(call: Call) -> Response:
    """Service_ListContainersSegment: ``prefix``, ``maxresults``/``marker`` paging, metadata."""
    prefix, resume_from, size = listing.paging(call.query)
    containers = {
        c.name: c for c in call.backend.containers(call.account) if c.name.startswith(prefix)
    }
    names, next_marker = listing.page_of(list(containers), resume_from=resume_from, size=size)
    page = listing.Page(
        prefix=prefix,
        marker=call.query.get("marker", ""),
        max_results=int(call.query["maxresults"]) if "maxresults" in call.query else None,
        next_marker=next_marker,
    )
    body = listing.containers_xml(
        endpoint(call),
        [containers[name] for name in names],
        page,
        with_metadata="metadata" in call.query.get("include", "").split(","),
    )
    return call.respond(200, body, content_type=XML)


def get_service_properties(call: Call) -> Response:
    """Service_GetProperties: a new account's defaults."""
    return call.respond(200, DEFAULT_SERVICE_PROPERTIES, content_type=XML)


def get_account_info(call: Call) -> Response:
    """Service/Container/Blob_GetAccountInfo: a general-purpose v2 account, LRS, no HNS."""
    return call.respond(
        200,
        headers={
            "x-ms-sku-name": "Standard_LRS",
            "x-ms-account-kind": "StorageV2",
            "x-ms-is-hns-enabled": "false",
        },
    )
