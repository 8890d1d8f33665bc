"""Fake Azure Key Vault secrets: :mod:`.models` is the state, :mod:`.routes` the HTTP layer."""

from azureml_obo_harness.cloud.keyvault.models import KeyVaultBackend, SecretVersion, Vault
from azureml_obo_harness.cloud.keyvault.routes import KeyVaultService

__all__ = ["KeyVaultBackend", "KeyVaultService", "SecretVersion", "Vault"]
