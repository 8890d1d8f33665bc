"""A fake Azure on loopback for on-behalf-of job tests, modelled on moto.

``FakeAzure`` serves the AzureML OBO token endpoint, Key Vault secrets, the AzureML control plane
and the Blob upload subset at their real hostnames, through an HTTPS proxy on ``127.0.0.1`` that
terminates TLS with a test CA. Point a process at it with ``FakeAzure.environ()``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from azureml_obo_harness.cloud.dispatch import RecordedRequest
    from azureml_obo_harness.cloud.faults import Fault, FaultPlan
    from azureml_obo_harness.cloud.server import FakeAzure

__all__ = ["FakeAzure", "Fault", "FaultPlan", "RecordedRequest"]

# Imported on first use (PEP 562): the pytest plugin imports this package in every pytest run of an
# environment that has the harness, and werkzeug and trustme are not needed until a fake starts.
_HOMES = {
    "FakeAzure": "azureml_obo_harness.cloud.server",
    "Fault": "azureml_obo_harness.cloud.faults",
    "FaultPlan": "azureml_obo_harness.cloud.faults",
    "RecordedRequest": "azureml_obo_harness.cloud.dispatch",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_HOMES[name]), name)
