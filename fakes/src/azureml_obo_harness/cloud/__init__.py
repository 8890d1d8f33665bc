"""A fake Azure on loopback for on-behalf-of job tests, modelled on moto.

``FakeAzure`` serves the AzureML OBO token endpoint, Key Vault secrets, the AzureML control plane
and the Blob upload subset at their real hostnames, through an HTTPS proxy on ``127.0.0.1`` that
terminates TLS with a test CA. Point a process at it with ``FakeAzure.environ()``.
"""

from azureml_obo_harness.cloud.dispatch import RecordedRequest
from azureml_obo_harness.cloud.faults import Fault, FaultPlan
from azureml_obo_harness.cloud.server import FakeAzure

__all__ = ["FakeAzure", "Fault", "FaultPlan", "RecordedRequest"]
