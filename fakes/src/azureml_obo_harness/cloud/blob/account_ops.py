"""Account-level Blob operations: List Containers, Get and Set Service Properties, Get Account
Info.

Service properties ("Set Blob Service Properties", REST reference): a Set names one or more root
elements of ``StorageServiceProperties`` (``Logging``, ``HourMetrics``, ``MinuteMetrics``,
``Cors``, ``DefaultServiceVersion``, ``DeleteRetentionPolicy``, ``StaticWebsite``); each one named
replaces the account's setting whole (an empty ``<Cors />`` deletes every CORS rule), each one
omitted keeps its setting, and the answer is 202 with no body. A Get returns the defaults of a new
account overlaid with what was set, in the spec's element order. A body that breaks a
documented limit (a missing child, retention days outside 1-365, more than five CORS rules...) is
the service's 400 ``InvalidXmlDocument`` and changes nothing (:mod:`.service_settings`). The
settings are stored, not acted on: no analytics logs are written, a deleted blob is gone whatever
the delete retention policy says (Undelete is not served), no static website is served. A root
element outside that list is the fake's 501, naming it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from werkzeug.wrappers import Response

from azureml_obo_harness.cloud.blob import listing, service_settings
from azureml_obo_harness.cloud.blob.call import Call, invalid_xml_document
from azureml_obo_harness.cloud.http import not_modelled

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
SERVICE_PROPERTY_ELEMENTS = (
    "Logging",
    "HourMetrics",
    "MinuteMetrics",
    "Cors",
    "DefaultServiceVersion",
    "DeleteRetentionPolicy",
    "StaticWebsite",
)
"""The root elements of ``StorageServiceProperties``, in the spec's order
(``BlobServiceProperties`` in blob.json)."""


def _root_elements(root: ElementTree.Element) -> dict[str, str]:
    """A ``StorageServiceProperties`` document's root elements: name -> that element's XML."""
    elements = {}
    for child in root:
        child.tail = None
        elements[child.tag] = ElementTree.tostring(child, encoding="unicode")
    return elements


DEFAULT_ELEMENTS = _root_elements(ElementTree.fromstring(DEFAULT_SERVICE_PROPERTIES))


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
    """Service_GetProperties: a new account's defaults, overlaid with what was set."""
    settings = {**DEFAULT_ELEMENTS, **call.backend.get_service_settings(call.account)}
    body = "".join(settings[name] for name in SERVICE_PROPERTY_ELEMENTS if name in settings)
    document = (
        '<?xml version="1.0" encoding="utf-8"?>'
        f"<StorageServiceProperties>{body}</StorageServiceProperties>"
    )
    return call.respond(200, document, content_type=XML)


def set_service_properties(call: Call) -> Response:
    """Service_SetProperties: the root elements sent replace the account's (see the module)."""
    try:
        root = ElementTree.fromstring(call.request.get_data())
    except ElementTree.ParseError:
        raise invalid_xml_document() from None
    if root.tag != "StorageServiceProperties":
        raise invalid_xml_document()
    for child in root:
        if child.tag not in SERVICE_PROPERTY_ELEMENTS:
            raise not_modelled(
                "blob",
                call.operation.rest_name,
                f"for the root element {child.tag}: the fake stores "
                f"{', '.join(SERVICE_PROPERTY_ELEMENTS)}.",
            )
    service_settings.check(root)
    call.backend.set_service_settings(call.account, _root_elements(root))
    return call.respond(202)


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
