"""The OBO job's main path: read the secret (and the blob, if one is configured), then submit the
child job, all as the credential's user."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from azure.ai.ml import MLClient
from azure.core.credentials import TokenCredential

from obo_job.blob import read_blob
from obo_job.child_job import build_child_job, submit_child_job
from obo_job.keyvault import read_secret
from obo_job.settings import Settings

logger = logging.getLogger(__name__)


class StepFailed(Exception):
    """A step of the run failed; ``step`` says which, in words, and the cause is chained."""

    def __init__(self, step: str, cause: BaseException) -> None:
        super().__init__(f"{step}: {cause}")
        self.step = step
        self.cause = cause


@dataclass(frozen=True)
class RunSummary:
    """What the run did, with nothing secret in it."""

    secret: str
    child_job_name: str
    child_status: str | None
    child_submitted: bool
    studio_url: str | None
    blob: str | None = None
    """The blob read (name, size, fingerprint), when one was configured."""

    def lines(self) -> list[str]:
        action = "submitted" if self.child_submitted else "already submitted by an earlier attempt"
        lines = [
            f"secret:      {self.secret}",
            f"child job:   {self.child_job_name} ({action})",
            f"status:      {self.child_status or 'unknown'}",
            f"studio:      {self.studio_url or 'unknown'}",
        ]
        if self.blob is not None:
            lines.append(f"blob:        {self.blob}")
        return lines


def run_obo_job(credential: TokenCredential, settings: Settings) -> RunSummary:
    """Read the configured secret (and blob, when ``settings.blob_url`` is set), then submit the
    child job, acting as ``credential``'s user; a failed read submits nothing.

    Raises :class:`StepFailed` naming the step that failed, with the Azure error as its cause.
    """
    step = f"reading secret {settings.secret_name!r} from {settings.vault_url}"
    try:
        secret = read_secret(credential, settings.vault_url, settings.secret_name)
    except Exception as error:
        raise StepFailed(step, error) from error
    logger.info("read secret %s", secret.describe())

    blob = None
    if settings.blob_url is not None:
        step = f"reading blob {settings.blob_url}"
        try:
            blob = read_blob(credential, settings.blob_url)
        except Exception as error:
            raise StepFailed(step, error) from error
        logger.info("read blob %s", blob.describe())

    job = build_child_job(settings.child)
    step = f"submitting child job {job.name!r} to workspace {settings.workspace_name!r}"
    try:
        ml_client = MLClient(
            credential,
            subscription_id=settings.subscription_id,
            resource_group_name=settings.resource_group,
            workspace_name=settings.workspace_name,
            show_progress=False,  # an upload progress bar is noise in a job's log
        )
        child = submit_child_job(ml_client, job)
    except Exception as error:
        raise StepFailed(step, error) from error
    studio = child.job.studio_url if hasattr(child.job, "studio_url") else None
    status = child.job.status
    # The SDK gives a JobStatus enum when it knows the status, a plain string when it does not.
    status_text = None if status is None else str(getattr(status, "value", status))
    return RunSummary(
        secret=secret.describe(),
        child_job_name=str(child.job.name or job.name),
        child_status=status_text,
        child_submitted=child.submitted,
        studio_url=studio,
        blob=None if blob is None else blob.describe(),
    )
