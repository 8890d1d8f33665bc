"""The Key Vault errors the fake answers with, worded as the real service words them.

Sources: real test-proxy recordings (Azure/azure-sdk-assets, python/sdk/keyvault/azure-keyvault-secrets),
docs/protocol.md#key-vault-answers, and the bodies other SDKs' tests assert. Where no public source shows a
message (restore of a name that exists, a corrupt backup blob, an out-of-range ``maxresults``) the
wording is the fake's own; the status and code follow the REST spec's ``KeyVaultError``.
"""

from __future__ import annotations

from azureml_obo_harness import values
from azureml_obo_harness.cloud.http import ServiceError

FORBIDDEN_HELP = (
    "For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287"
)
NOT_FOUND_HELP = (
    "If you recently deleted this secret you may be able to recover it using the correct recovery "
    "command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182"
)


def secret_not_found(name: str) -> ServiceError:
    """The real 404 for a missing secret (``name`` or ``name/version``)."""
    return ServiceError(
        404,
        "SecretNotFound",
        f"A secret with (name/id) {name} was not found in this key vault. {NOT_FOUND_HELP}",
    )


def deleted_secret_not_found(name: str) -> ServiceError:
    """The real 404 of ``/deletedsecrets/{name}`` (not deleted, purged, or deletion not visible yet)."""
    return ServiceError(404, "SecretNotFound", f"Deleted Secret not found: {name}")


def forbidden(
    *, vault: str, location: str, tenant_id: str, caller: str, permission: str
) -> ServiceError:
    """The real 403 of an access-policy vault for a caller without secrets ``permission``."""
    return ServiceError(
        403,
        "Forbidden",
        f"The user, group or application 'appid={values.CLIENT_APP_ID};oid={caller};"
        f"iss=https://sts.windows.net/{tenant_id}/' does not have secrets {permission} "
        f"permission on key vault '{vault};location={location}'. {FORBIDDEN_HELP}",
        inner_codes=("AccessDenied",),
    )


def secret_disabled() -> ServiceError:
    """The real 403 for reading the value of a disabled secret version."""
    return ServiceError(
        403,
        "Forbidden",
        "Operation get is not allowed on a disabled secret.",
        inner_codes=("SecretDisabled",),
    )


def deleted_but_recoverable(name: str) -> ServiceError:
    """The real 409 for reusing the name of a soft-deleted secret (set or restore)."""
    return ServiceError(
        409,
        "Conflict",
        f"Secret {name} is currently in a deleted but recoverable state, and its name cannot be "
        "reused; in this state, the secret can only be recovered or purged.",
        inner_codes=("ObjectIsDeletedButRecoverable",),
    )


def already_exists(name: str) -> ServiceError:
    """409 for restoring a backup whose secret name is in use (the fake's wording)."""
    return ServiceError(
        409,
        "Conflict",
        f"Secret {name} already exists in this key vault, so its backup cannot be restored; delete "
        "and purge it first, or restore into another vault.",
    )


def bad_parameter(message: str) -> ServiceError:
    """The service's 400 ``BadParameter``."""
    return ServiceError(400, "BadParameter", message)
