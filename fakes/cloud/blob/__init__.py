"""Fake Azure Blob storage, the upload subset: :mod:`.models` is the state, :mod:`.routes` HTTP."""

from fakes.cloud.blob.models import Blob, BlobBackend
from fakes.cloud.blob.routes import BlobService

__all__ = ["Blob", "BlobBackend", "BlobService"]
