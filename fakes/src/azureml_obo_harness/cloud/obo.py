"""The AzureML on-behalf-of token endpoint (``OBO_ENDPOINT``) and its serverless Spark variant.

:class:`OboTokenIssuer` is the state: the user tokens are issued for, the resources the user has
consented to, and a log of every resource asked for. :class:`OboService` serves it over plain
http on the fake's own ``127.0.0.1:<port>/token`` (``GET ?resource=R``, docs/protocol.md#obo-token-request)
and, for ``AZUREML_DATAPREP_TOKEN_PROVIDER=sparkobo``, the Synapse token service ``POST`` on
:data:`SPARK_TOKEN_SERVICE_HOST` (section 1.6).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Literal

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from azureml_obo_harness.cloud.http import (
    ConnectionResetFault,
    ServiceError,
    json_body,
    json_response,
)
from azureml_obo_harness.cloud.service import FakeService, Handler, fixed_rules
from azureml_obo_harness.tokens import mint_token
from azureml_obo_harness.values import DEFAULT_USER, FakeUser

OBO_PATH = "/token"
SPARK_TOKEN_SERVICE_HOST = "tokenservice.spark.fake.invalid"
SPARK_CANARY_TOKEN = "fake-obo-canary-token"
SPARK_CLUSTER_IDENTIFIER = "fake-spark-cluster"
SPARK_PATH = (
    "/api/v1/proxy/obotoken/v1.0/subscriptions/<subscription>/resourceGroups/<resource_group>"
    "/providers/Microsoft.MachineLearningServices/workspaces/<workspace>/<api>"
)


@dataclass(frozen=True)
class OboTokenRequest:
    """One request the endpoint received: which resource, by which variant, and the outcome."""

    resource: str
    variant: Literal["obo", "spark"]
    granted: bool


class OboTokenIssuer:
    """Issues the fake user's tokens for a resource, as the AzureML OBO service would.

    ``consented=None`` means the user consented to every resource; a set limits it, and any other
    resource gets the service's 400 ``UserError``. ``lifetime`` is the token lifetime in seconds;
    set it to 0 (or below) to hand out already expired tokens, which makes the credential fetch a
    new one on its next call: the way to test refresh without sleeping. ``refuse_connections``
    drops every OBO connection without an answer.
    """

    def __init__(
        self,
        *,
        user: FakeUser = DEFAULT_USER,
        lifetime: int = 3600,
        consented: Iterable[str] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.user = user
        self.lifetime = lifetime
        self.consented: set[str] | None = None if consented is None else set(consented)
        self.refuse_connections = False
        self.clock = clock
        self._requests: list[OboTokenRequest] = []
        self._lock = threading.Lock()

    @property
    def requests(self) -> list[OboTokenRequest]:
        """Every token request so far, in order, including refused ones."""
        with self._lock:
            return list(self._requests)

    @property
    def resources_requested(self) -> list[str]:
        """The resource of every token request so far, in order."""
        return [request.resource for request in self.requests]

    def issue(self, resource: str, *, variant: Literal["obo", "spark"] = "obo") -> dict[str, Any]:
        """The token response body for ``resource``; raises the service's 400 if not consented."""
        granted = self.consented is None or resource.rstrip("/") in {
            item.rstrip("/") for item in self.consented
        }
        with self._lock:
            self._requests.append(OboTokenRequest(resource, variant, granted))
        if not granted:
            raise ServiceError(
                400,
                "UserError",
                f"AADSTS65001: The user or administrator has not consented to use the application "
                f"for resource '{resource}'. The on-behalf-of token for user "
                f"{self.user.upn} cannot be issued.",
            )
        now = int(self.clock())
        expires_on = now + self.lifetime
        token = mint_token(audience=resource, issued_at=now, expires_on=expires_on, user=self.user)
        return {
            "access_token": token,
            "expires_in": str(self.lifetime),
            "expires_on": str(expires_on),
            "resource": resource,
            "token_type": "Bearer",
        }


class OboService(FakeService):
    """The HTTP layer of :class:`OboTokenIssuer`."""

    name = "obo"

    def __init__(self, issuer: OboTokenIssuer) -> None:
        self.issuer = issuer

    @fixed_rules
    def rules(self) -> list[Rule]:
        return [
            Rule(OBO_PATH, host="127.0.0.1:<int:port>", endpoint="obo/token", methods=["GET"]),
            Rule(OBO_PATH, host="localhost:<int:port>", endpoint="obo/token", methods=["GET"]),
            Rule(
                SPARK_PATH,
                host=SPARK_TOKEN_SERVICE_HOST,
                endpoint="obo/spark_token",
                methods=["POST"],
            ),
        ]

    def handlers(self) -> Mapping[str, Handler]:
        return {"obo/token": self.token, "obo/spark_token": self.spark_token}

    def knows_host(self, host: str) -> bool:
        return host.lower() == SPARK_TOKEN_SERVICE_HOST

    def render_error(self, error: ServiceError, request: Request) -> Response:
        body = {"error": {"code": error.code, "message": error.message}}
        return json_response(body, status=error.status, headers=error.headers)

    def token(self, request: Request, args: Mapping[str, Any]) -> Response:
        """``GET /token?resource=R``: the normal variant."""
        if self.issuer.refuse_connections:
            raise ConnectionResetFault("the fake OBO endpoint is set to refuse connections")
        resource = request.args.get("resource", "")
        if not resource:
            raise ServiceError(
                400,
                "UserError",
                "The 'resource' query parameter is required, e.g. "
                "?resource=https://vault.azure.net",
            )
        return json_response(self.issuer.issue(resource))

    def spark_token(self, request: Request, args: Mapping[str, Any]) -> Response:
        """The Synapse token service's ``getuseraccesstokenforspark`` (``token``/``expiresOn``)."""
        if self.issuer.refuse_connections:
            raise ConnectionResetFault("the fake OBO endpoint is set to refuse connections")
        if request.headers.get("obo-access-token") != SPARK_CANARY_TOKEN:
            raise ServiceError(
                401,
                "Unauthorized",
                "The obo-access-token header is missing or not the canary token.",
            )
        try:
            body = json_body(request)
        except ValueError as error:
            raise ServiceError(400, "UserError", str(error)) from None
        resource = body.get("resource") if isinstance(body, dict) else None
        if not isinstance(resource, str) or not resource:
            raise ServiceError(400, "UserError", "The request body has no 'resource'.")
        issued = self.issuer.issue(resource, variant="spark")
        expires = datetime.fromtimestamp(int(issued["expires_on"]), tz=timezone.utc)
        return json_response(
            {
                "token": issued["access_token"],
                "expiresOn": expires.isoformat().replace("+00:00", "Z"),
            }
        )
