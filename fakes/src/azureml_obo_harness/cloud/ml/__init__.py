"""Fake AzureML control plane (ARM): :mod:`.models` is the workspace state, :mod:`.routes` HTTP."""

from azureml_obo_harness.cloud.ml.models import CodeVersion, Job, MlBackend, Workspace
from azureml_obo_harness.cloud.ml.routes import MlService

__all__ = ["CodeVersion", "Job", "MlBackend", "MlService", "Workspace"]
