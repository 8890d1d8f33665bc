"""Fake Azure Blob storage, the upload subset: :mod:`.models` is the state, :mod:`.routes` HTTP."""

from azureml_obo_harness.cloud.blob.models import Blob, BlobBackend
from azureml_obo_harness.cloud.blob.routes import BlobService

__all__ = ["Blob", "BlobBackend", "BlobService"]
