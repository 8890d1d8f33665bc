"""What every AzureML request shares on the wire: the bearer token check, ARM's api-version check,
the JSON envelope of answers and errors, the headers AzureML adds, and ``nextLink`` paging.

ARM itself (its front door, before AzureML) answers a missing or wrong token with 401 and an
api-version the provider never registered with 400 ``NoRegisteredProviderFound``, both without
AzureML's ``details``/``additionalInfo``; AzureML's own errors carry them.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from werkzeug.wrappers import Request, Response

from azureml_obo_harness.cloud.api_versions import ml as ml_versions
from azureml_obo_harness.cloud.http import (
    ServiceError,
    bearer_token,
    json_body,
    json_response,
    token_claims,
)
from azureml_obo_harness.cloud.ml.assets import PROVIDER

if TYPE_CHECKING:
    from azureml_obo_harness.cloud.ml.models import MlBackend, Workspace

ARM_HOST = "management.azure.com"
ARM_AUDIENCES = frozenset(
    {
        "https://management.azure.com",
        "https://management.azure.com/",
        "https://management.core.windows.net",
        "https://management.core.windows.net/",
    }
)
WORKSPACE_PATH = (
    "/subscriptions/<subscription>/resourceGroups/<resource_group>"
    f"/providers/{PROVIDER}/workspaces/<workspace>"
)


class FrontDoorError(ServiceError):
    """An error ARM answers before the request reaches AzureML (no AzureML error extras)."""


def caller(request: Request) -> dict[str, Any]:
    """The claims of the request's ARM token, or ARM's 401."""
    token = bearer_token(request)
    if token is None:
        raise FrontDoorError(
            401,
            "AuthenticationFailed",
            "Authentication failed. The 'Authorization' header is missing.",
            headers={
                "WWW-Authenticate": 'Bearer authorization_uri="https://login.windows.net/", '
                'error="invalid_token", error_description="The authentication failed '
                "because of missing 'Authorization' header.\""
            },
        )
    claims = token_claims(token)
    if claims is None:
        raise FrontDoorError(401, "InvalidAuthenticationToken", "The access token is invalid.")
    audience = str(claims.get("aud", ""))
    if audience not in ARM_AUDIENCES:
        allowed = ",".join(f"'{item}'" for item in sorted(ARM_AUDIENCES))
        raise FrontDoorError(
            401,
            "InvalidAuthenticationTokenAudience",
            f"The access token has been obtained for wrong audience or resource '{audience}'. "
            f"It should exactly match with one of the allowed audiences {allowed}.",
        )
    return claims


def display_name(claims: Mapping[str, Any]) -> str:
    """Who the token is for, as ``systemData.createdBy`` shows it."""
    return str(claims.get("name") or claims.get("upn") or claims.get("oid", ""))


def authenticate(
    backend: MlBackend, request: Request, args: Mapping[str, Any]
) -> tuple[Workspace, str]:
    """For an ARM request: the workspace and the caller's display name, or ARM's 401, its 400 for
    a missing or unregistered api-version, or the 404 for an unknown workspace."""
    workspace, claims = authenticate_caller(backend, request, args)
    return workspace, display_name(claims)


def authenticate_caller(
    backend: MlBackend, request: Request, args: Mapping[str, Any]
) -> tuple[Workspace, dict[str, Any]]:
    """:func:`authenticate`, with the caller's token claims instead of their display name."""
    claims = caller(request)
    version = request.args.get("api-version")
    if not version:
        raise FrontDoorError(
            400,
            "MissingApiVersionParameter",
            "The api-version query parameter (?api-version=) is required for all requests.",
        )
    if version not in ml_versions.ACCEPTED:
        location = _location_of(backend, args)
        raise FrontDoorError(
            400,
            "NoRegisteredProviderFound",
            ml_versions.unknown_version_message(
                version, resource_type=resource_type(request.path), location=location
            ),
        )
    workspace = backend.workspace(args["subscription"], args["resource_group"], args["workspace"])
    return workspace, claims


def resource_type(path: str) -> str:
    """The ARM resource type a path names below the provider: ``workspaces``, ``workspaces/jobs``."""
    parts = path.strip("/").split("/")
    try:
        start = [part.lower() for part in parts].index("workspaces")
    except ValueError:
        return "workspaces"
    below = parts[start + 2 : start + 3]
    return "/".join(["workspaces", *below])


def _location_of(backend: MlBackend, args: Mapping[str, Any]) -> str:
    try:
        workspace = backend.workspace(
            args["subscription"], args["resource_group"], args["workspace"]
        )
    except (KeyError, ServiceError):
        return "eastus"
    return workspace.location


def payload(request: Request) -> Any:
    """The JSON body, or AzureML's 400 ``UserError``."""
    try:
        return json_body(request)
    except ValueError as error:
        raise ServiceError(
            400, "UserError", f"The request is invalid: {error}", inner_codes=("BadArgument",)
        ) from None


def properties_of(request: Request) -> dict[str, Any]:
    """The body's ``properties`` object, or AzureML's 400."""
    body = payload(request)
    properties = body.get("properties") if isinstance(body, dict) else None
    if not isinstance(properties, dict):
        raise ServiceError(
            400,
            "UserError",
            "The request body must be a JSON object with 'properties'.",
            inner_codes=("BadArgument",),
        )
    return properties


def location_of(request: Request) -> str:
    """The URL of the request (what a 201's ``Location`` names)."""
    return f"https://{request.host.removesuffix(':443')}{request.full_path.rstrip('?')}"


def ok(body: Any, *, created: bool = False, location: str | None = None) -> Response:
    """200 (or 201 with ``Location``) with AzureML's headers."""
    response = json_response(body, status=201 if created else 200)
    if created and location:
        response.headers["Location"] = location
    decorate(response)
    return response


def page(
    request: Request, items: Sequence[dict[str, Any]], *, page_size: int, skip_key: str = "$skip"
) -> dict[str, Any]:
    """One page of ``items`` (``value``), with a ``nextLink`` to the rest that repeats the
    request's query with ``skip_key`` set to where the next page starts."""
    try:
        start = max(int(request.args.get(skip_key, "0")), 0)
    except ValueError:
        raise ServiceError(
            400, "UserError", f"{skip_key} must be a number.", inner_codes=("BadArgument",)
        ) from None
    body: dict[str, Any] = {"value": list(items[start : start + page_size])}
    if start + page_size < len(items):
        query = [(key, value) for key, value in request.args.items(multi=True) if key != skip_key]
        query.append((skip_key, str(start + page_size)))
        host = request.host.removesuffix(":443")
        body["nextLink"] = f"https://{host}{request.path}?{urlencode(query)}"
    return body


def render_error(error: ServiceError) -> Response:
    """``error`` as AzureML (or, for :class:`FrontDoorError` and 401s, ARM) answers it."""
    body: dict[str, Any] = {"code": error.code, "message": error.message}
    if not isinstance(error, FrontDoorError) and error.status != 401:
        body["details"] = []
        body["additionalInfo"] = _additional_info(error.inner_codes)
    response = json_response({"error": body}, status=error.status, headers=error.headers)
    decorate(response, response_type="error")
    return response


def decorate(response: Response, *, response_type: str = "standard") -> None:
    """The headers AzureML's front end adds to every answer."""
    correlation = str(uuid.uuid4())
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Pragma"] = "no-cache"
    response.headers["Expires"] = "-1"
    response.headers["x-ms-correlation-request-id"] = correlation
    response.headers["x-ms-routing-request-id"] = f"EASTUS:{stamp}:{correlation}"
    response.headers["x-ms-response-type"] = response_type
    response.headers["azureml-served-by-cluster"] = "fake-eastus-01"
    response.headers["x-request-time"] = "0.001"


def _additional_info(inner_codes: tuple[str, ...]) -> list[dict[str, Any]]:
    now = datetime.now(timezone.utc).isoformat()
    info: list[dict[str, Any]] = [
        {"type": "ComponentName", "info": {"value": "managementfrontend"}},
        {
            "type": "Correlation",
            "info": {"value": {"operation": uuid.uuid4().hex, "request": uuid.uuid4().hex[:16]}},
        },
        {"type": "Environment", "info": {"value": "eastus"}},
        {"type": "Location", "info": {"value": "eastus"}},
        {"type": "Time", "info": {"value": now}},
    ]
    if inner_codes:
        chain: dict[str, Any] | None = None
        for code in reversed(inner_codes):
            chain = {"code": code, "innerError": chain}
        info.append({"type": "InnerError", "info": {"value": chain}})
    return info
