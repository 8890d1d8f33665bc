"""Reading the job's secret from Key Vault, as whoever the credential speaks for."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from azure.core.credentials import TokenCredential
from azure.keyvault.secrets import SecretClient


@dataclass(frozen=True)
class Secret:
    """A secret read from Key Vault. Its value never appears in ``repr`` or ``str``."""

    name: str
    version: str | None
    value: str = field(repr=False)

    @property
    def fingerprint(self) -> str:
        """The first 8 hex digits of the value's SHA-256: enough to tell two values apart in a log,
        too short to help guess the value."""
        return hashlib.sha256(self.value.encode()).hexdigest()[:8]

    def describe(self) -> str:
        """One line for logs and output: name, version and fingerprint, never the value."""
        return f"{self.name} (version {self.version or 'unknown'}, sha256 {self.fingerprint}...)"


def read_secret(
    credential: TokenCredential, vault_url: str, name: str, *, version: str | None = None
) -> Secret:
    """Read secret ``name`` (its latest version unless ``version`` is given) from ``vault_url``.

    Errors come from the Key Vault SDK: ``ResourceNotFoundError`` when the secret does not exist,
    ``HttpResponseError`` with status 403 when the credential's user lacks ``get`` permission on
    secrets in that vault, ``ClientAuthenticationError`` when no token can be had.
    """
    with SecretClient(vault_url=vault_url, credential=credential) as client:
        secret = client.get_secret(name, version)
    if secret.value is None:
        raise ValueError(f"Key Vault returned secret {name!r} without a value")
    return Secret(name=secret.name or name, version=secret.properties.version, value=secret.value)
