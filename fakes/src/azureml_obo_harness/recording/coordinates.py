"""Where the tests' Azure is: the workspace, vault, secret and blob, and the variables that name them.

One precedence for everyone: the example job (``obo_job.settings``) reads the same variables in
the same order, and a test (``tests/test_coordinates.py``) holds the two to the README's table.
The two cannot share code: production code never imports the harness, and the harness never
imports the code it tests. AzureML's own variables come first: inside an AzureML job they name the
workspace the job really runs in.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from azureml_obo_harness import values

COORDINATE_VARIABLES: dict[str, tuple[tuple[str, ...], str]] = {
    "subscription_id": (
        ("AZUREML_ARM_SUBSCRIPTION", "AZURE_SUBSCRIPTION_ID"),
        "subscription id of the workspace",
    ),
    "resource_group": (
        ("AZUREML_ARM_RESOURCEGROUP", "AZURE_RESOURCE_GROUP"),
        "resource group of the workspace",
    ),
    "workspace_name": (
        ("AZUREML_ARM_WORKSPACE_NAME", "AZUREML_WORKSPACE_NAME"),
        "AzureML workspace name",
    ),
    "vault_url": (("OBO_JOB_VAULT_URL",), "Key Vault URL, https://<name>.vault.azure.net"),
    "secret_name": (("OBO_JOB_SECRET_NAME",), "name of a secret the signed-in user may read"),
}
"""Each required coordinate: the variables that may name it, first set wins, and what it is."""
BLOB_VARIABLE = "OBO_JOB_BLOB_URL"
"""Optional: a blob the user may read; tests of blob reads skip live without it."""


@dataclass(frozen=True)
class AzureCoordinates:
    """Where the tests' Azure is: the fixed fakes in replay and fake modes, real ones live."""

    subscription_id: str
    resource_group: str
    workspace_name: str
    vault_url: str
    secret_name: str
    blob_url: str | None = values.BLOB_URL
    """A blob the user may read; ``None`` live when ``OBO_JOB_BLOB_URL`` is not set."""

    def real_to_fake(self) -> dict[str, str]:
        """How each of these values is sanitized (identity for the fakes themselves)."""
        known = {
            self.subscription_id: values.SUBSCRIPTION_ID,
            self.resource_group: values.RESOURCE_GROUP,
            self.workspace_name: values.WORKSPACE_NAME,
            self.vault_url.rstrip("/"): values.VAULT_URL,
            self.secret_name: values.SECRET_NAME,
        }
        if self.blob_url is not None:
            known[self.blob_url] = values.BLOB_URL
        return known


FAKE_COORDINATES = AzureCoordinates(
    values.SUBSCRIPTION_ID,
    values.RESOURCE_GROUP,
    values.WORKSPACE_NAME,
    values.VAULT_URL,
    values.SECRET_NAME,
)


def first_set(names: tuple[str, ...], environ: Mapping[str, str]) -> str | None:
    """The value of the first of ``names`` set (non-blank) in ``environ``, else None."""
    for name in names:
        value = environ.get(name, "").strip()
        if value:
            return value
    return None


def live_coordinates(environ: Mapping[str, str] | None = None) -> AzureCoordinates | list[str]:
    """The real coordinates from ``environ`` (default ``os.environ``), or the list of what is
    missing, one ``VARIABLE or VARIABLE (what it is)`` line per coordinate."""
    environ = os.environ if environ is None else environ
    found = {field: first_set(names, environ) for field, (names, _) in COORDINATE_VARIABLES.items()}
    missing = [
        f"{' or '.join(names)} ({what})"
        for field, (names, what) in COORDINATE_VARIABLES.items()
        if found[field] is None
    ]
    if missing:
        return missing
    return AzureCoordinates(
        **{field: str(value) for field, value in found.items()},
        blob_url=first_set((BLOB_VARIABLE,), environ),
    )
