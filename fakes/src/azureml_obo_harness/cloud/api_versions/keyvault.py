"""Key Vault secrets (data plane): every api-version the REST specs publish, GA and preview.

An api-version outside :data:`ACCEPTED` gets the service's own 400 ``BadParameter``
("The specified version (...) is not recognized. Consider using the latest supported version
(...)."), as the real vault answers it.
"""

from __future__ import annotations

SOURCE = (
    "Azure/azure-rest-api-specs, read through the stored index: "
    "specification/keyvault/data-plane/Legacy/readme.md @ 2e81ca268ff282953b5322cb93179d8f7f55f58b "
    "(its tags list stable/2015-06-01, 2016-10-01, 7.0, 7.1, 7.2, 7.3, 7.4 and preview/7.0 (7.0-preview), "
    "7.1 (7.1-preview), 7.2-preview, 7.3-preview, 7.4-preview.1, 7.5-preview.1, 7.6-preview.1, each with "
    "secrets.json or the all-in-one keyvault.json); "
    "specification/keyvault/data-plane/Secrets/main.tsp @ a21bb96df9ae7e321b477f53d92fcde34197b3e9 "
    "(enum Versions: 7.5, 7.6-preview.2, 7.6, 2025-06-01-preview, 2025-07-01, 2026-01-01-preview, "
    "2026-03-01-preview, 2026-04-01, 2026-05-01-preview); "
    "specification/keyvault/data-plane/Secrets/preview/2026-07-01-preview/secrets.json @ "
    "911c6bc6420f79abaed499bc8ad0c7614a6bb10e (info.version 2026-07-01-preview); "
    "specification/keyvault/data-plane/Microsoft.KeyVault/preview/7.1/secrets.json @ "
    "7de23c31e0326b1ad70557ca620d7f0670565217 (info.version 7.1-preview)."
)

STABLE = frozenset(
    {
        "2015-06-01",
        "2016-10-01",
        "7.0",
        "7.1",
        "7.2",
        "7.3",
        "7.4",
        "7.5",
        "7.6",
        "2025-07-01",
        "2026-04-01",
    }
)
PREVIEW = frozenset(
    {
        "7.0-preview",
        "7.1-preview",
        "7.2-preview",
        "7.3-preview",
        "7.4-preview.1",
        "7.5-preview.1",
        "7.6-preview.1",
        "7.6-preview.2",
        "2025-06-01-preview",
        "2026-01-01-preview",
        "2026-03-01-preview",
        "2026-05-01-preview",
        "2026-07-01-preview",
    }
)
ACCEPTED: frozenset[str] = STABLE | PREVIEW
"""Every api-version a fake vault accepts."""

LATEST_STABLE = "2026-04-01"
"""The version the 400 for an unknown one recommends (the newest GA version)."""

WITHOUT_RECOVERABLE_DAYS = frozenset({"2015-06-01", "2016-10-01", "7.0", "7.0-preview"})
"""Versions before ``SecretAttributes.recoverableDays`` (added in 7.1): the service leaves it out."""
