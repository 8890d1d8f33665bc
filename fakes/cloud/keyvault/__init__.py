"""Fake Azure Key Vault secrets: :mod:`.models` is the state, :mod:`.routes` the HTTP layer."""

from fakes.cloud.keyvault.models import KeyVaultBackend, SecretVersion, Vault
from fakes.cloud.keyvault.routes import KeyVaultService

__all__ = ["KeyVaultBackend", "KeyVaultService", "SecretVersion", "Vault"]
