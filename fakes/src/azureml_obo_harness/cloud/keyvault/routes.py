"""The Key Vault secrets HTTP layer: routes on ``{vault}.vault.azure.net`` over :class:`KeyVaultBackend`.

Authentication is the service's: a request without a bearer token gets the 401 challenge whose
``WWW-Authenticate`` header the SDK's ``ChallengeAuthPolicy`` needs; a token for another audience
is a 401 as well; the caller is the token's ``oid``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from azureml_obo_harness.cloud.http import (
    ServiceError,
    bearer_token,
    json_body,
    json_response,
    new_request_id,
    token_claims,
)
from azureml_obo_harness.cloud.keyvault.models import KeyVaultBackend, SecretVersion, Vault
from azureml_obo_harness.cloud.service import FakeService, Handler

VAULT_HOST = "<vault>.vault.azure.net"
VAULT_HOST_PATTERN = re.compile(r"^(?P<vault>[0-9a-zA-Z-]+)\.vault\.azure\.net$", re.IGNORECASE)
VAULT_RESOURCE = "https://vault.azure.net"
SUPPORTED_API_VERSIONS = frozenset(
    {"7.0", "7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "2025-07-01", "2026-04-01"}
)
LATEST_API_VERSION = "2026-04-01"
SECRET_NAME = re.compile(r"^[0-9a-zA-Z-]{1,127}$")
SERVICE_VERSION = "1.9.3070.1"


class KeyVaultService(FakeService):
    """Secrets: set, get (latest or by version), list, list versions, delete."""

    name = "keyvault"

    def __init__(self, backend: KeyVaultBackend) -> None:
        self.backend = backend

    def rules(self) -> list[Rule]:
        def rule(path: str, operation: str, method: str) -> Rule:
            return Rule(path, host=VAULT_HOST, endpoint=f"keyvault/{operation}", methods=[method])

        return [
            rule("/secrets", "list_secrets", "GET"),
            rule("/secrets/<name>", "set_secret", "PUT"),
            rule("/secrets/<name>", "get_secret", "GET"),
            rule("/secrets/<name>", "delete_secret", "DELETE"),
            rule("/secrets/<name>/versions", "list_secret_versions", "GET"),
            rule("/secrets/<name>/<version>", "get_secret_version", "GET"),
            rule("/deletedsecrets/<name>", "get_deleted_secret", "GET"),
        ]

    def handlers(self) -> Mapping[str, Handler]:
        return {
            "keyvault/list_secrets": self.list_secrets,
            "keyvault/set_secret": self.set_secret,
            "keyvault/get_secret": self.get_secret,
            "keyvault/get_secret_version": self.get_secret,
            "keyvault/delete_secret": self.delete_secret,
            "keyvault/list_secret_versions": self.list_secret_versions,
            "keyvault/get_deleted_secret": self.get_deleted_secret,
        }

    def knows_host(self, host: str) -> bool:
        match = VAULT_HOST_PATTERN.match(host)
        return match is not None and match.group("vault").lower() in self.backend.vaults

    def render_error(self, error: ServiceError, request: Request) -> Response:
        body: dict[str, Any] = {"code": error.code, "message": error.message}
        if error.inner_codes:
            body["innererror"] = {"code": error.inner_codes[0]}
        response = json_response({"error": body}, status=error.status, headers=error.headers)
        self._decorate(response, request)
        return response

    # -- handlers --------------------------------------------------------------------------------

    def set_secret(self, request: Request, args: Mapping[str, Any]) -> Response:
        vault, caller = self._authenticate(request, args)
        name = _secret_name(args["name"])
        try:
            body = json_body(request)
        except ValueError as error:
            raise bad_parameter(str(error)) from None
        if not isinstance(body, dict) or not isinstance(body.get("value"), str):
            raise bad_parameter("The request body must be a JSON object with a string 'value'.")
        attributes = body.get("attributes") or {}
        tags = body.get("tags") or {}
        version = self.backend.set_secret(
            vault.name,
            name,
            body["value"],
            caller=caller,
            content_type=body.get("contentType"),
            tags=tags if isinstance(tags, dict) else {},
            enabled=bool(attributes.get("enabled", True)) if isinstance(attributes, dict) else True,
        )
        return self._ok(request, secret_bundle(vault, version))

    def get_secret(self, request: Request, args: Mapping[str, Any]) -> Response:
        vault, caller = self._authenticate(request, args)
        name = _secret_name(args["name"])
        version = self.backend.get_secret(vault.name, name, args.get("version"), caller=caller)
        return self._ok(request, secret_bundle(vault, version))

    def list_secret_versions(self, request: Request, args: Mapping[str, Any]) -> Response:
        vault, caller = self._authenticate(request, args)
        name = _secret_name(args["name"])
        versions = self.backend.list_versions(vault.name, name, caller=caller)
        items = [secret_item(vault, version, with_version=True) for version in versions]
        return self._ok(request, {"value": items, "nextLink": None})

    def list_secrets(self, request: Request, args: Mapping[str, Any]) -> Response:
        vault, caller = self._authenticate(request, args)
        latest = self.backend.list_secrets(vault.name, caller=caller)
        items = [secret_item(vault, version, with_version=False) for version in latest]
        return self._ok(request, {"value": items, "nextLink": None})

    def delete_secret(self, request: Request, args: Mapping[str, Any]) -> Response:
        vault, caller = self._authenticate(request, args)
        name = _secret_name(args["name"])
        version = self.backend.delete_secret(vault.name, name, caller=caller)
        return self._ok(request, deleted_secret_bundle(vault, version))

    def get_deleted_secret(self, request: Request, args: Mapping[str, Any]) -> Response:
        vault, caller = self._authenticate(request, args)
        name = _secret_name(args["name"])
        version = self.backend.get_deleted_secret(vault.name, name, caller=caller)
        return self._ok(request, deleted_secret_bundle(vault, version))

    # -- internals -------------------------------------------------------------------------------

    def _authenticate(self, request: Request, args: Mapping[str, Any]) -> tuple[Vault, str]:
        """The vault and the caller's object id, or the service's 401/400."""
        vault = self.backend.vaults[str(args["vault"]).lower()]
        token = bearer_token(request)
        if token is None:
            raise unauthorized(
                vault, "AKV10000: Request is missing a Bearer, PoP, or MTLS_POP token."
            )
        claims = token_claims(token)
        if claims is None:
            raise unauthorized(vault, "AKV10001: The token is not a valid JWT.")
        audience = str(claims.get("aud", ""))
        if audience.rstrip("/") != VAULT_RESOURCE:
            raise unauthorized(
                vault, f"AKV10022: Invalid audience. Expected {VAULT_RESOURCE}, found: {audience}."
            )
        api_version = request.args.get("api-version")
        if api_version not in SUPPORTED_API_VERSIONS:
            raise bad_parameter(
                f"The specified version ({api_version or ''}) is not recognized. Consider using "
                f"the latest supported version ({LATEST_API_VERSION})."
            )
        return vault, str(claims.get("oid", ""))

    def _ok(self, request: Request, body: Any) -> Response:
        response = json_response(body)
        self._decorate(response, request)
        return response

    def _decorate(self, response: Response, request: Request) -> None:
        response.headers["Cache-Control"] = "no-cache"
        response.headers["x-ms-keyvault-region"] = "eastus"
        response.headers["x-ms-keyvault-service-version"] = SERVICE_VERSION
        response.headers["x-ms-keyvault-network-info"] = (
            f"conn_type=Ipv4;addr={request.remote_addr};act_addr_fam=InterNetwork;"
        )
        response.headers["x-ms-request-id"] = new_request_id()


def _secret_name(name: str) -> str:
    if not SECRET_NAME.match(name):
        raise bad_parameter(f"The request URI contains an invalid name: {name}")
    return name


def unauthorized(vault: Vault, message: str) -> ServiceError:
    """The 401 with the Bearer challenge the SDK parses (tenant in ``authorization``)."""
    challenge = (
        f'Bearer authorization="https://login.microsoftonline.com/{vault.tenant_id}", '
        f'resource="{VAULT_RESOURCE}"'
    )
    return ServiceError(401, "Unauthorized", message, headers={"WWW-Authenticate": challenge})


def bad_parameter(message: str) -> ServiceError:
    """The service's 400 ``BadParameter``."""
    return ServiceError(400, "BadParameter", message)


def _attributes(version: SecretVersion) -> dict[str, Any]:
    return {
        "enabled": version.enabled,
        "created": version.created,
        "updated": version.updated,
        "recoveryLevel": "Recoverable+Purgeable",
        "recoverableDays": 90,
    }


def secret_bundle(vault: Vault, version: SecretVersion) -> dict[str, Any]:
    """A ``SecretBundle`` as the service returns it from get/set."""
    body: dict[str, Any] = {
        "value": version.value,
        "id": f"{vault.url}/secrets/{version.name}/{version.version}",
        "attributes": _attributes(version),
    }
    if version.tags:
        body["tags"] = dict(version.tags)
    if version.content_type is not None:
        body["contentType"] = version.content_type
    return body


def deleted_secret_bundle(vault: Vault, version: SecretVersion) -> dict[str, Any]:
    """A ``DeletedSecretBundle``: the bundle without its value, plus the recovery fields."""
    bundle = {key: value for key, value in secret_bundle(vault, version).items() if key != "value"}
    return {
        "recoveryId": f"{vault.url}/deletedsecrets/{version.name}",
        "deletedDate": version.updated,
        "scheduledPurgeDate": version.updated + 90 * 24 * 3600,
        **bundle,
    }


def secret_item(vault: Vault, version: SecretVersion, *, with_version: bool) -> dict[str, Any]:
    """A ``SecretItem`` of a list response (no value)."""
    path = f"{version.name}/{version.version}" if with_version else version.name
    body: dict[str, Any] = {"id": f"{vault.url}/secrets/{path}", "attributes": _attributes(version)}
    if version.tags:
        body["tags"] = dict(version.tags)
    if version.content_type is not None:
        body["contentType"] = version.content_type
    return body
