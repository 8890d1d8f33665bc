"""The child job: the iris training job of the original on-behalf-of sample, submitted as the user.

Its name is derived from the parent run, so a retried parent finds the child an earlier attempt
submitted instead of submitting a second one.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from azure.ai.ml import Input, MLClient, command
from azure.ai.ml.entities import Command, Job
from azure.core.exceptions import ResourceNotFoundError

from obo_job.sdk_output import without_sdk_colour_reset
from obo_job.settings import ChildJobSettings

logger = logging.getLogger(__name__)

TRAINING_CODE_DIR = Path(__file__).resolve().parent.parent / "iris_training"
"""The child's code: ``src/iris_training``, uploaded by the OBO job as the child's code asset."""

IRIS_CSV = "https://azuremlexamples.blob.core.windows.net/datasets/iris.csv"
TRAINING_COMMAND = (
    "python main.py --iris-csv ${{inputs.iris}} "
    "--C ${{inputs.C}} --kernel ${{inputs.kernel}} --coef0 ${{inputs.coef0}}"
)
HYPERPARAMETERS: dict[str, float | str] = {"C": 0.8, "kernel": "rbf", "coef0": 0.1}
DISPLAY_NAME = "sklearn-iris-example"
_NAME_SUFFIX = "-iris"
_MAX_NAME_LENGTH = 255


def child_job_name(parent_run_id: str) -> str:
    """The child's job name for a parent run: the same parent always gives the same name.

    A parent run id that is already a valid job name (letters, digits, ``-`` and ``_``) is kept
    readable: ``sharp_tomato_1a2b3c`` gives ``sharp_tomato_1a2b3c-iris``. Any other id is reduced to
    those characters and suffixed with a digest of the original, so two different parents never
    share a child.
    """
    if not parent_run_id:
        raise ValueError(
            "parent_run_id must be non-empty: it is what makes the child's name stable"
        )
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", parent_run_id).strip("-_")
    room = _MAX_NAME_LENGTH - len(_NAME_SUFFIX)
    if slug == parent_run_id and len(slug) <= room:
        return slug + _NAME_SUFFIX
    digest = hashlib.sha256(parent_run_id.encode()).hexdigest()[:10]
    slug = slug[: room - len(digest) - 1].rstrip("-_") or "run"
    return f"{slug}-{digest}{_NAME_SUFFIX}"


def build_child_job(settings: ChildJobSettings, *, code_dir: Path = TRAINING_CODE_DIR) -> Command:
    """The child job's definition, as ``azure.ai.ml.command`` builds it (``MLClient.jobs`` accepts
    this, not a bare ``CommandJob``). Builds an entity only; nothing is sent to Azure.

    Raises ``FileNotFoundError`` if ``code_dir`` (the training code to upload) does not exist.
    """
    if not (code_dir / "main.py").is_file():
        raise FileNotFoundError(
            f"the child's training code is missing: expected {code_dir / 'main.py'}"
        )
    return command(
        name=child_job_name(settings.parent_run_id),
        display_name=DISPLAY_NAME,
        experiment_name=settings.experiment_name,
        code=str(code_dir),
        command=TRAINING_COMMAND,
        inputs={"iris": Input(type="uri_file", path=IRIS_CSV), **HYPERPARAMETERS},
        environment=f"azureml:{settings.environment}",
        compute=settings.compute,
        tags={"starter_run": settings.starter_run_tag or settings.parent_run_id},
    )


def child_job_yaml(job: Command) -> str:
    """The job as the YAML ``az ml job create --file`` would accept (what ``--dry-run`` prints)."""
    buffer = io.StringIO()
    # _to_job() is what MLClient.jobs.create_or_update submits for a command node; dumping the
    # node itself would print the component form instead of the job's.
    job._to_job().dump(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class SubmittedChild:
    """The child job in the workspace, and whether this run submitted it or found it there."""

    job: Job
    submitted: bool


def submit_child_job(ml_client: MLClient, job: Command) -> SubmittedChild:
    """Submit ``job`` unless a job of that name exists already; return the job in the workspace.

    The service refuses to change an existing job's inputs or code ("A job with this name already
    exists"), so a retried parent must not PUT its child again: it looks the name up first and
    returns the child an earlier attempt submitted.
    """
    if not job.name:
        raise ValueError("the child job needs a name; build it with build_child_job")
    try:
        existing = ml_client.jobs.get(job.name)
    except ResourceNotFoundError:
        logger.info("submitting child job %s", job.name)
        with without_sdk_colour_reset():  # the upload's bare escape sequence on stderr
            return SubmittedChild(job=ml_client.jobs.create_or_update(job), submitted=True)
    logger.info("child job %s exists already (an earlier attempt submitted it)", job.name)
    return SubmittedChild(job=existing, submitted=False)
