"""Fake AzureML control plane (ARM): :mod:`.models` is the workspace state, :mod:`.routes` HTTP."""

from fakes.cloud.ml.models import CodeVersion, Job, MlBackend, Workspace
from fakes.cloud.ml.routes import MlService

__all__ = ["CodeVersion", "Job", "MlBackend", "MlService", "Workspace"]
