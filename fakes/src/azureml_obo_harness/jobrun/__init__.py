"""Run an AzureML command job on this machine, as AzureML would run it for the submitting user.

``fake-azure run-job JOB.yaml`` (:mod:`azureml_obo_harness.jobrun.cli`); the steps are modules of
their own: :mod:`.spec` (the job file), :mod:`.command` (``--set`` and placeholders),
:mod:`.runtime` (the environment AzureML sets), :mod:`.code_folder` (the ``.amlignore``-aware
copy), :mod:`.conda` (the conda file's pip packages), :mod:`.runner` (the run itself).
"""

from __future__ import annotations

from azureml_obo_harness.jobrun.errors import RunJobError
from azureml_obo_harness.jobrun.runner import RunJobRequest, run_job
from azureml_obo_harness.jobrun.runtime import RUNTIME_VARIABLES

__all__ = ["RUNTIME_VARIABLES", "RunJobError", "RunJobRequest", "run_job"]
