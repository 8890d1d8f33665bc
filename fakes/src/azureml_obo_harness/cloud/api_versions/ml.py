"""The api-versions the AzureML control plane (``Microsoft.MachineLearningServices`` on ARM) accepts.

ARM routes a request to the resource provider only if the provider registered that api-version;
any other version is refused by ARM itself, before AzureML sees it, with 400
``NoRegisteredProviderFound`` (see :func:`unknown_version_message`).
"""

from __future__ import annotations

SOURCE = (
    "Azure/azure-rest-api-specs, specification/machinelearningservices/resource-manager/"
    "Microsoft.MachineLearningServices/MachineLearningServices/readme.md at commit "
    "343afb3078e27d238ea7b6db355f2a6ac79a2a0f (every tag's stable/ and preview/ input folder, "
    "2018-03-01-preview to 2025-07-01-preview), and main.tsp at commit "
    "f008f86e0b709c7e066cf87843bf5d424492552f (its Versions enum: 2024-10-01-preview to "
    "2026-09-01, the TypeSpec versions that generate the newer stable/ and preview/ folders)"
)
"""Where :data:`STABLE` and :data:`PREVIEW` were read from."""

STABLE = frozenset(
    {
        "2018-11-19",
        "2019-05-01",
        "2019-06-01",
        "2019-11-01",
        "2020-01-01",
        "2020-03-01",
        "2020-04-01",
        "2020-06-01",
        "2020-08-01",
        "2021-01-01",
        "2021-04-01",
        "2021-07-01",
        "2022-05-01",
        "2022-10-01",
        "2023-04-01",
        "2023-10-01",
        "2024-04-01",
        "2024-10-01",
        "2025-04-01",
        "2025-06-01",
        "2025-12-01",
        "2026-03-01",
        "2026-05-01",
        "2026-07-01",
        "2026-09-01",
    }
)
"""The ``stable/<version>`` folders."""

PREVIEW = frozenset(
    {
        "2018-03-01-preview",
        "2020-02-18-preview",
        "2020-04-01-preview",
        "2020-05-01-preview",
        "2020-05-15-preview",
        "2020-09-01-preview",
        "2021-03-01-preview",
        "2022-01-01-preview",
        "2022-02-01-preview",
        "2022-06-01-preview",
        "2022-10-01-preview",
        "2022-12-01-preview",
        "2023-02-01-preview",
        "2023-04-01-preview",
        "2023-06-01-preview",
        "2023-08-01-preview",
        "2024-01-01-preview",
        "2024-04-01-preview",
        "2024-07-01-preview",
        "2024-10-01-preview",
        "2025-01-01-preview",
        "2025-04-01-preview",
        "2025-07-01-preview",
        "2025-10-01-preview",
        "2026-01-15-preview",
        "2026-03-15-preview",
        "2026-05-15-preview",
        "2026-07-15-preview",
    }
)
"""The ``preview/<version>`` folders."""

ACCEPTED = STABLE | PREVIEW
"""Every api-version the fake AzureML control plane accepts."""


def unknown_version_message(version: str, *, resource_type: str, location: str) -> str:
    """ARM's message for an api-version the provider did not register (code
    ``NoRegisteredProviderFound``, status 400), as real ARM answers show it, e.g. in
    Azure/azure-sdk-for-js#4097 and Azure/azure-rest-api-specs#22203: the type is the ARM
    resource type below the provider (``workspaces``, ``workspaces/jobs``)."""
    supported = ", ".join(sorted(ACCEPTED))
    return (
        f"No registered resource provider found for location '{location}' and API version "
        f"'{version}' for type '{resource_type}'. The supported api-versions are '{supported}'. "
        f"The supported locations are '{location}'."
    )
