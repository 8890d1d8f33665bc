"""The Key Vault secrets HTTP layer: routes on ``{vault}.vault.azure.net`` over :class:`KeyVaultBackend`.

Every secrets operation of the REST spec is served (see :data:`REST_OPERATIONS`). Authentication
is the service's: a request without a bearer token gets the 401 challenge whose
``WWW-Authenticate`` header the SDK's ``ChallengeAuthPolicy`` needs; a token for another audience
is a 401 as well; the caller is the token's ``oid``. Then the api-version is checked against
:data:`~azureml_obo_harness.cloud.api_versions.keyvault.ACCEPTED`. Handlers only translate HTTP
to backend calls; the rules live in :mod:`.models`, the JSON shapes in :mod:`.bundles`.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from azureml_obo_harness.cloud.api_versions import keyvault as api_versions
from azureml_obo_harness.cloud.http import (
    ServiceError,
    bearer_token,
    json_body,
    json_response,
    new_request_id,
    token_claims,
)
from azureml_obo_harness.cloud.keyvault import bundles, paging
from azureml_obo_harness.cloud.keyvault.errors import bad_parameter
from azureml_obo_harness.cloud.keyvault.models import KeyVaultBackend, SecretUpdate, Vault
from azureml_obo_harness.cloud.service import FakeService, Handler, fixed_rules

VAULT_HOST = "<vault>.vault.azure.net"
VAULT_HOST_PATTERN = re.compile(r"^(?P<vault>[0-9a-zA-Z-]+)\.vault\.azure\.net$", re.IGNORECASE)
VAULT_RESOURCE = "https://vault.azure.net"
SUPPORTED_API_VERSIONS = api_versions.ACCEPTED
LATEST_API_VERSION = api_versions.LATEST_STABLE
SECRET_NAME = re.compile(r"^[0-9a-zA-Z-]{1,127}$")
SERVICE_VERSION = "1.9.3070.1"

REST_OPERATIONS: dict[str, str] = {
    "keyvault/set_secret": "SetSecret",
    "keyvault/get_secret": "GetSecret",
    "keyvault/get_secret_version": "GetSecret",
    "keyvault/update_secret": "UpdateSecret",
    "keyvault/delete_secret": "DeleteSecret",
    "keyvault/list_secrets": "GetSecrets",
    "keyvault/list_secret_versions": "GetSecretVersions",
    "keyvault/get_deleted_secret": "GetDeletedSecret",
    "keyvault/list_deleted_secrets": "GetDeletedSecrets",
    "keyvault/recover_deleted_secret": "RecoverDeletedSecret",
    "keyvault/purge_deleted_secret": "PurgeDeletedSecret",
    "keyvault/backup_secret": "BackupSecret",
    "keyvault/restore_secret": "RestoreSecret",
}
"""Each route's operation -> the REST spec's ``operationId`` (Security.KeyVault.Secrets)."""


class KeyVaultService(FakeService):
    """Secrets: the whole data plane (set, get, update, list, delete, recover, purge, backup,
    restore), each operation checking its own access-policy permission."""

    name = "keyvault"

    def __init__(self, backend: KeyVaultBackend) -> None:
        self.backend = backend

    @fixed_rules
    def rules(self) -> list[Rule]:
        def rule(path: str, operation: str, method: str) -> Rule:
            return Rule(path, host=VAULT_HOST, endpoint=f"keyvault/{operation}", methods=[method])

        return [
            rule("/secrets", "list_secrets", "GET"),
            rule("/secrets/restore", "restore_secret", "POST"),
            rule("/secrets/<name>", "set_secret", "PUT"),
            rule("/secrets/<name>", "get_secret", "GET"),
            # The SDK PATCHes "/secrets/{name}/" (no version) to update the latest version.
            rule("/secrets/<name>", "update_secret", "PATCH"),
            rule("/secrets/<name>", "delete_secret", "DELETE"),
            rule("/secrets/<name>/versions", "list_secret_versions", "GET"),
            rule("/secrets/<name>/backup", "backup_secret", "POST"),
            rule("/secrets/<name>/<version>", "get_secret_version", "GET"),
            rule("/secrets/<name>/<version>", "update_secret", "PATCH"),
            rule("/deletedsecrets", "list_deleted_secrets", "GET"),
            rule("/deletedsecrets/<name>", "get_deleted_secret", "GET"),
            rule("/deletedsecrets/<name>", "purge_deleted_secret", "DELETE"),
            rule("/deletedsecrets/<name>/recover", "recover_deleted_secret", "POST"),
        ]

    def handlers(self) -> Mapping[str, Handler]:
        return {
            "keyvault/list_secrets": self.list_secrets,
            "keyvault/restore_secret": self.restore_secret,
            "keyvault/set_secret": self.set_secret,
            "keyvault/get_secret": self.get_secret,
            "keyvault/get_secret_version": self.get_secret,
            "keyvault/update_secret": self.update_secret,
            "keyvault/delete_secret": self.delete_secret,
            "keyvault/list_secret_versions": self.list_secret_versions,
            "keyvault/backup_secret": self.backup_secret,
            "keyvault/list_deleted_secrets": self.list_deleted_secrets,
            "keyvault/get_deleted_secret": self.get_deleted_secret,
            "keyvault/purge_deleted_secret": self.purge_deleted_secret,
            "keyvault/recover_deleted_secret": self.recover_deleted_secret,
        }

    def rest_operations(self) -> Mapping[str, str]:
        return dict(REST_OPERATIONS)

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

    # -- secrets ---------------------------------------------------------------------------------

    def set_secret(self, request: Request, args: Mapping[str, Any]) -> Response:
        vault, caller = self._authenticate(request, args)
        name = _secret_name(args["name"])
        body = _json_object(request)
        if not isinstance(body.get("value"), str):
            raise bad_parameter("The request body must be a JSON object with a string 'value'.")
        attributes = _attributes_of(body)
        enabled = attributes.get("enabled")
        version = self.backend.set_secret(
            vault.name,
            name,
            body["value"],
            caller=caller,
            content_type=_optional_string(body, "contentType"),
            tags=_tags_of(body) or {},
            enabled=True if enabled is None else bool(enabled),
            not_before=_optional_time(attributes, "nbf"),
            expires=_optional_time(attributes, "exp"),
        )
        return self._ok(
            request, bundles.secret_bundle(vault, version, api_version=_version(request))
        )

    def get_secret(self, request: Request, args: Mapping[str, Any]) -> Response:
        vault, caller = self._authenticate(request, args)
        name = _secret_name(args["name"])
        version = self.backend.get_secret(vault.name, name, args.get("version"), caller=caller)
        return self._ok(
            request, bundles.secret_bundle(vault, version, api_version=_version(request))
        )

    def update_secret(self, request: Request, args: Mapping[str, Any]) -> Response:
        vault, caller = self._authenticate(request, args)
        name = _secret_name(args["name"])
        body = _json_object(request)
        attributes = _attributes_of(body)
        fields = {
            field
            for field, present in (
                ("content_type", "contentType" in body),
                ("tags", "tags" in body),
                ("enabled", "enabled" in attributes),
                ("not_before", "nbf" in attributes),
                ("expires", "exp" in attributes),
            )
            if present
        }
        enabled = attributes.get("enabled")
        update = SecretUpdate(
            enabled=None if enabled is None else bool(enabled),
            content_type=_optional_string(body, "contentType"),
            tags=_tags_of(body),
            not_before=_optional_time(attributes, "nbf"),
            expires=_optional_time(attributes, "exp"),
            fields=frozenset(fields),
        )
        version = self.backend.update_secret(
            vault.name, name, args.get("version") or None, update, caller=caller
        )
        return self._ok(
            request,
            bundles.secret_bundle(vault, version, with_value=False, api_version=_version(request)),
        )

    def delete_secret(self, request: Request, args: Mapping[str, Any]) -> Response:
        vault, caller = self._authenticate(request, args)
        name = _secret_name(args["name"])
        deleted = self.backend.delete_secret(vault.name, name, caller=caller)
        return self._ok(
            request, bundles.deleted_secret_bundle(vault, deleted, api_version=_version(request))
        )

    def list_secrets(self, request: Request, args: Mapping[str, Any]) -> Response:
        vault, caller = self._authenticate(request, args)
        wanted = paging.page_request(request.args)
        latest = self.backend.list_secrets(vault.name, caller=caller)
        items = [
            bundles.secret_item(vault, version, with_version=False, api_version=_version(request))
            for version in latest
        ]
        return self._page(request, vault, items, wanted)

    def list_secret_versions(self, request: Request, args: Mapping[str, Any]) -> Response:
        vault, caller = self._authenticate(request, args)
        name = _secret_name(args["name"])
        wanted = paging.page_request(request.args)
        versions = self.backend.list_versions(vault.name, name, caller=caller)
        items = [
            bundles.secret_item(vault, version, with_version=True, api_version=_version(request))
            for version in versions
        ]
        return self._page(request, vault, items, wanted)

    # -- soft-deleted secrets --------------------------------------------------------------------

    def get_deleted_secret(self, request: Request, args: Mapping[str, Any]) -> Response:
        vault, caller = self._authenticate(request, args)
        name = _secret_name(args["name"])
        deleted = self.backend.get_deleted_secret(vault.name, name, caller=caller)
        return self._ok(
            request, bundles.deleted_secret_bundle(vault, deleted, api_version=_version(request))
        )

    def list_deleted_secrets(self, request: Request, args: Mapping[str, Any]) -> Response:
        vault, caller = self._authenticate(request, args)
        wanted = paging.page_request(request.args)
        deleted = self.backend.list_deleted_secrets(vault.name, caller=caller)
        items = [
            bundles.deleted_secret_item(vault, secret, api_version=_version(request))
            for secret in deleted
        ]
        return self._page(request, vault, items, wanted)

    def recover_deleted_secret(self, request: Request, args: Mapping[str, Any]) -> Response:
        vault, caller = self._authenticate(request, args)
        name = _secret_name(args["name"])
        version = self.backend.recover_deleted_secret(vault.name, name, caller=caller)
        return self._ok(
            request,
            bundles.secret_bundle(vault, version, with_value=False, api_version=_version(request)),
        )

    def purge_deleted_secret(self, request: Request, args: Mapping[str, Any]) -> Response:
        vault, caller = self._authenticate(request, args)
        name = _secret_name(args["name"])
        self.backend.purge_deleted_secret(vault.name, name, caller=caller)
        response = Response(status=204)
        self._decorate(response, request)
        return response

    # -- backup and restore ----------------------------------------------------------------------

    def backup_secret(self, request: Request, args: Mapping[str, Any]) -> Response:
        vault, caller = self._authenticate(request, args)
        name = _secret_name(args["name"])
        blob = self.backend.backup_secret(vault.name, name, caller=caller)
        # base64url without padding, as the service sends BackupSecretResult.value
        encoded = base64.urlsafe_b64encode(blob).decode().rstrip("=")
        return self._ok(request, {"value": encoded})

    def restore_secret(self, request: Request, args: Mapping[str, Any]) -> Response:
        vault, caller = self._authenticate(request, args)
        body = _json_object(request)
        encoded = body.get("value")
        if not isinstance(encoded, str) or not encoded:
            raise bad_parameter("The request body must be a JSON object with the backup 'value'.")
        try:
            blob = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except (binascii.Error, ValueError):
            raise bad_parameter("The backup 'value' is not base64url.") from None
        version = self.backend.restore_secret(vault.name, blob, caller=caller)
        return self._ok(
            request,
            bundles.secret_bundle(vault, version, with_value=False, api_version=_version(request)),
        )

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

    def _page(
        self,
        request: Request,
        vault: Vault,
        items: list[dict[str, Any]],
        wanted: paging.PageRequest,
    ) -> Response:
        chunk, following = paging.page(items, wanted)
        link = paging.next_link(
            vault.url,
            request.path.rstrip("/"),
            api_version=request.args["api-version"],
            offset=following,
            request=wanted,
        )
        return self._ok(request, {"value": chunk, "nextLink": link})

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


def _version(request: Request) -> str | None:
    return request.args.get("api-version")


def _secret_name(name: str) -> str:
    if not SECRET_NAME.match(name):
        raise bad_parameter(f"The request URI contains an invalid name: {name}")
    return name


def _json_object(request: Request) -> dict[str, Any]:
    try:
        body = json_body(request)
    except ValueError as error:
        raise bad_parameter(str(error)) from None
    if not isinstance(body, dict):
        raise bad_parameter("The request body must be a JSON object.")
    return body


def _attributes_of(body: Mapping[str, Any]) -> dict[str, Any]:
    attributes = body.get("attributes")
    if attributes is None:
        return {}
    if not isinstance(attributes, dict):
        raise bad_parameter("'attributes' must be a JSON object.")
    return attributes


def _tags_of(body: Mapping[str, Any]) -> dict[str, str] | None:
    tags = body.get("tags")
    if tags is None:
        return None
    if not isinstance(tags, dict) or not all(isinstance(v, str) for v in tags.values()):
        raise bad_parameter("'tags' must be a JSON object of strings.")
    return dict(tags)


def _optional_string(body: Mapping[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is None or isinstance(value, str):
        return value
    raise bad_parameter(f"'{key}' must be a string.")


def _optional_time(attributes: Mapping[str, Any], key: str) -> int | None:
    value = attributes.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise bad_parameter(f"'attributes.{key}' must be a Unix time in seconds.")
    return int(value)


def unauthorized(vault: Vault, message: str) -> ServiceError:
    """The 401 with the Bearer challenge the SDK parses (tenant in ``authorization``)."""
    challenge = (
        f'Bearer authorization="https://login.microsoftonline.com/{vault.tenant_id}", '
        f'resource="{VAULT_RESOURCE}"'
    )
    return ServiceError(401, "Unauthorized", message, headers={"WWW-Authenticate": challenge})


__all__ = ["REST_OPERATIONS", "KeyVaultService", "bad_parameter", "unauthorized"]
