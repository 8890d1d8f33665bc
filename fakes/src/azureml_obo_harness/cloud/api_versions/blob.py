"""The ``x-ms-version`` values the fake Blob service accepts, as Azure Storage accepts them.

Three sources, each a real service version:

- :data:`SPEC_VERSIONS`: every folder of the Blob data-plane REST spec, stable and preview
  (``SOURCE``); the newest stable one, :data:`NEWEST_SPEC`, is the spec the operations table of
  :mod:`azureml_obo_harness.cloud.blob.operations` is read from.
- :data:`SDK_VERSIONS`: the versions azure-storage-blob 12.31.1 lets a client pin
  (``azure/storage/blob/_serialize.py: _SUPPORTED_API_VERSIONS``). The service released versions
  the spec repository has no folder for (``2019-10-10``, ``2021-06-08``, ``2023-*``...); the SDK
  sends them, so the service accepts them.
- :data:`OLDER_VERSIONS`: the versions before 2019 that Microsoft's "Previous Azure Storage service
  versions" page still lists as supported; OAuth needs 2017-11-09 or later, but a client may send
  an older one and get the service's "Bearer is not supported in this version" (a test does).

Anything else gets the service's own 400 ``InvalidHeaderValue`` naming the header, as real
storage answers (its XML body has ``<HeaderName>x-ms-version</HeaderName>``, which the SDKs turn
into "The provided service version is not enabled on this storage account").
"""

from __future__ import annotations

SOURCE = {
    "repository": "Azure/azure-rest-api-specs",
    "paths": "specification/storage/data-plane/Microsoft.BlobStorage/{stable,preview}/<version>/",
    "commit": "5de086b7fcfbad8a67381e9e5f3fd118b2c65b71",
    "read": "stable/2027-03-07/blob.json at that commit; the folder list from the repository index",
    "sdk": "azure-storage-blob 12.31.1, azure/storage/blob/_serialize.py _SUPPORTED_API_VERSIONS",
    "older": "learn.microsoft.com/rest/api/storageservices/previous-azure-storage-service-versions",
}
"""Where each list was read (the spec's folder names are its versions)."""

NEWEST_SPEC = "2027-03-07"

SPEC_STABLE = (
    "2021-12-02",
    "2024-08-04",
    "2025-01-05",
    "2025-07-05",
    "2025-11-05",
    "2026-02-06",
    "2026-04-06",
    "2026-06-06",
    "2026-10-06",
    "2026-12-06",
    NEWEST_SPEC,
)
"""``stable/<version>/``; the folder ``stable/0000-00-00`` is a TypeSpec placeholder, not a version."""

SPEC_PREVIEW = (
    "2019-02-02",
    "2019-07-07",
    "2019-12-12",
    "2020-02-10",
    "2020-04-08",
    "2020-06-02",
    "2020-06-12",
    "2020-08-04",
    "2020-10-02",
    "2020-12-06",
    "2021-02-12",
    "2021-04-10",
    "2021-08-06",
    "2021-12-02",
    "2024-05-04",
    "2025-01-05",
)
"""``preview/<version>/`` (Storage published its earlier specs as previews of released versions)."""

SPEC_VERSIONS = tuple(sorted(set(SPEC_STABLE) | set(SPEC_PREVIEW)))

SDK_VERSIONS = (
    "2019-02-02",
    "2019-07-07",
    "2019-10-10",
    "2019-12-12",
    "2020-02-10",
    "2020-04-08",
    "2020-06-12",
    "2020-08-04",
    "2020-10-02",
    "2020-12-06",
    "2021-02-12",
    "2021-04-10",
    "2021-06-08",
    "2021-08-06",
    "2021-12-02",
    "2022-11-02",
    "2023-01-03",
    "2023-05-03",
    "2023-08-03",
    "2023-11-03",
    "2024-05-04",
    "2024-08-04",
    "2024-11-04",
    "2025-01-05",
    "2025-05-05",
    "2025-07-05",
    "2025-11-05",
    "2026-02-06",
    "2026-04-06",
    "2026-06-06",
    "2026-10-06",
)

OLDER_VERSIONS = (
    "2009-09-19",
    "2011-08-18",
    "2012-02-12",
    "2013-08-15",
    "2014-02-14",
    "2015-02-21",
    "2015-04-05",
    "2015-07-08",
    "2015-12-11",
    "2016-05-31",
    "2017-04-17",
    "2017-07-29",
    "2017-11-09",
    "2018-03-28",
    "2018-11-09",
)

ACCEPTED: frozenset[str] = (
    frozenset(SPEC_VERSIONS) | frozenset(SDK_VERSIONS) | frozenset(OLDER_VERSIONS)
)
"""Every ``x-ms-version`` the fake answers; any other is the service's 400 ``InvalidHeaderValue``."""

LATEST = max(ACCEPTED)
"""The version the fake reports when a request names none (the newest it knows)."""
