"""Fake Azure Blob storage: :mod:`.models` is the state, :mod:`.operations` the REST operations
table and dispatcher, :mod:`.routes` the HTTP layer (handlers in ``*_ops``)."""

from azureml_obo_harness.cloud.blob.models import Blob, BlobBackend
from azureml_obo_harness.cloud.blob.routes import BlobService

__all__ = ["Blob", "BlobBackend", "BlobService"]
