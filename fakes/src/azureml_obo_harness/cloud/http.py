"""What every fake service's HTTP layer shares: JSON responses, bearer tokens, service errors.

A route handler raises :class:`ServiceError` (or a subclass a service defines) and the dispatcher
renders it with the service's own error shape; handlers never build error bodies by hand.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from werkzeug.wrappers import Request, Response

from azureml_obo_harness.tokens import read_claims

JSON_CONTENT_TYPE = "application/json; charset=utf-8"


def json_response(
    body: Any, *, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """A JSON response with the ``Content-Type`` the Azure services send."""
    response = Response(json.dumps(body), status=status, content_type=JSON_CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def new_request_id() -> str:
    """A fresh request id, as the services put in ``x-ms-request-id``-style headers."""
    return str(uuid.uuid4())


class ServiceError(Exception):
    """An error a fake service answers with; its service renders it in its own error shape.

    ``code`` is the service's error code (``SecretNotFound``, ``UserError``, ``BlobNotFound``);
    ``headers`` are extra response headers such as ``WWW-Authenticate``.
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        inner_codes: tuple[str, ...] = (),
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})
        self.inner_codes = inner_codes
        """The inner error chain, outermost first (``("BadArgument", "UnknownTargetType")``)."""


class ConnectionResetFault(ConnectionResetError):
    """Raised by the dispatcher to make the server drop the connection without a response."""


SENSITIVE_QUERY_KEYS = frozenset(
    {"sig", "skoid", "sktid", "skt", "ske", "sks", "skv", "saoid", "suoid", "code", "token"}
)
"""Query keys whose values are credentials (SAS signatures and signed keys): masked in messages."""


def describe_query(request: Request) -> str:
    """The query as ``?a=1&b=2`` with sorted keys and credential values masked; ``""`` if none.

    Blob operations are selected by the query (``comp``, ``restype``), so an error about an
    unrouted request must show it; a SAS signature must never end up in a test log.
    """
    pairs = sorted(request.args.items(multi=True))
    if not pairs:
        return ""
    shown = [
        f"{key}=***"
        if key.lower() in SENSITIVE_QUERY_KEYS
        else (f"{key}={value}" if value else key)
        for key, value in pairs
    ]
    return "?" + "&".join(shown)


def not_implemented(
    request: Request,
    *,
    service: str,
    operation: str | None = None,
    rest_operation: str | None = None,
) -> ServiceError:
    """The 501 for a request the fake does not implement, naming method, host, path and query,
    and the operation (``blob/get_block_list``) and its REST name (``BlockBlob_GetBlockList``)
    when the service recognised which one was asked for."""
    asked = f"{request.method} {request.host}{request.path}{describe_query(request)}"
    if rest_operation or operation:
        names = " / ".join(name for name in (rest_operation, operation) if name)
        what = f"the operation {names} ({asked})"
    else:
        what = asked
    return ServiceError(
        501,
        "NotImplementedByFake",
        f"The fake Azure ({service}) does not implement {what}. Add a route to "
        "azureml_obo_harness.cloud if the code under test needs it, or serve it yourself with "
        "FakeAzure(extra_services=[...]) (see azureml_obo_harness.cloud.custom).",
    )


def not_modelled(service: str, operation: str, case: str) -> ServiceError:
    """The 501 for a case of an operation the fake serves but cannot answer as the service would,
    because no recording it follows shows the answer: ``case`` completes "The fake Azure
    (<service>) does not implement the operation <operation> ..." (``for ...`` and what to do)."""
    return ServiceError(
        501,
        "NotImplementedByFake",
        f"The fake Azure ({service}) does not implement the operation {operation} {case}",
    )


UNSERVED_HOST_CODE = "HostNotServedByFakeAzure"


def host_not_served(request: Request, *, host: str, served: list[str]) -> ServiceError:
    """The error for a request to a host no fake service answers: 501 (which azure-core and the
    storage SDK do not retry), naming the host, what the fake serves, and how to serve or bypass
    the host."""
    bare = host.rpartition(":")[0] if host.count(":") == 1 else host
    return ServiceError(
        501,
        UNSERVED_HOST_CODE,
        f"The fake Azure does not serve {host} ({request.method} {request.path}"
        f"{describe_query(request)}). It serves {', '.join(served)} (a <placeholder> stands "
        "for the vaults and accounts seeded into it). To serve this host: seed "
        "the resource if it is a vault or storage account (FakeAzure.add_vault(name), "
        "FakeAzure.add_blob(...)), or add a service for it (FakeAzure(extra_services="
        "[CustomService(...)]) or the extra_fake_services fixture; see "
        f"azureml_obo_harness.cloud.custom). To reach the real host instead, add {bare} to "
        "NO_PROXY.",
    )


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or None if there is none."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def token_claims(token: str) -> dict[str, Any] | None:
    """The claims of a JWT-shaped token, or None if it is not one (the fakes reject those)."""
    try:
        return read_claims(token)
    except ValueError:
        return None


def json_body(request: Request) -> Any:
    """The request body parsed as JSON.

    Raises ``ValueError`` with a readable reason if the body is empty or not JSON; route handlers
    turn that into the service's own 400.
    """
    data = request.get_data(cache=True)
    if not data:
        raise ValueError("the request body is empty; a JSON document was expected")
    try:
        return json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"the request body is not valid JSON ({error})") from None
